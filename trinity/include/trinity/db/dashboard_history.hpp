// DashboardHistoryOperations: the values an agent's dashboard showed over time
// (agent_dashboard_values: one row per widget per captured snapshot, for sparklines and trends)
// and the last valid dashboard configuration of each agent (agent_dashboard_cache).
//
//   dbm.dashboard_history().capture_dashboard_snapshot("coder", config, file_mtime);  // stored
//   auto stats = dbm.dashboard_history().calculate_widget_stats(
//       dbm.dashboard_history().get_widget_history("coder", "open_prs"));
//
// A dashboard configuration, as capture_dashboard_snapshot reads it (lenient about the layout,
// strict about the values):
//
//   {"sections": [{"widgets": [{"id": "open_prs", "type": "metric", "label": "Open PRs",
//                               "value": 12}, ...]}, ...]}
//   {"widgets": [...]}                        // one section, written without "sections"
//
// - Sections without a "widgets" array, widgets that are not objects and configurations that
//   are neither shape are passed over (a configuration with nothing to track stores nothing).
// - Only widgets of type "metric", "progress" or "status" are tracked (the other widget types
//   show text, tables or links, not a value over time).
// - The widget's key is its "id", else its "key" (a non-blank string, trimmed), else its
//   position "s<section>_w<widget>" counted from 0 (what the original stored, so adopted
//   histories continue). When two widgets of one snapshot have one key, the first is kept.
// - "value": a number (not a boolean) is stored in value_numeric; a non-blank string in
//   value_text, and also in value_numeric when, without its ',', '%' and '$' and surrounding
//   blanks, it is a finite number ("1,234", "95%", "$3.50"). Any other value (missing, null,
//   boolean, object, array, blank string, a non-finite number) skips the widget.
// - "label": stored when it is a string that is not blank (NULL otherwise).
//
// Other rules: agent names and widget keys are trimmed and must not be empty; negative windows
// and limits are refused (std::invalid_argument, before any statement).
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

/// One captured value of a widget. A numeric text ("95%") has both values.
struct WidgetValue {
  sqlcore::Timestamp captured_at;
  std::optional<double> value_numeric;
  std::optional<std::string> value_text;
};

/// The trend calculate_widget_stats reports.
namespace widget_trend {
inline constexpr const char* kUp = "up";
inline constexpr const char* kDown = "down";
inline constexpr const char* kStable = "stable";
}  // namespace widget_trend

/// Statistics over the numeric values of a widget's history (unrounded; the caller formats).
struct WidgetStats {
  /// How many values were numeric; min, max, avg and latest are nullopt when none was.
  std::int64_t count = 0;
  std::optional<double> min{};
  std::optional<double> max{};
  std::optional<double> avg{};
  /// The value captured last.
  std::optional<double> latest{};
  /// The mean of the later half against the mean of the earlier half (the later half takes the
  /// middle value of an odd count): up above +5 %, down below -5 %, else stable. Stable, 0 %,
  /// with fewer than two values or when the earlier mean is not positive.
  std::string trend = widget_trend::kStable;
  double trend_percent = 0;
};

/// An agent's cached dashboard configuration.
struct CachedDashboard {
  std::string agent_name;
  sqlcore::Json config;
  /// The modification time of the dashboard file it was read from, when given.
  std::optional<sqlcore::Timestamp> last_modified;
  sqlcore::Timestamp updated_at;
};

class DashboardHistoryOperations {
 public:
  explicit DashboardHistoryOperations(Db& db) : db_(db) {}

  /// Stores the tracked widgets' values of `config` (see above), all captured now, read from the
  /// dashboard file of modification time `dashboard_mtime`; returns how many values were stored.
  /// A snapshot is identified by its mtime: when the agent has values of `dashboard_mtime`
  /// already, nothing is stored and 0 is returned. Concurrent captures of one mtime store its
  /// values once (each value's id is derived from the agent, the mtime and the widget key).
  std::int64_t capture_dashboard_snapshot(const std::string& agent_name,
                                          const sqlcore::Json& config,
                                          sqlcore::Timestamp dashboard_mtime);
  /// The newest `limit` values of the widget captured in the last `hours` hours (captured_at
  /// after the cut-off), oldest first.
  std::vector<WidgetValue> get_widget_history(const std::string& agent_name,
                                              const std::string& widget_key,
                                              std::int64_t hours = 24, std::int64_t limit = 100);
  /// Every value of the agent captured in the last `hours` hours, by widget key, each list
  /// oldest first. One statement.
  std::map<std::string, std::vector<WidgetValue>> get_all_widget_history(
      const std::string& agent_name, std::int64_t hours = 24);
  /// Statistics over the numeric values of `values`, taken in captured_at order (the order of
  /// `values` breaks ties); values without a number are passed over. Computed in C++, no
  /// statement.
  static WidgetStats calculate_widget_stats(const std::vector<WidgetValue>& values);
  /// The dashboard_mtime of the agent's latest captured values, or nullopt.
  std::optional<sqlcore::Timestamp> get_last_captured_mtime(const std::string& agent_name);
  /// Deletes the values (of every agent) captured more than `days` days ago; returns how many.
  /// One DELETE with a bound cut-off.
  std::int64_t cleanup_old_snapshots(std::int64_t days = 30);

  /// Stores `config` as the agent's last valid dashboard (updated_at = now), replacing the one
  /// cached before: one upsert.
  void cache_valid_dashboard(const std::string& agent_name, const sqlcore::Json& config,
                             const std::optional<sqlcore::Timestamp>& last_modified = std::nullopt);
  /// The agent's cached dashboard, or nullopt.
  std::optional<CachedDashboard> get_cached_dashboard(const std::string& agent_name);
  /// Deletes the agent's cached dashboard; false when there was none.
  bool delete_cached_dashboard(const std::string& agent_name);
  /// Whether the agent has a cached dashboard.
  bool has_cached_dashboard(const std::string& agent_name);
  /// Deletes the agent's captured values and its cached dashboard in one transaction; returns
  /// how many rows were deleted, both tables together (the original returned only the cache's).
  std::int64_t delete_agent_dashboard_history(const std::string& agent_name);

 private:
  Db& db_;
};

}  // namespace trinity::db
