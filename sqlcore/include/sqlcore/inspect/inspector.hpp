// Inspector: what the database's catalog says about its tables, in one answer shape on every
// backend, and reflect(): a dynamic Table built from it.
//
//   Inspector insp(conn);
//   for (const auto& name : insp.table_names()) ...
//   MetaData md;
//   Table& users = insp.reflect(md, "users");   // usable in select()/insert() like a declared one
//
// The catalog queries live in each backend's folder (Dialect::reflector()); this layer turns
// their answers into portable types and a Table.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/schema/types.hpp"

namespace sqlcore {

class Connection;
class Dialect;

namespace detail {
class Reflector;
}

struct ColumnInfo {
  std::string name;
  std::string type_sql;      // as the catalog spells it
  std::optional<Type> type;  // the portable type, when recognised
  bool nullable = true;
  std::optional<std::string> default_sql;  // the server default as the catalog spells it
  bool autoincrement = false;              // SQLite rowid, PostgreSQL identity (or serial)
};

/// `name` may be empty (SQLite: a primary key without CONSTRAINT name); `columns` is empty when
/// the table has none.
struct PrimaryKeyInfo {
  std::string name;
  std::vector<std::string> columns;
};

struct UniqueInfo {
  std::string name;
  std::vector<std::string> columns;
};

/// An index made with CREATE INDEX (not those backing a primary key or UNIQUE constraint).
struct IndexInfo {
  std::string name;
  bool unique = false;
  /// Per element: the column, or "" where the element is an expression.
  std::vector<std::string> columns;
  /// Per element: the expression as the catalog spells it, or "" where it is a column.
  std::vector<std::string> expressions;
  /// The predicate of a partial index, as the catalog spells it; empty for a full index.
  std::string where;
};

struct ForeignKeyInfo {
  std::string name;
  std::vector<std::string> columns;
  std::string referred_table;
  std::vector<std::string> referred_columns;
  FkAction on_delete = FkAction::no_action;
  FkAction on_update = FkAction::no_action;
};

struct CheckInfo {
  std::string name;
  std::string condition;  // as the catalog spells it, without CHECK and its outer parentheses
};

/// Reads the catalog through one connection (which must outlive it). Every answer is sorted by
/// name (columns: by position), the same on every backend. A table that does not exist throws
/// ArgumentError naming it; a dialect without catalog support throws CompileError.
class Inspector {
 public:
  explicit Inspector(Connection& conn);
  /// An Inspector over another catalog than a live database's (sqlcore's offline migrations read
  /// a model of the schema this way); `dialect` outlives it.
  Inspector(const Dialect& dialect, std::unique_ptr<detail::Reflector> reflector);
  ~Inspector();
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;

  /// Sorted; excludes sqlite_* and sqlcore's internal (sqlcore_*) tables.
  std::vector<std::string> table_names();
  bool has_table(std::string_view name);
  /// In position order.
  std::vector<ColumnInfo> columns(std::string_view table);
  PrimaryKeyInfo primary_key(std::string_view table);
  std::vector<UniqueInfo> unique_constraints(std::string_view table);
  std::vector<IndexInfo> indexes(std::string_view table);
  std::vector<ForeignKeyInfo> foreign_keys(std::string_view table);
  /// Every CHECK, including those a type made (an Enum's IN, SQLite's json_valid for Json).
  std::vector<CheckInfo> checks(std::string_view table);

  /// A dynamic Table in `metadata` built from the catalog: columns with portable types (Json
  /// recognised on SQLite from its json_valid check, Enum from its IN check; an unrecognised
  /// type becomes Text), nullability, server defaults as ServerDefault::sql(text) (now() when the
  /// default is sqlcore's current-time form for the column's type), primary key, autoincrement,
  /// uniques, indexes, checks (without those the type recreates), foreign keys. Throws
  /// ArgumentError when the table does not exist or `metadata` already has one of that name.
  Table& reflect(MetaData& metadata, std::string_view table);
  /// Every table (table_names()), referenced tables first; tables already in `metadata` are
  /// left alone.
  void reflect_all(MetaData& metadata);

 private:
  void require_table(std::string_view table);
  const Dialect* dialect_;
  std::unique_ptr<detail::Reflector> reflector_;
};

}  // namespace sqlcore
