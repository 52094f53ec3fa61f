// create_all() checked against the real catalog, drop_all(), one transaction, foreign key cycles.
#include <map>
#include <set>

#include "conformance/schema_fixture.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

// ---- 1. create_all against the catalog -----------------------------------------------------

TEST_P(SchemaTest, CreateAllBuildsWhatTheCatalogShows) {
  declare_blog(md_);
  md_.create_all(engine());
  auto c = engine().connect();
  const Table& users = md_.table("users");
  const Table& posts = md_.table("posts");
  ASSERT_TRUE(table_exists(c, "users"));
  ASSERT_TRUE(table_exists(c, "posts"));

  expect_columns_match(c, users);
  expect_columns_match(c, posts);

  // The integer types have their declared width on every backend.
  const Strings ints = catalog_spellings(
      c, {dialect().type_sql(types::SmallInteger), dialect().type_sql(types::Integer),
          dialect().type_sql(types::BigInteger)});
  EXPECT_EQ(std::set<std::string>(ints.begin(), ints.end()).size(), 3u) << "three distinct widths";

  // Primary keys.
  auto uc = read_constraints(c, "users");
  auto pc = read_constraints(c, "posts");
  const CatalogConstraint* pk = find_constraint(uc, 'p', "pk_users");
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(pk->columns, Strings{"id"});
  pk = find_constraint(pc, 'p', "pk_posts");
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(pk->columns, Strings{"id"});

  // Unique constraints, named by the convention.
  EXPECT_EQ(constraint_names(uc, 'u'), std::set<std::string>{"uq_users_username"});
  const CatalogConstraint* uq = find_constraint(pc, 'u', "uq_posts_user_id_slug");
  ASSERT_NE(uq, nullptr);
  EXPECT_EQ(uq->columns, (Strings{"user_id", "slug"}));
  EXPECT_EQ(find_constraint(uc, 'u', "uq_users_username")->columns, Strings{"username"});

  // Checks: the declared ones and the dialect's type checks (an Enum's set everywhere), by name.
  EXPECT_EQ(constraint_names(uc, 'c'), expected_checks(users));
  EXPECT_EQ(constraint_names(pc, 'c'), expected_checks(posts));
  for (const char* name : {"ck_users_age", "ck_users_status_enum"})
    EXPECT_TRUE(constraint_names(uc, 'c').count(name)) << name;
  for (const char* name : {"ck_posts_qty", "ck_posts_title_nonempty"})
    EXPECT_TRUE(constraint_names(pc, 'c').count(name)) << name;
  EXPECT_NE(squash(find_constraint(uc, 'c', "ck_users_status_enum")->condition).find("'banned'"),
            std::string::npos);
  EXPECT_NE(squash(find_constraint(pc, 'c', "ck_posts_qty")->condition).find("qty>=0"),
            std::string::npos);

  // Foreign keys with their actions.
  EXPECT_TRUE(constraint_names(uc, 'f').empty());
  EXPECT_EQ(constraint_names(pc, 'f'),
            (std::set<std::string>{"fk_posts_user_id_users", "fk_posts_editor_id_users",
                                   "fk_posts_reviewer"}));
  struct WantFk {
    const char* name;
    const char* column;
    FkAction on_delete, on_update;
  };
  for (const WantFk& w :
       {WantFk{"fk_posts_user_id_users", "user_id", FkAction::cascade, FkAction::cascade},
        WantFk{"fk_posts_editor_id_users", "editor_id", FkAction::set_null, FkAction::no_action},
        WantFk{"fk_posts_reviewer", "reviewer_id", FkAction::restrict, FkAction::no_action}}) {
    SCOPED_TRACE(w.name);
    const CatalogConstraint* fk = find_constraint(pc, 'f', w.name);
    ASSERT_NE(fk, nullptr);
    EXPECT_EQ(fk->columns, Strings{w.column});
    EXPECT_EQ(fk->ref_table, "users");
    EXPECT_EQ(fk->ref_columns, Strings{"id"});
    EXPECT_EQ(fk->on_delete, to_sql(w.on_delete));
    EXPECT_EQ(fk->on_update, to_sql(w.on_update));
  }

  // Indexes: unique on an expression, partial, multi-column.
  auto ix = read_indexes(c, "users");
  ASSERT_EQ(ix.size(), 3u);
  std::map<std::string, CatalogIndex> by_name;
  for (auto& i : ix) by_name[i.name] = i;
  ASSERT_TRUE(by_name.count("ix_users_email_lower"));
  ASSERT_TRUE(by_name.count("ix_users_username"));
  ASSERT_TRUE(by_name.count("ix_users_status_created_at"));
  const auto& lower = by_name["ix_users_email_lower"];
  EXPECT_TRUE(lower.unique);
  EXPECT_FALSE(lower.partial);
  EXPECT_EQ(lower.columns, Strings{"<expr>"});
  EXPECT_NE(squash(lower.definition).find("loweremail"), std::string::npos) << lower.definition;
  const auto& partial = by_name["ix_users_username"];
  EXPECT_FALSE(partial.unique);
  EXPECT_TRUE(partial.partial);
  EXPECT_EQ(partial.columns, Strings{"username"});
  EXPECT_NE(squash(partial.definition).find("wheredeleted_atisnull"), std::string::npos)
      << partial.definition;
  const auto& multi = by_name["ix_users_status_created_at"];
  EXPECT_FALSE(multi.unique);
  EXPECT_FALSE(multi.partial);
  EXPECT_EQ(multi.columns, (Strings{"status", "created_at"}));
  EXPECT_TRUE(read_indexes(c, "posts").empty());

  // The declared checks work.
  Value owner = insert(c, users, {{"username", "owner"}});
  auto expect_check = [&](const Table& t, std::vector<std::pair<std::string, Value>> values) {
    try {
      insert(c, t, values);
      ADD_FAILURE() << "expected IntegrityError on " << t.name();
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
    }
  };
  expect_check(users, {{"username", "neg"}, {"age", -1}});
  expect_check(posts, {{"user_id", owner}, {"slug", "s"}, {"title", ""}});
  expect_check(posts, {{"user_id", owner}, {"slug", ""}, {"title", "t"}});
  expect_check(posts, {{"user_id", owner}, {"slug", "s"}, {"title", "t"}, {"qty", -1}});
  EXPECT_NO_THROW(insert(c, posts, {{"user_id", owner}, {"slug", "s"}, {"title", "t"}}));

  // The indexes work: the expression index is unique regardless of case; the partial index
  // covers only live rows (nothing to assert beyond its presence, it is not unique).
  insert(c, users, {{"username", "ann"}, {"email", "Ann@Example.com"}});
  try {
    insert(c, users, {{"username", "ann2"}, {"email", "ann@example.COM"}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::unique) << e.what();
  }
}

TEST_P(SchemaTest, CreateAllIsIdempotentAndDropAllRemovesEverything) {
  declare_blog(md_);
  md_.create_all(engine());
  std::int64_t objects = 0;
  {
    auto c = engine().connect();
    objects = schema_object_count(c);
    EXPECT_GT(objects, 0);
    insert(c, md_.table("users"), {{"username", "kept"}});
  }
  // checkfirst (the default): existing tables are left alone, with their rows and indexes.
  EXPECT_NO_THROW(md_.create_all(engine()));
  {
    auto c = engine().connect();
    EXPECT_EQ(schema_object_count(c), objects);
    EXPECT_EQ(count(c, q("users")), 1);
  }
  // Without checkfirst the database refuses, and nothing changes.
  EXPECT_THROW(md_.create_all(engine(), {.checkfirst = false}), DatabaseError);
  {
    auto c = engine().connect();
    EXPECT_EQ(schema_object_count(c), objects);
  }

  md_.drop_all(engine());
  {
    auto c = engine().connect();
    EXPECT_FALSE(table_exists(c, "users"));
    EXPECT_FALSE(table_exists(c, "posts"));
    EXPECT_EQ(schema_object_count(c), 0) << "indexes, sequences and tables are all gone";
  }
  EXPECT_NO_THROW(md_.drop_all(engine())) << "checkfirst: nothing left to drop";
  EXPECT_THROW(md_.drop_all(engine(), {.checkfirst = false}), DatabaseError);

  // And it can all be made again.
  md_.create_all(engine());
  auto c = engine().connect();
  EXPECT_EQ(schema_object_count(c), objects);
  EXPECT_EQ(count(c, q("users")), 0);
}

TEST_P(SchemaTest, CreateAllIsOneTransaction) {
  Table& good = md_.add_table("good");
  good.column("id", types::BigInteger).primary_key();
  Table& bad = md_.add_table("bad");
  bad.column("id", types::BigInteger).primary_key();
  bad.check(raw_sql(q("id") + " >"), "ck_bad_syntax");  // fails at CREATE TABLE
  EXPECT_THROW(md_.create_all(engine()), DatabaseError);
  auto c = engine().connect();
  EXPECT_FALSE(table_exists(c, "good")) << "the first table's CREATE was rolled back";
  EXPECT_EQ(schema_object_count(c), 0);
}

TEST_P(SchemaTest, ForeignKeyCycleNeedsUseAlterAndThenCreatesAndDrops) {
  {
    MetaData cyclic;
    declare_cycle(cyclic, /*use_alter=*/false);
    try {
      cyclic.create_all(engine());
      ADD_FAILURE() << "expected ArgumentError";
    } catch (const ArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("use_alter"), std::string::npos) << e.what();
    }
  }
  declare_cycle(md_, /*use_alter=*/true);
  md_.create_all(engine());
  const Table& a = md_.table("cyc_a");
  const Table& b = md_.table("cyc_b");
  {
    auto c = engine().connect();
    auto ak = read_constraints(c, "cyc_a");
    auto bk = read_constraints(c, "cyc_b");
    const CatalogConstraint* fa = find_constraint(ak, 'f', "fk_cyc_a_b_id_cyc_b");
    ASSERT_NE(fa, nullptr);
    EXPECT_EQ(fa->ref_table, "cyc_b");
    EXPECT_EQ(fa->columns, Strings{"b_id"});
    const CatalogConstraint* fb = find_constraint(bk, 'f', "fk_cyc_b_a_id_cyc_a");
    ASSERT_NE(fb, nullptr);
    EXPECT_EQ(fb->ref_table, "cyc_a");

    // Rows that close the cycle, and both keys enforced.
    insert(c, a, {{"id", 1}});
    insert(c, b, {{"id", 10}, {"a_id", 1}});
    c.execute(
        text("UPDATE " + q("cyc_a") + " SET " + q("b_id") + " = 10 WHERE " + q("id") + " = 1"));
    try {
      insert(c, a, {{"id", 2}, {"b_id", 999}});
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
    }
    try {
      insert(c, b, {{"id", 11}, {"a_id", 999}});
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
    }
  }
  // drop_all with the cycle's rows still in place.
  EXPECT_NO_THROW(md_.drop_all(engine()));
  {
    auto c = engine().connect();
    EXPECT_FALSE(table_exists(c, "cyc_a"));
    EXPECT_FALSE(table_exists(c, "cyc_b"));
    EXPECT_EQ(schema_object_count(c), 0);
  }
  md_.create_all(engine());
  md_.drop_all(engine());
  auto c = engine().connect();
  EXPECT_EQ(schema_object_count(c), 0);
}

SQLCORE_BACKEND_TEST_SUITE(SchemaTest);

}  // namespace
}  // namespace sqlcore_test
