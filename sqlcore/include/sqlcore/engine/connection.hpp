// Connection: one pooled database connection checked out of an Engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sqlcore/core/value.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/engine/result.hpp"
#include "sqlcore/engine/transaction.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore {

class Dialect;
class DriverConnection;

namespace detail {
class ConnectionState;
class EngineState;
}  // namespace detail

/// A connection checked out of an Engine's pool; it goes back when destroyed or close()d, rolled
/// back if a transaction was left open. Statements outside a transaction autocommit.
///
/// If the database connection is lost (is_disconnect()), it is discarded. With no transaction
/// open, the next statement transparently uses a fresh connection from the pool; inside a
/// transaction every statement throws until the transaction is rolled back.
///
/// Move-only. Not thread-safe: use one Connection per thread (the Engine is thread-safe).
class Connection {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  /// Executes one statement. `params` supplies every bind by name, in any order (the
  /// statement's own order is matched first; any other is resolved by name without allocating,
  /// at about the same cost); a missing, unknown or repeated name throws ArgumentError, naming
  /// the parameter and showing the SQL, before anything is sent. Throws DatabaseError on failure.
  /// An expression statement with values written into it, now(), client-side defaults, or a
  /// value its column's type converts goes a typed path that computes and converts them
  /// (docs/engine.md, "Binding paths").
  Result execute(const Executable& stmt, const Params& params = {});
  /// execute() with a statement timeout for this statement only (instead of the connection's):
  /// TimeoutError when it runs longer than `timeout` (which must be positive).
  Result execute(const Executable& stmt, const Params& params, std::chrono::milliseconds timeout);
  /// Executes one statement for each parameter set, as one prepared statement on the backend's
  /// fastest path. Atomic: outside a transaction it runs in one of its own. Returns the total of
  /// rows affected. A one-row INSERT ... VALUES, text() or insert(), without RETURNING and
  /// with no conflict clause or ON CONFLICT ... DO NOTHING, goes as multi-row INSERTs of up to
  /// 100 rows (compile_batch()), the rest row by row. A plain INSERT (insert(t).values() of
  /// bound values, without RETURNING or ON CONFLICT) goes the way bulk_insert() goes: on
  /// PostgreSQL, COPY from 50 rows; `method` forces a path for such a statement (others ignore
  /// it).
  std::int64_t execute_many(const Executable& stmt, const std::vector<Params>& param_sets,
                            BulkInsertMethod method = BulkInsertMethod::automatic);

  /// Loads many rows into `table` by the backend's fastest path: COPY ... FROM STDIN on
  /// PostgreSQL (from 50 rows; binary format by default), one prepared multi-row
  /// INSERT reused on SQLite. `values` holds the rows back to back, one value per column of
  /// `columns` (so its size is a multiple of theirs). Each value is checked and converted by its
  /// column's type exactly as in an INSERT (a value that does not fit is a DataError naming the
  /// column), every row before anything is sent; columns left out get their client-side default
  /// (else the server's), as in an INSERT. Atomic: outside a transaction it runs in one of its
  /// own; inside one, a failure (a unique violation is an IntegrityError) aborts the
  /// transaction, as any failed statement does. Returns the rows stored.
  ///
  /// For millions of rows, open a transaction and call this once per batch of some thousands
  /// of rows (each batch is one COPY); values are only read, never copied unless converted.
  /// `method` forces a path (BulkInsertMethod), for measuring or working around a server.
  std::int64_t bulk_insert(const Table& table, const std::vector<ColumnRef>& columns,
                           std::span<const Value> values,
                           BulkInsertMethod method = BulkInsertMethod::automatic);
  /// bulk_insert() of rows given one vector each (each the size of `columns`).
  std::int64_t bulk_insert(const Table& table, const std::vector<ColumnRef>& columns,
                           const std::vector<std::vector<Value>>& rows,
                           BulkInsertMethod method = BulkInsertMethod::automatic);

  /// Opens a transaction: one that reads and writes (the default: on SQLite it takes the write
  /// lock at BEGIN), or one that only reads (TransactionAccess::read_only: no write lock on
  /// SQLite; writes in it are refused). Throws ArgumentError when one is already open (use
  /// begin_nested()).
  Transaction begin(TransactionAccess access = TransactionAccess::read_write);
  /// Opens a read-only transaction over one consistent snapshot of the database (PostgreSQL:
  /// REPEATABLE READ READ ONLY; SQLite: as begin(TransactionAccess::read_only)): every read in it
  /// sees the database as of its first read, whatever other connections commit meanwhile.
  Transaction begin_snapshot();
  /// Opens a savepoint inside the open transaction; throws ArgumentError when none is open.
  Transaction begin_nested();
  bool in_transaction() const;

  /// Returns the connection to the pool now (rolling back an open transaction). Further use
  /// throws ArgumentError. Idempotent.
  void close();
  bool closed() const;
  /// Discards the underlying database connection instead of returning it to the pool.
  void invalidate();

  /// The statement timeout of this connection's statements (EngineOptions::statement_timeout):
  /// a positive duration, or nullopt for none. Lasts until the Connection goes back to the pool,
  /// which restores the engine's. Costs no round trip.
  void set_statement_timeout(std::optional<std::chrono::milliseconds> timeout);
  std::optional<std::chrono::milliseconds> statement_timeout() const;
  /// Cancels the statement this Connection is running, from any other thread: it fails with an
  /// OperationalError (SQLSTATE 57014) and the connection stays usable. Does nothing when none
  /// is running (PostgreSQL: a statement that ends just as the cancel arrives is not affected).
  /// Returns false when the backend cannot cancel. The Connection must outlive the call.
  bool cancel() noexcept;

  /// Writes a consistent copy of the whole database to a new file at `path` while other
  /// connections go on working (SQLite: the online backup API, waiting out writers up to
  /// busy_timeout). Throws ArgumentError when `path` exists or the backend keeps no database
  /// file (PostgreSQL: use pg_dump), OperationalError when the copy fails (the partial file is
  /// removed).
  void backup_to(const std::string& path);

  const Dialect& dialect() const;
  /// The driver connection, for what sqlcore does not cover. Checks one out if needed.
  DriverConnection& driver_connection();

 private:
  Transaction begin_with(const std::string& begin_sql, bool read_only);
  friend class Engine;
  explicit Connection(std::shared_ptr<detail::ConnectionState> state);
  /// execute() for statements whose placeholders take fixed, computed or typed values, or whose
  /// result columns have types (the expression language's).
  Result execute_typed(const Executable& stmt, const CompiledStatement* compiled,
                       const Params& params);
  std::int64_t execute_many_typed(const Executable& stmt, const CompiledStatement& compiled,
                                  const std::vector<Params>& param_sets, BulkInsertMethod method);
  /// One statement for `rows` parameter sets, atomically (in its own transaction if none is
  /// open).
  std::int64_t run_many(const Executable& stmt, const CompiledStatement& compiled,
                        std::span<const Value* const> values, std::size_t rows,
                        BulkInsertMethod method = BulkInsertMethod::automatic);
  /// bulk_insert() of `rows` rows, row r's values starting at `row_starts[r]`.
  std::int64_t bulk_insert_rows(const Table& table, const std::vector<ColumnRef>& columns,
                                std::span<const Value* const> row_starts, BulkInsertMethod method);
  std::shared_ptr<detail::ConnectionState> state_;
};

}  // namespace sqlcore
