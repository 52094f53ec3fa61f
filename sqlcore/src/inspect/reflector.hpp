// detail::Reflector: the catalog queries of one backend, behind Inspector. Each dialect folder
// implements one (Dialect::reflector()); Inspector sorts, checks and turns the answers into a
// Table. Internal: not installed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/sql_text.hpp"
#include "sqlcore/inspect/inspector.hpp"

namespace sqlcore {

class Connection;

namespace detail {

class Reflector {
 public:
  virtual ~Reflector() = default;

  /// The user tables of the current database / schema, in any order (Inspector filters sqlite_*
  /// and sqlcore_* and sorts).
  virtual std::vector<std::string> table_names() = 0;
  virtual bool has_table(std::string_view table) = 0;
  /// In position order. `type` may be left empty (Inspector then asks portable_type()); set it
  /// where the catalog knows better (SQLite: the rowid alias is a BigInteger). The table exists.
  virtual std::vector<ColumnInfo> columns(std::string_view table) = 0;
  virtual PrimaryKeyInfo primary_key(std::string_view table) = 0;
  virtual std::vector<UniqueInfo> unique_constraints(std::string_view table) = 0;
  virtual std::vector<IndexInfo> indexes(std::string_view table) = 0;
  virtual std::vector<ForeignKeyInfo> foreign_keys(std::string_view table) = 0;
  virtual std::vector<CheckInfo> checks(std::string_view table) = 0;

  /// The portable type for a column type as this catalog spells it; nullopt when unknown.
  virtual std::optional<Type> portable_type(std::string_view type_sql) const = 0;
  /// When `check` is one a portable type writes (an Enum's IN list, SQLite's json_valid): the
  /// column it is about and that type.
  virtual std::optional<std::pair<std::string, Type>> type_from_check(
      const CheckInfo& check) const = 0;
};

}  // namespace detail
}  // namespace sqlcore
