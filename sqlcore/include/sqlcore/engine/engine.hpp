// Engine: the entry point. A DATABASE_URL, a dialect, a driver and a pool of connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sqlcore/core/url.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/events.hpp"

namespace sqlcore {

class Dialect;

/// What a connection returning to the pool is cleared of (EngineOptions::session_reset).
enum class SessionReset : std::uint8_t {
  /// The default: an open transaction is rolled back, and a connection on which a statement
  /// that can leave session state ran (SET, temporary objects, session advisory locks, LISTEN,
  /// PREPARE, set_config(), PRAGMA, ATTACH ...) is reset (docs/engine.md, "Clean pooled
  /// sessions"). A checkout that ran only queries and DML costs nothing more.
  automatic,
  /// Every returning connection is reset, whatever ran on it.
  always,
  /// Only the rollback: session state stays with the connection for its next user.
  rollback_only,
};

/// Where a read goes: Engine::read(), Engine::connect(ReadFrom).
enum class ReadFrom : std::uint8_t {
  /// A replica that is up (EngineOptions::replicas), taken in turn; the primary when the engine
  /// has none or none answers. A replica applies the primary's commits a little later: what the
  /// caller has just written may not be there yet (docs/engine.md, "Read replicas").
  replica,
  /// The primary: a read there sees every committed write, the caller's own included.
  primary,
};

/// Engine settings. Each may also come from the URL's query (`?pool_size=2&pool_timeout=5`); a
/// URL setting wins, since the URL is what an operator changes per deployment.
struct EngineOptions {
  /// Connections kept open in the pool. Default 5; 1 for in-memory SQLite.
  std::optional<int> pool_size{};
  /// Connections opened beyond pool_size under load, closed when returned. Default 10; 0 for
  /// in-memory SQLite.
  std::optional<int> max_overflow{};
  /// How long connect() waits for a free connection before OperationalError. Default 30 s.
  /// URL: seconds, fractions allowed.
  std::optional<std::chrono::milliseconds> pool_timeout{};
  /// Connections older than this are closed and replaced at checkout. Default: never. URL: seconds.
  std::optional<std::chrono::milliseconds> pool_recycle{};
  /// Ping each connection (a round trip) at checkout and replace it if dead. Default false; a
  /// connection the server closed while idle is detected without it.
  std::optional<bool> pool_pre_ping{};
  /// SQLite: how long a writer waits for another's lock. Default 5 s. URL `busy_timeout`, in ms.
  std::optional<std::chrono::milliseconds> busy_timeout{};
  /// PostgreSQL application_name. Default "sqlcore". URL `application_name`.
  std::optional<std::string> application_name{};
  /// SQLite: create a missing database file (and its folder) on first connect. Default true.
  /// When false, a missing file is an OperationalError "no database at PATH" (SQLSTATE 3D000,
  /// as PostgreSQL says of a missing database) and nothing is created: for tools that only
  /// look. Servers never create a database. URL `create_database`.
  std::optional<bool> create_database{};
  /// A statement still running after this long is cancelled and raises TimeoutError (an
  /// OperationalError, transient); the connection stays usable. The clock starts when the
  /// statement is sent and runs while its rows are read. Default: none. Per connection:
  /// Connection::set_statement_timeout(); per statement: execute(stmt, params, timeout). URL
  /// `statement_timeout`: milliseconds, or a number with a unit (`250ms`, `1.5s`, `2min`).
  std::optional<std::chrono::milliseconds> statement_timeout{};
  /// How long opening a connection may take before OperationalError (PostgreSQL: libpq's
  /// connect_timeout, rounded up to whole seconds, at least 2). Default 10 s. SQLite opens a
  /// local file and checks only that it is positive. URL `connect_timeout`: seconds, or a
  /// number with a unit.
  std::optional<std::chrono::milliseconds> connect_timeout{};
  /// The statement log: every statement with its duration and rows, at level info (URL `echo`).
  std::optional<bool> echo{};
  /// The slow-statement log: statements that took at least this long, at level warning, echo or
  /// not. URL `slow_query`: milliseconds, or a number with a unit (`0.5ms`, `2s`).
  std::optional<std::chrono::microseconds> slow_query{};
  /// The lowest level the log writes: debug (adds pool events: connect, checkout, checkin),
  /// info (the default), warning, error, off. URL `log_level`.
  std::optional<LogLevel> log_level{};
  /// Where the log goes; the default writes lines to stderr (stream_logger(stderr)). Log lines
  /// show SQL with placeholders and parameter names, never values.
  Logger logger{};
  /// What a returning connection is cleared of. Default automatic. URL `session_reset`:
  /// `auto`, `always` or `rollback`.
  std::optional<SessionReset> session_reset{};
  /// Read replicas of the database: URLs of the same backend as the engine's own, which may
  /// differ from it in host, user, password, database and driver settings (the engine's
  /// settings are the primary URL's and apply to every pool). Read-only transactions and read()
  /// go to them; everything else goes to the primary. URL `replicas`: comma-separated
  /// `host[:port]`, each a replica sharing everything else with the primary's URL.
  std::vector<std::string> replicas{};
  /// How long a replica that could not be reached is skipped before it is tried again. Default
  /// 5 s. URL `replica_retry`: seconds, or a number with a unit.
  std::optional<std::chrono::milliseconds> replica_retry{};
};

/// A snapshot of the pool's counters.
struct PoolStatus {
  int pool_size = 0;
  int max_overflow = 0;
  int open = 0;                 // connections open now (idle + checked out)
  int idle = 0;                 // open and waiting in the pool
  int checked_out = 0;          // in use
  std::uint64_t connects = 0;   // connections opened since creation
  std::uint64_t discarded = 0;  // connections closed because dead, recycled or invalidated
  int overflow = 0;             // open beyond pool_size now
  int waiting = 0;              // threads waiting for a free connection now
  std::uint64_t checkouts = 0;  // checkouts since creation
  std::uint64_t waited = 0;     // checkouts that found no free connection and waited
  std::uint64_t timeouts = 0;   // checkouts that gave up after pool_timeout
  /// The wait for a connection over the last 1,024 checkouts (0 when none waited).
  std::chrono::microseconds wait_p50{0}, wait_p95{0}, wait_p99{0}, wait_max{0};
};

/// A read replica as the engine sees it (Engine::replica_status()).
struct ReplicaStatus {
  std::string url;  // without its password
  /// False while the replica is skipped, after a connect to it failed (for replica_retry).
  bool up = true;
  PoolStatus pool;
};

/// A database: its URL, dialect, driver and pool. Cheap to copy (copies share one pool);
/// thread-safe.
class Engine {
 public:
  /// The URL, with the password kept (use url().to_string() to print it safely).
  const Url& url() const;
  const Dialect& dialect() const;

  /// Checks a connection out of the pool, opening one if allowed. Throws OperationalError when
  /// the pool stays exhausted for pool_timeout (the message names the sizes) or the database
  /// cannot be reached.
  [[nodiscard]] Connection connect();
  /// A connection to read from: a replica that is up, in turn, or the primary (ReadFrom). A
  /// replica whose connect fails is skipped for replica_retry and the next one is tried. Writes
  /// on a replica's connection fail on the server (PostgreSQL: SQLSTATE 25006).
  [[nodiscard]] Connection connect(ReadFrom from);

  /// Runs `fn(Connection&)` in a transaction on the primary: commits when it returns, rolls
  /// back and rethrows when it throws. Returns what `fn` returns.
  template <class F>
  auto begin(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return begin(TransactionAccess::read_write, std::forward<F>(fn));
  }
  /// begin(fn) in a transaction of the given access: `engine.begin(TransactionAccess::read_only,
  /// fn)` reads without taking SQLite's write lock, refuses writes, and runs on a replica when
  /// the engine has them (as read(fn)).
  template <class F>
  auto begin(TransactionAccess access, F&& fn) -> std::invoke_result_t<F, Connection&> {
    return run_in(access == TransactionAccess::read_only ? connect(ReadFrom::replica) : connect(),
                  access, std::forward<F>(fn));
  }
  /// Runs `fn(Connection&)` in a read-only transaction on a replica (or the primary when there
  /// is none up). Returns what `fn` returns.
  template <class F>
  auto read(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return read(ReadFrom::replica, std::forward<F>(fn));
  }
  /// read(fn) from where `from` says: ReadFrom::primary to read one's own writes at once.
  template <class F>
  auto read(ReadFrom from, F&& fn) -> std::invoke_result_t<F, Connection&> {
    return run_in(connect(from), TransactionAccess::read_only, std::forward<F>(fn));
  }

  /// Closes every idle connection; connections in use are closed when returned. The engine stays
  /// usable and opens new connections on demand.
  void dispose();
  /// The primary's pool.
  PoolStatus pool_status() const;
  /// Each replica's state and pool, in the order they were given; empty without replicas.
  std::vector<ReplicaStatus> replica_status() const;

  /// Calls `fn` on every event of `kind` (events.hpp) from now on, on the thread that does the
  /// work. Any number of listeners; each costs only when its kind happens, and an engine with
  /// none pays one load and a branch per statement. Thread-safe; meant for setup, not per call.
  ListenerId listen(EventKind kind, Listener fn);
  /// listen() to several kinds with one function.
  ListenerId listen(std::initializer_list<EventKind> kinds, Listener fn);
  /// Stops a listener. A call under way on another thread may still finish.
  void unlisten(ListenerId id);

 private:
  template <class F>
  static auto run_in(Connection conn, TransactionAccess access, F&& fn)
      -> std::invoke_result_t<F, Connection&> {
    Transaction tx = conn.begin(access);
    if constexpr (std::is_void_v<std::invoke_result_t<F, Connection&>>) {
      std::forward<F>(fn)(conn);
      tx.commit();
    } else {
      auto out = std::forward<F>(fn)(conn);
      tx.commit();
      return out;
    }
  }

  friend Engine create_engine(const Url& url, const EngineOptions& options);
  explicit Engine(std::shared_ptr<detail::EngineState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::EngineState> state_;
};

/// Creates an engine for `url` (see Url for the forms). Throws ArgumentError for a malformed URL,
/// an unknown scheme, a backend whose driver is not linked, or a bad setting. Opens no connection
/// yet.
[[nodiscard]] Engine create_engine(const Url& url, const EngineOptions& options = {});
[[nodiscard]] Engine create_engine(std::string_view url, const EngineOptions& options = {});

}  // namespace sqlcore
