// ChatOperations: chat sessions and messages (see chat.hpp for the ordering guarantee).
#include "trinity/db/chat.hpp"

#include "operation.hpp"

#include <algorithm>

namespace trinity::db {

namespace {

constexpr const char* kActive = "active";
constexpr const char* kClosed = "closed";

/// Serialises session creation per user: a no-op UPDATE of the user's row holds its row lock
/// until commit (on PostgreSQL a non-key update, which does not conflict with the key-share locks
/// that inserting messages takes, so it cannot deadlock with add_chat_message; SQLite serialises
/// writers anyway). Throws NotFoundError when there is no such user.
void lock_user(Connection& c, const Schema& s, std::int64_t user_id) {
  const auto& u = s.users;
  auto res = c.execute(update(u).set({{u.updated_at, u.updated_at}}).where(u.id == user_id));
  if (res.rowcount() < 1) throw NotFoundError("user " + std::to_string(user_id) + " not found");
}

ChatSession insert_session(Connection& c, const Models& m, const std::string& agent_name,
                           std::int64_t user_id, const std::string& user_email,
                           const std::optional<std::string>& subscription_id) {
  const Timestamp now = Timestamp::now();
  ChatSession s{.id = new_id(),
                .agent_name = agent_name,
                .user_id = user_id,
                .user_email = user_email,
                .started_at = now,
                .last_message_at = now,
                .subscription_id = subscription_id};
  c.execute(insert(m.chat_session.table()).values(m.chat_session.values(s)));
  return s;
}

}  // namespace

ChatSession ChatOperations::get_or_create_chat_session(
    const std::string& agent_name, std::int64_t user_id, const std::string& user_email,
    const std::optional<std::string>& subscription_id) {
  const auto& [t, m] = std::tie(db_.schema().chat_sessions, db_.models().chat_session);
  return db_.run([&](Connection& c) {
    lock_user(c, db_.schema(), user_id);
    auto found = m.first(
        c, m.select()
               .where(t.agent_name == agent_name && t.user_id == user_id && t.status == kActive)
               .order_by({t.last_message_at.desc(), t.started_at.desc(), t.id.desc()}));
    if (found) return *found;
    return insert_session(c, db_.models(), agent_name, user_id, user_email, subscription_id);
  });
}

ChatMessage ChatOperations::add_chat_message(const ChatMessageCreate& in) {
  const auto& [t, m] = std::tie(db_.schema().chat_sessions, db_.models().chat_message);
  // What does not depend on the session's row is made before the transaction: on SQLite the
  // transaction holds the file's write lock, which every other writer waits for.
  const std::string id = new_id();
  // Bound from the caller's struct: a tool_calls document refused by the checks (nesting,
  // text) is never copied; the result copies it only once it is stored.
  auto values = db_.models().chat_message_create.values(in);
  values.emplace_back(db_.schema().chat_messages.id, id);
  return db_.run([&](Connection& c) {
    // Lock the session: messages of one session are added one at a time, in commit order.
    auto row =
        c.execute(select(t.last_message_at).where(t.id == in.session_id).for_update()).first();
    if (!row) throw NotFoundError("chat session '" + in.session_id + "' not found");
    // Strictly after the previous message, even within one microsecond (see chat.hpp).
    const Timestamp last = row->get(t.last_message_at);
    const Timestamp ts = std::max(Timestamp::now(), Timestamp::from_micros(last.micros() + 1));
    values.emplace_back(db_.schema().chat_messages.timestamp, ts);
    c.execute(insert(m.table()).values(std::move(values)));
    ChatMessage msg{in, id, ts};
    std::vector<Assignment> set = {{t.message_count, coalesce({t.message_count, 0}) + 1},
                                   {t.last_message_at, ts}};
    if (in.cost) set.emplace_back(t.total_cost, coalesce({t.total_cost, 0.0}) + *in.cost);
    if (in.context_used) set.emplace_back(t.total_context_used, *in.context_used);
    if (in.context_max) set.emplace_back(t.total_context_max, *in.context_max);
    c.execute(update(t).set(std::move(set)).where(t.id == in.session_id));
    return msg;
  });
}

std::optional<ChatSession> ChatOperations::get_chat_session(const std::string& session_id) {
  const auto& [t, m] = std::tie(db_.schema().chat_sessions, db_.models().chat_session);
  return db_.find(m, t.id == session_id);
}

std::vector<ChatMessage> ChatOperations::get_chat_messages(const std::string& session_id,
                                                           std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, m] = std::tie(db_.schema().chat_messages, db_.models().chat_message);
  // The latest `limit` (newest first), then turned into chronological order.
  auto out = db_.all(m, m.select()
                            .where(t.session_id == session_id)
                            .order_by({t.timestamp.desc(), t.id.desc()})
                            .limit(limit));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<ChatMessage> ChatOperations::get_agent_chat_history(const std::string& agent_name,
                                                                std::optional<std::int64_t> user_id,
                                                                std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, m] = std::tie(db_.schema().chat_messages, db_.models().chat_message);
  auto q = m.select().where(t.agent_name == agent_name);
  if (user_id) q.where(t.user_id == *user_id);
  auto out = db_.all(m, q.order_by({t.timestamp.desc(), t.id.desc()}).limit(limit));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<ChatSession> ChatOperations::get_agent_chat_sessions(
    const std::string& agent_name, std::optional<std::int64_t> user_id,
    const std::optional<std::string>& status) {
  const auto& [t, m] = std::tie(db_.schema().chat_sessions, db_.models().chat_session);
  auto q = m.select().where(t.agent_name == agent_name);
  if (user_id) q.where(t.user_id == *user_id);
  if (status) q.where(t.status == *status);
  q.order_by({t.last_message_at.desc(), t.started_at.desc(), t.id.desc()});
  return db_.all(m, q);
}

bool ChatOperations::close_chat_session(const std::string& session_id) {
  const auto& t = db_.schema().chat_sessions;
  return db_.run([&](Connection& c) {
    return c.execute(update(t)
                         .set({{t.status, kClosed}})
                         .where(t.id == session_id && (t.status.is_null() || t.status != kClosed)))
               .rowcount() > 0;
  });
}

ChatSession ChatOperations::create_new_chat_session(
    const std::string& agent_name, std::int64_t user_id, const std::string& user_email,
    const std::optional<std::string>& subscription_id) {
  const auto& t = db_.schema().chat_sessions;
  return db_.run([&](Connection& c) {
    lock_user(c, db_.schema(), user_id);
    c.execute(
        update(t)
            .set({{t.status, kClosed}})
            .where(t.agent_name == agent_name && t.user_id == user_id && t.status == kActive));
    return insert_session(c, db_.models(), agent_name, user_id, user_email, subscription_id);
  });
}

bool ChatOperations::delete_chat_session(const std::string& session_id) {
  const Schema& s = db_.schema();
  const auto& [t, m, a] = std::tie(s.chat_sessions, s.chat_messages, s.agent_activities);
  return db_.run([&](Connection& c) {
    // Lock the session first, as add_chat_message does, so no message arrives in between.
    if (!c.execute(select(t.id).where(t.id == session_id).for_update()).first()) return false;
    c.execute(
        update(a)
            .set({{a.related_chat_message_id, nullptr}})
            .where(a.related_chat_message_id.in_(select(m.id).where(m.session_id == session_id))));
    c.execute(delete_from(m).where(m.session_id == session_id));
    return c.execute(delete_from(t).where(t.id == session_id)).rowcount() > 0;
  });
}

}  // namespace trinity::db
