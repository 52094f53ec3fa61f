// TextClause: finds `:name` binds in raw SQL (skipping quotes, comments and casts) and renders them
// in each dialect's placeholder style, once per dialect.
#include "sqlcore/sql/text.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "sql/text_batch.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"

namespace sqlcore {

std::shared_ptr<const CompiledStatement> Executable::compile_batch(const Dialect&,
                                                                   std::size_t) const {
  return nullptr;
}

using detail::BatchShape;

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

  // compile_batch (under `mu`): whether the statement is a one-row INSERT ... VALUES that takes
  // many rows as one statement (decided at the first call), where its row is, and the batch
  // forms made so far.
  enum class Batchable : std::uint8_t { unknown, no, yes };
  Batchable batchable = Batchable::unknown;
  BatchShape shape;
  struct Batch {
    const Dialect* dialect;
    std::size_t rows;
    std::shared_ptr<const CompiledStatement> compiled;
  };
  std::vector<Batch> batches;
};

using detail::ident_char;
using detail::ident_start;
using detail::skip_dollar_quoted;
using detail::skip_quoted;

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
      next = skip_quoted(s, i, '\'', detail::escape_string_at(s, i));
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

namespace {

// The next keyword at or after `i` (upper case, letters and underscores), skipping blanks,
// comments and opening parentheses; empty at the end or before anything else.
std::string next_keyword(std::string_view sql, std::size_t& i) {
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) i = sql.size();
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      i = i == std::string_view::npos ? sql.size() : i + 2;
    } else {
      break;
    }
  }
  std::string kw;
  while (i < sql.size() && (std::isalpha(static_cast<unsigned char>(sql[i])) != 0 || sql[i] == '_'))
    kw.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  return kw;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         }) != hay.end();
}

}  // namespace

bool may_change_session(std::string_view sql) {
  std::size_t i = 0;
  const std::string first = next_keyword(sql, i);
  if (first == "SET") {
    // SET LOCAL, SET TRANSACTION and SET CONSTRAINTS last as long as the transaction.
    const std::string second = next_keyword(sql, i);
    return second != "LOCAL" && second != "TRANSACTION" && second != "CONSTRAINTS";
  }
  if (first == "RESET" || first == "DISCARD" || first == "PREPARE" || first == "DECLARE" ||
      first == "LISTEN" || first == "UNLISTEN" || first == "LOAD" || first == "ATTACH" ||
      first == "DETACH" || first == "DO" || first == "CALL")
    return true;
  if (first == "CREATE") {
    for (int k = 0; k < 4; ++k) {
      const std::string kw = next_keyword(sql, i);
      if (kw == "TEMP" || kw == "TEMPORARY") return true;
      if (kw != "OR" && kw != "REPLACE" && kw != "GLOBAL" && kw != "LOCAL" && kw != "UNLOGGED")
        break;
    }
    return false;
  }
  if (first == "PRAGMA") {
    // `PRAGMA name` reads a setting; `PRAGMA name = v` and `PRAGMA name(v)` set one, except the
    // pragmas that only read (table_info(t) ...).
    std::string name = next_keyword(sql, i);
    if (i < sql.size() && sql[i] == '.') name = next_keyword(sql, ++i);  // schema.name
    std::size_t j = i;
    while (j < sql.size() && (sql[j] == ' ' || sql[j] == '\t' || sql[j] == '\n')) ++j;
    if (j >= sql.size() || sql[j] == ';') return false;
    if (sql[j] == '=') return true;
    static const char* const kReadOnly[] = {
        "TABLE_INFO",      "TABLE_XINFO", "TABLE_LIST",       "INDEX_LIST",
        "INDEX_INFO",      "INDEX_XINFO", "FOREIGN_KEY_LIST", "FOREIGN_KEY_CHECK",
        "INTEGRITY_CHECK", "QUICK_CHECK", "DATABASE_LIST",    "COLLATION_LIST",
        "FUNCTION_LIST",   "MODULE_LIST", "PRAGMA_LIST",      "COMPILE_OPTIONS"};
    for (const char* ro : kReadOnly)
      if (name == ro) return false;
    return true;
  }
  // A query can call a function that changes the session.
  return contains_ci(sql, "advisory_lock") || contains_ci(sql, "set_config") ||
         contains_ci(sql, "load_extension");
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
  out->changes_session = may_change_session(out->sql);
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

std::shared_ptr<const CompiledStatement> TextClause::compile_batch(const Dialect& dialect,
                                                                   std::size_t rows) const {
  State& st = *state_;
  if (rows < 2 || st.names.empty()) return nullptr;
  std::lock_guard lock(st.mu);
  if (st.batchable == State::Batchable::unknown) {
    std::vector<std::string_view> binds;  // the names of the binds in order, as the parser saw
    binds.reserve(st.binds.size());
    for (std::size_t b : st.binds) binds.emplace_back(st.names[b]);
    st.batchable = detail::find_batch_shape(st.sql, binds, st.shape) ? State::Batchable::yes
                                                                     : State::Batchable::no;
  }
  if (st.batchable == State::Batchable::no) return nullptr;
  for (const State::Batch& b : st.batches)
    if (b.dialect == &dialect && b.rows == rows) return b.compiled;
  const std::size_t n = st.names.size();
  if (rows * n > dialect.max_parameters()) return nullptr;
  // The statement up to its row, the row once per parameter set (the binds of set r numbered
  // after those of the sets before it), then the rest.
  const BatchShape& sh = st.shape;
  auto out = std::make_shared<CompiledStatement>();
  std::string& sql = out->sql;
  sql.reserve(st.sql.size() + (rows - 1) * (sh.row_end - sh.row_begin + 8));
  sql.append(st.sql, 0, sh.row_begin);
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) sql += ", ";
    std::size_t at = sh.row_begin;
    for (std::size_t k = 0; k < st.binds.size(); ++k) {
      sql.append(st.sql, at, sh.bind_begin[k] - at);
      dialect.append_placeholder(sql, r * n + st.binds[k] + 1);
      at = sh.bind_end[k];
    }
    sql.append(st.sql, at, sh.row_end - at);
  }
  sql.append(st.sql, sh.row_end, std::string::npos);
  out->param_names.reserve(rows * n);
  for (std::size_t r = 0; r < rows; ++r)
    out->param_names.insert(out->param_names.end(), st.names.begin(), st.names.end());
  // Few sizes are ever asked for (one per dialect from execute_many); keep a handful.
  if (st.batches.size() >= 4) st.batches.erase(st.batches.begin());
  st.batches.push_back({&dialect, rows, out});
  return out;
}

}  // namespace sqlcore
