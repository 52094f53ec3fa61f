// Migrations: revisions written in C++, an ordered History, and a Migrator that applies them.
//
//   History history({
//       {"0001", "create users", [](MigrationContext& m) { m.create_table(users_v1); },
//        [](MigrationContext& m) { m.drop_table("users"); }},
//       {"0002", "add email", [](MigrationContext& m) {
//          m.add_column("users", "email", types::String(255));
//        }},
//   });
//   Migrator(engine, history).upgrade();   // to head
//
// The database records the revision it is at in a one-row version table (sqlcore_version). Each
// revision runs in one transaction together with the update of that table: a failing revision
// rolls back completely and leaves the database at the previous revision. Two processes migrating
// at once take a lock per revision (PostgreSQL: an advisory transaction lock; SQLite: the write
// lock of BEGIN IMMEDIATE), re-read the revision inside it and apply each revision once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/value.hpp"
#include "sqlcore/inspect/inspector.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/schema/types.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore {

class Connection;
class Dialect;
class Engine;

namespace detail {
class SchemaModel;
}

namespace migrate {

class MigrationContext;

/// A revision failed with an error that is not a DatabaseError (a DatabaseError is rethrown with
/// the same type and the revision named in its message). The revision was rolled back.
class MigrationError : public Error {
 public:
  MigrationError(std::string revision, const std::string& message)
      : Error(message), revision_(std::move(revision)) {}
  const std::string& revision() const { return revision_; }

 private:
  std::string revision_;
};

/// One step of the schema's history. `downgrade` is optional: without it the revision cannot be
/// undone.
struct Revision {
  std::string id;
  std::string message;
  std::function<void(MigrationContext&)> upgrade;
  std::function<void(MigrationContext&)> downgrade = {};
  /// The id of the revision this one follows (optional). When given, History checks that it is
  /// the one just before: a revision missing in between (a gap) is found at start-up.
  std::string follows = {};
};

/// The revisions in the order they apply. Checked at construction: an empty, duplicate or
/// reserved ("base") id, a revision without upgrade, or one whose `follows` is not the revision
/// before it (a gap), throws ArgumentError naming it.
class History {
 public:
  explicit History(std::vector<Revision> revisions);

  const std::vector<Revision>& revisions() const { return revisions_; }
  bool empty() const { return revisions_.empty(); }
  std::size_t size() const { return revisions_.size(); }
  /// The last revision's id; nullopt for an empty history.
  std::optional<std::string> head() const;
  /// The revision called `id`, or nullptr.
  const Revision* find(std::string_view id) const;
  /// The position of `id` (0-based), or nullopt.
  std::optional<std::size_t> index_of(std::string_view id) const;

 private:
  std::vector<Revision> revisions_;
};

struct MigratorOptions {
  /// The table that records the database's revision (one row; no row: no revision applied).
  std::string version_table = "sqlcore_version";
  /// How long to wait for another migrating process's lock before giving up.
  std::chrono::milliseconds lock_timeout{30000};
  /// Called with every statement a revision runs (its id, the SQL), online and in offline mode:
  /// a log of what changed the schema. Lock and version-table statements are not reported.
  std::function<void(const std::string& revision, const std::string& sql)> on_statement = {};
};

/// One entry of Migrator::history().
struct RevisionStatus {
  std::string id;
  std::string message;
  bool applied = false;
  bool current = false;
  bool has_downgrade = false;
};

/// Applies a History to a database. The Engine and History must outlive it. Each call checks a
/// connection out for its duration only.
class Migrator {
 public:
  Migrator(Engine& engine, const History& history, MigratorOptions options = {});

  /// The revision the database is at; nullopt when none was applied (or no version table).
  /// Throws ArgumentError when the database records a revision the History does not know (the
  /// database is newer than the code).
  std::optional<std::string> current();
  /// The revisions not applied yet, in order.
  std::vector<std::string> pending();
  /// Every revision of the History with whether it is applied.
  std::vector<RevisionStatus> history();

  /// Applies the revisions after the current one up to `to` (default: head), each in its own
  /// transaction. An unknown `to`, or one older than the current revision, throws ArgumentError.
  /// Returns the revisions this call applied: empty when another process had applied them while
  /// this one waited for the migration lock.
  std::vector<std::string> upgrade(std::optional<std::string> to = {});
  /// Undoes revisions newest first until the database is at `to` (a revision id, or "base" for
  /// none). Every revision to undo must have a downgrade; this is checked before anything runs.
  void downgrade(const std::string& to);
  /// Records `id` (or "base") as the current revision without running anything: adopts a
  /// database created outside the runner.
  void stamp(const std::string& id);

 private:
  Engine* engine_;
  const History* history_;
  MigratorOptions options_;
};

/// One revision of an offline upgrade: the statements it runs, in order.
struct OfflineRevision {
  std::string id;
  std::string message;
  std::vector<std::string> statements;
};

/// Offline mode: the statements an upgrade from `from` (exclusive; nullopt or "base": from the
/// start) to `to` (inclusive; default head) would run on `dialect`, generated without a
/// database. The revisions are run against a model of the schema that starts empty and follows
/// every MigrationContext operation from the first revision on, so operations that read the
/// catalog (the SQLite table rebuild, drop_column, the *_if_missing helpers) see the schema the
/// earlier revisions left. A revision that calls connection() cannot run offline
/// (MigrationError); one that changes the schema through execute(sql) runs, but the model does
/// not see that change. Values bound in execute(stmt, params) are written as SQL literals.
std::vector<OfflineRevision> offline_upgrade(const History& history, const Dialect& dialect,
                                             std::optional<std::string> from = {},
                                             std::optional<std::string> to = {});

/// The tables the history's revisions leave at `revision` ("base" or nullopt: none), worked out
/// offline as offline_upgrade() does. A downgrade from revision A to B drops the tables at A that
/// are not at B (what the CLI asks about before a downgrade that would drop rows).
std::vector<std::string> tables_at(const History& history, const Dialect& dialect,
                                   std::optional<std::string> revision);

/// offline_upgrade() as a script to run by hand (psql, sqlite3): the version table created if
/// missing, then per revision a comment naming it, BEGIN, its statements, the version-table
/// update and COMMIT. Every statement ends with ";" and a newline.
std::string upgrade_script(const History& history, const Dialect& dialect,
                           std::optional<std::string> from = {}, std::optional<std::string> to = {},
                           const MigratorOptions& options = {});

/// How add_column() declares the new column.
struct ColumnOptions {
  bool nullable = true;
  std::optional<ServerDefault> server_default{};
};

/// What alter_column() changes; what is left empty stays as it is.
struct AlterColumn {
  /// A new type (PostgreSQL converts the values with `USING column::type`).
  std::optional<Type> type{};
  /// Allow or forbid NULL (forbidding fails when the column holds NULLs).
  std::optional<bool> nullable{};
  /// A new server default.
  std::optional<ServerDefault> server_default{};
  /// Remove the server default.
  bool drop_server_default = false;
};

/// What an upgrade or downgrade function works with: the connection inside the revision's
/// transaction and the schema operations, spelled for its dialect.
class MigrationContext {
 public:
  /// Online: the operations run on `conn`; `on_statement` (optional) sees each statement.
  MigrationContext(Connection& conn, std::string revision,
                   std::function<void(const std::string&, const std::string&)> on_statement = {});
  /// Offline (see offline_upgrade()): the operations append their statements to `out` and
  /// update `model`, read in place of the catalog. Both outlive the context.
  MigrationContext(const Dialect& dialect, detail::SchemaModel& model,
                   std::vector<std::string>& out, std::string revision);
  ~MigrationContext();
  MigrationContext(const MigrationContext&) = delete;
  MigrationContext& operator=(const MigrationContext&) = delete;

  /// The revision's connection. Offline there is none: MigrationError.
  Connection& connection();
  /// True in offline mode (offline_upgrade(), autogenerate's render_sql()).
  bool is_offline() const { return model_ != nullptr; }
  const Dialect& dialect() const;
  /// An Inspector on the revision's connection (sees the revision's own changes).
  Inspector& inspector();
  /// The id of the revision being applied or undone.
  const std::string& revision() const { return revision_; }

  /// Runs `stmt` (offline: writes it with `params` as SQL literals).
  void execute(const Executable& stmt, const Params& params = {});
  /// Raw SQL (`:name` binds are not expected here: none can be given).
  void execute(std::string_view sql);

  /// CREATE TABLE for `table` (every foreign key inline) and CREATE INDEX for its indexes.
  void create_table(const Table& table);
  void drop_table(std::string_view table);
  void rename_table(std::string_view from, std::string_view to);
  /// ALTER TABLE ... ADD COLUMN. A NOT NULL column needs a server default (existing rows need a
  /// value): without one, ArgumentError. On SQLite, which refuses to add a column whose default
  /// is not a constant, a now() or expression default makes it a table rebuild; the rows already
  /// there get the default's value.
  void add_column(std::string_view table, std::string name, const Type& type,
                  ColumnOptions options = {});
  /// Drops the column and any index, unique constraint or foreign key on it. On SQLite, a column
  /// in the primary key, a UNIQUE constraint or a foreign key is dropped by rebuilding the table
  /// (see rebuild below); a column that is merely indexed loses its index and is dropped in place.
  void drop_column(std::string_view table, std::string_view column);
  void rename_column(std::string_view table, std::string_view from, std::string_view to);
  /// Changes a column's type, nullability or server default. PostgreSQL: ALTER COLUMN; SQLite,
  /// which has no such ALTER, rebuilds the table.
  ///
  /// The SQLite rebuild, inside the revision's transaction, from the catalog
  /// (Inspector::reflect) with the change applied: copy the rows into a holding table, drop the
  /// old table, create the new one under the same name, copy the rows back server-side, drop the
  /// holding table, create the indexes. Rows, defaults, keys, uniques, checks, foreign keys (also
  /// other tables' keys referring to it, checked at commit via PRAGMA defer_foreign_keys) and
  /// indexes are kept; triggers and views on the table are not recreated.
  void alter_column(std::string_view table, std::string_view column, AlterColumn changes);
  void create_index(std::string_view table, std::string name, std::vector<std::string> columns,
                    bool unique = false);
  /// CREATE INDEX for a declared index, expression and partial ones included.
  void create_index(const Index& index);
  void drop_index(std::string_view name);

  // Constraints. Names default to the standard naming convention (uq_<table>_<columns>,
  // fk_<table>_<columns>_<referred table>) so that a later revision can drop them by name.
  // PostgreSQL: ALTER TABLE ... ADD / DROP CONSTRAINT; SQLite, which cannot, rebuilds the table
  // (rows present are checked against the new constraint when the rows are copied back).
  void add_unique(std::string_view table, std::vector<std::string> columns, std::string name = {});
  void add_check(std::string_view table, std::string condition, std::string name);
  void add_foreign_key(std::string_view table, std::vector<std::string> columns,
                       std::string referred_table, std::vector<std::string> referred_columns,
                       FkAction on_delete = FkAction::no_action,
                       FkAction on_update = FkAction::no_action, std::string name = {});
  /// Replaces the table's primary key by one on `columns` (none: the table keeps no primary key),
  /// named `name` (default pk_<table>). The key's columns become NOT NULL; rows that would
  /// repeat a key make it fail. PostgreSQL: DROP / ADD CONSTRAINT; SQLite: a table rebuild.
  void alter_primary_key(std::string_view table, std::vector<std::string> columns,
                         std::string name = {});
  /// Drops the unique, check or foreign-key constraint `name` (ArgumentError when the table has
  /// none of that name).
  void drop_constraint(std::string_view table, std::string_view name);

  /// add_column() unless the table already has a column `name`; returns whether it added it.
  bool add_column_if_missing(std::string_view table, std::string name, const Type& type,
                             ColumnOptions options = {});
  /// create_index() unless the table already has an index `name`; returns whether it made it.
  bool create_index_if_missing(std::string_view table, std::string name,
                               std::vector<std::string> columns, bool unique = false);

 private:
  /// Every statement goes through here: run (online) or recorded (offline), and reported.
  void run(const Executable& stmt, const Params& params = {});

  Connection* conn_ = nullptr;
  const Dialect* dialect_;
  std::string revision_;
  std::function<void(const std::string&, const std::string&)> on_statement_;
  detail::SchemaModel* model_ = nullptr;
  std::vector<std::string>* out_ = nullptr;
  /// SQLite: recreates `table` without `drop` (if not empty) and with `alter` applied to
  /// `alter_name`; with `primary_key`, that (possibly empty) key replaces the old one.
  void rebuild_table(std::string_view table, std::string_view drop, std::string_view alter_name,
                     const AlterColumn* alter, std::string_view drop_constraint = {},
                     const std::function<void(Table&)>& add = {},
                     const PrimaryKeyInfo* primary_key = nullptr);

  std::unique_ptr<Inspector> inspector_;
};

}  // namespace migrate
}  // namespace sqlcore
