#include "core/rules.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace nachfass {

namespace {

// Only called with the patterns below, which tests/unit/lapsing exercises with positive and
// near-miss subjects; a pattern that failed to compile would match nothing rather than stop the
// program.
std::vector<Pattern> compile_all(std::initializer_list<std::string_view> sources) {
  std::vector<Pattern> patterns;
  patterns.reserve(sources.size());
  for (std::string_view source : sources) {
    auto pattern = Pattern::compile(source);
    if (pattern) patterns.push_back(std::move(*pattern));
  }
  return patterns;
}

// The product words of a trial, German and English.
#define NACHFASS_TRIAL_WORDS                                                                    \
  "(?:test|probe)(?:zugang|zugangs|version|phase|account|konto|lizenz|abo|abonnement|zeitraum)" \
  "|test-(?:zugang|account|version)|trial"

// A new order or a signed contract: the customer has bought, no follow-up on the engagement.
std::vector<Pattern> order_confirmations() {
  return compile_all({
      R"(\bauftragsbestätigung\b)",
      R"(\bbestellbestätigung\b)",
      R"(\bbestätigung\s+(?:ihrer|der)\s+bestellung\b)",
      R"(\bihre\s+bestellung\b.{0,40}\b(?:ist\s+eingegangen|wurde\s+(?:angenommen|bestätigt|aufgenommen)))",
      R"(\border\s+confirm(?:ation|ed)\b)",
      R"(\byour\s+order\b.{0,30}\b(?:has\s+been|is)\s+(?:confirmed|received|placed))",
      // "Ihre Lizenz wurde aktiviert", not "Ihre Testlizenz ...".
      R"(\b(?:ihre\s+)?lizenz(?:en)?\b.{0,40}\b(?:aktiviert|freigeschaltet)\b)",
      R"(\b(?:licen[cs]e|subscription)\b.{0,30}\b(?:activated|is\s+now\s+active)\b)",
  });
}

// A signed contract ends a trial or follows a seminar; for the contract rule it is the start.
std::vector<Pattern> signed_contracts() {
  return compile_all({
      R"(\bvertrag\b.{0,40}\bunterzeichnet\b)",
      R"(\bcontract\b.{0,30}\bsigned\b)",
  });
}

std::vector<Pattern> concat(std::vector<Pattern> a, const std::vector<Pattern>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// What a subject names when it is about a contract, a trial or a seminar: a cancellation that
// names one of them is not the cancellation of another ("Kündigung Leasingvertrag WV-4711" ends
// the lease, not the trial the same customer is running).
#define NACHFASS_CONTRACT_WORDS R"(\w*vertrag\w*|contract|lease|leasing)"
#define NACHFASS_SEMINAR_WORDS R"(\w*seminar\w*|webinar|workshop|\w*schulung|taster|training)"

// The customer (or we) ended it. "Ihr Testzugang ist abgelaufen" / "Your trial has ended" are
// the natural end, not a cancellation: that is exactly when a follow-up is due. `not_about`:
// the words of the other kinds of engagement; a subject naming one of them is left to that kind.
std::vector<Pattern> cancellations(std::string_view not_about) {
  static constexpr std::string_view words[] = {
      R"(\bkündigung(?:sbestätigung|seingang)?\b)",
      R"(\bgekündigt\b)",
      R"(\bstornierung\b|\bstorniert\b)",
      R"(\bcancel+ation\b)",
      R"(\bcancel+ed\b)",
      R"(\bkein\s+interesse\b)",
      R"(\bnot\s+interested\b)",
  };
  std::vector<Pattern> patterns;
  for (std::string_view word : words) {
    const std::string source =
        "^(?!.*\\b(?:" + std::string(not_about) + ")\\b).*(?:" + std::string(word) + ")";
    if (auto pattern = Pattern::compile(source)) patterns.push_back(std::move(*pattern));
  }
  return patterns;
}

EngagementRule trial_rule() {
  EngagementRule rule;
  rule.name = "trial";
  rule.engagement = "trial";
  // The trial system's notice: "Ihr 30-tägiger Testzugang ist aktiv", "Ihre Testversion wurde
  // freigeschaltet", "Your 30-day trial has started", "Welcome to your free trial". A keyword
  // alone is not enough: "Frage zum Testzugang" or "wir möchten die Testphase verlängern" are
  // customers writing about a trial, not the start of one.
  rule.start.subject = compile_all({
      R"(\b(?:ihr|ihre|dein|deine)\s+(?:\S+\s+){0,3}?(?:)" NACHFASS_TRIAL_WORDS
      R"()\b.{0,40}?\b(?:ist|wurde|sind|wurden)\s+(?:jetzt\s+|nun\s+|ab\s+sofort\s+|erfolgreich\s+)?(?:aktiv|aktiviert|freigeschaltet|eingerichtet|bereit|gestartet|angelegt)\b)",
      R"(\b(?:)" NACHFASS_TRIAL_WORDS
      R"()\s+(?:aktiviert|freigeschaltet|eingerichtet|gestartet)\b)",
      R"(\bihre\s+(?:\S+\s+){0,2}?(?:testphase|testzeit|probezeit)\s+(?:beginnt|hat\s+begonnen|startet)\b)",
      R"(\bwillkommen\b.{0,40}\b(?:testversion|testphase|testzugang|probeabo|probeversion)\b)",
      R"(\bzugangsdaten\b.{0,30}\b(?:testzugang|testversion|testphase|probeabo|probezugang)\b)",
      R"(\byour\s+(?:\S+\s+){0,3}?trial\b.{0,30}?\b(?:has\s+(?:started|begun)|is\s+(?:now\s+)?(?:active|ready|live)|starts\s+(?:now|today))\b)",
      R"(\bwelcome\s+to\s+(?:your\s+)?(?:\S+\s+){0,3}?trial\b)",
      R"(\btrial\s+(?:account\s+)?(?:activated|started|created)\b)",
      R"(\byou(?:'|’)?ve\s+started\s+(?:your|a)\s+(?:\S+\s+){0,2}?trial\b)",
  });
  // "Ihr Testzugang wurde bis zum 26.04.2026 verlängert", "Your trial has been extended until
  // March 26, 2026". Only mails not written by the customer count (see detect_lapsing.cpp), so
  // the customer's "Testphase verlängern?" never moves the end.
  rule.extend.subject = compile_all({
      R"(\b(?:)" NACHFASS_TRIAL_WORDS R"()\b.{0,60}?\b(?:wurde|ist|wird)\b.{0,40}?\bverlängert\b)",
      R"(\bverlängerte[rn]?\s+(?:)" NACHFASS_TRIAL_WORDS R"()\b)",
      R"(\bverlängerung\s+(?:ihres|ihrer|deines|deiner)\s+(?:)" NACHFASS_TRIAL_WORDS R"())",
      R"(\btrial\b.{0,40}?\b(?:has\s+been|was|is\s+now|got)\s+extended\b)",
      R"(\bextended\s+(?:your\s+)?(?:\S+\s+){0,2}?trial\b)",
      R"(\btrial\s+extension\s+(?:confirmed|granted)\b)",
  });
  rule.convert.subject = concat(order_confirmations(), signed_contracts());
  rule.cancel.subject = cancellations(NACHFASS_CONTRACT_WORDS "|" NACHFASS_SEMINAR_WORDS);
  rule.length_days = 30;
  rule.before_end_days = 7;
  rule.contact_window_days = 7;
  rule.expire_after_days = 30;
  return rule;
}

EngagementRule contract_rule() {
  EngagementRule rule;
  rule.name = "contract";
  rule.engagement = "contract";
  // Confirmations of a contract, lease or subscription, not every mail that mentions one.
  rule.start.subject = compile_all({
      R"(\bvertragsbestätigung\b)",
      R"(\bbestätigung\s+(?:ihres|des|deines)\s+\w*vertrag(?:s|es)\b)",
      R"(\b(?:ihr|dein)\s+(?:neuer\s+)?\w*vertrag\b.{0,40}?\b(?:ist|wurde)\b.{0,20}?\b(?:abgeschlossen|aktiviert|bestätigt|unterzeichnet|eingerichtet)\b)",
      // A subject that is the contract itself: "Leasingvertrag Nr. 4711" (not "Frage zum ...").
      R"(^\s*(?:ihr\s+)?(?:leasing|wartungs|service|miet|rahmen|abo|lizenz|support)vertrag\s*(?:nr\.?|nummer|no\.?|#)\s*\S+)",
      R"(\b(?:abonnement|abo)bestätigung\b)",
      R"(\bcontract\s+confirmation\b)",
      R"(^(?!.*\b(?:newsletter|mailing\s+list|please\s+confirm|confirm\s+your)\b).*\bsubscription\s+confirm(?:ation|ed)\b)",
      R"(\bconfirmation\s+of\s+(?:your\s+)?(?:\S+\s+){0,2}?(?:contract|subscription|lease)\b)",
      R"(\byour\s+(?:\S+\s+){0,2}?(?:contract|lease)\b.{0,30}?\b(?:is|has\s+been)\s+(?:confirmed|activated|signed|concluded)\b)",
      R"(^\s*(?:your\s+)?(?:lease|leasing|maintenance|service)\s+(?:agreement|contract)\s+(?:no\.?|number|#)\s*\S+)",
  });
  // "Ihr Wartungsvertrag wurde bis 31.12.2027 verlängert", "Your subscription has been renewed
  // until ...": a new end date, when the text names one.
  rule.extend.subject = compile_all({
      R"(\b\w*vertrag\w*\b.{0,60}?\b(?:wurde|ist|wird)\b.{0,40}?\bverlängert\b)",
      R"(\bvertragsverlängerung\b)",
      R"(\b(?:contract|subscription|lease|agreement)\b.{0,40}?\b(?:has\s+been|was|is)\s+(?:renewed|extended)\b)",
      R"(\brenewal\s+confirm(?:ation|ed)\b)",
  });
  rule.convert.subject = order_confirmations();
  rule.cancel.subject = cancellations(NACHFASS_TRIAL_WORDS "|" NACHFASS_SEMINAR_WORDS);
  rule.length_days = 365;
  rule.before_end_days = 60;
  rule.contact_window_days = 30;
  rule.expire_after_days = 30;
  return rule;
}

EngagementRule seminar_rule() {
  EngagementRule rule;
  rule.name = "seminar";
  rule.engagement = "seminar";
  // Calendar events the user holds with customers: "Schnupperseminar Keller GmbH",
  // "Webinar: Neuerungen 2026", "Produktschulung", "Taster session".
  rule.event_title = compile_all({
      R"(seminar|webinar|workshop|schulung)",
      R"(\b(?:taster|training|masterclass)\b)",
  });
  // A registration confirmation; the date in its text is the seminar day.
  rule.start.subject = compile_all({
      R"(^(?!.*\bnewsletter\b).*\b(?:teilnahmebestätigung|anmeldebestätigung)\b)",
      R"(^(?!.*\bnewsletter\b).*\bbestätigung\s+(?:ihrer|deiner|der)\s+(?:anmeldung|teilnahme)\b)",
      R"(^(?!.*\bnewsletter\b).*\bregistration\s+(?:confirmed|confirmation)\b)",
      R"(\byou(?:'|’)?re\s+registered\b)",
  });
  rule.convert.subject = concat(order_confirmations(), signed_contracts());
  rule.cancel.subject = compile_all({
      R"(\babmeldung\b)",
      R"(\b(?:teilnahme|anmeldung)\b.{0,30}?\b(?:storniert|abgesagt|zurückgezogen)\b)",
      R"(\bregistration\s+cancel+ed\b)",
      R"(\bkein\s+interesse\b)",
      R"(\bnot\s+interested\b)",
  });
  rule.length_days = 0;
  rule.after_start_days = 3;
  rule.contact_window_days = 3;
  rule.expire_after_days = 30;
  return rule;
}

#undef NACHFASS_TRIAL_WORDS
#undef NACHFASS_CONTRACT_WORDS
#undef NACHFASS_SEMINAR_WORDS

}  // namespace

std::vector<EngagementRule> default_engagement_rules() {
  std::vector<EngagementRule> rules;
  rules.push_back(trial_rule());
  rules.push_back(contract_rule());
  rules.push_back(seminar_rule());
  return rules;
}

}  // namespace nachfass
