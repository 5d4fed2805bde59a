// Stalled conversations: our last word expects an answer and the customer stays silent.
#include <gtest/gtest.h>

#include <algorithm>

#include "world.hpp"

namespace nachfass::test {
namespace {

// Thursday 12 March 2026, 10:00: the offer goes out. The standard tier waits 5 business days
// (45 working hours): until Thursday 19 March, 10:00.
const UnixSeconds offer_sent = berlin(2026, 3, 12, 10);
const UnixSeconds standard_due = berlin(2026, 3, 19, 10);
const UnixSeconds six_days_later = berlin(2026, 3, 20, 10);

World keller() {
  World w;
  w.company("Keller GmbH", "keller.de");
  return w;
}

// The customer asks, we answer with `body`.
World inquiry_answered_with(const std::string& body, const std::string& subject = "Ihre Anfrage") {
  World w = keller();
  w.in("anfrage@keller.de", "p.keller@keller.de", berlin(2026, 3, 10, 9), subject, {},
       "Guten Tag Frau Vogel, wir interessieren uns für Ihre Wartungsverträge.");
  w.out("antwort@example.com", "p.keller@keller.de", offer_sent, "AW: " + subject,
        "anfrage@keller.de", body);
  return w;
}

TEST(Stalled, OfferWithoutReactionIsAFinding) {
  World w = keller();
  w.out("angebot@example.com", "p.keller@keller.de", offer_sent, "Angebot Wartungsvertrag", {},
        "Sehr geehrte Frau Keller, wie besprochen erhalten Sie anbei die Unterlagen für die "
        "Wartung Ihrer drei Anlagen. Mit freundlichen Grüßen, Anna Vogel");
  const auto found = w.run(detect_stalled, six_days_later);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.kind, FindingKind::stalled);
  EXPECT_EQ(f.reason,
            "Angebot an Keller GmbH („Angebot Wartungsvertrag“) vom 12.03. — seit 6 Werktagen "
            "keine Reaktion");
  EXPECT_EQ(f.key, finding_key("s", "angebot@example.com"));
  EXPECT_EQ(f.awaiting, "angebot@example.com");
  EXPECT_EQ(f.thread_root, "angebot@example.com");
  EXPECT_EQ(f.since, offer_sent);
  EXPECT_EQ(f.due, standard_due);
  EXPECT_EQ(f.customer, "Keller GmbH");
  EXPECT_EQ(f.contact, "p.keller@keller.de");
  EXPECT_EQ(f.domain, "keller.de");
  EXPECT_EQ(f.subject, "Angebot Wartungsvertrag");
  EXPECT_EQ(f.waiting_business_days, 6);
  EXPECT_GT(f.severity, 0);

  const auto english = w.run(detect_stalled, six_days_later, Language::en);
  ASSERT_EQ(english.size(), 1u);
  EXPECT_EQ(english[0].reason,
            "Offer to Keller GmbH (“Angebot Wartungsvertrag”) sent on Mar 12 — no response for 6 "
            "business days");
}

TEST(Stalled, BoundaryAtTheStallTime) {
  World w = inquiry_answered_with("Anbei unser Angebot für die Wartung.");
  EXPECT_TRUE(w.run(detect_stalled, standard_due - 60).empty());
  const auto found = w.run(detect_stalled, standard_due);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].waiting_business_days, 5);
  // The weekend does not count: Saturday is no later than Friday evening.
  EXPECT_TRUE(w.run(detect_stalled, berlin(2026, 3, 14, 12)).empty());
}

TEST(Stalled, TierSetsTheStallTime) {
  World w;
  w.company("Keller GmbH", "keller.de", "key");  // 3 business days
  w.in("anfrage@keller.de", "p.keller@keller.de", berlin(2026, 3, 10, 9), "Ihre Anfrage");
  w.out("antwort@example.com", "p.keller@keller.de", offer_sent, "AW: Ihre Anfrage",
        "anfrage@keller.de", "Anbei unser Angebot.");
  EXPECT_TRUE(w.run(detect_stalled, berlin(2026, 3, 17, 9, 59)).empty());
  const auto found = w.run(detect_stalled, berlin(2026, 3, 17, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].due, berlin(2026, 3, 17, 10));
}

TEST(Stalled, ClosesWhenTheCustomerWrites) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  w.in("zusage@keller.de", "p.keller@keller.de", berlin(2026, 3, 16, 9), "AW: Ihre Anfrage",
       "antwort@example.com", "Danke, wir prüfen das.");
  EXPECT_TRUE(w.run(detect_stalled, six_days_later).empty());
}

TEST(Stalled, AReplyAfterNowDoesNotExistYet) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  w.in("zusage@keller.de", "p.keller@keller.de", six_days_later + hour, "AW: Ihre Anfrage",
       "antwort@example.com", "Danke, wir nehmen das Angebot an.");
  EXPECT_EQ(w.run(detect_stalled, six_days_later).size(), 1u);
}

TEST(Stalled, OurFollowUpStartsANewWaitUnderTheSameKey) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  const std::string key = w.run(detect_stalled, six_days_later)[0].key;
  w.out("nachfass@example.com", "p.keller@keller.de", berlin(2026, 3, 20, 11),
        "AW: Ihre Anfrage", "antwort@example.com",
        "Guten Tag Frau Keller, konnten Sie sich unser Angebot schon ansehen?");
  EXPECT_TRUE(w.run(detect_stalled, berlin(2026, 3, 24, 10)).empty());
  const auto found = w.run(detect_stalled, berlin(2026, 3, 27, 11));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, key);
  EXPECT_EQ(found[0].awaiting, "nachfass@example.com");
  EXPECT_EQ(found[0].since, berlin(2026, 3, 20, 11));
}

TEST(Stalled, AClosingFollowUpEndsIt) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  w.out("danke@example.com", "p.keller@keller.de", berlin(2026, 3, 13, 9), "AW: Ihre Anfrage",
        "antwort@example.com", "Vielen Dank für das Telefonat, damit ist alles erledigt.");
  EXPECT_TRUE(w.run(detect_stalled, six_days_later).empty());
}

TEST(Stalled, OurAutomatedMailIsNotTheLastWord) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  w.add({"ooo@example.com", "anna@example.com", {"p.keller@keller.de"}, berlin(2026, 3, 16, 9),
         "Abwesenheitsnotiz: Ihre Anfrage", "", "", Automation::out_of_office_subject});
  const auto found = w.run(detect_stalled, six_days_later);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].awaiting, "antwort@example.com");
}

TEST(Stalled, CustomerAnnouncedAPause) {
  World w = keller();
  w.in("test@keller.de", "p.keller@keller.de", berlin(2026, 3, 11, 9), "Testzugang", {},
       "Hallo Frau Vogel, wir würden die Software gern noch etwas länger testen und melden uns "
       "dann wieder bei Ihnen. Viele Grüße, Petra Keller");
  w.out("verlaengert@example.com", "p.keller@keller.de", offer_sent, "AW: Testzugang",
        "test@keller.de",
        "Hallo Frau Keller, gern, ich habe Ihren Testzugang bis Monatsende verlängert. Viele "
        "Grüße, Anna Vogel");
  const auto found = w.run(detect_stalled, six_days_later);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason,
            "Nachricht an Keller GmbH („Testzugang“) vom 12.03. — seit 6 Werktagen keine Reaktion");
}

TEST(Stalled, EnglishCustomerPause) {
  World w = keller();
  w.in("think@keller.de", "p.keller@keller.de", berlin(2026, 3, 11, 9), "Your proposal", {},
       "Hi Anna, thanks for the call. We need a few more days to think it over. Best, Petra");
  w.out("sure@example.com", "p.keller@keller.de", offer_sent, "Re: Your proposal",
        "think@keller.de", "Hi Petra, sure, take your time. Best, Anna");
  const auto found = w.run(detect_stalled, six_days_later, Language::en);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason,
            "Message to Keller GmbH (“Your proposal”) sent on Mar 12 — no response for 6 business "
            "days");
}

TEST(Stalled, AReplySubjectDoesNotMakeAThankYouAnOffer) {
  World w = inquiry_answered_with("Vielen Dank, die Ware ist heute rausgegangen. Viele Grüße",
                                  "Angebot Wartungsvertrag");
  EXPECT_TRUE(w.run(detect_stalled, six_days_later).empty());
}

TEST(Stalled, IgnoredCustomersAndMassMailings) {
  {
    World w;
    w.company("Lieferant AG", "lieferant.de", {}, /*ignore=*/true);
    w.out("bestellung@example.com", "h.huber@lieferant.de", offer_sent, "Bestellung",
          {}, "Können Sie bis Freitag liefern?");
    EXPECT_TRUE(w.run(detect_stalled, six_days_later).empty());
  }
  {
    World w = keller();
    std::vector<std::string> many = {"p.keller@keller.de"};
    for (int k = 0; k < mass_mail_recipients; ++k)
      many.push_back("kunde" + std::to_string(k) + "@firma" + std::to_string(k) + ".de");
    w.add({"aktion@example.com", "anna@example.com", many, offer_sent, "Frühjahrsangebot",
           "Unser Angebot für Sie: 20 % auf alle Wartungsverträge."});
    EXPECT_TRUE(w.run(detect_stalled, six_days_later).empty());
  }
}

TEST(Stalled, AColleaguesOfferCountsAsOurs) {
  World w = keller();
  w.in("anfrage@keller.de", "p.keller@keller.de", berlin(2026, 3, 10, 9), "Ihre Anfrage");
  w.add({"kollege@example.com", "max@example.com", {"p.keller@keller.de"}, offer_sent,
         "AW: Ihre Anfrage", "Anbei unser Angebot.", "anfrage@keller.de"});
  ASSERT_EQ(w.run(detect_stalled, six_days_later).size(), 1u);
}

TEST(Stalled, OldThreadsAreLeftToQuiet) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  EXPECT_EQ(w.run(detect_stalled, offer_sent + 89 * day).size(), 1u);
  EXPECT_TRUE(w.run(detect_stalled, offer_sent + 91 * day).empty());
}

TEST(Stalled, ReadsBodiesOnlyForCandidates) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  // Too young: our offer of this morning.
  w.in("neu@keller.de", "m.berger@keller.de", berlin(2026, 3, 20, 8), "Neue Anfrage");
  const MessageIndex young = w.out("jung@example.com", "m.berger@keller.de",
                                   berlin(2026, 3, 20, 9), "AW: Neue Anfrage", "neu@keller.de",
                                   "Anbei unser Angebot.");
  // The customer's word is the last one.
  const MessageIndex waiting =
      w.in("offen@keller.de", "p.keller@keller.de", berlin(2026, 3, 2, 9), "Frage zur Rechnung");
  const auto found = w.run(detect_stalled, six_days_later);
  ASSERT_EQ(found.size(), 1u);
  const auto& reads = w.texts.reads;
  EXPECT_EQ(std::count(reads.begin(), reads.end(), young), 0);
  EXPECT_EQ(std::count(reads.begin(), reads.end(), waiting), 0);
  EXPECT_FALSE(reads.empty());
}

TEST(Stalled, SortedByWaitWithStableKeys) {
  World w = inquiry_answered_with("Anbei unser Angebot.");
  w.company("Berger AG", "berger.de");
  w.out("frage@example.com", "m.berger@berger.de", berlin(2026, 3, 11, 10), "Liefertermin", {},
        "Guten Tag Herr Berger, wann dürfen wir die Maschine liefern?");
  const auto found = w.run(detect_stalled, six_days_later);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].customer, "Berger AG");
  EXPECT_EQ(found[0].reason.rfind("Frage an Berger AG („Liefertermin“) vom 11.03.", 0), 0u)
      << found[0].reason;
  EXPECT_EQ(found[1].key, finding_key("s", "anfrage@keller.de"));
  const auto again = w.run(detect_stalled, six_days_later + day);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].key, found[0].key);
  EXPECT_EQ(again[1].key, found[1].key);
}

// Realistic last words of ours: does the thread wait for the customer, and as what?
struct Wording {
  const char* name;
  const char* body;
  const char* expected;  // start of the reason, or "" for no finding
};

class StalledWording : public ::testing::TestWithParam<Wording> {};

TEST_P(StalledWording, Qualifies) {
  const Wording& row = GetParam();
  World w = inquiry_answered_with(row.body);
  const auto found = w.run(detect_stalled, six_days_later);
  if (*row.expected == '\0') {
    EXPECT_TRUE(found.empty()) << (found.empty() ? "" : found[0].reason);
    return;
  }
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reason.rfind(row.expected, 0), 0u) << found[0].reason;
}

INSTANTIATE_TEST_SUITE_P(
    GermanAndEnglish, StalledWording,
    ::testing::Values(
        Wording{"offer_de",
                "Sehr geehrte Frau Keller, anbei unser Angebot für die Wartung Ihrer drei "
                "Anlagen. Mit freundlichen Grüßen, Anna Vogel",
                "Angebot an"},
        Wording{"date_de",
                "Guten Tag Frau Keller, passt Ihnen Dienstag, der 24.03. um 10 Uhr für die "
                "Vorführung? Viele Grüße",
                "Terminvorschlag an"},
        Wording{"question_de",
                "Hallo Frau Keller, wie viele Arbeitsplätze sollen wir für die Lizenz einplanen? "
                "Viele Grüße",
                "Frage an"},
        Wording{"ask_de",
                "Hallo Frau Keller, ich habe die Unterlagen nochmals geprüft. Bitte geben Sie mir "
                "kurz Bescheid, ob die Lieferung so passt.",
                "Nachricht an"},
        Wording{"looking_forward_de", "Ich freue mich auf Ihre Rückmeldung. Viele Grüße",
                "Nachricht an"},
        Wording{"thanks_for_feedback_de", "Vielen Dank für Ihre Rückmeldung! Schönes Wochenende.",
                ""},
        Wording{"settled_de", "Vielen Dank, damit ist alles erledigt. Schönes Wochenende!", ""},
        Wording{"courtesy_closing_de",
                "Anbei wie gewünscht die Unterlagen. Haben Sie noch Fragen? Dann melden Sie sich "
                "gern.",
                ""},
        Wording{"offer_with_courtesy_closing_de",
                "Anbei unser Angebot. Haben Sie noch Fragen? Dann melden Sie sich gern.",
                "Angebot an"},
        Wording{"order_confirmation_de",
                "Vielen Dank für Ihren Auftrag, gemäß unserem Angebot vom 12.03. liefern wir in "
                "KW 14.",
                ""},
        Wording{"link_with_question_mark_de",
                "Den Link zum Download finden Sie hier: "
                "https://download.example.com/?file=handbuch.pdf Viele Grüße",
                ""},
        Wording{"no_answer_needed_de",
                "Hallo Frau Keller, danke, die Rechnung ist bezahlt. Eine Rückmeldung ist nicht "
                "nötig.",
                ""},
        Wording{"plain_thanks_de", "Vielen Dank für Ihre Bestellung, schönes Wochenende!", ""},
        Wording{"offer_en",
                "Dear Ms Keller, please find attached our quotation for the maintenance "
                "contract. Best regards",
                "Angebot an"},
        Wording{"date_en", "Would Tuesday at 10 am suit you for a short call?",
                "Terminvorschlag an"},
        Wording{"question_en", "How many seats should we plan for?", "Frage an"},
        Wording{"ask_en", "Please let me know whether the delivery date works for your team.",
                "Nachricht an"},
        Wording{"look_forward_en", "I look forward to hearing from you. Best regards, Anna",
                "Nachricht an"},
        Wording{"settled_en", "Thanks, all settled. Have a nice weekend!", ""},
        Wording{"courtesy_let_me_know_en",
                "Here are the documents you asked for. Let me know if you have any questions.",
                ""},
        Wording{"courtesy_question_en",
                "Do you have any further questions? Just give me a call.", ""},
        Wording{"order_en", "Thank you for your order. We will ship on Monday.", ""},
        Wording{"thank_you_note_en", "Thank you for the pleasant meeting yesterday. Best, Anna",
                ""}),
    [](const ::testing::TestParamInfo<Wording>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nachfass::test
