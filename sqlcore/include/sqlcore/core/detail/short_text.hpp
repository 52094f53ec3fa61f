// detail/: internals that inline hot paths of public headers need. Not API: names and behaviour
// here may change in any release.
//
// same_short_text: equality of two short names (columns, bind parameters) without a call.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sqlcore::detail {

/// Equality without a call: two overlapping loads per side cover up to 16 bytes; longer names go to
/// memcmp. Reads only bytes inside both.
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

}  // namespace sqlcore::detail
