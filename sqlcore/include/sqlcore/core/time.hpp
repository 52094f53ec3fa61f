// Timestamp (UTC, microsecond precision) and Date: the calendar values every backend stores.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqlcore {

/// A point in time in UTC with microsecond precision. Time zones exist only at the edges: parsing
/// accepts offsets and normalises them to UTC; formatting always yields UTC.
class Timestamp {
 public:
  using Clock = std::chrono::system_clock;
  using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

  constexpr Timestamp() = default;
  constexpr explicit Timestamp(TimePoint tp) : tp_(tp) {}
  /// Any system_clock time point; finer precision than microseconds is truncated toward the past.
  template <class Duration>
  static Timestamp from(std::chrono::sys_time<Duration> tp) {
    return Timestamp(std::chrono::floor<std::chrono::microseconds>(tp));
  }
  static constexpr Timestamp from_micros(std::int64_t us) {
    return Timestamp(TimePoint(std::chrono::microseconds(us)));
  }
  /// Builds a UTC timestamp from calendar fields. Throws ArgumentError for an invalid date/time.
  static Timestamp from_civil(int year, unsigned month, unsigned day, unsigned hour = 0,
                              unsigned minute = 0, unsigned second = 0, unsigned micros = 0);
  static Timestamp now();

  /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]`, the forms SQLite and
  /// PostgreSQL produce. A value without an offset is UTC. Returns nullopt when `s` is not one.
  static std::optional<Timestamp> parse(std::string_view s);

  constexpr std::int64_t micros() const { return tp_.time_since_epoch().count(); }

  /// 0001-01-01 00:00:00 and 9999-12-31 23:59:59.999999 UTC: the range every backend stores and
  /// reads back alike (SQLite's fixed-width text and PostgreSQL's TIMESTAMPTZ). Binding a
  /// timestamp outside it throws DataError naming the column.
  static constexpr std::int64_t kMinMicros = -62135596800000000;
  static constexpr std::int64_t kMaxMicros = 253402300799999999;
  constexpr bool in_portable_range() const {
    return micros() >= kMinMicros && micros() <= kMaxMicros;
  }
  constexpr TimePoint time_point() const { return tp_; }

  /// The canonical form: `YYYY-MM-DD HH:MM:SS.ffffff`, fixed width and UTC, so that text order is
  /// time order (years 0000-9999). This is what sqlcore stores in SQLite. A year outside 0-9999
  /// (never stored: binding refuses it) is written with a sign and at least four digits.
  std::string to_string() const;
  /// The room to_chars() needs: 26 characters for the years 0 to 9999, a few more outside them.
  static constexpr std::size_t kMaxChars = 32;
  /// Writes to_string()'s text to `out` (room for kMaxChars characters, no terminating NUL) and
  /// returns the end of it. Allocates nothing: the drivers format a bound timestamp with it.
  char* to_chars(char* out) const;
  /// ISO-8601 with a `T` and a `Z`: `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
  std::string to_iso8601() const;

  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;

 private:
  TimePoint tp_{};
};

/// A calendar date without a time of day.
class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(std::chrono::sys_days d) : days_(d) {}
  /// Throws ArgumentError for a date that does not exist (2023-02-29).
  static Date from_civil(int year, unsigned month, unsigned day);
  /// Parses `YYYY-MM-DD`; nullopt when `s` is not one.
  static std::optional<Date> parse(std::string_view s);

  constexpr std::chrono::sys_days days() const { return days_; }
  /// Years 1 to 9999, as for Timestamp: binding a date outside them throws DataError.
  constexpr bool in_portable_range() const {
    const auto n = days_.time_since_epoch().count();
    return n >= -719162 && n <= 2932896;
  }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  /// `YYYY-MM-DD` (a year outside 0-9999 with a sign and at least four digits).
  std::string to_string() const;
  /// The room to_chars() needs: 10 characters for the years 0 to 9999, more outside them.
  static constexpr std::size_t kMaxChars = 32;
  /// Writes to_string()'s text to `out` (room for kMaxChars characters, no terminating NUL) and
  /// returns the end of it, without allocating.
  char* to_chars(char* out) const;

  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  std::chrono::sys_days days_{};
};

/// A time of day without a date or zone, microsecond precision: 00:00:00 to 23:59:59.999999.
class TimeOfDay {
 public:
  constexpr TimeOfDay() = default;
  /// Throws ArgumentError when a field is out of range.
  static TimeOfDay from_civil(unsigned hour, unsigned minute, unsigned second = 0,
                              unsigned micros = 0);
  static constexpr TimeOfDay from_micros_unchecked(std::int64_t us) {
    TimeOfDay t;
    t.us_ = us;
    return t;
  }
  /// Parses `HH:MM[:SS[.ffffff]]` (fractions of up to 6 digits; more are truncated). A trailing
  /// UTC offset (`Z`, `+00`, `+00:00`) is accepted only when it is zero. nullopt otherwise.
  static std::optional<TimeOfDay> parse(std::string_view s);

  /// Microseconds since midnight.
  constexpr std::int64_t micros() const { return us_; }
  /// The canonical fixed-width form `HH:MM:SS.ffffff` (text order is time order).
  std::string to_string() const;

  friend constexpr auto operator<=>(const TimeOfDay&, const TimeOfDay&) = default;

 private:
  std::int64_t us_ = 0;
};

}  // namespace sqlcore
