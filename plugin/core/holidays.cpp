#include "core/holidays.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

namespace nachfass {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::weekday;
using std::chrono::year;
using std::chrono::year_month_day;

// Order of the bits in a StateMask.
constexpr std::array<std::string_view, 16> kStateCodes{
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"};
using StateMask = std::uint32_t;

constexpr StateMask states(std::initializer_list<std::string_view> codes) {
  StateMask mask = 0;
  for (auto code : codes) {
    for (std::size_t i = 0; i < kStateCodes.size(); ++i) {
      if (kStateCodes[i] == code) mask |= StateMask{1} << i;
    }
  }
  return mask;
}

enum class Anchor : std::uint8_t { fixed, easter, repentance_day };

struct Rule {
  std::string_view name_de;
  std::string_view name_en;
  Anchor anchor = Anchor::fixed;
  unsigned month = 0;     // Anchor::fixed
  unsigned day = 0;       // Anchor::fixed
  int easter_offset = 0;  // Anchor::easter, days after Easter Sunday
  bool federal = false;   // in "DE" and every state; otherwise only in `states`
  StateMask states = 0;
  int first_year = INT_MIN;
  int last_year = INT_MAX;
};

// clang-format off
constexpr std::array kRules{
  Rule{.name_de = "Neujahr", .name_en = "New Year's Day", .month = 1, .day = 1, .federal = true},
  Rule{.name_de = "Heilige Drei Könige", .name_en = "Epiphany", .month = 1, .day = 6,
       .states = states({"BW", "BY", "ST"})},
  Rule{.name_de = "Internationaler Frauentag", .name_en = "International Women's Day",
       .month = 3, .day = 8, .states = states({"BE"}), .first_year = 2019},
  Rule{.name_de = "Internationaler Frauentag", .name_en = "International Women's Day",
       .month = 3, .day = 8, .states = states({"MV"}), .first_year = 2023},
  Rule{.name_de = "Karfreitag", .name_en = "Good Friday", .anchor = Anchor::easter,
       .easter_offset = -2, .federal = true},
  // Brandenburg lists the two Sundays in its holiday law; they cost no working time.
  Rule{.name_de = "Ostersonntag", .name_en = "Easter Sunday", .anchor = Anchor::easter,
       .easter_offset = 0, .states = states({"BB"})},
  Rule{.name_de = "Ostermontag", .name_en = "Easter Monday", .anchor = Anchor::easter,
       .easter_offset = 1, .federal = true},
  Rule{.name_de = "Tag der Arbeit", .name_en = "Labour Day", .month = 5, .day = 1,
       .federal = true},
  Rule{.name_de = "Tag der Befreiung", .name_en = "Liberation Day", .month = 5, .day = 8,
       .states = states({"BE"}), .first_year = 2020, .last_year = 2020},
  Rule{.name_de = "Tag der Befreiung", .name_en = "Liberation Day", .month = 5, .day = 8,
       .states = states({"BE"}), .first_year = 2025, .last_year = 2025},
  Rule{.name_de = "Christi Himmelfahrt", .name_en = "Ascension Day", .anchor = Anchor::easter,
       .easter_offset = 39, .federal = true},
  Rule{.name_de = "Pfingstsonntag", .name_en = "Whit Sunday", .anchor = Anchor::easter,
       .easter_offset = 49, .states = states({"BB"})},
  Rule{.name_de = "Pfingstmontag", .name_en = "Whit Monday", .anchor = Anchor::easter,
       .easter_offset = 50, .federal = true},
  Rule{.name_de = "Fronleichnam", .name_en = "Corpus Christi", .anchor = Anchor::easter,
       .easter_offset = 60, .states = states({"BW", "BY", "HE", "NW", "RP", "SL"})},
  // Bavaria: see the header for why the whole state gets it.
  Rule{.name_de = "Mariä Himmelfahrt", .name_en = "Assumption Day", .month = 8, .day = 15,
       .states = states({"BY", "SL"})},
  Rule{.name_de = "Weltkindertag", .name_en = "World Children's Day", .month = 9, .day = 20,
       .states = states({"TH"}), .first_year = 2019},
  Rule{.name_de = "Tag der Deutschen Einheit", .name_en = "German Unity Day", .month = 10,
       .day = 3, .federal = true},
  Rule{.name_de = "Reformationstag", .name_en = "Reformation Day", .month = 10, .day = 31,
       .states = states({"BB", "MV", "SN", "ST", "TH"})},
  Rule{.name_de = "Reformationstag", .name_en = "Reformation Day", .month = 10, .day = 31,
       .states = states({"HB", "HH", "NI", "SH"}), .first_year = 2018},
  // The 500th anniversary: a holiday in every state, once.
  Rule{.name_de = "Reformationstag", .name_en = "Reformation Day", .month = 10, .day = 31,
       .federal = true, .first_year = 2017, .last_year = 2017},
  Rule{.name_de = "Allerheiligen", .name_en = "All Saints' Day", .month = 11, .day = 1,
       .states = states({"BW", "BY", "NW", "RP", "SL"})},
  Rule{.name_de = "Buß- und Bettag", .name_en = "Day of Prayer and Repentance",
       .anchor = Anchor::repentance_day, .states = states({"SN"})},
  Rule{.name_de = "1. Weihnachtstag", .name_en = "Christmas Day", .month = 12, .day = 25,
       .federal = true},
  Rule{.name_de = "2. Weihnachtstag", .name_en = "Second Day of Christmas", .month = 12,
       .day = 26, .federal = true},
};
// clang-format on

// What a normalised region code selects.
struct Scope {
  bool any = false;     // false for "none"
  StateMask state = 0;  // 0 for "DE"
};

Scope scope_of(const std::string& code) {
  if (code == "DE") return {.any = true};
  if (code.size() == 5 && code.starts_with("DE-")) {
    for (std::size_t i = 0; i < kStateCodes.size(); ++i) {
      if (kStateCodes[i] == std::string_view(code).substr(3)) {
        return {.any = true, .state = StateMask{1} << i};
      }
    }
  }
  return {};
}

bool applies(const Rule& rule, Scope scope, int year_number) {
  if (!scope.any || year_number < rule.first_year || year_number > rule.last_year) return false;
  return rule.federal || (rule.states & scope.state) != 0;
}

// The Wednesday before 23 November: the last Wednesday on or before 22 November.
year_month_day repentance_day(year y) {
  const sys_days nov22{y / std::chrono::November / 22};
  return year_month_day{nov22 - (weekday{nov22} - std::chrono::Wednesday)};
}

year_month_day date_of(const Rule& rule, year y, sys_days easter) {
  switch (rule.anchor) {
    case Anchor::fixed:
      return year_month_day{y, month{rule.month}, day{rule.day}};
    case Anchor::easter:
      return year_month_day{easter + days{rule.easter_offset}};
    case Anchor::repentance_day:
      return repentance_day(y);
  }
  return {};
}

// Floor division and modulo, so the Easter algorithm also works for years before 0.
constexpr int floor_div(int a, int b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
constexpr int floor_mod(int a, int b) {
  return a - floor_div(a, b) * b;
}

char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

std::chrono::year_month_day easter_sunday(std::chrono::year year_value) {
  const int y = static_cast<int>(year_value);
  const int a = floor_mod(y, 19);
  const int b = floor_div(y, 100);
  const int c = floor_mod(y, 100);
  const int d = floor_div(b, 4);
  const int e = floor_mod(b, 4);
  const int f = floor_div(b + 8, 25);
  const int g = floor_div(b - f + 1, 3);
  const int h = floor_mod(19 * a + b - d - g + 15, 30);
  const int i = c / 4;
  const int k = c % 4;
  const int l = floor_mod(32 + 2 * e + 2 * i - h - k, 7);
  const int m = (a + 11 * h + 22 * l) / 451;
  const int n = h + l - 7 * m + 114;
  return year_month_day{year_value, month{static_cast<unsigned>(n / 31)},
                        day{static_cast<unsigned>(n % 31 + 1)}};
}

std::optional<HolidayRegion> HolidayRegion::parse(std::string_view code) {
  std::string upper(code);
  std::transform(upper.begin(), upper.end(), upper.begin(), ascii_upper);
  HolidayRegion region;
  if (upper == "NONE") {
    region.code_ = "none";
    return region;
  }
  if (!scope_of(upper).any) return std::nullopt;
  region.code_ = std::move(upper);
  return region;
}

std::vector<HolidayRegion::Holiday> HolidayRegion::holidays(std::chrono::year year_value) const {
  std::vector<Holiday> result;
  const Scope scope = scope_of(code_);
  if (!scope.any || !year_value.ok()) return result;
  const sys_days easter{easter_sunday(year_value)};
  for (const Rule& rule : kRules) {
    if (!applies(rule, scope, static_cast<int>(year_value))) continue;
    const year_month_day date = date_of(rule, year_value, easter);
    // Reformationstag 2017 comes from two rules in the eastern states.
    const bool duplicate = std::any_of(result.begin(), result.end(), [&](const Holiday& known) {
      return known.date == date && known.name_de == rule.name_de;
    });
    if (!duplicate) result.push_back({date, std::string(rule.name_de), std::string(rule.name_en)});
  }
  std::stable_sort(result.begin(), result.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return result;
}

bool HolidayRegion::is_holiday(std::chrono::year_month_day date) const {
  const Scope scope = scope_of(code_);
  if (!scope.any || !date.ok()) return false;
  const sys_days easter{easter_sunday(date.year())};
  return std::any_of(kRules.begin(), kRules.end(), [&](const Rule& rule) {
    return applies(rule, scope, static_cast<int>(date.year())) &&
           date_of(rule, date.year(), easter) == date;
  });
}

}  // namespace nachfass
