// The data of COPY ... FROM STDIN, in text or binary format: rows of sqlcore values encoded the
// way PostgreSQL reads them, so that COPY stores what the INSERT path (pg_driver.cpp's
// ParamBuffer) stores. No libpq here: pg_driver.cpp sends what this encodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sqlcore/core/value.hpp"

namespace sqlcore::pg_copy {

using TypeOid = std::uint32_t;

// Built-in type OIDs (pg_type.h; stable across versions).
inline constexpr TypeOid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
                         kJson = 114, kFloat4 = 700, kFloat8 = 701, kVarchar = 1043, kDate = 1082,
                         kTime = 1083, kTimestamp = 1114, kTimestamptz = 1184, kNumeric = 1700,
                         kUuid = 2950, kJsonb = 3802;

/// A value COPY cannot carry (text with a NUL byte): column `column` of the load, and why.
struct Refusal {
  std::size_t column;
  std::string reason;
};

/// True when every value has a binary encoding for its column's server type (`types`, one per
/// column; rows back to back in `values`): the load can go in binary format. Otherwise it goes
/// as text, which the server parses as it parses an INSERT's text parameters.
bool binary_fits(std::span<const TypeOid> types, std::span<const Value* const> values);

/// Appends rows to a COPY data buffer. Throws Refusal for a value COPY cannot carry.
class Encoder {
 public:
  /// `types` (binary format only): each column's server type.
  Encoder(bool binary, std::vector<TypeOid> types);
  /// The binary format's header; nothing for text.
  void header(std::string& out) const;
  /// One row: a value per column.
  void row(std::string& out, std::span<const Value* const> values) const;
  /// The binary format's trailer; nothing for text.
  void trailer(std::string& out) const;

 private:
  void text_value(std::string& out, const Value& v, std::size_t column) const;
  void binary_value(std::string& out, const Value& v, std::size_t column) const;
  bool binary_;
  std::vector<TypeOid> types_;
};

}  // namespace sqlcore::pg_copy
