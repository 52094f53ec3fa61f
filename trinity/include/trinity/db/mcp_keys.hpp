// McpKeyOperations: API keys for the MCP server, owned by a user, optionally bound to an agent.
//
//   auto key = dbm.mcp_keys().create_mcp_api_key("ada", {.name = "laptop"});
//   send_to_user(key->api_key);                                  // shown once, never stored
//   auto who = dbm.mcp_keys().validate_mcp_api_key(presented);   // nullopt: unknown or revoked
//
// A key is `trinity_mcp_` followed by 43 characters of base64url (32 random bytes). Only its
// SHA-256 (hex) is stored, with a short prefix (`trinity_mcp_` and the first 8 characters) so a
// user can tell keys apart in a list; validation hashes the presented key and looks the hash up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class UserOperations;

/// What a user gives to create a key.
struct McpApiKeyCreate {
  std::string name;
  std::optional<std::string> description{};
};

/// A key as listed: never its secret.
struct McpApiKey {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  /// The first characters of the key, for display (not enough to use it).
  std::string key_prefix;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> last_used_at;
  std::int64_t usage_count = 0;
  bool is_active = true;
  std::int64_t user_id = 0;
  /// The owner's username and email (joined from users).
  std::string username;
  std::optional<std::string> user_email;
  /// Set for agent keys (scope "agent").
  std::optional<std::string> agent_name;
  /// "user" or "agent".
  std::string scope = "user";
};

/// A key just created: the only time its secret `api_key` is available.
struct McpApiKeyWithSecret : McpApiKey {
  std::string api_key;
};

/// Who a valid key belongs to (validate_mcp_api_key).
struct McpKeyValidation {
  std::string key_id;
  std::string key_name;
  std::int64_t user_id = 0;
  std::string username;
  std::optional<std::string> user_email;
  std::string user_role;
  std::optional<std::string> agent_name;
  std::string scope;
};

class McpKeyOperations {
 public:
  McpKeyOperations(Db& db, UserOperations& users) : db_(db), users_(users) {}

  /// A new key owned by `username`; nullopt when there is no such user. An empty name is
  /// std::invalid_argument.
  std::optional<McpApiKeyWithSecret> create_mcp_api_key(const std::string& username,
                                                        const McpApiKeyCreate& key_data);
  /// A new agent key (scope "agent") for `agent_name`, owned by `owner_username`; nullopt when
  /// there is no such user. An agent has at most one agent key: an earlier one is deleted in the
  /// same transaction (its secret can never be shown again, so replacing is the only useful act).
  std::optional<McpApiKeyWithSecret> create_agent_mcp_api_key(
      const std::string& agent_name, const std::string& owner_username,
      const std::optional<std::string>& description = std::nullopt);
  /// The agent's active agent key; nullopt when it has none.
  std::optional<McpApiKey> get_agent_mcp_api_key(const std::string& agent_name);
  /// Deletes the agent's agent keys (user keys naming the agent are not touched). True when one
  /// was deleted.
  bool delete_agent_mcp_api_key(const std::string& agent_name);
  /// Who `api_key` belongs to, counting the use (last_used_at, usage_count); nullopt for an
  /// unknown or revoked key, or one whose owner is suspended.
  std::optional<McpKeyValidation> validate_mcp_api_key(const std::string& api_key);
  /// The key `key_id` when `username` owns it; nullopt otherwise.
  std::optional<McpApiKey> get_mcp_api_key(const std::string& key_id, const std::string& username);
  /// The keys `username` owns (agent keys included), newest first; empty for an unknown user.
  std::vector<McpApiKey> list_mcp_api_keys(const std::string& username);
  /// Every key, newest first.
  std::vector<McpApiKey> list_all_mcp_api_keys();
  /// Deactivates the key when `username` owns it. True when it was active (changed).
  bool revoke_mcp_api_key(const std::string& key_id, const std::string& username);
  /// Deletes the key when `username` owns it. True when a row was deleted.
  bool delete_mcp_api_key(const std::string& key_id, const std::string& username);

 private:
  Db& db_;
  UserOperations& users_;
};

}  // namespace trinity::db
