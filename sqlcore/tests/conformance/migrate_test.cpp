// Migrations on every backend: the runner (upgrade, downgrade, current, pending, stamp), each
// revision atomic, the version table guarding against a database newer than the code, two
// concurrent runners applying each revision once, and the schema operations with rows present.
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include <sqlcore/testing/backend.hpp>
#include "common/sample_revisions.hpp"

using namespace sqlcore;
using namespace sqlcore::migrate;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

using Strings = std::vector<std::string>;
constexpr auto npos = std::string::npos;

/// The message of the E that `fn` throws; fails the test when it throws nothing or another type.
template <class E, class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "threw nothing";
  return {};
}

Strings column_names(Inspector& insp, const std::string& table) {
  Strings out;
  for (const auto& c : insp.columns(table)) out.push_back(c.name);
  return out;
}

Strings index_names(Inspector& insp, const std::string& table) {
  Strings out;
  for (const auto& ix : insp.indexes(table)) out.push_back(ix.name);
  return out;
}

using sample::three_revisions;

class MigrateTest : public BackendTest {
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

  /// What the Inspector says, from a connection of its own (returned before the runner runs).
  Strings tables() {
    auto c = engine().connect();
    return Inspector(c).table_names();
  }
  Strings columns(const std::string& table) {
    auto c = engine().connect();
    Inspector insp(c);
    return column_names(insp, table);
  }
  Strings indexes(const std::string& table) {
    auto c = engine().connect();
    Inspector insp(c);
    return index_names(insp, table);
  }
  std::int64_t rows(const std::string& table) {
    auto c = engine().connect();
    return count(c, table);
  }
  void run(const std::string& sql) {
    auto c = engine().connect();
    exec(c, sql);
  }

  std::optional<Engine> engine_;
};

TEST_P(MigrateTest, UpgradeToHeadFromEmpty) {
  History h(three_revisions());
  Migrator m(engine(), h);
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_EQ(m.pending(), (Strings{"r1", "r2", "r3"}));
  m.upgrade();
  EXPECT_EQ(m.current(), "r3");
  EXPECT_TRUE(m.pending().empty());
  EXPECT_EQ(tables(), (Strings{"posts", "users"}));
  EXPECT_EQ(columns("users"), (Strings{"id", "name", "email"}));
  EXPECT_EQ(indexes("posts"), (Strings{"ix_posts_user_id"}));
  auto hist = m.history();
  ASSERT_EQ(hist.size(), 3u);
  EXPECT_TRUE(hist[0].applied && hist[1].applied && hist[2].applied);
  EXPECT_TRUE(hist[2].current);
  EXPECT_FALSE(hist[1].current);
  EXPECT_EQ(hist[1].message, "add users.email");
  // Upgrading again finds nothing to do.
  m.upgrade();
  EXPECT_EQ(m.current(), "r3");
}

TEST_P(MigrateTest, UpgradeToAMiddleRevisionThenToHead) {
  History h(three_revisions());
  Migrator m(engine(), h);
  m.upgrade("r2");
  EXPECT_EQ(m.current(), "r2");
  EXPECT_EQ(m.pending(), (Strings{"r3"}));
  EXPECT_EQ(tables(), (Strings{"users"}));
  EXPECT_EQ(columns("users"), (Strings{"id", "name", "email"}));
  auto hist = m.history();
  EXPECT_TRUE(hist[1].applied && hist[1].current);
  EXPECT_FALSE(hist[2].applied);
  m.upgrade();
  EXPECT_EQ(m.current(), "r3");
  EXPECT_EQ(tables(), (Strings{"posts", "users"}));
  // Going back is downgrade's job.
  auto msg = error_of<ArgumentError>([&] { m.upgrade("r1"); });
  EXPECT_NE(msg.find("downgrade"), std::string::npos) << msg;
}

TEST_P(MigrateTest, DowngradeToARevisionAndToBase) {
  History h(three_revisions());
  Migrator m(engine(), h);
  m.upgrade();
  run("INSERT INTO users (id, name, email) VALUES (1, 'ada', 'ada@example.com')");
  m.downgrade("r1");
  EXPECT_EQ(m.current(), "r1");
  EXPECT_EQ(m.pending(), (Strings{"r2", "r3"}));
  EXPECT_EQ(tables(), (Strings{"users"}));
  EXPECT_EQ(columns("users"), (Strings{"id", "name"}));
  EXPECT_EQ(rows("users"), 1);
  m.downgrade("base");
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_TRUE(tables().empty());
  m.upgrade();
  EXPECT_EQ(m.current(), "r3");
}

TEST_P(MigrateTest, DowngradeStopsBeforeARevisionWithoutDowngrade) {
  auto revs = three_revisions();
  revs[1].downgrade = nullptr;
  History h(std::move(revs));
  Migrator m(engine(), h);
  m.upgrade();
  auto msg = error_of<ArgumentError>([&] { m.downgrade("base"); });
  EXPECT_NE(msg.find("r2"), std::string::npos) << msg;
  // Checked before anything ran: r3 is still applied.
  EXPECT_EQ(m.current(), "r3");
  EXPECT_EQ(tables(), (Strings{"posts", "users"}));
  m.downgrade("r2");
  EXPECT_EQ(m.current(), "r2");
}

TEST_P(MigrateTest, StampThenUpgradeAdoptsADatabaseCreatedOutsideTheRunner) {
  MetaData md;
  Table& users = md.add_table("users");
  users.column("id", types::BigInteger).primary_key();
  users.column("name", types::String(64));
  md.create_all(engine());
  run("INSERT INTO users (id, name) VALUES (1, 'ada')");

  History h(three_revisions());
  Migrator m(engine(), h);
  EXPECT_EQ(m.current(), std::nullopt);
  m.stamp("r1");
  EXPECT_EQ(m.current(), "r1");
  EXPECT_EQ(m.pending(), (Strings{"r2", "r3"}));
  m.upgrade();
  EXPECT_EQ(m.current(), "r3");
  EXPECT_EQ(columns("users"), (Strings{"id", "name", "email"}));
  EXPECT_EQ(rows("users"), 1);
  m.stamp("base");
  EXPECT_EQ(m.current(), std::nullopt);
  auto msg = error_of<ArgumentError>([&] { m.stamp("nope"); });
  EXPECT_NE(msg.find("nope"), std::string::npos) << msg;
}

TEST_P(MigrateTest, AFailingRevisionLeavesSchemaAndDataExactlyAsBefore) {
  auto revs = three_revisions();
  revs.push_back({"r4-bad", "add a column and a table, then fail", [](MigrationContext& m) {
                    m.add_column("users", "nickname", types::String(32));
                    m.execute("CREATE TABLE extra (x BIGINT)");
                    m.execute("UPDATE users SET name = 'changed'");
                    m.execute("INSERT INTO no_such_table (x) VALUES (1)");
                  }});
  History h(std::move(revs));
  Migrator m(engine(), h);
  m.upgrade("r3");
  run("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob')");
  std::string msg;
  try {
    m.upgrade();
    ADD_FAILURE() << "the failing revision did not throw";
  } catch (const DatabaseError& e) {  // the cause's type is kept
    msg = e.what();
  }
  EXPECT_NE(msg.find("r4-bad"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no_such_table"), std::string::npos) << msg;
  EXPECT_EQ(m.current(), "r3");
  EXPECT_EQ(tables(), (Strings{"posts", "users"}));
  EXPECT_EQ(columns("users"), (Strings{"id", "name", "email"}));
  auto c = engine().connect();
  EXPECT_EQ(c.execute(text("SELECT name FROM users ORDER BY id")).scalars<std::string>(),
            (Strings{"ada", "bob"}));
}

TEST_P(MigrateTest, ANonDatabaseErrorBecomesAMigrationErrorNamingTheRevision) {
  auto revs = three_revisions();
  revs.push_back({"r4-throws", "throws", [](MigrationContext& m) {
                    m.execute("CREATE TABLE extra (x BIGINT)");
                    throw std::runtime_error("boom");
                  }});
  History h(std::move(revs));
  Migrator m(engine(), h);
  try {
    m.upgrade();
    ADD_FAILURE() << "did not throw";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.revision(), "r4-throws");
    EXPECT_NE(std::string(e.what()).find("boom"), std::string::npos) << e.what();
  }
  EXPECT_EQ(m.current(), "r3");
  EXPECT_EQ(tables(), (Strings{"posts", "users"}));
}

TEST_P(MigrateTest, HistoryRejectsDuplicateEmptyAndReservedIds) {
  auto revs = three_revisions();
  revs.push_back(revs[1]);
  auto msg = error_of<ArgumentError>([&] { History h(revs); });
  EXPECT_NE(msg.find("duplicate"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'r2'"), std::string::npos) << msg;
  auto empty = three_revisions();
  empty[2].id = "";
  msg = error_of<ArgumentError>([&] { History h(empty); });
  EXPECT_NE(msg.find("#3"), std::string::npos) << msg;
  auto base = three_revisions();
  base[0].id = "base";
  msg = error_of<ArgumentError>([&] { History h(base); });
  EXPECT_NE(msg.find("base"), std::string::npos) << msg;
  History ok(three_revisions());
  EXPECT_EQ(ok.head(), "r3");
  ASSERT_NE(ok.find("r2"), nullptr);
  EXPECT_EQ(ok.find("r2")->message, "add users.email");
  EXPECT_EQ(ok.find("zz"), nullptr);
  EXPECT_EQ(History({}).head(), std::nullopt);
}

TEST_P(MigrateTest, UnknownTargetIsAnArgumentErrorNamingIt) {
  History h(three_revisions());
  Migrator m(engine(), h);
  auto msg = error_of<ArgumentError>([&] { m.upgrade("r9"); });
  EXPECT_NE(msg.find("r9"), std::string::npos) << msg;
  msg = error_of<ArgumentError>([&] { m.downgrade("r9"); });
  EXPECT_NE(msg.find("r9"), std::string::npos) << msg;
  EXPECT_EQ(m.current(), std::nullopt);
  EXPECT_TRUE(tables().empty());
}

TEST_P(MigrateTest, ADatabaseNewerThanTheCodeIsRefused) {
  History full(three_revisions());
  Migrator(engine(), full).upgrade();
  auto revs = three_revisions();
  revs.pop_back();
  History older(std::move(revs));
  Migrator m(engine(), older);
  auto msg = error_of<ArgumentError>([&] { m.current(); });
  EXPECT_NE(msg.find("newer than the code"), std::string::npos) << msg;
  EXPECT_NE(msg.find("r3"), std::string::npos) << msg;
  EXPECT_THROW(m.upgrade(), ArgumentError);
  EXPECT_THROW(m.pending(), ArgumentError);
  EXPECT_THROW(m.downgrade("r1"), ArgumentError);
  EXPECT_EQ(Migrator(engine(), full).current(), "r3");
}

TEST_P(MigrateTest, OperationsPreserveRows) {
  History h({
      {"items", "create items with rows",
       [](MigrationContext& m) {
         MetaData md;
         Table& t = md.add_table("items");
         t.column("id", types::BigInteger).primary_key();
         t.column("name", types::String(64));
         t.column("qty", types::BigInteger).nullable();
         t.column("obsolete", types::Text).nullable();
         t.column("indexed_old", types::BigInteger).nullable();
         t.index("ix_items_indexed_old", {"indexed_old"});
         m.create_table(t);
         m.execute(
             text("INSERT INTO items (id, name, qty, obsolete, indexed_old) VALUES "
                  "(1, 'a', 10, 'x', 7), (2, 'b', NULL, 'y', 8), (3, 'c', 30, NULL, 9)"));
       }},
      {"alter", "add, drop and rename columns, index, rename the table",
       [](MigrationContext& m) {
         m.add_column("items", "note", types::String(20),
                      {.nullable = false, .server_default = ServerDefault::literal("n/a")});
         m.add_column("items", "flag", types::Boolean,
                      {.nullable = false, .server_default = ServerDefault::literal(false)});
         m.add_column("items", "extra", types::BigInteger);
         m.drop_column("items", "obsolete");
         m.drop_column("items", "indexed_old");  // its index goes with it
         m.rename_column("items", "qty", "quantity");
         m.create_index("items", "ix_items_name", {"name"}, true);
         m.rename_table("items", "things");
       }},
      {"drop-index", "drop the index", [](MigrationContext& m) { m.drop_index("ix_items_name"); }},
  });
  Migrator m(engine(), h);
  m.upgrade("alter");
  EXPECT_EQ(tables(), (Strings{"things"}));
  EXPECT_EQ(columns("things"), (Strings{"id", "name", "quantity", "note", "flag", "extra"}));
  EXPECT_EQ(indexes("things"), (Strings{"ix_items_name"}));
  {
    auto c = engine().connect();
    auto rows = c.execute(text("SELECT id, name, quantity, note, flag, extra FROM things "
                               "ORDER BY id"))
                    .all();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].get<std::string>("name"), "a");
    EXPECT_EQ(rows[0].get<std::optional<std::int64_t>>("quantity"), 10);
    EXPECT_EQ(rows[1].get<std::optional<std::int64_t>>("quantity"), std::nullopt);
    EXPECT_EQ(rows[2].get<std::optional<std::int64_t>>("quantity"), 30);
    for (const Row& r : rows) {
      EXPECT_EQ(r.get<std::string>("note"), "n/a");
      EXPECT_EQ(r.get<bool>("flag"), false);
      EXPECT_EQ(r.get<std::optional<std::int64_t>>("extra"), std::nullopt);
    }
    // The new column's default applies to new rows too; the unique index holds.
    exec(c, "INSERT INTO things (id, name) VALUES (4, 'd')");
    EXPECT_EQ(c.execute(text("SELECT note FROM things WHERE id = 4")).scalar<std::string>(), "n/a");
    EXPECT_THROW(exec(c, "INSERT INTO things (id, name) VALUES (5, 'd')"), IntegrityError);
  }
  m.upgrade();
  EXPECT_TRUE(indexes("things").empty());
  EXPECT_EQ(rows("things"), 4);
}

TEST_P(MigrateTest, NotNullColumnWithoutServerDefaultIsRefusedClearly) {
  History h({
      {"t", "table", [](MigrationContext& m) { m.execute("CREATE TABLE t (x BIGINT)"); }},
      {"bad", "not null without default",
       [](MigrationContext& m) { m.add_column("t", "y", types::BigInteger, {.nullable = false}); }},
  });
  Migrator m(engine(), h);
  std::string msg;
  try {
    m.upgrade();
  } catch (const MigrationError& e) {
    msg = e.what();
    EXPECT_EQ(e.revision(), "bad");
  }
  EXPECT_NE(msg.find("server default"), std::string::npos) << msg;
  EXPECT_EQ(m.current(), "t");
  EXPECT_EQ(columns("t"), (Strings{"x"}));
}

TEST_P(MigrateTest, IdempotentHelpersDoTheirWorkOnce) {
  std::vector<bool> did;
  History h({
      {"t", "table", [](MigrationContext& m) { m.execute("CREATE TABLE t (x BIGINT)"); }},
      {"twice", "add column and index twice",
       [&did](MigrationContext& m) {
         did.push_back(m.add_column_if_missing("t", "y", types::BigInteger));
         did.push_back(m.add_column_if_missing("t", "y", types::BigInteger));
         did.push_back(m.create_index_if_missing("t", "ix_t_y", {"y"}));
         did.push_back(m.create_index_if_missing("t", "ix_t_y", {"y"}));
       }},
  });
  Migrator m(engine(), h);
  m.upgrade();
  EXPECT_EQ(did, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(columns("t"), (Strings{"x", "y"}));
  EXPECT_EQ(indexes("t"), (Strings{"ix_t_y"}));
}

TEST_P(MigrateTest, ContextExposesConnectionDialectAndInspector) {
  History h({
      {"t", "table",
       [](MigrationContext& m) {
         m.execute("CREATE TABLE t (x BIGINT)");
         EXPECT_TRUE(m.inspector().has_table("t"));
         EXPECT_EQ(m.revision(), "t");
         EXPECT_TRUE(m.connection().in_transaction());
         m.execute(text("INSERT INTO t (x) VALUES (:x)"), {{"x", 5}});
         EXPECT_FALSE(m.dialect().name().empty());
       }},
  });
  Migrator(engine(), h).upgrade();
  EXPECT_EQ(rows("t"), 1);
}

TEST_P(MigrateTest, DropColumnsInAUniqueAndAForeignKeyKeepsRowsIndexesAndDefaults) {
  History h({
      {"books", "authors and books with rows",
       [](MigrationContext& m) {
         MetaData md;
         Table& authors = md.add_table("authors");
         authors.column("id", types::BigInteger).primary_key();
         Table& books = md.add_table("books");
         books.column("id", types::BigInteger).primary_key();
         books.column("author_id", types::BigInteger).nullable().references("authors.id");
         books.column("isbn", types::String(20)).unique();
         books.column("title", types::String(100)).index();
         books.column("status", types::Enum({"draft", "published"})).server_default("draft");
         books.column("price", types::Double).server_default(1.5);
         m.create_table(authors);
         m.create_table(books);
         m.execute("INSERT INTO authors (id) VALUES (1), (2)");
         m.execute(
             "INSERT INTO books (id, author_id, isbn, title, status, price) VALUES "
             "(1, 1, 'i1', 'one', 'published', 9.5), (2, 2, 'i2', 'two', 'draft', 3.25), "
             "(3, NULL, 'i3', 'three', 'draft', 1.5)");
       }},
      {"drop", "drop the unique and the foreign-key column",
       [](MigrationContext& m) {
         m.drop_column("books", "isbn");
         m.drop_column("books", "author_id");
       }},
  });
  Migrator m(engine(), h);
  m.upgrade();
  EXPECT_EQ(columns("books"), (Strings{"id", "title", "status", "price"}));
  EXPECT_EQ(indexes("books"), (Strings{"ix_books_title"}));
  auto c = engine().connect();
  {
    Inspector insp(c);
    EXPECT_TRUE(insp.foreign_keys("books").empty());
    EXPECT_TRUE(insp.unique_constraints("books").empty());
    EXPECT_EQ(insp.primary_key("books").columns, (Strings{"id"}));
  }
  auto rows = c.execute(text("SELECT id, title, status, price FROM books ORDER BY id")).all();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].get<std::string>("title"), "one");
  EXPECT_EQ(rows[0].get<std::string>("status"), "published");
  EXPECT_EQ(rows[1].get<double>("price"), 3.25);
  EXPECT_EQ(rows[2].get<std::string>("title"), "three");
  // Defaults and the Enum's check survive.
  exec(c, "INSERT INTO books (id, title) VALUES (4, 'four')");
  EXPECT_EQ(c.execute(text("SELECT status FROM books WHERE id = 4")).scalar<std::string>(),
            "draft");
  EXPECT_THROW(exec(c, "INSERT INTO books (id, title, status) VALUES (5, 'x', 'bogus')"),
               IntegrityError);
  Inspector insp(c);
  for (const auto& ck : insp.checks("books"))
    EXPECT_EQ(ck.name.rfind("ck_books_", 0), 0u) << ck.name;
}

TEST_P(MigrateTest, AlterColumnOfATableOtherRowsReferToKeepsTheirKeys) {
  History h({
      {"a", "parent and child with rows",
       [](MigrationContext& m) {
         MetaData md;
         Table& authors = md.add_table("authors");
         authors.column("id", types::BigInteger).primary_key();
         authors.column("name", types::String(10)).nullable();
         Table& books = md.add_table("books");
         books.column("id", types::BigInteger).primary_key();
         books.column("author_id", types::BigInteger).references("authors.id");
         m.create_table(authors);
         m.create_table(books);
         m.execute("INSERT INTO authors (id, name) VALUES (1, 'x'), (2, 'y')");
         m.execute("INSERT INTO books (id, author_id) VALUES (1, 1), (2, 2)");
       }},
      {"b", "alter the parent",
       [](MigrationContext& m) { m.alter_column("authors", "name", {.type = types::Text}); }},
  });
  Migrator m(engine(), h);
  m.upgrade();
  EXPECT_EQ(m.current(), "b");
  EXPECT_EQ(rows("books"), 2);
  auto c = engine().connect();
  Inspector insp(c);
  ASSERT_EQ(insp.foreign_keys("books").size(), 1u);
  EXPECT_EQ(insp.foreign_keys("books")[0].referred_table, "authors");
  EXPECT_THROW(exec(c, "INSERT INTO books (id, author_id) VALUES (3, 99)"), IntegrityError);
}

TEST_P(MigrateTest, AlterColumnChangesTypeNullabilityAndDefaultWithRowsPresent) {
  History h({
      {"t", "table with rows",
       [](MigrationContext& m) {
         MetaData md;
         Table& t = md.add_table("t");
         t.column("id", types::BigInteger).primary_key();
         t.column("n", types::BigInteger).nullable();
         t.column("s", types::String(10)).server_default("x");
         t.index("ix_t_s", {"s"});
         m.create_table(t);
         m.execute("INSERT INTO t (id, n, s) VALUES (1, 5, 'a'), (2, NULL, 'b')");
       }},
      {"not-null-fails", "n NOT NULL while a row holds NULL",
       [](MigrationContext& m) { m.alter_column("t", "n", {.nullable = false}); }},
  });
  Migrator first(engine(), h);
  EXPECT_THROW(first.upgrade(), DatabaseError);
  EXPECT_EQ(first.current(), "t");  // rolled back whole, rebuild included
  EXPECT_EQ(tables(), (Strings{"t"}));
  EXPECT_EQ(columns("t"), (Strings{"id", "n", "s"}));
  EXPECT_EQ(indexes("t"), (Strings{"ix_t_s"}));
  EXPECT_EQ(rows("t"), 2);

  History h2({
      h.revisions()[0],
      {"alter", "fill n, then alter n and s",
       [](MigrationContext& m) {
         m.execute("UPDATE t SET n = 0 WHERE n IS NULL");
         m.alter_column("t", "n", {.nullable = false, .server_default = ServerDefault::literal(7)});
         m.alter_column("t", "s", {.type = types::Text, .drop_server_default = true});
       }},
  });
  Migrator m2(engine(), h2);
  m2.upgrade();
  auto c = engine().connect();
  {
    Inspector insp(c);
    auto cols = insp.columns("t");
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_FALSE(cols[1].nullable);
    EXPECT_TRUE(cols[1].default_sql.has_value());
    EXPECT_EQ(cols[2].type, std::optional<Type>(types::Text));
    EXPECT_FALSE(cols[2].default_sql.has_value());
    EXPECT_EQ(index_names(insp, "t"), (Strings{"ix_t_s"}));
  }
  EXPECT_EQ(c.execute(text("SELECT n FROM t ORDER BY id")).scalars<std::int64_t>(),
            (std::vector<std::int64_t>{5, 0}));
  EXPECT_EQ(c.execute(text("SELECT s FROM t ORDER BY id")).scalars<std::string>(),
            (Strings{"a", "b"}));
  exec(c, "INSERT INTO t (id, s) VALUES (3, 'c')");
  EXPECT_EQ(c.execute(text("SELECT n FROM t WHERE id = 3")).scalar<std::int64_t>(), 7);
  EXPECT_THROW(exec(c, "INSERT INTO t (id, n) VALUES (4, 1)"), IntegrityError);  // s has no default
}

TEST_P(MigrateTest, ConstraintsAreAddedAndDroppedWithRowsPresent) {
  run("CREATE TABLE owners (id INTEGER PRIMARY KEY, code VARCHAR(10) NOT NULL)");
  run("CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER, name VARCHAR(20) NOT NULL)");
  run("INSERT INTO owners (id, code) VALUES (1, 'a'), (2, 'b')");
  run("INSERT INTO pets (id, owner_id, name) VALUES (1, 1, 'rex'), (2, 2, 'tom')");
  History h({
      {"c1", "constraints",
       [](MigrationContext& m) {
         m.add_unique("owners", {"code"});
         m.add_check("pets", "length(name) > 0", "ck_pets_name");
         m.add_foreign_key("pets", {"owner_id"}, "owners", {"id"}, FkAction::cascade);
       },
       [](MigrationContext& m) {
         m.drop_constraint("pets", "fk_pets_owner_id_owners");
         m.drop_constraint("pets", "ck_pets_name");
         m.drop_constraint("owners", "uq_owners_code");
       }},
  });
  Migrator m(engine(), h);
  m.upgrade();
  EXPECT_EQ(rows("owners"), 2);
  EXPECT_EQ(rows("pets"), 2);
  {
    auto c = engine().connect();
    try {
      exec(c, "INSERT INTO owners (id, code) VALUES (3, 'a')");
      ADD_FAILURE() << "duplicate code accepted";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::unique);
    }
    try {
      exec(c, "INSERT INTO pets (id, owner_id, name) VALUES (3, 99, 'x')");
      ADD_FAILURE() << "orphan accepted";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key);
    }
    try {
      exec(c, "INSERT INTO pets (id, owner_id, name) VALUES (3, 1, '')");
      ADD_FAILURE() << "empty name accepted";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::check);
    }
    exec(c, "DELETE FROM owners WHERE id = 2");  // ON DELETE CASCADE
    EXPECT_EQ(count(c, "pets"), 1);
  }
  m.downgrade("base");
  auto c = engine().connect();
  exec(c, "INSERT INTO owners (id, code) VALUES (3, 'a')");
  exec(c, "INSERT INTO pets (id, owner_id, name) VALUES (3, 99, '')");
  EXPECT_EQ(count(c, "pets"), 2);
  // A constraint that is not there is an error naming it.
  History bad({{"d1", "bad", [](MigrationContext& mc) { mc.drop_constraint("pets", "nope"); }}});
  Migrator mb(engine(), bad, MigratorOptions{.version_table = "other_version"});
  EXPECT_THROW(mb.upgrade(), Error);
}

/// A bulk data update written in the expression language.
Executable& update_rows() {
  static MetaData md;
  static Table& animals = []() -> Table& {
    Table& t = md.add_table("animals");
    t.column("id", types::BigInteger).primary_key();
    t.column("title", types::String(50));
    return t;
  }();
  static Dml u = update(animals).values({{"title", "Rex"}}).where(animals.c("id") == 1);
  return u;
}

/// Every kind of operation, with rows present, in seven revisions. Conditions name columns
/// quoted, as the database writes them back after a rename.
std::vector<Revision> every_operation() {
  return {
      {"o1", "owners and pets",
       [](MigrationContext& m) {
         MetaData md;
         Table& owners = md.add_table("owners");
         owners.column("id", types::BigInteger).primary_key();
         owners.column("code", types::String(10));
         owners.column("note", types::Text).nullable();
         owners.column("kind", types::Enum({"a", "b"})).nullable();
         owners.column("data", types::Json).nullable();
         owners.index("ix_owners_code", {"code"});
         owners.index("ix_owners_lower_code", {raw_sql("lower(\"code\")")})
             .where(raw_sql("\"note\" IS NOT NULL"));
         Table& pets = md.add_table("pets");
         pets.column("id", types::BigInteger).primary_key();
         pets.column("owner_id", types::BigInteger);
         pets.column("name", types::String(50));
         pets.column("born", types::DateTime).server_default(now());
         m.create_table(owners);
         m.create_table(pets);
         m.execute(text("INSERT INTO owners (id, code, kind) VALUES (:id, :code, :kind)"),
                   {{"id", 1}, {"code", "x'y"}, {"kind", "a"}});
         m.execute(text("INSERT INTO pets (id, owner_id, name) VALUES (1, 1, 'rex')"));
       }},
      {"o2", "columns with defaults",
       [](MigrationContext& m) {
         m.add_column("owners", "added", types::DateTime, {.server_default = now()});
         m.add_column("pets", "score", types::Integer,
                      {.nullable = false, .server_default = ServerDefault::literal(0)});
       }},
      {"o3", "alter a column",
       [](MigrationContext& m) {
         m.alter_column(
             "owners", "note",
             {.type = types::String(200), .server_default = ServerDefault::literal("n/a")});
       }},
      {"o4", "constraints",
       [](MigrationContext& m) {
         m.add_unique("owners", {"code"});
         m.add_check("pets", "length(\"name\") > 0", "ck_pets_name");
         m.add_foreign_key("pets", {"owner_id"}, "owners", {"id"}, FkAction::cascade);
       }},
      {"o5", "rename a column, index it",
       [](MigrationContext& m) {
         m.rename_column("pets", "name", "title");
         m.create_index("pets", "ix_pets_title", {"title"});
         m.drop_constraint("pets", "ck_pets_name");
       }},
      {"o6", "drop columns and an index, rename a table",
       [](MigrationContext& m) {
         m.drop_column("owners", "kind");
         m.drop_column("owners", "note");
         m.drop_index("ix_owners_code");
         m.rename_table("pets", "animals");
         m.execute(update_rows());
       }},
      {"o7", "drop the foreign key, helpers",
       [](MigrationContext& m) {
         m.drop_constraint("animals", "fk_pets_owner_id_owners");
         m.add_column_if_missing("animals", "score", types::Integer);
         m.add_column_if_missing("animals", "weight", types::Double);
         m.create_index_if_missing("animals", "ix_pets_title", {"title"});
       }},
      {"o8", "a composite primary key",
       [](MigrationContext& m) {
         m.alter_primary_key("owners", {"id", "code"});
       }},
  };
}

TEST_P(MigrateTest, OfflineSqlEqualsWhatTheOnlineRunExecutes) {
  History h(every_operation());
  std::map<std::string, Strings> online;
  MigratorOptions options;
  options.on_statement = [&](const std::string& rev, const std::string& sql) {
    online[rev].push_back(sql);
  };
  Migrator(engine(), h, options).upgrade();

  const auto offline = offline_upgrade(h, dialect());
  ASSERT_EQ(offline.size(), 8u);
  for (const OfflineRevision& r : offline) {
    EXPECT_FALSE(r.statements.empty()) << r.id;
    EXPECT_EQ(r.statements, online[r.id]) << r.id;
  }
  // Bound values are written as literals, quotes doubled.
  EXPECT_NE(offline[0].statements.back().find("'rex'"), std::string::npos);
  bool quoted = false;
  for (const auto& sql : offline[0].statements) quoted = quoted || sql.find("'x''y'") != npos;
  EXPECT_TRUE(quoted);

  // From a revision on: the later ones only, the same statements.
  const auto later = offline_upgrade(h, dialect(), "o3", "o6");
  ASSERT_EQ(later.size(), 3u);
  EXPECT_EQ(later[0].id, "o4");
  EXPECT_EQ(later[2].id, "o6");
  for (const OfflineRevision& r : later) EXPECT_EQ(r.statements, online[r.id]) << r.id;

  // The rows survived and the now() column added to rows already there has a value.
  auto c = engine().connect();
  EXPECT_EQ(count(c, "owners"), 1);
  EXPECT_EQ(count(c, "animals"), 1);
  EXPECT_TRUE(c.execute(text("SELECT added FROM owners")).scalar<std::optional<Timestamp>>());
  EXPECT_EQ(c.execute(text("SELECT title FROM animals")).scalar<std::string>(), "Rex");
  EXPECT_EQ(c.execute(text("SELECT score FROM animals")).scalar<std::int64_t>(), 0);
  EXPECT_EQ(Inspector(c).primary_key("owners").columns, (Strings{"id", "code"}));
  exec(c, "INSERT INTO owners (id, code) VALUES (1, 'other')");  // (id, code) is the key now
  EXPECT_THROW(exec(c, "INSERT INTO owners (id, code) VALUES (1, 'other')"), IntegrityError);
}

TEST_P(MigrateTest, UpgradeScriptWrapsEachRevisionWithItsVersionUpdate) {
  History h(every_operation());
  const std::string script = upgrade_script(h, dialect(), "o5");
  EXPECT_EQ(script.rfind("-- sqlcore offline upgrade", 0), 0u) << script;
  EXPECT_NE(
      script.find("CREATE TABLE IF NOT EXISTS " + dialect().quote_identifier("sqlcore_version")),
      npos);
  EXPECT_EQ(script.find("-- revision o5"), npos) << script;
  const auto at6 = script.find("-- revision o6: drop columns"), at7 = script.find("-- revision o7");
  ASSERT_NE(at6, npos) << script;
  ASSERT_NE(at7, npos) << script;
  EXPECT_LT(at6, at7);
  EXPECT_NE(script.find("VALUES ('o6');\nCOMMIT;\n", at6), npos) << script;
  EXPECT_NE(script.find("VALUES ('o7');\nCOMMIT;\n", at7), npos) << script;
  std::size_t begins = 0;
  for (auto at = script.find("\nBEGIN;\n"); at != npos; at = script.find("\nBEGIN;\n", at + 1))
    ++begins;
  EXPECT_EQ(begins, 3u);
  // Nothing was touched: no table, no version.
  EXPECT_TRUE(tables().empty());
  EXPECT_EQ(Migrator(engine(), h).current(), std::nullopt);
}

TEST_P(MigrateTest, OfflineModeRefusesWhatItCannotWriteOut) {
  History uses_connection({{"c1", "reads through the connection", [](MigrationContext& m) {
                              m.connection().execute(text("SELECT 1"));
                            }}});
  auto msg = error_of<MigrationError>([&] { offline_upgrade(uses_connection, dialect()); });
  EXPECT_NE(msg.find("c1"), npos) << msg;
  EXPECT_NE(msg.find("offline"), npos) << msg;
  // A table made through raw SQL is unknown to the model: an operation that must read it says so.
  History raw({{"r1", "raw", [](MigrationContext& m) { m.execute("CREATE TABLE t (x BIGINT)"); }},
               {"r2", "drop x", [](MigrationContext& m) { m.drop_column("t", "x"); }}});
  msg = error_of<MigrationError>([&] { offline_upgrade(raw, dialect()); });
  EXPECT_NE(msg.find("r2"), npos) << msg;
  EXPECT_NE(msg.find("execute(sql)"), npos) << msg;
  EXPECT_THROW(offline_upgrade(raw, dialect(), "nope"), ArgumentError);
  EXPECT_THROW(offline_upgrade(raw, dialect(), "r2", "r1"), ArgumentError);
}

// On SQLite a revision runs with foreign-key enforcement off (a table rebuild must not fire
// other tables' ON DELETE actions); the keys are checked before COMMIT, so a revision that
// leaves a dangling reference fails and rolls back on every backend.
TEST_P(MigrateTest, ARevisionLeavingADanglingReferenceRollsBack) {
  History h(every_operation());
  Migrator m(engine(), h);
  m.upgrade("o4");
  History bad(every_operation());
  std::vector<Revision> revs = every_operation();
  revs.resize(4);
  revs.push_back({"dangling", "a pet of nobody", [](MigrationContext& mc) {
                    mc.execute("INSERT INTO pets (id, owner_id, name) VALUES (2, 99, 'ghost')");
                  }});
  History with_bad(std::move(revs));
  Migrator mb(engine(), with_bad);
  try {
    mb.upgrade();
    ADD_FAILURE() << "a dangling reference was committed";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::foreign_key);
    EXPECT_NE(std::string(e.what()).find("dangling"), npos) << e.what();
  }
  EXPECT_EQ(mb.current(), "o4");
  EXPECT_EQ(rows("pets"), 1);
  // Enforcement is back on for the connections that ran the revision.
  auto c = engine().connect();
  EXPECT_THROW(exec(c, "INSERT INTO pets (id, owner_id, name) VALUES (3, 98, 'x')"),
               IntegrityError);
}

TEST_P(MigrateTest, HistoryWithAGapIsRefused) {
  auto noop = [](MigrationContext&) {};
  EXPECT_NO_THROW(History({{"a", "a", noop}, {"b", "b", noop, {}, "a"}}));
  auto msg = error_of<ArgumentError>([&] {
    History({{"a", "a", noop}, {"c", "c", noop, {}, "b"}});
  });
  EXPECT_NE(msg.find("'c'"), npos) << msg;
  EXPECT_NE(msg.find("'b'"), npos) << msg;
  EXPECT_NE(msg.find("gap"), npos) << msg;
  msg = error_of<ArgumentError>([&] { History({{"a", "a", noop, {}, "zero"}}); });
  EXPECT_NE(msg.find("first"), npos) << msg;
}

class MigrateConcurrencyTest : public MigrateTest {
 protected:
  void SetUp() override {
    MigrateTest::SetUp();
    if (!many_connections()) GTEST_SKIP() << "one shared connection: no concurrent runners";
  }
};

TEST_P(MigrateConcurrencyTest, TwoRunnersApplyEachRevisionOnce) {
  std::vector<Revision> revs;
  revs.push_back({"log", "create log", [](MigrationContext& m) {
                    m.execute("CREATE TABLE log (rev VARCHAR(20) NOT NULL)");
                    m.execute(text("INSERT INTO log (rev) VALUES ('log')"));
                    std::this_thread::sleep_for(50ms);
                  }});
  for (int i = 1; i <= 4; ++i) {
    std::string id = "step" + std::to_string(i);
    revs.push_back({id, "log " + id, [id](MigrationContext& m) {
                      m.execute(text("INSERT INTO log (rev) VALUES (:r)"), {{"r", id}});
                      std::this_thread::sleep_for(30ms);
                    }});
  }
  History h(std::move(revs));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w)
    threads.emplace_back([&] {
      try {
        auto e = make_engine();
        Migrator(e, h).upgrade();
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Migrator m(engine(), h);
  EXPECT_EQ(m.current(), "step4");
  auto c = engine().connect();
  EXPECT_EQ(c.execute(text("SELECT rev FROM log ORDER BY rev")).scalars<std::string>(),
            (Strings{"log", "step1", "step2", "step3", "step4"}));
}

TEST_P(MigrateConcurrencyTest, ALockHeldTooLongGivesAClearTimeout) {
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  History h({
      {"slow", "holds the lock until released",
       [&entered, released](MigrationContext& m) {
         m.execute("CREATE TABLE slow (x BIGINT)");
         entered.set_value();
         released.wait();
       }},
  });
  std::thread first([&] {
    try {
      auto e = make_engine();
      Migrator(e, h).upgrade();
    } catch (const std::exception& ex) {
      ADD_FAILURE() << ex.what();
      try {
        entered.set_value();
      } catch (const std::exception&) {
      }
    }
  });
  entered.get_future().wait();
  auto e2 = make_engine();
  Migrator second(e2, h, {.lock_timeout = 200ms});
  auto msg = error_of<OperationalError>([&] { second.upgrade(); });
  EXPECT_NE(msg.find("lock_timeout"), std::string::npos) << msg;
  release.set_value();
  first.join();
  EXPECT_EQ(second.current(), "slow");
  second.upgrade();  // nothing to do now
}

SQLCORE_BACKEND_TEST_SUITE(MigrateTest);
SQLCORE_BACKEND_TEST_SUITE(MigrateConcurrencyTest);

}  // namespace
}  // namespace sqlcore_test
