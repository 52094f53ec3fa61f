// Timestamp, Date and TimeOfDay: calendar arithmetic, the canonical text forms and tolerant
// parsing. Everything here is fixed-position digit work on plain integers: no locale, no streams,
// no printf, and no std::chrono calendar types (a row read or bound formats or parses one value
// per timestamp column, so this is on the hot path of every result loop).
#include "sqlcore/core/time.hpp"

#include <cstring>

#include "sqlcore/core/error.hpp"

namespace sqlcore {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
// std::chrono::year's range: the calendar fields from_civil() takes (kept from the earlier
// std::chrono implementation, so the same years are accepted).
constexpr int kMinYear = -32767;
constexpr int kMaxYear = 32767;

// Days before the first of each month in a common year (January = 0).
constexpr int kDaysBeforeMonth[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
// Days in each month of a common year (January = 1).
constexpr int kDaysInMonth[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Gregorian calendar, proleptic: every year divisible by 4 is a leap year, except centuries not
// divisible by 400. Year 0 is 1 BC (a leap year).
constexpr bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {  // b > 0
  const std::int64_t q = a / b;
  return q * b > a ? q - 1 : q;
}

// Leap days in the years 1 .. y-1 (negative counts for y < 1: the leap years y .. 0).
constexpr std::int64_t leap_days_before(std::int64_t y) {
  const std::int64_t p = y - 1;
  return floor_div(p, 4) - floor_div(p, 100) + floor_div(p, 400);
}

// Days from 0001-01-01 to 1970-01-01.
constexpr std::int64_t kEpochFromYear1 = 365 * 1969 + leap_days_before(1970);

// Days since 1970-01-01 of the date y-m-d (m 1..12, d 1..31; the caller checks the day exists).
constexpr std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  const std::int64_t from_year1 = 365 * (y - 1) + leap_days_before(y) + kDaysBeforeMonth[m - 1] +
                                  (m > 2 && is_leap(y) ? 1 : 0) + (d - 1);
  return from_year1 - kEpochFromYear1;
}

struct Civil {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// The date of day `days` since 1970-01-01: whole 400-, 100-, 4- and 1-year blocks counted from
// 0001-01-01, then the month within the year.
constexpr Civil civil_from_days(std::int64_t days) {
  constexpr std::int64_t k400 = 146097, k100 = 36524, k4 = 1461, k1 = 365;
  // Days since 0001-01-01 as whole 400-year blocks and the rest (0 .. 146096), summed so that no
  // day count overflows.
  std::int64_t n400 = floor_div(days, k400);
  std::int64_t z = days - n400 * k400 + kEpochFromYear1;
  n400 += z / k400;
  z %= k400;
  std::int64_t n100 = z / k100;
  if (n100 == 4) n100 = 3;  // the last day of a 400-year block (Dec 31 of a year divisible by 400)
  z -= n100 * k100;
  const std::int64_t n4 = z / k4;
  z -= n4 * k4;
  std::int64_t n1 = z / k1;
  if (n1 == 4) n1 = 3;  // Dec 31 of a leap year
  z -= n1 * k1;         // day of the year, 0-based
  const std::int64_t year = n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1;
  const int doy = static_cast<int>(z);
  const int leap = is_leap(year) ? 1 : 0;
  // Month lengths are 28..31 days, so doy / 31 is the month or the one before it.
  int m = doy / 31;  // 0-based guess
  auto start = [leap](int month0) { return kDaysBeforeMonth[month0] + (month0 >= 2 ? leap : 0); };
  if (m < 11 && doy >= start(m + 1)) ++m;
  return Civil{year, m + 1, doy - start(m) + 1};
}

constexpr bool valid_date(std::int64_t y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDaysInMonth[m] + (m == 2 && is_leap(y) ? 1 : 0);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(days_from_civil(1, 1, 1) == -719162);
static_assert(days_from_civil(9999, 12, 31) == 2932896);
static_assert(civil_from_days(11016).month == 2 && civil_from_days(11016).day == 29);

// ---- writing --------------------------------------------------------------------------------

// "00" .. "99".
constexpr char kPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline char* put2(char* out, unsigned v) {  // v < 100
  std::memcpy(out, kPairs + 2 * v, 2);
  return out + 2;
}

// `v` as printf's "%0*lld" with `width` would: zero-padded to `width` characters, a minus sign
// counted in them. For the rare values that are not fixed width.
char* put_padded(char* out, long long v, int width) {
  unsigned long long u =
      v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) {
    *out++ = '-';
    --width;
  }
  for (int i = n; i < width; ++i) *out++ = '0';
  while (n > 0) *out++ = digits[--n];
  return out;
}

// YYYY-MM-DD; a year outside 0..9999 gets a sign and at least four digits (printf's "%+05d"), so
// that it is still readable (sqlcore never stores one: binding refuses it).
char* put_date(char* out, std::int64_t days) {
  const Civil c = civil_from_days(days);
  if (c.year >= 0 && c.year <= 9999) {
    const auto y = static_cast<unsigned>(c.year);
    out = put2(out, y / 100);
    out = put2(out, y % 100);
  } else {
    if (c.year > 0) *out++ = '+';
    out = put_padded(out, c.year, c.year > 0 ? 4 : 5);
  }
  *out++ = '-';
  out = put2(out, static_cast<unsigned>(c.month));
  *out++ = '-';
  return put2(out, static_cast<unsigned>(c.day));
}

// HH:MM:SS.ffffff of `us` microseconds since midnight (0 <= us < one day).
char* put_time(char* out, std::int64_t us) {
  const auto secs = static_cast<unsigned>(us / kMicrosPerSecond);
  const auto frac = static_cast<unsigned>(us % kMicrosPerSecond);
  out = put2(out, secs / 3600);
  *out++ = ':';
  out = put2(out, secs / 60 % 60);
  *out++ = ':';
  out = put2(out, secs % 60);
  *out++ = '.';
  out = put2(out, frac / 10000);
  out = put2(out, frac / 100 % 100);
  return put2(out, frac % 100);
}

// ---- reading --------------------------------------------------------------------------------

inline unsigned digit(char c) {
  return static_cast<unsigned>(static_cast<unsigned char>(c)) - '0';
}

// Reads exactly `n` digits at `pos`; false when they are not all digits.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const unsigned d = digit(s[i]);
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  out = v;
  return true;
}

// Reads the digits after the separator at `pos` as microseconds (more than 6 are truncated);
// moves `pos` past them. False when there is no digit.
bool parse_fraction(std::string_view s, std::size_t& pos, std::int64_t& frac) {
  ++pos;
  int n = 0;
  while (pos < s.size() && digit(s[pos]) <= 9) {
    if (n < 6) frac = frac * 10 + digit(s[pos]);
    ++n;
    ++pos;
  }
  for (int i = n; i < 6; ++i) frac *= 10;
  return n > 0;
}

// Parses YYYY-MM-DD at the start of s into days since 1970-01-01; returns the count of characters
// used (10), 0 when s does not start with a valid date.
std::size_t parse_date_prefix(std::string_view s, std::int64_t& days) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d) || !valid_date(y, m, d))
    return 0;
  days = days_from_civil(y, m, d);
  return 10;
}

}  // namespace

Timestamp Timestamp::from_civil(int year, unsigned month, unsigned day, unsigned hour,
                                unsigned minute, unsigned second, unsigned micros) {
  if (year < kMinYear || year > kMaxYear || month > 12 || day > 31 ||
      !valid_date(year, static_cast<int>(month), static_cast<int>(day)) || hour > 23 ||
      minute > 59 || second > 59 || micros > 999999)
    throw ArgumentError("Timestamp::from_civil: invalid date or time");
  const std::int64_t days = days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
  return from_micros(days * kMicrosPerDay +
                     ((std::int64_t{hour} * 60 + minute) * 60 + second) * kMicrosPerSecond +
                     micros);
}

Timestamp Timestamp::now() {
  return from(Clock::now());
}

std::optional<Timestamp> Timestamp::parse(std::string_view s) {
  std::int64_t days = 0;
  std::size_t pos = parse_date_prefix(s, days);
  if (pos == 0) return std::nullopt;
  std::int64_t us = days * kMicrosPerDay;
  if (pos == s.size()) return from_micros(us);
  if (s[pos] != ' ' && s[pos] != 'T' && s[pos] != 't') return std::nullopt;
  ++pos;
  int hh = 0, mm = 0, ss = 0;
  if (!digits(s, pos, 2, hh) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
      !digits(s, pos + 3, 2, mm))
    return std::nullopt;
  pos += 5;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',') && !parse_fraction(s, pos, frac))
      return std::nullopt;
  }
  if (hh > 24 || mm > 59 || ss > 60) return std::nullopt;
  if (hh == 24 && (mm != 0 || ss != 0 || frac != 0)) return std::nullopt;  // only 24:00:00
  if (ss == 60) ss = 59;  // a leap second is kept inside its minute
  us += (std::int64_t{hh} * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac;
  // Time zone: Z, +HH, +HHMM, +HH:MM, +HH:MM:SS (also -), optionally after a space.
  if (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size()) {
    const char c = s[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == s.size()) return from_micros(us);
    if (c != '+' && c != '-') return std::nullopt;
    int oh = 0, om = 0, os = 0;
    if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
    std::size_t p = pos + 3;
    if (p < s.size()) {
      if (s[p] == ':') ++p;
      if (!digits(s, p, 2, om)) return std::nullopt;
      p += 2;
      if (p < s.size() && s[p] == ':') {  // PostgreSQL may print seconds in an offset
        if (!digits(s, p + 1, 2, os)) return std::nullopt;
        p += 3;
      }
    }
    if (p != s.size() || oh > 15 || om > 59) return std::nullopt;
    const std::int64_t offset = (std::int64_t{oh} * 3600 + om * 60 + os) * kMicrosPerSecond;
    us = c == '+' ? us - offset : us + offset;
  }
  return from_micros(us);
}

char* Timestamp::to_chars(char* out) const {
  const std::int64_t us = micros();
  std::int64_t days = us / kMicrosPerDay;
  std::int64_t tod = us % kMicrosPerDay;
  if (tod < 0) {  // floor, without overflowing near the smallest int64
    tod += kMicrosPerDay;
    --days;
  }
  out = put_date(out, days);
  *out++ = ' ';
  return put_time(out, tod);
}

std::string Timestamp::to_string() const {
  char buf[kMaxChars];
  return std::string(buf, to_chars(buf));
}

std::string Timestamp::to_iso8601() const {
  char buf[kMaxChars + 1];
  char* end = to_chars(buf);
  end[-16] = 'T';  // the space before HH:MM:SS.ffffff
  *end++ = 'Z';
  return std::string(buf, end);
}

Date Date::from_civil(int year, unsigned month, unsigned day) {
  if (year < kMinYear || year > kMaxYear || month > 12 || day > 31 ||
      !valid_date(year, static_cast<int>(month), static_cast<int>(day)))
    throw ArgumentError("Date::from_civil: invalid date");
  return Date(std::chrono::sys_days(
      std::chrono::days(days_from_civil(year, static_cast<int>(month), static_cast<int>(day)))));
}

std::optional<Date> Date::parse(std::string_view s) {
  std::int64_t days = 0;
  if (s.size() != 10 || parse_date_prefix(s, days) != 10) return std::nullopt;
  return Date(std::chrono::sys_days(std::chrono::days(days)));
}

int Date::year() const {
  return static_cast<int>(civil_from_days(days_.time_since_epoch().count()).year);
}
unsigned Date::month() const {
  return static_cast<unsigned>(civil_from_days(days_.time_since_epoch().count()).month);
}
unsigned Date::day() const {
  return static_cast<unsigned>(civil_from_days(days_.time_since_epoch().count()).day);
}

char* Date::to_chars(char* out) const {
  return put_date(out, days_.time_since_epoch().count());
}

std::string Date::to_string() const {
  char buf[kMaxChars];
  return std::string(buf, to_chars(buf));
}

TimeOfDay TimeOfDay::from_civil(unsigned hour, unsigned minute, unsigned second, unsigned micros) {
  if (hour > 23 || minute > 59 || second > 59 || micros > 999999)
    throw ArgumentError("TimeOfDay::from_civil: invalid time of day");
  return from_micros_unchecked(((std::int64_t{hour} * 60 + minute) * 60 + second) * 1000000 +
                               micros);
}

std::optional<TimeOfDay> TimeOfDay::parse(std::string_view s) {
  int hh = 0, mm = 0, ss = 0;
  if (!digits(s, 0, 2, hh) || s.size() < 5 || s[2] != ':' || !digits(s, 3, 2, mm))
    return std::nullopt;
  std::size_t pos = 5;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.' && !parse_fraction(s, pos, frac)) return std::nullopt;
  }
  // A zero offset only: a time of day with another offset has no single UTC meaning.
  std::string_view rest = s.substr(pos);
  if (!rest.empty() && rest != "Z" && rest != "z" && rest != "+00" && rest != "+00:00" &&
      rest != "+0000")
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return from_micros_unchecked((std::int64_t{hh} * 3600 + mm * 60 + ss) * 1000000 + frac);
}

std::string TimeOfDay::to_string() const {
  char buf[96];
  char* out = buf;
  if (us_ >= 0 && us_ < kMicrosPerDay) {
    out = put_time(out, us_);
  } else {  // not a time of day (from_micros_unchecked): the fields as they come, signed
    const std::int64_t s = us_ / kMicrosPerSecond;
    out = put_padded(out, s / 3600, 2);
    *out++ = ':';
    out = put_padded(out, s / 60 % 60, 2);
    *out++ = ':';
    out = put_padded(out, s % 60, 2);
    *out++ = '.';
    out = put_padded(out, us_ % kMicrosPerSecond, 6);
  }
  return std::string(buf, out);
}

}  // namespace sqlcore
