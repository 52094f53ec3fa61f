// SharedFolderOperations: agent_shared_folder_config (primary key agent_name), joined with
// agent_permissions for who may mount whose folder.
//
// Agent existence is read from agent_ownership directly (as PermissionOperations does): an agent
// counts as registered while its row exists and is not soft-deleted (deleted_at IS NULL).
#include "trinity/db/shared_folders.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

// The agent names of the configurations matching `where`, each a registered agent, sorted.
std::vector<std::string> folder_agents(Db& db, Select q, const Expr& where) {
  const auto& [f, a] =
      std::tie(db.schema().agent_shared_folder_config, db.schema().agent_ownership);
  q.join(a, a.agent_name == f.agent_name).where(where && registered(a));
  q.order_by({f.agent_name});
  return db.read([&](Connection& c) { return c.execute(q).scalars<std::string>(); });
}

// `name` when it is usable as one path component (see the header); std::invalid_argument else.
const std::string& path_component(const std::string& name) {
  if (checked_name(name, "agent name") != name)
    throw std::invalid_argument("trinity-db: agent name has surrounding blanks");
  if (name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos)
    throw std::invalid_argument("trinity-db: agent name '" + name + "' is not a path component");
  return name;
}

}  // namespace

std::optional<SharedFolderConfig> SharedFolderOperations::get_shared_folder_config(
    const std::string& agent_name) {
  const auto& f = db_.schema().agent_shared_folder_config;
  return db_.find(db_.models().shared_folder_config, f.agent_name == agent_name);
}

SharedFolderConfig SharedFolderOperations::upsert_shared_folder_config(
    const std::string& agent_name, std::optional<bool> expose_enabled,
    std::optional<bool> consume_enabled) {
  const auto& [f, m] =
      std::tie(db_.schema().agent_shared_folder_config, db_.models().shared_folder_config);
  const Timestamp at = Timestamp::now();
  Dml stmt = m.insert({{f.agent_name, agent_name},
                       {f.expose_enabled, expose_enabled.value_or(false)},
                       {f.consume_enabled, consume_enabled.value_or(false)},
                       {f.created_at, at},
                       {f.updated_at, at}});
  // On an existing row only the flags given change (and updated_at).
  std::vector<Assignment> set{{f.updated_at, excluded(f.updated_at)}};
  if (expose_enabled) set.emplace_back(f.expose_enabled, excluded(f.expose_enabled));
  if (consume_enabled) set.emplace_back(f.consume_enabled, excluded(f.consume_enabled));
  stmt.on_conflict({f.agent_name}).do_update(std::move(set));
  return db_.run([&](Connection& c) {
    if (!is_registered(c, db_.schema(), agent_name))
      throw NotFoundError("trinity-db: cannot configure the shared folder of '" + agent_name +
                          "': no such agent");
    return m.one(c, stmt);
  });
}

bool SharedFolderOperations::delete_shared_folder_config(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& f = db_.schema().agent_shared_folder_config;
    return c.execute(delete_from(f).where(f.agent_name == agent_name)).rowcount() > 0;
  });
}

std::vector<std::string> SharedFolderOperations::get_agents_exposing_folders() {
  const auto& f = db_.schema().agent_shared_folder_config;
  return folder_agents(db_, select(f.agent_name).select_from(f), f.expose_enabled == true);
}

std::vector<std::string> SharedFolderOperations::get_available_shared_folders(
    const std::string& requesting_agent) {
  const auto& [f, p] =
      std::tie(db_.schema().agent_shared_folder_config, db_.schema().agent_permissions);
  // The exposing agents the requesting agent may call: permission requesting -> exposer.
  auto q = select(f.agent_name).select_from(f).join(p, p.target_agent == f.agent_name);
  return folder_agents(db_, q, f.expose_enabled == true && p.source_agent == requesting_agent);
}

std::vector<std::string> SharedFolderOperations::get_consuming_agents(
    const std::string& source_agent) {
  const auto& [f, p] =
      std::tie(db_.schema().agent_shared_folder_config, db_.schema().agent_permissions);
  // The consuming agents that may call the source: permission consumer -> source.
  auto q = select(f.agent_name).select_from(f).join(p, p.source_agent == f.agent_name);
  return folder_agents(db_, q, f.consume_enabled == true && p.target_agent == source_agent);
}

std::string SharedFolderOperations::get_shared_volume_name(const std::string& agent_name) {
  return "agent-" + path_component(agent_name) + "-shared";
}

std::string SharedFolderOperations::get_shared_mount_path(const std::string& source_agent) {
  return "/home/developer/shared-in/" + path_component(source_agent);
}

}  // namespace trinity::db
