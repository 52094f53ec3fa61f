// The checks of a schedule's cron expression and time zone (internal): what create_schedule() and
// update_schedule() refuse before any statement.
//
//   check_cron_expression("*/15 9-17 * * MON-FRI");   // ok
//   check_timezone("Europe/Berlin");                   // ok when the tz database has it
#pragma once

#include <bitset>
#include <string>
#include <string_view>

namespace trinity::db {

/// A cron expression's five fields, expanded: bit n set when the value n matches. Day of week 7
/// is folded onto 0 (Sunday). `any_day_of_month` / `any_day_of_week` tell whether the field was
/// unrestricted (cron matches a day on either field when both are restricted).
struct CronFields {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday .. 6 = Saturday
  bool any_day_of_month = false;
  bool any_day_of_week = false;
};

/// Parses a standard five-field cron expression: minute (0-59), hour (0-23), day of month
/// (1-31), month (1-12 or JAN-DEC), day of week (0-7 or SUN-SAT; 0 and 7 are Sunday), separated
/// by blanks. A field is a comma-separated list of `*`, `n`, `a-b`, each optionally stepped
/// (`*/n`, `a-b/n`, `a/n` = a to the field's maximum), names in any letter case. Refused with
/// std::invalid_argument("trinity-db: cron_expression: ..."): another number of fields, an empty
/// item, a value out of range, a reversed range, a step of 0 or wider than the field, a name
/// where numbers belong (steps) or in the wrong field, macros (@daily), Quartz extensions (`?`,
/// `L`, `W`, `#`), and a day of month that never comes in the given months (`0 0 30 2 *`).
CronFields parse_cron_expression(std::string_view expression);

/// The expression with its fields separated by one space (what is stored), after
/// parse_cron_expression() accepted it.
std::string checked_cron_expression(std::string_view expression);

/// `zone` when it is a time zone a schedule can use, else std::invalid_argument("trinity-db:
/// timezone: ..."). "UTC" always; otherwise an IANA name ("Europe/Berlin", "Etc/GMT+5") made of
/// letters, digits, '_', '+', '-' and '/' (no leading or trailing '/', no empty part, no "..")
/// whose file in the system's time zone database ($TZDIR, else /usr/share/zoneinfo) is a
/// regular file in TZif format ("localtime" and "posixrules" are not zones).
std::string checked_timezone(std::string_view zone);

}  // namespace trinity::db
