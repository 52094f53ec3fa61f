// Many writers of one process: they all get their turn, in the order they asked, within
// busy_timeout; a writer of another process still makes them wait busy_timeout and no longer;
// nothing that fails keeps the turn. The background checkpointer keeps a WAL file bounded and
// stops with its engine.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <sqlcore/testing/backend.hpp>

#include "common/workers.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class WriterQueueTest : public BackendTest {
 protected:
  // `n` writes by worker `w` into q(worker, seq), back to back, every other one in a transaction
  // that holds the lock for milliseconds and the rest in autocommit statements.
  static void write_back_to_back(Engine& engine, int w, int n) {
    const auto insert = text("INSERT INTO q (worker, seq) VALUES (:w, :s)");
    for (int i = 0; i < n; ++i) {
      if (i % 2 == 0) {
        engine.begin([&](Connection& c) {
          c.execute(insert, {{"w", w}, {"s", i}});
          std::this_thread::sleep_for(3ms);  // the lock is held meanwhile
        });
      } else {
        auto c = engine.connect();
        c.execute(insert, {{"w", w}, {"s", i}});
      }
    }
  }
  // A connection that fails to write within `busy_timeout` tells: the turn was not given back.
  void expect_writable(Engine& engine) {
    EXPECT_NO_THROW(
        engine.begin([](Connection& c) { c.execute(text("INSERT INTO q (v) VALUES (0)")); }));
  }
};

// Eight threads write back to back, each transaction holding the lock for milliseconds, half in
// transactions and half in autocommit statements. With SQLite's busy handler, a thread that
// commits starts its next transaction before the sleeping pollers wake, so some of them wait out
// busy_timeout and fail; in the queue each waits for the seven ahead of it at most.
TEST_P(WriterQueueTest, ManyThreadsWritingAtOnceAllSucceedWithinAShortBusyTimeout) {
  auto engine = make_engine({.pool_size = 8, .busy_timeout = 300ms});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE q (id " + t_pk() + ", worker BIGINT, seq BIGINT, v BIGINT)");
  constexpr int kThreads = 8, kPerThread = 12;
  EXPECT_EQ(run_workers(kThreads, [&](int w) { write_back_to_back(engine, w, kPerThread); }), 0);
  auto c = engine.connect();
  EXPECT_EQ(count(c, "q"), kThreads * kPerThread);
}

// Nothing that ends a statement or a transaction by failing keeps the write lock: the next
// writer gets it at once (with a short busy_timeout, a kept lock would make it fail).
TEST_P(WriterQueueTest, FailuresAndAbandonedTransactionsGiveTheLockBack) {
  auto engine = make_engine({.busy_timeout = 200ms});
  {
    auto c = engine.connect();
    exec(c, "CREATE TABLE q (id " + t_pk() + ", v BIGINT, u BIGINT UNIQUE)");
    exec(c, "INSERT INTO q (v, u) VALUES (1, 1)");
  }
  // An exception thrown inside engine.begin().
  EXPECT_THROW(engine.begin([](Connection& c) {
    c.execute(text("INSERT INTO q (v) VALUES (2)"));
    throw std::runtime_error("the body fails");
  }),
               std::runtime_error);
  expect_writable(engine);
  // A statement that fails inside a transaction, then the transaction abandoned.
  {
    auto c = engine.connect();
    auto tx = c.begin();
    EXPECT_THROW(c.execute(text("INSERT INTO q (v, u) VALUES (3, 1)")), IntegrityError);
  }
  expect_writable(engine);
  // A failing statement outside a transaction.
  {
    auto c = engine.connect();
    EXPECT_THROW(c.execute(text("INSERT INTO q (v, u) VALUES (4, 1)")), IntegrityError);
    if (many_connections()) expect_writable(engine);
  }
  expect_writable(engine);
  // A connection discarded with its transaction open (in memory, that would discard the
  // database).
  if (many_connections()) {
    {
      auto c = engine.connect();
      auto tx = c.begin();
      c.execute(text("INSERT INTO q (v) VALUES (5)"));
      c.invalidate();
    }
    expect_writable(engine);
  }
  // A write whose returned rows are read in part, then dropped.
  {
    auto c = engine.connect();
    exec(c, "INSERT INTO q (v) VALUES (6), (6), (6)");
    {
      auto r = c.execute(text("UPDATE q SET v = 7 WHERE v = 6 RETURNING id"));
      EXPECT_TRUE(r.fetch_one().has_value());
    }
    if (many_connections()) expect_writable(engine);
  }
  expect_writable(engine);
  // A connection closed with a transaction open.
  {
    auto c = engine.connect();
    auto tx = c.begin();
    c.execute(text("INSERT INTO q (v) VALUES (8)"));
    c.close();
  }
  expect_writable(engine);
  auto c = engine.connect();
  EXPECT_EQ(
      c.execute(text("SELECT COUNT(*) FROM q WHERE v IN (2, 3, 4, 5, 8)")).scalar<std::int64_t>(),
      0);
}

class SqliteWriterQueueTest : public WriterQueueTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!single_writer_file()) GTEST_SKIP() << "this backend has no single-writer lock";
  }
  std::string db_path() const { return file_dir_ + "/db/test.db"; }
  std::uintmax_t size_of(const std::string& path) const {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : n;
  }
  static std::ptrdiff_t threads_of_this_process() {
    return std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                         std::filesystem::directory_iterator());
  }
};

// Writers that find the lock taken get it in the order they asked for it. Each starts only once
// the one before it has been waiting for a while.
TEST_P(SqliteWriterQueueTest, WritersGetTheLockInTheOrderTheyAskedForIt) {
  auto engine = make_engine({.pool_size = 8, .busy_timeout = 20s});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE q (id " + t_pk() + ", v BIGINT)");
  auto holder = engine.connect();
  auto tx = holder.begin();
  holder.execute(text("INSERT INTO q (v) VALUES (-1)"));
  constexpr int kWriters = 6;
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> writers;
  for (int k = 0; k < kWriters; ++k) {
    writers.emplace_back([&, k] {
      try {
        auto c = engine.connect();
        auto wtx = c.begin();  // waits here
        {
          std::lock_guard lock(mu);
          order.push_back(k);
        }
        c.execute(text("INSERT INTO q (v) VALUES (:v)"), {{"v", k}});
        wtx.commit();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "writer " << k << ": " << e.what();
      }
    });
    std::this_thread::sleep_for(150ms);
  }
  tx.commit();
  for (auto& t : writers) t.join();
  std::vector<int> expected;
  for (int k = 0; k < kWriters; ++k) expected.push_back(k);
  EXPECT_EQ(order, expected);
  EXPECT_EQ(
      holder.execute(text("SELECT v FROM q WHERE v >= 0 ORDER BY id")).scalars<std::int64_t>(),
      std::vector<std::int64_t>({0, 1, 2, 3, 4, 5}));
}

// Another process holds the write lock: the writer at the head of this process's queue meets it
// in SQLite's busy handler, the others wait in the queue, and all of them give up after
// busy_timeout with the transient "database is locked".
TEST_P(SqliteWriterQueueTest, AWriterOfAnotherProcessMakesQueuedWritersTimeOutAfterBusyTimeout) {
  {
    auto engine = make_engine();
    exec(*std::make_unique<Connection>(engine.connect()),
         "CREATE TABLE q (id " + t_pk() + ", v BIGINT)");
  }
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  const std::string u = url();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(ready[0]);
    ::close(done[1]);
    int code = 0;
    try {
      auto engine = create_engine(u);
      auto c = engine.connect();
      auto tx = c.begin();
      c.execute(text("INSERT INTO q (v) VALUES (-1)"));
      (void)!::write(ready[1], "r", 1);
      char b;
      (void)!::read(done[0], &b, 1);  // returns when the parent closes its end
      tx.commit();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "holder: %s\n", e.what());
      code = 1;
    }
    std::fflush(stderr);
    ::_exit(code);
  }
  ::close(ready[1]);
  ::close(done[0]);
  char b = 0;
  ASSERT_EQ(::read(ready[0], &b, 1), 1) << "the other process could not take the lock";
  auto engine = make_engine({.pool_size = 4, .busy_timeout = 300ms});
  constexpr int kWriters = 4;
  std::atomic<int> timed_out{0};
  std::vector<std::thread> writers;
  for (int k = 0; k < kWriters; ++k) {
    writers.emplace_back([&, k] {
      const auto start = std::chrono::steady_clock::now();
      try {
        engine.begin([&](Connection& c) {
          c.execute(text("INSERT INTO q (v) VALUES (:v)"), {{"v", k}});
        });
        ADD_FAILURE() << "writer " << k << " wrote while another process held the lock";
      } catch (const OperationalError& e) {
        const auto waited = std::chrono::steady_clock::now() - start;
        EXPECT_TRUE(e.is_transient()) << e.what();
        EXPECT_EQ(e.sqlstate(), "55P03");
        EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
        EXPECT_GE(waited, 280ms) << "writer " << k << " gave up before busy_timeout";
        EXPECT_LT(waited, 3s) << "writer " << k << " waited far beyond busy_timeout";
        ++timed_out;
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(timed_out.load(), kWriters);
  ::close(done[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(ready[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the other process failed (stderr says why)";
  // The lock is free again: this process writes.
  engine.begin([](Connection& c) { c.execute(text("INSERT INTO q (v) VALUES (9)")); });
  auto c = engine.connect();
  EXPECT_EQ(count(c, "q"), 2);
}

// Every name of one file (here: a symbolic link) finds the same queue: writers through either
// engine wait in order instead of failing after busy_timeout.
TEST_P(SqliteWriterQueueTest, EnginesOnOneFileUnderTwoNamesShareOneQueue) {
  auto engine = make_engine({.pool_size = 4, .busy_timeout = 300ms});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE q (id " + t_pk() + ", v BIGINT)");
  const std::string link = file_dir_ + "/link.db";
  std::filesystem::create_symlink(db_path(), link);
  auto other = create_engine("sqlite:///" + link, {.pool_size = 4, .busy_timeout = 300ms});
  EXPECT_EQ(run_workers(8,
                        [&](int w) {
                          Engine& e = w % 2 == 0 ? engine : other;
                          for (int i = 0; i < 8; ++i)
                            e.begin([&](Connection& c) {
                              c.execute(text("INSERT INTO q (v) VALUES (:v)"), {{"v", w}});
                              std::this_thread::sleep_for(3ms);
                            });
                        }),
            0);
  auto c = engine.connect();
  EXPECT_EQ(count(c, "q"), 64);
}

// A transaction that gives the turn up before it ends would let a writer in mid-way: a savepoint
// rolled back, a statement failing, still hold it until COMMIT.
TEST_P(SqliteWriterQueueTest, ATransactionKeepsTheLockUntilItEnds) {
  auto engine = make_engine({.pool_size = 4, .busy_timeout = 5s});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE q (id " + t_pk() + ", v BIGINT UNIQUE)");
  auto holder = engine.connect();
  auto tx = holder.begin();
  holder.execute(text("INSERT INTO q (v) VALUES (1)"));
  {
    auto sp = holder.begin_nested();
    holder.execute(text("INSERT INTO q (v) VALUES (2)"));
    sp.rollback();
  }
  EXPECT_THROW(holder.execute(text("INSERT INTO q (v) VALUES (1)")), IntegrityError);
  std::atomic<bool> wrote{false};
  std::thread writer([&] {
    engine.begin([](Connection& c) { c.execute(text("INSERT INTO q (v) VALUES (3)")); });
    wrote = true;
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(wrote.load()) << "a writer got in while the transaction was open";
  tx.commit();
  writer.join();
  EXPECT_TRUE(wrote.load());
  EXPECT_EQ(holder.execute(text("SELECT v FROM q ORDER BY v")).scalars<std::int64_t>(),
            std::vector<std::int64_t>({1, 3}));
}

// Readers never wait for writers: a read-only (deferred) transaction and plain SELECTs run while
// a writer holds the lock and others wait for it.
TEST_P(SqliteWriterQueueTest, ReadersDoNotWaitInTheQueue) {
  auto engine = make_engine({.pool_size = 4, .busy_timeout = 200ms});
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE q (id " + t_pk() + ", v BIGINT)");
  auto holder = engine.connect();
  auto tx = holder.begin();
  holder.execute(text("INSERT INTO q (v) VALUES (1)"));
  auto reader = engine.connect();
  {
    auto snapshot = reader.begin_snapshot();
    EXPECT_EQ(count(reader, "q"), 0);
  }
  EXPECT_EQ(count(reader, "q"), 0);
  tx.commit();
  EXPECT_EQ(count(reader, "q"), 1);
}

TEST_P(SqliteWriterQueueTest, CheckpointSettingsAreChecked) {
  EXPECT_THROW(make_engine({}, "checkpoint=sometimes").connect(), ArgumentError);
  EXPECT_THROW(make_engine({}, "checkpoint_pages=0").connect(), ArgumentError);
  EXPECT_THROW(make_engine({}, "checkpoint_pages=many").connect(), ArgumentError);
  EXPECT_NO_THROW(make_engine({}, "checkpoint=inline&checkpoint_pages=50").connect());
  EXPECT_NO_THROW(make_engine({}, "checkpoint=background&checkpoint_pages=50").connect());
}

TEST_P(SqliteWriterQueueTest, TheWriterQueueSettingIsChecked) {
  EXPECT_THROW(make_engine({}, "writer_queue=sometimes").connect(), ArgumentError);
  EXPECT_THROW(make_engine({}, "writer_queue=").connect(), ArgumentError);
  EXPECT_NO_THROW(make_engine({}, "writer_queue=fair").connect());
  EXPECT_NO_THROW(make_engine({}, "writer_queue=off").connect());
}

// The OperationalError a writer gets while `holder` keeps the write lock past busy_timeout.
static std::string locked_error(Engine& engine) {
  try {
    auto c = engine.connect();
    auto tx = c.begin();
  } catch (const OperationalError& e) {
    EXPECT_TRUE(e.is_transient()) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "the second writer began while the first held the lock";
  return {};
}

// With the queue a second writer of the process waits in it and gives up after busy_timeout
// saying so; with writer_queue=off it waits in SQLite's busy handler instead, which says only
// that the database is locked. Either way it writes once the lock is free.
TEST_P(SqliteWriterQueueTest, WithTheQueueOffAWriterWaitsInSqlitesBusyHandler) {
  for (const char* setting : {"fair", "off"}) {
    SCOPED_TRACE(setting);
    auto engine = make_engine({.pool_size = 2, .busy_timeout = 150ms},
                              std::string("writer_queue=") + setting);
    exec(*std::make_unique<Connection>(engine.connect()),
         "CREATE TABLE IF NOT EXISTS q (id " + t_pk() + ", worker BIGINT, seq BIGINT, v BIGINT)");
    {
      auto holder = engine.connect();
      auto tx = holder.begin();
      const std::string message = locked_error(engine);
      EXPECT_NE(message.find("database is locked"), std::string::npos) << message;
      EXPECT_EQ(message.find("another writer of this process") != std::string::npos,
                std::string(setting) == "fair")
          << message;
    }
    expect_writable(engine);
  }
}

// Without the queue, many writers still all commit (SQLite's busy handler makes them wait) when
// busy_timeout is long enough for the unluckiest.
TEST_P(SqliteWriterQueueTest, WithTheQueueOffManyWritersStillAllCommit) {
  auto engine = make_engine({.pool_size = 8, .busy_timeout = 30s}, "writer_queue=off");
  exec(*std::make_unique<Connection>(engine.connect()),
       "CREATE TABLE q (id " + t_pk() + ", worker BIGINT, seq BIGINT, v BIGINT)");
  EXPECT_EQ(run_workers(8, [&](int w) { write_back_to_back(engine, w, 12); }), 0);
  auto c = engine.connect();
  EXPECT_EQ(count(c, "q"), 8 * 12);
}

// One transaction writes fewer frames than would make the committing connection checkpoint by
// itself; then nothing runs, and the pages still reach the database file: the background thread
// copied them. Destroying the engine stops the thread and, as SQLite does when the last
// connection closes, removes the WAL.
TEST_P(SqliteWriterQueueTest, TheCheckpointerCopiesTheWalInTheBackgroundAndStopsWithTheEngine) {
  const auto threads_before = threads_of_this_process();
  {
    auto engine = make_engine({}, "checkpoint_pages=16");
    auto c = engine.connect();
    exec(c, "CREATE TABLE big (id " + t_pk() + ", body TEXT)");
    const auto before = size_of(db_path());
    {
      auto tx = c.begin();
      for (int i = 0; i < 40; ++i)
        c.execute(text("INSERT INTO big (body) VALUES (:b)"), {{"b", std::string(3000, 'x')}});
      tx.commit();
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (size_of(db_path()) < before + 30 * 4096 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    EXPECT_GE(size_of(db_path()), before + 30 * 4096) << "no checkpoint copied the pages";
    EXPECT_GT(threads_of_this_process(), threads_before) << "no checkpointer thread";
  }
  // A joined thread may still be listed for a moment while the kernel lets it go.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (threads_of_this_process() != threads_before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(threads_of_this_process(), threads_before) << "the checkpointer outlived its engine";
  EXPECT_FALSE(std::filesystem::exists(db_path() + "-wal"));
}

// Four thousand commits by four threads: the WAL file stays a fraction of what they wrote, with
// checkpoints in the background (a RESTART past 4 x 16 pages in use when no writer waits, past
// 16 x 16 pages whatever the load) and with SQLite's own way (inline, at 16 pages).
TEST_P(SqliteWriterQueueTest, TheWalStaysBoundedUnderManyCommits) {
  for (const char* mode : {"background", "inline"}) {
    SCOPED_TRACE(mode);
    auto engine =
        make_engine({.pool_size = 4}, std::string("checkpoint_pages=16&checkpoint=") + mode);
    exec(*std::make_unique<Connection>(engine.connect()),
         "CREATE TABLE IF NOT EXISTS w (id " + t_pk() + ", body TEXT)");
    std::atomic<std::uintmax_t> largest{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        auto c = engine.connect();
        for (int i = 0; i < 1000; ++i) {
          c.execute(text("INSERT INTO w (body) VALUES (:b)"), {{"b", std::string(2000, 'y')}});
          const auto now = size_of(db_path() + "-wal");
          auto seen = largest.load();
          while (now > seen && !largest.compare_exchange_weak(seen, now)) {
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    // 4,000 rows of 2 KB: with no checkpoint the WAL reaches some 30 MB (every commit appends
    // its own frames). The bound leaves room for checkpoints (and their fsyncs) that a busy
    // machine delays while four writers keep appending.
    EXPECT_LE(largest.load(), 12u * 1024 * 1024);
    EXPECT_GT(largest.load(), 0u);
  }
}

// A reader that keeps an old snapshot keeps the WAL from being started over, so it grows. Once
// the reader is gone and writes pause, the checkpointer empties the file (PASSIVE checkpoints
// alone would reuse it, never shrink it). Under writes with no such reader, it starts the WAL
// over (RESTART) past 4 x 16 frames in use, so the file stays small while the rows pile up.
TEST_P(SqliteWriterQueueTest, TheCheckpointerTruncatesAWalThatAReaderMadeGrow) {
  auto engine = make_engine({.pool_size = 4}, "checkpoint_pages=16");
  auto writer = engine.connect();
  exec(writer, "CREATE TABLE w (id " + t_pk() + ", body TEXT)");
  const std::string wal = db_path() + "-wal";
  const auto write = [&](int n) {
    for (int i = 0; i < n; ++i)
      writer.execute(text("INSERT INTO w (body) VALUES (:b)"), {{"b", std::string(2000, 'z')}});
  };
  {
    auto reader = engine.connect();
    auto snapshot = reader.begin_snapshot();
    EXPECT_EQ(count(reader, "w"), 0);
    write(200);
    EXPECT_EQ(count(reader, "w"), 0);
  }
  const auto grown = size_of(wal);
  EXPECT_GT(grown, 150u * 4096) << "the WAL did not grow while the reader kept its snapshot";
  // Writes pause: the file is emptied within a few seconds (a restart tried while the reader
  // was there failed, and the next waits a second).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (size_of(wal) * 2 >= grown && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_LT(size_of(wal) * 2, grown) << "the WAL file was never truncated";
  // Twice as many rows as made it grow, with no reader holding the WAL: it starts over, and the
  // file ends smaller than the reader made it.
  write(400);
  EXPECT_LT(size_of(wal), grown) << "the WAL was not started over";
}

SQLCORE_BACKEND_TEST_SUITE(WriterQueueTest);
SQLCORE_BACKEND_TEST_SUITE(SqliteWriterQueueTest);

}  // namespace
}  // namespace sqlcore_test
