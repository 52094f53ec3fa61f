// Small readers of SQL text: identifiers, string literals, parenthesised groups, top-level
// comma lists, and the loose form in which catalogs' respellings compare equal.
#include "sql/sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace sqlcore::detail {

void skip_blanks(std::string_view s, std::size_t& i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

std::string keyword_at(std::string_view s, std::size_t& i) {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.substr(i, 2) == "--") {
      auto nl = s.find('\n', i);
      i = nl == s.npos ? s.size() : nl + 1;
    } else if (s.substr(i, 2) == "/*") {
      auto e = s.find("*/", i + 2);
      i = e == s.npos ? s.size() : e + 2;
    } else {
      break;
    }
  }
  std::string kw;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
    kw.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++]))));
  return kw;
}

bool controls_transaction(std::string_view sql) {
  if (sql.find(';') != std::string_view::npos) return false;  // a script: statement by statement
  std::size_t i = 0;
  const std::string first = keyword_at(sql, i);
  if (first == "COMMIT" || first == "ROLLBACK") return keyword_at(sql, i) != "PREPARED";
  return first == "BEGIN" || first == "START" || first == "END" || first == "ABORT" ||
         first == "SAVEPOINT" || first == "RELEASE";
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

std::optional<TrailingLimit> trailing_limit(std::string_view sql) {
  if (sql.find("--") != sql.npos || sql.find("/*") != sql.npos) return std::nullopt;
  std::size_t end = sql.size();
  while (end > 0 && (std::isspace(static_cast<unsigned char>(sql[end - 1])) || sql[end - 1] == ';'))
    --end;
  // The words of the text from its end, one at a time (separated by blanks).
  auto previous_word = [&]() -> std::string_view {
    while (end > 0 && std::isspace(static_cast<unsigned char>(sql[end - 1]))) --end;
    std::size_t begin = end;
    while (begin > 0 && !std::isspace(static_cast<unsigned char>(sql[begin - 1]))) --begin;
    std::string_view word = sql.substr(begin, end - begin);
    end = begin;
    return word;
  };
  auto is = [](std::string_view word, std::string_view upper) {
    return word.size() == upper.size() && starts_with_word(word, 0, upper);
  };
  auto digits = [](std::string_view word) {
    return !word.empty() && word.size() <= 18 && std::all_of(word.begin(), word.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  std::string_view word = previous_word();
  if (is(word, "LOCKED")) {
    if (!is(previous_word(), "SKIP")) return std::nullopt;
    word = previous_word();
  } else if (is(word, "NOWAIT")) {
    word = previous_word();
  }
  if (is(word, "UPDATE") || is(word, "SHARE")) {
    if (!is(previous_word(), "FOR")) return std::nullopt;
    word = previous_word();
  }
  if (digits(word)) {
    const std::size_t before = end;
    if (is(previous_word(), "OFFSET"))
      word = previous_word();
    else
      end = before;  // not an OFFSET: the number is the LIMIT's
  }
  TrailingLimit limit;
  if (digits(word)) {
    limit.count = std::stoll(std::string(word));
  } else if (word.size() > 1 && word[0] == '$' && digits(word.substr(1)) && word.size() <= 10) {
    limit.param = std::stoi(std::string(word.substr(1)));
  } else {
    return std::nullopt;
  }
  if (!is(previous_word(), "LIMIT")) return std::nullopt;
  return limit;
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

}  // namespace sqlcore::detail
