// ScheduleExecutionOperations: the execution statistics (see ExecutionStats in
// schedule_executions.hpp). Each method is one SELECT of conditional aggregates (COUNT / SUM /
// MAX over CASE WHEN) on a window whose cut-off is a bound timestamp; the success rate and the
// mean duration are divided in C++ from the sums, so both backends give the same numbers.
#include "trinity/db/schedule_executions.hpp"

#include "operation.hpp"

#include <chrono>

#include "text.hpp"
#include "time_window.hpp"

namespace trinity::db {

namespace {

using namespace execution_status;

/// `now` minus `hours` hours (std::invalid_argument for a window that is negative or too long).
Timestamp hours_before(Timestamp now, std::int64_t hours) {
  checked_window(hours, kMaxWindowHours, "hours");
  return Timestamp(now.time_point() - std::chrono::hours(hours));
}

/// Per agent (in name order), the executions started after `since`: add the aggregates.
Select per_agent(const ScheduleExecutions& t, Timestamp since) {
  Select q = select(t.agent_name);
  q.select_from(t).where(t.started_at > since).group_by({t.agent_name}).order_by({t.agent_name});
  return q;
}

/// The aggregates ExecutionStats is read from, over the rows of the statement where `in` holds
/// (all of them when nullopt), each labelled with its name and `suffix`.
std::vector<Expr> aggregates(const ScheduleExecutions& t, const std::optional<Expr>& in,
                             const std::string& suffix) {
  const auto when = [&](const Expr& cond) { return in ? *in && cond : cond; };
  const auto within = [&](const Expr& value) {
    return in ? sqlcore::case_({{*in, value}}) : value;
  };
  const auto counted = [&](const Expr& cond, const char* name) {
    return count(sqlcore::case_({{when(cond), t.id}})).label(name + suffix);
  };
  const Expr finished = t.status.in_({kSuccess, kFailed, kCancelled, kSkipped});
  const Expr duration = sqlcore::case_({{when(finished), t.duration_ms}});
  return {
      count(within(t.id)).label("task_count" + suffix),
      counted(t.status == kSuccess, "success_count"),
      counted(t.status == kFailed, "failed_count"),
      counted(t.status == kRunning, "running_count"),
      counted(t.status == kCancelled, "cancelled_count"),
      counted(t.status == kSkipped, "skipped_count"),
      counted(t.status.in_({kPending, kQueued, kPendingRetry}), "waiting_count"),
      sqlcore::sum(within(t.cost)).label("cost_sum" + suffix),
      sqlcore::cast(sqlcore::sum(duration), sqlcore::types::BigInteger)
          .label("duration_sum" + suffix),
      count(duration).label("duration_count" + suffix),
      sqlcore::max(within(t.started_at)).label("last_started" + suffix),
  };
}

/// The ExecutionStats of a row of aggregates() labelled with `suffix`.
ExecutionStats stats_of(const Row& r, const std::string& suffix) {
  const auto n = [&](const char* name) { return r.get<std::int64_t>(name + suffix); };
  ExecutionStats s{.task_count = n("task_count"),
                   .success_count = n("success_count"),
                   .failed_count = n("failed_count"),
                   .running_count = n("running_count"),
                   .cancelled_count = n("cancelled_count"),
                   .skipped_count = n("skipped_count"),
                   .waiting_count = n("waiting_count")};
  if (s.task_count > 0)
    s.success_rate =
        100.0 * static_cast<double>(s.success_count) / static_cast<double>(s.task_count);
  s.total_cost = r.get<std::optional<double>>("cost_sum" + suffix).value_or(0.0);
  if (const std::int64_t finished = n("duration_count"); finished > 0)
    s.avg_duration_ms = r.get<std::int64_t>("duration_sum" + suffix) / finished;
  s.last_execution_at = r.get<std::optional<Timestamp>>("last_started" + suffix);
  return s;
}

}  // namespace

ExecutionStats ScheduleExecutionOperations::get_agent_execution_stats(const std::string& agent_name,
                                                                      std::int64_t hours) {
  const auto& t = db_.schema().schedule_executions;
  const Timestamp since = hours_before(Timestamp::now(), hours);
  Select q = select(aggregates(t, std::nullopt, ""));
  q.select_from(t).where(t.agent_name == agent_name && t.started_at > since);
  return db_.read([&](Connection& c) { return stats_of(c.execute(q).one(), ""); });
}

std::vector<AgentExecutionStats> ScheduleExecutionOperations::get_all_agents_execution_stats(
    std::int64_t hours) {
  const auto& t = db_.schema().schedule_executions;
  Select q = per_agent(t, hours_before(Timestamp::now(), hours));
  q.add_columns(aggregates(t, std::nullopt, ""));
  return db_.read([&](Connection& c) {
    std::vector<AgentExecutionStats> out;
    for (const Row& r : c.execute(q)) out.push_back({r.get(t.agent_name), stats_of(r, "")});
    return out;
  });
}

std::vector<AgentExecutionStatsDual>
ScheduleExecutionOperations::get_all_agents_execution_stats_dual() {
  const auto& t = db_.schema().schedule_executions;
  const Timestamp now = Timestamp::now();
  Select q = per_agent(t, hours_before(now, 7 * 24));
  q.add_columns(aggregates(t, t.started_at > hours_before(now, 24), "_day"))
      .add_columns(aggregates(t, std::nullopt, "_week"));
  return db_.read([&](Connection& c) {
    std::vector<AgentExecutionStatsDual> out;
    for (const Row& r : c.execute(q))
      out.push_back({r.get(t.agent_name), stats_of(r, "_day"), stats_of(r, "_week")});
    return out;
  });
}

}  // namespace trinity::db
