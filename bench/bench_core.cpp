// sqlcore_bench: sqlcore against the raw C APIs (sqlite3, libpq) doing the same work in the same
// run, on a SQLite file and on PostgreSQL. Prints Google Benchmark's console output, then a table
// of the median times and the ratio sqlcore/raw per workload and backend.
//
// Workloads (each a benchmark family "<workload>/<backend>/<side>", side = sqlcore | raw):
//   W1_insert_txn         10,000 single-row INSERTs in one transaction (one prepared statement)
//   W2_select_pk          10,000 primary-key SELECTs of a 10,000-row table, every column read
//                         into C++ values (std::string for text)
//   W6_insert_autocommit  1,000 single-row INSERTs, each its own (autocommit) transaction
// The same through the expression language (statements built once, executed with bindparams):
//   W1e_insert_expr       W1 with insert(t).values({{t.id, bindparam("id")}, ...})
//   W2e_select_expr       W2 with select(t.id, ...).where(t.id == bindparam("id")), rows read
//                         through the column types
//   W3_upsert             1,000 upserts (insert ... on_conflict(k).do_update(v)) in one
//                         transaction over a table that holds half of the keys
//   W4_executemany        100,000 rows: sqlcore execute_many() against the raw one-statement-per-
//                         row loop in a transaction (target: sqlcore no slower)
//   W4t_executemany_text  100,000 rows: execute_many() of a text() INSERT against the raw loop of
//                         a prepared 100-row INSERT ... VALUES in a transaction (target: no slower)
// Named binds given in another order than the statement's (the Params reversed):
//   W1o_insert_any_order  W1 (text()) with the Params reversed
//   W1eo_expr_any_order  W1e with the Params reversed
//   W5_group_by           GROUP BY over 100,000 rows into 100 groups (count, sum), every group read
// The cost of engine events (docs/engine.md, "Events and the statement log"): compare with W1/W2
//   W1h_empty_hook / W2h  W1 / W2 with an empty listener on every event kind
//   W1l_log_devnull / W2l W1 / W2 on an engine with echo on, its log written to /dev/null
// Pooled sessions (docs/engine.md, "Clean pooled sessions"), against the raw side running the
// same statement on one connection it keeps:
//   W7_checkout           1,000 x (connect(), SELECT 1, back to the pool): the default
//                         session_reset, nothing to reset
//   W7r_checkout_reset    the same with session_reset=always: every checkin resets the session
//                         (PostgreSQL: DISCARD ALL; SQLite: the connection is replaced)
//
// Fairness:
//   - The table written by W1/W6 is emptied before every iteration with the timer paused (SQLite:
//     DELETE + a WAL checkpoint, so every iteration starts from an empty WAL; PostgreSQL:
//     TRUNCATE), on the connection that then does the work. Only the inserts (and BEGIN/COMMIT)
//     are timed.
//   - Both sides prepare their statement before the timed loop: raw prepares explicitly, sqlcore
//     runs its statement once (its statement cache then holds it), so no side pays a prepare in
//     the timed region.
//   - The raw SQLite connection is opened with the settings sqlcore's SQLite driver applies
//     (extended result codes, busy_timeout 5 s, foreign_keys=ON, journal_mode=WAL,
//     synchronous=NORMAL); BEGIN IMMEDIATE as sqlcore's SQLite dialect does. The raw libpq
//     connection uses PQconnectdb with the same URL.
//   - Every benchmark is repeated (default 15 repetitions) with random interleaving, so the sides
//     and backends alternate through the run and machine noise hits both; the table uses the
//     median repetition. Override with the usual flags, e.g. --benchmark_repetitions=9.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (PostgreSQL URL; without it only SQLite runs, with a
// note on stderr), SQLCORE_TEST_BACKENDS (as for the tests, e.g. "sqlite"; default: all).
// The ratio targets (W1, W2: sqlcore/raw <= 1.15) are reported, never asserted: the exit status
// says only whether the benchmarks ran.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <sqlcore/sqlcore.hpp>

#include "bench_common.hpp"

namespace {

using sqlcore::Connection;
using sqlcore::Engine;
using sqlcore::Row;
using sqlcore::text;

constexpr int kW1Rows = 10'000;
constexpr int kW2Rows = 10'000;  // rows in the table W2 reads
constexpr int kW2Lookups = 10'000;
constexpr int kW6Rows = 1'000;
constexpr int kW3Keys = 1'000;  // upserted per iteration; half of them exist beforehand
constexpr int kW4Rows = 100'000;
constexpr int kW5Rows = 100'000;
constexpr int kW5Groups = 100;
constexpr int kW7Checkouts = 1'000;
constexpr int kDefaultRepetitions = 15;

// ---- data -----------------------------------------------------------------------------------

// The rows every workload writes or reads: the same values on both sides.
const std::vector<std::string>& names() {
  static const std::vector<std::string> kNames = [] {
    const int n = std::max(kW1Rows, kW2Rows);
    std::vector<std::string> v;
    v.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v.push_back("user-" + std::to_string(i));
    return v;
  }();
  return kNames;
}
double score_of(int i) {
  return i * 0.5 + 0.25;
}
bool flag_of(int i) {
  return i % 3 == 0;
}
// W2 looks rows up in a scattered but fixed order (7919 is prime, so this is a permutation).
int w2_id(int i) {
  return static_cast<int>((static_cast<std::int64_t>(i) * 7919) % kW2Rows);
}

// What a W2 pass read; compared with the expected sums so that neither side can skip work.
struct ReadSums {
  std::int64_t rows = 0, ids = 0, flags = 0;
  std::size_t name_bytes = 0;
  double scores = 0;
  void add(std::int64_t id, const std::string& name, double score, bool flag) {
    ++rows;
    ids += id;
    flags += flag ? 1 : 0;
    name_bytes += name.size();
    scores += score;
  }
  bool operator==(const ReadSums&) const = default;
};
ReadSums expected_w2_sums() {
  ReadSums s;
  for (int i = 0; i < kW2Lookups; ++i) {
    int id = w2_id(i);
    s.add(id, names()[static_cast<std::size_t>(id)], score_of(id), flag_of(id));
  }
  return s;
}

// ---- backends -------------------------------------------------------------------------------

enum class Backend { sqlite, postgresql };
const char* backend_name(Backend b) {
  return b == Backend::sqlite ? "sqlite" : "postgresql";
}

struct Config {
  std::filesystem::path sqlite_dir;  // temp dir holding the SQLite file
  std::string sqlite_path;
  std::string pg_url;
  std::optional<Engine> sqlite_engine, pg_engine;
  // The same databases through engines with echo on, logging to /dev/null (made when needed).
  std::optional<Engine> sqlite_logged, pg_logged;
  // The same databases through engines with session_reset=always (made when needed).
  std::optional<Engine> sqlite_resetting, pg_resetting;
  std::FILE* devnull = nullptr;
  Engine& engine(Backend b) { return b == Backend::sqlite ? *sqlite_engine : *pg_engine; }
  Engine& logged(Backend b) {
    std::optional<Engine>& e = b == Backend::sqlite ? sqlite_logged : pg_logged;
    if (!e) {
      if (devnull == nullptr) devnull = std::fopen("/dev/null", "w");
      e = sqlcore::create_engine(engine(b).url(),
                                 {.echo = true, .logger = sqlcore::stream_logger(devnull)});
    }
    return *e;
  }
  Engine& resetting(Backend b) {
    std::optional<Engine>& e = b == Backend::sqlite ? sqlite_resetting : pg_resetting;
    if (!e)
      e = sqlcore::create_engine(engine(b).url(), {.session_reset = sqlcore::SessionReset::always});
    return *e;
  }
};
Config g_config;

// What listens to the engine while a workload runs.
enum class Hooks { none, empty, log };

// The engine a workload with `hooks` uses; with Hooks::empty, an empty listener on every kind
// until the returned guard goes.
struct HookScope {
  Engine& engine;
  sqlcore::ListenerId id = 0;
  HookScope(Backend b, Hooks hooks)
      : engine(hooks == Hooks::log ? g_config.logged(b) : g_config.engine(b)) {
    using K = sqlcore::EventKind;
    if (hooks == Hooks::empty)
      id = engine.listen({K::connect, K::checkout, K::checkin, K::before_execute, K::after_execute,
                          K::commit, K::rollback, K::error},
                         [](const sqlcore::Event&) {});
  }
  HookScope(const HookScope&) = delete;
  HookScope& operator=(const HookScope&) = delete;
  ~HookScope() {
    if (id != 0) engine.unlisten(id);
  }
};

const char* kCreateSqlite[] = {
    "CREATE TABLE sqlcore_bench_w1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w2 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w6 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w4 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w5 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_kv (k INTEGER PRIMARY KEY, v BIGINT NOT NULL)",
};
const char* kCreatePostgres[] = {
    "CREATE TABLE sqlcore_bench_w1 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w2 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w6 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w4 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w5 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_kv (k BIGINT PRIMARY KEY, v BIGINT NOT NULL)",
};
const char* kTables[] = {"sqlcore_bench_w1", "sqlcore_bench_w2", "sqlcore_bench_w6",
                         "sqlcore_bench_w4", "sqlcore_bench_w5", "sqlcore_bench_kv"};
const char* kDropAll =
    "DROP TABLE IF EXISTS sqlcore_bench_w1, sqlcore_bench_w2, sqlcore_bench_w6, sqlcore_bench_w4, "
    "sqlcore_bench_w5, sqlcore_bench_kv";

// The same tables as sqlcore metadata, for the expression-language workloads.
struct BenchTable : sqlcore::Table {
  BenchTable(sqlcore::MetaData& m, const char* table) : Table(m, table) {}
  sqlcore::Col<std::int64_t> id =
      column("id", sqlcore::types::BigInteger).primary_key().autoincrement(false);
  sqlcore::Col<std::string> name = column("name", sqlcore::types::Text);
  sqlcore::Col<double> score = column("score", sqlcore::types::Double);
  sqlcore::Col<bool> flag = column("flag", sqlcore::types::Boolean);
};
struct KvTable : sqlcore::Table {
  explicit KvTable(sqlcore::MetaData& m) : Table(m, "sqlcore_bench_kv") {}
  sqlcore::Col<std::int64_t> k =
      column("k", sqlcore::types::BigInteger).primary_key().autoincrement(false);
  sqlcore::Col<std::int64_t> v = column("v", sqlcore::types::BigInteger);
};
struct BenchSchema {
  sqlcore::MetaData md;
  BenchTable w1{md, "sqlcore_bench_w1"};
  BenchTable w2{md, "sqlcore_bench_w2"};
  BenchTable w4{md, "sqlcore_bench_w4"};
  BenchTable w5{md, "sqlcore_bench_w5"};
  KvTable kv{md};
};
const BenchSchema& bench_schema() {
  static const BenchSchema kSchema;
  return kSchema;
}
sqlcore::Dml insert_expr(const BenchTable& t) {
  using sqlcore::bindparam;
  return sqlcore::insert(t).values({{t.id, bindparam("id")},
                                    {t.name, bindparam("name")},
                                    {t.score, bindparam("score")},
                                    {t.flag, bindparam("flag")}});
}
sqlcore::Dml upsert_expr() {
  const KvTable& kv = bench_schema().kv;
  return sqlcore::insert(kv)
      .values({{kv.k, sqlcore::bindparam("k")}, {kv.v, sqlcore::bindparam("v")}})
      .on_conflict({kv.k})
      .do_update({kv.v});
}
sqlcore::Select group_by_expr() {
  const BenchTable& t = bench_schema().w5;
  return sqlcore::select(t.name, sqlcore::count().label("n"), sqlcore::sum(t.score).label("total"))
      .group_by({t.name})
      .order_by({t.name});
}
const sqlcore::Dialect& dialect_of(Backend b);

// The statement each side runs, in each side's placeholder style.
std::string insert_sql(std::string_view table, Backend b, bool named) {
  std::string placeholders = named                  ? "(:id, :name, :score, :flag)"
                             : b == Backend::sqlite ? "(?1, ?2, ?3, ?4)"
                                                    : "($1, $2, $3, $4)";
  return "INSERT INTO " + std::string(table) + " (id, name, score, flag) VALUES " + placeholders;
}
std::string select_sql(Backend b, bool named) {
  std::string p = named ? ":id" : b == Backend::sqlite ? "?1" : "$1";
  return "SELECT id, name, score, flag FROM sqlcore_bench_w2 WHERE id = " + p;
}

// ---- raw SQLite -----------------------------------------------------------------------------

[[noreturn]] void sqlite_fail(sqlite3* db, std::string_view what) {
  throw std::runtime_error("sqlite3: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

struct RawSqlite {
  sqlite3* db = nullptr;
  RawSqlite() {
    // As sqlcore's SQLite driver opens a file database (sqlite_driver.cpp, SqliteDriver::connect).
    int rc =
        sqlite3_open_v2(g_config.sqlite_path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close_v2(db);
      throw std::runtime_error("sqlite3_open_v2: " + msg);
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
  }
  ~RawSqlite() { sqlite3_close_v2(db); }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;

  void exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) sqlite_fail(db, sql);
  }
};

struct RawSqliteStmt {
  sqlite3_stmt* st = nullptr;
  RawSqliteStmt(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()) + 1,
                           SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK)
      sqlite_fail(db, sql);
  }
  ~RawSqliteStmt() { sqlite3_finalize(st); }
  RawSqliteStmt(const RawSqliteStmt&) = delete;
  RawSqliteStmt& operator=(const RawSqliteStmt&) = delete;
};

// Binds row `i` and runs the insert once.
// The name of row `i` (W4 writes more rows than there are names: they repeat).
const std::string& name_of(int i) {
  return names()[static_cast<std::size_t>(i) % names().size()];
}

void sqlite_insert_row(sqlite3* db, sqlite3_stmt* st, int i) {
  const std::string& name = name_of(i);
  sqlite3_bind_int64(st, 1, i);
  sqlite3_bind_text(st, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
  sqlite3_bind_double(st, 3, score_of(i));
  sqlite3_bind_int(st, 4, flag_of(i) ? 1 : 0);
  if (sqlite3_step(st) != SQLITE_DONE) sqlite_fail(db, "insert");
  sqlite3_reset(st);
}

// ---- raw libpq ------------------------------------------------------------------------------

struct RawPg {
  PGconn* conn = nullptr;
  RawPg() {
    conn = PQconnectdb(g_config.pg_url.c_str());
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      std::string msg = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
      PQfinish(conn);
      throw std::runtime_error("PQconnectdb: " + msg);
    }
  }
  ~RawPg() { PQfinish(conn); }
  RawPg(const RawPg&) = delete;
  RawPg& operator=(const RawPg&) = delete;

  // Throws unless `res` has status `want`; clears it.
  void check(PGresult* res, ExecStatusType want, std::string_view what) {
    if (res != nullptr && PQresultStatus(res) == want) {
      PQclear(res);
      return;
    }
    std::string msg = PQerrorMessage(conn);
    PQclear(res);
    throw std::runtime_error("libpq: " + std::string(what) + ": " + msg);
  }
  void exec(const char* sql) { check(PQexec(conn, sql), PGRES_COMMAND_OK, sql); }
  void prepare(const char* name, const std::string& sql, int nparams) {
    check(PQprepare(conn, name, sql.c_str(), nparams, nullptr), PGRES_COMMAND_OK, sql);
  }
};

// Text parameters of row `i`, as a libpq program builds them.
struct PgRowParams {
  char id[24];
  char score[32];
  const char* values[4];
  void fill(int i) {
    *std::to_chars(id, id + sizeof id - 1, i).ptr = '\0';
    *std::to_chars(score, score + sizeof score - 1, score_of(i)).ptr = '\0';
    values[0] = id;
    values[1] = name_of(i).c_str();
    values[2] = score;
    values[3] = flag_of(i) ? "t" : "f";
  }
};

void pg_insert_row(RawPg& pg, const char* stmt_name, int i) {
  PgRowParams p;
  p.fill(i);
  pg.check(PQexecPrepared(pg.conn, stmt_name, 4, p.values, nullptr, nullptr, 0), PGRES_COMMAND_OK,
           "insert");
}

// ---- setup shared by the workloads ----------------------------------------------------------

// Empties `table` on a sqlcore connection (timer paused by the caller).
void clear_sqlcore(Connection& conn, Backend b, const std::string& table) {
  if (b == Backend::sqlite) {
    conn.execute(text("DELETE FROM " + table));
    conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"));
  } else {
    conn.execute(text("TRUNCATE " + table));
  }
}
void clear_raw_sqlite(RawSqlite& db, const std::string& table) {
  db.exec(("DELETE FROM " + table).c_str());
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}
void clear_raw_pg(RawPg& pg, const std::string& table) {
  pg.exec(("TRUNCATE " + table).c_str());
}

sqlcore::Params row_params(int i) {
  return {{"id", i}, {"name", name_of(i)}, {"score", score_of(i)}, {"flag", flag_of(i)}};
}

// A hot loop keeps one Params and assigns new values, as the raw side keeps one statement and
// rebinds: the names are built once, the values are set per row.
void set_row_params(sqlcore::Params& p, int i) {
  p[0].second = i;
  p[1].second = name_of(i);
  p[2].second = score_of(i);
  p[3].second = flag_of(i);
}

// The same with the entries in reverse order (flag, score, name, id): not the statement's.
sqlcore::Params row_params_reversed(int i) {
  sqlcore::Params p = row_params(i);
  std::reverse(p.begin(), p.end());
  return p;
}
void set_row_params_reversed(sqlcore::Params& p, int i) {
  p[3].second = i;
  p[2].second = name_of(i);
  p[1].second = score_of(i);
  p[0].second = flag_of(i);
}

using bench::guarded;

// ---- W1 / W6: single-row INSERTs, in one transaction (W1) or each autocommitted (W6) -------

void insert_sqlcore(benchmark::State& state, Backend b, const std::string& table, int rows,
                    bool one_tx, bool expression = false, bool reversed = false,
                    Hooks hooks = Hooks::none) {
  auto params_of = reversed ? row_params_reversed : row_params;
  auto set_params = reversed ? set_row_params_reversed : set_row_params;
  guarded(state, [&] {
    HookScope scope(b, hooks);
    Connection conn = scope.engine.connect();
    std::unique_ptr<sqlcore::Executable> stmt;
    if (expression)
      stmt = std::make_unique<sqlcore::Dml>(insert_expr(bench_schema().w1));
    else
      stmt = std::make_unique<sqlcore::TextClause>(insert_sql(table, b, /*named=*/true));
    const sqlcore::Executable& insert = *stmt;
    clear_sqlcore(conn, b, table);
    conn.execute(insert, params_of(0));  // prepares (sqlcore caches it); cleared below
    for (auto _ : state) {
      state.PauseTiming();
      clear_sqlcore(conn, b, table);
      state.ResumeTiming();
      sqlcore::Params params = params_of(0);
      if (one_tx) {
        sqlcore::Transaction tx = conn.begin();
        for (int i = 0; i < rows; ++i) {
          set_params(params, i);
          conn.execute(insert, params);
        }
        tx.commit();
      } else {
        for (int i = 0; i < rows; ++i) {
          set_params(params, i);
          conn.execute(insert, params);
        }
      }
    }
    state.SetItemsProcessed(state.iterations() * rows);
  });
}

void insert_raw(benchmark::State& state, Backend b, const std::string& table, int rows,
                bool one_tx) {
  guarded(state, [&] {
    if (b == Backend::sqlite) {
      RawSqlite db;
      RawSqliteStmt ins(db.db, insert_sql(table, b, /*named=*/false));
      clear_raw_sqlite(db, table);
      sqlite_insert_row(db.db, ins.st, 0);
      for (auto _ : state) {
        state.PauseTiming();
        clear_raw_sqlite(db, table);
        state.ResumeTiming();
        if (one_tx) db.exec("BEGIN IMMEDIATE");  // as sqlcore's SQLite dialect begins
        for (int i = 0; i < rows; ++i) sqlite_insert_row(db.db, ins.st, i);
        if (one_tx) db.exec("COMMIT");
      }
    } else {
      RawPg pg;
      pg.prepare("ins", insert_sql(table, b, /*named=*/false), 4);
      clear_raw_pg(pg, table);
      pg_insert_row(pg, "ins", 0);
      for (auto _ : state) {
        state.PauseTiming();
        clear_raw_pg(pg, table);
        state.ResumeTiming();
        if (one_tx) pg.exec("BEGIN");
        for (int i = 0; i < rows; ++i) pg_insert_row(pg, "ins", i);
        if (one_tx) pg.exec("COMMIT");
      }
    }
    state.SetItemsProcessed(state.iterations() * rows);
  });
}

// ---- W7: checkouts, one statement each ------------------------------------------------------

void checkout_sqlcore(benchmark::State& state, Backend b, bool reset_always) {
  guarded(state, [&] {
    Engine& engine = reset_always ? g_config.resetting(b) : g_config.engine(b);
    const sqlcore::TextClause q = text("SELECT 1");
    engine.connect().execute(q).all();
    for (auto _ : state) {
      std::int64_t sum = 0;
      for (int i = 0; i < kW7Checkouts; ++i) {
        Connection conn = engine.connect();
        for (const Row& row : conn.execute(q)) sum += row.get<std::int64_t>(0);
      }
      if (sum != kW7Checkouts) {
        state.SkipWithError("sqlcore W7 read other values than expected");
        break;
      }
    }
    state.SetItemsProcessed(state.iterations() * kW7Checkouts);
  });
}

void checkout_raw(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    std::int64_t sum = 0;
    if (b == Backend::sqlite) {
      RawSqlite db;
      RawSqliteStmt q(db.db, "SELECT 1");
      for (auto _ : state) {
        for (int i = 0; i < kW7Checkouts; ++i) {
          if (sqlite3_step(q.st) != SQLITE_ROW) sqlite_fail(db.db, "SELECT 1");
          sum += sqlite3_column_int64(q.st, 0);
          sqlite3_reset(q.st);
        }
      }
    } else {
      RawPg pg;
      pg.prepare("one", "SELECT 1", 0);
      for (auto _ : state) {
        for (int i = 0; i < kW7Checkouts; ++i) {
          PGresult* res = PQexecPrepared(pg.conn, "one", 0, nullptr, nullptr, nullptr, 0);
          if (PQresultStatus(res) != PGRES_TUPLES_OK) pg.check(res, PGRES_TUPLES_OK, "SELECT 1");
          sum += std::strtoll(PQgetvalue(res, 0, 0), nullptr, 10);
          PQclear(res);
        }
      }
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations() * kW7Checkouts);
  });
}

// ---- W2: primary-key SELECTs reading every column -------------------------------------------

void select_sqlcore(benchmark::State& state, Backend b, bool expression = false,
                    Hooks hooks = Hooks::none) {
  guarded(state, [&] {
    HookScope scope(b, hooks);
    Connection conn = scope.engine.connect();
    std::unique_ptr<sqlcore::Executable> stmt;
    if (expression) {
      const BenchTable& t = bench_schema().w2;
      stmt = std::make_unique<sqlcore::Select>(
          sqlcore::select(t.id, t.name, t.score, t.flag).where(t.id == sqlcore::bindparam("id")));
    } else {
      stmt = std::make_unique<sqlcore::TextClause>(select_sql(b, /*named=*/true));
    }
    const sqlcore::Executable& select = *stmt;
    for (const Row& row : conn.execute(select, {{"id", 0}})) benchmark::DoNotOptimize(row.size());
    const ReadSums expected = expected_w2_sums();
    for (auto _ : state) {
      ReadSums sums;
      sqlcore::Params params = {{"id", 0}};
      for (int i = 0; i < kW2Lookups; ++i) {
        params[0].second = w2_id(i);
        for (const Row& row : conn.execute(select, params)) {
          sums.add(row.get<std::int64_t>("id"), row.get<std::string>("name"),
                   row.get<double>("score"), row.get<bool>("flag"));
        }
      }
      benchmark::DoNotOptimize(sums);
      if (!(sums == expected)) {
        state.SkipWithError("sqlcore W2 read other values than expected");
        break;
      }
    }
    state.SetItemsProcessed(state.iterations() * kW2Lookups);
  });
}

void select_raw(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    const ReadSums expected = expected_w2_sums();
    auto verify = [&](const ReadSums& sums) {
      benchmark::DoNotOptimize(sums);
      if (sums == expected) return true;
      state.SkipWithError("raw W2 read other values than expected");
      return false;
    };
    if (b == Backend::sqlite) {
      RawSqlite db;
      RawSqliteStmt sel(db.db, select_sql(b, /*named=*/false));
      auto lookup = [&](int id, ReadSums& sums) {
        sqlite3_stmt* st = sel.st;
        sqlite3_bind_int64(st, 1, id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
          std::int64_t rid = sqlite3_column_int64(st, 0);
          std::string name(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                           static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
          double score = sqlite3_column_double(st, 2);
          bool flag = sqlite3_column_int(st, 3) != 0;
          sums.add(rid, name, score, flag);
        }
        if (rc != SQLITE_DONE) sqlite_fail(db.db, "select");
        sqlite3_reset(st);
      };
      ReadSums warm;
      lookup(0, warm);
      for (auto _ : state) {
        ReadSums sums;
        for (int i = 0; i < kW2Lookups; ++i) lookup(w2_id(i), sums);
        if (!verify(sums)) break;
      }
    } else {
      RawPg pg;
      pg.prepare("sel", select_sql(b, /*named=*/false), 1);
      auto lookup = [&](int id, ReadSums& sums) {
        char buf[24];
        *std::to_chars(buf, buf + sizeof buf - 1, id).ptr = '\0';
        const char* values[1] = {buf};
        PGresult* res = PQexecPrepared(pg.conn, "sel", 1, values, nullptr, nullptr, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) pg.check(res, PGRES_TUPLES_OK, "select");
        const int n = PQntuples(res);
        for (int r = 0; r < n; ++r) {
          const char* p = PQgetvalue(res, r, 0);
          std::int64_t rid = 0;
          std::from_chars(p, p + PQgetlength(res, r, 0), rid);
          std::string name(PQgetvalue(res, r, 1), static_cast<std::size_t>(PQgetlength(res, r, 1)));
          double score = std::strtod(PQgetvalue(res, r, 2), nullptr);
          bool flag = PQgetvalue(res, r, 3)[0] == 't';
          sums.add(rid, name, score, flag);
        }
        PQclear(res);
      };
      ReadSums warm;
      lookup(0, warm);
      for (auto _ : state) {
        ReadSums sums;
        for (int i = 0; i < kW2Lookups; ++i) lookup(w2_id(i), sums);
        if (!verify(sums)) break;
      }
    }
    state.SetItemsProcessed(state.iterations() * kW2Lookups);
  });
}

// ---- W3: upserts over a table holding every other key ----------------------------------------

std::string upsert_sql(Backend b) {
  return upsert_expr().sql(dialect_of(b));  // the raw side runs exactly sqlcore's SQL
}
std::int64_t upsert_value(int i) {
  return static_cast<std::int64_t>(i) * 7 + 1;
}

void upsert_sqlcore(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    Connection conn = g_config.engine(b).connect();
    const sqlcore::Dml stmt = upsert_expr();
    const auto fill = text("INSERT INTO sqlcore_bench_kv (k, v) VALUES (:k, :v)");
    std::vector<sqlcore::Params> half;
    for (int i = 0; i < kW3Keys; i += 2) half.push_back({{"k", i}, {"v", 0}});
    auto reset = [&] {
      conn.execute(text("DELETE FROM sqlcore_bench_kv"));
      conn.execute_many(fill, half);
    };
    reset();
    conn.execute(stmt, {{"k", 0}, {"v", 0}});  // prepares
    for (auto _ : state) {
      state.PauseTiming();
      reset();
      state.ResumeTiming();
      sqlcore::Params params = {{"k", 0}, {"v", 0}};
      sqlcore::Transaction tx = conn.begin();
      for (int i = 0; i < kW3Keys; ++i) {
        params[0].second = i;
        params[1].second = upsert_value(i);
        conn.execute(stmt, params);
      }
      tx.commit();
    }
    state.SetItemsProcessed(state.iterations() * kW3Keys);
  });
}

void upsert_raw(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    const std::string sql = upsert_sql(b);
    if (b == Backend::sqlite) {
      RawSqlite db;
      RawSqliteStmt up(db.db, sql);
      RawSqliteStmt fill(db.db, "INSERT INTO sqlcore_bench_kv (k, v) VALUES (?1, 0)");
      auto run = [&](sqlite3_stmt* st, int k, std::int64_t v, bool with_v) {
        sqlite3_bind_int64(st, 1, k);
        if (with_v) sqlite3_bind_int64(st, 2, v);
        if (sqlite3_step(st) != SQLITE_DONE) sqlite_fail(db.db, "upsert");
        sqlite3_reset(st);
      };
      auto reset = [&] {
        db.exec("DELETE FROM sqlcore_bench_kv");
        db.exec("BEGIN IMMEDIATE");
        for (int i = 0; i < kW3Keys; i += 2) run(fill.st, i, 0, false);
        db.exec("COMMIT");
      };
      for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        db.exec("BEGIN IMMEDIATE");
        for (int i = 0; i < kW3Keys; ++i) run(up.st, i, upsert_value(i), true);
        db.exec("COMMIT");
      }
    } else {
      RawPg pg;
      pg.prepare("up", sql, 2);
      pg.prepare("fill", "INSERT INTO sqlcore_bench_kv (k, v) VALUES ($1, 0)", 1);
      auto run = [&](const char* name, int k, std::int64_t v, int n) {
        char kb[24], vb[24];
        *std::to_chars(kb, kb + sizeof kb - 1, k).ptr = '\0';
        *std::to_chars(vb, vb + sizeof vb - 1, v).ptr = '\0';
        const char* values[2] = {kb, vb};
        pg.check(PQexecPrepared(pg.conn, name, n, values, nullptr, nullptr, 0), PGRES_COMMAND_OK,
                 "upsert");
      };
      auto reset = [&] {
        pg.exec("TRUNCATE sqlcore_bench_kv");
        pg.exec("BEGIN");
        for (int i = 0; i < kW3Keys; i += 2) run("fill", i, 0, 1);
        pg.exec("COMMIT");
      };
      for (auto _ : state) {
        state.PauseTiming();
        reset();
        state.ResumeTiming();
        pg.exec("BEGIN");
        for (int i = 0; i < kW3Keys; ++i) run("up", i, upsert_value(i), 2);
        pg.exec("COMMIT");
      }
    }
    state.SetItemsProcessed(state.iterations() * kW3Keys);
  });
}

// ---- W4: 100,000 rows, execute_many against the raw per-row loop -----------------------------

const std::vector<sqlcore::Params>& w4_rows() {
  static const std::vector<sqlcore::Params> kRows = [] {
    std::vector<sqlcore::Params> v;
    v.reserve(kW4Rows);
    for (int i = 0; i < kW4Rows; ++i) v.push_back(row_params(i));
    return v;
  }();
  return kRows;
}

// execute_many of `stmt` over the W4 rows (built before timing, as the raw side's data), into an
// emptied table each iteration.
void run_executemany(benchmark::State& state, Backend b, const sqlcore::Executable& stmt) {
  Connection conn = g_config.engine(b).connect();
  const auto& rows = w4_rows();
  for (auto _ : state) {
    state.PauseTiming();
    clear_sqlcore(conn, b, "sqlcore_bench_w4");
    state.ResumeTiming();
    if (conn.execute_many(stmt, rows) != kW4Rows) {
      state.SkipWithError("execute_many wrote another number of rows");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kW4Rows);
}

void executemany_sqlcore(benchmark::State& state, Backend b) {
  guarded(state, [&] { run_executemany(state, b, insert_expr(bench_schema().w4)); });
}

void executemany_raw(benchmark::State& state, Backend b) {
  insert_raw(state, b, "sqlcore_bench_w4", kW4Rows, true);
}

// W4t: the text() INSERT a program writes, against the fastest plain loop of the C APIs (one
// prepared 100-row INSERT ... VALUES, bound and run for each 100 rows, in a transaction).
constexpr int kW4BatchRows = 100;

void executemany_text_sqlcore(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    run_executemany(state, b, text(insert_sql("sqlcore_bench_w4", b, /*named=*/true)));
  });
}

std::string multi_row_insert_sql(Backend b) {
  std::string sql = "INSERT INTO sqlcore_bench_w4 (id, name, score, flag) VALUES ";
  for (int r = 0; r < kW4BatchRows; ++r) {
    if (r) sql += ", ";
    sql += '(';
    for (int k = 1; k <= 4; ++k) {
      if (k > 1) sql += ", ";
      sql += (b == Backend::sqlite ? "?" : "$") + std::to_string(r * 4 + k);
    }
    sql += ')';
  }
  return sql;
}

void executemany_text_raw(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    static_assert(kW4Rows % kW4BatchRows == 0);
    const std::string table = "sqlcore_bench_w4";
    if (b == Backend::sqlite) {
      RawSqlite db;
      RawSqliteStmt ins(db.db, multi_row_insert_sql(b));
      for (auto _ : state) {
        state.PauseTiming();
        clear_raw_sqlite(db, table);
        state.ResumeTiming();
        db.exec("BEGIN IMMEDIATE");
        for (int start = 0; start < kW4Rows; start += kW4BatchRows) {
          for (int r = 0; r < kW4BatchRows; ++r) {
            const int i = start + r;
            const std::string& name = name_of(i);
            sqlite3_bind_int64(ins.st, r * 4 + 1, i);
            sqlite3_bind_text(ins.st, r * 4 + 2, name.data(), static_cast<int>(name.size()),
                              SQLITE_STATIC);
            sqlite3_bind_double(ins.st, r * 4 + 3, score_of(i));
            sqlite3_bind_int(ins.st, r * 4 + 4, flag_of(i) ? 1 : 0);
          }
          if (sqlite3_step(ins.st) != SQLITE_DONE) sqlite_fail(db.db, "insert");
          sqlite3_reset(ins.st);
        }
        db.exec("COMMIT");
      }
    } else {
      RawPg pg;
      pg.prepare("ins_many", multi_row_insert_sql(b), 4 * kW4BatchRows);
      std::vector<PgRowParams> rows(kW4BatchRows);
      std::vector<const char*> values(4 * kW4BatchRows);
      for (auto _ : state) {
        state.PauseTiming();
        clear_raw_pg(pg, table);
        state.ResumeTiming();
        pg.exec("BEGIN");
        for (int start = 0; start < kW4Rows; start += kW4BatchRows) {
          for (int r = 0; r < kW4BatchRows; ++r) {
            rows[static_cast<std::size_t>(r)].fill(start + r);
            std::copy_n(rows[static_cast<std::size_t>(r)].values, 4,
                        values.begin() + static_cast<std::ptrdiff_t>(r * 4));
          }
          pg.check(PQexecPrepared(pg.conn, "ins_many", 4 * kW4BatchRows, values.data(), nullptr,
                                  nullptr, 0),
                   PGRES_COMMAND_OK, "insert");
        }
        pg.exec("COMMIT");
      }
    }
    state.SetItemsProcessed(state.iterations() * kW4Rows);
  });
}

// ---- W5: GROUP BY over 100,000 rows ------------------------------------------------------------

struct GroupSums {
  std::int64_t groups = 0, rows = 0;
  std::size_t name_bytes = 0;
  double total = 0;
  void add(const std::string& name, std::int64_t n, double t) {
    ++groups;
    rows += n;
    name_bytes += name.size();
    total += t;
  }
  bool operator==(const GroupSums& o) const {
    return groups == o.groups && rows == o.rows && name_bytes == o.name_bytes &&
           std::abs(total - o.total) <= 1e-6 * std::abs(o.total);
  }
};
GroupSums expected_w5_sums() {
  GroupSums s;
  for (int g = 0; g < kW5Groups; ++g) {
    double t = 0;
    std::int64_t n = 0;
    for (int i = g; i < kW5Rows; i += kW5Groups) {
      t += score_of(i);
      ++n;
    }
    s.add(names()[static_cast<std::size_t>(g)], n, t);
  }
  return s;
}

void group_by_sqlcore(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    Connection conn = g_config.engine(b).connect();
    const sqlcore::Select q = group_by_expr();
    const GroupSums expected = expected_w5_sums();
    (void)conn.execute(q).all();  // prepares
    for (auto _ : state) {
      GroupSums sums;
      for (const Row& row : conn.execute(q))
        sums.add(row.get<std::string>("name"), row.get<std::int64_t>("n"),
                 row.get<double>("total"));
      benchmark::DoNotOptimize(sums);
      if (!(sums == expected)) {
        state.SkipWithError("sqlcore W5 read other values than expected");
        break;
      }
    }
  });
}

void group_by_raw(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    const std::string sql = group_by_expr().sql(dialect_of(b));
    const GroupSums expected = expected_w5_sums();
    if (b == Backend::sqlite) {
      RawSqlite db;
      RawSqliteStmt q(db.db, sql);
      for (auto _ : state) {
        GroupSums sums;
        int rc;
        while ((rc = sqlite3_step(q.st)) == SQLITE_ROW) {
          std::string name(reinterpret_cast<const char*>(sqlite3_column_text(q.st, 0)),
                           static_cast<std::size_t>(sqlite3_column_bytes(q.st, 0)));
          sums.add(name, sqlite3_column_int64(q.st, 1), sqlite3_column_double(q.st, 2));
        }
        if (rc != SQLITE_DONE) sqlite_fail(db.db, "group by");
        sqlite3_reset(q.st);
        benchmark::DoNotOptimize(sums);
        if (!(sums == expected)) {
          state.SkipWithError("raw W5 read other values than expected");
          break;
        }
      }
    } else {
      RawPg pg;
      pg.prepare("grp", sql, 0);
      for (auto _ : state) {
        GroupSums sums;
        PGresult* res = PQexecPrepared(pg.conn, "grp", 0, nullptr, nullptr, nullptr, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) pg.check(res, PGRES_TUPLES_OK, "group by");
        for (int r = 0; r < PQntuples(res); ++r) {
          std::string name(PQgetvalue(res, r, 0), static_cast<std::size_t>(PQgetlength(res, r, 0)));
          std::int64_t n = 0;
          const char* np = PQgetvalue(res, r, 1);
          std::from_chars(np, np + PQgetlength(res, r, 1), n);
          sums.add(name, n, std::strtod(PQgetvalue(res, r, 2), nullptr));
        }
        PQclear(res);
        benchmark::DoNotOptimize(sums);
        if (!(sums == expected)) {
          state.SkipWithError("raw W5 read other values than expected");
          break;
        }
      }
    }
  });
}

const sqlcore::Dialect& dialect_of(Backend b) {
  return g_config.engine(b).dialect();
}

// ---- schema and data --------------------------------------------------------------------------

void create_schema(Backend b) {
  if (b == Backend::sqlite) {
    RawSqlite db;
    for (const char* t : kTables) db.exec(("DROP TABLE IF EXISTS " + std::string(t)).c_str());
    for (const char* sql : kCreateSqlite) db.exec(sql);
    RawSqliteStmt ins(db.db, insert_sql("sqlcore_bench_w2", b, /*named=*/false));
    db.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < kW2Rows; ++i) sqlite_insert_row(db.db, ins.st, i);
    db.exec("COMMIT");
    // W5: 100 groups, named as the first 100 rows.
    RawSqliteStmt ins5(db.db, insert_sql("sqlcore_bench_w5", b, /*named=*/false));
    db.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < kW5Rows; ++i) {
      const std::string& name = names()[static_cast<std::size_t>(i % kW5Groups)];
      sqlite3_bind_int64(ins5.st, 1, i);
      sqlite3_bind_text(ins5.st, 2, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
      sqlite3_bind_double(ins5.st, 3, score_of(i));
      sqlite3_bind_int(ins5.st, 4, flag_of(i) ? 1 : 0);
      if (sqlite3_step(ins5.st) != SQLITE_DONE) sqlite_fail(db.db, "fill w5");
      sqlite3_reset(ins5.st);
    }
    db.exec("COMMIT");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } else {
    RawPg pg;
    pg.exec("SET client_min_messages = warning");
    pg.exec(kDropAll);
    for (const char* sql : kCreatePostgres) pg.exec(sql);
    pg.prepare("fill", insert_sql("sqlcore_bench_w2", b, /*named=*/false), 4);
    pg.exec("BEGIN");
    for (int i = 0; i < kW2Rows; ++i) pg_insert_row(pg, "fill", i);
    pg.exec("COMMIT");
    pg.exec(
        "INSERT INTO sqlcore_bench_w5 (id, name, score, flag) SELECT i, 'user-' || (i % 100), "
        "i * 0.5 + 0.25, i % 3 = 0 FROM generate_series(0, 99999) AS i");
    pg.exec("VACUUM ANALYZE sqlcore_bench_w2");
    pg.exec("VACUUM ANALYZE sqlcore_bench_w5");
  }
}

void drop_schema(Backend b) {
  if (b == Backend::sqlite) return;  // the file goes with its temp dir
  RawPg pg;
  pg.exec(kDropAll);
}

// ---- registration -----------------------------------------------------------------------------

struct Workload {
  const char* name;
  const char* description;
  std::optional<double> target;  // the ratio sqlcore/raw aimed at, if any
  std::function<void(benchmark::State&, Backend)> sqlcore, raw;
  // Iterations per repetition; one iteration is the whole workload (1,000 or 10,000 statements).
  int iterations_sqlite, iterations_pg;
  int repetitions = 0;  // 0: the run's (default 15); fewer for the long workloads
};

const std::vector<Workload>& workloads() {
  static const std::vector<Workload> kAll = {
      {"W1_insert_txn", "10,000 single-row INSERTs in one transaction", 1.15,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W2_select_pk", "10,000 primary-key SELECTs, every column read", 1.15,
       [](benchmark::State& s, Backend b) { select_sqlcore(s, b); }, select_raw, 10, 2},
      {"W6_insert_autocommit", "1,000 autocommit single-row INSERTs", std::nullopt,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w6", kW6Rows, false);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w6", kW6Rows, false); },
       10, 5},
      {"W1e_insert_expr", "W1 through insert(t).values({... bindparam ...})", 1.15,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true, /*expression=*/true);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W2e_select_expr", "W2 through select(...).where(t.id == bindparam(\"id\"))", 1.15,
       [](benchmark::State& s, Backend b) { select_sqlcore(s, b, /*expression=*/true); },
       select_raw, 10, 2},
      {"W3_upsert", "1,000 upserts in one transaction, half of the keys new", 1.15, upsert_sqlcore,
       upsert_raw, 10, 2},
      {"W4_executemany", "100,000 rows: execute_many vs the raw per-row loop", 1.00,
       executemany_sqlcore, executemany_raw, 2, 1, 5},
      {"W5_group_by", "GROUP BY over 100,000 rows into 100 groups, read", 1.15, group_by_sqlcore,
       group_by_raw, 10, 5},
      {"W4t_executemany_text", "100,000 rows: execute_many(text INSERT) vs raw 100-row VALUES",
       1.00, executemany_text_sqlcore, executemany_text_raw, 2, 1, 5},
      {"W1o_insert_any_order", "W1 with the Params reversed", 1.15,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true, false, /*reversed=*/true);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W1eo_expr_any_order", "W1e with the Params reversed", 1.15,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true, true, /*reversed=*/true);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W1h_empty_hook", "W1 with an empty listener on every event", 1.15,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true, false, false, Hooks::empty);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W1l_log_devnull", "W1 with echo on, logging to /dev/null", std::nullopt,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true, false, false, Hooks::log);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W2h_empty_hook", "W2 with an empty listener on every event", 1.15,
       [](benchmark::State& s, Backend b) { select_sqlcore(s, b, false, Hooks::empty); },
       select_raw, 10, 2},
      {"W2l_log_devnull", "W2 with echo on, logging to /dev/null", std::nullopt,
       [](benchmark::State& s, Backend b) { select_sqlcore(s, b, false, Hooks::log); }, select_raw,
       10, 2},
      {"W7_checkout", "1,000 x (connect, SELECT 1, checkin) vs raw SELECT 1", std::nullopt,
       [](benchmark::State& s, Backend b) { checkout_sqlcore(s, b, false); }, checkout_raw, 20, 5},
      {"W7r_checkout_reset", "W7 with session_reset=always", std::nullopt,
       [](benchmark::State& s, Backend b) { checkout_sqlcore(s, b, true); }, checkout_raw, 5, 5},
  };
  return kAll;
}

void register_benchmarks(Backend b) {
  for (const Workload& w : workloads()) {
    for (bool raw : {false, true}) {
      std::string name =
          std::string(w.name) + "/" + backend_name(b) + "/" + (raw ? "raw" : "sqlcore");
      auto fn = raw ? w.raw : w.sqlcore;
      auto* bm =
          benchmark::RegisterBenchmark(name.c_str(), [fn, b](benchmark::State& s) { fn(s, b); });
      bm->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(b == Backend::sqlite ? w.iterations_sqlite : w.iterations_pg);
      if (w.repetitions > 0) bm->Repetitions(w.repetitions);
    }
  }
}

// ---- reporting --------------------------------------------------------------------------------

// Per-iteration times of one benchmark, in milliseconds.
struct Times {
  double real = 0, cpu = 0;
};

// The console output as usual, plus each benchmark's times per iteration: the median aggregate
// when there are repetitions, else the median of the plain runs.
class RecordingReporter final : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // run.benchmark_name() is e.g. "W1_insert_txn/sqlite/raw/iterations:10/repeats:15/
      // real_time_median"; function_name is the name we registered.
      const std::string& key = run.run_name.function_name;
      Times t{run.GetAdjustedRealTime(), run.GetAdjustedCPUTime()};
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name == "median") medians_[key] = t;
      } else {
        plain_[key].push_back(t);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  std::optional<Times> times_of(const std::string& key) const {
    if (auto it = medians_.find(key); it != medians_.end()) return it->second;
    auto it = plain_.find(key);
    if (it == plain_.end() || it->second.empty()) return std::nullopt;
    std::vector<double> real, cpu;
    for (const Times& t : it->second) {
      real.push_back(t.real);
      cpu.push_back(t.cpu);
    }
    std::sort(real.begin(), real.end());
    std::sort(cpu.begin(), cpu.end());
    return Times{real[real.size() / 2], cpu[cpu.size() / 2]};
  }

 private:
  std::map<std::string, Times> medians_;
  std::map<std::string, std::vector<Times>> plain_;
};

std::string format_ms(std::optional<double> ms) {
  if (!ms) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", *ms);
  return buf;
}
std::string format_ratio(std::optional<double> ratio) {
  if (!ratio) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", *ratio);
  return buf;
}

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  std::printf(
      "\nsqlcore vs the raw C API, same work in the same run (median per-iteration time over the "
      "repetitions)\n");
  for (const Workload& w : workloads()) std::printf("  %-22s %s\n", w.name, w.description);
  std::printf("\n%-22s %-11s %13s %13s %12s  %-16s %10s\n", "workload", "backend", "sqlcore", "raw",
              "sqlcore/raw", "target", "cpu ratio");
  bool any = false;
  for (const Workload& w : workloads()) {
    for (Backend b : backends) {
      std::string prefix = std::string(w.name) + "/" + backend_name(b) + "/";
      auto ours = rep.times_of(prefix + "sqlcore");
      auto raw = rep.times_of(prefix + "raw");
      if (!ours && !raw) continue;
      any = true;
      std::optional<double> ratio, cpu_ratio;
      if (ours && raw && raw->real > 0) ratio = ours->real / raw->real;
      if (ours && raw && raw->cpu > 0) cpu_ratio = ours->cpu / raw->cpu;
      std::string target = "-";
      if (w.target) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "<= %.2f", *w.target);
        target = buf;
        if (ratio) target += *ratio <= *w.target ? " met" : " MISSED";
      }
      std::printf("%-22s %-11s %13s %13s %12s  %-16s %10s\n", w.name, backend_name(b),
                  format_ms(ours ? std::optional(ours->real) : std::nullopt).c_str(),
                  format_ms(raw ? std::optional(raw->real) : std::nullopt).c_str(),
                  format_ratio(ratio).c_str(), target.c_str(), format_ratio(cpu_ratio).c_str());
    }
  }
  if (!any) std::printf("(no benchmark ran)\n");
  std::printf(
      "\nsqlcore/raw compares real time; the target applies to it. cpu ratio compares this "
      "process's CPU time\n(for PostgreSQL the client side only): less disturbed by other load "
      "on the machine.\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::initialize(args, argc, argv, kDefaultRepetitions)) return 2;

  std::vector<Backend> backends;
  int status = 0;
  try {
    if (bench::wanted("sqlite")) {
      char tmpl[] = "/tmp/sqlcore-bench.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("cannot create a temp dir in /tmp");
      g_config.sqlite_dir = tmpl;
      g_config.sqlite_path = (g_config.sqlite_dir / "bench.db").string();
      g_config.sqlite_engine = sqlcore::create_engine("sqlite:///" + g_config.sqlite_path);
      create_schema(Backend::sqlite);
      backends.push_back(Backend::sqlite);
    }
    const char* pg_url = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
    if (!bench::wanted("postgresql")) {
      // Not wanted: say nothing more.
    } else if (pg_url == nullptr || *pg_url == '\0') {
      std::cerr << "sqlcore_bench: SQLCORE_BENCH_POSTGRES_URL is not set; running the SQLite "
                   "benchmarks only (make bench starts a PostgreSQL server and sets it)\n";
    } else {
      g_config.pg_url = pg_url;
      g_config.pg_engine = sqlcore::create_engine(g_config.pg_url);
      create_schema(Backend::postgresql);
      backends.push_back(Backend::postgresql);
    }
    for (Backend b : backends) register_benchmarks(b);

    RecordingReporter reporter(bench::console_options(args.argc, args.argv.data()));
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_table(reporter, backends);
  } catch (const std::exception& e) {
    std::cerr << "sqlcore_bench: " << e.what() << '\n';
    status = 1;
  }
  benchmark::Shutdown();
  for (Backend b : backends) {
    try {
      drop_schema(b);
    } catch (const std::exception& e) {
      std::cerr << "sqlcore_bench: cleanup: " << e.what() << '\n';
    }
  }
  g_config.sqlite_logged.reset();
  g_config.pg_logged.reset();
  g_config.sqlite_resetting.reset();
  g_config.pg_resetting.reset();
  g_config.sqlite_engine.reset();
  g_config.pg_engine.reset();
  if (g_config.devnull != nullptr) std::fclose(g_config.devnull);
  if (!g_config.sqlite_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(g_config.sqlite_dir, ec);
  }
  return status;
}
