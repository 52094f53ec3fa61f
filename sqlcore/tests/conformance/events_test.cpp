// Engine events and the statement log on every backend: listeners see exactly the statements
// the engine sends (migrations included), with names and never values; commit, rollback, error
// and pool events; echo, the slow-statement log and log levels; bad settings refused at
// create_engine().
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/testing/backend.hpp>
#include "common/sample_revisions.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

using Strings = std::vector<std::string>;

// What the listeners saw, copied (an Event's views last only during the call).
struct Seen {
  EventKind kind;
  std::string sql;
  Strings names;
  std::size_t sets;
  std::int64_t rows;
  std::chrono::nanoseconds duration;
  std::string error;
  std::uint64_t connection_id;
  bool in_transaction;
};

class Recorder {
 public:
  Listener listener() {
    return [this](const Event& e) {
      std::lock_guard lock(mu_);
      seen_.push_back(Seen{e.kind, std::string(e.sql), e.param_names ? *e.param_names : Strings{},
                           e.param_sets, e.rows, e.duration, e.error ? e.error->what() : "",
                           e.connection_id, e.in_transaction});
    };
  }
  std::vector<Seen> take() {
    std::lock_guard lock(mu_);
    return std::exchange(seen_, {});
  }
  Strings sql_of(EventKind kind) {
    Strings out;
    for (const auto& s : take())
      if (s.kind == kind) out.push_back(s.sql);
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<Seen> seen_;
};

// The kinds of `seen`, in order, by name.
Strings kinds_of(const std::vector<Seen>& seen) {
  Strings out;
  for (const auto& s : seen) out.push_back(to_string(s.kind));
  return out;
}

class EventsTest : public BackendTest {};

TEST_P(EventsTest, ListenersSeeExactlyTheStatementsSentWithNamesAndRows) {
  auto engine = make_engine();
  Recorder rec;
  engine.listen({EventKind::before_execute, EventKind::after_execute}, rec.listener());
  const std::string create = "CREATE TABLE ev_items (id INTEGER PRIMARY KEY, secret TEXT)";
  const std::string insert = "INSERT INTO ev_items (id, secret) VALUES (:id, :secret)";
  const std::string select = "SELECT secret FROM ev_items WHERE id = :id";
  {
    auto conn = engine.connect();
    conn.execute(text(create));
    conn.execute(text(insert), {{"id", 1}, {"secret", "hunter2-value"}});
    auto tx = conn.begin();
    EXPECT_EQ(conn.execute(text(select), {{"id", 1}}).scalar<std::string>(), "hunter2-value");
    tx.commit();
  }
  const std::vector<Seen> seen = rec.take();
  Strings before, after;
  for (const auto& s : seen)
    (s.kind == EventKind::before_execute ? before : after).push_back(s.sql);
  EXPECT_EQ(before, after);
  ASSERT_EQ(before.size(), 5u);
  EXPECT_EQ(before[0], create);
  EXPECT_NE(before[1].find("INSERT INTO ev_items"), std::string::npos);
  EXPECT_EQ(before[2], engine.dialect().begin_sql());
  EXPECT_NE(before[3].find("SELECT secret FROM ev_items"), std::string::npos);
  EXPECT_EQ(before[4], engine.dialect().commit_sql());
  for (const auto& s : seen) {
    EXPECT_EQ(s.sql.find("hunter2"), std::string::npos) << "a value in an event: " << s.sql;
    EXPECT_GT(s.connection_id, 0u);
    if (s.kind != EventKind::after_execute) continue;
    EXPECT_GE(s.duration.count(), 0);
    if (s.sql == before[1]) {
      EXPECT_EQ(s.names, (Strings{"id", "secret"}));
      EXPECT_EQ(s.rows, 1);
      EXPECT_FALSE(s.in_transaction);
    }
    if (s.sql == before[3]) {
      EXPECT_EQ(s.names, (Strings{"id"}));
      EXPECT_EQ(s.rows, -1);  // returns rows
      EXPECT_TRUE(s.in_transaction);
    }
  }
}

TEST_P(EventsTest, ExpressionStatementsAndExecuteManyAreSeenOnceEach) {
  auto engine = make_engine();
  MetaData md;
  Table& t = md.add_table("ev_rows");
  t.column("id", types::Integer).primary_key();
  t.column("name", types::String(20));
  md.create_all(engine);
  Recorder rec;
  engine.listen(EventKind::after_execute, rec.listener());
  std::vector<Params> rows;
  for (int i = 0; i < 250; ++i) rows.push_back({{"id", i}, {"name", "n" + std::to_string(i)}});
  auto conn = engine.connect();
  EXPECT_EQ(
      conn.execute_many(
          insert(t).values({{t.c("id"), bindparam("id")}, {t.c("name"), bindparam("name")}}), rows),
      250);
  (void)conn.execute(text("SELECT name FROM ev_rows WHERE id = :id"), {{"id", 7}}).all();
  const std::vector<Seen> seen = rec.take();
  // execute_many outside a transaction: BEGIN, the load (one event, 250 sets), COMMIT.
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].sql, engine.dialect().begin_sql());
  EXPECT_EQ(seen[1].sets, 250u);
  EXPECT_EQ(seen[1].rows, 250);
  EXPECT_EQ(seen[1].names, (Strings{"id", "name"}));
  EXPECT_EQ(seen[2].sql, engine.dialect().commit_sql());
  EXPECT_NE(seen[3].sql.find("ev_rows"), std::string::npos);
  EXPECT_EQ(seen[3].names, (Strings{"id"}));
}

TEST_P(EventsTest, MigrationsStatementsAreSeen) {
  auto engine = make_engine();
  Recorder rec;
  engine.listen(EventKind::after_execute, rec.listener());
  migrate::History h(sample::three_revisions());
  migrate::Migrator(engine, h).upgrade();
  Strings sql = rec.sql_of(EventKind::after_execute);
  auto has = [&](const std::string& needle) {
    return std::any_of(sql.begin(), sql.end(),
                       [&](const std::string& s) { return s.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("CREATE TABLE")) << "no CREATE TABLE among " << sql.size() << " statements";
  EXPECT_TRUE(has("posts"));
  EXPECT_TRUE(has("ix_posts_user_id"));
  EXPECT_TRUE(has("email"));
}

TEST_P(EventsTest, CommitRollbackAndErrorEvents) {
  auto engine = make_engine();
  Recorder rec;
  engine.listen({EventKind::commit, EventKind::rollback, EventKind::error}, rec.listener());
  {
    auto conn = engine.connect();
    conn.execute(text("CREATE TABLE ev_tx (id INTEGER PRIMARY KEY)"));
    {
      auto tx = conn.begin();
      conn.execute(text("INSERT INTO ev_tx (id) VALUES (1)"));
      tx.commit();
    }
    {
      auto tx = conn.begin();
      conn.execute(text("INSERT INTO ev_tx (id) VALUES (2)"));
      tx.rollback();
    }
    {
      auto tx = conn.begin();  // left open: rolled back by its destructor
    }
    EXPECT_THROW(conn.execute(text("INSERT INTO ev_tx (id) VALUES (1)")), IntegrityError);
    {
      auto tx = conn.begin();
      conn.execute(text("INSERT INTO ev_tx (id) VALUES (3)"));
    }
  }
  {
    auto other = engine.connect();
    auto tx = other.begin();
    other.close();  // back to the pool with the transaction open: rolled back there
  }
  const std::vector<Seen> seen = rec.take();
  EXPECT_EQ(kinds_of(seen),
            (Strings{"commit", "rollback", "rollback", "error", "rollback", "rollback"}));
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].sql, engine.dialect().commit_sql());
  EXPECT_EQ(seen[1].sql, engine.dialect().rollback_sql());
  EXPECT_NE(seen[3].error.find("ev_tx"), std::string::npos) << seen[3].error;
  EXPECT_NE(seen[3].sql.find("INSERT INTO ev_tx"), std::string::npos);
}

TEST_P(EventsTest, PoolEventsNameTheConnection) {
  auto engine = make_engine();
  Recorder rec;
  engine.listen({EventKind::connect, EventKind::checkout, EventKind::checkin}, rec.listener());
  {
    auto a = engine.connect();
    a.execute(text("SELECT 1"));
  }
  { auto b = engine.connect(); }
  const std::vector<Seen> seen = rec.take();
  EXPECT_EQ(kinds_of(seen), (Strings{"connect", "checkout", "checkin", "checkout", "checkin"}));
  for (const auto& s : seen) EXPECT_EQ(s.connection_id, seen[0].connection_id);
}

TEST_P(EventsTest, UnlistenStopsAndAThrowingListenerNeverFailsTheStatement) {
  auto engine = make_engine();
  std::atomic<int> calls{0};
  ListenerId id = engine.listen(EventKind::after_execute, [&](const Event&) {
    ++calls;
    throw std::runtime_error("listener bug");
  });
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
  EXPECT_EQ(calls.load(), 1);
  engine.unlisten(id);
  EXPECT_EQ(conn.execute(text("SELECT 2")).scalar<std::int64_t>(), 2);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_THROW(engine.listen(EventKind::commit, Listener{}), ArgumentError);
}

// ---- the statement log -------------------------------------------------------------------

struct Lines {
  std::mutex mu;
  std::vector<std::pair<LogLevel, std::string>> lines;
  Logger logger() {
    return [this](const LogRecord& r) {
      std::lock_guard lock(mu);
      lines.emplace_back(r.level, std::string(r.message));
    };
  }
  int count(LogLevel l) {
    std::lock_guard lock(mu);
    return static_cast<int>(
        std::count_if(lines.begin(), lines.end(), [&](const auto& p) { return p.first == l; }));
  }
};

// Runs statements that bind a secret, succeed, fail on a constraint and fail on a bad value.
void work_with_secret(Engine& engine, const std::string& secret) {
  auto conn = engine.connect();
  conn.execute(
      text("CREATE TABLE log_items (id INTEGER PRIMARY KEY, secret TEXT UNIQUE, n INTEGER)"));
  conn.execute(text("INSERT INTO log_items (id, secret, n) VALUES (:id, :secret, :n)"),
               {{"id", 1}, {"secret", secret}, {"n", 5}});
  (void)conn.execute(text("SELECT id FROM log_items WHERE secret = :secret"), {{"secret", secret}})
      .all();
  EXPECT_THROW(conn.execute(text("INSERT INTO log_items (id, secret, n) VALUES (:id, :secret, :n)"),
                            {{"id", 2}, {"secret", secret}, {"n", 6}}),
               IntegrityError);
  EXPECT_THROW(conn.execute(text("SELECT :v FROM log_no_such_table"), {{"v", secret}}),
               ProgrammingError);
}

TEST_P(EventsTest, EchoLogsEveryStatementWithItsDurationAndNeverAValue) {
  Lines log;
  auto engine = make_engine({.logger = log.logger()}, "echo=true");
  const std::string secret = "s3cr3t-pa55-" + std::to_string(::getpid());
  work_with_secret(engine, secret);
  ASSERT_GE(log.count(LogLevel::info), 3);
  EXPECT_GE(log.count(LogLevel::error), 1);
  bool saw_insert = false;
  for (const auto& [level, line] : log.lines) {
    EXPECT_EQ(line.find(secret), std::string::npos) << "a bound value in the log: " << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_NE(line.find(" ms"), std::string::npos) << line;
    if (line.find("INSERT INTO log_items") != std::string::npos && level == LogLevel::info) {
      saw_insert = true;
      EXPECT_NE(line.find(":id, :secret, :n"), std::string::npos) << line;
      EXPECT_NE(line.find("1 row"), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(saw_insert);
}

TEST_P(EventsTest, SlowQueryLogsOnlyStatementsOverTheThreshold) {
  Lines fast, slow;
  {
    auto engine = make_engine({.logger = fast.logger()}, "slow_query=10s");
    auto conn = engine.connect();
    (void)conn.execute(text("SELECT 1")).all();
  }
  EXPECT_EQ(fast.lines.size(), 0u);
  {
    auto engine =
        make_engine({.slow_query = std::chrono::microseconds(1), .logger = slow.logger()});
    auto conn = engine.connect();
    (void)conn.execute(text("SELECT 1")).all();
  }
  ASSERT_EQ(slow.lines.size(), 1u);
  EXPECT_EQ(slow.lines[0].first, LogLevel::warning);
  EXPECT_NE(slow.lines[0].second.find("slow statement"), std::string::npos);
  EXPECT_NE(slow.lines[0].second.find("SELECT 1"), std::string::npos);
}

TEST_P(EventsTest, LogLevelFiltersAndDebugAddsPoolEvents) {
  Lines quiet, debug;
  {
    auto engine = make_engine({.logger = quiet.logger()}, "echo=true&log_level=warning");
    auto conn = engine.connect();
    (void)conn.execute(text("SELECT 1")).all();
    EXPECT_EQ(quiet.lines.size(), 0u);
    // A failure is above the level: logged.
    EXPECT_THROW(conn.execute(text("SELECT * FROM log_no_such_table")), ProgrammingError);
  }
  ASSERT_EQ(quiet.lines.size(), 1u);
  EXPECT_EQ(quiet.lines[0].first, LogLevel::error);
  EXPECT_NE(quiet.lines[0].second.find("log_no_such_table"), std::string::npos);
  {
    auto engine = make_engine({.log_level = LogLevel::debug, .logger = debug.logger()});
    (void)engine.connect().execute(text("SELECT 1")).all();
  }
  EXPECT_GE(debug.count(LogLevel::debug), 2);  // checkout, checkin (and connect)
  EXPECT_EQ(debug.count(LogLevel::info), 1);   // SELECT 1
}

TEST_P(EventsTest, BadLogAndTimeoutSettingsAreRefusedAtCreateEngine) {
  for (const char* q : {"log_level=loud", "echo=maybe", "slow_query=abc", "slow_query=-1",
                        "statement_timeout=0", "statement_timeout=-5", "statement_timeout=5parsecs",
                        "connect_timeout=0", "connect_timeout=-1"}) {
    try {
      (void)create_engine(url(q));
      ADD_FAILURE() << q << " was accepted";
    } catch (const ArgumentError& e) {
      const std::string key = std::string(q).substr(0, std::string(q).find('='));
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << q << ": " << e.what();
    }
  }
  EXPECT_THROW((void)create_engine(url(), {.statement_timeout = 0ms}), ArgumentError);
  EXPECT_THROW((void)create_engine(url(), {.connect_timeout = -1ms}), ArgumentError);
  EXPECT_EQ(parse_log_level("WARNING"), LogLevel::warning);
}

SQLCORE_BACKEND_TEST_SUITE(EventsTest);

}  // namespace
}  // namespace sqlcore_test
