// Unit tests for the fixed-width Timestamp / Date / TimeOfDay text routines: edge values (years 1
// and 9999, leap days, microseconds, offsets) and a large sample compared with the routine they
// replaced (std::chrono civil conversions and snprintf), kept here as the reference, so that every
// text sqlcore ever stored reads and writes byte-identically.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/time.hpp"

namespace sqlcore {
namespace {

// ---- the reference: the routine before the fixed-width one, unchanged but for its names -------

namespace reference {

using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::sys_days;

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
    std::snprintf(buf, sizeof buf, "%+05d", y);
  }
  out += buf;
  out.push_back('-');
  append_2(out, static_cast<unsigned>(ymd.month()));
  out.push_back('-');
  append_2(out, static_cast<unsigned>(ymd.day()));
}

std::optional<std::int64_t> parse(std::string_view s) {
  sys_days d;
  std::size_t pos = parse_date_prefix(s, d);
  if (pos == 0) return std::nullopt;
  auto tp = std::chrono::time_point_cast<microseconds>(d);
  if (pos == s.size()) return tp.time_since_epoch().count();
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
  if (hh == 24 && (mm != 0 || ss != 0 || frac != 0)) return std::nullopt;
  if (ss == 60) ss = 59;
  tp += std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss) +
        microseconds(frac);
  if (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size()) {
    char c = s[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == s.size()) return tp.time_since_epoch().count();
    if (c != '+' && c != '-') return std::nullopt;
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
    std::size_t p = pos + 3;
    if (p < s.size()) {
      if (s[p] == ':') ++p;
      if (!digits(s, p, 2, om)) return std::nullopt;
      p += 2;
      if (p < s.size() && s[p] == ':') {
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
  return tp.time_since_epoch().count();
}

std::string timestamp_text(std::int64_t micros) {
  const std::chrono::sys_time<microseconds> tp{microseconds(micros)};
  auto day = std::chrono::floor<days>(tp);
  auto tod = tp - day;
  std::chrono::hh_mm_ss<microseconds> hms{tod};
  std::string out;
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

std::string date_text(std::int64_t days_since_epoch) {
  std::string out;
  append_date(out, sys_days(days(days_since_epoch)));
  return out;
}

std::optional<std::int64_t> parse_date(std::string_view s) {
  sys_days d;
  if (s.size() != 10 || parse_date_prefix(s, d) != 10) return std::nullopt;
  return d.time_since_epoch().count();
}

std::string time_of_day_text(std::int64_t us) {
  std::int64_t s = us / 1000000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%06lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace reference

constexpr std::int64_t kDay = 86400000000;
// The years std::chrono::year holds (the reference is only defined there): -32767 .. 32767.
constexpr std::int64_t kFirstChronoMicros = -1096193779200000000;  // -32767-01-01
constexpr std::int64_t kLastChronoMicros = 971890963199999999;     // 32767-12-31 23:59:59.999999

std::optional<std::int64_t> parsed(std::string_view s) {
  auto t = Timestamp::parse(s);
  if (!t) return std::nullopt;
  return t->micros();
}

TEST(TimeTextTest, ReferenceBoundsAreTheChronoYears) {
  EXPECT_EQ(reference::timestamp_text(kFirstChronoMicros), "-32767-01-01 00:00:00.000000");
  EXPECT_EQ(reference::timestamp_text(kLastChronoMicros), "+32767-12-31 23:59:59.999999");
}

TEST(TimeTextTest, EdgesAreWrittenAsBefore) {
  const std::vector<std::int64_t> edges = {
      0,
      -1,
      1,
      Timestamp::kMinMicros,
      Timestamp::kMinMicros - 1,
      Timestamp::kMaxMicros,
      Timestamp::kMaxMicros + 1,
      Timestamp::from_civil(2024, 2, 29, 23, 59, 59, 999999).micros(),
      Timestamp::from_civil(2000, 2, 29).micros(),
      Timestamp::from_civil(1900, 2, 28, 12).micros(),
      Timestamp::from_civil(1900, 3, 1).micros(),
      Timestamp::from_civil(2100, 3, 1).micros() - 1,
      Timestamp::from_civil(1600, 12, 31, 23, 59, 59, 1).micros(),
      Timestamp::from_civil(0, 1, 1).micros(),
      Timestamp::from_civil(0, 2, 29).micros(),
      Timestamp::from_civil(-1, 12, 31, 23, 59, 59, 999999).micros(),
      Timestamp::from_civil(-400, 2, 29).micros(),
      Timestamp::from_civil(10000, 1, 1).micros(),
      kFirstChronoMicros,
      kLastChronoMicros,
  };
  for (std::int64_t us : edges) {
    const Timestamp t = Timestamp::from_micros(us);
    EXPECT_EQ(t.to_string(), reference::timestamp_text(us)) << us;
    char buf[Timestamp::kMaxChars];
    EXPECT_EQ(std::string(buf, t.to_chars(buf)), reference::timestamp_text(us)) << us;
  }
  EXPECT_EQ(Timestamp::from_micros(Timestamp::kMinMicros).to_string(),
            "0001-01-01 00:00:00.000000");
  EXPECT_EQ(Timestamp::from_micros(Timestamp::kMaxMicros).to_string(),
            "9999-12-31 23:59:59.999999");
  EXPECT_EQ(Timestamp::from_micros(Timestamp::kMaxMicros).to_iso8601(),
            "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(Timestamp::from_micros(Timestamp::kMinMicros - 1).to_string(),
            "0000-12-31 23:59:59.999999");
  EXPECT_EQ(Timestamp::from_micros(Timestamp::kMaxMicros + 1).to_string(),
            "+10000-01-01 00:00:00.000000");
}

TEST(TimeTextTest, AnyInt64IsWrittenWithoutOverflow) {
  // Far outside std::chrono's years: the true (proleptic Gregorian) year, with its sign.
  for (std::int64_t us : {INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 1}) {
    const std::string s = Timestamp::from_micros(us).to_string();
    EXPECT_LE(s.size(), Timestamp::kMaxChars);
    EXPECT_TRUE(s[0] == '+' || s[0] == '-') << s;
  }
  EXPECT_EQ(Timestamp::from_micros(INT64_MAX).to_string(), "+294247-01-10 04:00:54.775807");
  EXPECT_EQ(Timestamp::from_micros(INT64_MIN).to_string(), "-290308-12-21 19:59:05.224192");
}

TEST(TimeTextTest, ASampleOfTimestampsIsWrittenAndReadAsBefore) {
  std::mt19937_64 rng(20261206);
  // Most of the sample within the years 1 to 9999 (what is stored), the rest anywhere in the
  // reference's range.
  std::uniform_int_distribution<std::int64_t> stored(Timestamp::kMinMicros, Timestamp::kMaxMicros);
  std::uniform_int_distribution<std::int64_t> any(kFirstChronoMicros, kLastChronoMicros);
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t us = i % 4 == 3 ? any(rng) : stored(rng);
    const std::string text = Timestamp::from_micros(us).to_string();
    ASSERT_EQ(text, reference::timestamp_text(us)) << us;
    if (us >= Timestamp::kMinMicros - kDay && us <= Timestamp::kMaxMicros) {
      ASSERT_EQ(Timestamp::from_micros(us).to_iso8601(),
                text.substr(0, 10) + "T" + text.substr(11) + "Z");
      ASSERT_EQ(parsed(text), us) << text;
      ASSERT_EQ(parsed(text), reference::parse(text)) << text;
    }
  }
}

TEST(TimeTextTest, TextOrderIsTimeOrderOnASample) {
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<std::int64_t> stored(Timestamp::kMinMicros, Timestamp::kMaxMicros);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t a = stored(rng), b = stored(rng);
    EXPECT_EQ(a < b, Timestamp::from_micros(a).to_string() < Timestamp::from_micros(b).to_string());
  }
}

// Every form parse() accepts, built from one timestamp's fields.
std::vector<std::string> forms_of(std::int64_t us, std::mt19937_64& rng) {
  const std::string c = reference::timestamp_text(us);  // YYYY-MM-DD HH:MM:SS.ffffff
  const std::string date = c.substr(0, 10), hm = c.substr(11, 5), sec = c.substr(17, 2),
                    frac = c.substr(20, 6);
  std::vector<std::string> out = {date, c};
  const char seps[] = {' ', 'T', 't'};
  const char* zones[] = {"",        "Z",      "z",       " Z",        "+00",       "-00",
                         "+05",     "-11",    "+0530",   "-0800",     "+05:30",    "-09:45",
                         " +01:00", "+15:59", "+16:00",  "+00:19:32", "-03:00:07", "+5",
                         "+05:3",   "Zz",     "+05:30:", "UTC",       " "};
  std::uniform_int_distribution<int> pick_frac(0, 9);
  for (char sep : seps) {
    for (const char* zone : zones) {
      const std::string head = date + sep + hm;
      out.push_back(head + zone);
      out.push_back(head + ":" + sec + zone);
      const int n = pick_frac(rng);
      out.push_back(head + ":" + sec + "." + (frac + "987").substr(0, static_cast<std::size_t>(n)) +
                    zone);
      out.push_back(head + ":" + sec + "," + frac + zone);
    }
  }
  out.push_back(date + " 24:00:00");
  out.push_back(date + " 24:00");
  out.push_back(date + " 24:00:00.000001");
  out.push_back(date + " 23:59:60");
  out.push_back(date + " 23:59:60.5+01:00");
  out.push_back(date + " 23:60:00");
  out.push_back(date + " 25:00:00");
  return out;
}

TEST(TimeTextTest, EveryAcceptedFormIsReadAsBefore) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> stored(Timestamp::kMinMicros, Timestamp::kMaxMicros);
  std::size_t accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    for (const std::string& s : forms_of(stored(rng), rng)) {
      const auto want = reference::parse(s);
      ASSERT_EQ(parsed(s), want) << s;
      accepted += want ? 1 : 0;
    }
  }
  EXPECT_GT(accepted, 100000u);
}

TEST(TimeTextTest, DamagedTextIsRefusedOrReadAsBefore) {
  // Every text one edit away from a valid one: what the old routine refused is refused, what it
  // read is read the same.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> stored(Timestamp::kMinMicros, Timestamp::kMaxMicros);
  const std::string alphabet("0123456789-: T.,+Zz/x\0", 22);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 3000; ++i) {
    const std::string base = reference::timestamp_text(stored(rng)) + "+01:30";
    for (std::size_t pos = 0; pos <= base.size(); ++pos) {
      std::string replaced = base, inserted = base, cut = base.substr(0, pos);
      if (pos < base.size()) replaced[pos] = alphabet[pick(rng)];
      inserted.insert(pos, 1, alphabet[pick(rng)]);
      for (const std::string& s : {replaced, inserted, cut}) {
        ASSERT_EQ(parsed(s), reference::parse(s)) << s;
        ASSERT_EQ(Date::parse(s).has_value(), reference::parse_date(s).has_value()) << s;
      }
    }
  }
}

TEST(TimeTextTest, DatesAreWrittenAndReadAsBefore) {
  // Every day of the years 1600 to 2400, and every 37th of the years -32767 to 32767
  // (std::chrono's), with their fields.
  std::vector<std::int64_t> sample;
  for (std::int64_t d = -135140; d <= 157419; ++d) sample.push_back(d);
  for (std::int64_t d = -12687428; d <= 11248737; d += 37) sample.push_back(d);
  sample.push_back(11248737);
  for (std::int64_t d : sample) {
    const Date date{std::chrono::sys_days(std::chrono::days(d))};
    const std::string text = date.to_string();
    ASSERT_EQ(text, reference::date_text(d)) << d;
    const std::chrono::year_month_day ymd{date.days()};
    ASSERT_EQ(date.year(), static_cast<int>(ymd.year())) << d;
    ASSERT_EQ(date.month(), static_cast<unsigned>(ymd.month())) << d;
    ASSERT_EQ(date.day(), static_cast<unsigned>(ymd.day())) << d;
    if (text.size() == 10) {
      ASSERT_EQ(Date::parse(text), date) << text;
    }
  }
  EXPECT_EQ(Date::from_civil(1, 1, 1).to_string(), "0001-01-01");
  EXPECT_EQ(Date::from_civil(9999, 12, 31).to_string(), "9999-12-31");
  EXPECT_EQ(Date::from_civil(2024, 2, 29).to_string(), "2024-02-29");
  EXPECT_THROW(Date::from_civil(2023, 2, 29), ArgumentError);
  EXPECT_THROW(Date::from_civil(2100, 2, 29), ArgumentError);
  EXPECT_NO_THROW(Date::from_civil(2000, 2, 29));
  EXPECT_THROW(Date::from_civil(32768, 1, 1), ArgumentError);
  EXPECT_THROW(Date::from_civil(2024, 4, 31), ArgumentError);
  EXPECT_THROW(Date::from_civil(2024, 0xFFFFFFFFu, 1), ArgumentError);
}

TEST(TimeTextTest, FromCivilAgreesWithTheCalendar) {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> year(-32767, 32767), month(0, 13), day(0, 32), hour(0, 24),
      minute(0, 60), second(0, 60), micros(0, 1000000);
  for (int i = 0; i < 100000; ++i) {
    const int y = year(rng), mo = month(rng), d = day(rng), h = hour(rng), mi = minute(rng),
              s = second(rng), us = micros(rng);
    std::chrono::sys_days days;
    const bool valid =
        reference::valid_ymd(y, mo, d, days) && h <= 23 && mi <= 59 && s <= 59 && us <= 999999;
    if (!valid) {
      ASSERT_THROW(Timestamp::from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d),
                                         static_cast<unsigned>(h), static_cast<unsigned>(mi),
                                         static_cast<unsigned>(s), static_cast<unsigned>(us)),
                   ArgumentError);
      continue;
    }
    const std::int64_t want = days.time_since_epoch().count() * kDay +
                              ((std::int64_t{h} * 60 + mi) * 60 + s) * 1000000 + us;
    ASSERT_EQ(Timestamp::from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d),
                                    static_cast<unsigned>(h), static_cast<unsigned>(mi),
                                    static_cast<unsigned>(s), static_cast<unsigned>(us))
                  .micros(),
              want);
    ASSERT_EQ(Date::from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)).days(),
              days);
  }
}

TEST(TimeTextTest, TimesOfDayAreWrittenAsBefore) {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::int64_t> in_day(0, kDay - 1);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t us = in_day(rng);
    const TimeOfDay t = TimeOfDay::from_micros_unchecked(us);
    ASSERT_EQ(t.to_string(), reference::time_of_day_text(us));
    ASSERT_EQ(TimeOfDay::parse(t.to_string()), t);
  }
  // Not a time of day (from_micros_unchecked takes anything): still written as before.
  for (std::int64_t us :
       {std::int64_t{-1}, -kDay - 1234567, kDay, 100 * kDay + 7, INT64_MAX / 2, INT64_MIN / 2}) {
    EXPECT_EQ(TimeOfDay::from_micros_unchecked(us).to_string(), reference::time_of_day_text(us))
        << us;
  }
  EXPECT_EQ(TimeOfDay::from_civil(23, 59, 59, 999999).to_string(), "23:59:59.999999");
  EXPECT_EQ(TimeOfDay().to_string(), "00:00:00.000000");
}

}  // namespace
}  // namespace sqlcore
