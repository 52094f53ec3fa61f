// The original system's SQLite database, as legacy_test.cpp and copy_test.cpp build it: the same
// tables in its DDL style (TEXT/INTEGER/REAL, no CHECKs, no enforced foreign keys), INTEGER 0/1
// booleans, timestamps as ISO-8601 `...Z` text and as SQLite's `YYYY-MM-DD HH:MM:SS`, JSON as
// text, a username where a user id belongs, its own schema_migrations table, some later columns
// and tables missing, and a few rows in the core tables.
#pragma once

#include <set>
#include <string>

#include <sqlcore/sqlcore.hpp>

#include "trinity/db/schema.hpp"

namespace trinity_test {

using sqlcore::Column;
using sqlcore::ServerDefault;
using sqlcore::Table;
using sqlcore::TypeKind;
using sqlcore::Value;

/// Columns and tables the original system did not have yet in the database we adopt.
inline const std::set<std::string> kLaterColumns = {
    "users.github_pat_encrypted", "users.suspended_at", "chat_messages.output_tokens",
    "chat_messages.subscription_id", "chat_sessions.subscription_id"};
inline const std::set<std::string> kLaterTables = {"agent_notifications", "slack_workspaces",
                                                   "agent_events", "agent_event_subscriptions"};

/// The original's spelling of a column type (its CREATE TABLE used only INTEGER, REAL and TEXT).
inline std::string legacy_type(const Column& c) {
  switch (c.type().kind()) {
    case TypeKind::small_integer:
    case TypeKind::integer:
    case TypeKind::big_integer:
    case TypeKind::boolean:  // a flag: INTEGER 0/1
      return "INTEGER";
    case TypeKind::float_:
    case TypeKind::double_:
      return "REAL";
    default:  // time stamps, JSON, encrypted secrets and text: TEXT
      return "TEXT";
  }
}

/// CREATE TABLE in the original's style for one of its tables (as the MetaData declares it):
/// no CHECKs, no enforced foreign keys, INTEGER PRIMARY KEY AUTOINCREMENT for numbered keys.
inline std::string legacy_ddl(const Table& t) {
  std::string sql = "CREATE TABLE \"" + t.name() + "\" (";
  bool first = true;
  for (const Column* c : t.columns()) {
    if (kLaterColumns.count(t.name() + "." + c->name())) continue;
    sql += (first ? "" : ", ") + std::string("\"") + c->name() + "\" " + legacy_type(*c);
    first = false;
    if (c->is_autoincrement()) {
      sql += " PRIMARY KEY AUTOINCREMENT";
      continue;
    }
    if (!c->is_nullable()) sql += " NOT NULL";
    if (const auto& d = c->server_default()) {
      if (d->kind() == ServerDefault::Kind::current_timestamp) {
        sql += " DEFAULT CURRENT_TIMESTAMP";  // SQLite's `YYYY-MM-DD HH:MM:SS`
      } else if (d->kind() == ServerDefault::Kind::literal) {
        const Value& v = d->value();
        if (v.kind() == Value::Kind::boolean)
          sql += v.as<bool>() ? " DEFAULT 1" : " DEFAULT 0";
        else if (v.kind() == Value::Kind::text)
          sql += " DEFAULT '" + v.as<std::string>() + "'";
        else if (v.kind() == Value::Kind::real)
          sql += " DEFAULT " + std::to_string(v.as<double>());
        else
          sql += " DEFAULT " + std::to_string(v.as<std::int64_t>());
      }
    }
  }
  if (!t.autoincrement_column() && !t.primary_key().empty()) {
    sql += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < t.primary_key().columns().size(); ++i)
      sql += (i ? ", \"" : "\"") + t.primary_key().columns()[i]->name() + "\"";
    sql += ")";
  }
  for (const auto& u : t.unique_constraints()) {
    sql += ", UNIQUE (";
    for (std::size_t i = 0; i < u.columns().size(); ++i)
      sql += (i ? ", \"" : "\"") + u.columns()[i]->name() + "\"";
    sql += ")";
  }
  return sql + ")";
}

inline void exec_sql(sqlcore::Connection& c, const std::string& sql) {
  c.execute(sqlcore::text(sql));
}

/// Creates the original system's tables, indexes and version table on `c` (an empty SQLite
/// database) and writes its rows: users admin (id 1) and ada (id 7), agent-1 owned by ada with
/// autonomy on and guardrails {"max_turns": 3}, two tags, a whitelisted email added by "admin",
/// a chat session s1 with messages m1 and m2 (m2 with tool calls), the setting theme = dark.
inline void create_legacy_database(sqlcore::Connection& c) {
  for (const Table* t : trinity::db::schema().metadata.sorted_tables())
    if (!kLaterTables.count(t->name())) exec_sql(c, legacy_ddl(*t));
  // Its own indexes (some named as ours).
  exec_sql(c, "CREATE INDEX idx_users_email ON users(email)");
  exec_sql(c, "CREATE INDEX idx_chat_messages_session ON chat_messages(session_id)");
  exec_sql(c, "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)");
  exec_sql(c,
           "INSERT INTO schema_migrations VALUES ('001_initial', '2024-01-01 00:00:00'), "
           "('002_chat', '2024-02-01T00:00:00Z')");
  exec_sql(c,
           "INSERT INTO users (id, username, password_hash, role, email, created_at, updated_at) "
           "VALUES (1, 'admin', 'h1', 'admin', 'admin@example.com', '2024-03-01T10:00:00Z', "
           "'2024-03-01 10:00:00'), (7, 'ada', NULL, 'user', 'Ada@Example.com', "
           "'2024-03-02T11:22:33.123456Z', '2024-03-02 11:22:33')");
  exec_sql(c,
           "INSERT INTO system_settings (key, value, updated_at) VALUES "
           "('theme', 'dark', '2024-03-01 10:00:00')");
  exec_sql(c,
           "INSERT INTO agent_ownership (agent_name, owner_id, created_at, is_system, "
           "autonomy_enabled, guardrails_config) VALUES ('agent-1', 7, '2024-03-02T12:00:00Z', 0, "
           "1, '{\"max_turns\": 3}')");
  exec_sql(c,
           "INSERT INTO agent_tags (agent_name, tag, created_at) VALUES "
           "('agent-1', 'prod', '2024-03-02 12:00:00'), ('agent-1', 'beta', "
           "'2024-03-02T12:00:01Z')");
  exec_sql(c,
           "INSERT INTO email_whitelist (email, added_by, added_at, source) VALUES "
           "('friend@example.com', 'admin', '2024-03-03 09:00:00', 'manual')");
  exec_sql(c,
           "INSERT INTO chat_sessions (id, agent_name, user_id, user_email, started_at, "
           "last_message_at, message_count, total_cost, status) VALUES ('s1', 'agent-1', 7, "
           "'ada@example.com', '2024-03-02T12:00:00Z', '2024-03-02 12:05:00', 2, 0.5, 'active')");
  // Two messages whose order only the timestamps tell, one in each legacy form.
  exec_sql(c,
           "INSERT INTO chat_messages (id, session_id, agent_name, user_id, user_email, role, "
           "content, timestamp, tool_calls) VALUES ('m2', 's1', 'agent-1', 7, 'ada@example.com', "
           "'assistant', 'hello', '2024-03-02 12:05:00', '[{\"name\": \"search\"}]'), ('m1', "
           "'s1', 'agent-1', 7, 'ada@example.com', 'user', 'hi', '2024-03-02T12:00:00Z', NULL)");
  // A manual task's execution: its schedule_id names a schedule the original never wrote.
  exec_sql(c,
           "INSERT INTO schedule_executions (id, schedule_id, agent_name, status, started_at, "
           "message, triggered_by) VALUES ('e1', '__manual__', 'agent-1', 'success', "
           "'2024-03-02 12:10:00', 'write the report', 'manual')");
}

}  // namespace trinity_test
