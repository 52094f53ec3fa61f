// PublicChatOperations: the conversations people have with an agent through a public link: one
// session per link and visitor (an email or an anonymous identifier), and its messages.
//
//   auto session = dbm.public_chat().get_or_create_session(link.id, "ada@example.com", "email");
//   auto prompt = dbm.public_chat().build_context_prompt(session.id, "What can you do?");
//
// A session is identified by (link_id, session_identifier), unique: concurrent get-or-create
// calls for one visitor make one session. Email identifiers (identifier_type "email") are stored
// trimmed and lower-cased; other identifiers are stored trimmed, case kept.
//
// Ordering: messages order by (timestamp, id). add_message locks the session row and gives each
// message a timestamp strictly after the session's last_message_at, so a session's messages keep
// the order in which they were added, even within one microsecond.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;

struct PublicChatSession {
  std::string id;
  std::string link_id;
  std::string session_identifier;
  /// "email" or "anonymous".
  std::string identifier_type;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp last_message_at;
  std::int64_t message_count = 0;
  double total_cost = 0.0;
};

struct PublicChatMessage {
  std::string id{};
  std::string session_id{};
  /// "user" or "assistant".
  std::string role{};
  std::string content{};
  sqlcore::Timestamp timestamp{};
  std::optional<double> cost{};
  /// Who spoke, when recorded (rows written by other writers); build_context_prompt shows
  /// sender_label when set.
  std::optional<std::string> sender_email{};
  std::optional<std::string> sender_label{};
};

class PublicChatOperations {
 public:
  explicit PublicChatOperations(Db& db) : db_(db) {}

  /// The session of `session_identifier` on the link, else a new one. Concurrent calls for one
  /// identifier make one session (the unique key decides). Throws NotFoundError for an unknown
  /// link; std::invalid_argument (nothing written) for an empty identifier or type, or a
  /// malformed email when identifier_type is "email".
  PublicChatSession get_or_create_session(const std::string& link_id,
                                          const std::string& session_identifier,
                                          const std::string& identifier_type);
  /// The session of `session_identifier` on the link (an email matches in any case), or nullopt.
  std::optional<PublicChatSession> get_session_by_identifier(const std::string& link_id,
                                                             const std::string& session_identifier);
  std::optional<PublicChatSession> get_session(const std::string& session_id);
  /// Adds a message and, in the same transaction, adds one to the session's message_count and
  /// `cost` to its total_cost, and sets its last_message_at to the message's timestamp. Throws
  /// NotFoundError for an unknown session; std::invalid_argument for an empty role.
  PublicChatMessage add_message(const std::string& session_id, const std::string& role,
                                const std::string& content,
                                std::optional<double> cost = std::nullopt);
  /// The session's first `limit` messages, oldest first: the conversation from its start.
  /// Empty for an unknown session or limit <= 0.
  std::vector<PublicChatMessage> get_session_messages(const std::string& session_id,
                                                      std::int64_t limit = 20);
  /// The session's latest `limit` messages, oldest first (in reading order): the recent
  /// context. Empty for an unknown session or limit <= 0.
  std::vector<PublicChatMessage> get_recent_messages(const std::string& session_id,
                                                     std::int64_t limit = 20);
  /// Deletes the session's messages and resets its message_count and total_cost to 0; the
  /// session itself stays (same id, same identifier). True when the session exists.
  bool clear_session(const std::string& session_id);
  /// The prompt for the agent: the last `max_turns` turns (2 * max_turns messages) of the
  /// session, then `new_message`. Exactly:
  ///
  ///   Previous conversation:\n
  ///   <speaker>: <content>\n            (one line per earlier message, oldest first)
  ///   \n
  ///   Current message:\n
  ///   User: <new_message>
  ///
  /// where <speaker> is the message's sender_label when set, else "User" for role "user" and
  /// "Assistant" for any other role. Without earlier messages (a new or unknown session, or
  /// max_turns <= 0) the prompt is only "Current message:\nUser: <new_message>". No trailing
  /// newline; contents are copied as they are.
  std::string build_context_prompt(const std::string& session_id, const std::string& new_message,
                                   std::int64_t max_turns = 10);
  /// Deletes the link's sessions and their messages; returns how many sessions.
  std::int64_t delete_link_sessions(const std::string& link_id);

 private:
  Db& db_;
};

}  // namespace trinity::db
