// Autogenerate: what differs between a MetaData and a live database (read through the
// Inspector), as a list of changes and as a ready-to-edit C++ revision body.
//
//   auto conn = engine.connect();
//   auto changes = migrate::compare(conn, metadata);
//   std::cout << migrate::render_cpp(changes, metadata);
//
// The comparison is built so that a database made by metadata.create_all() (or by revisions that
// create the same tables) compares equal -- an empty list -- on every backend:
//   - types are compared by what the dialect writes for them (type_sql of the portable type the
//     catalog gives back); an autoincrementing integer key is equal whatever its integer width
//     (SQLite's rowid reflects as BigInteger);
//   - server defaults: presence always; the value only for literal and now() defaults, compared
//     with the dialect's literal_sql()/current_timestamp_sql() ignoring case, blanks, quotes,
//     parentheses and ::casts. A ServerDefault::sql() expression is not compared (catalogs
//     respell expressions; a false report is worse than a miss);
//   - indexes, unique constraints and foreign keys by name, then by their columns (and unique
//     flag, expressions, predicate, referred table/columns, actions); a same-named one that
//     differs shows as drop + add;
//   - CHECK constraints by name only (catalogs respell conditions beyond safe comparison:
//     PostgreSQL writes IN as = ANY (ARRAY[...])); the checks a type writes (Enum, SQLite's Json)
//     are the column type's business: an Enum whose value set changed is an alter_type;
//   - the primary key by its columns, in order (alter_primary_key; its name is not compared).
// Renames cannot be detected: they show as drop + add (render_cpp() says so loudly).
#pragma once

#include <string>
#include <vector>

#include "sqlcore/schema/metadata.hpp"

namespace sqlcore {

class Connection;

namespace migrate {

struct Change {
  enum class Kind {
    add_table,
    drop_table,
    add_column,
    drop_column,
    alter_type,
    alter_nullable,
    alter_default,
    add_index,
    drop_index,
    add_unique,
    drop_unique,
    add_foreign_key,
    drop_foreign_key,
    add_check,
    drop_check,
    alter_primary_key
  };
  Kind kind;
  std::string table;
  /// The column, index or constraint name where relevant; empty for a table change.
  std::string name;
  /// In words: "VARCHAR(50) -> TEXT", "nullable -> NOT NULL".
  std::string detail;
};

/// "add_table", "alter_type", ...
const char* to_string(Change::Kind kind);

/// What differs between `metadata` and the database behind `conn`: the tables of the metadata,
/// plus tables in the database that the metadata lacks (except `ignore_tables`; sqlcore's own
/// sqlcore_* tables are never listed by the Inspector). Tables to add first (dependency order),
/// then changes per existing table (columns, indexes, uniques, foreign keys), then tables to drop
/// (by name; their mutual foreign keys are not ordered). A same-named index, unique or foreign
/// key that differs shows as its drop followed by its add.
std::vector<Change> compare(Connection& conn, const MetaData& metadata,
                            const std::vector<std::string>& ignore_tables = {"sqlcore_version"});

/// The changes as a ready-to-edit C++ revision body (MigrationContext calls on `m`), with a loud
/// comment that renames show as drop + add. A table to add is written out in full
/// (render_table_cpp), so that the revision keeps creating that table as it is today; column
/// defaults and constraints of other changes read `metadata` (edit them into values if the
/// declarations may change later).
std::string render_cpp(const std::vector<Change>& changes, const MetaData& metadata);

/// `table` as C++ that declares it in a scratch MetaData and creates it on a MigrationContext `m`
/// -- every column, key, unique, check, foreign key and index, with every name explicit:
///   {  // users
///     MetaData md;
///     Table& t = md.add_table("users");
///     t.column("id", types::BigInteger).primary_key().autoincrement(true);
///     ...
///     m.create_table(t);
///   }
/// (Client-side defaults are code, not schema: they are not written.)
std::string render_table_cpp(const Table& table);

/// The changes as the SQL statements that would apply them on `conn`'s backend, generated
/// without changing anything: the tables they touch are read through the Inspector into a model
/// and the changes run against it offline (see offline_upgrade()). An expression or partial index
/// is created as declared in `metadata`.
std::vector<std::string> render_sql(Connection& conn, const std::vector<Change>& changes,
                                    const MetaData& metadata);

}  // namespace migrate
}  // namespace sqlcore
