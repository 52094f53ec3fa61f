// trinity-db tables, agents: the agents and their configuration: ownership and settings, shared
// folders, git sync, skills, tags and the views that filter by tags.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct AgentOwnership : sqlcore::Table {
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

  explicit AgentOwnership(MetaData& m) : Table(m, "agent_ownership") {
    index("idx_agent_ownership_owner", {owner_id});
    index("idx_agent_ownership_name", {agent_name});
    index("idx_agent_ownership_deleted_at", {deleted_at}).where(detail::not_null("deleted_at"));
  }
};

struct AgentSharedFolderConfig : sqlcore::Table {
  TextCol agent_name = column("agent_name", types::Text).primary_key();
  OptBoolCol expose_enabled = column("expose_enabled", types::Boolean).server_default(false);
  OptBoolCol consume_enabled = column("consume_enabled", types::Boolean).server_default(false);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());

  explicit AgentSharedFolderConfig(MetaData& m) : Table(m, "agent_shared_folder_config") {
    index("idx_shared_folders_expose", {expose_enabled});
    index("idx_shared_folders_consume", {consume_enabled});
  }
};

struct AgentGitConfig : sqlcore::Table {
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

  explicit AgentGitConfig(MetaData& m) : Table(m, "agent_git_config") {
    index("idx_git_config_agent", {agent_name});
    index("idx_git_config_repo", {github_repo});
    // One working branch of a repository per agent, among agents that are not in source mode.
    index("idx_git_config_repo_branch_unique", {github_repo, working_branch})
        .unique()
        .where(raw_sql(detail::q("source_mode") + " = false"));
  }
};

struct AgentSkills : sqlcore::Table {
  IntCol id = column("id", types::BigInteger).primary_key().autoincrement(true);
  TextCol agent_name = column("agent_name", types::Text);
  TextCol skill_name = column("skill_name", types::Text);
  TextCol assigned_by = column("assigned_by", types::Text);
  TsCol assigned_at = column("assigned_at", types::DateTime).server_default(now());
  OptTextCol source_id = column("source_id", types::Text);
  OptTextCol delivery_status = column("delivery_status", types::Text);
  OptTextCol assigned_by_agent = column("assigned_by_agent", types::Text);
  BoolCol individual = column("individual", types::Boolean).server_default(true);

  explicit AgentSkills(MetaData& m) : Table(m, "agent_skills") {
    unique({agent_name, skill_name});
    index("idx_agent_skills_agent", {agent_name});
    index("idx_agent_skills_skill", {skill_name});
  }
};

struct AgentTags : sqlcore::Table {
  TextCol agent_name =
      column("agent_name", types::Text)
          .primary_key()
          .references("agent_ownership.agent_name", FkAction::cascade, FkAction::cascade);
  TextCol tag = column("tag", types::Text).primary_key();
  OptTsCol created_at = column("created_at", types::DateTime).server_default(now());

  explicit AgentTags(MetaData& m) : Table(m, "agent_tags") {
    index("idx_agent_tags_tag", {tag});
    index("idx_agent_tags_agent", {agent_name});
  }
};

struct SystemViews : sqlcore::Table {
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

  explicit SystemViews(MetaData& m) : Table(m, "system_views") {
    index("idx_system_views_owner", {owner_id});
  }
};

}  // namespace trinity::db
