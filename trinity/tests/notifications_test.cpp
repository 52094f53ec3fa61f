// NotificationOperations on every backend: create / get (JSON metadata, defaults), filters with
// a list of priorities, acknowledge and dismiss as guarded updates from pending only (unknown
// ids, a second call), deletes, the pending count, bad input refused with nothing written, and
// eight concurrent acknowledgers of one notification (one wins).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>

#include "fixture.hpp"
#include "trinity/db/notifications.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::Notification;
using trinity::db::NotificationCreate;
using Ids = std::vector<std::string>;

namespace {

class NotificationsTest : public trinity_test::TrinityTest {
 protected:
  trinity::db::NotificationOperations& ops() { return dbm().notifications(); }

  /// A notification from `agent`, made `ago` in the past (created_at set directly).
  std::string notify(const std::string& agent, const std::string& title,
                     std::chrono::microseconds ago, const std::string& priority = "normal",
                     std::optional<std::string> category = std::nullopt) {
    const auto n = ops().create_notification(agent, {.notification_type = "info",
                                                     .title = title,
                                                     .priority = priority,
                                                     .category = std::move(category)});
    auto c = dbm().engine().connect();
    const auto& t = s().agent_notifications;
    c.execute(update(t)
                  .set({{t.created_at, Timestamp(Timestamp::now().time_point() - ago)}})
                  .where(t.id == n.id));
    return n.id;
  }
  static Ids ids(const std::vector<Notification>& v) {
    Ids out;
    for (const auto& n : v) out.push_back(n.id);
    return out;
  }
};

TEST_P(NotificationsTest, CreateAndGet) {
  const Timestamp before = Timestamp::now();
  const Json meta = {{"build", 7}, {"links", Json::array({"https://ci/7"})}};
  const auto n = ops().create_notification(" coder ", {.notification_type = " alert ",
                                                       .title = "Build failed",
                                                       .message = "3 tests failed",
                                                       .priority = "urgent",
                                                       .category = "ci",
                                                       .metadata = meta});
  EXPECT_EQ(n.id.size(), 32u);
  EXPECT_EQ(n.agent_name, "coder");
  EXPECT_EQ(n.notification_type, "alert");
  EXPECT_EQ(n.title, "Build failed");
  EXPECT_EQ(n.message, "3 tests failed");
  EXPECT_EQ(n.priority, "urgent");
  EXPECT_EQ(n.category, "ci");
  EXPECT_EQ(n.metadata, meta);
  EXPECT_EQ(n.status, "pending");
  EXPECT_GE(n.created_at.micros(), before.micros() - 1'000'000);
  EXPECT_FALSE(n.acknowledged_at);
  EXPECT_FALSE(n.acknowledged_by);

  const auto got = ops().get_notification(n.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->metadata, meta);
  EXPECT_EQ(got->created_at, n.created_at);
  EXPECT_FALSE(ops().get_notification("nope"));

  const auto plain =
      ops().create_notification("coder", {.notification_type = "info", .title = "t"});
  EXPECT_EQ(plain.priority, "normal");
  EXPECT_FALSE(plain.message);
  EXPECT_FALSE(plain.category);
  EXPECT_FALSE(plain.metadata);
}

TEST_P(NotificationsTest, BadInputIsRefusedWithNothingWritten) {
  const auto refused = [&](const std::string& agent, const NotificationCreate& d) {
    EXPECT_THROW(ops().create_notification(agent, d), std::invalid_argument) << agent;
  };
  refused("", {.notification_type = "info", .title = "t"});
  refused("coder", {.notification_type = " ", .title = "t"});
  refused("coder", {.notification_type = "info", .title = "\t"});
  refused("coder", {.notification_type = "info", .title = "t", .priority = "critical"});
  refused("coder", {.notification_type = "info", .title = "t", .priority = ""});
  EXPECT_EQ(rows("agent_notifications"), 0);
  EXPECT_THROW(ops().list_notifications({.limit = -1}), std::invalid_argument);
  EXPECT_THROW(ops().list_agent_notifications("coder", std::nullopt, -5), std::invalid_argument);
}

TEST_P(NotificationsTest, ListFiltersWithAListOfPriorities) {
  const auto a = notify("coder", "a", 5h, "low", "ci");
  const auto b = notify("coder", "b", 4h, "high", "ci");
  const auto c = notify("coder", "c", 3h, "urgent");
  const auto d = notify("writer", "d", 2h, "high", "blog");
  const auto e = notify("writer", "e", 1h);
  ASSERT_TRUE(ops().acknowledge_notification(b, "ada"));

  EXPECT_EQ(ids(ops().list_notifications()), (Ids{e, d, c, b, a}));  // newest first
  EXPECT_EQ(ids(ops().list_notifications({.agent_name = "coder"})), (Ids{c, b, a}));
  EXPECT_EQ(ids(ops().list_notifications({.status = "pending"})), (Ids{e, d, c, a}));
  EXPECT_EQ(ids(ops().list_notifications({.priority = std::vector<std::string>{"high", "urgent"}})),
            (Ids{d, c, b}));
  EXPECT_EQ(ids(ops().list_notifications({.priority = std::vector<std::string>{"normal"}})),
            Ids{e});
  EXPECT_TRUE(ops().list_notifications({.priority = std::vector<std::string>{}}).empty());
  EXPECT_EQ(ids(ops().list_notifications({.category = "ci"})), (Ids{b, a}));
  EXPECT_EQ(ids(ops().list_notifications({.agent_name = "coder",
                                          .status = "pending",
                                          .priority = std::vector<std::string>{"high", "low"},
                                          .category = "ci"})),
            Ids{a});
  EXPECT_EQ(ids(ops().list_notifications({.limit = 2})), (Ids{e, d}));
  EXPECT_TRUE(ops().list_notifications({.limit = 0}).empty());

  EXPECT_EQ(ids(ops().list_agent_notifications("coder")), (Ids{c, b, a}));
  EXPECT_EQ(ids(ops().list_agent_notifications("coder", "acknowledged")), Ids{b});
  EXPECT_EQ(ids(ops().list_agent_notifications("coder", std::nullopt, 1)), Ids{c});
  EXPECT_TRUE(ops().list_agent_notifications("nobody").empty());
}

TEST_P(NotificationsTest, AcknowledgeAndDismissFromPendingOnly) {
  const auto a = notify("coder", "a", 2h);
  const auto b = notify("coder", "b", 1h);
  const Timestamp before = Timestamp::now();
  const auto acked = ops().acknowledge_notification(a, "ada");
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->status, "acknowledged");
  EXPECT_EQ(acked->acknowledged_by, "ada");
  ASSERT_TRUE(acked->acknowledged_at);
  EXPECT_GE(acked->acknowledged_at->micros(), before.micros() - 1'000'000);
  EXPECT_EQ(acked->title, "a");
  // Not pending any more: neither a second acknowledgement nor a dismissal changes it.
  EXPECT_FALSE(ops().acknowledge_notification(a, "bob"));
  EXPECT_FALSE(ops().dismiss_notification(a, "bob"));
  EXPECT_EQ(ops().get_notification(a)->acknowledged_by, "ada");

  const auto dismissed = ops().dismiss_notification(b, "bob");
  ASSERT_TRUE(dismissed);
  EXPECT_EQ(dismissed->status, "dismissed");
  EXPECT_EQ(dismissed->acknowledged_by, "bob");
  EXPECT_TRUE(dismissed->acknowledged_at);
  EXPECT_FALSE(ops().acknowledge_notification(b, "ada"));
  EXPECT_FALSE(ops().dismiss_notification(b, "ada"));

  EXPECT_FALSE(ops().acknowledge_notification("nope", "ada"));
  EXPECT_FALSE(ops().dismiss_notification("nope", "ada"));
}

TEST_P(NotificationsTest, CountPendingAndDelete) {
  EXPECT_EQ(ops().count_pending_notifications(), 0);
  const auto a = notify("coder", "a", 3h);
  notify("coder", "b", 2h);
  const auto c = notify("writer", "c", 1h);
  notify("writer", "d", 1h);
  ASSERT_TRUE(ops().acknowledge_notification(a, "ada"));
  ASSERT_TRUE(ops().dismiss_notification(c, "ada"));
  EXPECT_EQ(ops().count_pending_notifications(), 2);
  EXPECT_EQ(ops().count_pending_notifications("coder"), 1);
  EXPECT_EQ(ops().count_pending_notifications("writer"), 1);
  EXPECT_EQ(ops().count_pending_notifications("nobody"), 0);

  EXPECT_EQ(ops().delete_agent_notifications("coder"), 2);
  EXPECT_EQ(ops().delete_agent_notifications("coder"), 0);
  EXPECT_EQ(ops().delete_agent_notifications("nobody"), 0);
  EXPECT_FALSE(ops().get_notification(a));
  EXPECT_EQ(rows("agent_notifications"), 2);
  EXPECT_EQ(ops().count_pending_notifications(), 1);
}

TEST_P(NotificationsTest, OfEightConcurrentAcknowledgersOneWins) {
  if (single_writer_file()) {
    reopen("busy_timeout=60000");
  }
  const auto id = notify("coder", "race", 1min);
  std::atomic<int> wins{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        const std::string who = "user-" + std::to_string(i);
        const auto n = i % 2 ? dbm().notifications().acknowledge_notification(id, who)
                             : dbm().notifications().dismiss_notification(id, who);
        if (n) ++wins;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(wins.load(), 1);
  EXPECT_NE(ops().get_notification(id)->status, "pending");
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(NotificationsTest);
