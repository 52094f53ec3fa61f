// SlackChannelOperations: Slack workspaces with one bot each (table slack_workspaces), which
// agent answers in which channel of a workspace (slack_channel_agents, one agent per channel) and
// the threads an agent answered in, so that replies there need no mention (slack_active_threads).
//
//   dbm.slack_channels().create_workspace("T123", "Acme", "xoxb-...", "ada@example.com");
//   dbm.slack_channels().bind_channel_to_agent("T123", "C42", "general", "alpha");
//
// Rules (where the original left them open):
// - The bot token must look like a Slack bot token ("xoxb-" followed by letters, digits and '-')
//   and is stored sealed with Secrets (column slack_workspaces.bot_token). Only
//   get_workspace_bot_token() returns it, opened; SlackWorkspace has no token field. A stored
//   token that does not open is a SecretError naming the column.
// - create_workspace() for a team that has a workspace is an upsert: re-connecting replaces the
//   token, the team name, connected_by and connected_at, enables the workspace and keeps its id.
// - Reads of workspaces see enabled ones only (NULL counts as enabled).
// - Binding needs the team's workspace (NotFoundError otherwise) and a registered agent (the
//   foreign key to agent_ownership: NotFoundError naming the agent); nothing is written then.
//   bind_channel_to_agent() is an upsert on (team, channel): the channel's agent, name and DM flag
//   are replaced (id, created_by and created_at kept), so concurrent binders of one channel leave
//   one row, the last writer's.
// - At most one binding per team is the DM default: binding with is_dm_default clears the flag of
//   the team's other bindings in the same transaction. Every bind first locks the workspace's row
//   (a no-op UPDATE), so binds in one team take turns and two concurrent DM-default binds cannot
//   leave two defaults.
// - delete_workspace() deletes the workspace with its channel bindings and active threads.
// - register_active_thread() is an upsert on (team, channel, thread): the thread belongs to the
//   agent that registered it last.
// - Team, channel, thread and agent names are trimmed and must not be empty (std::invalid_argument
//   before any statement; nothing written).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class Secrets;

/// A connected workspace, without its bot token (get_workspace_bot_token() gives that).
struct SlackWorkspace {
  std::string id;
  std::string team_id;
  std::optional<std::string> team_name;
  std::optional<std::string> connected_by;
  sqlcore::Timestamp connected_at;
  bool enabled = true;
};

/// The agent bound to a channel of a workspace.
struct SlackChannelAgent {
  std::string id;
  std::string team_id;
  std::string slack_channel_id;
  std::optional<std::string> slack_channel_name;
  std::string agent_name;
  bool is_dm_default = false;
  std::optional<std::string> created_by;
  sqlcore::Timestamp created_at;
  bool allow_proactive = false;
};

class SlackChannelOperations {
 public:
  /// `secrets` seals and opens the bot tokens; it outlives this object.
  SlackChannelOperations(Db& db, const Secrets& secrets) : db_(db), secrets_(secrets) {}

  /// Connects the workspace, or re-connects it (see above); returns it as stored.
  /// std::invalid_argument for a malformed token.
  SlackWorkspace create_workspace(const std::string& team_id,
                                  const std::optional<std::string>& team_name,
                                  const std::string& bot_token,
                                  const std::optional<std::string>& connected_by = std::nullopt);
  /// The enabled workspace of the team, or nullopt.
  std::optional<SlackWorkspace> get_workspace_by_team(const std::string& team_id);
  /// The enabled workspace's bot token, opened; nullopt when there is no such workspace.
  /// SecretError when it does not open.
  std::optional<std::string> get_workspace_bot_token(const std::string& team_id);
  /// The enabled workspaces, oldest connection first.
  std::vector<SlackWorkspace> get_all_workspaces();
  /// Deletes the workspace, its bindings and its active threads; true when it existed.
  bool delete_workspace(const std::string& team_id);

  /// Binds the channel to `agent_name` (see above) and returns the binding as stored.
  SlackChannelAgent bind_channel_to_agent(
      const std::string& team_id, const std::string& slack_channel_id,
      const std::optional<std::string>& slack_channel_name, const std::string& agent_name,
      const std::optional<std::string>& created_by = std::nullopt, bool is_dm_default = false);
  std::optional<SlackChannelAgent> get_channel_agent(const std::string& team_id,
                                                     const std::string& slack_channel_id);
  /// The name of the agent bound to the channel, or nullopt.
  std::optional<std::string> get_agent_name_for_channel(const std::string& team_id,
                                                        const std::string& slack_channel_id);
  /// The team's DM-default agent, or nullopt.
  std::optional<std::string> get_dm_default_agent(const std::string& team_id);
  /// The team's bindings, oldest first.
  std::vector<SlackChannelAgent> get_agents_for_workspace(const std::string& team_id);
  /// The agent's oldest binding in the team, or nullopt.
  std::optional<SlackChannelAgent> get_channel_for_agent(const std::string& team_id,
                                                         const std::string& agent_name);
  /// Deletes the agent's bindings in the team (a DM default is not handed on); true when it had
  /// any.
  bool unbind_agent(const std::string& team_id, const std::string& agent_name);
  /// Deletes the channel's binding; true when it had one.
  bool unbind_channel(const std::string& team_id, const std::string& slack_channel_id);

  /// Records that `agent_name` answered in the thread (see above).
  void register_active_thread(const std::string& team_id, const std::string& channel_id,
                              const std::string& thread_ts, const std::string& agent_name);
  /// The agent that answered in the thread, or nullopt when none did.
  std::optional<std::string> is_active_thread(const std::string& team_id,
                                              const std::string& channel_id,
                                              const std::string& thread_ts);

 private:
  Db& db_;
  const Secrets& secrets_;
};

}  // namespace trinity::db
