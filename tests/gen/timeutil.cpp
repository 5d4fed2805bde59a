#include "timeutil.hpp"

#include <array>
#include <cstdlib>
#include <optional>

#include "gen/generator.hpp"

namespace nachfass::gen {

std::int64_t days_from_civil(int year, unsigned month, unsigned day_of_month) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day_of_month - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {

struct Civil {
  int year;
  int month;
  int day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int weekday_of_days(std::int64_t days) {
  return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

std::int64_t last_sunday(int year, unsigned month, unsigned last_day) {
  const std::int64_t d = days_from_civil(year, month, last_day);
  return d - weekday_of_days(d);
}

std::int64_t nth_sunday(int year, unsigned month, int n) {
  const std::int64_t first = days_from_civil(year, month, 1);
  const int wd = weekday_of_days(first);
  return first + (7 - wd) % 7 + 7 * (n - 1);
}

// EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
bool eu_summer(UnixSeconds t) {
  const int year = civil_from_days(floor_div(t, day)).year;
  const UnixSeconds start = last_sunday(year, 3, 31) * day + hour;
  const UnixSeconds end = last_sunday(year, 10, 31) * day + hour;
  return t >= start && t < end;
}

// US: second Sunday of March 02:00 local standard time to first Sunday of November 02:00 local
// daylight time.
bool us_summer(UnixSeconds t, int standard_offset_minutes) {
  const int year = civil_from_days(floor_div(t, day)).year;
  const UnixSeconds start = nth_sunday(year, 3, 2) * day + 2 * hour - standard_offset_minutes * 60;
  const UnixSeconds end =
      nth_sunday(year, 11, 1) * day + 2 * hour - (standard_offset_minutes + 60) * 60;
  return t >= start && t < end;
}

constexpr std::array<std::string_view, 7> weekdays_en = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> months_en = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string offset_text(int offset_minutes, bool negative_zero) {
  std::string out;
  out += (offset_minutes < 0 || negative_zero) ? '-' : '+';
  const int a = std::abs(offset_minutes);
  out += two_digits(a / 60);
  out += two_digits(a % 60);
  return out;
}

}  // namespace

std::string two_digits(int value) {
  std::string out(2, '0');
  out[0] = static_cast<char>('0' + (value / 10) % 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out;
}

LocalTime local_time(UnixSeconds utc, int offset_minutes) {
  const UnixSeconds t = utc + static_cast<UnixSeconds>(offset_minutes) * 60;
  const std::int64_t days = floor_div(t, day);
  const std::int64_t secs = t - days * day;
  const Civil c = civil_from_days(days);
  LocalTime out;
  out.year = c.year;
  out.month = c.month;
  out.day = c.day;
  out.hour = static_cast<int>(secs / hour);
  out.minute = static_cast<int>(secs % hour / minute);
  out.second = static_cast<int>(secs % minute);
  out.weekday = weekday_of_days(days);
  return out;
}

int utc_offset_minutes(Zone zone, UnixSeconds utc) {
  switch (zone) {
    case Zone::utc:
      return 0;
    case Zone::berlin:
      return eu_summer(utc) ? 120 : 60;
    case Zone::london:
      return eu_summer(utc) ? 60 : 0;
    case Zone::istanbul:
      return 180;
    case Zone::kolkata:
      return 330;
    case Zone::new_york:
      return us_summer(utc, -300) ? -240 : -300;
    case Zone::los_angeles:
      return us_summer(utc, -480) ? -420 : -480;
  }
  return 0;
}

std::string_view zone_abbreviation(Zone zone, UnixSeconds utc) {
  switch (zone) {
    case Zone::utc:
      return "UTC";
    case Zone::berlin:
      return eu_summer(utc) ? "CEST" : "CET";
    case Zone::london:
      return eu_summer(utc) ? "BST" : "GMT";
    case Zone::istanbul:
      return "+03";
    case Zone::kolkata:
      return "IST";
    case Zone::new_york:
      return us_summer(utc, -300) ? "EDT" : "EST";
    case Zone::los_angeles:
      return us_summer(utc, -480) ? "PDT" : "PST";
  }
  return "UTC";
}

FormattedDate format_date(UnixSeconds utc, Zone zone, DateStyle style) {
  int offset = utc_offset_minutes(zone, utc);
  if (style == DateStyle::utc_plus || style == DateStyle::utc_minus || style == DateStyle::gmt_name)
    offset = 0;
  if (style == DateStyle::us_name && zone != Zone::new_york && zone != Zone::los_angeles)
    style = DateStyle::numeric;
  const LocalTime lt = local_time(utc, offset);
  std::string text;
  text.reserve(40);
  if (style != DateStyle::no_weekday) {
    text += weekdays_en[static_cast<std::size_t>(lt.weekday)];
    text += ", ";
  }
  const bool padded = style == DateStyle::numeric_padded || style == DateStyle::utc_plus ||
                      style == DateStyle::utc_minus || style == DateStyle::gmt_name;
  if (lt.day < 10) {
    if (padded) text += '0';
    if (style == DateStyle::postfix) text += ' ';
  }
  text += std::to_string(lt.day);
  text += ' ';
  text += months_en[static_cast<std::size_t>(lt.month - 1)];
  text += ' ';
  text += std::to_string(lt.year);
  text += ' ';
  text += two_digits(lt.hour);
  text += ':';
  text += two_digits(lt.minute);
  if (style != DateStyle::no_weekday) {
    text += ':';
    text += two_digits(lt.second);
  }
  text += ' ';
  switch (style) {
    case DateStyle::gmt_name:
      text += "GMT";
      break;
    case DateStyle::us_name:
      text += zone_abbreviation(zone, utc);
      break;
    case DateStyle::utc_minus:
      text += offset_text(0, true);
      break;
    case DateStyle::numeric_comment:
    case DateStyle::postfix:
      text += offset_text(offset, false);
      text += " (";
      text += zone_abbreviation(zone, utc);
      text += ')';
      break;
    default:
      text += offset_text(offset, false);
      break;
  }
  return {std::move(text), static_cast<std::int16_t>(offset)};
}

std::string_view weekday_name_en(int weekday) {
  return weekdays_en[static_cast<std::size_t>(weekday)];
}
std::string_view month_name_en(int month) {
  return months_en[static_cast<std::size_t>(month - 1)];
}

std::string_view weekday_long_de(int weekday) {
  static constexpr std::array<std::string_view, 7> names = {
      "Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"};
  return names[static_cast<std::size_t>(weekday)];
}
std::string_view weekday_long_en(int weekday) {
  static constexpr std::array<std::string_view, 7> names = {
      "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  return names[static_cast<std::size_t>(weekday)];
}
std::string_view month_long_de(int month) {
  static constexpr std::array<std::string_view, 12> names = {
      "Januar", "Februar", "März",      "April",   "Mai",      "Juni",
      "Juli",   "August",  "September", "Oktober", "November", "Dezember"};
  return names[static_cast<std::size_t>(month - 1)];
}
std::string_view month_long_en(int month) {
  static constexpr std::array<std::string_view, 12> names = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return names[static_cast<std::size_t>(month - 1)];
}

bool is_working_time(UnixSeconds t, Zone zone) {
  const LocalTime lt = local_time(t, utc_offset_minutes(zone, t));
  return lt.weekday >= 1 && lt.weekday <= 5 && lt.hour >= 8 && lt.hour < 18;
}

UnixSeconds next_working_time(UnixSeconds t, Zone zone, int minutes_after_eight) {
  if (is_working_time(t, zone)) return t;
  const int offset = utc_offset_minutes(zone, t);
  const LocalTime lt = local_time(t, offset);
  std::int64_t days =
      days_from_civil(lt.year, static_cast<unsigned>(lt.month), static_cast<unsigned>(lt.day));
  if (lt.hour >= 8) ++days;  // evening: next morning
  while (weekday_of_days(days) == 0 || weekday_of_days(days) == 6) ++days;
  const UnixSeconds local_morning = days * day + 8 * hour + minutes_after_eight * minute;
  return local_morning - static_cast<UnixSeconds>(utc_offset_minutes(zone, t)) * 60;
}

std::string format_iso_utc(UnixSeconds time) {
  const LocalTime lt = local_time(time, 0);
  std::string out = std::to_string(lt.year);
  out += '-';
  out += two_digits(lt.month);
  out += '-';
  out += two_digits(lt.day);
  out += 'T';
  out += two_digits(lt.hour);
  out += ':';
  out += two_digits(lt.minute);
  out += ':';
  out += two_digits(lt.second);
  out += 'Z';
  return out;
}

std::optional<UnixSeconds> parse_iso_utc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM / -HH:MM.
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > text.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  const auto y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2),
             mi = number(14, 2), s = number(17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *s > 60)
    return std::nullopt;
  int offset = 0;
  const std::string_view zone = text.substr(19);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const auto oh = number(20, 2), om = number(23, 2);
    if (!oh || !om) return std::nullopt;
    offset = (*oh * 60 + *om) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return days * day + *h * hour + *mi * minute + *s - offset * minute;
}

}  // namespace nachfass::gen
