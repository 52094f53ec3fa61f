// trinity-db tables, schedules and executions: schedules (cron and webhook triggers) and the
// executions of agents: each run's state, result, cost and origin, its queueing and its retries.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct AgentSchedules : sqlcore::Table {
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

  explicit AgentSchedules(MetaData& m) : Table(m, "agent_schedules") {
    index("idx_schedules_agent", {agent_name});
    index("idx_agent_schedules_deleted_at", {deleted_at}).where(detail::not_null("deleted_at"));
    index("idx_schedules_owner", {owner_id});
    index("idx_schedules_enabled", {enabled});
    // A webhook token finds one schedule.
    index("idx_schedules_webhook_token", {webhook_token})
        .unique()
        .where(detail::not_null("webhook_token"));
  }
};

struct ScheduleExecutions : sqlcore::Table {
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

  explicit ScheduleExecutions(MetaData& m) : Table(m, "schedule_executions") {
    const std::string st = detail::q("status");
    index("idx_executions_schedule", {schedule_id});
    index("idx_executions_agent", {agent_name});
    index("idx_executions_status", {status});
    // started_at DESC in both: see decision 7.
    index("idx_executions_agent_started", {agent_name, started_at});
    index("idx_executions_started_at", {started_at});
    index("idx_executions_business_status", {business_status});
    index("idx_executions_validates", {validates_execution_id});
    // Literal first in `'x' = "status"` when more SQL follows: see decision 8.
    index("idx_executions_completed_terminal", {completed_at})
        .where(raw_sql("'success' = " + st + " OR 'failed' = " + st + " OR 'cancelled' = " + st +
                       " OR 'skipped' = " + st));
    index("idx_executions_subscription", {subscription_id, started_at});
    index("idx_executions_fan_out", {fan_out_id});
    index("idx_executions_fan_out_status", {fan_out_id, status});
    index("idx_executions_queued", {agent_name, queued_at}).where(raw_sql(st + " = 'queued'"));
    // Concurrency guard: one running turn per conversation (the loser gets an IntegrityError).
    index("idx_executions_one_running_turn", {agent_name, conversation_key})
        .unique()
        .where(raw_sql("'running' = " + st + " AND " + detail::q("conversation_key") +
                       " IS NOT NULL"));
    index("idx_executions_pending_retry", {retry_scheduled_at})
        .where(raw_sql(detail::q("retry_scheduled_at") + " IS NOT NULL AND " + st +
                       " = 'pending_retry'"));
    index("idx_executions_loop", {loop_id}).where(detail::not_null("loop_id"));
  }
};

}  // namespace trinity::db
