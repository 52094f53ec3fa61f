// The pool: exhaustion times out clearly, overflow, recycle, dispose, and dead connections are
// replaced, never handed out.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

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
  }
  void kill(std::int64_t pid) {
    auto admin = admin_engine();
    auto c = admin.connect();
    c.execute(text("SELECT pg_terminate_backend(:pid)"), {{"pid", pid}});
    // Wait until the backend is gone, so the test does not race the server.
    for (int i = 0; i < 200; ++i) {
      if (c.execute(text("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :pid"), {{"pid", pid}})
              .scalar<std::int64_t>() == 0)
        return;
      std::this_thread::sleep_for(10ms);
    }
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
