// Inspector: sorts and checks what the backend's Reflector reads, recognises the portable types
// (including those only a CHECK reveals) and builds Tables from it.
#include "sqlcore/inspect/inspector.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "inspect/reflector.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"

namespace sqlcore {

// ---- text readers ---------------------------------------------------------------------------

namespace detail {

void skip_blanks(std::string_view s, std::size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

std::string read_identifier(std::string_view s, std::size_t& i) {
  skip_blanks(s, i);
  std::string out;
  if (i < s.size() && (s[i] == '"' || s[i] == '`' || s[i] == '[')) {
    const char close = s[i] == '[' ? ']' : s[i];
    ++i;
    while (i < s.size()) {
      if (s[i] == close) {
        if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
          out.push_back(close);
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      out.push_back(s[i++]);
    }
    return out;
  }
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                          static_cast<unsigned char>(s[i]) >= 0x80))
    out.push_back(s[i++]);
  return out;
}

std::optional<std::string> read_string_literal(std::string_view s, std::size_t& i) {
  skip_blanks(s, i);
  if (i >= s.size() || s[i] != '\'') return std::nullopt;
  std::string out;
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      ++i;
      return out;
    }
    out.push_back(s[i]);
  }
  return std::nullopt;
}

std::optional<std::string> read_parenthesized(std::string_view s, std::size_t& i) {
  skip_blanks(s, i);
  if (i >= s.size() || s[i] != '(') return std::nullopt;
  int depth = 0;
  const std::size_t start = i + 1;
  char quote = 0;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (quote) {
      if (ch == quote) quote = 0;  // a doubled quote closes and reopens: same effect
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '(') {
      ++depth;
    } else if (ch == ')' && --depth == 0) {
      std::string out(s.substr(start, i - start));
      ++i;
      return out;
    }
  }
  return std::nullopt;
}

bool starts_with_word(std::string_view s, std::size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (std::toupper(static_cast<unsigned char>(s[i + k])) != word[k]) return false;
  return i + word.size() == s.size() ||
         !(std::isalnum(static_cast<unsigned char>(s[i + word.size()])) ||
           s[i + word.size()] == '_');
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_top_level(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (quote) {
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '(') {
      ++depth;
    } else if (ch == ')') {
      --depth;
    } else if (ch == ',' && depth == 0) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  std::string last = trim(s.substr(start));
  if (!last.empty() || !out.empty()) out.push_back(std::move(last));
  return out;
}

std::string strip_outer_parens(std::string_view s) {
  std::string cur = trim(s);
  while (!cur.empty() && cur.front() == '(') {
    std::size_t i = 0;
    auto inner = read_parenthesized(cur, i);
    if (!inner || i != cur.size()) break;  // "(a) + (b)": the parentheses do not enclose it all
    cur = trim(*inner);
  }
  return cur;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

std::vector<std::string> split_unit(std::string_view s) {
  std::vector<std::string> out(1);
  for (const char ch : s) {
    if (ch == '\x1f')
      out.emplace_back();
    else
      out.back().push_back(ch);
  }
  return out;
}

namespace {

/// The end of the type name of a `::type` cast starting at s[i]: one word, or a type PostgreSQL
/// spells in several ("character varying", "timestamp with time zone"), then an optional
/// "(n)" and "[]". What follows (" AND x ...") is not part of it.
std::size_t skip_cast_type(std::string_view s, std::size_t i) {
  static constexpr std::string_view kMultiWord[] = {"character varying",
                                                    "double precision",
                                                    "bit varying",
                                                    "timestamp with time zone",
                                                    "timestamp without time zone",
                                                    "time with time zone",
                                                    "time without time zone"};
  auto word_end = [&](std::size_t at) {
    while (at < s.size() && (std::isalnum(static_cast<unsigned char>(s[at])) || s[at] == '_')) ++at;
    return at;
  };
  const std::size_t start = i;
  i = word_end(i);
  for (;;) {
    std::size_t next = i;
    while (next < s.size() && s[next] == ' ') ++next;
    const std::size_t next_end = word_end(next);
    if (next == i || next_end == next) break;
    std::string candidate = to_upper(s.substr(start, next_end - start));
    bool prefix = false;
    for (std::string_view m : kMultiWord) {
      const std::string um = to_upper(m);
      prefix = prefix || (um.rfind(candidate, 0) == 0 &&
                          (um.size() == candidate.size() || um[candidate.size()] == ' '));
    }
    if (!prefix) break;
    i = next_end;
  }
  if (i < s.size() && s[i] == '(') {
    const std::size_t close = s.find(')', i);
    if (close != std::string_view::npos) i = close + 1;
  }
  while (i + 1 < s.size() && s[i] == '[' && s[i + 1] == ']') i += 2;
  return i;
}

}  // namespace

std::string loose_sql(std::string_view s, bool drop_string_quotes) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      i = skip_cast_type(s, i + 2) - 1;
      continue;
    }
    if (ch == '"' || ch == '(' || ch == ')' || (drop_string_quotes && ch == '\'') ||
        std::isspace(static_cast<unsigned char>(ch)))
      continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

}  // namespace detail

namespace {

std::string loose(std::string_view s) {
  return detail::loose_sql(s, false);
}

bool is_time_kind(const Type& t) {
  return t.kind() == TypeKind::date_time || t.kind() == TypeKind::date ||
         t.kind() == TypeKind::time;
}

template <class T>
void sort_by_name(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

}  // namespace

// ---- Inspector ------------------------------------------------------------------------------

Inspector::Inspector(Connection& conn)
    : dialect_(&conn.dialect()), reflector_(conn.dialect().reflector(conn)) {
  if (!reflector_)
    throw CompileError("Inspector: dialect '" + std::string(conn.dialect().name()) +
                       "' cannot read its catalog (its Dialect::reflector() returns none)");
}

Inspector::Inspector(const Dialect& dialect, std::unique_ptr<detail::Reflector> reflector)
    : dialect_(&dialect), reflector_(std::move(reflector)) {
  if (!reflector_) throw ArgumentError("Inspector: no catalog reader given");
}

Inspector::~Inspector() = default;

std::vector<std::string> Inspector::table_names() {
  std::vector<std::string> out;
  for (auto& n : reflector_->table_names())
    if (n.rfind("sqlite_", 0) != 0 && n.rfind("sqlcore_", 0) != 0) out.push_back(std::move(n));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Inspector::has_table(std::string_view name) {
  return reflector_->has_table(name);
}

void Inspector::require_table(std::string_view table) {
  if (!reflector_->has_table(table))
    throw ArgumentError("Inspector: no table '" + std::string(table) + "' in the database");
}

std::vector<ColumnInfo> Inspector::columns(std::string_view table) {
  require_table(table);
  auto out = reflector_->columns(table);
  for (auto& col : out)
    if (!col.type) col.type = reflector_->portable_type(col.type_sql);
  // Types only a CHECK reveals: an Enum is a VARCHAR with an IN list, SQLite's Json is TEXT.
  for (const auto& ck : reflector_->checks(table)) {
    auto found = reflector_->type_from_check(ck);
    if (!found) continue;
    for (auto& col : out) {
      if (col.name != found->first) continue;
      if (!col.type || col.type->kind() == TypeKind::string || col.type->kind() == TypeKind::text)
        col.type = found->second;
    }
  }
  return out;
}

PrimaryKeyInfo Inspector::primary_key(std::string_view table) {
  require_table(table);
  return reflector_->primary_key(table);
}

std::vector<UniqueInfo> Inspector::unique_constraints(std::string_view table) {
  require_table(table);
  auto out = reflector_->unique_constraints(table);
  sort_by_name(out);
  return out;
}

std::vector<IndexInfo> Inspector::indexes(std::string_view table) {
  require_table(table);
  auto out = reflector_->indexes(table);
  sort_by_name(out);
  return out;
}

std::vector<ForeignKeyInfo> Inspector::foreign_keys(std::string_view table) {
  require_table(table);
  auto out = reflector_->foreign_keys(table);
  sort_by_name(out);
  return out;
}

std::vector<CheckInfo> Inspector::checks(std::string_view table) {
  require_table(table);
  auto out = reflector_->checks(table);
  sort_by_name(out);
  return out;
}

Table& Inspector::reflect(MetaData& metadata, std::string_view table) {
  require_table(table);
  if (metadata.find_table(table))
    throw ArgumentError("Inspector::reflect: the MetaData already has a table '" +
                        std::string(table) + "'");
  const Dialect& d = *dialect_;
  const auto cols = columns(table);
  const auto pk = primary_key(table);
  const auto uniques = unique_constraints(table);
  const auto ixs = indexes(table);
  const auto fks = foreign_keys(table);
  const auto cks = checks(table);

  // Built in a scratch MetaData first, so that a catalog the model refuses leaves `metadata`
  // as it was.
  auto build = [&](Table& t) {
    for (const ColumnInfo& info : cols) {
      const Type type = info.type.value_or(types::Text);
      Column& c = t.column(info.name, type);
      const bool in_pk =
          std::find(pk.columns.begin(), pk.columns.end(), info.name) != pk.columns.end();
      if (info.nullable && !in_pk) c.nullable();
      if (info.default_sql && !info.autoincrement) {
        if (is_time_kind(type) && loose(*info.default_sql) == loose(d.current_timestamp_sql(type)))
          c.server_default(now());
        else
          c.server_default(ServerDefault::sql(*info.default_sql));
      }
    }
    if (!pk.columns.empty())
      t.primary_key(std::vector<ColumnRef>(pk.columns.begin(), pk.columns.end()), pk.name);
    for (const ColumnInfo& info : cols) {
      Column& c = const_cast<Column&>(t.c(info.name));
      if (info.autoincrement && !c.is_autoincrement() && c.type().is_integer())
        c.autoincrement(true);
      else if (!info.autoincrement && c.is_autoincrement())
        c.autoincrement(false);
    }
    for (const UniqueInfo& u : uniques)
      t.unique(std::vector<ColumnRef>(u.columns.begin(), u.columns.end()), u.name);
    for (const CheckInfo& ck : cks) {
      if (auto found = reflector_->type_from_check(ck)) {
        const Column* col = t.find_column(found->first);
        if (col && col->type() == found->second) continue;  // the type writes it again
      }
      t.check(raw_sql(ck.condition), ck.name);
    }
    for (const IndexInfo& ix : ixs) {
      std::vector<IndexElement> elements;
      for (std::size_t i = 0; i < ix.columns.size(); ++i) {
        if (!ix.columns[i].empty())
          elements.emplace_back(ColumnRef(ix.columns[i]));
        else
          elements.emplace_back(raw_sql(i < ix.expressions.size() ? ix.expressions[i] : ""));
      }
      Index& made = t.index(ix.name, std::move(elements)).unique(ix.unique);
      if (!ix.where.empty()) made.where(raw_sql(ix.where));
    }
    for (const ForeignKeyInfo& fk : fks)
      t.foreign_key(std::vector<ColumnRef>(fk.columns.begin(), fk.columns.end()), fk.referred_table,
                    fk.referred_columns, fk.on_delete, fk.on_update, fk.name);
  };
  {
    MetaData scratch(metadata.naming_convention());
    build(scratch.add_table(std::string(table)));
  }
  Table& t = metadata.add_table(std::string(table));
  build(t);
  return t;
}

void Inspector::reflect_all(MetaData& metadata) {
  const auto names = table_names();
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& n : names) {
    auto& dep = deps[n];
    for (const auto& fk : foreign_keys(n))
      if (fk.referred_table != n) dep.insert(fk.referred_table);
  }
  std::vector<std::string> order;
  std::set<std::string> done;
  while (order.size() < names.size()) {
    bool progressed = false;
    for (const auto& n : names) {
      if (done.count(n)) continue;
      bool ready = true;
      for (const auto& dep : deps[n])
        if (!done.count(dep) && deps.count(dep)) ready = false;
      if (!ready) continue;
      order.push_back(n);
      done.insert(n);
      progressed = true;
      break;  // restart: referenced tables first, then name order
    }
    if (!progressed) {  // a cycle: the rest in name order
      for (const auto& n : names)
        if (done.insert(n).second) order.push_back(n);
    }
  }
  for (const auto& n : order)
    if (!metadata.find_table(n)) reflect(metadata, n);
}

}  // namespace sqlcore
