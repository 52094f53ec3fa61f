// trinity-db tables, integrations: Slack (workspaces, channels, threads, links and user
// verification) and Telegram (bots, chats and groups).
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct SlackLinkConnections : sqlcore::Table {
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

  explicit SlackLinkConnections(MetaData& m) : Table(m, "slack_link_connections") {
    index("idx_slack_connections_team", {slack_team_id});
    index("idx_slack_connections_link", {link_id});
  }
};

struct SlackUserVerifications : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol link_id =
      column("link_id", types::Text).references("agent_public_links.id", FkAction::cascade);
  TextCol slack_user_id = column("slack_user_id", types::Text);
  TextCol slack_team_id = column("slack_team_id", types::Text);
  TextCol verified_email = column("verified_email", types::Text);
  TextCol verification_method = column("verification_method", types::Text);
  TsCol verified_at = column("verified_at", types::DateTime).server_default(now());

  explicit SlackUserVerifications(MetaData& m) : Table(m, "slack_user_verifications") {
    unique({link_id, slack_user_id, slack_team_id});
    index("idx_slack_verifications_user", {slack_user_id, slack_team_id});
    index("idx_slack_verifications_link", {link_id});
  }
};

struct SlackPendingVerifications : sqlcore::Table {
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

  explicit SlackPendingVerifications(MetaData& m) : Table(m, "slack_pending_verifications") {
    index("idx_slack_pending_user", {slack_user_id, slack_team_id});
  }
};

struct SlackWorkspaces : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol team_id = column("team_id", types::Text).unique();
  OptTextCol team_name = column("team_name", types::Text);
  TextCol bot_token = column("bot_token", types::Text);
  OptTextCol connected_by = column("connected_by", types::Text);
  TsCol connected_at = column("connected_at", types::DateTime).server_default(now());
  OptBoolCol enabled = column("enabled", types::Boolean).server_default(true);

  explicit SlackWorkspaces(MetaData& m) : Table(m, "slack_workspaces") {}
};

struct SlackChannelAgents : sqlcore::Table {
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

  explicit SlackChannelAgents(MetaData& m) : Table(m, "slack_channel_agents") {
    unique({team_id, slack_channel_id});
    index("idx_slack_channel_agents_team", {team_id});
    index("idx_slack_channel_agents_agent", {agent_name});
  }
};

struct SlackActiveThreads : sqlcore::Table {
  TextCol team_id = column("team_id", types::Text).primary_key();
  TextCol channel_id = column("channel_id", types::Text).primary_key();
  TextCol thread_ts = column("thread_ts", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());

  explicit SlackActiveThreads(MetaData& m) : Table(m, "slack_active_threads") {
    index("idx_slack_active_threads_lookup", {team_id, channel_id, thread_ts});
  }
};

struct TelegramBindings : sqlcore::Table {
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

  explicit TelegramBindings(MetaData& m) : Table(m, "telegram_bindings") {
    index("idx_telegram_bindings_agent", {agent_name});
    index("idx_telegram_bindings_bot_id", {bot_id});
    index("idx_telegram_bindings_webhook", {webhook_secret});
  }
};

struct TelegramChatLinks : sqlcore::Table {
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

  explicit TelegramChatLinks(MetaData& m) : Table(m, "telegram_chat_links") {
    unique({binding_id, telegram_user_id});
    index("idx_telegram_chat_links_binding", {binding_id});
  }
};

struct TelegramGroupConfigs : sqlcore::Table {
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

  explicit TelegramGroupConfigs(MetaData& m) : Table(m, "telegram_group_configs") {
    index("idx_tg_group_binding_chat", {binding_id, chat_id}).unique();
    index("idx_tg_group_chat_id", {chat_id});
    index("idx_tg_group_active", {is_active});
  }
};

}  // namespace trinity::db
