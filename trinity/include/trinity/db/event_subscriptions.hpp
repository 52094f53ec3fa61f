// EventSubscriptionOperations: agents announcing events and subscribing to each other's (tables
// agent_event_subscriptions, one row per subscriber, source and event type; and agent_events, the
// log of events published).
//
//   dbm.event_subscriptions().create_subscription(
//       "tester", {.source_agent = "coder", .event_type = "build.done", .target_message = "Test
//       it"}, "ada");
//   auto subs = dbm.event_subscriptions().find_matching_subscriptions("coder", "build.done");
//
// Rules (where the original left them open):
// - A subscription is unique per (subscriber, source, event type): a second one, by a
//   create_subscription() or an update_subscription() changing the event type, is a
//   DuplicateError and the first is kept; of concurrent creators one makes the row.
// - Event types match exactly (no wildcards); only enabled subscriptions match.
// - Agent names and event types are trimmed and must not be empty; the target message must not
//   be empty (std::invalid_argument, before any statement).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>

namespace trinity::db {

class Db;

struct EventSubscriptionCreate {
  std::string source_agent;
  std::string event_type;
  /// The message the subscriber is sent when the event happens.
  std::string target_message;
  bool enabled = true;
};

/// update_subscription()'s changes: the fields given are changed, the others kept.
struct EventSubscriptionUpdate {
  std::optional<std::string> event_type = std::nullopt;
  std::optional<std::string> target_message = std::nullopt;
  std::optional<bool> enabled = std::nullopt;
};

struct EventSubscription {
  std::string id;
  std::string subscriber_agent;
  std::string source_agent;
  std::string event_type;
  std::string target_message;
  bool enabled = true;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
  std::string created_by;
};

/// An event an agent published.
struct AgentEvent {
  std::string id;
  std::string source_agent;
  std::string event_type;
  std::optional<sqlcore::Json> payload;
  std::int64_t subscriptions_triggered = 0;
  sqlcore::Timestamp created_at;
};

class EventSubscriptionOperations {
 public:
  explicit EventSubscriptionOperations(Db& db) : db_(db) {}

  /// `subscriber_agent` subscribes to `data.event_type` events of `data.source_agent`; returns
  /// the subscription as stored. DuplicateError when it has that subscription already.
  EventSubscription create_subscription(const std::string& subscriber_agent,
                                        const EventSubscriptionCreate& data,
                                        const std::string& created_by);
  std::optional<EventSubscription> get_subscription(const std::string& subscription_id);
  /// The subscriptions matching the filters given, newest first, at most `limit` (negative:
  /// std::invalid_argument).
  std::vector<EventSubscription> list_subscriptions(
      const std::optional<std::string>& subscriber_agent = std::nullopt,
      const std::optional<std::string>& source_agent = std::nullopt, bool enabled_only = false,
      std::int64_t limit = 100);
  /// Changes the fields given (updated_at = now) and returns the subscription as stored; nullopt
  /// when there is none. With nothing given, the subscription as it is (nothing written).
  std::optional<EventSubscription> update_subscription(const std::string& subscription_id,
                                                       const EventSubscriptionUpdate& changes);
  /// True when the subscription existed.
  bool delete_subscription(const std::string& subscription_id);
  /// Deletes the subscriptions of `agent_name` and those to its events (an agent going away);
  /// returns how many.
  std::int64_t delete_agent_subscriptions(const std::string& agent_name);
  /// The enabled subscriptions to `event_type` events of `source_agent`, oldest first: one
  /// statement.
  std::vector<EventSubscription> find_matching_subscriptions(const std::string& source_agent,
                                                             const std::string& event_type);
  /// Records an event (created_at = now) and returns it as stored.
  AgentEvent create_event(const std::string& source_agent, const std::string& event_type,
                          const std::optional<sqlcore::Json>& payload = std::nullopt,
                          std::int64_t subscriptions_triggered = 0);
  /// The events matching the filters given, newest first, at most `limit` (negative:
  /// std::invalid_argument).
  std::vector<AgentEvent> list_events(const std::optional<std::string>& source_agent = std::nullopt,
                                      const std::optional<std::string>& event_type = std::nullopt,
                                      std::int64_t limit = 50);

 private:
  Db& db_;
};

}  // namespace trinity::db
