// EmailAuthOperations: passwordless login by email: a whitelist of addresses allowed in, and
// short-lived six-digit codes sent by email.
//
//   dbm.email_auth().add_to_whitelist("ada@example.com", "admin");
//   auto code = dbm.email_auth().create_login_code("ada@example.com");   // mail code.code
//   if (auto ok = dbm.email_auth().verify_login_code("ada@example.com", typed)) ...
//
// Emails are compared ignoring case (stored lower-cased, trimmed). A code is drawn from the
// operating system's generator and stored only as a SHA-256 of the address and the code (so a
// leaked table does not hand out codes directly, and one address's code cannot be replayed for
// another); it can be verified once, before it expires. Rate limiting is the caller's, with
// count_recent_code_requests().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class UserOperations;
struct User;

struct WhitelistEntry {
  std::int64_t id = 0;
  std::string email;
  /// The user who added it, and their username (joined from users).
  std::int64_t added_by = 0;
  std::optional<std::string> added_by_username;
  sqlcore::Timestamp added_at;
  /// "manual", "invite", ... (free text).
  std::string source;
  std::string default_role = "user";
};

/// A code just created: `code` is the plain six digits to send, available only here.
struct LoginCode {
  std::string id;
  std::string email;
  std::string code;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp expires_at;
};

/// A code that verify_login_code() accepted (and used up).
struct VerifiedLoginCode {
  std::string id;
  std::string email;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp expires_at;
  sqlcore::Timestamp used_at;
};

class EmailAuthOperations {
 public:
  EmailAuthOperations(Db& db, UserOperations& users) : db_(db), users_(users) {}

  bool is_email_whitelisted(const std::string& email);
  /// Adds the address; `added_by` is the username of the user adding it. True when added, false
  /// when it was already there (unchanged). Throws NotFoundError when there is no user
  /// `added_by`, std::invalid_argument for an empty address.
  bool add_to_whitelist(const std::string& email, const std::string& added_by,
                        const std::string& source = "manual");
  /// True when the address was on the whitelist.
  bool remove_from_whitelist(const std::string& email);
  /// The whitelist, most recently added first, at most `limit`.
  std::vector<WhitelistEntry> list_whitelist(std::int64_t limit = 100);
  /// A new code for `email`, valid for `expiry_minutes` (> 0, else std::invalid_argument). Earlier
  /// codes stay valid until they expire or one code is used.
  LoginCode create_login_code(const std::string& email, std::int64_t expiry_minutes = 10);
  /// Uses up the code when it is one of `email`'s, not used and not expired; nullopt otherwise.
  /// Using one code also uses up the address's other outstanding codes (one login per mail).
  /// Concurrent calls with the same code: exactly one succeeds.
  std::optional<VerifiedLoginCode> verify_login_code(const std::string& email,
                                                     const std::string& code);
  /// Codes created for `email` in the last `minutes` minutes.
  std::int64_t count_recent_code_requests(const std::string& email, std::int64_t minutes = 10);
  /// Deletes codes that expired more than `days` days ago (a live code is never deleted). Returns
  /// how many (the original returned nothing).
  std::int64_t cleanup_old_codes(std::int64_t days = 1);
  /// The user with this email (any case), else a new one: username = the address, role = the
  /// whitelist entry's default_role (else "user"). Concurrent calls create one user.
  User get_or_create_email_user(const std::string& email);

 private:
  Db& db_;
  UserOperations& users_;
};

}  // namespace trinity::db
