// Public holidays: German federal holidays and those of each German state (Bundesland).
//
// Scope: statutory public holidays (gesetzliche Feiertage) that apply to a whole state, under the
// law in force since 1995 (when Buß- und Bettag stopped being a holiday outside Saxony), plus the
// later introductions with their first year: Reformationstag in HB, HH, NI, SH (2018), Frauentag
// in BE (2019) and MV (2023), Weltkindertag in TH (2019), and the one-offs Reformationstag 2017
// (everywhere) and Tag der Befreiung 2020 and 2025 (BE). Years before 1995 are computed with the
// 1995 rules; earlier history (Buß- und Bettag everywhere, 17 June) is not modelled.
//
// Not included, on purpose:
// - holidays of single municipalities or parts of a state: Augsburger Friedensfest (8 August,
//   city of Augsburg), Fronleichnam in Catholic parts of Saxony and Thuringia;
// - Heiligabend (24.12.) and Silvester (31.12.), which are not public holidays; users who close
//   the office then list them as extra holidays of their BusinessCalendar.
// - Mariä Himmelfahrt (15.8.) in Bavaria IS included, although the law makes it a holiday only in
//   communities with a predominantly Catholic population: that is about 1,700 of Bavaria's 2,056
//   communities and the large majority of its population (Munich among them), and statewide
//   calendars list it. Treating it as a holiday in a Protestant community stretches one SLA by a
//   day once a year; the opposite error would report a customer as waiting on a day the office is
//   closed for most users.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nachfass {

// "none", "DE" (federal holidays only) or "DE-XX" with the ISO 3166-2 state code
// (BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH).
// A default-constructed region is "none" (no holidays). Cheap to copy; immutable; thread-safe.
class HolidayRegion {
 public:
  // Case-insensitive ("de-by" == "DE-BY", "None" == "none"); no surrounding spaces allowed.
  // nullopt for anything else, including unknown state codes ("DE-XX", "AT", "").
  static std::optional<HolidayRegion> parse(std::string_view code);
  // The normalised code: "none", "DE", "DE-BY", ...
  const std::string& code() const { return code_; }

  struct Holiday {
    std::chrono::year_month_day date;
    std::string name_de;  // UTF-8, e.g. "Buß- und Bettag"
    std::string name_en;
  };
  // The holidays of `year` in this region, sorted by date (two holidays on the same day, as
  // Christi Himmelfahrt and Tag der Arbeit in 2008, are both listed). Empty for "none" and for
  // an invalid year.
  std::vector<Holiday> holidays(std::chrono::year year) const;
  // Whether `date` is one of holidays(date.year()). False for an invalid date. Does not allocate.
  bool is_holiday(std::chrono::year_month_day date) const;

 private:
  std::string code_ = "none";
};

// Gregorian Easter Sunday (anonymous Gregorian algorithm), for any valid year (proleptic
// Gregorian before 1583).
std::chrono::year_month_day easter_sunday(std::chrono::year year);

}  // namespace nachfass
