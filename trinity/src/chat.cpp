// ChatOperations: chat sessions and messages (see chat.hpp for the ordering guarantee).
#include "trinity/db/chat.hpp"

#include <algorithm>
#include <utility>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"

namespace trinity::db {

using sqlcore::Connection;
using sqlcore::Row;
using sqlcore::Timestamp;

namespace {

constexpr const char* kActive = "active";
constexpr const char* kClosed = "closed";

ChatSession session_from(const Row& r, const ChatSessions& t) {
  ChatSession s;
  s.id = r.get(t.id);
  s.agent_name = r.get(t.agent_name);
  s.user_id = r.get(t.user_id);
  s.user_email = r.get(t.user_email);
  s.started_at = r.get(t.started_at);
  s.last_message_at = r.get(t.last_message_at);
  s.message_count = r.get(t.message_count).value_or(0);
  s.total_cost = r.get(t.total_cost).value_or(0.0);
  s.total_context_used = r.get(t.total_context_used).value_or(0);
  s.total_context_max = r.get(t.total_context_max).value_or(200000);
  s.status = r.get(t.status).value_or(kActive);
  s.subscription_id = r.get(t.subscription_id);
  return s;
}

ChatMessage message_from(const Row& r, const ChatMessages& m) {
  ChatMessage msg;
  msg.id = r.get(m.id);
  msg.session_id = r.get(m.session_id);
  msg.agent_name = r.get(m.agent_name);
  msg.user_id = r.get(m.user_id);
  msg.user_email = r.get(m.user_email);
  msg.role = r.get(m.role);
  msg.content = r.get(m.content);
  msg.timestamp = r.get(m.timestamp);
  msg.cost = r.get(m.cost);
  msg.context_used = r.get(m.context_used);
  msg.context_max = r.get(m.context_max);
  msg.tool_calls = r.get(m.tool_calls);
  msg.execution_time_ms = r.get(m.execution_time_ms);
  msg.source = r.get(m.source).value_or("text");
  msg.subscription_id = r.get(m.subscription_id);
  msg.output_tokens = r.get(m.output_tokens);
  return msg;
}

/// Serialises session creation per user: a no-op UPDATE of the user's row holds its row lock
/// until commit (on PostgreSQL a non-key update, which does not conflict with the key-share locks
/// that inserting messages takes, so it cannot deadlock with add_chat_message; SQLite serialises
/// writers anyway). Throws NotFoundError when there is no such user.
void lock_user(Connection& c, const Schema& s, std::int64_t user_id) {
  const auto& u = s.users;
  auto res =
      c.execute(sqlcore::update(u).set({{u.updated_at, u.updated_at}}).where(u.id == user_id));
  if (res.rowcount() < 1) throw NotFoundError("user " + std::to_string(user_id) + " not found");
}

ChatSession insert_session(Connection& c, const ChatSessions& t, const std::string& agent_name,
                           std::int64_t user_id, const std::string& user_email,
                           const std::optional<std::string>& subscription_id) {
  ChatSession s;
  s.id = new_id();
  s.agent_name = agent_name;
  s.user_id = user_id;
  s.user_email = user_email;
  s.started_at = Timestamp::now();
  s.last_message_at = s.started_at;
  s.subscription_id = subscription_id;
  c.execute(sqlcore::insert(t).values({{t.id, s.id},
                                       {t.agent_name, s.agent_name},
                                       {t.user_id, s.user_id},
                                       {t.user_email, s.user_email},
                                       {t.started_at, s.started_at},
                                       {t.last_message_at, s.last_message_at},
                                       {t.message_count, s.message_count},
                                       {t.total_cost, s.total_cost},
                                       {t.total_context_used, s.total_context_used},
                                       {t.total_context_max, s.total_context_max},
                                       {t.status, s.status},
                                       {t.subscription_id, s.subscription_id}}));
  return s;
}

}  // namespace

namespace {

constexpr std::int64_t kDefaultMessageLimit = 100;

/// The latest `limit` messages of the session :session_id, newest first.
sqlcore::Select latest_messages(const ChatMessages& m, std::int64_t limit) {
  return sqlcore::select_all(m)
      .where(m.session_id == sqlcore::bindparam("session_id"))
      .order_by({m.timestamp.desc(), m.id.desc()})
      .limit(limit);
}

}  // namespace

struct ChatOperations::Statements {
  explicit Statements(const Schema& s)
      : lock_session(sqlcore::select(s.chat_sessions.last_message_at)
                         .where(s.chat_sessions.id == sqlcore::bindparam("session_id"))
                         .for_update()),
        insert_message(sqlcore::insert(s.chat_messages).values([&] {
          std::vector<sqlcore::Assignment> v;
          for (const sqlcore::Column* col : s.chat_messages.columns())
            v.emplace_back(*col, sqlcore::bindparam(col->name()));
          return v;
        }())),
        touch_session(
            sqlcore::update(s.chat_sessions)
                .set({{s.chat_sessions.message_count,
                       sqlcore::coalesce({s.chat_sessions.message_count, 0}) + 1},
                      {s.chat_sessions.last_message_at, sqlcore::bindparam("last_message_at")}})
                .where(s.chat_sessions.id == sqlcore::bindparam("session_id"))),
        latest_messages(trinity::db::latest_messages(s.chat_messages, kDefaultMessageLimit)) {}

  sqlcore::Select lock_session;
  sqlcore::Dml insert_message;
  sqlcore::Dml touch_session;
  sqlcore::Select latest_messages;
};

ChatOperations::ChatOperations(Db& db) : db_(db), st_(std::make_unique<Statements>(db.schema())) {}

ChatOperations::~ChatOperations() = default;

ChatSession ChatOperations::get_or_create_chat_session(
    const std::string& agent_name, std::int64_t user_id, const std::string& user_email,
    const std::optional<std::string>& subscription_id) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().chat_sessions;
    lock_user(c, db_.schema(), user_id);
    auto row = c.execute(sqlcore::select_all(t)
                             .where(t.agent_name == agent_name && t.user_id == user_id &&
                                    t.status == kActive)
                             .order_by({t.last_message_at.desc(), t.started_at.desc(), t.id.desc()})
                             .limit(1))
                   .first();
    if (row) return session_from(*row, t);
    return insert_session(c, t, agent_name, user_id, user_email, subscription_id);
  });
}

ChatMessage ChatOperations::add_chat_message(
    const std::string& session_id, const std::string& agent_name, std::int64_t user_id,
    const std::string& user_email, const std::string& role, const std::string& content,
    std::optional<double> cost, std::optional<std::int64_t> context_used,
    std::optional<std::int64_t> context_max, const std::optional<sqlcore::Json>& tool_calls,
    std::optional<std::int64_t> execution_time_ms, const std::optional<std::string>& source,
    const std::optional<std::string>& subscription_id, std::optional<std::int64_t> output_tokens) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().chat_sessions;
    // Lock the session: messages of one session are added one at a time, in commit order.
    auto row = c.execute(st_->lock_session, {{"session_id", session_id}}).first();
    if (!row) throw NotFoundError("chat session '" + session_id + "' not found");
    const Timestamp last = row->get(t.last_message_at);
    Timestamp ts = Timestamp::now();
    // Strictly after the previous message, even within one microsecond (see chat.hpp).
    if (ts <= last) ts = Timestamp::from_micros(last.micros() + 1);

    // Checked when made (nesting, text) without copying a document too deep to bind, and
    // refused when bound: only then is the caller's document copied into the result.
    const sqlcore::Value tool_calls_value(tool_calls);
    ChatMessage msg;
    msg.id = new_id();
    msg.session_id = session_id;
    msg.agent_name = agent_name;
    msg.user_id = user_id;
    msg.user_email = user_email;
    msg.role = role;
    msg.content = content;
    msg.timestamp = ts;
    msg.cost = cost;
    msg.context_used = context_used;
    msg.context_max = context_max;
    msg.execution_time_ms = execution_time_ms;
    msg.source = source.value_or("text");
    msg.subscription_id = subscription_id;
    msg.output_tokens = output_tokens;
    // In the statement's column order (bound in one pass).
    c.execute(st_->insert_message, {{"id", msg.id},
                                    {"session_id", msg.session_id},
                                    {"agent_name", msg.agent_name},
                                    {"user_id", msg.user_id},
                                    {"user_email", msg.user_email},
                                    {"role", msg.role},
                                    {"content", msg.content},
                                    {"timestamp", msg.timestamp},
                                    {"cost", msg.cost},
                                    {"context_used", msg.context_used},
                                    {"context_max", msg.context_max},
                                    {"tool_calls", tool_calls_value},
                                    {"execution_time_ms", msg.execution_time_ms},
                                    {"source", msg.source},
                                    {"subscription_id", msg.subscription_id},
                                    {"output_tokens", msg.output_tokens}});
    msg.tool_calls = tool_calls;

    if (!cost && !context_used && !context_max) {
      c.execute(st_->touch_session, {{"last_message_at", ts}, {"session_id", session_id}});
      return msg;
    }
    std::vector<sqlcore::Assignment> set = {
        {t.message_count, sqlcore::coalesce({t.message_count, 0}) + 1},
        {t.last_message_at, ts},
    };
    if (cost) set.emplace_back(t.total_cost, sqlcore::coalesce({t.total_cost, 0.0}) + *cost);
    if (context_used) set.emplace_back(t.total_context_used, *context_used);
    if (context_max) set.emplace_back(t.total_context_max, *context_max);
    c.execute(sqlcore::update(t).set(std::move(set)).where(t.id == session_id));
    return msg;
  });
}

std::optional<ChatSession> ChatOperations::get_chat_session(const std::string& session_id) {
  return db_.read([&](Connection& c) -> std::optional<ChatSession> {
    const auto& t = db_.schema().chat_sessions;
    auto row = c.execute(sqlcore::select_all(t).where(t.id == session_id)).first();
    if (!row) return std::nullopt;
    return session_from(*row, t);
  });
}

std::vector<ChatMessage> ChatOperations::get_chat_messages(const std::string& session_id,
                                                           std::int64_t limit) {
  if (limit <= 0) return {};
  return db_.read([&](Connection& c) {
    const auto& m = db_.schema().chat_messages;
    std::vector<ChatMessage> out;
    // The latest `limit` (newest first), then turned into chronological order.
    auto rows = limit == kDefaultMessageLimit
                    ? c.execute(st_->latest_messages, {{"session_id", session_id}})
                    : c.execute(latest_messages(m, limit), {{"session_id", session_id}});
    for (const Row& r : rows) out.push_back(message_from(r, m));
    std::reverse(out.begin(), out.end());
    return out;
  });
}

std::vector<ChatMessage> ChatOperations::get_agent_chat_history(const std::string& agent_name,
                                                                std::optional<std::int64_t> user_id,
                                                                std::int64_t limit) {
  if (limit <= 0) return {};
  return db_.run([&](Connection& c) {
    const auto& m = db_.schema().chat_messages;
    auto q = sqlcore::select_all(m).where(m.agent_name == agent_name);
    if (user_id) q.where(m.user_id == *user_id);
    q.order_by({m.timestamp.desc(), m.id.desc()}).limit(limit);
    std::vector<ChatMessage> out;
    for (const Row& r : c.execute(q)) out.push_back(message_from(r, m));
    std::reverse(out.begin(), out.end());
    return out;
  });
}

std::vector<ChatSession> ChatOperations::get_agent_chat_sessions(
    const std::string& agent_name, std::optional<std::int64_t> user_id,
    const std::optional<std::string>& status) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().chat_sessions;
    auto q = sqlcore::select_all(t).where(t.agent_name == agent_name);
    if (user_id) q.where(t.user_id == *user_id);
    if (status) q.where(t.status == *status);
    q.order_by({t.last_message_at.desc(), t.started_at.desc(), t.id.desc()});
    std::vector<ChatSession> out;
    for (const Row& r : c.execute(q)) out.push_back(session_from(r, t));
    return out;
  });
}

bool ChatOperations::close_chat_session(const std::string& session_id) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().chat_sessions;
    auto res =
        c.execute(sqlcore::update(t)
                      .set({{t.status, kClosed}})
                      .where(t.id == session_id && (t.status.is_null() || t.status != kClosed)));
    return res.rowcount() > 0;
  });
}

ChatSession ChatOperations::create_new_chat_session(
    const std::string& agent_name, std::int64_t user_id, const std::string& user_email,
    const std::optional<std::string>& subscription_id) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().chat_sessions;
    lock_user(c, db_.schema(), user_id);
    c.execute(
        sqlcore::update(t)
            .set({{t.status, kClosed}})
            .where(t.agent_name == agent_name && t.user_id == user_id && t.status == kActive));
    return insert_session(c, t, agent_name, user_id, user_email, subscription_id);
  });
}

bool ChatOperations::delete_chat_session(const std::string& session_id) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().chat_sessions;
    const auto& m = db_.schema().chat_messages;
    const auto& a = db_.schema().agent_activities;
    // Lock the session first, as add_chat_message does, so no message arrives in between.
    if (!c.execute(sqlcore::select(t.id).where(t.id == session_id).for_update()).first())
      return false;
    c.execute(sqlcore::update(a)
                  .set({{a.related_chat_message_id, nullptr}})
                  .where(a.related_chat_message_id.in_(
                      sqlcore::select(m.id).where(m.session_id == session_id))));
    c.execute(sqlcore::delete_from(m).where(m.session_id == session_id));
    return c.execute(sqlcore::delete_from(t).where(t.id == session_id)).rowcount() > 0;
  });
}

}  // namespace trinity::db
