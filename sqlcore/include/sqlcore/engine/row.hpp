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
#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/table.hpp"

namespace sqlcore {

namespace detail {
/// Equality of two short names (columns, bind parameters) without a call: two overlapping loads
/// per side cover up to 16 bytes; longer names go to memcmp. Reads only bytes inside both.
inline bool same_short_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  auto differ = [&](auto word) {
    using W = decltype(word);
    W x0, y0, x1, y1;
    std::memcpy(&x0, p, sizeof(W));
    std::memcpy(&y0, q, sizeof(W));
    std::memcpy(&x1, p + n - sizeof(W), sizeof(W));
    std::memcpy(&y1, q + n - sizeof(W), sizeof(W));
    return ((x0 ^ y0) | (x1 ^ y1)) != 0;
  };
  if (n >= 8) return n <= 16 ? !differ(std::uint64_t{}) : std::memcmp(p, q, n) == 0;
  if (n >= 4) return !differ(std::uint32_t{});
  if (n >= 2) return !differ(std::uint16_t{});
  return n == 0 || *p == *q;
}
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

  /// For the result's iterator: reuse this row's storage for the next row.
  std::vector<Value>& mutable_values() { return values_; }
  void set_columns(std::shared_ptr<const Columns> c) { columns_ = std::move(c); }
  /// For the result: exchanges the storage of two rows.
  void swap(Row& other) noexcept {
    columns_.swap(other.columns_);
    values_.swap(other.values_);
  }
  const Columns* columns_ptr() const { return columns_.get(); }

 private:
  [[noreturn]] void throw_missing_column(std::string_view name) const;

  std::shared_ptr<const Columns> columns_;
  std::vector<Value> values_;
};

}  // namespace sqlcore
