// EventHub: an engine's listeners, read on every statement without a lock (internal).
//
// The listeners live in an immutable snapshot, replaced whole by listen()/unlisten() (rare) and
// read through an atomic pointer: no lock and no reference count on the statement path. A
// replaced snapshot may still be in use by another thread, so every snapshot is kept until the
// engine goes (a few hundred bytes per listen() or unlisten() call: meant for setup). A bit mask
// of the kinds that have listeners sits beside it, so that an engine with none pays one relaxed
// load per statement and nothing else.
#pragma once

#include <atomic>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "sqlcore/engine/events.hpp"

namespace sqlcore::detail {

constexpr std::uint32_t event_bit(EventKind k) {
  return 1u << static_cast<unsigned>(k);
}

class EventHub {
 public:
  struct Snapshot {
    std::vector<std::pair<ListenerId, Listener>> by_kind[kEventKinds];
  };

  static constexpr std::uint32_t bit(EventKind k) { return event_bit(k); }
  static constexpr std::uint32_t kStatementEvents =
      event_bit(EventKind::before_execute) | event_bit(EventKind::after_execute) |
      event_bit(EventKind::error) | event_bit(EventKind::commit) | event_bit(EventKind::rollback);

  /// The kinds with listeners now.
  std::uint32_t mask() const { return mask_.load(std::memory_order_relaxed); }
  bool wants(EventKind k) const { return (mask() & bit(k)) != 0; }
  /// The current listeners; null before the first listen(). Valid as long as the hub.
  const Snapshot* snapshot() const { return current_.load(std::memory_order_acquire); }

  /// Calls the listeners of `e.kind` in `s`; an exception from one is dropped.
  static void fire(const Snapshot& s, const Event& e) noexcept;
  /// fire() on the current snapshot, if any listens to `e.kind`.
  void fire(const Event& e) const noexcept {
    if (!wants(e.kind)) return;
    if (const Snapshot* s = snapshot()) fire(*s, e);
  }

  ListenerId add(std::initializer_list<EventKind> kinds, Listener fn);
  void remove(ListenerId id);

 private:
  void publish(std::unique_ptr<Snapshot> s);  // under mu_

  std::atomic<std::uint32_t> mask_{0};
  std::atomic<const Snapshot*> current_{nullptr};
  std::mutex mu_;                                      // serialises add/remove
  std::vector<std::unique_ptr<const Snapshot>> kept_;  // every snapshot published
  ListenerId next_id_ = 1;
};

/// Nanoseconds since `start`.
inline std::chrono::nanoseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::steady_clock::now() - start;
}

/// The statement log as listeners on `hub`: echo (info), slow statements (warning), errors
/// (error) and, at level debug, pool events. Does nothing when neither echo nor a threshold is
/// set and the level is above debug.
void install_statement_log(EventHub& hub, bool echo,
                           std::optional<std::chrono::microseconds> slow_query, LogLevel level,
                           Logger logger);

}  // namespace sqlcore::detail
