// A synthetic sales mailbox with ground truth.
//
// generate() simulates a year of Anna Vogel's mail (customer threads, colleagues, newsletters,
// notifications, out-of-office replies, bounces, duplicates) and hands every message to a
// MailSink as soon as its thread is complete; nothing but small ground-truth entries is kept, so
// a million messages stream through in bounded memory. The same options give the same messages,
// byte for byte, on every platform: all randomness comes from the raw output of std::mt19937_64
// (whose sequence the standard fixes) through our own integer helpers, never from
// std::*_distribution.
//
// The truth is built so that it does not depend on business-time subtleties: a thread whose
// customer wrote last either waited at least 10 calendar days (overdue: a finding) or less than
// 20 hours (fresh: within the 2-business-day SLA, not a finding); nothing in between is generated.
// A fresh customer mail always follows a message of ours, so it stays fresh whether a detector
// counts the wait from the last or from the first unanswered customer mail.
// Every message of a thread can be linked to an earlier one by References/In-Reply-To, by an
// Outlook Thread-Index prefix, or, for messages with neither, by the same base subject between the
// same external addresses within 14 days; no other thread with that base subject between the same
// parties (by customer domain) lies within 22 days of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace nachfass::gen {

// 2026-11-23T09:30:00Z, a Monday (10:30 in Berlin).
inline constexpr UnixSeconds default_now = 1795426200;

struct GeneratorOptions {
  std::uint64_t seed = 1;
  std::size_t messages = 1000;  // exactly this many messages (duplicates included) are emitted
  std::size_t companies = 200;  // customer organisations, freemail individuals included
  UnixSeconds now = default_now;
  // GroundTruth::threads is filled only for corpora up to this many messages.
  std::size_t thread_list_max_messages = 5000;
  // False: bodies are a single line (for benchmarks that only need to_message()).
  bool bodies = true;
};

// How the sending client writes a display name.
enum class NameStyle : std::uint8_t {
  address_only,  // anna.vogel@example.com
  angle_only,    // <anna.vogel@example.com>
  bare,          // Anna Vogel <anna.vogel@example.com> (only for atom-safe ASCII names)
  quoted,        // "Vogel, Anna" <anna.vogel@example.com>
  encoded,       // =?UTF-8?Q?J=C3=BCrgen_Wei=C3=9F?= <juergen.weiss@example.com>
};

// RFC 2047 encoded-word flavour a client uses for non-ASCII header text. Latin-1 and
// Windows-1252 fall back to UTF-8 (same scheme) when the text has characters they cannot hold.
enum class WordCharset : std::uint8_t { utf8, utf8_lower, latin1, latin1_upper, cp1252 };
struct WordStyle {
  WordCharset charset = WordCharset::utf8;
  char scheme = 'Q';  // 'Q' or 'B'
  bool whole = true;  // encode the whole text, or only the runs of words that need it
};

struct MailAddress {
  std::string email;  // as written in the header; case may vary (to_message lower-cases it)
  std::string name;   // display name, UTF-8; empty for address_only/angle_only
  NameStyle style = NameStyle::bare;
  WordStyle words;  // for NameStyle::encoded
};

// The program that wrote a message; decides Message-ID, Date and header style, reply prefixes,
// how replies reference their parent, quoting.
enum class MailClient : std::uint8_t {
  outlook,         // Exchange on-premises: local Date offset, Thread-Index/Thread-Topic
  outlook_online,  // Exchange Online: Date in +0000, Thread-Index/Thread-Topic
  thunderbird,
  apple_mail,
  iphone_mail,
  gmail,
  gmx_webmail,      // GMX / WEB.DE: In-Reply-To only, "Aw:"
  tonline_webmail,  // In-Reply-To only
  roundcube,
  lotus_notes,        // In-Reply-To only, "Antw:", obsolete-ish dates
  broken_truncating,  // References cut down to the parent's id only
  broken_bare,        // neither In-Reply-To nor References: only the subject links a reply
  newsletter_tool,
  notification_system,
  postfix,          // bounces from our relay
  exchange_system,  // Exchange NDRs
  scanner,          // the office copier
};
std::string_view to_string(MailClient client);

enum class BodyKind : std::uint8_t { plain, alternative, report };

// Who wrote a message, for the ground truth.
enum class Actor : std::uint8_t {
  customer,   // a person at a customer (or a freemail individual)
  user,       // Anna, from her address or the alias
  colleague,  // a person @example.com (or a subdomain)
  automated,  // any machine: auto-replies, newsletters, notifications, bounces
  device,     // the office scanner: not a person, not flagged by any header either
};
std::string_view to_string(Actor actor);

enum class ThreadKind : std::uint8_t { customer, internal, newsletter, notification, bounce, scan };
std::string_view to_string(ThreadKind kind);

struct GeneratedMail {
  std::string folder;         // "INBOX" or "Sent"
  bool in_new = false;        // lies in new/ (unseen, no ":2," info) instead of cur/
  std::string file_name;      // Maildir base name, with ":2,<flags>" when in cur/
  UnixSeconds delivered = 0;  // file name time and mtime

  std::string message_id;   // without angle brackets; empty: no Message-ID header at all
  std::string in_reply_to;  // empty: no In-Reply-To header
  std::vector<std::string> references;  // empty: no References header
  std::string subject;                  // UTF-8, exactly as stored in this mailbox
  WordStyle subject_words;              // used when the subject is not pure ASCII
  MailAddress from;
  std::vector<MailAddress> to;
  std::vector<MailAddress> cc;

  UnixSeconds date = 0;                 // UTC
  std::int16_t utc_offset_minutes = 0;  // as a parser reads it from the Date header
  std::string date_header;              // the exact Date value

  std::string thread_index;  // Outlook Thread-Index, base64; empty: no header
  std::string thread_topic;  // Thread-Topic, UTF-8; empty: no header

  // Automation-relevant headers, raw; empty: absent.
  std::string auto_submitted;
  std::string x_autoreply;
  std::string x_auto_response_suppress;
  std::string x_ms_exchange_inbox_rules_loop;
  std::string precedence;
  std::string list_id;
  std::string list_unsubscribe;

  MailClient client = MailClient::thunderbird;
  BodyKind body_kind = BodyKind::plain;
  std::string boundary;      // for multipart bodies
  std::string content_type;  // the full Content-Type value
  std::string body;          // UTF-8 text of the person (quote included); HTML is derived from it
  // The new text of `body`: what the writer wrote, without the quoted message (signature
  // included). What a connector's body extraction should arrive at (before it cuts the signature).
  std::string new_text;
  std::string return_path;   // envelope sender for inbound copies; empty for Sent and bounces
  std::string failed_recipient;  // BodyKind::report: the address that bounced

  // Ground truth about this message (not part of the rendered bytes).
  std::uint32_t thread_serial = 0;  // 1-based, in emission order
  Actor actor = Actor::customer;
  bool duplicate = false;  // a second copy of a Message-ID that was emitted before
};

class MailSink {
 public:
  virtual ~MailSink() = default;
  // Called once per message; the reference is valid only during the call.
  virtual void mail(const GeneratedMail& mail) = 0;
};

// Adapts any callable.
class FunctionSink final : public MailSink {
 public:
  explicit FunctionSink(std::function<void(const GeneratedMail&)> fn) : fn_(std::move(fn)) {}
  void mail(const GeneratedMail& mail) override { fn_(mail); }

 private:
  std::function<void(const GeneratedMail&)> fn_;
};

struct TruthCounts {
  std::size_t messages = 0;
  std::size_t inbox = 0;
  std::size_t sent = 0;
  std::size_t threads = 0;
  std::size_t duplicates = 0;  // copies whose Message-ID had been emitted before
  std::size_t automated = 0;   // Actor::automated, duplicates included
  std::size_t customer_threads = 0;
  std::size_t internal_threads = 0;
  std::size_t unanswered = 0;  // overdue findings
  std::size_t fresh = 0;       // customer wrote last, within the SLA: not findings
  std::size_t missing_message_id = 0;
  std::size_t subject_only_replies = 0;       // replies linked by nothing but their subject
  std::size_t thread_index_only_replies = 0;  // replies linked only by an Outlook Thread-Index
  // The other detectors: positives, negatives and cases left out of scoring (unsure).
  std::size_t stalled = 0, not_stalled = 0;
  std::size_t lapsing = 0, lapsing_not_due = 0, lapsing_unsure = 0;
  std::size_t quiet = 0, quiet_active = 0, quiet_unsure = 0;
  std::size_t absences = 0, absence_findings = 0, absence_unsure = 0;
  std::size_t stalled_unsure = 0;     // none by construction (the generator test checks)
  std::size_t stalled_unlabeled = 0;  // threads ending with our word without a chosen text: none
};

// The terms the shipped default engagement rules have (issue 5), which the lapsing truth assumes;
// the quality test compares them with default_rules().
struct EngagementTerms {
  std::string_view rule;
  int before_end_days = 0;   // 0: follow up after the start instead
  int after_start_days = 0;  // seminars: after the seminar day
  int contact_window_days = 0;
  int expire_after_days = 0;
};
std::span<const EngagementTerms> engagement_terms();

// A customer message nobody from our side has answered.
struct AwaitingReply {
  std::string thread_root;  // Message-ID of the thread's first message, no angle brackets
  std::string awaiting;     // Message-ID of the last non-automated customer message
  std::string contact;      // its sender, lower-cased
  std::string contact_name;
  std::string customer;         // company name; empty for a freemail individual
  std::string customer_domain;  // domain of the contact
  std::string subject;          // the thread's base subject (no prefixes, no tags)
  UnixSeconds since = 0;        // the awaiting message's date
};

struct ThreadTruth {
  ThreadKind kind = ThreadKind::customer;
  std::string root;                      // Message-ID of the first message; may be empty
  std::vector<std::string> source_ids;   // "INBOX/<unique>" / "Sent/<unique>", by date
  std::vector<std::string> message_ids;  // parallel to source_ids; empty when missing
};

// How sure the truth is about a case. Cases near a threshold are never generated on purpose;
// those the mix of random traffic puts there anyway are `unsure` and left out of scoring.
enum class Label : std::uint8_t { positive, negative, unsure };
std::string_view to_string(Label label);

// A customer thread whose last personal message is ours (the stalled detector looks at all of
// them). Our last text is chosen deliberately: it expects an answer (an offer, a question, a
// proposed date), answers a customer's announced pause ("wir möchten noch etwas länger testen"),
// or closes the matter ("Vielen Dank, damit ist alles erledigt."). Positive when it expects an
// answer (or follows a pause) and has waited 12-80 days; negative when it closes, or waited less
// than 2 days, or more than 100 days. Nothing else is generated.
struct StalledTruth {
  std::string thread_root;  // Message-ID of the thread's first message
  std::string awaiting;     // Message-ID of our last message
  std::string customer_domain;
  std::string text_class;  // "expects", "pause", "closing"
  UnixSeconds since = 0;   // our last message's date
  Label label = Label::negative;
};

// An engagement started by a mail of the own trial system / contract / seminar registration. The
// label follows the default rules (EngagementTerms): due when the follow-up date has passed (by
// 3+ days), no outbound personal contact with the customer's domain happened in the contact
// window (none within 3 days of its start either), no conversion or cancellation, and the
// expiry is 3+ days ahead. Computed from what was actually emitted.
struct EngagementTruth {
  std::string rule;             // "trial", "contract", "seminar"
  std::string customer_domain;  // the customer's domain
  std::string start_message_id;
  UnixSeconds started = 0;  // the start mail's date
  std::string ends;         // ISO date the engagement ends (trials, contracts); "" for seminars
  std::string event_day;    // seminars: the seminar's day (ISO); "" otherwise
  std::string follow_up;    // ISO date of the follow-up
  std::string state;        // due, contacted, converted, cancelled, not_yet, expired, unsure
  Label label = Label::negative;
};

// A long-standing customer (company domain, or address on a freemail domain) with the contact
// statistics QuietSettings defines: contact days are local days (Europe/Berlin) with personal
// mail either way. Positive: eligible (first contact 190+ days ago, 10+ distinct personal
// messages) and silent for 2x-to-300 days of the threshold; negative: silent at most 0.5x the
// threshold, or clearly not eligible; else unsure.
struct QuietTruth {
  std::string customer;  // domain, or the address of a freemail individual
  bool freemail = false;
  int contact_days = 0;
  int exchanges = 0;  // distinct personal messages either way
  double median_gap = 0, p90_gap = 0, threshold_days = 0;
  int silence_days = 0;
  UnixSeconds first_contact = 0, last_contact = 0;
  Label label = Label::negative;
};

// A customer thread that arrived while Anna was away (her out-of-office reply is in Sent).
struct AbsenceItemTruth {
  std::string thread_root;
  UnixSeconds arrived = 0;
  UnixSeconds answered = 0;  // 0: still unanswered
  bool in_digest = false;    // unanswered, or answered 10+ days after it arrived
};

// An absence of the user, known from her out-of-office replies ("Ich bin bis einschließlich
// 12.04.2026 nicht im Büro"). Positive when its digest is visible at `now` (AbsenceSettings:
// from the return day for show_days, up to max_days while a thread is unanswered; 3-day margins)
// and it lists at least one thread.
struct AbsenceTruth {
  std::string first_day;   // ISO date, the first out-of-office reply's local day
  std::string last_day;    // the last day away, as the replies say
  std::string return_day;  // the first working day after
  std::vector<AbsenceItemTruth> items;  // every thread that arrived during it, by arrival
  Label label = Label::negative;
};

struct GroundTruth {
  GeneratorOptions options;
  TruthCounts counts;
  std::vector<AwaitingReply> unanswered;  // findings, sorted by since
  std::vector<AwaitingReply> fresh;       // within the SLA at `now`: NOT findings
  std::vector<StalledTruth> stalled;      // every customer thread whose last word is ours
  std::vector<EngagementTruth> engagements;
  std::vector<QuietTruth> quiet;  // every customer with personal mail
  std::vector<AbsenceTruth> absences;
  bool has_threads = false;               // threads filled (small corpora only)
  std::vector<ThreadTruth> threads;       // in emission order
};

GroundTruth generate(const GeneratorOptions& options, MailSink& sink);

// The exact bytes of the message file: LF line endings, 7-bit, header lines folded at about 78
// columns and never longer than 998.
std::string render_rfc5322(const GeneratedMail& mail);

// What a correct parser makes of render_rfc5322(mail): decoded subject and names, lower-cased
// addresses, ids without angle brackets, UTC date and offset, the folder's role, and automation
// as nachfass::classify_automation() sees the headers. source_id is "<folder>/<unique part of
// the file name>", as the Maildir connector names it. Cheap: no rendering, no decoding.
nachfass::Message to_message(const GeneratedMail& mail);

// The Maildir source id of a generated message ("INBOX/1781234567.M1P2Q3.mail").
std::string source_id(const GeneratedMail& mail);

void write_truth_json(const GroundTruth& truth, std::ostream& out);

// The user the mailbox belongs to, as nachfass.toml describes it.
struct UserIdentity {
  std::string name;
  std::vector<std::string> addresses;  // lower-cased; the first is the personal one
  std::vector<std::string> own_domains;
};
const UserIdentity& user_identity();

// nachfass.toml for a generated mailbox (user, business hours, SLA).
std::string config_toml();

// "2026-11-23T09:30:00Z"; parse accepts that form and a "+HH:MM" offset instead of "Z".
std::string format_iso_utc(UnixSeconds time);
std::optional<UnixSeconds> parse_iso_utc(std::string_view text);

// Writes messages as Maildir++ below `root`: INBOX in root/{cur,new,tmp}, Sent in
// root/.Sent/{cur,new,tmp}, an empty root/.Drafts; each file's mtime is its delivery time.
// Throws std::system_error / std::filesystem::filesystem_error when the disk refuses.
class MaildirWriter final : public MailSink {
 public:
  explicit MaildirWriter(std::filesystem::path root);
  void mail(const GeneratedMail& mail) override;
  std::uint64_t bytes_written() const { return bytes_; }

 private:
  std::filesystem::path root_;
  std::string inbox_cur_, inbox_new_, sent_cur_, sent_new_;
  std::uint64_t bytes_ = 0;
};

// Generates into `out`: out/maildir/, out/truth.json, out/nachfass.toml, replacing those three if
// they exist (nothing else in `out` is touched). Returns the truth.
GroundTruth write_corpus(const std::filesystem::path& out, const GeneratorOptions& options);

}  // namespace nachfass::gen
