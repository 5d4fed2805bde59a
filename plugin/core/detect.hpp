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
// Details: contacts are personal messages dated <= now (the customer's, and ours to at most
// mass_mail_recipients external recipients); contact days are local days; the percentile is
// nearest-rank, the median the lower one; silence = local days from the last contact day to
// today, a finding when threshold < silence <= max_silence_days. Silence points rise linearly
// from 0 at 1x to 60 at 3x the threshold. Reply speed compares the median business time from a
// customer's first unanswered message in a thread to our next message, for customer messages
// of the last 90 days against those 90-365 days ago (at least 3 each, the earlier median
// floored at 15 minutes); 20 points at 3x slower. Open threads: threads whose last personal
// message is the customer's and that no message of ours names. Sorted by severity, then key.
std::vector<Finding> detect_quiet(const DetectionInput& input);

// stalled: see StalledSettings. The thread's last personal message is ours, to a customer, and
// qualifies; the customer has not written for the tier's stall time in business time since.
// `awaiting` = our last message's Message-ID; `since` = its date; `due` = since + stall time.
// Closes when the customer writes or we write again (a new qualifying message of ours starts a
// new wait under the same key).
// Details: the customer is the first external To/Cc address with a directory customer; a
// message to more than mass_mail_recipients external recipients never stalls. Our subject counts
// only on a fresh mail (no reply prefix: a reply's subject is the customer's topic), our body
// always; `closing` wins over everything. Categories: an expects_answer pattern written as
// (?<offer>...), (?<date>...), (?<question>...) or (?<ask>...) names what our message was
// (offer > date > question > ask when several match), shown as "Angebot" / "Terminvorschlag" /
// "Frage" / "Nachricht" ("Offer" / "Proposed date" / "Question" / "Message"); other patterns and
// a customer pause say "Nachricht". Bodies are read only for threads whose stall time has run
// out. Severity 40 + 10 per business day overdue (+10 for an offer), at most 100. Sorted by
// `since`, then key.
std::vector<Finding> detect_stalled(const DetectionInput& input);

// absence: absences of the user from their own out-of-office replies (automated messages from a
// user address classified as an auto-reply/out-of-office, in any folder; return dates in
// their text, "bis 12.04." / "until April 12", extend the absence) and from all-day calendar
// items whose title matches. One digest per absence of at least min_business_days, listing the
// customer threads that arrived during it and are still unanswered or were answered later than
// the tier's SLA. `since` = first day, `due` = return day (first working day after).
// Details: out-of-office replies are messages from Identities::is_user dated <= now with
// Automation::out_of_office_subject, or autoreply_header / auto_submitted and an out-of-office
// subject. Their body (or, when the body names no day, their subject, which quotes the
// customer's) may name the first day ("vom 03.04.", "from April 3") and the last one: a date
// after a return word ("ab dem 13.04. wieder", "back on April 13", "return on") is the first
// day back, otherwise find_end_date() ("bis einschließlich 12.04.", "until April 12") gives the
// last day absent. All-day items are read at noon of their first
// and last day, so both local-midnight and UTC-midnight storage work. Absences merge when they
// overlap, when only days off lie between them, or (with a reply involved) when they are closer
// than merge_gap_days. Items: per customer thread, the first customer message of the absence
// ([first day 00:00, return day 00:00) local) still unanswered, else the first answered later
// than the tier's SLA (business time from arrival); answered = the first message of ours after
// it or one naming it. Severity 50 + 5 per unanswered item (at most 100). Sorted by `since`.
std::vector<Finding> detect_absence(const DetectionInput& input);

// Every detector, findings sorted by kind, then as each detector sorts them.
std::vector<Finding> detect_all(const DetectionInput& input);

}  // namespace nachfass
