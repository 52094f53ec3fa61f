// The renderer's statements: SELECT (FROM, joins, compounds, CTEs), INSERT, UPDATE, DELETE,
// RETURNING, and the bind slots of the compiled result.
#include <algorithm>
#include <set>

#include "renderer.hpp"
#include "slot_checks.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore::detail {

std::shared_ptr<const CompiledStatement> Renderer::select_statement(const SelectData& s) {
  std::string sql;
  select(sql, s, {}, true);
  return finish(std::move(sql));
}

std::shared_ptr<const CompiledStatement> Renderer::dml_statement(const DmlData& s) {
  std::string sql;
  switch (s.kind) {
    case Dml::Kind::insert:
      insert(sql, s);
      break;
    case Dml::Kind::update:
      update(sql, s);
      break;
    case Dml::Kind::delete_:
      sql = "DELETE FROM " + q(s.table->name());
      where(sql, s.where, {});
      break;
  }
  returning(sql, s);
  return finish(std::move(sql));
}

std::shared_ptr<const CompiledStatement> Renderer::finish(std::string sql) {
  out_->sql = std::move(sql);
  // Only a function (func("set_config", ...)) can make an expression statement change the session.
  out_->changes_session = may_change_session(out_->sql);
  // Plain named parameters only: leave `slots` empty so execution takes the fast path.
  bool plain = std::all_of(out_->slots.begin(), out_->slots.end(), [](const BindSlot& s) {
    return s.source == BindSlot::Source::param && !s.type.has_value();
  });
  if (plain) out_->slots.clear();
  out_->params_only = std::all_of(out_->slots.begin(), out_->slots.end(), [](const BindSlot& s) {
    return s.source == BindSlot::Source::param;
  });
  index_slot_checks(*out_);
  // No column needs converting on read: leave `result_types` empty (the fast path again).
  if (std::none_of(out_->result_types.begin(), out_->result_types.end(),
                   [](const std::optional<Type>& t) { return t.has_value(); }))
    out_->result_types.clear();
  return out_;
}

std::size_t Renderer::add_slot(BindSlot slot, std::string name) {
  out_->slots.push_back(std::move(slot));
  out_->param_names.push_back(std::move(name));
  return out_->slots.size() - 1;
}

void Renderer::bind_value(std::string& o, const Value& v, const std::optional<Type>& type,
                          std::string label) {
  BindSlot s;
  s.source = BindSlot::Source::fixed;
  s.value = v;
  if (literal_index) {
    auto it = literal_index->find(&v);
    if (it != literal_index->end()) s.literal = it->second;
  }
  s.type = type;
  s.label = std::move(label);
  placeholder(o, add_slot(std::move(s), {}));
}

void Renderer::from_item(std::string& o, const FromData& f, const Scope& scope) {
  switch (f.kind) {
    case FromKind::table:
      o += q(f.table->name());
      return;
    case FromKind::alias:
      o += q(f.table->name()) + " AS " + q(f.name);
      return;
    case FromKind::subquery:
      o += '(';
      select(o, *f.select, scope, false);
      o += ") AS " + q(f.name);
      return;
    case FromKind::cte:
      o += q(f.name);
      return;
  }
}

bool Renderer::same_from(const FromData* a, const FromData* b) {
  if (a == b) return true;
  return a->kind == FromKind::table && b->kind == FromKind::table && a->table == b->table;
}

// FROM items a node refers to: tables of columns, aliases, subqueries. Stops at subqueries.
void Renderer::collect(const Node& n, std::vector<const FromData*>& out,
                       std::vector<std::shared_ptr<FromData>>& made) {
  if (n.kind == NodeKind::column) {
    const FromData* f = n.from.get();
    if (!f) {
      for (const auto& m : made)
        if (m->kind == FromKind::table && m->table == &n.column->table()) f = m.get();
      if (!f) {
        auto m = std::make_shared<FromData>();
        m->table = &n.column->table();
        made.push_back(m);
        f = m.get();
      }
    }
    if (std::none_of(out.begin(), out.end(), [&](const FromData* x) { return same_from(x, f); }))
      out.push_back(f);
    return;
  }
  for (const NodePtr& a : n.args) collect(*a, out, made);
  for (const NodePtr& a : n.partition_by) collect(*a, out, made);
  for (const NodePtr& a : n.order_by) collect(*a, out, made);
}

// ON for a join given without one: the single foreign key between `target` and the items so far.
NodePtr Renderer::foreign_key_on(const FromData& target, const std::vector<const FromData*>& left) {
  if (!target.table)
    throw ArgumentError("join(): a subquery or CTE needs an explicit ON condition");
  std::vector<NodePtr> found;
  auto ref = [](const FromData* f, const Column* c) {
    auto n = make_node(NodeKind::column);
    n->column = c;
    n->type = c->type();
    if (f->kind != FromKind::table) {
      auto keep = std::make_shared<FromData>(*f);
      n->from = keep;
    }
    return NodePtr(std::move(n));
  };
  auto on_fk = [&](const ForeignKey& fk, const FromData* child, const FromData* parent) {
    NodePtr cond;
    for (std::size_t i = 0; i < fk.columns().size(); ++i) {
      auto eq = make_node(NodeKind::binary);
      eq->text = "=";
      eq->precedence = 4;
      eq->args = {ref(child, fk.columns()[i]),
                  ref(parent, &parent->table->c(fk.referred_columns()[i]))};
      if (!cond) {
        cond = eq;
      } else {
        auto both = make_node(NodeKind::binary);
        both->text = "AND";
        both->precedence = 2;
        both->args = {cond, eq};
        cond = both;
      }
    }
    found.push_back(cond);
  };
  for (const FromData* l : left) {
    if (!l->table) continue;
    for (const ForeignKey& fk : target.table->foreign_keys())
      if (fk.referred_table() == l->table->name()) on_fk(fk, &target, l);
    if (l->table != target.table)
      for (const ForeignKey& fk : l->table->foreign_keys())
        if (fk.referred_table() == target.table->name()) on_fk(fk, l, &target);
  }
  if (found.size() != 1)
    throw ArgumentError("join(" + target.table->name() + "): " +
                        (found.empty() ? "no foreign key links it to the tables before it"
                                       : "several foreign keys link it; give the ON condition") +
                        "");
  return found[0];
}

namespace {

// The names of result columns, the same on every backend: a column keeps its name (no label is
// written), a label() is written as given, and any other expression gets a label: its function's
// name (count, max, row_number for a window function ...), else col_N (N its position from 1). A
// label another result column already has (a column's name, a label(), an earlier automatic
// label) takes the first free suffix _1, _2, ... (count, count_1).
std::vector<std::string> result_labels(const std::vector<NodePtr>& columns) {
  std::set<std::string> used;
  for (const NodePtr& c : columns) {
    if (c->kind == NodeKind::column) used.insert(c->column ? c->column->name() : c->text);
    if (c->kind == NodeKind::label) used.insert(c->text);
  }
  std::vector<std::string> labels(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Node& c = *columns[i];
    if (c.kind == NodeKind::column) continue;
    if (c.kind == NodeKind::label) {
      labels[i] = c.text;
      continue;
    }
    const Node* f = c.kind == NodeKind::over ? c.args[0].get() : &c;
    std::string base = f->kind != NodeKind::func ? "col_" + std::to_string(i + 1)
                       : f->text[0] == '\x01'    ? f->text.substr(1)
                                                 : f->text;
    std::string label = base;
    for (std::size_t k = 1; !used.insert(label).second; ++k) label = base + "_" + std::to_string(k);
    labels[i] = std::move(label);
  }
  return labels;
}

}  // namespace

void Renderer::select_columns(std::string& o, const SelectData& s, const Scope& scope, bool top) {
  if (s.columns.empty()) {
    o += '*';
    return;
  }
  const std::vector<std::string> labels = result_labels(s.columns);
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    if (i) o += ", ";
    const Node& c = *s.columns[i];
    expr(o, c, {}, scope);
    if (!labels[i].empty()) o += " AS " + q(labels[i]);
    if (top) out_->result_types.push_back(result_type(c.type));
  }
}

void Renderer::select(std::string& o, const SelectData& s, const Scope& outer, bool top) {
  // WITH: the CTEs given, plus any referenced in FROM or joins.
  std::vector<const FromData*> ctes;
  for (const auto& c : s.ctes) ctes.push_back(c.get());
  auto add_cte = [&](const FromData* f) {
    if (f->kind == FromKind::cte && f->select &&
        std::find(ctes.begin(), ctes.end(), f) == ctes.end())
      ctes.push_back(f);
  };
  for (const auto& f : s.from) add_cte(f.get());
  for (const auto& j : s.joins) add_cte(j.target.get());
  if (!ctes.empty()) {
    bool recursive = std::any_of(ctes.begin(), ctes.end(), [](auto* c) { return c->recursive; });
    o += recursive ? "WITH RECURSIVE " : "WITH ";
    for (std::size_t i = 0; i < ctes.size(); ++i) {
      if (i) o += ", ";
      o += q(ctes[i]->name) + " AS (";
      select(o, *ctes[i]->select, outer, false);
      o += ')';
    }
    o += ' ';
  }

  if (s.compound != CompoundKind::none) {
    const char* op = s.compound == CompoundKind::union_      ? " UNION "
                     : s.compound == CompoundKind::union_all ? " UNION ALL "
                     : s.compound == CompoundKind::intersect ? " INTERSECT "
                                                             : " EXCEPT ";
    for (std::size_t i = 0; i < s.parts.size(); ++i) {
      if (i) o += op;
      const SelectData& p = *s.parts[i];
      // SQLite allows no parentheses around a compound member, nor ORDER BY / LIMIT in one.
      bool wrap = !p.order_by.empty() || p.limit || p.offset || p.compound != CompoundKind::none;
      if (wrap) o += "SELECT * FROM (";
      select(o, p, outer, top && i == 0 && !wrap);
      if (wrap) o += ") AS " + q("anon_" + std::to_string(i + 1));
    }
    if (!s.order_by.empty()) {
      o += " ORDER BY ";
      order_list(o, s.order_by, outer);
    }
    hooks_.visit_limit_offset(o, s.limit, s.offset);
    return;
  }

  // FROM: as given, else the tables the columns (then the WHERE) refer to, leaving out join
  // targets and the enclosing query's items (a correlated subquery).
  std::vector<const FromData*> from;
  std::vector<std::shared_ptr<FromData>> made;
  for (const auto& f : s.from) from.push_back(f.get());
  if (from.empty()) {
    std::vector<const FromData*> found;
    for (const NodePtr& c : s.columns) collect(*c, found, made);
    if (found.empty() && s.where) collect(*s.where, found, made);
    for (const FromData* f : found) {
      bool joined = std::any_of(s.joins.begin(), s.joins.end(),
                                [&](const JoinData& j) { return same_from(j.target.get(), f); });
      bool enclosing = std::any_of(outer.begin(), outer.end(),
                                   [&](const FromData* x) { return same_from(x, f); });
      if (!joined && !enclosing) from.push_back(f);
    }
  }
  Scope scope = outer;
  for (const FromData* f : from) scope.push_back(f);
  for (const auto& j : s.joins) scope.push_back(j.target.get());

  o += "SELECT ";
  if (s.distinct) o += "DISTINCT ";
  select_columns(o, s, scope, top);
  if (!from.empty()) {
    o += " FROM ";
    for (std::size_t i = 0; i < from.size(); ++i) {
      if (i) o += ", ";
      from_item(o, *from[i], outer);
    }
  }
  std::vector<const FromData*> left = from;
  for (const JoinData& j : s.joins) {
    o += j.kind == JoinKind::inner  ? " JOIN "
         : j.kind == JoinKind::left ? " LEFT OUTER JOIN "
                                    : " FULL OUTER JOIN ";
    from_item(o, *j.target, outer);
    o += " ON ";
    NodePtr on = j.on ? j.on : foreign_key_on(*j.target, left);
    expr(o, *on, {}, scope);
    left.push_back(j.target.get());
  }
  where(o, s.where, scope);
  if (!s.group_by.empty()) {
    o += " GROUP BY ";
    list(o, s.group_by, scope);
  }
  if (s.having) {
    o += " HAVING ";
    expr(o, *s.having, {}, scope);
  }
  if (!s.order_by.empty()) {
    o += " ORDER BY ";
    order_list(o, s.order_by, scope);
  }
  hooks_.visit_limit_offset(o, s.limit, s.offset);
  if (s.lock != RowLock::none) hooks_.visit_row_lock(o, s.lock, s.lock_wait);
}

void Renderer::value_for(std::string& o, const Column& c, const NodePtr& v) {
  Expect e;
  e.type = c.type();
  e.label = c.qualified_name();
  expr(o, *v, e, {});
}

void Renderer::insert(std::string& o, const DmlData& s) {
  const Table& t = *s.table;
  o += "INSERT INTO " + q(t.name());
  if (s.select) {
    o += " (";
    for (std::size_t i = 0; i < s.select_columns.size(); ++i) {
      if (i) o += ", ";
      o += q(s.select_columns[i]->name());
    }
    o += ") ";
    select(o, *s.select, {}, false);
  } else {
    const std::vector<const Column*> cols = insert_columns(s);
    if (cols.empty()) {
      o += " DEFAULT VALUES";
    } else {
      o += " (";
      for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) o += ", ";
        o += q(cols[i]->name());
      }
      o += ") VALUES ";
      std::size_t nrows = std::max<std::size_t>(s.rows.size(), 1);
      for (std::size_t r = 0; r < nrows; ++r) {
        if (r) o += ", ";
        if (fresh_binds_per_row) named_.clear();
        o += '(';
        for (std::size_t i = 0; i < cols.size(); ++i) {
          if (i) o += ", ";
          const NodePtr* v = nullptr;
          if (r < s.rows.size())
            for (const auto& a : s.rows[r])
              if (a.first == cols[i]) v = &a.second;
          if (v) {
            value_for(o, *cols[i], *v);
          } else if (cols[i]->has_client_default()) {
            BindSlot slot;
            slot.source = BindSlot::Source::client_default;
            slot.column = cols[i];
            slot.label = cols[i]->qualified_name();
            placeholder(o, add_slot(std::move(slot), {}));
          } else {
            throw ArgumentError("insert(" + t.name() + "): row " + std::to_string(r + 1) +
                                " sets no value for column '" + cols[i]->name() +
                                "', which other rows set (all rows of one INSERT set the same "
                                "columns)");
          }
        }
        o += ')';
      }
    }
  }
  if (s.on_conflict) {
    if (!s.do_nothing && s.conflict_set.empty())
      throw ArgumentError("insert(" + t.name() +
                          ").on_conflict(): say do_update(...) or do_nothing()");
    UpsertClause u;
    u.table = s.table;
    u.conflict_columns = s.conflict_columns;
    u.target_where = s.conflict_target_where;
    u.do_nothing = s.do_nothing;
    u.set.assign(s.conflict_set.begin(), s.conflict_set.end());
    u.where = s.conflict_where;
    hooks_.visit_upsert(o, u);
  }
}

void Renderer::update(std::string& o, const DmlData& s) {
  if (s.rows.empty() || s.rows[0].empty())
    throw ArgumentError("update(" + s.table->name() + "): no column to set (call set())");
  o += "UPDATE " + q(s.table->name()) + " SET ";
  const auto& set = s.rows[0];
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i) o += ", ";
    o += q(set[i].first->name()) + " = ";
    value_for(o, *set[i].first, set[i].second);
  }
  where(o, s.where, {});
}

void Renderer::returning(std::string& o, const DmlData& s) {
  if (s.returning.empty()) return;
  o += " RETURNING ";
  const std::vector<std::string> labels = result_labels(s.returning);
  for (std::size_t i = 0; i < s.returning.size(); ++i) {
    if (i) o += ", ";
    const Node& c = *s.returning[i];
    expr(o, c, {}, {});
    if (!labels[i].empty()) o += " AS " + q(labels[i]);
    out_->result_types.push_back(result_type(c.type));
  }
}

}  // namespace sqlcore::detail
