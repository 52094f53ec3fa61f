// trinity_bench: the message operation of trinity-db (target: p99 under 30 ms) against the raw C
// APIs (sqlite3, libpq) doing the same work in the same run, on a SQLite file (WAL) and on
// PostgreSQL.
//
// The operation: add_chat_message(session, ...) and then get_chat_messages(session) (latest 100).
//   trinity  dbm.chat().add_chat_message({session, agent, user_id, email, "user", content}), one
//            transaction, then dbm.chat().get_chat_messages(session), one statement without a
//            transaction (Db::read); each on a connection checked out of the pool.
//   raw      the statements chat.cpp runs, spelled as sqlcore renders them, with raw prepared
//            statements on one connection per thread, with the same transaction boundaries:
//              add: BEGIN (SQLite: BEGIN IMMEDIATE, as sqlcore's SQLite dialect begins)
//                   SELECT last_message_at FROM chat_sessions WHERE id = ? [FOR UPDATE on PG]
//                   INSERT INTO chat_messages (16 columns) VALUES (...)
//                   UPDATE chat_sessions SET message_count = coalesce(message_count, ?) + ?,
//                                            last_message_at = ? WHERE id = ?
//                   COMMIT
//              get: SELECT * FROM chat_messages WHERE session_id = ?
//                   ORDER BY timestamp DESC, id DESC LIMIT 100 (autocommit), every column read
//                   into C++ values (timestamps parsed to microseconds), then oldest first.
//            The message timestamp follows the same rule (now, or last_message_at + 1 us), and
//            the message id comes from the same generator (trinity::db::new_id()), so only the
//            data layer differs.
//
// Measured: every operation (add + get) is timed on its own with steady_clock; p50 and p99 over
// all samples of a run (all threads) are the counters p50_us / p99_us; items_per_second is the
// throughput in operations per second (real time). Each benchmark runs with 1, 4 and 32 threads;
// thread i works on session i % 4 (each side has its own 4 sessions), so threads contend on a
// session as real users of one agent do. On the SQLite file writers serialise (BEGIN IMMEDIATE,
// busy_timeout 5 s on both sides), so throughput does not grow with threads there.
//
// Set-up per backend (not timed): a fresh database -- SQLite: a file in a temp dir, opened by
// sqlcore's driver (WAL, synchronous=NORMAL); PostgreSQL: a database `trinity_bench` on the
// server of SQLCORE_BENCH_POSTGRES_URL, dropped and created again -- brought to head by
// DatabaseManager (migrations), and one user. Before every run (Google Benchmark's Setup) the side
// gets 4 new sessions of 100 messages each (through the operations), so every read returns 100
// rows and every run starts from the same state; the sessions grow during the run (see
// iterations_per_thread). The pool is sized for 32 threads (DB_POOL_SIZE=40, DB_MAX_OVERFLOW=10)
// and every connection the 32-thread runs use is warmed (opened, statements prepared) before
// timing; the raw side keeps one warmed connection per thread index. Each thread runs a few
// operations untimed before its timed loop, on both sides.
//
// Output: Google Benchmark's console output, then a table per backend and thread count: trinity
// and raw p50/p99 (us), the ratio of the p50s, ops/s of both sides, and whether the target holds
// for trinity at 1 thread (p99 < 1000 us on SQLite, < 2000 us on PostgreSQL). Figures are
// reported, never asserted: the exit status says only whether the benchmarks ran. With
// repetitions (default 3, randomly interleaved) the table shows the median repetition.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs, with a note on stderr),
// SQLCORE_TEST_BACKENDS (as for the tests, e.g. "sqlite"; default: all),
// SQLCORE_BENCH_SQLITE_QUERY (the SQLite URL's query, e.g. "writer_queue=off"),
// SQLCORE_BENCH_RAW_WRITERS=fifo: the raw SQLite side's writers wait for each other in an
// in-process queue, served in arrival order, before BEGIN IMMEDIATE (RawWriterQueue below: the
// discipline of sqlcore's writer queue, written with the C++ standard library), instead of in
// SQLite's busy handler. It shows what fair order costs without sqlcore in the way; SQLite's own
// checkpoints stay as they are on that side (in the commit of the writer that passes the
// threshold). The table's "raw" columns are then that side.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
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
using bench::format_ts;
using bench::now_us;
using bench::open_raw_pg;
using bench::open_raw_sqlite;
using bench::parse_ts;
using bench::pg_check;
using bench::pg_exec;
using bench::pg_int;
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
using bench::sqlite_opt_int;
using bench::sqlite_opt_text;
using bench::sqlite_text;
using trinity::db::DatabaseManager;

constexpr int kSessions = 4;          // per side; thread i uses session i % kSessions
constexpr int kPrefill = 100;         // messages per session before timing (a full read)
constexpr std::int64_t kLimit = 100;  // get_chat_messages' default limit
constexpr int kWarmupOps = 5;         // per thread before its timed loop, both sides
constexpr int kMaxThreads = 32;
constexpr int kThreadCounts[] = {1, 4, 32};
constexpr int kDefaultRepetitions = 3;
constexpr const char* kPgDatabase = "trinity_bench";
constexpr const char* kAgent = "bench-agent";
constexpr const char* kEmail = "bench@example.com";
constexpr const char* kRole = "user";

// Operations per thread and run: 1,000 samples per run with 1 and 4 threads, 1,280 with 32. Each
// run starts from fresh sessions of kPrefill messages, which then grow by the run's operations
// (1 thread: session 0 from 100 to 1,100 messages; 4 threads: each to 350; 32: each to 420).
int iterations_per_thread(int threads) {
  return threads == 1 ? 1000 : threads == 4 ? 250 : 40;
}

const std::string& content() {
  static const std::string kContent =
      "Could you summarise the open issues of the deployment pipeline and tell me which of them "
      "block the release planned for Friday? Please keep it short.";
  return kContent;
}

// ---- the statements chat.cpp runs, as sqlcore renders them -----------------------------------

std::string lock_sql(Backend b) {
  return R"(SELECT "chat_sessions"."last_message_at" FROM "chat_sessions" )"
         R"(WHERE "chat_sessions"."id" = )" +
         ph(b, 1) + (b == Backend::sqlite ? "" : " FOR UPDATE");  // SQLite: no row locks
}
std::string insert_sql(Backend b) {
  std::string sql =
      R"(INSERT INTO "chat_messages" ("id", "session_id", "agent_name", "user_id", )"
      R"("user_email", "role", "content", "timestamp", "cost", "context_used", "context_max", )"
      R"("tool_calls", "execution_time_ms", "source", "subscription_id", "output_tokens") )"
      "VALUES (";
  for (int i = 1; i <= 16; ++i) sql += (i > 1 ? ", " : "") + ph(b, i);
  return sql + ")";
}
std::string update_sql(Backend b) {
  return R"(UPDATE "chat_sessions" SET "message_count" = )"
         R"(coalesce("chat_sessions"."message_count", )" +
         ph(b, 1) + ") + " + ph(b, 2) + R"(, "last_message_at" = )" + ph(b, 3) +
         R"( WHERE "chat_sessions"."id" = )" + ph(b, 4);
}
std::string select_sql(Backend b) {
  return R"(SELECT * FROM "chat_messages" WHERE "chat_messages"."session_id" = )" + ph(b, 1) +
         R"( ORDER BY "chat_messages"."timestamp" DESC, "chat_messages"."id" DESC LIMIT 100)";
}

// The columns of chat_messages in the order the raw side reads them (SELECT * returns the
// database's column order; the raw side finds each column's position once, when it prepares).
enum MsgCol : std::size_t {
  c_id,
  c_session_id,
  c_agent_name,
  c_user_id,
  c_user_email,
  c_role,
  c_content,
  c_timestamp,
  c_cost,
  c_context_used,
  c_context_max,
  c_tool_calls,
  c_execution_time_ms,
  c_source,
  c_subscription_id,
  c_output_tokens,
  c_count
};
constexpr const char* kMsgColNames[c_count] = {
    "id",           "session_id", "agent_name",        "user_id", "user_email",
    "role",         "content",    "timestamp",         "cost",    "context_used",
    "context_max",  "tool_calls", "execution_time_ms", "source",  "subscription_id",
    "output_tokens"};

// What the raw side reads into: the fields of trinity::db::ChatMessage, timestamps as
// microseconds since the epoch and JSON kept as its text.
struct RawMessage {
  std::string id, session_id, agent_name;
  std::int64_t user_id = 0;
  std::string user_email, role, content;
  std::int64_t timestamp_us = 0;
  std::optional<double> cost;
  std::optional<std::int64_t> context_used, context_max;
  std::optional<std::string> tool_calls;
  std::optional<std::int64_t> execution_time_ms;
  std::string source = "text";
  std::optional<std::string> subscription_id;
  std::optional<std::int64_t> output_tokens;
};

/// A message as add_chat_message makes one (a new random id, the given timestamp).
RawMessage new_message(const std::string& session_id, const std::string& agent,
                       std::int64_t user_id, const std::string& email, const std::string& role,
                       const std::string& text, std::int64_t timestamp_us) {
  RawMessage msg;
  msg.id = trinity::db::new_id();
  msg.session_id = session_id;
  msg.agent_name = agent;
  msg.user_id = user_id;
  msg.user_email = email;
  msg.role = role;
  msg.content = text;
  msg.timestamp_us = timestamp_us;
  return msg;
}

// The writers of the raw SQLite side with SQLCORE_BENCH_RAW_WRITERS=fifo: one turn at a time,
// served in arrival order; each waiter has its own condition variable and is woken alone, and
// the holder yields the CPU after handing the turn on (as sqlcore's writer queue does).
class RawWriterQueue {
 public:
  static bool enabled() {
    static const bool on = [] {
      const char* v = std::getenv("SQLCORE_BENCH_RAW_WRITERS");
      return v != nullptr && std::string_view(v) == "fifo";
    }();
    return on;
  }
  void acquire() {
    std::unique_lock lock(mu_);
    if (!held_ && line_.empty()) {
      held_ = true;
      return;
    }
    Waiter me;
    line_.push_back(&me);
    me.cv.wait(lock, [&] { return me.granted; });
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      if (line_.empty()) {
        held_ = false;
        return;
      }
      Waiter* next = line_.front();
      line_.pop_front();
      next->granted = true;  // the turn passes straight to it
      next->cv.notify_one();
    }
    std::this_thread::yield();
  }

 private:
  struct Waiter {
    std::condition_variable cv;
    bool granted = false;
  };
  std::mutex mu_;
  bool held_ = false;
  std::deque<Waiter*> line_;
};
RawWriterQueue g_raw_writers;

// One thread's raw SQLite connection with its statements prepared.
class RawSqliteSide {
 public:
  explicit RawSqliteSide(const std::string& path)
      : db_(open_raw_sqlite(path)),
        lock_(db_, lock_sql(Backend::sqlite)),
        insert_(db_, insert_sql(Backend::sqlite)),
        update_(db_, update_sql(Backend::sqlite)),
        select_(db_, select_sql(Backend::sqlite)) {
    const int n = sqlite3_column_count(select_.st);
    for (std::size_t k = 0; k < c_count; ++k) {
      col_[k] = -1;
      for (int i = 0; i < n; ++i)
        if (std::strcmp(sqlite3_column_name(select_.st, i), kMsgColNames[k]) == 0) col_[k] = i;
      if (col_[k] < 0) throw std::runtime_error(std::string("no column ") + kMsgColNames[k]);
    }
  }
  ~RawSqliteSide() {
    // The statements are finalised by their members' destructors, which run after this body:
    // close_v2 defers the close until then.
    sqlite3_close_v2(db_);
  }
  RawSqliteSide(const RawSqliteSide&) = delete;
  RawSqliteSide& operator=(const RawSqliteSide&) = delete;

  RawMessage add(const std::string& session_id, const std::string& agent, std::int64_t user_id,
                 const std::string& email, const std::string& role, const std::string& text) {
    const bool queued = RawWriterQueue::enabled();
    if (queued) g_raw_writers.acquire();
    struct Turn {  // ends the turn however the transaction ends
      bool held;
      ~Turn() {
        if (held) g_raw_writers.release();
      }
    } turn{queued};
    exec("BEGIN IMMEDIATE");  // as sqlcore's SQLite dialect begins
    try {
      bind_text(db_, lock_.st, 1, session_id);
      int rc = sqlite3_step(lock_.st);
      if (rc != SQLITE_ROW) {
        sqlite3_reset(lock_.st);
        if (rc == SQLITE_DONE) throw std::runtime_error("chat session not found");
        sqlite_fail(db_, "lock session");
      }
      const std::int64_t last =
          parse_ts(reinterpret_cast<const char*>(sqlite3_column_text(lock_.st, 0)));
      sqlite3_reset(lock_.st);
      std::int64_t ts = now_us();
      if (ts <= last) ts = last + 1;

      RawMessage msg = new_message(session_id, agent, user_id, email, role, text, ts);
      const std::string ts_text = format_ts(ts);
      sqlite3_stmt* st = insert_.st;
      bind_text(db_, st, 1, msg.id);
      bind_text(db_, st, 2, msg.session_id);
      bind_text(db_, st, 3, msg.agent_name);
      sqlite3_bind_int64(st, 4, msg.user_id);
      bind_text(db_, st, 5, msg.user_email);
      bind_text(db_, st, 6, msg.role);
      bind_text(db_, st, 7, msg.content);
      bind_text(db_, st, 8, ts_text);
      for (int i : {9, 10, 11, 12, 13}) sqlite3_bind_null(st, i);
      bind_text(db_, st, 14, msg.source);
      sqlite3_bind_null(st, 15);
      sqlite3_bind_null(st, 16);
      rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) sqlite_fail(db_, "insert message");

      st = update_.st;
      sqlite3_bind_int64(st, 1, 0);
      sqlite3_bind_int64(st, 2, 1);
      bind_text(db_, st, 3, ts_text);
      bind_text(db_, st, 4, session_id);
      rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) sqlite_fail(db_, "update session");
      exec("COMMIT");
      return msg;
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::vector<RawMessage> get(const std::string& session_id) {
    {
      std::vector<RawMessage> out;
      sqlite3_stmt* st = select_.st;
      bind_text(db_, st, 1, session_id);
      int rc;
      while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RawMessage m;
        m.id = sqlite_text(st, col_[c_id]);
        m.session_id = sqlite_text(st, col_[c_session_id]);
        m.agent_name = sqlite_text(st, col_[c_agent_name]);
        m.user_id = sqlite3_column_int64(st, col_[c_user_id]);
        m.user_email = sqlite_text(st, col_[c_user_email]);
        m.role = sqlite_text(st, col_[c_role]);
        m.content = sqlite_text(st, col_[c_content]);
        m.timestamp_us =
            parse_ts(reinterpret_cast<const char*>(sqlite3_column_text(st, col_[c_timestamp])));
        if (sqlite3_column_type(st, col_[c_cost]) != SQLITE_NULL)
          m.cost = sqlite3_column_double(st, col_[c_cost]);
        m.context_used = sqlite_opt_int(st, col_[c_context_used]);
        m.context_max = sqlite_opt_int(st, col_[c_context_max]);
        m.tool_calls = sqlite_opt_text(st, col_[c_tool_calls]);
        m.execution_time_ms = sqlite_opt_int(st, col_[c_execution_time_ms]);
        m.source = sqlite_opt_text(st, col_[c_source]).value_or("text");
        m.subscription_id = sqlite_opt_text(st, col_[c_subscription_id]);
        m.output_tokens = sqlite_opt_int(st, col_[c_output_tokens]);
        out.push_back(std::move(m));
      }
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) sqlite_fail(db_, "select messages");
      std::reverse(out.begin(), out.end());
      return out;
    }
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) sqlite_fail(db_, sql);
  }

  sqlite3* db_;
  RawSqliteStmt lock_, insert_, update_, select_;
  int col_[c_count];
};

// ---- raw libpq ---------------------------------------------------------------------------------

// One thread's raw libpq connection with its statements prepared.
class RawPgSide {
 public:
  explicit RawPgSide(const std::string& url) : conn_(open_raw_pg(url)) {
    prepare("lock", lock_sql(Backend::postgresql), 1);
    prepare("insert", insert_sql(Backend::postgresql), 16);
    prepare("update", update_sql(Backend::postgresql), 4);
    prepare("select", select_sql(Backend::postgresql), 1);
    PgResult d(PQdescribePrepared(conn_, "select"));
    pg_check(conn_, d, PGRES_COMMAND_OK, "describe select");
    for (std::size_t k = 0; k < c_count; ++k) {
      col_[k] = PQfnumber(d.res, kMsgColNames[k]);
      if (col_[k] < 0) throw std::runtime_error(std::string("no column ") + kMsgColNames[k]);
    }
  }
  ~RawPgSide() { PQfinish(conn_); }
  RawPgSide(const RawPgSide&) = delete;
  RawPgSide& operator=(const RawPgSide&) = delete;

  RawMessage add(const std::string& session_id, const std::string& agent, std::int64_t user_id,
                 const std::string& email, const std::string& role, const std::string& text) {
    pg_exec(conn_, "BEGIN");
    try {
      const char* lock_params[] = {session_id.c_str()};
      PgResult lock(PQexecPrepared(conn_, "lock", 1, lock_params, nullptr, nullptr, 0));
      pg_check(conn_, lock, PGRES_TUPLES_OK, "lock session");
      if (PQntuples(lock.res) < 1) throw std::runtime_error("chat session not found");
      const std::int64_t last = parse_ts(PQgetvalue(lock.res, 0, 0));
      std::int64_t ts = now_us();
      if (ts <= last) ts = last + 1;

      RawMessage msg = new_message(session_id, agent, user_id, email, role, text, ts);
      const std::string ts_text = format_ts(ts) + "+00";
      char user_id_text[24];
      *std::to_chars(user_id_text, user_id_text + sizeof user_id_text - 1, msg.user_id).ptr = '\0';
      const char* ins_params[16] = {msg.id.c_str(),
                                    msg.session_id.c_str(),
                                    msg.agent_name.c_str(),
                                    user_id_text,
                                    msg.user_email.c_str(),
                                    msg.role.c_str(),
                                    msg.content.c_str(),
                                    ts_text.c_str(),
                                    nullptr,
                                    nullptr,
                                    nullptr,
                                    nullptr,
                                    nullptr,
                                    msg.source.c_str(),
                                    nullptr,
                                    nullptr};
      PgResult ins(PQexecPrepared(conn_, "insert", 16, ins_params, nullptr, nullptr, 0));
      pg_check(conn_, ins, PGRES_COMMAND_OK, "insert message");

      const char* upd_params[] = {"0", "1", ts_text.c_str(), session_id.c_str()};
      PgResult upd(PQexecPrepared(conn_, "update", 4, upd_params, nullptr, nullptr, 0));
      pg_check(conn_, upd, PGRES_COMMAND_OK, "update session");
      pg_exec(conn_, "COMMIT");
      return msg;
    } catch (...) {
      PgResult r(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  std::vector<RawMessage> get(const std::string& session_id) {
    {
      const char* params[] = {session_id.c_str()};
      PgResult r(PQexecPrepared(conn_, "select", 1, params, nullptr, nullptr, 0));
      pg_check(conn_, r, PGRES_TUPLES_OK, "select messages");
      const PGresult* res = r.res;
      const int n = PQntuples(res);
      std::vector<RawMessage> out;
      for (int row = 0; row < n; ++row) {
        RawMessage m;
        m.id = pg_text(res, row, col_[c_id]);
        m.session_id = pg_text(res, row, col_[c_session_id]);
        m.agent_name = pg_text(res, row, col_[c_agent_name]);
        m.user_id = pg_int(res, row, col_[c_user_id]);
        m.user_email = pg_text(res, row, col_[c_user_email]);
        m.role = pg_text(res, row, col_[c_role]);
        m.content = pg_text(res, row, col_[c_content]);
        m.timestamp_us = parse_ts(PQgetvalue(res, row, col_[c_timestamp]));
        if (!PQgetisnull(res, row, col_[c_cost]))
          m.cost = std::strtod(PQgetvalue(res, row, col_[c_cost]), nullptr);
        m.context_used = pg_opt_int(res, row, col_[c_context_used]);
        m.context_max = pg_opt_int(res, row, col_[c_context_max]);
        m.tool_calls = pg_opt_text(res, row, col_[c_tool_calls]);
        m.execution_time_ms = pg_opt_int(res, row, col_[c_execution_time_ms]);
        m.source = pg_opt_text(res, row, col_[c_source]).value_or("text");
        m.subscription_id = pg_opt_text(res, row, col_[c_subscription_id]);
        m.output_tokens = pg_opt_int(res, row, col_[c_output_tokens]);
        out.push_back(std::move(m));
      }
      std::reverse(out.begin(), out.end());
      return out;
    }
  }

 private:
  void prepare(const char* name, const std::string& sql, int nparams) {
    PgResult r(PQprepare(conn_, name, sql.c_str(), nparams, nullptr));
    pg_check(conn_, r, PGRES_COMMAND_OK, sql);
  }

  PGconn* conn_;
  int col_[c_count];
};

// ---- per-backend state -------------------------------------------------------------------------

struct BackendState {
  Backend backend = Backend::sqlite;
  std::string url;  // the sqlcore URL of the fresh database (with the password)
  std::unique_ptr<DatabaseManager> dbm;
  std::int64_t user_id = 0;
  std::string email;
  std::vector<std::string> sessions[2];  // [Side], kSessions each
  // One raw connection per thread index, opened and warmed at set-up.
  std::vector<std::unique_ptr<RawSqliteSide>> raw_sqlite;
  std::vector<std::unique_ptr<RawPgSide>> raw_pg;
};

struct Config {
  std::map<Backend, BackendState> states;
};
Config g_config;

// One operation on `side`; returns how many messages the read gave back.
std::size_t run_op(BackendState& st, Side side, int thread_index) {
  const std::string& session =
      st.sessions[static_cast<int>(side)][static_cast<std::size_t>(thread_index % kSessions)];
  if (side == Side::trinity) {
    auto& chat = st.dbm->chat();
    auto added = chat.add_chat_message({.session_id = session,
                                        .agent_name = kAgent,
                                        .user_id = st.user_id,
                                        .user_email = st.email,
                                        .role = kRole,
                                        .content = content()});
    benchmark::DoNotOptimize(added);
    auto msgs = chat.get_chat_messages(session);
    benchmark::DoNotOptimize(msgs);
    return msgs.size();
  }
  auto raw_op = [&](auto& raw) {
    auto added = raw.add(session, kAgent, st.user_id, st.email, kRole, content());
    benchmark::DoNotOptimize(added);
    auto msgs = raw.get(session);
    benchmark::DoNotOptimize(msgs);
    return msgs.size();
  };
  const auto i = static_cast<std::size_t>(thread_index);
  return st.backend == Backend::sqlite ? raw_op(*st.raw_sqlite[i]) : raw_op(*st.raw_pg[i]);
}

// Replaces `side`'s sessions by kSessions new ones with kPrefill messages each (one transaction).
void new_sessions(BackendState& st, Side side) {
  std::vector<std::string> ids;
  st.dbm->transaction([&] {
    for (int i = 0; i < kSessions; ++i) {
      // A new session each time (get_or_create would return the same active one).
      auto s = st.dbm->chat().create_new_chat_session(kAgent, st.user_id, st.email);
      for (int m = 0; m < kPrefill; ++m)
        st.dbm->chat().add_chat_message({.session_id = s.id,
                                         .agent_name = kAgent,
                                         .user_id = st.user_id,
                                         .user_email = st.email,
                                         .role = kRole,
                                         .content = content()});
      ids.push_back(s.id);
    }
  });
  st.sessions[static_cast<int>(side)] = std::move(ids);
}

void set_up(BackendState& st) {
  st.dbm = std::make_unique<DatabaseManager>(trinity::db::ManagerOptions{.url = st.url});
  st.email = kEmail;
  auto user = st.dbm->users().create_user({.username = "bench-user", .email = st.email});
  st.user_id = user.id;
  for (Side side : {Side::trinity, Side::raw}) new_sessions(st, side);
  for (int i = 0; i < kMaxThreads; ++i) {
    if (st.backend == Backend::sqlite)
      st.raw_sqlite.push_back(std::make_unique<RawSqliteSide>(st.dbm->engine().url().database()));
    else
      st.raw_pg.push_back(std::make_unique<RawPgSide>(st.url));
    run_op(st, Side::raw, i);
  }
  // Every connection the 32-thread runs can use, opened with trinity's statements prepared.
  bench::warm_pool(st.dbm->engine(), kMaxThreads, [&](int k) { run_op(st, Side::trinity, k); });
}

// Before every run (once, before its threads start; not timed): fresh sessions for the side, so
// that every run starts from sessions of kPrefill messages whatever ran before it.
std::optional<std::string> g_setup_error;
template <Backend B, Side S>
void before_run(const benchmark::State&) {
  try {
    g_setup_error.reset();
    new_sessions(g_config.states.at(B), S);
  } catch (const std::exception& e) {
    g_setup_error = e.what();
  }
}
using SetupFn = void (*)(const benchmark::State&);
SetupFn before_run_of(Backend b, Side side) {
  if (b == Backend::sqlite)
    return side == Side::trinity ? before_run<Backend::sqlite, Side::trinity>
                                 : before_run<Backend::sqlite, Side::raw>;
  return side == Side::trinity ? before_run<Backend::postgresql, Side::trinity>
                               : before_run<Backend::postgresql, Side::raw>;
}

bench::RunSamples g_samples;

void message_op(benchmark::State& state, Backend b, Side side) {
  BackendState& st = g_config.states.at(b);
  const int thread = state.thread_index();
  bench::measure_latency(
      state, g_samples, kWarmupOps,
      [&](std::size_t) -> const char* {
        return run_op(st, side, thread) == static_cast<std::size_t>(kLimit)
                   ? nullptr
                   : "the read gave back other than 100 messages";
      },
      g_setup_error);
}

std::string bench_name(Backend b, Side side) {
  return std::string("message_op/") + backend_name(b) + "/" + side_name(side);
}

void register_benchmarks(Backend b) {
  for (Side side : {Side::trinity, Side::raw}) {
    for (int threads : kThreadCounts) {
      benchmark::RegisterBenchmark(bench_name(b, side).c_str(),
                                   [b, side](benchmark::State& s) { message_op(s, b, side); })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime()
          ->Threads(threads)
          ->Setup(before_run_of(b, side))
          ->Iterations(iterations_per_thread(threads));
    }
  }
}

// ---- reporting ---------------------------------------------------------------------------------

void print_table(const RecordingReporter& rep, const std::vector<Backend>& backends) {
  std::printf(
      "\ntrinity-db vs the raw C API, same work in the same run: message_op = add_chat_message + "
      "get_chat_messages (latest 100)\nof one session; threads share 4 sessions. Latency per "
      "operation in us (median repetition); ops/s = operations per second, all threads.\n\n");
  std::printf("%-10s %-10s %7s %11s %11s %11s %11s %9s %11s %11s  %s\n", "workload", "backend",
              "threads", "trin p50", "trin p99", "raw p50", "raw p99", "p50 ratio", "trin ops/s",
              "raw ops/s", "target (trinity p99, 1 thread)");
  bool any = false;
  for (Backend b : backends) {
    for (int threads : kThreadCounts) {
      auto ours = rep.figures_of(bench_name(b, Side::trinity), threads);
      auto raw = rep.figures_of(bench_name(b, Side::raw), threads);
      if (!ours && !raw) continue;
      any = true;
      using bench::cell;
      using bench::fmt;
      const std::string ratio = bench::ratio(ours, raw, &Figures::p50);
      std::string target = "-";
      if (threads == 1 && ours) {
        const double limit = b == Backend::sqlite ? 1000.0 : 2000.0;
        target = "< " + fmt("%.0f", limit) + " us " + (ours->p99 < limit ? "met" : "MISSED");
      }
      std::printf("%-10s %-10s %7d %11s %11s %11s %11s %9s %11s %11s  %s\n", "message_op",
                  backend_name(b), threads, cell(ours, &Figures::p50, "%.1f").c_str(),
                  cell(ours, &Figures::p99, "%.1f").c_str(),
                  cell(raw, &Figures::p50, "%.1f").c_str(),
                  cell(raw, &Figures::p99, "%.1f").c_str(), ratio.c_str(),
                  cell(ours, &Figures::ops, "%.0f").c_str(),
                  cell(raw, &Figures::ops, "%.0f").c_str(), target.c_str());
    }
  }
  if (!any) std::printf("(no benchmark ran)\n");
  std::printf(
      "\nEach run starts from fresh sessions of %d messages that grow by its operations (1 thread: "
      "to %d).\nThe target is the original system's (under 30 ms); it is reported, never "
      "asserted.\n",
      kPrefill, kPrefill + iterations_per_thread(1));
  if (RawWriterQueue::enabled())
    std::printf(
        "SQLite raw side: its writers wait in an in-process queue, in arrival order "
        "(SQLCORE_BENCH_RAW_WRITERS=fifo).\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  // A pool that serves 32 threads without waiting (trinity reads these at DatabaseManager start).
  setenv("DB_POOL_SIZE", "40", 1);
  setenv("DB_MAX_OVERFLOW", "10", 1);
  return bench::run_program({.name = "trinity_bench",
                             .pg_database = kPgDatabase,
                             .repetitions = kDefaultRepetitions,
                             .set_up =
                                 [](Backend b, std::string url) {
                                   BackendState& st = g_config.states[b];
                                   st.backend = b;
                                   st.url = std::move(url);
                                   set_up(st);
                                 },
                             .register_benchmarks = register_benchmarks,
                             .summary = print_table,
                             .tear_down = [] { g_config.states.clear(); }},
                            argc, argv);
}
