// Dialect: how one backend spells SQL (placeholders, quoting, transaction statements,
// capabilities). A dialect renders text only; it never talks to a server (that is the Driver's
// job).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlcore/dialect/ddl_rules.hpp"
#include "sqlcore/dialect/migration_rules.hpp"
#include "sqlcore/dialect/transfer_rules.hpp"

namespace sqlcore {

class Column;
class Connection;
class SqlCompiler;
class Type;
class Value;

namespace detail {
class CompileCache;  // compilations by statement shape (internal: src/sql/compile_cache.hpp)
class Reflector;     // the catalog queries behind Inspector (internal: src/inspect/reflector.hpp)
}  // namespace detail

/// One backend's spelling of SQL, as separate interfaces, each asked by the part of sqlcore that
/// needs it: the connection-level SQL and capabilities below; DdlRules (ddl_rules.hpp) for tables
/// and types; MigrationRules (migration_rules.hpp) for migrations; TransferRules
/// (transfer_rules.hpp) for bulk copies between databases; a SqlCompiler per statement
/// (sql/compiler.hpp, make_compiler()) for select() and DML; and a Reflector per connection
/// (reflector()) for the catalog behind Inspector.
class Dialect : public DdlRules, public MigrationRules, public TransferRules {
 public:
  Dialect();
  virtual ~Dialect();

  /// The backend's name: "sqlite", "postgresql". Error messages and registries use it.
  std::string_view name() const override = 0;
  /// The URL schemes that select this dialect ({"postgresql", "postgres"}).
  virtual std::vector<std::string> url_schemes() const = 0;

  /// Appends the placeholder for parameter `position` (1-based): `?1` (SQLite), `$1` (PostgreSQL).
  virtual void append_placeholder(std::string& out, std::size_t position) const = 0;

  /// An identifier in double quotes with embedded quotes doubled; override where a backend differs.
  std::string quote_identifier(std::string_view ident) const override;

  /// The statement that opens a transaction. SQLite uses BEGIN IMMEDIATE so that a writer waits
  /// for the lock up front (busy_timeout) instead of failing on a stale snapshot later.
  virtual std::string begin_sql() const { return "BEGIN"; }
  /// The statement that opens a read-only transaction at the default isolation level
  /// (TransactionAccess::read_only). SQLite: BEGIN DEFERRED, which takes no write lock.
  virtual std::string begin_read_only_sql() const { return "BEGIN READ ONLY"; }
  /// Where BEGIN cannot make a transaction read-only (SQLite): the statement that forbids writes
  /// on the connection, run right after a read-only transaction's (or snapshot's) BEGIN, and the
  /// one that allows them again once it has ended. Empty where BEGIN says it.
  virtual std::string forbid_writes_sql() const { return {}; }
  virtual std::string allow_writes_sql() const { return {}; }
  virtual std::string commit_sql() const { return "COMMIT"; }
  virtual std::string rollback_sql() const { return "ROLLBACK"; }
  virtual std::string savepoint_sql(std::string_view name) const;
  virtual std::string release_savepoint_sql(std::string_view name) const;
  virtual std::string rollback_to_savepoint_sql(std::string_view name) const;

  // Capabilities: differences that tests and compilers ask about instead of naming a backend.
  /// One connection per database file may write at a time (SQLite); servers allow many writers.
  virtual bool single_writer() const { return false; }
  /// The database is a file opened in this process, with no server (SQLite): messages point at
  /// the file rather than at a server.
  virtual bool embedded() const { return false; }
  /// Maximum number of bound parameters in one statement.
  virtual std::size_t max_parameters() const = 0;

  /// The catalog reader behind Inspector (inspect/inspector.hpp); nullptr for a dialect that has
  /// none (Inspector then throws CompileError). It reads through `conn`, which outlives it.
  /// Implemented in the backend's folder.
  virtual std::unique_ptr<detail::Reflector> reflector(Connection& conn) const;

  // Statements: how select() and insert()/update()/delete_from() are rendered. A backend that
  // spells a construct its own way (LIMIT, upserts, JSON members, time arithmetic...) returns a
  // SqlCompiler subclass overriding that construct (sql/compiler.hpp).
  [[nodiscard]] virtual std::unique_ptr<SqlCompiler> make_compiler() const;

  /// This dialect's compilations of expression statements, by shape (internal).
  detail::CompileCache& compile_cache() const { return *compile_cache_; }

 private:
  std::shared_ptr<detail::CompileCache> compile_cache_;
};

}  // namespace sqlcore
