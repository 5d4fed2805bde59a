#include "engine/reminders.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>
#include <utility>

#include "imap/sync/imap_sync.hpp"

namespace nachfass::engine {

namespace {

constexpr std::string_view salt_cursor = "reminders:salt";
constexpr std::string_view calendar_cursor_prefix = "reminders:calendar:";

// A short random suffix per state file, so that the hrefs Nachfass creates cannot be guessed
// (and so never collide with an event another program put at a predictable name).
Result<std::string> href_salt(Store& store) {
  auto stored = store.get_cursor(salt_cursor);
  if (!stored) return stored.error();
  if (*stored && !(*stored)->empty()) return **stored;
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::random_device device;
  std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 2);
  std::string salt;
  for (int i = 0; i < 8; ++i) salt += alphabet[pick(device)];
  if (auto saved = store.set_cursor(salt_cursor, salt); !saved) return saved.error();
  return salt;
}

// Execution order: bookkeeping first, then deletions and rewrites, then new events.
int phase(ReminderActionKind kind) {
  switch (kind) {
    case ReminderActionKind::record:
    case ReminderActionKind::forget:
      return 0;
    case ReminderActionKind::remove:
      return 1;
    case ReminderActionKind::complete:
    case ReminderActionKind::update:
      return 2;
    case ReminderActionKind::create:
      return 3;
  }
  return 3;
}

class Runner {
 public:
  Runner(Store& store, CalendarPort& port, UnixSeconds now, const ReminderWarningFn& warning,
         ReminderRunReport& report)
      : store_(store), port_(port), now_(now), warning_(warning), report_(report) {}

  Result<void> execute(const ReminderAction& action) {
    switch (action.kind) {
      case ReminderActionKind::record:
        return store_.save_reminder(stamped(action.owned));
      case ReminderActionKind::forget:
        return store_.forget_reminder(report_.calendar, action.key);
      case ReminderActionKind::create:
        return create(action);
      case ReminderActionKind::update:
      case ReminderActionKind::complete:
        return update(action);
      case ReminderActionKind::remove:
        return remove(action);
    }
    return {};
  }

 private:
  OwnedReminder stamped(OwnedReminder row) const {
    row.updated_at = now_;
    return row;
  }

  // The event an update or remove goes to: as fetched, else as last written (the row's href and
  // etag; an empty raw makes the connector render the event afresh).
  static CalendarEvent current_event(const ReminderAction& action) {
    if (action.current) return *action.current;
    CalendarEvent current;
    current.href = action.owned.href;
    current.etag = action.owned.etag;
    current.uid = action.owned.uid;
    return current;
  }

  void warn(const std::string& text) {
    report_.warnings.push_back(text);
    if (warning_) warning_(text);
  }

  // The event now at `href`, read anew; nullopt when it is gone.
  Result<std::optional<CalendarEvent>> reread(const std::string& href) {
    const std::string hrefs[] = {href};
    auto fetched = port_.fetch(report_.calendar, hrefs);
    if (!fetched) return fetched.error();
    for (auto& event : *fetched) {
      if (event.href == href) return std::optional<CalendarEvent>(std::move(event));
    }
    return std::optional<CalendarEvent>();
  }

  Result<void> create(const ReminderAction& action) {
    std::string href = action.href;
    if (href.empty()) {
      auto salt = href_salt(store_);
      if (!salt) return salt.error();
      href = port_.resource_href(report_.calendar, "nachfass-" + action.key + "-" + *salt + ".ics");
    }
    // The row first: a crash after the write finds the event at this href and adopts it.
    OwnedReminder row = row_before_write(action, report_.calendar, href, now_);
    if (auto saved = store_.save_reminder(row); !saved) return saved.error();
    auto written = port_.create(href, action.event);
    if (!written) {
      if (written.error().scope != ErrorScope::precondition_failed) return written.error();
      // Something is at our href already: a create of ours whose answer was lost.
      auto current = reread(href);
      if (!current) return current.error();
      if (!*current || (*current)->uid != action.event.uid) {
        warn("[reminders.href_taken] " + href +
             " holds an event Nachfass did not write; it is left alone and the reminder for " +
             action.key + " is skipped");
        return store_.forget_reminder(report_.calendar, action.key);
      }
      row.state = ReminderState::active;
      row.etag = (*current)->etag;
      row.start = (*current)->start;
      row.end = (*current)->end;
      row.fingerprint.clear();  // unknown content: the next run compares and rewrites if needed
      ++report_.created;
      return store_.save_reminder(row);
    }
    ++report_.created;
    return store_.save_reminder(
        row_after_write(action, report_.calendar, href, written->etag, now_));
  }

  Result<void> update(const ReminderAction& action) {
    const bool completing = action.kind == ReminderActionKind::complete;
    CalendarEvent current = current_event(action);
    ReminderEvent desired = action.event;
    // The old fingerprint stays until the write succeeded: a crash in between makes the next
    // run see the difference and write again.
    if (auto saved =
            store_.save_reminder(row_before_write(action, report_.calendar, current.href, now_));
        !saved)
      return saved.error();
    for (int attempt = 0;; ++attempt) {
      auto written = port_.update(current, desired);
      if (written) {
        OwnedReminder row =
            row_after_write(action, report_.calendar, current.href, written->etag, now_);
        row.start = desired.start;
        row.end = desired.end;
        completing ? ++report_.completed : ++report_.updated;
        return store_.save_reminder(row);
      }
      if (written.error().scope != ErrorScope::precondition_failed || attempt > 0)
        return written.error();
      // Another client changed the event since we read it: take its version (its properties
      // are kept by the merge; a time it set wins) and try once more.
      auto fresh = reread(current.href);
      if (!fresh) return fresh.error();
      if (!*fresh) {
        warn("[reminders.gone] the reminder for " + action.key +
             " was deleted while it was being updated; it is not recreated");
        OwnedReminder row = action.owned;
        row.state = ReminderState::deleted_by_user;
        return store_.save_reminder(stamped(row));
      }
      if ((*fresh)->start != action.owned.start || (*fresh)->end != action.owned.end) {
        desired.start = (*fresh)->start;
        desired.end = (*fresh)->end;
      }
      current = std::move(**fresh);
    }
  }

  Result<void> remove(const ReminderAction& action) {
    CalendarEvent current = current_event(action);
    OwnedReminder row = row_before_write(action, report_.calendar, current.href, now_);
    if (auto saved = store_.save_reminder(row); !saved) return saved.error();
    auto removed = port_.remove(current);
    if (removed) {
      ++report_.removed;
      return store_.forget_reminder(report_.calendar, action.key);
    }
    if (removed.error().scope != ErrorScope::precondition_failed) return removed.error();
    // Changed by someone else since we read it: their change is kept, the reminder is marked
    // done instead of deleted.
    auto fresh = reread(current.href);
    if (!fresh) return fresh.error();
    if (!*fresh) {
      ++report_.removed;
      return store_.forget_reminder(report_.calendar, action.key);
    }
    ReminderEvent done = action.event;
    done.completed = true;
    done.alarm_minutes_before = -1;
    done.start = (*fresh)->start;
    done.end = (*fresh)->end;
    auto written = port_.update(**fresh, done);
    if (!written) return written.error();
    row.state = ReminderState::completed;
    row.etag = written->etag;
    row.start = done.start;
    row.end = done.end;
    row.fingerprint = reminder_fingerprint(done);
    ++report_.completed;
    return store_.save_reminder(stamped(row));
  }

  Store& store_;
  CalendarPort& port_;
  UnixSeconds now_;
  const ReminderWarningFn& warning_;
  ReminderRunReport& report_;
};

}  // namespace

Result<ReminderRunReport> run_reminders(Store& store, CalendarPort& port,
                                        std::span<const Finding> findings,
                                        const BusinessCalendar& calendar,
                                        const ReminderRunOptions& options, UnixSeconds now,
                                        const ReminderWarningFn& warning) {
  ReminderRunReport report;
  const std::size_t requests_before = port.request_count();
  const std::string cache_key = std::string(calendar_cursor_prefix) + options.calendar_cache_key;

  // 1. The calendar: cached id, else discovery (creating it unless this is a dry run).
  auto cached = store.get_cursor(cache_key);
  if (!cached) return cached.error();
  bool from_cache = *cached && !(*cached)->empty();
  bool calendar_missing = false;
  if (from_cache) {
    report.calendar = **cached;
  } else {
    auto found = port.discover(options.create_calendar && !options.dry_run);
    if (!found) {
      if (!(options.dry_run && found.error().scope == ErrorScope::collection)) return found.error();
      calendar_missing = true;  // a dry run plans against the calendar it would create
    } else {
      report.calendar = *found;
      if (!options.dry_run) {
        if (auto saved = store.set_cursor(cache_key, report.calendar); !saved) return saved.error();
      }
    }
  }

  // 2. What the calendar holds: one listing of hrefs and etags.
  std::vector<EventVersion> versions;
  if (!calendar_missing) {
    auto listed = port.list_versions(report.calendar);
    if (!listed && listed.error().scope == ErrorScope::collection && from_cache) {
      // The calendar disappeared: its events went with it. Find (or make) it again; the rows of
      // the old one describe nothing any more.
      if (!options.dry_run) {
        if (auto cleared = store.clear_cursor(cache_key); !cleared) return cleared.error();
        auto stale = store.reminders(report.calendar);
        if (!stale) return stale.error();
        for (const auto& row : *stale) {
          if (auto forgot = store.forget_reminder(row.calendar, row.key); !forgot)
            return forgot.error();
        }
      }
      auto found = port.discover(options.create_calendar && !options.dry_run);
      if (!found) return found.error();
      report.calendar = *found;
      if (!options.dry_run) {
        if (auto saved = store.set_cursor(cache_key, report.calendar); !saved) return saved.error();
      }
      listed = port.list_versions(report.calendar);
    }
    if (!listed) return listed.error();
    versions = std::move(*listed);
  }

  // 3. The rows the store owns here, and a fresh read of those the calendar changed.
  std::vector<OwnedReminder> rows;
  if (!calendar_missing) {
    auto owned = store.reminders(report.calendar);
    if (!owned) return owned.error();
    rows = std::move(*owned);
  }
  std::unordered_map<std::string, std::string> etag_of;
  for (auto& version : versions) etag_of.emplace(version.href, std::move(version.etag));
  std::vector<std::string> changed;
  for (const auto& row : rows) {
    auto it = etag_of.find(row.href);
    if (it != etag_of.end() && (row.etag.empty() || it->second != row.etag))
      changed.push_back(row.href);
  }
  std::unordered_map<std::string, CalendarEvent> fetched;
  if (!changed.empty()) {
    auto events = port.fetch(report.calendar, changed);
    if (!events) return events.error();
    for (auto& event : *events) {
      auto it = etag_of.find(event.href);
      if (event.etag.empty() && it != etag_of.end()) event.etag = it->second;
      fetched.emplace(event.href, std::move(event));
    }
  }
  // The last known text of findings that went away, for reminders marked done.
  std::unordered_map<std::string, Finding> last_known;
  {
    std::unordered_map<std::string_view, bool> open;
    for (const auto& f : findings) open.emplace(f.key, true);
    bool any_gone = false;
    for (const auto& row : rows) any_gone = any_gone || !open.contains(row.key);
    if (any_gone) {
      auto stored = store.stored_findings();
      if (!stored) return stored.error();
      for (auto& s : *stored) {
        if (!open.contains(s.finding.key)) last_known.emplace(s.finding.key, std::move(s.finding));
      }
    }
  }
  std::vector<ObservedReminder> observed;
  observed.reserve(rows.size());
  for (auto& row : rows) {
    ObservedReminder o;
    o.present = etag_of.contains(row.href);
    if (auto it = fetched.find(row.href); it != fetched.end()) o.fetched = std::move(it->second);
    if (auto it = last_known.find(row.key); it != last_known.end()) o.last_known = it->second;
    o.owned = std::move(row);
    observed.push_back(std::move(o));
  }

  // 4. The plan, and times for what it creates or reopens.
  ReminderPlan plan = plan_reminders(findings, observed, options.settings, now);
  report.unchanged = plan.unchanged;
  const bool needs_slots = std::any_of(plan.actions.begin(), plan.actions.end(),
                                       [](const ReminderAction& a) { return !a.placed; });
  if (needs_slots) {
    std::vector<BusyInterval> busy;
    const UnixSeconds horizon = now + std::int64_t{options.settings.horizon_days} * 86400;
    auto found = port.busy(now, horizon, report.calendar);
    if (!found) {
      if (found.error().scope == ErrorScope::account) return found.error();
      const std::string text = "[reminders.busy] the other calendars could not be read (" +
                               found.error().to_string() +
                               "); reminders are placed in working hours without them";
      report.warnings.push_back(text);
      if (warning) warning(text);
    } else {
      busy = std::move(*found);
    }
    // A full calendar leaves many reminders without a slot: name a few, count the rest.
    constexpr std::size_t named = 3;
    auto unplaced = place_reminders(plan, busy, calendar, options.settings, now);
    for (std::size_t i = 0; i < unplaced.size(); ++i) {
      if (i == named) {
        const std::string text = "[reminders.no_slot] " + std::to_string(unplaced.size() - named) +
                                 " more reminders found no free slot; they are tried again on "
                                 "the next run (raise [calendar] max_per_day for more per day)";
        if (warning) warning(text);
        report.warnings.push_back(text);
      }
      if (i < named && warning) warning(unplaced[i]);
      report.warnings.push_back(std::move(unplaced[i]));
    }
  }
  std::stable_sort(plan.actions.begin(), plan.actions.end(),
                   [](const ReminderAction& a, const ReminderAction& b) {
                     return phase(a.kind) < phase(b.kind);
                   });
  report.actions = plan.actions;

  if (options.dry_run) {
    for (const auto& action : plan.actions) {
      switch (action.kind) {
        case ReminderActionKind::create:
          ++report.created;
          break;
        case ReminderActionKind::update:
          ++report.updated;
          break;
        case ReminderActionKind::remove:
          ++report.removed;
          break;
        case ReminderActionKind::complete:
          ++report.completed;
          break;
        default:
          break;
      }
    }
    report.requests = port.request_count() - requests_before;
    return report;
  }

  // 5. Execute, one action at a time; each store write commits on its own.
  Runner runner(store, port, now, warning, report);
  for (const auto& action : plan.actions) {
    auto done = runner.execute(action);
    if (!done) {
      const ErrorScope scope = done.error().scope;
      if (scope == ErrorScope::item || scope == ErrorScope::precondition_failed) {
        const std::string text =
            done.error().to_string() + " (reminder " + action.key + "; the next run tries again)";
        report.warnings.push_back(text);
        if (warning) warning(text);
        continue;
      }
      return done.error();
    }
  }
  report.requests = port.request_count() - requests_before;
  return report;
}

ReminderSettings reminder_settings(const Config& config) {
  ReminderSettings settings;
  settings.minutes = config.calendar.reminder_minutes;
  settings.max_per_day = config.calendar.max_per_day;
  settings.alarm_minutes_before = config.calendar.alarm_minutes_before;
  settings.language = config.user.language;
  settings.time_zone = config.user.time_zone;
  return settings;
}

Result<std::string> calendar_secret(const CalendarConfig& config) {
  if (config.password_env.empty() && config.password_file.empty() && !config.keyring) {
    if (config.username.empty()) return std::string();
    return make_error(ErrorScope::account, "calendar.password",
                      "no password configured for " + config.username + " at " + config.url +
                          " — set password_env, password_file or keyring in [calendar]");
  }
  // The same sources and rules as the mail password; only the wording of the section differs.
  ImapConfig as_mail;
  as_mail.host = config.url;
  as_mail.username = config.username;
  as_mail.password_env = config.password_env;
  as_mail.password_file = config.password_file;
  as_mail.keyring = config.keyring;
  auto secret = imap::resolve_password(as_mail);
  if (!secret) {
    Error error = secret.error();
    if (error.id == "imap.password") error.id = "calendar.password";
    error.message += " ([calendar])";
    return error;
  }
  return secret;
}

}  // namespace nachfass::engine
