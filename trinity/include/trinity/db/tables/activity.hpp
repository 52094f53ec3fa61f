// trinity-db tables, activity and events: what agents do and announce: the activity log, and the
// events agents publish and subscribe to.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct AgentActivities : sqlcore::Table {
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

  explicit AgentActivities(MetaData& m) : Table(m, "agent_activities") {
    index("idx_activities_agent", {agent_name, created_at});  // created_at DESC: see decision 7.
    index("idx_activities_created", {created_at});            // DESC: see decision 7.
    index("idx_activities_type", {activity_type});
    index("idx_activities_state", {activity_state});
    index("idx_activities_user", {user_id});
    index("idx_activities_parent", {parent_activity_id});
    index("idx_activities_chat_msg", {related_chat_message_id});
    index("idx_activities_execution", {related_execution_id});
  }
};

struct AgentEventSubscriptions : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol subscriber_agent = column("subscriber_agent", types::Text);
  TextCol source_agent = column("source_agent", types::Text);
  TextCol event_type = column("event_type", types::Text);
  TextCol target_message = column("target_message", types::Text);
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());
  TextCol created_by = column("created_by", types::Text);

  explicit AgentEventSubscriptions(MetaData& m) : Table(m, "agent_event_subscriptions") {
    unique({subscriber_agent, source_agent, event_type});
    index("idx_event_subs_subscriber", {subscriber_agent});
    index("idx_event_subs_source", {source_agent});
    index("idx_event_subs_source_type", {source_agent, event_type});
  }
};

struct AgentEvents : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol source_agent = column("source_agent", types::Text);
  TextCol event_type = column("event_type", types::Text);
  OptJsonCol payload = column("payload", types::Json);
  OptIntCol subscriptions_triggered =
      column("subscriptions_triggered", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());

  explicit AgentEvents(MetaData& m) : Table(m, "agent_events") {
    index("idx_events_source", {source_agent, created_at});  // created_at DESC: see decision 7.
    index("idx_events_type", {event_type});
  }
};

}  // namespace trinity::db
