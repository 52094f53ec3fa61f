// EngineState and ConnectionState: the shared state behind Engine, Connection and Transaction.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/event_hub.hpp"
#include "engine/pool.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::detail {

/// The steady clock in nanoseconds (Replica::down_until).
inline std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A read replica: its URL, its own pool, and until when it is skipped after a failed connect.
struct Replica {
  Replica(std::uint32_t number_, Url url_, Url driver_url_, std::shared_ptr<Driver> driver_,
          const DriverOptions& options, const PoolConfig& config, std::string backend,
          std::atomic<std::uint64_t>& ids)
      : number(number_),
        url(std::move(url_)),
        driver_url(std::move(driver_url_)),
        driver(std::move(driver_)),
        driver_options(options),
        pool(
            config, [this] { return driver->connect(driver_url, driver_options); },
            std::move(backend), ids) {}
  const std::uint32_t number;  // 1, 2, ...: Event::replica
  const Url url;
  const Url driver_url;
  const std::shared_ptr<Driver> driver;
  const DriverOptions driver_options;
  Pool pool;
  /// steady_clock nanoseconds until which the replica is skipped; 0 (or past): up.
  std::atomic<std::int64_t> down_until{0};

  /// Skips the replica for `retry` from now (a connect to it failed, or it was lost).
  void mark_down(std::chrono::milliseconds retry) {
    down_until.store(steady_ns() + std::chrono::nanoseconds(retry).count(),
                     std::memory_order_relaxed);
  }
  /// Not skipped at `now` (steady_ns()).
  bool up(std::int64_t now) const { return down_until.load(std::memory_order_relaxed) <= now; }
};

class EngineState {
 public:
  EngineState(Url url, Url driver_url, std::shared_ptr<const Dialect> dialect,
              std::shared_ptr<Driver> driver, DriverOptions driver_options, PoolConfig pool,
              std::chrono::milliseconds statement_timeout, SessionReset session_reset);

  const Url url;
  const Url driver_url;  // the URL without the engine's own settings
  const std::shared_ptr<const Dialect> dialect;
  const std::shared_ptr<Driver> driver;
  const DriverOptions driver_options;
  const std::chrono::milliseconds statement_timeout;  // zero: none
  const SessionReset session_reset;
  EventHub events;
  std::atomic<std::uint64_t> connection_ids{0};  // numbers the connections of every pool
  Pool pool;
  /// Read replicas (filled by create_engine() before the engine is handed out, then fixed).
  std::vector<std::unique_ptr<Replica>> replicas;
  std::chrono::milliseconds replica_retry{5000};
  std::atomic<std::size_t> next_replica{0};  // where the next replica read starts
};

/// The state of one Connection.
///
/// States: checked out (pc_ set) | lost (pc_ null after a disconnect) | closed.
/// tx_stack_ holds the ids of the open transaction (index 0) and its savepoints (index k is the
/// savepoint named sp_k). When the connection is lost with a transaction open, tx_lost_ is set:
/// statements throw until the transaction is rolled back; with none open, the next statement
/// checks out a fresh connection.
class ConnectionState {
 public:
  explicit ConnectionState(std::shared_ptr<EngineState> engine) : engine_(std::move(engine)) {}
  /// A connection from `replica`'s pool instead of the primary's.
  ConnectionState(std::shared_ptr<EngineState> engine, Replica& replica)
      : engine_(std::move(engine)), pool_(&replica.pool), replica_(&replica) {}
  ~ConnectionState() { release(); }

  EngineState& engine() { return *engine_; }
  const Dialect& dialect() const { return *engine_->dialect; }

  /// The driver connection, checking out a fresh one after a loss outside a transaction.
  DriverConnection& conn();
  /// Runs a parameterless statement (BEGIN, SAVEPOINT ...) with error handling.
  void simple(const std::string& sql);
  /// Sends a parameterless statement on `c` (this state's driver connection), seen by the
  /// listeners like any other, without simple()'s error handling: for the callers that handle
  /// errors themselves (run_many) or may not lose the connection midway (release()).
  void send_simple(DriverConnection& c, const std::string& sql) {
    observe(sql, nullptr, 1, [&] { c.execute_simple(sql); });
  }
  /// Call on every DatabaseError from the driver: a disconnect discards the connection.
  void on_error(const DatabaseError& e) noexcept;

  std::uint64_t push_tx() {
    tx_stack_.push_back(next_tx_id_);
    return next_tx_id_++;
  }
  const std::vector<std::uint64_t>& tx_stack() const { return tx_stack_; }
  void end_tx_from(std::size_t pos) { tx_stack_.resize(pos); }
  bool tx_lost() const { return tx_lost_; }
  void clear_tx_lost() { tx_lost_ = false; }
  bool has_connection() const { return pc_ != nullptr; }
  /// After a read-only transaction's BEGIN: forbids writes where BEGIN cannot (the dialect's
  /// forbid_writes_sql); on failure rolls the transaction back and throws.
  void forbid_writes();
  /// Once the outer transaction has ended: allows writes again where forbid_writes() forbade
  /// them. Never throws; a connection that cannot is discarded (not handed to anyone else).
  void allow_writes() noexcept;

  /// Checks a connection out of the pool (connect and checkout events, the engine's statement
  /// timeout).
  void checkout();
  /// Hands the connection back to the pool (checkin event); `discard` closes it.
  void give_back(bool discard) noexcept;

  /// Runs `send()`, which sends `sql` through the driver; with listeners, tells them before and
  /// after (or on error). Without, costs one load and a branch.
  template <class Send>
  auto observe(std::string_view sql, const std::vector<std::string>* names, std::size_t sets,
               Send&& send) -> decltype(send()) {
    if ((engine_->events.mask() & EventHub::kStatementEvents) == 0) [[likely]]
      return send();
    return observed(sql, names, sets, std::forward<Send>(send));
  }
  /// The event of a statement on this connection (kind, SQL and names set; the rest default).
  Event statement_event(EventKind kind, std::string_view sql, const std::vector<std::string>* names,
                        std::size_t sets) const;
  /// Ends a transaction by `run(sql)`, its COMMIT or ROLLBACK, and tells the listeners of `kind`
  /// (commit or rollback) how long it took; without any, reads no clock.
  template <class Run>
  void end_transaction(EventKind kind, const std::string& sql, Run&& run) {
    if (!engine_->events.wants(kind)) [[likely]] {
      run(sql);
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    run(sql);
    transaction_ended(kind, sql, since(start));
  }

  /// The statement timeout of this checkout: the engine's unless set_statement_timeout() changed
  /// it (zero: none). Applied to the driver connection at once and at every checkout.
  void set_timeout(std::chrono::milliseconds t);
  std::chrono::milliseconds timeout() const { return timeout_; }
  /// Sets the driver connection's timeout to `t` if it has another (no round trip).
  void apply_timeout(std::chrono::milliseconds t);
  /// Connection::cancel(): thread-safe against the owner checking connections in and out.
  bool cancel() noexcept;
  /// A statement that may leave session state ran (CompiledStatement::changes_session): the
  /// connection is reset when it returns to the pool (SessionReset::automatic).
  void session_changed() { session_changed_ = true; }
  /// Back to the pool: rolls back what is open, detaches cursors. Never throws.
  void release() noexcept;
  void invalidate() noexcept;
  /// release() and refuse further use.
  void close() noexcept {
    release();
    closed_ = true;
  }
  bool closed() const { return closed_; }

 private:
  template <class Send>
  [[gnu::noinline]] auto observed(std::string_view sql, const std::vector<std::string>* names,
                                  std::size_t sets, Send&& send) -> decltype(send());
  static std::int64_t rows_of(const Execution& e) {
    return e.cursor ? e.cursor->rows_affected() : e.rows_affected;
  }
  static std::int64_t rows_of(std::int64_t n) { return n; }
  void transaction_ended(EventKind kind, std::string_view sql, std::chrono::nanoseconds duration);

  std::shared_ptr<EngineState> engine_;
  Pool* const pool_ = &engine_->pool;  // where connections come from: the primary's or a replica's
  Replica* const replica_ = nullptr;   // the replica, if from one
  std::unique_ptr<PooledConnection> pc_;  // changed only under cancel_mu_
  mutable std::mutex cancel_mu_;          // pc_ against cancel() from another thread
  std::chrono::milliseconds timeout_{0};
  bool own_timeout_ = false;  // set_statement_timeout() was called in this checkout
  bool session_changed_ = false;
  /// At checkin: resets the session where session_reset asks; false when the connection must
  /// be closed instead (the backend has no reset statement). May throw.
  bool reset_session();
  std::vector<std::uint64_t> tx_stack_;
  std::uint64_t next_tx_id_ = 1;
  bool tx_lost_ = false;
  bool closed_ = false;
  bool writes_forbidden_ = false;  // forbid_writes() ran; allow_writes() is due
};

template <class Send>
auto ConnectionState::observed(std::string_view sql, const std::vector<std::string>* names,
                               std::size_t sets, Send&& send) -> decltype(send()) {
  const EventHub::Snapshot* listeners = engine_->events.snapshot();
  if (!listeners) return send();
  Event e = statement_event(EventKind::before_execute, sql, names, sets);
  EventHub::fire(*listeners, e);
  // The clock only when someone reads the duration.
  const bool timed = (engine_->events.mask() &
                      (event_bit(EventKind::after_execute) | event_bit(EventKind::error))) != 0;
  const auto start =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  try {
    if constexpr (std::is_void_v<decltype(send())>) {
      send();
      e.kind = EventKind::after_execute;
      if (timed) e.duration = since(start);
      EventHub::fire(*listeners, e);
    } else {
      auto out = send();
      e.kind = EventKind::after_execute;
      if (timed) e.duration = since(start);
      e.rows = rows_of(out);
      EventHub::fire(*listeners, e);
      return out;
    }
  } catch (const DatabaseError& err) {
    e.kind = EventKind::error;
    if (timed) e.duration = since(start);
    e.error = &err;
    EventHub::fire(*listeners, e);
    throw;
  }
}

/// Called with an error from a statement: when `e` is a lost connection and the statement was
/// COMMIT (`commit`) or may write and ran outside a transaction (`autocommit`), throws
/// InDoubtError instead, since the work may have been committed. Returns otherwise.
void raise_if_in_doubt(const DatabaseError& e, std::string_view sql, bool commit, bool autocommit);

/// What Value::check_bindable() refuses (NaN, infinities, JSON too deep or with bad text,
/// timestamps outside years 1-9999), whether or not a column type has seen the value, naming the
/// column (typed slot) or the parameter. `values` may hold several rows of `c` back to back.
/// execute_many() calls it before sending any row; execute() leaves the check to the driver's
/// bind (no second pass over the values) and calls it only to name what the driver refused.
inline void check_bindable(const CompiledStatement& c, std::span<const Value* const> values) {
  const std::size_t n = c.param_names.size();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]->is_bindable()) [[unlikely]] {
      const std::size_t slot = n == 0 ? i : i % n;
      if (slot < c.slots.size() && !c.slots[slot].label.empty()) {
        values[i]->check_bindable(c.slots[slot].label);
      } else {
        values[i]->check_bindable(":" + (slot < n ? c.param_names[slot] : std::to_string(slot)));
      }
    }
  }
}

}  // namespace sqlcore::detail
