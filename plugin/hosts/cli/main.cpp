// nachfass: the command line host. Glue only: parse arguments, load config and store, call the
// engine, print. Errors print one line "nachfass: [id] what to do" and map to exit codes:
//   0 ok, 1 the job failed (a source, the store, an unknown finding key), 2 usage or config error.
#include <date/tz.h>
#include <signal.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>

#include "caldav/dav/caldav_calendar.hpp"
#include "config/config.hpp"
#include "engine/calendar_items.hpp"
#include "engine/engine.hpp"
#include "engine/reminders.hpp"
#include "hosts/cli/letter_command.hpp"
#include "hosts/cli/time_text.hpp"
#include "imap/sync/watch.hpp"
#include "store/store.hpp"

namespace nachfass::cli {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

struct Globals {
  std::string config_file;
  std::string state_file;
  std::string now_text;
};

int report(const Error& error) {
  std::cerr << "nachfass: " << error.to_string() << "\n";
  const bool usage = error.id.rfind("config.", 0) == 0 || error.id.rfind("usage.", 0) == 0;
  return usage ? exit_usage : exit_failure;
}

// Problems that do not stop a command (a malformed row in an imported file): one line each.
void print_warning(std::string_view text) {
  std::cerr << "nachfass: warning: " << text << "\n";
}

const char* tr(Language language, const char* de, const char* en) {
  return language == Language::de ? de : en;
}

// Width of UTF-8 text in code points (good enough for Latin, Greek and Cyrillic names).
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++width;
  return width;
}

std::string pad(std::string text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w < width) text.append(width - w, ' ');
  return text;
}

std::string shorten(std::string_view text, std::size_t max_width) {
  if (display_width(text) <= max_width) return std::string(text);
  std::string out;
  std::size_t width = 0;
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if ((c & 0xC0) != 0x80 && ++width > max_width - 1) break;
    out += byte;
  }
  return out + "…";
}

// A one-line progress bar on stderr, only when a person is watching.
class ProgressBar {
 public:
  ProgressBar() : enabled_(::isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() { finish(); }
  void update(const engine::Progress& p) {
    if (!enabled_ || p.total == 0) return;
    constexpr std::size_t bar = 30;
    const std::size_t filled = p.done * bar / p.total;
    std::fprintf(stderr, "\r%-24.24s [%s%s] %zu/%zu", std::string(p.step).c_str(),
                 std::string(filled, '#').c_str(), std::string(bar - filled, ' ').c_str(), p.done,
                 p.total);
    active_ = true;
  }
  void finish() {
    if (active_) std::fputs("\r\033[K", stderr);
    active_ = false;
  }

 private:
  bool enabled_;
  bool active_ = false;
};

nlohmann::ordered_json score_parts_json(const Finding& f) {
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const ScorePart& p : f.score_parts)
    parts.push_back({{"name", p.name},
                     {"points", p.points},
                     {"max_points", p.max_points},
                     {"detail", p.detail}});
  return parts;
}

nlohmann::ordered_json items_json(const Finding& f) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const DigestItem& i : f.items)
    items.push_back({{"thread_root", i.thread_root},
                     {"subject", i.subject},
                     {"contact", i.contact},
                     {"customer", i.customer},
                     {"arrived", iso_utc(i.arrived)},
                     {"answered", i.answered == 0 ? nlohmann::ordered_json(nullptr)
                                                  : nlohmann::ordered_json(iso_utc(i.answered))}});
  return items;
}

std::string_view kind_text(FindingKind kind, Language language) {
  const bool de = language == Language::de;
  switch (kind) {
    case FindingKind::unanswered:
      return de ? "unbeantwortet" : "unanswered";
    case FindingKind::stalled:
      return de ? "ohne Reaktion" : "stalled";
    case FindingKind::lapsing:
      return de ? "läuft aus" : "lapsing";
    case FindingKind::quiet:
      return de ? "still geworden" : "gone quiet";
    case FindingKind::absence:
      return de ? "nach Abwesenheit" : "after absence";
  }
  return "";
}

nlohmann::ordered_json to_json(const Finding& f, std::string_view state) {
  return {{"key", f.key},
          {"kind", std::string(to_string(f.kind))},
          {"state", std::string(state)},
          {"customer", f.customer},
          {"contact", f.contact},
          {"contact_name", f.contact_name},
          {"subject", f.subject},
          {"thread_root", f.thread_root},
          {"awaiting", f.awaiting},
          {"since", iso_utc(f.since)},
          {"due", iso_utc(f.due)},
          {"waiting_business_days", f.waiting_business_days},
          {"severity", f.severity},
          {"reason", f.reason},
          {"domain", f.domain},
          {"engagement", f.engagement},
          {"ends", f.ends},
          {"score_parts", score_parts_json(f)},
          {"items", items_json(f)}};
}

void print_findings(const engine::Evaluation& evaluation, const engine::DetectionSettings& settings,
                    bool json, bool all, UnixSeconds now) {
  const Language language = settings.language;
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& f : evaluation.findings) out.push_back(to_json(f, "open"));
    if (all) {
      for (const auto& f : evaluation.snoozed) out.push_back(to_json(f, "snoozed"));
      for (const auto& f : evaluation.dismissed) out.push_back(to_json(f, "dismissed"));
    }
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return;
  }
  const auto* zone = settings.calendar.zone();
  const bool de = language == Language::de;
  std::cout << tr(language, "Kunden, die auf Sie warten, Stand ",
                  "Customers waiting for you as of ")
            << local_text(now, zone, de) << ": " << evaluation.findings.size() << "\n";
  auto print = [&](const Finding& f, std::string_view marker) {
    std::string what = f.subject;
    if (f.kind == FindingKind::lapsing)
      what = f.engagement + (f.ends.empty() ? "" : tr(language, " bis ", " until ") + f.ends);
    std::cout << "\n  " << f.key << "  " << marker
              << pad(std::string(kind_text(f.kind, language)), 17)
              << pad(std::to_string(f.severity), 5) << pad(shorten(f.customer, 28), 30)
              << shorten(what, 44) << "\n"
              << "      " << f.reason << "\n";
    if (!f.contact.empty())
      std::cout << "      " << (f.contact_name.empty() ? "" : f.contact_name + " ") << "<"
                << f.contact << ">, " << tr(language, "seit ", "since ")
                << local_text(f.since, zone, de) << "\n";
    for (const ScorePart& part : f.score_parts)
      std::cout << "      "
                << pad(std::to_string(part.points) + "/" + std::to_string(part.max_points), 7)
                << part.detail << "\n";
    for (const DigestItem& item : f.items)
      std::cout << "      "
                << (item.answered == 0 ? tr(language, "offen    ", "open     ")
                                       : tr(language, "zu spät  ", "late     "))
                << local_text(item.arrived, zone, de) << "  " << shorten(item.customer, 24) << "  "
                << shorten(item.subject, 40) << "\n";
  };
  for (const auto& f : evaluation.findings) print(f, "");
  if (all) {
    for (const auto& f : evaluation.snoozed)
      print(f, tr(language, "[zurückgestellt] ", "[snoozed] "));
    for (const auto& f : evaluation.dismissed)
      print(f, tr(language, "[verworfen] ", "[dismissed] "));
  }
  const std::size_t hidden = evaluation.snoozed.size() + evaluation.dismissed.size();
  if (hidden > 0 && !all)
    std::cout << "\n"
              << hidden
              << tr(language,
                    " weitere ausgeblendet (zurückgestellt oder verworfen; --all zeigt sie)",
                    " more hidden (snoozed or dismissed; --all shows them)")
              << "\n";
}

// Everything a command needs, loaded in the order that gives the most useful error first.
struct Context {
  Config config;
  engine::DetectionSettings settings;
  Store store;
  UnixSeconds now = 0;
  bool fixed_now = false;  // --now given

  // For long-running commands: the clock, unless --now pinned the time.
  UnixSeconds now_or_clock() const {
    if (fixed_now) return now;
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

Result<Context> load_context(const Globals& globals, bool need_identities) {
  std::optional<std::filesystem::path> explicit_config;
  if (!globals.config_file.empty()) explicit_config = globals.config_file;
  auto config = load_config_or_default(explicit_config);
  if (!config) return config.error();
  if (need_identities)
    if (auto valid = validate_for_scan(*config); !valid) return valid.error();
  auto settings = engine::detection_settings(*config);
  if (!settings) return settings.error();
  UnixSeconds now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  if (!globals.now_text.empty()) {
    auto parsed = parse_instant(globals.now_text, settings->calendar.zone());
    if (!parsed)
      return make_error(
          ErrorScope::account, "usage.bad_time",
          "--now \"" + globals.now_text +
              "\" is not an ISO 8601 time — write e.g. 2026-11-23T09:30:00Z or 2026-11-23");
    now = *parsed;
  }
  const std::filesystem::path state =
      globals.state_file.empty() ? default_state_path() : std::filesystem::path(globals.state_file);
  auto store = Store::open(state);
  if (!store) return store.error();
  return Context{std::move(*config), std::move(*settings), std::move(*store), now,
                 !globals.now_text.empty()};
}

// Reads the mail source (--maildir, else the configured one) into the store, with a progress
// bar and at most a screenful of warnings.
Result<engine::ImportReport> import_mail(Context& c, const std::string& maildir_option) {
  std::size_t warnings = 0;
  constexpr std::size_t max_warnings_shown = 20;
  ProgressBar bar;
  const auto progress = [&](const engine::Progress& p) { bar.update(p); };
  const auto warning = [&](std::string_view text) {
    if (++warnings > max_warnings_shown) return;
    bar.finish();
    std::cerr << "nachfass: warning: " << text << "\n";
  };
  auto imported = maildir_option.empty()
                      ? engine::import_configured_source(c.config, c.store, progress, warning)
                      : engine::import_maildir(maildir_option, c.store, progress, warning);
  bar.finish();
  if (warnings > max_warnings_shown)
    std::cerr << "nachfass: " << warnings - max_warnings_shown
              << tr(c.settings.language, " weitere Warnungen nicht gezeigt\n",
                    " more warnings not shown\n");
  return imported;
}

void print_import_summary(const engine::ImportReport& r, Language language) {
  std::cerr << tr(language, "Gelesen: ", "Read: ") << r.messages_present
            << tr(language, " Nachrichten in ", " messages in ") << r.folders
            << tr(language, " Ordnern (", " folders (") << r.added
            << tr(language, " neu, ", " new, ") << r.removed
            << tr(language, " entfernt, ", " removed, ") << r.failed
            << tr(language, " unlesbar)\n", " unreadable)\n");
}

int run_sync(const Globals& globals, const std::string& maildir_option, bool json) {
  auto context = load_context(globals, false);
  if (!context) return report(context.error());
  auto imported = import_mail(*context, maildir_option);
  if (!imported) return report(imported.error());
  if (json) {
    nlohmann::ordered_json out = {{"folders", imported->folders},
                                  {"messages", imported->messages_present},
                                  {"added", imported->added},
                                  {"removed", imported->removed},
                                  {"unreadable", imported->failed}};
    std::cout << out.dump(2) << "\n";
  } else {
    print_import_summary(*imported, context->settings.language);
  }
  return exit_ok;
}

int run_scan(const Globals& globals, const std::string& maildir_option, bool json) {
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  Context& c = *context;
  auto imported = import_mail(c, maildir_option);
  if (!imported) return report(imported.error());
  auto evaluation = engine::evaluate(c.store, c.settings, c.now, true, print_warning);
  if (!evaluation) return report(evaluation.error());
  print_import_summary(*imported, c.settings.language);
  print_findings(*evaluation, c.settings, json, false, c.now);
  return exit_ok;
}

int run_findings(const Globals& globals, bool json, bool all) {
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  Context& c = *context;
  auto count = c.store.message_count();
  if (!count) return report(count.error());
  if (*count == 0 && !json)
    std::cerr << tr(c.settings.language,
                    "Noch keine Nachrichten gelesen — zuerst `nachfass scan` ausführen.\n",
                    "No messages read yet — run `nachfass scan` first.\n");
  // Evaluating as of another time must not rewrite the history of first-seen times.
  auto evaluation =
      engine::evaluate(c.store, c.settings, c.now, globals.now_text.empty(), print_warning);
  if (!evaluation) return report(evaluation.error());
  print_findings(*evaluation, c.settings, json, all, c.now);
  return exit_ok;
}

// Keeps the mailbox current over IMAP IDLE and re-evaluates after every change, until SIGINT or
// SIGTERM. Prints one line per evaluation; the findings themselves stay with `findings`.
int run_watch(const Globals& globals) {
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  Context& c = *context;
  const Language language = c.settings.language;
  if (c.config.mail.provider != MailProvider::imap)
    return report(make_error(ErrorScope::account, "usage.no_source",
                             "watch needs an IMAP account: set [mail] provider = \"imap\" in the "
                             "config (a Maildir is scanned with `nachfass scan`)"));
  // Signals are taken by a thread of their own (sigwait), which asks the watch to stop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::stop_source stop;
  std::jthread signal_thread([&](std::stop_token done) {
    while (!done.stop_requested()) {
      timespec tick{0, 200'000'000};
      if (sigtimedwait(&signals, nullptr, &tick) > 0) {
        stop.request_stop();
        return;
      }
    }
  });

  auto refresh = [&]() -> bool {
    auto imported = import_mail(c, "");
    if (!imported) {
      std::cerr << "nachfass: " << imported.error().to_string() << "\n";
      return imported.error().scope == ErrorScope::transient;
    }
    auto evaluation = engine::evaluate(c.store, c.settings, c.now_or_clock(), true, print_warning);
    if (!evaluation) {
      std::cerr << "nachfass: " << evaluation.error().to_string() << "\n";
      return false;
    }
    std::cout << local_text(c.now_or_clock(), c.settings.calendar.zone(), language == Language::de)
              << "  " << evaluation->findings.size()
              << tr(language, " offene Befunde (", " open findings (")
              << imported->added << tr(language, " neu gelesen)", " new messages read)")
              << std::endl;
    return true;
  };
  if (!refresh()) return exit_failure;

  imap::ImapImportOptions options;
  options.ca_file = c.config.mail.imap.ca_file.string();
  options.insecure_skip_verify_for_host = c.config.mail.imap.insecure_skip_verify_for_host;
  imap::WatchOptions watch_options;
  watch_options.report_when_watching = true;
  watch_options.warning = [](std::string_view text) {
    std::cerr << "nachfass: warning: " << text << "\n";
  };
  auto watched = imap::watch(
      c.config.mail.imap, options, watch_options, [&](const imap::WatchEvent&) { refresh(); },
      stop.get_token());
  signal_thread.request_stop();
  if (!watched) return report(watched.error());
  return exit_ok;
}

std::string_view action_label(ReminderActionKind kind, Language language) {
  switch (kind) {
    case ReminderActionKind::create:
      return tr(language, "anlegen", "create");
    case ReminderActionKind::update:
      return tr(language, "ändern", "update");
    case ReminderActionKind::remove:
      return tr(language, "entfernen", "remove");
    case ReminderActionKind::complete:
      return tr(language, "erledigt", "complete");
    case ReminderActionKind::record:
      return tr(language, "vermerken", "record");
    case ReminderActionKind::forget:
      return tr(language, "vergessen", "forget");
  }
  return "";
}

bool is_calendar_write(ReminderActionKind kind) {
  return kind != ReminderActionKind::record && kind != ReminderActionKind::forget;
}

// The calendar port of [calendar], or nullptr when provider = "none".
nlohmann::ordered_json to_json(const ReminderAction& action) {
  nlohmann::ordered_json out = {
      {"action", std::string(to_string(action.kind))}, {"key", action.key}, {"why", action.why}};
  if (action.kind != ReminderActionKind::forget && action.kind != ReminderActionKind::record) {
    out["start"] = iso_utc(action.event.start);
    out["end"] = iso_utc(action.event.end);
    out["summary"] = action.event.summary;
  }
  return out;
}

// sync -> detect -> reconcile the calendar; with dry_run the calendar and the reminder rows are
// left as they are and the plan is printed.
int run_run(const Globals& globals, const std::string& maildir_option, bool json, bool dry_run) {
  const auto started = std::chrono::steady_clock::now();
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  Context& c = *context;
  const Language language = c.settings.language;
  auto port = engine::open_calendar(c.config, print_warning);
  if (!port) return report(port.error());
  auto imported = import_mail(c, maildir_option);
  if (!imported) return report(imported.error());
  // The user's own events (absences, seminars) refine detection; without them it still runs.
  // Read through a port of their own, so that the reminder run's request count stays its own.
  std::vector<CalendarItem> items;
  if (*port) {
    auto read = engine::calendar_items(c.config, c.now, print_warning);
    if (read) {
      items = std::move(*read);
    } else if (read.error().scope != ErrorScope::account) {
      // (Rejected credentials are not repeated here: the reminder run stops on them below.)
      print_warning("calendar events not read, absences and seminars come from mail only: " +
                    read.error().message);
    }
  }
  // New = open now and not open after the previous run.
  auto before = c.store.stored_findings();
  if (!before) return report(before.error());
  std::set<std::string, std::less<>> open_before;
  for (const auto& s : *before)
    if (!s.resolved_at) open_before.insert(s.finding.key);
  auto evaluation = engine::evaluate(c.store, c.settings, c.now, true, print_warning, items);
  if (!evaluation) return report(evaluation.error());
  std::size_t new_findings = 0;
  for (const auto& f : evaluation->findings)
    if (!open_before.contains(f.key)) ++new_findings;

  std::optional<engine::ReminderRunReport> reminders;
  if (*port) {
    engine::ReminderRunOptions options;
    options.settings = engine::reminder_settings(c.config);
    options.create_calendar = c.config.calendar.create_calendar;
    options.dry_run = dry_run;
    options.calendar_cache_key = c.config.calendar.url + "|" + c.config.calendar.calendar;
    auto ran = engine::run_reminders(
        c.store, **port, evaluation->findings, c.settings.calendar, options, c.now,
        [&](std::string_view text) { std::cerr << "nachfass: warning: " << text << "\n"; });
    if (!ran) return report(ran.error());
    reminders = std::move(*ran);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (json) {
    nlohmann::ordered_json out = {{"messages", imported->messages_present},
                                  {"new_messages", imported->added},
                                  {"findings", evaluation->findings.size()},
                                  {"new_findings", new_findings},
                                  {"dry_run", dry_run}};
    if (reminders) {
      nlohmann::ordered_json actions = nlohmann::ordered_json::array();
      for (const auto& a : reminders->actions) actions.push_back(to_json(a));
      out["calendar"] = reminders->calendar;
      out["reminders"] = {{"created", reminders->created},     {"updated", reminders->updated},
                          {"removed", reminders->removed},     {"completed", reminders->completed},
                          {"unchanged", reminders->unchanged}, {"requests", reminders->requests}};
      out["actions"] = std::move(actions);
      out["warnings"] = reminders->warnings;
    } else {
      out["calendar"] = nullptr;
    }
    out["seconds"] = std::round(seconds * 1000) / 1000;
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return exit_ok;
  }

  print_import_summary(*imported, language);
  print_findings(*evaluation, c.settings, false, false, c.now);
  const auto* zone = c.settings.calendar.zone();
  const bool de = language == Language::de;
  if (reminders) {
    std::vector<const ReminderAction*> writes;
    for (const auto& a : reminders->actions)
      if (is_calendar_write(a.kind)) writes.push_back(&a);
    std::stable_sort(writes.begin(), writes.end(),
                     [](const auto* a, const auto* b) { return a->event.start < b->event.start; });
    std::size_t shown = 0;
    for (const ReminderAction* action : writes) {
      const ReminderAction& a = *action;
      if (shown++ == 0)
        std::cout << "\n"
                  << (dry_run ? tr(language,
                                   "Geplante Änderungen im Kalender:", "Planned calendar changes:")
                              : tr(language, "Änderungen im Kalender:", "Calendar changes:"))
                  << "\n";
      std::cout << "  " << pad(std::string(action_label(a.kind, language)), 10)
                << pad(local_text(a.event.start, zone, de), 22) << pad(a.key, 16)
                << shorten(a.event.summary, 60) << "  (" << a.why << ")\n";
    }
  } else {
    std::cout << "\n"
              << tr(language,
                    "Kein Kalender eingerichtet ([calendar] provider = \"none\"): keine "
                    "Erinnerungen.",
                    "No calendar configured ([calendar] provider = \"none\"): no reminders.")
              << "\n";
  }
  char took[32];
  std::snprintf(took, sizeof took, "%.1f s", seconds);
  std::cout << "\n" << new_findings << tr(language, " neue Befunde", " new findings");
  if (reminders)
    std::cout << tr(language, "; Erinnerungen ", "; reminders ")
              << (dry_run ? tr(language, "(geplant) ", "(planned) ") : "") << reminders->created
              << tr(language, " angelegt, ", " created, ") << reminders->updated
              << tr(language, " geändert, ", " updated, ")
              << reminders->removed + reminders->completed
              << tr(language, " entfernt/erledigt", " removed/completed");
  std::cout << tr(language, "; Dauer ", "; took ") << took << "\n";
  return exit_ok;
}

// The reminders the state says Nachfass owns, with their findings' subjects; no server request.
int run_reminders_list(const Globals& globals, bool json) {
  auto context = load_context(globals, false);
  if (!context) return report(context.error());
  Context& c = *context;
  const Language language = c.settings.language;
  auto rows = c.store.reminders("");
  if (!rows) return report(rows.error());
  std::stable_sort(rows->begin(), rows->end(), [](const OwnedReminder& a, const OwnedReminder& b) {
    return std::tie(a.calendar, a.start) < std::tie(b.calendar, b.start);
  });
  auto stored = c.store.stored_findings();
  if (!stored) return report(stored.error());
  std::map<std::string, const StoredFinding*, std::less<>> finding_of;
  for (const auto& s : *stored) finding_of.emplace(s.finding.key, &s);
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : *rows) {
      auto f = finding_of.find(r.key);
      out.push_back({{"key", r.key},
                     {"state", std::string(to_string(r.state))},
                     {"start", iso_utc(r.start)},
                     {"end", iso_utc(r.end)},
                     {"calendar", r.calendar},
                     {"href", r.href},
                     {"uid", r.uid},
                     {"customer", f == finding_of.end() ? "" : f->second->finding.customer},
                     {"subject", f == finding_of.end() ? "" : f->second->finding.subject}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return exit_ok;
  }
  const auto* zone = c.settings.calendar.zone();
  const bool de = language == Language::de;
  std::cout << tr(language, "Erinnerungen im Kalender: ", "Reminders in the calendar: ")
            << rows->size() << "\n";
  for (const auto& r : *rows) {
    auto f = finding_of.find(r.key);
    std::string what;
    if (f != finding_of.end())
      what = f->second->finding.customer + " – " + f->second->finding.subject;
    std::cout << "  " << pad(r.key, 16) << pad(local_text(r.start, zone, de), 22)
              << pad(std::string(to_string(r.state)), 17) << shorten(what, 60) << "\n";
  }
  return exit_ok;
}

// Finds `key` among the current findings (shown or hidden).
Result<Finding> current_finding(Context& c, const std::string& key) {
  auto evaluation = engine::evaluate(c.store, c.settings, c.now, false, print_warning);
  if (!evaluation) return evaluation.error();
  for (auto* list : {&evaluation->findings, &evaluation->snoozed, &evaluation->dismissed})
    for (auto& f : *list)
      if (f.key == key) return f;
  return make_error(
      ErrorScope::item, "findings.unknown_key",
      "no current finding has the key \"" + key + "\" — `nachfass findings --all` lists the keys");
}

// The customer directory: companies and freemail individuals from the mail, the imported files
// and the config, with their tier and contact history.
int run_customers(const Globals& globals, bool json, bool all) {
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  Context& c = *context;
  Corpus corpus;
  if (auto loaded = c.store.load_messages(corpus); !loaded) return report(loaded.error());
  engine::ImportedFiles files = engine::read_customer_files(c.settings, print_warning);
  const Directory directory =
      engine::customer_directory(corpus, c.settings, std::move(files.customers));
  std::vector<const Customer*> shown;
  for (const Customer& customer : directory.customers())
    if (all || !customer.ignored) shown.push_back(&customer);
  std::stable_sort(shown.begin(), shown.end(), [](const Customer* a, const Customer* b) {
    return a->last_contact > b->last_contact;
  });
  const auto when = [](UnixSeconds t) {
    return t == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(iso_utc(t));
  };
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Customer* customer : shown) {
      nlohmann::ordered_json contacts = nlohmann::ordered_json::array();
      for (const Contact& contact : customer->contacts)
        contacts.push_back({{"email", contact.email}, {"name", contact.name}});
      nlohmann::ordered_json sources = nlohmann::ordered_json::array();
      if (customer->from_mail) sources.push_back("mail");
      if (customer->from_import) sources.push_back("import");
      if (customer->from_config) sources.push_back("config");
      out.push_back({{"id", customer->id},
                     {"name", customer->name},
                     {"domains", customer->domains},
                     {"tier", customer->tier},
                     {"ignored", customer->ignored},
                     {"freemail", customer->freemail},
                     {"first_contact", when(customer->first_contact)},
                     {"last_contact", when(customer->last_contact)},
                     {"inbound", customer->inbound},
                     {"outbound", customer->outbound},
                     {"sources", sources},
                     {"contacts", contacts}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return exit_ok;
  }
  const Language language = c.settings.language;
  const auto* zone = c.settings.calendar.zone();
  const bool de = language == Language::de;
  const auto day = [&](UnixSeconds t) {
    return t == 0 ? std::string("–") : local_text(t, zone, de).substr(0, 10);
  };
  std::cout << pad(tr(language, "Kunde", "Customer"), 36) << pad(tr(language, "Stufe", "Tier"), 11)
            << pad(tr(language, "erster Kontakt", "first contact"), 16)
            << pad(tr(language, "letzter Kontakt", "last contact"), 17)
            << pad(tr(language, "von ihm", "from them"), 10) << tr(language, "an ihn", "to them")
            << "\n";
  for (const Customer* customer : shown) {
    std::string name = customer->name.empty() ? customer->id : customer->name;
    if (customer->ignored) name += tr(language, " (ignoriert)", " (ignored)");
    std::cout << pad(shorten(name, 34), 36) << pad(customer->tier, 11)
              << pad(day(customer->first_contact), 16) << pad(day(customer->last_contact), 17)
              << pad(std::to_string(customer->inbound), 10) << customer->outbound << "\n";
  }
  std::cout << shown.size() << tr(language, " Kunden", " customers") << "\n";
  return exit_ok;
}

int run_dismiss(const Globals& globals, const std::string& key) {
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  auto finding = current_finding(*context, key);
  if (!finding) return report(finding.error());
  if (auto done = context->store.dismiss(key, finding->awaiting, context->now); !done)
    return report(done.error());
  std::cout << tr(context->settings.language, "Verworfen: ", "Dismissed: ") << key << " — "
            << finding->reason << "\n";
  return exit_ok;
}

int run_snooze(const Globals& globals, const std::string& key, const std::string& until_text) {
  auto context = load_context(globals, true);
  if (!context) return report(context.error());
  Context& c = *context;
  auto until = parse_instant(until_text, c.settings.calendar.zone());
  if (!until)
    return report(make_error(
        ErrorScope::account, "usage.bad_time",
        "--until \"" + until_text + "\" is not an ISO 8601 date or time — write e.g. 2026-12-01"));
  if (*until <= c.now)
    return report(
        make_error(ErrorScope::account, "usage.bad_time",
                   "--until " + until_text + " is not in the future — give a later date"));
  auto finding = current_finding(c, key);
  if (!finding) return report(finding.error());
  if (auto done = c.store.snooze(key, *until, c.now); !done) return report(done.error());
  std::cout << tr(c.settings.language, "Zurückgestellt bis ", "Snoozed until ")
            << local_text(*until, c.settings.calendar.zone(), c.settings.language == Language::de)
            << ": " << key << " — " << finding->reason << "\n";
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Nachfass finds the customers who are waiting for you: unanswered threads in your "
      "mailbox, measured in business time."};
  app.set_version_flag("--version", std::string("nachfass ") + NACHFASS_VERSION);
  Globals globals;
  app.add_option("--config", globals.config_file,
                 "Config file (default: ~/.config/nachfass/config.toml)");
  app.add_option("--state", globals.state_file,
                 "State database (default: ~/.local/share/nachfass/state.db)");
  app.add_option(
      "--now", globals.now_text,
      "Evaluate as of this ISO 8601 time instead of the clock (e.g. 2026-11-23T09:30:00Z)");
  app.require_subcommand(1);

  std::string maildir;
  bool json = false, all = false;
  std::string key, until;
  auto* sync =
      app.add_subcommand("sync", "Read new mail from the configured source into the state");
  sync->add_option("--maildir", maildir, "Read this Maildir instead of the configured source");
  sync->add_flag("--json", json, "Print the summary as JSON");

  auto* scan = app.add_subcommand("scan", "Sync, then list what needs an answer");
  scan->add_option("--maildir", maildir, "Read this Maildir instead of the configured source");
  scan->add_flag("--json", json, "Print the findings as one JSON array");

  bool dry_run = false;
  auto* run = app.add_subcommand(
      "run", "The whole job: sync mail, detect, and put follow-up reminders into the calendar");
  run->add_option("--maildir", maildir, "Read this Maildir instead of the configured source");
  run->add_flag("--dry-run", dry_run,
                "Show the calendar changes that would be made, without making them");
  run->add_flag("--json", json, "Print the result as JSON");

  auto* reminders =
      app.add_subcommand("reminders", "List the follow-up reminders Nachfass owns in the calendar");
  reminders->add_flag("--json", json, "Print one JSON array");

  auto* watch = app.add_subcommand(
      "watch", "Stay connected (IMAP IDLE) and re-check after every change until Ctrl-C");

  auto* findings =
      app.add_subcommand("findings", "List the current findings (from the last scan's mail)");
  findings->add_flag("--json", json, "Print one JSON array");
  findings->add_flag("--all", all, "Include dismissed and snoozed findings");

  auto* customers = app.add_subcommand(
      "customers", "List the customers: from the mail, the imported files and the config");
  customers->add_flag("--json", json, "Print one JSON array");
  customers->add_flag("--all", all, "Include ignored customers");

  auto* dismiss = app.add_subcommand("dismiss", "Hide a finding until the customer writes again");
  dismiss->add_option("KEY", key, "The finding's key (see `nachfass findings`)")->required();

  auto* snooze = app.add_subcommand("snooze", "Hide a finding until a date");
  snooze->add_option("KEY", key, "The finding's key")->required();
  snooze->add_option("--until", until, "ISO 8601 date or time, e.g. 2026-12-01")->required();

  auto* config = app.add_subcommand("config", "Configuration helpers");
  config->require_subcommand(1);
  config->add_subcommand("example", "Print a commented configuration template");

  // `nachfass letter KEY ...`: runs from its own callback and exits (see letter_command.hpp).
  add_letter_command(app, [&globals] {
    return LetterGlobals{globals.config_file, globals.state_file, globals.now_text};
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    // --help, --help-all and --version arrive as "successful" parse errors.
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "nachfass: [usage] " << e.what() << " — see `nachfass --help`\n";
    return exit_usage;
  }

  try {
    if (*sync) return run_sync(globals, maildir, json);
    if (*run) return run_run(globals, maildir, json, dry_run);
    if (*reminders) return run_reminders_list(globals, json);
    if (*scan) return run_scan(globals, maildir, json);
    if (*watch) return run_watch(globals);
    if (*findings) return run_findings(globals, json, all);
    if (*customers) return run_customers(globals, json, all);
    if (*dismiss) return run_dismiss(globals, key);
    if (*snooze) return run_snooze(globals, key, until);
    if (*config) {
      std::cout << example_config();
      return exit_ok;
    }
  } catch (const std::exception& e) {
    // A bug: exceptions are not how this program reports errors. Say so instead of aborting.
    std::cerr << "nachfass: [internal] " << e.what()
              << " — this is a bug in nachfass; please report it with the command you ran\n";
    return exit_failure;
  }
  return exit_usage;
}

}  // namespace nachfass::cli

int main(int argc, char** argv) {
  try {
    return nachfass::cli::main(argc, argv);
  } catch (...) {
    // Building the command line itself failed (out of memory): nothing sensible is left to say.
    return 1;
  }
}
