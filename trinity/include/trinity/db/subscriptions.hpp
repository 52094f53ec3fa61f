// SubscriptionOperations: the model subscriptions (Claude Max / Pro tokens) agents run on, which
// agent uses which, the rate-limit events that make the platform switch an agent to another
// subscription, and each subscription's usage.
//
//   auto sub = dbm.subscriptions().create_subscription("team-max", token, ada.id, "max");
//   dbm.subscriptions().assign_subscription_to_agent("coder", sub.id);
//
// The token is stored sealed (Secrets, column subscription_credentials.encrypted_credentials):
// the token itself, not the original's JSON document around it. No result struct holds it; only
// get_subscription_token() opens it, and throws SecretError when the configured keys cannot.
//
// Rules (where the original left it open):
// - Names are unique, trimmed, 1 to 255 characters without control characters: create refuses a
//   name in use (DuplicateError, nothing written) instead of replacing that subscription's token.
//   Tokens are refused (std::invalid_argument) when empty or holding white space or control
//   characters. Owner ids are user ids: a negative one is std::invalid_argument, an unknown one
//   a NotFoundError.
// - Agents are those registered and not soft-deleted (agent_ownership.deleted_at NULL):
//   `agent_count`, the agent lists and assignment ignore the others.
// - A subscription is rate-limited while it has a rate-limit event less than
//   kRateLimitWindow old (2 hours); events older than kRateLimitRetention (24 hours) are removed
//   by cleanup_old_rate_limit_events(). Cut-offs are computed in C++ and bound.
// - Choosing a subscription (get_least_used_subscription, select_best_alternative_subscription)
//   skips rate-limited ones and takes the fewest agents, then the name (A before B), in one
//   statement. Every stored token is a non-empty sealed value, so the original's skipping of
//   subscriptions whose token does not read (legacy formats) has nothing to skip.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class Secrets;

/// A subscription as every read returns it: never its token.
struct SubscriptionCredential {
  std::string id;
  std::string name;
  std::optional<std::string> subscription_type;  // "max", "pro", ...
  std::optional<std::string> rate_limit_tier;
  std::int64_t owner_id = 0;
  /// The owner's email (joined from users).
  std::optional<std::string> owner_email;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
  /// Registered (not soft-deleted) agents assigned to it.
  std::int64_t agent_count = 0;
};

/// A subscription with the names of its agents (registered, not soft-deleted), in name order.
struct SubscriptionWithAgents : SubscriptionCredential {
  std::vector<std::string> agents{};
};

/// What a subscription was used for in one window: assistant chat messages and finished
/// executions (every status but running and pending) billed to it.
struct SubscriptionUsageWindow {
  /// context_used of the messages and the executions.
  std::int64_t input_tokens = 0;
  /// output_tokens of the messages (executions record none).
  std::int64_t output_tokens = 0;
  double cost_usd = 0.0;
  /// Messages plus executions.
  std::int64_t message_count = 0;
};

/// A subscription's usage over the last 5 hours and the last 7 days (from the time of the call,
/// rows at the cut-off included), and the agents assigned to it now (name order).
struct SubscriptionUsage {
  std::string subscription_id{};
  SubscriptionUsageWindow window_5h{};
  SubscriptionUsageWindow window_7d{};
  std::vector<std::string> agents{};
};

class SubscriptionOperations {
 public:
  /// How long a rate-limit event counts (record_rate_limit_event's count, rate-limited or not).
  static constexpr std::chrono::hours kRateLimitWindow{2};
  /// How long a rate-limit event is kept (cleanup_old_rate_limit_events).
  static constexpr std::chrono::hours kRateLimitRetention{24};
  /// The usage windows of get_subscription_usage.
  static constexpr std::chrono::hours kUsageShortWindow{5};
  static constexpr std::chrono::hours kUsageLongWindow{7 * 24};

  /// `secrets` seals and opens the tokens; both outlive this object.
  SubscriptionOperations(Db& db, const Secrets& secrets) : db_(db), secrets_(secrets) {}

  /// Registers a subscription named `name` (trimmed) with `token` (stored sealed), owned by the
  /// user `owner_id`. DuplicateError when the name is in use, NotFoundError when there is no such
  /// user, std::invalid_argument for a bad name, token or owner id; nothing is written then.
  /// `agent_count` is 0.
  SubscriptionCredential create_subscription(
      const std::string& name, const std::string& token, std::int64_t owner_id,
      const std::optional<std::string>& subscription_type = std::nullopt,
      const std::optional<std::string>& rate_limit_tier = std::nullopt);
  /// The subscription `subscription_id`, or nullopt.
  std::optional<SubscriptionCredential> get_subscription(const std::string& subscription_id);
  /// The subscription called `name` (trimmed; exact otherwise), or nullopt.
  std::optional<SubscriptionCredential> get_subscription_by_name(const std::string& name);
  /// The token of `subscription_id`, opened; nullopt when there is no such subscription.
  /// SecretError when the configured keys cannot open it (the message names the column only).
  std::optional<std::string> get_subscription_token(const std::string& subscription_id);
  /// Every subscription, or those of `owner_id`, in name order.
  std::vector<SubscriptionCredential> list_subscriptions(
      std::optional<std::int64_t> owner_id = std::nullopt);
  /// As list_subscriptions, each with its agents: one statement.
  std::vector<SubscriptionWithAgents> list_subscriptions_with_agents(
      std::optional<std::int64_t> owner_id = std::nullopt);
  /// Deletes the subscription, its rate-limit events and every agent's assignment to it (soft-
  /// deleted agents included), in one transaction. False (nothing changed) when there is none.
  /// Messages and executions keep the id they were billed to.
  bool delete_subscription(const std::string& subscription_id);

  /// Assigns the subscription to the agent (replacing its previous one): one UPDATE. False, and
  /// nothing written, when the agent is not registered (or soft-deleted) or the subscription does
  /// not exist (a subscription deleted at the same moment included).
  bool assign_subscription_to_agent(const std::string& agent_name,
                                    const std::string& subscription_id);
  /// Leaves the agent without a subscription. True when the agent is registered (whether it had
  /// one or not), false for an unknown or soft-deleted agent.
  bool clear_agent_subscription(const std::string& agent_name);
  /// The subscription assigned to the agent, or nullopt (none assigned, or no such agent).
  std::optional<SubscriptionCredential> get_agent_subscription(const std::string& agent_name);
  /// The agents assigned to the subscription, in name order.
  std::vector<std::string> get_agents_by_subscription(const std::string& subscription_id);
  /// The id of the subscription assigned to the agent, or nullopt.
  std::optional<std::string> get_agent_subscription_id(const std::string& agent_name);

  /// Records that `agent_name` hit a rate limit on the subscription and returns the number of
  /// that pair's events in the last kRateLimitWindow, this one included. Recorders of one
  /// subscription take turns (the subscription's row is locked, FOR UPDATE on PostgreSQL), so
  /// concurrent calls return distinct counts. NotFoundError when the subscription does not exist;
  /// std::invalid_argument for an empty agent name. The agent need not be registered.
  std::int64_t record_rate_limit_event(const std::string& agent_name,
                                       const std::string& subscription_id,
                                       const std::string& error_message = "");
  /// True when the subscription has an event in the last kRateLimitWindow (any agent's).
  bool is_subscription_rate_limited(const std::string& subscription_id);
  /// Removes the pair's events (after a successful switch).
  void clear_rate_limit_events(const std::string& agent_name, const std::string& subscription_id);
  /// Removes events older than kRateLimitRetention; returns how many.
  std::int64_t cleanup_old_rate_limit_events();
  /// The subscription with the fewest agents that is not rate-limited (ties: by name), or
  /// nullopt. For assigning a new agent.
  std::optional<SubscriptionCredential> get_least_used_subscription();
  /// The subscription an agent rate-limited on `current_subscription_id` should switch to: as
  /// get_least_used_subscription(), leaving the current one out (an unknown id leaves out none).
  std::optional<SubscriptionCredential> select_best_alternative_subscription(
      const std::string& current_subscription_id);
  /// The subscription's usage (see SubscriptionUsage): one statement. NotFoundError when the
  /// subscription does not exist.
  SubscriptionUsage get_subscription_usage(const std::string& subscription_id);

 private:
  Db& db_;
  const Secrets& secrets_;
};

}  // namespace trinity::db
