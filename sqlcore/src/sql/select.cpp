// Select and FromItem: builders over shared, copy-on-write statement data.
#include "sqlcore/sql/select.hpp"

#include "nodes.hpp"
#include "sqlcore/core/error.hpp"
#include "statement_cache.hpp"

namespace sqlcore {

using detail::FromData;
using detail::FromKind;
using detail::make_node;
using detail::NodeKind;
using detail::NodePtr;
using detail::SelectData;

namespace {

std::shared_ptr<const FromData> table_from(const Table& table) {
  auto f = std::make_shared<FromData>();
  f->kind = FromKind::table;
  f->table = &table;
  return f;
}

NodePtr and_(const NodePtr& a, const NodePtr& b) {
  if (!a) return b;
  return (Expr(a) && Expr(b)).node();
}

}  // namespace

// ---- FromItem ----

FromItem::FromItem(const Table& table) : data_(table_from(table)) {}

Expr FromItem::c(std::string_view name) const {
  auto n = make_node(NodeKind::column);
  switch (data_->kind) {
    case FromKind::table:
    case FromKind::alias: {
      const Column& col = data_->table->c(name);  // ArgumentError for an unknown column
      n->column = &col;
      n->type = col.type();
      break;
    }
    case FromKind::subquery:
    case FromKind::cte: {
      n->text = std::string(name);
      // The subquery's column of that name (label or column), for its type; a CTE referenced
      // before it is defined (recursion) has no known columns.
      if (data_->select) {
        bool found = false;
        const SelectData* s = data_->select.get();
        while (s->compound != detail::CompoundKind::none && !s->parts.empty())
          s = s->parts[0].get();
        for (const NodePtr& col : s->columns) {
          bool match =
              (col->kind == NodeKind::label && col->text == name) ||
              (col->kind == NodeKind::column && col->column && col->column->name() == name);
          if (match) {
            n->type = col->type;
            found = true;
            break;
          }
        }
        if (!found && !s->columns.empty())
          throw ArgumentError("subquery '" + data_->name + "' has no column '" + std::string(name) +
                              "'");
      }
      break;
    }
  }
  if (data_->kind != FromKind::table) n->from = data_;
  return Expr(std::move(n));
}

Expr FromItem::operator[](const Column& column) const {
  if (data_->kind == FromKind::subquery || data_->kind == FromKind::cte) return c(column.name());
  if (&column.table() != data_->table)
    throw ArgumentError("column '" + column.qualified_name() + "' is not a column of '" +
                        data_->table->name() + "'");
  auto n = make_node(NodeKind::column);
  n->column = &column;
  n->type = column.type();
  if (data_->kind != FromKind::table) n->from = data_;
  return Expr(std::move(n));
}

FromItem alias(const Table& table, std::string name) {
  if (name.empty()) throw ArgumentError("alias(): empty name");
  auto f = std::make_shared<FromData>();
  f->kind = FromKind::alias;
  f->table = &table;
  f->name = std::move(name);
  return FromItem(std::move(f));
}

FromItem cte_ref(std::string name) {
  if (name.empty()) throw ArgumentError("cte_ref(): empty name");
  auto f = std::make_shared<FromData>();
  f->kind = FromKind::cte;
  f->name = std::move(name);
  return FromItem(std::move(f));
}

// ---- Select ----

Select::Select()
    : data_(std::make_shared<SelectData>()), cache_(std::make_shared<detail::StatementCache>()) {}

Select::Select(std::vector<Expr> columns) : Select() {
  for (const Expr& e : columns) data_->columns.push_back(e.node());
}

SelectData& Select::mut() {
  // Copy on write: another Select (a copy, or a subquery using this one) keeps the old data.
  if (data_.use_count() > 1) data_ = std::make_shared<SelectData>(*data_);
  cache_ = std::make_shared<detail::StatementCache>();
  return *data_;
}

Select& Select::select_from(const FromItem& from) {
  mut().from.push_back(from.data());
  return *this;
}
Select& Select::add_columns(std::vector<Expr> columns) {
  SelectData& d = mut();
  for (const Expr& e : columns) d.columns.push_back(e.node());
  return *this;
}
Select& Select::distinct(bool yes) {
  mut().distinct = yes;
  return *this;
}
Select& Select::where(const Expr& condition) {
  SelectData& d = mut();
  d.where = and_(d.where, condition.node());
  return *this;
}
Select& Select::join(const FromItem& target, std::optional<Expr> on) {
  mut().joins.push_back({JoinKind::inner, target.data(), on ? on->node() : nullptr});
  return *this;
}
Select& Select::outer_join(const FromItem& target, std::optional<Expr> on) {
  mut().joins.push_back({JoinKind::left, target.data(), on ? on->node() : nullptr});
  return *this;
}
Select& Select::full_join(const FromItem& target, std::optional<Expr> on) {
  mut().joins.push_back({JoinKind::full, target.data(), on ? on->node() : nullptr});
  return *this;
}
Select& Select::group_by(std::vector<Expr> keys) {
  SelectData& d = mut();
  for (const Expr& e : keys) d.group_by.push_back(e.node());
  return *this;
}
Select& Select::having(const Expr& condition) {
  SelectData& d = mut();
  d.having = and_(d.having, condition.node());
  return *this;
}
Select& Select::order_by(std::vector<Expr> keys) {
  SelectData& d = mut();
  for (const Expr& e : keys) d.order_by.push_back(e.node());
  return *this;
}
Select& Select::limit(std::int64_t n) {
  if (n < 0) throw ArgumentError("limit(): negative");
  mut().limit = n;
  return *this;
}
Select& Select::offset(std::int64_t n) {
  if (n < 0) throw ArgumentError("offset(): negative");
  mut().offset = n;
  return *this;
}
Select& Select::for_update(bool yes) {
  mut().lock = yes ? RowLock::update : RowLock::none;
  mut().lock_wait = LockWait::wait;
  return *this;
}
Select& Select::for_update(LockWait wait) {
  mut().lock = RowLock::update;
  mut().lock_wait = wait;
  return *this;
}
Select& Select::for_share(LockWait wait) {
  mut().lock = RowLock::share;
  mut().lock_wait = wait;
  return *this;
}
Select& Select::with(const FromItem& cte) {
  if (cte.data()->kind != FromKind::cte || !cte.data()->select)
    throw ArgumentError("with(): give the result of Select::cte()");
  mut().ctes.push_back(cte.data());
  return *this;
}

FromItem Select::subquery(std::string name) const {
  if (name.empty()) throw ArgumentError("subquery(): empty name");
  auto f = std::make_shared<FromData>();
  f->kind = FromKind::subquery;
  f->name = std::move(name);
  f->select = data_;
  return FromItem(std::move(f));
}

FromItem Select::cte(std::string name, bool recursive) const {
  if (name.empty()) throw ArgumentError("cte(): empty name");
  auto f = std::make_shared<FromData>();
  f->kind = FromKind::cte;
  f->name = std::move(name);
  f->select = data_;
  f->recursive = recursive;
  return FromItem(std::move(f));
}

namespace {
Select compound(const std::shared_ptr<const SelectData>& a,
                const std::shared_ptr<const SelectData>& b, detail::CompoundKind kind) {
  auto d = std::make_shared<SelectData>();
  d->compound = kind;
  d->parts = {a, b};
  return Select(std::move(d));
}
}  // namespace

Select::Select(std::shared_ptr<detail::SelectData> data)
    : data_(std::move(data)), cache_(std::make_shared<detail::StatementCache>()) {}

Select Select::union_(const Select& other) const {
  return compound(data_, other.data_, detail::CompoundKind::union_);
}
Select Select::union_all(const Select& other) const {
  return compound(data_, other.data_, detail::CompoundKind::union_all);
}
Select Select::intersect(const Select& other) const {
  return compound(data_, other.data_, detail::CompoundKind::intersect);
}
Select Select::except(const Select& other) const {
  return compound(data_, other.data_, detail::CompoundKind::except);
}

std::shared_ptr<const CompiledStatement> Select::compile(const Dialect& dialect) const {
  return detail::compile_cached(*cache_, *data_, dialect);
}

const CompiledStatement& Select::compiled(const Dialect& dialect) const {
  return *detail::compile_cached(*cache_, *data_, dialect);
}

std::span<const Value* const> Select::literals() const {
  return cache_->literals;
}

Select select(std::vector<Expr> columns) {
  return Select(std::move(columns));
}

Select select_all(const Table& table) {
  Select s;
  s.select_from(table);
  return s;
}

}  // namespace sqlcore
