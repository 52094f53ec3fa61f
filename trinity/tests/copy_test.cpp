// sqlcore::transfer::copy() on trinity-db's own schema (issue 14), between this test's database
// (sqlite-memory, sqlite-file or PostgreSQL: a fresh schema per test) and temporary SQLite files
// whose schema trinity's migrations made, as the application makes it:
//  - all 45 tables, 60 rows each (PostgreSQL loads them by COPY), filled with awkward values by
//    column type, copied from a SQLite file and back to another one: every row of every table
//    reads back equal, and every table is verified;
//  - every table with an identity column takes a new row after the copy, on both targets;
//  - the original system's database, adopted by trinity-db and then copied: 0/1 flags arrive as
//    booleans, legacy timestamp text as instants, JSON text as JSON;
//  - refusals: a non-empty target, a target whose schema drifted (an extra column, a missing
//    index: both listed), and an out-of-range Integer kept by a SQLite source (named by table,
//    row key and column); nothing is written by any of them.
// With only the SQLite backends requested, the same tests copy SQLite file to SQLite file (or
// memory): nothing is skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/sqlcore.hpp>
#include <sqlcore/transfer/transfer.hpp>

#include "fixture.hpp"
#include "legacy_db.hpp"
#include "seed.hpp"

using namespace sqlcore;
using trinity::db::DatabaseManager;

namespace {

namespace tr = sqlcore::transfer;

/// Rows per table: from 50 on, PostgreSQL's bulk_insert loads by COPY.
constexpr int kRows = 60;
constexpr std::int64_t kBig = std::int64_t{1} << 40;

/// Texts that break naive quoting, COPY's text format, type guessing and byte counting. The
/// first rows get them as they are; later rows add their row number (unique columns).
const std::vector<std::string> kTexts = {
    "O'Brien said \"hi\" \\ back\\slash",
    "",  // replaced: row 1 is NULL or the empty string
    "日本語 Ελληνικά ü 😀 👩‍👩‍👧 \u200b",
    "tab\tnewline\ncarriage\r\nend",
    "\\N",
    "\\.",
    "'; DROP TABLE users; --",
    "100% _like_ [wild]",
    "2024-03-01 12:00:00",
    "1e300",
    "true",
    "{\"looks\": [\"like\", \"json\"]}",
    "0042",
    " leading and trailing blanks ",
};

/// A long text (NUL-free, multi-byte) for columns no index covers (an index entry has a size
/// limit on PostgreSQL).
const std::string& long_text() {
  static const std::string s = [] {
    std::string out;
    for (int i = 0; out.size() < 40'000; ++i)
      out += "line " + std::to_string(i) + ": ü 日本 😀 'q' \"dq\" \\ \t\n";
    return out;
  }();
  return s;
}

/// Nested JSON: objects in arrays, unicode keys, numbers at the edges of every representation.
Json json_for(int row) {
  switch (row % 4) {
    case 0:
      return Json{
          {"row", row},
          {"quote", "it's \"q\" \\ \n"},
          {"ключ", Json::array({Json{{"a", 1}}, Json{{"😀", "ü"}}})},
          {"numbers", Json::array({1e300, -0.0, 0.1, 1e-7, std::numeric_limits<std::int64_t>::max(),
                                   std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::uint64_t>::max(), 1e19, -9.3e18,
                                   9.300000000000001e18, 1.2345678901234567e17})},
          {"nested", {{"deep", Json::array({Json::array({Json{{"x", nullptr}}})})}}}};
    case 1:
      return Json::array(
          {Json{{"k", true}}, Json{{"k", false}}, nullptr, row, "", Json::object(), Json::array()});
    case 2:
      return Json("a JSON string, not an object: ü 😀 " + std::to_string(row));
    default:
      return Json(kBig * row);
  }
}

/// A timestamp with microseconds, given in another time zone, or at the ends of the range.
Timestamp timestamp_for(int row) {
  switch (row % 4) {
    case 0:
      return Timestamp::from_micros(Timestamp::parse("2024-02-29T23:59:59.123456+14:00")->micros() +
                                    row);
    case 1:
      return Timestamp::from_micros(Timestamp::parse("1969-12-31 23:59:59.999999-09:30")->micros() -
                                    row);
    case 2:
      return Timestamp::from_micros(Timestamp::kMinMicros + row);
    default:
      return Timestamp::from_micros(Timestamp::kMaxMicros - row);
  }
}

/// True when a column is part of the table's key, a unique constraint or an index.
bool indexed(const Table& t, const Column& c) {
  auto in = [&](const std::vector<const Column*>& cols) {
    return std::find(cols.begin(), cols.end(), &c) != cols.end();
  };
  if (in(t.primary_key().columns())) return true;
  for (const auto& u : t.unique_constraints())
    if (in(u.columns())) return true;
  for (const auto& i : t.indexes()) {
    if (in(i.columns())) return true;
    for (const auto& e : i.expressions())
      if (e.find(c.name()) != std::string::npos) return true;
  }
  return false;
}

/// The awkward value of column `c` in row `row`: NULL in row 1, 5, ... wherever nullable, the
/// referred row's value in a foreign key, explicit ids from 2^40 in identity columns (or none:
/// generated, when `explicit_ids` is false), and by type otherwise.
std::optional<Value> awkward(const Table& t, const Column& c, int row,
                             const std::optional<Value>& referred, bool explicit_ids = true) {
  const bool null_row = c.is_nullable() && row % 4 == 1;
  if (c.is_autoincrement()) {
    if (!explicit_ids) return std::nullopt;
    return Value(row % 2 == 1 ? kBig + row : std::int64_t{row} + 1);
  }
  if (null_row) return Value();
  if (trinity_test::Seeder::referred_column(t, c)) {
    if (referred) return referred;
    return c.is_nullable() ? std::optional<Value>(Value()) : std::nullopt;
  }
  const std::int64_t r = row;
  switch (c.type().kind()) {
    case TypeKind::boolean:
      return Value(row % 2 == 0);
    case TypeKind::small_integer:
      return Value(row % 2 == 0 ? 32767 - r : -32768 + r);
    case TypeKind::integer: {
      const std::int64_t v[] = {2147483647 - r, -2147483648 + r, r, -r - 1};
      return Value(v[row % 4]);
    }
    case TypeKind::big_integer: {
      const std::int64_t v[] = {kBig + r, -kBig - r, std::numeric_limits<std::int64_t>::max() - r,
                                std::numeric_limits<std::int64_t>::min() + r};
      return Value(v[row % 4]);
    }
    case TypeKind::float_:
    case TypeKind::double_: {
      const double v[] = {0.1 + r, -0.0, 1.7976931348623157e308, 5e-324, 1e-300, -1234.5678e-9};
      return Value(v[row % 6]);
    }
    case TypeKind::date_time:
      return Value(timestamp_for(row));
    case TypeKind::json:
      return Value(json_for(row));
    default:
      break;
  }
  if (row == 1) return Value(std::string());
  if (row == 2 && !indexed(t, c)) return Value(long_text());
  const auto n = static_cast<int>(kTexts.size());
  return Value(kTexts[static_cast<std::size_t>(row % n)] +
               (row < n ? std::string() : " " + std::to_string(row)));
}

/// A row's primary key as text ("id=..., tag=..."), to match rows across databases whose
/// collations order text differently.
std::string key_of(const Table& t, const std::vector<Value>& row) {
  std::string out;
  for (const Column* c : t.primary_key().columns())
    out += (out.empty() ? "" : ", ") + c->name() + "=" + row[c->index()].debug_string();
  return out;
}

using TableRows = std::map<std::string, std::vector<Value>>;

class TrinityCopyTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("trinity-copy-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    TrinityTest::TearDown();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const MetaData& md() { return s().metadata; }
  Engine& here() { return dbm().engine(); }

  /// A SQLite file of this test, its schema made by trinity's migrations (a DatabaseManager
  /// opening it, as the application starts).
  std::unique_ptr<DatabaseManager> sqlite_file(const std::string& name) {
    return std::make_unique<DatabaseManager>(
        trinity::db::ManagerOptions{.url = "sqlite:///" + (dir_ / name).string()});
  }

  /// `rows` awkward rows in every table of `e`; returns the seeder (the values it wrote).
  trinity_test::Seeder fill(Engine& e, int rows) {
    trinity_test::Seeder seeder(
        [](const Table& t, const Column& c, int row, const std::optional<Value>& referred) {
          return awkward(t, c, row, referred);
        });
    auto c = e.connect();
    auto tx = c.begin();
    seeder.seed(c, md(), rows);
    tx.commit();
    return seeder;
  }

  /// Every row of every table, each column read as its portable value, by primary key.
  std::map<std::string, TableRows> contents(Engine& e) {
    std::map<std::string, TableRows> out;
    auto c = e.connect();
    for (const Table* t : md().sorted_tables()) {
      std::vector<Expr> cols;
      for (const Column* col : t->columns()) cols.emplace_back(*col);
      auto& rows = out[t->name()];
      for (const Row& r : c.execute(select(std::move(cols)).select_from(*t)))
        rows.emplace(key_of(*t, r.values()), r.values());
    }
    return out;
  }

  /// Every table of `a` and `b` holds the same rows, value for value (the first 20 differences
  /// are reported with table, key and column).
  void expect_same(Engine& a, Engine& b, std::optional<std::size_t> rows_per_table) {
    const auto x = contents(a), y = contents(b);
    int differences = 0;
    for (const Table* t : md().sorted_tables()) {
      const TableRows& ra = x.at(t->name());
      const TableRows& rb = y.at(t->name());
      if (rows_per_table) {
        EXPECT_EQ(ra.size(), *rows_per_table) << t->name();
      }
      EXPECT_EQ(rb.size(), ra.size()) << t->name();
      for (const auto& [key, values] : ra) {
        const auto it = rb.find(key);
        if (it == rb.end()) {
          ADD_FAILURE() << t->name() << " (" << key << "): missing on the target";
          continue;
        }
        for (const Column* c : t->columns()) {
          const Value& va = values[c->index()];
          const Value& vb = it->second[c->index()];
          if (va == vb || ++differences > 20) continue;
          ADD_FAILURE() << t->name() << " (" << key << ") " << c->name() << ": "
                        << va.debug_string().substr(0, 300) << " became "
                        << vb.debug_string().substr(0, 300);
        }
      }
    }
  }

  /// Every table of `e` holds exactly the rows `seeded` wrote, value for value (the first 20
  /// differences are reported).
  void expect_as_seeded(Engine& e, const trinity_test::Seeder& seeded) {
    const auto all = contents(e);
    int differences = 0;
    for (const Table* t : md().sorted_tables()) {
      const TableRows& rows = all.at(t->name());
      EXPECT_EQ(rows.size(), static_cast<std::size_t>(kRows)) << t->name();
      for (std::size_t r = 0; r < static_cast<std::size_t>(kRows); ++r) {
        std::vector<Value> written(t->columns().size());
        for (const Column* c : t->columns())
          written[c->index()] = seeded.values(t->name() + "." + c->name()).at(r);
        const auto it = rows.find(key_of(*t, written));
        if (it == rows.end()) {
          ADD_FAILURE() << t->name() << " (" << key_of(*t, written) << "): not there";
          continue;
        }
        for (const Column* c : t->columns()) {
          const Value& read = it->second[c->index()];
          if (read == written[c->index()] || ++differences > 20) continue;
          ADD_FAILURE() << t->name() << " row " << r << " " << c->name() << ": wrote "
                        << written[c->index()].debug_string().substr(0, 300) << ", read "
                        << read.debug_string().substr(0, 300);
        }
      }
    }
  }

  /// Every table was copied (`rows` rows each) and verified.
  void expect_verified(const tr::Report& report, std::int64_t rows) {
    EXPECT_EQ(report.tables.size(), md().tables().size());
    for (const auto& t : report.tables) {
      EXPECT_TRUE(t.verified) << t.table;
      EXPECT_EQ(t.source_rows, rows) << t.table;
      EXPECT_EQ(t.copied_rows, rows) << t.table;
    }
  }

  /// A new row in every table with an identity column, the id left to the database: it is past
  /// every copied id (2^40 + ...). `copied` refers the new rows to rows that were copied.
  void expect_identities_continue(Engine& e, const trinity_test::Seeder& copied) {
    trinity_test::Seeder seeder(
        [](const Table& t, const Column& c, int row, const std::optional<Value>& referred) {
          return awkward(t, c, row, referred, false);
        });
    for (const Table* t : md().tables())
      for (const Column* col : t->columns()) {
        const std::string name = t->name() + "." + col->name();
        if (!copied.values(name).empty()) seeder.known(name, {copied.values(name).front()});
      }
    int tables = 0;
    auto c = e.connect();
    for (const Table* t : md().sorted_tables())
      for (const Column* id : t->columns()) {
        if (!id->is_autoincrement()) continue;
        ++tables;
        EXPECT_NO_THROW(seeder.insert(c, *t, kRows)) << t->name();
        const auto& ids = seeder.values(t->name() + "." + id->name());
        ASSERT_FALSE(ids.empty()) << t->name();
        // Past the largest copied id, kBig + kRows - 1.
        EXPECT_GE(ids.back().as<std::int64_t>(), kBig + kRows) << t->name();
      }
    EXPECT_GE(tables, 5) << "trinity-db numbers users, agent_ownership, ... by identity";
  }

  /// Rows in every table of `e`, by table.
  std::map<std::string, std::int64_t> counts(Engine& e) {
    std::map<std::string, std::int64_t> out;
    auto c = e.connect();
    for (const Table* t : md().tables()) out[t->name()] = count(c, t->name());
    return out;
  }
  std::map<std::string, std::int64_t> empty_counts() {
    std::map<std::string, std::int64_t> out;
    for (const Table* t : md().tables()) out[t->name()] = 0;
    return out;
  }

  std::filesystem::path dir_;
  static inline std::atomic<int> counter_{0};
};

TEST_P(TrinityCopyTest, EveryTableBothWaysWithAwkwardValues) {
  auto source = sqlite_file("source.db");
  const auto seeded = fill(source->engine(), kRows);

  const auto there = tr::copy(source->engine(), here(), md());
  ASSERT_EQ(md().tables().size(), 45u);
  expect_verified(there, kRows);
  expect_same(source->engine(), here(), kRows);
  expect_as_seeded(here(), seeded);

  // Again in small batches (the row-by-row INSERT path on every backend), over the rows copied.
  const auto again = tr::copy(source->engine(), here(), md(),
                              {.existing = tr::Existing::truncate, .batch_rows = 7});
  expect_verified(again, kRows);
  expect_same(source->engine(), here(), kRows);

  auto back = sqlite_file("back.db");
  const auto home = tr::copy(here(), back->engine(), md());
  expect_verified(home, kRows);
  expect_same(here(), back->engine(), kRows);
  expect_same(source->engine(), back->engine(), kRows);
  expect_as_seeded(back->engine(), seeded);

  expect_identities_continue(here(), seeded);
  expect_identities_continue(back->engine(), seeded);
}

TEST_P(TrinityCopyTest, AnAdoptedLegacyDatabaseArrivesConverted) {
  const std::string legacy_url = "sqlite:///" + (dir_ / "legacy.db").string();
  {
    Engine e = create_engine(legacy_url);
    auto c = e.connect();
    trinity_test::create_legacy_database(c);
  }
  DatabaseManager adopted({.url = legacy_url});
  ASSERT_TRUE(adopted.adoption());

  // The adoption's side tables are not the application's: the copy refuses them until told to
  // leave them behind.
  std::vector<std::string> ignore = {"sqlcore_version"};
  {
    auto c = adopted.engine().connect();
    for (const auto& name : Inspector(c).table_names())
      if (name.rfind("_legacy_", 0) == 0) ignore.push_back(name);
  }
  ASSERT_GT(ignore.size(), 1u);
  try {
    tr::copy(adopted.engine(), here(), md());
    ADD_FAILURE() << "copied a database with tables the schema does not have";
  } catch (const tr::TransferRefused& e) {
    EXPECT_NE(std::string(e.what()).find("_legacy_schema_migrations"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(counts(here()), empty_counts());

  const auto report = tr::copy(adopted.engine(), here(), md(), {.ignore_tables = ignore});
  for (const auto& t : report.tables) EXPECT_TRUE(t.verified) << t.table;
  // users 2, agent 1, tags 2, email 1, session 1, messages 2, setting 1, a manual execution and
  // its marker schedule 2
  EXPECT_EQ(report.rows(), 12);
  expect_same(adopted.engine(), here(), std::nullopt);

  {
    auto c = here().connect();
    const auto& ao = s().agent_ownership;
    const Row agent =
        *c.execute(select(ao.autonomy_enabled, ao.is_system, ao.guardrails_config, ao.created_at)
                       .where(ao.agent_name == "agent-1"))
             .first();
    EXPECT_EQ(agent[0], Value(true));
    EXPECT_EQ(agent[1], Value(false));
    EXPECT_EQ(agent[2], Value(Json{{"max_turns", 3}}));
    EXPECT_EQ(agent[3], Value(Timestamp::from_civil(2024, 3, 2, 12)));
    const auto& u = s().users;
    EXPECT_EQ(c.execute(select(u.created_at).where(u.id == 7)).scalar<Timestamp>(),
              Timestamp::from_civil(2024, 3, 2, 11, 22, 33, 123456));
    EXPECT_EQ(c.execute(select(u.updated_at).where(u.id == 1)).scalar<Timestamp>(),
              Timestamp::from_civil(2024, 3, 1, 10));
    const auto& m = s().chat_messages;
    EXPECT_EQ(c.execute(select(m.tool_calls).where(m.id == "m2")).scalar<std::optional<Json>>(),
              Json::parse("[{\"name\": \"search\"}]"));
    EXPECT_EQ(c.execute(select(m.timestamp).where(m.id == "m2")).scalar<Timestamp>(),
              Timestamp::from_civil(2024, 3, 2, 12, 5));
    const auto& w = s().email_whitelist;
    EXPECT_EQ(c.execute(select(w.added_by)).scalar<std::optional<std::int64_t>>(), 1);
    // Flags compare as booleans and instants as instants on the target, in SQL.
    EXPECT_EQ(c.execute(select(sqlcore::count()).select_from(ao).where(ao.autonomy_enabled == true))
                  .scalar<std::int64_t>(),
              1);
    EXPECT_EQ(c.execute(select(sqlcore::count())
                            .select_from(m)
                            .where(m.timestamp > Timestamp::from_civil(2024, 3, 2, 12, 1)))
                  .scalar<std::int64_t>(),
              1);
  }

  // The operations read the copy as they read the adopted file.
  const auto messages = dbm().chat().get_chat_messages("s1");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].id, "m1");
  EXPECT_EQ(messages[1].id, "m2");
  EXPECT_EQ(dbm().settings().get_setting_value("theme"), "dark");
  EXPECT_EQ(dbm().users().get_user_by_username("ada")->id, 7);
  EXPECT_GT(dbm().users().create_user({.username = "grace"}).id, 7);
}

// What adoption kept aside (columns the schema lacks, the original's version table) comes along
// with unknown_tables = copy: each kept table is created on the target with its columns' types
// (adoption declares them as the original did, so a flag stays a BOOLEAN), and verified.
TEST_P(TrinityCopyTest, AnAdoptedDatabaseTakesWhatItKeptAlong) {
  const std::string legacy_url = "sqlite:///" + (dir_ / "legacy.db").string();
  {
    Engine e = create_engine(legacy_url);
    auto c = e.connect();
    trinity_test::create_legacy_database(c);
    exec(c, "ALTER TABLE users ADD COLUMN vip BOOLEAN");
    exec(c, "ALTER TABLE users ADD COLUMN karma INTEGER");
    exec(c, "UPDATE users SET vip = id > 5, karma = id * 1099511627776");
  }
  DatabaseManager adopted({.url = legacy_url});
  ASSERT_TRUE(adopted.adoption());
  ASSERT_EQ(adopted.adoption()->extra_columns.at("users"),
            (std::vector<std::string>{"karma", "vip"}));

  const auto report =
      tr::copy(adopted.engine(), here(), md(), {.unknown_tables = tr::UnknownTables::copy});
  std::set<std::string> copied;
  for (const auto& t : report.tables) {
    EXPECT_TRUE(t.verified) << t.table;
    copied.insert(t.table);
  }
  EXPECT_TRUE(copied.count("_legacy_extra_users"));
  EXPECT_TRUE(copied.count("_legacy_schema_migrations"));
  auto c = here().connect();
  Inspector insp(c);
  for (const auto& col : insp.columns("_legacy_extra_users")) {
    ASSERT_TRUE(col.type) << col.name << " " << col.type_sql;
    if (col.name == "vip") {
      EXPECT_EQ(col.type->kind(), sqlcore::TypeKind::boolean) << col.type_sql;
    }
  }
  EXPECT_EQ(
      c.execute(text("SELECT karma FROM _legacy_extra_users WHERE id = 7")).scalar<std::int64_t>(),
      7 * 1099511627776LL);
}

TEST_P(TrinityCopyTest, ANonEmptyTargetIsRefusedAndKeptAsItWas) {
  auto source = sqlite_file("source.db");
  fill(source->engine(), 3);
  dbm().settings().set_setting("theme", "dark");
  auto before = counts(here());
  try {
    tr::copy(source->engine(), here(), md());
    ADD_FAILURE() << "copied into a table holding rows";
  } catch (const tr::TransferRefused& e) {
    EXPECT_NE(std::string(e.what()).find("system_settings"), std::string::npos) << e.what();
  }
  EXPECT_EQ(counts(here()), before);
  EXPECT_EQ(before["system_settings"], 1);
  EXPECT_EQ(dbm().settings().get_setting_value("theme"), "dark");
}

TEST_P(TrinityCopyTest, ADriftedTargetIsRefusedWithItsDifferencesListed) {
  auto source = sqlite_file("source.db");
  fill(source->engine(), 3);
  const auto& tags = s().agent_tags;
  ASSERT_FALSE(tags.indexes().empty());
  const std::string index = tags.indexes().front().name();
  {
    auto c = here().connect();
    exec(c, "ALTER TABLE agent_tags ADD COLUMN colour TEXT");
    exec(c, "DROP INDEX " + index);
  }
  try {
    tr::copy(source->engine(), here(), md());
    ADD_FAILURE() << "copied into a drifted schema";
  } catch (const tr::TransferRefused& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("agent_tags.colour"), std::string::npos) << what;
    EXPECT_NE(what.find(index), std::string::npos) << what;
  }
  EXPECT_EQ(counts(here()), empty_counts());
}

TEST_P(TrinityCopyTest, AValueThatDoesNotFitIsNamedAndNothingIsWritten) {
  auto source = sqlite_file("source.db");
  const auto seeded = fill(source->engine(), 3);
  // SQLite keeps a 64-bit integer in an Integer (32-bit) column; the last table in load order
  // with one gets it, so that every table before it was loaded when the copy fails.
  const Table* table = nullptr;
  const Column* column = nullptr;
  for (const Table* t : md().sorted_tables())
    for (const Column* c : t->columns())
      if (c->type().kind() == TypeKind::integer && t->primary_key().columns().size() == 1)
        table = t, column = c;
  ASSERT_TRUE(table);
  const Column* pk = table->primary_key().columns().front();
  const Value key = seeded.values(table->name() + "." + pk->name()).front();
  {
    auto c = source->engine().connect();
    c.execute(text("UPDATE " + table->name() + " SET " + column->name() + " = " +
                   std::to_string(kBig) + " WHERE " + pk->name() + " = :key"),
              {{"key", key}});
  }
  const std::string key_text =
      pk->name() + "=" +
      (key.kind() == Value::Kind::text ? key.as<std::string>() : key.debug_string());
  try {
    tr::copy(source->engine(), here(), md());
    ADD_FAILURE() << "copied 2^40 into " << table->name() << "." << column->name();
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("table " + table->name()), std::string::npos) << what;
    EXPECT_NE(what.find(key_text), std::string::npos) << what;
    EXPECT_NE(what.find(column->name()), std::string::npos) << what;
    EXPECT_EQ(what.find(std::to_string(kBig)), std::string::npos) << "never the value: " << what;
  }
  EXPECT_EQ(counts(here()), empty_counts());
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(TrinityCopyTest);
