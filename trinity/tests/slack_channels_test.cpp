// SlackChannelOperations on every backend: workspaces (the bot token sealed at rest, opened only
// by get_workspace_bot_token, a SecretError under another key; re-connecting an upsert; disabled
// ones unread; deleting takes bindings and threads along), channel bindings (an upsert per
// channel, eight concurrent binders leave one row; one DM default per team, concurrent DM-default
// binds included; unknown agents and workspaces refused with nothing written), active threads,
// and bad input refused with nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/secrets.hpp"
#include "trinity/db/slack_channels.hpp"

using namespace sqlcore;
using trinity::db::NotFoundError;
using trinity::db::SecretError;
using trinity::db::SecretKey;
using trinity::db::Secrets;
using trinity::db::SlackChannelAgent;

using trinity_test::secret_error;

namespace {

constexpr const char* kToken = "xoxb-9999-8888-wxyzWXYZ";
constexpr const char* kColumn = "slack_workspaces.bot_token";

class SlackChannelsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, std::ignore) = add_ada_and_bob();
    for (const char* name : {"alpha", "beta", "gamma"}) add_agent(name, ada_);
  }
  trinity::db::SlackChannelOperations& ops() { return dbm().slack_channels(); }
  /// Runs one statement on a connection of its own, closed before returning.
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  std::string raw_token(const std::string& team) {
    const auto& w = s().slack_workspaces;
    return exec(select(w.bot_token).where(w.team_id == team)).at(0).get(w.bot_token);
  }
  SlackChannelAgent bind(const std::string& channel, const std::string& agent, bool dm = false,
                         const std::string& team = "T1") {
    return ops().bind_channel_to_agent(team, channel, "#" + channel, agent, "ada", dm);
  }
  /// The names of the team's DM-default agents, read with a plain select.
  std::multiset<std::string> dm_defaults(const std::string& team = "T1") {
    const auto& a = s().slack_channel_agents;
    std::multiset<std::string> out;
    for (const Row& r :
         exec(select(a.agent_name).where(a.team_id == team && a.is_dm_default == true)))
      out.insert(r.get(a.agent_name));
    return out;
  }
  std::int64_t ada_ = 0;
};

TEST_P(SlackChannelsTest, CreateWorkspaceAndReadItWithoutItsToken) {
  const auto w = ops().create_workspace("T1", "Acme", kToken, "ada@example.com");
  EXPECT_EQ(w.id.size(), 32u);
  EXPECT_EQ(w.team_id, "T1");
  EXPECT_EQ(w.team_name, "Acme");
  EXPECT_EQ(w.connected_by, "ada@example.com");
  EXPECT_TRUE(w.enabled);
  const auto got = ops().get_workspace_by_team("T1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, w.id);
  EXPECT_EQ(got->connected_at, w.connected_at);
  EXPECT_EQ(ops().get_workspace_bot_token("T1"), kToken);
  EXPECT_FALSE(ops().get_workspace_by_team("T2"));
  EXPECT_FALSE(ops().get_workspace_bot_token("T2"));

  const auto w2 = ops().create_workspace("T2", std::nullopt, "xoxb-2");
  EXPECT_FALSE(w2.team_name);
  EXPECT_FALSE(w2.connected_by);
  const auto all = ops().get_all_workspaces();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].team_id, "T1");
  EXPECT_EQ(all[1].team_id, "T2");
}

TEST_P(SlackChannelsTest, TheBotTokenIsSealedAtRest) {
  ops().create_workspace("T1", "Acme", kToken);
  const std::string raw = raw_token("T1");
  EXPECT_EQ(raw.find(kToken), std::string::npos);
  EXPECT_EQ(raw.find("9999-8888"), std::string::npos);
  EXPECT_TRUE(Secrets::is_sealed(raw));
  EXPECT_EQ(test_secrets().open(raw, kColumn), kToken);
}

TEST_P(SlackChannelsTest, AnotherKeyCannotOpenTheToken) {
  ops().create_workspace("T1", "Acme", kToken);
  const Secrets other_key(SecretKey::generate());
  const std::string direct = secret_error([&] { (void)other_key.open(raw_token("T1"), kColumn); });
  EXPECT_NE(direct.find(kColumn), std::string::npos) << direct;
  EXPECT_EQ(direct.find(kToken), std::string::npos) << direct;
  // A second manager on the same database (an in-memory one lives in its own manager's engine).
  if (!many_connections()) return;
  trinity::db::DatabaseManager other(
      trinity::db::ManagerOptions{.url = url(), .migrate = true, .secrets = other_key});
  const std::string what =
      secret_error([&] { (void)other.slack_channels().get_workspace_bot_token("T1"); });
  EXPECT_NE(what.find(kColumn), std::string::npos) << what;
  EXPECT_EQ(what.find(kToken), std::string::npos) << what;
  // Reads that do not return the token work under any key.
  EXPECT_TRUE(other.slack_channels().get_workspace_by_team("T1"));
  EXPECT_EQ(other.slack_channels().get_all_workspaces().size(), 1u);
}

TEST_P(SlackChannelsTest, ReconnectingReplacesTheTokenAndKeepsTheId) {
  const auto w = ops().create_workspace("T1", "Acme", kToken, "ada");
  const std::string before = raw_token("T1");
  const auto again = ops().create_workspace("T1", "Acme Inc", "xoxb-new-1", "bob");
  EXPECT_EQ(again.id, w.id);
  EXPECT_EQ(again.team_name, "Acme Inc");
  EXPECT_EQ(again.connected_by, "bob");
  EXPECT_GE(again.connected_at, w.connected_at);
  EXPECT_NE(raw_token("T1"), before);
  EXPECT_EQ(ops().get_workspace_bot_token("T1"), "xoxb-new-1");
  EXPECT_EQ(rows("slack_workspaces"), 1);
}

TEST_P(SlackChannelsTest, DisabledWorkspacesAreNotRead) {
  ops().create_workspace("T1", "Acme", kToken);
  ops().create_workspace("T2", "Other", kToken);
  const auto& w = s().slack_workspaces;
  exec(update(w).set({{w.enabled, false}}).where(w.team_id == "T1"));
  EXPECT_FALSE(ops().get_workspace_by_team("T1"));
  EXPECT_FALSE(ops().get_workspace_bot_token("T1"));
  ASSERT_EQ(ops().get_all_workspaces().size(), 1u);
  EXPECT_EQ(ops().get_all_workspaces()[0].team_id, "T2");
  // Re-connecting enables it again.
  EXPECT_TRUE(ops().create_workspace("T1", "Acme", kToken).enabled);
  EXPECT_TRUE(ops().get_workspace_by_team("T1"));
}

TEST_P(SlackChannelsTest, WorkspaceBadInputIsRefusedWritingNothing) {
  for (const std::string bad : {"", "xoxb-", "xoxa-2-1", "xoxb-a.b", "xoxb-1 ", " xoxb-1"}) {
    try {
      ops().create_workspace("T1", "Acme", bad);
      ADD_FAILURE() << "accepted a malformed token";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("Slack bot token"), std::string::npos);
    }
  }
  EXPECT_THROW(ops().create_workspace("", "Acme", kToken), std::invalid_argument);
  EXPECT_THROW(ops().create_workspace(" \t", "Acme", kToken), std::invalid_argument);
  EXPECT_THROW(ops().get_workspace_by_team(""), std::invalid_argument);
  EXPECT_THROW(ops().get_workspace_bot_token(""), std::invalid_argument);
  EXPECT_THROW(ops().delete_workspace(""), std::invalid_argument);
  EXPECT_EQ(rows("slack_workspaces"), 0);
}

TEST_P(SlackChannelsTest, DeleteWorkspaceTakesItsBindingsAndThreadsAlong) {
  ops().create_workspace("T1", "Acme", kToken);
  ops().create_workspace("T2", "Other", kToken);
  bind("C1", "alpha");
  bind("C1", "beta", false, "T2");
  ops().register_active_thread("T1", "C1", "1.1", "alpha");
  ops().register_active_thread("T2", "C1", "1.1", "beta");
  EXPECT_TRUE(ops().delete_workspace("T1"));
  EXPECT_FALSE(ops().delete_workspace("T1"));
  EXPECT_FALSE(ops().get_workspace_by_team("T1"));
  EXPECT_FALSE(ops().get_channel_agent("T1", "C1"));
  EXPECT_FALSE(ops().is_active_thread("T1", "C1", "1.1"));
  EXPECT_EQ(ops().get_agent_name_for_channel("T2", "C1"), "beta");
  EXPECT_EQ(ops().is_active_thread("T2", "C1", "1.1"), "beta");
  EXPECT_EQ(rows("slack_workspaces"), 1);
}

TEST_P(SlackChannelsTest, BindIsAnUpsertPerChannel) {
  ops().create_workspace("T1", "Acme", kToken);
  const auto b = bind("C1", "alpha");
  EXPECT_EQ(b.team_id, "T1");
  EXPECT_EQ(b.slack_channel_id, "C1");
  EXPECT_EQ(b.slack_channel_name, "#C1");
  EXPECT_EQ(b.agent_name, "alpha");
  EXPECT_FALSE(b.is_dm_default);
  EXPECT_EQ(b.created_by, "ada");
  EXPECT_FALSE(b.allow_proactive);
  const auto got = ops().get_channel_agent("T1", "C1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, b.id);
  EXPECT_EQ(ops().get_agent_name_for_channel("T1", "C1"), "alpha");

  const auto re = ops().bind_channel_to_agent("T1", "C1", "general", "beta", "bob");
  EXPECT_EQ(re.id, b.id);
  EXPECT_EQ(re.agent_name, "beta");
  EXPECT_EQ(re.slack_channel_name, "general");
  EXPECT_EQ(re.created_by, "ada");
  EXPECT_EQ(re.created_at, b.created_at);
  EXPECT_EQ(rows("slack_channel_agents"), 1);
  EXPECT_EQ(ops().get_agent_name_for_channel("T1", "C1"), "beta");
  EXPECT_FALSE(ops().get_channel_agent("T1", "C2"));
  EXPECT_FALSE(ops().get_agent_name_for_channel("T2", "C1"));
}

TEST_P(SlackChannelsTest, ListsAndLookupsOfBindings) {
  ops().create_workspace("T1", "Acme", kToken);
  ops().create_workspace("T2", "Other", kToken);
  const auto c1 = bind("C1", "alpha");
  const auto c2 = bind("C2", "beta");
  const auto c3 = bind("C3", "alpha");
  bind("C1", "gamma", false, "T2");
  const auto all = ops().get_agents_for_workspace("T1");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c1.id);
  EXPECT_EQ(all[1].id, c2.id);
  EXPECT_EQ(all[2].id, c3.id);
  EXPECT_TRUE(ops().get_agents_for_workspace("T3").empty());
  EXPECT_EQ(ops().get_channel_for_agent("T1", "alpha")->id, c1.id);
  EXPECT_EQ(ops().get_channel_for_agent("T1", "beta")->id, c2.id);
  EXPECT_FALSE(ops().get_channel_for_agent("T1", "gamma"));
  EXPECT_EQ(ops().get_channel_for_agent("T2", "gamma")->slack_channel_id, "C1");
}

TEST_P(SlackChannelsTest, UnbindAgentAndChannel) {
  ops().create_workspace("T1", "Acme", kToken);
  ops().create_workspace("T2", "Other", kToken);
  bind("C1", "alpha", true);
  bind("C2", "alpha");
  bind("C3", "beta");
  bind("C1", "alpha", false, "T2");
  EXPECT_TRUE(ops().unbind_agent("T1", "alpha"));
  EXPECT_FALSE(ops().unbind_agent("T1", "alpha"));
  EXPECT_FALSE(ops().get_channel_for_agent("T1", "alpha"));
  EXPECT_FALSE(ops().get_dm_default_agent("T1"));  // not handed on
  EXPECT_EQ(ops().get_agent_name_for_channel("T2", "C1"), "alpha");
  EXPECT_TRUE(ops().unbind_channel("T1", "C3"));
  EXPECT_FALSE(ops().unbind_channel("T1", "C3"));
  EXPECT_FALSE(ops().unbind_channel("T9", "C1"));
  EXPECT_EQ(rows("slack_channel_agents"), 1);
}

TEST_P(SlackChannelsTest, OneDmDefaultPerTeam) {
  ops().create_workspace("T1", "Acme", kToken);
  ops().create_workspace("T2", "Other", kToken);
  EXPECT_FALSE(ops().get_dm_default_agent("T1"));
  EXPECT_TRUE(bind("C1", "alpha", true).is_dm_default);
  bind("C1", "gamma", true, "T2");
  EXPECT_EQ(ops().get_dm_default_agent("T1"), "alpha");
  EXPECT_TRUE(bind("C2", "beta", true).is_dm_default);
  EXPECT_EQ(ops().get_dm_default_agent("T1"), "beta");
  EXPECT_FALSE(ops().get_channel_agent("T1", "C1")->is_dm_default);
  EXPECT_EQ(dm_defaults(), std::multiset<std::string>{"beta"});
  EXPECT_EQ(ops().get_dm_default_agent("T2"), "gamma");  // other teams untouched
  // A bind without the flag does not clear the others; rebinding the default's channel does.
  bind("C3", "alpha");
  EXPECT_EQ(ops().get_dm_default_agent("T1"), "beta");
  bind("C2", "beta", false);
  EXPECT_FALSE(ops().get_dm_default_agent("T1"));
}

TEST_P(SlackChannelsTest, UnknownAgentOrWorkspaceIsNotFoundWritingNothing) {
  ops().create_workspace("T1", "Acme", kToken);
  bind("C1", "alpha", true);
  try {
    bind("C2", "nobody", true);
    ADD_FAILURE() << "bound an unknown agent";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("nobody"), std::string::npos);
  }
  EXPECT_THROW(bind("C1", "nobody"), NotFoundError);
  EXPECT_THROW(bind("C1", "alpha", false, "T9"), NotFoundError);
  EXPECT_EQ(rows("slack_channel_agents"), 1);
  EXPECT_EQ(ops().get_dm_default_agent("T1"), "alpha");  // the clearing was rolled back
  EXPECT_EQ(ops().get_agent_name_for_channel("T1", "C1"), "alpha");
  // Inside an enclosing transaction the failed bind leaves the rest of it usable.
  dbm().transaction([&] {
    EXPECT_THROW(bind("C2", "nobody", true), NotFoundError);
    bind("C2", "beta");
  });
  EXPECT_EQ(ops().get_agent_name_for_channel("T1", "C2"), "beta");
  EXPECT_EQ(ops().get_dm_default_agent("T1"), "alpha");
}

TEST_P(SlackChannelsTest, BindingBadInputIsRefusedWritingNothing) {
  ops().create_workspace("T1", "Acme", kToken);
  EXPECT_THROW(ops().bind_channel_to_agent("", "C1", std::nullopt, "alpha"), std::invalid_argument);
  EXPECT_THROW(ops().bind_channel_to_agent("T1", " ", std::nullopt, "alpha"),
               std::invalid_argument);
  EXPECT_THROW(ops().bind_channel_to_agent("T1", "C1", std::nullopt, ""), std::invalid_argument);
  EXPECT_THROW(ops().get_channel_agent("T1", ""), std::invalid_argument);
  EXPECT_THROW(ops().get_agent_name_for_channel("", "C1"), std::invalid_argument);
  EXPECT_THROW(ops().get_dm_default_agent(""), std::invalid_argument);
  EXPECT_THROW(ops().get_agents_for_workspace(""), std::invalid_argument);
  EXPECT_THROW(ops().get_channel_for_agent("T1", ""), std::invalid_argument);
  EXPECT_THROW(ops().unbind_agent("T1", ""), std::invalid_argument);
  EXPECT_THROW(ops().unbind_channel("", "C1"), std::invalid_argument);
  EXPECT_EQ(rows("slack_channel_agents"), 0);
}

TEST_P(SlackChannelsTest, ConcurrentBindersOfOneChannelLeaveOneRow) {
  reopen_for(8);
  ops().create_workspace("T1", "Acme", kToken);
  std::vector<std::string> agents;
  for (int i = 0; i < 8; ++i) {
    agents.push_back("agent" + std::to_string(i));
    add_agent(agents.back(), ada_);
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        bind("C1", agents[i]);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("slack_channel_agents"), 1);
  const auto agent = ops().get_agent_name_for_channel("T1", "C1");
  ASSERT_TRUE(agent);
  EXPECT_NE(std::find(agents.begin(), agents.end(), *agent), agents.end());
}

TEST_P(SlackChannelsTest, ConcurrentDmDefaultBindsLeaveOneDefault) {
  reopen_for(8);
  ops().create_workspace("T1", "Acme", kToken);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        bind("C" + std::to_string(i), i % 2 == 0 ? "alpha" : "beta", true);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("slack_channel_agents"), 8);
  EXPECT_EQ(dm_defaults().size(), 1u);
  EXPECT_TRUE(ops().get_dm_default_agent("T1"));
}

TEST_P(SlackChannelsTest, ActiveThreads) {
  EXPECT_FALSE(ops().is_active_thread("T1", "C1", "1700000000.000100"));
  ops().register_active_thread("T1", "C1", "1700000000.000100", "alpha");
  EXPECT_EQ(ops().is_active_thread("T1", "C1", "1700000000.000100"), "alpha");
  ops().register_active_thread("T1", "C1", "1700000000.000100", "alpha");
  EXPECT_EQ(rows("slack_active_threads"), 1);
  ops().register_active_thread("T1", "C1", "1700000000.000100", "beta");
  EXPECT_EQ(ops().is_active_thread("T1", "C1", "1700000000.000100"), "beta");
  EXPECT_EQ(rows("slack_active_threads"), 1);
  ops().register_active_thread("T1", "C2", "1700000000.000100", "alpha");
  EXPECT_EQ(ops().is_active_thread("T1", "C2", "1700000000.000100"), "alpha");
  EXPECT_FALSE(ops().is_active_thread("T2", "C1", "1700000000.000100"));
  EXPECT_FALSE(ops().is_active_thread("T1", "C1", "1700000000.000200"));

  EXPECT_THROW(ops().register_active_thread("", "C1", "1.1", "alpha"), std::invalid_argument);
  EXPECT_THROW(ops().register_active_thread("T1", "C1", " ", "alpha"), std::invalid_argument);
  EXPECT_THROW(ops().register_active_thread("T1", "C1", "1.1", ""), std::invalid_argument);
  EXPECT_THROW(ops().is_active_thread("T1", "", "1.1"), std::invalid_argument);
  EXPECT_EQ(rows("slack_active_threads"), 2);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(SlackChannelsTest);
