// Mapping<S>'s non-template parts: finding a mapped column in a row, and errors that name the
// model, field and column.
#include "sqlcore/engine/mapping.hpp"

#include "sqlcore/core/error.hpp"

namespace sqlcore::detail {

void throw_mapped_field_error(std::string_view model, std::string_view field, const Column& column,
                              const ArgumentError& e) {
  throw ArgumentError("cannot read " + std::string(model) + "." + std::string(field) +
                      " from column " + column.qualified_name() + ": " + e.what());
}

void check_mapped_column(std::string_view model, const Table& table, const Column& column) {
  if (&column.table() != &table)
    throw ArgumentError("Mapping<" + std::string(model) + ">: column '" + column.qualified_name() +
                        "' is not a column of table '" + table.name() + "'");
}

const Value* mapped_value(const Row& row, std::size_t position, const Column& column,
                          bool optional) {
  if (position < row.size()) {
    const std::string& name = row.column_names()[position];
    if (Columns::same_name(name, column.name())) return &row[position];
  }
  if (optional) {
    const std::vector<std::string>& names = row.column_names();
    for (std::size_t i = 0; i < names.size(); ++i)
      if (Columns::same_name(names[i], column.name())) return &row[i];
    return nullptr;
  }
  return &row[std::string_view(column.name())];
}

}  // namespace sqlcore::detail
