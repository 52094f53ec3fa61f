// ScheduleOperations, the git configuration: agent_git_config (one row per agent, unique
// agent_name, a foreign key to agent_ownership; sync_paths a JSON array of paths).
#include "trinity/db/schedules.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

// The row create_git_config() writes (the agent set by the caller), every field checked.
StoredGitConfig checked_config(const GitConfigCreate& d) {
  StoredGitConfig row;
  row.id = new_id();
  row.github_repo = checked_name(d.github_repo, "github_repo:");
  row.working_branch = checked_name(d.working_branch, "working_branch:");
  row.instance_id = checked_name(d.instance_id, "instance_id:");
  row.source_branch = checked_name(d.source_branch, "source_branch:");
  row.source_mode = d.source_mode;
  std::vector<std::string> paths;
  for (const auto& path : d.sync_paths) paths.push_back(checked_name(path, "sync_paths:"));
  row.sync_paths_json = Json(paths);
  row.created_at = Timestamp::now();
  return row;
}

// The configuration a stored row holds: its sync paths read from the JSON array (strings only).
GitConfig config_of(StoredGitConfig row) {
  GitConfig out = std::move(static_cast<GitConfig&>(row));
  if (row.sync_paths_json && row.sync_paths_json->is_array())
    for (const Json& path : *row.sync_paths_json)
      if (path.is_string()) out.sync_paths.push_back(path.get<std::string>());
  return out;
}

// `sha` trimmed when it is 4 to 64 hex digits, else std::invalid_argument.
std::string checked_sha(const std::string& sha) {
  std::string out = trimmed(sha);
  bool hex = out.size() >= 4 && out.size() <= 64;
  for (char c : out)
    hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
  if (!hex) throw std::invalid_argument("trinity-db: commit_sha: is not 4 to 64 hex digits");
  return out;
}

// UPDATE of the agent's configuration setting `set`: whether it has one.
bool update_config(Db& db, const std::string& agent_name, std::vector<Assignment> set) {
  const auto& g = db.schema().agent_git_config;
  return db.run([&](Connection& c) {
    return c.execute(update(g).set(std::move(set)).where(g.agent_name == agent_name)).rowcount() >
           0;
  });
}

}  // namespace

std::optional<GitConfig> ScheduleOperations::create_git_config(const std::string& agent_name,
                                                               const GitConfigCreate& config) {
  StoredGitConfig row = checked_config(config);
  row.agent_name = agent_name;
  return db_.run([&](Connection& c) -> std::optional<GitConfig> {
    const auto& [g, m] = std::tie(db_.schema().agent_git_config, db_.models().git_config);
    if (!is_registered(c, db_.schema(), agent_name))
      throw NotFoundError("trinity-db: cannot configure git for '" + agent_name +
                          "': no such agent");
    try {
      auto made = Db::savepoint(c, [&](Connection& sp) {
        return m.insert_new(sp, m.values(row), {g.agent_name});  // nullopt: it has one
      });
      if (!made) return std::nullopt;
      return config_of(std::move(*made));
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::unique) throw;
      // Racing a creator of this agent's configuration with the same repository and branch,
      // PostgreSQL can meet the repository's index before agent_name's: it has one now.
      if (c.execute(select(g.id).where(g.agent_name == agent_name)).first()) return std::nullopt;
      throw DuplicateError("trinity-db: github_repo and working_branch: '" + row.github_repo +
                           "' branch '" + row.working_branch + "' is another agent's");
    }
  });
}

std::optional<GitConfig> ScheduleOperations::get_git_config(const std::string& agent_name) {
  const auto& [g, m] = std::tie(db_.schema().agent_git_config, db_.models().git_config);
  auto row = db_.find(m, g.agent_name == agent_name);
  if (!row) return std::nullopt;
  return config_of(std::move(*row));
}

bool ScheduleOperations::update_git_sync(const std::string& agent_name,
                                         const std::string& commit_sha) {
  const auto& g = db_.schema().agent_git_config;
  return update_config(db_, agent_name,
                       {{g.last_commit_sha, checked_sha(commit_sha)}, {g.last_sync_at, now()}});
}

bool ScheduleOperations::set_git_sync_enabled(const std::string& agent_name, bool enabled) {
  return update_config(db_, agent_name, {{db_.schema().agent_git_config.sync_enabled, enabled}});
}

bool ScheduleOperations::delete_git_config(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& g = db_.schema().agent_git_config;
    return c.execute(delete_from(g).where(g.agent_name == agent_name)).rowcount() > 0;
  });
}

std::vector<GitConfig> ScheduleOperations::list_git_enabled_agents() {
  const auto& [g, a, m] = std::tie(db_.schema().agent_git_config, db_.schema().agent_ownership,
                                   db_.models().git_config);
  std::vector<GitConfig> out;
  for (auto& row : db_.all(m, m.select()
                                  .join(a, a.agent_name == g.agent_name && registered(a))
                                  .where(g.sync_enabled.is_null() || g.sync_enabled == true)
                                  .order_by({g.agent_name})))
    out.push_back(config_of(std::move(row)));
  return out;
}

}  // namespace trinity::db
