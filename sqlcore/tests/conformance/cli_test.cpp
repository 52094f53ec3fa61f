// sqlcore::cli end to end on every backend: each command through cli::run with captured output,
// the exit codes (0 ok, 1 error, 2 not current), --json, the URL resolution and the errors a
// person meets (bad URL, unreachable server, unknown revision, database newer than the code),
// never showing a password.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include <sqlcore/cli/cli.hpp>

#include <sqlcore/testing/backend.hpp>
#include <sqlcore/testing/scoped_env.hpp>
#include "common/sample_revisions.hpp"

using namespace sqlcore;
using namespace sqlcore::migrate;
using namespace std::chrono_literals;
using nlohmann::json;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

using Strings = std::vector<std::string>;

using sample::three_revisions;

/// The schema at r3, as the application declares it.
void declare_head(MetaData& md) {
  Table& users = md.add_table("users");
  users.column("id", types::BigInteger).primary_key();
  users.column("name", types::String(64));
  users.column("email", types::String(255)).nullable();  // add_column adds nullable columns
  Table& posts = md.add_table("posts");
  posts.column("id", types::BigInteger).primary_key();
  posts.column("user_id", types::BigInteger);
  posts.column("title", types::Text);
  posts.index("ix_posts_user_id", {"user_id"});
}

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

using sqlcore::test::ScopedEnv;

class CliTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine({.pool_timeout = 10s}));
    declare_head(metadata_);
    app_.name = "testdb";
    app_.description = "test tool";
    app_.metadata = &metadata_;
    app_.history = &history_;
    // One engine for the test and the tool (one in-memory SQLite database is one engine).
    app_.open_engine = [this](const Url&) { return *engine_; };
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }

  /// Runs the tool with --url <this test's URL> first.
  Outcome cli(const Strings& args) { return cli_with(app_, args, true); }
  Outcome cli_with(const cli::Application& app, const Strings& args, bool with_url) {
    Strings all{"testdb"};
    if (with_url) all.insert(all.end(), {"--url", url()});
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const auto& a : all) argv.push_back(a.c_str());
    std::ostringstream out, err;
    Outcome o;
    o.code = cli::run(app, static_cast<int>(argv.size()), argv.data(), out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
  }
  json cli_json(const Strings& args, int want_code = 0) {
    Strings a{"--json"};
    a.insert(a.end(), args.begin(), args.end());
    const Outcome o = cli(a);
    EXPECT_EQ(o.code, want_code) << o.err;
    try {
      return json::parse(o.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << o.out;
      return {};
    }
  }
  void run_sql(const std::string& sql) {
    auto c = engine_->connect();
    exec(c, sql);
  }

  std::optional<Engine> engine_;
  MetaData metadata_;
  History history_{three_revisions()};
  cli::Application app_;
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The line of `text` that contains `part`, or "".
std::string line_with(const std::string& text, const std::string& part) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (has(line, part)) return line;
  }
  return {};
}

TEST_P(CliTest, MigrateThenStatusShowsHead) {
  Outcome o = cli({"status", "--check"});
  EXPECT_EQ(o.code, cli::k_exit_not_current) << o.err;
  EXPECT_TRUE(has(o.out, "3 pending revisions")) << o.out;
  EXPECT_TRUE(has(o.out, "current   base")) << o.out;

  o = cli({"migrate"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "applied r1  create users")) << o.out;
  EXPECT_TRUE(has(o.out, "applied r2  add users.email")) << o.out;
  EXPECT_TRUE(has(o.out, "applied r3  create posts")) << o.out;
  EXPECT_TRUE(has(o.out, "database at revision r3 (head)")) << o.out;
  EXPECT_FALSE(has(o.out, "\033[")) << "no colour when out is not a terminal";

  o = cli({"status", "--check"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "current   r3  create posts")) << o.out;
  EXPECT_TRUE(has(o.out, "up to date")) << o.out;

  o = cli({"status"});  // without --check, pending or not, exit 0
  EXPECT_EQ(o.code, 0);

  o = cli({"migrate"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "nothing to apply")) << o.out;

  const json s = cli_json({"status"});
  EXPECT_EQ(s["current"], "r3");
  EXPECT_EQ(s["head"], "r3");
  EXPECT_EQ(s["at_head"], true);
  EXPECT_TRUE(s["pending"].empty());
}

TEST_P(CliTest, StatusVerbosePrintsThePoolMetrics) {
  const Outcome o = cli({"status", "--verbose"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "pool      size ")) << o.out;
  EXPECT_TRUE(has(o.out, "checkouts ")) << o.out;
  EXPECT_TRUE(has(o.out, "wait p50 ")) << o.out;
  EXPECT_FALSE(has(cli({"status"}).out, "pool ")) << "only with --verbose";
  const json s = cli_json({"status", "--verbose"});
  ASSERT_TRUE(s.contains("pool")) << s.dump();
  EXPECT_GE(s["pool"]["checkouts"].get<int>(), 1);
  EXPECT_GE(s["pool"]["connects"].get<int>(), 1);
  EXPECT_TRUE(s["pool"].contains("wait_p99_us"));
  EXPECT_FALSE(cli_json({"status"}).contains("pool"));
}

TEST_P(CliTest, MigrateToStopsThereAndStatusCheckReportsPending) {
  const json m = cli_json({"migrate", "--to", "r1"});
  ASSERT_EQ(m["applied"].size(), 1u) << m.dump();
  EXPECT_EQ(m["applied"][0]["id"], "r1");
  EXPECT_EQ(m["current"], "r1");

  const json s = cli_json({"status", "--check"}, cli::k_exit_not_current);
  EXPECT_EQ(s["current"], "r1");
  EXPECT_EQ(s["at_head"], false);
  ASSERT_EQ(s["pending"].size(), 2u);
  EXPECT_EQ(s["pending"][0]["id"], "r2");
  EXPECT_EQ(s["pending"][1]["message"], "create posts");

  const Outcome o = cli({"status"});
  EXPECT_TRUE(has(o.out, "2 pending revisions")) << o.out;
  EXPECT_TRUE(has(o.out, "  r2  add users.email")) << o.out;
}

TEST_P(CliTest, UnknownRevisionIsAnErrorNamingTheKnownOnes) {
  for (const Strings& args :
       {Strings{"migrate", "--to", "r9"}, Strings{"downgrade", "r9"}, Strings{"stamp", "r9"}}) {
    const Outcome o = cli(args);
    EXPECT_EQ(o.code, cli::k_exit_error) << args[0];
    EXPECT_TRUE(has(o.err, "error: ")) << o.err;
    EXPECT_TRUE(has(o.err, "r9")) << o.err;
    EXPECT_TRUE(has(o.err, "r1, r2, r3")) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << "one line: " << o.err;
  }
  const json s = cli_json({"status"});
  EXPECT_EQ(s["current"], nullptr) << "nothing ran";
}

TEST_P(CliTest, HistoryMarksTheCurrentRevision) {
  ASSERT_EQ(cli({"migrate", "--to", "r2"}).code, 0);
  const Outcome o = cli({"history"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "id")) << o.out;
  EXPECT_TRUE(has(o.out, "applied")) << o.out;
  const std::string r2 = line_with(o.out, "add users.email");
  EXPECT_EQ(r2.rfind("*", 0), 0u) << o.out;
  EXPECT_TRUE(has(r2, "r2")) << r2;
  EXPECT_EQ(line_with(o.out, "create users").rfind("*", 0), std::string::npos) << o.out;
  EXPECT_TRUE(has(line_with(o.out, "create posts"), "no")) << o.out;
  // Aligned: the message column starts at the same offset on every line.
  EXPECT_EQ(line_with(o.out, "create users").find("create users"),
            line_with(o.out, "add users.email").find("add users.email"))
      << o.out;

  const json h = cli_json({"history"});
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0]["applied"], true);
  EXPECT_EQ(h[1]["current"], true);
  EXPECT_EQ(h[1]["has_downgrade"], true);
  EXPECT_EQ(h[2]["applied"], false);
  EXPECT_EQ(h[2]["current"], false);
}

TEST_P(CliTest, StampAndDowngrade) {
  ASSERT_EQ(cli({"migrate"}).code, 0);
  Outcome o = cli({"downgrade", "r1"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "reverted r3  create posts")) << o.out;
  EXPECT_TRUE(has(o.out, "reverted r2  add users.email")) << o.out;
  EXPECT_LT(o.out.find("reverted r3"), o.out.find("reverted r2")) << "newest first";
  EXPECT_TRUE(has(o.out, "database at revision r1")) << o.out;
  EXPECT_EQ(cli_json({"status"})["current"], "r1");
  EXPECT_EQ(cli_json({"inspect"}).size(), 1u) << "only users is left";

  const json d = cli_json({"downgrade", "base"});
  EXPECT_EQ(d["current"], nullptr);
  ASSERT_EQ(d["reverted"].size(), 1u);
  EXPECT_EQ(d["reverted"][0]["id"], "r1");
  EXPECT_TRUE(cli_json({"inspect"}).empty());

  // stamp records a revision without running anything.
  o = cli({"stamp", "r2"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "r2")) << o.out;
  EXPECT_EQ(cli_json({"status"})["current"], "r2");
  EXPECT_TRUE(cli_json({"inspect"}).empty());
  EXPECT_EQ(cli_json({"stamp", "base"})["current"], nullptr);
}

TEST_P(CliTest, DiffIsEmptyAfterMigrateAndListsAHandMadeChange) {
  ASSERT_EQ(cli({"migrate"}).code, 0);
  Outcome o = cli({"diff"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "no differences")) << o.out;
  EXPECT_TRUE(cli_json({"diff"})["changes"].empty());

  run_sql("ALTER TABLE users ADD COLUMN phone TEXT");
  o = cli({"diff"});
  EXPECT_EQ(o.code, 0) << "diff only reports; check gates";
  EXPECT_TRUE(has(o.out, "kind")) << o.out;
  const std::string line = line_with(o.out, "phone");
  EXPECT_TRUE(has(line, "drop_column")) << o.out;
  EXPECT_TRUE(has(line, "users")) << o.out;

  const json j = cli_json({"diff"});
  ASSERT_EQ(j["changes"].size(), 1u) << j.dump();
  EXPECT_EQ(j["changes"][0]["kind"], "drop_column");
  EXPECT_EQ(j["changes"][0]["table"], "users");
  EXPECT_EQ(j["changes"][0]["name"], "phone");

  o = cli({"diff", "--cpp"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "m.drop_column(\"users\", \"phone\")")) << o.out;
}

TEST_P(CliTest, CheckExitCodes) {
  Outcome o = cli({"check"});
  EXPECT_EQ(o.code, cli::k_exit_not_current) << o.err;
  EXPECT_TRUE(has(o.out, "pending revisions")) << o.out;
  EXPECT_TRUE(has(o.out, "r1, r2, r3")) << o.out;

  ASSERT_EQ(cli({"migrate", "--to", "r2"}).code, 0);
  json j = cli_json({"check"}, cli::k_exit_not_current);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["pending"], json::array({"r3"}));
  EXPECT_FALSE(j["changes"].empty()) << "posts is missing too";

  ASSERT_EQ(cli({"migrate"}).code, 0);
  o = cli({"check"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "ok")) << o.out;
  EXPECT_EQ(cli_json({"check"})["ok"], true);

  run_sql("CREATE TABLE extra (id INTEGER PRIMARY KEY)");
  o = cli({"check"});
  EXPECT_EQ(o.code, cli::k_exit_not_current);
  EXPECT_TRUE(has(o.out, "schema drift")) << o.out;
  EXPECT_TRUE(has(line_with(o.out, "extra"), "drop_table")) << o.out;

  // Tables the application ignores do not count.
  app_.ignore_tables = {"sqlcore_version", "extra"};
  EXPECT_EQ(cli({"check"}).code, 0);
}

TEST_P(CliTest, InspectListsTablesAndDescribesOne) {
  ASSERT_EQ(cli({"migrate"}).code, 0);
  run_sql(
      "CREATE TABLE tagged (id INTEGER PRIMARY KEY, "
      "user_id BIGINT REFERENCES users (id) ON DELETE CASCADE, "
      "label TEXT NOT NULL DEFAULT 'x' UNIQUE, CONSTRAINT ck_label CHECK (label <> ''))");
  Outcome o = cli({"inspect"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(line_with(o.out, "users"), "3")) << o.out;
  EXPECT_TRUE(has(line_with(o.out, "posts"), "3")) << o.out;
  EXPECT_FALSE(has(o.out, "sqlcore_version")) << o.out;

  o = cli({"inspect", "tagged"});
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* part :
       {"column", "type", "nullable", "default", "autoincrement", "user_id", "label", "primary key",
        "unique", "foreign key", "-> users(id)", "on delete cascade", "check", "ck_label"}) {
    EXPECT_TRUE(has(o.out, part)) << part << "\n" << o.out;
  }
  EXPECT_TRUE(has(line_with(o.out, "label "), "no")) << "NOT NULL\n" << o.out;

  const json t = cli_json({"inspect", "users"});
  ASSERT_EQ(t["columns"].size(), 3u) << t.dump();
  EXPECT_EQ(t["columns"][0]["name"], "id");
  EXPECT_EQ(t["columns"][2]["name"], "email");
  EXPECT_EQ(t["columns"][2]["nullable"], true);
  EXPECT_EQ(t["primary_key"]["columns"], json::array({"id"}));
  const json p = cli_json({"inspect", "posts"});
  ASSERT_EQ(p["indexes"].size(), 1u);
  EXPECT_EQ(p["indexes"][0]["name"], "ix_posts_user_id");

  o = cli({"inspect", "nope"});
  EXPECT_EQ(o.code, cli::k_exit_error);
  EXPECT_TRUE(has(o.err, "nope")) << o.err;
}

TEST_P(CliTest, BadUrlsAreOneLineErrorsWithoutThePassword) {
  cli::Application app = app_;
  app.open_engine = {};  // the real path: create_engine(url)
  const Strings urls = {
      "postgresql://bob:s3cretpw@127.0.0.1:1/db?connect_timeout=5",  // nothing listens
      "postgresql://bob:s3cretpw@host:notaport/db",                  // malformed
      "nosuchdb://bob:s3cretpw@host/db",                             // unknown scheme
      "bob:s3cretpw@host/db",                                        // no scheme
  };
  for (const auto& u : urls) {
    for (const char* cmd : {"status", "check", "inspect"}) {
      const Outcome o = cli_with(app, {"--url", u, cmd}, false);
      EXPECT_EQ(o.code, cli::k_exit_error) << u << " " << o.out;
      EXPECT_TRUE(has(o.err, "error: ")) << o.err;
      EXPECT_FALSE(has(o.err, "s3cretpw")) << o.err;
      EXPECT_FALSE(has(o.out, "s3cretpw")) << o.out;
      EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << "one line: " << o.err;
      EXPECT_TRUE(has(o.err, "DATABASE_URL")) << "says what to fix: " << o.err;
    }
  }
  const Outcome down = cli_with(app, {"--url", urls[0], "status"}, false);
  EXPECT_TRUE(has(down.err, "cannot connect")) << down.err;
  EXPECT_TRUE(has(down.err, "bob:***@")) << down.err;
  EXPECT_TRUE(has(cli_with(app, {"--url", urls[1], "status"}, false).err, "malformed")) << "";
}

TEST_P(CliTest, DatabaseNewerThanTheCodeIsAnError) {
  ASSERT_EQ(cli({"migrate"}).code, 0);
  std::vector<Revision> older = three_revisions();
  older.pop_back();
  const History h(std::move(older));
  cli::Application app = app_;
  app.history = &h;
  for (const char* cmd : {"status", "migrate", "check", "history"}) {
    const Outcome o = cli_with(app, {"--url", url(), cmd}, false);
    EXPECT_EQ(o.code, cli::k_exit_error) << cmd << o.out;
    EXPECT_TRUE(has(o.err, "newer than the code")) << o.err;
  }
}

TEST_P(CliTest, UrlComesFromTheOptionThenDatabaseUrlThenTheDefault) {
  if (!many_connections()) GTEST_SKIP() << "each create_engine() is a new in-memory database";
  cli::Application app = app_;
  app.open_engine = {};
  int opened = 0;
  app.on_open = [&opened](Engine&) { ++opened; };
  {
    ScopedEnv env("DATABASE_URL", url().c_str());
    app.default_url = "postgresql://nobody:pw@127.0.0.1:1/none";
    const Outcome o = cli_with(app, {"migrate", "--to", "r1"}, false);
    ASSERT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(opened, 1);
  }
  {
    ScopedEnv env("DATABASE_URL", nullptr);
    app.default_url = url();
    const Outcome o = cli_with(app, {"--json", "status"}, false);
    ASSERT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(json::parse(o.out)["current"], "r1");
    // --url wins over both.
    ScopedEnv env2("DATABASE_URL", "postgresql://nobody:pw@127.0.0.1:1/none");
    app.default_url = "postgresql://nobody:pw@127.0.0.1:1/none";
    EXPECT_EQ(cli_with(app, {"--url", url(), "status"}, false).code, 0);
  }
}

TEST_P(CliTest, AnEmptyUrlIsAnErrorNotTheDefaultDatabase) {
  cli::Application app = app_;
  app.default_url = url();
  const Outcome o = cli_with(app, {"--url", "", "status"}, false);
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(has(o.err, "--url is empty")) << o.err;
}

// Only migrate and stamp may create a database; every command that looks says there is none.
TEST_P(CliTest, CommandsThatOnlyLookNeverCreateADatabaseOrFolder) {
  if (!single_writer_file()) GTEST_SKIP() << "a database file";
  cli::Application app = app_;
  app.open_engine = {};
  const std::string dir = file_dir_ + "/not-yet";
  const std::string u = "sqlite:///" + dir + "/new.db";
  for (const char* cmd : {"status", "check", "history", "inspect", "diff"}) {
    const Outcome o = cli_with(app, {"--url", u, cmd}, false);
    EXPECT_EQ(o.code, 1) << cmd;
    EXPECT_TRUE(has(o.err, "no database at")) << cmd << ": " << o.err;
    EXPECT_FALSE(has(o.err, "server is running")) << o.err;
    EXPECT_FALSE(std::filesystem::exists(dir)) << cmd << " made the folder";
  }
  ASSERT_EQ(cli_with(app, {"--url", u, "migrate"}, false).code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/new.db"));
  // A WAL file opened read-only is read as it is.
  const Outcome ro = cli_with(app, {"--url", u + "?mode=ro", "--json", "status"}, false);
  ASSERT_EQ(ro.code, 0) << ro.err;
  EXPECT_EQ(json::parse(ro.out)["current"], "r3");
  EXPECT_EQ(cli_with(app, {"--url", u + "?mode=ro", "inspect", "users"}, false).code, 0);
}

TEST_P(CliTest, DowngradeThatDropsRowsNeedsYes) {
  ASSERT_EQ(cli({"migrate"}).code, 0);
  run_sql("INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'a'), (2, 1, 'b')");
  Outcome o = cli({"downgrade", "r1"});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(has(o.err, "2 row(s)")) << o.err;
  EXPECT_TRUE(has(o.err, "posts: 2")) << o.err;
  EXPECT_TRUE(has(o.err, "--yes")) << o.err;
  EXPECT_EQ(cli_json({"status"})["current"], "r3") << "nothing was changed";
  o = cli({"downgrade", "r1", "--yes"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(cli_json({"status"})["current"], "r1");
}

TEST_P(CliTest, OfTwoMigrateRunsTheOneThatFoundNothingToDoSaysSo) {
  Outcome a, b;
  std::thread t1([&] { a = cli({"migrate"}); });
  std::thread t2([&] { b = cli({"migrate"}); });
  t1.join();
  t2.join();
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  // Each revision is applied by exactly one of them (they may take turns, one revision each);
  // one that applied nothing says so rather than claiming what the other did.
  for (const char* id : {"applied r1", "applied r2", "applied r3"})
    EXPECT_EQ(has(a.out, id) + has(b.out, id), 1) << id << "\n" << a.out << "--\n" << b.out;
  for (const Outcome* o : {&a, &b}) {
    if (!has(o->out, "applied r")) {
      EXPECT_TRUE(has(o->out, "nothing to apply")) << o->out;
    }
  }
}

TEST_P(CliTest, ApplicationCommandsGetTheContext) {
  cli::Application app = app_;
  app.extra_commands.push_back(
      {"seed", "insert demo rows", [](cli::Context& ctx, const Strings& args) {
         auto c = ctx.engine().connect();
         for (const auto& a : args) {
           c.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"),
                     {{"id", static_cast<std::int64_t>(a.size())}, {"name", a}});
         }
         ctx.out() << (ctx.json() ? "{\"seeded\": " : "seeded ") << args.size()
                   << (ctx.json() ? "}" : "") << '\n';
         return 0;
       }});
  app.extra_commands.push_back({"fail", "always fails", [](cli::Context&, const Strings&) -> int {
                                  throw ArgumentError("this went wrong");
                                }});
  ASSERT_EQ(cli({"migrate"}).code, 0);
  Outcome o = cli_with(app, {"--url", url(), "seed", "ann", "bo"}, false);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "seeded 2\n");
  o = cli_with(app, {"--url", url(), "--json", "seed", "c"}, false);
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(json::parse(o.out)["seeded"], 1);
  {
    auto c = engine_->connect();
    EXPECT_EQ(count(c, "users"), 3);
  }
  o = cli_with(app, {"--url", url(), "fail"}, false);
  EXPECT_EQ(o.code, cli::k_exit_error);
  EXPECT_EQ(o.err, "error: this went wrong\n");
  o = cli_with(app, {"--help"}, false);
  EXPECT_EQ(o.code, 0);
  EXPECT_TRUE(has(o.out, "seed")) << o.out;
}

TEST_P(CliTest, MigrateSqlPrintsTheScriptWithoutConnecting) {
  Outcome o = cli({"migrate", "--sql"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, upgrade_script(history_, engine_->dialect()));
  for (const char* part : {"-- revision r1: create users", "-- revision r3: create posts", "BEGIN;",
                           "COMMIT;", "ix_posts_user_id"}) {
    EXPECT_TRUE(has(o.out, part)) << part << "\n" << o.out;
  }
  EXPECT_EQ(cli_json({"status"})["current"], nullptr) << "nothing ran";
  EXPECT_TRUE(cli_json({"inspect"}).empty());

  o = cli({"migrate", "--sql", "--from", "r1", "--to", "r2"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, upgrade_script(history_, engine_->dialect(), "r1", "r2"));
  EXPECT_FALSE(has(o.out, "-- revision r1")) << o.out;
  EXPECT_TRUE(has(o.out, "-- revision r2")) << o.out;
  EXPECT_FALSE(has(o.out, "posts")) << o.out;

  const json j = cli_json({"migrate", "--sql", "--from", "base", "--to", "r2"});
  ASSERT_EQ(j["revisions"].size(), 2u) << j.dump();
  EXPECT_EQ(j["revisions"][1]["id"], "r2");
  EXPECT_FALSE(j["revisions"][0]["statements"].empty());
  EXPECT_EQ(j["dialect"], std::string(engine_->dialect().name()));

  // No connection: a server that is not there does not matter, only its dialect.
  cli::Application app = app_;
  app.open_engine = {};
  o = cli_with(app, {"--url", "postgresql://bob:s3cretpw@127.0.0.1:1/db", "migrate", "--sql"},
               false);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "(postgresql)")) << o.out;

  for (const Strings& bad :
       {Strings{"migrate", "--sql", "--from", "r9"}, Strings{"migrate", "--sql", "--to", "r9"},
        Strings{"migrate", "--from", "r1"}}) {
    o = cli(bad);
    EXPECT_EQ(o.code, cli::k_exit_error) << bad.back();
    EXPECT_TRUE(has(o.err, "error: ")) << o.err;
  }
}

TEST_P(CliTest, DiffSqlPrintsTheStatementsThatWouldApplyIt) {
  ASSERT_EQ(cli({"migrate"}).code, 0);
  Outcome o = cli({"diff", "--sql"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "");
  run_sql("ALTER TABLE users ADD COLUMN phone TEXT");
  o = cli({"diff", "--sql"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(has(o.out, "phone")) << o.out;
  EXPECT_TRUE(has(o.out, ";\n")) << o.out;
  const json j = cli_json({"diff", "--sql"});
  EXPECT_FALSE(j["sql"].empty()) << j.dump();
  EXPECT_EQ(j["changes"].size(), 1u) << j.dump();
  // The SQL is only printed: the column is still there.
  EXPECT_EQ(cli_json({"diff"})["changes"].size(), 1u);
}

TEST_P(CliTest, UsageErrorsExitOneAndHelpExitsZero) {
  Outcome o = cli({"--help"});
  EXPECT_EQ(o.code, 0);
  for (const char* cmd :
       {"migrate", "downgrade", "status", "check", "history", "stamp", "diff", "inspect"}) {
    EXPECT_TRUE(has(o.out, cmd)) << cmd << "\n" << o.out;
  }
  o = cli({"migrate", "--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_TRUE(has(o.out, "--to")) << o.out;
  EXPECT_EQ(cli({}).code, cli::k_exit_error);
  EXPECT_EQ(cli({"frobnicate"}).code, cli::k_exit_error);
  o = cli({"downgrade"});
  EXPECT_EQ(o.code, cli::k_exit_error);
  EXPECT_TRUE(has(o.err, "REV")) << o.err;
  EXPECT_EQ(cli({"status", "--bogus"}).code, cli::k_exit_error);
  o = cli({"status", "postgresql://bob:s3cretpw@host/db"});  // forgot --url
  EXPECT_EQ(o.code, cli::k_exit_error);
  EXPECT_FALSE(has(o.err, "s3cretpw")) << o.err;
  EXPECT_TRUE(has(o.err, "bob:***@host")) << o.err;

  cli::Application incomplete = app_;
  incomplete.history = nullptr;
  EXPECT_EQ(cli_with(incomplete, {"status"}, true).code, cli::k_exit_error);
}

SQLCORE_BACKEND_TEST_SUITE(CliTest);

}  // namespace
}  // namespace sqlcore_test
