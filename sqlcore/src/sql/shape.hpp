// The shape of a statement (internal): everything that decides its SQL, written as a compact key,
// with the values written into it (its literals) set aside. Two statements of one shape compile
// to the same SQL and slots; only their literals differ. The dialect's compile cache is keyed by
// it, so a statement built on every call is compiled once.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "nodes.hpp"

namespace sqlcore::detail {

struct Shape {
  /// The structure: node kinds, operators, names, types, tables (by Table::uid) and columns.
  std::string key;
  /// The values written into the statement, in the order the walk meets them (each once; a
  /// value node used twice is written in the key as a reference to its first occurrence).
  std::vector<const Value*> literals;
};

Shape shape_of(const SelectData& s);
Shape shape_of(const DmlData& s);

/// Where each literal is in `literals` (for the compiler's BindSlot::literal): built only when a
/// shape is compiled, not on every walk.
std::unordered_map<const Value*, std::uint32_t> literal_index(
    const std::vector<const Value*>& literals);

}  // namespace sqlcore::detail
