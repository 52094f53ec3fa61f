// Server defaults filling in omitted columns, and autoincrement.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "conformance/schema_fixture.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

// ---- 4. server defaults ---------------------------------------------------------------------

TEST_P(SchemaTest, ServerDefaultsFillInOmittedColumns) {
  Table& docs = md_.add_table("docs");
  docs.column("id", types::BigInteger).primary_key();
  docs.column("title", types::Text);
  docs.column("published", types::Boolean).server_default(false);
  docs.column("pinned", types::Boolean).server_default(true);
  docs.column("views", types::Integer).server_default(0);
  docs.column("score", types::Double).server_default(1.5);
  docs.column("status", types::Enum({"draft", "published"})).server_default("draft");
  docs.column("note", types::Text).server_default("it's \"quoted\"");
  docs.column("price", types::Numeric(12, 2)).server_default(Decimal{"1.5"});
  docs.column("meta", types::Json).server_default(Json{{"a", 1}, {"b", "ü"}});
  docs.column("raw", types::LargeBinary).server_default(Blob{0, 1, 255});
  docs.column("epoch", types::DateTime)
      .server_default(Timestamp::from_civil(1960, 1, 2, 3, 4, 5, 6));
  docs.column("created_at", types::DateTime).server_default(now());
  docs.column("created_on", types::Date).server_default(now());
  docs.column("created_time", types::Time).server_default(now());
  md_.create_all(engine());

  auto c = engine().connect();
  const Timestamp before = Timestamp::now();
  Value id = insert(c, docs, {{"title", "hello"}});
  const Timestamp after = Timestamp::now();
  auto row = fetch(c, docs, id);
  EXPECT_VALUE_EQ(row["published"], Value(false));
  EXPECT_VALUE_EQ(row["pinned"], Value(true));
  EXPECT_VALUE_EQ(row["views"], Value(0));
  EXPECT_VALUE_EQ(row["score"], Value(1.5));
  EXPECT_VALUE_EQ(row["status"], Value("draft"));
  EXPECT_VALUE_EQ(row["note"], Value("it's \"quoted\""));
  EXPECT_VALUE_EQ(row["price"], Value(Decimal{"1.50"}));
  EXPECT_EQ(row["meta"].as<Json>(), (Json{{"a", 1}, {"b", "ü"}}));
  EXPECT_VALUE_EQ(row["raw"], Value(Blob{0, 1, 255}));
  EXPECT_VALUE_EQ(row["epoch"], Value(Timestamp::from_civil(1960, 1, 2, 3, 4, 5, 6)));

  ASSERT_EQ(row["created_at"].kind(), Value::Kind::timestamp) << row["created_at"].debug_string();
  const Timestamp created = row["created_at"].as<Timestamp>();
  using std::chrono::seconds;
  EXPECT_GE(created.time_point(), before.time_point() - seconds(5)) << created.to_iso8601();
  EXPECT_LE(created.time_point(), after.time_point() + seconds(5)) << created.to_iso8601();

  ASSERT_EQ(row["created_on"].kind(), Value::Kind::date) << row["created_on"].debug_string();
  const auto day = row["created_on"].as<Date>().days();
  EXPECT_GE(day, std::chrono::floor<std::chrono::days>(before.time_point() - seconds(5)));
  EXPECT_LE(day, std::chrono::floor<std::chrono::days>(after.time_point() + seconds(5)));

  const TimeOfDay tod = row["created_time"].as<TimeOfDay>();
  const auto since_midnight = [](Timestamp t) {
    return t.micros() -
           std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::floor<std::chrono::days>(t.time_point()).time_since_epoch())
               .count();
  };
  const std::int64_t want = since_midnight(before);
  const std::int64_t diff = std::llabs(tod.micros() - want);
  const std::int64_t day_us = 86400LL * 1000000;
  EXPECT_LT(std::min(diff, day_us - diff), 5 * 1000000) << tod.to_string();

  // An explicit value still wins over the default.
  Value id2 = insert(c, docs, {{"title", "x"}, {"views", 7}, {"status", "published"}});
  auto row2 = fetch(c, docs, id2);
  EXPECT_VALUE_EQ(row2["views"], Value(7));
  EXPECT_VALUE_EQ(row2["status"], Value("published"));
}

// ---- 5. autoincrement -----------------------------------------------------------------------

TEST_P(SchemaTest, AutoincrementNumbersRowsAndAcceptsExplicitIds) {
  Table& big = md_.add_table("seq_big");
  big.column("id", types::BigInteger).primary_key();
  big.column("name", types::Text);
  Table& small = md_.add_table("seq_int");
  small.column("id", types::Integer).primary_key();
  small.column("name", types::Text);
  Table& strict = md_.add_table("seq_strict");
  strict.column("id", types::BigInteger).primary_key().autoincrement(true);
  strict.column("name", types::Text);
  Table& manual = md_.add_table("seq_manual");
  manual.column("id", types::BigInteger).primary_key().autoincrement(false);
  manual.column("name", types::Text);
  EXPECT_EQ(big.autoincrement_column(), &big.c("id"));
  EXPECT_EQ(manual.autoincrement_column(), nullptr);
  md_.create_all(engine());

  auto c = engine().connect();
  for (const Table* t : {&big, &small, &strict}) {
    SCOPED_TRACE(t->name());
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i)
      ids.push_back(insert(c, *t, {{"name", "r" + std::to_string(i)}}).as<std::int64_t>());
    EXPECT_LT(ids[0], ids[1]);
    EXPECT_LT(ids[1], ids[2]);
    EXPECT_EQ(insert(c, *t, {{"id", 1000}, {"name", "explicit"}}).as<std::int64_t>(), 1000);
    std::int64_t next = insert(c, *t, {{"name", "after"}}).as<std::int64_t>();
    EXPECT_TRUE(next != 1000 && std::find(ids.begin(), ids.end(), next) == ids.end()) << next;
    EXPECT_EQ(count(c, q(t->name())), 5);
  }
  // autoincrement(true): an id is never handed out twice, even after the newest row is deleted.
  std::int64_t last = insert(c, strict, {{"name", "newest"}}).as<std::int64_t>();
  c.execute(text("DELETE FROM " + q("seq_strict") + " WHERE " + q("id") + " = :id"),
            {{"id", last}});
  EXPECT_GT(insert(c, strict, {{"name", "later"}}).as<std::int64_t>(), last);

  // autoincrement(false): the id must be given.
  EXPECT_EQ(insert(c, manual, {{"id", 5}, {"name", "given"}}).as<std::int64_t>(), 5);
  try {
    insert(c, manual, {{"name", "no id"}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::not_null) << e.what();
  }
}

}  // namespace
}  // namespace sqlcore_test
