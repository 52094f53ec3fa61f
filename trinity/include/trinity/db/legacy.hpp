// Adopting a database written by the original raw-SQLite system: the same tables, booleans as
// INTEGER 0/1, timestamps as ISO-8601 `...Z` text or SQLite's `YYYY-MM-DD HH:MM:SS`, JSON as
// text, its own `schema_migrations(name, applied_at)` table, and some later columns missing.
//
// adopt_legacy_database() turns it into revision 0001 of trinity-db's history in one migration
// transaction (sqlcore's Migrator: locked, foreign keys checked before COMMIT), after which the
// ordinary upgrade takes it to head:
//   - each legacy table is moved aside and its indexes dropped;
//   - revision 0001 creates the tables as a fresh database would have them;
//   - every row is copied back, column by column, converted to the column's portable type:
//     timestamps to sqlcore's canonical UTC form, 0/1 to booleans, JSON text parsed, numbers
//     from text; a user column that held a username (the original joined TEXT to INTEGER in a
//     few places) becomes that user's id. Columns the legacy table lacks get their defaults;
//   - the legacy tables and schema_migrations are dropped; tables trinity-db does not know are
//     left alone.
// A value that cannot be converted (malformed JSON, a timestamp that is none, a username
// nobody has) fails the adoption with LegacyDataError naming table, key and column of each
// (the first 20); nothing is changed.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/engine/engine.hpp>

namespace trinity::db {

class LegacyDataError : public std::runtime_error {
 public:
  LegacyDataError(const std::string& message, std::vector<std::string> problems)
      : std::runtime_error(message), problems_(std::move(problems)) {}
  /// One line per value that could not be converted: "table (key) column: why".
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// A SQLite database with the original system's schema_migrations table and no sqlcore version
/// table (never adopted).
bool is_legacy_database(sqlcore::Connection& conn);

/// See above. Returns the number of rows copied. Throws LegacyDataError (nothing changed) when a
/// value cannot be converted, ArgumentError when the database is not a legacy one.
std::int64_t adopt_legacy_database(sqlcore::Engine& engine);

}  // namespace trinity::db
