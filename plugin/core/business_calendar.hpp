// Business time: working days and hours in the user's time zone, minus holidays.
// SLAs are measured in working time, so "2 business days" means 2 x (length of a working day)
// of working time, and the clock stops at night, at weekends and on holidays.
//
// Working time is a set of half-open instants. For each local date D of the calendar's zone that
// is a working day (see is_working_day), the instants in
//   [to_sys(D + start_minute), to_sys(D + end_minute))
// are working time, where to_sys maps a local wall-clock time to UTC with choose::earliest: a
// local time skipped by a DST switch maps to the instant of the switch, a repeated one to its
// first occurrence. So a working day whose DST switch lies outside its hours (Europe/Berlin at
// 02:00/03:00 with 08:00-17:00) has its full day_seconds(); one whose switch lies inside them is
// an hour shorter or longer (00:00-24:00 in Berlin: 23 h in March, 25 h in October); a day whose
// local hours do not exist at all (Pacific/Apia, 30 December 2011) has none. Consecutive days
// never overlap, and with 00:00-24:00 on all seven days working time covers every instant.
//
// Range: working time is modelled for local dates from 1900-01-01 to 2199-12-31; outside it
// nothing is working time. Beyond the zone's last explicit transition, date/tz keeps the last
// offset: it ignores the TZif rule string (HowardHinnant/date#794). Debian's "fat" zoneinfo lists
// transitions up to 2037, so DST is right until then; zoneinfo built "slim" (zic -b slim) ends at
// the last rule change, and would lose DST for current dates.
//
// Cost: the working intervals of one local year are computed once per calendar (about 30-40 us
// on the first use of that year: two tz look-ups per working day) and cached. After that
// business_seconds_between and add_business_seconds do no tz look-up and no allocation: a
// binary search in one or two years' intervals, about 0.1-0.15 us per call (Release, any span
// length); business_seconds_between over decades visits each year once.
// Thread safety: all const methods may be called concurrently; the cache is filled lock-free.
// Copies share the cache (they have the same configuration), so copying is cheap.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/holidays.hpp"
#include "core/model.hpp"

namespace date {
class time_zone;
}

namespace nachfass {

struct BusinessHours {
  // Index = std::chrono::weekday::c_encoding(): [0] = Sunday, [1] = Monday, ... [6] = Saturday.
  std::array<bool, 7> working_days{false, true, true, true, true, true, false};
  int start_minute = 8 * 60;  // local time, minutes after midnight, 0 <= start_minute < 1440
  int end_minute = 17 * 60;   // exclusive; start_minute < end_minute <= 1440 (1440 = midnight)
};

class BusinessCalendar {
 public:
  // Returned by add_business_seconds when the result lies too far ahead (see there).
  static constexpr UnixSeconds never = std::numeric_limits<UnixSeconds>::max();

  // `zone` must outlive the calendar (date::locate_zone() returns zones that live forever);
  // nullptr means UTC. `extra_holidays` are local dates that are not working days (Heiligabend,
  // company holidays), in any order, duplicates allowed; invalid dates are ignored.
  // Invalid `hours` are a caller bug (config validation rejects them first); they are clamped,
  // not trusted and not fatal: start_minute into [0, 1439], then end_minute into
  // [start_minute + 1, 1440]. A week without any working day is allowed: then there is no
  // working time at all.
  BusinessCalendar(const date::time_zone* zone, BusinessHours hours, HolidayRegion region,
                   std::vector<std::chrono::year_month_day> extra_holidays);

  // Copying shares the (immutable-once-filled) cache; a moved-from calendar stays usable.
  BusinessCalendar(const BusinessCalendar&) = default;
  BusinessCalendar& operator=(const BusinessCalendar&) = default;

  // Length of one working day in seconds: (end_minute - start_minute) * 60 of the clamped hours.
  // Always > 0. A day with a DST switch inside its hours has more or less working time than this.
  std::int64_t day_seconds() const;
  // The effective (clamped) hours.
  const BusinessHours& hours() const { return hours_; }
  // A working weekday that is neither a holiday of the region nor an extra holiday.
  // False for an invalid date.
  bool is_working_day(std::chrono::year_month_day local_date) const;
  // Working seconds in [from, to); 0 when to <= from.
  std::int64_t business_seconds_between(UnixSeconds from, UnixSeconds to) const;
  // For seconds > 0: the earliest instant t with business_seconds_between(from, t) == seconds;
  // t lies inside or at the end of a working interval (from Monday 08:00, 9 h give Monday 17:00,
  // not Tuesday 08:00).
  // For seconds == 0: `from` when it is working time, otherwise the start of the next working
  // interval ("the clock would start running here").
  // Negative seconds count as 0. Returns `never` when t would lie more than 732 days (2 x 366)
  // after `from`, or after the modelled range — e.g. a calendar without working days, or a
  // nonsensical SLA; the search is bounded, it never loops.
  UnixSeconds add_business_seconds(UnixSeconds from, std::int64_t seconds) const;
  // Whole working days in [from, to): business_seconds_between / day_seconds(), rounded down.
  int business_days_between(UnixSeconds from, UnixSeconds to) const;

  // One working day's working time: the half-open interval [start, end) of instants, as defined
  // at the top of this file (start < end).
  struct WorkingInterval {
    UnixSeconds start = 0;
    UnixSeconds end = 0;
    friend bool operator==(const WorkingInterval&, const WorkingInterval&) = default;
  };
  // The working interval that contains `instant` (start <= instant < end), else the first one
  // that starts after it; nullopt when that one would start at or after `limit`, or there is
  // none in the modelled range (a calendar without working days). Consecutive calls with a
  // growing `instant` walk the working days in order: pass the previous result's end to get the
  // next one. Cost: one binary search per local year between `instant` and the result (no tz
  // look-up once the years are cached); `limit` bounds the search, so a far `limit` over a
  // calendar without working time visits (and caches) every year up to it.
  std::optional<WorkingInterval> working_interval_from(UnixSeconds instant,
                                                       UnixSeconds limit) const;

  // The date in the calendar's zone at `instant` (instants beyond the years 1..9999 are clamped).
  std::chrono::year_month_day local_date(UnixSeconds instant) const;
  const date::time_zone* zone() const { return zone_; }

 private:
  struct YearBlock;
  struct Cache;
  const YearBlock& block(int local_year) const;
  YearBlock build_block(int local_year) const;

  const date::time_zone* zone_;
  BusinessHours hours_;
  HolidayRegion region_;
  std::vector<std::chrono::year_month_day> extra_holidays_;  // sorted, unique, valid
  std::shared_ptr<Cache> cache_;                             // never null
};

// A duration as working seconds, given the length of a working day:
//   "<number> <unit>", case-insensitive, spaces around and between the words optional/any.
//   number: positive, digits with at most 3 decimals after '.' or ',' ("1.5", "0,5"); the result
//           is rounded to the nearest second and must be > 0.
//   unit:   days      "business day(s)", "working day(s)", "day(s)", "Werktag(e)",
//                     "Arbeitstag(e)", "Tag(e)"                    -> number x day_seconds
//           hours     "business hour(s)", "working hour(s)", "hour(s)", "h", "Stunde(n)",
//                     "Arbeitsstunde(n)"                           -> number x 3600
//           minutes   "business minute(s)", "minute(s)", "min", "Minute(n)" -> number x 60
// Weeks are not accepted: a week's working time depends on the working days, which a number of
// seconds cannot express. nullopt for anything else ("two days", "-1 days", "", "2 weeks", "2"),
// for day units when day_seconds is not in (0, 86400], and for results above 100 years of
// seconds.
std::optional<std::int64_t> parse_business_duration(std::string_view text,
                                                    std::int64_t day_seconds);

}  // namespace nachfass
