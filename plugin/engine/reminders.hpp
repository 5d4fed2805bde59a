// The reminder runner: executes the core's reconciliation plan (core/reconcile.hpp) against a
// calendar through the CalendarPort, recording every step in the store first.
//
// Crash safety: before each calendar write the store row that describes it is committed
// (creating / removing, with the href the event gets), and after the write the row is updated.
// A process killed between the two leaves a row whose outcome the next run reads off the
// calendar (the event is there or not), so a rerun converges on exactly the desired set: no
// duplicate (an href is fixed before the first attempt and creates are If-None-Match), nothing
// missing (a creating row without an event is created again). Events at hrefs the store does not
// hold are never written to or deleted.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/business_calendar.hpp"
#include "core/finding.hpp"
#include "core/reconcile.hpp"
#include "ports/calendar.hpp"
#include "ports/result.hpp"
#include "store/store.hpp"

namespace nachfass::engine {

struct ReminderRunOptions {
  ReminderSettings settings;
  bool create_calendar = true;  // MKCALENDAR when the configured calendar is missing
  bool dry_run = false;         // plan only: no calendar write, no store write
  // Identifies the configured calendar in the store's cache ("<url>|<display name>"), so that a
  // changed config does not reuse another calendar's id.
  std::string calendar_cache_key;
};

struct ReminderRunReport {
  std::string calendar;                 // the calendar's id (collection URL)
  std::vector<ReminderAction> actions;  // the plan, placed (what was or would be done)
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t removed = 0;
  std::size_t completed = 0;
  std::size_t unchanged = 0;
  std::size_t requests = 0;  // calendar requests of this run
  std::vector<std::string> warnings;
};

using ReminderWarningFn = std::function<void(std::string_view)>;

// Reconciles the reminders of `findings` (open, neither dismissed nor snoozed) with the calendar
// behind `port`, as of `now`. Errors: the port's (caldav.*; scope account for credentials, etc.)
// and the store's. A write that loses a race (precondition_failed) is re-read and resolved in
// this run where it can be, else left for the next run with a warning.
Result<ReminderRunReport> run_reminders(Store& store, CalendarPort& port,
                                        std::span<const Finding> findings,
                                        const BusinessCalendar& calendar,
                                        const ReminderRunOptions& options, UnixSeconds now,
                                        const ReminderWarningFn& warning);

// The settings [calendar] and [user] give.
ReminderSettings reminder_settings(const Config& config);

// The calendar secret from [calendar] password_env / password_file / keyring, as for [mail]
// (same rules, chmod 600 for files); an empty string when neither a username nor a source is
// configured (a server without authentication). Errors (scope account): calendar.password.
Result<std::string> calendar_secret(const CalendarConfig& config);

}  // namespace nachfass::engine
