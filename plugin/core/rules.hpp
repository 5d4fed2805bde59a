// What the detectors beyond "unanswered" look for: engagement rules (lapsing trials, contracts,
// seminars), and the settings of the quiet, stalled and absence detectors. Built from the config
// (plugin/config) and handed to the pure detectors; nothing here reads files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "ports/result.hpp"

namespace nachfass {

// A case-insensitive regular expression (Perl syntax, Boost.Regex) searched in UTF-8 text. Case
// folding covers ASCII and the German letters Ä Ö Ü (the text and the pattern are folded the same
// way). Copyable and cheap to copy (the compiled expression is shared).
class Pattern {
 public:
  // config.bad_value-style message in the error ("invalid pattern: ..."); the caller adds the key.
  static Result<Pattern> compile(std::string_view source);

  const std::string& source() const { return source_; }
  bool search(std::string_view text) const;
  // The first match's whole text, or the named group's when `group` is not empty; nullopt when
  // there is no match (or the group did not take part).
  std::optional<std::string> find(std::string_view text, std::string_view group = {}) const;
  // Where the first match starts and ends in `text` (byte offsets), or nullopt.
  std::optional<std::pair<std::size_t, std::size_t>> span(std::string_view text) const;

 private:
  struct Compiled;
  std::string source_;
  std::shared_ptr<const Compiled> compiled_;
};

// True when any of `patterns` matches `text` (false for an empty list).
bool any_match(const std::vector<Pattern>& patterns, std::string_view text);

// Which parts of a mail a set of patterns looks at. A mail matches when every non-empty list has a
// match (in its part) and at least one list is non-empty.
struct MailMatch {
  std::vector<Pattern> from;     // the sender's address and display name ("Name <a@b>")
  std::vector<Pattern> subject;  // the decoded subject
  std::vector<Pattern> body;     // the body text (see MessageTexts)
  bool empty() const { return from.empty() && subject.empty() && body.empty(); }
};

// One engagement rule: how an engagement starts, how long it runs, when to follow up, and the
// mails that change it. Engagements also come from imported CSV rows (EngagementRecord), which
// name the rule by `engagement`.
struct EngagementRule {
  std::string name;        // the rule's key in the config: "trial", "contract", "seminar"
  std::string engagement;  // the kind shown in findings; defaults to `name`

  // Start by mail. The config requires `from` or `subject` patterns here (body patterns alone
  // would mean reading every mail's body). Subjects with a reply or forward prefix ("AW:",
  // "Re:", "WG:", "Fwd:") never start an engagement. The customer is the first party of the mail
  // (From, then To, then Cc) that is neither own nor ignored nor matched by `start.from`.
  MailMatch start;
  // Start by calendar event: an event whose title matches; its attendees are the customers
  // (one engagement per customer), the event's end is the engagement's start for `after_days`.
  std::vector<Pattern> event_title;

  // Length when the text names no end date ("30-tägiger", "30-day" and "4 Wochen" / "4 weeks"
  // in the start mail override it). 0 = the engagement has no end (seminars: use after_days).
  int length_days = 0;
  // Follow up this many days before the end (trials, contracts) ...
  std::optional<int> before_end_days;
  // ... or this many days after the start (seminars: 3 days after the event).
  std::optional<int> after_start_days;
  // Outbound personal mail to the customer counts as the follow-up when sent at most this many
  // days before the follow-up date (and not before the engagement started).
  int contact_window_days = 7;
  // The finding stays this many days past the follow-up date (or the end, whichever is later) and
  // then expires: the engagement is over and `quiet` takes over.
  int expire_after_days = 30;

  // Mails from or to the customer, dated within the engagement, that change it.
  // Only mails not written by the customer extend (a customer's request is not an extension).
  MailMatch extend;   // a new end date, parsed from the subject and body
  MailMatch convert;  // conversion / order confirmation: no follow-up needed
  MailMatch cancel;   // cancelled: no follow-up from this rule
};

// A row of an imported engagements CSV: customer, kind (a rule name), start and end date.
struct EngagementRecord {
  std::string customer;        // a domain, an address, or a company name in the directory
  std::string rule;            // EngagementRule::name
  std::int32_t start_day = 0;  // days since 1970-01-01 (civil date in the user's zone)
  std::int32_t end_day = 0;    // 0 = from the rule's length
  std::string origin;          // "vertraege.csv:7"
};

// An all-day (or multi-day) calendar event, for absences and seminar engagements.
struct CalendarItem {
  std::string uid;  // the event's UID; occurrences of a recurring event add "/<recurrence id>"
  std::string title;
  UnixSeconds start = 0;
  UnixSeconds end = 0;  // exclusive
  bool all_day = false;
  std::vector<std::string> attendees;  // lower-cased addresses
};

struct QuietSettings {
  bool enabled = true;
  int min_history_months = 6;  // first contact at least this long ago
  int min_exchanges = 8;       // at least this many personal messages each way together
  // Contacts are the days with personal mail either way. A customer is quiet when the silence
  // since the last contact exceeds max(gap_factor * upper percentile of the gaps,
  // median_factor * median gap, min_silence_days).
  int upper_percentile = 90;
  double gap_factor = 1.5;
  double median_factor = 3.0;
  int min_silence_days = 21;
  // Silences longer than this are no longer "quiet" but lost; no finding (the win-back letter
  // is the tool for those, from the customer list).
  int max_silence_days = 365;
};

struct StalledSettings {
  bool enabled = true;
  // Our last message qualifies when its subject or new text (quotes stripped) matches one of
  // these (an offer, a question, a proposed date) ...
  std::vector<Pattern> expects_answer;
  // ... or the customer's message before it announced a pause ("wir überlegen es uns",
  // "we would like to test a little longer").
  std::vector<Pattern> customer_pause;
  // Our last message never qualifies when it matches one of these ("Vielen Dank, alles erledigt",
  // "thanks, all settled").
  std::vector<Pattern> closing;
  // Threads whose last message is older than this are left to `quiet`.
  int max_age_days = 90;
};

struct AbsenceSettings {
  bool enabled = true;
  std::vector<Pattern> event_title;  // "Urlaub", "Abwesend", "Out of office", ...
  int min_business_days = 2;         // shorter absences are not reported
  // OOO replies of the user closer than this many days belong to one absence.
  int merge_gap_days = 4;
  // The digest is shown from the return day for this many days, and longer while a thread of
  // it is still unanswered (at most max_days).
  int show_days = 14;
  int max_days = 60;
};

struct Rules {
  std::vector<EngagementRule> engagements;
  QuietSettings quiet;
  StalledSettings stalled;
  AbsenceSettings absence;
};

// The parts of default_rules(), each defined next to its detector.
std::vector<EngagementRule> default_engagement_rules();  // trial, contract, seminar
StalledSettings default_stalled_settings();
AbsenceSettings default_absence_settings();

// The defaults the config template ships: trial, contract and seminar rules with German and
// English patterns; the German and English stalled/absence patterns. Never fails (the patterns
// are tested).
Rules default_rules();

}  // namespace nachfass
