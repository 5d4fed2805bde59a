#include "hosts/cli/time_text.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <sstream>

namespace nachfass::cli {

std::optional<UnixSeconds> parse_instant(std::string_view input, const date::time_zone* zone) {
  const std::string text(input);
  using namespace std::chrono;
  // With an explicit offset or 'Z': an instant.
  for (const char* format : {"%FT%TZ", "%FT%RZ", "%FT%T%Ez", "%FT%T%z", "%FT%R%Ez", "%F %T%Ez"}) {
    std::istringstream in(text);
    date::sys_seconds instant;
    in >> date::parse(format, instant);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof())
      return instant.time_since_epoch().count();
  }
  // Without: local time in the user's zone.
  for (const char* format : {"%FT%T", "%FT%R", "%F %T", "%F %R", "%F"}) {
    std::istringstream in(text);
    date::local_seconds local;
    in >> date::parse(format, local);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) continue;
    try {
      return zone->to_sys(local, date::choose::earliest).time_since_epoch().count();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string iso_utc(UnixSeconds instant) {
  return date::format("%FT%TZ", date::sys_seconds{std::chrono::seconds{instant}});
}

std::string local_text(UnixSeconds instant, const date::time_zone* zone, bool german) {
  const auto zoned = date::make_zoned(zone, date::sys_seconds{std::chrono::seconds{instant}});
  return date::format(german ? "%d.%m.%Y %H:%M" : "%Y-%m-%d %H:%M", zoned);
}

}  // namespace nachfass::cli
