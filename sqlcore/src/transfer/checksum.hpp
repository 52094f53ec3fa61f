// Checksums over canonical values (internal to transfer/): what a row holds, independent of the
// backend that stored it and of the order rows are read in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sqlcore/core/value.hpp"

namespace sqlcore::transfer::detail {

/// A row's hash: 128 bits over the canonical form of each value (see checksum.cpp), so values
/// that read as the same portable value hash the same on every backend.
struct RowHash {
  std::uint64_t a = 0, b = 0;
  friend bool operator==(const RowHash&, const RowHash&) = default;
};
RowHash hash_row(const std::vector<Value>& row);

/// The checksum of a table: the count and an order-independent combination of its row hashes.
class TableChecksum {
 public:
  void add(const RowHash& h) {
    sum_a_ += h.a;
    sum_b_ += h.b;
    xor_ ^= h.a * 0x9e3779b97f4a7c15ull + h.b;
    ++rows_;
  }
  std::int64_t rows() const { return rows_; }
  /// 48 hex digits.
  std::string hex() const;
  friend bool operator==(const TableChecksum&, const TableChecksum&) = default;

 private:
  std::uint64_t sum_a_ = 0, sum_b_ = 0, xor_ = 0;
  std::int64_t rows_ = 0;
};

}  // namespace sqlcore::transfer::detail
