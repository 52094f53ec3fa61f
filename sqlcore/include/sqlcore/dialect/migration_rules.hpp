// MigrationRules: what one backend needs around a migration (locks, lock waits, foreign-key
// checks, whether ALTER COLUMN exists). Asked by migrate/; implemented by each Dialect.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sqlcore {

class MigrationRules {
 public:
  virtual ~MigrationRules() = default;

  /// Statements run right after a migration's BEGIN that take the migration lock, waiting at
  /// most `timeout` (PostgreSQL: an advisory transaction lock). Empty where BEGIN itself takes
  /// the database's write lock (single_writer()).
  virtual std::vector<std::string> migration_lock_sql(std::int64_t key,
                                                      std::chrono::milliseconds timeout) const;
  /// A statement run before BEGIN so that waiting for the write lock stops after `timeout`
  /// (SQLite: busy_timeout), and a query reading the setting it replaces, to restore it. Empty
  /// where the lock statements above carry the timeout.
  virtual std::string lock_wait_setting_sql(std::chrono::milliseconds timeout) const;
  virtual std::string lock_wait_query_sql() const { return {}; }
  /// Statements run on the migration's connection before its BEGIN and after its end (commit or
  /// rollback). SQLite turns foreign-key enforcement off for the revision: a table rebuild drops
  /// the table, and DROP TABLE would fire the ON DELETE actions of other tables' keys (deleting
  /// their rows) even with the checks deferred. The keys are checked before COMMIT instead.
  virtual std::vector<std::string> migration_prepare_sql() const { return {}; }
  virtual std::vector<std::string> migration_finish_sql() const { return {}; }
  /// A query run before a migration's COMMIT returning one row per row that breaks a foreign key
  /// (its first column names the table); empty where the database enforces them itself.
  virtual std::string foreign_key_check_sql() const { return {}; }
  /// ALTER TABLE ... ALTER COLUMN exists, and DROP COLUMN works on any column. Without them
  /// (SQLite), migrations rebuild the table.
  virtual bool supports_alter_column() const { return true; }
};

}  // namespace sqlcore
