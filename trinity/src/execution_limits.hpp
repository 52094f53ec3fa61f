// The bounds of the executions' numeric arguments (internal): list limits and time windows,
// checked before any statement.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace trinity::db {

/// The longest time window (statistics hours, sweep timeouts): 876,000 hours, about 100 years,
/// so a cut-off stays inside the years every backend stores.
inline constexpr std::int64_t kMaxWindowHours = 876'000;

/// `limit`; std::invalid_argument when it is negative.
inline std::int64_t checked_limit(std::int64_t limit) {
  if (limit < 0) throw std::invalid_argument("trinity-db: limit must not be negative");
  return limit;
}

/// `n`; std::invalid_argument naming `what` unless 0 <= n <= max.
inline std::int64_t checked_window(std::int64_t n, std::int64_t max, const char* what) {
  if (n < 0 || n > max)
    throw std::invalid_argument(std::string("trinity-db: ") + what + " must be between 0 and " +
                                std::to_string(max));
  return n;
}

}  // namespace trinity::db
