// SubscriptionOperations: model subscriptions, their assignment to agents, rate-limit events and
// usage (see subscriptions.hpp). Tokens are sealed before any statement and opened only by
// get_subscription_token; every cut-off is a bound timestamp computed here.
#include "trinity/db/subscriptions.hpp"

#include "operation.hpp"

#include <string_view>

#include "text.hpp"
#include "trinity/db/schedule_executions.hpp"
#include "trinity/db/secrets.hpp"

namespace trinity::db {

namespace {

constexpr std::string_view kTokenColumn = "subscription_credentials.encrypted_credentials";

Timestamp before(Timestamp t, std::chrono::hours h) {
  return Timestamp(t.time_point() - h);
}

/// Refuses an empty token or one holding white space or a control character (never naming it).
void check_token(std::string_view token) {
  if (token.empty()) throw std::invalid_argument("trinity-db: the subscription token is empty");
  for (const unsigned char ch : token)
    if (ch <= 0x20 || ch == 0x7f)
      throw std::invalid_argument(
          "trinity-db: the subscription token holds white space or a control character");
}

/// `id` when not empty (an id a write needs); else std::invalid_argument naming `what`.
const std::string& checked_id(const std::string& id, const char* what) {
  if (id.empty()) throw std::invalid_argument(std::string("trinity-db: ") + what + " is empty");
  return id;
}

/// The registered (not soft-deleted) agents assigned to the subscription row of the enclosing
/// statement. agent_ownership is aliased so that a statement joining it too keeps them apart.
Expr agent_count(const Schema& s) {
  const auto& a = s.agent_ownership;
  const sqlcore::FromItem ao = sqlcore::alias(a, "ao_count");
  return sqlcore::scalar(select(count()).select_from(ao).where(
      ao[a.subscription_id] == s.subscription_credentials.id && ao[a.deleted_at].is_null()));
}

/// Subscriptions with their owner's email and agent count: add where() and order_by().
Select subscriptions(const Db& db) {
  const auto& s = db.schema();
  Select q = db.models().subscription.select();
  q.join(s.users, s.users.id == s.subscription_credentials.owner_id)
      .add_columns({agent_count(s).label("agent_count")});
  return q;
}

SubscriptionCredential read_subscription(const Db& db, const Row& r) {
  SubscriptionCredential out = db.models().subscription.read(r);
  out.agent_count = r.get<std::int64_t>("agent_count");
  return out;
}

std::optional<SubscriptionCredential> first_subscription(Connection& c, const Db& db,
                                                         const Select& q) {
  auto row = c.execute(q).first();
  if (!row) return std::nullopt;
  return read_subscription(db, *row);
}

/// The subscription `subscription_id` has a rate-limit event after `since`.
Expr rate_limited(const Schema& s, const Expr& subscription_id, Timestamp since) {
  const auto& e = s.subscription_rate_limit_events;
  return sqlcore::exists(select(e.id).select_from(e).where(e.subscription_id == subscription_id &&
                                                           e.occurred_at > since));
}

/// The subscription an agent should use: not rate-limited, fewest agents, then by name (id last,
/// for a total order), leaving out `except`.
Select least_used(const Db& db, const std::optional<std::string>& except) {
  const auto& s = db.schema();
  const auto& sc = s.subscription_credentials;
  const Timestamp since = before(Timestamp::now(), SubscriptionOperations::kRateLimitWindow);
  Select q = subscriptions(db);
  q.where(!rate_limited(s, sc.id, since));
  if (except) q.where(sc.id != *except);
  q.order_by({agent_count(s), sc.name, sc.id}).limit(1);
  return q;
}

/// One row of conditional sums over `rows` (already limited to the long window), the short
/// window being `recent`; each labelled `prefix` + in/out/cost/n + _5h or _7d.
std::vector<Expr> usage_sums(const std::string& prefix, const Expr& recent, const Expr& id,
                             const Expr& input, const std::optional<Expr>& output,
                             const Expr& cost) {
  const auto sum_int = [](const Expr& e) {
    return sqlcore::cast(sqlcore::sum(e), sqlcore::types::BigInteger);
  };
  const auto in_short = [&](const Expr& e) { return sqlcore::case_({{recent, e}}); };
  std::vector<Expr> out = {sum_int(in_short(input)).label(prefix + "in_5h"),
                           sum_int(input).label(prefix + "in_7d"),
                           sqlcore::sum(in_short(cost)).label(prefix + "cost_5h"),
                           sqlcore::sum(cost).label(prefix + "cost_7d"),
                           count(in_short(id)).label(prefix + "n_5h"),
                           count(id).label(prefix + "n_7d")};
  if (output) {
    out.push_back(sum_int(in_short(*output)).label(prefix + "out_5h"));
    out.push_back(sum_int(*output).label(prefix + "out_7d"));
  }
  return out;
}

/// The usage window `suffix` ("_5h", "_7d") of a get_subscription_usage row.
SubscriptionUsageWindow window_of(const Row& r, const std::string& suffix) {
  const auto n = [&](const std::string& name) {
    return r.get<std::optional<std::int64_t>>(name + suffix).value_or(0);
  };
  const auto x = [&](const std::string& name) {
    return r.get<std::optional<double>>(name + suffix).value_or(0.0);
  };
  return {.input_tokens = n("chat_in") + n("exec_in"),
          .output_tokens = n("chat_out"),
          .cost_usd = x("chat_cost") + x("exec_cost"),
          .message_count = n("chat_n") + n("exec_n")};
}

/// The statement of get_subscription_usage: one row per assigned agent (one row with a NULL
/// agent when none), each with the sums of two one-row derived tables (assistant messages and
/// finished executions of the subscription in the long window, from the indexes on
/// (subscription_id, time)); no row when there is no such subscription.
Select usage_statement(const Schema& s, const std::string& id, Timestamp now) {
  const auto& [m, x, sc, a] = std::tie(s.chat_messages, s.schedule_executions,
                                       s.subscription_credentials, s.agent_ownership);
  const Timestamp short_since = before(now, SubscriptionOperations::kUsageShortWindow);
  const Timestamp long_since = before(now, SubscriptionOperations::kUsageLongWindow);
  Select chat = select(usage_sums("chat_", m.timestamp >= short_since, m.id, m.context_used,
                                  Expr(m.output_tokens), m.cost));
  chat.select_from(m).where(m.subscription_id == id && m.role == "assistant" &&
                            m.timestamp >= long_since);
  Select exec = select(
      usage_sums("exec_", x.started_at >= short_since, x.id, x.context_used, std::nullopt, x.cost));
  exec.select_from(x).where(
      x.subscription_id == id && x.started_at >= long_since &&
      x.status.not_in({execution_status::kRunning, execution_status::kPending}));
  const sqlcore::FromItem chat_usage = chat.subquery("chat_usage");
  const sqlcore::FromItem exec_usage = exec.subquery("exec_usage");
  Select q = select(a.agent_name);
  for (const char* w : {"_5h", "_7d"})
    for (const char* f : {"chat_in", "chat_out", "chat_cost", "chat_n"})
      q.add_columns({chat_usage.c(std::string(f) + w)});
  for (const char* w : {"_5h", "_7d"})
    for (const char* f : {"exec_in", "exec_cost", "exec_n"})
      q.add_columns({exec_usage.c(std::string(f) + w)});
  // The subscription last: the outer join's condition refers to it.
  q.select_from(chat_usage).select_from(exec_usage).select_from(sc);
  q.outer_join(a, a.subscription_id == sc.id && a.deleted_at.is_null())
      .where(sc.id == id)
      .order_by({a.agent_name});
  return q;
}

}  // namespace

SubscriptionCredential SubscriptionOperations::create_subscription(
    const std::string& name, const std::string& token, std::int64_t owner_id,
    const std::optional<std::string>& subscription_type,
    const std::optional<std::string>& rate_limit_tier) {
  const std::string n = checked_name(name, "the subscription name");
  check_token(token);
  if (owner_id < 0) throw std::invalid_argument("trinity-db: the owner id is negative");
  const std::string sealed = secrets_.seal(token, kTokenColumn);
  const auto& sc = db_.schema().subscription_credentials;
  try {
    return db_.run([&](Connection& c) {
      const std::string id = new_id();
      const Timestamp now = Timestamp::now();
      auto made = c.execute(insert(sc)
                                .values({{sc.id, id},
                                         {sc.name, n},
                                         {sc.encrypted_credentials, sealed},
                                         {sc.subscription_type, subscription_type},
                                         {sc.rate_limit_tier, rate_limit_tier},
                                         {sc.owner_id, owner_id},
                                         {sc.created_at, now},
                                         {sc.updated_at, now}})
                                .on_conflict({sc.name})
                                .do_nothing()
                                .returning({sc.id}))
                      .first();
      if (!made) throw DuplicateError("trinity-db: a subscription named '" + n + "' exists");
      return *first_subscription(c, db_, subscriptions(db_).where(sc.id == id));
    });
  } catch (const IntegrityError& e) {
    if (e.kind() != IntegrityKind::foreign_key) throw;
    throw NotFoundError("trinity-db: cannot create subscription '" + n + "': no user with id " +
                        std::to_string(owner_id));
  }
}

std::optional<SubscriptionCredential> SubscriptionOperations::get_subscription(
    const std::string& subscription_id) {
  const auto& sc = db_.schema().subscription_credentials;
  return db_.read([&](Connection& c) {
    return first_subscription(c, db_, subscriptions(db_).where(sc.id == subscription_id));
  });
}

std::optional<SubscriptionCredential> SubscriptionOperations::get_subscription_by_name(
    const std::string& name) {
  const auto& sc = db_.schema().subscription_credentials;
  return db_.read([&](Connection& c) {
    return first_subscription(c, db_, subscriptions(db_).where(sc.name == trimmed(name)));
  });
}

std::optional<std::string> SubscriptionOperations::get_subscription_token(
    const std::string& subscription_id) {
  const auto& sc = db_.schema().subscription_credentials;
  const auto sealed = db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.execute(select(sc.encrypted_credentials).where(sc.id == subscription_id)).first();
    return row ? std::optional(row->get(sc.encrypted_credentials)) : std::nullopt;
  });
  if (!sealed) return std::nullopt;
  return secrets_.open(*sealed, kTokenColumn);
}

std::vector<SubscriptionCredential> SubscriptionOperations::list_subscriptions(
    std::optional<std::int64_t> owner_id) {
  if (owner_id && *owner_id < 0)
    throw std::invalid_argument("trinity-db: the owner id is negative");
  const auto& sc = db_.schema().subscription_credentials;
  Select q = subscriptions(db_);
  if (owner_id) q.where(sc.owner_id == *owner_id);
  q.order_by({sc.name, sc.id});
  return db_.read([&](Connection& c) {
    std::vector<SubscriptionCredential> out;
    for (const Row& r : c.execute(q)) out.push_back(read_subscription(db_, r));
    return out;
  });
}

std::vector<SubscriptionWithAgents> SubscriptionOperations::list_subscriptions_with_agents(
    std::optional<std::int64_t> owner_id) {
  if (owner_id && *owner_id < 0)
    throw std::invalid_argument("trinity-db: the owner id is negative");
  const auto& [sc, u, a] = std::tie(db_.schema().subscription_credentials, db_.schema().users,
                                    db_.schema().agent_ownership);
  Select q = db_.models().subscription.select();
  q.join(u, u.id == sc.owner_id)
      .outer_join(a, a.subscription_id == sc.id && a.deleted_at.is_null())
      .add_columns({a.agent_name});
  if (owner_id) q.where(sc.owner_id == *owner_id);
  q.order_by({sc.name, sc.id, a.agent_name});
  return db_.read([&](Connection& c) {
    std::vector<SubscriptionWithAgents> out;
    for (const Row& r : c.execute(q)) {
      SubscriptionCredential sub = db_.models().subscription.read(r);
      if (out.empty() || out.back().id != sub.id) out.push_back({sub, {}});
      if (auto agent = r.get<std::optional<std::string>>("agent_name")) {
        out.back().agents.push_back(std::move(*agent));
        out.back().agent_count = static_cast<std::int64_t>(out.back().agents.size());
      }
    }
    return out;
  });
}

bool SubscriptionOperations::delete_subscription(const std::string& subscription_id) {
  const auto& [sc, a] =
      std::tie(db_.schema().subscription_credentials, db_.schema().agent_ownership);
  return db_.run([&](Connection& c) {
    c.execute(
        update(a).set({{a.subscription_id, Value()}}).where(a.subscription_id == subscription_id));
    // Its rate-limit events go with it (ON DELETE CASCADE).
    return c.execute(delete_from(sc).where(sc.id == subscription_id)).rowcount() > 0;
  });
}

bool SubscriptionOperations::assign_subscription_to_agent(const std::string& agent_name,
                                                          const std::string& subscription_id) {
  const auto& [sc, a] =
      std::tie(db_.schema().subscription_credentials, db_.schema().agent_ownership);
  auto stmt =
      update(a)
          .set({{a.subscription_id, subscription_id}})
          .where(a.agent_name == agent_name && a.deleted_at.is_null() &&
                 sqlcore::exists(select(sc.id).select_from(sc).where(sc.id == subscription_id)));
  try {
    return db_.run([&](Connection& c) { return c.execute(stmt).rowcount() > 0; });
  } catch (const IntegrityError& e) {
    // The subscription was deleted between the check and the write.
    if (e.kind() != IntegrityKind::foreign_key) throw;
    return false;
  }
}

bool SubscriptionOperations::clear_agent_subscription(const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return db_.run([&](Connection& c) {
    return c.execute(update(a)
                         .set({{a.subscription_id, Value()}})
                         .where(a.agent_name == agent_name && a.deleted_at.is_null()))
               .rowcount() > 0;
  });
}

std::optional<SubscriptionCredential> SubscriptionOperations::get_agent_subscription(
    const std::string& agent_name) {
  const auto& [sc, a] =
      std::tie(db_.schema().subscription_credentials, db_.schema().agent_ownership);
  Select q = subscriptions(db_);
  q.join(a, a.subscription_id == sc.id).where(a.agent_name == agent_name && a.deleted_at.is_null());
  return db_.read([&](Connection& c) { return first_subscription(c, db_, q); });
}

std::vector<std::string> SubscriptionOperations::get_agents_by_subscription(
    const std::string& subscription_id) {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(a.agent_name)
                     .where(a.subscription_id == subscription_id && a.deleted_at.is_null())
                     .order_by({a.agent_name}))
        .scalars<std::string>();
  });
}

std::optional<std::string> SubscriptionOperations::get_agent_subscription_id(
    const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row =
        c.execute(
             select(a.subscription_id).where(a.agent_name == agent_name && a.deleted_at.is_null()))
            .first();
    return row ? row->get(a.subscription_id) : std::nullopt;
  });
}

std::int64_t SubscriptionOperations::record_rate_limit_event(const std::string& agent_name,
                                                             const std::string& subscription_id,
                                                             const std::string& error_message) {
  checked_id(agent_name, "the agent name");
  checked_id(subscription_id, "the subscription id");
  const auto& [sc, e] =
      std::tie(db_.schema().subscription_credentials, db_.schema().subscription_rate_limit_events);
  return db_.run([&](Connection& c) {
    // Recorders of one subscription take turns: each counts the events of those before it.
    if (!c.execute(select(sc.id).where(sc.id == subscription_id).for_update()).first())
      throw NotFoundError("trinity-db: no subscription with id '" + subscription_id + "'");
    const Timestamp now = Timestamp::now();
    c.execute(insert(e).values({{e.id, new_id()},
                                {e.agent_name, agent_name},
                                {e.subscription_id, subscription_id},
                                {e.error_message, error_message},
                                {e.occurred_at, now}}));
    return c
        .execute(select(count()).select_from(e).where(
            e.agent_name == agent_name && e.subscription_id == subscription_id &&
            e.occurred_at > before(now, kRateLimitWindow)))
        .scalar<std::int64_t>();
  });
}

bool SubscriptionOperations::is_subscription_rate_limited(const std::string& subscription_id) {
  const auto& e = db_.schema().subscription_rate_limit_events;
  const Timestamp since = before(Timestamp::now(), kRateLimitWindow);
  return db_.read([&](Connection& c) {
    return c
        .execute(select(e.id)
                     .where(e.subscription_id == subscription_id && e.occurred_at > since)
                     .limit(1))
        .first()
        .has_value();
  });
}

void SubscriptionOperations::clear_rate_limit_events(const std::string& agent_name,
                                                     const std::string& subscription_id) {
  const auto& e = db_.schema().subscription_rate_limit_events;
  db_.run([&](Connection& c) {
    c.execute(
        delete_from(e).where(e.agent_name == agent_name && e.subscription_id == subscription_id));
  });
}

std::int64_t SubscriptionOperations::cleanup_old_rate_limit_events() {
  const auto& e = db_.schema().subscription_rate_limit_events;
  const Timestamp cutoff = before(Timestamp::now(), kRateLimitRetention);
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(e).where(e.occurred_at < cutoff)).rowcount();
  });
}

std::optional<SubscriptionCredential> SubscriptionOperations::get_least_used_subscription() {
  const Select q = least_used(db_, std::nullopt);
  return db_.read([&](Connection& c) { return first_subscription(c, db_, q); });
}

std::optional<SubscriptionCredential> SubscriptionOperations::select_best_alternative_subscription(
    const std::string& current_subscription_id) {
  const Select q = least_used(db_, current_subscription_id);
  return db_.read([&](Connection& c) { return first_subscription(c, db_, q); });
}

SubscriptionUsage SubscriptionOperations::get_subscription_usage(
    const std::string& subscription_id) {
  const Select q = usage_statement(db_.schema(), subscription_id, Timestamp::now());
  return db_.read([&](Connection& c) {
    SubscriptionUsage out;
    out.subscription_id = subscription_id;
    bool found = false;
    for (const Row& r : c.execute(q)) {
      if (!found) {
        out.window_5h = window_of(r, "_5h");
        out.window_7d = window_of(r, "_7d");
        found = true;
      }
      if (auto agent = r.get<std::optional<std::string>>("agent_name"))
        out.agents.push_back(std::move(*agent));
    }
    if (!found)
      throw NotFoundError("trinity-db: no subscription with id '" + subscription_id + "'");
    return out;
  });
}

}  // namespace trinity::db
