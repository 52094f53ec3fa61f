// Connection::bulk_insert (COPY on PostgreSQL, prepared INSERTs elsewhere) stores exactly what an
// INSERT stores, for every portable type and every awkward value, atomically; execute_many of a
// plain INSERT takes the same path above its threshold.
#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>

#include "conformance/schema_fixture.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

constexpr std::array kMethods = {BulkInsertMethod::automatic, BulkInsertMethod::insert,
                                 BulkInsertMethod::copy_text, BulkInsertMethod::copy_binary};

const char* method_name(BulkInsertMethod m) {
  switch (m) {
    case BulkInsertMethod::automatic:
      return "automatic";
    case BulkInsertMethod::insert:
      return "insert";
    case BulkInsertMethod::copy_text:
      return "copy_text";
    case BulkInsertMethod::copy_binary:
      return "copy_binary";
  }
  return "?";
}

class BulkInsertTest : public SchemaTest {
 protected:
  void SetUp() override {
    SchemaTest::SetUp();
    Table& t = add_all_types_table();
    Table& m = md_.add_table("messages");
    m.column("id", types::String(64)).primary_key();
    m.column("body", types::Text);
    m.column("seq", types::Integer);
    m.column("score", types::Double).nullable();
    m.column("created_at", types::DateTime);
    m.column("meta", types::Json).nullable();
    m.column("kind", types::String(16)).default_(Value("chat"));
    md_.create_all(engine());
    vals_ = &t;
    messages_ = &m;
  }

  std::vector<ColumnRef> val_columns() const {
    std::vector<ColumnRef> cols;
    for (const Column* c : vals_->columns()) cols.emplace_back(*c);
    return cols;
  }

  // Rows of awkward values for every column of `vals` but id (NULLs, extremes, escapes, unicode).
  static std::vector<std::vector<Value>> awkward_rows() {
    const std::string tricky = "quotes ' \" back\\slash \\N \\. tab\t nl\n cr\r end\\";
    Json doc = {{"text", tricky},
                {"emoji", "🎉 日本語 héllo"},
                {"nested", {{"list", {1, 2.5, nullptr, true, "x\\y"}}, {"empty", Json::object()}}},
                {"big", std::int64_t{1} << 40}};
    Blob bytes = {0, 1, '\\', '\t', '\n', '\r', 'N', 0x7f, 0x80, 0xff};
    std::vector<std::vector<Value>> rows;
    rows.push_back(std::vector<Value>(18));  // all NULL
    rows.push_back({true, 7, std::numeric_limits<std::int32_t>::max(), std::int64_t{1} << 40, 1.5,
                    0.1, Decimal{"123456789012345678901234567890.0123456789"}, Decimal{"-3.14"},
                    "héllo", "", tricky, Timestamp::from_civil(2024, 2, 29, 23, 59, 58, 123456),
                    Date::from_civil(2024, 2, 29), "12:34:56.789", doc, bytes,
                    "0e4c2a5e-7f33-4f1e-9d2b-1c2d3e4f5a6b", "draft"});
    rows.push_back(
        {false, std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int32_t>::min(),
         std::numeric_limits<std::int64_t>::min(), -0.0, std::numeric_limits<double>::denorm_min(),
         Decimal{"0"}, Decimal{"0.00"}, "日本語🎉x", "\\", "🎉", Timestamp::from_civil(1, 1, 1),
         Date::from_civil(1, 1, 1), "00:00:00", Json::array(), Blob{},
         "{0E4C2A5E-7F33-4F1E-9D2B-1C2D3E4F5A6B}", "archived"});
    rows.push_back({true, std::numeric_limits<std::int16_t>::max(), -1,
                    std::numeric_limits<std::int64_t>::max(), 3.4e38, -1e300,
                    Decimal{"-0.0000000001"}, Decimal{"-9999999999.99"}, "a\tb", "line1\nline2",
                    "\r\n\\n", Timestamp::from_civil(9999, 12, 31, 23, 59, 59, 999999),
                    Date::from_civil(9999, 12, 31), "23:59:59.999999", Json("just a \"string\""),
                    Blob(1000, 0x5c), "00000000-0000-0000-0000-000000000000", "published"});
    rows.push_back({true, 0, 0, 0, 1e-30, 1.0 / 3.0, Decimal{"9999.5"}, Decimal{"12345.67"},
                    "12345", std::string(10000, 'x'), "\\\\\\t", Timestamp::from_civil(2000, 1, 1),
                    Date::from_civil(1999, 12, 31), "12:00:00",
                    Json::parse(R"({"a":{"b":[[[]]]}})"), Blob{0},
                    "0e4c2a5e7f334f1e9d2b1c2d3e4f5a6b", Value()});
    return rows;
  }

  // Each row of `rows` with `first_id`, `first_id + 1`, ... in front.
  static std::vector<std::vector<Value>> with_ids(std::vector<std::vector<Value>> rows,
                                                  std::int64_t first_id) {
    for (auto& r : rows) r.insert(r.begin(), Value(first_id++));
    return rows;
  }

  // The stored rows with ids in [from, from + n), without the id, as the server returns them.
  std::vector<std::vector<Value>> stored(Connection& c, std::int64_t from, std::size_t n) {
    auto rows = c.execute(text("SELECT * FROM vals WHERE id >= :lo AND id < :hi ORDER BY id"),
                          {{"lo", from}, {"hi", from + static_cast<std::int64_t>(n)}})
                    .all();
    std::vector<std::vector<Value>> out;
    for (const auto& r : rows) {
      std::vector<Value> values;
      for (std::size_t k = 1; k < r.size(); ++k) values.push_back(r[k]);
      out.push_back(std::move(values));
    }
    return out;
  }

  std::int64_t count_vals(Connection& c) { return count(c, q("vals")); }

  const Table* vals_ = nullptr;
  const Table* messages_ = nullptr;
};

TEST_P(BulkInsertTest, EveryTypeStoresWhatAnInsertStores) {
  Connection c = engine().connect();
  const auto rows = awkward_rows();
  // The reference: one INSERT per row, each value checked by its column's type.
  for (const auto& row : with_ids(rows, 1)) {
    std::vector<Assignment> values;
    for (std::size_t k = 0; k < row.size(); ++k) values.emplace_back(*vals_->columns()[k], row[k]);
    c.execute(sqlcore::insert(*vals_).values(std::move(values)));
  }
  const auto reference = stored(c, 1, rows.size());
  ASSERT_EQ(reference.size(), rows.size());
  std::int64_t first = 100;
  for (BulkInsertMethod m : kMethods) {
    EXPECT_EQ(c.bulk_insert(*vals_, val_columns(), with_ids(rows, first), m),
              static_cast<std::int64_t>(rows.size()))
        << method_name(m);
    const auto got = stored(c, first, rows.size());
    ASSERT_EQ(got.size(), rows.size()) << method_name(m);
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t k = 0; k < reference[r].size(); ++k)
        EXPECT_EQ(got[r][k], reference[r][k])
            << method_name(m) << " row " << r << " column " << vals_->columns()[k + 1]->name()
            << ": " << got[r][k].debug_string() << " vs " << reference[r][k].debug_string();
    first += 100;
  }
}

TEST_P(BulkInsertTest, ManyRowsThroughEveryMethodAndFlatValues) {
  Connection c = engine().connect();
  const std::vector<ColumnRef> cols = {"id", "body", "seq", "score", "created_at", "meta"};
  std::int64_t total = 0;
  for (BulkInsertMethod m : kMethods) {
    std::vector<Value> flat;
    for (int i = 0; i < 2500; ++i) {
      flat.emplace_back(std::string(method_name(m)) + "-" + std::to_string(i));
      flat.emplace_back("message " + std::to_string(i) + " 🎉\t\\");
      flat.emplace_back(i);
      flat.emplace_back(i % 7 == 0 ? Value() : Value(i * 0.25));
      flat.emplace_back(Timestamp::from_micros(1700000000000000 + i));
      flat.emplace_back(Json{{"i", i}, {"tags", {"a", "b"}}});
    }
    EXPECT_EQ(c.bulk_insert(*messages_, cols, std::span<const Value>(flat), m), 2500)
        << method_name(m);
    total += 2500;
  }
  EXPECT_EQ(count(c, q("messages")), total);
  // The column left out got its client-side default, as in an INSERT.
  EXPECT_EQ(
      c.execute(text("SELECT COUNT(*) FROM messages WHERE kind = 'chat'")).scalar<std::int64_t>(),
      total);
  EXPECT_EQ(c.execute(text("SELECT SUM(seq) FROM messages")).scalar<std::int64_t>(),
            4 * (2499 * 2500 / 2));
}

TEST_P(BulkInsertTest, ExecuteManyAboveTheCopyThresholdStoresTheSameRows) {
  Connection c = engine().connect();
  auto stmt = sqlcore::insert(*messages_)
                  .values({{messages_->c("id"), bindparam("id")},
                           {messages_->c("body"), bindparam("body")},
                           {messages_->c("seq"), bindparam("seq")},
                           {messages_->c("score"), bindparam("score")},
                           {messages_->c("created_at"), bindparam("at")},
                           {messages_->c("meta"), bindparam("meta")}});
  auto params = [](const std::string& prefix, int n) {
    std::vector<Params> rows;
    for (int i = 0; i < n; ++i)
      rows.push_back({{"id", prefix + std::to_string(i)},
                      {"body", "b\t" + std::to_string(i % 50) + "\\\n'"},
                      {"seq", i % 50},
                      {"score", i % 3 == 0 ? Value() : Value(i % 50 + 0.5)},
                      {"at", "2024-05-01T10:00:00.25+02:00"},
                      {"meta", Json{{"k", i % 50}}}});
    return rows;
  };
  EXPECT_EQ(c.execute_many(stmt, params("small-", 40)), 40);      // below the threshold
  EXPECT_EQ(c.execute_many(stmt, params("large-", 5000)), 5000);  // above it
  EXPECT_EQ(count(c, q("messages")), 5040);
  // Row i of each set got the same parameters: the stored rows must be the same.
  auto stored_row = [&](const std::string& id) {
    auto r = c.execute(text("SELECT body, seq, score, created_at, meta, kind FROM messages "
                            "WHERE id = :id"),
                       {{"id", id}})
                 .one();
    return std::vector<Value>{r[0], r[1], r[2], r[3], r[4], r[5]};
  };
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(stored_row("small-" + std::to_string(i)), stored_row("large-" + std::to_string(i)))
        << i;
}

TEST_P(BulkInsertTest, AValueThatDoesNotFitIsADataErrorNamingTheColumnAndNothingIsStored) {
  Connection c = engine().connect();
  for (BulkInsertMethod m : kMethods) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 300; ++i) rows.push_back({i, i});
    rows[250][1] = std::int64_t{1} << 40;
    try {
      c.bulk_insert(*vals_, {"id", "i"}, rows, m);
      ADD_FAILURE() << method_name(m) << ": no error";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("vals.i"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("1099511627776"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count_vals(c), 0) << method_name(m);
  }
}

TEST_P(BulkInsertTest, ANulByteInTextIsRefusedNamingTheColumn) {
  Connection c = engine().connect();
  for (BulkInsertMethod m : kMethods) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 300; ++i) rows.push_back({i, "ok"});
    rows[200][1] = std::string("a\0b", 3);
    try {
      c.bulk_insert(*vals_, {"id", "tx"}, rows, m);
      ADD_FAILURE() << method_name(m) << ": no error";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("vals.tx"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count_vals(c), 0) << method_name(m);
  }
}

TEST_P(BulkInsertTest, TheDriverRefusesANulByteOrStoresItWhole) {
  // Below the engine's type checks: a driver either stores the text with its NUL (SQLite) or
  // refuses it naming the column (PostgreSQL's COPY), and the connection stays usable.
  Connection c = engine().connect();
  BulkInsert load;
  load.table = "vals";
  load.columns = {"id", "tx"};
  load.insert_sql =
      sqlcore::insert(*vals_)
          .values({{vals_->c("id"), bindparam("a")}, {vals_->c("tx"), bindparam("b")}})
          .sql(dialect());
  const std::string nul("a\0b", 3);
  for (BulkInsertMethod m : kMethods) {
    load.method = m;
    std::vector<Value> values;
    for (int i = 0; i < 200; ++i) {
      values.emplace_back(i);
      values.emplace_back(i == 150 ? Value(nul) : Value("ok"));
    }
    std::vector<const Value*> ptrs;
    for (const auto& v : values) ptrs.push_back(&v);
    auto tx = c.begin();
    try {
      EXPECT_EQ(c.driver_connection().bulk_insert(load, ptrs, 200), 200);
      EXPECT_EQ(c.execute(text("SELECT tx FROM vals WHERE id = 150")).scalar<std::string>(), nul);
    } catch (const DataError& e) {
      // COPY names the column; the INSERT path names the parameter.
      const std::string what = e.what();
      EXPECT_TRUE(what.find("vals.tx") != std::string::npos ||
                  what.find("parameter $2") != std::string::npos)
          << what;
    }
    tx.rollback();
    EXPECT_EQ(count_vals(c), 0) << method_name(m);
  }
}

TEST_P(BulkInsertTest, AUniqueViolationMidLoadKeepsNoneOfTheBatchAndTheConnectionWorks) {
  Connection c = engine().connect();
  c.bulk_insert(*vals_, {"id", "tx"}, std::vector<std::vector<Value>>{{5000, "first"}});
  for (BulkInsertMethod m : kMethods) {
    std::vector<std::vector<Value>> rows;
    for (int i = 4000; i < 6000; ++i) rows.push_back({i, "secret-" + std::to_string(i)});
    try {
      c.bulk_insert(*vals_, {"id", "tx"}, rows, m);
      ADD_FAILURE() << method_name(m) << ": no error";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count_vals(c), 1) << method_name(m);
    // Inside the caller's transaction: the failure aborts it, as any failed statement does.
    {
      auto tx = c.begin();
      rows.resize(900);  // ids 4000..4899: no conflict
      c.bulk_insert(*vals_, {"id", "tx"}, rows, m);
      std::vector<std::vector<Value>> clash = {{1, "x"}, {2, "y"}, {5000, "z"}};
      for (int i = 3; i < 200; ++i) clash.push_back({i, "w"});
      EXPECT_THROW(c.bulk_insert(*vals_, {"id", "tx"}, clash, m), IntegrityError) << method_name(m);
      tx.rollback();
    }
    EXPECT_EQ(count_vals(c), 1) << method_name(m);
    // Usable afterwards.
    EXPECT_EQ(c.bulk_insert(*vals_, {"id", "tx"}, std::vector<std::vector<Value>>{{1, "again"}}, m),
              1);
    c.execute(text("DELETE FROM vals WHERE id = 1"));
  }
}

TEST_P(BulkInsertTest, BatchesInOneTransactionCommitTogether) {
  Connection c = engine().connect();
  {
    auto tx = c.begin();
    for (int batch = 0; batch < 4; ++batch) {
      std::vector<Value> flat;
      for (int i = 0; i < 1000; ++i) {
        flat.emplace_back(batch * 1000 + i);
        flat.emplace_back(batch);
      }
      EXPECT_EQ(c.bulk_insert(*vals_, {"id", "si"}, std::span<const Value>(flat)), 1000);
    }
    tx.commit();
  }
  EXPECT_EQ(count_vals(c), 4000);
  EXPECT_EQ(c.execute(text("SELECT SUM(si) FROM vals")).scalar<std::int64_t>(), 6000);
}

TEST_P(BulkInsertTest, BadArgumentsAreRefusedBeforeAnythingIsSent) {
  Connection c = engine().connect();
  const std::vector<Value> three = {1, 2, 3};
  EXPECT_THROW(c.bulk_insert(*vals_, {"id", "i"}, std::span<const Value>(three)), ArgumentError);
  EXPECT_THROW(c.bulk_insert(*vals_, {}, std::span<const Value>(three)), ArgumentError);
  EXPECT_THROW(c.bulk_insert(*vals_, {"id", "id"}, std::vector<std::vector<Value>>{{1, 1}}),
               ArgumentError);
  EXPECT_THROW(c.bulk_insert(*vals_, {"id", "nope"}, std::vector<std::vector<Value>>{{1, 1}}),
               ArgumentError);
  EXPECT_THROW(c.bulk_insert(*vals_, {"id", "i"}, std::vector<std::vector<Value>>{{1}}),
               ArgumentError);
  EXPECT_EQ(c.bulk_insert(*vals_, {"id"}, std::vector<std::vector<Value>>{}), 0);
  EXPECT_EQ(count_vals(c), 0);
}

SQLCORE_BACKEND_TEST_SUITE(BulkInsertTest);

}  // namespace
}  // namespace sqlcore_test
