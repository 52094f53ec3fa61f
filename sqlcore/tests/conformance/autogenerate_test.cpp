// Autogenerate on every backend: a database built by create_all() or by revisions compares equal
// to its metadata (the parity gate); each kind of difference is reported; render_cpp() writes a
// revision body naming every change and warning about renames.
#include <algorithm>
#include <chrono>

#include <sqlcore/testing/backend.hpp>
#include "common/rich_schema.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using sqlcore::migrate::Change;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

std::vector<std::string> keys(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& ch : changes)
    out.push_back(std::string(migrate::to_string(ch.kind)) + " " + ch.table +
                  (ch.name.empty() ? "" : "." + ch.name));
  std::sort(out.begin(), out.end());
  return out;
}

std::string dump(const std::vector<Change>& changes) {
  std::string out;
  for (const auto& ch : changes)
    out += std::string(migrate::to_string(ch.kind)) + " " + ch.table + "." + ch.name + ": " +
           ch.detail + "\n";
  return out;
}

class AutogenerateTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine({.pool_timeout = 10s}));
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }
  Engine& engine() { return *engine_; }
  const Dialect& dialect() { return engine_->dialect(); }
  std::string q(std::string_view ident) { return dialect().quote_identifier(ident); }

  std::vector<Change> compare(const MetaData& md) {
    auto c = engine().connect();
    return migrate::compare(c, md);
  }

  /// One person and one post of theirs in the tables of declare_versioned(v1).
  void add_versioned_rows() {
    auto c = engine().connect();
    exec(c, "INSERT INTO " + q("people") + " (" + q("id") + ", " + q("name") + ", " + q("email") +
                ", " + q("rank") + ", " + q("code") + ") VALUES (1, 'Ann', 'a@x', 3, 'c1')");
    exec(c, "INSERT INTO " + q("posts") + " (" + q("id") + ", " + q("author_id") + ", " +
                q("editor_id") + ") VALUES (1, 1, 1)");
  }

  // Every portable type, composite keys, uniques, checks, foreign keys with actions, every kind
  // of index, server defaults (now() and literals), Enum, Json, nullable and not.
  void declare(MetaData& md) {
    Table& users = sample::declare_rich_schema(md, dialect());
    users.column("motto", types::Text).server_default(ServerDefault::sql("'hello'"));
    Table& small = md.add_table("small_keys");
    small.column("id", types::Integer).primary_key();
    small.column("label", types::String(20)).nullable();
  }

  /// Two versions of one schema that differ in one of each kind of change.
  void declare_versioned(MetaData& md, bool v2) {
    Table& people = md.add_table("people");
    people.column("id", types::BigInteger).primary_key();
    people.column("name", v2 ? types::Text : types::String(50));
    if (v2)
      people.column("email", types::String(100));
    else
      people.column("email", types::String(100)).nullable();
    people.column("status", types::String(10)).server_default(v2 ? "new" : "old");
    if (v2)
      people.column("rank", types::Integer).server_default(0);
    else
      people.column("rank", types::Integer);
    if (v2) people.column("phone", types::String(20)).nullable();
    if (!v2) people.column("fax", types::String(20)).nullable();
    people.column("code", types::String(10));
    people.column("city", types::String(40)).nullable();
    if (v2) {
      people.index({}, {"city"});
      people.unique({"code"});
    } else {
      people.index({}, {"email"});
    }

    people.column("nick", types::String(20)).nullable();
    if (!v2) people.unique({"nick"});
    people.column("zip", types::String(10)).nullable();
    if (v2)
      people.index("ix_people_zip", {"zip", "city"});
    else
      people.index("ix_people_zip", {"zip"});
    if (v2)
      people.column("note", types::Text).nullable();
    else
      people.column("note", types::Text).nullable().server_default("x");

    Table& posts = md.add_table("posts");
    posts.column("id", types::BigInteger).primary_key();
    posts.column("author_id", types::BigInteger);
    posts.column("editor_id", types::BigInteger).nullable();
    posts.column("reviewer_id", types::BigInteger).nullable();
    if (v2) posts.foreign_key({"author_id"}, "people", {"id"}, FkAction::cascade);
    posts.foreign_key({"editor_id"}, "people", {"id"},
                      v2 ? FkAction::set_null : FkAction::no_action);
    if (!v2) posts.foreign_key({"reviewer_id"}, "people", {"id"});

    if (v2) {
      Table& tags = md.add_table("tags");
      tags.column("id", types::BigInteger).primary_key();
    } else {
      Table& legacy = md.add_table("legacy");
      legacy.column("id", types::BigInteger).primary_key();
    }
  }

  std::optional<Engine> engine_;
};

TEST_P(AutogenerateTest, CreateAllComparesEqual) {
  MetaData md;
  declare(md);
  md.create_all(engine());
  const auto changes = compare(md);
  EXPECT_TRUE(changes.empty()) << dump(changes);
  EXPECT_NE(migrate::render_cpp(changes, md).find("No changes"), std::string::npos);
}

TEST_P(AutogenerateTest, RevisionsCompareEqual) {
  MetaData md;
  declare(md);
  std::vector<migrate::Revision> revs;
  int n = 0;
  for (const Table* t : md.sorted_tables()) {
    const std::string id = std::to_string(1000 + ++n);
    revs.push_back(
        {id, "create " + t->name(), [t](migrate::MigrationContext& m) { m.create_table(*t); }});
  }
  migrate::History history(std::move(revs));
  migrate::Migrator(engine(), history).upgrade();
  const auto changes = compare(md);
  EXPECT_TRUE(changes.empty()) << dump(changes);
}

TEST_P(AutogenerateTest, ReportsEachKindOfDifference) {
  MetaData v1, v2;
  declare_versioned(v1, false);
  declare_versioned(v2, true);
  v1.create_all(engine());
  EXPECT_TRUE(compare(v1).empty()) << dump(compare(v1));

  const auto changes = compare(v2);
  const std::vector<std::string> want = {
      "add_column people.phone",
      "add_foreign_key posts.fk_posts_author_id_people",
      "add_foreign_key posts.fk_posts_editor_id_people",  // changed: drop + add
      "add_index people.ix_people_city",
      "add_index people.ix_people_zip",  // changed: drop + add
      "add_table tags",
      "add_unique people.uq_people_code",
      "alter_default people.note",
      "alter_default people.rank",
      "alter_default people.status",
      "alter_nullable people.email",
      "alter_type people.name",
      "drop_column people.fax",
      "drop_foreign_key posts.fk_posts_editor_id_people",
      "drop_foreign_key posts.fk_posts_reviewer_id_people",
      "drop_index people.ix_people_email",
      "drop_index people.ix_people_zip",
      "drop_table legacy",
      "drop_unique people.uq_people_nick",
  };
  EXPECT_EQ(keys(changes), want) << dump(changes);
  for (const auto& ch : changes) {
    EXPECT_FALSE(ch.detail.empty()) << migrate::to_string(ch.kind);
    if (ch.kind == Change::Kind::alter_nullable) {
      EXPECT_EQ(ch.detail, "nullable -> NOT NULL");
    }
    if (ch.kind == Change::Kind::alter_type) {
      EXPECT_EQ(ch.detail,
                dialect().type_sql(types::String(50)) + " -> " + dialect().type_sql(types::Text));
    }
  }

  // Tables to add come first; tables to drop last.
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.front().kind, Change::Kind::add_table);
  EXPECT_EQ(changes.back().kind, Change::Kind::drop_table);

  // The version table is never reported; other tables can be ignored by name.
  auto c = engine().connect();
  const auto ignoring = migrate::compare(c, v2, {"sqlcore_version", "legacy", "tags"});
  for (const auto& ch : ignoring) {
    EXPECT_NE(ch.table, "legacy");
    EXPECT_NE(ch.table, "tags");
  }
  EXPECT_EQ(ignoring.size(), changes.size() - 2);
}

TEST_P(AutogenerateTest, RenderCppNamesEveryChangeAndWarnsAboutRenames) {
  MetaData v1, v2;
  declare_versioned(v1, false);
  declare_versioned(v2, true);
  v1.create_all(engine());
  const auto changes = compare(v2);
  const std::string code = migrate::render_cpp(changes, v2);
  EXPECT_NE(code.find("RENAMES CANNOT BE DETECTED"), std::string::npos) << code;
  for (const auto& ch : changes) {
    EXPECT_NE(code.find(migrate::to_string(ch.kind) + std::string(" ") + ch.table),
              std::string::npos)
        << code;
    if (!ch.name.empty()) {
      EXPECT_NE(code.find(ch.name), std::string::npos) << code;
    }
  }
  for (const char* call :
       {"Table& t = md.add_table(\"tags\");", "m.create_table(t);", "m.drop_table(\"legacy\")",
        "m.add_column(\"people\", \"phone\", types::String(20)",
        "m.drop_column(\"people\", \"fax\")",
        "m.alter_column(\"people\", \"name\", {.type = types::Text})",
        "m.alter_column(\"people\", \"email\", {.nullable = false})",
        "m.create_index(\"people\", \"ix_people_city\", {\"city\"})",
        "m.drop_index(\"ix_people_email\")",
        "m.alter_column(\"people\", \"note\", {.drop_server_default = true})",
        "m.alter_column(\"people\", \"rank\", {.server_default = "})
    EXPECT_NE(code.find(call), std::string::npos) << call << "\n" << code;
}

// The operations render_cpp() writes, applied by a revision, make the database agree.
TEST_P(AutogenerateTest, ApplyingTheRenderedOperationsMakesItEqual) {
  MetaData v1, v2;
  declare_versioned(v1, false);
  declare_versioned(v2, true);
  v1.create_all(engine());
  add_versioned_rows();
  ASSERT_FALSE(compare(v2).empty());
  const std::string code = migrate::render_cpp(compare(v2), v2);
  migrate::History history(
      {{"0001", "to v2", [&v2](migrate::MigrationContext& m) {
          m.create_table(v2.table("tags"));
          m.alter_column("people", "name", {.type = types::Text});
          m.alter_column("people", "email", {.nullable = false});
          m.alter_column("people", "status",
                         {.server_default = v2.table("people").c("status").server_default()});
          m.alter_column("people", "rank",
                         {.server_default = v2.table("people").c("rank").server_default()});
          m.add_column("people", "phone", types::String(20), {.nullable = true});
          m.alter_column("people", "note", {.drop_server_default = true});
          m.drop_column("people", "fax");
          m.create_index("people", "ix_people_city", {"city"});
          m.drop_index("ix_people_zip");
          m.create_index("people", "ix_people_zip", {"zip", "city"});
          m.drop_index("ix_people_email");
          m.add_unique("people", {"code"}, "uq_people_code");
          m.drop_constraint("people", "uq_people_nick");
          m.add_foreign_key("posts", {"author_id"}, "people", {"id"}, FkAction::cascade,
                            FkAction::no_action, "fk_posts_author_id_people");
          m.drop_constraint("posts", "fk_posts_editor_id_people");
          m.add_foreign_key("posts", {"editor_id"}, "people", {"id"}, FkAction::set_null,
                            FkAction::no_action, "fk_posts_editor_id_people");
          m.drop_constraint("posts", "fk_posts_reviewer_id_people");
          m.drop_table("legacy");
        }}});
  migrate::Migrator(engine(), history).upgrade();
  const auto after = compare(v2);
  EXPECT_TRUE(after.empty()) << dump(after);
  auto c = engine().connect();
  EXPECT_EQ(count(c, q("people")), 1);
  EXPECT_EQ(count(c, q("posts")), 1);
  // Every call above appears in the rendered revision (one spot check per operation kind).
  for (const char* call :
       {"m.add_unique(\"people\", {\"code\"}, \"uq_people_code\")",
        "m.drop_constraint(\"people\", \"uq_people_nick\")",
        "m.drop_constraint(\"posts\", \"fk_posts_reviewer_id_people\")",
        "m.add_foreign_key(\"posts\", {\"author_id\"}, \"people\", {\"id\"}, "
        "FkAction::cascade, FkAction::no_action, \"fk_posts_author_id_people\")"})
    EXPECT_NE(code.find(call), std::string::npos) << call << "\n" << code;
}

// The changes as SQL (render_sql), run by hand in one transaction, make the database agree
// too; generating them changes nothing.
TEST_P(AutogenerateTest, RenderedSqlMakesItEqual) {
  MetaData v1, v2;
  declare_versioned(v1, false);
  declare_versioned(v2, true);
  v1.create_all(engine());
  add_versioned_rows();
  const auto changes = compare(v2);
  ASSERT_FALSE(changes.empty());
  auto c = engine().connect();
  const auto statements = migrate::render_sql(c, changes, v2);
  EXPECT_EQ(migrate::compare(c, v2).size(), changes.size()) << "render_sql changed the database";
  ASSERT_FALSE(statements.empty());
  for (const auto& sql : statements) EXPECT_NE(sql.rfind("--", 0), 0u) << sql;
  {
    auto tx = c.begin();
    for (const auto& sql : statements) c.execute(text(sql));
    tx.commit();
  }
  const auto after = migrate::compare(c, v2);
  EXPECT_TRUE(after.empty()) << dump(after);
  EXPECT_EQ(count(c, q("people")), 1);
  EXPECT_EQ(count(c, q("posts")), 1);
}

// A change that needs a decision is written as a comment saying why, not dropped silently.
TEST_P(AutogenerateTest, RenderedSqlExplainsWhatItCannotGenerate) {
  MetaData v1, v2;
  for (MetaData* md : {&v1, &v2}) {
    Table& t = md->add_table("t");
    t.column("id", types::BigInteger).primary_key();
  }
  const_cast<Table&>(v2.table("t")).column("must", types::Integer);  // NOT NULL, no default
  v1.create_all(engine());
  auto c = engine().connect();
  const auto statements = migrate::render_sql(c, migrate::compare(c, v2), v2);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].rfind("-- add_column t.must: not generated: ", 0), 0u) << statements[0];
  EXPECT_NE(statements[0].find("server default"), std::string::npos) << statements[0];
}

// CHECK constraints are compared by name; an Enum's value set through the column's type. Both
// kinds of change, applied through render_sql(), make the database agree and take effect.
TEST_P(AutogenerateTest, ChecksAndEnumValuesAreComparedAndApplied) {
  MetaData v1, v2;
  for (MetaData* md : {&v1, &v2}) {
    const bool later = md == &v2;
    Table& t = md->add_table("k");
    t.column("id", types::BigInteger).primary_key();
    t.column("status", later ? types::Enum({"a", "b", "c"}) : types::Enum({"a", "b"}));
    t.column("qty", types::Integer);
    t.check(raw_sql("\"qty\" >= 0"), "qty_positive");
    if (later)
      t.check(raw_sql("\"qty\" <> 7"), "qty_not_seven");
    else
      t.check(raw_sql("\"qty\" < 1000"), "qty_small");
  }
  v1.create_all(engine());
  auto c = engine().connect();
  EXPECT_TRUE(migrate::compare(c, v1).empty()) << dump(migrate::compare(c, v1));
  exec(c, "INSERT INTO k (id, status, qty) VALUES (1, 'a', 5)");
  const auto changes = migrate::compare(c, v2);
  EXPECT_EQ(keys(changes),
            (std::vector<std::string>{"add_check k.qty_not_seven", "alter_type k.status",
                                      "drop_check k.qty_small"}))
      << dump(changes);
  for (const auto& ch : changes) {
    if (ch.kind == Change::Kind::alter_type) {
      EXPECT_EQ(ch.detail, "Enum(a, b) -> Enum(a, b, c)");
    }
  }
  const std::string code = migrate::render_cpp(changes, v2);
  EXPECT_NE(code.find("m.add_check(\"k\", \"\\\"qty\\\" <> 7\", \"qty_not_seven\")"),
            std::string::npos)
      << code;
  EXPECT_NE(code.find("m.drop_constraint(\"k\", \"qty_small\")"), std::string::npos) << code;
  {
    auto tx = c.begin();
    for (const auto& sql : migrate::render_sql(c, changes, v2)) c.execute(text(sql));
    tx.commit();
  }
  EXPECT_TRUE(migrate::compare(c, v2).empty()) << dump(migrate::compare(c, v2));
  exec(c, "INSERT INTO k (id, status, qty) VALUES (2, 'c', 2000)");
  EXPECT_THROW(exec(c, "INSERT INTO k (id, status, qty) VALUES (3, 'd', 1)"), IntegrityError);
  EXPECT_THROW(exec(c, "INSERT INTO k (id, status, qty) VALUES (4, 'a', 7)"), IntegrityError);
  EXPECT_EQ(count(c, "k"), 2);
}

// A primary key is compared by its columns; the change, applied through render_sql(), keeps the
// rows and makes the database agree.
TEST_P(AutogenerateTest, PrimaryKeyChangesAreComparedAndApplied) {
  MetaData v1, v2;
  for (MetaData* md : {&v1, &v2}) {
    Table& t = md->add_table("grid");
    // BigInteger: SQLite's rowid (x while it is the whole key) reflects as one.
    t.column("x", types::BigInteger);
    t.column("y", types::Integer);
    t.column("label", types::Text).nullable();
    if (md == &v2)
      t.primary_key({"x", "y"});
    else
      t.primary_key({"x"});
  }
  v1.create_all(engine());
  auto c = engine().connect();
  exec(c, "INSERT INTO grid (x, y, label) VALUES (1, 1, 'a'), (2, 1, 'b')");
  const auto changes = migrate::compare(c, v2);
  ASSERT_EQ(keys(changes), (std::vector<std::string>{"alter_primary_key grid.pk_grid"}))
      << dump(changes);
  EXPECT_EQ(changes[0].detail, "(x) -> (x, y)");
  EXPECT_NE(migrate::render_cpp(changes, v2).find("m.alter_primary_key(\"grid\", {\"x\", \"y\"}"),
            std::string::npos);
  {
    auto tx = c.begin();
    for (const auto& sql : migrate::render_sql(c, changes, v2)) c.execute(text(sql));
    tx.commit();
  }
  EXPECT_TRUE(migrate::compare(c, v2).empty()) << dump(migrate::compare(c, v2));
  EXPECT_EQ(count(c, "grid"), 2);
  exec(c, "INSERT INTO grid (x, y) VALUES (1, 2)");
  EXPECT_THROW(exec(c, "INSERT INTO grid (x, y) VALUES (1, 2)"), IntegrityError);
}

// A table to add is written out in full with every name explicit, so the revision keeps
// creating it as it is today (trinity-db's first revision is such code, and its parity test
// proves the rendering on every backend).
TEST(RenderTableCpp, WritesEveryColumnKeyConstraintAndIndexWithExplicitNames) {
  MetaData md;
  Table& owners = md.add_table("owners");
  owners.column("id", types::BigInteger).primary_key().autoincrement(true);
  Table& t = md.add_table("pets");
  t.column("owner_id", types::BigInteger).references("owners.id", FkAction::cascade);
  t.column("seq", types::Integer);
  t.column("name", types::String(40)).unique();
  t.column("kind", types::Enum({"cat", "dog"})).server_default(std::string("cat"));
  t.column("weight", types::Double).nullable().server_default(0.5);
  t.column("alive", types::Boolean).server_default(true);
  t.column("born", types::DateTime).server_default(now());
  t.column("tags", types::Json).nullable();
  t.primary_key({"owner_id", "seq"});
  t.check(raw_sql("\"seq\" >= 0"), "seq_positive");
  t.index("ix_pets_lower_name", {raw_sql("lower(\"name\")")}).unique().where(raw_sql("\"alive\""));
  const std::string code = migrate::render_table_cpp(t);
  for (const char* line :
       {"Table& t = md.add_table(\"pets\");", "t.column(\"owner_id\", types::BigInteger);",
        "t.column(\"name\", types::String(40));",
        "t.column(\"kind\", types::Enum({\"cat\", \"dog\"})).server_default(std::string(\"cat\"));",
        "t.column(\"weight\", types::Double).nullable().server_default(0.5);",
        "t.column(\"alive\", types::Boolean).server_default(true);",
        "t.column(\"born\", types::DateTime).server_default(now());",
        "t.column(\"tags\", types::Json).nullable();",
        "t.primary_key({\"owner_id\", \"seq\"}, \"pk_pets\");",
        "t.unique({\"name\"}, \"uq_pets_name\");",
        "t.check(raw_sql(\"\\\"seq\\\" >= 0\"), \"seq_positive\");",
        "t.foreign_key({\"owner_id\"}, \"owners\", {\"id\"}, FkAction::cascade, "
        "FkAction::no_action, \"fk_pets_owner_id_owners\");",
        "t.index(\"ix_pets_lower_name\", {raw_sql(\"lower(\\\"name\\\")\")}).unique()"
        ".where(raw_sql(\"\\\"alive\\\"\"));",
        "m.create_table(t);"})
    EXPECT_NE(code.find(line), std::string::npos) << line << "\n" << code;
  EXPECT_NE(migrate::render_table_cpp(owners).find(
                "t.column(\"id\", types::BigInteger).primary_key().autoincrement(true);"),
            std::string::npos)
      << migrate::render_table_cpp(owners);
}

SQLCORE_BACKEND_TEST_SUITE(AutogenerateTest);

}  // namespace
}  // namespace sqlcore_test
