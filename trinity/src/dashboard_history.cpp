// DashboardHistoryOperations: agent_dashboard_values and agent_dashboard_cache (see
// dashboard_history.hpp, which describes the configuration a snapshot is read from;
// dashboard_config.cpp reads it).
#include "trinity/db/dashboard_history.hpp"

#include "operation.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <span>

#include "dashboard_config.hpp"
#include "text.hpp"
#include "time_window.hpp"

namespace trinity::db {

namespace {

using namespace std::chrono_literals;

std::string agent_arg(const std::string& agent_name) {
  return checked_name(agent_name, "agent name");
}

/// Rows per INSERT of a snapshot: far below the bound-parameter limits (SQLite 32766,
/// PostgreSQL 65535) at 10 values a row.
constexpr std::size_t kRowsPerInsert = 500;

/// The INSERT of `widgets` as values of one snapshot captured at `now`; a value stored already is
/// left alone.
Dml snapshot_insert(const AgentDashboardValues& t, const std::string& agent, Timestamp mtime,
                    Timestamp now, std::span<const TrackedWidget> widgets) {
  Dml stmt = insert(t);
  for (const TrackedWidget& w : widgets) {
    const std::string id =
        sha256_hex(agent + "\n" + mtime.to_string() + "\n" + w.key).substr(0, 32);
    stmt.values({{t.id, id},
                 {t.agent_name, agent},
                 {t.widget_key, w.key},
                 {t.widget_label, w.label},
                 {t.widget_type, w.type},
                 {t.value_numeric, w.numeric},
                 {t.value_text, w.text},
                 {t.dashboard_mtime, mtime},
                 {t.captured_at, now},
                 {t.created_at, now}});
  }
  stmt.on_conflict({t.id}).do_nothing();
  return stmt;
}

double mean(std::vector<double>::const_iterator from, std::vector<double>::const_iterator to) {
  return std::accumulate(from, to, 0.0) / static_cast<double>(to - from);
}

}  // namespace

std::int64_t DashboardHistoryOperations::capture_dashboard_snapshot(const std::string& agent_name,
                                                                    const Json& config,
                                                                    Timestamp dashboard_mtime) {
  const auto& t = db_.schema().agent_dashboard_values;
  const std::string agent = agent_arg(agent_name);
  const std::vector<TrackedWidget> widgets = tracked_widgets(config);
  if (widgets.empty()) return 0;
  return db_.run([&](Connection& c) -> std::int64_t {
    const Expr same = t.agent_name == agent && t.dashboard_mtime == dashboard_mtime;
    if (c.execute(select(t.id).where(same).limit(1)).first()) return 0;
    const std::span<const TrackedWidget> all(widgets);
    const Timestamp now = Timestamp::now();
    std::int64_t stored = 0;
    for (std::size_t i = 0; i < all.size(); i += kRowsPerInsert) {
      const auto part = all.subspan(i, std::min(kRowsPerInsert, all.size() - i));
      stored += c.execute(snapshot_insert(t, agent, dashboard_mtime, now, part)).rowcount();
    }
    return stored;
  });
}

std::vector<WidgetValue> DashboardHistoryOperations::get_widget_history(
    const std::string& agent_name, const std::string& widget_key, std::int64_t hours,
    std::int64_t limit) {
  const auto& [t, m] = std::tie(db_.schema().agent_dashboard_values, db_.models().widget_value);
  const std::string key = trimmed(widget_key);  // as capture_dashboard_snapshot stores keys
  if (key.empty()) throw std::invalid_argument("trinity-db: widget key is empty");
  const Expr where = t.agent_name == agent_arg(agent_name) && t.widget_key == key &&
                     t.captured_at > window_start(hours, 1h, "hours");
  checked_count(limit, "limit");
  if (limit == 0) return {};
  auto out = db_.all(
      m, m.select().where(where).order_by({t.captured_at.desc(), t.id.desc()}).limit(limit));
  std::reverse(out.begin(), out.end());
  return out;
}

std::map<std::string, std::vector<WidgetValue>> DashboardHistoryOperations::get_all_widget_history(
    const std::string& agent_name, std::int64_t hours) {
  const auto& [t, m] = std::tie(db_.schema().agent_dashboard_values, db_.models().widget_value);
  const Expr where =
      t.agent_name == agent_arg(agent_name) && t.captured_at > window_start(hours, 1h, "hours");
  auto stmt = m.select()
                  .add_columns({t.widget_key})
                  .where(where)
                  .order_by({t.widget_key, t.captured_at, t.id});
  return db_.read([&](Connection& c) {
    std::map<std::string, std::vector<WidgetValue>> out;
    for (const Row& row : c.execute(stmt)) out[row.get(t.widget_key)].push_back(m.read(row));
    return out;
  });
}

WidgetStats DashboardHistoryOperations::calculate_widget_stats(
    const std::vector<WidgetValue>& values) {
  std::vector<WidgetValue> sorted = values;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.captured_at < b.captured_at; });
  std::vector<double> v;
  for (const WidgetValue& w : sorted)
    if (w.value_numeric) v.push_back(*w.value_numeric);
  WidgetStats s{.count = static_cast<std::int64_t>(v.size())};
  if (v.empty()) return s;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  s.min = *lo;
  s.max = *hi;
  s.avg = mean(v.begin(), v.end());
  s.latest = v.back();
  if (v.size() < 2) return s;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  const double earlier = mean(v.begin(), mid), later = mean(mid, v.end());
  if (earlier <= 0) return s;
  s.trend_percent = (later - earlier) / earlier * 100;
  s.trend = s.trend_percent > 5    ? widget_trend::kUp
            : s.trend_percent < -5 ? widget_trend::kDown
                                   : widget_trend::kStable;
  return s;
}

std::optional<Timestamp> DashboardHistoryOperations::get_last_captured_mtime(
    const std::string& agent_name) {
  const auto& t = db_.schema().agent_dashboard_values;
  const std::string agent = agent_arg(agent_name);
  return db_.read([&](Connection& c) {
    return c
        .execute(select(t.dashboard_mtime)
                     .where(t.agent_name == agent)
                     .order_by({t.captured_at.desc(), t.dashboard_mtime.desc()})
                     .limit(1))
        .scalar<std::optional<Timestamp>>();
  });
}

std::int64_t DashboardHistoryOperations::cleanup_old_snapshots(std::int64_t days) {
  const auto& t = db_.schema().agent_dashboard_values;
  const Timestamp cutoff = window_start(days, 24h, "days");
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(t).where(t.captured_at < cutoff)).rowcount();
  });
}

void DashboardHistoryOperations::cache_valid_dashboard(
    const std::string& agent_name, const Json& config,
    const std::optional<Timestamp>& last_modified) {
  const auto& t = db_.schema().agent_dashboard_cache;
  auto stmt = insert(t)
                  .values({{t.agent_name, agent_arg(agent_name)},
                           {t.config_json, config},
                           {t.last_modified, last_modified},
                           {t.updated_at, Timestamp::now()}})
                  .on_conflict({t.agent_name})
                  .do_update({t.config_json, t.last_modified, t.updated_at});
  db_.run([&](Connection& c) { c.execute(stmt); });
}

std::optional<CachedDashboard> DashboardHistoryOperations::get_cached_dashboard(
    const std::string& agent_name) {
  const auto& [t, m] = std::tie(db_.schema().agent_dashboard_cache, db_.models().cached_dashboard);
  return db_.find(m, t.agent_name == agent_arg(agent_name));
}

bool DashboardHistoryOperations::delete_cached_dashboard(const std::string& agent_name) {
  const auto& t = db_.schema().agent_dashboard_cache;
  const std::string agent = agent_arg(agent_name);
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(t).where(t.agent_name == agent)).rowcount() > 0;
  });
}

bool DashboardHistoryOperations::has_cached_dashboard(const std::string& agent_name) {
  const auto& t = db_.schema().agent_dashboard_cache;
  const std::string agent = agent_arg(agent_name);
  return db_.read([&](Connection& c) {
    return c.execute(select(t.agent_name).where(t.agent_name == agent)).first().has_value();
  });
}

std::int64_t DashboardHistoryOperations::delete_agent_dashboard_history(
    const std::string& agent_name) {
  const auto& [v, cache] =
      std::tie(db_.schema().agent_dashboard_values, db_.schema().agent_dashboard_cache);
  const std::string agent = agent_arg(agent_name);
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(v).where(v.agent_name == agent)).rowcount() +
           c.execute(delete_from(cache).where(cache.agent_name == agent)).rowcount();
  });
}

}  // namespace trinity::db
