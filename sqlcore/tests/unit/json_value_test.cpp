// Unit tests for json values read as text: the scan that checks JSON text without parsing it
// (it must accept exactly what nlohmann's parser accepts, since a value it passes is parsed later,
// lazily), the lazy Value (text kept, parsed once on first use, shared by copies and safe to read
// from several threads), and the rule for a string bound to a Json column.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/json_text.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/types.hpp"

namespace sqlcore {
namespace {

using detail::JsonTextVerdict;
using detail::scan_json_text;

bool nlohmann_accepts(std::string_view text) {
  return !Json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
}

// The sqlstate of the DataError `f` throws; fails the test when none is thrown.
template <class F>
std::string data_error_state(F&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const DataError& e) {
    if (message != nullptr) *message = e.what();
    return e.sqlstate();
  }
  ADD_FAILURE() << "expected DataError";
  return {};
}

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

Value json_from_text(std::string text) {
  Value v(std::move(text));
  EXPECT_TRUE(v.text_to_json("t.j"));
  return v;
}

// ---- the scan -------------------------------------------------------------------------------

TEST(JsonTextScanTest, AcceptsWhatTheParserAccepts) {
  for (const char* text : {"0",
                           "-0",
                           "1",
                           "-1.5e+10",
                           "1E-7",
                           "0.0",
                           "123456789012345678901234567890",
                           "true",
                           "false",
                           "null",
                           "\"\"",
                           "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
                           "\"\\u00e9\\uD83D\\uDE00\"",
                           "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
                           "[]",
                           "{}",
                           " [ 1 , 2 ] ",
                           "\t\n\r{}\n",
                           R"({"a":{"b":[1,{"c":null}]},"d":""})",
                           "1.7976931348623157e308",
                           "-1e308",
                           "1e-400",
                           "0e999999999999",
                           "[[[]]]",
                           R"({"":[]})"}) {
    EXPECT_TRUE(nlohmann_accepts(text)) << text;
    EXPECT_EQ(scan_json_text(text).verdict, JsonTextVerdict::ok) << text;
  }
}

TEST(JsonTextScanTest, RefusesWhatTheParserRefuses) {
  for (std::string_view text : {"",
                                " ",
                                "{",
                                "[",
                                "]",
                                "[1,]",
                                "[,1]",
                                "{\"a\"}",
                                "{\"a\":}",
                                "{\"a\":1,}",
                                "{1:2}",
                                "01",
                                "1.",
                                ".5",
                                "-",
                                "+1",
                                "1e",
                                "1e+",
                                "0x10",
                                "NaN",
                                "Infinity",
                                "tru",
                                "nul",
                                "truex",
                                "[1 2]",
                                "1 2",
                                "'a'",
                                "\"a",
                                "\"\\x\"",
                                "\"\\u12\"",
                                "\"\\uD800\"",
                                "\"\\uDC00\"",
                                "\"\\uD800\\u0041\"",
                                "\"\\uD800x\"",
                                "\"tab\there\"",
                                "\"\xff\"",
                                "\"\xc0\x80\"",
                                "\"\xed\xa0\x80\"",
                                "\"\xf4\x90\x80\x80\"",
                                "\"\xe2\x82\"",
                                "/**/1",
                                "1e400",
                                "-2e308",
                                "1.8e308",
                                "[1]]",
                                "{\"a\":1}}",
                                "\xef\xbb\xbf{}"}) {
    EXPECT_EQ(scan_json_text(text).verdict, JsonTextVerdict::not_json) << text;
    if (!text.starts_with("\xef\xbb\xbf")) {
      EXPECT_FALSE(nlohmann_accepts(text)) << text;
    }
  }
  // nlohmann stops at a NUL byte between tokens; the scan does not take such text for JSON.
  EXPECT_EQ(scan_json_text(std::string_view("[1]\0[", 5)).verdict, JsonTextVerdict::not_json);
}

TEST(JsonTextScanTest, DepthIsLimitedAndFoundWithoutRecursing) {
  EXPECT_EQ(scan_json_text(nested(kMaxJsonDepth)).verdict, JsonTextVerdict::ok);
  EXPECT_EQ(scan_json_text(nested(kMaxJsonDepth + 1)).verdict, JsonTextVerdict::too_deep);
  EXPECT_EQ(scan_json_text(nested(1000000)).verdict, JsonTextVerdict::too_deep);
  // Too deep wins over malformed, as the bracket count did before.
  EXPECT_EQ(scan_json_text(std::string(600, '[') + "x").verdict, JsonTextVerdict::too_deep);
  std::string objects;
  for (std::size_t i = 0; i < kMaxJsonDepth; ++i) objects += "{\"k\":";
  objects += "1" + std::string(kMaxJsonDepth, '}');
  EXPECT_EQ(scan_json_text(objects).verdict, JsonTextVerdict::ok);
  EXPECT_EQ(scan_json_text("[" + objects + "]").verdict, JsonTextVerdict::too_deep);
}

TEST(JsonTextScanTest, FindsANulEscape) {
  EXPECT_TRUE(scan_json_text(R"({"k":"a\u0000b"})").has_nul);
  EXPECT_TRUE(scan_json_text(R"({"\u0000":1})").has_nul);
  EXPECT_FALSE(scan_json_text(R"({"k":"a\\u0000b"})").has_nul);
  EXPECT_FALSE(scan_json_text(R"({"k":"\u0001"})").has_nul);
}

// Random documents, dumped, then damaged one byte at a time with bytes that matter to JSON: the
// scan and nlohmann's parser agree on every one (text holding a NUL byte or starting with a
// byte-order mark aside, which only nlohmann takes).
TEST(JsonTextScanTest, AgreesWithTheParserOnDamagedDocuments) {
  std::mt19937_64 rng(1234);
  auto random_doc = [&rng](auto&& self, int depth) -> Json {
    std::uniform_int_distribution<int> kind(0, depth > 4 ? 5 : 7);
    switch (kind(rng)) {
      case 0:
        return nullptr;
      case 1:
        return rng() % 2 == 0;
      case 2:
        return static_cast<std::int64_t>(rng()) >> (rng() % 64);
      case 3:
        return std::ldexp(static_cast<double>(rng() % 100000) - 50000,
                          static_cast<int>(rng() % 2000) - 1000);
      case 4:
      case 5: {
        static const char* pieces[] = {"a",  "\xc3\xa9", "\xf0\x9f\x98\x80", "\"", "\\",
                                       "\n", "\x01",     "\xe2\x82\xac",     " ",  "/"};
        std::string s;
        for (unsigned i = rng() % 6; i > 0; --i) s += pieces[rng() % 10];
        return s;
      }
      case 6: {
        Json a = Json::array();
        for (unsigned i = rng() % 4; i > 0; --i) a.push_back(self(self, depth + 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (unsigned i = rng() % 4; i > 0; --i)
          o[std::string(1, static_cast<char>('a' + rng() % 26))] = self(self, depth + 1);
        return o;
      }
    }
  };
  const std::string bytes[] = {"[",
                               "]",
                               "{",
                               "}",
                               "\"",
                               ",",
                               ":",
                               "\\",
                               "u",
                               "0",
                               "9",
                               "-",
                               "+",
                               ".",
                               "e",
                               "E",
                               " ",
                               "\n",
                               "t",
                               "n",
                               "f",
                               "x",
                               "D8",
                               "\xc3",
                               "\xa9",
                               "\x80",
                               "\xed",
                               "\xa0",
                               "\xf4",
                               "\x90",
                               "\xff",
                               "\x1f",
                               "\\u0000",
                               "\\uD800",
                               "\\uDC00",
                               "1e400",
                               std::string("\0", 1)};
  std::size_t agreed_ok = 0, agreed_not = 0;
  for (int n = 0; n < 3000; ++n) {
    const std::string text = random_doc(random_doc, 0).dump(rng() % 2 == 0 ? -1 : 1);
    ASSERT_EQ(scan_json_text(text).verdict, JsonTextVerdict::ok) << text;
    for (int k = 0; k < 20; ++k) {
      std::string damaged = text;
      const std::size_t pos = rng() % (damaged.size() + 1);
      const std::string& b = bytes[rng() % std::size(bytes)];
      switch (rng() % 3) {
        case 0:
          damaged.insert(pos, b);
          break;
        case 1:
          damaged.replace(pos, 1, b);
          break;
        default:
          damaged.erase(pos, 1 + rng() % 3);
          break;
      }
      const bool parser = nlohmann_accepts(damaged);
      const bool scan = scan_json_text(damaged).verdict == JsonTextVerdict::ok;
      if (scan) {
        ASSERT_TRUE(parser) << "the scan passed text the parser refuses: " << damaged;
      }
      if (parser && damaged.find('\0') == std::string::npos) {
        ASSERT_TRUE(scan) << "the scan refused text the parser takes: " << damaged;
      }
      (scan ? agreed_ok : agreed_not) += 1;
    }
  }
  EXPECT_GT(agreed_ok, 1000u);
  EXPECT_GT(agreed_not, 10000u);
}

// ---- the lazy value -------------------------------------------------------------------------

TEST(LazyJsonValueTest, KeepsTheTextItWasReadWithByteForByte) {
  const std::string text = "{ \"b\" : [true,  null] ,\"a\":1.50 }";
  Value v(text);
  ASSERT_TRUE(v.text_to_json("t.j"));
  EXPECT_EQ(v.kind(), Value::Kind::json);
  EXPECT_EQ(v.as<std::string>(), text);
  EXPECT_EQ(v.json_text("t.j"), text);
  EXPECT_TRUE(v.as<Json>() == Json::parse(text));
  EXPECT_EQ(v.as<std::string>(), text) << "parsing it changed nothing";
  EXPECT_TRUE(v.is_bindable());
}

TEST(LazyJsonValueTest, TextThatIsNotJsonStaysText) {
  for (const char* text : {"{not json", "", "abc", "[1,]"}) {
    Value v(text);
    EXPECT_FALSE(v.text_to_json("t.j")) << text;
    EXPECT_EQ(v.kind(), Value::Kind::text);
    EXPECT_EQ(v.text_unchecked(), text);
  }
  Value number(42);
  EXPECT_FALSE(number.text_to_json("t.j"));
  EXPECT_EQ(number, Value(42));
}

TEST(LazyJsonValueTest, TextTooDeepIsRefusedNamingTheColumn) {
  Value v(nested(kMaxJsonDepth + 1));
  std::string message;
  EXPECT_EQ(data_error_state([&] { v.text_to_json("t.j"); }, &message), "22032");
  EXPECT_NE(message.find("t.j"), std::string::npos) << message;
  EXPECT_EQ(v.kind(), Value::Kind::text);
  Value out;
  EXPECT_THROW(parse_json_text(nested(kMaxJsonDepth + 1), out, "t.j"), DataError);
  EXPECT_TRUE(out.is_null());
}

TEST(LazyJsonValueTest, ANulEscapeReadsButIsNotBound) {
  Value v = json_from_text(R"({"k":"a\u0000b"})");
  EXPECT_FALSE(v.is_bindable());
  EXPECT_EQ(data_error_state([&] { v.check_bindable("t.j"); }), "22021");
  EXPECT_TRUE(v.as<Json>() == Json({{"k", std::string("a\0b", 3)}}));
  EXPECT_EQ(v.as<std::string>(), R"({"k":"a\u0000b"})");
}

TEST(LazyJsonValueTest, EqualityIsOfDocumentsNotOfText) {
  EXPECT_EQ(json_from_text(R"({"a": 1, "b": [true]})"), json_from_text(R"({"b":[true],"a":1})"));
  EXPECT_EQ(json_from_text("[1]"), Value(Json::array({1})));
  EXPECT_EQ(Value(Json::array({1})), json_from_text(" [ 1 ] "));
  EXPECT_EQ(json_from_text("1"), json_from_text("1.0")) << "nlohmann compares numbers by value";
  EXPECT_NE(json_from_text(R"({"a":1})"), json_from_text(R"({"a":2})"));
  EXPECT_NE(json_from_text(R"("1")"), json_from_text("1"));
  EXPECT_NE(json_from_text("null"), Value());
  EXPECT_NE(json_from_text(R"("x")"), Value("\"x\"")) << "json and text are different kinds";
  Value v = json_from_text("[2]");
  Value copy = v;
  EXPECT_EQ(v, copy);
}

// A reused Params object takes a new document per row by plain assignment, as a string or a
// number would be assigned (nlohmann::json converts to those too, which once made it ambiguous).
// as<Json>() gives a document of its own (parsed from the text when none is kept, else a copy of
// the kept one); json_unchecked() keeps one, shared by copies. Both agree, however often asked.
TEST(LazyJsonValueTest, AsJsonGivesADocumentOfItsOwnAndJsonUncheckedKeepsOne) {
  const Value v = json_from_text(R"({"a": [1, 2, {"b": null}]})");
  const Json want = Json::parse(R"({"a": [1, 2, {"b": null}]})");
  Json first = v.as<Json>();
  first["a"] = 0;  // the caller's own document
  EXPECT_TRUE(v.as<Json>() == want);
  const Json& kept = v.json_unchecked();
  EXPECT_TRUE(kept == want);
  EXPECT_EQ(&v.json_unchecked(), &kept) << "kept once";
  EXPECT_TRUE(v.as<Json>() == want);
  EXPECT_EQ(v.as<std::string>(), R"({"a": [1, 2, {"b": null}]})") << "the text as read";
}

TEST(LazyJsonValueTest, ADocumentIsAssignedToAValueInPlace) {
  Params params{{"id", 1}, {"meta", Value()}};
  const Json doc{{"k", 1}};
  params[1].second = doc;
  EXPECT_EQ(params[1].second.kind(), Value::Kind::json);
  EXPECT_TRUE(params[1].second.as<Json>() == doc);
  params[1].second = Json::array({1, 2});
  EXPECT_EQ(params[1].second.as<std::string>(), "[1,2]");
  Value text_first("not json");
  text_first = Json("a string");
  EXPECT_EQ(text_first.kind(), Value::Kind::json);
  EXPECT_EQ(text_first.as<std::string>(), R"("a string")");
  Value deep;
  deep = Json::parse(nested(kMaxJsonDepth + 1));
  EXPECT_EQ(data_error_state([&] { (void)deep.as<std::string>("t.j"); }), "22032");
}

TEST(LazyJsonValueTest, ADocumentIsSerialisedOnceAndReadAsText) {
  Value v(Json{{"a", 1}});
  const std::string& text = v.json_text("t.j");
  EXPECT_EQ(text, R"({"a":1})");
  EXPECT_EQ(&v.json_text("t.j"), &text) << "kept, not serialised again";
  EXPECT_EQ(v.as<std::string>(), R"({"a":1})");
  Value copy = v;
  EXPECT_EQ(&copy.json_text("t.j"), &text) << "shared by copies";
  // A document that cannot be written as text (a string that is not UTF-8) reads as Json only.
  Value bad(Json{{"k", std::string("\xff")}});
  EXPECT_EQ(data_error_state([&] { (void)bad.as<std::string>("t.j"); }), "22021");
  EXPECT_TRUE(bad.as<Json>() == Json({{"k", std::string("\xff")}}));
  // Too deep: kept as nothing, so it has no text either.
  Value deep(Json::parse(nested(kMaxJsonDepth + 1)));
  EXPECT_EQ(data_error_state([&] { (void)deep.as<std::string>("t.j"); }), "22032");
}

TEST(LazyJsonValueTest, TakeMovesTheTextOrTheDocumentOfAnUnsharedValue) {
  Value v = json_from_text("[\"" + std::string(1000, 'x') + "\"]");
  const char* buffer = v.json_text("t.j").data();
  std::string taken = v.take<std::string>();
  EXPECT_EQ(taken.data(), buffer) << "moved, not copied";
  EXPECT_TRUE(v.is_null());

  Value shared = json_from_text("[1]");
  Value other = shared;
  EXPECT_EQ(shared.take<std::string>(), "[1]");
  EXPECT_EQ(shared.kind(), Value::Kind::json) << "a shared value is copied";

  Value unparsed = json_from_text(R"({"a":[1,2]})");
  EXPECT_TRUE(unparsed.take<Json>() == Json::parse(R"({"a":[1,2]})"));
  EXPECT_TRUE(unparsed.is_null());
}

TEST(LazyJsonValueTest, CopiesReadFromManyThreadsAtOnceAgree) {
  // One value read from a row, copied to every thread, each of which reads its document, its
  // text and compares it at the same moment: the parse happens once, under the lock, and every
  // thread sees the same document. (ASan/TSan builds check the memory side of it.)
  std::string text = "[";
  for (int i = 0; i < 2000; ++i)
    text += (i ? "," : "") + std::string(R"({"i":)") + std::to_string(i) + "}";
  text += "]";
  const Json want = Json::parse(text);
  for (int round = 0; round < 20; ++round) {
    const Value original = json_from_text(text);
    const Value other = json_from_text(text);
    std::atomic<int> ready{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    const Json* seen[8] = {};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t, copy = original] {
        ++ready;
        while (ready.load() < 8) {
        }
        // Half the threads parse a document of their own first (as<Json>() reads the text
        // while others may be keeping the shared document).
        if (t % 2 == 0 && !(copy.as<Json>() == want)) ++failures;
        const Json& doc = copy.json_unchecked();
        seen[t] = &doc;
        if (!(doc == want)) ++failures;
        if (!(copy == other)) ++failures;
        if (copy.as<std::string>() != text) ++failures;
        if (!(copy.as<Json>() == want)) ++failures;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    for (int t = 1; t < 8; ++t) EXPECT_EQ(seen[t], seen[0]) << "one document, parsed once";
  }
}

// ---- a string bound to a Json column --------------------------------------------------------

TEST(JsonColumnBindTest, AStringIsJsonTextCheckedAndSentAsItIs) {
  Value scratch;
  const Value text(R"({"a": [1, 2]})");
  const Value& bound = types::Json.bind_ref(text, "t.j", scratch);
  EXPECT_EQ(&bound, &text) << "no copy, no parse";
  EXPECT_TRUE(types::Json.accepts(text, "t.j"));
  EXPECT_EQ(types::Json.bind(Value("42"), "t.j"), Value("42"));
  EXPECT_TRUE(types::Json.bind(Value("\"x\""), "t.j").as<Json>() == Json("x"));
}

TEST(JsonColumnBindTest, AStringThatIsNotJsonIsADataErrorNamingTheColumn) {
  std::string message;
  EXPECT_EQ(data_error_state([] { (void)types::Json.bind(Value("hello"), "t.j"); }, &message),
            "22P02");
  EXPECT_NE(message.find("t.j"), std::string::npos) << message;
  EXPECT_EQ(message.find("hello"), std::string::npos) << "the value is not shown: " << message;
  EXPECT_EQ(data_error_state([] { (void)types::Json.accepts(Value("{x"), "t.j"); }), "22P02");
  EXPECT_EQ(data_error_state([] { (void)types::Json.bind(Value(nested(600)), "t.j"); }), "22032");
  EXPECT_EQ(data_error_state([] { (void)types::Json.bind(Value("\"\\u0000\""), "t.j"); }), "22021");
  EXPECT_EQ(data_error_state([] { (void)types::Json.bind(Value("\"\xff\""), "t.j"); }), "22021");
}

TEST(JsonColumnBindTest, ReadTextBecomesALazyJsonValue) {
  const Value read = types::Json.result(Value(R"({"a":[1,2]})"), "t.j");
  EXPECT_EQ(read.kind(), Value::Kind::json);
  EXPECT_EQ(read.as<std::string>(), R"({"a":[1,2]})");
  EXPECT_TRUE(read.json_unchecked() == Json::parse(R"({"a":[1,2]})"));
  EXPECT_TRUE(types::Json.reads_unchanged(read));
  EXPECT_TRUE(types::Json.passes(read));
  EXPECT_EQ(types::Json.result(Value("not json"), "t.j"), Value("not json"));
  EXPECT_THROW((void)types::Json.result(Value(nested(600)), "t.j"), DataError);
}

}  // namespace
}  // namespace sqlcore
