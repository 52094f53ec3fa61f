// background_bench: the platform's background work through trinity-db -- the execution statistics
// the dashboards poll, the watchdog's stale sweep and delivery workers draining the operator
// queue -- against the raw C APIs (sqlite3, libpq) running the same SQL in the same run, on a
// SQLite file (WAL) and on PostgreSQL.
//
// The data set (set-up, untimed): 200 agents agent000..agent199 registered to one user, and
// 100,000 executions, execution k of agent k % 200 (written with sqlcore's execute_many), started
// k * 1.7 s before the set-up (so about 50,800 fall in the last 24 hours and the rest up to 47 h
// back): every 50th running and started in the last 20 minutes, else 80 % success, 10 % failed,
// 5 % cancelled, 5 % skipped, each finished one with a duration, a cost and a 400-byte response.
//
// The workloads:
//   execution_stats  dbm.schedules().get_all_agents_execution_stats(24): one SELECT of
//                    conditional aggregates grouped by agent (200 rows). raw: the same SELECT,
//                    every aggregate read, the success rate and mean duration derived as the
//                    operation derives them. 30 calls per run, 1 thread.
//   stale_sweep      dbm.schedules().mark_stale_executions_failed(30): one UPDATE of the running
//                    executions started more than 30 minutes ago. Before each call (untimed) 100
//                    executions of the data set are made running again, started 2 hours ago, so
//                    every call sweeps 100 rows among 100,000. raw: the same UPDATE. 100 calls.
//   queue_drain      8 delivery workers (threads) each calling
//                    dbm.operator_queue().claim_pending_items("worker-N", 10) until it returns
//                    nothing, over 10,000 pending items written before the run (untimed): per
//                    call one transaction of SELECT id ... LIMIT 10 FOR UPDATE SKIP LOCKED, then
//                    UPDATE ... WHERE id IN (those ids) RETURNING (SQLite: no lock clause, writers
//                    serialised). raw: the same two statements in a transaction (BEGIN IMMEDIATE
//                    on SQLite, as sqlcore begins), every returned column read. items/s = items
//                    claimed per second of the whole drain; double_claims = items returned twice
//                    (must be 0); every item is checked to be claimed once.
// Each call is timed on its own with steady_clock: p50 and p99 over all calls of a run (all
// threads). Runs are repeated (default 3, randomly interleaved); the table shows the median
// repetition.
//
// Set-up per backend: a fresh database brought to head by DatabaseManager -- SQLite: a file in a
// temp dir (WAL, synchronous=NORMAL); PostgreSQL: a database `background_bench` on the server of
// SQLCORE_BENCH_POSTGRES_URL, VACUUM ANALYZEd after the data set is written.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs, with a note on stderr),
// SQLCORE_TEST_BACKENDS (as for the tests, e.g. "sqlite"; default: all).
#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <sqlcore/sqlcore.hpp>
#include <trinity/db/manager.hpp>

#include "bench_common.hpp"

namespace {

using bench::Backend;
using bench::backend_name;
using bench::bind_text;
using bench::Figures;
using bench::open_raw_pg;
using bench::open_raw_sqlite;
using bench::parse_ts;
using bench::pg_check;
using bench::pg_exec;
using bench::pg_int;
using bench::PgResult;
using bench::ph;
using bench::RawSqliteStmt;
using bench::RecordingReporter;
using bench::Side;
using bench::side_name;
using bench::sqlite_fail;
using trinity::db::DatabaseManager;

constexpr int kAgents = 200;
constexpr int kExecutions = 100'000;
constexpr std::int64_t kSpacingMs = 1700;  // between the start times of consecutive executions
constexpr int kStatsCalls = 30;
constexpr int kSweepCalls = 100;
constexpr int kSweptPerCall = 100;
constexpr int kQueueItems = 10'000;
constexpr int kWorkers = 8;
constexpr std::int64_t kClaimBatch = 10;
constexpr int kDefaultRepetitions = 3;
constexpr const char* kPgDatabase = "background_bench";
constexpr const char* kManual = "__manual__";  // the schedule_id of executions no schedule started

std::string agent_name(int a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "agent%03d", a);
  return buf;
}

std::string execution_id(int k) {
  return "exec-" + std::to_string(k);
}

// ---- the statements the operations run, as sqlcore renders them ------------------------------

// get_all_agents_execution_stats(hours): parameter 1 the cut-off.
std::string stats_sql(Backend b) {
  const std::string finished = "('success', 'failed', 'cancelled', 'skipped')";
  auto when = [](const std::string& cond) {
    return "count(CASE WHEN " + cond + R"( THEN "schedule_executions"."id" END))";
  };
  return R"(SELECT "schedule_executions"."agent_name", count("schedule_executions"."id"), )" +
         when(R"("schedule_executions"."status" = 'success')") + ", " +
         when(R"("schedule_executions"."status" = 'failed')") + ", " +
         when(R"("schedule_executions"."status" = 'running')") + ", " +
         when(R"("schedule_executions"."status" = 'cancelled')") + ", " +
         when(R"("schedule_executions"."status" = 'skipped')") + ", " +
         when(R"("schedule_executions"."status" IN ('pending', 'queued', 'pending_retry'))") +
         R"(, sum("schedule_executions"."cost"), CAST(sum(CASE WHEN "schedule_executions"."status" IN )" +
         finished +
         R"( THEN "schedule_executions"."duration_ms" END) AS BIGINT), count(CASE WHEN "schedule_executions"."status" IN )" +
         finished +
         R"( THEN "schedule_executions"."duration_ms" END), max("schedule_executions"."started_at") )"
         R"(FROM "schedule_executions" WHERE "schedule_executions"."started_at" > )" +
         ph(b, 1) +
         R"( GROUP BY "schedule_executions"."agent_name" ORDER BY "schedule_executions"."agent_name")";
}

// mark_stale_executions_failed(30): parameters completed_at, error, cut-off.
std::string sweep_sql(Backend b) {
  return R"(UPDATE "schedule_executions" SET "status" = 'failed', "completed_at" = )" + ph(b, 1) +
         R"(, "error" = )" + ph(b, 2) +
         R"( WHERE "schedule_executions"."status" = 'running' AND "schedule_executions"."started_at" < )" +
         ph(b, 3);
}

// claim_pending_items(worker, 10), two statements in one transaction. The lock: parameter now
// (the expiry test); the limit is written in.
std::string lock_sql(Backend b) {
  return R"(SELECT "operator_queue"."id" FROM "operator_queue" WHERE "operator_queue"."status" = )"
         R"('pending' AND ("operator_queue"."expires_at" IS NULL OR "operator_queue"."expires_at" > )" +
         ph(b, 1) +
         R"() AND "operator_queue"."delivery_state" IS NULL ORDER BY "operator_queue"."created_at", )"
         R"("operator_queue"."id" LIMIT )" +
         std::to_string(kClaimBatch) + (b == Backend::postgresql ? " FOR UPDATE SKIP LOCKED" : "");
}
// The claim of the locked ids: parameters worker, now, then kClaimBatch ids (NULL where fewer
// were locked: NULL matches nothing).
std::string claim_sql(Backend b) {
  std::string ids;
  for (int i = 0; i < kClaimBatch; ++i) ids += (i ? ", " : "") + ph(b, 3 + i);
  return R"(UPDATE "operator_queue" SET "delivery_state" = 'claimed', "delivery_detail" = )" +
         ph(b, 1) + R"(, "delivery_updated_at" = )" + ph(b, 2) +
         R"( WHERE "operator_queue"."id" IN ()" + ids + ") RETURNING *";
}

// What the raw stats read gives per agent (ExecutionStats' fields).
struct RawStats {
  std::string agent;
  std::int64_t counts[7] = {};
  double cost = 0;
  std::int64_t avg_duration_ms = 0;
  double success_rate = 0;
  std::int64_t last_started_us = 0;
};

std::string sqlite_ts(std::int64_t us) {
  return bench::format_ts(us);
}
std::string pg_ts(std::int64_t us) {
  return bench::format_ts(us) + "+00";
}

// ---- raw connections ---------------------------------------------------------------------------

class RawSide {
 public:
  virtual ~RawSide() = default;
  virtual std::vector<RawStats> stats(std::int64_t since_us) = 0;
  virtual std::int64_t sweep(std::int64_t now_us, std::int64_t cutoff_us) = 0;
  // The ids of the claimed items.
  virtual std::vector<std::string> claim(const std::string& worker, std::int64_t now_us) = 0;
};

class RawSqlite final : public RawSide {
 public:
  explicit RawSqlite(const std::string& path)
      : db_(open_raw_sqlite(path)),
        stats_(db_, stats_sql(Backend::sqlite)),
        sweep_(db_, sweep_sql(Backend::sqlite)),
        lock_(db_, lock_sql(Backend::sqlite)),
        claim_(db_, claim_sql(Backend::sqlite)) {}
  ~RawSqlite() override { sqlite3_close_v2(db_); }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;

  std::vector<RawStats> stats(std::int64_t since_us) override {
    sqlite3_stmt* st = stats_.st;
    const std::string since = sqlite_ts(since_us);  // bound SQLITE_STATIC: must outlive the step
    bind_text(db_, st, 1, since);
    std::vector<RawStats> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      RawStats s;
      s.agent = bench::sqlite_text(st, 0);
      for (int i = 0; i < 7; ++i) s.counts[i] = sqlite3_column_int64(st, 1 + i);
      s.cost = sqlite3_column_double(st, 8);
      const std::int64_t finished = sqlite3_column_int64(st, 10);
      if (finished > 0) s.avg_duration_ms = sqlite3_column_int64(st, 9) / finished;
      if (s.counts[0] > 0) s.success_rate = 100.0 * double(s.counts[1]) / double(s.counts[0]);
      s.last_started_us = parse_ts(reinterpret_cast<const char*>(sqlite3_column_text(st, 11)));
      out.push_back(std::move(s));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) sqlite_fail(db_, "stats");
    return out;
  }

  std::int64_t sweep(std::int64_t now_us, std::int64_t cutoff_us) override {
    exec("BEGIN IMMEDIATE");
    sqlite3_stmt* st = sweep_.st;
    // Bound SQLITE_STATIC: the strings must outlive the step.
    const std::string now = sqlite_ts(now_us), error = kSweepError, cutoff = sqlite_ts(cutoff_us);
    bind_text(db_, st, 1, now);
    bind_text(db_, st, 2, error);
    bind_text(db_, st, 3, cutoff);
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) sqlite_fail(db_, "sweep");
    const std::int64_t n = sqlite3_changes64(db_);
    exec("COMMIT");
    return n;
  }

  std::vector<std::string> claim(const std::string& worker, std::int64_t now_us) override {
    exec("BEGIN IMMEDIATE");
    const std::string now = sqlite_ts(now_us);
    std::vector<std::string> locked;
    int rc;
    bind_text(db_, lock_.st, 1, now);
    while ((rc = sqlite3_step(lock_.st)) == SQLITE_ROW)
      locked.push_back(bench::sqlite_text(lock_.st, 0));
    sqlite3_reset(lock_.st);
    if (rc != SQLITE_DONE) sqlite_fail(db_, "lock");
    std::vector<std::string> ids;
    if (locked.empty()) {
      exec("COMMIT");
      return ids;
    }
    sqlite3_stmt* st = claim_.st;
    bind_text(db_, st, 1, worker);
    bind_text(db_, st, 2, now);
    for (int i = 0; i < kClaimBatch; ++i) {
      if (static_cast<std::size_t>(i) < locked.size())
        bind_text(db_, st, 3 + i, locked[static_cast<std::size_t>(i)]);
      else
        sqlite3_bind_null(st, 3 + i);
    }
    const int columns = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      for (int c = 1; c < columns; ++c) {
        auto v = bench::sqlite_opt_text(st, c);
        benchmark::DoNotOptimize(v);
      }
      ids.push_back(bench::sqlite_text(st, 0));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) sqlite_fail(db_, "claim");
    exec("COMMIT");
    return ids;
  }

 private:
  static constexpr const char* kSweepError =
      "Marked as failed by cleanup: exceeded 30-minute timeout";
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) sqlite_fail(db_, sql);
  }
  sqlite3* db_;
  RawSqliteStmt stats_, sweep_, lock_, claim_;
};

class RawPg final : public RawSide {
 public:
  explicit RawPg(const std::string& url) : conn_(open_raw_pg(url)) {
    prepare("stats", stats_sql(Backend::postgresql), 1);
    prepare("sweep", sweep_sql(Backend::postgresql), 3);
    prepare("lock", lock_sql(Backend::postgresql), 1);
    prepare("claim", claim_sql(Backend::postgresql), 2 + static_cast<int>(kClaimBatch));
  }
  ~RawPg() override { PQfinish(conn_); }
  RawPg(const RawPg&) = delete;
  RawPg& operator=(const RawPg&) = delete;

  std::vector<RawStats> stats(std::int64_t since_us) override {
    const std::string since = pg_ts(since_us);
    const char* params[] = {since.c_str()};
    PgResult r(PQexecPrepared(conn_, "stats", 1, params, nullptr, nullptr, 0));
    pg_check(conn_, r, PGRES_TUPLES_OK, "stats");
    std::vector<RawStats> out;
    for (int row = 0, n = PQntuples(r.res); row < n; ++row) {
      RawStats s;
      s.agent = bench::pg_text(r.res, row, 0);
      for (int i = 0; i < 7; ++i) s.counts[i] = pg_int(r.res, row, 1 + i);
      s.cost = std::strtod(PQgetvalue(r.res, row, 8), nullptr);
      const std::int64_t finished = pg_int(r.res, row, 10);
      if (finished > 0) s.avg_duration_ms = pg_int(r.res, row, 9) / finished;
      if (s.counts[0] > 0) s.success_rate = 100.0 * double(s.counts[1]) / double(s.counts[0]);
      s.last_started_us = parse_ts(PQgetvalue(r.res, row, 11));
      out.push_back(std::move(s));
    }
    return out;
  }

  std::int64_t sweep(std::int64_t now_us, std::int64_t cutoff_us) override {
    pg_exec(conn_, "BEGIN");
    const std::string now = pg_ts(now_us), cutoff = pg_ts(cutoff_us);
    const char* params[] = {now.c_str(), "Marked as failed by cleanup: exceeded 30-minute timeout",
                            cutoff.c_str()};
    PgResult r(PQexecPrepared(conn_, "sweep", 3, params, nullptr, nullptr, 0));
    pg_check(conn_, r, PGRES_COMMAND_OK, "sweep");
    const std::int64_t n = std::strtoll(PQcmdTuples(r.res), nullptr, 10);
    pg_exec(conn_, "COMMIT");
    return n;
  }

  std::vector<std::string> claim(const std::string& worker, std::int64_t now_us) override {
    pg_exec(conn_, "BEGIN");
    const std::string now = pg_ts(now_us);
    std::vector<std::string> ids;
    std::vector<std::string> locked;
    {
      const char* lock_params[] = {now.c_str()};
      PgResult l(PQexecPrepared(conn_, "lock", 1, lock_params, nullptr, nullptr, 0));
      pg_check(conn_, l, PGRES_TUPLES_OK, "lock");
      for (int row = 0, n = PQntuples(l.res); row < n; ++row)
        locked.push_back(bench::pg_text(l.res, row, 0));
    }
    if (locked.empty()) {
      pg_exec(conn_, "COMMIT");
      return ids;
    }
    std::vector<const char*> params = {worker.c_str(), now.c_str()};
    for (int i = 0; i < kClaimBatch; ++i)
      params.push_back(static_cast<std::size_t>(i) < locked.size()
                           ? locked[static_cast<std::size_t>(i)].c_str()
                           : nullptr);
    PgResult r(PQexecPrepared(conn_, "claim", static_cast<int>(params.size()), params.data(),
                              nullptr, nullptr, 0));
    pg_check(conn_, r, PGRES_TUPLES_OK, "claim");
    for (int row = 0, n = PQntuples(r.res), cols = PQnfields(r.res); row < n; ++row) {
      for (int c = 1; c < cols; ++c) {
        auto v = bench::pg_opt_text(r.res, row, c);
        benchmark::DoNotOptimize(v);
      }
      ids.push_back(bench::pg_text(r.res, row, 0));
    }
    pg_exec(conn_, "COMMIT");
    return ids;
  }

 private:
  void prepare(const char* name, const std::string& sql, int nparams) {
    PgResult r(PQprepare(conn_, name, sql.c_str(), nparams, nullptr));
    pg_check(conn_, r, PGRES_COMMAND_OK, sql);
  }
  PGconn* conn_;
};

// ---- per-backend state -------------------------------------------------------------------------

struct BackendState {
  Backend backend = Backend::sqlite;
  std::string url;
  std::unique_ptr<DatabaseManager> dbm;
  std::vector<std::unique_ptr<RawSide>> raw;  // one per worker thread
  std::int64_t set_up_us = 0;                 // when the data set's start times were counted from
  std::int64_t in_window = 0;                 // executions of the data set in the last 24 hours
  int sweep_cursor = 0;                       // the next execution restage_stale() makes stale
};

std::map<Backend, BackendState> g_states;

std::unique_ptr<RawSide> open_raw(const BackendState& st) {
  if (st.backend == Backend::sqlite)
    return std::make_unique<RawSqlite>(st.dbm->engine().url().database());
  return std::make_unique<RawPg>(st.url);
}

void write_data_set(BackendState& st) {
  DatabaseManager& dbm = *st.dbm;
  auto owner = dbm.users().create_user({.username = "ops", .email = "ops@example.com"});
  for (int a = 0; a < kAgents; ++a) dbm.agents().register_agent_owner(agent_name(a), "ops");
  // The marker schedule of manual executions, made by the first manual execution.
  auto first = dbm.schedules().create_task_execution({.agent_name = agent_name(0), .message = "x"});
  if (!first) throw std::runtime_error("create_task_execution refused agent000");
  (void)owner;
  const auto& t = trinity::db::schema().schedule_executions;
  auto ins = sqlcore::insert(t).values({{t.id, sqlcore::bindparam("id")},
                                        {t.schedule_id, sqlcore::bindparam("schedule_id")},
                                        {t.agent_name, sqlcore::bindparam("agent_name")},
                                        {t.status, sqlcore::bindparam("status")},
                                        {t.started_at, sqlcore::bindparam("started_at")},
                                        {t.completed_at, sqlcore::bindparam("completed_at")},
                                        {t.duration_ms, sqlcore::bindparam("duration_ms")},
                                        {t.message, sqlcore::bindparam("message")},
                                        {t.response, sqlcore::bindparam("response")},
                                        {t.triggered_by, sqlcore::bindparam("triggered_by")},
                                        {t.cost, sqlcore::bindparam("cost")}});
  st.set_up_us = bench::now_us();
  const std::int64_t day_ago = st.set_up_us - std::int64_t{24} * 3600 * 1'000'000;
  const std::string response(400, 'r');
  std::vector<sqlcore::Params> rows;
  rows.reserve(kExecutions);
  st.in_window = 0;
  for (int k = 0; k < kExecutions; ++k) {
    const bool running = k % 50 == 7;  // not k % 50 == 0: every agent has finished ones too
    const std::int64_t started =
        running ? st.set_up_us - std::int64_t{k % 1200} * 1'000'000  // within 20 minutes
                : st.set_up_us - std::int64_t{k} * kSpacingMs * 1000;
    if (started > day_ago) ++st.in_window;
    const int r = k % 20;
    const char* status = running  ? "running"
                         : r < 16 ? "success"
                         : r < 18 ? "failed"
                         : r < 19 ? "cancelled"
                                  : "skipped";
    const sqlcore::Timestamp at = sqlcore::Timestamp::from_micros(started);
    sqlcore::Params p{{"id", execution_id(k)},
                      {"schedule_id", kManual},
                      {"agent_name", agent_name(k % kAgents)},
                      {"status", status},
                      {"started_at", at},
                      {"message", "run the report"},
                      {"triggered_by", "manual"}};
    if (running) {
      p.push_back({"completed_at", nullptr});
      p.push_back({"duration_ms", nullptr});
      p.push_back({"response", nullptr});
      p.push_back({"cost", nullptr});
    } else {
      p.push_back({"completed_at", sqlcore::Timestamp::from_micros(started + 30'000'000)});
      p.push_back({"duration_ms", std::int64_t{1000 + k % 60'000}});
      p.push_back({"response", response});
      p.push_back({"cost", 0.001 * (k % 100)});
    }
    rows.push_back(std::move(p));
  }
  st.dbm->engine().begin([&](sqlcore::Connection& c) { c.execute_many(ins, rows); });
}

// The agents' stats of both sides agree, and with the data set.
void verify_stats(BackendState& st) {
  const auto ours = st.dbm->schedules().get_all_agents_execution_stats(24);
  const std::int64_t since = bench::now_us() - std::int64_t{24} * 3600 * 1'000'000;
  const auto raw = st.raw[0]->stats(since);
  if (ours.size() != static_cast<std::size_t>(kAgents) || raw.size() != ours.size())
    throw std::runtime_error("verify: the stats hold other than 200 agents (trinity " +
                             std::to_string(ours.size()) + ", raw " + std::to_string(raw.size()) +
                             ")");
  std::int64_t total = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const auto& o = ours[i].stats;
    const auto& r = raw[i];
    total += o.task_count;
    if (ours[i].agent_name != r.agent || o.task_count != r.counts[0] ||
        o.success_count != r.counts[1] || o.failed_count != r.counts[2] ||
        o.running_count != r.counts[3] || o.avg_duration_ms.value_or(0) != r.avg_duration_ms)
      throw std::runtime_error("verify: the stats of " + r.agent +
                               " differ between the sides: " + std::to_string(o.task_count) + "/" +
                               std::to_string(r.counts[0]) + " " + std::to_string(o.success_count) +
                               "/" + std::to_string(r.counts[1]) + " " +
                               std::to_string(o.avg_duration_ms.value_or(-1)) + "/" +
                               std::to_string(r.avg_duration_ms));
  }
  // The window moved a little since the set-up: allow the executions of those seconds.
  if (total > st.in_window + 1 || total < st.in_window - 200)
    throw std::runtime_error("verify: " + std::to_string(total) +
                             " executions in the window, not " + std::to_string(st.in_window));
}

void vacuum(const BackendState& st) {
  if (st.backend != Backend::postgresql) return;
  PGconn* conn = open_raw_pg(st.url);
  try {
    pg_exec(conn, "VACUUM ANALYZE");
  } catch (...) {
    PQfinish(conn);
    throw;
  }
  PQfinish(conn);
}

void set_up(BackendState& st) {
  st.dbm = std::make_unique<DatabaseManager>(trinity::db::ManagerOptions{.url = st.url});
  write_data_set(st);
  vacuum(st);
  for (int i = 0; i < kWorkers; ++i) st.raw.push_back(open_raw(st));
  verify_stats(st);
  bench::warm_pool(st.dbm->engine(), kWorkers, [&](int) {
    (void)st.dbm->operator_queue().claim_pending_items("warm-up", kClaimBatch);
  });
}

// ---- the benchmarks ----------------------------------------------------------------------------

bench::RunSamples g_samples;

// What the Setup of the running benchmark could not do (the benchmark then skips).
std::optional<std::string> g_setup_error;

void execution_stats(benchmark::State& state, Backend b, Side side) {
  if (g_setup_error) {
    state.SkipWithError(g_setup_error->c_str());
    return;
  }
  BackendState& st = g_states.at(b);
  bench::measure_latency(state, g_samples, 2, [&](std::size_t) -> const char* {
    std::size_t n;
    if (side == Side::trinity) {
      auto s = st.dbm->schedules().get_all_agents_execution_stats(24);
      benchmark::DoNotOptimize(s);
      n = s.size();
    } else {
      auto s = st.raw[0]->stats(bench::now_us() - std::int64_t{24} * 3600 * 1'000'000);
      benchmark::DoNotOptimize(s);
      n = s.size();
    }
    return n == static_cast<std::size_t>(kAgents) ? nullptr : "stats of other than 200 agents";
  });
}

// Makes kSweptPerCall executions of the data set (a new slice each time) running, started two
// hours ago: what the next sweep finds stale.
void restage_stale(BackendState& st) {
  const auto& t = trinity::db::schema().schedule_executions;
  std::vector<sqlcore::Value> ids;
  // The next kSweptPerCall finished executions (the data set's running ones are left alone).
  while (ids.size() < static_cast<std::size_t>(kSweptPerCall)) {
    const int k = st.sweep_cursor++ % kExecutions;
    if (k % 50 != 7) ids.emplace_back(execution_id(k));
  }
  const auto two_hours_ago =
      sqlcore::Timestamp::from_micros(bench::now_us() - std::int64_t{2} * 3600 * 1'000'000);
  st.dbm->engine().begin([&](sqlcore::Connection& c) {
    c.execute(
        sqlcore::update(t)
            .set({{t.status, "running"}, {t.started_at, two_hours_ago}, {t.completed_at, nullptr}})
            .where(t.id.in_(ids)));
  });
}

void stale_sweep(benchmark::State& state, Backend b, Side side) {
  if (g_setup_error) {
    state.SkipWithError(g_setup_error->c_str());
    return;
  }
  BackendState& st = g_states.at(b);
  bench::measure_latency_prepared(
      state, g_samples, 2, [&](std::size_t) { restage_stale(st); },
      [&](std::size_t) -> const char* {
        std::int64_t n;
        if (side == Side::trinity) {
          n = st.dbm->schedules().mark_stale_executions_failed(30);
        } else {
          const std::int64_t now = bench::now_us();
          n = st.raw[0]->sweep(now, now - std::int64_t{30} * 60 * 1'000'000);
        }
        // More than the 100 restaged: running executions of the data set that aged past 30
        // minutes while the benchmark ran.
        return n >= kSweptPerCall ? nullptr : "a sweep changed fewer than 100 rows";
      });
}

// ---- the queue drain ---------------------------------------------------------------------------

std::mutex g_claimed_mu;
std::multiset<std::string> g_claimed;

// Before each drain run: kQueueItems new pending items, the old ones gone.
template <Backend B>
void before_drain(const benchmark::State&) {
  try {
    g_setup_error.reset();
    BackendState& st = g_states.at(B);
    const auto& q = trinity::db::schema().operator_queue;
    std::vector<sqlcore::Params> rows;
    rows.reserve(kQueueItems);
    const std::int64_t base = bench::now_us();
    for (int i = 0; i < kQueueItems; ++i)
      rows.push_back({{"id", "item-" + std::to_string(i)},
                      {"agent_name", agent_name(i % kAgents)},
                      {"type", "question"},
                      {"title", "Deploy?"},
                      {"question", "May I deploy build " + std::to_string(i) + "?"},
                      {"created_at", sqlcore::Timestamp::from_micros(base + i)}});
    auto ins = sqlcore::insert(q).values({{q.id, sqlcore::bindparam("id")},
                                          {q.agent_name, sqlcore::bindparam("agent_name")},
                                          {q.type, sqlcore::bindparam("type")},
                                          {q.title, sqlcore::bindparam("title")},
                                          {q.question, sqlcore::bindparam("question")},
                                          {q.created_at, sqlcore::bindparam("created_at")}});
    st.dbm->engine().begin([&](sqlcore::Connection& c) {
      c.execute(sqlcore::delete_from(q));
      c.execute_many(ins, rows);
    });
    std::lock_guard lock(g_claimed_mu);
    g_claimed.clear();
  } catch (const std::exception& e) {
    g_setup_error = e.what();
  }
}

// Before each run of the executions workloads on PostgreSQL: VACUUM ANALYZE, so that every run
// (trinity's and raw's, each repetition) starts from the same table. Without it the run that comes
// later meets the dead row versions of every sweep and restage before it in the status index
// (raw ran after trinity and measured up to 3x slower sweeps).
template <Backend B>
void before_executions(const benchmark::State&) {
  if constexpr (B == Backend::postgresql) {
    try {
      g_setup_error.reset();
      auto c = g_states.at(B).dbm->engine().connect();
      c.execute(sqlcore::text("VACUUM (ANALYZE) schedule_executions"));
    } catch (const std::exception& e) {
      g_setup_error = e.what();
    }
  }
}

void queue_drain(benchmark::State& state, Backend b, Side side) {
  BackendState& st = g_states.at(b);
  const int thread = state.thread_index();
  const std::string worker = "worker-" + std::to_string(thread);
  std::vector<std::int64_t> mine;
  std::vector<std::string> got;
  bool failed = false;
  if (g_setup_error) {
    state.SkipWithError(g_setup_error->c_str());
    failed = true;
  }
  for (auto _ : state) {
    if (failed) continue;
    try {
      for (;;) {
        const auto t0 = std::chrono::steady_clock::now();
        std::size_t n;
        if (side == Side::trinity) {
          auto items = st.dbm->operator_queue().claim_pending_items(worker, kClaimBatch);
          for (auto& item : items) got.push_back(std::move(item.id));
          n = items.size();
        } else {
          auto ids = st.raw[static_cast<std::size_t>(thread)]->claim(worker, bench::now_us());
          n = ids.size();
          for (auto& id : ids) got.push_back(std::move(id));
        }
        mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - t0)
                           .count());
        if (n == 0) break;
      }
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      failed = true;
    }
  }
  const std::int64_t claimed_here = static_cast<std::int64_t>(got.size());
  {
    std::lock_guard lock(g_claimed_mu);
    g_claimed.insert(got.begin(), got.end());
  }
  const bench::Percentiles p = g_samples.submit(mine, state.threads());
  std::int64_t doubles = 0, distinct = 0;
  {
    std::lock_guard lock(g_claimed_mu);
    distinct =
        static_cast<std::int64_t>(std::set<std::string>(g_claimed.begin(), g_claimed.end()).size());
    doubles = static_cast<std::int64_t>(g_claimed.size()) - distinct;
  }
  if (!failed && thread == 0 && distinct != kQueueItems)
    state.SkipWithError("not every item was claimed");
  state.counters["p50_us"] = benchmark::Counter(p.p50, benchmark::Counter::kAvgThreads);
  state.counters["p99_us"] = benchmark::Counter(p.p99, benchmark::Counter::kAvgThreads);
  state.counters["double_claims"] =
      benchmark::Counter(static_cast<double>(doubles), benchmark::Counter::kAvgThreads);
  state.SetItemsProcessed(claimed_here);
}

// ---- registration and reporting ----------------------------------------------------------------

struct Workload {
  const char* name;
  void (*run)(benchmark::State&, Backend, Side);
  int threads;
  int iterations;  // per thread
};
const std::vector<Workload>& workloads() {
  static const std::vector<Workload> kWorkloads = {
      {"execution_stats", execution_stats, 1, kStatsCalls},
      {"stale_sweep", stale_sweep, 1, kSweepCalls},
      {"queue_drain", queue_drain, kWorkers, 1}};
  return kWorkloads;
}

std::string bench_name(const Workload& w, Backend b, Side side) {
  return std::string(w.name) + "/" + backend_name(b) + "/" + side_name(side);
}

void register_benchmarks(Backend b) {
  for (const Workload& w : workloads())
    for (Side side : {Side::trinity, Side::raw}) {
      auto* r =
          benchmark::RegisterBenchmark(bench_name(w, b, side).c_str(),
                                       [&w, b, side](benchmark::State& s) { w.run(s, b, side); })
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime()
              ->Threads(w.threads)
              ->Iterations(w.iterations);
      if (w.run == queue_drain) {
        r->Setup(b == Backend::sqlite ? before_drain<Backend::sqlite>
                                      : before_drain<Backend::postgresql>);
      } else {
        r->Setup(b == Backend::sqlite ? before_executions<Backend::sqlite>
                                      : before_executions<Backend::postgresql>);
      }
    }
}

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  using bench::cell;
  std::printf(
      "\ntrinity-db vs the raw C API, same SQL in the same run, 100,000 executions of 200 agents:\n"
      "execution_stats = get_all_agents_execution_stats(24); stale_sweep = "
      "mark_stale_executions_failed(30) sweeping 100 rows;\nqueue_drain = 8 workers claiming "
      "10,000 operator-queue items 10 at a time (double claims: see the double_claims column "
      "above, always 0).\nLatency per call in us (median repetition); calls/s (queue_drain: "
      "items/s, all workers).\n\n");
  std::printf("%-16s %-10s %7s %10s %10s %10s %10s %9s %9s %11s %11s\n", "workload", "backend",
              "threads", "trin p50", "trin p99", "raw p50", "raw p99", "p50 ratio", "p99 ratio",
              "trin /s", "raw /s");
  for (const Workload& w : workloads())
    for (Backend b : backends) {
      auto ours = rep.figures_of(bench_name(w, b, Side::trinity), w.threads);
      auto raw = rep.figures_of(bench_name(w, b, Side::raw), w.threads);
      if (!ours && !raw) continue;
      std::printf(
          "%-16s %-10s %7d %10s %10s %10s %10s %9s %9s %11s %11s\n", w.name, backend_name(b),
          w.threads, cell(ours, &Figures::p50, "%.1f").c_str(),
          cell(ours, &Figures::p99, "%.1f").c_str(), cell(raw, &Figures::p50, "%.1f").c_str(),
          cell(raw, &Figures::p99, "%.1f").c_str(), bench::ratio(ours, raw, &Figures::p50).c_str(),
          bench::ratio(ours, raw, &Figures::p99).c_str(), cell(ours, &Figures::ops, "%.0f").c_str(),
          cell(raw, &Figures::ops, "%.0f").c_str());
    }
  std::printf("\nFigures are reported, never asserted.\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run_program({.name = "background_bench",
                             .pg_database = kPgDatabase,
                             .repetitions = kDefaultRepetitions,
                             .set_up =
                                 [](Backend b, std::string url) {
                                   BackendState& st = g_states[b];
                                   st.backend = b;
                                   st.url = std::move(url);
                                   set_up(st);
                                 },
                             .register_benchmarks = register_benchmarks,
                             .summary = print_table,
                             .tear_down = [] { g_states.clear(); }},
                            argc, argv);
}
