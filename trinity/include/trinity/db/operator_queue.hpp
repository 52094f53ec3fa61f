// OperatorQueueOperations: what agents ask of people (table operator_queue): questions,
// approvals and alerts that wait for an operator's response, which the agent then picks up.
//
//   auto id = dbm.operator_queue().create_item("coder", {.type = "approval", .title = "Deploy?",
//                                                         .question = "Ship v2 to prod?"});
//   dbm.operator_queue().respond_to_item(id, "approve", std::nullopt, ada_id, "ada@example.com");
//
// An item's life: "pending" -> "responded" (an operator answered) -> "acknowledged" (the agent
// took the answer); a pending item may instead be "cancelled" or, once its expires_at has
// passed, "expired" (mark_expired()). Every change of status is one guarded UPDATE: of two
// operators responding at once, one wins and the other gets nullopt.
//
// Rules (where the original left them open):
// - A pending item whose expires_at has passed counts as expired even before mark_expired() has
//   marked it: it can no longer be responded to or claimed (it can still be cancelled).
// - Re-asking: an agent's request_id is asked once. create_item() with a (agent_name, request_id)
//   that exists changes nothing and returns the existing item's id (the agent's sync may send its
//   queue again), concurrent creators included. Items without a request_id never collide.
// - Priorities are "critical", "high", "medium" (the default) and "low"; any other is refused.
// - Delivery workers (an addition to the original's methods): claim_pending_items() hands each
//   pending item to exactly one worker, marking it delivery_state = "claimed" with the worker's
//   name in delivery_detail. A claimed item is never claimed again; clearing its delivery_state
//   (to NULL) makes it claimable again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>

namespace trinity::db {

class Db;

/// The statuses of an operator queue item.
namespace operator_status {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kResponded = "responded";
inline constexpr const char* kAcknowledged = "acknowledged";
inline constexpr const char* kCancelled = "cancelled";
inline constexpr const char* kExpired = "expired";
}  // namespace operator_status

/// The priorities of an operator queue item, most urgent first.
namespace operator_priority {
inline constexpr const char* kCritical = "critical";
inline constexpr const char* kHigh = "high";
inline constexpr const char* kMedium = "medium";
inline constexpr const char* kLow = "low";
}  // namespace operator_priority

/// The delivery_state claim_pending_items() gives the items it claims.
inline constexpr const char* kDeliveryClaimed = "claimed";

/// A new item: what the agent asks. The status is "pending"; the id and created_at are made.
struct OperatorQueueItemCreate {
  /// "question", "approval", "alert", ... (free text, not empty).
  std::string type;
  std::string title;
  std::string question;
  std::string priority = operator_priority::kMedium;
  /// The answers offered (e.g. ["approve", "reject"]) and what the operator should know.
  std::optional<sqlcore::Json> options{};
  std::optional<sqlcore::Json> context{};
  /// The agent's own id for the request (see "Re-asking" above).
  std::optional<std::string> request_id{};
  std::optional<std::string> execution_id{};
  std::optional<sqlcore::Timestamp> expires_at{};
  /// The operator asked; checked and stored lower-cased.
  std::optional<std::string> addressed_to_email{};
  std::optional<std::string> to_role{};
  std::optional<std::string> channel{};
  std::optional<std::string> batch_id{};
  std::optional<std::string> raised_by{};
  std::optional<sqlcore::Json> proposal{};
  /// The id of an expired item this one asks again.
  std::optional<std::string> supersedes_expired{};
};

/// An item as stored (every column of operator_queue).
struct OperatorQueueItem {
  std::string id;
  std::string agent_name;
  std::optional<std::string> request_id;
  std::string type;
  std::string status;
  std::string priority;
  std::string title;
  std::string question;
  std::optional<sqlcore::Json> options;
  std::optional<sqlcore::Json> context;
  std::optional<std::string> execution_id;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> expires_at;
  std::optional<std::string> response;
  std::optional<std::string> response_text;
  std::optional<std::int64_t> responded_by_id;
  std::optional<std::string> responded_by_email;
  std::optional<sqlcore::Timestamp> responded_at;
  std::optional<sqlcore::Timestamp> acknowledged_at;
  std::optional<sqlcore::Timestamp> cleared_at;
  std::optional<std::string> addressed_to_email;
  std::optional<std::string> sync_state;
  std::optional<std::string> sync_detail;
  std::optional<sqlcore::Timestamp> sync_updated_at;
  std::optional<sqlcore::Timestamp> last_confirmed_at;
  std::optional<std::string> delivery_state;
  std::optional<std::string> delivery_detail;
  std::optional<sqlcore::Timestamp> delivery_updated_at;
  std::optional<sqlcore::Timestamp> divergence_acknowledged_at;
  std::optional<std::string> disposition;
  std::optional<sqlcore::Timestamp> disposed_at;
  std::optional<std::string> disposed_by;
  std::optional<std::string> disposed_by_email;
  std::optional<std::string> disposition_reason;
  std::optional<std::string> batch_id;
  std::optional<std::string> raised_by;
  std::optional<std::string> channel;
  std::optional<std::string> to_role;
  std::optional<std::string> resolved_to;
  std::optional<sqlcore::Json> proposal;
  std::optional<std::string> supersedes_expired;
};

/// list_items()'s filters (each optional) and window.
struct OperatorQueueFilter {
  std::optional<std::string> status = std::nullopt;
  std::optional<std::string> type = std::nullopt;
  std::optional<std::string> priority = std::nullopt;
  std::optional<std::string> agent_name = std::nullopt;
  /// Items created at or after this instant.
  std::optional<sqlcore::Timestamp> since = std::nullopt;
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

/// The queue in numbers (get_stats()). Keys absent from a map count 0.
struct OperatorQueueStats {
  std::int64_t total = 0;
  /// Every item by status.
  std::map<std::string, std::int64_t> by_status;
  /// The pending items by priority, by type and by agent.
  std::map<std::string, std::int64_t> pending_by_priority;
  std::map<std::string, std::int64_t> pending_by_type;
  std::map<std::string, std::int64_t> pending_by_agent;
};

class OperatorQueueOperations {
 public:
  explicit OperatorQueueOperations(Db& db) : db_(db) {}

  /// Adds a pending item for `agent_name` and returns its id; with a request_id the agent has
  /// asked already, the existing item's id and nothing written. std::invalid_argument (before
  /// any statement) for an empty agent name, type, title or question, an unknown priority or a
  /// malformed addressed_to_email.
  std::string create_item(const std::string& agent_name, const OperatorQueueItemCreate& item);
  std::optional<OperatorQueueItem> get_item(const std::string& item_id);
  /// The items matching every filter given, newest first (created_at, then id), `offset` rows
  /// skipped, at most `limit`. A negative limit or offset is std::invalid_argument.
  std::vector<OperatorQueueItem> list_items(const OperatorQueueFilter& filter = {});
  /// Records the operator's answer on a pending, unexpired item (status "responded",
  /// responded_at = now) and returns the item as stored; nullopt when there is no such item or
  /// it is not pending any more (a second responder). `response` (the option chosen) must not be
  /// empty and the email must be well-formed (std::invalid_argument); a user id that does not
  /// exist is a sqlcore::IntegrityError (foreign key).
  std::optional<OperatorQueueItem> respond_to_item(const std::string& item_id,
                                                   const std::string& response,
                                                   const std::optional<std::string>& response_text,
                                                   std::int64_t responded_by_id,
                                                   const std::string& responded_by_email);
  /// Cancels a pending item; the item as stored, or nullopt when it is not pending.
  std::optional<OperatorQueueItem> cancel_item(const std::string& item_id);
  /// The agent took the response: "responded" -> "acknowledged" (acknowledged_at = now). False
  /// when the item does not exist or is not "responded".
  bool mark_acknowledged(const std::string& item_id);
  /// Marks pending items whose expires_at has passed "expired"; returns how many. Concurrent
  /// callers each mark different items (their counts add up to the items expired).
  std::int64_t mark_expired();
  /// Counts by status and, of the pending items, by priority, type and agent: one statement.
  OperatorQueueStats get_stats();
  /// The ids of the pending items, oldest first.
  std::vector<std::string> get_pending_item_ids();
  /// The agent's responded items (answers it has not acknowledged yet), oldest answer first.
  std::vector<OperatorQueueItem> get_responded_items_for_agent(const std::string& agent_name);
  bool item_exists(const std::string& item_id);

  /// For delivery workers (not among the original's methods): claims up to `limit` pending,
  /// unexpired, unclaimed items, oldest first, for `worker` -- delivery_state "claimed",
  /// delivery_detail = `worker`, delivery_updated_at = now -- and returns them as stored. Each
  /// item is claimed by exactly one of any number of concurrent callers, and a call claims at
  /// most `limit` (a SELECT ... FOR UPDATE SKIP LOCKED of the ids, then an UPDATE of those rows,
  /// in one transaction: workers pass over each other's rows instead of waiting; SQLite's
  /// writers are serialised). Sorted oldest first. An empty result: nothing left to claim. An
  /// empty worker name or a negative limit is std::invalid_argument.
  std::vector<OperatorQueueItem> claim_pending_items(const std::string& worker,
                                                     std::int64_t limit = 10);

 private:
  Db& db_;
};

}  // namespace trinity::db
