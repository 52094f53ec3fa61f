// Rotating the key secrets are sealed with (what `trinity-db rotate-key` runs): every value of
// every column of secret_columns() is opened with the keys in use and sealed again under a new
// key, in one transaction -- all of them, or none.
//
//   const auto report = trinity::db::rotate_secrets(engine, trinity::db::Secrets::from_env(),
//                                                   trinity::db::SecretKey::parse(text, path));
//   std::cout << report.summary();   // values per column, old key ids -> new key id
//
// A value that does not open (sealed under a key that is not given, altered, or not in the sealed
// format) stops the rotation before anything is written: SecretRotationError names the column and
// the row's key, never the value. check_secrets() is the dry run: every value must open, nothing
// is written. After a rotation the platform must run with the new key as TRINITY_ENCRYPTION_KEY
// (the old one may stay in TRINITY_ENCRYPTION_OLD_KEYS until every instance has restarted).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sqlcore/engine/engine.hpp>

#include "trinity/db/secrets.hpp"

namespace trinity::db {

/// A value of a secret column did not open, so nothing was rotated. The message names
/// table.column and the row's key; never a value or a key.
class SecretRotationError : public SecretError {
 public:
  using SecretError::SecretError;
};

/// What a rotation (or its dry run) did.
struct SecretRotationReport {
  /// One secret column ("table.column") and how many of its values were re-sealed (checked, in
  /// a dry run).
  struct Column {
    std::string column;
    std::int64_t values = 0;
  };
  bool dry_run = false;
  /// Every column of secret_columns(), in its order.
  std::vector<Column> columns;
  /// The ids of the keys the values were sealed under, sorted.
  std::vector<std::string> old_key_ids;
  /// The key the values are sealed under now (empty for a dry run).
  std::string new_key_id;

  std::int64_t total() const;
  /// For people: the values per column, old key ids -> new key id, and what to do next.
  std::string summary() const;
  /// For tools: {"dry_run", "values", "columns": {"table.column": n}, "old_key_ids",
  /// "new_key_id"}.
  std::string to_json() const;
};

/// Re-seals every secret under `new_key` in one transaction. `current` opens the values (its
/// current and old keys); a value already sealed under `new_key` opens with it too (a rotation run
/// again). SecretRotationError (and nothing changed) when a value does not open.
SecretRotationReport rotate_secrets(sqlcore::Engine& engine, const Secrets& current,
                                    const SecretKey& new_key);

/// The dry run: checks that every secret opens with `current`, and changes nothing.
/// SecretRotationError for the first value that does not.
SecretRotationReport check_secrets(sqlcore::Engine& engine, const Secrets& current);

}  // namespace trinity::db
