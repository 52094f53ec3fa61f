// NotificationOperations: what agents tell people (table agent_notifications): a notification is
// "pending" until someone acknowledges or dismisses it.
//
//   auto n = dbm.notifications().create_notification(
//       "coder", {.notification_type = "alert", .title = "Build failed", .priority = "high"});
//   dbm.notifications().acknowledge_notification(n.id, "ada");
//
// Rules (where the original left them open):
// - Acknowledging and dismissing are each one guarded UPDATE ... RETURNING from "pending" only:
//   a notification already acknowledged or dismissed gives nullopt, and of two concurrent calls
//   one wins. The table has one "who and when" pair: a dismissal records its dismisser and time
//   in acknowledged_by and acknowledged_at.
// - Priorities are "low", "normal" (the default), "high" and "urgent"; any other is refused.
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

/// The statuses of a notification.
namespace notification_status {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kAcknowledged = "acknowledged";
inline constexpr const char* kDismissed = "dismissed";
}  // namespace notification_status

/// The priorities of a notification, least urgent first.
namespace notification_priority {
inline constexpr const char* kLow = "low";
inline constexpr const char* kNormal = "normal";
inline constexpr const char* kHigh = "high";
inline constexpr const char* kUrgent = "urgent";
}  // namespace notification_priority

struct NotificationCreate {
  /// "alert", "info", "completion", ... (free text, not empty).
  std::string notification_type;
  std::string title;
  std::optional<std::string> message{};
  std::string priority = notification_priority::kNormal;
  std::optional<std::string> category{};
  std::optional<sqlcore::Json> metadata{};
};

struct Notification {
  std::string id;
  std::string agent_name;
  std::string notification_type;
  std::string title;
  std::optional<std::string> message;
  std::string priority;
  std::optional<std::string> category;
  std::optional<sqlcore::Json> metadata;
  std::string status;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> acknowledged_at;
  std::optional<std::string> acknowledged_by;
};

/// list_notifications()'s filters (each optional) and limit.
struct NotificationFilter {
  std::optional<std::string> agent_name = std::nullopt;
  std::optional<std::string> status = std::nullopt;
  /// Any of these priorities (an empty list matches none).
  std::optional<std::vector<std::string>> priority = std::nullopt;
  std::optional<std::string> category = std::nullopt;
  std::int64_t limit = 100;
};

class NotificationOperations {
 public:
  explicit NotificationOperations(Db& db) : db_(db) {}

  /// Stores a pending notification from `agent_name` and returns it as stored.
  /// std::invalid_argument (before any statement) for an empty agent name, type or title, or an
  /// unknown priority.
  Notification create_notification(const std::string& agent_name, const NotificationCreate& data);
  std::optional<Notification> get_notification(const std::string& notification_id);
  /// The notifications matching every filter given, newest first, at most `limit` (negative:
  /// std::invalid_argument).
  std::vector<Notification> list_notifications(const NotificationFilter& filter = {});
  /// The agent's notifications, with `status` when given, newest first, at most `limit`
  /// (negative: std::invalid_argument).
  std::vector<Notification> list_agent_notifications(
      const std::string& agent_name, const std::optional<std::string>& status = std::nullopt,
      std::int64_t limit = 50);
  /// Pending -> "acknowledged" by `acknowledged_by`, now; the notification as stored, or nullopt
  /// when there is none or it is not pending.
  std::optional<Notification> acknowledge_notification(const std::string& notification_id,
                                                       const std::string& acknowledged_by);
  /// Pending -> "dismissed" by `dismissed_by`, now (see the rules above); nullopt as for
  /// acknowledge_notification().
  std::optional<Notification> dismiss_notification(const std::string& notification_id,
                                                   const std::string& dismissed_by);
  /// Deletes the agent's notifications; returns how many.
  std::int64_t delete_agent_notifications(const std::string& agent_name);
  /// The pending notifications, of `agent_name` when given: one COUNT.
  std::int64_t count_pending_notifications(
      const std::optional<std::string>& agent_name = std::nullopt);

 private:
  Db& db_;
};

}  // namespace trinity::db
