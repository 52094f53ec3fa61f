// Value: construction, kind names and the conversions behind Value::as<T>().
#include "sqlcore/core/value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "core/utf8.hpp"
#include "core/value_error.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore {

namespace detail {

void raise_value_error(std::string_view what, const char* sqlstate, const std::string& why) {
  ErrorInfo info;
  info.backend = "sqlcore";
  info.sqlstate = sqlstate;
  // `what` is a column ("table.column") or a parameter (":name").
  if (what.empty())
    info.server_message = why;
  else
    info.server_message = std::string(what.starts_with(':') ? "parameter \"" : "column \"") +
                          std::string(what) + "\": " + why;
  raise_database_error(std::move(info));
}

}  // namespace detail

using detail::raise_value_error;

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

namespace {

bool text_ok(const std::string& s) {
  return detail::utf8_length(s) >= 0;
}

// One walk over a document, with an explicit stack: nothing here recurses, and the walk stops
// as soon as the document is known to be too deep. Fills `too_deep` and `bad_text`.
void walk_json(const Json& root, bool& too_deep, bool& bad_text) {
  too_deep = bad_text = false;
  if (!root.is_structured()) {  // a scalar document: no stack needed
    bad_text = root.is_string() && !text_ok(root.get_ref<const std::string&>());
    return;
  }
  std::vector<std::pair<const Json*, std::size_t>> todo;  // node, containers around it
  todo.emplace_back(&root, 0);
  while (!todo.empty()) {
    const auto [node, level] = todo.back();
    todo.pop_back();
    if (node->is_string()) {
      bad_text = bad_text || !text_ok(node->get_ref<const std::string&>());
      continue;
    }
    if (!node->is_structured()) continue;
    if (level + 1 > kMaxJsonDepth) {
      too_deep = true;
      return;
    }
    if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        bad_text = bad_text || !text_ok(it.key());
        todo.emplace_back(&it.value(), level + 1);
      }
    } else {
      for (const Json& child : *node) todo.emplace_back(&child, level + 1);
    }
  }
}

const std::shared_ptr<const Json>& too_deep_placeholder() {
  static const auto* p = new std::shared_ptr<const Json>(std::make_shared<const Json>());
  return *p;
}

// The nesting depth of JSON text: brackets outside strings, counted without parsing. Stops
// counting past kMaxJsonDepth. Malformed text is the parser's business.
std::size_t json_text_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > kMaxJsonDepth) return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

[[noreturn]] void too_deep(std::string_view what) {
  raise_value_error(what, "22032",
                    "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                        " levels (sqlcore::kMaxJsonDepth) is refused");
}

}  // namespace

Value::JsonRef Value::make_json(const Json& j) {
  JsonRef r;
  walk_json(j, r.too_deep, r.bad_text);
  // A non-const document behind the const pointer: take<Json>() may move out of an unshared one.
  r.doc = r.too_deep ? too_deep_placeholder() : std::make_shared<Json>(j);
  return r;
}

Value::JsonRef Value::make_json(Json&& j) {
  JsonRef r;
  walk_json(j, r.too_deep, r.bad_text);
  // A document too deep is dropped here (nlohmann destroys nested values without recursion).
  r.doc = r.too_deep ? too_deep_placeholder() : std::make_shared<Json>(std::move(j));
  return r;
}

void Value::check_json(std::string_view what) const {
  const JsonRef* r = std::get_if<JsonRef>(&v_);
  if (r == nullptr) return;
  if (r->too_deep) too_deep(what);
  if (r->bad_text)
    raise_value_error(
        what, "22021",
        "JSON strings must be valid UTF-8 without NUL characters (\\u0000): PostgreSQL "
        "refuses them, so sqlcore refuses them on every backend");
}

std::string Value::json_text(std::string_view what) const {
  check_json(what);
  try {
    return json_unchecked().dump();
  } catch (const Json::exception&) {
    raise_value_error(what, "22021", "the JSON value cannot be written as JSON text");
  }
}

void Value::check_bindable(std::string_view what) const {
  switch (kind()) {
    case Kind::real: {
      const double d = real_unchecked();
      if (!std::isfinite(d))
        raise_value_error(what, "22023",
                          std::string(std::isnan(d) ? "NaN" : "infinity") +
                              " is refused: only finite numbers are stored alike on every backend");
      return;
    }
    case Kind::json:
      check_json(what);
      return;
    case Kind::timestamp:
      if (!timestamp_unchecked().in_portable_range())
        raise_value_error(what, "22008", "timestamp outside the years 1 to 9999 is refused");
      return;
    case Kind::date:
      if (!date_unchecked().in_portable_range())
        raise_value_error(what, "22008", "date outside the years 1 to 9999 is refused");
      return;
    default:
      return;
  }
}

bool Value::bindable_slow() const {
  switch (kind()) {
    case Kind::real:
      return std::isfinite(real_unchecked());
    case Kind::json: {
      const JsonRef& r = std::get<JsonRef>(v_);
      return !r.too_deep && !r.bad_text;
    }
    case Kind::timestamp:
      return timestamp_unchecked().in_portable_range();
    case Kind::date:
      return date_unchecked().in_portable_range();
    default:
      return true;
  }
}

namespace {

// JSON text parsed once its nesting is known to be within the limit; nullopt when not JSON.
std::optional<Json> parse_within_limit(std::string_view text, std::string_view what) {
  if (json_text_depth(text) > kMaxJsonDepth) too_deep(what);
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace

bool parse_json_text(std::string_view text, Value& out, std::string_view what) {
  std::optional<Json> j = parse_within_limit(text, what);
  if (!j) return false;
  out = Value(std::move(*j));
  return true;
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
    case Kind::json: {
      const JsonRef& r = std::get<JsonRef>(v_);
      if (r.too_deep) return "json(nested deeper than the maximum)";
      return r.bad_text ? "json(with invalid text)" : json_unchecked().dump();
    }
    case Kind::decimal:
      return decimal_unchecked().text;
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Value::Kind::json) {
    const auto& x = std::get<Value::JsonRef>(a.v_);
    const auto& y = std::get<Value::JsonRef>(b.v_);
    // A document too deep was not kept: like NaN, it equals nothing.
    if (x.too_deep || y.too_deep) return false;
    return a.json_unchecked() == b.json_unchecked();
  }
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
std::string Value::take<std::string>(std::string_view what) {
  if (kind() != Kind::text) return as<std::string>(what);
  std::string out = std::move(std::get<std::string>(v_));
  v_ = std::monostate{};
  return out;
}

template <>
Blob Value::take<Blob>(std::string_view what) {
  if (kind() != Kind::blob) return as<Blob>(what);
  Blob out = std::move(std::get<Blob>(v_));
  v_ = std::monostate{};
  return out;
}

template <>
Json Value::take<Json>(std::string_view what) {
  auto* r = std::get_if<JsonRef>(&v_);
  if (r == nullptr || r->too_deep || r->doc.use_count() != 1) return as<Json>(what);
  // make_json() created the document non-const and nothing else shares it: moving is safe.
  Json out =
      std::move(const_cast<Json&>(*r->doc));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  v_ = std::monostate{};
  return out;
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
  if (kind() == Kind::json) {
    if (std::get<JsonRef>(v_).too_deep) too_deep(what);
    return json_unchecked();
  }
  if (kind() == Kind::text) {
    if (std::optional<Json> j = parse_within_limit(text_unchecked(), what)) return std::move(*j);
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
