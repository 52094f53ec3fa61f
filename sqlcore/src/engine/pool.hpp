// Pool: a thread-safe queue pool of driver connections (internal to the engine).
//
// Invariants (under mu_):
//   open_ == idle_.size() + checked_out_ + connecting
//   open_ <= size + max_overflow
//   idle_.size() <= size: a connection returned while the pool already holds `size` idle ones is
//     an overflow connection and is closed.
// States of one connection: connecting -> checked out <-> idle -> closed. A connection is closed
// instead of being handed out when it is dead (is_alive / pre-ping), older than `recycle`, from
// before dispose() (generation), or from before a disconnect was seen (invalidated_before_).
// Driver calls (connect, ping, close) run outside the lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/engine/engine.hpp"

namespace sqlcore::detail {

struct PoolConfig {
  int size = 5;
  int max_overflow = 10;
  std::chrono::milliseconds timeout{30000};
  std::optional<std::chrono::milliseconds> recycle;
  bool pre_ping = false;
  /// One connection shared in turn (in-memory SQLite): a thread that already holds it and asks
  /// again would wait forever, so it gets an ArgumentError at once.
  bool single_shared = false;
};

struct PooledConnection {
  std::unique_ptr<DriverConnection> conn;
  std::chrono::steady_clock::time_point created;
  std::uint64_t generation = 0;
  std::uint64_t id = 0;                      // 1, 2, ... in the order the engine opened them
  std::chrono::nanoseconds connect_time{0};  // how long opening it took
  bool fresh = false;                        // opened by this checkout (cleared by the engine)
  std::chrono::milliseconds timeout_set{0};  // the driver's statement timeout as last set
};

class Pool {
 public:
  using Connector = std::function<std::unique_ptr<DriverConnection>()>;
  /// `ids` numbers the connections it opens (PooledConnection::id), shared by the pools of one
  /// engine so that an id names one connection there.
  Pool(PoolConfig config, Connector connect, std::string backend, std::atomic<std::uint64_t>& ids);
  ~Pool();

  /// A live connection; throws OperationalError on timeout, or what the connector throws.
  /// `waited` receives how long the call waited for a connection to come free.
  std::unique_ptr<PooledConnection> checkout(std::chrono::nanoseconds* waited = nullptr);
  /// Returns a connection; `discard` closes it (it failed with a disconnect or was invalidated).
  void checkin(std::unique_ptr<PooledConnection> pc, bool discard) noexcept;
  /// A disconnect was seen: connections opened before now are closed when next touched.
  void note_disconnect() noexcept;
  void dispose() noexcept;
  PoolStatus status() const;
  const PoolConfig& config() const { return config_; }

 private:
  /// A checkout waiting for a connection. Waiters are served in the order they arrived: only
  /// the longest waiter may take an idle connection or open a new one, and a checkout that finds
  /// others waiting waits behind them (no barging), so no caller waits much longer than the rest.
  struct Waiter {
    std::condition_variable cv;
    Waiter* prev = nullptr;
    Waiter* next = nullptr;
  };
  bool stale(const PooledConnection& pc) const;
  /// Adds a wait (of a checkout, or of one that timed out) to the window; under mu_.
  void record_wait(std::chrono::nanoseconds waited);
  /// An idle connection, or room to open one (under mu_).
  bool available() const { return !idle_.empty() || open_ < config_.size + config_.max_overflow; }
  /// Wakes the longest waiter if it can be served now (under mu_).
  void wake_head() {
    if (head_ != nullptr && available()) head_->cv.notify_one();
  }
  void enqueue(Waiter& w);
  void unlink(Waiter& w);

  const PoolConfig config_;
  const Connector connect_;
  const std::string backend_;
  std::atomic<std::uint64_t>& ids_;
  mutable std::mutex mu_;
  Waiter* head_ = nullptr;  // the longest waiter
  Waiter* tail_ = nullptr;
  std::vector<std::unique_ptr<PooledConnection>> idle_;  // LIFO: the warmest connection first
  int open_ = 0;
  int checked_out_ = 0;
  std::uint64_t connects_ = 0;
  std::uint64_t discarded_ = 0;
  std::uint64_t generation_ = 0;
  std::chrono::steady_clock::time_point invalidated_before_{};
  std::thread::id holder_{};  // single_shared: the thread holding the connection
  int waiting_ = 0;           // the waiters queued
  std::uint64_t checkouts_ = 0;
  std::uint64_t waited_ = 0;
  std::uint64_t timeouts_ = 0;
  static constexpr std::size_t kWaitWindow = 1024;
  std::vector<std::uint32_t> waits_us_;  // the last kWaitWindow waits, a ring
  std::size_t next_wait_ = 0;
};

}  // namespace sqlcore::detail
