// The statement renderer (internal): walks a SelectData or DmlData and writes its SQL for one
// dialect, asking the SqlCompiler that owns it (sqlcore/sql/compiler.hpp) for every construct a
// dialect may spell its own way. Its definitions are in render_expression.cpp (expressions) and
// render_statement.cpp (FROM, SELECT, DML, slots).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nodes.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/sql/compiler.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::detail {

// Kinds whose values a read converts (Type::result); the others arrive as they are read.
inline std::optional<Type> result_type(const std::optional<Type>& t) {
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

// Kinds whose values a comparison converts through the column's type (text to Timestamp, 0/1 to
// bool...). Integers and strings are compared as given: a WHERE with a value out of a column's
// range is a valid question with an empty answer, not an error.
inline bool normalise_in_comparisons(const Type& t) {
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

inline std::string quote_char(char c) {
  return c == '\'' ? "''''" : std::string("'") + c + "'";
}

class Renderer {
 public:
  explicit Renderer(SqlCompiler& hooks)
      : hooks_(hooks), d_(hooks.dialect()), out_(std::make_shared<CompiledStatement>()) {}
  bool fresh_binds_per_row = false;
  /// Where each value written into the statement is among its literals (shape.hpp), or nullptr.
  const std::unordered_map<const Value*, std::uint32_t>* literal_index = nullptr;

  std::shared_ptr<const CompiledStatement> select_statement(const SelectData& s);

  std::shared_ptr<const CompiledStatement> dml_statement(const DmlData& s);

 private:
  friend class sqlcore::SqlCompiler;
  using Scope = std::vector<const FromData*>;  // enclosing FROM items (for correlation)

  std::shared_ptr<const CompiledStatement> finish(std::string sql);

  std::string q(std::string_view ident) const { return d_.quote_identifier(ident); }

  void placeholder(std::string& o, std::size_t index) const { d_.append_placeholder(o, index + 1); }

  std::size_t add_slot(BindSlot slot, std::string name);

  void bind_value(std::string& o, const Value& v, const std::optional<Type>& type,
                  std::string label);

  // ---- expressions ----

  // `expect`: the type a bare value here takes (the other side of a comparison, the column an
  // INSERT value goes to); `label` names that column in errors.
  struct Expect {
    std::optional<Type> type;
    std::string label;
  };

  static Expect from_node(const Node& n, bool for_comparison);

  void column_ref(std::string& o, const Node& n) const;

  void sub(std::string& o, const NodePtr& child, int prec, const Expect& expect,
           const Scope& scope);

  void expr(std::string& o, const Node& n, const Expect& expect, const Scope& scope);

  void list(std::string& o, const std::vector<NodePtr>& items, const Scope& scope);

  void order_item(std::string& o, const Node& n, const Scope& scope);

  void order_list(std::string& o, const std::vector<NodePtr>& items, const Scope& scope);

  void where(std::string& o, const NodePtr& cond, const Scope& scope);

  // ---- FROM ----

  void from_item(std::string& o, const FromData& f, const Scope& scope);

  static bool same_from(const FromData* a, const FromData* b);

  // FROM items a node refers to: tables of columns, aliases, subqueries. Stops at subqueries.
  static void collect(const Node& n, std::vector<const FromData*>& out,
                      std::vector<std::shared_ptr<FromData>>& made);

  // ON for a join given without one: the single foreign key between `target` and the items so far.
  NodePtr foreign_key_on(const FromData& target, const std::vector<const FromData*>& left);

  // ---- SELECT ----

  void select_columns(std::string& o, const SelectData& s, const Scope& scope, bool top);

  void select(std::string& o, const SelectData& s, const Scope& outer, bool top);

  // ---- DML ----

  void value_for(std::string& o, const Column& c, const NodePtr& v);

  void insert(std::string& o, const DmlData& s);

  void update(std::string& o, const DmlData& s);

  void returning(std::string& o, const DmlData& s);

  SqlCompiler& hooks_;
  const Dialect& d_;
  std::shared_ptr<CompiledStatement> out_;
  std::map<std::string, std::size_t> named_;
};

}  // namespace sqlcore::detail
