// ChatOperations: an agent's chat sessions with a user and their messages.
//
//   auto session = dbm.chat().get_or_create_chat_session("a1", user.id, user.email);
//   dbm.chat().add_chat_message({.session_id = session.id, .agent_name = "a1", .user_id = user.id,
//                                .user_email = *user.email, .role = "user", .content = "hello"});
//   auto last20 = dbm.chat().get_chat_messages(session.id, 20);   // oldest of the 20 first
//
// Ordering: messages order by (timestamp, id). add_chat_message locks the session row (FOR UPDATE
// on PostgreSQL; SQLite serialises writers) and gives each message a timestamp strictly after
// the session's last_message_at, so the timestamps of one session are strictly increasing in
// commit order, even for two messages added in the same microsecond: the order is the order the
// messages were added. (id, random, only breaks ties in legacy data.)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>

namespace trinity::db {

class Db;

struct ChatSession {
  std::string id;
  std::string agent_name;
  std::int64_t user_id = 0;
  std::string user_email;
  sqlcore::Timestamp started_at;
  sqlcore::Timestamp last_message_at;
  std::int64_t message_count = 0;
  double total_cost = 0.0;
  /// The context window use reported with the latest message that reported one (context is
  /// cumulative within a conversation, so a sum would be meaningless), and its maximum.
  std::int64_t total_context_used = 0;
  std::int64_t total_context_max = 200000;
  /// "active" or "closed".
  std::string status = "active";
  std::optional<std::string> subscription_id;
};

/// What add_chat_message() needs: who said what in which session; the rest is optional.
struct ChatMessageCreate {
  std::string session_id;
  std::string agent_name;
  std::int64_t user_id = 0;
  std::string user_email;
  std::string role;
  std::string content;
  std::optional<double> cost = std::nullopt;
  std::optional<std::int64_t> context_used = std::nullopt;
  std::optional<std::int64_t> context_max = std::nullopt;
  std::optional<sqlcore::Json> tool_calls = std::nullopt;
  std::optional<std::int64_t> execution_time_ms = std::nullopt;
  std::string source = "text";
  std::optional<std::string> subscription_id = std::nullopt;
  std::optional<std::int64_t> output_tokens = std::nullopt;
};

/// A stored message: what was given, its id and its timestamp.
struct ChatMessage : ChatMessageCreate {
  std::string id;
  sqlcore::Timestamp timestamp;
};

class ChatOperations {
 public:
  explicit ChatOperations(Db& db) : db_(db) {}

  /// The most recent active session of `agent_name` with `user_id`, else a new one. Concurrent
  /// calls for one user create one session (they serialise on the user's row). Throws
  /// NotFoundError when there is no user `user_id`.
  ChatSession get_or_create_chat_session(
      const std::string& agent_name, std::int64_t user_id, const std::string& user_email,
      const std::optional<std::string>& subscription_id = std::nullopt);
  /// Adds a message to the session and, in the same transaction, updates the session's
  /// message_count, total_cost (+ cost), total_context_used / total_context_max (when given)
  /// and last_message_at (= the message's timestamp). Throws NotFoundError when there is no
  /// session `session_id`. A closed session still takes messages (its history is kept).
  ChatMessage add_chat_message(const ChatMessageCreate& message);
  std::optional<ChatSession> get_chat_session(const std::string& session_id);
  /// The latest `limit` messages of the session, in chronological order (oldest first). Empty
  /// for an unknown session or limit <= 0.
  std::vector<ChatMessage> get_chat_messages(const std::string& session_id,
                                             std::int64_t limit = 100);
  /// The latest `limit` messages of the agent (with one user when given), across sessions, in
  /// chronological order (oldest first).
  std::vector<ChatMessage> get_agent_chat_history(
      const std::string& agent_name, std::optional<std::int64_t> user_id = std::nullopt,
      std::int64_t limit = 100);
  /// The agent's sessions (with one user, in one status, when given), most recently active
  /// first.
  std::vector<ChatSession> get_agent_chat_sessions(
      const std::string& agent_name, std::optional<std::int64_t> user_id = std::nullopt,
      const std::optional<std::string>& status = std::nullopt);
  /// Sets the session's status to "closed". True when it changed (false: unknown or already
  /// closed).
  bool close_chat_session(const std::string& session_id);
  /// Closes the active sessions of `agent_name` with `user_id` and starts a new one, in one
  /// transaction. Throws NotFoundError when there is no user `user_id`.
  ChatSession create_new_chat_session(
      const std::string& agent_name, std::int64_t user_id, const std::string& user_email,
      const std::optional<std::string>& subscription_id = std::nullopt);
  /// Deletes the session and its messages (activities that pointed at those messages keep their
  /// row, with related_chat_message_id cleared). True when the session existed.
  bool delete_chat_session(const std::string& session_id);

 private:
  Db& db_;
};

}  // namespace trinity::db
