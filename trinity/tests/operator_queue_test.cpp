// OperatorQueueOperations on every backend: create / get / exists (JSON, defaults, emails),
// re-asking a request id, bad input refused with nothing written, filters and paging, the
// guarded status changes (respond, cancel, acknowledge) with unknown ids and a second responder,
// expiry with a bound cut-off, the statistics against a count in C++, and concurrency: eight
// responders to one item, eight re-asks of one request, two expirers, and eight workers
// claiming 1,000 items (each once, none more than asked for).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>

#include "fixture.hpp"
#include "trinity/db/operator_queue.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::OperatorQueueFilter;
using trinity::db::OperatorQueueItem;
using trinity::db::OperatorQueueItemCreate;
using Ids = std::vector<std::string>;

namespace {

class OperatorQueueTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
  }
  trinity::db::OperatorQueueOperations& ops() { return dbm().operator_queue(); }

  /// A question from `agent`, `title` as its title.
  std::string ask(const std::string& agent, const std::string& title,
                  OperatorQueueItemCreate item = {
                      .type = "question", .title = {}, .question = {}}) {
    item.title = title;
    item.question = "What about " + title + "?";
    return ops().create_item(agent, item);
  }
  /// Sets a column of the item directly (times the operations always take from the clock).
  template <class C, class V>
  void set(const std::string& id, const C& column, const V& value) {
    auto c = dbm().engine().connect();
    const auto& t = s().operator_queue;
    c.execute(update(t).set({{column, value}}).where(t.id == id));
  }
  static Ids ids(const std::vector<OperatorQueueItem>& items) {
    Ids out;
    for (const auto& i : items) out.push_back(i.id);
    return out;
  }
  /// Several threads at once; each gets its index. Failures are counted and reported.
  template <class F>
  int run_threads(int n, F fn) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        try {
          fn(i);
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      });
    for (auto& th : threads) th.join();
    return failures.load();
  }

  std::int64_t ada_ = 0, bob_ = 0;
};

TEST_P(OperatorQueueTest, CreateGetAndExists) {
  const Timestamp before = Timestamp::now();
  const Timestamp expires = Timestamp::from_civil(2099, 1, 2, 3, 4, 5, 6);
  const std::string id =
      ops().create_item("coder", {.type = "approval",
                                  .title = "Deploy?",
                                  .question = "Ship v2 to production?",
                                  .priority = "high",
                                  .options = Json::array({"approve", "reject"}),
                                  .context = Json{{"branch", "main"}, {"tests", 120}},
                                  .request_id = "req-1",
                                  .execution_id = "exec-9",
                                  .expires_at = expires,
                                  .addressed_to_email = "  Ada@Example.COM ",
                                  .to_role = "owner",
                                  .channel = "web",
                                  .batch_id = "b1",
                                  .raised_by = "coder",
                                  .proposal = Json{{"plan", Json::array({1, 2})}},
                                  .supersedes_expired = "old-1"});
  EXPECT_EQ(id.size(), 32u);
  EXPECT_TRUE(ops().item_exists(id));
  const auto item = ops().get_item(id);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->id, id);
  EXPECT_EQ(item->agent_name, "coder");
  EXPECT_EQ(item->type, "approval");
  EXPECT_EQ(item->status, "pending");
  EXPECT_EQ(item->priority, "high");
  EXPECT_EQ(item->title, "Deploy?");
  EXPECT_EQ(item->question, "Ship v2 to production?");
  EXPECT_EQ(item->options, Json::array({"approve", "reject"}));
  EXPECT_EQ(item->context, (Json{{"branch", "main"}, {"tests", 120}}));
  EXPECT_EQ(item->request_id, "req-1");
  EXPECT_EQ(item->execution_id, "exec-9");
  EXPECT_EQ(item->expires_at, expires);
  EXPECT_EQ(item->addressed_to_email, "ada@example.com");
  EXPECT_EQ(item->to_role, "owner");
  EXPECT_EQ(item->channel, "web");
  EXPECT_EQ(item->batch_id, "b1");
  EXPECT_EQ(item->raised_by, "coder");
  EXPECT_EQ(item->proposal, (Json{{"plan", Json::array({1, 2})}}));
  EXPECT_EQ(item->supersedes_expired, "old-1");
  EXPECT_GE(item->created_at.micros(), before.micros() - 1'000'000);
  EXPECT_FALSE(item->response);
  EXPECT_FALSE(item->responded_at);
  EXPECT_FALSE(item->delivery_state);

  // Defaults: priority medium, no JSON (SQL NULL, not a JSON null).
  const auto plain = ops().get_item(ask("coder", "plain"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->priority, "medium");
  EXPECT_FALSE(plain->options);
  EXPECT_FALSE(plain->context);
  EXPECT_FALSE(plain->request_id);

  EXPECT_FALSE(ops().get_item("no-such-item"));
  EXPECT_FALSE(ops().item_exists("no-such-item"));
  EXPECT_EQ(rows("operator_queue"), 2);
}

TEST_P(OperatorQueueTest, ReAskingARequestIdReturnsTheFirstItem) {
  const std::string first =
      ask("coder", "first", {.type = "question", .title = {}, .question = {}, .request_id = "r1"});
  const std::string again =
      ask("coder", "again", {.type = "alert", .title = {}, .question = {}, .request_id = "r1"});
  EXPECT_EQ(again, first);
  EXPECT_EQ(ops().get_item(first)->title, "first");  // nothing changed
  EXPECT_EQ(ops().get_item(first)->type, "question");
  // Another agent's r1, and items without a request id, are items of their own.
  EXPECT_NE(ask("tester", "theirs",
                {.type = "question", .title = {}, .question = {}, .request_id = "r1"}),
            first);
  EXPECT_NE(ask("coder", "no id"), ask("coder", "no id"));
  EXPECT_EQ(rows("operator_queue"), 4);

  // Inside a transaction the re-ask is no failed statement: the transaction goes on.
  dbm().transaction([&] {
    EXPECT_EQ(
        ask("coder", "x", {.type = "question", .title = {}, .question = {}, .request_id = "r1"}),
        first);
    ask("coder", "after");
  });
  EXPECT_EQ(rows("operator_queue"), 5);
}

TEST_P(OperatorQueueTest, BadInputIsRefusedWithNothingWritten) {
  const auto refused = [&](const std::string& agent, OperatorQueueItemCreate item) {
    EXPECT_THROW(ops().create_item(agent, item), std::invalid_argument) << agent;
  };
  const OperatorQueueItemCreate good{.type = "question", .title = "t", .question = "q"};
  refused("", good);
  refused("  ", good);
  auto bad = good;
  bad.type = " ";
  refused("coder", bad);
  bad = good;
  bad.title = "\n";
  refused("coder", bad);
  bad = good;
  bad.question = "";
  refused("coder", bad);
  bad = good;
  bad.priority = "urgent";
  refused("coder", bad);
  bad = good;
  bad.priority = "HIGH";
  refused("coder", bad);
  bad = good;
  bad.addressed_to_email = "not-an-email";
  refused("coder", bad);
  EXPECT_EQ(rows("operator_queue"), 0);

  EXPECT_THROW(ops().list_items({.limit = -1}), std::invalid_argument);
  EXPECT_THROW(ops().list_items({.offset = -1}), std::invalid_argument);
  EXPECT_THROW(ops().claim_pending_items("w", -1), std::invalid_argument);
  EXPECT_THROW(ops().claim_pending_items(" ", 5), std::invalid_argument);

  const std::string id = ask("coder", "q");
  EXPECT_THROW(ops().respond_to_item(id, "", std::nullopt, ada_, "ada@example.com"),
               std::invalid_argument);
  EXPECT_THROW(ops().respond_to_item(id, "yes", std::nullopt, ada_, "ada"), std::invalid_argument);
  EXPECT_TRUE(ops().claim_pending_items("w", 0).empty());
  const auto item = ops().get_item(id);
  EXPECT_EQ(item->status, "pending");
  EXPECT_FALSE(item->delivery_state);
}

TEST_P(OperatorQueueTest, ListItemsFiltersOrdersAndPages) {
  const std::string a =
      ask("coder", "a", {.type = "question", .title = {}, .question = {}, .priority = "high"});
  const std::string b =
      ask("coder", "b", {.type = "approval", .title = {}, .question = {}, .priority = "low"});
  const std::string c =
      ask("tester", "c", {.type = "question", .title = {}, .question = {}, .priority = "high"});
  const std::string d = ask("tester", "d", {.type = "alert", .title = {}, .question = {}});
  set(a, s().operator_queue.created_at, ago(4h));
  set(b, s().operator_queue.created_at, ago(3h));
  set(c, s().operator_queue.created_at, ago(2h));
  set(d, s().operator_queue.created_at, ago(1h));
  ASSERT_TRUE(ops().cancel_item(d));

  EXPECT_EQ(ids(ops().list_items()), (Ids{d, c, b, a}));  // newest first
  EXPECT_EQ(ids(ops().list_items({.status = "pending"})), (Ids{c, b, a}));
  EXPECT_EQ(ids(ops().list_items({.status = "cancelled"})), Ids{d});
  EXPECT_EQ(ids(ops().list_items({.type = "question"})), (Ids{c, a}));
  EXPECT_EQ(ids(ops().list_items({.priority = "high"})), (Ids{c, a}));
  EXPECT_EQ(ids(ops().list_items({.agent_name = "coder"})), (Ids{b, a}));
  EXPECT_EQ(ids(ops().list_items({.since = ago(150min)})), (Ids{d, c}));
  EXPECT_EQ(ids(ops().list_items({.type = "question", .agent_name = "tester"})), Ids{c});
  EXPECT_EQ(ids(ops().list_items({.limit = 2})), (Ids{d, c}));
  EXPECT_EQ(ids(ops().list_items({.limit = 2, .offset = 2})), (Ids{b, a}));
  EXPECT_TRUE(ops().list_items({.limit = 2, .offset = 4}).empty());
  EXPECT_TRUE(ops().list_items({.limit = 0}).empty());
  EXPECT_TRUE(ops().list_items({.agent_name = "nobody"}).empty());
}

TEST_P(OperatorQueueTest, RespondCancelAndAcknowledgeAreGuarded) {
  const std::string id = ask("coder", "deploy", {.type = "approval", .title = {}, .question = {}});
  const Timestamp before = Timestamp::now();
  const auto responded =
      ops().respond_to_item(id, "approve", "Go ahead", ada_, " Ada@Example.com ");
  ASSERT_TRUE(responded);
  EXPECT_EQ(responded->status, "responded");
  EXPECT_EQ(responded->response, "approve");
  EXPECT_EQ(responded->response_text, "Go ahead");
  EXPECT_EQ(responded->responded_by_id, ada_);
  EXPECT_EQ(responded->responded_by_email, "ada@example.com");
  ASSERT_TRUE(responded->responded_at);
  EXPECT_GE(responded->responded_at->micros(), before.micros() - 1'000'000);
  EXPECT_EQ(responded->title, "deploy");  // the whole row comes back
  EXPECT_EQ(ops().get_item(id)->responded_at, responded->responded_at);

  // A second responder, and cancelling an answered item: nullopt, nothing changed.
  EXPECT_FALSE(ops().respond_to_item(id, "reject", std::nullopt, bob_, "bob@example.com"));
  EXPECT_FALSE(ops().cancel_item(id));
  EXPECT_EQ(ops().get_item(id)->response, "approve");

  EXPECT_TRUE(ops().mark_acknowledged(id));
  EXPECT_FALSE(ops().mark_acknowledged(id));
  const auto acked = ops().get_item(id);
  EXPECT_EQ(acked->status, "acknowledged");
  EXPECT_TRUE(acked->acknowledged_at);

  // Cancel: pending only; a cancelled item cannot be answered or acknowledged.
  const std::string other = ask("coder", "other");
  EXPECT_FALSE(ops().mark_acknowledged(other));  // not responded
  const auto cancelled = ops().cancel_item(other);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, "cancelled");
  EXPECT_FALSE(ops().cancel_item(other));
  EXPECT_FALSE(ops().respond_to_item(other, "yes", std::nullopt, ada_, "ada@example.com"));

  // A pending item past its expires_at is not answered, but can be cancelled.
  const std::string late = ask(
      "coder", "late", {.type = "question", .title = {}, .question = {}, .expires_at = ago(1s)});
  EXPECT_FALSE(ops().respond_to_item(late, "yes", std::nullopt, ada_, "ada@example.com"));
  EXPECT_EQ(ops().get_item(late)->status, "pending");
  EXPECT_TRUE(ops().cancel_item(late));

  // Unknown ids.
  EXPECT_FALSE(ops().respond_to_item("nope", "yes", std::nullopt, ada_, "ada@example.com"));
  EXPECT_FALSE(ops().cancel_item("nope"));
  EXPECT_FALSE(ops().mark_acknowledged("nope"));

  // A responder who is not a user: the foreign key refuses it, the item stays pending.
  const std::string fk = ask("coder", "fk");
  EXPECT_EQ(integrity_error([&] {
              (void)ops().respond_to_item(fk, "yes", std::nullopt, 999999, "x@example.com");
            }),
            IntegrityKind::foreign_key);
  EXPECT_EQ(ops().get_item(fk)->status, "pending");
}

TEST_P(OperatorQueueTest, RespondedItemsAndPendingIds) {
  const std::string a = ask("coder", "a");
  const std::string b = ask("coder", "b");
  const std::string c = ask("coder", "c");
  const std::string d = ask("tester", "d");
  set(a, s().operator_queue.created_at, ago(4h));
  set(b, s().operator_queue.created_at, ago(3h));
  set(c, s().operator_queue.created_at, ago(2h));
  set(d, s().operator_queue.created_at, ago(1h));
  EXPECT_EQ(ops().get_pending_item_ids(), (Ids{a, b, c, d}));  // oldest first

  ASSERT_TRUE(ops().respond_to_item(c, "yes", std::nullopt, ada_, "ada@example.com"));
  ASSERT_TRUE(ops().respond_to_item(a, "no", std::nullopt, ada_, "ada@example.com"));
  ASSERT_TRUE(ops().respond_to_item(d, "no", std::nullopt, ada_, "ada@example.com"));
  set(c, s().operator_queue.responded_at, ago(2min));
  set(a, s().operator_queue.responded_at, ago(1min));
  EXPECT_EQ(ids(ops().get_responded_items_for_agent("coder")), (Ids{c, a}));  // oldest answer
  EXPECT_EQ(ids(ops().get_responded_items_for_agent("tester")), Ids{d});
  EXPECT_TRUE(ops().get_responded_items_for_agent("nobody").empty());
  EXPECT_EQ(ops().get_pending_item_ids(), Ids{b});

  ASSERT_TRUE(ops().mark_acknowledged(c));
  EXPECT_EQ(ids(ops().get_responded_items_for_agent("coder")), Ids{a});
}

TEST_P(OperatorQueueTest, MarkExpiredUsesABoundCutOff) {
  const std::string past =
      ask("coder", "past", {.type = "q", .title = {}, .question = {}, .expires_at = ago(1min)});
  const std::string just =
      ask("coder", "just", {.type = "q", .title = {}, .question = {}, .expires_at = ago(1ms)});
  const std::string future =
      ask("coder", "future", {.type = "q", .title = {}, .question = {}, .expires_at = ago(-1h)});
  const std::string never = ask("coder", "never");
  const std::string answered =
      ask("coder", "answered", {.type = "q", .title = {}, .question = {}, .expires_at = ago(-1h)});
  ASSERT_TRUE(ops().respond_to_item(answered, "ok", std::nullopt, ada_, "ada@example.com"));
  set(answered, s().operator_queue.expires_at, ago(1h));

  EXPECT_EQ(ops().mark_expired(), 2);
  EXPECT_EQ(ops().mark_expired(), 0);
  EXPECT_EQ(ops().get_item(past)->status, "expired");
  EXPECT_EQ(ops().get_item(just)->status, "expired");
  EXPECT_EQ(ops().get_item(future)->status, "pending");
  EXPECT_EQ(ops().get_item(never)->status, "pending");
  EXPECT_EQ(ops().get_item(answered)->status, "responded");
  EXPECT_FALSE(ops().cancel_item(past));  // expired is final
}

TEST_P(OperatorQueueTest, StatsMatchACountInCpp) {
  EXPECT_EQ(ops().get_stats().total, 0);
  EXPECT_TRUE(ops().get_stats().by_status.empty());

  const char* priorities[] = {"critical", "high", "medium", "low"};
  const char* types[] = {"question", "approval", "alert"};
  const char* agents[] = {"coder", "tester", "writer"};
  Ids made;
  for (int i = 0; i < 40; ++i)
    made.push_back(ask(agents[i % 3], "item " + std::to_string(i),
                       {.type = types[i % 3 == 0 ? 0 : i % 2 + 1],
                        .title = {},
                        .question = {},
                        .priority = priorities[i % 4]}));
  for (int i = 0; i < 40; i += 5)
    ASSERT_TRUE(ops().respond_to_item(made[static_cast<std::size_t>(i)], "ok", std::nullopt, ada_,
                                      "ada@example.com"));
  for (int i = 1; i < 40; i += 7) ops().cancel_item(made[static_cast<std::size_t>(i)]);
  ops().mark_acknowledged(made[0]);

  std::map<std::string, std::int64_t> status, priority, type, agent;
  for (const auto& item : ops().list_items({.limit = 1000})) {
    ++status[item.status];
    if (item.status != "pending") continue;
    ++priority[item.priority];
    ++type[item.type];
    ++agent[item.agent_name];
  }
  const auto stats = ops().get_stats();
  EXPECT_EQ(stats.total, 40);
  EXPECT_EQ(stats.by_status, status);
  EXPECT_EQ(stats.pending_by_priority, priority);
  EXPECT_EQ(stats.pending_by_type, type);
  EXPECT_EQ(stats.pending_by_agent, agent);
  EXPECT_EQ(stats.by_status.at("acknowledged"), 1);
}

TEST_P(OperatorQueueTest, ClaimTakesTheOldestOpenUnclaimedItems) {
  Ids made;
  for (int i = 0; i < 5; ++i) {
    made.push_back(ask("coder", "item " + std::to_string(i)));
    set(made.back(), s().operator_queue.created_at, ago(std::chrono::hours(10 - i)));
  }
  const std::string expired =
      ask("coder", "expired", {.type = "q", .title = {}, .question = {}, .expires_at = ago(1s)});
  const std::string answered = ask("coder", "answered");
  ASSERT_TRUE(ops().respond_to_item(answered, "ok", std::nullopt, ada_, "ada@example.com"));

  const Timestamp before = Timestamp::now();
  const auto first = ops().claim_pending_items("worker-1", 2);
  EXPECT_EQ(ids(first), (Ids{made[0], made[1]}));
  for (const auto& item : first) {
    EXPECT_EQ(item.delivery_state, "claimed");
    EXPECT_EQ(item.delivery_detail, "worker-1");
    ASSERT_TRUE(item.delivery_updated_at);
    EXPECT_GE(item.delivery_updated_at->micros(), before.micros() - 1'000'000);
    EXPECT_EQ(item.status, "pending");  // claiming is about delivery, not the answer
  }
  EXPECT_EQ(ids(ops().claim_pending_items("worker-2", 10)), (Ids{made[2], made[3], made[4]}));
  EXPECT_TRUE(ops().claim_pending_items("worker-1", 10).empty());
  EXPECT_EQ(ops().get_item(made[0])->delivery_detail, "worker-1");
  EXPECT_EQ(ops().get_item(made[4])->delivery_detail, "worker-2");
  EXPECT_FALSE(ops().get_item(expired)->delivery_state);
  EXPECT_FALSE(ops().get_item(answered)->delivery_state);

  // Clearing the claim makes an item claimable again.
  set(made[3], s().operator_queue.delivery_state, std::optional<std::string>());
  EXPECT_EQ(ids(ops().claim_pending_items("worker-3", 10)), Ids{made[3]});
}

TEST_P(OperatorQueueTest, EightWorkersClaimAThousandItemsEachOnce) {
  constexpr int kWorkers = 8, kItems = 1000;
  reopen_for(kWorkers);
  std::set<std::string> made;
  dbm().transaction([&] {
    for (int i = 0; i < kItems; ++i) made.insert(ask("coder", "item " + std::to_string(i)));
  });
  ASSERT_EQ(made.size(), static_cast<std::size_t>(kItems));

  std::mutex mu;
  std::map<std::string, std::string> claimed_by;  // item -> worker
  std::int64_t claims = 0;
  const int failures = run_threads(kWorkers, [&](int w) {
    const std::string worker = "worker-" + std::to_string(w);
    for (;;) {
      const auto got = dbm().operator_queue().claim_pending_items(worker, 7);
      if (got.empty()) return;
      EXPECT_LE(got.size(), 7u);  // never more than asked for
      std::lock_guard lock(mu);
      for (const auto& item : got) {
        EXPECT_EQ(item.delivery_detail, worker);
        claimed_by.emplace(item.id, worker);
        ++claims;
      }
    }
  });
  ASSERT_EQ(failures, 0);
  EXPECT_EQ(claims, kItems);  // none twice
  EXPECT_EQ(claimed_by.size(), static_cast<std::size_t>(kItems));
  for (const auto& [id, worker] : claimed_by) EXPECT_TRUE(made.count(id)) << id;
  for (const auto& item : ops().list_items({.limit = kItems}))
    EXPECT_EQ(item.delivery_detail, claimed_by[item.id]) << item.id;  // none missed
  EXPECT_TRUE(ops().claim_pending_items("late", 10).empty());
}

TEST_P(OperatorQueueTest, OfEightConcurrentRespondersOneWins) {
  reopen_for(8);
  const std::string id = ask("coder", "race");
  std::atomic<int> wins{0};
  const int failures = run_threads(8, [&](int i) {
    const auto r = dbm().operator_queue().respond_to_item(id, "answer " + std::to_string(i),
                                                          std::nullopt, ada_, "ada@example.com");
    if (r) ++wins;
  });
  ASSERT_EQ(failures, 0);
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(ops().get_item(id)->status, "responded");
}

TEST_P(OperatorQueueTest, ConcurrentReAsksMakeOneItem) {
  reopen_for(8);
  std::vector<std::string> got(8);
  const int failures = run_threads(8, [&](int i) {
    got[static_cast<std::size_t>(i)] = dbm().operator_queue().create_item(
        "coder", {.type = "question", .title = "t", .question = "q", .request_id = "same"});
  });
  ASSERT_EQ(failures, 0);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 1u);
  EXPECT_EQ(rows("operator_queue"), 1);
}

TEST_P(OperatorQueueTest, ConcurrentExpirersAddUpToTheItemsExpired) {
  reopen_for(2);
  constexpr int kItems = 200;
  dbm().transaction([&] {
    for (int i = 0; i < kItems; ++i)
      ask("coder", "item " + std::to_string(i),
          {.type = "q", .title = {}, .question = {}, .expires_at = ago(1s)});
    ask("coder", "kept", {.type = "q", .title = {}, .question = {}, .expires_at = ago(-1h)});
  });
  std::atomic<std::int64_t> expired{0};
  const int failures =
      run_threads(2, [&](int) { expired += dbm().operator_queue().mark_expired(); });
  ASSERT_EQ(failures, 0);
  EXPECT_EQ(expired.load(), kItems);
  EXPECT_EQ(ops().get_stats().by_status.at("expired"), kItems);
  EXPECT_EQ(ops().get_stats().by_status.at("pending"), 1);
}

TEST_P(OperatorQueueTest, ItemsRollBackWithTheFacadeTransaction) {
  const std::string kept = ask("coder", "kept");
  EXPECT_THROW(dbm().transaction([&] {
    ask("coder", "gone");
    ASSERT_TRUE(ops().respond_to_item(kept, "yes", std::nullopt, ada_, "ada@example.com"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("operator_queue"), 1);
  EXPECT_EQ(ops().get_item(kept)->status, "pending");
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(OperatorQueueTest);
