// Transaction: an open transaction or savepoint on a Connection; rolls back unless committed.
#pragma once

#include <cstdint>
#include <memory>

namespace sqlcore {

namespace detail {
class ConnectionState;
}

/// What a transaction may do (Connection::begin, Engine::begin).
enum class TransactionAccess : std::uint8_t {
  /// Reads and writes; the default. SQLite begins it IMMEDIATE: the write lock is taken at BEGIN,
  /// where busy_timeout applies, so a transaction that reads and then writes never fails on a
  /// stale snapshot. PostgreSQL: BEGIN.
  read_write,
  /// Reads only, at the backend's default isolation. SQLite begins it DEFERRED, taking no write
  /// lock (in WAL mode it runs beside a writer; its first read fixes its snapshot), with PRAGMA
  /// query_only on for its length; PostgreSQL: BEGIN READ ONLY (READ COMMITTED unless the server
  /// says otherwise: each statement sees what was committed before it began). A write inside it
  /// is refused with an OperationalError of SQLSTATE 25006 on both backends (PostgreSQL then
  /// aborts the transaction, as after any failed statement).
  read_only,
};

/// A transaction (Connection::begin) or a savepoint inside one (Connection::begin_nested).
///
/// States: active -> committed | rolled back. Ending an outer transaction ends every savepoint
/// inside it; ending a savepoint ends the savepoints opened after it. A Transaction destroyed while
/// active rolls back (never throws). Move-only; use it on the thread that owns the connection.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  /// Commits (or releases the savepoint). Throws ArgumentError when no longer active, and
  /// DatabaseError when the server refuses; the transaction is over either way.
  void commit();
  /// Rolls back (to the savepoint). Throws ArgumentError when no longer active.
  void rollback();
  bool is_active() const;
  bool is_nested() const { return nested_; }

 private:
  friend class Connection;
  Transaction(std::shared_ptr<detail::ConnectionState> conn, std::uint64_t id, bool nested)
      : conn_(std::move(conn)), id_(id), nested_(nested) {}

  std::shared_ptr<detail::ConnectionState> conn_;
  std::uint64_t id_ = 0;
  bool nested_ = false;
};

}  // namespace sqlcore
