// Value: one SQL value of any portable kind, as bound into statements and read from rows.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sqlcore/core/time.hpp"
#include "sqlcore/core/uuid.hpp"

namespace sqlcore {

using Json = nlohmann::json;
using Blob = std::vector<std::uint8_t>;

/// The deepest nesting of arrays and objects that sqlcore binds, reads or converts: 512 levels.
/// A deeper document is refused with a DataError naming its column before anything recurses
/// into it, so hostile input (an agent's tool output, a row written by another program) cannot
/// exhaust the stack. Both backends accept deeper documents (SQLite up to 1000 or 2000, depending
/// on its version; PostgreSQL up to its stack limit); this limit is below both, so a document
/// that one backend takes, the other takes too.
inline constexpr std::size_t kMaxJsonDepth = 512;

namespace detail {
struct JsonState;  // a json Value's shared text and document (defined in value.cpp)
}  // namespace detail

/// An exact decimal number kept as its canonical text (PostgreSQL NUMERIC). Read it as a string
/// to keep every digit, or as a double / integer when that is precise enough for you.
struct Decimal {
  std::string text;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

/// A SQL value. Cheap to move; a JSON value is shared immutably, so copies are cheap too.
///
/// Reading a value as a C++ type (`as<T>()`) converts only where nothing is lost or guessed:
/// integers widen to double, 0/1 integers read as bool (SQLite stores booleans so), canonical text
/// reads as Timestamp/Date/Json (SQLite stores those as text), a JSON value reads as its JSON text.
/// Anything else throws ArgumentError naming both types; reading NULL as a non-optional type
/// throws too.
///
/// A JSON value holds JSON text, a document, or both: one read from a row keeps the text the server
/// sent and parses it when its contents are read: as<Json>() into the document it returns (no
/// copy kept), json_unchecked() and == once, keeping it. One built from a Json is serialised only
/// when it is bound or read as text. A kept form is made once, from the other, and copies share
/// it: reading copies of one Value from several threads at once is safe.
class Value {
 public:
  enum class Kind { null, boolean, integer, real, text, blob, timestamp, date, json, decimal };

  Value() = default;
  Value(std::nullptr_t) {}                                  // NOLINT(google-explicit-constructor)
  Value(std::nullopt_t) {}                                  // NOLINT(google-explicit-constructor)
  Value(bool v) : v_(v) {}                                  // NOLINT(google-explicit-constructor)
  Value(int v) : v_(std::int64_t{v}) {}                     // NOLINT(google-explicit-constructor)
  Value(long v) : v_(static_cast<std::int64_t>(v)) {}       // NOLINT(google-explicit-constructor)
  Value(long long v) : v_(static_cast<std::int64_t>(v)) {}  // NOLINT
  Value(unsigned v) : v_(std::int64_t{v}) {}                // NOLINT(google-explicit-constructor)
  /// Throws ArgumentError when `v` does not fit a signed 64-bit integer.
  Value(unsigned long v);                            // NOLINT(google-explicit-constructor)
  Value(unsigned long long v);                       // NOLINT(google-explicit-constructor)
  Value(double v) : v_(v) {}                         // NOLINT(google-explicit-constructor)
  Value(float v) : v_(double{v}) {}                  // NOLINT(google-explicit-constructor)
  Value(std::string v) : v_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view v) : v_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* v) : v_(std::string(v)) {}       // NOLINT(google-explicit-constructor)
  Value(Blob v) : v_(std::move(v)) {}                // NOLINT(google-explicit-constructor)
  Value(Timestamp v) : v_(v) {}                      // NOLINT(google-explicit-constructor)
  Value(Date v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(Decimal v) : v_(std::move(v)) {}             // NOLINT(google-explicit-constructor)
  /// A UUID and a time of day travel as their canonical text (kind text): that is how SQLite
  /// stores them, and PostgreSQL converts it to UUID / TIME. Read them back with as<Uuid>() and
  /// as<TimeOfDay>().
  Value(const Uuid& v) : v_(v.to_string()) {}       // NOLINT(google-explicit-constructor)
  Value(const TimeOfDay& v) : v_(v.to_string()) {}  // NOLINT(google-explicit-constructor)
  /// A JSON document (an object, array, string, number, bool or JSON null: a JSON null is not SQL
  /// NULL). Takes any nlohmann::json; include <nlohmann/json.hpp> to build one. The document is
  /// checked here without recursion: one nested deeper than kMaxJsonDepth is not kept (the Value
  /// remembers only that it was too deep, and binding or reading it throws DataError), and one
  /// whose strings are not valid UTF-8 or hold a NUL is refused when bound. (JSON text needs no
  /// document: bind the string itself to a Json column, or make it a json value with
  /// text_to_json().)
  template <class J, std::enable_if_t<std::is_same_v<std::decay_t<J>, Json>, int> = 0>
  Value(J&& j) : v_(make_json(std::forward<J>(j))) {}  // NOLINT(google-explicit-constructor)
  template <class T, std::enable_if_t<std::is_constructible_v<Value, const T&>, int> = 0>
  Value(const std::optional<T>& v) {  // NOLINT(google-explicit-constructor)
    if (v) *this = Value(*v);
  }

  // Assigning a plain value reuses the storage in place when the kind stays the same (a loop that
  // rebinds one Params object allocates nothing for strings that keep fitting).
  Value& operator=(bool v) { return assign(v); }
  Value& operator=(int v) { return assign(std::int64_t{v}); }
  Value& operator=(long v) { return assign(static_cast<std::int64_t>(v)); }
  Value& operator=(long long v) { return assign(static_cast<std::int64_t>(v)); }
  Value& operator=(double v) { return assign(v); }
  Value& operator=(const std::string& v) { return assign_text(v); }
  Value& operator=(std::string_view v) { return assign_text(v); }
  Value& operator=(const char* v) { return assign_text(std::string_view(v)); }
  Value& operator=(std::string&& v) {
    v_ = std::move(v);
    return *this;
  }
  Value& operator=(unsigned v) { return assign(std::int64_t{v}); }
  Value& operator=(unsigned long v) { return *this = Value(v); }
  Value& operator=(unsigned long long v) { return *this = Value(v); }
  Value& operator=(std::nullptr_t) { return assign(std::monostate{}); }
  Value& operator=(char) = delete;
  /// A JSON document, as the constructor takes it (an exact match: nlohmann::json converts to
  /// bool, numbers and strings too, which made `value = doc` ambiguous).
  template <class J, std::enable_if_t<std::is_same_v<std::decay_t<J>, Json>, int> = 0>
  Value& operator=(J&& j) {
    v_ = make_json(std::forward<J>(j));
    return *this;
  }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }

  /// Converts to T (see the class comment). T may be std::optional<U>: NULL gives nullopt.
  /// Throws ArgumentError on a mismatch; `what` names the column in the message when given.
  template <class T>
  T as(std::string_view what = {}) const;
  /// as<T>(), moving instead of copying: text (or a JSON value's text) read as std::string, a
  /// blob, and a JSON document no other Value shares leave this value null and hand their storage
  /// over (the one copy of a large
  /// value is the driver's). For every other T, or a shared document, the same as as<T>(). Reading
  /// a row into a struct uses it (Mapping::read of a row the caller gives up).
  template <class T>
  T take(std::string_view what = {});

  // Direct access without conversion; the caller checks kind() first.
  bool bool_unchecked() const { return std::get<bool>(v_); }
  std::int64_t int_unchecked() const { return std::get<std::int64_t>(v_); }
  double real_unchecked() const { return std::get<double>(v_); }
  const std::string& text_unchecked() const { return std::get<std::string>(v_); }
  const Blob& blob_unchecked() const { return std::get<Blob>(v_); }
  Timestamp timestamp_unchecked() const { return std::get<Timestamp>(v_); }
  Date date_unchecked() const { return std::get<Date>(v_); }
  /// The document of a json value, parsed from its text on first use (then kept, and shared by
  /// copies). For one deeper than kMaxJsonDepth this is a JSON null placeholder: use json_text()
  /// or as<Json>(), which refuse it. (as<Json>() reads a document whose strings hold a NUL:
  /// refusing stored data would lose it; only binding refuses that.)
  const Json& json_unchecked() const;
  /// A json value as JSON text, after the checks every backend needs: nesting within
  /// kMaxJsonDepth, strings of valid UTF-8 without NUL (PostgreSQL refuses \u0000; one rule for
  /// both). The text is the one the value was read with (byte for byte), else the document
  /// serialised on first use; it lives as long as this Value or a copy of it. Throws DataError
  /// naming `what` (a column or parameter) and never showing the value.
  const std::string& json_text(std::string_view what) const;
  /// Throws DataError naming `what` when this is a json value that json_text() would refuse.
  void check_json(std::string_view what) const;
  /// Turns a text value that holds JSON into a json value keeping that text (moved, not copied),
  /// parsed only when its contents are read; this is what a Json column's type does with the text
  /// a driver reads. The text is scanned once, without recursion. Returns false, changing
  /// nothing, for another kind or text that is not JSON; throws DataError naming `what` when the
  /// text nests deeper than kMaxJsonDepth.
  bool text_to_json(std::string_view what);
  /// The checks every bound value passes, typed column or not, so that what is stored reads back
  /// the same on every backend. Throws DataError naming `what` (a column or parameter name) for
  /// NaN or an infinity (a Float or Double holds finite numbers only; -0.0 is stored as 0.0),
  /// JSON that json_text() refuses, and a timestamp or date outside the years 1 to 9999.
  void check_bindable(std::string_view what) const;
  /// False when check_bindable() would throw; costs a switch for most values.
  bool is_bindable() const {
    switch (kind()) {
      case Kind::real:
        return std::isfinite(real_unchecked());
      case Kind::json:
      case Kind::timestamp:
      case Kind::date:
        return bindable_slow();
      default:
        return true;
    }
  }
  const Decimal& decimal_unchecked() const { return std::get<Decimal>(v_); }

  /// A short human description of the value's kind ("integer", "text", ...).
  static const char* kind_name(Kind k);
  /// For diagnostics in tests only: errors and logs never print values.
  std::string debug_string() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  // A json value's shared state (detail::JsonState): its text and/or its document, the one
  // missing made from the other on first use under a lock, and what the checks found when it was
  // made (nesting, bad strings), so that binding checks it in constant time.
  struct JsonRef {
    std::shared_ptr<const detail::JsonState> state;
    friend bool operator==(const JsonRef& a, const JsonRef& b) { return a.state == b.state; }
  };
  bool bindable_slow() const;
  static JsonRef make_json(const Json& j);
  static JsonRef make_json(Json&& j);
  [[noreturn]] void mismatch(const char* wanted, std::string_view what) const;
  template <class T>
  Value& assign(T v) {
    v_ = v;
    return *this;
  }
  Value& assign_text(std::string_view v) {
    if (auto* s = std::get_if<std::string>(&v_)) {
      s->assign(v.data(), v.size());
    } else {
      v_ = std::string(v);
    }
    return *this;
  }

  std::variant<std::monostate, bool, std::int64_t, double, std::string, Blob, Timestamp, Date,
               JsonRef, Decimal>
      v_;
};

/// Reads JSON text as sqlcore reads a JSON column: stores a json value holding a copy of the text
/// in `out` (parsed only when its contents are read) and returns true, or returns false (leaving
/// `out` alone) when `text` is not JSON. Throws DataError naming `what` when the text nests
/// deeper than kMaxJsonDepth; the text is checked by one scan that never recurses, so no input
/// can exhaust the stack. Value::text_to_json() does the same without copying the text.
bool parse_json_text(std::string_view text, Value& out, std::string_view what);

/// One named parameter for a statement: `{"id", 42}`.
using Param = std::pair<std::string, Value>;
/// Named parameters for one execution. Order does not matter; names are case-sensitive.
using Params = std::vector<Param>;

// Conversions that Value::as<T>() supports; all defined in value.cpp.
template <>
bool Value::as<bool>(std::string_view) const;
template <>
std::int64_t Value::as<std::int64_t>(std::string_view) const;
template <>
int Value::as<int>(std::string_view) const;
template <>
std::int16_t Value::as<std::int16_t>(std::string_view) const;
template <>
double Value::as<double>(std::string_view) const;
template <>
float Value::as<float>(std::string_view) const;
template <>
std::string Value::as<std::string>(std::string_view) const;
template <>
Blob Value::as<Blob>(std::string_view) const;
template <>
Timestamp Value::as<Timestamp>(std::string_view) const;
template <>
Date Value::as<Date>(std::string_view) const;
template <>
Json Value::as<Json>(std::string_view) const;
template <>
Decimal Value::as<Decimal>(std::string_view) const;
template <>
Value Value::as<Value>(std::string_view) const;
template <>
Uuid Value::as<Uuid>(std::string_view) const;
template <>
TimeOfDay Value::as<TimeOfDay>(std::string_view) const;
// The kinds Value::take<T>() moves; defined in value.cpp.
template <>
std::string Value::take<std::string>(std::string_view);
template <>
Blob Value::take<Blob>(std::string_view);
template <>
Json Value::take<Json>(std::string_view);
// (take<std::string>() of a json value no other Value shares moves its JSON text out.)

namespace detail {
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {
  using type = T;
};
}  // namespace detail

template <class T>
T Value::as(std::string_view what) const {
  if constexpr (detail::IsOptional<T>::value) {
    if (is_null()) return std::nullopt;
    return as<typename detail::IsOptional<T>::type>(what);
  } else if constexpr (std::is_same_v<T, long> && !std::is_same_v<long, std::int64_t>) {
    return static_cast<long>(as<std::int64_t>(what));
  } else if constexpr (std::is_same_v<T, long long> && !std::is_same_v<long long, std::int64_t>) {
    return static_cast<long long>(as<std::int64_t>(what));
  } else {
    static_assert(sizeof(T) == 0, "Value::as<T>: unsupported type T");
  }
}

template <class T>
T Value::take(std::string_view what) {
  if constexpr (detail::IsOptional<T>::value) {
    if (is_null()) return std::nullopt;
    return take<typename detail::IsOptional<T>::type>(what);
  } else {
    return as<T>(what);
  }
}

}  // namespace sqlcore
