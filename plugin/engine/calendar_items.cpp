#include "engine/calendar_items.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>

#include "caldav/dav/caldav_calendar.hpp"
#include "engine/reminders.hpp"

namespace nachfass::engine {

namespace {

constexpr UnixSeconds seconds_per_day = 86'400;

}  // namespace

Result<std::unique_ptr<CalendarPort>> open_calendar(const Config& config,
                                                    const CalendarWarningFn& warning) {
  const CalendarConfig& calendar = config.calendar;
  switch (calendar.provider) {
    case CalendarProvider::none:
      return std::unique_ptr<CalendarPort>();
    case CalendarProvider::graph:
      return make_error(ErrorScope::account, "usage.no_calendar",
                        "[calendar] provider = \"graph\" is not available in this build — use "
                        "\"caldav\" or \"none\"");
    case CalendarProvider::caldav:
      break;
  }
  caldav::CaldavAccount account;
  account.url = calendar.url;
  account.username = calendar.username;
  if (!calendar.bearer_token_env.empty()) {
    const char* token = std::getenv(calendar.bearer_token_env.c_str());
    if (token == nullptr || *token == '\0')
      return make_error(ErrorScope::account, "calendar.password",
                        "the environment variable " + calendar.bearer_token_env +
                            " (bearer_token_env) is not set or empty — export it before running "
                            "nachfass");
    account.bearer_token = token;
  } else {
    auto secret = calendar_secret(calendar);
    if (!secret) return secret.error();
    account.password = std::move(*secret);
  }
  account.calendar_name = calendar.calendar;
  account.time_zone = config.user.time_zone;
  account.ca_file = calendar.ca_file;
  account.insecure_skip_verify_for_host = calendar.insecure_skip_verify_for_host;
  auto port = caldav::CaldavCalendar::open(std::move(account), warning);
  if (!port) return port.error();
  return std::unique_ptr<CalendarPort>(std::move(*port));
}

Result<std::vector<CalendarItem>> calendar_items(CalendarPort& port, UnixSeconds now) {
  std::string excluded;
  auto reminders = port.discover(false);
  if (reminders) {
    excluded = std::move(*reminders);
  } else {
    const std::string& id = reminders.error().id;
    // The reminder calendar is missing or unusable for reminders: then it holds none of ours,
    // and its events are the user's like any other.
    if (id != "caldav.no_calendar" && id != "caldav.read_only" && id != "caldav.no_events")
      return reminders.error();
  }
  auto items = port.items(now - calendar_items_days_back * seconds_per_day,
                          now + calendar_items_days_ahead * seconds_per_day, excluded);
  if (!items) return items.error();
  std::sort(items->begin(), items->end(), [](const CalendarItem& a, const CalendarItem& b) {
    return std::tie(a.start, a.uid) < std::tie(b.start, b.uid);
  });
  return items;
}

Result<std::vector<CalendarItem>> calendar_items(const Config& config, UnixSeconds now,
                                                 const CalendarWarningFn& warning) {
  if (config.calendar.provider == CalendarProvider::none) return std::vector<CalendarItem>();
  auto port = open_calendar(config, warning);
  if (!port) return port.error();
  if (!*port) return std::vector<CalendarItem>();
  return calendar_items(**port, now);
}

}  // namespace nachfass::engine
