// ActivityOperations: agent_activities (see activity.hpp).
#include "trinity/db/activity.hpp"

#include "operation.hpp"

#include <algorithm>

namespace trinity::db {

std::string ActivityOperations::create_activity(const ActivityCreate& activity) {
  const auto& t = db_.schema().agent_activities;
  const std::string id = new_id();
  const Timestamp now = Timestamp::now();
  auto values = db_.models().activity_create.values(activity);
  values.insert(values.end(), {{t.id, id}, {t.started_at, now}, {t.created_at, now}});
  db_.run([&](Connection& c) { c.execute(insert(t).values(std::move(values))); });
  return id;
}

bool ActivityOperations::complete_activity(const std::string& activity_id,
                                           const std::string& status,
                                           const std::optional<sqlcore::Json>& details,
                                           const std::optional<std::string>& error) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    auto row = c.execute(select(t.started_at).where(t.id == activity_id).for_update()).first();
    if (!row) return false;
    const Timestamp started = row->get(t.started_at);
    const Timestamp now = Timestamp::now();
    const std::int64_t duration_ms =
        std::max<std::int64_t>(0, (now.micros() - started.micros()) / 1000);
    std::vector<Assignment> set = {
        {t.activity_state, status}, {t.completed_at, now}, {t.duration_ms, duration_ms}};
    if (details) set.emplace_back(t.details, *details);
    if (error) set.emplace_back(t.error, *error);
    return c.execute(update(t).set(std::move(set)).where(t.id == activity_id)).rowcount() > 0;
  });
}

std::optional<Activity> ActivityOperations::get_activity(const std::string& activity_id) {
  const auto& [t, m] = std::tie(db_.schema().agent_activities, db_.models().activity);
  return db_.find(m, t.id == activity_id);
}

std::vector<Activity> ActivityOperations::get_agent_activities(
    const std::string& agent_name, const std::optional<std::string>& activity_type,
    const std::optional<std::string>& activity_state, std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, m] = std::tie(db_.schema().agent_activities, db_.models().activity);
  auto q = m.select().where(t.agent_name == agent_name);
  if (activity_type) q.where(t.activity_type == *activity_type);
  if (activity_state) q.where(t.activity_state == *activity_state);
  q.order_by({t.created_at.desc(), t.started_at.desc(), t.id.desc()}).limit(limit);
  return db_.all(m, q);
}

std::vector<Activity> ActivityOperations::get_activities_in_range(
    const std::optional<Timestamp>& start_time, const std::optional<Timestamp>& end_time,
    const std::optional<std::vector<std::string>>& activity_types, std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, m] = std::tie(db_.schema().agent_activities, db_.models().activity);
  auto q = m.select();
  if (start_time) q.where(t.created_at >= *start_time);
  if (end_time) q.where(t.created_at <= *end_time);
  if (activity_types)
    q.where(
        t.activity_type.in_(std::vector<Value>(activity_types->begin(), activity_types->end())));
  q.order_by({t.created_at.desc(), t.started_at.desc(), t.id.desc()}).limit(limit);
  return db_.all(m, q);
}

std::int64_t ActivityOperations::mark_stale_activities_failed(std::int64_t timeout_minutes) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    const std::string why =
        "Activity timed out: still started after " + std::to_string(timeout_minutes) + " minutes";
    return c
        .execute(update(t)
                     .set({{t.activity_state, activity_state::kFailed},
                           {t.completed_at, now()},
                           {t.error, why}})
                     .where(t.activity_state == activity_state::kStarted &&
                            t.started_at < now() - minutes(timeout_minutes)))
        .rowcount();
  });
}

std::vector<Activity> ActivityOperations::get_current_activities(const std::string& agent_name) {
  const auto& [t, m] = std::tie(db_.schema().agent_activities, db_.models().activity);
  return db_.read([&](Connection& c) {
    return m.all(
        c, m.select()
               .where(t.agent_name == agent_name && t.activity_state == activity_state::kStarted)
               .order_by({t.started_at.desc(), t.id.desc()}));
  });
}

}  // namespace trinity::db
