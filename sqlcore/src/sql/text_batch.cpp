// text() statements: the quoting rules shared with the bind parser, and the batch finder. The
// finder reads the statement as tokens (quotes, comments and casts respected as the bind parser
// respects them) and says yes only to the one shape it can prove: a one-row INSERT ... VALUES.
#include "sql/text_batch.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <string>

namespace sqlcore::detail {

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

std::size_t skip_dollar_quoted(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  while (j < s.size() && ident_char(s[j]) && !(s[j] >= '0' && s[j] <= '9' && j == i + 1)) ++j;
  if (j >= s.size() || s[j] != '$') return i;
  std::string_view tag = s.substr(i, j - i + 1);
  auto end = s.find(tag, j + 1);
  return end == s.npos ? s.size() : end + tag.size();
}

namespace {

enum class Tok : std::uint8_t {
  word,     // a bare identifier or keyword
  quoted,   // "identifier" or `identifier`
  literal,  // a string ('...', E'...', $$...$$) or a number
  bind,     // :name
  cast,     // ::
  punct,    // any other single character
  end,
};

struct Token {
  Tok kind = Tok::end;
  std::size_t begin = 0, end = 0;
};

// The statement as tokens, whitespace and comments left out. False when the text holds what the
// finder will not reason about: a nested or unterminated block comment, an escaped colon (the
// compiled text then differs from the source), an unterminated quote.
bool tokenize(std::string_view s, std::vector<Token>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      auto nl = s.find('\n', i);
      i = nl == s.npos ? s.size() : nl + 1;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      auto close = s.find("*/", i + 2);
      if (close == s.npos) return false;
      // PostgreSQL nests block comments and SQLite does not: leave such text alone.
      if (s.substr(i + 2, close - i - 2).find("/*") != s.npos) return false;
      i = close + 2;
      continue;
    }
    Token t;
    t.begin = i;
    if (c == '\'') {
      t.kind = Tok::literal;
      t.end = skip_quoted(s, i, '\'', escape_string_at(s, i));
      if (t.end == s.size() && (t.end == i + 1 || s[t.end - 1] != '\'')) return false;
      // E'...': the E was read as a word just before; the string replaces it.
      if (escape_string_at(s, i) && !out.empty() && out.back().kind == Tok::word &&
          out.back().end == i && out.back().begin + 1 == i) {
        t.begin = out.back().begin;
        out.pop_back();
      }
    } else if (c == '"' || c == '`') {
      t.kind = Tok::quoted;
      t.end = skip_quoted(s, i, c, false);
      if (s[t.end - 1] != c || t.end == i + 1) return false;
    } else if (c == '$' && (i == 0 || !ident_char(s[i - 1])) && skip_dollar_quoted(s, i) != i) {
      t.kind = Tok::literal;
      t.end = skip_dollar_quoted(s, i);
    } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == ':') {
      return false;
    } else if (c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      t.kind = Tok::cast;
      t.end = i + 2;
    } else if (c == ':' && i + 1 < s.size() && ident_start(s[i + 1]) &&
               (i == 0 || (s[i - 1] != ':' && !ident_char(s[i - 1])))) {
      t.kind = Tok::bind;
      t.end = i + 1;
      while (t.end < s.size() && ident_char(s[t.end])) ++t.end;
    } else if (c >= '0' && c <= '9') {
      t.kind = Tok::literal;
      t.end = i;
      while (t.end < s.size() && (ident_char(s[t.end]) || s[t.end] == '.' ||
                                  ((s[t.end] == '+' || s[t.end] == '-') &&
                                   (s[t.end - 1] == 'e' || s[t.end - 1] == 'E'))))
        ++t.end;
    } else if (ident_start(c)) {
      t.kind = Tok::word;
      t.end = i;
      while (t.end < s.size() && (ident_char(s[t.end]) || s[t.end] == '$')) ++t.end;
    } else {
      t.kind = Tok::punct;
      t.end = i + 1;
    }
    out.push_back(t);
    i = t.end;
  }
  out.push_back(Token{Tok::end, s.size(), s.size()});
  return true;
}

std::string upper(std::string_view w) {
  std::string u(w);
  for (char& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return u;
}

// Functions a row may call: they read no table, and each row's call is its own (a volatile one
// such as random() is called once per row either way).
bool row_function(std::string_view upper_name) {
  static constexpr std::string_view kNames[] = {"ABS",
                                                "CAST",
                                                "CEIL",
                                                "CEILING",
                                                "CHAR_LENGTH",
                                                "COALESCE",
                                                "CONCAT",
                                                "CURRENT_DATE",
                                                "CURRENT_TIME",
                                                "CURRENT_TIMESTAMP",
                                                "DATE",
                                                "DATETIME",
                                                "DECODE",
                                                "ENCODE",
                                                "FLOOR",
                                                "FORMAT",
                                                "GEN_RANDOM_UUID",
                                                "GREATEST",
                                                "HEX",
                                                "IFNULL",
                                                "JSON",
                                                "JSONB",
                                                "JSONB_BUILD_ARRAY",
                                                "JSONB_BUILD_OBJECT",
                                                "JSON_ARRAY",
                                                "JSON_BUILD_ARRAY",
                                                "JSON_BUILD_OBJECT",
                                                "JSON_OBJECT",
                                                "JULIANDAY",
                                                "LEAST",
                                                "LENGTH",
                                                "LOCALTIME",
                                                "LOCALTIMESTAMP",
                                                "LOWER",
                                                "LTRIM",
                                                "MAKE_DATE",
                                                "MAKE_TIMESTAMP",
                                                "MAKE_TIMESTAMPTZ",
                                                "MD5",
                                                "NOW",
                                                "NULLIF",
                                                "PRINTF",
                                                "RANDOM",
                                                "REPLACE",
                                                "ROUND",
                                                "RTRIM",
                                                "STRFTIME",
                                                "SUBSTR",
                                                "SUBSTRING",
                                                "TIME",
                                                "TO_JSON",
                                                "TO_JSONB",
                                                "TO_TIMESTAMP",
                                                "TRIM",
                                                "UNHEX",
                                                "UNIXEPOCH",
                                                "UPPER",
                                                "UUID_GENERATE_V4"};
  return std::find(std::begin(kNames), std::end(kNames), upper_name) != std::end(kNames);
}

// Keywords a parenthesis may follow without making a call: `x IN (...)`, `THEN (...)`.
bool operator_word(std::string_view upper_word) {
  static constexpr std::string_view kWords[] = {
      "AND", "ANY",  "ARRAY", "BETWEEN", "CASE", "COLLATE", "ELSE", "ESCAPE", "ILIKE", "IN",
      "IS",  "LIKE", "NOT",   "OR",      "SOME", "THEN",    "WHEN", "ALL",    "END"};
  return std::find(std::begin(kWords), std::end(kWords), upper_word) != std::end(kWords);
}

// Words that open a query or name a table: a row holding one could read the table written.
bool query_word(std::string_view upper_word) {
  return upper_word == "SELECT" || upper_word == "VALUES" || upper_word == "TABLE" ||
         upper_word == "FROM";
}

// Operators and punctuation a row may hold besides its parentheses and commas.
bool row_punct(char c) {
  return std::string_view("+-*/%|&<>=!~^[]@#").find(c) != std::string_view::npos;
}

// Checks the row's tokens, from its opening parenthesis (`i`) to the matching closing one.
// Advances `i` past it; false when anything in it is not allowed.
bool check_row(std::string_view s, const std::vector<Token>& toks, std::size_t& i) {
  int depth = 0;
  bool type_context = false;  // after `::` or CAST's AS: words name a type
  for (; toks[i].kind != Tok::end; ++i) {
    const Token& t = toks[i];
    const std::string_view piece = s.substr(t.begin, t.end - t.begin);
    switch (t.kind) {
      case Tok::punct: {
        const char c = piece[0];
        if (c == '(') {
          ++depth;
        } else if (c == ')') {
          if (--depth == 0) {
            ++i;
            return true;
          }
        } else if (c != ',' && !row_punct(c)) {
          return false;  // `.` (a qualified name), `;`, `?`, `$1` ...
        }
        type_context = false;
        break;
      }
      case Tok::bind:
      case Tok::literal:
        type_context = false;
        break;
      case Tok::cast:
        type_context = true;
        break;
      case Tok::quoted:
        // A quoted name called as a function is nothing this knows.
        if (toks[i + 1].kind == Tok::punct && s[toks[i + 1].begin] == '(') return false;
        break;
      case Tok::word: {
        const std::string u = upper(piece);
        // WITH opens a query, except in a type's name (timestamp with time zone).
        if (query_word(u) || (u == "WITH" && !type_context)) return false;
        const bool call = toks[i + 1].kind == Tok::punct && s[toks[i + 1].begin] == '(';
        if (operator_word(u)) {
          type_context = false;
          break;
        }
        if (type_context) {
          if (!call) break;  // the type's name goes on (double precision)
          // A type's modifiers: varchar(10), numeric(10, 2).
          std::size_t j = i + 2;
          while (toks[j].kind == Tok::literal ||
                 (toks[j].kind == Tok::punct && s[toks[j].begin] == ','))
            ++j;
          if (!(toks[j].kind == Tok::punct && s[toks[j].begin] == ')')) return false;
          i = j;
          type_context = false;
          break;
        }
        if (call && !row_function(u)) return false;
        if (u == "AS") type_context = true;
        break;
      }
      case Tok::end:
        return false;
    }
  }
  return false;
}

bool is_word(std::string_view s, const Token& t, std::string_view upper_word) {
  return t.kind == Tok::word && t.end - t.begin == upper_word.size() &&
         upper(s.substr(t.begin, t.end - t.begin)) == upper_word;
}
bool is_punct(std::string_view s, const Token& t, char c) {
  return t.kind == Tok::punct && s[t.begin] == c;
}
bool is_name(const Token& t) {
  return t.kind == Tok::word || t.kind == Tok::quoted;
}

}  // namespace

bool find_batch_shape(std::string_view s, std::span<const std::string_view> binds,
                      BatchShape& out) {
  std::vector<Token> toks;
  if (!tokenize(s, toks)) return false;
  // The binds must be the ones the bind parser found, all of them inside the row.
  std::size_t nb = 0;
  for (const Token& t : toks) {
    if (t.kind != Tok::bind) continue;
    if (nb >= binds.size() || s.substr(t.begin + 1, t.end - t.begin - 1) != binds[nb]) return false;
    ++nb;
  }
  if (nb != binds.size() || nb == 0) return false;

  std::size_t i = 0;
  if (!is_word(s, toks[i++], "INSERT") || !is_word(s, toks[i++], "INTO")) return false;
  // The table: name[.name...] [AS alias]
  if (!is_name(toks[i++])) return false;
  while (is_punct(s, toks[i], '.')) {
    if (!is_name(toks[i + 1])) return false;
    i += 2;
  }
  if (is_word(s, toks[i], "AS")) {
    if (!is_name(toks[i + 1])) return false;
    i += 2;
  }
  // The columns: (name, name, ...)
  if (is_punct(s, toks[i], '(')) {
    ++i;
    for (;;) {
      if (!is_name(toks[i++])) return false;
      if (is_punct(s, toks[i], ')')) break;
      if (!is_punct(s, toks[i++], ',')) return false;
    }
    ++i;
  }
  if (!is_word(s, toks[i++], "VALUES") || !is_punct(s, toks[i], '(')) return false;
  const std::size_t row_first = i;
  if (!check_row(s, toks, i)) return false;
  const std::size_t row_last = i - 1;  // its closing parenthesis
  // Nothing after the row but ON CONFLICT [target] DO NOTHING, and a semicolon.
  if (is_word(s, toks[i], "ON")) {
    if (!is_word(s, toks[i + 1], "CONFLICT")) return false;
    i += 2;
    for (; toks[i].kind != Tok::end && !is_word(s, toks[i], "DO"); ++i)
      if (toks[i].kind == Tok::bind) return false;
    if (!is_word(s, toks[i], "DO") || !is_word(s, toks[i + 1], "NOTHING")) return false;
    i += 2;
  }
  if (is_punct(s, toks[i], ';')) ++i;
  if (toks[i].kind != Tok::end) return false;
  // Every bind lies in the row (none elsewhere: checked above for ON CONFLICT; the head takes
  // names only).
  out.row_begin = toks[row_first].begin;
  out.row_end = toks[row_last].end;
  out.bind_begin.clear();
  out.bind_end.clear();
  for (std::size_t k = row_first; k <= row_last; ++k) {
    if (toks[k].kind != Tok::bind) continue;
    out.bind_begin.push_back(toks[k].begin);
    out.bind_end.push_back(toks[k].end);
  }
  return out.bind_begin.size() == binds.size();
}

}  // namespace sqlcore::detail
