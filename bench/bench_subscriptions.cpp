// subscriptions_bench: trinity-db's subscription usage report against the raw C APIs (sqlite3,
// libpq) running the same SQL in the same run, on a SQLite file (WAL) and on PostgreSQL; and the
// cost of sealing and opening one secret.
//
// The data set (set-up, untimed): one user, 20 agents agent00..agent19 registered to it, 10
// subscriptions sub0..sub9 (agent a assigned to sub a % 10), one chat session per agent, and
// 100,000 chat messages and 100,000 executions (written with sqlcore's execute_many): row k
// billed to subscription k % 10, of agent k % 20, at k * 6.5 s before the set-up (so the rows
// reach 7.5 days back: the 7-day window holds about 93 % of them, the 5-hour one about 2.8 %).
// Per subscription, messages alternate user / assistant, and of each 50 executions 1 is running,
// 1 pending, 38 succeeded, 5 failed and 5 were cancelled. Each row has tokens and a cost.
//
// The workloads:
//   usage       dbm.subscriptions().get_subscription_usage(sub0): one SELECT of two one-row
//               derived tables of conditional sums (assistant messages and finished executions of
//               the subscription in the 7-day window, through idx_chat_messages_subscription and
//               idx_executions_subscription), cross-joined with the subscription and its agents.
//               Over the 10,000 messages and 10,000 executions of sub0. raw: the same SELECT, every
//               column read, summed as the operation sums them. 200 calls per run, 1 thread.
//   seal        Secrets::seal of a 64-byte secret (AES-256-GCM, a fresh nonce). 20,000 calls.
//   open        Secrets::open of it. 20,000 calls.
// Each call is timed on its own with steady_clock: p50 and p99 over all calls of a run. Runs are
// repeated (default 3, randomly interleaved); the table shows the median repetition.
//
// Set-up per backend: a fresh database brought to head by DatabaseManager -- SQLite: a file in a
// temp dir (WAL, synchronous=NORMAL); PostgreSQL: a database `subscriptions_bench` on the server
// of SQLCORE_BENCH_POSTGRES_URL, VACUUM ANALYZEd after the data set is written. Both sides'
// figures are checked equal before the runs.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs, with a note on stderr),
// SQLCORE_TEST_BACKENDS (as for the tests, e.g. "sqlite"; default: all).
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
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
using bench::pg_check;
using bench::pg_exec;
using bench::PgResult;
using bench::ph;
using bench::RawSqliteStmt;
using bench::RecordingReporter;
using bench::Side;
using bench::side_name;
using bench::sqlite_fail;
using trinity::db::DatabaseManager;
using trinity::db::SubscriptionUsage;
using trinity::db::SubscriptionUsageWindow;

constexpr int kAgents = 20;
constexpr int kSubscriptions = 10;
constexpr int kRows = 100'000;             // messages, and executions
constexpr std::int64_t kSpacingMs = 6500;  // between the times of consecutive rows
constexpr int kUsageCalls = 200;
constexpr int kSecretCalls = 20'000;
constexpr int kDefaultRepetitions = 3;
constexpr const char* kPgDatabase = "subscriptions_bench";
constexpr const char* kManual = "__manual__";  // the schedule_id of executions no schedule started
constexpr const char* kSecretColumn = "subscription_credentials.encrypted_credentials";
constexpr std::int64_t kHourUs = std::int64_t{3600} * 1'000'000;

std::string agent_name(int a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "agent%02d", a);
  return buf;
}

// ---- the statement the operation runs, as sqlcore renders it ----------------------------------

// get_subscription_usage(id). Parameters, in order: the 5-hour cut-off (once per CASE of the
// messages' sums), the id, 'assistant', the 7-day cut-off; the 5-hour cut-off (once per CASE of
// the executions' sums), the id, the 7-day cut-off, 'running', 'pending'; the id.
std::string usage_sql(Backend b) {
  int n = 0;
  const auto p = [&] { return ph(b, ++n); };
  const auto col = [](const std::string& t, const std::string& c) {
    return "\"" + t + "\".\"" + c + "\"";
  };
  // The sums of `t` as usage_sums() writes them.
  const auto sums = [&](const std::string& t, const std::string& time, const std::string& prefix,
                        bool output) {
    const auto recent = [&](const std::string& c) {
      return "CASE WHEN " + col(t, time) + " >= " + p() + " THEN " + col(t, c) + " END";
    };
    const auto sum_int = [](const std::string& e) { return "CAST(sum(" + e + ") AS BIGINT)"; };
    std::string out = sum_int(recent("context_used")) + " AS \"" + prefix + "in_5h\", " +
                      sum_int(col(t, "context_used")) + " AS \"" + prefix + "in_7d\", sum(" +
                      recent("cost") + ") AS \"" + prefix + "cost_5h\", sum(" + col(t, "cost") +
                      ") AS \"" + prefix + "cost_7d\", count(" + recent("id") + ") AS \"" + prefix +
                      "n_5h\", count(" + col(t, "id") + ") AS \"" + prefix + "n_7d\"";
    if (output)
      out += ", " + sum_int(recent("output_tokens")) + " AS \"" + prefix + "out_5h\", " +
             sum_int(col(t, "output_tokens")) + " AS \"" + prefix + "out_7d\"";
    return out;
  };
  // One p() per statement: the parameters are numbered in the order of the calls.
  std::string chat = "SELECT " + sums("chat_messages", "timestamp", "chat_", true);
  chat += " FROM \"chat_messages\" WHERE " + col("chat_messages", "subscription_id") + " = " + p();
  chat += " AND " + col("chat_messages", "role") + " = " + p();
  chat += " AND " + col("chat_messages", "timestamp") + " >= " + p();
  std::string exec = "SELECT " + sums("schedule_executions", "started_at", "exec_", false);
  exec += " FROM \"schedule_executions\" WHERE " + col("schedule_executions", "subscription_id") +
          " = " + p();
  exec += " AND " + col("schedule_executions", "started_at") + " >= " + p();
  exec += " AND " + col("schedule_executions", "status") + " NOT IN (" + p();
  exec += ", " + p() + ")";
  std::string columns = col("agent_ownership", "agent_name");
  for (const char* w : {"_5h", "_7d"})
    for (const char* f : {"chat_in", "chat_out", "chat_cost", "chat_n"})
      columns += ", " + col("chat_usage", std::string(f) + w);
  for (const char* w : {"_5h", "_7d"})
    for (const char* f : {"exec_in", "exec_cost", "exec_n"})
      columns += ", " + col("exec_usage", std::string(f) + w);
  std::string sql = "SELECT " + columns + " FROM (" + chat + ") AS \"chat_usage\", (" + exec +
                    ") AS \"exec_usage\", \"subscription_credentials\" LEFT OUTER JOIN "
                    "\"agent_ownership\" ON " +
                    col("agent_ownership", "subscription_id") + " = " +
                    col("subscription_credentials", "id") + " AND " +
                    col("agent_ownership", "deleted_at") + " IS NULL WHERE " +
                    col("subscription_credentials", "id") + " = " + p();
  return sql + " ORDER BY " + col("agent_ownership", "agent_name");
}
constexpr int kUsageParams = 15;

/// The values of usage_sql()'s parameters, in order, as text.
std::vector<std::string> usage_params(const std::string& id, const std::string& short_since,
                                      const std::string& long_since) {
  std::vector<std::string> v(4, short_since);
  for (const std::string& x : {id, std::string("assistant"), long_since}) v.push_back(x);
  for (int i = 0; i < 3; ++i) v.push_back(short_since);
  for (const std::string& x : {id, long_since, std::string("running"), std::string("pending"), id})
    v.push_back(x);
  return v;
}

/// What a row of usage_sql() holds beside the agent: the columns in order (NULL as 0).
struct RawRow {
  std::optional<std::string> agent;
  double v[14] = {};
};

/// The usage the operation derives from the rows (see SubscriptionUsage).
SubscriptionUsage usage_of(const std::string& id, const std::vector<RawRow>& rows) {
  SubscriptionUsage u;
  u.subscription_id = id;
  if (rows.empty()) throw std::runtime_error("raw usage: no such subscription");
  const double* x = rows.front().v;
  const auto window = [&](int chat, int exec) {
    return SubscriptionUsageWindow{
        .input_tokens = static_cast<std::int64_t>(x[chat] + x[exec]),
        .output_tokens = static_cast<std::int64_t>(x[chat + 1]),
        .cost_usd = x[chat + 2] + x[exec + 1],
        .message_count = static_cast<std::int64_t>(x[chat + 3] + x[exec + 2])};
  };
  u.window_5h = window(0, 8);
  u.window_7d = window(4, 11);
  for (const RawRow& r : rows)
    if (r.agent) u.agents.push_back(*r.agent);
  return u;
}

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
  virtual SubscriptionUsage usage(const std::string& id, std::int64_t now_us) = 0;
};

class RawSqlite final : public RawSide {
 public:
  explicit RawSqlite(const std::string& path)
      : db_(open_raw_sqlite(path)), usage_(db_, usage_sql(Backend::sqlite)) {}
  ~RawSqlite() override { sqlite3_close_v2(db_); }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;

  SubscriptionUsage usage(const std::string& id, std::int64_t now_us) override {
    sqlite3_stmt* st = usage_.st;
    // Bound SQLITE_STATIC: the strings must outlive the step.
    const std::vector<std::string> params =
        usage_params(id, sqlite_ts(now_us - 5 * kHourUs), sqlite_ts(now_us - 168 * kHourUs));
    for (int i = 0; i < kUsageParams; ++i)
      bind_text(db_, st, i + 1, params[static_cast<std::size_t>(i)]);
    std::vector<RawRow> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      RawRow r;
      r.agent = bench::sqlite_opt_text(st, 0);
      for (int c = 0; c < 14; ++c) r.v[c] = sqlite3_column_double(st, c + 1);  // NULL: 0
      rows.push_back(std::move(r));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) sqlite_fail(db_, "usage");
    return usage_of(id, rows);
  }

 private:
  sqlite3* db_;
  RawSqliteStmt usage_;
};

class RawPg final : public RawSide {
 public:
  explicit RawPg(const std::string& url) : conn_(open_raw_pg(url)) {
    const std::string sql = usage_sql(Backend::postgresql);
    PgResult r(PQprepare(conn_, "usage", sql.c_str(), kUsageParams, nullptr));
    pg_check(conn_, r, PGRES_COMMAND_OK, sql);
  }
  ~RawPg() override { PQfinish(conn_); }
  RawPg(const RawPg&) = delete;
  RawPg& operator=(const RawPg&) = delete;

  SubscriptionUsage usage(const std::string& id, std::int64_t now_us) override {
    const std::vector<std::string> params =
        usage_params(id, pg_ts(now_us - 5 * kHourUs), pg_ts(now_us - 168 * kHourUs));
    std::vector<const char*> values;
    for (const std::string& v : params) values.push_back(v.c_str());
    PgResult r(PQexecPrepared(conn_, "usage", kUsageParams, values.data(), nullptr, nullptr, 0));
    pg_check(conn_, r, PGRES_TUPLES_OK, "usage");
    std::vector<RawRow> rows;
    for (int row = 0, n = PQntuples(r.res); row < n; ++row) {
      RawRow x;
      x.agent = bench::pg_opt_text(r.res, row, 0);
      for (int c = 0; c < 14; ++c)
        x.v[c] = PQgetisnull(r.res, row, c + 1)
                     ? 0.0
                     : std::strtod(PQgetvalue(r.res, row, c + 1), nullptr);
      rows.push_back(std::move(x));
    }
    return usage_of(id, rows);
  }

 private:
  PGconn* conn_;
};

// ---- per-backend state -------------------------------------------------------------------------

struct BackendState {
  Backend backend = Backend::sqlite;
  std::string url;
  std::unique_ptr<DatabaseManager> dbm;
  std::unique_ptr<RawSide> raw;
  std::string measured;  // the id of sub0
};

std::map<Backend, BackendState> g_states;

void write_data_set(BackendState& st) {
  DatabaseManager& dbm = *st.dbm;
  const auto owner = dbm.users().create_user({.username = "ops", .email = "ops@example.com"});
  std::vector<std::string> subs, sessions;
  for (int i = 0; i < kSubscriptions; ++i)
    subs.push_back(dbm.subscriptions()
                       .create_subscription("sub" + std::to_string(i),
                                            "sk-ant-oat01-bench-token-" + std::to_string(i),
                                            owner.id, "max")
                       .id);
  st.measured = subs[0];
  for (int a = 0; a < kAgents; ++a) {
    dbm.agents().register_agent_owner(agent_name(a), "ops");
    dbm.subscriptions().assign_subscription_to_agent(agent_name(a), subs[a % kSubscriptions]);
    sessions.push_back(
        dbm.chat().get_or_create_chat_session(agent_name(a), owner.id, "ops@example.com").id);
  }
  // The marker schedule of manual executions, made by the first manual execution.
  if (!dbm.schedules().create_task_execution({.agent_name = agent_name(0), .message = "x"}))
    throw std::runtime_error("create_task_execution refused agent00");
  const auto& [m, x] =
      std::tie(trinity::db::schema().chat_messages, trinity::db::schema().schedule_executions);
  using sqlcore::bindparam;
  auto message = sqlcore::insert(m).values({{m.id, bindparam("id")},
                                            {m.session_id, bindparam("session_id")},
                                            {m.agent_name, bindparam("agent")},
                                            {m.user_id, bindparam("user_id")},
                                            {m.user_email, bindparam("email")},
                                            {m.role, bindparam("role")},
                                            {m.content, bindparam("content")},
                                            {m.timestamp, bindparam("at")},
                                            {m.cost, bindparam("cost")},
                                            {m.context_used, bindparam("input")},
                                            {m.output_tokens, bindparam("output")},
                                            {m.subscription_id, bindparam("sub")}});
  auto execution = sqlcore::insert(x).values({{x.id, bindparam("id")},
                                              {x.schedule_id, bindparam("schedule_id")},
                                              {x.agent_name, bindparam("agent")},
                                              {x.status, bindparam("status")},
                                              {x.started_at, bindparam("at")},
                                              {x.message, bindparam("message")},
                                              {x.triggered_by, bindparam("triggered_by")},
                                              {x.cost, bindparam("cost")},
                                              {x.context_used, bindparam("input")},
                                              {x.subscription_id, bindparam("sub")}});
  const std::int64_t set_up = bench::now_us();
  std::vector<sqlcore::Params> messages, executions;
  messages.reserve(kRows);
  executions.reserve(kRows);
  for (int k = 0; k < kRows; ++k) {
    const sqlcore::Timestamp at = sqlcore::Timestamp::from_micros(set_up - k * kSpacingMs * 1000);
    // Per subscription, every other message an assistant's and the statuses' cycle of 50.
    const int a = k % kAgents, turn = k / kSubscriptions, r = turn % 50;
    const std::string& sub = subs[static_cast<std::size_t>(k % kSubscriptions)];
    messages.push_back({{"id", "msg-" + std::to_string(k)},
                        {"session_id", sessions[static_cast<std::size_t>(a)]},
                        {"agent", agent_name(a)},
                        {"user_id", owner.id},
                        {"email", "ops@example.com"},
                        {"role", turn % 2 == 0 ? "user" : "assistant"},
                        {"content", "a message of some length for the usage report"},
                        {"at", at},
                        {"cost", 0.001 * (k % 100)},
                        {"input", std::int64_t{1000 + k % 5000}},
                        {"output", std::int64_t{100 + k % 700}},
                        {"sub", sub}});
    const char* status = r == 7   ? "running"
                         : r == 8 ? "pending"
                         : r < 40 ? "success"
                         : r < 45 ? "failed"
                                  : "cancelled";
    executions.push_back({{"id", "exec-" + std::to_string(k)},
                          {"schedule_id", kManual},
                          {"agent", agent_name(a)},
                          {"status", status},
                          {"at", at},
                          {"message", "run the report"},
                          {"triggered_by", "schedule"},
                          {"cost", 0.002 * (k % 100)},
                          {"input", std::int64_t{2000 + k % 9000}},
                          {"sub", sub}});
  }
  dbm.engine().begin([&](sqlcore::Connection& c) {
    c.execute_many(message, messages);
    c.execute_many(execution, executions);
  });
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

auto figures(const SubscriptionUsageWindow& w) {
  return std::make_tuple(w.input_tokens, w.output_tokens, w.message_count);
}

/// Both sides give the same usage (costs within rounding: the sums' order differs).
void verify(BackendState& st) {
  const SubscriptionUsage ours = st.dbm->subscriptions().get_subscription_usage(st.measured);
  const SubscriptionUsage raw = st.raw->usage(st.measured, bench::now_us());
  const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-6 * (1 + std::abs(a)); };
  if (figures(ours.window_5h) != figures(raw.window_5h) ||
      figures(ours.window_7d) != figures(raw.window_7d) ||
      !close(ours.window_7d.cost_usd, raw.window_7d.cost_usd) || ours.agents != raw.agents)
    throw std::runtime_error(
        "verify: the sides differ: 7d messages " + std::to_string(ours.window_7d.message_count) +
        "/" + std::to_string(raw.window_7d.message_count) + ", 5h messages " +
        std::to_string(ours.window_5h.message_count) + "/" +
        std::to_string(raw.window_5h.message_count) + ", agents " +
        std::to_string(ours.agents.size()) + "/" + std::to_string(raw.agents.size()));
  if (ours.window_7d.message_count < kRows / kSubscriptions || ours.agents.size() != 2)
    throw std::runtime_error("verify: the usage of sub0 is not what the data set holds (" +
                             std::to_string(ours.window_7d.message_count) + " rows, " +
                             std::to_string(ours.agents.size()) + " agents)");
}

void set_up(BackendState& st) {
  st.dbm = std::make_unique<DatabaseManager>(trinity::db::ManagerOptions{
      .url = st.url, .secrets = trinity::db::Secrets(trinity::db::SecretKey::generate())});
  write_data_set(st);
  vacuum(st);
  st.raw =
      st.backend == Backend::sqlite
          ? std::unique_ptr<RawSide>(std::make_unique<RawSqlite>(st.dbm->engine().url().database()))
          : std::unique_ptr<RawSide>(std::make_unique<RawPg>(st.url));
  verify(st);
}

// ---- the benchmarks ----------------------------------------------------------------------------

bench::RunSamples g_samples;
const trinity::db::Secrets g_secrets(trinity::db::SecretKey::generate());
const std::string g_secret(64, 's');

void usage(benchmark::State& state, Backend b, Side side) {
  BackendState& st = g_states.at(b);
  bench::measure_latency(state, g_samples, 3, [&](std::size_t) -> const char* {
    SubscriptionUsage u = side == Side::trinity
                              ? st.dbm->subscriptions().get_subscription_usage(st.measured)
                              : st.raw->usage(st.measured, bench::now_us());
    benchmark::DoNotOptimize(u);
    return u.window_7d.message_count > 0 && u.agents.size() == 2 ? nullptr : "an empty usage";
  });
}

void seal_secret(benchmark::State& state) {
  bench::measure_latency(state, g_samples, 100, [&](std::size_t) -> const char* {
    std::string sealed = g_secrets.seal(g_secret, kSecretColumn);
    benchmark::DoNotOptimize(sealed);
    return sealed.size() > g_secret.size() ? nullptr : "a short sealed value";
  });
}

void open_secret(benchmark::State& state) {
  const std::string sealed = g_secrets.seal(g_secret, kSecretColumn);
  bench::measure_latency(state, g_samples, 100, [&](std::size_t) -> const char* {
    std::string plain = g_secrets.open(sealed, kSecretColumn);
    benchmark::DoNotOptimize(plain);
    return plain == g_secret ? nullptr : "opened to another value";
  });
}

// ---- registration and reporting ----------------------------------------------------------------

std::string usage_name(Backend b, Side side) {
  return std::string("usage/") + backend_name(b) + "/" + side_name(side);
}

void register_benchmarks(Backend b) {
  for (Side side : {Side::trinity, Side::raw})
    benchmark::RegisterBenchmark(usage_name(b, side).c_str(),
                                 [b, side](benchmark::State& s) { usage(s, b, side); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(kUsageCalls);
  if (b != Backend::sqlite && g_states.count(Backend::sqlite)) return;  // the secrets once
  using Fn = void (*)(benchmark::State&);
  const std::vector<std::pair<const char*, Fn>> secrets = {{"secrets/seal_64B", seal_secret},
                                                           {"secrets/open_64B", open_secret}};
  for (const auto& [name, fn] : secrets)
    benchmark::RegisterBenchmark(name, fn)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Iterations(kSecretCalls);
}

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  using bench::cell;
  std::printf(
      "\ntrinity-db vs the raw C API, same SQL in the same run: get_subscription_usage of one "
      "subscription (10,000 of the\n100,000 messages and 10,000 of the 100,000 executions; 5-hour "
      "and 7-day windows). Latency per call in us\n(median repetition).\n\n");
  std::printf("%-10s %10s %10s %10s %10s %9s %9s\n", "backend", "trin p50", "trin p99", "raw p50",
              "raw p99", "p50 ratio", "p99 ratio");
  for (Backend b : backends) {
    auto ours = rep.figures_of(usage_name(b, Side::trinity), 1);
    auto raw = rep.figures_of(usage_name(b, Side::raw), 1);
    std::printf("%-10s %10s %10s %10s %10s %9s %9s\n", backend_name(b),
                cell(ours, &Figures::p50, "%.1f").c_str(),
                cell(ours, &Figures::p99, "%.1f").c_str(), cell(raw, &Figures::p50, "%.1f").c_str(),
                cell(raw, &Figures::p99, "%.1f").c_str(),
                bench::ratio(ours, raw, &Figures::p50).c_str(),
                bench::ratio(ours, raw, &Figures::p99).c_str());
  }
  std::printf("\nSecrets (AES-256-GCM, one 64-byte secret), per call in us (median repetition):\n");
  for (const char* name : {"secrets/seal_64B", "secrets/open_64B"}) {
    auto f = rep.figures_of(name, 1);
    std::printf("%-18s p50 %8s  p99 %8s\n", name, cell(f, &Figures::p50, "%.2f").c_str(),
                cell(f, &Figures::p99, "%.2f").c_str());
  }
  std::printf("\nFigures are reported, never asserted.\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run_program({.name = "subscriptions_bench",
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
