#include "core/classify.hpp"

#include <gtest/gtest.h>

#include "core/identities.hpp"

namespace nachfass {
namespace {

struct SubjectRow {
  const char* subject;
  bool out_of_office;
};

class OutOfOfficeSubject : public ::testing::TestWithParam<SubjectRow> {};

TEST_P(OutOfOfficeSubject, Matches) {
  EXPECT_EQ(is_out_of_office_subject(GetParam().subject), GetParam().out_of_office)
      << GetParam().subject;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, OutOfOfficeSubject,
    ::testing::Values(SubjectRow{"Abwesenheitsnotiz: AW: Angebot", true},
                      SubjectRow{"Automatische Antwort: Lieferung", true},
                      SubjectRow{"Automatic reply: Invoice 4711", true},
                      SubjectRow{"Out of Office: Renewal", true},
                      SubjectRow{"Out of Office AutoReply: Renewal", true},
                      SubjectRow{"AUTO: Hans Meier is out of the office (returning 01.12.2026)",
                                 true},
                      SubjectRow{"Ich bin nicht im Büro", true},
                      SubjectRow{"Réponse automatique : Devis", true},
                      SubjectRow{"Autosvar: Offert", true},
                      SubjectRow{"[EXTERN] Abwesenheitsnotiz: Änderung", true},
                      SubjectRow{"[ext] [SPAM?] Out of Office: Renewal", true},
                      SubjectRow{"[Ticket#12] Angebot", false},
                      SubjectRow{"Abwesenheit im Dezember - Lieferung", false},
                      SubjectRow{"Auto: Neuwagenangebot", false},
                      SubjectRow{"Out of office hours support contract", false},
                      SubjectRow{"Re: Angebot", false}, SubjectRow{"", false}));

TEST(NoReply, Addresses) {
  EXPECT_TRUE(is_noreply_address("noreply@shop.de"));
  EXPECT_TRUE(is_noreply_address("No-Reply@Portal.example"));
  EXPECT_TRUE(is_noreply_address("shop-donotreply@x.de"));
  EXPECT_TRUE(is_noreply_address("mailer-daemon@mx.de"));
  EXPECT_TRUE(is_noreply_address("bounces+123@sendgrid.net"));
  EXPECT_FALSE(is_noreply_address("info@mueller.de"));
  EXPECT_FALSE(is_noreply_address("noreen@x.de"));
  EXPECT_FALSE(is_noreply_address("replyteam@x.de"));
}

TEST(Classify, OrderAndNoValues) {
  AutomationHeaders h;
  EXPECT_EQ(classify_automation(h, "a@b.de", "Angebot"), Automation::none);
  h.auto_submitted = "No";
  EXPECT_EQ(classify_automation(h, "a@b.de", "Angebot"), Automation::none);
  h.auto_submitted = "auto-generated";
  EXPECT_EQ(classify_automation(h, "a@b.de", "Angebot"), Automation::auto_submitted);
  h = {};
  h.precedence = "Bulk";
  EXPECT_EQ(classify_automation(h, "a@b.de", "x"), Automation::precedence_bulk);
  h.precedence = "first-class";
  EXPECT_EQ(classify_automation(h, "a@b.de", "x"), Automation::none);
  h = {};
  h.list_id = "<news.mueller.de>";
  EXPECT_EQ(classify_automation(h, "a@b.de", "x"), Automation::mailing_list);
}

TEST(Identities, DirectionByAddressAndDomain) {
  Identities ids({"Anna.Vogel@Example.com", "vertrieb@example.com"},
                 {"@example.com", "example.de"});
  EXPECT_TRUE(ids.is_user("anna.vogel@example.com"));
  EXPECT_TRUE(ids.is_user("VERTRIEB@example.com"));
  EXPECT_FALSE(ids.is_user("juergen@example.com"));
  EXPECT_TRUE(ids.is_colleague("juergen@example.com"));
  EXPECT_TRUE(ids.is_colleague("x@sales.example.de"));
  EXPECT_FALSE(ids.is_own("x@notexample.com"));
  EXPECT_FALSE(ids.is_own("x@example.com.evil.net"));
  EXPECT_FALSE(ids.is_own(""));
  EXPECT_TRUE(is_freemail_domain("GMX.de"));
  EXPECT_FALSE(is_freemail_domain("mueller.de"));
}

}  // namespace
}  // namespace nachfass
