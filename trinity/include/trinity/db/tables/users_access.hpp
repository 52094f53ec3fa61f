// trinity-db tables, users and access: accounts, sign-in (email whitelist and login codes), MCP API
// keys, and who may use or call an agent (sharing with users, permissions between agents).
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct Users : sqlcore::Table {
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

  explicit Users(MetaData& m) : Table(m, "users") {
    index("idx_users_username", {username});
    index("idx_users_auth0_sub", {auth0_sub});
    index("idx_users_email", {email});
    // Case-insensitive: one account per address whatever its case.
    index("idx_users_email_unique", {raw_sql("lower(" + detail::q("email") + ")")})
        .unique()
        .where(detail::not_null("email"));
  }
};

struct AgentSharing : sqlcore::Table {
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol agent_name = column("agent_name", types::Text);
  TextCol shared_with_email = column("shared_with_email", types::Text);
  IntCol shared_by_id = column("shared_by_id", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  OptBoolCol allow_proactive = column("allow_proactive", types::Boolean).server_default(false);

  explicit AgentSharing(MetaData& m) : Table(m, "agent_sharing") {
    unique({agent_name, shared_with_email});
    index("idx_agent_sharing_agent", {agent_name});
    index("idx_agent_sharing_email", {shared_with_email});
    index("idx_agent_sharing_proactive", {agent_name, shared_with_email})
        .where(raw_sql(detail::q("allow_proactive") + " = true"));
  }
};

struct McpApiKeys : sqlcore::Table {
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

  explicit McpApiKeys(MetaData& m) : Table(m, "mcp_api_keys") {
    index("idx_mcp_keys_user", {user_id});
    index("idx_mcp_keys_hash", {key_hash});
    index("idx_mcp_keys_agent", {agent_name});
  }
};

struct EmailWhitelist : sqlcore::Table {
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol email = column("email", types::Text).unique();
  // TEXT in the original, declared as a key to users.id: the id of the user who added it.
  IntCol added_by = column("added_by", types::BigInteger).references("users.id");
  TsCol added_at = column("added_at", types::DateTime).server_default(now());
  TextCol source = column("source", types::Text);
  TextCol default_role = column("default_role", types::Text).server_default("user");

  explicit EmailWhitelist(MetaData& m) : Table(m, "email_whitelist") {
    index("idx_email_whitelist_email", {email});
  }
};

struct EmailLoginCodes : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol email = column("email", types::Text);
  TextCol code = column("code", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol expires_at = column("expires_at", types::DateTime);
  OptBoolCol verified = column("verified", types::Boolean).server_default(false);
  OptTsCol used_at = column("used_at", types::DateTime);
  OptTextCol purpose = column("purpose", types::Text);

  explicit EmailLoginCodes(MetaData& m) : Table(m, "email_login_codes") {
    index("idx_email_login_codes_email", {email});
    index("idx_email_login_codes_code", {code});
  }
};

struct AgentPermissions : sqlcore::Table {
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol source_agent = column("source_agent", types::Text);
  TextCol target_agent = column("target_agent", types::Text);
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());
  TextCol created_by = column("created_by", types::Text);

  explicit AgentPermissions(MetaData& m) : Table(m, "agent_permissions") {
    unique({source_agent, target_agent});
    index("idx_permissions_source", {source_agent});
    index("idx_permissions_target", {target_agent});
  }
};

}  // namespace trinity::db
