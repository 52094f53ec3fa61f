// Timestamp and Date: civil conversions, the canonical text form and tolerant parsing.
#include "sqlcore/core/time.hpp"

#include <charconv>
#include <cstdio>

#include "sqlcore/core/error.hpp"

namespace sqlcore {

namespace {

using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::sys_days;

// Reads exactly `n` digits at `pos`; false when they are not all digits.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Reads the digits after the separator at `pos` as microseconds (more than 6 are truncated);
// moves `pos` past them. False when there is no digit.
bool parse_fraction(std::string_view s, std::size_t& pos, std::int64_t& frac) {
  ++pos;
  int n = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (n < 6) frac = frac * 10 + (s[pos] - '0');
    ++n;
    ++pos;
  }
  for (int i = n; i < 6; ++i) frac *= 10;
  return n > 0;
}

bool valid_ymd(int y, int m, int d, sys_days& out) {
  // std::chrono::year holds only -32767..32767; a larger int would wrap to some valid year.
  if (y < static_cast<int>(std::chrono::year::min()) ||
      y > static_cast<int>(std::chrono::year::max()))
    return false;
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  out = sys_days(ymd);
  return true;
}

// Parses YYYY-MM-DD at the start of s; returns the count of characters used, 0 on failure.
std::size_t parse_date_prefix(std::string_view s, sys_days& out) {
  int y = 0, m = 0, d = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return 0;
  return valid_ymd(y, m, d, out) ? 10 : 0;
}

void append_2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

void append_date(std::string& out, sys_days d) {
  std::chrono::year_month_day ymd{d};
  int y = static_cast<int>(ymd.year());
  char buf[16];
  if (y >= 0 && y <= 9999) {
    std::snprintf(buf, sizeof buf, "%04d", y);
  } else {
    std::snprintf(buf, sizeof buf, "%+05d", y);  // outside the fixed-width range: still readable
  }
  out += buf;
  out.push_back('-');
  append_2(out, static_cast<unsigned>(ymd.month()));
  out.push_back('-');
  append_2(out, static_cast<unsigned>(ymd.day()));
}

}  // namespace

Timestamp Timestamp::from_civil(int year, unsigned month, unsigned day, unsigned hour,
                                unsigned minute, unsigned second, unsigned micros) {
  sys_days d;
  if (!valid_ymd(year, static_cast<int>(month), static_cast<int>(day), d) || hour > 23 ||
      minute > 59 || second > 59 || micros > 999999)
    throw ArgumentError("Timestamp::from_civil: invalid date or time");
  auto tp = std::chrono::time_point_cast<microseconds>(d) + std::chrono::hours(hour) +
            std::chrono::minutes(minute) + std::chrono::seconds(second) + microseconds(micros);
  return Timestamp(tp);
}

Timestamp Timestamp::now() {
  return from(Clock::now());
}

std::optional<Timestamp> Timestamp::parse(std::string_view s) {
  sys_days d;
  std::size_t pos = parse_date_prefix(s, d);
  if (pos == 0) return std::nullopt;
  auto tp = std::chrono::time_point_cast<microseconds>(d);
  if (pos == s.size()) return Timestamp(tp);
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
  tp += std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss) +
        microseconds(frac);
  // Time zone: Z, +HH, +HHMM, +HH:MM (also -), optionally after a space.
  if (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size()) {
    char c = s[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == s.size()) return Timestamp(tp);
    if (c != '+' && c != '-') return std::nullopt;
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
    std::size_t p = pos + 3;
    if (p < s.size()) {
      if (s[p] == ':') ++p;
      if (!digits(s, p, 2, om)) return std::nullopt;
      p += 2;
      if (p < s.size() && s[p] == ':') {  // PostgreSQL may print seconds in an offset
        int os = 0;
        if (!digits(s, p + 1, 2, os)) return std::nullopt;
        p += 3;
        tp -= (c == '+' ? 1 : -1) * std::chrono::seconds(os);
      }
    }
    if (p != s.size() || oh > 15 || om > 59) return std::nullopt;
    auto off = std::chrono::hours(oh) + std::chrono::minutes(om);
    tp = c == '+' ? tp - off : tp + off;
  }
  return Timestamp(tp);
}

std::string Timestamp::to_string() const {
  auto day = std::chrono::floor<days>(tp_);
  auto tod = tp_ - day;
  std::chrono::hh_mm_ss<microseconds> hms{tod};
  std::string out;
  out.reserve(26);
  append_date(out, day);
  out.push_back(' ');
  append_2(out, static_cast<unsigned>(hms.hours().count()));
  out.push_back(':');
  append_2(out, static_cast<unsigned>(hms.minutes().count()));
  out.push_back(':');
  append_2(out, static_cast<unsigned>(hms.seconds().count()));
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(hms.subseconds().count()));
  out += buf;
  return out;
}

std::string Timestamp::to_iso8601() const {
  std::string s = to_string();
  s[10] = 'T';
  s.push_back('Z');
  return s;
}

Date Date::from_civil(int year, unsigned month, unsigned day) {
  sys_days d;
  if (!valid_ymd(year, static_cast<int>(month), static_cast<int>(day), d))
    throw ArgumentError("Date::from_civil: invalid date");
  return Date(d);
}

std::optional<Date> Date::parse(std::string_view s) {
  sys_days d;
  if (s.size() != 10 || parse_date_prefix(s, d) != 10) return std::nullopt;
  return Date(d);
}

int Date::year() const {
  return static_cast<int>(std::chrono::year_month_day{days_}.year());
}
unsigned Date::month() const {
  return static_cast<unsigned>(std::chrono::year_month_day{days_}.month());
}
unsigned Date::day() const {
  return static_cast<unsigned>(std::chrono::year_month_day{days_}.day());
}

std::string Date::to_string() const {
  std::string out;
  append_date(out, days_);
  return out;
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
  std::int64_t s = us_ / 1000000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%06lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                static_cast<long long>(us_ % 1000000));
  return buf;
}

}  // namespace sqlcore
