// AgentOperations: who owns an agent, who may use, share, rename or delete it, and its settings
// (table agent_ownership, plus agent_sharing for shares; renaming and deleting an agent reach
// every table that names it).
//
//   dbm.agents().register_agent_owner("planner", "ada");
//   dbm.agents().share_agent("planner", "ada", "Bob@Example.com");
//   if (dbm.agents().can_user_access_agent("bob", "planner")) { ... }
//
// Rules (where the original left them open; every access check is one statement):
// - An agent is registered while its agent_ownership row exists and is not soft-deleted
//   (deleted_at IS NULL). Every method treats a soft-deleted agent as one that does not exist.
// - Access: an admin (users.role = 'admin'), the owner, or a user whose email the agent is
//   shared with. Sharing, renaming and deleting: an admin or the owner. A system agent
//   (is_system) is accessed like any other, but nobody shares, renames or deletes it.
// - Emails compare case-insensitively everywhere; a share stores the email normalized (trimmed,
//   lower-case). Sharing an agent with its owner's own email makes nothing.
// - Getters of a setting give the column's default when the agent is unknown or the value is NULL
//   (max_parallel_tasks 3, execution timeout 3600 s, flags as declared); setters return false
//   for an unknown agent and refuse a value out of range (std::invalid_argument) before writing.
// - rename_agent() and delete_agent_ownership() change every row that names the agent, in one
//   transaction (docs/trinity.md, "Renaming and deleting an agent", lists the tables).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>

#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/users.hpp"

namespace trinity::db {

/// An agent and its owner (get_agent_owner()).
struct AgentOwner {
  std::int64_t id = 0;
  std::string agent_name;
  std::int64_t owner_id = 0;
  std::string owner_username;              // from users
  std::optional<std::string> owner_email;  // from users
  sqlcore::Timestamp created_at;
  bool is_system = false;
};

/// One share: `agent_name` is shared with whoever signs in with `shared_with_email`.
struct AgentShare {
  std::int64_t id = 0;
  std::string agent_name;
  std::string shared_with_email;
  std::int64_t shared_by_id = 0;
  std::optional<std::string> shared_by_username;  // from users
  sqlcore::Timestamp created_at;
  bool allow_proactive = false;
};

/// Container limits as given to the runtime (for example memory "4g", cpu "2"); nullopt: the
/// runtime's default.
struct ResourceLimits {
  std::optional<std::string> memory;
  std::optional<std::string> cpu;
};

/// Read-only mode: when enabled, the agent may not change the files `config` protects. `config`
/// is the JSON document stored with it (null when none was given).
struct ReadOnlyMode {
  bool enabled = false;
  sqlcore::Json config;
};

/// The prompt an agent's avatar is drawn from; `is_default` when the platform made it.
struct AvatarIdentity {
  std::string prompt;
  std::optional<sqlcore::Timestamp> updated_at;
  bool is_default = false;
};

/// What the agent list shows for one agent (get_all_agent_metadata()).
struct AgentMetadata {
  std::string agent_name;
  std::int64_t owner_id = 0;
  std::optional<std::string> owner_username;
  std::optional<std::string> owner_email;
  sqlcore::Timestamp created_at;
  bool is_system = false;
  bool autonomy_enabled = false;
  bool read_only_mode = false;
  bool full_capabilities = false;
  bool use_platform_api_key = true;
  std::optional<std::string> memory_limit;
  std::optional<std::string> cpu_limit;
  std::int64_t max_parallel_tasks = 3;
  std::int64_t execution_timeout_seconds = 3600;
  /// How many shares the agent has.
  std::int64_t share_count = 0;
  /// Relative to the email given to get_all_agent_metadata() (false without one): the agent's
  /// owner has that email; the agent is shared with it.
  bool is_owner = false;
  bool is_shared = false;
};

class AgentOperations {
 public:
  /// `users` resolves usernames (owners, the users whose access is checked).
  AgentOperations(Db& db, UserOperations& users) : db_(db), users_(users) {}

  // --- Ownership -------------------------------------------------------------------------
  /// Registers `agent_name` as owned by `owner_username`. False when the owner does not exist
  /// or the name is taken (a soft-deleted agent keeps its name). An empty or malformed name is
  /// std::invalid_argument.
  bool register_agent_owner(const std::string& agent_name, const std::string& owner_username,
                            bool is_system = false);
  std::optional<AgentOwner> get_agent_owner(const std::string& agent_name);
  /// The registered agents of `owner_username`, sorted.
  std::vector<std::string> get_agents_by_owner(const std::string& owner_username);
  /// Deletes the agent and every row that names it, in one transaction (docs/trinity.md lists
  /// what goes and what is kept). False when there is no such agent.
  bool delete_agent_ownership(const std::string& agent_name);
  bool is_system_agent(const std::string& agent_name);

  // --- Access (each one statement) --------------------------------------------------------
  bool can_user_access_agent(const std::string& username, const std::string& agent_name);
  bool can_user_delete_agent(const std::string& username, const std::string& agent_name);
  bool can_user_share_agent(const std::string& username, const std::string& agent_name);
  bool can_user_rename_agent(const std::string& username, const std::string& agent_name);
  /// The registered agents `user_email` may access, sorted: every agent for an admin, else the
  /// ones its owner has that email or that are shared with it.
  std::vector<std::string> get_accessible_agent_names(const std::string& user_email,
                                                      bool is_admin = false);
  /// Every registered agent by name, with is_owner / is_shared relative to `user_email`.
  std::map<std::string, AgentMetadata> get_all_agent_metadata(
      const std::optional<std::string>& user_email = std::nullopt);

  // --- Sharing --------------------------------------------------------------------------
  /// Shares `agent_name` with `share_with_email` on behalf of `owner_username`. nullopt when that
  /// user may not share it (see the rules), when the email is the owner's own, or when it is
  /// shared with that email already (the existing share is kept; two concurrent calls make one
  /// share). A malformed email is std::invalid_argument.
  std::optional<AgentShare> share_agent(const std::string& agent_name,
                                        const std::string& owner_username,
                                        const std::string& share_with_email);
  /// True when a share existed and `owner_username` may share the agent.
  bool unshare_agent(const std::string& agent_name, const std::string& owner_username,
                     const std::string& share_with_email);
  /// The agent's shares, by email.
  std::vector<AgentShare> get_agent_shares(const std::string& agent_name);
  /// The registered agents shared with the email of `username`, sorted.
  std::vector<std::string> get_shared_agents(const std::string& username);
  bool is_agent_shared_with_user(const std::string& agent_name, const std::string& username);
  /// Removes every share of the agent; returns how many.
  std::int64_t delete_agent_shares(const std::string& agent_name);

  // --- Resources -------------------------------------------------------------------------
  /// nullopt when the agent does not exist.
  std::optional<ResourceLimits> get_resource_limits(const std::string& agent_name);
  /// Sets both limits (nullopt clears one). A limit is digits with an optional unit (k, m, g,
  /// for memory) or a decimal number of CPUs; anything else is std::invalid_argument.
  bool set_resource_limits(const std::string& agent_name,
                           const std::optional<std::string>& memory = std::nullopt,
                           const std::optional<std::string>& cpu = std::nullopt);
  std::int64_t get_max_parallel_tasks(const std::string& agent_name);
  /// `max_tasks` from 1 to 100.
  bool set_max_parallel_tasks(const std::string& agent_name, std::int64_t max_tasks);
  /// Every registered agent's max_parallel_tasks.
  std::map<std::string, std::int64_t> get_all_agents_parallel_capacity();
  std::int64_t get_execution_timeout(const std::string& agent_name);
  /// `timeout_seconds` from 1 to 7 days.
  bool set_execution_timeout(const std::string& agent_name, std::int64_t timeout_seconds);

  // --- Security --------------------------------------------------------------------------
  bool get_full_capabilities(const std::string& agent_name);
  bool set_full_capabilities(const std::string& agent_name, bool enabled);
  ReadOnlyMode get_read_only_mode(const std::string& agent_name);
  /// Sets the mode and its config (a JSON object, or null to clear it); a config that is not an
  /// object or null is std::invalid_argument.
  bool set_read_only_mode(const std::string& agent_name, bool enabled,
                          const std::optional<sqlcore::Json>& config = std::nullopt);
  bool get_use_platform_api_key(const std::string& agent_name);
  bool set_use_platform_api_key(const std::string& agent_name, bool use_platform_key);

  // --- Autonomy --------------------------------------------------------------------------
  bool get_autonomy_enabled(const std::string& agent_name);
  bool set_autonomy_enabled(const std::string& agent_name, bool enabled);
  /// Every registered agent's autonomy flag.
  std::map<std::string, bool> get_all_agents_autonomy_status();

  // --- Avatar ----------------------------------------------------------------------------
  /// Sets a custom avatar prompt (is_default false). An empty prompt is std::invalid_argument.
  bool set_avatar_identity(const std::string& agent_name, const std::string& prompt,
                           const sqlcore::Timestamp& updated_at);
  std::optional<AvatarIdentity> get_avatar_identity(const std::string& agent_name);
  bool clear_avatar_identity(const std::string& agent_name);
  /// Registered agents with no avatar prompt or only a default one, sorted.
  std::vector<std::string> get_agents_without_custom_avatar();
  /// Sets a platform-made prompt, only when the agent has no custom one (a custom avatar set in
  /// the meantime is never overwritten: the condition is part of the UPDATE).
  bool set_default_avatar(const std::string& agent_name, const std::string& identity_prompt,
                          const sqlcore::Timestamp& updated_at);

  // --- Renaming ------------------------------------------------------------------------
  /// Renames the agent in every table that names it, in one transaction. False when `old_name`
  /// is not registered; a `new_name` already taken (registered or soft-deleted) is a
  /// DuplicateError; an empty or malformed one std::invalid_argument; nothing changes then.
  bool rename_agent(const std::string& old_name, const std::string& new_name);

 private:
  Db& db_;
  UserOperations& users_;
};

}  // namespace trinity::db
