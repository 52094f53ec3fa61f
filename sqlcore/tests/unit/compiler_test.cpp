// Golden SQL for the expression language, per dialect, with no database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sqlcore/sqlcore.hpp>

#include "common/sample_schema.hpp"

using namespace sqlcore;

namespace {

const Dialect& lite() {
  return *find_dialect("sqlite");
}
const Dialect& pg() {
  return *find_dialect("postgresql");
}

using sample::Posts;
using sample::Settings;
using sample::Users;

class Golden : public ::testing::Test {
 protected:
  MetaData md;
  Users users{md};
  Posts posts{md};
  Settings settings{md};

  // Both dialects: the same statement, each dialect's SQL.
  template <class S>
  void expect(const S& stmt, const std::string& sqlite, const std::string& postgresql) {
    EXPECT_EQ(stmt.sql(lite()), sqlite);
    EXPECT_EQ(stmt.sql(pg()), postgresql);
  }
  // Where the only difference is the placeholder style: write `?N`, get `$N` for PostgreSQL.
  template <class S>
  void expect_same(const S& stmt, const std::string& sqlite) {
    std::string p;
    for (std::size_t i = 0; i < sqlite.size(); ++i) {
      if (sqlite[i] == '?' && i + 1 < sqlite.size() &&
          std::isdigit(static_cast<unsigned char>(sqlite[i + 1])))
        p += '$';
      else
        p += sqlite[i];
    }
    expect(stmt, sqlite, p);
  }
};

}  // namespace

TEST_F(Golden, SelectColumnsWhereOrderLimit) {
  expect_same(select(users.id, users.name),
              "SELECT \"users\".\"id\", \"users\".\"name\" FROM \"users\"");
  expect_same(select(users.id).where(users.id == 5),
              "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"id\" = ?1");
  expect_same(select(users.id).where(users.id > 5).where(users.email.is_null()),
              "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"id\" > ?1 AND "
              "\"users\".\"email\" IS NULL");
  expect_same(select(users.id).order_by({users.name, users.id.desc()}),
              "SELECT \"users\".\"id\" FROM \"users\" ORDER BY \"users\".\"name\", "
              "\"users\".\"id\" DESC");
  expect(select(users.id).limit(10).offset(20),
         "SELECT \"users\".\"id\" FROM \"users\" LIMIT 10 OFFSET 20",
         "SELECT \"users\".\"id\" FROM \"users\" LIMIT 10 OFFSET 20");
  expect(select(users.id).offset(5), "SELECT \"users\".\"id\" FROM \"users\" LIMIT -1 OFFSET 5",
         "SELECT \"users\".\"id\" FROM \"users\" OFFSET 5");
  expect_same(select(users.id).distinct(), "SELECT DISTINCT \"users\".\"id\" FROM \"users\"");
  expect_same(select_all(users), "SELECT * FROM \"users\"");
  expect(select(users.id).for_update(), "SELECT \"users\".\"id\" FROM \"users\"",
         "SELECT \"users\".\"id\" FROM \"users\" FOR UPDATE");
  expect(select(users.id).for_update(LockWait::skip_locked).limit(5),
         "SELECT \"users\".\"id\" FROM \"users\" LIMIT 5",
         "SELECT \"users\".\"id\" FROM \"users\" LIMIT 5 FOR UPDATE SKIP LOCKED");
  expect(select(users.id).for_update(LockWait::nowait), "SELECT \"users\".\"id\" FROM \"users\"",
         "SELECT \"users\".\"id\" FROM \"users\" FOR UPDATE NOWAIT");
  expect(select(users.id).for_share(), "SELECT \"users\".\"id\" FROM \"users\"",
         "SELECT \"users\".\"id\" FROM \"users\" FOR SHARE");
  expect(select(users.id).for_update(LockWait::nowait).for_update(false),
         "SELECT \"users\".\"id\" FROM \"users\"", "SELECT \"users\".\"id\" FROM \"users\"");
  expect_same(
      select(users.id).order_by({users.email.nulls_last(), users.name.desc().nulls_first()}),
      "SELECT \"users\".\"id\" FROM \"users\" ORDER BY \"users\".\"email\" NULLS LAST, "
      "\"users\".\"name\" DESC NULLS FIRST");
}

TEST_F(Golden, Operators) {
  auto w = [&](const Expr& e) { return select(users.id).where(e); };
  const std::string base = "SELECT \"users\".\"id\" FROM \"users\" WHERE ";
  expect_same(w(users.id != 1), base + "\"users\".\"id\" <> ?1");
  expect_same(w(users.id >= 1 && users.id <= 9),
              base + "\"users\".\"id\" >= ?1 AND \"users\".\"id\" <= ?2");
  expect_same(
      w(users.id < 1 || (users.id > 9 && users.active == true)),
      base + "\"users\".\"id\" < ?1 OR \"users\".\"id\" > ?2 AND \"users\".\"active\" = ?3");
  expect_same(
      w((users.id < 1 || users.id > 9) && users.active == true),
      base + "(\"users\".\"id\" < ?1 OR \"users\".\"id\" > ?2) AND \"users\".\"active\" = ?3");
  expect_same(w(!(users.id == 1)), base + "NOT \"users\".\"id\" = ?1");
  expect_same(w(!(users.id == 1 || users.id == 2)),
              base + "NOT (\"users\".\"id\" = ?1 OR \"users\".\"id\" = ?2)");
  expect_same(w(users.email == nullptr), base + "\"users\".\"email\" IS NULL");
  expect_same(w(users.email != nullptr), base + "\"users\".\"email\" IS NOT NULL");
  expect_same(w(users.email.is_not_null()), base + "\"users\".\"email\" IS NOT NULL");
  expect_same(w(users.visits + 1 > users.id * 2),
              base + "\"users\".\"visits\" + ?1 > \"users\".\"id\" * ?2");
  expect_same(w((users.visits + 1) * 2 == 4), base + "(\"users\".\"visits\" + ?1) * ?2 = ?3");
  expect_same(w(users.visits - (users.id - 1) == 0),
              base + "\"users\".\"visits\" - (\"users\".\"id\" - ?1) = ?2");
  expect_same(w(users.visits % 2 == 0), base + "\"users\".\"visits\" % ?1 = ?2");
  expect_same(w(-users.visits < 0), base + "-\"users\".\"visits\" < ?1");
  expect_same(w(users.name.concat("x") == "ax"), base + "\"users\".\"name\" || ?1 = ?2");
  expect_same(w(users.id.between(1, 5)), base + "\"users\".\"id\" BETWEEN ?1 AND ?2");
  expect_same(w(users.id.in_({1, 2, 3})), base + "\"users\".\"id\" IN (?1, ?2, ?3)");
  expect_same(w(users.id.not_in({1})), base + "\"users\".\"id\" NOT IN (?1)");
  expect_same(w(users.id.in_(std::vector<Value>{})), base + "1 = 0");
  expect_same(w(users.id.not_in(std::vector<Value>{})), base + "1 = 1");
  expect_same(w(users.id == bindparam("id")), base + "\"users\".\"id\" = ?1");
  expect_same(w(users.id == bindparam("id") || users.visits == bindparam("id")),
              base + "\"users\".\"id\" = ?1 OR \"users\".\"visits\" = ?1");
  expect_same(w(raw("1 = 1")), base + "1 = 1");
}

TEST_F(Golden, LikeAndIlike) {
  auto w = [&](const Expr& e) { return select(users.id).where(e); };
  const std::string base = "SELECT \"users\".\"id\" FROM \"users\" WHERE ";
  expect_same(w(users.name.like("a%")), base + "\"users\".\"name\" LIKE ?1");
  expect_same(w(users.name.not_like("a%")), base + "\"users\".\"name\" NOT LIKE ?1");
  expect_same(w(users.name.like("a!%%", '!')), base + "\"users\".\"name\" LIKE ?1 ESCAPE '!'");
  expect(w(users.name.ilike("A%")), base + "lower(\"users\".\"name\") LIKE lower(?1)",
         base + "\"users\".\"name\" ILIKE $1");
  expect(w(users.name.not_ilike("A%", '\\')),
         base + "lower(\"users\".\"name\") NOT LIKE lower(?1) ESCAPE '\\'",
         base + "\"users\".\"name\" NOT ILIKE $1 ESCAPE '\\'");
  expect_same(w(users.name.like("x", '\'')), base + "\"users\".\"name\" LIKE ?1 ESCAPE ''''");
  EXPECT_EQ(like_escape("50%_off\\"), "50\\%\\_off\\\\");
}

TEST_F(Golden, Functions) {
  expect_same(select(count()), "SELECT count(*) AS \"count\"");
  expect_same(select(count()).select_from(users), "SELECT count(*) AS \"count\" FROM \"users\"");
  expect_same(select(count(users.email)),
              "SELECT count(\"users\".\"email\") AS \"count\" FROM \"users\"");
  expect_same(select(count_distinct(users.name)),
              "SELECT count(DISTINCT \"users\".\"name\") AS \"count\" FROM \"users\"");
  expect_same(select(sum(users.visits), avg(users.visits), min(users.id), max(users.id)),
              "SELECT sum(\"users\".\"visits\") AS \"sum\", avg(\"users\".\"visits\") AS \"avg\", "
              "min(\"users\".\"id\") AS \"min\", max(\"users\".\"id\") AS \"max\" FROM \"users\"");
  expect_same(select(lower(users.name), upper(users.name), length(users.name)),
              "SELECT lower(\"users\".\"name\") AS \"lower\", upper(\"users\".\"name\") AS "
              "\"upper\", length(\"users\".\"name\") AS \"length\" FROM \"users\"");
  expect_same(select(substr(users.name, 1, 3).label("s")),
              "SELECT substr(\"users\".\"name\", ?1, ?2) AS \"s\" FROM \"users\"");
  expect_same(select(abs(users.visits), round(users.visits)),
              "SELECT abs(\"users\".\"visits\") AS \"abs\", round(\"users\".\"visits\") AS "
              "\"round\" FROM \"users\"");
  expect_same(
      select(round(users.visits, 2)),
      "SELECT round(CAST(\"users\".\"visits\" AS NUMERIC), ?1) AS \"round\" FROM \"users\"");
  expect_same(select(coalesce({users.email, "none"}).label("e")),
              "SELECT coalesce(\"users\".\"email\", ?1) AS \"e\" FROM \"users\"");
  expect(
      select(string_agg(users.name, ", ")),
      "SELECT group_concat(\"users\".\"name\", ?1) AS \"string_agg\" FROM \"users\"",
      "SELECT string_agg(CAST(\"users\".\"name\" AS TEXT), $1) AS \"string_agg\" FROM \"users\"");
  expect_same(select(func("typeof", {users.id})),
              "SELECT typeof(\"users\".\"id\") AS \"typeof\" FROM \"users\"");
  expect(select(users.id.cast(types::Text).label("t")),
         "SELECT CAST(\"users\".\"id\" AS TEXT) AS \"t\" FROM \"users\"",
         "SELECT CAST(\"users\".\"id\" AS TEXT) AS \"t\" FROM \"users\"");
  expect(select(cast(users.visits, types::Double).label("d")),
         "SELECT CAST(\"users\".\"visits\" AS DOUBLE) AS \"d\" FROM \"users\"",
         "SELECT CAST(\"users\".\"visits\" AS DOUBLE PRECISION) AS \"d\" FROM \"users\"");
  expect_same(
      select(case_({{users.visits > 10, "many"}, {users.visits > 0, "some"}}, "none").label("k")),
      "SELECT CASE WHEN \"users\".\"visits\" > ?1 THEN ?2 WHEN \"users\".\"visits\" > ?3 "
      "THEN ?4 ELSE ?5 END AS \"k\" FROM \"users\"");
  expect_same(select(case_({{users.active, 1}})),
              "SELECT CASE WHEN \"users\".\"active\" THEN ?1 END AS \"col_1\" FROM \"users\"");
  expect_same(select(users.id, count(), count()).select_from(users).group_by({users.id}),
              "SELECT \"users\".\"id\", count(*) AS \"count\", count(*) AS \"count_1\" FROM "
              "\"users\" GROUP BY \"users\".\"id\"");
  // A label another column has (a column's name, a label()) takes the next free suffix.
  expect_same(
      select(users.name.label("max"), max(users.id), count().label("count_1"), count(), count())
          .select_from(users)
          .group_by({users.name}),
      "SELECT \"users\".\"name\" AS \"max\", max(\"users\".\"id\") AS \"max_1\", count(*) "
      "AS \"count_1\", count(*) AS \"count\", count(*) AS \"count_2\" FROM \"users\" "
      "GROUP BY \"users\".\"name\"");
  expect_same(update(users).set({{users.visits, 1}}).returning({users.id, users.visits + 1}),
              "UPDATE \"users\" SET \"visits\" = ?1 RETURNING \"users\".\"id\", "
              "\"users\".\"visits\" + ?2 AS \"col_2\"");
}

TEST_F(Golden, GroupByHaving) {
  expect_same(select(posts.author_id, count().label("n"))
                  .group_by({posts.author_id})
                  .having(count() > 1)
                  .order_by({count().desc()}),
              "SELECT \"posts\".\"author_id\", count(*) AS \"n\" FROM \"posts\" GROUP BY "
              "\"posts\".\"author_id\" HAVING count(*) > ?1 ORDER BY count(*) DESC");
}

TEST_F(Golden, Joins) {
  expect_same(select(users.name, posts.title).join(posts),
              "SELECT \"users\".\"name\", \"posts\".\"title\" FROM \"users\" JOIN \"posts\" ON "
              "\"posts\".\"author_id\" = \"users\".\"id\"");
  expect_same(select(users.name, posts.title).outer_join(posts, posts.author_id == users.id),
              "SELECT \"users\".\"name\", \"posts\".\"title\" FROM \"users\" LEFT OUTER JOIN "
              "\"posts\" ON \"posts\".\"author_id\" = \"users\".\"id\"");
  expect_same(select(users.name, posts.title).select_from(posts).join(users),
              "SELECT \"users\".\"name\", \"posts\".\"title\" FROM \"posts\" JOIN \"users\" ON "
              "\"posts\".\"author_id\" = \"users\".\"id\"");
  expect_same(select(users.name, posts.title).full_join(posts, posts.author_id == users.id),
              "SELECT \"users\".\"name\", \"posts\".\"title\" FROM \"users\" FULL OUTER JOIN "
              "\"posts\" ON \"posts\".\"author_id\" = \"users\".\"id\"");
  // Self-join through an alias; the foreign key is found on the alias too.
  FromItem boss = alias(users, "boss");
  expect_same(select(users.name, boss[users.name].label("boss_name"))
                  .join(boss, users.manager_id == boss[users.id]),
              "SELECT \"users\".\"name\", \"boss\".\"name\" AS \"boss_name\" FROM \"users\" JOIN "
              "\"users\" AS \"boss\" ON \"users\".\"manager_id\" = \"boss\".\"id\"");
  expect_same(select(users.name).select_from(users).join(boss),
              "SELECT \"users\".\"name\" FROM \"users\" JOIN \"users\" AS \"boss\" ON "
              "\"boss\".\"manager_id\" = \"users\".\"id\"");
  EXPECT_THROW(select(settings.key).join(posts).sql(lite()), ArgumentError);
}

TEST_F(Golden, Subqueries) {
  Select top = select(posts.author_id).where(posts.score > 10);
  expect_same(select(users.name).where(users.id.in_(top)),
              "SELECT \"users\".\"name\" FROM \"users\" WHERE \"users\".\"id\" IN (SELECT "
              "\"posts\".\"author_id\" FROM \"posts\" WHERE \"posts\".\"score\" > ?1)");
  // Correlated: the inner select does not repeat the outer table in its FROM.
  expect_same(select(users.name).where(exists(select(posts.id).where(posts.author_id == users.id))),
              "SELECT \"users\".\"name\" FROM \"users\" WHERE EXISTS (SELECT \"posts\".\"id\" FROM "
              "\"posts\" WHERE \"posts\".\"author_id\" = \"users\".\"id\")");
  expect_same(
      select(users.name).where(not_exists(select(posts.id).where(posts.author_id == users.id))),
      "SELECT \"users\".\"name\" FROM \"users\" WHERE NOT EXISTS (SELECT \"posts\".\"id\" "
      "FROM \"posts\" WHERE \"posts\".\"author_id\" = \"users\".\"id\")");
  expect_same(
      select(
          users.name,
          scalar(select(count()).select_from(posts).where(posts.author_id == users.id)).label("n")),
      "SELECT \"users\".\"name\", (SELECT count(*) AS \"count\" FROM \"posts\" WHERE "
      "\"posts\".\"author_id\" = \"users\".\"id\") AS \"n\" FROM \"users\"");
  FromItem counts =
      select(posts.author_id, count().label("n")).group_by({posts.author_id}).subquery("c");
  expect_same(select(users.name, counts.c("n")).join(counts, counts.c("author_id") == users.id),
              "SELECT \"users\".\"name\", \"c\".\"n\" FROM \"users\" JOIN (SELECT "
              "\"posts\".\"author_id\", count(*) AS \"n\" FROM \"posts\" GROUP BY "
              "\"posts\".\"author_id\") AS \"c\" ON \"c\".\"author_id\" = \"users\".\"id\"");
  EXPECT_THROW(counts.c("nope"), ArgumentError);
}

TEST_F(Golden, CompoundAndCte) {
  expect_same(select(users.id).where(users.id < 3).union_(select(posts.id)),
              "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"id\" < ?1 UNION SELECT "
              "\"posts\".\"id\" FROM \"posts\"");
  Select u = select(users.id).union_all(select(posts.id));
  u.order_by({raw("1")}).limit(5);
  expect_same(u,
              "SELECT \"users\".\"id\" FROM \"users\" UNION ALL SELECT \"posts\".\"id\" FROM "
              "\"posts\" ORDER BY 1 LIMIT 5");
  expect_same(select(users.id).intersect(select(posts.author_id)),
              "SELECT \"users\".\"id\" FROM \"users\" INTERSECT SELECT \"posts\".\"author_id\" "
              "FROM \"posts\"");
  expect_same(select(users.id).except(select(posts.author_id).limit(1)),
              "SELECT \"users\".\"id\" FROM \"users\" EXCEPT SELECT * FROM (SELECT "
              "\"posts\".\"author_id\" FROM \"posts\" LIMIT 1) AS \"anon_2\"");
  FromItem active = select(users.id, users.name).where(users.active == true).cte("active");
  expect_same(select(active.c("name")).select_from(active),
              "WITH \"active\" AS (SELECT \"users\".\"id\", \"users\".\"name\" FROM \"users\" "
              "WHERE \"users\".\"active\" = ?1) SELECT \"active\".\"name\" FROM \"active\"");
  // Recursive: the chain of managers above user 7.
  FromItem chain = cte_ref("chain");
  Select base = select(users.id, users.manager_id).where(users.id == 7);
  Select step = select(users.id, users.manager_id)
                    .select_from(users)
                    .join(chain, users.id == chain.c("manager_id"));
  FromItem def = base.union_all(step).cte("chain", true);
  expect_same(select(def.c("id")).select_from(def),
              "WITH RECURSIVE \"chain\" AS (SELECT \"users\".\"id\", \"users\".\"manager_id\" FROM "
              "\"users\" WHERE \"users\".\"id\" = ?1 UNION ALL SELECT \"users\".\"id\", "
              "\"users\".\"manager_id\" FROM \"users\" JOIN \"chain\" ON \"users\".\"id\" = "
              "\"chain\".\"manager_id\") SELECT \"chain\".\"id\" FROM \"chain\"");
}

TEST_F(Golden, WindowFunctions) {
  // The latest post per author.
  Expr rn = over(row_number(), {.partition_by = {posts.author_id}, .order_by = {posts.id.desc()}});
  expect_same(select(posts.id, rn.label("rn")),
              "SELECT \"posts\".\"id\", row_number() OVER (PARTITION BY \"posts\".\"author_id\" "
              "ORDER BY \"posts\".\"id\" DESC) AS \"rn\" FROM \"posts\"");
  expect_same(select(posts.id, over(rank(), {.order_by = {posts.score}})),
              "SELECT \"posts\".\"id\", rank() OVER (ORDER BY \"posts\".\"score\") AS \"rank\" "
              "FROM \"posts\"");
  expect_same(select(over(sum(posts.score), {.partition_by = {posts.author_id}}).label("total")),
              "SELECT sum(\"posts\".\"score\") OVER (PARTITION BY \"posts\".\"author_id\") AS "
              "\"total\" FROM \"posts\"");
}

TEST_F(Golden, Json) {
  expect(
      select(users.id).where(users.profile.json_text({"address", "city"}) == "Paris"),
      "SELECT \"users\".\"id\" FROM \"users\" WHERE json_extract(\"users\".\"profile\", ?1) = ?2",
      "SELECT \"users\".\"id\" FROM \"users\" WHERE jsonb_extract_path_text(\"users\".\"profile\", "
      "$1, $2) = $3");
  expect(select(users.profile.json_int({"tags", 0}).label("t")),
         "SELECT CAST(json_extract(\"users\".\"profile\", ?1) AS BIGINT) AS \"t\" FROM \"users\"",
         "SELECT CAST(jsonb_extract_path_text(\"users\".\"profile\", $1, $2) AS BIGINT) AS \"t\" "
         "FROM \"users\"");
  expect(select(users.profile.json_bool({"admin"}).label("a")),
         "SELECT CAST(json_extract(\"users\".\"profile\", ?1) AS BOOLEAN) AS \"a\" FROM \"users\"",
         "SELECT CAST(jsonb_extract_path_text(\"users\".\"profile\", $1) AS BOOLEAN) AS \"a\" FROM "
         "\"users\"");
  expect(select(users.profile.json_double({"score"}).label("s")),
         "SELECT CAST(json_extract(\"users\".\"profile\", ?1) AS DOUBLE) AS \"s\" FROM \"users\"",
         "SELECT CAST(jsonb_extract_path_text(\"users\".\"profile\", $1) AS DOUBLE PRECISION) AS "
         "\"s\" FROM \"users\"");
  // The path is bound, in each backend's form.
  auto c = select(users.profile.json_text({"a b", 2})).compile(lite());
  ASSERT_EQ(c->slots.size(), 1u);
  EXPECT_EQ(c->slots[0].value, Value("$.\"a b\"[2]"));
  auto p = select(users.profile.json_text({"a b", 2})).compile(pg());
  ASSERT_EQ(p->slots.size(), 2u);
  EXPECT_EQ(p->slots[1].value, Value("2"));
  EXPECT_THROW(users.profile.json_text({}), ArgumentError);
  EXPECT_THROW(users.profile.json_text({"a\"b"}), ArgumentError);
}

TEST_F(Golden, Time) {
  auto q = select(users.id).where(users.created_at > now() - hours(24));
  expect_same(q, "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"created_at\" > ?1");
  auto c = q.compile(lite());
  ASSERT_EQ(c->slots.size(), 1u);
  EXPECT_EQ(c->slots[0].source, BindSlot::Source::now);
  EXPECT_EQ(c->slots[0].offset_us, -24LL * 3600 * 1000000);
  Timestamp t0 = Timestamp::from_civil(2024, 1, 1);
  auto f = select(users.id).where(users.created_at < literal(t0) + days(1)).compile(pg());
  EXPECT_EQ(f->slots[0].value, Value(Timestamp::from_civil(2024, 1, 2)));
  expect(select(users.id).where(users.created_at + minutes(5) < now()),
         "SELECT \"users\".\"id\" FROM \"users\" WHERE (strftime('%Y-%m-%d %H:%M:%S', "
         "\"users\".\"created_at\", '+300 seconds') || substr(\"users\".\"created_at\", 20)) < ?1",
         "SELECT \"users\".\"id\" FROM \"users\" WHERE (\"users\".\"created_at\" + 300 * INTERVAL "
         "'1 second') < $1");
  EXPECT_THROW(hours(1) + users.created_at, ArgumentError);
  EXPECT_THROW(users.name + hours(1), ArgumentError);
}

TEST_F(Golden, Insert) {
  expect(insert(settings).values({{settings.key, "theme"}, {settings.value, "dark"}}),
         "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2)",
         "INSERT INTO \"settings\" (\"key\", \"value\") VALUES ($1, $2)");
  // Several rows in one statement.
  expect_same(insert(settings)
                  .values({{settings.key, "a"}, {settings.value, "1"}})
                  .values({{settings.key, "b"}, {settings.value, "2"}}),
              "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2), (?3, ?4)");
  // A client-side default fills the column left out; the autoincrement id is left to the database.
  auto ins = insert(users).values({{users.name, "ada"}}).returning({users.id});
  expect_same(ins,
              "INSERT INTO \"users\" (\"name\", \"profile\") VALUES (?1, ?2) RETURNING "
              "\"users\".\"id\"");
  auto c = ins.compile(lite());
  EXPECT_EQ(c->slots[1].source, BindSlot::Source::client_default);
  EXPECT_EQ(c->slots[0].label, "users.name");
  EXPECT_TRUE(c->result_types.empty());  // an integer needs no conversion on read
  expect_same(insert(posts).from_select({posts.author_id, posts.title},
                                        select(users.id, users.name).where(users.active == true)),
              "INSERT INTO \"posts\" (\"author_id\", \"title\") SELECT \"users\".\"id\", "
              "\"users\".\"name\" FROM \"users\" WHERE \"users\".\"active\" = ?1");
  expect_same(
      insert(settings).values({{settings.key, bindparam("k")}, {settings.value, bindparam("v")}}),
      "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2)");
  MetaData md2;
  Table& bare = md2.add_table("bare");
  bare.column("id", types::Integer).primary_key();
  expect_same(insert(bare), "INSERT INTO \"bare\" DEFAULT VALUES");
  EXPECT_THROW(insert(settings).values({{settings.key, "a"}, {settings.key, "b"}}), ArgumentError);
  EXPECT_THROW(insert(settings).values({{"nope", 1}}), ArgumentError);
  EXPECT_THROW(
      insert(settings).values({{settings.key, "a"}}).values({{settings.value, "b"}}).sql(lite()),
      ArgumentError);
}

TEST_F(Golden, Upsert) {
  expect_same(insert(settings)
                  .values({{settings.key, "theme"}, {settings.value, "dark"}})
                  .on_conflict({settings.key})
                  .do_update({settings.value}),
              "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2) ON CONFLICT (\"key\") "
              "DO UPDATE SET \"value\" = excluded.\"value\"");
  expect_same(insert(settings)
                  .values({{settings.key, "theme"}, {settings.value, "dark"}})
                  .on_conflict({settings.key})
                  .do_nothing(),
              "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2) ON CONFLICT (\"key\") "
              "DO NOTHING");
  expect_same(
      insert(posts)
          .values({{posts.id, 1}, {posts.author_id, 1}, {posts.title, "t"}, {posts.score, 1}})
          .on_conflict({posts.id})
          .do_update({{posts.score, posts.score + excluded(posts.score)}}, posts.score < 100)
          .returning({posts.score}),
      "INSERT INTO \"posts\" (\"id\", \"author_id\", \"title\", \"score\") VALUES (?1, ?2, "
      "?3, ?4) ON CONFLICT (\"id\") DO UPDATE SET \"score\" = \"posts\".\"score\" + "
      "excluded.\"score\" WHERE \"posts\".\"score\" < ?5 RETURNING \"posts\".\"score\"");
  expect_same(insert(settings)
                  .values({{settings.key, "k"}, {settings.value, "v"}})
                  .on_conflict_constraint("pk_settings")
                  .do_nothing(),
              "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2) ON CONFLICT (\"key\") "
              "DO NOTHING");
  EXPECT_THROW(insert(settings).on_conflict_constraint("nope"), ArgumentError);
  EXPECT_THROW(insert(settings).do_nothing(), ArgumentError);
  EXPECT_THROW(
      insert(settings).values({{settings.key, "k"}}).on_conflict({settings.key}).sql(lite()),
      ArgumentError);
}

// A partial unique index as the conflict target: its predicate goes with its columns, which is
// how both backends find that index.
TEST_F(Golden, UpsertOnAPartialUniqueIndexNamesItsPredicate) {
  struct Payments : Table {
    Col<std::string> id = column("id", types::Text).primary_key();
    Col<std::optional<std::string>> ref = column("ref", types::Text);
    Col<std::string> kind = column("kind", types::Text);
    explicit Payments(MetaData& m) : Table(m, "payments") {
      index("uq_payments_ref_kind", {ref, kind}).unique().where(raw_sql("\"paid\" IS NULL"));
    }
  };
  Payments p(md);
  const auto stmt = insert(p)
                        .values({{p.id, "1"}, {p.ref, "r"}, {p.kind, "k"}})
                        .on_conflict_constraint("uq_payments_ref_kind")
                        .do_nothing();
  expect_same(stmt,
              "INSERT INTO \"payments\" (\"id\", \"ref\", \"kind\") VALUES (?1, ?2, ?3) ON "
              "CONFLICT (\"ref\", \"kind\") WHERE \"paid\" IS NULL DO NOTHING");
  // The same columns named directly are another statement (no predicate).
  EXPECT_EQ(insert(p)
                .values({{p.id, "1"}, {p.ref, "r"}, {p.kind, "k"}})
                .on_conflict({p.ref, p.kind})
                .do_nothing()
                .sql(lite())
                .find("WHERE"),
            std::string::npos);
}

TEST_F(Golden, UpdateDelete) {
  expect_same(
      update(users).set({{users.visits, users.visits + 1}}).where(users.id == 7),
      "UPDATE \"users\" SET \"visits\" = \"users\".\"visits\" + ?1 WHERE \"users\".\"id\" = ?2");
  expect_same(update(users)
                  .set({{users.name, "x"}, {users.email, nullptr}})
                  .returning({users.id, users.name}),
              "UPDATE \"users\" SET \"name\" = ?1, \"email\" = ?2 RETURNING \"users\".\"id\", "
              "\"users\".\"name\"");
  expect_same(delete_from(posts).where(posts.score < 0),
              "DELETE FROM \"posts\" WHERE \"posts\".\"score\" < ?1");
  expect_same(delete_from(posts), "DELETE FROM \"posts\"");
  expect_same(
      delete_from(posts)
          .where(posts.author_id.in_(select(users.id).where(users.active == false)))
          .returning({posts.id}),
      "DELETE FROM \"posts\" WHERE \"posts\".\"author_id\" IN (SELECT \"users\".\"id\" FROM "
      "\"users\" WHERE \"users\".\"active\" = ?1) RETURNING \"posts\".\"id\"");
  EXPECT_THROW(update(users).sql(lite()), ArgumentError);
  EXPECT_THROW(delete_from(users).values({{users.id, 1}}), ArgumentError);
  EXPECT_THROW(insert(users).where(users.id == 1), ArgumentError);
}

TEST_F(Golden, BindsCarryColumnTypes) {
  // An INSERT value is checked by its column's type and named by it.
  auto c = insert(users).values({{users.name, "ada"}, {users.visits, 5}}).compile(pg());
  ASSERT_EQ(c->slots.size(), 3u);
  EXPECT_EQ(*c->slots[1].type, types::Integer);
  EXPECT_EQ(c->slots[1].label, "users.visits");
  // A comparison converts a time given as text, but does not range-check integers.
  auto w = select(users.id).where(Expr(users.created_at) > "2024-01-01T00:00:00Z").compile(lite());
  EXPECT_EQ(*w->slots[0].type, types::DateTime);
  auto i = select(users.id).where(users.visits > 5).compile(lite());
  ASSERT_EQ(i->slots.size(), 1u);
  EXPECT_FALSE(i->slots[0].type.has_value());
  // Only bindparam()s: plain named parameters, the fast path.
  EXPECT_TRUE(select(users.id).where(users.id == bindparam("id")).compile(lite())->slots.empty());
  // Result columns carry their types.
  auto r = select(users.active, users.created_at, count()).compile(lite());
  ASSERT_EQ(r->result_types.size(), 3u);
  EXPECT_EQ(*r->result_types[0], types::Boolean);
  EXPECT_EQ(*r->result_types[1], types::DateTime);
  EXPECT_FALSE(r->result_types[2].has_value());  // count(): read as it comes
}

TEST_F(Golden, ExecuteManyBatchForm) {
  auto ins =
      insert(settings).values({{settings.key, bindparam("k")}, {settings.value, bindparam("v")}});
  auto b = ins.compile_batch(lite(), 3);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->sql,
            "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2), (?3, ?4), (?5, ?6)");
  EXPECT_EQ(b->param_names, (std::vector<std::string>{"k", "v", "k", "v", "k", "v"}));
  EXPECT_EQ(ins.compile_batch(pg(), 2)->sql,
            "INSERT INTO \"settings\" (\"key\", \"value\") VALUES ($1, $2), ($3, $4)");
  // DO NOTHING keeps its meaning over many rows.
  EXPECT_EQ(Dml(ins).on_conflict({settings.key}).do_nothing().compile_batch(lite(), 2)->sql,
            "INSERT INTO \"settings\" (\"key\", \"value\") VALUES (?1, ?2), (?3, ?4) ON "
            "CONFLICT (\"key\") DO NOTHING");
  // No batch form where rows could interact or come back.
  EXPECT_FALSE(
      Dml(ins).on_conflict({settings.key}).do_update({settings.value}).compile_batch(lite(), 3));
  EXPECT_FALSE(insert(settings)
                   .values({{settings.key, bindparam("k")},
                            {settings.value, scalar(select(max(settings.value)))}})
                   .compile_batch(lite(), 3));
  EXPECT_FALSE(Dml(ins).returning({settings.key}).compile_batch(lite(), 3));
  EXPECT_FALSE(update(settings).set({{settings.value, "x"}}).compile_batch(lite(), 3));
}

TEST_F(Golden, StatementsCompileOncePerDialectAndCopiesAreIndependent) {
  Select q = select(users.id).where(users.id == bindparam("id"));
  const CompiledStatement* a = &q.compiled(lite());
  EXPECT_EQ(&q.compiled(lite()), a);
  EXPECT_NE(&q.compiled(pg()), a);
  Select copy = q;
  copy.where(users.active == true);
  EXPECT_NE(copy.sql(lite()), q.sql(lite()));
  EXPECT_EQ(q.sql(lite()), "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"id\" = ?1");
  // A subquery keeps what it was when used.
  Select sub = select(posts.author_id);
  Select outer = select(users.id).where(users.id.in_(sub));
  sub.where(posts.score > 1);
  EXPECT_EQ(outer.sql(lite()),
            "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"id\" IN "
            "(SELECT \"posts\".\"author_id\" FROM \"posts\")");
}

TEST_F(Golden, QuotingAndValuesNeverInSql) {
  MetaData md2;
  Table& t = md2.add_table("order");
  t.column("user", types::Integer).primary_key();
  t.column("Group \"x\"", types::Text);
  const std::string evil = "'; DROP TABLE users; --";
  auto s =
      select(t.c("Group \"x\"")).where(t.c("Group \"x\"") == evil && Expr(t.c("user")).like(evil));
  for (const Dialect* d : {&lite(), &pg()}) {
    std::string sql = s.sql(*d);
    EXPECT_EQ(sql.find("DROP"), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"order\".\"Group \"\"x\"\"\""), std::string::npos) << sql;
  }
}

// Typed handles: comparing with a value of another C++ type does not compile.
namespace {
template <class A, class B>
concept Comparable = requires(const A& a, const B& b) {
  a == b;
};
template <class A, class B>
concept Ordered = requires(const A& a, const B& b) {
  a < b;
};
}  // namespace
static_assert(Comparable<Col<std::int64_t>, int>);
static_assert(!Comparable<Col<std::int64_t>, const char*>);
static_assert(!Comparable<Col<std::string>, int>);
static_assert(Comparable<Col<std::string>, std::string>);
static_assert(!Ordered<Col<Timestamp>, const char*>);
static_assert(Ordered<Col<Timestamp>, Timestamp>);
static_assert(Comparable<Col<std::optional<std::string>>, std::nullptr_t>);
static_assert(Comparable<Col<bool>, bool>);
static_assert(Comparable<Expr, const char*>);  // Expr opts out of the check
// Unrelated types keep their own operators.
static_assert(!Comparable<std::vector<int>, Expr>);

// A minimal dialect (what a new backend implements) without NULLS FIRST/LAST: the compiler
// emulates it with an extra sort key. Its compiler overrides the two constructs it spells its
// own way; JSON members use the standard JSON_VALUE.
namespace {
class OldSqlCompiler final : public SqlCompiler {
 public:
  using SqlCompiler::SqlCompiler;

 protected:
  bool supports_nulls_order() const override { return false; }
  void visit_datetime_add(std::string& out, const std::string& expr,
                          std::int64_t seconds) override {
    out += "DATEADD(second, " + std::to_string(seconds) + ", " + expr + ")";
  }
};

class OldSqlDialect final : public Dialect {
 public:
  std::string_view name() const override { return "oldsql"; }
  std::vector<std::string> url_schemes() const override { return {"oldsql"}; }
  void append_placeholder(std::string& out, std::size_t) const override { out += '?'; }
  std::size_t max_parameters() const override { return 999; }
  std::string current_timestamp_sql(const Type&) const override { return "CURRENT_TIMESTAMP"; }
  std::string has_table_sql() const override { return "SELECT 1"; }
  // No catalog reader: Inspector refuses this dialect with CompileError.
  std::unique_ptr<SqlCompiler> make_compiler() const override {
    return std::make_unique<OldSqlCompiler>(*this);
  }
};

// MySQL's spellings, written here and nowhere in sqlcore: backtick quoting, INSERT ... ON
// DUPLICATE KEY UPDATE with VALUES(col) for the proposed value, and LIMIT with every OFFSET.
class MySqlTestCompiler final : public SqlCompiler {
 public:
  using SqlCompiler::SqlCompiler;

 protected:
  void visit_upsert(std::string& out, const UpsertClause& u) override {
    out += " ON DUPLICATE KEY UPDATE ";
    if (u.do_nothing) {  // MySQL's idiom for "ignore": set a key column to itself
      const std::string c = quote(u.conflict_columns.at(0)->name());
      out += c + " = " + c;
      return;
    }
    for (std::size_t i = 0; i < u.set.size(); ++i) {
      if (i) out += ", ";
      out += quote(u.set[i].first->name()) + " = ";
      render_value(out, *u.set[i].first, u.set[i].second);
    }
  }
  void visit_excluded(std::string& out, const Column& column) override {
    out += "VALUES(" + quote(column.name()) + ")";
  }
  // OFFSET needs a LIMIT; MySQL's documented "no limit" is the largest unsigned 64-bit value.
  void visit_limit_offset(std::string& out, std::optional<std::int64_t> limit,
                          std::optional<std::int64_t> offset) override {
    if (limit || offset)
      out += " LIMIT " + (limit ? std::to_string(*limit) : std::string("18446744073709551615"));
    if (offset) out += " OFFSET " + std::to_string(*offset);
  }
};

class MySqlTestDialect final : public Dialect {
 public:
  std::string_view name() const override { return "mysql-test"; }
  std::vector<std::string> url_schemes() const override { return {"mysql-test"}; }
  void append_placeholder(std::string& out, std::size_t) const override { out += '?'; }
  std::string quote_identifier(std::string_view ident) const override {
    std::string out = "`";
    for (char c : ident) out += c == '`' ? std::string("``") : std::string(1, c);
    return out + "`";
  }
  std::size_t max_parameters() const override { return 65535; }
  std::string current_timestamp_sql(const Type&) const override { return "CURRENT_TIMESTAMP(6)"; }
  std::string has_table_sql() const override { return "SELECT 1"; }
  std::unique_ptr<SqlCompiler> make_compiler() const override {
    return std::make_unique<MySqlTestCompiler>(*this);
  }
};
}  // namespace

TEST_F(Golden, AThirdBackendRendersItsOwnUpsertQuotingAndLimitWithoutCoreChanges) {
  MySqlTestDialect my;
  EXPECT_EQ(insert(settings)
                .values({{settings.key, "k"}, {settings.value, "v"}})
                .on_conflict({settings.key})
                .do_update({settings.value})
                .sql(my),
            "INSERT INTO `settings` (`key`, `value`) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
            "`value` = VALUES(`value`)");
  EXPECT_EQ(insert(settings)
                .values({{settings.key, "k"}, {settings.value, "v"}})
                .on_conflict({settings.key})
                .do_update({{settings.hits, settings.hits + 1}})
                .sql(my),
            "INSERT INTO `settings` (`key`, `value`) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
            "`hits` = `settings`.`hits` + ?");
  EXPECT_EQ(select(users.id).order_by({users.id}).limit(10).offset(20).sql(my),
            "SELECT `users`.`id` FROM `users` ORDER BY `users`.`id` LIMIT 10 OFFSET 20");
  EXPECT_EQ(select(users.id).offset(5).sql(my),
            "SELECT `users`.`id` FROM `users` LIMIT 18446744073709551615 OFFSET 5");
  // The built-in dialects are untouched by it.
  EXPECT_EQ(select(users.id).offset(5).sql(pg()),
            "SELECT \"users\".\"id\" FROM \"users\" OFFSET 5");
}

TEST_F(Golden, ANewDialectOnlyImplementsItsDifferences) {
  OldSqlDialect old;
  EXPECT_EQ(select(users.id)
                .order_by({users.email.nulls_first(), users.name.desc().nulls_last()})
                .sql(old),
            "SELECT \"users\".\"id\" FROM \"users\" ORDER BY CASE WHEN \"users\".\"email\" IS NULL "
            "THEN 0 ELSE 1 END, \"users\".\"email\", CASE WHEN \"users\".\"name\" IS NULL THEN 1 "
            "ELSE 0 END, \"users\".\"name\" DESC");
  EXPECT_EQ(select(users.id).where(users.created_at + hours(1) < now()).sql(old),
            "SELECT \"users\".\"id\" FROM \"users\" WHERE DATEADD(second, 3600, "
            "\"users\".\"created_at\") < ?");
  EXPECT_EQ(create_table(settings).sql(old),
            "CREATE TABLE \"settings\" (\n"
            "  \"key\" VARCHAR(64) NOT NULL,\n"
            "  \"value\" TEXT NOT NULL,\n"
            "  \"hits\" INTEGER NOT NULL DEFAULT 0,\n"
            "  CONSTRAINT \"pk_settings\" PRIMARY KEY (\"key\")\n"
            ")");
}
