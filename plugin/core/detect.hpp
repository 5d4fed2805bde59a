// The detection engine: pure functions of (messages, threads, directory, rules, clock) ->
// findings. One entry point, detect_all(), runs every detector; each detector is also callable on
// its own (tests, benchmarks).
//
// Common ground for all detectors
// - "Personal" mail is mail with Automation::none. "Ours" is from the user or a colleague
//   (Identities::is_own), or in the Sent folder without a usable From. A "customer message" is
//   personal mail from an address whose directory customer is not ignored.
// - Messages dated after `now` do not exist yet.
// - Outbound contact with a customer: a personal message of ours with one of the customer's
//   addresses (or domains) in To or Cc, and at most `mass_mail_recipients` external recipients
//   (a mass mailing is not a follow-up).
// - Keys are stable across runs: prefix + "-" + 12 hex digits of FNV-1a (finding_key()) of what
//   the finding is about:  u- thread root (unanswered), s- thread root (stalled), l- rule name +
//   customer id + the engagement's start (start mail Message-ID, CSV origin text, or event UID),
//   q- customer id, a- the absence's first day (ISO date).
// - Reasons are one plain sentence in the requested language, with numbers ("schreibt sonst alle
//   9 Tage, seit 41 Tagen still" / "usually writes every 9 days, silent for 41 days").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/business_calendar.hpp"
#include "core/corpus.hpp"
#include "core/detect_unanswered.hpp"
#include "core/directory.hpp"
#include "core/finding.hpp"
#include "core/identities.hpp"
#include "core/rules.hpp"
#include "core/threading.hpp"

namespace nachfass {

// The body text of messages, for the few detectors that read it. The text is what the
// connectors extracted (Message::body): the new text of the first text part, decoded to UTF-8,
// quoted replies and signature cut, at most ~2 KB. Empty when unknown.
class MessageTexts {
 public:
  virtual ~MessageTexts() = default;
  virtual std::string_view body(MessageIndex index) const = 0;
};

// No bodies at all: body patterns never match.
class NoMessageTexts final : public MessageTexts {
 public:
  std::string_view body(MessageIndex) const override { return {}; }
};

inline constexpr int mass_mail_recipients = 10;

struct DetectionInput {
  const Corpus& corpus;
  const Threads& threads;
  const Identities& identities;
  const Directory& directory;
  const BusinessCalendar& calendar;
  const Rules& rules;
  const MessageTexts& texts;
  UnansweredRule unanswered;  // the "standard" SLA; tiers override per customer
  std::span<const EngagementRecord> engagement_records;
  std::span<const CalendarItem> calendar_items;  // the user's calendar, empty without one
  UnixSeconds now = 0;
  Language language = Language::de;
};

// unanswered: as detect_unanswered(), plus: ignored customers raise nothing; the customer's tier
// gives the SLA; `customer` is the directory's company name when known.
std::vector<Finding> detect_unanswered_in(const DetectionInput& input);

// lapsing: see EngagementRule. One finding per engagement whose follow-up date has come
// (now >= follow-up date) without outbound contact in the contact window, until it expires.
// Severity rises from 40 at the follow-up date to 90 at the end date and beyond.
// `since` = follow-up date, `due` = end (or follow-up date when the engagement has no end).
std::vector<Finding> detect_lapsing(const DetectionInput& input);

// quiet: see QuietSettings. Severity = risk score 0-100 = sum of the parts:
//   silence (0-60): how far the silence exceeds the threshold (60 at 3x the threshold);
//   reply_speed (0-20): our median reply time to the customer in the last 90 days vs before;
//   open_threads (0-20): the customer's unanswered threads (10 each).
// `since` = last contact, `due` = last contact + threshold.
std::vector<Finding> detect_quiet(const DetectionInput& input);

// stalled: see StalledSettings. The thread's last personal message is ours, to a customer, and
// qualifies; the customer has not written for the tier's stall time in business time since.
// `awaiting` = our last message's Message-ID; `since` = its date; `due` = since + stall time.
// Closes when the customer writes or we write again (a new qualifying message of ours starts a
// new wait under the same key).
std::vector<Finding> detect_stalled(const DetectionInput& input);

// absence: absences of the user from their own out-of-office replies (personal? no: messages
// from a user address classified as an auto-reply/out-of-office, in any folder; return dates in
// their text, "bis 12.04." / "until April 12", extend the absence) and from all-day calendar
// items whose title matches. One digest per absence of at least min_business_days, listing the
// customer threads that arrived during it and are still unanswered or were answered later than
// the tier's SLA. `since` = first day, `due` = return day (first working day after).
std::vector<Finding> detect_absence(const DetectionInput& input);

// Every detector, findings sorted by kind, then as each detector sorts them.
std::vector<Finding> detect_all(const DetectionInput& input);

}  // namespace nachfass
