// SkillsOperations on every backend: assign / look up / unassign, duplicates (nullopt, the first
// row kept, an enclosing transaction usable), unknown and soft-deleted agents, names trimmed and
// bad ones refused with nothing written, set_agent_skills replacing the set atomically (all or
// nothing), deletes, two threads assigning one skill, and rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/skills.hpp"

using namespace sqlcore;
using trinity::db::NotFoundError;
using Names = std::vector<std::string>;

namespace {

class TrinitySkillsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = dbm().users().create_user({.username = "ada"}).id;
    for (const char* name : {"alpha", "beta", "gamma"}) add_agent(name, ada_);
  }
  trinity::db::SkillsOperations& ops() { return dbm().skills(); }
  std::int64_t ada_ = 0;
};

TEST_P(TrinitySkillsTest, AssignLookUpAndUnassign) {
  EXPECT_TRUE(ops().get_agent_skills("alpha").empty());
  EXPECT_TRUE(ops().get_agent_skill_names("alpha").empty());
  EXPECT_TRUE(ops().get_agent_skills("ghost").empty());
  EXPECT_FALSE(ops().is_skill_assigned("alpha", "python"));

  const Timestamp before = Timestamp::now();
  const auto python = ops().assign_skill("alpha", "python", "ada");
  ASSERT_TRUE(python);
  EXPECT_GT(python->id, 0);
  EXPECT_EQ(python->agent_name, "alpha");
  EXPECT_EQ(python->skill_name, "python");
  EXPECT_EQ(python->assigned_by, "ada");
  EXPECT_GE(python->assigned_at.micros(), before.micros() - 1'000'000);
  EXPECT_FALSE(python->source_id);
  EXPECT_FALSE(python->assigned_by_agent);
  EXPECT_TRUE(python->individual);
  ASSERT_TRUE(ops().assign_skill("alpha", "  git-review ", "ada"));  // trimmed
  ASSERT_TRUE(ops().assign_skill("beta", "python", "ada"));

  EXPECT_EQ(ops().get_agent_skill_names("alpha"), (Names{"git-review", "python"}));
  const auto skills = ops().get_agent_skills("alpha");
  ASSERT_EQ(skills.size(), 2u);
  EXPECT_EQ(skills[0].skill_name, "git-review");
  EXPECT_EQ(skills[1].id, python->id);
  EXPECT_EQ(skills[1].assigned_at, python->assigned_at);
  EXPECT_TRUE(ops().is_skill_assigned("alpha", "git-review "));
  EXPECT_FALSE(ops().is_skill_assigned("gamma", "python"));
  EXPECT_EQ(ops().get_agents_with_skill("python"), (Names{"alpha", "beta"}));
  EXPECT_TRUE(ops().get_agents_with_skill("rust").empty());

  EXPECT_TRUE(ops().unassign_skill("alpha", "python"));
  EXPECT_FALSE(ops().unassign_skill("alpha", "python"));
  EXPECT_FALSE(ops().unassign_skill("ghost", "python"));
  EXPECT_FALSE(ops().is_skill_assigned("alpha", "python"));
  EXPECT_EQ(ops().get_agents_with_skill("python"), Names{"beta"});
}

TEST_P(TrinitySkillsTest, DuplicatesAndUnknownAgentsAreRefused) {
  ASSERT_TRUE(ops().assign_skill("alpha", "python", "ada"));
  EXPECT_FALSE(ops().assign_skill("alpha", "python", "bob"));  // kept: the first assignment
  EXPECT_FALSE(ops().assign_skill("alpha", " python", "bob"));
  EXPECT_EQ(ops().get_agent_skills("alpha").at(0).assigned_by, "ada");
  EXPECT_FALSE(ops().assign_skill("ghost", "python", "ada"));
  soft_delete_agent("gamma");
  EXPECT_FALSE(ops().assign_skill("gamma", "python", "ada"));
  EXPECT_EQ(rows("agent_skills"), 1);

  // A duplicate inside a transaction leaves it usable (no failed statement).
  dbm().transaction([&] {
    EXPECT_FALSE(ops().assign_skill("alpha", "python", "ada"));
    EXPECT_TRUE(ops().assign_skill("beta", "python", "ada"));
  });
  EXPECT_EQ(rows("agent_skills"), 2);
}

TEST_P(TrinitySkillsTest, BadSkillNamesAreRefusedBeforeAnyWrite) {
  ASSERT_TRUE(ops().assign_skill("alpha", "python", "ada"));
  for (const std::string& bad : Names{"", "   ", "a\nb", std::string(256, 'x')}) {
    EXPECT_THROW(ops().assign_skill("alpha", bad, "ada"), std::invalid_argument) << bad;
    EXPECT_THROW(ops().unassign_skill("alpha", bad), std::invalid_argument) << bad;
    EXPECT_THROW(ops().is_skill_assigned("alpha", bad), std::invalid_argument) << bad;
    EXPECT_THROW(ops().get_agents_with_skill(bad), std::invalid_argument) << bad;
    EXPECT_THROW(ops().set_agent_skills("alpha", {"rust", bad}, "ada"), std::invalid_argument)
        << bad;
  }
  EXPECT_EQ(ops().get_agent_skill_names("alpha"), Names{"python"});
  EXPECT_EQ(rows("agent_skills"), 1);
}

TEST_P(TrinitySkillsTest, SetAgentSkillsReplacesTheSetAtomically) {
  const auto kept = ops().assign_skill("alpha", "python", "ada");
  ASSERT_TRUE(kept);
  ops().assign_skill("alpha", "go", "ada");
  ops().assign_skill("beta", "go", "ada");  // another agent: untouched

  EXPECT_EQ(ops().set_agent_skills("alpha", {"python", "rust", " rust"}, "bob"), 2);
  EXPECT_EQ(ops().get_agent_skill_names("alpha"), (Names{"python", "rust"}));
  const auto skills = ops().get_agent_skills("alpha");
  ASSERT_EQ(skills.size(), 2u);
  EXPECT_EQ(skills[0].id, kept->id);  // the kept skill kept its row
  EXPECT_EQ(skills[0].assigned_by, "ada");
  EXPECT_EQ(skills[1].assigned_by, "bob");
  EXPECT_EQ(ops().get_agent_skill_names("beta"), Names{"go"});

  // All or nothing: an unknown or soft-deleted agent, or a bad name, changes nothing.
  try {
    ops().set_agent_skills("ghost", {"python"}, "ada");
    FAIL() << "no NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("ghost"), std::string::npos) << e.what();
  }
  soft_delete_agent("gamma");
  EXPECT_THROW(ops().set_agent_skills("gamma", {"python"}, "ada"), NotFoundError);
  EXPECT_THROW(ops().set_agent_skills("alpha", {"go", ""}, "ada"), std::invalid_argument);
  EXPECT_EQ(ops().get_agent_skill_names("alpha"), (Names{"python", "rust"}));
  EXPECT_EQ(rows("agent_skills"), 3);

  // The empty set clears.
  EXPECT_EQ(ops().set_agent_skills("alpha", {}, "ada"), 0);
  EXPECT_TRUE(ops().get_agent_skills("alpha").empty());
  EXPECT_EQ(rows("agent_skills"), 1);
}

TEST_P(TrinitySkillsTest, DeleteAgentSkillsCountsTheRows) {
  ops().set_agent_skills("alpha", {"go", "python", "rust"}, "ada");
  ops().set_agent_skills("beta", {"go"}, "ada");
  EXPECT_EQ(ops().delete_agent_skills("alpha"), 3);
  EXPECT_EQ(ops().delete_agent_skills("alpha"), 0);
  EXPECT_EQ(ops().delete_agent_skills("ghost"), 0);
  EXPECT_TRUE(ops().get_agent_skills("alpha").empty());
  EXPECT_EQ(ops().get_agents_with_skill("go"), Names{"beta"});
  // The rows of an agent that is gone can still be removed.
  soft_delete_agent("beta");
  EXPECT_EQ(ops().get_agent_skill_names("beta"), Names{"go"});
  EXPECT_EQ(ops().delete_agent_skills("beta"), 1);
  EXPECT_EQ(rows("agent_skills"), 0);
}

TEST_P(TrinitySkillsTest, ConcurrentAssignmentsOfOneSkillMakeOneRow) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  std::atomic<int> created{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      try {
        if (dbm().skills().assign_skill("alpha", "python", "ada")) ++created;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(rows("agent_skills"), 1);
}

TEST_P(TrinitySkillsTest, SkillsRollBackWithTheFacadeTransaction) {
  ops().set_agent_skills("alpha", {"python"}, "ada");
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_EQ(ops().set_agent_skills("alpha", {"go", "rust"}, "ada"), 2);
    EXPECT_TRUE(ops().assign_skill("beta", "python", "ada"));
    EXPECT_TRUE(ops().unassign_skill("alpha", "go"));
    EXPECT_EQ(ops().delete_agent_skills("alpha"), 1);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ops().get_agent_skill_names("alpha"), Names{"python"});
  EXPECT_FALSE(ops().is_skill_assigned("beta", "python"));
  EXPECT_EQ(rows("agent_skills"), 1);
}

SQLCORE_BACKEND_TEST_SUITE(TrinitySkillsTest);

}  // namespace
