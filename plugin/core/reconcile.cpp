#include "core/reconcile.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <tuple>
#include <utility>

#include <date/tz.h>

namespace nachfass {

std::string_view to_string(ReminderActionKind kind) {
  switch (kind) {
    case ReminderActionKind::create:
      return "create";
    case ReminderActionKind::update:
      return "update";
    case ReminderActionKind::remove:
      return "remove";
    case ReminderActionKind::complete:
      return "complete";
    case ReminderActionKind::record:
      return "record";
    case ReminderActionKind::forget:
      return "forget";
  }
  return "create";
}

namespace {

constexpr std::int64_t kDay = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

const date::time_zone* find_zone(std::string_view name) {
  try {
    return date::locate_zone(name.empty() ? std::string_view("UTC") : name);
  } catch (const std::exception&) {
    return date::locate_zone("UTC");
  }
}

// One line of event text: control characters (line breaks, tabs) become spaces, runs of spaces
// collapse, both ends trimmed. UTF-8 sequences pass unchanged.
std::string one_line(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool blank = byte < 0x20 || byte == 0x7f || c == ' ';
    if (blank) {
      if (!line.empty() && line.back() != ' ') line.push_back(' ');
    } else {
      line.push_back(c);
    }
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string_view kind_label(FindingKind kind, Language language) {
  const bool de = language == Language::de;
  switch (kind) {
    case FindingKind::unanswered:
      return de ? "Unbeantwortet" : "Unanswered";
    case FindingKind::stalled:
      return de ? "Ins Stocken geraten" : "Stalled";
    case FindingKind::lapsing:
      return de ? "Auslaufend" : "Lapsing";
    case FindingKind::quiet:
      return de ? "Still geworden" : "Gone quiet";
    case FindingKind::absence:
      return de ? "Abwesenheit" : "Absence";
  }
  return de ? "Unbeantwortet" : "Unanswered";
}

std::string_view open_prefix(Language language) {
  return language == Language::de ? "Nachfassen: " : "Follow up: ";
}
std::string_view done_prefix(Language language) {
  return language == Language::de ? "Erledigt: " : "Done: ";
}

// "Mo, 16.11.2026 09:12" / "Mon 16 Nov 2026 09:12", in `zone`.
std::string local_time_text(UnixSeconds instant, const date::time_zone* zone, Language language) {
  constexpr std::array<std::string_view, 7> kDe{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"};
  constexpr std::array<std::string_view, 7> kEn{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const date::sys_seconds utc{std::chrono::seconds{instant}};
  const std::int64_t local = zone->to_local(utc).time_since_epoch().count();
  const std::int64_t days = floor_div(local, kDay);
  const std::int64_t minute_of_day = (local - days * kDay) / 60;
  const std::chrono::sys_days day{std::chrono::days{days}};
  const std::chrono::year_month_day ymd{day};
  const unsigned weekday = std::chrono::weekday{day}.c_encoding();
  const int year = static_cast<int>(ymd.year());
  const unsigned month = static_cast<unsigned>(ymd.month());
  const unsigned dom = static_cast<unsigned>(ymd.day());
  const int hour = static_cast<int>(minute_of_day / 60);
  const int minute = static_cast<int>(minute_of_day % 60);
  std::array<char, 64> buffer{};
  if (language == Language::de) {
    std::snprintf(buffer.data(), buffer.size(), "%s, %02u.%02u.%04d %02d:%02d",
                  std::string(kDe[weekday]).c_str(), dom, month, year, hour, minute);
  } else {
    std::snprintf(buffer.data(), buffer.size(), "%s %u %s %04d %02d:%02d",
                  std::string(kEn[weekday]).c_str(), dom, std::string(kMonths[month - 1]).c_str(),
                  year, hour, minute);
  }
  return buffer.data();
}

// RFC 2392: a Message-ID in a mid: URL is %-encoded where URL syntax needs it.
std::string mid_url(std::string_view message_id) {
  constexpr std::string_view kPlain =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@";
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string url = "mid:";
  for (const char c : message_id) {
    if (kPlain.find(c) != std::string_view::npos) {
      url.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      url.push_back('%');
      url.push_back(kHex[byte >> 4]);
      url.push_back(kHex[byte & 0x0f]);
    }
  }
  return url;
}

std::string key_line(std::string_view key, Language language) {
  std::string line = language == Language::de ? "Schlüssel: " : "Key: ";
  line += key;
  line += language == Language::de ? " – ausblenden mit „nachfass dismiss "
                                   : " – dismiss it with \"nachfass dismiss ";
  line += key;
  line += language == Language::de ? "“" : "\"";
  return line;
}

std::string_view done_line(Language language) {
  return language == Language::de ? "Erledigt: Dieser Hinweis ist nicht mehr offen."
                                  : "Done: this follow-up is no longer open.";
}

// --- fingerprint ---------------------------------------------------------------------------

class Fnv1a64 {
 public:
  void bytes(std::string_view data) {
    for (const char c : data) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
  }
  void number(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      hash_ ^= (value >> (8 * i)) & 0xffU;
      hash_ *= 0x100000001b3ULL;
    }
  }
  void text(std::string_view data) {
    number(data.size());
    bytes(data);
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// --- planning ------------------------------------------------------------------------------

struct Desired {
  const Finding* finding = nullptr;
  ReminderEvent event;
  std::string fingerprint;
};

bool same_time(UnixSeconds start, UnixSeconds end, const OwnedReminder& row) {
  return start == row.start && end == row.end;
}

class Planner {
 public:
  Planner(ReminderPlan& plan, const ReminderSettings& settings, UnixSeconds now)
      : plan_(plan), settings_(settings), now_(now) {}

  void plan_key(const Desired* desired, const ObservedReminder* observed) {
    if (observed == nullptr) {
      if (desired != nullptr) create(*desired, "", nullptr, "new finding");
      return;
    }
    const OwnedReminder& row = observed->owned;
    const CalendarEvent* fetched =
        observed->present && observed->fetched ? &*observed->fetched : nullptr;
    const std::string own_uid = row.uid.empty() ? reminder_uid(row.key) : row.uid;
    if (fetched != nullptr && !fetched->uid.empty() && fetched->uid != own_uid) {
      // Whatever sits at this href is not the event Nachfass wrote (a create lost a race and
      // another client's event is there): it is never touched. The row goes; the finding gets a
      // new event under a new name.
      push(ReminderActionKind::forget, row, "someone else's event at this href");
      if (desired != nullptr) create(*desired, "", &row, "new finding");
      return;
    }
    switch (row.state) {
      case ReminderState::creating:
        if (observed->present) {
          open_present(desired, *observed, fetched, true, "creation confirmed");
        } else if (desired != nullptr) {
          create(*desired, row.href, &row, "creation interrupted", true);
        } else {
          push(ReminderActionKind::forget, row, "creation interrupted, finding gone");
        }
        return;
      case ReminderState::removing:
        if (desired != nullptr) {
          // The finding came back before the removal finished: keep (or restore) the reminder.
          if (observed->present) {
            open_present(desired, *observed, fetched, true, "finding is back");
          } else {
            create(*desired, row.href, &row, "finding is back", true);
          }
        } else if (observed->present) {
          ReminderAction& action = push(ReminderActionKind::remove, row, "removal interrupted");
          if (fetched != nullptr) action.current = *fetched;
        } else {
          push(ReminderActionKind::forget, row, "removed");
        }
        return;
      case ReminderState::completed:
        if (desired != nullptr) {
          if (observed->present) {
            ReminderAction& action =
                push_event(ReminderActionKind::update, *desired, row, "finding is back");
            action.placed = false;
            if (fetched != nullptr) action.current = *fetched;
          } else {
            create(*desired, row.href, &row, "finding is back");
          }
        } else if (observed->present) {
          ++plan_.unchanged;
        } else {
          push(ReminderActionKind::forget, row, "done reminder deleted by the user");
        }
        return;
      case ReminderState::deleted_by_user:
        if (observed->present) {
          open_present(desired, *observed, fetched, true, "restored by the user");
        } else if (desired == nullptr) {
          push(ReminderActionKind::forget, row, "deleted by the user, finding gone");
        } else if (desired->finding->awaiting != row.awaiting) {
          create(*desired, row.href, &row, "new message from the customer");
        } else {
          ++plan_.unchanged;
        }
        return;
      case ReminderState::active:
        if (observed->present) {
          open_present(desired, *observed, fetched, false, "");
        } else if (desired == nullptr) {
          push(ReminderActionKind::forget, row, "deleted by the user, finding gone");
        } else if (desired->finding->awaiting != row.awaiting) {
          create(*desired, row.href, &row, "deleted by the user, new message from the customer");
        } else {
          OwnedReminder deleted = row;
          deleted.state = ReminderState::deleted_by_user;
          deleted.updated_at = now_;
          push(ReminderActionKind::record, deleted, "deleted by the user");
        }
        return;
    }
  }

 private:
  // A row whose event the calendar shows and which counts as ours and open (active, or adopted
  // from creating / removing / deleted_by_user when `adopt`).
  void open_present(const Desired* desired, const ObservedReminder& observed,
                    const CalendarEvent* fetched, bool adopt, std::string_view adopt_why) {
    const OwnedReminder& row = observed.owned;
    OwnedReminder seen = row;
    seen.state = ReminderState::active;
    bool moved = false;
    bool etag_changed = false;
    if (fetched != nullptr) {
      moved = !same_time(fetched->start, fetched->end, row) && fetched->end > fetched->start;
      if (moved) {
        seen.start = fetched->start;
        seen.end = fetched->end;
      }
      etag_changed = fetched->etag != row.etag;
      seen.etag = fetched->etag;
    }
    seen.updated_at = now_;

    if (desired == nullptr) {
      ReminderAction& action = seen.start > now_
                                   ? push(ReminderActionKind::remove, row, "finding gone")
                                   : push_done(observed, fetched, seen);
      if (fetched != nullptr) action.current = *fetched;
      return;
    }

    const std::string_view why = adopt   ? adopt_why
                                 : moved ? std::string_view("moved by the user")
                                         : std::string_view("edited by another client");
    if (desired->fingerprint != row.fingerprint) {
      if (adopt) push(ReminderActionKind::record, seen, adopt_why);
      std::string because = moved && !adopt ? "moved by the user; " : "";
      because += row.awaiting != desired->finding->awaiting ? "new message from the customer"
                                                            : "reason changed";
      ReminderAction& action =
          push_event(ReminderActionKind::update, *desired, adopt ? seen : row, because);
      action.event.start = seen.start;
      action.event.end = seen.end;
      if (fetched != nullptr) action.current = *fetched;
    } else if (adopt || moved || etag_changed) {
      push(ReminderActionKind::record, seen, why);
    } else {
      ++plan_.unchanged;
    }
    keep(seen.start, seen.end);
  }

  // A create at `href` (empty: the engine names it). With `keep_time`, a row whose time is still
  // ahead keeps it (an interrupted create comes back where it was placed).
  void create(const Desired& desired, std::string_view href, const OwnedReminder* row,
              std::string_view why, bool keep_time = false) {
    ReminderAction& action = push_event(ReminderActionKind::create, desired,
                                        row != nullptr ? *row : OwnedReminder{}, why);
    action.href = std::string(href);
    action.placed = false;
    if (keep_time && row != nullptr && row->start > now_ && row->end > row->start) {
      action.placed = true;
      action.event.start = row->start;
      action.event.end = row->end;
      keep(row->start, row->end);
    }
  }

  ReminderAction& push_done(const ObservedReminder& observed, const CalendarEvent* fetched,
                            const OwnedReminder& seen) {
    ReminderEvent event;
    if (observed.last_known && observed.last_known->key == observed.owned.key) {
      event = reminder_text(*observed.last_known, settings_, true);
    } else {
      const Language language = settings_.language;
      event.key = observed.owned.key;
      event.uid = reminder_uid(event.key);
      event.time_zone = settings_.time_zone;
      event.alarm_minutes_before = settings_.alarm_minutes_before;
      event.completed = true;
      event.categories = {"Nachfass"};
      std::string title = fetched != nullptr ? one_line(fetched->summary) : std::string();
      for (const Language l : {Language::de, Language::en}) {
        for (const std::string_view prefix : {open_prefix(l), done_prefix(l)}) {
          if (title.starts_with(prefix)) title.erase(0, prefix.size());
        }
      }
      event.summary = std::string(done_prefix(language)) + (title.empty() ? event.key : title);
      event.description = std::string(done_line(language)) + "\n" + key_line(event.key, language);
    }
    event.start = seen.start;
    event.end = seen.end;
    ReminderAction& action = push(ReminderActionKind::complete, observed.owned, "finding gone");
    action.event = std::move(event);
    return action;
  }

  ReminderAction& push(ReminderActionKind kind, const OwnedReminder& row, std::string_view why) {
    ReminderAction& action = plan_.actions.emplace_back();
    action.kind = kind;
    action.key = row.key;
    action.href = row.href;
    action.owned = row;
    action.awaiting = row.awaiting;
    action.why = std::string(why);
    return action;
  }

  ReminderAction& push_event(ReminderActionKind kind, const Desired& desired,
                             const OwnedReminder& row, std::string_view why) {
    ReminderAction& action = push(kind, row, why);
    action.key = desired.event.key;
    action.event = desired.event;
    action.urgency = desired.finding->severity;
    action.since = desired.finding->since;
    action.awaiting = desired.finding->awaiting;
    return action;
  }

  void keep(UnixSeconds start, UnixSeconds end) {
    if (end > start) plan_.kept.push_back({start, end});
  }

  ReminderPlan& plan_;
  const ReminderSettings& settings_;
  UnixSeconds now_;
};

}  // namespace

ReminderEvent reminder_text(const Finding& finding, const ReminderSettings& settings,
                            bool completed) {
  const Language language = settings.language;
  const bool de = language == Language::de;
  ReminderEvent event;
  event.key = finding.key;
  event.uid = reminder_uid(finding.key);
  event.time_zone = settings.time_zone;
  event.alarm_minutes_before = settings.alarm_minutes_before;
  event.completed = completed;
  event.categories = {"Nachfass", std::string(kind_label(finding.kind, language))};

  const std::string customer = one_line(finding.customer);
  const std::string subject = one_line(finding.subject);
  const std::string contact_name = one_line(finding.contact_name);
  const std::string contact = one_line(finding.contact);
  std::string who = customer;
  if (who.empty()) who = contact_name.empty() ? contact : contact_name;
  std::string title = who;
  if (!who.empty() && !subject.empty()) title += " – ";
  title += subject;
  if (title.empty()) title = kind_label(finding.kind, language);
  event.summary = std::string(completed ? done_prefix(language) : open_prefix(language)) + title;

  std::vector<std::string> lines;
  if (completed) lines.emplace_back(done_line(language));
  // Only what stays true while the finding stays open: a text that counted the days would change
  // every working day and rewrite every reminder (and every synced phone) once a day.
  if (finding.kind == FindingKind::unanswered && !subject.empty()) {
    std::string person = contact_name.empty() ? contact : contact_name;
    if (person.empty()) person = de ? "Der Kunde" : "The customer";
    if (!customer.empty() && customer != person) person += " (" + customer + ")";
    lines.push_back(person + (de ? " wartet auf Antwort zu „" + subject + "“"
                                 : " is waiting for a reply to “" + subject + "”"));
  } else if (std::string reason = one_line(finding.reason); !reason.empty()) {
    lines.push_back(std::move(reason));
  }
  const date::time_zone* zone = find_zone(settings.time_zone);
  std::string waiting;
  if (finding.since != 0) {
    waiting = de ? "Wartet seit " : "Waiting since ";
    waiting += local_time_text(finding.since, zone, language);
  }
  if (finding.due != 0) {
    if (!waiting.empty()) waiting += "; ";
    waiting += de ? "Antwortfrist abgelaufen am " : "reply was due ";
    waiting += local_time_text(finding.due, zone, language);
  }
  if (!waiting.empty()) lines.push_back(std::move(waiting));
  if (!contact.empty() || !contact_name.empty()) {
    std::string line = de ? "Kontakt: " : "Contact: ";
    if (!contact_name.empty() && !contact.empty()) {
      line += contact_name + " <" + contact + ">";
    } else {
      line += contact.empty() ? contact_name : contact;
    }
    lines.push_back(std::move(line));
  }
  const std::string awaiting = one_line(finding.awaiting);
  if (!awaiting.empty()) {
    event.url = mid_url(awaiting);
    lines.push_back(std::string(de ? "Nachricht öffnen: " : "Open the message: ") + event.url);
  }
  lines.push_back(key_line(finding.key, language));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) event.description += '\n';
    event.description += lines[i];
  }
  return event;
}

std::string reminder_fingerprint(const ReminderEvent& event) {
  Fnv1a64 hash;
  hash.text("nachfass-reminder-1");
  hash.text(event.key);
  hash.text(event.summary);
  hash.text(event.description);
  hash.text(event.url);
  hash.number(event.categories.size());
  for (const std::string& category : event.categories) hash.text(category);
  hash.number(static_cast<std::uint64_t>(static_cast<std::int64_t>(event.alarm_minutes_before)));
  hash.number(event.completed ? 1 : 0);
  hash.text(event.time_zone);
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash.value()));
  return hex.data();
}

ReminderPlan plan_reminders(std::span<const Finding> findings,
                            std::span<const ObservedReminder> observed,
                            const ReminderSettings& settings, UnixSeconds now) {
  // Desired reminders by key; a key seen twice keeps its first finding, an empty key is skipped.
  std::vector<const Finding*> wanted;
  wanted.reserve(findings.size());
  for (const Finding& finding : findings) {
    if (!finding.key.empty()) wanted.push_back(&finding);
  }
  std::stable_sort(wanted.begin(), wanted.end(),
                   [](const Finding* a, const Finding* b) { return a->key < b->key; });
  wanted.erase(std::unique(wanted.begin(), wanted.end(),
                           [](const Finding* a, const Finding* b) { return a->key == b->key; }),
               wanted.end());

  std::vector<const ObservedReminder*> owned;
  owned.reserve(observed.size());
  for (const ObservedReminder& reminder : observed) {
    if (!reminder.owned.key.empty()) owned.push_back(&reminder);
  }
  std::stable_sort(owned.begin(), owned.end(),
                   [](const ObservedReminder* a, const ObservedReminder* b) {
                     return a->owned.key < b->owned.key;
                   });
  owned.erase(std::unique(owned.begin(), owned.end(),
                          [](const ObservedReminder* a, const ObservedReminder* b) {
                            return a->owned.key == b->owned.key;
                          }),
              owned.end());

  ReminderPlan plan;
  Planner planner(plan, settings, now);
  std::size_t w = 0;
  std::size_t o = 0;
  while (w < wanted.size() || o < owned.size()) {
    const bool take_wanted =
        w < wanted.size() && (o == owned.size() || wanted[w]->key <= owned[o]->owned.key);
    const bool take_owned =
        o < owned.size() && (w == wanted.size() || owned[o]->owned.key <= wanted[w]->key);
    std::optional<Desired> desired;
    if (take_wanted) {
      desired.emplace();
      desired->finding = wanted[w];
      desired->event = reminder_text(*wanted[w], settings, false);
      desired->fingerprint = reminder_fingerprint(desired->event);
      ++w;
    }
    const ObservedReminder* row = take_owned ? owned[o++] : nullptr;
    planner.plan_key(desired ? &*desired : nullptr, row);
  }
  return plan;
}

OwnedReminder row_before_write(const ReminderAction& action, std::string_view calendar,
                               std::string_view href, UnixSeconds now) {
  OwnedReminder row = action.owned;
  row.calendar = std::string(calendar);
  row.key = action.key;
  row.href = std::string(href);
  row.updated_at = now;
  switch (action.kind) {
    case ReminderActionKind::create:
      row.uid = action.event.uid;
      row.etag.clear();
      row.state = ReminderState::creating;
      row.start = action.event.start;
      row.end = action.event.end;
      row.fingerprint = reminder_fingerprint(action.event);
      row.awaiting = action.awaiting;
      break;
    case ReminderActionKind::update:
      row.state = ReminderState::active;
      row.start = action.event.start;
      row.end = action.event.end;
      break;
    case ReminderActionKind::complete:
      row.state = ReminderState::active;
      break;
    case ReminderActionKind::remove:
      row.state = ReminderState::removing;
      break;
    case ReminderActionKind::record:
    case ReminderActionKind::forget:
      break;
  }
  if (row.uid.empty()) row.uid = reminder_uid(row.key);
  return row;
}

OwnedReminder row_after_write(const ReminderAction& action, std::string_view calendar,
                              std::string_view href, std::string_view etag, UnixSeconds now) {
  OwnedReminder row = action.owned;
  row.calendar = std::string(calendar);
  row.key = action.key;
  row.href = std::string(href);
  row.uid = action.event.uid.empty() ? reminder_uid(action.key) : action.event.uid;
  row.etag = std::string(etag);
  row.state = action.event.completed ? ReminderState::completed : ReminderState::active;
  row.start = action.event.start;
  row.end = action.event.end;
  row.fingerprint = reminder_fingerprint(action.event);
  row.awaiting = action.awaiting;
  row.updated_at = now;
  return row;
}

// --- placement -----------------------------------------------------------------------------

namespace {

// Walks local time in one zone: alignment to the step and local days, DST-correct.
class LocalClock {
 public:
  LocalClock(const date::time_zone* zone, std::int64_t step_seconds)
      : zone_(zone), step_(step_seconds) {}

  // The earliest instant >= t whose local wall-clock time is a multiple of the step after local
  // midnight. Within one offset period that is plain arithmetic; when rounding up crosses a
  // transition, the search continues from the transition in the new offset.
  UnixSeconds align_up(UnixSeconds t) const {
    for (int guard = 0; guard < 8; ++guard) {
      const date::sys_info info = zone_->get_info(date::sys_seconds{std::chrono::seconds{t}});
      const std::int64_t offset = info.offset.count();
      const std::int64_t local = t + offset;
      const std::int64_t midnight = floor_div(local, kDay) * kDay;
      const std::int64_t into = local - midnight;
      const std::int64_t aligned = midnight + (into + step_ - 1) / step_ * step_;
      const UnixSeconds candidate = aligned - offset;
      if (candidate < info.end.time_since_epoch().count()) return candidate;
      t = info.end.time_since_epoch().count();
    }
    return t;
  }

  // Local date of `t` as days since 1970-01-01.
  std::int64_t local_day(UnixSeconds t) const {
    const date::sys_seconds utc{std::chrono::seconds{t}};
    return floor_div(zone_->to_local(utc).time_since_epoch().count(), kDay);
  }

  // The first instant of the local day after `t`'s (local midnight, or the instant of the DST
  // switch when midnight is skipped).
  UnixSeconds next_day(UnixSeconds t) const {
    const std::int64_t midnight = (local_day(t) + 1) * kDay;
    const date::local_seconds local{std::chrono::seconds{midnight}};
    const UnixSeconds next =
        zone_->to_sys(local, date::choose::earliest).time_since_epoch().count();
    return std::max(next, t + 1);
  }

 private:
  const date::time_zone* zone_;
  std::int64_t step_;
};

}  // namespace

std::vector<std::string> place_reminders(ReminderPlan& plan, std::span<const BusyInterval> busy,
                                         const BusinessCalendar& calendar,
                                         const ReminderSettings& settings, UnixSeconds now) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    const ReminderAction& action = plan.actions[i];
    if (!action.placed &&
        (action.kind == ReminderActionKind::create || action.kind == ReminderActionKind::update)) {
      order.push_back(i);
    }
  }
  std::vector<std::string> warnings;
  if (order.empty()) return warnings;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const ReminderAction& x = plan.actions[a];
    const ReminderAction& y = plan.actions[b];
    return std::tie(y.urgency, x.since, x.key) < std::tie(x.urgency, y.since, y.key);
  });

  const std::int64_t length = std::int64_t{std::max(settings.minutes, 1)} * 60;
  const std::int64_t step = std::int64_t{std::clamp(settings.step_minutes, 1, 1440)} * 60;
  const int max_per_day = std::max(settings.max_per_day, 1);
  const UnixSeconds limit = now + std::int64_t{std::max(settings.horizon_days, 0)} * kDay;
  const LocalClock clock(calendar.zone(), step);

  // Everything a slot must not overlap, sorted and merged; the sweep below only moves forward.
  std::vector<BusyInterval> occupied;
  occupied.reserve(busy.size() + plan.kept.size());
  for (const BusyInterval& interval : busy) {
    if (interval.end > interval.start && interval.end > now) occupied.push_back(interval);
  }
  for (const BusyInterval& interval : plan.kept) {
    if (interval.end > interval.start && interval.end > now) occupied.push_back(interval);
  }
  std::sort(occupied.begin(), occupied.end(),
            [](const BusyInterval& a, const BusyInterval& b) { return a.start < b.start; });
  std::vector<BusyInterval> merged;
  for (const BusyInterval& interval : occupied) {
    if (!merged.empty() && interval.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, interval.end);
    } else {
      merged.push_back(interval);
    }
  }
  // Open reminders that stay, by local day.
  std::vector<std::int64_t> kept_days;
  kept_days.reserve(plan.kept.size());
  for (const BusyInterval& interval : plan.kept) {
    if (interval.end > interval.start) kept_days.push_back(clock.local_day(interval.start));
  }
  std::sort(kept_days.begin(), kept_days.end());
  const auto kept_on = [&](std::int64_t day) {
    const auto range = std::equal_range(kept_days.begin(), kept_days.end(), day);
    return static_cast<int>(range.second - range.first);
  };

  // Every reminder has the same length and constraints, and a given slot only removes
  // candidates, so the earliest free slot of the next reminder never lies before the end of
  // the previous one: one forward sweep serves them all.
  std::vector<bool> dropped(plan.actions.size(), false);
  UnixSeconds cursor = now;
  std::size_t next_busy = 0;
  std::int64_t given_day = 0;
  int given_on_day = 0;
  bool exhausted = false;
  std::vector<BusyInterval> given;
  for (const std::size_t index : order) {
    ReminderAction& action = plan.actions[index];
    std::optional<UnixSeconds> slot;
    while (!exhausted) {
      const auto working = calendar.working_interval_from(cursor, limit);
      if (!working) {
        exhausted = true;
        break;
      }
      cursor = clock.align_up(std::max(cursor, working->start));
      if (cursor >= limit) {
        exhausted = true;
        break;
      }
      if (cursor + length > working->end) {
        cursor = working->end;
        continue;
      }
      const std::int64_t day = clock.local_day(cursor);
      const int on_day = kept_on(day) + (day == given_day ? given_on_day : 0);
      if (on_day >= max_per_day) {
        cursor = clock.next_day(cursor);
        continue;
      }
      while (next_busy < merged.size() && merged[next_busy].end <= cursor) ++next_busy;
      if (next_busy < merged.size() && merged[next_busy].start < cursor + length) {
        cursor = merged[next_busy].end;
        continue;
      }
      slot = cursor;
      if (day != given_day) {
        given_day = day;
        given_on_day = 0;
      }
      ++given_on_day;
      cursor += length;
      break;
    }
    if (!slot) {
      dropped[index] = true;
      warnings.push_back("no free slot within " + std::to_string(settings.horizon_days) +
                         " days for " + action.key);
      continue;
    }
    action.event.start = *slot;
    action.event.end = *slot + length;
    action.placed = true;
    given.push_back({action.event.start, action.event.end});
  }
  plan.kept.insert(plan.kept.end(), given.begin(), given.end());
  if (!warnings.empty()) {
    std::size_t kept_actions = 0;
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
      if (dropped[i]) continue;
      if (kept_actions != i) plan.actions[kept_actions] = std::move(plan.actions[i]);
      ++kept_actions;
    }
    plan.actions.resize(kept_actions);
  }
  return warnings;
}

}  // namespace nachfass
