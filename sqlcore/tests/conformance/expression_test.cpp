// The expression language on every backend: the same statements give the same rows.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include <sqlcore/testing/backend.hpp>
#include "common/sample_schema.hpp"

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

using sample::Posts;
using sample::Settings;
using sample::Users;

struct Blobs : Table {
  explicit Blobs(MetaData& m) : Table(m, "blobs") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::string> text_value = column("text_value", types::Text);
  Col<Blob> bytes = column("bytes", types::LargeBinary);
};

class ExpressionTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine());
    md_.create_all(*engine_);
  }
  Engine& engine() { return *engine_; }

  // ada (3 posts), grace (1 post, manager ada), linus (no posts, no email).
  void seed(Connection& c) {
    c.execute(
        insert(users)
            .values({{users.id, 1},
                     {users.name, "ada"},
                     {users.email, "ada@x.org"},
                     {users.visits, 10}})
            .values({{users.id, 2},
                     {users.name, "grace"},
                     {users.email, "Grace@X.org"},
                     {users.visits, 5}})
            .values(
                {{users.id, 3}, {users.name, "linus"}, {users.email, nullptr}, {users.visits, 0}}));
    c.execute(update(users).set({{users.manager_id, 1}}).where(users.id == 2));
    c.execute(insert(posts)
                  .values({{posts.author_id, 1}, {posts.title, "a1"}, {posts.score, 3}})
                  .values({{posts.author_id, 1}, {posts.title, "a2"}, {posts.score, 7}})
                  .values({{posts.author_id, 1}, {posts.title, "a3"}, {posts.score, 5}})
                  .values({{posts.author_id, 2}, {posts.title, "g1"}, {posts.score, 9}}));
  }

  MetaData md_;
  Users users{md_};
  Posts posts{md_};
  Settings settings{md_};
  Blobs blobs{md_};
  std::optional<Engine> engine_;
};

template <class T>
std::vector<T> column_of(Result r, const std::string& name) {
  std::vector<T> out;
  for (const Row& row : r) out.push_back(row.get<T>(name));
  return out;
}

TEST_P(ExpressionTest, InsertReturningAndTypedReads) {
  Connection c = engine().connect();
  auto id = c.execute(insert(users).values({{users.name, "ada"}}).returning({users.id}))
                .scalar<std::int64_t>();
  EXPECT_GE(id, 1);
  Row r = c.execute(select(users.id, users.name, users.active, users.visits, users.created_at,
                           users.profile)
                        .where(users.id == id))
              .one();
  EXPECT_EQ(r.get<std::string>("name"), "ada");
  EXPECT_EQ(r.get(users.name), "ada");  // typed by the handle
  EXPECT_EQ(r.get(users.id), id);
  EXPECT_EQ(r[users.visits], Value(0));
  EXPECT_EQ(r["active"].kind(), Value::Kind::boolean);  // read through the column type
  EXPECT_TRUE(r.get<bool>("active"));
  EXPECT_EQ(r.get<std::int64_t>("visits"), 0);
  EXPECT_EQ(r["created_at"].kind(), Value::Kind::timestamp);
  EXPECT_LT(std::abs(r.get<Timestamp>("created_at").micros() - Timestamp::now().micros()),
            std::int64_t{60} * 1000000);
  EXPECT_EQ(r["profile"].kind(), Value::Kind::json);  // the client-side default
  EXPECT_EQ(r.get<Json>("profile"), Json::object());
}

TEST_P(ExpressionTest, IntegerOverflowNamesTheColumn) {
  Connection c = engine().connect();
  try {
    c.execute(insert(users).values({{users.name, "x"}, {users.visits, std::int64_t{1} << 31}}));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("users.visits"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count(c, "users"), 0);
}

TEST_P(ExpressionTest, WhereOrderLimitAndNullHandling) {
  Connection c = engine().connect();
  seed(c);
  EXPECT_EQ(
      column_of<std::string>(c.execute(select(users.name).order_by({users.name.desc()})), "name"),
      (std::vector<std::string>{"linus", "grace", "ada"}));
  EXPECT_EQ(column_of<std::string>(
                c.execute(select(users.name).order_by({users.id}).limit(1).offset(1)), "name"),
            (std::vector<std::string>{"grace"}));
  // = NULL is never true; == nullptr compiles to IS NULL.
  EXPECT_EQ(
      c.execute(select(users.name).where(users.email == nullptr)).one().get<std::string>("name"),
      "linus");
  EXPECT_EQ(c.execute(select(sqlcore::count()).select_from(users).where(users.email != "ada@x.org"))
                .scalar<std::int64_t>(),
            1);
  EXPECT_EQ(c.execute(select(users.name).order_by({users.email.nulls_first()}))
                .first()
                ->get<std::string>("name"),
            "linus");
  EXPECT_EQ(c.execute(select(users.name).order_by({users.email.desc().nulls_last()}))
                .all()
                .back()
                .get<std::string>("name"),
            "linus");
  // Empty IN is false, empty NOT IN is true: no syntax error on any backend.
  EXPECT_EQ(
      c.execute(
           select(sqlcore::count()).select_from(users).where(users.id.in_(std::vector<Value>{})))
          .scalar<std::int64_t>(),
      0);
  EXPECT_EQ(
      c.execute(
           select(sqlcore::count()).select_from(users).where(users.id.not_in(std::vector<Value>{})))
          .scalar<std::int64_t>(),
      3);
  EXPECT_EQ(c.execute(select(sqlcore::count()).select_from(users).where(users.id.in_({1, 3})))
                .scalar<std::int64_t>(),
            2);
  EXPECT_EQ(
      c.execute(select(sqlcore::count()).select_from(users).where(users.visits.between(1, 10)))
          .scalar<std::int64_t>(),
      2);
  // A bound value is reused with new parameters; the statement compiles once.
  Select by_id = select(users.name).where(users.id == bindparam("id"));
  EXPECT_EQ(c.execute(by_id, {{"id", 1}}).scalar<std::string>(), "ada");
  EXPECT_EQ(c.execute(by_id, {{"id", 2}}).scalar<std::string>(), "grace");
}

TEST_P(ExpressionTest, LikeIsCaseSensitiveAndIlikeIsNot) {
  Connection c = engine().connect();
  seed(c);
  auto n = [&](const Expr& cond) {
    return c.execute(select(sqlcore::count()).select_from(users).where(cond))
        .scalar<std::int64_t>();
  };
  EXPECT_EQ(n(users.email.like("%@x.org")), 1);  // not Grace@X.org
  EXPECT_EQ(n(users.email.ilike("%@X.ORG")), 2);
  EXPECT_EQ(n(users.name.like("A%")), 0);
  EXPECT_EQ(n(users.name.ilike("A%")), 1);
  EXPECT_EQ(n(users.name.not_like("a%")), 2);
  // Escaping: a literal % in the data.
  c.execute(insert(settings).values({{settings.key, "100%_done"}, {settings.value, "v"}}));
  c.execute(insert(settings).values({{settings.key, "100xxdone"}, {settings.value, "v"}}));
  auto m = [&](const Expr& cond) {
    return c.execute(select(sqlcore::count()).select_from(settings).where(cond))
        .scalar<std::int64_t>();
  };
  EXPECT_EQ(m(settings.key.like("100%")), 2);
  EXPECT_EQ(m(settings.key.like(like_escape("100%_") + "%", '\\')), 1);
}

TEST_P(ExpressionTest, JoinsGroupingHaving) {
  Connection c = engine().connect();
  seed(c);
  // Foreign-key join, grouping, ordering by an aggregate.
  auto rows = c.execute(select(users.name, sqlcore::count(posts.id).label("n"),
                               sum(posts.score).label("total"))
                            .join(posts)
                            .group_by({users.name})
                            .having(sqlcore::count(posts.id) >= 1)
                            .order_by({sqlcore::count(posts.id).desc()}))
                  .all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::string>("name"), "ada");
  EXPECT_EQ(rows[0].get<std::int64_t>("n"), 3);
  EXPECT_EQ(rows[0].get<std::int64_t>("total"), 15);
  // Left join keeps users without posts.
  auto left = c.execute(select(users.name, sqlcore::count(posts.id).label("n"))
                            .outer_join(posts)
                            .group_by({users.name})
                            .order_by({users.name}))
                  .all();
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[2].get<std::int64_t>("n"), 0);
  // Self-join through an alias.
  FromItem boss = alias(users, "boss");
  auto pair = c.execute(select(users.name, boss[users.name].label("boss"))
                            .join(boss, users.manager_id == boss[users.id]))
                  .one();
  EXPECT_EQ(pair.get<std::string>("name"), "grace");
  EXPECT_EQ(pair.get<std::string>("boss"), "ada");
  // avg is a double on every backend.
  auto avg_score = c.execute(select(avg(posts.score))).scalar<double>();
  EXPECT_DOUBLE_EQ(avg_score, 6.0);
  auto names = c.execute(select(string_agg(users.name, ",").label("all"))).scalar<std::string>();
  std::set<std::string> got;
  for (std::size_t start = 0; start <= names.size();) {
    auto comma = names.find(',', start);
    got.insert(names.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  EXPECT_EQ(got, (std::set<std::string>{"ada", "grace", "linus"}));
}

TEST_P(ExpressionTest, SubqueriesWindowsAndCtes) {
  Connection c = engine().connect();
  seed(c);
  // Users with a post scoring above 8.
  EXPECT_EQ(
      c.execute(
           select(users.name).where(users.id.in_(select(posts.author_id).where(posts.score > 8))))
          .scalar<std::string>(),
      "grace");
  // Correlated EXISTS.
  EXPECT_EQ(c.execute(select(sqlcore::count())
                          .select_from(users)
                          .where(not_exists(select(posts.id).where(posts.author_id == users.id))))
                .scalar<std::int64_t>(),
            1);
  // The latest (highest id) post per author, with a window function.
  FromItem ranked =
      select(posts.author_id, posts.title,
             over(row_number(), {.partition_by = {posts.author_id}, .order_by = {posts.id.desc()}})
                 .label("rn"))
          .subquery("ranked");
  auto latest = c.execute(select(ranked.c("author_id"), ranked.c("title"))
                              .select_from(ranked)
                              .where(ranked.c("rn") == 1)
                              .order_by({ranked.c("author_id")}))
                    .all();
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].get<std::string>("title"), "a3");
  EXPECT_EQ(latest[1].get<std::string>("title"), "g1");
  // A recursive CTE: grace's chain of managers.
  FromItem chain = cte_ref("chain");
  Select base = select(users.id, users.manager_id).where(users.id == 2);
  Select step = select(users.id, users.manager_id)
                    .select_from(users)
                    .join(chain, users.id == chain.c("manager_id"));
  FromItem def = base.union_all(step).cte("chain", true);
  auto ids = column_of<std::int64_t>(
      c.execute(select(def.c("id")).select_from(def).order_by({def.c("id")})), "id");
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2}));
  // UNION removes duplicates, UNION ALL keeps them.
  EXPECT_EQ(
      c.execute(select(users.id).where(users.id < 3).union_(select(posts.author_id))).all().size(),
      2u);
  EXPECT_EQ(c.execute(select(users.id).where(users.id < 3).union_all(select(posts.author_id)))
                .all()
                .size(),
            6u);
}

TEST_P(ExpressionTest, UpsertBothWays) {
  Connection c = engine().connect();
  auto put = [&](const std::string& k, const std::string& v) {
    return insert(settings).values({{settings.key, k}, {settings.value, v}});
  };
  c.execute(put("theme", "dark"));
  c.execute(put("theme", "light").on_conflict({settings.key}).do_nothing());
  EXPECT_EQ(c.execute(select(settings.value).where(settings.key == "theme")).scalar<std::string>(),
            "dark");
  c.execute(put("theme", "light").on_conflict({settings.key}).do_update({settings.value}));
  EXPECT_EQ(c.execute(select(settings.value).where(settings.key == "theme")).scalar<std::string>(),
            "light");
  // An expression over the old row and the proposed one; the other columns stay (not a replace).
  c.execute(update(settings).set({{settings.hits, 5}}).where(settings.key == "theme"));
  auto hits = c.execute(put("theme", "blue")
                            .on_conflict_constraint("pk_settings")
                            .do_update({{settings.hits, settings.hits + 1},
                                        {settings.value, excluded(settings.value)}})
                            .returning({settings.hits, settings.value}))
                  .one();
  EXPECT_EQ(hits.get<std::int64_t>("hits"), 6);
  EXPECT_EQ(hits.get<std::string>("value"), "blue");
  // A conditional update: WHERE false leaves the row.
  c.execute(put("theme", "red")
                .on_conflict({settings.key})
                .do_update({settings.value}, settings.hits > 100));
  EXPECT_EQ(c.execute(select(settings.value).where(settings.key == "theme")).scalar<std::string>(),
            "blue");
}

TEST_P(ExpressionTest, UpdateDeleteReturning) {
  Connection c = engine().connect();
  seed(c);
  auto updated = c.execute(update(users)
                               .set({{users.visits, users.visits + 1}})
                               .where(users.visits > 0)
                               .returning({users.id}))
                     .all();
  EXPECT_EQ(updated.size(), 2u);
  EXPECT_EQ(c.execute(select(users.visits).where(users.id == 1)).scalar<std::int64_t>(), 11);
  auto gone = c.execute(delete_from(posts).where(posts.score < 6).returning({posts.title})).all();
  EXPECT_EQ(gone.size(), 2u);
  EXPECT_EQ(count(c, "posts"), 2);
  // Insert from a select.
  c.execute(
      insert(settings).from_select({settings.key, settings.value}, select(users.name, users.name)));
  EXPECT_EQ(count(c, "settings"), 3);
}

TEST_P(ExpressionTest, JsonExtraction) {
  Connection c = engine().connect();
  c.execute(insert(users).values(
      {{users.id, 1},
       {users.name, "a"},
       {users.profile,
        Json::parse(R"({"city":"Paris","age":36,"tags":["x","y"],"admin":true,"score":1.5})")}}));
  c.execute(insert(users).values(
      {{users.id, 2},
       {users.name, "b"},
       {users.profile,
        Json::parse(R"({"city":"Zürich","age":41,"tags":[],"admin":false,"score":2.5})")}}));
  EXPECT_EQ(c.execute(select(users.name).where(users.profile.json_text({"city"}) == "Zürich"))
                .scalar<std::string>(),
            "b");
  EXPECT_EQ(c.execute(select(users.name).where(users.profile.json_int({"age"}) > 40))
                .scalar<std::string>(),
            "b");
  EXPECT_EQ(c.execute(select(users.profile.json_text({"tags", 1}).label("t")).where(users.id == 1))
                .scalar<std::string>(),
            "y");
  EXPECT_EQ(c.execute(select(users.name).where(users.profile.json_bool({"admin"}) == true))
                .scalar<std::string>(),
            "a");
  EXPECT_DOUBLE_EQ(
      c.execute(select(users.profile.json_double({"score"}).label("s")).where(users.id == 2))
          .scalar<double>(),
      2.5);
  EXPECT_EQ(
      column_of<std::string>(
          c.execute(select(users.name).order_by({users.profile.json_int({"age"}).desc()})), "name"),
      (std::vector<std::string>{"b", "a"}));
}

TEST_P(ExpressionTest, TimeWindowsAcrossADayBoundary) {
  Connection c = engine().connect();
  // Rows just before and after midnight, and one a day earlier, written as typed values.
  Timestamp midnight = Timestamp::from_civil(2024, 3, 10);
  auto at = [&](std::int64_t offset_s) {
    return Timestamp::from_micros(midnight.micros() + offset_s * 1000000);
  };
  c.execute(insert(users)
                .values({{users.id, 1}, {users.name, "before"}, {users.created_at, at(-1)}})
                .values({{users.id, 2}, {users.name, "after"}, {users.created_at, at(1)}})
                .values({{users.id, 3}, {users.name, "old"}, {users.created_at, at(-86400 - 60)}}));
  auto n_since = [&](Timestamp t) {
    return c
        .execute(select(sqlcore::count()).select_from(users).where(users.created_at >= literal(t)))
        .scalar<std::int64_t>();
  };
  EXPECT_EQ(n_since(midnight), 1);
  EXPECT_EQ(n_since(at(-2)), 2);
  EXPECT_EQ(c.execute(select(sqlcore::count())
                          .select_from(users)
                          .where(users.created_at > literal(midnight) - days(1)))
                .scalar<std::int64_t>(),
            2);
  // now()-based windows: the cut-off is computed at execution.
  c.execute(insert(users).values(
      {{users.id, 4}, {users.name, "recent"}}));  // created now (server default)
  Select recent = select(users.name).where(users.created_at > now() - hours(1));
  EXPECT_EQ(column_of<std::string>(c.execute(recent), "name"),
            (std::vector<std::string>{"recent"}));
  // Column arithmetic in the database, in the stored form.
  EXPECT_EQ(c.execute(select(sqlcore::count())
                          .select_from(users)
                          .where(users.created_at + seconds(2) > literal(midnight) &&
                                 users.created_at < literal(midnight)))
                .scalar<std::int64_t>(),
            1);
}

TEST_P(ExpressionTest, ValuesCannotInjectAndComeBackUnchanged) {
  Connection c = engine().connect();
  const std::vector<std::string> evil = {"'; DROP TABLE blobs; --",
                                         "a\"b'c",
                                         "x; SELECT 1",
                                         "SELECT * FROM users",
                                         "%_\\",
                                         "ünï©ødé ✓",
                                         ""};
  std::int64_t id = 0;
  for (const auto& s : evil) {
    Blob b(s.begin(), s.end());
    b.push_back(0);  // NUL bytes go in binary columns (text cannot hold them on PostgreSQL)
    b.push_back(0xff);
    c.execute(insert(blobs).values({{blobs.id, ++id}, {blobs.text_value, s}, {blobs.bytes, b}}));
    Row r = c.execute(select(blobs.text_value, blobs.bytes).where(blobs.text_value == s)).one();
    EXPECT_EQ(r.get<std::string>("text_value"), s);
    EXPECT_EQ(r.get<Blob>("bytes"), b);
    EXPECT_EQ(c.execute(select(sqlcore::count())
                            .select_from(blobs)
                            .where(blobs.text_value.like(like_escape(s), '\\')))
                  .scalar<std::int64_t>(),
              1)
        << s;
  }
  EXPECT_EQ(count(c, "blobs"), static_cast<std::int64_t>(evil.size()));
  EXPECT_THROW(
      c.execute(insert(blobs).values(
          {{blobs.id, 99}, {blobs.text_value, std::string("a\0b", 3)}, {blobs.bytes, Blob{}}})),
      DataError);
}

TEST_P(ExpressionTest, ExecuteManyTenThousandRows) {
  Connection c = engine().connect();
  auto stmt = insert(posts).values({{posts.author_id, bindparam("a")},
                                    {posts.title, bindparam("t")},
                                    {posts.score, bindparam("s")}});
  c.execute(insert(users).values({{users.id, 1}, {users.name, "ada"}}));
  std::vector<Params> rows;
  rows.reserve(10000);
  for (int i = 0; i < 10000; ++i)
    rows.push_back({{"a", 1}, {"t", "p" + std::to_string(i)}, {"s", i % 100}});
  EXPECT_EQ(c.execute_many(stmt, rows), 10000);
  EXPECT_EQ(count(c, "posts"), 10000);
  EXPECT_EQ(c.execute(select(sum(posts.score))).scalar<std::int64_t>(), 495000);
  // A bad row makes the whole batch fail and leaves nothing behind.
  rows[500] = {{"a", 1}, {"t", "x"}, {"s", std::int64_t{1} << 40}};
  EXPECT_THROW(c.execute_many(stmt, rows), DataError);
  EXPECT_EQ(count(c, "posts"), 10000);
}

TEST_P(ExpressionTest, ExecuteManyBatchesKeepEveryRowsOwnValues) {
  Connection c = engine().connect();
  // 250 rows: two multi-row batches and 50 single rows; a client default per row.
  auto stmt = insert(users).values({{users.id, bindparam("id")}, {users.name, bindparam("n")}});
  std::vector<Params> rows;
  for (int i = 1; i <= 250; ++i) rows.push_back({{"n", "u" + std::to_string(i)}, {"id", i}});
  EXPECT_EQ(c.execute_many(stmt, rows), 250);
  EXPECT_EQ(count(c, "users"), 250);
  auto names = c.execute(select(users.id, users.name, users.profile).order_by({users.id})).all();
  ASSERT_EQ(names.size(), 250u);
  for (int i = 1; i <= 250; ++i) {
    EXPECT_EQ(names[static_cast<std::size_t>(i - 1)].get(users.name), "u" + std::to_string(i));
    EXPECT_EQ(names[static_cast<std::size_t>(i - 1)].get(users.profile), Json::object());
  }
}

SQLCORE_BACKEND_TEST_SUITE(ExpressionTest);

}  // namespace
}  // namespace sqlcore_test
