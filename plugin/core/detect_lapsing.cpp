// Lapsing engagements (trials, contracts, seminars): see EngagementRule in rules.hpp and
// detect_lapsing() in detect.hpp. The exact semantics:
//
// Days. Every "day" below is a local date in the calendar's zone (BusinessCalendar::local_date).
// A day as an instant is its local midnight (00:00, choose::earliest at a DST gap). So the
// follow-up day F becomes due at 00:00 on F: the finding is there in the morning of that day.
//
// Where engagements come from (per rule):
//  1. Start mails. A mail dated at or before `now` that matches `rule.start` (every non-empty
//     list of from / subject / body matches), in any folder and direction, automated or not
//     (trial systems send from noreply addresses). A rule without from and subject patterns
//     never starts by mail (that would mean reading every body). A subject with a reply or
//     forward prefix never starts one: "AW: Ihr Testzugang ist aktiv" is a conversation about a
//     trial, not a new trial. The customer is the first party in From, To, Cc order that is not
//     own, has a directory customer that is not ignored, and is not matched by `start.from`
//     (checked on "Name <address>"); no such party, no engagement. The text is subject + "\n" +
//     body (MessageTexts, read only for mails whose subject and from already matched).
//     - Rules that follow up before the end (`before_end_days` set): start = the mail's date;
//       end day = find_end_date(text, mail day), else mail day + find_length_days(text), else
//       mail day + length_days, else no end.
//     - Other rules (seminars: `after_start_days`): the start day is the first date in the text
//       on or after the mail's day (a registration confirmation names the seminar day; the start
//       instant is that day's midnight), else the mail's date; end day = start day + length_days
//       when length_days > 0, else no end.
//     Start mails of one customer and rule are taken in date order. A start mail dated before
//     the current engagement's expiry (see below) belongs to it (the first mail keeps the key;
//     a later end it names moves the end, so a confirmation of a renewal prolongs a contract);
//     a later one begins a new engagement.
//  2. Imported rows (DetectionInput::engagement_records) whose `rule` names the rule. The
//     customer is looked up as an address (Directory::find), else as a domain of a customer,
//     else as a company name (ASCII case-insensitive); rows naming an unknown or ignored
//     customer are skipped. Start = midnight of start_day; end = end_day, else start_day +
//     length_days when length_days > 0, else no end.
//  3. Calendar items whose title matches `rule.event_title`, held at or before `now`: one
//     engagement per customer among the attendees (not own, not ignored), with the contact of
//     its first attendee. The start is the event's end instant (contact during the event does
//     not count as a follow-up); end as for rows.
//  Engagements from the three sources are never merged with each other.
//
// Changes. Mails dated in [the start mail's date (imported rows and events: the start), now]
// and before the engagement's expiry, with a party (From, To or Cc) of the same customer,
// personal or automated, in date order:
//   - convert or cancel match: the engagement is closed; it never raises a finding again;
//   - extend match, in a mail not written by the customer (an extension comes from us or the
//     system; "können wir die Testphase verlängern?" is a request): the new end day is
//     find_end_date(text, mail day); it moves the end only when later than the current end.
//   A MailMatch matches as in rules.hpp; the body is read only when the subject and from
//   patterns of that list have matched (or the list has none), and only for these mails.
//   A mail changes at most one engagement of a customer: a notice is about one thing. The
//   engagements are run rule by rule in the rules' order (within a rule: mail-started, then
//   imported rows, then events), and a mail that closed an engagement or moved its end is no
//   change of the customer's engagements run after it. So the order confirmation that follows a
//   trial converts the trial (the first default rule), not also the lease the same customer
//   has had since January, which still needs its renewal call; put the rule a shared change
//   pattern most likely belongs to first.
//
// Follow-up day F: end day - before_end_days when the end is known and before_end_days is set;
// else start day + after_start_days when that is set; else the end day; never before the start
// day. Without any of these there is no follow-up (and no finding).
// Expiry day X = max(F, end day) + expire_after_days (max(F, ...) alone without an end).
//
// Finding: when F <= today < X (today = the local day of `now`), the engagement is not closed,
// and there was no outbound contact (detect.hpp) with the customer in
// [max(start instant, midnight of F - contact_window_days), now]. Contact after the finding
// appeared removes it on the next run.
//   key       finding_key("l", rule name | customer id | start mail Message-ID (its source id
//             without one), the row's origin, or the event UID)
//   since     midnight of F;  due: midnight of the end day (midnight of F without an end)
//   severity  40 at `since`, rising linearly to 90 at `due` and beyond (without an end: at the
//             expiry); 90 when due <= since
//   ends      ISO end day, "" without an end
//   reason    "Testzugang von Keller GmbH endet am 26.03.2026 — seit dem Start am 24.02. kein
//             Kontakt von uns" / "Keller GmbH's trial ends on 2026-03-26 — no contact from us
//             since it started on Feb 24"; "letzter Kontakt von uns am ..." / "last contact from
//             us on ..." when we wrote after the start but before the window.
// Findings are sorted by `since`, then key.
//
// Cost: start subjects are checked once per distinct subject atom (a literal prefilter read from
// the patterns first, see LiteralReader; the expressions only on a hit); addresses are
// resolved once per atom; bodies are read only for start candidates and for mails of engaged
// customers that pass the subject/from patterns of a change.
#include "core/detect.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.hpp"
#include "core/text_dates.hpp"

namespace nachfass {

namespace {

constexpr std::int64_t kDaySeconds = 86400;

std::int32_t local_day(const BusinessCalendar& calendar, UnixSeconds instant) {
  return day_number(calendar.local_date(instant));
}

UnixSeconds local_midnight(const BusinessCalendar& calendar, std::int32_t day) {
  const std::int64_t seconds = std::int64_t{day} * kDaySeconds;
  if (calendar.zone() == nullptr) return seconds;
  const date::local_seconds local{std::chrono::seconds{seconds}};
  return calendar.zone()->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

// What an address atom is: own, a customer (index), or nothing known.
constexpr std::uint32_t kUnresolved = 0xFFFFFFFEu;
constexpr std::uint32_t kOwn = 0xFFFFFFFDu;
static_assert(no_customer == 0xFFFFFFFFu);

class Parties {
 public:
  Parties(const Corpus& corpus, const Identities& identities, const Directory& directory)
      : corpus_(corpus), identities_(identities), directory_(directory) {
    Atom max_atom = 0;
    for (MessageIndex i = 0; i < corpus.size(); ++i) {
      max_atom = std::max(max_atom, corpus[i].from);
      for (Atom a : all_recipients(i)) max_atom = std::max(max_atom, a);
    }
    of_atom_.assign(static_cast<std::size_t>(max_atom) + 1, kUnresolved);
  }

  std::span<const Atom> all_recipients(MessageIndex i) const {
    const auto to = corpus_.to(i);
    return {to.data(), to.size() + corpus_.cc(i).size()};
  }

  // kOwn, no_customer (unknown or ignored), or a customer index.
  std::uint32_t of(Atom address) {
    if (address == empty_atom || address >= of_atom_.size()) return no_customer;
    std::uint32_t& slot = of_atom_[address];
    if (slot == kUnresolved) {
      const std::string_view email = corpus_.text(address);
      if (identities_.is_own(email)) {
        slot = kOwn;
      } else {
        // find(Atom) knows the atoms of the corpus the directory was built from; an address it
        // does not know (a directory built from other mail) may still be claimed by a domain.
        CustomerIndex c = directory_.find(address);
        if (c == no_customer) c = directory_.find(email);
        slot = (c == no_customer || directory_[c].ignored) ? no_customer : c;
      }
    }
    return slot;
  }

  bool is_ours(const MessageRecord& r) {
    if (r.from == empty_atom) return r.folder_role == FolderRole::sent;
    return of(r.from) == kOwn;
  }

 private:
  const Corpus& corpus_;
  const Identities& identities_;
  const Directory& directory_;
  std::vector<std::uint32_t> of_atom_;
};

std::string from_text(const Corpus& corpus, const MessageRecord& r) {
  std::string text(corpus.text(r.from_name));
  if (!text.empty()) text += ' ';
  text += '<';
  text += corpus.text(r.from);
  text += '>';
  return text;
}

// Literals that every match of a pattern contains (at least one of them), read from the
// pattern's source conservatively: whatever the reader does not understand (escapes such as \x,
// back references, conditionals, extended mode) makes it give up, and the pattern is then always
// run. Regular expressions cost microseconds per subject; a million subjects need a cheaper
// "certainly not" first.
class LiteralReader {
 public:
  explicit LiteralReader(std::string_view source) : s_(source) {}

  // nullopt: no usable literal set (the pattern must always be run).
  std::optional<std::vector<std::string>> read() {
    auto result = alternation(0);
    if (failed_ || pos_ != s_.size() || !result) return std::nullopt;
    return result;
  }

 private:
  using Set = std::optional<std::vector<std::string>>;
  static constexpr std::size_t kMinLiteral = 3;

  static std::size_t score(const std::vector<std::string>& set) {
    std::size_t shortest = std::numeric_limits<std::size_t>::max();
    for (const auto& literal : set) shortest = std::min(shortest, literal.size());
    return set.empty() ? 0 : shortest;
  }

  Set alternation(int depth) {
    if (depth > 20) {
      failed_ = true;
      return std::nullopt;
    }
    std::vector<std::string> all;
    bool every_branch = true;
    while (true) {
      Set branch = sequence(depth);
      if (failed_) return std::nullopt;
      if (branch)
        all.insert(all.end(), branch->begin(), branch->end());
      else
        every_branch = false;
      if (pos_ < s_.size() && s_[pos_] == '|') {
        ++pos_;
        continue;
      }
      break;
    }
    if (!every_branch || all.empty()) return std::nullopt;
    return all;
  }

  // Reads a quantifier at pos_; returns its minimum (1 when there is none).
  int quantifier() {
    if (pos_ >= s_.size()) return 1;
    int minimum = 1;
    const char c = s_[pos_];
    if (c == '?' || c == '*') {
      minimum = 0;
      ++pos_;
    } else if (c == '+') {
      ++pos_;
    } else if (c == '{') {
      std::size_t p = pos_ + 1;
      int value = 0;
      bool digits = false;
      while (p < s_.size() && s_[p] >= '0' && s_[p] <= '9') {
        value = std::min(1000, value * 10 + (s_[p] - '0'));
        digits = true;
        ++p;
      }
      if (!digits) return 1;  // a literal '{'
      if (p < s_.size() && s_[p] == ',') {
        ++p;
        while (p < s_.size() && s_[p] >= '0' && s_[p] <= '9') ++p;
      }
      if (p >= s_.size() || s_[p] != '}') return 1;
      pos_ = p + 1;
      minimum = value;
    } else {
      return 1;
    }
    if (pos_ < s_.size() && (s_[pos_] == '?' || s_[pos_] == '+')) ++pos_;  // lazy, possessive
    return minimum;
  }

  Set sequence(int depth) {
    Set best;
    std::string run;
    auto flush = [&] {
      if (run.size() >= kMinLiteral && (!best || run.size() > score(*best)))
        best = std::vector<std::string>{run};
      run.clear();
    };
    auto consider = [&](const Set& set) {
      if (set && score(*set) >= kMinLiteral && (!best || score(*set) > score(*best))) best = set;
    };
    while (pos_ < s_.size() && s_[pos_] != '|' && s_[pos_] != ')') {
      const char c = s_[pos_];
      if (c == '(') {
        ++pos_;
        bool zero_width = false;
        if (pos_ < s_.size() && s_[pos_] == '?') {
          const std::string_view rest = s_.substr(pos_ + 1);
          if (rest.starts_with(":") || rest.starts_with(">")) {
            pos_ += 2;
          } else if (rest.starts_with("=") || rest.starts_with("!")) {
            pos_ += 2;
            zero_width = true;
          } else if (rest.starts_with("<=") || rest.starts_with("<!")) {
            pos_ += 3;
            zero_width = true;
          } else if (rest.starts_with("<") || rest.starts_with("P<") || rest.starts_with("'")) {
            const char close = rest.starts_with("'") ? '\'' : '>';
            const std::size_t end = s_.find(close, pos_ + 2);
            if (end == std::string_view::npos) {
              failed_ = true;
              return std::nullopt;
            }
            pos_ = end + 1;
          } else {
            // Inline flags "(?i)", "(?i-s:...)": fine unless they switch on extended mode.
            std::size_t p = pos_ + 1;
            while (p < s_.size() &&
                   (std::isalpha(static_cast<unsigned char>(s_[p])) || s_[p] == '-'))
              ++p;
            const std::string_view flags = s_.substr(pos_ + 1, p - pos_ - 1);
            if (p >= s_.size() || flags.empty() || flags.find('x') != std::string_view::npos ||
                (s_[p] != ')' && s_[p] != ':')) {
              failed_ = true;
              return std::nullopt;
            }
            if (s_[p] == ')') {
              pos_ = p + 1;
              continue;  // a flag switch matches nothing; the run goes on
            }
            pos_ = p + 1;
          }
        }
        Set inner = alternation(depth + 1);
        if (failed_ || pos_ >= s_.size() || s_[pos_] != ')') {
          failed_ = true;
          return std::nullopt;
        }
        ++pos_;
        const int minimum = quantifier();
        flush();
        if (!zero_width && minimum > 0) consider(inner);
        continue;
      }
      if (c == '[') {
        std::size_t p = pos_ + 1;
        if (p < s_.size() && s_[p] == '^') ++p;
        if (p < s_.size() && s_[p] == ']') ++p;
        while (p < s_.size() && s_[p] != ']') p += (s_[p] == '\\') ? 2 : 1;
        if (p >= s_.size()) {
          failed_ = true;
          return std::nullopt;
        }
        pos_ = p + 1;
        quantifier();
        flush();
        continue;
      }
      if (c == '.' || c == '^' || c == '$') {
        ++pos_;
        quantifier();
        flush();
        continue;
      }
      if (c == '*' || c == '+' || c == '?' || c == '{') {
        // A quantifier without an atom: leave it to the regular expression.
        failed_ = true;
        return std::nullopt;
      }
      char literal = c;
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) {
          failed_ = true;
          return std::nullopt;
        }
        const char e = s_[pos_ + 1];
        pos_ += 2;
        if (std::string_view("bBAzZG<>").find(e) != std::string_view::npos) {
          flush();
          continue;
        }
        if (std::string_view("dDwWsShHvVRNX").find(e) != std::string_view::npos) {
          quantifier();
          flush();
          continue;
        }
        if (std::isalnum(static_cast<unsigned char>(e))) {
          // \x41, \u, \Q, back references, \p{..}, \t ...: not read here.
          failed_ = true;
          return std::nullopt;
        }
        literal = e;
      } else {
        ++pos_;
      }
      const std::size_t before = pos_;
      const int minimum = quantifier();
      if (pos_ == before) {
        run += literal;
      } else {
        if (minimum > 0) run += literal;
        flush();
      }
    }
    flush();
    return best;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// "Certainly no match" for a list of patterns: false only when no pattern of the list can match.
class LiteralFilter {
 public:
  LiteralFilter() = default;
  explicit LiteralFilter(const std::vector<const std::vector<Pattern>*>& lists) {
    for (const auto* list : lists) {
      for (const Pattern& pattern : *list) {
        auto literals = LiteralReader(pattern.source()).read();
        if (!literals) {
          always_ = true;
          return;
        }
        for (const std::string& literal : *literals) add(ascii::fold_german(literal));
      }
    }
  }

  bool may_match(std::string_view folded) const {
    if (always_) return true;
    for (std::size_t i = 0; i + 1 < folded.size(); ++i) {
      const std::uint16_t key = pair(folded[i], folded[i + 1]);
      if (!first_pairs_[key]) continue;
      for (const std::string& literal : literals_) {
        if (pair(literal[0], literal[1]) == key && folded.substr(i, literal.size()) == literal)
          return true;
      }
    }
    return false;
  }

 private:
  static std::uint16_t pair(char a, char b) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(a) << 8) |
                                      static_cast<unsigned char>(b));
  }
  void add(std::string literal) {
    if (literal.size() < 2) {
      always_ = true;
      return;
    }
    first_pairs_[pair(literal[0], literal[1])] = true;
    literals_.push_back(std::move(literal));
  }

  bool always_ = false;
  std::vector<bool> first_pairs_ = std::vector<bool>(65536, false);
  std::vector<std::string> literals_;
};

struct Engagement {
  std::size_t rule = 0;
  CustomerIndex customer = no_customer;
  std::string origin;  // key part: Message-ID, row origin, event UID
  MessageIndex start_message = std::numeric_limits<MessageIndex>::max();
  UnixSeconds changes_from = 0;  // changes count from here
  UnixSeconds start = 0;         // contact counts from here
  std::int32_t start_day = 0;
  std::optional<std::int32_t> end_day;
  std::string contact;
  std::string contact_name;
  std::string subject;
  std::string thread_root;
  bool closed = false;
};

struct StartMail {
  std::size_t rule = 0;
  CustomerIndex customer = no_customer;
  MessageIndex message = 0;
  UnixSeconds date = 0;
  UnixSeconds start = 0;
  std::int32_t start_day = 0;
  std::optional<std::int32_t> end_day;
  Atom contact = empty_atom;
  Atom contact_name = empty_atom;
};

std::string engagement_label(std::string_view engagement, Language language) {
  struct Label {
    std::string_view name, de, en;
  };
  static constexpr Label labels[] = {
      {"trial", "Testzugang", "trial"},
      {"contract", "Vertrag", "contract"},
      {"seminar", "Seminar", "seminar"},
      {"lease", "Leasingvertrag", "lease"},
      {"leasing", "Leasingvertrag", "lease"},
      {"subscription", "Abonnement", "subscription"},
      {"webinar", "Webinar", "webinar"},
      {"maintenance", "Wartungsvertrag", "maintenance contract"},
  };
  for (const Label& l : labels)
    if (ascii::iequals(l.name, engagement))
      return std::string(language == Language::de ? l.de : l.en);
  return std::string(engagement);
}

std::string german_date(std::int32_t day, bool with_year) {
  const auto ymd = from_day_number(day);
  char buffer[32];
  if (with_year)
    std::snprintf(buffer, sizeof buffer, "%02u.%02u.%04d", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  else
    std::snprintf(buffer, sizeof buffer, "%02u.%02u.", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()));
  return buffer;
}

std::string english_short_date(std::int32_t day) {
  static constexpr std::array<std::string_view, 12> months{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto ymd = from_day_number(day);
  return std::string(months[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day()));
}

class LapsingDetector {
 public:
  explicit LapsingDetector(const DetectionInput& input)
      : in_(input),
        corpus_(input.corpus),
        rules_(input.rules.engagements),
        parties_(input.corpus, input.identities, input.directory),
        today_(local_day(input.calendar, input.now)) {
    for (const EngagementRule& rule : rules_) {
      change_filters_.push_back(ChangeFilters{LiteralFilter({&rule.convert.subject}),
                                              LiteralFilter({&rule.cancel.subject}),
                                              LiteralFilter({&rule.extend.subject})});
    }
  }

  std::vector<Finding> run() {
    if (rules_.empty()) return {};
    collect_start_mails();
    collect_records();
    collect_events();
    collect_customer_messages();

    // Mail-started engagements: per (rule, customer), start mails in date order.
    std::sort(starts_.begin(), starts_.end(), [](const StartMail& a, const StartMail& b) {
      if (a.rule != b.rule) return a.rule < b.rule;
      if (a.customer != b.customer) return a.customer < b.customer;
      return a.date != b.date ? a.date < b.date : a.message < b.message;
    });
    // Rule by rule (a change mail goes to the first rule's engagement that takes it): first the
    // mail-started engagements, then those from rows and events.
    std::stable_sort(other_engagements_.begin(), other_engagements_.end(),
                     [](const Engagement& a, const Engagement& b) { return a.rule < b.rule; });
    std::size_t next_start = 0;
    std::size_t next_other = 0;
    for (std::size_t k = 0; k < rules_.size(); ++k) {
      while (next_start < starts_.size() && starts_[next_start].rule == k) {
        std::size_t j = next_start;
        while (j < starts_.size() && starts_[j].rule == k &&
               starts_[j].customer == starts_[next_start].customer)
          ++j;
        run_start_group(next_start, j);
        next_start = j;
      }
      group_starts_.clear();
      for (; next_other < other_engagements_.size() && other_engagements_[next_other].rule == k;
           ++next_other) {
        Engagement& e = other_engagements_[next_other];
        std::size_t position = 0;
        advance(e, position, in_.now);
        finish(e);
      }
    }
    std::sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
      return a.since != b.since ? a.since < b.since : a.key < b.key;
    });
    return std::move(findings_);
  }

 private:
  // ---- sources ----

  void collect_start_mails() {
    std::vector<const std::vector<Pattern>*> subject_lists;
    bool any_from_only = false;
    for (const EngagementRule& rule : rules_) {
      if (!rule.start.subject.empty())
        subject_lists.push_back(&rule.start.subject);
      else if (!rule.start.from.empty())
        any_from_only = true;
    }
    if (subject_lists.empty() && !any_from_only) return;
    const LiteralFilter prefilter(subject_lists);

    // Per subject atom: 0 = not checked, 1 = starts nothing, 2 = look at `subject_hits`.
    Atom max_subject = 0;
    for (const MessageRecord& r : corpus_.records()) max_subject = std::max(max_subject, r.subject);
    std::vector<std::uint8_t> subject_state(static_cast<std::size_t>(max_subject) + 1, 0);
    std::unordered_map<Atom, std::vector<bool>> subject_hits;
    for (MessageIndex i = 0; i < corpus_.size(); ++i) {
      const MessageRecord& r = corpus_[i];
      if (r.date > in_.now) continue;
      std::uint8_t& state = subject_state[r.subject];
      if (state == 0) {
        state = 1;
        const std::string_view subject = corpus_.text(r.subject);
        if (!has_reply_prefix(subject)) {
          std::vector<bool> hits(rules_.size(), false);
          bool any = false;
          const bool may_match = prefilter.may_match(ascii::fold_german(subject));
          for (std::size_t k = 0; k < rules_.size(); ++k) {
            const MailMatch& start = rules_[k].start;
            if (start.subject.empty())
              hits[k] = !start.from.empty();
            else
              hits[k] = may_match && any_match(start.subject, subject);
            any = any || hits[k];
          }
          if (any) {
            state = 2;
            subject_hits.emplace(r.subject, std::move(hits));
          }
        }
      }
      if (state != 2) continue;
      const std::vector<bool>& hits = subject_hits.at(r.subject);
      for (std::size_t k = 0; k < rules_.size(); ++k) {
        if (hits[k]) consider_start_mail(k, i);
      }
    }
  }

  void consider_start_mail(std::size_t rule_index, MessageIndex i) {
    const EngagementRule& rule = rules_[rule_index];
    const MessageRecord& r = corpus_[i];
    if (!rule.start.from.empty()) {
      const auto key = (std::uint64_t{r.from} << 32) | r.from_name;
      auto [it, inserted] = from_hits_.try_emplace({rule_index, key}, false);
      if (inserted) it->second = any_match(rule.start.from, from_text(corpus_, r));
      if (!it->second) return;
    }
    if (!rule.start.body.empty()) {
      if (!any_match(rule.start.body, in_.texts.body(i))) return;
    }

    // The customer: first party that is not own, a known non-ignored customer, not the sender
    // system the start.from patterns describe.
    StartMail start;
    start.rule = rule_index;
    start.message = i;
    start.date = r.date;
    auto take = [&](Atom address, Atom name) {
      if (start.customer != no_customer) return;
      const std::uint32_t c = parties_.of(address);
      if (c == kOwn || c == no_customer) return;
      if (!rule.start.from.empty()) {
        std::string party(corpus_.text(name));
        if (!party.empty()) party += ' ';
        party += '<';
        party += corpus_.text(address);
        party += '>';
        if (any_match(rule.start.from, party)) return;
      }
      start.customer = c;
      start.contact = address;
      start.contact_name = name;
    };
    take(r.from, r.from_name);
    const auto recipients = parties_.all_recipients(i);
    for (std::size_t p = 0; p < recipients.size(); ++p)
      take(recipients[p], corpus_.recipient_name(i, p));
    if (start.customer == no_customer) return;

    const std::string mail_text = message_text(i);
    const std::int32_t mail_day = local_day(in_.calendar, r.date);
    const auto mail_date = from_day_number(mail_day);
    if (rule.before_end_days) {
      start.start = r.date;
      start.start_day = mail_day;
      if (auto end = find_end_date(mail_text, mail_date)) {
        start.end_day = day_number(*end);
      } else if (auto length = find_length_days(mail_text)) {
        start.end_day = mail_day + *length;
      } else if (rule.length_days > 0) {
        start.end_day = mail_day + rule.length_days;
      }
    } else {
      start.start = r.date;
      start.start_day = mail_day;
      for (const TextDate& d : find_dates(mail_text, mail_date)) {
        const std::int32_t day = day_number(d.date);
        if (day < mail_day) continue;
        if (day > mail_day) {
          start.start_day = day;
          start.start = local_midnight(in_.calendar, day);
        }
        break;
      }
      if (rule.length_days > 0) start.end_day = start.start_day + rule.length_days;
    }
    starts_.push_back(start);
  }

  std::string message_text(MessageIndex i) const {
    std::string text(corpus_.text(corpus_[i].subject));
    text += '\n';
    text += in_.texts.body(i);
    return text;
  }

  std::optional<std::size_t> rule_by_name(std::string_view name) const {
    for (std::size_t k = 0; k < rules_.size(); ++k)
      if (rules_[k].name == name) return k;
    return std::nullopt;
  }

  CustomerIndex customer_by_text(std::string_view text) {
    const std::string needle = ascii::lower(ascii::trim(text));
    if (needle.empty()) return no_customer;
    if (needle.find('@') != std::string::npos) return in_.directory.find(needle);
    if (!names_built_) {
      names_built_ = true;
      const auto& customers = in_.directory.customers();
      for (CustomerIndex c = 0; c < customers.size(); ++c) {
        for (const std::string& domain : customers[c].domains)
          by_domain_.try_emplace(ascii::lower(domain), c);
        if (!customers[c].name.empty()) by_name_.try_emplace(ascii::lower(customers[c].name), c);
      }
    }
    if (auto it = by_domain_.find(needle); it != by_domain_.end()) return it->second;
    if (auto it = by_name_.find(needle); it != by_name_.end()) return it->second;
    return no_customer;
  }

  void set_first_contact(Engagement& e) {
    const Customer& customer = in_.directory[e.customer];
    if (!customer.contacts.empty()) {
      e.contact = customer.contacts.front().email;
      e.contact_name = customer.contacts.front().name;
    }
  }

  void collect_records() {
    for (const EngagementRecord& record : in_.engagement_records) {
      const auto rule_index = rule_by_name(record.rule);
      if (!rule_index) continue;
      const CustomerIndex c = customer_by_text(record.customer);
      if (c == no_customer || in_.directory[c].ignored) continue;
      const EngagementRule& rule = rules_[*rule_index];
      Engagement e;
      e.rule = *rule_index;
      e.customer = c;
      e.origin = record.origin;
      e.start_day = record.start_day;
      e.start = local_midnight(in_.calendar, record.start_day);
      e.changes_from = e.start;
      if (e.start > in_.now) continue;
      if (record.end_day != 0)
        e.end_day = record.end_day;
      else if (rule.length_days > 0)
        e.end_day = record.start_day + rule.length_days;
      if (record.customer.find('@') != std::string::npos) {
        e.contact = ascii::lower(ascii::trim(record.customer));
        if (const Contact* contact = in_.directory.contact(e.contact))
          e.contact_name = contact->name;
      } else {
        set_first_contact(e);
      }
      other_engagements_.push_back(std::move(e));
    }
  }

  void collect_events() {
    for (const CalendarItem& item : in_.calendar_items) {
      const UnixSeconds event_end = item.end > item.start ? item.end : item.start;
      if (event_end > in_.now) continue;
      for (std::size_t k = 0; k < rules_.size(); ++k) {
        const EngagementRule& rule = rules_[k];
        if (!any_match(rule.event_title, item.title)) continue;
        std::vector<CustomerIndex> seen;
        for (const std::string& attendee : item.attendees) {
          if (in_.identities.is_own(attendee)) continue;
          const CustomerIndex c = in_.directory.find(attendee);
          if (c == no_customer || in_.directory[c].ignored) continue;
          if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
          seen.push_back(c);
          Engagement e;
          e.rule = k;
          e.customer = c;
          e.origin = item.uid;
          e.start = event_end;
          e.changes_from = event_end;
          e.start_day = local_day(in_.calendar, event_end);
          if (rule.length_days > 0) e.end_day = e.start_day + rule.length_days;
          e.contact = attendee;
          if (const Contact* contact = in_.directory.contact(attendee))
            e.contact_name = contact->name;
          e.subject = item.title;
          other_engagements_.push_back(std::move(e));
        }
      }
    }
  }

  // The messages (dated from the earliest engagement start to `now`) with a party of a customer
  // that has an engagement, per customer, in (date, index) order.
  void collect_customer_messages() {
    const std::size_t customers = in_.directory.customers().size();
    std::vector<bool> engaged(customers, false);
    UnixSeconds earliest = std::numeric_limits<UnixSeconds>::max();
    for (const StartMail& s : starts_) {
      engaged[s.customer] = true;
      earliest = std::min(earliest, s.date);
    }
    for (const Engagement& e : other_engagements_) {
      engaged[e.customer] = true;
      earliest = std::min(earliest, e.changes_from);
    }
    if (earliest == std::numeric_limits<UnixSeconds>::max()) return;
    messages_of_.assign(customers, {});
    std::array<CustomerIndex, 8> found{};
    for (MessageIndex i = 0; i < corpus_.size(); ++i) {
      const MessageRecord& r = corpus_[i];
      if (r.date < earliest || r.date > in_.now) continue;
      std::size_t n = 0;
      auto note = [&](Atom address) {
        const std::uint32_t c = parties_.of(address);
        if (c == kOwn || c == no_customer || !engaged[c]) return;
        for (std::size_t k = 0; k < n; ++k)
          if (found[k] == c) return;
        if (n < found.size()) found[n++] = c;
      };
      note(r.from);
      for (Atom a : parties_.all_recipients(i)) note(a);
      for (std::size_t k = 0; k < n; ++k) messages_of_[found[k]].push_back(i);
    }
    for (auto& list : messages_of_) {
      std::sort(list.begin(), list.end(), [&](MessageIndex a, MessageIndex b) {
        const UnixSeconds da = corpus_[a].date;
        const UnixSeconds db = corpus_[b].date;
        return da != db ? da < db : a < b;
      });
    }
  }

  // ---- one engagement ----

  Engagement from_start_mail(const StartMail& s) const {
    Engagement e;
    e.rule = s.rule;
    e.customer = s.customer;
    const MessageRecord& r = corpus_[s.message];
    e.origin = std::string(corpus_.text(r.message_id != empty_atom ? r.message_id : r.source_id));
    e.start_message = s.message;
    e.changes_from = s.date;
    e.start = s.start;
    e.start_day = s.start_day;
    e.end_day = s.end_day;
    e.contact = std::string(corpus_.text(s.contact));
    e.contact_name = std::string(corpus_.text(s.contact_name));
    if (e.contact_name.empty()) {
      if (const Contact* contact = in_.directory.contact(e.contact)) e.contact_name = contact->name;
    }
    e.subject = base_subject(corpus_.text(r.subject));
    if (s.message < in_.threads.thread_of.size()) {
      const ThreadId t = in_.threads.thread_of[s.message];
      if (t < in_.threads.threads.size())
        e.thread_root = std::string(corpus_.text(in_.threads.threads[t].root_message_id));
    }
    if (e.thread_root.empty()) e.thread_root = std::string(corpus_.text(r.message_id));
    return e;
  }

  void run_start_group(std::size_t begin, std::size_t end) {
    group_starts_.clear();
    for (std::size_t i = begin; i < end; ++i) group_starts_.push_back(starts_[i].message);
    std::sort(group_starts_.begin(), group_starts_.end());
    std::optional<Engagement> current;
    std::size_t position = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const StartMail& s = starts_[i];
      if (current) {
        advance(*current, position, s.date - 1);
        if (s.date < expiry_instant(*current)) {
          if (s.end_day && (!current->end_day || *s.end_day > *current->end_day))
            current->end_day = s.end_day;
          continue;
        }
        finish(*current);
      }
      current = from_start_mail(s);
    }
    if (current) {
      advance(*current, position, in_.now);
      finish(*current);
    }
  }

  std::optional<std::int32_t> follow_up_day(const Engagement& e) const {
    const EngagementRule& rule = rules_[e.rule];
    std::optional<std::int32_t> day;
    if (e.end_day && rule.before_end_days)
      day = *e.end_day - *rule.before_end_days;
    else if (rule.after_start_days)
      day = e.start_day + *rule.after_start_days;
    else if (e.end_day)
      day = *e.end_day;
    if (day) day = std::max(*day, e.start_day);
    return day;
  }

  std::int32_t expiry_day(const Engagement& e) const {
    const std::int32_t base =
        std::max(follow_up_day(e).value_or(e.start_day), e.end_day.value_or(e.start_day));
    return base + std::max(0, rules_[e.rule].expire_after_days);
  }

  UnixSeconds expiry_instant(const Engagement& e) const {
    return local_midnight(in_.calendar, expiry_day(e));
  }

  bool written_by(const MessageRecord& r, CustomerIndex customer) {
    return r.from != empty_atom && parties_.of(r.from) == customer;
  }

  // Whether `match` matches message i; the body is read only when from and subject passed.
  bool matches(const MailMatch& match, const LiteralFilter& filter, std::string_view folded_subject,
               MessageIndex i, std::optional<std::string>& body_text) {
    if (match.empty()) return false;
    const MessageRecord& r = corpus_[i];
    if (!match.subject.empty() &&
        (!filter.may_match(folded_subject) || !any_match(match.subject, corpus_.text(r.subject))))
      return false;
    if (!match.from.empty() && !any_match(match.from, from_text(corpus_, r))) return false;
    if (!match.body.empty()) {
      if (!body_text) body_text = std::string(in_.texts.body(i));
      if (!any_match(match.body, *body_text)) return false;
    }
    return true;
  }

  // Applies the changes dated in [changes_from, until] (and before the expiry).
  void advance(Engagement& e, std::size_t& position, UnixSeconds until) {
    if (messages_of_.empty()) return;
    const std::vector<MessageIndex>& list = messages_of_[e.customer];
    const EngagementRule& rule = rules_[e.rule];
    UnixSeconds expiry = expiry_instant(e);
    for (; position < list.size(); ++position) {
      const MessageIndex i = list[position];
      const MessageRecord& r = corpus_[i];
      if (r.date > until) break;
      if (r.date < e.changes_from || e.closed || r.date >= expiry) continue;
      // The mails that started the engagement are not changes of it.
      if (std::binary_search(group_starts_.begin(), group_starts_.end(), i)) continue;
      // A mail that changed another engagement of this customer is not a change of this one.
      const std::uint64_t change_key = (std::uint64_t{e.customer} << 32) | i;
      if (changed_by_mail_.contains(change_key)) continue;
      std::optional<std::string> body;
      const std::string folded = ascii::fold_german(corpus_.text(r.subject));
      const ChangeFilters& filters = change_filters_[e.rule];
      if (matches(rule.convert, filters.convert, folded, i, body) ||
          matches(rule.cancel, filters.cancel, folded, i, body)) {
        e.closed = true;
        changed_by_mail_.insert(change_key);
        continue;
      }
      if (written_by(r, e.customer) || !matches(rule.extend, filters.extend, folded, i, body))
        continue;
      if (!body) body = std::string(in_.texts.body(i));
      std::string text(corpus_.text(r.subject));
      text += '\n';
      text += *body;
      const auto new_end = find_end_date(text, in_.calendar.local_date(r.date));
      if (!new_end) continue;
      const std::int32_t day = day_number(*new_end);
      if (!e.end_day || day > *e.end_day) {
        e.end_day = day;
        expiry = expiry_instant(e);
        changed_by_mail_.insert(change_key);
      }
    }
  }

  // Outbound contact (detect.hpp): a personal message of ours to one of the customer's
  // addresses in To/Cc with at most mass_mail_recipients external recipients.
  bool is_contact(MessageIndex i, CustomerIndex customer) {
    const MessageRecord& r = corpus_[i];
    if (r.automation != Automation::none || !parties_.is_ours(r)) return false;
    bool to_customer = false;
    int external = 0;
    for (Atom a : parties_.all_recipients(i)) {
      const std::uint32_t c = parties_.of(a);
      if (c == kOwn) continue;
      ++external;
      if (c == customer) to_customer = true;
    }
    return to_customer && external <= mass_mail_recipients;
  }

  void finish(const Engagement& e) {
    if (e.closed) return;
    const auto follow_up = follow_up_day(e);
    if (!follow_up || today_ < *follow_up || today_ >= expiry_day(e)) return;
    const EngagementRule& rule = rules_[e.rule];

    const UnixSeconds since = local_midnight(in_.calendar, *follow_up);
    const UnixSeconds window_start = std::max(
        e.start, local_midnight(in_.calendar, *follow_up - std::max(0, rule.contact_window_days)));
    UnixSeconds last_contact = 0;
    if (!messages_of_.empty()) {
      for (MessageIndex i : messages_of_[e.customer]) {
        const UnixSeconds date = corpus_[i].date;
        if (date < e.start) continue;
        if (!is_contact(i, e.customer)) continue;
        if (date >= window_start) return;  // followed up: no finding
        last_contact = date;
      }
    }

    const Customer& customer = in_.directory[e.customer];
    Finding f;
    f.kind = FindingKind::lapsing;
    f.key = finding_key("l", rule.name + "|" + customer.id + "|" + e.origin);
    f.engagement = rule.engagement.empty() ? rule.name : rule.engagement;
    f.customer = customer.name.empty() ? customer.id : customer.name;
    f.contact = e.contact;
    f.contact_name = e.contact_name;
    if (customer.freemail || customer.domains.empty())
      f.domain = std::string(domain_of(f.contact.empty() ? customer.id : f.contact));
    else
      f.domain = customer.domains.front();
    f.subject = e.subject;
    f.thread_root = e.thread_root;
    f.since = since;
    UnixSeconds full = 0;
    if (e.end_day) {
      f.ends = iso_date(from_day_number(*e.end_day));
      f.due = local_midnight(in_.calendar, *e.end_day);
      full = f.due;
    } else {
      f.due = since;
      full = local_midnight(in_.calendar, expiry_day(e));
    }
    if (full <= since) {
      f.severity = 90;
    } else {
      const double progress = static_cast<double>(std::max<UnixSeconds>(0, in_.now - since)) /
                              static_cast<double>(full - since);
      f.severity = static_cast<int>(40 + 50 * std::min(1.0, progress) + 0.5);
    }
    f.waiting_business_days = in_.calendar.business_days_between(since, in_.now);
    f.reason = reason(e, f, last_contact);
    findings_.push_back(std::move(f));
  }

  std::string reason(const Engagement& e, const Finding& f, UnixSeconds last_contact) const {
    const bool de = in_.language == Language::de;
    const std::string label = engagement_label(f.engagement, in_.language);
    std::string text;
    if (e.end_day) {
      const bool ended = *e.end_day < today_;
      if (de) {
        text = label + " von " + f.customer + (ended ? " endete am " : " endet am ") +
               german_date(*e.end_day, true);
      } else {
        text = f.customer + "'s " + label + (ended ? " ended on " : " ends on ") + f.ends;
      }
    } else if (de) {
      text = label + " mit " + f.customer + " am " + german_date(e.start_day, true);
    } else {
      text = label + " with " + f.customer + " on " + iso_date(from_day_number(e.start_day));
    }
    if (last_contact != 0) {
      const std::int32_t day = local_day(in_.calendar, last_contact);
      text += de ? " — letzter Kontakt von uns am " + german_date(day, false)
                 : " — last contact from us on " + english_short_date(day);
    } else if (e.end_day) {
      text +=
          de ? " — seit dem Start am " + german_date(e.start_day, false) + " kein Kontakt von uns"
             : " — no contact from us since it started on " + english_short_date(e.start_day);
    } else {
      text += de ? " — seitdem kein Kontakt von uns" : " — no contact from us since";
    }
    return text;
  }

  struct PairHash {
    std::size_t operator()(const std::pair<std::size_t, std::uint64_t>& p) const {
      return std::hash<std::uint64_t>{}(p.second * 31 + p.first);
    }
  };

  struct ChangeFilters {
    LiteralFilter convert, cancel, extend;
  };

  const DetectionInput& in_;
  const Corpus& corpus_;
  const std::vector<EngagementRule>& rules_;
  Parties parties_;
  std::int32_t today_;
  std::vector<StartMail> starts_;
  std::vector<Engagement> other_engagements_;
  std::vector<std::vector<MessageIndex>> messages_of_;
  std::vector<MessageIndex> group_starts_;
  std::vector<ChangeFilters> change_filters_;  // start mails of the group being processed, sorted
  std::unordered_map<std::pair<std::size_t, std::uint64_t>, bool, PairHash> from_hits_;
  // (customer << 32 | message) of the mails that closed or extended an engagement.
  std::unordered_set<std::uint64_t> changed_by_mail_;
  bool names_built_ = false;
  std::unordered_map<std::string, CustomerIndex> by_domain_;
  std::unordered_map<std::string, CustomerIndex> by_name_;
  std::vector<Finding> findings_;
};

}  // namespace

std::vector<Finding> detect_lapsing(const DetectionInput& input) {
  return LapsingDetector(input).run();
}

}  // namespace nachfass
