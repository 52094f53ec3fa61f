// The row mappings of trinity-db's models (internal): each model struct tied to its table's
// columns once, here, and used by every operation that reads or writes it (see "Writing an
// operation" in docs/trinity.md). One Models per Db, built from its Schema.
#pragma once

#include <sqlcore/engine/mapping.hpp>

#include "trinity/db/activity.hpp"
#include "trinity/db/agents.hpp"
#include "trinity/db/chat.hpp"
#include "trinity/db/dashboard_history.hpp"
#include "trinity/db/email_auth.hpp"
#include "trinity/db/event_subscriptions.hpp"
#include "trinity/db/mcp_keys.hpp"
#include "trinity/db/monitoring.hpp"
#include "trinity/db/nevermined.hpp"
#include "trinity/db/notifications.hpp"
#include "trinity/db/operator_queue.hpp"
#include "trinity/db/permissions.hpp"
#include "trinity/db/public_chat.hpp"
#include "trinity/db/public_links.hpp"
#include "trinity/db/schedule_executions.hpp"
#include "trinity/db/schedules.hpp"
#include "trinity/db/schema.hpp"
#include "trinity/db/settings.hpp"
#include "trinity/db/shared_folders.hpp"
#include "trinity/db/skills.hpp"
#include "trinity/db/slack.hpp"
#include "trinity/db/slack_channels.hpp"
#include "trinity/db/subscriptions.hpp"
#include "trinity/db/system_views.hpp"
#include "trinity/db/telegram_channels.hpp"
#include "trinity/db/users.hpp"

namespace trinity::db {

using sqlcore::Mapping;

/// A system view as stored: its filter tags as the column's JSON document (SystemView holds them
/// as strings; system_views.cpp converts through sqlcore::Json).
struct StoredSystemView : SystemView {
  sqlcore::Json filter_tags_json;
};

/// A schedule as stored: its allowed tools as the column's JSON document (Schedule holds them as
/// strings; schedules.cpp converts through sqlcore::Json).
struct StoredSchedule : Schedule {
  std::optional<sqlcore::Json> allowed_tools_json;
};

/// A git configuration as stored: its sync paths as the column's JSON document.
struct StoredGitConfig : GitConfig {
  std::optional<sqlcore::Json> sync_paths_json;
};

/// A team's Slack connection as read: the link's require_email as its nullable column, and the
/// bot token sealed (slack.cpp opens it into SlackTeamConnection).
struct StoredSlackTeamConnection : SlackTeamConnection {
  std::optional<bool> link_require_email;
};

/// A Nevermined configuration as stored: with its sealed API key (nevermined.cpp opens it).
struct StoredNeverminedConfig : NeverminedConfig {
  std::string encrypted_credentials;
};

struct Models {
  explicit Models(const Schema& s);

  // users
  Mapping<User> user;
  Mapping<UserCreate> user_create;
  Mapping<UserUpdate> user_update;
  // chat
  Mapping<ChatSession> chat_session;
  Mapping<ChatMessage> chat_message;
  Mapping<ChatMessageCreate> chat_message_create;
  // activities
  Mapping<Activity> activity;
  Mapping<ActivityCreate> activity_create;
  // agent permissions, settings, email login, MCP keys
  Mapping<AgentPermission> agent_permission;
  Mapping<SystemSetting> system_setting;
  Mapping<WhitelistEntry> whitelist_entry;
  Mapping<McpApiKey> mcp_api_key;
  // agents
  Mapping<AgentOwner> agent_owner;
  Mapping<AgentShare> agent_share;
  Mapping<AgentMetadata> agent_metadata;
  // skills, shared folders, system views
  Mapping<AgentSkill> agent_skill;
  Mapping<SharedFolderConfig> shared_folder_config;
  Mapping<StoredSystemView> system_view;
  Mapping<SystemViewUpdate> system_view_update;
  // public links and public chat
  Mapping<PublicLink> public_link;
  Mapping<PublicLinkUpdate> public_link_update;
  Mapping<LinkUsage> link_usage;
  Mapping<UserMemory> user_memory;
  Mapping<PublicChatSession> public_chat_session;
  Mapping<PublicChatMessage> public_chat_message;
  // schedule executions
  Mapping<ScheduleExecution> schedule_execution;
  Mapping<ExecutionSummary> execution_summary;
  Mapping<RunningExecution> running_execution;
  Mapping<RunningExecutionInfo> running_execution_info;
  // schedules and git configuration
  Mapping<StoredSchedule> schedule;
  Mapping<ScheduleUpdate> schedule_update;
  Mapping<StoredGitConfig> git_config;
  // health checks and dashboard history
  Mapping<HealthCheck> health_check;
  Mapping<DockerMetrics> docker_metrics;
  Mapping<NetworkMetrics> network_metrics;
  Mapping<BusinessMetrics> business_metrics;
  Mapping<WidgetValue> widget_value;
  Mapping<CachedDashboard> cached_dashboard;
  // operator queue, notifications, event subscriptions and events
  Mapping<OperatorQueueItem> operator_queue_item;
  Mapping<OperatorQueueItemCreate> operator_queue_item_create;
  Mapping<Notification> notification;
  Mapping<NotificationCreate> notification_create;
  Mapping<EventSubscription> event_subscription;
  Mapping<EventSubscriptionCreate> event_subscription_create;
  Mapping<EventSubscriptionUpdate> event_subscription_update;
  Mapping<AgentEvent> agent_event;
  // Slack: link connections and verifications, workspaces and channel bindings
  Mapping<SlackConnection> slack_connection;
  Mapping<StoredSlackTeamConnection> slack_team_connection;
  Mapping<SlackConnectionUpdate> slack_connection_update;
  Mapping<SlackUserVerification> slack_user_verification;
  Mapping<SlackPendingVerification> slack_pending_verification;
  Mapping<SlackPendingUpdate> slack_pending_update;
  Mapping<SlackWorkspace> slack_workspace;
  Mapping<SlackChannelAgent> slack_channel_agent;
  // Nevermined payments
  Mapping<NeverminedConfig> nevermined_config;
  Mapping<StoredNeverminedConfig> nevermined_config_stored;
  Mapping<NeverminedPaymentLogEntry> nevermined_payment;
  // Telegram bindings, chat links and group configs
  Mapping<TelegramBinding> telegram_binding;
  Mapping<TelegramChatLink> telegram_chat_link;
  Mapping<TelegramGroupConfig> telegram_group_config;
  Mapping<TelegramGroupConfigUpdate> telegram_group_config_update;
  // subscriptions
  Mapping<SubscriptionCredential> subscription;
};

}  // namespace trinity::db
