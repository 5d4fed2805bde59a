#include "core/rules.hpp"

#include <initializer_list>

namespace nachfass {

namespace {

// Only called with the patterns below, which the tests compile one by one; a pattern that
// failed to compile would match nothing rather than stop the program.
std::vector<Pattern> compile_all(std::initializer_list<std::string_view> sources) {
  std::vector<Pattern> patterns;
  patterns.reserve(sources.size());
  for (std::string_view source : sources) {
    auto pattern = Pattern::compile(source);
    if (pattern) patterns.push_back(std::move(*pattern));
  }
  return patterns;
}

}  // namespace

// Category convention (see detect_stalled in detect.hpp): a pattern whose source starts with the
// named group (?<offer>, (?<date>, (?<question> or (?<ask> names what our message was; the
// finding's reason says "Angebot" / "Terminvorschlag" / "Frage" / "Nachricht" accordingly.
//
// Decisions, each covered by a test in tests/unit/conversation:
// - A question counts only outside the courtesy closings "Haben Sie noch Fragen?", "Bei Fragen
//   ...?", "Any questions?", "Do you have any further questions?": such a mail does not expect
//   an answer. Nor does "Dann melden Sie sich gern" or "let me know if you have any questions":
//   only asks with "bitte", "kurz", "bis" or a deadline do.
// - "Vielen Dank für Ihre Rückmeldung" thanks for an answer and does not ask for one.
// - A "?" inside a link (https://shop.example/?id=4) is no question.
// - Closing wins over everything: an order confirmation that mentions the offer, "alles
//   erledigt", "no need to reply" never qualify.
StalledSettings default_stalled_settings() {
  StalledSettings settings;
  settings.expects_answer = compile_all({
      // Offers: the subject of a fresh mail ("Angebot Wartungsvertrag") or the text.
      R"((?<offer>\bangebot|\bkostenvoranschlag|\bpreisangebot|\bofferte))",
      R"((?<offer>\b(?:offer|quote|quotation|proposal|estimate)s?\b))",
      // Proposed dates.
      R"((?<date>\btermin(?:e|vorschlag|vorschläge)?\b))",
      R"((?<date>\bpasst (?:es )?ihnen\b|\bwürde ihnen [^.!?\n]{0,40}passen|\bhätten sie [^.!?\n]{0,40}zeit))",
      R"((?<date>\bvorschlag\b|\bschlage (?:ich |wir )?(?:ihnen )?(?:den |einen )?[^.!?\n]{0,30}vor\b))",
      R"((?<date>\bwould [^.!?\n]{0,60}\bsuit you|\b(?:does|would|will) [^.!?\n]{0,40}\bwork for you|\bare you available))",
      // Questions: a sentence of our new text ending in "?", not a courtesy question.
      R"((?<question>(?:^|[.!?:;]\s+|\n)(?!\s*(?:und |and |also |so )?(?:haben sie|hast du|gibt es|falls sie|sollten sie|bei|noch|any|do you have|if you have|should you have|have you got)\b[^.!?\n]{0,40}(?:fragen|rückfragen|questions)\s*\?)(?:[^.!?\n]|[.!](?=\S)){2,}\?(?=\s|$|["“”)])))",
      // Asks for an answer.
      R"((?<ask>(?<!für ihre )(?<!für die )(?<!für eure )\brückmeldung\b))",
      R"((?<ask>\bmelden sie sich (?:bitte|kurz|doch|bis)\b|\bbitte melden sie sich\b|\bgeben sie (?:mir|uns) (?:bitte |kurz |doch )*bescheid\b))",
      R"((?<ask>\b(?:freue|freuen) (?:mich|uns) (?:auf|über) (?:ihre|eine|deine) (?:antwort|rückmeldung|entscheidung|nachricht|zusage)))",
      R"((?<ask>\bbitte um (?:kurze |ihre )?(?:antwort|bestätigung|info|nachricht|entscheidung)))",
      R"((?<ask>\blet (?:me|us) know\b(?!,? if (?:you )?(?:have|need|there are) (?:any|further|more|other)\b)))",
      R"((?<ask>\b(?:i|we) look forward to (?:hearing|your (?:reply|response|feedback|decision))|\blooking forward to (?:hearing from you|your (?:reply|response|feedback|decision))))",
      R"((?<ask>\bplease (?:confirm|get back to|reply|respond|advise)\b|\bkindly (?:confirm|reply|advise)\b))",
  });
  settings.customer_pause = compile_all({
      R"((?:^|[^a-zäöüß])überlegen (?:es )?uns\b|\b(?:bedenkzeit|denken (?:noch )?darüber nach|darüber nachdenken))",
      R"(\bintern (?:besprechen|abstimmen|klären|beraten)|\b(?:kommen|melden uns) [^.!?\n]{0,40}(?:wieder|zurück|nochmal|noch einmal)\b)",
      R"(\b(?:noch )?(?:etwas|ein wenig|ein bisschen|ein paar tage) (?:länger |weiter )?testen|\btest(?:phase|zeitraum|zugang) (?:verlängern|verlängert))",
      R"(\bnach (?:dem|den|unserem|unseren) (?:urlaub|feiertagen|ferien|messe|budgetgespräch))",
      R"(\bthink (?:it |this |about it )?over\b|\b(?:few|couple of) (?:more )?days to (?:think|decide|consider|discuss))",
      R"(\bdiscuss (?:it|this|your offer|the offer) internally\b|\b(?:get|come) back to you\b)",
      R"(\btest (?:it )?(?:a little|a bit|somewhat|a few days) longer\b|\bmore time to (?:test|evaluate|decide|consider)\b|\bextend (?:the|our) trial\b)",
      R"(\bafter (?:the|our) (?:holidays|vacation|trade fair|budget meeting)\b)",
  });
  settings.closing = compile_all({
      R"(\balles (?:ist )?erledigt\b|\bhat sich (?:damit |somit )?erledigt\b|\bist (?:damit|somit) erledigt\b|\bvielen dank[^.!?\n]{0,60}\berledigt\b)",
      R"(\b(?:eine |keine )?(?:rückmeldung|antwort) (?:ist )?nicht (?:nötig|erforderlich|notwendig)|\bkein(?:e|en)? (?:weitere[rn]? )?(?:rückmeldung|antwort) (?:ist )?(?:nötig|erforderlich|notwendig)|\bkein (?:weiterer )?handlungsbedarf\b)",
      R"(\bauftragsbestätigung\b|\bbestätigen (?:wir )?(?:ihnen )?(?:hiermit )?ihren auftrag|\bvielen dank für ihren auftrag\b|\bvielen dank für ihre bestellung\b)",
      R"(\ball settled\b|\bno further action\b|\bnothing (?:more|further|else) (?:is )?(?:needed|required)\b|\bno need to (?:reply|respond|answer)\b|\bno (?:reply|response) (?:is )?(?:needed|necessary|required)\b)",
      R"(\border confirmation\b|\bthank you for your order\b|\bwe (?:hereby )?confirm your order\b|\b(?:this|that|everything) is (?:now )?(?:settled|sorted|done)\b)",
  });
  return settings;
}

// Decisions: public holidays ("Feiertag", "public holiday", "bank holiday") are not absences,
// the business calendar already stops the clock on them. A business trip ("Dienstreise") is not
// an absence either: people on the road read mail. Covering for a colleague
// ("Urlaubsvertretung") and planning ("Urlaubsplanung", "Urlaubsantrag") are not the user's own
// absence.
AbsenceSettings default_absence_settings() {
  AbsenceSettings settings;
  settings.event_title = compile_all({
      R"(urlaub(?!s?(?:vertretung|planung|antrag|plan\b)))",
      R"(\babwesen(?:d|heit)\b|\bnicht im büro\b)",
      R"(\bout of (?:the )?office\b|\bOOO\b|\bOOF\b)",
      R"(\bvacation\b|\bannual leave\b|(?<!public )(?<!bank )\bholidays?\b)",
      R"(\belternzeit\b|\bmutterschutz\b|\bparental leave\b|\bmaternity leave\b|\bpaternity leave\b)",
      R"(\bkrank(?:heit|geschrieben|meldung)?\b|\bsick(?: leave| day)?\b)",
      R"(\bbrückentag\b|\bgleittag\b|\bsabbatical\b)",
  });
  return settings;
}

}  // namespace nachfass
