// Follow-up reminders in the user's calendar, provider-neutral. The core decides what the calendar
// should hold (reconcile.hpp); connectors translate these structs to and from their protocol
// (iCalendar over CalDAV, JSON over Microsoft Graph). Nothing here knows a protocol.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace nachfass {

// A half-open interval of instants [start, end) during which the user is not free.
struct BusyInterval {
  UnixSeconds start = 0;
  UnixSeconds end = 0;
  friend bool operator==(const BusyInterval&, const BusyInterval&) = default;
};

// A reminder as Nachfass wants it to appear in the calendar.
struct ReminderEvent {
  std::string key;  // the finding key; the connector stores it in X-NACHFASS-KEY (or equivalent)
  std::string uid;  // iCalendar UID, derived from the key (reminder_uid)
  UnixSeconds start = 0;
  UnixSeconds end = 0;
  std::string time_zone;    // IANA name the event is written in (DTSTART;TZID=...), e.g.
                            // "Europe/Berlin"; empty = UTC
  std::string summary;      // "Nachfassen: Müller GmbH – Angebot Q3"
  std::string description;  // several lines: reason, waiting time, contact, link
  std::string url;          // "mid:<message-id>" (RFC 2392), may be empty
  std::vector<std::string> categories;  // e.g. {"Nachfass", "Unbeantwortet"}
  int alarm_minutes_before = 0;         // VALARM trigger relative to start; < 0 = no alarm
  bool completed = false;               // the finding went away while the reminder was already
                                        // due: kept as a record, shown as done (no alarm,
                                        // transparent)

  friend bool operator==(const ReminderEvent&, const ReminderEvent&) = default;
};

// An event read back from the reminders calendar. Only the fields Nachfass reads; the connector
// keeps whatever it needs to update the event without losing other clients' properties.
struct CalendarEvent {
  std::string href;  // the resource's identity in the calendar (CalDAV href, Graph event id)
  std::string etag;  // opaque version tag for conditional writes
  std::string uid;
  std::string nachfass_key;  // X-NACHFASS-KEY, empty when absent
  UnixSeconds start = 0;
  UnixSeconds end = 0;
  std::string summary;
  bool completed = false;  // as ReminderEvent::completed, read back
  std::string raw;         // the connector's own representation as fetched (iCalendar text)
};

// What the store remembers about a reminder Nachfass wrote: the proof of ownership. Nachfass only
// ever writes to or deletes events at an href recorded here; an event elsewhere is not its own,
// whatever its UID or X- properties say.
enum class ReminderState : std::uint8_t {
  creating,         // recorded before the create request; the event may or may not exist yet
  active,           // created (or adopted) and open
  removing,         // recorded before the delete request
  completed,        // the finding went away after the reminder was due: kept as a done record
  deleted_by_user,  // the user deleted the event by hand: not recreated while the finding stays
};
std::string_view to_string(ReminderState state);

struct OwnedReminder {
  std::string calendar;  // the calendar's id (collection URL) the reminder lives in
  std::string key;       // finding key
  std::string href;      // where the event is (or is being created)
  std::string uid;
  std::string etag;  // as last written or read; empty while creating
  ReminderState state = ReminderState::creating;
  UnixSeconds start = 0;  // as last written or observed (a time the user set by hand included)
  UnixSeconds end = 0;
  std::string fingerprint;  // reminder_fingerprint() of the event content last written
  std::string awaiting;     // Finding::awaiting when the reminder was written
  UnixSeconds updated_at = 0;

  friend bool operator==(const OwnedReminder&, const OwnedReminder&) = default;
};

// The deterministic UID of the reminder for `finding_key`: "<finding_key>@nachfass.reminder".
inline std::string reminder_uid(std::string_view finding_key) {
  return std::string(finding_key) + "@nachfass.reminder";
}

}  // namespace nachfass
