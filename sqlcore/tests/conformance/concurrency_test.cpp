// Threads share an engine and lose nothing; SQLite writers wait for each other up to
// busy_timeout, then fail clearly.
#include <atomic>
#include <chrono>
#include <thread>

#include "conformance/backend.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {
namespace {

class ConcurrencyTest : public BackendTest {};

TEST_P(ConcurrencyTest, FourThreadsOfTransactionalInsertsLoseNothing) {
  auto engine = make_engine({.pool_size = 4, .pool_timeout = 60s});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE events (id " + t_pk() + ", worker BIGINT NOT NULL, seq BIGINT NOT NULL)");
  constexpr int kThreads = 4, kPerThread = 1000;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      try {
        auto insert = text("INSERT INTO events (worker, seq) VALUES (:w, :s)");
        for (int i = 0; i < kPerThread; ++i)
          engine.begin([&](Connection& c) { c.execute(insert, {{"w", w}, {"s", i}}); });
      } catch (const std::exception& e) {
        ADD_FAILURE() << "worker " << w << ": " << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto c = engine.connect();
  EXPECT_EQ(count(c, "events"), kThreads * kPerThread);
  EXPECT_EQ(c.execute(text("SELECT COUNT(DISTINCT worker * 100000 + seq) FROM events"))
                .scalar<std::int64_t>(),
            kThreads * kPerThread);
}

class SqliteWriterTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!single_writer_file()) GTEST_SKIP() << "this backend has no single-writer lock";
  }
};

TEST_P(SqliteWriterTest, SecondWriterWaitsAndSucceeds) {
  auto engine = make_engine({.busy_timeout = 5s});
  exec(*std::make_unique<Connection>(engine.connect()), "CREATE TABLE w (x BIGINT)");
  auto first = engine.connect();
  auto tx = first.begin();
  first.execute(text("INSERT INTO w VALUES (1)"));
  std::atomic<bool> second_done{false};
  std::thread second([&] {
    engine.begin([](Connection& c) { c.execute(text("INSERT INTO w VALUES (2)")); });
    second_done = true;
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(second_done.load()) << "the second writer should be waiting for the lock";
  tx.commit();
  second.join();
  EXPECT_TRUE(second_done.load());
  EXPECT_EQ(count(first, "w"), 2);
}

TEST_P(SqliteWriterTest, WaitingLongerThanBusyTimeoutIsATransientOperationalError) {
  auto engine = make_engine({}, "busy_timeout=100");
  exec(*std::make_unique<Connection>(engine.connect()), "CREATE TABLE w (x BIGINT)");
  auto first = engine.connect();
  auto tx = first.begin();
  first.execute(text("INSERT INTO w VALUES (1)"));
  auto second = engine.connect();
  try {
    second.begin();
    FAIL() << "expected the lock wait to time out";
  } catch (const OperationalError& e) {
    EXPECT_TRUE(e.is_transient());
    EXPECT_EQ(e.sqlstate(), "55P03");
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("busy_timeout"), std::string::npos) << e.what();
  }
  tx.commit();
  EXPECT_NO_THROW(second.begin().commit());
}

SQLCORE_BACKEND_TEST_SUITE(ConcurrencyTest);
SQLCORE_BACKEND_TEST_SUITE(SqliteWriterTest);

}  // namespace
}  // namespace sqlcore_test
