// The checks of a schedule's cron expression and time zone (src/cron.hpp), with no database:
// accepted forms and what they expand to, every kind of refusal with the field named, and time
// zones against the system's tz database and against a database of our own ($TZDIR).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlcore/testing/scoped_env.hpp>

#include "../src/cron.hpp"

using trinity::db::checked_cron_expression;
using trinity::db::checked_timezone;
using trinity::db::parse_cron_expression;

namespace {

// The message of the std::invalid_argument `fn` throws; nullopt when it throws none.
template <class F>
std::optional<std::string> refusal(F&& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

std::vector<int> bits(const auto& set) {
  std::vector<int> out;
  for (std::size_t i = 0; i < set.size(); ++i)
    if (set[i]) out.push_back(static_cast<int>(i));
  return out;
}

TEST(CronExpression, AcceptsTheStandardForms) {
  for (const char* ok : {"* * * * *",
                         "0 0 * * *",
                         "*/15 * * * *",
                         "0 9-17 * * 1-5",
                         "0 9-17/2 * * MON-FRI",
                         "30 2 1,15 * *",
                         "0 0 1 JAN,jul *",
                         "0 0 * * SUN",
                         "0 0 * * sun",
                         "0 0 * * 0",
                         "0 0 * * 7",
                         "0 0 * * 1-7",
                         "5/10 * * * *",
                         "59 23 31 12 6",
                         "0 0 29 2 *",
                         "0 0 30 2 1",
                         "0 0 31 4,5 *",
                         "0 0 31 */2 *",
                         "0 0 1-31/2 * *",
                         "1,2,3-5,*/20 * * * *",
                         "0 0 * dec-DEC sat",
                         "00 07 01 01 *",
                         "*/60 */24 */31 */12 */7"})
    EXPECT_NO_THROW(parse_cron_expression(ok)) << ok;
}

TEST(CronExpression, ExpandsEachField) {
  const auto f = parse_cron_expression("*/15 9-17 * * MON-FRI");
  EXPECT_EQ(bits(f.minutes), (std::vector<int>{0, 15, 30, 45}));
  EXPECT_EQ(bits(f.hours), (std::vector<int>{9, 10, 11, 12, 13, 14, 15, 16, 17}));
  EXPECT_EQ(f.days_of_month.count(), 31u);
  EXPECT_FALSE(f.days_of_month[0]);
  EXPECT_EQ(f.months.count(), 12u);
  EXPECT_EQ(bits(f.days_of_week), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(f.any_day_of_month);
  EXPECT_FALSE(f.any_day_of_week);

  EXPECT_EQ(bits(parse_cron_expression("5/20 * * * *").minutes), (std::vector<int>{5, 25, 45}));
  EXPECT_EQ(bits(parse_cron_expression("0 0 * * 7").days_of_week), std::vector<int>{0});
  EXPECT_EQ(bits(parse_cron_expression("0 0 * * 5-7").days_of_week), (std::vector<int>{0, 5, 6}));
  EXPECT_EQ(bits(parse_cron_expression("0 0 * feb,Oct-DEC/2 *").months),
            (std::vector<int>{2, 10, 12}));
  EXPECT_EQ(bits(parse_cron_expression("0 0 1-10/3,20 * *").days_of_month),
            (std::vector<int>{1, 4, 7, 10, 20}));
  const auto both = parse_cron_expression("0 0 13 * FRI");
  EXPECT_FALSE(both.any_day_of_month);
  EXPECT_FALSE(both.any_day_of_week);
}

TEST(CronExpression, StoresFieldsSeparatedByOneSpace) {
  EXPECT_EQ(checked_cron_expression("  0   0  *  *  *  "), "0 0 * * *");
  EXPECT_EQ(checked_cron_expression("0\t9\t*\t*\tMon-Fri"), "0 9 * * Mon-Fri");
  EXPECT_EQ(checked_cron_expression("*/5 * * * *"), "*/5 * * * *");
}

TEST(CronExpression, RefusesWhatCannotRunNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is empty"},
      {"   \t ", "is empty"},
      {"* * * *", "has 4 fields"},
      {"* * * * * *", "has 6 fields"},
      {"0 0 * * * 2024", "has 6 fields"},
      {"0", "has 1 fields"},
      {"@daily", "macros"},
      {"@reboot", "macros"},
      {"60 * * * *", "minute value '60' is out of range 0-59"},
      {"* 24 * * *", "hour value '24' is out of range 0-23"},
      {"* * 0 * *", "day-of-month value '0' is out of range 1-31"},
      {"* * 32 * *", "day-of-month value '32'"},
      {"* * * 0 *", "month value '0' is out of range 1-12"},
      {"* * * 13 *", "month value '13'"},
      {"* * * * 8", "day-of-week value '8' is out of range 0-7"},
      {"99999999999 * * * *", "minute value"},
      {"*/0 * * * *", "minute step '0'"},
      {"*/61 * * * *", "minute step '61'"},
      {"* */25 * * *", "hour step '25'"},
      {"* * * * */8", "day-of-week step '8'"},
      {"*/x * * * *", "minute step 'x'"},
      {"*/ * * * *", "minute step ''"},
      {"1/ * * * *", "minute step"},
      {"*/2/3 * * * *", "minute step"},
      {"0 0 * * 1/0", "day-of-week step"},
      {"0 0 * * MON/TUE", "day-of-week step 'TUE'"},
      {"5-1 * * * *", "minute range '5-1' is reversed"},
      {"0 0 * * FRI-MON", "day-of-week range 'FRI-MON' is reversed"},
      {"1,,2 * * * *", "minute has an empty list item"},
      {"1, * * * *", "minute has an empty list item"},
      {",1 * * * *", "minute has an empty list item"},
      {"-5 * * * *", "minute has an empty value"},
      {"5- * * * *", "minute has an empty value"},
      {"1-2-3 * * * *", "minute value '2-3' is not a number"},
      {"*-5 * * * *", "minute value '*'"},
      {"a * * * *", "minute value 'a' is not a number"},
      {"MON * * * *", "minute value 'MON' is not a number"},
      {"1.5 * * * *", "minute value '1.5'"},
      {"+1 * * * *", "minute value '+1'"},
      {"0x1 * * * *", "minute value '0x1'"},
      {"* * * * MONDAY", "day-of-week value 'MONDAY' is not a number or a name"},
      {"* * * FOO *", "month value 'FOO' is not a number or a name"},
      {"* * * JAN-MON *", "month value 'MON'"},
      {"* * * * JAN", "day-of-week value 'JAN'"},
      {"? * * * *", "minute value '?'"},
      {"0 0 ? * MON", "day-of-month value '?'"},
      {"0 0 L * *", "day-of-month value 'L'"},
      {"0 0 15W * *", "day-of-month value '15W'"},
      {"0 0 * * 5#3", "day-of-week value '5#3'"},
      {"0 0 * * *\n", "day-of-week value '*\n'"},
      {"0 0 30 2 *", "day-of-month '30' never comes in month '2'"},
      {"0 0 31 4,6,9,11 *", "never comes"},
      {std::string(201, '*'), "longer than 200 characters"},
  };
  for (const auto& [expr, why] : cases) {
    const auto message = refusal([&] { parse_cron_expression(expr); });
    ASSERT_TRUE(message) << "accepted: '" << expr << "'";
    EXPECT_EQ(message->rfind("trinity-db: cron_expression: ", 0), 0u) << *message;
    EXPECT_NE(message->find(why), std::string::npos) << expr << " -> " << *message;
    EXPECT_TRUE(refusal([&] { checked_cron_expression(expr); })) << expr;
  }
}

bool system_has_tzdata() {
  const char* dir = std::getenv("TZDIR");
  return std::filesystem::exists(std::filesystem::path(dir && *dir ? dir : "/usr/share/zoneinfo") /
                                 "Europe/Berlin");
}

TEST(ScheduleTimezone, UtcIsAlwaysValid) {
  const auto empty = std::filesystem::temp_directory_path() / "trinity-tz-empty";
  std::filesystem::create_directories(empty);
  sqlcore::test::ScopedEnv tz("TZDIR", empty.c_str());
  EXPECT_EQ(checked_timezone("UTC"), "UTC");
  EXPECT_TRUE(refusal([] { checked_timezone("Europe/Berlin"); }));
  std::filesystem::remove_all(empty);
}

TEST(ScheduleTimezone, RefusesMalformedNamesBeforeLookingThemUp) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is empty"},
      {"../etc/passwd", "may hold only"},
      {"/etc/passwd", "is not a time zone name"},
      {"Europe/", "is not a time zone name"},
      {"Europe//Berlin", "is not a time zone name"},
      {"Europe/Berlin ", "may hold only"},
      {" UTC", "may hold only"},
      {"Europe\\Berlin", "may hold only"},
      {"zone.tab", "may hold only"},
      {"Europe/Berlin\n", "may hold only"},
      {"localtime", "is not a time zone name"},
      {"posixrules", "is not a time zone name"},
      {std::string(256, 'A'), "longer than 255"},
  };
  for (const auto& [zone, why] : cases) {
    const auto message = refusal([&] { checked_timezone(zone); });
    ASSERT_TRUE(message) << "accepted: '" << zone << "'";
    EXPECT_EQ(message->rfind("trinity-db: timezone: ", 0), 0u) << *message;
    EXPECT_NE(message->find(why), std::string::npos) << zone << " -> " << *message;
  }
}

TEST(ScheduleTimezone, AcceptsZonesOfTheSystemDatabase) {
  if (!system_has_tzdata()) GTEST_SKIP() << "no tz database (Debian package tzdata) installed";
  for (const char* zone : {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/GMT+5",
                           "Etc/GMT-14", "America/Argentina/Buenos_Aires", "Etc/UTC"})
    EXPECT_EQ(checked_timezone(zone), zone);
  for (const char* zone : {"Europe/Nowhere", "Europe", "Mars/Olympus", "europe/berlin"}) {
    const auto message = refusal([&] { checked_timezone(zone); });
    ASSERT_TRUE(message) << zone;
    EXPECT_NE(message->find("is not in the time zone database"), std::string::npos) << *message;
  }
}

TEST(ScheduleTimezone, ReadsTheDatabaseNamedByTzdir) {
  const auto dir = std::filesystem::temp_directory_path() / "trinity-tz-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "Mars");
  std::ofstream(dir / "Mars/Olympus", std::ios::binary) << "TZif2" << std::string(40, '\0');
  std::ofstream(dir / "Mars/Text") << "# not a zone\n";
  std::ofstream(dir / "Mars/Short") << "TZ";
  std::filesystem::create_directories(dir / "Mars/Valley");
  {
    sqlcore::test::ScopedEnv tz("TZDIR", dir.c_str());
    EXPECT_EQ(checked_timezone("Mars/Olympus"), "Mars/Olympus");
    for (const char* zone : {"Mars/Text", "Mars/Short", "Mars/Valley", "Mars", "Europe/Berlin"})
      EXPECT_TRUE(refusal([&] { checked_timezone(zone); })) << zone;
  }
  EXPECT_TRUE(refusal([] { checked_timezone("Mars/Olympus"); }));  // TZDIR restored
  std::filesystem::remove_all(dir);
}

}  // namespace
