// The values of one execution of an expression statement: named parameters, values written into
// the statement (each statement's own literals), now() computed at execution and client-side
// defaults, checked and converted by their columns' types.
#include "engine/bind_values.hpp"

#include <algorithm>
#include <optional>

#include "sqlcore/core/detail/short_text.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/schema/table.hpp"

namespace sqlcore::detail {

void resolve_values(const CompiledStatement& c, std::span<const Value* const> literals,
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

}  // namespace sqlcore::detail
