// text(): a raw SQL statement with named binds (`:name`) rewritten per dialect; Executable.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sqlcore {

class Dialect;

/// A statement rendered for one dialect. Placeholder i (0-based, in the dialect's style: `?1` or
/// `$1`) takes the parameter named `param_names[i]`.
struct CompiledStatement {
  std::string sql;
  std::vector<std::string> param_names;
};

/// Anything a Connection can execute. compile() is called once per dialect and cached by the
/// implementation; it must be thread-safe.
class Executable {
 public:
  virtual ~Executable() = default;
  virtual std::shared_ptr<const CompiledStatement> compile(const Dialect& dialect) const = 0;
  /// The same compilation without taking shared ownership (the hot path of execute()): valid as
  /// long as this Executable lives. Must be thread-safe, like compile().
  virtual const CompiledStatement& compiled(const Dialect& dialect) const = 0;
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

  std::shared_ptr<const CompiledStatement> compile(const Dialect& dialect) const override;
  const CompiledStatement& compiled(const Dialect& dialect) const override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

inline TextClause text(std::string_view sql) {
  return TextClause(sql);
}

}  // namespace sqlcore
