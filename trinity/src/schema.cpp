// The trinity-db schema: the Schema that holds every table, and the domains that group them. The
// tables themselves (columns, keys and indexes) are declared in trinity/db/tables/*.hpp; the
// decisions their comments refer to are listed in trinity/db/schema.hpp.
#include "trinity/db/schema.hpp"

namespace trinity::db {

const std::vector<TableDomain>& table_domains() {
  static const std::vector<TableDomain> domains{
      {"users_access",
       "Users and access",
       "Accounts, sign-in (email whitelist and login codes), MCP API keys, and who may use or call "
       "an agent (sharing with users, permissions between agents).",
       {"users", "agent_sharing", "mcp_api_keys", "email_whitelist", "email_login_codes",
        "agent_permissions"}},
      {"agents",
       "Agents",
       "The agents and their configuration: ownership and settings, shared folders, git sync, "
       "skills, tags and the views that filter by tags.",
       {"agent_ownership", "agent_shared_folder_config", "agent_git_config", "agent_skills",
        "agent_tags", "system_views"}},
      {"schedules",
       "Schedules and executions",
       "Schedules (cron and webhook triggers) and the executions of agents: each run's state, "
       "result, cost and origin, its queueing and its retries.",
       {"agent_schedules", "schedule_executions"}},
      {"chat",
       "Chat",
       "The signed-in users' chat sessions with an agent and their messages.",
       {"chat_sessions", "chat_messages"}},
      {"public_links",
       "Public links and public chat",
       "Links that let people without an account talk to an agent: the links, their email "
       "verification and usage, the public chat sessions and messages, and what an agent remembers "
       "about a public user.",
       {"agent_public_links", "public_link_verifications", "public_link_usage",
        "public_chat_sessions", "public_chat_messages", "public_user_memory"}},
      {"activity",
       "Activity and events",
       "What agents do and announce: the activity log, and the events agents publish and subscribe "
       "to.",
       {"agent_activities", "agent_event_subscriptions", "agent_events"}},
      {"operator",
       "Notifications and the operator queue",
       "What agents raise for people: notifications, and the questions and approvals waiting for "
       "an operator.",
       {"agent_notifications", "operator_queue"}},
      {"monitoring",
       "Monitoring and dashboards",
       "Health checks, alert cool-downs and the values and configuration of agent dashboards.",
       {"agent_health_checks", "monitoring_alert_cooldowns", "agent_dashboard_values",
        "agent_dashboard_cache"}},
      {"integrations",
       "Integrations",
       "Slack (workspaces, channels, threads, links and user verification) and Telegram (bots, "
       "chats and groups).",
       {"slack_link_connections", "slack_user_verifications", "slack_pending_verifications",
        "slack_workspaces", "slack_channel_agents", "slack_active_threads", "telegram_bindings",
        "telegram_chat_links", "telegram_group_configs"}},
      {"billing",
       "Subscriptions and payments",
       "The model subscriptions agents run on and their rate-limit events, and Nevermined "
       "payments.",
       {"subscription_credentials", "subscription_rate_limit_events", "nevermined_agent_config",
        "nevermined_payment_log"}},
      {"settings",
       "System settings",
       "Platform-wide settings as key/value pairs.",
       {"system_settings"}},
  };
  return domains;
}

Schema::Schema() {
  metadata.validate();
}

Schema::~Schema() = default;

const Schema& schema() {
  static const Schema s;
  return s;
}

}  // namespace trinity::db
