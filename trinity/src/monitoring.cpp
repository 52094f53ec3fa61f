// MonitoringOperations: agent_health_checks and monitoring_alert_cooldowns (see monitoring.hpp).
//
// "The latest check of an agent" is a condition, not a second query: no check of the same agent
// and type is later (checked_at, then id). The summary and get_all_latest_health_checks are one
// SELECT each with it; uptime and latency are one aggregate over a bound window.
#include "trinity/db/monitoring.hpp"

#include "operation.hpp"

#include <chrono>

#include "text.hpp"
#include "time_window.hpp"

namespace trinity::db {

namespace {

using namespace std::chrono_literals;
using sqlcore::alias;
using sqlcore::case_;
using sqlcore::not_exists;

std::string agent_arg(const std::string& agent_name) {
  return checked_name(agent_name, "agent name");
}

/// The rows of `t` that are their agent's latest check of `check_type`.
Expr latest_check(const AgentHealthChecks& t, const std::string& check_type) {
  const auto later = alias(t, "later");
  return t.check_type == check_type &&
         not_exists(select(later[t.id])
                        .where(later[t.agent_name] == t.agent_name &&
                               later[t.check_type] == check_type &&
                               (later[t.checked_at] > t.checked_at ||
                                (later[t.checked_at] == t.checked_at && later[t.id] > t.id))));
}

/// `agent_names` checked, as values for IN; nullopt when every agent is meant.
std::optional<std::vector<Value>> agent_list(
    const std::optional<std::vector<std::string>>& agent_names) {
  if (!agent_names) return std::nullopt;
  std::vector<Value> out;
  for (const std::string& name : *agent_names) out.emplace_back(agent_arg(name));
  return out;
}

/// The latest aggregate (or `check_type`) checks of the agents `names` (all when nullopt).
Expr latest_of(const AgentHealthChecks& t, const std::string& check_type,
               const std::optional<std::vector<Value>>& names) {
  Expr where = latest_check(t, check_type);
  return names ? where && t.agent_name.in_(*names) : where;
}

/// COUNT of the rows where `condition` holds.
Expr count_if(const Expr& condition, const char* label) {
  return count(case_({{condition, 1}})).label(label);
}

}  // namespace

std::string MonitoringOperations::create_health_check(
    const std::string& agent_name, const std::string& check_type, const std::string& status,
    const DockerMetrics& docker_metrics, const NetworkMetrics& network_metrics,
    const BusinessMetrics& business_metrics, const std::optional<std::string>& error_message) {
  const auto& [t, m] = std::tie(db_.schema().agent_health_checks, db_.models());
  const Timestamp now = Timestamp::now();
  const std::string id = new_id();
  std::vector<Assignment> values = {{t.id, id},
                                    {t.agent_name, agent_arg(agent_name)},
                                    {t.check_type, checked_name(check_type, "check type")},
                                    {t.status, checked_name(status, "status")},
                                    {t.error_message, error_message},
                                    {t.checked_at, now},
                                    {t.created_at, now}};
  for (const auto& group :
       {m.docker_metrics.values(docker_metrics), m.network_metrics.values(network_metrics),
        m.business_metrics.values(business_metrics)})
    values.insert(values.end(), group.begin(), group.end());
  db_.run([&](Connection& c) { c.execute(insert(t).values(std::move(values))); });
  return id;
}

std::optional<HealthCheck> MonitoringOperations::get_latest_health_check(
    const std::string& agent_name, const std::string& check_type) {
  const auto& [t, m] = std::tie(db_.schema().agent_health_checks, db_.models().health_check);
  return db_.first(m, m.select()
                          .where(t.agent_name == agent_arg(agent_name) &&
                                 t.check_type == checked_name(check_type, "check type"))
                          .order_by({t.checked_at.desc(), t.id.desc()})
                          .limit(1));
}

std::vector<HealthCheck> MonitoringOperations::get_agent_health_history(
    const std::string& agent_name, const std::string& check_type, std::int64_t hours,
    std::int64_t limit) {
  const auto& [t, m] = std::tie(db_.schema().agent_health_checks, db_.models().health_check);
  const Expr where = t.agent_name == agent_arg(agent_name) &&
                     t.check_type == checked_name(check_type, "check type") &&
                     t.checked_at >= window_start(hours, 1h, "hours");
  checked_count(limit, "limit");
  if (limit == 0) return {};
  return db_.all(m,
                 m.select().where(where).order_by({t.checked_at.desc(), t.id.desc()}).limit(limit));
}

std::map<std::string, HealthCheck> MonitoringOperations::get_all_latest_health_checks(
    const std::optional<std::vector<std::string>>& agent_names, const std::string& check_type) {
  const auto& [t, m] = std::tie(db_.schema().agent_health_checks, db_.models().health_check);
  const Expr where = latest_of(t, checked_name(check_type, "check type"), agent_list(agent_names));
  std::map<std::string, HealthCheck> out;
  for (HealthCheck& check : db_.all(m, m.select().where(where)))
    out.emplace(check.agent_name, std::move(check));
  return out;
}

HealthSummary MonitoringOperations::get_health_summary(
    const std::optional<std::vector<std::string>>& agent_names) {
  const auto& t = db_.schema().agent_health_checks;
  const Expr where = latest_of(t, health_check_type::kAggregate, agent_list(agent_names));
  const Row row = db_.read([&](Connection& c) {
    return c
        .execute(select({count().label("total"),
                         count_if(t.status == health_status::kHealthy, "healthy"),
                         count_if(t.status == health_status::kDegraded, "degraded"),
                         count_if(t.status == health_status::kUnhealthy, "unhealthy"),
                         count_if(t.status == health_status::kCritical, "critical")})
                     .select_from(t)
                     .where(where))
        .one();
  });
  HealthSummary s{.healthy = row.get<std::int64_t>("healthy"),
                  .degraded = row.get<std::int64_t>("degraded"),
                  .unhealthy = row.get<std::int64_t>("unhealthy"),
                  .critical = row.get<std::int64_t>("critical")};
  s.unknown = row.get<std::int64_t>("total") - s.total();
  return s;
}

std::optional<double> MonitoringOperations::calculate_uptime_percent(const std::string& agent_name,
                                                                     std::int64_t hours) {
  const auto& t = db_.schema().agent_health_checks;
  const Expr where = t.agent_name == agent_arg(agent_name) &&
                     t.check_type == health_check_type::kAggregate &&
                     t.checked_at >= window_start(hours, 1h, "hours");
  const Expr up = t.status.in_({health_status::kHealthy, health_status::kDegraded});
  return db_.read([&](Connection& c) {
    return c.execute(select(sqlcore::avg(case_({{up, 100.0}}, 0.0))).where(where))
        .scalar<std::optional<double>>();
  });
}

std::optional<double> MonitoringOperations::calculate_avg_latency(const std::string& agent_name,
                                                                  std::int64_t hours) {
  const auto& t = db_.schema().agent_health_checks;
  const Expr where = t.agent_name == agent_arg(agent_name) &&
                     t.check_type == health_check_type::kNetwork &&
                     t.checked_at >= window_start(hours, 1h, "hours");
  return db_.read([&](Connection& c) {
    return c.execute(select(sqlcore::avg(t.latency_ms)).where(where))
        .scalar<std::optional<double>>();
  });
}

std::int64_t MonitoringOperations::cleanup_old_records(std::int64_t days) {
  const auto& t = db_.schema().agent_health_checks;
  const Timestamp cutoff = window_start(days, 24h, "days");
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(t).where(t.checked_at < cutoff)).rowcount();
  });
}

std::optional<Timestamp> MonitoringOperations::get_cooldown(const std::string& agent_name,
                                                            const std::string& condition) {
  const auto& t = db_.schema().monitoring_alert_cooldowns;
  const Expr where =
      t.agent_name == agent_arg(agent_name) && t.condition == checked_name(condition, "condition");
  return db_.read([&](Connection& c) {
    return c.execute(select(t.last_alert_at).where(where)).scalar<std::optional<Timestamp>>();
  });
}

void MonitoringOperations::set_cooldown(const std::string& agent_name,
                                        const std::string& condition) {
  const auto& t = db_.schema().monitoring_alert_cooldowns;
  auto stmt = insert(t)
                  .values({{t.id, new_id()},
                           {t.agent_name, agent_arg(agent_name)},
                           {t.condition, checked_name(condition, "condition")},
                           {t.last_alert_at, Timestamp::now()}})
                  .on_conflict({t.agent_name, t.condition})
                  .do_update({t.last_alert_at});
  db_.run([&](Connection& c) { c.execute(stmt); });
}

bool MonitoringOperations::clear_cooldown(const std::string& agent_name,
                                          const std::string& condition) {
  const auto& t = db_.schema().monitoring_alert_cooldowns;
  const Expr where =
      t.agent_name == agent_arg(agent_name) && t.condition == checked_name(condition, "condition");
  return db_.run([&](Connection& c) { return c.execute(delete_from(t).where(where)).rowcount(); }) >
         0;
}

bool MonitoringOperations::is_in_cooldown(const std::string& agent_name,
                                          const std::string& condition,
                                          std::int64_t cooldown_seconds) {
  const auto& t = db_.schema().monitoring_alert_cooldowns;
  const Expr where = t.agent_name == agent_arg(agent_name) &&
                     t.condition == checked_name(condition, "condition") &&
                     t.last_alert_at > window_start(cooldown_seconds, 1s, "cooldown_seconds");
  return db_.read(
      [&](Connection& c) { return c.execute(select(t.id).where(where)).first().has_value(); });
}

std::int64_t MonitoringOperations::cleanup_cooldowns(const std::optional<std::string>& agent_name) {
  const auto& t = db_.schema().monitoring_alert_cooldowns;
  auto stmt = delete_from(t);
  if (agent_name) stmt.where(t.agent_name == agent_arg(*agent_name));
  return db_.run([&](Connection& c) { return c.execute(stmt).rowcount(); });
}

}  // namespace trinity::db
