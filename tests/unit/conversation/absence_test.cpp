// Absence backlog: the user's absences (own out-of-office replies, all-day calendar items) and the
// customer threads that arrived meanwhile and are still open or were answered late.
#include <gtest/gtest.h>

#include "world.hpp"

namespace nachfass::test {
namespace {

// Two weeks of leave, Monday 15 June to Friday 26 June 2026; back on Monday 29 June.
const UnixSeconds first_day = berlin(2026, 6, 15, 0, 0);
const UnixSeconds return_day = berlin(2026, 6, 29, 0, 0);
const UnixSeconds now_back = berlin(2026, 6, 30, 12);

MessageIndex out_of_office(World& w, const std::string& id, UnixSeconds at,
                           const std::string& to, const std::string& body,
                           Automation automation = Automation::out_of_office_subject,
                           const std::string& subject = "Abwesenheitsnotiz: Ihre Anfrage") {
  return w.add({id, "anna@example.com", {to}, at, subject, body, "", automation});
}

CalendarItem all_day(const std::string& title, UnixSeconds first, UnixSeconds end_exclusive) {
  CalendarItem item;
  item.uid = title + "@calendar";
  item.title = title;
  item.start = first;
  item.end = end_exclusive;
  item.all_day = true;
  return item;
}

// Three customer threads during the leave: one still open, one answered late, one answered in
// time by a colleague; plus mail that must not count.
World backlog() {
  World w;
  w.company("Keller GmbH", "keller.de");
  w.company("Berger AG", "berger.de");
  w.company("Meier KG", "meier.de");
  w.company("Lieferant AG", "lieferant.de", {}, /*ignore=*/true);
  w.in("davor@keller.de", "p.keller@keller.de", berlin(2026, 6, 12, 10), "Vor dem Urlaub");
  w.in("ersatz@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 10), "Anfrage Ersatzteile");
  out_of_office(w, "ooo1@example.com", berlin(2026, 6, 16, 10, 1), "p.keller@keller.de",
                "Vielen Dank für Ihre Nachricht. Ich bin vom 15.06. bis einschließlich 26.06.2026 "
                "nicht im Büro. Ab dem 29.06. bin ich wieder für Sie da.");
  w.in("rechnung@berger.de", "m.berger@berger.de", berlin(2026, 6, 17, 11), "Rückfrage Rechnung");
  out_of_office(w, "ooo2@example.com", berlin(2026, 6, 17, 11, 1), "m.berger@berger.de",
                "Vielen Dank für Ihre Nachricht. Ich bin vom 15.06. bis einschließlich 26.06.2026 "
                "nicht im Büro. Ab dem 29.06. bin ich wieder für Sie da.");
  w.out("rechnung-re@example.com", "m.berger@berger.de", berlin(2026, 6, 30, 9),
        "AW: Rückfrage Rechnung", "rechnung@berger.de");
  w.in("lieferung@meier.de", "k.meier@meier.de", berlin(2026, 6, 18, 9), "Lieferung KW 26");
  w.add({"kollege@example.com", "max@example.com", {"k.meier@meier.de"}, berlin(2026, 6, 18, 14),
         "AW: Lieferung KW 26", "", "lieferung@meier.de"});
  w.in("preise@lieferant.de", "h.huber@lieferant.de", berlin(2026, 6, 19, 9), "Neue Preisliste");
  w.add({"news@keller.de", "p.keller@keller.de", {"anna@example.com"}, berlin(2026, 6, 22, 9),
         "Newsletter Juni", "", "", Automation::mailing_list});
  w.in("danach@keller.de", "p.keller@keller.de", berlin(2026, 6, 29, 10), "Nach dem Urlaub");
  return w;
}

TEST(Absence, DigestOnTheReturnDay) {
  World w = backlog();
  const auto found = w.run(detect_absence, now_back);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.kind, FindingKind::absence);
  EXPECT_EQ(f.key, finding_key("a", "2026-06-15"));
  EXPECT_EQ(f.since, first_day);
  EXPECT_EQ(f.due, return_day);
  EXPECT_EQ(f.severity, 55);
  EXPECT_EQ(f.reason,
            "Während Ihrer Abwesenheit (15.06.–26.06.) kamen 3 Kundenanfragen, 1 davon ist noch "
            "offen; 1 wurde erst nach Ablauf der Frist beantwortet");
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].thread_root, "ersatz@keller.de");
  EXPECT_EQ(f.items[0].subject, "Anfrage Ersatzteile");
  EXPECT_EQ(f.items[0].contact, "p.keller@keller.de");
  EXPECT_EQ(f.items[0].customer, "Keller GmbH");
  EXPECT_EQ(f.items[0].arrived, berlin(2026, 6, 16, 10));
  EXPECT_EQ(f.items[0].answered, 0);
  EXPECT_EQ(f.items[1].thread_root, "rechnung@berger.de");
  EXPECT_EQ(f.items[1].answered, berlin(2026, 6, 30, 9));

  const auto english = w.run(detect_absence, now_back, Language::en);
  ASSERT_EQ(english.size(), 1u);
  EXPECT_EQ(english[0].reason,
            "While you were away (Jun 15–26), 3 customer requests came in; 1 is still open; 1 was "
            "answered after the deadline");
}

TEST(Absence, NothingBeforeTheReturnDay) {
  World w = backlog();
  EXPECT_TRUE(w.run(detect_absence, berlin(2026, 6, 26, 16)).empty());
  EXPECT_EQ(w.run(detect_absence, return_day).size(), 1u);
}

TEST(Absence, ShownForShowDaysAndLongerWhileSomethingIsOpen) {
  World w = backlog();
  // Open item: shown until max_days (60) after the return day.
  EXPECT_EQ(w.run(detect_absence, return_day + 59 * day).size(), 1u);
  EXPECT_TRUE(w.run(detect_absence, return_day + 61 * day).empty());
  // Once it is answered, only the late ones remain: shown for show_days (14).
  w.out("ersatz-re@example.com", "p.keller@keller.de", berlin(2026, 7, 1, 9),
        "AW: Anfrage Ersatzteile", "ersatz@keller.de");
  const auto found = w.run(detect_absence, return_day + 13 * day);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, 50);
  EXPECT_EQ(found[0].items.size(), 2u);
  EXPECT_NE(found[0].reason.find("keine davon ist noch offen"), std::string::npos);
  EXPECT_TRUE(w.run(detect_absence, return_day + 15 * day).empty());
}

TEST(Absence, AnsweredInTimeIsNoItem) {
  World w = backlog();
  // Berger's answer within two business days of arrival (17 June 11:00 -> 19 June 10:00).
  w.out("rechnung-frueh@example.com", "m.berger@berger.de", berlin(2026, 6, 19, 10),
        "AW: Rückfrage Rechnung", "rechnung@berger.de");
  const auto found = w.run(detect_absence, now_back);
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].items.size(), 1u);
  EXPECT_EQ(found[0].items[0].thread_root, "ersatz@keller.de");
}

TEST(Absence, TierSlaDecidesLateness) {
  World w;
  w.company("Keller GmbH", "keller.de", "key");  // 1 business day
  out_of_office(w, "ooo@example.com", berlin(2026, 6, 15, 10), "p.keller@keller.de",
                "Ich bin bis zum 26.06.2026 im Urlaub.");
  w.in("frage@keller.de", "p.keller@keller.de", berlin(2026, 6, 15, 9), "Frage");
  // 10.5 working hours later: within 2 business days, but over the key tier's 9 hours.
  w.out("frage-re@example.com", "p.keller@keller.de", berlin(2026, 6, 16, 10, 30), "AW: Frage",
        "frage@keller.de");
  const auto found = w.run(detect_absence, now_back);
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].items.size(), 1u);
  EXPECT_EQ(found[0].items[0].answered, berlin(2026, 6, 16, 10, 30));
}

TEST(Absence, ReturnDateInEnglishText) {
  World w;
  w.company("Keller GmbH", "keller.de");
  out_of_office(w, "ooo@example.com", berlin(2026, 6, 16, 10), "p.keller@keller.de",
                "Thank you for your email. I am out of the office and will be back on Monday, "
                "June 29, 2026.",
                Automation::autoreply_header, "Automatic reply: Your request");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9, 59), "Question");
  EXPECT_TRUE(w.run(detect_absence, berlin(2026, 6, 26, 12)).empty());
  const auto found = w.run(detect_absence, return_day + hour, Language::en);
  ASSERT_EQ(found.size(), 1u);
  // The absence is known from the reply's day: 16 June.
  EXPECT_EQ(found[0].key, finding_key("a", "2026-06-16"));
  EXPECT_EQ(found[0].due, return_day);
  EXPECT_EQ(found[0].reason,
            "While you were away (Jun 16–26), 1 customer request came in; it is still open");
}

TEST(Absence, UntilDateInEnglishText) {
  World w;
  w.company("Keller GmbH", "keller.de");
  out_of_office(w, "ooo@example.com", berlin(2026, 6, 16, 10), "p.keller@keller.de",
                "I am on vacation until June 26, 2026 with no access to email.",
                Automation::auto_submitted, "Out of Office: Your request");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 24, 9), "Question");
  const auto found = w.run(detect_absence, return_day + hour);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].due, return_day);
  EXPECT_EQ(found[0].items.size(), 1u);
}

// An out-of-office reply's subject is the customer's subject behind a prefix; a date in it is the
// customer's ("delivery to Oslo by 10 July", "Angebot bis 10.07."), not the user's return. The
// absence ends where the body says, and mail of the following week is no part of it.
TEST(Absence, DatesInTheRepliedSubjectDoNotExtendTheAbsence) {
  for (const bool german : {false, true}) {
    SCOPED_TRACE(german ? "de" : "en");
    World w;
    w.company("Havoey AS", "havoey.no");
    const std::string subject =
        german ? "Abwesenheitsnotiz: [EXTERN] Angebot über 300 Stück bis 10.07.2026 nach Bremen"
               : "Out of Office: [EXTERN] Request: quotation for 300 units of Air Dryer DT-7 incl. "
                 "delivery to Oslo by 10 July 2026";
    const std::string body =
        german ? "Vielen Dank für Ihre Nachricht.\nIch bin bis einschließlich 26.06.2026 nicht im "
                 "Büro und habe keinen Zugriff auf meine E-Mails."
               : "Thank you for your message.\nI am out of the office until June 26, 2026 with no "
                 "access to email.";
    w.in("q@havoey.no", "m@havoey.no", berlin(2026, 6, 16, 9), "Request");
    out_of_office(w, "ooo@example.com", berlin(2026, 6, 16, 9, 2), "m@havoey.no", body,
                  Automation::auto_submitted, subject);
    w.in("later@havoey.no", "m@havoey.no", berlin(2026, 7, 1, 9), "After the leave");
    const auto found = w.run(detect_absence, berlin(2026, 7, 14, 12), Language::en);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].key, finding_key("a", "2026-06-16"));
    EXPECT_EQ(found[0].due, return_day);
    EXPECT_EQ(found[0].reason,
              "While you were away (Jun 16–26), 1 customer request came in; it is still open");
    EXPECT_EQ(found[0].items.size(), 1u);
    EXPECT_EQ(found[0].items.front().thread_root, "q@havoey.no");
  }
}

// Some systems put the whole notice in the subject and send no body; then the subject is read.
TEST(Absence, NoticeInTheSubjectWithoutBody) {
  World w;
  w.company("Keller GmbH", "keller.de");
  out_of_office(w, "ooo@example.com", berlin(2026, 6, 16, 10), "p.keller@keller.de", "",
                Automation::auto_submitted, "Anna Vogel ist nicht im Büro bis 26.06.2026");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 24, 9), "Frage");
  const auto found = w.run(detect_absence, return_day + hour);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].due, return_day);
}

TEST(Absence, AutoReplyHeaderWithoutOutOfOfficeSubjectIsNoAbsence) {
  World w;
  w.company("Keller GmbH", "keller.de");
  out_of_office(w, "ticket@example.com", berlin(2026, 6, 16, 10), "p.keller@keller.de",
                "Ihre Anfrage wurde unter der Nummer 4711 erfasst. Bis 26.06.2026 ...",
                Automation::auto_submitted, "Ticket 4711 erfasst");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9), "Frage");
  EXPECT_TRUE(w.run(detect_absence, now_back).empty());
}

TEST(Absence, CustomersOutOfOfficeIsNotOurs) {
  World w;
  w.company("Keller GmbH", "keller.de");
  w.add({"their-ooo@keller.de", "p.keller@keller.de", {"anna@example.com"},
         berlin(2026, 6, 16, 10), "Abwesenheitsnotiz: Angebot",
         "Ich bin bis einschließlich 26.06.2026 nicht im Büro.", "",
         Automation::out_of_office_subject});
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 17, 9), "Frage");
  EXPECT_TRUE(w.run(detect_absence, now_back).empty());
}

TEST(Absence, CalendarLeave) {
  for (bool utc_midnight : {false, true}) {
    // Only the calendar knows about the leave.
    World plain;
    plain.company("Keller GmbH", "keller.de");
    plain.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9), "Frage");
    const UnixSeconds start = utc_midnight ? first_day + 2 * hour : first_day;  // 00:00Z = 02:00
    const UnixSeconds end = utc_midnight ? berlin(2026, 6, 27, 2, 0) : berlin(2026, 6, 27, 0, 0);
    plain.calendar_items.push_back(all_day("Urlaub Sardinien", start, end));
    const auto found = plain.run(detect_absence, now_back);
    ASSERT_EQ(found.size(), 1u) << utc_midnight;
    EXPECT_EQ(found[0].key, finding_key("a", "2026-06-15"));
    EXPECT_EQ(found[0].due, return_day);
    EXPECT_EQ(found[0].reason.rfind("Während Ihrer Abwesenheit (15.06.–26.06.) kam 1 "
                                    "Kundenanfrage, sie ist noch offen",
                                    0),
              0u)
        << found[0].reason;
  }
}

TEST(Absence, CalendarTitlesThatAreNoAbsence) {
  for (const char* title : {"Urlaubsvertretung für Max", "Feiertag", "Public holiday",
                            "Dienstreise Hamburg", "Messe"}) {
    World w;
    w.company("Keller GmbH", "keller.de");
    w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9), "Frage");
    w.calendar_items.push_back(all_day(title, first_day, berlin(2026, 6, 27, 0, 0)));
    EXPECT_TRUE(w.run(detect_absence, now_back).empty()) << title;
  }
  for (const char* title : {"Urlaub", "Abwesend", "Out of office", "OOO", "Vacation",
                            "Holiday in Spain", "Elternzeit", "Krank", "Sick leave"}) {
    World w;
    w.company("Keller GmbH", "keller.de");
    w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9), "Frage");
    w.calendar_items.push_back(all_day(title, first_day, berlin(2026, 6, 27, 0, 0)));
    EXPECT_EQ(w.run(detect_absence, now_back).size(), 1u) << title;
  }
}

TEST(Absence, TimedEventsAreNoLeave) {
  World w;
  w.company("Keller GmbH", "keller.de");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9), "Frage");
  CalendarItem item = all_day("Urlaub", first_day, berlin(2026, 6, 27, 0, 0));
  item.all_day = false;
  w.calendar_items.push_back(item);
  EXPECT_TRUE(w.run(detect_absence, now_back).empty());
}

TEST(Absence, CalendarAndRepliesMergeAcrossTheWeekend) {
  World w;
  w.company("Keller GmbH", "keller.de");
  w.calendar_items.push_back(all_day("Urlaub", first_day, berlin(2026, 6, 20, 0, 0)));  // Mon-Fri
  out_of_office(w, "ooo@example.com", berlin(2026, 6, 22, 10), "p.keller@keller.de",
                "Ich bin bis 26.06.2026 nicht erreichbar.");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 24, 9), "Frage");
  const auto found = w.run(detect_absence, now_back);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, finding_key("a", "2026-06-15"));
  EXPECT_EQ(found[0].due, return_day);
}

TEST(Absence, RepliesCloserThanTheGapMergeOthersDoNot) {
  World w;
  w.company("Keller GmbH", "keller.de");
  // Replies without dates on Monday and Wednesday: one absence of three working days.
  out_of_office(w, "o1@example.com", berlin(2026, 6, 15, 10), "p.keller@keller.de", "Ich bin im Urlaub.");
  out_of_office(w, "o2@example.com", berlin(2026, 6, 17, 10), "p.keller@keller.de", "Ich bin im Urlaub.");
  // A lone reply a week later: one day, too short.
  out_of_office(w, "o3@example.com", berlin(2026, 6, 24, 10), "p.keller@keller.de", "Ich bin im Urlaub.");
  w.in("q1@keller.de", "p.keller@keller.de", berlin(2026, 6, 16, 9), "Frage eins");
  w.in("q2@keller.de", "p.keller@keller.de", berlin(2026, 6, 24, 9), "Frage zwei");
  const auto found = w.run(detect_absence, now_back);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, finding_key("a", "2026-06-15"));
  EXPECT_EQ(found[0].due, berlin(2026, 6, 18, 0, 0));
  ASSERT_EQ(found[0].items.size(), 1u);
  EXPECT_EQ(found[0].items[0].thread_root, "q1@keller.de");
}

TEST(Absence, ShortAbsencesAreNotReported) {
  World w;
  w.company("Keller GmbH", "keller.de");
  out_of_office(w, "o1@example.com", berlin(2026, 6, 19, 10), "p.keller@keller.de",
                "Heute bin ich nicht im Büro.");
  w.in("q@keller.de", "p.keller@keller.de", berlin(2026, 6, 19, 9), "Frage");
  EXPECT_TRUE(w.run(detect_absence, now_back).empty());
  w.rules.absence.min_business_days = 1;
  EXPECT_EQ(w.run(detect_absence, now_back).size(), 1u);
}

TEST(Absence, AnswersAfterNowDoNotCountYet) {
  World w = backlog();
  // Monday 29 June, 08:00: Berger's answer of 30 June has not been written yet.
  const auto found = w.run(detect_absence, berlin(2026, 6, 29, 8));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, 60);
  EXPECT_EQ(found[0].reason,
            "Während Ihrer Abwesenheit (15.06.–26.06.) kamen 3 Kundenanfragen, 2 davon sind noch "
            "offen");
}

TEST(Absence, DisabledFindsNothing) {
  World w = backlog();
  w.rules.absence.enabled = false;
  EXPECT_TRUE(w.run(detect_absence, now_back).empty());
}

}  // namespace
}  // namespace nachfass::test
