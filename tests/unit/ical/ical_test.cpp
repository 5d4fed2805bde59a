// render_reminder / read_event / merge_reminder: round trips, text, DST, what other clients
// write.
#include <gtest/gtest.h>

#include <string>

#include "caldav/ical/ical.hpp"
#include "caldav/ical/time_zones.hpp"
#include "ical_test_util.hpp"

namespace nachfass::ical {
namespace {

using test::contains;
using test::count_of;
using test::unfold;
using test::utc;

ReminderEvent berlin_reminder() {
  ReminderEvent event;
  event.key = "u-2991d36a2b62";
  event.uid = reminder_uid(event.key);
  event.start = utc(2026, 7, 14, 7, 0);  // 09:00 CEST
  event.end = event.start + 30 * 60;
  event.time_zone = "Europe/Berlin";
  event.summary = "Nachfassen: Müller GmbH – Angebot Q3";
  event.description =
      "Sabine Keller (mueller.de) wartet seit 6 Werktagen auf Antwort zu „Angebot Q3“\n"
      "Kontakt: Sabine Keller <s.keller@mueller.de>\nmid:abc@mueller.de";
  event.url = "mid:abc@mueller.de";
  event.categories = {"Nachfass", "Unbeantwortet"};
  event.alarm_minutes_before = 15;
  return event;
}

TEST(IcalRender, RoundTripGivesTheSameFields) {
  const ReminderEvent event = berlin_reminder();
  const auto text = render_reminder(event, utc(2026, 7, 13, 12, 0));
  ASSERT_TRUE(text) << text.error().to_string();
  const auto read = read_event(*text, "UTC");
  ASSERT_TRUE(read) << read.error().to_string();
  EXPECT_EQ(read->uid, "u-2991d36a2b62@nachfass.reminder");
  EXPECT_EQ(read->nachfass_key, event.key);
  EXPECT_EQ(read->start, event.start);
  EXPECT_EQ(read->end, event.end);
  EXPECT_EQ(read->summary, event.summary);
  EXPECT_FALSE(read->completed);
  EXPECT_EQ(read->raw, *text);
  EXPECT_TRUE(read->href.empty());
  EXPECT_TRUE(read->etag.empty());
}

TEST(IcalRender, WritesTheContractsProperties) {
  const auto text = render_reminder(berlin_reminder(), utc(2026, 7, 13, 12, 0));
  ASSERT_TRUE(text);
  const std::string flat = unfold(*text);
  EXPECT_TRUE(contains(flat, "PRODID:-//Nachfass//Nachfass//EN\r\n"));
  EXPECT_TRUE(contains(flat, "VERSION:2.0\r\n"));
  EXPECT_TRUE(contains(flat, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
  EXPECT_TRUE(contains(flat, "DTSTART;TZID=Europe/Berlin:20260714T090000\r\n"));
  EXPECT_TRUE(contains(flat, "DTEND;TZID=Europe/Berlin:20260714T093000\r\n"));
  EXPECT_TRUE(contains(flat, "DTSTAMP:20260713T120000Z\r\n"));
  EXPECT_TRUE(contains(flat, "UID:u-2991d36a2b62@nachfass.reminder\r\n"));
  EXPECT_TRUE(contains(flat, "X-NACHFASS-KEY:u-2991d36a2b62\r\n"));
  EXPECT_TRUE(contains(flat, "X-NACHFASS-STATE:open\r\n"));
  EXPECT_TRUE(contains(flat, "URL:mid:abc@mueller.de\r\n"));
  EXPECT_TRUE(contains(flat, "CATEGORIES:Nachfass\r\n"));
  EXPECT_TRUE(contains(flat, "CATEGORIES:Unbeantwortet\r\n"));
  EXPECT_TRUE(contains(flat, "STATUS:CONFIRMED\r\n"));
  EXPECT_TRUE(contains(flat, "TRANSP:OPAQUE\r\n"));
  EXPECT_TRUE(contains(flat, "CLASS:PRIVATE\r\n"));
  EXPECT_TRUE(contains(flat, "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"));
  EXPECT_TRUE(contains(flat, "TRIGGER:-PT15M\r\n"));
  EXPECT_TRUE(contains(flat, "X-NACHFASS-ALARM:1\r\n"));
  EXPECT_TRUE(contains(flat,
                       "DESCRIPTION:Sabine Keller (mueller.de) wartet seit 6 Werktagen auf "
                       "Antwort zu „Angebot Q3“\\nKontakt:"));
  // libical's own prefixed TZID never reaches the output.
  EXPECT_FALSE(contains(*text, "freeassociation"));
}

TEST(IcalRender, LinesAreCrlfAndFoldedAtSeventyFiveOctets) {
  ReminderEvent event = berlin_reminder();
  event.description.clear();
  for (int i = 0; i < 40; ++i) event.description += "Grüße aus Köln äöüß ÄÖÜ – ";
  const auto text = render_reminder(event, 0);
  ASSERT_TRUE(text);
  std::size_t line_start = 0;
  while (line_start < text->size()) {
    const std::size_t end = text->find("\r\n", line_start);
    ASSERT_NE(end, std::string::npos) << "last line not terminated by CRLF";
    EXPECT_LE(end - line_start, 75U) << text->substr(line_start, end - line_start);
    EXPECT_EQ(text->substr(line_start, end - line_start).find('\n'), std::string::npos);
    line_start = end + 2;
  }
  // The description survives folding byte for byte (no UTF-8 sequence split).
  const std::string flat = unfold(*text);
  EXPECT_TRUE(contains(flat, event.description.substr(0, 200)));
}

TEST(IcalRender, DaylightSavingTimeInSummerAndWinter) {
  ReminderEvent event = berlin_reminder();
  for (const auto& [instant, local] :
       {std::pair{utc(2026, 7, 14, 7, 0), std::string("20260714T090000")},       // CEST, +02:00
        std::pair{utc(2026, 1, 14, 8, 0), std::string("20260114T090000")},       // CET, +01:00
        std::pair{utc(2026, 3, 29, 1, 0), std::string("20260329T030000")},       // first CEST hour
        std::pair{utc(2026, 10, 25, 0, 30), std::string("20261025T023000")},     // first 02:30
        std::pair{utc(2026, 10, 25, 1, 30), std::string("20261025T023000")}}) {  // second
    event.start = instant;
    event.end = instant + 3600;
    const auto text = render_reminder(event, 0);
    ASSERT_TRUE(text);
    EXPECT_TRUE(contains(*text, "DTSTART;TZID=Europe/Berlin:" + local)) << local;
    const auto read = read_event(*text, "UTC");
    ASSERT_TRUE(read);
    if (instant == utc(2026, 10, 25, 1, 30)) {
      // 02:30 on the night clocks go back occurs twice; RFC 5545 3.3.5: the first is meant, so
      // the second one reads back an hour early.
      EXPECT_EQ(read->start, utc(2026, 10, 25, 0, 30));
      continue;
    }
    EXPECT_EQ(read->start, instant) << local;
    // An hour after the first 02:30 is the second 02:30, which reads back as the first.
    if (instant != utc(2026, 10, 25, 0, 30)) {
      EXPECT_EQ(read->end, instant + 3600) << local;
    }
  }
}

TEST(IcalRender, UtcWhenNoZone) {
  ReminderEvent event = berlin_reminder();
  event.time_zone.clear();
  const auto text = render_reminder(event, 0);
  ASSERT_TRUE(text);
  EXPECT_TRUE(contains(*text, "DTSTART:20260714T070000Z\r\n"));
  EXPECT_FALSE(contains(*text, "VTIMEZONE"));
  const auto read = read_event(*text, "Europe/Berlin");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->start, event.start);
}

TEST(IcalRender, CompletedIsTransparentWithoutAlarm) {
  ReminderEvent event = berlin_reminder();
  event.completed = true;
  const auto text = render_reminder(event, 0);
  ASSERT_TRUE(text);
  EXPECT_TRUE(contains(*text, "X-NACHFASS-STATE:completed"));
  EXPECT_TRUE(contains(*text, "TRANSP:TRANSPARENT"));
  EXPECT_FALSE(contains(*text, "VALARM"));
  const auto read = read_event(*text, "UTC");
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->completed);
}

TEST(IcalRender, NegativeAlarmMinutesMeansNoAlarm) {
  ReminderEvent event = berlin_reminder();
  event.alarm_minutes_before = -1;
  const auto text = render_reminder(event, 0);
  ASSERT_TRUE(text);
  EXPECT_FALSE(contains(*text, "VALARM"));
  event.alarm_minutes_before = 0;
  EXPECT_TRUE(contains(*render_reminder(event, 0), "TRIGGER:PT0S"));
}

TEST(IcalRender, EmptyUrlAndDescriptionAreOmitted) {
  ReminderEvent event = berlin_reminder();
  event.url.clear();
  event.description.clear();
  const auto text = render_reminder(event, 0);
  ASSERT_TRUE(text);
  EXPECT_FALSE(contains(*text, "URL:"));
  EXPECT_FALSE(contains(*text, "\r\nDESCRIPTION:Sabine"));
}

TEST(IcalRender, TextIsEscapedAndControlCharactersCannotBreakLines) {
  ReminderEvent event = berlin_reminder();
  event.summary = "A, B; C\\D";
  event.description = "line one\r\nline two\rthree\x01";
  event.url = "mid:x@y\r\nX-INJECTED:1";
  event.key = "u-1\r\nX-INJECTED:2";
  const auto text = render_reminder(event, 0);
  ASSERT_TRUE(text);
  EXPECT_FALSE(contains(*text, "\r\nX-INJECTED"));
  EXPECT_TRUE(contains(unfold(*text), "SUMMARY:A\\, B\\; C\\\\D\r\n"));
  const auto read = read_event(*text, "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->summary, "A, B; C\\D");
}

TEST(IcalRender, UnknownZoneIsBadZone) {
  ReminderEvent event = berlin_reminder();
  for (const char* zone : {"Mars/Olympus_Mons", "Europe/Berlin\n", "../../etc/passwd",
                           "W. Europe Standard Time", "/mozilla.org/20050126_1/Europe/Berlin"}) {
    event.time_zone = zone;
    const auto text = render_reminder(event, 0);
    ASSERT_FALSE(text) << zone;
    EXPECT_EQ(text.error().id, "ical.bad_zone");
    EXPECT_EQ(text.error().scope, ErrorScope::item);
    EXPECT_EQ(text.error().message.find('\n'), std::string::npos);
  }
}

TEST(IcalRender, OtherZonesAndYearsRoundTrip) {
  ReminderEvent event = berlin_reminder();
  for (const char* zone : {"America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"}) {
    for (const UnixSeconds instant : {utc(2026, 1, 5, 10, 15), utc(2026, 6, 5, 10, 15),
                                      utc(2045, 6, 5, 10, 15), utc(1999, 12, 31, 23, 59)}) {
      event.time_zone = zone;
      event.start = instant;
      event.end = instant + 1800;
      const auto read = read_event(*render_reminder(event, 0), "UTC");
      ASSERT_TRUE(read);
      EXPECT_EQ(read->start, instant) << zone << " " << instant;
      EXPECT_EQ(read->end, instant + 1800) << zone << " " << instant;
    }
  }
}

// --- read_event on what other clients write -------------------------------------------------

std::string calendar(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

TEST(IcalRead, TzidWithoutVtimezoneUsesTheBuiltInZone) {
  const auto read = read_event(calendar("BEGIN:VEVENT\r\nUID:a\r\n"
                                        "DTSTART;TZID=Europe/Berlin:20260714T090000\r\n"
                                        "DTEND;TZID=Europe/Berlin:20260714T100000\r\n"
                                        "END:VEVENT\r\n"),
                               "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->start, utc(2026, 7, 14, 7, 0));
  EXPECT_EQ(read->end, utc(2026, 7, 14, 8, 0));
  EXPECT_EQ(read->nachfass_key, "");
  EXPECT_FALSE(read->completed);
}

TEST(IcalRead, TzidResolvedThroughTheObjectsVtimezone) {
  // A custom zone name only the VTIMEZONE defines (as Outlook writes), with offsets that differ
  // from any real zone, so a built-in lookup could not produce this instant.
  const auto read = read_event(calendar("BEGIN:VTIMEZONE\r\nTZID:Custom Zone\r\n"
                                        "BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
                                        "TZOFFSETFROM:+0330\r\nTZOFFSETTO:+0330\r\n"
                                        "END:STANDARD\r\nEND:VTIMEZONE\r\n"
                                        "BEGIN:VEVENT\r\nUID:a\r\n"
                                        "DTSTART;TZID=Custom Zone:20260714T090000\r\n"
                                        "DURATION:PT45M\r\nEND:VEVENT\r\n"),
                               "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->start, utc(2026, 7, 14, 5, 30));
  EXPECT_EQ(read->end, utc(2026, 7, 14, 6, 15));
}

TEST(IcalRead, MicrosoftZoneNamesWithoutVtimezone) {
  for (const auto& [tzid, expected] :
       {std::pair{"W. Europe Standard Time", utc(2026, 7, 14, 7, 0)},
        std::pair{"Romance Standard Time", utc(2026, 7, 14, 7, 0)},
        std::pair{"GMT Standard Time", utc(2026, 7, 14, 8, 0)},
        std::pair{"FLE Standard Time", utc(2026, 7, 14, 6, 0)},
        std::pair{"UTC", utc(2026, 7, 14, 9, 0)},
        std::pair{"(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien",
                  utc(2026, 7, 14, 7, 0)},
        std::pair{"/mozilla.org/20050126_1/Europe/Berlin", utc(2026, 7, 14, 7, 0)},
        std::pair{"/freeassociation.sourceforge.net/Europe/Berlin", utc(2026, 7, 14, 7, 0)}}) {
    const auto read = read_event(calendar(std::string("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=\"") +
                                          tzid + "\":20260714T090000\r\nEND:VEVENT\r\n"),
                                 "America/New_York");
    ASSERT_TRUE(read) << tzid;
    EXPECT_EQ(read->start, expected) << tzid;
    EXPECT_EQ(read->end, expected) << tzid;  // no DTEND, no DURATION: = DTSTART
  }
  EXPECT_EQ(iana_zone_for_windows_name("W. Europe Standard Time"), "Europe/Berlin");
  EXPECT_EQ(iana_zone_for_windows_name("Nowhere Standard Time"), "");
}

TEST(IcalRead, UnknownTzidIsUtc) {
  const auto read = read_event(calendar("BEGIN:VEVENT\r\nUID:a\r\n"
                                        "DTSTART;TZID=Nowhere/Special:20260714T090000\r\n"
                                        "END:VEVENT\r\n"),
                               "Europe/Berlin");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->start, utc(2026, 7, 14, 9, 0));
}

TEST(IcalRead, FloatingTimesAreReadInTheDefaultZone) {
  const std::string text = calendar(
      "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260114T090000\r\nDTEND:20260114T093000\r\n"
      "END:VEVENT\r\n");
  EXPECT_EQ(read_event(text, "Europe/Berlin")->start, utc(2026, 1, 14, 8, 0));
  EXPECT_EQ(read_event(text, "America/New_York")->start, utc(2026, 1, 14, 14, 0));
  EXPECT_EQ(read_event(text, "")->start, utc(2026, 1, 14, 9, 0));
  EXPECT_EQ(read_event(text, "Not/AZone")->start, utc(2026, 1, 14, 9, 0));
}

TEST(IcalRead, DateEventsAreLocalDays) {
  const auto one_day =
      read_event(calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260329\r\nEND:VEVENT\r\n"),
                 "Europe/Berlin");
  ASSERT_TRUE(one_day);
  EXPECT_EQ(one_day->start, utc(2026, 3, 28, 23, 0));
  EXPECT_EQ(one_day->end, utc(2026, 3, 29, 22, 0));  // the DST day has 23 hours
  const auto three_days =
      read_event(calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260328\r\n"
                          "DTEND;VALUE=DATE:20260331\r\nEND:VEVENT\r\n"),
                 "Europe/Berlin");
  ASSERT_TRUE(three_days);
  EXPECT_EQ(three_days->start, utc(2026, 3, 27, 23, 0));
  EXPECT_EQ(three_days->end, utc(2026, 3, 30, 22, 0));
  const auto by_duration =
      read_event(calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260328\r\nDURATION:P2D\r\n"
                          "END:VEVENT\r\n"),
                 "Europe/Berlin");
  ASSERT_TRUE(by_duration);
  EXPECT_EQ(by_duration->end, utc(2026, 3, 29, 22, 0));
}

TEST(IcalRead, DurationAcrossDstIsNominalForDays) {
  const auto read =
      read_event(calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20260328T090000\r\n"
                          "DURATION:P1DT1H\r\nEND:VEVENT\r\n"),
                 "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->start, utc(2026, 3, 28, 8, 0));
  EXPECT_EQ(read->end, utc(2026, 3, 29, 8, 0));  // 10:00 CEST next day
}

TEST(IcalRead, MasterIsTheEventWithoutRecurrenceId) {
  const auto read = read_event(
      calendar("BEGIN:VEVENT\r\nUID:r\r\nRECURRENCE-ID:20260715T090000Z\r\n"
               "DTSTART:20260715T100000Z\r\nSUMMARY:moved\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20260714T090000Z\r\nRRULE:FREQ=DAILY\r\n"
               "SUMMARY:master\r\nEND:VEVENT\r\n"),
      "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->summary, "master");
  EXPECT_EQ(read->start, utc(2026, 7, 14, 9, 0));
}

TEST(IcalRead, BadInputGivesErrors) {
  const auto expect_error = [](std::string_view text, const char* id) {
    const auto read = read_event(text, "Europe/Berlin");
    ASSERT_FALSE(read) << text;
    EXPECT_EQ(read.error().id, id) << text;
    EXPECT_EQ(read.error().scope, ErrorScope::item);
  };
  expect_error("", "ical.parse");
  expect_error("hello world", "ical.parse");
  expect_error("<html><body>502 Bad Gateway</body></html>", "ical.parse");
  expect_error("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n", "ical.parse");
  expect_error(calendar("BEGIN:VJOURNAL\r\nUID:t\r\nEND:VJOURNAL\r\n"), "ical.no_event");
  expect_error(calendar(""), "ical.no_event");
  expect_error(calendar("BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n"), "ical.parse");
  expect_error(calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n"),
               "ical.parse");
  expect_error(std::string("BEGIN:VCALENDAR\r\n\0\r\nEND:VCALENDAR\r\n", 35), "ical.parse");
  // A VEVENT without its END (Radicale's broken-vevent.ics has this shape).
  expect_error(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\n"
      "END:VCALENDAR\r\n",
      "ical.parse");
}

}  // namespace
}  // namespace nachfass::ical
