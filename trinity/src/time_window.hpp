// Time windows of the operations (internal): a window of n hours or days back from now as a
// bound cut-off computed here, never SQL date arithmetic on stored text.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

/// The time `count` `unit`s before now: where a window of that length starts. Refuses a negative
/// `count` (std::invalid_argument naming `what`); a window reaching past year 1 starts there
/// (it holds everything).
inline sqlcore::Timestamp window_start(std::int64_t count, std::chrono::microseconds unit,
                                       std::string_view what) {
  if (count < 0) throw std::invalid_argument("trinity-db: " + std::string(what) + " is negative");
  const std::int64_t now = sqlcore::Timestamp::now().micros();
  const std::int64_t reach = (now - sqlcore::Timestamp::kMinMicros) / unit.count();
  if (count >= reach) return sqlcore::Timestamp::from_micros(sqlcore::Timestamp::kMinMicros);
  return sqlcore::Timestamp::from_micros(now - count * unit.count());
}

/// The longest time window (statistics hours, sweep timeouts): 876,000 hours, about 100 years,
/// so a cut-off stays inside the years every backend stores.
inline constexpr std::int64_t kMaxWindowHours = 876'000;

/// `n`; std::invalid_argument naming `what` unless 0 <= n <= max.
inline std::int64_t checked_window(std::int64_t n, std::int64_t max, std::string_view what) {
  if (n < 0 || n > max)
    throw std::invalid_argument("trinity-db: " + std::string(what) + " must be between 0 and " +
                                std::to_string(max));
  return n;
}

}  // namespace trinity::db
