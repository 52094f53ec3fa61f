// trinity-db tables, chat: the signed-in users' chat sessions with an agent and their messages.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct ChatSessions : sqlcore::Table {
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

  explicit ChatSessions(MetaData& m) : Table(m, "chat_sessions") {
    index("idx_chat_sessions_agent", {agent_name});
    index("idx_chat_sessions_user", {user_id});
    index("idx_chat_sessions_status", {status});
  }
};

struct ChatMessages : sqlcore::Table {
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

  explicit ChatMessages(MetaData& m) : Table(m, "chat_messages") {
    // The original: (session_id). Extended by the ordering get_chat_messages reads in, so the
    // latest messages of a session come from the index instead of a sort of the whole session
    // (which grew with its length: the trinity benchmark's p99 on SQLite). Still serves every
    // lookup by session_id.
    index("idx_chat_messages_session", {session_id, timestamp, id});
    index("idx_chat_messages_agent", {agent_name});
    index("idx_chat_messages_user", {user_id});
    index("idx_chat_messages_timestamp", {timestamp});
    index("idx_chat_messages_subscription", {subscription_id, timestamp});
  }
};

}  // namespace trinity::db
