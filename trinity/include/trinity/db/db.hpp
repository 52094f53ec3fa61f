// trinity::db::Db: what every *Operations class runs on -- the engine, the schema and the unit
// of work.
//
// Each public operation is one transaction: Db::run() checks a connection out, begins, runs the
// body and commits (rolls back when it throws). An operation that reads with one statement uses
// Db::read() instead: no transaction, so no lock on SQLite. Inside DatabaseManager::transaction()
// on the same thread, run() joins that transaction instead, as a savepoint, so several operations
// commit or roll back together and one that fails on an expected error leaves the others' work
// intact.
//
//   std::optional<User> UserOperations::get_user_by_id(std::int64_t id) {
//     return db_.run([&](sqlcore::Connection& c) { ... });
//   }
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/engine/engine.hpp>
#include <sqlcore/engine/mapping.hpp>
#include <sqlcore/engine/transaction.hpp>
#include <sqlcore/sql/select.hpp>

#include "trinity/db/schema.hpp"

namespace trinity::db {

struct Models;  // the row mappings of the models (src/models.hpp)

class Db {
 public:
  /// `engine` and `schema` outlive the Db.
  Db(sqlcore::Engine& engine, const Schema& schema);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlcore::Engine& engine() const { return *engine_; }
  const Schema& schema() const { return *schema_; }
  /// The models' row mappings over schema() (internal to the operations).
  const Models& models() const { return *models_; }

  /// Runs `fn(Connection&)` as one unit of work (see above) and returns what it returns.
  /// An operation that calls another operation inside its body gets it joined too (as a
  /// savepoint on the same connection), never a second connection that would wait for the first.
  template <class F>
  auto run(F&& fn) -> std::invoke_result_t<F, sqlcore::Connection&> {
    if (sqlcore::Connection* joined = current()) return in(joined->begin_nested(), *joined, fn);
    sqlcore::Connection conn = engine_->connect();
    sqlcore::Transaction tx = conn.begin();
    Bind bind(this, &conn);
    return in(std::move(tx), conn, fn);
  }

  /// Runs `fn(Connection&)` for an operation that reads with ONE statement: no transaction of
  /// its own (a single statement is atomic), so on SQLite it takes no write lock and readers do
  /// not queue behind writers (WAL). Inside transaction() it reads in that transaction, seeing
  /// its uncommitted work.
  template <class F>
  auto read(F&& fn) -> std::invoke_result_t<F, sqlcore::Connection&> {
    if (sqlcore::Connection* joined = current()) return std::forward<F>(fn)(*joined);
    sqlcore::Connection conn = engine_->connect();
    return std::forward<F>(fn)(conn);
  }

  /// Reads of one statement through a model's mapping, on the read path (read()): the row
  /// `stmt` yields or nullopt (MultipleResultsFound when several), its first row, all its rows.
  /// The model row where `where` holds (a key: at most one), or nullopt.
  template <class S>
  std::optional<S> find(const sqlcore::Mapping<S>& m, const sqlcore::Expr& where) {
    return read([&](sqlcore::Connection& c) { return m.optional(c, m.select().where(where)); });
  }
  template <class S>
  std::optional<S> optional(const sqlcore::Mapping<S>& m, const sqlcore::Executable& stmt) {
    return read([&](sqlcore::Connection& c) { return m.optional(c, stmt); });
  }
  template <class S>
  std::optional<S> first(const sqlcore::Mapping<S>& m, const sqlcore::Executable& stmt) {
    return read([&](sqlcore::Connection& c) { return m.first(c, stmt); });
  }
  template <class S>
  std::vector<S> all(const sqlcore::Mapping<S>& m, const sqlcore::Executable& stmt) {
    return read([&](sqlcore::Connection& c) { return m.all(c, stmt); });
  }

  /// Runs `fn()` with every run() of this Db on this thread joined into one transaction:
  /// committed when `fn` returns, rolled back when it throws. Nested calls join the outer one.
  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F> {
    if (current()) return std::forward<F>(fn)();
    sqlcore::Connection conn = engine_->connect();
    sqlcore::Transaction tx = conn.begin();
    Bind bind(this, &conn);
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      std::forward<F>(fn)();
      tx.commit();
    } else {
      auto out = std::forward<F>(fn)();
      tx.commit();
      return out;
    }
  }

  /// `fn(c)` inside a savepoint of the transaction on `c`: an IntegrityError it throws rolls the
  /// savepoint back and leaves the transaction usable (PostgreSQL aborts the whole transaction
  /// after a failed statement otherwise). Rethrows.
  template <class F>
  static auto savepoint(sqlcore::Connection& c, F&& fn)
      -> std::invoke_result_t<F, sqlcore::Connection&> {
    return in(c.begin_nested(), c, fn);
  }

 private:
  /// The connection of this thread's transaction() on this Db, or nullptr.
  sqlcore::Connection* current() const;
  struct Bind {
    Bind(const Db* db, sqlcore::Connection* conn);
    ~Bind();
    Bind(const Bind&) = delete;
    Bind& operator=(const Bind&) = delete;
    const Db* previous_db;
    sqlcore::Connection* previous_conn;
  };

  template <class F>
  static auto in(sqlcore::Transaction tx, sqlcore::Connection& c, F& fn)
      -> std::invoke_result_t<F, sqlcore::Connection&> {
    if constexpr (std::is_void_v<std::invoke_result_t<F, sqlcore::Connection&>>) {
      fn(c);
      tx.commit();
    } else {
      auto out = fn(c);
      tx.commit();
      return out;
    }
  }

  sqlcore::Engine* engine_;
  const Schema* schema_;
  std::unique_ptr<const Models> models_;
};

/// A random text id: 32 hex digits (128 bits) from the operating system's generator.
std::string new_id();
/// `n` random decimal digits, uniformly distributed (login codes).
std::string random_digits(std::size_t n);
/// A random URL-safe token of `bytes` random bytes (base64url, no padding).
std::string random_token(std::size_t bytes = 32);
/// Hex SHA-256 of `text`: what is stored for API keys and login codes.
std::string sha256_hex(std::string_view text);

}  // namespace trinity::db
