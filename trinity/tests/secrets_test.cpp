// Secrets at rest, as pure logic (no database): sealing and opening, keys, rotation keys, the
// environment, and errors that never carry a secret. The columns' at-rest tests (the raw column
// holds no plaintext) live with the operations that store them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <sqlcore/testing/scoped_env.hpp>

#include "fixture.hpp"
#include "trinity/db/secrets.hpp"

using trinity_test::secret_error;

namespace {

using trinity::db::SecretError;
using trinity::db::SecretKey;
using trinity::db::Secrets;

constexpr const char* kColumn = "slack_workspaces.bot_token";
constexpr const char* kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

using sqlcore::test::ScopedEnv;

TEST(Secrets, SealsAndOpens) {
  const Secrets secrets(SecretKey::generate());
  for (const std::string& plain :
       {std::string("xoxb-123-456"), std::string(), std::string(5000, 'x'),
        std::string("nul\0inside", 10), std::string("ünïcødé ✓")}) {
    const std::string stored = secrets.seal(plain, kColumn);
    EXPECT_TRUE(Secrets::is_sealed(stored));
    EXPECT_EQ(Secrets::key_id_of(stored), secrets.current_key_id());
    if (plain.size() >= 4) {
      EXPECT_EQ(stored.find(plain), std::string::npos);
    }
    EXPECT_EQ(secrets.open(stored, kColumn), plain);
  }
}

TEST(Secrets, SealingTwiceGivesDifferentValues) {
  const Secrets secrets(SecretKey::generate());
  EXPECT_NE(secrets.seal("token", kColumn), secrets.seal("token", kColumn));
}

TEST(Secrets, AWrongKeyIsAClearErrorNeverGarbage) {
  const Secrets a(SecretKey::generate());
  const Secrets b(SecretKey::generate());
  const std::string stored = a.seal("xoxb-secret-token", kColumn);
  const std::string message = secret_error([&] { b.open(stored, kColumn); });
  EXPECT_NE(message.find(kColumn), std::string::npos) << message;
  EXPECT_NE(message.find(a.current_key_id()), std::string::npos) << message;
  EXPECT_NE(message.find("TRINITY_ENCRYPTION_OLD_KEYS"), std::string::npos) << message;
  EXPECT_EQ(message.find("xoxb"), std::string::npos) << message;
}

TEST(Secrets, NoKeyIsAClearError) {
  const Secrets none;
  EXPECT_FALSE(none.has_key());
  EXPECT_NE(secret_error([&] { none.seal("x", kColumn); }).find("TRINITY_ENCRYPTION_KEY"),
            std::string::npos);
  const std::string stored = Secrets(SecretKey::generate()).seal("x", kColumn);
  EXPECT_NE(secret_error([&] { none.open(stored, kColumn); }).find("no encryption key"),
            std::string::npos);
}

TEST(Secrets, AlteredValuesAndOtherColumnsDoNotOpen) {
  const Secrets secrets(SecretKey::generate());
  const std::string stored = secrets.seal("xoxb-secret-token", kColumn);
  EXPECT_NE(secret_error([&] {
              secrets.open(stored, "telegram_bindings.bot_token_encrypted");
            }).find("does not authenticate"),
            std::string::npos);
  // Flip one character of the base64 payload (keeping it valid base64).
  std::string altered = stored;
  char& c = altered[altered.size() - 6];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_NE(secret_error([&] { secrets.open(altered, kColumn); }).find("does not authenticate"),
            std::string::npos);
}

TEST(Secrets, ValuesInAnotherFormatAreRefusedNotReturned) {
  const Secrets secrets(SecretKey::generate());
  for (const std::string& v :
       {std::string("xoxb-plaintext-token"), std::string("tdb1:"),
        std::string("tdb1:0123456789abcdef:"), std::string("tdb1:0123456789abcdef:!!!!"),
        std::string("tdb1:zz23456789abcdef:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        std::string("gAAAAABfernet-style-token")}) {
    EXPECT_FALSE(Secrets::is_sealed(v)) << v;
    EXPECT_EQ(Secrets::key_id_of(v), "");
    const std::string message = secret_error([&] { secrets.open(v, kColumn); });
    EXPECT_NE(message.find("not a secret sealed by trinity-db"), std::string::npos) << message;
    EXPECT_EQ(message.find("plaintext-token"), std::string::npos) << message;
  }
}

TEST(Secrets, OldKeysOpenAndTheCurrentKeySeals) {
  const SecretKey old_key = SecretKey::generate();
  const SecretKey new_key = SecretKey::generate();
  const std::string before = Secrets(old_key).seal("token", kColumn);
  const Secrets rotated(new_key, {old_key});
  EXPECT_EQ(rotated.open(before, kColumn), "token");
  EXPECT_EQ(Secrets::key_id_of(rotated.seal("token", kColumn)), new_key.id());
}

TEST(Secrets, KeysParseFromHexAndBase64AndRefuseOtherLengths) {
  const SecretKey from_hex = SecretKey::parse(std::string(kHexKey) + "\n", "test");
  EXPECT_EQ(from_hex.hex(), kHexKey);
  const SecretKey from_b64 =
      SecretKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "test");
  EXPECT_EQ(from_b64.id(), from_hex.id());
  EXPECT_EQ(from_hex.id().size(), 16u);
  for (const char* bad :
       {"", "00", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", "not a key at all"}) {
    const std::string message = secret_error([&] { SecretKey::parse(bad, "MY_VARIABLE"); });
    EXPECT_NE(message.find("MY_VARIABLE"), std::string::npos) << bad;
    EXPECT_NE(message.find("32 bytes"), std::string::npos) << bad;
  }
}

TEST(Secrets, FromTheEnvironment) {
  {
    ScopedEnv key("TRINITY_ENCRYPTION_KEY", nullptr);
    ScopedEnv file("TRINITY_ENCRYPTION_KEY_FILE", nullptr);
    ScopedEnv old("TRINITY_ENCRYPTION_OLD_KEYS", nullptr);
    EXPECT_FALSE(Secrets::from_env().has_key());
  }
  {
    ScopedEnv key("TRINITY_ENCRYPTION_KEY", kHexKey);
    ScopedEnv file("TRINITY_ENCRYPTION_KEY_FILE", nullptr);
    const SecretKey older = SecretKey::generate();
    ScopedEnv old("TRINITY_ENCRYPTION_OLD_KEYS", (" " + older.hex() + ",").c_str());
    const Secrets secrets = Secrets::from_env();
    EXPECT_EQ(secrets.current_key_id(), SecretKey::parse(kHexKey, "t").id());
    EXPECT_EQ(secrets.open(Secrets(older).seal("x", kColumn), kColumn), "x");
  }
  {
    const auto path = std::filesystem::temp_directory_path() / "trinity-secrets-test.key";
    std::ofstream(path) << kHexKey << "\n";
    ScopedEnv key("TRINITY_ENCRYPTION_KEY", nullptr);
    ScopedEnv file("TRINITY_ENCRYPTION_KEY_FILE", path.c_str());
    ScopedEnv old("TRINITY_ENCRYPTION_OLD_KEYS", nullptr);
    EXPECT_EQ(Secrets::from_env().current_key_id(), SecretKey::parse(kHexKey, "t").id());
    std::filesystem::remove(path);
    EXPECT_NE(secret_error([] { Secrets::from_env(); }).find("cannot read"), std::string::npos);
  }
  {
    ScopedEnv key("TRINITY_ENCRYPTION_KEY", "short");
    ScopedEnv file("TRINITY_ENCRYPTION_KEY_FILE", nullptr);
    const std::string message = secret_error([] { Secrets::from_env(); });
    EXPECT_NE(message.find("TRINITY_ENCRYPTION_KEY"), std::string::npos);
    EXPECT_EQ(message.find("short"), std::string::npos) << message;
  }
  {
    ScopedEnv key("TRINITY_ENCRYPTION_KEY", kHexKey);
    ScopedEnv file("TRINITY_ENCRYPTION_KEY_FILE", "/nonexistent");
    EXPECT_NE(secret_error([] { Secrets::from_env(); }).find("both set"), std::string::npos);
  }
}

TEST(Secrets, EverySecretColumnIsListedOnce) {
  std::set<std::string> seen;
  for (const auto& c : trinity::db::secret_columns()) {
    EXPECT_TRUE(seen.insert(c.qualified()).second) << c.qualified();
  }
  EXPECT_EQ(seen.size(), 5u);
}

}  // namespace
