// UserOperations: accounts, read by column through the typed handles of schema.hpp.
#include "trinity/db/users.hpp"

#include <stdexcept>
#include <utility>

#include <sqlcore/core/error.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

namespace trinity::db {

using namespace sqlcore;

namespace {

std::vector<Expr> user_columns(const Users& u) {
  return {u.id,      u.username, u.password_hash, u.role,       u.auth0_sub,  u.name,
          u.picture, u.email,    u.created_at,    u.updated_at, u.last_login, u.suspended_at};
}

User read_user(const Users& u, const Row& r) {
  User out;
  out.id = r.get(u.id);
  out.username = r.get(u.username);
  out.password_hash = r.get(u.password_hash);
  out.role = r.get(u.role);
  out.auth0_sub = r.get(u.auth0_sub);
  out.name = r.get(u.name);
  out.picture = r.get(u.picture);
  out.email = r.get(u.email);
  out.created_at = r.get(u.created_at);
  out.updated_at = r.get(u.updated_at);
  out.last_login = r.get(u.last_login);
  out.suspended_at = r.get(u.suspended_at);
  return out;
}

std::optional<User> find_one(Connection& c, const Users& u, const Expr& where) {
  auto row = c.execute(select(user_columns(u)).where(where)).one_or_none();
  if (!row) return std::nullopt;
  return read_user(u, *row);
}

// Emails compare as the unique index does: lower(email) on both sides.
Expr email_is(const Users& u, const std::string& email) {
  return lower(u.email) == lower(Expr(email));
}

void require_text(const std::string& value, const char* what) {
  if (value.empty()) throw std::invalid_argument(std::string("trinity-db: ") + what + " is empty");
}

// After a unique violation on users: which of the values is taken, as a DuplicateError. The
// values are the caller's own, so naming them leaks nothing.
[[noreturn]] void throw_duplicate(Connection& c, const Users& u,
                                  const std::optional<std::string>& username,
                                  const std::optional<std::string>& email,
                                  const std::optional<std::string>& auth0_sub,
                                  std::optional<std::int64_t> except_id) {
  auto taken = [&](const Expr& where) {
    Expr cond = where;
    if (except_id) cond = cond && u.id != *except_id;
    return c.execute(select(u.id).where(cond).limit(1)).first().has_value();
  };
  if (username && taken(u.username == *username))
    throw DuplicateError("trinity-db: the username '" + *username + "' is taken");
  if (email && taken(email_is(u, *email)))
    throw DuplicateError("trinity-db: the email '" + *email + "' belongs to another user");
  if (auth0_sub && taken(u.auth0_sub == *auth0_sub))
    throw DuplicateError("trinity-db: the Auth0 subject '" + *auth0_sub +
                         "' belongs to another user");
  throw DuplicateError("trinity-db: the user conflicts with an existing one");
}

}  // namespace

std::optional<User> UserOperations::get_user_by_username(const std::string& username) {
  return db_.read([&](Connection& c) {
    const auto& u = db_.schema().users;
    return find_one(c, u, u.username == username);
  });
}

std::optional<User> UserOperations::get_user_by_auth0_sub(const std::string& auth0_sub) {
  return db_.read([&](Connection& c) {
    const auto& u = db_.schema().users;
    return find_one(c, u, u.auth0_sub == auth0_sub);
  });
}

std::optional<User> UserOperations::get_user_by_id(std::int64_t user_id) {
  return db_.read([&](Connection& c) {
    const auto& u = db_.schema().users;
    return find_one(c, u, u.id == user_id);
  });
}

std::optional<User> UserOperations::get_user_by_email(const std::string& email) {
  return db_.read([&](Connection& c) {
    const auto& u = db_.schema().users;
    // first(): a database adopted from the original may hold case-variants of one address
    // (written before the unique index); the oldest account wins.
    auto row =
        c.execute(select(user_columns(u)).where(email_is(u, email)).order_by({u.id})).first();
    return row ? std::optional<User>(read_user(u, *row)) : std::nullopt;
  });
}

User UserOperations::create_user(const UserCreate& d) {
  require_text(d.username, "the username");
  require_text(d.role, "the role");
  return db_.run([&](Connection& c) {
    const auto& u = db_.schema().users;
    // created_at / updated_at: the columns' server default now() (written by sqlcore).
    Dml stmt = insert(u);
    stmt.values({{u.username, d.username},
                 {u.password_hash, d.password_hash},
                 {u.role, d.role},
                 {u.email, d.email},
                 {u.name, d.name},
                 {u.picture, d.picture},
                 {u.auth0_sub, d.auth0_sub}});
    stmt.returning(user_columns(u));
    try {
      return Db::savepoint(c, [&](Connection& sc) { return read_user(u, sc.execute(stmt).one()); });
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::unique) throw;
      throw_duplicate(c, u, d.username, d.email, d.auth0_sub, std::nullopt);
    }
  });
}

std::optional<User> UserOperations::update_user(const std::string& username,
                                                const UserUpdate& updates) {
  if (updates.role) require_text(*updates.role, "the role");
  return db_.run([&](Connection& c) -> std::optional<User> {
    const auto& u = db_.schema().users;
    std::vector<Assignment> set;
    if (updates.name) set.emplace_back(u.name, *updates.name);
    if (updates.picture) set.emplace_back(u.picture, *updates.picture);
    if (updates.email) set.emplace_back(u.email, *updates.email);
    if (updates.role) set.emplace_back(u.role, *updates.role);
    if (updates.auth0_sub) set.emplace_back(u.auth0_sub, *updates.auth0_sub);
    // Nothing to change: the user as it is (no write, updated_at untouched).
    if (set.empty()) return find_one(c, u, u.username == username);
    set.emplace_back(u.updated_at, now());
    Dml stmt = update(u);
    stmt.set(std::move(set)).where(u.username == username).returning(user_columns(u));
    try {
      return Db::savepoint(c, [&](Connection& sc) -> std::optional<User> {
        auto row = sc.execute(stmt).one_or_none();
        if (!row) return std::nullopt;
        return read_user(u, *row);
      });
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::unique) throw;
      const auto self = find_one(c, u, u.username == username);
      throw_duplicate(c, u, std::nullopt, updates.email, updates.auth0_sub,
                      self ? std::optional<std::int64_t>(self->id) : std::nullopt);
    }
  });
}

bool UserOperations::update_user_password(const std::string& username,
                                          const std::string& hashed_password) {
  return db_.run([&](Connection& c) {
    const auto& u = db_.schema().users;
    return c.execute(update(u)
                         .set({{u.password_hash, hashed_password}, {u.updated_at, now()}})
                         .where(u.username == username))
               .rowcount() > 0;
  });
}

void UserOperations::update_last_login(const std::string& username) {
  db_.run([&](Connection& c) {
    const auto& u = db_.schema().users;
    c.execute(update(u).set({{u.last_login, now()}}).where(u.username == username));
  });
}

User UserOperations::get_or_create_auth0_user(const std::string& auth0_sub,
                                              const std::string& email,
                                              const std::optional<std::string>& name,
                                              const std::optional<std::string>& picture) {
  require_text(auth0_sub, "the Auth0 subject");
  require_text(email, "the email");
  return db_.run([&](Connection& c) -> User {
    const auto& u = db_.schema().users;
    // Stamp the login (and refresh the profile, link the subject) on user `id`; the row after.
    auto log_in = [&](std::int64_t id, bool link) {
      std::vector<Assignment> set{{u.last_login, now()}};
      if (link) set.emplace_back(u.auth0_sub, auth0_sub);
      if (name) set.emplace_back(u.name, *name);
      if (picture) set.emplace_back(u.picture, *picture);
      if (link || name || picture) set.emplace_back(u.updated_at, now());
      Dml stmt = update(u);
      stmt.set(std::move(set)).where(u.id == id).returning(user_columns(u));
      return read_user(u, c.execute(stmt).one());
    };
    // An existing account with this email: link it, unless it is linked to another identity
    // (a different Auth0 subject claiming the address is refused rather than taking over).
    auto by_email = [&]() -> std::optional<User> {
      auto row =
          c.execute(select(user_columns(u)).where(email_is(u, email)).order_by({u.id})).first();
      if (!row) return std::nullopt;
      User existing = read_user(u, *row);
      if (existing.auth0_sub && *existing.auth0_sub != auth0_sub)
        throw DuplicateError("trinity-db: the email '" + email +
                             "' belongs to a user linked to another Auth0 identity");
      return log_in(existing.id, true);
    };

    if (auto known = find_one(c, u, u.auth0_sub == auth0_sub)) return log_in(known->id, false);
    if (auto linked = by_email()) return *linked;
    // A new user named after the email; "<email>-2", "-3", ... when that username is taken.
    for (int attempt = 1;; ++attempt) {
      const std::string username = attempt == 1 ? email : email + "-" + std::to_string(attempt);
      Dml stmt = insert(u);
      stmt.values({{u.username, username},
                   {u.email, email},
                   {u.auth0_sub, auth0_sub},
                   {u.name, name},
                   {u.picture, picture},
                   {u.last_login, now()}});
      stmt.returning(user_columns(u));
      try {
        return Db::savepoint(c,
                             [&](Connection& sc) { return read_user(u, sc.execute(stmt).one()); });
      } catch (const IntegrityError& e) {
        if (e.kind() != IntegrityKind::unique) throw;
        // A concurrent first login of the same identity or address won the race: use its row.
        if (auto known = find_one(c, u, u.auth0_sub == auth0_sub)) return log_in(known->id, false);
        if (auto linked = by_email()) return *linked;
        if (attempt >= 100) throw;  // the username kept colliding: give up loudly
      }
    }
  });
}

std::vector<User> UserOperations::list_users() {
  return db_.read([&](Connection& c) {
    const auto& u = db_.schema().users;
    std::vector<User> out;
    for (const Row& r : c.execute(select(user_columns(u)).order_by({u.created_at, u.id})))
      out.push_back(read_user(u, r));
    return out;
  });
}

std::optional<User> UserOperations::update_user_role(const std::string& username,
                                                     const std::string& role) {
  return update_user(username, UserUpdate{.role = role});
}

}  // namespace trinity::db
