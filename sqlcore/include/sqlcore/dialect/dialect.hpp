// Dialect: how one backend spells SQL (placeholders, quoting, transaction statements,
// capabilities). A dialect renders text only; it never talks to a server (that is the Driver's
// job).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sqlcore {

class Dialect {
 public:
  virtual ~Dialect() = default;

  /// The backend's name: "sqlite", "postgresql". Error messages and registries use it.
  virtual std::string_view name() const = 0;
  /// The URL schemes that select this dialect ({"postgresql", "postgres"}).
  virtual std::vector<std::string> url_schemes() const = 0;

  /// Appends the placeholder for parameter `position` (1-based): `?1` (SQLite), `$1` (PostgreSQL).
  virtual void append_placeholder(std::string& out, std::size_t position) const = 0;

  /// An identifier in double quotes with embedded quotes doubled; override where a backend differs.
  virtual std::string quote_identifier(std::string_view ident) const;

  /// The statement that opens a transaction. SQLite uses BEGIN IMMEDIATE so that a writer waits
  /// for the lock up front (busy_timeout) instead of failing on a stale snapshot later.
  virtual std::string begin_sql() const { return "BEGIN"; }
  virtual std::string commit_sql() const { return "COMMIT"; }
  virtual std::string rollback_sql() const { return "ROLLBACK"; }
  virtual std::string savepoint_sql(std::string_view name) const;
  virtual std::string release_savepoint_sql(std::string_view name) const;
  virtual std::string rollback_to_savepoint_sql(std::string_view name) const;

  // Capabilities: differences that tests and compilers ask about instead of naming a backend.
  /// One connection per database file may write at a time (SQLite); servers allow many writers.
  virtual bool single_writer() const { return false; }
  /// Maximum number of bound parameters in one statement.
  virtual std::size_t max_parameters() const = 0;
};

}  // namespace sqlcore
