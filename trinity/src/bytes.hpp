// Bytes as text (internal): lower-case hex, used by ids, digests and key ids.
#pragma once

#include <cstddef>
#include <string>

namespace trinity::db {

inline std::string hex_of(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

}  // namespace trinity::db
