// ScheduleOperations: agents' schedules (cron and webhook triggers, table agent_schedules), their
// git configuration (agent_git_config) and, through ScheduleExecutionOperations, the executions
// they and other triggers start (schedule_executions).
//
//   auto s = dbm.schedules().create_schedule("coder", "ada", {.name = "nightly", ...});
//   dbm.schedules().set_schedule_enabled(s->id, false);
//
// Rules (where the original left them open):
// - A schedule is seen while it is not soft-deleted (deleted_at IS NULL) and its agent is
//   registered (agent_ownership row not soft-deleted). Every get, list, count and update ignores
//   the others: an update of one returns nullopt / false, as for an unknown id.
// - delete_schedule() and delete_agent_schedules() soft-delete (deleted_at = now): executions
//   keep pointing at their schedule (schedule_executions.schedule_id is a foreign key).
// - Who creates: a user who may access the agent (an admin, its owner, a user it is shared with;
//   the rule of AgentOperations). Who updates or deletes: a user who may access the agent and
//   owns the schedule, or the agent's owner, or an admin.
// - Bad input is std::invalid_argument naming the field, before any statement: a cron expression
//   that is not five valid fields, a time zone the tz database does not have, an empty name or
//   message, a negative or too large count or duration (see ScheduleCreate). docs/trinity.md,
//   "Cron expressions and time zones", gives the accepted forms.
// - Lists are ordered by agent name, schedule name, then id.
// - Git configuration: one per agent (unique agent_name), only for registered agents; reads,
//   updates and deletes take any name. list_git_enabled_agents() lists registered agents only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

#include "trinity/db/schedule_executions.hpp"

namespace trinity::db {

class Db;
class UserOperations;
class AgentOperations;

/// A schedule as stored. The webhook fields are read-only here (no method sets them).
struct Schedule {
  std::string id;
  std::string agent_name;
  std::string name;
  /// Five fields, separated by one space.
  std::string cron_expression;
  /// What the agent is told when the schedule fires.
  std::string message;
  bool enabled = true;
  /// An IANA time zone ("UTC", "Europe/Berlin") the cron expression is read in.
  std::string timezone = "UTC";
  std::optional<std::string> description;
  /// users.id of the user who created it.
  std::int64_t owner_id = 0;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
  std::optional<sqlcore::Timestamp> last_run_at;
  std::optional<sqlcore::Timestamp> next_run_at;
  std::optional<std::int64_t> timeout_seconds;
  /// The tools the agent may use when run by the schedule; nullopt: no restriction.
  std::optional<std::vector<std::string>> allowed_tools;
  std::optional<std::string> model;
  std::int64_t max_retries = 0;
  std::int64_t retry_delay_seconds = 60;
  bool validation_enabled = false;
  std::optional<std::string> validation_prompt;
  std::int64_t validation_timeout_seconds = 120;
  std::optional<std::string> webhook_token;
  bool webhook_enabled = false;
  bool webhook_auth_enabled = false;
  std::optional<std::string> deliver_to_workspace_email;

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

/// What create_schedule() needs; the defaults are the columns'. Counts and durations: timeouts
/// 1 to 2^31-1 seconds, max_retries and retry_delay_seconds 0 to 2^31-1.
struct ScheduleCreate {
  std::string name;
  std::string cron_expression;
  std::string message;
  bool enabled = true;
  std::string timezone = "UTC";
  std::optional<std::string> description = std::nullopt;
  std::optional<std::int64_t> timeout_seconds = std::nullopt;
  std::optional<std::vector<std::string>> allowed_tools = std::nullopt;
  std::optional<std::string> model = std::nullopt;
  std::int64_t max_retries = 0;
  std::int64_t retry_delay_seconds = 60;
  bool validation_enabled = false;
  std::optional<std::string> validation_prompt = std::nullopt;
  std::int64_t validation_timeout_seconds = 120;
  std::optional<std::string> deliver_to_workspace_email = std::nullopt;
};

/// The fields update_schedule() changes; the ones left nullopt keep their stored value. Checked
/// as in ScheduleCreate.
struct ScheduleUpdate {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> cron_expression = std::nullopt;
  std::optional<std::string> message = std::nullopt;
  std::optional<bool> enabled = std::nullopt;
  std::optional<std::string> timezone = std::nullopt;
  std::optional<std::string> description = std::nullopt;
  std::optional<std::int64_t> timeout_seconds = std::nullopt;
  std::optional<std::vector<std::string>> allowed_tools = std::nullopt;
  std::optional<std::string> model = std::nullopt;
  std::optional<std::int64_t> max_retries = std::nullopt;
  std::optional<std::int64_t> retry_delay_seconds = std::nullopt;
  std::optional<bool> validation_enabled = std::nullopt;
  std::optional<std::string> validation_prompt = std::nullopt;
  std::optional<std::int64_t> validation_timeout_seconds = std::nullopt;
  std::optional<std::string> deliver_to_workspace_email = std::nullopt;
};

/// How many schedules an agent has (get_all_agents_schedule_counts()).
struct ScheduleCounts {
  std::int64_t total = 0;
  std::int64_t enabled = 0;
  std::int64_t disabled = 0;
};

/// An agent's git configuration (the model of table agent_git_config; the encrypted access
/// token is not read).
struct GitConfig {
  std::string id;
  std::string agent_name;
  std::string github_repo;
  std::string working_branch;
  std::string instance_id;
  std::string source_branch = "main";
  /// The agent works on source_branch itself instead of its own working branch.
  bool source_mode = false;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> last_sync_at;
  std::optional<std::string> last_commit_sha;
  bool sync_enabled = true;
  /// The paths synchronised (stored as a JSON array of strings); empty: the whole repository.
  std::vector<std::string> sync_paths;
  bool auto_sync_enabled = false;
  bool freeze_schedules_if_sync_failing = false;

  friend bool operator==(const GitConfig&, const GitConfig&) = default;
};

/// What create_git_config() needs beside the agent's name. Repository, branches and instance
/// id must not be empty; the paths are trimmed and none may be empty.
struct GitConfigCreate {
  std::string github_repo;
  std::string working_branch;
  std::string instance_id;
  std::vector<std::string> sync_paths = {};
  std::string source_branch = "main";
  bool source_mode = false;
};

class ScheduleOperations : public ScheduleExecutionOperations {
 public:
  /// `users` and `agents` resolve the users and agents schedules name.
  ScheduleOperations(Db& db, UserOperations& users, AgentOperations& agents)
      : ScheduleExecutionOperations(db), users_(users), agents_(agents) {}

  // --- Schedules -------------------------------------------------------------------------
  /// The new schedule of `agent_name`, owned by `username` (a new id, created_at = updated_at =
  /// now). nullopt when the agent is not registered, the user does not exist, or the user may
  /// not access the agent. Bad input (see the rules) is std::invalid_argument, nothing written.
  std::optional<Schedule> create_schedule(const std::string& agent_name,
                                          const std::string& username,
                                          const ScheduleCreate& schedule_data);
  std::optional<Schedule> get_schedule(const std::string& schedule_id);
  /// The agent's schedules, ordered by name, then id.
  std::vector<Schedule> list_agent_schedules(const std::string& agent_name);
  /// Every enabled schedule (what the scheduler runs), ordered by agent name, name, id.
  std::vector<Schedule> list_all_enabled_schedules();
  /// Every disabled schedule, ordered by agent name, name, id.
  std::vector<Schedule> list_all_disabled_schedules();
  /// Every schedule, ordered by agent name, name, id.
  std::vector<Schedule> list_all_schedules();
  /// Changes the fields given (updated_at = now) and returns the schedule as stored; nullopt when
  /// there is no such schedule or `username` may not change it (see the rules). One UPDATE with
  /// the permission as its condition. Bad input is std::invalid_argument, nothing written.
  std::optional<Schedule> update_schedule(const std::string& schedule_id,
                                          const std::string& username,
                                          const ScheduleUpdate& updates);
  /// Soft-deletes the schedule (deleted_at = now); true when it was there and `username` may
  /// delete it. Its executions stay.
  bool delete_schedule(const std::string& schedule_id, const std::string& username);
  /// True when the schedule exists (updated_at = now).
  bool set_schedule_enabled(const std::string& schedule_id, bool enabled);
  /// Sets the run times given (the others keep theirs) and updated_at = now; true when the
  /// schedule exists.
  bool update_schedule_run_times(
      const std::string& schedule_id,
      const std::optional<sqlcore::Timestamp>& last_run_at = std::nullopt,
      const std::optional<sqlcore::Timestamp>& next_run_at = std::nullopt);
  /// Soft-deletes every schedule of `agent_name` (registered or not); returns how many.
  std::int64_t delete_agent_schedules(const std::string& agent_name);
  /// agent name -> its schedules counted (total, enabled, disabled), for every agent that has
  /// one: one statement.
  std::map<std::string, ScheduleCounts> get_all_agents_schedule_counts();

  // --- Git configuration -----------------------------------------------------------------
  /// The new configuration of `agent_name` (created_at = now, sync enabled); nullopt when the
  /// agent has one already (kept as it is; two concurrent calls make one). NotFoundError when
  /// the agent is not registered; DuplicateError when another agent's configuration (not in
  /// source mode) has the same repository and working branch. Bad input is
  /// std::invalid_argument, nothing written.
  std::optional<GitConfig> create_git_config(const std::string& agent_name,
                                             const GitConfigCreate& config);
  std::optional<GitConfig> get_git_config(const std::string& agent_name);
  /// Records a synchronisation: last_commit_sha = `commit_sha` (4 to 64 hex digits, else
  /// std::invalid_argument), last_sync_at = now. True when the agent has a configuration.
  bool update_git_sync(const std::string& agent_name, const std::string& commit_sha);
  /// True when the agent has a configuration.
  bool set_git_sync_enabled(const std::string& agent_name, bool enabled);
  /// True when the agent had a configuration.
  bool delete_git_config(const std::string& agent_name);
  /// The configurations with sync enabled, of registered agents, ordered by agent name.
  std::vector<GitConfig> list_git_enabled_agents();

 private:
  UserOperations& users_;
  AgentOperations& agents_;
};

}  // namespace trinity::db
