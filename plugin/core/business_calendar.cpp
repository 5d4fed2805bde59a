#include "core/business_calendar.hpp"

#include <algorithm>
#include <atomic>

#include <date/tz.h>

namespace nachfass {
namespace {

using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2199;
constexpr int kYearCount = kLastYear - kFirstYear + 1;
constexpr std::int64_t kDay = 86'400;
// Zone offsets stay well below one day, so the intervals of local year Y lie within
// [1 Jan Y - kMargin, 1 Jan Y+1 + kMargin] UTC.
constexpr std::int64_t kMargin = 2 * kDay;
constexpr std::int64_t kAddHorizon = kDay * 2 * 366;

constexpr std::int64_t days_since_epoch(int y, unsigned m, unsigned d) {
  return sys_days{year{y} / std::chrono::month{m} / std::chrono::day{d}}.time_since_epoch().count();
}
constexpr std::int64_t kMinInstant = days_since_epoch(kFirstYear - 1, 1, 1) * kDay;
constexpr std::int64_t kMaxInstant = days_since_epoch(kLastYear + 2, 1, 1) * kDay;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The UTC year of an instant already clamped to [kMinInstant, kMaxInstant].
int utc_year(UnixSeconds instant) {
  const sys_days day{std::chrono::days{floor_div(instant, kDay)}};
  return static_cast<int>(year_month_day{day}.year());
}

UnixSeconds clamp_instant(UnixSeconds instant) {
  return std::clamp(instant, kMinInstant, kMaxInstant);
}

}  // namespace

struct BusinessCalendar::YearBlock {
  struct Interval {
    UnixSeconds start;
    UnixSeconds end;
    std::int64_t before;  // working seconds of this block before `start`
  };
  std::vector<Interval> intervals;  // sorted, disjoint, non-empty
  std::int64_t total = 0;

  // Working seconds of this block before `instant`.
  std::int64_t up_to(UnixSeconds instant) const {
    if (intervals.empty() || instant <= intervals.front().start) return 0;
    if (instant >= intervals.back().end) return total;
    auto after = std::upper_bound(
        intervals.begin(), intervals.end(), instant,
        [](UnixSeconds value, const Interval& interval) { return value < interval.start; });
    const Interval& last = *(after - 1);
    return last.before + (std::min(instant, last.end) - last.start);
  }
};

struct BusinessCalendar::Cache {
  std::array<std::atomic<const YearBlock*>, kYearCount> blocks;
  Cache() {
    for (auto& slot : blocks) slot.store(nullptr, std::memory_order_relaxed);
  }
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;
  ~Cache() {
    for (auto& slot : blocks) delete slot.load(std::memory_order_relaxed);
  }
};

BusinessCalendar::BusinessCalendar(const date::time_zone* zone, BusinessHours hours,
                                   HolidayRegion region,
                                   std::vector<std::chrono::year_month_day> extra_holidays)
    : zone_(zone != nullptr ? zone : date::locate_zone("UTC")),
      hours_(hours),
      region_(std::move(region)),
      extra_holidays_(std::move(extra_holidays)),
      cache_(std::make_shared<Cache>()) {
  hours_.start_minute = std::clamp(hours_.start_minute, 0, 1439);
  hours_.end_minute = std::clamp(hours_.end_minute, hours_.start_minute + 1, 1440);
  std::erase_if(extra_holidays_, [](const year_month_day& date) { return !date.ok(); });
  std::sort(extra_holidays_.begin(), extra_holidays_.end());
  extra_holidays_.erase(std::unique(extra_holidays_.begin(), extra_holidays_.end()),
                        extra_holidays_.end());
}

std::int64_t BusinessCalendar::day_seconds() const {
  return std::int64_t{hours_.end_minute - hours_.start_minute} * 60;
}

bool BusinessCalendar::is_working_day(std::chrono::year_month_day local_date) const {
  if (!local_date.ok()) return false;
  const std::chrono::weekday weekday{sys_days{local_date}};
  return hours_.working_days[weekday.c_encoding()] && !region_.is_holiday(local_date) &&
         !std::binary_search(extra_holidays_.begin(), extra_holidays_.end(), local_date);
}

BusinessCalendar::YearBlock BusinessCalendar::build_block(int local_year) const {
  YearBlock block;
  const year y{local_year};
  const sys_days first{y / std::chrono::January / 1};
  const sys_days next{(y + std::chrono::years{1}) / std::chrono::January / 1};

  // Holidays of the year as day-of-year flags, instead of asking the region per day.
  std::array<bool, 366> closed{};
  for (const auto& holiday : region_.holidays(y)) {
    closed[static_cast<std::size_t>((sys_days{holiday.date} - first).count())] = true;
  }
  for (auto it =
           std::lower_bound(extra_holidays_.begin(), extra_holidays_.end(), year_month_day{first});
       it != extra_holidays_.end() && it->year() == y; ++it) {
    closed[static_cast<std::size_t>((sys_days{*it} - first).count())] = true;
  }

  const auto to_sys = [this](std::int64_t local_seconds) {
    const date::local_seconds local{std::chrono::seconds{local_seconds}};
    return zone_->to_sys(local, date::choose::earliest).time_since_epoch().count();
  };
  block.intervals.reserve(262);
  for (sys_days day = first; day < next; day += std::chrono::days{1}) {
    if (closed[static_cast<std::size_t>((day - first).count())] ||
        !hours_.working_days[std::chrono::weekday{day}.c_encoding()]) {
      continue;
    }
    const std::int64_t midnight = day.time_since_epoch().count() * kDay;
    UnixSeconds start = to_sys(midnight + std::int64_t{hours_.start_minute} * 60);
    const UnixSeconds end = to_sys(midnight + std::int64_t{hours_.end_minute} * 60);
    // Local-to-UTC with choose::earliest is monotonic, so this only guards against a broken zone.
    if (!block.intervals.empty()) start = std::max(start, block.intervals.back().end);
    if (end <= start) continue;
    block.intervals.push_back({start, end, block.total});
    block.total += end - start;
  }
  return block;
}

const BusinessCalendar::YearBlock& BusinessCalendar::block(int local_year) const {
  auto& slot = cache_->blocks[static_cast<std::size_t>(local_year - kFirstYear)];
  if (const YearBlock* known = slot.load(std::memory_order_acquire)) return *known;
  auto fresh = std::make_unique<const YearBlock>(build_block(local_year));
  const YearBlock* expected = nullptr;
  if (slot.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel,
                                   std::memory_order_acquire)) {
    return *fresh.release();
  }
  return *expected;  // another thread was faster; ours is dropped
}

std::int64_t BusinessCalendar::business_seconds_between(UnixSeconds from, UnixSeconds to) const {
  if (to <= from) return 0;
  from = clamp_instant(from);
  to = clamp_instant(to);
  // Only the local years whose intervals can reach into [from, to) contribute.
  const int first = std::max(utc_year(std::max(from - kMargin, kMinInstant)), kFirstYear);
  const int last = std::min(utc_year(std::min(to + kMargin, kMaxInstant)), kLastYear);
  std::int64_t seconds = 0;
  for (int y = first; y <= last; ++y) {
    const YearBlock& b = block(y);
    seconds += b.up_to(to) - b.up_to(from);
  }
  return seconds;
}

UnixSeconds BusinessCalendar::add_business_seconds(UnixSeconds from, std::int64_t seconds) const {
  if (from >= kMaxInstant) return never;
  from = std::max(from, kMinInstant);
  std::int64_t remaining = std::max<std::int64_t>(seconds, 0);
  const UnixSeconds horizon = from + kAddHorizon;
  const int last = std::min(utc_year(std::min(horizon + kMargin, kMaxInstant)), kLastYear);
  for (int y = std::max(utc_year(std::max(from - kMargin, kMinInstant)), kFirstYear); y <= last;
       ++y) {
    const YearBlock& b = block(y);
    const std::int64_t before_from = b.up_to(from);
    const std::int64_t after_from = b.total - before_from;
    // Skip a block that ends before the target (or, for 0, has nothing left after `from`).
    if (after_from == 0 || remaining > after_from) {
      remaining -= after_from;
      continue;
    }
    UnixSeconds result = 0;
    if (remaining == 0) {
      const auto next =
          std::upper_bound(b.intervals.begin(), b.intervals.end(), from,
                           [](UnixSeconds value, const YearBlock::Interval& interval) {
                             return value < interval.end;
                           });
      result = std::max(from, next->start);
    } else {
      const std::int64_t target = before_from + remaining;
      const auto hit =
          std::lower_bound(b.intervals.begin(), b.intervals.end(), target,
                           [](const YearBlock::Interval& interval, std::int64_t value) {
                             return interval.before + (interval.end - interval.start) < value;
                           });
      result = hit->start + (target - hit->before);
    }
    return result - from > kAddHorizon ? never : result;
  }
  return never;
}

std::optional<BusinessCalendar::WorkingInterval> BusinessCalendar::working_interval_from(
    UnixSeconds instant, UnixSeconds limit) const {
  if (instant >= limit || instant >= kMaxInstant) return std::nullopt;
  const UnixSeconds from = std::max(instant, kMinInstant);
  const int first = std::max(utc_year(std::max(from - kMargin, kMinInstant)), kFirstYear);
  const int last =
      std::min(utc_year(std::min(std::max(limit, from) + kMargin, kMaxInstant)), kLastYear);
  for (int y = first; y <= last; ++y) {
    const YearBlock& b = block(y);
    const auto next = std::upper_bound(b.intervals.begin(), b.intervals.end(), from,
                                       [](UnixSeconds value, const YearBlock::Interval& interval) {
                                         return value < interval.end;
                                       });
    if (next == b.intervals.end()) continue;
    if (next->start >= limit) return std::nullopt;
    return WorkingInterval{next->start, next->end};
  }
  return std::nullopt;
}

int BusinessCalendar::business_days_between(UnixSeconds from, UnixSeconds to) const {
  return static_cast<int>(business_seconds_between(from, to) / day_seconds());
}

std::chrono::year_month_day BusinessCalendar::local_date(UnixSeconds instant) const {
  constexpr std::int64_t kYear1 = days_since_epoch(1, 1, 2) * kDay;
  constexpr std::int64_t kYear9999 = days_since_epoch(9999, 12, 30) * kDay;
  const date::sys_seconds utc{std::chrono::seconds{std::clamp(instant, kYear1, kYear9999)}};
  const auto local = zone_->to_local(utc).time_since_epoch().count();
  return year_month_day{sys_days{std::chrono::days{floor_div(local, kDay)}}};
}

namespace {

struct Unit {
  std::string_view name;
  enum Kind : std::uint8_t { day, hour, minute } kind;
};

// clang-format off
constexpr std::array kUnits{
  Unit{"business days", Unit::day}, Unit{"business day", Unit::day},
  Unit{"working days", Unit::day}, Unit{"working day", Unit::day},
  Unit{"days", Unit::day}, Unit{"day", Unit::day},
  Unit{"werktage", Unit::day}, Unit{"werktag", Unit::day},
  Unit{"arbeitstage", Unit::day}, Unit{"arbeitstag", Unit::day},
  Unit{"tage", Unit::day}, Unit{"tag", Unit::day},
  Unit{"business hours", Unit::hour}, Unit{"business hour", Unit::hour},
  Unit{"working hours", Unit::hour}, Unit{"working hour", Unit::hour},
  Unit{"hours", Unit::hour}, Unit{"hour", Unit::hour}, Unit{"h", Unit::hour},
  Unit{"stunden", Unit::hour}, Unit{"stunde", Unit::hour},
  Unit{"arbeitsstunden", Unit::hour}, Unit{"arbeitsstunde", Unit::hour},
  Unit{"business minutes", Unit::minute}, Unit{"business minute", Unit::minute},
  Unit{"minutes", Unit::minute}, Unit{"minute", Unit::minute}, Unit{"min", Unit::minute},
  Unit{"minuten", Unit::minute},
};
// clang-format on

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::optional<std::int64_t> parse_business_duration(std::string_view text,
                                                    std::int64_t day_seconds) {
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) ++pos;

  // The number as an integer count of thousandths.
  constexpr int kMaxIntegerDigits = 9;
  constexpr int kMaxDecimals = 3;
  std::int64_t thousandths = 0;
  int integer_digits = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (++integer_digits > kMaxIntegerDigits) return std::nullopt;
    thousandths = thousandths * 10 + (text[pos++] - '0');
  }
  if (integer_digits == 0) return std::nullopt;
  int decimals = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) {
      if (++decimals > kMaxDecimals) return std::nullopt;
      thousandths = thousandths * 10 + (text[pos++] - '0');
    }
    if (decimals == 0) return std::nullopt;
  }
  for (int i = decimals; i < kMaxDecimals; ++i) thousandths *= 10;

  // The unit, lower-cased, with runs of blanks collapsed to one space.
  std::string unit;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (is_space(c)) {
      if (!unit.empty() && unit.back() != ' ') unit.push_back(' ');
    } else {
      unit.push_back(ascii_lower(c));
    }
  }
  if (!unit.empty() && unit.back() == ' ') unit.pop_back();

  const auto found = std::find_if(kUnits.begin(), kUnits.end(),
                                  [&](const Unit& known) { return known.name == unit; });
  if (found == kUnits.end()) return std::nullopt;
  std::int64_t unit_seconds = 0;
  switch (found->kind) {
    case Unit::day:
      unit_seconds = day_seconds;
      break;
    case Unit::hour:
      unit_seconds = 3600;
      break;
    case Unit::minute:
      unit_seconds = 60;
      break;
  }
  if (unit_seconds <= 0 || unit_seconds > kDay) return std::nullopt;
  // thousandths < 10^12 and unit_seconds <= 86400: the product fits easily.
  const std::int64_t seconds = (thousandths * unit_seconds + 500) / 1000;
  constexpr std::int64_t kMaxSeconds = kDay * 366 * 100;
  if (seconds <= 0 || seconds > kMaxSeconds) return std::nullopt;
  return seconds;
}

}  // namespace nachfass
