// MonitoringOperations on every backend: health checks stored with every measurement or none,
// the latest check (ties included), history windows and limits, the latest checks of many agents,
// the health summary, uptime and latency checked against the same numbers computed in C++ over
// rows on both sides of a midnight, retention keeping exactly the rows inside the window, two
// sweepers at once, cool-downs (upsert, windows, concurrent setters), bad input writing nothing,
// rollback with the facade's transaction, and (PostgreSQL) the index each sweep uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/core/error.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "plans.hpp"
#include "trinity/db/monitoring.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::HealthCheck;
using trinity::db::HealthSummary;
namespace check_type = trinity::db::health_check_type;
namespace status = trinity::db::health_status;

namespace {

/// A health check row written directly, at a chosen time.
struct Seed {
  std::string id;
  std::string agent;
  std::string type;
  std::string status;
  Timestamp at;
  std::optional<double> latency = std::nullopt;
};

class MonitoringTest : public trinity_test::TrinityTest {
 protected:
  trinity::db::MonitoringOperations& ops() { return dbm().monitoring(); }

  /// Runs one statement on a connection of its own, closed before returning (an in-memory
  /// database has one connection).
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  void seed(const std::vector<Seed>& seeds) {
    const auto& t = s().agent_health_checks;
    std::vector<std::vector<Value>> values;
    for (const Seed& r : seeds)
      values.push_back(
          {r.id, r.agent, r.type, r.status, r.at, r.at, r.latency ? Value(*r.latency) : Value()});
    auto c = dbm().engine().connect();
    c.bulk_insert(
        t, {t.id, t.agent_name, t.check_type, t.status, t.checked_at, t.created_at, t.latency_ms},
        values);
  }
  void set_alert_time(const std::string& agent, const std::string& condition, Timestamp at) {
    const auto& t = s().monitoring_alert_cooldowns;
    exec(update(t)
             .set({{t.last_alert_at, at}})
             .where(t.agent_name == agent && t.condition == condition));
  }
  /// Aggregate checks of six agents and newer checks of other types, on both sides of a
  /// midnight; "eve" has only network checks, "ada" and "bob" share a latest checked_at.
  std::vector<Seed> fleet() {
    const Timestamp m = past_midnight();
    return {
        {"a1", "ada", check_type::kAggregate, status::kCritical, plus(m, -30min)},
        {"a2", "ada", check_type::kAggregate, status::kHealthy, plus(m, 1min)},
        {"a3", "ada", check_type::kAggregate, status::kDegraded, plus(m, 1min)},  // tie: a3 wins
        {"a4", "ada", check_type::kNetwork, status::kCritical, plus(m, 5min), 10.0},
        {"b1", "bob", check_type::kAggregate, status::kHealthy, plus(m, -1min)},
        {"b2", "bob", check_type::kAggregate, status::kUnhealthy, plus(m, 1min)},
        {"c1", "cy", check_type::kAggregate, status::kHealthy, ago(50h)},
        {"c2", "cy", check_type::kAggregate, "starting", plus(m, -5min)},
        {"c3", "cy", check_type::kDocker, status::kHealthy, ago(1min)},
        {"d1", "dee", check_type::kAggregate, status::kCritical, plus(m, 5min)},
        {"d2", "dee", check_type::kAggregate, status::kHealthy, plus(m, -5min)},
        {"e1", "eve", check_type::kNetwork, status::kHealthy, ago(2min), 20.0},
        {"f1", "fay", check_type::kAggregate, status::kHealthy, ago(47h)},
    };
  }
  /// The latest aggregate check of each agent among `seeds` (of `agents` when given), by id.
  static std::map<std::string, std::string> latest_in_cpp(
      const std::vector<Seed>& seeds, const std::optional<std::set<std::string>>& agents) {
    std::map<std::string, const Seed*> best;
    for (const Seed& r : seeds) {
      if (r.type != check_type::kAggregate || (agents && !agents->contains(r.agent))) continue;
      const Seed*& b = best[r.agent];
      if (!b || r.at > b->at || (r.at == b->at && r.id > b->id)) b = &r;
    }
    std::map<std::string, std::string> out;
    for (const auto& [agent, r] : best) out[agent] = r->id;
    return out;
  }
  static HealthSummary summary_in_cpp(const std::vector<Seed>& seeds,
                                      const std::map<std::string, std::string>& latest) {
    HealthSummary out;
    for (const auto& [agent, id] : latest) {
      const auto& st =
          std::find_if(seeds.begin(), seeds.end(), [&](auto& r) { return r.id == id; })->status;
      (st == status::kHealthy     ? out.healthy
       : st == status::kDegraded  ? out.degraded
       : st == status::kUnhealthy ? out.unhealthy
       : st == status::kCritical  ? out.critical
                                  : out.unknown)++;
    }
    return out;
  }
};

TEST_P(MonitoringTest, CreateStoresEveryMeasurement) {
  const Timestamp before = Timestamp::now();
  const std::string id =
      ops().create_health_check(" coder ", check_type::kAggregate, status::kDegraded,
                                {.container_status = "running",
                                 .cpu_percent = 12.5,
                                 .memory_percent = 0.123456789,
                                 .memory_mb = 512.25,
                                 .restart_count = 3,
                                 .oom_killed = false},
                                {.reachable = true, .latency_ms = 42.75},
                                {.runtime_available = true,
                                 .claude_available = false,
                                 .context_percent = 88.5,
                                 .active_executions = 2,
                                 .error_rate = 0.05},
                                "slow responses");
  EXPECT_EQ(id.size(), 32u);
  auto got = ops().get_latest_health_check("coder");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->agent_name, "coder");  // trimmed
  EXPECT_EQ(got->check_type, "aggregate");
  EXPECT_EQ(got->status, "degraded");
  EXPECT_EQ(got->container_status, "running");
  EXPECT_EQ(got->cpu_percent, 12.5);
  EXPECT_EQ(got->memory_percent, 0.123456789);  // double precision, not rounded
  EXPECT_EQ(got->memory_mb, 512.25);
  EXPECT_EQ(got->restart_count, 3);
  EXPECT_EQ(got->oom_killed, false);
  EXPECT_EQ(got->reachable, true);
  EXPECT_EQ(got->latency_ms, 42.75);
  EXPECT_EQ(got->runtime_available, true);
  EXPECT_EQ(got->claude_available, false);
  EXPECT_EQ(got->context_percent, 88.5);
  EXPECT_EQ(got->active_executions, 2);
  EXPECT_EQ(got->error_rate, 0.05);
  EXPECT_EQ(got->error_message, "slow responses");
  EXPECT_GE(got->checked_at, before);
  EXPECT_LE(got->checked_at, Timestamp::now());
  EXPECT_EQ(got->created_at, got->checked_at);

  // Nothing measured: every measurement NULL.
  const std::string bare = ops().create_health_check("coder", check_type::kDocker, "unhealthy");
  auto b = ops().get_latest_health_check("coder", check_type::kDocker);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, bare);
  EXPECT_FALSE(b->container_status || b->cpu_percent || b->memory_percent || b->memory_mb ||
               b->restart_count || b->oom_killed || b->reachable || b->latency_ms ||
               b->runtime_available || b->claude_available || b->context_percent ||
               b->active_executions || b->error_rate || b->error_message);
  EXPECT_EQ(rows("agent_health_checks"), 2);
}

TEST_P(MonitoringTest, LatestIsTheNewestCheckOfItsType) {
  seed(fleet());
  auto latest = ops().get_latest_health_check("ada");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->id, "a3");  // a2 and a3 share checked_at: the greater id
  EXPECT_EQ(ops().get_latest_health_check("ada", check_type::kNetwork)->id, "a4");
  EXPECT_EQ(ops().get_latest_health_check("ada", check_type::kNetwork)->latency_ms, 10.0);
  EXPECT_EQ(ops().get_latest_health_check("cy")->id, "c2");
  // Not found: unknown agent, a type the agent never had.
  EXPECT_FALSE(ops().get_latest_health_check("ghost"));
  EXPECT_FALSE(ops().get_latest_health_check("eve"));
  EXPECT_FALSE(ops().get_latest_health_check("ada", check_type::kBusiness));
}

TEST_P(MonitoringTest, HistoryKeepsItsWindowNewestFirst) {
  const Timestamp m = past_midnight();
  seed({{"h1", "ada", check_type::kAggregate, status::kHealthy, ago(3h - 1min)},
        {"h2", "ada", check_type::kAggregate, status::kHealthy, ago(3h + 1min)},
        {"h3", "ada", check_type::kAggregate, status::kCritical, ago(1min)},
        {"h4", "ada", check_type::kAggregate, status::kHealthy, plus(m, -1min)},
        {"h5", "ada", check_type::kAggregate, status::kHealthy, plus(m, 1min)},
        {"h6", "ada", check_type::kNetwork, status::kHealthy, ago(2min)},
        {"h7", "bob", check_type::kAggregate, status::kHealthy, ago(2min)}});
  auto ids = [](const std::vector<HealthCheck>& v) {
    std::vector<std::string> out;
    for (const auto& h : v) out.push_back(h.id);
    return out;
  };
  // 48 hours: every aggregate check of ada, across the midnight, newest first.
  auto all = ops().get_agent_health_history("ada", check_type::kAggregate, 48);
  std::vector<Seed> expected = {{"h1", "", "", "", ago(3h - 1min)},
                                {"h2", "", "", "", ago(3h + 1min)},
                                {"h3", "", "", "", ago(1min)},
                                {"h4", "", "", "", plus(m, -1min)},
                                {"h5", "", "", "", plus(m, 1min)}};
  std::sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.at > b.at; });
  std::vector<std::string> expected_ids;
  for (const auto& e : expected) expected_ids.push_back(e.id);
  EXPECT_EQ(ids(all), expected_ids);
  // Three hours: the row a minute inside, not the one a minute outside.
  auto three = ids(ops().get_agent_health_history("ada", check_type::kAggregate, 3));
  EXPECT_NE(std::find(three.begin(), three.end(), "h1"), three.end());
  EXPECT_EQ(std::find(three.begin(), three.end(), "h2"), three.end());
  EXPECT_EQ(three.front(), "h3");
  // Limit: the newest.
  EXPECT_EQ(ids(ops().get_agent_health_history("ada", check_type::kAggregate, 48, 2)),
            std::vector<std::string>(expected_ids.begin(), expected_ids.begin() + 2));
  EXPECT_TRUE(ops().get_agent_health_history("ada", check_type::kAggregate, 48, 0).empty());
  EXPECT_TRUE(ops().get_agent_health_history("ada", check_type::kAggregate, 0).empty());
  EXPECT_EQ(ids(ops().get_agent_health_history("ada", check_type::kNetwork)),
            std::vector<std::string>{"h6"});
  EXPECT_TRUE(ops().get_agent_health_history("ghost").empty());
}

TEST_P(MonitoringTest, LatestChecksAndSummaryMatchCountsComputedInCpp) {
  const std::vector<Seed> seeds = fleet();
  seed(seeds);
  auto check = [&](const std::optional<std::vector<std::string>>& names) {
    std::optional<std::set<std::string>> agents;
    if (names) agents.emplace(names->begin(), names->end());
    const auto expected = latest_in_cpp(seeds, agents);
    std::map<std::string, std::string> got;
    for (const auto& [agent, h] : ops().get_all_latest_health_checks(names)) {
      EXPECT_EQ(agent, h.agent_name);
      got[agent] = h.id;
    }
    EXPECT_EQ(got, expected);
    EXPECT_EQ(ops().get_health_summary(names), summary_in_cpp(seeds, expected));
  };
  check(std::nullopt);
  check(std::vector<std::string>{"ada", "cy", "eve", "ghost"});
  check(std::vector<std::string>{"bob"});
  check(std::vector<std::string>{});  // matches none
  // The numbers themselves, once: ada degraded (the tie), bob unhealthy, cy "starting"
  // (unknown), dee critical, fay healthy; eve has no aggregate check.
  EXPECT_EQ(
      ops().get_health_summary(),
      (HealthSummary{.healthy = 1, .degraded = 1, .unhealthy = 1, .critical = 1, .unknown = 1}));
  EXPECT_EQ(ops().get_health_summary().total(), 5);
  // Other types: the latest network check per agent.
  auto network = ops().get_all_latest_health_checks(std::nullopt, check_type::kNetwork);
  ASSERT_EQ(network.size(), 2u);
  EXPECT_EQ(network.at("ada").id, "a4");
  EXPECT_EQ(network.at("eve").latency_ms, 20.0);
  EXPECT_EQ(ops().get_health_summary(std::vector<std::string>{"eve"}).total(), 0);
}

TEST_P(MonitoringTest, UptimeAndLatencyMatchNumbersComputedInCpp) {
  const Timestamp m = past_midnight();
  std::vector<Seed> seeds;
  const std::vector<std::pair<std::chrono::microseconds, const char*>> around = {
      {-30min, status::kHealthy}, {-5min, status::kDegraded}, {-1min, status::kCritical},
      {1min, status::kHealthy},   {5min, status::kUnhealthy}, {30min, "starting"}};
  int n = 0;
  for (const auto& [offset, st] : around) {
    const Timestamp at = plus(m, offset);
    seeds.push_back({"u" + std::to_string(++n), "ada", check_type::kAggregate, st, at});
    seeds.push_back({"n" + std::to_string(n), "ada", check_type::kNetwork, status::kHealthy, at,
                     n % 3 == 0 ? std::nullopt : std::optional<double>(n * 7.5)});
  }
  seeds.push_back({"old-u", "ada", check_type::kAggregate, status::kCritical, ago(49h)});
  seeds.push_back({"old-n", "ada", check_type::kNetwork, status::kHealthy, ago(49h), 1000.0});
  seeds.push_back({"in-u", "ada", check_type::kAggregate, status::kHealthy, ago(47h)});
  seeds.push_back({"in-n", "ada", check_type::kNetwork, status::kHealthy, ago(47h), 0.5});
  seeds.push_back({"bob-u", "bob", check_type::kAggregate, status::kCritical, ago(1min)});
  seeds.push_back({"bob-n", "bob", check_type::kNetwork, status::kHealthy, ago(1min), 99.0});
  seed(seeds);
  for (std::int64_t hours : {1, 12, 48, 100}) {
    const Timestamp cutoff = ago(std::chrono::hours(hours));
    std::int64_t checks = 0, up = 0, measured = 0;
    double latency = 0;
    for (const Seed& r : seeds) {
      if (r.agent != "ada" || r.at < cutoff) continue;
      if (r.type == check_type::kAggregate) {
        ++checks;
        up += r.status == status::kHealthy || r.status == status::kDegraded;
      } else if (r.latency) {
        ++measured;
        latency += *r.latency;
      }
    }
    SCOPED_TRACE(hours);
    auto uptime = ops().calculate_uptime_percent("ada", hours);
    auto avg = ops().calculate_avg_latency("ada", hours);
    if (checks == 0) {
      EXPECT_FALSE(uptime);
    } else {
      ASSERT_TRUE(uptime);
      EXPECT_DOUBLE_EQ(*uptime, 100.0 * static_cast<double>(up) / static_cast<double>(checks));
    }
    if (measured == 0) {
      EXPECT_FALSE(avg);
    } else {
      ASSERT_TRUE(avg);
      EXPECT_DOUBLE_EQ(*avg, latency / static_cast<double>(measured));
    }
  }
  // 48 hours, by hand: 7 aggregate checks, 4 up; latencies 7.5 15 30 37.5 and 0.5.
  EXPECT_DOUBLE_EQ(*ops().calculate_uptime_percent("ada", 48), 400.0 / 7);
  EXPECT_DOUBLE_EQ(*ops().calculate_avg_latency("ada", 48), 90.5 / 5);
  // No rows: nullopt, not 0 or 100.
  EXPECT_FALSE(ops().calculate_uptime_percent("ghost"));
  EXPECT_FALSE(ops().calculate_avg_latency("ghost"));
  EXPECT_FALSE(ops().calculate_uptime_percent("ada", 0));
  EXPECT_DOUBLE_EQ(*ops().calculate_uptime_percent("bob"), 0.0);
  EXPECT_DOUBLE_EQ(*ops().calculate_avg_latency("bob"), 99.0);
}

TEST_P(MonitoringTest, RetentionKeepsExactlyTheRowsInsideTheWindow) {
  seed({{"in1", "ada", check_type::kAggregate, status::kHealthy, ago(7 * 24h - 1min)},
        {"in2", "bob", check_type::kNetwork, status::kHealthy, ago(1min)},
        {"out1", "ada", check_type::kAggregate, status::kHealthy, ago(7 * 24h + 1min)},
        {"out2", "bob", check_type::kDocker, status::kHealthy, ago(30 * 24h)},
        {"out3", "cy", check_type::kAggregate, status::kHealthy, ago(400 * 24h)}});
  EXPECT_EQ(ops().cleanup_old_records(), 3);  // default: 7 days
  const auto& t = s().agent_health_checks;
  std::set<std::string> kept;
  for (const Row& r : exec(select(t.id))) kept.insert(r.get(t.id));
  EXPECT_EQ(kept, (std::set<std::string>{"in1", "in2"}));
  EXPECT_EQ(ops().cleanup_old_records(7), 0);
  EXPECT_EQ(ops().cleanup_old_records(1), 1);  // in1
  // A window longer than the calendar deletes nothing; zero days deletes everything older.
  EXPECT_EQ(ops().cleanup_old_records(std::numeric_limits<std::int64_t>::max()), 0);
  EXPECT_EQ(ops().cleanup_old_records(0), 1);
  EXPECT_EQ(rows("agent_health_checks"), 0);
}

TEST_P(MonitoringTest, TwoConcurrentSweepersDeleteEachRowOnce) {
  constexpr int kOld = 3000, kRecent = 40;
  reopen_for(2);
  std::vector<Seed> seeds;
  for (int i = 0; i < kOld; ++i)
    seeds.push_back({"old" + std::to_string(i), "agent" + std::to_string(i % 7),
                     check_type::kAggregate, status::kHealthy,
                     ago(8 * 24h + std::chrono::minutes(i))});
  for (int i = 0; i < kRecent; ++i)
    seeds.push_back({"new" + std::to_string(i), "agent" + std::to_string(i % 7),
                     check_type::kAggregate, status::kHealthy, ago(std::chrono::minutes(i + 1))});
  seed(seeds);
  std::atomic<std::int64_t> deleted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&] {
      try {
        deleted += dbm().monitoring().cleanup_old_records(7);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(deleted.load(), kOld);
  EXPECT_EQ(rows("agent_health_checks"), kRecent);
}

TEST_P(MonitoringTest, CooldownsAreOneRowPerAgentAndCondition) {
  EXPECT_FALSE(ops().get_cooldown("ada", "cpu_high"));
  EXPECT_FALSE(ops().is_in_cooldown("ada", "cpu_high", 3600));
  const Timestamp before = Timestamp::now();
  ops().set_cooldown("ada", "cpu_high");
  auto first = ops().get_cooldown("ada", "cpu_high");
  ASSERT_TRUE(first);
  EXPECT_GE(*first, before);
  EXPECT_TRUE(ops().is_in_cooldown("ada", "cpu_high", 3600));
  EXPECT_FALSE(ops().is_in_cooldown("ada", "cpu_high", 0));
  EXPECT_FALSE(ops().is_in_cooldown("ada", "memory_high", 3600));
  EXPECT_FALSE(ops().is_in_cooldown("bob", "cpu_high", 3600));

  // Raised again: the same row, a later time.
  set_alert_time("ada", "cpu_high", ago(2h));
  ops().set_cooldown(" ada ", "cpu_high");
  EXPECT_GE(*ops().get_cooldown("ada", "cpu_high"), *first);
  EXPECT_EQ(rows("monitoring_alert_cooldowns"), 1);

  // The window, across a midnight: just inside and just outside.
  set_alert_time("ada", "cpu_high", plus(past_midnight(), -1min));
  const auto since = Timestamp::now().micros() - plus(past_midnight(), -1min).micros();
  const std::int64_t secs = since / 1'000'000;
  EXPECT_TRUE(ops().is_in_cooldown("ada", "cpu_high", secs + 60));
  EXPECT_FALSE(ops().is_in_cooldown("ada", "cpu_high", secs - 60));
  EXPECT_TRUE(ops().is_in_cooldown("ada", "cpu_high", std::numeric_limits<std::int64_t>::max()));

  ops().set_cooldown("ada", "memory_high");
  ops().set_cooldown("bob", "cpu_high");
  ops().set_cooldown("cy", "cpu_high");
  EXPECT_TRUE(ops().clear_cooldown("ada", "memory_high"));
  EXPECT_FALSE(ops().clear_cooldown("ada", "memory_high"));
  EXPECT_FALSE(ops().get_cooldown("ada", "memory_high"));
  EXPECT_EQ(ops().cleanup_cooldowns("ghost"), 0);
  EXPECT_EQ(ops().cleanup_cooldowns("bob"), 1);
  EXPECT_TRUE(ops().get_cooldown("ada", "cpu_high"));
  EXPECT_EQ(ops().cleanup_cooldowns(), 2);  // every agent's
  EXPECT_EQ(rows("monitoring_alert_cooldowns"), 0);
  EXPECT_EQ(ops().cleanup_cooldowns(), 0);
}

TEST_P(MonitoringTest, ConcurrentSettersMakeOneCooldown) {
  constexpr int kThreads = 8, kEach = 10;
  reopen_for(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        try {
          dbm().monitoring().set_cooldown("ada", "cpu_high");
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("monitoring_alert_cooldowns"), 1);
  EXPECT_TRUE(ops().is_in_cooldown("ada", "cpu_high", 60));
}

TEST_P(MonitoringTest, BadInputIsRefusedAndWritesNothing) {
  ops().set_cooldown("ada", "cpu_high");
  seed({{"k1", "ada", check_type::kAggregate, status::kHealthy, ago(30 * 24h)}});
  const auto refused = [](auto fn) { EXPECT_THROW(fn(), std::invalid_argument); };
  refused([&] { ops().create_health_check("", "aggregate", "healthy"); });
  refused([&] { ops().create_health_check(" \t", "aggregate", "healthy"); });
  refused([&] { ops().create_health_check("ada", "", "healthy"); });
  refused([&] { ops().create_health_check("ada", "aggregate", " "); });
  refused([&] { ops().create_health_check(std::string("a\nb"), "aggregate", "healthy"); });
  refused([&] { ops().get_latest_health_check(""); });
  refused([&] { ops().get_agent_health_history("ada", "aggregate", -1); });
  refused([&] { ops().get_agent_health_history("ada", "aggregate", 24, -1); });
  refused([&] { ops().get_all_latest_health_checks(std::vector<std::string>{"ada", ""}); });
  refused([&] { ops().get_health_summary(std::vector<std::string>{" "}); });
  refused([&] { ops().calculate_uptime_percent("ada", -1); });
  refused([&] { ops().calculate_avg_latency("", 24); });
  refused([&] { ops().cleanup_old_records(-1); });
  refused([&] { ops().get_cooldown("ada", ""); });
  refused([&] { ops().set_cooldown("", "cpu_high"); });
  refused([&] { ops().set_cooldown("ada", " "); });
  refused([&] { ops().clear_cooldown("", "cpu_high"); });
  refused([&] { ops().is_in_cooldown("ada", "cpu_high", -1); });
  refused([&] { ops().cleanup_cooldowns(std::string()); });  // not "every agent"
  // A measurement that cannot be stored alike everywhere.
  EXPECT_THROW(ops().create_health_check("ada", "docker", "healthy", {.cpu_percent = std::nan("")}),
               DataError);
  EXPECT_THROW(ops().create_health_check("ada", "network", "healthy", {},
                                         {.latency_ms = std::numeric_limits<double>::infinity()}),
               DataError);
  EXPECT_EQ(rows("agent_health_checks"), 1);
  EXPECT_EQ(rows("monitoring_alert_cooldowns"), 1);
  EXPECT_TRUE(ops().get_cooldown("ada", "cpu_high"));
}

TEST_P(MonitoringTest, CallsRollBackWithTheFacadeTransaction) {
  ops().set_cooldown("ada", "cpu_high");
  seed({{"k1", "ada", check_type::kAggregate, status::kHealthy, ago(30 * 24h)}});
  EXPECT_THROW(dbm().transaction([&] {
    ops().create_health_check("ada", "aggregate", "healthy");
    EXPECT_EQ(ops().get_latest_health_check("ada")->status, "healthy");  // sees its own work
    EXPECT_EQ(ops().cleanup_old_records(7), 1);
    ops().set_cooldown("bob", "cpu_high");
    EXPECT_EQ(ops().cleanup_cooldowns("ada"), 1);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("agent_health_checks"), 1);
  EXPECT_EQ(ops().get_latest_health_check("ada")->id, "k1");
  EXPECT_TRUE(ops().get_cooldown("ada", "cpu_high"));
  EXPECT_FALSE(ops().get_cooldown("bob", "cpu_high"));
}

// The sweeps' statements as the operations build them (monitoring.cpp), EXPLAINed on PostgreSQL.
TEST_P(MonitoringTest, SweepsUseAnIndexOnPostgresql) {
  auto c = dbm().engine().connect();
  if (c.dialect().name() != "postgresql") GTEST_SKIP() << "EXPLAIN's output is PostgreSQL's";
  const auto& t = s().agent_health_checks;
  const auto& cd = s().monitoring_alert_cooldowns;
  const Timestamp cutoff = ago(7 * 24h);
  const std::string health =
      trinity_test::postgres_plan(c, delete_from(t).where(t.checked_at < cutoff), {Value(cutoff)});
  EXPECT_NE(health.find("idx_health_checked_at"), std::string::npos) << health;
  const std::string cooldowns =
      trinity_test::postgres_plan(c, delete_from(cd).where(cd.agent_name == "ada"), {"ada"});
  EXPECT_NE(cooldowns.find("Index"), std::string::npos) << cooldowns;
}

SQLCORE_BACKEND_TEST_SUITE(MonitoringTest);

}  // namespace
