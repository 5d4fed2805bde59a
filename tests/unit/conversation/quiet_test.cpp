// Quiet long-standing customers: the usual gap between contacts, the current silence, and the
// risk score with its parts.
#include <gtest/gtest.h>

#include <functional>

#include "world.hpp"

namespace nachfass::test {
namespace {

// Keller GmbH wrote every 9 days, the last time on Tuesday 3 February 2026; we answered each
// mail two hours later in the same thread.
const UnixSeconds last_contact_day = berlin(2026, 2, 3, 0, 0);

struct HistoryOptions {
  std::string customer = "p.keller@keller.de";
  std::vector<int> days_before_last;  // contact days, counted back from the last contact day
  // Hour (local) of our reply to the customer's 09:00 mail; <0: no reply.
  std::function<int(UnixSeconds)> reply_hour = [](UnixSeconds) { return 11; };
};

void history(World& w, const HistoryOptions& options) {
  int n = 0;
  for (int back : options.days_before_last) {
    const UnixSeconds local_midnight = last_contact_day - back * day;
    // Whole-day steps keep the local date across a DST switch; re-anchor at 09:00 local.
    const auto ymd = berlin_calendar().local_date(local_midnight + 12 * hour);
    const UnixSeconds morning = berlin(static_cast<int>(ymd.year()),
                                       static_cast<unsigned>(ymd.month()),
                                       static_cast<unsigned>(ymd.day()), 9);
    const std::string id = options.customer + "-" + std::to_string(n++);
    w.in(id, options.customer, morning, "Bestellung " + id);
    const int reply = options.reply_hour(morning);
    if (reply >= 0)
      w.out("re-" + id, options.customer, morning + (reply - 9) * hour, "AW: Bestellung " + id,
            id);
  }
}

std::vector<int> every(int gap, int count) {
  std::vector<int> days;
  for (int k = 0; k < count; ++k) days.push_back(k * gap);
  return days;
}

World keller_world() {
  World w;
  w.company("Keller GmbH", "keller.de");
  history(w, {.days_before_last = every(9, 25)});
  return w;
}

const ScorePart& part(const Finding& f, std::string_view name) {
  for (const ScorePart& p : f.score_parts)
    if (p.name == name) return p;
  static const ScorePart none;
  ADD_FAILURE() << "no score part " << name;
  return none;
}

TEST(Quiet, SilenceFarBeyondTheUsualGapIsAFinding) {
  World w = keller_world();
  const UnixSeconds now = berlin(2026, 3, 16, 10);  // 41 days after 3 February
  const auto found = w.run(detect_quiet, now);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.kind, FindingKind::quiet);
  EXPECT_EQ(f.key, finding_key("q", "keller.de"));
  EXPECT_EQ(f.customer, "Keller GmbH");
  EXPECT_EQ(f.domain, "keller.de");
  EXPECT_EQ(f.contact, "p.keller@keller.de");
  EXPECT_EQ(f.reason, "Keller GmbH schreibt sonst alle 9 Tage, seit 41 Tagen still");
  // Threshold: max(1.5 x 9, 3 x 9, 21) = 27 days after our last reply at 11:00.
  EXPECT_EQ(f.since, berlin(2026, 2, 3, 11));
  EXPECT_EQ(f.due, berlin(2026, 2, 3, 11) + 27 * day);
  ASSERT_EQ(f.score_parts.size(), 3u);
  // (41 / 27 - 1) / 2 of 60 points = 15.6.
  EXPECT_EQ(part(f, "silence").points, 16);
  EXPECT_EQ(part(f, "silence").max_points, 60);
  EXPECT_EQ(part(f, "reply_speed").points, 0);
  EXPECT_EQ(part(f, "reply_speed").max_points, 20);
  EXPECT_EQ(part(f, "open_threads").points, 0);
  EXPECT_EQ(f.severity, 16);
  int sum = 0;
  for (const ScorePart& p : f.score_parts) {
    sum += p.points;
    EXPECT_FALSE(p.detail.empty()) << p.name;
  }
  EXPECT_EQ(sum, f.severity);
  EXPECT_NE(part(f, "silence").detail.find("41"), std::string::npos);
}

TEST(Quiet, EnglishReason) {
  World w = keller_world();
  const auto found = w.run(detect_quiet, berlin(2026, 3, 16, 10), Language::en);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason, "Keller GmbH usually writes every 9 days, silent for 41 days");
}

TEST(Quiet, BoundaryAtTheThreshold) {
  World w = keller_world();
  // 27 days of silence equal the threshold: not yet; 28 exceed it.
  EXPECT_TRUE(w.run(detect_quiet, berlin(2026, 3, 2, 23, 59)).empty());
  const auto found = w.run(detect_quiet, berlin(2026, 3, 3, 0, 1));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].reason.find("seit 28 Tagen"), std::string::npos);
  EXPECT_EQ(part(found[0], "silence").points, 1);  // 60 x (28/27 - 1) / 2 = 1.1
}

TEST(Quiet, LostCustomersBeyondMaxSilenceAreNotQuiet) {
  World w = keller_world();
  EXPECT_EQ(w.run(detect_quiet, last_contact_day + 365 * day + 10 * hour).size(), 1u);
  EXPECT_TRUE(w.run(detect_quiet, last_contact_day + 366 * day + 10 * hour).empty());
}

TEST(Quiet, SilencePointsReachSixtyAtThreeTimesTheThreshold) {
  World w = keller_world();
  const auto found = w.run(detect_quiet, last_contact_day + 81 * day + 10 * hour);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(part(found[0], "silence").points, 60);
  const auto later = w.run(detect_quiet, last_contact_day + 200 * day + 10 * hour);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(part(later[0], "silence").points, 60);
}

TEST(Quiet, UpperPercentileOfIrregularGapsRaisesTheThreshold) {
  World w;
  w.company("Keller GmbH", "keller.de");
  // Gaps: eight of 10 days and two of 40 (nearest-rank 90th percentile: 40). Threshold:
  // max(1.5 x 40, 3 x 10, 21) = 60 days.
  history(w, {.days_before_last = {0, 10, 20, 30, 40, 80, 90, 100, 110, 150, 160}});
  EXPECT_TRUE(w.run(detect_quiet, last_contact_day + 60 * day + 10 * hour).empty());
  const auto found = w.run(detect_quiet, last_contact_day + 61 * day + 10 * hour);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason, "Keller GmbH schreibt sonst alle 10 Tage, seit 61 Tagen still");
  EXPECT_EQ(found[0].due, berlin(2026, 2, 3, 11) + 60 * day);
}

TEST(Quiet, TooShortHistoryIsNotLongStanding) {
  World w;
  w.company("Keller GmbH", "keller.de");
  history(w, {.days_before_last = every(9, 15)});  // first contact 126 days before the last
  // 41 days of silence: the history began 167 days before now, under six months.
  EXPECT_TRUE(w.run(detect_quiet, berlin(2026, 3, 16, 10)).empty());
  w.rules.quiet.min_history_months = 5;
  EXPECT_EQ(w.run(detect_quiet, berlin(2026, 3, 16, 10)).size(), 1u);
}

TEST(Quiet, TooFewExchanges) {
  World w;
  w.company("Keller GmbH", "keller.de");
  w.rules.quiet.min_history_months = 0;
  history(w, {.days_before_last = every(9, 4)});  // 4 mails each way: 8 exchanges
  EXPECT_EQ(w.run(detect_quiet, berlin(2026, 3, 16, 10)).size(), 1u);
  w.rules.quiet.min_exchanges = 9;
  EXPECT_TRUE(w.run(detect_quiet, berlin(2026, 3, 16, 10)).empty());
}

TEST(Quiet, AnyPersonalContactEndsTheSilence) {
  World w = keller_world();
  w.out("ping", "p.keller@keller.de", berlin(2026, 3, 10, 9), "Neuigkeiten");
  EXPECT_TRUE(w.run(detect_quiet, berlin(2026, 3, 16, 10)).empty());
}

TEST(Quiet, AutomatedMailMassMailingsAndTheFutureAreNoContact) {
  World w = keller_world();
  w.add({"auto", "p.keller@keller.de", {"anna@example.com"}, berlin(2026, 3, 9, 9),
         "Automatische Antwort: Bestellung", "", "", Automation::auto_submitted});
  std::vector<std::string> many = {"p.keller@keller.de"};
  for (int k = 0; k < mass_mail_recipients; ++k)
    many.push_back("kunde" + std::to_string(k) + "@firma" + std::to_string(k) + ".de");
  w.add({"mass", "anna@example.com", many, berlin(2026, 3, 10, 9), "Frühjahrsaktion"});
  w.in("future", "p.keller@keller.de", berlin(2026, 3, 17, 9), "Neue Bestellung");
  const auto found = w.run(detect_quiet, berlin(2026, 3, 16, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].since, berlin(2026, 2, 3, 11));
}

TEST(Quiet, IgnoredCustomersAreNeverQuiet) {
  World w;
  w.company("Keller GmbH", "keller.de", {}, /*ignore=*/true);
  history(w, {.days_before_last = every(9, 25)});
  EXPECT_TRUE(w.run(detect_quiet, berlin(2026, 3, 16, 10)).empty());
}

TEST(Quiet, DisabledSettingsFindNothing) {
  World w = keller_world();
  w.rules.quiet.enabled = false;
  EXPECT_TRUE(w.run(detect_quiet, berlin(2026, 3, 16, 10)).empty());
}

TEST(Quiet, OpenThreadsAddTenPointsEach) {
  World w;
  w.company("Keller GmbH", "keller.de");
  // The customer's last two mails (41 and 50 days ago) got no answer.
  history(w, {.days_before_last = every(9, 25), .reply_hour = [](UnixSeconds at) {
                return at >= berlin(2026, 1, 25, 0) ? -1 : 11;
              }});
  const auto found = w.run(detect_quiet, berlin(2026, 3, 16, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(part(found[0], "open_threads").points, 20);
  EXPECT_EQ(found[0].since, berlin(2026, 2, 3, 9));
  EXPECT_EQ(found[0].severity, part(found[0], "silence").points + 20);
}

TEST(Quiet, AnAnswerNamingTheMessageClosesItEvenWithAnEarlierDate) {
  World w;
  w.company("Keller GmbH", "keller.de");
  history(w, {.days_before_last = every(9, 25), .reply_hour = [](UnixSeconds at) {
                return at >= berlin(2026, 2, 1, 0) ? -1 : 11;
              }});
  // Our answer to the last mail, sent from a laptop whose clock was a day behind.
  w.out("late-clock", "p.keller@keller.de", berlin(2026, 2, 2, 15), "AW: Bestellung",
        "p.keller@keller.de-0");
  const auto found = w.run(detect_quiet, berlin(2026, 3, 16, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(part(found[0], "open_threads").points, 0);
}

TEST(Quiet, SlowerRepliesRecentlyRaiseTheScore) {
  const UnixSeconds now = berlin(2026, 3, 16, 10);
  const UnixSeconds recent = now - 90 * day;
  {
    // Two working hours before, four in the last 90 days: twice as slow, half the points.
    World w;
    w.company("Keller GmbH", "keller.de");
    history(w, {.days_before_last = every(9, 25),
                .reply_hour = [&](UnixSeconds at) { return at >= recent ? 13 : 11; }});
    const auto found = w.run(detect_quiet, now);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(part(found[0], "reply_speed").points, 10);
    EXPECT_NE(part(found[0], "reply_speed").detail.find("4,0"), std::string::npos)
        << part(found[0], "reply_speed").detail;
  }
  {
    // Seven working hours against two: capped at 20.
    World w;
    w.company("Keller GmbH", "keller.de");
    history(w, {.days_before_last = every(9, 25),
                .reply_hour = [&](UnixSeconds at) { return at >= recent ? 16 : 11; }});
    const auto found = w.run(detect_quiet, now);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(part(found[0], "reply_speed").points, 20);
    EXPECT_EQ(found[0].severity, part(found[0], "silence").points + 20);
  }
  {
    // Faster now: no points.
    World w;
    w.company("Keller GmbH", "keller.de");
    history(w, {.days_before_last = every(9, 25),
                .reply_hour = [&](UnixSeconds at) { return at >= recent ? 10 : 15; }});
    const auto found = w.run(detect_quiet, now);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(part(found[0], "reply_speed").points, 0);
  }
}

TEST(Quiet, ContactIsTheMostFrequentAddress) {
  World w;
  w.company("Keller GmbH", "keller.de");
  history(w, {.days_before_last = every(9, 25)});
  history(w, {.customer = "info@keller.de", .days_before_last = {100, 200}});
  const auto found = w.run(detect_quiet, berlin(2026, 3, 16, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contact, "p.keller@keller.de");
}

TEST(Quiet, RankedByScoreWithStableKeys) {
  World w;
  w.company("Keller GmbH", "keller.de");
  w.company("Berger AG", "berger.de");
  history(w, {.days_before_last = every(9, 25)});
  // Berger went quiet 20 days earlier than Keller: a higher score.
  history(w, {.customer = "m.berger@berger.de", .days_before_last = [] {
                std::vector<int> days;
                for (int k = 0; k < 25; ++k) days.push_back(20 + 9 * k);
                return days;
              }()});
  const auto found = w.run(detect_quiet, berlin(2026, 3, 16, 10));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].customer, "Berger AG");
  EXPECT_GT(found[0].severity, found[1].severity);
  EXPECT_EQ(found[0].key, finding_key("q", "berger.de"));
  EXPECT_EQ(found[1].key, finding_key("q", "keller.de"));
  // A later run with one more day of silence keeps the keys.
  const auto later = w.run(detect_quiet, berlin(2026, 3, 17, 10));
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[1].key, found[1].key);
}

}  // namespace
}  // namespace nachfass::test
