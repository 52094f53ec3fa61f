// The pool: exhaustion times out clearly, overflow, recycle, dispose, and dead connections are
// replaced, never handed out.
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class PoolTest : public BackendTest {};

TEST_P(PoolTest, ExhaustionTimesOutWithAnErrorNamingTheSizes) {
  auto engine = make_engine({}, "pool_size=1&max_overflow=0&pool_timeout=0.2");
  // Another thread holds the only connection until told to let go.
  std::promise<void> held, release;
  std::thread holder([&] {
    auto c = engine.connect();
    held.set_value();
    release.get_future().wait();
  });
  held.get_future().wait();
  auto start = std::chrono::steady_clock::now();
  try {
    auto second = engine.connect();
    FAIL() << "expected a pool timeout";
  } catch (const OperationalError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("pool_size 1"), std::string::npos) << m;
    EXPECT_NE(m.find("max_overflow 0"), std::string::npos) << m;
    EXPECT_NE(m.find("pool_timeout"), std::string::npos) << m;
    EXPECT_TRUE(e.is_transient());
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  release.set_value();
  holder.join();
  EXPECT_NO_THROW(engine.connect());
}

TEST_P(PoolTest, AWaitingCheckoutGetsTheConnectionWhenItIsReturned) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0, .pool_timeout = 5s});
  std::promise<void> held;
  std::thread releaser([&] {
    auto c = engine.connect();
    held.set_value();
    std::this_thread::sleep_for(100ms);
  });
  held.get_future().wait();
  auto c = engine.connect();
  EXPECT_EQ(c.execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
  releaser.join();
}

// Waiting checkouts are served in the order they began waiting, and none goes ahead of them.
TEST_P(PoolTest, WaitingCheckoutsAreServedInArrivalOrder) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0, .pool_timeout = 10s});
  std::optional<Connection> held = engine.connect();
  constexpr int kWaiters = 6;
  std::mutex mu;
  std::vector<int> served;
  std::vector<std::thread> threads;
  const auto wait_until_waiting = [&](int n) {
    for (int i = 0; i < 5000 && engine.pool_status().waiting < n; ++i)
      std::this_thread::sleep_for(1ms);
    ASSERT_EQ(engine.pool_status().waiting, n);
  };
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&, i] {
      Connection c = engine.connect();
      EXPECT_EQ(c.execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
      std::lock_guard lock(mu);
      served.push_back(i);
    });
    wait_until_waiting(i + 1);  // thread i waits before thread i + 1 starts
  }
  // The one connection goes to the first waiter, then on down the line. This thread, asking
  // again right after returning it, is served after all of them: no checkout goes ahead of
  // those already waiting.
  held.reset();
  {
    Connection again = engine.connect();
    std::lock_guard lock(mu);
    served.push_back(kWaiters);
  }
  for (auto& t : threads) t.join();
  std::vector<int> in_order(kWaiters + 1);
  for (int i = 0; i <= kWaiters; ++i) in_order[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(served, in_order);
  EXPECT_EQ(engine.pool_status().waiting, 0);
}

// A waiter that times out leaves the line, and the one behind it is served next.
TEST_P(PoolTest, AWaiterThatTimesOutLeavesTheLine) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0, .pool_timeout = 1500ms});
  std::optional<Connection> held = engine.connect();
  const auto wait_until_waiting = [&](int n) {
    for (int i = 0; i < 5000 && engine.pool_status().waiting != n; ++i)
      std::this_thread::sleep_for(1ms);
    ASSERT_EQ(engine.pool_status().waiting, n);
  };
  auto first = std::async(std::launch::async, [&] {
    try {
      Connection c = engine.connect();
      return std::string("served");
    } catch (const OperationalError& e) {
      return std::string(e.what());
    }
  });
  wait_until_waiting(1);
  std::this_thread::sleep_for(600ms);  // the second waits 600 ms less than the first
  auto second = std::async(std::launch::async, [&] {
    Connection c = engine.connect();
    return c.execute(text("SELECT 1")).scalar<std::int64_t>();
  });
  wait_until_waiting(2);
  wait_until_waiting(1);  // the first timed out and left
  EXPECT_NE(first.get().find("pool_timeout"), std::string::npos);
  held.reset();
  EXPECT_EQ(second.get(), 1);
  EXPECT_EQ(engine.pool_status().timeouts, 1u);
}

TEST_P(PoolTest, OverflowConnectionsCloseWhenReturned) {
  if (!many_connections()) GTEST_SKIP() << "in-memory SQLite keeps exactly one connection";
  auto engine = make_engine({.pool_size = 1, .max_overflow = 2});
  {
    auto a = engine.connect();
    auto b = engine.connect();
    auto c = engine.connect();
    EXPECT_EQ(engine.pool_status().checked_out, 3);
    EXPECT_EQ(engine.pool_status().open, 3);
  }
  auto s = engine.pool_status();
  EXPECT_EQ(s.checked_out, 0);
  EXPECT_EQ(s.idle, 1);
  EXPECT_EQ(s.open, 1);
}

TEST_P(PoolTest, ConnectionsAreReusedNotReopened) {
  auto engine = make_engine();
  for (int i = 0; i < 5; ++i) engine.connect().execute(text("SELECT 1"));
  EXPECT_EQ(engine.pool_status().connects, 1u);
}

TEST_P(PoolTest, InMemoryDatabaseIsSharedByEveryCheckout) {
  auto engine = make_engine();
  engine.connect().execute(text("CREATE TABLE shared_t (x BIGINT)"));
  engine.connect().execute(text("INSERT INTO shared_t VALUES (1)"));
  auto c = engine.connect();
  EXPECT_EQ(count(c, "shared_t"), 1);
}

TEST_P(PoolTest, RecycledConnectionsAreReplacedAtCheckout) {
  if (in_memory()) GTEST_SKIP() << "recycling would drop the in-memory database";
  auto engine = make_engine({}, "pool_recycle=0.05");
  engine.connect().execute(text("SELECT 1"));
  std::this_thread::sleep_for(120ms);
  engine.connect().execute(text("SELECT 1"));
  EXPECT_EQ(engine.pool_status().connects, 2u);
  EXPECT_GE(engine.pool_status().discarded, 1u);
}

TEST_P(PoolTest, DisposeClosesIdleConnectionsAndTheEngineStaysUsable) {
  auto engine = make_engine({.pool_pre_ping = true});
  engine.connect().execute(text("SELECT 1"));
  EXPECT_EQ(engine.pool_status().idle, 1);
  engine.dispose();
  EXPECT_EQ(engine.pool_status().idle, 0);
  EXPECT_EQ(engine.pool_status().open, 0);
  EXPECT_EQ(engine.connect().execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
}

TEST_P(PoolTest, InvalidatedConnectionIsNotReused) {
  if (in_memory()) GTEST_SKIP() << "invalidating would drop the in-memory database";
  auto engine = make_engine();
  {
    auto c = engine.connect();
    c.invalidate();
  }
  (void)engine.connect();
  EXPECT_EQ(engine.pool_status().connects, 2u);
}

// PostgreSQL: a session killed by the server.
class ServerKillTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!server_sessions()) GTEST_SKIP() << "no server sessions to kill on this backend";
    if (!session_per_connection())
      GTEST_SKIP() << "behind a pooler the killed session is the pooler's, which replaces it";
  }
  void kill(std::int64_t pid) {
    auto admin = admin_engine();
    end_server_session(admin, pid);
  }
  static std::int64_t pid(Connection& c) {
    return c.execute(text("SELECT pg_backend_pid()")).scalar<std::int64_t>();
  }
};

TEST_P(ServerKillTest, AConnectionKilledWhileIdleIsReplacedOnTheNextCheckout) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0});
  std::int64_t first;
  {
    auto c = engine.connect();
    first = pid(c);
  }
  kill(first);
  auto c = engine.connect();  // no pre-ping: the dead socket is noticed without a round trip
  EXPECT_NE(pid(c), first);
  EXPECT_GE(engine.pool_status().discarded, 1u);
}

TEST_P(ServerKillTest, AStatementRunningWhenKilledFailsWithDisconnect) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0});
  auto c = engine.connect();
  std::int64_t first = pid(c);
  std::thread killer([&] {
    std::this_thread::sleep_for(300ms);
    kill(first);
  });
  try {
    c.execute(text("SELECT pg_sleep(10)"));
    killer.join();
    FAIL() << "expected a disconnect";
  } catch (const DatabaseError& e) {
    killer.join();
    EXPECT_TRUE(e.is_disconnect()) << e.what();
    EXPECT_TRUE(dynamic_cast<const OperationalError*>(&e) != nullptr) << e.what();
  }
  // Outside a transaction the same Connection goes on with a fresh database connection.
  EXPECT_NE(pid(c), first);
  EXPECT_EQ(engine.pool_status().open, 1);
}

TEST_P(ServerKillTest, AConnectionLostInsideATransactionMustBeRolledBack) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0});
  exec(*std::make_unique<Connection>(engine.connect()), "CREATE TABLE k (x BIGINT)");
  auto c = engine.connect();
  auto tx = c.begin();
  c.execute(text("INSERT INTO k VALUES (1)"));
  kill(pid(c));
  try {
    c.execute(text("INSERT INTO k VALUES (2)"));
    FAIL();
  } catch (const DatabaseError& e) {
    EXPECT_TRUE(e.is_disconnect()) << e.what();
  }
  EXPECT_THROW(c.execute(text("SELECT 1")), ArgumentError);  // roll back first
  EXPECT_THROW(tx.commit(), OperationalError);               // the transaction is gone
  EXPECT_EQ(count(c, "k"), 0);
}

TEST_P(ServerKillTest, PrePingReplacesADeadConnection) {
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0, .pool_pre_ping = true});
  std::int64_t first;
  {
    auto c = engine.connect();
    first = pid(c);
  }
  kill(first);
  auto c = engine.connect();
  EXPECT_NE(pid(c), first);
}

TEST_P(PoolTest, PoolMetricsCountWaitsOverflowAndTimeouts) {
  if (!many_connections()) GTEST_SKIP() << "in-memory SQLite keeps exactly one connection";
  auto engine = make_engine({.pool_size = 1, .max_overflow = 1, .pool_timeout = 2s});
  {
    auto a = engine.connect();
    auto b = engine.connect();
    PoolStatus s = engine.pool_status();
    EXPECT_EQ(s.overflow, 1);
    EXPECT_EQ(s.checked_out, 2);
    // A third waits until one comes back.
    auto waiter = std::async(std::launch::async, [&] { return engine.connect(); });
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (engine.pool_status().waiting == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    EXPECT_EQ(engine.pool_status().waiting, 1);
    std::this_thread::sleep_for(100ms);
    a.close();
    auto c = waiter.get();
  }
  PoolStatus s = engine.pool_status();
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.checkouts, 3u);
  EXPECT_EQ(s.waited, 1u);
  EXPECT_GE(s.wait_max, 90ms);
  EXPECT_LE(s.wait_p50, s.wait_max);
  EXPECT_EQ(s.timeouts, 0u);

  auto quick = make_engine({.pool_size = 1, .max_overflow = 0, .pool_timeout = 50ms});
  auto held = quick.connect();
  EXPECT_THROW((void)quick.connect(), OperationalError);
  EXPECT_EQ(quick.pool_status().timeouts, 1u);
  EXPECT_EQ(quick.pool_status().checkouts, 1u) << "a checkout that gave up handed out nothing";
  EXPECT_EQ(quick.pool_status().waited, 1u);
}

// ---- clean pooled sessions ---------------------------------------------------------------

// True when a temporary table named `name` is visible on `conn`.
bool sees_temp_table(Connection& conn, const std::string& name) {
  try {
    (void)conn.execute(text("SELECT count(*) FROM " + name)).all();
    return true;
  } catch (const ProgrammingError&) {
    return false;
  }
}

TEST_P(PoolTest, SessionStateIsClearedBeforeTheNextUser) {
  if (!many_connections()) GTEST_SKIP() << "in-memory SQLite: its one connection is the database";
  if (!session_per_connection())
    GTEST_SKIP() << "behind a transaction pooler a server session is not this connection's";
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0});
  {
    auto c = engine.connect();
    c.execute(text("CREATE TEMP TABLE tmp_left_behind (a INTEGER)"));
    c.execute(text("INSERT INTO tmp_left_behind (a) VALUES (1)"));
    EXPECT_TRUE(sees_temp_table(c, "tmp_left_behind"));
  }
  auto next = engine.connect();
  EXPECT_FALSE(sees_temp_table(next, "tmp_left_behind"));
  EXPECT_EQ(next.execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
}

TEST_P(PoolTest, SessionResetRollbackKeepsStateAndAlwaysClearsWhatWasNotSeen) {
  if (!many_connections()) GTEST_SKIP() << "in-memory SQLite: its one connection is the database";
  if (!session_per_connection())
    GTEST_SKIP() << "behind a transaction pooler a server session is not this connection's";
  {
    auto engine = make_engine({.pool_size = 1, .max_overflow = 0}, "session_reset=rollback");
    engine.connect().execute(text("CREATE TEMP TABLE tmp_kept (a INTEGER)"));
    auto next = engine.connect();
    EXPECT_TRUE(sees_temp_table(next, "tmp_kept"));
  }
  // A change sqlcore cannot see (sent through the driver connection): only `always` clears it.
  for (SessionReset mode : {SessionReset::automatic, SessionReset::always}) {
    auto engine = make_engine({.pool_size = 1, .max_overflow = 0, .session_reset = mode});
    engine.connect().driver_connection().execute_simple("CREATE TEMP TABLE tmp_unseen (a INTEGER)");
    auto next = engine.connect();
    EXPECT_EQ(sees_temp_table(next, "tmp_unseen"), mode == SessionReset::automatic);
  }
}

TEST_P(PoolTest, ACheckoutThatChangedNothingCostsNoReset) {
  if (!many_connections()) GTEST_SKIP() << "in-memory SQLite: its one connection is the database";
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0});
  engine.connect().execute(text("CREATE TABLE plain_rows (a INTEGER)"));
  std::vector<std::string> sent;
  engine.listen(EventKind::before_execute, [&](const Event& e) { sent.emplace_back(e.sql); });
  const auto before = engine.pool_status();
  {
    auto c = engine.connect();
    c.execute(text("INSERT INTO plain_rows (a) VALUES (:a)"), {{"a", 1}});
    (void)c.execute(text("SELECT a FROM plain_rows")).all();
  }
  const auto after = engine.pool_status();
  EXPECT_EQ(sent.size(), 2u) << "only the checkout's own statements";
  EXPECT_EQ(after.connects, before.connects) << "the connection was kept, not replaced";
  EXPECT_EQ(after.discarded, before.discarded);
  EXPECT_THROW((void)make_engine({}, "session_reset=sometimes"), ArgumentError);
}

SQLCORE_BACKEND_TEST_SUITE(PoolTest);
SQLCORE_BACKEND_TEST_SUITE(ServerKillTest);

}  // namespace
}  // namespace sqlcore_test

namespace sqlcore_test {
namespace {

class SharedMemoryTest : public BackendTest {};

TEST_P(SharedMemoryTest, ASecondCheckoutOnTheHoldingThreadFailsAtOnce) {
  if (!in_memory()) GTEST_SKIP() << "only the one-connection in-memory database";
  auto engine = make_engine({.pool_timeout = std::chrono::seconds(30)});
  auto held = engine.connect();
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(engine.connect(), ArgumentError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  held.close();
  EXPECT_NO_THROW(engine.connect());
}

SQLCORE_BACKEND_TEST_SUITE(SharedMemoryTest);

}  // namespace
}  // namespace sqlcore_test
