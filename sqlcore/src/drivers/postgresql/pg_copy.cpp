// COPY data in text and binary format (see pg_copy.hpp). Each value is written as the INSERT
// path sends it: the same text a parameter carries, or the binary form of the column's type
// whose input function would read that text to the same datum.
#include "pg_copy.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "sqlcore/core/time.hpp"
#include "sqlcore/core/uuid.hpp"

namespace sqlcore::pg_copy {

namespace {

// Days and microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
constexpr std::int64_t kEpochDays = 10957;
constexpr std::int64_t kEpochMicros = kEpochDays * 86400 * 1000000LL;

void put16(std::string& out, std::uint16_t v) {
  const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 2);
}
void put32(std::string& out, std::uint32_t v) {
  v = __builtin_bswap32(v);
  out.append(reinterpret_cast<const char*>(&v), 4);
}
void put64(std::string& out, std::uint64_t v) {
  v = __builtin_bswap64(v);
  out.append(reinterpret_cast<const char*>(&v), 8);
}
// A field of `n` bytes: its length, then the bytes.
void put_field(std::string& out, const void* data, std::size_t n) {
  put32(out, static_cast<std::uint32_t>(n));
  out.append(static_cast<const char*>(data), n);
}

// A NUMERIC in plain decimal notation ([-]digits[.digits]) split at the point; false for any
// other text (exponents, NaN), which then goes as text.
struct DecimalText {
  bool negative = false;
  std::string_view whole, fraction;
};
bool split_plain_decimal(std::string_view s, DecimalText& d) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    d.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const std::size_t point = s.find('.');
  d.whole = s.substr(0, point);
  d.fraction = point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
  auto digits = [](std::string_view t) {
    return t.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return (!d.whole.empty() || !d.fraction.empty()) && digits(d.whole) && digits(d.fraction) &&
         d.fraction.size() <= 1000;
}

// NUMERIC's binary form: base-10000 digits aligned on the decimal point, the weight of the
// first, the sign and the display scale (digits after the point).
void put_numeric(std::string& out, std::string_view text) {
  DecimalText d;
  split_plain_decimal(text, d);
  std::string_view whole = d.whole;
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  const std::size_t lead = (4 - whole.size() % 4) % 4;
  std::string digits(lead, '0');
  digits.append(whole);
  const auto whole_groups = static_cast<int>(digits.size() / 4);
  digits.append(d.fraction);
  digits.append((4 - d.fraction.size() % 4) % 4, '0');
  std::vector<std::uint16_t> groups;
  for (std::size_t i = 0; i < digits.size(); i += 4) {
    std::uint16_t g = 0;
    for (std::size_t j = 0; j < 4; ++j)
      g = static_cast<std::uint16_t>(g * 10 + (digits[i + j] - '0'));
    groups.push_back(g);
  }
  int weight = whole_groups - 1;
  std::size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  std::size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  const bool zero = first == last;
  put32(out, static_cast<std::uint32_t>(8 + 2 * (last - first)));
  put16(out, static_cast<std::uint16_t>(last - first));
  put16(out, static_cast<std::uint16_t>(zero ? 0 : weight));
  put16(out, d.negative && !zero ? 0x4000 : 0x0000);
  put16(out, static_cast<std::uint16_t>(d.fraction.size()));
  for (std::size_t i = first; i < last; ++i) put16(out, groups[i]);
}

// A time of day in the canonical form Type::bind writes (HH:MM:SS.ffffff), whose microseconds
// are exactly what the server would read from the text.
std::optional<TimeOfDay> canonical_time(const std::string& s) {
  auto t = TimeOfDay::parse(s);
  if (t && t->to_string() != s) return std::nullopt;
  return t;
}

bool fits_int(std::int64_t v, TypeOid type) {
  if (type == kInt2) return v >= INT16_MIN && v <= INT16_MAX;
  if (type == kInt4) return v >= INT32_MIN && v <= INT32_MAX;
  return true;
}

// A double that float8 -> float4 converts without an overflow or underflow error.
bool fits_float4(double d) {
  const auto f = static_cast<float>(d);
  return std::isfinite(f) && (f != 0.0f || d == 0.0);
}

// The text of a COPY text-format field: backslash, tab, newline and carriage return escaped.
// Returns false at a NUL byte (PostgreSQL text cannot hold one).
bool append_escaped(std::string& out, std::string_view s) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '\\' && c != '\t' && c != '\n' && c != '\r' && c != '\0') [[likely]]
      continue;
    if (c == '\0') return false;
    out.append(s.data() + start, i - start);
    out.push_back('\\');
    out.push_back(c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
    start = i + 1;
  }
  out.append(s.data() + start, s.size() - start);
  return true;
}

void append_real(std::string& out, double d) {
  d += 0.0;  // -0.0 is stored as 0.0, as on SQLite
  if (std::isnan(d)) {
    out += "NaN";
  } else if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
  } else {
    char tmp[32];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, d);
    out.append(tmp, r.ptr);
  }
}

void append_int(std::string& out, std::int64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

}  // namespace

bool binary_fits(std::span<const TypeOid> types, std::span<const Value* const> values) {
  using K = Value::Kind;
  const std::size_t n = types.size();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Value& v = *values[i];
    const K k = v.kind();
    if (k == K::null) continue;
    bool ok = false;
    switch (types[i % n]) {
      case kBool:
        ok = k == K::boolean;
        break;
      case kInt2:
      case kInt4:
      case kInt8:
        ok = k == K::integer && fits_int(v.int_unchecked(), types[i % n]);
        break;
      case kFloat4:
        ok = (k == K::real && fits_float4(v.real_unchecked())) || k == K::integer;
        break;
      case kFloat8:
        ok = k == K::real || k == K::integer;
        break;
      case kNumeric: {
        DecimalText d;
        ok = k == K::integer ||
             (k == K::decimal && split_plain_decimal(v.decimal_unchecked().text, d));
        break;
      }
      case kText:
      case kVarchar:
      case kJson:
      case kJsonb:
        ok = k == K::text || k == K::json;
        break;
      case kBytea:
        ok = k == K::blob;
        break;
      case kDate:
        ok = k == K::date;
        break;
      case kTimestamp:
      case kTimestamptz:
        ok = k == K::timestamp;
        break;
      case kUuid:
        ok = k == K::text && Uuid::parse(v.text_unchecked()).has_value();
        break;
      case kTime:
        ok = k == K::text && canonical_time(v.text_unchecked()).has_value();
        break;
      default:
        return false;  // a type without a binary encoding here: the whole load goes as text
    }
    if (!ok) return false;
  }
  return true;
}

Encoder::Encoder(bool binary, std::vector<TypeOid> types)
    : binary_(binary), types_(std::move(types)) {}

void Encoder::header(std::string& out) const {
  if (!binary_) return;
  out.append("PGCOPY\n\377\r\n\0", 11);
  put32(out, 0);  // flags
  put32(out, 0);  // header extension length
}

void Encoder::trailer(std::string& out) const {
  if (binary_) put16(out, 0xffff);
}

void Encoder::row(std::string& out, std::span<const Value* const> values) const {
  if (binary_) {
    put16(out, static_cast<std::uint16_t>(values.size()));
    for (std::size_t c = 0; c < values.size(); ++c) binary_value(out, *values[c], c);
    return;
  }
  for (std::size_t c = 0; c < values.size(); ++c) {
    if (c > 0) out.push_back('\t');
    text_value(out, *values[c], c);
  }
  out.push_back('\n');
}

// As ParamBuffer sends a parameter as text (bytea, which it sends binary, as hex).
void Encoder::text_value(std::string& out, const Value& v, std::size_t column) const {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (v.kind()) {
    case Value::Kind::null:
      out += "\\N";
      return;
    case Value::Kind::boolean:
      out.push_back(v.bool_unchecked() ? 't' : 'f');
      return;
    case Value::Kind::integer:
      append_int(out, v.int_unchecked());
      return;
    case Value::Kind::real:
      append_real(out, v.real_unchecked());
      return;
    case Value::Kind::text:
      if (!append_escaped(out, v.text_unchecked()))
        throw Refusal{column, "PostgreSQL text cannot contain NUL bytes (store it as a blob)"};
      return;
    case Value::Kind::blob:
      out += "\\\\x";
      for (std::uint8_t b : v.blob_unchecked()) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
      }
      return;
    case Value::Kind::timestamp:
      out += v.timestamp_unchecked().to_string();
      out += "+00";
      return;
    case Value::Kind::date:
      out += v.date_unchecked().to_string();
      return;
    case Value::Kind::json:
      // json_text() refuses a NUL, so escaping cannot fail.
      append_escaped(out, v.json_text({}));
      return;
    case Value::Kind::decimal:
      append_escaped(out, v.decimal_unchecked().text);
      return;
  }
}

// The binary form of the column's type (binary_fits() said which kinds reach each type).
void Encoder::binary_value(std::string& out, const Value& v, std::size_t column) const {
  using K = Value::Kind;
  if (v.is_null()) {
    put32(out, 0xffffffff);
    return;
  }
  const TypeOid type = types_[column];
  switch (type) {
    case kBool:
      put32(out, 1);
      out.push_back(v.bool_unchecked() ? 1 : 0);
      return;
    case kInt2:
      put32(out, 2);
      put16(out, static_cast<std::uint16_t>(v.int_unchecked()));
      return;
    case kInt4:
      put32(out, 4);
      put32(out, static_cast<std::uint32_t>(v.int_unchecked()));
      return;
    case kInt8:
      put32(out, 8);
      put64(out, static_cast<std::uint64_t>(v.int_unchecked()));
      return;
    case kFloat4: {
      // float8 -> float4 as the server casts an INSERT's float8 parameter (round to nearest).
      const float f = v.kind() == K::real ? static_cast<float>(v.real_unchecked() + 0.0)
                                          : static_cast<float>(v.int_unchecked());
      std::uint32_t bits = 0;
      std::memcpy(&bits, &f, 4);
      put32(out, 4);
      put32(out, bits);
      return;
    }
    case kFloat8: {
      const double d =
          v.kind() == K::real ? v.real_unchecked() + 0.0 : static_cast<double>(v.int_unchecked());
      std::uint64_t bits = 0;
      std::memcpy(&bits, &d, 8);
      put32(out, 8);
      put64(out, bits);
      return;
    }
    case kNumeric:
      put_numeric(out, v.kind() == K::integer ? std::to_string(v.int_unchecked())
                                              : v.decimal_unchecked().text);
      return;
    case kBytea: {
      const Blob& b = v.blob_unchecked();
      put_field(out, b.data(), b.size());
      return;
    }
    case kDate:
      put32(out, 4);
      put32(out, static_cast<std::uint32_t>(v.date_unchecked().days().time_since_epoch().count() -
                                            kEpochDays));
      return;
    case kTimestamp:
    case kTimestamptz:
      put32(out, 8);
      put64(out, static_cast<std::uint64_t>(v.timestamp_unchecked().micros() - kEpochMicros));
      return;
    case kUuid:
      put_field(out, Uuid::parse(v.text_unchecked())->bytes().data(), 16);
      return;
    case kTime:
      put32(out, 8);
      put64(out, static_cast<std::uint64_t>(canonical_time(v.text_unchecked())->micros()));
      return;
    default:  // text, varchar, json, jsonb: the text (jsonb after its format version, 1)
      break;
  }
  const std::string& text = v.kind() == K::json ? v.json_text({}) : v.text_unchecked();
  if (std::memchr(text.data(), '\0', text.size()) != nullptr)
    throw Refusal{column, "PostgreSQL text cannot contain NUL bytes (store it as a blob)"};
  const bool jsonb = type == kJsonb;
  put32(out, static_cast<std::uint32_t>(text.size() + (jsonb ? 1 : 0)));
  if (jsonb) out.push_back(1);
  out.append(text);
}

}  // namespace sqlcore::pg_copy
