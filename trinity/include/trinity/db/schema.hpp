// The trinity-db schema: the 45 tables of the agent platform's original SQLite database as sqlcore
// metadata, the single source of truth for create_all(), the migration history and the operations.
//
//   trinity::db::Schema s;                        // owns one MetaData with every table
//   s.metadata.create_all(engine);
//   conn.execute(select(s.users.id).where(s.users.username == "ada"));
//
// Each table is a struct of typed column handles (Col<T>; Col<std::optional<T>> is nullable) whose
// constructor declares the table's keys and indexes. The tables are grouped by domain, one header
// each under trinity/db/tables/ (users_access, agents, schedules, chat, public_links, activity,
// operator, monitoring, integrations, billing, settings); this header includes them all.
// docs/trinity-tables.md lists every table as SQLite and PostgreSQL create it (generated from this
// metadata by `trinity-db reference`).
//
// Mapping from the original SQLite schema: TEXT -> Text; an INTEGER holding a flag -> Boolean; a
// time stamp -> DateTime (UTC); JSON kept in TEXT -> Json; an encrypted secret (TEXT) -> Text;
// REAL -> Double; INTEGER -> Integer, and BigInteger for ids and for values that can pass 2^31
// (durations in ms, token counts, cumulative counters, credit amounts, Telegram update ids).
//
// Decisions where the original schema is silent, or where it breaks the rules this schema keeps
// (one declaration valid on SQLite and PostgreSQL alike; a key has the type of the column it
// refers to; a boolean is a Boolean; nothing dangles silently). The table headers refer to them by
// number:
//
// 1. Ids are BigInteger. Every INTEGER AUTOINCREMENT key (users, agent_ownership, ...) and every
//    column referring to one is BigInteger: SQLite's rowid is 64-bit already (the column is still
//    written INTEGER there), and PostgreSQL then numbers the same range. The keys keep
//    AUTOINCREMENT on SQLite (autoincrement(true)): ids are never reused, as in the original.
// 2. Keys join columns of one type. Five TEXT columns were declared as keys to users.id (INTEGER):
//    email_whitelist.added_by, agent_public_links.created_by, system_views.owner_id,
//    slack_link_connections.connected_by and operator_queue.responded_by_id. They become
//    BigInteger keys to users.id (nullability as in the original): the declared intent, enforced.
//    Operations pass the user's id; copying a legacy database converts the text (or a username)
//    to that id.
// 3. ON DELETE as the original declares it; every other key is NO ACTION, so deleting a referenced
//    row fails until the operation has dealt with what refers to it (nothing dangles silently).
//    The keys to agent_ownership.agent_name (agent_public_links, agent_git_config, agent_tags,
//    slack_channel_agents) also get ON UPDATE CASCADE: rename_agent updates agent_ownership and
//    the referring rows follow in the same statement, on both backends.
// 4. Nullability exactly as the original, including the nullable flags that have a default (an
//    INTEGER flag with DEFAULT 0 but no NOT NULL) and the nullable `created_at ... DEFAULT
//    CURRENT_TIMESTAMP` columns: an adopted database may hold NULLs there.
// 5. Server defaults: the original's, plus now() on the NOT NULL time columns that record when
//    the row was written (created_at, updated_at, added_at, assigned_at, started_at, timestamp,
//    ...); columns the application computes (expires_at, dashboard_mtime) get none.
// 6. Every index of the original is declared, even where a UNIQUE constraint already indexes the
//    column (idx_users_username, ...): an adopted database has them, and the autogenerate diff
//    against it stays empty.
// 7. DESC in an index (idx_executions_started_at(started_at DESC), ...) is declared ascending:
//    sqlcore's Index has no per-column order yet, and a B-tree serves ORDER BY ... DESC by
//    scanning backwards, which is what these indexes are for (equality on the leading columns,
//    then newest first).
// 8. Partial-index predicates are written portably: a Boolean compares with true/false (the
//    original's `allow_proactive = 1` is an error on PostgreSQL), and `status IN (...)` is
//    spelled as ORs, which PostgreSQL keeps as written (it respells IN as = ANY (ARRAY[...]),
//    which the autogenerate comparison would report as a change). Where more SQL follows a
//    string literal, the literal comes first (`'running' = "status" AND ...`): PostgreSQL
//    respells it `'running'::text`, and sqlcore's comparison (detail::loose_sql) skips a
//    `::type` cast together with the blanks and words after it (`::text AND conversation_key`),
//    so `"status" = 'running' AND ...` would be reported as changed. Return to the natural order
//    once loose_sql stops at the end of the type name.
// 9. REAL is Double: the original's REAL is SQLite's 8-byte float, and Float (single precision)
//    rounded costs, running totals and measurements (revision 0002_double_precision).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "trinity/db/tables/activity.hpp"
#include "trinity/db/tables/agents.hpp"
#include "trinity/db/tables/billing.hpp"
#include "trinity/db/tables/chat.hpp"
#include "trinity/db/tables/common.hpp"
#include "trinity/db/tables/integrations.hpp"
#include "trinity/db/tables/monitoring.hpp"
#include "trinity/db/tables/operator.hpp"
#include "trinity/db/tables/public_links.hpp"
#include "trinity/db/tables/schedules.hpp"
#include "trinity/db/tables/settings.hpp"
#include "trinity/db/tables/users_access.hpp"

namespace trinity::db {

// ---- the domains ------------------------------------------------------------------------------

/// One group of tables: the tables declared in trinity/db/tables/<name>.hpp. The reference
/// (docs/trinity-tables.md) is grouped by them.
struct TableDomain {
  std::string_view name;                 // "users_access": the header's name
  std::string_view title;                // "Users and access"
  std::string_view summary;              // one sentence: what the tables hold
  std::vector<std::string_view> tables;  // table names, in the Schema's order
};

/// Every domain, in the order the reference lists them; each of the 45 tables is in exactly one.
const std::vector<TableDomain>& table_domains();

// ---- the schema ------------------------------------------------------------------------------

/// All 45 tables in one MetaData. Tables are declared referenced-before-referring, so every
/// foreign key is checked as it is declared. Neither copyable nor movable; build one and share it
/// (read-only once constructed; see schema() for a process-wide one).
class Schema {
 public:
  Schema();
  ~Schema();
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  /// The number of tables (the original system's: 36 in its first schema + 9 its migrations added).
  static constexpr std::size_t kTableCount = 45;

  MetaData metadata;

  Users users{metadata};
  SubscriptionCredentials subscription_credentials{metadata};
  AgentOwnership agent_ownership{metadata};
  AgentSharing agent_sharing{metadata};
  McpApiKeys mcp_api_keys{metadata};
  EmailWhitelist email_whitelist{metadata};
  EmailLoginCodes email_login_codes{metadata};
  AgentSchedules agent_schedules{metadata};
  ScheduleExecutions schedule_executions{metadata};
  ChatSessions chat_sessions{metadata};
  ChatMessages chat_messages{metadata};
  AgentActivities agent_activities{metadata};
  AgentNotifications agent_notifications{metadata};
  AgentPermissions agent_permissions{metadata};
  AgentSharedFolderConfig agent_shared_folder_config{metadata};
  SystemSettings system_settings{metadata};
  AgentPublicLinks agent_public_links{metadata};
  PublicLinkVerifications public_link_verifications{metadata};
  PublicLinkUsage public_link_usage{metadata};
  PublicChatSessions public_chat_sessions{metadata};
  PublicChatMessages public_chat_messages{metadata};
  PublicUserMemory public_user_memory{metadata};
  AgentGitConfig agent_git_config{metadata};
  AgentSkills agent_skills{metadata};
  AgentTags agent_tags{metadata};
  SystemViews system_views{metadata};
  AgentHealthChecks agent_health_checks{metadata};
  MonitoringAlertCooldowns monitoring_alert_cooldowns{metadata};
  AgentDashboardValues agent_dashboard_values{metadata};
  AgentDashboardCache agent_dashboard_cache{metadata};
  SlackLinkConnections slack_link_connections{metadata};
  SlackUserVerifications slack_user_verifications{metadata};
  SlackPendingVerifications slack_pending_verifications{metadata};
  SlackWorkspaces slack_workspaces{metadata};
  SlackChannelAgents slack_channel_agents{metadata};
  SlackActiveThreads slack_active_threads{metadata};
  TelegramBindings telegram_bindings{metadata};
  TelegramChatLinks telegram_chat_links{metadata};
  TelegramGroupConfigs telegram_group_configs{metadata};
  SubscriptionRateLimitEvents subscription_rate_limit_events{metadata};
  OperatorQueue operator_queue{metadata};
  NeverminedAgentConfig nevermined_agent_config{metadata};
  NeverminedPaymentLog nevermined_payment_log{metadata};
  AgentEventSubscriptions agent_event_subscriptions{metadata};
  AgentEvents agent_events{metadata};
};

/// A process-wide Schema, built on first use (thread-safe) and never destroyed before exit.
const Schema& schema();

}  // namespace trinity::db
