// PublicLinkOperations: public links, their email verification, usage and per-user memory (see
// public_links.hpp).
//
// The agent is looked up through AgentOperations (a registered agent: not soft-deleted), the
// creating user through UserOperations; both join the operation's transaction.
#include "trinity/db/public_links.hpp"

#include "operation.hpp"

#include "trinity/db/agents.hpp"

#include <algorithm>
#include <chrono>

#include "text.hpp"
#include "trinity/db/users.hpp"

namespace trinity::db {

namespace {

constexpr std::int64_t kMaxExpiryMinutes = 7 * 24 * 60;  // a week
constexpr std::int64_t kMaxSessionHours = 365 * 24;      // a year

/// What is stored for a verification code: bound to its link and address.
std::string code_hash(const std::string& link_id, const std::string& email,
                      const std::string& code) {
  return sha256_hex(link_id + "\n" + email + "\n" + code);
}

/// Throws NotFoundError when there is no link `link_id`.
void require_link(Connection& c, const AgentPublicLinks& l, const std::string& link_id) {
  if (!c.execute(select(l.id).where(l.id == link_id)).first())
    throw NotFoundError("trinity-db: no public link '" + link_id + "'");
}

/// A code not used yet (verified NULL counts as not verified).
Expr unused(const PublicLinkVerifications& v) {
  return v.verified.is_null() || v.verified == false;
}

std::optional<std::string> checked_link_name(const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  return checked_name(*name, "link name");
}

/// SUM(message_count) of the usage rows where `where` holds and that were used in the last
/// `minutes` minutes.
std::int64_t recent_messages(Db& db, const Expr& where, std::int64_t minutes) {
  if (minutes <= 0) return 0;
  const auto& u = db.schema().public_link_usage;
  return db.read([&](Connection& c) {
    return c
        .execute(select(coalesce({sqlcore::sum(u.message_count), 0}))
                     .where(where && u.last_used_at >= now() - sqlcore::minutes(minutes)))
        .scalar<std::int64_t>();
  });
}

/// The values of a new public_user_memory row, counting `messages`.
std::vector<Assignment> new_memory(const PublicUserMemory& t, const std::string& agent,
                                   const std::string& email, std::int64_t messages) {
  const Timestamp now = Timestamp::now();
  return {{t.id, new_id()},    {t.agent_name, agent},       {t.user_email, email},
          {t.memory_text, ""}, {t.message_count, messages}, {t.created_at, now},
          {t.updated_at, now}};
}

}  // namespace

PublicLink PublicLinkOperations::create_public_link(const std::string& agent_name,
                                                    const std::string& created_by,
                                                    const PublicLinkCreate& options) {
  const std::string agent = checked_name(agent_name, "agent name");
  const std::string username = checked_name(created_by, "created_by");
  const std::optional<std::string> name = checked_link_name(options.name);
  return db_.transaction([&] {
    const std::optional<User> user = users_.get_user_by_username(username);
    if (!user) throw NotFoundError("trinity-db: no user '" + username + "'");
    return db_.run([&](Connection& c) {
      const auto& [t, m] = std::tie(db_.schema().agent_public_links, db_.models().public_link);
      if (!agents_.get_agent_owner(agent))
        throw NotFoundError("trinity-db: no agent '" + agent + "'");
      const std::string token = random_token(32);
      PublicLink link = m.one(c, m.insert({{t.id, new_id()},
                                           {t.agent_name, agent},
                                           {t.token, sha256_hex(token)},
                                           {t.created_by, user->id},
                                           {t.created_at, Timestamp::now()},
                                           {t.expires_at, options.expires_at},
                                           {t.enabled, true},
                                           {t.name, name},
                                           {t.require_email, options.require_email},
                                           {t.type, "chat"}}));
      link.token = token;
      return link;
    });
  });
}

std::optional<PublicLink> PublicLinkOperations::get_public_link(const std::string& link_id) {
  const auto& [t, m] = std::tie(db_.schema().agent_public_links, db_.models().public_link);
  return db_.find(m, t.id == link_id);
}

std::optional<PublicLink> PublicLinkOperations::get_public_link_by_token(const std::string& token) {
  if (token.empty()) return std::nullopt;
  const auto& [t, m] = std::tie(db_.schema().agent_public_links, db_.models().public_link);
  return db_.find(m, t.token == sha256_hex(token));
}

std::vector<PublicLink> PublicLinkOperations::list_agent_public_links(
    const std::string& agent_name) {
  const auto& [t, m] = std::tie(db_.schema().agent_public_links, db_.models().public_link);
  return db_.all(
      m, m.select().where(t.agent_name == agent_name).order_by({t.created_at.desc(), t.id.desc()}));
}

std::optional<PublicLink> PublicLinkOperations::update_public_link(
    const std::string& link_id, const PublicLinkUpdate& changes) {
  PublicLinkUpdate given = changes;
  given.name = checked_link_name(changes.name);
  auto set = db_.models().public_link_update.changes(given);
  if (set.empty()) return get_public_link(link_id);
  const auto& [t, m] = std::tie(db_.schema().agent_public_links, db_.models().public_link);
  return db_.run([&](Connection& c) {
    return m.optional(c, m.update(std::move(set)).where(t.id == link_id));
  });
}

bool PublicLinkOperations::delete_public_link(const std::string& link_id) {
  const auto& t = db_.schema().agent_public_links;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(t).where(t.id == link_id)).rowcount() > 0;
  });
}

std::int64_t PublicLinkOperations::delete_agent_public_links(const std::string& agent_name) {
  const auto& t = db_.schema().agent_public_links;
  return db_.run([&](Connection& c) {
    return std::max<std::int64_t>(
        c.execute(delete_from(t).where(t.agent_name == agent_name)).rowcount(), 0);
  });
}

LinkValidity PublicLinkOperations::is_link_valid(const std::string& token) {
  std::optional<PublicLink> link = get_public_link_by_token(token);
  if (!link) return {.valid = false, .reason = "not_found"};
  if (!link->enabled) return {.valid = false, .reason = "disabled"};
  if (link->expires_at && *link->expires_at <= Timestamp::now())
    return {.valid = false, .reason = "expired"};
  return {.valid = true, .link = std::move(link)};
}

PublicLinkVerification PublicLinkOperations::create_verification(const std::string& link_id,
                                                                 const std::string& email,
                                                                 std::int64_t expiry_minutes) {
  const std::string e = checked_email(email);
  if (expiry_minutes <= 0 || expiry_minutes > kMaxExpiryMinutes)
    throw std::invalid_argument("trinity-db: expiry_minutes must be between 1 and a week");
  return db_.run([&](Connection& c) {
    const auto& v = db_.schema().public_link_verifications;
    require_link(c, db_.schema().agent_public_links, link_id);
    PublicLinkVerification out{.id = new_id(), .link_id = link_id, .email = e};
    out.code = random_digits(6);
    out.created_at = Timestamp::now();
    out.expires_at = Timestamp(out.created_at.time_point() + std::chrono::minutes(expiry_minutes));
    out.expires_in_seconds = expiry_minutes * 60;
    // Only the latest code works: the address's earlier live codes for the link expire now.
    c.execute(update(v)
                  .set({{v.expires_at, out.created_at}})
                  .where(v.link_id == link_id && v.email == e && unused(v) &&
                         v.expires_at > out.created_at));
    c.execute(insert(v).values({{v.id, out.id},
                                {v.link_id, link_id},
                                {v.email, e},
                                {v.code, code_hash(link_id, e, out.code)},
                                {v.created_at, out.created_at},
                                {v.expires_at, out.expires_at},
                                {v.verified, false}}));
    return out;
  });
}

CodeVerification PublicLinkOperations::verify_code(const std::string& link_id,
                                                   const std::string& email,
                                                   const std::string& code,
                                                   std::int64_t session_hours) {
  const std::string e = checked_email(email);
  if (session_hours <= 0 || session_hours > kMaxSessionHours)
    throw std::invalid_argument("trinity-db: session_hours must be between 1 and a year");
  const std::string digits = trimmed(code);
  if (digits.empty()) return {.ok = false, .error = "invalid_code"};
  return db_.run([&](Connection& c) -> CodeVerification {
    const auto& v = db_.schema().public_link_verifications;
    const Timestamp now = Timestamp::now();
    const Expr mine = v.link_id == link_id && v.email == e &&
                      v.code == code_hash(link_id, e, digits) && unused(v);
    PublicLinkSession session{random_token(32), e,
                              Timestamp(now.time_point() + std::chrono::hours(session_hours))};
    // One conditional UPDATE checks and uses the code: of two concurrent calls, the second finds
    // it verified (PostgreSQL re-checks the condition after the first commits; SQLite
    // serialises writers).
    auto used = c.execute(update(v)
                              .set({{v.verified, true},
                                    {v.session_token, sha256_hex(session.token)},
                                    {v.session_expires_at, session.expires_at}})
                              .where(mine && v.expires_at > now));
    if (used.rowcount() > 0) return {.ok = true, .session = std::move(session)};
    const bool expired = c.execute(select(v.id).where(mine).limit(1)).first().has_value();
    return {.ok = false, .error = expired ? "code_expired" : "invalid_code"};
  });
}

SessionValidation PublicLinkOperations::validate_session(const std::string& link_id,
                                                         const std::string& session_token) {
  if (session_token.empty()) return {};
  const auto& v = db_.schema().public_link_verifications;
  auto email = db_.read([&](Connection& c) {
    return c
        .execute(select(v.email)
                     .where(v.link_id == link_id && v.session_token == sha256_hex(session_token) &&
                            v.verified == true && v.session_expires_at > now())
                     .limit(1))
        .scalar<std::optional<std::string>>();
  });
  return {.valid = email.has_value(), .email = std::move(email)};
}

std::int64_t PublicLinkOperations::count_recent_verification_requests(const std::string& email,
                                                                      std::int64_t minutes) {
  if (minutes <= 0) return 0;
  const std::string e = normalized(email);
  const auto& v = db_.schema().public_link_verifications;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(count()).where(v.email == e &&
                                       v.created_at >= now() - sqlcore::minutes(minutes)))
        .scalar<std::int64_t>();
  });
}

LinkUsage PublicLinkOperations::record_usage(const std::string& link_id,
                                             const std::optional<std::string>& email,
                                             const std::optional<std::string>& ip_address) {
  const std::optional<std::string> e = email ? std::optional(checked_email(*email)) : std::nullopt;
  return db_.run([&](Connection& c) {
    const auto& [u, m] = std::tie(db_.schema().public_link_usage, db_.models().link_usage);
    require_link(c, db_.schema().agent_public_links, link_id);
    const Timestamp now = Timestamp::now();
    return m.one(c, m.insert({{u.id, new_id()},
                              {u.link_id, link_id},
                              {u.email, e},
                              {u.ip_address, ip_address},
                              {u.message_count, std::int64_t{1}},
                              {u.created_at, now},
                              {u.last_used_at, now}}));
  });
}

LinkUsageStats PublicLinkOperations::get_link_usage_stats(const std::string& link_id) {
  const auto& u = db_.schema().public_link_usage;
  return db_.read([&](Connection& c) {
    const Row row =
        c.execute(select(coalesce({sqlcore::sum(u.message_count), 0}), count_distinct(u.email),
                         count_distinct(u.ip_address), sqlcore::max(u.last_used_at))
                      .where(u.link_id == link_id))
            .one();
    return LinkUsageStats{.total_messages = row.get<std::int64_t>(std::size_t{0}),
                          .unique_users = row.get<std::int64_t>(std::size_t{1}),
                          .unique_ips = row.get<std::int64_t>(std::size_t{2}),
                          .last_used_at = row.get<std::optional<Timestamp>>(std::size_t{3})};
  });
}

std::int64_t PublicLinkOperations::count_recent_messages_by_ip(const std::string& ip_address,
                                                               std::int64_t minutes) {
  return recent_messages(db_, db_.schema().public_link_usage.ip_address == ip_address, minutes);
}

std::int64_t PublicLinkOperations::count_recent_messages_by_token(const std::string& link_id,
                                                                  std::int64_t minutes) {
  return recent_messages(db_, db_.schema().public_link_usage.link_id == link_id, minutes);
}

UserMemory PublicLinkOperations::get_or_create_user_memory(const std::string& agent_name,
                                                           const std::string& user_email) {
  const std::string agent = checked_name(agent_name, "agent name");
  const std::string e = checked_email(user_email, "user email");
  return db_.run([&](Connection& c) {
    const auto& [t, m] = std::tie(db_.schema().public_user_memory, db_.models().user_memory);
    // The unique (agent_name, user_email) decides between concurrent creators, without an error.
    if (auto made = m.insert_new(c, new_memory(t, agent, e, 0), {t.agent_name, t.user_email}))
      return *made;
    return m.one(c, m.select().where(t.agent_name == agent && t.user_email == e));
  });
}

std::int64_t PublicLinkOperations::increment_message_count(const std::string& agent_name,
                                                           const std::string& user_email) {
  const std::string agent = checked_name(agent_name, "agent name");
  const std::string e = checked_email(user_email, "user email");
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().public_user_memory;
    // One upsert: the count is incremented where it is stored, so no increment is lost.
    return c
        .execute(insert(t)
                     .values(new_memory(t, agent, e, 1))
                     .on_conflict({t.agent_name, t.user_email})
                     .do_update({{t.message_count, coalesce({t.message_count, 0}) + 1},
                                 {t.updated_at, Timestamp::now()}})
                     .returning({t.message_count}))
        .scalar<std::int64_t>();
  });
}

bool PublicLinkOperations::update_user_memory(const std::string& agent_name,
                                              const std::string& user_email,
                                              const std::string& memory_text) {
  const std::string agent = checked_name(agent_name, "agent name");
  const std::string e = checked_email(user_email, "user email");
  const auto& t = db_.schema().public_user_memory;
  return db_.run([&](Connection& c) {
    return c.execute(update(t)
                         .set({{t.memory_text, memory_text}, {t.updated_at, Timestamp::now()}})
                         .where(t.agent_name == agent && t.user_email == e))
               .rowcount() > 0;
  });
}

}  // namespace trinity::db
