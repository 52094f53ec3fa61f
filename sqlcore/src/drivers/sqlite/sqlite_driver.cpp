// SqliteDriver: sqlcore's SQLite backend over the sqlite3 C API. The only file that includes
// <sqlite3.h>. Errors are translated in one place (raise_sqlite).
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/dialect/registry.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define SQLCORE_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define SQLCORE_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SQLCORE_POISON(p, n) ((void)(p), (void)(n))
#define SQLCORE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace sqlcore {

namespace {

// ---- errors ---------------------------------------------------------------------------------

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// The SQLSTATE closest to a SQLite extended result code (and, for the generic SQLITE_ERROR, to
// its message).
std::string sqlstate_for(int rc, std::string_view msg) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return "23505";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "23503";
    case SQLITE_CONSTRAINT_NOTNULL:
      return "23502";
    case SQLITE_CONSTRAINT_CHECK:
      return "23514";
    case SQLITE_CONSTRAINT_TRIGGER:
      // ON DELETE/UPDATE RESTRICT is enforced by an internal trigger in SQLite.
      if (contains(msg, "FOREIGN KEY constraint failed")) return "23503";
      break;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return "23000";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "55P03";
    case SQLITE_INTERRUPT:
      return "57014";
    case SQLITE_NOMEM:
      return "53200";
    case SQLITE_FULL:
      return "53100";
    case SQLITE_READONLY:
      return "25006";
    case SQLITE_AUTH:
    case SQLITE_PERM:
      return "42501";
    case SQLITE_TOOBIG:
      return "54000";
    case SQLITE_MISMATCH:
      return "22000";
    case SQLITE_RANGE:
      return "22023";
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return "58030";
    case SQLITE_MISUSE:
      return "42000";
    case SQLITE_ERROR:
      if (contains(msg, "no such table")) return "42P01";
      if (contains(msg, "no such column")) return "42703";
      if (contains(msg, "no such function")) return "42883";
      if (contains(msg, "already exists")) return "42P07";
      if (contains(msg, "syntax error") || contains(msg, "incomplete input") ||
          contains(msg, "unrecognized token"))
        return "42601";
      return "42000";
    default:
      return "HY000";
  }
}

// Builds the ErrorInfo for SQLite code `code` and throws. The one place SQLite errors are mapped.
[[noreturn]] void raise_code(int code, std::string message, std::string_view sql) {
  ErrorInfo info;
  info.backend = "sqlite";
  info.native_code = code;
  info.server_message = std::move(message);
  info.sql = std::string(sql);
  info.sqlstate = sqlstate_for(code, info.server_message);
  // A Json column's CHECK (named <column>_json) is json_valid(): say what it refused.
  if (code == SQLITE_CONSTRAINT_CHECK && info.server_message.ends_with("_json"))
    info.server_message +=
        " (the value is not JSON that SQLite accepts: malformed text, or nested deeper than "
        "SQLite's own limit)";
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    info.transient = true;
    info.server_message += " (waited for busy_timeout)";
  }
  raise_database_error(std::move(info));
}

// Throws for result code `rc` of a call on `db`; call before anything resets the error state.
[[noreturn]] void raise_sqlite(sqlite3* db, int rc, std::string_view sql) {
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if ((ext & 0xff) != (rc & 0xff)) ext = rc;  // errcode may be stale; trust rc's primary code
  raise_code(ext, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), sql);
}

// ---- statements -----------------------------------------------------------------------------

// How a column's declared type asks its text/integer values to be read back. JSON is not among
// them: a JSON column read without a type (text()) is text on every backend, and a typed read
// (a select of a Json column) parses it through the column's type.
enum class Decl : std::uint8_t { plain, boolean, timestamp, date };

Decl decl_of(const char* decltype_text) {
  if (decltype_text == nullptr) return Decl::plain;
  std::string d(decltype_text);
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::toupper(c); });
  if (contains(d, "BOOL")) return Decl::boolean;
  if (contains(d, "TIMESTAMP") || contains(d, "DATETIME")) return Decl::timestamp;
  if (d == "DATE") return Decl::date;
  return Decl::plain;
}

// The first keyword of a statement, upper-cased.
std::string first_keyword(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      auto nl = sql.find('\n', i);
      i = nl == sql.npos ? sql.size() : nl + 1;
    } else if (sql.substr(i, 2) == "/*") {
      auto e = sql.find("*/", i + 2);
      i = e == sql.npos ? sql.size() : e + 2;
    } else {
      break;
    }
  }
  std::string kw;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])))
    kw.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  return kw;
}

struct Stmt {
  sqlite3_stmt* stmt = nullptr;
  std::shared_ptr<const Columns> columns;
  std::vector<Decl> decl;
  bool readonly = false;
  bool dml = false;     // INSERT / UPDATE / DELETE / REPLACE (rowcount applies)
  bool insert = false;  // last_insert_id applies
  bool in_use = false;  // a cursor is reading it
  int reprepared = 0;   // SQLITE_STMTSTATUS_REPREPARE when columns were last described
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

// Reads text, blob and NULL values into `out` where the declared type asks for a conversion
// (timestamp, date) or the value is a blob: the less common cases, out of line.
[[gnu::noinline]] void read_other(sqlite3_value* v, int type, Decl decl, Value& out) {
  if (type == SQLITE_BLOB) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_value_blob(v));
    int n = sqlite3_value_bytes(v);
    out = Value(Blob(p, p + n));
    return;
  }
  const char* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  std::string_view text(p, static_cast<std::size_t>(sqlite3_value_bytes(v)));
  switch (decl) {
    case Decl::plain:
    case Decl::boolean:
      break;
    case Decl::timestamp:
      if (auto t = Timestamp::parse(text)) {
        out = Value(*t);
        return;
      }
      break;
    case Decl::date:
      if (auto d = Date::parse(text)) {
        out = Value(*d);
        return;
      }
      break;
  }
  out = text;
}

// Reads column `i` of the current row into `out`, reusing its storage where the kind stays the
// same (a loop over rows or over short queries then allocates nothing for strings that fit).
// sqlite3_column_value is one API call per column, and the sqlite3_value_* accessors on it are
// cheap; the statement is used by one thread at a time, as an unprotected value requires.
inline void read_column(sqlite3_stmt* st, int i, Decl decl, Value& out) {
  sqlite3_value* v = sqlite3_column_value(st, i);
  const int type = sqlite3_value_type(v);
  switch (type) {
    case SQLITE_INTEGER: {
      const std::int64_t n = sqlite3_value_int64(v);
      if (decl == Decl::boolean && (n == 0 || n == 1))
        out = n == 1;
      else
        out = static_cast<long long>(n);
      return;
    }
    case SQLITE_FLOAT:
      out = sqlite3_value_double(v);
      return;
    case SQLITE_NULL:
      out = nullptr;
      return;
    case SQLITE_TEXT:
      if (decl == Decl::plain || decl == Decl::boolean) {
        const char* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
        out = std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(v)));
        return;
      }
      break;
    default:
      break;
  }
  read_other(v, type, decl, out);
}

// Memory for SqliteCursor objects: a short thread-local free list, so a loop of SELECTs does not
// go to the allocator for every cursor. Only memory is recycled (each cursor is constructed and
// destroyed as usual), and per thread, so a Result may die on any thread. Under ASan the free
// blocks are poisoned, so a use after free is still caught.
namespace cursor_memory {

struct FreeBlock {
  FreeBlock* next;
};
constexpr unsigned kMaxFree = 4;
thread_local FreeBlock* t_free = nullptr;
thread_local unsigned t_count = 0;
thread_local bool t_registered = false;  // the Drain below exists for this thread
thread_local bool t_gone = false;        // ... and has already run (thread exit)

// Frees the list when the thread ends.
struct Drain {
  Drain() = default;
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;
  ~Drain() {
    while (FreeBlock* b = t_free) {
      SQLCORE_UNPOISON(b, sizeof(FreeBlock));
      t_free = b->next;
      ::operator delete(b);
    }
    t_count = 0;
    t_registered = false;
    t_gone = true;
  }
};

void* allocate(std::size_t size, std::size_t block) {
  if (size == block && t_free != nullptr) {
    FreeBlock* b = t_free;
    SQLCORE_UNPOISON(b, block);
    t_free = b->next;
    --t_count;
    return b;
  }
  return ::operator new(size);
}

void release(void* p, std::size_t size, std::size_t block) {
  if (size == block && t_count < kMaxFree) {
    if (!t_registered && !t_gone) {
      thread_local Drain drain;
      t_registered = true;
    }
    if (t_registered) {
      auto* b = static_cast<FreeBlock*>(p);
      b->next = t_free;
      t_free = b;
      ++t_count;
      SQLCORE_POISON(b, block);
      return;
    }
  }
  ::operator delete(p);
}

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

  void detach();  // buffer every remaining row and let go of the statement

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
};

class SqliteConnection final : public DriverConnection {
 public:
  SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    try {
      detach_cursors();
    } catch (...) {
      // the cursor keeps the rows it buffered; a destructor never throws
    }
    cache_.clear();
    sqlite3_close_v2(db_);
  }

  sqlite3* db() const { return db_; }
  void cursor_done(SqliteCursor* c) {
    if (active_ == c) active_ = nullptr;
  }

  Execution execute(const std::string& sql, std::span<const Value* const> params) override {
    detach_cursors();
    Stmt& st = prepare(sql);
    // Whether a statement returns rows never changes (a re-prepare keeps it a SELECT, or an
    // INSERT ... RETURNING), so the columns read at prepare time tell.
    const bool returns_rows = st.columns->size() > 0;
    bind(st, params, /*copy=*/returns_rows);
    int rc = sqlite3_step(st.stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(st, rc, sql);
    Execution out;
    if (!returns_rows && rc == SQLITE_DONE) {
      // The statement is complete: no cursor, nothing allocated.
      st.counts(db_, out.rows_affected, out.last_insert_id);
      sqlite3_reset(st.stmt);
      return out;
    }
    st.refresh_if_reprepared();
    // After a re-prepare in step the columns are re-read; take returns_rows from them too.
    auto cursor =
        std::make_unique<SqliteCursor>(this, &st, st.columns->size() > 0, rc == SQLITE_ROW);
    if (rc == SQLITE_ROW) active_ = cursor.get();
    out.cursor = std::move(cursor);
    return out;
  }

  std::int64_t execute_many(const std::string& sql, std::span<const Value* const> params,
                            std::size_t rows) override {
    detach_cursors();
    Stmt& st = prepare(sql);
    const std::size_t n = rows == 0 ? 0 : params.size() / rows;
    std::int64_t total = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      bind(st, params.subspan(r * n, n), /*copy=*/false);
      int rc;
      while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) fail(st, rc, sql);
      total += sqlite3_changes64(db_);
      sqlite3_reset(st.stmt);
    }
    sqlite3_clear_bindings(st.stmt);
    return total;
  }

  void execute_simple(const std::string& sql) override {
    detach_cursors();
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) raise_sqlite(db_, rc, sql);
  }

  void detach_cursors() override {
    if (active_ != nullptr) {
      SqliteCursor* c = active_;
      active_ = nullptr;
      c->detach();
    }
  }

  bool ping() override {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT 1", -1, &st, nullptr) != SQLITE_OK) return false;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW;
  }
  bool is_alive() override { return db_ != nullptr; }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  void backup_to(const std::string& path) override {
    detach_cursors();
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
      throw ArgumentError("backup_to('" + path + "'): the file exists; choose a new name");
    sqlite3* dest = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
      if (b == nullptr) {
        rc = sqlite3_errcode(dest);
      } else {
        // Copy in steps. A lock busy after the source's busy handler, or this connection's own
        // write (LOCKED), is retried for up to 5 s more.
        for (int tries = 0;;) {
          rc = sqlite3_backup_step(b, 1024);
          if (rc == SQLITE_DONE) break;
          if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 500) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
          }
          if (rc != SQLITE_OK) break;
        }
        const int finish = sqlite3_backup_finish(b);
        if (rc == SQLITE_DONE) rc = finish;
      }
    }
    std::string msg = dest != nullptr ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
    if (rc != SQLITE_OK && rc != SQLITE_DONE && msg == "not an error") msg = sqlite3_errstr(rc);
    sqlite3_close_v2(dest);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
      std::filesystem::remove(path, ec);
      raise_code(rc, "backup to '" + path + "' failed: " + msg, "");
    }
  }

 private:
  [[noreturn]] void fail(Stmt& st, int rc, const std::string& sql) {
    // Capture the error before reset, then reset so the statement is reusable.
    int ext = sqlite3_extended_errcode(db_);
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(st.stmt);
    sqlite3_clear_bindings(st.stmt);
    raise_code((ext & 0xff) == (rc & 0xff) ? ext : rc, std::move(msg), sql);
  }

  Stmt& prepare(const std::string& sql) {
    // Loops run one statement over and over: compare with the last one before hashing.
    if (last_ != nullptr && *last_key_ == sql) return *last_;
    return lookup_or_prepare(sql);
  }

  [[gnu::noinline]] Stmt& lookup_or_prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      last_key_ = &it->first;
      last_ = it->second.get();
      return *it->second;
    }
    if (cache_.size() >= kCacheCapacity) {
      std::erase_if(cache_, [](const auto& kv) { return !kv.second->in_use; });
      last_ = nullptr;
    }
    auto st = std::make_unique<Stmt>();
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                                SQLITE_PREPARE_PERSISTENT, &st->stmt, &tail);
    if (rc != SQLITE_OK) raise_sqlite(db_, rc, sql);
    if (st->stmt == nullptr) {
      ErrorInfo info;
      info.backend = "sqlite";
      info.sqlstate = "42601";
      info.server_message = "the statement is empty";
      info.sql = sql;
      raise_database_error(std::move(info));
    }
    if (tail != nullptr && *tail != '\0') {
      sqlite3_stmt* extra = nullptr;
      sqlite3_prepare_v2(db_, tail, -1, &extra, nullptr);
      if (extra != nullptr) {
        sqlite3_finalize(extra);
        ErrorInfo info;
        info.backend = "sqlite";
        info.sqlstate = "42601";
        info.server_message = "more than one statement in one execute(); run them one at a time";
        info.sql = sql;
        raise_database_error(std::move(info));
      }
    }
    st->describe();
    st->readonly = sqlite3_stmt_readonly(st->stmt) != 0;
    std::string kw = first_keyword(sql);
    st->insert = kw == "INSERT" || kw == "REPLACE";
    st->dml = st->insert || kw == "UPDATE" || kw == "DELETE" || kw == "WITH";
    auto [pos, _] = cache_.emplace(sql, std::move(st));
    last_key_ = &pos->first;
    last_ = pos->second.get();
    return *pos->second;
  }

  // `copy`: the statement may step after execute() returns, when `params` are gone. The common
  // kinds are bound inline; the rest (and the error path) are out of line, which keeps this loop
  // small.
  void bind(Stmt& st, std::span<const Value* const> params, bool copy) {
    sqlite3_stmt* s = st.stmt;
    const auto keep = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    int i = 0;
    for (const Value* p : params) {
      const Value& v = *p;
      ++i;
      int rc;
      switch (v.kind()) {
        case Value::Kind::integer:
          rc = sqlite3_bind_int64(s, i, v.int_unchecked());
          break;
        case Value::Kind::text: {
          const std::string& t = v.text_unchecked();
          rc = sqlite3_bind_text64(s, i, t.data(), t.size(), keep, SQLITE_UTF8);
          break;
        }
        case Value::Kind::real:
          // NaN would become NULL: refused (Value::check_bindable). + 0.0 turns -0.0 into 0.0,
          // which is what SQLite reads back from a REAL column anyway.
          if (!std::isfinite(v.real_unchecked())) [[unlikely]]
            v.check_bindable({});
          rc = sqlite3_bind_double(s, i, v.real_unchecked() + 0.0);
          break;
        case Value::Kind::boolean:
          rc = sqlite3_bind_int(s, i, v.bool_unchecked() ? 1 : 0);
          break;
        case Value::Kind::null:
          rc = sqlite3_bind_null(s, i);
          break;
        default:
          rc = bind_other(s, i, v, keep);
          break;
      }
      if (rc != SQLITE_OK) [[unlikely]]
        bind_failed(s, rc);
    }
  }

  [[gnu::noinline]] static int bind_other(sqlite3_stmt* s, int i, const Value& v,
                                          sqlite3_destructor_type keep) {
    v.check_bindable({});  // JSON, timestamps, dates: what every backend stores alike
    switch (v.kind()) {
      case Value::Kind::null:
        return sqlite3_bind_null(s, i);
      case Value::Kind::boolean:
        return sqlite3_bind_int(s, i, v.bool_unchecked() ? 1 : 0);
      case Value::Kind::integer:
        return sqlite3_bind_int64(s, i, v.int_unchecked());
      case Value::Kind::real:
        return sqlite3_bind_double(s, i, v.real_unchecked() + 0.0);
      case Value::Kind::text: {
        const std::string& t = v.text_unchecked();
        return sqlite3_bind_text64(s, i, t.data(), t.size(), keep, SQLITE_UTF8);
      }
      case Value::Kind::blob: {
        const Blob& b = v.blob_unchecked();
        return b.empty() ? sqlite3_bind_zeroblob(s, i, 0)
                         : sqlite3_bind_blob64(s, i, b.data(), b.size(), keep);
      }
      case Value::Kind::timestamp:
        return bind_text_copy(s, i, v.timestamp_unchecked().to_string());
      case Value::Kind::date:
        return bind_text_copy(s, i, v.date_unchecked().to_string());
      case Value::Kind::json:
        return bind_text_copy(s, i, v.json_text({}));
      case Value::Kind::decimal:
        return bind_text_copy(s, i, v.decimal_unchecked().text);
    }
    return SQLITE_MISUSE;
  }

  [[noreturn, gnu::noinline]] void bind_failed(sqlite3_stmt* s, int rc) {
    sqlite3_reset(s);
    raise_sqlite(db_, rc, sqlite3_sql(s));
  }

  static int bind_text_copy(sqlite3_stmt* s, int i, const std::string& t) {
    return sqlite3_bind_text64(s, i, t.data(), t.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }

  static constexpr std::size_t kCacheCapacity = 256;
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
  SqliteCursor* active_ = nullptr;
  const std::string* last_key_ = nullptr;  // the most recently used cache entry
  Stmt* last_ = nullptr;
};

SqliteCursor::SqliteCursor(SqliteConnection* conn, Stmt* stmt, bool returns_rows, bool has_row)
    : conn_(conn),
      stmt_(stmt),
      columns_(stmt->columns),
      returns_rows_(returns_rows),
      has_row_(has_row) {
  stmt_->in_use = true;
  if (!has_row_) finish();
}

SqliteCursor::~SqliteCursor() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_->stmt);
    stmt_->in_use = false;
    conn_->cursor_done(this);
  }
}

void SqliteCursor::read_row(std::vector<Value>& row) {
  const std::size_t n = stmt_->decl.size();
  if (row.size() != n) row.resize(n);
  sqlite3_stmt* st = stmt_->stmt;
  const Decl* decl = stmt_->decl.data();
  Value* out = row.data();
  for (std::size_t i = 0; i < n; ++i) read_column(st, static_cast<int>(i), decl[i], out[i]);
}

bool SqliteCursor::fetch(std::vector<Value>& row) {
  if (stmt_ == nullptr) {
    if (next_buffered_ >= buffered_.size()) return false;
    row = std::move(buffered_[next_buffered_++]);
    return true;
  }
  if (need_step_) {
    int rc = sqlite3_step(stmt_->stmt);
    need_step_ = false;
    if (rc == SQLITE_ROW) {
      has_row_ = true;
    } else if (rc == SQLITE_DONE) {
      has_row_ = false;
    } else {
      int ext = sqlite3_extended_errcode(conn_->db());
      std::string msg = sqlite3_errmsg(conn_->db());
      std::string sql = sqlite3_sql(stmt_->stmt);
      finish();
      raise_code((ext & 0xff) == (rc & 0xff) ? ext : rc, std::move(msg), sql);
    }
  }
  if (!has_row_) {
    finish();
    return false;
  }
  read_row(row);
  need_step_ = true;
  return true;
}

void SqliteCursor::finish() {
  if (stmt_ == nullptr) return;
  stmt_->counts(conn_->db(), rows_affected_, last_insert_id_);
  sqlite3_reset(stmt_->stmt);  // bindings stay until the next execute rebinds every one
  stmt_->in_use = false;
  stmt_ = nullptr;
  has_row_ = false;
  conn_->cursor_done(this);
}

void SqliteCursor::detach() {
  std::vector<Value> row;
  while (stmt_ != nullptr && fetch(row)) buffered_.push_back(std::move(row));
}

// ---- driver ---------------------------------------------------------------------------------

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The journal mode a connection reports (lower case), or "" when it cannot say yet.
std::string journal_mode_of(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  std::string mode;
  if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    if (const unsigned char* t = sqlite3_column_text(st, 0))
      mode = lower(reinterpret_cast<const char*>(t));
  }
  sqlite3_finalize(st);
  return mode;
}

// Sets the journal mode, waiting up to `busy` like every statement does. Switching a file to WAL
// needs the file's exclusive lock, and SQLite does not call the busy handler for that: while
// another connection writes (several threads or processes opening a new file at once), the
// switch fails at once with SQLITE_BUSY. So it is retried here until busy_timeout has passed.
// A file already in the mode asked for (WAL is kept in the file) needs no switch at all.
void set_journal_mode(SqliteConnection& conn, const std::string& journal,
                      std::chrono::milliseconds busy) {
  if (journal_mode_of(conn.db()) == lower(journal)) return;
  const std::string sql = "PRAGMA journal_mode = " + journal;
  const auto start = std::chrono::steady_clock::now();
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    char* err = nullptr;
    const int rc = sqlite3_exec(conn.db(), sql.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc == SQLITE_OK) return;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
      raise_sqlite(conn.db(), rc, sql);
    if (waited >= busy) raise_sqlite(conn.db(), rc, sql);
    std::this_thread::sleep_for(std::min(pause, busy - waited));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// True when the schema can be read (a WAL file may open read-only and still not be readable).
bool schema_readable(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  bool ok =
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return ok;
}

// `path` for a file: URI (percent-encoding what a URI gives meaning to).
std::string uri_path(const std::string& path) {
  std::string out;
  for (unsigned char ch : path) {
    if (ch == '%' || ch == '?' || ch == '#' || ch < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

class SqliteDriver final : public Driver {
 public:
  std::string_view name() const override { return "sqlite3"; }

  bool shares_one_connection(const Url& url) const override { return url.is_memory(); }

  std::unique_ptr<DriverConnection> connect(const Url& url, const DriverOptions& options) override {
    auto busy = options.busy_timeout;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    std::string journal = "WAL", synchronous = "NORMAL";
    for (const auto& [key, value] : url.query()) {
      if (key == "busy_timeout") {
        char* end = nullptr;
        long ms = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || ms < 0)
          throw ArgumentError("invalid database URL setting busy_timeout: '" + value +
                              "' is not a number of milliseconds");
        busy = std::chrono::milliseconds(ms);
      } else if (key == "mode") {
        if (value == "ro")
          flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
        else if (value == "rw")
          flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
        else if (value != "rwc")
          throw ArgumentError("invalid database URL setting mode: '" + value +
                              "' (expected ro, rw or rwc)");
      } else if (key == "journal_mode") {
        journal = value;
        static const char* kModes[] = {"delete", "truncate", "persist", "memory", "wal", "off"};
        if (std::none_of(std::begin(kModes), std::end(kModes),
                         [&](const char* m) { return lower(value) == m; }))
          throw ArgumentError("invalid database URL setting journal_mode: '" + value + "'");
      } else if (key == "synchronous") {
        synchronous = value;
        static const char* kModes[] = {"off", "normal", "full", "extra"};
        if (std::none_of(std::begin(kModes), std::end(kModes),
                         [&](const char* m) { return lower(value) == m; }))
          throw ArgumentError("invalid database URL setting synchronous: '" + value + "'");
      } else {
        throw ArgumentError("unknown sqlite URL setting '" + key +
                            "' (known: busy_timeout, mode, journal_mode, synchronous, and the "
                            "pool settings)");
      }
    }
    const bool memory = url.is_memory();
    std::string path = memory ? ":memory:" : url.database();
    if (!memory && !options.create_database) {
      // A tool that only looks: never a new file or folder.
      flags &= ~SQLITE_OPEN_CREATE;
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) {
        ErrorInfo info;
        info.backend = "sqlite";
        info.sqlstate = "3D000";
        info.native_code = SQLITE_CANTOPEN;
        info.server_message = "no database at '" + path + "'";
        raise_database_error(std::move(info));
      }
    }
    if (!memory && (flags & SQLITE_OPEN_CREATE) != 0) {
      std::filesystem::path parent = std::filesystem::path(path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec) {
        ErrorInfo info;
        info.backend = "sqlite";
        info.sqlstate = "58030";
        info.native_code = SQLITE_CANTOPEN;
        info.server_message =
            "cannot create the folder '" + parent.string() + "' for the database: " + ec.message();
        raise_database_error(std::move(info));
      }
    }
    std::unique_ptr<SqliteConnection> conn = open(path, flags, busy);
    sqlite3* db = conn->db();
    // A file opened read-only (mode=ro, or a file or folder this process cannot write) is read
    // in whatever journal mode it has: switching it would be a write.
    if (!memory && (flags & SQLITE_OPEN_READONLY) == 0 && sqlite3_db_readonly(db, "main") != 1) {
      set_journal_mode(*conn, journal, busy);
      if (lower(journal) == "wal") conn->execute_simple("PRAGMA synchronous = " + synchronous);
    }
    // A WAL file read by a process that can create neither its -shm file nor its -wal file (a
    // read-only folder) cannot be read the ordinary way ("attempt to write a readonly
    // database"). When no -wal file holds changes, the file alone is the whole database: it is
    // then read as immutable, which needs neither.
    if (!memory && sqlite3_db_readonly(db, "main") == 1 && !schema_readable(db)) {
      std::error_code ec;
      const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
      if (ec || wal_size == 0) {
        conn.reset();
        conn = open("file:" + uri_path(path) + "?immutable=1",
                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, busy);
      }
    }
    return conn;
  }

 private:
  // Opens `target` (a path, or a file: URI with SQLITE_OPEN_URI) with sqlcore's settings:
  // extended result codes, busy_timeout, foreign keys on, LIKE case-sensitive.
  static std::unique_ptr<SqliteConnection> open(const std::string& target, int flags,
                                                std::chrono::milliseconds busy) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      ErrorInfo info;
      info.backend = "sqlite";
      info.native_code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
      info.sqlstate = sqlstate_for(info.native_code, "");
      info.server_message = std::string(db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                            ": '" + target + "'";
      sqlite3_close_v2(db);
      raise_database_error(std::move(info));
    }
    auto conn = std::make_unique<SqliteConnection>(db);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(std::min<std::int64_t>(busy.count(), INT32_MAX)));
    conn->execute_simple("PRAGMA foreign_keys = ON");
    // LIKE is case-sensitive on PostgreSQL; make it so here too (ilike() is the insensitive one).
    conn->execute_simple("PRAGMA case_sensitive_like = ON");
    return conn;
  }
};

}  // namespace

namespace detail {
void register_driver_sqlite() {
  register_driver("sqlite", std::make_shared<SqliteDriver>());
}
}  // namespace detail

}  // namespace sqlcore
