// ScheduleOperations, the schedules: agent_schedules (allowed_tools a JSON array of tool names;
// soft-deleted with deleted_at). Who may create, change and delete a schedule is a condition of
// the statement itself, built from agent_rules.hpp; cron expressions and time zones are checked
// by cron.hpp before any statement.
#include "trinity/db/schedules.hpp"

#include "operation.hpp"

#include <cstdint>
#include <limits>

#include "agent_rules.hpp"
#include "cron.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

using sqlcore::case_;
using sqlcore::exists;

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();

// `value` when it lies in [min, 2^31-1], else std::invalid_argument naming `field`.
std::int64_t checked_count(std::int64_t value, std::int64_t min, const char* field) {
  if (value < min || value > kMaxCount)
    throw std::invalid_argument("trinity-db: " + std::string(field) + ": " + std::to_string(value) +
                                " is not from " + std::to_string(min) + " to " +
                                std::to_string(kMaxCount));
  return value;
}
std::optional<std::int64_t> checked_count(const std::optional<std::int64_t>& value,
                                          std::int64_t min, const char* field) {
  if (value) checked_count(*value, min, field);
  return value;
}

std::string checked_message(const std::string& message) {
  if (trimmed(message).empty()) throw std::invalid_argument("trinity-db: message: is empty");
  return message;
}

std::optional<std::string> checked_workspace_email(const std::optional<std::string>& email) {
  if (!email) return std::nullopt;
  return checked_email(*email, "deliver_to_workspace_email:");
}

// The tool names trimmed (none empty) as a JSON array; nullopt stays nullopt (no restriction).
std::optional<Json> tools_json(const std::optional<std::vector<std::string>>& tools) {
  if (!tools) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& tool : *tools) names.push_back(checked_name(tool, "allowed_tools:"));
  return Json(names);
}

// The row create_schedule() writes (owner and agent set by the caller), every field checked.
StoredSchedule checked_schedule(const ScheduleCreate& d) {
  StoredSchedule row;
  row.id = new_id();
  row.name = checked_name(d.name, "name:");
  row.cron_expression = checked_cron_expression(d.cron_expression);
  row.message = checked_message(d.message);
  row.enabled = d.enabled;
  row.timezone = checked_timezone(d.timezone);
  row.description = d.description;
  row.timeout_seconds = checked_count(d.timeout_seconds, 1, "timeout_seconds");
  row.allowed_tools_json = tools_json(d.allowed_tools);
  row.model = d.model;
  row.max_retries = checked_count(d.max_retries, 0, "max_retries");
  row.retry_delay_seconds = checked_count(d.retry_delay_seconds, 0, "retry_delay_seconds");
  row.validation_enabled = d.validation_enabled;
  row.validation_prompt = d.validation_prompt;
  row.validation_timeout_seconds =
      checked_count(d.validation_timeout_seconds, 1, "validation_timeout_seconds");
  row.deliver_to_workspace_email = checked_workspace_email(d.deliver_to_workspace_email);
  row.created_at = row.updated_at = Timestamp::now();
  return row;
}

// `u` with every given field checked (allowed_tools is written by the caller).
ScheduleUpdate checked_update(ScheduleUpdate u) {
  if (u.name) u.name = checked_name(*u.name, "name:");
  if (u.cron_expression) u.cron_expression = checked_cron_expression(*u.cron_expression);
  if (u.message) checked_message(*u.message);
  if (u.timezone) u.timezone = checked_timezone(*u.timezone);
  checked_count(u.timeout_seconds, 1, "timeout_seconds");
  checked_count(u.max_retries, 0, "max_retries");
  checked_count(u.retry_delay_seconds, 0, "retry_delay_seconds");
  checked_count(u.validation_timeout_seconds, 1, "validation_timeout_seconds");
  u.deliver_to_workspace_email = checked_workspace_email(u.deliver_to_workspace_email);
  return u;
}

// The schedule a stored row holds: its allowed tools read from the JSON array (strings only).
Schedule schedule_of(StoredSchedule row) {
  Schedule out = std::move(static_cast<Schedule&>(row));
  if (row.allowed_tools_json && row.allowed_tools_json->is_array()) {
    out.allowed_tools.emplace();
    for (const Json& tool : *row.allowed_tools_json)
      if (tool.is_string()) out.allowed_tools->push_back(tool.get<std::string>());
  }
  return out;
}

std::vector<Schedule> schedules_of(std::vector<StoredSchedule> rows) {
  std::vector<Schedule> out;
  out.reserve(rows.size());
  for (auto& row : rows) out.push_back(schedule_of(std::move(row)));
  return out;
}

// The statement's agent_schedules row is seen: not soft-deleted, and its agent registered.
Expr live(const Schema& s) {
  const auto& [sch, a] = std::tie(s.agent_schedules, s.agent_ownership);
  return sch.deleted_at.is_null() &&
         exists(select(a.id).where(a.agent_name == sch.agent_name && registered(a)));
}

Expr is_enabled(const AgentSchedules& sch) {
  return sch.enabled.is_null() || sch.enabled == true;  // NULL: the column's default
}

// `username` may change or delete the statement's agent_schedules row: a user who may access its
// (registered) agent and owns the schedule, or the agent's owner, or an admin.
Expr may_change(const Schema& s, const std::string& username) {
  const auto& [sch, a, u] = std::tie(s.agent_schedules, s.agent_ownership, s.users);
  return exists(select(u.id)
                    .join(a, a.agent_name == sch.agent_name && registered(a))
                    .where(u.username == username && may_access(s, u) &&
                           (sch.owner_id == u.id || owner_or_admin(a, u))));
}

// The seen schedules (those `where` selects, when given), by agent name, name and id.
std::vector<Schedule> list(Db& db, const std::optional<Expr>& where = std::nullopt) {
  const auto& [sch, m] = std::tie(db.schema().agent_schedules, db.models().schedule);
  Select q = m.select().where(live(db.schema())).order_by({sch.agent_name, sch.name, sch.id});
  if (where) q.where(*where);
  return schedules_of(db.all(m, q));
}

// UPDATE of the seen schedule `id` setting `set` (and updated_at = now): whether it was there.
bool touch(Db& db, const std::string& id, std::vector<Assignment> set) {
  const auto& sch = db.schema().agent_schedules;
  set.emplace_back(sch.updated_at, now());
  return db.run([&](Connection& c) {
    return c.execute(update(sch).set(std::move(set)).where(sch.id == id && live(db.schema())))
               .rowcount() > 0;
  });
}

// Soft-deletes the schedules `where` selects that are not deleted yet (deleted_at = now); how
// many.
std::int64_t soft_delete(Db& db, const Expr& where) {
  const auto& sch = db.schema().agent_schedules;
  return db.run([&](Connection& c) {
    const auto at = Timestamp::now();
    const auto n = c.execute(update(sch)
                                 .set({{sch.deleted_at, at}, {sch.updated_at, at}})
                                 .where(where && sch.deleted_at.is_null()))
                       .rowcount();
    return n > 0 ? n : std::int64_t{0};
  });
}

}  // namespace

std::optional<Schedule> ScheduleOperations::create_schedule(const std::string& agent_name,
                                                            const std::string& username,
                                                            const ScheduleCreate& schedule_data) {
  StoredSchedule row = checked_schedule(schedule_data);
  row.agent_name = agent_name;
  return db_.run([&](Connection& c) -> std::optional<Schedule> {
    const auto& [a, u, m] =
        std::tie(db_.schema().agent_ownership, db_.schema().users, db_.models().schedule);
    const auto owner = c.execute(select(u.id)
                                     .join(a, is_agent(a, agent_name))
                                     .where(u.username == username && may_access(db_.schema(), u)))
                           .scalar<std::optional<std::int64_t>>();
    if (!owner) return std::nullopt;
    row.owner_id = *owner;
    return schedule_of(m.one(c, m.insert(m.values(row))));
  });
}

std::optional<Schedule> ScheduleOperations::get_schedule(const std::string& schedule_id) {
  const auto& [sch, m] = std::tie(db_.schema().agent_schedules, db_.models().schedule);
  auto row = db_.optional(m, m.select().where(sch.id == schedule_id && live(db_.schema())));
  if (!row) return std::nullopt;
  return schedule_of(std::move(*row));
}

std::vector<Schedule> ScheduleOperations::list_agent_schedules(const std::string& agent_name) {
  return list(db_, db_.schema().agent_schedules.agent_name == agent_name);
}

std::vector<Schedule> ScheduleOperations::list_all_enabled_schedules() {
  return list(db_, is_enabled(db_.schema().agent_schedules));
}

std::vector<Schedule> ScheduleOperations::list_all_disabled_schedules() {
  return list(db_, db_.schema().agent_schedules.enabled == false);
}

std::vector<Schedule> ScheduleOperations::list_all_schedules() {
  return list(db_);
}

std::optional<Schedule> ScheduleOperations::update_schedule(const std::string& schedule_id,
                                                            const std::string& username,
                                                            const ScheduleUpdate& updates) {
  const auto& [sch, m] = std::tie(db_.schema().agent_schedules, db_.models().schedule);
  auto set = db_.models().schedule_update.changes(checked_update(updates));
  if (updates.allowed_tools)
    set.emplace_back(sch.allowed_tools, *tools_json(updates.allowed_tools));
  set.emplace_back(sch.updated_at, now());
  return db_.run([&](Connection& c) -> std::optional<Schedule> {
    auto row = m.optional(c, m.update(std::move(set))
                                 .where(sch.id == schedule_id && sch.deleted_at.is_null() &&
                                        may_change(db_.schema(), username)));
    if (!row) return std::nullopt;
    return schedule_of(std::move(*row));
  });
}

bool ScheduleOperations::delete_schedule(const std::string& schedule_id,
                                         const std::string& username) {
  const auto& sch = db_.schema().agent_schedules;
  return soft_delete(db_, sch.id == schedule_id && may_change(db_.schema(), username)) > 0;
}

bool ScheduleOperations::set_schedule_enabled(const std::string& schedule_id, bool enabled) {
  return touch(db_, schedule_id, {{db_.schema().agent_schedules.enabled, enabled}});
}

bool ScheduleOperations::update_schedule_run_times(
    const std::string& schedule_id, const std::optional<sqlcore::Timestamp>& last_run_at,
    const std::optional<sqlcore::Timestamp>& next_run_at) {
  const auto& sch = db_.schema().agent_schedules;
  std::vector<Assignment> set;
  if (last_run_at) set.emplace_back(sch.last_run_at, *last_run_at);
  if (next_run_at) set.emplace_back(sch.next_run_at, *next_run_at);
  return touch(db_, schedule_id, std::move(set));
}

std::int64_t ScheduleOperations::delete_agent_schedules(const std::string& agent_name) {
  return soft_delete(db_, db_.schema().agent_schedules.agent_name == agent_name);
}

std::map<std::string, ScheduleCounts> ScheduleOperations::get_all_agents_schedule_counts() {
  const auto& sch = db_.schema().agent_schedules;
  std::map<std::string, ScheduleCounts> out;
  db_.read([&](Connection& c) {
    for (const Row& r :
         c.execute(select(sch.agent_name, count().label("total"),
                          count(case_({{is_enabled(sch), sch.id}})).label("enabled"),
                          count(case_({{sch.enabled == false, sch.id}})).label("disabled"))
                       .where(live(db_.schema()))
                       .group_by({sch.agent_name})))
      out[r.get(sch.agent_name)] = {.total = r.get<std::int64_t>("total"),
                                    .enabled = r.get<std::int64_t>("enabled"),
                                    .disabled = r.get<std::int64_t>("disabled")};
  });
  return out;
}

}  // namespace trinity::db
