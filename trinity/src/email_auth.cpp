// EmailAuthOperations: the email whitelist and single-use login codes (see email_auth.hpp).
#include "trinity/db/email_auth.hpp"

#include "operation.hpp"

#include <algorithm>
#include <chrono>

#include "text.hpp"
#include "trinity/db/users.hpp"

namespace trinity::db {

namespace {

/// What is stored for a code: bound to the address.
std::string code_hash(const std::string& normalized_email, const std::string& code) {
  return sha256_hex(normalized_email + "\n" + code);
}

/// Whether `e` (normalised) is on the whitelist; lower(): rows written before emails were
/// normalised may have capitals.
bool whitelisted(Connection& c, const EmailWhitelist& t, const std::string& e) {
  return c.execute(select(t.id).where(lower(t.email) == e).limit(1)).first().has_value();
}

}  // namespace

bool EmailAuthOperations::is_email_whitelisted(const std::string& email) {
  const std::string e = normalized(email);
  return db_.read([&](Connection& c) { return whitelisted(c, db_.schema().email_whitelist, e); });
}

bool EmailAuthOperations::add_to_whitelist(const std::string& email, const std::string& added_by,
                                           const std::string& source) {
  const std::string e = normalized(email);
  if (e.empty()) throw std::invalid_argument("add_to_whitelist: the email is empty");
  return db_.transaction([&] {
    const std::optional<User> by = users_.get_user_by_username(added_by);
    if (!by) throw NotFoundError("add_to_whitelist: no user '" + added_by + "'");
    return db_.run([&](Connection& c) {
      const auto& t = db_.schema().email_whitelist;
      if (whitelisted(c, t, e)) return false;
      // A concurrent add of the same address: the unique key decides, without an error.
      auto res = c.execute(insert(t)
                               .values({{t.email, e},
                                        {t.added_by, by->id},
                                        {t.added_at, Timestamp::now()},
                                        {t.source, source},
                                        {t.default_role, "user"}})
                               .on_conflict({t.email})
                               .do_nothing());
      return res.rowcount() > 0;
    });
  });
}

bool EmailAuthOperations::remove_from_whitelist(const std::string& email) {
  const std::string e = normalized(email);
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().email_whitelist;
    return c.execute(delete_from(t).where(lower(t.email) == e)).rowcount() > 0;
  });
}

std::vector<WhitelistEntry> EmailAuthOperations::list_whitelist(std::int64_t limit) {
  if (limit <= 0) return {};
  const auto& [t, u, m] =
      std::tie(db_.schema().email_whitelist, db_.schema().users, db_.models().whitelist_entry);
  auto q = m.select().outer_join(u, u.id == t.added_by).order_by({t.added_at.desc(), t.id.desc()});
  return db_.all(m, q.limit(limit));
}

LoginCode EmailAuthOperations::create_login_code(const std::string& email,
                                                 std::int64_t expiry_minutes) {
  const std::string e = normalized(email);
  if (e.empty()) throw std::invalid_argument("create_login_code: the email is empty");
  if (expiry_minutes <= 0)
    throw std::invalid_argument("create_login_code: expiry_minutes must be positive");
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().email_login_codes;
    LoginCode out;
    out.id = new_id();
    out.email = e;
    out.code = random_digits(6);
    out.created_at = Timestamp::now();
    out.expires_at = Timestamp(out.created_at.time_point() + std::chrono::minutes(expiry_minutes));
    c.execute(insert(t).values({{t.id, out.id},
                                {t.email, e},
                                {t.code, code_hash(e, out.code)},
                                {t.created_at, out.created_at},
                                {t.expires_at, out.expires_at},
                                {t.verified, false},
                                {t.purpose, "login"}}));
    return out;
  });
}

std::optional<VerifiedLoginCode> EmailAuthOperations::verify_login_code(const std::string& email,
                                                                        const std::string& code) {
  const std::string e = normalized(email);
  const std::string digits = trimmed(code);
  if (e.empty() || digits.empty()) return std::nullopt;
  return db_.run([&](Connection& c) -> std::optional<VerifiedLoginCode> {
    const auto& t = db_.schema().email_login_codes;
    const Timestamp now = Timestamp::now();
    const Expr unused = (t.verified.is_null() || t.verified == false) && t.used_at.is_null();
    // One statement checks and uses the code: of two concurrent calls, the second finds it used
    // (PostgreSQL re-checks the condition after the first commits; SQLite serialises writers).
    auto rows = c.execute(update(t)
                              .set({{t.verified, true}, {t.used_at, now}})
                              .where(t.email == e && t.code == code_hash(e, digits) && unused &&
                                     t.expires_at > now)
                              .returning({t.id, t.email, t.created_at, t.expires_at}))
                    .all();
    if (rows.empty()) return std::nullopt;
    VerifiedLoginCode out;
    out.id = rows.front().get(t.id);
    out.email = rows.front().get(t.email);
    out.created_at = rows.front().get(t.created_at);
    out.expires_at = rows.front().get(t.expires_at);
    out.used_at = now;
    // The address's other outstanding codes are used up too: one login per mail.
    c.execute(update(t).set({{t.used_at, now}}).where(t.email == e && unused));
    return out;
  });
}

std::int64_t EmailAuthOperations::count_recent_code_requests(const std::string& email,
                                                             std::int64_t minutes) {
  const std::string e = normalized(email);
  const auto& t = db_.schema().email_login_codes;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(count()).where(t.email == e &&
                                       t.created_at >= now() - sqlcore::minutes(minutes)))
        .scalar<std::int64_t>();
  });
}

std::int64_t EmailAuthOperations::cleanup_old_codes(std::int64_t days) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().email_login_codes;
    return c.execute(delete_from(t).where(t.expires_at < now() - sqlcore::days(days))).rowcount();
  });
}

User EmailAuthOperations::get_or_create_email_user(const std::string& email) {
  const std::string e = normalized(email);
  if (e.empty()) throw std::invalid_argument("get_or_create_email_user: the email is empty");
  return db_.transaction([&] {
    if (auto u = users_.get_user_by_email(e)) return *u;
    const std::string role = db_.run([&](Connection& c) {
      const auto& t = db_.schema().email_whitelist;
      return c.execute(select(t.default_role).where(lower(t.email) == e).limit(1))
          .scalar<std::optional<std::string>>()
          .value_or("user");
    });
    try {
      // create_user runs in a savepoint of this transaction: a duplicate leaves it usable.
      return users_.create_user({.username = e, .role = role, .email = e});
    } catch (const DuplicateError&) {
      // Created concurrently (the unique key on lower(email) decided): that user is ours.
      if (auto u = users_.get_user_by_email(e)) return *u;
      throw;  // the username is taken by an account with another email
    }
  });
}

}  // namespace trinity::db
