// Engine: the entry point. A DATABASE_URL, a dialect, a driver and a pool of connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sqlcore/core/url.hpp"
#include "sqlcore/engine/connection.hpp"

namespace sqlcore {

class Dialect;

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

  /// Runs `fn(Connection&)` in a transaction: commits when it returns, rolls back and rethrows
  /// when it throws. Returns what `fn` returns.
  template <class F>
  auto begin(F&& fn) -> std::invoke_result_t<F, Connection&> {
    return begin(TransactionAccess::read_write, std::forward<F>(fn));
  }
  /// begin(fn) in a transaction of the given access: `engine.begin(TransactionAccess::read_only,
  /// fn)` reads without taking SQLite's write lock, and refuses writes.
  template <class F>
  auto begin(TransactionAccess access, F&& fn) -> std::invoke_result_t<F, Connection&> {
    Connection conn = connect();
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

  /// Closes every idle connection; connections in use are closed when returned. The engine stays
  /// usable and opens new connections on demand.
  void dispose();
  PoolStatus pool_status() const;

 private:
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
