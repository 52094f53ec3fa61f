// `trinity-db copy` end to end, as a separate process, from a SQLite file to each backend's
// database and back: the exit codes (0 copied and verified, 1 error, 2 mismatch, 3 refused), the
// summary and --json, --dry-run, --verify-only, --truncate, the bad inputs an operator meets (one
// line each, nothing written) and a copy killed midway, which leaves the target as it was.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include <sqlcore/testing/backend.hpp>

#include "tool.hpp"
#include "trinity/db/schema.hpp"

namespace {

using trinity_test::ToolRun;
using trinity_test::trinity_db;
namespace fs = std::filesystem;

// One shell word (trinity_test::quoted; std::quoted would win by argument-dependent lookup).
std::string sh(const std::string& s) {
  return trinity_test::quoted(s);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class TrinityCopyToolTest : public sqlcore::test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (in_memory()) GTEST_SKIP() << "another process cannot open this in-memory database";
    dir_ = fs::temp_directory_path() /
           ("trinity-copy-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    fs::create_directories(dir_);
    source_ = file_url("source.db");
    ASSERT_EQ(trinity_db("--url " + sh(source_) + " migrate").code, 0);
    seed(source_, 1000);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
    BackendTest::TearDown();
  }

  std::string file_url(const std::string& name) const {
    return "sqlite:///" + (dir_ / name).string();
  }

  // `n` settings, a user and a chat session with `n` messages, written as SQL into `url`.
  static void seed(const std::string& url, int n) {
    auto e = sqlcore::create_engine(url);
    auto c = e.connect();
    auto tx = c.begin();
    const std::string series =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < " +
        std::to_string(n) + ") ";
    exec(c, series +
                "INSERT INTO system_settings (key, value) SELECT 'k' || i, "
                "'it''s \"v\" ' || i || ' \xF0\x9F\x98\x80' FROM n");
    tx.commit();
  }

  ToolRun copy(const std::string& args) {
    return trinity_db("copy --no-progress --from " + sh(source_) + " --to " + sh(url()) + " " +
                      args);
  }
  std::int64_t target_rows(const std::string& table) {
    auto e = make_engine();
    auto c = e.connect();
    return count(c, table);
  }
  std::int64_t all_target_rows() {
    auto e = make_engine();
    auto c = e.connect();
    std::int64_t n = 0;
    for (const sqlcore::Table* t : trinity::db::schema().metadata.tables())
      n += count(c, t->name());
    return n;
  }
  void migrate_target() { ASSERT_EQ(trinity_db("--url " + sh(url()) + " migrate").code, 0); }

  static inline int counter_ = 0;
  fs::path dir_;
  std::string source_;
};

TEST_P(TrinityCopyToolTest, CopiesVerifiesAndGoesBack) {
  migrate_target();
  ToolRun r = copy("--dry-run");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "system_settings")) << r.out;
  EXPECT_TRUE(has(r.out, "1000 row(s) in 45 table(s) would be copied; nothing written")) << r.out;
  EXPECT_EQ(all_target_rows(), 0);

  r = copy("");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "copied 1000 row(s) in 45 table(s)")) << r.out;
  EXPECT_TRUE(has(r.out, "verified")) << r.out;
  EXPECT_EQ(target_rows("system_settings"), 1000);

  r = copy("--verify-only");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "verified: the target holds the source's 1000 row(s)")) << r.out;

  // Again: the target holds rows now. Refused (3) unless asked to truncate.
  r = copy("");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "holds 1000 row(s)")) << r.out;
  r = trinity_db("--json copy --from " + sh(source_) + " --to " + sh(url()) +
                 " --truncate --tables system_settings --batch 100");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["mode"], "copy");
  EXPECT_EQ(j["rows"], 1000);
  ASSERT_EQ(j["tables"].size(), 1u);
  EXPECT_EQ(j["tables"][0]["table"], "system_settings");
  EXPECT_EQ(j["tables"][0]["verified"], true);

  // Back: the copy of this backend's database into a new SQLite file, verified.
  const std::string back = file_url("back.db");
  ASSERT_EQ(trinity_db("--url " + sh(back) + " migrate").code, 0);
  r = trinity_db("copy --from " + sh(url()) + " --to " + sh(back));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "system_settings: 1000/1000 rows")) << "plain progress lines: " << r.out;
  r = trinity_db("copy --verify-only --from " + sh(source_) + " --to " + sh(back));
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST_P(TrinityCopyToolTest, AMismatchExitsTwoNamingTheTableAndKey) {
  migrate_target();
  ASSERT_EQ(copy("").code, 0);
  {
    auto e = make_engine();
    auto c = e.connect();
    exec(c, "UPDATE system_settings SET value = 'changed' WHERE key = 'k500'");
  }
  const ToolRun r = copy("--verify-only");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "system_settings")) << r.out;
  EXPECT_TRUE(has(r.out, "key=k500")) << r.out;
}

TEST_P(TrinityCopyToolTest, BadInputIsOneLineAndWritesNothing) {
  // The target has no schema yet (an empty database): refused, one line.
  {
    auto e = make_engine();
    (void)e.connect();
  }
  ToolRun r = copy("");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "has none of the schema's tables")) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;

  migrate_target();
  // Unreachable target, without its password.
  r = trinity_db("copy --from " + sh(source_) +
                 " --to 'postgresql://trinity:sekret@127.0.0.1:1/trinity'");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_FALSE(has(r.out, "sekret")) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  // The source is the target.
  r = trinity_db("copy --from " + sh(url()) + " --to " + sh(url()));
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "the same database")) << r.out;
  // A source file that is not a database, and one that does not exist.
  { std::ofstream(dir_ / "notes.db") << "these are not the rows you are looking for\n"; }
  r = trinity_db("copy --from " + sh(file_url("notes.db")) + " --to " + sh(url()));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  r = trinity_db("copy --from " + sh(file_url("missing.db")) + " --to " + sh(url()));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "missing.db")) << "copy created its source";
  // A table missing on the target: refused, naming it.
  {
    auto e = make_engine();
    auto c = e.connect();
    exec(c, "DROP TABLE agent_tags");
  }
  r = copy("");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "target: table agent_tags is missing")) << r.out;
  // Conflicting options.
  r = copy("--truncate --append");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(target_rows("system_settings"), 0);
}

TEST_P(TrinityCopyToolTest, TablesOutsideTheSchemaAreNeverLeftBehindUnnoticed) {
  migrate_target();
  {
    auto e = sqlcore::create_engine(source_);
    auto c = e.connect();
    exec(c, "CREATE TABLE _kept_notes (id BIGINT PRIMARY KEY, note TEXT)");
    exec(c, "INSERT INTO _kept_notes VALUES (1, 'kept \xF0\x9F\x98\x80')");
  }
  ToolRun r = copy("");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "table _kept_notes is not part of the schema")) << r.out;
  EXPECT_EQ(target_rows("system_settings"), 0);

  r = copy("--unknown-tables skip");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "left behind (not part of the schema): _kept_notes")) << r.out;

  r = copy("--unknown-tables copy --truncate");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(target_rows("_kept_notes"), 1);
  EXPECT_EQ(target_rows("system_settings"), 1000);
}

// SIGKILL while the biggest table is loading: the target keeps none of it, and the next copy
// succeeds (no lock or half-written table left behind).
TEST_P(TrinityCopyToolTest, ACopyKilledMidwayLeavesTheTargetAsItWas) {
  migrate_target();
  source_ = file_url("big.db");
  ASSERT_EQ(trinity_db("--url " + sh(source_) + " migrate").code, 0);
  seed(source_, 100000);

  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::execl(TRINITY_DB_EXE, TRINITY_DB_EXE, "copy", "--batch", "500", "--from", source_.c_str(),
            "--to", url().c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string seen;
  char buf[256];
  while (!has(seen, "system_settings:")) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the copy ended before it was killed: " << seen;
  ASSERT_TRUE(has(seen, "system_settings:")) << seen;

  EXPECT_EQ(all_target_rows(), 0);
  const ToolRun r = copy("");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(target_rows("system_settings"), 100000);
}

SQLCORE_BACKEND_TEST_SUITE(TrinityCopyToolTest);

}  // namespace
