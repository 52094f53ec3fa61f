// Legacy adoption: a SQLite database written by the original raw-SQLite system -- the same
// tables in its DDL style (TEXT/INTEGER/REAL), INTEGER booleans, timestamps as ISO-8601 `...Z`
// text and as SQLite's `YYYY-MM-DD HH:MM:SS`, JSON as text, a username where a user id belongs,
// its own schema_migrations table, some later columns and tables missing -- is detected,
// stamped and upgraded to head by DatabaseManager, every row kept and readable through the
// operations; malformed JSON is reported with table, key and column and changes nothing.
//
// The original system was SQLite only, writing a file: on PostgreSQL there is nothing to adopt
// (moving data between backends is the copy tool's job), so these tests run on sqlite-file.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include <sqlcore/testing/backend.hpp>

#include "legacy_db.hpp"
#include "tool.hpp"
#include "trinity/db/legacy.hpp"
#include "trinity/db/manager.hpp"
#include "trinity/db/migrations.hpp"

using namespace sqlcore;

namespace {

class LegacyAdoptionTest : public sqlcore::test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    // The original system wrote a SQLite file: nothing to adopt on a server, and each engine on
    // the in-memory backend opens a database of its own.
    if (!single_writer_file()) GTEST_SKIP() << "the original system's database is a SQLite file";
    engine_.emplace(make_engine());
    auto c = engine_->connect();
    trinity_test::create_legacy_database(c);
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }

  std::optional<Engine> engine_;
};

TEST_P(LegacyAdoptionTest, IsDetectedStampedAndUpgradedWithEveryRowKept) {
  {
    auto c = engine_->connect();
    EXPECT_TRUE(trinity::db::is_legacy_database(c));
  }
  // Told not to migrate, the manager refuses to start and says what to run.
  try {
    trinity::db::DatabaseManager refused({.url = url(), .migrate = false});
    ADD_FAILURE() << "started on a legacy database without migrating";
  } catch (const trinity::db::StartupError& e) {
    EXPECT_NE(std::string(e.what()).find("trinity-db migrate"), std::string::npos) << e.what();
  }

  trinity::db::DatabaseManager dbm({.url = url()});
  auto c = engine_->connect();
  EXPECT_FALSE(trinity::db::is_legacy_database(c));
  EXPECT_EQ(migrate::Migrator(*engine_, trinity::db::history()).current(),
            trinity::db::history().head());
  // The parity gate holds for the adopted database too.
  auto drift = migrate::compare(
      c, trinity::db::schema().metadata,
      {"sqlcore_version", "_legacy_schema_migrations", "_legacy_dangling_references"});
  EXPECT_TRUE(drift.empty()) << drift.size() << " difference(s), first: "
                             << (drift.empty() ? ""
                                               : drift.front().table + "." + drift.front().name +
                                                     " " + drift.front().detail);
  EXPECT_FALSE(Inspector(c).has_table("schema_migrations"));
  // The original's version table is kept, renamed, with its rows.
  EXPECT_EQ(count(c, "_legacy_schema_migrations"), 2);
  // A copy of the file was taken first.
  ASSERT_TRUE(dbm.adoption());
  EXPECT_TRUE(std::filesystem::exists(dbm.adoption()->backup_path)) << dbm.adoption()->backup_path;

  // Every row, readable through the operations.
  auto ada = dbm.users().get_user_by_username("ada");
  ASSERT_TRUE(ada);
  EXPECT_EQ(ada->id, 7);
  EXPECT_EQ(ada->created_at.to_string().substr(0, 26), "2024-03-02 11:22:33.123456");
  EXPECT_EQ(ada->suspended_at, std::nullopt);  // a later column: its default
  EXPECT_TRUE(dbm.users().get_user_by_email("ada@example.com"));
  EXPECT_EQ(dbm.settings().get_setting_value("theme"), "dark");
  auto tags = dbm.tags().get_agent_tags("agent-1");
  EXPECT_EQ(std::set<std::string>(tags.begin(), tags.end()),
            (std::set<std::string>{"beta", "prod"}));
  const auto messages = dbm.chat().get_chat_messages("s1");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].id, "m1");
  EXPECT_EQ(messages[1].id, "m2");
  EXPECT_EQ(count(c, "users"), 2);
  EXPECT_EQ(count(c, "chat_messages"), 2);
  // The manual task's execution is kept, under the marker schedule that no list shows.
  auto manual = dbm.schedules().get_execution("e1");
  ASSERT_TRUE(manual);
  EXPECT_EQ(manual->schedule_id, trinity::db::kManualScheduleId);
  EXPECT_FALSE(Inspector(c).has_table("_legacy_quarantine_schedule_executions"));
  EXPECT_TRUE(dbm.schedules().list_all_schedules().empty());
  // A username where a user id belongs became the id; timestamps are canonical text.
  EXPECT_EQ(c.execute(text("SELECT added_by FROM email_whitelist")).scalar<std::int64_t>(), 1);
  EXPECT_EQ(
      c.execute(text("SELECT MIN(LENGTH(timestamp)) FROM chat_messages")).scalar<std::int64_t>(),
      26);
  EXPECT_EQ(c.execute(text("SELECT guardrails_config FROM agent_ownership")).scalar<Json>(),
            Json::parse("{\"max_turns\": 3}"));
  // New rows keep numbering after the adopted ones.
  auto grace = dbm.users().create_user({.username = "grace"});
  EXPECT_GT(grace.id, 7);
}

TEST_P(LegacyAdoptionTest, MalformedJsonIsReportedWithTableKeyAndColumnAndNothingChanges) {
  {
    auto c = engine_->connect();
    exec(c,
         "INSERT INTO chat_messages (id, session_id, agent_name, user_id, user_email, role, "
         "content, timestamp, tool_calls) VALUES ('m3', 's1', 'agent-1', 7, 'a@b', 'user', "
         "'x', '2024-03-02T12:06:00Z', '{not json')");
  }
  try {
    trinity::db::DatabaseManager dbm({.url = url()});
    ADD_FAILURE() << "adopted malformed JSON";
  } catch (const trinity::db::LegacyDataError& e) {
    ASSERT_EQ(e.problems().size(), 1u) << e.what();
    EXPECT_NE(e.problems()[0].find("chat_messages (id=m3) column tool_calls: malformed JSON"),
              std::string::npos)
        << e.problems()[0];
    EXPECT_NE(std::string(e.what()).find("nothing was changed"), std::string::npos) << e.what();
  }
  auto c = engine_->connect();
  EXPECT_TRUE(trinity::db::is_legacy_database(c));
  EXPECT_EQ(count(c, "chat_messages"), 3);
  EXPECT_EQ(count(c, "schema_migrations"), 2);
  EXPECT_FALSE(Inspector(c).has_table("_legacy_users"));
}

// Values a real database may hold that no backend should take -- JSON nested deeper than sqlcore
// reads, an infinite cost, a REAL too large for an integer column, a year 0 timestamp -- are
// listed like malformed JSON (table, key, column, why), and nothing changes; nothing crashes.
TEST_P(LegacyAdoptionTest, ValuesNoBackendShouldTakeAreListedAndNothingChanges) {
  {
    auto c = engine_->connect();
    c.execute(text("UPDATE chat_messages SET tool_calls = :doc WHERE id = 'm1'"),
              {{"doc", std::string(600, '[') + std::string(600, ']')}});
    exec(c, "UPDATE chat_sessions SET total_cost = 9e999 WHERE id = 's1'");  // +infinity
    exec(c, "UPDATE chat_sessions SET message_count = 1e300 WHERE id = 's1'");
    exec(c, "UPDATE agent_tags SET created_at = '0000-06-01 00:00:00' WHERE tag = 'prod'");
  }
  try {
    trinity::db::DatabaseManager dbm({.url = url()});
    ADD_FAILURE() << "adopted values no backend should take";
  } catch (const trinity::db::LegacyDataError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p + "\n";
    EXPECT_EQ(e.problems().size(), 4u) << all;
    EXPECT_NE(all.find("chat_messages (id=m1) column tool_calls: "), std::string::npos) << all;
    EXPECT_NE(all.find("nested deeper"), std::string::npos) << all;
    EXPECT_NE(all.find("column total_cost: an infinite number"), std::string::npos) << all;
    EXPECT_NE(all.find("column message_count: not an integer"), std::string::npos) << all;
    EXPECT_NE(all.find("column created_at: a timestamp outside"), std::string::npos) << all;
  }
  auto c = engine_->connect();
  EXPECT_TRUE(trinity::db::is_legacy_database(c));
}

// Another application's database that merely has a schema_migrations table and a users table
// with a username column is refused, and every byte of it stays: its version table, and the
// users columns trinity-db does not know (a password hash among them).
class ForeignDatabaseTest : public sqlcore::test::BackendTest {};

TEST_P(ForeignDatabaseTest, IsRefusedWithTheReasonAndNothingChanges) {
  if (!single_writer_file()) GTEST_SKIP() << "a database file of another application";
  auto engine = make_engine();
  {
    auto c = engine.connect();
    exec(c, "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)");
    exec(c, "INSERT INTO schema_migrations VALUES ('20240101_init')");
    exec(c,
         "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, pw_hash TEXT, "
         "shoe_size INTEGER)");
    exec(c, "INSERT INTO users VALUES (1, 'bob', 'bcrypt$x', 44)");
    EXPECT_FALSE(trinity::db::is_legacy_database(c));
    EXPECT_TRUE(trinity::db::check_legacy_database(c).candidate);
  }
  try {
    trinity::db::DatabaseManager dbm({.url = url()});
    ADD_FAILURE() << "started on another application's database";
  } catch (const trinity::db::StartupError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("not a database of the original system"), std::string::npos) << m;
    EXPECT_NE(m.find("nothing was changed"), std::string::npos) << m;
  }
  auto c = engine.connect();
  EXPECT_EQ(count(c, "schema_migrations"), 1);
  EXPECT_EQ(c.execute(text("SELECT pw_hash FROM users")).scalar<std::string>(), "bcrypt$x");
  EXPECT_EQ(c.execute(text("SELECT shoe_size FROM users")).scalar<std::int64_t>(), 44);
  EXPECT_FALSE(Inspector(c).has_table("sqlcore_version"));
}

SQLCORE_BACKEND_TEST_SUITE(ForeignDatabaseTest);

// Every row's primary key of `table` (as text), and per row a checksum of the listed columns.
std::map<std::string, std::string> rows_by_key(Connection& c, const std::string& table,
                                               const std::string& key,
                                               const std::vector<std::string>& cols) {
  std::string list = key;
  for (const auto& col : cols) list += ", " + col;
  std::map<std::string, std::string> out;
  for (const Row& r : c.execute(text("SELECT " + list + " FROM " + table))) {
    std::string v;
    for (const auto& col : cols) {
      const Value& x = r[col];
      v += (x.is_null() ? std::string("NULL") : x.debug_string()) + "|";
    }
    out[r[0].debug_string()] = v;
  }
  return out;
}

// A database of the original system as real ones are after years with foreign keys off:
// references to rows that no longer exist (a deleted parent activity, a message of a removed
// session, a tag of a removed agent), columns and a table trinity-db does not know. Adopted, every
// value is still somewhere: rows in their table or its quarantine, old references recorded,
// unknown columns beside their row's key, the unknown table untouched.
TEST_P(LegacyAdoptionTest, DanglingReferencesAndUnknownDataAreKeptNotDropped) {
  {
    auto c = engine_->connect();
    exec(c, "ALTER TABLE users ADD COLUMN legacy_flag TEXT");
    exec(c, "ALTER TABLE users ADD COLUMN karma INTEGER");
    exec(c, "UPDATE users SET legacy_flag = 'vip-' || username, karma = id * 10");
    exec(c, "CREATE TABLE plugin_data (k TEXT PRIMARY KEY, v TEXT)");
    exec(c, "INSERT INTO plugin_data VALUES ('a', '1'), ('b', '2')");
    // NOT NULL references that dangle: a message of a removed session, a tag of a removed agent.
    exec(c,
         "INSERT INTO chat_messages (id, session_id, agent_name, user_id, user_email, role, "
         "content, timestamp) VALUES ('m9', 'gone-session', 'agent-1', 7, 'a@b', 'user', "
         "'orphan', '2024-03-02T12:09:00Z')");
    exec(c, "INSERT INTO agent_tags (agent_name, tag, created_at) VALUES ('ghost', 'x', NULL)");
    // Nullable ones: a deleted parent (self-reference), a removed user, and a message that
    // will itself be quarantined (found on the second pass).
    exec(c,
         "INSERT INTO agent_activities (id, agent_name, activity_type, activity_state, "
         "parent_activity_id, started_at, user_id, triggered_by, related_chat_message_id) VALUES "
         "('a1', 'agent-1', 'chat', 'done', 'deleted-parent', '2024-03-02T12:00:00Z', 999, "
         "'user', NULL), ('a2', 'agent-1', 'chat', 'done', 'a1', '2024-03-02 12:00:01', 7, "
         "'user', 'm9')");
    // Bit for bit: a REAL that single precision would round.
    exec(c, "UPDATE chat_sessions SET total_cost = 0.123456789012345 WHERE id = 's1'");
  }
  // Before: every key and value of the tables involved.
  std::map<std::string, std::map<std::string, std::string>> before;
  {
    auto c = engine_->connect();
    before["users"] = rows_by_key(c, "users", "id", {"legacy_flag", "karma", "username"});
    before["chat_messages"] = rows_by_key(c, "chat_messages", "id", {"session_id", "content"});
    before["agent_activities"] = rows_by_key(
        c, "agent_activities", "id", {"parent_activity_id", "user_id", "related_chat_message_id"});
    before["plugin_data"] = rows_by_key(c, "plugin_data", "k", {"v"});
    EXPECT_EQ(count(c, "agent_tags"), 3);
  }

  trinity::db::DatabaseManager dbm({.url = url()});
  ASSERT_TRUE(dbm.adoption());
  const auto& report = *dbm.adoption();
  auto c = engine_->connect();

  // Unknown columns: beside their row's key, every value.
  EXPECT_EQ(report.extra_columns.at("users"), (std::vector<std::string>{"karma", "legacy_flag"}));
  {
    auto kept = rows_by_key(c, "_legacy_extra_users", "id", {"legacy_flag", "karma"});
    auto users_now = rows_by_key(c, "users", "id", {"username"});
    ASSERT_EQ(kept.size(), before["users"].size());
    for (const auto& [key, v] : before["users"]) {
      ASSERT_TRUE(kept.count(key)) << key;
      EXPECT_EQ(kept[key] + users_now[key], v) << key;  // flag|karma| + username|
    }
  }
  // The unknown table: untouched.
  EXPECT_EQ(rows_by_key(c, "plugin_data", "k", {"v"}), before["plugin_data"]);
  EXPECT_EQ(report.unknown_tables, (std::vector<std::string>{"plugin_data"}));

  // NOT NULL references that dangled: the rows moved whole to quarantine.
  EXPECT_EQ(report.quarantined.at("chat_messages"), 1);
  EXPECT_EQ(report.quarantined.at("agent_tags"), 1);
  {
    auto now = rows_by_key(c, "chat_messages", "id", {"session_id", "content"});
    auto quarantined =
        rows_by_key(c, "_legacy_quarantine_chat_messages", "id", {"session_id", "content"});
    EXPECT_EQ(now.size() + quarantined.size(), before["chat_messages"].size());
    for (const auto& [key, v] : before["chat_messages"]) {
      const bool here = now.count(key) > 0, there = quarantined.count(key) > 0;
      EXPECT_TRUE(here != there) << key;
      EXPECT_EQ(here ? now[key] : quarantined[key], v) << key;
    }
    EXPECT_EQ(count(c, "agent_tags") + count(c, "_legacy_quarantine_agent_tags"), 3);
  }
  // Nullable references that dangled: NULL now, the old value recorded -- including the one to
  // the message quarantined above.
  EXPECT_EQ(report.nulled.at("agent_activities"), 3);
  {
    auto now = rows_by_key(c, "agent_activities", "id",
                           {"parent_activity_id", "user_id", "related_chat_message_id"});
    std::map<std::string, std::string> recorded;  // "key column" -> old value
    for (const Row& r : c.execute(text("SELECT row_key, column_name, old_value FROM "
                                       "_legacy_dangling_references WHERE table_name = "
                                       "'agent_activities'")))
      recorded[r.get<std::string>("row_key") + " " + r.get<std::string>("column_name")] =
          r.get<std::string>("old_value");
    EXPECT_EQ(recorded["id=a1 parent_activity_id"], "deleted-parent");
    EXPECT_EQ(recorded["id=a1 user_id"], "999");
    EXPECT_EQ(recorded["id=a2 related_chat_message_id"], "m9");
    EXPECT_EQ(now["'a1'"], "NULL|NULL|NULL|");
    EXPECT_EQ(now["'a2'"], "'a1'|7|NULL|") << "a reference that resolves is kept";
  }
  // The whole database passes the foreign-key check and the parity gate (kept tables aside).
  EXPECT_TRUE(c.execute(text("PRAGMA foreign_key_check")).all().empty());
  EXPECT_EQ(
      c.execute(text("SELECT total_cost FROM chat_sessions WHERE id = 's1'")).scalar<double>(),
      0.123456789012345)
      << "REAL values come through bit for bit (Double, not Float)";
  // The command reports the kept tables as extra, not as drift.
  EXPECT_EQ(report.dangling.size(), 5u);
}

// The same through the command a person runs: `trinity-db migrate` says where the backup is and
// what was kept; with --json the whole list; `check` then passes, listing the kept tables.
TEST_P(LegacyAdoptionTest, TheCommandReportsTheBackupAndWhatWasKept) {
  {
    auto c = engine_->connect();
    exec(c, "INSERT INTO agent_tags (agent_name, tag, created_at) VALUES ('ghost', 'x', NULL)");
    exec(c, "ALTER TABLE users ADD COLUMN karma INTEGER");
  }
  engine_.reset();  // the command opens the file itself
  const std::string u = trinity_test::quoted(url());
  auto r = trinity_test::trinity_db("--url " + u + " --json migrate");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["current"], trinity::db::history().head());
  const auto& adoption = doc["adoption"];
  EXPECT_TRUE(std::filesystem::exists(adoption["backup"].get<std::string>())) << r.out;
  EXPECT_EQ(adoption["quarantined"]["agent_tags"], 1) << r.out;
  EXPECT_EQ(adoption["extra_columns"]["users"], nlohmann::json::array({"karma"})) << r.out;
  ASSERT_EQ(adoption["dangling"].size(), 1u) << r.out;
  EXPECT_EQ(adoption["dangling"][0]["action"], "quarantined");
  r = trinity_test::trinity_db("--url " + u + " check");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("_legacy_quarantine_agent_tags"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("extra"), std::string::npos) << r.out;
}

SQLCORE_BACKEND_TEST_SUITE(LegacyAdoptionTest);

}  // namespace
