// The shared rules about agents (see agent_rules.hpp).
#include "agent_rules.hpp"

#include "operation.hpp"
#include "text.hpp"

namespace trinity::db {

using sqlcore::exists;

Expr registered(const AgentOwnership& a) {
  return a.deleted_at.is_null();
}

Expr is_agent(const AgentOwnership& a, const std::string& name) {
  return a.agent_name == name && registered(a);
}

bool is_registered(Connection& c, const Schema& s, const std::string& name) {
  const auto& a = s.agent_ownership;
  return c.execute(select(a.id).where(is_agent(a, name))).first().has_value();
}

Expr owner_or_admin(const AgentOwnership& a, const Users& u) {
  return u.role == "admin" || a.owner_id == u.id;
}

Expr may_access(const Schema& s, const Users& u) {
  const auto& [a, sh] = std::tie(s.agent_ownership, s.agent_sharing);
  return owner_or_admin(a, u) ||
         exists(select(sh.id).where(sh.agent_name == a.agent_name &&
                                    lower(sh.shared_with_email) == lower(u.email)));
}

Expr may_manage(const Schema& s, const Users& u) {
  const auto& a = s.agent_ownership;
  return (a.is_system.is_null() || a.is_system == false) && owner_or_admin(a, u);
}

std::string checked_agent_name(std::string_view name, std::string_view what) {
  std::string out = checked_name(name, what);
  const auto bad = [&](const char* why) {
    throw std::invalid_argument("trinity-db: " + std::string(what) + " " + why);
  };
  if (out.size() > 128) bad("is longer than 128 characters");
  if (out.front() == '-' || out.front() == '.') bad("starts with '-' or '.'");
  for (char ch : out) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
    if (!ok) bad("may hold only letters, digits, '-', '_' and '.'");
  }
  return out;
}

}  // namespace trinity::db
