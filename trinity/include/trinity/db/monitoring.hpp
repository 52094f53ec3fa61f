// MonitoringOperations: agents' health checks (agent_health_checks: one row per check, with the
// Docker, network and business measurements it took) and the cool-downs that keep a monitoring
// alert from repeating (monitoring_alert_cooldowns: one row per agent and condition).
//
//   dbm.monitoring().create_health_check("coder", "network", "healthy", {}, {.latency_ms = 12.5});
//   auto up = dbm.monitoring().calculate_uptime_percent("coder", 24);   // nullopt: no checks
//
// Rules (where the original left them open):
// - Names (agent, check type, status, condition) are trimmed and must not be empty; a negative
//   window (hours, days, cooldown_seconds) or limit is refused. Both are std::invalid_argument,
//   thrown before any statement.
// - Check types and statuses are free text; the constants below are the ones the platform uses.
//   get_health_summary counts a status other than the four known ones as unknown.
// - The latest check of an agent is the one with the latest checked_at (ties: the greater id).
// - Statistics are computed in SQL, one statement each, over every check in the window (the
//   original read at most 1000 rows and counted in the application).
// - Sweeps are one DELETE each with a bound cut-off: two workers sweeping at once delete each row
//   once, and the counts they return add up to the rows deleted.
// - A measurement that is infinite or NaN is refused (sqlcore::DataError naming the column) and
//   nothing is written.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;

/// The check types the platform writes.
namespace health_check_type {
inline constexpr const char* kDocker = "docker";
inline constexpr const char* kNetwork = "network";
inline constexpr const char* kBusiness = "business";
/// The overall verdict of the other three: what summaries and uptime count.
inline constexpr const char* kAggregate = "aggregate";
}  // namespace health_check_type

/// The statuses the platform writes. Healthy and degraded count as up.
namespace health_status {
inline constexpr const char* kHealthy = "healthy";
inline constexpr const char* kDegraded = "degraded";
inline constexpr const char* kUnhealthy = "unhealthy";
inline constexpr const char* kCritical = "critical";
}  // namespace health_status

/// What the Docker layer measured; every field is optional (nullopt: not measured, NULL).
struct DockerMetrics {
  std::optional<std::string> container_status{};
  std::optional<double> cpu_percent{};
  std::optional<double> memory_percent{};
  std::optional<double> memory_mb{};
  std::optional<std::int64_t> restart_count{};
  std::optional<bool> oom_killed{};
};

/// What the network layer measured.
struct NetworkMetrics {
  std::optional<bool> reachable{};
  std::optional<double> latency_ms{};
};

/// What the agent's own runtime reported.
struct BusinessMetrics {
  std::optional<bool> runtime_available{};
  std::optional<bool> claude_available{};
  std::optional<double> context_percent{};
  std::optional<std::int64_t> active_executions{};
  std::optional<double> error_rate{};
};

/// One stored health check: its measurements are the fields of the three bases
/// (check.latency_ms, check.cpu_percent, ...).
struct HealthCheck : DockerMetrics, NetworkMetrics, BusinessMetrics {
  std::string id;
  std::string agent_name;
  std::string check_type;
  std::string status;
  std::optional<std::string> error_message;
  sqlcore::Timestamp checked_at;
  std::optional<sqlcore::Timestamp> created_at;
};

/// How many agents have each status in their latest aggregate check.
struct HealthSummary {
  std::int64_t healthy = 0;
  std::int64_t degraded = 0;
  std::int64_t unhealthy = 0;
  std::int64_t critical = 0;
  /// Any other status.
  std::int64_t unknown = 0;
  std::int64_t total() const { return healthy + degraded + unhealthy + critical + unknown; }
  friend bool operator==(const HealthSummary&, const HealthSummary&) = default;
};

class MonitoringOperations {
 public:
  explicit MonitoringOperations(Db& db) : db_(db) {}

  /// Records a check taken now (checked_at = created_at = now) and returns its id (32 hex
  /// digits). Measurements left nullopt are stored as NULL.
  std::string create_health_check(const std::string& agent_name, const std::string& check_type,
                                  const std::string& status,
                                  const DockerMetrics& docker_metrics = {},
                                  const NetworkMetrics& network_metrics = {},
                                  const BusinessMetrics& business_metrics = {},
                                  const std::optional<std::string>& error_message = std::nullopt);
  /// The agent's latest check of `check_type`, or nullopt.
  std::optional<HealthCheck> get_latest_health_check(
      const std::string& agent_name, const std::string& check_type = health_check_type::kAggregate);
  /// The agent's checks of `check_type` taken in the last `hours` hours (checked_at >= the
  /// cut-off), newest first, at most `limit`.
  std::vector<HealthCheck> get_agent_health_history(
      const std::string& agent_name, const std::string& check_type = health_check_type::kAggregate,
      std::int64_t hours = 24, std::int64_t limit = 100);
  /// The latest check of `check_type` of every agent that has one, by agent name; only the
  /// agents in `agent_names` when given (an empty list matches none). One statement.
  std::map<std::string, HealthCheck> get_all_latest_health_checks(
      const std::optional<std::vector<std::string>>& agent_names = std::nullopt,
      const std::string& check_type = health_check_type::kAggregate);
  /// The agents (those in `agent_names` when given; an empty list matches none) counted by the
  /// status of their latest aggregate check; agents without one are not counted. One statement.
  HealthSummary get_health_summary(
      const std::optional<std::vector<std::string>>& agent_names = std::nullopt);
  /// The share (0 to 100) of the agent's aggregate checks in the last `hours` hours that were
  /// healthy or degraded; nullopt when there were none. One statement.
  std::optional<double> calculate_uptime_percent(const std::string& agent_name,
                                                 std::int64_t hours = 24);
  /// The mean latency_ms of the agent's network checks in the last `hours` hours that measured
  /// one; nullopt when none did. One statement.
  std::optional<double> calculate_avg_latency(const std::string& agent_name,
                                              std::int64_t hours = 24);
  /// Deletes the checks (of every agent) taken more than `days` days ago; returns how many.
  /// One DELETE with a bound cut-off, served by idx_health_checked_at.
  std::int64_t cleanup_old_records(std::int64_t days = 7);

  /// When the alert for `condition` of the agent was last raised, or nullopt.
  std::optional<sqlcore::Timestamp> get_cooldown(const std::string& agent_name,
                                                 const std::string& condition);
  /// Records that the alert was raised now: one upsert on (agent_name, condition), so concurrent
  /// callers leave one row.
  void set_cooldown(const std::string& agent_name, const std::string& condition);
  /// Forgets the cool-down; false when there was none.
  bool clear_cooldown(const std::string& agent_name, const std::string& condition);
  /// Whether the alert was raised less than `cooldown_seconds` seconds ago (0: never in
  /// cool-down). One statement with a bound cut-off.
  bool is_in_cooldown(const std::string& agent_name, const std::string& condition,
                      std::int64_t cooldown_seconds);
  /// Deletes the agent's cool-downs, or every agent's when `agent_name` is nullopt (an empty name
  /// is refused, not taken for "all"); returns how many.
  std::int64_t cleanup_cooldowns(const std::optional<std::string>& agent_name = std::nullopt);

 private:
  Db& db_;
};

}  // namespace trinity::db
