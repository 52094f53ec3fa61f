// The renderer's expressions: columns, values, operators, functions, CASE, casts, JSON members,
// time arithmetic, ORDER BY items and WHERE.
#include <algorithm>

#include "renderer.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore::detail {

Renderer::Expect Renderer::from_node(const Node& n, bool for_comparison) {
  Expect e;
  if (n.type && (!for_comparison || normalise_in_comparisons(*n.type))) e.type = n.type;
  if (n.column) e.label = n.column->qualified_name();
  return e;
}

void Renderer::column_ref(std::string& o, const Node& n) const {
  if (n.from) {
    o += q(n.from->name);
  } else {
    o += q(n.column->table().name());
  }
  o += '.';
  o += q(n.column ? n.column->name() : n.text);
}

void Renderer::sub(std::string& o, const NodePtr& child, int prec, const Expect& expect,
                   const Scope& scope) {
  bool paren = child->precedence < prec;
  if (paren) o += '(';
  expr(o, *child, expect, scope);
  if (paren) o += ')';
}

void Renderer::expr(std::string& o, const Node& n, const Expect& expect, const Scope& scope) {
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
      Expect right = cmp || n.text == "+" || n.text == "-" ? from_node(*n.args[0], cmp) : Expect{};
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
        hooks_.visit_string_agg(o, e, sep);
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
      const bool lowered = n.insensitive && !hooks_.supports_ilike();
      if (lowered) o += "lower(";
      sub(o, n.args[0], lowered ? 0 : 5, {}, scope);
      if (lowered) o += ')';
      if (n.negated) o += " NOT";
      o += n.insensitive && hooks_.supports_ilike() ? " ILIKE " : " LIKE ";
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
      if (hooks_.json_path_as_string()) {
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
      std::string get;
      hooks_.visit_json_extract(get, doc, path);
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
      hooks_.visit_excluded(o, *n.column);
      return;
    case NodeKind::datetime_add: {
      std::string e;
      expr(e, *n.args[0], {}, scope);
      hooks_.visit_datetime_add(o, e, n.offset_us / 1000000);
      return;
    }
  }
}

void Renderer::list(std::string& o, const std::vector<NodePtr>& items, const Scope& scope) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) o += ", ";
    expr(o, *items[i], {}, scope);
  }
}

void Renderer::order_item(std::string& o, const Node& n, const Scope& scope) {
  const Node& target = n.kind == NodeKind::order ? *n.args[0] : n;
  const bool desc = n.kind == NodeKind::order && n.descending;
  const int nulls = n.kind == NodeKind::order ? n.nulls : 0;
  if (nulls != 0 && !hooks_.supports_nulls_order()) {
    // (x IS NULL) sorts false (0) before true (1).
    o += "CASE WHEN ";
    expr(o, target, {}, scope);
    o += nulls == 1 ? " IS NULL THEN 0 ELSE 1 END, " : " IS NULL THEN 1 ELSE 0 END, ";
  }
  expr(o, target, {}, scope);
  if (desc) o += " DESC";
  if (nulls != 0 && hooks_.supports_nulls_order()) o += nulls == 1 ? " NULLS FIRST" : " NULLS LAST";
}

void Renderer::order_list(std::string& o, const std::vector<NodePtr>& items, const Scope& scope) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) o += ", ";
    order_item(o, *items[i], scope);
  }
}

void Renderer::where(std::string& o, const NodePtr& cond, const Scope& scope) {
  if (!cond) return;
  o += " WHERE ";
  expr(o, *cond, {}, scope);
}

}  // namespace sqlcore::detail
