// Value: one SQL value of any portable kind, as bound into statements and read from rows.
#pragma once

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
/// reads as Timestamp/Date/Json (SQLite stores those as text). Anything else throws ArgumentError
/// naming both types; reading NULL as a non-optional type throws too.
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
  /// NULL). Takes any nlohmann::json; include <nlohmann/json.hpp> to build one.
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

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }

  /// Converts to T (see the class comment). T may be std::optional<U>: NULL gives nullopt.
  /// Throws ArgumentError on a mismatch; `what` names the column in the message when given.
  template <class T>
  T as(std::string_view what = {}) const;

  // Direct access without conversion; the caller checks kind() first.
  bool bool_unchecked() const { return std::get<bool>(v_); }
  std::int64_t int_unchecked() const { return std::get<std::int64_t>(v_); }
  double real_unchecked() const { return std::get<double>(v_); }
  const std::string& text_unchecked() const { return std::get<std::string>(v_); }
  const Blob& blob_unchecked() const { return std::get<Blob>(v_); }
  Timestamp timestamp_unchecked() const { return std::get<Timestamp>(v_); }
  Date date_unchecked() const { return std::get<Date>(v_); }
  const Json& json_unchecked() const { return *std::get<JsonPtr>(v_); }
  const Decimal& decimal_unchecked() const { return std::get<Decimal>(v_); }

  /// A short human description of the value's kind ("integer", "text", ...).
  static const char* kind_name(Kind k);
  /// For diagnostics in tests only: errors and logs never print values.
  std::string debug_string() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  using JsonPtr = std::shared_ptr<const Json>;
  static JsonPtr make_json(const Json& j);
  static JsonPtr make_json(Json&& j);
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
               JsonPtr, Decimal>
      v_;
};

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

}  // namespace sqlcore
