// SlackOperations: a public link answered in a Slack workspace (table slack_link_connections,
// one connection per link and per Slack team), the Slack users verified by email for a link
// (slack_user_verifications) and the verifications under way (slack_pending_verifications).
//
//   auto conn = dbm.slack().create_slack_connection(link.id, "T123", "Acme", "xoxb-...", ada_id);
//   auto route = dbm.slack().get_slack_connection_by_team("T123");  // agent, bot token
//
// Rules (where the original left them open):
// - The bot token must look like a Slack bot token ("xoxb-" followed by letters, digits and '-')
//   and is stored sealed with Secrets (column slack_link_connections.slack_bot_token). Only
//   get_slack_connection_by_team() returns it, opened: it is the read that routes a team's
//   messages, and its callers answer through the bot. SlackConnection, what every other method
//   returns, has no token field. A stored token that does not open (another key, an altered
//   value) is a SecretError naming the column, never a silent nullopt.
// - A link and a Slack team each have at most one connection: create_slack_connection() for a
//   link or a team connected already is a DuplicateError (the first connection is kept; of
//   concurrent creators one makes the row). An unknown link or user is a NotFoundError.
// - Deleting a connection deletes its link's user verifications and pending verifications too,
//   in the same transaction.
// - Verified emails and pending emails are stored trimmed and lower-cased (an address that is not
//   one is std::invalid_argument). create_user_verification() is an upsert on (link, user, team):
//   verifying again replaces the email, the method and verified_at, and keeps the id.
// - A pending verification expires kSlackPendingVerificationTtl after it was created or last
//   updated (expires_at is computed in C++ and bound). Expired ones are not read, not updated
//   and are deleted by cleanup_expired_pending_verifications() (one DELETE). The code is stored
//   as given: callers compare the code a user types with the one read back.
// - There is one pending verification per (Slack user, team): creating one replaces the user's
//   earlier one in the same transaction, with the link's row locked, so concurrent creators
//   through one link leave one row. Reads take the newest should several exist.
// - Ids (link, connection, Slack team and user) are trimmed and must not be empty, and a state
//   must not be empty (std::invalid_argument before any statement; nothing written).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class Secrets;

/// How long a pending verification lives after it is created or updated.
inline constexpr std::chrono::minutes kSlackPendingVerificationTtl{10};

/// A link's Slack connection, without its bot token (see the header comment).
struct SlackConnection {
  std::string id;
  std::string link_id;
  std::string slack_team_id;
  std::optional<std::string> slack_team_name;
  /// The id of the user who connected it (users.id).
  std::int64_t connected_by = 0;
  sqlcore::Timestamp connected_at;
  bool enabled = true;
};

/// get_slack_connection_by_team(): the connection that answers a team's messages, with its
/// link's agent and email rule, and the bot token opened.
struct SlackTeamConnection : SlackConnection {
  std::string agent_name;
  bool require_email = false;
  /// The plain bot token (sealed in the database).
  std::string slack_bot_token;
};

/// What update_slack_connection() changes: the fields given (nullopt: unchanged).
struct SlackConnectionUpdate {
  std::optional<bool> enabled = std::nullopt;
  std::optional<std::string> slack_team_name = std::nullopt;
};

/// A Slack user verified for a link.
struct SlackUserVerification {
  std::string id;
  std::string link_id;
  std::string slack_user_id;
  std::string slack_team_id;
  std::string verified_email;
  std::string verification_method;
  sqlcore::Timestamp verified_at;
};

/// A verification under way.
struct SlackPendingVerification {
  std::string id;
  std::string link_id;
  std::string slack_user_id;
  std::string slack_team_id;
  std::optional<std::string> email;
  std::optional<std::string> code;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp expires_at;
  /// "awaiting_email" when created without one.
  std::string state = "awaiting_email";
};

/// What update_pending_verification() changes: the fields given (nullopt: unchanged).
struct SlackPendingUpdate {
  std::optional<std::string> email = std::nullopt;
  std::optional<std::string> code = std::nullopt;
  std::optional<std::string> state = std::nullopt;
};

class SlackOperations {
 public:
  /// `secrets` seals and opens the bot tokens; it outlives this object.
  SlackOperations(Db& db, const Secrets& secrets) : db_(db), secrets_(secrets) {}

  /// Connects the link `link_id` to the Slack team (enabled, connected_at = now) and returns the
  /// connection. DuplicateError when the link or the team has a connection already;
  /// NotFoundError for an unknown link or user; std::invalid_argument for a malformed token.
  SlackConnection create_slack_connection(const std::string& link_id,
                                          const std::string& slack_team_id,
                                          const std::optional<std::string>& slack_team_name,
                                          const std::string& slack_bot_token,
                                          std::int64_t connected_by);
  std::optional<SlackConnection> get_slack_connection(const std::string& connection_id);
  std::optional<SlackConnection> get_slack_connection_by_link(const std::string& link_id);
  /// The team's connection when it and its link are enabled (NULL counts as enabled), with the
  /// link's agent and the opened bot token; nullopt otherwise. SecretError when the token does
  /// not open.
  std::optional<SlackTeamConnection> get_slack_connection_by_team(const std::string& slack_team_id);
  /// Changes the fields given and returns the connection as stored; nullopt when there is none.
  /// With nothing given, the connection as it is (nothing written).
  std::optional<SlackConnection> update_slack_connection(const std::string& connection_id,
                                                         const SlackConnectionUpdate& changes);
  /// Deletes the connection and its link's verifications; true when the connection existed.
  bool delete_slack_connection(const std::string& connection_id);
  /// Deletes the link's connection and verifications; true when a connection existed.
  bool delete_slack_connection_by_link(const std::string& link_id);

  std::optional<SlackUserVerification> get_user_verification(const std::string& link_id,
                                                             const std::string& slack_user_id,
                                                             const std::string& slack_team_id);
  /// Records (or replaces, see above) the verification and returns it as stored. NotFoundError
  /// for an unknown link.
  SlackUserVerification create_user_verification(const std::string& link_id,
                                                 const std::string& slack_user_id,
                                                 const std::string& slack_team_id,
                                                 const std::string& verified_email,
                                                 const std::string& verification_method);

  /// The user's unexpired pending verification (the newest), or nullopt.
  std::optional<SlackPendingVerification> get_pending_verification(
      const std::string& slack_user_id, const std::string& slack_team_id);
  /// Starts a verification (replacing the user's earlier one in that team), expiring
  /// kSlackPendingVerificationTtl from now; returns it. NotFoundError for an unknown link.
  SlackPendingVerification create_pending_verification(
      const std::string& link_id, const std::string& slack_user_id,
      const std::string& slack_team_id, const std::optional<std::string>& email = std::nullopt,
      const std::optional<std::string>& code = std::nullopt,
      const std::string& state = "awaiting_email");
  /// Changes the fields given of the user's unexpired verification and extends it
  /// kSlackPendingVerificationTtl from now; returns it, or nullopt when there is none (an
  /// expired one is not revived).
  std::optional<SlackPendingVerification> update_pending_verification(
      const std::string& slack_user_id, const std::string& slack_team_id,
      const SlackPendingUpdate& changes);
  /// True when the user had a pending verification (expired or not) in that team.
  bool delete_pending_verification(const std::string& slack_user_id,
                                   const std::string& slack_team_id);
  /// Deletes the pending verifications whose expires_at has passed (one DELETE on a bound
  /// cut-off); returns how many.
  std::int64_t cleanup_expired_pending_verifications();

 private:
  Db& db_;
  const Secrets& secrets_;
};

}  // namespace trinity::db
