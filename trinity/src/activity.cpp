// ActivityOperations: agent_activities (see activity.hpp).
#include "trinity/db/activity.hpp"

#include <algorithm>
#include <utility>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "trinity/db/db.hpp"

namespace trinity::db {

using sqlcore::Connection;
using sqlcore::Row;
using sqlcore::Timestamp;

namespace {

Activity activity_from(const Row& r, const AgentActivities& t) {
  Activity a;
  a.id = r.get(t.id);
  a.agent_name = r.get(t.agent_name);
  a.activity_type = r.get(t.activity_type);
  a.activity_state = r.get(t.activity_state);
  a.parent_activity_id = r.get(t.parent_activity_id);
  a.started_at = r.get(t.started_at);
  a.completed_at = r.get(t.completed_at);
  a.duration_ms = r.get(t.duration_ms);
  a.user_id = r.get(t.user_id);
  a.triggered_by = r.get(t.triggered_by);
  a.related_chat_message_id = r.get(t.related_chat_message_id);
  a.related_execution_id = r.get(t.related_execution_id);
  a.details = r.get(t.details);
  a.error = r.get(t.error);
  a.created_at = r.get(t.created_at);
  return a;
}

std::vector<Activity> all_activities(Connection& c, const sqlcore::Select& q,
                                     const AgentActivities& t) {
  std::vector<Activity> out;
  for (const Row& r : c.execute(q)) out.push_back(activity_from(r, t));
  return out;
}

}  // namespace

std::string ActivityOperations::create_activity(const ActivityCreate& activity) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    const std::string id = new_id();
    const Timestamp now = Timestamp::now();
    c.execute(
        sqlcore::insert(t).values({{t.id, id},
                                   {t.agent_name, activity.agent_name},
                                   {t.activity_type, activity.activity_type},
                                   {t.activity_state, activity.activity_state},
                                   {t.parent_activity_id, activity.parent_activity_id},
                                   {t.started_at, now},
                                   {t.user_id, activity.user_id},
                                   {t.triggered_by, activity.triggered_by},
                                   {t.related_chat_message_id, activity.related_chat_message_id},
                                   {t.related_execution_id, activity.related_execution_id},
                                   {t.details, activity.details},
                                   {t.created_at, now}}));
    return id;
  });
}

bool ActivityOperations::complete_activity(const std::string& activity_id,
                                           const std::string& status,
                                           const std::optional<sqlcore::Json>& details,
                                           const std::optional<std::string>& error) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    auto row =
        c.execute(sqlcore::select(t.started_at).where(t.id == activity_id).for_update()).first();
    if (!row) return false;
    const Timestamp started = row->get(t.started_at);
    const Timestamp now = Timestamp::now();
    const std::int64_t duration_ms =
        std::max<std::int64_t>(0, (now.micros() - started.micros()) / 1000);
    std::vector<sqlcore::Assignment> set = {
        {t.activity_state, status}, {t.completed_at, now}, {t.duration_ms, duration_ms}};
    if (details) set.emplace_back(t.details, *details);
    if (error) set.emplace_back(t.error, *error);
    return c.execute(sqlcore::update(t).set(std::move(set)).where(t.id == activity_id)).rowcount() >
           0;
  });
}

std::optional<Activity> ActivityOperations::get_activity(const std::string& activity_id) {
  return db_.run([&](Connection& c) -> std::optional<Activity> {
    const auto& t = db_.schema().agent_activities;
    auto row = c.execute(sqlcore::select_all(t).where(t.id == activity_id)).first();
    if (!row) return std::nullopt;
    return activity_from(*row, t);
  });
}

std::vector<Activity> ActivityOperations::get_agent_activities(
    const std::string& agent_name, const std::optional<std::string>& activity_type,
    const std::optional<std::string>& activity_state, std::int64_t limit) {
  if (limit <= 0) return {};
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    auto q = sqlcore::select_all(t).where(t.agent_name == agent_name);
    if (activity_type) q.where(t.activity_type == *activity_type);
    if (activity_state) q.where(t.activity_state == *activity_state);
    q.order_by({t.created_at.desc(), t.started_at.desc(), t.id.desc()}).limit(limit);
    return all_activities(c, q, t);
  });
}

std::vector<Activity> ActivityOperations::get_activities_in_range(
    const std::optional<sqlcore::Timestamp>& start_time,
    const std::optional<sqlcore::Timestamp>& end_time,
    const std::optional<std::vector<std::string>>& activity_types, std::int64_t limit) {
  if (limit <= 0) return {};
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    auto q = sqlcore::select_all(t);
    if (start_time) q.where(t.created_at >= *start_time);
    if (end_time) q.where(t.created_at <= *end_time);
    if (activity_types) {
      std::vector<sqlcore::Value> types(activity_types->begin(), activity_types->end());
      q.where(t.activity_type.in_(std::move(types)));
    }
    q.order_by({t.created_at.desc(), t.started_at.desc(), t.id.desc()}).limit(limit);
    return all_activities(c, q, t);
  });
}

std::int64_t ActivityOperations::mark_stale_activities_failed(std::int64_t timeout_minutes) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    const std::string why =
        "Activity timed out: still started after " + std::to_string(timeout_minutes) + " minutes";
    return c
        .execute(sqlcore::update(t)
                     .set({{t.activity_state, activity_state::kFailed},
                           {t.completed_at, sqlcore::now()},
                           {t.error, why}})
                     .where(t.activity_state == activity_state::kStarted &&
                            t.started_at < sqlcore::now() - sqlcore::minutes(timeout_minutes)))
        .rowcount();
  });
}

std::vector<Activity> ActivityOperations::get_current_activities(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_activities;
    return all_activities(
        c,
        sqlcore::select_all(t)
            .where(t.agent_name == agent_name && t.activity_state == activity_state::kStarted)
            .order_by({t.started_at.desc(), t.id.desc()}),
        t);
  });
}

}  // namespace trinity::db
