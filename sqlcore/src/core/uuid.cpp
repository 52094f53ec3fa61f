// Uuid: parsing, formatting and random generation.
#include "sqlcore/core/uuid.hpp"

#include <random>

namespace sqlcore {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view s) {
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  const bool hyphens = s.size() == 36;
  if (!hyphens && s.size() != 32) return std::nullopt;
  Bytes b{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (hyphens && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
      if (s[pos] != '-') return std::nullopt;
      ++pos;
    }
    int hi = hex_value(s[pos]);
    int lo = hex_value(s[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    pos += 2;
  }
  return Uuid(b);
}

Uuid Uuid::random() {
  thread_local std::mt19937_64 gen = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  Bytes b{};
  std::uint64_t hi = gen();
  std::uint64_t lo = gen();
  for (int i = 0; i < 8; ++i) {
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi >> (8 * i));
    b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(lo >> (8 * i));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return Uuid(b);
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0x0f]);
  }
  return out;
}

}  // namespace sqlcore
