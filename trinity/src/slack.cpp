// SlackOperations: slack_link_connections (bot tokens sealed), slack_user_verifications and
// slack_pending_verifications (see slack.hpp).
#include "trinity/db/slack.hpp"

#include "operation.hpp"

#include "slack_token.hpp"
#include "text.hpp"
#include "trinity/db/secrets.hpp"

namespace trinity::db {

namespace {

constexpr std::string_view kTokenColumn = "slack_link_connections.slack_bot_token";

/// When a pending verification made or updated at `at` expires.
Timestamp pending_expiry(Timestamp at = Timestamp::now()) {
  return Timestamp(at.time_point() + kSlackPendingVerificationTtl);
}

/// The pending verifications of one Slack user in one team.
Expr pending_of(const SlackPendingVerifications& p, const std::string& user,
                const std::string& team) {
  return p.slack_user_id == user && p.slack_team_id == team;
}

/// The link's verifications, pending or done, go with its connection.
void delete_link_verifications(Connection& c, const Schema& s, const std::string& link_id) {
  c.execute(
      delete_from(s.slack_user_verifications).where(s.slack_user_verifications.link_id == link_id));
  c.execute(delete_from(s.slack_pending_verifications)
                .where(s.slack_pending_verifications.link_id == link_id));
}

/// Why inserting the connection failed, as the error the caller gets (read after the
/// savepoint rolled back, in the same transaction).
[[noreturn]] void throw_connection_conflict(Connection& c, const Schema& s, const IntegrityError& e,
                                            const std::string& link_id, const std::string& team,
                                            std::int64_t user_id) {
  const auto& [t, l] = std::tie(s.slack_link_connections, s.agent_public_links);
  if (e.kind() == IntegrityKind::unique) {
    if (c.execute(select(t.id).where(t.link_id == link_id)).first())
      throw DuplicateError("trinity-db: link '" + link_id + "' has a Slack connection already");
    throw DuplicateError("trinity-db: Slack team '" + team + "' is connected already");
  }
  if (e.kind() != IntegrityKind::foreign_key) throw;
  if (!c.execute(select(l.id).where(l.id == link_id)).first())
    throw NotFoundError("trinity-db: no public link '" + link_id + "'");
  throw NotFoundError("trinity-db: no user " + std::to_string(user_id) + " to connect Slack");
}

}  // namespace

SlackConnection SlackOperations::create_slack_connection(
    const std::string& link_id, const std::string& slack_team_id,
    const std::optional<std::string>& slack_team_name, const std::string& slack_bot_token,
    std::int64_t connected_by) {
  const std::string link = checked_name(link_id, "the link id");
  const std::string team = checked_name(slack_team_id, "the Slack team id");
  const std::string sealed =
      secrets_.seal(checked_slack_bot_token(slack_bot_token, "the Slack bot token"), kTokenColumn);
  const auto& [t, m] = std::tie(db_.schema().slack_link_connections, db_.models().slack_connection);
  auto values = m.values({.id = new_id(),
                          .link_id = link,
                          .slack_team_id = team,
                          .slack_team_name = slack_team_name,
                          .connected_by = connected_by,
                          .connected_at = Timestamp::now()});
  values.emplace_back(t.slack_bot_token, sealed);
  return db_.run([&](Connection& c) {
    try {
      return Db::savepoint(c, [&](Connection& sc) { return m.one(sc, m.insert(values)); });
    } catch (const IntegrityError& e) {
      throw_connection_conflict(c, db_.schema(), e, link, team, connected_by);
    }
  });
}

std::optional<SlackConnection> SlackOperations::get_slack_connection(
    const std::string& connection_id) {
  const std::string id = checked_name(connection_id, "the connection id");
  return db_.find(db_.models().slack_connection, db_.schema().slack_link_connections.id == id);
}

std::optional<SlackConnection> SlackOperations::get_slack_connection_by_link(
    const std::string& link_id) {
  const std::string link = checked_name(link_id, "the link id");
  return db_.find(db_.models().slack_connection,
                  db_.schema().slack_link_connections.link_id == link);
}

std::optional<SlackTeamConnection> SlackOperations::get_slack_connection_by_team(
    const std::string& slack_team_id) {
  const std::string team = checked_name(slack_team_id, "the Slack team id");
  const auto& [t, l] =
      std::tie(db_.schema().slack_link_connections, db_.schema().agent_public_links);
  const auto& m = db_.models().slack_team_connection;
  auto row = db_.optional(m, m.select()
                                 .join(l, t.link_id == l.id)
                                 .where(t.slack_team_id == team)
                                 .where(t.enabled.is_null() || t.enabled == true)
                                 .where(l.enabled.is_null() || l.enabled == true));
  if (!row) return std::nullopt;
  SlackTeamConnection out = *row;
  out.require_email = row->link_require_email.value_or(false);
  out.slack_bot_token = secrets_.open(row->slack_bot_token, kTokenColumn);
  return out;
}

std::optional<SlackConnection> SlackOperations::update_slack_connection(
    const std::string& connection_id, const SlackConnectionUpdate& changes) {
  const std::string id = checked_name(connection_id, "the connection id");
  const auto& [t, m] = std::tie(db_.schema().slack_link_connections, db_.models().slack_connection);
  auto set = db_.models().slack_connection_update.changes(changes);
  if (set.empty()) return get_slack_connection(id);
  return db_.run(
      [&](Connection& c) { return m.optional(c, m.update(std::move(set)).where(t.id == id)); });
}

bool SlackOperations::delete_slack_connection(const std::string& connection_id) {
  const std::string id = checked_name(connection_id, "the connection id");
  const auto& t = db_.schema().slack_link_connections;
  return db_.run([&](Connection& c) {
    auto gone = c.execute(delete_from(t).where(t.id == id).returning({t.link_id})).first();
    if (gone) delete_link_verifications(c, db_.schema(), gone->get(t.link_id));
    return gone.has_value();
  });
}

bool SlackOperations::delete_slack_connection_by_link(const std::string& link_id) {
  const std::string link = checked_name(link_id, "the link id");
  const auto& t = db_.schema().slack_link_connections;
  return db_.run([&](Connection& c) {
    delete_link_verifications(c, db_.schema(), link);
    return c.execute(delete_from(t).where(t.link_id == link)).rowcount() > 0;
  });
}

std::optional<SlackUserVerification> SlackOperations::get_user_verification(
    const std::string& link_id, const std::string& slack_user_id,
    const std::string& slack_team_id) {
  const std::string link = checked_name(link_id, "the link id");
  const std::string user = checked_name(slack_user_id, "the Slack user id");
  const std::string team = checked_name(slack_team_id, "the Slack team id");
  const auto& v = db_.schema().slack_user_verifications;
  return db_.find(db_.models().slack_user_verification,
                  v.link_id == link && v.slack_user_id == user && v.slack_team_id == team);
}

SlackUserVerification SlackOperations::create_user_verification(
    const std::string& link_id, const std::string& slack_user_id, const std::string& slack_team_id,
    const std::string& verified_email, const std::string& verification_method) {
  const auto& [v, m] =
      std::tie(db_.schema().slack_user_verifications, db_.models().slack_user_verification);
  const SlackUserVerification in{
      .id = new_id(),
      .link_id = checked_name(link_id, "the link id"),
      .slack_user_id = checked_name(slack_user_id, "the Slack user id"),
      .slack_team_id = checked_name(slack_team_id, "the Slack team id"),
      .verified_email = checked_email(verified_email, "the verified email"),
      .verification_method = checked_name(verification_method, "the verification method"),
      .verified_at = Timestamp::now()};
  auto upsert = m.insert(m.values(in));
  upsert.on_conflict({v.link_id, v.slack_user_id, v.slack_team_id})
      .do_update({v.verified_email, v.verification_method, v.verified_at});
  return db_.run([&](Connection& c) {
    try {
      return m.one(c, upsert);
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::foreign_key) throw;
      throw NotFoundError("trinity-db: no public link '" + in.link_id + "'");
    }
  });
}

std::optional<SlackPendingVerification> SlackOperations::get_pending_verification(
    const std::string& slack_user_id, const std::string& slack_team_id) {
  const std::string user = checked_name(slack_user_id, "the Slack user id");
  const std::string team = checked_name(slack_team_id, "the Slack team id");
  const auto& [p, m] =
      std::tie(db_.schema().slack_pending_verifications, db_.models().slack_pending_verification);
  return db_.first(m, m.select()
                          .where(pending_of(p, user, team) && p.expires_at > now())
                          .order_by({p.created_at.desc(), p.id.desc()}));
}

SlackPendingVerification SlackOperations::create_pending_verification(
    const std::string& link_id, const std::string& slack_user_id, const std::string& slack_team_id,
    const std::optional<std::string>& email, const std::optional<std::string>& code,
    const std::string& state) {
  const auto& [p, m] =
      std::tie(db_.schema().slack_pending_verifications, db_.models().slack_pending_verification);
  const Timestamp at = Timestamp::now();
  const SlackPendingVerification in{
      .id = new_id(),
      .link_id = checked_name(link_id, "the link id"),
      .slack_user_id = checked_name(slack_user_id, "the Slack user id"),
      .slack_team_id = checked_name(slack_team_id, "the Slack team id"),
      .email = email ? std::optional(checked_email(*email)) : std::nullopt,
      .code = code,
      .created_at = at,
      .expires_at = pending_expiry(at),
      .state = checked_name(state, "the state")};
  const auto& l = db_.schema().agent_public_links;
  return db_.run([&](Connection& c) {
    // A no-op UPDATE of the link holds its row lock until commit: creators through one link
    // take turns, so the DELETE below sees the rows of the one before.
    if (c.execute(update(l).set({{l.enabled, l.enabled}}).where(l.id == in.link_id)).rowcount() < 1)
      throw NotFoundError("trinity-db: no public link '" + in.link_id + "'");
    c.execute(delete_from(p).where(pending_of(p, in.slack_user_id, in.slack_team_id)));
    return m.one(c, m.insert(m.values(in)));
  });
}

std::optional<SlackPendingVerification> SlackOperations::update_pending_verification(
    const std::string& slack_user_id, const std::string& slack_team_id,
    const SlackPendingUpdate& changes) {
  const std::string user = checked_name(slack_user_id, "the Slack user id");
  const std::string team = checked_name(slack_team_id, "the Slack team id");
  SlackPendingUpdate ch = changes;
  if (ch.email) ch.email = checked_email(*ch.email);
  if (ch.state) ch.state = checked_name(*ch.state, "the state");
  const auto& [p, m] =
      std::tie(db_.schema().slack_pending_verifications, db_.models().slack_pending_verification);
  auto set = db_.models().slack_pending_update.changes(ch);
  set.emplace_back(p.expires_at, pending_expiry());
  return db_.run([&](Connection& c) {
    return m.first(
        c, m.update(std::move(set)).where(pending_of(p, user, team) && p.expires_at > now()));
  });
}

bool SlackOperations::delete_pending_verification(const std::string& slack_user_id,
                                                  const std::string& slack_team_id) {
  const std::string user = checked_name(slack_user_id, "the Slack user id");
  const std::string team = checked_name(slack_team_id, "the Slack team id");
  const auto& p = db_.schema().slack_pending_verifications;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(p).where(pending_of(p, user, team))).rowcount() > 0;
  });
}

std::int64_t SlackOperations::cleanup_expired_pending_verifications() {
  const auto& p = db_.schema().slack_pending_verifications;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(p).where(p.expires_at <= now())).rowcount();
  });
}

}  // namespace trinity::db
