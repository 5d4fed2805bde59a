#include "core/business_calendar.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace nachfass {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay9h = 9 * kHour;

constexpr year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{year{y}, month{m}, day{d}};
}

// "2026-06-01 08:00 +02:00" or "2026-06-01 08:00:01 -04:00": an instant written with its offset,
// so the expectations do not depend on the tz database under test.
UnixSeconds at(const char* text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = '+';
  if (std::sscanf(text, "%d-%d-%d %d:%d:%d %c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign, &oh, &om) !=
      9) {
    s = 0;
    if (std::sscanf(text, "%d-%d-%d %d:%d %c%d:%d", &y, &mo, &d, &h, &mi, &sign, &oh, &om) != 8) {
      ADD_FAILURE() << "bad instant " << text;
      return 0;
    }
  }
  const std::int64_t days =
      std::chrono::sys_days{ymd(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))}
          .time_since_epoch()
          .count();
  const std::int64_t offset = (oh * 60 + om) * 60 * (sign == '-' ? -1 : 1);
  return days * 86400 + h * 3600 + mi * 60 + s - offset;
}

std::string utc(UnixSeconds instant) {
  if (instant == BusinessCalendar::never) return "never";
  return date::format("%F %T UTC", date::sys_seconds{std::chrono::seconds{instant}});
}

const date::time_zone* zone(const char* name) {
  return date::locate_zone(name);
}

HolidayRegion region(std::string_view code) {
  return HolidayRegion::parse(code).value_or(HolidayRegion{});
}

BusinessCalendar berlin(std::string_view code = "DE-BE", std::vector<year_month_day> extra = {}) {
  return BusinessCalendar(zone("Europe/Berlin"), BusinessHours{}, region(code), std::move(extra));
}

constexpr std::array<bool, 7> kAllWeek{true, true, true, true, true, true, true};
constexpr std::array<bool, 7> kNoDay{false, false, false, false, false, false, false};

BusinessCalendar round_the_clock(const char* zone_name) {
  return BusinessCalendar(zone(zone_name), BusinessHours{kAllWeek, 0, 1440}, HolidayRegion{}, {});
}

// --- business_seconds_between --------------------------------------------------------------

struct BetweenRow {
  std::string_view code;
  const char* from;
  const char* to;
  std::int64_t expected;
  std::string_view why;
};

TEST(BusinessSecondsBetween, BerlinTable) {
  const BetweenRow rows[] = {
      {"DE-BE", "2026-06-01 09:00 +02:00", "2026-06-01 11:30 +02:00", 9000, "within a day"},
      {"DE-BE", "2026-06-01 06:00 +02:00", "2026-06-01 20:00 +02:00", kDay9h, "outside hours"},
      {"DE-BE", "2026-06-01 08:00 +02:00", "2026-06-01 17:00 +02:00", kDay9h, "exact day"},
      {"DE-BE", "2026-06-01 16:59:59 +02:00", "2026-06-02 08:00:01 +02:00", 2, "over night"},
      {"DE-BE", "2026-06-12 16:00 +02:00", "2026-06-15 09:00 +02:00", 2 * kHour, "weekend"},
      {"DE-BE", "2026-06-12 18:00 +02:00", "2026-06-15 07:00 +02:00", 0, "weekend, no work"},
      {"DE-BE", "2026-06-12 18:00 +02:00", "2026-06-15 08:00:01 +02:00", 1, "first second"},
      {"DE-BE", "2026-06-13 10:00 +02:00", "2026-06-14 10:00 +02:00", 0, "Saturday to Sunday"},
      {"DE-BY", "2026-06-03 16:00 +02:00", "2026-06-05 09:00 +02:00", 2 * kHour,
       "Fronleichnam in Bavaria"},
      {"DE-BE", "2026-06-03 16:00 +02:00", "2026-06-05 09:00 +02:00", 2 * kHour + kDay9h,
       "no Fronleichnam in Berlin"},
      {"DE-BE", "2026-06-01 10:00 +02:00", "2026-06-01 10:00 +02:00", 0, "to == from"},
      {"DE-BE", "2026-06-02 10:00 +02:00", "2026-06-01 10:00 +02:00", 0, "to < from"},
      {"DE-BE", "2026-03-27 17:00 +01:00", "2026-03-30 08:00 +02:00", 0, "DST start weekend"},
      {"DE-BE", "2026-03-27 08:00 +01:00", "2026-03-30 17:00 +02:00", 2 * kDay9h,
       "DST start: both days full"},
      {"DE-BE", "2026-03-23 08:00 +01:00", "2026-03-30 08:00 +02:00", 5 * kDay9h,
       "week before DST start"},
      {"DE-BE", "2026-03-30 07:00 +02:00", "2026-03-30 08:00 +02:00", 0,
       "hours follow local time after DST start"},
      {"DE-BE", "2026-10-23 08:00 +02:00", "2026-10-26 17:00 +01:00", 2 * kDay9h, "DST end"},
      {"DE-BE", "2026-10-26 08:00 +01:00", "2026-10-26 09:00 +01:00", kHour,
       "hours follow local time after DST end"},
      {"DE-BY", "2026-01-01 00:00 +01:00", "2027-01-01 00:00 +01:00", 252 * kDay9h,
       "Bavaria 2026: 261 weekdays, 9 holidays on weekdays"},
      {"DE-BE", "2026-01-01 00:00 +01:00", "2027-01-01 00:00 +01:00", 254 * kDay9h,
       "Berlin 2026: 7 holidays on weekdays"},
      {"DE-BY", "2025-01-01 00:00 +01:00", "2027-01-01 00:00 +01:00", (249 + 252) * kDay9h,
       "two years, over a year boundary"},
      {"DE-BY", "2025-12-31 16:00 +01:00", "2026-01-02 09:00 +01:00", 2 * kHour, "over New Year"},
  };
  for (const auto& row : rows) {
    const BusinessCalendar calendar = berlin(row.code);
    EXPECT_EQ(calendar.business_seconds_between(at(row.from), at(row.to)), row.expected)
        << row.code << ' ' << row.from << " .. " << row.to << ": " << row.why;
  }
}

TEST(BusinessSecondsBetween, RoundTheClockFollowsDst) {
  const BusinessCalendar calendar = round_the_clock("Europe/Berlin");
  EXPECT_EQ(calendar.business_seconds_between(at("2026-03-29 00:00 +01:00"),
                                              at("2026-03-30 00:00 +02:00")),
            23 * kHour);
  EXPECT_EQ(calendar.business_seconds_between(at("2026-10-25 00:00 +02:00"),
                                              at("2026-10-26 00:00 +01:00")),
            25 * kHour);
  EXPECT_EQ(calendar.day_seconds(), 24 * kHour);
}

TEST(BusinessSecondsBetween, NewYork) {
  const BusinessCalendar calendar(
      zone("America/New_York"),
      BusinessHours{{false, true, true, true, true, true, false}, 9 * 60, 17 * 60}, HolidayRegion{},
      {});
  const BusinessCalendar in_berlin = berlin("none");
  const BetweenRow rows[] = {
      {"", "2026-03-06 16:00 -05:00", "2026-03-09 10:00 -04:00", 2 * kHour, "US DST start"},
      {"", "2026-10-30 16:00 -04:00", "2026-11-02 10:00 -05:00", 2 * kHour, "US DST end"},
      {"", "2026-03-09 09:00 -04:00", "2026-03-09 17:00 -04:00", 8 * kHour, "a full day"},
      {"", "2026-06-01 00:00 -04:00", "2026-06-08 00:00 -04:00", 5 * 8 * kHour, "a week"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(calendar.business_seconds_between(at(row.from), at(row.to)), row.expected)
        << row.from << " .. " << row.to << ": " << row.why;
  }
  // The same instants in Berlin (still CET on 9 March): 14:00-22:00 local, 3 working hours.
  EXPECT_EQ(in_berlin.business_seconds_between(at("2026-03-09 09:00 -04:00"),
                                               at("2026-03-09 17:00 -04:00")),
            3 * kHour);
}

TEST(BusinessSecondsBetween, ExtraHolidays) {
  const char* from = "2026-12-23 08:00 +01:00";
  const char* to = "2027-01-04 08:00 +01:00";
  // 23, 28, 29, 30 December; 24 and 31 are extra, 25 and 1 January public holidays.
  EXPECT_EQ(berlin("DE-BE", {ymd(2026, 12, 31), ymd(2026, 12, 24), ymd(2026, 12, 24)})
                .business_seconds_between(at(from), at(to)),
            4 * kDay9h);
  EXPECT_EQ(berlin("DE-BE").business_seconds_between(at(from), at(to)), 6 * kDay9h);
  // An extra holiday on a weekend or a public holiday changes nothing; an invalid one is ignored.
  EXPECT_EQ(berlin("DE-BE", {ymd(2026, 12, 26), ymd(2026, 12, 25), ymd(2026, 2, 30)})
                .business_seconds_between(at(from), at(to)),
            6 * kDay9h);
}

TEST(BusinessSecondsBetween, LongSpansAndGarbageInstants) {
  const BusinessCalendar calendar = berlin("DE-BY");
  // 400 days, and a thread from a mail dated 1970 (epoch 0 from a broken Date header).
  // 400 days: 1 May 2025 to 5 June 2026 has 175 + 111 weekdays, 8 + 8 of them holidays.
  EXPECT_EQ(calendar.business_seconds_between(at("2025-05-01 00:00 +02:00"),
                                              at("2026-06-05 00:00 +02:00")),
            270 * kDay9h);
  // A thread from a mail dated 1970 (epoch 0 from a broken Date header).
  EXPECT_GT(calendar.business_seconds_between(0, at("2026-06-05 00:00 +02:00")), 56 * 240 * kDay9h);
  // Out of range: clamped, finite, no crash.
  EXPECT_EQ(calendar.business_seconds_between(std::numeric_limits<UnixSeconds>::min(),
                                              at("1899-06-01 00:00 +00:00")),
            0);
  EXPECT_EQ(calendar.business_seconds_between(at("2250-01-01 00:00 +00:00"),
                                              std::numeric_limits<UnixSeconds>::max()),
            0);
  EXPECT_GT(calendar.business_seconds_between(std::numeric_limits<UnixSeconds>::min(),
                                              std::numeric_limits<UnixSeconds>::max()),
            0);
}

TEST(BusinessDaysBetween, RoundsDown) {
  const BusinessCalendar calendar = berlin();
  EXPECT_EQ(calendar.business_days_between(at("2026-06-01 08:00 +02:00"),
                                           at("2026-06-03 16:59:59 +02:00")),
            2);
  EXPECT_EQ(
      calendar.business_days_between(at("2026-06-01 08:00 +02:00"), at("2026-06-03 17:00 +02:00")),
      3);
  EXPECT_EQ(
      calendar.business_days_between(at("2026-06-12 12:00 +02:00"), at("2026-06-16 11:59 +02:00")),
      1);
  EXPECT_EQ(
      calendar.business_days_between(at("2026-06-03 12:00 +02:00"), at("2026-06-01 12:00 +02:00")),
      0);
}

// --- add_business_seconds ------------------------------------------------------------------

struct AddRow {
  std::string_view code;
  const char* from;
  std::int64_t seconds;
  const char* expected;  // nullptr = never
  std::string_view why;
};

TEST(AddBusinessSeconds, BerlinTable) {
  const AddRow rows[] = {
      {"DE-BE", "2026-06-01 08:00 +02:00", kDay9h, "2026-06-01 17:00 +02:00",
       "ends at the end of the day, not next morning"},
      {"DE-BE", "2026-06-01 08:00 +02:00", kDay9h + 1, "2026-06-02 08:00:01 +02:00", "next day"},
      {"DE-BE", "2026-06-12 16:00 +02:00", 2 * kHour, "2026-06-15 09:00 +02:00", "weekend"},
      {"DE-BE", "2026-06-13 10:00 +02:00", 0, "2026-06-15 08:00 +02:00", "0 on Saturday"},
      {"DE-BE", "2026-06-01 10:00 +02:00", 0, "2026-06-01 10:00 +02:00", "0 in working time"},
      {"DE-BE", "2026-06-01 08:00 +02:00", 0, "2026-06-01 08:00 +02:00", "0 at the start"},
      {"DE-BE", "2026-06-01 17:00 +02:00", 0, "2026-06-02 08:00 +02:00", "0 at the end"},
      {"DE-BE", "2026-06-01 07:00 +02:00", 0, "2026-06-01 08:00 +02:00", "0 before the start"},
      {"DE-BE", "2026-06-01 10:00 +02:00", -5, "2026-06-01 10:00 +02:00", "negative is 0"},
      {"DE-BY", "2026-06-03 16:00 +02:00", 2 * kHour, "2026-06-05 09:00 +02:00",
       "over Fronleichnam"},
      {"DE-BE", "2026-06-03 16:00 +02:00", 2 * kHour, "2026-06-04 09:00 +02:00",
       "no Fronleichnam in Berlin"},
      {"DE-BE", "2026-03-27 12:00 +01:00", 2 * kDay9h, "2026-03-31 12:00 +02:00", "over DST start"},
      {"DE-BE", "2026-10-23 12:00 +02:00", 2 * kDay9h, "2026-10-27 12:00 +01:00", "over DST end"},
      {"DE-BY", "2025-12-23 12:00 +01:00", 3 * kDay9h, "2025-12-30 12:00 +01:00", "over Christmas"},
      {"DE-BE", "2026-12-31 08:00 +01:00", kDay9h, "2026-12-31 17:00 +01:00",
       "the last working hours of a year"},
      {"DE-BE", "2026-12-31 17:00 +01:00", 0, "2027-01-04 08:00 +01:00",
       "0 after the last working hour of a year"},
      {"DE-BE", "2026-06-01 08:00 +02:00", 10 * 366 * 24 * kHour, nullptr, "beyond the horizon"},
      {"DE-BE", "2250-01-01 00:00 +00:00", 0, nullptr, "beyond the modelled range"},
  };
  for (const auto& row : rows) {
    const BusinessCalendar calendar = berlin(row.code);
    const UnixSeconds expected = row.expected ? at(row.expected) : BusinessCalendar::never;
    EXPECT_EQ(utc(calendar.add_business_seconds(at(row.from), row.seconds)), utc(expected))
        << row.code << ' ' << row.from << " + " << row.seconds << ": " << row.why;
  }
}

TEST(AddBusinessSeconds, NoWorkingDayIsNeverAndDoesNotLoop) {
  const BusinessCalendar calendar(zone("Europe/Berlin"), BusinessHours{kNoDay, 480, 1020},
                                  HolidayRegion{}, {});
  const UnixSeconds from = at("2026-06-01 08:00 +02:00");
  EXPECT_EQ(calendar.add_business_seconds(from, 0), BusinessCalendar::never);
  EXPECT_EQ(calendar.add_business_seconds(from, kHour), BusinessCalendar::never);
  EXPECT_EQ(calendar.add_business_seconds(from, std::numeric_limits<std::int64_t>::max()),
            BusinessCalendar::never);
  EXPECT_EQ(calendar.business_seconds_between(from, from + 400 * 86400), 0);
  EXPECT_EQ(calendar.day_seconds(), kDay9h);
}

TEST(AddBusinessSeconds, HorizonIs732Days) {
  // Saturdays only: about 52 working days a year, so 200 days of work lie ~4 years ahead.
  const BusinessCalendar saturdays(
      zone("Europe/Berlin"),
      BusinessHours{{false, false, false, false, false, false, true}, 480, 1020}, HolidayRegion{},
      {});
  const UnixSeconds from = at("2026-06-01 08:00 +02:00");
  EXPECT_EQ(saturdays.add_business_seconds(from, 200 * kDay9h), BusinessCalendar::never);
  const UnixSeconds within = saturdays.add_business_seconds(from, 100 * kDay9h);
  ASSERT_NE(within, BusinessCalendar::never);
  EXPECT_LE(within - from, 732 * 86400);
  EXPECT_EQ(saturdays.business_seconds_between(from, within), 100 * kDay9h);
  // The horizon is 2028-06-02 08:00 +02:00. The 104th Saturday after `from` is 27 May 2028, the
  // 105th 3 June 2028: just beyond, although in the same year.
  EXPECT_EQ(utc(saturdays.add_business_seconds(from, 104 * kDay9h)),
            utc(at("2028-05-27 17:00 +02:00")));
  EXPECT_EQ(saturdays.add_business_seconds(from, 104 * kDay9h + 1), BusinessCalendar::never);
}

// --- Independent oracle --------------------------------------------------------------------

// Working seconds in [from, to) the slow, obvious way: every local day, its interval through
// zoned_time with choose::earliest, intersected with [from, to).
std::int64_t oracle_between(const date::time_zone* tz, const BusinessHours& hours,
                            const HolidayRegion& holidays, const std::vector<year_month_day>& extra,
                            UnixSeconds from, UnixSeconds to) {
  if (to <= from) return 0;
  const auto local_day = [&](UnixSeconds instant) {
    const auto local =
        date::zoned_time<std::chrono::seconds>(tz, date::sys_seconds{std::chrono::seconds{instant}})
            .get_local_time();
    return std::chrono::sys_days{
        std::chrono::days{date::floor<date::days>(local).time_since_epoch().count()}};
  };
  std::int64_t total = 0;
  for (auto d = local_day(from) - std::chrono::days{2}; d <= local_day(to) + std::chrono::days{2};
       d += std::chrono::days{1}) {
    const year_month_day date{d};
    if (!hours.working_days[std::chrono::weekday{d}.c_encoding()] || holidays.is_holiday(date) ||
        std::find(extra.begin(), extra.end(), date) != extra.end()) {
      continue;
    }
    const auto to_sys = [&](int minute) {
      const date::local_seconds local{
          std::chrono::seconds{d.time_since_epoch().count() * 86400 + minute * 60}};
      return date::zoned_time<std::chrono::seconds>(tz, local, date::choose::earliest)
          .get_sys_time()
          .time_since_epoch()
          .count();
    };
    const std::int64_t start = std::max(to_sys(hours.start_minute), from);
    const std::int64_t end = std::min(to_sys(hours.end_minute), to);
    if (end > start) total += end - start;
  }
  return total;
}

struct PropertyRow {
  const char* zone;
  BusinessHours hours;
  std::string_view region;
  const char* first;  // instants are drawn from [first, last)
  const char* last;
};

TEST(BusinessCalendarProperty, MatchesOracleAndRoundTrips) {
  const PropertyRow rows[] = {
      {"Europe/Berlin", BusinessHours{}, "DE-BY", "2024-01-01 00:00 +00:00",
       "2028-01-01 00:00 +00:00"},
      {"Europe/Berlin", BusinessHours{kAllWeek, 0, 1440}, "DE-SN", "2025-01-01 00:00 +00:00",
       "2027-01-01 00:00 +00:00"},
      {"Europe/Berlin", BusinessHours{kAllWeek, 120, 180}, "none", "2025-01-01 00:00 +00:00",
       "2027-01-01 00:00 +00:00"},  // 02:00-03:00: vanishes in March, doubles in October
      {"America/New_York", BusinessHours{}, "none", "2025-01-01 00:00 +00:00",
       "2027-01-01 00:00 +00:00"},
      {"America/Sao_Paulo", BusinessHours{kAllWeek, 0, 1440}, "none", "2015-06-01 00:00 +00:00",
       "2019-06-01 00:00 +00:00"},  // DST switches at midnight
      {"America/Sao_Paulo", BusinessHours{}, "none", "2015-06-01 00:00 +00:00",
       "2019-06-01 00:00 +00:00"},
      {"Australia/Lord_Howe", BusinessHours{kAllWeek, 90, 150}, "none", "2025-01-01 00:00 +00:00",
       "2027-01-01 00:00 +00:00"},  // 30-minute DST at 02:00
      {"Pacific/Apia", BusinessHours{}, "none", "2011-11-01 00:00 +00:00",
       "2012-02-01 00:00 +00:00"},  // skipped 30 December 2011
      // Far from UTC around New Year: local years and UTC years disagree for most of a day.
      {"Pacific/Kiritimati", BusinessHours{kAllWeek, 0, 1440}, "none", "2025-12-30 00:00 +00:00",
       "2026-01-03 00:00 +00:00"},
      {"Pacific/Pago_Pago", BusinessHours{kAllWeek, 0, 1440}, "none", "2025-12-30 00:00 +00:00",
       "2026-01-03 00:00 +00:00"},
      {"Pacific/Kiritimati", BusinessHours{}, "none", "2025-12-30 00:00 +00:00",
       "2026-01-03 00:00 +00:00"},
      {"Asia/Kolkata", BusinessHours{{false, true, true, true, true, true, true}, 570, 1110},
       "none", "2025-01-01 00:00 +00:00", "2027-01-01 00:00 +00:00"},
  };
  std::mt19937_64 random(20260604);
  for (const auto& row : rows) {
    const HolidayRegion holidays = region(row.region);
    const std::vector<year_month_day> extra{ymd(2025, 12, 24), ymd(2026, 12, 31)};
    const BusinessCalendar calendar(zone(row.zone), row.hours, holidays, extra);
    const UnixSeconds first = at(row.first);
    const UnixSeconds last = at(row.last);
    std::uniform_int_distribution<UnixSeconds> instant(first, last - 1);
    std::uniform_int_distribution<std::int64_t> span(0, 45 * 86400);
    std::uniform_int_distribution<std::int64_t> work(0, 15 * calendar.day_seconds());
    for (int i = 0; i < 400; ++i) {
      const UnixSeconds from = instant(random);
      const UnixSeconds to = from + span(random);
      ASSERT_EQ(calendar.business_seconds_between(from, to),
                oracle_between(zone(row.zone), calendar.hours(), holidays, extra, from, to))
          << row.zone << ' ' << utc(from) << " .. " << utc(to);

      const std::int64_t seconds = i % 10 == 0 ? 0 : work(random);
      const UnixSeconds due = calendar.add_business_seconds(from, seconds);
      ASSERT_NE(due, BusinessCalendar::never) << row.zone << ' ' << utc(from);
      ASSERT_GE(due, from);
      ASSERT_EQ(calendar.business_seconds_between(from, due), seconds)
          << row.zone << ' ' << utc(from) << " + " << seconds << " = " << utc(due);
      if (seconds > 0) {
        // Earliest: the second before `due` was still working time.
        ASSERT_EQ(calendar.business_seconds_between(from, due - 1), seconds - 1)
            << row.zone << ' ' << utc(from) << " + " << seconds;
      } else {
        // The clock runs at `due`, and did not run anywhere in [from, due).
        ASSERT_EQ(calendar.business_seconds_between(due, due + 1), 1) << row.zone << utc(from);
      }
    }
  }
}

TEST(BusinessCalendarProperty, RoundTheClockCoversEveryInstant) {
  std::mt19937_64 random(7);
  for (const char* name :
       {"Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Apia", "UTC"}) {
    const BusinessCalendar calendar = round_the_clock(name);
    std::uniform_int_distribution<UnixSeconds> instant(at("2010-01-01 00:00 +00:00"),
                                                       at("2030-01-01 00:00 +00:00"));
    for (int i = 0; i < 300; ++i) {
      UnixSeconds a = instant(random);
      UnixSeconds b = instant(random);
      if (b < a) std::swap(a, b);
      ASSERT_EQ(calendar.business_seconds_between(a, b), b - a) << name << ' ' << utc(a);
      const UnixSeconds within_horizon = a + (b - a) % (700 * 86400);
      ASSERT_EQ(calendar.add_business_seconds(a, within_horizon - a), within_horizon)
          << name << ' ' << utc(a);
    }
  }
}

// --- Configuration edge cases --------------------------------------------------------------

struct HoursRow {
  int start;
  int end;
  int expected_start;
  int expected_end;
};

TEST(BusinessCalendar, BadHoursAreClamped) {
  const HoursRow rows[] = {
      {480, 1020, 480, 1020},   {1000, 500, 1000, 1001}, {-5, 2000, 0, 1440},
      {1440, 1440, 1439, 1440}, {600, 600, 600, 601},    {0, 1440, 0, 1440},
  };
  for (const auto& row : rows) {
    const BusinessCalendar calendar(
        zone("Europe/Berlin"), BusinessHours{kAllWeek, row.start, row.end}, HolidayRegion{}, {});
    EXPECT_EQ(calendar.hours().start_minute, row.expected_start) << row.start << '-' << row.end;
    EXPECT_EQ(calendar.hours().end_minute, row.expected_end) << row.start << '-' << row.end;
    EXPECT_EQ(calendar.day_seconds(), (row.expected_end - row.expected_start) * 60);
    const UnixSeconds from = at("2026-06-01 00:00 +02:00");
    EXPECT_EQ(calendar.business_seconds_between(from, from + 7 * 86400),
              7 * calendar.day_seconds());
  }
}

TEST(BusinessCalendar, NullZoneIsUtc) {
  const BusinessCalendar calendar(nullptr, BusinessHours{}, HolidayRegion{}, {});
  ASSERT_NE(calendar.zone(), nullptr);
  EXPECT_EQ(calendar.business_seconds_between(at("2026-06-01 00:00 +00:00"),
                                              at("2026-06-02 00:00 +00:00")),
            kDay9h);
  EXPECT_EQ(utc(calendar.add_business_seconds(at("2026-06-01 00:00 +00:00"), 0)),
            utc(at("2026-06-01 08:00 +00:00")));
}

TEST(BusinessCalendar, IsWorkingDayTable) {
  const BusinessCalendar calendar = berlin("DE-BY", {ymd(2026, 12, 24)});
  const std::pair<year_month_day, bool> rows[] = {
      {ymd(2026, 6, 1), true},                                 // Monday
      {ymd(2026, 6, 4), false},                                // Fronleichnam
      {ymd(2026, 6, 6), false},                                // Saturday
      {ymd(2026, 6, 7), false},                                // Sunday
      {ymd(2026, 12, 23), true},                               // Wednesday
      {ymd(2026, 12, 24), false},                              // extra holiday
      {ymd(2026, 12, 25), false},                              // Christmas
      {year_month_day{year{2026}, month{13}, day{1}}, false},  // invalid
  };
  for (const auto& [date, expected] : rows) {
    EXPECT_EQ(calendar.is_working_day(date), expected)
        << static_cast<int>(date.year()) << '-' << static_cast<unsigned>(date.month()) << '-'
        << static_cast<unsigned>(date.day());
  }
}

struct LocalDateRow {
  const char* zone;
  const char* instant;
  year_month_day expected;
};

TEST(BusinessCalendar, LocalDate) {
  const LocalDateRow rows[] = {
      {"Europe/Berlin", "2026-03-28 23:30 +00:00", ymd(2026, 3, 29)},
      {"Europe/Berlin", "2026-06-01 21:59:59 +00:00", ymd(2026, 6, 1)},
      {"Europe/Berlin", "2026-06-01 22:00 +00:00", ymd(2026, 6, 2)},
      {"America/New_York", "2026-06-02 03:00 +00:00", ymd(2026, 6, 1)},
      {"America/New_York", "2026-06-02 04:00 +00:00", ymd(2026, 6, 2)},
      {"UTC", "1969-12-31 23:59:59 +00:00", ymd(1969, 12, 31)},
  };
  for (const auto& row : rows) {
    const BusinessCalendar calendar(zone(row.zone), BusinessHours{}, HolidayRegion{}, {});
    EXPECT_EQ(calendar.local_date(at(row.instant)), row.expected) << row.zone << ' ' << row.instant;
  }
  const BusinessCalendar calendar = berlin();
  EXPECT_TRUE(calendar.local_date(std::numeric_limits<UnixSeconds>::max()).ok());
  EXPECT_TRUE(calendar.local_date(std::numeric_limits<UnixSeconds>::min()).ok());
}

TEST(BusinessCalendar, CopiesAndMovedFromAgree) {
  BusinessCalendar original = berlin("DE-BY");
  const UnixSeconds from = at("2026-06-03 16:00 +02:00");
  const UnixSeconds to = at("2026-06-05 09:00 +02:00");
  const BusinessCalendar copy = original;
  const BusinessCalendar moved = std::move(original);
  EXPECT_EQ(copy.business_seconds_between(from, to), 2 * kHour);
  EXPECT_EQ(moved.business_seconds_between(from, to), 2 * kHour);
  EXPECT_EQ(original.business_seconds_between(from, to),
            2 * kHour);  // NOLINT(bugprone-use-after-move)
}

TEST(BusinessCalendar, ConcurrentFirstUse) {
  // Every thread hits the empty cache at once; all must agree with a single-threaded reference.
  const BusinessCalendar reference = berlin("DE-NW");
  std::vector<UnixSeconds> starts;
  std::mt19937_64 random(99);
  std::uniform_int_distribution<UnixSeconds> instant(at("2000-01-01 00:00 +00:00"),
                                                     at("2040-01-01 00:00 +00:00"));
  for (int i = 0; i < 200; ++i) starts.push_back(instant(random));
  std::vector<std::int64_t> expected;
  for (UnixSeconds from : starts) {
    expected.push_back(reference.business_seconds_between(from, from + 90 * 86400));
  }
  const BusinessCalendar shared = berlin("DE-NW");
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < starts.size(); ++i) {
        const std::size_t k = (i * 7 + static_cast<std::size_t>(t) * 50) % starts.size();
        if (shared.business_seconds_between(starts[k], starts[k] + 90 * 86400) != expected[k]) {
          ++mismatches[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// --- working_interval_from -------------------------------------------------------------------

TEST(BusinessCalendar, WorkingIntervalFromContainingOrFollowing) {
  using Interval = BusinessCalendar::WorkingInterval;
  const BusinessCalendar calendar = berlin("DE-BE");
  const UnixSeconds far = at("2030-01-01 00:00 +00:00");
  const Interval monday{at("2026-11-16 08:00 +01:00"), at("2026-11-16 17:00 +01:00")};
  EXPECT_EQ(calendar.working_interval_from(at("2026-11-16 10:00 +01:00"), far), monday);
  EXPECT_EQ(calendar.working_interval_from(monday.start, far), monday);
  EXPECT_EQ(calendar.working_interval_from(at("2026-11-16 06:00 +01:00"), far), monday);
  // The end is not part of the interval: the next working day follows.
  EXPECT_EQ(calendar.working_interval_from(monday.end, far),
            (Interval{at("2026-11-17 08:00 +01:00"), at("2026-11-17 17:00 +01:00")}));
  // Saturday -> Monday.
  EXPECT_EQ(calendar.working_interval_from(at("2026-11-21 12:00 +01:00"), far),
            (Interval{at("2026-11-23 08:00 +01:00"), at("2026-11-23 17:00 +01:00")}));
  // Across the year: New Year's Day on Friday, then the weekend.
  EXPECT_EQ(calendar.working_interval_from(at("2026-12-31 17:00 +01:00"), far),
            (Interval{at("2027-01-04 08:00 +01:00"), at("2027-01-04 17:00 +01:00")}));
}

TEST(BusinessCalendar, WorkingIntervalFromRespectsTheLimit) {
  const BusinessCalendar calendar = berlin("DE-BE");
  const UnixSeconds saturday = at("2026-11-21 12:00 +01:00");
  EXPECT_FALSE(calendar.working_interval_from(saturday, at("2026-11-23 08:00 +01:00")));
  EXPECT_TRUE(calendar.working_interval_from(saturday, at("2026-11-23 08:00:01 +01:00")));
  EXPECT_FALSE(calendar.working_interval_from(saturday, saturday));
  // An interval already running at `instant` is returned whatever the limit.
  const UnixSeconds monday = at("2026-11-23 09:00 +01:00");
  EXPECT_TRUE(calendar.working_interval_from(monday, monday + 1));
  const BusinessCalendar closed(zone("Europe/Berlin"), BusinessHours{kNoDay, 480, 1020},
                                HolidayRegion{}, {});
  EXPECT_FALSE(closed.working_interval_from(saturday, saturday + 400 * 86400));
}

TEST(BusinessCalendar, WorkingIntervalFromOnDstDays) {
  const BusinessCalendar calendar = round_the_clock("Europe/Berlin");
  const auto spring =
      calendar.working_interval_from(at("2026-03-29 12:00 +02:00"), at("2027-01-01 00:00 +00:00"));
  ASSERT_TRUE(spring);
  EXPECT_EQ(spring->start, at("2026-03-29 00:00 +01:00"));
  EXPECT_EQ(spring->end - spring->start, 23 * kHour);
  const auto autumn =
      calendar.working_interval_from(at("2026-10-25 12:00 +01:00"), at("2027-01-01 00:00 +00:00"));
  ASSERT_TRUE(autumn);
  EXPECT_EQ(autumn->end - autumn->start, 25 * kHour);
}

TEST(BusinessCalendar, WalkingWorkingIntervalsAddsUpToBusinessSeconds) {
  for (const char* code : {"DE-BY", "DE-BE", "none"}) {
    const BusinessCalendar calendar = berlin(code);
    const UnixSeconds from = at("2026-06-10 12:00 +02:00");
    const UnixSeconds to = at("2027-08-01 00:00 +02:00");
    std::int64_t walked = 0;
    UnixSeconds cursor = from;
    int days = 0;
    while (const auto interval = calendar.working_interval_from(cursor, to)) {
      EXPECT_GT(interval->end, interval->start);
      EXPECT_GE(interval->end, cursor);
      walked += std::min(interval->end, to) - std::max(interval->start, from);
      cursor = interval->end;
      ++days;
    }
    EXPECT_EQ(walked, calendar.business_seconds_between(from, to)) << code;
    EXPECT_GT(days, 250) << code;
  }
}

}  // namespace
}  // namespace nachfass
