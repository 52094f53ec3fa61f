// SELECT, FROM items (tables, aliases, subqueries, CTEs, joins) and compound selects.
//
//   auto q = select({users.id, users.name})
//                .where(users.email.is_null())
//                .where(users.id > bindparam("min_id"))      // chained where = AND
//                .order_by({users.id.desc()})
//                .limit(20);
//   for (const Row& r : conn.execute(q, {{"min_id", 10}})) ...
//
// A statement compiles once per dialect and is reused: build it once and execute it with new
// bindparam() values. Values written into the statement itself are part of it. Modifying a
// statement (a builder call) gives it a fresh compilation; copies share nothing that changes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlcore/sql/expression.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore {

/// What a row-locking SELECT (for_update(), for_share()) does about rows another transaction
/// holds locked.
enum class LockWait : std::uint8_t {
  wait,         // wait for the other transaction to end (the lock_timeout setting bounds it)
  nowait,       // NOWAIT: fail at once with an OperationalError (SQLSTATE 55P03)
  skip_locked,  // SKIP LOCKED: leave those rows out of the result
};

/// The lock a SELECT takes on the rows it reads.
enum class RowLock : std::uint8_t { none, update, share };

class Select;

namespace detail {
struct FromData;
struct SelectData;
struct StatementCache;
}  // namespace detail

/// Something to select from: a table, an alias of one, a subquery or a CTE.
class FromItem {
 public:
  FromItem(const Table& table);  // NOLINT(google-explicit-constructor)
  explicit FromItem(std::shared_ptr<const detail::FromData> data) : data_(std::move(data)) {}

  /// A column of this item by name (an alias's or subquery's column): `sub.c("n")`.
  Expr c(std::string_view name) const;
  /// The column `column` of the aliased table, qualified by this item: `u2[users.id]`.
  Expr operator[](const Column& column) const;
  const std::shared_ptr<const detail::FromData>& data() const { return data_; }

 private:
  std::shared_ptr<const detail::FromData> data_;
};

/// `table AS name`, for self-joins: `auto parent = alias(users, "parent");`.
FromItem alias(const Table& table, std::string name);
/// A CTE by name, for use inside its own (recursive) definition: `auto tree = cte_ref("tree");`
/// ... `step.join(tree, nodes.parent == tree.c("id"))` ... `base.union_all(step).cte("tree",
/// true)`.
FromItem cte_ref(std::string name);

/// How a join matches rows.
enum class JoinKind { inner, left, full };

/// SELECT. Also an Executable: `conn.execute(select(...))`.
class Select final : public Executable {
 public:
  Select();
  explicit Select(std::vector<Expr> columns);

  Select& select_from(const FromItem& from);
  /// Adds result columns.
  Select& add_columns(std::vector<Expr> columns);
  Select& distinct(bool yes = true);
  /// Adds a condition; several are joined with AND.
  Select& where(const Expr& condition);
  /// INNER JOIN on `on`, or on the foreign key between `target` and the FROM items when omitted
  /// (ArgumentError when there is none or more than one).
  Select& join(const FromItem& target, std::optional<Expr> on = std::nullopt);
  /// LEFT OUTER JOIN.
  Select& outer_join(const FromItem& target, std::optional<Expr> on = std::nullopt);
  /// FULL OUTER JOIN (SQLite 3.39+).
  Select& full_join(const FromItem& target, std::optional<Expr> on = std::nullopt);
  Select& group_by(std::vector<Expr> keys);
  Select& having(const Expr& condition);
  Select& order_by(std::vector<Expr> keys);
  Select& limit(std::int64_t n);
  Select& offset(std::int64_t n);
  /// FOR UPDATE (PostgreSQL): locks the rows read until the transaction ends. SQLite has no row
  /// locks and needs none: its write transactions are serialised (sqlcore begins them IMMEDIATE),
  /// so this is a documented no-op there, whatever the LockWait.
  Select& for_update(bool yes = true);
  /// FOR UPDATE with what to do about rows another transaction has locked: wait (the default),
  /// NOWAIT (raise at once: OperationalError, SQLSTATE 55P03, transient) or SKIP LOCKED (leave
  /// them out: each of several workers claims different rows).
  Select& for_update(LockWait wait);
  /// FOR SHARE (PostgreSQL): the rows read cannot change until the transaction ends, and other
  /// readers may share the lock. Nothing on SQLite, as for_update().
  Select& for_share(LockWait wait = LockWait::wait);
  /// WITH name AS (...): makes `cte` (from cte()) available to this statement.
  Select& with(const FromItem& cte);

  /// This select as a FROM item: `select_from(q.subquery("recent"))`.
  FromItem subquery(std::string name) const;
  /// WITH [RECURSIVE] name AS (this select); reference its columns with .c("name").
  FromItem cte(std::string name, bool recursive = false) const;

  /// UNION / UNION ALL / INTERSECT / EXCEPT with another select; ORDER BY / LIMIT set on the
  /// result apply to the whole compound.
  Select union_(const Select& other) const;
  Select union_all(const Select& other) const;
  Select intersect(const Select& other) const;
  Select except(const Select& other) const;

  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile(
      const Dialect& dialect) const override;
  [[nodiscard]] const CompiledStatement& compiled(const Dialect& dialect) const override;
  std::span<const Value* const> literals() const override;
  /// The SQL for `dialect` (for logs and tests).
  [[nodiscard]] std::string sql(const Dialect& dialect) const { return compiled(dialect).sql; }

  std::shared_ptr<const detail::SelectData> data() const { return data_; }
  explicit Select(std::shared_ptr<detail::SelectData> data);

 private:
  detail::SelectData& mut();
  std::shared_ptr<detail::SelectData> data_;
  std::shared_ptr<detail::StatementCache> cache_;
};

/// select({a, b}) / select(a, b, ...).
Select select(std::vector<Expr> columns);
template <class... E>
Select select(const E&... columns) {
  return Select(std::vector<Expr>{Expr(columns)...});
}
/// SELECT * FROM table.
Select select_all(const Table& table);

}  // namespace sqlcore
