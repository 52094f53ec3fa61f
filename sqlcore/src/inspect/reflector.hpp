// detail::Reflector: the catalog queries of one backend, behind Inspector. Each dialect folder
// implements one (Dialect::reflector()); Inspector sorts, checks and turns the answers into a
// Table. Internal: not installed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlcore/inspect/inspector.hpp"

namespace sqlcore {

class Connection;

namespace detail {

class Reflector {
 public:
  virtual ~Reflector() = default;

  /// The user tables of the current database / schema, in any order (Inspector filters sqlite_*
  /// and sqlcore_* and sorts).
  virtual std::vector<std::string> table_names() = 0;
  virtual bool has_table(std::string_view table) = 0;
  /// In position order. `type` may be left empty (Inspector then asks portable_type()); set it
  /// where the catalog knows better (SQLite: the rowid alias is a BigInteger). The table exists.
  virtual std::vector<ColumnInfo> columns(std::string_view table) = 0;
  virtual PrimaryKeyInfo primary_key(std::string_view table) = 0;
  virtual std::vector<UniqueInfo> unique_constraints(std::string_view table) = 0;
  virtual std::vector<IndexInfo> indexes(std::string_view table) = 0;
  virtual std::vector<ForeignKeyInfo> foreign_keys(std::string_view table) = 0;
  virtual std::vector<CheckInfo> checks(std::string_view table) = 0;

  /// The portable type for a column type as this catalog spells it; nullopt when unknown.
  virtual std::optional<Type> portable_type(std::string_view type_sql) const = 0;
  /// When `check` is one a portable type writes (an Enum's IN list, SQLite's json_valid): the
  /// column it is about and that type.
  virtual std::optional<std::pair<std::string, Type>> type_from_check(
      const CheckInfo& check) const = 0;
};

// ---- small SQL text readers shared by the reflectors (inspector.cpp) ------------------------

void skip_blanks(std::string_view s, std::size_t& i);
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

}  // namespace detail
}  // namespace sqlcore
