// ScheduleOperations' schedules on every backend: creating (registered agents, known users with
// access), reading and listing in their documented order, updates by whom the rules allow,
// soft deletes (executions keep their schedule; every read ignores the deleted), enabling, run
// times, per-agent counts in one statement, bad input refused with nothing written, soft-deleted
// agents, concurrent callers, and rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/schedules.hpp"

using namespace sqlcore;
using trinity::db::Schedule;
using trinity::db::ScheduleCounts;
using trinity::db::ScheduleCreate;
using trinity::db::ScheduleOperations;
using trinity::db::ScheduleUpdate;
using Names = std::vector<std::string>;

namespace {

class TrinitySchedulesTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
    carol_ = dbm().users().create_user({.username = "carol", .role = "admin"}).id;
    dave_ = dbm().users().create_user({.username = "dave", .email = "dave@example.com"}).id;
    add_agent("coder", ada_);
    add_agent("writer", bob_);
    ASSERT_TRUE(dbm().agents().share_agent("coder", "ada", "Dave@Example.com"));
  }

  ScheduleOperations& ops() { return dbm().schedules(); }

  /// A schedule of `agent` created by `user`, firing at 09:00 every day.
  Schedule make(const std::string& agent, const std::string& user, const std::string& name,
                bool enabled = true) {
    auto made = ops().create_schedule(agent, user,
                                      {.name = name,
                                       .cron_expression = "0 9 * * *",
                                       .message = "run " + name,
                                       .enabled = enabled});
    if (!made) throw std::runtime_error("no schedule made for " + agent);
    return *made;
  }

  /// The schedule's deleted_at, read directly.
  std::optional<Timestamp> deleted_at(const std::string& id) {
    auto c = dbm().engine().connect();
    const auto& t = s().agent_schedules;
    return c.execute(select(t.deleted_at).where(t.id == id)).scalar<std::optional<Timestamp>>();
  }

  /// An execution of `schedule`, written directly (the executions are another suite's).
  void add_execution(const std::string& id, const Schedule& schedule) {
    auto c = dbm().engine().connect();
    const auto& e = s().schedule_executions;
    c.execute(insert(e).values({{e.id, id},
                                {e.schedule_id, schedule.id},
                                {e.agent_name, schedule.agent_name},
                                {e.status, "success"},
                                {e.message, "run"},
                                {e.triggered_by, "schedule"}}));
  }

  static Names names(const std::vector<Schedule>& list) {
    Names out;
    for (const auto& sch : list) out.push_back(sch.agent_name + "/" + sch.name);
    return out;
  }

  std::int64_t ada_ = 0, bob_ = 0, carol_ = 0, dave_ = 0;
};

TEST_P(TrinitySchedulesTest, CreateAndGet) {
  const Timestamp before = Timestamp::now();
  const auto made = ops().create_schedule("coder", "ada",
                                          {.name = "  nightly ",
                                           .cron_expression = " 30  2 * *   MON-FRI ",
                                           .message = "run the tests",
                                           .enabled = false,
                                           .timezone = "Europe/Berlin",
                                           .description = "every night",
                                           .timeout_seconds = 600,
                                           .allowed_tools = Names{"Bash", " Read "},
                                           .model = "opus",
                                           .max_retries = 2,
                                           .retry_delay_seconds = 30,
                                           .validation_enabled = true,
                                           .validation_prompt = "did it pass?",
                                           .validation_timeout_seconds = 90,
                                           .deliver_to_workspace_email = " Ada@Example.com"});
  ASSERT_TRUE(made);
  EXPECT_EQ(made->id.size(), 32u);
  EXPECT_EQ(made->agent_name, "coder");
  EXPECT_EQ(made->name, "nightly");
  EXPECT_EQ(made->cron_expression, "30 2 * * MON-FRI");
  EXPECT_EQ(made->message, "run the tests");
  EXPECT_FALSE(made->enabled);
  EXPECT_EQ(made->timezone, "Europe/Berlin");
  EXPECT_EQ(made->description, "every night");
  EXPECT_EQ(made->owner_id, ada_);
  EXPECT_GE(made->created_at.micros(), before.micros() - 1'000'000);
  EXPECT_EQ(made->created_at, made->updated_at);
  EXPECT_FALSE(made->last_run_at);
  EXPECT_FALSE(made->next_run_at);
  EXPECT_EQ(made->timeout_seconds, 600);
  EXPECT_EQ(made->allowed_tools, (Names{"Bash", "Read"}));
  EXPECT_EQ(made->model, "opus");
  EXPECT_EQ(made->max_retries, 2);
  EXPECT_EQ(made->retry_delay_seconds, 30);
  EXPECT_TRUE(made->validation_enabled);
  EXPECT_EQ(made->validation_prompt, "did it pass?");
  EXPECT_EQ(made->validation_timeout_seconds, 90);
  EXPECT_FALSE(made->webhook_token);
  EXPECT_FALSE(made->webhook_enabled);
  EXPECT_FALSE(made->webhook_auth_enabled);
  EXPECT_EQ(made->deliver_to_workspace_email, "ada@example.com");
  EXPECT_EQ(ops().get_schedule(made->id), made);

  // The defaults are the columns'.
  const auto plain = ops().create_schedule(
      "coder", "ada", {.name = "hourly", .cron_expression = "0 * * * *", .message = "go"});
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->enabled);
  EXPECT_EQ(plain->timezone, "UTC");
  EXPECT_FALSE(plain->description);
  EXPECT_FALSE(plain->timeout_seconds);
  EXPECT_FALSE(plain->allowed_tools);
  EXPECT_EQ(plain->max_retries, 0);
  EXPECT_EQ(plain->retry_delay_seconds, 60);
  EXPECT_FALSE(plain->validation_enabled);
  EXPECT_EQ(plain->validation_timeout_seconds, 120);
  EXPECT_EQ(ops().get_schedule(plain->id), plain);
  EXPECT_NE(plain->id, made->id);

  const auto no_tools = ops().create_schedule(
      "coder", "ada",
      {.name = "none", .cron_expression = "0 * * * *", .message = "go", .allowed_tools = Names{}});
  ASSERT_TRUE(no_tools);
  EXPECT_EQ(no_tools->allowed_tools, Names{});  // no tool at all, not "no restriction"
  EXPECT_EQ(ops().get_schedule(no_tools->id)->allowed_tools, Names{});

  EXPECT_FALSE(ops().get_schedule("no-such-id"));
  EXPECT_EQ(rows("agent_schedules"), 3);
}

TEST_P(TrinitySchedulesTest, CreateNeedsARegisteredAgentAndAUserWithAccess) {
  const ScheduleCreate data{.name = "n", .cron_expression = "* * * * *", .message = "m"};
  EXPECT_FALSE(ops().create_schedule("ghost", "ada", data));
  EXPECT_FALSE(ops().create_schedule("coder", "nobody", data));
  EXPECT_FALSE(ops().create_schedule("coder", "bob", data));  // no access to ada's agent
  add_agent("gone", ada_);
  soft_delete_agent("gone");
  EXPECT_FALSE(ops().create_schedule("gone", "ada", data));
  EXPECT_EQ(rows("agent_schedules"), 0);

  const auto by_dave = ops().create_schedule("coder", "dave", data);  // shared with dave
  ASSERT_TRUE(by_dave);
  EXPECT_EQ(by_dave->owner_id, dave_);
  const auto by_carol = ops().create_schedule("writer", "carol", data);  // an admin
  ASSERT_TRUE(by_carol);
  EXPECT_EQ(by_carol->owner_id, carol_);
  EXPECT_TRUE(ops().create_schedule("writer", "bob", data));
  EXPECT_EQ(rows("agent_schedules"), 3);
}

TEST_P(TrinitySchedulesTest, BadInputIsRefusedBeforeAnyStatement) {
  const ScheduleCreate good{.name = "n", .cron_expression = "*/5 * * * *", .message = "m"};
  const auto with = [&](auto change) {
    ScheduleCreate d = good;
    change(d);
    return d;
  };
  const std::vector<std::pair<ScheduleCreate, std::string>> cases = {
      {with([](auto& d) { d.cron_expression = "*/5 * * *"; }), "cron_expression: "},
      {with([](auto& d) { d.cron_expression = "61 * * * *"; }), "cron_expression: "},
      {with([](auto& d) { d.cron_expression = ""; }), "cron_expression: "},
      {with([](auto& d) { d.cron_expression = "0 0 30 2 *"; }), "cron_expression: "},
      {with([](auto& d) { d.timezone = "Mars/Olympus"; }), "timezone: "},
      {with([](auto& d) { d.timezone = "../../etc/passwd"; }), "timezone: "},
      {with([](auto& d) { d.timezone = ""; }), "timezone: "},
      {with([](auto& d) { d.name = "  "; }), "name: "},
      {with([](auto& d) { d.message = " \n "; }), "message: "},
      {with([](auto& d) { d.timeout_seconds = 0; }), "timeout_seconds: "},
      {with([](auto& d) { d.timeout_seconds = -5; }), "timeout_seconds: "},
      {with([](auto& d) { d.timeout_seconds = std::int64_t{1} << 31; }), "timeout_seconds: "},
      {with([](auto& d) { d.max_retries = -1; }), "max_retries: "},
      {with([](auto& d) { d.retry_delay_seconds = -60; }), "retry_delay_seconds: "},
      {with([](auto& d) { d.validation_timeout_seconds = 0; }), "validation_timeout_seconds: "},
      {with([](auto& d) {
         d.allowed_tools = Names{"Bash", ""};
       }),
       "allowed_tools: "},
      {with([](auto& d) { d.deliver_to_workspace_email = "not-an-email"; }),
       "deliver_to_workspace_email: "},
  };
  for (const auto& [data, field] : cases) {
    for (const char* agent : {"coder", "ghost"}) {
      try {
        (void)ops().create_schedule(agent, "ada", data);
        ADD_FAILURE() << "accepted: " << field;
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_EQ(rows("agent_schedules"), 0);
  EXPECT_TRUE(ops().create_schedule("coder", "ada", good));
}

TEST_P(TrinitySchedulesTest, ListsAreOrderedByAgentNameAndId) {
  make("writer", "bob", "b-report");
  make("coder", "ada", "nightly");
  make("coder", "dave", "alpha", false);
  make("writer", "bob", "a-digest", false);
  const auto twin1 = make("coder", "ada", "twin");
  const auto twin2 = make("coder", "ada", "twin");
  const std::string first_twin = std::min(twin1.id, twin2.id);

  EXPECT_EQ(names(ops().list_agent_schedules("coder")),
            (Names{"coder/alpha", "coder/nightly", "coder/twin", "coder/twin"}));
  EXPECT_EQ(ops().list_agent_schedules("coder")[2].id, first_twin);
  EXPECT_EQ(names(ops().list_agent_schedules("writer")),
            (Names{"writer/a-digest", "writer/b-report"}));
  EXPECT_TRUE(ops().list_agent_schedules("ghost").empty());
  EXPECT_EQ(names(ops().list_all_schedules()),
            (Names{"coder/alpha", "coder/nightly", "coder/twin", "coder/twin", "writer/a-digest",
                   "writer/b-report"}));
  EXPECT_EQ(names(ops().list_all_enabled_schedules()),
            (Names{"coder/nightly", "coder/twin", "coder/twin", "writer/b-report"}));
  EXPECT_EQ(names(ops().list_all_disabled_schedules()), (Names{"coder/alpha", "writer/a-digest"}));
  EXPECT_EQ(ops().list_all_schedules().front(), ops().list_agent_schedules("coder").front());
}

TEST_P(TrinitySchedulesTest, UpdateChangesOnlyTheFieldsGiven) {
  const auto sch = make("coder", "ada", "nightly");
  const auto changed = ops().update_schedule(sch.id, "ada",
                                             {.name = " renamed ",
                                              .cron_expression = "0  */2 * * *",
                                              .timezone = "America/New_York",
                                              .allowed_tools = Names{"Read"},
                                              .max_retries = 3,
                                              .deliver_to_workspace_email = "Team@Example.com"});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->name, "renamed");
  EXPECT_EQ(changed->cron_expression, "0 */2 * * *");
  EXPECT_EQ(changed->timezone, "America/New_York");
  EXPECT_EQ(changed->allowed_tools, Names{"Read"});
  EXPECT_EQ(changed->max_retries, 3);
  EXPECT_EQ(changed->deliver_to_workspace_email, "team@example.com");
  EXPECT_EQ(changed->message, sch.message);
  EXPECT_EQ(changed->enabled, sch.enabled);
  EXPECT_EQ(changed->retry_delay_seconds, 60);
  EXPECT_EQ(changed->created_at, sch.created_at);
  EXPECT_EQ(changed->owner_id, ada_);
  EXPECT_GE(changed->updated_at, sch.updated_at);
  EXPECT_EQ(ops().get_schedule(sch.id), changed);

  const auto disabled = ops().update_schedule(sch.id, "ada", {.enabled = false});
  ASSERT_TRUE(disabled);
  EXPECT_FALSE(disabled->enabled);
  EXPECT_EQ(disabled->name, "renamed");
  const auto untouched = ops().update_schedule(sch.id, "ada", {});  // updated_at only
  ASSERT_TRUE(untouched);
  EXPECT_EQ(untouched->cron_expression, "0 */2 * * *");
  EXPECT_FALSE(ops().update_schedule("no-such-id", "ada", {.name = "x"}));
}

TEST_P(TrinitySchedulesTest, UpdateRefusesBadInputWithNothingChanged) {
  const auto sch = make("coder", "ada", "nightly");
  const std::vector<std::pair<ScheduleUpdate, std::string>> cases = {
      {{.cron_expression = "* * * * * *"}, "cron_expression: "},
      {{.cron_expression = "0 24 * * *"}, "cron_expression: "},
      {{.timezone = "Europe/Atlantis"}, "timezone: "},
      {{.timezone = "/etc/localtime"}, "timezone: "},
      {{.name = ""}, "name: "},
      {{.message = ""}, "message: "},
      {{.timeout_seconds = -1}, "timeout_seconds: "},
      {{.allowed_tools = Names{" "}}, "allowed_tools: "},
      {{.max_retries = -2}, "max_retries: "},
      {{.retry_delay_seconds = -1}, "retry_delay_seconds: "},
      {{.validation_timeout_seconds = -120}, "validation_timeout_seconds: "},
      {{.deliver_to_workspace_email = "@"}, "deliver_to_workspace_email: "},
  };
  for (const auto& [data, field] : cases) {
    ScheduleUpdate both = data;
    both.name = both.name.value_or("changed");  // a good field beside the bad one
    try {
      (void)ops().update_schedule(sch.id, "ada", both);
      ADD_FAILURE() << "accepted: " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(ops().get_schedule(sch.id), sch);
}

TEST_P(TrinitySchedulesTest, WhoMayUpdateAndDelete) {
  const auto adas = make("coder", "ada", "by-ada");
  const auto daves = make("coder", "dave", "by-dave");
  const auto bobs = make("writer", "bob", "by-bob");

  // dave (coder is shared with him) changes his own schedule, not ada's.
  EXPECT_TRUE(ops().update_schedule(daves.id, "dave", {.message = "dave's"}));
  EXPECT_FALSE(ops().update_schedule(adas.id, "dave", {.message = "dave's"}));
  EXPECT_FALSE(ops().delete_schedule(adas.id, "dave"));
  // The agent's owner and an admin change anyone's; bob (no access) and strangers nothing.
  EXPECT_TRUE(ops().update_schedule(daves.id, "ada", {.message = "ada's"}));
  EXPECT_TRUE(ops().update_schedule(bobs.id, "carol", {.message = "carol's"}));
  EXPECT_FALSE(ops().update_schedule(adas.id, "bob", {.message = "bob's"}));
  EXPECT_FALSE(ops().delete_schedule(adas.id, "bob"));
  EXPECT_FALSE(ops().update_schedule(bobs.id, "ada", {.message = "ada's"}));
  EXPECT_FALSE(ops().update_schedule(adas.id, "nobody", {.message = "?"}));
  EXPECT_FALSE(ops().delete_schedule(adas.id, "nobody"));
  EXPECT_EQ(ops().get_schedule(adas.id)->message, "run by-ada");
  EXPECT_EQ(ops().get_schedule(daves.id)->message, "ada's");
  EXPECT_EQ(ops().get_schedule(bobs.id)->message, "carol's");

  // Unshared, dave no longer changes even his own schedule; its agent's owner still does.
  ASSERT_TRUE(dbm().agents().unshare_agent("coder", "ada", "dave@example.com"));
  EXPECT_FALSE(ops().update_schedule(daves.id, "dave", {.message = "mine"}));
  EXPECT_FALSE(ops().delete_schedule(daves.id, "dave"));
  EXPECT_TRUE(ops().delete_schedule(daves.id, "ada"));
  EXPECT_TRUE(ops().delete_schedule(bobs.id, "carol"));
  EXPECT_TRUE(ops().delete_schedule(adas.id, "ada"));
  EXPECT_TRUE(ops().list_all_schedules().empty());
}

TEST_P(TrinitySchedulesTest, DeleteIsSoftAndKeepsExecutions) {
  const auto sch = make("coder", "ada", "nightly");
  const auto other = make("coder", "ada", "other", false);
  add_execution("exec-1", sch);
  ASSERT_FALSE(deleted_at(sch.id));

  EXPECT_TRUE(ops().delete_schedule(sch.id, "ada"));
  EXPECT_FALSE(ops().delete_schedule(sch.id, "ada"));  // gone already
  EXPECT_FALSE(ops().delete_schedule("no-such-id", "ada"));
  EXPECT_TRUE(deleted_at(sch.id));
  EXPECT_EQ(rows("agent_schedules"), 2);
  EXPECT_EQ(rows("schedule_executions"), 1);  // its history stays, pointing at it

  // Every read and write ignores it.
  EXPECT_FALSE(ops().get_schedule(sch.id));
  EXPECT_EQ(names(ops().list_agent_schedules("coder")), Names{"coder/other"});
  EXPECT_TRUE(ops().list_all_enabled_schedules().empty());
  EXPECT_EQ(names(ops().list_all_disabled_schedules()), Names{"coder/other"});
  EXPECT_EQ(names(ops().list_all_schedules()), Names{"coder/other"});
  EXPECT_FALSE(ops().update_schedule(sch.id, "ada", {.name = "back"}));
  EXPECT_FALSE(ops().update_schedule(sch.id, "carol", {.name = "back"}));
  EXPECT_FALSE(ops().set_schedule_enabled(sch.id, true));
  EXPECT_FALSE(ops().update_schedule_run_times(sch.id, Timestamp::now()));
  const auto counts = ops().get_all_agents_schedule_counts();
  ASSERT_EQ(counts.count("coder"), 1u);
  EXPECT_EQ(counts.at("coder").total, 1);
  EXPECT_EQ(ops().get_schedule(other.id), other);
}

TEST_P(TrinitySchedulesTest, EnablingAndRunTimes) {
  const auto sch = make("coder", "ada", "nightly");
  EXPECT_TRUE(ops().set_schedule_enabled(sch.id, false));
  auto now_off = ops().get_schedule(sch.id);
  EXPECT_FALSE(now_off->enabled);
  EXPECT_GE(now_off->updated_at, sch.updated_at);
  EXPECT_EQ(names(ops().list_all_disabled_schedules()), Names{"coder/nightly"});
  EXPECT_TRUE(ops().set_schedule_enabled(sch.id, false));  // as it was: still there
  EXPECT_TRUE(ops().set_schedule_enabled(sch.id, true));
  EXPECT_TRUE(ops().get_schedule(sch.id)->enabled);
  EXPECT_FALSE(ops().set_schedule_enabled("no-such-id", true));

  const auto last = Timestamp::from_civil(2025, 3, 1, 9, 0, 0, 123456);
  const auto next = Timestamp::from_civil(2025, 3, 2, 9);
  EXPECT_TRUE(ops().update_schedule_run_times(sch.id, last));
  auto got = ops().get_schedule(sch.id);
  EXPECT_EQ(got->last_run_at, last);
  EXPECT_FALSE(got->next_run_at);
  EXPECT_TRUE(ops().update_schedule_run_times(sch.id, std::nullopt, next));
  got = ops().get_schedule(sch.id);
  EXPECT_EQ(got->last_run_at, last);  // kept
  EXPECT_EQ(got->next_run_at, next);
  const auto later = Timestamp::from_civil(2025, 3, 3, 9);
  const Timestamp stamp = got->updated_at;
  EXPECT_TRUE(ops().update_schedule_run_times(sch.id, next, later));
  got = ops().get_schedule(sch.id);
  EXPECT_EQ(got->last_run_at, next);
  EXPECT_EQ(got->next_run_at, later);
  EXPECT_GE(got->updated_at, stamp);
  EXPECT_TRUE(ops().update_schedule_run_times(sch.id));  // nothing given: updated_at only
  EXPECT_EQ(ops().get_schedule(sch.id)->next_run_at, later);
  EXPECT_FALSE(ops().update_schedule_run_times("no-such-id", last, next));
}

TEST_P(TrinitySchedulesTest, DeleteAgentSchedules) {
  make("coder", "ada", "one");
  const auto two = make("coder", "ada", "two", false);
  make("coder", "dave", "three");
  const auto writers = make("writer", "bob", "report");
  ASSERT_TRUE(ops().delete_schedule(two.id, "ada"));

  EXPECT_EQ(ops().delete_agent_schedules("coder"), 2);  // the deleted one is not counted again
  EXPECT_EQ(ops().delete_agent_schedules("coder"), 0);
  EXPECT_EQ(ops().delete_agent_schedules("ghost"), 0);
  EXPECT_TRUE(ops().list_agent_schedules("coder").empty());
  EXPECT_EQ(rows("agent_schedules"), 4);
  EXPECT_EQ(ops().list_all_schedules(), std::vector<Schedule>{writers});

  // The schedules of an agent that is no longer registered can still be removed.
  soft_delete_agent("writer");
  EXPECT_EQ(ops().delete_agent_schedules("writer"), 1);
  EXPECT_TRUE(deleted_at(writers.id));
}

TEST_P(TrinitySchedulesTest, CountsPerAgentInOneStatement) {
  EXPECT_TRUE(ops().get_all_agents_schedule_counts().empty());
  make("coder", "ada", "a");
  make("coder", "ada", "b", false);
  make("coder", "dave", "c");
  const auto gone = make("coder", "ada", "d", false);
  make("writer", "bob", "e", false);
  const auto only = make("writer", "bob", "f");
  add_agent("idle", ada_);
  const auto idle = make("idle", "ada", "g");
  ASSERT_TRUE(ops().delete_schedule(gone.id, "ada"));
  ASSERT_TRUE(ops().delete_schedule(idle.id, "ada"));
  (void)only;

  const auto counts = ops().get_all_agents_schedule_counts();
  ASSERT_EQ(counts.size(), 2u);  // "idle" has deleted schedules only
  EXPECT_EQ(counts.at("coder").total, 3);
  EXPECT_EQ(counts.at("coder").enabled, 2);
  EXPECT_EQ(counts.at("coder").disabled, 1);
  EXPECT_EQ(counts.at("writer").total, 2);
  EXPECT_EQ(counts.at("writer").enabled, 1);
  EXPECT_EQ(counts.at("writer").disabled, 1);
}

TEST_P(TrinitySchedulesTest, ASoftDeletedAgentsSchedulesAreNotSeen) {
  const auto sch = make("coder", "ada", "nightly");
  make("writer", "bob", "report");
  soft_delete_agent("coder");
  EXPECT_FALSE(ops().get_schedule(sch.id));
  EXPECT_TRUE(ops().list_agent_schedules("coder").empty());
  EXPECT_EQ(names(ops().list_all_schedules()), Names{"writer/report"});
  EXPECT_EQ(names(ops().list_all_enabled_schedules()), Names{"writer/report"});
  EXPECT_EQ(ops().get_all_agents_schedule_counts().count("coder"), 0u);
  EXPECT_FALSE(ops().set_schedule_enabled(sch.id, false));
  EXPECT_FALSE(ops().update_schedule_run_times(sch.id, Timestamp::now()));
  EXPECT_FALSE(ops().update_schedule(sch.id, "carol", {.name = "x"}));
  EXPECT_FALSE(ops().delete_schedule(sch.id, "ada"));
  EXPECT_FALSE(deleted_at(sch.id));
}

TEST_P(TrinitySchedulesTest, ConcurrentDeletesDeleteOnce) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  const auto sch = make("coder", "ada", "nightly");
  std::atomic<int> deleted{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        if (i % 2) (void)ops().update_schedule(sch.id, "ada", {.message = "m" + std::to_string(i)});
        if (ops().delete_schedule(sch.id, i % 2 ? "ada" : "carol")) ++deleted;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(deleted.load(), 1);
  EXPECT_FALSE(ops().get_schedule(sch.id));
  EXPECT_EQ(rows("agent_schedules"), 1);
}

TEST_P(TrinitySchedulesTest, ConcurrentCreatesAndToggles) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  const auto sch = make("coder", "ada", "nightly");
  std::atomic<int> made{0}, toggled{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        if (ops().create_schedule(
                "coder", i % 2 ? "ada" : "dave",
                {.name = "t" + std::to_string(i), .cron_expression = "* * * * *", .message = "m"}))
          ++made;
        if (ops().set_schedule_enabled(sch.id, i % 2 == 0)) ++toggled;
        if (ops().update_schedule_run_times(sch.id, Timestamp::now())) ++toggled;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(made.load(), 8);
  EXPECT_EQ(toggled.load(), 16);
  EXPECT_EQ(ops().list_agent_schedules("coder").size(), 9u);
  EXPECT_EQ(ops().get_all_agents_schedule_counts().at("coder").total, 9);
}

TEST_P(TrinitySchedulesTest, SchedulesRollBackWithTheFacadeTransaction) {
  const auto sch = make("coder", "ada", "nightly");
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_TRUE(ops().create_schedule(
        "coder", "ada", {.name = "new", .cron_expression = "* * * * *", .message = "m"}));
    EXPECT_TRUE(ops().update_schedule(sch.id, "ada", {.name = "renamed"}));
    EXPECT_TRUE(ops().set_schedule_enabled(sch.id, false));
    EXPECT_EQ(ops().delete_agent_schedules("coder"), 2);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ops().get_schedule(sch.id), sch);
  EXPECT_EQ(rows("agent_schedules"), 1);
}

SQLCORE_BACKEND_TEST_SUITE(TrinitySchedulesTest);

}  // namespace
