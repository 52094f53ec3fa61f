// Executing expression statements: placeholders whose values are written into the statement,
// computed at execution (now()), client-side defaults, or named parameters checked by a column
// type; results read through their columns' types.
#include <algorithm>
#include <array>
#include <optional>
#include <span>

#include "engine/engine_state.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/row.hpp"
#include "sqlcore/schema/table.hpp"

namespace sqlcore {

namespace {

// The values of one execution, one per placeholder, written to `out` as pointers: into
// `params`, into the compiled statement (fixed values), or into `made` (computed or converted).
// `made` is reserved once, for `capacity` values, so pointers into it stay valid.
void resolve(const CompiledStatement& c, std::span<const Value* const> literals,
             const Params& params, const Value** out, std::vector<Value>& made,
             std::size_t capacity) {
  auto keep = [&](Value v) -> const Value* {
    if (made.capacity() == 0) made.reserve(capacity);
    made.push_back(std::move(v));
    return &made.back();
  };
  std::optional<Timestamp> now;
  std::size_t next_param = 0;  // parameters usually come in the statement's order
  std::size_t param_slots = 0;
  Value scratch;
  for (std::size_t i = 0; i < c.slots.size(); ++i) {
    const BindSlot& s = c.slots[i];
    const Value* v = nullptr;
    switch (s.source) {
      case BindSlot::Source::param: {
        ++param_slots;
        const std::string& name = c.param_names[i];
        if (next_param < params.size() && detail::same_short_text(params[next_param].first, name)) {
          v = &params[next_param++].second;
        } else {
          auto it = std::find_if(params.begin(), params.end(),
                                 [&](const Param& p) { return p.first == name; });
          if (it == params.end())
            throw ArgumentError("missing value for bind parameter ':" + name +
                                "'\n[SQL: " + abbreviate_sql(c.sql) + "]");
          v = &it->second;
        }
        break;
      }
      case BindSlot::Source::fixed:
        // A value written into the statement: the executing statement's own (see BindSlot).
        v = s.literal == BindSlot::kNoLiteral ? &s.value : literals[s.literal];
        break;
      case BindSlot::Source::now:
        if (!now) now = Timestamp::now();
        v = keep(Timestamp::from_micros(now->micros() + s.offset_us));
        break;
      case BindSlot::Source::client_default:
        // Checked by the column's type already.
        out[i] = keep(s.column->client_default());
        continue;
    }
    if (s.type && !s.type->passes(*v)) {
      const Value& r = s.type->bind_ref(*v, s.label, scratch);
      v = &r == &scratch ? keep(std::move(scratch)) : &r;
    }
    out[i] = v;
  }
  // Every given parameter must be one the statement takes. When as many were given as there are
  // named placeholders, and each found its own, none is unknown.
  if (params.size() != param_slots) {
    for (const auto& [name, value] : params) {
      if (std::find(c.param_names.begin(), c.param_names.end(), name) == c.param_names.end()) {
        std::string known;
        for (const auto& n : c.param_names)
          if (!n.empty() && known.find(":" + n) == std::string::npos)
            known += (known.empty() ? ":" : ", :") + n;
        throw ArgumentError("unknown bind parameter ':" + name + "' (the statement takes " +
                            (known.empty() ? std::string("none") : known) +
                            ")\n[SQL: " + abbreviate_sql(c.sql) + "]");
      }
    }
    throw ArgumentError("a bind parameter is given twice\n[SQL: " + abbreviate_sql(c.sql) + "]");
  }
}

}  // namespace

Result Connection::execute_typed(const Executable& stmt, const CompiledStatement* compiled,
                                 const Params& params) {
  // Shared ownership: the Result reads its column types from the compilation, which must outlive
  // a temporary statement (`conn.execute(select(...))`).
  std::shared_ptr<const CompiledStatement> keep;
  if (!compiled->result_types.empty()) {
    keep = stmt.compile(state_->dialect());
    compiled = keep.get();
  }
  const std::size_t n = compiled->param_names.size();
  constexpr std::size_t kInline = 32;
  std::array<const Value*, kInline> inline_values;  // no allocation for ordinary statements
  std::vector<const Value*> heap_values;
  if (n > kInline) heap_values.resize(n);
  const Value** values = n > kInline ? heap_values.data() : inline_values.data();
  std::vector<Value> made;
  if (compiled->slots.empty()) {
    // Plain named parameters (only result types are special).
    for (std::size_t i = 0; i < compiled->param_names.size(); ++i) {
      const std::string& name = compiled->param_names[i];
      auto it = std::find_if(params.begin(), params.end(),
                             [&](const Param& p) { return p.first == name; });
      if (it == params.end())
        throw ArgumentError("missing value for bind parameter ':" + name +
                            "'\n[SQL: " + abbreviate_sql(compiled->sql) + "]");
      values[i] = &it->second;
    }
    for (const auto& [name, value] : params)
      if (std::find(compiled->param_names.begin(), compiled->param_names.end(), name) ==
          compiled->param_names.end())
        throw ArgumentError("unknown bind parameter ':" + name +
                            "'\n[SQL: " + abbreviate_sql(compiled->sql) + "]");
  } else {
    resolve(*compiled, stmt.literals(), params, values, made, n);
  }
  DriverConnection& c = state_->conn();
  // Outside sqlcore's transactions (a BEGIN sent as text() is taken for autocommit too: that
  // only errs toward "in doubt").
  const bool autocommit = state_->tx_stack().empty();
  try {
    return Result(c.execute(compiled->sql, std::span<const Value* const>(values, n)),
                  std::move(keep));
  } catch (const DatabaseError& e) {
    // A value the driver refused before sending anything: name its column or parameter.
    if (e.backend() == "sqlcore")
      detail::check_bindable(*compiled, std::span<const Value* const>(values, n));
    state_->on_error(e);
    detail::raise_if_in_doubt(e, compiled->sql, false, autocommit);
    throw;
  }
}

std::int64_t Connection::execute_many_typed(const Executable& stmt,
                                            const CompiledStatement& compiled,
                                            const std::vector<Params>& param_sets) {
  // Every row is checked before anything is sent: a bad row leaves nothing behind.
  const std::size_t n = compiled.slots.size();
  std::vector<Value> made;
  std::vector<const Value*> values(n * param_sets.size());
  const std::span<const Value* const> literals = stmt.literals();
  for (std::size_t r = 0; r < param_sets.size(); ++r)
    resolve(compiled, literals, param_sets[r], values.data() + r * n, made, n * param_sets.size());
  return run_many(stmt, compiled, values, param_sets.size());
}

}  // namespace sqlcore
