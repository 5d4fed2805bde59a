// merge_reminder: Nachfass's properties and alarm replaced, everything else kept.
#include <gtest/gtest.h>

#include <string>

#include "caldav/ical/ical.hpp"
#include "ical_test_util.hpp"

namespace nachfass::ical {
namespace {

using test::contains;
using test::count_of;
using test::unfold;
using test::utc;

ReminderEvent reminder() {
  ReminderEvent event;
  event.key = "u-0123456789ab";
  event.uid = reminder_uid(event.key);
  event.start = utc(2026, 7, 14, 7, 0);
  event.end = event.start + 1800;
  event.time_zone = "Europe/Berlin";
  event.summary = "Nachfassen: Müller GmbH – Angebot Q3";
  event.description = "Wartet seit 2 Werktagen";
  event.url = "mid:a@b";
  event.categories = {"Nachfass"};
  event.alarm_minutes_before = 30;
  return event;
}

// What a calendar object looks like after the user and Thunderbird touched a reminder: an
// attendee, their own alarm, Mozilla's X- properties, a foreign VJOURNAL in the object, SEQUENCE.
std::string edited_by_others() {
  ReminderEvent event = reminder();
  std::string text = *render_reminder(event, utc(2026, 7, 1));
  const std::string foreign =
      "SEQUENCE:4\r\n"
      "ATTENDEE;CN=Anna Vogel;PARTSTAT=ACCEPTED:mailto:anna.vogel@example.com\r\n"
      "LOCATION:Büro 3\r\n"
      "X-MOZ-GENERATION:7\r\n"
      "X-MOZ-LASTACK:20260714T065900Z\r\n"
      "BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT5M\r\nX-USER-ALARM:mine\r\nEND:VALARM\r\n";
  text.insert(text.find("END:VEVENT"), foreign);
  text.insert(text.find("END:VCALENDAR"),
              "BEGIN:VJOURNAL\r\nUID:journal-1\r\nSUMMARY:unrelated\r\nEND:VJOURNAL\r\n");
  return text;
}

TEST(IcalMerge, KeepsForeignPropertiesAlarmsAndAttendeesAndBumpsSequence) {
  ReminderEvent changed = reminder();
  changed.summary = "Nachfassen: Müller GmbH – Angebot Q4";
  changed.start = utc(2026, 7, 15, 12, 0);
  changed.end = changed.start + 3600;
  changed.alarm_minutes_before = 10;
  const auto merged = merge_reminder(edited_by_others(), changed, utc(2026, 7, 14, 8, 0));
  ASSERT_TRUE(merged) << merged.error().to_string();
  const std::string flat = unfold(*merged);
  EXPECT_TRUE(
      contains(flat, "ATTENDEE;CN=Anna Vogel;PARTSTAT=ACCEPTED:mailto:anna.vogel@example.com"));
  EXPECT_TRUE(contains(flat, "LOCATION:Büro 3"));
  EXPECT_TRUE(contains(flat, "X-MOZ-GENERATION:7"));
  EXPECT_TRUE(contains(flat, "X-MOZ-LASTACK:20260714T065900Z"));
  EXPECT_TRUE(contains(flat, "X-USER-ALARM:mine"));
  EXPECT_TRUE(contains(flat, "BEGIN:VJOURNAL\r\nUID:journal-1"));
  EXPECT_TRUE(contains(flat, "SEQUENCE:5\r\n"));
  EXPECT_EQ(count_of(flat, "SEQUENCE:"), 1U);
  EXPECT_EQ(count_of(flat, "BEGIN:VALARM"), 2U);
  EXPECT_EQ(count_of(flat, "X-NACHFASS-ALARM:1"), 1U);
  EXPECT_TRUE(contains(flat, "TRIGGER:-PT10M"));
  EXPECT_FALSE(contains(flat, "TRIGGER:-PT30M"));
  EXPECT_EQ(count_of(flat, "SUMMARY:Nachfassen"), 1U);
  EXPECT_EQ(count_of(flat, "DTSTART;TZID=Europe/Berlin:"), 1U);
  EXPECT_EQ(count_of(flat, "BEGIN:VTIMEZONE"), 1U);
  EXPECT_TRUE(contains(flat, "DTSTAMP:20260714T080000Z"));
  EXPECT_EQ(count_of(flat, "DTSTAMP:"), 1U);
  EXPECT_EQ(count_of(flat, "X-NACHFASS-KEY:"), 1U);

  const auto read = read_event(*merged, "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->summary, changed.summary);
  EXPECT_EQ(read->start, changed.start);
  EXPECT_EQ(read->end, changed.end);
  EXPECT_EQ(read->nachfass_key, changed.key);

  // Merging again bumps again and stays stable otherwise.
  const auto twice = merge_reminder(*merged, changed, utc(2026, 7, 14, 8, 0));
  ASSERT_TRUE(twice);
  EXPECT_TRUE(contains(*twice, "SEQUENCE:6\r\n"));
  EXPECT_EQ(count_of(*twice, "BEGIN:VALARM"), 2U);
}

TEST(IcalMerge, CompletedRemovesOnlyNachfassAlarm) {
  ReminderEvent done = reminder();
  done.completed = true;
  const auto merged = merge_reminder(edited_by_others(), done, 0);
  ASSERT_TRUE(merged);
  EXPECT_EQ(count_of(*merged, "BEGIN:VALARM"), 1U);
  EXPECT_TRUE(contains(*merged, "X-USER-ALARM:mine"));
  EXPECT_TRUE(contains(*merged, "TRANSP:TRANSPARENT"));
  EXPECT_TRUE(read_event(*merged, "UTC")->completed);
}

TEST(IcalMerge, ReplacesDurationAndChangesZone) {
  const std::string existing =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\n"
      "UID:u-0123456789ab@nachfass.reminder\r\nDTSTAMP:20260101T000000Z\r\n"
      "DTSTART;TZID=W. Europe Standard Time:20260714T090000\r\nDURATION:PT2H\r\n"
      "CATEGORIES:Arbeit,Kunde\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  ReminderEvent event = reminder();
  event.time_zone = "America/New_York";
  const auto merged = merge_reminder(existing, event, 0);
  ASSERT_TRUE(merged) << merged.error().to_string();
  EXPECT_FALSE(contains(*merged, "DURATION"));
  EXPECT_FALSE(contains(*merged, "W. Europe"));
  EXPECT_FALSE(contains(*merged, "Arbeit"));
  EXPECT_TRUE(contains(*merged, "SEQUENCE:1\r\n"));
  EXPECT_TRUE(contains(*merged, "TZID:America/New_York"));
  const auto read = read_event(*merged, "UTC");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->start, event.start);
  EXPECT_EQ(read->end, event.end);
}

TEST(IcalMerge, ReplacesAStaleVtimezoneOfTheSameName) {
  // A VTIMEZONE "Europe/Berlin" without DST, as a broken client might have left it.
  const std::string existing =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n"
      "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
      "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
      "BEGIN:VEVENT\r\nUID:u-0123456789ab@nachfass.reminder\r\n"
      "DTSTART;TZID=Europe/Berlin:20260714T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  const auto merged = merge_reminder(existing, reminder(), 0);
  ASSERT_TRUE(merged);
  EXPECT_EQ(count_of(*merged, "BEGIN:VTIMEZONE"), 1U);
  EXPECT_EQ(read_event(*merged, "UTC")->start, reminder().start);
}

TEST(IcalMerge, Errors) {
  EXPECT_EQ(merge_reminder("not ical", reminder(), 0).error().id, "ical.parse");
  const std::string other =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:someone-else\r\n"
      "DTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  EXPECT_EQ(merge_reminder(other, reminder(), 0).error().id, "ical.no_event");
  ReminderEvent bad_zone = reminder();
  bad_zone.time_zone = "Nowhere/Land";
  EXPECT_EQ(merge_reminder(*render_reminder(reminder(), 0), bad_zone, 0).error().id,
            "ical.bad_zone");
}

}  // namespace
}  // namespace nachfass::ical
