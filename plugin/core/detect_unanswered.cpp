#include "core/detect_unanswered.hpp"

#include "core/detect.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace nachfass {

namespace {

enum class Direction : std::uint8_t { unknown, ours, customer, internal };

std::string hex12(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return {buffer + 4};
}

std::string days_text(int days, Language language) {
  if (language == Language::de)
    return std::to_string(days) + (days == 1 ? " Werktag" : " Werktagen");
  return std::to_string(days) + (days == 1 ? " business day" : " business days");
}

std::string hours_text(std::int64_t seconds, Language language) {
  const std::int64_t hours = std::max<std::int64_t>(1, seconds / 3600);
  if (language == Language::de)
    return std::to_string(hours) + (hours == 1 ? " Arbeitsstunde" : " Arbeitsstunden");
  return std::to_string(hours) + (hours == 1 ? " working hour" : " working hours");
}

}  // namespace

std::string finding_key(std::string_view prefix, std::string_view stable_text) {
  // FNV-1a, 64 bit: stable across platforms and releases, unlike std::hash.
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : stable_text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return std::string(prefix) + "-" + hex12(hash);
}

std::vector<Finding> detect_unanswered(const Corpus& corpus, const Threads& threads,
                                       const Identities& identities,
                                       const BusinessCalendar& calendar, const UnansweredRule& rule,
                                       UnixSeconds now, Language language) {
  // Direction depends only on the sender; a mailbox has a few thousand senders at most.
  std::unordered_map<Atom, Direction> direction_of_sender;
  auto direction = [&](const MessageRecord& r) {
    if (r.from == empty_atom) {
      // A copy in Sent without a usable From is still ours.
      return r.folder_role == FolderRole::sent ? Direction::ours : Direction::unknown;
    }
    auto [it, inserted] = direction_of_sender.try_emplace(r.from, Direction::unknown);
    if (inserted) {
      const std::string_view email = corpus.text(r.from);
      if (identities.is_own(email))
        it->second = Direction::ours;
      else if (email.find('@') != std::string_view::npos)
        it->second = Direction::customer;
    }
    return it->second;
  };

  std::vector<Finding> findings;
  for (ThreadId id = 0; id < threads.threads.size(); ++id) {
    const auto members = threads.messages(id);
    // The latest non-automated message up to `now`; later messages do not exist yet as of `now`.
    std::ptrdiff_t last = -1;
    for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(members.size()) - 1; i >= 0; --i) {
      const MessageRecord& r = corpus[members[i]];
      if (r.date > now || r.automation != Automation::none) continue;
      if (direction(r) == Direction::unknown) continue;
      last = i;
      break;
    }
    if (last < 0 || direction(corpus[members[last]]) != Direction::customer) continue;

    // Clocks lie: an answer of ours that names the customer's message in its References or
    // In-Reply-To answers it even when its Date is earlier.
    const MessageIndex awaiting = members[last];
    const Atom awaiting_id = corpus[awaiting].message_id;
    bool answered = false;
    if (awaiting_id != empty_atom) {
      for (MessageIndex m : members) {
        const MessageRecord& r = corpus[m];
        if (r.date > now || r.automation != Automation::none || direction(r) != Direction::ours)
          continue;
        const auto refs = corpus.references(m);
        if (r.in_reply_to == awaiting_id ||
            std::find(refs.begin(), refs.end(), awaiting_id) != refs.end()) {
          answered = true;
          break;
        }
      }
    }
    if (answered) continue;

    // The customer has waited since the first of their messages after our last word.
    std::ptrdiff_t first_unanswered = last;
    for (std::ptrdiff_t i = last - 1; i >= 0; --i) {
      const MessageRecord& r = corpus[members[i]];
      if (r.date > now || r.automation != Automation::none) continue;
      const Direction d = direction(r);
      if (d == Direction::ours) break;
      if (d == Direction::customer) first_unanswered = i;
    }
    const UnixSeconds since = corpus[members[first_unanswered]].date;
    const UnixSeconds due = calendar.add_business_seconds(since, rule.sla_business_seconds);
    if (now < due) continue;

    const MessageRecord& r = corpus[awaiting];
    Finding f;
    f.kind = FindingKind::unanswered;
    f.contact = std::string(corpus.text(r.from));
    f.contact_name = std::string(corpus.text(r.from_name));
    const std::string_view domain = domain_of(f.contact);
    f.customer = is_freemail_domain(domain) ? (f.contact_name.empty() ? f.contact : f.contact_name)
                                            : std::string(domain);
    f.subject = base_subject(corpus.text(r.subject));
    const Thread& thread = threads.threads[id];
    f.thread_root = std::string(corpus.text(thread.root_message_id));
    if (f.thread_root.empty())
      f.thread_root = std::string(corpus.text(corpus[members.front()].message_id));
    f.awaiting = std::string(corpus.text(r.message_id));
    f.key = finding_key("u", f.thread_root.empty() ? corpus.text(corpus[members.front()].source_id)
                                                   : std::string_view(f.thread_root));
    f.since = since;
    f.due = due;
    const std::int64_t waited = calendar.business_seconds_between(since, now);
    f.waiting_business_days =
        static_cast<int>(waited / std::max<std::int64_t>(1, calendar.day_seconds()));
    const std::int64_t overdue_days =
        (waited - rule.sla_business_seconds) / std::max<std::int64_t>(1, calendar.day_seconds());
    f.severity = static_cast<int>(std::clamp<std::int64_t>(40 + 10 * overdue_days, 0, 100));

    const std::string who = f.contact_name.empty() ? f.contact : f.contact_name;
    const std::string company = f.customer == who ? std::string() : " (" + f.customer + ")";
    const std::string waited_text = f.waiting_business_days > 0
                                        ? days_text(f.waiting_business_days, language)
                                        : hours_text(waited, language);
    const std::string subject = f.subject.empty()
                                    ? (language == Language::de ? "(ohne Betreff)" : "(no subject)")
                                    : f.subject;
    f.reason = who;
    f.reason += company;
    f.reason += language == Language::de ? " wartet seit " : " has been waiting ";
    f.reason += waited_text;
    f.reason += language == Language::de ? " auf Antwort zu „" : " for a reply to “";
    f.reason += subject;
    f.reason += language == Language::de ? "“" : "”";
    findings.push_back(std::move(f));
  }
  // Most urgent first; ties broken by key for stable output.
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.since != b.since ? a.since < b.since : a.key < b.key;
  });
  return findings;
}

std::vector<Finding> detect_unanswered_in(const DetectionInput& input) {
  return detect_unanswered(input.corpus, input.threads, input.identities, input.calendar,
                           input.unanswered, input.now, input.language);
}

}  // namespace nachfass
