// trinity-db tables, notifications and the operator queue: what agents raise for people:
// notifications, and the questions and approvals waiting for an operator.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct AgentNotifications : sqlcore::Table {
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

  explicit AgentNotifications(MetaData& m) : Table(m, "agent_notifications") {
    index("idx_notifications_agent", {agent_name, created_at});  // created_at DESC: see decision 7.
    index("idx_notifications_status", {status});
    index("idx_notifications_priority", {priority});
  }
};

struct OperatorQueue : sqlcore::Table {
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

  explicit OperatorQueue(MetaData& m) : Table(m, "operator_queue") {
    index("idx_operator_queue_agent", {agent_name});
    index("idx_operator_queue_status", {status});
    index("idx_operator_queue_priority", {priority});
    index("idx_operator_queue_type", {type});
    index("idx_operator_queue_created", {created_at});  // DESC: see decision 7.
    // An agent's request id is asked once (re-asking is a no-op signalled by the IntegrityError).
    index("idx_operator_queue_agent_request", {agent_name, request_id}).unique();
  }
};

}  // namespace trinity::db
