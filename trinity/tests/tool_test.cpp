// The trinity-db command end to end, as a separate process on each backend with a database
// behind a URL: migrate, status [--check], check (schema drift), history, inspect, --json,
// migrate --sql, and a database that cannot be reached (exit 1, no password shown).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include <sqlcore/testing/backend.hpp>

#include "tool.hpp"

namespace {

using trinity_test::quoted;
using trinity_test::ToolRun;
using trinity_test::trinity_db;

class TrinityToolTest : public sqlcore::test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (in_memory()) GTEST_SKIP() << "another process cannot open this in-memory database";
  }
  ToolRun tool(const std::string& args) {
    return trinity_db("--url " + quoted(url()) + " " + args);
  }
};

TEST_P(TrinityToolTest, MigrateStatusCheckHistoryInspectEndToEnd) {
  if (single_writer_file()) {
    // No file yet: the commands that look say so and create nothing; migrate creates it.
    auto r = tool("status --check");
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("no database at"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("server is running"), std::string::npos) << r.out;
  } else {
    auto r = tool("status --check");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("0001_initial"), std::string::npos) << r.out;
    r = tool("check");
    EXPECT_EQ(r.code, 2) << r.out;
  }
  ToolRun r;

  r = tool("migrate");
  ASSERT_EQ(r.code, 0) << r.out;
  r = tool("status --check");
  EXPECT_EQ(r.code, 0) << r.out;
  r = tool("check");
  EXPECT_EQ(r.code, 0) << r.out;
  r = tool("migrate");  // nothing to do
  EXPECT_EQ(r.code, 0) << r.out;

  r = tool("--json status");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["current"], "0004_payment_log_idempotence") << r.out;

  r = tool("history");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("0001_initial"), std::string::npos) << r.out;
  r = tool("inspect users");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("username"), std::string::npos) << r.out;
  r = tool("inspect");
  EXPECT_NE(r.out.find("chat_messages"), std::string::npos) << r.out;

  // A change made by hand is drift: check fails and diff names it.
  {
    auto e = make_engine();
    auto c = e.connect();
    exec(c, "ALTER TABLE system_settings ADD COLUMN extra TEXT");
  }
  r = tool("check");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("extra"), std::string::npos) << r.out;
  r = tool("diff");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("extra"), std::string::npos) << r.out;
}

TEST_P(TrinityToolTest, MigrateSqlPrintsTheUpgradeWithoutTouchingTheDatabase) {
  auto r = tool("migrate --sql");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("CREATE TABLE \"users\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("COMMIT;"), std::string::npos) << r.out;
  // Still no revision applied: pending (2), or for a file, still no file at all (1).
  r = tool("status --check");
  EXPECT_EQ(r.code, single_writer_file() ? 1 : 2)
      << "migrate --sql changed the database: " << r.out;
}

TEST_P(TrinityToolTest, AnUnreachableDatabaseIsOneClearLineWithoutThePassword) {
  auto r = trinity_db("--url 'postgresql://trinity:sekret@127.0.0.1:1/trinity' status");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.out.find("sekret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("127.0.0.1"), std::string::npos) << r.out;
  r = trinity_db("--url 'nonsense://x' status");
  EXPECT_EQ(r.code, 1) << r.out;
}

SQLCORE_BACKEND_TEST_SUITE(TrinityToolTest);

}  // namespace
