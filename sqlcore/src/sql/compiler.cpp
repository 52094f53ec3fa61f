// The statement compiler: one generic renderer for every dialect. Backend differences are Dialect
// hooks; values never enter the SQL text (each is a placeholder with a BindSlot).
#include "compiler.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"

namespace sqlcore::detail {

namespace {

// Kinds whose values a comparison converts through the column's type (text to Timestamp, 0/1 to
// bool...). Integers and strings are compared as given: a WHERE with a value out of a column's
// range is a valid question with an empty answer, not an error.
// Kinds whose values a read converts (Type::result); the others arrive as they are read.
std::optional<Type> result_type(const std::optional<Type>& t) {
  if (!t) return std::nullopt;
  switch (t->kind()) {
    case TypeKind::boolean:
    case TypeKind::float_:
    case TypeKind::double_:
    case TypeKind::numeric:
    case TypeKind::date:
    case TypeKind::date_time:
    case TypeKind::time:
    case TypeKind::json:
    case TypeKind::uuid:
      return t;
    default:
      return std::nullopt;
  }
}

bool normalise_in_comparisons(const Type& t) {
  switch (t.kind()) {
    case TypeKind::date_time:
    case TypeKind::date:
    case TypeKind::time:
    case TypeKind::uuid:
    case TypeKind::boolean:
    case TypeKind::json:
    case TypeKind::numeric:
      return true;
    default:
      return false;
  }
}

std::string quote_char(char c) {
  return c == '\'' ? "''''" : std::string("'") + c + "'";
}

class Compiler {
 public:
  explicit Compiler(const Dialect& d) : d_(d), out_(std::make_shared<CompiledStatement>()) {}
  bool fresh_binds_per_row = false;
  /// Where each value written into the statement is among its literals (shape.hpp), or nullptr.
  const std::unordered_map<const Value*, std::uint32_t>* literal_index = nullptr;

  std::shared_ptr<const CompiledStatement> select_statement(const SelectData& s) {
    std::string sql;
    select(sql, s, {}, true);
    return finish(std::move(sql));
  }

  std::shared_ptr<const CompiledStatement> dml_statement(const DmlData& s) {
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

 private:
  using Scope = std::vector<const FromData*>;  // enclosing FROM items (for correlation)

  std::shared_ptr<const CompiledStatement> finish(std::string sql) {
    out_->sql = std::move(sql);
    // Plain named parameters only: leave `slots` empty so execution takes the fast path.
    bool plain = std::all_of(out_->slots.begin(), out_->slots.end(), [](const BindSlot& s) {
      return s.source == BindSlot::Source::param && !s.type.has_value();
    });
    if (plain) out_->slots.clear();
    out_->params_only = std::all_of(out_->slots.begin(), out_->slots.end(), [](const BindSlot& s) {
      return s.source == BindSlot::Source::param;
    });
    out_->index_types();
    // No column needs converting on read: leave `result_types` empty (the fast path again).
    if (std::none_of(out_->result_types.begin(), out_->result_types.end(),
                     [](const std::optional<Type>& t) { return t.has_value(); }))
      out_->result_types.clear();
    return out_;
  }

  std::string q(std::string_view ident) const { return d_.quote_identifier(ident); }

  void placeholder(std::string& o, std::size_t index) const { d_.append_placeholder(o, index + 1); }

  std::size_t add_slot(BindSlot slot, std::string name) {
    out_->slots.push_back(std::move(slot));
    out_->param_names.push_back(std::move(name));
    return out_->slots.size() - 1;
  }

  void bind_value(std::string& o, const Value& v, const std::optional<Type>& type,
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

  // ---- expressions ----

  // `expect`: the type a bare value here takes (the other side of a comparison, the column an
  // INSERT value goes to); `label` names that column in errors.
  struct Expect {
    std::optional<Type> type;
    std::string label;
  };

  static Expect from_node(const Node& n, bool for_comparison) {
    Expect e;
    if (n.type && (!for_comparison || normalise_in_comparisons(*n.type))) e.type = n.type;
    if (n.column) e.label = n.column->qualified_name();
    return e;
  }

  void column_ref(std::string& o, const Node& n) const {
    if (n.from) {
      o += q(n.from->name);
    } else {
      o += q(n.column->table().name());
    }
    o += '.';
    o += q(n.column ? n.column->name() : n.text);
  }

  void sub(std::string& o, const NodePtr& child, int prec, const Expect& expect,
           const Scope& scope) {
    bool paren = child->precedence < prec;
    if (paren) o += '(';
    expr(o, *child, expect, scope);
    if (paren) o += ')';
  }

  void expr(std::string& o, const Node& n, const Expect& expect, const Scope& scope) {
    switch (n.kind) {
      case NodeKind::column:
        column_ref(o, n);
        return;
      case NodeKind::bind: {
        Expect e = expect;
        if (n.type) {
          e.type = n.type;
        }
        bind_value(o, n.value, e.type, e.label);
        return;
      }
      case NodeKind::bindparam: {
        auto it = named_.find(n.text);
        if (it != named_.end()) {
          placeholder(o, it->second);
          return;
        }
        BindSlot s;
        s.type = n.type ? n.type : expect.type;
        s.label = expect.label.empty() ? n.text : expect.label;
        std::size_t idx = add_slot(std::move(s), n.text);
        named_.emplace(n.text, idx);
        placeholder(o, idx);
        return;
      }
      case NodeKind::now: {
        BindSlot s;
        s.source = BindSlot::Source::now;
        s.offset_us = n.offset_us;
        placeholder(o, add_slot(std::move(s), {}));
        return;
      }
      case NodeKind::duration:
        throw CompileError(std::string(d_.name()) +
                           ": a duration stands alone only in now()/Timestamp/DateTime arithmetic");
      case NodeKind::raw:
        o += n.text;
        return;
      case NodeKind::star:
        o += '*';
        return;
      case NodeKind::unary:
        o += n.text;
        o += n.text == "NOT" ? " " : "";
        sub(o, n.args[0], n.precedence + 1, {}, scope);
        return;
      case NodeKind::binary: {
        const bool cmp = n.precedence == 4;
        Expect left = cmp || n.text == "+" || n.text == "-" ? from_node(*n.args[1], cmp) : Expect{};
        Expect right =
            cmp || n.text == "+" || n.text == "-" ? from_node(*n.args[0], cmp) : Expect{};
        if (n.text == "AND" || n.text == "OR") left = right = Expect{};
        sub(o, n.args[0], n.precedence, left, scope);
        o += ' ';
        o += n.text;
        o += ' ';
        // Right operand: same precedence needs parentheses (a - (b - c)).
        sub(o, n.args[1], n.precedence + 1, right, scope);
        return;
      }
      case NodeKind::postfix:
        sub(o, n.args[0], n.precedence + 1, {}, scope);
        o += ' ';
        o += n.text;
        return;
      case NodeKind::func: {
        if (n.text == "\x01string_agg") {
          std::string e, sep;
          expr(e, *n.args[0], {}, scope);
          expr(sep, *n.args[1], {}, scope);
          o += d_.string_agg_sql(e, sep);
          return;
        }
        o += n.text;
        o += '(';
        if (n.distinct) o += "DISTINCT ";
        for (std::size_t i = 0; i < n.args.size(); ++i) {
          if (i) o += ", ";
          expr(o, *n.args[i], {}, scope);
        }
        o += ')';
        return;
      }
      case NodeKind::case_: {
        o += "CASE";
        std::size_t pairs = (n.args.size() - (n.has_else ? 1 : 0)) / 2;
        for (std::size_t i = 0; i < pairs; ++i) {
          o += " WHEN ";
          expr(o, *n.args[2 * i], {}, scope);
          o += " THEN ";
          expr(o, *n.args[2 * i + 1], {}, scope);
        }
        if (n.has_else) {
          o += " ELSE ";
          expr(o, *n.args.back(), {}, scope);
        }
        o += " END";
        return;
      }
      case NodeKind::cast:
        o += "CAST(";
        expr(o, *n.args[0], {}, scope);
        o += " AS ";
        o += n.text.empty() ? d_.type_sql(*n.type) : n.text;
        o += ')';
        return;
      case NodeKind::label:
        expr(o, *n.args[0], expect, scope);
        return;  // AS is written only in a select list (see select_columns)
      case NodeKind::in_list: {
        if (n.args.size() == 1) {
          // IN () is a syntax error; its meaning is known: never true (NOT IN: always).
          o += n.negated ? "1 = 1" : "1 = 0";
          return;
        }
        Expect e = from_node(*n.args[0], true);
        sub(o, n.args[0], 5, {}, scope);
        o += n.negated ? " NOT IN (" : " IN (";
        for (std::size_t i = 1; i < n.args.size(); ++i) {
          if (i > 1) o += ", ";
          expr(o, *n.args[i], e, scope);
        }
        o += ')';
        return;
      }
      case NodeKind::in_select:
        sub(o, n.args[0], 5, {}, scope);
        o += n.negated ? " NOT IN (" : " IN (";
        select(o, *n.select, scope, false);
        o += ')';
        return;
      case NodeKind::exists:
        o += n.negated ? "NOT EXISTS (" : "EXISTS (";
        select(o, *n.select, scope, false);
        o += ')';
        return;
      case NodeKind::scalar_select:
        o += '(';
        select(o, *n.select, scope, false);
        o += ')';
        return;
      case NodeKind::between: {
        Expect e = from_node(*n.args[0], true);
        sub(o, n.args[0], 5, {}, scope);
        o += " BETWEEN ";
        sub(o, n.args[1], 5, e, scope);
        o += " AND ";
        sub(o, n.args[2], 5, e, scope);
        return;
      }
      case NodeKind::like: {
        const bool lowered = n.insensitive && !d_.supports_ilike();
        if (lowered) o += "lower(";
        sub(o, n.args[0], lowered ? 0 : 5, {}, scope);
        if (lowered) o += ')';
        if (n.negated) o += " NOT";
        o += n.insensitive && d_.supports_ilike() ? " ILIKE " : " LIKE ";
        if (lowered) o += "lower(";
        sub(o, n.args[1], lowered ? 0 : 5, {}, scope);
        if (lowered) o += ')';
        if (n.escape) o += " ESCAPE " + quote_char(n.escape);
        return;
      }
      case NodeKind::order:
        order_item(o, n, scope);
        return;
      case NodeKind::over: {
        expr(o, *n.args[0], {}, scope);
        o += " OVER (";
        if (!n.partition_by.empty()) {
          o += "PARTITION BY ";
          list(o, n.partition_by, scope);
        }
        if (!n.order_by.empty()) {
          if (!n.partition_by.empty()) o += ' ';
          o += "ORDER BY ";
          order_list(o, n.order_by, scope);
        }
        o += ')';
        return;
      }
      case NodeKind::json: {
        std::string doc;
        expr(doc, *n.args[0], {}, scope);
        std::vector<std::string> path;
        if (d_.json_path_as_string()) {
          std::string p = "$";
          for (const auto& step : n.path) {
            if (const auto* s = std::get_if<std::string>(&step))
              p += ".\"" + *s + "\"";
            else
              p += "[" + std::to_string(std::get<std::int64_t>(step)) + "]";
          }
          std::string ph;
          bind_value(ph, Value(p), std::nullopt, {});
          path.push_back(std::move(ph));
        } else {
          for (const auto& step : n.path) {
            std::string ph;
            if (const auto* s = std::get_if<std::string>(&step))
              bind_value(ph, Value(*s), std::nullopt, {});
            else
              bind_value(ph, Value(std::to_string(std::get<std::int64_t>(step))), std::nullopt, {});
            path.push_back(std::move(ph));
          }
        }
        std::string get = d_.json_extract_sql(doc, path);
        switch (n.json_as) {
          case JsonAs::text:
            o += get;
            break;
          case JsonAs::integer:
            o += "CAST(" + get + " AS " + d_.type_sql(types::BigInteger) + ")";
            break;
          case JsonAs::real:
            o += "CAST(" + get + " AS " + d_.type_sql(types::Double) + ")";
            break;
          case JsonAs::boolean:
            o += "CAST(" + get + " AS " + d_.type_sql(types::Boolean) + ")";
            break;
        }
        return;
      }
      case NodeKind::excluded:
        o += "excluded.";
        o += q(n.column->name());
        return;
      case NodeKind::datetime_add: {
        std::string e;
        expr(e, *n.args[0], {}, scope);
        o += d_.datetime_add_sql(e, n.offset_us / 1000000);
        return;
      }
    }
  }

  void list(std::string& o, const std::vector<NodePtr>& items, const Scope& scope) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) o += ", ";
      expr(o, *items[i], {}, scope);
    }
  }

  void order_item(std::string& o, const Node& n, const Scope& scope) {
    const Node& target = n.kind == NodeKind::order ? *n.args[0] : n;
    const bool desc = n.kind == NodeKind::order && n.descending;
    const int nulls = n.kind == NodeKind::order ? n.nulls : 0;
    if (nulls != 0 && !d_.supports_nulls_order()) {
      // (x IS NULL) sorts false (0) before true (1).
      o += "CASE WHEN ";
      expr(o, target, {}, scope);
      o += nulls == 1 ? " IS NULL THEN 0 ELSE 1 END, " : " IS NULL THEN 1 ELSE 0 END, ";
    }
    expr(o, target, {}, scope);
    if (desc) o += " DESC";
    if (nulls != 0 && d_.supports_nulls_order()) o += nulls == 1 ? " NULLS FIRST" : " NULLS LAST";
  }

  void order_list(std::string& o, const std::vector<NodePtr>& items, const Scope& scope) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) o += ", ";
      order_item(o, *items[i], scope);
    }
  }

  void where(std::string& o, const NodePtr& cond, const Scope& scope) {
    if (!cond) return;
    o += " WHERE ";
    expr(o, *cond, {}, scope);
  }

  // ---- FROM ----

  void from_item(std::string& o, const FromData& f, const Scope& scope) {
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

  static bool same_from(const FromData* a, const FromData* b) {
    if (a == b) return true;
    return a->kind == FromKind::table && b->kind == FromKind::table && a->table == b->table;
  }

  // FROM items a node refers to: tables of columns, aliases, subqueries. Stops at subqueries.
  static void collect(const Node& n, std::vector<const FromData*>& out,
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
  NodePtr foreign_key_on(const FromData& target, const std::vector<const FromData*>& left) {
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

  // ---- SELECT ----

  void select_columns(std::string& o, const SelectData& s, const Scope& scope, bool top) {
    if (s.columns.empty()) {
      o += '*';
      return;
    }
    std::set<std::string> used;
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      if (i) o += ", ";
      const Node& c = *s.columns[i];
      expr(o, c, {}, scope);
      std::string label;
      if (c.kind == NodeKind::label) {
        label = c.text;
      } else if (c.kind != NodeKind::column) {
        // Name computed columns the same on every backend (they would otherwise be named by
        // the expression text on SQLite and "?column?" on PostgreSQL).
        const Node* f = c.kind == NodeKind::over ? c.args[0].get() : &c;
        if (f->kind == NodeKind::func && f->text[0] != '\x01')
          label = f->text;
        else if (f->kind == NodeKind::func)
          label = "string_agg";
        else
          label = "col_" + std::to_string(i + 1);
        if (!used.insert(label).second) label = "col_" + std::to_string(i + 1);
      }
      if (!label.empty()) o += " AS " + q(label);
      if (top) out_->result_types.push_back(result_type(c.type));
    }
  }

  void select(std::string& o, const SelectData& s, const Scope& outer, bool top) {
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
      d_.append_limit_offset(o, s.limit, s.offset);
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
    d_.append_limit_offset(o, s.limit, s.offset);
    if (s.for_update) o += d_.for_update_sql();
  }

  // ---- DML ----

  void value_for(std::string& o, const Column& c, const NodePtr& v) {
    Expect e;
    e.type = c.type();
    e.label = c.qualified_name();
    expr(o, *v, e, {});
  }

  void insert(std::string& o, const DmlData& s) {
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
      // The columns: those any row sets, in table order, plus those with a client default.
      std::vector<const Column*> cols;
      for (const Column* c : t.columns()) {
        bool given = std::any_of(s.rows.begin(), s.rows.end(), [&](const auto& row) {
          return std::any_of(row.begin(), row.end(), [&](const auto& a) { return a.first == c; });
        });
        if (given || c->has_client_default()) cols.push_back(c);
      }
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
      o += " ON CONFLICT (";
      for (std::size_t i = 0; i < s.conflict_columns.size(); ++i) {
        if (i) o += ", ";
        o += q(s.conflict_columns[i]->name());
      }
      o += ')';
      if (s.do_nothing) {
        o += " DO NOTHING";
      } else if (s.conflict_set.empty()) {
        throw ArgumentError("insert(" + t.name() +
                            ").on_conflict(): say do_update(...) or do_nothing()");
      } else {
        o += " DO UPDATE SET ";
        for (std::size_t i = 0; i < s.conflict_set.size(); ++i) {
          if (i) o += ", ";
          o += q(s.conflict_set[i].first->name()) + " = ";
          value_for(o, *s.conflict_set[i].first, s.conflict_set[i].second);
        }
        where(o, s.conflict_where, {});
      }
    }
  }

  void update(std::string& o, const DmlData& s) {
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

  void returning(std::string& o, const DmlData& s) {
    if (s.returning.empty()) return;
    o += " RETURNING ";
    for (std::size_t i = 0; i < s.returning.size(); ++i) {
      if (i) o += ", ";
      const Node& c = *s.returning[i];
      expr(o, c, {}, {});
      if (c.kind == NodeKind::label) o += " AS " + q(c.text);
      out_->result_types.push_back(result_type(c.type));
    }
  }

  const Dialect& d_;
  std::shared_ptr<CompiledStatement> out_;
  std::map<std::string, std::size_t> named_;
};

}  // namespace

std::shared_ptr<const CompiledStatement> compile_select(const SelectData& s, const Dialect& d,
                                                        const LiteralIndex* literals) {
  Compiler c(d);
  c.literal_index = literals;
  return c.select_statement(s);
}

std::shared_ptr<const CompiledStatement> compile_dml(const DmlData& s, const Dialect& d,
                                                     const LiteralIndex* literals,
                                                     bool fresh_binds_per_row) {
  Compiler c(d);
  c.literal_index = literals;
  c.fresh_binds_per_row = fresh_binds_per_row;
  return c.dml_statement(s);
}

}  // namespace sqlcore::detail
