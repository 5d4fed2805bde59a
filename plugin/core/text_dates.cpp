#include "core/text_dates.hpp"

#include "core/ascii.hpp"

#include <algorithm>
#include <cstdio>

namespace nachfass {

namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2199;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// Letters of words: ASCII letters and every byte of a multi-byte UTF-8 sequence (umlauts, ß).
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_digit(c) || is_letter(c);
}

// Reads 1..max_digits digits at `pos`; the digit run must end there (no further digit).
std::optional<int> read_number(std::string_view s, std::size_t& pos, std::size_t min_digits,
                               std::size_t max_digits) {
  std::size_t end = pos;
  while (end < s.size() && is_digit(s[end])) ++end;
  const std::size_t n = end - pos;
  if (n < min_digits || n > max_digits) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < end; ++i) value = value * 10 + (s[i] - '0');
  pos = end;
  return value;
}

void skip_spaces(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
    ++pos;
  // U+00A0 no-break space, common in HTML-converted text.
  while (pos + 1 < s.size() && static_cast<unsigned char>(s[pos]) == 0xC2 &&
         static_cast<unsigned char>(s[pos + 1]) == 0xA0) {
    pos += 2;
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
  }
}

struct MonthName {
  std::string_view name;  // folded
  unsigned number;
};

// German, Austrian and English names and their usual abbreviations. "mär"/"mrz" are the German
// abbreviations for März; "maerz" the ASCII spelling.
constexpr MonthName kMonths[] = {
    {"januar", 1},    {"jänner", 1},    {"january", 1}, {"jan", 1},       {"februar", 2},
    {"february", 2},  {"febr", 2},      {"feb", 2},     {"märz", 3},      {"maerz", 3},
    {"march", 3},     {"mär", 3},       {"mrz", 3},     {"mar", 3},       {"april", 4},
    {"apr", 4},       {"mai", 5},       {"may", 5},     {"juni", 6},      {"june", 6},
    {"jun", 6},       {"juli", 7},      {"july", 7},    {"jul", 7},       {"august", 8},
    {"aug", 8},       {"september", 9}, {"sept", 9},    {"sep", 9},       {"oktober", 10},
    {"october", 10},  {"okt", 10},      {"oct", 10},    {"november", 11}, {"nov", 11},
    {"dezember", 12}, {"december", 12}, {"dez", 12},    {"dec", 12},      {"jaenner", 1},
};

// A month name starting at `pos` (a word start) and ending at a word end, with an optional '.'.
std::optional<unsigned> read_month(std::string_view s, std::size_t& pos) {
  if (pos > 0 && is_letter(s[pos - 1])) return std::nullopt;
  for (const MonthName& m : kMonths) {
    if (s.substr(pos, m.name.size()) != m.name) continue;
    std::size_t end = pos + m.name.size();
    if (end < s.size() && is_letter(s[end])) continue;
    if (end < s.size() && s[end] == '.') ++end;
    pos = end;
    return m.number;
  }
  return std::nullopt;
}

// "st", "nd", "rd", "th" after a day number, or the German ordinal dot.
void skip_ordinal(std::string_view s, std::size_t& pos) {
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    return;
  }
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (s.substr(pos, 2) == suffix && (pos + 2 >= s.size() || !is_letter(s[pos + 2]))) {
      pos += 2;
      return;
    }
  }
}

// A four-digit year after optional spaces and a comma; `pos` moves only when there is one.
std::optional<int> read_trailing_year(std::string_view s, std::size_t& pos) {
  std::size_t p = pos;
  skip_spaces(s, p);
  if (p < s.size() && s[p] == ',') {
    ++p;
    skip_spaces(s, p);
  }
  if (p >= s.size() || !is_digit(s[p])) return std::nullopt;
  auto y = read_number(s, p, 4, 4);
  if (!y) return std::nullopt;
  // "26. März 2026 12:00" is fine, "26 March 20261" is not a year.
  if (p < s.size() && is_digit(s[p])) return std::nullopt;
  pos = p;
  return y;
}

int full_year(int y, std::size_t digits) {
  return digits == 2 ? 2000 + y : y;
}

struct Parsed {
  unsigned day = 0;
  unsigned month = 0;
  int year = 0;  // 0 = not given
  std::size_t end = 0;
};

// Dates that start with a number at `pos` (a position not preceded by a digit).
std::optional<Parsed> parse_numeric(std::string_view s, std::size_t pos) {
  const std::size_t begin = pos;
  // Part of a longer dotted or slashed number (an IP address, a version) is no date.
  if (begin > 0 && (s[begin - 1] == '.' || s[begin - 1] == '/' || s[begin - 1] == ','))
    return std::nullopt;
  std::size_t p = pos;
  const std::size_t digits_start = p;
  auto first = read_number(s, p, 1, 4);
  if (!first) return std::nullopt;
  const std::size_t first_digits = p - digits_start;

  // ISO 8601: 2026-03-26.
  if (first_digits == 4 && p < s.size() && s[p] == '-') {
    std::size_t q = p + 1;
    auto m = read_number(s, q, 1, 2);
    if (!m || q >= s.size() || s[q] != '-') return std::nullopt;
    ++q;
    auto d = read_number(s, q, 1, 2);
    if (!d) return std::nullopt;
    if (q < s.size() && (s[q] == '-' || (s[q] == '.' && q + 1 < s.size() && is_digit(s[q + 1]))))
      return std::nullopt;
    return Parsed{static_cast<unsigned>(*d), static_cast<unsigned>(*m), *first, q};
  }
  if (first_digits > 2) return std::nullopt;

  // German: 26.03.2026, 26.3.26, 26.03. (no year).
  if (p < s.size() && s[p] == '.' && p + 1 < s.size() && is_digit(s[p + 1])) {
    std::size_t q = p + 1;
    auto m = read_number(s, q, 1, 2);
    if (!m || q >= s.size() || s[q] != '.') return std::nullopt;
    ++q;
    const std::size_t year_start = q;
    if (q < s.size() && is_digit(s[q])) {
      auto y = read_number(s, q, 2, 4);
      const std::size_t year_digits = q - year_start;
      if (!y || year_digits == 3) return std::nullopt;
      // 1.2.2026.4 is a version number, not a date.
      if (q + 1 < s.size() && s[q] == '.' && is_digit(s[q + 1])) return std::nullopt;
      return Parsed{static_cast<unsigned>(*first), static_cast<unsigned>(*m),
                    full_year(*y, year_digits), q};
    }
    return Parsed{static_cast<unsigned>(*first), static_cast<unsigned>(*m), 0, q};
  }

  // Slashes: 26/03/2026 or 03/26/2026.
  if (p < s.size() && s[p] == '/') {
    std::size_t q = p + 1;
    auto second = read_number(s, q, 1, 2);
    if (!second || q >= s.size() || s[q] != '/') return std::nullopt;
    ++q;
    const std::size_t year_start = q;
    auto y = read_number(s, q, 2, 4);
    const std::size_t year_digits = q - year_start;
    if (!y || year_digits == 3) return std::nullopt;
    if (q < s.size() && s[q] == '/') return std::nullopt;
    unsigned d = static_cast<unsigned>(*first);
    unsigned m = static_cast<unsigned>(*second);
    if (m > 12 && d <= 12) std::swap(d, m);
    return Parsed{d, m, full_year(*y, year_digits), q};
  }

  // Day and month name: 26. März 2026, 26 March 2026, 26th of March, 3. Sept.
  std::size_t q = p;
  skip_ordinal(s, q);
  skip_spaces(s, q);
  if (s.substr(q, 3) == "of ") {
    q += 3;
    skip_spaces(s, q);
  }
  if (q >= s.size() || !is_letter(s[q])) return std::nullopt;
  auto m = read_month(s, q);
  if (!m) return std::nullopt;
  Parsed parsed{static_cast<unsigned>(*first), *m, 0, q};
  if (auto y = read_trailing_year(s, q)) {
    parsed.year = *y;
    parsed.end = q;
  }
  return parsed;
}

// Month name first: March 26, 2026; Mar 26th 2026; Sept. 3.
std::optional<Parsed> parse_month_first(std::string_view s, std::size_t pos) {
  std::size_t p = pos;
  auto m = read_month(s, p);
  if (!m) return std::nullopt;
  skip_spaces(s, p);
  if (p >= s.size() || !is_digit(s[p])) return std::nullopt;
  auto d = read_number(s, p, 1, 2);
  if (!d) return std::nullopt;
  // "March 2026": the digits run on, so read_number refused; "March 3.5" is no date either.
  if (p + 1 < s.size() && (s[p] == '.' || s[p] == ',') && is_digit(s[p + 1])) return std::nullopt;
  if (p + 1 < s.size() && (s[p] == 's' || s[p] == 'n' || s[p] == 'r' || s[p] == 't')) {
    skip_ordinal(s, p);
  }
  Parsed parsed{static_cast<unsigned>(*d), *m, 0, p};
  if (auto y = read_trailing_year(s, p)) {
    parsed.year = *y;
    parsed.end = p;
  }
  return parsed;
}

std::optional<year_month_day> resolve(const Parsed& parsed, year_month_day reference) {
  if (parsed.month < 1 || parsed.month > 12 || parsed.day < 1 || parsed.day > 31)
    return std::nullopt;
  if (parsed.year != 0) {
    if (parsed.year < kMinYear || parsed.year > kMaxYear) return std::nullopt;
    const year_month_day date{year{parsed.year}, month{parsed.month}, day{parsed.day}};
    if (!date.ok()) return std::nullopt;
    return date;
  }
  if (!reference.ok()) return std::nullopt;
  // The first occurrence on or after reference - 30 days; 29 February may take a few years.
  const sys_days earliest = sys_days{reference} - days{30};
  for (int y = static_cast<int>(reference.year()) - 1; y <= static_cast<int>(reference.year()) + 8;
       ++y) {
    const year_month_day date{year{y}, month{parsed.month}, day{parsed.day}};
    if (date.ok() && sys_days{date} >= earliest) return date;
  }
  return std::nullopt;
}

// Whole words in [from, to) of the folded text.
template <typename F>
bool any_word(std::string_view s, std::size_t from, std::size_t to, F&& matches) {
  std::size_t i = from;
  while (i < to) {
    while (i < to && !is_letter(s[i])) ++i;
    // A word cut by `from` is not a word of the window.
    if (i == from && i > 0 && is_letter(s[i - 1])) {
      while (i < to && is_letter(s[i])) ++i;
      continue;
    }
    const std::size_t begin = i;
    while (i < s.size() && is_letter(s[i])) ++i;
    if (i > begin && matches(s.substr(begin, i - begin))) return true;
  }
  return false;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Words that say the next date ends something: bis, läuft (ab), endet, Ablauf, Vertragsende,
// until, till, expires, ends, through.
bool is_end_word_before(std::string_view word) {
  static constexpr std::string_view exact[] = {"bis", "until",  "till",  "through", "thru", "ends",
                                               "end", "ending", "endet", "enden",   "ende"};
  for (std::string_view e : exact)
    if (word == e) return true;
  static constexpr std::string_view prefixes[] = {"läuft",    "ablauf", "abläuft",
                                                  "ausläuft", "expir",  "befristet"};
  for (std::string_view p : prefixes)
    if (starts_with(word, p)) return true;
  return ends_with(word, "ende") || ends_with(word, "ablauf");
}

// Words right after a date that make it an end: "am 26.03. abläuft", "die am 26.03. endet".
bool is_end_word_after(std::string_view word) {
  return word == "endet" || word == "ends" || word == "expires" || word == "abläuft" ||
         word == "ausläuft";
}

constexpr std::size_t kEndWordWindow = 48;

}  // namespace

std::vector<TextDate> find_dates(std::string_view text, year_month_day reference) {
  std::vector<TextDate> dates;
  const std::string folded = ascii::fold_german(text);
  const std::string_view s = folded;
  std::size_t i = 0;
  while (i < s.size()) {
    std::optional<Parsed> parsed;
    // A number after a letter is part of a word ("Q3"); after a UTF-8 dash ("24.–26.03.") it
    // starts a date.
    if (is_digit(s[i]) && (i == 0 || (!is_digit(s[i - 1]) && !is_ascii_letter(s[i - 1])))) {
      parsed = parse_numeric(s, i);
    } else if (is_letter(s[i]) && (i == 0 || !is_letter(s[i - 1]))) {
      parsed = parse_month_first(s, i);
    }
    // "you may 2 ..." is no date; the month is written "May".
    if (parsed && s.substr(i, 3) == "may" && text[i] != 'M') parsed.reset();
    if (parsed) {
      if (auto date = resolve(*parsed, reference)) {
        dates.push_back(TextDate{*date, i, parsed->end, parsed->year != 0});
        i = parsed->end;
        continue;
      }
    }
    // Skip the rest of this number or word: a date starts at a word start.
    if (is_digit(s[i])) {
      while (i < s.size() && is_digit(s[i])) ++i;
    } else if (is_letter(s[i])) {
      while (i < s.size() && is_letter(s[i])) ++i;
    } else {
      ++i;
    }
  }
  return dates;
}

std::optional<year_month_day> find_end_date(std::string_view text, year_month_day reference) {
  if (!reference.ok()) return std::nullopt;
  const std::vector<TextDate> dates = find_dates(text, reference);
  const std::string folded = ascii::fold_german(text);
  const std::string_view s = folded;
  std::optional<year_month_day> latest;
  std::size_t previous_end = 0;
  for (const TextDate& d : dates) {
    const std::size_t window_begin =
        std::max(previous_end, d.begin > kEndWordWindow ? d.begin - kEndWordWindow : 0);
    previous_end = d.end;
    if (sys_days{d.date} <= sys_days{reference}) continue;
    const std::size_t after_end = std::min(s.size(), d.end + 12);
    // "to" ends a range only right before the date ("from 3 to 12 April"); further back it is
    // any "to" ("delivery to Oslo by 1 November" names a delivery date, not an end).
    const std::size_t near_begin = std::max(window_begin, d.begin > 4 ? d.begin - 4 : 0);
    if (any_word(s, window_begin, d.begin, is_end_word_before) ||
        any_word(s, near_begin, d.begin, [](std::string_view w) { return w == "to"; }) ||
        any_word(s, d.end, after_end, [](std::string_view w) { return is_end_word_after(w); }))
      return d.date;
    if (!latest || d.date > *latest) latest = d.date;
  }
  return latest;
}

namespace {

struct NumberWord {
  std::string_view word;
  int value;
};

constexpr NumberWord kNumberWords[] = {
    {"einundzwanzig", 21}, {"vierzehn", 14}, {"dreißig", 30}, {"dreissig", 30},
    {"sechzig", 60},       {"neunzig", 90},  {"einen", 1},    {"einem", 1},
    {"einer", 1},          {"eine", 1},      {"eins", 1},     {"ein", 1},
    {"zwei", 2},           {"drei", 3},      {"vier", 4},     {"fünf", 5},
    {"fuenf", 5},          {"sechs", 6},     {"sieben", 7},   {"acht", 8},
    {"neun", 9},           {"zehn", 10},     {"elf", 11},     {"zwölf", 12},
    {"zwoelf", 12},        {"one", 1},       {"two", 2},      {"three", 3},
    {"four", 4},           {"five", 5},      {"six", 6},      {"seven", 7},
    {"eight", 8},          {"nine", 9},      {"ten", 10},     {"eleven", 11},
    {"twelve", 12},        {"fourteen", 14}, {"thirty", 30},  {"sixty", 60},
    {"ninety", 90},
};

enum class Unit : std::uint8_t { none, day, week, month, year };

// A unit word: "Tag(e/en/es)", "-tägig(e/er/en/es/em)", "Woche(n)", "-wöchig...", "Monat(e/en/s)",
// "-monatig...", "Jahr(e/en/es)", "-jährig...", "day(s)", "week(s)", "month(s)", "year(s)".
Unit unit_of(std::string_view w) {
  static constexpr std::string_view day_words[] = {"tag", "tage", "tagen", "tages", "day", "days"};
  static constexpr std::string_view week_words[] = {"woche", "wochen", "week", "weeks"};
  static constexpr std::string_view month_words[] = {"monat",  "monate", "monaten",
                                                     "monats", "month",  "months"};
  static constexpr std::string_view year_words[] = {"jahr",   "jahre", "jahren",
                                                    "jahres", "year",  "years"};
  for (auto x : day_words)
    if (w == x) return Unit::day;
  for (auto x : week_words)
    if (w == x) return Unit::week;
  for (auto x : month_words)
    if (w == x) return Unit::month;
  for (auto x : year_words)
    if (w == x) return Unit::year;
  // Adjectives: 30-tägiger, vierwöchige, 3-monatigen, einjährige.
  auto adjective = [&](std::string_view stem) {
    if (!starts_with(w, stem)) return false;
    const std::string_view rest = w.substr(stem.size());
    return rest.empty() || rest == "e" || rest == "er" || rest == "en" || rest == "es" ||
           rest == "em";
  };
  if (adjective("tägig")) return Unit::day;
  if (adjective("wöchig")) return Unit::week;
  if (adjective("monatig")) return Unit::month;
  if (adjective("jährig")) return Unit::year;
  return Unit::none;
}

std::optional<int> to_days(int count, Unit unit) {
  if (count <= 0) return std::nullopt;
  long long result = 0;
  switch (unit) {
    case Unit::day:
      result = count;
      break;
    case Unit::week:
      result = 7LL * count;
      break;
    // A month counts 30 days, but whole years of months count as years ("12 Monate" = 365).
    case Unit::month:
      result = count % 12 == 0 ? 365LL * (count / 12) : 30LL * count;
      break;
    case Unit::year:
      result = 365LL * count;
      break;
    case Unit::none:
      return std::nullopt;
  }
  if (result < 1 || result > 3650) return std::nullopt;
  return static_cast<int>(result);
}

// A duration followed by one of these is an offset, not a length ("eine Woche vor Ablauf",
// "7 days before the end"); one preceded by "innerhalb"/"within" is a deadline.
bool is_offset_word(std::string_view w) {
  return w == "vor" || w == "nach" || w == "before" || w == "after" || w == "prior" ||
         w == "zuvor" || w == "später" || w == "later" || w == "früher" || w == "earlier" ||
         w == "ago";
}

std::string_view next_word(std::string_view s, std::size_t pos) {
  while (pos < s.size() && !is_letter(s[pos])) {
    if (is_digit(s[pos])) return {};
    ++pos;
    if (pos > 0 && s[pos - 1] == '.') return {};
  }
  std::size_t end = pos;
  while (end < s.size() && is_letter(s[end])) ++end;
  return s.substr(pos, end - pos);
}

// Separators between a number and its unit: nothing, spaces, '-', U+2011 and U+2013.
std::size_t skip_separator(std::string_view s, std::size_t pos) {
  std::size_t p = pos;
  skip_spaces(s, p);
  if (p < s.size() && s[p] == '-') {
    ++p;
  } else if (s.substr(p, 3) == "\xE2\x80\x91" || s.substr(p, 3) == "\xE2\x80\x93") {
    p += 3;
  } else {
    return p;
  }
  skip_spaces(s, p);
  return p;
}

}  // namespace

std::optional<int> find_length_days(std::string_view text) {
  const std::string folded = ascii::fold_german(text);
  const std::string_view s = folded;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_alnum(s[i]) || (i > 0 && is_alnum(s[i - 1]))) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    int count = 0;
    std::size_t after_number = 0;
    Unit unit = Unit::none;
    std::size_t unit_end = 0;
    if (is_digit(s[i])) {
      std::size_t p = i;
      auto n = read_number(s, p, 1, 4);
      // "1.5 Tage", "2,5 weeks": not a whole count; 3.000 is no count either.
      if (!n || (p + 1 < s.size() && (s[p] == '.' || s[p] == ',') && is_digit(s[p + 1])) ||
          (begin > 0 && (s[begin - 1] == '.' || s[begin - 1] == ','))) {
        i = p;
        continue;
      }
      count = *n;
      after_number = p;
    } else {
      // A number word, alone ("vier Wochen") or glued to an adjective ("vierwöchige").
      std::size_t end = i;
      while (end < s.size() && is_letter(s[end])) ++end;
      const std::string_view word = s.substr(i, end - i);
      for (const NumberWord& nw : kNumberWords) {
        if (!starts_with(word, nw.word)) continue;
        const std::string_view rest = word.substr(nw.word.size());
        if (rest.empty()) {
          count = nw.value;
          after_number = i + nw.word.size();
          break;
        }
        const Unit glued = unit_of(rest);
        if (glued != Unit::none && (starts_with(rest, "täg") || starts_with(rest, "wöch") ||
                                    starts_with(rest, "monatig") || starts_with(rest, "jähr"))) {
          count = nw.value;
          unit = glued;
          unit_end = end;
          break;
        }
      }
      if (count == 0) {
        i = end;
        continue;
      }
    }
    if (unit == Unit::none) {
      std::size_t p = skip_separator(s, after_number);
      std::size_t end = p;
      while (end < s.size() && is_letter(s[end])) ++end;
      unit = unit_of(s.substr(p, end - p));
      unit_end = end;
    }
    if (unit != Unit::none) {
      const std::string_view after = next_word(s, unit_end);
      const std::string_view lead = s.substr(begin > 24 ? begin - 24 : 0, begin > 24 ? 24 : begin);
      const bool offset = is_offset_word(after) ||
                          lead.find("innerhalb") != std::string_view::npos ||
                          lead.find("within") != std::string_view::npos;
      if (!offset) {
        if (auto result = to_days(count, unit)) return result;
      }
      i = unit_end;
      continue;
    }
    i = after_number > i ? after_number : i + 1;
  }
  return std::nullopt;
}

std::int32_t day_number(year_month_day date) {
  return static_cast<std::int32_t>(sys_days{date}.time_since_epoch().count());
}

year_month_day from_day_number(std::int32_t days_since_epoch) {
  return year_month_day{sys_days{days{days_since_epoch}}};
}

std::string iso_date(year_month_day date) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

}  // namespace nachfass
