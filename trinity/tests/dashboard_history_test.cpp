// DashboardHistoryOperations on every backend: what a snapshot stores from a configuration
// (tracked types, keys, numbers, numeric text, text, widgets passed over, both layouts), one
// snapshot per dashboard mtime (also when captured concurrently), widget history windows, limits
// and order across a midnight, history by widget key, statistics checked against numbers computed
// here, retention keeping exactly the rows inside the window, two sweepers at once, the dashboard
// cache (an upsert), deleting an agent's history, bad input writing nothing, rollback with the
// facade's transaction and (PostgreSQL) the index the sweep can use.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "plans.hpp"
#include "trinity/db/dashboard_history.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::DashboardHistoryOperations;
using trinity::db::WidgetStats;
using trinity::db::WidgetValue;

namespace {

/// A stored value row, as read back directly.
struct Stored {
  std::optional<std::string> label;
  std::string type;
  std::optional<double> numeric;
  std::optional<std::string> text;
  friend bool operator==(const Stored&, const Stored&) = default;
};

class DashboardHistoryTest : public trinity_test::TrinityTest {
 protected:
  DashboardHistoryOperations& ops() { return dbm().dashboard_history(); }

  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  /// The agent's stored values by widget key.
  std::map<std::string, Stored> stored(const std::string& agent) {
    const auto& t = s().agent_dashboard_values;
    std::map<std::string, Stored> out;
    for (const Row& r :
         exec(select({t.widget_key, t.widget_label, t.widget_type, t.value_numeric, t.value_text})
                  .where(t.agent_name == agent)))
      out[r.get(t.widget_key)] = {r.get(t.widget_label), r.get(t.widget_type),
                                  r.get(t.value_numeric), r.get(t.value_text)};
    return out;
  }
  /// Values of `key` of `agent` captured at the given times (numeric `v`, no text).
  void seed(const std::string& agent, const std::string& key,
            const std::vector<std::pair<Timestamp, double>>& points) {
    const auto& t = s().agent_dashboard_values;
    std::vector<std::vector<Value>> values;
    for (const auto& [at, v] : points)
      values.push_back(
          {agent + key + std::to_string(at.micros()), agent, key, "metric", v, at, at});
    auto c = dbm().engine().connect();
    c.bulk_insert(t,
                  {t.id, t.agent_name, t.widget_key, t.widget_type, t.value_numeric,
                   t.dashboard_mtime, t.captured_at},
                  values);
  }
  static std::vector<double> numbers(const std::vector<WidgetValue>& v) {
    std::vector<double> out;
    for (const auto& w : v) out.push_back(w.value_numeric.value_or(-1));
    return out;
  }
  static WidgetValue at(std::int64_t minute, std::optional<double> v,
                        std::optional<std::string> text = std::nullopt) {
    return {Timestamp::from_micros(minute * 60'000'000), v, std::move(text)};
  }

  const Timestamp mtime_ = Timestamp::from_civil(2025, 3, 1, 12, 0, 0);
};

TEST_P(DashboardHistoryTest, CaptureStoresTheTrackedWidgetsValues) {
  const Json config = Json::parse(R"({
    "title": "Coder",
    "sections": [
      {"title": "Work", "widgets": [
        {"id": "open_prs", "type": "metric", "label": "Open PRs", "value": 12},
        {"key": "coverage", "type": "progress", "label": "Coverage", "value": 87.5},
        {"id": "state", "type": "status", "label": "State", "value": "running"},
        {"id": "money", "type": "metric", "label": "Spend", "value": "$1,234.50"},
        {"id": "rate", "type": "metric", "value": " 95% "},
        {"type": "metric", "label": "Unnamed", "value": -3},
        {"id": "notes", "type": "text", "value": "hello"},
        {"id": "empty", "type": "metric", "value": "  "},
        {"id": "null", "type": "metric", "value": null},
        {"id": "flag", "type": "status", "value": true},
        {"id": "obj", "type": "metric", "value": {"n": 1}},
        {"id": "list", "type": "metric", "value": [1, 2]},
        {"id": "missing", "type": "metric"},
        {"id": "untyped", "value": 4},
        {"id": "open_prs", "type": "metric", "value": 99},
        "not a widget",
        {"id": "  ", "type": "metric", "label": 7, "value": 1}
      ]},
      {"title": "no widgets"},
      "not a section",
      {"widgets": [{"id": " spaced ", "type": "metric", "value": 0}]}
    ]})");
  EXPECT_EQ(ops().capture_dashboard_snapshot("coder", config, mtime_), 8);
  const std::map<std::string, Stored> expected = {
      {"open_prs", {"Open PRs", "metric", 12.0, std::nullopt}},
      {"coverage", {"Coverage", "progress", 87.5, std::nullopt}},
      {"state", {"State", "status", std::nullopt, "running"}},
      {"money", {"Spend", "metric", 1234.5, "$1,234.50"}},
      {"rate", {std::nullopt, "metric", 95.0, " 95% "}},
      {"s0_w5", {"Unnamed", "metric", -3.0, std::nullopt}},
      {"s0_w16", {std::nullopt, "metric", 1.0, std::nullopt}},
      {"spaced", {std::nullopt, "metric", 0.0, std::nullopt}},
  };
  EXPECT_EQ(stored("coder"), expected);
  EXPECT_EQ(ops().get_last_captured_mtime("coder"), mtime_);
  // One captured_at for the whole snapshot.
  const auto& t = s().agent_dashboard_values;
  EXPECT_EQ(exec(select(t.captured_at).distinct()).size(), 1u);
}

TEST_P(DashboardHistoryTest, EitherLayoutAndNothingToTrack) {
  const Json flat = Json::parse(
      R"({"widgets": [{"id": "a", "type": "metric", "value": 1},
                      {"type": "progress", "value": "50%"}]})");
  EXPECT_EQ(ops().capture_dashboard_snapshot("coder", flat, mtime_), 2);
  EXPECT_EQ(stored("coder").at("s0_w1").numeric, 50.0);
  // Configurations without anything to track store nothing.
  const Timestamp later = plus(mtime_, 1min);
  for (const char* text : {"null", "[]", "\"sections\"", "{}", R"({"sections": []})",
                           R"({"sections": [{"widgets": "x"}]})",
                           R"({"sections": {"widgets": [{"type": "metric", "value": 1}]}})",
                           R"({"widgets": [{"type": "text", "value": "hi"}]})"}) {
    const Json config = Json::parse(text);
    EXPECT_EQ(ops().capture_dashboard_snapshot("coder", config, later), 0) << text;
  }
  EXPECT_EQ(rows("agent_dashboard_values"), 2);
  EXPECT_EQ(ops().get_last_captured_mtime("coder"), mtime_);
}

TEST_P(DashboardHistoryTest, OneSnapshotPerDashboardMtime) {
  EXPECT_FALSE(ops().get_last_captured_mtime("coder"));
  const Json v1 = Json::parse(R"({"widgets": [{"id": "n", "type": "metric", "value": 1}]})");
  const Json v2 = Json::parse(R"({"widgets": [{"id": "n", "type": "metric", "value": 2},
                                              {"id": "m", "type": "metric", "value": 3}]})");
  EXPECT_EQ(ops().capture_dashboard_snapshot("coder", v1, mtime_), 1);
  // The same mtime again, even with other values: nothing.
  EXPECT_EQ(ops().capture_dashboard_snapshot("coder", v1, mtime_), 0);
  EXPECT_EQ(ops().capture_dashboard_snapshot("coder", v2, mtime_), 0);
  EXPECT_EQ(rows("agent_dashboard_values"), 1);
  // Another agent's snapshot of the same mtime is its own.
  EXPECT_EQ(ops().capture_dashboard_snapshot("tester", v1, mtime_), 1);
  // A new mtime is a new snapshot.
  const Timestamp next = plus(mtime_, 1s);
  EXPECT_EQ(ops().capture_dashboard_snapshot("coder", v2, next), 2);
  EXPECT_EQ(ops().get_last_captured_mtime("coder"), next);
  EXPECT_EQ(ops().get_last_captured_mtime("tester"), mtime_);
  EXPECT_EQ(numbers(ops().get_widget_history("coder", "n")), (std::vector<double>{1, 2}));
  EXPECT_FALSE(ops().get_last_captured_mtime("ghost"));
}

TEST_P(DashboardHistoryTest, ConcurrentCapturesOfOneMtimeStoreItOnce) {
  constexpr int kThreads = 8;
  reopen_for(kThreads);
  Json widgets = Json::array();
  for (int i = 0; i < 20; ++i)
    widgets.push_back({{"id", "w" + std::to_string(i)}, {"type", "metric"}, {"value", i}});
  const Json config = {{"widgets", widgets}};
  std::atomic<std::int64_t> stored_total{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      try {
        stored_total +=
            dbm().dashboard_history().capture_dashboard_snapshot("coder", config, mtime_);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(stored_total.load(), 20);
  EXPECT_EQ(rows("agent_dashboard_values"), 20);
}

TEST_P(DashboardHistoryTest, WidgetHistoryKeepsItsWindowOldestFirst) {
  const Timestamp m = past_midnight();
  seed("coder", "prs",
       {{ago(3h + 1min), 1},
        {ago(3h - 1min), 2},
        {plus(m, -1min), 3},
        {plus(m, 1min), 4},
        {ago(1min), 5},
        {ago(30h), 6}});
  seed("coder", "other", {{ago(1min), 100}});
  seed("tester", "prs", {{ago(1min), 200}});
  // 48 hours: all six, oldest first, across the midnight.
  std::vector<std::pair<Timestamp, double>> expected = {{ago(3h + 1min), 1}, {ago(3h - 1min), 2},
                                                        {plus(m, -1min), 3}, {plus(m, 1min), 4},
                                                        {ago(1min), 5},      {ago(30h), 6}};
  std::sort(expected.begin(), expected.end());
  std::vector<double> in_order;
  for (const auto& e : expected) in_order.push_back(e.second);
  EXPECT_EQ(numbers(ops().get_widget_history("coder", "prs", 48)), in_order);
  // Three hours: the value a minute inside, not the one a minute outside.
  auto three = numbers(ops().get_widget_history("coder", "prs", 3));
  EXPECT_NE(std::find(three.begin(), three.end(), 2.0), three.end());
  EXPECT_EQ(std::find(three.begin(), three.end(), 1.0), three.end());
  EXPECT_EQ(three.back(), 5.0);
  // Limit: the newest, still oldest first.
  EXPECT_EQ(numbers(ops().get_widget_history("coder", "prs", 48, 2)),
            std::vector<double>(in_order.end() - 2, in_order.end()));
  EXPECT_TRUE(ops().get_widget_history("coder", "prs", 48, 0).empty());
  EXPECT_TRUE(ops().get_widget_history("coder", "prs", 0).empty());
  EXPECT_TRUE(ops().get_widget_history("coder", "ghost").empty());
  EXPECT_TRUE(ops().get_widget_history("ghost", "prs").empty());

  // By widget key.
  auto all = ops().get_all_widget_history("coder", 48);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(numbers(all.at("prs")), in_order);
  EXPECT_EQ(numbers(all.at("other")), std::vector<double>{100});
  auto recent = ops().get_all_widget_history("coder", 3);
  EXPECT_EQ(recent.at("prs").size(), three.size());
  EXPECT_TRUE(ops().get_all_widget_history("ghost").empty());
  EXPECT_TRUE(ops().get_all_widget_history("coder", 0).empty());
}

TEST_P(DashboardHistoryTest, WidgetStatsMatchNumbersComputedHere) {
  // Nothing numeric: count 0, no numbers, stable.
  for (const auto& values :
       {std::vector<WidgetValue>{}, std::vector<WidgetValue>{at(1, std::nullopt, "running")}}) {
    const WidgetStats s = DashboardHistoryOperations::calculate_widget_stats(values);
    EXPECT_EQ(s.count, 0);
    EXPECT_FALSE(s.min || s.max || s.avg || s.latest);
    EXPECT_EQ(s.trend, "stable");
    EXPECT_EQ(s.trend_percent, 0);
  }
  // One value: stable.
  auto one = DashboardHistoryOperations::calculate_widget_stats({at(1, 7.0)});
  EXPECT_EQ(one.count, 1);
  EXPECT_EQ(one.min, 7.0);
  EXPECT_EQ(one.latest, 7.0);
  EXPECT_EQ(one.trend, "stable");
  // Given out of order, with a text value between: taken in captured order.
  auto up = DashboardHistoryOperations::calculate_widget_stats(
      {at(5, 20.0), at(1, 10.0), at(3, std::nullopt, "n/a"), at(2, 10.0), at(4, 30.0),
       at(6, 20.0)});
  EXPECT_EQ(up.count, 5);
  EXPECT_EQ(up.min, 10.0);
  EXPECT_EQ(up.max, 30.0);
  EXPECT_DOUBLE_EQ(*up.avg, 90.0 / 5);
  EXPECT_EQ(up.latest, 20.0);
  // Earlier half {10, 10}, later half (with the middle) {30, 20, 20}.
  EXPECT_DOUBLE_EQ(up.trend_percent, ((70.0 / 3) - 10.0) / 10.0 * 100);
  EXPECT_EQ(up.trend, "up");
  auto down = DashboardHistoryOperations::calculate_widget_stats(
      {at(1, 100.0), at(2, 90.0), at(3, 80.0), at(4, 70.0)});
  EXPECT_DOUBLE_EQ(down.trend_percent, (75.0 - 95.0) / 95.0 * 100);
  EXPECT_EQ(down.trend, "down");
  // Within 5 %: stable; exactly 5 % is not above it.
  EXPECT_EQ(DashboardHistoryOperations::calculate_widget_stats({at(1, 100.0), at(2, 104.0)}).trend,
            "stable");
  auto five = DashboardHistoryOperations::calculate_widget_stats({at(1, 100.0), at(2, 105.0)});
  EXPECT_DOUBLE_EQ(five.trend_percent, 5.0);
  EXPECT_EQ(five.trend, "stable");
  // An earlier mean that is not positive gives no trend.
  auto from_zero = DashboardHistoryOperations::calculate_widget_stats({at(1, 0.0), at(2, 50.0)});
  EXPECT_EQ(from_zero.trend, "stable");
  EXPECT_EQ(from_zero.trend_percent, 0);
  EXPECT_EQ(from_zero.max, 50.0);
  // Over a stored history, through the facade.
  seed("coder", "prs", {{ago(3h), 4}, {ago(2h), 8}, {ago(1h), 12}});
  auto stored_stats =
      dbm().dashboard_history().calculate_widget_stats(ops().get_widget_history("coder", "prs"));
  EXPECT_EQ(stored_stats.count, 3);
  EXPECT_EQ(stored_stats.latest, 12.0);
  EXPECT_DOUBLE_EQ(stored_stats.trend_percent, 150.0);  // 4 against (8 + 12) / 2
}

TEST_P(DashboardHistoryTest, RetentionKeepsExactlyTheRowsInsideTheWindow) {
  seed("coder", "in", {{ago(30 * 24h - 1min), 1}, {ago(1min), 2}});
  seed("coder", "out", {{ago(30 * 24h + 1min), 3}, {ago(90 * 24h), 4}});
  seed("tester", "out", {{ago(400 * 24h), 5}});
  EXPECT_EQ(ops().cleanup_old_snapshots(), 3);  // default: 30 days
  EXPECT_EQ(numbers(ops().get_all_widget_history("coder", 31 * 24).at("in")),
            (std::vector<double>{1, 2}));
  EXPECT_EQ(rows("agent_dashboard_values"), 2);
  EXPECT_EQ(ops().cleanup_old_snapshots(30), 0);
  EXPECT_EQ(ops().cleanup_old_snapshots(std::numeric_limits<std::int64_t>::max()), 0);
  EXPECT_EQ(ops().cleanup_old_snapshots(1), 1);
  EXPECT_EQ(ops().cleanup_old_snapshots(0), 1);
  EXPECT_EQ(rows("agent_dashboard_values"), 0);
}

TEST_P(DashboardHistoryTest, TwoConcurrentSweepersDeleteEachRowOnce) {
  constexpr int kOld = 3000, kRecent = 40;
  reopen_for(2);
  std::vector<std::pair<Timestamp, double>> old_points, recent_points;
  for (int i = 0; i < kOld; ++i) old_points.push_back({ago(31 * 24h + std::chrono::minutes(i)), i});
  for (int i = 0; i < kRecent; ++i) recent_points.push_back({ago(std::chrono::minutes(i + 1)), i});
  seed("coder", "w", old_points);
  seed("coder", "w", recent_points);
  std::atomic<std::int64_t> deleted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&] {
      try {
        deleted += dbm().dashboard_history().cleanup_old_snapshots(30);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(deleted.load(), kOld);
  EXPECT_EQ(rows("agent_dashboard_values"), kRecent);
}

TEST_P(DashboardHistoryTest, TheCacheHoldsTheLastValidDashboard) {
  EXPECT_FALSE(ops().has_cached_dashboard("coder"));
  EXPECT_FALSE(ops().get_cached_dashboard("coder"));
  const Json first = {{"title", "Coder"}, {"sections", Json::array()}};
  const Timestamp before = Timestamp::now();
  ops().cache_valid_dashboard(" coder ", first, mtime_);
  EXPECT_TRUE(ops().has_cached_dashboard("coder"));
  auto got = ops().get_cached_dashboard("coder");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->agent_name, "coder");
  EXPECT_EQ(got->config, first);
  EXPECT_EQ(got->last_modified, mtime_);
  EXPECT_GE(got->updated_at, before);
  // Cached again: replaced in place, last_modified included.
  const Json second = Json::parse(R"({"title": "Coder 2", "widgets": [{"id": "x"}]})");
  ops().cache_valid_dashboard("coder", second);
  got = ops().get_cached_dashboard("coder");
  EXPECT_EQ(got->config, second);
  EXPECT_FALSE(got->last_modified);
  EXPECT_EQ(rows("agent_dashboard_cache"), 1);
  ops().cache_valid_dashboard("tester", first);
  EXPECT_TRUE(ops().delete_cached_dashboard("coder"));
  EXPECT_FALSE(ops().delete_cached_dashboard("coder"));
  EXPECT_FALSE(ops().has_cached_dashboard("coder"));
  EXPECT_TRUE(ops().has_cached_dashboard("tester"));
}

TEST_P(DashboardHistoryTest, ConcurrentCachingLeavesOneRow) {
  constexpr int kThreads = 8;
  reopen_for(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      try {
        dbm().dashboard_history().cache_valid_dashboard("coder", {{"n", i}});
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(rows("agent_dashboard_cache"), 1);
  EXPECT_TRUE(ops().get_cached_dashboard("coder")->config.contains("n"));
}

TEST_P(DashboardHistoryTest, DeletingAnAgentsHistoryTakesItsValuesAndCache) {
  seed("coder", "a", {{ago(1h), 1}, {ago(2h), 2}});
  seed("coder", "b", {{ago(1h), 3}});
  seed("tester", "a", {{ago(1h), 4}});
  ops().cache_valid_dashboard("coder", {{"title", "x"}});
  ops().cache_valid_dashboard("tester", {{"title", "y"}});
  EXPECT_EQ(ops().delete_agent_dashboard_history("coder"), 4);  // 3 values and the cache row
  EXPECT_EQ(ops().delete_agent_dashboard_history("coder"), 0);
  EXPECT_TRUE(ops().get_all_widget_history("coder").empty());
  EXPECT_EQ(ops().get_all_widget_history("tester").size(), 1u);
  EXPECT_TRUE(ops().has_cached_dashboard("tester"));
  ops().cache_valid_dashboard("cache-only", {{"title", "z"}});
  EXPECT_EQ(ops().delete_agent_dashboard_history("cache-only"), 1);
}

TEST_P(DashboardHistoryTest, BadInputIsRefusedAndWritesNothing) {
  seed("coder", "a", {{ago(40 * 24h), 1}});
  ops().cache_valid_dashboard("coder", {{"title", "x"}});
  const Json config = Json::parse(R"({"widgets": [{"id": "n", "type": "metric", "value": 1}]})");
  const auto refused = [](auto fn) { EXPECT_THROW(fn(), std::invalid_argument); };
  refused([&] { ops().capture_dashboard_snapshot("", config, mtime_); });
  refused([&] { ops().capture_dashboard_snapshot(" ", Json(), mtime_); });
  refused([&] { ops().get_widget_history("", "n"); });
  refused([&] { ops().get_widget_history("coder", " "); });
  refused([&] { ops().get_widget_history("coder", "n", -1); });
  refused([&] { ops().get_widget_history("coder", "n", 24, -1); });
  refused([&] { ops().get_all_widget_history("coder", -1); });
  refused([&] { ops().get_last_captured_mtime(""); });
  refused([&] { ops().cleanup_old_snapshots(-1); });
  refused([&] { ops().cache_valid_dashboard("", config); });
  refused([&] { ops().get_cached_dashboard(""); });
  refused([&] { ops().delete_cached_dashboard("\t"); });
  refused([&] { ops().has_cached_dashboard(""); });
  refused([&] { ops().delete_agent_dashboard_history(""); });
  EXPECT_EQ(rows("agent_dashboard_values"), 1);
  EXPECT_EQ(rows("agent_dashboard_cache"), 1);
}

TEST_P(DashboardHistoryTest, CallsRollBackWithTheFacadeTransaction) {
  seed("coder", "a", {{ago(40 * 24h), 1}});
  ops().cache_valid_dashboard("coder", {{"title", "x"}});
  const Json config = Json::parse(R"({"widgets": [{"id": "n", "type": "metric", "value": 1}]})");
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_EQ(ops().capture_dashboard_snapshot("coder", config, mtime_), 1);
    EXPECT_EQ(ops().get_last_captured_mtime("coder"), mtime_);  // sees its own work
    EXPECT_EQ(ops().cleanup_old_snapshots(30), 1);
    ops().cache_valid_dashboard("tester", {{"title", "y"}});
    EXPECT_EQ(ops().delete_agent_dashboard_history("coder"), 2);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("agent_dashboard_values"), 1);
  EXPECT_TRUE(ops().has_cached_dashboard("coder"));
  EXPECT_FALSE(ops().has_cached_dashboard("tester"));
}

// The sweep's statement as cleanup_old_snapshots builds it (dashboard_history.cpp), EXPLAINed on
// PostgreSQL: it reaches the rows through idx_dashboard_values_captured_at (revision 0003;
// docs/trinity.md, "Monitoring and dashboard history").
TEST_P(DashboardHistoryTest, TheSweepUsesTheCapturedAtIndexOnPostgresql) {
  auto c = dbm().engine().connect();
  if (c.dialect().name() != "postgresql") GTEST_SKIP() << "EXPLAIN's output is PostgreSQL's";
  const auto& t = s().agent_dashboard_values;
  const Timestamp cutoff = ago(30 * 24h);
  const std::string plan =
      trinity_test::postgres_plan(c, delete_from(t).where(t.captured_at < cutoff), {Value(cutoff)});
  EXPECT_NE(plan.find("idx_dashboard_values_captured_at"), std::string::npos) << plan;
}

SQLCORE_BACKEND_TEST_SUITE(DashboardHistoryTest);

}  // namespace
