// The expression and statement trees behind Expr, FromItem, Select and Dml. Internal: the
// public headers only forward-declare these. Every node is immutable once built and shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlcore/schema/table.hpp"
#include "sqlcore/sql/dml.hpp"
#include "sqlcore/sql/expression.hpp"
#include "sqlcore/sql/select.hpp"

namespace sqlcore::detail {

enum class NodeKind {
  column,         // column of a table or of a from item
  bind,           // a value written into the statement
  bindparam,      // a named placeholder, value given at execution
  now,            // now() + offset_us, computed at execution
  duration,       // a duration (seconds(n)...): only valid inside time arithmetic
  raw,            // SQL as is
  unary,          // op + args[0]            (NOT, unary minus)
  binary,         // args[0] op args[1]
  postfix,        // args[0] op              (IS NULL, IS NOT NULL)
  func,           // text(args...)           (distinct: COUNT(DISTINCT x))
  case_,          // args: when1, then1, when2, then2, ... [else]  (has_else)
  cast,           // args[0] AS type
  label,          // args[0] AS text
  in_list,        // args[0] IN (args[1..])  (negated)
  in_select,      // args[0] IN (select)     (negated)
  exists,         // EXISTS (select)         (negated)
  scalar_select,  // (select)
  between,        // args[0] BETWEEN args[1] AND args[2]
  like,           // args[0] LIKE args[1] [ESCAPE]   (negated, insensitive)
  order,          // args[0] ASC|DESC [NULLS FIRST|LAST]
  over,           // args[0] OVER (PARTITION BY partition ORDER BY order)
  json,           // args[0] member at path, as json_as
  excluded,       // excluded.column
  datetime_add,   // args[0] + offset_us (a DateTime column plus a duration)
  star,           // *  (COUNT(*))
};

enum class JsonAs { text, integer, real, boolean };

struct Node {
  NodeKind kind = NodeKind::raw;
  std::optional<Type> type;  // the expression's type when known
  std::string text;          // operator, function, label, raw SQL, bindparam name
  std::vector<NodePtr> args;
  const Column* column = nullptr;               // column, excluded
  std::shared_ptr<const FromData> from;         // column of an alias / subquery (nullptr: table)
  Value value;                                  // bind
  std::int64_t offset_us = 0;                   // now, duration, datetime_add
  std::shared_ptr<const SelectData> select;     // in_select, exists, scalar_select
  std::vector<NodePtr> partition_by, order_by;  // over
  std::vector<JsonPathStep> path;               // json
  JsonAs json_as = JsonAs::text;
  char escape = '\0';        // like
  bool negated = false;      // in_list, in_select, exists, like
  bool insensitive = false;  // like
  bool distinct = false;     // func
  bool has_else = false;     // case_
  bool descending = false;   // order
  int nulls = 0;             // order: 0 default, 1 first, 2 last
  int precedence = 100;      // binary/unary: binding strength
};

enum class FromKind { table, alias, subquery, cte };

struct FromData {
  FromKind kind = FromKind::table;
  const Table* table = nullptr;              // table, alias
  std::string name;                          // alias, subquery, cte
  std::shared_ptr<const SelectData> select;  // subquery, cte
  bool recursive = false;                    // cte
};

struct JoinData {
  JoinKind kind = JoinKind::inner;
  std::shared_ptr<const FromData> target;
  NodePtr on;
};

enum class CompoundKind { none, union_, union_all, intersect, except };

struct SelectData {
  std::vector<NodePtr> columns;
  std::vector<std::shared_ptr<const FromData>> from;
  std::vector<JoinData> joins;
  NodePtr where;
  std::vector<NodePtr> group_by;
  NodePtr having;
  std::vector<NodePtr> order_by;
  std::optional<std::int64_t> limit, offset;
  bool distinct = false;
  RowLock lock = RowLock::none;
  LockWait lock_wait = LockWait::wait;
  std::vector<std::shared_ptr<const FromData>> ctes;
  // A compound: the parts, joined by `compound` (columns/from/where above are then unused).
  CompoundKind compound = CompoundKind::none;
  std::vector<std::shared_ptr<const SelectData>> parts;
};

struct DmlData {
  Dml::Kind kind = Dml::Kind::insert;
  const Table* table = nullptr;
  // insert: rows of (column, value); update: rows[0] is the SET list.
  std::vector<std::vector<std::pair<const Column*, NodePtr>>> rows;
  std::vector<const Column*> select_columns;  // insert from select
  std::shared_ptr<const SelectData> select;
  NodePtr where;
  std::vector<NodePtr> returning;
  // upsert
  bool on_conflict = false;
  std::vector<const Column*> conflict_columns;
  // The predicate of the partial unique index on_conflict_constraint() named ("" for none).
  std::string conflict_target_where;
  bool do_nothing = false;
  std::vector<std::pair<const Column*, NodePtr>> conflict_set;
  NodePtr conflict_where;
};

/// The columns an INSERT of values lists, in table order: those any row sets, plus those with a
/// client-side default.
std::vector<const Column*> insert_columns(const DmlData& d);
/// An INSERT of exactly one row of values, without RETURNING or ON CONFLICT (the shape
/// execute_many() can run in batches or bulk).
bool plain_single_row_insert(const DmlData& d);
/// A one-row INSERT whose row can be repeated in one statement for many parameter sets with the
/// effect of one statement per row (Dml::compile_batch): no RETURNING, no SELECT, no DO UPDATE,
/// no subquery in the row.
bool batchable_insert(const DmlData& d);

/// Makes a node of `kind`.
inline std::shared_ptr<Node> make_node(NodeKind kind) {
  auto n = std::make_shared<Node>();
  n->kind = kind;
  return n;
}

/// Per-statement compilation cache: one CompiledStatement per dialect, built once.
struct StatementCache;

}  // namespace sqlcore::detail
