#include "core/holidays.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace nachfass {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{year{y}, month{m}, day{d}};
}

std::string str(year_month_day date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

HolidayRegion region(std::string_view code) {
  auto parsed = HolidayRegion::parse(code);
  EXPECT_TRUE(parsed.has_value()) << code;
  return parsed.value_or(HolidayRegion{});
}

// --- Easter --------------------------------------------------------------------------------

struct EasterRow {
  int year;
  year_month_day expected;
};

TEST(Easter, KnownDates) {
  const EasterRow rows[] = {
      {1818, ymd(1818, 3, 22)},  // earliest possible date
      {1943, ymd(1943, 4, 25)},  // latest possible date
      {1961, ymd(1961, 4, 2)},  {2000, ymd(2000, 4, 23)}, {2008, ymd(2008, 3, 23)},
      {2011, ymd(2011, 4, 24)}, {2019, ymd(2019, 4, 21)}, {2024, ymd(2024, 3, 31)},
      {2025, ymd(2025, 4, 20)}, {2026, ymd(2026, 4, 5)},  {2027, ymd(2027, 3, 28)},
      {2038, ymd(2038, 4, 25)}, {2285, ymd(2285, 3, 22)},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(str(easter_sunday(year{row.year})), str(row.expected)) << row.year;
  }
}

TEST(Easter, IsAlwaysASundayBetween22MarchAnd25April) {
  for (int y = 1583; y <= 2400; ++y) {
    const year_month_day easter = easter_sunday(year{y});
    ASSERT_TRUE(easter.ok()) << y;
    EXPECT_EQ(std::chrono::weekday{std::chrono::sys_days{easter}}, std::chrono::Sunday) << y;
    EXPECT_GE(easter, ymd(y, 3, 22)) << y;
    EXPECT_LE(easter, ymd(y, 4, 25)) << y;
  }
}

// --- Region codes --------------------------------------------------------------------------

struct ParseRow {
  std::string_view input;
  std::optional<std::string> expected;  // normalised code, nullopt = rejected
};

TEST(HolidayRegionParse, Table) {
  const ParseRow rows[] = {
      {"none", "none"},
      {"NONE", "none"},
      {"None", "none"},
      {"DE", "DE"},
      {"de", "DE"},
      {"DE-BY", "DE-BY"},
      {"de-by", "DE-BY"},
      {"De-Sn", "DE-SN"},
      {"DE-TH", "DE-TH"},
      {"de-bw", "DE-BW"},
      {"DE-HB", "DE-HB"},
      {"", std::nullopt},
      {"DE-XX", std::nullopt},
      {"DE-", std::nullopt},
      {"AT", std::nullopt},
      {"DE-BYX", std::nullopt},
      {" DE-BY", std::nullopt},
      {"DE-BY ", std::nullopt},
      {"DEBY", std::nullopt},
      {"de_by", std::nullopt},
      {"BY", std::nullopt},
      {"nonee", std::nullopt},
      {"AT-9", std::nullopt},
  };
  for (const auto& row : rows) {
    const auto parsed = HolidayRegion::parse(row.input);
    ASSERT_EQ(parsed.has_value(), row.expected.has_value()) << '"' << row.input << '"';
    if (parsed) {
      EXPECT_EQ(parsed->code(), *row.expected) << row.input;
    }
  }
}

TEST(HolidayRegionParse, AllSixteenStates) {
  for (std::string_view state : {"BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP",
                                 "SL", "SN", "ST", "SH", "TH"}) {
    EXPECT_TRUE(HolidayRegion::parse("DE-" + std::string(state)).has_value()) << state;
  }
}

TEST(HolidayRegion, DefaultIsNone) {
  const HolidayRegion none;
  EXPECT_EQ(none.code(), "none");
  EXPECT_TRUE(none.holidays(year{2026}).empty());
  EXPECT_FALSE(none.is_holiday(ymd(2026, 1, 1)));
}

// --- Full lists for 2026 -------------------------------------------------------------------

struct ListRow {
  std::string_view code;
  std::vector<std::pair<year_month_day, std::string_view>> expected;
};

TEST(Holidays, FullLists2026) {
  // Easter 2026 is 5 April.
  const ListRow rows[] = {
      {"DE",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"DE-BY",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 1, 6), "Heilige Drei Könige"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 6, 4), "Fronleichnam"},
        {ymd(2026, 8, 15), "Mariä Himmelfahrt"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 11, 1), "Allerheiligen"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"DE-SN",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 10, 31), "Reformationstag"},
        {ymd(2026, 11, 18), "Buß- und Bettag"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"DE-BE",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 3, 8), "Internationaler Frauentag"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"DE-NW",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 6, 4), "Fronleichnam"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 11, 1), "Allerheiligen"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"DE-BB",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 5), "Ostersonntag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 24), "Pfingstsonntag"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 10, 31), "Reformationstag"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"DE-TH",
       {{ymd(2026, 1, 1), "Neujahr"},
        {ymd(2026, 4, 3), "Karfreitag"},
        {ymd(2026, 4, 6), "Ostermontag"},
        {ymd(2026, 5, 1), "Tag der Arbeit"},
        {ymd(2026, 5, 14), "Christi Himmelfahrt"},
        {ymd(2026, 5, 25), "Pfingstmontag"},
        {ymd(2026, 9, 20), "Weltkindertag"},
        {ymd(2026, 10, 3), "Tag der Deutschen Einheit"},
        {ymd(2026, 10, 31), "Reformationstag"},
        {ymd(2026, 12, 25), "1. Weihnachtstag"},
        {ymd(2026, 12, 26), "2. Weihnachtstag"}}},
      {"none", {}},
  };
  for (const auto& row : rows) {
    const auto actual = region(row.code).holidays(year{2026});
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& holiday : actual) got.emplace_back(str(holiday.date), holiday.name_de);
    std::vector<std::pair<std::string, std::string>> want;
    for (const auto& [date, name] : row.expected) want.emplace_back(str(date), name);
    EXPECT_EQ(got, want) << row.code;
    for (const auto& holiday : actual) {
      EXPECT_FALSE(holiday.name_en.empty()) << row.code << ' ' << holiday.name_de;
      EXPECT_TRUE(region(row.code).is_holiday(holiday.date))
          << row.code << ' ' << str(holiday.date);
    }
  }
}

TEST(Holidays, EnglishNames) {
  const auto list = region("DE-SN").holidays(year{2026});
  std::vector<std::string> names;
  for (const auto& holiday : list) names.push_back(holiday.name_en);
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "New Year's Day", "Good Friday", "Easter Monday", "Labour Day", "Ascension Day",
                "Whit Monday", "German Unity Day", "Reformation Day",
                "Day of Prayer and Repentance", "Christmas Day", "Second Day of Christmas"}));
}

TEST(Holidays, SameDayHolidaysAreBothListed) {
  // 2008: Easter on 23 March, so Ascension Day fell on 1 May.
  const auto list = region("DE").holidays(year{2008});
  int on_first_of_may = 0;
  for (const auto& holiday : list) on_first_of_may += holiday.date == ymd(2008, 5, 1);
  EXPECT_EQ(on_first_of_may, 2);
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end(),
                             [](const auto& a, const auto& b) { return a.date < b.date; }));
}

TEST(Holidays, EveryYearHasItsFederalNineSortedAndValid) {
  for (int y = 1995; y <= 2100; ++y) {
    const auto list = region("DE").holidays(year{y});
    EXPECT_EQ(list.size(), y == 2017 ? 10u : 9u) << y;
    for (const auto& holiday : list) EXPECT_TRUE(holiday.date.ok()) << y;
  }
}

// --- Single dates --------------------------------------------------------------------------

struct DateRow {
  std::string_view code;
  year_month_day date;
  bool expected;
  std::string_view why;
};

TEST(Holidays, IsHolidayTable) {
  const DateRow rows[] = {
      {"DE-BY", ymd(2026, 6, 4), true, "Fronleichnam"},
      {"DE-BE", ymd(2026, 6, 4), false, "no Fronleichnam in Berlin"},
      {"DE-HE", ymd(2026, 6, 4), true, "Fronleichnam"},
      {"DE-SN", ymd(2026, 6, 4), false, "only parts of Saxony"},
      {"DE-ST", ymd(2026, 1, 6), true, "Heilige Drei Könige"},
      {"DE-TH", ymd(2026, 1, 6), false, "no Epiphany in Thuringia"},
      {"DE-BE", ymd(2018, 3, 8), false, "Frauentag before 2019"},
      {"DE-BE", ymd(2019, 3, 8), true, "Frauentag since 2019"},
      {"DE-MV", ymd(2022, 3, 8), false, "Frauentag before 2023"},
      {"DE-MV", ymd(2023, 3, 8), true, "Frauentag since 2023"},
      {"DE-HH", ymd(2026, 3, 8), false, "Frauentag only BE, MV"},
      {"DE-TH", ymd(2018, 9, 20), false, "Weltkindertag before 2019"},
      {"DE-TH", ymd(2019, 9, 20), true, "Weltkindertag since 2019"},
      {"DE-SN", ymd(2019, 9, 20), false, "Weltkindertag only TH"},
      {"DE-BE", ymd(2020, 5, 8), true, "Tag der Befreiung 2020"},
      {"DE-BE", ymd(2021, 5, 8), false, "only 2020 and 2025"},
      {"DE-BE", ymd(2025, 5, 8), true, "Tag der Befreiung 2025"},
      {"DE-BB", ymd(2025, 5, 8), false, "only Berlin"},
      {"DE-BY", ymd(2026, 8, 15), true, "Mariä Himmelfahrt, BY statewide by choice"},
      {"DE-SL", ymd(2026, 8, 15), true, "Mariä Himmelfahrt"},
      {"DE-BW", ymd(2026, 8, 15), false, "no Assumption in BW"},
      {"DE-BW", ymd(2026, 11, 1), true, "Allerheiligen"},
      {"DE-HE", ymd(2026, 11, 1), false, "no All Saints in Hesse"},
      {"DE-BB", ymd(2026, 4, 5), true, "Ostersonntag"},
      {"DE", ymd(2026, 4, 5), false, "Easter Sunday is not federal"},
      {"DE-BY", ymd(2026, 12, 24), false, "Heiligabend is no public holiday"},
      {"DE-BY", ymd(2026, 12, 31), false, "Silvester is no public holiday"},
      {"DE-BY", ymd(2026, 8, 8), false, "Augsburger Friedensfest is municipal"},
      {"DE", ymd(2026, 10, 3), true, "Tag der Deutschen Einheit"},
      {"none", ymd(2026, 12, 25), false, "no region"},
      {"DE-NI", ymd(2017, 10, 31), true, "Reformationstag 2017"},
      {"DE-NI", ymd(2016, 10, 31), false, "NI before 2018"},
      {"DE-NI", ymd(2018, 10, 31), true, "NI since 2018"},
      {"DE-BY", year_month_day{year{2026}, month{2}, day{30}}, false, "invalid date"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(region(row.code).is_holiday(row.date), row.expected)
        << row.code << ' ' << str(row.date) << ": " << row.why;
  }
}

TEST(Holidays, RepentanceDayIsTheWednesdayBefore23November) {
  const std::pair<int, year_month_day> rows[] = {
      {1995, ymd(1995, 11, 22)}, {2017, ymd(2017, 11, 22)}, {2018, ymd(2018, 11, 21)},
      {2019, ymd(2019, 11, 20)}, {2020, ymd(2020, 11, 18)}, {2021, ymd(2021, 11, 17)},
      {2022, ymd(2022, 11, 16)}, {2023, ymd(2023, 11, 22)}, {2024, ymd(2024, 11, 20)},
      {2025, ymd(2025, 11, 19)}, {2026, ymd(2026, 11, 18)}, {2027, ymd(2027, 11, 17)},
  };
  const HolidayRegion saxony = region("DE-SN");
  const HolidayRegion bavaria = region("DE-BY");
  for (const auto& [y, expected] : rows) {
    std::vector<std::string> found;
    for (const auto& holiday : saxony.holidays(year{y})) {
      if (holiday.name_de == "Buß- und Bettag") found.push_back(str(holiday.date));
    }
    EXPECT_EQ(found, std::vector<std::string>{str(expected)}) << y;
    EXPECT_TRUE(saxony.is_holiday(expected)) << y;
    EXPECT_FALSE(bavaria.is_holiday(expected)) << y;
    const std::chrono::sys_days day{expected};
    EXPECT_FALSE(saxony.is_holiday(year_month_day{day - std::chrono::days{7}})) << y;
    EXPECT_FALSE(saxony.is_holiday(year_month_day{day + std::chrono::days{7}})) << y;
  }
}

struct ReformationRow {
  std::string_view code;
  bool in_2016;
  bool in_2017;
  bool in_2026;
};

TEST(Holidays, ReformationDay) {
  const ReformationRow rows[] = {
      {"DE", false, true, false},    {"DE-BW", false, true, false}, {"DE-BY", false, true, false},
      {"DE-BE", false, true, false}, {"DE-BB", true, true, true},   {"DE-HB", false, true, true},
      {"DE-HH", false, true, true},  {"DE-HE", false, true, false}, {"DE-MV", true, true, true},
      {"DE-NI", false, true, true},  {"DE-NW", false, true, false}, {"DE-RP", false, true, false},
      {"DE-SL", false, true, false}, {"DE-SN", true, true, true},   {"DE-ST", true, true, true},
      {"DE-SH", false, true, true},  {"DE-TH", true, true, true},   {"none", false, false, false},
  };
  for (const auto& row : rows) {
    const HolidayRegion r = region(row.code);
    EXPECT_EQ(r.is_holiday(ymd(2016, 10, 31)), row.in_2016) << row.code;
    EXPECT_EQ(r.is_holiday(ymd(2017, 10, 31)), row.in_2017) << row.code;
    EXPECT_EQ(r.is_holiday(ymd(2026, 10, 31)), row.in_2026) << row.code;
    // Listed once, even where two rules give it in 2017.
    int listed = 0;
    for (const auto& holiday : r.holidays(year{2017})) listed += holiday.date == ymd(2017, 10, 31);
    EXPECT_EQ(listed, row.in_2017 ? 1 : 0) << row.code;
  }
}

}  // namespace
}  // namespace nachfass
