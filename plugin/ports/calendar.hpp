// The calendar port: what the reminder reconciliation needs from a calendar provider. CalDAV
// (connectors/caldav) implements it; Microsoft Graph will, through the same interface.
//
// Contract
// - Every method returns Result; no exceptions. Error ids start with the provider's prefix
//   ("caldav."). Scopes that callers act on:
//     precondition_failed  a conditional write lost a race (the event exists / changed): re-read
//     collection           the calendar disappeared (404/410 on the collection): rediscover
//     account              credentials rejected (401) or access denied (403): stop, tell the user
//     transient/throttled  5xx, timeouts, 429/503 with Retry-After: retry on a later run
// - Messages are one line, name the server and the step, and never contain passwords or tokens.
// - Writes are conditional: create never overwrites, update and remove never clobber a version
//   they have not seen.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/reminder.hpp"
#include "core/rules.hpp"
#include "ports/result.hpp"

namespace nachfass {

// An event's identity and version, as a listing reports it.
struct EventVersion {
  std::string href;
  std::string etag;
};

struct WriteResult {
  std::string href;
  std::string etag;  // empty when the server did not return one (then the caller re-reads)
};

class CalendarPort {
 public:
  virtual ~CalendarPort() = default;

  // Finds the calendar reminders go into (by display name, or the configured collection URL)
  // and, when it is missing and `create_if_missing`, creates it. Returns its id (the collection
  // URL for CalDAV), stable across runs so that callers can cache it.
  virtual Result<std::string> discover(bool create_if_missing) = 0;

  // Every event resource in calendar `calendar_id` with its version: one request.
  // Error scope collection when the calendar is gone.
  virtual Result<std::vector<EventVersion>> list_versions(std::string_view calendar_id) = 0;

  // The events at `hrefs` (one request for any number). Hrefs that do not exist are left out.
  virtual Result<std::vector<CalendarEvent>> fetch(std::string_view calendar_id,
                                                   std::span<const std::string> hrefs) = 0;

  // The intervals in [from, to) during which the user is busy, over all the user's event
  // calendars except `exclude_calendar_id`: recurrences expanded, transparent and cancelled
  // events left out. Unsorted, may overlap.
  virtual Result<std::vector<BusyInterval>> busy(UnixSeconds from, UnixSeconds to,
                                                 std::string_view exclude_calendar_id) = 0;

  // The events of all the user's event calendars except `exclude_calendar_id` that overlap
  // [from, to), one item per occurrence (recurrences expanded, RECURRENCE-ID overrides replacing
  // their instance, EXDATEs left out), for the detectors (absences, seminar engagements).
  // Cancelled events and instances are left out; transparent ones are kept (all-day events are
  // usually transparent), and so are calendars marked transparent. Start and end are the
  // occurrence's own, not clipped to the range. An all-day event (DTSTART a date) starts at
  // local midnight of its first day in the user's time zone and ends at local midnight after
  // its last day, so that the local date of `start` is the first day. `uid` is the event's UID;
  // an occurrence of a recurring event (RRULE/RDATE, or an override) gets "/" and its
  // recurrence id appended (a date "20260316" for all-day events, else the UTC time
  // "20260316T090000Z"), so that every occurrence has its own stable uid. `attendees` are the
  // ATTENDEE mailto: addresses, lower-cased, without the organizer, without declined attendees,
  // rooms and resources, each once. Unsorted; an event found in two calendars is listed once
  // (same uid and start). Objects that do not parse are skipped with a warning; a calendar the
  // user may not read (403/404) likewise. Errors as for busy(). Idempotent, no writes.
  virtual Result<std::vector<CalendarItem>> items(UnixSeconds from, UnixSeconds to,
                                                  std::string_view exclude_calendar_id) = 0;

  // The href a new event named `resource_name` (e.g. "nachfass-u-0123456789ab-k3x9.ics") gets
  // in `calendar_id`. Pure: no request.
  virtual std::string resource_href(std::string_view calendar_id,
                                    std::string_view resource_name) const = 0;

  // Creates `event` at `href`, only if nothing is there (If-None-Match: *); precondition_failed
  // when something is.
  virtual Result<WriteResult> create(std::string_view href, const ReminderEvent& event) = 0;

  // Replaces the event `current` (as fetched, or as last written when `current.raw` is empty)
  // with `desired`, only if it is still at `current.etag` (If-Match); precondition_failed when
  // it changed. Properties of `current.raw` that Nachfass does not own (other clients' X-
  // properties, attendees, the user's own alarms ...) are kept.
  virtual Result<WriteResult> update(const CalendarEvent& current,
                                     const ReminderEvent& desired) = 0;

  // Deletes the event, only if it is still at `current.etag`; an event already gone is success.
  virtual Result<void> remove(const CalendarEvent& current) = 0;

  // Requests sent so far (for the no-change benchmark and tests).
  virtual std::size_t request_count() const = 0;
};

}  // namespace nachfass
