// MetaData: a collection of tables, their naming convention, dependency order and create_all.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/schema/table.hpp"

namespace sqlcore {

class Dialect;
class Engine;

/// How constraints and indexes are named when the declaration gives no name, so that a later
/// migration can name what it drops. Tokens (as in SQLAlchemy):
///   %(table_name)s            the table
///   %(column_0_name)s         the first column
///   %(column_0_N_name)s       every column, joined with "_"
///   %(column_0N_name)s        every column, joined with nothing
///   %(referred_table_name)s   a foreign key's target table
///   %(referred_column_0_name)s
///   %(constraint_name)s       a check's own label (the column for a column-level check, else a
///                             short hash of the condition)
/// A generated name longer than 63 bytes (PostgreSQL's limit) is cut and given a hash suffix, the
/// same on every backend.
struct NamingConvention {
  std::string primary_key = "pk_%(table_name)s";
  std::string unique = "uq_%(table_name)s_%(column_0_N_name)s";
  std::string check = "ck_%(table_name)s_%(constraint_name)s";
  std::string foreign_key = "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s";
  std::string index = "ix_%(table_name)s_%(column_0_N_name)s";
};

/// The longest identifier sqlcore accepts or generates: PostgreSQL's 63 bytes, on every backend,
/// so that a schema means the same everywhere.
inline constexpr std::size_t kMaxIdentifierLength = 63;

/// Options for create_all() and drop_all().
struct SchemaOptions {
  /// Skip tables that already exist (create_all) or are already gone (drop_all).
  bool checkfirst = true;
};

/// The tables of one schema. Tables register themselves on construction. Declare tables from one
/// thread; once declared, a MetaData is read-only and safe to share.
class MetaData {
 public:
  explicit MetaData(NamingConvention convention = {});
  ~MetaData();
  MetaData(const MetaData&) = delete;
  MetaData& operator=(const MetaData&) = delete;

  const NamingConvention& naming_convention() const { return convention_; }

  /// A table built at run time, owned by this MetaData.
  Table& add_table(std::string name);
  /// The table called `name`; throws ArgumentError listing the known tables.
  const Table& table(std::string_view name) const;
  const Table* find_table(std::string_view name) const;
  /// Every table, in declaration order.
  const std::vector<const Table*>& tables() const { return tables_; }
  /// Every table, referenced tables before the tables that refer to them (then declaration
  /// order). Self-references and use_alter() keys do not count. A cycle throws ArgumentError
  /// naming the tables in it.
  std::vector<const Table*> sorted_tables() const;
  /// Checks every table (see Table::validate()) and the dependency order. Throws ArgumentError.
  void validate() const;

  /// The DDL create_all() runs, for `dialect`, in order (for review or a migration script).
  std::vector<std::string> create_all_sql(const Dialect& dialect, bool if_not_exists = false) const;
  /// Creates every table and index in dependency order, in one transaction where the backend
  /// allows DDL in transactions (both built-in backends do). With checkfirst (the default), tables
  /// that already exist are left alone, with their indexes.
  void create_all(Engine& engine, const SchemaOptions& options = {}) const;
  /// Drops every table in reverse dependency order, in one transaction.
  void drop_all(Engine& engine, const SchemaOptions& options = {}) const;

  /// Applies the naming convention `pattern` (internal, used by constraint name()).
  std::string apply_convention(const std::string& pattern, const Table& table,
                               const std::vector<const Column*>& columns,
                               std::string_view referred_table, std::string_view referred_column,
                               std::string_view constraint_name) const;

 private:
  friend class Table;
  void register_table(Table* t);
  void forget_table(Table* t);

  NamingConvention convention_;
  std::vector<const Table*> tables_;
  std::vector<std::unique_ptr<Table>> owned_;
  bool destroying_ = false;
};

}  // namespace sqlcore
