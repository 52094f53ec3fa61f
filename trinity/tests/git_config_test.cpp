// ScheduleOperations' git configuration on every backend: one configuration per agent (a second
// is nullopt, the first kept, concurrent creators included), registered agents only, a working
// branch of a repository used by one agent, sync records and flags, the list of agents to sync,
// bad input refused with nothing written, and an enclosing transaction that survives a refusal.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/schedules.hpp"

using namespace sqlcore;
using trinity::db::DuplicateError;
using trinity::db::GitConfig;
using trinity::db::GitConfigCreate;
using trinity::db::NotFoundError;
using trinity::db::ScheduleOperations;
using Names = std::vector<std::string>;

namespace {

class TrinityGitConfigTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = dbm().users().create_user({.username = "ada"}).id;
    for (const char* name : {"alpha", "beta", "gamma"}) add_agent(name, ada_);
  }
  ScheduleOperations& ops() { return dbm().schedules(); }

  static GitConfigCreate repo(const std::string& branch) {
    return {.github_repo = "acme/agents", .working_branch = branch, .instance_id = "i-1"};
  }
  static Names agents(const std::vector<GitConfig>& list) {
    Names out;
    for (const auto& g : list) out.push_back(g.agent_name);
    return out;
  }
  std::int64_t ada_ = 0;
};

TEST_P(TrinityGitConfigTest, CreateAndGet) {
  EXPECT_FALSE(ops().get_git_config("alpha"));
  const Timestamp before = Timestamp::now();
  const auto made = ops().create_git_config("alpha", repo("agent/alpha"));
  ASSERT_TRUE(made);
  EXPECT_EQ(made->id.size(), 32u);
  EXPECT_EQ(made->agent_name, "alpha");
  EXPECT_EQ(made->github_repo, "acme/agents");
  EXPECT_EQ(made->working_branch, "agent/alpha");
  EXPECT_EQ(made->instance_id, "i-1");
  EXPECT_EQ(made->source_branch, "main");
  EXPECT_FALSE(made->source_mode);
  EXPECT_GE(made->created_at.micros(), before.micros() - 1'000'000);
  EXPECT_FALSE(made->last_sync_at);
  EXPECT_FALSE(made->last_commit_sha);
  EXPECT_TRUE(made->sync_enabled);
  EXPECT_TRUE(made->sync_paths.empty());
  EXPECT_FALSE(made->auto_sync_enabled);
  EXPECT_FALSE(made->freeze_schedules_if_sync_failing);
  EXPECT_EQ(ops().get_git_config("alpha"), made);

  const auto full = ops().create_git_config("beta", {.github_repo = " acme/agents ",
                                                     .working_branch = "dev",
                                                     .instance_id = "i-2",
                                                     .sync_paths = {" src/ ", "docs/README.md"},
                                                     .source_branch = "develop",
                                                     .source_mode = true});
  ASSERT_TRUE(full);
  EXPECT_EQ(full->github_repo, "acme/agents");
  EXPECT_EQ(full->sync_paths, (Names{"src/", "docs/README.md"}));
  EXPECT_EQ(full->source_branch, "develop");
  EXPECT_TRUE(full->source_mode);
  EXPECT_EQ(ops().get_git_config("beta"), full);
  EXPECT_FALSE(ops().get_git_config("ghost"));
}

TEST_P(TrinityGitConfigTest, OneConfigurationPerAgent) {
  const auto first = ops().create_git_config("alpha", repo("one"));
  ASSERT_TRUE(first);
  EXPECT_FALSE(ops().create_git_config("alpha", repo("two")));
  EXPECT_EQ(ops().get_git_config("alpha"), first);  // the first is kept
  EXPECT_EQ(rows("agent_git_config"), 1);

  // Inside a transaction the refusal leaves the rest of the work in place.
  dbm().transaction([&] {
    EXPECT_TRUE(ops().create_git_config("beta", repo("beta")));
    EXPECT_FALSE(ops().create_git_config("alpha", repo("three")));
    EXPECT_TRUE(ops().set_git_sync_enabled("alpha", false));
  });
  EXPECT_EQ(rows("agent_git_config"), 2);
  EXPECT_FALSE(ops().get_git_config("alpha")->sync_enabled);
}

TEST_P(TrinityGitConfigTest, OnlyRegisteredAgents) {
  EXPECT_THROW(ops().create_git_config("ghost", repo("x")), NotFoundError);
  soft_delete_agent("gamma");
  EXPECT_THROW(ops().create_git_config("gamma", repo("x")), NotFoundError);
  EXPECT_EQ(rows("agent_git_config"), 0);
}

TEST_P(TrinityGitConfigTest, AWorkingBranchBelongsToOneAgent) {
  ASSERT_TRUE(ops().create_git_config("alpha", repo("shared")));
  EXPECT_THROW(ops().create_git_config("beta", repo("shared")), DuplicateError);
  EXPECT_EQ(rows("agent_git_config"), 1);
  // In source mode agents share the source branch; another repository may use the name too.
  GitConfigCreate source = repo("shared");
  source.source_mode = true;
  EXPECT_TRUE(ops().create_git_config("beta", source));
  GitConfigCreate other = repo("shared");
  other.github_repo = "acme/other";
  EXPECT_TRUE(ops().create_git_config("gamma", other));
  EXPECT_EQ(rows("agent_git_config"), 3);

  // The DuplicateError rolls back only its own operation inside a transaction.
  ops().delete_git_config("gamma");
  dbm().transaction([&] {
    EXPECT_THROW(ops().create_git_config("gamma", repo("shared")), DuplicateError);
    EXPECT_TRUE(ops().create_git_config("gamma", repo("gamma")));
  });
  EXPECT_EQ(ops().get_git_config("gamma")->working_branch, "gamma");
}

TEST_P(TrinityGitConfigTest, BadInputIsRefusedBeforeAnyStatement) {
  const auto with = [](auto change) {
    GitConfigCreate d = repo("b");
    change(d);
    return d;
  };
  const std::vector<std::pair<GitConfigCreate, std::string>> cases = {
      {with([](auto& d) { d.github_repo = ""; }), "github_repo: "},
      {with([](auto& d) { d.working_branch = "  "; }), "working_branch: "},
      {with([](auto& d) { d.instance_id = ""; }), "instance_id: "},
      {with([](auto& d) { d.source_branch = ""; }), "source_branch: "},
      {with([](auto& d) {
         d.sync_paths = {"src", " "};
       }),
       "sync_paths: "},
      {with([](auto& d) { d.github_repo = "acme/\x01"; }), "github_repo: "},
  };
  for (const auto& [data, field] : cases)
    for (const char* agent : {"alpha", "ghost"}) {
      try {
        (void)ops().create_git_config(agent, data);
        ADD_FAILURE() << "accepted: " << field;
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      }
    }
  EXPECT_EQ(rows("agent_git_config"), 0);
}

TEST_P(TrinityGitConfigTest, SyncRecordsAndFlags) {
  ASSERT_TRUE(ops().create_git_config("alpha", repo("alpha")));
  const Timestamp before = Timestamp::now();
  EXPECT_TRUE(ops().update_git_sync("alpha", " 0123456789abcdef0123456789ABCDEF01234567 "));
  auto got = ops().get_git_config("alpha");
  EXPECT_EQ(got->last_commit_sha, "0123456789abcdef0123456789ABCDEF01234567");
  ASSERT_TRUE(got->last_sync_at);
  EXPECT_GE(got->last_sync_at->micros(), before.micros() - 1'000'000);
  EXPECT_TRUE(ops().update_git_sync("alpha", "abc1234"));
  EXPECT_EQ(ops().get_git_config("alpha")->last_commit_sha, "abc1234");
  EXPECT_FALSE(ops().update_git_sync("ghost", "abc1234"));
  for (const std::string& bad : {std::string(""), std::string("abc"), std::string("xyz12345"),
                                 std::string(65, 'a'), std::string("abc 1234")})
    EXPECT_THROW(ops().update_git_sync("alpha", bad), std::invalid_argument) << bad;
  EXPECT_EQ(ops().get_git_config("alpha")->last_commit_sha, "abc1234");

  EXPECT_TRUE(ops().set_git_sync_enabled("alpha", false));
  EXPECT_FALSE(ops().get_git_config("alpha")->sync_enabled);
  EXPECT_TRUE(ops().set_git_sync_enabled("alpha", true));
  EXPECT_TRUE(ops().get_git_config("alpha")->sync_enabled);
  EXPECT_FALSE(ops().set_git_sync_enabled("ghost", true));

  EXPECT_TRUE(ops().delete_git_config("alpha"));
  EXPECT_FALSE(ops().delete_git_config("alpha"));
  EXPECT_FALSE(ops().get_git_config("alpha"));
  EXPECT_EQ(rows("agent_git_config"), 0);
}

TEST_P(TrinityGitConfigTest, ListsSyncEnabledRegisteredAgentsByName) {
  EXPECT_TRUE(ops().list_git_enabled_agents().empty());
  add_agent("delta", ada_);
  for (const char* name : {"gamma", "alpha", "delta", "beta"})
    ASSERT_TRUE(ops().create_git_config(name, repo(name)));
  EXPECT_EQ(agents(ops().list_git_enabled_agents()), (Names{"alpha", "beta", "delta", "gamma"}));
  ASSERT_TRUE(ops().set_git_sync_enabled("beta", false));
  soft_delete_agent("delta");
  const auto listed = ops().list_git_enabled_agents();
  EXPECT_EQ(agents(listed), (Names{"alpha", "gamma"}));
  EXPECT_EQ(listed.front(), ops().get_git_config("alpha"));
  EXPECT_TRUE(ops().get_git_config("delta"));  // reads take any name
}

TEST_P(TrinityGitConfigTest, ConcurrentCreatorsMakeOne) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  std::atomic<int> made{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        // Half of them with the same repository and branch: still one row and no error.
        if (ops().create_git_config("alpha", repo(i % 2 ? "same" : "b" + std::to_string(i))))
          ++made;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(rows("agent_git_config"), 1);
}

SQLCORE_BACKEND_TEST_SUITE(TrinityGitConfigTest);

}  // namespace
