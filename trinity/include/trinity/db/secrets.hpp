// Secrets at rest: bot tokens, subscription credentials and payment keys are stored sealed with
// AES-256-GCM (OpenSSL), under a key from the environment, with the key's id written beside each
// value so that keys can rotate.
//
//   trinity::db::Secrets secrets = trinity::db::Secrets::from_env();  // TRINITY_ENCRYPTION_KEY
//   std::string stored = secrets.seal("xoxb-123", "slack_workspaces.bot_token");
//   std::string token = secrets.open(stored, "slack_workspaces.bot_token");   // "xoxb-123"
//
// A stored value reads `tdb1:<key id>:<base64 of nonce, ciphertext and tag>`. The column's name
// is authenticated with it, so a value copied into another column does not open. A key is 32
// bytes, given as 64 hex digits or as standard base64; its id is the first 16 hex digits of a
// SHA-256 of the key, which says which key sealed a value without revealing it.
//
// Errors (SecretError) name the column and the key id, never a value or a key.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trinity::db {

/// A secret could not be sealed or opened: no key configured, a key of the wrong length, a value
/// sealed under a key that is not configured, a value that was altered or sealed for another
/// column, or a value that is not in trinity-db's sealed format. The message names the column
/// (and the key id where one is known) and what to do; it never contains a secret.
class SecretError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One 256-bit key and its id.
class SecretKey {
 public:
  /// Parses a key given as 64 hex digits or as base64 of 32 bytes (surrounding white space is
  /// ignored, so a key file may end with a newline). `origin` names where it came from in errors
  /// ("TRINITY_ENCRYPTION_KEY", a file name). Throws SecretError when it is not 32 bytes.
  static SecretKey parse(std::string_view text, std::string_view origin);
  /// A new random key (for `trinity-db rotate-key --generate` and tests).
  static SecretKey generate();

  const std::string& id() const { return id_; }
  /// The key as 64 hex digits (what `generate` prints for an operator to store).
  std::string hex() const;
  const std::array<unsigned char, 32>& bytes() const { return bytes_; }

 private:
  explicit SecretKey(const std::array<unsigned char, 32>& bytes);
  std::array<unsigned char, 32> bytes_{};
  std::string id_{};
};

/// The keys trinity-db seals and opens secrets with: one current key that seals, and older keys
/// that still open values sealed before a rotation. Copyable and immutable; safe to share
/// between threads.
class Secrets {
 public:
  /// No key: sealing or opening throws SecretError saying how to configure one. Everything that
  /// stores no secret works without a key.
  Secrets() = default;
  /// `current` seals; `current` and every key of `previous` open.
  explicit Secrets(SecretKey current, std::vector<SecretKey> previous = {});

  /// From the environment: the current key from TRINITY_ENCRYPTION_KEY, or from the file named by
  /// TRINITY_ENCRYPTION_KEY_FILE; older keys from TRINITY_ENCRYPTION_OLD_KEYS (keys separated by
  /// commas or white space). Neither set: no key (see Secrets()). A key that does not parse, or
  /// both variables set, is a SecretError naming the variable.
  static Secrets from_env();

  bool has_key() const { return !keys_.empty(); }
  /// The id of the key that seals (empty without a key).
  std::string current_key_id() const;

  /// Seals `plaintext` for the column `column` ("table.column"). Throws SecretError without a key.
  std::string seal(std::string_view plaintext, std::string_view column) const;
  /// Opens a value seal() returned for the same column. Throws SecretError when no configured key
  /// has the value's key id, when the value was altered or sealed for another column, or when it is
  /// not a sealed value at all.
  std::string open(std::string_view stored, std::string_view column) const;
  /// The key id a sealed value names; empty when `stored` is not a sealed value.
  static std::string key_id_of(std::string_view stored);
  /// True when `stored` has the sealed format (says nothing about whether it opens).
  static bool is_sealed(std::string_view stored);

 private:
  const SecretKey* find(std::string_view id) const;
  std::vector<SecretKey> keys_{};  // keys_[0] seals
};

/// A column that holds sealed secrets, with the table's primary key column: the one list that
/// rotation and the at-rest tests walk. Every operations class that stores a secret adds its
/// column here.
struct SecretColumn {
  std::string_view table{};
  std::string_view key_column{};
  std::string_view column{};
  /// "table.column": what the value is sealed for.
  std::string qualified() const;
};

std::span<const SecretColumn> secret_columns();

}  // namespace trinity::db
