// Revision 0001_initial: the 45 tables of the original system's schema as they were when it was
// written, frozen.
//
// Generated with `trinity-db --url sqlite:// diff --cpp` (sqlcore::migrate::render_cpp) against
// an empty database, then kept: this revision must go on creating exactly these tables whatever
// the table declarations (trinity/db/tables/) say later; later changes are later revisions. The
// parity test (the history's head equals the MetaData on every backend) checks that revisions and
// declarations agree.
#include <cstdint>
#include <string>

#include <sqlcore/migrate/migrate.hpp>
#include <sqlcore/schema/metadata.hpp>
#include <sqlcore/schema/table.hpp>

#include "revisions.hpp"

namespace trinity::db::revisions {

using namespace sqlcore;
using sqlcore::migrate::MigrationContext;

// Referenced tables first. agent_activities refers to itself, which CREATE TABLE allows; no key
// needs adding afterwards.
void upgrade_0001_initial(MigrationContext& m) {
  {  // users
    MetaData md;
    Table& t = md.add_table("users");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("username", types::Text);
    t.column("password_hash", types::Text).nullable();
    t.column("role", types::Text).server_default(std::string("user"));
    t.column("auth0_sub", types::Text).nullable();
    t.column("name", types::Text).nullable();
    t.column("picture", types::Text).nullable();
    t.column("email", types::Text).nullable();
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.column("last_login", types::DateTime).nullable();
    t.column("suspended_at", types::DateTime).nullable();
    t.column("github_pat_encrypted", types::Text).nullable();
    t.unique({"username"}, "uq_users_username");
    t.unique({"auth0_sub"}, "uq_users_auth0_sub");
    t.index("idx_users_username", {"username"});
    t.index("idx_users_auth0_sub", {"auth0_sub"});
    t.index("idx_users_email", {"email"});
    t.index("idx_users_email_unique", {raw_sql("lower(\"email\")")})
        .unique()
        .where(raw_sql("\"email\" IS NOT NULL"));
    m.create_table(t);
  }
  {  // subscription_credentials
    MetaData md;
    Table& t = md.add_table("subscription_credentials");
    t.column("id", types::Text).primary_key();
    t.column("name", types::Text);
    t.column("encrypted_credentials", types::Text);
    t.column("subscription_type", types::Text).nullable();
    t.column("rate_limit_tier", types::Text).nullable();
    t.column("owner_id", types::BigInteger);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.unique({"name"}, "uq_subscription_credentials_name");
    t.foreign_key({"owner_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_subscription_credentials_owner_id_users");
    t.index("idx_subscriptions_name", {"name"});
    t.index("idx_subscriptions_owner", {"owner_id"});
    m.create_table(t);
  }
  {  // agent_ownership
    MetaData md;
    Table& t = md.add_table("agent_ownership");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("agent_name", types::Text);
    t.column("owner_id", types::BigInteger);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("is_system", types::Boolean).nullable().server_default(false);
    t.column("use_platform_api_key", types::Boolean).nullable().server_default(true);
    t.column("autonomy_enabled", types::Boolean).nullable().server_default(false);
    t.column("memory_limit", types::Text).nullable();
    t.column("cpu_limit", types::Text).nullable();
    t.column("full_capabilities", types::Boolean).nullable().server_default(false);
    t.column("read_only_mode", types::Boolean).nullable().server_default(false);
    t.column("read_only_config", types::Json).nullable();
    t.column("subscription_id", types::Text).nullable();
    t.column("max_parallel_tasks", types::Integer).nullable().server_default(std::int64_t{3});
    t.column("execution_timeout_seconds", types::Integer)
        .nullable()
        .server_default(std::int64_t{3600});
    t.column("avatar_identity_prompt", types::Text).nullable();
    t.column("avatar_updated_at", types::DateTime).nullable();
    t.column("is_default_avatar", types::Boolean).nullable().server_default(false);
    t.column("require_email", types::Boolean).nullable().server_default(false);
    t.column("open_access", types::Boolean).nullable().server_default(false);
    t.column("max_backlog_depth", types::Integer).nullable().server_default(std::int64_t{50});
    t.column("group_auth_mode", types::Text).nullable().server_default(std::string("none"));
    t.column("voice_system_prompt", types::Text).nullable();
    t.column("voice_name", types::Text).nullable();
    t.column("public_channel_model", types::Text).nullable();
    t.column("public_channel_system_prompt", types::Text).nullable();
    t.column("guardrails_config", types::Json).nullable();
    t.column("file_sharing_enabled", types::Boolean).nullable().server_default(false);
    t.column("circuit_breaker_enabled", types::Boolean).nullable().server_default(false);
    t.column("mcp_exposed", types::Boolean).nullable().server_default(false);
    t.column("a2a_exposed", types::Boolean).nullable().server_default(false);
    t.column("operator_resume_enabled", types::Boolean).nullable().server_default(false);
    t.column("tts_voice_replies_enabled", types::Boolean).nullable().server_default(false);
    t.column("tts_voice_id", types::Text).nullable();
    t.column("tts_voice_telegram_enabled", types::Boolean).nullable().server_default(true);
    t.column("tts_voice_slack_enabled", types::Boolean).nullable().server_default(true);
    t.column("tts_voice_whatsapp_enabled", types::Boolean).nullable().server_default(true);
    t.column("deleted_at", types::DateTime).nullable();
    t.column("is_ephemeral", types::Boolean).nullable().server_default(false);
    t.column("ephemeral_max_executions", types::Integer).nullable();
    t.column("ephemeral_expires_at", types::DateTime).nullable();
    t.column("spawned_by_agent", types::Text).nullable();
    t.column("spawned_by_key_id", types::Text).nullable();
    t.column("volume_base_name", types::Text).nullable();
    t.column("display_label", types::Text).nullable();
    t.unique({"agent_name"}, "uq_agent_ownership_agent_name");
    t.foreign_key({"owner_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_agent_ownership_owner_id_users");
    t.foreign_key({"subscription_id"}, "subscription_credentials", {"id"}, FkAction::no_action,
                  FkAction::no_action,
                  "fk_agent_ownership_subscription_id_subscription_credentials");
    t.index("idx_agent_ownership_owner", {"owner_id"});
    t.index("idx_agent_ownership_name", {"agent_name"});
    t.index("idx_agent_ownership_deleted_at", {"deleted_at"})
        .where(raw_sql("\"deleted_at\" IS NOT NULL"));
    m.create_table(t);
  }
  {  // agent_sharing
    MetaData md;
    Table& t = md.add_table("agent_sharing");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("agent_name", types::Text);
    t.column("shared_with_email", types::Text);
    t.column("shared_by_id", types::BigInteger);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("allow_proactive", types::Boolean).nullable().server_default(false);
    t.unique({"agent_name", "shared_with_email"}, "uq_agent_sharing_agent_name_shared_with_email");
    t.foreign_key({"shared_by_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_agent_sharing_shared_by_id_users");
    t.index("idx_agent_sharing_agent", {"agent_name"});
    t.index("idx_agent_sharing_email", {"shared_with_email"});
    t.index("idx_agent_sharing_proactive", {"agent_name", "shared_with_email"})
        .where(raw_sql("\"allow_proactive\" = true"));
    m.create_table(t);
  }
  {  // mcp_api_keys
    MetaData md;
    Table& t = md.add_table("mcp_api_keys");
    t.column("id", types::Text).primary_key();
    t.column("name", types::Text);
    t.column("description", types::Text).nullable();
    t.column("key_prefix", types::Text);
    t.column("key_hash", types::Text);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("last_used_at", types::DateTime).nullable();
    t.column("usage_count", types::BigInteger).nullable().server_default(std::int64_t{0});
    t.column("is_active", types::Boolean).nullable().server_default(true);
    t.column("user_id", types::BigInteger);
    t.column("agent_name", types::Text).nullable();
    t.column("scope", types::Text).nullable().server_default(std::string("user"));
    t.unique({"key_hash"}, "uq_mcp_api_keys_key_hash");
    t.foreign_key({"user_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_mcp_api_keys_user_id_users");
    t.index("idx_mcp_keys_user", {"user_id"});
    t.index("idx_mcp_keys_hash", {"key_hash"});
    t.index("idx_mcp_keys_agent", {"agent_name"});
    m.create_table(t);
  }
  {  // email_whitelist
    MetaData md;
    Table& t = md.add_table("email_whitelist");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("email", types::Text);
    t.column("added_by", types::BigInteger);
    t.column("added_at", types::DateTime).server_default(now());
    t.column("source", types::Text);
    t.column("default_role", types::Text).server_default(std::string("user"));
    t.unique({"email"}, "uq_email_whitelist_email");
    t.foreign_key({"added_by"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_email_whitelist_added_by_users");
    t.index("idx_email_whitelist_email", {"email"});
    m.create_table(t);
  }
  {  // email_login_codes
    MetaData md;
    Table& t = md.add_table("email_login_codes");
    t.column("id", types::Text).primary_key();
    t.column("email", types::Text);
    t.column("code", types::Text);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("expires_at", types::DateTime);
    t.column("verified", types::Boolean).nullable().server_default(false);
    t.column("used_at", types::DateTime).nullable();
    t.column("purpose", types::Text).nullable();
    t.index("idx_email_login_codes_email", {"email"});
    t.index("idx_email_login_codes_code", {"code"});
    m.create_table(t);
  }
  {  // agent_schedules
    MetaData md;
    Table& t = md.add_table("agent_schedules");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("name", types::Text);
    t.column("cron_expression", types::Text);
    t.column("message", types::Text);
    t.column("enabled", types::Boolean).nullable().server_default(true);
    t.column("timezone", types::Text).nullable().server_default(std::string("UTC"));
    t.column("description", types::Text).nullable();
    t.column("owner_id", types::BigInteger);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.column("last_run_at", types::DateTime).nullable();
    t.column("next_run_at", types::DateTime).nullable();
    t.column("timeout_seconds", types::Integer).nullable();
    t.column("allowed_tools", types::Json).nullable();
    t.column("model", types::Text).nullable();
    t.column("max_retries", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("retry_delay_seconds", types::Integer).nullable().server_default(std::int64_t{60});
    t.column("validation_enabled", types::Boolean).nullable().server_default(false);
    t.column("validation_prompt", types::Text).nullable();
    t.column("validation_timeout_seconds", types::Integer)
        .nullable()
        .server_default(std::int64_t{120});
    t.column("webhook_token", types::Text).nullable();
    t.column("webhook_enabled", types::Boolean).nullable().server_default(false);
    t.column("webhook_secret_encrypted", types::Text).nullable();
    t.column("webhook_auth_enabled", types::Boolean).nullable().server_default(false);
    t.column("deliver_to_workspace_email", types::Text).nullable();
    t.column("deleted_at", types::DateTime).nullable();
    t.foreign_key({"owner_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_agent_schedules_owner_id_users");
    t.index("idx_schedules_agent", {"agent_name"});
    t.index("idx_agent_schedules_deleted_at", {"deleted_at"})
        .where(raw_sql("\"deleted_at\" IS NOT NULL"));
    t.index("idx_schedules_owner", {"owner_id"});
    t.index("idx_schedules_enabled", {"enabled"});
    t.index("idx_schedules_webhook_token", {"webhook_token"})
        .unique()
        .where(raw_sql("\"webhook_token\" IS NOT NULL"));
    m.create_table(t);
  }
  {  // schedule_executions
    MetaData md;
    Table& t = md.add_table("schedule_executions");
    t.column("id", types::Text).primary_key();
    t.column("schedule_id", types::Text);
    t.column("agent_name", types::Text);
    t.column("status", types::Text);
    t.column("started_at", types::DateTime).server_default(now());
    t.column("completed_at", types::DateTime).nullable();
    t.column("duration_ms", types::BigInteger).nullable();
    t.column("message", types::Text);
    t.column("response", types::Text).nullable();
    t.column("error", types::Text).nullable();
    t.column("triggered_by", types::Text);
    t.column("context_used", types::BigInteger).nullable();
    t.column("context_max", types::BigInteger).nullable();
    t.column("cost", types::Float).nullable();
    t.column("tool_calls", types::Json).nullable();
    t.column("execution_log", types::Json).nullable();
    t.column("model_used", types::Text).nullable();
    t.column("subscription_id", types::Text).nullable();
    t.column("attempt_number", types::Integer).nullable().server_default(std::int64_t{1});
    t.column("retry_of_execution_id", types::Text).nullable();
    t.column("retry_scheduled_at", types::DateTime).nullable();
    t.column("business_status", types::Text).nullable();
    t.column("validated_at", types::DateTime).nullable();
    t.column("validation_execution_id", types::Text).nullable();
    t.column("validates_execution_id", types::Text).nullable();
    t.column("compact_metadata", types::Json).nullable();
    t.column("turn_integrity", types::Json).nullable();
    t.column("source_user_id", types::BigInteger).nullable();
    t.column("source_user_email", types::Text).nullable();
    t.column("source_agent_name", types::Text).nullable();
    t.column("source_mcp_key_id", types::Text).nullable();
    t.column("source_mcp_key_name", types::Text).nullable();
    t.column("claude_session_id", types::Text).nullable();
    t.column("queued_at", types::DateTime).nullable();
    t.column("backlog_metadata", types::Json).nullable();
    t.column("fan_out_id", types::Text).nullable();
    t.column("fan_out_task_id", types::Text).nullable();
    t.column("retry_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("loop_id", types::Text).nullable();
    t.column("claim_token", types::Text).nullable();
    t.column("lease_expires_at", types::DateTime).nullable();
    t.column("claimed_by_worker", types::Text).nullable();
    t.column("redelivery_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("source_channel", types::Text).nullable();
    t.column("source_channel_chat_id", types::Text).nullable();
    t.column("source_channel_thread", types::Text).nullable();
    t.column("source_channel_agent", types::Text).nullable();
    t.column("source_channel_client", types::Text).nullable();
    t.column("open_canvas_id", types::Text).nullable();
    t.column("chain_depth", types::Integer).nullable();
    t.column("conversation_key", types::Text).nullable();
    t.foreign_key({"schedule_id"}, "agent_schedules", {"id"}, FkAction::no_action,
                  FkAction::no_action, "fk_schedule_executions_schedule_id_agent_schedules");
    t.index("idx_executions_schedule", {"schedule_id"});
    t.index("idx_executions_agent", {"agent_name"});
    t.index("idx_executions_status", {"status"});
    t.index("idx_executions_agent_started", {"agent_name", "started_at"});
    t.index("idx_executions_started_at", {"started_at"});
    t.index("idx_executions_business_status", {"business_status"});
    t.index("idx_executions_validates", {"validates_execution_id"});
    t.index("idx_executions_completed_terminal", {"completed_at"})
        .where(raw_sql("'success' = \"status\" OR 'failed' = \"status\" OR 'cancelled' = "
                       "\"status\" OR 'skipped' = \"status\""));
    t.index("idx_executions_subscription", {"subscription_id", "started_at"});
    t.index("idx_executions_fan_out", {"fan_out_id"});
    t.index("idx_executions_fan_out_status", {"fan_out_id", "status"});
    t.index("idx_executions_queued", {"agent_name", "queued_at"})
        .where(raw_sql("\"status\" = 'queued'"));
    t.index("idx_executions_one_running_turn", {"agent_name", "conversation_key"})
        .unique()
        .where(raw_sql("'running' = \"status\" AND \"conversation_key\" IS NOT NULL"));
    t.index("idx_executions_pending_retry", {"retry_scheduled_at"})
        .where(raw_sql("\"retry_scheduled_at\" IS NOT NULL AND \"status\" = 'pending_retry'"));
    t.index("idx_executions_loop", {"loop_id"}).where(raw_sql("\"loop_id\" IS NOT NULL"));
    m.create_table(t);
  }
  {  // chat_sessions
    MetaData md;
    Table& t = md.add_table("chat_sessions");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("user_id", types::BigInteger);
    t.column("user_email", types::Text);
    t.column("started_at", types::DateTime).server_default(now());
    t.column("last_message_at", types::DateTime).server_default(now());
    t.column("message_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("total_cost", types::Float).nullable().server_default(0.0);
    t.column("total_context_used", types::BigInteger).nullable().server_default(std::int64_t{0});
    t.column("total_context_max", types::BigInteger)
        .nullable()
        .server_default(std::int64_t{200000});
    t.column("status", types::Text).nullable().server_default(std::string("active"));
    t.column("subscription_id", types::Text).nullable();
    t.foreign_key({"user_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_chat_sessions_user_id_users");
    t.index("idx_chat_sessions_agent", {"agent_name"});
    t.index("idx_chat_sessions_user", {"user_id"});
    t.index("idx_chat_sessions_status", {"status"});
    m.create_table(t);
  }
  {  // chat_messages
    MetaData md;
    Table& t = md.add_table("chat_messages");
    t.column("id", types::Text).primary_key();
    t.column("session_id", types::Text);
    t.column("agent_name", types::Text);
    t.column("user_id", types::BigInteger);
    t.column("user_email", types::Text);
    t.column("role", types::Text);
    t.column("content", types::Text);
    t.column("timestamp", types::DateTime).server_default(now());
    t.column("cost", types::Float).nullable();
    t.column("context_used", types::BigInteger).nullable();
    t.column("context_max", types::BigInteger).nullable();
    t.column("tool_calls", types::Json).nullable();
    t.column("execution_time_ms", types::BigInteger).nullable();
    t.column("source", types::Text).nullable().server_default(std::string("text"));
    t.column("subscription_id", types::Text).nullable();
    t.column("output_tokens", types::BigInteger).nullable();
    t.foreign_key({"session_id"}, "chat_sessions", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_chat_messages_session_id_chat_sessions");
    t.foreign_key({"user_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_chat_messages_user_id_users");
    t.index("idx_chat_messages_session", {"session_id", "timestamp", "id"});
    t.index("idx_chat_messages_agent", {"agent_name"});
    t.index("idx_chat_messages_user", {"user_id"});
    t.index("idx_chat_messages_timestamp", {"timestamp"});
    t.index("idx_chat_messages_subscription", {"subscription_id", "timestamp"});
    m.create_table(t);
  }
  {  // agent_activities
    MetaData md;
    Table& t = md.add_table("agent_activities");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("activity_type", types::Text);
    t.column("activity_state", types::Text);
    t.column("parent_activity_id", types::Text).nullable();
    t.column("started_at", types::DateTime).server_default(now());
    t.column("completed_at", types::DateTime).nullable();
    t.column("duration_ms", types::BigInteger).nullable();
    t.column("user_id", types::BigInteger).nullable();
    t.column("triggered_by", types::Text);
    t.column("related_chat_message_id", types::Text).nullable();
    t.column("related_execution_id", types::Text).nullable();
    t.column("details", types::Json).nullable();
    t.column("error", types::Text).nullable();
    t.column("created_at", types::DateTime).nullable().server_default(now());
    t.foreign_key({"parent_activity_id"}, "agent_activities", {"id"}, FkAction::no_action,
                  FkAction::no_action, "fk_agent_activities_parent_activity_id_agent_activities");
    t.foreign_key({"user_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_agent_activities_user_id_users");
    t.foreign_key({"related_chat_message_id"}, "chat_messages", {"id"}, FkAction::no_action,
                  FkAction::no_action, "fk_agent_activities_related_chat_message_id_chat_messages");
    t.foreign_key({"related_execution_id"}, "schedule_executions", {"id"}, FkAction::no_action,
                  FkAction::no_action,
                  "fk_agent_activities_related_execution_id_schedule_executions");
    t.index("idx_activities_agent", {"agent_name", "created_at"});
    t.index("idx_activities_created", {"created_at"});
    t.index("idx_activities_type", {"activity_type"});
    t.index("idx_activities_state", {"activity_state"});
    t.index("idx_activities_user", {"user_id"});
    t.index("idx_activities_parent", {"parent_activity_id"});
    t.index("idx_activities_chat_msg", {"related_chat_message_id"});
    t.index("idx_activities_execution", {"related_execution_id"});
    m.create_table(t);
  }
  {  // agent_notifications
    MetaData md;
    Table& t = md.add_table("agent_notifications");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("notification_type", types::Text);
    t.column("title", types::Text);
    t.column("message", types::Text).nullable();
    t.column("priority", types::Text).nullable().server_default(std::string("normal"));
    t.column("category", types::Text).nullable();
    t.column("metadata", types::Json).nullable();
    t.column("status", types::Text).nullable().server_default(std::string("pending"));
    t.column("created_at", types::DateTime).server_default(now());
    t.column("acknowledged_at", types::DateTime).nullable();
    t.column("acknowledged_by", types::Text).nullable();
    t.index("idx_notifications_agent", {"agent_name", "created_at"});
    t.index("idx_notifications_status", {"status"});
    t.index("idx_notifications_priority", {"priority"});
    m.create_table(t);
  }
  {  // agent_permissions
    MetaData md;
    Table& t = md.add_table("agent_permissions");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("source_agent", types::Text);
    t.column("target_agent", types::Text);
    t.column("created_at", types::DateTime).nullable().server_default(now());
    t.column("created_by", types::Text);
    t.unique({"source_agent", "target_agent"}, "uq_agent_permissions_source_agent_target_agent");
    t.index("idx_permissions_source", {"source_agent"});
    t.index("idx_permissions_target", {"target_agent"});
    m.create_table(t);
  }
  {  // agent_shared_folder_config
    MetaData md;
    Table& t = md.add_table("agent_shared_folder_config");
    t.column("agent_name", types::Text).primary_key();
    t.column("expose_enabled", types::Boolean).nullable().server_default(false);
    t.column("consume_enabled", types::Boolean).nullable().server_default(false);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.index("idx_shared_folders_expose", {"expose_enabled"});
    t.index("idx_shared_folders_consume", {"consume_enabled"});
    m.create_table(t);
  }
  {  // system_settings
    MetaData md;
    Table& t = md.add_table("system_settings");
    t.column("key", types::Text).primary_key();
    t.column("value", types::Text);
    t.column("updated_at", types::DateTime).server_default(now());
    m.create_table(t);
  }
  {  // agent_public_links
    MetaData md;
    Table& t = md.add_table("agent_public_links");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("token", types::Text);
    t.column("created_by", types::BigInteger);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("expires_at", types::DateTime).nullable();
    t.column("enabled", types::Boolean).nullable().server_default(true);
    t.column("name", types::Text).nullable();
    t.column("require_email", types::Boolean).nullable().server_default(false);
    t.column("type", types::Text).server_default(std::string("chat"));
    t.unique({"token"}, "uq_agent_public_links_token");
    t.foreign_key({"agent_name"}, "agent_ownership", {"agent_name"}, FkAction::cascade,
                  FkAction::cascade, "fk_agent_public_links_agent_name_agent_ownership");
    t.foreign_key({"created_by"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_agent_public_links_created_by_users");
    t.index("idx_public_links_token", {"token"});
    t.index("idx_public_links_agent", {"agent_name"});
    m.create_table(t);
  }
  {  // public_link_verifications
    MetaData md;
    Table& t = md.add_table("public_link_verifications");
    t.column("id", types::Text).primary_key();
    t.column("link_id", types::Text);
    t.column("email", types::Text);
    t.column("code", types::Text);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("expires_at", types::DateTime);
    t.column("verified", types::Boolean).nullable().server_default(false);
    t.column("session_token", types::Text).nullable();
    t.column("session_expires_at", types::DateTime).nullable();
    t.foreign_key({"link_id"}, "agent_public_links", {"id"}, FkAction::cascade, FkAction::no_action,
                  "fk_public_link_verifications_link_id_agent_public_links");
    t.index("idx_verifications_link", {"link_id"});
    t.index("idx_verifications_email", {"email"});
    t.index("idx_verifications_code", {"code"});
    m.create_table(t);
  }
  {  // public_link_usage
    MetaData md;
    Table& t = md.add_table("public_link_usage");
    t.column("id", types::Text).primary_key();
    t.column("link_id", types::Text);
    t.column("email", types::Text).nullable();
    t.column("ip_address", types::Text).nullable();
    t.column("message_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("created_at", types::DateTime).server_default(now());
    t.column("last_used_at", types::DateTime).nullable();
    t.foreign_key({"link_id"}, "agent_public_links", {"id"}, FkAction::cascade, FkAction::no_action,
                  "fk_public_link_usage_link_id_agent_public_links");
    t.index("idx_usage_link", {"link_id"});
    t.index("idx_usage_ip", {"ip_address"});
    m.create_table(t);
  }
  {  // public_chat_sessions
    MetaData md;
    Table& t = md.add_table("public_chat_sessions");
    t.column("id", types::Text).primary_key();
    t.column("link_id", types::Text);
    t.column("session_identifier", types::Text);
    t.column("identifier_type", types::Text);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("last_message_at", types::DateTime).server_default(now());
    t.column("message_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("total_cost", types::Float).nullable().server_default(0.0);
    t.unique({"link_id", "session_identifier"},
             "uq_public_chat_sessions_link_id_session_identifier");
    t.foreign_key({"link_id"}, "agent_public_links", {"id"}, FkAction::cascade, FkAction::no_action,
                  "fk_public_chat_sessions_link_id_agent_public_links");
    t.index("idx_public_chat_sessions_link", {"link_id"});
    t.index("idx_public_chat_sessions_identifier", {"session_identifier"});
    m.create_table(t);
  }
  {  // public_chat_messages
    MetaData md;
    Table& t = md.add_table("public_chat_messages");
    t.column("id", types::Text).primary_key();
    t.column("session_id", types::Text);
    t.column("role", types::Text);
    t.column("content", types::Text);
    t.column("timestamp", types::DateTime).server_default(now());
    t.column("cost", types::Float).nullable();
    t.column("sender_email", types::Text).nullable();
    t.column("sender_label", types::Text).nullable();
    t.foreign_key({"session_id"}, "public_chat_sessions", {"id"}, FkAction::cascade,
                  FkAction::no_action, "fk_public_chat_messages_session_id_public_chat_sessions");
    t.index("idx_public_chat_messages_session", {"session_id"});
    m.create_table(t);
  }
  {  // public_user_memory
    MetaData md;
    Table& t = md.add_table("public_user_memory");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("user_email", types::Text);
    t.column("memory_text", types::Text).server_default(std::string(""));
    t.column("message_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.unique({"agent_name", "user_email"}, "uq_public_user_memory_agent_name_user_email");
    t.index("idx_public_user_memory_lookup", {"agent_name", "user_email"});
    m.create_table(t);
  }
  {  // agent_git_config
    MetaData md;
    Table& t = md.add_table("agent_git_config");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("github_repo", types::Text);
    t.column("working_branch", types::Text);
    t.column("instance_id", types::Text);
    t.column("source_branch", types::Text).nullable().server_default(std::string("main"));
    t.column("source_mode", types::Boolean).nullable().server_default(false);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("last_sync_at", types::DateTime).nullable();
    t.column("last_commit_sha", types::Text).nullable();
    t.column("sync_enabled", types::Boolean).nullable().server_default(true);
    t.column("sync_paths", types::Json).nullable();
    t.column("github_pat_encrypted", types::Text).nullable();
    t.column("auto_sync_enabled", types::Boolean).nullable().server_default(false);
    t.column("freeze_schedules_if_sync_failing", types::Boolean).nullable().server_default(false);
    t.unique({"agent_name"}, "uq_agent_git_config_agent_name");
    t.foreign_key({"agent_name"}, "agent_ownership", {"agent_name"}, FkAction::no_action,
                  FkAction::cascade, "fk_agent_git_config_agent_name_agent_ownership");
    t.index("idx_git_config_agent", {"agent_name"});
    t.index("idx_git_config_repo", {"github_repo"});
    t.index("idx_git_config_repo_branch_unique", {"github_repo", "working_branch"})
        .unique()
        .where(raw_sql("\"source_mode\" = false"));
    m.create_table(t);
  }
  {  // agent_skills
    MetaData md;
    Table& t = md.add_table("agent_skills");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("agent_name", types::Text);
    t.column("skill_name", types::Text);
    t.column("assigned_by", types::Text);
    t.column("assigned_at", types::DateTime).server_default(now());
    t.column("source_id", types::Text).nullable();
    t.column("delivery_status", types::Text).nullable();
    t.column("assigned_by_agent", types::Text).nullable();
    t.column("individual", types::Boolean).server_default(true);
    t.unique({"agent_name", "skill_name"}, "uq_agent_skills_agent_name_skill_name");
    t.index("idx_agent_skills_agent", {"agent_name"});
    t.index("idx_agent_skills_skill", {"skill_name"});
    m.create_table(t);
  }
  {  // agent_tags
    MetaData md;
    Table& t = md.add_table("agent_tags");
    t.column("agent_name", types::Text);
    t.column("tag", types::Text);
    t.column("created_at", types::DateTime).nullable().server_default(now());
    t.primary_key({"agent_name", "tag"}, "pk_agent_tags");
    t.foreign_key({"agent_name"}, "agent_ownership", {"agent_name"}, FkAction::cascade,
                  FkAction::cascade, "fk_agent_tags_agent_name_agent_ownership");
    t.index("idx_agent_tags_tag", {"tag"});
    t.index("idx_agent_tags_agent", {"agent_name"});
    m.create_table(t);
  }
  {  // system_views
    MetaData md;
    Table& t = md.add_table("system_views");
    t.column("id", types::Text).primary_key();
    t.column("name", types::Text);
    t.column("description", types::Text).nullable();
    t.column("icon", types::Text).nullable();
    t.column("color", types::Text).nullable();
    t.column("filter_tags", types::Json);
    t.column("owner_id", types::BigInteger);
    t.column("is_shared", types::Boolean).nullable().server_default(false);
    t.column("created_at", types::DateTime).nullable().server_default(now());
    t.column("updated_at", types::DateTime).nullable().server_default(now());
    t.foreign_key({"owner_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_system_views_owner_id_users");
    t.index("idx_system_views_owner", {"owner_id"});
    m.create_table(t);
  }
  {  // agent_health_checks
    MetaData md;
    Table& t = md.add_table("agent_health_checks");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("check_type", types::Text);
    t.column("status", types::Text);
    t.column("container_status", types::Text).nullable();
    t.column("cpu_percent", types::Float).nullable();
    t.column("memory_percent", types::Float).nullable();
    t.column("memory_mb", types::Float).nullable();
    t.column("restart_count", types::Integer).nullable();
    t.column("oom_killed", types::Boolean).nullable();
    t.column("reachable", types::Boolean).nullable();
    t.column("latency_ms", types::Float).nullable();
    t.column("runtime_available", types::Boolean).nullable();
    t.column("claude_available", types::Boolean).nullable();
    t.column("context_percent", types::Float).nullable();
    t.column("active_executions", types::Integer).nullable();
    t.column("error_rate", types::Float).nullable();
    t.column("error_message", types::Text).nullable();
    t.column("checked_at", types::DateTime).server_default(now());
    t.column("created_at", types::DateTime).nullable().server_default(now());
    t.index("idx_health_agent_time", {"agent_name", "checked_at"});
    t.index("idx_health_status", {"status"});
    t.index("idx_health_type", {"check_type"});
    t.index("idx_health_checked_at", {"checked_at"});
    m.create_table(t);
  }
  {  // monitoring_alert_cooldowns
    MetaData md;
    Table& t = md.add_table("monitoring_alert_cooldowns");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("condition", types::Text);
    t.column("last_alert_at", types::DateTime).server_default(now());
    t.unique({"agent_name", "condition"}, "uq_monitoring_alert_cooldowns_agent_name_condition");
    t.index("idx_alert_cooldowns_agent", {"agent_name"});
    m.create_table(t);
  }
  {  // agent_dashboard_values
    MetaData md;
    Table& t = md.add_table("agent_dashboard_values");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("widget_key", types::Text);
    t.column("widget_label", types::Text).nullable();
    t.column("widget_type", types::Text);
    t.column("value_numeric", types::Float).nullable();
    t.column("value_text", types::Text).nullable();
    t.column("dashboard_mtime", types::DateTime);
    t.column("captured_at", types::DateTime).server_default(now());
    t.column("created_at", types::DateTime).nullable().server_default(now());
    t.index("idx_dashboard_values_agent_time", {"agent_name", "captured_at"});
    t.index("idx_dashboard_values_widget", {"agent_name", "widget_key", "captured_at"});
    m.create_table(t);
  }
  {  // agent_dashboard_cache
    MetaData md;
    Table& t = md.add_table("agent_dashboard_cache");
    t.column("agent_name", types::Text).primary_key();
    t.column("config_json", types::Json);
    t.column("last_modified", types::DateTime).nullable();
    t.column("updated_at", types::DateTime).server_default(now());
    m.create_table(t);
  }
  {  // slack_link_connections
    MetaData md;
    Table& t = md.add_table("slack_link_connections");
    t.column("id", types::Text).primary_key();
    t.column("link_id", types::Text);
    t.column("slack_team_id", types::Text);
    t.column("slack_team_name", types::Text).nullable();
    t.column("slack_bot_token", types::Text);
    t.column("connected_by", types::BigInteger);
    t.column("connected_at", types::DateTime).server_default(now());
    t.column("enabled", types::Boolean).nullable().server_default(true);
    t.unique({"link_id"}, "uq_slack_link_connections_link_id");
    t.unique({"slack_team_id"}, "uq_slack_link_connections_slack_team_id");
    t.foreign_key({"link_id"}, "agent_public_links", {"id"}, FkAction::cascade, FkAction::no_action,
                  "fk_slack_link_connections_link_id_agent_public_links");
    t.foreign_key({"connected_by"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_slack_link_connections_connected_by_users");
    t.index("idx_slack_connections_team", {"slack_team_id"});
    t.index("idx_slack_connections_link", {"link_id"});
    m.create_table(t);
  }
  {  // slack_user_verifications
    MetaData md;
    Table& t = md.add_table("slack_user_verifications");
    t.column("id", types::Text).primary_key();
    t.column("link_id", types::Text);
    t.column("slack_user_id", types::Text);
    t.column("slack_team_id", types::Text);
    t.column("verified_email", types::Text);
    t.column("verification_method", types::Text);
    t.column("verified_at", types::DateTime).server_default(now());
    t.unique({"link_id", "slack_user_id", "slack_team_id"},
             "uq_slack_user_verifications_link_id_slack_user_id_slack_team_id");
    t.foreign_key({"link_id"}, "agent_public_links", {"id"}, FkAction::cascade, FkAction::no_action,
                  "fk_slack_user_verifications_link_id_agent_public_links");
    t.index("idx_slack_verifications_user", {"slack_user_id", "slack_team_id"});
    t.index("idx_slack_verifications_link", {"link_id"});
    m.create_table(t);
  }
  {  // slack_pending_verifications
    MetaData md;
    Table& t = md.add_table("slack_pending_verifications");
    t.column("id", types::Text).primary_key();
    t.column("link_id", types::Text);
    t.column("slack_user_id", types::Text);
    t.column("slack_team_id", types::Text);
    t.column("email", types::Text).nullable();
    t.column("code", types::Text).nullable();
    t.column("created_at", types::DateTime).server_default(now());
    t.column("expires_at", types::DateTime);
    t.column("state", types::Text).nullable().server_default(std::string("awaiting_email"));
    t.foreign_key({"link_id"}, "agent_public_links", {"id"}, FkAction::cascade, FkAction::no_action,
                  "fk_slack_pending_verifications_link_id_agent_public_links");
    t.index("idx_slack_pending_user", {"slack_user_id", "slack_team_id"});
    m.create_table(t);
  }
  {  // slack_workspaces
    MetaData md;
    Table& t = md.add_table("slack_workspaces");
    t.column("id", types::Text).primary_key();
    t.column("team_id", types::Text);
    t.column("team_name", types::Text).nullable();
    t.column("bot_token", types::Text);
    t.column("connected_by", types::Text).nullable();
    t.column("connected_at", types::DateTime).server_default(now());
    t.column("enabled", types::Boolean).nullable().server_default(true);
    t.unique({"team_id"}, "uq_slack_workspaces_team_id");
    m.create_table(t);
  }
  {  // slack_channel_agents
    MetaData md;
    Table& t = md.add_table("slack_channel_agents");
    t.column("id", types::Text).primary_key();
    t.column("team_id", types::Text);
    t.column("slack_channel_id", types::Text);
    t.column("slack_channel_name", types::Text).nullable();
    t.column("agent_name", types::Text);
    t.column("is_dm_default", types::Boolean).nullable().server_default(false);
    t.column("created_by", types::Text).nullable();
    t.column("created_at", types::DateTime).server_default(now());
    t.column("allow_proactive", types::Boolean).nullable().server_default(false);
    t.unique({"team_id", "slack_channel_id"}, "uq_slack_channel_agents_team_id_slack_channel_id");
    t.foreign_key({"agent_name"}, "agent_ownership", {"agent_name"}, FkAction::cascade,
                  FkAction::cascade, "fk_slack_channel_agents_agent_name_agent_ownership");
    t.index("idx_slack_channel_agents_team", {"team_id"});
    t.index("idx_slack_channel_agents_agent", {"agent_name"});
    m.create_table(t);
  }
  {  // slack_active_threads
    MetaData md;
    Table& t = md.add_table("slack_active_threads");
    t.column("team_id", types::Text);
    t.column("channel_id", types::Text);
    t.column("thread_ts", types::Text);
    t.column("agent_name", types::Text);
    t.column("created_at", types::DateTime).server_default(now());
    t.primary_key({"team_id", "channel_id", "thread_ts"}, "pk_slack_active_threads");
    t.index("idx_slack_active_threads_lookup", {"team_id", "channel_id", "thread_ts"});
    m.create_table(t);
  }
  {  // telegram_bindings
    MetaData md;
    Table& t = md.add_table("telegram_bindings");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("agent_name", types::Text);
    t.column("bot_token_encrypted", types::Text);
    t.column("bot_username", types::Text).nullable();
    t.column("bot_id", types::Text).nullable();
    t.column("webhook_secret", types::Text);
    t.column("webhook_url", types::Text).nullable();
    t.column("telegram_secret_token", types::Text).nullable();
    t.column("last_update_id", types::BigInteger).nullable().server_default(std::int64_t{0});
    t.column("progress_indicator_enabled", types::Boolean).nullable().server_default(true);
    t.column("can_read_all_group_messages", types::Boolean).nullable();
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).nullable();
    t.unique({"agent_name"}, "uq_telegram_bindings_agent_name");
    t.unique({"bot_id"}, "uq_telegram_bindings_bot_id");
    t.index("idx_telegram_bindings_agent", {"agent_name"});
    t.index("idx_telegram_bindings_bot_id", {"bot_id"});
    t.index("idx_telegram_bindings_webhook", {"webhook_secret"});
    m.create_table(t);
  }
  {  // telegram_chat_links
    MetaData md;
    Table& t = md.add_table("telegram_chat_links");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("binding_id", types::BigInteger);
    t.column("telegram_user_id", types::Text);
    t.column("telegram_username", types::Text).nullable();
    t.column("session_id", types::Text).nullable();
    t.column("message_count", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("created_at", types::DateTime).server_default(now());
    t.column("last_active", types::DateTime).nullable();
    t.column("verified_email", types::Text).nullable();
    t.column("verified_at", types::DateTime).nullable();
    t.unique({"binding_id", "telegram_user_id"},
             "uq_telegram_chat_links_binding_id_telegram_user_id");
    t.foreign_key({"binding_id"}, "telegram_bindings", {"id"}, FkAction::no_action,
                  FkAction::no_action, "fk_telegram_chat_links_binding_id_telegram_bindings");
    t.index("idx_telegram_chat_links_binding", {"binding_id"});
    m.create_table(t);
  }
  {  // telegram_group_configs
    MetaData md;
    Table& t = md.add_table("telegram_group_configs");
    t.column("id", types::BigInteger).primary_key().autoincrement(true);
    t.column("binding_id", types::BigInteger);
    t.column("chat_id", types::Text);
    t.column("chat_title", types::Text).nullable();
    t.column("chat_type", types::Text).nullable().server_default(std::string("group"));
    t.column("trigger_mode", types::Text).nullable().server_default(std::string("mention"));
    t.column("welcome_enabled", types::Boolean).nullable().server_default(false);
    t.column("welcome_text", types::Text).nullable();
    t.column("is_active", types::Boolean).nullable().server_default(true);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).nullable();
    t.column("verified_by_email", types::Text).nullable();
    t.column("verified_at", types::DateTime).nullable();
    t.column("allow_proactive", types::Boolean).nullable().server_default(true);
    t.column("last_untagged_seen_at", types::DateTime).nullable();
    t.column("context_enabled", types::Boolean).nullable().server_default(true);
    t.foreign_key({"binding_id"}, "telegram_bindings", {"id"}, FkAction::no_action,
                  FkAction::no_action, "fk_telegram_group_configs_binding_id_telegram_bindings");
    t.index("idx_tg_group_binding_chat", {"binding_id", "chat_id"}).unique();
    t.index("idx_tg_group_chat_id", {"chat_id"});
    t.index("idx_tg_group_active", {"is_active"});
    m.create_table(t);
  }
  {  // subscription_rate_limit_events
    MetaData md;
    Table& t = md.add_table("subscription_rate_limit_events");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("subscription_id", types::Text);
    t.column("error_message", types::Text).nullable();
    t.column("failure_kind", types::Text).nullable();
    t.column("occurred_at", types::DateTime).server_default(now());
    t.foreign_key({"subscription_id"}, "subscription_credentials", {"id"}, FkAction::cascade,
                  FkAction::no_action,
                  "fk_subscription_rate_limit_events_subscription_id_subs_9e9a5b14");
    t.index("idx_rate_limit_agent_sub", {"agent_name", "subscription_id", "occurred_at"});
    t.index("idx_rate_limit_sub", {"subscription_id", "occurred_at"});
    m.create_table(t);
  }
  {  // operator_queue
    MetaData md;
    Table& t = md.add_table("operator_queue");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("request_id", types::Text).nullable();
    t.column("type", types::Text);
    t.column("status", types::Text).server_default(std::string("pending"));
    t.column("priority", types::Text).server_default(std::string("medium"));
    t.column("title", types::Text);
    t.column("question", types::Text);
    t.column("options", types::Json).nullable();
    t.column("context", types::Json).nullable();
    t.column("execution_id", types::Text).nullable();
    t.column("created_at", types::DateTime).server_default(now());
    t.column("expires_at", types::DateTime).nullable();
    t.column("response", types::Text).nullable();
    t.column("response_text", types::Text).nullable();
    t.column("responded_by_id", types::BigInteger).nullable();
    t.column("responded_by_email", types::Text).nullable();
    t.column("responded_at", types::DateTime).nullable();
    t.column("acknowledged_at", types::DateTime).nullable();
    t.column("cleared_at", types::DateTime).nullable();
    t.column("addressed_to_email", types::Text).nullable();
    t.column("sync_state", types::Text).nullable();
    t.column("sync_detail", types::Text).nullable();
    t.column("sync_updated_at", types::DateTime).nullable();
    t.column("last_confirmed_at", types::DateTime).nullable();
    t.column("delivery_state", types::Text).nullable();
    t.column("delivery_detail", types::Text).nullable();
    t.column("delivery_updated_at", types::DateTime).nullable();
    t.column("divergence_acknowledged_at", types::DateTime).nullable();
    t.column("disposition", types::Text).nullable();
    t.column("disposed_at", types::DateTime).nullable();
    t.column("disposed_by", types::Text).nullable();
    t.column("disposed_by_email", types::Text).nullable();
    t.column("disposition_reason", types::Text).nullable();
    t.column("batch_id", types::Text).nullable();
    t.column("raised_by", types::Text).nullable();
    t.column("channel", types::Text).nullable();
    t.column("to_role", types::Text).nullable();
    t.column("resolved_to", types::Text).nullable();
    t.column("proposal", types::Json).nullable();
    t.column("supersedes_expired", types::Text).nullable();
    t.foreign_key({"responded_by_id"}, "users", {"id"}, FkAction::no_action, FkAction::no_action,
                  "fk_operator_queue_responded_by_id_users");
    t.index("idx_operator_queue_agent", {"agent_name"});
    t.index("idx_operator_queue_status", {"status"});
    t.index("idx_operator_queue_priority", {"priority"});
    t.index("idx_operator_queue_type", {"type"});
    t.index("idx_operator_queue_created", {"created_at"});
    t.index("idx_operator_queue_agent_request", {"agent_name", "request_id"}).unique();
    m.create_table(t);
  }
  {  // nevermined_agent_config
    MetaData md;
    Table& t = md.add_table("nevermined_agent_config");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("encrypted_credentials", types::Text);
    t.column("nvm_environment", types::Text);
    t.column("nvm_agent_id", types::Text);
    t.column("nvm_plan_id", types::Text);
    t.column("credits_per_request", types::Integer).server_default(std::int64_t{1});
    t.column("enabled", types::Boolean).server_default(false);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.unique({"agent_name"}, "uq_nevermined_agent_config_agent_name");
    t.index("idx_nvm_config_agent", {"agent_name"});
    m.create_table(t);
  }
  {  // nevermined_payment_log
    MetaData md;
    Table& t = md.add_table("nevermined_payment_log");
    t.column("id", types::Text).primary_key();
    t.column("agent_name", types::Text);
    t.column("execution_id", types::Text).nullable();
    t.column("action", types::Text);
    t.column("subscriber_address", types::Text).nullable();
    t.column("credits_amount", types::BigInteger).nullable();
    t.column("tx_hash", types::Text).nullable();
    t.column("remaining_balance", types::BigInteger).nullable();
    t.column("success", types::Boolean).server_default(false);
    t.column("error", types::Text).nullable();
    t.column("created_at", types::DateTime).server_default(now());
    t.index("idx_nvm_payment_log_agent", {"agent_name", "created_at"});
    t.index("idx_nvm_payment_log_execution", {"execution_id"});
    m.create_table(t);
  }
  {  // agent_event_subscriptions
    MetaData md;
    Table& t = md.add_table("agent_event_subscriptions");
    t.column("id", types::Text).primary_key();
    t.column("subscriber_agent", types::Text);
    t.column("source_agent", types::Text);
    t.column("event_type", types::Text);
    t.column("target_message", types::Text);
    t.column("enabled", types::Boolean).nullable().server_default(true);
    t.column("created_at", types::DateTime).server_default(now());
    t.column("updated_at", types::DateTime).server_default(now());
    t.column("created_by", types::Text);
    t.unique({"subscriber_agent", "source_agent", "event_type"},
             "uq_agent_event_subscriptions_subscriber_agent_source_a_4dc1646e");
    t.index("idx_event_subs_subscriber", {"subscriber_agent"});
    t.index("idx_event_subs_source", {"source_agent"});
    t.index("idx_event_subs_source_type", {"source_agent", "event_type"});
    m.create_table(t);
  }
  {  // agent_events
    MetaData md;
    Table& t = md.add_table("agent_events");
    t.column("id", types::Text).primary_key();
    t.column("source_agent", types::Text);
    t.column("event_type", types::Text);
    t.column("payload", types::Json).nullable();
    t.column("subscriptions_triggered", types::Integer).nullable().server_default(std::int64_t{0});
    t.column("created_at", types::DateTime).server_default(now());
    t.index("idx_events_source", {"source_agent", "created_at"});
    t.index("idx_events_type", {"event_type"});
    m.create_table(t);
  }
}

void downgrade_0001_initial(MigrationContext& m) {
  m.drop_table("agent_events");
  m.drop_table("agent_event_subscriptions");
  m.drop_table("nevermined_payment_log");
  m.drop_table("nevermined_agent_config");
  m.drop_table("operator_queue");
  m.drop_table("subscription_rate_limit_events");
  m.drop_table("telegram_group_configs");
  m.drop_table("telegram_chat_links");
  m.drop_table("telegram_bindings");
  m.drop_table("slack_active_threads");
  m.drop_table("slack_channel_agents");
  m.drop_table("slack_workspaces");
  m.drop_table("slack_pending_verifications");
  m.drop_table("slack_user_verifications");
  m.drop_table("slack_link_connections");
  m.drop_table("agent_dashboard_cache");
  m.drop_table("agent_dashboard_values");
  m.drop_table("monitoring_alert_cooldowns");
  m.drop_table("agent_health_checks");
  m.drop_table("system_views");
  m.drop_table("agent_tags");
  m.drop_table("agent_skills");
  m.drop_table("agent_git_config");
  m.drop_table("public_user_memory");
  m.drop_table("public_chat_messages");
  m.drop_table("public_chat_sessions");
  m.drop_table("public_link_usage");
  m.drop_table("public_link_verifications");
  m.drop_table("agent_public_links");
  m.drop_table("system_settings");
  m.drop_table("agent_shared_folder_config");
  m.drop_table("agent_permissions");
  m.drop_table("agent_notifications");
  m.drop_table("agent_activities");
  m.drop_table("chat_messages");
  m.drop_table("chat_sessions");
  m.drop_table("schedule_executions");
  m.drop_table("agent_schedules");
  m.drop_table("email_login_codes");
  m.drop_table("email_whitelist");
  m.drop_table("mcp_api_keys");
  m.drop_table("agent_sharing");
  m.drop_table("agent_ownership");
  m.drop_table("subscription_credentials");
  m.drop_table("users");
}

}  // namespace trinity::db::revisions
