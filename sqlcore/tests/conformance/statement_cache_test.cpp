// Statements built on every call: one compilation per shape, each execution with its own values;
// and Mapping<S>, the row mapping declared once per struct.
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/engine/mapping.hpp>

#include <sqlcore/testing/backend.hpp>

#include "common/sample_schema.hpp"

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

using sample::Users;

class StatementCacheTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine());
    md_.create_all(*engine_);
    Connection c = engine_->connect();
    for (auto [id, name] : {std::pair{1, "ada"}, {2, "grace"}, {3, "linus"}})
      c.execute(
          insert(users).values({{users.id, id}, {users.name, name}, {users.visits, id * 10}}));
  }
  std::optional<Engine> engine_;
  MetaData md_;
  Users users{md_};
  sample::Posts posts{md_};
};

TEST_P(StatementCacheTest, UnnamedStatementsLeaveNothingPreparedOnTheServer) {
  if (!server_sessions()) GTEST_SKIP() << "prepare= is a PostgreSQL setting";
  // prepare=unnamed: for a pooler that hands each transaction another server session.
  auto engine = make_engine({.pool_size = 1}, "prepare=unnamed");
  Connection c = engine.connect();
  const TextClause by_id = text("SELECT name FROM users WHERE id = :id");
  for (int round = 0; round < 3; ++round)
    EXPECT_EQ(c.execute(by_id, {{"id", 2}}).scalar<std::string>(), "grace");
  std::vector<Params> rows;
  for (int i = 0; i < 120; ++i)
    rows.push_back({{"id", 100 + i}, {"name", "u" + std::to_string(i)}, {"visits", i}});
  EXPECT_EQ(
      c.execute_many(
          text("INSERT INTO users (id, name, visits, profile) VALUES (:id, :name, :visits, '{}')"),
          rows),
      120);
  EXPECT_EQ(c.execute(select(users.name).where(users.id == 150)).scalar<std::string>(), "u50");
  for (int round = 0; round < 2; ++round) {  // BEGIN and COMMIT are not prepared either
    Transaction tx = c.begin();
    c.execute(update(users).set({{users.visits, round}}).where(users.id == 1));
    tx.commit();
  }
  EXPECT_EQ(c.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar<std::int64_t>(),
            0);
  EXPECT_THROW((void)make_engine({}, "prepare=sometimes"), ArgumentError);
  if (!session_per_connection()) return;  // named statements: refused behind a pooler
  // prepare=named (the default) prepares them by name, once per connection.
  auto named_engine = make_engine({}, "prepare=named");
  Connection named = named_engine.connect();
  (void)named.execute(by_id, {{"id", 1}}).all();
  EXPECT_GE(
      named.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar<std::int64_t>(), 1);
}

// BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE run with every transaction: the drivers keep
// them prepared (on PostgreSQL under a name, as pgbench -M prepared does). A failed transaction
// still ends with ROLLBACK, whether that ROLLBACK is prepared yet or not, and a savepoint
// still undoes only its own work.
TEST_P(StatementCacheTest, TransactionStatementsArePreparedAndStillEndAFailedTransaction) {
  Connection c = engine_->connect();
  const auto add = [&](int id) {
    c.execute(insert(users).values({{users.id, id}, {users.name, "t" + std::to_string(id)}}));
  };
  const auto count = [&] {
    return c.execute(select(sqlcore::count()).select_from(users)).scalar<std::int64_t>();
  };
  const std::int64_t before = count();
  for (int round = 0; round < 2; ++round) {
    // A statement fails and the transaction rolls back: the first time before any ROLLBACK
    // was prepared, the second time with it prepared.
    {
      Transaction tx = c.begin();
      add(100 + round);
      EXPECT_THROW(add(1), IntegrityError);  // users 1 exists: on PostgreSQL the transaction aborts
      tx.rollback();
    }
    EXPECT_EQ(count(), before + round) << "round " << round;
    {  // a transaction that did not fail, rolled back: this prepares ROLLBACK
      Transaction tx = c.begin();
      add(400 + round);
      tx.rollback();
    }
    EXPECT_EQ(count(), before + round) << "round " << round;
    // A savepoint rolled back keeps the work around it.
    {
      Transaction tx = c.begin();
      add(200 + round);
      {
        Transaction inner = c.begin_nested();
        add(300 + round);
        EXPECT_THROW(add(2), IntegrityError);
        inner.rollback();
      }
      tx.commit();
    }
    EXPECT_EQ(count(), before + round + 1) << "round " << round;
  }
  if (!server_sessions() || !session_per_connection()) return;
  // On PostgreSQL with prepare=named (the default) they are prepared statements of the session,
  // each once.
  auto named_engine = make_engine({}, "prepare=named");
  Connection named = named_engine.connect();
  for (int round = 0; round < 4; ++round) {
    Transaction tx = named.begin();
    (void)named.execute(select(users.id).where(users.id == 1)).all();
    if (round % 2 == 0) {
      tx.commit();
    } else {
      tx.rollback();
    }
  }
  const auto prepared = named
                            .execute(text("SELECT statement FROM pg_prepared_statements "
                                          "WHERE statement IN ('BEGIN', 'COMMIT', 'ROLLBACK')"))
                            .all();
  EXPECT_EQ(prepared.size(), 3u);
}

// The driver's statement cache knows a statement by its SQL and its parameters' types: the same
// text bound with values of other types is prepared again, and each execution counts its rows.
TEST_P(StatementCacheTest, OneTextWithValuesOfOtherTypesIsPreparedForEachAndCountsItsRows) {
  Connection c = engine_->connect();
  const TextClause echo = text("SELECT :v AS v");
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(c.execute(echo, {{"v", 7}}).scalar<std::int64_t>(), 7);
    EXPECT_EQ(c.execute(echo, {{"v", std::int64_t{1} << 40}}).scalar<std::int64_t>(),
              std::int64_t{1} << 40);
    EXPECT_DOUBLE_EQ(c.execute(echo, {{"v", 2.5}}).scalar<double>(), 2.5);
    EXPECT_EQ(c.execute(echo, {{"v", "text"}}).scalar<std::string>(), "text");
  }
  // Rows counted from each command's own report.
  const TextClause bump = text("UPDATE users SET visits = visits + :by WHERE id <= :id");
  EXPECT_EQ(c.execute(bump, {{"by", 1}, {"id", 2}}).rowcount(), 2);
  EXPECT_EQ(c.execute(bump, {{"by", 1.5}, {"id", 3}}).rowcount(), 3);
  EXPECT_EQ(c.execute(bump, {{"by", 1}, {"id", 0}}).rowcount(), 0);
  EXPECT_EQ(c.execute(text("DELETE FROM users WHERE id = :id"), {{"id", 3}}).rowcount(), 1);
  EXPECT_EQ(
      c.execute(text("INSERT INTO users (id, name, visits, profile) VALUES (:id, 'x', 0, '{}'), "
                     "(:id2, 'y', 0, '{}')"),
                {{"id", 10}, {"id2", 11}})
          .rowcount(),
      2);
  EXPECT_EQ(c.execute(text("CREATE TABLE scratch_counts (n INTEGER)")).rowcount(), -1);
  if (!server_sessions() || !session_per_connection()) return;
  EXPECT_EQ(c.execute(text("MERGE INTO users u USING (VALUES (1), (2), (99)) AS s(id) ON u.id = "
                           "s.id WHEN MATCHED THEN UPDATE SET visits = 0"))
                .rowcount(),
            2);
  // With prepare=named (the default): one prepared statement per list of types, each once (a
  // string goes untyped, and the server takes it as text).
  auto named_engine = make_engine({}, "prepare=named");
  Connection named = named_engine.connect();
  for (int round = 0; round < 2; ++round)
    for (const Value& v : {Value(7), Value(std::int64_t{1} << 40), Value(2.5), Value("text")})
      (void)named.execute(echo, {{"v", v}}).all();
  const auto types =
      named
          .execute(text("SELECT parameter_types::text AS t FROM pg_prepared_statements "
                        "WHERE statement = 'SELECT $1 AS v' ORDER BY 1"))
          .scalars<std::string>();
  EXPECT_EQ(types, (std::vector<std::string>{"{\"double precision\"}", "{bigint}", "{integer}",
                                             "{text}"}));
}

// A statement that makes the server forget every prepared statement (DISCARD ALL, DEALLOCATE
// ALL), however it is written and sent, makes the connection forget them too: the statements
// after it are prepared again instead of failing.
TEST_P(StatementCacheTest, StatementsStillRunAfterTheServerForgetsThePreparedOnes) {
  if (!server_sessions() || !session_per_connection())
    GTEST_SKIP() << "prepared statements of a PostgreSQL session";
  Connection c = engine_->connect();
  const TextClause by_id = text("SELECT name FROM users WHERE id = :id");
  for (const char* forget : {"DISCARD ALL", "/* reset */ discard\n  all",
                             "-- all of them\nDEALLOCATE ALL", "DEALLOCATE PREPARE ALL"}) {
    EXPECT_EQ(c.execute(by_id, {{"id", 2}}).scalar<std::string>(), "grace") << forget;
    c.execute(text(forget));
    EXPECT_EQ(c.execute(by_id, {{"id", 2}}).scalar<std::string>(), "grace") << forget;
    Transaction tx = c.begin();  // BEGIN and COMMIT, kept prepared, are prepared again too
    EXPECT_EQ(c.execute(by_id, {{"id", 1}}).scalar<std::string>(), "ada") << forget;
    tx.commit();
  }
}

TEST_P(StatementCacheTest, AStatementBuiltPerCallIsCompiledOncePerShape) {
  Connection c = engine_->connect();
  const Dialect& d = c.dialect();
  auto by_name = [&](const std::string& name) {
    return select(users.id).where(users.name == name && users.visits > 0);
  };
  Select a = by_name("ada"), g = by_name("grace");
  EXPECT_EQ(&a.compiled(d), &g.compiled(d)) << "one compilation for one shape";
  EXPECT_EQ(c.execute(a).scalar<std::int64_t>(), 1);
  EXPECT_EQ(c.execute(g).scalar<std::int64_t>(), 2);
  EXPECT_EQ(c.execute(by_name("linus")).scalar<std::int64_t>(), 3);
  // Another shape: another compilation.
  Select other = select(users.id).where(users.name == "ada");
  EXPECT_NE(&other.compiled(d), &a.compiled(d));
  // DML too: the values of each statement, not of the first one compiled.
  for (int i = 1; i <= 3; ++i)
    c.execute(update(users).set({{users.visits, 100 + i}}).where(users.id == i));
  EXPECT_EQ(c.execute(select(users.visits).where(users.id == 2)).scalar<std::int32_t>(), 102);
  EXPECT_EQ(c.execute(select(users.visits).where(users.id == 3)).scalar<std::int32_t>(), 103);
}

// A value node used twice is one literal; two equal-looking values are two: different shapes,
// each right.
TEST_P(StatementCacheTest, AValueUsedTwiceAndTwoValuesAreDifferentShapes) {
  Connection c = engine_->connect();
  const Expr same = Expr(std::int64_t{2});
  auto twice = select(users.name).where(users.id == same || users.manager_id == same);
  auto two =
      select(users.name).where(users.id == std::int64_t{1} || users.manager_id == std::int64_t{2});
  EXPECT_EQ(c.execute(twice).scalar<std::string>(), "grace");
  EXPECT_EQ(c.execute(two).scalar<std::string>(), "ada");
  // IN lists of different lengths are different shapes.
  auto in = [&](std::vector<Value> ids) {
    return select(sqlcore::count()).select_from(users).where(users.id.in_(std::move(ids)));
  };
  EXPECT_EQ(c.execute(in({1, 2})).scalar<std::int64_t>(), 2);
  EXPECT_EQ(c.execute(in({3})).scalar<std::int64_t>(), 1);
  EXPECT_EQ(c.execute(in({1, 2, 3})).scalar<std::int64_t>(), 3);
  // Past 32 literals the walk remembers them in a map: a long list, and a value used twice in it.
  std::vector<Value> many;
  for (int i = 100; i < 140; ++i) many.emplace_back(i);
  many.emplace_back(2);
  EXPECT_EQ(c.execute(in(many)).scalar<std::int64_t>(), 1);
  const Expr late = Expr(std::int64_t{3});
  Expr cond = users.id == late;
  for (int i = 100; i < 140; ++i) cond = cond || users.id == std::int64_t{i};
  cond = cond || users.manager_id == late;
  EXPECT_EQ(c.execute(select(users.name).where(cond)).scalar<std::string>(), "linus");
}

// Many threads building statements of one shape, each with its own value.
TEST_P(StatementCacheTest, ThreadsShareCompilationsAndKeepTheirValues) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      Connection c = engine_->connect();
      for (int i = 0; i < 50; ++i) {
        const std::int64_t id = 1 + (t + i) % 3;
        if (c.execute(select(users.id).where(users.id == id)).scalar<std::int64_t>() != id) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

struct Person {
  std::int64_t id = 0;
  std::string name = {};
  std::optional<std::string> email = std::nullopt;
  std::int32_t visits = 0;
  std::optional<std::int64_t> manager_id = std::nullopt;
};
struct PersonPatch {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> email = std::nullopt;
};

TEST_P(StatementCacheTest, MappingReadsAndWritesAStructDeclaredOnce) {
  const auto person = Mapping<Person>("Person", users)
                          .field(&Person::id, users.id)
                          .field(&Person::name, users.name)
                          .field(&Person::email, users.email)
                          .field(&Person::visits, users.visits)
                          .field(&Person::manager_id, users.manager_id);
  const auto patch = Mapping<PersonPatch>("PersonPatch", users)
                         .field(&PersonPatch::name, users.name)
                         .field(&PersonPatch::email, users.email);
  Connection c = engine_->connect();
  Person made = person.one(
      c,
      person.insert(person.values({.id = 4, .name = "barbara", .email = "b@x.org", .visits = 7})));
  EXPECT_EQ(made.name, "barbara");
  EXPECT_EQ(made.email, "b@x.org");
  EXPECT_FALSE(made.manager_id);
  EXPECT_EQ(person.all(c, person.select().order_by({users.id})).size(), 4u);
  EXPECT_FALSE(person.optional(c, person.select().where(users.id == 99)));
  // changes(): only the given fields.
  ASSERT_EQ(patch.changes({.email = "new@x.org"}).size(), 1u);
  auto changed =
      person.optional(c, person.update(patch.changes({.email = "new@x.org"})).where(users.id == 4));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->name, "barbara");
  EXPECT_EQ(changed->email, "new@x.org");
  // A row read by name: extra columns and another order are fine.
  auto row = c.execute(select(users.visits, users.name, users.id, users.email, users.manager_id,
                              users.active)
                           .where(users.id == 4))
                 .one();
  EXPECT_EQ(person.read(row).visits, 7);
}

struct Post {
  std::int64_t id = 0;
  std::string title = {};
};

// A row given up to read() (one(), optional(), first(), all() give theirs up) hands its large
// text over: the struct's string is the driver's copy, not a second one. A row read through a
// const reference keeps its values.
TEST_P(StatementCacheTest, MappingMovesLargeTextOutOfARowItIsGiven) {
  const auto post =
      Mapping<Post>("Post", posts).field(&Post::id, posts.id).field(&Post::title, posts.title);
  Connection c = engine_->connect();
  const std::string big(1 << 20, 'x');
  for (int id = 1; id <= 3; ++id)
    c.execute(insert(posts).values(
        {{posts.id, id}, {posts.author_id, 1}, {posts.title, big + std::to_string(id)}}));
  Row row = c.execute(post.select().where(posts.id == 1)).one();
  const Row kept = row;
  EXPECT_EQ(post.read(kept).title, big + "1");
  EXPECT_FALSE(kept[1].is_null()) << "read(const Row&) copies";
  const char* driver_copy = row[1].text_unchecked().data();
  const Post moved = post.read(std::move(row));
  EXPECT_EQ(moved.title.data(), driver_copy) << "read(Row&&) moves the text";
  EXPECT_EQ(moved.title, big + "1");
  // Through the mapping's own calls, including all() over a reused row.
  EXPECT_EQ(post.one(c, post.select().where(posts.id == 2)).title, big + "2");
  const auto all = post.all(c, post.select().order_by({posts.id}));
  ASSERT_EQ(all.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(all[i].title, big + std::to_string(i + 1));
}

// insert_new(): the new row, or nullopt (the stored row untouched) when the key exists; threads
// inserting one key make one row and get no error.
TEST_P(StatementCacheTest, InsertNewMakesARowOnceEvenUnderConcurrency) {
  const auto person = Mapping<Person>("Person", users)
                          .field(&Person::id, users.id)
                          .field(&Person::name, users.name)
                          .field(&Person::visits, users.visits);
  Connection c = engine_->connect();
  auto made = person.insert_new(c, {{users.id, 5}, {users.name, "edsger"}}, {users.id});
  ASSERT_TRUE(made);
  EXPECT_EQ(made->name, "edsger");
  EXPECT_FALSE(person.insert_new(c, {{users.id, 5}, {users.name, "other"}}, {users.id}));
  EXPECT_EQ(c.execute(select(users.name).where(users.id == 5)).scalar<std::string>(), "edsger");
  if (!many_connections()) return;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      try {
        Connection tc = engine_->connect();
        if (person.insert_new(tc, {{users.id, 6}, {users.name, "barbara"}}, {users.id})) ++created;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
}

struct PostView {
  std::int64_t id = 0;
  std::string title = {};
  std::string author = {};  // users.name, joined
};

// A post with its author's name: a mapping with a joined field.
Mapping<PostView> post_view(const sample::Posts& posts, const Users& users) {
  return Mapping<PostView>("PostView", posts)
      .field(&PostView::id, posts.id)
      .field(&PostView::title, posts.title)
      .joined(&PostView::author, users.name);
}

// A joined field is read from the joined table, never written, and skipped by RETURNING rows.
TEST_P(StatementCacheTest, AJoinedFieldIsReadNotWritten) {
  const auto view = post_view(posts, users);
  Connection c = engine_->connect();
  EXPECT_EQ(view.values({.id = 1, .title = "x", .author = "ignored"}).size(), 2u);
  auto row = view.values({.id = 10, .title = "hello", .author = "ignored"});
  row.emplace_back(posts.author_id, 2);
  PostView made = view.one(c, view.insert(std::move(row)));
  EXPECT_EQ(made.title, "hello");
  EXPECT_EQ(made.author, "") << "not in the RETURNING row";
  auto all = view.all(c, view.select().join(users, users.id == posts.author_id));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].author, "grace");
}

// all() finds each field's column by name in a result's first row and reads the other rows from
// the same places: rows in another column order, with a column the mapping does not name and
// without its joined column are read right, and a second result finds its own places.
TEST_P(StatementCacheTest, AllReadsEveryRowByNameWhateverTheColumnOrder) {
  const auto view = post_view(posts, users);
  Connection c = engine_->connect();
  for (int id = 1; id <= 3; ++id)
    c.execute(insert(posts).values(
        {{posts.id, id}, {posts.author_id, id}, {posts.title, "t" + std::to_string(id)}}));
  const auto reordered =
      view.all(c, select(posts.author_id, posts.title, posts.id).order_by({posts.id}));
  ASSERT_EQ(reordered.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(reordered[i].id, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(reordered[i].title, "t" + std::to_string(i + 1));
    EXPECT_EQ(reordered[i].author, "") << "no joined column in these rows";
  }
  const auto joined =
      view.all(c, view.select().join(users, users.id == posts.author_id).order_by({posts.id}));
  ASSERT_EQ(joined.size(), 3u);
  EXPECT_EQ(joined[0].author, "ada");
  EXPECT_EQ(joined[1].author, "grace");
  EXPECT_EQ(joined[2].author, "linus");
  EXPECT_EQ(joined[2].title, "t3");
}

TEST_P(StatementCacheTest, AMappedRowOfTheWrongTypeNamesModelFieldAndColumn) {
  struct Wrong {
    std::string name;
    std::string email;  // the column is nullable: NULL cannot be read into it
  };
  const auto wrong = Mapping<Wrong>("Wrong", users)
                         .field(&Wrong::name, users.name)
                         .field("contact", &Wrong::email, users.email);
  Connection c = engine_->connect();
  try {
    (void)wrong.one(c, wrong.select().where(users.id == 3));  // linus has no email
    ADD_FAILURE() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Wrong.contact"), std::string::npos) << m;
    EXPECT_NE(m.find("users.email"), std::string::npos) << m;
  }
  // A column of another table is refused when the mapping is declared.
  MetaData other;
  Users elsewhere{other};
  EXPECT_THROW(Mapping<Wrong>("Wrong", users).field(&Wrong::name, elsewhere.name), ArgumentError);
}

SQLCORE_BACKEND_TEST_SUITE(StatementCacheTest);

}  // namespace
}  // namespace sqlcore_test
