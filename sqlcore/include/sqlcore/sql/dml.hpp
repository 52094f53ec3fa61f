// INSERT (one row, many rows, from a select; upsert), UPDATE and DELETE, all with RETURNING.
//
//   conn.execute(insert(users).values({{users.name, "ada"}, {users.is_admin, true}})
//                    .returning({users.id}));
//   conn.execute(insert(settings).values({{settings.key, "theme"}, {settings.value, "dark"}})
//                    .on_conflict({settings.key}).do_update({settings.value}));
//   conn.execute(update(users).set({{users.visits, users.visits + 1}}).where(users.id == 7));
//   conn.execute(delete_from(users).where(users.last_seen < now() - days(365)));
//
// Values are bound and checked by the column's type (an Integer out of range is a DataError
// naming the column). Columns left out of an insert get their client-side default when they have
// one, else the server's. For execute_many(), use bindparam() values: insert(t).values({{t.a,
// bindparam("a")}}), then conn.execute_many(stmt, {{{"a", 1}}, {{"a", 2}}}).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sqlcore/sql/expression.hpp"
#include "sqlcore/sql/select.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore {

namespace detail {
struct DmlData;
struct StatementCache;
}  // namespace detail

/// A column and the value or expression it gets.
using Assignment = std::pair<ColumnRef, Expr>;

/// INSERT, UPDATE or DELETE. Built by insert(), update() and delete_from().
class Dml final : public Executable {
 public:
  enum class Kind { insert, update, delete_ };
  Dml(Kind kind, const Table& table);

  /// INSERT: one row. Called again, adds a row (one multi-row INSERT). UPDATE: the SET list.
  Dml& values(std::vector<Assignment> row);
  /// UPDATE ... SET (the same as values()).
  Dml& set(std::vector<Assignment> assignments) { return values(std::move(assignments)); }
  /// INSERT INTO t (columns) SELECT ...
  Dml& from_select(std::vector<ColumnRef> columns, const Select& select);
  /// UPDATE / DELETE: a condition; several are joined with AND. Without one every row is hit.
  Dml& where(const Expr& condition);
  /// RETURNING: the statement then yields rows.
  Dml& returning(std::vector<Expr> columns);

  /// INSERT ... ON CONFLICT (columns): then do_update() or do_nothing().
  Dml& on_conflict(std::vector<ColumnRef> columns);
  /// ON CONFLICT on the columns of a named unique constraint, unique index (or the primary key)
  /// of the table. For a partial unique index the conflict target carries the index's predicate
  /// (`ON CONFLICT (cols) WHERE predicate`), which both backends need to use that index.
  Dml& on_conflict_constraint(std::string name);
  /// DO UPDATE SET col = excluded.col for each column given.
  Dml& do_update(std::vector<ColumnRef> columns, std::optional<Expr> where = std::nullopt);
  /// DO UPDATE SET col = expression (use excluded(col) for the proposed value).
  Dml& do_update(std::vector<Assignment> assignments, std::optional<Expr> where = std::nullopt);
  Dml& do_nothing();

  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile(
      const Dialect& dialect) const override;
  [[nodiscard]] const CompiledStatement& compiled(const Dialect& dialect) const override;
  std::span<const Value* const> literals() const override;
  /// A single-row INSERT as a `rows`-row INSERT, for execute_many(): without RETURNING, with no
  /// subquery among its values, and with no conflict clause or ON CONFLICT ... DO NOTHING (DO
  /// UPDATE stays one row per statement: a multi-row upsert could meet one key twice, which
  /// PostgreSQL refuses). nullptr for any other statement.
  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile_batch(
      const Dialect& dialect, std::size_t rows) const override;
  /// A plain single-row INSERT's columns, in placeholder order (see Executable).
  [[nodiscard]] std::vector<const Column*> bulk_columns() const override;
  [[nodiscard]] std::string sql(const Dialect& dialect) const { return compiled(dialect).sql; }

  std::shared_ptr<const detail::DmlData> data() const { return data_; }

 private:
  detail::DmlData& mut();
  std::shared_ptr<detail::DmlData> data_;
  std::shared_ptr<detail::StatementCache> cache_;
  std::shared_ptr<detail::StatementCache> batch_cache_;  // one batch size per dialect
};

Dml insert(const Table& table);
Dml update(const Table& table);
Dml delete_from(const Table& table);

}  // namespace sqlcore
