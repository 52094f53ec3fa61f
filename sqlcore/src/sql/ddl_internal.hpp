// Internal pieces of the DDL compiler shared with the migration operations (src/migrate).
#pragma once

#include <string>

namespace sqlcore {

class Column;
class Dialect;

namespace detail {

/// One column's definition as CREATE TABLE writes it: quoted name, type, identity, an inline
/// primary key where the dialect needs one (then `*pk_inline` is set), NOT NULL and DEFAULT.
std::string column_definition_sql(const Dialect& d, const Column& c, bool* pk_inline = nullptr);

/// The column's server default as written after DEFAULT (a literal, or an expression in
/// parentheses); empty when it has none.
std::string default_expression_sql(const Dialect& d, const Column& c);

}  // namespace detail
}  // namespace sqlcore
