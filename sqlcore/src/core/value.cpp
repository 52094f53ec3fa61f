// Value: construction, kind names and the conversions behind Value::as<T>().
#include "sqlcore/core/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "sqlcore/core/error.hpp"

namespace sqlcore {

Value::Value(unsigned long v) {
  if (v > static_cast<unsigned long>(std::numeric_limits<std::int64_t>::max()))
    throw ArgumentError("Value: unsigned integer does not fit a signed 64-bit integer");
  v_ = static_cast<std::int64_t>(v);
}

Value::Value(unsigned long long v) {
  if (v > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
    throw ArgumentError("Value: unsigned integer does not fit a signed 64-bit integer");
  v_ = static_cast<std::int64_t>(v);
}

Value::JsonPtr Value::make_json(const Json& j) {
  return std::make_shared<const Json>(j);
}
Value::JsonPtr Value::make_json(Json&& j) {
  return std::make_shared<const Json>(std::move(j));
}

const char* Value::kind_name(Kind k) {
  switch (k) {
    case Kind::null:
      return "NULL";
    case Kind::boolean:
      return "boolean";
    case Kind::integer:
      return "integer";
    case Kind::real:
      return "double";
    case Kind::text:
      return "text";
    case Kind::blob:
      return "blob";
    case Kind::timestamp:
      return "timestamp";
    case Kind::date:
      return "date";
    case Kind::json:
      return "json";
    case Kind::decimal:
      return "decimal";
  }
  return "?";
}

void Value::mismatch(const char* wanted, std::string_view what) const {
  std::string msg;
  if (!what.empty()) {
    msg = "column '";
    msg += what;
    msg += "': ";
  }
  if (is_null()) {
    msg += "value is NULL, cannot read it as ";
    msg += wanted;
    msg += " (read it as std::optional)";
  } else {
    msg += "cannot read a value of type ";
    msg += kind_name(kind());
    msg += " as ";
    msg += wanted;
  }
  throw ArgumentError(msg);
}

std::string Value::debug_string() const {
  switch (kind()) {
    case Kind::null:
      return "NULL";
    case Kind::boolean:
      return bool_unchecked() ? "true" : "false";
    case Kind::integer:
      return std::to_string(int_unchecked());
    case Kind::real: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, real_unchecked());
      return std::string(buf, r.ptr);
    }
    case Kind::text:
      return "'" + text_unchecked() + "'";
    case Kind::blob:
      return "blob(" + std::to_string(blob_unchecked().size()) + " bytes)";
    case Kind::timestamp:
      return timestamp_unchecked().to_iso8601();
    case Kind::date:
      return date_unchecked().to_string();
    case Kind::json:
      return json_unchecked().dump();
    case Kind::decimal:
      return decimal_unchecked().text;
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Value::Kind::json) return a.json_unchecked() == b.json_unchecked();
  return a.v_ == b.v_;
}

namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

template <>
bool Value::as<bool>(std::string_view what) const {
  if (kind() == Kind::boolean) return bool_unchecked();
  if (kind() == Kind::integer && (int_unchecked() == 0 || int_unchecked() == 1))
    return int_unchecked() == 1;
  mismatch("bool", what);
}

template <>
std::int64_t Value::as<std::int64_t>(std::string_view what) const {
  switch (kind()) {
    case Kind::integer:
      return int_unchecked();
    case Kind::boolean:
      return bool_unchecked() ? 1 : 0;
    case Kind::decimal: {
      std::int64_t v = 0;
      if (parse_int(decimal_unchecked().text, v)) return v;
      break;
    }
    default:
      break;
  }
  mismatch("int64", what);
}

namespace {
template <class I>
I narrow_int(const Value& v, std::string_view what, const char* name) {
  std::int64_t x = v.as<std::int64_t>(what);
  if (x < std::numeric_limits<I>::min() || x > std::numeric_limits<I>::max()) {
    std::string msg;
    if (!what.empty()) msg = "column '" + std::string(what) + "': ";
    msg += "integer value out of range for ";
    msg += name;
    throw ArgumentError(msg);
  }
  return static_cast<I>(x);
}
}  // namespace

template <>
int Value::as<int>(std::string_view what) const {
  return narrow_int<int>(*this, what, "int");
}

template <>
std::int16_t Value::as<std::int16_t>(std::string_view what) const {
  return narrow_int<std::int16_t>(*this, what, "int16");
}

template <>
double Value::as<double>(std::string_view what) const {
  switch (kind()) {
    case Kind::real:
      return real_unchecked();
    case Kind::integer:
      return static_cast<double>(int_unchecked());
    case Kind::decimal: {
      const std::string& t = decimal_unchecked().text;
      if (t == "NaN") return std::numeric_limits<double>::quiet_NaN();
      char* end = nullptr;
      double d = std::strtod(t.c_str(), &end);
      if (end == t.c_str() + t.size()) return d;
      break;
    }
    default:
      break;
  }
  mismatch("double", what);
}

template <>
float Value::as<float>(std::string_view what) const {
  return static_cast<float>(as<double>(what));
}

template <>
std::string Value::as<std::string>(std::string_view what) const {
  switch (kind()) {
    case Kind::text:
      return text_unchecked();
    case Kind::decimal:
      return decimal_unchecked().text;
    default:
      break;
  }
  mismatch("string", what);
}

template <>
Blob Value::as<Blob>(std::string_view what) const {
  if (kind() == Kind::blob) return blob_unchecked();
  mismatch("blob", what);
}

template <>
Timestamp Value::as<Timestamp>(std::string_view what) const {
  if (kind() == Kind::timestamp) return timestamp_unchecked();
  if (kind() == Kind::text) {
    if (auto t = Timestamp::parse(text_unchecked())) return *t;
  }
  mismatch("Timestamp", what);
}

template <>
Date Value::as<Date>(std::string_view what) const {
  if (kind() == Kind::date) return date_unchecked();
  if (kind() == Kind::text) {
    if (auto d = Date::parse(text_unchecked())) return *d;
  }
  mismatch("Date", what);
}

template <>
Json Value::as<Json>(std::string_view what) const {
  if (kind() == Kind::json) return json_unchecked();
  if (kind() == Kind::text) {
    Json j = Json::parse(text_unchecked(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) return j;
  }
  mismatch("Json", what);
}

template <>
Decimal Value::as<Decimal>(std::string_view what) const {
  switch (kind()) {
    case Kind::decimal:
      return decimal_unchecked();
    case Kind::integer:
      return Decimal{std::to_string(int_unchecked())};
    case Kind::text:
      return Decimal{text_unchecked()};
    default:
      break;
  }
  mismatch("Decimal", what);
}

template <>
Value Value::as<Value>(std::string_view) const {
  return *this;
}

template <>
Uuid Value::as<Uuid>(std::string_view what) const {
  if (kind() == Kind::text) {
    if (auto u = Uuid::parse(text_unchecked())) return *u;
  } else if (kind() == Kind::blob && blob_unchecked().size() == 16) {
    Uuid::Bytes b{};
    for (std::size_t i = 0; i < 16; ++i) b[i] = blob_unchecked()[i];
    return Uuid(b);
  }
  mismatch("Uuid", what);
}

template <>
TimeOfDay Value::as<TimeOfDay>(std::string_view what) const {
  if (kind() == Kind::text) {
    if (auto t = TimeOfDay::parse(text_unchecked())) return *t;
  }
  mismatch("TimeOfDay", what);
}

}  // namespace sqlcore
