// Value: construction, kind names and the conversions behind Value::as<T>().
#include "sqlcore/core/value.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "core/json_text.hpp"
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

}  // namespace

// Each form is written once: before the state is shared (by make_json / text_to_json), or under
// `lock` on first use, after which its flag is set with release order; a reader that sees the
// flag (acquire) reads the form without the lock. Forms are never changed once set, so a
// reference to one stays valid as long as the state lives.
struct detail::JsonState {
  bool too_deep = false;  // nested deeper than kMaxJsonDepth: neither form is kept
  bool bad_text = false;  // a string or key is not UTF-8 or holds a NUL
  mutable std::atomic<bool> has_text{false};
  mutable std::atomic<bool> has_doc{false};
  mutable std::mutex lock;
  mutable std::string text;
  mutable Json doc;
};

namespace {

using detail::JsonState;

[[noreturn]] void too_deep(std::string_view what) {
  detail::raise_json_too_deep(what);
}

const std::shared_ptr<const JsonState>& too_deep_placeholder() {
  static const auto* p = new std::shared_ptr<const JsonState>([] {
    auto st = std::make_shared<JsonState>();
    st->too_deep = true;
    st->has_doc.store(true);  // a JSON null, for json_unchecked()
    return st;
  }());
  return *p;
}

// Text that passed scan_json_text(), parsed. The scan accepts only what the parser accepts, so
// this succeeds; nlohmann's parser does not recurse, and neither does destroying the document.
Json parse_scanned(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    raise_value_error({}, "22P02", "JSON text that passed sqlcore's check failed to parse");
  return j;
}

// The document, parsed from the text under the lock the first time it is asked for.
const Json& doc_of(const JsonState& st) {
  if (!st.has_doc.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> guard(st.lock);
    if (!st.has_doc.load(std::memory_order_relaxed)) {
      st.doc = parse_scanned(st.text);
      st.has_doc.store(true, std::memory_order_release);
    }
  }
  return st.doc;
}

// The text, serialised from the document under the lock the first time it is asked for.
// Throws DataError naming `what` for a document that cannot be written as JSON text (a string
// that is not UTF-8).
const std::string& text_of(const JsonState& st, std::string_view what) {
  if (!st.has_text.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> guard(st.lock);
    if (!st.has_text.load(std::memory_order_relaxed)) {
      try {
        st.text = st.doc.dump();
      } catch (const Json::exception&) {
        raise_value_error(what, "22021", "the JSON value cannot be written as JSON text");
      }
      st.has_text.store(true, std::memory_order_release);
    }
  }
  return st.text;
}

}  // namespace

Value::JsonRef Value::make_json(const Json& j) {
  bool deep = false, bad = false;
  walk_json(j, deep, bad);
  if (deep) return JsonRef{too_deep_placeholder()};
  // A non-const state behind the const pointer: take<Json>() may move out of an unshared one.
  auto st = std::make_shared<JsonState>();
  st->bad_text = bad;
  st->doc = j;
  st->has_doc.store(true, std::memory_order_relaxed);
  return JsonRef{std::move(st)};
}

Value::JsonRef Value::make_json(Json&& j) {
  bool deep = false, bad = false;
  walk_json(j, deep, bad);
  // A document too deep is dropped with `j` (nlohmann destroys nested values without recursion).
  if (deep) return JsonRef{too_deep_placeholder()};
  auto st = std::make_shared<JsonState>();
  st->bad_text = bad;
  st->doc = std::move(j);
  st->has_doc.store(true, std::memory_order_relaxed);
  return JsonRef{std::move(st)};
}

bool Value::text_to_json(std::string_view what) {
  auto* t = std::get_if<std::string>(&v_);
  if (t == nullptr) return false;
  const detail::JsonTextScan scan = detail::scan_json_text(*t);
  if (scan.verdict == detail::JsonTextVerdict::too_deep) too_deep(what);
  if (scan.verdict != detail::JsonTextVerdict::ok) return false;
  auto st = std::make_shared<JsonState>();
  st->bad_text = scan.has_nul;  // the scan refuses text that is not UTF-8
  st->text = std::move(*t);
  st->has_text.store(true, std::memory_order_relaxed);
  v_ = JsonRef{std::move(st)};
  return true;
}

const Json& Value::json_unchecked() const {
  return doc_of(*std::get<JsonRef>(v_).state);
}

void Value::check_json(std::string_view what) const {
  const JsonRef* r = std::get_if<JsonRef>(&v_);
  if (r == nullptr) return;
  if (r->state->too_deep) too_deep(what);
  if (r->state->bad_text)
    raise_value_error(
        what, "22021",
        "JSON strings must be valid UTF-8 without NUL characters (\\u0000): PostgreSQL "
        "refuses them, so sqlcore refuses them on every backend");
}

const std::string& Value::json_text(std::string_view what) const {
  check_json(what);
  return text_of(*std::get<JsonRef>(v_).state, what);
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
      const JsonState& st = *std::get<JsonRef>(v_).state;
      return !st.too_deep && !st.bad_text;
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

// JSON text parsed once it is known to be JSON within the nesting limit; nullopt when not JSON.
std::optional<Json> parse_within_limit(std::string_view text, std::string_view what) {
  const detail::JsonTextScan scan = detail::scan_json_text(text);
  if (scan.verdict == detail::JsonTextVerdict::too_deep) too_deep(what);
  if (scan.verdict != detail::JsonTextVerdict::ok) return std::nullopt;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace

bool parse_json_text(std::string_view text, Value& out, std::string_view what) {
  Value v{std::string(text)};
  if (!v.text_to_json(what)) return false;
  out = std::move(v);
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
      const JsonState& st = *std::get<JsonRef>(v_).state;
      if (st.too_deep) return "json(nested deeper than the maximum)";
      return st.bad_text ? "json(with invalid text)" : text_of(st, {});
    }
    case Kind::decimal:
      return decimal_unchecked().text;
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Value::Kind::json) {
    const JsonState& x = *std::get<Value::JsonRef>(a.v_).state;
    const JsonState& y = *std::get<Value::JsonRef>(b.v_).state;
    // A document too deep was not kept: like NaN, it equals nothing.
    if (x.too_deep || y.too_deep) return false;
    if (&x == &y) return true;
    // Equal documents, not equal text: `{"a": 1}` equals `{"a":1}`. The same text is the same
    // document, though, and needs no parse.
    if (x.has_text.load(std::memory_order_acquire) && y.has_text.load(std::memory_order_acquire) &&
        x.text == y.text)
      return true;
    return doc_of(x) == doc_of(y);
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
    case Kind::json: {
      // Its JSON text: as read (byte for byte), or the document serialised.
      const JsonState& st = *std::get<JsonRef>(v_).state;
      if (st.too_deep) too_deep(what);
      return text_of(st, what);
    }
    default:
      break;
  }
  mismatch("string", what);
}

template <>
std::string Value::take<std::string>(std::string_view what) {
  if (auto* r = std::get_if<JsonRef>(&v_)) {
    // The text of a json value nothing else shares moves out (its state was made non-const).
    if (r->state.use_count() != 1 || !r->state->has_text.load(std::memory_order_acquire))
      return as<std::string>(what);
    std::string out = std::move(
        const_cast<JsonState&>(*r->state).text);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    v_ = std::monostate{};
    return out;
  }
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
  if (r == nullptr || r->state->too_deep || r->state.use_count() != 1) return as<Json>(what);
  // The state was made non-const and nothing else shares it: moving the document out is safe
  // (and a document not parsed yet is parsed straight into the result).
  auto& st = const_cast<JsonState&>(*r->state);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  Json out =
      st.has_doc.load(std::memory_order_acquire) ? std::move(st.doc) : parse_scanned(st.text);
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
    const JsonState& st = *std::get<JsonRef>(v_).state;
    if (st.too_deep) too_deep(what);
    // A document not parsed yet is parsed straight into the result: keeping it too would cost
    // a copy as large as the parse. json_unchecked() and == keep theirs.
    if (!st.has_doc.load(std::memory_order_acquire)) return parse_scanned(st.text);
    return st.doc;
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
