// Reminders <-> iCalendar (RFC 5545), with libical. No I/O: text in, text or structs out.
//
// Contract
// - Nothing throws; Result errors have ids "ical.*" and scope item (one bad calendar object is
//   skipped, the rest of a listing goes on). Messages are one line.
// - Input is untrusted server data: any byte string is handled without crash or unbounded work
//   (recurrence expansion is bounded by the requested range and a hard occurrence cap).
// - Output is UTF-8 iCalendar text with CRLF line endings, lines folded at 75 octets (libical).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/reminder.hpp"
#include "core/rules.hpp"
#include "ports/result.hpp"

namespace nachfass::ical {

// The X- property that carries the finding key in every reminder Nachfass writes.
inline constexpr std::string_view key_property = "X-NACHFASS-KEY";

// A VCALENDAR (PRODID "-//Nachfass//Nachfass//EN", VERSION 2.0) with one VEVENT for `event`:
// UID, DTSTAMP = `dtstamp`, DTSTART/DTEND with TZID = event.time_zone plus its VTIMEZONE (UTC
// "Z" times when time_zone is empty), SUMMARY, DESCRIPTION, URL (omitted when empty),
// CATEGORIES, X-NACHFASS-KEY, X-NACHFASS-STATE (open | completed), STATUS:CONFIRMED, TRANSP
// (OPAQUE while open, TRANSPARENT when completed), CLASS:PRIVATE, and a VALARM (ACTION:DISPLAY,
// DESCRIPTION = summary, TRIGGER -PT<n>M, X-NACHFASS-ALARM:1) unless alarm_minutes_before < 0
// or the event is completed.
// time_zone "UTC"/"Etc/UTC" is written like an empty one. Control characters in text are
// replaced (CR LF -> line break), so no value can start a new content line.
// Errors: ical.bad_zone when time_zone is not an IANA zone libical knows (Windows names and
// prefixed TZIDs are read, never written).
Result<std::string> render_reminder(const ReminderEvent& event, UnixSeconds dtstamp);

// `existing` (a calendar object as fetched) with the VEVENT whose UID is event.uid changed to
// `event`: the properties render_reminder writes are replaced (DTSTART/DTEND included), a
// VALARM Nachfass wrote (X-NACHFASS-ALARM:1 marks it) is replaced, and everything else —
// other properties, other components, the user's own alarms, other clients' X- properties — is
// kept as it was. SEQUENCE is incremented. Errors: ical.parse, ical.no_event (no VEVENT with
// that UID), ical.bad_zone.
Result<std::string> merge_reminder(std::string_view existing, const ReminderEvent& event,
                                   UnixSeconds dtstamp);

// The master VEVENT of a calendar object (the one without RECURRENCE-ID): uid, nachfass_key
// (X-NACHFASS-KEY, empty when absent), start/end as UTC instants (TZID resolved through the
// object's VTIMEZONE, else libical's built-in zone of that name, else UTC; floating times are
// read in `default_zone`; DATE values are local midnight in `default_zone`; a missing DTEND is
// DTSTART + DURATION, or + 1 day for a DATE, or = DTSTART), summary, completed
// (X-NACHFASS-STATE:completed), and raw = `text`. href and etag are left empty for the caller.
// A local time that occurs twice (the hour clocks go back) is the first one (RFC 5545 3.3.5).
// Errors: ical.parse (not iCalendar, or the VEVENT has no valid DTSTART), ical.no_event (no
// VEVENT).
Result<CalendarEvent> read_event(std::string_view text, std::string_view default_zone);

// The busy intervals of one calendar object within [from, to): every occurrence of every VEVENT
// (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides replacing their instance), skipping
// TRANSP:TRANSPARENT and STATUS:CANCELLED instances; time zones as for read_event. At most
// 10,000 occurrences per object are examined. The intervals are clipped to [from, to), sorted by
// start, not merged; empty ones are dropped. Sub-daily RRULEs that libical could only expand by
// scanning second by second (SECONDLY/MINUTELY/HOURLY with day-level BY* filters, SECONDLY with
// BYMINUTE/BYHOUR) are not expanded: only DTSTART and RDATEs of such an event count.
// Errors: ical.parse (also when no VEVENT has a valid DTSTART), ical.no_event.
Result<std::vector<BusyInterval>> busy_intervals(std::string_view text, UnixSeconds from,
                                                 UnixSeconds to, std::string_view default_zone);

// The events of one calendar object that overlap [from, to), one CalendarItem per occurrence,
// for the detectors: recurrences expanded as for busy_intervals (same bounds, same time zone
// rules), STATUS:CANCELLED events and instances left out, TRANSP ignored (a transparent event is
// still an event). Not clipped: start and end are the occurrence's own; an occurrence of zero
// length counts when its start is in the range.
// - title: SUMMARY, unfolded and unescaped, control characters replaced by spaces.
// - All-day (DTSTART;VALUE=DATE): start is local midnight of the first day in `default_zone`
//   (the user's zone, not UTC: BusinessCalendar::local_date(start) must be that day), end local
//   midnight after the last day (DTEND, else DTSTART + DURATION, else one day). A floating date
//   has no zone of its own; reading it in the user's zone keeps "Urlaub 2026-07-06" on July 6 for
//   the user, whatever the server's or the creating client's zone was.
// - uid: UID; for an occurrence of an event with RRULE or RDATE, and for a RECURRENCE-ID override,
//   UID + "/" + the recurrence id: the local date "YYYYMMDD" for all-day events, else the UTC
//   time "YYYYMMDDTHHMMSSZ" (an overridden instance keeps the id of the slot it replaces).
// - attendees: ATTENDEE values with a mailto: URI (percent-decoded, lower-cased, each once),
//   without the ORGANIZER's address, PARTSTAT=DECLINED attendees and CUTYPE=ROOM/RESOURCE.
// Sorted by start, then uid. Errors as for busy_intervals: ical.parse, ical.no_event.
Result<std::vector<CalendarItem>> calendar_items(std::string_view text, UnixSeconds from,
                                                 UnixSeconds to, std::string_view default_zone);

}  // namespace nachfass::ical
