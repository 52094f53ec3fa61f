// UserOperations: the platform's accounts (table users).
//
//   auto ada = dbm.users().create_user({.username = "ada", .email = "Ada@Example.com"});
//   dbm.users().get_user_by_email("ada@example.com");          // found: emails ignore case
//   dbm.users().update_user("ada", {.name = "Ada Lovelace"});
//
// Usernames are matched exactly (case-sensitive, as the unique key on users.username is); emails
// are matched ignoring case, and the schema's unique index on lower(email) allows one account per
// address whatever its case. A duplicate username, email or Auth0 subject is a DuplicateError
// (errors.hpp) naming the field. Passwords arrive already hashed: hashing is the auth layer's job;
// this layer stores and returns the hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"

namespace trinity::db {

/// One account (a row of users; github_pat_encrypted is left to the operations that use it).
struct User {
  std::int64_t id = 0;
  std::string username;
  std::optional<std::string> password_hash;
  std::string role = "user";
  std::optional<std::string> auth0_sub;
  std::optional<std::string> name;
  std::optional<std::string> picture;
  std::optional<std::string> email;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
  std::optional<sqlcore::Timestamp> last_login;
  std::optional<sqlcore::Timestamp> suspended_at;
};

/// What create_user() needs. `role` defaults as the column does ('user').
struct UserCreate {
  std::string username;
  std::optional<std::string> password_hash = std::nullopt;
  std::string role = "user";
  std::optional<std::string> email = std::nullopt;
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> picture = std::nullopt;
  std::optional<std::string> auth0_sub = std::nullopt;
};

/// update_user(): the fields to change; a field left nullopt keeps its value. (The password has
/// its own method, update_user_password(); clearing a field to NULL is not offered.)
struct UserUpdate {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> picture = std::nullopt;
  std::optional<std::string> email = std::nullopt;
  std::optional<std::string> role = std::nullopt;
  std::optional<std::string> auth0_sub = std::nullopt;
};

class UserOperations {
 public:
  explicit UserOperations(Db& db) : db_(db) {}

  std::optional<User> get_user_by_username(const std::string& username);
  std::optional<User> get_user_by_auth0_sub(const std::string& auth0_sub);
  std::optional<User> get_user_by_id(std::int64_t user_id);
  /// Ignores case.
  std::optional<User> get_user_by_email(const std::string& email);

  /// The new user. An empty username or role is std::invalid_argument; a taken username, email
  /// (any case) or Auth0 subject is a DuplicateError.
  User create_user(const UserCreate& user_data);
  /// The updated user; nullopt when there is no such user. Sets updated_at when anything
  /// changes. A taken email or Auth0 subject is a DuplicateError (and nothing changes).
  std::optional<User> update_user(const std::string& username, const UserUpdate& updates);
  /// True when the user exists (and the hash was stored).
  bool update_user_password(const std::string& username, const std::string& hashed_password);
  /// Stamps last_login with the current time (nothing when there is no such user).
  void update_last_login(const std::string& username);
  /// The user an Auth0 login maps to, with last_login stamped: the one with this subject; else
  /// the one with this email (any case), which gets the subject linked; else a new user whose
  /// username is the email (the email with a numeric suffix when that username is taken).
  /// `name` and `picture`, when given, refresh the stored ones.
  User get_or_create_auth0_user(const std::string& auth0_sub, const std::string& email,
                                const std::optional<std::string>& name = std::nullopt,
                                const std::optional<std::string>& picture = std::nullopt);
  /// Every user, oldest account first.
  std::vector<User> list_users();
  /// The updated user; nullopt when there is no such user. An empty role is
  /// std::invalid_argument.
  std::optional<User> update_user_role(const std::string& username, const std::string& role);

 private:
  Db& db_;
};

}  // namespace trinity::db
