// Named binds in any order (text() and expression statements), execute_many() of text() INSERTs
// as multi-row statements (and what it must leave row by row), and the names of computed result
// columns, the same on every backend.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

struct Items : Table {
  explicit Items(MetaData& m) : Table(m, "items") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(false);
  Col<std::string> name = column("name", types::Text);
  Col<std::int32_t> qty = column("qty", types::Integer);
  Col<double> price = column("price", types::Double);
  Col<bool> ok = column("ok", types::Boolean);
};

struct Stored {
  std::int64_t id;
  std::string name;
  std::int32_t qty;
  double price;
  bool ok;
  bool operator==(const Stored&) const = default;
};

std::string name_of(std::int64_t i) {
  return "item-" + std::to_string(i);
}

class BindsBatchTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine());
    md_.create_all(*engine_);
  }

  std::vector<Stored> stored(Connection& c) {
    std::vector<Stored> out;
    for (const Row& r : c.execute(
             select(items.id, items.name, items.qty, items.price, items.ok).order_by({items.id})))
      out.push_back({r.get<std::int64_t>("id"), r.get<std::string>("name"),
                     r.get<std::int32_t>("qty"), r.get<double>("price"), r.get<bool>("ok")});
    return out;
  }
  static Stored expected(std::int64_t i) {
    return {i, name_of(i), static_cast<std::int32_t>(i * 3), static_cast<double>(i) + 0.5,
            i % 2 == 0};
  }
  // Row i's parameters in one of several orders (none of them the statement's for k > 0).
  static Params row(std::int64_t i, int order = 0) {
    Params p = {{"id", i},
                {"name", name_of(i)},
                {"qty", static_cast<std::int32_t>(i * 3)},
                {"price", static_cast<double>(i) + 0.5},
                {"ok", i % 2 == 0}};
    if (order == 1) std::reverse(p.begin(), p.end());
    if (order == 2) std::rotate(p.begin(), p.begin() + 2, p.end());
    if (order == 3) std::swap(p[1], p[3]);
    return p;
  }
  // The error `fn` throws, as an ArgumentError (a failure when it throws none or another).
  template <class F>
  static std::string argument_error(F&& fn) {
    try {
      fn();
    } catch (const ArgumentError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no ArgumentError";
    return {};
  }

  std::optional<Engine> engine_;
  MetaData md_;
  Items items{md_};
  const char* insert_sql_ =
      "INSERT INTO items (id, name, qty, price, ok) VALUES (:id, :name, :qty, :price, :ok)";
};

// ---- named binds in any order -----------------------------------------------------------------

TEST_P(BindsBatchTest, TextBindsInAnyOrderLandInTheirColumns) {
  Connection c = engine_->connect();
  const TextClause ins = text(insert_sql_);
  for (int i = 1; i <= 8; ++i) c.execute(ins, row(i, i % 4));
  // One Params reused with its entries in another order than the statement's.
  Params p = row(9, 1);
  c.execute(ins, p);
  p[0].second = true;  // ok (reversed order: ok, price, qty, name, id)
  p[1].second = 10.5;
  p[2].second = 30;
  p[3].second = name_of(10);
  p[4].second = 10;
  c.execute(ins, p);
  std::vector<Stored> want;
  for (int i = 1; i <= 10; ++i) want.push_back(expected(i));
  EXPECT_EQ(stored(c), want);
  // A select whose binds come in another order than the placeholders.
  const TextClause q = text("SELECT name FROM items WHERE qty > :low AND id < :high ORDER BY id");
  EXPECT_EQ(c.execute(q, {{"high", 4}, {"low", 3}}).scalars<std::string>(),
            (std::vector<std::string>{name_of(2), name_of(3)}));
  // The same name twice in the statement takes one value.
  EXPECT_EQ(c.execute(text("SELECT count(*) FROM items WHERE id >= :x AND qty >= :y * 3 AND id "
                           "<= :x + 1"),
                      {{"y", 5}, {"x", 5}})
                .scalar<std::int64_t>(),
            2);
}

TEST_P(BindsBatchTest, ExpressionBindsInAnyOrderLandInTheirColumns) {
  Connection c = engine_->connect();
  const Dml ins = insert(items).values({{items.id, bindparam("id")},
                                        {items.name, bindparam("name")},
                                        {items.qty, bindparam("qty")},
                                        {items.price, bindparam("price")},
                                        {items.ok, bindparam("ok")}});
  for (int i = 1; i <= 8; ++i) c.execute(ins, row(i, i % 4));
  std::vector<Stored> want;
  for (int i = 1; i <= 8; ++i) want.push_back(expected(i));
  EXPECT_EQ(stored(c), want);
  const Select q = select(items.name)
                       .where(items.qty > bindparam("low") && items.id < bindparam("high"))
                       .order_by({items.id});
  EXPECT_EQ(c.execute(q, {{"high", 4}, {"low", 3}}).scalars<std::string>(),
            (std::vector<std::string>{name_of(2), name_of(3)}));
  const Dml upd = update(items)
                      .set({{items.name, bindparam("name")}, {items.qty, bindparam("qty")}})
                      .where(items.id == bindparam("id"));
  c.execute(upd, {{"id", 2}, {"qty", 7}, {"name", "two"}});
  const Row r = c.execute(select(items.name, items.qty).where(items.id == 2)).one();
  EXPECT_EQ(r.get<std::string>("name"), "two");
  EXPECT_EQ(r.get<std::int32_t>("qty"), 7);
  // A value its column converts (an integer for a Double) goes the typed way, in any order.
  c.execute(update(items).set({{items.price, bindparam("p")}}).where(items.id == bindparam("id")),
            {{"id", 3}, {"p", 2}});
  EXPECT_EQ(c.execute(select(items.price).where(items.id == 3)).scalar<double>(), 2.0);
}

TEST_P(BindsBatchTest, UnknownMissingAndRepeatedNamesAreRefusedWithoutValues) {
  Connection c = engine_->connect();
  const std::string secret = "s3cret-value";
  const TextClause ins = text(insert_sql_);
  const Dml expr = insert(items).values({{items.id, bindparam("id")},
                                         {items.name, bindparam("name")},
                                         {items.qty, bindparam("qty")},
                                         {items.price, bindparam("price")},
                                         {items.ok, bindparam("ok")}});
  for (const Executable* stmt :
       {static_cast<const Executable*>(&ins), static_cast<const Executable*>(&expr)}) {
    Params unknown = row(1, 1);
    unknown.push_back({"colour", secret});
    std::string msg = argument_error([&] { c.execute(*stmt, unknown); });
    EXPECT_NE(msg.find(":colour"), std::string::npos) << msg;
    EXPECT_NE(msg.find("INSERT INTO"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(secret), std::string::npos) << msg;

    Params missing = row(1, 2);
    missing.erase(missing.begin());  // qty
    missing[0].second = secret;
    msg = argument_error([&] { c.execute(*stmt, missing); });
    EXPECT_NE(msg.find(":qty"), std::string::npos) << msg;
    EXPECT_NE(msg.find("INSERT INTO"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(secret), std::string::npos) << msg;

    Params twice = row(1, 3);
    twice.push_back({"name", secret});
    msg = argument_error([&] { c.execute(*stmt, twice); });
    EXPECT_NE(msg.find("twice"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(secret), std::string::npos) << msg;

    // execute_many says the same, and sends nothing.
    std::vector<Params> rows = {row(1), row(2, 1), unknown};
    msg = argument_error([&] { c.execute_many(*stmt, rows); });
    EXPECT_NE(msg.find(":colour"), std::string::npos) << msg;
    EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
  }
  EXPECT_EQ(count(c, "items"), 0);
}

// ---- execute_many of text() INSERTs -----------------------------------------------------------

TEST_P(BindsBatchTest, ExecuteManyOfATextInsertStoresEveryRowInAnyBindOrder) {
  Connection c = engine_->connect();
  // 100-row batches, then rows one by one: 2 batches and 57 single rows.
  std::vector<Params> rows;
  for (int i = 1; i <= 257; ++i) rows.push_back(row(i, i % 4));
  EXPECT_EQ(c.execute_many(text(insert_sql_), rows), 257);
  std::vector<Stored> want;
  for (int i = 1; i <= 257; ++i) want.push_back(expected(i));
  EXPECT_EQ(stored(c), want);
  // Fewer rows than a batch, inside a transaction the caller holds.
  {
    Transaction tx = c.begin();
    std::vector<Params> few;
    for (int i = 258; i <= 260; ++i) few.push_back(row(i));
    EXPECT_EQ(c.execute_many(text(insert_sql_), few), 3);
    tx.commit();
  }
  EXPECT_EQ(count(c, "items"), 260);
}

TEST_P(BindsBatchTest, ExecuteManyOfATextInsertIsAtomic) {
  Connection c = engine_->connect();
  for (int bad : {3, 150, 230}) {
    // Row `bad` repeats the key of row 1: in the first batch, the second, or the single rows.
    std::vector<Params> rows;
    for (int i = 1; i <= 250; ++i) rows.push_back(row(i));
    rows[static_cast<std::size_t>(bad - 1)][0].second = 1;
    EXPECT_THROW(c.execute_many(text(insert_sql_), rows), IntegrityError) << "bad row " << bad;
    EXPECT_EQ(count(c, "items"), 0) << "bad row " << bad;
  }
  // The connection goes on.
  EXPECT_EQ(c.execute_many(text(insert_sql_), {row(1), row(2)}), 2);
}

TEST_P(BindsBatchTest, QuotesAndCommentsHoldingValuesOrParenthesesAreLeftAlone) {
  Connection c = engine_->connect();
  const TextClause ins = text(
      "/* INSERT INTO items VALUES ( */ INSERT INTO items (id, name, qty, price, ok) -- (x\n"
      "VALUES (:id, 'VALUES (' || CAST(:name AS TEXT) || ') -- :no /* ''', :qty, CAST(:price AS "
      "DOUBLE PRECISION), :ok) -- ) VALUES (:never\n;");
  std::vector<Params> rows;
  for (int i = 1; i <= 230; ++i) rows.push_back(row(i, 1));
  EXPECT_EQ(c.execute_many(ins, rows), 230);
  const std::vector<Stored> got = stored(c);
  ASSERT_EQ(got.size(), 230u);
  for (int i = 1; i <= 230; ++i) {
    Stored want = expected(i);
    want.name = "VALUES (" + name_of(i) + ") -- :no /* '";
    EXPECT_EQ(got[static_cast<std::size_t>(i - 1)], want);
  }
}

TEST_P(BindsBatchTest, OnConflictDoNothingSkipsKeysRepeatedInsideOneBatch) {
  Connection c = engine_->connect();
  c.execute(text(insert_sql_), row(5));
  std::vector<Params> rows;
  for (int i = 0; i < 300; ++i) {
    Params p = row(i % 120 + 1);
    p[1].second = "round-" + std::to_string(i / 120);
    rows.push_back(std::move(p));
  }
  const TextClause ins = text(std::string(insert_sql_) + " ON CONFLICT (id) DO NOTHING");
  // 120 keys, one of them stored already: the first row of each other key is stored.
  EXPECT_EQ(c.execute_many(ins, rows), 119);
  EXPECT_EQ(count(c, "items"), 120);
  for (const Stored& s : stored(c)) EXPECT_EQ(s.name, s.id == 5 ? name_of(5) : "round-0") << s.id;
  // Without a conflict target too.
  const TextClause any = text(std::string(insert_sql_) + " ON CONFLICT DO NOTHING");
  EXPECT_EQ(c.execute_many(any, rows), 0);
}

TEST_P(BindsBatchTest, StatementsThatMustNotBeBatchedRunRowByRow) {
  Connection c = engine_->connect();
  // DO UPDATE meeting a key twice in what would be one batch: each row updates in turn.
  std::vector<Params> rows;
  for (int i = 0; i < 250; ++i) {
    Params p = row(i % 100 + 1);
    p[2].second = i;  // qty: the last one written wins
    rows.push_back(std::move(p));
  }
  const TextClause upsert =
      text(std::string(insert_sql_) + " ON CONFLICT (id) DO UPDATE SET qty = excluded.qty");
  EXPECT_EQ(c.execute_many(upsert, rows), 250);
  EXPECT_EQ(count(c, "items"), 100);
  EXPECT_EQ(c.execute(text("SELECT qty FROM items WHERE id = 1")).scalar<std::int32_t>(), 200);
  EXPECT_EQ(c.execute(text("SELECT qty FROM items WHERE id = 50")).scalar<std::int32_t>(), 249);

  // A row that reads the table written sees every row before it.
  c.execute(text("DELETE FROM items"));
  const TextClause next_id = text(
      "INSERT INTO items (id, name, qty, price, ok) VALUES ((SELECT coalesce(max(id), 0) + 1 "
      "FROM items), :name, :qty, :price, :ok)");
  std::vector<Params> no_ids;
  for (int i = 1; i <= 150; ++i) {
    Params p = row(i);
    p.erase(p.begin());
    no_ids.push_back(std::move(p));
  }
  EXPECT_EQ(c.execute_many(next_id, no_ids), 150);
  EXPECT_EQ(c.execute(text("SELECT count(DISTINCT id) FROM items")).scalar<std::int64_t>(), 150);

  // RETURNING, and INSERT ... SELECT.
  c.execute(text("DELETE FROM items"));
  std::vector<Params> more;
  for (int i = 1; i <= 120; ++i) more.push_back(row(i, 2));
  EXPECT_EQ(c.execute_many(text(std::string(insert_sql_) + " RETURNING id"), more), 120);
  EXPECT_EQ(count(c, "items"), 120);
  std::vector<Params> copies;
  for (int i = 1; i <= 110; ++i) copies.push_back({{"from", i}, {"to", 1000 + i}});
  EXPECT_EQ(c.execute_many(text("INSERT INTO items (id, name, qty, price, ok) SELECT :to, name, "
                                "qty, price, ok FROM items WHERE id = :from"),
                           copies),
            110);
  EXPECT_EQ(count(c, "items"), 230);
}

TEST_P(BindsBatchTest, ExpressionInsertOnConflictDoNothingBatchesToo) {
  Connection c = engine_->connect();
  const Dml ins = insert(items)
                      .values({{items.id, bindparam("id")},
                               {items.name, bindparam("name")},
                               {items.qty, bindparam("qty")},
                               {items.price, bindparam("price")},
                               {items.ok, bindparam("ok")}})
                      .on_conflict({items.id})
                      .do_nothing();
  ASSERT_NE(ins.compile_batch(c.dialect(), 3), nullptr);
  std::vector<Params> rows;
  for (int i = 0; i < 260; ++i) rows.push_back(row(i % 130 + 1, i % 4));
  EXPECT_EQ(c.execute_many(ins, rows), 130);
  std::vector<Stored> want;
  for (int i = 1; i <= 130; ++i) want.push_back(expected(i));
  EXPECT_EQ(stored(c), want);
}

// ---- names of computed columns ----------------------------------------------------------------

TEST_P(BindsBatchTest, ComputedColumnsAreNamedAlikeOnEveryBackend) {
  Connection c = engine_->connect();
  c.execute_many(text(insert_sql_), {row(1), row(2), row(3)});
  Result r = c.execute(select(items.name, sqlcore::count(), max(items.qty), sqlcore::count(),
                              items.qty + 1, min(items.qty).label("count_1"))
                           .group_by({items.name, items.qty})
                           .order_by({items.name}));
  EXPECT_EQ(r.columns(),
            (std::vector<std::string>{"name", "count", "max", "count_2", "col_5", "count_1"}));
  const Row first = *r.fetch_one();
  EXPECT_EQ(first.get<std::string>("name"), name_of(1));
  EXPECT_EQ(first.get<std::int64_t>("count"), 1);
  EXPECT_EQ(first.get<std::int32_t>("max"), 3);
  EXPECT_EQ(first.get<std::int64_t>("count_2"), 1);
  EXPECT_EQ(first.get<std::int64_t>("col_5"), 4);
  EXPECT_EQ(first.get<std::int32_t>("count_1"), 3);
  // A computed column named like another column of the select.
  Result clash = c.execute(
      select(items.qty.label("max"), max(items.qty), items.name, func("upper", {items.name}))
          .group_by({items.qty, items.name})
          .order_by({items.qty}));
  EXPECT_EQ(clash.columns(), (std::vector<std::string>{"max", "max_1", "name", "upper"}));
  // RETURNING's computed columns too.
  Result ret = c.execute(update(items)
                             .set({{items.qty, items.qty + 1}})
                             .where(items.id == 1)
                             .returning({items.id, items.qty * 2, lower(items.name)}));
  EXPECT_EQ(ret.columns(), (std::vector<std::string>{"id", "col_2", "lower"}));
  const Row row1 = ret.one();
  EXPECT_EQ(row1.get<std::int64_t>("col_2"), 8);
  EXPECT_EQ(row1.get<std::string>("lower"), name_of(1));
}

TEST_P(BindsBatchTest, TextComputedColumnsAreNamedByTheirAsOrByTheBackend) {
  Connection c = engine_->connect();
  c.execute_many(text(insert_sql_), {row(1), row(2)});
  // Named with AS: the same everywhere.
  Result named = c.execute(text("SELECT count(*) AS n, max(qty) AS top FROM items"));
  EXPECT_EQ(named.columns(), (std::vector<std::string>{"n", "top"}));
  // Without AS, each backend names them its own way (docs/sql.md).
  Result bare = c.execute(text("SELECT count(*), max(qty), qty + 1 FROM items GROUP BY qty"));
  if (backend() == "postgresql")
    EXPECT_EQ(bare.columns(), (std::vector<std::string>{"count", "max", "?column?"}));
  else
    EXPECT_EQ(bare.columns(), (std::vector<std::string>{"count(*)", "max(qty)", "qty + 1"}));
}

SQLCORE_BACKEND_TEST_SUITE(BindsBatchTest);

}  // namespace
}  // namespace sqlcore_test
