// Secrets at rest: AES-256-GCM through OpenSSL's EVP interface, keys from the environment.
#include "trinity/db/secrets.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "bytes.hpp"
#include "trinity/db/db.hpp"

namespace trinity::db {

namespace {

constexpr std::string_view kPrefix = "tdb1:";
constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
constexpr std::size_t kKeyIdLength = 16;

constexpr std::string_view kHowToConfigure =
    "set TRINITY_ENCRYPTION_KEY (64 hex digits or base64 of 32 bytes) or "
    "TRINITY_ENCRYPTION_KEY_FILE; `trinity-db rotate-key --generate` prints a new key";

std::string trim(std::string_view s) {
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_digit(s[i]);
    const int lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return out;
}

std::string to_base64(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Standard base64 with padding; nullopt for anything else.
std::optional<std::vector<unsigned char>> from_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return std::nullopt;
  const bool valid = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  });
  if (!valid) return std::nullopt;
  std::vector<unsigned char> out(3 * s.size() / 4);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  for (auto it = s.rbegin(); it != s.rend() && *it == '='; ++it) ++padding;
  if (padding > 2) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

struct CipherCtx {
  CipherCtx() : ctx(EVP_CIPHER_CTX_new()) {
    if (!ctx) throw SecretError("trinity-db: cannot allocate a cipher context");
  }
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
  CipherCtx(const CipherCtx&) = delete;
  CipherCtx& operator=(const CipherCtx&) = delete;
  EVP_CIPHER_CTX* ctx;
};

int length_of(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    throw SecretError("trinity-db: a secret is too large to seal");
  return static_cast<int>(n);
}

// The parts of a sealed value: key id and the decoded nonce || ciphertext || tag.
struct Sealed {
  std::string key_id;
  std::vector<unsigned char> payload;
};

std::optional<Sealed> parse_sealed(std::string_view stored) {
  if (!stored.starts_with(kPrefix)) return std::nullopt;
  stored.remove_prefix(kPrefix.size());
  const auto colon = stored.find(':');
  if (colon != kKeyIdLength || !from_hex(stored.substr(0, colon))) return std::nullopt;
  auto payload = from_base64(stored.substr(colon + 1));
  if (!payload || payload->size() < kNonce + kTag) return std::nullopt;
  return Sealed{std::string(stored.substr(0, colon)), std::move(*payload)};
}

std::string read_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SecretError("TRINITY_ENCRYPTION_KEY_FILE: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<SecretKey> parse_key_list(std::string_view list, std::string_view origin) {
  std::vector<SecretKey> keys;
  std::string item;
  auto flush = [&] {
    if (!item.empty()) keys.push_back(SecretKey::parse(item, origin));
    item.clear();
  };
  for (char c : list) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      item.push_back(c);
    }
  }
  flush();
  return keys;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

SecretKey::SecretKey(const std::array<unsigned char, 32>& bytes) : bytes_(bytes) {
  const std::string digest =
      sha256_hex("trinity-db key id\n" +
                 std::string(reinterpret_cast<const char*>(bytes_.data()), bytes_.size()));
  id_ = digest.substr(0, kKeyIdLength);
}

SecretKey SecretKey::parse(std::string_view text, std::string_view origin) {
  const std::string t = trim(text);
  auto bytes = t.size() == 64 ? from_hex(t) : from_base64(t);
  if (!bytes || bytes->size() != 32) {
    throw SecretError(std::string(origin) +
                      ": an encryption key must be 32 bytes, given as 64 hex digits or as base64 "
                      "(this one is not)");
  }
  std::array<unsigned char, 32> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return SecretKey(key);
}

SecretKey SecretKey::generate() {
  std::array<unsigned char, 32> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
    throw SecretError("trinity-db: the system's random generator failed");
  return SecretKey(key);
}

std::string SecretKey::hex() const {
  return hex_of(bytes_.data(), bytes_.size());
}

Secrets::Secrets(SecretKey current, std::vector<SecretKey> previous) {
  keys_.push_back(std::move(current));
  for (auto& k : previous) keys_.push_back(std::move(k));
}

Secrets Secrets::from_env() {
  const char* key = env("TRINITY_ENCRYPTION_KEY");
  const char* file = env("TRINITY_ENCRYPTION_KEY_FILE");
  const char* old = env("TRINITY_ENCRYPTION_OLD_KEYS");
  if (key && file) {
    throw SecretError(
        "TRINITY_ENCRYPTION_KEY and TRINITY_ENCRYPTION_KEY_FILE are both set; set one");
  }
  std::vector<SecretKey> previous;
  if (old) previous = parse_key_list(old, "TRINITY_ENCRYPTION_OLD_KEYS");
  if (key) return Secrets(SecretKey::parse(key, "TRINITY_ENCRYPTION_KEY"), std::move(previous));
  if (file) {
    return Secrets(SecretKey::parse(read_key_file(file), "TRINITY_ENCRYPTION_KEY_FILE"),
                   std::move(previous));
  }
  if (!previous.empty()) {
    throw SecretError("TRINITY_ENCRYPTION_OLD_KEYS is set without a current key: " +
                      std::string(kHowToConfigure));
  }
  return Secrets();
}

std::string Secrets::current_key_id() const {
  return keys_.empty() ? std::string() : keys_.front().id();
}

const SecretKey* Secrets::find(std::string_view id) const {
  for (const auto& k : keys_) {
    if (k.id() == id) return &k;
  }
  return nullptr;
}

std::string Secrets::seal(std::string_view plaintext, std::string_view column) const {
  if (keys_.empty()) {
    throw SecretError("cannot store the secret in " + std::string(column) +
                      ": no encryption key is configured; " + std::string(kHowToConfigure));
  }
  const SecretKey& key = keys_.front();
  std::vector<unsigned char> out(kNonce + plaintext.size() + kTag);
  if (RAND_bytes(out.data(), static_cast<int>(kNonce)) != 1)
    throw SecretError("trinity-db: the system's random generator failed");
  CipherCtx c;
  int n = 0;
  int tail = 0;
  const bool ok =
      EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key.bytes().data(), out.data()) == 1 &&
      EVP_EncryptUpdate(c.ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(column.data()),
                        length_of(column.size())) == 1 &&
      EVP_EncryptUpdate(c.ctx, out.data() + kNonce, &n,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        length_of(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(c.ctx, out.data() + kNonce + n, &tail) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag),
                          out.data() + kNonce + plaintext.size()) == 1;
  if (!ok) throw SecretError("cannot seal the secret for " + std::string(column));
  return std::string(kPrefix) + key.id() + ":" + to_base64(out);
}

std::string Secrets::open(std::string_view stored, std::string_view column) const {
  const std::string where(column);
  auto sealed = parse_sealed(stored);
  if (!sealed) {
    throw SecretError("the value in " + where +
                      " is not a secret sealed by trinity-db (written in another format or "
                      "altered); it was not read");
  }
  if (keys_.empty()) {
    throw SecretError("cannot read the secret in " + where + " (sealed under key " +
                      sealed->key_id + "): no encryption key is configured; " +
                      std::string(kHowToConfigure));
  }
  const SecretKey* key = find(sealed->key_id);
  if (!key) {
    throw SecretError("cannot read the secret in " + where + ": it was sealed under key " +
                      sealed->key_id + ", which is not configured (current key " +
                      current_key_id() +
                      "; give the old key in TRINITY_ENCRYPTION_OLD_KEYS or rotate with it)");
  }
  const auto& p = sealed->payload;
  const std::size_t text_size = p.size() - kNonce - kTag;
  std::string out(text_size, '\0');
  std::vector<unsigned char> tag(p.end() - kTag, p.end());
  CipherCtx c;
  int n = 0;
  int tail = 0;
  const bool ok =
      EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key->bytes().data(), p.data()) == 1 &&
      EVP_DecryptUpdate(c.ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(column.data()),
                        length_of(column.size())) == 1 &&
      EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &n, p.data() + kNonce,
                        length_of(text_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag), tag.data()) == 1 &&
      EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &tail) == 1;
  if (!ok) {
    std::fill(out.begin(), out.end(), '\0');
    throw SecretError("cannot read the secret in " + where + " (key " + sealed->key_id +
                      "): it does not authenticate: altered, or sealed for another column");
  }
  return out;
}

std::string Secrets::key_id_of(std::string_view stored) {
  auto sealed = parse_sealed(stored);
  return sealed ? sealed->key_id : std::string();
}

bool Secrets::is_sealed(std::string_view stored) {
  return parse_sealed(stored).has_value();
}

std::string SecretColumn::qualified() const {
  return std::string(table) + "." + std::string(column);
}

std::span<const SecretColumn> secret_columns() {
  static constexpr SecretColumn kColumns[] = {
      {"slack_link_connections", "id", "slack_bot_token"},
      {"slack_workspaces", "id", "bot_token"},
      {"telegram_bindings", "id", "bot_token_encrypted"},
      {"subscription_credentials", "id", "encrypted_credentials"},
      {"nevermined_agent_config", "id", "encrypted_credentials"},
  };
  return kColumns;
}

}  // namespace trinity::db
