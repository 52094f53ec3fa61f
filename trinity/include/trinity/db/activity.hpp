// ActivityOperations: what agents are doing (chat turns, tool calls, schedule runs), as rows of
// agent_activities that start in "started" and end "completed" or "failed".
//
//   auto id = dbm.activities().create_activity({.agent_name = "a1", .activity_type = "chat_start",
//                                               .triggered_by = "user"});
//   dbm.activities().complete_activity(id);                          // completed, with duration
//   dbm.activities().mark_stale_activities_failed(30);               // started > 30 min ago
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

/// The states of an activity (the original's ActivityState).
namespace activity_state {
inline constexpr const char* kStarted = "started";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kFailed = "failed";
}  // namespace activity_state

struct ActivityCreate {
  std::string agent_name;
  /// e.g. "chat_start", "tool_call", "schedule_start" (free text).
  std::string activity_type;
  std::string activity_state = activity_state::kStarted;
  /// Who or what started it: "user", "schedule", "agent", ...
  std::string triggered_by = "user";
  std::optional<std::string> parent_activity_id{};
  std::optional<std::int64_t> user_id{};
  std::optional<std::string> related_chat_message_id{};
  std::optional<std::string> related_execution_id{};
  std::optional<sqlcore::Json> details{};
};

struct Activity {
  std::string id;
  std::string agent_name;
  std::string activity_type;
  std::string activity_state;
  std::optional<std::string> parent_activity_id;
  sqlcore::Timestamp started_at;
  std::optional<sqlcore::Timestamp> completed_at;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::int64_t> user_id;
  std::string triggered_by;
  std::optional<std::string> related_chat_message_id;
  std::optional<std::string> related_execution_id;
  std::optional<sqlcore::Json> details;
  std::optional<std::string> error;
  std::optional<sqlcore::Timestamp> created_at;
};

class ActivityOperations {
 public:
  explicit ActivityOperations(Db& db) : db_(db) {}

  /// Records a new activity (started_at = created_at = now) and returns its id. A parent,
  /// chat message or execution that does not exist is a sqlcore::IntegrityError (foreign keys).
  std::string create_activity(const ActivityCreate& activity);
  /// Ends the activity: state `status`, completed_at = now, duration_ms from started_at; `details`
  /// and `error` replace the stored ones when given (kept otherwise). False when there is no such
  /// activity. An activity already ended (e.g. marked failed as stale) can still be completed:
  /// the late report is the better information.
  bool complete_activity(const std::string& activity_id,
                         const std::string& status = activity_state::kCompleted,
                         const std::optional<sqlcore::Json>& details = std::nullopt,
                         const std::optional<std::string>& error = std::nullopt);
  std::optional<Activity> get_activity(const std::string& activity_id);
  /// The agent's activities, newest first (created_at, then started_at), at most `limit`.
  std::vector<Activity> get_agent_activities(
      const std::string& agent_name, const std::optional<std::string>& activity_type = std::nullopt,
      const std::optional<std::string>& activity_state = std::nullopt, std::int64_t limit = 100);
  /// Activities of every agent created in [start_time, end_time] (both inclusive, each bound
  /// optional), of the given types when given (an empty list matches none), newest first.
  std::vector<Activity> get_activities_in_range(
      const std::optional<sqlcore::Timestamp>& start_time = std::nullopt,
      const std::optional<sqlcore::Timestamp>& end_time = std::nullopt,
      const std::optional<std::vector<std::string>>& activity_types = std::nullopt,
      std::int64_t limit = 100);
  /// Marks activities still "started" whose started_at is more than `timeout_minutes` ago as
  /// "failed" (completed_at = now, an error saying why; duration_ms stays unknown). Returns how
  /// many.
  std::int64_t mark_stale_activities_failed(std::int64_t timeout_minutes = 30);
  /// The agent's activities still "started", newest first.
  std::vector<Activity> get_current_activities(const std::string& agent_name);

 private:
  Db& db_;
};

}  // namespace trinity::db
