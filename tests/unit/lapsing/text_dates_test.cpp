// Dates and durations in German and English mail text, as tables.
#include "core/text_dates.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nachfass {
namespace {

using std::chrono::year_month_day;
using namespace std::chrono_literals;

constexpr year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

std::string dates_of(std::string_view text, year_month_day reference = ymd(2026, 2, 24)) {
  std::string out;
  for (const TextDate& d : find_dates(text, reference)) {
    if (!out.empty()) out += ' ';
    out += iso_date(d.date);
    if (!d.year_given) out += '*';
  }
  return out;
}

struct DateRow {
  const char* text;
  const char* expected;  // ISO dates separated by spaces, '*' = year inferred
};

std::ostream& operator<<(std::ostream& os, const DateRow& row) {
  return os << row.text;
}

class FindDates : public ::testing::TestWithParam<DateRow> {};

TEST_P(FindDates, Table) {
  EXPECT_EQ(dates_of(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Formats, FindDates,
    ::testing::Values(
        DateRow{"läuft am 26.03.2026 ab", "2026-03-26"}, DateRow{"bis 26.3.26", "2026-03-26"},
        DateRow{"am 6.4.2026.", "2026-04-06"}, DateRow{"26. März 2026", "2026-03-26"},
        DateRow{"26. MÄRZ 2026", "2026-03-26"}, DateRow{"26. Maerz 2026", "2026-03-26"},
        DateRow{"26. Mrz. 2026", "2026-03-26"}, DateRow{"26. Mär. 2026", "2026-03-26"},
        DateRow{"3. Sept. 2026", "2026-09-03"}, DateRow{"3 Sept 2026", "2026-09-03"},
        DateRow{"1. Jänner 2027", "2027-01-01"},
        DateRow{"Donnerstag, 26. März 2026, 10:00 Uhr", "2026-03-26"},
        DateRow{"March 26, 2026", "2026-03-26"}, DateRow{"march 26 2026", "2026-03-26"},
        DateRow{"Mar 26th 2026", "2026-03-26"}, DateRow{"on the 1st of April, 2026", "2026-04-01"},
        DateRow{"26 March 2026", "2026-03-26"}, DateRow{"2nd June 2026", "2026-06-02"},
        DateRow{"Sept. 3, 2026", "2026-09-03"}, DateRow{"2026-03-26", "2026-03-26"},
        DateRow{"2026-03-26T10:00:00Z", "2026-03-26"}, DateRow{"26/03/2026", "2026-03-26"},
        DateRow{"03/26/2026", "2026-03-26"}, DateRow{"04/05/2026", "2026-05-04"},
        DateRow{"04/05/26", "2026-05-04"},
        // Year-less: the first occurrence on or after the reference minus 30 days.
        DateRow{"am 26.03.", "2026-03-26*"}, DateRow{"am 10.02.", "2026-02-10*"},
        DateRow{"am 10.01.", "2027-01-10*"}, DateRow{"26. März", "2026-03-26*"},
        DateRow{"March 26", "2026-03-26*"}, DateRow{"vom 24.–26.03.2026", "2026-03-26"},
        DateRow{"vom 01.03. bis 26.03.2026", "2026-03-01* 2026-03-26"},
        // Not dates.
        DateRow{"31.02.2026", ""}, DateRow{"31. April 2026", ""}, DateRow{"00.01.2026", ""},
        DateRow{"12.13.2026", ""}, DateRow{"13/13/2026", ""}, DateRow{"Server 192.168.1.10", ""},
        DateRow{"Version 1.2.2026.4", ""}, DateRow{"Preis 12.50 EUR", ""},
        DateRow{"um 12.30 Uhr", ""}, DateRow{"March 2026", ""},
        DateRow{"Mail 26 Mai", "2026-05-26*"}, DateRow{"Mail 26", ""}, DateRow{"Markus 26", ""},
        DateRow{"you may 2 weeks", ""}, DateRow{"26.03.1899", ""}, DateRow{"", ""},
        DateRow{"2026-02-30", ""}));

TEST(FindDates, YearInferenceAcrossNewYear) {
  // A mail of 20.12.2026 saying "bis 10.01." means 2027-01-10; "seit 15.12." is this year.
  EXPECT_EQ(dates_of("bis 10.01.", ymd(2026, 12, 20)), "2027-01-10*");
  EXPECT_EQ(dates_of("seit 15.12.", ymd(2027, 1, 5)), "2026-12-15*");
  EXPECT_EQ(dates_of("am 29.02.", ymd(2026, 3, 1)), "2028-02-29*");
  EXPECT_EQ(dates_of("am 29.02.", ymd(2028, 2, 1)), "2028-02-29*");
}

TEST(FindDates, OffsetsPointAtTheDate) {
  const std::string text = "Ihr Testzugang läuft am 26.03.2026 ab.";
  const auto dates = find_dates(text, ymd(2026, 2, 24));
  ASSERT_EQ(dates.size(), 1u);
  EXPECT_EQ(text.substr(dates[0].begin, dates[0].end - dates[0].begin), "26.03.2026");
}

TEST(FindDates, HostileInputDoesNotCrash) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "1.2./3/März 4th, ";
  text += std::string("\xC3", 1);
  EXPECT_NO_FATAL_FAILURE(find_dates(text, ymd(2026, 1, 1)));
  EXPECT_NO_FATAL_FAILURE(find_end_date(text, ymd(2026, 1, 1)));
  EXPECT_NO_FATAL_FAILURE(find_length_days(text));
  EXPECT_TRUE(find_dates("26.03.", year_month_day{}).empty());
}

struct EndRow {
  const char* text;
  const char* expected;  // "" = none
};

std::ostream& operator<<(std::ostream& os, const EndRow& row) {
  return os << row.text;
}

class FindEndDate : public ::testing::TestWithParam<EndRow> {};

TEST_P(FindEndDate, Table) {
  const auto end = find_end_date(GetParam().text, ymd(2026, 2, 24));
  EXPECT_EQ(end ? iso_date(*end) : std::string(), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Notices, FindEndDate,
    ::testing::Values(
        EndRow{"Ihr 30-tägiger Testzugang ist aktiv und läuft am 26.03.2026 ab.", "2026-03-26"},
        EndRow{"Your trial has been extended until March 26, 2026.", "2026-03-26"},
        EndRow{"Ihr Testzugang wurde bis zum 26.04.2026 verlängert.", "2026-04-26"},
        EndRow{"Laufzeit bis 31.12.2026", "2026-12-31"},
        EndRow{"Der Vertrag endet am 31.12.2026.", "2026-12-31"},
        EndRow{"valid until 2026-12-31", "2026-12-31"},
        EndRow{"Vertragsende: 31.12.2027", "2027-12-31"},
        EndRow{"Your subscription expires on Dec 31st, 2026", "2026-12-31"},
        EndRow{"ein Zugang, der am 26.03.2026 abläuft", "2026-03-26"},
        // The end word wins over a later date; without one, the latest date.
        EndRow{"Testphase vom 24.02.2026 bis 26.03.2026, Rechnung am 30.04.2026", "2026-03-26"},
        EndRow{"Laufzeit: 01.01.2026 – 31.12.2026", "2026-12-31"},
        EndRow{"Gestartet am 10.03.2026, Webinar am 12.03.2026", "2026-03-12"},
        // "to" ends a range right before the date, not a few words earlier.
        EndRow{"valid from 1 March to 31 March 2026, invoice on 30 April 2026", "2026-03-31"},
        EndRow{"Quotation: delivery to Oslo by 1 April 2026. I am out until March 20, 2026",
               "2026-03-20"},
        // Dates on or before the reference are no end.
        EndRow{"Ihr Testzugang ist seit 24.02.2026 aktiv", ""}, EndRow{"bis 20.02.2026", ""},
        EndRow{"Your 30-day trial has started", ""}));

struct LengthRow {
  const char* text;
  int expected;  // 0 = none
};

std::ostream& operator<<(std::ostream& os, const LengthRow& row) {
  return os << row.text;
}

class FindLengthDays : public ::testing::TestWithParam<LengthRow> {};

TEST_P(FindLengthDays, Table) {
  const auto length = find_length_days(GetParam().text);
  EXPECT_EQ(length.value_or(0), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Durations, FindLengthDays,
    ::testing::Values(
        LengthRow{"Ihr 30-tägiger Testzugang", 30}, LengthRow{"Ihren 30-tägigen Test", 30},
        LengthRow{"14tägige Testphase", 14}, LengthRow{"30 Tage kostenlos", 30},
        LengthRow{"vier Wochen testen", 28}, LengthRow{"4 Wochen", 28},
        LengthRow{"vierwöchige Testphase", 28}, LengthRow{"Your 30-day trial", 30},
        LengthRow{"a 30‑day trial", 30}, LengthRow{"14 days", 14}, LengthRow{"2 weeks", 14},
        LengthRow{"for one month", 30}, LengthRow{"einen Monat lang", 30},
        LengthRow{"3 Monate", 90}, LengthRow{"3 months", 90}, LengthRow{"3-monatige Laufzeit", 90},
        LengthRow{"1 Jahr", 365}, LengthRow{"12 months", 365}, LengthRow{"one year", 365},
        LengthRow{"Laufzeit 24 Monate", 730}, LengthRow{"einjährige Laufzeit", 365},
        LengthRow{"thirty-day trial", 30}, LengthRow{"Ihr Test endet in 14 Tagen", 14},
        // Offsets and deadlines are no lengths; the next duration is.
        LengthRow{"Wir erinnern Sie eine Woche vor Ablauf. Ihr 30-tägiger Test", 30},
        LengthRow{"7 days before the end of your 14-day trial", 14},
        LengthRow{"innerhalb von 14 Tagen widerrufen", 0},
        // Not durations.
        LengthRow{"Tagesordnung", 0}, LengthRow{"1.5 Tage", 0}, LengthRow{"Wochenende", 0},
        LengthRow{"Monatsrechnung", 0}, LengthRow{"0 Tage", 0}, LengthRow{"9999 Jahre", 0},
        LengthRow{"", 0}, LengthRow{"Eine Frage", 0}));

TEST(DayNumbers, RoundTrip) {
  EXPECT_EQ(day_number(ymd(1970, 1, 1)), 0);
  EXPECT_EQ(day_number(ymd(2026, 3, 26)), 20538);
  EXPECT_EQ(from_day_number(20538), ymd(2026, 3, 26));
  EXPECT_EQ(from_day_number(-1), ymd(1969, 12, 31));
  EXPECT_EQ(iso_date(ymd(2026, 3, 6)), "2026-03-06");
}

}  // namespace
}  // namespace nachfass
