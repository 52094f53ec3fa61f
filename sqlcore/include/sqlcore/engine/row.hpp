// Row: one result row, read by column name or index with typed extraction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/columns.hpp"
#include "sqlcore/core/detail/short_text.hpp"
#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/table.hpp"

namespace sqlcore {

namespace detail {
struct RowAccess;  // the result's access to a row's storage (src/engine/row_access.hpp)
}  // namespace detail

/// One row of a result. Owns its values; rows of one result share their Columns.
class Row {
 public:
  Row() = default;
  Row(std::shared_ptr<const Columns> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const std::vector<std::string>& column_names() const;
  const std::vector<Value>& values() const { return values_; }

  /// The value at `index`; throws ArgumentError when out of range.
  const Value& operator[](std::size_t index) const;
  /// The value of column `name`; throws ArgumentError naming the column and listing the others.
  const Value& operator[](std::string_view name) const {
    // Inline: reading a row by name is the hot path of every result loop.
    if (columns_) {
      const std::vector<std::string>& names = columns_->names();
      for (std::size_t i = 0; i < names.size(); ++i)
        if (detail::same_short_text(names[i], name)) return values_[i];
    }
    throw_missing_column(name);
  }
  const Value& operator[](const char* name) const { return (*this)[std::string_view(name)]; }
  /// `row[0]`: an int literal would otherwise be ambiguous with a null `const char*`.
  const Value& operator[](int index) const;

  /// The value converted to T (std::optional<U> for a nullable column). A NULL read as a
  /// non-optional type, or a value of another type, throws ArgumentError naming the column and
  /// both types.
  template <class T>
  T get(std::string_view name) const {
    return (*this)[name].template as<T>(name);
  }
  template <class T>
  T get(std::size_t index) const {
    return (*this)[index].template as<T>(column_names()[index]);
  }
  /// The value of a table's column, by its typed handle: `row[users.name]`, `row.get(users.id)`
  /// (typed as the handle is). Found by the column's name in the result.
  const Value& operator[](const ColBase& column) const { return (*this)[column.name()]; }
  template <class T>
  T get(const Col<T>& column) const {
    return (*this)[column.name()].template as<T>(column.name());
  }

  /// Exchanges the contents of two rows.
  void swap(Row& other) noexcept {
    columns_.swap(other.columns_);
    values_.swap(other.values_);
  }

 private:
  friend struct detail::RowAccess;
  [[noreturn]] void throw_missing_column(std::string_view name) const;

  std::shared_ptr<const Columns> columns_;
  std::vector<Value> values_;
};

}  // namespace sqlcore
