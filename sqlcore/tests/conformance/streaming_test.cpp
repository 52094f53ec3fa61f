// Results read as they arrive: large results iterated to the end, an error the statement raises
// after some rows, other statements run while a result is half read, results abandoned half read
// (inside and outside a transaction, reads and writes), and counts known at the end.
#include <cstdint>
#include <string>
#include <vector>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

// 1..:count, one row each; the same SQL on every backend.
const char* const kSeries =
    "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :count) "
    "SELECT n FROM s";
// 1..:count, failing at row 5000 (abs() of the smallest 64-bit integer overflows on every backend).
const char* const kFailsAt5000 =
    "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :count) "
    "SELECT n, abs(CASE WHEN n = 5000 THEN -9223372036854775807 - 1 ELSE n END) AS a FROM s";

// 1..:count, failing at row 500.
const char* const kFailsAt500 =
    "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :count) "
    "SELECT n, abs(CASE WHEN n = 500 THEN -9223372036854775807 - 1 ELSE n END) AS a FROM s";

// The rows after `it` (the first column of each): how many, and the last one (`last` before).
struct ReadOn {
  std::int64_t rows = 0;
  std::int64_t last = 0;
};
ReadOn read_on(Result::iterator it, const Result::iterator& end, std::int64_t last) {
  ReadOn out{0, last};
  for (++it; it != end; ++it) {
    out.last = it->get<std::int64_t>(0);
    ++out.rows;
  }
  return out;
}

class StreamingTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_ = make_engine();
    conn_.emplace(engine_->connect());
    exec(*conn_, "CREATE TABLE nums (id " + t_pk() + ", n BIGINT NOT NULL UNIQUE)");
  }
  void TearDown() override {
    conn_.reset();
    engine_.reset();
    BackendTest::TearDown();
  }
  Result series(std::int64_t count) { return conn_->execute(text(kSeries), {{"count", count}}); }
  std::optional<Engine> engine_;
  std::optional<Connection> conn_;
};

TEST_P(StreamingTest, ALargeResultIsReadToTheEndInOrder) {
  std::int64_t expected = 1;
  for (const Row& r : series(300000)) {
    ASSERT_EQ(r.get<std::int64_t>(0), expected);
    ++expected;
  }
  EXPECT_EQ(expected, 300001);
}

TEST_P(StreamingTest, AnErrorAfterSomeRowsIsRaisedWhereTheIterationReachesIt) {
  std::int64_t seen = 0;
  try {
    for (const Row& r : conn_->execute(text(kFailsAt5000), {{"count", 10000}})) {
      ASSERT_EQ(r.get<std::int64_t>("n"), seen + 1);
      ++seen;
    }
    ADD_FAILURE() << "the overflow at row 5000 was not raised";
  } catch (const DatabaseError& e) {
    EXPECT_NE(e.sql().find("abs("), std::string::npos) << e.what();
  }
  EXPECT_EQ(seen, 4999);
  // The connection goes on.
  EXPECT_EQ(series(3).scalars<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_P(StreamingTest, AnErrorAheadOfAResultBufferedByTheNextStatementWaitsForTheIteration) {
  auto failing = conn_->execute(text(kFailsAt5000), {{"count", 10000}});
  auto it = failing.begin();
  EXPECT_EQ(it->get<std::int64_t>("n"), 1);
  // Another statement while `failing` is half read: it runs, and the error stays with `failing`.
  conn_->execute(text("INSERT INTO nums (n) VALUES (1)"));
  EXPECT_EQ(count(*conn_, "nums"), 1);
  std::int64_t last = 1;
  try {
    for (++it; it != failing.end(); ++it) last = it->get<std::int64_t>("n");
    ADD_FAILURE() << "the overflow at row 5000 was not raised";
  } catch (const DatabaseError&) {
  }
  EXPECT_EQ(last, 4999);
}

TEST_P(StreamingTest, ResultsAbandonedHalfReadLeaveTheConnectionReady) {
  for (int round = 0; round < 3; ++round) {
    auto big = series(200000);
    int read = 0;
    for (const Row& r : big) {
      EXPECT_EQ(r.get<std::int64_t>(0), read + 1);
      if (++read == 5) break;
    }
  }  // abandoned
  EXPECT_EQ(series(200000).first()->get<std::int64_t>(0), 1);
  EXPECT_EQ(series(2).scalars<std::int64_t>(), (std::vector<std::int64_t>{1, 2}));
  conn_->execute(text("INSERT INTO nums (n) VALUES (1)"));
  EXPECT_EQ(count(*conn_, "nums"), 1);
}

TEST_P(StreamingTest, AResultAbandonedInsideATransactionLeavesTheTransactionWhole) {
  auto tx = conn_->begin();
  conn_->execute(text("INSERT INTO nums (n) VALUES (1)"));
  {
    auto big = series(200000);
    EXPECT_EQ(big.begin()->get<std::int64_t>(0), 1);
  }
  conn_->execute(text("INSERT INTO nums (n) VALUES (2)"));
  tx.commit();
  EXPECT_EQ(count(*conn_, "nums"), 2);
}

TEST_P(StreamingTest, AWriteWhoseReturnedRowsAreAbandonedKeepsEveryChange) {
  const std::string insert =
      "INSERT INTO nums (n) SELECT n FROM (" + std::string(kSeries) + ") AS g RETURNING n";
  auto first = conn_->execute(text(insert), {{"count", 20000}}).first();
  ASSERT_TRUE(first);
  EXPECT_EQ(count(*conn_, "nums"), 20000);
}

TEST_P(StreamingTest, TheRowcountOfAReturningStatementIsKnownOnceItsRowsAreRead) {
  conn_->execute_many(text("INSERT INTO nums (n) VALUES (:n)"),
                      {{{"n", 1}}, {{"n", 2}}, {{"n", 3}}});
  auto r = conn_->execute(text("UPDATE nums SET n = n + 10 RETURNING n"));
  EXPECT_EQ(r.all().size(), 3u);
  EXPECT_EQ(r.rowcount(), 3);
}

TEST_P(StreamingTest, StatementsRunWhileAResultIsHalfReadKeepTheirOwnAtomicity) {
  auto big = series(50000);
  auto it = big.begin();
  EXPECT_EQ(it->get<std::int64_t>(0), 1);
  // execute_many outside a transaction is atomic: the duplicate undoes the whole batch.
  EXPECT_THROW(conn_->execute_many(text("INSERT INTO nums (n) VALUES (:n)"),
                                   {{{"n", 1}}, {{"n", 2}}, {{"n", 1}}}),
               IntegrityError);
  EXPECT_EQ(count(*conn_, "nums"), 0);
  {
    auto tx = conn_->begin();
    conn_->execute(text("INSERT INTO nums (n) VALUES (7)"));
    tx.commit();
  }
  const ReadOn rest = read_on(it, big.end(), 1);
  EXPECT_EQ(rest.rows, 49999);
  EXPECT_EQ(rest.last, 50000);
  EXPECT_EQ(count(*conn_, "nums"), 1);
}

TEST_P(StreamingTest, TwoResultsOfOneConnectionReadInTurn) {
  auto a = series(20000);
  auto b = series(30000);  // `a` is buffered now
  std::int64_t na = 0, nb = 0;
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    if (ia != a.end()) {
      EXPECT_EQ(ia->get<std::int64_t>(0), ++na);
      ++ia;
    }
    if (ib != b.end()) {
      EXPECT_EQ(ib->get<std::int64_t>(0), ++nb);
      ++ib;
    }
  }
  EXPECT_EQ(na, 20000);
  EXPECT_EQ(nb, 30000);
}

// A statement that ends with LIMIT n, n <= 1,000 (a number or a bound integer), arrives in one
// piece on PostgreSQL (its memory is bounded by n rows anyway; single-row mode costs CPU per
// row): its rows and the connection behave as a streamed result's.
TEST_P(StreamingTest, ResultsBoundedByASmallLimitReadAsAnyOther) {
  const std::string limited = std::string(kSeries) + " ORDER BY n LIMIT ";
  auto read = [&](const std::string& sql, Params params) {
    std::vector<std::int64_t> out;
    for (const Row& r : conn_->execute(text(sql), params)) out.push_back(r.get<std::int64_t>(0));
    return out;
  };
  auto one_to = [](std::int64_t n) {
    std::vector<std::int64_t> v;
    for (std::int64_t i = 1; i <= n; ++i) v.push_back(i);
    return v;
  };
  EXPECT_EQ(read(limited + "1000", {{"count", 5000}}), one_to(1000));
  EXPECT_EQ(read(limited + "1001", {{"count", 5000}}), one_to(1001));  // streams
  EXPECT_EQ(read(limited + "3 OFFSET 2", {{"count", 10}}), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(read(limited + ":lim", {{"count", 10}, {"lim", 3}}), one_to(3));
  EXPECT_EQ(read(limited + ":lim", {{"count", 2000}, {"lim", 2000}}), one_to(2000));
  EXPECT_EQ(read(limited + ":lim", {{"count", 10}, {"lim", 0}}), one_to(0));
  conn_->execute_many(text("INSERT INTO nums (n) VALUES (:n)"),
                      {{{"n", 3}}, {{"n", 1}}, {{"n", 2}}});
  EXPECT_EQ(
      conn_->execute(text("SELECT n FROM nums ORDER BY n DESC LIMIT 2")).scalars<std::int64_t>(),
      (std::vector<std::int64_t>{3, 2}));

  // Half read, another statement between, then read on.
  auto r = conn_->execute(text(limited + "500"), {{"count", 800}});
  auto it = r.begin();
  EXPECT_EQ(it->get<std::int64_t>(0), 1);
  conn_->execute(text("INSERT INTO nums (n) VALUES (4)"));
  const ReadOn rest = read_on(it, r.end(), 1);
  EXPECT_EQ(rest.rows, 499);
  EXPECT_EQ(rest.last, 500);
  EXPECT_EQ(count(*conn_, "nums"), 4);
  {
    auto abandoned = conn_->execute(text(limited + "900"), {{"count", 900}});
    EXPECT_EQ(abandoned.begin()->get<std::int64_t>(0), 1);
  }
  EXPECT_EQ(read(limited + "2", {{"count", 5}}), one_to(2));
}

// An error in a row of a small-LIMIT statement: on PostgreSQL the statement arrives whole, so
// execute() throws it before any row; SQLite steps its rows and delivers those before it. Either
// way the error is the statement's and the connection goes on.
TEST_P(StreamingTest, AnErrorInASmallLimitStatementIsRaisedBeforeTheRowsAfterIt) {
  std::int64_t seen = 0;
  try {
    for (const Row& r :
         conn_->execute(text(std::string(kFailsAt500) + " LIMIT 1000"), {{"count", 2000}})) {
      ASSERT_EQ(r.get<std::int64_t>("n"), seen + 1);
      ++seen;
    }
    ADD_FAILURE() << "the overflow at row 500 was not raised";
  } catch (const DatabaseError& e) {
    EXPECT_NE(e.sql().find("abs("), std::string::npos) << e.what();
  }
  EXPECT_EQ(seen, server_sessions() ? 0 : 499);
  EXPECT_EQ(series(3).scalars<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 3}));
}

SQLCORE_BACKEND_TEST_SUITE(StreamingTest);

}  // namespace
}  // namespace sqlcore_test
