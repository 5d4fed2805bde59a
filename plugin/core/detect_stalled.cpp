#include "core/detect.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <unordered_map>

namespace nachfass {

namespace {

constexpr std::int64_t seconds_per_day = 86400;

// What our last message was, from the category of the pattern that matched (see
// rules_defaults_conversation.cpp); a higher value wins when several match.
enum class Category : std::uint8_t { message, ask, question, date, offer };

Category category_of(const Pattern& pattern) {
  const std::string_view source = pattern.source();
  if (source.starts_with("(?<offer>")) return Category::offer;
  if (source.starts_with("(?<date>")) return Category::date;
  if (source.starts_with("(?<question>")) return Category::question;
  if (source.starts_with("(?<ask>")) return Category::ask;
  return Category::message;
}

std::string_view category_text(Category category, Language language) {
  const bool de = language == Language::de;
  switch (category) {
    case Category::offer:
      return de ? "Angebot" : "Offer";
    case Category::date:
      return de ? "Terminvorschlag" : "Proposed date";
    case Category::question:
      return de ? "Frage" : "Question";
    case Category::ask:
    case Category::message:
      break;
  }
  return de ? "Nachricht" : "Message";
}

std::string day_month_text(std::chrono::year_month_day date, Language language) {
  const unsigned d = static_cast<unsigned>(date.day());
  const unsigned m = static_cast<unsigned>(date.month());
  if (language == Language::de) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02u.%02u.", d % 100, m % 100);
    return buffer;
  }
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::string(months[(m + 11) % 12]) + " " + std::to_string(d);
}

std::string waited_text(std::int64_t waited, std::int64_t day_seconds, Language language) {
  const std::int64_t days = waited / std::max<std::int64_t>(1, day_seconds);
  if (days >= 1) {
    if (language == Language::de)
      return std::to_string(days) + (days == 1 ? " Werktag" : " Werktagen");
    return std::to_string(days) + (days == 1 ? " business day" : " business days");
  }
  const std::int64_t hours = std::max<std::int64_t>(1, waited / 3600);
  if (language == Language::de)
    return std::to_string(hours) + (hours == 1 ? " Arbeitsstunde" : " Arbeitsstunden");
  return std::to_string(hours) + (hours == 1 ? " working hour" : " working hours");
}

}  // namespace

std::vector<Finding> detect_stalled(const DetectionInput& input) {
  const StalledSettings& settings = input.rules.stalled;
  if (!settings.enabled) return {};
  const Corpus& corpus = input.corpus;
  const Directory& directory = input.directory;
  const UnixSeconds now = input.now;
  const Language language = input.language;

  std::unordered_map<Atom, bool> own_address;
  auto is_own_address = [&](Atom address) {
    auto [it, inserted] = own_address.try_emplace(address, false);
    if (inserted) it->second = input.identities.is_own(corpus.text(address));
    return it->second;
  };
  // ours / external (a sender with an address) / unknown (no usable From, not in Sent).
  auto is_ours = [&](const MessageRecord& r) {
    return r.from == empty_atom ? r.folder_role == FolderRole::sent : is_own_address(r.from);
  };
  auto is_known = [&](const MessageRecord& r) {
    return r.from != empty_atom || r.folder_role == FolderRole::sent;
  };
  // Subject and body together, so that one pattern list looks at both.
  auto text_of = [&](MessageIndex index, bool with_subject) {
    std::string text;
    if (with_subject) {
      text = base_subject(corpus.text(corpus[index].subject));
      text += '\n';
    }
    text += input.texts.body(index);
    return text;
  };

  std::vector<Finding> findings;
  for (ThreadId id = 0; id < input.threads.threads.size(); ++id) {
    const auto members = input.threads.messages(id);
    std::ptrdiff_t last = -1;
    for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(members.size()) - 1; i >= 0; --i) {
      const MessageRecord& r = corpus[members[i]];
      if (r.date > now || r.automation != Automation::none || !is_known(r)) continue;
      last = i;
      break;
    }
    if (last < 0) continue;
    const MessageIndex ours = members[last];
    const MessageRecord& r = corpus[ours];
    if (!is_ours(r)) continue;
    if (now - r.date > std::int64_t{settings.max_age_days} * seconds_per_day) continue;

    // The customer: the first external recipient that belongs to one. A mass mailing waits for
    // nobody in particular.
    const auto to = corpus.to(ours);
    const auto cc = corpus.cc(ours);
    const std::size_t recipients = to.size() + cc.size();
    int external = 0;
    CustomerIndex customer_index = no_customer;
    std::size_t customer_position = 0;
    for (std::size_t p = 0; p < recipients; ++p) {
      const Atom address = p < to.size() ? to[p] : cc[p - to.size()];
      if (address == empty_atom || is_own_address(address)) continue;
      ++external;
      if (customer_index != no_customer) continue;
      const CustomerIndex c = directory.find(address);
      if (c == no_customer) continue;
      customer_index = c;
      customer_position = p;
    }
    if (customer_index == no_customer || external > mass_mail_recipients) continue;
    const Customer& customer = directory[customer_index];
    if (customer.ignored) continue;
    const std::int64_t stall = directory.tier_of(customer).stall_business_seconds;
    const UnixSeconds due = input.calendar.add_business_seconds(r.date, stall);
    if (due == BusinessCalendar::never || now < due) continue;

    // Only now read texts. A reply's subject is the customer's topic, so only a fresh mail of
    // ours is judged by its subject ("Angebot Wartungsvertrag").
    const std::string our_text = text_of(ours, !has_reply_prefix(corpus.text(r.subject)));
    if (any_match(settings.closing, our_text)) continue;
    std::optional<Category> category;
    for (const Pattern& pattern : settings.expects_answer) {
      const Category c = category_of(pattern);
      if (category && *category >= c) continue;
      if (pattern.search(our_text)) category = c;
    }
    if (!category && !settings.customer_pause.empty()) {
      for (std::ptrdiff_t i = last - 1; i >= 0; --i) {
        const MessageRecord& before = corpus[members[i]];
        if (before.date > now || before.automation != Automation::none || !is_known(before) ||
            is_ours(before))
          continue;
        if (any_match(settings.customer_pause, text_of(members[i], true)))
          category = Category::message;
        break;
      }
    }
    if (!category) continue;

    Finding f;
    f.kind = FindingKind::stalled;
    f.customer = customer.name.empty() ? customer.id : customer.name;
    const Atom address =
        customer_position < to.size() ? to[customer_position] : cc[customer_position - to.size()];
    f.contact = std::string(corpus.text(address));
    if (const Contact* known = directory.contact(f.contact); known && !known->name.empty())
      f.contact_name = known->name;
    else
      f.contact_name = std::string(corpus.text(corpus.recipient_name(ours, customer_position)));
    f.domain = customer.domains.empty() ? std::string(domain_of(f.contact)) : customer.domains[0];
    f.subject = base_subject(corpus.text(r.subject));
    const Thread& thread = input.threads.threads[id];
    f.thread_root = std::string(corpus.text(thread.root_message_id));
    if (f.thread_root.empty())
      f.thread_root = std::string(corpus.text(corpus[members.front()].message_id));
    f.awaiting = std::string(corpus.text(r.message_id));
    f.key = finding_key("s", f.thread_root.empty() ? corpus.text(corpus[members.front()].source_id)
                                                   : std::string_view(f.thread_root));
    f.since = r.date;
    f.due = due;
    const std::int64_t day_seconds = std::max<std::int64_t>(1, input.calendar.day_seconds());
    const std::int64_t waited = input.calendar.business_seconds_between(r.date, now);
    f.waiting_business_days = static_cast<int>(waited / day_seconds);
    const std::int64_t overdue_days = (waited - stall) / day_seconds;
    f.severity = static_cast<int>(std::clamp<std::int64_t>(
        40 + 10 * overdue_days + (*category == Category::offer ? 10 : 0), 0, 100));

    const std::string subject = f.subject.empty()
                                    ? (language == Language::de ? "(ohne Betreff)" : "(no subject)")
                                    : f.subject;
    const std::string sent = day_month_text(input.calendar.local_date(r.date), language);
    f.reason = std::string(category_text(*category, language));
    if (language == Language::de) {
      f.reason += " an " + f.customer + " („" + subject + "“) vom " + sent + " — seit " +
                  waited_text(waited, day_seconds, language) + " keine Reaktion";
    } else {
      f.reason += " to " + f.customer + " (“" + subject + "”) sent on " + sent +
                  " — no response for " + waited_text(waited, day_seconds, language);
    }
    findings.push_back(std::move(f));
  }
  // Longest wait first; ties broken by key for stable output.
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.since != b.since ? a.since < b.since : a.key < b.key;
  });
  return findings;
}

}  // namespace nachfass
