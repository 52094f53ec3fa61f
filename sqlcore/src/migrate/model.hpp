// detail::SchemaModel: a database's schema held in memory in the Inspector's answer shape, for
// offline migrations. MigrationContext keeps it up to date operation by operation, and an
// Inspector reads it through model_reflector(), so that the operations that consult the catalog
// (the SQLite table rebuild, drop_column, the *_if_missing helpers) decide offline as they would
// online. Internal: not installed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inspect/reflector.hpp"
#include "sqlcore/inspect/inspector.hpp"

namespace sqlcore {

class Dialect;
class Table;

namespace detail {

/// One table as its catalog would describe it.
struct TableModel {
  std::vector<ColumnInfo> columns;
  PrimaryKeyInfo primary_key;
  std::vector<UniqueInfo> uniques;
  std::vector<IndexInfo> indexes;
  std::vector<ForeignKeyInfo> foreign_keys;
  std::vector<CheckInfo> checks;
  /// Per entry of `checks`: the column and type that wrote it (an Enum's IN list, SQLite's
  /// json_valid), or nullopt for a declared CHECK.
  std::vector<std::optional<std::pair<std::string, Type>>> check_types;
};

class SchemaModel {
 public:
  /// `table` as `dialect` creates it (CREATE TABLE plus its indexes).
  static TableModel describe(const Dialect& dialect, const Table& table);

  bool has(std::string_view table) const;
  /// The table; ArgumentError naming it when the model has none (it was created outside the
  /// migration operations, e.g. through execute(sql)).
  TableModel& at(std::string_view table);
  void put(std::string name, TableModel table) { tables_[std::move(name)] = std::move(table); }
  void erase(std::string_view table);
  /// Renames the table and the references other tables' foreign keys make to it.
  void rename(std::string_view from, std::string_view to);
  /// Renames a column everywhere it is named: the table's columns, keys, uniques, indexes and
  /// foreign keys, and other tables' foreign keys referring to it.
  void rename_column(std::string_view table, std::string_view from, std::string_view to);
  std::vector<std::string> table_names() const;

 private:
  std::map<std::string, TableModel, std::less<>> tables_;
};

/// A catalog reader over `model` (which outlives it).
std::unique_ptr<Reflector> model_reflector(SchemaModel& model);

}  // namespace detail
}  // namespace sqlcore
