#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/reconcile.hpp"
#include "reminder_test_support.hpp"

namespace nachfass {
namespace {

using test::at;

Finding keller() {
  Finding f;
  f.key = "u-2991d36a2b62";
  f.kind = FindingKind::unanswered;
  f.customer = "Müller GmbH";
  f.contact = "s.keller@mueller.de";
  f.contact_name = "Sabine Keller";
  f.subject = "Angebot Q3";
  f.thread_root = "root@mueller.de";
  f.awaiting = "abc.123@mueller.de";
  f.since = at("2026-11-16 09:12 +01:00");
  f.waiting_business_days = 6;
  f.severity = 60;
  f.reason = "Sabine Keller (mueller.de) wartet seit 6 Werktagen auf Antwort zu „Angebot Q3“";
  return f;
}

ReminderSettings german() {
  ReminderSettings settings;
  settings.language = Language::de;
  settings.time_zone = "Europe/Berlin";
  settings.alarm_minutes_before = 10;
  return settings;
}

ReminderSettings english() {
  ReminderSettings settings = german();
  settings.language = Language::en;
  return settings;
}

TEST(ReminderText, GermanEventHasEveryPart) {
  const ReminderEvent event = reminder_text(keller(), german(), false);
  EXPECT_EQ(event.key, "u-2991d36a2b62");
  EXPECT_EQ(event.uid, "u-2991d36a2b62@nachfass.reminder");
  EXPECT_EQ(event.time_zone, "Europe/Berlin");
  EXPECT_EQ(event.alarm_minutes_before, 10);
  EXPECT_FALSE(event.completed);
  EXPECT_EQ(event.start, 0);
  EXPECT_EQ(event.end, 0);
  EXPECT_EQ(event.summary, "Nachfassen: Müller GmbH – Angebot Q3");
  EXPECT_EQ(event.url, "mid:abc.123@mueller.de");
  EXPECT_EQ(event.categories, (std::vector<std::string>{"Nachfass", "Unbeantwortet"}));
  EXPECT_EQ(event.description,
            "Sabine Keller (Müller GmbH) wartet auf Antwort zu „Angebot Q3“\n"
            "Wartet seit Mo, 16.11.2026 09:12\n"
            "Kontakt: Sabine Keller <s.keller@mueller.de>\n"
            "Nachricht öffnen: mid:abc.123@mueller.de\n"
            "Schlüssel: u-2991d36a2b62 – ausblenden mit „nachfass dismiss u-2991d36a2b62“");
}

TEST(ReminderText, EnglishEventHasEveryPart) {
  Finding f = keller();
  f.reason = "Sabine Keller (mueller.de) has been waiting 6 business days for a reply";
  const ReminderEvent event = reminder_text(f, english(), false);
  EXPECT_EQ(event.summary, "Follow up: Müller GmbH – Angebot Q3");
  EXPECT_EQ(event.categories, (std::vector<std::string>{"Nachfass", "Unanswered"}));
  EXPECT_EQ(event.description,
            "Sabine Keller (Müller GmbH) is waiting for a reply to “Angebot Q3”\n"
            "Waiting since Mon 16 Nov 2026 09:12\n"
            "Contact: Sabine Keller <s.keller@mueller.de>\n"
            "Open the message: mid:abc.123@mueller.de\n"
            "Key: u-2991d36a2b62 – dismiss it with \"nachfass dismiss u-2991d36a2b62\"");
}

TEST(ReminderText, CompletedSaysDone) {
  const ReminderEvent de = reminder_text(keller(), german(), true);
  EXPECT_TRUE(de.completed);
  EXPECT_EQ(de.summary, "Erledigt: Müller GmbH – Angebot Q3");
  EXPECT_TRUE(de.description.starts_with("Erledigt: ")) << de.description;
  const ReminderEvent en = reminder_text(keller(), english(), true);
  EXPECT_EQ(en.summary, "Done: Müller GmbH – Angebot Q3");
  EXPECT_NE(reminder_fingerprint(de),
            reminder_fingerprint(reminder_text(keller(), german(), false)));
}

TEST(ReminderText, SinceIsShownInTheSettingsZone) {
  ReminderSettings settings = english();
  settings.time_zone = "America/New_York";
  const ReminderEvent event = reminder_text(keller(), settings, false);
  // 08:12 UTC is 03:12 in New York (EST, -05:00).
  EXPECT_NE(event.description.find("since Mon 16 Nov 2026 03:12"), std::string::npos)
      << event.description;
  // Summer time in Berlin: 2026-07-06 10:00 +02:00.
  Finding summer = keller();
  summer.since = at("2026-07-06 10:00 +02:00");
  EXPECT_NE(reminder_text(summer, german(), false).description.find("seit Mo, 06.07.2026 10:00"),
            std::string::npos);
}

TEST(ReminderText, UnknownZoneFallsBackToUtc) {
  ReminderSettings settings = german();
  settings.time_zone = "Mars/Olympus_Mons";
  const ReminderEvent event = reminder_text(keller(), settings, false);
  EXPECT_NE(event.description.find("seit Mo, 16.11.2026 08:12"), std::string::npos)
      << event.description;
  EXPECT_EQ(event.time_zone, "Mars/Olympus_Mons");
}

TEST(ReminderText, EmptyCustomerOrSubjectLeavesNoDanglingDash) {
  Finding no_subject = keller();
  no_subject.subject.clear();
  EXPECT_EQ(reminder_text(no_subject, german(), false).summary, "Nachfassen: Müller GmbH");

  Finding no_customer = keller();
  no_customer.customer.clear();
  EXPECT_EQ(reminder_text(no_customer, german(), false).summary,
            "Nachfassen: Sabine Keller – Angebot Q3");
  no_customer.contact_name.clear();
  EXPECT_EQ(reminder_text(no_customer, english(), false).summary,
            "Follow up: s.keller@mueller.de – Angebot Q3");

  Finding nothing = keller();
  nothing.customer.clear();
  nothing.subject.clear();
  nothing.contact.clear();
  nothing.contact_name.clear();
  nothing.awaiting.clear();
  nothing.reason.clear();
  const ReminderEvent bare = reminder_text(nothing, german(), false);
  EXPECT_EQ(bare.summary, "Nachfassen: Unbeantwortet");
  EXPECT_EQ(bare.url, "");
  EXPECT_EQ(bare.description.find(" – \n"), std::string::npos);
  EXPECT_EQ(bare.description.find("Kontakt"), std::string::npos);
  EXPECT_EQ(bare.description.find("mid:"), std::string::npos);
  EXPECT_EQ(bare.description.front(), 'W') << bare.description;
}

TEST(ReminderText, LineBreaksInMailFieldsDoNotBreakTheSummary) {
  Finding f = keller();
  f.subject = "Angebot\r\n\tQ3 ";
  f.customer = " Müller\nGmbH";
  EXPECT_EQ(reminder_text(f, german(), false).summary, "Nachfassen: Müller GmbH – Angebot Q3");
}

TEST(ReminderText, TextStaysTheSameWhileTheWaitGrows) {
  // A text that counted the days would rewrite every reminder once a working day.
  Finding f = keller();
  Finding later = f;
  later.waiting_business_days = f.waiting_business_days + 3;
  later.reason = "Sabine Keller (mueller.de) wartet seit 9 Werktagen auf Antwort zu „Angebot Q3“";
  later.severity = f.severity + 20;
  EXPECT_EQ(reminder_text(later, german(), false), reminder_text(f, german(), false));
  EXPECT_EQ(reminder_fingerprint(reminder_text(later, english(), false)),
            reminder_fingerprint(reminder_text(f, english(), false)));
  f.due = f.since + 2 * 86400;
  EXPECT_NE(reminder_text(f, german(), false).description.find("Antwortfrist abgelaufen am "),
            std::string::npos);
  EXPECT_NE(reminder_text(f, english(), false).description.find("reply was due "),
            std::string::npos);
}

TEST(ReminderText, MidUrlEscapesWhatUrlsCannotCarry) {
  Finding f = keller();
  f.awaiting = "a b%c/d?e#f@x";
  EXPECT_EQ(reminder_text(f, german(), false).url, "mid:a%20b%25c%2Fd%3Fe%23f@x");
}

TEST(ReminderText, KindLabelsInBothLanguages) {
  const std::vector<std::pair<FindingKind, std::pair<std::string, std::string>>> rows{
      {FindingKind::unanswered, {"Unbeantwortet", "Unanswered"}},
      {FindingKind::stalled, {"Ins Stocken geraten", "Stalled"}},
      {FindingKind::lapsing, {"Auslaufend", "Lapsing"}},
      {FindingKind::quiet, {"Still geworden", "Gone quiet"}},
      {FindingKind::absence, {"Abwesenheit", "Absence"}},
  };
  for (const auto& [kind, labels] : rows) {
    Finding f = keller();
    f.kind = kind;
    EXPECT_EQ(reminder_text(f, german(), false).categories.at(1), labels.first);
    EXPECT_EQ(reminder_text(f, english(), false).categories.at(1), labels.second);
  }
}

// --- fingerprint -----------------------------------------------------------------------------

TEST(ReminderFingerprint, StableHexAndBlindToTimeAndUid) {
  const ReminderEvent event = reminder_text(keller(), german(), false);
  const std::string fingerprint = reminder_fingerprint(event);
  EXPECT_EQ(fingerprint.size(), 16U);
  EXPECT_EQ(fingerprint.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(fingerprint, reminder_fingerprint(reminder_text(keller(), german(), false)));
  ReminderEvent moved = event;
  moved.start = 1'800'000'000;
  moved.end = 1'800'001'800;
  moved.uid = "other";
  EXPECT_EQ(reminder_fingerprint(moved), fingerprint);
}

TEST(ReminderFingerprint, EveryContentFieldCounts) {
  const ReminderEvent base = reminder_text(keller(), german(), false);
  std::vector<ReminderEvent> variants(9, base);
  variants[0].key += "x";
  variants[1].summary += "x";
  variants[2].description += "x";
  variants[3].url += "x";
  variants[4].categories.push_back("x");
  variants[5].alarm_minutes_before = -1;
  variants[6].completed = true;
  variants[7].time_zone = "UTC";
  // Length prefixes: moving a character from one field to the next changes the digest.
  variants[8].summary = base.summary + base.description.substr(0, 1);
  variants[8].description = base.description.substr(1);
  std::set<std::string> seen{reminder_fingerprint(base)};
  for (const ReminderEvent& variant : variants) {
    EXPECT_TRUE(seen.insert(reminder_fingerprint(variant)).second);
  }
}

TEST(ReminderFingerprint, KnownValueDoesNotDrift) {
  // Stored rows carry fingerprints: a change of the digest would rewrite every reminder once.
  ReminderEvent event;
  event.key = "u-000000000001";
  event.summary = "Nachfassen: A – B";
  event.categories = {"Nachfass", "Unbeantwortet"};
  event.time_zone = "Europe/Berlin";
  // FNV-1a 64 over the length-prefixed fields (lengths and numbers as 8 bytes little-endian),
  // recomputed independently with a few lines of Python.
  EXPECT_EQ(reminder_fingerprint(event), "8f3e62468900bf5c");
}

}  // namespace
}  // namespace nachfass
