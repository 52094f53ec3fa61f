// The SQLite driver's statements: the statement cache, parameter binding, and the row cursor.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sql/sql_text.hpp"
#include "sqlite_internal.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define SQLCORE_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define SQLCORE_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SQLCORE_POISON(p, n) ((void)(p), (void)(n))
#define SQLCORE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace sqlcore::sqlite_driver {

using detail::controls_transaction;
using detail::keyword_at;

// ---- statements -----------------------------------------------------------------------------

namespace {

// The first keyword of a statement, upper-cased.
std::string first_keyword(std::string_view sql) {
  std::size_t i = 0;
  return keyword_at(sql, i);
}

}  // namespace

Decl decl_of(const char* decltype_text) {
  if (decltype_text == nullptr) return Decl::plain;
  std::string d(decltype_text);
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::toupper(c); });
  if (contains(d, "BOOL")) return Decl::boolean;
  if (contains(d, "TIMESTAMP") || contains(d, "DATETIME")) return Decl::timestamp;
  if (d == "DATE") return Decl::date;
  return Decl::plain;
}

bool begins_write_transaction(std::string_view sql) {
  std::size_t i = 0;
  if (keyword_at(sql, i) != "BEGIN") return false;
  const std::string mode = keyword_at(sql, i);
  return mode == "IMMEDIATE" || mode == "EXCLUSIVE";
}

bool mentions_busy_timeout(std::string_view sql) {
  std::size_t i = 0;
  if (keyword_at(sql, i) != "PRAGMA") return false;
  std::string rest(sql.substr(i));
  std::transform(rest.begin(), rest.end(), rest.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return contains(rest, "busy_timeout");
}

namespace {

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

}  // namespace

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

// ---- SqliteConnection: executing statements ----------------------------------------------

thread_local std::int64_t t_timed_out_ms = 0;

// SQLite calls the handler every this many virtual machine instructions (some microseconds).
constexpr int kProgressSteps = 1000;

void SqliteConnection::arm_deadline_slow() {
  t_timed_out_ms = 0;
  if (timeout_.count() == 0) {
    sqlite3_progress_handler(db_, 0, nullptr, nullptr);
    handler_on_ = false;
    return;
  }
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  armed_ms_ = timeout_.count();
  if (!handler_on_) {
    sqlite3_progress_handler(db_, kProgressSteps, &SqliteConnection::on_progress, this);
    handler_on_ = true;
  }
}

int SqliteConnection::on_progress(void* self) {
  auto* c = static_cast<SqliteConnection*>(self);
  if (std::chrono::steady_clock::now() < c->deadline_) return 0;
  t_timed_out_ms = c->armed_ms_;
  return 1;  // SQLITE_INTERRUPT
}

Execution SqliteConnection::execute(const std::string& sql, std::span<const Value* const> params) {
  detach_cursors();
  arm_deadline();
  Stmt& st = prepare(sql);
  TurnScope scope{*this};
  if (needs_turn(st.takes_lock)) take_turn(sql);
  // Whether a statement returns rows never changes (a re-prepare keeps it a SELECT, or an
  // INSERT ... RETURNING), so the columns read at prepare time tell.
  const bool returns_rows = st.columns->size() > 0;
  // A query may read its parameters at every step, after `params` are gone: it binds copies. An
  // INSERT / UPDATE / DELETE ... RETURNING makes all its changes and computes all its rows in its
  // first step (SQLite buffers them), so it binds the values in place, like any write: a large
  // value written is copied once, into the statement's Value.
  bind(st, params, /*copy=*/returns_rows && sqlite3_stmt_readonly(st.stmt));
  int rc = sqlite3_step(st.stmt);
  if (st.sets_busy) [[unlikely]]
    refresh_busy();
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
  auto cursor = std::make_unique<SqliteCursor>(this, &st, st.columns->size() > 0, rc == SQLITE_ROW);
  if (rc == SQLITE_ROW) active_ = cursor.get();
  out.cursor = std::move(cursor);
  return out;
}

std::int64_t SqliteConnection::execute_many(const std::string& sql,
                                            std::span<const Value* const> params,
                                            std::size_t rows) {
  detach_cursors();
  arm_deadline();
  Stmt& st = prepare(sql);
  TurnScope scope{*this};
  if (rows > 0 && needs_turn(st.takes_lock)) take_turn(sql);
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

void SqliteConnection::execute_simple(const std::string& sql) {
  detach_cursors();
  arm_deadline();
  TurnScope scope{*this};
  if (controls_transaction(sql)) {
    // BEGIN, COMMIT, SAVEPOINT ... come with every transaction: prepared once, from the cache.
    Stmt& st = prepare(sql);
    if (needs_turn(st.takes_lock)) take_turn(sql);
    const int rc = sqlite3_step(st.stmt);
    if (rc != SQLITE_DONE) fail(st, rc, sql);
    sqlite3_reset(st.stmt);
    return;
  }
  // Statement by statement, as sqlite3_exec() runs them, so that one that takes the write lock
  // waits for its turn first.
  const char* next = sql.c_str();
  while (*next != '\0') {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, next, -1, &raw, &tail);
    if (rc != SQLITE_OK) raise_sqlite(db_, rc, sql);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
    const std::string_view text(next, static_cast<std::size_t>(tail - next));
    next = tail;
    if (!st) continue;  // only spaces or a comment
    if (needs_turn(sqlite3_stmt_readonly(raw) == 0 || begins_write_transaction(text)))
      take_turn(sql);
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (mentions_busy_timeout(text)) refresh_busy();
    if (rc != SQLITE_DONE) {
      const int ext = sqlite3_extended_errcode(db_);
      std::string msg = sqlite3_errmsg(db_);
      st.reset();
      raise_code((ext & 0xff) == (rc & 0xff) ? ext : rc, std::move(msg), sql);
    }
  }
}

void SqliteConnection::detach_cursors() {
  if (active_ != nullptr) {
    SqliteCursor* c = active_;
    active_ = nullptr;
    c->detach();
  }
}

void SqliteConnection::fail(Stmt& st, int rc, const std::string& sql) {
  // Capture the error before reset, then reset so the statement is reusable.
  int ext = sqlite3_extended_errcode(db_);
  std::string msg = sqlite3_errmsg(db_);
  sqlite3_reset(st.stmt);
  sqlite3_clear_bindings(st.stmt);
  raise_code((ext & 0xff) == (rc & 0xff) ? ext : rc, std::move(msg), sql);
}

inline Stmt& SqliteConnection::prepare(const std::string& sql) {
  // Loops run one statement over and over: compare with the last one before hashing.
  if (last_ != nullptr && *last_key_ == sql) return *last_;
  return lookup_or_prepare(sql);
}

Stmt& SqliteConnection::lookup_or_prepare(const std::string& sql) {
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
  st->takes_lock = !st->readonly || begins_write_transaction(sql);
  st->sets_busy = mentions_busy_timeout(sql);
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
inline void SqliteConnection::bind(Stmt& st, std::span<const Value* const> params, bool copy) {
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

int SqliteConnection::bind_other(sqlite3_stmt* s, int i, const Value& v,
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
    case Value::Kind::timestamp: {
      char buf[Timestamp::kMaxChars];
      const char* end = v.timestamp_unchecked().to_chars(buf);
      return sqlite3_bind_text64(s, i, buf, static_cast<sqlite3_uint64>(end - buf),
                                 SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    case Value::Kind::date: {
      char buf[Date::kMaxChars];
      const char* end = v.date_unchecked().to_chars(buf);
      return sqlite3_bind_text64(s, i, buf, static_cast<sqlite3_uint64>(end - buf),
                                 SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    case Value::Kind::json: {
      // The value's own JSON text (the text it was read or built with, or its document
      // serialised once): it lives as long as the value, as a text value's string does.
      const std::string& t = v.json_text({});
      return sqlite3_bind_text64(s, i, t.data(), t.size(), keep, SQLITE_UTF8);
    }
    case Value::Kind::decimal:
      return bind_text_copy(s, i, v.decimal_unchecked().text);
  }
  return SQLITE_MISUSE;
}

void SqliteConnection::bind_failed(sqlite3_stmt* s, int rc) {
  sqlite3_reset(s);
  raise_sqlite(db_, rc, sqlite3_sql(s));
}

int SqliteConnection::bind_text_copy(sqlite3_stmt* s, int i, const std::string& t) {
  return sqlite3_bind_text64(s, i, t.data(), t.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// ---- SqliteCursor --------------------------------------------------------------------------

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
    if (next_buffered_ >= buffered_.size()) {
      if (error_) {
        ErrorInfo info = std::move(*error_);
        error_.reset();
        raise_database_error(std::move(info));
      }
      return false;
    }
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
  try {
    while (stmt_ != nullptr && fetch(row)) buffered_.push_back(std::move(row));
  } catch (const DatabaseError& e) {
    error_ = e.info();  // fetch() has finished the statement
  }
}

}  // namespace sqlcore::sqlite_driver
