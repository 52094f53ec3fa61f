// sqlcore_bench: sqlcore against the raw C APIs (sqlite3, libpq) doing the same work in the same
// run, on a SQLite file and on PostgreSQL. Prints Google Benchmark's console output, then a table
// of the median times and the ratio sqlcore/raw per workload and backend.
//
// Workloads (each a benchmark family "<workload>/<backend>/<side>", side = sqlcore | raw):
//   W1_insert_txn         10,000 single-row INSERTs in one transaction (one prepared statement)
//   W2_select_pk          10,000 primary-key SELECTs of a 10,000-row table, every column read
//                         into C++ values (std::string for text)
//   W6_insert_autocommit  1,000 single-row INSERTs, each its own (autocommit) transaction
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
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <sqlcore/sqlcore.hpp>

namespace {

using sqlcore::Connection;
using sqlcore::Engine;
using sqlcore::Row;
using sqlcore::text;

constexpr int kW1Rows = 10'000;
constexpr int kW2Rows = 10'000;  // rows in the table W2 reads
constexpr int kW2Lookups = 10'000;
constexpr int kW6Rows = 1'000;
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
  Engine& engine(Backend b) { return b == Backend::sqlite ? *sqlite_engine : *pg_engine; }
};
Config g_config;

const char* kCreateSqlite[] = {
    "CREATE TABLE sqlcore_bench_w1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w2 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w6 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "score REAL NOT NULL, flag BOOLEAN NOT NULL)",
};
const char* kCreatePostgres[] = {
    "CREATE TABLE sqlcore_bench_w1 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w2 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
    "CREATE TABLE sqlcore_bench_w6 (id BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "score DOUBLE PRECISION NOT NULL, flag BOOLEAN NOT NULL)",
};
const char* kDropAll = "DROP TABLE IF EXISTS sqlcore_bench_w1, sqlcore_bench_w2, sqlcore_bench_w6";

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
void sqlite_insert_row(sqlite3* db, sqlite3_stmt* st, int i) {
  const std::string& name = names()[static_cast<std::size_t>(i)];
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
    values[1] = names()[static_cast<std::size_t>(i)].c_str();
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
  return {{"id", i},
          {"name", names()[static_cast<std::size_t>(i)]},
          {"score", score_of(i)},
          {"flag", flag_of(i)}};
}

// A hot loop keeps one Params and assigns new values, as the raw side keeps one statement and
// rebinds: the names are built once, the values are set per row.
void set_row_params(sqlcore::Params& p, int i) {
  p[0].second = i;
  p[1].second = names()[static_cast<std::size_t>(i)];
  p[2].second = score_of(i);
  p[3].second = flag_of(i);
}

// Runs `body` and turns an exception into a benchmark error (the run goes on with the others).
template <class F>
void guarded(benchmark::State& state, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// ---- W1 / W6: single-row INSERTs, in one transaction (W1) or each autocommitted (W6) -------

void insert_sqlcore(benchmark::State& state, Backend b, const std::string& table, int rows,
                    bool one_tx) {
  guarded(state, [&] {
    Connection conn = g_config.engine(b).connect();
    const auto insert = text(insert_sql(table, b, /*named=*/true));
    clear_sqlcore(conn, b, table);
    conn.execute(insert, row_params(0));  // prepares (sqlcore caches it); cleared below
    for (auto _ : state) {
      state.PauseTiming();
      clear_sqlcore(conn, b, table);
      state.ResumeTiming();
      sqlcore::Params params = row_params(0);
      if (one_tx) {
        sqlcore::Transaction tx = conn.begin();
        for (int i = 0; i < rows; ++i) {
          set_row_params(params, i);
          conn.execute(insert, params);
        }
        tx.commit();
      } else {
        for (int i = 0; i < rows; ++i) {
          set_row_params(params, i);
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

// ---- W2: primary-key SELECTs reading every column -------------------------------------------

void select_sqlcore(benchmark::State& state, Backend b) {
  guarded(state, [&] {
    Connection conn = g_config.engine(b).connect();
    const auto select = text(select_sql(b, /*named=*/true));
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

// ---- schema and data --------------------------------------------------------------------------

void create_schema(Backend b) {
  if (b == Backend::sqlite) {
    RawSqlite db;
    for (const char* t : {"sqlcore_bench_w1", "sqlcore_bench_w2", "sqlcore_bench_w6"})
      db.exec(("DROP TABLE IF EXISTS " + std::string(t)).c_str());
    for (const char* sql : kCreateSqlite) db.exec(sql);
    RawSqliteStmt ins(db.db, insert_sql("sqlcore_bench_w2", b, /*named=*/false));
    db.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < kW2Rows; ++i) sqlite_insert_row(db.db, ins.st, i);
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
    pg.exec("VACUUM ANALYZE sqlcore_bench_w2");
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
};

const std::vector<Workload>& workloads() {
  static const std::vector<Workload> kAll = {
      {"W1_insert_txn", "10,000 single-row INSERTs in one transaction", 1.15,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w1", kW1Rows, true);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w1", kW1Rows, true); },
       20, 2},
      {"W2_select_pk", "10,000 primary-key SELECTs, every column read", 1.15, select_sqlcore,
       select_raw, 10, 2},
      {"W6_insert_autocommit", "1,000 autocommit single-row INSERTs", std::nullopt,
       [](benchmark::State& s, Backend b) {
         insert_sqlcore(s, b, "sqlcore_bench_w6", kW6Rows, false);
       },
       [](benchmark::State& s, Backend b) { insert_raw(s, b, "sqlcore_bench_w6", kW6Rows, false); },
       10, 5},
  };
  return kAll;
}

void register_benchmarks(Backend b) {
  for (const Workload& w : workloads()) {
    for (bool raw : {false, true}) {
      std::string name =
          std::string(w.name) + "/" + backend_name(b) + "/" + (raw ? "raw" : "sqlcore");
      auto fn = raw ? w.raw : w.sqlcore;
      benchmark::RegisterBenchmark(name.c_str(), [fn, b](benchmark::State& s) { fn(s, b); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(b == Backend::sqlite ? w.iterations_sqlite : w.iterations_pg);
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

// Console colours as Google Benchmark decides them for its own reporter (--benchmark_color).
benchmark::ConsoleReporter::OutputOptions console_options(int argc, char** argv) {
  std::string color = "auto";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--benchmark_color=")) color = a.substr(std::strlen("--benchmark_color="));
  }
  bool use_color =
      color == "true" || color == "yes" || color == "1" ||
      (color == "auto" && isatty(STDOUT_FILENO) != 0 && std::getenv("TERM") != nullptr &&
       std::string_view(std::getenv("TERM")) != "dumb");
  return use_color ? benchmark::ConsoleReporter::OO_ColorTabular
                   : benchmark::ConsoleReporter::OO_Tabular;
}

bool wanted(const char* backend) {
  const char* env = std::getenv("SQLCORE_TEST_BACKENDS");
  if (env == nullptr || *env == '\0') return true;
  std::string_view list = env;
  if (std::string_view(backend) == "sqlite")
    return list.find("sqlite") != std::string_view::npos;  // sqlite, sqlite-file, sqlite-memory
  return list.find(backend) != std::string_view::npos;
}

}  // namespace

int main(int argc, char** argv) {
  // Defaults a command-line flag can override: repetitions, randomly interleaved, aggregates only.
  std::vector<std::string> defaults;
  auto add_default = [&](std::string_view flag, std::string_view value) {
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]).starts_with(flag)) return;
    defaults.push_back(std::string(flag) + "=" + std::string(value));
  };
  add_default("--benchmark_repetitions", std::to_string(kDefaultRepetitions));
  add_default("--benchmark_enable_random_interleaving", "true");
  add_default("--benchmark_report_aggregates_only", "true");
  std::vector<char*> args;
  args.reserve(static_cast<std::size_t>(argc) + defaults.size() + 1);
  args.push_back(argv[0]);
  for (std::string& d : defaults) args.push_back(d.data());
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int nargs = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&nargs, args.data());
  if (benchmark::ReportUnrecognizedArguments(nargs, args.data())) return 2;

  std::vector<Backend> backends;
  int status = 0;
  try {
    if (wanted("sqlite")) {
      char tmpl[] = "/tmp/sqlcore-bench.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("cannot create a temp dir in /tmp");
      g_config.sqlite_dir = tmpl;
      g_config.sqlite_path = (g_config.sqlite_dir / "bench.db").string();
      g_config.sqlite_engine = sqlcore::create_engine("sqlite:///" + g_config.sqlite_path);
      create_schema(Backend::sqlite);
      backends.push_back(Backend::sqlite);
    }
    const char* pg_url = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
    if (!wanted("postgresql")) {
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

    RecordingReporter reporter(console_options(nargs, args.data()));
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
  g_config.sqlite_engine.reset();
  g_config.pg_engine.reset();
  if (!g_config.sqlite_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(g_config.sqlite_dir, ec);
  }
  return status;
}
