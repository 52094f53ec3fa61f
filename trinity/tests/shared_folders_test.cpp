// SharedFolderOperations on every backend: the upsert changing only the flags given (defaults
// for a new row), unknown and soft-deleted agents, delete, the lists of exposing, available
// and consuming agents through agent_permissions, volume names and mount paths (names that would
// escape refused), two threads upserting one configuration, and rollback in the facade's
// transaction.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/shared_folders.hpp"

using namespace sqlcore;
using trinity::db::NotFoundError;
using trinity::db::SharedFolderOperations;
using Names = std::vector<std::string>;

namespace {

class TrinitySharedFoldersTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = dbm().users().create_user({.username = "ada"}).id;
    for (const char* name : {"alpha", "beta", "gamma", "delta"}) add_agent(name, ada_);
  }
  SharedFolderOperations& ops() { return dbm().shared_folders(); }
  std::int64_t ada_ = 0;
};

TEST_P(TrinitySharedFoldersTest, UpsertChangesOnlyTheFlagsGiven) {
  EXPECT_FALSE(ops().get_shared_folder_config("alpha"));

  const Timestamp before = Timestamp::now();
  const auto made = ops().upsert_shared_folder_config("alpha", true);
  EXPECT_EQ(made.agent_name, "alpha");
  EXPECT_TRUE(made.expose_enabled);
  EXPECT_FALSE(made.consume_enabled);  // not given: false for a new row
  EXPECT_GE(made.created_at.micros(), before.micros() - 1'000'000);
  EXPECT_EQ(made.updated_at, made.created_at);

  const auto consumed = ops().upsert_shared_folder_config("alpha", std::nullopt, true);
  EXPECT_TRUE(consumed.expose_enabled);  // kept
  EXPECT_TRUE(consumed.consume_enabled);
  EXPECT_EQ(consumed.created_at, made.created_at);
  EXPECT_GE(consumed.updated_at, made.updated_at);

  const auto off = ops().upsert_shared_folder_config("alpha", false, std::nullopt);
  EXPECT_FALSE(off.expose_enabled);
  EXPECT_TRUE(off.consume_enabled);
  const auto same = ops().upsert_shared_folder_config("alpha");  // nothing given: flags kept
  EXPECT_FALSE(same.expose_enabled);
  EXPECT_TRUE(same.consume_enabled);

  const auto stored = ops().get_shared_folder_config("alpha");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->expose_enabled, same.expose_enabled);
  EXPECT_EQ(stored->consume_enabled, same.consume_enabled);
  EXPECT_EQ(stored->created_at, made.created_at);
  EXPECT_EQ(stored->updated_at, same.updated_at);

  const auto both_off = ops().upsert_shared_folder_config("beta");
  EXPECT_FALSE(both_off.expose_enabled);
  EXPECT_FALSE(both_off.consume_enabled);
  EXPECT_EQ(rows("agent_shared_folder_config"), 2);
}

TEST_P(TrinitySharedFoldersTest, UnknownAgentsAreRefusedAndDeleteRemoves) {
  try {
    ops().upsert_shared_folder_config("ghost", true, true);
    FAIL() << "no NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("ghost"), std::string::npos) << e.what();
  }
  soft_delete_agent("delta");
  EXPECT_THROW(ops().upsert_shared_folder_config("delta", true), NotFoundError);
  EXPECT_EQ(rows("agent_shared_folder_config"), 0);

  ops().upsert_shared_folder_config("alpha", true, true);
  EXPECT_FALSE(ops().get_shared_folder_config("ghost"));
  EXPECT_TRUE(ops().delete_shared_folder_config("alpha"));
  EXPECT_FALSE(ops().delete_shared_folder_config("alpha"));
  EXPECT_FALSE(ops().delete_shared_folder_config("ghost"));
  EXPECT_FALSE(ops().get_shared_folder_config("alpha"));
  EXPECT_EQ(rows("agent_shared_folder_config"), 0);
}

TEST_P(TrinitySharedFoldersTest, ListsFollowTheFlagsAndThePermissions) {
  auto& perms = dbm().permissions();
  ops().upsert_shared_folder_config("alpha", true, false);  // exposes
  ops().upsert_shared_folder_config("beta", true, true);    // exposes and consumes
  ops().upsert_shared_folder_config("gamma", false, true);  // consumes
  ops().upsert_shared_folder_config("delta", true, true);
  EXPECT_EQ(ops().get_agents_exposing_folders(), (Names{"alpha", "beta", "delta"}));

  // Without permissions nobody sees anything.
  EXPECT_TRUE(ops().get_available_shared_folders("gamma").empty());
  EXPECT_TRUE(ops().get_consuming_agents("alpha").empty());

  perms.add_permission("gamma", "alpha", "ada");  // gamma may call alpha
  perms.add_permission("gamma", "beta", "ada");
  perms.add_permission("beta", "alpha", "ada");
  perms.add_permission("alpha", "gamma", "ada");  // gamma does not expose
  perms.add_permission("alpha", "beta", "ada");   // alpha does not consume
  EXPECT_EQ(ops().get_available_shared_folders("gamma"), (Names{"alpha", "beta"}));
  EXPECT_EQ(ops().get_available_shared_folders("beta"), Names{"alpha"});
  EXPECT_EQ(ops().get_available_shared_folders("alpha"), Names{"beta"});
  EXPECT_TRUE(ops().get_available_shared_folders("ghost").empty());
  EXPECT_EQ(ops().get_consuming_agents("alpha"), (Names{"beta", "gamma"}));
  EXPECT_EQ(ops().get_consuming_agents("beta"), Names{"gamma"});  // alpha does not consume
  EXPECT_TRUE(ops().get_consuming_agents("gamma").empty());
  EXPECT_TRUE(ops().get_consuming_agents("ghost").empty());

  // Switching a flag off, and a soft-deleted agent, drop out of every list.
  ops().upsert_shared_folder_config("beta", std::nullopt, false);
  EXPECT_EQ(ops().get_consuming_agents("alpha"), Names{"gamma"});
  EXPECT_EQ(ops().get_available_shared_folders("gamma"), (Names{"alpha", "beta"}));
  soft_delete_agent("alpha");
  EXPECT_EQ(ops().get_agents_exposing_folders(), (Names{"beta", "delta"}));
  EXPECT_EQ(ops().get_available_shared_folders("gamma"), Names{"beta"});
  soft_delete_agent("gamma");
  EXPECT_TRUE(ops().get_consuming_agents("beta").empty());
}

TEST_P(TrinitySharedFoldersTest, VolumeNamesAndMountPaths) {
  EXPECT_EQ(ops().get_shared_volume_name("alpha"), "agent-alpha-shared");
  EXPECT_EQ(SharedFolderOperations::get_shared_volume_name("my.agent_2"),
            "agent-my.agent_2-shared");
  EXPECT_EQ(ops().get_shared_mount_path("alpha"), "/home/developer/shared-in/alpha");
  EXPECT_EQ(ops().get_shared_mount_path("a..b"), "/home/developer/shared-in/a..b");
  for (const std::string& bad : Names{"", " ", "..", ".", "a/b", "../etc", "a\\b", " alpha",
                                      "alpha\n", std::string("a\0b", 3), std::string(256, 'x')}) {
    EXPECT_THROW((void)ops().get_shared_volume_name(bad), std::invalid_argument) << bad;
    EXPECT_THROW((void)ops().get_shared_mount_path(bad), std::invalid_argument) << bad;
  }
}

TEST_P(TrinitySharedFoldersTest, ConcurrentUpsertsOfOneAgentMakeOneRow) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        // Half set expose, half set consume: both end up true, whatever the order.
        if (i % 2 == 0)
          dbm().shared_folders().upsert_shared_folder_config("alpha", true, std::nullopt);
        else
          dbm().shared_folders().upsert_shared_folder_config("alpha", std::nullopt, true);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("agent_shared_folder_config"), 1);
  const auto stored = ops().get_shared_folder_config("alpha");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->expose_enabled);
  EXPECT_TRUE(stored->consume_enabled);
}

TEST_P(TrinitySharedFoldersTest, SharedFoldersRollBackWithTheFacadeTransaction) {
  ops().upsert_shared_folder_config("alpha", true, false);
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_TRUE(ops().upsert_shared_folder_config("alpha", false, true).consume_enabled);
    ops().upsert_shared_folder_config("beta", true, true);
    EXPECT_EQ(ops().get_agents_exposing_folders(), Names{"beta"});  // sees its own work
    EXPECT_TRUE(ops().delete_shared_folder_config("alpha"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  const auto alpha = ops().get_shared_folder_config("alpha");
  ASSERT_TRUE(alpha);
  EXPECT_TRUE(alpha->expose_enabled);
  EXPECT_FALSE(alpha->consume_enabled);
  EXPECT_FALSE(ops().get_shared_folder_config("beta"));
  EXPECT_EQ(rows("agent_shared_folder_config"), 1);
}

SQLCORE_BACKEND_TEST_SUITE(TrinitySharedFoldersTest);

}  // namespace
