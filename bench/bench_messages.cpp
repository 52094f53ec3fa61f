// messages_bench: a table a user really has -- messages(id, session_id, role, content,
// created_at TIMESTAMP, meta JSON) -- written and read the way docs/ teaches, through sqlcore's
// text() and through the expression language, beside the raw C API (sqlite3, libpq) doing the same
// work in the same run, on a SQLite file (WAL) and on PostgreSQL.
//
// The table is declared with sqlcore's schema API (docs/schema.md) and created by create_all:
// id BigInteger primary key, session_id String(64) with an index, role String(16), content Text,
// created_at DateTime, meta Json. sqlcore binds by name (one Params per statement, values
// assigned per row, as docs/engine.md advises) and reads every column as its declared type
// (std::int64_t, std::string, Timestamp, Json). The raw side runs the same SQL, prepared, and does
// the same work: it builds the same JSON document (nlohmann::json) and dumps it, formats the
// timestamp as text (bench_common's format_ts), and parses what it reads into the same C++ types
// (Json::parse, a Timestamp from bench_common's parse_ts).
//
// Workloads (benchmark "<workload>/<backend>/<form>", form = text | expr | raw):
//   insert           1,000 single-row INSERTs in one transaction; the table emptied before each
//                    iteration (untimed)
//   select           1,000 primary-key SELECTs of every column of a 10,000-row table, each row
//                    read into a struct (JSON parsed into a Json, the timestamp a Timestamp)
//   select_jsontext  the same through text(), the JSON column read as its text
//                    (row.get<std::string>("meta")); raw keeps the text as libpq / sqlite3 give it
//   upsert           1,000 upserts (ON CONFLICT (id) DO UPDATE SET content, meta) in one
//                    transaction over a table holding every other key (refilled, untimed)
//   execute_many     100,000 rows: execute_many() of a text() INSERT (sqlcore; outside a
//                    transaction, so in the one execute_many opens) against raw multi-row VALUES
//                    of 100 rows per statement in one transaction (SQLite: one prepared 100-row
//                    INSERT reused; PostgreSQL: one prepared 100-row INSERT executed 1,000 times)
// text: sqlcore::text() with :name binds. expr: insert(t).values({... bindparam ...}),
// select(t.id, ...).where(t.id == bindparam("id")), insert(...).on_conflict({t.id}).do_update().
//
// Every iteration's results are checked (row counts, sums of ids, timestamps, tokens read from
// the JSON, text bytes), so no side can skip work. Benchmarks repeat (default 5 repetitions,
// randomly interleaved); the table after Google Benchmark's output gives per workload and form
// the median time per statement (per row for execute_many) of each side, with the fastest and
// slowest repetition, and the ratio sqlcore/raw of the medians, beside the targets
// (reported, never asserted).
//
// Run (release build):
//   cmake --preset release && cmake --build --preset release --target messages_bench
//   SQLCORE_BENCH_POSTGRES_URL=postgresql://user:pass@host:port/db
//   build/release/bench/messages_bench
// Environment: SQLCORE_BENCH_POSTGRES_URL (the server where the database messages_bench is created
// and dropped again; without it only SQLite runs, with a note on stderr), SQLCORE_TEST_BACKENDS
// (e.g. "sqlite"; default: all). Google Benchmark's flags work as usual, e.g.
// --benchmark_filter=select --benchmark_repetitions=3.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <sqlcore/sqlcore.hpp>

#include "bench_common.hpp"

namespace {

using bench::Backend;
using bench::backend_name;
using bench::Figures;
using bench::PgResult;
using bench::ph;
using bench::RawSqliteStmt;
using bench::RecordingReporter;
using sqlcore::bindparam;
using sqlcore::Connection;
using sqlcore::Json;
using sqlcore::Row;
using sqlcore::Timestamp;
namespace types = sqlcore::types;

constexpr int kStatements = 1'000;  // per iteration of insert, select and upsert
constexpr int kTableRows = 10'000;  // rows the selects read from
constexpr int kManyRows = 100'000;  // rows of one execute_many
constexpr int kMultiRow = 100;      // rows per raw multi-row INSERT
constexpr int kSessions = 100;
constexpr int kDefaultRepetitions = 5;
constexpr std::int64_t kBaseMicros = 1'750'000'000'123'456;  // 2025-06-15, with a fraction
constexpr const char* kPgDatabase = "messages_bench";

// ---- the table, as a user declares it ---------------------------------------------------------

struct Messages : sqlcore::Table {
  Messages(sqlcore::MetaData& m, const char* name) : Table(m, name) {}
  sqlcore::Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  sqlcore::Col<std::string> session_id = column("session_id", types::String(64)).index();
  sqlcore::Col<std::string> role = column("role", types::String(16));
  sqlcore::Col<std::string> content = column("content", types::Text);
  sqlcore::Col<Timestamp> created_at = column("created_at", types::DateTime);
  sqlcore::Col<Json> meta = column("meta", types::Json);
};

// One table per workload, so that none disturbs another's data.
struct Schema {
  sqlcore::MetaData md;
  Messages messages{md, "messages"};  // kTableRows rows: what the selects read
  Messages inserted{md, "messages_insert"};
  Messages upserted{md, "messages_upsert"};
  Messages many{md, "messages_many"};
};
const Schema& schema() {
  static const Schema kSchema;
  return kSchema;
}

// ---- the data: the same on every side -----------------------------------------------------------

const std::string& session_of(int i) {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v;
    for (int s = 0; s < kSessions; ++s) v.push_back("session-" + std::to_string(s) + "-4f1a9c");
    return v;
  }();
  return kNames[static_cast<std::size_t>(i % kSessions)];
}
const std::string& role_of(int i) {
  static const std::string kUser = "user", kAssistant = "assistant";
  return i % 2 == 0 ? kUser : kAssistant;
}
const std::string& content_of(int i) {
  static const std::vector<std::string> kContents = [] {
    std::vector<std::string> v;
    v.reserve(kManyRows);
    for (int k = 0; k < kManyRows; ++k)
      v.push_back("Message " + std::to_string(k) +
                  " of the conversation: the user asks how to reset a password, and the "
                  "assistant answers \"open Settings, then Security\".");
    return v;
  }();
  return kContents[static_cast<std::size_t>(i)];
}
std::int64_t micros_of(int i) {
  return kBaseMicros + std::int64_t{i} * 1'000'003;
}
std::int64_t tokens_of(int i) {
  return 100 + i % 900;
}
// The document a program builds for each message, on every side.
Json meta_of(int i) {
  return Json{{"model", "assistant-large"},
              {"tokens", tokens_of(i)},
              {"latency_ms", (i % 1000) * 0.5},
              {"tools", Json::array({"search", "calculator"})},
              {"finish", "stop"}};
}

// The id the k-th lookup of an iteration reads (7919 is prime: a scattered permutation).
int lookup_id(int k) {
  return static_cast<int>((std::int64_t{k} * 7919) % kTableRows);
}

// ---- what a read gives, summed so that every side must read everything -------------------------

struct Message {
  std::int64_t id = 0;
  std::string session_id, role, content;
  Timestamp created_at;
  Json meta;
};

struct Sums {
  std::int64_t rows = 0, ids = 0, micros = 0, tokens = 0;
  std::size_t text_bytes = 0, meta_bytes = 0;
  void add(const Message& m) {
    add_common(m.id, m.session_id, m.role, m.content, m.created_at);
    tokens += m.meta.at("tokens").get<std::int64_t>();
  }
  // A row whose JSON was kept as text.
  void add_text(std::int64_t id, const std::string& session, const std::string& role,
                const std::string& content, Timestamp at, const std::string& meta) {
    add_common(id, session, role, content, at);
    meta_bytes += meta.size();
  }
  bool operator==(const Sums&) const = default;

 private:
  void add_common(std::int64_t id, const std::string& session, const std::string& role,
                  const std::string& content, Timestamp at) {
    ++rows;
    ids += id;
    micros += at.micros();
    text_bytes += session.size() + role.size() + content.size();
  }
};

// What one iteration of `select` reads (meta_bytes left 0: the JSON is parsed).
Sums expected_select() {
  Sums s;
  for (int k = 0; k < kStatements; ++k) {
    const int i = lookup_id(k);
    Message m{
        i,         session_of(i), role_of(i), content_of(i), Timestamp::from_micros(micros_of(i)),
        meta_of(i)};
    s.add(m);
  }
  return s;
}

// ---- per backend
// ----------------------------------------------------------------------------------

struct BackendState {
  Backend backend = Backend::sqlite;
  std::string url;                                // sqlcore's URL
  std::string raw_target;                         // the SQLite file's path, or the libpq URL
  mutable std::optional<sqlcore::Engine> engine;  // connect() is not const
  std::size_t meta_text_bytes = 0;  // what one iteration of select_jsontext reads as JSON text
};
std::map<Backend, BackendState> g_states;

// Raw connections, closed however a benchmark ends.
struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct PgCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using RawSqlite = std::unique_ptr<sqlite3, SqliteCloser>;
using RawPg = std::unique_ptr<PGconn, PgCloser>;

RawSqlite raw_sqlite(const BackendState& st) {
  return RawSqlite(bench::open_raw_sqlite(st.raw_target));
}
RawPg raw_pg(const BackendState& st) {
  return RawPg(bench::open_raw_pg(st.raw_target));
}
void sqlite_exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) bench::sqlite_fail(db, sql);
}

// ---- the statements
// -------------------------------------------------------------------------------

const char* kColumns = "id, session_id, role, content, created_at, meta";

// The INSERT of one row (text(): named binds; raw: the backend's positional placeholders), with
// an upsert's ON CONFLICT clause when `upsert`.
std::string insert_sql(const std::string& table, std::optional<Backend> raw, bool upsert = false) {
  static const char* kNames[] = {"id", "session_id", "role", "content", "created_at", "meta"};
  std::string sql = "INSERT INTO " + table + " (" + kColumns + ") VALUES (";
  for (int c = 0; c < 6; ++c) {
    if (c > 0) sql += ", ";
    sql += raw ? ph(*raw, c + 1) : std::string(":") + kNames[c];
  }
  sql += ")";
  if (upsert)
    sql += " ON CONFLICT (id) DO UPDATE SET content = excluded.content, meta = excluded.meta";
  return sql;
}
std::string select_sql(std::optional<Backend> raw) {
  return std::string("SELECT ") + kColumns +
         " FROM messages WHERE id = " + (raw ? ph(*raw, 1) : std::string(":id"));
}
// A raw multi-row INSERT of kMultiRow rows.
std::string multi_insert_sql(Backend b) {
  std::string sql = "INSERT INTO messages_many (" + std::string(kColumns) + ") VALUES ";
  int n = 0;
  for (int r = 0; r < kMultiRow; ++r) {
    sql += r > 0 ? ", (" : "(";
    for (int c = 0; c < 6; ++c) sql += (c > 0 ? ", " : "") + ph(b, ++n);
    sql += ")";
  }
  return sql;
}

sqlcore::Dml insert_expr(const Messages& t) {
  return sqlcore::insert(t).values({{t.id, bindparam("id")},
                                    {t.session_id, bindparam("session_id")},
                                    {t.role, bindparam("role")},
                                    {t.content, bindparam("content")},
                                    {t.created_at, bindparam("created_at")},
                                    {t.meta, bindparam("meta")}});
}
sqlcore::Dml upsert_expr() {
  const Messages& t = schema().upserted;
  return insert_expr(t).on_conflict({t.id}).do_update({t.content, t.meta});
}
sqlcore::Select select_expr() {
  const Messages& t = schema().messages;
  return sqlcore::select(t.id, t.session_id, t.role, t.content, t.created_at, t.meta)
      .where(t.id == bindparam("id"));
}

// The named parameters of one row, in the statement's bind order; set_row() assigns row i's
// values, as a hot loop keeps one Params and assigns (docs/engine.md, "Speed").
sqlcore::Params row_params() {
  return {{"id", 0},       {"session_id", ""},          {"role", ""},
          {"content", ""}, {"created_at", Timestamp()}, {"meta", Json::object()}};
}
void set_row(sqlcore::Params& p, int i) {
  p[0].second = i;
  p[1].second = session_of(i);
  p[2].second = role_of(i);
  p[3].second = content_of(i);
  p[4].second = Timestamp::from_micros(micros_of(i));
  p[5].second = sqlcore::Value(meta_of(i));
}

// ---- raw writes of one row ---------------------------------------------------------------------

// One prepared single-row INSERT (or upsert) on either backend: binds row i's values as text
// (the JSON dumped, the timestamp formatted) and runs it.
class RawWriter {
 public:
  RawWriter(Backend b, const BackendState& st, const std::string& sql) : b_(b) {
    if (b == Backend::sqlite) {
      db_ = raw_sqlite(st);
      stmt_ = std::make_unique<RawSqliteStmt>(db_.get(), sql);
    } else {
      pg_ = raw_pg(st);
      PgResult r(PQprepare(pg_.get(), "w", sql.c_str(), 6, nullptr));
      bench::pg_check(pg_.get(), r, PGRES_COMMAND_OK, sql);
    }
  }
  void begin() { exec(b_ == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN"); }
  void commit() { exec("COMMIT"); }
  void exec(const char* sql) {
    if (b_ == Backend::sqlite)
      sqlite_exec(db_.get(), sql);
    else
      bench::pg_exec(pg_.get(), sql);
  }
  void write(int i) {
    const std::string at = bench::format_ts(micros_of(i));
    const std::string meta = meta_of(i).dump();
    if (b_ == Backend::sqlite) {
      sqlite3* db = db_.get();
      sqlite3_stmt* st = stmt_->st;
      sqlite3_bind_int64(st, 1, i);
      bench::bind_text(db, st, 2, session_of(i));
      bench::bind_text(db, st, 3, role_of(i));
      bench::bind_text(db, st, 4, content_of(i));
      bench::bind_text(db, st, 5, at);
      bench::bind_text(db, st, 6, meta);
      if (sqlite3_step(st) != SQLITE_DONE) bench::sqlite_fail(db, "insert");
      sqlite3_reset(st);
    } else {
      char id[24];
      *std::to_chars(id, id + sizeof id - 1, i).ptr = '\0';
      const char* values[6] = {
          id,         session_of(i).c_str(), role_of(i).c_str(), content_of(i).c_str(),
          at.c_str(), meta.c_str()};
      PgResult r(PQexecPrepared(pg_.get(), "w", 6, values, nullptr, nullptr, 0));
      bench::pg_check(pg_.get(), r, PGRES_COMMAND_OK, "insert");
    }
  }

 private:
  Backend b_;
  RawSqlite db_;
  std::unique_ptr<RawSqliteStmt> stmt_;
  RawPg pg_;
};

// ---- resetting a table between iterations (untimed, the same for every side) ------------------

// Empties `table` (SQLite: DELETE and a WAL checkpoint, so every iteration starts from an empty
// WAL; PostgreSQL: TRUNCATE), then, for the upsert table, writes every other key below
// kStatements.
void reset_table(Backend b, const std::string& table, bool half_filled = false) {
  const BackendState& st = g_states.at(b);
  if (b == Backend::sqlite) {
    RawSqlite db = raw_sqlite(st);
    sqlite_exec(db.get(), ("DELETE FROM " + table).c_str());
  } else {
    RawPg pg = raw_pg(st);
    bench::pg_exec(pg.get(), ("TRUNCATE " + table).c_str());
  }
  if (half_filled) {
    RawWriter w(b, st, insert_sql(table, b));
    w.begin();
    for (int i = 0; i < kStatements; i += 2) w.write(i);
    w.commit();
  }
  if (b == Backend::sqlite) {
    RawSqlite db = raw_sqlite(st);
    sqlite_exec(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
  }
}

// ---- the workloads
// ---------------------------------------------------------------------------------

enum class Form { text, expr, raw };
const char* form_name(Form f) {
  return f == Form::text ? "text" : f == Form::expr ? "expr" : "raw";
}

// insert and upsert: kStatements single-row statements in one transaction.
void write_rows(benchmark::State& state, Backend b, Form f, bool upsert) {
  bench::guarded(state, [&] {
    const BackendState& st = g_states.at(b);
    const std::string table = upsert ? "messages_upsert" : "messages_insert";
    auto reset = [&] { reset_table(b, table, upsert); };
    if (f == Form::raw) {
      RawWriter w(b, st, insert_sql(table, b, upsert));
      reset();
      w.write(0);  // warm
      for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        w.begin();
        for (int i = 0; i < kStatements; ++i) w.write(i);
        w.commit();
      }
    } else {
      Connection conn = st.engine->connect();
      std::unique_ptr<sqlcore::Executable> stmt;
      if (f == Form::text)
        stmt = std::make_unique<sqlcore::TextClause>(insert_sql(table, std::nullopt, upsert));
      else
        stmt =
            std::make_unique<sqlcore::Dml>(upsert ? upsert_expr() : insert_expr(schema().inserted));
      sqlcore::Params p = row_params();
      reset();
      set_row(p, 0);
      conn.execute(*stmt, p);  // prepares (the connection's statement cache keeps it)
      for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        sqlcore::Transaction tx = conn.begin();
        for (int i = 0; i < kStatements; ++i) {
          set_row(p, i);
          conn.execute(*stmt, p);
        }
        tx.commit();
      }
    }
    state.SetItemsProcessed(state.iterations() * kStatements);
  });
}

// select / select_jsontext: kStatements primary-key lookups, every column read.
void select_rows(benchmark::State& state, Backend b, Form f, bool json_text) {
  bench::guarded(state, [&] {
    const BackendState& st = g_states.at(b);
    Sums expected = expected_select();
    if (json_text) {
      expected.tokens = 0;
      expected.meta_bytes = st.meta_text_bytes;
    }
    auto check = [&](const Sums& sums) {
      benchmark::DoNotOptimize(sums);
      if (sums == expected) return true;
      state.SkipWithError("read other values than were written");
      return false;
    };
    if (f == Form::raw && b == Backend::sqlite) {
      RawSqlite db = raw_sqlite(st);
      RawSqliteStmt q(db.get(), select_sql(b));
      auto lookup = [&](int id, Sums& sums) {
        sqlite3_stmt* s = q.st;
        sqlite3_bind_int64(s, 1, id);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
          const std::int64_t rid = sqlite3_column_int64(s, 0);
          std::string session = bench::sqlite_text(s, 1), role = bench::sqlite_text(s, 2),
                      content = bench::sqlite_text(s, 3);
          const Timestamp at = Timestamp::from_micros(bench::parse_ts(bench::sqlite_text(s, 4)));
          std::string meta = bench::sqlite_text(s, 5);
          if (json_text) {
            sums.add_text(rid, session, role, content, at, meta);
          } else {
            sums.add(Message{rid, std::move(session), std::move(role), std::move(content), at,
                             Json::parse(meta)});
          }
        }
        if (rc != SQLITE_DONE) bench::sqlite_fail(db.get(), "select");
        sqlite3_reset(s);
      };
      Sums warm;
      lookup(0, warm);
      for (auto _ : state) {
        Sums sums;
        for (int k = 0; k < kStatements; ++k) lookup(lookup_id(k), sums);
        if (!check(sums)) break;
      }
    } else if (f == Form::raw) {
      RawPg pg = raw_pg(st);
      {
        PgResult r(PQprepare(pg.get(), "sel", select_sql(b).c_str(), 1, nullptr));
        bench::pg_check(pg.get(), r, PGRES_COMMAND_OK, "prepare");
      }
      auto lookup = [&](int id, Sums& sums) {
        char buf[24];
        *std::to_chars(buf, buf + sizeof buf - 1, id).ptr = '\0';
        const char* values[1] = {buf};
        PgResult r(PQexecPrepared(pg.get(), "sel", 1, values, nullptr, nullptr, 0));
        bench::pg_check(pg.get(), r, PGRES_TUPLES_OK, "select");
        for (int row = 0; row < PQntuples(r.res); ++row) {
          const std::int64_t rid = bench::pg_int(r.res, row, 0);
          std::string session = bench::pg_text(r.res, row, 1), role = bench::pg_text(r.res, row, 2),
                      content = bench::pg_text(r.res, row, 3);
          const Timestamp at = Timestamp::from_micros(bench::parse_ts(std::string_view(
              PQgetvalue(r.res, row, 4), static_cast<std::size_t>(PQgetlength(r.res, row, 4)))));
          std::string meta = bench::pg_text(r.res, row, 5);
          if (json_text) {
            sums.add_text(rid, session, role, content, at, meta);
          } else {
            sums.add(Message{rid, std::move(session), std::move(role), std::move(content), at,
                             Json::parse(meta)});
          }
        }
      };
      Sums warm;
      lookup(0, warm);
      for (auto _ : state) {
        Sums sums;
        for (int k = 0; k < kStatements; ++k) lookup(lookup_id(k), sums);
        if (!check(sums)) break;
      }
    } else {
      Connection conn = st.engine->connect();
      const Messages& t = schema().messages;
      std::unique_ptr<sqlcore::Executable> stmt;
      if (f == Form::text)
        stmt = std::make_unique<sqlcore::TextClause>(select_sql(std::nullopt));
      else
        stmt = std::make_unique<sqlcore::Select>(select_expr());
      sqlcore::Params p = {{"id", 0}};
      auto lookup = [&](int id, Sums& sums) {
        p[0].second = id;
        for (const Row& row : conn.execute(*stmt, p)) {
          if (json_text) {
            sums.add_text(row.get<std::int64_t>("id"), row.get<std::string>("session_id"),
                          row.get<std::string>("role"), row.get<std::string>("content"),
                          row.get<Timestamp>("created_at"), row.get<std::string>("meta"));
          } else if (f == Form::text) {
            sums.add(Message{row.get<std::int64_t>("id"), row.get<std::string>("session_id"),
                             row.get<std::string>("role"), row.get<std::string>("content"),
                             row.get<Timestamp>("created_at"), row.get<Json>("meta")});
          } else {
            sums.add(Message{row.get(t.id), row.get(t.session_id), row.get(t.role),
                             row.get(t.content), row.get(t.created_at), row.get(t.meta)});
          }
        }
      };
      Sums warm;
      lookup(0, warm);
      for (auto _ : state) {
        Sums sums;
        for (int k = 0; k < kStatements; ++k) lookup(lookup_id(k), sums);
        if (!check(sums)) break;
      }
    }
    state.SetItemsProcessed(state.iterations() * kStatements);
  });
}

// execute_many: kManyRows rows. sqlcore's input is the rows' Params, the raw side's the same data
// with each row's Json document built: both built once, before any timing.
const std::vector<sqlcore::Params>& many_params() {
  static const std::vector<sqlcore::Params> kRows = [] {
    std::vector<sqlcore::Params> v;
    v.reserve(kManyRows);
    for (int i = 0; i < kManyRows; ++i) {
      sqlcore::Params p = row_params();
      set_row(p, i);
      v.push_back(std::move(p));
    }
    return v;
  }();
  return kRows;
}
const std::vector<Json>& many_metas() {
  static const std::vector<Json> kMetas = [] {
    std::vector<Json> v;
    v.reserve(kManyRows);
    for (int i = 0; i < kManyRows; ++i) v.push_back(meta_of(i));
    return v;
  }();
  return kMetas;
}

// The raw side: one transaction of kManyRows / kMultiRow executions of one prepared multi-row
// INSERT, each row's JSON dumped and timestamp formatted as it is bound.
void raw_many(Backend b, sqlite3* db, sqlite3_stmt* st, PGconn* pg) {
  const std::vector<Json>& metas = many_metas();
  std::vector<std::string> ats(kMultiRow), dumps(kMultiRow);
  if (b == Backend::sqlite) {
    sqlite_exec(db, "BEGIN IMMEDIATE");
    for (int start = 0; start < kManyRows; start += kMultiRow) {
      for (int r = 0; r < kMultiRow; ++r) {
        const int i = start + r;
        const auto k = static_cast<std::size_t>(r);
        ats[k] = bench::format_ts(micros_of(i));
        dumps[k] = metas[static_cast<std::size_t>(i)].dump();
        const int base = r * 6;
        sqlite3_bind_int64(st, base + 1, i);
        bench::bind_text(db, st, base + 2, session_of(i));
        bench::bind_text(db, st, base + 3, role_of(i));
        bench::bind_text(db, st, base + 4, content_of(i));
        bench::bind_text(db, st, base + 5, ats[k]);
        bench::bind_text(db, st, base + 6, dumps[k]);
      }
      if (sqlite3_step(st) != SQLITE_DONE) bench::sqlite_fail(db, "multi-row insert");
      sqlite3_reset(st);
    }
    sqlite_exec(db, "COMMIT");
  } else {
    std::vector<const char*> values(static_cast<std::size_t>(kMultiRow) * 6);
    std::vector<std::array<char, 24>> ids(kMultiRow);
    bench::pg_exec(pg, "BEGIN");
    for (int start = 0; start < kManyRows; start += kMultiRow) {
      for (int r = 0; r < kMultiRow; ++r) {
        const int i = start + r;
        const auto k = static_cast<std::size_t>(r);
        ats[k] = bench::format_ts(micros_of(i));
        dumps[k] = metas[static_cast<std::size_t>(i)].dump();
        *std::to_chars(ids[k].data(), ids[k].data() + 23, i).ptr = '\0';
        const std::size_t base = k * 6;
        values[base] = ids[k].data();
        values[base + 1] = session_of(i).c_str();
        values[base + 2] = role_of(i).c_str();
        values[base + 3] = content_of(i).c_str();
        values[base + 4] = ats[k].c_str();
        values[base + 5] = dumps[k].c_str();
      }
      PgResult r(PQexecPrepared(pg, "many", kMultiRow * 6, values.data(), nullptr, nullptr, 0));
      bench::pg_check(pg, r, PGRES_COMMAND_OK, "multi-row insert");
    }
    bench::pg_exec(pg, "COMMIT");
  }
}

void execute_many(benchmark::State& state, Backend b, Form f) {
  bench::guarded(state, [&] {
    const BackendState& st = g_states.at(b);
    auto reset = [&] { reset_table(b, "messages_many"); };
    auto count_rows = [&] {
      Connection c = st.engine->connect();
      return c.execute(sqlcore::text("SELECT count(*) AS n FROM messages_many"))
          .scalar<std::int64_t>();
    };
    bool wrong = false;
    if (f == Form::raw) {
      (void)many_metas();
      RawSqlite db;
      std::unique_ptr<RawSqliteStmt> stmt;
      RawPg pg;
      if (b == Backend::sqlite) {
        db = raw_sqlite(st);
        stmt = std::make_unique<RawSqliteStmt>(db.get(), multi_insert_sql(b));
      } else {
        pg = raw_pg(st);
        PgResult r(
            PQprepare(pg.get(), "many", multi_insert_sql(b).c_str(), kMultiRow * 6, nullptr));
        bench::pg_check(pg.get(), r, PGRES_COMMAND_OK, "prepare");
      }
      for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        raw_many(b, db.get(), stmt ? stmt->st : nullptr, pg.get());
        state.PauseTiming();
        wrong = count_rows() != kManyRows;
        state.ResumeTiming();
        if (wrong) break;
      }
    } else {
      Connection conn = st.engine->connect();
      const auto stmt = sqlcore::text(insert_sql("messages_many", std::nullopt));
      const std::vector<sqlcore::Params>& rows = many_params();
      for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        const std::int64_t n = conn.execute_many(stmt, rows);
        state.PauseTiming();
        wrong = n != kManyRows || count_rows() != kManyRows;
        state.ResumeTiming();
        if (wrong) break;
      }
    }
    if (wrong) state.SkipWithError("another number of rows was written");
    state.SetItemsProcessed(state.iterations() * kManyRows);
  });
}

// ---- set-up -------------------------------------------------------------------------------------

void set_up(Backend b, std::string url) {
  BackendState& st = g_states[b];
  st.backend = b;
  st.url = url;
  st.raw_target = b == Backend::sqlite ? url.substr(std::string_view("sqlite:///").size()) : url;
  st.engine = sqlcore::create_engine(url);
  schema().md.create_all(*st.engine);
  // The rows the selects read, written by the raw side (the same text either side writes).
  {
    RawWriter w(b, st, insert_sql("messages", b));
    w.begin();
    for (int i = 0; i < kTableRows; ++i) w.write(i);
    w.commit();
    w.exec(b == Backend::sqlite ? "PRAGMA wal_checkpoint(TRUNCATE)" : "VACUUM ANALYZE");
  }
  // The JSON text one iteration of select_jsontext reads, as the server gives it back (PostgreSQL's
  // JSONB has its own spacing and key order).
  Connection c = st.engine->connect();
  for (int k = 0; k < kStatements; ++k) {
    const auto stmt = sqlcore::text(
        b == Backend::sqlite ? "SELECT length(CAST(meta AS BLOB)) FROM messages WHERE id = :id"
                             : "SELECT octet_length(meta::text) FROM messages WHERE id = :id");
    st.meta_text_bytes +=
        static_cast<std::size_t>(c.execute(stmt, {{"id", lookup_id(k)}}).scalar<std::int64_t>());
  }
  (void)many_params();  // built before any timing
}

// ---- registration and the table
// -------------------------------------------------------------------

struct Workload {
  const char* name;
  const char* description;
  std::vector<Form> forms;
  std::function<void(benchmark::State&, Backend, Form)> run;
  int iterations_sqlite, iterations_pg;
  double target_sqlite, target_pg;
};

const std::vector<Workload>& workloads() {
  static const std::vector<Workload> kAll = {
      {"insert",
       "1,000 single-row INSERTs in one transaction",
       {Form::text, Form::expr, Form::raw},
       [](benchmark::State& s, Backend b, Form f) { write_rows(s, b, f, false); },
       20,
       4,
       1.10,
       1.05},
      {"select",
       "1,000 primary-key SELECTs, every column read as its type",
       {Form::text, Form::expr, Form::raw},
       [](benchmark::State& s, Backend b, Form f) { select_rows(s, b, f, false); },
       20,
       4,
       1.10,
       1.05},
      {"select_jsontext",
       "the same through text(), meta read as its JSON text",
       {Form::text, Form::raw},
       [](benchmark::State& s, Backend b, Form f) { select_rows(s, b, f, true); },
       20,
       4,
       1.10,
       1.05},
      {"upsert",
       "1,000 upserts in one transaction, half of the keys new",
       {Form::text, Form::expr, Form::raw},
       [](benchmark::State& s, Backend b, Form f) { write_rows(s, b, f, true); },
       20,
       4,
       1.10,
       1.05},
      {"execute_many",
       "100,000 rows: execute_many(text INSERT) vs raw 100-row VALUES",
       {Form::text, Form::raw},
       execute_many,
       1,
       1,
       1.00,
       1.00},
  };
  return kAll;
}

std::string bench_name(const Workload& w, Backend b, Form f) {
  return std::string(w.name) + "/" + backend_name(b) + "/" + form_name(f);
}

void register_benchmarks(Backend b) {
  for (const Workload& w : workloads()) {
    for (Form f : w.forms) {
      auto run = w.run;
      auto* bm = benchmark::RegisterBenchmark(bench_name(w, b, f).c_str(),
                                              [run, b, f](benchmark::State& s) { run(s, b, f); });
      bm->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(b == Backend::sqlite ? w.iterations_sqlite : w.iterations_pg);
      bench::with_spread(bm);
    }
  }
}

// Microseconds per statement (per row for execute_many) from a rate: "12.3 [12.1-12.9]".
std::string per_item(const RecordingReporter& rep, const std::string& name) {
  const auto med = rep.figures_of(name, 1);
  if (!med || med->ops <= 0) return "-";
  std::string out = bench::fmt("%.2f", 1e6 / med->ops);
  if (const auto spread = rep.spread_of(name, 1); spread && spread->first.ops > 0)
    out += " [" + bench::fmt("%.2f", 1e6 / spread->second.ops) + "-" +
           bench::fmt("%.2f", 1e6 / spread->first.ops) + "]";
  return out;
}

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  std::printf(
      "\nmessages_bench: sqlcore against the raw C API, same work in the same run.\n"
      "Microseconds per statement (execute_many: per row), median repetition [fastest-slowest];\n"
      "ratio = sqlcore / raw of the medians; target from issue 17 (reported, never asserted).\n");
  for (const Workload& w : workloads()) std::printf("  %-16s %s\n", w.name, w.description);
  std::printf("\n%-16s %-11s %-5s %24s %24s %7s  %s\n", "workload", "backend", "form", "sqlcore us",
              "raw us", "ratio", "target");
  for (const Workload& w : workloads()) {
    for (Backend b : backends) {
      const std::string raw_name = bench_name(w, b, Form::raw);
      const auto raw = rep.figures_of(raw_name, 1);
      for (Form f : w.forms) {
        if (f == Form::raw) continue;
        const std::string name = bench_name(w, b, f);
        const auto ours = rep.figures_of(name, 1);
        // Rates: sqlcore's time over raw's is raw's rate over sqlcore's.
        const std::string ratio =
            ours && raw && ours->ops > 0 ? bench::fmt("%.3f", raw->ops / ours->ops) : "-";
        const double target = b == Backend::sqlite ? w.target_sqlite : w.target_pg;
        std::string verdict = "<= " + bench::fmt("%.2f", target);
        if (ours && raw && ours->ops > 0)
          verdict += raw->ops / ours->ops <= target ? " met" : " MISSED";
        std::printf("%-16s %-11s %-5s %24s %24s %7s  %s\n", w.name, backend_name(b), form_name(f),
                    per_item(rep, name).c_str(), per_item(rep, raw_name).c_str(), ratio.c_str(),
                    verdict.c_str());
      }
    }
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run_program({.name = "messages_bench",
                             .pg_database = kPgDatabase,
                             .repetitions = kDefaultRepetitions,
                             .set_up = set_up,
                             .register_benchmarks = register_benchmarks,
                             .summary = print_table,
                             .tear_down = [] { g_states.clear(); }},
                            argc, argv);
}
