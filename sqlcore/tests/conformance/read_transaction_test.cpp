// Read-only transactions (Connection::begin(TransactionAccess::read_only), Engine::begin with an
// access): they read, refuse writes with SQLSTATE 25006, leave the connection writable once they
// end, and on a SQLite file take no write lock, so a writer goes on beside them.
#include <chrono>
#include <string>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class ReadTransactionTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    // A writer that meets a lock gives up soon: a read transaction must never make it wait.
    engine_ = make_engine({.busy_timeout = 300ms});
    auto c = engine_->connect();
    exec(c, "CREATE TABLE notes (id " + t_pk() + ", body TEXT NOT NULL)");
    add(c, "first");
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }
  static void add(Connection& c, const std::string& body) {
    c.execute(text("INSERT INTO notes (body) VALUES (:body)"), {{"body", body}});
  }
  // Runs `write` and expects it refused as a write in a read-only transaction.
  template <class F>
  static void expect_refused(F&& write) {
    try {
      write();
      ADD_FAILURE() << "a write inside a read-only transaction was accepted";
    } catch (const OperationalError& e) {
      EXPECT_EQ(e.sqlstate(), "25006") << e.what();
      EXPECT_NE(std::string(e.what()).find("read-only transaction"), std::string::npos) << e.what();
      EXPECT_FALSE(e.is_transient()) << e.what();
    }
  }
  std::optional<Engine> engine_;
};

TEST_P(ReadTransactionTest, ReadsAndRefusesEveryKindOfWrite) {
  auto c = engine_->connect();
  {
    auto tx = c.begin(TransactionAccess::read_only);
    EXPECT_TRUE(c.in_transaction());
    EXPECT_EQ(count(c, "notes"), 1);
    expect_refused([&] { add(c, "second"); });
    tx.rollback();
  }
  {
    auto tx = c.begin(TransactionAccess::read_only);
    expect_refused([&] { exec(c, "UPDATE notes SET body = 'changed'"); });
  }
  {
    auto tx = c.begin(TransactionAccess::read_only);
    expect_refused([&] {
      (void)c.execute_many(text("INSERT INTO notes (body) VALUES (:body)"),
                           {{{"body", "a"}}, {{"body", "b"}}});
    });
  }
  {
    auto tx = c.begin(TransactionAccess::read_only);
    expect_refused([&] { exec(c, "CREATE TABLE other (x BIGINT)"); });
  }
  // Nothing was written, and the connection writes again once the transaction is over.
  EXPECT_EQ(count(c, "notes"), 1);
  add(c, "after");
  auto tx = c.begin();
  add(c, "in a write transaction");
  tx.commit();
  EXPECT_EQ(count(c, "notes"), 3);
}

TEST_P(ReadTransactionTest, ACommittedReadTransactionLeavesThePooledConnectionWritable) {
  // One pooled connection, so each connect() below gets the same one back.
  auto engine = make_engine({.pool_size = 1, .max_overflow = 0});
  {
    auto c = engine.connect();
    exec(c, "CREATE TABLE pooled (x BIGINT)");
    auto tx = c.begin(TransactionAccess::read_only);
    EXPECT_EQ(count(c, "pooled"), 0);
    tx.commit();
  }
  {
    auto c = engine.connect();
    auto tx = c.begin(TransactionAccess::read_only);
    c.close();  // with the transaction open: rolled back before the pool takes it
  }
  auto c = engine.connect();
  exec(c, "INSERT INTO pooled (x) VALUES (1)");
  EXPECT_EQ(count(c, "pooled"), 1);
}

TEST_P(ReadTransactionTest, SavepointsInsideReadOnlyTransactionsRefuseWritesToo) {
  auto c = engine_->connect();
  auto tx = c.begin(TransactionAccess::read_only);
  {
    auto sp = c.begin_nested();
    EXPECT_EQ(count(c, "notes"), 1);
    sp.commit();
  }
  auto sp = c.begin_nested();
  expect_refused([&] { add(c, "second"); });
  tx.rollback();
  add(c, "second");
  EXPECT_EQ(count(c, "notes"), 2);
}

TEST_P(ReadTransactionTest, EngineBeginTakesTheAccess) {
  const auto n =
      engine_->begin(TransactionAccess::read_only, [](Connection& c) { return count(c, "notes"); });
  EXPECT_EQ(n, 1);
  expect_refused([&] {
    engine_->begin(TransactionAccess::read_only, [](Connection& c) { add(c, "second"); });
  });
  engine_->begin([](Connection& c) { add(c, "second"); });
  EXPECT_EQ(engine_->begin([](Connection& c) { return count(c, "notes"); }), 2);
}

TEST_P(ReadTransactionTest, SnapshotsRefuseWritesAsWell) {
  auto c = engine_->connect();
  {
    auto snapshot = c.begin_snapshot();
    EXPECT_EQ(count(c, "notes"), 1);
    expect_refused([&] { add(c, "second"); });
  }
  add(c, "second");
  EXPECT_EQ(count(c, "notes"), 2);
}

TEST_P(ReadTransactionTest, AWriterGoesOnBesideAnOpenReadTransaction) {
  if (!many_connections()) GTEST_SKIP() << "one connection: no second writer";
  auto reader = engine_->connect();
  auto writer = engine_->connect();
  auto read = reader.begin(TransactionAccess::read_only);
  EXPECT_EQ(count(reader, "notes"), 1);  // SQLite: the read has begun (a WAL read mark)
  // A write transaction and an autocommit write both go through at once (busy_timeout is
  // 300 ms: a lock held by the reader would fail them).
  {
    auto tx = writer.begin();
    add(writer, "second");
    // Not committed yet: the reader does not see it.
    EXPECT_EQ(count(reader, "notes"), 1);
    tx.commit();
  }
  add(writer, "third");
  read.commit();
  // A new read transaction sees everything committed before it.
  auto again = reader.begin(TransactionAccess::read_only);
  EXPECT_EQ(count(reader, "notes"), 3);
  const auto bodies =
      reader.execute(text("SELECT body FROM notes ORDER BY id")).scalars<std::string>();
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", "second", "third"}));
}

// The default stays a write transaction: on a SQLite file it takes the write lock at BEGIN, so a
// second writer waits (here: gives up after busy_timeout) while a read transaction would not make
// it wait at all.
TEST_P(ReadTransactionTest, AWriteTransactionHoldsTheSqliteWriteLockFromBegin) {
  if (!single_writer_file()) GTEST_SKIP() << "writers do not lock the whole database here";
  auto first = engine_->connect();
  auto second = engine_->connect();
  auto tx = first.begin();
  try {
    add(second, "second");
    ADD_FAILURE() << "a second writer got in while a write transaction was open";
  } catch (const OperationalError& e) {
    EXPECT_TRUE(e.is_transient()) << e.what();
  }
  tx.rollback();
  add(second, "second");
  EXPECT_EQ(count(second, "notes"), 2);
}

SQLCORE_BACKEND_TEST_SUITE(ReadTransactionTest);

}  // namespace
}  // namespace sqlcore_test
