#include "core/detect.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "core/classify.hpp"
#include "core/text_dates.hpp"

namespace nachfass {

namespace {

using Day = std::int32_t;  // days since 1970-01-01, a civil date in the user's zone
constexpr std::int64_t seconds_per_day = 86400;

Day to_day(std::chrono::year_month_day date) {
  return static_cast<Day>(std::chrono::sys_days{date}.time_since_epoch().count());
}

std::chrono::year_month_day to_date(Day day) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}

// The instant the local day begins (the first instant of it when midnight is skipped by DST).
UnixSeconds day_start(const BusinessCalendar& calendar, Day day) {
  if (calendar.zone() == nullptr) return std::int64_t{day} * seconds_per_day;
  const date::local_days local{date::days{day}};
  return calendar.zone()->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

std::string iso_text(Day day) {
  const auto date = to_date(day);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// `word` as a whole word in lower-cased `text`; with `prefix`, also as the start of a longer word
// ("return" in "returning").
bool has_word(std::string_view text, std::string_view word, bool prefix = false) {
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !is_word_byte(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool ends = prefix || end == text.size() || !is_word_byte(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

template <std::size_t N>
bool has_any_word(std::string_view text, const std::array<std::string_view, N>& words,
                  bool prefix = false) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return has_word(text, w, prefix); });
}

struct StatedDays {
  std::optional<Day> first;  // "vom 03.04." / "from April 3", on or before the reply
  std::optional<Day> last;   // last day absent
};

// What an out-of-office text says about the absence. A date after a return word ("ab dem 13.04.
// wieder", "back on April 13", "I will return on ...") is the first day back, so the day before
// is the last day absent; otherwise the end date the text names ("bis einschließlich 12.04.",
// "until April 12") is. Dates before the reply or more than a year after it are not trusted.
StatedDays read_out_of_office(std::string_view text, Day sent) {
  static constexpr std::array<std::string_view, 5> return_before = {"back", "return", "zurück",
                                                                    "wieder", "zurueck"};
  static constexpr std::array<std::string_view, 3> return_after = {"wieder", "zurück", "zurueck"};
  static constexpr std::array<std::string_view, 8> end_words = {
      "bis", "until", "till", "through", "einschließlich", "einschl", "inkl", "including"};
  static constexpr std::array<std::string_view, 5> start_words = {"vom", "von", "seit", "from",
                                                                  "since"};
  const std::string lower = ascii_lower(text);
  const auto reference = to_date(sent);
  const std::vector<TextDate> dates = find_dates(text, reference);
  StatedDays stated;
  std::optional<Day> returning;
  std::size_t previous_end = 0;
  for (std::size_t k = 0; k < dates.size(); ++k) {
    const TextDate& d = dates[k];
    const std::size_t window_begin =
        std::max(previous_end, d.begin > 40 ? d.begin - 40 : std::size_t{0});
    const std::string_view before =
        std::string_view(lower).substr(window_begin, d.begin - std::min(d.begin, window_begin));
    std::size_t after_end = k + 1 < dates.size() ? dates[k + 1].begin : lower.size();
    after_end = std::min({after_end, d.end + 50, lower.size()});
    std::size_t after_begin = std::min(d.end, after_end);
    if (after_begin < after_end && lower[after_begin] == '.') ++after_begin;
    std::string_view after = std::string_view(lower).substr(after_begin, after_end - after_begin);
    after = after.substr(0, std::min(after.size(), after.find_first_of(".,;!?\n")));
    previous_end = d.end;

    const Day day = to_day(d.date);
    const bool end_word = has_any_word(before, end_words);
    if (!end_word &&
        (has_any_word(before, return_before, true) || has_any_word(after, return_after))) {
      if (!returning && day > sent) returning = day;
      continue;
    }
    if (!end_word && !stated.first && day <= sent && day >= sent - 366 &&
        has_any_word(before, start_words))
      stated.first = day;
  }
  if (returning) {
    stated.last = *returning - 1;
  } else if (const auto end = find_end_date(text, reference)) {
    stated.last = to_day(*end);
  }
  if (stated.last && (*stated.last < sent || *stated.last > sent + 366)) stated.last.reset();
  return stated;
}

struct Absence {
  Day first = 0;
  Day last = 0;
  bool from_replies = false;
};

std::string range_text(Day first, Day last, Language language) {
  const auto a = to_date(first);
  const auto b = to_date(last);
  if (language == Language::de) {
    auto dm = [](std::chrono::year_month_day d) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "%02u.%02u.", static_cast<unsigned>(d.day()) % 100,
                    static_cast<unsigned>(d.month()) % 100);
      return std::string(buffer);
    };
    return first == last ? dm(a) : dm(a) + "–" + dm(b);
  }
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto md = [](std::chrono::year_month_day d) {
    return std::string(months[(static_cast<unsigned>(d.month()) + 11) % 12]) + " " +
           std::to_string(static_cast<unsigned>(d.day()));
  };
  if (first == last) return md(a);
  if (a.month() == b.month() && a.year() == b.year())
    return md(a) + "–" + std::to_string(static_cast<unsigned>(b.day()));
  return md(a) + "–" + md(b);
}

std::string reason_text(Day first, Day last, int total, int open, int late, Language language) {
  const std::string range = range_text(first, last, language);
  std::string text;
  if (language == Language::de) {
    text = "Während Ihrer Abwesenheit (" + range + ") ";
    text +=
        total == 1 ? "kam 1 Kundenanfrage" : "kamen " + std::to_string(total) + " Kundenanfragen";
    if (open == 0)
      text += total == 1 ? ", sie ist nicht mehr offen" : ", keine davon ist noch offen";
    else if (total == 1)
      text += ", sie ist noch offen";
    else
      text +=
          ", " + std::to_string(open) + (open == 1 ? " davon ist" : " davon sind") + " noch offen";
    if (late > 0)
      text += "; " + std::to_string(late) + (late == 1 ? " wurde" : " wurden") +
              " erst nach Ablauf der Frist beantwortet";
    return text;
  }
  text = "While you were away (" + range + "), ";
  text += total == 1 ? "1 customer request came in"
                     : std::to_string(total) + " customer requests came in";
  if (open == 0)
    text += total == 1 ? "; it is no longer open" : "; none is still open";
  else if (total == 1)
    text += "; it is still open";
  else
    text += "; " + std::to_string(open) + (open == 1 ? " is" : " are") + " still open";
  if (late > 0)
    text += "; " + std::to_string(late) + (late == 1 ? " was" : " were") +
            " answered after the deadline";
  return text;
}

}  // namespace

std::vector<Finding> detect_absence(const DetectionInput& input) {
  const AbsenceSettings& settings = input.rules.absence;
  if (!settings.enabled) return {};
  const Corpus& corpus = input.corpus;
  const BusinessCalendar& calendar = input.calendar;
  const UnixSeconds now = input.now;
  auto day_of = [&](UnixSeconds instant) { return to_day(calendar.local_date(instant)); };
  auto is_working = [&](Day day) { return calendar.is_working_day(to_date(day)); };

  // 1. The user's own out-of-office replies, grouped when closer than merge_gap_days.
  struct Reply {
    Day day = 0;
    StatedDays stated;
  };
  std::vector<Reply> replies;
  std::unordered_map<Atom, bool> user_address;
  for (MessageIndex i = 0; i < corpus.size(); ++i) {
    const MessageRecord& r = corpus[i];
    if (r.automation == Automation::none || r.date > now || r.from == empty_atom) continue;
    const bool out_of_office = r.automation == Automation::out_of_office_subject ||
                               ((r.automation == Automation::autoreply_header ||
                                 r.automation == Automation::auto_submitted) &&
                                is_out_of_office_subject(corpus.text(r.subject)));
    if (!out_of_office) continue;
    auto [it, inserted] = user_address.try_emplace(r.from, false);
    if (inserted) it->second = input.identities.is_user(corpus.text(r.from));
    if (!it->second) continue;
    const Day day = day_of(r.date);
    // The subject of a reply is mostly the customer's ("Out of Office: ... delivery by 1
    // November"), so its dates are the customer's; it is read only when the body names no day,
    // for notices that carry everything in the subject ("Abwesend bis 25.10.").
    StatedDays stated = read_out_of_office(input.texts.body(i), day);
    if (!stated.first && !stated.last) stated = read_out_of_office(corpus.text(r.subject), day);
    replies.push_back({day, stated});
  }
  std::sort(replies.begin(), replies.end(),
            [](const Reply& a, const Reply& b) { return a.day < b.day; });
  std::vector<Absence> absences;
  for (const Reply& reply : replies) {
    const Day first = std::min(reply.day, reply.stated.first.value_or(reply.day));
    const Day last = std::max(reply.day, reply.stated.last.value_or(reply.day));
    if (!absences.empty() && reply.day - absences.back().last < settings.merge_gap_days) {
      absences.back().first = std::min(absences.back().first, first);
      absences.back().last = std::max(absences.back().last, last);
      continue;
    }
    absences.push_back({first, last, true});
  }

  // 2. All-day calendar items whose title names an absence. Day boundaries are read at noon so
  // that items stored at local midnight and items stored at UTC midnight give the same days.
  for (const CalendarItem& item : input.calendar_items) {
    if (!item.all_day || item.end <= item.start) continue;
    if (!any_match(settings.event_title, item.title)) continue;
    const Day first = day_of(item.start + seconds_per_day / 2);
    const Day last = day_of(item.end - seconds_per_day / 2);
    if (last < first) continue;
    absences.push_back({first, last, false});
  }

  // Merge: overlapping, only days off in between, or (for replies) closer than merge_gap_days.
  std::sort(absences.begin(), absences.end(),
            [](const Absence& a, const Absence& b) { return a.first < b.first; });
  std::vector<Absence> merged;
  for (const Absence& a : absences) {
    if (!merged.empty()) {
      Absence& m = merged.back();
      bool join = a.first <= m.last + 1;
      if (!join && (a.from_replies || m.from_replies) && a.first - m.last < settings.merge_gap_days)
        join = true;
      if (!join && a.first - m.last <= 31) {
        join = true;
        for (Day d = m.last + 1; d < a.first && join; ++d) join = !is_working(d);
      }
      if (join) {
        m.last = std::max(m.last, a.last);
        m.from_replies = m.from_replies || a.from_replies;
        continue;
      }
    }
    merged.push_back(a);
  }

  // The customer of a sender, memoized per address.
  std::unordered_map<Atom, CustomerIndex> customer_of;
  auto customer_for = [&](Atom address) {
    auto [it, inserted] = customer_of.try_emplace(address, no_customer);
    if (inserted) {
      const std::string_view email = corpus.text(address);
      if (!email.empty() && !input.identities.is_own(email)) {
        const CustomerIndex c = input.directory.find(address);
        if (c != no_customer && !input.directory[c].ignored) it->second = c;
      }
    }
    return it->second;
  };
  std::unordered_map<Atom, bool> own_address;
  auto is_ours = [&](const MessageRecord& r) {
    if (r.from == empty_atom) return r.folder_role == FolderRole::sent;
    auto [it, inserted] = own_address.try_emplace(r.from, false);
    if (inserted) it->second = input.identities.is_own(corpus.text(r.from));
    return it->second;
  };

  std::vector<Finding> findings;
  for (const Absence& absence : merged) {
    int working_days = 0;
    for (Day d = absence.first; d <= absence.last; ++d) working_days += is_working(d) ? 1 : 0;
    if (working_days < settings.min_business_days) continue;
    std::optional<Day> return_day;
    for (Day d = absence.last + 1; d <= absence.last + 400; ++d) {
      if (is_working(d)) {
        return_day = d;
        break;
      }
    }
    if (!return_day) continue;
    const UnixSeconds from = day_start(calendar, absence.first);
    const UnixSeconds back = day_start(calendar, *return_day);
    if (back > now) continue;
    const UnixSeconds shown_until = back + std::int64_t{settings.show_days} * seconds_per_day;
    const UnixSeconds shown_at_most = back + std::int64_t{settings.max_days} * seconds_per_day;
    if (now >= shown_at_most) continue;

    int total = 0;
    std::vector<DigestItem> open_items;
    std::vector<DigestItem> late_items;
    for (ThreadId id = 0; id < input.threads.threads.size(); ++id) {
      const auto members = input.threads.messages(id);
      auto it = std::lower_bound(members.begin(), members.end(), from,
                                 [&](MessageIndex m, UnixSeconds t) { return corpus[m].date < t; });
      bool arrived = false;
      std::optional<DigestItem> open;
      std::optional<DigestItem> late;
      for (; it != members.end() && corpus[*it].date < back; ++it) {
        const MessageRecord& r = corpus[*it];
        if (r.date > now || r.automation != Automation::none || r.from == empty_atom) continue;
        if (is_ours(r)) continue;
        const CustomerIndex c = customer_for(r.from);
        if (c == no_customer) continue;
        arrived = true;
        // Answered by the first message of ours after it, or one that names it (clocks lie).
        std::optional<UnixSeconds> answered;
        for (MessageIndex m : members) {
          const MessageRecord& o = corpus[m];
          if (o.date > now || o.automation != Automation::none || !is_ours(o)) continue;
          bool answers = o.date > r.date;
          if (!answers && r.message_id != empty_atom) {
            const auto refs = corpus.references(m);
            answers = o.in_reply_to == r.message_id ||
                      std::find(refs.begin(), refs.end(), r.message_id) != refs.end();
          }
          if (answers) {
            const UnixSeconds at = std::max(o.date, r.date);
            if (!answered || at < *answered) answered = at;
          }
        }
        const Customer& customer = input.directory[c];
        std::int64_t sla = input.directory.tier_of(customer).sla_business_seconds;
        if (sla <= 0) sla = input.unanswered.sla_business_seconds;
        const bool is_late = answered && calendar.business_seconds_between(r.date, *answered) > sla;
        if (answered && !is_late) continue;
        DigestItem item;
        const Thread& thread = input.threads.threads[id];
        item.thread_root = std::string(corpus.text(thread.root_message_id));
        if (item.thread_root.empty())
          item.thread_root = std::string(corpus.text(corpus[members.front()].message_id));
        item.subject = base_subject(corpus.text(r.subject));
        item.contact = std::string(corpus.text(r.from));
        item.customer = customer.name.empty() ? customer.id : customer.name;
        item.arrived = r.date;
        item.answered = answered.value_or(0);
        if (!answered) {
          open = std::move(item);
          break;
        }
        if (!late) late = std::move(item);
      }
      if (!arrived) continue;
      ++total;
      if (open)
        open_items.push_back(std::move(*open));
      else if (late)
        late_items.push_back(std::move(*late));
    }
    if (open_items.empty() && late_items.empty()) continue;
    if (open_items.empty() && now >= shown_until) continue;

    auto by_arrival = [](const DigestItem& a, const DigestItem& b) {
      return a.arrived != b.arrived ? a.arrived < b.arrived : a.thread_root < b.thread_root;
    };
    std::sort(open_items.begin(), open_items.end(), by_arrival);
    std::sort(late_items.begin(), late_items.end(), by_arrival);
    Finding f;
    f.kind = FindingKind::absence;
    f.key = finding_key("a", iso_text(absence.first));
    f.since = from;
    f.due = back;
    const int open = static_cast<int>(open_items.size());
    const int late = static_cast<int>(late_items.size());
    f.severity = std::min(100, 50 + 5 * open);
    // "Back on Monday 29 June" makes Sunday the last day absent; people say "until Friday".
    Day shown_last = absence.last;
    while (shown_last > absence.first && !is_working(shown_last)) --shown_last;
    f.subject = (input.language == Language::de ? "Abwesenheit " : "Absence ") +
                range_text(absence.first, shown_last, input.language);
    f.reason = reason_text(absence.first, shown_last, total, open, late, input.language);
    f.items = std::move(open_items);
    f.items.insert(f.items.end(), std::make_move_iterator(late_items.begin()),
                   std::make_move_iterator(late_items.end()));
    findings.push_back(std::move(f));
  }
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.since != b.since ? a.since < b.since : a.key < b.key;
  });
  return findings;
}

}  // namespace nachfass
