// Time zone names as other calendar clients write them in TZID, mapped to IANA names.
#pragma once

#include <string_view>

namespace nachfass::ical {

// The IANA zone for a Microsoft (Windows) time zone id such as "W. Europe Standard Time", or for
// the display names Outlook sometimes writes instead ("(UTC+01:00) Amsterdam, Berlin, ..."); empty
// when the name is not one of the mapped zones. The ids and their IANA zones are the "001"
// (golden zone) rows of Unicode CLDR's windowsZones.xml (common/supplemental/windowsZones.xml),
// restricted to Europe, UTC and the zones most often seen in German business mail.
std::string_view iana_zone_for_windows_name(std::string_view name);

}  // namespace nachfass::ical
