// ActivityOperations on every backend: create / get / complete (duration, details, error,
// unknown ids), filters and ordering, a range across midnight UTC with bound timestamps, the
// stale-activity window at its edge, and current activities.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::ActivityCreate;

namespace {

class ActivityOpsTest : public trinity_test::TrinityTest {
 protected:
  /// An activity row written directly, with explicit times.
  std::string insert_activity(const std::string& agent, const std::string& type,
                              const std::string& state, Timestamp at) {
    auto c = dbm().engine().connect();
    const auto& t = s().agent_activities;
    const std::string id = trinity::db::new_id();
    c.execute(insert(t).values({{t.id, id},
                                {t.agent_name, agent},
                                {t.activity_type, type},
                                {t.activity_state, state},
                                {t.started_at, at},
                                {t.triggered_by, "schedule"},
                                {t.created_at, at}}));
    return id;
  }
  static std::vector<std::string> ids(const std::vector<trinity::db::Activity>& v) {
    std::vector<std::string> out;
    for (const auto& a : v) out.push_back(a.id);
    return out;
  }
};

TEST_P(ActivityOpsTest, CreateGetAndComplete) {
  auto& ops = dbm().activities();
  auto user = dbm().users().create_user({.username = "ada"});
  const std::string id = ops.create_activity({.agent_name = "a1",
                                              .activity_type = "chat_start",
                                              .user_id = user.id,
                                              .details = Json{{"message", "hi"}, {"n", 1}}});
  EXPECT_EQ(id.size(), 32u);
  auto a = ops.get_activity(id);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->agent_name, "a1");
  EXPECT_EQ(a->activity_type, "chat_start");
  EXPECT_EQ(a->activity_state, "started");
  EXPECT_EQ(a->triggered_by, "user");
  EXPECT_EQ(a->user_id, user.id);
  ASSERT_TRUE(a->details);
  EXPECT_EQ((*a->details)["message"], "hi");
  EXPECT_FALSE(a->completed_at);
  EXPECT_FALSE(a->duration_ms);
  ASSERT_TRUE(a->created_at);
  EXPECT_EQ(*a->created_at, a->started_at);

  EXPECT_TRUE(ops.complete_activity(id));
  a = ops.get_activity(id);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->activity_state, "completed");
  ASSERT_TRUE(a->completed_at);
  EXPECT_GE(*a->completed_at, a->started_at);
  ASSERT_TRUE(a->duration_ms);
  EXPECT_GE(*a->duration_ms, 0);
  EXPECT_EQ((*a->details)["message"], "hi");  // kept: none given
  EXPECT_FALSE(a->error);

  EXPECT_FALSE(ops.complete_activity("no-such-activity"));
  EXPECT_FALSE(ops.get_activity("no-such-activity"));
}

TEST_P(ActivityOpsTest, CompleteRecordsDurationDetailsAndError) {
  auto& ops = dbm().activities();
  const std::string id = insert_activity("a1", "tool_call", "started", ago(1500ms));
  EXPECT_TRUE(ops.complete_activity(id, "failed", Json{{"tool", "bash"}}, "exit 1"));
  auto a = ops.get_activity(id);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->activity_state, "failed");
  EXPECT_EQ(a->error, "exit 1");
  ASSERT_TRUE(a->details);
  EXPECT_EQ((*a->details)["tool"], "bash");
  ASSERT_TRUE(a->duration_ms);
  EXPECT_GE(*a->duration_ms, 1500);
  EXPECT_LT(*a->duration_ms, 60000);
}

TEST_P(ActivityOpsTest, ReferencesMustExist) {
  auto& ops = dbm().activities();
  EXPECT_TRUE(integrity_error([&] {
    ops.create_activity(
        {.agent_name = "a1", .activity_type = "x", .parent_activity_id = "missing"});
  }));
  const std::string parent =
      ops.create_activity({.agent_name = "a1", .activity_type = "chat_start"});
  const std::string child = ops.create_activity(
      {.agent_name = "a1", .activity_type = "tool_call", .parent_activity_id = parent});
  EXPECT_EQ(ops.get_activity(child)->parent_activity_id, parent);
  EXPECT_EQ(rows("agent_activities"), 2);
}

TEST_P(ActivityOpsTest, AgentActivitiesFilterAndComeNewestFirst) {
  auto& ops = dbm().activities();
  const auto t1 = insert_activity("a1", "chat_start", "completed", ago(3min));
  const auto t2 = insert_activity("a1", "tool_call", "started", ago(2min));
  const auto t3 = insert_activity("a1", "chat_start", "started", ago(1min));
  insert_activity("a2", "chat_start", "started", ago(1min));
  EXPECT_EQ(ids(ops.get_agent_activities("a1")), (std::vector<std::string>{t3, t2, t1}));
  EXPECT_EQ(ids(ops.get_agent_activities("a1", "chat_start")), (std::vector<std::string>{t3, t1}));
  EXPECT_EQ(ids(ops.get_agent_activities("a1", std::nullopt, "started")),
            (std::vector<std::string>{t3, t2}));
  EXPECT_EQ(ids(ops.get_agent_activities("a1", "chat_start", "completed")),
            (std::vector<std::string>{t1}));
  EXPECT_EQ(ids(ops.get_agent_activities("a1", std::nullopt, std::nullopt, 2)),
            (std::vector<std::string>{t3, t2}));
  EXPECT_TRUE(ops.get_agent_activities("a1", std::nullopt, std::nullopt, 0).empty());
  EXPECT_TRUE(ops.get_agent_activities("nobody").empty());
}

TEST_P(ActivityOpsTest, RangeAcrossMidnightUtc) {
  auto& ops = dbm().activities();
  const auto before =
      insert_activity("a1", "chat_start", "completed", Timestamp::from_civil(2025, 12, 31, 23, 57));
  const auto late = insert_activity("a1", "chat_start", "completed",
                                    Timestamp::from_civil(2025, 12, 31, 23, 59, 59, 999999));
  const auto early =
      insert_activity("a2", "tool_call", "completed", Timestamp::from_civil(2026, 1, 1, 0, 1));
  const auto after =
      insert_activity("a1", "chat_start", "completed", Timestamp::from_civil(2026, 1, 1, 0, 3));
  const Timestamp from = Timestamp::from_civil(2025, 12, 31, 23, 58);
  const Timestamp to = Timestamp::from_civil(2026, 1, 1, 0, 2);
  EXPECT_EQ(ids(ops.get_activities_in_range(from, to)), (std::vector<std::string>{early, late}));
  EXPECT_EQ(ids(ops.get_activities_in_range(from)), (std::vector<std::string>{after, early, late}));
  EXPECT_EQ(ids(ops.get_activities_in_range(std::nullopt, to)),
            (std::vector<std::string>{early, late, before}));
  EXPECT_EQ(ids(ops.get_activities_in_range()).size(), 4u);
  // Both ends inclusive, to the microsecond.
  EXPECT_EQ(ids(ops.get_activities_in_range(Timestamp::from_civil(2025, 12, 31, 23, 59, 59, 999999),
                                            Timestamp::from_civil(2026, 1, 1, 0, 1))),
            (std::vector<std::string>{early, late}));
  EXPECT_EQ(ids(ops.get_activities_in_range(from, to, std::vector<std::string>{"tool_call"})),
            (std::vector<std::string>{early}));
  EXPECT_TRUE(ops.get_activities_in_range(from, to, std::vector<std::string>{}).empty());
  EXPECT_EQ(ids(ops.get_activities_in_range(std::nullopt, std::nullopt, std::nullopt, 1)),
            (std::vector<std::string>{after}));
}

TEST_P(ActivityOpsTest, StaleActivitiesFailAfterTheTimeout) {
  auto& ops = dbm().activities();
  const auto stale = insert_activity("a1", "chat_start", "started", ago(31min));
  const auto fresh = insert_activity("a1", "chat_start", "started", ago(29min));
  const auto done = insert_activity("a1", "chat_start", "completed", ago(3h));
  const auto yesterday = insert_activity("a2", "tool_call", "started", ago(24h + 1min));
  EXPECT_EQ(ops.mark_stale_activities_failed(), 2);
  auto a = ops.get_activity(stale);
  EXPECT_EQ(a->activity_state, "failed");
  ASSERT_TRUE(a->completed_at);
  ASSERT_TRUE(a->error);
  EXPECT_NE(a->error->find("30 minutes"), std::string::npos);
  EXPECT_EQ(ops.get_activity(yesterday)->activity_state, "failed");
  EXPECT_EQ(ops.get_activity(fresh)->activity_state, "started");
  EXPECT_EQ(ops.get_activity(done)->activity_state, "completed");
  EXPECT_FALSE(ops.get_activity(done)->error);
  EXPECT_EQ(ops.mark_stale_activities_failed(), 0);
  EXPECT_EQ(ops.mark_stale_activities_failed(28), 1);
  EXPECT_EQ(ops.get_activity(fresh)->activity_state, "failed");
}

TEST_P(ActivityOpsTest, CurrentActivitiesAreTheStartedOnes) {
  auto& ops = dbm().activities();
  const auto a = ops.create_activity({.agent_name = "a1", .activity_type = "chat_start"});
  const auto b = ops.create_activity({.agent_name = "a1", .activity_type = "tool_call"});
  ops.create_activity({.agent_name = "a2", .activity_type = "chat_start"});
  ASSERT_EQ(ops.get_current_activities("a1").size(), 2u);
  EXPECT_TRUE(ops.complete_activity(a));
  EXPECT_EQ(ids(ops.get_current_activities("a1")), (std::vector<std::string>{b}));
  EXPECT_TRUE(ops.get_current_activities("nobody").empty());
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(ActivityOpsTest);
