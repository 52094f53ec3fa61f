// RowAccess (internal): the result's access to a row's storage, so that a result loop reuses
// one row's vector for every row and a finished result hands its row to the next one.
#pragma once

#include <memory>
#include <vector>

#include "sqlcore/engine/row.hpp"

namespace sqlcore::detail {

struct RowAccess {
  static std::vector<Value>& values(Row& r) { return r.values_; }
  static const Columns* columns(const Row& r) { return r.columns_.get(); }
  static void set_columns(Row& r, std::shared_ptr<const Columns> c) { r.columns_ = std::move(c); }
};

}  // namespace sqlcore::detail
