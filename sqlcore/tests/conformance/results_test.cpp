// Results: streaming, all/first/scalars, rowcount, returning, last insert id, results that
// outlive the next statement, text() binds against a real server.
#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class ResultTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_ = make_engine();
    conn_.emplace(engine_->connect());
    exec(*conn_, "CREATE TABLE nums (id " + t_pk() + ", n BIGINT NOT NULL, label TEXT)");
    std::vector<Params> rows;
    for (int i = 1; i <= 100; ++i)
      rows.push_back({{"n", i}, {"label", i % 2 == 0 ? Value("even") : Value()}});
    EXPECT_EQ(conn_->execute_many(text("INSERT INTO nums (n, label) VALUES (:n, :label)"), rows),
              100);
  }
  void TearDown() override {
    conn_.reset();
    engine_.reset();
    BackendTest::TearDown();
  }
  std::optional<Engine> engine_;
  std::optional<Connection> conn_;
};

TEST_P(ResultTest, IterationStreamsEveryRowInOrder) {
  std::int64_t expected = 1;
  auto result = conn_->execute(text("SELECT n, label FROM nums ORDER BY n"));
  EXPECT_TRUE(result.returns_rows());
  EXPECT_EQ(result.columns(), (std::vector<std::string>{"n", "label"}));
  for (const Row& r : result) {
    EXPECT_EQ(r.get<std::int64_t>("n"), expected);
    EXPECT_EQ(r.get<std::optional<std::string>>("label").has_value(), expected % 2 == 0);
    ++expected;
  }
  EXPECT_EQ(expected, 101);
}

TEST_P(ResultTest, AllFirstAndScalars) {
  EXPECT_EQ(conn_->execute(text("SELECT n FROM nums")).all().size(), 100u);
  auto first = conn_->execute(text("SELECT n FROM nums ORDER BY n DESC")).first();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->get<std::int64_t>("n"), 100);
  auto ns = conn_->execute(text("SELECT n FROM nums WHERE n <= :k ORDER BY n"), {{"k", 3}})
                .scalars<std::int64_t>();
  EXPECT_EQ(ns, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_FALSE(conn_->execute(text("SELECT n FROM nums WHERE n > 1000")).first());
}

TEST_P(ResultTest, RowcountCountsChangedRows) {
  EXPECT_EQ(
      conn_->execute(text("UPDATE nums SET label = 'x' WHERE n <= :k"), {{"k", 3}}).rowcount(), 3);
  EXPECT_EQ(conn_->execute(text("DELETE FROM nums WHERE n > :k"), {{"k", 90}}).rowcount(), 10);
  EXPECT_EQ(conn_->execute(text("UPDATE nums SET label = 'y' WHERE n < 0")).rowcount(), 0);
  EXPECT_EQ(conn_->execute(text("SELECT n FROM nums")).rowcount(), -1);
  EXPECT_FALSE(conn_->execute(text("UPDATE nums SET label = 'z' WHERE n = 1")).returns_rows());
}

TEST_P(ResultTest, ReturningGivesGeneratedIds) {
  auto r =
      conn_->execute(text("INSERT INTO nums (n) VALUES (:n) RETURNING id, n"), {{"n", 500}}).one();
  EXPECT_GT(r.get<std::int64_t>("id"), 100);
  EXPECT_EQ(r.get<std::int64_t>("n"), 500);
}

TEST_P(ResultTest, LastInsertIdWhereTheBackendHasOne) {
  auto result = conn_->execute(text("INSERT INTO nums (n) VALUES (7)"));
  if (has_last_insert_id()) {
    ASSERT_TRUE(result.last_insert_id());
    EXPECT_EQ(*result.last_insert_id(), 101);
  } else {
    EXPECT_FALSE(result.last_insert_id());
  }
}

TEST_P(ResultTest, AResultStaysReadableAfterTheNextStatement) {
  auto big = conn_->execute(text("SELECT n FROM nums ORDER BY n"));
  auto it = big.begin();
  EXPECT_EQ(it->get<std::int64_t>("n"), 1);
  ++it;
  // Same SQL again, and a write, while `big` is half read.
  EXPECT_EQ(conn_->execute(text("SELECT n FROM nums ORDER BY n")).first()->get<std::int64_t>("n"),
            1);
  conn_->execute(text("INSERT INTO nums (n) VALUES (1000)"));
  std::int64_t last = 0, seen = 1;
  for (; it != big.end(); ++it) {
    last = it->get<std::int64_t>("n");
    ++seen;
  }
  EXPECT_EQ(seen, 100);
  EXPECT_EQ(last, 100);
}

TEST_P(ResultTest, AResultStaysReadableAfterItsConnectionIsClosed) {
  auto r = conn_->execute(text("SELECT n FROM nums ORDER BY n"));
  conn_->close();
  EXPECT_EQ(r.all().size(), 100u);
}

TEST_P(ResultTest, TextBindsSkipQuotesCommentsAndCasts) {
  auto r = conn_
               ->execute(text("SELECT ':notabind' AS s, /* :nor_this */ n AS v -- :nor_that\n"
                              "FROM nums WHERE n = :k AND n = :k"),
                         {{"k", 42}})
               .one();
  EXPECT_EQ(r.get<std::string>("s"), ":notabind");
  EXPECT_EQ(r.get<std::int64_t>("v"), 42);
  EXPECT_EQ(conn_->execute(text("SELECT CAST(:x AS BIGINT) + 1 AS y"), {{"x", 41}})
                .scalar<std::int64_t>(),
            42);
}

TEST_P(ResultTest, ValuesWithQuotesAndKeywordsAreStoredVerbatim) {
  const std::string nasty = "'); DROP TABLE nums; -- \" :k $1 ?1 \\";
  conn_->execute(text("INSERT INTO nums (n, label) VALUES (1, :l)"), {{"l", nasty}});
  EXPECT_EQ(conn_->execute(text("SELECT label FROM nums WHERE label = :l"), {{"l", nasty}})
                .scalar<std::string>(),
            nasty);
  EXPECT_EQ(count(*conn_, "nums"), 101);
}

SQLCORE_BACKEND_TEST_SUITE(ResultTest);

}  // namespace
}  // namespace sqlcore_test

namespace sqlcore_test {
namespace {

class SchemaChangeTest : public BackendTest {};

TEST_P(SchemaChangeTest, CachedStatementsSeeColumnsAddedLater) {
  auto engine = make_engine();
  auto c = engine.connect();
  exec(c, "CREATE TABLE shape (a BIGINT)");
  exec(c, "INSERT INTO shape (a) VALUES (1)");
  auto select_all = text("SELECT * FROM shape");
  EXPECT_EQ(c.execute(select_all).one().size(), 1u);
  exec(c, "ALTER TABLE shape ADD COLUMN b TEXT");
  exec(c, "UPDATE shape SET b = 'new'");
  auto row = c.execute(select_all).one();
  EXPECT_EQ(row.size(), 2u);
  EXPECT_EQ(row.get<std::string>("b"), "new");
}

TEST_P(SchemaChangeTest, InsideATransactionTheNextAttemptSeesTheNewShape) {
  auto engine = make_engine();
  auto c = engine.connect();
  exec(c, "CREATE TABLE shape2 (a BIGINT)");
  auto select_all = text("SELECT * FROM shape2");
  (void)c.execute(select_all).all();
  exec(c, "ALTER TABLE shape2 ADD COLUMN b TEXT");
  {
    auto tx = c.begin();
    try {
      EXPECT_EQ(c.execute(select_all).columns().size(), 2u);
    } catch (const DatabaseError&) {
      // PostgreSQL: the stale plan fails once inside a transaction (which it aborts)
    }
  }
  EXPECT_EQ(c.execute(select_all).columns().size(), 2u);
}

SQLCORE_BACKEND_TEST_SUITE(SchemaChangeTest);

}  // namespace
}  // namespace sqlcore_test
