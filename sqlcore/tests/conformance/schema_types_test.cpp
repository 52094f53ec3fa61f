// Every portable type through a table create_all() made, timestamp order, and refused values.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "conformance/schema_fixture.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

// ---- 2. every portable type round-trips ----------------------------------------------------

class SchemaTypesTest : public SchemaTest {
 protected:
  void SetUp() override {
    SchemaTest::SetUp();
    Table& t = add_all_types_table();
    md_.create_all(engine());
    vals_ = &t;
  }

  Value rt(const std::string& col, const Value& v) { return round_trip(*vals_, col, v); }

  const Table* vals_ = nullptr;
};

TEST_P(SchemaTypesTest, NullStaysNullInEveryColumn) {
  for (const Column* col : vals_->columns()) {
    if (col->name() == "id") continue;
    EXPECT_TRUE(rt(col->name(), Value()).is_null()) << col->name();
  }
}

TEST_P(SchemaTypesTest, BooleansAndIntegerExtremes) {
  EXPECT_VALUE_EQ(rt("b", true), Value(true));
  EXPECT_VALUE_EQ(rt("b", false), Value(false));
  for (std::int64_t v : {std::int64_t{std::numeric_limits<std::int16_t>::min()}, std::int64_t{-1},
                         std::int64_t{0}, std::int64_t{std::numeric_limits<std::int16_t>::max()}})
    EXPECT_VALUE_EQ(rt("si", v), Value(v));
  for (std::int64_t v : {std::int64_t{std::numeric_limits<std::int32_t>::min()}, std::int64_t{0},
                         std::int64_t{std::numeric_limits<std::int32_t>::max()}})
    EXPECT_VALUE_EQ(rt("i", v), Value(v));
  for (std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                         std::int64_t{2147483648}, std::numeric_limits<std::int64_t>::max()})
    EXPECT_VALUE_EQ(rt("bi", v), Value(v));
}

TEST_P(SchemaTypesTest, DoublesRoundTripAndNegativeZeroIsStoredAsZeroEverywhere) {
  for (double v : {0.0, 0.1, -2.25, 1e300, -1e-300, std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::denorm_min(), 0.123456789012345678}) {
    Value back = rt("d", v);
    EXPECT_EQ(back.kind(), Value::Kind::real) << v;
    EXPECT_EQ(back.as<double>(), v);
  }
  // SQLite reads a REAL -0.0 back as 0; so that both backends agree, -0.0 is stored as 0.0.
  Value z = rt("d", -0.0);
  EXPECT_EQ(z.as<double>(), 0.0);
  EXPECT_FALSE(std::signbit(z.as<double>()));
  // An integral double reads back as a double, not an integer.
  EXPECT_EQ(rt("d", 3.0).kind(), Value::Kind::real);
}

// NaN would be NULL on SQLite and NaN on PostgreSQL; an infinity poisons every sum it enters. A
// Float or Double holds finite numbers only, and every way of binding one says so, naming the
// column, before anything is written.
TEST_P(SchemaTypesTest, NonFiniteDoublesAreRefusedOnEveryPathNamingTheColumn) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto expect_refused = [&](const std::function<void()>& f, const std::string& name) {
    try {
      f();
      ADD_FAILURE() << "expected DataError";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  };
  for (double bad : {nan, inf, -inf})
    for (const char* col : {"d", "f"})
      expect_refused([&] { rt(col, bad); }, std::string("vals.") + col);  // checked by the type
  auto c = engine_->connect();
  const std::int64_t before = count(c, "vals");
  for (double bad : {nan, inf, -inf}) {
    SCOPED_TRACE(bad);
    expect_refused([&] { c.execute(sqlcore::insert(*vals_).values({{"d", bad}})); }, "vals.d");
    expect_refused([&] { c.execute(sqlcore::update(*vals_).set({{"d", bad}})); }, "vals.d");
    expect_refused(
        [&] {
          c.execute(sqlcore::insert(*vals_).values({{"d", bindparam("x", types::Double)}}),
                    {{"x", bad}});
        },
        "vals.d");
    expect_refused(
        [&] {
          c.execute_many(sqlcore::insert(*vals_).values({{"d", bindparam("x", types::Double)}}),
                         {{{"x", 1.0}}, {{"x", bad}}});
        },
        "vals.d");
    expect_refused(
        [&] {
          c.execute(text("INSERT INTO vals (d) VALUES (:x)"), {{"x", bad}});
        },
        ":x");
    expect_refused(
        [&] {
          c.execute_many(text("INSERT INTO vals (d) VALUES (:x)"), {{{"x", 2.0}}, {{"x", bad}}});
        },
        ":x");
  }
  EXPECT_EQ(count(c, "vals"), before) << "a refused value leaves no row behind";
}

TEST_P(SchemaTypesTest, FloatsExactInSinglePrecision) {
  for (float v : {0.5f, -1.25f, 0.1f, 16777216.0f, std::numeric_limits<float>::max(),
                  std::numeric_limits<float>::min()}) {
    Value back = rt("f", v);
    EXPECT_EQ(back.kind(), Value::Kind::real);
    EXPECT_EQ(back.as<double>(), static_cast<double>(v)) << v;
  }
  // A double is rounded to single precision on the way in, the same on every backend.
  EXPECT_EQ(rt("f", 0.1).as<double>(), static_cast<double>(0.1f));
}

TEST_P(SchemaTypesTest, NumericKeepsEveryDigit) {
  for (const char* v : {"12345678901234567890.1234567891", "-12345678901234567890.1234567891",
                        "0.0000000001", "999999999999999999999999999999.9999999999"}) {
    Value back = rt("n40", Decimal{v});
    EXPECT_EQ(back.kind(), Value::Kind::decimal);
    EXPECT_VALUE_EQ(back, Value(Decimal{v}));
  }
  EXPECT_VALUE_EQ(rt("n40", Decimal{"1.5"}), Value(Decimal{"1.5000000000"}));
  EXPECT_VALUE_EQ(rt("n40", "7"), Value(Decimal{"7.0000000000"}));  // text is parsed
  struct Case {
    Value in;
    const char* out;
  };
  for (const Case& c :
       {Case{Decimal{"12.5"}, "12.50"}, Case{Decimal{"0.1"}, "0.10"},
        Case{Decimal{"-9999999999.99"}, "-9999999999.99"},
        Case{Decimal{"9999999999.99"}, "9999999999.99"}, Case{Decimal{"100"}, "100.00"},
        Case{Decimal{"0.005"}, "0.01"}, Case{Value(42), "42.00"}, Case{Value(0.25), "0.25"}}) {
    SCOPED_TRACE(c.in.debug_string());
    EXPECT_VALUE_EQ(rt("n12", c.in), Value(Decimal{c.out}));
  }
}

TEST_P(SchemaTypesTest, TextUnicodeAndEmptyIsNotNull) {
  const std::string unicode = "héllo wörld — 日本語 🎉 \t\n quotes ' \" ; -- /* */ :bind";
  EXPECT_VALUE_EQ(rt("tx", unicode), Value(unicode));
  EXPECT_VALUE_EQ(rt("s", unicode), Value(unicode));
  Value empty = rt("tx", "");
  EXPECT_FALSE(empty.is_null()) << "the empty string is not NULL";
  EXPECT_VALUE_EQ(empty, Value(""));
  EXPECT_FALSE(rt("s5", "").is_null());
  // String(5) counts characters, not bytes.
  EXPECT_VALUE_EQ(rt("s5", "héllo"), Value("héllo"));
  EXPECT_VALUE_EQ(rt("s5", "🎉🎉🎉🎉🎉"), Value("🎉🎉🎉🎉🎉"));
  std::string big(100000, 'x');
  EXPECT_VALUE_EQ(rt("s", big), Value(big));
}

TEST_P(SchemaTypesTest, DateTimesKeepMicrosecondsAndNormaliseOffsetsToUtc) {
  for (Timestamp t : {Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 999999),
                      Timestamp::from_civil(1900, 1, 1, 0, 0, 0, 1),
                      Timestamp::from_civil(1970, 1, 1, 0, 0, 0, 0),
                      Timestamp::from_civil(2038, 1, 19, 3, 14, 8, 123456),
                      Timestamp::from_civil(2262, 4, 11, 23, 47, 16, 854775),
                      Timestamp::from_civil(2024, 2, 29, 12, 0, 0, 0)}) {
    Value back = rt("ts", t);
    EXPECT_EQ(back.kind(), Value::Kind::timestamp) << t.to_iso8601();
    EXPECT_VALUE_EQ(back, Value(t));
  }
  EXPECT_VALUE_EQ(rt("ts", "2024-03-10T12:00:00.5+02:00"),
                  Value(Timestamp::from_civil(2024, 3, 10, 10, 0, 0, 500000)));
  EXPECT_VALUE_EQ(rt("ts", "1960-06-01 00:30:00-05:30"),
                  Value(Timestamp::from_civil(1960, 6, 1, 6, 0, 0, 0)));
}

TEST_P(SchemaTypesTest, DatesAndTimesOfDay) {
  for (Date d : {Date::from_civil(1969, 7, 20), Date::from_civil(2000, 2, 29),
                 Date::from_civil(1900, 1, 1), Date::from_civil(9999, 12, 31)}) {
    Value back = rt("dt", d);
    EXPECT_EQ(back.kind(), Value::Kind::date);
    EXPECT_VALUE_EQ(back, Value(d));
  }
  EXPECT_VALUE_EQ(rt("dt", "2024-02-29"), Value(Date::from_civil(2024, 2, 29)));
  for (TimeOfDay t : {TimeOfDay::from_civil(0, 0, 0, 0), TimeOfDay::from_civil(23, 59, 59, 999999),
                      TimeOfDay::from_civil(12, 30, 0, 1)}) {
    Value back = rt("tm", t);
    EXPECT_VALUE_EQ(back, Value(t));
    EXPECT_EQ(back.as<TimeOfDay>(), t);
  }
  EXPECT_EQ(rt("tm", "07:05").as<TimeOfDay>(), TimeOfDay::from_civil(7, 5));
}

TEST_P(SchemaTypesTest, JsonNestedUnicodeAndJsonNullIsNotSqlNull) {
  Json doc = {{"name", "Zoë 日本 🎉"},
              {"tags", {"a", "b"}},
              {"nested", {{"n", 1.5}, {"ok", true}, {"deep", {{"list", {1, nullptr, "x"}}}}}},
              {"empty", Json::object()}};
  Value back = rt("j", doc);
  EXPECT_EQ(back.kind(), Value::Kind::json);
  EXPECT_EQ(back.as<Json>(), doc);
  Value jnull = rt("j", Json(nullptr));
  EXPECT_FALSE(jnull.is_null()) << "JSON null is a value, not SQL NULL";
  EXPECT_TRUE(jnull.as<Json>().is_null());
  EXPECT_TRUE(rt("j", Value()).is_null());
  EXPECT_EQ(rt("j", Json::array({1, 2, 3})).as<Json>(), Json::array({1, 2, 3}));
  EXPECT_EQ(rt("j", Json(12)).as<Json>(), Json(12)) << "a bare number stays a JSON document";
  EXPECT_EQ(rt("j", "\"hello\"").as<Json>(), Json("hello")) << "a C++ string is JSON text";
  EXPECT_EQ(rt("j", "12").as<Json>(), Json(12)) << "a C++ string is JSON text";
  EXPECT_EQ(rt("j", Json("12")).as<Json>(), Json("12")) << "a JSON string is bound as a Json";
  EXPECT_THROW(rt("j", "hello"), DataError) << "text that is not JSON is refused";
  EXPECT_EQ(rt("j", true).as<Json>(), Json(true));
}

TEST_P(SchemaTypesTest, BinaryUuidAndEnum) {
  Blob b{0, 0, 1, 0, 255, 0};
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
  EXPECT_VALUE_EQ(rt("bl", b), Value(b));
  Value empty = rt("bl", Blob{});
  EXPECT_FALSE(empty.is_null());
  EXPECT_VALUE_EQ(empty, Value(Blob{}));

  for (Uuid u : {Uuid::random(), Uuid(), *Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff")}) {
    Value back = rt("u", u);
    EXPECT_VALUE_EQ(back, Value(u));
    EXPECT_EQ(back.as<Uuid>(), u);
  }
  EXPECT_VALUE_EQ(rt("u", "550E8400-E29B-41D4-A716-446655440000"),
                  Value("550e8400-e29b-41d4-a716-446655440000"));  // canonical lower case

  for (const char* e : {"draft", "published", "archived"}) EXPECT_VALUE_EQ(rt("e", e), Value(e));
}

// ---- 3. stored timestamps sort as time ------------------------------------------------------

TEST_P(SchemaTest, TimestampOrderIsTimeOrderIncludingServerDefault) {
  Table& ev = md_.add_table("events");
  ev.column("id", types::BigInteger).primary_key();
  ev.column("at", types::DateTime).server_default(now());
  ev.column("label", types::Text).nullable();
  md_.create_all(engine());
  auto c = engine().connect();
  const std::vector<Timestamp> given = {
      Timestamp::from_civil(2038, 1, 19, 3, 14, 8, 123456),
      Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 999999),
      Timestamp::from_civil(1970, 1, 1, 0, 0, 0, 0),
      Timestamp::from_civil(1970, 1, 1, 0, 0, 0, 1),
      Timestamp::from_civil(1900, 1, 1, 0, 0, 0, 0),
      Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 0),
      Timestamp::from_civil(2000, 1, 1, 0, 0, 0, 100000),
      Timestamp::from_civil(2000, 1, 1, 0, 0, 0, 99999),
      Timestamp::from_civil(9999, 12, 31, 23, 59, 59, 999999),
      Timestamp::from_civil(1000, 1, 1, 0, 0, 0, 0),
  };
  for (const Timestamp& t : given) insert(c, ev, {{"at", t}});
  insert(c, ev, {{"label", "server default"}});  // `at` left to now()

  std::vector<Timestamp> stored;
  for (auto& r : c.execute(text("SELECT " + q("at") + " FROM " + q("events"))).all())
    stored.push_back(ev.c("at").type().result(r["at"]).as<Timestamp>());
  ASSERT_EQ(stored.size(), given.size() + 1);
  std::sort(stored.begin(), stored.end());

  std::vector<Timestamp> ordered;
  for (auto& r :
       c.execute(text("SELECT " + q("at") + " FROM " + q("events") + " ORDER BY " + q("at")))
           .all()) {
    Value v = ev.c("at").type().result(r["at"]);
    ASSERT_EQ(v.kind(), Value::Kind::timestamp) << v.debug_string();
    ordered.push_back(v.as<Timestamp>());
  }
  EXPECT_EQ(ordered, stored) << "ORDER BY on the column is time order";
  for (const Timestamp& t : given)
    EXPECT_TRUE(std::find(stored.begin(), stored.end(), t) != stored.end()) << t.to_iso8601();

  if (stores_timestamps_as_text()) {
    for (auto& r : c.execute(text("SELECT typeof(" + q("at") + ") AS ty, length(" + q("at") +
                                  ") AS len, " + q("label") + " FROM " + q("events")))
                       .all()) {
      SCOPED_TRACE(r["label"].debug_string());
      EXPECT_EQ(r.get<std::string>("ty"), "text");
      EXPECT_EQ(r.get<std::int64_t>("len"), 26) << "fixed width, so text order is time order";
    }
  }
}

// ---- 6. values the types refuse --------------------------------------------------------------

TEST_P(SchemaTest, OutOfRangeAndInvalidValuesAreRefused) {
  Table& t = md_.add_table("t");
  t.column("id", types::BigInteger).primary_key();
  t.column("n", types::Integer).nullable();
  t.column("sn", types::SmallInteger).nullable();
  t.column("e", types::Enum({"red", "green"})).nullable();
  t.column("s", types::String(5)).nullable();
  t.column("j", types::Json).nullable();
  md_.create_all(engine());
  auto c = engine().connect();

  auto expect_data_error = [&](const std::string& col, const Value& v, const std::string& hidden) {
    SCOPED_TRACE(col + " <- " + v.debug_string());
    try {
      insert(c, t, {{col, v}});
      ADD_FAILURE() << "expected DataError";
    } catch (const DataError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("t." + col), std::string::npos) << m;
      if (!hidden.empty()) {
        EXPECT_EQ(m.find(hidden), std::string::npos) << "shows the value: " << m;
      }
    }
  };
  // Integer is 32-bit on every backend, checked when bound through the type.
  expect_data_error("n", std::int64_t{2147483648}, "2147483648");
  expect_data_error("n", std::int64_t{-2147483649}, "2147483649");
  expect_data_error("sn", 32768, "32768");
  expect_data_error("e", "blue", "blue");
  expect_data_error("s", "sixsix", "sixsix");
  expect_data_error("s", "héllos", "");
  EXPECT_EQ(count(c, q("t")), 0);
  EXPECT_NO_THROW(insert(c, t, {{"n", 2147483647}, {"sn", -32768}, {"s", "fivee"}}));

  const std::string ins = "INSERT INTO " + q("t") + " (";
  if (server_checks_integer_width()) {
    EXPECT_THROW(c.execute(text(ins + q("n") + ") VALUES (:v)"), {{"v", std::int64_t{1} << 31}}),
                 DataError);
  }
  // An Enum outside its set, bound raw: the CHECK constraint refuses it on every backend.
  try {
    c.execute(text(ins + q("e") + ") VALUES (:v)"), {{"v", "blue"}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
  }
  // Invalid JSON text bound raw: refused by the database (SQLite's json_valid CHECK, PostgreSQL's
  // JSON input) as a DataError, 22P02, on every backend.
  try {
    c.execute(text(ins + q("j") + ") VALUES (:v)"), {{"v", "{not json"}});
    ADD_FAILURE() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22P02") << e.what();
  }
  // Bound through the type, sqlcore refuses it before sending, naming the column.
  expect_data_error("j", "{not json", "{not");
  EXPECT_EQ(count(c, q("t")), 1);
}

SQLCORE_BACKEND_TEST_SUITE(SchemaTypesTest);

}  // namespace
}  // namespace sqlcore_test
