// PermissionOperations: agent_permissions (unique source_agent, target_agent).
//
// Whether agents are registered (agent_rules.hpp: the row exists, not soft-deleted) is read for
// all the names of a call in one SELECT on agent_ownership, rather than through AgentOperations
// one name at a time.
#include "trinity/db/permissions.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"

#include <set>

namespace trinity::db {

namespace {

// The names among `names` that are registered agents.
std::set<std::string> registered(Connection& c, const AgentOwnership& a,
                                 const std::set<std::string>& names) {
  if (names.empty()) return {};
  std::vector<Value> values(names.begin(), names.end());
  auto found = c.execute(select(a.agent_name).where(a.agent_name.in_(values) && registered(a)))
                   .scalars<std::string>();
  return {found.begin(), found.end()};
}

// INSERT ... ON CONFLICT DO NOTHING RETURNING the permission: no row when the pair exists.
std::optional<AgentPermission> insert_permission(Connection& c, const Db& db,
                                                 const std::string& source,
                                                 const std::string& target,
                                                 const std::string& created_by) {
  const auto& [p, m] = std::tie(db.schema().agent_permissions, db.models().agent_permission);
  return m.insert_new(c,
                      {{p.source_agent, source},
                       {p.target_agent, target},
                       {p.created_by, created_by},
                       {p.created_at, now()}},
                      {p.source_agent, p.target_agent});
}

}  // namespace

std::vector<std::string> PermissionOperations::get_permitted_agents(
    const std::string& source_agent) {
  const auto& p = db_.schema().agent_permissions;
  return db_.read([&](Connection& c) {
    return c
        .execute(
            select(p.target_agent).where(p.source_agent == source_agent).order_by({p.target_agent}))
        .scalars<std::string>();
  });
}

std::vector<AgentPermission> PermissionOperations::get_permission_details(
    const std::string& source_agent) {
  const auto& [p, m] = std::tie(db_.schema().agent_permissions, db_.models().agent_permission);
  return db_.all(m, m.select().where(p.source_agent == source_agent).order_by({p.target_agent}));
}

bool PermissionOperations::is_permitted(const std::string& source_agent,
                                        const std::string& target_agent) {
  if (source_agent == target_agent) return false;  // never stored (see the header)
  const auto& p = db_.schema().agent_permissions;
  return db_.read([&](Connection& c) {
    return c
        .execute(
            select(p.id).where(p.source_agent == source_agent && p.target_agent == target_agent))
        .first()
        .has_value();
  });
}

std::optional<AgentPermission> PermissionOperations::add_permission(const std::string& source_agent,
                                                                    const std::string& target_agent,
                                                                    const std::string& created_by) {
  if (source_agent == target_agent) return std::nullopt;
  return db_.run([&](Connection& c) -> std::optional<AgentPermission> {
    if (registered(c, db_.schema().agent_ownership, {source_agent, target_agent}).size() != 2)
      return std::nullopt;
    return insert_permission(c, db_, source_agent, target_agent, created_by);  // nullopt: exists
  });
}

bool PermissionOperations::remove_permission(const std::string& source_agent,
                                             const std::string& target_agent) {
  return db_.run([&](Connection& c) {
    const auto& p = db_.schema().agent_permissions;
    return c.execute(delete_from(p).where(p.source_agent == source_agent &&
                                          p.target_agent == target_agent))
               .rowcount() > 0;
  });
}

std::int64_t PermissionOperations::set_permissions(const std::string& source_agent,
                                                   const std::vector<std::string>& target_agents,
                                                   const std::string& created_by) {
  const std::set<std::string> targets(target_agents.begin(), target_agents.end());
  if (targets.count(source_agent))
    throw std::invalid_argument("trinity-db: agent '" + source_agent +
                                "' cannot be given a permission to itself");
  return db_.run([&](Connection& c) {
    const auto& p = db_.schema().agent_permissions;
    const auto& a = db_.schema().agent_ownership;
    // Everything is checked before anything is written.
    std::set<std::string> all = targets;
    all.insert(source_agent);
    const auto known = registered(c, a, all);
    std::string missing;
    for (const auto& name : all)
      if (!known.count(name)) missing += (missing.empty() ? "'" : ", '") + name + "'";
    if (!missing.empty())
      throw NotFoundError("trinity-db: cannot set the permissions of '" + source_agent +
                          "': no such agent " + missing);
    // The pairs that go are deleted, the kept ones keep their row, the new ones are created.
    std::vector<Value> keep(targets.begin(), targets.end());
    c.execute(delete_from(p).where(p.source_agent == source_agent && p.target_agent.not_in(keep)));
    for (const auto& target : targets)
      (void)insert_permission(c, db_, source_agent, target, created_by);
    return static_cast<std::int64_t>(targets.size());
  });
}

std::int64_t PermissionOperations::delete_agent_permissions(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& p = db_.schema().agent_permissions;
    const auto n = c.execute(delete_from(p).where(p.source_agent == agent_name ||
                                                  p.target_agent == agent_name))
                       .rowcount();
    return n > 0 ? n : std::int64_t{0};
  });
}

std::int64_t PermissionOperations::grant_default_permissions(const std::string& agent_name,
                                                             const std::string& owner_username) {
  // One transaction: the owner's lookup (through UserOperations) and the inserts join it.
  return db_.transaction([&]() -> std::int64_t {
    const auto owner = users_.get_user_by_username(owner_username);
    if (!owner) return 0;
    return db_.run([&](Connection& c) -> std::int64_t {
      const auto& a = db_.schema().agent_ownership;
      // The agent must be registered (0 otherwise); its siblings: the owner's other agents.
      if (registered(c, a, {agent_name}).empty()) return 0;
      const auto siblings = c.execute(select(a.agent_name)
                                          .where(a.owner_id == owner->id &&
                                                 a.agent_name != agent_name && registered(a))
                                          .order_by({a.agent_name}))
                                .scalars<std::string>();
      std::int64_t created = 0;
      for (const auto& other : siblings) {
        created += insert_permission(c, db_, agent_name, other, owner_username) ? 1 : 0;
        created += insert_permission(c, db_, other, agent_name, owner_username) ? 1 : 0;
      }
      return created;
    });
  });
}

}  // namespace trinity::db
