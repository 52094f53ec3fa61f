// Every Value kind round-trips through a real table on every backend; typed reads fail clearly.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class ValueRoundTripTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_ = make_engine();
    conn_.emplace(engine_->connect());
    exec(*conn_, "CREATE TABLE vals (id " + t_pk() + ", b " + t_bool() + ", i " + t_bigint() +
                     ", d " + t_double() + ", s " + t_text() + ", bl " + t_blob() + ", ts " +
                     t_timestamp() + ", dt " + t_date() + ", j " + t_json() + ")");
  }
  void TearDown() override {
    conn_.reset();
    engine_.reset();
    BackendTest::TearDown();
  }

  // Stores `v` in column `col` and reads it back.
  Value round_trip(const std::string& col, const Value& v) {
    auto id =
        conn_->execute(text("INSERT INTO vals (" + col + ") VALUES (:v) RETURNING id"), {{"v", v}})
            .scalar<std::int64_t>();
    return conn_->execute(text("SELECT " + col + " FROM vals WHERE id = :id"), {{"id", id}})
        .one()[0];
  }

  std::optional<Engine> engine_;
  std::optional<Connection> conn_;
};

TEST_P(ValueRoundTripTest, NullReadsAsNullInEveryColumn) {
  for (const char* col : {"b", "i", "d", "s", "bl", "ts", "dt", "j"}) {
    Value v = round_trip(col, Value());
    EXPECT_TRUE(v.is_null()) << col;
    EXPECT_EQ(v.as<std::optional<std::string>>(), std::nullopt);
  }
}

TEST_P(ValueRoundTripTest, BooleansReadBackAsBool) {
  EXPECT_EQ(round_trip("b", true).as<bool>(), true);
  EXPECT_EQ(round_trip("b", false).as<bool>(), false);
  EXPECT_EQ(round_trip("b", true).kind(), Value::Kind::boolean);
}

TEST_P(ValueRoundTripTest, Int64ExtremesSurvive) {
  for (std::int64_t v :
       {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
        std::int64_t{1}, std::int64_t{2147483648}, std::numeric_limits<std::int64_t>::max()})
    EXPECT_EQ(round_trip("i", v).as<std::int64_t>(), v);
}

TEST_P(ValueRoundTripTest, DoublesSurviveBitForBit) {
  for (double v : {0.0, 1.5, -2.25, 1e300, -1e-300, 0.1, 3.141592653589793,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()}) {
    double back = round_trip("d", v).as<double>();
    EXPECT_EQ(back, v);
  }
  // -0.0 is stored as 0.0 on every backend (SQLite reads a REAL -0.0 back as 0).
  EXPECT_EQ(round_trip("d", -0.0).as<double>(), 0.0);
  EXPECT_FALSE(std::signbit(round_trip("d", -0.0).as<double>()));
}

TEST_P(ValueRoundTripTest, TextSurvivesUnicodeEmptyAndLarge) {
  EXPECT_EQ(round_trip("s", "").as<std::string>(), "");
  EXPECT_FALSE(round_trip("s", "").is_null()) << "empty string is not NULL";
  const std::string unicode = "héllo wörld — 日本語 🎉 \t\n quotes ' \" ; -- /* */ :bind";
  EXPECT_EQ(round_trip("s", unicode).as<std::string>(), unicode);
  std::string big(1 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(round_trip("s", big).as<std::string>(), big);
}

TEST_P(ValueRoundTripTest, BlobsKeepZeroBytesAndEmptiness) {
  Blob b;
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
  b.push_back(0);
  b.push_back(0);
  EXPECT_EQ(round_trip("bl", b).as<Blob>(), b);
  Value empty = round_trip("bl", Blob{});
  EXPECT_FALSE(empty.is_null());
  EXPECT_EQ(empty.as<Blob>(), Blob{});
  Blob big(1 << 20);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 31);
  EXPECT_EQ(round_trip("bl", big).as<Blob>(), big);
}

TEST_P(ValueRoundTripTest, TimestampsKeepMicrosecondsBefore1970AndAfter2038) {
  for (Timestamp t : {Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 999999),
                      Timestamp::from_civil(1900, 1, 1, 0, 0, 0, 1),
                      Timestamp::from_civil(2038, 1, 19, 3, 14, 8, 123456),
                      Timestamp::from_civil(2262, 4, 11, 23, 47, 16, 854775),
                      Timestamp::from_civil(2024, 2, 29, 12, 0, 0, 0)}) {
    Value v = round_trip("ts", t);
    EXPECT_EQ(v.kind(), Value::Kind::timestamp);
    EXPECT_EQ(v.as<Timestamp>(), t) << t.to_iso8601();
  }
}

TEST_P(ValueRoundTripTest, DatesRoundTrip) {
  for (Date d : {Date::from_civil(1969, 7, 20), Date::from_civil(2000, 2, 29),
                 Date::from_civil(9999, 12, 31)})
    EXPECT_EQ(round_trip("dt", d).as<Date>(), d);
}

TEST_P(ValueRoundTripTest, JsonKeepsStructureUnicodeAndJsonNull) {
  Json doc = {{"name", "Zoë"}, {"tags", {"a", "b"}}, {"nested", {{"n", 1.5}, {"ok", true}}}};
  EXPECT_EQ(round_trip("j", doc).as<Json>(), doc);
  Value jnull = round_trip("j", Json(nullptr));
  EXPECT_FALSE(jnull.is_null()) << "JSON null is a value, not SQL NULL";
  EXPECT_TRUE(jnull.as<Json>().is_null());
  EXPECT_TRUE(round_trip("j", Value()).is_null());
  EXPECT_EQ(round_trip("j", Json::array({1, 2, 3})).as<Json>(), Json::array({1, 2, 3}));
}

TEST_P(ValueRoundTripTest, TypedReadsOfTheWrongTypeNameColumnAndTypes) {
  exec(*conn_, "INSERT INTO vals (s, i) VALUES ('text', 42)");
  auto row = conn_->execute(text("SELECT s, i FROM vals")).one();
  EXPECT_EQ(row.get<std::string>("s"), "text");
  EXPECT_EQ(row.get<std::int64_t>("i"), 42);
  EXPECT_EQ(row.get<double>("i"), 42.0);
  try {
    row.get<std::int64_t>("s");
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'s'"), std::string::npos) << m;
    EXPECT_NE(m.find("text"), std::string::npos) << m;
    EXPECT_NE(m.find("int64"), std::string::npos) << m;
  }
  EXPECT_THROW(row.get<std::string>("missing_column"), ArgumentError);
  EXPECT_THROW(row[7], ArgumentError);
}

TEST_P(ValueRoundTripTest, NullReadAsNonOptionalThrowsAndAsOptionalIsEmpty) {
  exec(*conn_, "INSERT INTO vals (s) VALUES (NULL)");
  auto row = conn_->execute(text("SELECT s FROM vals")).one();
  EXPECT_EQ(row.get<std::optional<std::string>>("s"), std::nullopt);
  EXPECT_THROW(row.get<std::string>("s"), ArgumentError);
}

TEST_P(ValueRoundTripTest, RowsReadByNameAndByIndexAgree) {
  conn_->execute(text("INSERT INTO vals (s, i, b) VALUES (:s, :i, :b)"),
                 {{"s", "x"}, {"i", 7}, {"b", true}});
  auto r = conn_->execute(text("SELECT i, s, b FROM vals")).one();
  EXPECT_EQ(r.column_names(), (std::vector<std::string>{"i", "s", "b"}));
  EXPECT_EQ(r.get<std::int64_t>(std::size_t{0}), r.get<std::int64_t>("i"));
  EXPECT_EQ(r[1], r["s"]);
  EXPECT_EQ(r.get<bool>("b"), true);
}

SQLCORE_BACKEND_TEST_SUITE(ValueRoundTripTest);

}  // namespace
}  // namespace sqlcore_test
