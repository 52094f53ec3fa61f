// UserOperations: accounts, read by column through the typed handles of schema.hpp.
#include "trinity/db/users.hpp"

#include "operation.hpp"

namespace trinity::db {

namespace {

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
  return db_.find(db_.models().user, db_.schema().users.username == username);
}

std::optional<User> UserOperations::get_user_by_auth0_sub(const std::string& auth0_sub) {
  return db_.find(db_.models().user, db_.schema().users.auth0_sub == auth0_sub);
}

std::optional<User> UserOperations::get_user_by_id(std::int64_t user_id) {
  return db_.find(db_.models().user, db_.schema().users.id == user_id);
}

std::optional<User> UserOperations::get_user_by_email(const std::string& email) {
  const auto& [u, m] = std::tie(db_.schema().users, db_.models().user);
  // first(): a database adopted from the original may hold case-variants of one address
  // (written before the unique index); the oldest account wins.
  return db_.first(m, m.select().where(email_is(u, email)).order_by({u.id}));
}

User UserOperations::create_user(const UserCreate& d) {
  require_text(d.username, "the username");
  require_text(d.role, "the role");
  return db_.run([&](Connection& c) {
    const auto& [u, m] = std::tie(db_.schema().users, db_.models().user);
    // created_at / updated_at: the columns' server default now() (written by sqlcore).
    try {
      return Db::savepoint(c, [&](Connection& sc) {
        return m.one(sc, m.insert(db_.models().user_create.values(d)));
      });
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
    const auto& [u, m] = std::tie(db_.schema().users, db_.models().user);
    std::vector<Assignment> set = db_.models().user_update.changes(updates);
    // Nothing to change: the user as it is (no write, updated_at untouched).
    if (set.empty()) return m.optional(c, m.select().where(u.username == username));
    set.emplace_back(u.updated_at, now());
    try {
      return Db::savepoint(c, [&](Connection& sc) {
        return m.optional(sc, m.update(std::move(set)).where(u.username == username));
      });
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::unique) throw;
      const auto self = m.optional(c, m.select().where(u.username == username));
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
    const auto& [u, m] = std::tie(db_.schema().users, db_.models().user);
    // Stamp the login (and refresh the profile, link the subject) on user `id`; the row after.
    auto log_in = [&](std::int64_t id, bool link) {
      std::vector<Assignment> set{{u.last_login, now()}};
      if (link) set.emplace_back(u.auth0_sub, auth0_sub);
      if (name) set.emplace_back(u.name, *name);
      if (picture) set.emplace_back(u.picture, *picture);
      if (link || name || picture) set.emplace_back(u.updated_at, now());
      return m.one(c, m.update(std::move(set)).where(u.id == id));
    };
    // An existing account with this email: link it, unless it is linked to another identity
    // (a different Auth0 subject claiming the address is refused rather than taking over).
    auto by_email = [&]() -> std::optional<User> {
      auto existing = m.first(c, m.select().where(email_is(u, email)).order_by({u.id}));
      if (!existing) return std::nullopt;
      if (existing->auth0_sub && *existing->auth0_sub != auth0_sub)
        throw DuplicateError("trinity-db: the email '" + email +
                             "' belongs to a user linked to another Auth0 identity");
      return log_in(existing->id, true);
    };

    auto by_subject = [&] { return m.optional(c, m.select().where(u.auth0_sub == auth0_sub)); };
    if (auto known = by_subject()) return log_in(known->id, false);
    if (auto linked = by_email()) return *linked;
    // A new user named after the email; "<email>-2", "-3", ... when that username is taken.
    for (int attempt = 1;; ++attempt) {
      const std::string username = attempt == 1 ? email : email + "-" + std::to_string(attempt);
      auto row = db_.models().user_create.values({.username = username,
                                                  .email = email,
                                                  .name = name,
                                                  .picture = picture,
                                                  .auth0_sub = auth0_sub});
      row.emplace_back(u.last_login, now());
      try {
        return Db::savepoint(c,
                             [&](Connection& sc) { return m.one(sc, m.insert(std::move(row))); });
      } catch (const IntegrityError& e) {
        if (e.kind() != IntegrityKind::unique) throw;
        // A concurrent first login of the same identity or address won the race: use its row.
        if (auto known = by_subject()) return log_in(known->id, false);
        if (auto linked = by_email()) return *linked;
        if (attempt >= 100) throw;  // the username kept colliding: give up loudly
      }
    }
  });
}

std::vector<User> UserOperations::list_users() {
  const auto& [u, m] = std::tie(db_.schema().users, db_.models().user);
  return db_.all(m, m.select().order_by({u.created_at, u.id}));
}

std::optional<User> UserOperations::update_user_role(const std::string& username,
                                                     const std::string& role) {
  return update_user(username, UserUpdate{.role = role});
}

}  // namespace trinity::db
