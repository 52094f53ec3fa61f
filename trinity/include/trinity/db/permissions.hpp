// PermissionOperations: which agents an agent may call (table agent_permissions, one row per
// directed source -> target pair).
//
//   dbm.permissions().add_permission("planner", "coder", "ada");     // planner may call coder
//   dbm.permissions().set_permissions("planner", {"coder", "tester"}, "ada");
//
// Rules (where the original left it open):
// - An agent never needs a permission to itself: add_permission(a, a) makes nothing and
//   is_permitted(a, a) is false (nothing is stored for it); set_permissions() rejects it.
// - Both agents must be registered (a row in agent_ownership not soft-deleted): permissions to
//   agents that do not exist would silently apply to a future agent of that name.
// - A duplicate pair is not an error for add_permission() (it returns nullopt, the existing row
//   is kept); the insert runs in a savepoint so an enclosing transaction survives it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/users.hpp"

namespace trinity::db {

/// One permission: `source_agent` may call `target_agent`.
struct AgentPermission {
  std::int64_t id = 0;
  std::string source_agent;
  std::string target_agent;
  std::optional<sqlcore::Timestamp> created_at;
  std::string created_by;
};

class PermissionOperations {
 public:
  /// `users` resolves owners for grant_default_permissions(). Which agents are registered is read
  /// for all the names of a call in one statement (not through AgentOperations, one by one).
  PermissionOperations(Db& db, UserOperations& users) : db_(db), users_(users) {}

  /// The agents `source_agent` may call, sorted.
  std::vector<std::string> get_permitted_agents(const std::string& source_agent);
  /// The permissions of `source_agent`, ordered by target.
  std::vector<AgentPermission> get_permission_details(const std::string& source_agent);
  bool is_permitted(const std::string& source_agent, const std::string& target_agent);
  /// The new permission; nullopt when it already exists, when source and target are the same
  /// agent, or when either agent is not registered.
  std::optional<AgentPermission> add_permission(const std::string& source_agent,
                                                const std::string& target_agent,
                                                const std::string& created_by);
  /// True when the permission existed.
  bool remove_permission(const std::string& source_agent, const std::string& target_agent);
  /// Makes `target_agents` (duplicates ignored) the whole set `source_agent` may call, in one
  /// transaction: pairs it keeps keep their row, the others are removed, the new ones created.
  /// Returns the size of the new set. All or nothing: the source or a target not registered is
  /// a NotFoundError, the source among the targets std::invalid_argument, and the old set stays.
  std::int64_t set_permissions(const std::string& source_agent,
                               const std::vector<std::string>& target_agents,
                               const std::string& created_by);
  /// Removes every permission from or to `agent_name`; returns how many.
  std::int64_t delete_agent_permissions(const std::string& agent_name);
  /// Lets `agent_name` and every other registered agent of the same owner call each other (both
  /// directions); returns how many permissions were created (existing ones are kept). 0 when
  /// the owner does not exist.
  std::int64_t grant_default_permissions(const std::string& agent_name,
                                         const std::string& owner_username);

 private:
  Db& db_;
  UserOperations& users_;
};

}  // namespace trinity::db
