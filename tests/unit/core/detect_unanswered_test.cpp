// Unanswered-thread detection as scenario tables: one row is a timeline of messages, the clock,
// and the finding a correct detector reports (or none).
#include "core/detect_unanswered.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <optional>

namespace nachfass {
namespace {

constexpr UnixSeconds monday_0900 = 1'793'606'400;  // 2026-11-02 09:00 Europe/Berlin (CET)
constexpr UnixSeconds hour = 3600;
constexpr UnixSeconds day = 24 * hour;

struct Mail {
  const char* id;
  const char* from;
  UnixSeconds at;  // offset from monday_0900
  const char* in_reply_to = "";
  Automation automation = Automation::none;
  const char* subject = "Angebot 4711";
  const char* name = "";
};

struct Scenario {
  const char* name;
  std::vector<Mail> mails;
  UnixSeconds now;                      // offset from monday_0900
  std::optional<std::string> awaiting;  // expected finding's awaiting id, or none
  UnixSeconds since = 0;                // offset of the expected wait start
};

const BusinessCalendar& calendar() {
  static const BusinessCalendar c(
      date::locate_zone("Europe/Berlin"), BusinessHours{}, *HolidayRegion::parse("DE-BY"),
      {std::chrono::year{2026} / 12 / 24, std::chrono::year{2026} / 12 / 31});
  return c;
}

const Identities& identities() {
  static const Identities ids({"anna@example.com", "vertrieb@example.com"}, {"example.com"});
  return ids;
}

std::vector<Finding> run(const std::vector<Mail>& mails, UnixSeconds now, Language language) {
  Corpus corpus;
  int n = 0;
  for (const Mail& mail : mails) {
    Message m;
    m.source_id = "INBOX/" + std::to_string(n++);
    m.message_id = mail.id;
    m.in_reply_to = mail.in_reply_to;
    if (*mail.in_reply_to) m.references = {mail.in_reply_to};
    m.from = {mail.from, mail.name};
    m.to = {{"anna@example.com", "Anna Vogel"}};
    m.subject = std::string(*mail.in_reply_to ? "AW: " : "") + mail.subject;
    m.date = monday_0900 + mail.at;
    m.automation = mail.automation;
    m.folder_role = identities().is_user(mail.from) ? FolderRole::sent : FolderRole::inbox;
    corpus.add(m);
  }
  const Threads threads = thread_messages(corpus, identities());
  return detect_unanswered(corpus, threads, identities(), calendar(), UnansweredRule{2 * 9 * hour},
                           monday_0900 + now, language);
}

class Unanswered : public ::testing::TestWithParam<Scenario> {};

TEST_P(Unanswered, Scenario) {
  const Scenario& s = GetParam();
  const auto findings = run(s.mails, s.now, Language::de);
  if (!s.awaiting) {
    EXPECT_TRUE(findings.empty()) << s.name << ": unexpected " << findings.front().reason;
    return;
  }
  ASSERT_EQ(findings.size(), 1u) << s.name;
  EXPECT_EQ(findings[0].awaiting, *s.awaiting) << s.name;
  EXPECT_EQ(findings[0].since, monday_0900 + s.since) << s.name;
  EXPECT_EQ(findings[0].kind, FindingKind::unanswered);
  EXPECT_EQ(findings[0].thread_root, s.mails.front().id) << s.name;
}

const char* customer = "s.keller@mueller.de";
const char* anna = "anna@example.com";
const char* colleague = "juergen@example.com";

INSTANTIATE_TEST_SUITE_P(
    Rows, Unanswered,
    ::testing::Values(
        Scenario{"customer waits past the SLA", {{"c1", customer, 0}}, 3 * day + hour, "c1", 0},
        Scenario{"still inside the SLA", {{"c1", customer, 0}}, day + 7 * hour, std::nullopt},
        Scenario{"due exactly two working days later", {{"c1", customer, 0}}, 2 * day, "c1", 0},
        Scenario{"one minute before due", {{"c1", customer, 0}}, 2 * day - 60, std::nullopt},
        Scenario{"answered by the user",
                 {{"c1", customer, 0}, {"a1", anna, day, "c1"}},
                 5 * day,
                 std::nullopt},
        Scenario{"answered by a colleague",
                 {{"c1", customer, 0}, {"j1", colleague, day, "c1"}},
                 5 * day,
                 std::nullopt},
        Scenario{"answered late still counts as answered",
                 {{"c1", customer, 0}, {"a1", anna, 4 * day, "c1"}},
                 5 * day,
                 std::nullopt},
        Scenario{"our auto-reply is no answer",
                 {{"c1", customer, 0}, {"a1", anna, 60, "c1", Automation::auto_submitted}},
                 3 * day + hour,
                 "c1",
                 0},
        Scenario{"customer's out-of-office after our answer",
                 {{"c1", customer, 0},
                  {"a1", anna, hour, "c1"},
                  {"o1", customer, hour + 60, "a1", Automation::out_of_office_subject}},
                 5 * day,
                 std::nullopt},
        Scenario{"two unanswered customer mails: wait from the first, reply to the last",
                 {{"c1", customer, 0}, {"c2", customer, day, "c1"}},
                 4 * day,
                 "c2",
                 0},
        Scenario{"customer writes again after our answer",
                 {{"c1", customer, 0}, {"a1", anna, hour, "c1"}, {"c2", customer, day, "a1"}},
                 4 * day,
                 "c2",
                 day},
        Scenario{"internal thread", {{"j1", colleague, 0}}, 5 * day, std::nullopt},
        Scenario{"newsletter from a customer's domain",
                 {{"n1", "news@mueller.de", 0, "", Automation::mailing_list}},
                 5 * day,
                 std::nullopt},
        Scenario{"clock skew: our reply names the customer's mail but is dated earlier",
                 {{"c1", customer, hour}, {"a1", anna, hour - 120, "c1"}},
                 5 * day,
                 std::nullopt},
        Scenario{"an answer after `now` does not exist yet",
                 {{"c1", customer, 0}, {"a1", anna, 4 * day, "c1"}},
                 3 * day + hour,
                 "c1",
                 0},
        Scenario{"a mail after `now` does not exist yet",
                 {{"c1", customer, 10 * day}},
                 5 * day,
                 std::nullopt},
        Scenario{"weekend does not count: Friday 16:00 mail, due Tuesday 16:00",
                 {{"c1", customer, 4 * day + 7 * hour}},
                 8 * day + 6 * hour,
                 std::nullopt},
        Scenario{"weekend does not count: due Tuesday 16:00",
                 {{"c1", customer, 4 * day + 7 * hour}},
                 8 * day + 7 * hour,
                 "c1",
                 4 * day + 7 * hour}));

TEST(UnansweredHolidays, ChristmasStopsTheClock) {
  // Wednesday 2026-12-23 09:00: 8 h that day, 24th (extra), 25th/26th holidays, weekend,
  // Monday 28th 9 h, so the 18 h SLA ends on Tuesday 29th at 09:00.
  const UnixSeconds wed_dec23 = 1'798'012'800 - monday_0900;
  const std::vector<Mail> mails{{"c1", customer, wed_dec23}};
  EXPECT_TRUE(run(mails, wed_dec23 + 5 * day + 7 * hour, Language::de).empty());
  const auto findings = run(mails, wed_dec23 + 6 * day + hour, Language::de);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].due, monday_0900 + wed_dec23 + 6 * day);
}

TEST(UnansweredReason, PlainLanguageInBothLanguages) {
  const std::vector<Mail> mails{
      {"c1", customer, 0, "", Automation::none, "Angebot Q3", "Sabine Keller"}};
  auto de = run(mails, 8 * day + hour, Language::de);
  ASSERT_EQ(de.size(), 1u);
  EXPECT_EQ(de[0].reason,
            "Sabine Keller (mueller.de) wartet seit 6 Werktagen auf Antwort zu „Angebot Q3“");
  EXPECT_EQ(de[0].waiting_business_days, 6);
  EXPECT_EQ(de[0].customer, "mueller.de");
  EXPECT_EQ(de[0].contact, customer);
  auto en = run(mails, 8 * day + hour, Language::en);
  EXPECT_EQ(
      en[0].reason,
      "Sabine Keller (mueller.de) has been waiting 6 business days for a reply to “Angebot Q3”");
  EXPECT_EQ(en[0].key, de[0].key);
}

TEST(UnansweredReason, FreemailCustomerIsThePerson) {
  const std::vector<Mail> mails{
      {"c1", "kurt.m@gmx.de", 0, "", Automation::none, "Anfrage", "Kurt Maier"}};
  auto findings = run(mails, 4 * day, Language::de);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].customer, "Kurt Maier");
  EXPECT_EQ(findings[0].reason.rfind("Kurt Maier wartet seit", 0), 0u) << findings[0].reason;
}

TEST(UnansweredKey, StableAcrossNewMessagesInTheThread) {
  auto first = run({{"c1", customer, 0}}, 4 * day, Language::de);
  auto later =
      run({{"c1", customer, 0}, {"a1", anna, 4 * day, "c1"}, {"c2", customer, 5 * day, "a1"}},
          9 * day, Language::de);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(first[0].key, later[0].key);
  EXPECT_NE(first[0].awaiting, later[0].awaiting);
  EXPECT_EQ(finding_key("u", "c1"), first[0].key);
  EXPECT_EQ(first[0].key.size(), 14u);
}

}  // namespace
}  // namespace nachfass
