// Unit tests for Value (kinds, as<T>() conversions and their errors), Timestamp and Date.
#include "sqlcore/core/value.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/time.hpp"

namespace sqlcore {
namespace {

using Kind = Value::Kind;

// The message of the ArgumentError that `f` throws; fails the test when none is thrown.
template <class F>
std::string argument_error(F&& f) {
  try {
    f();
  } catch (const ArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ArgumentError";
  return {};
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- Kinds ----------------------------------------------------------------------------------

TEST(ValueKindTest, DefaultNullptrAndNulloptAreNull) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_TRUE(Value(std::nullopt).is_null());
  EXPECT_EQ(Value().kind(), Kind::null);
}

TEST(ValueKindTest, EachConstructorGivesItsKind) {
  EXPECT_EQ(Value(true).kind(), Kind::boolean);
  EXPECT_EQ(Value(42).kind(), Kind::integer);
  EXPECT_EQ(Value(42L).kind(), Kind::integer);
  EXPECT_EQ(Value(42LL).kind(), Kind::integer);
  EXPECT_EQ(Value(42U).kind(), Kind::integer);
  EXPECT_EQ(Value(42UL).kind(), Kind::integer);
  EXPECT_EQ(Value(42ULL).kind(), Kind::integer);
  EXPECT_EQ(Value(1.5).kind(), Kind::real);
  EXPECT_EQ(Value(1.5F).kind(), Kind::real);
  EXPECT_EQ(Value("x").kind(), Kind::text);
  EXPECT_EQ(Value(std::string("x")).kind(), Kind::text);
  EXPECT_EQ(Value(std::string_view("x")).kind(), Kind::text);
  EXPECT_EQ(Value(Blob{1, 2}).kind(), Kind::blob);
  EXPECT_EQ(Value(Timestamp::from_micros(0)).kind(), Kind::timestamp);
  EXPECT_EQ(Value(Date::from_civil(2024, 1, 2)).kind(), Kind::date);
  EXPECT_EQ(Value(Json{{"a", 1}}).kind(), Kind::json);
  EXPECT_EQ(Value(Decimal{"1.5"}).kind(), Kind::decimal);
}

TEST(ValueKindTest, OptionalIsNullWhenEmptyAndItsValueOtherwise) {
  EXPECT_TRUE(Value(std::optional<int>()).is_null());
  Value v(std::optional<int>(7));
  EXPECT_EQ(v.kind(), Kind::integer);
  EXPECT_EQ(v.int_unchecked(), 7);
  EXPECT_EQ(Value(std::optional<std::string>("s")).text_unchecked(), "s");
}

TEST(ValueKindTest, KindNamesAreHumanReadable) {
  EXPECT_STREQ(Value::kind_name(Kind::null), "NULL");
  EXPECT_STREQ(Value::kind_name(Kind::integer), "integer");
  EXPECT_STREQ(Value::kind_name(Kind::real), "double");
  EXPECT_STREQ(Value::kind_name(Kind::text), "text");
  EXPECT_STREQ(Value::kind_name(Kind::json), "json");
  EXPECT_STREQ(Value::kind_name(Kind::decimal), "decimal");
}

TEST(ValueKindTest, UnsignedThatFitsInt64IsAccepted) {
  auto max = static_cast<unsigned long>(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Value(max).int_unchecked(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Value(static_cast<unsigned long long>(max)).int_unchecked(),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Value(std::numeric_limits<unsigned>::max()).int_unchecked(), 4294967295LL);
}

TEST(ValueKindTest, UnsignedLongTooLargeForInt64Throws) {
  auto too_big = static_cast<unsigned long>(std::numeric_limits<std::int64_t>::max()) + 1UL;
  std::string msg = argument_error([&] { Value v(too_big); });
  EXPECT_TRUE(contains(msg, "does not fit a signed 64-bit integer")) << msg;
  EXPECT_THROW(static_cast<void>(Value(std::numeric_limits<unsigned long>::max())), ArgumentError);
  EXPECT_THROW(static_cast<void>(Value(std::numeric_limits<unsigned long long>::max())),
               ArgumentError);
}

// ---- as<T>() conversions --------------------------------------------------------------------

TEST(ValueAsTest, IntegerReadsAsEveryIntegerType) {
  Value v(42);
  EXPECT_EQ(v.as<std::int64_t>(), 42);
  EXPECT_EQ(v.as<int>(), 42);
  EXPECT_EQ(v.as<std::int16_t>(), 42);
  EXPECT_EQ(v.as<long>(), 42L);
  EXPECT_EQ(v.as<long long>(), 42LL);
}

TEST(ValueAsTest, IntegerWidensToDouble) {
  EXPECT_DOUBLE_EQ(Value(42).as<double>(), 42.0);
  EXPECT_FLOAT_EQ(Value(-3).as<float>(), -3.0F);
}

TEST(ValueAsTest, RealReadsAsDoubleAndFloat) {
  EXPECT_DOUBLE_EQ(Value(2.5).as<double>(), 2.5);
  EXPECT_FLOAT_EQ(Value(2.5).as<float>(), 2.5F);
}

TEST(ValueAsTest, RealDoesNotReadAsInteger) {
  std::string msg = argument_error([] { Value(2.5).as<std::int64_t>("price"); });
  EXPECT_TRUE(contains(msg, "column 'price'")) << msg;
  EXPECT_TRUE(contains(msg, "double")) << msg;
  EXPECT_TRUE(contains(msg, "int64")) << msg;
}

TEST(ValueAsTest, IntNarrowingOutOfRangeThrowsNamingTheColumn) {
  Value big(std::int64_t{1} << 40);
  std::string msg = argument_error([&] { big.as<int>("count"); });
  EXPECT_TRUE(contains(msg, "column 'count'")) << msg;
  EXPECT_TRUE(contains(msg, "out of range for int")) << msg;
  EXPECT_THROW(Value(std::int64_t{std::numeric_limits<int>::min()} - 1).as<int>(), ArgumentError);
}

TEST(ValueAsTest, IntNarrowingAtTheLimitsSucceeds) {
  EXPECT_EQ(Value(std::numeric_limits<int>::max()).as<int>(), std::numeric_limits<int>::max());
  EXPECT_EQ(Value(std::numeric_limits<int>::min()).as<int>(), std::numeric_limits<int>::min());
  EXPECT_EQ(Value(-32768).as<std::int16_t>(), -32768);
  EXPECT_EQ(Value(32767).as<std::int16_t>(), 32767);
}

TEST(ValueAsTest, Int16NarrowingOutOfRangeThrows) {
  std::string msg = argument_error([] { Value(32768).as<std::int16_t>("small"); });
  EXPECT_TRUE(contains(msg, "column 'small'")) << msg;
  EXPECT_TRUE(contains(msg, "int16")) << msg;
  EXPECT_THROW(Value(-32769).as<std::int16_t>(), ArgumentError);
}

TEST(ValueAsTest, BoolReadsAsBoolAndAsZeroOrOne) {
  EXPECT_TRUE(Value(true).as<bool>());
  EXPECT_FALSE(Value(false).as<bool>());
  EXPECT_EQ(Value(true).as<std::int64_t>(), 1);
  EXPECT_EQ(Value(false).as<int>(), 0);
}

TEST(ValueAsTest, IntegerZeroAndOneReadAsBool) {
  EXPECT_TRUE(Value(1).as<bool>());
  EXPECT_FALSE(Value(0).as<bool>());
}

TEST(ValueAsTest, OtherIntegersDoNotReadAsBool) {
  std::string msg = argument_error([] { Value(2).as<bool>("flag"); });
  EXPECT_TRUE(contains(msg, "column 'flag'")) << msg;
  EXPECT_TRUE(contains(msg, "integer")) << msg;
  EXPECT_TRUE(contains(msg, "bool")) << msg;
  EXPECT_THROW(Value(-1).as<bool>(), ArgumentError);
  EXPECT_THROW(Value("true").as<bool>(), ArgumentError);
  EXPECT_THROW(Value(1.0).as<bool>(), ArgumentError);
}

TEST(ValueAsTest, TextReadsAsStringOnly) {
  EXPECT_EQ(Value("hello").as<std::string>(), "hello");
  EXPECT_THROW(Value("42").as<std::int64_t>(), ArgumentError);
  EXPECT_THROW(Value("4.2").as<double>(), ArgumentError);
  EXPECT_THROW(Value("ab").as<Blob>(), ArgumentError);
}

TEST(ValueAsTest, MismatchMessageNamesTheColumnAndBothTypes) {
  std::string msg = argument_error([] { Value("abc").as<std::int64_t>("age"); });
  EXPECT_EQ(msg, "column 'age': cannot read a value of type text as int64");
  msg = argument_error([] { Value(5).as<std::string>("name"); });
  EXPECT_TRUE(contains(msg, "column 'name'")) << msg;
  EXPECT_TRUE(contains(msg, "integer")) << msg;
  EXPECT_TRUE(contains(msg, "string")) << msg;
}

TEST(ValueAsTest, MismatchMessageWithoutAColumnNameHasNoColumnPrefix) {
  std::string msg = argument_error([] { Value(Blob{1}).as<std::string>(); });
  EXPECT_FALSE(contains(msg, "column")) << msg;
  EXPECT_TRUE(contains(msg, "blob")) << msg;
}

TEST(ValueAsTest, MismatchMessageNeverShowsTheValue) {
  std::string msg = argument_error([] { Value("top-secret-value").as<int>("c"); });
  EXPECT_FALSE(contains(msg, "top-secret-value")) << msg;
}

TEST(ValueAsTest, BlobReadsAsBlob) {
  EXPECT_EQ(Value(Blob{0, 255, 7}).as<Blob>(), (Blob{0, 255, 7}));
  EXPECT_THROW(Value(Blob{}).as<std::string>(), ArgumentError);
}

TEST(ValueAsTest, NullReadsAsEmptyOptional) {
  EXPECT_EQ(Value().as<std::optional<int>>(), std::nullopt);
  EXPECT_EQ(Value().as<std::optional<std::string>>(), std::nullopt);
  EXPECT_EQ(Value().as<std::optional<Timestamp>>(), std::nullopt);
  EXPECT_FALSE(Value().as<std::optional<Json>>().has_value());
}

TEST(ValueAsTest, NonNullReadsAsFilledOptional) {
  EXPECT_EQ(Value(5).as<std::optional<int>>(), 5);
  EXPECT_EQ(Value("s").as<std::optional<std::string>>(), "s");
}

TEST(ValueAsTest, OptionalStillChecksTheType) {
  std::string msg = argument_error([] { Value("x").as<std::optional<int>>("qty"); });
  EXPECT_TRUE(contains(msg, "column 'qty'")) << msg;
}

TEST(ValueAsTest, NullAsNonOptionalThrowsSuggestingOptional) {
  std::string msg = argument_error([] { Value().as<int>("score"); });
  EXPECT_TRUE(contains(msg, "column 'score'")) << msg;
  EXPECT_TRUE(contains(msg, "NULL")) << msg;
  EXPECT_TRUE(contains(msg, "std::optional")) << msg;
  EXPECT_THROW(Value().as<std::string>(), ArgumentError);
  EXPECT_THROW(Value().as<bool>(), ArgumentError);
  EXPECT_THROW(Value().as<Json>(), ArgumentError);
}

TEST(ValueAsTest, DecimalReadsAsItsExactText) {
  EXPECT_EQ(Value(Decimal{"12345678901234567890.123456789"}).as<std::string>(),
            "12345678901234567890.123456789");
  EXPECT_EQ(Value(Decimal{"1.50"}).as<Decimal>(), Decimal{"1.50"});
}

TEST(ValueAsTest, DecimalReadsAsDouble) {
  EXPECT_DOUBLE_EQ(Value(Decimal{"123.45"}).as<double>(), 123.45);
  EXPECT_DOUBLE_EQ(Value(Decimal{"-1e3"}).as<double>(), -1000.0);
  EXPECT_TRUE(std::isnan(Value(Decimal{"NaN"}).as<double>()));
  EXPECT_THROW(Value(Decimal{"12abc"}).as<double>("d"), ArgumentError);
}

TEST(ValueAsTest, IntegralDecimalReadsAsInt64) {
  EXPECT_EQ(Value(Decimal{"-42"}).as<std::int64_t>(), -42);
  EXPECT_EQ(Value(Decimal{"9223372036854775807"}).as<std::int64_t>(),
            std::numeric_limits<std::int64_t>::max());
}

TEST(ValueAsTest, FractionalOrHugeDecimalDoesNotReadAsInt64) {
  std::string msg = argument_error([] { Value(Decimal{"1.5"}).as<std::int64_t>("amount"); });
  EXPECT_EQ(msg, "column 'amount': cannot read a value of type decimal as int64");
  EXPECT_THROW(Value(Decimal{"9223372036854775808"}).as<std::int64_t>(), ArgumentError);
  EXPECT_THROW(Value(Decimal{"NaN"}).as<std::int64_t>(), ArgumentError);
}

TEST(ValueAsTest, IntegerAndTextReadAsDecimal) {
  EXPECT_EQ(Value(-7).as<Decimal>(), Decimal{"-7"});
  EXPECT_EQ(Value("3.14").as<Decimal>(), Decimal{"3.14"});
  EXPECT_THROW(Value(3.14).as<Decimal>(), ArgumentError);
}

TEST(ValueAsTest, TimestampReadsFromItselfAndFromCanonicalText) {
  Timestamp t = Timestamp::from_civil(2024, 1, 2, 3, 4, 5, 6);
  EXPECT_EQ(Value(t).as<Timestamp>(), t);
  EXPECT_EQ(Value("2024-01-02 03:04:05.000006").as<Timestamp>(), t);
  EXPECT_EQ(Value("2024-01-02T03:04:05.000006Z").as<Timestamp>(), t);
}

TEST(ValueAsTest, TimestampFromBadTextThrows) {
  std::string msg = argument_error([] { Value("yesterday").as<Timestamp>("created_at"); });
  EXPECT_EQ(msg, "column 'created_at': cannot read a value of type text as Timestamp");
  EXPECT_THROW(Value(0).as<Timestamp>(), ArgumentError);
}

TEST(ValueAsTest, DateReadsFromItselfAndFromCanonicalText) {
  Date d = Date::from_civil(2024, 2, 29);
  EXPECT_EQ(Value(d).as<Date>(), d);
  EXPECT_EQ(Value("2024-02-29").as<Date>(), d);
  EXPECT_THROW(Value("2024-02-29 00:00:00").as<Date>("day"), ArgumentError);
  EXPECT_THROW(Value("2023-02-29").as<Date>(), ArgumentError);
}

TEST(ValueAsTest, TimestampIsNotReadAsDateOrTheReverse) {
  EXPECT_THROW(Value(Timestamp::from_micros(0)).as<Date>(), ArgumentError);
  EXPECT_THROW(Value(Date::from_civil(2024, 1, 1)).as<Timestamp>(), ArgumentError);
}

TEST(ValueAsTest, JsonReadsFromItselfAndFromText) {
  Json doc = {{"a", 1}, {"b", {true, nullptr}}};
  // Compared with EXPECT_TRUE: GoogleTest would print a Json as a container, endlessly.
  EXPECT_TRUE(Value(doc).as<Json>() == doc);
  EXPECT_TRUE(Value(R"({"a": 1, "b": [true, null]})").as<Json>() == doc);
  EXPECT_TRUE(Value("[1,2]").as<Json>() == Json::array({1, 2}));
}

TEST(ValueAsTest, InvalidJsonTextThrows) {
  std::string msg = argument_error([] { Value("{not json").as<Json>("doc"); });
  EXPECT_EQ(msg, "column 'doc': cannot read a value of type text as Json");
  EXPECT_THROW(Value(1).as<Json>(), ArgumentError);
}

TEST(ValueAsTest, JsonNullIsNotSqlNull) {
  Value json_null(Json(nullptr));
  EXPECT_EQ(json_null.kind(), Kind::json);
  EXPECT_FALSE(json_null.is_null());
  auto read = json_null.as<std::optional<Json>>();
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->is_null());
  EXPECT_NE(json_null, Value());
}

TEST(ValueAsTest, JsonNullTextReadsAsJsonNull) {
  EXPECT_TRUE(Value("null").as<Json>().is_null());
}

TEST(ValueAsTest, AsValueReturnsAnEqualCopy) {
  Value v("x");
  EXPECT_EQ(v.as<Value>(), v);
  EXPECT_EQ(Value().as<Value>(), Value());
}

// ---- Equality -------------------------------------------------------------------------------

TEST(ValueEqualityTest, SameKindAndValueAreEqual) {
  EXPECT_EQ(Value(), Value(nullptr));
  EXPECT_EQ(Value(1), Value(1L));
  EXPECT_EQ(Value("a"), Value(std::string("a")));
  EXPECT_EQ(Value(Blob{1, 2}), Value(Blob{1, 2}));
  EXPECT_EQ(Value(Decimal{"1.0"}), Value(Decimal{"1.0"}));
  EXPECT_EQ(Value(Timestamp::from_micros(5)), Value(Timestamp::from_micros(5)));
}

TEST(ValueEqualityTest, DifferentKindsAreNeverEqual) {
  EXPECT_NE(Value(1), Value(true));
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_NE(Value(1), Value("1"));
  EXPECT_NE(Value(1), Value(Decimal{"1"}));
  EXPECT_NE(Value(), Value(0));
  EXPECT_NE(Value(""), Value());
}

TEST(ValueEqualityTest, DifferentValuesAreNotEqual) {
  EXPECT_NE(Value(1), Value(2));
  EXPECT_NE(Value("a"), Value("b"));
  EXPECT_NE(Value(Decimal{"1.0"}), Value(Decimal{"1.00"}));  // text, not numeric, equality
}

TEST(ValueEqualityTest, JsonComparesByContentNotByIdentity) {
  EXPECT_EQ(Value(Json{{"a", 1}}), Value(Json{{"a", 1}}));
  EXPECT_NE(Value(Json{{"a", 1}}), Value(Json{{"a", 2}}));
  Value original(Json{{"k", "v"}});
  Value copy = original;
  EXPECT_EQ(copy, original);
}

// ---- Timestamp ------------------------------------------------------------------------------

Timestamp civil(int y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0, unsigned s = 0,
                unsigned us = 0) {
  return Timestamp::from_civil(y, mo, d, h, mi, s, us);
}

TEST(TimestampTest, ToStringIsFixedWidthWithMicroseconds) {
  EXPECT_EQ(Timestamp::from_micros(0).to_string(), "1970-01-01 00:00:00.000000");
  std::string s = civil(2024, 1, 2, 3, 4, 5, 6).to_string();
  EXPECT_EQ(s, "2024-01-02 03:04:05.000006");
  EXPECT_EQ(s.size(), 26u);
  EXPECT_EQ(civil(9999, 12, 31, 23, 59, 59, 999999).to_string(), "9999-12-31 23:59:59.999999");
  EXPECT_EQ(civil(1, 1, 1).to_string(), "0001-01-01 00:00:00.000000");
}

TEST(TimestampTest, ToIso8601UsesTAndZ) {
  EXPECT_EQ(civil(2024, 1, 2, 3, 4, 5, 123456).to_iso8601(), "2024-01-02T03:04:05.123456Z");
}

TEST(TimestampTest, FromCivilCountsMicrosecondsSinceTheEpoch) {
  EXPECT_EQ(civil(1970, 1, 1).micros(), 0);
  EXPECT_EQ(civil(1970, 1, 1, 0, 0, 1, 1).micros(), 1000001);
  EXPECT_EQ(civil(1969, 12, 31, 23, 59, 59, 999999).micros(), -1);
}

TEST(TimestampTest, FromCivilAcceptsALeapDay) {
  EXPECT_EQ(civil(2024, 2, 29).to_string(), "2024-02-29 00:00:00.000000");
  EXPECT_EQ(civil(2000, 2, 29).to_string(), "2000-02-29 00:00:00.000000");
}

TEST(TimestampTest, FromCivilRejectsInvalidFields) {
  EXPECT_THROW(civil(2024, 13, 1), ArgumentError);
  EXPECT_THROW(civil(2024, 0, 1), ArgumentError);
  EXPECT_THROW(civil(2024, 1, 0), ArgumentError);
  EXPECT_THROW(civil(2024, 1, 32), ArgumentError);
  EXPECT_THROW(civil(2024, 2, 30), ArgumentError);
  EXPECT_THROW(civil(2023, 2, 29), ArgumentError);
  EXPECT_THROW(civil(1900, 2, 29), ArgumentError);
  EXPECT_THROW(civil(2024, 1, 1, 24), ArgumentError);
  EXPECT_THROW(civil(2024, 1, 1, 0, 60), ArgumentError);
  EXPECT_THROW(civil(2024, 1, 1, 0, 0, 60), ArgumentError);
  EXPECT_THROW(civil(2024, 1, 1, 0, 0, 0, 1000000), ArgumentError);
}

TEST(TimestampTest, FromCivilRejectsAYearOutsideTheCalendarRange) {
  // std::chrono::year holds -32767..32767; a larger int must not wrap around to a valid year.
  EXPECT_THROW(civil(65536 + 2024, 1, 1), ArgumentError);
  EXPECT_THROW(civil(-65536 + 2024, 1, 1), ArgumentError);
}

TEST(TimestampTest, FromTruncatesFinerPrecisionTowardThePast) {
  using std::chrono::nanoseconds;
  using std::chrono::sys_time;
  EXPECT_EQ(Timestamp::from(sys_time<nanoseconds>(nanoseconds(1999))).micros(), 1);
  EXPECT_EQ(Timestamp::from(sys_time<nanoseconds>(nanoseconds(-1))).micros(), -1);
}

TEST(TimestampTest, NowIsAfter2020) {
  EXPECT_GT(Timestamp::now(), civil(2020, 1, 1));
}

TEST(TimestampParseTest, SpaceSeparatedWithoutOffsetIsUtc) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05"), civil(2024, 1, 2, 3, 4, 5));
}

TEST(TimestampParseTest, IsoFormWithZIsUtc) {
  EXPECT_EQ(Timestamp::parse("2024-01-02T03:04:05Z"), civil(2024, 1, 2, 3, 4, 5));
  EXPECT_EQ(Timestamp::parse("2024-01-02t03:04:05z"), civil(2024, 1, 2, 3, 4, 5));
}

TEST(TimestampParseTest, SecondsAreOptional) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04"), civil(2024, 1, 2, 3, 4));
  EXPECT_EQ(Timestamp::parse("2024-01-02T03:04Z"), civil(2024, 1, 2, 3, 4));
}

TEST(TimestampParseTest, FractionsOfOneToSixDigitsAreScaledToMicroseconds) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.1"), civil(2024, 1, 2, 3, 4, 5, 100000));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.12"), civil(2024, 1, 2, 3, 4, 5, 120000));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.123"), civil(2024, 1, 2, 3, 4, 5, 123000));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.1234"), civil(2024, 1, 2, 3, 4, 5, 123400));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.12345"), civil(2024, 1, 2, 3, 4, 5, 123450));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.123456"), civil(2024, 1, 2, 3, 4, 5, 123456));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.000001"), civil(2024, 1, 2, 3, 4, 5, 1));
}

TEST(TimestampParseTest, FractionDigitsBeyondSixAreTruncated) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.1234567"), civil(2024, 1, 2, 3, 4, 5, 123456));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.12345678"), civil(2024, 1, 2, 3, 4, 5, 123456));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.999999999"), civil(2024, 1, 2, 3, 4, 5, 999999));
}

TEST(TimestampParseTest, CommaIsAcceptedAsTheDecimalSeparator) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05,5"), civil(2024, 1, 2, 3, 4, 5, 500000));
}

TEST(TimestampParseTest, OffsetWithColonIsNormalisedToUtc) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05+05:30"), civil(2024, 1, 1, 21, 34, 5));
}

TEST(TimestampParseTest, NegativeOffsetWithoutColonIsNormalisedToUtc) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05-0800"), civil(2024, 1, 2, 11, 4, 5));
}

TEST(TimestampParseTest, HoursOnlyOffsetIsNormalisedToUtc) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05+02"), civil(2024, 1, 2, 1, 4, 5));
  EXPECT_EQ(Timestamp::parse("2024-01-02T03:04:05-02"), civil(2024, 1, 2, 5, 4, 5));
}

TEST(TimestampParseTest, PostgresqlTimestamptzOutputIsParsed) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05.123456+00"), civil(2024, 1, 2, 3, 4, 5, 123456));
  EXPECT_EQ(Timestamp::parse("1901-12-13 20:45:52+00:19:32"), civil(1901, 12, 13, 20, 26, 20));
}

TEST(TimestampParseTest, OffsetMayFollowASpace) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05 +01:00"), civil(2024, 1, 2, 2, 4, 5));
  EXPECT_EQ(Timestamp::parse("2024-01-02 03:04:05 Z"), civil(2024, 1, 2, 3, 4, 5));
}

TEST(TimestampParseTest, OffsetCanCrossAYearBoundary) {
  EXPECT_EQ(Timestamp::parse("2023-12-31 23:30:00-01:00"), civil(2024, 1, 1, 0, 30));
  EXPECT_EQ(Timestamp::parse("2024-01-01 00:30:00+01:00"), civil(2023, 12, 31, 23, 30));
}

TEST(TimestampParseTest, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(Timestamp::parse("2024-01-02"), civil(2024, 1, 2));
}

TEST(TimestampParseTest, LeapSecondStaysInsideItsMinute) {
  EXPECT_EQ(Timestamp::parse("2016-12-31 23:59:60"), civil(2016, 12, 31, 23, 59, 59));
}

TEST(TimestampParseTest, MidnightAtTheEndOfTheDayIsTheNextDay) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 24:00:00"), civil(2024, 1, 3));
}

TEST(TimestampParseTest, HourTwentyFourWithMinutesIsRejected) {
  EXPECT_EQ(Timestamp::parse("2024-01-02 24:30:00"), std::nullopt);
  EXPECT_EQ(Timestamp::parse("2024-01-02 24:00:01"), std::nullopt);
  EXPECT_EQ(Timestamp::parse("2024-01-02 24:00:00.5"), std::nullopt);
}

TEST(TimestampParseTest, ToStringOutputParsesBackToTheSameTimestamp) {
  Timestamp t = civil(2024, 6, 7, 8, 9, 10, 111213);
  EXPECT_EQ(Timestamp::parse(t.to_string()), t);
  EXPECT_EQ(Timestamp::parse(t.to_iso8601()), t);
}

TEST(TimestampParseTest, RejectsGarbage) {
  for (const char* s : {
           "",
           "abc",
           "2024-13-01",
           "2024-00-10",
           "2024-02-30",
           "2023-02-29",
           "2024-01-32",
           "2024-01-02X03:04",
           "2024-1-2",
           "20240102",
           "2024/01/02",
           "2024-01-02 ",
           "2024-01-02 3:04",
           "2024-01-02 03",
           "2024-01-02 03:4",
           "2024-01-02 25:00:00",
           "2024-01-02 03:60:00",
           "2024-01-02 03:04:61",
           "2024-01-02 03:04:05.",
           "2024-01-02 03:04:05.x",
           "2024-01-02 03:04:05+",
           "2024-01-02 03:04:05+5",
           "2024-01-02 03:04:05+05:3",
           "2024-01-02 03:04:05+16:00",
           "2024-01-02 03:04:05+05:60",
           "2024-01-02 03:04:05Zx",
           "2024-01-02 03:04:05 UTC",
           "2024-01-02 03:04:05abc",
       }) {
    EXPECT_EQ(Timestamp::parse(s), std::nullopt) << "'" << s << "'";
  }
}

TEST(TimestampParseTest, Before1970RoundTripsThroughText) {
  for (Timestamp t : {civil(1900, 1, 1), civil(1900, 1, 1, 0, 0, 0, 1),
                      civil(1969, 12, 31, 23, 59, 59, 999999), Timestamp::from_micros(-1),
                      civil(1, 1, 1, 12, 0, 0, 500000), civil(1582, 10, 15, 1, 2, 3, 4)}) {
    std::string s = t.to_string();
    EXPECT_EQ(s.size(), 26u) << s;
    EXPECT_EQ(Timestamp::parse(s), t) << s;
  }
  EXPECT_EQ(Timestamp::from_micros(-1).to_string(), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(civil(1900, 1, 1, 0, 0, 0, 1).to_string(), "1900-01-01 00:00:00.000001");
}

TEST(TimestampParseTest, After2038RoundTripsThroughText) {
  for (Timestamp t : {civil(2038, 1, 19, 3, 14, 7), civil(2038, 1, 19, 3, 14, 8),
                      civil(2100, 12, 31, 23, 59, 59, 999999), civil(2262, 4, 12),
                      civil(9999, 12, 31, 23, 59, 59, 999999)}) {
    std::string s = t.to_string();
    EXPECT_EQ(s.size(), 26u) << s;
    EXPECT_EQ(Timestamp::parse(s), t) << s;
  }
  EXPECT_EQ(civil(2038, 1, 19, 3, 14, 8).to_string(), "2038-01-19 03:14:08.000000");
}

TEST(TimestampTest, TextOrderIsTimeOrder) {
  // Sorted by time, spanning 1900..2100, with neighbours that differ by one microsecond.
  std::vector<Timestamp> sorted = {
      civil(1900, 1, 1),
      civil(1900, 1, 1, 0, 0, 0, 1),
      civil(1909, 12, 31, 23, 59, 59, 999999),
      civil(1910, 1, 1),
      civil(1969, 12, 31, 23, 59, 59, 999998),
      civil(1969, 12, 31, 23, 59, 59, 999999),
      civil(1970, 1, 1),
      civil(1970, 1, 1, 0, 0, 0, 1),
      civil(1999, 9, 9, 9, 9, 9, 9),
      civil(1999, 9, 9, 9, 9, 9, 10),
      civil(1999, 9, 9, 9, 9, 10),
      civil(2000, 1, 1),
      civil(2024, 2, 29, 12),
      civil(2024, 10, 1),
      civil(2038, 1, 19, 3, 14, 7, 999999),
      civil(2038, 1, 19, 3, 14, 8),
      civil(2099, 12, 31, 23, 59, 59, 999999),
      civil(2100, 1, 1),
      civil(2100, 12, 31, 23, 59, 59, 999999),
  };
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    ASSERT_LT(sorted[i - 1], sorted[i]) << "test data not sorted at " << i;
    EXPECT_LT(sorted[i - 1].to_string(), sorted[i].to_string());
    EXPECT_LT(sorted[i - 1].to_iso8601(), sorted[i].to_iso8601());
  }
}

// ---- Date -----------------------------------------------------------------------------------

TEST(DateTest, FromCivilExposesItsFields) {
  Date d = Date::from_civil(2024, 2, 29);
  EXPECT_EQ(d.year(), 2024);
  EXPECT_EQ(d.month(), 2u);
  EXPECT_EQ(d.day(), 29u);
  EXPECT_EQ(d.to_string(), "2024-02-29");
}

TEST(DateTest, FromCivilRejectsDaysThatDoNotExist) {
  EXPECT_THROW(Date::from_civil(2023, 2, 29), ArgumentError);
  EXPECT_THROW(Date::from_civil(2024, 4, 31), ArgumentError);
  EXPECT_THROW(Date::from_civil(2024, 0, 1), ArgumentError);
  EXPECT_THROW(Date::from_civil(2024, 13, 1), ArgumentError);
  EXPECT_THROW(Date::from_civil(2024, 1, 0), ArgumentError);
}

TEST(DateTest, ToStringIsZeroPadded) {
  EXPECT_EQ(Date::from_civil(5, 1, 2).to_string(), "0005-01-02");
  EXPECT_EQ(Date::from_civil(1969, 12, 31).to_string(), "1969-12-31");
  EXPECT_EQ(Date().to_string(), "1970-01-01");
}

TEST(DateTest, ParseReadsCanonicalText) {
  EXPECT_EQ(Date::parse("2024-01-02"), Date::from_civil(2024, 1, 2));
  EXPECT_EQ(Date::parse("1899-12-31"), Date::from_civil(1899, 12, 31));
  EXPECT_EQ(Date::parse("0000-01-01"), Date::from_civil(0, 1, 1));
}

TEST(DateTest, ParseRejectsAnythingButADate) {
  for (const char* s : {"", "abc", "2024-01-02 03:04", "2024-01-02T00:00:00Z", "2024-13-01",
                        "2024-02-30", "2024-1-02", "2024-01-2", "20240102", "2024-01-02 "}) {
    EXPECT_EQ(Date::parse(s), std::nullopt) << "'" << s << "'";
  }
}

TEST(DateTest, ToStringAndParseRoundTrip) {
  for (Date d : {Date::from_civil(1, 1, 1), Date::from_civil(1900, 3, 1),
                 Date::from_civil(2038, 1, 20), Date::from_civil(9999, 12, 31)}) {
    EXPECT_EQ(Date::parse(d.to_string()), d) << d.to_string();
  }
}

TEST(DateTest, OrderFollowsTheCalendar) {
  EXPECT_LT(Date::from_civil(1969, 12, 31), Date::from_civil(1970, 1, 1));
  EXPECT_LT(Date::from_civil(2024, 1, 31), Date::from_civil(2024, 2, 1));
}

}  // namespace
}  // namespace sqlcore

namespace {

TEST(ValueAssignment, PlainAssignmentsSetKindAndValue) {
  sqlcore::Value v;
  v = 5;
  EXPECT_EQ(v.kind(), sqlcore::Value::Kind::integer);
  v = std::string("a fairly long string that does not fit inline");
  EXPECT_EQ(v.as<std::string>(), "a fairly long string that does not fit inline");
  v = std::string_view("short");
  EXPECT_EQ(v.as<std::string>(), "short");
  v = "literal";
  EXPECT_EQ(v.as<std::string>(), "literal");
  v = 2.5;
  EXPECT_EQ(v.as<double>(), 2.5);
  v = true;
  EXPECT_EQ(v.kind(), sqlcore::Value::Kind::boolean);
  v = 7u;
  EXPECT_EQ(v.as<std::int64_t>(), 7);
  v = nullptr;
  EXPECT_TRUE(v.is_null());
  v = std::int64_t{1} << 40;
  EXPECT_EQ(v.as<std::int64_t>(), std::int64_t{1} << 40);
  EXPECT_THROW(v = static_cast<unsigned long>(-1), sqlcore::ArgumentError);
}

}  // namespace

namespace sqlcore {
namespace {

// take<T>(): as<T>() that moves text, blobs and unshared JSON documents out.
TEST(ValueTakeTest, MovesTextBlobsAndUnsharedJson) {
  const std::string big(100000, 'x');
  Value text(big);
  const char* p = text.text_unchecked().data();
  const std::string s = text.take<std::string>();
  EXPECT_EQ(s.data(), p);
  EXPECT_TRUE(text.is_null());

  Value blob(Blob(1000, 7));
  const auto* b = blob.blob_unchecked().data();
  EXPECT_EQ(blob.take<std::optional<Blob>>()->data(), b);
  EXPECT_TRUE(blob.is_null());
  EXPECT_EQ(blob.take<std::optional<std::string>>(), std::nullopt);

  Value doc(Json{{"log", big}});
  const char* in_doc = doc.json_unchecked()["log"].get_ref<const std::string&>().data();
  const Json taken = doc.take<Json>();
  EXPECT_EQ(taken["log"].get_ref<const std::string&>().data(), in_doc);
  EXPECT_TRUE(doc.is_null());
}

TEST(ValueTakeTest, CopiesWhatItCannotMove) {
  Value doc(Json{{"a", 1}});
  const Value shared = doc;  // shares the document
  EXPECT_EQ(doc.take<Json>(), (Json{{"a", 1}}));
  EXPECT_EQ(shared.as<Json>(), (Json{{"a", 1}})) << "a shared document is copied, not moved";
  Value n(42);
  EXPECT_EQ(n.take<std::int64_t>(), 42);
  EXPECT_EQ(n.as<std::int64_t>(), 42) << "other kinds are converted, not moved";
  Value t("7");
  EXPECT_THROW(t.take<std::int64_t>(), ArgumentError);
}

}  // namespace
}  // namespace sqlcore
