// SqlCompiler: renders select() and insert() / update() / delete_from() statements for one
// dialect. It is a visitor a dialect extends: a backend that spells a construct its own way
// overrides that construct's visit_ method in a subclass and returns the subclass from
// Dialect::make_compiler() (as SQLAlchemy's per-dialect compilers do). Nothing in the core
// names a backend.
//
//   class MyCompiler final : public sqlcore::SqlCompiler {
//    public:
//     using SqlCompiler::SqlCompiler;
//    protected:
//     void visit_row_lock(std::string&, RowLock, LockWait) override {}   // no row locks here
//   };
//   std::unique_ptr<SqlCompiler> MyDialect::make_compiler() const {
//     return std::make_unique<MyCompiler>(*this);
//   }
//
// Values never enter the SQL text: each becomes a placeholder with a BindSlot. One SqlCompiler
// compiles one statement; the dialect's compile cache keeps the result per statement shape.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sqlcore/sql/text.hpp"

namespace sqlcore {

class Column;
class Dialect;
class Table;
class Value;
enum class LockWait : std::uint8_t;  // sql/select.hpp
enum class RowLock : std::uint8_t;

namespace detail {
struct Node;
struct SelectData;
struct DmlData;
class Renderer;
/// Numbers the values written into a statement (see BindSlot::literal).
using LiteralIndex = std::unordered_map<const Value*, std::uint32_t>;
}  // namespace detail

/// An INSERT's conflict clause, for SqlCompiler::visit_upsert: on a conflict on
/// `conflict_columns` (of the partial unique index whose predicate is `target_where`, when not
/// empty), do nothing, or set each column of `set` to its value where `where` holds.
struct UpsertClause {
  const Table* table = nullptr;
  std::vector<const Column*> conflict_columns;
  std::string target_where;
  bool do_nothing = false;
  std::vector<std::pair<const Column*, std::shared_ptr<const detail::Node>>> set;
  std::shared_ptr<const detail::Node> where;
};

class SqlCompiler {
 public:
  explicit SqlCompiler(const Dialect& dialect);
  virtual ~SqlCompiler();
  SqlCompiler(const SqlCompiler&) = delete;
  SqlCompiler& operator=(const SqlCompiler&) = delete;

  /// The statement rendered for this compiler's dialect. `literals` numbers the values written
  /// into it (for the compile cache); `fresh_binds_per_row` gives each INSERT row its own
  /// placeholders (the batch form of a one-row INSERT).
  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile(
      const detail::SelectData& select, const detail::LiteralIndex* literals = nullptr);
  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile(
      const detail::DmlData& dml, const detail::LiteralIndex* literals = nullptr,
      bool fresh_binds_per_row = false);

  const Dialect& dialect() const { return dialect_; }

 protected:
  // ---- constructs a dialect may spell its own way; the defaults are standard SQL ----

  /// LIMIT / OFFSET (either may be absent).
  virtual void visit_limit_offset(std::string& out, std::optional<std::int64_t> limit,
                                  std::optional<std::int64_t> offset);
  /// Appended to a SELECT for for_update() / for_share(): " FOR UPDATE" or " FOR SHARE", then
  /// " NOWAIT" or " SKIP LOCKED".
  virtual void visit_row_lock(std::string& out, RowLock lock, LockWait wait);
  /// An INSERT's conflict clause: " ON CONFLICT (columns) DO UPDATE SET ... [WHERE ...]" or
  /// " DO NOTHING".
  virtual void visit_upsert(std::string& out, const UpsertClause& upsert);
  /// excluded(column): the value the INSERT proposed for `column`: "excluded.column".
  virtual void visit_excluded(std::string& out, const Column& column);
  /// String aggregation of `expr` with `separator` (both rendered): string_agg(expr, separator).
  virtual void visit_string_agg(std::string& out, const std::string& expr,
                                const std::string& separator);
  /// A DateTime expression moved by `seconds`, in the form this backend stores:
  /// (expr + INTERVAL 'n' SECOND).
  virtual void visit_datetime_add(std::string& out, const std::string& expr, std::int64_t seconds);
  /// A JSON member of `doc` as SQL text (a string without quotes, other values as JSON text);
  /// `path` holds the placeholders of the bound path: one (json_path_as_string()) or one per
  /// step. Standard SQL: JSON_VALUE(doc, path).
  virtual void visit_json_extract(std::string& out, const std::string& doc,
                                  const std::vector<std::string>& path);
  /// JSON paths are bound as one path string (`$."a"[0]`) rather than one value per step.
  virtual bool json_path_as_string() const { return true; }
  /// ILIKE exists; without it ilike() compiles to lower(a) LIKE lower(b).
  virtual bool supports_ilike() const { return false; }
  /// ORDER BY ... NULLS FIRST/LAST exists; without it an extra sort key emulates it.
  virtual bool supports_nulls_order() const { return true; }

  // ---- for the visit_ methods ----

  /// `ident` quoted as the dialect quotes identifiers.
  std::string quote(std::string_view ident) const;
  /// `value` as the value of `column`: a placeholder (checked by the column's type), or the
  /// expression.
  void render_value(std::string& out, const Column& column,
                    const std::shared_ptr<const detail::Node>& value);
  /// " WHERE condition" (nothing when `condition` is null).
  void render_where(std::string& out, const std::shared_ptr<const detail::Node>& condition);

 private:
  friend class detail::Renderer;
  const Dialect& dialect_;
  detail::Renderer* renderer_ = nullptr;  // the statement being compiled
};

}  // namespace sqlcore
