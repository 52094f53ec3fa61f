// ScheduleExecutionOperations: creating, moving and sweeping executions (see
// schedule_executions.hpp); the statistics are in execution_stats.cpp.
#include "trinity/db/schedule_executions.hpp"

#include "operation.hpp"

#include <algorithm>
#include <string_view>

#include "agent_rules.hpp"
#include "execution_sweeps.hpp"
#include "manual_schedule.hpp"
#include "text.hpp"
#include "time_window.hpp"

namespace trinity::db {

namespace {

using namespace execution_status;

/// A target state, the states it may be reached from, and whether it ends the execution.
struct Transition {
  std::string_view to;
  std::vector<Value> from;
  bool terminal = false;
};

/// The transition table of the header; std::invalid_argument for an unknown status.
const Transition& transition_to(const std::string& status) {
  static const std::vector<Transition> table = {
      {kPending, {kPendingRetry}, false},
      {kQueued, {kPending, kRunning, kPendingRetry}, false},
      {kRunning, {kPending, kQueued, kPendingRetry, kRunning}, false},
      {kPendingRetry, {kPending, kQueued, kRunning}, false},
      {kSuccess, {kRunning}, true},
      {kFailed, {kPending, kQueued, kRunning, kPendingRetry}, true},
      {kCancelled, {kPending, kQueued, kRunning, kPendingRetry}, true},
      {kSkipped, {kPending, kQueued, kRunning, kPendingRetry}, true},
  };
  for (const Transition& t : table)
    if (t.to == status) return t;
  throw std::invalid_argument("trinity-db: unknown execution status '" + status + "'");
}

/// Sets `set` on the execution `id` when its status is one of `from` (one guarded UPDATE
/// returning started_at); a terminal move also sets completed_at and then duration_ms. True when
/// the execution moved.
bool move_execution(Connection& c, const ScheduleExecutions& t, const std::string& id,
                    std::vector<Assignment> set, std::vector<Value> from, bool terminal) {
  const Timestamp now = Timestamp::now();
  if (terminal) set.emplace_back(t.completed_at, now);
  auto moved = c.execute(update(t)
                             .set(std::move(set))
                             .where(t.id == id && t.status.in_(std::move(from)))
                             .returning({t.started_at}))
                   .first();
  if (!moved || !terminal) return moved.has_value();
  const std::int64_t started = moved->get(t.started_at).micros();
  const std::int64_t duration_ms = std::max<std::int64_t>(0, (now.micros() - started) / 1000);
  c.execute(update(t).set({{t.duration_ms, duration_ms}}).where(t.id == id));
  return true;
}

/// Fails the execution with `error` when it is running.
bool fail_if_running(Db& db, const std::string& id, const std::string& error) {
  const auto& t = db.schema().schedule_executions;
  return db.run([&](Connection& c) {
    return move_execution(c, t, id, {{t.status, kFailed}, {t.error, error}}, {kRunning}, true);
  });
}

/// Runs a sweep in a transaction of its own; returns the rows it changed.
std::int64_t sweep(Db& db, const Dml& statement) {
  return db.run(
      [&](Connection& c) { return std::max<std::int64_t>(0, c.execute(statement).rowcount()); });
}

/// Checks a new execution's input (std::invalid_argument): the agent name trimmed and
/// non-empty, a message that is not blank, a trigger that is not blank when given.
void check_new(ExecutionCreate& e) {
  e.agent_name = checked_name(e.agent_name, "agent name");
  if (e.message.find_first_not_of(" \t\r\n") == std::string::npos)
    throw std::invalid_argument("trinity-db: an execution needs a message");
  if (e.triggered_by) e.triggered_by = checked_name(*e.triggered_by, "triggered_by");
}

/// Writes a running execution of `e` (its strings moved in) and returns it as stored.
ScheduleExecution insert_execution(Db& db, Connection& c, ExecutionCreate&& e,
                                   std::string schedule_id, const char* trigger) {
  ScheduleExecution x{.id = new_id(),
                      .schedule_id = std::move(schedule_id),
                      .agent_name = std::move(e.agent_name),
                      .status = kRunning,
                      .started_at = Timestamp::now(),
                      .message = std::move(e.message),
                      .triggered_by = std::move(e.triggered_by).value_or(trigger),
                      .model_used = std::move(e.model_used),
                      .subscription_id = std::move(e.subscription_id),
                      .source_user_id = e.source_user_id,
                      .source_user_email = std::move(e.source_user_email),
                      .source_agent_name = std::move(e.source_agent_name),
                      .source_mcp_key_id = std::move(e.source_mcp_key_id),
                      .source_mcp_key_name = std::move(e.source_mcp_key_name),
                      .fan_out_id = std::move(e.fan_out_id)};
  const auto& t = db.schema().schedule_executions;
  c.execute(insert(t).values(db.models().schedule_execution.values(x)));
  return x;
}

/// ORDER BY for execution lists: newest first.
std::vector<Expr> newest_first(const ScheduleExecutions& t) {
  return {t.started_at.desc(), t.id.desc()};
}

}  // namespace

// Soft-deleted, disabled, of no agent: no schedule operation lists or runs it.
void write_manual_schedule(Connection& c, const AgentSchedules& s, std::int64_t owner) {
  const Timestamp now = Timestamp::now();
  c.execute(insert(s)
                .values({{s.id, kManualScheduleId},
                         {s.agent_name, ""},
                         {s.name, "Manual and API tasks"},
                         {s.cron_expression, ""},
                         {s.message, ""},
                         {s.enabled, false},
                         {s.owner_id, owner},
                         {s.created_at, now},
                         {s.updated_at, now},
                         {s.deleted_at, now}})
                .on_conflict({s.id})
                .do_nothing());
}

std::optional<ScheduleExecution> ScheduleExecutionOperations::create_task_execution(
    ExecutionCreate execution) {
  check_new(execution);
  return db_.run([&](Connection& c) -> std::optional<ScheduleExecution> {
    const auto& a = db_.schema().agent_ownership;
    // Locked: a concurrent delete of the agent waits, then removes this execution too.
    auto owner = c.execute(select(a.owner_id).where(is_agent(a, execution.agent_name)).for_update())
                     .scalar<std::optional<std::int64_t>>();
    if (!owner) return std::nullopt;
    write_manual_schedule(c, db_.schema().agent_schedules, *owner);
    return insert_execution(db_, c, std::move(execution), kManualScheduleId, "manual");
  });
}

std::optional<ScheduleExecution> ScheduleExecutionOperations::create_schedule_execution(
    const std::string& schedule_id, ExecutionCreate execution) {
  check_new(execution);
  return db_.run([&](Connection& c) -> std::optional<ScheduleExecution> {
    const auto& s = db_.schema().agent_schedules;
    // Locked: the schedule cannot be deleted between this check and the insert.
    if (!c.execute(select(s.id)
                       .where(s.id == schedule_id && s.agent_name == execution.agent_name &&
                              s.deleted_at.is_null())
                       .for_update())
             .first())
      return std::nullopt;
    return insert_execution(db_, c, std::move(execution), schedule_id, "schedule");
  });
}

bool ScheduleExecutionOperations::mark_execution_dispatched(const std::string& execution_id) {
  const auto& t = db_.schema().schedule_executions;
  return db_.run([&](Connection& c) {
    return c.execute(update(t)
                         .set({{t.claude_session_id, "dispatched"}})
                         .where(t.id == execution_id && t.status == kRunning && without_session(t)))
               .rowcount() > 0;
  });
}

bool ScheduleExecutionOperations::update_execution_status(const std::string& execution_id,
                                                          ExecutionStatusUpdate update) {
  const Transition& move = transition_to(update.status);
  const auto& t = db_.schema().schedule_executions;
  std::vector<Assignment> set{{t.status, std::move(update.status)}};
  if (update.response) set.emplace_back(t.response, std::move(*update.response));
  if (update.error) set.emplace_back(t.error, std::move(*update.error));
  if (update.context_used) set.emplace_back(t.context_used, *update.context_used);
  if (update.context_max) set.emplace_back(t.context_max, *update.context_max);
  if (update.cost) set.emplace_back(t.cost, *update.cost);
  if (update.tool_calls) set.emplace_back(t.tool_calls, std::move(*update.tool_calls));
  if (update.execution_log) set.emplace_back(t.execution_log, std::move(*update.execution_log));
  if (update.claude_session_id)
    set.emplace_back(t.claude_session_id, std::move(*update.claude_session_id));
  return db_.run([&](Connection& c) {
    return move_execution(c, t, execution_id, std::move(set), move.from, move.terminal);
  });
}

std::vector<ScheduleExecution> ScheduleExecutionOperations::get_schedule_executions(
    const std::string& schedule_id, std::int64_t limit) {
  if (checked_count(limit, "limit") == 0) return {};
  const auto& [t, m] = std::tie(db_.schema().schedule_executions, db_.models().schedule_execution);
  return db_.all(
      m, m.select().where(t.schedule_id == schedule_id).order_by(newest_first(t)).limit(limit));
}

std::vector<ScheduleExecution> ScheduleExecutionOperations::get_agent_executions(
    const std::string& agent_name, std::int64_t limit) {
  if (checked_count(limit, "limit") == 0) return {};
  const auto& [t, m] = std::tie(db_.schema().schedule_executions, db_.models().schedule_execution);
  return db_.all(
      m, m.select().where(t.agent_name == agent_name).order_by(newest_first(t)).limit(limit));
}

std::vector<ExecutionSummary> ScheduleExecutionOperations::get_agent_executions_summary(
    const std::string& agent_name, std::int64_t limit) {
  if (checked_count(limit, "limit") == 0) return {};
  const auto& [t, m] = std::tie(db_.schema().schedule_executions, db_.models().execution_summary);
  return db_.all(
      m, m.select().where(t.agent_name == agent_name).order_by(newest_first(t)).limit(limit));
}

std::optional<ScheduleExecution> ScheduleExecutionOperations::get_execution(
    const std::string& execution_id) {
  const auto& [t, m] = std::tie(db_.schema().schedule_executions, db_.models().schedule_execution);
  return db_.find(m, t.id == execution_id);
}

std::vector<RunningExecution> ScheduleExecutionOperations::get_running_executions() {
  const auto& [t, m] = std::tie(db_.schema().schedule_executions, db_.models().running_execution);
  return db_.all(m, m.select().where(t.status == kRunning).order_by({t.started_at, t.id}));
}

std::int64_t ScheduleExecutionOperations::mark_stale_executions_failed(
    std::int64_t timeout_minutes) {
  checked_window(timeout_minutes, kMaxWindowHours * 60, "timeout_minutes");
  return sweep(db_, stale_executions_sweep(db_.schema().schedule_executions, timeout_minutes));
}

std::int64_t ScheduleExecutionOperations::mark_no_session_executions_failed(
    std::int64_t timeout_seconds) {
  checked_window(timeout_seconds, kMaxWindowHours * 3600, "timeout_seconds");
  return sweep(db_, no_session_executions_sweep(db_.schema().schedule_executions, timeout_seconds));
}

bool ScheduleExecutionOperations::fail_stale_slot_execution(const std::string& execution_id,
                                                            const std::string& error) {
  return fail_if_running(db_, execution_id, error);
}

std::int64_t ScheduleExecutionOperations::finalize_orphaned_skipped_executions() {
  return sweep(db_, orphaned_skipped_executions_sweep(db_.schema().schedule_executions));
}

std::vector<RunningExecutionInfo>
ScheduleExecutionOperations::get_running_executions_with_agent_info() {
  const Schema& s = db_.schema();
  const auto& [t, sch, a, u] =
      std::tie(s.schedule_executions, s.agent_schedules, s.agent_ownership, s.users);
  const auto& m = db_.models().running_execution_info;
  const Expr timeout = coalesce({sch.timeout_seconds, a.execution_timeout_seconds, 900});
  Select q = m.select();
  q.add_columns({timeout.label("timeout_seconds")})
      .outer_join(sch, t.schedule_id == sch.id)
      .outer_join(a, t.agent_name == a.agent_name)
      .outer_join(u, a.owner_id == u.id)
      .where(t.status == kRunning)
      .order_by({t.started_at, t.id});
  return db_.read([&](Connection& c) {
    std::vector<RunningExecutionInfo> out;
    for (const Row& r : c.execute(q)) {
      out.push_back(m.read(r));
      out.back().timeout_seconds = r.get<std::int64_t>("timeout_seconds");
    }
    return out;
  });
}

bool ScheduleExecutionOperations::mark_execution_failed_by_watchdog(
    const std::string& execution_id, const std::string& error_message) {
  return fail_if_running(db_, execution_id, error_message);
}

}  // namespace trinity::db
