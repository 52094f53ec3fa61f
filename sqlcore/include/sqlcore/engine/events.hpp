// Engine events and the statement log: what an engine does, seen as it does it.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sqlcore {

class DatabaseError;

/// What happened. Listeners subscribe to the kinds they want (Engine::listen).
enum class EventKind : std::uint8_t {
  connect,         // a new database connection was opened (duration: how long it took)
  checkout,        // a connection left the pool for a Connection (duration: the wait for it)
  checkin,         // a connection went back to the pool (or was closed, if discarded)
  before_execute,  // a statement is about to be sent
  after_execute,   // a statement completed (duration, rows)
  commit,          // a transaction committed (duration of the COMMIT)
  rollback,        // a transaction rolled back, by the caller or because it was left open
  error,           // a statement failed (error, duration)
};
inline constexpr int kEventKinds = 8;
const char* to_string(EventKind k);

/// One event. Every view points into the engine's own data and is valid only during the call:
/// copy what you keep. It never holds a bound value: statements carry their SQL with
/// placeholders and the names of their parameters, nothing else.
struct Event {
  EventKind kind;
  std::string_view backend;  // "sqlite", "postgresql"
  /// The statement as sent, with its placeholders ($1, ?): before_execute, after_execute, error,
  /// and commit / rollback (their COMMIT or ROLLBACK). Empty for pool events.
  std::string_view sql;
  /// The statement's parameters, by name, in placeholder order (":id" is "id"). Empty for a
  /// statement without named parameters.
  const std::vector<std::string>* param_names = nullptr;
  /// How many parameter sets the statement ran with: 1, or the rows of execute_many() and
  /// bulk_insert() (one event for the whole call, however the driver sends it).
  std::size_t param_sets = 1;
  /// after_execute, commit, rollback, error: how long the driver took (for a statement that
  /// returns rows, until its first row was ready; reading the rest is the caller's). checkout:
  /// the wait for a free connection. connect: the time to open it.
  std::chrono::nanoseconds duration{0};
  /// after_execute: rows inserted, updated or deleted; -1 for a statement that returns rows or
  /// changes none.
  std::int64_t rows = -1;
  /// error: the failure (its message shows the SQL, never the values).
  const DatabaseError* error = nullptr;
  /// Which pooled database connection (a number, unique in the engine, replicas' included); 0
  /// when none yet.
  std::uint64_t connection_id = 0;
  /// Which server: 0 for the primary, k for the engine's k-th read replica (EngineOptions::
  /// replicas in order, then the URL's `replicas=`).
  std::uint32_t replica = 0;
  /// True when a transaction was open on the connection when the statement ran.
  bool in_transaction = false;
};

/// A listener. It runs on the thread that does the work, inside the engine's call: keep it
/// short, and do not use the Connection the event came from. An exception it throws is
/// caught and dropped (a listener never makes a statement fail).
using Listener = std::function<void(const Event&)>;

/// Identifies a listener for Engine::unlisten.
using ListenerId = std::uint64_t;

/// The statement log's levels, lowest first. A logger gets records at and above
/// EngineOptions::log_level.
enum class LogLevel : std::uint8_t { debug, info, warning, error, off };
const char* to_string(LogLevel l);
/// Parses "debug", "info", "warning", "error" or "off"; ArgumentError names the others.
LogLevel parse_log_level(std::string_view text);

/// One line of the statement log: its level, the line as the default logger writes it, and the
/// event it comes from (same lifetime rules as Event).
struct LogRecord {
  LogLevel level;
  std::string_view message;
  const Event& event;
};

/// Receives the statement log. Called from any thread that runs statements; it must be
/// thread-safe.
using Logger = std::function<void(const LogRecord&)>;

/// A logger that writes each record as one line to `out` (the default: stderr), each line
/// written whole even when threads log at once.
Logger stream_logger(std::FILE* out);

}  // namespace sqlcore
