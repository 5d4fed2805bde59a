#include "caldav/ical/ical.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "caldav/ical/time_zones.hpp"

namespace nachfass::ical {
namespace {

constexpr std::size_t max_input_bytes = 8 * 1024 * 1024;
constexpr int max_examined_occurrences = 10'000;
// Embedded VTIMEZONEs are expanded by libical without a bound; one whose observances produce more
// transitions than this (a FREQ=SECONDLY "time zone") is dropped and its TZID resolved by name.
constexpr int max_zone_transitions = 2'000;
constexpr int zone_check_until_year = 2100;
constexpr long long seconds_per_day = 86'400;

struct ComponentDeleter {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

struct RecurIteratorDeleter {
  void operator()(icalrecur_iterator* iterator) const { icalrecur_iterator_free(iterator); }
};
using RecurIteratorPtr = std::unique_ptr<icalrecur_iterator, RecurIteratorDeleter>;

Error item_error(std::string id, std::string message) {
  return make_error(ErrorScope::item, std::move(id), std::move(message));
}

// Debian builds libical with ICAL_ERRORS_ARE_FATAL off, but the flag is a runtime global that
// another user of libical in the process could have switched on; with it on, a malformed value
// ends in assert(). Checked on every entry, cheap.
void ensure_errors_not_fatal() {
  if (icalerror_get_errors_are_fatal() != 0) icalerror_set_errors_are_fatal(0);
  icalerror_clear_errno();
}

std::string serialize(icalcomponent* component) {
  char* text = icalcomponent_as_ical_string_r(component);
  if (text == nullptr) return {};
  std::string result(text);
  icalmemory_free_buffer(text);
  return result;
}

// TEXT values may hold line breaks (escaped as \n by libical) but no other control characters:
// a raw CR would end the content line.
std::string clean_text(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      result += '\n';
    } else if (c == '\n' || c == '\t') {
      result += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      result += ' ';
    } else {
      result += c;
    }
  }
  return result;
}

// Single-line values (URL, X- properties): no line breaks at all.
std::string clean_line(std::string_view text) {
  std::string result = clean_text(text);
  std::replace_if(
      result.begin(), result.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  return result;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

icalproperty* x_property(std::string_view name, std::string_view value) {
  const std::string cleaned = clean_line(value);
  icalproperty* property = icalproperty_new_x(cleaned.c_str());
  const std::string name_string(name);
  icalproperty_set_x_name(property, name_string.c_str());
  return property;
}

std::string x_property_value(icalcomponent* component, std::string_view name) {
  for (icalproperty* property = icalcomponent_get_first_property(component, ICAL_X_PROPERTY);
       property != nullptr;
       property = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
    const char* property_name = icalproperty_get_x_name(property);
    if (property_name == nullptr || !equals_ignoring_case(property_name, name)) continue;
    const char* value = icalproperty_get_x(property);
    return value != nullptr ? std::string(value) : std::string();
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct Parsed {
  ComponentPtr root;
  icalcomponent* calendar = nullptr;  // the VCALENDAR inside root
};

// libical's iterator steps one FREQ unit at a time inside a single next() call until the BY*
// filters match, up to the year 2037; a sub-daily rule with a day-level filter (SECONDLY with
// BYMONTHDAY=31, or one that never matches) costs billions of steps. Only rules whose matches
// are at most a day of steps apart are expanded: SECONDLY with BYSECOND at most, MINUTELY and
// HOURLY with time-of-day filters. Other sub-daily rules are not expanded (no real calendar
// client writes them); DAILY and coarser rules step at most ~740,000 times to 2037.
bool has_part(const short* part) {
  return part[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

bool expandable_in_bounded_time(const icalrecurrencetype& rule) {
  if (rule.freq == ICAL_NO_RECURRENCE) return false;
  if (rule.freq != ICAL_SECONDLY_RECURRENCE && rule.freq != ICAL_MINUTELY_RECURRENCE &&
      rule.freq != ICAL_HOURLY_RECURRENCE)
    return true;
  const bool day_filters = has_part(rule.by_day) || has_part(rule.by_month_day) ||
                           has_part(rule.by_year_day) || has_part(rule.by_week_no) ||
                           has_part(rule.by_month) || has_part(rule.by_set_pos);
  if (day_filters) return false;
  if (rule.freq == ICAL_SECONDLY_RECURRENCE)
    return !has_part(rule.by_minute) && !has_part(rule.by_hour);
  return true;
}

int count_transitions(icalcomponent* vtimezone) {
  int transitions = 0;
  for (icalcomponent* observance = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT);
       observance != nullptr;
       observance = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
    ++transitions;
    icalproperty* start_property =
        icalcomponent_get_first_property(observance, ICAL_DTSTART_PROPERTY);
    transitions += icalcomponent_count_properties(observance, ICAL_RDATE_PROPERTY);
    if (transitions > max_zone_transitions) return transitions;
    if (start_property == nullptr) continue;
    const icaltimetype start = icalproperty_get_dtstart(start_property);
    for (icalproperty* rule = icalcomponent_get_first_property(observance, ICAL_RRULE_PROPERTY);
         rule != nullptr; rule = icalcomponent_get_next_property(observance, ICAL_RRULE_PROPERTY)) {
      const icalrecurrencetype recurrence = icalproperty_get_rrule(rule);
      // Time zone rules are yearly in practice; anything finer is not worth expanding.
      if (recurrence.freq != ICAL_YEARLY_RECURRENCE && recurrence.freq != ICAL_MONTHLY_RECURRENCE)
        return max_zone_transitions + 1;
      RecurIteratorPtr iterator(icalrecur_iterator_new(recurrence, start));
      if (!iterator) continue;
      for (icaltimetype next = icalrecur_iterator_next(iterator.get());
           !icaltime_is_null_time(next) && next.year <= zone_check_until_year;
           next = icalrecur_iterator_next(iterator.get())) {
        if (++transitions > max_zone_transitions) return transitions;
      }
    }
  }
  return transitions;
}

// Removes the VTIMEZONEs libical could not expand in bounded time (see max_zone_transitions).
void drop_untame_time_zones(icalcomponent* calendar) {
  std::vector<icalcomponent*> untame;
  for (icalcomponent* zone = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT);
       zone != nullptr;
       zone = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)) {
    if (count_transitions(zone) > max_zone_transitions) untame.push_back(zone);
  }
  for (icalcomponent* zone : untame) {
    icalcomponent_remove_component(calendar, zone);
    icalcomponent_free(zone);
  }
}

Result<Parsed> parse_calendar(std::string_view text) {
  ensure_errors_not_fatal();
  if (text.size() > max_input_bytes)
    return item_error("ical.parse", "calendar object of " + std::to_string(text.size()) +
                                        " bytes is larger than the 8 MiB accepted; skipped");
  const std::string copy(text);
  Parsed parsed;
  parsed.root.reset(icalparser_parse_string(copy.c_str()));
  icalerror_clear_errno();
  if (!parsed.root)
    return item_error("ical.parse", "not iCalendar data (no BEGIN:VCALENDAR ... END:VCALENDAR)");
  const icalcomponent_kind kind = icalcomponent_isa(parsed.root.get());
  if (kind == ICAL_VCALENDAR_COMPONENT) {
    parsed.calendar = parsed.root.get();
  } else if (kind == ICAL_XROOT_COMPONENT) {
    parsed.calendar =
        icalcomponent_get_first_component(parsed.root.get(), ICAL_VCALENDAR_COMPONENT);
  }
  if (parsed.calendar == nullptr)
    return item_error("ical.parse", "not iCalendar data (no VCALENDAR component)");
  drop_untame_time_zones(parsed.calendar);
  return parsed;
}

bool has_recurrence_id(icalcomponent* event) {
  return icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY) != nullptr;
}

// SUMMARY or UID, unescaped.
std::string property_text(icalcomponent* component, icalproperty_kind kind) {
  icalproperty* property = icalcomponent_get_first_property(component, kind);
  if (property == nullptr) return {};
  const char* value = kind == ICAL_SUMMARY_PROPERTY ? icalproperty_get_summary(property)
                                                    : icalproperty_get_uid(property);
  return value != nullptr ? std::string(value) : std::string();
}

// ---------------------------------------------------------------------------------------------
// Time zones and instants

// Resolves TZIDs as other clients write them. Zones found in the object belong to the parsed
// component, built-in ones to libical; both outlive one call.
class ZoneResolver {
 public:
  ZoneResolver(icalcomponent* calendar, std::string_view default_zone) : calendar_(calendar) {
    default_zone_ = by_name(default_zone);
    if (default_zone_ == nullptr) default_zone_ = icaltimezone_get_utc_timezone();
  }

  icaltimezone* default_zone() const { return default_zone_; }

  // The zone of a DATE-TIME property: UTC for "Z", its TZID's zone (UTC when unknown), or the
  // default zone for floating times.
  icaltimezone* zone_of(icalproperty* property, const icaltimetype& time) {
    if (icaltime_is_utc(time)) return icaltimezone_get_utc_timezone();
    icalparameter* tzid_parameter = icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER);
    const char* tzid = tzid_parameter != nullptr ? icalparameter_get_tzid(tzid_parameter) : nullptr;
    if (tzid == nullptr || *tzid == '\0') return default_zone_;
    const auto cached = cache_.find(tzid);
    if (cached != cache_.end()) return cached->second;
    icaltimezone* zone =
        calendar_ != nullptr ? icalcomponent_get_timezone(calendar_, tzid) : nullptr;
    if (zone == nullptr) zone = by_name(tzid);
    if (zone == nullptr) zone = icaltimezone_get_utc_timezone();
    cache_.emplace(tzid, zone);
    return zone;
  }

  // libical's built-in (system zoneinfo) zone for an IANA name, a Windows name, or a TZID with a
  // vendor prefix such as "/mozilla.org/20050126_1/Europe/Berlin" or libical's own
  // "/freeassociation.sourceforge.net/Europe/Berlin".
  static icaltimezone* by_name(std::string_view name) {
    if (name.empty()) return nullptr;
    if (name == "UTC" || name == "Etc/UTC" || name == "Z" || name == "GMT")
      return icaltimezone_get_utc_timezone();
    std::string name_string(name);
    if (icaltimezone* zone = builtin(name_string)) return zone;
    const std::string_view windows = iana_zone_for_windows_name(name);
    if (!windows.empty()) {
      if (windows == "Etc/UTC") return icaltimezone_get_utc_timezone();
      if (icaltimezone* zone = builtin(std::string(windows))) return zone;
    }
    for (std::size_t slash = name.find('/'); slash != std::string_view::npos;
         slash = name.find('/', slash + 1)) {
      const std::string_view rest = name.substr(slash + 1);
      if (rest.find('/') == std::string_view::npos) break;  // "Area/City" needs one slash left
      if (icaltimezone* zone = builtin(std::string(rest))) return zone;
    }
    return nullptr;
  }

 private:
  static icaltimezone* builtin(const std::string& location) {
    // Zone names are ASCII letters, digits, '/', '_', '-', '+'; anything else is not worth a
    // file system lookup in the zoneinfo directory.
    if (location.empty() || location.size() > 64 || location.front() == '/' ||
        location.find("..") != std::string::npos)
      return nullptr;
    for (const char c : location) {
      const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' || c == '+';
      if (!allowed) return nullptr;
    }
    icaltimezone* zone = icaltimezone_get_builtin_timezone(location.c_str());
    icalerror_clear_errno();
    return zone;
  }

  icalcomponent* calendar_;
  icaltimezone* default_zone_ = nullptr;
  std::map<std::string, icaltimezone*, std::less<>> cache_;
};

bool usable_time(const icaltimetype& time) {
  return !icaltime_is_null_time(time) && icaltime_is_valid_time(time) && time.year >= 1 &&
         time.year <= 9999 && time.month >= 1 && time.month <= 12 && time.day >= 1 &&
         time.day <= 31;
}

bool same_wall_clock(const icaltimetype& a, const icaltimetype& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day && a.hour == b.hour &&
         a.minute == b.minute && a.second == b.second;
}

// The instant of a wall-clock (or DATE: midnight) time in `zone`. A time that occurs twice (the
// hour clocks go back) is the first one (RFC 5545 3.3.5); libical picks the second.
UnixSeconds instant_of(icaltimetype time, icaltimezone* zone) {
  if (time.is_date) {
    time.is_date = 0;
    time.hour = time.minute = time.second = 0;
  }
  time.zone = nullptr;
  const auto instant = static_cast<UnixSeconds>(icaltime_as_timet_with_zone(time, zone));
  if (zone == nullptr || zone == icaltimezone_get_utc_timezone()) return instant;
  for (const UnixSeconds shift : {3600, 1800}) {
    const icaltimetype earlier =
        icaltime_from_timet_with_zone(static_cast<time_t>(instant - shift), 0, zone);
    if (same_wall_clock(earlier, time)) return instant - shift;
  }
  return instant;
}

// A DTSTART-like value: its wall-clock fields, the zone they are read in, and the instant.
struct ZonedTime {
  icaltimetype local{};
  icaltimezone* zone = nullptr;
  UnixSeconds instant = 0;
};

std::optional<ZonedTime> zoned(icalproperty* property, icaltimetype time, ZoneResolver& zones) {
  if (!usable_time(time)) return std::nullopt;
  ZonedTime result;
  result.zone = time.is_date ? zones.default_zone() : zones.zone_of(property, time);
  result.local = time;
  result.local.zone = time.is_date ? nullptr : result.zone;
  result.instant = instant_of(time, result.zone);
  return result;
}

std::optional<ZonedTime> zoned_dtstart(icalcomponent* event, ZoneResolver& zones) {
  icalproperty* property = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
  if (property == nullptr) return std::nullopt;
  return zoned(property, icalproperty_get_dtstart(property), zones);
}

// The end of the event that starts at `start` (an occurrence or DTSTART itself), from DTEND or
// DURATION; see read_event in the header for the defaults.
struct Length {
  bool from_dtend = false;
  long long seconds = 0;        // DTEND - DTSTART for DATE-TIME events
  long long days = 0;           // whole days for DATE events
  icaldurationtype duration{};  // DURATION, added to the wall clock (nominal days)
  bool has_duration = false;
};

Length event_length(icalcomponent* event, const ZonedTime& start, ZoneResolver& zones) {
  Length length;
  if (icalproperty* end_property = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY)) {
    if (const auto end = zoned(end_property, icalproperty_get_dtend(end_property), zones)) {
      length.from_dtend = true;
      if (start.local.is_date) {
        const long long days = (end->instant - start.instant) / seconds_per_day;
        length.days = std::max(0LL, days);
        // A DATE DTEND read as midnight in the same zone is whole days apart, except across a
        // DST change, where the division above truncates 23 hours to 0 days.
        if ((end->instant - start.instant) % seconds_per_day > seconds_per_day / 2) ++length.days;
      } else {
        length.seconds = std::max<long long>(0, end->instant - start.instant);
      }
      return length;
    }
  }
  if (icalproperty* duration_property =
          icalcomponent_get_first_property(event, ICAL_DURATION_PROPERTY)) {
    const icaldurationtype duration = icalproperty_get_duration(duration_property);
    if (!icaldurationtype_is_bad_duration(duration) && !duration.is_neg) {
      length.has_duration = true;
      length.duration = duration;
      return length;
    }
  }
  if (start.local.is_date) length.days = 1;
  return length;
}

UnixSeconds end_of(const ZonedTime& start, const Length& length) {
  if (length.has_duration) {
    icaltimetype local = start.local;
    // Very long durations would overflow libical's int fields; clamp to about 100 years.
    icaldurationtype duration = length.duration;
    duration.weeks = std::min(duration.weeks, 5'200U);
    duration.days = std::min(duration.days, 36'500U);
    duration.hours = std::min(duration.hours, 876'000U);
    duration.minutes = std::min(duration.minutes, 52'560'000U);
    duration.seconds = std::min(duration.seconds, 1'000'000'000U);
    local = icaltime_add(local, duration);
    return std::max(instant_of(local, start.zone), start.instant);
  }
  if (start.local.is_date) {
    icaltimetype local = start.local;
    local.day += static_cast<int>(std::min(length.days, 36'500LL));
    local = icaltime_normalize(local);
    return std::max(instant_of(local, start.zone), start.instant);
  }
  return start.instant + length.seconds;
}

// ---------------------------------------------------------------------------------------------
// Writing

Result<icaltimezone*> writer_zone(const std::string& name) {
  if (name.empty() || name == "UTC" || name == "Etc/UTC") return icaltimezone_get_utc_timezone();
  icaltimezone* zone = ZoneResolver::by_name(name);
  // Only IANA names are written: a Windows name resolving through the map would be written as
  // a TZID other clients cannot look up.
  if (zone == nullptr || !iana_zone_for_windows_name(name).empty() || name.front() == '/')
    return item_error("ical.bad_zone", "time zone \"" + clean_line(name) +
                                           "\" is not an IANA zone libical knows; use e.g. "
                                           "\"Europe/Berlin\"");
  return zone;
}

bool is_utc(icaltimezone* zone) {
  return zone == icaltimezone_get_utc_timezone();
}

// DTSTART/DTEND in `zone`, with TZID = the IANA name (not libical's prefixed TZID, which
// other clients would have to resolve through the VTIMEZONE).
icalproperty* time_property(icalproperty_kind kind, UnixSeconds instant, icaltimezone* zone,
                            const std::string& zone_name) {
  icaltimetype time = icaltime_from_timet_with_zone(static_cast<time_t>(instant), 0, zone);
  icalproperty* property = nullptr;
  if (!is_utc(zone)) time.zone = nullptr;
  property =
      kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart(time) : icalproperty_new_dtend(time);
  if (!is_utc(zone))
    icalproperty_add_parameter(property, icalparameter_new_tzid(zone_name.c_str()));
  return property;
}

// The VTIMEZONE of a built-in zone under the TZID `zone_name`.
icalcomponent* vtimezone_for(icaltimezone* zone, const std::string& zone_name) {
  icalcomponent* source = icaltimezone_get_component(zone);
  if (source == nullptr) return nullptr;
  icalcomponent* copy = icalcomponent_new_clone(source);
  icalproperty* tzid = icalcomponent_get_first_property(copy, ICAL_TZID_PROPERTY);
  if (tzid != nullptr) {
    icalproperty_set_tzid(tzid, zone_name.c_str());
  } else {
    icalcomponent_add_property(copy, icalproperty_new_tzid(zone_name.c_str()));
  }
  return copy;
}

// Puts the zone's VTIMEZONE into the calendar, replacing one with the same TZID: the system's
// zoneinfo is the authority for the zone Nachfass writes its times in.
void put_vtimezone(icalcomponent* calendar, icaltimezone* zone, const std::string& zone_name) {
  if (is_utc(zone)) return;
  std::vector<icalcomponent*> same;
  for (icalcomponent* existing =
           icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT);
       existing != nullptr;
       existing = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)) {
    icalproperty* tzid = icalcomponent_get_first_property(existing, ICAL_TZID_PROPERTY);
    const char* value = tzid != nullptr ? icalproperty_get_tzid(tzid) : nullptr;
    if (value != nullptr && zone_name == value) same.push_back(existing);
  }
  for (icalcomponent* existing : same) {
    icalcomponent_remove_component(calendar, existing);
    icalcomponent_free(existing);
  }
  if (icalcomponent* vtimezone = vtimezone_for(zone, zone_name)) {
    icalcomponent_add_component(calendar, vtimezone);
  }
}

// The properties render_reminder owns in a VEVENT (merge_reminder replaces exactly these).
bool is_reminder_property(icalproperty* property) {
  switch (icalproperty_isa(property)) {
    case ICAL_DTSTAMP_PROPERTY:
    case ICAL_DTSTART_PROPERTY:
    case ICAL_DTEND_PROPERTY:
    case ICAL_DURATION_PROPERTY:
    case ICAL_SUMMARY_PROPERTY:
    case ICAL_DESCRIPTION_PROPERTY:
    case ICAL_URL_PROPERTY:
    case ICAL_CATEGORIES_PROPERTY:
    case ICAL_STATUS_PROPERTY:
    case ICAL_TRANSP_PROPERTY:
    case ICAL_CLASS_PROPERTY:
      return true;
    case ICAL_X_PROPERTY: {
      const char* name = icalproperty_get_x_name(property);
      return name != nullptr && (equals_ignoring_case(name, key_property) ||
                                 equals_ignoring_case(name, "X-NACHFASS-STATE"));
    }
    default:
      return false;
  }
}

bool is_nachfass_alarm(icalcomponent* alarm) {
  return x_property_value(alarm, "X-NACHFASS-ALARM") == "1";
}

void add_reminder_properties(icalcomponent* vevent, const ReminderEvent& event, UnixSeconds dtstamp,
                             icaltimezone* zone) {
  icalcomponent_add_property(
      vevent, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
                  static_cast<time_t>(dtstamp), 0, icaltimezone_get_utc_timezone())));
  icalcomponent_add_property(
      vevent, time_property(ICAL_DTSTART_PROPERTY, event.start, zone, event.time_zone));
  icalcomponent_add_property(
      vevent,
      time_property(ICAL_DTEND_PROPERTY, std::max(event.end, event.start), zone, event.time_zone));
  icalcomponent_add_property(vevent, icalproperty_new_summary(clean_text(event.summary).c_str()));
  if (!event.description.empty())
    icalcomponent_add_property(vevent,
                               icalproperty_new_description(clean_text(event.description).c_str()));
  if (!event.url.empty())
    icalcomponent_add_property(vevent, icalproperty_new_url(clean_line(event.url).c_str()));
  // One CATEGORIES property per category: libical escapes a comma inside one value, which
  // would turn the list into a single category.
  for (const std::string& category : event.categories)
    icalcomponent_add_property(vevent, icalproperty_new_categories(clean_line(category).c_str()));
  icalcomponent_add_property(vevent, x_property(key_property, event.key));
  icalcomponent_add_property(
      vevent, x_property("X-NACHFASS-STATE", event.completed ? "completed" : "open"));
  icalcomponent_add_property(vevent, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(
      vevent,
      icalproperty_new_transp(event.completed ? ICAL_TRANSP_TRANSPARENT : ICAL_TRANSP_OPAQUE));
  icalcomponent_add_property(vevent, icalproperty_new_class(ICAL_CLASS_PRIVATE));
}

void add_reminder_alarm(icalcomponent* vevent, const ReminderEvent& event) {
  if (event.alarm_minutes_before < 0 || event.completed) return;
  icalcomponent* alarm = icalcomponent_new_valarm();
  icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
  icalcomponent_add_property(alarm,
                             icalproperty_new_description(clean_text(event.summary).c_str()));
  icaltriggertype trigger{};
  trigger.time = icaltime_null_time();
  // Capped at one year before the start, far beyond any useful reminder, to stay within int.
  const int minutes = std::min(event.alarm_minutes_before, 366 * 24 * 60);
  trigger.duration = icaldurationtype_from_int(-minutes * 60);
  icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
  icalcomponent_add_property(alarm, x_property("X-NACHFASS-ALARM", "1"));
  icalcomponent_add_component(vevent, alarm);
}

}  // namespace

Result<std::string> render_reminder(const ReminderEvent& event, UnixSeconds dtstamp) {
  ensure_errors_not_fatal();
  auto zone = writer_zone(event.time_zone);
  if (!zone) return zone.error();
  ComponentPtr calendar(icalcomponent_new_vcalendar());
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//Nachfass//Nachfass//EN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  put_vtimezone(calendar.get(), *zone, event.time_zone);
  icalcomponent* vevent = icalcomponent_new_vevent();
  icalcomponent_add_property(vevent, icalproperty_new_uid(clean_line(event.uid).c_str()));
  add_reminder_properties(vevent, event, dtstamp, *zone);
  add_reminder_alarm(vevent, event);
  icalcomponent_add_component(calendar.get(), vevent);
  std::string text = serialize(calendar.get());
  icalerror_clear_errno();
  return text;
}

Result<std::string> merge_reminder(std::string_view existing, const ReminderEvent& event,
                                   UnixSeconds dtstamp) {
  auto parsed = parse_calendar(existing);
  if (!parsed) return parsed.error();
  auto zone = writer_zone(event.time_zone);
  if (!zone) return zone.error();
  icalcomponent* calendar = parsed->calendar;

  icalcomponent* vevent = nullptr;
  for (icalcomponent* candidate =
           icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
       candidate != nullptr;
       candidate = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    if (!has_recurrence_id(candidate) && property_text(candidate, ICAL_UID_PROPERTY) == event.uid) {
      vevent = candidate;
      break;
    }
  }
  if (vevent == nullptr)
    return item_error("ical.no_event",
                      "calendar object has no VEVENT with UID " + clean_line(event.uid));

  std::vector<icalproperty*> replaced;
  int sequence = 0;
  for (icalproperty* property = icalcomponent_get_first_property(vevent, ICAL_ANY_PROPERTY);
       property != nullptr; property = icalcomponent_get_next_property(vevent, ICAL_ANY_PROPERTY)) {
    if (icalproperty_isa(property) == ICAL_SEQUENCE_PROPERTY) {
      sequence = std::max(sequence, icalproperty_get_sequence(property));
      replaced.push_back(property);
    } else if (is_reminder_property(property)) {
      replaced.push_back(property);
    }
  }
  for (icalproperty* property : replaced) {
    icalcomponent_remove_property(vevent, property);
    icalproperty_free(property);
  }
  std::vector<icalcomponent*> own_alarms;
  for (icalcomponent* alarm = icalcomponent_get_first_component(vevent, ICAL_VALARM_COMPONENT);
       alarm != nullptr; alarm = icalcomponent_get_next_component(vevent, ICAL_VALARM_COMPONENT)) {
    if (is_nachfass_alarm(alarm)) own_alarms.push_back(alarm);
  }
  for (icalcomponent* alarm : own_alarms) {
    icalcomponent_remove_component(vevent, alarm);
    icalcomponent_free(alarm);
  }

  add_reminder_properties(vevent, event, dtstamp, *zone);
  const int next_sequence =
      sequence < 0 || sequence == std::numeric_limits<int>::max() ? 1 : sequence + 1;
  icalcomponent_add_property(vevent, icalproperty_new_sequence(next_sequence));
  add_reminder_alarm(vevent, event);
  put_vtimezone(calendar, *zone, event.time_zone);

  std::string text = serialize(calendar);
  icalerror_clear_errno();
  return text;
}

Result<CalendarEvent> read_event(std::string_view text, std::string_view default_zone) {
  auto parsed = parse_calendar(text);
  if (!parsed) return parsed.error();
  icalcomponent* calendar = parsed->calendar;
  icalcomponent* master = nullptr;
  icalcomponent* first = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
  for (icalcomponent* event = first; event != nullptr;
       event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    if (!has_recurrence_id(event)) {
      master = event;
      break;
    }
  }
  // A calendar object may hold only overridden instances (an invitation to one occurrence).
  if (master == nullptr) master = first;
  if (master == nullptr) return item_error("ical.no_event", "calendar object has no VEVENT");

  ZoneResolver zones(calendar, default_zone);
  const auto start = zoned_dtstart(master, zones);
  if (!start)
    return item_error(
        "ical.parse",
        "VEVENT " + clean_line(property_text(master, ICAL_UID_PROPERTY)) + " has no valid DTSTART");
  CalendarEvent result;
  result.uid = property_text(master, ICAL_UID_PROPERTY);
  result.nachfass_key = x_property_value(master, key_property);
  result.start = start->instant;
  result.end = end_of(*start, event_length(master, *start, zones));
  result.summary = property_text(master, ICAL_SUMMARY_PROPERTY);
  result.completed =
      equals_ignoring_case(x_property_value(master, "X-NACHFASS-STATE"), "completed");
  result.raw = std::string(text);
  icalerror_clear_errno();
  return result;
}

namespace {

struct Occurrence {
  UnixSeconds start = 0;
  int year = 0, month = 0, day = 0;  // the local date, for DATE EXDATE / RECURRENCE-ID matches
};

struct Exclusions {
  std::set<UnixSeconds> instants;
  std::set<std::tuple<int, int, int>> dates;

  bool contains(const ZonedTime& time) const {
    return instants.contains(time.instant) ||
           dates.contains({time.local.year, time.local.month, time.local.day});
  }
  void add(const ZonedTime& time) {
    if (time.local.is_date) {
      dates.insert({time.local.year, time.local.month, time.local.day});
    } else {
      instants.insert(time.instant);
    }
  }
};

bool is_cancelled(icalcomponent* event) {
  icalproperty* status = icalcomponent_get_first_property(event, ICAL_STATUS_PROPERTY);
  return status != nullptr && icalproperty_get_status(status) == ICAL_STATUS_CANCELLED;
}

bool is_transparent(icalcomponent* event) {
  icalproperty* transp = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY);
  if (transp == nullptr) return false;
  const icalproperty_transp value = icalproperty_get_transp(transp);
  return value == ICAL_TRANSP_TRANSPARENT || value == ICAL_TRANSP_TRANSPARENTNOCONFLICT;
}

// Bounds the work on one calendar object: the range asked for and the occurrence cap.
class OccurrenceBudget {
 public:
  OccurrenceBudget(UnixSeconds from, UnixSeconds to) : from_(from), to_(to) {}

  // False once the occurrence cap is reached.
  bool examine() { return ++examined_ <= max_examined_occurrences; }
  bool exhausted() const { return examined_ >= max_examined_occurrences; }

  UnixSeconds from() const { return from_; }
  UnixSeconds to() const { return to_; }

 private:
  UnixSeconds from_;
  UnixSeconds to_;
  int examined_ = 0;
};

class BusyCollector : public OccurrenceBudget {
 public:
  using OccurrenceBudget::OccurrenceBudget;

  void add(UnixSeconds start, UnixSeconds end) {
    if (end <= start || start >= to() || end <= from()) return;
    busy_.push_back({std::max(start, from()), std::min(end, to())});
  }

  std::vector<BusyInterval> take() {
    std::sort(busy_.begin(), busy_.end(), [](const BusyInterval& a, const BusyInterval& b) {
      return std::tie(a.start, a.end) < std::tie(b.start, b.end);
    });
    busy_.erase(std::unique(busy_.begin(), busy_.end()), busy_.end());
    return std::move(busy_);
  }

 private:
  std::vector<BusyInterval> busy_;
};

// The wall-clock time of an iterator result, with the master's zone.
ZonedTime occurrence_at(icaltimetype local, const ZonedTime& master_start) {
  ZonedTime occurrence;
  occurrence.local = local;
  occurrence.local.zone = master_start.local.zone;
  occurrence.zone = master_start.zone;
  occurrence.instant = instant_of(local, master_start.zone);
  return occurrence;
}

// Called once per occurrence of a master that is neither excluded nor seen before: its start
// and end.
using OccurrenceFn = std::function<void(const ZonedTime&, UnixSeconds)>;

// Every occurrence of the master VEVENT `event` (DTSTART, RDATEs, RRULEs) up to budget.to(),
// starting far enough back to catch those reaching into budget.from().
void expand_master(icalcomponent* event, const Exclusions& overridden, ZoneResolver& zones,
                   OccurrenceBudget& budget, const OccurrenceFn& emit) {
  const auto start = zoned_dtstart(event, zones);
  if (!start) return;
  const Length length = event_length(event, *start, zones);

  Exclusions excluded = overridden;
  for (icalproperty* property = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY);
       property != nullptr;
       property = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY)) {
    if (const auto time = zoned(property, icalproperty_get_exdate(property), zones))
      excluded.add(*time);
  }

  std::set<UnixSeconds> seen;
  const auto consider = [&](const ZonedTime& occurrence, UnixSeconds end) {
    if (!seen.insert(occurrence.instant).second) return;
    if (!excluded.contains(occurrence)) emit(occurrence, end);
  };

  if (!budget.examine()) return;
  consider(*start, end_of(*start, length));

  for (icalproperty* property = icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY);
       property != nullptr;
       property = icalcomponent_get_next_property(event, ICAL_RDATE_PROPERTY)) {
    if (!budget.examine()) return;
    const icaldatetimeperiodtype rdate = icalproperty_get_rdate(property);
    if (!icaltime_is_null_time(rdate.period.start)) {
      const auto period_start = zoned(property, rdate.period.start, zones);
      if (!period_start) continue;
      UnixSeconds period_end = period_start->instant;
      if (const auto end = zoned(property, rdate.period.end, zones)) {
        period_end = end->instant;
      } else if (!icaldurationtype_is_null_duration(rdate.period.duration)) {
        period_end = period_start->instant + icaldurationtype_as_int(rdate.period.duration);
      }
      consider(*period_start, std::max(period_end, period_start->instant));
    } else if (const auto time = zoned(property, rdate.time, zones)) {
      consider(*time, end_of(*time, length));
    }
  }

  // Occurrences that start before `from` may still reach into the range; this is how far back
  // the iterator has to begin.
  const UnixSeconds longest = std::max<UnixSeconds>(
      end_of(*start, length) - start->instant + 2 * seconds_per_day, 2 * seconds_per_day);
  for (icalproperty* property = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
       property != nullptr;
       property = icalcomponent_get_next_property(event, ICAL_RRULE_PROPERTY)) {
    const icalrecurrencetype rule = icalproperty_get_rrule(property);
    if (!expandable_in_bounded_time(rule)) continue;
    RecurIteratorPtr iterator(icalrecur_iterator_new(rule, start->local));
    icalerror_clear_errno();
    if (!iterator) continue;
    const UnixSeconds skip_to = budget.from() - longest;
    if (rule.count == 0 && skip_to > start->instant) {
      icaltimetype jump = icaltime_from_timet_with_zone(static_cast<time_t>(skip_to),
                                                        start->local.is_date, start->zone);
      jump.zone = start->local.zone;
      if (start->local.is_date) jump.is_date = 1;
      if (icalrecur_iterator_set_start(iterator.get(), jump) == 0) {
        iterator.reset(icalrecur_iterator_new(rule, start->local));
        if (!iterator) continue;
      }
      icalerror_clear_errno();
    }
    for (icaltimetype next = icalrecur_iterator_next(iterator.get()); !icaltime_is_null_time(next);
         next = icalrecur_iterator_next(iterator.get())) {
      if (!budget.examine()) return;
      if (!usable_time(next)) break;
      const ZonedTime occurrence = occurrence_at(next, *start);
      if (occurrence.instant >= budget.to()) break;
      consider(occurrence, end_of(occurrence, length));
    }
    icalerror_clear_errno();
  }
}

// A standalone VEVENT or an overriding instance (RECURRENCE-ID) as it is read: its start, and
// the slot it replaces (nullopt for a standalone event or an unreadable RECURRENCE-ID). Return
// false to stop reading.
using InstanceFn = std::function<bool(icalcomponent* event, const ZonedTime& start,
                                      const std::optional<ZonedTime>& replaces)>;
// A master (no RECURRENCE-ID) with the slots its overriding instances replace.
using MasterFn = std::function<void(icalcomponent* master, const Exclusions& overridden)>;

// Walks the VEVENTs of `calendar`: every event with a valid DTSTART and a RECURRENCE-ID goes to
// `instance` as it is read; after the walk every master goes to `master`. Events without a valid
// DTSTART are skipped. Errors: ical.no_event (no VEVENT at all), ical.parse (no valid DTSTART).
Result<void> walk_events(icalcomponent* calendar, ZoneResolver& zones, OccurrenceBudget& budget,
                         const InstanceFn& instance, const MasterFn& master) {
  std::vector<icalcomponent*> masters;
  std::map<std::string, Exclusions> overridden;  // by UID
  int events = 0;
  int usable = 0;
  for (icalcomponent* event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
       event != nullptr;
       event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    ++events;
    const auto start = zoned_dtstart(event, zones);
    if (start) ++usable;
    if (!has_recurrence_id(event)) {
      masters.push_back(event);
      continue;
    }
    icalproperty* recurrence_id =
        icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY);
    const auto replaces = zoned(recurrence_id, icalproperty_get_recurrenceid(recurrence_id), zones);
    if (replaces) overridden[property_text(event, ICAL_UID_PROPERTY)].add(*replaces);
    if (start && !instance(event, *start, replaces)) break;
  }
  if (events == 0) return item_error("ical.no_event", "calendar object has no VEVENT");
  if (usable == 0)
    return item_error("ical.parse", "no VEVENT in the calendar object has a valid DTSTART");

  static const Exclusions none;
  for (icalcomponent* event : masters) {
    if (budget.exhausted()) break;
    const auto found = overridden.find(property_text(event, ICAL_UID_PROPERTY));
    master(event, found != overridden.end() ? found->second : none);
  }
  icalerror_clear_errno();
  return {};
}

}  // namespace

Result<std::vector<BusyInterval>> busy_intervals(std::string_view text, UnixSeconds from,
                                                 UnixSeconds to, std::string_view default_zone) {
  auto parsed = parse_calendar(text);
  if (!parsed) return parsed.error();
  ZoneResolver zones(parsed->calendar, default_zone);
  BusyCollector busy(from, to);
  auto walked = walk_events(
      parsed->calendar, zones, busy,
      [&](icalcomponent* event, const ZonedTime& start, const std::optional<ZonedTime>&) {
        if (is_cancelled(event) || is_transparent(event)) return true;
        if (!busy.examine()) return false;
        busy.add(start.instant, end_of(start, event_length(event, start, zones)));
        return true;
      },
      [&](icalcomponent* master, const Exclusions& overridden) {
        const bool counts = !is_cancelled(master) && !is_transparent(master);
        expand_master(master, overridden, zones, busy,
                      [&](const ZonedTime& occurrence, UnixSeconds end) {
                        if (counts) busy.add(occurrence.instant, end);
                      });
      });
  if (!walked) return walked.error();
  return busy.take();
}

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The address of a mailto: URI (RFC 6068), percent-decoded and lower-cased; empty for other
// URIs ("urn:uuid:...", a bare name) and for anything that is not one plain address.
std::string mailto_address(const char* value) {
  if (value == nullptr) return {};
  std::string_view uri(value);
  while (!uri.empty() && (uri.front() == ' ' || uri.front() == '\t')) uri.remove_prefix(1);
  while (!uri.empty() && (uri.back() == ' ' || uri.back() == '\t')) uri.remove_suffix(1);
  if (uri.size() < 7 || !equals_ignoring_case(uri.substr(0, 7), "mailto:")) return {};
  uri.remove_prefix(7);
  uri = uri.substr(0, uri.find('?'));
  std::string address;
  address.reserve(uri.size());
  for (std::size_t i = 0; i < uri.size(); ++i) {
    char c = uri[i];
    if (c == '%' && i + 2 < uri.size() && hex_value(uri[i + 1]) >= 0 &&
        hex_value(uri[i + 2]) >= 0) {
      c = static_cast<char>(hex_value(uri[i + 1]) * 16 + hex_value(uri[i + 2]));
      i += 2;
    }
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == ',' || c == '<' || c == '>')
      return {};
    address += ascii_lower(c);
  }
  const auto at = address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string::npos)
    return {};
  return address;
}

bool parameter_is(icalproperty* property, icalparameter_kind kind, int value) {
  icalparameter* parameter = icalproperty_get_first_parameter(property, kind);
  if (parameter == nullptr) return false;
  if (kind == ICAL_PARTSTAT_PARAMETER) return icalparameter_get_partstat(parameter) == value;
  if (kind == ICAL_CUTYPE_PARAMETER) return icalparameter_get_cutype(parameter) == value;
  return false;
}

std::vector<std::string> attendees_of(icalcomponent* event) {
  std::string organizer;
  if (icalproperty* property = icalcomponent_get_first_property(event, ICAL_ORGANIZER_PROPERTY))
    organizer = mailto_address(icalproperty_get_organizer(property));
  std::vector<std::string> result;
  for (icalproperty* property = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY);
       property != nullptr;
       property = icalcomponent_get_next_property(event, ICAL_ATTENDEE_PROPERTY)) {
    if (parameter_is(property, ICAL_PARTSTAT_PARAMETER, ICAL_PARTSTAT_DECLINED) ||
        parameter_is(property, ICAL_CUTYPE_PARAMETER, ICAL_CUTYPE_ROOM) ||
        parameter_is(property, ICAL_CUTYPE_PARAMETER, ICAL_CUTYPE_RESOURCE))
      continue;
    std::string address = mailto_address(icalproperty_get_attendee(property));
    if (address.empty() || address == organizer) continue;
    if (std::find(result.begin(), result.end(), address) == result.end())
      result.push_back(std::move(address));
  }
  return result;
}

bool is_recurring(icalcomponent* event) {
  return icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY) != nullptr ||
         icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY) != nullptr;
}

// "20260316" for a date, "20260316T090000Z" for a date-time (as UTC).
std::string recurrence_key(const ZonedTime& time) {
  char buffer[32];
  if (time.local.is_date) {
    std::snprintf(buffer, sizeof buffer, "%04d%02d%02d", time.local.year, time.local.month,
                  time.local.day);
    return buffer;
  }
  const auto seconds = static_cast<std::time_t>(time.instant);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return std::to_string(time.instant);
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

class ItemCollector : public OccurrenceBudget {
 public:
  using OccurrenceBudget::OccurrenceBudget;

  // `source` supplies title and attendees; `identity` (empty for a single event) the suffix.
  void add(icalcomponent* source, const ZonedTime& start, UnixSeconds end,
           const ZonedTime* identity) {
    const bool overlaps = end > start.instant ? start.instant < to() && end > from()
                                              : start.instant >= from() && start.instant < to();
    if (!overlaps) return;
    CalendarItem item;
    item.uid = property_text(source, ICAL_UID_PROPERTY);
    if (identity != nullptr) item.uid += "/" + recurrence_key(*identity);
    item.title = clean_line(property_text(source, ICAL_SUMMARY_PROPERTY));
    item.start = start.instant;
    item.end = std::max(end, start.instant);
    item.all_day = start.local.is_date;
    item.attendees = attendees_of(source);
    items_.push_back(std::move(item));
  }

  std::vector<CalendarItem> take() {
    std::sort(items_.begin(), items_.end(), [](const CalendarItem& a, const CalendarItem& b) {
      return std::tie(a.start, a.uid, a.end) < std::tie(b.start, b.uid, b.end);
    });
    items_.erase(std::unique(items_.begin(), items_.end(),
                             [](const CalendarItem& a, const CalendarItem& b) {
                               return a.start == b.start && a.uid == b.uid;
                             }),
                 items_.end());
    return std::move(items_);
  }

 private:
  std::vector<CalendarItem> items_;
};

}  // namespace

Result<std::vector<CalendarItem>> calendar_items(std::string_view text, UnixSeconds from,
                                                 UnixSeconds to, std::string_view default_zone) {
  auto parsed = parse_calendar(text);
  if (!parsed) return parsed.error();
  ZoneResolver zones(parsed->calendar, default_zone);
  ItemCollector items(from, to);
  auto walked = walk_events(
      parsed->calendar, zones, items,
      [&](icalcomponent* event, const ZonedTime& start, const std::optional<ZonedTime>& replaces) {
        if (is_cancelled(event)) return true;
        if (!items.examine()) return false;
        items.add(event, start, end_of(start, event_length(event, start, zones)),
                  replaces ? &*replaces : &start);
        return true;
      },
      [&](icalcomponent* master, const Exclusions& overridden) {
        if (is_cancelled(master)) return;
        const bool recurring = is_recurring(master);
        expand_master(master, overridden, zones, items,
                      [&](const ZonedTime& occurrence, UnixSeconds end) {
                        items.add(master, occurrence, end, recurring ? &occurrence : nullptr);
                      });
      });
  if (!walked) return walked.error();
  return items.take();
}

}  // namespace nachfass::ical
