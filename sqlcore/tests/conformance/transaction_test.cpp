// Transactions: commit, rollback, RAII rollback, engine.begin, savepoints, atomic failures.
#include <stdexcept>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class TransactionTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_ = make_engine();
    auto c = engine_->connect();
    exec(c, "CREATE TABLE items (id " + t_pk() + ", name TEXT NOT NULL UNIQUE)");
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }
  static void add(Connection& c, const std::string& name) {
    c.execute(text("INSERT INTO items (name) VALUES (:name)"), {{"name", name}});
  }
  std::int64_t items() {
    auto c = engine_->connect();
    return count(c, "items");
  }
  std::optional<Engine> engine_;
};

TEST_P(TransactionTest, CommitMakesRowsVisibleToOtherConnections) {
  {
    auto c = engine_->connect();
    auto tx = c.begin();
    EXPECT_TRUE(c.in_transaction());
    add(c, "a");
    add(c, "b");
    tx.commit();
    EXPECT_FALSE(tx.is_active());
    EXPECT_FALSE(c.in_transaction());
  }
  EXPECT_EQ(items(), 2);
}

TEST_P(TransactionTest, RollbackDiscardsRows) {
  auto c = engine_->connect();
  auto tx = c.begin();
  add(c, "a");
  tx.rollback();
  EXPECT_EQ(count(c, "items"), 0);
}

TEST_P(TransactionTest, DestroyingAnOpenTransactionRollsBack) {
  auto c = engine_->connect();
  {
    auto tx = c.begin();
    add(c, "a");
  }
  EXPECT_FALSE(c.in_transaction());
  EXPECT_EQ(count(c, "items"), 0);
}

TEST_P(TransactionTest, ClosingAConnectionRollsBackItsTransaction) {
  std::optional<Transaction> tx;
  {
    auto c = engine_->connect();
    tx.emplace(c.begin());
    add(c, "a");
  }  // the Connection goes first: it rolls back and returns to the pool
  EXPECT_FALSE(tx->is_active());
  EXPECT_EQ(items(), 0);
  tx.reset();
}

TEST_P(TransactionTest, StatementsOutsideATransactionAutocommit) {
  {
    auto c = engine_->connect();
    add(c, "a");
  }
  EXPECT_EQ(items(), 1);
}

TEST_P(TransactionTest, EngineBeginCommitsOnReturnAndReturnsTheValue) {
  std::int64_t n = engine_->begin([](Connection& c) {
    add(c, "a");
    return count(c, "items");
  });
  EXPECT_EQ(n, 1);
  EXPECT_EQ(items(), 1);
}

TEST_P(TransactionTest, RollsBackWhenBodyThrows) {
  EXPECT_THROW(engine_->begin([](Connection& c) {
    add(c, "a");
    add(c, "b");
    throw std::runtime_error("body failed");
  }),
               std::runtime_error);
  EXPECT_EQ(items(), 0);
}

TEST_P(TransactionTest, AFailingTransactionLeavesNoPartialRows) {
  EXPECT_THROW(engine_->begin([](Connection& c) {
    add(c, "a");
    add(c, "b");
    add(c, "a");  // unique violation
  }),
               IntegrityError);
  EXPECT_EQ(items(), 0);
}

// A COMMIT the database refuses (a deferred foreign key checked only then) raises
// IntegrityError and keeps none of the transaction's rows; the connection goes on, and the same
// refusal and a good commit come again on it (SQLite keeps BEGIN and COMMIT prepared: a refused
// COMMIT must leave them reusable).
TEST_P(TransactionTest, ARefusedCommitKeepsNothingAndTheConnectionGoesOn) {
  auto c = engine_->connect();
  exec(c, "CREATE TABLE parents (id " + t_pk() + ")");
  exec(c, "CREATE TABLE children (id " + t_pk() +
              ", parent_id BIGINT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)");
  const auto orphan = [&] {
    auto tx = c.begin();
    add(c, "kept only if the commit succeeds");
    c.execute(text("INSERT INTO children (parent_id) VALUES (:p)"), {{"p", 42}});
    tx.commit();
  };
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    EXPECT_THROW(orphan(), IntegrityError);
    EXPECT_FALSE(c.in_transaction());
    EXPECT_EQ(count(c, "children"), 0);
    EXPECT_EQ(count(c, "items"), 0);
  }
  auto tx = c.begin();
  c.execute(text("INSERT INTO parents (id) VALUES (:id)"), {{"id", 42}});
  c.execute(text("INSERT INTO children (parent_id) VALUES (:p)"), {{"p", 42}});
  tx.commit();
  EXPECT_EQ(count(c, "children"), 1);
}

TEST_P(TransactionTest, SavepointRollbackKeepsTheOuterTransaction) {
  auto c = engine_->connect();
  auto tx = c.begin();
  add(c, "outer");
  {
    auto sp = c.begin_nested();
    EXPECT_TRUE(sp.is_nested());
    add(c, "inner");
    sp.rollback();
  }
  add(c, "after");
  tx.commit();
  auto names = c.execute(text("SELECT name FROM items ORDER BY name")).scalars<std::string>();
  EXPECT_EQ(names, (std::vector<std::string>{"after", "outer"}));
}

TEST_P(TransactionTest, SavepointSurvivesAnExpectedIntegrityError) {
  // PostgreSQL aborts a transaction after any failed statement; a savepoint keeps it usable.
  auto c = engine_->connect();
  auto tx = c.begin();
  add(c, "a");
  {
    auto sp = c.begin_nested();
    EXPECT_THROW(add(c, "a"), IntegrityError);
    sp.rollback();
  }
  add(c, "b");
  tx.commit();
  EXPECT_EQ(count(c, "items"), 2);
}

TEST_P(TransactionTest, ReleasedSavepointIsUndoneByOuterRollback) {
  auto c = engine_->connect();
  auto tx = c.begin();
  auto sp = c.begin_nested();
  add(c, "a");
  sp.commit();
  auto sp2 = c.begin_nested();
  add(c, "b");
  sp2.commit();
  tx.rollback();
  EXPECT_EQ(count(c, "items"), 0);
}

TEST_P(TransactionTest, NestedSavepointsEndWithTheirParent) {
  auto c = engine_->connect();
  auto tx = c.begin();
  auto sp1 = c.begin_nested();
  add(c, "a");
  auto sp2 = c.begin_nested();
  add(c, "b");
  sp1.rollback();  // ends sp2 too
  EXPECT_FALSE(sp2.is_active());
  EXPECT_THROW(sp2.commit(), ArgumentError);
  add(c, "c");
  tx.commit();
  EXPECT_EQ(c.execute(text("SELECT name FROM items")).scalars<std::string>(),
            std::vector<std::string>{"c"});
}

TEST_P(TransactionTest, MisuseIsAnArgumentError) {
  auto c = engine_->connect();
  EXPECT_THROW(c.begin_nested(), ArgumentError);
  auto tx = c.begin();
  EXPECT_THROW(c.begin(), ArgumentError);
  tx.commit();
  EXPECT_THROW(tx.commit(), ArgumentError);
  EXPECT_THROW(tx.rollback(), ArgumentError);
  c.close();
  EXPECT_TRUE(c.closed());
  EXPECT_THROW(c.execute(text("SELECT 1")), ArgumentError);
}

TEST_P(TransactionTest, ExecuteManyIsAtomic) {
  auto c = engine_->connect();
  std::vector<Params> rows;
  for (int i = 0; i < 100; ++i) rows.push_back({{"name", "n" + std::to_string(i)}});
  rows.push_back({{"name", "n50"}});  // duplicate: the whole batch fails
  EXPECT_THROW(c.execute_many(text("INSERT INTO items (name) VALUES (:name)"), rows),
               IntegrityError);
  EXPECT_EQ(count(c, "items"), 0);
  rows.pop_back();
  EXPECT_EQ(c.execute_many(text("INSERT INTO items (name) VALUES (:name)"), rows), 100);
  EXPECT_EQ(count(c, "items"), 100);
}

TEST_P(TransactionTest, ExecuteManyJoinsAnOpenTransaction) {
  auto c = engine_->connect();
  auto tx = c.begin();
  std::vector<Params> rows;
  for (int i = 0; i < 10; ++i) rows.push_back({{"name", "n" + std::to_string(i)}});
  EXPECT_EQ(c.execute_many(text("INSERT INTO items (name) VALUES (:name)"), rows), 10);
  tx.rollback();
  EXPECT_EQ(count(c, "items"), 0);
}

TEST_P(TransactionTest, ExecuteManyTakesRowsWhoseValuesDifferInTypeAndSize) {
  auto c = engine_->connect();
  exec(c, "CREATE TABLE mixed (big BIGINT, d " + t_double() + ", note TEXT)");
  std::vector<Params> rows = {
      {{"big", Value()}, {"d", 1}, {"note", Value()}},
      {{"big", 1}, {"d", 2.5}, {"note", "x"}},
      {{"big", std::int64_t{1} << 40}, {"d", std::int64_t{1} << 40}, {"note", Value()}},
  };
  EXPECT_EQ(c.execute_many(text("INSERT INTO mixed (big, d, note) VALUES (:big, :d, :note)"), rows),
            3);
  EXPECT_EQ(c.execute(text("SELECT MAX(big) FROM mixed")).scalar<std::int64_t>(),
            std::int64_t{1} << 40);
  EXPECT_EQ(c.execute(text("SELECT SUM(d) FROM mixed")).scalar<double>(), 3.5 + (1LL << 40));
}

SQLCORE_BACKEND_TEST_SUITE(TransactionTest);

}  // namespace
}  // namespace sqlcore_test
