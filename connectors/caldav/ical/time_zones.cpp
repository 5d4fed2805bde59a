#include "caldav/ical/time_zones.hpp"

#include <array>
#include <utility>

namespace nachfass::ical {
namespace {

// Unicode CLDR, common/supplemental/windowsZones.xml, territory "001".
constexpr std::array<std::pair<std::string_view, std::string_view>, 44> windows_zones{{
    {"UTC", "Etc/UTC"},
    {"Coordinated Universal Time", "Etc/UTC"},
    {"UTC-11", "Etc/GMT+11"},
    {"UTC-09", "Etc/GMT+9"},
    {"UTC-08", "Etc/GMT+8"},
    {"UTC-02", "Etc/GMT+2"},
    {"UTC+12", "Etc/GMT-12"},
    {"UTC+13", "Etc/GMT-13"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"FLE Standard Time", "Europe/Kiev"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Astrakhan Standard Time", "Europe/Astrakhan"},
    {"Russia Time Zone 3", "Europe/Samara"},
    {"Saratov Standard Time", "Europe/Saratov"},
    {"Volgograd Standard Time", "Europe/Volgograd"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"India Standard Time", "Asia/Calcutta"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"Eastern Standard Time", "America/New_York"},
    {"Central Standard Time", "America/Chicago"},
    {"Mountain Standard Time", "America/Denver"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Atlantic Standard Time", "America/Halifax"},
}};

// Outlook's display names (the same CLDR rows, as Windows shows them), matched on their start
// because the rest is localised: "(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien".
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> display_names{{
    {"(UTC+01:00) Amsterdam", "Europe/Berlin"},
    {"(UTC+01:00) Belgrade", "Europe/Budapest"},
    {"(UTC+01:00) Brussels", "Europe/Paris"},
    {"(UTC+01:00) Sarajevo", "Europe/Warsaw"},
    {"(UTC+02:00) Helsinki", "Europe/Kiev"},
    {"(UTC+02:00) Athens", "Europe/Bucharest"},
    {"(UTC+00:00) Dublin", "Europe/London"},
    {"(UTC) Dublin", "Europe/London"},
}};

}  // namespace

std::string_view iana_zone_for_windows_name(std::string_view name) {
  for (const auto& [windows, iana] : windows_zones)
    if (name == windows) return iana;
  for (const auto& [prefix, iana] : display_names)
    if (name.starts_with(prefix)) return iana;
  if (name.starts_with("(UTC) Coordinated Universal Time")) return "Etc/UTC";
  return {};
}

}  // namespace nachfass::ical
