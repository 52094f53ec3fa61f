// The row mappings of trinity-db's models: one declaration per model (see models.hpp).
#include "models.hpp"

namespace trinity::db {

namespace {

Mapping<User> user_mapping(const Users& t) {
  return Mapping<User>("User", t)
      .field(&User::id, t.id)
      .field(&User::username, t.username)
      .field(&User::password_hash, t.password_hash)
      .field(&User::role, t.role)
      .field(&User::auth0_sub, t.auth0_sub)
      .field(&User::name, t.name)
      .field(&User::picture, t.picture)
      .field(&User::email, t.email)
      .field(&User::created_at, t.created_at)
      .field(&User::updated_at, t.updated_at)
      .field(&User::last_login, t.last_login)
      .field(&User::suspended_at, t.suspended_at);
}

Mapping<UserCreate> user_create_mapping(const Users& t) {
  return Mapping<UserCreate>("UserCreate", t)
      .field(&UserCreate::username, t.username)
      .field(&UserCreate::password_hash, t.password_hash)
      .field(&UserCreate::role, t.role)
      .field(&UserCreate::email, t.email)
      .field(&UserCreate::name, t.name)
      .field(&UserCreate::picture, t.picture)
      .field(&UserCreate::auth0_sub, t.auth0_sub);
}

Mapping<UserUpdate> user_update_mapping(const Users& t) {
  return Mapping<UserUpdate>("UserUpdate", t)
      .field(&UserUpdate::name, t.name)
      .field(&UserUpdate::picture, t.picture)
      .field(&UserUpdate::email, t.email)
      .field(&UserUpdate::role, t.role)
      .field(&UserUpdate::auth0_sub, t.auth0_sub);
}

Mapping<ChatSession> chat_session_mapping(const ChatSessions& t) {
  return Mapping<ChatSession>("ChatSession", t)
      .field(&ChatSession::id, t.id)
      .field(&ChatSession::agent_name, t.agent_name)
      .field(&ChatSession::user_id, t.user_id)
      .field(&ChatSession::user_email, t.user_email)
      .field(&ChatSession::started_at, t.started_at)
      .field(&ChatSession::last_message_at, t.last_message_at)
      .field(&ChatSession::message_count, t.message_count, std::int64_t{0})
      .field(&ChatSession::total_cost, t.total_cost, 0.0)
      .field(&ChatSession::total_context_used, t.total_context_used, std::int64_t{0})
      .field(&ChatSession::total_context_max, t.total_context_max, std::int64_t{200000})
      .field(&ChatSession::status, t.status, std::string("active"))
      .field(&ChatSession::subscription_id, t.subscription_id);
}

Mapping<ChatMessage> chat_message_mapping(const ChatMessages& t) {
  return Mapping<ChatMessage>("ChatMessage", t)
      .field(&ChatMessage::id, t.id)
      .field(&ChatMessage::session_id, t.session_id)
      .field(&ChatMessage::agent_name, t.agent_name)
      .field(&ChatMessage::user_id, t.user_id)
      .field(&ChatMessage::user_email, t.user_email)
      .field(&ChatMessage::role, t.role)
      .field(&ChatMessage::content, t.content)
      .field(&ChatMessage::timestamp, t.timestamp)
      .field(&ChatMessage::cost, t.cost)
      .field(&ChatMessage::context_used, t.context_used)
      .field(&ChatMessage::context_max, t.context_max)
      .field(&ChatMessage::tool_calls, t.tool_calls)
      .field(&ChatMessage::execution_time_ms, t.execution_time_ms)
      .field(&ChatMessage::source, t.source, std::string("text"))
      .field(&ChatMessage::subscription_id, t.subscription_id)
      .field(&ChatMessage::output_tokens, t.output_tokens);
}

Mapping<ChatMessageCreate> chat_message_create_mapping(const ChatMessages& t) {
  using M = ChatMessageCreate;
  return Mapping<M>("ChatMessageCreate", t)
      .field(&M::session_id, t.session_id)
      .field(&M::agent_name, t.agent_name)
      .field(&M::user_id, t.user_id)
      .field(&M::user_email, t.user_email)
      .field(&M::role, t.role)
      .field(&M::content, t.content)
      .field(&M::cost, t.cost)
      .field(&M::context_used, t.context_used)
      .field(&M::context_max, t.context_max)
      .field(&M::tool_calls, t.tool_calls)
      .field(&M::execution_time_ms, t.execution_time_ms)
      .field(&M::source, t.source)
      .field(&M::subscription_id, t.subscription_id)
      .field(&M::output_tokens, t.output_tokens);
}

Mapping<Activity> activity_mapping(const AgentActivities& t) {
  return Mapping<Activity>("Activity", t)
      .field(&Activity::id, t.id)
      .field(&Activity::agent_name, t.agent_name)
      .field(&Activity::activity_type, t.activity_type)
      .field(&Activity::activity_state, t.activity_state)
      .field(&Activity::parent_activity_id, t.parent_activity_id)
      .field(&Activity::started_at, t.started_at)
      .field(&Activity::completed_at, t.completed_at)
      .field(&Activity::duration_ms, t.duration_ms)
      .field(&Activity::user_id, t.user_id)
      .field(&Activity::triggered_by, t.triggered_by)
      .field(&Activity::related_chat_message_id, t.related_chat_message_id)
      .field(&Activity::related_execution_id, t.related_execution_id)
      .field(&Activity::details, t.details)
      .field(&Activity::error, t.error)
      .field(&Activity::created_at, t.created_at);
}

Mapping<ActivityCreate> activity_create_mapping(const AgentActivities& t) {
  return Mapping<ActivityCreate>("ActivityCreate", t)
      .field(&ActivityCreate::agent_name, t.agent_name)
      .field(&ActivityCreate::activity_type, t.activity_type)
      .field(&ActivityCreate::activity_state, t.activity_state)
      .field(&ActivityCreate::triggered_by, t.triggered_by)
      .field(&ActivityCreate::parent_activity_id, t.parent_activity_id)
      .field(&ActivityCreate::user_id, t.user_id)
      .field(&ActivityCreate::related_chat_message_id, t.related_chat_message_id)
      .field(&ActivityCreate::related_execution_id, t.related_execution_id)
      .field(&ActivityCreate::details, t.details);
}

Mapping<AgentPermission> agent_permission_mapping(const AgentPermissions& t) {
  return Mapping<AgentPermission>("AgentPermission", t)
      .field(&AgentPermission::id, t.id)
      .field(&AgentPermission::source_agent, t.source_agent)
      .field(&AgentPermission::target_agent, t.target_agent)
      .field(&AgentPermission::created_at, t.created_at)
      .field(&AgentPermission::created_by, t.created_by);
}

Mapping<SystemSetting> system_setting_mapping(const SystemSettings& t) {
  return Mapping<SystemSetting>("SystemSetting", t)
      .field(&SystemSetting::key, t.key)
      .field(&SystemSetting::value, t.value)
      .field(&SystemSetting::updated_at, t.updated_at);
}

// added_by_username: from users, outer-joined by the select()s that list entries.
Mapping<WhitelistEntry> whitelist_entry_mapping(const EmailWhitelist& t, const Users& u) {
  return Mapping<WhitelistEntry>("WhitelistEntry", t)
      .field(&WhitelistEntry::id, t.id)
      .field(&WhitelistEntry::email, t.email)
      .field(&WhitelistEntry::added_by, t.added_by)
      .field(&WhitelistEntry::added_at, t.added_at)
      .field(&WhitelistEntry::source, t.source)
      .field(&WhitelistEntry::default_role, t.default_role)
      .joined(&WhitelistEntry::added_by_username, u.username);
}

// username and user_email: from users, joined by the select()s that list keys.
Mapping<McpApiKey> mcp_api_key_mapping(const McpApiKeys& t, const Users& u) {
  return Mapping<McpApiKey>("McpApiKey", t)
      .field(&McpApiKey::id, t.id)
      .field(&McpApiKey::name, t.name)
      .field(&McpApiKey::description, t.description)
      .field(&McpApiKey::key_prefix, t.key_prefix)
      .field(&McpApiKey::created_at, t.created_at)
      .field(&McpApiKey::last_used_at, t.last_used_at)
      .field(&McpApiKey::usage_count, t.usage_count, std::int64_t{0})
      .field(&McpApiKey::is_active, t.is_active, true)
      .field(&McpApiKey::user_id, t.user_id)
      .field(&McpApiKey::agent_name, t.agent_name)
      .field(&McpApiKey::scope, t.scope, std::string("user"))
      .joined(&McpApiKey::username, u.username)
      .joined(&McpApiKey::user_email, u.email);
}

// owner_username and owner_email: from users, joined by the select()s that read owners.
Mapping<AgentOwner> agent_owner_mapping(const AgentOwnership& t, const Users& u) {
  return Mapping<AgentOwner>("AgentOwner", t)
      .field(&AgentOwner::id, t.id)
      .field(&AgentOwner::agent_name, t.agent_name)
      .field(&AgentOwner::owner_id, t.owner_id)
      .field(&AgentOwner::created_at, t.created_at)
      .field(&AgentOwner::is_system, t.is_system, false)
      .joined(&AgentOwner::owner_username, u.username)
      .joined(&AgentOwner::owner_email, u.email);
}

// shared_by_username: from users, outer-joined by the select()s that list shares.
Mapping<AgentShare> agent_share_mapping(const AgentSharing& t, const Users& u) {
  return Mapping<AgentShare>("AgentShare", t)
      .field(&AgentShare::id, t.id)
      .field(&AgentShare::agent_name, t.agent_name)
      .field(&AgentShare::shared_with_email, t.shared_with_email)
      .field(&AgentShare::shared_by_id, t.shared_by_id)
      .field(&AgentShare::created_at, t.created_at)
      .field(&AgentShare::allow_proactive, t.allow_proactive, false)
      .joined(&AgentShare::shared_by_username, u.username);
}

// The stored part of AgentMetadata (the owner outer-joined from users); the computed fields are
// read by get_all_agent_metadata().
Mapping<AgentMetadata> agent_metadata_mapping(const AgentOwnership& t, const Users& u) {
  return Mapping<AgentMetadata>("AgentMetadata", t)
      .field(&AgentMetadata::agent_name, t.agent_name)
      .field(&AgentMetadata::owner_id, t.owner_id)
      .field(&AgentMetadata::created_at, t.created_at)
      .field(&AgentMetadata::is_system, t.is_system, false)
      .field(&AgentMetadata::autonomy_enabled, t.autonomy_enabled, false)
      .field(&AgentMetadata::read_only_mode, t.read_only_mode, false)
      .field(&AgentMetadata::full_capabilities, t.full_capabilities, false)
      .field(&AgentMetadata::use_platform_api_key, t.use_platform_api_key, true)
      .field(&AgentMetadata::memory_limit, t.memory_limit)
      .field(&AgentMetadata::cpu_limit, t.cpu_limit)
      .field(&AgentMetadata::max_parallel_tasks, t.max_parallel_tasks, std::int64_t{3})
      .field(&AgentMetadata::execution_timeout_seconds, t.execution_timeout_seconds,
             std::int64_t{3600})
      .joined(&AgentMetadata::owner_username, u.username)
      .joined(&AgentMetadata::owner_email, u.email);
}

Mapping<AgentSkill> agent_skill_mapping(const AgentSkills& t) {
  return Mapping<AgentSkill>("AgentSkill", t)
      .field(&AgentSkill::id, t.id)
      .field(&AgentSkill::agent_name, t.agent_name)
      .field(&AgentSkill::skill_name, t.skill_name)
      .field(&AgentSkill::assigned_by, t.assigned_by)
      .field(&AgentSkill::assigned_at, t.assigned_at)
      .field(&AgentSkill::source_id, t.source_id)
      .field(&AgentSkill::delivery_status, t.delivery_status)
      .field(&AgentSkill::assigned_by_agent, t.assigned_by_agent)
      .field(&AgentSkill::individual, t.individual);
}

Mapping<SharedFolderConfig> shared_folder_config_mapping(const AgentSharedFolderConfig& t) {
  return Mapping<SharedFolderConfig>("SharedFolderConfig", t)
      .field(&SharedFolderConfig::agent_name, t.agent_name)
      .field(&SharedFolderConfig::expose_enabled, t.expose_enabled, false)
      .field(&SharedFolderConfig::consume_enabled, t.consume_enabled, false)
      .field(&SharedFolderConfig::created_at, t.created_at)
      .field(&SharedFolderConfig::updated_at, t.updated_at);
}

Mapping<StoredSystemView> system_view_mapping(const SystemViews& t) {
  return Mapping<StoredSystemView>("SystemView", t)
      .field(&SystemView::id, t.id)
      .field(&SystemView::name, t.name)
      .field(&SystemView::description, t.description)
      .field(&SystemView::icon, t.icon)
      .field(&SystemView::color, t.color)
      .field("filter_tags", &StoredSystemView::filter_tags_json, t.filter_tags)
      .field(&SystemView::owner_id, t.owner_id)
      .field(&SystemView::is_shared, t.is_shared, false)
      .field(&SystemView::created_at, t.created_at)
      .field(&SystemView::updated_at, t.updated_at);
}

// filter_tags is not mapped: the operation writes it converted to JSON.
Mapping<SystemViewUpdate> system_view_update_mapping(const SystemViews& t) {
  return Mapping<SystemViewUpdate>("SystemViewUpdate", t)
      .field(&SystemViewUpdate::name, t.name)
      .field(&SystemViewUpdate::description, t.description)
      .field(&SystemViewUpdate::icon, t.icon)
      .field(&SystemViewUpdate::color, t.color)
      .field(&SystemViewUpdate::is_shared, t.is_shared);
}

// The token column (a SHA-256) is never read into a PublicLink.
Mapping<PublicLink> public_link_mapping(const AgentPublicLinks& t) {
  return Mapping<PublicLink>("PublicLink", t)
      .field(&PublicLink::id, t.id)
      .field(&PublicLink::agent_name, t.agent_name)
      .field(&PublicLink::created_by, t.created_by)
      .field(&PublicLink::created_at, t.created_at)
      .field(&PublicLink::expires_at, t.expires_at)
      .field(&PublicLink::enabled, t.enabled, true)
      .field(&PublicLink::name, t.name)
      .field(&PublicLink::require_email, t.require_email, false)
      .field(&PublicLink::type, t.type);
}

Mapping<PublicLinkUpdate> public_link_update_mapping(const AgentPublicLinks& t) {
  return Mapping<PublicLinkUpdate>("PublicLinkUpdate", t)
      .field(&PublicLinkUpdate::name, t.name)
      .field(&PublicLinkUpdate::enabled, t.enabled)
      .field(&PublicLinkUpdate::require_email, t.require_email)
      .field(&PublicLinkUpdate::expires_at, t.expires_at);
}

Mapping<LinkUsage> link_usage_mapping(const PublicLinkUsage& t) {
  return Mapping<LinkUsage>("LinkUsage", t)
      .field(&LinkUsage::id, t.id)
      .field(&LinkUsage::link_id, t.link_id)
      .field(&LinkUsage::email, t.email)
      .field(&LinkUsage::ip_address, t.ip_address)
      .field(&LinkUsage::message_count, t.message_count, std::int64_t{0})
      .field(&LinkUsage::created_at, t.created_at)
      .field(&LinkUsage::last_used_at, t.last_used_at);
}

Mapping<UserMemory> user_memory_mapping(const PublicUserMemory& t) {
  return Mapping<UserMemory>("UserMemory", t)
      .field(&UserMemory::id, t.id)
      .field(&UserMemory::agent_name, t.agent_name)
      .field(&UserMemory::user_email, t.user_email)
      .field(&UserMemory::memory_text, t.memory_text)
      .field(&UserMemory::message_count, t.message_count, std::int64_t{0})
      .field(&UserMemory::created_at, t.created_at)
      .field(&UserMemory::updated_at, t.updated_at);
}

Mapping<PublicChatSession> public_chat_session_mapping(const PublicChatSessions& t) {
  return Mapping<PublicChatSession>("PublicChatSession", t)
      .field(&PublicChatSession::id, t.id)
      .field(&PublicChatSession::link_id, t.link_id)
      .field(&PublicChatSession::session_identifier, t.session_identifier)
      .field(&PublicChatSession::identifier_type, t.identifier_type)
      .field(&PublicChatSession::created_at, t.created_at)
      .field(&PublicChatSession::last_message_at, t.last_message_at)
      .field(&PublicChatSession::message_count, t.message_count, std::int64_t{0})
      .field(&PublicChatSession::total_cost, t.total_cost, 0.0);
}

Mapping<PublicChatMessage> public_chat_message_mapping(const PublicChatMessages& t) {
  return Mapping<PublicChatMessage>("PublicChatMessage", t)
      .field(&PublicChatMessage::id, t.id)
      .field(&PublicChatMessage::session_id, t.session_id)
      .field(&PublicChatMessage::role, t.role)
      .field(&PublicChatMessage::content, t.content)
      .field(&PublicChatMessage::timestamp, t.timestamp)
      .field(&PublicChatMessage::cost, t.cost)
      .field(&PublicChatMessage::sender_email, t.sender_email)
      .field(&PublicChatMessage::sender_label, t.sender_label);
}

Mapping<ScheduleExecution> schedule_execution_mapping(const ScheduleExecutions& t) {
  using E = ScheduleExecution;
  return Mapping<E>("ScheduleExecution", t)
      .field(&E::id, t.id)
      .field(&E::schedule_id, t.schedule_id)
      .field(&E::agent_name, t.agent_name)
      .field(&E::status, t.status)
      .field(&E::started_at, t.started_at)
      .field(&E::completed_at, t.completed_at)
      .field(&E::duration_ms, t.duration_ms)
      .field(&E::message, t.message)
      .field(&E::response, t.response)
      .field(&E::error, t.error)
      .field(&E::triggered_by, t.triggered_by)
      .field(&E::context_used, t.context_used)
      .field(&E::context_max, t.context_max)
      .field(&E::cost, t.cost)
      .field(&E::tool_calls, t.tool_calls)
      .field(&E::execution_log, t.execution_log)
      .field(&E::model_used, t.model_used)
      .field(&E::subscription_id, t.subscription_id)
      .field(&E::attempt_number, t.attempt_number, std::int64_t{1})
      .field(&E::retry_of_execution_id, t.retry_of_execution_id)
      .field(&E::retry_scheduled_at, t.retry_scheduled_at)
      .field(&E::retry_count, t.retry_count, std::int64_t{0})
      .field(&E::business_status, t.business_status)
      .field(&E::validated_at, t.validated_at)
      .field(&E::validation_execution_id, t.validation_execution_id)
      .field(&E::validates_execution_id, t.validates_execution_id)
      .field(&E::source_user_id, t.source_user_id)
      .field(&E::source_user_email, t.source_user_email)
      .field(&E::source_agent_name, t.source_agent_name)
      .field(&E::source_mcp_key_id, t.source_mcp_key_id)
      .field(&E::source_mcp_key_name, t.source_mcp_key_name)
      .field(&E::claude_session_id, t.claude_session_id)
      .field(&E::queued_at, t.queued_at)
      .field(&E::fan_out_id, t.fan_out_id);
}

// No response, error, tool_calls or execution_log: the summary never selects them.
Mapping<ExecutionSummary> execution_summary_mapping(const ScheduleExecutions& t) {
  using E = ExecutionSummary;
  return Mapping<E>("ExecutionSummary", t)
      .field(&E::id, t.id)
      .field(&E::schedule_id, t.schedule_id)
      .field(&E::agent_name, t.agent_name)
      .field(&E::status, t.status)
      .field(&E::started_at, t.started_at)
      .field(&E::completed_at, t.completed_at)
      .field(&E::duration_ms, t.duration_ms)
      .field(&E::message, t.message)
      .field(&E::triggered_by, t.triggered_by)
      .field(&E::context_used, t.context_used)
      .field(&E::context_max, t.context_max)
      .field(&E::cost, t.cost)
      .field(&E::source_user_id, t.source_user_id)
      .field(&E::source_user_email, t.source_user_email)
      .field(&E::source_agent_name, t.source_agent_name)
      .field(&E::source_mcp_key_id, t.source_mcp_key_id)
      .field(&E::source_mcp_key_name, t.source_mcp_key_name)
      .field(&E::claude_session_id, t.claude_session_id)
      .field(&E::model_used, t.model_used)
      .field(&E::fan_out_id, t.fan_out_id)
      .field(&E::business_status, t.business_status)
      .field(&E::validation_execution_id, t.validation_execution_id);
}

Mapping<RunningExecution> running_execution_mapping(const ScheduleExecutions& t) {
  return Mapping<RunningExecution>("RunningExecution", t)
      .field(&RunningExecution::id, t.id)
      .field(&RunningExecution::agent_name, t.agent_name)
      .field(&RunningExecution::started_at, t.started_at)
      .field(&RunningExecution::schedule_id, t.schedule_id);
}

// owner_id and owner_username: from agent_ownership and users, outer-joined by the select() of
// get_running_executions_with_agent_info, which also reads timeout_seconds.
Mapping<RunningExecutionInfo> running_execution_info_mapping(const ScheduleExecutions& t,
                                                             const AgentOwnership& a,
                                                             const Users& u) {
  using E = RunningExecutionInfo;
  return Mapping<E>("RunningExecutionInfo", t)
      .field(&E::id, t.id)
      .field(&E::schedule_id, t.schedule_id)
      .field(&E::agent_name, t.agent_name)
      .field(&E::started_at, t.started_at)
      .joined(&E::owner_id, a.owner_id)
      .joined(&E::owner_username, u.username);
}

// allowed_tools is mapped through its JSON document (StoredSchedule); the encrypted webhook
// secret and deleted_at are not read.
Mapping<StoredSchedule> schedule_mapping(const AgentSchedules& t) {
  using S = StoredSchedule;
  return Mapping<S>("Schedule", t)
      .field(&S::id, t.id)
      .field(&S::agent_name, t.agent_name)
      .field(&S::name, t.name)
      .field(&S::cron_expression, t.cron_expression)
      .field(&S::message, t.message)
      .field(&S::enabled, t.enabled, true)
      .field(&S::timezone, t.timezone, std::string("UTC"))
      .field(&S::description, t.description)
      .field(&S::owner_id, t.owner_id)
      .field(&S::created_at, t.created_at)
      .field(&S::updated_at, t.updated_at)
      .field(&S::last_run_at, t.last_run_at)
      .field(&S::next_run_at, t.next_run_at)
      .field(&S::timeout_seconds, t.timeout_seconds)
      .field("allowed_tools", &S::allowed_tools_json, t.allowed_tools)
      .field(&S::model, t.model)
      .field(&S::max_retries, t.max_retries, std::int64_t{0})
      .field(&S::retry_delay_seconds, t.retry_delay_seconds, std::int64_t{60})
      .field(&S::validation_enabled, t.validation_enabled, false)
      .field(&S::validation_prompt, t.validation_prompt)
      .field(&S::validation_timeout_seconds, t.validation_timeout_seconds, std::int64_t{120})
      .field(&S::webhook_token, t.webhook_token)
      .field(&S::webhook_enabled, t.webhook_enabled, false)
      .field(&S::webhook_auth_enabled, t.webhook_auth_enabled, false)
      .field(&S::deliver_to_workspace_email, t.deliver_to_workspace_email);
}

// allowed_tools is not mapped: the operation writes it converted to JSON.
Mapping<ScheduleUpdate> schedule_update_mapping(const AgentSchedules& t) {
  using U = ScheduleUpdate;
  return Mapping<U>("ScheduleUpdate", t)
      .field(&U::name, t.name)
      .field(&U::cron_expression, t.cron_expression)
      .field(&U::message, t.message)
      .field(&U::enabled, t.enabled)
      .field(&U::timezone, t.timezone)
      .field(&U::description, t.description)
      .field(&U::timeout_seconds, t.timeout_seconds)
      .field(&U::model, t.model)
      .field(&U::max_retries, t.max_retries)
      .field(&U::retry_delay_seconds, t.retry_delay_seconds)
      .field(&U::validation_enabled, t.validation_enabled)
      .field(&U::validation_prompt, t.validation_prompt)
      .field(&U::validation_timeout_seconds, t.validation_timeout_seconds)
      .field(&U::deliver_to_workspace_email, t.deliver_to_workspace_email);
}

// sync_paths is mapped through its JSON document (StoredGitConfig); the encrypted access token
// is not read.
Mapping<StoredGitConfig> git_config_mapping(const AgentGitConfig& t) {
  using G = StoredGitConfig;
  return Mapping<G>("GitConfig", t)
      .field(&G::id, t.id)
      .field(&G::agent_name, t.agent_name)
      .field(&G::github_repo, t.github_repo)
      .field(&G::working_branch, t.working_branch)
      .field(&G::instance_id, t.instance_id)
      .field(&G::source_branch, t.source_branch, std::string("main"))
      .field(&G::source_mode, t.source_mode, false)
      .field(&G::created_at, t.created_at)
      .field(&G::last_sync_at, t.last_sync_at)
      .field(&G::last_commit_sha, t.last_commit_sha)
      .field(&G::sync_enabled, t.sync_enabled, true)
      .field("sync_paths", &G::sync_paths_json, t.sync_paths)
      .field(&G::auto_sync_enabled, t.auto_sync_enabled, false)
      .field(&G::freeze_schedules_if_sync_failing, t.freeze_schedules_if_sync_failing, false);
}

// The measurement columns of a health check, for the metrics structs and HealthCheck alike.
template <class S>
Mapping<S>& docker_fields(Mapping<S>& m, const AgentHealthChecks& t) {
  return m.field(&DockerMetrics::container_status, t.container_status)
      .field(&DockerMetrics::cpu_percent, t.cpu_percent)
      .field(&DockerMetrics::memory_percent, t.memory_percent)
      .field(&DockerMetrics::memory_mb, t.memory_mb)
      .field(&DockerMetrics::restart_count, t.restart_count)
      .field(&DockerMetrics::oom_killed, t.oom_killed);
}
template <class S>
Mapping<S>& network_fields(Mapping<S>& m, const AgentHealthChecks& t) {
  return m.field(&NetworkMetrics::reachable, t.reachable)
      .field(&NetworkMetrics::latency_ms, t.latency_ms);
}
template <class S>
Mapping<S>& business_fields(Mapping<S>& m, const AgentHealthChecks& t) {
  return m.field(&BusinessMetrics::runtime_available, t.runtime_available)
      .field(&BusinessMetrics::claude_available, t.claude_available)
      .field(&BusinessMetrics::context_percent, t.context_percent)
      .field(&BusinessMetrics::active_executions, t.active_executions)
      .field(&BusinessMetrics::error_rate, t.error_rate);
}

/// A metrics struct's own mapping: the columns `fields` adds.
template <class S>
Mapping<S> metrics_mapping(std::string model, const AgentHealthChecks& t,
                           Mapping<S>& (*fields)(Mapping<S>&, const AgentHealthChecks&)) {
  Mapping<S> m(std::move(model), t);
  return fields(m, t);
}

Mapping<HealthCheck> health_check_mapping(const AgentHealthChecks& t) {
  Mapping<HealthCheck> m("HealthCheck", t);
  m.field(&HealthCheck::id, t.id)
      .field(&HealthCheck::agent_name, t.agent_name)
      .field(&HealthCheck::check_type, t.check_type)
      .field(&HealthCheck::status, t.status);
  business_fields(network_fields(docker_fields(m, t), t), t);
  return m.field(&HealthCheck::error_message, t.error_message)
      .field(&HealthCheck::checked_at, t.checked_at)
      .field(&HealthCheck::created_at, t.created_at);
}

Mapping<WidgetValue> widget_value_mapping(const AgentDashboardValues& t) {
  return Mapping<WidgetValue>("WidgetValue", t)
      .field(&WidgetValue::captured_at, t.captured_at)
      .field(&WidgetValue::value_numeric, t.value_numeric)
      .field(&WidgetValue::value_text, t.value_text);
}

Mapping<CachedDashboard> cached_dashboard_mapping(const AgentDashboardCache& t) {
  return Mapping<CachedDashboard>("CachedDashboard", t)
      .field(&CachedDashboard::agent_name, t.agent_name)
      .field(&CachedDashboard::config, t.config_json)
      .field(&CachedDashboard::last_modified, t.last_modified)
      .field(&CachedDashboard::updated_at, t.updated_at);
}

Mapping<OperatorQueueItem> operator_queue_item_mapping(const OperatorQueue& t) {
  return Mapping<OperatorQueueItem>("OperatorQueueItem", t)
      .field(&OperatorQueueItem::id, t.id)
      .field(&OperatorQueueItem::agent_name, t.agent_name)
      .field(&OperatorQueueItem::request_id, t.request_id)
      .field(&OperatorQueueItem::type, t.type)
      .field(&OperatorQueueItem::status, t.status)
      .field(&OperatorQueueItem::priority, t.priority)
      .field(&OperatorQueueItem::title, t.title)
      .field(&OperatorQueueItem::question, t.question)
      .field(&OperatorQueueItem::options, t.options)
      .field(&OperatorQueueItem::context, t.context)
      .field(&OperatorQueueItem::execution_id, t.execution_id)
      .field(&OperatorQueueItem::created_at, t.created_at)
      .field(&OperatorQueueItem::expires_at, t.expires_at)
      .field(&OperatorQueueItem::response, t.response)
      .field(&OperatorQueueItem::response_text, t.response_text)
      .field(&OperatorQueueItem::responded_by_id, t.responded_by_id)
      .field(&OperatorQueueItem::responded_by_email, t.responded_by_email)
      .field(&OperatorQueueItem::responded_at, t.responded_at)
      .field(&OperatorQueueItem::acknowledged_at, t.acknowledged_at)
      .field(&OperatorQueueItem::cleared_at, t.cleared_at)
      .field(&OperatorQueueItem::addressed_to_email, t.addressed_to_email)
      .field(&OperatorQueueItem::sync_state, t.sync_state)
      .field(&OperatorQueueItem::sync_detail, t.sync_detail)
      .field(&OperatorQueueItem::sync_updated_at, t.sync_updated_at)
      .field(&OperatorQueueItem::last_confirmed_at, t.last_confirmed_at)
      .field(&OperatorQueueItem::delivery_state, t.delivery_state)
      .field(&OperatorQueueItem::delivery_detail, t.delivery_detail)
      .field(&OperatorQueueItem::delivery_updated_at, t.delivery_updated_at)
      .field(&OperatorQueueItem::divergence_acknowledged_at, t.divergence_acknowledged_at)
      .field(&OperatorQueueItem::disposition, t.disposition)
      .field(&OperatorQueueItem::disposed_at, t.disposed_at)
      .field(&OperatorQueueItem::disposed_by, t.disposed_by)
      .field(&OperatorQueueItem::disposed_by_email, t.disposed_by_email)
      .field(&OperatorQueueItem::disposition_reason, t.disposition_reason)
      .field(&OperatorQueueItem::batch_id, t.batch_id)
      .field(&OperatorQueueItem::raised_by, t.raised_by)
      .field(&OperatorQueueItem::channel, t.channel)
      .field(&OperatorQueueItem::to_role, t.to_role)
      .field(&OperatorQueueItem::resolved_to, t.resolved_to)
      .field(&OperatorQueueItem::proposal, t.proposal)
      .field(&OperatorQueueItem::supersedes_expired, t.supersedes_expired);
}

Mapping<OperatorQueueItemCreate> operator_queue_item_create_mapping(const OperatorQueue& t) {
  return Mapping<OperatorQueueItemCreate>("OperatorQueueItemCreate", t)
      .field(&OperatorQueueItemCreate::type, t.type)
      .field(&OperatorQueueItemCreate::title, t.title)
      .field(&OperatorQueueItemCreate::question, t.question)
      .field(&OperatorQueueItemCreate::priority, t.priority)
      .field(&OperatorQueueItemCreate::options, t.options)
      .field(&OperatorQueueItemCreate::context, t.context)
      .field(&OperatorQueueItemCreate::request_id, t.request_id)
      .field(&OperatorQueueItemCreate::execution_id, t.execution_id)
      .field(&OperatorQueueItemCreate::expires_at, t.expires_at)
      .field(&OperatorQueueItemCreate::addressed_to_email, t.addressed_to_email)
      .field(&OperatorQueueItemCreate::to_role, t.to_role)
      .field(&OperatorQueueItemCreate::channel, t.channel)
      .field(&OperatorQueueItemCreate::batch_id, t.batch_id)
      .field(&OperatorQueueItemCreate::raised_by, t.raised_by)
      .field(&OperatorQueueItemCreate::proposal, t.proposal)
      .field(&OperatorQueueItemCreate::supersedes_expired, t.supersedes_expired);
}

Mapping<Notification> notification_mapping(const AgentNotifications& t) {
  return Mapping<Notification>("Notification", t)
      .field(&Notification::id, t.id)
      .field(&Notification::agent_name, t.agent_name)
      .field(&Notification::notification_type, t.notification_type)
      .field(&Notification::title, t.title)
      .field(&Notification::message, t.message)
      .field(&Notification::priority, t.priority, std::string(notification_priority::kNormal))
      .field(&Notification::category, t.category)
      .field(&Notification::metadata, t.metadata_)
      .field(&Notification::status, t.status, std::string(notification_status::kPending))
      .field(&Notification::created_at, t.created_at)
      .field(&Notification::acknowledged_at, t.acknowledged_at)
      .field(&Notification::acknowledged_by, t.acknowledged_by);
}

Mapping<NotificationCreate> notification_create_mapping(const AgentNotifications& t) {
  return Mapping<NotificationCreate>("NotificationCreate", t)
      .field(&NotificationCreate::notification_type, t.notification_type)
      .field(&NotificationCreate::title, t.title)
      .field(&NotificationCreate::message, t.message)
      .field(&NotificationCreate::priority, t.priority)
      .field(&NotificationCreate::category, t.category)
      .field(&NotificationCreate::metadata, t.metadata_);
}

Mapping<EventSubscription> event_subscription_mapping(const AgentEventSubscriptions& t) {
  return Mapping<EventSubscription>("EventSubscription", t)
      .field(&EventSubscription::id, t.id)
      .field(&EventSubscription::subscriber_agent, t.subscriber_agent)
      .field(&EventSubscription::source_agent, t.source_agent)
      .field(&EventSubscription::event_type, t.event_type)
      .field(&EventSubscription::target_message, t.target_message)
      .field(&EventSubscription::enabled, t.enabled, true)
      .field(&EventSubscription::created_at, t.created_at)
      .field(&EventSubscription::updated_at, t.updated_at)
      .field(&EventSubscription::created_by, t.created_by);
}

Mapping<EventSubscriptionCreate> event_subscription_create_mapping(
    const AgentEventSubscriptions& t) {
  return Mapping<EventSubscriptionCreate>("EventSubscriptionCreate", t)
      .field(&EventSubscriptionCreate::source_agent, t.source_agent)
      .field(&EventSubscriptionCreate::event_type, t.event_type)
      .field(&EventSubscriptionCreate::target_message, t.target_message)
      .field(&EventSubscriptionCreate::enabled, t.enabled);
}

Mapping<EventSubscriptionUpdate> event_subscription_update_mapping(
    const AgentEventSubscriptions& t) {
  return Mapping<EventSubscriptionUpdate>("EventSubscriptionUpdate", t)
      .field(&EventSubscriptionUpdate::event_type, t.event_type)
      .field(&EventSubscriptionUpdate::target_message, t.target_message)
      .field(&EventSubscriptionUpdate::enabled, t.enabled);
}

Mapping<AgentEvent> agent_event_mapping(const AgentEvents& t) {
  return Mapping<AgentEvent>("AgentEvent", t)
      .field(&AgentEvent::id, t.id)
      .field(&AgentEvent::source_agent, t.source_agent)
      .field(&AgentEvent::event_type, t.event_type)
      .field(&AgentEvent::payload, t.payload)
      .field(&AgentEvent::subscriptions_triggered, t.subscriptions_triggered, std::int64_t{0})
      .field(&AgentEvent::created_at, t.created_at);
}

// The columns of a link's Slack connection, for SlackConnection and the team's connection alike.
template <class S>
Mapping<S> slack_connection_fields(Mapping<S> m, const SlackLinkConnections& t) {
  return m.field(&SlackConnection::id, t.id)
      .field(&SlackConnection::link_id, t.link_id)
      .field(&SlackConnection::slack_team_id, t.slack_team_id)
      .field(&SlackConnection::slack_team_name, t.slack_team_name)
      .field(&SlackConnection::connected_by, t.connected_by)
      .field(&SlackConnection::connected_at, t.connected_at)
      .field(&SlackConnection::enabled, t.enabled, true);
}

Mapping<StoredSlackTeamConnection> slack_team_connection_mapping(const SlackLinkConnections& t,
                                                                 const AgentPublicLinks& l) {
  return slack_connection_fields(Mapping<StoredSlackTeamConnection>("SlackTeamConnection", t), t)
      .field(&SlackTeamConnection::slack_bot_token, t.slack_bot_token)
      .joined(&SlackTeamConnection::agent_name, l.agent_name)
      .joined(&StoredSlackTeamConnection::link_require_email, l.require_email);
}

Mapping<SlackConnectionUpdate> slack_connection_update_mapping(const SlackLinkConnections& t) {
  return Mapping<SlackConnectionUpdate>("SlackConnectionUpdate", t)
      .field(&SlackConnectionUpdate::enabled, t.enabled)
      .field(&SlackConnectionUpdate::slack_team_name, t.slack_team_name);
}

Mapping<SlackUserVerification> slack_user_verification_mapping(const SlackUserVerifications& t) {
  return Mapping<SlackUserVerification>("SlackUserVerification", t)
      .field(&SlackUserVerification::id, t.id)
      .field(&SlackUserVerification::link_id, t.link_id)
      .field(&SlackUserVerification::slack_user_id, t.slack_user_id)
      .field(&SlackUserVerification::slack_team_id, t.slack_team_id)
      .field(&SlackUserVerification::verified_email, t.verified_email)
      .field(&SlackUserVerification::verification_method, t.verification_method)
      .field(&SlackUserVerification::verified_at, t.verified_at);
}

Mapping<SlackPendingVerification> slack_pending_verification_mapping(
    const SlackPendingVerifications& t) {
  return Mapping<SlackPendingVerification>("SlackPendingVerification", t)
      .field(&SlackPendingVerification::id, t.id)
      .field(&SlackPendingVerification::link_id, t.link_id)
      .field(&SlackPendingVerification::slack_user_id, t.slack_user_id)
      .field(&SlackPendingVerification::slack_team_id, t.slack_team_id)
      .field(&SlackPendingVerification::email, t.email)
      .field(&SlackPendingVerification::code, t.code)
      .field(&SlackPendingVerification::created_at, t.created_at)
      .field(&SlackPendingVerification::expires_at, t.expires_at)
      .field(&SlackPendingVerification::state, t.state, std::string("awaiting_email"));
}

Mapping<SlackPendingUpdate> slack_pending_update_mapping(const SlackPendingVerifications& t) {
  return Mapping<SlackPendingUpdate>("SlackPendingUpdate", t)
      .field(&SlackPendingUpdate::email, t.email)
      .field(&SlackPendingUpdate::code, t.code)
      .field(&SlackPendingUpdate::state, t.state);
}

Mapping<SlackWorkspace> slack_workspace_mapping(const SlackWorkspaces& t) {
  return Mapping<SlackWorkspace>("SlackWorkspace", t)
      .field(&SlackWorkspace::id, t.id)
      .field(&SlackWorkspace::team_id, t.team_id)
      .field(&SlackWorkspace::team_name, t.team_name)
      .field(&SlackWorkspace::connected_by, t.connected_by)
      .field(&SlackWorkspace::connected_at, t.connected_at)
      .field(&SlackWorkspace::enabled, t.enabled, true);
}

Mapping<SlackChannelAgent> slack_channel_agent_mapping(const SlackChannelAgents& t) {
  return Mapping<SlackChannelAgent>("SlackChannelAgent", t)
      .field(&SlackChannelAgent::id, t.id)
      .field(&SlackChannelAgent::team_id, t.team_id)
      .field(&SlackChannelAgent::slack_channel_id, t.slack_channel_id)
      .field(&SlackChannelAgent::slack_channel_name, t.slack_channel_name)
      .field(&SlackChannelAgent::agent_name, t.agent_name)
      .field(&SlackChannelAgent::is_dm_default, t.is_dm_default, false)
      .field(&SlackChannelAgent::created_by, t.created_by)
      .field(&SlackChannelAgent::created_at, t.created_at)
      .field(&SlackChannelAgent::allow_proactive, t.allow_proactive, false);
}

// The configuration's fields (the sealed key is StoredNeverminedConfig's own).
template <class S>
Mapping<S> nevermined_config_mapping(const char* model, const NeverminedAgentConfig& t) {
  return Mapping<S>(model, t)
      .field(&S::id, t.id)
      .field(&S::agent_name, t.agent_name)
      .field(&S::nvm_environment, t.nvm_environment)
      .field(&S::nvm_agent_id, t.nvm_agent_id)
      .field(&S::nvm_plan_id, t.nvm_plan_id)
      .field(&S::credits_per_request, t.credits_per_request)
      .field(&S::enabled, t.enabled)
      .field(&S::created_at, t.created_at)
      .field(&S::updated_at, t.updated_at);
}

Mapping<NeverminedPaymentLogEntry> nevermined_payment_mapping(const NeverminedPaymentLog& t) {
  using E = NeverminedPaymentLogEntry;
  return Mapping<E>("NeverminedPaymentLogEntry", t)
      .field(&E::id, t.id)
      .field(&E::agent_name, t.agent_name)
      .field(&E::execution_id, t.execution_id)
      .field(&E::action, t.action)
      .field(&E::subscriber_address, t.subscriber_address)
      .field(&E::credits_amount, t.credits_amount)
      .field(&E::tx_hash, t.tx_hash)
      .field(&E::remaining_balance, t.remaining_balance)
      .field(&E::success, t.success)
      .field(&E::error, t.error)
      .field(&E::created_at, t.created_at);
}

Mapping<TelegramBinding> telegram_binding_mapping(const TelegramBindings& t) {
  using B = TelegramBinding;
  return Mapping<B>("TelegramBinding", t)
      .field(&B::id, t.id)
      .field(&B::agent_name, t.agent_name)
      .field(&B::bot_username, t.bot_username)
      .field(&B::bot_id, t.bot_id)
      .field(&B::webhook_secret, t.webhook_secret)
      .field(&B::webhook_url, t.webhook_url)
      .field(&B::telegram_secret_token, t.telegram_secret_token)
      .field(&B::last_update_id, t.last_update_id, std::int64_t{0})
      .field(&B::progress_indicator_enabled, t.progress_indicator_enabled, true)
      .field(&B::can_read_all_group_messages, t.can_read_all_group_messages)
      .field(&B::created_at, t.created_at)
      .field(&B::updated_at, t.updated_at);
}

Mapping<TelegramChatLink> telegram_chat_link_mapping(const TelegramChatLinks& t) {
  using L = TelegramChatLink;
  return Mapping<L>("TelegramChatLink", t)
      .field(&L::id, t.id)
      .field(&L::binding_id, t.binding_id)
      .field(&L::telegram_user_id, t.telegram_user_id)
      .field(&L::telegram_username, t.telegram_username)
      .field(&L::session_id, t.session_id)
      .field(&L::message_count, t.message_count, std::int64_t{0})
      .field(&L::created_at, t.created_at)
      .field(&L::last_active, t.last_active)
      .field(&L::verified_email, t.verified_email)
      .field(&L::verified_at, t.verified_at);
}

Mapping<TelegramGroupConfig> telegram_group_config_mapping(const TelegramGroupConfigs& t) {
  using G = TelegramGroupConfig;
  return Mapping<G>("TelegramGroupConfig", t)
      .field(&G::id, t.id)
      .field(&G::binding_id, t.binding_id)
      .field(&G::chat_id, t.chat_id)
      .field(&G::chat_title, t.chat_title)
      .field(&G::chat_type, t.chat_type, std::string("group"))
      .field(&G::trigger_mode, t.trigger_mode, std::string("mention"))
      .field(&G::welcome_enabled, t.welcome_enabled, false)
      .field(&G::welcome_text, t.welcome_text)
      .field(&G::is_active, t.is_active, true)
      .field(&G::created_at, t.created_at)
      .field(&G::updated_at, t.updated_at)
      .field(&G::verified_by_email, t.verified_by_email)
      .field(&G::verified_at, t.verified_at)
      .field(&G::allow_proactive, t.allow_proactive, true)
      .field(&G::last_untagged_seen_at, t.last_untagged_seen_at)
      .field(&G::context_enabled, t.context_enabled, true);
}

Mapping<TelegramGroupConfigUpdate> telegram_group_config_update_mapping(
    const TelegramGroupConfigs& t) {
  using U = TelegramGroupConfigUpdate;
  return Mapping<U>("TelegramGroupConfigUpdate", t)
      .field(&U::trigger_mode, t.trigger_mode)
      .field(&U::welcome_enabled, t.welcome_enabled)
      .field(&U::welcome_text, t.welcome_text);
}

// owner_email: from users, joined by the select()s that read subscriptions; agent_count is read
// by subscriptions.cpp; the token column is never read into a SubscriptionCredential.
Mapping<SubscriptionCredential> subscription_mapping(const SubscriptionCredentials& t,
                                                     const Users& u) {
  using M = SubscriptionCredential;
  return Mapping<M>("SubscriptionCredential", t)
      .field(&M::id, t.id)
      .field(&M::name, t.name)
      .field(&M::subscription_type, t.subscription_type)
      .field(&M::rate_limit_tier, t.rate_limit_tier)
      .field(&M::owner_id, t.owner_id)
      .field(&M::created_at, t.created_at)
      .field(&M::updated_at, t.updated_at)
      .joined(&M::owner_email, u.email);
}

}  // namespace

Models::Models(const Schema& s)
    : user(user_mapping(s.users)),
      user_create(user_create_mapping(s.users)),
      user_update(user_update_mapping(s.users)),
      chat_session(chat_session_mapping(s.chat_sessions)),
      chat_message(chat_message_mapping(s.chat_messages)),
      chat_message_create(chat_message_create_mapping(s.chat_messages)),
      activity(activity_mapping(s.agent_activities)),
      activity_create(activity_create_mapping(s.agent_activities)),
      agent_permission(agent_permission_mapping(s.agent_permissions)),
      system_setting(system_setting_mapping(s.system_settings)),
      whitelist_entry(whitelist_entry_mapping(s.email_whitelist, s.users)),
      mcp_api_key(mcp_api_key_mapping(s.mcp_api_keys, s.users)),
      agent_owner(agent_owner_mapping(s.agent_ownership, s.users)),
      agent_share(agent_share_mapping(s.agent_sharing, s.users)),
      agent_metadata(agent_metadata_mapping(s.agent_ownership, s.users)),
      agent_skill(agent_skill_mapping(s.agent_skills)),
      shared_folder_config(shared_folder_config_mapping(s.agent_shared_folder_config)),
      system_view(system_view_mapping(s.system_views)),
      system_view_update(system_view_update_mapping(s.system_views)),
      public_link(public_link_mapping(s.agent_public_links)),
      public_link_update(public_link_update_mapping(s.agent_public_links)),
      link_usage(link_usage_mapping(s.public_link_usage)),
      user_memory(user_memory_mapping(s.public_user_memory)),
      public_chat_session(public_chat_session_mapping(s.public_chat_sessions)),
      public_chat_message(public_chat_message_mapping(s.public_chat_messages)),
      schedule_execution(schedule_execution_mapping(s.schedule_executions)),
      execution_summary(execution_summary_mapping(s.schedule_executions)),
      running_execution(running_execution_mapping(s.schedule_executions)),
      running_execution_info(
          running_execution_info_mapping(s.schedule_executions, s.agent_ownership, s.users)),
      schedule(schedule_mapping(s.agent_schedules)),
      schedule_update(schedule_update_mapping(s.agent_schedules)),
      git_config(git_config_mapping(s.agent_git_config)),
      health_check(health_check_mapping(s.agent_health_checks)),
      docker_metrics(metrics_mapping<DockerMetrics>("DockerMetrics", s.agent_health_checks,
                                                    docker_fields<DockerMetrics>)),
      network_metrics(metrics_mapping<NetworkMetrics>("NetworkMetrics", s.agent_health_checks,
                                                      network_fields<NetworkMetrics>)),
      business_metrics(metrics_mapping<BusinessMetrics>("BusinessMetrics", s.agent_health_checks,
                                                        business_fields<BusinessMetrics>)),
      widget_value(widget_value_mapping(s.agent_dashboard_values)),
      cached_dashboard(cached_dashboard_mapping(s.agent_dashboard_cache)),
      operator_queue_item(operator_queue_item_mapping(s.operator_queue)),
      operator_queue_item_create(operator_queue_item_create_mapping(s.operator_queue)),
      notification(notification_mapping(s.agent_notifications)),
      notification_create(notification_create_mapping(s.agent_notifications)),
      event_subscription(event_subscription_mapping(s.agent_event_subscriptions)),
      event_subscription_create(event_subscription_create_mapping(s.agent_event_subscriptions)),
      event_subscription_update(event_subscription_update_mapping(s.agent_event_subscriptions)),
      agent_event(agent_event_mapping(s.agent_events)),
      slack_connection(slack_connection_fields(
          Mapping<SlackConnection>("SlackConnection", s.slack_link_connections),
          s.slack_link_connections)),
      slack_team_connection(
          slack_team_connection_mapping(s.slack_link_connections, s.agent_public_links)),
      slack_connection_update(slack_connection_update_mapping(s.slack_link_connections)),
      slack_user_verification(slack_user_verification_mapping(s.slack_user_verifications)),
      slack_pending_verification(slack_pending_verification_mapping(s.slack_pending_verifications)),
      slack_pending_update(slack_pending_update_mapping(s.slack_pending_verifications)),
      slack_workspace(slack_workspace_mapping(s.slack_workspaces)),
      slack_channel_agent(slack_channel_agent_mapping(s.slack_channel_agents)),
      nevermined_config(nevermined_config_mapping<NeverminedConfig>("NeverminedConfig",
                                                                    s.nevermined_agent_config)),
      nevermined_config_stored(nevermined_config_mapping<StoredNeverminedConfig>(
                                   "StoredNeverminedConfig", s.nevermined_agent_config)
                                   .field(&StoredNeverminedConfig::encrypted_credentials,
                                          s.nevermined_agent_config.encrypted_credentials)),
      nevermined_payment(nevermined_payment_mapping(s.nevermined_payment_log)),
      telegram_binding(telegram_binding_mapping(s.telegram_bindings)),
      telegram_chat_link(telegram_chat_link_mapping(s.telegram_chat_links)),
      telegram_group_config(telegram_group_config_mapping(s.telegram_group_configs)),
      telegram_group_config_update(telegram_group_config_update_mapping(s.telegram_group_configs)),
      subscription(subscription_mapping(s.subscription_credentials, s.users)) {}

}  // namespace trinity::db
