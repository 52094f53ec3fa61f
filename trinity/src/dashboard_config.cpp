// Reading an agent's dashboard configuration (see dashboard_config.hpp).
#include "dashboard_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "text.hpp"

namespace trinity::db {

namespace {

using sqlcore::Json;

/// `text` as a number once its ',', '%' and '$' and surrounding blanks are gone, when finite.
std::optional<double> number_in(std::string_view text) {
  std::string digits;
  std::copy_if(text.begin(), text.end(), std::back_inserter(digits),
               [](char ch) { return ch != ',' && ch != '%' && ch != '$'; });
  digits = trimmed(digits);
  double out = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      !std::isfinite(out))
    return std::nullopt;
  return out;
}

/// The member `name` of `j` when `j` is an object that has one, else nullptr.
const Json* member(const Json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

/// The member `name` of `j` when it is a string that is not blank.
std::optional<std::string> text_member(const Json& j, const char* name) {
  const Json* m = member(j, name);
  if (!m || !m->is_string() || trimmed(m->get<std::string>()).empty()) return std::nullopt;
  return m->get<std::string>();
}

/// The tracked widget `widget` at `position` with its value, or nullopt.
std::optional<TrackedWidget> tracked(const Json& widget, const std::string& position) {
  static const std::set<std::string> kTracked = {"metric", "progress", "status"};
  const std::optional<std::string> type = text_member(widget, "type");
  if (!type || !kTracked.contains(*type)) return std::nullopt;
  TrackedWidget c{
      .key = trimmed(
          text_member(widget, "id").value_or(text_member(widget, "key").value_or(position))),
      .label = text_member(widget, "label"),
      .type = *type,
      .text = text_member(widget, "value")};
  const Json* value = member(widget, "value");
  if (c.text)
    c.numeric = number_in(*c.text);
  else if (value && value->is_number() && std::isfinite(value->get<double>()))
    c.numeric = value->get<double>();
  if (!c.numeric && !c.text) return std::nullopt;
  return c;
}

}  // namespace

// Key order: concurrent captures of one snapshot insert, and so lock, its rows in one order.
std::vector<TrackedWidget> tracked_widgets(const Json& config) {
  std::vector<const Json*> sections = {&config};  // {"widgets": [...]}: one section
  if (const Json* list = member(config, "sections"); list && list->is_array()) {
    sections.clear();
    for (const Json& section : *list) sections.push_back(&section);
  }
  std::map<std::string, TrackedWidget> out;
  for (std::size_t s = 0; s < sections.size(); ++s) {
    const Json* widgets = member(*sections[s], "widgets");
    for (std::size_t w = 0; widgets && widgets->is_array() && w < widgets->size(); ++w) {
      auto c = tracked((*widgets)[w], "s" + std::to_string(s) + "_w" + std::to_string(w));
      if (c) out.emplace(c->key, std::move(*c));
    }
  }
  std::vector<TrackedWidget> list;
  for (auto& entry : out) list.push_back(std::move(entry.second));
  return list;
}

}  // namespace trinity::db
