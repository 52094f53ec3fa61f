// agents_bench: trinity-db's two agent reads that every request and the agent list make, against
// the raw C APIs (sqlite3, libpq) running the same SQL in the same run, on a SQLite file (WAL) and
// on PostgreSQL.
//
// The data set (set-up, untimed, through the operations a user would call, in one transaction):
// 200 users user0..user199 with emails user{i}@example.com, user0 an admin; 1,000 agents
// agent0000..agent0999, agent j owned by user j % 200 (register_agent_owner); each agent shared
// (share_agent, by its owner) with the emails of 10 other users, the same choice on every run:
// user (owner + 1 + j / 200 + 20 k) % 200 for k = 0..9. So every agent has 10 shares, every user
// owns 5 agents and is shared 50.
//
// The workloads:
//   access_check    dbm.agents().can_user_access_agent(username, agent): one statement. 2,000
//                   (user, agent) pairs per run from a fixed pseudo-random sequence (std::mt19937,
//                   seed 13): about a third the agent's owner, a third a user it is shared with,
//                   a third a stranger (neither, and not the admin), so about two thirds are
//                   granted. The same sequence on both sides; with 4 threads each thread takes a
//                   quarter of it. Every answer is checked against the data set.
//   agent_metadata  dbm.agents().get_all_agent_metadata("user7@example.com"): one statement
//                   returning all 1,000 agents with their owner, settings, share count and the
//                   is_owner / is_shared flags for that email (user7 owns 5, is shared 50),
//                   100 calls per run, 1 thread.
// trinity calls the operation through DatabaseManager (a connection checked out of the pool, no
// transaction: Db::read). raw runs the statement AgentOperations builds, spelled as sqlcore
// renders it (access_sql() and metadata_sql() below; the same parameters bound, the same types
// on PostgreSQL: text untyped, booleans as bool), prepared once per connection
// (sqlite3_prepare_v3 / PQprepare), on one connection per thread, autocommit; it steps through
// every row reading every column into C++ values (timestamps parsed to microseconds, NULL
// settings replaced by the column defaults as trinity's mapping does) and, for the metadata,
// builds the same std::map by agent name that the operation returns. Before timing, the set-up
// checks that both sides give the same answers (every access pair; every field of every agent).
//
// Measured: every call is timed on its own with steady_clock; p50 and p99 over all samples of a
// run (all threads) are the counters p50_us / p99_us; items_per_second is calls per second (real
// time). The pool's connections and the raw connections are opened and their statements prepared
// before timing, and each thread makes a few calls untimed before its timed loop, on both sides.
//
// Set-up per backend (not timed): a fresh database -- SQLite: a file in a temp dir, opened by
// sqlcore's driver (WAL, synchronous=NORMAL), brought to head by DatabaseManager, no ANALYZE
// (neither sqlcore nor SQLite runs one by itself); PostgreSQL: a database `agents_bench` on the
// server of SQLCORE_BENCH_POSTGRES_URL, dropped and created again, brought to head by
// DatabaseManager (migrations), and VACUUM ANALYZEd once the data set is written: the steady state
// autovacuum reaches within a minute or so anyway (statistics, and a visibility map for index-only
// scans), reached before timing so that it cannot change the plans in the middle of the runs.
//
// Output: Google Benchmark's console output, then a table per workload, backend and thread count:
// trinity and raw p50/p99 (us), the ratios trinity/raw of the p50s and of the p99s, and calls/s of
// both sides. Figures are reported, never asserted: the exit status says only whether the
// benchmarks ran. With repetitions (default 3, randomly interleaved) the table shows the median
// repetition.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs, with a note on stderr),
// SQLCORE_TEST_BACKENDS (as for the tests, e.g. "sqlite"; default: all).
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
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
using bench::pg_opt_bool;
using bench::pg_opt_int;
using bench::pg_opt_text;
using bench::pg_text;
using bench::PgResult;
using bench::ph;
using bench::RawSqliteStmt;
using bench::RecordingReporter;
using bench::Side;
using bench::side_name;
using bench::sqlite_fail;
using bench::sqlite_opt_bool;
using bench::sqlite_opt_int;
using bench::sqlite_opt_text;
using bench::sqlite_text;
using trinity::db::DatabaseManager;

constexpr int kUsers = 200;
constexpr int kAdmin = 0;  // user0
constexpr int kAgents = 1000;
constexpr int kSharesPerAgent = 10;
constexpr int kShareStride = kUsers / kSharesPerAgent;  // 20
// The share offsets 1 + j / kUsers + kShareStride * k stay distinct and below kUsers.
static_assert((kAgents - 1) / kUsers + kShareStride * (kSharesPerAgent - 1) + 1 < kUsers);
constexpr int kMetadataUser = 7;
constexpr int kChecksPerRun = 2000;  // access checks per run, over all threads
constexpr int kMetadataPerRun = 100;
constexpr int kCheckThreads[] = {1, 4};
constexpr int kMaxThreads = 4;
constexpr int kWarmupChecks = 20;  // per thread before its timed loop, both sides
constexpr int kWarmupMetadata = 2;
constexpr int kDefaultRepetitions = 3;
constexpr const char* kPgDatabase = "agents_bench";

// ---- the data set -----------------------------------------------------------------------------

std::string username(int u) {
  return "user" + std::to_string(u);
}
std::string email(int u) {
  return username(u) + "@example.com";
}
std::string agent_name(int a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "agent%04d", a);
  return buf;
}
int owner_of(int a) {
  return a % kUsers;
}
// The k-th user (k < kSharesPerAgent) agent `a` is shared with.
int shared_user(int a, int k) {
  return (owner_of(a) + 1 + a / kUsers + kShareStride * k) % kUsers;
}
bool is_shared_with(int a, int u) {
  for (int k = 0; k < kSharesPerAgent; ++k)
    if (shared_user(a, k) == u) return true;
  return false;
}

struct Check {
  std::string username, agent;
  bool granted = false;
};

// The access checks of a run, the same on every run and both sides.
const std::vector<Check>& checks() {
  static const std::vector<Check> kChecks = [] {
    std::mt19937 rng(13);  // mt19937's sequence is fixed by the standard
    auto below = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    std::vector<Check> out;
    for (int i = 0; i < kChecksPerRun; ++i) {
      const int a = below(kAgents);
      const int kind = below(3);  // 0 owner, 1 shared with, 2 stranger
      int u = kind == 0 ? owner_of(a) : shared_user(a, below(kSharesPerAgent));
      if (kind == 2) do
          u = below(kUsers);
        while (u == owner_of(a) || u == kAdmin || is_shared_with(a, u));
      out.push_back({username(u), agent_name(a), kind != 2});
    }
    return out;
  }();
  return kChecks;
}

// Users, agents and shares through the operations, in one transaction.
void write_data_set(DatabaseManager& dbm) {
  dbm.transaction([&] {
    for (int u = 0; u < kUsers; ++u)
      dbm.users().create_user(
          {.username = username(u), .role = u == kAdmin ? "admin" : "user", .email = email(u)});
    for (int a = 0; a < kAgents; ++a)
      if (!dbm.agents().register_agent_owner(agent_name(a), username(owner_of(a))))
        throw std::runtime_error("register_agent_owner refused " + agent_name(a));
    for (int a = 0; a < kAgents; ++a)
      for (int k = 0; k < kSharesPerAgent; ++k)
        if (!dbm.agents().share_agent(agent_name(a), username(owner_of(a)),
                                      email(shared_user(a, k))))
          throw std::runtime_error("share_agent refused " + agent_name(a));
  });
}

// ---- the statements AgentOperations runs, as sqlcore renders them -------------------------------

// can_user_access_agent (agents.cpp user_may() with agent_rules.cpp is_agent() and may_access()).
// Parameters: username, agent name, 'admin'.
std::string access_sql(Backend b) {
  return R"(SELECT "agent_ownership"."id" FROM "agent_ownership" JOIN "users" ON )"
         R"("users"."username" = )" +
         ph(b, 1) + R"( WHERE "agent_ownership"."agent_name" = )" + ph(b, 2) +
         R"( AND "agent_ownership"."deleted_at" IS NULL AND ("users"."role" = )" + ph(b, 3) +
         R"( OR "agent_ownership"."owner_id" = "users"."id" OR EXISTS (SELECT )"
         R"("agent_sharing"."id" FROM "agent_sharing" WHERE "agent_sharing"."agent_name" = )"
         R"("agent_ownership"."agent_name" AND lower("agent_sharing"."shared_with_email") = )"
         R"(lower("users"."email"))))";
}

// get_all_agent_metadata(email) (the AgentMetadata mapping's columns, the owner outer-joined,
// then share_count, is_owner, is_shared). Parameters: email, true, false, email, true, false.
std::string metadata_sql(Backend b) {
  return R"(SELECT "agent_ownership"."agent_name", "agent_ownership"."owner_id", )"
         R"("agent_ownership"."created_at", "agent_ownership"."is_system", )"
         R"("agent_ownership"."autonomy_enabled", "agent_ownership"."read_only_mode", )"
         R"("agent_ownership"."full_capabilities", "agent_ownership"."use_platform_api_key", )"
         R"("agent_ownership"."memory_limit", "agent_ownership"."cpu_limit", )"
         R"("agent_ownership"."max_parallel_tasks", "agent_ownership"."execution_timeout_seconds", )"
         R"("users"."username", "users"."email", (SELECT count(*) AS "count" FROM "agent_sharing" )"
         R"(WHERE "agent_sharing"."agent_name" = "agent_ownership"."agent_name") AS "share_count", )"
         R"(CASE WHEN lower("users"."email") = )" +
         ph(b, 1) + " THEN " + ph(b, 2) + " ELSE " + ph(b, 3) +
         R"( END AS "is_owner", CASE WHEN EXISTS (SELECT "agent_sharing"."id" FROM )"
         R"("agent_sharing" WHERE "agent_sharing"."agent_name" = "agent_ownership"."agent_name" )"
         R"(AND lower("agent_sharing"."shared_with_email") = )" +
         ph(b, 4) + ") THEN " + ph(b, 5) + " ELSE " + ph(b, 6) +
         R"( END AS "is_shared" FROM "agent_ownership" LEFT OUTER JOIN "users" ON "users"."id" = )"
         R"("agent_ownership"."owner_id" WHERE "agent_ownership"."deleted_at" IS NULL)";
}

// The columns of metadata_sql(), in order.
enum MetaCol : int {
  m_agent_name,
  m_owner_id,
  m_created_at,
  m_is_system,
  m_autonomy_enabled,
  m_read_only_mode,
  m_full_capabilities,
  m_use_platform_api_key,
  m_memory_limit,
  m_cpu_limit,
  m_max_parallel_tasks,
  m_execution_timeout_seconds,
  m_owner_username,
  m_owner_email,
  m_share_count,
  m_is_owner,
  m_is_shared,
  m_count
};

// What the raw side reads into: the fields of trinity::db::AgentMetadata, the timestamp as
// microseconds since the epoch, NULL settings as the column defaults.
struct RawAgentMetadata {
  std::string agent_name;
  std::int64_t owner_id = 0;
  std::optional<std::string> owner_username, owner_email;
  std::int64_t created_at_us = 0;
  bool is_system = false, autonomy_enabled = false, read_only_mode = false,
       full_capabilities = false, use_platform_api_key = true;
  std::optional<std::string> memory_limit, cpu_limit;
  std::int64_t max_parallel_tasks = 3, execution_timeout_seconds = 3600, share_count = 0;
  bool is_owner = false, is_shared = false;
};
using RawMetadataMap = std::map<std::string, RawAgentMetadata>;

// ---- raw SQLite --------------------------------------------------------------------------------

// One thread's raw SQLite connection with both statements prepared.
class RawSqliteSide {
 public:
  explicit RawSqliteSide(const std::string& path)
      : db_(open_raw_sqlite(path)),
        access_(db_, access_sql(Backend::sqlite)),
        metadata_(db_, metadata_sql(Backend::sqlite)) {
    if (sqlite3_column_count(metadata_.st) != m_count)
      throw std::runtime_error("the metadata statement has another column count");
  }
  ~RawSqliteSide() {
    // The statements are finalised by their members' destructors, which run after this body:
    // close_v2 defers the close until then.
    sqlite3_close_v2(db_);
  }
  RawSqliteSide(const RawSqliteSide&) = delete;
  RawSqliteSide& operator=(const RawSqliteSide&) = delete;

  bool can_access(const std::string& user, const std::string& agent) {
    sqlite3_stmt* st = access_.st;
    bind_text(db_, st, 1, user);
    bind_text(db_, st, 2, agent);
    bind_text(db_, st, 3, admin_);
    const int rc = sqlite3_step(st);
    const bool found = rc == SQLITE_ROW;
    if (found) benchmark::DoNotOptimize(sqlite3_column_int64(st, 0));  // the first row's id
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) sqlite_fail(db_, "access check");
    return found;
  }

  RawMetadataMap metadata(const std::string& user_email) {
    sqlite3_stmt* st = metadata_.st;
    for (int i : {1, 4}) bind_text(db_, st, i, user_email);
    for (int i : {2, 5}) sqlite3_bind_int(st, i, 1);
    for (int i : {3, 6}) sqlite3_bind_int(st, i, 0);
    RawMetadataMap out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      RawAgentMetadata m;
      m.agent_name = sqlite_text(st, m_agent_name);
      m.owner_id = sqlite3_column_int64(st, m_owner_id);
      m.created_at_us =
          parse_ts(reinterpret_cast<const char*>(sqlite3_column_text(st, m_created_at)));
      m.is_system = sqlite_opt_bool(st, m_is_system).value_or(false);
      m.autonomy_enabled = sqlite_opt_bool(st, m_autonomy_enabled).value_or(false);
      m.read_only_mode = sqlite_opt_bool(st, m_read_only_mode).value_or(false);
      m.full_capabilities = sqlite_opt_bool(st, m_full_capabilities).value_or(false);
      m.use_platform_api_key = sqlite_opt_bool(st, m_use_platform_api_key).value_or(true);
      m.memory_limit = sqlite_opt_text(st, m_memory_limit);
      m.cpu_limit = sqlite_opt_text(st, m_cpu_limit);
      m.max_parallel_tasks = sqlite_opt_int(st, m_max_parallel_tasks).value_or(3);
      m.execution_timeout_seconds = sqlite_opt_int(st, m_execution_timeout_seconds).value_or(3600);
      m.owner_username = sqlite_opt_text(st, m_owner_username);
      m.owner_email = sqlite_opt_text(st, m_owner_email);
      m.share_count = sqlite3_column_int64(st, m_share_count);
      m.is_owner = sqlite3_column_int64(st, m_is_owner) != 0;
      m.is_shared = sqlite3_column_int64(st, m_is_shared) != 0;
      std::string key = m.agent_name;
      out.emplace(std::move(key), std::move(m));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) sqlite_fail(db_, "agent metadata");
    return out;
  }

 private:
  sqlite3* db_;
  RawSqliteStmt access_, metadata_;
  const std::string admin_ = "admin";
};

// ---- raw libpq ---------------------------------------------------------------------------------

constexpr Oid kText = 0;  // untyped: sqlcore sends strings as `unknown`
constexpr Oid kBool = 16;

// One thread's raw libpq connection with both statements prepared.
class RawPgSide {
 public:
  explicit RawPgSide(const std::string& url) : conn_(open_raw_pg(url)) {
    const Oid access_types[] = {kText, kText, kText};
    prepare("access", access_sql(Backend::postgresql), 3, access_types);
    const Oid metadata_types[] = {kText, kBool, kBool, kText, kBool, kBool};
    prepare("metadata", metadata_sql(Backend::postgresql), 6, metadata_types);
  }
  ~RawPgSide() { PQfinish(conn_); }
  RawPgSide(const RawPgSide&) = delete;
  RawPgSide& operator=(const RawPgSide&) = delete;

  bool can_access(const std::string& user, const std::string& agent) {
    const char* params[] = {user.c_str(), agent.c_str(), "admin"};
    PgResult r(PQexecPrepared(conn_, "access", 3, params, nullptr, nullptr, 0));
    pg_check(conn_, r, PGRES_TUPLES_OK, "access check");
    const bool found = PQntuples(r.res) > 0;
    if (found) benchmark::DoNotOptimize(pg_int(r.res, 0, 0));  // the first row's id
    return found;
  }

  RawMetadataMap metadata(const std::string& user_email) {
    const char* e = user_email.c_str();
    const char* params[] = {e, "t", "f", e, "t", "f"};
    PgResult r(PQexecPrepared(conn_, "metadata", 6, params, nullptr, nullptr, 0));
    pg_check(conn_, r, PGRES_TUPLES_OK, "agent metadata");
    const PGresult* res = r.res;
    if (PQnfields(res) != m_count)
      throw std::runtime_error("the metadata statement has another column count");
    RawMetadataMap out;
    for (int row = 0, n = PQntuples(res); row < n; ++row) {
      RawAgentMetadata m;
      m.agent_name = pg_text(res, row, m_agent_name);
      m.owner_id = pg_int(res, row, m_owner_id);
      m.created_at_us = parse_ts(PQgetvalue(res, row, m_created_at));
      m.is_system = pg_opt_bool(res, row, m_is_system).value_or(false);
      m.autonomy_enabled = pg_opt_bool(res, row, m_autonomy_enabled).value_or(false);
      m.read_only_mode = pg_opt_bool(res, row, m_read_only_mode).value_or(false);
      m.full_capabilities = pg_opt_bool(res, row, m_full_capabilities).value_or(false);
      m.use_platform_api_key = pg_opt_bool(res, row, m_use_platform_api_key).value_or(true);
      m.memory_limit = pg_opt_text(res, row, m_memory_limit);
      m.cpu_limit = pg_opt_text(res, row, m_cpu_limit);
      m.max_parallel_tasks = pg_opt_int(res, row, m_max_parallel_tasks).value_or(3);
      m.execution_timeout_seconds =
          pg_opt_int(res, row, m_execution_timeout_seconds).value_or(3600);
      m.owner_username = pg_opt_text(res, row, m_owner_username);
      m.owner_email = pg_opt_text(res, row, m_owner_email);
      m.share_count = pg_int(res, row, m_share_count);
      m.is_owner = pg_opt_bool(res, row, m_is_owner).value_or(false);
      m.is_shared = pg_opt_bool(res, row, m_is_shared).value_or(false);
      std::string key = m.agent_name;
      out.emplace(std::move(key), std::move(m));
    }
    return out;
  }

 private:
  void prepare(const char* name, const std::string& sql, int nparams, const Oid* types) {
    PgResult r(PQprepare(conn_, name, sql.c_str(), nparams, types));
    pg_check(conn_, r, PGRES_COMMAND_OK, sql);
  }

  PGconn* conn_;
};

// ---- per-backend state -------------------------------------------------------------------------

struct BackendState {
  Backend backend = Backend::sqlite;
  std::string url;  // the sqlcore URL of the fresh database (with the password)
  std::unique_ptr<DatabaseManager> dbm;
  // One raw connection per thread index, opened and warmed at set-up.
  std::vector<std::unique_ptr<RawSqliteSide>> raw_sqlite;
  std::vector<std::unique_ptr<RawPgSide>> raw_pg;
};

std::map<Backend, BackendState> g_states;

const std::string& metadata_email() {
  static const std::string kEmail = email(kMetadataUser);
  return kEmail;
}

// One access check on `side` by the thread `thread_index`.
bool check_access(BackendState& st, Side side, int thread_index, const Check& c) {
  if (side == Side::trinity) return st.dbm->agents().can_user_access_agent(c.username, c.agent);
  const auto i = static_cast<std::size_t>(thread_index);
  return st.backend == Backend::sqlite ? st.raw_sqlite[i]->can_access(c.username, c.agent)
                                       : st.raw_pg[i]->can_access(c.username, c.agent);
}

// One metadata call on `side`; returns how many agents it gave back.
std::size_t read_metadata(BackendState& st, Side side, int thread_index) {
  auto count = [](const auto& map) {
    benchmark::DoNotOptimize(map);
    return map.size();
  };
  if (side == Side::trinity)
    return count(st.dbm->agents().get_all_agent_metadata(metadata_email()));
  const auto i = static_cast<std::size_t>(thread_index);
  return st.backend == Backend::sqlite ? count(st.raw_sqlite[i]->metadata(metadata_email()))
                                       : count(st.raw_pg[i]->metadata(metadata_email()));
}

// Both sides give what the data set says: every access pair, and every field of every agent.
void verify(BackendState& st) {
  for (const Check& c : checks())
    for (Side side : {Side::trinity, Side::raw})
      if (check_access(st, side, 0, c) != c.granted)
        throw std::runtime_error(std::string("verify: ") + side_name(side) + " answered " +
                                 c.username + " / " + c.agent + " wrongly");
  const auto ours = st.dbm->agents().get_all_agent_metadata(metadata_email());
  const RawMetadataMap raw = st.backend == Backend::sqlite
                                 ? st.raw_sqlite[0]->metadata(metadata_email())
                                 : st.raw_pg[0]->metadata(metadata_email());
  if (ours.size() != static_cast<std::size_t>(kAgents) || raw.size() != ours.size())
    throw std::runtime_error("verify: the metadata holds other than 1,000 agents");
  for (int a = 0; a < kAgents; ++a) {
    const auto& o = ours.at(agent_name(a));
    const auto& r = raw.at(agent_name(a));
    const bool same =
        o.owner_id == r.owner_id && o.owner_username == r.owner_username &&
        o.owner_email == r.owner_email && o.created_at.micros() == r.created_at_us &&
        o.is_system == r.is_system && o.autonomy_enabled == r.autonomy_enabled &&
        o.read_only_mode == r.read_only_mode && o.full_capabilities == r.full_capabilities &&
        o.use_platform_api_key == r.use_platform_api_key && o.memory_limit == r.memory_limit &&
        o.cpu_limit == r.cpu_limit && o.max_parallel_tasks == r.max_parallel_tasks &&
        o.execution_timeout_seconds == r.execution_timeout_seconds &&
        o.share_count == r.share_count && o.is_owner == r.is_owner && o.is_shared == r.is_shared;
    const bool expected = o.owner_username == username(owner_of(a)) &&
                          o.share_count == kSharesPerAgent &&
                          o.is_owner == (owner_of(a) == kMetadataUser) &&
                          o.is_shared == is_shared_with(a, kMetadataUser);
    if (!same || !expected)
      throw std::runtime_error("verify: the metadata of " + agent_name(a) +
                               (same ? " is not the data set's" : " differs between the sides"));
  }
}

void set_up(BackendState& st) {
  st.dbm = std::make_unique<DatabaseManager>(trinity::db::ManagerOptions{.url = st.url});
  write_data_set(*st.dbm);
  if (st.backend == Backend::postgresql) {
    PGconn* conn = open_raw_pg(st.url);
    try {
      pg_exec(conn, "VACUUM ANALYZE");  // outside a transaction: autocommit
    } catch (...) {
      PQfinish(conn);
      throw;
    }
    PQfinish(conn);
  }
  for (int i = 0; i < kMaxThreads; ++i) {
    if (st.backend == Backend::sqlite)
      st.raw_sqlite.push_back(std::make_unique<RawSqliteSide>(st.dbm->engine().url().database()));
    else
      st.raw_pg.push_back(std::make_unique<RawPgSide>(st.url));
  }
  verify(st);
  // Every connection the 4-thread runs can use, opened with both statements prepared; the raw
  // connections likewise.
  bench::warm_pool(st.dbm->engine(), kMaxThreads, [&](int) {
    check_access(st, Side::trinity, 0, checks().front());
    read_metadata(st, Side::trinity, 0);
  });
  for (int i = 0; i < kMaxThreads; ++i) {
    check_access(st, Side::raw, i, checks().front());
    read_metadata(st, Side::raw, i);
  }
}

// ---- the benchmarks ----------------------------------------------------------------------------

bench::RunSamples g_samples;

void access_check(benchmark::State& state, Backend b, Side side) {
  BackendState& st = g_states.at(b);
  const int thread = state.thread_index();
  // The thread's quarter (or all) of the sequence.
  const std::size_t first =
      static_cast<std::size_t>(thread) * static_cast<std::size_t>(kChecksPerRun / state.threads());
  bench::measure_latency(state, g_samples, kWarmupChecks, [&](std::size_t i) -> const char* {
    const Check& c = checks()[first + i];
    return check_access(st, side, thread, c) == c.granted ? nullptr : "a wrong access answer";
  });
}

void agent_metadata(benchmark::State& state, Backend b, Side side) {
  BackendState& st = g_states.at(b);
  const int thread = state.thread_index();
  bench::measure_latency(state, g_samples, kWarmupMetadata, [&](std::size_t) -> const char* {
    return read_metadata(st, side, thread) == static_cast<std::size_t>(kAgents)
               ? nullptr
               : "the metadata gave back other than 1,000 agents";
  });
}

struct Workload {
  const char* name;
  void (*run)(benchmark::State&, Backend, Side);
  std::vector<int> threads;
  int calls_per_run;  // over all threads
};
const std::vector<Workload>& workloads() {
  static const std::vector<Workload> kWorkloads = {
      {"access_check",
       access_check,
       {std::begin(kCheckThreads), std::end(kCheckThreads)},
       kChecksPerRun},
      {"agent_metadata", agent_metadata, {1}, kMetadataPerRun}};
  return kWorkloads;
}

std::string bench_name(const Workload& w, Backend b, Side side) {
  return std::string(w.name) + "/" + backend_name(b) + "/" + side_name(side);
}

void register_benchmarks(Backend b) {
  for (const Workload& w : workloads())
    for (Side side : {Side::trinity, Side::raw})
      for (int threads : w.threads)
        benchmark::RegisterBenchmark(bench_name(w, b, side).c_str(),
                                     [&w, b, side](benchmark::State& s) { w.run(s, b, side); })
            ->Unit(benchmark::kMicrosecond)
            ->UseRealTime()
            ->Threads(threads)
            ->Iterations(w.calls_per_run / threads);
}

// ---- reporting ---------------------------------------------------------------------------------

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  using bench::cell;
  std::printf(
      "\ntrinity-db vs the raw C API, same SQL in the same run, 1,000 agents with 10 shares each: "
      "access_check = can_user_access_agent,\nagent_metadata = get_all_agent_metadata(email) "
      "(1,000 agents). Latency per call in us (median repetition); calls/s = all threads.\n\n");
  std::printf("%-15s %-10s %7s %10s %10s %10s %10s %9s %9s %11s %11s\n", "workload", "backend",
              "threads", "trin p50", "trin p99", "raw p50", "raw p99", "p50 ratio", "p99 ratio",
              "trin call/s", "raw call/s");
  bool any = false;
  for (const Workload& w : workloads()) {
    for (Backend b : backends) {
      for (int threads : w.threads) {
        auto ours = rep.figures_of(bench_name(w, b, Side::trinity), threads);
        auto raw = rep.figures_of(bench_name(w, b, Side::raw), threads);
        if (!ours && !raw) continue;
        any = true;
        std::printf(
            "%-15s %-10s %7d %10s %10s %10s %10s %9s %9s %11s %11s\n", w.name, backend_name(b),
            threads, cell(ours, &Figures::p50, "%.1f").c_str(),
            cell(ours, &Figures::p99, "%.1f").c_str(), cell(raw, &Figures::p50, "%.1f").c_str(),
            cell(raw, &Figures::p99, "%.1f").c_str(),
            bench::ratio(ours, raw, &Figures::p50).c_str(),
            bench::ratio(ours, raw, &Figures::p99).c_str(),
            cell(ours, &Figures::ops, "%.0f").c_str(), cell(raw, &Figures::ops, "%.0f").c_str());
      }
    }
  }
  if (!any) std::printf("(no benchmark ran)\n");
  std::printf("\nFigures are reported, never asserted.\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  return bench::run_program({.name = "agents_bench",
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
