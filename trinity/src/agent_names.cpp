// AgentOperations, part 3: renaming and deleting an agent, across every table that names it.
//
// agent_columns() is the one list of the columns that hold an agent's name. rename_agent()
// updates agent_ownership first (the four foreign keys to agent_ownership.agent_name follow by ON
// UPDATE CASCADE), then every other column of the list. delete_agent_ownership() deletes the rows
// an agent owns (children before parents: the foreign keys are enforced), keeps the rows that
// only mention it (references) and the payment log, then deletes agent_ownership (whose ON DELETE
// CASCADE keys take public links, tags and Slack channel bindings with it). docs/trinity.md
// ("Renaming and deleting an agent") lists the same.
#include "trinity/db/agents.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"

namespace trinity::db {

namespace {

using sqlcore::ColBase;
using sqlcore::Table;

// What deleting an agent does to the rows whose `column` names it.
enum class OnDelete {
  remove,  // the agent's own rows: deleted
  keep,    // a mention of the agent in another's row (who called, who assigned), or an audit log
  cascade  // a foreign key to agent_ownership.agent_name: deleted (and renamed) with the agent
};

struct AgentColumn {
  const Table& table;
  const ColBase& column;
  OnDelete on_delete;
};

// Every column that holds an agent's name, in deletion order (children first).
std::vector<AgentColumn> agent_columns(const Schema& s) {
  using enum OnDelete;
  return {
      {s.agent_activities, s.agent_activities.agent_name, remove},
      {s.chat_messages, s.chat_messages.agent_name, remove},
      {s.chat_sessions, s.chat_sessions.agent_name, remove},
      {s.schedule_executions, s.schedule_executions.agent_name, remove},
      {s.schedule_executions, s.schedule_executions.source_agent_name, keep},
      {s.schedule_executions, s.schedule_executions.source_channel_agent, keep},
      {s.agent_schedules, s.agent_schedules.agent_name, remove},
      {s.telegram_bindings, s.telegram_bindings.agent_name, remove},
      {s.agent_sharing, s.agent_sharing.agent_name, remove},
      {s.mcp_api_keys, s.mcp_api_keys.agent_name, remove},
      {s.agent_notifications, s.agent_notifications.agent_name, remove},
      {s.agent_permissions, s.agent_permissions.source_agent, remove},
      {s.agent_permissions, s.agent_permissions.target_agent, remove},
      {s.agent_shared_folder_config, s.agent_shared_folder_config.agent_name, remove},
      {s.public_user_memory, s.public_user_memory.agent_name, remove},
      {s.agent_git_config, s.agent_git_config.agent_name, remove},
      {s.agent_skills, s.agent_skills.agent_name, remove},
      {s.agent_skills, s.agent_skills.assigned_by_agent, keep},
      {s.agent_health_checks, s.agent_health_checks.agent_name, remove},
      {s.monitoring_alert_cooldowns, s.monitoring_alert_cooldowns.agent_name, remove},
      {s.agent_dashboard_values, s.agent_dashboard_values.agent_name, remove},
      {s.agent_dashboard_cache, s.agent_dashboard_cache.agent_name, remove},
      {s.slack_active_threads, s.slack_active_threads.agent_name, remove},
      {s.subscription_rate_limit_events, s.subscription_rate_limit_events.agent_name, remove},
      {s.operator_queue, s.operator_queue.agent_name, remove},
      {s.nevermined_agent_config, s.nevermined_agent_config.agent_name, remove},
      {s.nevermined_payment_log, s.nevermined_payment_log.agent_name, keep},
      {s.agent_event_subscriptions, s.agent_event_subscriptions.subscriber_agent, remove},
      {s.agent_event_subscriptions, s.agent_event_subscriptions.source_agent, remove},
      {s.agent_events, s.agent_events.source_agent, remove},
      {s.agent_ownership, s.agent_ownership.spawned_by_agent, keep},
      {s.agent_public_links, s.agent_public_links.agent_name, cascade},
      {s.agent_tags, s.agent_tags.agent_name, cascade},
      {s.slack_channel_agents, s.slack_channel_agents.agent_name, cascade},
  };
}

// Rows of other agents that refer (by a NO ACTION key) to rows the agent's deletion removes lose
// that reference, as ON DELETE SET NULL would do: activities pointing at its chat messages,
// executions or activities. Then the children of the agent's rows whose key is not its name: the
// messages of its chat sessions, the executions of its schedules, its Telegram chats and groups.
void detach_dependents(Connection& c, const Schema& s, const std::string& agent) {
  const auto& [act, msg, ses, exe, sch] =
      std::tie(s.agent_activities, s.chat_messages, s.chat_sessions, s.schedule_executions,
               s.agent_schedules);
  const Select sessions = select(ses.id).where(ses.agent_name == agent);
  const Select schedules = select(sch.id).where(sch.agent_name == agent);
  const Select messages =
      select(msg.id).where(msg.agent_name == agent || msg.session_id.in_(sessions));
  const Select executions =
      select(exe.id).where(exe.agent_name == agent || exe.schedule_id.in_(schedules));
  const Select activities = select(act.id).where(act.agent_name == agent);
  const Expr others = act.agent_name != agent;
  c.execute(update(act)
                .set({{act.related_chat_message_id, Value()}})
                .where(others && act.related_chat_message_id.in_(messages)));
  c.execute(update(act)
                .set({{act.related_execution_id, Value()}})
                .where(others && act.related_execution_id.in_(executions)));
  c.execute(update(act)
                .set({{act.parent_activity_id, Value()}})
                .where(others && act.parent_activity_id.in_(activities)));
  c.execute(delete_from(act).where(act.agent_name == agent));
  c.execute(delete_from(msg).where(msg.session_id.in_(sessions)));
  c.execute(delete_from(exe).where(exe.schedule_id.in_(schedules)));
  const auto& [tb, tl, tg] =
      std::tie(s.telegram_bindings, s.telegram_chat_links, s.telegram_group_configs);
  const Select bindings = select(tb.id).where(tb.agent_name == agent);
  c.execute(delete_from(tl).where(tl.binding_id.in_(bindings)));
  c.execute(delete_from(tg).where(tg.binding_id.in_(bindings)));
}

}  // namespace

bool AgentOperations::delete_agent_ownership(const std::string& agent_name) {
  const Schema& s = db_.schema();
  return db_.run([&](Connection& c) {
    const auto& a = s.agent_ownership;
    if (!c.execute(select(a.id).where(a.agent_name == agent_name)).first()) return false;
    detach_dependents(c, s, agent_name);
    for (const AgentColumn& col : agent_columns(s))
      if (col.on_delete == OnDelete::remove)
        c.execute(delete_from(col.table).where(Expr(col.column) == agent_name));
    return c.execute(delete_from(a).where(a.agent_name == agent_name)).rowcount() > 0;
  });
}

bool AgentOperations::rename_agent(const std::string& old_name, const std::string& new_name) {
  const std::string to = checked_agent_name(new_name, "new agent name");
  const Schema& s = db_.schema();
  return db_.run([&](Connection& c) {
    const auto& a = s.agent_ownership;
    if (!c.execute(select(a.id).where(is_agent(a, old_name))).first()) return false;
    if (to == old_name) return true;
    if (c.execute(select(a.id).where(a.agent_name == to)).first())
      throw DuplicateError("trinity-db: cannot rename agent '" + old_name + "' to '" + to +
                           "': that name is taken");
    c.execute(update(a).set({{a.agent_name, to}}).where(a.agent_name == old_name));
    for (const AgentColumn& col : agent_columns(s))
      if (col.on_delete != OnDelete::cascade)
        c.execute(update(col.table).set({{col.column, to}}).where(Expr(col.column) == old_name));
    return true;
  });
}

}  // namespace trinity::db
