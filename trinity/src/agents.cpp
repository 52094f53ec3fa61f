// AgentOperations, part 1: ownership, access checks and sharing (agent_ownership, agent_sharing,
// users). Each access check is one statement built from the rules in agent_rules.hpp.
#include "trinity/db/agents.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

using sqlcore::alias;
using sqlcore::case_;
using sqlcore::exists;
using sqlcore::scalar;

// A user (by username) for whom `rule` holds on the registered agent `agent`: one statement.
bool user_may(Db& db, const std::string& username, const std::string& agent, const Expr& rule) {
  const auto& [a, u] = std::tie(db.schema().agent_ownership, db.schema().users);
  return db.read([&](Connection& c) {
    return c.execute(select(a.id).join(u, u.username == username).where(is_agent(a, agent) && rule))
        .first()
        .has_value();
  });
}

// The share of `agent` with `email` made by the user `sharer` (RETURNING the row); nullopt when
// that user may not share it, the email is its owner's, or the share exists.
std::optional<AgentShare> insert_share(Connection& c, const Db& db, const std::string& agent,
                                       const std::string& sharer, const std::string& email) {
  const Schema& s = db.schema();
  const auto& [a, u, sh] = std::tie(s.agent_ownership, s.users, s.agent_sharing);
  const auto owner = alias(s.users, "owner");
  const auto sharer_id = c.execute(select(u.id)
                                       .join(a, is_agent(a, agent))
                                       .where(u.username == sharer && may_manage(s, u) &&
                                              !exists(select(owner[u.id])
                                                          .where(owner[u.id] == a.owner_id &&
                                                                 lower(owner[u.email]) == email))))
                             .scalar<std::optional<std::int64_t>>();
  if (!sharer_id) return std::nullopt;
  const auto& m = db.models().agent_share;
  auto share = m.insert_new(c,
                            {{sh.agent_name, agent},
                             {sh.shared_with_email, email},
                             {sh.shared_by_id, *sharer_id},
                             {sh.created_at, now()}},
                            {sh.agent_name, sh.shared_with_email});
  if (share) share->shared_by_username = sharer;
  return share;
}

}  // namespace

// --- Ownership --------------------------------------------------------------------------------

bool AgentOperations::register_agent_owner(const std::string& agent_name,
                                           const std::string& owner_username, bool is_system) {
  const std::string name = checked_agent_name(agent_name);
  return db_.run([&](Connection& c) {
    const auto owner = users_.get_user_by_username(owner_username);
    if (!owner) return false;
    const auto& a = db_.schema().agent_ownership;
    return c.execute(insert(a)
                         .values({{a.agent_name, name},
                                  {a.owner_id, owner->id},
                                  {a.is_system, is_system},
                                  {a.created_at, now()}})
                         .on_conflict({a.agent_name})
                         .do_nothing())
               .rowcount() > 0;
  });
}

std::optional<AgentOwner> AgentOperations::get_agent_owner(const std::string& agent_name) {
  const auto& [a, u, m] =
      std::tie(db_.schema().agent_ownership, db_.schema().users, db_.models().agent_owner);
  return db_.optional(m, m.select().join(u, u.id == a.owner_id).where(is_agent(a, agent_name)));
}

std::vector<std::string> AgentOperations::get_agents_by_owner(const std::string& owner_username) {
  const auto& [a, u] = std::tie(db_.schema().agent_ownership, db_.schema().users);
  return db_.read([&](Connection& c) {
    return c
        .execute(select(a.agent_name)
                     .join(u, u.id == a.owner_id)
                     .where(u.username == owner_username && registered(a))
                     .order_by({a.agent_name}))
        .scalars<std::string>();
  });
}

bool AgentOperations::is_system_agent(const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) {
    return c.execute(select(a.is_system).where(is_agent(a, agent_name)))
        .scalar<std::optional<bool>>()
        .value_or(false);
  });
}

// --- Access -----------------------------------------------------------------------------------

bool AgentOperations::can_user_access_agent(const std::string& username,
                                            const std::string& agent_name) {
  return user_may(db_, username, agent_name, may_access(db_.schema(), db_.schema().users));
}

bool AgentOperations::can_user_delete_agent(const std::string& username,
                                            const std::string& agent_name) {
  return user_may(db_, username, agent_name, may_manage(db_.schema(), db_.schema().users));
}

bool AgentOperations::can_user_share_agent(const std::string& username,
                                           const std::string& agent_name) {
  return user_may(db_, username, agent_name, may_manage(db_.schema(), db_.schema().users));
}

bool AgentOperations::can_user_rename_agent(const std::string& username,
                                            const std::string& agent_name) {
  return user_may(db_, username, agent_name, may_manage(db_.schema(), db_.schema().users));
}

std::vector<std::string> AgentOperations::get_accessible_agent_names(const std::string& user_email,
                                                                     bool is_admin) {
  const Schema& s = db_.schema();
  const auto& [a, u, sh] = std::tie(s.agent_ownership, s.users, s.agent_sharing);
  const std::string email = normalized(user_email);
  Expr rule = registered(a);
  if (!is_admin)
    rule = rule && (exists(select(u.id).where(u.id == a.owner_id && lower(u.email) == email)) ||
                    exists(select(sh.id).where(sh.agent_name == a.agent_name &&
                                               lower(sh.shared_with_email) == email)));
  return db_.read([&](Connection& c) {
    return c.execute(select(a.agent_name).where(rule).order_by({a.agent_name}))
        .scalars<std::string>();
  });
}

std::map<std::string, AgentMetadata> AgentOperations::get_all_agent_metadata(
    const std::optional<std::string>& user_email) {
  const Schema& s = db_.schema();
  const auto& [a, u, sh, m] =
      std::tie(s.agent_ownership, s.users, s.agent_sharing, db_.models().agent_metadata);
  Select stmt = m.select().outer_join(u, u.id == a.owner_id).where(registered(a));
  stmt.add_columns(
      {scalar(select(count()).where(sh.agent_name == a.agent_name)).label("share_count")});
  if (user_email) {
    const std::string email = normalized(*user_email);
    const Expr shared = exists(
        select(sh.id).where(sh.agent_name == a.agent_name && lower(sh.shared_with_email) == email));
    stmt.add_columns({case_({{lower(u.email) == email, true}}, false).label("is_owner"),
                      case_({{shared, true}}, false).label("is_shared")});
  }
  return db_.read([&](Connection& c) {
    std::map<std::string, AgentMetadata> out;
    for (const Row& row : c.execute(stmt)) {
      AgentMetadata md = m.read(row);
      md.share_count = row.get<std::int64_t>("share_count");
      if (user_email) {
        md.is_owner = row.get<bool>("is_owner");
        md.is_shared = row.get<bool>("is_shared");
      }
      out.emplace(md.agent_name, std::move(md));
    }
    return out;
  });
}

// --- Sharing ----------------------------------------------------------------------------------

std::optional<AgentShare> AgentOperations::share_agent(const std::string& agent_name,
                                                       const std::string& owner_username,
                                                       const std::string& share_with_email) {
  const std::string email = checked_email(share_with_email);
  return db_.run(
      [&](Connection& c) { return insert_share(c, db_, agent_name, owner_username, email); });
}

bool AgentOperations::unshare_agent(const std::string& agent_name,
                                    const std::string& owner_username,
                                    const std::string& share_with_email) {
  const std::string email = normalized(share_with_email);
  return db_.run([&](Connection& c) {
    const auto& [a, u, sh] =
        std::tie(db_.schema().agent_ownership, db_.schema().users, db_.schema().agent_sharing);
    if (!c.execute(select(a.id)
                       .join(u, u.username == owner_username)
                       .where(is_agent(a, agent_name) && may_manage(db_.schema(), u)))
             .first())
      return false;
    return c.execute(delete_from(sh).where(sh.agent_name == agent_name &&
                                           lower(sh.shared_with_email) == email))
               .rowcount() > 0;
  });
}

std::vector<AgentShare> AgentOperations::get_agent_shares(const std::string& agent_name) {
  const auto& [sh, u, m] =
      std::tie(db_.schema().agent_sharing, db_.schema().users, db_.models().agent_share);
  return db_.all(m, m.select()
                        .outer_join(u, u.id == sh.shared_by_id)
                        .where(sh.agent_name == agent_name)
                        .order_by({sh.shared_with_email}));
}

std::vector<std::string> AgentOperations::get_shared_agents(const std::string& username) {
  const auto& [a, u, sh] =
      std::tie(db_.schema().agent_ownership, db_.schema().users, db_.schema().agent_sharing);
  return db_.read([&](Connection& c) {
    return c
        .execute(select(a.agent_name)
                     .distinct()
                     .join(sh, sh.agent_name == a.agent_name)
                     .join(u, lower(sh.shared_with_email) == lower(u.email))
                     .where(u.username == username && registered(a))
                     .order_by({a.agent_name}))
        .scalars<std::string>();
  });
}

bool AgentOperations::is_agent_shared_with_user(const std::string& agent_name,
                                                const std::string& username) {
  const auto& [u, sh] = std::tie(db_.schema().users, db_.schema().agent_sharing);
  return db_.read([&](Connection& c) {
    return c
        .execute(select(sh.id)
                     .join(u, lower(sh.shared_with_email) == lower(u.email))
                     .where(sh.agent_name == agent_name && u.username == username))
        .first()
        .has_value();
  });
}

std::int64_t AgentOperations::delete_agent_shares(const std::string& agent_name) {
  const auto& sh = db_.schema().agent_sharing;
  return db_.run([&](Connection& c) {
    return std::max<std::int64_t>(
        0, c.execute(delete_from(sh).where(sh.agent_name == agent_name)).rowcount());
  });
}

}  // namespace trinity::db
