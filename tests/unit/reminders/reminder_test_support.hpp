// Shared by the reminder tests: instants written with their offset, findings, and a tiny
// in-memory calendar + store that applies a plan the way the engine does (reconcile.hpp's apply
// protocol), one step at a time, so a test can stop it after any step.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/business_calendar.hpp"
#include "core/reconcile.hpp"

namespace nachfass::test {

// "2026-11-16 09:00 +01:00": an instant written with its offset, so the expectations do not
// depend on the tz database under test.
inline UnixSeconds at(const char* text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, oh = 0, om = 0;
  char sign = '+';
  if (std::sscanf(text, "%d-%d-%d %d:%d %c%d:%d", &y, &mo, &d, &h, &mi, &sign, &oh, &om) != 8) {
    ADD_FAILURE() << "bad instant " << text;
    return 0;
  }
  const std::chrono::year_month_day date{std::chrono::year{y},
                                         std::chrono::month{static_cast<unsigned>(mo)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t offset = (oh * 60 + om) * 60 * (sign == '-' ? -1 : 1);
  return days * 86400 + h * 3600 + mi * 60 - offset;
}

inline Finding finding(std::string key, int severity = 50, UnixSeconds since = 0,
                       std::string awaiting = "") {
  Finding f;
  f.key = key;
  f.customer = "Kunde " + key;
  f.contact = "kontakt@" + key + ".example";
  f.contact_name = "Kontakt " + key;
  f.subject = "Angebot " + key;
  f.thread_root = key + "@root.example";
  f.awaiting = awaiting.empty() ? key + "-1@mail.example" : std::move(awaiting);
  f.since = since != 0 ? since : at("2026-11-02 09:00 +01:00");
  f.waiting_business_days = 10;
  f.severity = severity;
  f.reason = "Kontakt " + key + " wartet seit 10 Werktagen auf Antwort";
  return f;
}

// The calendar and the store of one account, in memory.
class FakeWorld {
 public:
  struct Stored {
    ReminderEvent event;
    std::string etag;
  };
  std::map<std::string, Stored> calendar;      // href -> event
  std::map<std::string, OwnedReminder> store;  // key -> row
  std::string calendar_id = "https://dav.example/cal/nachfass/";
  int calendar_writes = 0;
  int store_writes = 0;
  bool return_etags = true;  // false: the server returns no ETag on writes

  // What the engine observes before planning: each row with presence and, when the etag
  // differs, the event as fetched.
  std::vector<ObservedReminder> observe() const {
    std::vector<ObservedReminder> observed;
    for (const auto& [key, row] : store) {
      ObservedReminder o;
      o.owned = row;
      const auto it = calendar.find(row.href);
      o.present = it != calendar.end();
      if (o.present && it->second.etag != row.etag) o.fetched = fetched(it->first);
      observed.push_back(std::move(o));
    }
    return observed;
  }

  CalendarEvent fetched(const std::string& href) const {
    const Stored& stored = calendar.at(href);
    CalendarEvent event;
    event.href = href;
    event.etag = stored.etag;
    event.uid = stored.event.uid;
    event.nachfass_key = stored.event.key;
    event.start = stored.event.start;
    event.end = stored.event.end;
    event.summary = stored.event.summary;
    event.completed = stored.event.completed;
    event.raw = "BEGIN:VEVENT ... " + stored.event.summary;
    return event;
  }

  // Another client changes the event at `href` (the user moves it, edits it).
  void edit_by_user(const std::string& href, UnixSeconds start, UnixSeconds end) {
    Stored& stored = calendar.at(href);
    stored.event.start = start;
    stored.event.end = end;
    stored.etag = next_etag();
  }

  // Applies `plan` step by step (one store write or one calendar request is one step); stops
  // after `max_steps` steps, as a SIGKILL would. Returns the number of steps taken.
  int apply(const ReminderPlan& plan, UnixSeconds now, int max_steps = 1 << 30) {
    int steps = 0;
    const auto step = [&] { return ++steps <= max_steps; };
    for (const ReminderAction& action : plan.actions) {
      switch (action.kind) {
        case ReminderActionKind::record:
          if (!step()) return max_steps;
          save(action.owned);
          break;
        case ReminderActionKind::forget:
          if (!step()) return max_steps;
          store.erase(action.key);
          ++store_writes;
          break;
        case ReminderActionKind::create: {
          const std::string href = action.href.empty()
                                       ? calendar_id + "nachfass-" + action.key + "-" +
                                             std::to_string(++href_counter_) + ".ics"
                                       : action.href;
          if (!step()) return max_steps;
          save(row_before_write(action, calendar_id, href, now));
          if (!step()) return max_steps;
          if (calendar.contains(href)) break;  // 412: the next run sorts it out
          const std::string etag = next_etag();
          calendar[href] = Stored{action.event, etag};
          ++calendar_writes;
          if (!step()) return max_steps;
          save(row_after_write(action, calendar_id, href, return_etags ? etag : "", now));
          break;
        }
        case ReminderActionKind::update:
        case ReminderActionKind::complete: {
          if (!step()) return max_steps;
          save(row_before_write(action, calendar_id, action.href, now));
          if (!step()) return max_steps;
          const std::string expected = action.current ? action.current->etag : action.owned.etag;
          const auto it = calendar.find(action.href);
          if (it == calendar.end() || it->second.etag != expected) break;  // 404 / 412
          const std::string etag = next_etag();
          it->second = Stored{action.event, etag};
          ++calendar_writes;
          if (!step()) return max_steps;
          save(row_after_write(action, calendar_id, action.href, return_etags ? etag : "", now));
          break;
        }
        case ReminderActionKind::remove: {
          if (!step()) return max_steps;
          save(row_before_write(action, calendar_id, action.href, now));
          if (!step()) return max_steps;
          const std::string expected = action.current ? action.current->etag : action.owned.etag;
          const auto it = calendar.find(action.href);
          if (it != calendar.end()) {
            if (it->second.etag != expected) break;  // 412
            calendar.erase(it);
            ++calendar_writes;
          }
          if (!step()) return max_steps;
          store.erase(action.key);
          ++store_writes;
          break;
        }
      }
    }
    return steps;
  }

 private:
  void save(const OwnedReminder& row) {
    store[row.key] = row;
    ++store_writes;
  }
  std::string next_etag() { return "\"e" + std::to_string(++etag_counter_) + "\""; }

  int etag_counter_ = 0;
  int href_counter_ = 0;
};

}  // namespace nachfass::test
