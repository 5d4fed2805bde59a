#include "config/config.hpp"

#include <date/tz.h>
#include <pwd.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>

namespace nachfass {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c);
  });
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), so that
// "langauge" is one step from "language".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

// The candidate closest to `word` (case-insensitively) when it is close enough to be a typo.
template <class Range>
std::optional<std::string> closest(std::string_view word, const Range& candidates) {
  const std::string needle = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& candidate : candidates) {
    const std::string_view name{candidate};
    const std::size_t distance = edit_distance(needle, lower(name));
    // Two typos for longer words, one for short ones: "day" -> "days", not "foo" -> "port".
    const std::size_t allowed = std::max(needle.size(), name.size()) > 5 ? 2 : 1;
    if (distance <= allowed && distance < best_distance) {
      best = std::string(name);
      best_distance = distance;
    }
  }
  return best;
}

constexpr std::array<std::string_view, 5> kUserKeys{"name", "addresses", "own_domains", "language",
                                                    "time_zone"};
constexpr std::array<std::string_view, 4> kBusinessKeys{"days", "hours", "holidays",
                                                        "extra_holidays"};
constexpr std::array<std::string_view, 1> kUnansweredKeys{"sla"};
constexpr std::array<std::string_view, 15> kMailKeys{
    "provider",     "path",
    "host",         "port",
    "security",     "username",
    "password_env", "password_file",
    "keyring",      "folders",
    "sent_folder",  "drafts_folder",
    "ca_file",      "insecure_skip_verify_for_host",
    "connections"};
constexpr std::array<std::string_view, 14> kCalendarKeys{"provider",
                                                         "url",
                                                         "username",
                                                         "password_env",
                                                         "password_file",
                                                         "keyring",
                                                         "calendar",
                                                         "create_calendar",
                                                         "reminder_minutes",
                                                         "max_per_day",
                                                         "alarm_minutes_before",
                                                         "ca_file",
                                                         "insecure_skip_verify_for_host",
                                                         "bearer_token_env"};
constexpr std::array<std::string_view, 5> kRuleSections{"unanswered", "lapsing", "stalled", "quiet",
                                                        "absence"};
constexpr std::array<std::string_view, 2> kLettersKeys{"signature", "templates_dir"};
constexpr std::array<std::string_view, 7> kCheckedSections{
    "user", "business", "rules", "mail", "calendar", "letters", "customers"};
constexpr std::array<std::string_view, 1> kReservedSections{"server"};

using Keys = std::span<const std::string_view>;

bool contains(Keys keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

struct SectionKeys {
  std::string_view section;
  Keys keys;
};

constexpr std::array<SectionKeys, 6> kAllKeys{{
    {"user", kUserKeys},
    {"business", kBusinessKeys},
    {"rules.unanswered", kUnansweredKeys},
    {"mail", kMailKeys},
    {"calendar", kCalendarKeys},
    {"letters", kLettersKeys},
}};

// "business.hours" when `key` is a key of another section: the user put it in the wrong place.
std::optional<std::string> section_of_key(std::string_view key, std::string_view except) {
  for (const auto& section : kAllKeys) {
    if (section.section == except) continue;
    if (contains(section.keys, key)) {
      return std::string(section.section) + "." + std::string(key);
    }
  }
  return std::nullopt;
}

std::string join(Keys keys) {
  std::string out;
  for (std::string_view key : keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

std::string quote_value(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  std::size_t count = 0;
  for (char c : text) {
    if (++count > kMax) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// The value as TOML would spell it, for scalars; the kind of thing otherwise.
std::string value_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return quote_value(text->get());
  if (node.is_table()) return "a table";
  if (const auto* array = node.as_array()) return array->empty() ? "[]" : "an array";
  std::ostringstream out;
  out << toml::node_view<const toml::node>{node};
  return out.str();
}

// For a value of the wrong type: "the string \"x\"", "the integer 5", "an array", "a table".
std::string typed_value_text(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "the string " + value_text(node);
    case toml::node_type::integer:
      return "the integer " + value_text(node);
    case toml::node_type::floating_point:
      return "the number " + value_text(node);
    case toml::node_type::boolean:
      return "the boolean " + value_text(node);
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "the date/time " + value_text(node);
    case toml::node_type::array:
      return node.as_array()->empty() ? "an empty array" : "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

class Problems {
 public:
  explicit Problems(std::string source) : source_(std::move(source)) {}

  void add(std::string id, const toml::source_region& where, std::string_view text) {
    const auto line = where.begin.line;
    std::string message = source_;
    if (line > 0) message += ":" + std::to_string(line);
    message += ": ";
    message += text;
    found_.push_back(Found{line == 0 ? std::numeric_limits<std::uint32_t>::max() : line,
                           where.begin.column,
                           make_error(ErrorScope::fatal, std::move(id), std::move(message))});
  }

  // A value of the right type that is not acceptable.
  void bad_value(const toml::node& node, std::string_view key, std::string_view expected,
                 std::string_view hint = {}) {
    std::string text =
        std::string(key) + ": expected " + std::string(expected) + ", got " + value_text(node);
    if (!hint.empty()) text += " — " + std::string(hint);
    add("config.bad_value", node.source(), std::move(text));
  }

  // A value of the wrong type.
  void wrong_type(const toml::node& node, std::string_view key, std::string_view expected) {
    add("config.bad_value", node.source(),
        std::string(key) + ": expected " + std::string(expected) + ", got " +
            typed_value_text(node));
  }

  void unknown_key(const toml::key& key, std::string_view section, Keys known) {
    const std::string dotted = std::string(section) + "." + std::string(key.str());
    std::string text = "unknown key " + dotted;
    if ((section == "mail" || section == "calendar") &&
        lower(key.str()).find("password") != std::string::npos) {
      // Never a password in the config file; say where it goes instead.
      text += " — the password is not written here; use password_env, password_file or keyring";
    } else if (auto near = closest(key.str(), known)) {
      text += " — did you mean " + std::string(section) + "." + *near + "?";
    } else if (auto elsewhere = section_of_key(key.str(), section)) {
      text += " — did you mean " + *elsewhere + "?";
    } else {
      text += " — known keys in [" + std::string(section) + "]: " + join(known);
    }
    add("config.unknown_key", key.source(), std::move(text));
  }

  void missing(const toml::source_region& where, std::string text) {
    add("config.missing", where, std::move(text));
  }

  std::optional<Error> first() const {
    if (found_.empty()) return std::nullopt;
    const auto earliest =
        std::min_element(found_.begin(), found_.end(), [](const Found& a, const Found& b) {
          return std::pair(a.line, a.column) < std::pair(b.line, b.column);
        });
    return earliest->error;
  }

 private:
  struct Found {
    std::uint32_t line;
    std::uint32_t column;
    Error error;
  };
  std::string source_;
  std::vector<Found> found_;
};

void check_keys(const toml::table& table, std::string_view section, Keys known,
                Problems& problems) {
  for (const auto& entry : table) {
    const toml::key& key = entry.first;
    if (!contains(known, key.str())) problems.unknown_key(key, section, known);
  }
}

std::string dotted(std::string_view section, std::string_view key) {
  return std::string(section) + "." + std::string(key);
}

std::optional<std::string> get_string(const toml::table& table, std::string_view section,
                                      std::string_view key, std::string_view expected,
                                      Problems& problems) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* text = node->as_string()) return text->get();
  problems.wrong_type(*node, dotted(section, key), expected);
  return std::nullopt;
}

// The string elements of an array, each with its node for positions.
std::optional<std::vector<std::pair<std::string, const toml::node*>>> get_strings(
    const toml::table& table, std::string_view section, std::string_view key,
    std::string_view expected, Problems& problems) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  const auto* array = node->as_array();
  if (array == nullptr) {
    problems.wrong_type(*node, dotted(section, key), expected);
    return std::nullopt;
  }
  std::vector<std::pair<std::string, const toml::node*>> out;
  bool all_strings = true;
  for (const toml::node& element : *array) {
    if (const auto* text = element.as_string()) {
      out.emplace_back(text->get(), &element);
    } else {
      problems.wrong_type(element, dotted(section, key), expected);
      all_strings = false;
    }
  }
  if (!all_strings) return std::nullopt;
  return out;
}

std::optional<fs::path> home_directory() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home);
  }
  std::array<char, 4096> buffer{};
  passwd entry{};
  passwd* result = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &result) == 0 &&
      result != nullptr && result->pw_dir != nullptr) {
    return fs::path(result->pw_dir);
  }
  return std::nullopt;
}

fs::path expand_home(std::string_view text) {
  if (text == "~" || text.starts_with("~/")) {
    if (auto home = home_directory()) {
      return text.size() <= 2 ? *home : *home / fs::path(text.substr(2));
    }
  }
  return fs::path(text);
}

bool is_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const std::size_t dot = std::min(domain.find('.', start), domain.size());
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const auto byte = static_cast<unsigned char>(c);
      const bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || byte >= 0x80;
      if (!ok) return false;
    }
    ++labels;
    start = dot + 1;
  }
  return labels >= 2;
}

// An addr-spec as people write them: one '@', no spaces, a domain after it.
bool is_address(std::string_view address) {
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || address.find('@', at + 1) != address.npos) {
    return false;
  }
  for (char c : address.substr(0, at)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f ||
        std::string_view("<>(),;:\"[]\\").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return is_domain(address.substr(at + 1));
}

std::optional<int> parse_clock(std::string_view text, bool allow_24) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != colon && !is_digit(text[i])) return std::nullopt;
  }
  int hour = 0;
  for (std::size_t i = 0; i < colon; ++i) hour = hour * 10 + (text[i] - '0');
  const int minute = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
  if (minute > 59) return std::nullopt;
  if (hour == 24 && minute == 0 && allow_24) return 24 * 60;
  if (hour > 23) return std::nullopt;
  return hour * 60 + minute;
}

// "08:00-17:00" (also "8:00 - 17:00", and an en dash as people paste it from documents).
std::optional<std::pair<int, int>> parse_hours(std::string_view text) {
  text = trim(text);
  std::size_t separator = text.find('-');
  std::size_t separator_size = 1;
  if (separator == std::string_view::npos) {
    separator = text.find("\xE2\x80\x93");  // U+2013 EN DASH
    separator_size = 3;
  }
  if (separator == std::string_view::npos) return std::nullopt;
  const auto start = parse_clock(trim(text.substr(0, separator)), false);
  const auto end = parse_clock(trim(text.substr(separator + separator_size)), true);
  if (!start || !end || *start >= *end) return std::nullopt;
  return std::pair(*start, *end);
}

// Index 0 = Sunday, as in BusinessHours::working_days.
std::optional<int> parse_weekday(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kEnglish{"sun", "mon", "tue", "wed",
                                                            "thu", "fri", "sat"};
  static constexpr std::array<std::string_view, 7> kGerman{"so", "mo", "di", "mi",
                                                           "do", "fr", "sa"};
  const std::string name = lower(trim(text));
  for (int day = 0; day < 7; ++day) {
    const auto index = static_cast<std::size_t>(day);
    if (name == kEnglish[index] || name == kGerman[index]) return day;
  }
  return std::nullopt;
}

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : std::array<std::size_t, 8>{0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(text[i])) return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const std::chrono::year_month_day date{std::chrono::year{number(0, 4)},
                                         std::chrono::month{static_cast<unsigned>(number(5, 2))},
                                         std::chrono::day{static_cast<unsigned>(number(8, 2))}};
  if (!date.ok()) return std::nullopt;
  return date;
}

bool zone_exists(const std::string& name) {
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<std::string> closest_zone(std::string_view name) {
  try {
    const auto& db = date::get_tzdb();
    std::vector<std::string> names;
    names.reserve(db.zones.size());
    for (const auto& zone : db.zones) names.push_back(zone.name());
    return closest(name, names);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<HolidayRegion> parse_region(std::string_view code) {
  const std::string trimmed(trim(code));
  for (const std::string& spelling : {trimmed, upper(trimmed), lower(trimmed)}) {
    if (auto region = HolidayRegion::parse(spelling)) return region;
  }
  return std::nullopt;
}

// A copy of `root` that holds only root[first] (and of that only [second] when given), formatted
// as TOML: the raw form of a reserved section.
std::string raw_section(const toml::table& root, std::string_view first,
                        std::string_view second = {}) {
  toml::table copy = root;
  for (auto it = copy.begin(); it != copy.end();) {
    it = it->first.str() == first ? std::next(it) : copy.erase(it);
  }
  if (!second.empty()) {
    if (auto* inner = copy.get_as<toml::table>(first)) {
      for (auto it = inner->begin(); it != inner->end();) {
        it = it->first.str() == second ? std::next(it) : inner->erase(it);
      }
    }
  }
  std::ostringstream out;
  out << toml::toml_formatter{copy};
  std::string text = out.str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

void parse_user(const toml::table& table, UserConfig& user, Problems& problems) {
  constexpr std::string_view kSection = "user";
  check_keys(table, kSection, kUserKeys, problems);

  if (auto name = get_string(table, kSection, "name", "your name as a string", problems)) {
    if (trim(*name).empty()) {
      problems.bad_value(*table.get("name"), "user.name", "a non-empty name, or no name key");
    } else {
      user.name = std::string(trim(*name));
    }
  }

  constexpr std::string_view kAddresses =
      "an array of e-mail addresses, e.g. [\"anna.vogel@example.com\"]";
  if (auto addresses = get_strings(table, kSection, "addresses", kAddresses, problems)) {
    for (const auto& [text, node] : *addresses) {
      const std::string address = lower(trim(text));
      if (!is_address(address)) {
        problems.bad_value(*node, "user.addresses",
                           "an e-mail address such as \"anna@example.com\"");
        continue;
      }
      if (std::find(user.addresses.begin(), user.addresses.end(), address) ==
          user.addresses.end()) {
        user.addresses.push_back(address);
      }
    }
  }

  constexpr std::string_view kDomains = "an array of domains, e.g. [\"example.com\"]";
  if (auto domains = get_strings(table, kSection, "own_domains", kDomains, problems)) {
    for (const auto& [text, node] : *domains) {
      std::string domain = lower(trim(text));
      while (!domain.empty() && (domain.front() == '@' || domain.front() == '.')) {
        domain.erase(0, 1);
      }
      if (!is_domain(domain)) {
        problems.bad_value(*node, "user.own_domains", "a domain such as \"example.com\"");
        continue;
      }
      if (std::find(user.own_domains.begin(), user.own_domains.end(), domain) ==
          user.own_domains.end()) {
        user.own_domains.push_back(domain);
      }
    }
  }

  constexpr std::string_view kLanguage = "\"de\" or \"en\"";
  if (auto language = get_string(table, kSection, "language", kLanguage, problems)) {
    const std::string code = lower(trim(*language));
    if (code == "de") {
      user.language = Language::de;
    } else if (code == "en") {
      user.language = Language::en;
    } else {
      problems.bad_value(*table.get("language"), "user.language", kLanguage);
    }
  }

  constexpr std::string_view kZone = "a time zone name such as \"Europe/Berlin\"";
  if (auto zone = get_string(table, kSection, "time_zone", kZone, problems)) {
    const std::string name(trim(*zone));
    if (zone_exists(name)) {
      user.time_zone = name;
    } else {
      std::string hint;
      if (auto near = closest_zone(name)) hint = "did you mean \"" + *near + "\"?";
      problems.bad_value(*table.get("time_zone"), "user.time_zone",
                         "a time zone of the tz database such as \"Europe/Berlin\"", hint);
    }
  }
}

void parse_business(const toml::table& table, BusinessConfig& business, Problems& problems) {
  constexpr std::string_view kSection = "business";
  check_keys(table, kSection, kBusinessKeys, problems);

  constexpr std::string_view kDays =
      "an array of day names from mon tue wed thu fri sat sun (or mo di mi do fr sa so)";
  if (auto days = get_strings(table, kSection, "days", kDays, problems)) {
    std::array<bool, 7> working{};
    bool ok = true;
    for (const auto& [text, node] : *days) {
      const auto day = parse_weekday(text);
      if (!day) {
        problems.bad_value(*node, "business.days",
                           "a day name from mon tue wed thu fri sat sun (or mo di mi do fr sa so)");
        ok = false;
      } else if (working[static_cast<std::size_t>(*day)]) {
        problems.add("config.bad_value", node->source(),
                     "business.days: " + value_text(*node) +
                         " names a day that is already listed — list each day once");
        ok = false;
      } else {
        working[static_cast<std::size_t>(*day)] = true;
      }
    }
    if (days->empty()) {
      problems.bad_value(*table.get("days"), "business.days",
                         "at least one working day, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", "
                         "\"fri\"]");
      ok = false;
    }
    if (ok) business.hours.working_days = working;
  }

  constexpr std::string_view kHours =
      "\"HH:MM-HH:MM\" with the start before the end, e.g. \"08:00-17:00\"";
  if (auto hours = get_string(table, kSection, "hours", kHours, problems)) {
    if (auto span = parse_hours(*hours)) {
      business.hours.start_minute = span->first;
      business.hours.end_minute = span->second;
    } else {
      problems.bad_value(*table.get("hours"), "business.hours", kHours);
    }
  }

  constexpr std::string_view kHolidays =
      "\"none\", \"DE\" (federal holidays) or \"DE-XX\" with a German state code (BW, BY, BE, BB, "
      "HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH)";
  if (auto code = get_string(table, kSection, "holidays", kHolidays, problems)) {
    if (auto region = parse_region(*code)) {
      business.holidays = *region;
    } else {
      problems.bad_value(*table.get("holidays"), "business.holidays", kHolidays);
    }
  }

  constexpr std::string_view kDate = "dates as \"YYYY-MM-DD\", e.g. [\"2026-12-24\"]";
  if (const toml::node* node = table.get("extra_holidays")) {
    if (const auto* array = node->as_array()) {
      for (const toml::node& element : *array) {
        std::optional<std::chrono::year_month_day> date;
        if (const auto* text = element.as_string()) {
          date = parse_iso_date(trim(text->get()));
          if (!date) {
            problems.bad_value(element, "business.extra_holidays",
                               "a calendar date as \"YYYY-MM-DD\", e.g. \"2026-12-24\"");
          }
        } else if (const auto* literal = element.as_date()) {
          // TOML's own date literal: extra_holidays = [2026-12-24]
          const toml::date& value = literal->get();
          date = std::chrono::year_month_day{std::chrono::year{value.year},
                                             std::chrono::month{value.month},
                                             std::chrono::day{value.day}};
          if (!date->ok()) {
            problems.bad_value(element, "business.extra_holidays", "a valid calendar date");
            date.reset();
          }
        } else {
          problems.wrong_type(element, "business.extra_holidays", kDate);
        }
        if (date) business.extra_holidays.push_back(*date);
      }
      std::sort(business.extra_holidays.begin(), business.extra_holidays.end());
      business.extra_holidays.erase(
          std::unique(business.extra_holidays.begin(), business.extra_holidays.end()),
          business.extra_holidays.end());
    } else {
      problems.wrong_type(*node, "business.extra_holidays", "an array of " + std::string(kDate));
    }
  }
}

void parse_unanswered(const toml::table& table, std::int64_t day_seconds,
                      UnansweredConfig& unanswered, Problems& problems) {
  constexpr std::string_view kSection = "rules.unanswered";
  check_keys(table, kSection, kUnansweredKeys, problems);

  constexpr std::string_view kSla =
      "a duration in business time such as \"2 business days\", \"4 business hours\" or "
      "\"90 minutes\"";
  if (auto sla = get_string(table, kSection, "sla", kSla, problems)) {
    const std::string text(trim(*sla));
    const auto seconds = parse_business_duration(text, day_seconds);
    if (!seconds) {
      problems.bad_value(*table.get("sla"), "rules.unanswered.sla", kSla);
    } else if (*seconds <= 0) {
      problems.bad_value(*table.get("sla"), "rules.unanswered.sla", "a duration longer than zero");
    } else {
      unanswered.sla = BusinessDuration{text, *seconds};
    }
  }
}

void parse_stalled(const toml::table& table, std::int64_t day_seconds, Config& config,
                   Problems& problems);
void parse_quiet(const toml::table& table, QuietSettings& quiet, Problems& problems);
void parse_absence(const toml::table& table, AbsenceSettings& absence, Problems& problems);
void parse_lapsing_rule(const toml::table& table, std::string_view name, Rules& rules,
                        Problems& problems, const toml::source_region& where);

void parse_rules(const toml::table& rules, std::int64_t day_seconds, Config& config,
                 Problems& problems) {
  for (const auto& [key, node] : rules) {
    const std::string_view name = key.str();
    const std::string section = "rules." + std::string(name);
    if (!node.is_table()) {
      // `[rules] sla = ...`: a rule's setting outside the rule's table.
      std::string text = "unknown key " + section;
      if (contains(kUnansweredKeys, name)) {
        text += " — did you mean rules.unanswered." + std::string(name) + "?";
      } else {
        text += " — settings go into a rule's table, e.g. [rules.unanswered]";
      }
      problems.add("config.unknown_key", key.source(), std::move(text));
      continue;
    }
    const toml::table& table = *node.as_table();
    if (name == "unanswered") {
      parse_unanswered(table, day_seconds, config.unanswered, problems);
    } else if (name == "stalled") {
      parse_stalled(table, day_seconds, config, problems);
    } else if (name == "quiet") {
      parse_quiet(table, config.rules.quiet, problems);
    } else if (name == "absence") {
      parse_absence(table, config.rules.absence, problems);
    } else if (name == "lapsing") {
      for (const auto& [rule_key, rule_node] : table) {
        const std::string rule_section = "rules.lapsing." + std::string(rule_key.str());
        if (const auto* rule_table = rule_node.as_table()) {
          parse_lapsing_rule(*rule_table, rule_key.str(), config.rules, problems,
                             rule_key.source());
        } else {
          problems.add("config.unknown_key", rule_key.source(),
                       "unknown key " + rule_section +
                           " — a lapsing rule is a table, e.g. [rules.lapsing.trial]");
        }
      }
    } else {
      std::string text = "unknown section [" + section + "]";
      if (auto near = closest(name, kRuleSections)) {
        text += " — did you mean [rules." + *near + "]?";
      } else {
        text += " — known rules: " + join(kRuleSections);
      }
      problems.add("config.unknown_key", key.source(), std::move(text));
    }
  }
}

std::optional<int> get_int(const toml::table& table, std::string_view section, std::string_view key,
                           int min, int max, std::string_view expected, Problems& problems) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* number = node->as_integer()) {
    if (number->get() >= min && number->get() <= max) return static_cast<int>(number->get());
    problems.bad_value(*node, dotted(section, key), expected);
    return std::nullopt;
  }
  problems.wrong_type(*node, dotted(section, key), expected);
  return std::nullopt;
}

// ---- [rules.lapsing.<name>], [rules.stalled], [rules.quiet], [rules.absence], [customers]

constexpr std::array<std::string_view, 20> kLapsingKeys{
    "enabled",          "engagement",          "start_from",        "start_subject",
    "start_body",       "event_titles",        "length_days",       "before_end_days",
    "after_start_days", "contact_window_days", "expire_after_days", "extend_from",
    "extend_subject",   "extend_body",         "convert_from",      "convert_subject",
    "convert_body",     "cancel_from",         "cancel_subject",    "cancel_body"};
constexpr std::array<std::string_view, 6> kStalledKeys{
    "enabled", "after", "max_age_days", "expects_answer", "closing", "customer_pause"};
constexpr std::array<std::string_view, 8> kQuietKeys{
    "enabled",    "min_history_months", "min_exchanges",    "upper_percentile",
    "gap_factor", "median_factor",      "min_silence_days", "max_silence_days"};
constexpr std::array<std::string_view, 6> kAbsenceKeys{
    "enabled", "event_titles", "min_business_days", "merge_gap_days", "show_days", "max_days"};
constexpr std::array<std::string_view, 5> kCustomersKeys{"files", "engagement_files", "ignore",
                                                         "tiers", "entries"};
constexpr std::array<std::string_view, 2> kTierKeys{"sla", "stall_after"};
constexpr std::array<std::string_view, 5> kEntryKeys{"name", "domains", "tier", "ignore",
                                                     "contacts"};
constexpr std::array<std::string_view, 8> kContactKeys{
    "email", "name", "first_name", "last_name", "title", "salutation", "phone", "tier"};

std::optional<bool> get_bool(const toml::table& table, std::string_view section,
                             std::string_view key, Problems& problems) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* flag = node->as_boolean()) return flag->get();
  problems.wrong_type(*node, dotted(section, key), "true or false");
  return std::nullopt;
}

std::optional<double> get_number(const toml::table& table, std::string_view section,
                                 std::string_view key, double min, double max,
                                 std::string_view expected, Problems& problems) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  std::optional<double> value;
  if (const auto* number = node->as_floating_point()) value = number->get();
  if (const auto* number = node->as_integer()) value = static_cast<double>(number->get());
  if (!value) {
    problems.wrong_type(*node, dotted(section, key), expected);
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    problems.bad_value(*node, dotted(section, key), expected);
    return std::nullopt;
  }
  return value;
}

// A list of patterns: every element compiled; the first bad one reported with its key.
std::optional<std::vector<Pattern>> get_patterns(const toml::table& table, std::string_view section,
                                                 std::string_view key, Problems& problems) {
  auto texts = get_strings(table, section, key,
                           "a list of regular expressions as strings, e.g. [\"Angebot\", "
                           "\"offer\"]",
                           problems);
  if (!texts) return std::nullopt;
  std::vector<Pattern> patterns;
  for (const auto& [text, node] : *texts) {
    auto pattern = Pattern::compile(text);
    if (!pattern) {
      problems.add("config.bad_value", node->source(),
                   dotted(section, key) + ": " + pattern.error().message +
                       " — write a Perl-style regular expression (case is ignored)");
      return std::nullopt;
    }
    patterns.push_back(std::move(*pattern));
  }
  return patterns;
}

void set_patterns(const toml::table& table, std::string_view section, std::string_view key,
                  std::vector<Pattern>& target, Problems& problems) {
  if (auto patterns = get_patterns(table, section, key, problems)) target = std::move(*patterns);
}

void parse_lapsing_rule(const toml::table& table, std::string_view name, Rules& rules,
                        Problems& problems, const toml::source_region& where) {
  const std::string section = "rules.lapsing." + std::string(name);
  check_keys(table, section, kLapsingKeys, problems);
  auto existing = std::find_if(rules.engagements.begin(), rules.engagements.end(),
                               [&](const EngagementRule& r) { return r.name == name; });
  const bool is_new = existing == rules.engagements.end();
  EngagementRule rule;
  if (!is_new) rule = *existing;
  rule.name = std::string(name);
  if (rule.engagement.empty()) rule.engagement = rule.name;

  if (auto enabled = get_bool(table, section, "enabled", problems); enabled && !*enabled) {
    if (!is_new) rules.engagements.erase(existing);
    return;
  }
  if (auto engagement = get_string(table, section, "engagement",
                                   "the engagement's kind as a string, e.g. \"trial\"", problems)) {
    if (trim(*engagement).empty()) {
      problems.bad_value(*table.get("engagement"), dotted(section, "engagement"),
                         "a non-empty name");
    } else {
      rule.engagement = std::string(trim(*engagement));
    }
  }
  set_patterns(table, section, "start_from", rule.start.from, problems);
  set_patterns(table, section, "start_subject", rule.start.subject, problems);
  set_patterns(table, section, "start_body", rule.start.body, problems);
  set_patterns(table, section, "event_titles", rule.event_title, problems);
  set_patterns(table, section, "extend_from", rule.extend.from, problems);
  set_patterns(table, section, "extend_subject", rule.extend.subject, problems);
  set_patterns(table, section, "extend_body", rule.extend.body, problems);
  set_patterns(table, section, "convert_from", rule.convert.from, problems);
  set_patterns(table, section, "convert_subject", rule.convert.subject, problems);
  set_patterns(table, section, "convert_body", rule.convert.body, problems);
  set_patterns(table, section, "cancel_from", rule.cancel.from, problems);
  set_patterns(table, section, "cancel_subject", rule.cancel.subject, problems);
  set_patterns(table, section, "cancel_body", rule.cancel.body, problems);
  constexpr std::string_view kDays = "a number of days from 0 to 3660";
  if (auto days = get_int(table, section, "length_days", 0, 3660, kDays, problems))
    rule.length_days = *days;
  // Giving one of the two follow-up anchors replaces the other.
  if (auto days = get_int(table, section, "before_end_days", 0, 3660, kDays, problems)) {
    rule.before_end_days = *days;
    if (table.get("after_start_days") == nullptr) rule.after_start_days.reset();
  }
  if (auto days = get_int(table, section, "after_start_days", 0, 3660, kDays, problems)) {
    rule.after_start_days = *days;
    if (table.get("before_end_days") == nullptr) rule.before_end_days.reset();
  }
  if (auto days = get_int(table, section, "contact_window_days", 0, 3660, kDays, problems))
    rule.contact_window_days = *days;
  if (auto days = get_int(table, section, "expire_after_days", 0, 3660, kDays, problems))
    rule.expire_after_days = *days;

  const bool mail_start = !rule.start.subject.empty() || !rule.start.from.empty();
  if (!mail_start && !rule.start.body.empty()) {
    problems.add("config.bad_value", where,
                 section +
                     ": start_body needs start_subject or start_from patterns too — body "
                     "patterns alone would mean reading every mail's text");
    return;
  }
  if (!mail_start && rule.event_title.empty() && is_new) {
    problems.add("config.missing", where,
                 section +
                     ": nothing starts this engagement — give start_subject (or "
                     "start_from) patterns, or event_titles, or list its rows in "
                     "[customers] engagement_files");
  }
  if (!rule.before_end_days && !rule.after_start_days) {
    problems.add("config.missing", where,
                 section +
                     ": no follow-up date — give before_end_days (e.g. 7) or "
                     "after_start_days (e.g. 3)");
    return;
  }
  if (is_new) {
    rules.engagements.push_back(std::move(rule));
  } else {
    *existing = std::move(rule);
  }
}

void parse_stalled(const toml::table& table, std::int64_t day_seconds, Config& config,
                   Problems& problems) {
  constexpr std::string_view kSection = "rules.stalled";
  check_keys(table, kSection, kStalledKeys, problems);
  StalledSettings& stalled = config.rules.stalled;
  if (auto enabled = get_bool(table, kSection, "enabled", problems)) stalled.enabled = *enabled;
  constexpr std::string_view kAfter = "a duration in business time such as \"5 business days\"";
  if (auto after = get_string(table, kSection, "after", kAfter, problems)) {
    const std::string text(trim(*after));
    const auto seconds = parse_business_duration(text, day_seconds);
    if (!seconds || *seconds <= 0) {
      problems.bad_value(*table.get("after"), "rules.stalled.after", kAfter);
    } else {
      config.stall_after = BusinessDuration{text, *seconds};
    }
  }
  if (auto days = get_int(table, kSection, "max_age_days", 1, 3660,
                          "a number of days from 1 to 3660", problems))
    stalled.max_age_days = *days;
  set_patterns(table, kSection, "expects_answer", stalled.expects_answer, problems);
  set_patterns(table, kSection, "closing", stalled.closing, problems);
  set_patterns(table, kSection, "customer_pause", stalled.customer_pause, problems);
}

void parse_quiet(const toml::table& table, QuietSettings& quiet, Problems& problems) {
  constexpr std::string_view kSection = "rules.quiet";
  check_keys(table, kSection, kQuietKeys, problems);
  if (auto enabled = get_bool(table, kSection, "enabled", problems)) quiet.enabled = *enabled;
  if (auto v = get_int(table, kSection, "min_history_months", 1, 240,
                       "a number of months from 1 to 240", problems))
    quiet.min_history_months = *v;
  if (auto v = get_int(table, kSection, "min_exchanges", 2, 100000,
                       "a number of messages from 2 to 100000", problems))
    quiet.min_exchanges = *v;
  if (auto v = get_int(table, kSection, "upper_percentile", 50, 100, "a percentile from 50 to 100",
                       problems))
    quiet.upper_percentile = *v;
  if (auto v =
          get_number(table, kSection, "gap_factor", 1.0, 100.0, "a number from 1 to 100", problems))
    quiet.gap_factor = *v;
  if (auto v = get_number(table, kSection, "median_factor", 1.0, 100.0, "a number from 1 to 100",
                          problems))
    quiet.median_factor = *v;
  if (auto v = get_int(table, kSection, "min_silence_days", 1, 3660,
                       "a number of days from 1 to 3660", problems))
    quiet.min_silence_days = *v;
  if (auto v = get_int(table, kSection, "max_silence_days", 1, 36600,
                       "a number of days from 1 to 36600", problems))
    quiet.max_silence_days = *v;
  if (quiet.max_silence_days <= quiet.min_silence_days && table.get("max_silence_days")) {
    problems.bad_value(*table.get("max_silence_days"), "rules.quiet.max_silence_days",
                       "more days than min_silence_days");
  }
}

void parse_absence(const toml::table& table, AbsenceSettings& absence, Problems& problems) {
  constexpr std::string_view kSection = "rules.absence";
  check_keys(table, kSection, kAbsenceKeys, problems);
  if (auto enabled = get_bool(table, kSection, "enabled", problems)) absence.enabled = *enabled;
  set_patterns(table, kSection, "event_titles", absence.event_title, problems);
  constexpr std::string_view kDays = "a number of days from 1 to 366";
  if (auto v = get_int(table, kSection, "min_business_days", 1, 366, kDays, problems))
    absence.min_business_days = *v;
  if (auto v = get_int(table, kSection, "merge_gap_days", 1, 366, kDays, problems))
    absence.merge_gap_days = *v;
  if (auto v = get_int(table, kSection, "show_days", 1, 366, kDays, problems))
    absence.show_days = *v;
  if (auto v = get_int(table, kSection, "max_days", 1, 366, kDays, problems)) absence.max_days = *v;
}

std::optional<Salutation> parse_salutation(std::string_view text) {
  const std::string word = lower(trim(text));
  if (word.empty()) return Salutation::unknown;
  if (word == "frau" || word == "ms" || word == "ms." || word == "mrs" || word == "mrs.")
    return Salutation::frau;
  if (word == "herr" || word == "mr" || word == "mr.") return Salutation::herr;
  return std::nullopt;
}

void parse_customer_entry(const toml::table& table, std::string_view section, int index,
                          const std::string& source, CustomersConfig& customers,
                          Problems& problems) {
  check_keys(table, section, kEntryKeys, problems);
  CustomerEntry entry;
  entry.origin = source + ":" + std::to_string(table.source().begin.line) +
                 " [[customers.entries]] " + std::to_string(index + 1);
  if (auto name = get_string(table, section, "name", "the company name as a string", problems))
    entry.name = std::string(trim(*name));
  if (auto domains = get_strings(table, section, "domains",
                                 "a list of mail domains, e.g. [\"keller.de\"]", problems)) {
    for (const auto& [text, node] : *domains) {
      std::string domain = lower(trim(text));
      if (domain.starts_with('@')) domain.erase(0, 1);
      if (!is_domain(domain)) {
        problems.bad_value(*node, dotted(section, "domains"),
                           "a mail domain such as \"keller.de\"");
        continue;
      }
      entry.domains.push_back(std::move(domain));
    }
  }
  if (auto tier = get_string(table, section, "tier", "a tier name as a string", problems))
    entry.tier = std::string(trim(*tier));
  if (auto ignore = get_bool(table, section, "ignore", problems)) entry.ignore = *ignore;
  if (const toml::node* node = table.get("contacts")) {
    const auto* array = node->as_array();
    if (array == nullptr) {
      problems.wrong_type(*node, dotted(section, "contacts"),
                          "a list of tables, e.g. [{ email = \"petra.keller@keller.de\" }]");
    } else {
      for (const toml::node& element : *array) {
        const auto* contact_table = element.as_table();
        if (contact_table == nullptr) {
          problems.wrong_type(element, dotted(section, "contacts"),
                              "a table such as { email = \"petra.keller@keller.de\" }");
          continue;
        }
        const std::string contact_section = dotted(section, "contacts");
        check_keys(*contact_table, contact_section, kContactKeys, problems);
        Contact contact;
        if (auto email = get_string(*contact_table, contact_section, "email",
                                    "an e-mail address as a string", problems)) {
          contact.email = lower(trim(*email));
          if (contact.email.find('@') == std::string::npos) {
            problems.bad_value(*contact_table->get("email"), dotted(contact_section, "email"),
                               "an e-mail address such as \"petra.keller@keller.de\"");
          }
        } else if (contact_table->get("email") == nullptr) {
          problems.add("config.missing", element.source(),
                       contact_section + ": a contact needs an email");
        }
        const auto text = [&](std::string_view key, std::string& out) {
          if (auto value = get_string(*contact_table, contact_section, key, "a string", problems))
            out = std::string(trim(*value));
        };
        text("name", contact.name);
        text("first_name", contact.first_name);
        text("last_name", contact.last_name);
        text("title", contact.title);
        text("phone", contact.phone);
        std::string salutation;
        text("salutation", salutation);
        if (auto parsed = parse_salutation(salutation)) {
          contact.salutation = *parsed;
        } else {
          problems.bad_value(*contact_table->get("salutation"),
                             dotted(contact_section, "salutation"),
                             "\"Frau\", \"Herr\", \"Ms\" or \"Mr\" (or leave it out)");
        }
        entry.contacts.push_back(std::move(contact));
      }
    }
  }
  if (entry.domains.empty() && entry.contacts.empty()) {
    problems.add("config.missing", table.source(),
                 std::string(section) + ": an entry needs domains or contacts to find its mail");
    return;
  }
  customers.entries.push_back(std::move(entry));
}

std::vector<fs::path> get_paths(const toml::table& table, std::string_view section,
                                std::string_view key, Problems& problems) {
  std::vector<fs::path> paths;
  if (auto files = get_strings(table, section, key, "a list of file names as strings", problems)) {
    for (const auto& [text, node] : *files) paths.push_back(expand_home(trim(text)));
  }
  return paths;
}

void parse_customers(const toml::table& table, std::int64_t day_seconds, Config& config,
                     Problems& problems) {
  constexpr std::string_view kSection = "customers";
  check_keys(table, kSection, kCustomersKeys, problems);
  CustomersConfig& customers = config.customers;
  customers.files = get_paths(table, kSection, "files", problems);
  customers.engagement_files = get_paths(table, kSection, "engagement_files", problems);
  if (auto ignore =
          get_strings(table, kSection, "ignore",
                      "a list of addresses and domains, e.g. [\"lieferant.de\"]", problems)) {
    for (const auto& [text, node] : *ignore) {
      std::string item = lower(trim(text));
      if (item.starts_with('@')) item.erase(0, 1);
      const bool address = item.find('@') != std::string::npos;
      if (!address && !is_domain(item)) {
        problems.bad_value(*node, "customers.ignore",
                           "an address (\"privat@gmx.de\") or a domain (\"lieferant.de\")");
        continue;
      }
      customers.ignore.push_back(std::move(item));
    }
  }
  if (const toml::node* node = table.get("tiers")) {
    if (const auto* tiers = node->as_table()) {
      constexpr std::string_view kDuration =
          "a duration in business time such as \"1 business day\"";
      for (const auto& [key, tier_node] : *tiers) {
        const std::string section = "customers.tiers." + std::string(key.str());
        const auto* tier_table = tier_node.as_table();
        if (tier_table == nullptr) {
          problems.wrong_type(tier_node, section, "a table [" + section + "]");
          continue;
        }
        check_keys(*tier_table, section, kTierKeys, problems);
        Tier tier{std::string(key.str()), 0, 0};
        if (auto existing = std::find_if(customers.tiers.begin(), customers.tiers.end(),
                                         [&](const Tier& t) { return t.name == tier.name; });
            existing != customers.tiers.end()) {
          tier = *existing;
        }
        for (const std::string_view what : {"sla", "stall_after"}) {
          auto text = get_string(*tier_table, section, what, kDuration, problems);
          if (!text) continue;
          const auto seconds = parse_business_duration(trim(*text), day_seconds);
          if (!seconds || *seconds <= 0) {
            problems.bad_value(*tier_table->get(what), dotted(section, what), kDuration);
            continue;
          }
          (what == "sla" ? tier.sla_business_seconds : tier.stall_business_seconds) = *seconds;
        }
        auto existing = std::find_if(customers.tiers.begin(), customers.tiers.end(),
                                     [&](const Tier& t) { return t.name == tier.name; });
        if (existing != customers.tiers.end()) {
          *existing = tier;
        } else {
          customers.tiers.push_back(tier);
        }
      }
    } else {
      problems.wrong_type(*node, "customers.tiers", "tables such as [customers.tiers.key]");
    }
  }
  if (const toml::node* node = table.get("entries")) {
    if (const auto* entries = node->as_array()) {
      int index = 0;
      for (const toml::node& element : *entries) {
        if (const auto* entry = element.as_table()) {
          parse_customer_entry(*entry, "customers.entries", index, config.source.string(),
                               customers, problems);
        } else {
          problems.wrong_type(element, "customers.entries", "tables [[customers.entries]]");
        }
        ++index;
      }
    } else {
      problems.wrong_type(*node, "customers.entries", "tables [[customers.entries]]");
    }
  }
}

// The tiers after parsing: "standard" from [rules.unanswered] and [rules.stalled], "key" from its
// defaults, configured ones filled in from "standard" where they leave a time out; every tier
// an entry names must exist.
void finish_tiers(Config& config, Problems& problems, const toml::table& root) {
  std::vector<Tier> configured = std::move(config.customers.tiers);
  std::vector<Tier> tiers = default_tiers(config.business.day_seconds());
  for (Tier& tier : tiers) {
    if (tier.name == "standard") {
      tier.sla_business_seconds = config.unanswered.sla.seconds;
      tier.stall_business_seconds = config.stall_after.seconds;
    }
  }
  const Tier standard =
      *std::find_if(tiers.begin(), tiers.end(), [](const Tier& t) { return t.name == "standard"; });
  for (Tier& tier : configured) {
    auto existing = std::find_if(tiers.begin(), tiers.end(),
                                 [&](const Tier& t) { return t.name == tier.name; });
    const Tier base = existing != tiers.end() ? *existing : standard;
    if (tier.sla_business_seconds == 0) tier.sla_business_seconds = base.sla_business_seconds;
    if (tier.stall_business_seconds == 0) tier.stall_business_seconds = base.stall_business_seconds;
    if (existing != tiers.end()) {
      *existing = tier;
    } else {
      tiers.push_back(tier);
    }
  }
  config.customers.tiers = std::move(tiers);
  for (const CustomerEntry& entry : config.customers.entries) {
    if (entry.tier.empty()) continue;
    const bool known = std::any_of(config.customers.tiers.begin(), config.customers.tiers.end(),
                                   [&](const Tier& t) { return t.name == entry.tier; });
    if (!known) {
      const toml::node* customers = root.get("customers");
      std::vector<std::string_view> names;
      for (const Tier& t : config.customers.tiers) names.push_back(t.name);
      problems.add("config.bad_value",
                   customers != nullptr ? customers->source() : toml::source_region{},
                   "customers.entries: tier \"" + entry.tier + "\" (" + entry.origin +
                       ") is not a tier — known: " + join(names) + "; add [customers.tiers." +
                       entry.tier + "] to define it");
    }
  }
}

void parse_mail(const toml::table& table, const toml::source_region& where, MailConfig& mail,
                Problems& problems) {
  constexpr std::string_view kSection = "mail";
  constexpr std::string_view kProvider = "\"maildir\", \"imap\" or \"graph\"";

  if (auto provider = get_string(table, kSection, "provider", kProvider, problems)) {
    const std::string name = lower(trim(*provider));
    if (name == "maildir") {
      mail.provider = MailProvider::maildir;
    } else if (name == "imap") {
      mail.provider = MailProvider::imap;
    } else if (name == "graph") {
      mail.provider = MailProvider::graph;
    } else {
      problems.bad_value(*table.get("provider"), "mail.provider", kProvider);
    }
  } else if (table.get("provider") == nullptr) {
    problems.missing(where,
                     "[mail] has no provider — add provider = \"maildir\" (or \"imap\", "
                     "\"graph\") to [mail]");
  }

  if (mail.provider == MailProvider::graph) {
    // The Graph connector's keys are not defined yet: keep what maildir/imap does not know.
    toml::table unknown;
    for (const auto& [key, node] : table) {
      if (!contains(kMailKeys, key.str())) unknown.insert(key, node);
    }
    if (!unknown.empty()) {
      toml::table wrapper;
      wrapper.insert("mail", std::move(unknown));
      std::ostringstream out;
      out << toml::toml_formatter{wrapper};
      mail.graph_raw = out.str() + "\n";
    }
  } else {
    check_keys(table, kSection, kMailKeys, problems);
  }

  if (auto path = get_string(table, kSection, "path", "a directory as a string", problems)) {
    if (trim(*path).empty()) {
      problems.bad_value(*table.get("path"), "mail.path", "the Maildir directory, e.g. \"~/Mail\"");
    } else {
      mail.maildir.path = expand_home(trim(*path));
    }
  } else if (mail.provider == MailProvider::maildir && table.get("path") == nullptr) {
    problems.missing(where,
                     "[mail] provider = \"maildir\" needs the directory — add path = "
                     "\"~/Mail/...\" to [mail]");
  }

  constexpr std::string_view kName = "a string";
  if (auto host = get_string(table, kSection, "host", "a host name as a string", problems)) {
    mail.imap.host = std::string(trim(*host));
  }
  if (const toml::node* node = table.get("port")) {
    if (const auto* port = node->as_integer()) {
      if (port->get() < 1 || port->get() > 65535) {
        problems.bad_value(*node, "mail.port", "a port number from 1 to 65535, e.g. 993");
      } else {
        mail.imap.port = static_cast<int>(port->get());
      }
    } else {
      problems.wrong_type(*node, "mail.port", "a port number such as 993 (without quotes)");
    }
  }
  constexpr std::string_view kSecurity = "\"tls\", \"starttls\" or \"none\"";
  if (auto security = get_string(table, kSection, "security", kSecurity, problems)) {
    const std::string name = lower(trim(*security));
    if (name == "tls") {
      mail.imap.security = ImapSecurity::tls;
    } else if (name == "starttls") {
      mail.imap.security = ImapSecurity::starttls;
    } else if (name == "none") {
      mail.imap.security = ImapSecurity::none;
    } else {
      problems.bad_value(*table.get("security"), "mail.security", kSecurity);
    }
  }
  if (auto username = get_string(table, kSection, "username", kName, problems)) {
    mail.imap.username = *username;
  }

  // The password sources exclude each other; the later one in the file is the problem.
  std::vector<std::pair<std::string_view, const toml::node*>> password_sources;
  if (auto variable = get_string(table, kSection, "password_env",
                                 "the name of an environment variable as a string", problems)) {
    mail.imap.password_env = std::string(trim(*variable));
    password_sources.emplace_back("password_env", table.get("password_env"));
  }
  if (auto file =
          get_string(table, kSection, "password_file", "a file name as a string", problems)) {
    mail.imap.password_file = expand_home(trim(*file));
    password_sources.emplace_back("password_file", table.get("password_file"));
  }
  if (const toml::node* node = table.get("keyring")) {
    if (const auto* flag = node->as_boolean()) {
      if (flag->get()) {
        mail.imap.keyring = std::string();
        password_sources.emplace_back("keyring", node);
      }
    } else if (const auto* entry = node->as_string()) {
      mail.imap.keyring = entry->get();
      password_sources.emplace_back("keyring", node);
    } else {
      problems.wrong_type(*node, "mail.keyring", "true or the name of a keyring entry");
    }
  }
  if (password_sources.size() > 1) {
    const auto& [key, node] = *std::max_element(
        password_sources.begin(), password_sources.end(), [](const auto& a, const auto& b) {
          return a.second->source().begin < b.second->source().begin;
        });
    problems.add(
        "config.bad_value", node->source(),
        "mail." + std::string(key) + ": use only one of password_env, password_file and keyring");
  }

  if (auto folders = get_strings(table, kSection, "folders",
                                 "an array of folder names, e.g. [\"INBOX\"]", problems)) {
    for (const auto& [name, node] : *folders) {
      if (name.empty()) {
        problems.bad_value(*node, "mail.folders", "a folder name");
      } else {
        mail.imap.folders.push_back(name);
      }
    }
  }
  if (auto folder = get_string(table, kSection, "sent_folder", "a folder name", problems)) {
    mail.imap.sent_folder = *folder;
  }
  if (auto folder = get_string(table, kSection, "drafts_folder", "a folder name", problems)) {
    mail.imap.drafts_folder = *folder;
  }
  if (auto file = get_string(table, kSection, "ca_file", "the path of a PEM file", problems)) {
    mail.imap.ca_file = expand_home(trim(*file));
  }
  if (auto host = get_string(table, kSection, "insecure_skip_verify_for_host",
                             "the host name whose certificate is not checked", problems)) {
    mail.imap.insecure_skip_verify_for_host = *host;
  }
  if (auto count = get_int(table, kSection, "connections", 1, 8,
                           "a number of connections from 1 to 8, e.g. 2", problems)) {
    mail.imap.connections = *count;
  }
}

void parse_calendar(const toml::table& table, const toml::source_region& where,
                    CalendarConfig& calendar, Problems& problems) {
  constexpr std::string_view kSection = "calendar";
  constexpr std::string_view kProvider = "\"caldav\", \"graph\" or \"none\"";
  if (auto provider = get_string(table, kSection, "provider", kProvider, problems)) {
    const std::string name = lower(trim(*provider));
    if (name == "caldav") {
      calendar.provider = CalendarProvider::caldav;
    } else if (name == "graph") {
      calendar.provider = CalendarProvider::graph;
    } else if (name == "none") {
      calendar.provider = CalendarProvider::none;
    } else {
      problems.bad_value(*table.get("provider"), "calendar.provider", kProvider);
    }
  } else if (table.get("provider") == nullptr) {
    problems.missing(where,
                     "[calendar] has no provider — add provider = \"caldav\" (or \"graph\", "
                     "\"none\") to [calendar]");
  }

  if (calendar.provider == CalendarProvider::graph) {
    toml::table unknown;
    for (const auto& [key, node] : table) {
      if (!contains(kCalendarKeys, key.str())) unknown.insert(key, node);
    }
    if (!unknown.empty()) {
      toml::table wrapper;
      wrapper.insert("calendar", std::move(unknown));
      std::ostringstream out;
      out << toml::toml_formatter{wrapper};
      calendar.graph_raw = out.str() + "\n";
    }
  } else {
    check_keys(table, kSection, kCalendarKeys, problems);
  }

  if (auto url = get_string(table, kSection, "url", "a URL as a string", problems)) {
    const std::string text(trim(*url));
    const std::string scheme = lower(text.substr(0, text.find(':')));
    if ((scheme == "https" || scheme == "http") && text.find("://") != std::string::npos &&
        text.size() > scheme.size() + 3) {
      calendar.url = text;
    } else {
      problems.bad_value(*table.get("url"), "calendar.url",
                         "an http:// or https:// URL such as \"https://dav.example.com/\"");
    }
  } else if (calendar.provider == CalendarProvider::caldav && table.get("url") == nullptr) {
    problems.missing(where,
                     "[calendar] provider = \"caldav\" needs the server — add url = "
                     "\"https://dav.example.com/\" to [calendar]");
  }
  if (auto username = get_string(table, kSection, "username", "a string", problems)) {
    calendar.username = *username;
  }

  std::vector<std::pair<std::string_view, const toml::node*>> password_sources;
  if (auto variable = get_string(table, kSection, "password_env",
                                 "the name of an environment variable as a string", problems)) {
    calendar.password_env = std::string(trim(*variable));
    password_sources.emplace_back("password_env", table.get("password_env"));
  }
  if (auto file =
          get_string(table, kSection, "password_file", "a file name as a string", problems)) {
    calendar.password_file = expand_home(trim(*file));
    password_sources.emplace_back("password_file", table.get("password_file"));
  }
  if (const toml::node* node = table.get("keyring")) {
    if (const auto* flag = node->as_boolean()) {
      if (flag->get()) {
        calendar.keyring = std::string();
        password_sources.emplace_back("keyring", node);
      }
    } else if (const auto* entry = node->as_string()) {
      calendar.keyring = entry->get();
      password_sources.emplace_back("keyring", node);
    } else {
      problems.wrong_type(*node, "calendar.keyring", "true or the name of a keyring entry");
    }
  }
  if (password_sources.size() > 1) {
    const auto& [key, node] = *std::max_element(
        password_sources.begin(), password_sources.end(), [](const auto& a, const auto& b) {
          return a.second->source().begin < b.second->source().begin;
        });
    problems.add("config.bad_value", node->source(),
                 "calendar." + std::string(key) +
                     ": use only one of password_env, password_file and keyring");
  }

  if (auto name =
          get_string(table, kSection, "calendar", "the calendar's display name", problems)) {
    if (trim(*name).empty()) {
      problems.bad_value(*table.get("calendar"), "calendar.calendar",
                         "the calendar's display name, e.g. \"Nachfass\"");
    } else {
      calendar.calendar = std::string(trim(*name));
    }
  }
  if (const toml::node* node = table.get("create_calendar")) {
    if (const auto* flag = node->as_boolean()) {
      calendar.create_calendar = flag->get();
    } else {
      problems.wrong_type(*node, "calendar.create_calendar", "true or false");
    }
  }
  if (auto minutes = get_int(table, kSection, "reminder_minutes", 5, 480,
                             "minutes from 5 to 480, e.g. 30", problems)) {
    calendar.reminder_minutes = *minutes;
  }
  if (auto count = get_int(table, kSection, "max_per_day", 1, 100,
                           "a number of reminders from 1 to 100, e.g. 8", problems)) {
    calendar.max_per_day = *count;
  }
  if (auto minutes = get_int(table, kSection, "alarm_minutes_before", -1, 1440,
                             "minutes from 0 to 1440, or -1 for no alarm", problems)) {
    calendar.alarm_minutes_before = *minutes;
  }
  if (auto file = get_string(table, kSection, "ca_file", "the path of a PEM file", problems)) {
    calendar.ca_file = expand_home(trim(*file));
  }
  if (auto host = get_string(table, kSection, "insecure_skip_verify_for_host",
                             "the host name whose certificate is not checked", problems)) {
    calendar.insecure_skip_verify_for_host = *host;
  }
  if (auto variable = get_string(table, kSection, "bearer_token_env",
                                 "the name of an environment variable as a string", problems)) {
    calendar.bearer_token_env = std::string(trim(*variable));
  }
}

void parse_letters(const toml::table& table, LettersConfig& letters, Problems& problems) {
  constexpr std::string_view kSection = "letters";
  check_keys(table, kSection, kLettersKeys, problems);
  if (auto signature =
          get_string(table, kSection, "signature",
                     "the signature as a string (\"\"\"...\"\"\" for several lines)", problems)) {
    letters.signature = std::string(trim(*signature));
  }
  if (auto dir =
          get_string(table, kSection, "templates_dir", "a directory name as a string", problems)) {
    letters.templates_dir = expand_home(trim(*dir));
  }
}

void parse_document(const toml::table& root, Config& config, Problems& problems) {
  const auto section_table = [&](std::string_view name) -> const toml::table* {
    const toml::node* node = root.get(name);
    if (node == nullptr) return nullptr;
    if (const auto* table = node->as_table()) return table;
    problems.wrong_type(*node, name, "a table [" + std::string(name) + "]");
    return nullptr;
  };

  for (const auto& [key, node] : root) {
    const std::string_view name = key.str();
    if (contains(kCheckedSections, name)) continue;
    if (contains(kReservedSections, name)) {
      config.reserved.push_back(ReservedSection{std::string(name), raw_section(root, name),
                                                static_cast<int>(key.source().begin.line)});
      continue;
    }
    std::vector<std::string_view> sections(kCheckedSections.begin(), kCheckedSections.end());
    sections.insert(sections.end(), kReservedSections.begin(), kReservedSections.end());
    std::string text;
    if (node.is_table()) {
      text = "unknown section [" + std::string(name) + "]";
      if (auto near = closest(name, sections)) {
        text += " — did you mean [" + *near + "]?";
      } else {
        text += " — known sections: " + join(sections);
      }
    } else {
      text = "unknown key " + std::string(name);
      if (auto elsewhere = section_of_key(name, {})) {
        text += " — did you mean " + *elsewhere + "? (keys belong in a section)";
      } else if (auto near = closest(name, sections)) {
        text += " — did you mean [" + *near + "]?";
      } else {
        text += " — keys belong in a section: " + join(sections);
      }
    }
    problems.add("config.unknown_key", key.source(), std::move(text));
  }

  if (const auto* user = section_table("user")) parse_user(*user, config.user, problems);
  if (const auto* business = section_table("business")) {
    parse_business(*business, config.business, problems);
  }
  // After [business]: the SLA is measured in its working day.
  if (const auto* rules = section_table("rules")) {
    parse_rules(*rules, config.business.day_seconds(), config, problems);
  }
  if (const auto* customers = section_table("customers")) {
    parse_customers(*customers, config.business.day_seconds(), config, problems);
  }
  finish_tiers(config, problems, root);
  if (const auto* mail = section_table("mail")) {
    parse_mail(*mail, root.get("mail")->source(), config.mail, problems);
  }
  if (const auto* calendar = section_table("calendar")) {
    parse_calendar(*calendar, root.get("calendar")->source(), config.calendar, problems);
  }
  if (const auto* letters = section_table("letters")) {
    parse_letters(*letters, config.letters, problems);
  }
  std::sort(config.reserved.begin(), config.reserved.end(),
            [](const ReservedSection& a, const ReservedSection& b) { return a.name < b.name; });
}

fs::path xdg_path(const char* variable, const fs::path& fallback_under_home, const fs::path& leaf) {
  // The XDG base directory spec says relative values are invalid and must be ignored.
  if (const char* value = std::getenv(variable); value != nullptr && value[0] == '/') {
    return fs::path(value) / leaf;
  }
  if (auto home = home_directory()) return *home / fallback_under_home / leaf;
  return fallback_under_home / leaf;
}

}  // namespace

std::string_view to_string(MailProvider provider) {
  switch (provider) {
    case MailProvider::none:
      return "none";
    case MailProvider::maildir:
      return "maildir";
    case MailProvider::imap:
      return "imap";
    case MailProvider::graph:
      return "graph";
  }
  return "none";
}

std::string_view to_string(CalendarProvider provider) {
  switch (provider) {
    case CalendarProvider::none:
      return "none";
    case CalendarProvider::caldav:
      return "caldav";
    case CalendarProvider::graph:
      return "graph";
  }
  return "none";
}

std::string_view to_string(ImapSecurity security) {
  switch (security) {
    case ImapSecurity::tls:
      return "tls";
    case ImapSecurity::starttls:
      return "starttls";
    case ImapSecurity::none:
      return "none";
  }
  return "tls";
}

const ReservedSection* Config::find_reserved(std::string_view name) const {
  for (const auto& section : reserved) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

Config default_config() {
  Config config;
  // Set explicitly rather than relying on the member initialisers, so the promise in the header
  // is visible in one place.
  config.user.language = Language::de;
  config.user.time_zone = "Europe/Berlin";
  config.business.hours.working_days = {false, true, true, true, true, true, false};
  config.business.hours.start_minute = 8 * 60;
  config.business.hours.end_minute = 17 * 60;
  if (auto federal = HolidayRegion::parse("DE")) config.business.holidays = *federal;
  const std::string sla = "2 business days";
  config.unanswered.sla = BusinessDuration{
      sla, parse_business_duration(sla, config.business.day_seconds()).value_or(2 * 9 * 3600)};
  const std::string stall = "5 business days";
  config.stall_after = BusinessDuration{
      stall, parse_business_duration(stall, config.business.day_seconds()).value_or(5 * 9 * 3600)};
  config.rules = default_rules();
  config.customers.tiers = default_tiers(config.business.day_seconds());
  for (Tier& tier : config.customers.tiers) {
    if (tier.name != "standard") continue;
    tier.sla_business_seconds = config.unanswered.sla.seconds;
    tier.stall_business_seconds = config.stall_after.seconds;
  }
  return config;
}

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name) {
  const std::string source(source_name);
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view{source});
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return make_error(ErrorScope::fatal, "config.parse",
                      source + ":" + std::to_string(where.line) + ":" +
                          std::to_string(where.column) +
                          ": TOML syntax error: " + std::string(error.description()));
  }

  Config config = default_config();
  config.source = source;
  config.customers.tiers.clear();  // finish_tiers() builds them from what the file says
  Problems problems(source);
  parse_document(root, config, problems);
  if (auto error = problems.first()) return *error;
  return config;
}

Result<Config> load_config(const fs::path& file) {
  std::error_code status_error;
  const auto status = fs::status(file, status_error);
  if (status.type() == fs::file_type::not_found) {
    return make_error(ErrorScope::fatal, "config.not_found",
                      "config file " + file.string() +
                          " does not exist — create it with: nachfass config example > " +
                          file.string());
  }
  if (status.type() == fs::file_type::directory) {
    return make_error(ErrorScope::fatal, "config.unreadable",
                      "cannot read config file " + file.string() + ": it is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int error_number = errno;
    return make_error(
        ErrorScope::fatal, "config.unreadable",
        "cannot read config file " + file.string() + ": " + std::strerror(error_number));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return make_error(ErrorScope::fatal, "config.unreadable",
                      "cannot read config file " + file.string());
  }

  auto config = parse_config(text.str(), file.string());
  if (!config) return config;
  config->source = file;
  const fs::path directory = file.parent_path();
  const auto resolve = [&](fs::path& path) {
    if (!path.empty() && path.is_relative() && !directory.empty()) path = directory / path;
  };
  resolve(config->mail.maildir.path);
  resolve(config->mail.imap.password_file);
  resolve(config->mail.imap.ca_file);
  resolve(config->calendar.password_file);
  resolve(config->calendar.ca_file);
  resolve(config->letters.templates_dir);
  for (fs::path& path : config->customers.files) resolve(path);
  for (fs::path& path : config->customers.engagement_files) resolve(path);
  return config;
}

Result<Config> load_config_or_default(const std::optional<fs::path>& explicit_file) {
  if (explicit_file) return load_config(*explicit_file);
  const fs::path file = default_config_path();
  std::error_code error;
  if (!fs::exists(file, error)) return default_config();
  return load_config(file);
}

Result<void> validate_for_scan(const Config& config) {
  if (!config.user.addresses.empty()) return {};
  const fs::path file = config.source.empty() ? default_config_path() : config.source;
  return make_error(ErrorScope::fatal, "config.missing",
                    "your own e-mail addresses are needed to tell sent from received mail — add "
                    "[user] addresses = [\"you@example.com\"] to " +
                        file.string());
}

fs::path default_config_path() {
  return xdg_path("XDG_CONFIG_HOME", fs::path(".config"), fs::path("nachfass") / "config.toml");
}

fs::path default_state_path() {
  return xdg_path("XDG_DATA_HOME", fs::path(".local") / "share", fs::path("nachfass") / "state.db");
}

namespace {

// `key = [ ... ]` of patterns, one per line, as TOML (toml++ writes the escapes).
std::string pattern_list(std::string_view key, const std::vector<Pattern>& patterns) {
  std::string out(key);
  out += " = [";
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    std::ostringstream value;
    value << toml::value<std::string>(patterns[i].source());
    out += i == 0 ? "\n  " : ",\n  ";
    out += value.str();
  }
  out += patterns.empty() ? "]\n" : ",\n]\n";
  return out;
}

std::string rules_template() {
  const Rules rules = default_rules();
  std::string out;
  out += R"toml(
[rules.stalled]
# Our last message asked for or expects an answer (an offer, a question, a proposed date), or the
# customer said they would think it over, and nothing came back for this long (standard tier).
after = "5 business days"
# Older threads are left to the "quiet customer" check.
max_age_days = )toml" +
         std::to_string(rules.stalled.max_age_days) + "\n";
  out +=
      "# Our message qualifies when its subject or new text matches one of these (case is "
      "ignored).\n";
  out += pattern_list("expects_answer", rules.stalled.expects_answer);
  out += "# ... never when it matches one of these.\n";
  out += pattern_list("closing", rules.stalled.closing);
  out += "# The customer's message before ours announced a pause.\n";
  out += pattern_list("customer_pause", rules.stalled.customer_pause);
  out += R"toml(
[rules.quiet]
# Long-standing customers who went quiet: enough history, then a silence far beyond their usual gap.
min_history_months = )toml" +
         std::to_string(rules.quiet.min_history_months) +
         "\nmin_exchanges = " + std::to_string(rules.quiet.min_exchanges) +
         "\n# Quiet when the silence exceeds max(gap_factor x upper percentile of the gaps,\n"
         "# median_factor x median gap, min_silence_days).\nupper_percentile = " +
         std::to_string(rules.quiet.upper_percentile) + "\n";
  {
    std::ostringstream numbers;
    numbers << "gap_factor = " << toml::value<double>(rules.quiet.gap_factor) << "\n"
            << "median_factor = " << toml::value<double>(rules.quiet.median_factor) << "\n";
    out += numbers.str();
  }
  out += "min_silence_days = " + std::to_string(rules.quiet.min_silence_days) +
         "\nmax_silence_days = " + std::to_string(rules.quiet.max_silence_days) + "\n";
  out += R"toml(
[rules.absence]
# Your absences, from your out-of-office replies and from all-day calendar events titled like this.
)toml";
  out += pattern_list("event_titles", rules.absence.event_title);
  out += "min_business_days = " + std::to_string(rules.absence.min_business_days) +
         "\nmerge_gap_days = " + std::to_string(rules.absence.merge_gap_days) +
         "\nshow_days = " + std::to_string(rules.absence.show_days) +
         "\nmax_days = " + std::to_string(rules.absence.max_days) + "\n";
  out += R"toml(
# Lapsing engagements: trials, contracts, seminars. An engagement starts with a mail matching
# start_from/start_subject (start_body refines), an all-day or seminar event matching
# event_titles, or a row of [customers] engagement_files. Its end comes from the text ("läuft am
# 26.03.2026 ab", "until March 26, 2026"), else from length_days. Follow up before_end_days before
# the end (or after_start_days after the start); mail of ours to the customer within
# contact_window_days before that counts. extend_* / convert_* / cancel_* mails change it.
# Change a rule by repeating its table with the keys to change; add one under a new name;
# enabled = false switches one off.
)toml";
  for (const EngagementRule& rule : rules.engagements) {
    out += "\n[rules.lapsing." + rule.name + "]\n";
    out += "engagement = \"" + rule.engagement + "\"\n";
    if (!rule.start.from.empty()) out += pattern_list("start_from", rule.start.from);
    if (!rule.start.subject.empty()) out += pattern_list("start_subject", rule.start.subject);
    if (!rule.start.body.empty()) out += pattern_list("start_body", rule.start.body);
    if (!rule.event_title.empty()) out += pattern_list("event_titles", rule.event_title);
    if (rule.length_days > 0) out += "length_days = " + std::to_string(rule.length_days) + "\n";
    if (rule.before_end_days)
      out += "before_end_days = " + std::to_string(*rule.before_end_days) + "\n";
    if (rule.after_start_days)
      out += "after_start_days = " + std::to_string(*rule.after_start_days) + "\n";
    out += "contact_window_days = " + std::to_string(rule.contact_window_days) + "\n";
    out += "expire_after_days = " + std::to_string(rule.expire_after_days) + "\n";
    const std::pair<const char*, const MailMatch*> changes[] = {
        {"extend", &rule.extend}, {"convert", &rule.convert}, {"cancel", &rule.cancel}};
    for (const auto& [prefix, match] : changes) {
      if (!match->from.empty()) out += pattern_list(std::string(prefix) + "_from", match->from);
      if (!match->subject.empty())
        out += pattern_list(std::string(prefix) + "_subject", match->subject);
      if (!match->body.empty()) out += pattern_list(std::string(prefix) + "_body", match->body);
    }
  }
  return out;
}

}  // namespace

std::string example_config() {
  return R"toml(# Nachfass configuration. Save as ~/.config/nachfass/config.toml and edit [user] and [mail].

[user]
# Your name as it appears in reports and letters.
name = "Your Name"
# Every address you send from; required for `nachfass scan` to tell sent from received mail.
addresses = ["you@example.com"]
# Your organisation's domains: a colleague's reply from one of them counts as an answer too.
own_domains = ["example.com"]
# Language of reports and letters: "de" or "en".
language = "de"
# Time zone (tz database name) in which business hours are counted.
time_zone = "Europe/Berlin"

[business]
# Working days: mon tue wed thu fri sat sun (German mo di mi do fr sa so work too).
days = ["mon", "tue", "wed", "thu", "fri"]
# Working hours on those days, local time, "HH:MM-HH:MM"; "24:00" may end the day.
hours = "08:00-17:00"
# Public holidays: "DE" (federal only), "DE-XX" for a state (e.g. "DE-BY", "DE-NW"), or "none".
holidays = "DE"
# Further days off as "YYYY-MM-DD", e.g. ["2026-12-24", "2026-12-31"].
extra_holidays = []

[rules.unanswered]
# How long a customer may wait for an answer, in business time ("2 business days", "4 business hours").
sla = "2 business days"

[mail]
# Where mail is read from: "maildir", "imap" or "graph".
provider = "maildir"
# Maildir: the account's directory ("~/" is your home; relative paths start at this file's directory).
path = "~/Mail/work"

# IMAP instead: set provider = "imap", remove path, and uncomment the lines below.
# host = "imap.example.com"                   # the IMAP server
# port = 993                                  # 993 for tls, 143 for starttls
# security = "tls"                            # "tls", "starttls" or "none"
# username = "you@example.com"                # the login name
# password_env = "NACHFASS_IMAP_PASSWORD"     # password from this environment variable,
# password_file = "~/.config/nachfass/imap.pw" # or from this file,
# keyring = true                              # or from the system keyring (use only one of the three)
# folders = ["INBOX"]                         # folders customers' mail arrives in
# sent_folder = "Sent"                        # your sent mail; found automatically when left out
# drafts_folder = "Drafts"                    # where letters are saved; found automatically too
# ca_file = "/etc/ssl/company-ca.pem"         # also trust this CA (a company's own server)
# insecure_skip_verify_for_host = ""          # DANGER: no certificate check for this one host
# connections = 2                             # parallel connections for the first full sync

[calendar]
# Where follow-up reminders go: "caldav", "graph" or "none" (no reminders, findings only).
provider = "none"
# CalDAV: the server (or directly a calendar's URL) and the login; the password as for [mail].
# url = "https://dav.example.com/"
# username = "you"
# password_env = "NACHFASS_DAV_PASSWORD"
# calendar = "Nachfass"                       # display name; created when missing
# create_calendar = true                      # false: use an existing calendar only
# reminder_minutes = 30                       # length of a reminder in the calendar
# max_per_day = 8                             # at most this many reminders on one day
# alarm_minutes_before = 0                    # alarm at the reminder's start; -1 for none

[letters]
# The closing block under every letter; \n starts a new line.
signature = "Your Name\nSales\nExample GmbH"
# Your own templates (same file names as the built-in ones) override or add to them.
# templates_dir = "~/.config/nachfass/templates"

[customers]
# Customer lists to import: CSV (company, domains, email, first_name, last_name, salutation,
# title, phone, tier, ignore — German column names work too) or vCard files.
files = []
# Trials, contracts, seminars as CSV rows: customer, kind, start, end.
engagement_files = []
# Never customers: suppliers, private contacts (addresses or domains).
ignore = []

# Tiers with their own response times; "standard" takes [rules.unanswered] sla and
# [rules.stalled] after.
[customers.tiers.key]
sla = "1 business day"
stall_after = "3 business days"

# A customer the mail alone cannot describe:
# [[customers.entries]]
# name = "Keller Maschinenbau GmbH"
# domains = ["keller-maschinenbau.de"]
# tier = "key"
# contacts = [{ email = "petra.keller@keller-maschinenbau.de", salutation = "Frau", title = "Dr." }]
)toml" + rules_template();
}

}  // namespace nachfass
