// EventSubscriptionOperations: agent_event_subscriptions (unique subscriber, source, event type)
// and agent_events (see event_subscriptions.hpp).
#include "trinity/db/event_subscriptions.hpp"

#include "operation.hpp"

#include "text.hpp"

namespace trinity::db {

namespace {

[[noreturn]] void throw_duplicate(const std::string& subscriber, const std::string& source,
                                  const std::string& event_type) {
  throw DuplicateError("trinity-db: '" + subscriber + "' is subscribed to '" + event_type +
                       "' events of '" + source + "' already");
}

/// The subscription is enabled (NULL, from before the column had its default, counts as enabled,
/// as EventSubscription reads it).
Expr is_enabled(const AgentEventSubscriptions& t) {
  return t.enabled.is_null() || t.enabled == true;
}

}  // namespace

EventSubscription EventSubscriptionOperations::create_subscription(
    const std::string& subscriber_agent, const EventSubscriptionCreate& data,
    const std::string& created_by) {
  EventSubscriptionCreate d = data;
  const std::string subscriber = checked_name(subscriber_agent, "the subscriber agent");
  d.source_agent = checked_name(d.source_agent, "the source agent");
  d.event_type = checked_name(d.event_type, "the event type");
  checked_text(d.target_message, "the target message");
  const auto& [t, m] =
      std::tie(db_.schema().agent_event_subscriptions, db_.models().event_subscription);
  auto values = db_.models().event_subscription_create.values(d);
  const Timestamp at = Timestamp::now();
  values.insert(values.end(), {{t.id, new_id()},
                               {t.subscriber_agent, subscriber},
                               {t.created_by, created_by},
                               {t.created_at, at},
                               {t.updated_at, at}});
  // ON CONFLICT DO NOTHING: a duplicate, concurrent or not, is no failed statement.
  auto made = db_.run([&](Connection& c) {
    return m.insert_new(c, std::move(values), {t.subscriber_agent, t.source_agent, t.event_type});
  });
  if (!made) throw_duplicate(subscriber, d.source_agent, d.event_type);
  return *made;
}

std::optional<EventSubscription> EventSubscriptionOperations::get_subscription(
    const std::string& subscription_id) {
  const auto& [t, m] =
      std::tie(db_.schema().agent_event_subscriptions, db_.models().event_subscription);
  return db_.find(m, t.id == subscription_id);
}

std::vector<EventSubscription> EventSubscriptionOperations::list_subscriptions(
    const std::optional<std::string>& subscriber_agent,
    const std::optional<std::string>& source_agent, bool enabled_only, std::int64_t limit) {
  checked_count(limit, "the limit");
  const auto& [t, m] =
      std::tie(db_.schema().agent_event_subscriptions, db_.models().event_subscription);
  auto q = m.select();
  if (subscriber_agent) q.where(t.subscriber_agent == *subscriber_agent);
  if (source_agent) q.where(t.source_agent == *source_agent);
  if (enabled_only) q.where(is_enabled(t));
  return db_.all(m, q.order_by({t.created_at.desc(), t.id.desc()}).limit(limit));
}

std::optional<EventSubscription> EventSubscriptionOperations::update_subscription(
    const std::string& subscription_id, const EventSubscriptionUpdate& changes) {
  EventSubscriptionUpdate ch = changes;
  if (ch.event_type) ch.event_type = checked_name(*ch.event_type, "the event type");
  if (ch.target_message) checked_text(*ch.target_message, "the target message");
  const auto& [t, m] =
      std::tie(db_.schema().agent_event_subscriptions, db_.models().event_subscription);
  auto set = db_.models().event_subscription_update.changes(ch);
  if (set.empty()) return get_subscription(subscription_id);
  set.emplace_back(t.updated_at, now());
  return db_.run([&](Connection& c) -> std::optional<EventSubscription> {
    try {
      return Db::savepoint(c, [&](Connection& sc) {
        return m.optional(sc, m.update(std::move(set)).where(t.id == subscription_id));
      });
    } catch (const IntegrityError& e) {
      if (e.kind() != IntegrityKind::unique) throw;
      const auto was = m.optional(c, m.select().where(t.id == subscription_id));
      if (!was || !ch.event_type) throw;
      throw_duplicate(was->subscriber_agent, was->source_agent, *ch.event_type);
    }
  });
}

bool EventSubscriptionOperations::delete_subscription(const std::string& subscription_id) {
  const auto& t = db_.schema().agent_event_subscriptions;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(t).where(t.id == subscription_id)).rowcount() > 0;
  });
}

std::int64_t EventSubscriptionOperations::delete_agent_subscriptions(
    const std::string& agent_name) {
  const auto& t = db_.schema().agent_event_subscriptions;
  return db_.run([&](Connection& c) {
    return c
        .execute(
            delete_from(t).where(t.subscriber_agent == agent_name || t.source_agent == agent_name))
        .rowcount();
  });
}

std::vector<EventSubscription> EventSubscriptionOperations::find_matching_subscriptions(
    const std::string& source_agent, const std::string& event_type) {
  const auto& [t, m] =
      std::tie(db_.schema().agent_event_subscriptions, db_.models().event_subscription);
  return db_.all(
      m, m.select()
             .where(t.source_agent == source_agent && t.event_type == event_type && is_enabled(t))
             .order_by({t.created_at, t.id}));
}

AgentEvent EventSubscriptionOperations::create_event(const std::string& source_agent,
                                                     const std::string& event_type,
                                                     const std::optional<sqlcore::Json>& payload,
                                                     std::int64_t subscriptions_triggered) {
  const std::string source = checked_name(source_agent, "the source agent");
  const std::string type = checked_name(event_type, "the event type");
  checked_count(subscriptions_triggered, "subscriptions_triggered");
  const auto& [t, m] = std::tie(db_.schema().agent_events, db_.models().agent_event);
  return db_.run([&](Connection& c) {
    return m.one(c, m.insert({{t.id, new_id()},
                              {t.source_agent, source},
                              {t.event_type, type},
                              {t.payload, payload},
                              {t.subscriptions_triggered, subscriptions_triggered},
                              {t.created_at, now()}}));
  });
}

std::vector<AgentEvent> EventSubscriptionOperations::list_events(
    const std::optional<std::string>& source_agent, const std::optional<std::string>& event_type,
    std::int64_t limit) {
  checked_count(limit, "the limit");
  const auto& [t, m] = std::tie(db_.schema().agent_events, db_.models().agent_event);
  auto q = m.select();
  if (source_agent) q.where(t.source_agent == *source_agent);
  if (event_type) q.where(t.event_type == *event_type);
  return db_.all(m, q.order_by({t.created_at.desc(), t.id.desc()}).limit(limit));
}

}  // namespace trinity::db
