// TextClause: finds `:name` binds in raw SQL (skipping quotes, comments and casts) and renders them
// in each dialect's placeholder style, once per dialect.
#include "sqlcore/sql/text.hpp"

#include <atomic>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"

namespace sqlcore {

std::shared_ptr<const CompiledStatement> Executable::compile_batch(const Dialect&,
                                                                   std::size_t) const {
  return nullptr;
}

struct TextClause::State {
  std::string sql;
  // The statement split at its binds: literal[0] bind[0] literal[1] bind[1] ... literal[n].
  std::vector<std::string> literals;
  std::vector<std::size_t> binds;  // index into names
  std::vector<std::string> names;  // distinct, in order of first appearance

  std::mutex mu;
  std::vector<std::pair<const Dialect*, std::shared_ptr<const CompiledStatement>>> cache;
  // The first dialect's compilation, readable without the lock once published (most programs
  // use one dialect): `first` is written before `first_dialect` is stored with release order.
  std::shared_ptr<const CompiledStatement> first;
  std::atomic<const Dialect*> first_dialect{nullptr};
};

namespace {

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) {
  return ident_start(c) || (c >= '0' && c <= '9');
}

// Index just past a quoted run starting at `i` (s[i] is the quote); doubled quotes stay inside.
std::size_t skip_quoted(std::string_view s, std::size_t i, char q, bool backslash_escapes) {
  for (++i; i < s.size(); ++i) {
    if (backslash_escapes && s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == q) {
      if (i + 1 < s.size() && s[i + 1] == q) {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return s.size();
}

// PostgreSQL dollar quoting: $tag$ ... $tag$. Returns `i` unchanged when s[i] starts none.
std::size_t skip_dollar_quoted(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  while (j < s.size() && ident_char(s[j]) && !(s[j] >= '0' && s[j] <= '9' && j == i + 1)) ++j;
  if (j >= s.size() || s[j] != '$') return i;
  std::string_view tag = s.substr(i, j - i + 1);
  auto end = s.find(tag, j + 1);
  return end == s.npos ? s.size() : end + tag.size();
}

}  // namespace

TextClause::TextClause(std::string_view sql) : state_(std::make_shared<State>()) {
  State& st = *state_;
  st.sql = std::string(sql);
  std::string cur;
  std::string_view s = st.sql;
  std::unordered_map<std::string_view, std::size_t> index;  // name (a view into st.sql) -> idx
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    std::size_t next = i + 1;
    if (c == '\'') {
      bool escapes =
          i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !ident_char(s[i - 2]));
      next = skip_quoted(s, i, '\'', escapes);
    } else if (c == '"' || c == '`') {
      next = skip_quoted(s, i, c, false);
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      auto nl = s.find('\n', i);
      next = nl == s.npos ? s.size() : nl + 1;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      auto end = s.find("*/", i + 2);
      next = end == s.npos ? s.size() : end + 2;
    } else if (c == '$' && (i == 0 || !ident_char(s[i - 1]))) {
      std::size_t e = skip_dollar_quoted(s, i);
      if (e != i) next = e;
    } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == ':') {
      cur.push_back(':');  // an escaped colon is a literal colon
      i += 2;
      continue;
    } else if (c == ':') {
      if (i + 1 < s.size() && s[i + 1] == ':') {
        next = i + 2;  // a PostgreSQL cast
      } else if (i + 1 < s.size() && ident_start(s[i + 1]) &&
                 (i == 0 || (s[i - 1] != ':' && !ident_char(s[i - 1])))) {  // not a[lo:hi]
        std::size_t j = i + 1;
        while (j < s.size() && ident_char(s[j])) ++j;
        std::string_view name = s.substr(i + 1, j - i - 1);
        auto [it, added] = index.try_emplace(name, st.names.size());
        std::size_t idx = it->second;
        if (added) st.names.emplace_back(name);
        st.literals.push_back(std::move(cur));
        cur.clear();
        st.binds.push_back(idx);
        i = j;
        continue;
      }
    }
    cur.append(s.substr(i, next - i));
    i = next;
  }
  st.literals.push_back(std::move(cur));
}

const CompiledStatement& TextClause::compiled(const Dialect& dialect) const {
  State& st = *state_;
  if (st.first_dialect.load(std::memory_order_acquire) == &dialect) return *st.first;
  return *compile(dialect);  // kept alive by the cache in State
}

const std::string& TextClause::sql() const {
  return state_->sql;
}
const std::vector<std::string>& TextClause::bind_names() const {
  return state_->names;
}

std::shared_ptr<const CompiledStatement> TextClause::compile(const Dialect& dialect) const {
  State& st = *state_;
  if (st.first_dialect.load(std::memory_order_acquire) == &dialect) return st.first;
  std::lock_guard lock(st.mu);
  for (const auto& [d, c] : st.cache)
    if (d == &dialect) return c;
  auto out = std::make_shared<CompiledStatement>();
  out->param_names = st.names;
  for (std::size_t k = 0; k < st.binds.size(); ++k) {
    out->sql += st.literals[k];
    dialect.append_placeholder(out->sql, st.binds[k] + 1);
  }
  out->sql += st.literals.back();
  if (out->param_names.size() > dialect.max_parameters())
    throw CompileError("statement has " + std::to_string(out->param_names.size()) +
                       " parameters; " + std::string(dialect.name()) + " allows at most " +
                       std::to_string(dialect.max_parameters()));
  st.cache.emplace_back(&dialect, out);
  if (st.cache.size() == 1) {
    st.first = out;
    st.first_dialect.store(&dialect, std::memory_order_release);
  }
  return out;
}

}  // namespace sqlcore
