// PublicChatOperations: public chat sessions and messages (see public_chat.hpp for the ordering
// guarantee and the prompt's format).
#include "trinity/db/public_chat.hpp"

#include "operation.hpp"

#include <algorithm>

#include "text.hpp"

namespace trinity::db {

namespace {

constexpr const char* kEmail = "email";
constexpr std::int64_t kMaxTurns = 1'000'000;  // keeps 2 * max_turns in range

/// What is stored for an identifier: an email normalised (and checked), anything else trimmed.
std::string stored_identifier(const std::string& identifier, const std::string& type) {
  if (type == kEmail) return checked_email(identifier, "session identifier");
  return checked_name(identifier, "session identifier");
}

/// The speaker of a message in build_context_prompt().
std::string speaker(const PublicChatMessage& m) {
  if (m.sender_label && !m.sender_label->empty()) return *m.sender_label;
  return m.role == "user" ? "User" : "Assistant";
}

}  // namespace

PublicChatSession PublicChatOperations::get_or_create_session(const std::string& link_id,
                                                              const std::string& session_identifier,
                                                              const std::string& identifier_type) {
  const std::string type = checked_name(identifier_type, "identifier type");
  const std::string identifier = stored_identifier(session_identifier, type);
  return db_.run([&](Connection& c) {
    const auto& [t, m] =
        std::tie(db_.schema().public_chat_sessions, db_.models().public_chat_session);
    const auto& l = db_.schema().agent_public_links;
    if (!c.execute(select(l.id).where(l.id == link_id)).first())
      throw NotFoundError("trinity-db: no public link '" + link_id + "'");
    const Timestamp now = Timestamp::now();
    // The unique (link_id, session_identifier) decides between concurrent creators.
    if (auto made = m.insert_new(c,
                                 {{t.id, new_id()},
                                  {t.link_id, link_id},
                                  {t.session_identifier, identifier},
                                  {t.identifier_type, type},
                                  {t.created_at, now},
                                  {t.last_message_at, now},
                                  {t.message_count, std::int64_t{0}},
                                  {t.total_cost, 0.0}},
                                 {t.link_id, t.session_identifier}))
      return *made;
    return m.one(c, m.select().where(t.link_id == link_id && t.session_identifier == identifier));
  });
}

std::optional<PublicChatSession> PublicChatOperations::get_session_by_identifier(
    const std::string& link_id, const std::string& session_identifier) {
  const auto& [t, m] =
      std::tie(db_.schema().public_chat_sessions, db_.models().public_chat_session);
  const std::string exact = trimmed(session_identifier);
  const Expr as_email = t.identifier_type == kEmail && t.session_identifier == normalized(exact);
  return db_.first(m,
                   m.select()
                       .where(t.link_id == link_id && (t.session_identifier == exact || as_email))
                       .order_by({t.created_at, t.id}));
}

std::optional<PublicChatSession> PublicChatOperations::get_session(const std::string& session_id) {
  const auto& [t, m] =
      std::tie(db_.schema().public_chat_sessions, db_.models().public_chat_session);
  return db_.find(m, t.id == session_id);
}

PublicChatMessage PublicChatOperations::add_message(const std::string& session_id,
                                                    const std::string& role,
                                                    const std::string& content,
                                                    std::optional<double> cost) {
  const std::string r = checked_name(role, "role");
  const auto& [t, m] =
      std::tie(db_.schema().public_chat_sessions, db_.models().public_chat_message);
  return db_.run([&](Connection& c) {
    // Lock the session: its messages are added one at a time, in commit order.
    auto row = c.execute(select(t.last_message_at).where(t.id == session_id).for_update()).first();
    if (!row) throw NotFoundError("trinity-db: no public chat session '" + session_id + "'");
    // Strictly after the previous message, even within one microsecond (see public_chat.hpp).
    const Timestamp last = row->get(t.last_message_at);
    const Timestamp ts = std::max(Timestamp::now(), Timestamp::from_micros(last.micros() + 1));
    const PublicChatMessage msg{.id = new_id(),
                                .session_id = session_id,
                                .role = r,
                                .content = content,
                                .timestamp = ts,
                                .cost = cost};
    c.execute(insert(m.table()).values(m.values(msg)));
    c.execute(update(t)
                  .set({{t.message_count, coalesce({t.message_count, 0}) + 1},
                        {t.total_cost, coalesce({t.total_cost, 0.0}) + cost.value_or(0.0)},
                        {t.last_message_at, ts}})
                  .where(t.id == session_id));
    return msg;
  });
}

std::vector<PublicChatMessage> PublicChatOperations::get_session_messages(
    const std::string& session_id, std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, m] =
      std::tie(db_.schema().public_chat_messages, db_.models().public_chat_message);
  return db_.all(
      m, m.select().where(t.session_id == session_id).order_by({t.timestamp, t.id}).limit(limit));
}

std::vector<PublicChatMessage> PublicChatOperations::get_recent_messages(
    const std::string& session_id, std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, m] =
      std::tie(db_.schema().public_chat_messages, db_.models().public_chat_message);
  // The latest `limit` (newest first), then turned into reading order.
  auto out = db_.all(m, m.select()
                            .where(t.session_id == session_id)
                            .order_by({t.timestamp.desc(), t.id.desc()})
                            .limit(limit));
  std::reverse(out.begin(), out.end());
  return out;
}

bool PublicChatOperations::clear_session(const std::string& session_id) {
  const auto& [t, msgs] =
      std::tie(db_.schema().public_chat_sessions, db_.schema().public_chat_messages);
  return db_.run([&](Connection& c) {
    // The reset locks the session first, as add_message does, so no message arrives in between.
    auto reset = c.execute(update(t)
                               .set({{t.message_count, std::int64_t{0}}, {t.total_cost, 0.0}})
                               .where(t.id == session_id));
    if (reset.rowcount() < 1) return false;
    c.execute(delete_from(msgs).where(msgs.session_id == session_id));
    return true;
  });
}

std::string PublicChatOperations::build_context_prompt(const std::string& session_id,
                                                       const std::string& new_message,
                                                       std::int64_t max_turns) {
  std::string out;
  const std::int64_t turns = std::clamp<std::int64_t>(max_turns, 0, kMaxTurns);
  for (const auto& m : get_recent_messages(session_id, 2 * turns))
    out += speaker(m) + ": " + m.content + "\n";
  if (!out.empty()) out = "Previous conversation:\n" + out + "\n";
  return out + "Current message:\nUser: " + new_message;
}

std::int64_t PublicChatOperations::delete_link_sessions(const std::string& link_id) {
  const auto& t = db_.schema().public_chat_sessions;
  // The sessions' messages go with them (their key to the session cascades).
  return db_.run([&](Connection& c) {
    return std::max<std::int64_t>(c.execute(delete_from(t).where(t.link_id == link_id)).rowcount(),
                                  0);
  });
}

}  // namespace trinity::db
