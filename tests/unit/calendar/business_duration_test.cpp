#include "core/business_calendar.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

namespace nachfass {
namespace {

constexpr std::int64_t kDay = 9 * 3600;  // 08:00-17:00

struct DurationRow {
  std::string_view text;
  std::optional<std::int64_t> expected;
};

TEST(ParseBusinessDuration, Table) {
  const DurationRow rows[] = {
      {"2 business days", 2 * kDay},
      {"1 business day", kDay},
      {"4 business hours", 4 * 3600},
      {"90 minutes", 90 * 60},
      {"3 days", 3 * kDay},
      {"1 day", kDay},
      {"2 working days", 2 * kDay},
      {"2 Werktage", 2 * kDay},
      {"1 Werktag", kDay},
      {"3 Arbeitstage", 3 * kDay},
      {"2 Tage", 2 * kDay},
      {"4 Stunden", 4 * 3600},
      {"1 Stunde", 3600},
      {"30 Minuten", 30 * 60},
      {"1 minute", 60},
      {"15 min", 15 * 60},
      {"2 hours", 2 * 3600},
      {"2h", 2 * 3600},
      {"  2 Business Days  ", 2 * kDay},
      {"2 BUSINESS\t  DAYS", 2 * kDay},
      {"2days", 2 * kDay},
      {"1.5 business days", kDay * 3 / 2},
      {"0,5 Werktage", kDay / 2},
      {"0.25 hours", 900},
      {"1.125 hours", 4050},
      {"0.01 minutes", 1},  // 0.6 s, rounded to 1
      {"007 minutes", 7 * 60},
      {"5000 business hours", 5000 * 3600},
      // rejected
      {"two days", std::nullopt},
      {"-1 days", std::nullopt},
      {"+2 days", std::nullopt},
      {"", std::nullopt},
      {"   ", std::nullopt},
      {"2 weeks", std::nullopt},
      {"2", std::nullopt},
      {"days", std::nullopt},
      {"0 days", std::nullopt},
      {"0.0 hours", std::nullopt},
      {"0.001 minutes", std::nullopt},  // 0.06 s rounds to 0
      {"2 days ago", std::nullopt},
      {"1.2345 days", std::nullopt},
      {"1. days", std::nullopt},
      {".5 days", std::nullopt},
      {"1e3 minutes", std::nullopt},
      {"1000000000 minutes", std::nullopt},  // more than 9 digits
      {"999999999 days", std::nullopt},      // above 100 years
      {"999999999 minutes", std::nullopt},   // above 100 years
      {"2 business", std::nullopt},
      {"2 business  days x", std::nullopt},
      {"2 Wochen", std::nullopt},
      {"1 1 days", std::nullopt},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(parse_business_duration(row.text, kDay), row.expected) << '"' << row.text << '"';
  }
}

TEST(ParseBusinessDuration, DaysFollowTheDayLength) {
  EXPECT_EQ(parse_business_duration("2 days", 8 * 3600), 16 * 3600);
  EXPECT_EQ(parse_business_duration("2 days", 0), std::nullopt);
  EXPECT_EQ(parse_business_duration("2 days", -3600), std::nullopt);
  EXPECT_EQ(parse_business_duration("2 days", 86401), std::nullopt);
  EXPECT_EQ(parse_business_duration("2 hours", 0), 7200);  // hours do not need the day length
}

}  // namespace
}  // namespace nachfass
