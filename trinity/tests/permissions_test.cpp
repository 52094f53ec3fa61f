// PermissionOperations on every backend: add/remove/lookups, duplicates (nullopt, and an
// enclosing transaction survives), self-permission, unknown agents, set_permissions replacing the
// set atomically (all or nothing), delete in both directions, default permissions among one
// owner's agents, and rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/permissions.hpp"

using namespace sqlcore;
using trinity::db::AgentPermission;
using trinity::db::NotFoundError;
using Names = std::vector<std::string>;

namespace {

class TrinityPermissionsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = dbm().users().create_user({.username = "ada"}).id;
    bob_ = dbm().users().create_user({.username = "bob"}).id;
    for (const char* name : {"alpha", "beta", "gamma", "delta"}) add_agent(name, ada_);
  }
  trinity::db::PermissionOperations& ops() { return dbm().permissions(); }
  std::int64_t ada_ = 0, bob_ = 0;
};

TEST_P(TrinityPermissionsTest, AddLookUpAndRemove) {
  EXPECT_TRUE(ops().get_permitted_agents("alpha").empty());
  EXPECT_FALSE(ops().is_permitted("alpha", "beta"));

  const Timestamp before = Timestamp::now();
  const auto p = ops().add_permission("alpha", "beta", "ada");
  ASSERT_TRUE(p);
  EXPECT_GT(p->id, 0);
  EXPECT_EQ(p->source_agent, "alpha");
  EXPECT_EQ(p->target_agent, "beta");
  EXPECT_EQ(p->created_by, "ada");
  ASSERT_TRUE(p->created_at);
  EXPECT_GE(p->created_at->micros(), before.micros() - 1'000'000);
  ASSERT_TRUE(ops().add_permission("alpha", "gamma", "ada"));

  EXPECT_TRUE(ops().is_permitted("alpha", "beta"));
  EXPECT_FALSE(ops().is_permitted("beta", "alpha"));  // directed
  EXPECT_EQ(ops().get_permitted_agents("alpha"), (Names{"beta", "gamma"}));
  const auto details = ops().get_permission_details("alpha");
  ASSERT_EQ(details.size(), 2u);
  EXPECT_EQ(details[0].id, p->id);
  EXPECT_EQ(details[0].target_agent, "beta");
  EXPECT_EQ(details[0].created_at, p->created_at);
  EXPECT_EQ(details[1].target_agent, "gamma");
  EXPECT_TRUE(ops().get_permission_details("beta").empty());

  EXPECT_TRUE(ops().remove_permission("alpha", "beta"));
  EXPECT_FALSE(ops().remove_permission("alpha", "beta"));
  EXPECT_FALSE(ops().is_permitted("alpha", "beta"));
  EXPECT_EQ(ops().get_permitted_agents("alpha"), Names{"gamma"});
}

TEST_P(TrinityPermissionsTest, DuplicateSelfAndUnknownAreRefused) {
  const auto first = ops().add_permission("alpha", "beta", "ada");
  ASSERT_TRUE(first);
  EXPECT_FALSE(ops().add_permission("alpha", "beta", "bob"));  // duplicate: existing row kept
  EXPECT_EQ(ops().get_permission_details("alpha").at(0).created_by, "ada");
  EXPECT_FALSE(ops().add_permission("alpha", "alpha", "ada"));  // self
  EXPECT_FALSE(ops().is_permitted("alpha", "alpha"));
  EXPECT_FALSE(ops().add_permission("alpha", "ghost", "ada"));  // unknown target
  EXPECT_FALSE(ops().add_permission("ghost", "alpha", "ada"));  // unknown source
  EXPECT_EQ(rows("agent_permissions"), 1);

  // A soft-deleted agent is not registered.
  {
    auto c = dbm().engine().connect();
    const auto& a = s().agent_ownership;
    c.execute(update(a).set({{a.deleted_at, Timestamp::now()}}).where(a.agent_name == "delta"));
  }
  EXPECT_FALSE(ops().add_permission("alpha", "delta", "ada"));

  // A duplicate inside a transaction leaves it usable (the savepoint).
  dbm().transaction([&] {
    EXPECT_FALSE(ops().add_permission("alpha", "beta", "ada"));
    EXPECT_TRUE(ops().add_permission("beta", "alpha", "ada"));
  });
  EXPECT_TRUE(ops().is_permitted("beta", "alpha"));
  EXPECT_EQ(rows("agent_permissions"), 2);
}

TEST_P(TrinityPermissionsTest, SetPermissionsReplacesTheSetAtomically) {
  const auto kept = ops().add_permission("alpha", "beta", "ada");
  ASSERT_TRUE(kept);
  ops().add_permission("alpha", "gamma", "ada");
  ops().add_permission("beta", "alpha", "ada");  // another source: untouched

  EXPECT_EQ(ops().set_permissions("alpha", {"beta", "delta", "delta"}, "bob"), 2);
  EXPECT_EQ(ops().get_permitted_agents("alpha"), (Names{"beta", "delta"}));
  const auto details = ops().get_permission_details("alpha");
  ASSERT_EQ(details.size(), 2u);
  EXPECT_EQ(details[0].id, kept->id);  // the kept pair kept its row
  EXPECT_EQ(details[0].created_by, "ada");
  EXPECT_EQ(details[1].created_by, "bob");
  EXPECT_TRUE(ops().is_permitted("beta", "alpha"));

  // All or nothing: an unknown target or the source itself changes nothing.
  try {
    ops().set_permissions("alpha", {"gamma", "ghost"}, "ada");
    FAIL() << "no NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("ghost"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ops().set_permissions("alpha", {"gamma", "alpha"}, "ada"), std::invalid_argument);
  EXPECT_THROW(ops().set_permissions("ghost", {"alpha"}, "ada"), NotFoundError);
  EXPECT_EQ(ops().get_permitted_agents("alpha"), (Names{"beta", "delta"}));

  // The empty set clears.
  EXPECT_EQ(ops().set_permissions("alpha", {}, "ada"), 0);
  EXPECT_TRUE(ops().get_permitted_agents("alpha").empty());
  EXPECT_EQ(rows("agent_permissions"), 1);
}

TEST_P(TrinityPermissionsTest, DeleteAgentPermissionsBothDirections) {
  ops().set_permissions("alpha", {"beta", "gamma"}, "ada");
  ops().set_permissions("beta", {"alpha", "gamma"}, "ada");
  ops().set_permissions("gamma", {"beta"}, "ada");
  EXPECT_EQ(ops().delete_agent_permissions("alpha"), 3);  // 2 from, 1 to
  EXPECT_TRUE(ops().get_permitted_agents("alpha").empty());
  EXPECT_EQ(ops().get_permitted_agents("beta"), Names{"gamma"});
  EXPECT_EQ(ops().get_permitted_agents("gamma"), Names{"beta"});
  EXPECT_EQ(ops().delete_agent_permissions("alpha"), 0);
  EXPECT_EQ(ops().delete_agent_permissions("ghost"), 0);
}

TEST_P(TrinityPermissionsTest, GrantDefaultPermissionsAmongTheOwnersAgents) {
  add_agent("bobs-agent", bob_);
  ops().add_permission("alpha", "beta", "ada");  // already there: kept, not counted
  // alpha <-> beta, gamma, delta: 6 pairs, one of which exists.
  EXPECT_EQ(ops().grant_default_permissions("alpha", "ada"), 5);
  EXPECT_EQ(ops().get_permitted_agents("alpha"), (Names{"beta", "delta", "gamma"}));
  for (const char* other : {"beta", "gamma", "delta"}) {
    EXPECT_TRUE(ops().is_permitted(other, "alpha")) << other;
    EXPECT_FALSE(ops().is_permitted("bobs-agent", other));
  }
  EXPECT_FALSE(ops().is_permitted("alpha", "bobs-agent"));
  EXPECT_EQ(ops().grant_default_permissions("alpha", "ada"), 0);  // idempotent
  // Bob's only agent has no siblings; unknown owner or agent: nothing.
  EXPECT_EQ(ops().grant_default_permissions("bobs-agent", "bob"), 0);
  EXPECT_EQ(ops().grant_default_permissions("alpha", "nobody"), 0);
  EXPECT_EQ(ops().grant_default_permissions("ghost", "ada"), 0);
  EXPECT_EQ(rows("agent_permissions"), 6);
  // Inside a caller's transaction, rolled back with it.
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_EQ(ops().grant_default_permissions("beta", "ada"), 4);  // beta <-> gamma, delta
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("agent_permissions"), 6);
}

TEST_P(TrinityPermissionsTest, PermissionsRollBackWithTheFacadeTransaction) {
  ops().set_permissions("alpha", {"beta"}, "ada");
  EXPECT_THROW(dbm().transaction([&] {
    ops().set_permissions("alpha", {"gamma", "delta"}, "ada");
    ops().add_permission("beta", "alpha", "ada");
    ops().delete_agent_permissions("alpha");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ops().get_permitted_agents("alpha"), Names{"beta"});
  EXPECT_FALSE(ops().is_permitted("beta", "alpha"));
}

SQLCORE_BACKEND_TEST_SUITE(TrinityPermissionsTest);

}  // namespace
