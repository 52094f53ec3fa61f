// The offline SQL renderer: a compiled statement with its bind slots written as SQL literals.
#include "migrate/migrate_internal.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/schema/types.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::migrate {

/// `cs` with its placeholders replaced by the values they would take, as SQL literals (a
/// placeholder whose value is not in `params` stays as it is): what offline mode writes and
/// on_statement reports.
std::string with_literals(const Dialect& d, const Executable& stmt, const Params& params) {
  const CompiledStatement& cs = stmt.compiled(d);
  const std::string& s = cs.sql;
  auto param = [&](std::size_t p) -> const Value* {
    if (p >= cs.param_names.size()) return nullptr;
    for (const auto& [name, v] : params)
      if (name == cs.param_names[p]) return &v;
    return nullptr;
  };
  auto literal = [&](std::size_t p) -> std::optional<std::string> {
    if (p < cs.slots.size()) {
      const BindSlot& slot = cs.slots[p];
      Value v;
      switch (slot.source) {
        case BindSlot::Source::param:
          if (const Value* given = param(p))
            v = *given;
          else
            return std::nullopt;
          break;
        case BindSlot::Source::fixed:
          v = stmt.fixed_value(slot);
          break;
        case BindSlot::Source::now:
          v = Timestamp::from_micros(Timestamp::now().micros() + slot.offset_us);
          break;
        case BindSlot::Source::client_default:
          v = slot.column->client_default();
          break;
      }
      if (slot.type) return d.literal_sql(slot.type->bind(std::move(v), slot.label), *slot.type);
      return d.literal_sql(v, types::Text);
    }
    if (const Value* given = param(p)) return d.literal_sql(*given, types::Text);
    return std::nullopt;
  };
  std::string out;
  std::size_t i = 0;
  auto copy_until = [&](std::string_view end) {
    std::size_t stop = s.find(end, i);
    stop = stop == std::string::npos ? s.size() : stop + end.size();
    out.append(s, i, stop - i);
    i = stop;
  };
  while (i < s.size()) {
    const char ch = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (ch == '\'' || ch == '"') {  // a quoted string or identifier; doubled quotes stay inside
      std::size_t j = i + 1;
      for (; j < s.size(); ++j)
        if (s[j] == ch) {
          if (j + 1 < s.size() && s[j + 1] == ch)
            ++j;
          else
            break;
        }
      j = std::min(j + 1, s.size());
      out.append(s, i, j - i);
      i = j;
    } else if (ch == '-' && next == '-') {
      copy_until("\n");
    } else if (ch == '/' && next == '*') {
      copy_until("*/");
    } else if ((ch == '?' || ch == '$') && std::isdigit(static_cast<unsigned char>(next))) {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + s.size(), n);
      const std::size_t len = static_cast<std::size_t>(end - (s.data() + i));
      auto lit = ec == std::errc() && n > 0 ? literal(n - 1) : std::nullopt;
      out += lit ? *lit : s.substr(i, len);
      i += len;
    } else {
      out += ch;
      ++i;
    }
  }
  return out;
}

}  // namespace sqlcore::migrate
