// sqlcore_bench_stream: results read as they arrive. The peak memory of a client iterating a
// 10,000,000-row select, and the latency of small results (a primary-key select, a 10,000-row
// select), through sqlcore beside the raw C APIs in the same run, on a SQLite file (WAL) and on
// PostgreSQL.
//
// The data set (set-up, untimed): stream_rows(id BIGINT PRIMARY KEY, body TEXT NOT NULL) holding
// 10,000 rows, body a 32-character text.
//
// The workloads:
//   pk_select   SELECT id, body FROM stream_rows WHERE id = :id, id cycling over the rows; both
//               columns read (the text copied into a std::string). sqlcore: text() with one
//               reused Params, one(). raw: a prepared statement (PQexecPrepared / sqlite3_step).
//               2,000 calls per run, each timed.
//   select_10k  SELECT id, body FROM stream_rows ORDER BY id: every row, both columns read as
//               above. 100 calls per run, each timed.
//   rows_10m    10,000,000 rows of (an integer, a 32-character text) made by the server --
//               PostgreSQL: SELECT g, md5(g::text) FROM generate_series(1, 10000000) g; SQLite: a
//               recursive CTE with printf('%032x', g) -- iterated to the end, both columns read.
//               Reported: peak_mb, how far the process's peak resident memory (VmHWM) rose above
//               its resident memory before the run (malloc_trim()ed first; the peak is reset
//               through /proc/self/clear_refs), and the run's seconds. Sides: sqlcore (rows as
//               they arrive); raw buffered (PQexecParams: libpq holds the whole result, which is
//               what sqlcore's PostgreSQL driver did before it streamed); raw single-row
//               (PQsetSingleRowMode, the way sqlcore's driver now reads); raw sqlite3_step.
//               One call per run.
//   abandon_10m The same 10,000,000-row select through sqlcore, left after its first 5 rows:
//               the time from execute() to the end of the Result (PostgreSQL cancels the
//               statement; SQLite resets it). 5 calls per run, each timed.
// Runs are repeated (default 3, randomly interleaved); the table shows the median repetition.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs, with a note on stderr),
// SQLCORE_TEST_BACKENDS (as for the tests; default: all). Linux only (/proc/self).
#include <libpq-fe.h>
#include <malloc.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <sqlcore/sqlcore.hpp>

#include "bench_common.hpp"

namespace {

using bench::Backend;
using bench::backend_name;
using bench::Figures;
using bench::open_raw_pg;
using bench::open_raw_sqlite;
using bench::pg_check;
using bench::pg_exec;
using bench::PgResult;
using bench::RawSqliteStmt;
using bench::RecordingReporter;
using bench::sqlite_fail;

constexpr int kRows = 10'000;
constexpr std::int64_t kHugeRows = 10'000'000;
constexpr int kPkCalls = 2'000;
constexpr int kScanCalls = 100;
constexpr int kDefaultRepetitions = 3;
constexpr const char* kPgDatabase = "stream_bench";

constexpr const char* kPkSql[] = {"SELECT id, body FROM stream_rows WHERE id = ?1",
                                  "SELECT id, body FROM stream_rows WHERE id = $1"};
constexpr const char* kScanSql = "SELECT id, body FROM stream_rows ORDER BY id";
constexpr const char* kHugeSql[] = {
    "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 10000000) "
    "SELECT g, printf('%032x', g) FROM s",
    "SELECT g, md5(g::text) FROM generate_series(1, 10000000) g"};

const char* sql_of(const char* const (&by_backend)[2], Backend b) {
  return by_backend[b == Backend::sqlite ? 0 : 1];
}

enum class Side { sqlcore, raw, raw_buffered, raw_single_row };
const char* side_name(Side s) {
  switch (s) {
    case Side::sqlcore:
      return "sqlcore";
    case Side::raw:
      return "raw";
    case Side::raw_buffered:
      return "raw_buffered";
    case Side::raw_single_row:
      return "raw_single_row";
  }
  return "";
}

// ---- memory ------------------------------------------------------------------------------------

// A field of /proc/self/status in kB (VmRSS, VmHWM).
long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.starts_with(prefix)) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  throw std::runtime_error(std::string("no ") + field + " in /proc/self/status");
}

// The resident memory now, after giving freed memory back and resetting the peak to it.
long reset_peak_kb() {
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";  // resets VmHWM to the current RSS
  clear.close();
  if (!clear) throw std::runtime_error("cannot reset the peak RSS (/proc/self/clear_refs)");
  return status_kb("VmRSS");
}

// ---- what each side reads ----------------------------------------------------------------------

// What a read row adds up to, so no side can skip reading it.
struct Tally {
  std::int64_t rows = 0, ids = 0, bytes = 0;
  void add(std::int64_t id, const std::string& body) {
    ++rows;
    ids += id;
    bytes += static_cast<std::int64_t>(body.size());
  }
};

struct BackendState {
  Backend backend = Backend::sqlite;
  std::optional<sqlcore::Engine> engine;
  std::optional<sqlcore::Connection> conn;
  std::optional<sqlcore::TextClause> pk, scan, huge;
  sqlcore::Params pk_params;
  sqlite3* raw_sqlite = nullptr;
  std::unique_ptr<RawSqliteStmt> raw_pk, raw_scan;
  PGconn* raw_pg = nullptr;
  ~BackendState() {
    raw_pk.reset();
    raw_scan.reset();
    if (raw_sqlite != nullptr) sqlite3_close_v2(raw_sqlite);
    if (raw_pg != nullptr) PQfinish(raw_pg);
  }
};
std::map<Backend, std::unique_ptr<BackendState>> g_states;

Tally sqlcore_read(sqlcore::Result result) {
  Tally t;
  for (const sqlcore::Row& r : result) t.add(r.get<std::int64_t>(0), r.get<std::string>(1));
  return t;
}

Tally sqlite_read(sqlite3* db, sqlite3_stmt* st) {
  Tally t;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    t.add(sqlite3_column_int64(st, 0), bench::sqlite_text(st, 1));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) sqlite_fail(db, "step");
  return t;
}

Tally pg_read_buffered(PGconn* conn, const PGresult* res) {
  (void)conn;
  Tally t;
  for (int row = 0, n = PQntuples(res); row < n; ++row)
    t.add(bench::pg_int(res, row, 0), bench::pg_text(res, row, 1));
  return t;
}

// Sends `sql` (no parameters) in single-row mode and reads every row as it arrives.
Tally pg_read_single_rows(PGconn* conn, const char* sql) {
  if (PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1 ||
      PQsetSingleRowMode(conn) != 1)
    throw std::runtime_error(std::string("libpq: ") + PQerrorMessage(conn));
  Tally t;
  bool failed = false;
  while (PGresult* r = PQgetResult(conn)) {
    PgResult res(r);
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE)
      t.add(bench::pg_int(r, 0, 0), bench::pg_text(r, 0, 1));
    else if (st != PGRES_TUPLES_OK)
      failed = true;
  }
  if (failed) throw std::runtime_error(std::string("libpq: ") + PQerrorMessage(conn));
  return t;
}

// ---- set-up ------------------------------------------------------------------------------------

void set_up(BackendState& st, const std::string& url) {
  st.engine.emplace(sqlcore::create_engine(url));
  st.conn.emplace(st.engine->connect());
  sqlcore::Connection& c = *st.conn;
  c.execute(sqlcore::text("CREATE TABLE stream_rows (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"));
  std::vector<sqlcore::Params> rows;
  for (int i = 1; i <= kRows; ++i) {
    char body[40];
    std::snprintf(body, sizeof body, "%032x", i * 2654435761u);
    rows.push_back({{"id", i}, {"body", std::string(body)}});
  }
  c.execute_many(sqlcore::text("INSERT INTO stream_rows (id, body) VALUES (:id, :body)"), rows);
  st.pk.emplace(sqlcore::text("SELECT id, body FROM stream_rows WHERE id = :id"));
  st.scan.emplace(sqlcore::text(kScanSql));
  st.huge.emplace(sqlcore::text(sql_of(kHugeSql, st.backend)));
  st.pk_params = {{"id", 1}};
  if (st.backend == Backend::sqlite) {
    st.raw_sqlite = open_raw_sqlite(st.engine->url().database());
    st.raw_pk = std::make_unique<RawSqliteStmt>(st.raw_sqlite, kPkSql[0]);
    st.raw_scan = std::make_unique<RawSqliteStmt>(st.raw_sqlite, kScanSql);
  } else {
    c.execute(sqlcore::text("VACUUM ANALYZE stream_rows"));
    st.raw_pg = open_raw_pg(url);
    PgResult pk(PQprepare(st.raw_pg, "pk", kPkSql[1], 1, nullptr));
    pg_check(st.raw_pg, pk, PGRES_COMMAND_OK, "prepare pk");
    PgResult scan(PQprepare(st.raw_pg, "scan", kScanSql, 0, nullptr));
    pg_check(st.raw_pg, scan, PGRES_COMMAND_OK, "prepare scan");
  }
}

// ---- the benchmarks ----------------------------------------------------------------------------

bench::RunSamples g_samples;

void pk_select(benchmark::State& state, Backend b, Side side) {
  BackendState& st = *g_states.at(b);
  bench::measure_latency(state, g_samples, 100, [&](std::size_t i) -> const char* {
    const std::int64_t id = static_cast<std::int64_t>(i * 7919 % kRows) + 1;
    Tally t;
    if (side == Side::sqlcore) {
      st.pk_params[0].second = id;
      sqlcore::Row r = st.conn->execute(*st.pk, st.pk_params).one();
      t.add(r.get<std::int64_t>(0), r.get<std::string>(1));
    } else if (b == Backend::sqlite) {
      sqlite3_bind_int64(st.raw_pk->st, 1, id);
      t = sqlite_read(st.raw_sqlite, st.raw_pk->st);
    } else {
      const std::string text = std::to_string(id);
      const char* values[] = {text.c_str()};
      PgResult r(PQexecPrepared(st.raw_pg, "pk", 1, values, nullptr, nullptr, 0));
      pg_check(st.raw_pg, r, PGRES_TUPLES_OK, "pk");
      t = pg_read_buffered(st.raw_pg, r.res);
    }
    benchmark::DoNotOptimize(t);
    return t.rows == 1 && t.ids == id && t.bytes == 32 ? nullptr : "not the row asked for";
  });
}

void select_10k(benchmark::State& state, Backend b, Side side) {
  BackendState& st = *g_states.at(b);
  bench::measure_latency(state, g_samples, 3, [&](std::size_t) -> const char* {
    Tally t;
    if (side == Side::sqlcore) {
      t = sqlcore_read(st.conn->execute(*st.scan));
    } else if (b == Backend::sqlite) {
      t = sqlite_read(st.raw_sqlite, st.raw_scan->st);
    } else {
      PgResult r(PQexecPrepared(st.raw_pg, "scan", 0, nullptr, nullptr, nullptr, 0));
      pg_check(st.raw_pg, r, PGRES_TUPLES_OK, "scan");
      t = pg_read_buffered(st.raw_pg, r.res);
    }
    benchmark::DoNotOptimize(t);
    return t.rows == kRows && t.bytes == 32 * kRows ? nullptr : "not every row";
  });
}

// Peak memory (MiB above the start) and seconds of each repetition of rows_10m, by name.
std::map<std::string, std::vector<double>> g_peak_mb, g_seconds;

std::string huge_name(Backend b, Side side) {
  return std::string("rows_10m/") + backend_name(b) + "/" + side_name(side);
}

void rows_10m(benchmark::State& state, Backend b, Side side) {
  BackendState& st = *g_states.at(b);
  const std::string name = huge_name(b, side);
  for (auto _ : state) {
    try {
      const long before = reset_peak_kb();
      const auto t0 = std::chrono::steady_clock::now();
      Tally t;
      if (side == Side::sqlcore) {
        t = sqlcore_read(st.conn->execute(*st.huge));
      } else if (side == Side::raw) {
        RawSqliteStmt huge(st.raw_sqlite, sql_of(kHugeSql, b));
        t = sqlite_read(st.raw_sqlite, huge.st);
      } else if (side == Side::raw_buffered) {
        PgResult r(
            PQexecParams(st.raw_pg, sql_of(kHugeSql, b), 0, nullptr, nullptr, nullptr, nullptr, 0));
        pg_check(st.raw_pg, r, PGRES_TUPLES_OK, "rows_10m");
        t = pg_read_buffered(st.raw_pg, r.res);
      } else {
        t = pg_read_single_rows(st.raw_pg, sql_of(kHugeSql, b));
      }
      const double seconds = bench::seconds_since(t0);
      const double peak_mb = static_cast<double>(status_kb("VmHWM") - before) / 1024.0;
      if (t.rows != kHugeRows || t.bytes != 32 * kHugeRows) {
        state.SkipWithError("not every row");
        continue;
      }
      g_peak_mb[name].push_back(peak_mb);
      g_seconds[name].push_back(seconds);
      state.counters["peak_mb"] = peak_mb;
      state.counters["rows_per_s"] = static_cast<double>(t.rows) / seconds;
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
    }
  }
}

// A 10,000,000-row select left after its first 5 rows: the time from the execute to the end of
// the Result (the statement cancelled), each call timed.
void abandon_10m(benchmark::State& state, Backend b) {
  BackendState& st = *g_states.at(b);
  bench::measure_latency(state, g_samples, 1, [&](std::size_t) -> const char* {
    std::int64_t read = 0;
    {
      sqlcore::Result r = st.conn->execute(*st.huge);
      for (const sqlcore::Row& row : r) {
        read += row.get<std::int64_t>(0);
        if (read == 15) break;  // 1 + 2 + 3 + 4 + 5
      }
    }
    return read == 15 ? nullptr : "not the first rows";
  });
}

// ---- registration and reporting ----------------------------------------------------------------

std::string name_of(const char* workload, Backend b, Side side) {
  return std::string(workload) + "/" + backend_name(b) + "/" + side_name(side);
}

std::vector<Side> huge_sides(Backend b) {
  if (b == Backend::sqlite) return {Side::sqlcore, Side::raw};
  return {Side::sqlcore, Side::raw_buffered, Side::raw_single_row};
}

void register_benchmarks(Backend b) {
  for (Side side : {Side::sqlcore, Side::raw}) {
    benchmark::RegisterBenchmark(name_of("pk_select", b, side).c_str(),
                                 [b, side](benchmark::State& s) { pk_select(s, b, side); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Iterations(kPkCalls);
    benchmark::RegisterBenchmark(name_of("select_10k", b, side).c_str(),
                                 [b, side](benchmark::State& s) { select_10k(s, b, side); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(kScanCalls);
  }
  benchmark::RegisterBenchmark(name_of("abandon_10m", b, Side::sqlcore).c_str(),
                               [b](benchmark::State& s) { abandon_10m(s, b); })
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Iterations(5);
  for (Side side : huge_sides(b))
    benchmark::RegisterBenchmark(huge_name(b, side).c_str(),
                                 [b, side](benchmark::State& s) { rows_10m(s, b, side); })
        ->Unit(benchmark::kSecond)
        ->UseRealTime()
        ->Iterations(1);
}

// Median, min and max of `v` ("-" when empty).
std::string spread(const std::vector<double>& v, const char* format) {
  if (v.empty()) return "-";
  std::vector<double> s = v;
  std::sort(s.begin(), s.end());
  return bench::fmt(format, s[s.size() / 2]) + " (" + bench::fmt(format, s.front()) + "-" +
         bench::fmt(format, s.back()) + ")";
}

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  using bench::cell;
  std::printf(
      "\nsqlcore vs the raw C API in the same run: latency per call in us (median repetition).\n"
      "pk_select: one row by primary key; select_10k: 10,000 rows of (id, 32-char text).\n\n");
  std::printf("%-22s %10s %10s %10s %10s %9s %9s\n", "workload", "sqlc p50", "sqlc p99", "raw p50",
              "raw p99", "p50 ratio", "p99 ratio");
  for (Backend b : backends) {
    for (const char* w : {"pk_select", "select_10k"}) {
      auto ours = rep.figures_of(name_of(w, b, Side::sqlcore), 1);
      auto raw = rep.figures_of(name_of(w, b, Side::raw), 1);
      std::printf(
          "%-22s %10s %10s %10s %10s %9s %9s\n", (std::string(w) + "/" + backend_name(b)).c_str(),
          cell(ours, &Figures::p50, "%.1f").c_str(), cell(ours, &Figures::p99, "%.1f").c_str(),
          cell(raw, &Figures::p50, "%.1f").c_str(), cell(raw, &Figures::p99, "%.1f").c_str(),
          bench::ratio(ours, raw, &Figures::p50).c_str(),
          bench::ratio(ours, raw, &Figures::p99).c_str());
    }
  }
  std::printf("\nabandon_10m: a 10,000,000-row select left after 5 rows, execute to end, us:\n");
  for (Backend b : backends) {
    auto f = rep.figures_of(name_of("abandon_10m", b, Side::sqlcore), 1);
    std::printf("%-22s p50 %10s  p99 %10s\n", backend_name(b),
                cell(f, &Figures::p50, "%.1f").c_str(), cell(f, &Figures::p99, "%.1f").c_str());
  }
  std::printf(
      "\nrows_10m: 10,000,000 rows iterated to the end. Peak resident memory above the start "
      "(MiB) and seconds:\nmedian (min-max) of the repetitions.\n\n");
  std::printf("%-34s %24s %24s\n", "run", "peak MiB", "seconds");
  for (Backend b : backends)
    for (Side side : huge_sides(b)) {
      const std::string name = huge_name(b, side);
      std::printf("%-34s %24s %24s\n", name.c_str(), spread(g_peak_mb[name], "%.1f").c_str(),
                  spread(g_seconds[name], "%.2f").c_str());
    }
  std::printf("\nFigures are reported, never asserted.\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run_program({.name = "sqlcore_bench_stream",
                             .pg_database = kPgDatabase,
                             .repetitions = kDefaultRepetitions,
                             .set_up =
                                 [](Backend b, std::string url) {
                                   auto st = std::make_unique<BackendState>();
                                   st->backend = b;
                                   set_up(*st, url);
                                   g_states[b] = std::move(st);
                                 },
                             .register_benchmarks = register_benchmarks,
                             .summary = print_table,
                             .tear_down = [] { g_states.clear(); }},
                            argc, argv);
}
