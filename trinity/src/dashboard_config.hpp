// Reading an agent's dashboard configuration (internal): the widgets whose values
// DashboardHistoryOperations::capture_dashboard_snapshot stores, by the rules in
// trinity/db/dashboard_history.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/core/value.hpp>

namespace trinity::db {

/// A tracked widget's value as it is stored.
struct TrackedWidget {
  std::string key;
  std::optional<std::string> label{};
  std::string type;
  std::optional<double> numeric{};
  std::optional<std::string> text{};
};

/// The tracked widgets of `config` that have a value, the first of each key, in key order.
/// Never throws for a configuration of another shape: it has no tracked widgets.
std::vector<TrackedWidget> tracked_widgets(const sqlcore::Json& config);

}  // namespace trinity::db
