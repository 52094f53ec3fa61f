// Columns: the column names of a result, shared by all its rows, with lookup by name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sqlcore {

class Columns {
 public:
  explicit Columns(std::vector<std::string> names) : names_(std::move(names)) {}
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }
  /// The index of the first column called `name`; throws ArgumentError listing the columns.
  std::size_t index_of(std::string_view name) const;
  /// The index of the first column called `name`, or size() when there is none.
  std::size_t find(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (same_name(names_[i], name)) return i;
    return names_.size();
  }

  /// Name equality tuned for short identifiers: an inline loop instead of a call to memcmp.
  static bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace sqlcore
