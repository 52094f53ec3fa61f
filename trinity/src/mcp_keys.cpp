// McpKeyOperations: MCP API keys, stored only as SHA-256 hashes (see mcp_keys.hpp).
#include "trinity/db/mcp_keys.hpp"

#include "operation.hpp"

#include "trinity/db/users.hpp"

namespace trinity::db {

namespace {

constexpr const char* kKeyPrefix = "trinity_mcp_";
/// Characters of the key kept for display: the fixed prefix and 8 of the 43 random ones.
constexpr std::size_t kDisplayPrefixLength = 20;
constexpr const char* kScopeUser = "user";
constexpr const char* kScopeAgent = "agent";

/// Keys with their owner's username and email.
Select keys_with_owner(const Db& db) {
  const auto& [k, u] = std::tie(db.schema().mcp_api_keys, db.schema().users);
  return db.models().mcp_api_key.select().join(u, u.id == k.user_id);
}

/// Active: is_active true, or NULL (the column's default is true).
Expr active(const McpApiKeys& k) {
  return k.is_active.is_null() || k.is_active == true;
}

/// Inserts a new key for `user` and returns it with its secret.
McpApiKeyWithSecret insert_key(Connection& c, const Db& db, const User& user, std::string name,
                               std::optional<std::string> description,
                               std::optional<std::string> agent_name, std::string scope) {
  McpApiKeyWithSecret key;
  key.api_key = std::string(kKeyPrefix) + random_token(32);
  key.id = new_id();
  key.name = std::move(name);
  key.description = std::move(description);
  key.key_prefix = key.api_key.substr(0, kDisplayPrefixLength);
  key.created_at = Timestamp::now();
  key.user_id = user.id;
  key.username = user.username;
  key.user_email = user.email;
  key.agent_name = std::move(agent_name);
  key.scope = std::move(scope);
  auto values = db.models().mcp_api_key.values(key);
  values.emplace_back(db.schema().mcp_api_keys.key_hash, sha256_hex(key.api_key));
  c.execute(insert(db.schema().mcp_api_keys).values(std::move(values)));
  return key;
}

/// The ids of the users called `username` (one or none), for conditions on mcp_api_keys.user_id.
Select user_ids(const Schema& s, const std::string& username) {
  return select(s.users.id).where(s.users.username == username);
}

}  // namespace

std::optional<McpApiKeyWithSecret> McpKeyOperations::create_mcp_api_key(
    const std::string& username, const McpApiKeyCreate& key_data) {
  if (key_data.name.empty()) throw std::invalid_argument("create_mcp_api_key: the name is empty");
  return db_.transaction([&]() -> std::optional<McpApiKeyWithSecret> {
    const std::optional<User> user = users_.get_user_by_username(username);
    if (!user) return std::nullopt;
    return db_.run([&](Connection& c) {
      return insert_key(c, db_, *user, key_data.name, key_data.description, std::nullopt,
                        kScopeUser);
    });
  });
}

std::optional<McpApiKeyWithSecret> McpKeyOperations::create_agent_mcp_api_key(
    const std::string& agent_name, const std::string& owner_username,
    const std::optional<std::string>& description) {
  return db_.transaction([&]() -> std::optional<McpApiKeyWithSecret> {
    const std::optional<User> user = users_.get_user_by_username(owner_username);
    if (!user) return std::nullopt;
    return db_.run([&](Connection& c) {
      const auto& k = db_.schema().mcp_api_keys;
      // One agent key per agent: the new one replaces any earlier one.
      c.execute(delete_from(k).where(k.agent_name == agent_name && k.scope == kScopeAgent));
      return insert_key(c, db_, *user, "Agent: " + agent_name,
                        description.value_or("MCP key of agent " + agent_name), agent_name,
                        kScopeAgent);
    });
  });
}

std::optional<McpApiKey> McpKeyOperations::get_agent_mcp_api_key(const std::string& agent_name) {
  const auto& k = db_.schema().mcp_api_keys;
  auto q =
      keys_with_owner(db_).where(k.agent_name == agent_name && k.scope == kScopeAgent && active(k));
  q.order_by({k.created_at.desc(), k.id.desc()}).limit(1);
  return db_.first(db_.models().mcp_api_key, q);
}

bool McpKeyOperations::delete_agent_mcp_api_key(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& k = db_.schema().mcp_api_keys;
    return c.execute(delete_from(k).where(k.agent_name == agent_name && k.scope == kScopeAgent))
               .rowcount() > 0;
  });
}

std::optional<McpKeyValidation> McpKeyOperations::validate_mcp_api_key(const std::string& api_key) {
  if (api_key.empty()) return std::nullopt;
  const std::string hash = sha256_hex(api_key);
  return db_.run([&](Connection& c) -> std::optional<McpKeyValidation> {
    const auto& k = db_.schema().mcp_api_keys;
    const auto& u = db_.schema().users;
    auto row = c.execute(select(k.id, k.name, k.user_id, k.agent_name, k.scope, u.username, u.email,
                                u.role)
                             .select_from(k)
                             .join(u, u.id == k.user_id)
                             .where(k.key_hash == hash && active(k) && u.suspended_at.is_null()))
                   .first();
    if (!row) return std::nullopt;
    McpKeyValidation v;
    v.key_id = row->get(k.id);
    v.key_name = row->get(k.name);
    v.user_id = row->get(k.user_id);
    v.agent_name = row->get(k.agent_name);
    v.scope = row->get(k.scope).value_or(kScopeUser);
    v.username = row->get(u.username);
    v.user_email = row->get(u.email);
    v.user_role = row->get(u.role);
    c.execute(update(k)
                  .set({{k.last_used_at, Timestamp::now()},
                        {k.usage_count, coalesce({k.usage_count, 0}) + 1}})
                  .where(k.id == v.key_id));
    return v;
  });
}

std::optional<McpApiKey> McpKeyOperations::get_mcp_api_key(const std::string& key_id,
                                                           const std::string& username) {
  const auto& [k, u] = std::tie(db_.schema().mcp_api_keys, db_.schema().users);
  auto q = keys_with_owner(db_).where(k.id == key_id && u.username == username);
  return db_.first(db_.models().mcp_api_key, q);
}

std::vector<McpApiKey> McpKeyOperations::list_mcp_api_keys(const std::string& username) {
  const auto& [k, u] = std::tie(db_.schema().mcp_api_keys, db_.schema().users);
  auto q = keys_with_owner(db_)
               .where(u.username == username)
               .order_by({k.created_at.desc(), k.id.desc()});
  return db_.all(db_.models().mcp_api_key, q);
}

std::vector<McpApiKey> McpKeyOperations::list_all_mcp_api_keys() {
  const auto& k = db_.schema().mcp_api_keys;
  auto q = keys_with_owner(db_).order_by({k.created_at.desc(), k.id.desc()});
  return db_.all(db_.models().mcp_api_key, q);
}

bool McpKeyOperations::revoke_mcp_api_key(const std::string& key_id, const std::string& username) {
  return db_.run([&](Connection& c) {
    const auto& k = db_.schema().mcp_api_keys;
    return c.execute(update(k)
                         .set({{k.is_active, false}})
                         .where(k.id == key_id && k.user_id.in_(user_ids(db_.schema(), username)) &&
                                active(k)))
               .rowcount() > 0;
  });
}

bool McpKeyOperations::delete_mcp_api_key(const std::string& key_id, const std::string& username) {
  return db_.run([&](Connection& c) {
    const auto& k = db_.schema().mcp_api_keys;
    return c.execute(delete_from(k).where(k.id == key_id &&
                                          k.user_id.in_(user_ids(db_.schema(), username))))
               .rowcount() > 0;
  });
}

}  // namespace trinity::db
