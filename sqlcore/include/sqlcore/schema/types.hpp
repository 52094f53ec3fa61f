// Portable column types: what a column holds, independent of the backend. Each dialect renders
// the DDL for a type; the type itself checks values going in and normalises values coming out, so
// that both backends give the same answers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/value.hpp"

namespace sqlcore {

enum class TypeKind : std::uint8_t {
  small_integer,  // 16-bit
  integer,        // 32-bit
  big_integer,    // 64-bit
  boolean,
  float_,   // single precision (4 bytes)
  double_,  // double precision (8 bytes)
  numeric,  // exact decimal, precision and scale
  string,   // text of at most length() characters (length 0: unbounded VARCHAR)
  text,     // unbounded text
  date,
  date_time,  // a UTC instant (Timestamp)
  time,       // a time of day (TimeOfDay)
  json,
  large_binary,
  uuid,
  enumeration,  // one of a fixed set of strings
};

namespace detail {
struct EnumValues;  // interned, immortal: types stay trivially copyable and constexpr-friendly
}

/// A portable column type. A small value: copy it freely. Build one with the constants and
/// functions in `sqlcore::types`.
class Type {
 public:
  constexpr explicit Type(TypeKind kind, int length = 0, int precision = 0, int scale = 0)
      : kind_(kind), length_(length), precision_(precision), scale_(scale) {}

  constexpr TypeKind kind() const { return kind_; }
  /// String(n): the maximum length in characters; 0 when unbounded.
  constexpr int length() const { return length_; }
  /// Numeric(p, s): total significant digits and digits after the point.
  constexpr int precision() const { return precision_; }
  constexpr int scale() const { return scale_; }
  /// Enum: the allowed values in declaration order; empty for other types.
  const std::vector<std::string>& enum_values() const;

  constexpr bool is_integer() const {
    return kind_ == TypeKind::small_integer || kind_ == TypeKind::integer ||
           kind_ == TypeKind::big_integer;
  }
  /// The C++-side name, as declared: "Integer", "String(255)", "Numeric(12, 2)", "Enum(a, b)".
  std::string to_string() const;

  /// Checks and converts a value bound to a column of this type, the same way on every backend:
  /// integers must fit (Integer is 32-bit everywhere), strings must fit String(n) (counted in
  /// characters), an Enum value must be one of its set, a Float is rounded to single precision,
  /// text given for a DateTime/Date/Time/Uuid/Numeric column must parse and is stored in
  /// canonical form, text given for a Json column is JSON text: checked by one scan (one
  /// document, nested at most kMaxJsonDepth levels, no \u0000) and stored as it is.
  /// `column` ("table.column") names the column in the error, which is a DataError (never
  /// showing the value). NULL passes through.
  Value bind(Value v, std::string_view column) const;
  /// bind() without copying: returns `v` itself when it needs no conversion (only checks), else
  /// the converted value, stored in `scratch`.
  const Value& bind_ref(const Value& v, std::string_view column, Value& scratch) const;
  /// True when bind() would return `v` unchanged: checks it (throwing as bind() does) without
  /// converting; false when it needs converting (then call bind_ref()).
  bool accepts(const Value& v, std::string_view column) const;
  /// True when result() would return `v` unchanged: NULL, a value that already has the kind this
  /// type reads as, and any value of a type that reads every kind as it is (integers, strings,
  /// enums, blobs). False when result() may convert it (then call result()).
  bool reads_unchanged(const Value& v) const {
    using K = Value::Kind;
    const K k = v.kind();
    if (k == K::null) return true;
    switch (kind_) {
      case TypeKind::boolean:
        return k != K::integer;  // 0 and 1 become false and true
      case TypeKind::float_:
        return k != K::real;  // rounded to single precision
      case TypeKind::double_:
        return k != K::integer;
      case TypeKind::numeric:
        return k != K::integer && k != K::text && k != K::real;
      case TypeKind::date:
      case TypeKind::date_time:
      case TypeKind::time:
      case TypeKind::json:
        return k != K::text;  // parsed (JSON: scanned)
      case TypeKind::uuid:
        return k != K::text && k != K::blob;
      case TypeKind::small_integer:
      case TypeKind::integer:
      case TypeKind::big_integer:
      case TypeKind::string:
      case TypeKind::text:
      case TypeKind::large_binary:
      case TypeKind::enumeration:
        return true;  // result() returns every value of these as it is
    }
    return false;
  }
  /// True when bind() would return `v` unchanged without checking anything (NULL, or the kind
  /// this type stores with no range or content to check): the execute path's shortcut.
  bool passes(const Value& v) const {
    using K = Value::Kind;
    const K k = v.kind();
    switch (kind_) {
      case TypeKind::big_integer:
        return k == K::integer || k == K::null;
      case TypeKind::boolean:
        return k == K::boolean || k == K::null;
      case TypeKind::double_:
        return k == K::real || k == K::null;
      case TypeKind::date_time:
        return k == K::timestamp || k == K::null;
      case TypeKind::date:
        return k == K::date || k == K::null;
      case TypeKind::large_binary:
        return k == K::blob || k == K::null;
      case TypeKind::json:
        return k == K::json || k == K::null;
      default:
        return k == K::null;
    }
  }
  /// Normalises a value read from a column of this type to the kind this type reads as: bool for
  /// Boolean, Timestamp for DateTime, Date, Json, Decimal for Numeric (at the declared scale),
  /// canonical text for Uuid and Time, a single-precision double for Float. Values this type
  /// cannot make sense of pass through unchanged (legacy data stays readable). JSON arrives as
  /// text from every driver and becomes a json value keeping that text (Value::text_to_json):
  /// scanned here, parsed only when its document is read.
  /// `column` names the column in a DataError (a JSON document nested deeper than
  /// kMaxJsonDepth is refused, not parsed).
  Value result(Value v, std::string_view column = {}) const;

  friend bool operator==(const Type& a, const Type& b);

 private:
  friend Type make_enum_type(std::vector<std::string> values);
  // String, Text, Enum: valid UTF-8 without NUL, within the length, one of the set.
  void check_string(const std::string& s, std::string_view column) const;
  TypeKind kind_;
  int length_ = 0;
  int precision_ = 0;
  int scale_ = 0;
  const detail::EnumValues* enum_ = nullptr;
};

/// The portable types. `types::Integer` and friends are constants; the parameterised ones are
/// functions that reject impossible arguments (String(0), Numeric(2, 5)) with ArgumentError.
namespace types {
inline constexpr Type SmallInteger{TypeKind::small_integer};
inline constexpr Type Integer{TypeKind::integer};
inline constexpr Type BigInteger{TypeKind::big_integer};
inline constexpr Type Boolean{TypeKind::boolean};
inline constexpr Type Float{TypeKind::float_};
inline constexpr Type Double{TypeKind::double_};
inline constexpr Type Text{TypeKind::text};
inline constexpr Type Date{TypeKind::date};
inline constexpr Type DateTime{TypeKind::date_time};
inline constexpr Type Time{TypeKind::time};
inline constexpr Type Json{TypeKind::json};
inline constexpr Type LargeBinary{TypeKind::large_binary};
inline constexpr Type Uuid{TypeKind::uuid};

/// VARCHAR(length): at most `length` characters (1 .. 10,485,760). Checked on bind on every
/// backend, since SQLite itself does not enforce it.
Type String(int length);
/// Unbounded VARCHAR (Text under another name on both backends).
Type String();
/// NUMERIC(precision, scale): 1 <= precision <= 1000, 0 <= scale <= precision.
Type Numeric(int precision, int scale = 0);
/// One of `values` (non-empty, distinct, no empty string). Stored as VARCHAR with a CHECK
/// constraint on every backend (not a PostgreSQL ENUM type: adding a value to one cannot run in
/// a transaction on every server version, and copies between backends stay plain text).
Type Enum(std::vector<std::string> values);
}  // namespace types

}  // namespace sqlcore
