// Driver: the I/O half of a backend. One implementation per C client library (sqlite3, libpq);
// only driver code includes a C client header. Everything here may throw DatabaseError.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/columns.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/core/value.hpp"

namespace sqlcore {

/// The rows of one executed statement. Valid until destroyed; a driver may buffer what is left
/// (detach) when its connection runs another statement or goes back to the pool.
class DriverCursor {
 public:
  virtual ~DriverCursor() = default;
  /// The result's column names; drivers share one Columns per prepared statement.
  virtual const std::shared_ptr<const Columns>& columns() const = 0;
  /// True when the statement produces rows (a SELECT or a RETURNING clause), even zero of them.
  virtual bool returns_rows() const = 0;
  /// Replaces `row` with the next row's values; false after the last row.
  virtual bool fetch(std::vector<Value>& row) = 0;
  /// Rows inserted, updated or deleted; -1 for a statement that changes none (SELECT, DDL).
  virtual std::int64_t rows_affected() const = 0;
  /// The rowid of the last row inserted (SQLite); nullopt where the backend has none (use
  /// RETURNING).
  virtual std::optional<std::int64_t> last_insert_id() const { return std::nullopt; }
};

/// What executing one statement produced. A statement that returns rows (SELECT, RETURNING) has a
/// cursor; one that does not (INSERT, UPDATE, DDL ...) has none, and its counts are here, so the
/// common write path allocates nothing.
struct Execution {
  std::unique_ptr<DriverCursor> cursor;
  std::int64_t rows_affected = -1;             // without a cursor: rows changed, -1 for none
  std::optional<std::int64_t> last_insert_id;  // without a cursor: SQLite's rowid of an insert
};

/// Settings a driver honours that do not come from the URL.
struct DriverOptions {
  std::chrono::milliseconds busy_timeout{5000};  // SQLite: how long a writer waits for the lock
  std::string application_name = "sqlcore";      // PostgreSQL: shown in pg_stat_activity
  bool create_database = true;                   // SQLite: create a missing file and its folder
  std::chrono::milliseconds connect_timeout{0};  // how long connecting may take; 0: the default
};

/// How DriverConnection::bulk_insert loads rows.
enum class BulkInsertMethod {
  /// The backend's fastest path for the number of rows: on PostgreSQL, INSERT below 50 rows and
  /// COPY in its faster format (binary) from there; elsewhere INSERT.
  automatic,
  /// Prepared INSERTs (multi-row where the statement has a batch form), on every backend.
  insert,
  /// COPY ... FROM STDIN in text format (PostgreSQL; elsewhere the same as `insert`).
  copy_text,
  /// COPY ... FROM STDIN in binary format (PostgreSQL; elsewhere the same as `insert`). A column
  /// whose server type has no binary encoding here (the portable types' all have one; a
  /// PostgreSQL enum type, an array, CHAR(n) ... do not), or a value of another kind than its
  /// column's, sends the whole load as text.
  copy_binary,
};

/// What DriverConnection::bulk_insert loads: rows for some columns of one table, plus the
/// prepared INSERTs of the same columns that the INSERT path runs (built by the engine, in the
/// dialect's placeholder style). Placeholder k of `insert_sql` takes column k.
struct BulkInsert {
  std::string table;                 // the table's name, unquoted
  std::vector<std::string> columns;  // the columns' names, unquoted, in the rows' order
  std::string insert_sql;            // a one-row INSERT of those columns
  std::string batch_sql;             // the same INSERT of `batch_rows` rows; empty when none
  std::size_t batch_rows = 0;
  BulkInsertMethod method = BulkInsertMethod::automatic;
};

/// One open connection. Used by one thread at a time (the pool guarantees it).
class DriverConnection {
 public:
  virtual ~DriverConnection() = default;

  /// Executes one statement with positional parameters, preparing it once per connection (cached
  /// by SQL text). A cursor from an earlier call is detached first. Throws DatabaseError. The
  /// parameters are only read during the call.
  virtual Execution execute(const std::string& sql, std::span<const Value* const> params) = 0;
  /// Executes one statement once per parameter set; `params` holds `rows` sets of equal size back
  /// to back. Uses the backend's fastest path. Returns the total of rows affected.
  virtual std::int64_t execute_many(const std::string& sql, std::span<const Value* const> params,
                                    std::size_t rows) = 0;
  /// Loads `rows` rows into `load.table`: `values` holds them back to back, one value per column
  /// of `load.columns` (converted by the columns' types already, as for execute_many). Returns
  /// the rows stored. The caller holds the transaction: a failure (a mapped DatabaseError, as
  /// for execute) may leave part of the rows behind in it, and leaves the connection usable.
  /// The default is execute_batched() of `load.batch_sql` and `load.insert_sql`; PostgreSQL
  /// overrides it with COPY.
  virtual std::int64_t bulk_insert(const BulkInsert& load, std::span<const Value* const> values,
                                   std::size_t rows);
  /// Runs `batch_sql` (a statement for `batch_rows` parameter sets at once, such as a multi-row
  /// INSERT) for as many whole batches of `rows` as fit, then `sql` for the rest, through
  /// execute_many. An empty `batch_sql` runs every row through `sql`. Returns the rows affected.
  std::int64_t execute_batched(const std::string& sql, const std::string& batch_sql,
                               std::size_t batch_rows, std::span<const Value* const> params,
                               std::size_t rows);
  /// Runs a parameterless statement without preparing it (BEGIN, COMMIT, SAVEPOINT ...).
  virtual void execute_simple(const std::string& sql) = 0;
  /// Buffers the rows an open cursor has not read yet, so the cursor no longer needs this
  /// connection. Called before the connection returns to the pool.
  virtual void detach_cursors() = 0;

  /// Statements sent from now on are cancelled once they have run for `timeout` (zero: never),
  /// raising a DatabaseError with ErrorInfo::timed_out set; the clock runs while their rows are
  /// read. Called by the engine at checkout and around a statement that has its own timeout, so
  /// it must cost no round trip. A driver that cannot throws ArgumentError.
  virtual void set_statement_timeout(std::chrono::milliseconds timeout) {
    if (timeout.count() != 0)
      throw ArgumentError("this database driver does not support statement timeouts");
  }
  /// Cancels the statement running on this connection; callable from any thread while another
  /// uses the connection. Does nothing when none runs. False when the driver cannot cancel.
  virtual bool cancel() noexcept { return false; }

  /// The statement that clears what the session holds beyond transactions (settings, temporary
  /// objects, session locks, listeners, statements the caller prepared) so that the connection's
  /// next user finds it as new. The engine runs it through execute_simple() between users,
  /// outside a transaction; the driver forgets what it clears (its own prepared statements).
  /// Empty when the backend has no such statement: the pool then closes the connection instead
  /// (the default).
  virtual std::string session_reset_sql() const { return {}; }

  /// A round trip to the server; false when the connection is unusable.
  virtual bool ping() = 0;
  /// A check that costs no round trip: false when the connection is known to be dead (the server
  /// closed it while idle).
  virtual bool is_alive() = 0;
  /// True while the server side has a transaction open.
  virtual bool in_transaction() const = 0;
  /// A consistent copy of the database into a new file (Connection::backup_to). Backends that
  /// keep no database file throw ArgumentError.
  virtual void backup_to(const std::string& path) {
    throw ArgumentError("backup_to('" + path +
                        "'): this backend keeps no database file to copy (use its own tools, "
                        "such as pg_dump)");
  }
};

class Driver {
 public:
  virtual ~Driver() = default;
  /// The C client library: "sqlite3", "libpq".
  virtual std::string_view name() const = 0;
  /// Opens a connection. `url` carries only driver-level settings (the engine has removed its
  /// own). Throws ArgumentError for a bad setting, OperationalError when the server is unreachable
  /// or refuses the credentials.
  virtual std::unique_ptr<DriverConnection> connect(const Url& url,
                                                    const DriverOptions& options) = 0;
  /// Checks the driver-level settings of `url` (the engine has removed its own) without
  /// connecting: throws ArgumentError for a bad value, an unknown key or settings that contradict
  /// each other, as connect() would. create_engine() calls it, so that a bad URL fails when the
  /// engine is made, not at its first use.
  virtual void check_url(const Url& url) const { (void)url; }
  /// True when connections to `url` all share one database that lives only as long as a
  /// connection does (in-memory SQLite): the pool then keeps exactly one connection.
  virtual bool shares_one_connection(const Url& url) const {
    (void)url;
    return false;
  }
};

}  // namespace sqlcore
