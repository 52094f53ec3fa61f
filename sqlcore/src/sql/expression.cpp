// Expr builders: each operator or function makes one immutable node.
#include "sqlcore/sql/expression.hpp"

#include "nodes.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore {

using detail::make_node;
using detail::Node;
using detail::NodeKind;
using detail::NodePtr;

namespace {

// Binding strength, loosest first; a child looser than its parent gets parentheses.
enum Prec : int {
  kOr = 1,
  kAnd = 2,
  kNot = 3,
  kCompare = 4,
  kConcat = 5,
  kAdd = 6,
  kMul = 7,
  kUnary = 8,
  kAtom = 100,
};

Expr binary(const Expr& a, const char* op, const Expr& b, int prec, std::optional<Type> type) {
  auto n = make_node(NodeKind::binary);
  n->text = op;
  n->args = {a.node(), b.node()};
  n->precedence = prec;
  n->type = std::move(type);
  return Expr(std::move(n));
}

bool is_null_bind(const Expr& e) {
  return e.node()->kind == NodeKind::bind && e.node()->value.is_null();
}

Expr postfix(const Expr& a, const char* op) {
  auto n = make_node(NodeKind::postfix);
  n->text = op;
  n->args = {a.node()};
  n->precedence = kCompare;
  n->type = types::Boolean;
  return Expr(std::move(n));
}

Expr compare(const Expr& a, const char* op, const Expr& b) {
  return binary(a, op, b, kCompare, types::Boolean);
}

std::optional<Type> type_of(const Expr& e) {
  return e.node()->type;
}

Expr function(std::string name, std::vector<Expr> args, std::optional<Type> type,
              bool distinct = false) {
  auto n = make_node(NodeKind::func);
  n->text = std::move(name);
  for (const Expr& a : args) n->args.push_back(a.node());
  n->type = std::move(type);
  n->distinct = distinct;
  return Expr(std::move(n));
}

Expr duration(std::int64_t us) {
  auto n = make_node(NodeKind::duration);
  n->offset_us = us;
  return Expr(std::move(n));
}

// now() / a Timestamp / a DateTime column plus or minus a duration.
std::optional<Expr> time_arith(const Expr& a, const Expr& b, int sign) {
  const Node& l = *a.node();
  const Node& r = *b.node();
  if (r.kind != NodeKind::duration) {
    if (l.kind == NodeKind::duration)
      throw ArgumentError("a duration goes on the right: write now() - hours(1), not the reverse");
    return std::nullopt;
  }
  std::int64_t off = sign * r.offset_us;
  if (l.kind == NodeKind::now) {
    auto n = make_node(NodeKind::now);
    n->offset_us = l.offset_us + off;
    n->type = types::DateTime;
    return Expr(std::move(n));
  }
  if (l.kind == NodeKind::bind && l.value.kind() == Value::Kind::timestamp)
    return literal(Timestamp::from_micros(l.value.timestamp_unchecked().micros() + off),
                   types::DateTime);
  if (l.type && l.type->kind() == TypeKind::date_time) {
    if (off % 1000000 != 0) throw ArgumentError("a DateTime column moves by whole seconds in SQL");
    auto n = make_node(NodeKind::datetime_add);
    n->args = {a.node()};
    n->offset_us = off;
    n->type = types::DateTime;
    return Expr(std::move(n));
  }
  throw ArgumentError("a duration can be added to now(), a Timestamp or a DateTime column only");
}

NodePtr column_node(const Column& c) {
  auto n = make_node(NodeKind::column);
  n->column = &c;
  n->type = c.type();
  return n;
}

}  // namespace

Expr::Expr(const Column& column) : node_(column_node(column)) {}
Expr::Expr(const ColBase& column) : node_(column_node(column.column())) {}
Expr::Expr(Now) {
  auto n = make_node(NodeKind::now);
  n->type = types::DateTime;
  node_ = std::move(n);
}

NodePtr Expr::bound(Value v) {
  auto n = make_node(NodeKind::bind);
  n->value = std::move(v);
  return n;
}

std::optional<Type> Expr::type() const {
  return node_->type;
}

namespace {
Expr in_list(const Expr& e, std::vector<Value> values, bool negated) {
  auto n = make_node(NodeKind::in_list);
  n->args.push_back(e.node());
  for (Value& v : values) n->args.push_back(Expr(std::move(v)).node());
  n->negated = negated;
  n->type = types::Boolean;
  n->precedence = kCompare;
  return Expr(std::move(n));
}
Expr in_select(const Expr& e, const Select& s, bool negated) {
  auto n = make_node(NodeKind::in_select);
  n->args.push_back(e.node());
  n->select = s.data();
  n->negated = negated;
  n->type = types::Boolean;
  n->precedence = kCompare;
  return Expr(std::move(n));
}
Expr like_node(const Expr& e, const Expr& pattern, char escape, bool negated, bool insensitive) {
  auto n = make_node(NodeKind::like);
  n->args = {e.node(), pattern.node()};
  n->escape = escape;
  n->negated = negated;
  n->insensitive = insensitive;
  n->type = types::Boolean;
  n->precedence = kCompare;
  return Expr(std::move(n));
}
Expr order_node(const Expr& e, int desc, int nulls) {
  // Re-ordering an order item adjusts it instead of nesting.
  auto n = make_node(NodeKind::order);
  if (e.node()->kind == NodeKind::order) {
    *n = *e.node();
  } else {
    n->args = {e.node()};
  }
  if (desc >= 0) n->descending = desc == 1;
  if (nulls >= 0) n->nulls = nulls;
  return Expr(std::move(n));
}
Expr json_node(const Expr& e, std::vector<JsonPathStep> path, detail::JsonAs as, const Type& t) {
  if (path.empty()) throw ArgumentError("json path is empty");
  for (const auto& step : path)
    if (const auto* s = std::get_if<std::string>(&step))
      if (s->find('"') != std::string::npos || s->empty())
        throw ArgumentError("json path member names must be non-empty and free of '\"'");
  auto n = make_node(NodeKind::json);
  n->args = {e.node()};
  n->path = std::move(path);
  n->json_as = as;
  n->type = t;
  return Expr(std::move(n));
}
}  // namespace

namespace detail {

Expr make_label(const Expr& e, std::string name) {
  if (name.empty()) throw ArgumentError("label(): empty name");
  auto n = make_node(NodeKind::label);
  n->text = std::move(name);
  n->args = {e.node()};
  n->type = e.node()->type;
  return Expr(std::move(n));
}

Expr make_postfix(const Expr& e, const char* op) {
  return postfix(e, op);
}
Expr make_in(const Expr& e, std::vector<Value> values, bool negated) {
  return in_list(e, std::move(values), negated);
}
Expr make_in(const Expr& e, const Select& subquery, bool negated) {
  return in_select(e, subquery, negated);
}
Expr make_like(const Expr& e, const Expr& pattern, char escape, bool negated, bool insensitive) {
  return like_node(e, pattern, escape, negated, insensitive);
}
Expr make_between(const Expr& e, const Expr& low, const Expr& high) {
  auto n = make_node(NodeKind::between);
  n->args = {e.node(), low.node(), high.node()};
  n->type = types::Boolean;
  n->precedence = kCompare;
  return Expr(std::move(n));
}
Expr make_concat(const Expr& a, const Expr& b) {
  return binary(a, "||", b, kConcat, types::Text);
}
Expr make_order(const Expr& e, int descending, int nulls) {
  return order_node(e, descending, nulls);
}
Expr make_json(const Expr& e, std::vector<JsonPathStep> path, int as) {
  static const Type kTypes[] = {types::Text, types::BigInteger, types::Double, types::Boolean};
  return json_node(e, std::move(path), static_cast<JsonAs>(as), kTypes[as]);
}

}  // namespace detail

namespace detail {

Expr op_eq(const Expr& a, const Expr& b) {
  if (is_null_bind(b)) return a.is_null();
  if (is_null_bind(a)) return b.is_null();
  return compare(a, "=", b);
}

Expr op_ne(const Expr& a, const Expr& b) {
  if (is_null_bind(b)) return a.is_not_null();
  if (is_null_bind(a)) return b.is_not_null();
  return compare(a, "<>", b);
}

Expr op_binary(const Expr& a, const char* op, const Expr& b) {
  const std::string_view o(op);
  if (o == "<" || o == "<=" || o == ">" || o == ">=") return compare(a, op, b);
  if (o == "&&") return binary(a, "AND", b, kAnd, types::Boolean);
  if (o == "||") return binary(a, "OR", b, kOr, types::Boolean);
  if (o == "+" || o == "-") {
    if (auto t = time_arith(a, b, o == "+" ? 1 : -1)) return *t;
    return binary(a, op, b, kAdd, type_of(a) ? type_of(a) : type_of(b));
  }
  return binary(a, op, b, kMul, type_of(a) ? type_of(a) : type_of(b));
}

Expr op_not(const Expr& a) {
  auto n = make_node(NodeKind::unary);
  n->text = "NOT";
  n->args = {a.node()};
  n->precedence = kNot;
  n->type = types::Boolean;
  return Expr(std::move(n));
}

Expr op_neg(const Expr& a) {
  auto n = make_node(NodeKind::unary);
  n->text = "-";
  n->args = {a.node()};
  n->precedence = kUnary;
  n->type = a.node()->type;
  return Expr(std::move(n));
}

}  // namespace detail

Expr literal(Value v) {
  return Expr(std::move(v));
}
Expr literal(Value v, const Type& type) {
  auto n = make_node(NodeKind::bind);
  n->value = std::move(v);
  n->type = type;
  return Expr(std::move(n));
}
Expr bindparam(std::string name) {
  if (name.empty()) throw ArgumentError("bindparam(): empty name");
  auto n = make_node(NodeKind::bindparam);
  n->text = std::move(name);
  return Expr(std::move(n));
}
Expr bindparam(std::string name, const Type& type) {
  if (name.empty()) throw ArgumentError("bindparam(): empty name");
  auto n = make_node(NodeKind::bindparam);
  n->text = std::move(name);
  n->type = type;
  return Expr(std::move(n));
}
Expr raw(std::string sql) {
  if (sql.empty()) throw ArgumentError("raw(): empty SQL");
  auto n = make_node(NodeKind::raw);
  n->text = std::move(sql);
  return Expr(std::move(n));
}
Expr excluded(const Column& column) {
  auto n = make_node(NodeKind::excluded);
  n->column = &column;
  n->type = column.type();
  return Expr(std::move(n));
}

Expr func(std::string name, std::vector<Expr> args) {
  if (name.empty()) throw ArgumentError("func(): empty name");
  return function(std::move(name), std::move(args), std::nullopt);
}
Expr count() {
  auto star = make_node(NodeKind::star);
  return function("count", {Expr(NodePtr(std::move(star)))}, types::BigInteger);
}
Expr count(const Expr& e) {
  return function("count", {e}, types::BigInteger);
}
Expr count_distinct(const Expr& e) {
  return function("count", {e}, types::BigInteger, true);
}
Expr sum(const Expr& e) {
  return function("sum", {e}, type_of(e));
}
Expr avg(const Expr& e) {
  return function("avg", {e}, types::Double);
}
Expr min(const Expr& e) {
  return function("min", {e}, type_of(e));
}
Expr max(const Expr& e) {
  return function("max", {e}, type_of(e));
}
Expr lower(const Expr& e) {
  return function("lower", {e}, types::Text);
}
Expr upper(const Expr& e) {
  return function("upper", {e}, types::Text);
}
Expr length(const Expr& e) {
  return function("length", {e}, types::BigInteger);
}
Expr substr(const Expr& e, const Expr& start, const Expr& length) {
  return function("substr", {e, start, length}, types::Text);
}
Expr abs(const Expr& e) {
  return function("abs", {e}, type_of(e));
}
Expr round(const Expr& e, int digits) {
  if (digits == 0) return function("round", {e}, types::Double);
  // PostgreSQL rounds to n digits only a NUMERIC: cast, so a double column works as on SQLite.
  auto c = make_node(NodeKind::cast);
  c->args = {e.node()};
  c->text = "NUMERIC";  // the type name as written, on every backend
  return function("round", {Expr(NodePtr(std::move(c))), literal(Value(digits))}, types::Double);
}
Expr coalesce(std::vector<Expr> args) {
  if (args.empty()) throw ArgumentError("coalesce(): no arguments");
  std::optional<Type> t;
  for (const Expr& a : args)
    if (!t) t = type_of(a);
  return function("coalesce", std::move(args), t);
}
Expr string_agg(const Expr& e, std::string separator) {
  auto n = make_node(NodeKind::func);
  n->text = "\x01string_agg";  // rendered by the dialect
  n->args = {e.node(), Expr(Value(std::move(separator))).node()};
  n->type = types::Text;
  return Expr(std::move(n));
}
Expr case_(std::vector<std::pair<Expr, Expr>> whens, std::optional<Expr> otherwise) {
  if (whens.empty()) throw ArgumentError("case_(): no WHEN branch");
  auto n = make_node(NodeKind::case_);
  for (auto& [cond, val] : whens) {
    n->args.push_back(cond.node());
    n->args.push_back(val.node());
    if (!n->type) n->type = val.node()->type;
  }
  if (otherwise) {
    n->args.push_back(otherwise->node());
    n->has_else = true;
    if (!n->type) n->type = otherwise->node()->type;
  }
  return Expr(std::move(n));
}
Expr cast(const Expr& e, const Type& type) {
  auto n = make_node(NodeKind::cast);
  n->args = {e.node()};
  n->type = type;
  return Expr(std::move(n));
}
Expr exists(const Select& subquery) {
  auto n = make_node(NodeKind::exists);
  n->select = subquery.data();
  n->type = types::Boolean;
  return Expr(std::move(n));
}
Expr not_exists(const Select& subquery) {
  auto n = make_node(NodeKind::exists);
  n->select = subquery.data();
  n->negated = true;
  n->type = types::Boolean;
  n->precedence = kNot;
  return Expr(std::move(n));
}
Expr scalar(const Select& subquery) {
  auto n = make_node(NodeKind::scalar_select);
  n->select = subquery.data();
  if (!subquery.data()->columns.empty()) n->type = subquery.data()->columns[0]->type;
  return Expr(std::move(n));
}
Expr over(const Expr& fn, const Window& window) {
  auto n = make_node(NodeKind::over);
  n->args = {fn.node()};
  for (const Expr& e : window.partition_by) n->partition_by.push_back(e.node());
  for (const Expr& e : window.order_by) n->order_by.push_back(e.node());
  n->type = fn.node()->type;
  return Expr(std::move(n));
}
Expr row_number() {
  return function("row_number", {}, types::BigInteger);
}
Expr rank() {
  return function("rank", {}, types::BigInteger);
}
Expr dense_rank() {
  return function("dense_rank", {}, types::BigInteger);
}
Expr seconds(std::int64_t n) {
  return duration(n * 1000000);
}
Expr minutes(std::int64_t n) {
  return duration(n * 60 * 1000000);
}
Expr hours(std::int64_t n) {
  return duration(n * 3600 * 1000000);
}
Expr days(std::int64_t n) {
  return duration(n * 86400 * 1000000);
}

std::string like_escape(std::string_view text, char escape) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == escape) out.push_back(escape);
    out.push_back(c);
  }
  return out;
}

}  // namespace sqlcore
