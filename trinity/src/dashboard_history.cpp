// DashboardHistoryOperations: agent_dashboard_values and agent_dashboard_cache (see
// dashboard_history.hpp, which describes the configuration a snapshot is read from).
#include "trinity/db/dashboard_history.hpp"

#include "operation.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <iterator>
#include <numeric>
#include <set>
#include <span>

#include "text.hpp"
#include "time_window.hpp"

namespace trinity::db {

namespace {

using namespace std::chrono_literals;

/// A tracked widget's value as stored.
struct Captured {
  std::string key;
  std::optional<std::string> label{};
  std::string type;
  std::optional<double> numeric{};
  std::optional<std::string> text{};
};

std::string agent_arg(const std::string& agent_name) {
  return checked_name(agent_name, "agent name");
}

/// `text` as a number once its ',', '%' and '$' and surrounding blanks are gone, when finite.
std::optional<double> number_in(std::string_view text) {
  std::string digits;
  std::copy_if(text.begin(), text.end(), std::back_inserter(digits),
               [](char ch) { return ch != ',' && ch != '%' && ch != '$'; });
  digits = trimmed(digits);
  double out = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      !std::isfinite(out))
    return std::nullopt;
  return out;
}

/// Fills `c`'s value from the widget's "value"; false when it has none to store.
bool read_value(const Json& value, Captured& c) {
  if (value.is_number()) {
    const double v = value.get<double>();
    if (std::isfinite(v)) c.numeric = v;
  } else if (value.is_string() && !trimmed(value.get<std::string>()).empty()) {
    c.text = value.get<std::string>();
    c.numeric = number_in(*c.text);
  }
  return c.numeric || c.text;
}

/// The widget's own key ("id", else "key"), or `position`.
std::string widget_key(const Json& widget, const std::string& position) {
  for (const char* name : {"id", "key"}) {
    auto it = widget.find(name);
    if (it != widget.end() && it->is_string() && !trimmed(it->get<std::string>()).empty())
      return trimmed(it->get<std::string>());
  }
  return position;
}

/// The tracked widget `widget` at `position`, or nullopt when it is not tracked.
std::optional<Captured> tracked(const Json& widget, const std::string& position) {
  static const std::set<std::string> kTracked = {"metric", "progress", "status"};
  if (!widget.is_object()) return std::nullopt;
  auto type = widget.find("type");
  auto value = widget.find("value");
  if (type == widget.end() || !type->is_string() || !kTracked.contains(type->get<std::string>()) ||
      value == widget.end())
    return std::nullopt;
  Captured c{.key = widget_key(widget, position), .type = type->get<std::string>()};
  if (auto label = widget.find("label"); label != widget.end() && label->is_string())
    c.label = label->get<std::string>();
  if (!read_value(*value, c)) return std::nullopt;
  return c;
}

/// The sections of `config`: its "sections" array, else the configuration itself as one.
std::vector<const Json*> sections_of(const Json& config) {
  std::vector<const Json*> out;
  if (!config.is_object()) return out;
  auto sections = config.find("sections");
  if (sections == config.end() || !sections->is_array()) return {&config};
  for (const Json& s : *sections) out.push_back(&s);
  return out;
}

/// The tracked widgets of `config`, the first of each key.
std::vector<Captured> tracked_widgets(const Json& config) {
  std::vector<Captured> out;
  std::set<std::string> keys;
  const std::vector<const Json*> sections = sections_of(config);
  for (std::size_t s = 0; s < sections.size(); ++s) {
    if (!sections[s]->is_object()) continue;
    auto widgets = sections[s]->find("widgets");
    if (widgets == sections[s]->end() || !widgets->is_array()) continue;
    for (std::size_t w = 0; w < widgets->size(); ++w) {
      auto c = tracked((*widgets)[w], "s" + std::to_string(s) + "_w" + std::to_string(w));
      if (c && keys.insert(c->key).second) out.push_back(std::move(*c));
    }
  }
  return out;
}

/// Rows per INSERT of a snapshot: far below the bound-parameter limits (SQLite 32766,
/// PostgreSQL 65535) at 10 values a row.
constexpr std::size_t kRowsPerInsert = 500;

/// The INSERT of `widgets` as values of one snapshot captured at `now`; a value stored already is
/// left alone.
Dml snapshot_insert(const AgentDashboardValues& t, const std::string& agent, Timestamp mtime,
                    Timestamp now, std::span<const Captured> widgets) {
  Dml stmt = insert(t);
  for (const Captured& w : widgets) {
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
  const std::vector<Captured> widgets = tracked_widgets(config);
  if (widgets.empty()) return 0;
  return db_.run([&](Connection& c) -> std::int64_t {
    const Expr same = t.agent_name == agent && t.dashboard_mtime == dashboard_mtime;
    if (c.execute(select(t.id).where(same).limit(1)).first()) return 0;
    const std::span<const Captured> all(widgets);
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
  const Expr where = t.agent_name == agent_arg(agent_name) &&
                     t.widget_key == checked_name(widget_key, "widget key") &&
                     t.captured_at > window_start(hours, 1h, "hours");
  check_limit(limit);
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
