// Transaction: commit and rollback of a transaction or savepoint, and what a lost connection does.
#include "sqlcore/engine/transaction.hpp"

#include <algorithm>

#include "engine/engine_state.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore {

// ---- Transaction ---------------------------------------------------------------------------

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::move(other.conn_)), id_(other.id_), nested_(other.nested_) {
  other.id_ = 0;
}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (is_active()) {
      try {
        rollback();
      } catch (...) {
      }
    }
    conn_ = std::move(other.conn_);
    id_ = other.id_;
    nested_ = other.nested_;
    other.id_ = 0;
  }
  return *this;
}

Transaction::~Transaction() {
  if (!is_active()) return;
  try {
    rollback();
  } catch (...) {
    // A destructor never throws; a failed rollback has already discarded a dead connection.
  }
}

bool Transaction::is_active() const {
  if (!conn_ || id_ == 0) return false;
  const auto& stack = conn_->tx_stack();
  return std::find(stack.begin(), stack.end(), id_) != stack.end();
}

namespace {
// Ends a read-only transaction's ban on writes when the outer transaction ends, however it ends.
struct AllowWritesAtEnd {
  detail::ConnectionState& st;
  bool outer;
  ~AllowWritesAtEnd() {
    if (outer) st.allow_writes();
  }
};

std::size_t position(const detail::ConnectionState& st, std::uint64_t id) {
  const auto& stack = st.tx_stack();
  auto it = std::find(stack.begin(), stack.end(), id);
  if (it == stack.end())
    throw ArgumentError(
        "this transaction is no longer active (it was committed or rolled back, or an enclosing "
        "transaction ended)");
  return static_cast<std::size_t>(it - stack.begin());
}
}  // namespace

void Transaction::commit() {
  if (!conn_) throw ArgumentError("this Transaction was moved from");
  detail::ConnectionState& st = *conn_;
  std::size_t pos = position(st, id_);
  const Dialect& d = st.dialect();
  const AllowWritesAtEnd allow{st, pos == 0};
  if (st.tx_lost()) {
    // Whatever is committed, the transaction is already gone with its connection.
    if (pos == 0) st.clear_tx_lost();
    st.end_tx_from(pos);
    ErrorInfo info;
    info.backend = std::string(d.name());
    info.sqlstate = "08003";
    info.server_message =
        "cannot commit: the database connection was lost during the transaction, which the "
        "server has rolled back";
    throw OperationalError(std::move(info));
  }
  st.end_tx_from(pos);
  if (pos == 0) {
    try {
      st.end_transaction(EventKind::commit, d.commit_sql(),
                         [&](const std::string& sql) { st.simple(sql); });
    } catch (const DatabaseError& e) {
      // The connection failed during COMMIT: the server may have committed or not.
      detail::raise_if_in_doubt(e, d.commit_sql(), true, false);
      // A commit the server refused may leave the transaction open (SQLite: busy): end it.
      if (st.has_connection()) {
        try {
          if (st.conn().in_transaction()) st.simple(d.rollback_sql());
        } catch (...) {
        }
      }
      throw;
    }
  } else {
    st.simple(d.release_savepoint_sql("sp_" + std::to_string(pos)));
  }
}

void Transaction::rollback() {
  if (!conn_) throw ArgumentError("this Transaction was moved from");
  detail::ConnectionState& st = *conn_;
  std::size_t pos = position(st, id_);
  const AllowWritesAtEnd allow{st, pos == 0};
  st.end_tx_from(pos);
  if (st.tx_lost()) {
    if (pos == 0) st.clear_tx_lost();
    return;  // the server rolled it back when the connection died
  }
  const Dialect& d = st.dialect();
  if (pos == 0) {
    st.end_transaction(EventKind::rollback, d.rollback_sql(),
                       [&](const std::string& sql) { st.simple(sql); });
  } else {
    std::string name = "sp_" + std::to_string(pos);
    st.simple(d.rollback_to_savepoint_sql(name));
    st.simple(d.release_savepoint_sql(name));
  }
}

}  // namespace sqlcore
