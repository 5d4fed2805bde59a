#include "letters/letters.hpp"

#include "core/text_dates.hpp"

#include <array>
#include <cmath>
#include <string>

#include "core/ascii.hpp"
#include "core/threading.hpp"

namespace nachfass::letters {

namespace {

constexpr std::array<std::string_view, 6> kinds = {"late-reply", "apology",  "follow-up",
                                                   "renewal",    "win-back", "welcome-back"};

constexpr std::array<VariableInfo, 17> variables = {{
    {"greeting", false,
     "the salutation line: \"Sehr geehrte Frau Keller,\", \"Guten Tag Petra Keller,\", "
     "\"Guten Tag,\" / \"Dear Ms Keller,\", \"Dear Petra Keller,\", \"Hello,\""},
    {"contact_name", true, "the contact's full name"},
    {"company", true, "the customer's company name"},
    {"subject", true, "the thread's subject without reply prefixes"},
    {"reply_subject", true, "\"AW: <subject>\" / \"Re: <subject>\"; set only for a reply"},
    {"waiting", true,
     "how long the customer has waited: \"seit 6 Werktagen\" / \"for 6 business "
     "days\" (unanswered threads)"},
    {"relationship", true,
     "how long we have worked together: \"seit über drei Jahren\" / \"for "
     "more than three years\" (a year or more)"},
    {"engagement", false,
     "what ends: \"Ihre Testphase\", \"Ihr Vertrag\" / \"your trial\", \"your "
     "contract\""},
    {"ends", true, "the day it ends, when that is today or later: \"31.12.2026\" / \"31 December 2026\""},
    {"ended", true, "the day it ended, when that is past (then `ends` is absent)"},
    {"what_happened", true, "apology: what went wrong (--what)"},
    {"what_changed", true, "apology: what we changed (--changed)"},
    {"gesture", true, "apology: a goodwill gesture (--gesture)"},
    {"user_name", true, "the user's name from [user]"},
    {"signature_lines", false,
     "the signature from [letters], one list item per line (the user's "
     "name when there is no signature); may be an empty list"},
    {"has_signature", false, "true when signature_lines is not empty"},
    {"kind", false, "the letter kind: \"late-reply\", ..."},
}};

// No control characters (a name with a line break must not break a header or a line).
std::string clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// A display name as people write it to a person: "Keller, Petra" -> "Petra Keller", quotes and
// addresses dropped.
std::string person_name(std::string_view raw) {
  std::string name = clean(raw);
  while (!name.empty() && (name.front() == '"' || name.front() == '\'')) name.erase(0, 1);
  while (!name.empty() && (name.back() == '"' || name.back() == '\'')) name.pop_back();
  if (name.find('@') != std::string::npos) return {};
  if (const auto comma = name.find(','); comma != std::string::npos) {
    const std::string last = clean(name.substr(0, comma));
    const std::string first = clean(name.substr(comma + 1));
    if (!last.empty() && !first.empty() && last.find(' ') == std::string::npos &&
        first.find(',') == std::string::npos)
      return first + " " + last;
  }
  return clean(name);
}

std::string last_word(std::string_view name) {
  const auto space = name.rfind(' ');
  return std::string(space == std::string_view::npos ? name : name.substr(space + 1));
}

std::string number_word(long n, Language language) {
  static constexpr std::array<std::string_view, 13> de = {"null", "einem", "zwei",   "drei", "vier",
                                                          "fünf", "sechs", "sieben", "acht", "neun",
                                                          "zehn", "elf",   "zwölf"};
  static constexpr std::array<std::string_view, 13> en = {
      "zero",  "one",   "two",  "three", "four",   "five",  "six",
      "seven", "eight", "nine", "ten",   "eleven", "twelve"};
  if (n >= 0 && n < 13) return std::string(language == Language::de ? de[n] : en[n]);
  return std::to_string(n);
}

std::string waiting_text(const Finding& finding, Language language) {
  if (finding.kind != FindingKind::unanswered || finding.waiting_business_days <= 0) return {};
  const int days = finding.waiting_business_days;
  if (language == Language::de)
    return days == 1 ? "seit einem Werktag" : "seit " + std::to_string(days) + " Werktagen";
  return days == 1 ? "for one business day" : "for " + std::to_string(days) + " business days";
}

std::string relationship_text(const std::optional<Customer>& customer, UnixSeconds now,
                              Language language) {
  if (!customer || customer->first_contact <= 0 || now <= customer->first_contact) return {};
  constexpr double seconds_per_year = 365.2425 * 24 * 3600;
  const auto years = static_cast<long>(
      std::floor(static_cast<double>(now - customer->first_contact) / seconds_per_year));
  if (years < 1) return {};
  if (language == Language::de)
    return years == 1 ? "seit über einem Jahr"
                      : "seit über " + number_word(years, language) + " Jahren";
  return years == 1 ? "for more than a year"
                    : "for more than " + number_word(years, language) + " years";
}

std::string engagement_text(std::string_view engagement, Language language) {
  struct Name {
    std::string_view key, de, en;
  };
  static constexpr std::array<Name, 8> names = {{
      {"trial", "Ihre Testphase", "your trial"},
      {"contract", "Ihr Vertrag", "your contract"},
      {"seminar", "Ihr Seminar", "your seminar"},
      {"subscription", "Ihr Abonnement", "your subscription"},
      {"offer", "Unser Angebot", "our offer"},
      {"license", "Ihre Lizenz", "your licence"},
      {"licence", "Ihre Lizenz", "your licence"},
      {"support", "Ihr Supportvertrag", "your support contract"},
  }};
  const std::string key = ascii::lower(engagement);
  for (const auto& n : names)
    if (key == n.key) return std::string(language == Language::de ? n.de : n.en);
  return language == Language::de ? "Unsere Vereinbarung" : "our agreement";
}

// "2026-12-31" -> "31.12.2026" / "31 December 2026"; empty when it is not such a date.
// "YYYY-MM-DD" of an instant (UTC; a finding's `ends` is a local date, and the hours between
// the two do not matter for "has it ended").
std::string iso_day(UnixSeconds instant) {
  const auto days = static_cast<std::int32_t>(instant >= 0 ? instant / 86400
                                                           : (instant - 86399) / 86400);
  return iso_date(from_day_number(days));
}

std::string date_text(std::string_view iso, Language language) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return {};
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (iso[i] < '0' || iso[i] > '9') return {};
  const int month = (iso[5] - '0') * 10 + (iso[6] - '0');
  const int day = (iso[8] - '0') * 10 + (iso[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return {};
  if (language == Language::de)
    return std::string(iso.substr(8, 2)) + "." + std::string(iso.substr(5, 2)) + "." +
           std::string(iso.substr(0, 4));
  static constexpr std::array<std::string_view, 12> months = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return std::to_string(day) + " " + std::string(months[month - 1]) + " " +
         std::string(iso.substr(0, 4));
}

Value text_or_absent(std::string text) {
  Value v;
  if (!text.empty()) {
    v.type = Value::Type::text;
    v.text = std::move(text);
  }
  return v;
}

}  // namespace

std::span<const std::string_view> builtin_kinds() {
  return kinds;
}

std::string_view default_kind(const Finding& finding) {
  switch (finding.kind) {
    case FindingKind::unanswered:
      return "late-reply";
    case FindingKind::stalled:
      return "follow-up";
    case FindingKind::lapsing:
      return ascii::lower(finding.engagement) == "contract" ? "renewal" : "follow-up";
    case FindingKind::quiet:
      return "win-back";
    case FindingKind::absence:
      return "welcome-back";
  }
  return "late-reply";
}

std::string_view language_code(Language language) {
  return language == Language::de ? "de" : "en";
}

std::optional<Language> parse_language(std::string_view code) {
  const std::string lower = ascii::lower(code);
  if (lower == "de") return Language::de;
  if (lower == "en") return Language::en;
  return std::nullopt;
}

std::span<const VariableInfo> letter_variable_names() {
  return variables;
}

std::string greeting(const std::optional<Contact>& contact, std::string_view display_name,
                     Language language) {
  const bool de = language == Language::de;
  std::string name = contact ? person_name(contact->name) : std::string();
  if (name.empty()) name = person_name(display_name);
  std::string first = contact ? clean(contact->first_name) : std::string();
  std::string last = contact ? clean(contact->last_name) : std::string();
  if (!first.empty() && !last.empty()) name = first + " " + last;
  const Salutation salutation = contact ? contact->salutation : Salutation::unknown;
  if (last.empty() && salutation != Salutation::unknown && name.find(' ') != std::string::npos)
    last = last_word(name);
  if (salutation != Salutation::unknown && !last.empty()) {
    const std::string title = contact ? clean(contact->title) : std::string();
    const std::string titled = title.empty() ? last : title + " " + last;
    if (de)
      return (salutation == Salutation::frau ? "Sehr geehrte Frau " : "Sehr geehrter Herr ") +
             titled + ",";
    if (!title.empty()) return "Dear " + titled + ",";
    return (salutation == Salutation::frau ? "Dear Ms " : "Dear Mr ") + last + ",";
  }
  if (name.empty() && !last.empty()) name = last;
  if (!name.empty()) return (de ? "Guten Tag " : "Dear ") + name + ",";
  return de ? "Guten Tag," : "Hello,";
}

std::string reply_subject(std::string_view subject, Language language) {
  const std::string base = clean(base_subject(subject));
  return (language == Language::de ? "AW: " : "Re: ") + base;
}

Variables letter_variables(const LetterInput& input) {
  const Language language = input.language;
  const Finding& f = input.finding;
  Variables v;
  std::string display_name = input.contact ? person_name(input.contact->name) : std::string();
  if (display_name.empty()) display_name = person_name(f.contact_name);
  if (input.contact && !input.contact->first_name.empty() && !input.contact->last_name.empty())
    display_name = clean(input.contact->first_name) + " " + clean(input.contact->last_name);

  v["greeting"] = text_or_absent(greeting(input.contact, f.contact_name, language));
  v["contact_name"] = text_or_absent(display_name);

  std::string company = input.customer ? clean(input.customer->name) : std::string();
  // Finding::customer falls back to the mail domain, which is no name to write to a person.
  if (company.empty() && f.customer.find(' ') != std::string::npos) company = clean(f.customer);
  if (company.empty() && !f.customer.empty() && f.customer.find('.') == std::string::npos)
    company = clean(f.customer);
  v["company"] = text_or_absent(company);

  const std::string subject_source =
      input.thread_subject.empty() ? f.subject : input.thread_subject;
  v["subject"] = text_or_absent(clean(base_subject(subject_source)));
  v["reply_subject"] =
      text_or_absent(input.in_thread && !clean(base_subject(subject_source)).empty()
                         ? reply_subject(subject_source, language)
                         : std::string());
  v["waiting"] = text_or_absent(waiting_text(f, language));
  v["relationship"] = text_or_absent(relationship_text(input.customer, input.now, language));
  v["engagement"] = text_or_absent(engagement_text(f.engagement, language));
  // An end already past is "ended", so that no letter says "runs until" about last month.
  const bool past = !f.ends.empty() && input.now > 0 && f.ends < iso_day(input.now);
  v["ends"] = text_or_absent(past ? std::string() : date_text(f.ends, language));
  v["ended"] = text_or_absent(past ? date_text(f.ends, language) : std::string());
  v["what_happened"] = text_or_absent(clean(input.slots.what_happened));
  v["what_changed"] = text_or_absent(clean(input.slots.what_changed));
  v["gesture"] = text_or_absent(clean(input.slots.gesture));
  v["user_name"] = text_or_absent(clean(input.user_name));

  Value lines;
  lines.type = Value::Type::list;
  std::string_view rest = input.signature;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string line = clean(rest.substr(0, end));
    lines.list.push_back(std::move(line));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  while (!lines.list.empty() && lines.list.back().empty()) lines.list.pop_back();
  while (!lines.list.empty() && lines.list.front().empty()) lines.list.erase(lines.list.begin());
  if (lines.list.empty() && !clean(input.user_name).empty())
    lines.list.push_back(clean(input.user_name));
  Value has_signature;
  has_signature.type = lines.list.empty() ? Value::Type::absent : Value::Type::flag;
  v["has_signature"] = has_signature;
  v["signature_lines"] = std::move(lines);
  v["kind"] = text_or_absent(std::string(default_kind(f)));
  return v;
}

}  // namespace nachfass::letters
