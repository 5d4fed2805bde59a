// calendar_items: the user's events as the detectors read them (absences from all-day events,
// seminars with their attendees), from iCalendar as Thunderbird, Apple Calendar, Outlook and
// Google write it.
#include <gtest/gtest.h>

#include <date/tz.h>
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "caldav/ical/ical.hpp"
#include "core/business_calendar.hpp"
#include "ical_test_util.hpp"

namespace nachfass::ical {
namespace {

using test::utc;

std::string calendar(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

std::string event(const std::string& body) {
  return "BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n" + body + "END:VEVENT\r\n";
}

// Europe/Berlin as Thunderbird embeds it.
const std::string berlin_vtimezone =
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

// The whole of 2026 unless a test says otherwise.
const UnixSeconds year_from = utc(2026, 1, 1);
const UnixSeconds year_to = utc(2027, 1, 1);

std::vector<CalendarItem> items_of(const std::string& text, UnixSeconds from = year_from,
                                   UnixSeconds to = year_to,
                                   std::string_view zone = "Europe/Berlin") {
  auto items = calendar_items(text, from, to, zone);
  EXPECT_TRUE(items) << (items ? "" : items.error().to_string());
  return items ? *items : std::vector<CalendarItem>();
}

std::chrono::year_month_day local_date(UnixSeconds instant, const char* zone) {
  const BusinessCalendar business(date::locate_zone(zone), BusinessHours{},
                                  *HolidayRegion::parse("none"), {});
  return business.local_date(instant);
}

std::chrono::year_month_day ymd(int year, unsigned month, unsigned day) {
  return std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day};
}

TEST(CalendarItems, AllDayVacationOverSeveralDaysIsLocalMidnightToMidnight) {
  // Thunderbird: two weeks of holidays, 2026-07-06 (Mon) to 2026-07-17 (Fri) inclusive.
  const std::string text = calendar(event(
      "UID:urlaub-2026@thunderbird\r\nSUMMARY:Urlaub\r\nDTSTART;VALUE=DATE:20260706\r\n"
      "DTEND;VALUE=DATE:20260718\r\nTRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 1U);
  const CalendarItem& item = items[0];
  EXPECT_EQ(item.uid, "urlaub-2026@thunderbird");
  EXPECT_EQ(item.title, "Urlaub");
  EXPECT_TRUE(item.all_day);
  // CEST (UTC+2): local midnight is 22:00 UTC the day before.
  EXPECT_EQ(item.start, utc(2026, 7, 5, 22));
  EXPECT_EQ(item.end, utc(2026, 7, 17, 22));
  EXPECT_EQ(local_date(item.start, "Europe/Berlin"), ymd(2026, 7, 6));
  EXPECT_EQ(local_date(item.end - 1, "Europe/Berlin"), ymd(2026, 7, 17));
  EXPECT_EQ(local_date(item.end, "Europe/Berlin"), ymd(2026, 7, 18));
  EXPECT_TRUE(item.attendees.empty());
}

TEST(CalendarItems, AllDayDateFallsOnItsLocalDayInAnyUserZone) {
  const std::string text =
      calendar(event("UID:ooo@example.com\r\nSUMMARY:Out of office\r\n"
                     "DTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260304\r\n"));
  for (const char* zone : {"Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "UTC"}) {
    const auto items = items_of(text, year_from, year_to, zone);
    ASSERT_EQ(items.size(), 1U) << zone;
    EXPECT_TRUE(items[0].all_day) << zone;
    EXPECT_EQ(local_date(items[0].start, zone), ymd(2026, 3, 2)) << zone;
    EXPECT_EQ(local_date(items[0].end - 1, zone), ymd(2026, 3, 3)) << zone;
    EXPECT_EQ(items[0].end - items[0].start, 2 * 86400) << zone;
  }
}

TEST(CalendarItems, AllDayWithoutDtendIsOneDay) {
  // RFC 5545 3.6.1: a DATE DTSTART without DTEND or DURATION lasts one day.
  const std::string text = calendar(
      event("UID:abwesend@example.com\r\nSUMMARY:Abwesend\r\nDTSTART;VALUE=DATE:20261123\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_TRUE(items[0].all_day);
  EXPECT_EQ(items[0].start, utc(2026, 11, 22, 23));  // CET: UTC+1
  EXPECT_EQ(items[0].end, utc(2026, 11, 23, 23));
}

TEST(CalendarItems, AllDayOverTheDstChangeEndsAtLocalMidnight) {
  // 2026-03-29 has 23 hours in Berlin.
  const std::string text =
      calendar(event("UID:dst@example.com\r\nSUMMARY:Urlaub\r\nDTSTART;VALUE=DATE:20260328\r\n"
                     "DURATION:P3D\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].start, utc(2026, 3, 27, 23));
  EXPECT_EQ(items[0].end, utc(2026, 3, 30, 22));
  EXPECT_EQ(local_date(items[0].end, "Europe/Berlin"), ymd(2026, 3, 31));
}

TEST(CalendarItems, TimedSeminarWithAttendees) {
  // Outlook-style invitation: the organizer is also listed as attendee, one participant
  // declined, a room is booked, addresses in mixed case, one line folded, one attendee without
  // a mail address, one listed twice, and a title with escaped characters folded over two lines.
  const std::string text = calendar(
      berlin_vtimezone +
      event(
          "UID:040000008200E00074C5B7101A82E008000000001@outlook\r\n"
          "SUMMARY;LANGUAGE=de-DE:Schnupperseminar\\, Teil 1: CRM im Vertrieb \\; mit Pra\r\n"
          " xisbeispielen\r\n"
          "DTSTART;TZID=Europe/Berlin:20260415T090000\r\n"
          "DTEND;TZID=Europe/Berlin:20260415T123000\r\n"
          "ORGANIZER;CN=Anna Vogel:mailto:Anna.Vogel@Example.com\r\n"
          "ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED;CN=Anna Vogel:mailto:anna.vogel@example.com\r\n"
          "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Sabine Keller;RSVP=TRUE:MAILTO:S.\r\n"
          " Keller@Mueller.DE\r\n"
          "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=\"Braun, Jonas\":mailto:j.braun@schmidt-bau.de\r\n"
          "ATTENDEE;PARTSTAT=DECLINED:mailto:absage@weber.de\r\n"
          "ATTENDEE;CUTYPE=ROOM;CN=Schulungsraum 2:mailto:raum2@example.com\r\n"
          "ATTENDEE;CN=Gast ohne Adresse:urn:uuid:7a7d3c0e-0000-4000-8000-000000000001\r\n"
          "ATTENDEE;PARTSTAT=TENTATIVE:mailto:s.keller@mueller.de\r\n"
          "ATTENDEE:mailto:info%40lang-gmbh.de\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 1U);
  const CalendarItem& item = items[0];
  EXPECT_EQ(item.title, "Schnupperseminar, Teil 1: CRM im Vertrieb ; mit Praxisbeispielen");
  EXPECT_FALSE(item.all_day);
  EXPECT_EQ(item.uid, "040000008200E00074C5B7101A82E008000000001@outlook");
  EXPECT_EQ(item.start, utc(2026, 4, 15, 7));
  EXPECT_EQ(item.end, utc(2026, 4, 15, 10, 30));
  EXPECT_EQ(item.attendees,
            (std::vector<std::string>{"s.keller@mueller.de", "j.braun@schmidt-bau.de",
                                      "info@lang-gmbh.de"}));
}

TEST(CalendarItems, WeeklyRecurringAllDayEventGivesOneItemPerOccurrence) {
  // Weekly on Fridays from 2026-05-01, an exception on 05-15 and the 05-22 instance moved to
  // Thursday with another title.
  const std::string text =
      calendar(event("UID:homeoffice@example.com\r\nSUMMARY:Homeoffice\r\n"
                     "DTSTART;VALUE=DATE:20260501\r\nDTEND;VALUE=DATE:20260502\r\n"
                     "RRULE:FREQ=WEEKLY;BYDAY=FR\r\nEXDATE;VALUE=DATE:20260515\r\n") +
               event("UID:homeoffice@example.com\r\nSUMMARY:Abwesend\r\n"
                     "RECURRENCE-ID;VALUE=DATE:20260522\r\n"
                     "DTSTART;VALUE=DATE:20260521\r\nDTEND;VALUE=DATE:20260522\r\n"));
  const auto items = items_of(text, utc(2026, 4, 20), utc(2026, 6, 1));
  std::vector<std::string> uids;
  for (const auto& item : items) {
    uids.push_back(item.uid);
    EXPECT_TRUE(item.all_day) << item.uid;
    EXPECT_EQ(item.end - item.start, 86400) << item.uid;
  }
  EXPECT_EQ(uids, (std::vector<std::string>{
                      "homeoffice@example.com/20260501", "homeoffice@example.com/20260508",
                      "homeoffice@example.com/20260522", "homeoffice@example.com/20260529"}));
  ASSERT_EQ(items.size(), 4U);
  EXPECT_EQ(items[2].title, "Abwesend");
  EXPECT_EQ(local_date(items[2].start, "Europe/Berlin"), ymd(2026, 5, 21));
  EXPECT_EQ(items[3].title, "Homeoffice");
  EXPECT_EQ(local_date(items[3].start, "Europe/Berlin"), ymd(2026, 5, 29));
}

TEST(CalendarItems, RecurringFromLongAgoIsExpandedInTheRangeOnly) {
  // A yearly company holiday since 2015, read for December 2026.
  const std::string text = calendar(
      event("UID:betriebsferien@example.com\r\nSUMMARY:Betriebsferien\r\n"
            "DTSTART;VALUE=DATE:20151224\r\nDTEND;VALUE=DATE:20160102\r\nRRULE:FREQ=YEARLY\r\n"));
  const auto items = items_of(text, utc(2026, 12, 1), utc(2027, 1, 1));
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].uid, "betriebsferien@example.com/20261224");
  EXPECT_EQ(local_date(items[0].start, "Europe/Berlin"), ymd(2026, 12, 24));
  EXPECT_EQ(local_date(items[0].end - 1, "Europe/Berlin"), ymd(2027, 1, 1));
  // The 2025 instance reaches into January 2026: it counts there, not clipped.
  const auto january = items_of(text, utc(2026, 1, 1), utc(2026, 1, 10));
  ASSERT_EQ(january.size(), 1U);
  EXPECT_EQ(january[0].uid, "betriebsferien@example.com/20251224");
  EXPECT_EQ(january[0].start, utc(2025, 12, 23, 23));
}

TEST(CalendarItems, TimedRecurrenceIdsAreUtc) {
  const std::string text =
      calendar(berlin_vtimezone +
               event("UID:jour-fixe@example.com\r\nSUMMARY:Jour fixe\r\n"
                     "DTSTART;TZID=Europe/Berlin:20260105T093000\r\nDURATION:PT30M\r\n"
                     "RRULE:FREQ=WEEKLY;COUNT=3\r\n") +
               event("UID:jour-fixe@example.com\r\nSUMMARY:Jour fixe (verschoben)\r\n"
                     "RECURRENCE-ID;TZID=Europe/Berlin:20260112T093000\r\n"
                     "DTSTART;TZID=Europe/Berlin:20260113T140000\r\n"
                     "DTEND;TZID=Europe/Berlin:20260113T143000\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(items[0].uid, "jour-fixe@example.com/20260105T083000Z");
  EXPECT_EQ(items[1].uid, "jour-fixe@example.com/20260112T083000Z");
  EXPECT_EQ(items[1].title, "Jour fixe (verschoben)");
  EXPECT_EQ(items[1].start, utc(2026, 1, 13, 13));
  EXPECT_EQ(items[2].uid, "jour-fixe@example.com/20260119T083000Z");
  EXPECT_EQ(items[2].end - items[2].start, 30 * 60);
}

TEST(CalendarItems, CancelledEventsAndInstancesAreLeftOut) {
  const std::string text = calendar(
      event("UID:abgesagt@example.com\r\nSUMMARY:Seminar (abgesagt)\r\nSTATUS:CANCELLED\r\n"
            "DTSTART:20260610T080000Z\r\nDTEND:20260610T100000Z\r\n"
            "ATTENDEE:mailto:kunde@mueller.de\r\n") +
      event("UID:reihe@example.com\r\nSUMMARY:Webinar\r\nSTATUS:CONFIRMED\r\n"
            "DTSTART:20260601T080000Z\r\nDTEND:20260601T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n") +
      event("UID:reihe@example.com\r\nSUMMARY:Webinar\r\nSTATUS:CANCELLED\r\n"
            "RECURRENCE-ID:20260602T080000Z\r\n"
            "DTSTART:20260602T080000Z\r\nDTEND:20260602T090000Z\r\n"));
  const auto items = items_of(text);
  std::vector<std::string> uids;
  for (const auto& item : items) uids.push_back(item.uid);
  EXPECT_EQ(uids, (std::vector<std::string>{"reihe@example.com/20260601T080000Z",
                                            "reihe@example.com/20260603T080000Z"}));
}

TEST(CalendarItems, TransparentEventsCount) {
  const std::string text =
      calendar(event("UID:frei@example.com\r\nSUMMARY:Out of Office\r\nTRANSP:TRANSPARENT\r\n"
                     "DTSTART:20260910T000000Z\r\nDTEND:20260911T000000Z\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_FALSE(items[0].all_day) << "a DATE-TIME span is not all-day";
}

TEST(CalendarItems, TimeZonesAsOtherClientsWriteThem) {
  const std::string text = calendar(
      // Outlook: a Windows zone name without VTIMEZONE.
      event("UID:outlook@example.com\r\nSUMMARY:Kundentermin\r\n"
            "DTSTART;TZID=W. Europe Standard Time:20260203T100000\r\n"
            "DTEND;TZID=W. Europe Standard Time:20260203T110000\r\n") +
      // Apple: an IANA zone, no VTIMEZONE in the object.
      event("UID:apple@example.com\r\nSUMMARY:Call New York\r\n"
            "DTSTART;TZID=America/New_York:20260203T100000\r\n"
            "DTEND;TZID=America/New_York:20260203T103000\r\n") +
      // Thunderbird's prefixed TZID.
      event("UID:mozilla@example.com\r\nSUMMARY:Messe\r\n"
            "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260204T090000\r\n"
            "DTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260204T170000\r\n") +
      // Floating: read in the user's zone.
      event("UID:floating@example.com\r\nSUMMARY:Floating\r\n"
            "DTSTART:20260205T120000\r\nDTEND:20260205T130000\r\n") +
      // UTC.
      event("UID:utc@example.com\r\nSUMMARY:UTC\r\n"
            "DTSTART:20260206T120000Z\r\nDTEND:20260206T130000Z\r\n"));
  const auto items = items_of(text);
  ASSERT_EQ(items.size(), 5U);
  EXPECT_EQ(items[0].uid, "outlook@example.com");
  EXPECT_EQ(items[0].start, utc(2026, 2, 3, 9));
  EXPECT_EQ(items[1].uid, "apple@example.com");
  EXPECT_EQ(items[1].start, utc(2026, 2, 3, 15));
  EXPECT_EQ(items[1].end, utc(2026, 2, 3, 15, 30));
  EXPECT_EQ(items[2].uid, "mozilla@example.com");
  EXPECT_EQ(items[2].start, utc(2026, 2, 4, 8));
  EXPECT_EQ(items[3].uid, "floating@example.com");
  EXPECT_EQ(items[3].start, utc(2026, 2, 5, 11));
  EXPECT_EQ(items[4].start, utc(2026, 2, 6, 12));
  for (const auto& item : items) EXPECT_FALSE(item.all_day) << item.uid;
}

TEST(CalendarItems, RangeSelectsOverlappingOccurrences) {
  const std::string text =
      calendar(event("UID:before@example.com\r\nSUMMARY:before\r\n"
                     "DTSTART:20260301T080000Z\r\nDTEND:20260301T090000Z\r\n") +
               event("UID:across@example.com\r\nSUMMARY:across\r\n"
                     "DTSTART:20260301T230000Z\r\nDTEND:20260302T010000Z\r\n") +
               event("UID:point@example.com\r\nSUMMARY:point\r\nDTSTART:20260302T120000Z\r\n") +
               event("UID:after@example.com\r\nSUMMARY:after\r\n"
                     "DTSTART:20260303T000000Z\r\nDTEND:20260303T010000Z\r\n"));
  const auto items = items_of(text, utc(2026, 3, 2), utc(2026, 3, 3));
  std::vector<std::string> uids;
  for (const auto& item : items) uids.push_back(item.uid);
  EXPECT_EQ(uids, (std::vector<std::string>{"across@example.com", "point@example.com"}));
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0].start, utc(2026, 3, 1, 23)) << "not clipped to the range";
  EXPECT_EQ(items[1].end, items[1].start);
}

TEST(CalendarItems, BadInputIsAnItemError) {
  auto garbage = calendar_items("this is not a calendar", year_from, year_to, "Europe/Berlin");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().id, "ical.parse");
  EXPECT_EQ(garbage.error().scope, ErrorScope::item);
  auto journal_only = calendar_items(
      calendar("BEGIN:VJOURNAL\r\nUID:t@example.com\r\nSUMMARY:Notiz\r\nEND:VJOURNAL\r\n"),
      year_from, year_to, "Europe/Berlin");
  ASSERT_FALSE(journal_only);
  EXPECT_EQ(journal_only.error().id, "ical.no_event");
  auto no_start = calendar_items(calendar(event("UID:x@example.com\r\nSUMMARY:x\r\n")), year_from,
                                 year_to, "Europe/Berlin");
  ASSERT_FALSE(no_start);
  EXPECT_EQ(no_start.error().id, "ical.parse");
  // Control characters in a title do not survive; hostile attendee values are dropped.
  const auto items = items_of(calendar(
      event("UID:ctl@example.com\r\nSUMMARY:Urlaub\\nzweite Zeile\r\n"
            "DTSTART;VALUE=DATE:20260801\r\n"
            "ATTENDEE:mailto:\r\nATTENDEE:mailto:a@b@c\r\nATTENDEE:mailto:x%0Ay@example.com\r\n"
            "ATTENDEE:mailto:@example.com\r\nATTENDEE:mailto:ok@example.com?subject=hi\r\n")));
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].title, "Urlaub zweite Zeile");
  EXPECT_EQ(items[0].attendees, std::vector<std::string>{"ok@example.com"});
}

TEST(CalendarItems, EndlessMinutelyRuleIsBounded) {
  const std::string text =
      calendar(event("UID:minutely@example.com\r\nSUMMARY:Minutely\r\nDTSTART:19700101T080000Z\r\n"
                     "DTEND:19700101T081500Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=1\r\n"));
  const auto start = std::chrono::steady_clock::now();
  auto items = calendar_items(text, utc(2000, 1, 1), utc(2030, 1, 1), "Europe/Berlin");
  ASSERT_TRUE(items);
  EXPECT_LE(items->size(), 10'000U);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace nachfass::ical
