// Reminder reconciliation: the findings that should have a reminder vs the reminders Nachfass
// owns in the calendar -> the writes that make the calendar match. Pure: no I/O, no clock; the
// engine executes the plan through a CalendarPort and records each step in the store.
//
// Two phases:
//   1. plan_reminders() decides per finding key what to do (create / update / remove / complete /
//      store-only bookkeeping) and renders each event's text;
//   2. place_reminders() gives the new reminders (and reopened ones) their time: the next free
//      slot inside working hours, most urgent first, at most max_per_day per local day, around
//      the user's busy intervals and the reminders that stay where they are.
// The engine fetches busy intervals only when phase 1 left something to place.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/business_calendar.hpp"
#include "core/finding.hpp"
#include "core/reminder.hpp"

namespace nachfass {

struct ReminderSettings {
  int minutes = 30;              // event length, 5..480
  int max_per_day = 8;           // reminders per local day (kept + new), >= 1
  int alarm_minutes_before = 0;  // VALARM trigger; < 0 = no alarm
  int horizon_days = 60;         // how far ahead a free slot is searched
  int step_minutes = 15;         // slot starts are aligned to this in local time
  Language language = Language::de;
  std::string time_zone = "Europe/Berlin";  // written into the events (ReminderEvent::time_zone)
};

// The event text for a finding: SUMMARY "Nachfassen: <customer> – <subject>" ("Follow up: ..."
// in English; "Erledigt: ..." / "Done: ..." when completed), DESCRIPTION with the reason, the
// waiting time, the contact, the link and the key, URL "mid:<awaiting>" (RFC 2392; empty
// when the finding has no awaited Message-ID), categories {"Nachfass", <kind label>}.
// start/end are left 0.
ReminderEvent reminder_text(const Finding& finding, const ReminderSettings& settings,
                            bool completed);

// A stable hex digest of everything in `event` except start, end and uid: what decides whether
// the content Nachfass wrote is still what it wants.
std::string reminder_fingerprint(const ReminderEvent& event);

// An owned reminder as the calendar shows it now.
struct ObservedReminder {
  OwnedReminder owned;   // from the store
  bool present = false;  // the calendar lists an event at owned.href
  // Set when the calendar's etag differs from owned.etag and the event was fetched anew (the
  // user or another client changed it: moved it, edited it).
  std::optional<CalendarEvent> fetched;
  // The finding as last known, when it is no longer among the open findings (dismissed,
  // snoozed, answered): gives a reminder that is marked done its full text. Optional; without it
  // the done text is built from the fetched summary (or the key) and a generic description.
  std::optional<Finding> last_known;
};

enum class ReminderActionKind : std::uint8_t {
  create,    // write a new event at `href` (If-None-Match); needs a slot unless `placed`
  update,    // rewrite the event at `href` (If-Match); `event` holds the full desired event
  remove,    // delete the event at `href` (If-Match); the finding went away before it was due
  complete,  // rewrite as completed (update with event.completed); it went away after it was due
  record,    // store only: `owned` is the new bookkeeping row (adopted, moved by the user, ...)
  forget,    // store only: drop the bookkeeping row for `key`
};
std::string_view to_string(ReminderActionKind kind);

struct ReminderAction {
  ReminderActionKind kind = ReminderActionKind::create;
  std::string key;
  std::string href;     // create: the owned href when a row exists, else empty (engine names it)
  ReminderEvent event;  // create / update / complete: the event to write
  // create / update: false while the event still needs a time from place_reminders().
  bool placed = true;
  int urgency = 0;                       // Finding::severity, for placement order
  UnixSeconds since = 0;                 // Finding::since, placement tie-break (older first)
  std::string awaiting;                  // Finding::awaiting, for the store row
  std::optional<CalendarEvent> current;  // update / complete / remove: the event as fetched, when
                                         // it was (its raw keeps other clients' properties)
  OwnedReminder owned;                   // record: the row to store; otherwise the row as it was
  std::string why;  // one short phrase for the dry-run table: "new finding", "thread answered",
                    // "reason changed", "moved by the user", "deleted by the user" ...
};

struct ReminderPlan {
  std::vector<ReminderAction> actions;  // in key order
  std::size_t unchanged = 0;            // owned reminders that need nothing
  // Intervals occupied by reminders that stay where they are (open ones, including creates that
  // come back at their recorded time), for placement; place_reminders() appends the slots it
  // gives.
  std::vector<BusyInterval> kept;
};

// Phase 1. `findings`: the open findings to remind of (already without dismissed and snoozed
// ones). `observed`: every reminder the store owns in this calendar. `now` decides between
// remove (reminder still ahead) and complete (already due).
//
// Per key ("present": the calendar lists the row's href; "time": the fetched start/end when they
// differ from the row's, i.e. the user moved it, else the row's; "changed": the desired
// fingerprint differs from row.fingerprint):
//   finding, no row                  create (unplaced, href empty)
//   finding, creating / removing / deleted_by_user, present
//                                    record (adopted: active, fetched etag and time), and an
//                                    update at that time when changed
//   finding, active, present         changed: update at the time (current = fetched, if any);
//                                    else moved or etag changed: record (new time / etag only:
//                                    another client's edit is left alone); else unchanged
//   finding, active, absent          awaiting as in the row: record deleted_by_user; a new
//                                    awaited message: create at the same href (unplaced)
//   finding, creating / removing, absent
//                                    create at the same href, at the row's time when that is
//                                    still ahead, else unplaced
//   finding, deleted_by_user, absent awaiting as in the row: unchanged; else create at the same
//                                    href (unplaced)
//   finding, completed               present: update, reopened and unplaced (a fresh slot);
//                                    absent: create at the same href (unplaced)
//   no finding, active / creating / deleted_by_user, present
//                                    time ahead of `now`: remove; else complete at the time
//   no finding, removing, present    remove
//   no finding, completed, present   unchanged (a done record)
//   no finding, absent (any state)   forget
// An event at a row's href whose UID is not the row's is someone else's: the row is forgotten
// and, for a finding, a create with an empty href follows (never an update of that event).
// Several findings with one key: the first counts; findings and rows with an empty key are
// skipped. Actions are in key order; a key has one action, or record + update (adoption), or
// forget + create (someone else's event).
ReminderPlan plan_reminders(std::span<const Finding> findings,
                            std::span<const ObservedReminder> observed,
                            const ReminderSettings& settings, UnixSeconds now);

// Applying a plan (the engine's part), so that a crash between any two steps is repaired by the
// next plan_reminders() + apply, with no duplicate and nothing missing. Per action, in order:
//   create    save row_before_write() (state creating, the href, the content's fingerprint),
//             then create the event at that href, then save row_after_write() (active, etag).
//             A crash in between leaves a `creating` row: the next plan adopts the event when the
//             calendar shows it, else creates it again at the same href.
//   update    save row_before_write() (active, the new time, the OLD fingerprint), then update,
//             then save row_after_write() (the new fingerprint, etag, awaiting). The new
//             fingerprint must not be saved before the write succeeded: a row that claims the
//             new content would make the next plan see nothing to do.
//   complete  as update; row_before_write() keeps the row active (a `completed` row in front of
//             an event still open would never be completed), row_after_write() is completed.
//   remove    save row_before_write() (state removing), then remove, then forget the row.
//   record    save `owned`.           forget    forget the row for `key`.
// An update / complete / remove without `current` goes to the row's href at the row's etag.
// After a failed calendar write the row saved before it stays as it is; the next plan repairs.
// `calendar` is the calendar id of the rows, `href` where the event is (for a create without
// href: the one the engine named), `now` goes into updated_at.
OwnedReminder row_before_write(const ReminderAction& action, std::string_view calendar,
                               std::string_view href, UnixSeconds now);
// The row after the calendar write of a create / update / complete succeeded; `etag` as the
// server returned it (empty when it returned none: the next plan reads it back and records it).
OwnedReminder row_after_write(const ReminderAction& action, std::string_view calendar,
                              std::string_view href, std::string_view etag, UnixSeconds now);

// Phase 2: fills start/end of every unplaced create/update in `plan`, most urgent first
// (urgency desc, since asc, key asc). A slot is [t, t + minutes) with t >= now aligned to
// step_minutes in local time, inside one working interval of `calendar`, overlapping neither
// `busy` nor plan.kept nor slots given earlier, on a local day with fewer than max_per_day
// reminders (kept + given). Actions for which no slot exists within horizon_days are removed
// from the plan and returned as warnings ("no free slot within <n> days for <key>").
// Local time (alignment, days) is the calendar's zone; "within horizon_days" means the slot
// starts before now + horizon_days x 24 h. Cost: sorting busy + kept, then one forward sweep
// (each reminder's earliest slot is never before the previous one's end), so
// O((busy + kept) log + reminders + working days) with a tz look-up per candidate.
std::vector<std::string> place_reminders(ReminderPlan& plan, std::span<const BusyInterval> busy,
                                         const BusinessCalendar& calendar,
                                         const ReminderSettings& settings, UnixSeconds now);

}  // namespace nachfass
