// Small readers of SQL text (internal), shared by the reflectors, the dialects, the drivers,
// migrations and tests: they read keywords, identifiers, literals and lists out of statements,
// DDL and catalog text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlcore::detail {

void skip_blanks(std::string_view s, std::size_t& i);
/// The keyword at s[i] after blanks and comments (-- and /* */), upper-cased (empty when none);
/// `i` moves past it.
std::string keyword_at(std::string_view s, std::size_t& i);
/// True when `sql` is one statement (no `;`) that begins, ends or marks a point in a transaction:
/// BEGIN, START, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE; not two-phase commit's
/// COMMIT / ROLLBACK PREPARED. The drivers keep these prepared: every transaction runs them.
bool controls_transaction(std::string_view sql);
/// What bounds the rows of a statement whose text ends with a LIMIT: at most `count` rows (a
/// number in the text), or as many as bound parameter `param` says (1-based: `$param`).
struct TrailingLimit {
  std::int64_t count = -1;  // -1 when `param` says
  int param = 0;            // 0 when `count` says
};
/// The LIMIT that ends `sql`, followed by nothing but OFFSET m, FOR UPDATE or FOR SHARE (with
/// NOWAIT or SKIP LOCKED) and `;`: the most rows the statement returns. nullopt when the text
/// does not end so, or has a comment anywhere (one could hide its real end).
std::optional<TrailingLimit> trailing_limit(std::string_view sql);
/// An identifier, "quoted" (doubled quotes undone) or bare; empty when there is none at s[i].
std::string read_identifier(std::string_view s, std::size_t& i);
/// A 'string literal' at s[i] (doubled quotes undone); nullopt when s[i] starts none.
std::optional<std::string> read_string_literal(std::string_view s, std::size_t& i);
/// The text inside the balanced parentheses opening at s[i] (after blanks); advances past them.
std::optional<std::string> read_parenthesized(std::string_view s, std::size_t& i);
/// True when the keyword `word` (upper case) starts at s[i], case-insensitively, as a whole word.
bool starts_with_word(std::string_view s, std::size_t i, std::string_view word);
/// `s` split at top-level commas (outside parentheses and quotes), each part trimmed.
std::vector<std::string> split_top_level(std::string_view s);
/// `s` without surrounding blanks.
std::string trim(std::string_view s);
/// `s` without one or more pairs of parentheses enclosing all of it.
std::string strip_outer_parens(std::string_view s);
std::string to_upper(std::string_view s);
/// `s` split at the unit separator (char 31): how catalog queries aggregate lists of names.
std::vector<std::string> split_unit(std::string_view s);

/// SQL text in lower case without double quotes, parentheses, blanks and `::type` casts (and
/// single quotes with `drop_string_quotes`): comparable across the ways catalogs respell it.
std::string loose_sql(std::string_view s, bool drop_string_quotes = false);

}  // namespace sqlcore::detail
