// The rules about agents that several operations share (internal): which agent_ownership rows
// count as registered agents, who may access or manage an agent (as SQL conditions, so every
// check is part of one statement), and what an agent name may be.
#pragma once

#include <string>
#include <string_view>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/sql/expression.hpp>

#include "trinity/db/schema.hpp"

namespace trinity::db {

/// The agent `name`, registered: its row exists and is not soft-deleted.
sqlcore::Expr is_agent(const AgentOwnership& a, const std::string& name);
/// The row of `a` is a registered agent.
sqlcore::Expr registered(const AgentOwnership& a);
/// Whether `name` is a registered agent (one SELECT on `c`).
bool is_registered(sqlcore::Connection& c, const Schema& s, const std::string& name);

/// The user of the statement's `u` row is an admin or owns the agent of its `a` row (the part
/// of may_access() and may_manage() that does not depend on shares or system agents).
sqlcore::Expr owner_or_admin(const AgentOwnership& a, const Users& u);
/// The user of the statement's `u` row may access the agent of its agent_ownership row: an
/// admin, the owner, or a user whose email the agent is shared with (case-insensitive).
sqlcore::Expr may_access(const Schema& s, const Users& u);
/// The user of the statement's `u` row may share, rename or delete the agent of its
/// agent_ownership row: an admin or the owner, and never a system agent (for share: sharing a
/// system agent is refused too).
sqlcore::Expr may_manage(const Schema& s, const Users& u);

/// `name` trimmed, checked: 1 to 128 characters, ASCII letters, digits, '-', '_' and '.', not
/// starting with '-' or '.' (a container and volume name). std::invalid_argument naming `what`.
std::string checked_agent_name(std::string_view name, std::string_view what = "agent name");

}  // namespace trinity::db
