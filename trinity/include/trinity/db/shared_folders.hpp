// SharedFolderOperations: agents sharing a folder with each other (table
// agent_shared_folder_config, one row per agent). An agent that exposes its folder offers it; an
// agent that consumes mounts the folders of the exposing agents it is permitted to call
// (agent_permissions, see PermissionOperations).
//
//   dbm.shared_folders().upsert_shared_folder_config("coder", /*expose=*/true, std::nullopt);
//   dbm.shared_folders().get_available_shared_folders("planner");   // {"coder"} if permitted
//
// Rules (where the original left them open):
// - A configuration is written only for a registered agent (a row in agent_ownership not
//   soft-deleted); the lists name registered agents only, so a soft-deleted agent's folder is
//   offered to no one. Reads and deletes of one agent's configuration take any name.
// - Volume names and mount paths are derived from the agent's name, which must be usable as
//   one path component: not empty, no surrounding blanks, no control character, no '/' or '\',
//   not "." or "..", at most 255 characters (std::invalid_argument otherwise).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class PermissionOperations;

/// Whether an agent offers its folder (expose) and mounts the folders offered to it (consume).
struct SharedFolderConfig {
  std::string agent_name;
  bool expose_enabled = false;
  bool consume_enabled = false;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
};

class SharedFolderOperations {
 public:
  /// Who may mount whose folder is decided by PermissionOperations' rows (agent_permissions);
  /// the lists read them in the same statement as the configurations (a join), not one call per
  /// agent.
  SharedFolderOperations(Db& db, PermissionOperations& /*permissions*/) : db_(db) {}

  std::optional<SharedFolderConfig> get_shared_folder_config(const std::string& agent_name);
  /// Creates or updates the agent's configuration in one statement (safe when two callers do it
  /// at once) and returns it as stored. Only the flags given change: nullopt keeps the stored
  /// value, and a new configuration gets false for a flag not given. updated_at is set to now.
  /// An agent that is not registered is a NotFoundError (nothing is written).
  SharedFolderConfig upsert_shared_folder_config(
      const std::string& agent_name, std::optional<bool> expose_enabled = std::nullopt,
      std::optional<bool> consume_enabled = std::nullopt);
  /// True when the agent had a configuration.
  bool delete_shared_folder_config(const std::string& agent_name);
  /// The registered agents exposing their folder, sorted.
  std::vector<std::string> get_agents_exposing_folders();
  /// The registered agents exposing their folder that `requesting_agent` is permitted to call
  /// (the folders it may mount), sorted. Never the agent itself (no permission to itself exists).
  std::vector<std::string> get_available_shared_folders(const std::string& requesting_agent);
  /// The registered agents with consume enabled that are permitted to call `source_agent` (those
  /// that may mount its folder), sorted.
  std::vector<std::string> get_consuming_agents(const std::string& source_agent);
  /// The Docker volume holding the agent's shared folder: "agent-<name>-shared".
  static std::string get_shared_volume_name(const std::string& agent_name);
  /// Where a consuming agent mounts the folder of `source_agent`:
  /// "/home/developer/shared-in/<name>".
  static std::string get_shared_mount_path(const std::string& source_agent);

 private:
  Db& db_;
};

}  // namespace trinity::db
