// Opening connections: URL settings reach the driver, multi-host failover, session settings, and
// server types read back by type (PostgreSQL OIDs; SQLite declared types).
#include <nlohmann/json.hpp>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class ConnectionTest : public BackendTest {};

TEST_P(ConnectionTest, ApplicationNameIsShownToTheServer) {
  if (!server_sessions()) GTEST_SKIP() << "no server sessions on this backend";
  auto q = text("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()");
  EXPECT_EQ(make_engine().connect().execute(q).scalar<std::string>(), "sqlcore");
  EXPECT_EQ(
      make_engine({.application_name = "from-options"}).connect().execute(q).scalar<std::string>(),
      "from-options");
  EXPECT_EQ(make_engine({.application_name = "from-options"}, "application_name=from-url")
                .connect()
                .execute(q)
                .scalar<std::string>(),
            "from-url")
      << "the URL wins";
}

TEST_P(ConnectionTest, MultiHostUrlFailsOverToTheNextHost) {
  if (!server_sessions()) GTEST_SKIP() << "one file, no hosts";
  Url u = Url::parse(url());
  const auto& h = u.hosts().at(0);
  std::string rendered = u.render(false);
  std::string host_part = h.name + ":" + std::to_string(*h.port);
  auto at = rendered.find(host_part);
  ASSERT_NE(at, std::string::npos);
  rendered.replace(at, host_part.size(), "127.0.0.1:1," + host_part);  // the first is down
  auto engine = create_engine(rendered);
  EXPECT_EQ(engine.connect().execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
}

TEST_P(ConnectionTest, SessionTimeZoneIsUtcSoTimestampsReadBackExactly) {
  auto c = make_engine().connect();
  exec(c, "CREATE TABLE tz (ts " + t_timestamp() + ")");
  auto t = Timestamp::from_civil(2024, 3, 31, 1, 30, 0, 250);
  c.execute(text("INSERT INTO tz (ts) VALUES (:t)"), {{"t", t}});
  EXPECT_EQ(c.execute(text("SELECT ts FROM tz")).scalar<Timestamp>(), t);
}

TEST_P(ConnectionTest, ServerTypesReadBackAsTheirValueKinds) {
  if (!server_sessions()) GTEST_SKIP() << "PostgreSQL type OIDs";
  auto c = make_engine().connect();
  auto r = c.execute(text("SELECT CAST(12.50 AS NUMERIC(10,2)) AS num, CAST(7 AS SMALLINT) AS i2, "
                          "CAST(1.5 AS REAL) AS f4, CAST('a' AS VARCHAR(5)) AS vc, "
                          "CAST('00000000-0000-0000-0000-00000000002a' AS UUID) AS id, "
                          "CAST('{\"k\": [1, 2]}' AS JSON) AS js, "
                          "CAST('2024-01-02 03:04:05.5' AS TIMESTAMP) AS ts, "
                          "CAST('2024-01-02' AS DATE) AS d, CAST('\\x00ff' AS BYTEA) AS bin, "
                          "true AS flag"))
               .one();
  EXPECT_EQ(r["num"].kind(), Value::Kind::decimal);
  EXPECT_EQ(r.get<std::string>("num"), "12.50");
  EXPECT_EQ(r.get<double>("num"), 12.5);
  EXPECT_EQ(r.get<std::int64_t>("i2"), 7);
  EXPECT_EQ(r.get<double>("f4"), 1.5);
  EXPECT_EQ(r.get<std::string>("vc"), "a");
  EXPECT_EQ(r.get<std::string>("id"), "00000000-0000-0000-0000-00000000002a");
  EXPECT_EQ(r.get<Json>("js")["k"][1], 2);
  EXPECT_EQ(r.get<Timestamp>("ts"), Timestamp::from_civil(2024, 1, 2, 3, 4, 5, 500000));
  EXPECT_EQ(r.get<Date>("d"), Date::from_civil(2024, 1, 2));
  EXPECT_EQ(r.get<Blob>("bin"), (Blob{0x00, 0xff}));
  EXPECT_EQ(r.get<bool>("flag"), true);
}

TEST_P(ConnectionTest, IntegerParametersFitIntegerFunctionArguments) {
  auto c = make_engine().connect();
  EXPECT_EQ(c.execute(text("SELECT ABS(:x)"), {{"x", -5}}).scalar<std::int64_t>(), 5);
  EXPECT_EQ(c.execute(text("SELECT :x + 1"), {{"x", std::int64_t{1} << 40}}).scalar<std::int64_t>(),
            (std::int64_t{1} << 40) + 1);
}

TEST_P(ConnectionTest, BadDriverSettingIsAnArgumentError) {
  EXPECT_THROW(make_engine({}, "no_such_setting=1").connect(), ArgumentError);
}

SQLCORE_BACKEND_TEST_SUITE(ConnectionTest);

}  // namespace
}  // namespace sqlcore_test
