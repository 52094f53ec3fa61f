// DDL statements for tables and indexes, rendered per dialect from the metadata.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sqlcore/sql/text.hpp"

namespace sqlcore {

class Dialect;
class ForeignKey;
class Index;
class Table;
class UniqueConstraint;

/// A DDL statement: executable on a Connection, or rendered with sql(dialect) to read it. It
/// refers to its table, which must outlive it. Thread-safe.
class DdlStatement final : public Executable {
 public:
  using Renderer = std::function<std::string(const Dialect&)>;
  explicit DdlStatement(Renderer render);

  /// The statement for `dialect`.
  [[nodiscard]] std::string sql(const Dialect& dialect) const { return compiled(dialect).sql; }

  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile(
      const Dialect& dialect) const override;
  [[nodiscard]] const CompiledStatement& compiled(const Dialect& dialect) const override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// CREATE TABLE with its columns, primary key, unique, check and foreign key constraints.
/// `include_use_alter_fks`: write use_alter() keys inline too (for a backend that cannot add
/// them later, or when the referenced tables already exist).
DdlStatement create_table(const Table& table, bool if_not_exists = false,
                          bool include_use_alter_fks = false);
DdlStatement drop_table(const Table& table, bool if_exists = false);
DdlStatement create_index(const Index& index, bool if_not_exists = false);
DdlStatement drop_index(const Index& index, bool if_exists = false);
/// ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY (for use_alter() keys). Throws CompileError on
/// a backend that cannot add constraints to an existing table (SQLite).
DdlStatement add_foreign_key(const ForeignKey& fk);
DdlStatement drop_foreign_key(const ForeignKey& fk, bool if_exists = false);
/// ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY (the table's primary key, by its name) and
/// ALTER TABLE ... DROP CONSTRAINT of it; the same for a unique constraint. Throw CompileError on
/// a backend that cannot change the constraints of an existing table (SQLite).
DdlStatement add_primary_key(const Table& table);
DdlStatement drop_primary_key(const Table& table);
DdlStatement add_unique(const UniqueConstraint& unique);
DdlStatement drop_unique(const UniqueConstraint& unique);

}  // namespace sqlcore
