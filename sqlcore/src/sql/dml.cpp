// Insert, update and delete builders.
#include "sqlcore/sql/dml.hpp"

#include <algorithm>

#include "nodes.hpp"
#include "shape.hpp"
#include "sqlcore/core/error.hpp"
#include "statement_cache.hpp"

namespace sqlcore {

using detail::DmlData;

namespace {

const char* verb(Dml::Kind k) {
  switch (k) {
    case Dml::Kind::insert:
      return "insert";
    case Dml::Kind::update:
      return "update";
    case Dml::Kind::delete_:
      return "delete_from";
  }
  return "?";
}

}  // namespace

Dml::Dml(Kind kind, const Table& table)
    : data_(std::make_shared<DmlData>()),
      cache_(std::make_shared<detail::StatementCache>()),
      batch_cache_(std::make_shared<detail::StatementCache>()) {
  data_->kind = kind;
  data_->table = &table;
}

DmlData& Dml::mut() {
  if (data_.use_count() > 1) data_ = std::make_shared<DmlData>(*data_);
  cache_ = std::make_shared<detail::StatementCache>();
  batch_cache_ = std::make_shared<detail::StatementCache>();
  return *data_;
}

Dml& Dml::values(std::vector<Assignment> row) {
  DmlData& d = mut();
  if (d.kind == Kind::delete_) throw ArgumentError("delete_from(): takes no values");
  if (d.kind == Kind::update && !d.rows.empty())
    throw ArgumentError("update(" + d.table->name() + "): set() is given once");
  if (d.select) throw ArgumentError("insert(): values() and from_select() exclude each other");
  std::vector<std::pair<const Column*, detail::NodePtr>> out;
  for (auto& [ref, value] : row) {
    const Column* c = &ref.resolve(*d.table, verb(d.kind));
    if (std::any_of(out.begin(), out.end(), [&](const auto& a) { return a.first == c; }))
      throw ArgumentError(std::string(verb(d.kind)) + "(" + d.table->name() + "): column '" +
                          c->name() + "' is given twice");
    out.emplace_back(c, value.node());
  }
  d.rows.push_back(std::move(out));
  return *this;
}

Dml& Dml::from_select(std::vector<ColumnRef> columns, const Select& select) {
  DmlData& d = mut();
  if (d.kind != Kind::insert) throw ArgumentError("from_select(): only for insert()");
  if (!d.rows.empty())
    throw ArgumentError("insert(): values() and from_select() exclude each other");
  d.select_columns.clear();
  for (const ColumnRef& r : columns) d.select_columns.push_back(&r.resolve(*d.table, "insert"));
  const auto& sel = select.data();
  if (!sel->columns.empty() && sel->compound == detail::CompoundKind::none &&
      sel->columns.size() != d.select_columns.size())
    throw ArgumentError("insert(" + d.table->name() +
                        ").from_select(): " + std::to_string(d.select_columns.size()) +
                        " columns but the select has " + std::to_string(sel->columns.size()));
  d.select = sel;
  return *this;
}

Dml& Dml::where(const Expr& condition) {
  DmlData& d = mut();
  if (d.kind == Kind::insert) throw ArgumentError("insert(): where() is for update and delete");
  d.where = d.where ? (Expr(d.where) && condition).node() : condition.node();
  return *this;
}

Dml& Dml::returning(std::vector<Expr> columns) {
  DmlData& d = mut();
  for (const Expr& e : columns) d.returning.push_back(e.node());
  return *this;
}

Dml& Dml::on_conflict(std::vector<ColumnRef> columns) {
  DmlData& d = mut();
  if (d.kind != Kind::insert) throw ArgumentError("on_conflict(): only for insert()");
  if (columns.empty()) throw ArgumentError("on_conflict(): give the conflicting columns");
  d.on_conflict = true;
  d.conflict_columns.clear();
  d.conflict_target_where.clear();
  for (const ColumnRef& r : columns)
    d.conflict_columns.push_back(&r.resolve(*d.table, "on_conflict"));
  return *this;
}

Dml& Dml::on_conflict_constraint(std::string name) {
  const Table& t = *data_->table;
  std::vector<ColumnRef> cols;
  std::string index_where;
  if (!t.primary_key().empty() && t.primary_key().name() == name) {
    for (const Column* c : t.primary_key().columns()) cols.emplace_back(*c);
  } else {
    for (const UniqueConstraint& u : t.unique_constraints())
      if (u.name() == name)
        for (const Column* c : u.columns()) cols.emplace_back(*c);
    for (const Index& ix : t.indexes())
      if (cols.empty() && ix.is_unique() && ix.name() == name) {
        for (const Column* c : ix.columns()) {
          if (!c) throw ArgumentError("on_conflict_constraint(): '" + name + "' is on expressions");
          cols.emplace_back(*c);
        }
        index_where = ix.where();
      }
  }
  if (cols.empty())
    throw ArgumentError("on_conflict_constraint(): table '" + t.name() +
                        "' has no primary key, unique constraint or unique index named '" + name +
                        "'");
  // Compiled as the constraint's columns (and a partial index's predicate, which both backends
  // need to infer that index): one form both backends accept.
  on_conflict(std::move(cols));
  mut().conflict_target_where = std::move(index_where);
  return *this;
}

Dml& Dml::do_update(std::vector<ColumnRef> columns, std::optional<Expr> where) {
  std::vector<Assignment> set;
  for (ColumnRef& r : columns) {
    const Column& c = r.resolve(*data_->table, "do_update");
    set.emplace_back(c, excluded(c));
  }
  return do_update(std::move(set), std::move(where));
}

Dml& Dml::do_update(std::vector<Assignment> assignments, std::optional<Expr> where) {
  DmlData& d = mut();
  if (!d.on_conflict) throw ArgumentError("do_update(): call on_conflict() first");
  if (assignments.empty()) throw ArgumentError("do_update(): nothing to set (use do_nothing())");
  d.do_nothing = false;
  d.conflict_set.clear();
  for (auto& [ref, value] : assignments)
    d.conflict_set.emplace_back(&ref.resolve(*d.table, "do_update"), value.node());
  d.conflict_where = where ? where->node() : nullptr;
  return *this;
}

Dml& Dml::do_nothing() {
  DmlData& d = mut();
  if (!d.on_conflict) throw ArgumentError("do_nothing(): call on_conflict() first");
  d.do_nothing = true;
  d.conflict_set.clear();
  return *this;
}

std::shared_ptr<const CompiledStatement> Dml::compile(const Dialect& dialect) const {
  return detail::compile_cached(*cache_, *data_, dialect);
}

const CompiledStatement& Dml::compiled(const Dialect& dialect) const {
  return *detail::compile_cached(*cache_, *data_, dialect);
}

std::span<const Value* const> Dml::literals() const {
  return cache_->literals;
}

std::shared_ptr<const CompiledStatement> Dml::compile_batch(const Dialect& dialect,
                                                            std::size_t rows) const {
  const DmlData& d = *data_;
  if (!detail::batchable_insert(d) || rows < 2) return nullptr;
  // The rows share the one row's value nodes: their fixed slots take the statement's literals.
  auto batch = [&] {
    const detail::Shape shape = detail::shape_of(d);
    DmlData many = d;
    many.rows.assign(rows, d.rows[0]);
    const auto index = detail::literal_index(shape.literals);
    return detail::compile_dml(many, dialect, &index, /*fresh_binds_per_row=*/true);
  };
  auto c = batch_cache_->get(dialect, batch);
  // One batch size per dialect is cached; another size is compiled afresh.
  if (c->param_names.size() != rows * compiled(dialect).param_names.size()) return batch();
  return c;
}

std::vector<const Column*> Dml::bulk_columns() const {
  const DmlData& d = *data_;
  if (!detail::plain_single_row_insert(d)) return {};
  for (const auto& [column, value] : d.rows[0])
    if (value->kind != detail::NodeKind::bind && value->kind != detail::NodeKind::bindparam &&
        value->kind != detail::NodeKind::now)
      return {};
  return detail::insert_columns(d);
}

namespace detail {

std::vector<const Column*> insert_columns(const DmlData& d) {
  std::vector<const Column*> cols;
  for (const Column* c : d.table->columns()) {
    bool given = std::any_of(d.rows.begin(), d.rows.end(), [&](const auto& row) {
      return std::any_of(row.begin(), row.end(), [&](const auto& a) { return a.first == c; });
    });
    if (given || c->has_client_default()) cols.push_back(c);
  }
  return cols;
}

namespace {
// True when `n` holds a query (a subquery, EXISTS, IN (SELECT ...)): it could read the table
// written, and would see one multi-row INSERT differently from one INSERT per row.
bool holds_query(const Node& n) {
  if (n.select) return true;
  auto any = [](const std::vector<NodePtr>& v) {
    return std::any_of(v.begin(), v.end(), [](const NodePtr& a) { return a && holds_query(*a); });
  };
  return any(n.args) || any(n.partition_by) || any(n.order_by);
}
}  // namespace

bool batchable_insert(const DmlData& d) {
  if (d.kind != Dml::Kind::insert || d.rows.size() != 1 || d.select || !d.returning.empty())
    return false;
  // DO NOTHING keeps its meaning over many rows (a key met twice in one batch is skipped the
  // second time, as the second single-row INSERT would skip it); DO UPDATE does not (PostgreSQL
  // refuses to update one row twice in one statement).
  if (d.on_conflict && !(d.do_nothing && d.conflict_set.empty())) return false;
  return std::none_of(d.rows[0].begin(), d.rows[0].end(),
                      [](const auto& a) { return holds_query(*a.second); });
}

bool plain_single_row_insert(const DmlData& d) {
  return d.kind == Dml::Kind::insert && d.rows.size() == 1 && !d.select && !d.on_conflict &&
         d.returning.empty();
}

}  // namespace detail

Dml insert(const Table& table) {
  return Dml(Dml::Kind::insert, table);
}
Dml update(const Table& table) {
  return Dml(Dml::Kind::update, table);
}
Dml delete_from(const Table& table) {
  return Dml(Dml::Kind::delete_, table);
}

}  // namespace sqlcore
