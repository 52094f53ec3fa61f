// SlackChannelOperations: slack_workspaces (bot tokens sealed), slack_channel_agents (one agent
// per channel, one DM default per team) and slack_active_threads (see slack_channels.hpp).
#include "trinity/db/slack_channels.hpp"

#include "operation.hpp"

#include "slack_token.hpp"
#include "text.hpp"
#include "trinity/db/secrets.hpp"

namespace trinity::db {

namespace {

constexpr std::string_view kTokenColumn = "slack_workspaces.bot_token";

/// The workspace is enabled (NULL, from before the column had its default, counts as enabled).
Expr is_enabled(const SlackWorkspaces& w) {
  return w.enabled.is_null() || w.enabled == true;
}

/// Locks the team's workspace row until commit (a no-op UPDATE), so that binds in one team take
/// turns. NotFoundError when the team has no workspace.
void lock_workspace(Connection& c, const SlackWorkspaces& w, const std::string& team) {
  if (c.execute(update(w).set({{w.enabled, w.enabled}}).where(w.team_id == team)).rowcount() < 1)
    throw NotFoundError("trinity-db: no Slack workspace '" + team + "' is connected");
}

}  // namespace

SlackWorkspace SlackChannelOperations::create_workspace(
    const std::string& team_id, const std::optional<std::string>& team_name,
    const std::string& bot_token, const std::optional<std::string>& connected_by) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string sealed =
      secrets_.seal(checked_slack_bot_token(bot_token, "the Slack bot token"), kTokenColumn);
  const auto& [w, m] = std::tie(db_.schema().slack_workspaces, db_.models().slack_workspace);
  auto values = m.values({.id = new_id(),
                          .team_id = team,
                          .team_name = team_name,
                          .connected_by = connected_by,
                          .connected_at = Timestamp::now()});
  values.emplace_back(w.bot_token, sealed);
  auto upsert = m.insert(std::move(values));
  upsert.on_conflict({w.team_id})
      .do_update({w.team_name, w.bot_token, w.connected_by, w.connected_at, w.enabled});
  return db_.run([&](Connection& c) { return m.one(c, upsert); });
}

std::optional<SlackWorkspace> SlackChannelOperations::get_workspace_by_team(
    const std::string& team_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const auto& w = db_.schema().slack_workspaces;
  return db_.find(db_.models().slack_workspace, w.team_id == team && is_enabled(w));
}

std::optional<std::string> SlackChannelOperations::get_workspace_bot_token(
    const std::string& team_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const auto& w = db_.schema().slack_workspaces;
  auto sealed = db_.read([&](Connection& c) {
    return c.execute(select(w.bot_token).where(w.team_id == team && is_enabled(w)))
        .scalar<std::optional<std::string>>();
  });
  if (!sealed) return std::nullopt;
  return secrets_.open(*sealed, kTokenColumn);
}

std::vector<SlackWorkspace> SlackChannelOperations::get_all_workspaces() {
  const auto& [w, m] = std::tie(db_.schema().slack_workspaces, db_.models().slack_workspace);
  return db_.all(m, m.select().where(is_enabled(w)).order_by({w.connected_at, w.id}));
}

bool SlackChannelOperations::delete_workspace(const std::string& team_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const auto& s = db_.schema();
  return db_.run([&](Connection& c) {
    c.execute(delete_from(s.slack_channel_agents).where(s.slack_channel_agents.team_id == team));
    c.execute(delete_from(s.slack_active_threads).where(s.slack_active_threads.team_id == team));
    const auto& w = s.slack_workspaces;
    return c.execute(delete_from(w).where(w.team_id == team)).rowcount() > 0;
  });
}

SlackChannelAgent SlackChannelOperations::bind_channel_to_agent(
    const std::string& team_id, const std::string& slack_channel_id,
    const std::optional<std::string>& slack_channel_name, const std::string& agent_name,
    const std::optional<std::string>& created_by, bool is_dm_default) {
  const auto& [a, m] =
      std::tie(db_.schema().slack_channel_agents, db_.models().slack_channel_agent);
  const SlackChannelAgent in{.id = new_id(),
                             .team_id = checked_name(team_id, "the Slack team id"),
                             .slack_channel_id = checked_name(slack_channel_id, "the channel id"),
                             .slack_channel_name = slack_channel_name,
                             .agent_name = checked_name(agent_name, "the agent name"),
                             .is_dm_default = is_dm_default,
                             .created_by = created_by,
                             .created_at = Timestamp::now()};
  auto upsert = m.insert(m.values(in));
  upsert.on_conflict({a.team_id, a.slack_channel_id})
      .do_update({a.agent_name, a.slack_channel_name, a.is_dm_default});
  return db_.run([&](Connection& c) {
    lock_workspace(c, db_.schema().slack_workspaces, in.team_id);
    if (is_dm_default)
      c.execute(update(a)
                    .set({{a.is_dm_default, false}})
                    .where(a.team_id == in.team_id && a.slack_channel_id != in.slack_channel_id &&
                           a.is_dm_default == true));
    try {
      return m.one(c, upsert);
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::foreign_key) throw;
      throw NotFoundError("trinity-db: no agent '" + in.agent_name + "' to bind to a channel");
    }
  });
}

std::optional<SlackChannelAgent> SlackChannelOperations::get_channel_agent(
    const std::string& team_id, const std::string& slack_channel_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string channel = checked_name(slack_channel_id, "the channel id");
  const auto& a = db_.schema().slack_channel_agents;
  return db_.find(db_.models().slack_channel_agent,
                  a.team_id == team && a.slack_channel_id == channel);
}

std::optional<std::string> SlackChannelOperations::get_agent_name_for_channel(
    const std::string& team_id, const std::string& slack_channel_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string channel = checked_name(slack_channel_id, "the channel id");
  const auto& a = db_.schema().slack_channel_agents;
  return db_.read([&](Connection& c) {
    return c.execute(select(a.agent_name).where(a.team_id == team && a.slack_channel_id == channel))
        .scalar<std::optional<std::string>>();
  });
}

std::optional<std::string> SlackChannelOperations::get_dm_default_agent(
    const std::string& team_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const auto& a = db_.schema().slack_channel_agents;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(a.agent_name)
                     .where(a.team_id == team && a.is_dm_default == true)
                     .order_by({a.created_at, a.id})
                     .limit(1))
        .scalar<std::optional<std::string>>();
  });
}

std::vector<SlackChannelAgent> SlackChannelOperations::get_agents_for_workspace(
    const std::string& team_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const auto& [a, m] =
      std::tie(db_.schema().slack_channel_agents, db_.models().slack_channel_agent);
  return db_.all(m, m.select().where(a.team_id == team).order_by({a.created_at, a.id}));
}

std::optional<SlackChannelAgent> SlackChannelOperations::get_channel_for_agent(
    const std::string& team_id, const std::string& agent_name) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string agent = checked_name(agent_name, "the agent name");
  const auto& [a, m] =
      std::tie(db_.schema().slack_channel_agents, db_.models().slack_channel_agent);
  return db_.first(
      m,
      m.select().where(a.team_id == team && a.agent_name == agent).order_by({a.created_at, a.id}));
}

bool SlackChannelOperations::unbind_agent(const std::string& team_id,
                                          const std::string& agent_name) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string agent = checked_name(agent_name, "the agent name");
  const auto& a = db_.schema().slack_channel_agents;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(a).where(a.team_id == team && a.agent_name == agent)).rowcount() >
           0;
  });
}

bool SlackChannelOperations::unbind_channel(const std::string& team_id,
                                            const std::string& slack_channel_id) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string channel = checked_name(slack_channel_id, "the channel id");
  const auto& a = db_.schema().slack_channel_agents;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(a).where(a.team_id == team && a.slack_channel_id == channel))
               .rowcount() > 0;
  });
}

void SlackChannelOperations::register_active_thread(const std::string& team_id,
                                                    const std::string& channel_id,
                                                    const std::string& thread_ts,
                                                    const std::string& agent_name) {
  const auto& t = db_.schema().slack_active_threads;
  auto upsert = insert(t).values({{t.team_id, checked_name(team_id, "the Slack team id")},
                                  {t.channel_id, checked_name(channel_id, "the channel id")},
                                  {t.thread_ts, checked_name(thread_ts, "the thread")},
                                  {t.agent_name, checked_name(agent_name, "the agent name")},
                                  {t.created_at, now()}});
  upsert.on_conflict({t.team_id, t.channel_id, t.thread_ts}).do_update({t.agent_name});
  db_.run([&](Connection& c) { c.execute(upsert); });
}

std::optional<std::string> SlackChannelOperations::is_active_thread(const std::string& team_id,
                                                                    const std::string& channel_id,
                                                                    const std::string& thread_ts) {
  const std::string team = checked_name(team_id, "the Slack team id");
  const std::string channel = checked_name(channel_id, "the channel id");
  const std::string thread = checked_name(thread_ts, "the thread");
  const auto& t = db_.schema().slack_active_threads;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(t.agent_name)
                     .where(t.team_id == team && t.channel_id == channel && t.thread_ts == thread))
        .scalar<std::optional<std::string>>();
  });
}

}  // namespace trinity::db
