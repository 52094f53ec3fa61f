// OperatorQueueOperations: operator_queue (see operator_queue.hpp).
#include "trinity/db/operator_queue.hpp"

#include "operation.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "text.hpp"

namespace trinity::db {

namespace {

constexpr std::array<std::string_view, 4> kPriorities = {
    operator_priority::kCritical, operator_priority::kHigh, operator_priority::kMedium,
    operator_priority::kLow};

/// `item` with its texts checked and its email normalised; std::invalid_argument otherwise.
OperatorQueueItemCreate checked_item(OperatorQueueItemCreate item) {
  item.type = checked_name(item.type, "the item type");
  checked_text(item.title, "the item title");
  checked_text(item.question, "the item question");
  if (std::find(kPriorities.begin(), kPriorities.end(), item.priority) == kPriorities.end())
    throw std::invalid_argument("trinity-db: the priority '" + item.priority +
                                "' is not critical, high, medium or low");
  if (item.addressed_to_email)
    item.addressed_to_email = checked_email(*item.addressed_to_email, "addressed_to_email");
  return item;
}

/// The item is pending and not past its expires_at at `at`: it may be responded to or claimed.
Expr is_open(const OperatorQueue& t, const Timestamp& at) {
  return t.status == operator_status::kPending && (t.expires_at.is_null() || t.expires_at > at);
}

}  // namespace

std::string OperatorQueueOperations::create_item(const std::string& agent_name,
                                                 const OperatorQueueItemCreate& item) {
  const std::string agent = checked_name(agent_name, "the agent name");
  const OperatorQueueItemCreate checked = checked_item(item);
  const auto& t = db_.schema().operator_queue;
  const std::string id = new_id();
  auto values = db_.models().operator_queue_item_create.values(checked);
  values.insert(values.end(), {{t.id, id},
                               {t.agent_name, agent},
                               {t.status, operator_status::kPending},
                               {t.created_at, now()}});
  return db_.run([&](Connection& c) {
    // A request the agent asked already: the unique (agent_name, request_id) keeps the first.
    auto made = c.execute(insert(t)
                              .values(std::move(values))
                              .on_conflict({t.agent_name, t.request_id})
                              .do_nothing()
                              .returning({t.id}));
    if (made.first()) return id;
    return c
        .execute(select(t.id).where(t.agent_name == agent && t.request_id == *checked.request_id))
        .scalar<std::string>();
  });
}

std::optional<OperatorQueueItem> OperatorQueueOperations::get_item(const std::string& item_id) {
  const auto& [t, m] = std::tie(db_.schema().operator_queue, db_.models().operator_queue_item);
  return db_.find(m, t.id == item_id);
}

std::vector<OperatorQueueItem> OperatorQueueOperations::list_items(const OperatorQueueFilter& f) {
  checked_count(f.limit, "the limit");
  checked_count(f.offset, "the offset");
  const auto& [t, m] = std::tie(db_.schema().operator_queue, db_.models().operator_queue_item);
  auto q = m.select();
  if (f.status) q.where(t.status == *f.status);
  if (f.type) q.where(t.type == *f.type);
  if (f.priority) q.where(t.priority == *f.priority);
  if (f.agent_name) q.where(t.agent_name == *f.agent_name);
  if (f.since) q.where(t.created_at >= *f.since);
  q.order_by({t.created_at.desc(), t.id.desc()}).limit(f.limit).offset(f.offset);
  return db_.all(m, q);
}

std::optional<OperatorQueueItem> OperatorQueueOperations::respond_to_item(
    const std::string& item_id, const std::string& response,
    const std::optional<std::string>& response_text, std::int64_t responded_by_id,
    const std::string& responded_by_email) {
  checked_text(response, "the response");
  const std::string email = checked_email(responded_by_email, "the responder's email");
  const auto& [t, m] = std::tie(db_.schema().operator_queue, db_.models().operator_queue_item);
  const Timestamp at = Timestamp::now();
  return db_.run([&](Connection& c) {
    // Guarded: of two responders the second finds the item responded (PostgreSQL re-checks the
    // condition once the first commits; SQLite serialises writers).
    return m.optional(c, m.update({{t.status, operator_status::kResponded},
                                   {t.response, response},
                                   {t.response_text, response_text},
                                   {t.responded_by_id, responded_by_id},
                                   {t.responded_by_email, email},
                                   {t.responded_at, at}})
                             .where(t.id == item_id && is_open(t, at)));
  });
}

std::optional<OperatorQueueItem> OperatorQueueOperations::cancel_item(const std::string& item_id) {
  const auto& [t, m] = std::tie(db_.schema().operator_queue, db_.models().operator_queue_item);
  return db_.run([&](Connection& c) {
    return m.optional(c, m.update({{t.status, operator_status::kCancelled}})
                             .where(t.id == item_id && t.status == operator_status::kPending));
  });
}

bool OperatorQueueOperations::mark_acknowledged(const std::string& item_id) {
  const auto& t = db_.schema().operator_queue;
  return db_.run([&](Connection& c) {
    return c.execute(
                update(t)
                    .set({{t.status, operator_status::kAcknowledged}, {t.acknowledged_at, now()}})
                    .where(t.id == item_id && t.status == operator_status::kResponded))
               .rowcount() > 0;
  });
}

std::int64_t OperatorQueueOperations::mark_expired() {
  const auto& t = db_.schema().operator_queue;
  const Timestamp cutoff = Timestamp::now();
  return db_.run([&](Connection& c) {
    return c
        .execute(update(t)
                     .set({{t.status, operator_status::kExpired}})
                     .where(t.status == operator_status::kPending && t.expires_at < cutoff))
        .rowcount();
  });
}

OperatorQueueStats OperatorQueueOperations::get_stats() {
  const auto& t = db_.schema().operator_queue;
  // One statement: a GROUP BY per dimension, tagged with its name, in one UNION ALL.
  const auto part = [&](const char* kind, const Expr& key, bool pending_only) {
    auto q = select(sqlcore::literal(kind, types::Text).label("kind"), key.label("k"),
                    count().label("n"))
                 .select_from(t)
                 .group_by({key});
    if (pending_only) q.where(t.status == operator_status::kPending);
    return q;
  };
  const Select q = part("status", t.status, false)
                       .union_all(part("priority", t.priority, true))
                       .union_all(part("type", t.type, true))
                       .union_all(part("agent", t.agent_name, true));
  return db_.read([&](Connection& c) {
    OperatorQueueStats out;
    for (const Row& r : c.execute(q)) {
      const auto kind = r.get<std::string>("kind");
      const auto n = r.get<std::int64_t>("n");
      auto& into = kind == "status"     ? out.by_status
                   : kind == "priority" ? out.pending_by_priority
                   : kind == "type"     ? out.pending_by_type
                                        : out.pending_by_agent;
      into[r.get<std::string>("k")] = n;
      if (kind == "status") out.total += n;
    }
    return out;
  });
}

std::vector<std::string> OperatorQueueOperations::get_pending_item_ids() {
  const auto& t = db_.schema().operator_queue;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(t.id)
                     .where(t.status == operator_status::kPending)
                     .order_by({t.created_at, t.id}))
        .scalars<std::string>();
  });
}

std::vector<OperatorQueueItem> OperatorQueueOperations::get_responded_items_for_agent(
    const std::string& agent_name) {
  const auto& [t, m] = std::tie(db_.schema().operator_queue, db_.models().operator_queue_item);
  return db_.all(m,
                 m.select()
                     .where(t.agent_name == agent_name && t.status == operator_status::kResponded)
                     .order_by({t.responded_at, t.id}));
}

bool OperatorQueueOperations::item_exists(const std::string& item_id) {
  const auto& t = db_.schema().operator_queue;
  return db_.read([&](Connection& c) {
    return c.execute(select(t.id).where(t.id == item_id)).first().has_value();
  });
}

std::vector<OperatorQueueItem> OperatorQueueOperations::claim_pending_items(
    const std::string& worker, std::int64_t limit) {
  const std::string who = checked_name(worker, "the worker");
  if (checked_count(limit, "the limit") == 0) return {};
  const auto& [t, m] = std::tie(db_.schema().operator_queue, db_.models().operator_queue_item);
  const Timestamp at = Timestamp::now();
  // Lock the ids (skipping rows other workers hold), then claim exactly those: one UPDATE with
  // the locking subquery may claim more than `limit` (docs/trinity.md, "Claiming queue items").
  auto claimed = db_.run([&](Connection& c) -> std::vector<OperatorQueueItem> {
    const auto ids = c.execute(select(t.id)
                                   .where(is_open(t, at) && t.delivery_state.is_null())
                                   .order_by({t.created_at, t.id})
                                   .limit(limit)
                                   .for_update(sqlcore::LockWait::skip_locked))
                         .scalars<std::string>();
    if (ids.empty()) return {};
    return m.all(c, m.update({{t.delivery_state, kDeliveryClaimed},
                              {t.delivery_detail, who},
                              {t.delivery_updated_at, at}})
                        .where(t.id.in_(std::vector<Value>(ids.begin(), ids.end()))));
  });
  std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  return claimed;
}

}  // namespace trinity::db
