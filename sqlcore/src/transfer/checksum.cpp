// Canonical row hashes. Each value is written as a kind tag and its bytes: integers and
// timestamps as 8 bytes, doubles by their bits (-0.0 as 0.0), text and blobs with their length,
// JSON as a canonical rendering (object keys sorted, which nlohmann::json's objects are; every
// number as its decimal digits and power of ten, so that 100 and 1e2, or 1e+19 and
// 10000000000000000000 -- JSON text on SQLite, jsonb on PostgreSQL, read back as a double on one
// side and an unsigned integer on the other -- agree). Two 64-bit streams (see Hasher) give 128
// bits.
#include "checksum.hpp"

#include <bit>
#include <cstdio>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

namespace sqlcore::transfer::detail {

namespace {

// Two 64-bit streams fed 8 bytes at a time (a tail zero-padded: every variable-length part is
// preceded by its length, so the padding is unambiguous), each word multiplied and rotated in,
// and both finished by murmur3's avalanche. A word at a time instead of FNV-1a's byte at a time:
// hashing is on the critical path of verification (every row of both sides).
class Hasher {
 public:
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (; n >= 8; c += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, c, 8);
      word(w);
    }
    if (n == 0) return;
    std::uint64_t w = 0;
    std::memcpy(&w, c, n);
    word(w);
  }
  void tag(char t) { word(static_cast<unsigned char>(t)); }
  void u64(std::uint64_t v) { word(v); }
  void text(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  void real(double d) { u64(std::bit_cast<std::uint64_t>(d == 0.0 ? 0.0 : d)); }
  RowHash done() const { return {avalanche(a_), avalanche(b_ ^ std::rotl(a_, 23))}; }

 private:
  void word(std::uint64_t w) {
    a_ = std::rotl((a_ ^ w) * 0x87c37b91114253d5ull, 31);
    b_ = std::rotl((b_ ^ std::rotl(w, 17)) * 0x4cf5ad432745937full, 27) + a_;
  }
  static std::uint64_t avalanche(std::uint64_t x) {
    x = (x ^ (x >> 33)) * 0xff51afd7ed558ccdull;
    x = (x ^ (x >> 33)) * 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
  }
  std::uint64_t a_ = 0xcbf29ce484222325ull;
  std::uint64_t b_ = 0x84222325cbf29ce4ull;
};

// A JSON number's text ("-12.50", "1e+19", "10000000000000000000") as its significant digits and
// a power of ten ("-125e-1", "1e19", "1e19"); zero (and -0.0) is "0".
std::string canonical_number(const std::string& text) {
  std::string digits;
  long exponent = 0;
  bool fraction = false;
  std::size_t i = text.empty() || text[0] != '-' ? 0 : 1;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      fraction = true;
      continue;
    }
    digits += text[i];
    if (fraction) --exponent;
  }
  if (i < text.size()) exponent += std::stol(text.substr(i + 1));
  digits.erase(0, digits.find_first_not_of('0'));
  if (digits.empty()) return "0";
  for (; digits.back() == '0'; ++exponent) digits.pop_back();
  return (text[0] == '-' ? "-" : "") + digits + "e" + std::to_string(exponent);
}

// The JSON document, canonically (depth is bounded by Value's kMaxJsonDepth).
void json(Hasher& h, const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return h.tag('n');
    case Json::value_t::boolean:
      return h.tag(j.get<bool>() ? 't' : 'f');
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      h.tag('#');
      return h.text(canonical_number(j.dump()));
    case Json::value_t::string:
      h.tag('s');
      return h.text(j.get_ref<const std::string&>());
    case Json::value_t::array:
      h.tag('[');
      h.u64(j.size());
      for (const auto& e : j) json(h, e);
      return;
    case Json::value_t::object:
      h.tag('{');
      h.u64(j.size());
      for (const auto& [k, v] : j.items()) {
        h.text(k);
        json(h, v);
      }
      return;
    default:
      h.tag('?');
      return h.text(j.dump());
  }
}

}  // namespace

RowHash hash_row(const std::vector<Value>& row) {
  Hasher h;
  for (const Value& v : row) {
    switch (v.kind()) {
      case Value::Kind::null:
        h.tag('N');
        break;
      case Value::Kind::boolean:
        h.tag(v.bool_unchecked() ? 'T' : 'F');
        break;
      case Value::Kind::integer:
        h.tag('I');
        h.u64(static_cast<std::uint64_t>(v.int_unchecked()));
        break;
      case Value::Kind::real:
        h.tag('R');
        h.real(v.real_unchecked());
        break;
      case Value::Kind::text:
        h.tag('S');
        h.text(v.text_unchecked());
        break;
      case Value::Kind::blob: {
        const auto& b = v.blob_unchecked();
        h.tag('X');
        h.u64(b.size());
        h.bytes(b.data(), b.size());
        break;
      }
      case Value::Kind::timestamp:
        h.tag('M');
        h.u64(static_cast<std::uint64_t>(v.timestamp_unchecked().micros()));
        break;
      case Value::Kind::date:
        h.tag('D');
        h.u64(static_cast<std::uint64_t>(v.date_unchecked().days().time_since_epoch().count()));
        break;
      case Value::Kind::json:
        h.tag('J');
        json(h, v.json_unchecked());
        break;
      case Value::Kind::decimal:
        h.tag('C');
        h.text(v.decimal_unchecked().text);
        break;
    }
  }
  return h.done();
}

std::string TableChecksum::hex() const {
  char buf[49];
  std::snprintf(buf, sizeof buf, "%016llx%016llx%016llx", static_cast<unsigned long long>(sum_a_),
                static_cast<unsigned long long>(sum_b_), static_cast<unsigned long long>(xor_));
  return buf;
}

}  // namespace sqlcore::transfer::detail
