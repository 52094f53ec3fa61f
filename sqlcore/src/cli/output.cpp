// The commands' text output: colours, aligned tables, and how revisions are named.
#include "cli_internal.hpp"

#include <algorithm>

namespace sqlcore::cli {

// ---- output helpers ---------------------------------------------------------------------------

/// Display width of UTF-8 text (code points; good enough for names and messages).
std::size_t width_of(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {

std::string paint(bool color, const char* code, std::string_view s) {
  if (!color || s.empty()) return std::string(s);
  return std::string("\033[") + code + "m" + std::string(s) + "\033[0m";
}

}  // namespace

std::string bold(bool color, std::string_view s) {
  return paint(color, "1", s);
}
std::string green(bool color, std::string_view s) {
  return paint(color, "32", s);
}
std::string yellow(bool color, std::string_view s) {
  return paint(color, "33", s);
}
std::string dim(bool color, std::string_view s) {
  return paint(color, "2", s);
}

/// Columns separated by two blanks, padded to the widest cell; the header bold (or underlined
/// with dashes without colour). The last column is not padded.
void print_table(std::ostream& out, bool color, const std::vector<std::string>& header,
                 const Rows& rows) {
  std::vector<std::size_t> w(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) w[i] = width_of(header[i]);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], width_of(r[i]));
  }
  auto line = [&](const std::vector<std::string>& cells, bool is_header) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::string cell = cells[i];
      if (i + 1 < cells.size()) cell += std::string(w[i] - width_of(cells[i]) + 2, ' ');
      text += cell;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << (is_header ? bold(color, text) : text) << '\n';
  };
  line(header, true);
  if (!color) {
    std::vector<std::string> dashes;
    for (std::size_t i = 0; i < header.size(); ++i) dashes.emplace_back(w[i], '-');
    line(dashes, false);
  }
  for (const auto& r : rows) line(r, false);
}
std::string joined(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

json opt_json(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

std::string message_of(const migrate::History& h, const std::string& id) {
  const migrate::Revision* r = h.find(id);
  return r ? r->message : std::string();
}

std::string at_text(Context& ctx, const std::optional<std::string>& current) {
  const auto& h = *ctx.app().history;
  if (!current) return "base (no revision applied)";
  std::string s = *current;
  if (current == h.head()) s += " (head)";
  return s;
}

}  // namespace sqlcore::cli
