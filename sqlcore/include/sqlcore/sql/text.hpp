// text(): a raw SQL statement with named binds (`:name`) rewritten per dialect; Executable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/types.hpp"

namespace sqlcore {

class Column;
class Dialect;

/// Where placeholder i of a compiled expression statement gets its value, when that is not simply
/// the execution's parameter `param_names[i]`, and how the value is checked on the way.
struct BindSlot {
  enum class Source {
    param,           // the execution's parameter named param_names[i]
    fixed,           // `value`: written into the statement
    now,             // the time of execution plus `offset_us`
    client_default,  // `column`'s client-side default, evaluated per execution
  };
  Source source = Source::param;
  /// A `fixed` value: for a value written into an expression statement, the one of the
  /// statement this was first compiled from. Statements of the same structure share one
  /// compilation, so execution takes the executing statement's own value, its literal number
  /// `literal` (Executable::literals()); `value` is used as is only when `literal` is kNoLiteral.
  Value value;
  static constexpr std::uint32_t kNoLiteral = 0xffffffff;
  std::uint32_t literal = kNoLiteral;
  std::int64_t offset_us = 0;
  const Column* column = nullptr;
  /// Checks and converts the value (Type::bind) when set; `label` names the column in errors.
  std::optional<Type> type;
  std::string label;
};

/// A statement rendered for one dialect. Placeholder i (0-based, in the dialect's style: `?1` or
/// `$1`) takes the parameter named `param_names[i]`, unless `slots` (then the same size) says
/// otherwise.
struct CompiledStatement {
  std::string sql;
  std::vector<std::string> param_names;
  /// Empty for text(): every placeholder is a named parameter as given.
  std::vector<BindSlot> slots;
  /// Every slot takes an execution parameter (bindparam()s only, typed or not).
  bool params_only = false;
  /// Internal to the execute path (src/sql/slot_checks.hpp, not API): per slot, its type
  /// (pointing into `slots`) or nullptr, and the Value kind it takes unchecked. Not copied with
  /// the statement.
  std::vector<const Type*> slot_types;
  std::vector<std::uint8_t> slot_pass;
  /// Per result column, the type that reads it (Type::result); empty when none is known.
  std::vector<std::optional<Type>> result_types;
  /// The statement may leave state in the database session beyond its transaction (SET,
  /// temporary objects, session advisory locks, LISTEN, PREPARE, PRAGMA, ATTACH ...): a pooled
  /// connection that ran it is reset when it returns (EngineOptions::session_reset).
  bool changes_session = false;
};

/// True when `sql` may leave state in the session beyond its transaction (see
/// CompiledStatement::changes_session): a look at its first keywords and at the names of the
/// functions that do, on every backend. Errs toward true.
bool may_change_session(std::string_view sql);

/// Anything a Connection can execute. compile() is called once per dialect and cached by the
/// implementation; it must be thread-safe.
class Executable {
 public:
  virtual ~Executable() = default;
  [[nodiscard]] virtual std::shared_ptr<const CompiledStatement> compile(
      const Dialect& dialect) const = 0;
  /// The same compilation without taking shared ownership (the hot path of execute()): valid as
  /// long as this Executable lives. Must be thread-safe, like compile().
  [[nodiscard]] virtual const CompiledStatement& compiled(const Dialect& dialect) const = 0;
  /// For execute_many(): this statement for `rows` parameter sets at once (a multi-row INSERT),
  /// whose placeholders are `rows` copies of compiled()'s, in order; nullptr when the statement
  /// has no such form (the default).
  [[nodiscard]] virtual std::shared_ptr<const CompiledStatement> compile_batch(
      const Dialect& dialect, std::size_t rows) const;
  /// For execute_many() and Connection::bulk_insert(): the columns a plain single-row INSERT
  /// fills (no RETURNING, no ON CONFLICT, no SELECT; each value a bound value, a literal, now()
  /// or a client-side default), in the order of its placeholders; empty for any other statement
  /// (the default). The rows of such a statement can be loaded by the driver's bulk path.
  [[nodiscard]] virtual std::vector<const Column*> bulk_columns() const { return {}; }
  /// The values written into this statement, numbered as BindSlot::literal counts them; valid
  /// after compiled() and as long as this Executable lives. Empty by default (text()).
  virtual std::span<const Value* const> literals() const { return {}; }
  /// The value a `fixed` slot of this statement's compilation takes.
  const Value& fixed_value(const BindSlot& slot) const {
    if (slot.literal == BindSlot::kNoLiteral) return slot.value;
    return *literals()[slot.literal];
  }
};

/// A raw SQL statement with named binds: `text("SELECT * FROM t WHERE id = :id")`.
///
/// A bind is `:name` (a letter or underscore, then letters, digits or underscores) where the colon
/// does not follow a letter, digit or underscore (so `arr[lo:hi]` is an array slice). Left alone:
/// quoted strings ('...', E'...' and $tag$...$tag$), quoted identifiers ("..."), comments (-- and
/// /* */), PostgreSQL casts (`::int`) and `\:` (an escaped literal colon, written as `:`). The
/// same name may appear several times and takes one value. Values are always bound, never spliced
/// into the SQL text.
///
/// Copies share one compilation cache; a TextClause is safe to use from several threads.
class TextClause final : public Executable {
 public:
  explicit TextClause(std::string_view sql);

  /// The statement as written.
  const std::string& sql() const;
  /// The distinct bind names in order of first appearance.
  const std::vector<std::string>& bind_names() const;

  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile(
      const Dialect& dialect) const override;
  [[nodiscard]] const CompiledStatement& compiled(const Dialect& dialect) const override;
  /// The statement for `rows` parameter sets at once, when it is a one-row
  /// `INSERT INTO t [(columns)] VALUES (row)`, optionally followed by
  /// `ON CONFLICT [target] DO NOTHING`: the row repeated `rows` times, each copy with its own
  /// placeholders. Only a row of binds, literals, casts, operators and functions that read no
  /// table qualifies (docs/sql.md lists them); any other statement (RETURNING, DO UPDATE, a
  /// subquery, INSERT ... SELECT, several statements) returns nullptr and execute_many() runs
  /// it once per parameter set.
  [[nodiscard]] std::shared_ptr<const CompiledStatement> compile_batch(
      const Dialect& dialect, std::size_t rows) const override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

inline TextClause text(std::string_view sql) {
  return TextClause(sql);
}

}  // namespace sqlcore
