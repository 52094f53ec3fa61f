// A connection pooler in front of PostgreSQL (PgBouncer; docs/deployment.md): the driver settings
// that say so are checked when the engine is made, and a pooler left undeclared, a database not
// set up for one, or a statement the server session lost are errors that say what to do. The
// whole suite also runs through a real PgBouncer in transaction mode (conformance.pgbouncer).
#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class PoolerTest : public BackendTest {
 protected:
  /// The message of the ArgumentError create_engine(url(query)) must raise; "" if none.
  std::string refused_at_create(const std::string& query) {
    try {
      (void)create_engine(url(query));
    } catch (const ArgumentError& e) {
      return e.what();
    }
    ADD_FAILURE() << query << " was accepted by create_engine";
    return "";
  }
  /// Whether this run reaches the server through a pooler in transaction mode.
  bool behind_pooler() const { return server_sessions() && !session_per_connection(); }
};

TEST_P(PoolerTest, AnUnknownDriverSettingIsRefusedAtCreateEngineNamingIt) {
  EXPECT_NE(refused_at_create("no_such_setting=1").find("no_such_setting"), std::string::npos);
}

TEST_P(PoolerTest, PoolerSettingsThatCannotWorkAreRefusedAtCreateEngine) {
  if (!server_sessions()) GTEST_SKIP() << "pooler= and prepare= are PostgreSQL settings";
  EXPECT_NE(refused_at_create("pooler=sometimes").find("pooler"), std::string::npos);
  EXPECT_NE(refused_at_create("prepare=sometimes").find("prepare"), std::string::npos);
  // Named statements do not outlive a transaction behind a transaction pooler.
  const std::string named = refused_at_create("pooler=transaction&prepare=named");
  EXPECT_NE(named.find("prepare=named"), std::string::npos) << named;
  // A pooler refuses startup options: they would be lost, so they are refused here.
  EXPECT_NE(refused_at_create("pooler=session&options=-c%20work_mem%3D64MB").find("options"),
            std::string::npos);
  // Opening no connection: a server that does not exist is fine until the first use.
  EXPECT_NO_THROW((void)create_engine("postgresql://u:p@127.0.0.1:1/db?pooler=transaction"));
}

TEST_P(PoolerTest, AStatementTheServerSessionLostSaysToDeclareThePooler) {
  if (!server_sessions()) GTEST_SKIP() << "server-side prepared statements are PostgreSQL's";
  auto engine = make_engine();
  auto c = engine.connect();
  try {
    c.execute(text("DEALLOCATE sqlcore_000000000000_1"));
    ADD_FAILURE() << "no error for a statement that does not exist";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "26000");
    EXPECT_NE(std::string(e.what()).find("pooler=transaction"), std::string::npos) << e.what();
  }
  EXPECT_EQ(c.execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
}

TEST_P(PoolerTest, ThroughAPoolerLeftUndeclaredTheFirstConnectSaysWhatToSet) {
  if (!behind_pooler()) GTEST_SKIP() << "this run does not go through a pooler";
  std::string u = url();
  u.replace(u.find("pooler=transaction"), std::string("pooler=transaction").size(), "pooler=none");
  auto engine = create_engine(u);
  try {
    (void)engine.connect();
    ADD_FAILURE() << "PgBouncer accepted sqlcore's startup options";
  } catch (const OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("pooler=transaction"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(*Url::parse(u).password()), std::string::npos);
  }
}

TEST_P(PoolerTest, ADatabaseWhoseSessionsAreNotInUtcIsRefusedAtConnectThroughThePooler) {
  if (!behind_pooler()) GTEST_SKIP() << "this run does not go through a pooler";
  // Before the pooler's first server session on this database, which carries the defaults.
  {
    auto admin = admin_engine();
    auto c = admin.connect();
    exec(c, "ALTER DATABASE \"" + database_ + "\" SET TimeZone = 'Europe/Paris'");
  }
  auto engine = make_engine();
  try {
    (void)engine.connect();
    ADD_FAILURE() << "a session in Europe/Paris was accepted";
  } catch (const OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("TimeZone"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Europe/Paris"), std::string::npos) << e.what();
  }
}

TEST_P(PoolerTest, ThroughThePoolerNothingIsPreparedByNameAndValuesRoundTripExactly) {
  if (!behind_pooler()) GTEST_SKIP() << "this run does not go through a pooler";
  auto engine = make_engine({.pool_size = 2});
  {
    auto c = engine.connect();
    exec(c, "CREATE TABLE v (id BIGINT PRIMARY KEY, at " + t_timestamp() + ", x " + t_double() +
                ", b " + t_blob() + ")");
  }
  const Timestamp at = *Timestamp::parse("2024-02-29 23:59:58.123456");
  const Blob blob{0, 1, 2, 254, 255};
  // Two connections, each in its own transactions, sharing the pooler's server sessions.
  auto a = engine.connect();
  auto b = engine.connect();
  for (int i = 0; i < 20; ++i) {
    Connection& c = i % 2 == 0 ? a : b;
    auto tx = c.begin();
    c.execute(text("INSERT INTO v (id, at, x, b) VALUES (:id, :at, :x, :b)"),
              {{"id", i}, {"at", at}, {"x", 0.1 * i}, {"b", blob}});
    tx.commit();
  }
  for (int i = 0; i < 20; ++i) {
    Connection& c = i % 2 == 0 ? b : a;
    Row r = c.execute(text("SELECT at, x, b FROM v WHERE id = :id"), {{"id", i}}).one();
    EXPECT_EQ(r.get<Timestamp>("at"), at);
    EXPECT_EQ(r.get<double>("x"), 0.1 * i);
    EXPECT_EQ(r.get<Blob>("b"), blob);
  }
  EXPECT_EQ(a.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar<std::int64_t>(),
            0);
}

SQLCORE_BACKEND_TEST_SUITE(PoolerTest);

}  // namespace
}  // namespace sqlcore_test
