// Adopting a database written by the original raw-SQLite system: the same tables, booleans as
// INTEGER 0/1, timestamps as ISO-8601 `...Z` text or SQLite's `YYYY-MM-DD HH:MM:SS`, JSON as
// text, its own `schema_migrations(name, applied_at)` table, some later columns missing, and --
// since it ran with foreign keys off for years -- references to rows that no longer exist.
//
// Only a database that positively looks like the original's is adopted (check_legacy_database():
// its version table, its core tables with their key columns). Another application's database
// that merely has a schema_migrations table is refused, and nothing in it is changed.
//
// adopt_legacy_database() first copies the file next to itself (SQLite's online backup API),
// then turns it into revision 0001 of trinity-db's history in one migration transaction
// (sqlcore's Migrator: locked, foreign keys checked before COMMIT); the ordinary upgrade then
// takes it to head. Nothing is dropped that trinity-db does not understand:
//   - each known table is moved aside, revision 0001 creates it as a fresh database would have
//     it, and every row is copied back, converted to the column's portable type (timestamps to
//     the canonical UTC form, 0/1 to booleans, JSON parsed, numbers from text, a username where
//     a user id belongs to that user's id). Columns the legacy table lacks get their defaults;
//   - columns of a known table that the schema lacks are kept, with the row's key, in a side
//     table `_legacy_extra_<table>` (the schema stays exactly trinity-db's, so check, diff and
//     every later migration and copy work as on any database, and no value is lost);
//   - a reference to a row that does not exist: in a nullable column it is set to NULL and
//     recorded (table, key, column, old value) in `_legacy_dangling_references`; a row whose NOT
//     NULL reference dangles is moved whole to `_legacy_quarantine_<table>` (repeated until no
//     reference dangles, since a quarantined row may be the parent of others);
//   - schema_migrations is kept as `_legacy_schema_migrations`; tables trinity-db does not know
//     are left as they are (check and diff list them as extra).
// A value that cannot be converted (malformed JSON, a timestamp that is none, a username nobody
// has) fails the adoption with LegacyDataError naming table, key and column of each (the first
// 20); nothing is changed.
#pragma once

#include <cstdint>
#include <map>
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

/// What check_legacy_database() found.
struct LegacyCheck {
  /// A SQLite database with a schema_migrations table and no sqlcore version table: adoption
  /// would be considered.
  bool candidate = false;
  /// ... and it is the original system's: adopt it.
  bool original = false;
  /// When a candidate is not the original's: what is missing, in words.
  std::vector<std::string> missing;
};

/// Looks for the original system's fingerprint: its schema_migrations(name, applied_at), and its
/// core tables (users, agent_ownership, agent_sharing, mcp_api_keys, agent_schedules,
/// schedule_executions, chat_sessions, chat_messages, agent_activities, system_settings) with
/// the columns that identify them. Reads only.
LegacyCheck check_legacy_database(sqlcore::Connection& conn);

/// check_legacy_database(conn).original.
bool is_legacy_database(sqlcore::Connection& conn);

/// Throws std::runtime_error saying why when `conn`'s database has a schema_migrations table but
/// is not the original system's (another application's database): trinity-db must not touch it.
void refuse_foreign_database(sqlcore::Connection& conn, const std::string& display_url);

/// A reference that pointed at no row.
struct DanglingReference {
  std::string table;
  std::string key;     // "id=42" (the row's primary key)
  std::string column;  // the referencing column(s)
  std::string value;   // the value it held
  bool quarantined;    // the row moved to _legacy_quarantine_<table> (else: set to NULL)
};

/// What adopt_legacy_database() did.
struct AdoptionReport {
  std::int64_t rows_copied = 0;
  /// The copy of the file taken before anything changed.
  std::string backup_path;
  /// table -> columns kept in _legacy_extra_<table>.
  std::map<std::string, std::vector<std::string>> extra_columns;
  /// table -> references set to NULL, and rows quarantined.
  std::map<std::string, std::int64_t> nulled, quarantined;
  std::vector<DanglingReference> dangling;
  /// Tables left as they were (trinity-db does not know them).
  std::vector<std::string> unknown_tables;

  /// One line per table with something to say, for people.
  std::string summary() const;
  /// The whole report as a JSON document.
  std::string to_json() const;
};

/// See above. Throws LegacyDataError (nothing changed) when a value cannot be converted,
/// ArgumentError when the database is not the original system's.
AdoptionReport adopt_legacy_database(sqlcore::Engine& engine);

}  // namespace trinity::db
