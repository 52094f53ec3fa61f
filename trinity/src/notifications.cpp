// NotificationOperations: agent_notifications (see notifications.hpp).
#include "trinity/db/notifications.hpp"

#include "operation.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "text.hpp"

namespace trinity::db {

namespace {

constexpr std::array<std::string_view, 4> kPriorities = {
    notification_priority::kLow, notification_priority::kNormal, notification_priority::kHigh,
    notification_priority::kUrgent};

/// Pending -> `status` by `by`, now: the notification as stored, or nullopt when it is not
/// pending (one guarded UPDATE ... RETURNING; of two concurrent calls one wins).
std::optional<Notification> close_pending(Db& db, const std::string& id, const char* status,
                                          const std::string& by) {
  const auto& [t, m] = std::tie(db.schema().agent_notifications, db.models().notification);
  return db.run([&](Connection& c) {
    return m.optional(
        c, m.update({{t.status, status}, {t.acknowledged_at, now()}, {t.acknowledged_by, by}})
               .where(t.id == id && t.status == notification_status::kPending));
  });
}

}  // namespace

Notification NotificationOperations::create_notification(const std::string& agent_name,
                                                         const NotificationCreate& data) {
  NotificationCreate d = data;
  const std::string agent = checked_name(agent_name, "the agent name");
  d.notification_type = checked_name(d.notification_type, "the notification type");
  checked_text(d.title, "the notification title");
  if (std::find(kPriorities.begin(), kPriorities.end(), d.priority) == kPriorities.end())
    throw std::invalid_argument("trinity-db: the priority '" + d.priority +
                                "' is not low, normal, high or urgent");
  const auto& [t, m] = std::tie(db_.schema().agent_notifications, db_.models().notification);
  auto values = db_.models().notification_create.values(d);
  values.insert(values.end(), {{t.id, new_id()},
                               {t.agent_name, agent},
                               {t.status, notification_status::kPending},
                               {t.created_at, now()}});
  return db_.run([&](Connection& c) { return m.one(c, m.insert(std::move(values))); });
}

std::optional<Notification> NotificationOperations::get_notification(
    const std::string& notification_id) {
  const auto& [t, m] = std::tie(db_.schema().agent_notifications, db_.models().notification);
  return db_.find(m, t.id == notification_id);
}

std::vector<Notification> NotificationOperations::list_notifications(const NotificationFilter& f) {
  checked_count(f.limit, "the limit");
  const auto& [t, m] = std::tie(db_.schema().agent_notifications, db_.models().notification);
  auto q = m.select();
  if (f.agent_name) q.where(t.agent_name == *f.agent_name);
  if (f.status) q.where(t.status == *f.status);
  if (f.priority)
    q.where(t.priority.in_(std::vector<Value>(f.priority->begin(), f.priority->end())));
  if (f.category) q.where(t.category == *f.category);
  return db_.all(m, q.order_by({t.created_at.desc(), t.id.desc()}).limit(f.limit));
}

std::vector<Notification> NotificationOperations::list_agent_notifications(
    const std::string& agent_name, const std::optional<std::string>& status, std::int64_t limit) {
  return list_notifications({.agent_name = agent_name, .status = status, .limit = limit});
}

std::optional<Notification> NotificationOperations::acknowledge_notification(
    const std::string& notification_id, const std::string& acknowledged_by) {
  return close_pending(db_, notification_id, notification_status::kAcknowledged, acknowledged_by);
}

std::optional<Notification> NotificationOperations::dismiss_notification(
    const std::string& notification_id, const std::string& dismissed_by) {
  return close_pending(db_, notification_id, notification_status::kDismissed, dismissed_by);
}

std::int64_t NotificationOperations::delete_agent_notifications(const std::string& agent_name) {
  const auto& t = db_.schema().agent_notifications;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(t).where(t.agent_name == agent_name)).rowcount();
  });
}

std::int64_t NotificationOperations::count_pending_notifications(
    const std::optional<std::string>& agent_name) {
  const auto& t = db_.schema().agent_notifications;
  auto q = select(count()).select_from(t).where(t.status == notification_status::kPending);
  if (agent_name) q.where(t.agent_name == *agent_name);
  return db_.read([&](Connection& c) { return c.execute(q).scalar<std::int64_t>(); });
}

}  // namespace trinity::db
