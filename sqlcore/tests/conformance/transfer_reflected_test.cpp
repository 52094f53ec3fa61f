// transfer without (or beyond) the application's MetaData: copy_reflected() copies a database no
// MetaData describes, creating its tables on the target from the source's catalog, both ways
// between a SQLite file and this test's backend; Options::unknown_tables refuses, leaves behind
// or copies the source's tables outside the MetaData; a column without a portable type is
// refused rather than guessed; text with a NUL byte is refused with its place, never cut.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/sqlcore.hpp>
#include <sqlcore/transfer/transfer.hpp>

#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

namespace tr = sqlcore::transfer;

struct Notes : Table {
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(true);
  Col<std::string> title = column("title", types::String(80));
  Col<std::optional<bool>> done = column("done", types::Boolean);
  Col<std::optional<Timestamp>> at = column("at", types::DateTime);
  Col<std::optional<Json>> meta = column("meta", types::Json);
  explicit Notes(MetaData& m) : Table(m, "notes") { index("ix_notes_title", {title}); }
};

struct Links : Table {
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(true);
  Col<std::int64_t> note_id = column("note_id", types::BigInteger).references("notes.id");
  Col<std::string> url = column("url", types::Text).unique();
  explicit Links(MetaData& m) : Table(m, "links") {}
};

class TransferReflectedTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlcore-reflected-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    std::filesystem::create_directories(dir_);
    here_.emplace(make_engine());
    side_.emplace(create_engine(file_url("side.db")));
  }
  void TearDown() override {
    here_.reset();
    side_.reset();
    std::filesystem::remove_all(dir_);
    BackendTest::TearDown();
  }
  std::string file_url(const std::string& name) const {
    return "sqlite:///" + (dir_ / name).string();
  }

  // Two notes and a link, the kinds of values that change meaning on the way.
  void fill(Engine& e) {
    Connection c = e.connect();
    auto tx = c.begin();
    c.execute(insert(notes).values({{notes.title, "it's \"ü\" 😀"},
                                    {notes.done, true},
                                    {notes.at, Timestamp::from_micros(1'700'000'000'123'456)},
                                    {notes.meta, Json{{"a", {1, 2.5, nullptr}}}}}));
    c.execute(insert(notes).values({{notes.title, ""}, {notes.done, false}}));
    c.execute(insert(links).values({{links.note_id, 2}, {links.url, "https://x.test/?q='1'"}}));
    tx.commit();
  }

  std::vector<std::vector<Value>> rows(Engine& e) {
    Connection c = e.connect();
    std::vector<std::vector<Value>> out;
    for (const Row& r : c.execute(
             select(notes.id, notes.title, notes.done, notes.at, notes.meta).order_by({notes.id})))
      out.push_back(r.values());
    for (const Row& r : c.execute(select(links.id, links.note_id, links.url).order_by({links.id})))
      out.push_back(r.values());
    return out;
  }

  MetaData md_;
  Notes notes{md_};
  Links links{md_};
  std::filesystem::path dir_;
  std::optional<Engine> here_, side_;
  static inline std::atomic<int> counter_{0};
};

TEST_P(TransferReflectedTest, CopiesADatabaseNoMetaDataDescribesBothWays) {
  md_.create_all(*side_);
  fill(*side_);
  const tr::Report r = tr::copy_reflected(*side_, *here_);
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(r.tables[0].table, "notes");  // referenced first
  EXPECT_TRUE(r.tables[0].verified && r.tables[1].verified);
  EXPECT_EQ(rows(*here_), rows(*side_));
  {
    // Created with its keys, indexes and identity: the next insert gets the next id, a duplicate
    // url is still refused, and the foreign key holds.
    Connection c = here_->connect();
    const auto id = c.execute(insert(notes).values({{notes.title, "next"}}).returning({notes.id}))
                        .scalar<std::int64_t>();
    EXPECT_EQ(id, 3);
    EXPECT_THROW(
        c.execute(insert(links).values({{links.note_id, 1}, {links.url, "https://x.test/?q='1'"}})),
        IntegrityError);
    EXPECT_THROW(c.execute(insert(links).values({{links.note_id, 99}, {links.url, "u"}})),
                 IntegrityError);
  }
  // Again into tables that now hold rows: refused.
  EXPECT_THROW(tr::copy_reflected(*side_, *here_), tr::TransferRefused);

  // And back, into a new SQLite file.
  Engine back = create_engine(file_url("back.db"));
  (void)back.connect();
  const tr::Report b = tr::copy_reflected(*here_, back);
  EXPECT_EQ(b.rows(), 4);
  EXPECT_EQ(rows(back), rows(*here_));
}

TEST_P(TransferReflectedTest, TablesOutsideTheMetaDataAreRefusedLeftBehindOrCopied) {
  md_.create_all(*side_);
  md_.create_all(*here_);
  fill(*side_);
  {
    Connection c = side_->connect();
    exec(c, "CREATE TABLE kept_aside (id INTEGER PRIMARY KEY, note TEXT NOT NULL, n BIGINT)");
    exec(c, "INSERT INTO kept_aside (id, note, n) VALUES (1, 'a', 1099511627776), (2, '', NULL)");
  }
  try {
    tr::copy(*side_, *here_, md_);
    FAIL() << "a table outside the schema was not refused";
  } catch (const tr::TransferRefused& e) {
    EXPECT_NE(std::string(e.what()).find("kept_aside"), std::string::npos) << e.what();
  }
  {
    Connection c = here_->connect();
    EXPECT_EQ(count(c, "notes"), 0);
  }

  tr::Options skip;
  skip.unknown_tables = tr::UnknownTables::skip;
  tr::Report r = tr::copy(*side_, *here_, md_, skip);
  EXPECT_EQ(r.left_behind, std::vector<std::string>{"kept_aside"});
  EXPECT_EQ(r.rows(), 3);

  tr::Options take;
  take.unknown_tables = tr::UnknownTables::copy;
  take.existing = tr::Existing::truncate;
  r = tr::copy(*side_, *here_, md_, take);
  EXPECT_EQ(r.rows(), 5);
  EXPECT_TRUE(r.left_behind.empty());
  Connection c = here_->connect();
  EXPECT_EQ(c.execute(text("SELECT n FROM kept_aside WHERE id = 1")).scalar<std::int64_t>(),
            std::int64_t{1} << 40);
  EXPECT_EQ(c.execute(text("SELECT note FROM kept_aside WHERE id = 2")).scalar<std::string>(), "");
}

TEST_P(TransferReflectedTest, AColumnWithoutAPortableTypeIsRefusedNotGuessed) {
  md_.create_all(*side_);
  md_.create_all(*here_);
  {
    Connection c = side_->connect();
    exec(c, "CREATE TABLE odd (id INTEGER PRIMARY KEY, amount NUM)");
    exec(c, "INSERT INTO odd VALUES (1, 1.5), (2, 'x')");
  }
  tr::Options take;
  take.unknown_tables = tr::UnknownTables::copy;
  try {
    tr::copy(*side_, *here_, md_, take);
    FAIL() << "a column without a portable type was copied";
  } catch (const tr::TransferRefused& e) {
    EXPECT_NE(std::string(e.what()).find("odd.amount (NUM)"), std::string::npos) << e.what();
  }
  Connection c = here_->connect();
  EXPECT_FALSE(Inspector(c).has_table("odd"));
}

// SQLite stores text with a NUL byte when a program binds one; no portable text holds it
// (PostgreSQL refuses it, C APIs cut at it). The copy refuses it with its place, never a cut value.
TEST_P(TransferReflectedTest, TextWithANulByteIsRefusedNeverCut) {
  md_.create_all(*side_);
  md_.create_all(*here_);
  {
    Connection c = side_->connect();
    exec(c, "INSERT INTO notes (id, title) VALUES (1, 'fine'), (2, CAST(X'610062' AS TEXT))");
  }
  try {
    tr::copy(*side_, *here_, md_);
    FAIL() << "text with a NUL byte was copied";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("table notes, row id=2"), std::string::npos) << what;
    EXPECT_NE(what.find("notes.title"), std::string::npos) << what;
  }
  Connection c = here_->connect();
  EXPECT_EQ(count(c, "notes"), 0);
}

SQLCORE_BACKEND_TEST_SUITE(TransferReflectedTest);

}  // namespace
}  // namespace sqlcore_test
