// The trinity-db schema on every backend: the 45 tables as declared (the original's column counts),
// create_all() and the migration history both compare equal to the MetaData (the parity gate),
// foreign keys are enforced (and cascade on delete and on rename where declared), and the unique,
// case-insensitive and partial unique indexes reject what they must and accept what they must.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/testing/backend.hpp>

#include "trinity/db/migrations.hpp"
#include "trinity/db/schema.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using sqlcore::test::BackendTest;
using trinity::db::Schema;

namespace {

std::string dump(const std::vector<migrate::Change>& changes) {
  std::string out;
  for (const auto& ch : changes)
    out += std::string(migrate::to_string(ch.kind)) + " " + ch.table + "." + ch.name + ": " +
           ch.detail + "\n";
  return out;
}

std::vector<std::string> declared_names(const Schema& s) {
  std::vector<std::string> out;
  for (const Table* t : s.metadata.tables()) out.push_back(t->name());
  std::sort(out.begin(), out.end());
  return out;
}

/// Runs `fn` and returns the kind of the IntegrityError it throws; nullopt when it throws none.
std::optional<IntegrityKind> integrity_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const IntegrityError& e) {
    return e.kind();
  }
  return std::nullopt;
}

// ---- the declarations, without a database ----------------------------------------------------

TEST(TrinitySchemaDeclaration, HasTheTablesAndColumnsOfTheOriginal) {
  // Table -> column count, as the original schema has them.
  const std::map<std::string, std::size_t> expected = {
      {"users", 13},
      {"subscription_credentials", 8},
      {"agent_ownership", 45},
      {"agent_sharing", 6},
      {"mcp_api_keys", 12},
      {"email_whitelist", 6},
      {"email_login_codes", 8},
      {"agent_schedules", 27},
      {"schedule_executions", 51},
      {"chat_sessions", 12},
      {"chat_messages", 16},
      {"agent_activities", 15},
      {"agent_notifications", 12},
      {"agent_permissions", 5},
      {"agent_shared_folder_config", 5},
      {"system_settings", 3},
      {"agent_public_links", 10},
      {"public_link_verifications", 9},
      {"public_link_usage", 7},
      {"public_chat_sessions", 8},
      {"public_chat_messages", 8},
      {"public_user_memory", 7},
      {"agent_git_config", 15},
      {"agent_skills", 9},
      {"agent_tags", 3},
      {"system_views", 10},
      {"agent_health_checks", 20},
      {"monitoring_alert_cooldowns", 4},
      {"agent_dashboard_values", 10},
      {"agent_dashboard_cache", 4},
      {"slack_link_connections", 8},
      {"slack_user_verifications", 7},
      {"slack_pending_verifications", 9},
      {"slack_workspaces", 7},
      {"slack_channel_agents", 9},
      {"slack_active_threads", 5},
      {"telegram_bindings", 13},
      {"telegram_chat_links", 10},
      {"telegram_group_configs", 16},
      {"subscription_rate_limit_events", 6},
      {"operator_queue", 41},
      {"nevermined_agent_config", 10},
      {"nevermined_payment_log", 11},
      {"agent_event_subscriptions", 9},
      {"agent_events", 6},
  };
  const Schema& s = trinity::db::schema();
  ASSERT_EQ(expected.size(), Schema::kTableCount);
  ASSERT_EQ(s.metadata.tables().size(), Schema::kTableCount);
  for (const Table* t : s.metadata.tables()) {
    auto it = expected.find(t->name());
    ASSERT_NE(it, expected.end()) << t->name();
    EXPECT_EQ(t->columns().size(), it->second) << t->name();
  }
  // Every index of the original schema: 118, of which 6 unique and 11 partial, 1 on an expression.
  std::size_t indexes = 0, unique = 0, partial = 0, expression = 0;
  for (const Table* t : s.metadata.tables()) {
    for (const Index& ix : t->indexes()) {
      ++indexes;
      unique += ix.is_unique() ? 1 : 0;
      partial += ix.where().empty() ? 0 : 1;
      for (const auto& e : ix.expressions()) expression += e.empty() ? 0 : 1;
    }
  }
  // The original's 118, idx_dashboard_values_captured_at (0003), and the payment log's two unique
  // indexes (one partial) and its index of outcomes for the failed settlements (0004).
  EXPECT_EQ(indexes, 122u);
  EXPECT_EQ(unique, 8u);
  EXPECT_EQ(partial, 12u);
  EXPECT_EQ(expression, 1u);
  EXPECT_NO_THROW(s.metadata.validate());
  EXPECT_EQ(s.metadata.sorted_tables().size(), Schema::kTableCount);
}

TEST(TrinitySchemaDeclaration, KeysJoinColumnsOfOneType) {
  const Schema& s = trinity::db::schema();
  std::size_t keys = 0;
  for (const Table* t : s.metadata.tables()) {
    for (const ForeignKey& fk : t->foreign_keys()) {
      const Table& target = s.metadata.table(fk.referred_table());
      ASSERT_EQ(fk.columns().size(), fk.referred_columns().size());
      for (std::size_t i = 0; i < fk.columns().size(); ++i)
        EXPECT_EQ(fk.columns()[i]->type(), target.c(fk.referred_columns()[i]).type()) << fk.name();
      EXPECT_LE(fk.name().size(), kMaxIdentifierLength);
      ++keys;
    }
    for (const Index& ix : t->indexes()) EXPECT_LE(ix.name().size(), kMaxIdentifierLength);
  }
  EXPECT_EQ(keys, 33u);  // every foreign key of the original schema
}

TEST(TrinitySchemaDeclaration, HistoryHeadIsThePaymentLogIdempotence) {
  EXPECT_EQ(trinity::db::history().head(),
            std::optional<std::string>("0004_payment_log_idempotence"));
}

// ---- on every backend ------------------------------------------------------------------------

class TrinitySchemaTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine({.pool_timeout = 10s}));
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }
  Engine& engine() { return *engine_; }
  const Schema& s() { return trinity::db::schema(); }

  std::vector<migrate::Change> compare() {
    auto c = engine().connect();
    return migrate::compare(c, s().metadata);
  }
  std::vector<std::string> live_tables() {
    auto c = engine().connect();
    Inspector insp(c);
    return insp.table_names();
  }

  /// A user; returns its id.
  std::int64_t add_user(Connection& c, const std::string& username,
                        std::optional<std::string> email = std::nullopt) {
    const auto& u = s().users;
    Dml stmt = insert(u);
    if (email)
      stmt.values({{u.username, username}, {u.email, *email}});
    else
      stmt.values({{u.username, username}});
    return c.execute(stmt.returning({u.id})).scalar<std::int64_t>();
  }
  void add_agent(Connection& c, const std::string& name, std::int64_t owner) {
    const auto& a = s().agent_ownership;
    c.execute(insert(a).values({{a.agent_name, name}, {a.owner_id, owner}}));
  }

  std::optional<Engine> engine_;
};

TEST_P(TrinitySchemaTest, CreateAllComparesEqualToTheMetadata) {
  s().metadata.create_all(engine());
  const auto changes = compare();
  EXPECT_TRUE(changes.empty()) << dump(changes);
  EXPECT_EQ(live_tables(), declared_names(s()));
  EXPECT_EQ(live_tables().size(), Schema::kTableCount);
}

TEST_P(TrinitySchemaTest, MigrationHistoryHeadComparesEqualToTheMetadata) {
  migrate::Migrator migrator(engine(), trinity::db::history());
  migrator.upgrade();
  EXPECT_EQ(migrator.current(), std::optional<std::string>("0004_payment_log_idempotence"));
  const auto changes = compare();
  EXPECT_TRUE(changes.empty()) << dump(changes);
  EXPECT_EQ(live_tables(), declared_names(s()));

  // Down to nothing and up again.
  migrator.downgrade("base");
  EXPECT_TRUE(live_tables().empty());
  EXPECT_EQ(migrator.current(), std::nullopt);
  migrator.upgrade();
  const auto again = compare();
  EXPECT_TRUE(again.empty()) << dump(again);
}

TEST_P(TrinitySchemaTest, ForeignKeysAreEnforced) {
  s().metadata.create_all(engine());
  auto c = engine().connect();
  const auto& a = s().agent_ownership;
  // A child whose parent is missing.
  EXPECT_EQ(integrity_error([&] {
              c.execute(insert(a).values({{a.agent_name, "orphan"}, {a.owner_id, 424242}}));
            }),
            IntegrityKind::foreign_key);
  const auto& links = s().public_link_usage;
  EXPECT_EQ(integrity_error([&] {
              c.execute(insert(links).values({{links.id, "u1"}, {links.link_id, "no-such-link"}}));
            }),
            IntegrityKind::foreign_key);
  // A parent still referred to (NO ACTION) cannot be deleted.
  const std::int64_t ada = add_user(c, "ada");
  add_agent(c, "alpha", ada);
  EXPECT_EQ(integrity_error([&] { c.execute(delete_from(s().users).where(s().users.id == ada)); }),
            IntegrityKind::foreign_key);
  EXPECT_EQ(count(c, "users"), 1);
}

TEST_P(TrinitySchemaTest, AgentKeysCascadeOnDeleteAndOnRename) {
  s().metadata.create_all(engine());
  auto c = engine().connect();
  const std::int64_t ada = add_user(c, "ada");
  add_agent(c, "alpha", ada);
  const auto& tags = s().agent_tags;
  c.execute(insert(tags).values({{tags.agent_name, "alpha"}, {tags.tag, "red"}}));
  c.execute(insert(tags).values({{tags.agent_name, "alpha"}, {tags.tag, "blue"}}));
  const auto& links = s().agent_public_links;
  c.execute(insert(links).values({{links.id, "l1"},
                                  {links.agent_name, "alpha"},
                                  {links.token, "tok"},
                                  {links.created_by, ada}}));
  const auto& usage = s().public_link_usage;
  c.execute(insert(usage).values({{usage.id, "u1"}, {usage.link_id, "l1"}}));

  // Rename: the referring rows follow (ON UPDATE CASCADE).
  const auto& a = s().agent_ownership;
  c.execute(update(a).set({{a.agent_name, "beta"}}).where(a.agent_name == "alpha"));
  const auto renamed =
      c.execute(select(tags.tag).where(tags.agent_name == "beta").order_by({tags.tag.asc()}))
          .scalars<std::string>();
  EXPECT_EQ(renamed, (std::vector<std::string>{"blue", "red"}));
  EXPECT_EQ(c.execute(select(links.agent_name)).scalar<std::string>(), "beta");

  // Delete: tags, links and the links' usage go with the agent (ON DELETE CASCADE).
  c.execute(delete_from(a).where(a.agent_name == "beta"));
  EXPECT_EQ(count(c, "agent_tags"), 0);
  EXPECT_EQ(count(c, "agent_public_links"), 0);
  EXPECT_EQ(count(c, "public_link_usage"), 0);
}

TEST_P(TrinitySchemaTest, EmailIsUniqueWhateverItsCase) {
  s().metadata.create_all(engine());
  auto c = engine().connect();
  add_user(c, "ada", "Ada@Example.com");
  EXPECT_EQ(integrity_error([&] { add_user(c, "ada2", "ada@example.COM"); }),
            IntegrityKind::unique);
  // Only addresses are compared: any number of users without one.
  add_user(c, "bob");
  add_user(c, "carol");
  add_user(c, "dave", "dave@example.com");
  EXPECT_EQ(count(c, "users"), 4);
  // The plain unique constraints hold too.
  EXPECT_EQ(integrity_error([&] { add_user(c, "bob"); }), IntegrityKind::unique);
}

TEST_P(TrinitySchemaTest, OneRunningTurnPerConversation) {
  s().metadata.create_all(engine());
  auto c = engine().connect();
  const std::int64_t ada = add_user(c, "ada");
  const auto& sch = s().agent_schedules;
  c.execute(insert(sch).values({{sch.id, "s1"},
                                {sch.agent_name, "alpha"},
                                {sch.name, "nightly"},
                                {sch.cron_expression, "0 0 * * *"},
                                {sch.message, "go"},
                                {sch.owner_id, ada}}));
  const auto& ex = s().schedule_executions;
  int n = 0;
  auto run = [&](const std::string& status, std::optional<std::string> conversation) {
    const std::string id = "e" + std::to_string(++n);
    auto stmt = insert(ex).values(
        {{ex.id, id},
         {ex.schedule_id, "s1"},
         {ex.agent_name, "alpha"},
         {ex.status, status},
         {ex.message, "go"},
         {ex.triggered_by, "schedule"},
         {ex.conversation_key, conversation ? Value(*conversation) : Value(nullptr)}});
    c.execute(stmt);
  };
  run("running", "conv-1");
  EXPECT_EQ(integrity_error([&] { run("running", "conv-1"); }), IntegrityKind::unique);
  run("running", "conv-2");  // another conversation
  run("success", "conv-1");  // not running: not guarded
  run("success", "conv-1");
  run("running", std::nullopt);  // no conversation: not guarded
  run("running", std::nullopt);
  EXPECT_EQ(count(c, "schedule_executions"), 6);
  // The first turn ends: the next one may run.
  c.execute(update(ex).set({{ex.status, "success"}}).where(ex.id == "e1"));
  run("running", "conv-1");
}

TEST_P(TrinitySchemaTest, PartialUniqueIndexesGuardOnlyTheirRows) {
  s().metadata.create_all(engine());
  auto c = engine().connect();
  const std::int64_t ada = add_user(c, "ada");
  for (const char* agent : {"a1", "a2", "a3", "a4"}) add_agent(c, agent, ada);

  // One working branch per repository among agents not in source mode.
  const auto& git = s().agent_git_config;
  auto git_row = [&](const std::string& id, const std::string& agent, bool source_mode) {
    c.execute(insert(git).values({{git.id, id},
                                  {git.agent_name, agent},
                                  {git.github_repo, "org/repo"},
                                  {git.working_branch, "main"},
                                  {git.instance_id, "i"},
                                  {git.source_mode, source_mode}}));
  };
  git_row("g1", "a1", false);
  EXPECT_EQ(integrity_error([&] { git_row("g2", "a2", false); }), IntegrityKind::unique);
  git_row("g3", "a3", true);  // source mode: not guarded
  git_row("g4", "a4", true);
  EXPECT_EQ(count(c, "agent_git_config"), 3);

  // A webhook token finds one schedule; schedules without a token are many.
  const auto& sch = s().agent_schedules;
  int n = 0;
  auto schedule = [&](std::optional<std::string> token) {
    c.execute(insert(sch).values({{sch.id, "s" + std::to_string(++n)},
                                  {sch.agent_name, "a1"},
                                  {sch.name, "job"},
                                  {sch.cron_expression, "* * * * *"},
                                  {sch.message, "go"},
                                  {sch.owner_id, ada},
                                  {sch.webhook_token, token ? Value(*token) : Value(nullptr)}}));
  };
  schedule("tok-1");
  EXPECT_EQ(integrity_error([&] { schedule("tok-1"); }), IntegrityKind::unique);
  schedule(std::nullopt);
  schedule(std::nullopt);
  schedule("tok-2");
  EXPECT_EQ(count(c, "agent_schedules"), 4);

  // The (non-partial) unique index on an agent's request id.
  const auto& oq = s().operator_queue;
  auto ask = [&](const std::string& id, const std::string& request) {
    c.execute(insert(oq).values({{oq.id, id},
                                 {oq.agent_name, "a1"},
                                 {oq.request_id, request},
                                 {oq.type, "question"},
                                 {oq.title, "t"},
                                 {oq.question, "q?"}}));
  };
  ask("q1", "r1");
  EXPECT_EQ(integrity_error([&] { ask("q2", "r1"); }), IntegrityKind::unique);
  ask("q3", "r2");
}

TEST_P(TrinitySchemaTest, ServerDefaultsFillAnInsertThatLeavesThemOut) {
  s().metadata.create_all(engine());
  auto c = engine().connect();
  const std::int64_t ada = add_user(c, "ada");
  add_agent(c, "alpha", ada);
  const auto& u = s().users;
  auto row = c.execute(select(u.role, u.created_at, u.updated_at).where(u.id == ada)).all();
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0].get<std::string>("role"), "user");
  const auto& a = s().agent_ownership;
  auto ag = c.execute(select(a.is_system, a.use_platform_api_key, a.max_parallel_tasks,
                             a.execution_timeout_seconds, a.group_auth_mode)
                          .where(a.agent_name == "alpha"))
                .all();
  ASSERT_EQ(ag.size(), 1u);
  EXPECT_EQ(ag[0].get<std::optional<bool>>("is_system"), false);
  EXPECT_EQ(ag[0].get<std::optional<bool>>("use_platform_api_key"), true);
  EXPECT_EQ(ag[0].get<std::optional<std::int64_t>>("max_parallel_tasks"), 3);
  EXPECT_EQ(ag[0].get<std::optional<std::int64_t>>("execution_timeout_seconds"), 3600);
  EXPECT_EQ(ag[0].get<std::optional<std::string>>("group_auth_mode"), "none");
}

SQLCORE_BACKEND_TEST_SUITE(TrinitySchemaTest);

}  // namespace
