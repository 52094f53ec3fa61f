// TransferRules: what one backend needs when rows are copied in bulk between databases (a
// consistent read-only snapshot on the source; foreign keys checked once the load is complete;
// identity columns moved past the copied ids). Asked by transfer/; implemented by each Dialect.
#pragma once

#include <string>
#include <vector>

namespace sqlcore {

class TransferRules {
 public:
  virtual ~TransferRules() = default;

  /// Opens a read-only transaction that sees one consistent snapshot of the whole database
  /// (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: a DEFERRED transaction, whose first read
  /// fixes the snapshot and which takes no write lock).
  virtual std::string begin_snapshot_sql() const { return "BEGIN"; }
  /// Statements run right after a loading transaction's BEGIN so that foreign keys are checked
  /// at COMMIT, not per statement (SQLite: PRAGMA defer_foreign_keys). Empty where the keys are
  /// dropped for the load and added back (validated) before COMMIT instead.
  virtual std::vector<std::string> defer_foreign_keys_sql() const { return {}; }
  /// True when foreign keys can be dropped and added back inside a transaction (ALTER TABLE ...
  /// ADD CONSTRAINT), which a bulk load then does instead of deferring them.
  virtual bool foreign_keys_by_alter() const { return false; }
  /// True when a bulk load into an empty table is faster with the table's indexes
  /// (Table::indexes(), not its primary key or unique constraints) dropped first and built once its
  /// rows are in: one sorted build per index instead of an insertion per row and index. Both happen
  /// inside the loading transaction, so a failure (a duplicate found by a unique index's build)
  /// rolls the drops back too. Where it does not pay, the indexes stay in place during the load.
  virtual bool rebuild_indexes_after_load() const { return false; }
  /// With rebuild_indexes_after_load(): the primary key and unique constraints of such a table
  /// are dropped for the load and added back after it too (where constraints can be dropped and
  /// added: ALTER TABLE ... ADD CONSTRAINT). Those a foreign key refers to always stay.
  virtual bool rebuild_keys_after_load() const { return false; }
  /// The statement that moves the identity (autoincrement) column `column` of `table` (names as
  /// declared, not quoted) past the largest value it holds, so that the next insert without an id
  /// succeeds. Empty where the database does that itself (SQLite's sqlite_sequence follows explicit
  /// ids).
  virtual std::string reset_identity_sql(const std::string& table,
                                         const std::string& column) const {
    (void)table;
    (void)column;
    return {};
  }
};

}  // namespace sqlcore
