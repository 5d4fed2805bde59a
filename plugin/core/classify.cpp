#include "core/classify.hpp"

#include "core/ascii.hpp"

#include <array>
#include <string>

#include "core/identities.hpp"

namespace nachfass {

namespace {

using ascii::trim;

std::string ascii_lower(std::string_view text) {
  return ascii::lower(text);
}

// The first token of a structured header value: "auto-replied (vacation)" -> "auto-replied".
std::string first_token(std::string_view value) {
  value = trim(value);
  std::size_t end = 0;
  while (end < value.size() && value[end] != ';' && value[end] != ' ' && value[end] != '\t' &&
         value[end] != '(')
    ++end;
  return ascii_lower(value.substr(0, end));
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

}  // namespace

bool is_out_of_office_subject(std::string_view subject) {
  std::string_view text = trim(subject);
  // Mail gateways prepend tags ("[EXTERN] Abwesenheitsnotiz: ..."); the notice is behind them.
  while (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) break;
    text = trim(text.substr(close + 1));
  }
  const std::string s = ascii_lower(text);
  // Prefixes that mail systems put before the original subject. They must be followed by ':' or
  // stand alone, so that a person's subject such as "Abwesenheit im Dezember" is not matched.
  static constexpr std::array<std::string_view, 24> prefixes = {"abwesenheitsnotiz",
                                                                "automatische antwort",
                                                                "automatic reply",
                                                                "auto-reply",
                                                                "autoreply",
                                                                "auto reply",
                                                                "auto-response",
                                                                "automatic response",
                                                                "out of office autoreply",
                                                                "out of office",
                                                                "out of the office",
                                                                "office closed",
                                                                "abwesend",
                                                                "nicht im büro",
                                                                "urlaubsabwesenheit",
                                                                "abwesenheit",
                                                                "réponse automatique",
                                                                "risposta automatica",
                                                                "respuesta automática",
                                                                "automatisch antwoord",
                                                                "autosvar",
                                                                "automatisk svar",
                                                                "auto-antwort",
                                                                "[auto-reply]"};
  for (std::string_view p : prefixes) {
    if (!starts_with(s, p)) continue;
    const std::string_view rest = trim(std::string_view(s).substr(p.size()));
    if (p.back() == ':' || p.back() == ']' || rest.empty() || rest.front() == ':') return true;
  }
  // Whole-sentence notices (Lotus Notes, some German systems).
  static constexpr std::array<std::string_view, 5> phrases = {
      "is out of the office", "ist nicht im büro", "bin nicht im büro", "ist abwesend",
      "(out of office)"};
  for (std::string_view p : phrases)
    if (contains(s, p)) return true;
  return false;
}

bool is_noreply_address(std::string_view email) {
  const auto at = email.rfind('@');
  const std::string local =
      ascii_lower(email.substr(0, at == std::string_view::npos ? email.size() : at));
  static constexpr std::array<std::string_view, 7> fragments = {
      "noreply",      "no-reply",     "no_reply",      "donotreply",
      "do-not-reply", "do_not_reply", "nichtantworten"};
  for (std::string_view f : fragments)
    if (contains(local, f)) return true;
  static constexpr std::array<std::string_view, 6> exact = {
      "mailer-daemon", "postmaster", "bounce", "bounces", "newsletter", "keine-antwort"};
  for (std::string_view e : exact)
    if (local == e) return true;
  return starts_with(local, "bounce-") || starts_with(local, "bounces+") ||
         starts_with(local, "bounces-");
}

Automation classify_automation(const AutomationHeaders& h, std::string_view from_email,
                               std::string_view subject) {
  // RFC 3834 section 5: any value other than "no" marks an automatic message.
  if (!trim(h.auto_submitted).empty() && first_token(h.auto_submitted) != "no")
    return Automation::auto_submitted;
  if (!trim(h.x_autoreply).empty() && first_token(h.x_autoreply) != "no")
    return Automation::autoreply_header;
  if (!trim(h.x_autorespond).empty() && first_token(h.x_autorespond) != "no")
    return Automation::autoreply_header;
  // Exchange marks its own automatic replies with "X-Auto-Response-Suppress: All"; people's mail
  // may carry narrower values (DR, RN, NRN, OOF) that say nothing about the sender.
  if (ascii_lower(trim(h.x_auto_response_suppress)) == "all") return Automation::autoreply_header;
  // Present on messages an Exchange inbox rule generated (rule replies and forwards).
  if (!trim(h.x_ms_exchange_auto_reply).empty()) return Automation::autoreply_header;
  const std::string precedence = first_token(h.precedence);
  if (precedence == "bulk" || precedence == "list" || precedence == "junk")
    return Automation::precedence_bulk;
  if (precedence == "auto_reply") return Automation::autoreply_header;
  if (!trim(h.list_id).empty() || !trim(h.list_unsubscribe).empty())
    return Automation::mailing_list;
  if (is_noreply_address(from_email)) return Automation::noreply_sender;
  if (first_token(h.content_type) == "multipart/report") return Automation::delivery_report;
  if (is_out_of_office_subject(subject)) return Automation::out_of_office_subject;
  return Automation::none;
}

}  // namespace nachfass
