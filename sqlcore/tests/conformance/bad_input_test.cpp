// Hostile and unportable values on every backend: nothing crashes, nothing is stored changed, and
// every refusal is a DataError that names the column (or parameter) and never shows the value.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include <sqlcore/testing/backend.hpp>
#include <sqlcore/testing/small_stack.hpp>
#include "common/data_error.hpp"

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

struct Docs : Table {
  explicit Docs(MetaData& m) : Table(m, "docs") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::optional<Json>> body = column("body", types::Json);
  Col<std::optional<Timestamp>> at = column("at", types::DateTime);
  Col<std::optional<Date>> day = column("day", types::Date);
};

std::string nested_array_text(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

using sqlcore::test::data_error_of;

class BadInputTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine());
    md_.create_all(*engine_);
  }
  Engine& engine() { return *engine_; }

  MetaData md_;
  Docs docs{md_};
  std::optional<Engine> engine_;
};

TEST_P(BadInputTest, JsonNestedTooDeepIsRefusedOnASmallStackWithoutRecursing) {
  // nlohmann's parser and destructor do not recurse; everything sqlcore does with the document
  // must not either.
  const Json hostile = Json::parse(nested_array_text(100000));
  auto c = engine().connect();
  std::string message;
  on_small_stack(kSmallStack, [&] {
    message = data_error_of([&] { c.execute(insert(docs).values({{docs.body, hostile}})); });
    // The same through a named parameter and through execute_many.
    data_error_of([&] {
      c.execute(insert(docs).values({{docs.body, bindparam("b", types::Json)}}), {{"b", hostile}});
    });
    data_error_of([&] {
      c.execute_many(insert(docs).values({{docs.body, bindparam("b", types::Json)}}),
                     {{{"b", Json::array()}}, {{"b", hostile}}});
    });
    // A Value made from the document, copied and compared, stays cheap and safe.
    Value v(hostile);
    Value copy = v;
    EXPECT_FALSE(copy == v);
    EXPECT_THROW((void)v.as<Json>(), DataError);
  });
  EXPECT_NE(message.find("docs.body"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(kMaxJsonDepth)), std::string::npos) << message;
  EXPECT_EQ(count(c, "docs"), 0);
}

TEST_P(BadInputTest, JsonAtTheLimitIsStoredAndReadBack) {
  const Json deepest = Json::parse(nested_array_text(kMaxJsonDepth));
  auto c = engine().connect();
  c.execute(insert(docs).values({{docs.id, 1}, {docs.body, deepest}}));
  Row r = c.execute(select(docs.body).where(docs.id == 1)).one();
  EXPECT_EQ(r[docs.body].as<Json>(), deepest);
}

TEST_P(BadInputTest, JsonStoredTooDeepByAnotherProgramIsRefusedWhenReadNamingTheColumn) {
  // Written as text, as another program might: both backends take 600 levels.
  auto c = engine().connect();
  c.execute(text("INSERT INTO docs (id, body) VALUES (1, :doc)"),
            {{"doc", nested_array_text(600)}});
  std::string message;
  on_small_stack(kSmallStack, [&] {
    message = data_error_of([&] { (void)c.execute(select(docs.body).where(docs.id == 1)).all(); });
    // Read without a type it is text on every backend; as<Json>() refuses it too.
    Row raw = c.execute(text("SELECT body FROM docs")).one();
    EXPECT_EQ(raw["body"].kind(), Value::Kind::text);
    EXPECT_THROW((void)raw.get<Json>("body"), DataError);
  });
  EXPECT_NE(message.find("body"), std::string::npos) << message;
}

TEST_P(BadInputTest, JsonWithInvalidUtf8IsADataErrorNamingTheColumnNotTheValue) {
  auto c = engine().connect();
  const std::string secret = "s3cr3t\xff\xfe";
  for (const Json& doc : {Json{{"k", secret}}, Json{{secret, 1}}, Json::array({1, secret})}) {
    std::string m = data_error_of([&] { c.execute(insert(docs).values({{docs.body, doc}})); });
    EXPECT_NE(m.find("docs.body"), std::string::npos) << m;
    EXPECT_NE(m.find("UTF-8"), std::string::npos) << m;
    EXPECT_EQ(m.find("s3cr3t"), std::string::npos) << m;
    // Untyped, through text(): the parameter is named instead.
    m = data_error_of([&] {
      c.execute(text("INSERT INTO docs (body) VALUES (:doc)"), {{"doc", doc}});
    });
    EXPECT_NE(m.find(":doc"), std::string::npos) << m;
  }
  EXPECT_EQ(count(c, "docs"), 0);
}

TEST_P(BadInputTest, JsonWithANulCharacterIsRefusedOnEveryBackend) {
  // PostgreSQL's JSONB cannot hold \u0000; SQLite could. One rule: refused everywhere.
  auto c = engine().connect();
  const Json doc = {{"k", std::string("a\0b", 3)}};
  std::string m = data_error_of([&] { c.execute(insert(docs).values({{docs.body, doc}})); });
  EXPECT_NE(m.find("docs.body"), std::string::npos) << m;
  EXPECT_EQ(count(c, "docs"), 0);
}

// Refusing \u0000 is a rule for what is written: a document another program already stored with
// one (SQLite takes it, PostgreSQL refuses it at the door) still reads back, nothing lost.
TEST_P(BadInputTest, JsonWithANulCharacterAlreadyStoredStillReadsBack) {
  auto c = engine().connect();
  bool stored = true;
  try {
    c.execute(text("INSERT INTO docs (id, body) VALUES (1, :doc)"),
              {{"doc", R"({"k": "a\u0000b"})"}});
  } catch (const DataError&) {
    stored = false;  // the database itself refused it: nothing to read
  }
  if (!stored) return;
  const Json want = {{"k", std::string("a\0b", 3)}};
  EXPECT_EQ(c.execute(select(docs.body).where(docs.id == 1)).one()[docs.body].as<Json>(), want);
  EXPECT_EQ(c.execute(text("SELECT body FROM docs")).one().get<Json>("body"), want);
}

TEST_P(BadInputTest, JsonColumnReadsAsTextThroughTextAndAsJsonThroughItsType) {
  auto c = engine().connect();
  const Json doc = {{"a", 1}, {"b", {true, nullptr}}};
  c.execute(insert(docs).values({{docs.id, 1}, {docs.body, doc}}));
  Row raw = c.execute(text("SELECT body FROM docs WHERE id = 1")).one();
  EXPECT_EQ(raw["body"].kind(), Value::Kind::text);
  EXPECT_EQ(raw.get<Json>("body"), doc);
  Row typed = c.execute(select(docs.body).where(docs.id == 1)).one();
  EXPECT_EQ(typed["body"].kind(), Value::Kind::json);
  EXPECT_EQ(typed[docs.body].as<Json>(), doc);
}

// Malformed JSON written through raw SQL is refused by the database itself; the error says it is
// about JSON (SQLite's bare "CHECK constraint failed" did not) and is a DataError on every backend
// (22P02, as PostgreSQL's).
TEST_P(BadInputTest, MalformedJsonThroughRawSqlIsRefusedSayingItIsJson) {
  auto c = engine().connect();
  try {
    c.execute(text("INSERT INTO docs (body) VALUES (:doc)"), {{"doc", "{not json"}});
    FAIL() << "malformed JSON was stored";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22P02") << e.what();
    std::string m = e.what();
    std::transform(m.begin(), m.end(), m.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    EXPECT_NE(m.find("json"), std::string::npos) << e.what();
    EXPECT_EQ(m.find("not json\""), std::string::npos) << "the value is not shown: " << e.what();
  }
  EXPECT_EQ(count(c, "docs"), 0);
}

TEST_P(BadInputTest, TimestampsAndDatesOutsideYears1To9999AreRefusedAtBind) {
  auto c = engine().connect();
  const Timestamp too_late = Timestamp::from_micros(Timestamp::kMaxMicros + 1);
  const Timestamp too_early = Timestamp::from_micros(Timestamp::kMinMicros - 1);
  for (Timestamp t : {too_late, too_early}) {
    std::string m = data_error_of([&] { c.execute(insert(docs).values({{docs.at, t}})); });
    EXPECT_NE(m.find("docs.at"), std::string::npos) << m;
    m = data_error_of([&] { c.execute(text("INSERT INTO docs (at) VALUES (:at)"), {{"at", t}}); });
    EXPECT_NE(m.find(":at"), std::string::npos) << m;
  }
  const Date far = Date(std::chrono::sys_days(std::chrono::days(3000000)));
  std::string m = data_error_of([&] { c.execute(insert(docs).values({{docs.day, far}})); });
  EXPECT_NE(m.find("docs.day"), std::string::npos) << m;
  EXPECT_EQ(count(c, "docs"), 0);
  // The edges themselves round-trip.
  const Timestamp first = Timestamp::from_micros(Timestamp::kMinMicros);
  const Timestamp last = Timestamp::from_micros(Timestamp::kMaxMicros);
  c.execute(insert(docs).values({{docs.id, 1}, {docs.at, first}}));
  c.execute(insert(docs).values({{docs.id, 2}, {docs.at, last}}));
  EXPECT_EQ(c.execute(select(docs.at).where(docs.id == 1)).one()[docs.at].as<Timestamp>(), first);
  EXPECT_EQ(c.execute(select(docs.at).where(docs.id == 2)).one()[docs.at].as<Timestamp>(), last);
}

SQLCORE_BACKEND_TEST_SUITE(BadInputTest);

}  // namespace
}  // namespace sqlcore_test
