// Dates and durations as people write them in German and English mail text:
//   26.03.2026  26.3.26  26. März 2026  26. Mrz. 2026  am 26.03.  (year inferred)
//   March 26, 2026  26 March 2026  Mar 26th 2026  2026-03-26  26/03/2026  03/26/2026
//   30-tägiger / 30 Tage / 4 Wochen / 30-day / 30 days / four weeks
// Pure and total: never throws, never reads the clock; unparseable text yields nothing.
// Case-insensitive for ASCII and Ä Ö Ü; the text is UTF-8 (other bytes are taken as letters).
// Cost: linear in the text, no allocation per character; meant for subjects and bodies of a
// few KB, not for whole mailboxes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nachfass {

struct TextDate {
  std::chrono::year_month_day date;
  std::size_t begin = 0;  // byte offsets of the date in the text
  std::size_t end = 0;
  bool year_given = true;
};

// Every date in `text`, in order. Formats (month names in German, Austrian and English, with
// the usual abbreviations, any case, an optional '.' after them: "März", "Maerz", "Mrz",
// "Mär.", "Jänner", "Sept.", "March", "Mar"; day numbers with an ordinal dot or st/nd/rd/th):
//   26.03.2026  26.3.26  26.03.  |  2026-03-26  |  26/03/2026  03/26/2026  26/03/26
//   26. März 2026  26 March 2026  26th of March, 2026  26. März
//   March 26, 2026  Mar 26th 2026  March 26
// Two-digit years are 20yy; years outside 1970..2199 are no dates. "May" as a month name must be
// capitalised when it comes first ("you may 2 ..." is no date). Numbers inside longer dotted or
// slashed numbers (192.168.1.10, 1.2.2026.4) and times (12.30) are no dates.
// Dates without a year take the first occurrence on or after `reference` minus 30 days (a mail
// of 20.12.2026 saying "bis 10.01." means 2027-01-10; 29.02. may take a few years); an invalid
// `reference` drops them. Slash dates: day first unless the second number is > 12 and the first
// is not ("03/26/2026" is March 26; "04/05/2026" is 4 May). Invalid dates (31.02.) are skipped.
std::vector<TextDate> find_dates(std::string_view text, std::chrono::year_month_day reference);

// The end date a notice names: the first date in `text` after `reference` (strictly) with an end
// word at most 48 bytes before it and after the previous date ("bis", "läuft", "endet", "Ende",
// words ending in "-ende"/"-ablauf" such as "Vertragsende", "Ablauf", "befristet", "until",
// "till", "through", "to", "expires", "ends") or right after it ("abläuft", "endet", "ends",
// "expires"); when there is none, the latest date after `reference`. nullopt when no date lies
// after it.
std::optional<std::chrono::year_month_day> find_end_date(std::string_view text,
                                                         std::chrono::year_month_day reference);

// A length in days: the first "<count> <unit>" in the text. Counts: digits or number words
// ("vier", "einen", "dreißig", "four", "thirty", ...); units: Tag/Tage, -tägig..., Woche(n),
// -wöchig..., Monat(e), -monatig..., Jahr(e), -jährig..., day(s), week(s), month(s), year(s),
// with a space, a hyphen or nothing between ("30-tägiger", "vierwöchige", "30-day", "14 days").
// Weeks are 7 days, months 30 (whole years of months 365: "12 Monate" = 365), years 365.
// Offsets and deadlines are skipped: a duration followed by "vor", "nach", "before", "after",
// "prior", "later", ... ("eine Woche vor Ablauf") or preceded by "innerhalb"/"within". Results
// outside 1..3650 days are skipped. nullopt when there is none.
std::optional<int> find_length_days(std::string_view text);

// Civil-date helpers over std::chrono (days since 1970-01-01).
std::int32_t day_number(std::chrono::year_month_day date);
std::chrono::year_month_day from_day_number(std::int32_t days);
// "YYYY-MM-DD".
std::string iso_date(std::chrono::year_month_day date);

}  // namespace nachfass
