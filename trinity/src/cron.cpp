// The checks of a schedule's cron expression and time zone (see cron.hpp).
#include "cron.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace trinity::db {

namespace {

constexpr std::size_t kMaxExpression = 200;
constexpr std::size_t kMaxZone = 255;

struct Field {
  const char* name;
  int min;
  int max;
  int span;                  // the widest step: how many values the field has
  const char* const* names;  // three-letter names of the values from `first_name` on
  int first_name;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",  "JUL",
                                       "AUG", "SEP", "OCT", "NOV", "DEC", nullptr};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr};

constexpr std::array<Field, 5> kFields = {{
    {"minute", 0, 59, 60, nullptr, 0},
    {"hour", 0, 23, 24, nullptr, 0},
    {"day-of-month", 1, 31, 31, nullptr, 0},
    {"month", 1, 12, 12, kMonthNames, 1},
    {"day-of-week", 0, 7, 7, kDayNames, 0},
}};

// The longest month 1..12 can be (February in a leap year).
constexpr std::array<int, 13> kMonthDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

[[noreturn]] void bad(const std::string& why) {
  throw std::invalid_argument("trinity-db: cron_expression: " + why);
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// `s` split at runs of blanks.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !is_blank(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// `s` split at every `sep` (empty parts kept).
std::vector<std::string_view> parts(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// The decimal number `s` (digits only); -1 when it is not one, a large value when too long.
int number(std::string_view s) {
  if (s.empty() || s.size() > 9) return s.size() > 9 ? 1'000'000'000 : -1;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Whether `token` is the upper-case `name` in any letter case.
bool same_letters(std::string_view token, std::string_view name) {
  if (token.size() != name.size()) return false;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char c = token[i] >= 'a' && token[i] <= 'z' ? static_cast<char>(token[i] - 32) : token[i];
    if (c != name[i]) return false;
  }
  return true;
}

// The value `token` names in `f`: a number in range, or a three-letter name of the field.
int value(const Field& f, std::string_view token) {
  if (token.empty()) bad(std::string(f.name) + " has an empty value");
  if (int n = number(token); n >= 0) {
    if (n < f.min || n > f.max)
      bad(std::string(f.name) + " value " + quoted(token) + " is out of range " +
          std::to_string(f.min) + "-" + std::to_string(f.max));
    return n;
  }
  for (int i = 0; f.names && f.names[i]; ++i)
    if (same_letters(token, f.names[i])) return f.first_name + i;
  bad(std::string(f.name) + " value " + quoted(token) + " is not a number" +
      (f.names ? " or a name" : ""));
}

// Sets in `bits` the values one list item of `f` matches: `*`, `n`, `a-b`, each with `/step`.
void add_item(const Field& f, std::string_view item, std::bitset<64>& bits) {
  if (item.empty()) bad(std::string(f.name) + " has an empty list item");
  const std::size_t slash = item.find('/');
  const std::string_view range = item.substr(0, slash);
  int step = 1;
  if (slash != std::string_view::npos) {
    step = number(item.substr(slash + 1));
    if (step < 1 || step > f.span)
      bad(std::string(f.name) + " step " + quoted(item.substr(slash + 1)) +
          " is not a number from 1 to " + std::to_string(f.span));
  }
  int lo = f.min;
  int hi = f.max;
  if (range != "*") {
    const std::size_t dash = range.find('-');
    lo = value(f, range.substr(0, dash));
    hi = dash != std::string_view::npos    ? value(f, range.substr(dash + 1))
         : slash != std::string_view::npos ? f.max
                                           : lo;
    if (lo > hi) bad(std::string(f.name) + " range " + quoted(range) + " is reversed");
  }
  for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(v));
}

std::bitset<64> field_bits(const Field& f, std::string_view text) {
  std::bitset<64> bits;
  for (std::string_view item : parts(text, ',')) add_item(f, item, bits);
  return bits;
}

template <std::size_t N>
std::bitset<N> narrowed(const std::bitset<64>& bits) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = bits[i];
  return out;
}

// Whether some day of the day-of-month field comes in some month of the month field.
bool day_comes(const CronFields& f) {
  for (int m = 1; m <= 12; ++m)
    for (int d = 1; f.months[static_cast<std::size_t>(m)] && d <= kMonthDays[m]; ++d)
      if (f.days_of_month[static_cast<std::size_t>(d)]) return true;
  return false;
}

}  // namespace

CronFields parse_cron_expression(std::string_view expression) {
  if (expression.size() > kMaxExpression)
    bad("is longer than " + std::to_string(kMaxExpression) + " characters");
  const auto fields = words(expression);
  if (fields.empty()) bad("is empty");
  if (fields.front().front() == '@')
    bad("macros such as " + quoted(fields.front()) + " are not supported; write the five fields");
  if (fields.size() != kFields.size())
    bad("has " + std::to_string(fields.size()) +
        " fields; expected 5 (minute hour day-of-month month day-of-week)");
  CronFields out;
  out.minutes = narrowed<60>(field_bits(kFields[0], fields[0]));
  out.hours = narrowed<24>(field_bits(kFields[1], fields[1]));
  out.days_of_month = narrowed<32>(field_bits(kFields[2], fields[2]));
  out.months = narrowed<13>(field_bits(kFields[3], fields[3]));
  const auto week = field_bits(kFields[4], fields[4]);
  out.days_of_week = narrowed<7>(week);
  if (week[7]) out.days_of_week.set(0);  // 7 is Sunday too
  out.any_day_of_month = fields[2].front() == '*';
  out.any_day_of_week = fields[4].front() == '*';
  // With both day fields restricted either may match; otherwise the day of month must come.
  if ((out.any_day_of_month || out.any_day_of_week) && !day_comes(out))
    bad("day-of-month " + quoted(fields[2]) + " never comes in month " + quoted(fields[3]));
  return out;
}

std::string checked_cron_expression(std::string_view expression) {
  (void)parse_cron_expression(expression);
  std::string out;
  for (std::string_view field : words(expression)) {
    if (!out.empty()) out += ' ';
    out += field;
  }
  return out;
}

std::string checked_timezone(std::string_view zone) {
  const auto bad_zone = [&](const std::string& why) -> void {
    throw std::invalid_argument("trinity-db: timezone: " + quoted(zone.substr(0, kMaxZone)) + " " +
                                why);
  };
  if (zone == "UTC") return "UTC";
  if (zone.empty()) throw std::invalid_argument("trinity-db: timezone: is empty");
  if (zone.size() > kMaxZone) bad_zone("is longer than 255 characters");
  for (char c : zone) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) bad_zone("may hold only letters, digits, '_', '+', '-' and '/'");
  }
  if (zone.front() == '/' || zone.back() == '/' || zone.find("//") != std::string_view::npos ||
      zone.find("..") != std::string_view::npos)
    bad_zone("is not a time zone name (Area/Location)");
  if (zone == "localtime" || zone == "posixrules") bad_zone("is not a time zone name");
  const char* env = std::getenv("TZDIR");
  const std::filesystem::path dir = env && *env ? env : "/usr/share/zoneinfo";
  const std::filesystem::path file = dir / std::string(zone);
  std::error_code ec;
  char magic[4] = {};
  std::ifstream in;
  if (std::filesystem::is_regular_file(file, ec)) in.open(file, std::ios::binary);
  if (!in || !in.read(magic, sizeof magic) || std::memcmp(magic, "TZif", 4) != 0)
    bad_zone("is not in the time zone database (" + dir.string() + ")");
  return std::string(zone);
}

}  // namespace trinity::db
