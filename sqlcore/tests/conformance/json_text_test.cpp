// A Json column read as its text and as its document, and a string bound to a Json column, on
// every backend: the text is the server's, byte for byte; the document is parsed only when asked
// for, once, for every copy of the value and every thread; a string is JSON text on every path,
// and text that is not JSON is a DataError naming the column.
#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/testing/backend.hpp>
#include "common/data_error.hpp"

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

struct Notes : Table {
  explicit Notes(MetaData& m) : Table(m, "notes") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(false);
  Col<std::optional<Json>> meta = column("meta", types::Json);
  Col<std::optional<Timestamp>> at = column("at", types::DateTime);
};

// A table written by hand with the type name JSON: PostgreSQL's `json` keeps the text it is given
// exactly (JSONB, what types::Json creates, keeps its own normal form); SQLite stores the text.
struct RawNotes : Table {
  explicit RawNotes(MetaData& m) : Table(m, "raw_notes") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(false);
  Col<std::optional<Json>> body = column("body", types::Json);
};

using sqlcore::test::data_error_of;

class JsonTextTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine());
    notes_md_.create_all(*engine_);
    auto c = engine_->connect();
    exec(c, "CREATE TABLE raw_notes (id BIGINT PRIMARY KEY, body JSON)");
  }
  Engine& engine() { return *engine_; }
  // The text the server holds for a row, read without any column type.
  static std::string stored_text(Connection& c, const std::string& table, const std::string& column,
                                 std::int64_t id) {
    return c.execute(text("SELECT " + column + " FROM " + table + " WHERE id = :id"), {{"id", id}})
        .one()
        .get<std::string>(column);
  }

  MetaData notes_md_;
  Notes notes{notes_md_};
  MetaData raw_md_;
  RawNotes raw{raw_md_};
  std::optional<Engine> engine_;
};

TEST_P(JsonTextTest, AJsonColumnReadsAsTheStoredTextByteForByte) {
  auto c = engine().connect();
  const std::string written = R"({"b":  [true, null],  "a" : 1.50, "s": "\u00e9t\u00e9"})";
  c.execute(insert(notes).values({{notes.id, 1}, {notes.meta, written}}));
  const std::string server = stored_text(c, "notes", "meta", 1);
  Row typed = c.execute(select(notes.id, notes.meta).where(notes.id == 1)).one();
  EXPECT_EQ(typed["meta"].kind(), Value::Kind::json);
  EXPECT_EQ(typed.get<std::string>("meta"), server) << "exactly what the server returned";
  EXPECT_EQ(typed["meta"].as<std::string>(), server);
  EXPECT_TRUE(typed.get(notes.meta) == Json::parse(written));
  EXPECT_TRUE(Json::parse(server) == Json::parse(written));

  // A JSON column that keeps its text as given (PostgreSQL json; SQLite stores text): the very
  // bytes written come back.
  c.execute(insert(raw).values({{raw.id, 1}, {raw.body, written}}));
  Row r = c.execute(select(raw.body).where(raw.id == 1)).one();
  EXPECT_EQ(r["body"].kind(), Value::Kind::json);
  EXPECT_EQ(r.get<std::string>("body"), written);
  EXPECT_EQ(stored_text(c, "raw_notes", "body", 1), written);
  EXPECT_TRUE(r.get(raw.body) == Json::parse(written));
}

TEST_P(JsonTextTest, AStringBoundToAJsonColumnIsJsonTextOnEveryPath) {
  auto c = engine().connect();
  // The typed path and text() store the same document for the same string.
  const std::vector<std::pair<std::string, Json>> cases = {
      {"42", Json(42)},
      {R"("hello")", Json("hello")},
      {"null", Json(nullptr)},
      {R"([1, "two", {"three": 3}])", Json::parse(R"([1, "two", {"three": 3}])")},
  };
  std::int64_t id = 0;
  for (const auto& [text_in, doc] : cases) {
    c.execute(insert(notes).values({{notes.id, ++id}, {notes.meta, text_in}}));
    c.execute(text("INSERT INTO notes (id, meta) VALUES (:id, :meta)"),
              {{"id", ++id}, {"meta", text_in}});
    c.execute(insert(notes).values({{notes.id, bindparam("id")}, {notes.meta, bindparam("m")}}),
              {{"id", ++id}, {"m", text_in}});
    for (std::int64_t k = id - 2; k <= id; ++k) {
      Row row = c.execute(select(notes.meta).where(notes.id == k)).one();
      EXPECT_TRUE(row.get(notes.meta) == doc) << text_in << " (row " << k << ")";
    }
  }
  // A JSON *string* is bound as a Json.
  c.execute(insert(notes).values({{notes.id, 100}, {notes.meta, Json("hello")}}));
  EXPECT_TRUE(c.execute(select(notes.meta).where(notes.id == 100)).one().get(notes.meta) ==
              Json("hello"));
  // execute_many of strings, and bulk_insert, take the same rule.
  c.execute_many(insert(notes).values({{notes.id, bindparam("id")}, {notes.meta, bindparam("m")}}),
                 {{{"id", 200}, {"m", R"({"k":1})"}}, {{"id", 201}, {"m", "[2]"}}});
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 60; ++i)
    rows.push_back({Value(300 + i), Value(R"({"n":)" + std::to_string(i) + "}")});
  c.bulk_insert(notes, {"id", "meta"}, rows);
  EXPECT_TRUE(c.execute(select(notes.meta).where(notes.id == 201)).one().get(notes.meta) ==
              Json::array({2}));
  EXPECT_TRUE(c.execute(select(notes.meta).where(notes.id == 359)).one().get(notes.meta) ==
              Json({{"n", 59}}));
}

TEST_P(JsonTextTest, TextThatIsNotJsonIsADataErrorNamingTheColumn) {
  auto c = engine().connect();
  // (Text that is not JSON5 either: some SQLite versions' json_valid() takes JSON5.)
  for (const char* bad : {"hello", "{\"a\":", "[1 2]", "not json"}) {
    std::string state;
    std::string m = data_error_of(
        [&] {
          c.execute(insert(notes).values({{notes.id, 1}, {notes.meta, bad}}));
        },
        &state);
    EXPECT_EQ(state, "22P02") << m;
    EXPECT_NE(m.find("notes.meta"), std::string::npos) << m;
    m = data_error_of([&] {
      c.execute_many(
          insert(notes).values({{notes.id, bindparam("id")}, {notes.meta, bindparam("m")}}),
          {{{"id", 2}, {"m", "[1]"}}, {{"id", 3}, {"m", bad}}});
    });
    EXPECT_NE(m.find("notes.meta"), std::string::npos) << m;
    // Through text(), which knows no column types, the database refuses it: a DataError too.
    m = data_error_of(
        [&] {
          c.execute(text("INSERT INTO notes (id, meta) VALUES (4, :meta)"), {{"meta", bad}});
        },
        &state);
    EXPECT_EQ(state, "22P02") << m;
    EXPECT_EQ(m.find(bad), std::string::npos) << "the value is not shown: " << m;
  }
  // Too deep, and \u0000, as for a document.
  std::string state;
  std::string m = data_error_of(
      [&] {
        c.execute(insert(notes).values(
            {{notes.id, 1}, {notes.meta, std::string(600, '[') + std::string(600, ']')}}));
      },
      &state);
  EXPECT_EQ(state, "22032") << m;
  EXPECT_NE(m.find("notes.meta"), std::string::npos) << m;
  m = data_error_of(
      [&] {
        c.execute(insert(notes).values({{notes.id, 1}, {notes.meta, R"({"k":"a\u0000b"})"}}));
      },
      &state);
  EXPECT_EQ(state, "22021") << m;
  EXPECT_NE(m.find("notes.meta"), std::string::npos) << m;
  EXPECT_EQ(count(c, "notes"), 0);
}

TEST_P(JsonTextTest, TextStoredTooDeepIsRefusedWhenReadNamingTheColumn) {
  auto c = engine().connect();
  c.execute(text("INSERT INTO raw_notes (id, body) VALUES (1, :b)"),
            {{"b", std::string(600, '[') + std::string(600, ']')}});
  const std::string m = data_error_of([&] { (void)c.execute(select(raw.body)).all(); });
  EXPECT_NE(m.find("body"), std::string::npos) << m;
  // As text, without a type, it still reads.
  EXPECT_EQ(stored_text(c, "raw_notes", "body", 1).size(), 1200u);
}

TEST_P(JsonTextTest, AJsonValueReadIsBoundAgainAsItsText) {
  auto c = engine().connect();
  const std::string written = R"({"z": 1,   "a": [ 2 ]})";
  c.execute(insert(raw).values({{raw.id, 1}, {raw.body, written}}));
  Row r = c.execute(select(raw.body).where(raw.id == 1)).one();
  // Written back through a typed insert and through text(), never parsed: the same text.
  c.execute(insert(raw).values({{raw.id, 2}, {raw.body, r["body"]}}));
  c.execute(text("INSERT INTO raw_notes (id, body) VALUES (3, :b)"), {{"b", r["body"]}});
  EXPECT_EQ(stored_text(c, "raw_notes", "body", 2), written);
  EXPECT_EQ(stored_text(c, "raw_notes", "body", 3), written);
}

TEST_P(JsonTextTest, CopiesOfOneValueAreReadFromManyThreadsAtOnce) {
  auto c = engine().connect();
  Json doc = Json::object();
  for (int i = 0; i < 500; ++i) doc["k" + std::to_string(i)] = {i, "v" + std::to_string(i)};
  c.execute(insert(notes).values({{notes.id, 1}, {notes.meta, doc}}));
  for (int round = 0; round < 10; ++round) {
    const Row row = c.execute(select(notes.meta).where(notes.id == 1)).one();
    const Value read = row["meta"];
    const std::string text_read = read.as<std::string>();
    std::atomic<int> started{0}, wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, copy = read, t] {
        ++started;
        while (started.load() < 6) {
        }
        if (t % 3 == 0 && !(copy.as<Json>() == doc)) ++wrong;
        if (t % 3 == 1 && !(copy == Value(doc))) ++wrong;
        if (t % 3 == 2 && !(copy.json_unchecked() == doc)) ++wrong;
        if (copy.as<std::string>() != text_read) ++wrong;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
  }
}

TEST_P(JsonTextTest, TimestampsRoundTripAtTheEdgesOfTheCanonicalText) {
  auto c = engine().connect();
  const std::vector<Timestamp> edges = {Timestamp::from_micros(Timestamp::kMinMicros),
                                        Timestamp::from_micros(Timestamp::kMaxMicros),
                                        Timestamp::from_civil(2024, 2, 29, 23, 59, 59, 999999),
                                        Timestamp::from_civil(1970, 1, 1),
                                        Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 1),
                                        Timestamp::from_civil(2000, 2, 29, 12)};
  std::int64_t id = 0;
  for (const Timestamp& t : edges)
    c.execute(insert(notes).values({{notes.id, ++id}, {notes.at, t}}));
  id = 0;
  for (const Timestamp& t : edges) {
    Row r = c.execute(select(notes.at).where(notes.id == ++id)).one();
    EXPECT_EQ(r.get(notes.at), t) << t.to_string();
    EXPECT_EQ(
        c.execute(text("SELECT at FROM notes WHERE id = :id"), {{"id", id}}).scalar<Timestamp>(),
        t);
  }
  // Text order is time order where the text is what is stored (SQLite).
  auto ordered = c.execute(select(notes.at).order_by({notes.at})).all();
  for (std::size_t i = 1; i < ordered.size(); ++i)
    EXPECT_LT(ordered[i - 1].get(notes.at), ordered[i].get(notes.at));
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(JsonTextTest);

}  // namespace sqlcore_test
