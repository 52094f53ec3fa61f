// Row and its Columns: reading a value by index, and the errors of a lookup by name or index.
#include "sqlcore/engine/row.hpp"

#include "sqlcore/core/error.hpp"

namespace sqlcore {

namespace {

[[noreturn]] void throw_no_column(const Columns& columns, std::string_view name) {
  std::string known;
  for (const auto& n : columns.names()) known += (known.empty() ? "" : ", ") + n;
  throw ArgumentError("no column named '" + std::string(name) + "' in this row (columns: " +
                      (known.empty() ? std::string("none") : known) + ")");
}

}  // namespace

std::size_t Columns::index_of(std::string_view name) const {
  std::size_t i = find(name);
  if (i < names_.size()) return i;
  throw_no_column(*this, name);
}

const std::vector<std::string>& Row::column_names() const {
  static const std::vector<std::string> kNone;
  return columns_ ? columns_->names() : kNone;
}

const Value& Row::operator[](std::size_t index) const {
  if (index >= values_.size())
    throw ArgumentError("column index " + std::to_string(index) + " is out of range (the row has " +
                        std::to_string(values_.size()) + " columns)");
  return values_[index];
}

const Value& Row::operator[](int index) const {
  if (index < 0) throw ArgumentError("column index " + std::to_string(index) + " is negative");
  return (*this)[static_cast<std::size_t>(index)];
}

void Row::throw_missing_column(std::string_view name) const {
  if (!columns_) throw ArgumentError("no column named '" + std::string(name) + "' in an empty row");
  throw_no_column(*columns_, name);
}

}  // namespace sqlcore
