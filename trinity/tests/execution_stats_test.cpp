// The execution statistics (dbm.schedules().get_*execution_stats*) on every backend: the numbers
// one SQL statement computes equal a count done in C++ over the same rows, for one agent and for
// every agent, over 24 hours, 7 days and an empty window, with rows on both sides of each cut-off
// and of a midnight, executions still running or waiting, unknown statuses, costs and durations
// missing; bad windows refused.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <sqlcore/sql/dml.hpp>

#include "fixture.hpp"
#include "trinity/db/schedules.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::ExecutionStats;
using trinity_test::kDay;

namespace {

/// One execution row as the test writes it.
struct Spec {
  std::string agent;
  std::string status;
  Timestamp started;
  std::optional<double> cost;
  std::optional<std::int64_t> duration_ms;
};

bool terminal(const std::string& status) {
  return status == "success" || status == "failed" || status == "cancelled" || status == "skipped";
}

/// The statistics of `agent`'s rows started after `since`, counted in C++.
ExecutionStats counted(const std::vector<Spec>& rows, const std::string& agent, Timestamp since) {
  ExecutionStats s;
  std::int64_t duration_sum = 0, durations = 0;
  for (const Spec& r : rows) {
    if (r.agent != agent || !(r.started > since)) continue;
    ++s.task_count;
    s.success_count += r.status == "success";
    s.failed_count += r.status == "failed";
    s.running_count += r.status == "running";
    s.cancelled_count += r.status == "cancelled";
    s.skipped_count += r.status == "skipped";
    s.waiting_count += r.status == "pending" || r.status == "queued" || r.status == "pending_retry";
    s.total_cost += r.cost.value_or(0.0);
    if (terminal(r.status) && r.duration_ms) {
      duration_sum += *r.duration_ms;
      ++durations;
    }
    if (!s.last_execution_at || r.started > *s.last_execution_at) s.last_execution_at = r.started;
  }
  if (s.task_count > 0)
    s.success_rate =
        100.0 * static_cast<double>(s.success_count) / static_cast<double>(s.task_count);
  if (durations > 0) s.avg_duration_ms = duration_sum / durations;
  return s;
}

auto fields(const ExecutionStats& s) {
  return std::make_tuple(s.task_count, s.success_count, s.failed_count, s.running_count,
                         s.cancelled_count, s.skipped_count, s.waiting_count, s.success_rate,
                         s.total_cost, s.avg_duration_ms,
                         s.last_execution_at ? s.last_execution_at->micros() : -1);
}

class ExecutionStatsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    auto [ada, bob] = add_ada_and_bob();
    add_agent("alpha", ada);
    const auto& sch = s().agent_schedules;
    auto c = dbm().engine().connect();
    c.execute(insert(sch).values({{sch.id, "s1"},
                                  {sch.agent_name, "alpha"},
                                  {sch.name, "job"},
                                  {sch.cron_expression, "0 * * * *"},
                                  {sch.message, "tick"},
                                  {sch.owner_id, ada}}));
  }
  trinity::db::ScheduleOperations& ops() { return dbm().schedules(); }

  /// Writes `rows` (each an execution of schedule s1) in one transaction.
  void put(const std::vector<Spec>& rows) {
    const auto& t = s().schedule_executions;
    auto c = dbm().engine().connect();
    auto tx = c.begin();
    int n = 0;
    for (const Spec& r : rows) {
      std::vector<Assignment> v = {{t.id, "e" + std::to_string(n++)}, {t.schedule_id, "s1"},
                                   {t.agent_name, r.agent},           {t.status, r.status},
                                   {t.started_at, r.started},         {t.message, "m"},
                                   {t.triggered_by, "schedule"},      {t.cost, r.cost},
                                   {t.duration_ms, r.duration_ms}};
      if (terminal(r.status)) v.emplace_back(t.completed_at, r.started);
      c.execute(insert(t).values(std::move(v)));
    }
    tx.commit();
  }

  /// Rows of agents alpha (every window), beta (within the day), delta (within the week, not
  /// the day) and gamma (older than a week): every status and an unknown one, costs and
  /// durations sometimes missing, times two minutes either side of the 24-hour and 7-day
  /// cut-offs and five minutes either side of the latest midnight. No row lies within a
  /// minute of a cut-off, so the few seconds between writing and reading move nothing across.
  static std::vector<Spec> rows(Timestamp now) {
    const std::vector<std::string> statuses = {
        "success", "failed",        "running",        "cancelled", "skipped", "pending",
        "queued",  "pending_retry", "legacy-unknown", "success",   "success"};
    const auto at = [&](std::chrono::microseconds age) {
      return Timestamp(now.time_point() - age);
    };
    const Timestamp midnight = Timestamp::from_micros((now.micros() - 10 * 60'000'000LL) / kDay *
                                                      kDay);  // at least 10 min ago
    std::vector<Timestamp> alpha_times = {at(1min),           at(3h),      at(24h - 2min),
                                          at(24h + 2min),     at(3 * 24h), at(7 * 24h - 2min),
                                          at(7 * 24h + 2min), at(30 * 24h)};
    for (auto d : {-5min, 5min}) {
      const Timestamp t(midnight.time_point() + d);
      const auto near = [&](std::chrono::hours cut) {
        return std::chrono::abs(t.time_point() - at(cut).time_point()) < 1min;
      };
      if (!near(24h) && !near(7 * 24h)) alpha_times.push_back(t);
    }
    std::vector<Spec> out;
    const auto add = [&](const std::string& agent, const std::vector<Timestamp>& times) {
      for (std::size_t i = 0; i < statuses.size() * 3; ++i) {
        const std::string& st = statuses[i % statuses.size()];
        out.push_back({agent, st, times[i % times.size()],
                       i % 3 == 0 ? std::nullopt : std::optional<double>(0.25 * double(i)),
                       terminal(st) && i % 4 != 0
                           ? std::optional<std::int64_t>(1000 + 37 * std::int64_t(i))
                           : std::nullopt});
      }
    };
    add("alpha", alpha_times);
    add("beta", {at(10min), at(2h), at(23h)});
    add("delta", {at(2 * 24h), at(5 * 24h)});
    add("gamma", {at(8 * 24h), at(60 * 24h)});
    return out;
  }
};

Timestamp before(Timestamp now, std::chrono::hours h) {
  return Timestamp(now.time_point() - h);
}

TEST_P(ExecutionStatsTest, OneAgentMatchesACountInCpp) {
  const Timestamp now = Timestamp::now();
  const std::vector<Spec> specs = rows(now);
  put(specs);
  for (const char* agent : {"alpha", "beta", "delta", "gamma", "nobody"}) {
    for (std::int64_t hours : {1, 24, 168, 24 * 365}) {
      const auto got = ops().get_agent_execution_stats(agent, hours);
      const auto want = counted(specs, agent, before(now, std::chrono::hours(hours)));
      EXPECT_EQ(fields(got), fields(want)) << agent << " " << hours << " h";
    }
  }
  const auto alpha = ops().get_agent_execution_stats("alpha", 24);
  EXPECT_GT(alpha.running_count, 0);
  EXPECT_GT(alpha.waiting_count, 0);
  EXPECT_GT(alpha.task_count, alpha.success_count + alpha.failed_count + alpha.running_count +
                                  alpha.cancelled_count + alpha.skipped_count +
                                  alpha.waiting_count);  // the unknown status
  EXPECT_TRUE(alpha.avg_duration_ms);
  const auto empty = ops().get_agent_execution_stats("alpha", 0);
  EXPECT_EQ(fields(empty), fields(ExecutionStats{}));
  EXPECT_EQ(fields(ops().get_agent_execution_stats("nobody")), fields(ExecutionStats{}));
}

TEST_P(ExecutionStatsTest, EveryAgentMatchesACountInCpp) {
  const Timestamp now = Timestamp::now();
  const std::vector<Spec> specs = rows(now);
  put(specs);
  for (std::int64_t hours : {24, 168}) {
    const auto all = ops().get_all_agents_execution_stats(hours);
    std::vector<std::string> names;
    for (const auto& a : all) {
      names.push_back(a.agent_name);
      EXPECT_EQ(fields(a.stats),
                fields(counted(specs, a.agent_name, before(now, std::chrono::hours(hours)))))
          << a.agent_name << " " << hours << " h";
    }
    const std::vector<std::string> want = hours == 24
                                              ? std::vector<std::string>{"alpha", "beta"}
                                              : std::vector<std::string>{"alpha", "beta", "delta"};
    EXPECT_EQ(names, want);
  }
  EXPECT_TRUE(ops().get_all_agents_execution_stats(0).empty());

  const auto dual = ops().get_all_agents_execution_stats_dual();
  ASSERT_EQ(dual.size(), 3u);
  EXPECT_EQ(dual[0].agent_name, "alpha");
  EXPECT_EQ(dual[2].agent_name, "delta");
  for (const auto& a : dual) {
    EXPECT_EQ(fields(a.day), fields(counted(specs, a.agent_name, before(now, 24h))))
        << a.agent_name;
    EXPECT_EQ(fields(a.week), fields(counted(specs, a.agent_name, before(now, 7 * 24h))))
        << a.agent_name;
  }
  EXPECT_EQ(dual[2].day.task_count, 0);
  EXPECT_FALSE(dual[2].day.last_execution_at);
}

TEST_P(ExecutionStatsTest, WindowsAreFollowedAsExecutionsFinish) {
  // Executions created through the operations: running ones count as running, not in the mean
  // duration; finishing one moves it.
  auto a = ops().create_task_execution({.agent_name = "alpha", .message = "a"});
  auto b = ops().create_task_execution({.agent_name = "alpha", .message = "b"});
  ASSERT_TRUE(a && b);
  auto s = ops().get_agent_execution_stats("alpha");
  EXPECT_EQ(s.task_count, 2);
  EXPECT_EQ(s.running_count, 2);
  EXPECT_FALSE(s.avg_duration_ms);
  EXPECT_EQ(s.total_cost, 0.0);
  EXPECT_EQ(s.last_execution_at, b->started_at);
  ASSERT_TRUE(ops().update_execution_status(a->id, {.status = "success", .cost = 0.75}));
  s = ops().get_agent_execution_stats("alpha");
  EXPECT_EQ(s.running_count, 1);
  EXPECT_EQ(s.success_count, 1);
  EXPECT_EQ(s.success_rate, 50.0);
  EXPECT_EQ(s.total_cost, 0.75);
  EXPECT_TRUE(s.avg_duration_ms);
}

TEST_P(ExecutionStatsTest, BadWindowsAreRefused) {
  EXPECT_THROW(ops().get_agent_execution_stats("alpha", -1), std::invalid_argument);
  EXPECT_THROW(ops().get_all_agents_execution_stats(-24), std::invalid_argument);
  EXPECT_THROW(ops().get_agent_execution_stats("alpha", 1LL << 40), std::invalid_argument);
  EXPECT_THROW(ops().get_all_agents_execution_stats(876'001), std::invalid_argument);
  EXPECT_NO_THROW(ops().get_all_agents_execution_stats(876'000));
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(ExecutionStatsTest);
