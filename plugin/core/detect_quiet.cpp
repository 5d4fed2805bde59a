#include "core/detect.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace nachfass {

namespace {

constexpr std::int64_t seconds_per_day = 86400;

// What a sender or recipient address is, memoized per corpus atom: the directory lookup is a
// binary search, and a mailbox repeats a few thousand addresses over a million messages.
constexpr std::uint32_t party_unset = 0xFFFFFFFFu;
constexpr std::uint32_t party_own = 0xFFFFFFFEu;
constexpr std::uint32_t party_other = 0xFFFFFFFDu;  // external, but no (or an ignored) customer
constexpr std::uint32_t party_none = 0xFFFFFFFCu;   // automated, after now, or no usable sender

class Parties {
 public:
  Parties(const Corpus& corpus, const Identities& identities, const Directory& directory)
      : corpus_(corpus), identities_(identities), directory_(directory) {
    slots_.assign(std::size_t{1} << 12, Slot{});
  }

  // An open-addressing table of the few thousand distinct addresses: it stays in the cache,
  // where a vector indexed by atom (atoms also number every Message-ID) would not.
  std::uint32_t of(Atom address) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(address) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.atom == address && slot.state != party_unset) return slot.state;
      if (slot.state != party_unset) continue;
      slot = {address, classify(address)};
      if (++used_ * 2 > slots_.size()) {
        const std::uint32_t state = slot.state;
        grow();
        return state;
      }
      return slot.state;
    }
  }

 private:
  struct Slot {
    Atom atom = empty_atom;
    std::uint32_t state = party_unset;
  };

  static std::size_t hash(Atom atom) {
    return static_cast<std::size_t>((std::uint64_t{atom} * 0x9E3779B97F4A7C15ull) >> 32);
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{});
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.state == party_unset) continue;
      std::size_t i = hash(slot.atom) & mask;
      while (slots_[i].state != party_unset) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::uint32_t classify(Atom address) const {
    const std::string_view email = corpus_.text(address);
    if (email.empty()) return party_other;
    if (identities_.is_own(email)) return party_own;
    const CustomerIndex c = directory_.find(address);
    if (c == no_customer || directory_[c].ignored) return party_other;
    return c;
  }

  const Corpus& corpus_;
  const Identities& identities_;
  const Directory& directory_;
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

// Local day numbers (days since 1970-01-01 in the calendar's zone) without a tz look-up per
// message: the zone's offset periods are cached as they are met.
class LocalDays {
 public:
  explicit LocalDays(const date::time_zone* zone) : zone_(zone) {}

  std::int32_t day(UnixSeconds instant) {
    const std::int64_t local = instant + offset(instant);
    return static_cast<std::int32_t>(local >= 0 ? local / seconds_per_day
                                                : (local - seconds_per_day + 1) / seconds_per_day);
  }

 private:
  std::int64_t offset(UnixSeconds instant) {
    if (zone_ == nullptr) return 0;
    auto it = std::upper_bound(periods_.begin(), periods_.end(), instant,
                               [](UnixSeconds t, const Period& p) { return t < p.begin; });
    if (it != periods_.begin() && instant < std::prev(it)->end) return std::prev(it)->offset;
    const date::sys_info info = zone_->get_info(date::sys_seconds{std::chrono::seconds{instant}});
    const Period period{info.begin.time_since_epoch().count(), info.end.time_since_epoch().count(),
                        info.offset.count()};
    periods_.insert(std::upper_bound(periods_.begin(), periods_.end(), period.begin,
                                     [](UnixSeconds t, const Period& p) { return t < p.begin; }),
                    period);
    return period.offset;
  }

  struct Period {
    UnixSeconds begin = 0;
    UnixSeconds end = 0;
    std::int64_t offset = 0;
  };
  const date::time_zone* zone_;
  std::vector<Period> periods_;  // sorted by begin, disjoint
};

struct ContactEvent {
  std::int32_t day = 0;
  Atom contact = empty_atom;
  Atom name = empty_atom;
};

struct CustomerHistory {
  std::vector<ContactEvent> events;
  UnixSeconds first = 0;
  UnixSeconds last = 0;
  MessageIndex last_message = 0;
  std::vector<std::int64_t> replies_recent;  // business seconds, customer message in last 90 days
  std::vector<std::int64_t> replies_before;  // ... 90 to 365 days ago
  int open_threads = 0;
};

// Lower median.
template <class T>
T median_of(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return values[(values.size() - 1) / 2];
}

std::string one_decimal(double value, Language language) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  std::string text(buffer);
  if (language == Language::de) std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

std::string usual_text(int median_days, Language language) {
  if (language == Language::de)
    return median_days <= 1 ? "sonst täglich"
                            : "sonst alle " + std::to_string(median_days) + " Tage";
  return median_days <= 1 ? "usually every day"
                          : "usually every " + std::to_string(median_days) + " days";
}

// `months` calendar months before the local day `day` (the end of the month when that day does
// not exist there: 31 March minus one month is 28/29 February).
std::int32_t months_before(std::int32_t day, int months) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{day}}};
  year_month_day earlier = ymd - std::chrono::months{months};
  if (!earlier.ok()) earlier = year_month_day_last{earlier.year(), month_day_last{earlier.month()}};
  return static_cast<std::int32_t>(sys_days{earlier}.time_since_epoch().count());
}

}  // namespace

std::vector<Finding> detect_quiet(const DetectionInput& input) {
  const QuietSettings& settings = input.rules.quiet;
  if (!settings.enabled) return {};
  const Corpus& corpus = input.corpus;
  const Directory& directory = input.directory;
  const UnixSeconds now = input.now;

  Parties parties(corpus, input.identities, directory);
  LocalDays local_days(input.calendar.zone());
  std::vector<CustomerHistory> history(directory.customers().size());

  // One pass over the corpus: the contact days of every customer, either way. What the thread
  // pass needs of each message is kept in a compact array: walking threads visits the corpus in
  // random order, and the records are much larger.
  struct Seen {
    UnixSeconds date = 0;
    std::uint32_t party = party_none;
    Atom message_id = empty_atom;
  };
  std::vector<Seen> seen(corpus.size());
  // Message-IDs that a message of ours names in In-Reply-To or References: those are answered,
  // whatever the dates say (clocks lie).
  std::vector<bool> answered_ids;
  auto mark_answered = [&](Atom id) {
    if (id == empty_atom) return;
    if (id >= answered_ids.size())
      answered_ids.resize(std::size_t{id} + 1 + answered_ids.size() / 2);
    answered_ids[id] = true;
  };
  std::vector<std::pair<CustomerIndex, std::size_t>> addressed;  // customer, recipient position
  for (MessageIndex i = 0; i < corpus.size(); ++i) {
    const MessageRecord& r = corpus[i];
    if (r.date > now || r.automation != Automation::none) continue;
    // A copy in Sent without a usable From is still ours.
    const std::uint32_t party = r.from != empty_atom
                                    ? parties.of(r.from)
                                    : (r.folder_role == FolderRole::sent ? party_own : party_none);
    if (party == party_none) continue;
    seen[i] = {r.date, party, r.message_id};
    if (party == party_own) {
      mark_answered(r.in_reply_to);
      for (Atom id : corpus.references(i)) mark_answered(id);
      addressed.clear();
      int external = 0;
      const auto to = corpus.to(i);
      const auto cc = corpus.cc(i);
      const std::size_t recipients = to.size() + cc.size();
      for (std::size_t p = 0; p < recipients; ++p) {
        const Atom address = p < to.size() ? to[p] : cc[p - to.size()];
        const std::uint32_t recipient = parties.of(address);
        if (recipient == party_own) continue;
        ++external;
        if (recipient == party_other) continue;
        if (std::find_if(addressed.begin(), addressed.end(),
                         [&](const auto& a) { return a.first == recipient; }) == addressed.end())
          addressed.emplace_back(recipient, p);
      }
      // A mass mailing is not a contact.
      if (addressed.empty() || external > mass_mail_recipients) continue;
      const std::int32_t day = local_days.day(r.date);
      for (const auto& [c, p] : addressed) {
        CustomerHistory& h = history[c];
        if (h.events.empty() || r.date < h.first) h.first = r.date;
        if (h.events.empty() || r.date >= h.last) {
          h.last = r.date;
          h.last_message = i;
        }
        const Atom address = p < to.size() ? to[p] : cc[p - to.size()];
        h.events.push_back({day, address, corpus.recipient_name(i, p)});
      }
      continue;
    }
    if (party == party_other) continue;
    CustomerHistory& h = history[party];
    if (h.events.empty() || r.date < h.first) h.first = r.date;
    if (h.events.empty() || r.date >= h.last) {
      h.last = r.date;
      h.last_message = i;
    }
    h.events.push_back({local_days.day(r.date), r.from, r.from_name});
  }

  // One pass over the threads: our reply times to each customer, and their open threads.
  const UnixSeconds recent_from = now - 90 * seconds_per_day;
  const UnixSeconds before_from = now - 365 * seconds_per_day;
  for (ThreadId id = 0; id < input.threads.threads.size(); ++id) {
    const auto members = input.threads.messages(id);
    CustomerIndex waiting = no_customer;
    UnixSeconds waiting_since = 0;
    MessageIndex last_personal = 0;
    bool any = false;
    for (MessageIndex m : members) {
      const Seen& message = seen[m];
      if (message.party == party_none) continue;
      any = true;
      last_personal = m;
      if (message.party == party_own) {
        if (waiting != no_customer && waiting_since >= before_from) {
          const std::int64_t took =
              input.calendar.business_seconds_between(waiting_since, message.date);
          (waiting_since >= recent_from ? history[waiting].replies_recent
                                        : history[waiting].replies_before)
              .push_back(took);
        }
        waiting = no_customer;
        continue;
      }
      if (message.party == party_other) continue;
      if (waiting == no_customer) {
        waiting = message.party;
        waiting_since = message.date;
      }
    }
    if (!any) continue;
    const std::uint32_t party = seen[last_personal].party;
    if (party == party_own || party == party_other) continue;
    const Atom last_id = seen[last_personal].message_id;
    const bool answered =
        last_id != empty_atom && last_id < answered_ids.size() && answered_ids[last_id];
    if (!answered) ++history[party].open_threads;
  }

  const std::int32_t today = local_days.day(now);
  const std::int32_t history_cutoff = months_before(today, settings.min_history_months);
  std::vector<Finding> findings;
  std::vector<std::int32_t> days;
  std::vector<std::int32_t> gaps;
  for (CustomerIndex c = 0; c < history.size(); ++c) {
    CustomerHistory& h = history[c];
    if (h.events.empty() || static_cast<int>(h.events.size()) < settings.min_exchanges) continue;
    if (local_days.day(h.first) > history_cutoff) continue;
    days.clear();
    for (const ContactEvent& e : h.events) days.push_back(e.day);
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    if (days.size() < 2) continue;
    gaps.clear();
    for (std::size_t k = 1; k < days.size(); ++k) gaps.push_back(days[k] - days[k - 1]);
    std::sort(gaps.begin(), gaps.end());
    const std::int32_t median = gaps[(gaps.size() - 1) / 2];
    const int percentile = std::clamp(settings.upper_percentile, 1, 100);
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const std::size_t rank = static_cast<std::size_t>(
        std::ceil(static_cast<double>(percentile) / 100.0 * static_cast<double>(gaps.size())));
    const std::int32_t upper = gaps[std::clamp<std::size_t>(rank, 1, gaps.size()) - 1];
    const double threshold = std::max({settings.gap_factor * upper, settings.median_factor * median,
                                       static_cast<double>(settings.min_silence_days)});
    const std::int32_t silence = today - days.back();
    if (!(silence > threshold) || silence > settings.max_silence_days) continue;

    const Customer& customer = directory[c];
    const Language language = input.language;
    Finding f;
    f.kind = FindingKind::quiet;
    f.customer = customer.name.empty() ? customer.id : customer.name;

    // The contact: the customer's address seen most often, ties to the smaller address.
    std::sort(h.events.begin(), h.events.end(), [&](const ContactEvent& a, const ContactEvent& b) {
      return a.contact != b.contact ? corpus.text(a.contact) < corpus.text(b.contact)
                                    : a.day < b.day;
    });
    std::size_t best_begin = 0;
    std::size_t best_count = 0;
    for (std::size_t k = 0; k < h.events.size();) {
      std::size_t end = k;
      while (end < h.events.size() && h.events[end].contact == h.events[k].contact) ++end;
      if (end - k > best_count) {
        best_begin = k;
        best_count = end - k;
      }
      k = end;
    }
    f.contact = std::string(corpus.text(h.events[best_begin].contact));
    if (const Contact* known = directory.contact(f.contact); known && !known->name.empty()) {
      f.contact_name = known->name;
    } else {
      // The latest display name written with that address.
      for (std::size_t k = best_begin + best_count; k > best_begin; --k) {
        if (h.events[k - 1].name != empty_atom) {
          f.contact_name = std::string(corpus.text(h.events[k - 1].name));
          break;
        }
      }
    }
    f.domain = customer.domains.empty() ? std::string(domain_of(f.contact)) : customer.domains[0];

    const MessageRecord& last = corpus[h.last_message];
    f.subject = base_subject(corpus.text(last.subject));
    const ThreadId thread = input.threads.thread_of.size() > h.last_message
                                ? input.threads.thread_of[h.last_message]
                                : ThreadId{0};
    if (thread < input.threads.threads.size())
      f.thread_root = std::string(corpus.text(input.threads.threads[thread].root_message_id));
    f.key = finding_key("q", customer.id);
    // A dismissal covers this silence only: once the customer and we are in contact again, a
    // later silence is a new finding (Dismissal::covers compares `awaiting` for quiet findings).
    f.awaiting = "last-contact:" + std::to_string(h.last);
    f.since = h.last;
    f.due = h.last + static_cast<UnixSeconds>(std::llround(threshold * seconds_per_day));
    f.waiting_business_days = input.calendar.business_days_between(f.since, now);

    // Silence: 0 points at the threshold, 60 at three times the threshold.
    const double excess = (silence / threshold - 1.0) / 2.0;
    const int silence_points = static_cast<int>(std::lround(60.0 * std::clamp(excess, 0.0, 1.0)));
    const int threshold_days = static_cast<int>(std::ceil(threshold));
    ScorePart silence_part{"silence", silence_points, 60, {}};
    silence_part.detail = language == Language::de
                              ? "Seit " + std::to_string(silence) + " Tagen kein Kontakt, " +
                                    usual_text(median, language) + " (Schwelle " +
                                    std::to_string(threshold_days) + " Tage)"
                              : "No contact for " + std::to_string(silence) + " days, " +
                                    usual_text(median, language) + " (threshold " +
                                    std::to_string(threshold_days) + " days)";

    // Reply speed: our median reply time recently against the nine months before. A median of
    // (almost) zero before would make any reply look infinitely slower; a quarter of an hour is
    // the floor.
    ScorePart speed_part{"reply_speed", 0, 20, {}};
    if (h.replies_recent.size() >= 3 && h.replies_before.size() >= 3) {
      const double recent = static_cast<double>(median_of(h.replies_recent));
      const double before = static_cast<double>(median_of(h.replies_before));
      const double ratio = recent / std::max(before, 900.0);
      speed_part.points =
          static_cast<int>(std::lround(20.0 * std::clamp((ratio - 1.0) / 2.0, 0.0, 1.0)));
      speed_part.detail =
          language == Language::de
              ? "Unsere Antwortzeit (Median): " + one_decimal(recent / 3600.0, language) +
                    " Arbeitsstunden in den letzten 90 Tagen, davor " +
                    one_decimal(before / 3600.0, language)
              : "Our reply time (median): " + one_decimal(recent / 3600.0, language) +
                    " working hours in the last 90 days, before " +
                    one_decimal(before / 3600.0, language);
    } else {
      speed_part.detail = language == Language::de
                              ? "Zu wenige Antworten für einen Vergleich der Antwortzeit"
                              : "Too few replies to compare our reply time";
    }

    ScorePart open_part{"open_threads", std::min(20, 10 * h.open_threads), 20, {}};
    open_part.detail =
        language == Language::de
            ? (h.open_threads == 1 ? std::string("1 unbeantworteter Thread")
                                   : std::to_string(h.open_threads) + " unbeantwortete Threads")
            : (h.open_threads == 1 ? std::string("1 unanswered thread")
                                   : std::to_string(h.open_threads) + " unanswered threads");

    f.severity = silence_part.points + speed_part.points + open_part.points;
    f.score_parts = {std::move(silence_part), std::move(speed_part), std::move(open_part)};
    f.reason = f.customer;
    if (language == Language::de) {
      f.reason += " schreibt " + usual_text(median, language) + ", seit " +
                  std::to_string(silence) + " Tagen still";
    } else {
      f.reason += median <= 1 ? std::string(" usually writes every day")
                              : " usually writes every " + std::to_string(median) + " days";
      f.reason += ", silent for " + std::to_string(silence) + " days";
    }
    findings.push_back(std::move(f));
  }
  // Highest risk first; ties broken by key for stable output.
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.key < b.key;
  });
  return findings;
}

}  // namespace nachfass
