// ScheduleExecutionOperations (dbm.schedules()) on every backend: creating task and schedule
// executions (the manual marker schedule, unknown agents and schedules, bad input writing
// nothing, rollback), dispatch claims (8 threads on one execution, 8 threads over 200), every
// state transition allowed or refused, finishing with duration and moved values, the history
// lists and the summary without large columns, the running lists with timeouts and owners, the
// sweeps (each row once under two concurrent sweepers) and, on PostgreSQL, the sweeps' plans.
// The statistics are tested in execution_stats_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>
#include <sqlcore/sql/text.hpp>

#include "../src/execution_sweeps.hpp"
#include "fixture.hpp"
#include "trinity/db/schedules.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::ExecutionStatusUpdate;
using trinity::db::kManualScheduleId;
using trinity::db::ScheduleExecution;
namespace status = trinity::db::execution_status;

namespace {

class ExecutionsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
    add_agent("alpha", ada_);
    add_agent("beta", bob_);
    add_schedule("s1", "alpha", ada_);
  }
  trinity::db::ScheduleOperations& ops() { return dbm().schedules(); }

  /// Runs one statement on a connection of its own, closed before returning (an in-memory
  /// database has one connection).
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  void add_schedule(const std::string& id, const std::string& agent, std::int64_t owner) {
    const auto& t = s().agent_schedules;
    exec(insert(t).values({{t.id, id},
                           {t.agent_name, agent},
                           {t.name, "job " + id},
                           {t.cron_expression, "0 * * * *"},
                           {t.message, "tick"},
                           {t.owner_id, owner}}));
  }
  /// A manual task of `agent` (created through the operation).
  ScheduleExecution task(const std::string& agent = "alpha") {
    auto e = ops().create_task_execution({.agent_name = agent, .message = "go"});
    if (!e) throw std::runtime_error("no execution for " + agent);
    return *e;
  }
  /// Writes `values` into the execution `id` directly.
  void set(const std::string& id, std::vector<Assignment> values) {
    const auto& t = s().schedule_executions;
    exec(update(t).set(std::move(values)).where(t.id == id));
  }
  ScheduleExecution get(const std::string& id) {
    auto e = ops().get_execution(id);
    if (!e) throw std::runtime_error("no execution " + id);
    return *e;
  }
  std::int64_t ada_ = 0, bob_ = 0;
};

// ---- creating ----------------------------------------------------------------------------------

TEST_P(ExecutionsTest, TaskExecutionIsRunningUnderTheManualMarker) {
  const Timestamp before = Timestamp::now();
  auto e = ops().create_task_execution({.agent_name = " alpha ",
                                        .message = "summarise the day",
                                        .source_user_id = ada_,
                                        .source_user_email = "ada@example.com",
                                        .model_used = "opus",
                                        .fan_out_id = "f1",
                                        .subscription_id = "sub1"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id.size(), 32u);
  EXPECT_EQ(e->schedule_id, kManualScheduleId);
  EXPECT_EQ(e->agent_name, "alpha");
  EXPECT_EQ(e->status, status::kRunning);
  EXPECT_EQ(e->triggered_by, "manual");
  EXPECT_GE(e->started_at, before);
  EXPECT_FALSE(e->completed_at);
  auto stored = get(e->id);
  EXPECT_EQ(stored.message, "summarise the day");
  EXPECT_EQ(stored.started_at, e->started_at);
  EXPECT_EQ(stored.source_user_id, ada_);
  EXPECT_EQ(stored.source_user_email, "ada@example.com");
  EXPECT_EQ(stored.model_used, "opus");
  EXPECT_EQ(stored.fan_out_id, "f1");
  EXPECT_EQ(stored.subscription_id, "sub1");
  EXPECT_EQ(stored.attempt_number, 1);
  EXPECT_EQ(stored.retry_count, 0);
  EXPECT_FALSE(stored.response);

  // The marker schedule: one row, soft-deleted, disabled, of no agent, owned by alpha's owner.
  auto m = ops().create_task_execution(
      {.agent_name = "beta", .message = "again", .triggered_by = "mcp"});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->triggered_by, "mcp");
  EXPECT_EQ(rows("agent_schedules"), 2);
  const auto& sch = s().agent_schedules;
  auto marker = exec(select(sch.agent_name, sch.enabled, sch.owner_id, sch.deleted_at)
                         .where(sch.id == kManualScheduleId));
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_EQ(marker[0].get(sch.agent_name), "");
  EXPECT_EQ(marker[0].get(sch.enabled), false);
  EXPECT_EQ(marker[0].get(sch.owner_id), ada_);
  EXPECT_TRUE(marker[0].get(sch.deleted_at));
  EXPECT_EQ(ops().get_schedule_executions(kManualScheduleId).size(), 2u);
}

TEST_P(ExecutionsTest, TaskExecutionOfAnUnknownAgentIsNulloptAndWritesNothing) {
  EXPECT_FALSE(ops().create_task_execution({.agent_name = "ghost", .message = "go"}));
  soft_delete_agent("beta");
  EXPECT_FALSE(ops().create_task_execution({.agent_name = "beta", .message = "go"}));
  EXPECT_EQ(rows("schedule_executions"), 0);
  EXPECT_EQ(rows("agent_schedules"), 1);
}

TEST_P(ExecutionsTest, BadInputIsRefusedBeforeAnythingIsWritten) {
  using trinity::db::ExecutionCreate;
  for (const ExecutionCreate& bad :
       {ExecutionCreate{.agent_name = "", .message = "go"},
        ExecutionCreate{.agent_name = "  ", .message = "go"},
        ExecutionCreate{.agent_name = "alpha", .message = ""},
        ExecutionCreate{.agent_name = "alpha", .message = " \n\t"},
        ExecutionCreate{.agent_name = "alpha", .message = "go", .triggered_by = " "}}) {
    EXPECT_THROW(ops().create_task_execution(bad), std::invalid_argument);
    EXPECT_THROW(ops().create_schedule_execution("s1", bad), std::invalid_argument);
  }
  const std::string id = task().id;
  EXPECT_THROW(ops().update_execution_status(id, {.status = "done"}), std::invalid_argument);
  EXPECT_THROW(ops().update_execution_status(id, {.status = "SUCCESS"}), std::invalid_argument);
  EXPECT_THROW(ops().update_execution_status(id, {.status = ""}), std::invalid_argument);
  EXPECT_THROW(ops().get_agent_executions("alpha", -1), std::invalid_argument);
  EXPECT_THROW(ops().get_schedule_executions("s1", -1), std::invalid_argument);
  EXPECT_THROW(ops().get_agent_executions_summary("alpha", -1), std::invalid_argument);
  EXPECT_THROW(ops().mark_stale_executions_failed(-1), std::invalid_argument);
  EXPECT_THROW(ops().mark_no_session_executions_failed(-1), std::invalid_argument);
  EXPECT_THROW(ops().mark_stale_executions_failed(1LL << 40), std::invalid_argument);
  EXPECT_EQ(rows("schedule_executions"), 1);
  EXPECT_EQ(get(id).status, status::kRunning);
}

TEST_P(ExecutionsTest, ScheduleExecutionNeedsALiveScheduleOfThatAgent) {
  auto e = ops().create_schedule_execution("s1", {.agent_name = "alpha", .message = "tick"});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->schedule_id, "s1");
  EXPECT_EQ(e->triggered_by, "schedule");
  EXPECT_EQ(e->status, status::kRunning);
  EXPECT_EQ(get(e->id).message, "tick");
  auto manual = ops().create_schedule_execution(
      "s1", {.agent_name = "alpha", .message = "now", .triggered_by = "manual"});
  ASSERT_TRUE(manual);
  EXPECT_EQ(manual->triggered_by, "manual");

  EXPECT_FALSE(ops().create_schedule_execution("nope", {.agent_name = "alpha", .message = "x"}));
  EXPECT_FALSE(ops().create_schedule_execution("s1", {.agent_name = "beta", .message = "x"}));
  task();  // writes the marker schedule, which is no schedule to run
  EXPECT_FALSE(
      ops().create_schedule_execution(kManualScheduleId, {.agent_name = "alpha", .message = "x"}));
  const auto& sch = s().agent_schedules;
  exec(update(sch).set({{sch.deleted_at, Timestamp::now()}}).where(sch.id == "s1"));
  EXPECT_FALSE(ops().create_schedule_execution("s1", {.agent_name = "alpha", .message = "x"}));
  EXPECT_EQ(rows("schedule_executions"), 3);
}

TEST_P(ExecutionsTest, CreatingInsideAFailedTransactionLeavesNothing) {
  EXPECT_THROW(dbm().transaction([&] {
    task();
    ops().create_schedule_execution("s1", {.agent_name = "alpha", .message = "tick"});
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("schedule_executions"), 0);
  EXPECT_EQ(rows("agent_schedules"), 1);
}

// ---- dispatch claims ---------------------------------------------------------------------------

TEST_P(ExecutionsTest, DispatchIsClaimedOnceWhileRunning) {
  const std::string id = task().id;
  EXPECT_TRUE(ops().mark_execution_dispatched(id));
  EXPECT_EQ(get(id).claude_session_id, "dispatched");
  EXPECT_FALSE(ops().mark_execution_dispatched(id));
  EXPECT_FALSE(ops().mark_execution_dispatched("unknown"));

  const std::string empty = task().id;
  set(empty, {{s().schedule_executions.claude_session_id, ""}});
  EXPECT_TRUE(ops().mark_execution_dispatched(empty));

  const std::string done = task().id;
  ASSERT_TRUE(ops().update_execution_status(done, {.status = status::kSuccess}));
  EXPECT_FALSE(ops().mark_execution_dispatched(done));
  EXPECT_FALSE(get(done).claude_session_id);
}

TEST_P(ExecutionsTest, EightThreadsClaimOneExecutionOnce) {
  constexpr int kThreads = 8;
  reopen_for(kThreads);
  const std::string id = task().id;
  std::atomic<int> won{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      try {
        if (dbm().schedules().mark_execution_dispatched(id)) ++won;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(won.load(), 1);
}

TEST_P(ExecutionsTest, EightThreadsOverTwoHundredExecutionsClaimEachOnce) {
  constexpr int kThreads = 8, kExecutions = 200;
  reopen_for(kThreads);
  std::vector<std::string> ids;
  for (int i = 0; i < kExecutions; ++i) ids.push_back(task(i % 2 == 0 ? "alpha" : "beta").id);
  std::vector<std::atomic<int>> claims(kExecutions);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kExecutions; ++k) {
        const int i = (k + t * kExecutions / kThreads) % kExecutions;  // each starts elsewhere
        try {
          if (dbm().schedules().mark_execution_dispatched(ids[static_cast<std::size_t>(i)]))
            ++claims[static_cast<std::size_t>(i)];
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int i = 0; i < kExecutions; ++i) EXPECT_EQ(claims[static_cast<std::size_t>(i)].load(), 1);
}

// ---- state transitions -------------------------------------------------------------------------

TEST_P(ExecutionsTest, StatusMovesOnlyAlongTheAllowedTransitions) {
  const std::vector<std::string> states = {
      status::kPending, status::kQueued, status::kRunning,   status::kPendingRetry,
      status::kSuccess, status::kFailed, status::kCancelled, status::kSkipped};
  // The table of schedule_executions.hpp, spelled out again: "from>to".
  const std::set<std::string> allowed = {
      "pending_retry>pending", "pending>queued",          "running>queued",
      "pending_retry>queued",  "pending>running",         "queued>running",
      "pending_retry>running", "running>running",         "pending>pending_retry",
      "queued>pending_retry",  "running>pending_retry",   "running>success",
      "pending>failed",        "queued>failed",           "running>failed",
      "pending_retry>failed",  "pending>cancelled",       "queued>cancelled",
      "running>cancelled",     "pending_retry>cancelled", "pending>skipped",
      "queued>skipped",        "running>skipped",         "pending_retry>skipped"};
  const std::set<std::string> terminal = {"success", "failed", "cancelled", "skipped"};
  const auto& t = s().schedule_executions;
  for (const std::string& from : states)
    for (const std::string& to : states) {
      const std::string id = task().id;
      set(id, {{t.status, from}});
      const bool ok = allowed.count(from + ">" + to) > 0;
      EXPECT_EQ(ops().update_execution_status(id, {.status = to, .error = "e"}), ok)
          << from << " -> " << to;
      auto e = get(id);
      EXPECT_EQ(e.status, ok ? to : from) << from << " -> " << to;
      EXPECT_EQ(e.error.has_value(), ok) << from << " -> " << to;
      const bool finished = ok && terminal.count(to) > 0;
      EXPECT_EQ(e.completed_at.has_value(), finished) << from << " -> " << to;
      EXPECT_EQ(e.duration_ms.has_value(), finished) << from << " -> " << to;
    }
  EXPECT_FALSE(ops().update_execution_status("unknown", {.status = status::kSuccess}));
}

TEST_P(ExecutionsTest, FinishingWritesTheGivenFieldsAndTheDuration) {
  const std::string id = task().id;
  set(id, {{s().schedule_executions.started_at, ago(1500ms)}});
  ASSERT_TRUE(ops().update_execution_status(
      id, {.status = status::kRunning, .claude_session_id = "sess-1"}));
  auto running = get(id);
  EXPECT_EQ(running.claude_session_id, "sess-1");
  EXPECT_FALSE(running.completed_at);

  std::string response(1 << 20, 'r');  // a megabyte, moved into the statement
  const Json log = Json::array({{{"type", "tool"}, {"name", "grep"}}, {{"type", "text"}}});
  const Timestamp before = Timestamp::now();
  ASSERT_TRUE(ops().update_execution_status(id, {.status = status::kSuccess,
                                                 .response = std::move(response),
                                                 .context_used = 1200,
                                                 .context_max = 200000,
                                                 .cost = 0.125,
                                                 .tool_calls = Json::array({"grep", "ls"}),
                                                 .execution_log = log}));
  auto e = get(id);
  EXPECT_EQ(e.status, status::kSuccess);
  ASSERT_TRUE(e.response);
  EXPECT_EQ(e.response->size(), 1u << 20);
  EXPECT_EQ(e.context_used, 1200);
  EXPECT_EQ(e.context_max, 200000);
  EXPECT_EQ(e.cost, 0.125);
  EXPECT_EQ(e.tool_calls, Json::array({"grep", "ls"}));
  EXPECT_EQ(e.execution_log, log);
  EXPECT_EQ(e.claude_session_id, "sess-1");  // not given: kept
  EXPECT_FALSE(e.error);
  ASSERT_TRUE(e.completed_at);
  EXPECT_GE(*e.completed_at, before);
  ASSERT_TRUE(e.duration_ms);
  EXPECT_GE(*e.duration_ms, 1500);
  EXPECT_LT(*e.duration_ms, 60'000);

  // A late report does not revive a finished execution, nor overwrite what it recorded.
  EXPECT_FALSE(ops().update_execution_status(id, {.status = status::kRunning}));
  EXPECT_FALSE(ops().update_execution_status(id, {.status = status::kFailed, .error = "late"}));
  EXPECT_EQ(get(id).status, status::kSuccess);
  EXPECT_FALSE(get(id).error);
}

// ---- history -----------------------------------------------------------------------------------

TEST_P(ExecutionsTest, HistoryListsAreNewestFirstAndLimited) {
  const auto& t = s().schedule_executions;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto e = ops().create_schedule_execution("s1", {.agent_name = "alpha", .message = "tick"});
    ASSERT_TRUE(e);
    set(e->id, {{t.started_at, ago(std::chrono::minutes(10 - i))}});
    ids.push_back(e->id);
  }
  const std::string manual = task().id;
  task("beta");

  auto list = ops().get_schedule_executions("s1");
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0].id, ids[4]);
  EXPECT_EQ(list[4].id, ids[0]);
  EXPECT_EQ(ops().get_schedule_executions("s1", 2).size(), 2u);
  EXPECT_TRUE(ops().get_schedule_executions("s1", 0).empty());
  EXPECT_TRUE(ops().get_schedule_executions("nope").empty());

  auto agent = ops().get_agent_executions("alpha");
  ASSERT_EQ(agent.size(), 6u);
  EXPECT_EQ(agent[0].id, manual);
  EXPECT_EQ(agent[1].id, ids[4]);
  EXPECT_EQ(ops().get_agent_executions("alpha", 3).size(), 3u);
  EXPECT_TRUE(ops().get_agent_executions("ghost").empty());
  EXPECT_FALSE(ops().get_execution("unknown"));
}

// The summary's type has no large column, so no summary read can fetch one.
template <class S>
concept HasResponse = requires(S s) {
  s.response;
};
template <class S>
concept HasError = requires(S s) {
  s.error;
};
template <class S>
concept HasToolCalls = requires(S s) {
  s.tool_calls;
};
template <class S>
concept HasExecutionLog = requires(S s) {
  s.execution_log;
};
static_assert(HasResponse<ScheduleExecution> && HasError<ScheduleExecution> &&
              HasToolCalls<ScheduleExecution> && HasExecutionLog<ScheduleExecution>);
using trinity::db::ExecutionSummary;
static_assert(!HasResponse<ExecutionSummary> && !HasError<ExecutionSummary> &&
              !HasToolCalls<ExecutionSummary> && !HasExecutionLog<ExecutionSummary>);

TEST_P(ExecutionsTest, SummaryListsTheSameExecutionsWithoutLargeColumns) {
  for (int i = 0; i < 3; ++i) {
    const std::string id = task().id;
    set(id, {{s().schedule_executions.started_at, ago(std::chrono::minutes(5 - i))}});
    ASSERT_TRUE(ops().update_execution_status(id, {.status = status::kSuccess,
                                                   .response = std::string(100'000, 'x'),
                                                   .cost = 0.5,
                                                   .execution_log = Json::array({1, 2, 3})}));
  }
  auto full = ops().get_agent_executions("alpha");
  auto summary = ops().get_agent_executions_summary("alpha");
  ASSERT_EQ(summary.size(), full.size());
  for (std::size_t i = 0; i < full.size(); ++i) {
    EXPECT_EQ(summary[i].id, full[i].id);
    EXPECT_EQ(summary[i].status, full[i].status);
    EXPECT_EQ(summary[i].started_at, full[i].started_at);
    EXPECT_EQ(summary[i].completed_at, full[i].completed_at);
    EXPECT_EQ(summary[i].duration_ms, full[i].duration_ms);
    EXPECT_EQ(summary[i].message, full[i].message);
    EXPECT_EQ(summary[i].cost, 0.5);
  }
  EXPECT_EQ(ops().get_agent_executions_summary("alpha", 1).size(), 1u);
  EXPECT_TRUE(ops().get_agent_executions_summary("alpha", 0).empty());
  EXPECT_TRUE(ops().get_agent_executions_summary("ghost").empty());
}

// ---- running executions ------------------------------------------------------------------------

TEST_P(ExecutionsTest, RunningListsGiveTimeoutsAndOwners) {
  const auto& [t, sch, a] =
      std::tie(s().schedule_executions, s().agent_schedules, s().agent_ownership);
  exec(update(sch).set({{sch.timeout_seconds, 120}}).where(sch.id == "s1"));
  exec(update(a).set({{a.execution_timeout_seconds, 600}}).where(a.agent_name == "beta"));
  auto scheduled = ops().create_schedule_execution("s1", {.agent_name = "alpha", .message = "x"});
  ASSERT_TRUE(scheduled);
  set(scheduled->id, {{t.started_at, ago(3min)}});
  const std::string manual = task().id;  // alpha: the agent's default timeout (3600)
  set(manual, {{t.started_at, ago(2min)}});
  const std::string beta = task("beta").id;
  set(beta, {{t.started_at, ago(1min)}});
  const std::string orphan = task().id;  // its agent's ownership row is gone: 900
  set(orphan, {{t.agent_name, "gone"}});
  const std::string done = task().id;
  ASSERT_TRUE(ops().update_execution_status(done, {.status = status::kFailed}));

  auto running = ops().get_running_executions();
  ASSERT_EQ(running.size(), 4u);
  EXPECT_EQ(running[0].id, scheduled->id);
  EXPECT_EQ(running[0].schedule_id, "s1");
  EXPECT_EQ(running[0].agent_name, "alpha");
  EXPECT_EQ(running[1].id, manual);
  EXPECT_EQ(running[2].id, beta);
  EXPECT_EQ(running[3].id, orphan);

  auto info = ops().get_running_executions_with_agent_info();
  ASSERT_EQ(info.size(), 4u);
  EXPECT_EQ(info[0].id, scheduled->id);
  EXPECT_EQ(info[0].timeout_seconds, 120);
  EXPECT_EQ(info[0].owner_id, ada_);
  EXPECT_EQ(info[0].owner_username, "ada");
  EXPECT_EQ(info[1].timeout_seconds, 3600);
  EXPECT_EQ(info[1].schedule_id, kManualScheduleId);
  EXPECT_EQ(info[2].timeout_seconds, 600);
  EXPECT_EQ(info[2].owner_username, "bob");
  EXPECT_EQ(info[2].started_at, get(beta).started_at);
  EXPECT_EQ(info[3].timeout_seconds, 900);
  EXPECT_FALSE(info[3].owner_id);
  EXPECT_FALSE(info[3].owner_username);
}

// ---- failing one execution ---------------------------------------------------------------------

TEST_P(ExecutionsTest, SlotAndWatchdogFailOnlyARunningExecution) {
  const std::string slot = task().id;
  set(slot, {{s().schedule_executions.started_at, ago(2s)}});
  EXPECT_TRUE(ops().fail_stale_slot_execution(slot, "slot reclaimed"));
  auto e = get(slot);
  EXPECT_EQ(e.status, status::kFailed);
  EXPECT_EQ(e.error, "slot reclaimed");
  EXPECT_TRUE(e.completed_at);
  ASSERT_TRUE(e.duration_ms);
  EXPECT_GE(*e.duration_ms, 2000);
  EXPECT_FALSE(ops().fail_stale_slot_execution(slot, "again"));
  EXPECT_EQ(get(slot).error, "slot reclaimed");

  const std::string watched = task().id;
  EXPECT_TRUE(ops().mark_execution_failed_by_watchdog(watched, "timed out after 900 s"));
  EXPECT_EQ(get(watched).status, status::kFailed);
  EXPECT_EQ(get(watched).error, "timed out after 900 s");
  EXPECT_FALSE(ops().mark_execution_failed_by_watchdog(watched, "again"));

  const std::string done = task().id;
  ASSERT_TRUE(ops().update_execution_status(done, {.status = status::kSuccess}));
  EXPECT_FALSE(ops().mark_execution_failed_by_watchdog(done, "late"));
  EXPECT_FALSE(ops().fail_stale_slot_execution(done, "late"));
  EXPECT_EQ(get(done).status, status::kSuccess);
  const std::string queued = task().id;
  set(queued, {{s().schedule_executions.status, status::kQueued}});
  EXPECT_FALSE(ops().mark_execution_failed_by_watchdog(queued, "not running"));
  EXPECT_FALSE(ops().fail_stale_slot_execution("unknown", "x"));
  EXPECT_FALSE(ops().mark_execution_failed_by_watchdog("unknown", "x"));
}

// ---- sweeps ------------------------------------------------------------------------------------

TEST_P(ExecutionsTest, StaleSweepFailsRunningExecutionsPastTheTimeout) {
  const auto& t = s().schedule_executions;
  const std::string stale = task().id, fresh = task().id, finished = task().id, queued = task().id;
  set(stale, {{t.started_at, ago(31min)}});
  set(fresh, {{t.started_at, ago(29min)}});
  set(finished, {{t.started_at, ago(2h)}});
  ASSERT_TRUE(ops().update_execution_status(finished, {.status = status::kSuccess}));
  set(queued, {{t.started_at, ago(2h)}, {t.status, status::kQueued}});
  const Timestamp before = Timestamp::now();
  EXPECT_EQ(ops().mark_stale_executions_failed(30), 1);
  auto e = get(stale);
  EXPECT_EQ(e.status, status::kFailed);
  EXPECT_EQ(e.error, "Marked as failed by cleanup: exceeded 30-minute timeout");
  ASSERT_TRUE(e.completed_at);
  EXPECT_GE(*e.completed_at, before);
  EXPECT_FALSE(e.duration_ms);
  EXPECT_EQ(get(fresh).status, status::kRunning);
  EXPECT_EQ(get(finished).status, status::kSuccess);
  EXPECT_EQ(get(queued).status, status::kQueued);
  EXPECT_EQ(ops().mark_stale_executions_failed(30), 0);
  EXPECT_EQ(ops().mark_stale_executions_failed(28), 1);
  EXPECT_EQ(get(fresh).status, status::kFailed);
}

TEST_P(ExecutionsTest, NoSessionSweepFailsSilentLaunchFailures) {
  const auto& t = s().schedule_executions;
  const std::string none = task().id, empty = task().id, dispatched = task().id, young = task().id,
                    session = task().id;
  for (const std::string& id : {none, empty, dispatched, session})
    set(id, {{t.started_at, ago(2min)}});
  set(empty, {{t.claude_session_id, ""}});
  ASSERT_TRUE(ops().mark_execution_dispatched(dispatched));
  set(session, {{t.claude_session_id, "sess-9"}});
  set(young, {{t.started_at, ago(10s)}});
  EXPECT_EQ(ops().mark_no_session_executions_failed(60), 2);
  EXPECT_EQ(get(none).status, status::kFailed);
  EXPECT_EQ(get(none).error, "Silent launch failure: no Claude session created within 60 seconds");
  EXPECT_EQ(get(empty).status, status::kFailed);
  for (const std::string& id : {dispatched, young, session})
    EXPECT_EQ(get(id).status, status::kRunning);
  EXPECT_EQ(ops().mark_no_session_executions_failed(60), 0);
}

TEST_P(ExecutionsTest, OrphanedSkippedExecutionsAreFinalised) {
  const auto& t = s().schedule_executions;
  const std::string orphan = task().id, closed = task().id, running = task().id;
  const Timestamp started = ago(1h);
  set(orphan, {{t.status, status::kSkipped}, {t.started_at, started}});
  set(closed, {{t.status, status::kSkipped}, {t.completed_at, Timestamp::now()}});
  EXPECT_EQ(ops().finalize_orphaned_skipped_executions(), 1);
  auto e = get(orphan);
  EXPECT_EQ(e.status, status::kFailed);
  EXPECT_EQ(e.completed_at, started);
  EXPECT_EQ(e.duration_ms, 0);
  EXPECT_EQ(e.error, "Finalized by cleanup: skipped execution");
  EXPECT_EQ(get(closed).status, status::kSkipped);
  EXPECT_EQ(get(running).status, status::kRunning);
  EXPECT_EQ(ops().finalize_orphaned_skipped_executions(), 0);
}

TEST_P(ExecutionsTest, TwoConcurrentSweepsFailEachStaleRowOnce) {
  constexpr int kStale = 200, kFresh = 20;
  reopen_for(2);
  const auto& t = s().schedule_executions;
  task();  // the marker schedule
  {
    auto c = dbm().engine().connect();
    auto tx = c.begin();
    for (int i = 0; i < kStale + kFresh; ++i)
      c.execute(insert(t).values({{t.id, "x" + std::to_string(i)},
                                  {t.schedule_id, kManualScheduleId},
                                  {t.agent_name, "alpha"},
                                  {t.status, status::kRunning},
                                  {t.started_at, ago(i < kStale ? 2h : 1min)},
                                  {t.message, "m"},
                                  {t.triggered_by, "manual"}}));
    tx.commit();
  }
  for (int round = 0; round < 2; ++round) {
    std::atomic<std::int64_t> swept[2] = {0, 0};
    std::atomic<bool> go{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 2; ++w)
      threads.emplace_back([&, w] {
        while (!go.load()) std::this_thread::yield();
        try {
          swept[w] = round == 0 ? dbm().schedules().mark_stale_executions_failed(30)
                                : dbm().schedules().mark_no_session_executions_failed(30);
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      });
    go = true;
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    // Round 0: the rows started 2 h ago; round 1: those of a minute ago (no session either).
    EXPECT_EQ(swept[0].load() + swept[1].load(), round == 0 ? kStale : kFresh) << round;
  }
  auto failed = exec(select(sqlcore::count()).where(t.status == status::kFailed));
  EXPECT_EQ(failed[0].get<std::int64_t>(std::size_t{0}), kStale + kFresh);
  auto still = exec(select(sqlcore::count()).where(t.status == status::kRunning));
  EXPECT_EQ(still[0].get<std::int64_t>(std::size_t{0}), 1);  // the task, seconds old
}

// Each sweep's UPDATE, as the operations build it, reaches its rows through an index on
// PostgreSQL (sequential scans disabled so that the small test table does not hide a missing
// index). The plans are printed; docs/trinity.md quotes them.
TEST_P(ExecutionsTest, SweepsUseAnIndexOnPostgreSQL) {
  task();
  auto c = dbm().engine().connect();
  if (c.dialect().name() != "postgresql") GTEST_SKIP() << "the plans are PostgreSQL's";
  c.execute(text("SET enable_seqscan = off"));
  const auto& t = s().schedule_executions;
  const std::vector<std::pair<std::string, Dml>> sweeps = {
      {"mark_stale_executions_failed", trinity::db::stale_executions_sweep(t, 30)},
      {"mark_no_session_executions_failed", trinity::db::no_session_executions_sweep(t, 60)},
      {"finalize_orphaned_skipped_executions", trinity::db::orphaned_skipped_executions_sweep(t)}};
  for (const auto& [name, stmt] : sweeps) {
    const CompiledStatement& compiled = stmt.compiled(c.dialect());
    std::vector<Value> values;
    for (const BindSlot& slot : compiled.slots) {
      ASSERT_NE(slot.source, BindSlot::Source::param) << name;
      values.push_back(
          slot.source == BindSlot::Source::now
              ? Value(Timestamp::from_micros(Timestamp::now().micros() + slot.offset_us))
              : stmt.fixed_value(slot));
    }
    std::vector<const Value*> bound;
    for (const Value& v : values) bound.push_back(&v);
    Result plan(c.driver_connection().execute("EXPLAIN " + compiled.sql, bound));
    std::string text;
    for (const std::string& line : plan.scalars<std::string>()) text += line + "\n";
    std::cout << name << ":\n" << compiled.sql << "\n" << text << "\n";
    EXPECT_NE(text.find("idx_executions_"), std::string::npos) << name << "\n" << text;
  }
  c.execute(text("RESET enable_seqscan"));
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(ExecutionsTest);
