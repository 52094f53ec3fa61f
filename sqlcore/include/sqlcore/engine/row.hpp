// Row: one result row, read by column name or index with typed extraction.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/columns.hpp"
#include "sqlcore/core/value.hpp"

namespace sqlcore {

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
  const Value& operator[](std::string_view name) const;
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

  /// For the result's iterator: reuse this row's storage for the next row.
  std::vector<Value>& mutable_values() { return values_; }
  void set_columns(std::shared_ptr<const Columns> c) { columns_ = std::move(c); }
  const Columns* columns_ptr() const { return columns_.get(); }

 private:
  std::shared_ptr<const Columns> columns_;
  std::vector<Value> values_;
};

}  // namespace sqlcore
