// Dates and durations as people write them in German and English mail text:
//   26.03.2026  26.3.26  26. März 2026  26. Mrz. 2026  am 26.03.  (year inferred)
//   March 26, 2026  26 March 2026  Mar 26th 2026  2026-03-26  26/03/2026  03/26/2026
//   30-tägiger / 30 Tage / 4 Wochen / 30-day / 30 days / four weeks
// Pure and total: never throws, never reads the clock; unparseable text yields nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

namespace nachfass {

struct TextDate {
  std::chrono::year_month_day date;
  std::size_t begin = 0;  // byte offsets of the date in the text
  std::size_t end = 0;
  bool year_given = true;
};

// Every date in `text`, in order. Dates without a year take the first occurrence on or after
// `reference` minus 30 days (a mail of 20.12.2026 saying "bis 10.01." means 2027-01-10).
// Slash dates: day first unless the first number is > 12 impossible as a day-first date
// ("03/26/2026" is March 26; "04/05/2026" is 4 May). Invalid dates (31.02.) are skipped.
std::vector<TextDate> find_dates(std::string_view text, std::chrono::year_month_day reference);

// The end date a notice names: the first date in `text` after `reference` that follows an end
// word ("bis", "läuft ... ab", "endet", "gültig bis", "until", "expires", "ends", "through") or,
// when there is none, the latest date after `reference`. nullopt when no date lies after it.
std::optional<std::chrono::year_month_day> find_end_date(std::string_view text,
                                                         std::chrono::year_month_day reference);

// A length in days ("30-tägiger", "30 Tage", "4 Wochen", "30-day", "14 days", "2 weeks",
// "einen Monat"/"one month" = 30); the first one in the text, or nullopt.
std::optional<int> find_length_days(std::string_view text);

// Civil-date helpers over std::chrono (days since 1970-01-01).
std::int32_t day_number(std::chrono::year_month_day date);
std::chrono::year_month_day from_day_number(std::int32_t days);
// "YYYY-MM-DD".
std::string iso_date(std::chrono::year_month_day date);

}  // namespace nachfass
