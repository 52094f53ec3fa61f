// trinity-db tables, monitoring and dashboards: health checks, alert cool-downs and the values and
// configuration of agent dashboards.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct AgentHealthChecks : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol check_type = column("check_type", types::Text);
  TextCol status = column("status", types::Text);
  OptTextCol container_status = column("container_status", types::Text);
  OptRealCol cpu_percent = column("cpu_percent", types::Double);
  OptRealCol memory_percent = column("memory_percent", types::Double);
  OptRealCol memory_mb = column("memory_mb", types::Double);
  OptIntCol restart_count = column("restart_count", types::Integer);
  OptBoolCol oom_killed = column("oom_killed", types::Boolean);
  OptBoolCol reachable = column("reachable", types::Boolean);
  OptRealCol latency_ms = column("latency_ms", types::Double);
  OptBoolCol runtime_available = column("runtime_available", types::Boolean);
  OptBoolCol claude_available = column("claude_available", types::Boolean);
  OptRealCol context_percent = column("context_percent", types::Double);
  OptIntCol active_executions = column("active_executions", types::Integer);
  OptRealCol error_rate = column("error_rate", types::Double);
  OptTextCol error_message = column("error_message", types::Text);
  TsCol checked_at = column("checked_at", types::DateTime).server_default(now());
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());

  explicit AgentHealthChecks(MetaData& m) : Table(m, "agent_health_checks") {
    index("idx_health_agent_time", {agent_name, checked_at});  // checked_at DESC: see decision 7.
    index("idx_health_status", {status});
    index("idx_health_type", {check_type});
    index("idx_health_checked_at", {checked_at});
  }
};

struct MonitoringAlertCooldowns : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol condition = column("condition", types::Text);
  TsCol last_alert_at = column("last_alert_at", types::DateTime).server_default(now());

  explicit MonitoringAlertCooldowns(MetaData& m) : Table(m, "monitoring_alert_cooldowns") {
    unique({agent_name, condition});
    index("idx_alert_cooldowns_agent", {agent_name});
  }
};

struct AgentDashboardValues : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol widget_key = column("widget_key", types::Text);
  OptTextCol widget_label = column("widget_label", types::Text);
  TextCol widget_type = column("widget_type", types::Text);
  OptRealCol value_numeric = column("value_numeric", types::Double);
  OptTextCol value_text = column("value_text", types::Text);
  TsCol dashboard_mtime = column("dashboard_mtime", types::DateTime);
  TsCol captured_at = column("captured_at", types::DateTime).server_default(now());
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());

  explicit AgentDashboardValues(MetaData& m) : Table(m, "agent_dashboard_values") {
    // captured_at DESC in both: see decision 7.
    index("idx_dashboard_values_agent_time", {agent_name, captured_at});
    index("idx_dashboard_values_widget", {agent_name, widget_key, captured_at});
    // The retention DELETE's cut-off (revision 0003_dashboard_retention_index).
    index("idx_dashboard_values_captured_at", {captured_at});
  }
};

struct AgentDashboardCache : sqlcore::Table {
  TextCol agent_name = column("agent_name", types::Text).primary_key();
  JsonCol config_json = column("config_json", types::Json);
  OptTsCol last_modified = column("last_modified", types::DateTime);
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());

  explicit AgentDashboardCache(MetaData& m) : Table(m, "agent_dashboard_cache") {}
};

}  // namespace trinity::db
