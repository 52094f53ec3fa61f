// Statement timeouts and cancellation on every backend: per engine, per connection and per
// statement; a long query stops within its limit plus 100 ms with a TimeoutError and leaves the
// connection usable; Connection::cancel() from another thread; the connect timeout.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

// Counts to a billion: minutes of work on either backend, all of it inside one statement.
const char* const kLongQuery =
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
    "SELECT count(*) FROM c";

using Clock = std::chrono::steady_clock;

class TimeoutTest : public BackendTest {
 protected:
  // Runs the long query on `conn` (with `timeout` for this statement when given) and returns
  // how long it took to fail with a TimeoutError.
  Clock::duration time_out(Connection& conn,
                           std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const auto start = Clock::now();
    try {
      if (timeout)
        (void)conn.execute(text(kLongQuery), {}, *timeout).all();
      else
        (void)conn.execute(text(kLongQuery)).all();
      ADD_FAILURE() << "the long query was not stopped";
    } catch (const TimeoutError& e) {
      EXPECT_EQ(e.sqlstate(), "57014");
      EXPECT_TRUE(e.is_transient());
      EXPECT_FALSE(e.is_disconnect());
      EXPECT_NE(std::string(e.what()).find("statement timeout"), std::string::npos) << e.what();
    }
    return Clock::now() - start;
  }
  static void expect_usable(Connection& conn) {
    EXPECT_EQ(conn.execute(text("SELECT 40 + 2")).scalar<std::int64_t>(), 42);
  }
};

TEST_P(TimeoutTest, EngineTimeoutStopsALongQueryWithinTheLimitAndTheConnectionStaysUsable) {
  auto engine = make_engine({}, "statement_timeout=300ms");
  auto conn = engine.connect();
  EXPECT_EQ(conn.statement_timeout(), 300ms);
  const auto took = time_out(conn);
  EXPECT_GE(took, 290ms);
  EXPECT_LE(took, 400ms) << "took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                         << " ms";
  expect_usable(conn);
  // Inside a transaction: the transaction is rolled back by the caller, the connection lives on.
  {
    auto tx = conn.begin();
    (void)time_out(conn);
    tx.rollback();
  }
  expect_usable(conn);
}

TEST_P(TimeoutTest, ConnectionTimeoutLastsUntilCheckin) {
  auto engine = make_engine();
  {
    auto conn = engine.connect();
    EXPECT_EQ(conn.statement_timeout(), std::nullopt);
    conn.set_statement_timeout(200ms);
    EXPECT_EQ(conn.statement_timeout(), 200ms);
    const auto took = time_out(conn);
    EXPECT_LE(took, 300ms);
    expect_usable(conn);
    conn.set_statement_timeout(std::nullopt);
    expect_usable(conn);
    EXPECT_THROW(conn.set_statement_timeout(0ms), ArgumentError);
    conn.set_statement_timeout(150ms);
  }
  EXPECT_EQ(make_engine({}, "statement_timeout=1.5s").connect().statement_timeout(), 1500ms);
  EXPECT_EQ(
      make_engine({.statement_timeout = 2s}, "statement_timeout=250").connect().statement_timeout(),
      250ms);                     // the URL wins; a bare number is milliseconds
  auto again = engine.connect();  // the same pooled connection, back to the engine's setting
  EXPECT_EQ(again.statement_timeout(), std::nullopt);
  EXPECT_EQ(again
                .execute(text("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
                              "WHERE n < 100000) SELECT count(*) FROM c"))
                .scalar<std::int64_t>(),
            100000);
}

TEST_P(TimeoutTest, StatementTimeoutAppliesToThatStatementOnly) {
  auto engine = make_engine({.statement_timeout = 5s});
  auto conn = engine.connect();
  const auto took = time_out(conn, 200ms);
  EXPECT_LE(took, 300ms);
  EXPECT_EQ(conn.statement_timeout(), 5s);
  expect_usable(conn);
  EXPECT_THROW(conn.execute(text("SELECT 1"), {}, -1ms), ArgumentError);
}

TEST_P(TimeoutTest, CancelFromAnotherThreadStopsTheStatement) {
  auto engine = make_engine();
  auto conn = engine.connect();
  expect_usable(conn);
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    // Cancel until the statement has stopped (a cancel that lands before it starts does nothing).
    std::this_thread::sleep_for(150ms);
    while (!done.load()) {
      EXPECT_TRUE(conn.cancel());
      std::this_thread::sleep_for(50ms);
    }
  });
  const auto start = Clock::now();
  try {
    (void)conn.execute(text(kLongQuery)).all();
    ADD_FAILURE() << "the long query was not cancelled";
  } catch (const TimeoutError& e) {
    ADD_FAILURE() << "a cancel is not a timeout: " << e.what();
  } catch (const OperationalError& e) {
    EXPECT_EQ(e.sqlstate(), "57014") << e.what();
    EXPECT_FALSE(e.is_disconnect());
  }
  done = true;
  canceller.join();
  EXPECT_LE(Clock::now() - start, 2s);
  expect_usable(conn);
}

TEST_P(TimeoutTest, ConnectTimeoutGivesUpOnAServerThatNeverAnswers) {
  if (!server_sessions()) GTEST_SKIP() << "a database file opens without a server to wait for";
  // A socket that accepts connections (the kernel's backlog) and never says a word.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string silent =
      "postgresql://nobody@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/none";
  auto engine = create_engine(silent + "?connect_timeout=2");
  const auto start = Clock::now();
  EXPECT_THROW((void)engine.connect(), OperationalError);
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 1900ms);
  EXPECT_LE(took, 4s);
  ::close(fd);
}

SQLCORE_BACKEND_TEST_SUITE(TimeoutTest);

}  // namespace
}  // namespace sqlcore_test
