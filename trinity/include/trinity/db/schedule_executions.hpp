// ScheduleExecutionOperations: the executions half of ScheduleOperations (table
// schedule_executions): creating, dispatching and finishing executions, their history and
// statistics, and the watchdog's sweeps. ScheduleOperations derives from it, so callers reach
// every method through dbm.schedules().
//
//   auto e = dbm.schedules().create_task_execution({.agent_name = "coder", .message = "go"});
//   dbm.schedules().update_execution_status(e->id, {.status = "success", .response = "done"});
//
// States. An execution is created "running". update_execution_status() moves it only along these
// transitions (one guarded UPDATE: `status IN (the allowed predecessors)`), so a late report
// never revives a finished execution:
//
//   to             allowed from
//   pending        pending_retry
//   queued         pending, running, pending_retry
//   running        pending, queued, pending_retry, running
//   pending_retry  pending, queued, running
//   success        running
//   failed         pending, queued, running, pending_retry
//   cancelled      pending, queued, running, pending_retry
//   skipped        pending, queued, running, pending_retry
//
// success, failed, cancelled and skipped are terminal: nothing leaves them. Reaching one sets
// completed_at (now) and duration_ms (completed_at - started_at, computed from the started_at the
// same guarded UPDATE returns, written by a second UPDATE of that row in the same transaction:
// sqlcore has no portable difference of two timestamps).
//
// Sweeps (mark_stale_executions_failed, mark_no_session_executions_failed,
// finalize_orphaned_skipped_executions) are each one UPDATE whose cut-off is a bound timestamp:
// two workers sweeping at once fail each row once (PostgreSQL re-checks the status of a row the
// other sweep changed; SQLite runs writers one at a time), and the counts they return add up.
//
// Numbers: a negative limit, and a window (hours, timeout minutes or seconds) that is negative or
// longer than 876,000 hours (about 100 years), are std::invalid_argument before any statement; a
// limit of 0 gives an empty list.
//
// Manual and API tasks have no schedule, but schedule_id refers to agent_schedules.id (enforced).
// They get the original's marker schedule_id "__manual__" (kManualScheduleId): the first
// create_task_execution() writes a marker schedule row with that id, soft-deleted (deleted_at
// set), disabled, of no agent (agent_name "") and owned by the executing agent's owner, so it
// satisfies the key and no schedule operation lists or runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>

namespace trinity::db {

class Db;

/// The states of an execution (the original's TaskExecutionStatus).
namespace execution_status {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kPendingRetry = "pending_retry";
inline constexpr const char* kSuccess = "success";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kCancelled = "cancelled";
inline constexpr const char* kSkipped = "skipped";
}  // namespace execution_status

/// The schedule_id of executions that no schedule started (manual, MCP, agent-to-agent tasks).
inline constexpr const char* kManualScheduleId = "__manual__";

/// One execution as stored. The columns of the queue's leases, the channels and the loops are
/// not read here.
struct ScheduleExecution {
  std::string id{};
  /// kManualScheduleId for a task no schedule started.
  std::string schedule_id{};
  std::string agent_name{};
  std::string status{};
  sqlcore::Timestamp started_at{};
  std::optional<sqlcore::Timestamp> completed_at{};
  std::optional<std::int64_t> duration_ms{};
  std::string message{};
  std::optional<std::string> response{};
  std::optional<std::string> error{};
  /// "manual", "schedule", "mcp", "agent", "fan_out", ... (free text).
  std::string triggered_by{};
  std::optional<std::int64_t> context_used{};
  std::optional<std::int64_t> context_max{};
  std::optional<double> cost{};
  std::optional<sqlcore::Json> tool_calls{};
  std::optional<sqlcore::Json> execution_log{};
  std::optional<std::string> model_used{};
  std::optional<std::string> subscription_id{};
  std::int64_t attempt_number = 1;
  std::optional<std::string> retry_of_execution_id{};
  std::optional<sqlcore::Timestamp> retry_scheduled_at{};
  std::int64_t retry_count = 0;
  std::optional<std::string> business_status{};
  std::optional<sqlcore::Timestamp> validated_at{};
  std::optional<std::string> validation_execution_id{};
  std::optional<std::string> validates_execution_id{};
  std::optional<std::int64_t> source_user_id{};
  std::optional<std::string> source_user_email{};
  std::optional<std::string> source_agent_name{};
  std::optional<std::string> source_mcp_key_id{};
  std::optional<std::string> source_mcp_key_name{};
  /// "dispatched" once mark_execution_dispatched() claimed it, then the agent's session id.
  std::optional<std::string> claude_session_id{};
  std::optional<sqlcore::Timestamp> queued_at{};
  std::optional<std::string> fan_out_id{};
};

/// An execution for a list: ScheduleExecution without the large columns (response, error,
/// tool_calls, execution_log), which get_agent_executions_summary() does not fetch.
struct ExecutionSummary {
  std::string id{};
  std::string schedule_id{};
  std::string agent_name{};
  std::string status{};
  sqlcore::Timestamp started_at{};
  std::optional<sqlcore::Timestamp> completed_at{};
  std::optional<std::int64_t> duration_ms{};
  std::string message{};
  std::string triggered_by{};
  std::optional<std::int64_t> context_used{};
  std::optional<std::int64_t> context_max{};
  std::optional<double> cost{};
  std::optional<std::int64_t> source_user_id{};
  std::optional<std::string> source_user_email{};
  std::optional<std::string> source_agent_name{};
  std::optional<std::string> source_mcp_key_id{};
  std::optional<std::string> source_mcp_key_name{};
  std::optional<std::string> claude_session_id{};
  std::optional<std::string> model_used{};
  std::optional<std::string> fan_out_id{};
  std::optional<std::string> business_status{};
  std::optional<std::string> validation_execution_id{};
};

/// A new execution. The message is moved into the statement, never copied.
struct ExecutionCreate {
  std::string agent_name{};
  std::string message{};
  /// nullopt: "manual" for create_task_execution, "schedule" for create_schedule_execution.
  std::optional<std::string> triggered_by = std::nullopt;
  std::optional<std::int64_t> source_user_id = std::nullopt;
  std::optional<std::string> source_user_email = std::nullopt;
  std::optional<std::string> source_agent_name = std::nullopt;
  std::optional<std::string> source_mcp_key_id = std::nullopt;
  std::optional<std::string> source_mcp_key_name = std::nullopt;
  std::optional<std::string> model_used = std::nullopt;
  std::optional<std::string> fan_out_id = std::nullopt;
  std::optional<std::string> subscription_id = std::nullopt;
};

/// What update_execution_status() writes: the new status and the fields given (nullopt: the
/// stored value stays). Large values are moved into the statement, never copied.
struct ExecutionStatusUpdate {
  std::string status{};
  std::optional<std::string> response = std::nullopt;
  std::optional<std::string> error = std::nullopt;
  std::optional<std::int64_t> context_used = std::nullopt;
  std::optional<std::int64_t> context_max = std::nullopt;
  std::optional<double> cost = std::nullopt;
  std::optional<sqlcore::Json> tool_calls = std::nullopt;
  std::optional<sqlcore::Json> execution_log = std::nullopt;
  std::optional<std::string> claude_session_id = std::nullopt;
};

/// Counts over the executions that started in a window (started_at after its cut-off). Every
/// number comes from one SQL statement of conditional aggregates; the two derived values are
/// computed from those sums in C++, so they are the same on every backend.
struct ExecutionStats {
  /// Every execution in the window, whatever its status.
  std::int64_t task_count = 0;
  std::int64_t success_count = 0;
  std::int64_t failed_count = 0;
  std::int64_t running_count = 0;
  std::int64_t cancelled_count = 0;
  std::int64_t skipped_count = 0;
  /// pending, queued and pending_retry. A status outside the eight states counts only in
  /// task_count.
  std::int64_t waiting_count = 0;
  /// 100 * success_count / task_count (not rounded); 0 when task_count is 0.
  double success_rate = 0;
  /// The sum of the known costs (NULL costs count as nothing).
  double total_cost = 0;
  /// The mean duration_ms of the window's finished executions (terminal states) that recorded
  /// one, truncated to whole milliseconds; nullopt when there is none.
  std::optional<std::int64_t> avg_duration_ms{};
  /// The newest started_at in the window.
  std::optional<sqlcore::Timestamp> last_execution_at{};
};

/// One agent's statistics (get_all_agents_execution_stats).
struct AgentExecutionStats {
  std::string agent_name{};
  ExecutionStats stats{};
};

/// One agent's statistics over the last 24 hours and the last 7 days (168 hours), both windows
/// measured from one instant (get_all_agents_execution_stats_dual).
struct AgentExecutionStatsDual {
  std::string agent_name{};
  ExecutionStats day{};
  ExecutionStats week{};
};

/// A running execution (get_running_executions).
struct RunningExecution {
  std::string id{};
  std::string agent_name{};
  sqlcore::Timestamp started_at{};
  std::string schedule_id{};
};

/// A running execution with what the watchdog needs (get_running_executions_with_agent_info).
struct RunningExecutionInfo {
  std::string id{};
  std::string schedule_id{};
  std::string agent_name{};
  sqlcore::Timestamp started_at{};
  /// The schedule's timeout_seconds, else the agent's execution_timeout_seconds, else 900.
  std::int64_t timeout_seconds = 900;
  /// The agent's owner (users.id and username); nullopt when the agent has no ownership row.
  std::optional<std::int64_t> owner_id{};
  std::optional<std::string> owner_username{};
};

class ScheduleExecutionOperations {
 public:
  explicit ScheduleExecutionOperations(Db& db) : db_(db) {}

  /// Creates a running execution of a task no schedule started (schedule_id kManualScheduleId,
  /// see the top of this header), started_at now. nullopt when `agent_name` is not a registered
  /// agent (no ownership row, or soft-deleted); nothing is written then. An empty agent name or
  /// message is std::invalid_argument.
  std::optional<ScheduleExecution> create_task_execution(ExecutionCreate execution);
  /// Creates a running execution of the schedule `schedule_id`, started_at now. nullopt when
  /// there is no such schedule of `execution.agent_name` (unknown, soft-deleted, or another
  /// agent's); nothing is written then. An empty agent name or message is std::invalid_argument.
  std::optional<ScheduleExecution> create_schedule_execution(const std::string& schedule_id,
                                                             ExecutionCreate execution);
  /// Claims the execution for dispatch: sets claude_session_id to "dispatched" when it is running
  /// and has no session yet (NULL or ""), so the no-session sweep leaves it alone. One
  /// conditional UPDATE: of several concurrent callers exactly one gets true. False for an
  /// unknown execution or one already claimed or not running.
  bool mark_execution_dispatched(const std::string& execution_id);
  /// Moves the execution to `update.status` along the transitions at the top of this header and
  /// writes the fields given; a terminal status also sets completed_at and duration_ms. False
  /// when there is no such execution or its state does not allow the move (nothing is written
  /// then). An unknown status is std::invalid_argument.
  bool update_execution_status(const std::string& execution_id, ExecutionStatusUpdate update);

  /// The schedule's executions, newest first (started_at, then id), at most `limit`.
  std::vector<ScheduleExecution> get_schedule_executions(const std::string& schedule_id,
                                                         std::int64_t limit = 50);
  /// The agent's executions of every schedule and task, newest first, at most `limit`.
  std::vector<ScheduleExecution> get_agent_executions(const std::string& agent_name,
                                                      std::int64_t limit = 50);
  /// The same list without the large columns (see ExecutionSummary): they are not selected.
  std::vector<ExecutionSummary> get_agent_executions_summary(const std::string& agent_name,
                                                             std::int64_t limit = 50);
  std::optional<ScheduleExecution> get_execution(const std::string& execution_id);

  /// The agent's statistics over the executions started in the last `hours` hours (0: an empty
  /// window). One statement.
  ExecutionStats get_agent_execution_stats(const std::string& agent_name, std::int64_t hours = 24);
  /// Every agent with an execution started in the last `hours` hours, by agent name. One
  /// statement (GROUP BY agent_name).
  std::vector<AgentExecutionStats> get_all_agents_execution_stats(std::int64_t hours = 24);
  /// Every agent with an execution started in the last 7 days, by agent name, with its
  /// statistics over the last 24 hours (`day`, zero counts when none) and the last 7 days
  /// (`week`). One statement.
  std::vector<AgentExecutionStatsDual> get_all_agents_execution_stats_dual();

  /// Every running execution, oldest first (startup recovery).
  std::vector<RunningExecution> get_running_executions();
  /// Fails running executions that started more than `timeout_minutes` ago: status failed,
  /// completed_at now, an error saying why; duration_ms stays NULL (the execution never
  /// reported its end). One UPDATE; returns how many.
  std::int64_t mark_stale_executions_failed(std::int64_t timeout_minutes = 30);
  /// Fails running executions without a session (claude_session_id NULL or "") that started
  /// more than `timeout_seconds` ago (silent launch failures), like the stale sweep. One UPDATE;
  /// returns how many.
  std::int64_t mark_no_session_executions_failed(std::int64_t timeout_seconds = 60);
  /// Fails the execution with `error` when it is still running (a reclaimed slot); completed_at
  /// and duration_ms as update_execution_status sets them. False otherwise.
  bool fail_stale_slot_execution(const std::string& execution_id, const std::string& error);
  /// Finalises skipped executions never given a completed_at: status failed (as the original
  /// did), completed_at = started_at, duration_ms 0, an error saying why. One UPDATE; returns
  /// how many.
  std::int64_t finalize_orphaned_skipped_executions();
  /// Every running execution with its effective timeout and its agent's owner, oldest first. One
  /// statement (outer joins of agent_schedules, agent_ownership and users; a soft-deleted
  /// schedule or agent still gives its timeout).
  std::vector<RunningExecutionInfo> get_running_executions_with_agent_info();
  /// Fails the execution with `error_message` when it is still running (the watchdog's
  /// timeout), as fail_stale_slot_execution does. False otherwise.
  bool mark_execution_failed_by_watchdog(const std::string& execution_id,
                                         const std::string& error_message);

 protected:
  Db& db_;
};

}  // namespace trinity::db
