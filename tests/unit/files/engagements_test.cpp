#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "files/csv.hpp"

namespace nachfass::files {
namespace {

std::int32_t day(int y, unsigned m, unsigned d) {
  return static_cast<std::int32_t>(
      std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}
          .time_since_epoch()
          .count());
}

TEST(ParseDay, IsoAndGermanDates) {
  EXPECT_EQ(parse_day("2026-03-26"), day(2026, 3, 26));
  EXPECT_EQ(parse_day("26.03.2026"), day(2026, 3, 26));
  EXPECT_EQ(parse_day(" 6.3.2026 "), day(2026, 3, 6));
  EXPECT_EQ(parse_day("26.03.26"), day(2026, 3, 26));
  EXPECT_EQ(parse_day("2026-03-26T00:00:00"), day(2026, 3, 26));
  EXPECT_EQ(parse_day("26.03.2026 00:00"), day(2026, 3, 26));
  EXPECT_EQ(parse_day("1970-01-01"), 0);
  EXPECT_EQ(parse_day("2028-02-29"), day(2028, 2, 29));
  for (std::string_view bad : {"", "2026-02-30", "2026-13-01", "31.04.2026", "26/03/2026",
                               "März 2026", "2026-3", "26.03.", "26.03.202", "+2026-03-26",
                               "-1.-1.2026", "99999-01-01", "2027-02-29"})
    EXPECT_FALSE(parse_day(bad).has_value()) << bad;
}

TEST(EngagementsCsv, GermanFile) {
  std::ifstream in(std::string(NACHFASS_TEST_DATA) + "/files/vertraege.csv", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto import = parse_engagements_csv(text.str(), "vertraege.csv");
  ASSERT_EQ(import.records.size(), 5u);
  const auto& trial = import.records[0];
  EXPECT_EQ(trial.customer, "mueller.de");
  EXPECT_EQ(trial.rule, "trial");
  EXPECT_EQ(trial.start_day, day(2026, 3, 1));
  EXPECT_EQ(trial.end_day, day(2026, 3, 29));
  EXPECT_EQ(trial.origin, "vertraege.csv:2");
  EXPECT_EQ(import.records[1].customer, "s.keller@mueller.de");
  EXPECT_EQ(import.records[1].rule, "contract");
  EXPECT_EQ(import.records[2].customer, "Schmidt & S\xC3\xB6hne Bau");
  EXPECT_EQ(import.records[2].rule, "seminar");
  EXPECT_EQ(import.records[2].end_day, 0);
  EXPECT_EQ(import.records[3].rule, "contract");  // Leasing
  EXPECT_EQ(import.records[4].rule, "subscription");
  EXPECT_EQ(import.records[4].start_day, day(2026, 1, 15));
  const std::vector<std::string> expected = {
      "vertraege.csv:7: start: expected a date such as 2026-03-26 or 26.03.2026, got "
      "\"2026-02-30\" \xE2\x80\x94 skipped",
      "vertraege.csv:8: end \"2026-02-01\" is before start \"2026-03-01\" \xE2\x80\x94 skipped",
  };
  EXPECT_EQ(import.warnings, expected);
}

TEST(EngagementsCsv, EnglishColumnsAndUnknownKindsKeptLowerCased) {
  const auto import = parse_engagements_csv(
      "Customer,Kind,Start,End\nacme.com,Trial,2026-01-01,\nACME.COM,Wartung,2026-01-01,\n"
      ",trial,2026-01-01,\nacme.com,,2026-01-01,\nacme.com,trial,,\nacme.com,trial,2026-01-01,"
      "bald\n",
      "e.csv");
  ASSERT_EQ(import.records.size(), 2u);
  EXPECT_EQ(import.records[0].rule, "trial");
  EXPECT_EQ(import.records[1].rule, "wartung");
  EXPECT_EQ(import.records[1].customer, "acme.com");
  const std::vector<std::string> expected = {
      "e.csv:4: no customer \xE2\x80\x94 skipped",
      "e.csv:5: no kind (trial, contract, seminar, ...) \xE2\x80\x94 skipped",
      "e.csv:6: start: expected a date such as 2026-03-26 or 26.03.2026, got \"\" "
      "\xE2\x80\x94 skipped",
      "e.csv:7: end: expected a date such as 2026-03-26 or 26.03.2026, got \"bald\" "
      "\xE2\x80\x94 skipped",
  };
  EXPECT_EQ(import.warnings, expected);
}

TEST(EngagementsCsv, MissingRequiredColumns) {
  const auto import = parse_engagements_csv("Kunde;Ende\nx.de;01.01.2026\n", "e.csv");
  EXPECT_TRUE(import.records.empty());
  ASSERT_EQ(import.warnings.size(), 1u);
  EXPECT_EQ(import.warnings[0],
            "e.csv:1: no column kind/art and start/beginn in the header row \xE2\x80\x94 file "
            "skipped");
}

}  // namespace
}  // namespace nachfass::files
