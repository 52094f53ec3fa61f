// Portable types: names, argument checks, and the value rules that make both backends agree.
#include "sqlcore/schema/types.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "core/json_text.hpp"
#include "core/utf8.hpp"
#include "core/value_error.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore {

using detail::utf8_length;

namespace detail {
struct EnumValues {
  std::vector<std::string> values;
};
}  // namespace detail

namespace {

// Enum value sets live forever, one per distinct list, so a Type stays a trivially copyable value
// and two Enum types with the same values compare equal by pointer.
const detail::EnumValues* intern_enum(std::vector<std::string> values) {
  static std::mutex mu;
  static auto* sets = new std::vector<std::unique_ptr<detail::EnumValues>>();  // immortal
  std::lock_guard<std::mutex> lock(mu);
  for (const auto& s : *sets)
    if (s->values == values) return s.get();
  sets->push_back(std::make_unique<detail::EnumValues>(detail::EnumValues{std::move(values)}));
  return sets->back().get();
}

[[noreturn]] void data_error(std::string_view column, const char* sqlstate,
                             const std::string& what) {
  detail::raise_value_error(column, sqlstate, what);
}

[[noreturn]] void wrong_kind(std::string_view column, const Type& t, const Value& v) {
  throw ArgumentError("column \"" + std::string(column) + "\" (" + t.to_string() +
                      ") cannot take a value of type " + Value::kind_name(v.kind()));
}

void check_text(std::string_view column, std::string_view s) {
  if (utf8_length(s) < 0)
    data_error(column, "22021",
               "text must be valid UTF-8 without NUL bytes (store bytes in LargeBinary)");
}

// A decimal number split into its parts: sign, integer digits (no leading zeros), fraction.
struct DecimalParts {
  bool negative = false;
  std::string int_digits;
  std::string frac_digits;
};

bool split_decimal(std::string_view s, DecimalParts& out) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.negative = s[i++] == '-';
  std::size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') out.int_digits.push_back(s[i++]);
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') out.frac_digits.push_back(s[i++]);
  }
  if (i == start || (out.int_digits.empty() && out.frac_digits.empty())) return false;
  long long exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    auto r = std::from_chars(s.data() + i + (i < s.size() && s[i] == '+' ? 1 : 0),
                             s.data() + s.size(), exp);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || exp > 4000 || exp < -4000)
      return false;
    i = s.size();
  }
  if (i != s.size()) return false;
  // Apply the exponent by moving digits across the point.
  for (; exp > 0; --exp) {
    out.int_digits.push_back(out.frac_digits.empty() ? '0' : out.frac_digits.front());
    if (!out.frac_digits.empty()) out.frac_digits.erase(0, 1);
  }
  for (; exp < 0; ++exp) {
    out.frac_digits.insert(0, 1, out.int_digits.empty() ? '0' : out.int_digits.back());
    if (!out.int_digits.empty()) out.int_digits.pop_back();
  }
  std::size_t nz = out.int_digits.find_first_not_of('0');
  out.int_digits = nz == std::string::npos ? std::string() : out.int_digits.substr(nz);
  return true;
}

// Rounds `p` to `scale` fraction digits, half away from zero (as PostgreSQL's NUMERIC does).
void round_decimal(DecimalParts& p, int scale) {
  auto s = static_cast<std::size_t>(scale);
  if (p.frac_digits.size() <= s) {
    p.frac_digits.append(s - p.frac_digits.size(), '0');
    return;
  }
  bool up = p.frac_digits[s] >= '5';
  p.frac_digits.resize(s);
  if (!up) return;
  std::string digits = p.int_digits + p.frac_digits;
  int k = static_cast<int>(digits.size()) - 1;
  while (k >= 0 && digits[static_cast<std::size_t>(k)] == '9')
    digits[static_cast<std::size_t>(k--)] = '0';
  if (k < 0)
    digits.insert(0, 1, '1');
  else
    ++digits[static_cast<std::size_t>(k)];
  p.int_digits = digits.substr(0, digits.size() - s);
  p.frac_digits = digits.substr(digits.size() - s);
}

std::string join_decimal(const DecimalParts& p) {
  std::string out;
  bool zero = p.int_digits.find_first_not_of('0') == std::string::npos &&
              p.frac_digits.find_first_not_of('0') == std::string::npos;
  if (p.negative && !zero) out.push_back('-');
  out += p.int_digits.empty() ? "0" : p.int_digits;
  if (!p.frac_digits.empty()) {
    out.push_back('.');
    out += p.frac_digits;
  }
  return out;
}

// The canonical text of a Numeric(precision, scale) value, or a DataError naming the column.
Decimal numeric_value(std::string_view text, const Type& t, std::string_view column) {
  if (text == "NaN") data_error(column, "22023", "NaN is not a portable Numeric value");
  DecimalParts p;
  if (!split_decimal(text, p))
    throw ArgumentError("column \"" + std::string(column) + "\" (" + t.to_string() +
                        ") cannot take text that is not a decimal number");
  round_decimal(p, t.scale());
  if (static_cast<int>(p.int_digits.size()) > t.precision() - t.scale())
    data_error(column, "22003",
               "numeric value out of range for " + t.to_string() + " (at most " +
                   std::to_string(t.precision() - t.scale()) + " digits before the point)");
  return Decimal{join_decimal(p)};
}

std::string shortest_double(double d) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

template <class I>
std::int64_t checked_int(std::int64_t x, const Type& t, std::string_view column) {
  if (x < std::numeric_limits<I>::min() || x > std::numeric_limits<I>::max())
    data_error(column, "22003",
               "integer out of range for " + t.to_string() + " (" + std::to_string(sizeof(I) * 8) +
                   "-bit on every backend; use BigInteger)");
  return x;
}

}  // namespace

const std::vector<std::string>& Type::enum_values() const {
  static const std::vector<std::string> kNone;
  return enum_ ? enum_->values : kNone;
}

bool operator==(const Type& a, const Type& b) {
  return a.kind_ == b.kind_ && a.length_ == b.length_ && a.precision_ == b.precision_ &&
         a.scale_ == b.scale_ && a.enum_ == b.enum_;
}

std::string Type::to_string() const {
  switch (kind_) {
    case TypeKind::small_integer:
      return "SmallInteger";
    case TypeKind::integer:
      return "Integer";
    case TypeKind::big_integer:
      return "BigInteger";
    case TypeKind::boolean:
      return "Boolean";
    case TypeKind::float_:
      return "Float";
    case TypeKind::double_:
      return "Double";
    case TypeKind::numeric:
      return "Numeric(" + std::to_string(precision_) + ", " + std::to_string(scale_) + ")";
    case TypeKind::string:
      return length_ ? "String(" + std::to_string(length_) + ")" : "String";
    case TypeKind::text:
      return "Text";
    case TypeKind::date:
      return "Date";
    case TypeKind::date_time:
      return "DateTime";
    case TypeKind::time:
      return "Time";
    case TypeKind::json:
      return "Json";
    case TypeKind::large_binary:
      return "LargeBinary";
    case TypeKind::uuid:
      return "Uuid";
    case TypeKind::enumeration: {
      std::string out = "Enum(";
      for (std::size_t i = 0; i < enum_values().size(); ++i) {
        if (i) out += ", ";
        out += enum_values()[i];
      }
      return out + ")";
    }
  }
  return "?";
}

const Value& Type::bind_ref(const Value& v, std::string_view column, Value& scratch) const {
  using K = Value::Kind;
  if (v.is_null()) return v;
  const K k = v.kind();
  switch (kind_) {
    case TypeKind::small_integer:
    case TypeKind::integer:
    case TypeKind::big_integer: {
      std::int64_t x = 0;
      if (k == K::integer) {
        x = v.int_unchecked();
      } else if (k == K::decimal) {
        auto r = std::from_chars(
            v.decimal_unchecked().text.data(),
            v.decimal_unchecked().text.data() + v.decimal_unchecked().text.size(), x);
        if (r.ec != std::errc() ||
            r.ptr != v.decimal_unchecked().text.data() + v.decimal_unchecked().text.size())
          wrong_kind(column, *this, v);
      } else {
        wrong_kind(column, *this, v);
      }
      if (kind_ == TypeKind::small_integer) checked_int<std::int16_t>(x, *this, column);
      if (kind_ == TypeKind::integer) checked_int<std::int32_t>(x, *this, column);
      if (k == K::integer) return v;
      return scratch = Value(x);
    }
    case TypeKind::boolean:
      if (k == K::boolean) return v;
      if (k == K::integer && (v.int_unchecked() == 0 || v.int_unchecked() == 1))
        return scratch = Value(v.int_unchecked() == 1);
      wrong_kind(column, *this, v);
    case TypeKind::float_:
    case TypeKind::double_: {
      double d = 0;
      if (k == K::real)
        d = v.real_unchecked();
      else if (k == K::integer)
        d = static_cast<double>(v.int_unchecked());
      else if (k == K::decimal)
        d = v.as<double>(column);
      else
        wrong_kind(column, *this, v);
      // SQLite binds NaN as NULL, PostgreSQL stores it; an infinity poisons every sum it enters
      // (a running total stays infinite). Only finite numbers are stored, on every backend, as
      // for Numeric and Json. -0.0 is stored as 0.0 (SQLite reads a REAL -0.0 back as 0).
      if (!std::isfinite(d))
        data_error(column, "22023",
                   std::string(std::isnan(d) ? "NaN" : "infinity") + " is not a " + to_string() +
                       " value: only finite numbers are stored alike on every backend");
      if (kind_ == TypeKind::float_) {
        if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max())
          data_error(column, "22003", "value out of range for Float (single precision)");
        d = static_cast<double>(static_cast<float>(d));
      }
      if (k == K::real && d == v.real_unchecked()) return v;
      return scratch = Value(d);
    }
    case TypeKind::numeric: {
      if (k == K::decimal)
        return scratch = Value(numeric_value(v.decimal_unchecked().text, *this, column));
      if (k == K::text) return scratch = Value(numeric_value(v.text_unchecked(), *this, column));
      if (k == K::integer)
        return scratch = Value(numeric_value(std::to_string(v.int_unchecked()), *this, column));
      if (k == K::real) {
        if (!std::isfinite(v.real_unchecked()))
          data_error(column, "22023", "infinity and NaN are not Numeric values");
        return scratch = Value(numeric_value(shortest_double(v.real_unchecked()), *this, column));
      }
      wrong_kind(column, *this, v);
    }
    case TypeKind::string:
    case TypeKind::text:
    case TypeKind::enumeration: {
      if (k != K::text) wrong_kind(column, *this, v);
      check_string(v.text_unchecked(), column);
      return v;
    }
    case TypeKind::date:
      if (k == K::date) {
        v.check_bindable(column);
        return v;
      }
      if (k == K::text) {
        if (auto d = sqlcore::Date::parse(v.text_unchecked())) {
          scratch = Value(*d);
          scratch.check_bindable(column);
          return scratch;
        }
      }
      wrong_kind(column, *this, v);
    case TypeKind::date_time:
      if (k == K::timestamp) {
        v.check_bindable(column);
        return v;
      }
      if (k == K::text) {
        if (auto t = Timestamp::parse(v.text_unchecked())) {
          scratch = Value(*t);
          scratch.check_bindable(column);
          return scratch;
        }
      }
      wrong_kind(column, *this, v);
    case TypeKind::time:
      if (k == K::text) {
        if (auto t = TimeOfDay::parse(v.text_unchecked())) return scratch = Value(t->to_string());
      }
      wrong_kind(column, *this, v);
    case TypeKind::json:
      switch (k) {
        case K::json:
          v.check_json(column);
          return v;
        case K::text:  // a C++ string is JSON text (docs/schema.md): checked, sent as it is
          detail::check_json_text(v.text_unchecked(), column);
          return v;
        case K::boolean:
          return scratch = Value(sqlcore::Json(v.bool_unchecked()));
        case K::integer:
          return scratch = Value(sqlcore::Json(v.int_unchecked()));
        case K::real:
          if (!std::isfinite(v.real_unchecked()))
            data_error(column, "22023", "JSON has no infinity or NaN");
          return scratch = Value(sqlcore::Json(v.real_unchecked()));
        default:
          wrong_kind(column, *this, v);
      }
    case TypeKind::large_binary:
      if (k == K::blob) return v;
      wrong_kind(column, *this, v);
    case TypeKind::uuid:
      if (k == K::text || k == K::blob) {
        try {
          return scratch = Value(v.as<sqlcore::Uuid>(column));
        } catch (const ArgumentError&) {
        }
      }
      wrong_kind(column, *this, v);
  }
  return v;
}

bool Type::accepts(const Value& v, std::string_view column) const {
  const Value::Kind k = v.kind();
  switch (kind_) {
    case TypeKind::small_integer:
      if (k != Value::Kind::integer) return false;
      checked_int<std::int16_t>(v.int_unchecked(), *this, column);
      return true;
    case TypeKind::integer:
      if (k != Value::Kind::integer) return false;
      checked_int<std::int32_t>(v.int_unchecked(), *this, column);
      return true;
    case TypeKind::string:
    case TypeKind::text:
    case TypeKind::enumeration:
      if (k != Value::Kind::text) return false;
      check_string(v.text_unchecked(), column);
      return true;
    case TypeKind::json:
      if (k != Value::Kind::text) return passes(v);
      detail::check_json_text(v.text_unchecked(), column);
      return true;
    default:
      return passes(v);
  }
}

void Type::check_string(const std::string& s, std::string_view column) const {
  // Short ASCII text in an unbounded column (the usual case): nothing else to check.
  if (kind_ == TypeKind::text || (kind_ == TypeKind::string && length_ == 0) ||
      (kind_ == TypeKind::string && s.size() <= static_cast<std::size_t>(length_))) {
    bool ascii = true;
    for (char ch : s) ascii = ascii && static_cast<unsigned char>(ch) - 1u < 0x7fu;
    if (ascii) return;
  }
  long long n = utf8_length(s);
  if (n < 0) check_text(column, s);
  if (kind_ == TypeKind::string && length_ > 0 && n > length_)
    data_error(column, "22001",
               "value too long for " + to_string() + " (" + std::to_string(n) + " characters)");
  if (kind_ == TypeKind::enumeration) {
    bool found = false;
    for (const auto& e : enum_values()) found = found || e == s;
    if (!found) data_error(column, "22023", "value is not one of " + to_string());
  }
}

Value Type::bind(Value v, std::string_view column) const {
  Value scratch;
  const Value& r = bind_ref(v, column, scratch);
  return &r == &v ? std::move(v) : std::move(scratch);
}

Value Type::result(Value v, std::string_view column) const {
  using K = Value::Kind;
  const K k = v.kind();
  switch (kind_) {
    case TypeKind::boolean:
      if (k == K::integer && (v.int_unchecked() == 0 || v.int_unchecked() == 1))
        return v.int_unchecked() == 1;
      return v;
    case TypeKind::float_:
      if (k == K::real) return static_cast<double>(static_cast<float>(v.real_unchecked()));
      return v;
    case TypeKind::double_:
      if (k == K::integer) return static_cast<double>(v.int_unchecked());
      return v;
    case TypeKind::numeric: {
      // SQLite keeps Numeric(p <= 15) as INTEGER/REAL and wider ones as text; PostgreSQL sends
      // the exact digits. All read back as a Decimal with the declared scale.
      std::string text;
      if (k == K::decimal)
        return v;
      else if (k == K::integer)
        text = std::to_string(v.int_unchecked());
      else if (k == K::text)
        text = v.text_unchecked();
      else if (k == K::real && std::isfinite(v.real_unchecked())) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", scale_, v.real_unchecked());
        text = buf;
      } else {
        return v;
      }
      DecimalParts p;
      if (!split_decimal(text, p)) return v;
      round_decimal(p, scale_);
      return Decimal{join_decimal(p)};
    }
    case TypeKind::date:
      if (k == K::text) {
        if (auto d = sqlcore::Date::parse(v.text_unchecked())) return *d;
      }
      return v;
    case TypeKind::date_time:
      if (k == K::text) {
        if (auto t = Timestamp::parse(v.text_unchecked())) return *t;
      }
      return v;
    case TypeKind::time:
      if (k == K::text) {
        if (auto t = TimeOfDay::parse(v.text_unchecked())) return t->to_string();
      }
      return v;
    case TypeKind::json:
      // The text is kept (moved) and parsed only when the document is read.
      if (k == K::text) v.text_to_json(column);
      return v;
    case TypeKind::uuid:
      if (k == K::text || k == K::blob) {
        if (k == K::text) {
          if (auto u = sqlcore::Uuid::parse(v.text_unchecked())) return u->to_string();
        } else if (v.blob_unchecked().size() == 16) {
          return v.as<sqlcore::Uuid>().to_string();
        }
      }
      return v;
    default:
      return v;
  }
}

Type make_enum_type(std::vector<std::string> values) {
  if (values.empty()) throw ArgumentError("types::Enum: the set of values is empty");
  std::set<std::string> seen;
  std::size_t longest = 0;
  for (const auto& v : values) {
    if (v.empty()) throw ArgumentError("types::Enum: the empty string is not an Enum value");
    if (utf8_length(v) < 0)
      throw ArgumentError("types::Enum: values must be valid UTF-8 without NUL bytes");
    if (!seen.insert(v).second) throw ArgumentError("types::Enum: value '" + v + "' is repeated");
    longest = std::max(longest, static_cast<std::size_t>(utf8_length(v)));
  }
  Type t(TypeKind::enumeration, static_cast<int>(longest));
  t.enum_ = intern_enum(std::move(values));
  return t;
}

namespace types {

Type String(int length) {
  if (length < 1 || length > 10485760)
    throw ArgumentError("types::String(" + std::to_string(length) +
                        "): the length must be between 1 and 10485760 characters (use "
                        "types::Text for unbounded text)");
  return Type(TypeKind::string, length);
}

Type String() {
  return Type(TypeKind::string);
}

Type Numeric(int precision, int scale) {
  if (precision < 1 || precision > 1000)
    throw ArgumentError("types::Numeric(" + std::to_string(precision) + ", " +
                        std::to_string(scale) + "): the precision must be between 1 and 1000");
  if (scale < 0 || scale > precision)
    throw ArgumentError("types::Numeric(" + std::to_string(precision) + ", " +
                        std::to_string(scale) + "): the scale must be between 0 and the precision");
  return Type(TypeKind::numeric, 0, precision, scale);
}

Type Enum(std::vector<std::string> values) {
  return make_enum_type(std::move(values));
}

}  // namespace types

}  // namespace sqlcore
