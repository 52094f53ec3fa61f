// The trinity-db schema: the 45 tables of ../shared/trinity/SCHEMA.md as sqlcore metadata, the
// single source of truth for create_all(), the migration history and the operations.
//
//   trinity::db::Schema s;                        // owns one MetaData with every table
//   s.metadata.create_all(engine);
//   conn.execute(select(s.users.id).where(s.users.username == "ada"));
//
// Each table is a struct of typed column handles (Col<T>; Col<std::optional<T>> is nullable).
// The column declarations are here; table-level keys and indexes are declared in each table's
// constructor in schema.cpp, next to the comments that explain the choices.
//
// Mapping from the original SQLite schema (SCHEMA.md): TEXT -> Text, [b] -> Boolean, [ts] ->
// DateTime (UTC), [j] -> Json, [enc] -> Text, REAL -> Double, INTEGER -> Integer, and BigInteger
// for ids and for values that can pass 2^31 (durations in ms, token counts, cumulative counters,
// credit amounts, Telegram update ids). Decisions where SCHEMA.md is silent or contradicts the
// rules of the issue are listed in schema.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>
#include <sqlcore/schema/metadata.hpp>
#include <sqlcore/schema/table.hpp>
#include <sqlcore/schema/types.hpp>

namespace trinity::db {

namespace types = sqlcore::types;
using sqlcore::Col;
using sqlcore::FkAction;
using sqlcore::MetaData;
using sqlcore::now;

// Column handles by what reads give back.
using TextCol = Col<std::string>;
using OptTextCol = Col<std::optional<std::string>>;
using IntCol = Col<std::int64_t>;
using OptIntCol = Col<std::optional<std::int64_t>>;
using BoolCol = Col<bool>;
using OptBoolCol = Col<std::optional<bool>>;
using RealCol = Col<double>;
using OptRealCol = Col<std::optional<double>>;
using TsCol = Col<sqlcore::Timestamp>;
using OptTsCol = Col<std::optional<sqlcore::Timestamp>>;
using JsonCol = Col<sqlcore::Json>;
using OptJsonCol = Col<std::optional<sqlcore::Json>>;

// ---- users and credentials -------------------------------------------------------------------

struct Users : sqlcore::Table {
  explicit Users(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol username = column("username", types::Text).unique();
  OptTextCol password_hash = column("password_hash", types::Text);
  TextCol role = column("role", types::Text).server_default("user");
  OptTextCol auth0_sub = column("auth0_sub", types::Text).unique();
  OptTextCol name = column("name", types::Text);
  OptTextCol picture = column("picture", types::Text);
  OptTextCol email = column("email", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
  OptTsCol last_login = column("last_login", types::DateTime);
  OptTsCol suspended_at = column("suspended_at", types::DateTime);
  OptTextCol github_pat_encrypted = column("github_pat_encrypted", types::Text);
};

struct SubscriptionCredentials : sqlcore::Table {
  explicit SubscriptionCredentials(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol name = column("name", types::Text).unique();
  TextCol encrypted_credentials = column("encrypted_credentials", types::Text);
  OptTextCol subscription_type = column("subscription_type", types::Text);
  OptTextCol rate_limit_tier = column("rate_limit_tier", types::Text);
  IntCol owner_id = column("owner_id", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

// ---- agents ----------------------------------------------------------------------------------

struct AgentOwnership : sqlcore::Table {
  explicit AgentOwnership(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol agent_name = column("agent_name", types::Text).unique();
  IntCol owner_id = column("owner_id", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptBoolCol is_system = column("is_system", types::Boolean).server_default(false);
  OptBoolCol use_platform_api_key =
      column("use_platform_api_key", types::Boolean).server_default(true);
  OptBoolCol autonomy_enabled = column("autonomy_enabled", types::Boolean).server_default(false);
  OptTextCol memory_limit = column("memory_limit", types::Text);
  OptTextCol cpu_limit = column("cpu_limit", types::Text);
  OptBoolCol full_capabilities = column("full_capabilities", types::Boolean).server_default(false);
  OptBoolCol read_only_mode = column("read_only_mode", types::Boolean).server_default(false);
  OptJsonCol read_only_config = column("read_only_config", types::Json);
  OptTextCol subscription_id =
      column("subscription_id", types::Text).references("subscription_credentials.id");
  OptIntCol max_parallel_tasks = column("max_parallel_tasks", types::Integer).server_default(3);
  OptIntCol execution_timeout_seconds =
      column("execution_timeout_seconds", types::Integer).server_default(3600);
  OptTextCol avatar_identity_prompt = column("avatar_identity_prompt", types::Text);
  OptTsCol avatar_updated_at = column("avatar_updated_at", types::DateTime);
  OptBoolCol is_default_avatar = column("is_default_avatar", types::Boolean).server_default(false);
  OptBoolCol require_email = column("require_email", types::Boolean).server_default(false);
  OptBoolCol open_access = column("open_access", types::Boolean).server_default(false);
  OptIntCol max_backlog_depth = column("max_backlog_depth", types::Integer).server_default(50);
  OptTextCol group_auth_mode = column("group_auth_mode", types::Text).server_default("none");
  OptTextCol voice_system_prompt = column("voice_system_prompt", types::Text);
  OptTextCol voice_name = column("voice_name", types::Text);
  OptTextCol public_channel_model = column("public_channel_model", types::Text);
  OptTextCol public_channel_system_prompt = column("public_channel_system_prompt", types::Text);
  OptJsonCol guardrails_config = column("guardrails_config", types::Json);
  OptBoolCol file_sharing_enabled =
      column("file_sharing_enabled", types::Boolean).server_default(false);
  OptBoolCol circuit_breaker_enabled =
      column("circuit_breaker_enabled", types::Boolean).server_default(false);
  OptBoolCol mcp_exposed = column("mcp_exposed", types::Boolean).server_default(false);
  OptBoolCol a2a_exposed = column("a2a_exposed", types::Boolean).server_default(false);
  OptBoolCol operator_resume_enabled =
      column("operator_resume_enabled", types::Boolean).server_default(false);
  OptBoolCol tts_voice_replies_enabled =
      column("tts_voice_replies_enabled", types::Boolean).server_default(false);
  OptTextCol tts_voice_id = column("tts_voice_id", types::Text);
  OptBoolCol tts_voice_telegram_enabled =
      column("tts_voice_telegram_enabled", types::Boolean).server_default(true);
  OptBoolCol tts_voice_slack_enabled =
      column("tts_voice_slack_enabled", types::Boolean).server_default(true);
  OptBoolCol tts_voice_whatsapp_enabled =
      column("tts_voice_whatsapp_enabled", types::Boolean).server_default(true);
  OptTsCol deleted_at = column("deleted_at", types::DateTime);
  OptBoolCol is_ephemeral = column("is_ephemeral", types::Boolean).server_default(false);
  OptIntCol ephemeral_max_executions = column("ephemeral_max_executions", types::Integer);
  OptTsCol ephemeral_expires_at = column("ephemeral_expires_at", types::DateTime);
  OptTextCol spawned_by_agent = column("spawned_by_agent", types::Text);
  OptTextCol spawned_by_key_id = column("spawned_by_key_id", types::Text);
  OptTextCol volume_base_name = column("volume_base_name", types::Text);
  OptTextCol display_label = column("display_label", types::Text);
};

struct AgentSharing : sqlcore::Table {
  explicit AgentSharing(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol agent_name = column("agent_name", types::Text);
  TextCol shared_with_email = column("shared_with_email", types::Text);
  IntCol shared_by_id = column("shared_by_id", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptBoolCol allow_proactive = column("allow_proactive", types::Boolean).server_default(false);
};

struct McpApiKeys : sqlcore::Table {
  explicit McpApiKeys(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol name = column("name", types::Text);
  OptTextCol description = column("description", types::Text);
  TextCol key_prefix = column("key_prefix", types::Text);
  TextCol key_hash = column("key_hash", types::Text).unique();
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol last_used_at = column("last_used_at", types::DateTime);
  OptIntCol usage_count = column("usage_count", types::BigInteger).server_default(0);
  OptBoolCol is_active = column("is_active", types::Boolean).server_default(true);
  IntCol user_id = column("user_id", types::BigInteger).references("users.id");
  OptTextCol agent_name = column("agent_name", types::Text);
  OptTextCol scope = column("scope", types::Text).server_default("user");
};

struct EmailWhitelist : sqlcore::Table {
  explicit EmailWhitelist(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol email = column("email", types::Text).unique();
  // TEXT in the original, declared as a key to users.id: the id of the user who added it.
  IntCol added_by = column("added_by", types::BigInteger).references("users.id");
  TsCol added_at = column("added_at", types::DateTime).server_default(now());
  TextCol source = column("source", types::Text);
  TextCol default_role = column("default_role", types::Text).server_default("user");
};

struct EmailLoginCodes : sqlcore::Table {
  explicit EmailLoginCodes(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol email = column("email", types::Text);
  TextCol code = column("code", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol expires_at = column("expires_at", types::DateTime);
  OptBoolCol verified = column("verified", types::Boolean).server_default(false);
  OptTsCol used_at = column("used_at", types::DateTime);
  OptTextCol purpose = column("purpose", types::Text);
};

// ---- schedules and executions ----------------------------------------------------------------

struct AgentSchedules : sqlcore::Table {
  explicit AgentSchedules(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol name = column("name", types::Text);
  TextCol cron_expression = column("cron_expression", types::Text);
  TextCol message = column("message", types::Text);
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);
  OptTextCol timezone = column("timezone", types::Text).server_default("UTC");
  OptTextCol description = column("description", types::Text);
  IntCol owner_id = column("owner_id", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
  OptTsCol last_run_at = column("last_run_at", types::DateTime);
  OptTsCol next_run_at = column("next_run_at", types::DateTime);
  OptIntCol timeout_seconds = column("timeout_seconds", types::Integer);
  OptJsonCol allowed_tools = column("allowed_tools", types::Json);
  OptTextCol model = column("model", types::Text);
  OptIntCol max_retries = column("max_retries", types::Integer).server_default(0);
  OptIntCol retry_delay_seconds = column("retry_delay_seconds", types::Integer).server_default(60);
  OptBoolCol validation_enabled =
      column("validation_enabled", types::Boolean).server_default(false);
  OptTextCol validation_prompt = column("validation_prompt", types::Text);
  OptIntCol validation_timeout_seconds =
      column("validation_timeout_seconds", types::Integer).server_default(120);
  OptTextCol webhook_token = column("webhook_token", types::Text);
  OptBoolCol webhook_enabled = column("webhook_enabled", types::Boolean).server_default(false);
  OptTextCol webhook_secret_encrypted = column("webhook_secret_encrypted", types::Text);
  OptBoolCol webhook_auth_enabled =
      column("webhook_auth_enabled", types::Boolean).server_default(false);
  OptTextCol deliver_to_workspace_email = column("deliver_to_workspace_email", types::Text);
  OptTsCol deleted_at = column("deleted_at", types::DateTime);
};

struct ScheduleExecutions : sqlcore::Table {
  explicit ScheduleExecutions(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol schedule_id = column("schedule_id", types::Text).references("agent_schedules.id");
  TextCol agent_name = column("agent_name", types::Text);
  TextCol status = column("status", types::Text);
  TsCol started_at = column("started_at", types::DateTime).server_default(now());
  OptTsCol completed_at = column("completed_at", types::DateTime);
  OptIntCol duration_ms = column("duration_ms", types::BigInteger);
  TextCol message = column("message", types::Text);
  OptTextCol response = column("response", types::Text);
  OptTextCol error = column("error", types::Text);
  TextCol triggered_by = column("triggered_by", types::Text);
  OptIntCol context_used = column("context_used", types::BigInteger);
  OptIntCol context_max = column("context_max", types::BigInteger);
  OptRealCol cost = column("cost", types::Double);
  OptJsonCol tool_calls = column("tool_calls", types::Json);
  OptJsonCol execution_log = column("execution_log", types::Json);
  OptTextCol model_used = column("model_used", types::Text);
  OptTextCol subscription_id = column("subscription_id", types::Text);
  OptIntCol attempt_number = column("attempt_number", types::Integer).server_default(1);
  OptTextCol retry_of_execution_id = column("retry_of_execution_id", types::Text);
  OptTsCol retry_scheduled_at = column("retry_scheduled_at", types::DateTime);
  OptTextCol business_status = column("business_status", types::Text);
  OptTsCol validated_at = column("validated_at", types::DateTime);
  OptTextCol validation_execution_id = column("validation_execution_id", types::Text);
  OptTextCol validates_execution_id = column("validates_execution_id", types::Text);
  OptJsonCol compact_metadata = column("compact_metadata", types::Json);
  OptJsonCol turn_integrity = column("turn_integrity", types::Json);
  OptIntCol source_user_id = column("source_user_id", types::BigInteger);
  OptTextCol source_user_email = column("source_user_email", types::Text);
  OptTextCol source_agent_name = column("source_agent_name", types::Text);
  OptTextCol source_mcp_key_id = column("source_mcp_key_id", types::Text);
  OptTextCol source_mcp_key_name = column("source_mcp_key_name", types::Text);
  OptTextCol claude_session_id = column("claude_session_id", types::Text);
  OptTsCol queued_at = column("queued_at", types::DateTime);
  OptJsonCol backlog_metadata = column("backlog_metadata", types::Json);
  OptTextCol fan_out_id = column("fan_out_id", types::Text);
  OptTextCol fan_out_task_id = column("fan_out_task_id", types::Text);
  OptIntCol retry_count = column("retry_count", types::Integer).server_default(0);
  OptTextCol loop_id = column("loop_id", types::Text);
  OptTextCol claim_token = column("claim_token", types::Text);
  OptTsCol lease_expires_at = column("lease_expires_at", types::DateTime);
  OptTextCol claimed_by_worker = column("claimed_by_worker", types::Text);
  OptIntCol redelivery_count = column("redelivery_count", types::Integer).server_default(0);
  OptTextCol source_channel = column("source_channel", types::Text);
  OptTextCol source_channel_chat_id = column("source_channel_chat_id", types::Text);
  OptTextCol source_channel_thread = column("source_channel_thread", types::Text);
  OptTextCol source_channel_agent = column("source_channel_agent", types::Text);
  OptTextCol source_channel_client = column("source_channel_client", types::Text);
  OptTextCol open_canvas_id = column("open_canvas_id", types::Text);
  OptIntCol chain_depth = column("chain_depth", types::Integer);
  OptTextCol conversation_key = column("conversation_key", types::Text);
};

// ---- chat and activity -----------------------------------------------------------------------

struct ChatSessions : sqlcore::Table {
  explicit ChatSessions(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  IntCol user_id = column("user_id", types::BigInteger).references("users.id");
  TextCol user_email = column("user_email", types::Text);
  TsCol started_at = column("started_at", types::DateTime).server_default(now());
  TsCol last_message_at = column("last_message_at", types::DateTime).server_default(now());
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  OptRealCol total_cost = column("total_cost", types::Double).server_default(0.0);
  OptIntCol total_context_used = column("total_context_used", types::BigInteger).server_default(0);
  OptIntCol total_context_max =
      column("total_context_max", types::BigInteger).server_default(200000);
  OptTextCol status = column("status", types::Text).server_default("active");
  OptTextCol subscription_id = column("subscription_id", types::Text);
};

struct ChatMessages : sqlcore::Table {
  explicit ChatMessages(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol session_id = column("session_id", types::Text).references("chat_sessions.id");
  TextCol agent_name = column("agent_name", types::Text);
  IntCol user_id = column("user_id", types::BigInteger).references("users.id");
  TextCol user_email = column("user_email", types::Text);
  TextCol role = column("role", types::Text);
  TextCol content = column("content", types::Text);
  TsCol timestamp = column("timestamp", types::DateTime).server_default(now());
  OptRealCol cost = column("cost", types::Double);
  OptIntCol context_used = column("context_used", types::BigInteger);
  OptIntCol context_max = column("context_max", types::BigInteger);
  OptJsonCol tool_calls = column("tool_calls", types::Json);
  OptIntCol execution_time_ms = column("execution_time_ms", types::BigInteger);
  OptTextCol source = column("source", types::Text).server_default("text");
  OptTextCol subscription_id = column("subscription_id", types::Text);
  OptIntCol output_tokens = column("output_tokens", types::BigInteger);
};

struct AgentActivities : sqlcore::Table {
  explicit AgentActivities(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol activity_type = column("activity_type", types::Text);
  TextCol activity_state = column("activity_state", types::Text);
  OptTextCol parent_activity_id =
      column("parent_activity_id", types::Text).references("agent_activities.id");
  TsCol started_at = column("started_at", types::DateTime).server_default(now());
  OptTsCol completed_at = column("completed_at", types::DateTime);
  OptIntCol duration_ms = column("duration_ms", types::BigInteger);
  OptIntCol user_id = column("user_id", types::BigInteger).references("users.id");
  TextCol triggered_by = column("triggered_by", types::Text);
  OptTextCol related_chat_message_id =
      column("related_chat_message_id", types::Text).references("chat_messages.id");
  OptTextCol related_execution_id =
      column("related_execution_id", types::Text).references("schedule_executions.id");
  OptJsonCol details = column("details", types::Json);
  OptTextCol error = column("error", types::Text);
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());
};

struct AgentNotifications : sqlcore::Table {
  explicit AgentNotifications(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol notification_type = column("notification_type", types::Text);
  TextCol title = column("title", types::Text);
  OptTextCol message = column("message", types::Text);
  OptTextCol priority = column("priority", types::Text).server_default("normal");
  OptTextCol category = column("category", types::Text);
  OptJsonCol metadata_ = column("metadata", types::Json);  // `metadata` is Table::metadata()
  OptTextCol status = column("status", types::Text).server_default("pending");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol acknowledged_at = column("acknowledged_at", types::DateTime);
  OptTextCol acknowledged_by = column("acknowledged_by", types::Text);
};

struct AgentPermissions : sqlcore::Table {
  explicit AgentPermissions(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol source_agent = column("source_agent", types::Text);
  TextCol target_agent = column("target_agent", types::Text);
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());
  TextCol created_by = column("created_by", types::Text);
};

struct AgentSharedFolderConfig : sqlcore::Table {
  explicit AgentSharedFolderConfig(MetaData& m);
  TextCol agent_name = column("agent_name", types::Text).primary_key();
  OptBoolCol expose_enabled = column("expose_enabled", types::Boolean).server_default(false);
  OptBoolCol consume_enabled = column("consume_enabled", types::Boolean).server_default(false);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

struct SystemSettings : sqlcore::Table {
  explicit SystemSettings(MetaData& m);
  TextCol key = column("key", types::Text).primary_key();
  TextCol value = column("value", types::Text);
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

// ---- public links and public chat ------------------------------------------------------------

struct AgentPublicLinks : sqlcore::Table {
  explicit AgentPublicLinks(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name =
      column("agent_name", types::Text)
          .references("agent_ownership.agent_name", FkAction::cascade, FkAction::cascade);
  TextCol token = column("token", types::Text).unique();
  // TEXT in the original, declared as a key to users.id.
  IntCol created_by = column("created_by", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol expires_at = column("expires_at", types::DateTime);
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);
  OptTextCol name = column("name", types::Text);
  OptBoolCol require_email = column("require_email", types::Boolean).server_default(false);
  TextCol type = column("type", types::Text).server_default("chat");
};

struct PublicLinkVerifications : sqlcore::Table {
  explicit PublicLinkVerifications(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  TextCol email = column("email", types::Text);
  TextCol code = column("code", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol expires_at = column("expires_at", types::DateTime);
  OptBoolCol verified = column("verified", types::Boolean).server_default(false);
  OptTextCol session_token = column("session_token", types::Text);
  OptTsCol session_expires_at = column("session_expires_at", types::DateTime);
};

struct PublicLinkUsage : sqlcore::Table {
  explicit PublicLinkUsage(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  OptTextCol email = column("email", types::Text);
  OptTextCol ip_address = column("ip_address", types::Text);
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol last_used_at = column("last_used_at", types::DateTime);
};

struct PublicChatSessions : sqlcore::Table {
  explicit PublicChatSessions(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  TextCol session_identifier = column("session_identifier", types::Text);
  TextCol identifier_type = column("identifier_type", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol last_message_at = column("last_message_at", types::DateTime).server_default(now());
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  OptRealCol total_cost = column("total_cost", types::Double).server_default(0.0);
};

struct PublicChatMessages : sqlcore::Table {
  explicit PublicChatMessages(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol session_id =
      column("session_id", types::Text).references("public_chat_sessions.id", FkAction::cascade);
  TextCol role = column("role", types::Text);
  TextCol content = column("content", types::Text);
  TsCol timestamp = column("timestamp", types::DateTime).server_default(now());
  OptRealCol cost = column("cost", types::Double);
  OptTextCol sender_email = column("sender_email", types::Text);
  OptTextCol sender_label = column("sender_label", types::Text);
};

struct PublicUserMemory : sqlcore::Table {
  explicit PublicUserMemory(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol user_email = column("user_email", types::Text);
  TextCol memory_text = column("memory_text", types::Text).server_default("");
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

// ---- agent configuration ---------------------------------------------------------------------

struct AgentGitConfig : sqlcore::Table {
  explicit AgentGitConfig(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name =
      column("agent_name", types::Text)
          .unique()
          .references("agent_ownership.agent_name", FkAction::no_action, FkAction::cascade);
  TextCol github_repo = column("github_repo", types::Text);
  TextCol working_branch = column("working_branch", types::Text);
  TextCol instance_id = column("instance_id", types::Text);
  OptTextCol source_branch = column("source_branch", types::Text).server_default("main");
  OptBoolCol source_mode = column("source_mode", types::Boolean).server_default(false);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol last_sync_at = column("last_sync_at", types::DateTime);
  OptTextCol last_commit_sha = column("last_commit_sha", types::Text);
  OptBoolCol sync_enabled = column("sync_enabled", types::Boolean).server_default(true);
  OptJsonCol sync_paths = column("sync_paths", types::Json);
  OptTextCol github_pat_encrypted = column("github_pat_encrypted", types::Text);
  OptBoolCol auto_sync_enabled = column("auto_sync_enabled", types::Boolean).server_default(false);
  OptBoolCol freeze_schedules_if_sync_failing =
      column("freeze_schedules_if_sync_failing", types::Boolean).server_default(false);
};

struct AgentSkills : sqlcore::Table {
  explicit AgentSkills(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol agent_name = column("agent_name", types::Text);
  TextCol skill_name = column("skill_name", types::Text);
  TextCol assigned_by = column("assigned_by", types::Text);
  TsCol assigned_at = column("assigned_at", types::DateTime).server_default(now());
  OptTextCol source_id = column("source_id", types::Text);
  OptTextCol delivery_status = column("delivery_status", types::Text);
  OptTextCol assigned_by_agent = column("assigned_by_agent", types::Text);
  BoolCol individual = column("individual", types::Boolean).server_default(true);
};

struct AgentTags : sqlcore::Table {
  explicit AgentTags(MetaData& m);
  TextCol agent_name =
      column("agent_name", types::Text)
          .primary_key()
          .references("agent_ownership.agent_name", FkAction::cascade, FkAction::cascade);
  TextCol tag = column("tag", types::Text).primary_key();
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());
};

struct SystemViews : sqlcore::Table {
  explicit SystemViews(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol name = column("name", types::Text);
  OptTextCol description = column("description", types::Text);
  OptTextCol icon = column("icon", types::Text);
  OptTextCol color = column("color", types::Text);
  JsonCol filter_tags = column("filter_tags", types::Json);
  // TEXT in the original, declared as a key to users.id.
  IntCol owner_id = column("owner_id", types::BigInteger).references("users.id");
  OptBoolCol is_shared = column("is_shared", types::Boolean).server_default(false);
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

// ---- monitoring and dashboards ---------------------------------------------------------------

struct AgentHealthChecks : sqlcore::Table {
  explicit AgentHealthChecks(MetaData& m);
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
};

struct MonitoringAlertCooldowns : sqlcore::Table {
  explicit MonitoringAlertCooldowns(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol condition = column("condition", types::Text);
  TsCol last_alert_at = column("last_alert_at", types::DateTime).server_default(now());
};

struct AgentDashboardValues : sqlcore::Table {
  explicit AgentDashboardValues(MetaData& m);
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
};

struct AgentDashboardCache : sqlcore::Table {
  explicit AgentDashboardCache(MetaData& m);
  TextCol agent_name = column("agent_name", types::Text).primary_key();
  JsonCol config_json = column("config_json", types::Json);
  OptTsCol last_modified = column("last_modified", types::DateTime);
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

// ---- Slack -----------------------------------------------------------------------------------

struct SlackLinkConnections : sqlcore::Table {
  explicit SlackLinkConnections(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id = column("link_id", types::Text)
                        .unique()
                        .references("agent_public_links.id", FkAction::cascade);
  TextCol slack_team_id = column("slack_team_id", types::Text).unique();
  OptTextCol slack_team_name = column("slack_team_name", types::Text);
  TextCol slack_bot_token = column("slack_bot_token", types::Text);
  // TEXT in the original, declared as a key to users.id.
  IntCol connected_by = column("connected_by", types::BigInteger).references("users.id");
  TsCol connected_at = column("connected_at", types::DateTime).server_default(now());
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);
};

struct SlackUserVerifications : sqlcore::Table {
  explicit SlackUserVerifications(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  TextCol slack_user_id = column("slack_user_id", types::Text);
  TextCol slack_team_id = column("slack_team_id", types::Text);
  TextCol verified_email = column("verified_email", types::Text);
  TextCol verification_method = column("verification_method", types::Text);
  TsCol verified_at = column("verified_at", types::DateTime).server_default(now());
};

struct SlackPendingVerifications : sqlcore::Table {
  explicit SlackPendingVerifications(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  TextCol slack_user_id = column("slack_user_id", types::Text);
  TextCol slack_team_id = column("slack_team_id", types::Text);
  OptTextCol email = column("email", types::Text);
  OptTextCol code = column("code", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol expires_at = column("expires_at", types::DateTime);
  OptTextCol state = column("state", types::Text).server_default("awaiting_email");
};

struct SlackWorkspaces : sqlcore::Table {
  explicit SlackWorkspaces(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol team_id = column("team_id", types::Text).unique();
  OptTextCol team_name = column("team_name", types::Text);
  TextCol bot_token = column("bot_token", types::Text);
  OptTextCol connected_by = column("connected_by", types::Text);
  TsCol connected_at = column("connected_at", types::DateTime).server_default(now());
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);
};

struct SlackChannelAgents : sqlcore::Table {
  explicit SlackChannelAgents(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol team_id = column("team_id", types::Text);
  TextCol slack_channel_id = column("slack_channel_id", types::Text);
  OptTextCol slack_channel_name = column("slack_channel_name", types::Text);
  TextCol agent_name =
      column("agent_name", types::Text)
          .references("agent_ownership.agent_name", FkAction::cascade, FkAction::cascade);
  OptBoolCol is_dm_default = column("is_dm_default", types::Boolean).server_default(false);
  OptTextCol created_by = column("created_by", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptBoolCol allow_proactive = column("allow_proactive", types::Boolean).server_default(false);
};

struct SlackActiveThreads : sqlcore::Table {
  explicit SlackActiveThreads(MetaData& m);
  TextCol team_id = column("team_id", types::Text).primary_key();
  TextCol channel_id = column("channel_id", types::Text).primary_key();
  TextCol thread_ts = column("thread_ts", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
};

// ---- Telegram --------------------------------------------------------------------------------

struct TelegramBindings : sqlcore::Table {
  explicit TelegramBindings(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol agent_name = column("agent_name", types::Text).unique();
  TextCol bot_token_encrypted = column("bot_token_encrypted", types::Text);
  OptTextCol bot_username = column("bot_username", types::Text);
  OptTextCol bot_id = column("bot_id", types::Text).unique();
  TextCol webhook_secret = column("webhook_secret", types::Text);
  OptTextCol webhook_url = column("webhook_url", types::Text);
  OptTextCol telegram_secret_token = column("telegram_secret_token", types::Text);
  OptIntCol last_update_id = column("last_update_id", types::BigInteger).server_default(0);
  OptBoolCol progress_indicator_enabled =
      column("progress_indicator_enabled", types::Boolean).server_default(true);
  OptBoolCol can_read_all_group_messages = column("can_read_all_group_messages", types::Boolean);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol updated_at = column("updated_at", types::DateTime);
};

struct TelegramChatLinks : sqlcore::Table {
  explicit TelegramChatLinks(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  IntCol binding_id = column("binding_id", types::BigInteger).references("telegram_bindings.id");
  TextCol telegram_user_id = column("telegram_user_id", types::Text);
  OptTextCol telegram_username = column("telegram_username", types::Text);
  OptTextCol session_id = column("session_id", types::Text);
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol last_active = column("last_active", types::DateTime);
  OptTextCol verified_email = column("verified_email", types::Text);
  OptTsCol verified_at = column("verified_at", types::DateTime);
};

struct TelegramGroupConfigs : sqlcore::Table {
  explicit TelegramGroupConfigs(MetaData& m);
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  IntCol binding_id = column("binding_id", types::BigInteger).references("telegram_bindings.id");
  TextCol chat_id = column("chat_id", types::Text);
  OptTextCol chat_title = column("chat_title", types::Text);
  OptTextCol chat_type = column("chat_type", types::Text).server_default("group");
  OptTextCol trigger_mode = column("trigger_mode", types::Text).server_default("mention");
  OptBoolCol welcome_enabled = column("welcome_enabled", types::Boolean).server_default(false);
  OptTextCol welcome_text = column("welcome_text", types::Text);
  OptBoolCol is_active = column("is_active", types::Boolean).server_default(true);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol updated_at = column("updated_at", types::DateTime);
  OptTextCol verified_by_email = column("verified_by_email", types::Text);
  OptTsCol verified_at = column("verified_at", types::DateTime);
  OptBoolCol allow_proactive = column("allow_proactive", types::Boolean).server_default(true);
  OptTsCol last_untagged_seen_at = column("last_untagged_seen_at", types::DateTime);
  OptBoolCol context_enabled = column("context_enabled", types::Boolean).server_default(true);
};

struct SubscriptionRateLimitEvents : sqlcore::Table {
  explicit SubscriptionRateLimitEvents(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol subscription_id = column("subscription_id", types::Text)
                                .references("subscription_credentials.id", FkAction::cascade);
  OptTextCol error_message = column("error_message", types::Text);
  OptTextCol failure_kind = column("failure_kind", types::Text);
  TsCol occurred_at = column("occurred_at", types::DateTime).server_default(now());
};

// ---- operator queue, payments, events --------------------------------------------------------

struct OperatorQueue : sqlcore::Table {
  explicit OperatorQueue(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  OptTextCol request_id = column("request_id", types::Text);
  TextCol type = column("type", types::Text);
  TextCol status = column("status", types::Text).server_default("pending");
  TextCol priority = column("priority", types::Text).server_default("medium");
  TextCol title = column("title", types::Text);
  TextCol question = column("question", types::Text);
  OptJsonCol options = column("options", types::Json);
  OptJsonCol context = column("context", types::Json);
  OptTextCol execution_id = column("execution_id", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol expires_at = column("expires_at", types::DateTime);
  OptTextCol response = column("response", types::Text);
  OptTextCol response_text = column("response_text", types::Text);
  // TEXT in the original (the user's id as text), declared as a key to users.id.
  OptIntCol responded_by_id = column("responded_by_id", types::BigInteger).references("users.id");
  OptTextCol responded_by_email = column("responded_by_email", types::Text);
  OptTsCol responded_at = column("responded_at", types::DateTime);
  OptTsCol acknowledged_at = column("acknowledged_at", types::DateTime);
  OptTsCol cleared_at = column("cleared_at", types::DateTime);
  OptTextCol addressed_to_email = column("addressed_to_email", types::Text);
  OptTextCol sync_state = column("sync_state", types::Text);
  OptTextCol sync_detail = column("sync_detail", types::Text);
  OptTsCol sync_updated_at = column("sync_updated_at", types::DateTime);
  OptTsCol last_confirmed_at = column("last_confirmed_at", types::DateTime);
  OptTextCol delivery_state = column("delivery_state", types::Text);
  OptTextCol delivery_detail = column("delivery_detail", types::Text);
  OptTsCol delivery_updated_at = column("delivery_updated_at", types::DateTime);
  OptTsCol divergence_acknowledged_at = column("divergence_acknowledged_at", types::DateTime);
  OptTextCol disposition = column("disposition", types::Text);
  OptTsCol disposed_at = column("disposed_at", types::DateTime);
  OptTextCol disposed_by = column("disposed_by", types::Text);
  OptTextCol disposed_by_email = column("disposed_by_email", types::Text);
  OptTextCol disposition_reason = column("disposition_reason", types::Text);
  OptTextCol batch_id = column("batch_id", types::Text);
  OptTextCol raised_by = column("raised_by", types::Text);
  OptTextCol channel = column("channel", types::Text);
  OptTextCol to_role = column("to_role", types::Text);
  OptTextCol resolved_to = column("resolved_to", types::Text);
  OptJsonCol proposal = column("proposal", types::Json);
  OptTextCol supersedes_expired = column("supersedes_expired", types::Text);
};

struct NeverminedAgentConfig : sqlcore::Table {
  explicit NeverminedAgentConfig(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text).unique();
  TextCol encrypted_credentials = column("encrypted_credentials", types::Text);
  TextCol nvm_environment = column("nvm_environment", types::Text);
  TextCol nvm_agent_id = column("nvm_agent_id", types::Text);
  TextCol nvm_plan_id = column("nvm_plan_id", types::Text);
  IntCol credits_per_request = column("credits_per_request", types::Integer).server_default(1);
  BoolCol enabled = column("enabled", types::Boolean).server_default(false);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
};

struct NeverminedPaymentLog : sqlcore::Table {
  explicit NeverminedPaymentLog(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  OptTextCol execution_id = column("execution_id", types::Text);
  TextCol action = column("action", types::Text);
  OptTextCol subscriber_address = column("subscriber_address", types::Text);
  OptIntCol credits_amount = column("credits_amount", types::BigInteger);
  OptTextCol tx_hash = column("tx_hash", types::Text);
  OptIntCol remaining_balance = column("remaining_balance", types::BigInteger);
  BoolCol success = column("success", types::Boolean).server_default(false);
  OptTextCol error = column("error", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
};

struct AgentEventSubscriptions : sqlcore::Table {
  explicit AgentEventSubscriptions(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol subscriber_agent = column("subscriber_agent", types::Text);
  TextCol source_agent = column("source_agent", types::Text);
  TextCol event_type = column("event_type", types::Text);
  TextCol target_message = column("target_message", types::Text);
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
  TextCol created_by = column("created_by", types::Text);
};

struct AgentEvents : sqlcore::Table {
  explicit AgentEvents(MetaData& m);
  TextCol id = column("id", types::Text).primary_key();
  TextCol source_agent = column("source_agent", types::Text);
  TextCol event_type = column("event_type", types::Text);
  OptJsonCol payload = column("payload", types::Json);
  OptIntCol subscriptions_triggered =
      column("subscriptions_triggered", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
};

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

  /// The number of tables (SCHEMA.md: 36 declared by the original system + 9 made by migrations).
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
