// transfer::copy() between this test's backend and a SQLite file, both ways: awkward values
// (quotes, unicode, emoji, 2^40, NULLs, empty strings, nested JSON, legacy timestamp text, 0/1
// booleans), a foreign-key cycle, identity columns usable after the copy, verification (and a
// mismatch naming the row), refusals (non-empty target, drift, same database, unknown table) that
// write nothing, a value that does not fit named by table, key and column with the target left as
// it was, truncate, append, dry run, verify-only and a resumable copy that skips what is done.
// The fast path into empty tables (indexes dropped for the load and built after it where the
// backend gains from it) leaves every index, unique constraint and foreign key in place, and a
// duplicate only an index build finds fails the whole copy; errors of the reader thread and of
// the writing side both surface, with nothing written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/sqlcore.hpp>
#include <sqlcore/transfer/transfer.hpp>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

struct Parents : Table {
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(true);
  Col<std::string> name = column("name", types::Text);
  Col<std::optional<bool>> flag = column("flag", types::Boolean);
  Col<std::optional<Timestamp>> at = column("at", types::DateTime);
  Col<std::optional<Json>> doc = column("doc", types::Json);
  Col<std::optional<double>> amount = column("amount", types::Double);
  Col<std::optional<std::int64_t>> small = column("small", types::Integer);
  Col<std::optional<std::int64_t>> big = column("big", types::BigInteger);
  explicit Parents(MetaData& m) : Table(m, "parents") {
    index("ix_parents_name", {name});
    index("ux_parents_at", {at}).unique();
  }
};

struct Children : Table {
  Col<std::string> id = column("id", types::Text).primary_key();
  Col<std::int64_t> parent_id = column("parent_id", types::BigInteger).references("parents.id");
  Col<std::optional<std::string>> prev_id =
      column("prev_id", types::Text).references("children.id");
  Col<std::optional<std::string>> note = column("note", types::Text);
  explicit Children(MetaData& m) : Table(m, "children") {
    unique({parent_id, id}, "uq_children_parent_id");
  }
};

class TransferTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlcore-transfer-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    std::filesystem::create_directories(dir_);
    file_url_ = "sqlite:///" + (dir_ / "side.db").string();
    here_.emplace(make_engine());
    side_.emplace(create_engine(file_url_));
    md_.create_all(*here_);
    md_.create_all(*side_);
  }
  void TearDown() override {
    here_.reset();
    side_.reset();
    std::filesystem::remove_all(dir_);
    BackendTest::TearDown();
  }

  // The awkward rows, written through sqlcore (the FK cycle: c1 -> c2 -> c1).
  void fill(Engine& e) {
    Connection c = e.connect();
    auto tx = c.begin();
    // Numbers jsonb gives back in another form (1e+19 as 10000000000000000000, an unsigned).
    const Json doc = {{"quote", "it's \"x\""},
                      {"nested", {{"a", {1, 2.5, nullptr, "ü"}}}},
                      {"edges", {1e19, 9.300000000000001e18, -9.3e18, 1e300, -0.0, 1e-7}}};
    c.execute(insert(parents).values({{parents.id, 1},
                                      {parents.name, "O'Brien \"the\" \\ tab\t nl\n"},
                                      {parents.flag, true},
                                      {parents.at, Timestamp::from_micros(1'700'000'000'123'456)},
                                      {parents.doc, doc},
                                      {parents.amount, 0.1},
                                      {parents.small, -2147483648LL},
                                      {parents.big, std::int64_t{1} << 40}}));
    c.execute(insert(parents).values({{parents.id, 7}, {parents.name, "日本語 😀"}}));
    c.execute(insert(parents).values({{parents.id, 8}, {parents.name, ""}, {parents.flag, false}}));
    c.execute(insert(children).values({{children.id, "c2"}, {children.parent_id, 1}}));
    c.execute(insert(children).values(
        {{children.id, "c1"}, {children.parent_id, 7}, {children.prev_id, "c2"}}));
    c.execute(update(children).set({{children.prev_id, "c1"}}).where(children.id == "c2"));
    tx.commit();
  }

  // Every row of both tables, as read (portable values), in key order.
  std::vector<std::vector<Value>> rows(Engine& e) {
    Connection c = e.connect();
    std::vector<std::vector<Value>> out;
    for (const Row& r : c.execute(select(parents.id, parents.name, parents.flag, parents.at,
                                         parents.doc, parents.amount, parents.small, parents.big)
                                      .order_by({parents.id})))
      out.push_back(r.values());
    for (const Row& r :
         c.execute(select(children.id, children.parent_id, children.prev_id, children.note)
                       .order_by({children.id})))
      out.push_back(r.values());
    return out;
  }

  std::int64_t rows_in(Engine& e, const std::string& table) {
    Connection c = e.connect();
    return count(c, table);
  }

  // What migrate::compare() finds different from the MetaData (indexes, uniques, foreign keys...).
  std::vector<std::string> drift(Engine& e) {
    Connection c = e.connect();
    std::vector<std::string> out;
    for (const auto& ch : migrate::compare(c, md_))
      out.push_back(std::string(migrate::to_string(ch.kind)) + " " + ch.table + "." + ch.name);
    return out;
  }

  // `n` parents (ids 1..n), written to the side file in one transaction.
  void fill_parents(int n) {
    Connection c = side_->connect();
    auto tx = c.begin();
    for (int i = 1; i <= n; ++i)
      c.execute(insert(parents).values({{parents.id, i}, {parents.name, "p" + std::to_string(i)}}));
    tx.commit();
  }

  MetaData md_;
  Parents parents{md_};
  Children children{md_};
  std::filesystem::path dir_;
  std::string file_url_;
  std::optional<Engine> here_, side_;
  static inline std::atomic<int> counter_{0};
};

TEST_P(TransferTest, CopiesBothWaysConvertsAndVerifies) {
  fill(*side_);
  const auto report = transfer::copy(*side_, *here_, md_);
  ASSERT_EQ(report.tables.size(), 2u);
  EXPECT_EQ(report.tables[0].table, "parents");
  EXPECT_EQ(report.tables[0].copied_rows, 3);
  EXPECT_EQ(report.tables[1].copied_rows, 2);
  EXPECT_TRUE(report.tables[0].verified);
  EXPECT_EQ(report.rows(), 5);
  EXPECT_EQ(rows(*here_), rows(*side_));

  {  // The identity column continues past the copied ids.
    Connection c = here_->connect();
    const auto id =
        c.execute(insert(parents).values({{parents.name, "next"}}).returning({parents.id}))
            .scalar<std::int64_t>();
    EXPECT_GT(id, 8);
  }

  // And back, into an empty SQLite file with the schema.
  const std::string back = "sqlite:///" + (dir_ / "back.db").string();
  {
    Engine b = create_engine(back);
    md_.create_all(b);
  }
  Engine b = create_engine(back);
  const auto r2 = transfer::copy(*here_, b, md_);
  EXPECT_EQ(r2.rows(), 6);
  EXPECT_EQ(rows(b), rows(*here_));
}

TEST_P(TransferTest, LegacyTextAndIntegersConvertOrAreRefusedWithTheirPlace) {
  {  // A legacy file: 0/1 booleans and timestamps as SQLite's own text.
    Connection c = side_->connect();
    exec(c,
         "INSERT INTO parents (id, name, flag, at, small) VALUES "
         "(1, 'a', 1, '2024-03-01 12:00:00', 5), (2, 'b', 0, '2024-03-01T12:00:00.5Z', 6)");
  }
  transfer::copy(*side_, *here_, md_);
  {
    Connection c = here_->connect();
    EXPECT_EQ(c.execute(select(parents.flag).where(parents.id == 2)).scalar<std::optional<bool>>(),
              false);
    EXPECT_EQ(
        c.execute(select(parents.at).where(parents.id == 2)).scalar<std::optional<Timestamp>>(),
        Timestamp::from_micros(Timestamp::from_civil(2024, 3, 1, 12).micros() + 500'000));

    // 2^40 in an Integer column (SQLite keeps it; Integer is 32-bit everywhere): refused, named.
    exec(c, "DELETE FROM parents");
  }
  {
    Connection s = side_->connect();
    exec(s, "UPDATE parents SET small = 1099511627776 WHERE id = 2");
  }
  try {
    transfer::copy(*side_, *here_, md_);
    FAIL() << "copied a value that does not fit";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("parents"), std::string::npos) << what;
    EXPECT_NE(what.find("id=2"), std::string::npos) << what;
    EXPECT_NE(what.find("small"), std::string::npos) << what;
    EXPECT_EQ(what.find("1099511627776"), std::string::npos) << "never the value: " << what;
  }
  EXPECT_EQ(rows_in(*here_, "parents"), 0) << "nothing of the failed copy stays";
}

TEST_P(TransferTest, RefusalsWriteNothing) {
  fill(*side_);
  {
    Connection c = here_->connect();
    c.execute(insert(parents).values({{parents.id, 100}, {parents.name, "already here"}}));
  }
  EXPECT_THROW(transfer::copy(*side_, *here_, md_), transfer::TransferRefused);
  EXPECT_EQ(rows_in(*here_, "parents"), 1);
  EXPECT_THROW(
      transfer::copy(Url::parse(file_url_), Url::parse(file_url_ + "?busy_timeout=100"), md_),
      transfer::TransferRefused);  // one database under two URLs
  EXPECT_THROW(transfer::copy(*side_, *here_, md_, {.tables = {"nope"}}),
               transfer::TransferRefused);

  // Drift: the target lacks a table the schema has.
  {
    Connection c = here_->connect();
    exec(c, "DROP TABLE children");
  }
  try {
    transfer::copy(*side_, *here_, md_, {.existing = transfer::Existing::truncate});
    FAIL() << "copied into a drifted schema";
  } catch (const transfer::TransferRefused& e) {
    EXPECT_NE(std::string(e.what()).find("children"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows_in(*here_, "parents"), 1);
}

TEST_P(TransferTest, TruncateAppendDryRunVerifyOnlyAndResume) {
  fill(*side_);
  {
    Connection c = here_->connect();
    c.execute(insert(parents).values({{parents.id, 100}, {parents.name, "old"}}));
  }
  const auto dry = transfer::copy(*side_, *here_, md_,
                                  {.existing = transfer::Existing::truncate, .dry_run = true});
  EXPECT_EQ(dry.tables[0].source_rows, 3);
  EXPECT_EQ(dry.rows(), 0);
  EXPECT_EQ(rows_in(*here_, "parents"), 1);

  transfer::copy(*side_, *here_, md_, {.existing = transfer::Existing::truncate});
  EXPECT_EQ(rows(*here_), rows(*side_));
  const auto check = transfer::copy(*side_, *here_, md_, {.verify_only = true});
  EXPECT_TRUE(check.tables[1].verified);

  // A changed row is named by verify_only.
  {
    Connection c = here_->connect();
    c.execute(update(parents).set({{parents.amount, 0.2}}).where(parents.id == 1));
  }
  try {
    transfer::copy(*side_, *here_, md_, {.verify_only = true});
    FAIL() << "a changed row verified";
  } catch (const transfer::VerificationFailed& e) {
    EXPECT_EQ(e.table(), "parents");
    EXPECT_EQ(e.key(), "id=1");
  }

  // Resumable: the second run finds everything copied and skips it.
  transfer::copy(*side_, *here_, md_,
                 {.existing = transfer::Existing::truncate, .resumable = true});
  const auto again = transfer::copy(*side_, *here_, md_, {.resumable = true});
  ASSERT_EQ(again.tables.size(), 2u);
  EXPECT_TRUE(again.tables[0].skipped);
  EXPECT_TRUE(again.tables[1].skipped);

  // Append onto existing keys: the database refuses the duplicate, named, nothing kept.
  EXPECT_THROW(transfer::copy(*side_, *here_, md_, {.existing = transfer::Existing::append}),
               IntegrityError);
  EXPECT_EQ(rows(*here_), rows(*side_));
}

TEST_P(TransferTest, CopiesOnlyTheChosenTables) {
  fill(*side_);
  const auto r = transfer::copy(*side_, *here_, md_, {.tables = {"parents"}});
  ASSERT_EQ(r.tables.size(), 1u);
  EXPECT_EQ(rows_in(*here_, "parents"), 3);
  EXPECT_EQ(rows_in(*here_, "children"), 0) << "a table after the chosen ones is left alone";
}

TEST_P(TransferTest, FastPathKeepsEveryIndexUniqueAndForeignKey) {
  fill(*side_);
  const auto caller = std::this_thread::get_id();
  int calls = 0, elsewhere = 0;
  transfer::Options o{.batch_rows = 1, .progress = [&](const transfer::Progress&) {
                        ++calls;
                        if (std::this_thread::get_id() != caller) ++elsewhere;
                      }};
  transfer::copy(*side_, *here_, md_, o);
  EXPECT_GT(calls, 5);
  EXPECT_EQ(elsewhere, 0) << "progress is reported on the calling thread";
  EXPECT_EQ(rows(*here_), rows(*side_));
  EXPECT_EQ(drift(*here_), std::vector<std::string>{});
  {
    Connection c = here_->connect();
    Inspector in(c);
    std::vector<std::string> names;
    for (const auto& ix : in.indexes("parents")) names.push_back(ix.name);
    EXPECT_NE(std::find(names.begin(), names.end(), "ix_parents_name"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "ux_parents_at"), names.end());
    EXPECT_EQ(in.unique_constraints("children").size(), 1u);
    EXPECT_EQ(in.foreign_keys("children").size(), 2u);
  }
  // Truncate (emptied, then the fast path) and append into a table holding rows (indexes kept).
  o.existing = transfer::Existing::truncate;
  transfer::copy(*side_, *here_, md_, o);
  EXPECT_EQ(drift(*here_), std::vector<std::string>{});
  {
    Connection c = here_->connect();
    c.execute(delete_from(children));
    c.execute(delete_from(parents).where(parents.id != 8));
  }
  {
    Connection s = side_->connect();
    s.execute(delete_from(children));
    s.execute(delete_from(parents).where(parents.id == 8));
  }
  o.existing = transfer::Existing::append;
  transfer::copy(*side_, *here_, md_, o);
  EXPECT_EQ(rows_in(*here_, "parents"), 3);
  EXPECT_EQ(drift(*here_), std::vector<std::string>{});
}

TEST_P(TransferTest, DuplicateFoundByAnIndexBuildFailsTheWholeCopy) {
  {  // Two texts of one instant: distinct on the source, one TIMESTAMPTZ value on the target.
    Connection c = side_->connect();
    exec(c,
         "INSERT INTO parents (id, name, at) VALUES (1, 'a', '2024-03-01 12:00:00'), "
         "(2, 'b', '2024-03-01T12:00:00Z')");
  }
  {
    Connection c = here_->connect();
    c.execute(insert(parents).values({{parents.id, 100}, {parents.name, "kept"}}));
  }
  try {
    transfer::copy(*side_, *here_, md_, {.existing = transfer::Existing::truncate});
    FAIL() << "copied a duplicate into a unique index";
  } catch (const IntegrityError& e) {
    EXPECT_NE(std::string(e.what()).find("table parents"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows_in(*here_, "parents"), 1) << "the truncated row is back";
  EXPECT_EQ(drift(*here_), std::vector<std::string>{}) << "the dropped indexes are back";
}

TEST_P(TransferTest, ReaderErrorSurfacesAndWritesNothing) {
  fill_parents(50);
  {  // JSON that SQLite accepts but sqlcore's read refuses (deeper than kMaxJsonDepth): the
     // reader thread fails near the end of the table, after batches were written.
    Connection c = side_->connect();
    const std::size_t depth = kMaxJsonDepth + 10;
    exec(c, "UPDATE parents SET doc = '" + std::string(depth, '[') + std::string(depth, ']') +
                "' WHERE id = 45");
  }
  try {
    transfer::copy(*side_, *here_, md_, {.batch_rows = 2});
    FAIL() << "copied a value the source cannot read";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("nested deeper"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows_in(*here_, "parents"), 0);
  EXPECT_EQ(drift(*here_), std::vector<std::string>{});
}

TEST_P(TransferTest, WriterErrorStopsTheReaderAndWritesNothing) {
  fill_parents(2000);
  {  // The third row does not fit the target's Integer: the writer fails while the reader has
     // most of the table still to read (and a full queue).
    Connection c = side_->connect();
    exec(c, "UPDATE parents SET small = 1099511627776 WHERE id = 3");
  }
  EXPECT_THROW(transfer::copy(*side_, *here_, md_, {.batch_rows = 2}), DataError);
  EXPECT_EQ(rows_in(*here_, "parents"), 0);
  EXPECT_EQ(drift(*here_), std::vector<std::string>{});
  // The source connection is usable again: a copy of the repaired table succeeds.
  {
    Connection c = side_->connect();
    exec(c, "UPDATE parents SET small = 3 WHERE id = 3");
  }
  EXPECT_EQ(transfer::copy(*side_, *here_, md_, {.batch_rows = 64}).rows(), 2000);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(TransferTest);

}  // namespace sqlcore_test
