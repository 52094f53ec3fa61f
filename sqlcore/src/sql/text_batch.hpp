// text() statements (internal): the lexing rules the bind parser and the batch finder share, and
// the batch finder itself, which proves a statement a one-row INSERT ... VALUES whose row can be
// repeated for many parameter sets in one statement (TextClause::compile_batch).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace sqlcore::detail {

inline bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
inline bool ident_char(char c) {
  return ident_start(c) || (c >= '0' && c <= '9');
}

/// Index just past a quoted run starting at `i` (s[i] is the quote); doubled quotes stay inside,
/// and with `backslash_escapes` (E'...') a backslash escapes the next character.
std::size_t skip_quoted(std::string_view s, std::size_t i, char q, bool backslash_escapes);
/// PostgreSQL dollar quoting: index just past $tag$ ... $tag$ starting at `i`; `i` unchanged when
/// s[i] starts none.
std::size_t skip_dollar_quoted(std::string_view s, std::size_t i);
/// True when the quote at s[i] opens an escape string (E'...'): an E right before it that is not
/// the end of a longer word.
inline bool escape_string_at(std::string_view s, std::size_t i) {
  return i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !ident_char(s[i - 2]));
}

/// Where the one row of `INSERT INTO t [(columns)] VALUES (row) [ON CONFLICT ... DO NOTHING]` is
/// in the statement's text: `row_begin` at its opening parenthesis, `row_end` just past its
/// closing one; bind k (in order of appearance) spans [bind_begin[k], bind_end[k]).
struct BatchShape {
  std::size_t row_begin = 0, row_end = 0;
  std::vector<std::size_t> bind_begin, bind_end;
};

/// Fills `out` and returns true when `sql` is a statement whose rows can go many to one
/// statement with the same effect as one statement per row: `INSERT INTO name [AS alias]
/// [(columns)] VALUES (row)`, then nothing but an optional `ON CONFLICT [target] DO NOTHING`
/// and `;`, every bind inside the row, and the row made only of binds, literals, casts,
/// operators and functions that read no table (a subquery, or a function that might read the
/// table written, would see the rows of its own batch differently). `binds` are the names of the
/// binds the bind parser found, in order; a scan that does not find the same ones says no.
bool find_batch_shape(std::string_view sql, std::span<const std::string_view> binds,
                      BatchShape& out);

}  // namespace sqlcore::detail
