// trinity-db tables, public links and public chat: links that let people without an account talk to
// an agent: the links, their email verification and usage, the public chat sessions and messages,
// and what an agent remembers about a public user.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct AgentPublicLinks : sqlcore::Table {
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

  explicit AgentPublicLinks(MetaData& m) : Table(m, "agent_public_links") {
    index("idx_public_links_token", {token});
    index("idx_public_links_agent", {agent_name});
  }
};

struct PublicLinkVerifications : sqlcore::Table {
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

  explicit PublicLinkVerifications(MetaData& m) : Table(m, "public_link_verifications") {
    index("idx_verifications_link", {link_id});
    index("idx_verifications_email", {email});
    index("idx_verifications_code", {code});
  }
};

struct PublicLinkUsage : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  OptTextCol email = column("email", types::Text);
  OptTextCol ip_address = column("ip_address", types::Text);
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptTsCol last_used_at = column("last_used_at", types::DateTime);

  explicit PublicLinkUsage(MetaData& m) : Table(m, "public_link_usage") {
    index("idx_usage_link", {link_id});
    index("idx_usage_ip", {ip_address});
  }
};

struct PublicChatSessions : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  TextCol session_identifier = column("session_identifier", types::Text);
  TextCol identifier_type = column("identifier_type", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol last_message_at = column("last_message_at", types::DateTime).server_default(now());
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  OptRealCol total_cost = column("total_cost", types::Double).server_default(0.0);

  explicit PublicChatSessions(MetaData& m) : Table(m, "public_chat_sessions") {
    unique({link_id, session_identifier});
    index("idx_public_chat_sessions_link", {link_id});
    index("idx_public_chat_sessions_identifier", {session_identifier});
  }
};

struct PublicChatMessages : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol session_id =
      column("session_id", types::Text).references("public_chat_sessions.id", FkAction::cascade);
  TextCol role = column("role", types::Text);
  TextCol content = column("content", types::Text);
  TsCol timestamp = column("timestamp", types::DateTime).server_default(now());
  OptRealCol cost = column("cost", types::Double);
  OptTextCol sender_email = column("sender_email", types::Text);
  OptTextCol sender_label = column("sender_label", types::Text);

  explicit PublicChatMessages(MetaData& m) : Table(m, "public_chat_messages") {
    index("idx_public_chat_messages_session", {session_id});
  }
};

struct PublicUserMemory : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol user_email = column("user_email", types::Text);
  TextCol memory_text = column("memory_text", types::Text).server_default("");
  OptIntCol message_count = column("message_count", types::Integer).server_default(0);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());

  explicit PublicUserMemory(MetaData& m) : Table(m, "public_user_memory") {
    unique({agent_name, user_email});
    index("idx_public_user_memory_lookup", {agent_name, user_email});
  }
};

}  // namespace trinity::db
