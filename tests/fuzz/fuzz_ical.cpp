// libFuzzer target: iCalendar from CalDAV servers and other clients (untrusted bytes) through
// read_event, busy_intervals and merge_reminder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caldav/ical/ical.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto event = nachfass::ical::read_event(text, "Europe/Berlin");
  if (event && event->raw != text) __builtin_trap();

  // Two weeks around 2026-07-14, what the slot finder asks for.
  constexpr nachfass::UnixSeconds from = 1'783'987'200;
  constexpr nachfass::UnixSeconds to = from + 14 * 86'400;
  const auto busy = nachfass::ical::busy_intervals(text, from, to, "Europe/Berlin");
  if (busy) {
    if (busy->size() > 10'000) __builtin_trap();
    for (const auto& interval : *busy)
      if (interval.start < from || interval.end > to || interval.start >= interval.end)
        __builtin_trap();
  }

  nachfass::ReminderEvent reminder;
  reminder.key = "u-0123456789ab";
  reminder.uid = event ? event->uid : nachfass::reminder_uid(reminder.key);
  reminder.start = from + 3600;
  reminder.end = from + 5400;
  reminder.time_zone = "Europe/Berlin";
  reminder.summary = "Nachfassen: Müller GmbH – Angebot Q3";
  reminder.alarm_minutes_before = 30;
  const auto merged = nachfass::ical::merge_reminder(text, reminder, from);
  if (merged) {
    // What merge writes must read back as the reminder.
    const auto again = nachfass::ical::read_event(*merged, "UTC");
    if (!again || again->nachfass_key != reminder.key) __builtin_trap();
  }
  return 0;
}
