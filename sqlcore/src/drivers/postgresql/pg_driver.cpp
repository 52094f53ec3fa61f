// PgDriver: sqlcore's PostgreSQL backend over libpq (extended protocol, prepared statements,
// rows streamed in single-row mode, pipeline mode for execute_many, COPY for bulk_insert). The
// only file that includes <libpq-fe.h>. Errors are translated in one place (raise_pg).
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <unordered_map>

#include "pg_copy.hpp"
#include "sql/sql_text.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/dialect/registry.hpp"

namespace sqlcore {

namespace {

// Built-in type OIDs (pg_type.h; stable across versions).
constexpr Oid kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23,
              kText = 25, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042,
              kVarchar = 1043, kDate = 1082, kTimestamp = 1114, kTimestamptz = 1184,
              kNumeric = 1700, kJsonb = 3802;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// ---- errors: the one place libpq failures become exceptions -----------------------------------

// Data errors quote the offending input at the end: `invalid input syntax for type integer:
// "abc"`. That input is a bound value, so it is masked.
std::string redact_quoted_value(std::string msg) {
  auto colon = msg.rfind(": \"");
  if (colon != std::string::npos && msg.back() == '"') msg = msg.substr(0, colon) + ": \"***\"";
  return msg;
}

// Set when this thread's statement timeout sent a cancel (the timeout in ms); read and cleared by
// pg_error(), which then reports the server's "canceling statement" as a timeout.
thread_local std::int64_t t_timed_out_ms = 0;

// The ErrorInfo of a failed call (`res` may be null: the connection's own message).
ErrorInfo pg_error(PGconn* conn, const PGresult* res, std::string_view sql) {
  ErrorInfo info;
  info.backend = "postgresql";
  info.sql = std::string(sql);
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (res != nullptr && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != nullptr) {
    // DETAIL is left out: PostgreSQL puts row values there ("Key (code)=(...) already
    // exists"), and messages never show values. The constraint name says which rule broke.
    info.server_message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (state != nullptr && std::string_view(state).starts_with("22"))
      info.server_message = redact_quoted_value(info.server_message);
    if (const char* h = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT))
      info.server_message += std::string(". HINT: ") + h;
    if (const char* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) info.constraint = c;
  } else {
    info.server_message = trim(conn != nullptr ? PQerrorMessage(conn) : "unknown libpq error");
    if (info.server_message.empty()) info.server_message = "unknown libpq error";
  }
  info.sqlstate = state != nullptr ? state : "";
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD) {
    info.disconnect = true;
    if (info.sqlstate.empty()) info.sqlstate = "08006";
  }
  if (info.sqlstate.empty()) info.sqlstate = "XX000";
  if ((info.sqlstate == "26000" || info.sqlstate == "42P05") &&
      info.server_message.find("prepared statement \"sqlcore_") != std::string::npos)
    info.server_message +=
        ". The server session does not hold the statements this connection prepared on it: a "
        "pooler in transaction mode (PgBouncer) between sqlcore and the server hands each "
        "transaction another session. Set pooler=transaction in the database URL";
  if (info.sqlstate == "57014" && t_timed_out_ms != 0) {
    info.timed_out = true;
    info.server_message = "the statement ran longer than its statement timeout (" +
                          std::to_string(t_timed_out_ms) + " ms) and was cancelled (" +
                          info.server_message + ")";
    t_timed_out_ms = 0;
  }
  return info;
}

[[noreturn]] void raise_pg(PGconn* conn, const PGresult* res, std::string_view sql) {
  raise_database_error(pg_error(conn, res, sql));
}

// True when the command behind `res` deallocated every prepared statement of the session. Read
// from the server's command tag ("DISCARD ALL", "DEALLOCATE ALL", also for DEALLOCATE PREPARE
// ALL), whatever case, comments or spacing the statement was written with.
bool drops_prepared(const PGresult* res) {
  const char* tag = PQcmdStatus(const_cast<PGresult*>(res));
  return tag != nullptr &&
         (std::strcmp(tag, "DISCARD ALL") == 0 || std::strcmp(tag, "DEALLOCATE ALL") == 0);
}

// ---- values ---------------------------------------------------------------------------------

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

Value read_value(const PGresult* res, int row, int col, Oid type) {
  if (PQgetisnull(res, row, col)) return Value();
  const char* p = PQgetvalue(res, row, col);
  const std::size_t n = static_cast<std::size_t>(PQgetlength(res, row, col));
  std::string_view s(p, n);
  switch (type) {
    case kBool:
      return Value(s == "t");
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      std::int64_t v = 0;
      std::from_chars(p, p + n, v);
      return Value(v);
    }
    case kFloat4:
    case kFloat8: {
      if (s == "NaN") return Value(std::nan(""));
      if (s == "Infinity") return Value(HUGE_VAL);
      if (s == "-Infinity") return Value(-HUGE_VAL);
      return Value(std::strtod(p, nullptr));
    }
    case kNumeric:
      return Value(Decimal{std::string(s)});
    case kBytea: {
      Blob b;
      if (n >= 2 && p[0] == '\\' && p[1] == 'x') {
        b.resize((n - 2) / 2);
        for (std::size_t i = 0; i < b.size(); ++i)
          b[i] = static_cast<std::uint8_t>(hex_digit(p[2 + 2 * i]) * 16 + hex_digit(p[3 + 2 * i]));
      } else {
        std::size_t len = 0;
        unsigned char* u = PQunescapeBytea(reinterpret_cast<const unsigned char*>(p), &len);
        if (u != nullptr) {
          b.assign(u, u + len);
          PQfreemem(u);
        }
      }
      return Value(std::move(b));
    }
    case kTimestamp:
    case kTimestamptz:
      if (auto t = Timestamp::parse(s)) return Value(*t);
      return Value(std::string(s));  // infinity, BC dates: kept as the server's text
    case kDate:
      if (auto d = Date::parse(s)) return Value(*d);
      return Value(std::string(s));
    default:
      return Value(std::string(s));
  }
}

// The type a parameter is sent with (0: unknown, the server infers it from the context).
Oid type_of(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::boolean:
      return kBool;
    case Value::Kind::integer: {
      const std::int64_t x = v.int_unchecked();
      return x >= INT32_MIN && x <= INT32_MAX ? kInt4 : kInt8;
    }
    case Value::Kind::real:
      return kFloat8;
    case Value::Kind::blob:
      return kBytea;
    case Value::Kind::timestamp:
      return kTimestamptz;
    case Value::Kind::date:
      return kDate;
    default:
      return 0;
  }
}

// The type that holds values of both `a` and `b` (0 when none does).
Oid widen(Oid a, Oid b) {
  if (a == 0 || a == b) return b == 0 ? a : b;
  if (b == 0) return a;
  auto rank = [](Oid t) { return t == kInt4 ? 1 : t == kInt8 ? 2 : t == kFloat8 ? 3 : 0; };
  if (rank(a) > 0 && rank(b) > 0) return rank(a) > rank(b) ? a : b;
  return 0;
}

// Parameters in the wire format: text for all but bytea (binary). Types are sent for values whose
// type is unambiguous; strings, JSON and decimals go as `unknown` so the server takes the column's
// type (text into a TIMESTAMPTZ or JSONB column works as it does in SQL).
class ParamBuffer {
 public:
  void fill(std::span<const Value* const> params, const std::string& sql) {
    const std::size_t n = params.size();
    if (types_.size() != n) {  // the same statement again (the common case) keeps its sizes
      types_.resize(n);
      values_.resize(n);
      lengths_.resize(n);
      formats_.resize(n);
      if (scratch_.size() < n) scratch_.resize(n);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Value& v = *params[i];
      // Every slot is written for every statement: text format, no type, NULL unless set below.
      types_[i] = 0;
      values_[i] = nullptr;
      lengths_[i] = 0;
      formats_[i] = 0;
      // NaN, infinities, JSON too deep or with bad text, timestamps outside years 1-9999.
      if (!v.is_bindable()) [[unlikely]]
        v.check_bindable({});
      std::string& buf = scratch_[i];
      switch (v.kind()) {
        case Value::Kind::null:
          break;
        case Value::Kind::boolean:
          types_[i] = kBool;
          values_[i] = v.bool_unchecked() ? "t" : "f";
          break;
        case Value::Kind::integer: {
          // The smallest of int4/int8 that holds the value (as psycopg 3 does): int4 converts
          // implicitly to int8 where needed, while int8 would not fit an int4 function argument
          // such as pg_terminate_backend(int4).
          types_[i] = type_of(v);
          char tmp[24];
          auto r = std::to_chars(tmp, tmp + sizeof tmp, v.int_unchecked());
          buf.assign(tmp, r.ptr);
          values_[i] = buf.c_str();
          break;
        }
        case Value::Kind::real: {
          types_[i] = kFloat8;
          const double d = v.real_unchecked() + 0.0;  // -0.0 is stored as 0.0, as on SQLite
          if (std::isnan(d)) {
            buf = "NaN";
          } else if (std::isinf(d)) {
            buf = d > 0 ? "Infinity" : "-Infinity";
          } else {
            char tmp[32];
            auto r = std::to_chars(tmp, tmp + sizeof tmp, d);
            buf.assign(tmp, r.ptr);
          }
          values_[i] = buf.c_str();
          break;
        }
        case Value::Kind::text: {
          const std::string& t = v.text_unchecked();
          if (std::memchr(t.data(), '\0', t.size()) != nullptr) {
            ErrorInfo info;
            info.backend = "postgresql";
            info.sqlstate = "22021";
            info.server_message = "parameter $" + std::to_string(i + 1) +
                                  ": PostgreSQL text cannot contain NUL bytes (store it as a blob)";
            info.sql = sql;
            raise_database_error(std::move(info));
          }
          values_[i] = t.c_str();
          break;
        }
        case Value::Kind::blob: {
          const Blob& b = v.blob_unchecked();
          types_[i] = kBytea;
          values_[i] = b.empty() ? "" : reinterpret_cast<const char*>(b.data());
          lengths_[i] = static_cast<int>(b.size());
          formats_[i] = 1;
          break;
        }
        case Value::Kind::timestamp: {
          types_[i] = kTimestamptz;
          char tmp[Timestamp::kMaxChars];
          buf.assign(tmp, v.timestamp_unchecked().to_chars(tmp));
          buf += "+00";
          values_[i] = buf.c_str();
          break;
        }
        case Value::Kind::date: {
          types_[i] = kDate;
          char tmp[Date::kMaxChars];
          buf.assign(tmp, v.date_unchecked().to_chars(tmp));
          values_[i] = buf.c_str();
          break;
        }
        case Value::Kind::json:
          // The value's own JSON text (as read or given, or its document serialised once),
          // sent without a copy: it lives as long as the value. It holds no NUL byte (a
          // document's are escaped; text with one is not JSON).
          values_[i] = v.json_text({}).c_str();
          break;
        case Value::Kind::decimal:
          buf = v.decimal_unchecked().text;
          values_[i] = buf.c_str();
          break;
      }
    }
  }
  void set_types(const std::vector<Oid>& types) { types_ = types; }
  int size() const { return static_cast<int>(types_.size()); }
  std::span<const Oid> type_list() const { return types_; }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_, formats_;
  std::vector<std::string> scratch_;
};

struct Prepared {
  std::string name;
  std::string sql;
  std::shared_ptr<const Columns> columns;      // set by the first execution that returns rows
  std::optional<detail::TrailingLimit> limit;  // the LIMIT that ends the statement, if any
};

// A statement that ends with LIMIT n, n at most this, is read in one result (its rows arrive
// together; memory holds at most n of them) instead of row by row: libpq's single-row mode
// makes a result per row, about 0.9 us of client CPU each (docs/engine.md), which a large
// result needs and a small one does not.
constexpr std::int64_t kWholeResultRows = 1000;

// True when `p`'s rows are read in one result: its LIMIT, in the text or bound, is at most
// kWholeResultRows (a NULL bound is no limit at all).
bool reads_whole(const Prepared& p, std::span<const Value* const> params) {
  if (!p.limit) return false;
  std::int64_t n = p.limit->count;
  if (p.limit->param > 0) {
    const auto at = static_cast<std::size_t>(p.limit->param);
    if (at > params.size() || params[at - 1] == nullptr ||
        params[at - 1]->kind() != Value::Kind::integer)
      return false;
    n = params[at - 1]->int_unchecked();
  }
  return n >= 0 && n <= kWholeResultRows;
}

// The statement cache's key: the SQL and the parameter types it was prepared with. A statement
// is looked up by a StatementRef to the SQL and the bound types, so that finding it copies and
// formats nothing; only a new entry makes a StatementKey.
struct StatementRef {
  std::string_view sql;
  std::span<const Oid> types;
};
struct StatementKey {
  std::string sql;
  std::vector<Oid> types;
  operator StatementRef() const { return {sql, types}; }
};
struct StatementKeyHash {
  using is_transparent = void;
  std::size_t operator()(StatementRef k) const noexcept {
    std::size_t h = std::hash<std::string_view>{}(k.sql);
    for (Oid t : k.types) h = (h ^ t) * 0x100000001b3ULL;  // mixed in as FNV-1a mixes a byte
    return h;
  }
  std::size_t operator()(const StatementKey& k) const noexcept { return (*this)(StatementRef(k)); }
};
struct StatementKeyEqual {
  using is_transparent = void;
  static bool same(StatementRef a, StatementRef b) noexcept {
    return a.sql == b.sql && std::ranges::equal(a.types, b.types);
  }
  bool operator()(StatementRef a, StatementRef b) const noexcept { return same(a, b); }
  bool operator()(const StatementKey& a, StatementRef b) const noexcept { return same(a, b); }
  bool operator()(StatementRef a, const StatementKey& b) const noexcept { return same(a, b); }
  bool operator()(const StatementKey& a, const StatementKey& b) const noexcept {
    return same(a, b);
  }
};

// The count at the end of a command tag ("INSERT 0 5", "UPDATE 5", "COPY 5"); -1 when the tag
// ends without one ("CREATE TABLE"). Read from PQcmdStatus directly: PQcmdTuples compares the
// tag against its list of commands one after another, at every statement.
std::int64_t tag_count(std::string_view tag) {
  const std::size_t space = tag.rfind(' ');
  if (space == std::string_view::npos) return -1;
  std::int64_t n = -1;
  const char* end = tag.data() + tag.size();
  const auto r = std::from_chars(tag.data() + space + 1, end, n);
  return r.ec == std::errc{} && r.ptr == end ? n : -1;
}

// Rows inserted, updated or deleted by the command behind `res`; -1 for other commands.
std::int64_t rows_affected_of(PGresult* res) {
  const char* status = PQcmdStatus(res);
  if (status == nullptr) return -1;
  const std::string_view tag = status;
  if (tag.starts_with("INSERT ") || tag.starts_with("UPDATE ") || tag.starts_with("DELETE ") ||
      tag.starts_with("MERGE "))
    return tag_count(tag);
  return -1;
}

// A statement that only reads, by its first keyword (a function it calls may still write): one
// abandoned half-read outside a transaction may be cancelled.
bool starts_as_read(std::string_view sql) {
  std::size_t i = 0;
  std::string kw = detail::keyword_at(sql, i);
  while (kw.empty() && i < sql.size() && sql[i] == '(') kw = detail::keyword_at(sql, ++i);
  return kw == "SELECT" || kw == "VALUES" || kw == "TABLE";
}

// An abandoned result reads at most this many more rows of what has already arrived before it
// cancels the statement: a result that is nearly complete ends without a cancel request.
constexpr int kReadBeforeCancel = 1000;

class PgConnection;

// The rows of one statement, read from the connection as they arrive (libpq's single-row mode),
// so a result of any size holds one row at a time.
//
// States: streaming (the connection's active cursor: its next results are this statement's) ->
// ended; or streaming -> detached (detach(): what was left is read into `buffered_`, and the
// connection is free) -> ended. A statement whose results came whole (no rows) starts ended.
// An error the statement raises after some rows (a division by zero at row n) is raised by the
// fetch that would have returned row n; the connection is free again by then.
class PgCursor final : public DriverCursor {
  static std::vector<Oid> field_types(const PGresult* res) {
    std::vector<Oid> out(static_cast<std::size_t>(PQnfields(res)));
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = PQftype(res, static_cast<int>(i));
    return out;
  }

 public:
  // Streaming from `conn`; `first` holds the first row (PGRES_SINGLE_TUPLE). `sql` is the
  // statement, kept by the connection's cache while this streams. `cancellable`: abandoning the
  // statement half-read may cancel it (it reads only, outside a transaction).
  PgCursor(PgConnection* conn, ResultPtr first, std::shared_ptr<const Columns> columns,
           const std::string* sql, bool cancellable)
      : conn_(conn),
        pending_(std::move(first)),
        columns_(std::move(columns)),
        types_(field_types(pending_.get())),
        sql_(sql),
        cancellable_(cancellable) {}
  // Ended: `final` is the statement's whole result (PGRES_TUPLES_OK), its rows read from it in
  // place.
  PgCursor(ResultPtr final, std::shared_ptr<const Columns> columns)
      : columns_(std::move(columns)), affected_(rows_affected_of(final.get())) {
    whole_rows_ = PQntuples(final.get());
    if (whole_rows_ == 0) return;
    types_ = field_types(final.get());
    whole_ = std::move(final);
  }
  ~PgCursor() override;
  PgCursor(const PgCursor&) = delete;
  PgCursor& operator=(const PgCursor&) = delete;

  const std::shared_ptr<const Columns>& columns() const override { return columns_; }
  bool returns_rows() const override { return true; }
  bool fetch(std::vector<Value>& row) override;
  // Known once every row is read (PostgreSQL reports it after the last one).
  std::int64_t rows_affected() const override { return affected_; }

  // Reads every row not fetched yet into memory and lets go of the connection.
  void detach();

 private:
  void read_row(const PGresult* res, std::vector<Value>& row, int r = 0) const {
    const std::size_t n = types_.size();
    if (row.size() != n) row.resize(n);
    for (std::size_t c = 0; c < n; ++c) row[c] = read_value(res, r, static_cast<int>(c), types_[c]);
  }
  // The next result of the statement (the row received first, then the connection's).
  ResultPtr next_result();
  // Takes the statement's last result (`res`: the final PGRES_TUPLES_OK, an error, or null for a
  // lost connection), reads the connection up to its end and lets go of it.
  void end_stream(ResultPtr res);
  // Ends a stream nobody will read: what has arrived is discarded; a statement still sending is
  // cancelled when `cancellable_`, else read to its end.
  void abandon() noexcept;
  bool fetch_buffered(std::vector<Value>& row);

  PgConnection* conn_ = nullptr;  // while streaming
  ResultPtr pending_;             // a row received, not fetched yet
  ResultPtr whole_;               // ended: the whole result, rows read from it in place
  int whole_rows_ = 0;
  int next_whole_row_ = 0;
  std::shared_ptr<const Columns> columns_;
  std::vector<Oid> types_;
  const std::string* sql_ = nullptr;  // while streaming
  std::deque<Value> buffered_;        // detached rows, back to back
  std::size_t buffered_rows_ = 0;
  std::optional<ErrorInfo> error_;  // met after the buffered rows; raised once they are read
  std::int64_t affected_ = -1;
  bool cancellable_ = false;
};

std::shared_ptr<const Columns> columns_of(const PGresult* res) {
  std::vector<std::string> names;
  const int nf = PQnfields(res);
  for (int i = 0; i < nf; ++i) names.emplace_back(PQfname(res, i));
  return std::make_shared<const Columns>(std::move(names));
}

// bulk_insert: from this many rows binary COPY beats the pipelined multi-row INSERTs (measured
// with bench/bench_copy.cpp: INSERT still wins at 10 rows, COPY from about 30; see
// docs/engine.md), and the format COPY uses by default (binary: measured faster than text on
// rows of text, integers, doubles, timestamps and JSONB).
constexpr std::size_t kCopyMinRows = 50;
constexpr bool kCopyBinaryByDefault = true;
constexpr std::size_t kCopyChunk = 256 * 1024;  // bytes handed to libpq at a time

std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// "sqlcore_" and 48 random bits in hex, then "_".
std::string session_prefix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "sqlcore_%012llx_",
                static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  return buf;
}

class PgConnection final : public DriverConnection {
 public:
  // `named`: statements are prepared once per connection under a name (the default); without,
  // every execution parses its statement anew as the unnamed statement, which a pooler that
  // shares server sessions between transactions (PgBouncer's transaction mode) can carry.
  PgConnection(PGconn* conn, bool named) : conn_(conn), cancel_(PQgetCancel(conn)), named_(named) {
    PQsetNoticeReceiver(conn_, &PgConnection::on_notice, this);
  }
  ~PgConnection() override {
    detach_cursors();  // never throws: a failure is kept in the cursor, raised where it is read
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    PQfinish(conn_);
  }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // A statement runs in single-row mode: one that returns rows hands them over as they arrive
  // (PgCursor); any other returns its one result, read to the end here. A statement that ends
  // with a small LIMIT (reads_whole) is read to its end here too, in one result whose rows the
  // cursor then reads in place.
  Execution execute(const std::string& sql, std::span<const Value* const> params) override {
    detach_cursors();
    arm_deadline();
    params_.fill(params, sql);
    Prepared* p = &prepare(sql);
    ResultPtr res = start(*p, sql, reads_whole(*p, params));
    if (plan_went_stale(res.get())) {
      // A table the statement reads changed shape (ALTER TABLE): forget the statement and, when
      // no transaction was aborted by the failure, prepare it again and retry once.
      read_to_end();
      forget(*p);
      if (PQtransactionStatus(conn_) == PQTRANS_IDLE) {
        p = &prepare(sql);
        res = start(*p, sql, reads_whole(*p, params));
      }
    }
    Execution out;
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {
      if (!p->columns || p->columns->size() != static_cast<std::size_t>(PQnfields(res.get())))
        p->columns = columns_of(res.get());
    }
    if (status == PGRES_SINGLE_TUPLE) {
      // Cancelling a statement inside a transaction would abort the transaction, and one that
      // writes would undo its writes: those are read to their end when abandoned.
      const bool cancellable = tx_before_ == PQTRANS_IDLE && starts_as_read(sql);
      auto cursor =
          std::make_unique<PgCursor>(this, std::move(res), p->columns, &p->sql, cancellable);
      active_ = cursor.get();
      out.cursor = std::move(cursor);
      return out;
    }
    read_to_end();
    check(res.get(), sql);
    if (status == PGRES_TUPLES_OK) {
      out.cursor = std::make_unique<PgCursor>(std::move(res), p->columns);
    } else {
      out.rows_affected = rows_affected_of(res.get());
      if (drops_prepared(res.get())) forget_all_prepared();
    }
    return out;
  }

  // Pipeline mode: send a batch of executions, one sync, read the batch's results; repeat.
  std::int64_t execute_many(const std::string& sql, std::span<const Value* const> params,
                            std::size_t rows) override {
    detach_cursors();
    if (rows == 0) return 0;
    arm_deadline();
    const std::size_t n = params.size() / rows;
    // One prepared statement serves every row, so its parameter types must fit them all: the
    // first non-NULL type of each column, widened int4 -> int8 -> float8 where rows differ.
    std::vector<Oid> merged(n, 0);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t k = 0; k < n; ++k) merged[k] = widen(merged[k], type_of(*params[r * n + k]));
    params_.fill(params.subspan(0, n), sql);
    params_.set_types(merged);
    Prepared& p = prepare(sql);
    if (PQenterPipelineMode(conn_) != 1) raise_pg(conn_, nullptr, sql);
    std::int64_t total = 0;
    ResultPtr first_error;  // the first failure; the rest of its batch is aborted
    constexpr std::size_t kBatch = 512;
    for (std::size_t start = 0; start < rows && !first_error; start += kBatch) {
      const std::size_t end = std::min(rows, start + kBatch);
      for (std::size_t r = start; r < end; ++r) {
        try {
          params_.fill(params.subspan(r * n, n), sql);
        } catch (...) {
          abandon_pipeline();  // a value refused: end the batch sent so far, then raise
          throw;
        }
        if (send(p) != 1) {
          leave_pipeline();
          raise_pg(conn_, nullptr, sql);
        }
      }
      if (PQpipelineSync(conn_) != 1) {
        leave_pipeline();
        raise_pg(conn_, nullptr, sql);
      }
      // Read until the sync: one result (then a null) per query, then PGRES_PIPELINE_SYNC.
      while (true) {
        await_result();
        ResultPtr res(PQgetResult(conn_));
        if (!res) {
          if (PQstatus(conn_) == CONNECTION_BAD) {
            leave_pipeline();
            raise_pg(conn_, nullptr, sql);
          }
          continue;
        }
        ExecStatusType st = PQresultStatus(res.get());
        if (st == PGRES_PIPELINE_SYNC) break;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
          const char* tag = PQcmdStatus(res.get());
          if (tag != nullptr) total += std::max<std::int64_t>(tag_count(tag), 0);
        } else if (st == PGRES_FATAL_ERROR && !first_error) {
          first_error = std::move(res);
        }
      }
    }
    leave_pipeline();
    if (first_error) raise_pg(conn_, first_error.get(), sql);
    return total;
  }

  // COPY "table" (columns) FROM STDIN, in binary format when every value has a binary encoding
  // for its column's server type (looked up in the catalog), else in text format.
  std::int64_t bulk_insert(const BulkInsert& load, std::span<const Value* const> values,
                           std::size_t rows) override {
    using M = BulkInsertMethod;
    detach_cursors();
    if (rows == 0) return 0;
    if (load.method == M::insert || (load.method == M::automatic && rows < kCopyMinRows))
      return DriverConnection::bulk_insert(load, values, rows);
    const std::size_t n = load.columns.size();
    bool binary =
        load.method == M::copy_binary || (load.method == M::automatic && kCopyBinaryByDefault);
    std::vector<pg_copy::TypeOid> types;
    if (binary) {
      types = column_types(load);
      binary = types.size() == n && pg_copy::binary_fits(types, values);
    }
    std::string sql = "COPY " + quote_name(load.table) + " (";
    for (std::size_t i = 0; i < n; ++i) sql += (i > 0 ? ", " : "") + quote_name(load.columns[i]);
    sql += binary ? ") FROM STDIN (FORMAT binary)" : ") FROM STDIN";
    ResultPtr start(PQexec(conn_, sql.c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
      check(start.get(), sql);
      raise_pg(conn_, start.get(), sql);
    }
    start.reset();
    const pg_copy::Encoder encoder(binary, std::move(types));
    std::string buffer;
    buffer.reserve(kCopyChunk + 64 * 1024);
    encoder.header(buffer);
    try {
      for (std::size_t r = 0; r < rows; ++r) {
        encoder.row(buffer, values.subspan(r * n, n));
        if (buffer.size() >= kCopyChunk) send_copy_data(buffer, sql);
      }
    } catch (const pg_copy::Refusal& refusal) {
      // Abort the COPY (the server then fails it, and a transaction around it), then say why.
      PQputCopyEnd(conn_, "sqlcore refused a value");
      finish_copy(sql, /*raise=*/false);
      ErrorInfo info;
      info.backend = "postgresql";
      info.sqlstate = "22021";
      info.server_message =
          "column " + load.table + "." + load.columns[refusal.column] + ": " + refusal.reason;
      info.sql = sql;
      raise_database_error(std::move(info));
    }
    encoder.trailer(buffer);
    send_copy_data(buffer, sql);
    if (PQputCopyEnd(conn_, nullptr) != 1) raise_pg(conn_, nullptr, sql);
    return finish_copy(sql, /*raise=*/true);
  }

  void execute_simple(const std::string& sql) override {
    detach_cursors();
    if (named_ && detail::controls_transaction(sql) && run_prepared_control(sql)) return;
    ResultPtr res(PQexec(conn_, sql.c_str()));
    check(res.get(), sql);
    if (drops_prepared(res.get())) forget_all_prepared();
  }

  // BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE come with every transaction: each is
  // prepared once per connection, as `pgbench -M prepared` does, so that the server does not
  // parse it again (the simple query protocol parses every time). False, having sent nothing,
  // when it is not prepared yet and cannot be now: the cache is full (emptying it would run
  // DEALLOCATE ALL) or the transaction failed (only ROLLBACK may run; it goes as it is).
  bool run_prepared_control(const std::string& sql) {
    params_.fill({}, sql);
    if ((cache_.size() >= kCacheCapacity || PQtransactionStatus(conn_) == PQTRANS_INERROR) &&
        !cache_.contains(StatementRef{sql, params_.type_list()}))
      return false;
    const Prepared& p = prepare(sql);  // a lookup, or PQprepare once
    ResultPtr res(PQexecPrepared(conn_, p.name.c_str(), 0, nullptr, nullptr, nullptr, 0));
    check(res.get(), sql);
    return true;
  }

  // DISCARD ALL: the session as new (settings, temporary tables, session advisory locks,
  // LISTEN, cursors, prepared statements), in one round trip.
  std::string session_reset_sql() const override { return "DISCARD ALL"; }

  void detach_cursors() override {
    if (active_ != nullptr) active_->detach();  // which ends the stream (active_ = nullptr)
  }

  bool ping() override {
    detach_cursors();
    ResultPtr res(PQexec(conn_, ""));
    return res && PQresultStatus(res.get()) == PGRES_EMPTY_QUERY &&
           PQstatus(conn_) == CONNECTION_OK;
  }

  // A server that closed the connection while it was idle has sent an error and an EOF; reading
  // what is waiting on the socket (no round trip) reveals it.
  bool is_alive() override {
    if (fatal_seen_ || PQstatus(conn_) != CONNECTION_OK) return false;
    if (active_ != nullptr) return true;  // a statement's rows are arriving: not idle
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    if (pfd.fd < 0) return false;
    // A terminated backend sends a FATAL message, then closes: read until nothing is waiting
    // (an EOF stays readable, so a closed socket is found on a later round).
    for (int round = 0; round < 4 && ::poll(&pfd, 1, 0) > 0; ++round) {
      if ((pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return false;
      if (PQconsumeInput(conn_) == 0) return false;
      while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
      if (fatal_seen_ || PQstatus(conn_) != CONNECTION_OK) return false;
    }
    return PQstatus(conn_) == CONNECTION_OK;
  }

  // Notices are not printed (libpq's default writes them to stderr). A FATAL one arriving while
  // the connection is idle is the server saying goodbye (pg_terminate_backend, shutdown).
  static void on_notice(void* self, const PGresult* res) {
    const char* severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity != nullptr &&
        (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC"))
      static_cast<PgConnection*>(self)->fatal_seen_ = true;
  }

  bool in_transaction() const override {
    // While a statement streams the status is "active"; what counts is what it ran in.
    const PGTransactionStatusType status =
        active_ != nullptr ? tx_before_ : PQtransactionStatus(conn_);
    return status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN;
  }

  PGconn* pg() const { return conn_; }
  // Called by the streaming cursor once the connection is free again.
  void stream_ended(const PgCursor* c) {
    if (active_ == c) active_ = nullptr;
  }
  // Asks the server to cancel the statement running on this connection (a request on a
  // connection of its own; the statement then ends with an error, or normally if it had
  // finished). Never throws; thread-safe (PQcancel on an object made at connect). The server
  // ignores a cancel that reaches an idle session.
  bool cancel() noexcept override {
    char message[256];
    return cancel_ != nullptr && PQcancel(cancel_, message, sizeof message) == 1;
  }

  void set_statement_timeout(std::chrono::milliseconds timeout) override { timeout_ = timeout; }

  // With a statement timeout: waits until PQgetResult would not block, sending a cancel when
  // the deadline passes (the server then ends the statement with 57014, or it had finished).
  void await_result() {
    if (armed_) [[unlikely]]
      await_slow();
  }

 private:
  // Sends one execution of `p` with the bound parameters, in single-row mode unless `whole`, and
  // returns its first result: a row (PGRES_SINGLE_TUPLE), or the statement's only result.
  ResultPtr start(const Prepared& p, const std::string& sql, bool whole) {
    tx_before_ = PQtransactionStatus(conn_);
    if (send(p) != 1) raise_pg(conn_, nullptr, sql);
    if (!whole) PQsetSingleRowMode(conn_);
    await_result();
    return ResultPtr(PQgetResult(conn_));
  }

  // Sends one execution of `p` with the bound parameters: by name, or (unnamed) with its text.
  int send(const Prepared& p) {
    if (p.name.empty())
      return PQsendQueryParams(conn_, p.sql.c_str(), params_.size(), params_.types(),
                               params_.values(), params_.lengths(), params_.formats(), 0);
    return PQsendQueryPrepared(conn_, p.name.c_str(), params_.size(), params_.values(),
                               params_.lengths(), params_.formats(), 0);
  }

  // Starts the statement timeout's clock for the statement about to be sent (or ends the last
  // statement's).
  void arm_deadline() {
    if (timeout_.count() != 0 || armed_) [[unlikely]] {
      armed_ = timeout_.count() != 0;
      deadline_ = std::chrono::steady_clock::now() + timeout_;
      armed_ms_ = timeout_.count();
      cancel_sent_ = false;
      t_timed_out_ms = 0;
    }
  }

  [[gnu::noinline]] void await_slow() {
    while (PQisBusy(conn_) != 0) {
      int wait_ms = -1;
      if (!cancel_sent_) {
        const auto left = deadline_ - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
          cancel_sent_ = true;
          t_timed_out_ms = armed_ms_;
          cancel();
          continue;
        }
        wait_ms = static_cast<int>(std::min<std::int64_t>(
            std::chrono::ceil<std::chrono::milliseconds>(left).count(), INT_MAX));
      }
      pollfd pfd{PQsocket(conn_), POLLIN, 0};
      if (pfd.fd < 0) return;
      const int r = ::poll(&pfd, 1, wait_ms);
      if (r < 0 && errno != EINTR) return;
      if (r > 0 && PQconsumeInput(conn_) == 0) return;  // PQgetResult reports the failure
    }
  }

  // Reads (and drops) the results of the statement under way up to its end. A COPY (sent as a
  // statement) has no end this way: its state result repeats; check() then refuses it.
  void read_to_end() {
    while (true) {
      await_result();
      ResultPtr r{PQgetResult(conn_)};
      if (!r) break;
      const ExecStatusType status = PQresultStatus(r.get());
      if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) return;
    }
  }

  void check(const PGresult* res, const std::string& sql) {
    if (res == nullptr) raise_pg(conn_, nullptr, sql);
    switch (PQresultStatus(res)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        return;
      default:
        raise_pg(conn_, res, sql);
    }
  }

  static bool plan_went_stale(const PGresult* res) {
    if (res == nullptr || PQresultStatus(res) != PGRES_FATAL_ERROR) return false;
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    return state != nullptr && std::string_view(state) == "0A000" && msg != nullptr &&
           std::string_view(msg).find("cached plan must not change result type") !=
               std::string_view::npos;
  }

  // Drops one prepared statement, here and on the server (when the session can still run it).
  void forget(const Prepared& p) {
    std::string name = p.name;
    if (name.empty()) {  // unnamed: only the columns kept here
      const std::string sql = p.sql;
      std::erase_if(cache_, [&](const auto& kv) { return kv.second.sql == sql; });
      return;
    }
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.name == name; });
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) {
      ResultPtr d(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
    } else {
      stale_.push_back(std::move(name));  // deallocated when the transaction has ended
    }
  }

  // Each listed column's type, from the catalog (what the binary format must match).
  std::vector<pg_copy::TypeOid> column_types(const BulkInsert& load) {
    static const std::string kSql =
        "SELECT attname, atttypid FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass "
        "AND attnum > 0 AND NOT attisdropped";
    const Value table(quote_name(load.table));
    const Value* params[] = {&table};
    Execution e = execute(kSql, params);
    std::unordered_map<std::string, pg_copy::TypeOid> by_name;
    std::vector<Value> row;
    while (e.cursor->fetch(row))
      by_name.emplace(row[0].text_unchecked(),
                      static_cast<pg_copy::TypeOid>(row[1].int_unchecked()));
    std::vector<pg_copy::TypeOid> types;
    for (const auto& column : load.columns) {
      auto it = by_name.find(column);
      if (it == by_name.end()) return {};  // COPY itself says which column is missing
      types.push_back(it->second);
    }
    return types;
  }

  void send_copy_data(std::string& buffer, const std::string& sql) {
    if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1)
      raise_pg(conn_, nullptr, sql);
    buffer.clear();
  }

  // Reads the COPY's results up to the end; returns the rows it stored, or raises its error.
  std::int64_t finish_copy(const std::string& sql, bool raise) {
    ResultPtr failure;
    std::int64_t stored = 0;
    while (ResultPtr res{PQgetResult(conn_)}) {
      const ExecStatusType st = PQresultStatus(res.get());
      if (st == PGRES_COMMAND_OK) {
        const char* tag = PQcmdStatus(res.get());
        stored = tag != nullptr ? std::max<std::int64_t>(tag_count(tag), 0) : 0;
      } else if (!failure) {
        failure = std::move(res);
        if (st == PGRES_COPY_IN) break;  // not ended: only a lost connection does that
      }
    }
    if (failure && raise) raise_pg(conn_, failure.get(), sql);
    return stored;
  }

  // Ends a pipeline whose batch is cut short: syncs what was sent, reads its results (the caller
  // raises; the rows sent are left to its transaction) and leaves pipeline mode.
  void abandon_pipeline() {
    if (PQpipelineSync(conn_) == 1) {
      while (true) {
        ResultPtr res(PQgetResult(conn_));
        if (res && PQresultStatus(res.get()) == PGRES_PIPELINE_SYNC) break;
        if (!res && PQstatus(conn_) == CONNECTION_BAD) break;
      }
    }
    leave_pipeline();
  }

  void leave_pipeline() {
    while (PQexitPipelineMode(conn_) != 1) {
      ResultPtr r(PQgetResult(conn_));
      if (!r && PQstatus(conn_) == CONNECTION_BAD) return;
    }
  }

  Prepared& prepare(const std::string& sql) {
    auto it = cache_.find(StatementRef{sql, params_.type_list()});
    if (it != cache_.end()) return it->second;
    if (!stale_.empty() && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
      for (const auto& name : stale_) ResultPtr d(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
      stale_.clear();
    }
    if (cache_.size() >= kCacheCapacity) {
      // Forget the whole cache, server side too, so a long session does not grow without bound.
      if (named_) {
        ResultPtr d(PQexec(conn_, "DEALLOCATE ALL"));
        check(d.get(), "DEALLOCATE ALL");
      }
      cache_.clear();
    }
    if (!named_) {
      // Nothing is prepared on the server; the entry keeps the result's columns.
      Prepared p;
      p.sql = sql;
      p.limit = detail::trailing_limit(sql);
      return cache_.emplace(new_key(sql), std::move(p)).first->second;
    }
    Prepared p;
    p.name = prefix_ + std::to_string(++counter_);
    p.sql = sql;
    p.limit = detail::trailing_limit(sql);
    ResultPtr res(PQprepare(conn_, p.name.c_str(), sql.c_str(), params_.size(), params_.types()));
    check(res.get(), sql);
    return cache_.emplace(new_key(sql), std::move(p)).first->second;
  }

  // The server has forgotten every prepared statement of the session: so does the cache.
  void forget_all_prepared() {
    cache_.clear();
    stale_.clear();
  }

  StatementKey new_key(const std::string& sql) const {
    const std::span<const Oid> types = params_.type_list();
    return {sql, std::vector<Oid>(types.begin(), types.end())};
  }

  static constexpr std::size_t kCacheCapacity = 256;
  PGconn* conn_;
  ParamBuffer params_;
  std::unordered_map<StatementKey, Prepared, StatementKeyHash, StatementKeyEqual> cache_;
  std::vector<std::string> stale_;  // prepared statements to deallocate once idle
  std::uint64_t counter_ = 0;
  // The names of this connection's statements: "sqlcore_<random>_<n>". Unique to the session,
  // so that if another session's statements are ever reached (a pooler between, left
  // undeclared), a name finds nothing, never another client's statement.
  const std::string prefix_ = session_prefix();
  bool fatal_seen_ = false;
  PgCursor* active_ = nullptr;  // the cursor whose statement's rows are still arriving
  PGTransactionStatusType tx_before_ = PQTRANS_IDLE;  // the status the last statement began in
  PGcancel* const cancel_;                            // for cancel(), from any thread
  const bool named_;  // statements prepared under a name (else the unnamed statement)
  std::chrono::milliseconds timeout_{0};  // the statement timeout; zero: none
  std::chrono::steady_clock::time_point deadline_{};
  std::int64_t armed_ms_ =
      0;                // the timeout deadline_ was set from (a later change does not move it)
  bool armed_ = false;  // the statement under way has a deadline
  bool cancel_sent_ = false;  // its deadline passed and a cancel was sent
};

// ---- PgCursor (needs PgConnection) -------------------------------------------------------

PgCursor::~PgCursor() {
  if (conn_ != nullptr) abandon();
}

ResultPtr PgCursor::next_result() {
  if (pending_) return std::move(pending_);
  conn_->await_result();
  return ResultPtr(PQgetResult(conn_->pg()));
}

bool PgCursor::fetch(std::vector<Value>& row) {
  if (conn_ == nullptr) {
    if (next_whole_row_ < whole_rows_) {
      read_row(whole_.get(), row, next_whole_row_++);
      return true;
    }
    return fetch_buffered(row);
  }
  ResultPtr res = next_result();
  if (res && PQresultStatus(res.get()) == PGRES_SINGLE_TUPLE) {
    read_row(res.get(), row);
    return true;
  }
  end_stream(std::move(res));
  return fetch_buffered(row);  // raises the error the statement ended with, if any
}

void PgCursor::end_stream(ResultPtr res) {
  PGconn* pg = conn_->pg();
  const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK) {
    affected_ = rows_affected_of(res.get());
  } else {
    error_ = pg_error(pg, res.get(), *sql_);
  }
  res.reset();
  while (ResultPtr r{PQgetResult(pg)}) {
  }
  conn_->stream_ended(this);
  conn_ = nullptr;
  sql_ = nullptr;
}

void PgCursor::detach() {
  if (conn_ == nullptr) return;
  std::vector<Value> row;
  while (true) {
    ResultPtr res = next_result();
    if (!res || PQresultStatus(res.get()) != PGRES_SINGLE_TUPLE) {
      end_stream(std::move(res));
      return;
    }
    read_row(res.get(), row);
    for (Value& v : row) buffered_.push_back(std::move(v));
    ++buffered_rows_;
  }
}

bool PgCursor::fetch_buffered(std::vector<Value>& row) {
  if (buffered_rows_ == 0) {
    if (error_) {
      ErrorInfo info = std::move(*error_);
      error_.reset();
      raise_database_error(std::move(info));
    }
    return false;
  }
  const std::size_t n = types_.size();
  if (row.size() != n) row.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    row[c] = std::move(buffered_.front());
    buffered_.pop_front();
  }
  --buffered_rows_;
  return true;
}

void PgCursor::abandon() noexcept {
  PGconn* pg = conn_->pg();
  pending_.reset();
  // What has already arrived is read without waiting, up to a budget.
  bool ended = false;
  int budget = kReadBeforeCancel;
  while (!ended && budget > 0) {
    while (!ended && budget > 0 && PQisBusy(pg) == 0) {
      PGresult* r = PQgetResult(pg);
      if (r == nullptr) ended = true;
      PQclear(r);
      --budget;
    }
    if (ended || budget <= 0) break;
    pollfd pfd{PQsocket(pg), POLLIN, 0};
    if (pfd.fd < 0 || ::poll(&pfd, 1, 0) <= 0 || PQconsumeInput(pg) == 0) break;
  }
  if (!ended) {
    // The statement is still sending: cancel it where that changes nothing (a read outside a
    // transaction), then read what is left (what was in flight, then the cancel's error).
    if (cancellable_) conn_->cancel();
    while (PGresult* r = PQgetResult(pg)) PQclear(r);
  }
  conn_->stream_ended(this);
  conn_ = nullptr;
}

// What a PostgreSQL URL's query asks of the driver: libpq's connection keywords, and sqlcore's
// own `prepare` and `pooler`.
struct PgSettings {
  // Whether a pooler sits between sqlcore and the server (URL `pooler`).
  enum class Pooler : std::uint8_t { none, session, transaction };
  Pooler pooler = Pooler::none;
  bool named = true;                                    // prepare=named (the default)
  std::vector<std::pair<std::string, std::string>> kv;  // libpq keywords, from the URL
  std::string user_options;  // the URL's `options` (all of them, in order), if any
  bool has_app = false, has_timeout = false;
};

const char* pooler_name(PgSettings::Pooler p) {
  return p == PgSettings::Pooler::transaction ? "transaction" : "session";
}

// Reads the query; throws ArgumentError for a bad value, an unknown key or settings that
// contradict each other. Cheap and without a connection: create_engine() runs it too.
PgSettings parse_settings(const Url& url) {
  PgSettings out;
  std::optional<bool> named;
  bool has_options = false;
  for (const auto& [k, v] : url.query()) {
    if (k == "prepare") {
      if (v != "named" && v != "unnamed")
        throw ArgumentError("invalid database URL setting prepare: '" + v +
                            "' (expected named or unnamed)");
      named = v == "named";
    } else if (k == "pooler") {
      if (v == "none")
        out.pooler = PgSettings::Pooler::none;
      else if (v == "session")
        out.pooler = PgSettings::Pooler::session;
      else if (v == "transaction")
        out.pooler = PgSettings::Pooler::transaction;
      else
        throw ArgumentError("invalid database URL setting pooler: '" + v +
                            "' (expected none, session or transaction)");
    } else if (k == "options") {
      has_options = true;
      out.user_options += (out.user_options.empty() ? "" : " ") + v;
    } else {
      if (k == "application_name") out.has_app = true;
      if (k == "connect_timeout") out.has_timeout = true;
      out.kv.emplace_back(k, v);
    }
  }
  // libpq's own keywords; anything else would fail only at the first connect.
  static const std::vector<std::string> known = [] {
    std::vector<std::string> names;
    PQconninfoOption* defaults = PQconndefaults();
    for (PQconninfoOption* o = defaults; o != nullptr && o->keyword != nullptr; ++o)
      names.emplace_back(o->keyword);
    PQconninfoFree(defaults);
    return names;
  }();
  for (const auto& [k, v] : out.kv) {
    if (std::find(known.begin(), known.end(), k) == known.end())
      throw ArgumentError("unknown postgresql URL setting '" + k +
                          "' (sqlcore's: prepare, pooler and the engine's settings; libpq's: "
                          "sslmode, target_session_attrs, ... as in libpq's manual)");
  }
  if (out.pooler == PgSettings::Pooler::transaction && named.value_or(false))
    throw ArgumentError(
        "invalid database URL settings prepare=named with pooler=transaction: a pooler in "
        "transaction mode hands each transaction another server session, where a statement "
        "prepared on the last one does not exist; leave prepare out (pooler=transaction "
        "implies prepare=unnamed)");
  if (out.pooler != PgSettings::Pooler::none && has_options)
    throw ArgumentError(
        "invalid database URL setting options: a pooler (pooler=" +
        std::string(pooler_name(out.pooler)) +
        ") refuses the startup parameter `options` (PgBouncer: \"unsupported startup parameter\"); "
        "set such settings on the database instead (ALTER DATABASE ... SET ...)");
  out.named = named.value_or(out.pooler != PgSettings::Pooler::transaction);
  return out;
}

// The session's TimeZone names UTC.
bool is_utc(std::string_view tz) {
  static constexpr std::string_view kNames[] = {"UTC",       "Etc/UTC",       "UCT",  "Etc/UCT",
                                                "GMT",       "Etc/GMT",       "Zulu", "Etc/Zulu",
                                                "Universal", "Etc/Universal", "GMT0", "Etc/GMT0"};
  return std::find(std::begin(kNames), std::end(kNames), tz) != std::end(kNames);
}

class PgDriver final : public Driver {
 public:
  std::string_view name() const override { return "libpq"; }

  void check_url(const Url& url) const override { (void)parse_settings(url); }

  std::unique_ptr<DriverConnection> connect(const Url& url, const DriverOptions& options) override {
    PgSettings settings = parse_settings(url);
    std::vector<std::pair<std::string, std::string>> kv;
    std::string hosts, ports;
    for (std::size_t i = 0; i < url.hosts().size(); ++i) {
      const auto& h = url.hosts()[i];
      if (i > 0) {
        hosts += ",";
        ports += ",";
      }
      hosts += h.name;
      if (h.port) ports += std::to_string(*h.port);
    }
    if (!hosts.empty() && hosts.find_first_not_of(',') != std::string::npos)
      kv.emplace_back("host", hosts);
    if (!ports.empty() && ports.find_first_not_of(',') != std::string::npos)
      kv.emplace_back("port", ports);
    if (!url.database().empty()) kv.emplace_back("dbname", url.database());
    if (url.username()) kv.emplace_back("user", *url.username());
    if (url.password()) kv.emplace_back("password", *url.password());
    for (auto& e : settings.kv) kv.push_back(std::move(e));
    const bool pooled = settings.pooler != PgSettings::Pooler::none;
    if (!pooled) {
      // The session settings sqlcore's value conversions rely on; a user `options` comes
      // after ours and so may add to them. A pooler refuses `options`: behind one, connect()
      // checks below that the server's defaults are these.
      std::string session =
          "-c TimeZone=UTC -c DateStyle=ISO -c bytea_output=hex -c extra_float_digits=3";
      if (!settings.user_options.empty()) session += " " + settings.user_options;
      kv.emplace_back("options", session);
    }
    kv.emplace_back("client_encoding", "UTF8");
    if (!settings.has_app) kv.emplace_back("application_name", options.application_name);
    if (!settings.has_timeout) {
      // libpq counts whole seconds and takes less than 2 as 2.
      const auto ms = options.connect_timeout.count() > 0 ? options.connect_timeout.count() : 10000;
      kv.emplace_back("connect_timeout",
                      std::to_string(std::max<std::int64_t>(2, (ms + 999) / 1000)));
    }

    std::vector<const char*> keys, values;
    for (const auto& [k, v] : kv) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      ErrorInfo info;
      info.backend = "postgresql";
      std::string msg = trim(conn != nullptr ? PQerrorMessage(conn) : "out of memory");
      PQfinish(conn);
      if (msg.find("password authentication failed") != std::string::npos ||
          msg.find("no password supplied") != std::string::npos)
        info.sqlstate = "28P01";
      else if (msg.find("invalid connection option") != std::string::npos)
        throw ArgumentError("invalid postgresql URL setting: " + msg);
      else if (msg.find("database \"") != std::string::npos &&
               msg.find("does not exist") != std::string::npos)
        info.sqlstate = "3D000";
      else
        info.sqlstate = "08001";
      if (msg.find("unsupported startup parameter") != std::string::npos) {
        // PgBouncer's answer to the settings sqlcore sends at connect.
        info.sqlstate = "08004";
        msg +=
            " (a pooler such as PgBouncer sits in front of this server: say so in the URL "
            "with pooler=transaction, or pooler=session if it pools whole sessions)";
      }
      info.server_message = "cannot connect to " + url.to_string() + ": " + msg;
      raise_database_error(std::move(info));
    }
    if (pooled) check_pooled_session(conn, url, settings.pooler);
    return std::make_unique<PgConnection>(conn, settings.named);
  }

 private:
  // Behind a pooler the session cannot be set up at connect: its defaults must already be what
  // sqlcore's value conversions rely on (the server reports them at connect, through the pooler).
  static void check_pooled_session(PGconn* conn, const Url& url, PgSettings::Pooler pooler) {
    const char* tz = PQparameterStatus(conn, "TimeZone");
    const char* ds = PQparameterStatus(conn, "DateStyle");
    std::string problem;
    if (PQserverVersion(conn) < 120000)
      problem =
          "the server is older than PostgreSQL 12, whose default extra_float_digits loses "
          "digits of floating-point values";
    else if (tz == nullptr || !is_utc(tz))
      problem = "the session's TimeZone is " + std::string(tz != nullptr ? tz : "unknown") +
                ", not UTC (ALTER DATABASE " + url.database() + " SET TimeZone = 'UTC')";
    else if (ds == nullptr || !std::string_view(ds).starts_with("ISO"))
      problem = "the session's DateStyle is " + std::string(ds != nullptr ? ds : "unknown") +
                ", not ISO (ALTER DATABASE " + url.database() + " SET DateStyle = 'ISO')";
    if (problem.empty()) return;
    PQfinish(conn);
    ErrorInfo info;
    info.backend = "postgresql";
    info.sqlstate = "55000";
    info.server_message = "cannot use " + url.to_string() +
                          " through a pooler (pooler=" + pooler_name(pooler) +
                          "): sqlcore cannot set up the session at connect there, and " + problem;
    raise_database_error(std::move(info));
  }
};

}  // namespace

namespace detail {
void register_driver_postgresql() {
  register_driver("postgresql", std::make_shared<PgDriver>());
}
}  // namespace detail

}  // namespace sqlcore
