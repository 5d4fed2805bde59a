// The lapsing detector on timelines: a trial notice, the mails around it, the clock, and what a
// correct detector reports. Default rules, a real Corpus and a real Directory.
#include "core/detect.hpp"
#include "core/text_dates.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace nachfass {
namespace {

const date::time_zone* berlin() {
  return date::locate_zone("Europe/Berlin");
}

// Local Berlin wall-clock time as an instant.
UnixSeconds at(int y, unsigned m, unsigned d, int hour = 10, int minute = 0) {
  const date::local_seconds local =
      date::local_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours{hour} +
      std::chrono::minutes{minute};
  return berlin()->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

std::int32_t day_of(int y, unsigned m, unsigned d) {
  return day_number(std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                                std::chrono::day{d}});
}

class MapTexts final : public MessageTexts {
 public:
  std::map<MessageIndex, std::string> bodies;
  mutable int reads = 0;
  std::string_view body(MessageIndex index) const override {
    ++reads;
    const auto it = bodies.find(index);
    return it == bodies.end() ? std::string_view{} : std::string_view(it->second);
  }
};

struct Mail {
  UnixSeconds date;
  std::string from;
  std::vector<std::string> to;
  std::string subject;
  std::string body;
  Automation automation = Automation::none;
  std::vector<std::string> cc = {};
  std::string from_name = {};
};

constexpr const char* petra = "petra.keller@keller.de";
constexpr const char* anna = "anna@example.com";
constexpr const char* system_sender = "noreply@example.com";

// The trial system's notice of 24.02.2026, sent to the customer with us in copy.
Mail trial_notice(UnixSeconds date = at(2026, 2, 24)) {
  return Mail{date,
              system_sender,
              {petra},
              "Ihr 30-tägiger Testzugang ist aktiv",
              "Guten Tag Frau Keller, Ihr 30-tägiger Testzugang zu CRM Pro ist ab sofort aktiv und "
              "läuft am 26.03.2026 ab.",
              Automation::noreply_sender,
              {anna}};
}

Mail ours(UnixSeconds date, std::string subject = "Wie läuft der Test?",
          std::vector<std::string> to = {petra}) {
  return Mail{date, anna, std::move(to), std::move(subject), "Hallo Frau Keller, ..."};
}

CustomerEntry entry(std::string name, std::string domain, std::string email, std::string person) {
  CustomerEntry e;
  e.name = std::move(name);
  e.domains = {std::move(domain)};
  Contact contact;
  contact.email = std::move(email);
  contact.name = std::move(person);
  e.contacts = {contact};
  e.origin = "test";
  return e;
}

class World {
 public:
  std::vector<Mail> mails;
  std::vector<EngagementRecord> records;
  std::vector<CalendarItem> items;
  std::vector<CustomerEntry> entries{entry("Keller GmbH", "keller.de", petra, "Petra Keller"),
                                     entry("Huber AG", "huber.de", "max@huber.de", "Max Huber")};
  std::vector<std::string> ignore;
  Rules rules = default_rules();
  MapTexts texts;

  std::vector<Finding> run(UnixSeconds now, Language language = Language::de) {
    Corpus corpus;
    texts.bodies.clear();
    texts.reads = 0;
    int n = 0;
    for (const Mail& mail : mails) {
      Message m;
      m.source_id = "INBOX/" + std::to_string(n);
      m.message_id = "m" + std::to_string(n) + "@test";
      m.subject = mail.subject;
      m.from = {mail.from, mail.from_name};
      for (const auto& to : mail.to) m.to.push_back({to, ""});
      for (const auto& cc : mail.cc) m.cc.push_back({cc, ""});
      m.date = mail.date;
      m.automation = mail.automation;
      m.folder_role = mail.from == anna ? FolderRole::sent : FolderRole::inbox;
      const MessageIndex index = corpus.add(m);
      texts.bodies[index] = mail.body;
      ++n;
    }
    const Identities identities({anna}, {"example.com"});
    const Threads threads = thread_messages(corpus, identities);
    DirectoryInput directory_input;
    directory_input.tiers = default_tiers(9 * 3600);
    directory_input.configured = entries;
    directory_input.ignore = ignore;
    const Directory directory = build_directory(corpus, identities, directory_input);
    const BusinessCalendar calendar(berlin(), BusinessHours{}, *HolidayRegion::parse("DE-BY"), {});
    DetectionInput input{corpus, threads,          identities, directory, calendar, rules,
                         texts,  UnansweredRule{}, records,    items,     now,      language};
    return detect_lapsing(input);
  }
};

// ---- a trial with a notice ----

TEST(Lapsing, TrialFindingAppearsOnTheFollowUpDayNotBefore) {
  World w;
  w.mails = {trial_notice()};
  // End 26.03., follow-up 7 days before: 19.03. 00:00 local.
  EXPECT_TRUE(w.run(at(2026, 3, 18, 23, 59)).empty());
  const auto findings = w.run(at(2026, 3, 19, 0, 1));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.kind, FindingKind::lapsing);
  EXPECT_EQ(f.engagement, "trial");
  EXPECT_EQ(f.ends, "2026-03-26");
  EXPECT_EQ(f.domain, "keller.de");
  EXPECT_EQ(f.customer, "Keller GmbH");
  EXPECT_EQ(f.contact, petra);
  EXPECT_EQ(f.contact_name, "Petra Keller");
  EXPECT_EQ(f.subject, "Ihr 30-tägiger Testzugang ist aktiv");
  EXPECT_EQ(f.thread_root, "m0@test");
  EXPECT_EQ(f.since, at(2026, 3, 19, 0));
  EXPECT_EQ(f.due, at(2026, 3, 26, 0));
  EXPECT_EQ(f.severity, 40);
  EXPECT_EQ(f.key, finding_key("l", "trial|keller.de|m0@test"));
  EXPECT_EQ(f.reason,
            "Testzugang von Keller GmbH endet am 26.03.2026 — seit dem Start am 24.02. kein "
            "Kontakt von uns");
}

TEST(Lapsing, ReasonInEnglish) {
  World w;
  w.mails = {trial_notice()};
  const auto findings = w.run(at(2026, 3, 20), Language::en);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(
      findings[0].reason,
      "Keller GmbH's trial ends on 2026-03-26 — no contact from us since it started on Feb 24");
}

TEST(Lapsing, SeverityRisesToNinetyAtTheEnd) {
  World w;
  w.mails = {trial_notice()};
  const auto mid = w.run(at(2026, 3, 22, 12));  // halfway between 19.03. and 26.03.
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_GT(mid[0].severity, 55);
  EXPECT_LT(mid[0].severity, 75);
  const auto end = w.run(at(2026, 3, 26, 0));
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].severity, 90);
  const auto after = w.run(at(2026, 4, 10));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].severity, 90);
  EXPECT_NE(after[0].reason.find("endete am 26.03.2026"), std::string::npos) << after[0].reason;
}

TEST(Lapsing, ExpiresThirtyDaysAfterTheEnd) {
  World w;
  w.mails = {trial_notice()};
  EXPECT_EQ(w.run(at(2026, 4, 24, 23, 59)).size(), 1u);
  EXPECT_TRUE(w.run(at(2026, 4, 25, 0, 1)).empty());
}

TEST(Lapsing, ContactInTheWindowRemovesIt) {
  World w;
  w.mails = {trial_notice(), ours(at(2026, 3, 12, 9))};  // window starts 12.03. 00:00
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, ContactBeforeTheWindowDoesNotCount) {
  World w;
  w.mails = {trial_notice(), ours(at(2026, 3, 11, 23, 30))};
  const auto findings = w.run(at(2026, 3, 20));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].reason.find("letzter Kontakt von uns am 11.03."), std::string::npos)
      << findings[0].reason;
}

TEST(Lapsing, ContactAfterTheFindingMakesItDisappear) {
  World w;
  w.mails = {trial_notice(), ours(at(2026, 3, 21, 11))};
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);  // the reply does not exist yet
  EXPECT_TRUE(w.run(at(2026, 3, 21, 12)).empty());
}

TEST(Lapsing, ContactWithAColleagueOfTheCustomerCounts) {
  World w;
  w.mails = {trial_notice(), ours(at(2026, 3, 15), "Schulungstermin", {"it@keller.de"})};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, MassMailingIsNoContact) {
  World w;
  std::vector<std::string> recipients{petra};
  for (int i = 0; i < 10; ++i) recipients.push_back("kunde" + std::to_string(i) + "@other.de");
  w.mails = {trial_notice(), ours(at(2026, 3, 15), "Frühjahrsaktion", recipients)};
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);
  // Exactly ten external recipients is still a personal mail.
  recipients.pop_back();
  w.mails = {trial_notice(), ours(at(2026, 3, 15), "Frühjahrsaktion", recipients)};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, AutomatedMailOfOursIsNoContact) {
  World w;
  Mail newsletter = ours(at(2026, 3, 15), "Newsletter März");
  newsletter.automation = Automation::mailing_list;
  w.mails = {trial_notice(), newsletter};
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);
}

TEST(Lapsing, MailFromTheCustomerIsNoContactOfOurs) {
  World w;
  w.mails = {trial_notice(), Mail{at(2026, 3, 15), petra, {anna}, "Frage zum Export", "..."}};
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);
}

TEST(Lapsing, ExtensionMovesTheEnd) {
  World w;
  w.mails = {trial_notice(), Mail{at(2026, 3, 17),
                                  system_sender,
                                  {petra},
                                  "Ihr Testzugang wurde verlängert",
                                  "Ihr Testzugang wurde bis zum 26.04.2026 verlängert.",
                                  Automation::noreply_sender}};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
  EXPECT_TRUE(w.run(at(2026, 4, 18, 23)).empty());
  const auto findings = w.run(at(2026, 4, 19, 8));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-04-26");
  EXPECT_EQ(findings[0].key, finding_key("l", "trial|keller.de|m0@test"));
}

TEST(Lapsing, EnglishExtensionInTheSubject) {
  World w;
  Mail start = trial_notice();
  start.subject = "Your 30-day trial has started";
  start.body = "";
  w.mails = {start, Mail{at(2026, 3, 10),
                         system_sender,
                         {petra},
                         "Your trial has been extended until April 30, 2026",
                         "",
                         Automation::noreply_sender}};
  const auto findings = w.run(at(2026, 4, 24));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-04-30");
}

TEST(Lapsing, AnEarlierDateDoesNotShortenIt) {
  World w;
  w.mails = {trial_notice(), Mail{at(2026, 3, 1),
                                  system_sender,
                                  {petra},
                                  "Ihr Testzugang wurde verlängert",
                                  "Ihr Testzugang wurde bis zum 20.03.2026 verlängert.",
                                  Automation::noreply_sender}};
  const auto findings = w.run(at(2026, 3, 20));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-03-26");
}

TEST(Lapsing, TheCustomersRequestIsNoExtension) {
  World w;
  w.mails = {trial_notice(),
             Mail{at(2026, 3, 10),
                  petra,
                  {anna},
                  "AW: Ihr Testzugang wurde verlängert",
                  "Danke! Wir möchten die Testphase aber noch einmal verlängern, bis 30.04.2026 "
                  "wäre ideal."}};
  const auto findings = w.run(at(2026, 3, 20));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-03-26");
}

TEST(Lapsing, ConversionClosesIt) {
  World w;
  w.mails = {trial_notice(), Mail{at(2026, 3, 5),
                                  "erp@example.com",
                                  {petra},
                                  "Auftragsbestätigung 2026-0412",
                                  "",
                                  Automation::auto_submitted}};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, CancellationClosesIt) {
  World w;
  w.mails = {trial_notice(), Mail{at(2026, 3, 5), petra, {anna}, "Kündigung Testzugang", ""}};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, ChangesForAnotherCustomerDoNotCount) {
  World w;
  w.mails = {trial_notice(), Mail{at(2026, 3, 5), "max@huber.de", {anna}, "Kündigung", ""},
             ours(at(2026, 3, 15), "Wie läuft der Test?", {"max@huber.de"})};
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);
}

TEST(Lapsing, ACancellationBeforeTheStartIsNoChange) {
  World w;
  w.mails = {Mail{at(2026, 2, 1), petra, {anna}, "Kündigung Wartung", ""}, trial_notice()};
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);
}

TEST(Lapsing, LengthFromTheTextOrTheRule) {
  World w;
  Mail start = trial_notice();
  start.subject = "Your 14-day trial has started";
  start.body = "";
  w.mails = {start};
  auto findings = w.run(at(2026, 3, 4));  // 24.02. + 14 = 10.03., follow-up 03.03.
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-03-10");

  start.subject = "Ihr Testzugang ist aktiv";
  w.mails = {start};
  findings = w.run(at(2026, 3, 20));  // 24.02. + 30 = 26.03.
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-03-26");
}

TEST(Lapsing, DuplicateNoticesAreOneEngagementWithTheFirstKey) {
  World w;
  Mail copy = trial_notice(at(2026, 2, 24, 10, 5));
  copy.to = {"it@keller.de"};
  w.mails = {trial_notice(), copy};
  const auto findings = w.run(at(2026, 3, 20));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].key, finding_key("l", "trial|keller.de|m0@test"));
}

TEST(Lapsing, KeysAreStableAcrossRunsAndMessageOrder) {
  World w;
  w.mails = {ours(at(2026, 1, 10), "Angebot"), trial_notice(),
             Mail{at(2026, 3, 2), petra, {anna}, "Frage", ""}};
  const auto first = w.run(at(2026, 3, 20));
  std::swap(w.mails[0], w.mails[2]);
  w.mails.push_back(Mail{at(2026, 3, 21), "max@huber.de", {anna}, "Hallo", ""});
  const auto second = w.run(at(2026, 3, 22));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  // Message-IDs follow the position here, so the start mail keeps its id "m1@test".
  EXPECT_EQ(first[0].key, second[0].key);
}

TEST(Lapsing, ANoticeAfterTheExpiryStartsANewEngagement) {
  World w;
  // The second notice repeats the old text; its date lies before the mail, so the length
  // ("30-tägiger") gives the end: 01.06. + 30 = 01.07.
  w.mails = {trial_notice(), trial_notice(at(2026, 6, 1))};
  const auto findings = w.run(at(2026, 6, 25));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ends, "2026-07-01");
  EXPECT_EQ(findings[0].key, finding_key("l", "trial|keller.de|m1@test"));
  // Within the first one's running time (until its expiry on 25.04.) it is the same engagement.
  w.mails = {trial_notice(), trial_notice(at(2026, 4, 20))};
  const auto joined = w.run(at(2026, 5, 15));
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].key, finding_key("l", "trial|keller.de|m0@test"));
  EXPECT_EQ(joined[0].ends, "2026-05-20");
}

TEST(Lapsing, ReplyToANoticeStartsNothing) {
  World w;
  Mail reply{at(2026, 2, 25), petra, {anna}, "AW: Ihr 30-tägiger Testzugang ist aktiv", "Danke!"};
  w.mails = {reply};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, IgnoredOrUnknownCustomersRaiseNothing) {
  World w;
  w.ignore = {"keller.de"};
  w.mails = {trial_notice()};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
  // Another vendor's trial notice to someone we never wrote to, with us in copy: not our
  // customer, not our trial.
  World unknown;
  Mail notice = trial_notice();
  notice.from = "noreply@vendor.example";
  notice.to = {"someone@nowhere.example"};
  unknown.mails = {notice};
  EXPECT_TRUE(unknown.run(at(2026, 3, 20)).empty());
}

// The central case: our trial system's notice to a prospect who never wrote to us and is
// in no imported list; Anna only has a blind copy.
TEST(Lapsing, TheTrialUserNobodyCalledBack) {
  World w;
  w.entries.clear();
  Mail notice = trial_notice();
  notice.from = "testzugang@example.com";
  notice.from_name = "Example Testzugang";
  notice.to = {"p.neu@neukunde.de"};
  notice.cc = {};
  notice.automation = Automation::auto_submitted;
  w.mails = {notice};
  const auto findings = w.run(at(2026, 3, 20));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].domain, "neukunde.de");
  EXPECT_EQ(findings[0].customer, "neukunde.de");
  EXPECT_EQ(findings[0].contact, "p.neu@neukunde.de");
  EXPECT_EQ(findings[0].ends, "2026-03-26");
  EXPECT_EQ(findings[0].key, finding_key("l", "trial|neukunde.de|m0@test"));
  // Anna calls back by mail in the window: gone.
  w.mails.push_back(ours(at(2026, 3, 16), "Ihr Testzugang", {"p.neu@neukunde.de"}));
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

// ---- one customer, several engagements ----

// A lease from January (ends 30.11., follow-up 60 days before: 01.10.) and a trial from 01.09.
// (ends 01.10., follow-up 24.09.), both of Keller GmbH.
std::vector<Mail> lease_and_trial() {
  return {Mail{at(2026, 1, 12), "vertrag@example.com", {petra},
               "Vertragsbestätigung Leasingvertrag WV-4711",
               "hiermit bestätigen wir Ihren Leasingvertrag WV-4711. Laufzeit bis 30.11.2026.",
               Automation::auto_submitted},
          Mail{at(2026, 9, 1), "testzugang@example.com", {petra}, "Ihr Testzugang ist aktiv",
               "Ihr 30-tägiger Testzugang für CRM Pro ist ab sofort aktiv.",
               Automation::auto_submitted}};
}

std::vector<std::string> engagements_of(const std::vector<Finding>& findings) {
  std::vector<std::string> kinds;
  for (const Finding& f : findings) kinds.push_back(f.engagement);
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

TEST(Lapsing, BothEngagementsOfOneCustomerAreFollowedUp) {
  World w;
  w.mails = lease_and_trial();
  EXPECT_EQ(engagements_of(w.run(at(2026, 10, 2))),
            (std::vector<std::string>{"contract", "trial"}));
}

TEST(Lapsing, AnOrderConvertsTheTrialNotAlsoTheLease) {
  World w;
  w.mails = lease_and_trial();
  w.mails.push_back(Mail{at(2026, 9, 20), "auftrag@example.com", {petra},
                         "Auftragsbestätigung 4500123456",
                         "Hiermit bestätigen wir Ihren Auftrag: CRM Pro, Jahreslizenz.",
                         Automation::auto_submitted});
  EXPECT_EQ(engagements_of(w.run(at(2026, 10, 2))), (std::vector<std::string>{"contract"}));
  // The first rule takes a change several rules could take: with the contract rule first, the
  // same order converts the lease and the trial stays open.
  std::rotate(w.rules.engagements.begin(), w.rules.engagements.begin() + 1,
              w.rules.engagements.end());
  ASSERT_EQ(w.rules.engagements.front().name, "contract");
  EXPECT_EQ(engagements_of(w.run(at(2026, 10, 2))), (std::vector<std::string>{"trial"}));
}

TEST(Lapsing, CancellingTheLeaseLeavesTheTrial) {
  World w;
  w.mails = lease_and_trial();
  w.mails.push_back(Mail{at(2026, 9, 15), petra, {anna}, "Kündigung Leasingvertrag WV-4711",
                         "hiermit kündigen wir den Leasingvertrag zum Ende der Laufzeit."});
  EXPECT_EQ(engagements_of(w.run(at(2026, 10, 2))), (std::vector<std::string>{"trial"}));
  World trial_cancelled;
  trial_cancelled.mails = lease_and_trial();
  trial_cancelled.mails.push_back(
      Mail{at(2026, 9, 15), petra, {anna}, "Kündigung Testzugang", "Bitte deaktivieren."});
  EXPECT_EQ(engagements_of(trial_cancelled.run(at(2026, 10, 2))),
            (std::vector<std::string>{"contract"}));
}

TEST(Lapsing, FutureNoticesDoNotExistYet) {
  World w;
  w.mails = {trial_notice(at(2026, 3, 21))};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

TEST(Lapsing, BodiesAreReadOnlyForCandidates) {
  World w;
  w.mails = {trial_notice()};
  for (int i = 0; i < 200; ++i)
    w.mails.push_back(Mail{at(2026, 1, 5) + i * 3600,
                           "x" + std::to_string(i) + "@other.de",
                           {anna},
                           "Anfrage " + std::to_string(i),
                           "Text"});
  EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u);
  EXPECT_LE(w.texts.reads, 2);
}

// ---- contracts from imported rows ----

TEST(Lapsing, ContractFromAnImportedRow) {
  World w;
  w.records = {EngagementRecord{"keller.de", "contract", day_of(2025, 1, 1), day_of(2026, 12, 31),
                                "vertraege.csv:7"}};
  // 60 days before 31.12.2026 is 01.11.2026.
  EXPECT_TRUE(w.run(at(2026, 10, 31, 23)).empty());
  const auto findings = w.run(at(2026, 11, 2));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].engagement, "contract");
  EXPECT_EQ(findings[0].ends, "2026-12-31");
  EXPECT_EQ(findings[0].key, finding_key("l", "contract|keller.de|vertraege.csv:7"));
  EXPECT_EQ(findings[0].contact, petra);
  EXPECT_EQ(findings[0].reason,
            "Vertrag von Keller GmbH endet am 31.12.2026 — seit dem Start am 01.01. kein Kontakt "
            "von uns");
  // Contact within 30 days before the follow-up day counts.
  w.mails = {ours(at(2026, 10, 5), "Verlängerung Wartung")};
  EXPECT_TRUE(w.run(at(2026, 11, 2)).empty());
  w.mails = {ours(at(2026, 9, 30), "Verlängerung Wartung")};
  EXPECT_EQ(w.run(at(2026, 11, 2)).size(), 1u);
}

TEST(Lapsing, RowsFindTheCustomerByAddressDomainOrName) {
  for (const char* customer : {"petra.keller@keller.de", "KELLER.DE", "keller gmbh"}) {
    World w;
    w.records = {EngagementRecord{customer, "contract", day_of(2025, 1, 1), 0, "v.csv:2"}};
    const auto findings = w.run(at(2025, 11, 15));  // 01.01.2025 + 365 = 01.01.2026
    ASSERT_EQ(findings.size(), 1u) << customer;
    EXPECT_EQ(findings[0].ends, "2026-01-01") << customer;
    EXPECT_EQ(findings[0].customer, "Keller GmbH") << customer;
  }
  World w;
  w.records = {EngagementRecord{"Unbekannt GmbH", "contract", day_of(2025, 1, 1), 0, "v.csv:3"},
               EngagementRecord{"keller.de", "no-such-rule", day_of(2025, 1, 1), 0, "v.csv:4"}};
  EXPECT_TRUE(w.run(at(2025, 11, 15)).empty());
}

TEST(Lapsing, RenewalExtensionMovesAContract) {
  World w;
  w.records = {EngagementRecord{"keller.de", "contract", day_of(2025, 1, 1), day_of(2026, 12, 31),
                                "vertraege.csv:7"}};
  w.mails = {Mail{at(2026, 6, 1),
                  "vertrag@example.com",
                  {petra},
                  "Ihr Wartungsvertrag wurde verlängert",
                  "Laufzeit bis 31.12.2027",
                  Automation::noreply_sender}};
  EXPECT_TRUE(w.run(at(2026, 11, 2)).empty());
}

// ---- seminars ----

TEST(Lapsing, SeminarFromTheCalendar) {
  World w;
  w.items = {CalendarItem{"uid-17@cal",
                          "Schnupperseminar CRM",
                          at(2026, 3, 10, 9),
                          at(2026, 3, 10, 12),
                          false,
                          {anna, petra, "max@huber.de", "other@unknown.example"}}};
  // Follow-up 3 days after the event: 13.03.
  EXPECT_TRUE(w.run(at(2026, 3, 12, 23)).empty());
  auto findings = w.run(at(2026, 3, 13, 9));
  ASSERT_EQ(findings.size(), 2u);
  for (const Finding& f : findings) {
    EXPECT_EQ(f.engagement, "seminar");
    EXPECT_EQ(f.ends, "");
    EXPECT_EQ(f.subject, "Schnupperseminar CRM");
    EXPECT_EQ(f.due, f.since);
  }
  EXPECT_EQ(findings[0].key == finding_key("l", "seminar|keller.de|uid-17@cal") ||
                findings[1].key == finding_key("l", "seminar|keller.de|uid-17@cal"),
            true);
  // A thank-you after the seminar counts; one before it does not.
  w.mails = {ours(at(2026, 3, 11), "Danke für Ihre Teilnahme"),
             ours(at(2026, 3, 9), "Bis morgen", {"max@huber.de"})};
  findings = w.run(at(2026, 3, 13, 9));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].customer, "Huber AG");
  EXPECT_EQ(findings[0].reason,
            "Seminar mit Huber AG am 10.03.2026 — seitdem kein Kontakt von uns");
}

TEST(Lapsing, SeminarFromARegistrationMail) {
  World w;
  w.mails = {Mail{at(2026, 3, 1),
                  "events@example.com",
                  {petra},
                  "Teilnahmebestätigung Schnupperseminar",
                  "Vielen Dank für Ihre Anmeldung zum Schnupperseminar am 12.03.2026 in München.",
                  Automation::noreply_sender}};
  EXPECT_TRUE(w.run(at(2026, 3, 14, 23)).empty());
  const auto findings = w.run(at(2026, 3, 15, 9));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].since, at(2026, 3, 15, 0));
  // "Bis bald" before the seminar day is no follow-up.
  w.mails.push_back(ours(at(2026, 3, 11), "Bis morgen"));
  EXPECT_EQ(w.run(at(2026, 3, 15, 9)).size(), 1u);
  w.mails.push_back(ours(at(2026, 3, 13), "Danke für Ihre Teilnahme"));
  EXPECT_TRUE(w.run(at(2026, 3, 15, 9)).empty());
  // Unregistered before the seminar: nothing to follow up.
  w.mails.pop_back();
  w.mails.push_back(Mail{at(2026, 3, 5), petra, {anna}, "Abmeldung Schnupperseminar", ""});
  EXPECT_TRUE(w.run(at(2026, 3, 15, 9)).empty());
}

// The detector checks subjects with a literal prefilter before the expressions; every notice
// the patterns accept must still start an engagement through it.
TEST(Lapsing, EveryKindOfStartNoticeStartsAnEngagement) {
  const char* trials[] = {"Ihr 30-tägiger Testzugang ist aktiv",
                          "Ihre Testversion wurde freigeschaltet",
                          "TESTZUGANG AKTIVIERT",
                          "Willkommen zu Ihrer Testversion von Acme",
                          "Ihre Zugangsdaten für den Testzugang",
                          "Ihre Testphase hat begonnen",
                          "Your 30-day trial has started",
                          "Welcome to your free trial",
                          "Trial activated",
                          "You’ve started your free trial"};
  for (const char* subject : trials) {
    World w;
    Mail notice = trial_notice();
    notice.subject = subject;
    w.mails = {notice};
    EXPECT_EQ(w.run(at(2026, 3, 20)).size(), 1u) << subject;
  }
  const char* contracts[] = {
      "Vertragsbestätigung Leasing 4711", "Bestätigung Ihres Wartungsvertrags",
      "Leasingvertrag Nr. 4711",          "Subscription confirmation",
      "Your lease has been confirmed",    "Abobestätigung"};
  for (const char* subject : contracts) {
    World w;
    Mail notice = trial_notice(at(2025, 3, 1));
    notice.subject = subject;
    notice.body = "";
    w.mails = {notice};
    const auto findings = w.run(at(2026, 1, 15));  // 01.03.2025 + 365 days - 60 days = 30.12.
    ASSERT_EQ(findings.size(), 1u) << subject;
    EXPECT_EQ(findings[0].engagement, "contract") << subject;
    EXPECT_EQ(findings[0].ends, "2026-03-01") << subject;
  }
}

TEST(Lapsing, NoRulesNoFindings) {
  World w;
  w.rules.engagements.clear();
  w.mails = {trial_notice()};
  EXPECT_TRUE(w.run(at(2026, 3, 20)).empty());
}

}  // namespace
}  // namespace nachfass
