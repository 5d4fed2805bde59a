#include "texts.hpp"

namespace nachfass::gen {

std::string fill(std::string_view pattern, const Details& d) {
  std::string out;
  out.reserve(pattern.size() + 32);
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    const std::string_view key = pattern.substr(i + 1, close - i - 1);
    i = close + 1;
    if (key == "product")
      out += d.product;
    else if (key == "quote")
      out += d.quote;
    else if (key == "invoice")
      out += d.invoice;
    else if (key == "order")
      out += d.order;
    else if (key == "delivery")
      out += d.delivery;
    else if (key == "contract")
      out += d.contract;
    else if (key == "date")
      out += d.date;
    else if (key == "qty")
      out += d.qty;
    else if (key == "year")
      out += d.year;
    else if (key == "customer")
      out += d.customer;
    else if (key == "city")
      out += d.city;
    else if (key == "ticket")
      out += d.ticket;
    else if (key == "week")
      out += d.week;
    else if (key == "month")
      out += d.month;
    else if (key == "colleague")
      out += d.colleague;
    else if (key == "thing")
      out += d.thing;
  }
  return out;
}

namespace {

constexpr Topic topics[] = {
    {"Anfrage {product}", "Request for quotation: {product}", "die Anfrage zu {product}",
     "the request for {product}",
     "wir interessieren uns für {product} und bitten um ein Angebot über {qty} Stück "
     "inklusive Lieferzeit.",
     "we are interested in {product} and would like to receive a quotation for {qty} units "
     "including lead time.",
     "vielen Dank für Ihre Anfrage. Das Angebot über {qty} Stück {product} finden Sie im Anhang; "
     "die Lieferzeit beträgt derzeit etwa drei Wochen.",
     "thank you for your enquiry. Please find attached our quotation for {qty} units of "
     "{product}; the current lead time is about three weeks.",
     "wie telefonisch besprochen sende ich Ihnen unser Angebot für {product}.",
     "as discussed on the phone, please find our offer for {product} attached."},
    {"Angebot {quote}", "Quote {quote}", "das Angebot {quote}", "quote {quote}",
     "bezugnehmend auf Ihr Angebot {quote}: Ist bei Abnahme von {qty} Stück noch ein Rabatt "
     "möglich?",
     "regarding your quote {quote}: is there any discount for an order of {qty} units?",
     "gerne kommen wir Ihnen entgegen: Bei {qty} Stück gewähren wir 4 % Projektrabatt. Das "
     "aktualisierte Angebot {quote} hängt an.",
     "we are happy to offer a 4 % project discount for {qty} units. The updated quote {quote} is "
     "attached.",
     "anbei erhalten Sie unser Angebot {quote}. Es ist bis zum {date} gültig.",
     "please find attached our quote {quote}, valid until {date}."},
    {"Ihr Angebot {quote} vom {date}", "Your quote {quote} dated {date}", "das Angebot {quote}",
     "quote {quote}",
     "wir haben Ihr Angebot {quote} geprüft und hätten noch Fragen zu den Zahlungsbedingungen.",
     "we have reviewed your quote {quote} and have some questions about the payment terms.",
     "unsere Zahlungsbedingungen sind 30 Tage netto, bei Zahlung innerhalb von 10 Tagen 2 % "
     "Skonto.",
     "our payment terms are 30 days net, with a 2 % discount for payment within 10 days.",
     "ich wollte Ihnen das Angebot {quote} noch einmal in Erinnerung rufen.",
     "I wanted to bring our quote {quote} back to your attention."},
    {"Rechnung {invoice}", "Invoice {invoice}", "die Rechnung {invoice}", "invoice {invoice}",
     "in der Rechnung {invoice} ist die Bestellnummer {order} nicht angegeben. Bitte senden Sie "
     "uns eine korrigierte Rechnung.",
     "invoice {invoice} does not show our purchase order number {order}. Could you please send a "
     "corrected invoice?",
     "entschuldigen Sie bitte das Versehen. Die korrigierte Rechnung {invoice} mit der "
     "Bestellnummer {order} liegt bei.",
     "sorry for the oversight. The corrected invoice {invoice} with PO {order} is attached.",
     "anbei erhalten Sie die Rechnung {invoice} zu Ihrer Bestellung {order}.",
     "please find attached invoice {invoice} for your order {order}."},
    {"Rückfrage zur Rechnung {invoice}", "Question about invoice {invoice}",
     "die Rechnung {invoice}", "invoice {invoice}",
     "zur Rechnung {invoice} haben wir eine Rückfrage: Die Frachtkosten waren im Angebot nicht "
     "enthalten.",
     "we have a question about invoice {invoice}: the freight costs were not part of the quote.",
     "Sie haben recht, die Frachtkosten entfallen. Wir schicken Ihnen eine Gutschrift.",
     "you are right, the freight costs do not apply. We will issue a credit note.",
     "zur Rechnung {invoice} ist noch ein Betrag offen. Können Sie das bitte prüfen?",
     "there is still an open amount on invoice {invoice}. Could you please check?"},
    {"Lieferung Bestellung {order}", "Delivery of order {order}", "die Bestellung {order}",
     "order {order}",
     "wann können wir mit der Lieferung zur Bestellung {order} rechnen? Wir benötigen die Ware "
     "bis spätestens {date}.",
     "when can we expect delivery of order {order}? We need the goods by {date} at the latest.",
     "die Bestellung {order} geht morgen in den Versand, die Zustellung erfolgt voraussichtlich "
     "in zwei Werktagen.",
     "order {order} will ship tomorrow; delivery is expected within two working days.",
     "Ihre Bestellung {order} ist heute versandt worden.",
     "your order {order} has been shipped today."},
    {"Liefertermin {order}", "Delivery date for {order}", "den Liefertermin", "the delivery date",
     "können Sie den Liefertermin für {order} auf den {date} vorziehen?",
     "could you bring the delivery date for {order} forward to {date}?",
     "ich habe mit der Disposition gesprochen: Der {date} ist machbar.",
     "I checked with our logistics team: {date} is feasible.",
     "leider verschiebt sich der Liefertermin für {order} um eine Woche.",
     "unfortunately the delivery date for {order} moves by one week."},
    {"Reklamation Lieferschein {delivery}", "Complaint regarding delivery note {delivery}",
     "die Reklamation", "the complaint",
     "bei der Lieferung laut Lieferschein {delivery} waren zwei Kartons beschädigt. Fotos hängen "
     "an.",
     "two boxes delivered with delivery note {delivery} were damaged. Photos are attached.",
     "das tut mir leid. Wir senden Ihnen die beschädigten Teile kostenlos erneut zu.",
     "I am sorry to hear that. We will replace the damaged parts free of charge.",
     "zu Ihrer Reklamation {delivery} haben wir die Ersatzlieferung veranlasst.",
     "we have arranged a replacement delivery for your complaint {delivery}."},
    {"Testzugang {product}", "Trial access {product}", "den Testzugang", "the trial",
     "könnten Sie uns einen Testzugang für {product} einrichten? Wir möchten es mit drei "
     "Kollegen ausprobieren.",
     "could you set up trial access to {product}? Three colleagues would like to try it.",
     "der Testzugang ist eingerichtet, die Zugangsdaten kommen in einer separaten E-Mail.",
     "your trial is set up; the credentials follow in a separate email.",
     "Ihr Testzugang für {product} läuft in einer Woche aus. Wie sind Ihre Erfahrungen?",
     "your trial of {product} expires in one week. How has your experience been?"},
    {"Schulung {product} am {date}", "Training session on {date}", "die Schulung", "the training",
     "für die Schulung am {date} melden wir vier Teilnehmer an. Findet sie bei Ihnen in {city} "
     "statt?",
     "we would like to register four participants for the training on {date}. Will it take "
     "place in {city}?",
     "danke für die Anmeldung. Die Schulung findet online statt, den Link schicke ich vorab.",
     "thanks for registering. The training will be held online; I will send the link in "
     "advance.",
     "wir bieten am {date} eine Schulung zu {product} an. Hätten Sie Interesse?",
     "we offer a training on {product} on {date}. Would you be interested?"},
    {"Vertragsverlängerung {contract}", "Renewal of contract {contract}",
     "die Vertragsverlängerung", "the renewal",
     "unser Wartungsvertrag {contract} läuft zum Jahresende aus. Bitte schicken Sie uns ein "
     "Angebot für die Verlängerung.",
     "our service contract {contract} expires at the end of the year. Please send us an offer "
     "for the renewal.",
     "gerne, anbei das Angebot zur Verlängerung von {contract} um weitere zwölf Monate.",
     "please find attached the offer to renew {contract} for another twelve months.",
     "Ihr Vertrag {contract} läuft zum Jahresende aus. Sollen wir ihn verlängern?",
     "your contract {contract} expires at the end of the year. Shall we renew it?"},
    {"Lizenzverlängerung {product} {year}", "License renewal {product} {year}",
     "die Lizenzverlängerung", "the license renewal",
     "bitte verlängern Sie unsere Lizenzen für {product} für {year}, gleiche Anzahl wie bisher.",
     "please renew our {product} licenses for {year}, same number as before.",
     "die Verlängerung für {year} ist vorgemerkt, die Rechnung folgt im Januar.",
     "the renewal for {year} is booked; the invoice follows in January.",
     "Ihre Lizenzen für {product} laufen aus. Darf ich die Verlängerung für {year} vorbereiten?",
     "your {product} licenses are expiring. Shall I prepare the renewal for {year}?"},
    {"Preisanfrage {qty} Stück {product}", "Pricing for {qty} units of {product}",
     "die Preisanfrage", "the pricing",
     "was kosten {qty} Stück {product} bei Lieferung frei Haus nach {city}?",
     "what would {qty} units of {product} cost, delivered to {city}?",
     "der Stückpreis liegt bei dieser Menge bei 41,80 EUR netto, frei Haus.",
     "at that quantity the unit price is EUR 41.80 net, delivered.",
     "für {qty} Stück {product} können wir Ihnen einen Sonderpreis anbieten.",
     "we can offer a special price for {qty} units of {product}."},
    {"Termin Produktvorführung {product}", "Demo of {product} – next steps", "die Vorführung",
     "the demo", "wir würden {product} gerne vor Ort sehen. Passt Ihnen ein Termin in KW {week}?",
     "we would like to see a demo of {product}. Would week {week} work for you?",
     "KW {week} passt gut, ich schlage Dienstag, 10 Uhr, bei Ihnen in {city} vor.",
     "week {week} works; I suggest Tuesday at 10 am at your office in {city}.",
     "darf ich Ihnen {product} in einer kurzen Vorführung zeigen?",
     "may I show you {product} in a short demo?"},
    {"Onboarding {customer}", "Onboarding {customer}", "das Onboarding", "the onboarding",
     "für das Onboarding bräuchten wir noch die Zugangsdaten für unsere Administratoren.",
     "for the onboarding we still need the credentials for our administrators.",
     "die Zugangsdaten sind verschickt; {colleague} aus dem Kundenservice begleitet das "
     "Onboarding.",
     "the credentials have been sent; {colleague} from customer service will guide the "
     "onboarding.",
     "willkommen! Hier die nächsten Schritte für das Onboarding von {customer}.",
     "welcome aboard! Here are the next steps for onboarding {customer}."},
    {"Kündigung Wartungsvertrag {contract}", "Cancellation of service contract {contract}",
     "die Kündigung", "the cancellation",
     "hiermit kündigen wir den Wartungsvertrag {contract} fristgerecht zum {date}.",
     "we hereby cancel service contract {contract} effective {date}.",
     "wir bestätigen den Eingang Ihrer Kündigung. Darf ich fragen, was wir besser machen können?",
     "we confirm receipt of your cancellation. May I ask what we could do better?",
     "wir haben Ihre Kündigung zu {contract} erhalten und möchten Ihnen ein Angebot machen.",
     "we received your cancellation of {contract} and would like to make you an offer."},
    {"Anfrage: Angebot über {qty} Stück {product} inkl. Lieferung frei Haus bis {date} nach "
     "{city}",
     "Request: quotation for {qty} units of {product} incl. delivery to {city} by {date}",
     "die Anfrage", "the request",
     "wie besprochen hier unsere Anfrage. Bitte berücksichtigen Sie die Anlieferung bis {date}.",
     "as discussed, here is our request. Please note the delivery deadline of {date}.",
     "danke, das Angebot ist in Arbeit und kommt bis Freitag.",
     "thank you, the quotation is being prepared and will follow by Friday.",
     "anbei unser Angebot über {qty} Stück {product} inklusive Lieferung nach {city}.",
     "please find attached our quotation for {qty} units of {product} delivered to {city}."},
    {"Änderung der Lieferadresse für Auftrag {order}", "Change of delivery address for {order}",
     "die Lieferadresse", "the delivery address",
     "bitte liefern Sie den Auftrag {order} an unser Lager in {city} statt an die Zentrale.",
     "please deliver order {order} to our warehouse in {city} instead of the head office.",
     "die Lieferadresse ist geändert, die Auftragsbestätigung kommt gleich.",
     "the delivery address has been changed; the confirmation follows shortly.",
     "bitte bestätigen Sie die Lieferadresse für Auftrag {order}.",
     "please confirm the delivery address for order {order}."},
    {"Bestellung {order} – Teillieferung", "Order {order} – partial delivery", "die Teillieferung",
     "the partial delivery",
     "ist für die Bestellung {order} eine Teillieferung möglich? Die Hälfte bräuchten wir "
     "sofort.",
     "is a partial delivery possible for order {order}? We need half of it right away.",
     "ja, die Teillieferung geht morgen raus, der Rest folgt in KW {week}.",
     "yes, the partial delivery ships tomorrow; the rest follows in week {week}.",
     "wir können Ihre Bestellung {order} in zwei Teillieferungen ausliefern.",
     "we can deliver your order {order} in two shipments."},
    {"Muster für {product}", "Samples of {product}", "die Muster", "the samples",
     "könnten Sie uns zwei Muster von {product} zusenden?",
     "could you send us two samples of {product}?", "die Muster sind heute an Sie rausgegangen.",
     "the samples went out to you today.",
     "ich habe Ihnen Muster von {product} geschickt. Sind sie gut angekommen?",
     "I sent you samples of {product}. Did they arrive safely?"},
    // Subjects without any detail: the generator's uniqueness check keeps them unambiguous.
    {"Kurze Frage", "Quick question", "meine Frage", "my question",
     "hätten Sie diese Woche kurz Zeit für ein Telefonat?",
     "do you have a few minutes for a call this week?", "gerne, passt Ihnen Donnerstag um 14 Uhr?",
     "sure, does Thursday at 2 pm work for you?", "hätten Sie kurz Zeit für ein Telefonat?",
     "would you have time for a short call?"},
    {"Rückruf erbeten", "Call back", "meinen Rückrufwunsch", "my call-back request",
     "bitte rufen Sie mich zurück, es geht um unsere laufende Bestellung.",
     "please call me back regarding our current order.",
     "ich versuche Sie heute Nachmittag zu erreichen.", "I will try to reach you this afternoon.",
     "ich habe Sie telefonisch nicht erreicht. Wann passt es Ihnen?",
     "I could not reach you by phone. When would suit you?"},
    {"Ihre Anfrage", "Your enquiry", "die Anfrage", "the enquiry",
     "ich beziehe mich auf Ihre Anfrage von letzter Woche.",
     "I am referring to your enquiry from last week.",
     "danke für Ihre Geduld, hier die gewünschten Informationen.",
     "thanks for your patience, here is the information you asked for.",
     "zu Ihrer Anfrage sende ich Ihnen die gewünschten Unterlagen.",
     "regarding your enquiry, please find the documents attached."},
    {"Unterlagen", "Documents", "die Unterlagen", "the documents",
     "anbei die besprochenen Unterlagen.", "attached are the documents we discussed.",
     "danke, die Unterlagen sind vollständig.", "thanks, the documents are complete.",
     "anbei die besprochenen Unterlagen.", "attached are the documents we discussed."},
};

constexpr InternalTopic internal[] = {
    {"Forecast {month}", "kannst du mir bis Freitag deinen Forecast für {month} schicken?",
     "mache ich, kommt morgen."},
    {"Urlaubsvertretung KW {week}",
     "ich bin in KW {week} im Urlaub. Könntest du meine Kunden übernehmen?",
     "klar, schick mir eine kurze Übersicht."},
    {"Kundenbesuch {customer} am {date}", "ich fahre am {date} zu {customer}. Willst du mitkommen?",
     "gern, ich blocke mir den Termin."},
    {"Messe-Planung {year}", "wer von uns betreut den Messestand {year}?",
     "ich kann die ersten zwei Tage übernehmen."},
    {"Provisionsabrechnung {month}", "die Provisionsabrechnung für {month} liegt im Ordner.",
     "danke, schaue ich mir an."},
    {"Frage zu {customer}",
     "weißt du, wer bei {customer} inzwischen für den Einkauf zuständig ist?",
     "soweit ich weiß, immer noch dieselbe Ansprechpartnerin."},
    {"Preisliste {year} – Entwurf",
     "anbei der Entwurf der Preisliste {year}. Anmerkungen bis Mittwoch.",
     "sieht gut aus, zwei Kleinigkeiten habe ich markiert."},
    {"Übergabe {customer}", "ab nächstem Monat übernimmst du {customer}. Lass uns kurz sprechen.",
     "passt, Montag 9 Uhr?"},
    {"Teammeeting {date}", "Agenda für das Teammeeting am {date}: Forecast, Messe, CRM-Pflege.",
     "ich ergänze noch den Punkt Reklamationen."},
    {"Angebotsfreigabe {quote}", "bitte gib das Angebot {quote} für {customer} frei.",
     "freigegeben."},
};

constexpr std::string_view de_products[] = {
    "Hydraulikpumpe HP-300",  "Steuerungsmodul SM-12", "Förderband FB 2000",
    "CRM Professional",       "Wartungspaket Premium", "Sensorkit S-40",
    "Drucklufttrockner DT-7", "Kühlaggregat KA-550",   "Schaltschrank SK-90",
    "Messgerät Typ Ø 40",     "Edelstahlrohr 1.4301",  "Etikettendrucker ED-4",
    "Flurförderzeug FZ-12",   "Ventilblock VB-8",      "Spülmaschine Gastro 600"};
constexpr std::string_view en_products[] = {"Controller Unit CU-12", "Conveyor Belt FB 2000",
                                            "CRM Professional",      "Premium Service Pack",
                                            "Sensor Kit S-40",       "Air Dryer DT-7",
                                            "Cooling Unit KA-550",   "Control Cabinet SK-90",
                                            "Label Printer ED-4",    "Valve Block VB-8"};

constexpr std::string_view de_customer_replies[] = {
    "danke für die schnelle Antwort. Eine Rückfrage habe ich noch zu {thing}: Ist eine "
    "Teillieferung möglich?",
    "vielen Dank! Wir haben das intern besprochen und hätten noch eine Frage zu {thing}. Wäre "
    "ein kurzer Anruf diese Woche möglich?",
    "danke für die Unterlagen. Bei {thing} ist uns noch eine Unstimmigkeit aufgefallen, bitte "
    "prüfen Sie das noch einmal.",
    "passt soweit. Können Sie {thing} bitte noch um die Versandkosten ergänzen?",
    "danke. Unser Geschäftsführer möchte vor der Freigabe noch wissen, ob die Preise bis Ende "
    "des Quartals gelten.",
    "alles klar, vielen Dank. Wie sieht es mit der Verfügbarkeit im Dezember aus?"};
constexpr std::string_view en_customer_replies[] = {
    "thanks for the quick reply. One more question about {thing}: is a partial delivery "
    "possible?",
    "thank you! We discussed this internally and have another question about {thing}. Could we "
    "have a short call this week?",
    "thanks for the documents. We noticed a discrepancy in {thing}, could you please double-check?",
    "looks good. Could you please add the shipping costs to {thing}?",
    "thanks. Our managing director would like to know whether the prices are valid until the "
    "end of the quarter.",
    "great, thank you. What about availability in December?"};
constexpr std::string_view de_reminders[] = {
    "ich wollte mich kurz nach dem Stand zu {thing} erkundigen. Gibt es schon Neuigkeiten?",
    "kurze Erinnerung an meine Nachricht von letzter Woche bezüglich {thing}.",
    "leider habe ich noch keine Antwort zu {thing} erhalten. Können Sie mir kurz Bescheid geben?"};
constexpr std::string_view en_reminders[] = {
    "just following up on my previous email regarding {thing}. Any update?",
    "a gentle reminder about {thing} – we would need an answer this week.",
    "I have not heard back about {thing} yet. Could you let me know?"};
constexpr std::string_view de_our_replies[] = {
    "vielen Dank für Ihre Nachricht. Ich habe das mit unserer Technik geklärt: Das ist wie "
    "gewünscht möglich.",
    "anbei die überarbeitete Fassung. Die Versandkosten sind jetzt enthalten.",
    "gerne, ich rufe Sie morgen Vormittag dazu an.",
    "die Preise gelten bis zum Quartalsende, danach passen wir sie um etwa 3 % an.",
    "im Dezember sind wir lieferfähig, ich reserviere Ihnen die Menge gern vor."};
constexpr std::string_view en_our_replies[] = {
    "thank you for your message. I checked with our engineers: this is possible as requested.",
    "please find the revised version attached; shipping costs are now included.",
    "sure, I will call you tomorrow morning.",
    "the prices are valid until the end of the quarter; after that they increase by about 3 %.",
    "we can deliver in December and I am happy to reserve the quantity for you."};
constexpr std::string_view de_our_follow_ups[] = {
    "ich wollte kurz nachfassen, ob Sie schon Gelegenheit hatten, sich {thing} anzusehen.",
    "kleiner Nachtrag: Im Anhang finden Sie noch das Datenblatt.",
    "gibt es zu {thing} noch offene Fragen? Ich helfe gern weiter."};
constexpr std::string_view en_our_follow_ups[] = {
    "I wanted to follow up on {thing} – do you have any questions?",
    "a quick addition: please find the data sheet attached.",
    "are there any open questions about {thing}? Happy to help."};
constexpr std::string_view de_headlines[] = {"Neue Produkte für Ihre Fertigung",
                                             "Einladung zum Kundentag",
                                             "Preisänderungen ab Januar",
                                             "Rückblick auf die Messe",
                                             "Tipps für den Jahresabschluss",
                                             "Webinar: Effizienter einkaufen",
                                             "Unsere Öffnungszeiten zwischen den Jahren",
                                             "Fachartikel: Lieferketten 2027"};
constexpr std::string_view en_headlines[] = {"New products for your production",
                                             "Invitation to our customer day",
                                             "Price changes from January",
                                             "Trade fair recap",
                                             "Year-end tips",
                                             "Webinar: smarter purchasing",
                                             "Holiday opening hours",
                                             "Supply chains in 2027"};

constexpr std::string_view de_expects[] = {
    "anbei unser Angebot {quote} über {qty} Stück {product}. Ich freue mich auf Ihre "
    "Rückmeldung.",
    "wie besprochen erhalten Sie anbei unser Angebot zu {thing}. Ich freue mich auf Ihre "
    "Rückmeldung.",
    "könnten Sie mir bis Ende der Woche kurz Bescheid geben, ob wir so verfahren können?",
    "passt Ihnen ein Termin am {date} um 10 Uhr? Dann würde ich Ihnen {product} vor Ort "
    "vorstellen.",
    "haben Sie sich schon entschieden, wie Sie bei {thing} weiter vorgehen möchten?"};
constexpr std::string_view en_expects[] = {
    "please find attached our quote {quote} for {qty} units of {product}. I look forward to "
    "hearing from you.",
    "as discussed, please find attached our offer regarding {thing}. I look forward to your "
    "feedback.",
    "could you let me know by the end of the week whether we can proceed this way?",
    "would {date} at 10 am work for you? I would then present {product} at your office.",
    "have you decided how you would like to proceed with {thing}?"};
constexpr std::string_view de_closing[] = {
    "vielen Dank, damit ist alles erledigt.",
    "vielen Dank für die Bestätigung, damit ist alles erledigt.",
    "danke für die Rückmeldung, damit ist alles erledigt."};
constexpr std::string_view en_closing[] = {"thanks, all settled.",
                                           "thank you for confirming, all settled.",
                                           "thanks for letting me know, all settled."};
constexpr std::string_view de_pause_requests[] = {
    "wir sind noch nicht ganz durch und würden gern noch etwas länger testen. Wäre eine "
    "Verlängerung möglich?",
    "wir möchten noch etwas länger testen, bevor wir uns entscheiden. Können Sie den Testzugang "
    "verlängern?"};
constexpr std::string_view en_pause_requests[] = {
    "we would like to test a little longer before we decide. Could you extend our trial?",
    "we are not quite done yet and would like to test a little longer. Would an extension be "
    "possible?"};
constexpr std::string_view de_pause_replies[] = {
    "gerne, ich habe Ihren Testzugang verlängert. Sie erhalten gleich eine Bestätigung per "
    "E-Mail."};
constexpr std::string_view en_pause_replies[] = {
    "sure, I have extended your trial. You will receive a confirmation by email shortly."};

}  // namespace

std::span<const std::string_view> expects_answer_texts(bool german) {
  return german ? std::span<const std::string_view>(de_expects)
                : std::span<const std::string_view>(en_expects);
}
std::span<const std::string_view> closing_texts(bool german) {
  return german ? std::span<const std::string_view>(de_closing)
                : std::span<const std::string_view>(en_closing);
}
std::span<const std::string_view> pause_requests(bool german) {
  return german ? std::span<const std::string_view>(de_pause_requests)
                : std::span<const std::string_view>(en_pause_requests);
}
std::span<const std::string_view> pause_replies(bool german) {
  return german ? std::span<const std::string_view>(de_pause_replies)
                : std::span<const std::string_view>(en_pause_replies);
}

std::span<const Topic> customer_topics() {
  return topics;
}
std::span<const InternalTopic> internal_topics() {
  return internal;
}
std::span<const std::string_view> products_de() {
  return de_products;
}
std::span<const std::string_view> products_en() {
  return en_products;
}
std::span<const std::string_view> customer_replies(bool german) {
  return german ? std::span<const std::string_view>(de_customer_replies)
                : std::span<const std::string_view>(en_customer_replies);
}
std::span<const std::string_view> customer_reminders(bool german) {
  return german ? std::span<const std::string_view>(de_reminders)
                : std::span<const std::string_view>(en_reminders);
}
std::span<const std::string_view> our_replies(bool german) {
  return german ? std::span<const std::string_view>(de_our_replies)
                : std::span<const std::string_view>(en_our_replies);
}
std::span<const std::string_view> our_follow_ups(bool german) {
  return german ? std::span<const std::string_view>(de_our_follow_ups)
                : std::span<const std::string_view>(en_our_follow_ups);
}
std::span<const std::string_view> newsletter_headlines(bool german) {
  return german ? std::span<const std::string_view>(de_headlines)
                : std::span<const std::string_view>(en_headlines);
}

}  // namespace nachfass::gen
