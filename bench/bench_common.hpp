// Helpers shared by the benchmark programs (sqlcore_bench, trinity_bench, agents_bench,
// transfer_bench, messages_bench, tpcb_bench): Google Benchmark's set-up, the backends and sides of
// a comparison, raw sqlite3 / libpq connections opened as sqlcore's drivers open theirs, a raw
// COPY, timestamps as a raw program handles them, latency percentiles of a run, whole-run timings
// with their spread, a reporter that keeps each benchmark's figures (and the spread of its
// repetitions) for a summary table, and the throwaway PostgreSQL database a benchmark runs in.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <sqlcore/core/url.hpp>
#include <sqlcore/engine/engine.hpp>

namespace bench {

// Console colours as Google Benchmark decides them for its own reporter (--benchmark_color).
inline benchmark::ConsoleReporter::OutputOptions console_options(int argc, char** argv) {
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

// Whether SQLCORE_TEST_BACKENDS (unset: all) asks for `backend` ("sqlite" or "postgresql").
inline bool wanted(const char* backend) {
  const char* env = std::getenv("SQLCORE_TEST_BACKENDS");
  if (env == nullptr || *env == '\0') return true;
  std::string_view list = env;
  if (std::string_view(backend) == "sqlite")
    return list.find("sqlite") != std::string_view::npos;  // sqlite, sqlite-file, sqlite-memory
  return list.find(backend) != std::string_view::npos;
}

/// The command line handed to Google Benchmark: defaults a flag can override (repetitions,
/// randomly interleaved, aggregates only) before the user's own arguments.
struct Args {
  std::vector<std::string> defaults;
  std::vector<char*> argv;
  int argc = 0;
};

/// Initialises Google Benchmark with `repetitions` unless the command line says otherwise.
/// Returns false (exit 2) on an unrecognised argument.
inline bool initialize(Args& out, int argc, char** argv, int repetitions) {
  auto add_default = [&](std::string_view flag, std::string_view value) {
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]).starts_with(flag)) return;
    out.defaults.push_back(std::string(flag) + "=" + std::string(value));
  };
  add_default("--benchmark_repetitions", std::to_string(repetitions));
  add_default("--benchmark_enable_random_interleaving", "true");
  add_default("--benchmark_report_aggregates_only", "true");
  out.argv.reserve(static_cast<std::size_t>(argc) + out.defaults.size() + 1);
  out.argv.push_back(argv[0]);
  for (std::string& d : out.defaults) out.argv.push_back(d.data());
  for (int i = 1; i < argc; ++i) out.argv.push_back(argv[i]);
  out.argc = static_cast<int>(out.argv.size());
  out.argv.push_back(nullptr);
  benchmark::Initialize(&out.argc, out.argv.data());
  return !benchmark::ReportUnrecognizedArguments(out.argc, out.argv.data());
}

// ---- the two sides of a comparison, on two backends -------------------------------------------

enum class Backend { sqlite, postgresql };
inline const char* backend_name(Backend b) {
  return b == Backend::sqlite ? "sqlite" : "postgresql";
}
/// trinity: through DatabaseManager's operations; raw: the same SQL through the C API.
enum class Side { trinity, raw };
inline const char* side_name(Side s) {
  return s == Side::trinity ? "trinity" : "raw";
}

// The placeholder of parameter `i` (from 1) as sqlcore renders it for each backend.
inline std::string ph(Backend b, int i) {
  return (b == Backend::sqlite ? "?" : "$") + std::to_string(i);
}

/// A new directory for a benchmark's SQLite file, e.g. temp_dir("/tmp/trinity-bench").
inline std::filesystem::path temp_dir(const std::string& prefix) {
  std::string tmpl = prefix + ".XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create " + tmpl);
  return tmpl;
}

// ---- timestamps as a raw program handles them --------------------------------------------------

inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC), the text sqlcore stores in SQLite and sends to PostgreSQL.
inline std::string format_ts(std::int64_t us) {
  using namespace std::chrono;
  const sys_time<microseconds> tp{microseconds(us)};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd(day);
  const hh_mm_ss<microseconds> hms(tp - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%06lld",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

// Parses `YYYY-MM-DD HH:MM:SS[.f...][+00]` (SQLite's stored text, PostgreSQL's ISO output in UTC).
inline std::int64_t parse_ts(std::string_view s) {
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    if (pos + len > s.size() ||
        std::from_chars(s.data() + pos, s.data() + pos + len, v).ec != std::errc())
      throw std::runtime_error("bad timestamp '" + std::string(s) + "'");
    return v;
  };
  using namespace std::chrono;
  const year_month_day ymd{year(num(0, 4)), month(static_cast<unsigned>(num(5, 2))),
                           day(static_cast<unsigned>(num(8, 2)))};
  std::int64_t us = duration_cast<microseconds>(sys_days(ymd).time_since_epoch()).count();
  us += (static_cast<std::int64_t>(num(11, 2)) * 3600 + num(14, 2) * 60 + num(17, 2)) * 1'000'000;
  if (s.size() > 19 && s[19] == '.') {
    std::int64_t frac = 0;
    int digits = 0;
    for (std::size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits)
      if (digits < 6) frac = frac * 10 + (s[i] - '0');
    for (int d = std::min(digits, 6); d < 6; ++d) frac *= 10;
    us += frac;
  }
  return us;
}

// ---- raw SQLite --------------------------------------------------------------------------------

[[noreturn]] inline void sqlite_fail(sqlite3* db, std::string_view what) {
  throw std::runtime_error("sqlite3: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

struct RawSqliteStmt {
  sqlite3_stmt* st = nullptr;
  RawSqliteStmt(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
        SQLITE_OK)
      sqlite_fail(db, sql);
  }
  ~RawSqliteStmt() { sqlite3_finalize(st); }
  RawSqliteStmt(const RawSqliteStmt&) = delete;
  RawSqliteStmt& operator=(const RawSqliteStmt&) = delete;
};

inline sqlite3* open_raw_sqlite(const std::string& path) {
  // As sqlcore's SQLite driver opens a file database: extended result codes, busy_timeout 5 s,
  // foreign_keys=ON, case_sensitive_like=ON, journal_mode=WAL, synchronous=NORMAL.
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw std::runtime_error("sqlite3_open_v2: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  for (const char* sql : {"PRAGMA foreign_keys = ON", "PRAGMA case_sensitive_like = ON",
                          "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::string msg = sqlite3_errmsg(db);
      sqlite3_close_v2(db);
      throw std::runtime_error("sqlite3: " + std::string(sql) + ": " + msg);
    }
  }
  return db;
}

inline void bind_text(sqlite3* db, sqlite3_stmt* st, int i, const std::string& s) {
  if (sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC) != SQLITE_OK)
    sqlite_fail(db, "bind");
}

inline std::string sqlite_text(sqlite3_stmt* st, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return p == nullptr ? std::string()
                      : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
}
inline std::optional<std::string> sqlite_opt_text(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  return sqlite_text(st, col);
}
inline std::optional<std::int64_t> sqlite_opt_int(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(st, col);
}
// SQLite stores a boolean as the integer 0 or 1.
inline std::optional<bool> sqlite_opt_bool(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(st, col) != 0;
}

// ---- raw libpq ---------------------------------------------------------------------------------

// A libpq connection with the session settings sqlcore's driver sets (UTC, ISO dates, ...).
inline PGconn* open_raw_pg(const std::string& url) {
  const char* keys[] = {"dbname", "options", "client_encoding", nullptr};
  const char* values[] = {
      url.c_str(), "-c TimeZone=UTC -c DateStyle=ISO -c bytea_output=hex -c extra_float_digits=3",
      "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    PQfinish(conn);
    throw std::runtime_error("PQconnectdbParams: " + msg);
  }
  return conn;
}

struct PgResult {
  PGresult* res;
  explicit PgResult(PGresult* r) : res(r) {}
  ~PgResult() { PQclear(res); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
};

inline void pg_check(PGconn* conn, const PgResult& r, ExecStatusType want, std::string_view what) {
  if (r.res != nullptr && PQresultStatus(r.res) == want) return;
  throw std::runtime_error("libpq: " + std::string(what) + ": " + PQerrorMessage(conn));
}
inline void pg_exec(PGconn* conn, const char* sql) {
  PgResult r(PQexec(conn, sql));
  pg_check(conn, r, PGRES_COMMAND_OK, sql);
}

inline std::string pg_text(const PGresult* res, int row, int col) {
  return std::string(PQgetvalue(res, row, col),
                     static_cast<std::size_t>(PQgetlength(res, row, col)));
}
inline std::int64_t pg_int(const PGresult* res, int row, int col) {
  std::int64_t v = 0;
  const char* p = PQgetvalue(res, row, col);
  std::from_chars(p, p + PQgetlength(res, row, col), v);
  return v;
}
inline std::optional<std::string> pg_opt_text(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::nullopt;
  return pg_text(res, row, col);
}
inline std::optional<std::int64_t> pg_opt_int(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::nullopt;
  return pg_int(res, row, col);
}
// A boolean in PostgreSQL's text format: "t" or "f".
inline std::optional<bool> pg_opt_bool(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::nullopt;
  return PQgetvalue(res, row, col)[0] == 't';
}

/// Appends `s` to a COPY text-format row: backslash, tab, newline and carriage return escaped.
inline void append_copy_text(std::string& buf, std::string_view s) {
  for (char c : s) {
    if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
      buf.push_back('\\');
      buf.push_back(c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
    } else {
      buf.push_back(c);
    }
  }
}

/// One COPY ... FROM STDIN on `conn`: rows are appended to buffer() and sent in chunks.
class PgCopy {
 public:
  PgCopy(PGconn* conn, const std::string& sql) : conn_(conn) {
    PgResult r(PQexec(conn_, sql.c_str()));
    pg_check(conn_, r, PGRES_COPY_IN, sql);
  }
  std::string& buffer() { return buf_; }
  /// Sends the buffer once it holds 256 KiB or more.
  void flush_if_full() {
    if (buf_.size() >= 256 * 1024) flush();
  }
  /// Sends the rest and ends the COPY; throws what the server refused.
  void finish() {
    flush();
    if (PQputCopyEnd(conn_, nullptr) != 1) throw std::runtime_error(PQerrorMessage(conn_));
    while (PGresult* r = PQgetResult(conn_)) {
      PgResult res(r);
      pg_check(conn_, res, PGRES_COMMAND_OK, "COPY");
    }
  }

 private:
  void flush() {
    if (!buf_.empty() && PQputCopyData(conn_, buf_.data(), static_cast<int>(buf_.size())) != 1)
      throw std::runtime_error(PQerrorMessage(conn_));
    buf_.clear();
  }
  PGconn* conn_;
  std::string buf_;
};

// The throwaway database `name` on the server of `admin_url` (SQLCORE_BENCH_POSTGRES_URL),
// connected to through the server's own database.
inline void drop_pg_database(const std::string& admin_url, const std::string& name) {
  PGconn* conn = open_raw_pg(admin_url);
  try {
    pg_exec(conn, "SET client_min_messages = warning");
    pg_exec(conn, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str());
  } catch (...) {
    PQfinish(conn);
    throw;
  }
  PQfinish(conn);
}

/// Drops what a previous run left and creates `name` empty.
inline void create_pg_database(const std::string& admin_url, const std::string& name) {
  drop_pg_database(admin_url, name);
  PGconn* conn = open_raw_pg(admin_url);
  try {
    pg_exec(conn, ("CREATE DATABASE " + name).c_str());
  } catch (...) {
    PQfinish(conn);
    throw;
  }
  PQfinish(conn);
}

/// The fresh databases a benchmark program runs in, one per wanted backend, removed when it ends:
/// SQLite, a file in a new temp dir (sqlcore's driver opens it in WAL mode); PostgreSQL, the
/// database `name` on the server of SQLCORE_BENCH_POSTGRES_URL, dropped and created again. Without
/// that variable only SQLite runs, with a note on stderr naming `program`.
class FreshDatabases {
 public:
  FreshDatabases(std::string program, std::string name)
      : program_(std::move(program)), name_(std::move(name)) {}
  ~FreshDatabases() {
    if (pg_created_) {
      try {
        drop_pg_database(pg_admin_url_, name_);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: cleanup: %s\n", program_.c_str(), e.what());
      }
    }
    if (!sqlite_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(sqlite_dir_, ec);
    }
  }
  FreshDatabases(const FreshDatabases&) = delete;
  FreshDatabases& operator=(const FreshDatabases&) = delete;

  /// The sqlcore URL of a new SQLite file; nullopt when SQLCORE_TEST_BACKENDS leaves SQLite out.
  /// SQLCORE_BENCH_SQLITE_QUERY, when set, is the URL's query (to compare settings, e.g.
  /// "writer_queue=off" or "checkpoint=inline").
  std::optional<std::string> sqlite_url() {
    if (!wanted("sqlite")) return std::nullopt;
    sqlite_dir_ = temp_dir("/tmp/" + name_);
    std::string url = "sqlite:///" + (sqlite_dir_ / (name_ + ".db")).string();
    if (const char* q = std::getenv("SQLCORE_BENCH_SQLITE_QUERY"); q != nullptr && *q != '\0')
      url += std::string("?") + q;
    return url;
  }

  /// The sqlcore URL (with the password) of the new PostgreSQL database; nullopt when not wanted
  /// or SQLCORE_BENCH_POSTGRES_URL is not set (then with the note).
  std::optional<std::string> postgresql_url() {
    if (!wanted("postgresql")) return std::nullopt;
    const char* url = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      std::fprintf(stderr,
                   "%s: SQLCORE_BENCH_POSTGRES_URL is not set; running the SQLite benchmarks only "
                   "(make bench starts a PostgreSQL server and sets it)\n",
                   program_.c_str());
      return std::nullopt;
    }
    pg_admin_url_ = url;
    create_pg_database(pg_admin_url_, name_);
    pg_created_ = true;
    return sqlcore::Url::parse(pg_admin_url_).with_database(name_).render(false);
  }

 private:
  std::string program_, name_;
  std::filesystem::path sqlite_dir_;
  std::string pg_admin_url_;
  bool pg_created_ = false;
};

// ---- sqlcore's pool
// ------------------------------------------------------------------------------

/// Opens `n` connections of `engine`'s pool and runs `op(k)` on each (k from 0), so that every
/// connection a run with up to `n` threads can use is open and has its statements prepared: the
/// pool hands out its most recently returned connection first, so hold k of them, run the
/// operation on the (k+1)-th, and give them back in the order they came out.
template <class Op>
void warm_pool(sqlcore::Engine& engine, int n, Op&& op) {
  {
    std::vector<sqlcore::Connection> held;
    for (int i = 0; i < n; ++i) held.push_back(engine.connect());
    while (!held.empty()) held.pop_back();
  }
  for (int k = 0; k < n; ++k) {
    std::vector<sqlcore::Connection> held;
    for (int i = 0; i < k; ++i) held.push_back(engine.connect());
    op(k);
    while (!held.empty()) held.pop_back();
  }
}

// ---- latency samples of one run (all its threads) ----------------------------------------------

struct Percentiles {
  double p50 = 0, p99 = 0;
};

// The threads of a run hand their samples in after their timed loop and wait until all have, so
// that each can report the percentiles of the whole run. Runs follow one another, never overlap.
class RunSamples {
 public:
  Percentiles submit(std::vector<std::int64_t>& mine, int threads) {
    std::unique_lock lock(mu_);
    const std::uint64_t generation = generation_;
    samples_.insert(samples_.end(), mine.begin(), mine.end());
    if (++arrived_ == threads) {
      std::sort(samples_.begin(), samples_.end());
      result_ = Percentiles{at(0.50), at(0.99)};
      samples_.clear();
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation; });
    }
    return result_;
  }

 private:
  // Nearest rank, in microseconds.
  double at(double p) const {
    if (samples_.empty()) return 0;
    auto rank = static_cast<std::size_t>(p * static_cast<double>(samples_.size()) + 0.999999);
    rank = std::clamp<std::size_t>(rank, 1, samples_.size());
    return static_cast<double>(samples_[rank - 1]) / 1000.0;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::int64_t> samples_;  // nanoseconds
  int arrived_ = 0;
  std::uint64_t generation_ = 0;
  Percentiles result_;
};
/// One thread's part of a latency benchmark: `warmup` untimed calls op(0), op(1), ..., then one
/// call per iteration, each timed on its own with steady_clock (op(i), i counting the timed calls
/// from 0), each call preceded by prepare(i), untimed. `op` returns nullptr when its result is as
/// expected, else what is wrong; that, an exception or a `setup_error` ends the thread's run with
/// SkipWithError. The counters p50_us and p99_us are those of every sample of the run (all its
/// threads, gathered through `samples`).
template <class Prepare, class Op>
void measure_latency_prepared(benchmark::State& state, RunSamples& samples, int warmup,
                              Prepare&& prepare, Op&& op,
                              const std::optional<std::string>& setup_error = std::nullopt) {
  std::vector<std::int64_t> mine;
  mine.reserve(static_cast<std::size_t>(state.max_iterations));
  bool failed = false;
  auto fail = [&](const std::string& why) {
    state.SkipWithError(why.c_str());
    failed = true;
  };
  try {
    if (setup_error) throw std::runtime_error("set-up: " + *setup_error);
    for (int i = 0; i < warmup; ++i) {
      prepare(static_cast<std::size_t>(i));
      op(static_cast<std::size_t>(i));
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  std::size_t i = 0;
  for (auto _ : state) {
    if (failed) continue;
    try {
      prepare(i);
      const auto t0 = std::chrono::steady_clock::now();
      const char* wrong = op(i++);
      const auto t1 = std::chrono::steady_clock::now();
      mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      if (wrong != nullptr) fail(wrong);
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
  // Every thread reports the same figures; kAvgThreads keeps them as they are.
  const Percentiles p = samples.submit(mine, state.threads());
  state.counters["p50_us"] = benchmark::Counter(p.p50, benchmark::Counter::kAvgThreads);
  state.counters["p99_us"] = benchmark::Counter(p.p99, benchmark::Counter::kAvgThreads);
  state.SetItemsProcessed(state.iterations());
}

/// measure_latency_prepared() with nothing to prepare.
template <class Op>
void measure_latency(benchmark::State& state, RunSamples& samples, int warmup, Op&& op,
                     const std::optional<std::string>& setup_error = std::nullopt) {
  measure_latency_prepared(
      state, samples, warmup, [](std::size_t) {}, std::forward<Op>(op), setup_error);
}

/// Runs `body` and turns an exception into the benchmark's error (SkipWithError): the run goes
/// on with the other benchmarks.
template <class F>
void guarded(benchmark::State& state, F&& body) {
  try {
    std::forward<F>(body)();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

/// Adds the statistics "min" and "max" to `bm`'s repetitions (beside Google Benchmark's mean,
/// median, stddev and cv), so that RecordingReporter::spread_of() gives the fastest and slowest
/// repetition of each figure. Returns `bm`.
inline benchmark::internal::Benchmark* with_spread(benchmark::internal::Benchmark* bm) {
  bm->ComputeStatistics("min", [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
  });
  bm->ComputeStatistics("max", [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
  });
  return bm;
}

// ---- whole-run timings -------------------------------------------------------------------------

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The seconds each repetition of a named run took, for a median and its spread.
class Timings {
 public:
  struct Spread {
    std::size_t count = 0;
    double median = 0, min = 0, max = 0;
  };
  void add(const std::string& name, double seconds) { seconds_[name].push_back(seconds); }
  std::optional<Spread> spread(const std::string& name) const {
    auto it = seconds_.find(name);
    if (it == seconds_.end() || it->second.empty()) return std::nullopt;
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    return Spread{v.size(), v[v.size() / 2], v.front(), v.back()};
  }

 private:
  std::map<std::string, std::vector<double>> seconds_;
};

// ---- reporting ---------------------------------------------------------------------------------

struct Figures {
  double p50 = 0, p99 = 0, ops = 0;
};

// The console output as usual, plus each benchmark's figures: the median aggregate when there are
// repetitions, else the median of the plain runs.
class RecordingReporter final : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const std::string key = run.run_name.function_name + "#" + std::to_string(run.threads);
      Figures f{counter(run, "p50_us"), counter(run, "p99_us"), counter(run, "items_per_second")};
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name == "median") medians_[key] = f;
        if (run.aggregate_name == "min") mins_[key] = f;
        if (run.aggregate_name == "max") maxs_[key] = f;
      } else {
        plain_[key].push_back(f);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  std::optional<Figures> figures_of(const std::string& name, int threads) const {
    const std::string key = name + "#" + std::to_string(threads);
    if (auto it = medians_.find(key); it != medians_.end()) return it->second;
    auto it = plain_.find(key);
    if (it == plain_.end() || it->second.empty()) return std::nullopt;
    auto median = [&](double Figures::*field) {
      std::vector<double> v;
      for (const Figures& f : it->second) v.push_back(f.*field);
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    return Figures{median(&Figures::p50), median(&Figures::p99), median(&Figures::ops)};
  }

  /// The smallest and the largest value of each figure over the repetitions (each figure on its
  /// own: the slowest repetition has the smallest ops), when the benchmark has the statistics
  /// with_spread() adds.
  std::optional<std::pair<Figures, Figures>> spread_of(const std::string& name, int threads) const {
    const std::string key = name + "#" + std::to_string(threads);
    auto lo = mins_.find(key);
    auto hi = maxs_.find(key);
    if (lo == mins_.end() || hi == maxs_.end()) return std::nullopt;
    return std::pair(lo->second, hi->second);
  }

 private:
  static double counter(const Run& run, const char* name) {
    auto it = run.counters.find(name);
    return it == run.counters.end() ? 0.0 : it->second.value;
  }
  std::map<std::string, Figures> medians_, mins_, maxs_;
  std::map<std::string, std::vector<Figures>> plain_;
};

inline std::string fmt(const char* format, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// A table cell: `field` of `f` printed with `format`; "-" when the benchmark gave no figures.
inline std::string cell(const std::optional<Figures>& f, double Figures::*field,
                        const char* format) {
  return f ? fmt(format, (*f).*field) : std::string("-");
}

/// `field` of `ours` over `field` of `raw` (3 decimals); "-" when either is missing.
inline std::string ratio(const std::optional<Figures>& ours, const std::optional<Figures>& raw,
                         double Figures::*field) {
  return ours && raw && (*raw).*field > 0 ? fmt("%.3f", (*ours).*field / (*raw).*field) : "-";
}

/// A program that benchmarks the same work on each backend, in a fresh database of its own
/// (trinity_bench, agents_bench): what run_program() calls, in this order.
struct Program {
  const char* name = "";         // for messages, and the SQLite file's folder
  const char* pg_database = "";  // the PostgreSQL database made (and dropped) for the run
  int repetitions = 3;           // default --benchmark_repetitions
  std::function<void(Backend, std::string url)> set_up{};  // each backend the run asks for
  std::function<void(Backend)> register_benchmarks{};
  std::function<void(const RecordingReporter&, const std::vector<Backend>&)> summary{};
  std::function<void()> tear_down{};  // closes every connection, before the databases go
};

/// The main() of such a program; returns its exit status (2: bad arguments, 1: a failure).
inline int run_program(const Program& p, int argc, char** argv) {
  Args args;
  if (!initialize(args, argc, argv, p.repetitions)) return 2;
  std::vector<Backend> backends;
  FreshDatabases databases(p.name, p.pg_database);
  int status = 0;
  try {
    auto add = [&](Backend b, std::optional<std::string> url) {
      if (!url) return;
      p.set_up(b, std::move(*url));
      backends.push_back(b);
    };
    add(Backend::sqlite, databases.sqlite_url());
    add(Backend::postgresql, databases.postgresql_url());
    for (Backend b : backends) p.register_benchmarks(b);
    RecordingReporter reporter(console_options(args.argc, args.argv.data()));
    benchmark::RunSpecifiedBenchmarks(&reporter);
    p.summary(reporter, backends);
  } catch (const std::exception& e) {
    std::cerr << p.name << ": " << e.what() << '\n';
    status = 1;
  }
  benchmark::Shutdown();
  p.tear_down();
  return status;
}

}  // namespace bench
