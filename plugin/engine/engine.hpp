// The account runner: reads a mail source into the store, then evaluates detection over what the
// store holds. Glue between connectors, store and core; no protocol and no output formatting.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/business_calendar.hpp"
#include "core/detect.hpp"
#include "core/detect_unanswered.hpp"
#include "core/directory.hpp"
#include "core/finding.hpp"
#include "core/identities.hpp"
#include "core/threading.hpp"
#include "ports/result.hpp"
#include "store/store.hpp"

namespace nachfass::engine {

struct Progress {
  std::string_view step;  // e.g. folder name
  std::size_t done = 0;
  std::size_t total = 0;
};
using ProgressFn = std::function<void(const Progress&)>;
using WarningFn = std::function<void(std::string_view)>;

struct ImportReport {
  std::size_t folders = 0;
  std::size_t messages_present = 0;  // in the source now
  std::size_t added = 0;             // new since the last import
  std::size_t removed = 0;           // gone from the source since the last import
  std::size_t failed = 0;            // files skipped (warned about)
};

// Reads every folder of the Maildir at `root` except Trash/Junk/Drafts/Outbox/Templates into the
// store: new messages are parsed and stored in batches (each batch one transaction), messages
// that vanished from the source are removed from the store. Already known messages are not read
// again, so a rerun costs a directory listing. Idempotent; an interrupted import resumes.
// Errors: maildir.* from the reader, store.* from the store.
Result<ImportReport> import_maildir(const std::filesystem::path& root, Store& store,
                                    const ProgressFn& progress, const WarningFn& warning);

// Reads the configured mail source ([mail] provider = "maildir" or "imap") into the store; for
// IMAP incrementally (UIDVALIDITY/UIDNEXT/HIGHESTMODSEQ per folder; see imap_sync.hpp).
// Errors: usage.no_source when [mail] names no provider this build can read, plus the source's.
Result<ImportReport> import_configured_source(const Config& config, Store& store,
                                              const ProgressFn& progress, const WarningFn& warning);

// Everything detection needs, derived from the config once.
struct DetectionSettings {
  Identities identities;
  BusinessCalendar calendar;
  UnansweredRule unanswered;
  Language language = Language::de;
  ThreadingOptions threading;
  Rules rules;
  // The directory's inputs from the config; the imported files are read at every evaluation
  // (they are small, and an edited file then counts at once).
  std::vector<Tier> tiers;
  std::vector<CustomerEntry> configured_customers;
  std::vector<std::string> ignore;
  std::vector<std::filesystem::path> customer_files;
  std::vector<std::filesystem::path> engagement_files;
};

// The files of [customers]: customer entries (CSV or vCard) and engagement rows (CSV). A file
// that cannot be read, and every malformed row, is reported through `warning` ("FILE:LINE:
// reason — skipped") and skipped; the rest is used.
struct ImportedFiles {
  std::vector<CustomerEntry> customers;
  std::vector<EngagementRecord> engagements;
};
ImportedFiles read_customer_files(const DetectionSettings& settings, const WarningFn& warning);

// The customer directory over the stored mail, the imported files and the config.
Directory customer_directory(const Corpus& corpus, const DetectionSettings& settings,
                             std::vector<CustomerEntry> imported);

// Errors: config.bad_value when the configured time zone is unknown to the system's tzdata.
Result<DetectionSettings> detection_settings(const Config& config);

struct Evaluation {
  std::vector<Finding> findings;  // shown: neither dismissed nor snoozed as of `now`
  std::vector<Finding> dismissed;
  std::vector<Finding> snoozed;
  std::size_t messages = 0;
  std::size_t threads = 0;
  std::size_t customers = 0;
};

// Loads the stored messages, threads them, builds the customer directory, runs every detector as
// of `now`, records the current findings in the store (first seen / resolved), and splits them by
// dismissals and snoozes. `record` false evaluates without writing (for read-only listings of
// another point in time). `calendar_items` are the user's calendar events (absences, seminars),
// empty without a connected calendar. Problems with the imported files go to `warning`.
Result<Evaluation> evaluate(Store& store, const DetectionSettings& settings, UnixSeconds now,
                            bool record, const WarningFn& warning = {},
                            std::span<const CalendarItem> calendar_items = {});

}  // namespace nachfass::engine
