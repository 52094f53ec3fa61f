// Rotating the secrets key on every backend: values sealed in all five secret columns (written
// with plain inserts of Secrets::seal output) re-sealed under a new key with their plaintexts
// unchanged; values under an old key; a value that does not open (another key, altered, not
// sealed) anywhere in the walk stops it with nothing changed and an error naming table.column and
// the row, never the value; the dry run; a rotation run again; and `trinity-db rotate-key` as a
// separate process (keys from the environment and a file, --generate, --dry-run, --json, exit 1).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "tool.hpp"
#include "trinity/db/secrets_rotation.hpp"

using namespace sqlcore;
using trinity::db::SecretError;
using trinity::db::SecretKey;
using trinity::db::SecretRotationError;
using trinity::db::Secrets;

namespace {

// (table.column, row key as text) -> value.
using Values = std::map<std::pair<std::string, std::string>, std::string>;

class SecretsRotationTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = add_ada_and_bob().first;
    add_agent("alpha", ada_);
    add_agent("beta", ada_);
  }

  /// Two rows in each secret table, every secret sealed by `a` (the first row) or `b` (the
  /// second); returns the plaintexts.
  Values seed(const Secrets& a, const Secrets& b) {
    Values plain;
    auto c = dbm().engine().connect();
    const auto& sch = s();
    for (int i = 0; i < 2; ++i) {
      const Secrets& by = i == 0 ? a : b;
      const std::string n = std::to_string(i);
      auto put = [&](const std::string& column, const std::string& key) {
        const std::string text = "secret-" + column + "-" + n;
        plain[{column, key}] = text;
        return by.seal(text, column);
      };
      const auto& l = sch.agent_public_links;
      c.execute(insert(l).values({{l.id, "link-" + n},
                                  {l.agent_name, std::string("alpha")},
                                  {l.token, "token-" + n},
                                  {l.created_by, ada_}}));
      const auto& sc = sch.slack_link_connections;
      c.execute(insert(sc).values(
          {{sc.id, "conn-" + n},
           {sc.link_id, "link-" + n},
           {sc.slack_team_id, "T" + n},
           {sc.slack_bot_token, put("slack_link_connections.slack_bot_token", "conn-" + n)},
           {sc.connected_by, ada_}}));
      const auto& w = sch.slack_workspaces;
      c.execute(insert(w).values({{w.id, "ws-" + n},
                                  {w.team_id, "W" + n},
                                  {w.bot_token, put("slack_workspaces.bot_token", "ws-" + n)}}));
      const auto& t = sch.telegram_bindings;
      const std::string agent = i == 0 ? "alpha" : "beta";
      const std::int64_t id =
          c.execute(insert(t)
                        .values({{t.agent_name, agent},
                                 {t.bot_token_encrypted, std::string("pending")},
                                 {t.webhook_secret, "hook-" + n}})
                        .returning({t.id}))
              .scalar<std::int64_t>();
      c.execute(update(t)
                    .set({{t.bot_token_encrypted,
                           put("telegram_bindings.bot_token_encrypted", std::to_string(id))}})
                    .where(t.id == id));
      const auto& sub = sch.subscription_credentials;
      c.execute(
          insert(sub).values({{sub.id, "sub-" + n},
                              {sub.name, "subscription " + n},
                              {sub.encrypted_credentials,
                               put("subscription_credentials.encrypted_credentials", "sub-" + n)},
                              {sub.owner_id, ada_}}));
      const auto& nvm = sch.nevermined_agent_config;
      c.execute(
          insert(nvm).values({{nvm.id, "nvm-" + n},
                              {nvm.agent_name, agent},
                              {nvm.encrypted_credentials,
                               put("nevermined_agent_config.encrypted_credentials", "nvm-" + n)},
                              {nvm.nvm_environment, std::string("sandbox")},
                              {nvm.nvm_agent_id, std::string("did")},
                              {nvm.nvm_plan_id, std::string("plan")}}));
    }
    return plain;
  }

  /// Every stored value of every secret column, read with plain selects.
  Values stored() {
    Values out;
    auto c = dbm().engine().connect();
    for (const auto& sc : trinity::db::secret_columns()) {
      const Table& t = s().metadata.table(sc.table);
      for (const Row& r : c.execute(select(t.c(sc.key_column), t.c(sc.column)).select_from(t))) {
        const Value& key = r[sc.key_column];
        const std::string k = key.kind() == Value::Kind::integer
                                  ? std::to_string(key.as<std::int64_t>())
                                  : key.as<std::string>();
        out[{sc.qualified(), k}] = r[sc.column].as<std::string>();
      }
    }
    return out;
  }

  /// Sets one stored value directly.
  void overwrite(const std::string& table, const std::string& key_column, const Value& key,
                 const std::string& column, const std::string& value) {
    auto c = dbm().engine().connect();
    const Table& t = s().metadata.table(table);
    c.execute(update(t).set({{t.c(column), value}}).where(Expr(t.c(key_column)) == key));
  }

  /// The telegram binding's id of agent `agent`.
  std::int64_t telegram_id(const std::string& agent) {
    auto c = dbm().engine().connect();
    const auto& t = s().telegram_bindings;
    return c.execute(select(t.id).where(t.agent_name == agent)).scalar<std::int64_t>();
  }

  std::int64_t ada_ = 0;
};

TEST_P(SecretsRotationTest, EveryValueOfEveryColumnIsResealedUnderTheNewKey) {
  const SecretKey key_a = SecretKey::generate(), key_b = SecretKey::generate();
  const SecretKey fresh = SecretKey::generate();
  const Values plain = seed(Secrets(key_a), Secrets(key_b));
  ASSERT_EQ(plain.size(), 10u);

  // The keys in use: a current, b an old one.
  const auto report = trinity::db::rotate_secrets(dbm().engine(), Secrets(key_a, {key_b}), fresh);
  EXPECT_FALSE(report.dry_run);
  EXPECT_EQ(report.total(), 10);
  ASSERT_EQ(report.columns.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(report.columns[i].column, trinity::db::secret_columns()[i].qualified());
    EXPECT_EQ(report.columns[i].values, 2);
  }
  std::vector<std::string> old_ids{key_a.id(), key_b.id()};
  std::sort(old_ids.begin(), old_ids.end());
  EXPECT_EQ(report.old_key_ids, old_ids);
  EXPECT_EQ(report.new_key_id, fresh.id());
  EXPECT_NE(report.summary().find(fresh.id()), std::string::npos);
  EXPECT_NE(report.summary().find("TRINITY_ENCRYPTION_KEY"), std::string::npos);
  const auto j = nlohmann::json::parse(report.to_json());
  EXPECT_EQ(j["values"], 10);
  EXPECT_EQ(j["columns"]["telegram_bindings.bot_token_encrypted"], 2);

  // Every value opens with the new key alone, to the same plaintext; the old keys open none.
  const Secrets only_new(fresh), old(key_a, {key_b});
  const Values now = stored();
  ASSERT_EQ(now.size(), plain.size());
  for (const auto& [where, value] : now) {
    EXPECT_EQ(Secrets::key_id_of(value), fresh.id()) << where.first;
    EXPECT_EQ(only_new.open(value, where.first), plain.at(where)) << where.first;
    EXPECT_THROW((void)old.open(value, where.first), SecretError) << where.first;
  }
}

TEST_P(SecretsRotationTest, AValueThatDoesNotOpenStopsItWithNothingChanged) {
  const SecretKey key = SecretKey::generate();
  const Secrets current(key);
  const Values plain = seed(current, current);
  const std::int64_t tg = telegram_id("beta");
  const std::string column = "telegram_bindings.bot_token_encrypted";
  struct Bad {
    const char* what;
    std::string value;
  };
  ASSERT_EQ(plain.size(), 10u);
  std::string altered = stored().at({column, std::to_string(tg)});
  altered[altered.size() - 6] = altered[altered.size() - 6] == 'A' ? 'B' : 'A';
  const std::vector<Bad> bad{
      {"another key", Secrets(SecretKey::generate()).seal("123:plain-token-value", column)},
      {"altered", altered},
      {"not sealed", "123:plain-token-value"},
  };
  for (const auto& b : bad) {
    overwrite("telegram_bindings", "id", tg, "bot_token_encrypted", b.value);
    const Values before = stored();
    try {
      (void)trinity::db::rotate_secrets(dbm().engine(), current, SecretKey::generate());
      ADD_FAILURE() << b.what << ": rotated";
    } catch (const SecretRotationError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(column), std::string::npos) << message;
      EXPECT_NE(message.find("id = " + std::to_string(tg)), std::string::npos) << message;
      EXPECT_NE(message.find("nothing was changed"), std::string::npos) << message;
      EXPECT_EQ(message.find("plain-token"), std::string::npos) << message;
      EXPECT_EQ(message.find("secret-"), std::string::npos) << message;
    }
    // Nothing changed: the columns walked before the bad value included.
    EXPECT_EQ(stored(), before) << b.what;
    EXPECT_THROW((void)trinity::db::check_secrets(dbm().engine(), current), SecretRotationError);
  }
}

TEST_P(SecretsRotationTest, TheDryRunChecksAndChangesNothing) {
  const SecretKey key = SecretKey::generate();
  seed(Secrets(key), Secrets(key));
  const Values before = stored();
  const auto report = trinity::db::check_secrets(dbm().engine(), Secrets(key));
  EXPECT_TRUE(report.dry_run);
  EXPECT_EQ(report.total(), 10);
  EXPECT_EQ(report.old_key_ids, (std::vector<std::string>{key.id()}));
  EXPECT_TRUE(report.new_key_id.empty());
  EXPECT_NE(report.summary().find("every one opens"), std::string::npos);
  EXPECT_EQ(stored(), before);
  // With a key that opens nothing: refused.
  EXPECT_THROW((void)trinity::db::check_secrets(dbm().engine(), Secrets(SecretKey::generate())),
               SecretRotationError);
}

TEST_P(SecretsRotationTest, RunningItAgainIsHarmless) {
  const SecretKey old_key = SecretKey::generate(), fresh = SecretKey::generate();
  const Values plain = seed(Secrets(old_key), Secrets(old_key));
  (void)trinity::db::rotate_secrets(dbm().engine(), Secrets(old_key), fresh);
  // Again with the same (now outdated) environment: the values under the new key open with it.
  auto report = trinity::db::rotate_secrets(dbm().engine(), Secrets(old_key), fresh);
  EXPECT_EQ(report.total(), 10);
  EXPECT_EQ(report.old_key_ids, (std::vector<std::string>{fresh.id()}));
  // And with the new key as the current one.
  report = trinity::db::rotate_secrets(dbm().engine(), Secrets(fresh), fresh);
  EXPECT_EQ(report.total(), 10);
  for (const auto& [where, value] : stored())
    EXPECT_EQ(Secrets(fresh).open(value, where.first), plain.at(where));
}

TEST_P(SecretsRotationTest, NoSecretsIsNothingToDo) {
  const auto report =
      trinity::db::rotate_secrets(dbm().engine(), test_secrets(), SecretKey::generate());
  EXPECT_EQ(report.total(), 0);
  EXPECT_EQ(report.columns.size(), 5u);
  EXPECT_TRUE(report.old_key_ids.empty());
}

// ---- trinity-db rotate-key -------------------------------------------------------------------

class SecretsRotationToolTest : public SecretsRotationTest {
 protected:
  void SetUp() override {
    SecretsRotationTest::SetUp();
    if (in_memory()) GTEST_SKIP() << "another process cannot open this in-memory database";
    dir_ =
        std::filesystem::temp_directory_path() / ("trinity-rotate-" + SecretKey::generate().id());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    SecretsRotationTest::TearDown();
  }
  std::string key_file(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text << "\n";
    return path.string();
  }
  trinity_test::ToolRun tool(const std::string& args, const std::string& env) {
    return trinity_test::trinity_db("--url " + trinity_test::quoted(url()) + " " + args, env);
  }
  std::filesystem::path dir_;
};

TEST_P(SecretsRotationToolTest, RotateKeyEndToEnd) {
  const SecretKey old_key = SecretKey::generate(), older = SecretKey::generate();
  const SecretKey fresh = SecretKey::generate();
  const Values plain = seed(Secrets(old_key), Secrets(older));
  const std::string env =
      "TRINITY_ENCRYPTION_KEY=" + old_key.hex() + " TRINITY_ENCRYPTION_OLD_KEYS=" + older.hex();
  const std::string fresh_file = key_file("new.key", fresh.hex());

  // The dry run: every value opens, nothing changes.
  const Values before = stored();
  auto r = tool("rotate-key --dry-run", env);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("checked 10 secret value(s)"), std::string::npos) << r.out;
  EXPECT_EQ(stored(), before);

  // Without the old key a value does not open: exit 1, the column and row named, nothing changed.
  r = tool("rotate-key --new-key-file " + trinity_test::quoted(fresh_file),
           "TRINITY_ENCRYPTION_KEY=" + old_key.hex());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("slack_link_connections.slack_bot_token"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("id = 'conn-1'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("secret-"), std::string::npos) << r.out;
  EXPECT_EQ(stored(), before);

  // The rotation, as JSON.
  r = tool("--json rotate-key --new-key-file " + trinity_test::quoted(fresh_file), env);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["values"], 10);
  EXPECT_EQ(j["new_key_id"], fresh.id());
  EXPECT_EQ(j["columns"]["nevermined_agent_config.encrypted_credentials"], 2);
  EXPECT_EQ(j["old_key_ids"].size(), 2u);
  for (const auto& [where, value] : stored())
    EXPECT_EQ(Secrets(fresh).open(value, where.first), plain.at(where)) << where.first;

  // Then the platform runs with the new key (given as a file this time): the text summary.
  r = tool("rotate-key --dry-run", "TRINITY_ENCRYPTION_KEY_FILE=" + fresh_file);
  EXPECT_EQ(r.code, 0) << r.out;
  r = tool("rotate-key --new-key-file " + trinity_test::quoted(fresh_file),
           "TRINITY_ENCRYPTION_KEY_FILE=" + fresh_file);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("re-sealed 10 secret value(s) under key " + fresh.id()), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Now set TRINITY_ENCRYPTION_KEY"), std::string::npos) << r.out;
}

TEST_P(SecretsRotationToolTest, GenerateAndBadArguments) {
  auto r = tool("rotate-key --generate", "");
  EXPECT_EQ(r.code, 0) << r.out;
  std::string key = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(key.size(), 64u) << r.out;
  EXPECT_NO_THROW((void)SecretKey::parse(key, "generated"));
  r = tool("--json rotate-key --generate", "");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["key"].get<std::string>().size(), 64u);
  // --generate needs no database, even a missing one.
  r = trinity_test::trinity_db("--url sqlite:///" + (dir_ / "none.db").string() +
                               " rotate-key --generate");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));

  const std::string env = "TRINITY_ENCRYPTION_KEY=" + SecretKey::generate().hex();
  for (const std::string& args :
       {std::string("rotate-key"), std::string("rotate-key --new-key " + key),
        std::string("rotate-key --new-key-file"), std::string("rotate-key --generate --dry-run")}) {
    r = tool(args, env);
    EXPECT_EQ(r.code, 1) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("usage: trinity-db rotate-key"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(key), std::string::npos) << r.out;  // never echoed
  }
  // A key file that holds no key; no key in the environment.
  r = tool("rotate-key --new-key-file " + trinity_test::quoted(key_file("bad.key", "short")), env);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("bad.key"), std::string::npos) << r.out;
  r = tool("rotate-key --dry-run", "");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("TRINITY_ENCRYPTION_KEY"), std::string::npos) << r.out;
}

SQLCORE_BACKEND_TEST_SUITE(SecretsRotationTest);
SQLCORE_BACKEND_TEST_SUITE(SecretsRotationToolTest);

}  // namespace
