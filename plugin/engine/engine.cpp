#include "engine/engine.hpp"

#include <date/tz.h>

#include <unordered_set>

#include "core/corpus.hpp"
#include "engine/message_texts.hpp"
#include "imap/sync/imap_sync.hpp"
#include "maildir/maildir_reader.hpp"

namespace nachfass::engine {

namespace {
// Messages per transaction while importing: large enough to amortise the commit, small enough
// that an interrupted import loses little work.
constexpr std::size_t import_batch = 2000;
}  // namespace

Result<ImportReport> import_maildir(const std::filesystem::path& root, Store& store,
                                    const ProgressFn& progress, const WarningFn& warning) {
  auto folders = maildir::discover_folders(root);
  if (!folders) return folders.error();
  ImportReport report;
  for (const maildir::Folder& folder : *folders) {
    if (maildir::is_excluded_by_default(folder.name)) continue;
    ++report.folders;
    auto known_list = store.message_source_ids(folder.name);
    if (!known_list) return known_list.error();
    std::unordered_set<std::string> known(known_list->begin(), known_list->end());

    std::vector<Message> batch;
    batch.reserve(import_batch);
    Result<void> store_status;
    auto flush = [&]() -> bool {
      if (batch.empty() || !store_status) return bool(store_status);
      store_status = store.upsert_messages(batch);
      batch.clear();
      return bool(store_status);
    };
    maildir::ScanCallbacks callbacks;
    callbacks.message = [&](Message&& m) {
      batch.push_back(std::move(m));
      if (batch.size() >= import_batch) flush();
    };
    callbacks.warning = warning;
    if (progress)
      callbacks.progress = [&](std::size_t done, std::size_t total) {
        progress({folder.name, done, total});
      };
    // Messages stored before bodies were kept (state migration 4) are read again, once.
    auto without_body = store.message_source_ids_without_body(folder.name);
    if (!without_body) return without_body.error();
    std::unordered_set<std::string> skip = known;
    for (const auto& id : *without_body) skip.erase(id);
    auto scan = maildir::scan_folder(folder, skip, callbacks);
    if (!scan) {
      if (warning) warning(scan.error().to_string());
      continue;  // collection scope: skip this folder this round
    }
    if (!flush()) return store_status.error();
    report.added += scan->parsed;
    report.failed += scan->failed;
    report.messages_present += scan->present_ids.size();

    // What the store has for this folder but the folder no longer holds was moved or deleted.
    for (const auto& id : scan->present_ids) known.erase(id);
    if (!known.empty()) {
      std::vector<std::string> gone(known.begin(), known.end());
      auto removed = store.remove_messages(gone);
      if (!removed) return removed.error();
      report.removed += *removed;
    }
  }
  return report;
}

Result<ImportReport> import_configured_source(const Config& config, Store& store,
                                              const ProgressFn& progress,
                                              const WarningFn& warning) {
  switch (config.mail.provider) {
    case MailProvider::maildir:
      return import_maildir(config.mail.maildir.path, store, progress, warning);
    case MailProvider::imap: {
      imap::ImapImportOptions options;
      options.ca_file = config.mail.imap.ca_file.string();
      options.insecure_skip_verify_for_host = config.mail.imap.insecure_skip_verify_for_host;
      if (config.mail.imap.connections > 0)
        options.connections = static_cast<std::size_t>(config.mail.imap.connections);
      imap::ImapProgressFn imap_progress;
      if (progress)
        imap_progress = [&](const imap::ImapProgress& p) { progress({p.folder, p.done, p.total}); };
      auto imported = imap::import_imap(config.mail.imap, store, imap_progress, warning, options);
      if (!imported) return imported.error();
      ImportReport report;
      report.folders = imported->folders;
      report.messages_present = imported->messages_present;
      report.added = imported->added;
      report.removed = imported->removed;
      report.failed = imported->failed;
      return report;
    }
    case MailProvider::graph:
      return make_error(ErrorScope::account, "usage.no_source",
                        "[mail] provider = \"graph\" is not supported by this build yet — use "
                        "\"imap\" or \"maildir\"");
    case MailProvider::none:
      break;
  }
  return make_error(ErrorScope::account, "usage.no_source",
                    "no mail source: give --maildir DIR, or set [mail] provider = \"maildir\" "
                    "(with path) or \"imap\" (with host and username) in the config");
}

Result<DetectionSettings> detection_settings(const Config& config) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(config.user.time_zone);
  } catch (const std::exception&) {
    return make_error(ErrorScope::account, "config.bad_value",
                      "time zone \"" + config.user.time_zone +
                          "\" is not in this system's tzdata — set [user] time_zone to an IANA "
                          "name such as \"Europe/Berlin\"");
  }
  DetectionSettings settings{Identities(config.user.addresses, config.user.own_domains),
                             BusinessCalendar(zone, config.business.hours, config.business.holidays,
                                              config.business.extra_holidays),
                             UnansweredRule{config.unanswered.sla.seconds},
                             config.user.language,
                             ThreadingOptions{},
                             config.rules,
                             config.customers.tiers,
                             config.customers.entries,
                             config.customers.ignore,
                             config.customers.files,
                             config.customers.engagement_files};
  if (settings.tiers.empty()) settings.tiers = default_tiers(config.business.day_seconds());
  return settings;
}

Directory customer_directory(const Corpus& corpus, const DetectionSettings& settings,
                             std::vector<CustomerEntry> imported) {
  DirectoryInput input;
  input.tiers = settings.tiers;
  input.imported = std::move(imported);
  input.configured = settings.configured_customers;
  input.ignore = settings.ignore;
  return build_directory(corpus, settings.identities, input);
}

Result<Evaluation> evaluate(Store& store, const DetectionSettings& settings, UnixSeconds now,
                            bool record, const WarningFn& warning,
                            std::span<const CalendarItem> calendar_items) {
  Corpus corpus;
  auto loaded = store.load_messages(corpus);
  if (!loaded) return loaded.error();
  const Threads threads = thread_messages(corpus, settings.identities, settings.threading);
  ImportedFiles files = read_customer_files(settings, warning);
  const Directory directory = customer_directory(corpus, settings, std::move(files.customers));
  const StoreMessageTexts texts(store, corpus);
  const DetectionInput input{corpus,
                             threads,
                             settings.identities,
                             directory,
                             settings.calendar,
                             settings.rules,
                             texts,
                             settings.unanswered,
                             files.engagements,
                             calendar_items,
                             now,
                             settings.language};
  std::vector<Finding> current = detect_all(input);
  if (record) {
    static constexpr FindingKind kinds[] = {FindingKind::unanswered, FindingKind::stalled,
                                            FindingKind::lapsing, FindingKind::quiet,
                                            FindingKind::absence};
    if (auto recorded = store.record_findings(current, kinds, now); !recorded)
      return recorded.error();
  }
  auto dismissals = store.dismissals();
  if (!dismissals) return dismissals.error();
  auto snoozes = store.snoozes();
  if (!snoozes) return snoozes.error();

  Evaluation evaluation;
  evaluation.messages = corpus.size();
  evaluation.threads = threads.threads.size();
  evaluation.customers = directory.customers().size();
  for (Finding& f : current) {
    if (auto d = dismissals->find(f.key); d != dismissals->end() && d->second.covers(f))
      evaluation.dismissed.push_back(std::move(f));
    else if (auto s = snoozes->find(f.key); s != snoozes->end() && s->second.until > now)
      evaluation.snoozed.push_back(std::move(f));
    else
      evaluation.findings.push_back(std::move(f));
  }
  return evaluation;
}

}  // namespace nachfass::engine
