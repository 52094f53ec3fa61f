// SQL expressions: column references, bound values, operators and functions, built at run time
// as small immutable trees and compiled per dialect by the statement that holds them.
//
//   users.email.is_null() && users.id > 10        // values become bound parameters, never SQL text
//   lower(users.name).like("ada%")                // case-sensitive on every backend
//   users.name.ilike("ADA%")                      // case-insensitive on every backend
//   count().label("n"), coalesce({users.email, "none"}), case_({{users.id > 5, "big"}}, "small")
//   users.created_at > now() - hours(24)          // the cut-off is computed by sqlcore at
//   execution users.profile.json_text({"address", "city"})  // JSON member as text (json_extract /
//   ->>)
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/schema/types.hpp"

namespace sqlcore {

class Select;

namespace detail {
struct Node;
using NodePtr = std::shared_ptr<const Node>;
}  // namespace detail

/// A SQL expression. Cheap to copy (shares its immutable tree).
class Expr : public ExprMethods<Expr> {
 public:
  /// A column of its table.
  Expr(const Column& column);   // NOLINT(google-explicit-constructor)
  Expr(const ColBase& column);  // NOLINT(google-explicit-constructor)
  /// A value: a bound parameter. Comparing with NULL (`col == nullptr`) gives IS NULL.
  template <class T, std::enable_if_t<std::is_constructible_v<Value, T&&> &&
                                          !std::is_base_of_v<ColBase, std::decay_t<T>> &&
                                          !std::is_same_v<std::decay_t<T>, Value>,
                                      int> = 0>
  Expr(T&& v) : Expr(bound(Value(std::forward<T>(v)))) {}  // NOLINT(google-explicit-constructor)
  Expr(const Value& v) : Expr(bound(v)) {}                 // NOLINT(google-explicit-constructor)
  /// now(): the time of execution, computed by sqlcore and bound (see now()).
  Expr(Now);  // NOLINT(google-explicit-constructor)
  explicit Expr(detail::NodePtr node) : node_(std::move(node)) {}

  const detail::NodePtr& node() const { return node_; }
  /// The type the expression has when known (a column's type, Boolean for a comparison ...).
  std::optional<Type> type() const;

  // label(), is_null(), in_(), like(), ilike(), between(), concat(), cast(), asc(), desc(),
  // nulls_first(), nulls_last(), json_text() ...: see ExprMethods (schema/table.hpp); every
  // expression and every column has them.

 private:
  static detail::NodePtr bound(Value v);
  detail::NodePtr node_;
};

namespace detail {
// The operators apply when one operand is an expression (Expr, a column, now()) and the other
// converts to one; they never hijack `!` or `==` on unrelated types.
template <class T>
concept ExprOperand = std::is_same_v<std::remove_cvref_t<T>, Expr> ||
    std::is_base_of_v<ColBase, std::remove_cvref_t<T>> ||
    std::is_same_v<std::remove_cvref_t<T>, Column> || std::is_same_v<std::remove_cvref_t<T>, Now>;
template <class A, class B>
concept ExprOperands =
    (ExprOperand<A> ||
     ExprOperand<B>)&&std::is_convertible_v<const A&, Expr>&& std::is_convertible_v<const B&, Expr>;
Expr op_eq(const Expr& a, const Expr& b);
Expr op_ne(const Expr& a, const Expr& b);
Expr op_binary(const Expr& a, const char* op, const Expr& b);
Expr op_not(const Expr& a);
Expr op_neg(const Expr& a);
}  // namespace detail

template <class A, class B>
requires detail::ExprOperands<A, B> Expr operator==(const A& a, const B& b) {
  return detail::op_eq(Expr(a), Expr(b));
}
template <class A, class B>
requires detail::ExprOperands<A, B> Expr operator!=(const A& a, const B& b) {
  return detail::op_ne(Expr(a), Expr(b));
}
#define SQLCORE_EXPR_BINARY(OP)                                                  \
  template <class A, class B>                                                    \
  requires detail::ExprOperands<A, B> Expr operator OP(const A& a, const B& b) { \
    return detail::op_binary(Expr(a), #OP, Expr(b));                             \
  }
SQLCORE_EXPR_BINARY(<)
SQLCORE_EXPR_BINARY(<=)
SQLCORE_EXPR_BINARY(>)
SQLCORE_EXPR_BINARY(>=)
SQLCORE_EXPR_BINARY(&&)
SQLCORE_EXPR_BINARY(||)
SQLCORE_EXPR_BINARY(+)
SQLCORE_EXPR_BINARY(-)
SQLCORE_EXPR_BINARY(*)
SQLCORE_EXPR_BINARY(/)
SQLCORE_EXPR_BINARY(%)
#undef SQLCORE_EXPR_BINARY
template <class A>
requires detail::ExprOperand<A> Expr operator!(const A& a) {
  return detail::op_not(Expr(a));
}
template <class A>
requires detail::ExprOperand<A> Expr operator-(const A& a) {
  return detail::op_neg(Expr(a));
}

/// Typed handles refuse to compare with a value of another C++ type (`users.id == "7"`,
/// `users.name > 3`): the comparison does not compile.
namespace detail {
template <class T>
using ColValueType = std::remove_cvref_t<typename IsOptional<T>::type>;
template <class T>
struct ColValue {
  using type = T;
};
template <class T>
struct ColValue<std::optional<T>> {
  using type = T;
};
template <class U>
concept PlainValue =
    std::is_arithmetic_v<std::remove_cvref_t<U>> || std::is_same_v < std::decay_t<U>,
const char* > || std::is_same_v<std::decay_t<U>, char*> ||
    std::is_same_v<std::remove_cvref_t<U>, std::string> ||
    std::is_same_v<std::remove_cvref_t<U>, std::string_view> ||
    std::is_same_v<std::remove_cvref_t<U>, Timestamp> ||
    std::is_same_v<std::remove_cvref_t<U>, Date>;
template <class T, class U>
concept Mismatched = PlainValue<U> && !std::is_convertible_v<U, typename ColValue<T>::type> &&
                     !std::is_same_v<typename ColValue<T>::type, Value>;
}  // namespace detail

template <class T, class U>
requires detail::Mismatched<T, U> Expr operator==(const Col<T>&, const U&) = delete;
template <class T, class U>
requires detail::Mismatched<T, U> Expr operator!=(const Col<T>&, const U&) = delete;
template <class T, class U>
requires detail::Mismatched<T, U> Expr operator<(const Col<T>&, const U&) = delete;
template <class T, class U>
requires detail::Mismatched<T, U> Expr operator<=(const Col<T>&, const U&) = delete;
template <class T, class U>
requires detail::Mismatched<T, U> Expr operator>(const Col<T>&, const U&) = delete;
template <class T, class U>
requires detail::Mismatched<T, U> Expr operator>=(const Col<T>&, const U&) = delete;

/// A value bound as a parameter (what a plain value in an expression becomes).
Expr literal(Value v);
/// A value bound as a parameter of `type` (checked and converted by the type).
Expr literal(Value v, const Type& type);
/// A named placeholder whose value is given at execution: `conn.execute(stmt, {{"id", 7}})`.
/// With a type, the value is checked and converted like a column's.
Expr bindparam(std::string name);
Expr bindparam(std::string name, const Type& type);
/// SQL text written as is (no binds): the escape hatch for what the language lacks.
Expr raw(std::string sql);
/// The value the upsert would have inserted: `excluded(users.name)` in on_conflict().do_update().
Expr excluded(const Column& column);

// Functions.
/// Any SQL function by name: `func("coalesce", {a, b})`. The name is written as is.
Expr func(std::string name, std::vector<Expr> args = {});
Expr count();  // COUNT(*)
Expr count(const Expr& e);
Expr count_distinct(const Expr& e);
Expr sum(const Expr& e);
Expr avg(const Expr& e);
Expr min(const Expr& e);
Expr max(const Expr& e);
Expr lower(const Expr& e);
Expr upper(const Expr& e);
Expr length(const Expr& e);
/// SUBSTR(e, start, length): 1-based, in characters.
Expr substr(const Expr& e, const Expr& start, const Expr& length);
Expr abs(const Expr& e);
Expr round(const Expr& e, int digits = 0);
Expr coalesce(std::vector<Expr> args);
/// Joins the values of a group with `separator` (group_concat / string_agg).
Expr string_agg(const Expr& e, std::string separator);
/// CASE WHEN c1 THEN v1 ... ELSE otherwise END.
Expr case_(std::vector<std::pair<Expr, Expr>> whens, std::optional<Expr> otherwise = std::nullopt);
Expr cast(const Expr& e, const Type& type);
Expr exists(const Select& subquery);
Expr not_exists(const Select& subquery);
/// A scalar subquery: (SELECT ...) as a value.
Expr scalar(const Select& subquery);

// Window functions: row_number().over({.partition_by = {...}, .order_by = {...}}).
struct Window {
  std::vector<Expr> partition_by{};
  std::vector<Expr> order_by{};
};
Expr over(const Expr& function, const Window& window);
Expr row_number();
Expr rank();
Expr dense_rank();

// Time. now() in an expression is the time of execution, computed by sqlcore (one clock for
// every backend) and bound as a value; now() or a Timestamp plus or minus a duration stays a
// bound value, so cut-offs compare correctly with stored DateTime values everywhere. A DateTime
// column plus or minus a duration is computed by the database, in the stored form.
Expr seconds(std::int64_t n);
Expr minutes(std::int64_t n);
Expr hours(std::int64_t n);
Expr days(std::int64_t n);

/// Escapes `%`, `_` and `escape` in `text` for a LIKE pattern that matches it literally:
/// `col.like(like_escape(user_input) + "%", '\\')`.
std::string like_escape(std::string_view text, char escape = '\\');

// ExprMethods, for expressions and columns alike: each builds one node over Expr(*this).
namespace detail {
Expr make_label(const Expr& e, std::string name);
Expr make_postfix(const Expr& e, const char* op);
Expr make_in(const Expr& e, std::vector<Value> values, bool negated);
Expr make_in(const Expr& e, const Select& subquery, bool negated);
Expr make_like(const Expr& e, const Expr& pattern, char escape, bool negated, bool insensitive);
Expr make_between(const Expr& e, const Expr& low, const Expr& high);
Expr make_concat(const Expr& a, const Expr& b);
Expr make_order(const Expr& e, int descending, int nulls);
Expr make_json(const Expr& e, std::vector<JsonPathStep> path, int as);
}  // namespace detail

#define SQLCORE_SELF Expr(static_cast<const D&>(*this))
template <class D>
Expr ExprMethods<D>::label(std::string name) const {
  return detail::make_label(SQLCORE_SELF, std::move(name));
}
template <class D>
Expr ExprMethods<D>::is_null() const {
  return detail::make_postfix(SQLCORE_SELF, "IS NULL");
}
template <class D>
Expr ExprMethods<D>::is_not_null() const {
  return detail::make_postfix(SQLCORE_SELF, "IS NOT NULL");
}
template <class D>
Expr ExprMethods<D>::in_(std::vector<Value> values) const {
  return detail::make_in(SQLCORE_SELF, std::move(values), false);
}
template <class D>
Expr ExprMethods<D>::not_in(std::vector<Value> values) const {
  return detail::make_in(SQLCORE_SELF, std::move(values), true);
}
template <class D>
Expr ExprMethods<D>::in_(const Select& subquery) const {
  return detail::make_in(SQLCORE_SELF, subquery, false);
}
template <class D>
Expr ExprMethods<D>::not_in(const Select& subquery) const {
  return detail::make_in(SQLCORE_SELF, subquery, true);
}
template <class D>
Expr ExprMethods<D>::like(const Expr& pattern, char escape) const {
  return detail::make_like(SQLCORE_SELF, pattern, escape, false, false);
}
template <class D>
Expr ExprMethods<D>::not_like(const Expr& pattern, char escape) const {
  return detail::make_like(SQLCORE_SELF, pattern, escape, true, false);
}
template <class D>
Expr ExprMethods<D>::ilike(const Expr& pattern, char escape) const {
  return detail::make_like(SQLCORE_SELF, pattern, escape, false, true);
}
template <class D>
Expr ExprMethods<D>::not_ilike(const Expr& pattern, char escape) const {
  return detail::make_like(SQLCORE_SELF, pattern, escape, true, true);
}
template <class D>
Expr ExprMethods<D>::between(const Expr& low, const Expr& high) const {
  return detail::make_between(SQLCORE_SELF, low, high);
}
template <class D>
Expr ExprMethods<D>::concat(const Expr& other) const {
  return detail::make_concat(SQLCORE_SELF, other);
}
template <class D>
Expr ExprMethods<D>::cast(const Type& type) const {
  return sqlcore::cast(SQLCORE_SELF, type);
}
template <class D>
Expr ExprMethods<D>::asc() const {
  return detail::make_order(SQLCORE_SELF, 0, -1);
}
template <class D>
Expr ExprMethods<D>::desc() const {
  return detail::make_order(SQLCORE_SELF, 1, -1);
}
template <class D>
Expr ExprMethods<D>::nulls_first() const {
  return detail::make_order(SQLCORE_SELF, -1, 1);
}
template <class D>
Expr ExprMethods<D>::nulls_last() const {
  return detail::make_order(SQLCORE_SELF, -1, 2);
}
template <class D>
Expr ExprMethods<D>::json_text(std::vector<JsonPathStep> path) const {
  return detail::make_json(SQLCORE_SELF, std::move(path), 0);
}
template <class D>
Expr ExprMethods<D>::json_int(std::vector<JsonPathStep> path) const {
  return detail::make_json(SQLCORE_SELF, std::move(path), 1);
}
template <class D>
Expr ExprMethods<D>::json_double(std::vector<JsonPathStep> path) const {
  return detail::make_json(SQLCORE_SELF, std::move(path), 2);
}
template <class D>
Expr ExprMethods<D>::json_bool(std::vector<JsonPathStep> path) const {
  return detail::make_json(SQLCORE_SELF, std::move(path), 3);
}
#undef SQLCORE_SELF

}  // namespace sqlcore
