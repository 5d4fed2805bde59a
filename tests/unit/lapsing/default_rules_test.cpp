// The shipped engagement rules on real notices and on the customer mail they must leave alone.
#include "core/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace nachfass {
namespace {

const EngagementRule& rule(std::string_view name) {
  static const std::vector<EngagementRule> rules = default_engagement_rules();
  const auto it = std::find_if(rules.begin(), rules.end(),
                               [&](const EngagementRule& r) { return r.name == name; });
  if (it == rules.end()) throw std::logic_error("no default rule " + std::string(name));
  return *it;
}

enum class Part : std::uint8_t { start, extend, convert, cancel, event };

const std::vector<Pattern>& patterns(const EngagementRule& r, Part part) {
  switch (part) {
    case Part::start:
      return r.start.subject;
    case Part::extend:
      return r.extend.subject;
    case Part::convert:
      return r.convert.subject;
    case Part::cancel:
      return r.cancel.subject;
    case Part::event:
      return r.event_title;
  }
  return r.start.subject;
}

struct Row {
  const char* rule;
  Part part;
  const char* subject;
  bool matches;
};

std::ostream& operator<<(std::ostream& os, const Row& row) {
  return os << row.rule << ": " << row.subject;
}

class DefaultRules : public ::testing::TestWithParam<Row> {};

TEST_P(DefaultRules, Subject) {
  const Row& row = GetParam();
  EXPECT_EQ(any_match(patterns(rule(row.rule), row.part), row.subject), row.matches)
      << row.rule << " / " << static_cast<int>(row.part) << ": " << row.subject;
}

INSTANTIATE_TEST_SUITE_P(
    Trial, DefaultRules,
    ::testing::Values(
        // The trial system's notices.
        Row{"trial", Part::start, "Ihr 30-tägiger Testzugang ist aktiv", true},
        Row{"trial", Part::start, "Ihr Testzugang ist aktiv", true},
        Row{"trial", Part::start, "Ihre Testversion wurde freigeschaltet", true},
        Row{"trial", Part::start, "Ihr kostenloser Testzugang für CRM Pro wurde eingerichtet",
            true},
        Row{"trial", Part::start, "Testzugang aktiviert", true},
        Row{"trial", Part::start, "IHR TESTZUGANG IST JETZT AKTIV", true},
        Row{"trial", Part::start, "Willkommen zu Ihrer Testversion von Acme", true},
        Row{"trial", Part::start, "Ihre Zugangsdaten für den Testzugang", true},
        Row{"trial", Part::start, "Ihre Testphase hat begonnen", true},
        Row{"trial", Part::start, "Your 30-day trial has started", true},
        Row{"trial", Part::start, "Your free Acme trial is now active", true},
        Row{"trial", Part::start, "Welcome to your free trial", true},
        Row{"trial", Part::start, "Trial activated", true},
        Row{"trial", Part::start, "You've started your free trial", true},
        // Customers writing about a trial, and the trial's natural end.
        Row{"trial", Part::start, "Frage zum Testzugang", false},
        Row{"trial", Part::start, "Wir möchten die Testphase verlängern", false},
        Row{"trial", Part::start, "Ist Ihr Testzugang noch aktiv?", false},
        Row{"trial", Part::start, "Mein Testzugang ist nicht aktiv", false},
        Row{"trial", Part::start, "Unser Testzugang ist abgelaufen", false},
        Row{"trial", Part::start, "Ihr Testzugang ist abgelaufen", false},
        Row{"trial", Part::start, "Your trial has ended", false},
        Row{"trial", Part::start, "Your trial ends in 3 days", false},
        Row{"trial", Part::start, "Trial request", false},
        Row{"trial", Part::start, "Angebot Testzugang Pro", false},
        // Extensions: the system's phrasing, not the customer's request.
        Row{"trial", Part::extend, "Ihr Testzugang wurde bis zum 26.04.2026 verlängert", true},
        Row{"trial", Part::extend, "Ihre Testphase wurde verlängert", true},
        Row{"trial", Part::extend, "Verlängerte Testphase bis 30.04.", true},
        Row{"trial", Part::extend, "Verlängerung Ihres Testzugangs", true},
        Row{"trial", Part::extend, "Your trial has been extended until March 26, 2026", true},
        Row{"trial", Part::extend, "We extended your trial", true},
        Row{"trial", Part::extend, "wir möchten die Testphase verlängern", false},
        Row{"trial", Part::extend, "Kann die Testphase verlängert werden?", false},
        Row{"trial", Part::extend, "Bitte um Verlängerung der Testphase", false},
        Row{"trial", Part::extend, "Can we extend the trial?", false},
        Row{"trial", Part::extend, "Trial extension request", false},
        // Conversion.
        Row{"trial", Part::convert, "Auftragsbestätigung 2026-0412", true},
        Row{"trial", Part::convert, "Ihre Bestellbestätigung", true},
        Row{"trial", Part::convert, "Order confirmation #4711", true},
        Row{"trial", Part::convert, "Ihre Lizenz wurde aktiviert", true},
        Row{"trial", Part::convert, "Your subscription is now active", true},
        Row{"trial", Part::convert, "Vertrag wurde unterzeichnet", true},
        Row{"trial", Part::convert, "Ihre Testlizenz wurde aktiviert", false},
        Row{"trial", Part::convert, "Frage zur Bestellung", false},
        // Cancellation.
        Row{"trial", Part::cancel, "Kündigung Testzugang", true},
        Row{"trial", Part::cancel, "Testzugang gekündigt", true},
        Row{"trial", Part::cancel, "Cancellation of your trial", true},
        Row{"trial", Part::cancel, "Subscription cancelled", true},
        Row{"trial", Part::cancel, "Leider kein Interesse", true},
        Row{"trial", Part::cancel, "Frage zur Kündigungsfrist", false},
        Row{"trial", Part::cancel, "Ihr Testzugang ist abgelaufen", false},
        // A cancellation that names another kind of engagement is that engagement's.
        Row{"trial", Part::cancel, "Kündigung Leasingvertrag WV-4711", false},
        Row{"trial", Part::cancel, "AW: Kündigung Wartungsvertrag", false},
        Row{"trial", Part::cancel, "Cancellation of leasing contract WV-4711", false},
        Row{"trial", Part::cancel, "Anmeldung zum Schnupperseminar storniert", false}));

INSTANTIATE_TEST_SUITE_P(
    Contract, DefaultRules,
    ::testing::Values(
        Row{"contract", Part::start, "Vertragsbestätigung Leasing 4711", true},
        Row{"contract", Part::start, "Bestätigung Ihres Wartungsvertrags", true},
        Row{"contract", Part::start, "Ihr neuer Leasingvertrag wurde abgeschlossen", true},
        Row{"contract", Part::start, "Leasingvertrag Nr. 4711", true},
        Row{"contract", Part::start, "Wartungsvertrag Nr. WV-2026-17", true},
        Row{"contract", Part::start, "Abobestätigung", true},
        Row{"contract", Part::start, "Contract confirmation", true},
        Row{"contract", Part::start, "Subscription confirmation", true},
        Row{"contract", Part::start, "Confirmation of your maintenance contract", true},
        Row{"contract", Part::start, "Your lease has been confirmed", true},
        Row{"contract", Part::start, "Frage zum Leasingvertrag Nr. 4711", false},
        Row{"contract", Part::start, "Leasingvertrag", false},
        Row{"contract", Part::start, "Angebot Wartungsvertrag", false},
        Row{"contract", Part::start, "Newsletter subscription confirmation", false},
        Row{"contract", Part::start, "Please confirm your subscription", false},
        Row{"contract", Part::extend, "Ihr Wartungsvertrag wurde bis 31.12.2027 verlängert", true},
        Row{"contract", Part::extend, "Vertragsverlängerung", true},
        Row{"contract", Part::extend, "Your subscription has been renewed", true},
        Row{"contract", Part::extend, "Können wir den Vertrag verlängern?", false},
        Row{"contract", Part::convert, "Auftragsbestätigung 2026-0412", true},
        Row{"contract", Part::convert, "Ihr Wartungsvertrag wurde unterzeichnet", false},
        Row{"contract", Part::cancel, "Kündigung Wartungsvertrag", true},
        Row{"contract", Part::cancel, "Cancellation of leasing contract WV-4711", true},
        Row{"contract", Part::cancel, "Kündigung", true},
        Row{"contract", Part::cancel, "Leider kein Interesse", true},
        Row{"contract", Part::cancel, "Kündigung Testzugang", false},
        Row{"contract", Part::cancel, "Please cancel our trial: cancellation", false},
        Row{"contract", Part::cancel, "Webinar storniert", false}));

INSTANTIATE_TEST_SUITE_P(
    Seminar, DefaultRules,
    ::testing::Values(Row{"seminar", Part::event, "Schnupperseminar Keller GmbH", true},
                      Row{"seminar", Part::event, "Webinar: Neuerungen 2026", true},
                      Row{"seminar", Part::event, "Produktschulung CRM", true},
                      Row{"seminar", Part::event, "Workshop Vertrieb", true},
                      Row{"seminar", Part::event, "Taster session", true},
                      Row{"seminar", Part::event, "Sales training", true},
                      Row{"seminar", Part::event, "Zahnarzt", false},
                      Row{"seminar", Part::event, "Trainingsplan", false},
                      Row{"seminar", Part::start, "Teilnahmebestätigung Schnupperseminar", true},
                      Row{"seminar", Part::start, "Anmeldebestätigung: Webinar am 12.03.", true},
                      Row{"seminar", Part::start, "Bestätigung Ihrer Anmeldung", true},
                      Row{"seminar", Part::start, "Registration confirmed: CRM taster", true},
                      Row{"seminar", Part::start, "You're registered for our webinar", true},
                      Row{"seminar", Part::start, "Anmeldebestätigung Newsletter", false},
                      Row{"seminar", Part::start, "Anmeldung zum Seminar", false},
                      Row{"seminar", Part::cancel, "Abmeldung Schnupperseminar", true},
                      Row{"seminar", Part::cancel, "Teilnahme storniert", true}));

TEST(DefaultRules, Timing) {
  const EngagementRule& trial = rule("trial");
  EXPECT_EQ(trial.length_days, 30);
  EXPECT_EQ(trial.before_end_days, 7);
  EXPECT_FALSE(trial.after_start_days);
  EXPECT_EQ(trial.contact_window_days, 7);
  EXPECT_EQ(trial.expire_after_days, 30);
  const EngagementRule& contract = rule("contract");
  EXPECT_EQ(contract.length_days, 365);
  EXPECT_EQ(contract.before_end_days, 60);
  EXPECT_EQ(contract.contact_window_days, 30);
  const EngagementRule& seminar = rule("seminar");
  EXPECT_EQ(seminar.length_days, 0);
  EXPECT_FALSE(seminar.before_end_days);
  EXPECT_EQ(seminar.after_start_days, 3);
  EXPECT_EQ(seminar.contact_window_days, 3);
}

TEST(DefaultRules, EveryListIsThere) {
  // compile_all drops a pattern that does not compile; a dropped list would show up here.
  for (const EngagementRule& r : default_engagement_rules()) {
    EXPECT_EQ(r.engagement, r.name);
    EXPECT_FALSE(r.start.subject.empty()) << r.name;
    EXPECT_FALSE(r.convert.subject.empty()) << r.name;
    EXPECT_FALSE(r.cancel.subject.empty()) << r.name;
    EXPECT_TRUE(r.start.body.empty()) << r.name << ": body patterns would read every body";
  }
}

}  // namespace
}  // namespace nachfass
