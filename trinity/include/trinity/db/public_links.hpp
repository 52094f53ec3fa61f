// PublicLinkOperations: links that let people without an account chat with an agent, the email
// verification that may guard them, their usage (for rate limits and statistics), and what an
// agent remembers about each public user.
//
//   auto link = dbm.public_links().create_public_link("alpha", "ada");   // share *link.token
//   auto check = dbm.public_links().is_link_valid(token_from_url);       // check.valid, .reason
//
// Secrets are never stored in plain: the link token (32 random bytes, base64url), the six-digit
// verification code and the session token (32 random bytes) are each stored as a SHA-256, and a
// lookup hashes what it is given. Each is returned in plain once, by the method that creates it
// (create_public_link, create_verification, verify_code), so a leaked database holds no working
// token. Emails are stored trimmed and lower-cased and compared that way.
//
// Usage is one public_link_usage row per recorded message (message_count 1): counts over a time
// window are sums over the rows in it, and recording never reads before it writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class UserOperations;
class AgentOperations;

struct PublicLink {
  std::string id;
  std::string agent_name;
  /// The id of the user who created the link (users.id).
  std::int64_t created_by = 0;
  sqlcore::Timestamp created_at;
  /// nullopt: the link does not expire.
  std::optional<sqlcore::Timestamp> expires_at;
  bool enabled = true;
  std::optional<std::string> name;
  bool require_email = false;
  /// "chat".
  std::string type = "chat";
  /// The plain link token: set only in what create_public_link() returns (only its SHA-256 is
  /// stored, so no other method can give it back).
  std::optional<std::string> token;
};

/// The optional parts of a new link.
struct PublicLinkCreate {
  std::optional<std::string> name = std::nullopt;
  bool require_email = false;
  /// nullopt: never expires.
  std::optional<sqlcore::Timestamp> expires_at = std::nullopt;
};

/// What update_public_link() changes: the fields given (nullopt: unchanged).
struct PublicLinkUpdate {
  std::optional<std::string> name = std::nullopt;
  std::optional<bool> enabled = std::nullopt;
  std::optional<bool> require_email = std::nullopt;
  std::optional<sqlcore::Timestamp> expires_at = std::nullopt;
};

/// is_link_valid(): `reason` is "not_found", "disabled" or "expired" when not valid; `link` is
/// set only when valid.
struct LinkValidity {
  bool valid = false;
  std::optional<std::string> reason{};
  std::optional<PublicLink> link{};
};

/// A verification code just created: `code` is the plain six digits to send by email, available
/// only here.
struct PublicLinkVerification {
  std::string id{};
  std::string link_id{};
  std::string email{};
  std::string code{};
  sqlcore::Timestamp created_at{};
  sqlcore::Timestamp expires_at{};
  std::int64_t expires_in_seconds = 0;
};

/// A verified email's session: `token` is the plain session token, available only here.
struct PublicLinkSession {
  std::string token{};
  std::string email{};
  sqlcore::Timestamp expires_at{};
};

/// verify_code(): `error` is "invalid_code" (no such unused code for this link and address) or
/// "code_expired" when not ok; `session` is set only when ok.
struct CodeVerification {
  bool ok = false;
  std::optional<std::string> error{};
  std::optional<PublicLinkSession> session{};
};

/// validate_session(): `email` is set only when valid.
struct SessionValidation {
  bool valid = false;
  std::optional<std::string> email{};
};

/// One recorded message (a public_link_usage row).
struct LinkUsage {
  std::string id;
  std::string link_id;
  std::optional<std::string> email;
  std::optional<std::string> ip_address;
  std::int64_t message_count = 0;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> last_used_at;
};

struct LinkUsageStats {
  std::int64_t total_messages = 0;
  /// Distinct emails and distinct IP addresses that sent messages.
  std::int64_t unique_users = 0;
  std::int64_t unique_ips = 0;
  /// nullopt: never used.
  std::optional<sqlcore::Timestamp> last_used_at;
};

/// What an agent remembers about one public user (by email): a public_user_memory row (the table's
/// struct is trinity::db::PublicUserMemory, hence this name).
struct UserMemory {
  std::string id;
  std::string agent_name;
  std::string user_email;
  std::string memory_text;
  std::int64_t message_count = 0;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
};

class PublicLinkOperations {
 public:
  /// `users` resolves the creating user, `agents` the agent a link is for.
  PublicLinkOperations(Db& db, UserOperations& users, AgentOperations& agents)
      : db_(db), users_(users), agents_(agents) {}

  // Links.

  /// A new enabled link to `agent_name` created by the user `created_by` (a username), with its
  /// plain `token` (the only time it is available). Throws NotFoundError when the agent is not
  /// registered or there is no such user; std::invalid_argument (nothing written) for an empty
  /// agent name or username, or a name given empty.
  PublicLink create_public_link(const std::string& agent_name, const std::string& created_by,
                                const PublicLinkCreate& options = {});
  std::optional<PublicLink> get_public_link(const std::string& link_id);
  /// The link whose token is `token` (compared by its SHA-256), or nullopt.
  std::optional<PublicLink> get_public_link_by_token(const std::string& token);
  /// The agent's links, newest first.
  std::vector<PublicLink> list_agent_public_links(const std::string& agent_name);
  /// Changes the fields given and returns the link as stored; nullopt for an unknown link. With
  /// nothing given, the link as it is. A name given empty is std::invalid_argument.
  std::optional<PublicLink> update_public_link(const std::string& link_id,
                                               const PublicLinkUpdate& changes);
  /// Deletes the link with its verifications, usage and public chat sessions (the foreign keys
  /// cascade). True when the link existed.
  bool delete_public_link(const std::string& link_id);
  /// Deletes the agent's links (as delete_public_link does each); returns how many.
  std::int64_t delete_agent_public_links(const std::string& agent_name);
  /// Whether `token` opens a link now: found, enabled and not expired (expires_at after now).
  LinkValidity is_link_valid(const std::string& token);

  // Email verification.

  /// A new six-digit code for `email` on the link, valid for `expiry_minutes` (1 to 10080, a
  /// week). The address's earlier unused codes for this link expire now (only the latest code
  /// works).
  /// Throws NotFoundError for an unknown link; std::invalid_argument (nothing written) for a
  /// malformed email or expiry_minutes out of range.
  PublicLinkVerification create_verification(const std::string& link_id, const std::string& email,
                                             std::int64_t expiry_minutes = 10);
  /// Uses up `code` when it is an unused, unexpired code of `email` on the link, and starts a
  /// session of `session_hours` (1 to 8760, a year) whose plain token is returned (only here).
  /// A code works once: of concurrent calls with one code exactly one is ok. A wrong, used or
  /// expired code is not ok and changes nothing. std::invalid_argument for a malformed email or
  /// session_hours out of range.
  CodeVerification verify_code(const std::string& link_id, const std::string& email,
                               const std::string& code, std::int64_t session_hours = 24);
  /// Whether `session_token` is an unexpired session on the link, and its email.
  SessionValidation validate_session(const std::string& link_id, const std::string& session_token);
  /// Codes requested for `email` (on any link) in the last `minutes` minutes; 0 when minutes <= 0.
  std::int64_t count_recent_verification_requests(const std::string& email,
                                                  std::int64_t minutes = 10);

  // Usage.

  /// Records one message sent through the link (by `email`, from `ip_address`, when known).
  /// Throws NotFoundError for an unknown link; std::invalid_argument for a malformed email.
  LinkUsage record_usage(const std::string& link_id,
                         const std::optional<std::string>& email = std::nullopt,
                         const std::optional<std::string>& ip_address = std::nullopt);
  /// Messages, distinct emails and IP addresses, and the last use of the link (zeros for an
  /// unknown or unused link).
  LinkUsageStats get_link_usage_stats(const std::string& link_id);
  /// Messages from `ip_address` (through any link) in the last `minutes` minutes; 0 when
  /// minutes <= 0.
  std::int64_t count_recent_messages_by_ip(const std::string& ip_address, std::int64_t minutes = 1);
  /// Messages through the link in the last `minutes` minutes; 0 when minutes <= 0.
  std::int64_t count_recent_messages_by_token(const std::string& link_id, std::int64_t minutes = 1);

  // Per-user memory. The agent is not checked (public_user_memory has no key to agents).

  /// The memory of `agent_name` about `user_email`, created empty when there is none. Concurrent
  /// calls create one row. std::invalid_argument for an empty agent name or a malformed email.
  UserMemory get_or_create_user_memory(const std::string& agent_name,
                                       const std::string& user_email);
  /// Adds one to the user's message count (creating the memory when there is none) and returns
  /// the new count: one statement, so concurrent calls lose no increment.
  std::int64_t increment_message_count(const std::string& agent_name,
                                       const std::string& user_email);
  /// Replaces the memory text. False when there is no memory for the pair (create it with
  /// get_or_create_user_memory).
  bool update_user_memory(const std::string& agent_name, const std::string& user_email,
                          const std::string& memory_text);

 private:
  Db& db_;
  UserOperations& users_;
  AgentOperations& agents_;
};

}  // namespace trinity::db
