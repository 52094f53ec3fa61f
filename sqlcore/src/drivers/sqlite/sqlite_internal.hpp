// The SQLite driver's internals shared by its files: errors, cached statements, cursor, connection.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlite_writers.hpp"

namespace sqlcore::sqlite_driver {

// ---- errors ---------------------------------------------------------------------------------

inline bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// The SQLSTATE closest to a SQLite extended result code (sqlite_errors.cpp).
std::string sqlstate_for(int rc, std::string_view msg);
// Builds the ErrorInfo for SQLite code `code` and throws (sqlite_errors.cpp).
[[noreturn]] void raise_code(int code, std::string message, std::string_view sql);
// Throws for result code `rc` of a call on `db`; call before anything resets the error state.
[[noreturn]] void raise_sqlite(sqlite3* db, int rc, std::string_view sql);

// ---- statements -----------------------------------------------------------------------------

// How a column's declared type asks its text/integer values to be read back. JSON is not among
// them: a JSON column read without a type (text()) is text on every backend, and a typed read
// (a select of a Json column) parses it through the column's type.
enum class Decl : std::uint8_t { plain, boolean, timestamp, date };

// The Decl a column's declared type asks for (sqlite_statement.cpp).
Decl decl_of(const char* decltype_text);

// True when `sql` begins a transaction that takes the write lock at once (BEGIN IMMEDIATE or
// EXCLUSIVE), which sqlite3_stmt_readonly() does not tell (sqlite_statement.cpp).
bool begins_write_transaction(std::string_view sql);
// True when `sql` is a PRAGMA that may set busy_timeout (sqlite_statement.cpp).
bool mentions_busy_timeout(std::string_view sql);

struct Stmt {
  sqlite3_stmt* stmt = nullptr;
  std::shared_ptr<const Columns> columns;
  std::vector<Decl> decl;
  bool readonly = false;
  bool takes_lock = false;  // takes the write lock when run without one (a write, BEGIN IMMEDIATE)
  bool sets_busy = false;   // PRAGMA busy_timeout: the connection's timeout is read again after
  bool dml = false;         // INSERT / UPDATE / DELETE / REPLACE (rowcount applies)
  bool insert = false;      // last_insert_id applies
  bool in_use = false;      // a cursor is reading it
  int reprepared = 0;       // SQLITE_STMTSTATUS_REPREPARE when columns were last described
  ~Stmt() { sqlite3_finalize(stmt); }

  // Reads the result columns' names and declared types.
  void describe() {
    const int n = sqlite3_column_count(stmt);
    std::vector<std::string> names;
    decl.clear();
    for (int i = 0; i < n; ++i) {
      names.emplace_back(sqlite3_column_name(stmt, i));
      decl.push_back(decl_of(sqlite3_column_decltype(stmt, i)));
    }
    columns = std::make_shared<const Columns>(std::move(names));
    reprepared = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
  }
  // The change counters of a completed run of this statement. An INSERT, UPDATE or DELETE sets
  // sqlite3_changes() when it completes, even to 0; other statements leave it alone, so they
  // report -1 (as PostgreSQL does for DDL).
  void counts(sqlite3* db, std::int64_t& affected, std::optional<std::int64_t>& last_id) const {
    if (readonly || !dml) return;
    affected = sqlite3_changes64(db);
    if (insert && affected > 0) last_id = sqlite3_last_insert_rowid(db);
  }
  // SQLite re-prepares a statement by itself after a schema change (in step); the columns may
  // have changed with it.
  void refresh_if_reprepared() {
    if (sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0) != reprepared) describe();
  }
};

// Memory for SqliteCursor objects (sqlite_statement.cpp says how).
namespace cursor_memory {
void* allocate(std::size_t size, std::size_t block);
void release(void* p, std::size_t size, std::size_t block);
}  // namespace cursor_memory

class SqliteConnection;

// A cursor over a stepping statement. States: streaming (reads from the statement) ->
// finished (statement reset); or streaming -> detached (remaining rows buffered) -> finished.
class SqliteCursor final : public DriverCursor {
 public:
  SqliteCursor(SqliteConnection* conn, Stmt* stmt, bool returns_rows, bool has_row);
  ~SqliteCursor() override;

  static void* operator new(std::size_t size) {
    return cursor_memory::allocate(size, sizeof(SqliteCursor));
  }
  static void operator delete(void* p, std::size_t size) {
    cursor_memory::release(p, size, sizeof(SqliteCursor));
  }

  const std::shared_ptr<const Columns>& columns() const override { return columns_; }
  bool returns_rows() const override { return returns_rows_; }
  bool fetch(std::vector<Value>& row) override;
  std::int64_t rows_affected() const override { return rows_affected_; }
  std::optional<std::int64_t> last_insert_id() const override { return last_insert_id_; }

  // Buffers every remaining row and lets go of the statement. An error met on the way is kept
  // and raised by the fetch that reaches it (not by the statement that caused the detach).
  void detach();

 private:
  void finish();
  void read_row(std::vector<Value>& row);

  SqliteConnection* conn_;
  Stmt* stmt_;  // null once finished or detached
  std::shared_ptr<const Columns> columns_;
  bool returns_rows_;
  bool has_row_;
  bool need_step_ = false;
  std::int64_t rows_affected_ = -1;
  std::optional<std::int64_t> last_insert_id_;
  std::vector<std::vector<Value>> buffered_;  // filled by detach()
  std::size_t next_buffered_ = 0;
  std::optional<ErrorInfo> error_;  // met by detach() after the buffered rows
};

// One SQLite connection. A connection to a database file that it may write joins the file's
// writer queue (sqlite_writers.hpp): before a statement that takes the write lock while the
// connection holds no lock (BEGIN IMMEDIATE or EXCLUSIVE, an INSERT / UPDATE / DELETE / DDL in
// autocommit or as the first statement of a deferred transaction), it waits for its turn, up to
// busy_timeout, and then meets SQLite's lock with what is left of busy_timeout. It keeps the turn
// while it holds the write lock (sqlite3_txn_state() says so) and gives it up after the statement
// that ends the write transaction: COMMIT, ROLLBACK, an autocommit statement completing or
// failing, the last row of an INSERT ... RETURNING read, the connection closing.
class SqliteConnection final : public DriverConnection {
 public:
  SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override;

  sqlite3* db() const { return db_; }
  void cursor_done(SqliteCursor* c) {
    if (active_ == c) active_ = nullptr;
    after_statement();
  }

  Execution execute(const std::string& sql, std::span<const Value* const> params) override;
  std::int64_t execute_many(const std::string& sql, std::span<const Value* const> params,
                            std::size_t rows) override;
  void execute_simple(const std::string& sql) override;
  void detach_cursors() override;
  bool ping() override;
  bool is_alive() override { return db_ != nullptr; }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  void backup_to(const std::string& path) override;
  void set_statement_timeout(std::chrono::milliseconds timeout) override { timeout_ = timeout; }
  bool cancel() noexcept override {
    sqlite3_interrupt(db_);
    return true;
  }

  /// Joins the writer queue of `file` (sqlite_driver.cpp); `busy_ms` is the busy_timeout set.
  void join_writers(std::shared_ptr<SharedFile> file, int busy_ms);
  /// In WAL mode: checkpoints by `checkpointer` (background), or null: on the committing
  /// connection once the WAL holds `pages` frames (SQLite's own way), after the writer's turn
  /// has passed on in both cases.
  void checkpoint_by(std::shared_ptr<Checkpointer> checkpointer, int pages);

  /// After every statement (and every cursor that finishes): restores busy_timeout if a wait in
  /// the queue shortened it, and ends the turn once the write transaction is over.
  void after_statement() {
    if (holds_turn_ || shortened_) [[unlikely]]
      settle();
  }

 private:
  // Ends this connection's turn (and what a wait shortened) at the end of a scope.
  struct TurnScope {
    SqliteConnection& conn;
    explicit TurnScope(SqliteConnection& c) : conn(c) {}
    TurnScope(const TurnScope&) = delete;
    TurnScope& operator=(const TurnScope&) = delete;
    ~TurnScope() { conn.after_statement(); }
  };
  // True when running a statement that takes the write lock must first wait for the turn.
  bool needs_turn(bool takes_lock) const { return takes_lock && file_ != nullptr && !holds_turn_; }
  [[gnu::noinline]] void take_turn(const std::string& sql);
  [[gnu::noinline]] void settle();
  void end_turn_if_done();
  void refresh_busy();
  static int on_wal_commit(void* self, sqlite3* db, const char* schema, int frames);

  // Starts the statement timeout's clock for the statement about to run (or turns the progress
  // handler off when there is no timeout any more).
  void arm_deadline() {
    if (timeout_.count() != 0 || handler_on_) [[unlikely]]
      arm_deadline_slow();
  }
  [[gnu::noinline]] void arm_deadline_slow();
  static int on_progress(void* self);

  [[noreturn]] void fail(Stmt& st, int rc, const std::string& sql);
  Stmt& prepare(const std::string& sql);
  [[gnu::noinline]] Stmt& lookup_or_prepare(const std::string& sql);
  // `copy`: the statement may step after execute() returns, when `params` are gone.
  void bind(Stmt& st, std::span<const Value* const> params, bool copy);
  [[gnu::noinline]] static int bind_other(sqlite3_stmt* s, int i, const Value& v,
                                          sqlite3_destructor_type keep);
  [[noreturn, gnu::noinline]] void bind_failed(sqlite3_stmt* s, int rc);
  static int bind_text_copy(sqlite3_stmt* s, int i, const std::string& t);

  static constexpr std::size_t kCacheCapacity = 256;
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
  SqliteCursor* active_ = nullptr;
  const std::string* last_key_ = nullptr;  // the most recently used cache entry
  Stmt* last_ = nullptr;

  std::shared_ptr<SharedFile> file_;  // null: no queue (in-memory, read-only, writer_queue=off)
  std::shared_ptr<Checkpointer> checkpointer_;
  int checkpoint_pages_ = 0;
  int busy_ms_ = 0;          // busy_timeout as last set
  bool holds_turn_ = false;  // this connection's turn in file_'s writer queue
  bool shortened_ = false;   // busy_timeout cut to what a wait in the queue left of it

  std::chrono::milliseconds timeout_{0};  // the statement timeout; zero: none
  std::chrono::steady_clock::time_point deadline_{};
  std::int64_t armed_ms_ =
      0;                     // the timeout deadline_ was set from (a later change does not move it)
  bool handler_on_ = false;  // the progress handler that checks deadline_ is installed
};

// Set by the progress handler when it interrupts a statement for its timeout (the timeout in
// ms), read and cleared by raise_code(): the interrupt is then a timeout, not a cancel().
extern thread_local std::int64_t t_timed_out_ms;

}  // namespace sqlcore::sqlite_driver
