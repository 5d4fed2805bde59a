// Civil time for the generator: proleptic Gregorian dates (Howard Hinnant's algorithms), the few
// time zones senders live in with their DST rules written out (EU and US rules as in force since
// 2007), and the Date header formats real clients produce.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace nachfass::gen {

inline constexpr std::int64_t minute = 60;
inline constexpr std::int64_t hour = 3600;
inline constexpr std::int64_t day = 86400;
inline constexpr std::int64_t week = 7 * day;

std::int64_t days_from_civil(int year, unsigned month, unsigned day_of_month);

struct LocalTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = 4;  // 0 = Sunday
};
LocalTime local_time(UnixSeconds utc, int offset_minutes);

enum class Zone : std::uint8_t { utc, berlin, london, istanbul, kolkata, new_york, los_angeles };

int utc_offset_minutes(Zone zone, UnixSeconds utc);
// "CET", "CEST", "GMT", "BST", "EST", "EDT", "PST", "PDT", "IST", "+03"; "UTC" for utc.
std::string_view zone_abbreviation(Zone zone, UnixSeconds utc);

// Date header styles.
enum class DateStyle : std::uint8_t {
  numeric,          // Mon, 2 Nov 2026 10:30:00 +0100
  numeric_padded,   // Mon, 02 Nov 2026 10:30:00 +0100
  numeric_comment,  // Mon, 2 Nov 2026 10:30:00 +0100 (CET)
  postfix,          // Mon,  2 Nov 2026 10:30:00 +0100 (CET)   (space-padded day)
  no_weekday,       // 2 Nov 2026 10:30 +0100                  (no weekday, no seconds)
  utc_plus,         // Mon, 02 Nov 2026 09:30:00 +0000         (offset forced to 0)
  utc_minus,        // Mon, 02 Nov 2026 09:30:00 -0000         (RFC 5322: local time unknown)
  gmt_name,         // Mon, 02 Nov 2026 09:30:00 GMT           (obsolete zone name)
  us_name,          // Mon, 2 Nov 2026 04:30:00 EST            (obsolete US zone name)
};

struct FormattedDate {
  std::string text;
  std::int16_t offset_minutes = 0;  // what a parser reads from it
};
// `zone` is the sender's; styles that force UTC ignore it. us_name needs a US zone.
FormattedDate format_date(UnixSeconds utc, Zone zone, DateStyle style);

std::string_view weekday_name_en(int weekday);  // "Mon"
std::string_view month_name_en(int month);      // "Nov"
std::string_view weekday_long_de(int weekday);  // "Montag"
std::string_view weekday_long_en(int weekday);  // "Monday"
std::string_view month_long_de(int month);      // "November"
std::string_view month_long_en(int month);      // "November"

// Moves `t` into working hours of `zone` (Mon-Fri 08:00-18:00): unchanged when already inside,
// else to the next working morning plus `minutes_after_eight`.
UnixSeconds next_working_time(UnixSeconds t, Zone zone, int minutes_after_eight);
bool is_working_time(UnixSeconds t, Zone zone);

std::string two_digits(int value);

}  // namespace nachfass::gen
