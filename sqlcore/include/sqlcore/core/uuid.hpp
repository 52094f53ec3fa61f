// Uuid: a 128-bit universally unique identifier (RFC 4122 / 9562).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqlcore {

/// A UUID as 16 bytes. Text form: 36 lowercase characters `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`,
/// which is what sqlcore stores on SQLite (so text order is byte order) and binds to PostgreSQL's
/// UUID.
class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  constexpr Uuid() = default;  // the nil UUID
  constexpr explicit Uuid(const Bytes& bytes) : bytes_(bytes) {}

  /// Parses the 36-character form (any case), also without hyphens (32 hex digits) and wrapped in
  /// braces. Returns nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view s);
  /// A random (version 4) UUID from a per-thread generator seeded by the OS.
  static Uuid random();

  constexpr const Bytes& bytes() const { return bytes_; }
  constexpr bool is_nil() const { return *this == Uuid(); }
  /// The version nibble (4 for random UUIDs).
  constexpr int version() const { return bytes_[6] >> 4; }
  /// The canonical 36-character lowercase form.
  std::string to_string() const;

  friend constexpr auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace sqlcore
