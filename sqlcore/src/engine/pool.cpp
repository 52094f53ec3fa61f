// Pool: checkout with timeout, liveness checks, overflow and invalidation.
#include "engine/pool.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>

#include "sqlcore/core/error.hpp"

namespace sqlcore::detail {

using Clock = std::chrono::steady_clock;

Pool::Pool(PoolConfig config, Connector connect, std::string backend,
           std::atomic<std::uint64_t>& ids)
    : config_(config), connect_(std::move(connect)), backend_(std::move(backend)), ids_(ids) {}

Pool::~Pool() {
  dispose();
}

bool Pool::stale(const PooledConnection& pc) const {
  if (pc.generation != generation_ || pc.created < invalidated_before_) return true;
  return config_.recycle && Clock::now() - pc.created > *config_.recycle;
}

void Pool::record_wait(std::chrono::nanoseconds waited) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(waited).count();
  const auto v = static_cast<std::uint32_t>(std::min<std::int64_t>(us, UINT32_MAX));
  if (waits_us_.size() < kWaitWindow) {
    waits_us_.push_back(v);
  } else {
    waits_us_[next_wait_] = v;
    next_wait_ = (next_wait_ + 1) % kWaitWindow;
  }
}

void Pool::enqueue(Waiter& w) {
  w.prev = tail_;
  (tail_ != nullptr ? tail_->next : head_) = &w;
  tail_ = &w;
  ++waiting_;
}

void Pool::unlink(Waiter& w) {
  (w.prev != nullptr ? w.prev->next : head_) = w.next;
  (w.next != nullptr ? w.next->prev : tail_) = w.prev;
  w.prev = w.next = nullptr;
  --waiting_;
}

std::unique_ptr<PooledConnection> Pool::checkout(std::chrono::nanoseconds* waited) {
  const auto start = Clock::now();
  const auto deadline = start + config_.timeout;
  Clock::time_point wait_end = start;  // when a wait for a free connection ended
  bool did_wait = false;
  Waiter me;
  bool queued = false;  // `me` is in the line
  bool served = false;  // this call had its turn once (a connection that then failed its check)
  std::unique_lock lock(mu_);
  if (config_.single_shared && checked_out_ > 0 && holder_ == std::this_thread::get_id())
    throw ArgumentError(
        "this thread already holds the one shared connection of an in-memory SQLite database; "
        "close it before connecting again (or use a database file)");
  while (true) {
    // In arrival order: a newcomer goes first only when nobody waits; a call whose connection
    // failed its check keeps its turn.
    const bool my_turn = queued ? head_ == &me : (head_ == nullptr || served);
    if (my_turn && available()) {
      if (queued) {
        unlink(me);
        queued = false;
      }
      served = true;
    }
    if (served && !idle_.empty()) {
      auto pc = std::move(idle_.back());
      idle_.pop_back();
      ++checked_out_;
      wake_head();  // more may be free
      bool is_stale = stale(*pc);
      lock.unlock();
      bool ok = !is_stale && pc->conn->is_alive() && (!config_.pre_ping || pc->conn->ping());
      if (ok) {
        const auto w = wait_end - start;
        {
          std::lock_guard relock(mu_);
          if (config_.single_shared) holder_ = std::this_thread::get_id();
          ++checkouts_;
          record_wait(w);
        }
        if (waited) *waited = w;
        return pc;
      }
      pc.reset();  // closes it
      lock.lock();
      --checked_out_;
      --open_;
      ++discarded_;
      continue;
    }
    if (served && open_ < config_.size + config_.max_overflow) {
      ++open_;
      ++checked_out_;
      std::uint64_t gen = generation_;
      wake_head();
      lock.unlock();
      auto pc = std::make_unique<PooledConnection>();
      const auto connect_start = Clock::now();
      try {
        pc->conn = connect_();
      } catch (...) {
        lock.lock();
        --open_;
        --checked_out_;
        wake_head();
        throw;
      }
      pc->created = Clock::now();
      pc->generation = gen;
      pc->connect_time = pc->created - connect_start;
      pc->fresh = true;
      lock.lock();
      ++connects_;
      pc->id = ids_.fetch_add(1, std::memory_order_relaxed) + 1;
      if (config_.single_shared) holder_ = std::this_thread::get_id();
      ++checkouts_;
      record_wait(wait_end - start);
      if (waited) *waited = wait_end - start;
      return pc;
    }
    // Nothing free for this call now: wait in line.
    served = false;
    if (!queued) {
      enqueue(me);
      queued = true;
    }
    if (!did_wait) {
      did_wait = true;
      ++waited_;
    }
    const auto status = me.cv.wait_until(lock, deadline);
    wait_end = Clock::now();
    if (status == std::cv_status::timeout && !(head_ == &me && available())) {
      unlink(me);
      wake_head();  // the next in line, if it can be served
      ++timeouts_;
      record_wait(wait_end - start);
      ErrorInfo info;
      info.backend = backend_;
      info.sqlstate = "HYT00";
      info.transient = true;
      auto ms = config_.timeout.count();
      info.server_message =
          "connection pool exhausted: pool_size " + std::to_string(config_.size) +
          " + max_overflow " + std::to_string(config_.max_overflow) +
          " connections are all checked out; timed out after " +
          (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
          " (pool_timeout). Return connections sooner or raise the limits";
      throw OperationalError(std::move(info));
    }
  }
}

void Pool::checkin(std::unique_ptr<PooledConnection> pc, bool discard) noexcept {
  if (!pc) return;
  std::unique_lock lock(mu_);
  --checked_out_;
  holder_ = {};
  if (discard || stale(*pc) || static_cast<int>(idle_.size()) >= config_.size) {
    --open_;
    if (discard || stale(*pc)) ++discarded_;
    wake_head();  // room to open one
    lock.unlock();
    pc.reset();
    return;
  }
  idle_.push_back(std::move(pc));
  wake_head();
}

void Pool::note_disconnect() noexcept {
  std::lock_guard lock(mu_);
  invalidated_before_ = Clock::now();
}

void Pool::dispose() noexcept {
  std::vector<std::unique_ptr<PooledConnection>> closing;
  {
    std::lock_guard lock(mu_);
    closing.swap(idle_);
    open_ -= static_cast<int>(closing.size());
    ++generation_;
    wake_head();  // room to open connections again
  }
  closing.clear();
}

PoolStatus Pool::status() const {
  std::lock_guard lock(mu_);
  PoolStatus s;
  s.pool_size = config_.size;
  s.max_overflow = config_.max_overflow;
  s.open = open_;
  s.idle = static_cast<int>(idle_.size());
  s.checked_out = checked_out_;
  s.connects = connects_;
  s.discarded = discarded_;
  s.overflow = std::max(0, open_ - config_.size);
  s.waiting = waiting_;
  s.checkouts = checkouts_;
  s.waited = waited_;
  s.timeouts = timeouts_;
  if (!waits_us_.empty()) {
    std::vector<std::uint32_t> w = waits_us_;
    std::sort(w.begin(), w.end());
    auto at = [&](double q) {
      auto i = static_cast<std::size_t>(q * static_cast<double>(w.size() - 1) + 0.5);
      return std::chrono::microseconds(w[std::min(i, w.size() - 1)]);
    };
    s.wait_p50 = at(0.50);
    s.wait_p95 = at(0.95);
    s.wait_p99 = at(0.99);
    s.wait_max = std::chrono::microseconds(w.back());
  }
  return s;
}

}  // namespace sqlcore::detail
