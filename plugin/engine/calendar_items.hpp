// The user's calendar events for the detectors (all-day absences, seminars with their
// attendees), read from the calendar of [calendar] through the CalendarPort. Glue only: the
// reading rules (all-day days, recurrence ids, attendees) are CalendarPort::items'.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/rules.hpp"
#include "ports/calendar.hpp"
#include "ports/result.hpp"

namespace nachfass::engine {

// The same type as engine::WarningFn (engine.hpp).
using CalendarWarningFn = std::function<void(std::string_view)>;

// The window read around `now`: far enough back for an absence or a seminar that ended months
// ago to still count (absences look back at most a quarter, seminar follow-ups a few weeks),
// far enough ahead for announced absences.
inline constexpr long long calendar_items_days_back = 120;
inline constexpr long long calendar_items_days_ahead = 60;

// The calendar port of [calendar]: a CalDAV client for provider "caldav" (password from
// password_env / password_file / keyring as calendar_secret(), or the bearer token from
// bearer_token_env; floating and all-day times in [user] time_zone), nullptr for "none". Sends
// no request. `warning` gets the connector's warnings (may be empty). Errors (scope account):
// usage.no_calendar for provider "graph" (not in this build), calendar.password,
// caldav.bad_url, caldav.config, caldav.tls.
Result<std::unique_ptr<CalendarPort>> open_calendar(const Config& config,
                                                    const CalendarWarningFn& warning);

// The items of [now - calendar_items_days_back days, now + calendar_items_days_ahead days) in
// all the user's event calendars except the one reminders go into (found by
// port.discover(false); when it does not exist or cannot take reminders, nothing is excluded).
// Sorted by start, then uid. Errors: the port's (caldav.*). No writes; discover() never
// creates the reminder calendar here.
Result<std::vector<CalendarItem>> calendar_items(CalendarPort& port, UnixSeconds now);

// calendar_items() over the calendar of `config`: an empty list when [calendar] provider is
// "none"; else open_calendar()'s errors and the port's.
Result<std::vector<CalendarItem>> calendar_items(const Config& config, UnixSeconds now,
                                                 const CalendarWarningFn& warning);

}  // namespace nachfass::engine
