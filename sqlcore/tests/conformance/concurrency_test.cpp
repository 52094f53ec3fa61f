// Threads share an engine and lose nothing; SQLite writers wait for each other up to
// busy_timeout, then fail clearly.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include <sqlcore/testing/backend.hpp>

#include "common/workers.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class ConcurrencyTest : public BackendTest {};

// Eight processes start on one database at once (for SQLite: a file not yet in WAL mode whose
// write lock another connection holds): each one's first connection must wait for the lock up to
// busy_timeout, like any statement, instead of failing at once while switching the file to WAL.
TEST_P(ConcurrencyTest, EightProcessesStartingTogetherOnANewDatabaseAllSucceed) {
  constexpr int kProcesses = 8, kRows = 20;
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  const std::string u = url();
  std::vector<pid_t> children;
  for (int k = 0; k < kProcesses; ++k) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(go[1]);
      char b;
      (void)!::read(go[0], &b, 1);  // returns when the parent closes its end: all start at once
      int code = 0;
      try {
        auto engine = create_engine(u, {.pool_size = 2});
        engine.begin([&](Connection& c) {
          c.execute(text("CREATE TABLE p" + std::to_string(k) + " (v BIGINT NOT NULL)"));
        });
        for (int i = 0; i < kRows; ++i)
          engine.begin([&](Connection& c) {
            c.execute(text("INSERT INTO p" + std::to_string(k) + " (v) VALUES (:v)"), {{"v", i}});
          });
      } catch (const std::exception& e) {
        std::fprintf(stderr, "process %d: %s\n", k, e.what());
        code = 1;
      }
      std::fflush(stderr);
      ::_exit(code);
    }
    children.push_back(pid);
  }
  // For a file: it exists in rollback-journal mode and a writer holds its lock while they start,
  // so every one of them must wait to switch it to WAL (made after the fork: no SQLite handle
  // crosses it).
  std::optional<Engine> holder_engine;
  std::optional<Connection> holder;
  std::optional<Transaction> tx;
  if (single_writer_file()) {
    holder_engine.emplace(make_engine({}, "journal_mode=delete"));
    holder.emplace(holder_engine->connect());
    exec(*holder, "CREATE TABLE held (x BIGINT)");
    tx.emplace(holder->begin());
    holder->execute(text("INSERT INTO held VALUES (1)"));
  }
  ::close(go[0]);
  ::close(go[1]);
  if (tx) {
    std::this_thread::sleep_for(300ms);
    tx->commit();
  }
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  EXPECT_EQ(failed, 0) << "processes that could not open the database or write (stderr says why)";
  if (!in_memory()) {
    auto engine = make_engine();
    auto c = engine.connect();
    for (int k = 0; k < kProcesses; ++k) EXPECT_EQ(count(c, "p" + std::to_string(k)), kRows) << k;
  }
}

TEST_P(ConcurrencyTest, FourThreadsOfTransactionalInsertsLoseNothing) {
  auto engine = make_engine({.pool_size = 4, .pool_timeout = 60s});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE events (id " + t_pk() + ", worker BIGINT NOT NULL, seq BIGINT NOT NULL)");
  constexpr int kThreads = 4, kPerThread = 1000;
  EXPECT_EQ(
      run_workers(kThreads,
                  [&](int w) {
                    auto insert = text("INSERT INTO events (worker, seq) VALUES (:w, :s)");
                    for (int i = 0; i < kPerThread; ++i)
                      engine.begin([&](Connection& c) { c.execute(insert, {{"w", w}, {"s", i}}); });
                  }),
      0);
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

// A file not yet in WAL mode whose write lock another connection holds: switching it to WAL
// while connecting waits for the lock like any statement (SQLite's busy handler does not cover
// the switch, so sqlcore retries it until busy_timeout), and says so honestly when it gives up.
TEST_P(SqliteWriterTest, ConnectingToANewFileWaitsForTheWriterUpToBusyTimeout) {
  auto rollback_journal = make_engine({}, "journal_mode=delete");
  auto holder = rollback_journal.connect();
  exec(holder, "CREATE TABLE w (x BIGINT)");
  auto tx = holder.begin();
  holder.execute(text("INSERT INTO w VALUES (1)"));
  // Gives up after busy_timeout, having waited that long.
  {
    auto impatient = make_engine({.busy_timeout = 200ms});
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(impatient.connect(), OperationalError);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms) << "it did not wait";
  }
  // Connects once the writer is done, within busy_timeout.
  auto patient = make_engine({.busy_timeout = 5s});
  std::thread release([&] {
    std::this_thread::sleep_for(300ms);
    tx.commit();
  });
  auto c = patient.connect();
  release.join();
  EXPECT_EQ(count(c, "w"), 1);
  EXPECT_EQ(c.execute(text("PRAGMA journal_mode")).scalar<std::string>(), "wal");
}

// A WAL file in a folder the reading process cannot write: SQLite cannot create the -shm file it
// reads through, yet tools that only look (status, inspect) must read it. Run as another user
// in a child process (as root, every file is writable).
TEST_P(SqliteWriterTest, AWalFileInAFolderThisProcessCannotWriteIsStillRead) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root, to read as another user";
  {
    auto engine = make_engine();
    auto c = engine.connect();
    exec(c, "CREATE TABLE r (x BIGINT)");
    exec(c, "INSERT INTO r VALUES (42)");
    EXPECT_EQ(c.execute(text("PRAGMA journal_mode")).scalar<std::string>(), "wal");
  }  // the last connection closes: -wal and -shm are gone
  const std::filesystem::path file = file_dir_ + "/db/test.db";
  ASSERT_FALSE(std::filesystem::exists(file.string() + "-shm"));
  std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);
  std::filesystem::permissions(
      file.parent_path(),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
          std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
          std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  const std::string u = url();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int code = 3;
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      try {
        auto engine = create_engine(u, {.create_database = false});
        auto c = engine.connect();
        code = c.execute(text("SELECT x FROM r")).scalar<std::int64_t>() == 42 ? 0 : 2;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "reader: %s\n", e.what());
        code = 1;
      }
    }
    std::fflush(stderr);
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all);
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "0 read, 1 failed (stderr says why), 3 could not drop root";
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
