// EventSubscriptionOperations on every backend: create / get / list / update / delete
// subscriptions (duplicates a DuplicateError, by create or by update, the first kept; an
// enclosing transaction usable after one), matching enabled subscriptions, deleting an agent's
// subscriptions both ways, events with JSON payloads, bad input refused with nothing written,
// and eight concurrent creators of one subscription making one row.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/event_subscriptions.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::AgentEvent;
using trinity::db::DuplicateError;
using trinity::db::EventSubscription;
using trinity::db::EventSubscriptionCreate;
using Ids = std::vector<std::string>;

namespace {

class EventSubscriptionsTest : public trinity_test::TrinityTest {
 protected:
  trinity::db::EventSubscriptionOperations& ops() { return dbm().event_subscriptions(); }

  EventSubscription sub(const std::string& subscriber, const std::string& source,
                        const std::string& type, bool enabled = true) {
    return ops().create_subscription(subscriber,
                                     {.source_agent = source,
                                      .event_type = type,
                                      .target_message = "on " + type,
                                      .enabled = enabled},
                                     "ada");
  }
  /// Sets created_at of a subscription or an event directly (the operations take the clock).
  template <class T>
  void set_created(const T& table, const std::string& id, std::chrono::microseconds ago) {
    auto c = dbm().engine().connect();
    c.execute(update(table)
                  .set({{table.created_at, Timestamp(Timestamp::now().time_point() - ago)}})
                  .where(table.id == id));
  }
  template <class T>
  static Ids ids(const std::vector<T>& v) {
    Ids out;
    for (const auto& x : v) out.push_back(x.id);
    return out;
  }
};

TEST_P(EventSubscriptionsTest, CreateGetAndDuplicates) {
  const Timestamp before = Timestamp::now();
  const auto s1 = ops().create_subscription(
      " tester ",
      {.source_agent = "coder ", .event_type = " build.done", .target_message = "Test {build}"},
      "ada");
  EXPECT_EQ(s1.id.size(), 32u);
  EXPECT_EQ(s1.subscriber_agent, "tester");
  EXPECT_EQ(s1.source_agent, "coder");
  EXPECT_EQ(s1.event_type, "build.done");
  EXPECT_EQ(s1.target_message, "Test {build}");
  EXPECT_TRUE(s1.enabled);
  EXPECT_EQ(s1.created_by, "ada");
  EXPECT_GE(s1.created_at.micros(), before.micros() - 1'000'000);
  EXPECT_EQ(s1.updated_at, s1.created_at);

  const auto got = ops().get_subscription(s1.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, s1.id);
  EXPECT_EQ(got->created_at, s1.created_at);
  EXPECT_FALSE(ops().get_subscription("nope"));

  // The same (subscriber, source, type): DuplicateError, the first kept.
  EXPECT_THROW(sub("tester", "coder", "build.done", false), DuplicateError);
  EXPECT_TRUE(ops().get_subscription(s1.id)->enabled);
  // Any part different: a subscription of its own.
  sub("writer", "coder", "build.done");
  sub("tester", "writer", "build.done");
  sub("tester", "coder", "build.failed");
  EXPECT_EQ(rows("agent_event_subscriptions"), 4);

  // In a transaction, the duplicate leaves it usable.
  dbm().transaction([&] {
    EXPECT_THROW(sub("tester", "coder", "build.done"), DuplicateError);
    sub("tester", "coder", "deploy.done");
  });
  EXPECT_EQ(rows("agent_event_subscriptions"), 5);
}

TEST_P(EventSubscriptionsTest, BadInputIsRefusedWithNothingWritten) {
  const auto refused = [&](const std::string& subscriber, EventSubscriptionCreate d) {
    EXPECT_THROW(ops().create_subscription(subscriber, d, "ada"), std::invalid_argument)
        << subscriber << "/" << d.source_agent << "/" << d.event_type;
  };
  refused("", {.source_agent = "coder", .event_type = "e", .target_message = "m"});
  refused("tester", {.source_agent = " ", .event_type = "e", .target_message = "m"});
  refused("tester", {.source_agent = "coder", .event_type = "", .target_message = "m"});
  refused("tester", {.source_agent = "coder", .event_type = "e", .target_message = " \n"});
  refused("tester", {.source_agent = "coder", .event_type = "e\x01", .target_message = "m"});
  EXPECT_EQ(rows("agent_event_subscriptions"), 0);

  EXPECT_THROW(ops().create_event("", "e"), std::invalid_argument);
  EXPECT_THROW(ops().create_event("coder", " "), std::invalid_argument);
  EXPECT_THROW(ops().create_event("coder", "e", std::nullopt, -1), std::invalid_argument);
  EXPECT_EQ(rows("agent_events"), 0);

  EXPECT_THROW(ops().list_subscriptions(std::nullopt, std::nullopt, false, -1),
               std::invalid_argument);
  EXPECT_THROW(ops().list_events(std::nullopt, std::nullopt, -1), std::invalid_argument);

  const auto s = sub("tester", "coder", "e");
  EXPECT_THROW(ops().update_subscription(s.id, {.event_type = " "}), std::invalid_argument);
  EXPECT_THROW(ops().update_subscription(s.id, {.target_message = ""}), std::invalid_argument);
  EXPECT_EQ(ops().get_subscription(s.id)->updated_at, s.updated_at);
}

TEST_P(EventSubscriptionsTest, ListFiltersAndLimits) {
  const auto a = sub("tester", "coder", "build.done");
  const auto b = sub("tester", "writer", "post.done", false);
  const auto c = sub("writer", "coder", "build.done");
  const auto& t = s().agent_event_subscriptions;
  set_created(t, a.id, 3h);
  set_created(t, b.id, 2h);
  set_created(t, c.id, 1h);

  EXPECT_EQ(ids(ops().list_subscriptions()), (Ids{c.id, b.id, a.id}));  // newest first
  EXPECT_EQ(ids(ops().list_subscriptions("tester")), (Ids{b.id, a.id}));
  EXPECT_EQ(ids(ops().list_subscriptions(std::nullopt, "coder")), (Ids{c.id, a.id}));
  EXPECT_EQ(ids(ops().list_subscriptions("tester", "coder")), Ids{a.id});
  EXPECT_EQ(ids(ops().list_subscriptions("tester", std::nullopt, true)), Ids{a.id});
  EXPECT_EQ(ids(ops().list_subscriptions(std::nullopt, std::nullopt, false, 2)), (Ids{c.id, b.id}));
  EXPECT_TRUE(ops().list_subscriptions(std::nullopt, std::nullopt, false, 0).empty());
  EXPECT_TRUE(ops().list_subscriptions("nobody").empty());
}

TEST_P(EventSubscriptionsTest, UpdateChangesTheFieldsGiven) {
  const auto s1 = sub("tester", "coder", "build.done");
  const auto s2 = sub("tester", "coder", "build.failed");
  const auto off = ops().update_subscription(s1.id, {.enabled = false});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->enabled);
  EXPECT_EQ(off->event_type, "build.done");
  EXPECT_EQ(off->target_message, "on build.done");
  EXPECT_GE(off->updated_at, s1.updated_at);

  const auto moved = ops().update_subscription(
      s1.id, {.event_type = " build.started ", .target_message = "Get ready", .enabled = true});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->event_type, "build.started");
  EXPECT_EQ(moved->target_message, "Get ready");
  EXPECT_TRUE(moved->enabled);
  EXPECT_EQ(moved->created_at, s1.created_at);

  // Nothing given: the subscription as it is. Unknown id: nullopt.
  const auto same = ops().update_subscription(s1.id, {});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->updated_at, moved->updated_at);
  EXPECT_FALSE(ops().update_subscription("nope", {.enabled = false}));
  EXPECT_FALSE(ops().update_subscription("nope", {}));

  // Onto another subscription's key: DuplicateError, both unchanged; a transaction survives.
  dbm().transaction([&] {
    EXPECT_THROW(ops().update_subscription(s2.id, {.event_type = "build.started"}), DuplicateError);
    EXPECT_TRUE(ops().update_subscription(s2.id, {.target_message = "still here"}));
  });
  EXPECT_EQ(ops().get_subscription(s2.id)->event_type, "build.failed");
  EXPECT_EQ(ops().get_subscription(s2.id)->target_message, "still here");
}

TEST_P(EventSubscriptionsTest, DeleteOneAndAnAgentsBothWays) {
  const auto a = sub("tester", "coder", "build.done");
  sub("coder", "writer", "post.done");
  sub("writer", "coder", "build.done");
  const auto d = sub("writer", "tester", "test.done");

  EXPECT_TRUE(ops().delete_subscription(a.id));
  EXPECT_FALSE(ops().delete_subscription(a.id));
  EXPECT_FALSE(ops().get_subscription(a.id));
  EXPECT_EQ(ops().delete_agent_subscriptions("coder"), 2);  // its own and those to it
  EXPECT_EQ(ops().delete_agent_subscriptions("coder"), 0);
  EXPECT_EQ(ops().delete_agent_subscriptions("nobody"), 0);
  EXPECT_EQ(ids(ops().list_subscriptions()), Ids{d.id});
}

TEST_P(EventSubscriptionsTest, FindMatchingSubscriptions) {
  const auto a = sub("tester", "coder", "build.done");
  const auto b = sub("writer", "coder", "build.done");
  sub("reviewer", "coder", "build.done", false);  // disabled
  sub("tester", "coder", "build.failed");         // another type
  sub("tester", "writer", "build.done");          // another source
  set_created(s().agent_event_subscriptions, a.id, 1h);

  EXPECT_EQ(ids(ops().find_matching_subscriptions("coder", "build.done")), (Ids{a.id, b.id}));
  EXPECT_TRUE(ops().find_matching_subscriptions("coder", "build.*").empty());  // exact types
  EXPECT_TRUE(ops().find_matching_subscriptions("coder", "BUILD.DONE").empty());
  EXPECT_TRUE(ops().find_matching_subscriptions("nobody", "build.done").empty());
  ASSERT_TRUE(ops().update_subscription(b.id, {.enabled = false}));
  EXPECT_EQ(ids(ops().find_matching_subscriptions("coder", "build.done")), Ids{a.id});
}

TEST_P(EventSubscriptionsTest, EventsKeepTheirPayload) {
  const Json payload = {{"build", 42}, {"ok", true}, {"files", Json::array({"a.cpp", "b.cpp"})}};
  const Timestamp before = Timestamp::now();
  const AgentEvent e1 = ops().create_event("coder", "build.done", payload, 2);
  EXPECT_EQ(e1.id.size(), 32u);
  EXPECT_EQ(e1.source_agent, "coder");
  EXPECT_EQ(e1.event_type, "build.done");
  EXPECT_EQ(e1.payload, payload);
  EXPECT_EQ(e1.subscriptions_triggered, 2);
  EXPECT_GE(e1.created_at.micros(), before.micros() - 1'000'000);
  const AgentEvent e2 = ops().create_event("coder", "build.failed");
  EXPECT_FALSE(e2.payload);
  EXPECT_EQ(e2.subscriptions_triggered, 0);
  const AgentEvent e3 = ops().create_event("writer", "post.done", Json::array());
  EXPECT_EQ(e3.payload, Json::array());
  set_created(s().agent_events, e1.id, 3h);
  set_created(s().agent_events, e2.id, 2h);
  set_created(s().agent_events, e3.id, 1h);

  const auto all = ops().list_events();
  EXPECT_EQ(ids(all), (Ids{e3.id, e2.id, e1.id}));  // newest first
  EXPECT_EQ(all[2].payload, payload);
  EXPECT_EQ(ids(ops().list_events("coder")), (Ids{e2.id, e1.id}));
  EXPECT_EQ(ids(ops().list_events(std::nullopt, "build.done")), Ids{e1.id});
  EXPECT_EQ(ids(ops().list_events("coder", "post.done")), Ids{});
  EXPECT_EQ(ids(ops().list_events(std::nullopt, std::nullopt, 1)), Ids{e3.id});
  EXPECT_TRUE(ops().list_events(std::nullopt, std::nullopt, 0).empty());
}

TEST_P(EventSubscriptionsTest, ConcurrentCreatorsMakeOneSubscription) {
  if (single_writer_file()) {
    reopen("busy_timeout=60000");
  }
  std::atomic<int> made{0}, duplicates{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      try {
        sub("tester", "coder", "build.done");
        ++made;
      } catch (const DuplicateError&) {
        ++duplicates;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(rows("agent_event_subscriptions"), 1);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(EventSubscriptionsTest);
