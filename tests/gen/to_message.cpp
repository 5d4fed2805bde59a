#include "core/classify.hpp"
#include "gen/generator.hpp"

#include <algorithm>
#include <string>

namespace nachfass::gen {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

nachfass::Address address(const MailAddress& a) {
  nachfass::Address out;
  out.email = lower(a.email);
  if (a.style != NameStyle::address_only && a.style != NameStyle::angle_only) out.name = a.name;
  return out;
}

// What a connector's body extraction yields for the new text: the signature ("-- " line) cut,
// whitespace runs collapsed to one space, at most max_body_bytes, cut at a character boundary.
std::string body_text(std::string_view text) {
  if (const auto sig = text.find("\n-- \n"); sig != std::string_view::npos) text = text.substr(0, sig);
  std::string out;
  out.reserve(std::min(text.size(), max_body_bytes));
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > max_body_bytes) {
    std::size_t cut = max_body_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

}  // namespace

nachfass::Message to_message(const GeneratedMail& mail) {
  nachfass::Message m;
  m.source_id = source_id(mail);
  m.folder = mail.folder;
  m.folder_role = mail.folder == "Sent" ? FolderRole::sent : FolderRole::inbox;
  m.message_id = mail.message_id;
  m.in_reply_to = mail.in_reply_to;
  m.references = mail.references;
  m.subject = mail.subject;
  m.from = address(mail.from);
  m.to.reserve(mail.to.size());
  for (const auto& a : mail.to) m.to.push_back(address(a));
  m.cc.reserve(mail.cc.size());
  for (const auto& a : mail.cc) m.cc.push_back(address(a));
  m.date = mail.date;
  m.utc_offset_minutes = mail.utc_offset_minutes;
  m.date_from_header = true;
  m.thread_index = mail.thread_index;
  m.thread_topic = mail.thread_topic;

  AutomationHeaders headers;
  headers.auto_submitted = mail.auto_submitted;
  headers.x_autoreply = mail.x_autoreply;
  headers.x_auto_response_suppress = mail.x_auto_response_suppress;
  headers.x_ms_exchange_auto_reply = mail.x_ms_exchange_inbox_rules_loop;
  headers.precedence = mail.precedence;
  headers.list_id = mail.list_id;
  headers.list_unsubscribe = mail.list_unsubscribe;
  headers.content_type = mail.content_type;
  m.automation = classify_automation(headers, m.from.email, m.subject);
  m.body = body_text(mail.new_text);
  return m;
}

}  // namespace nachfass::gen
