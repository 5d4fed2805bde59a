#include <string>
#include <vector>

#include "encode.hpp"
#include "gen/generator.hpp"
#include "random.hpp"
#include "timeutil.hpp"

namespace nachfass::gen {

namespace {

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string domain_part(std::string_view email) {
  const auto at = email.rfind('@');
  return lower(at == std::string_view::npos ? std::string_view("localhost") : email.substr(at + 1));
}

std::string ip(Rng& rng) {
  std::string out = std::to_string(rng.between(20, 217));
  out += "." + std::to_string(rng.below(256));
  out += "." + std::to_string(rng.below(256));
  out += "." + std::to_string(rng.between(1, 254));
  return out;
}

void address_list(std::string& out, std::string_view name, const std::vector<MailAddress>& list) {
  if (list.empty()) return;
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < list.size(); ++i) {
    address_tokens(list[i], tokens);
    if (i + 1 < list.size()) tokens.back() += ',';
  }
  append_folded(out, name, tokens);
}

std::vector<std::string> split_tokens(std::string_view value) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < value.size()) {
    std::size_t end = value.find(' ', start);
    if (end == std::string_view::npos) end = value.size();
    if (end > start) tokens.emplace_back(value.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

// The address our MX accepted the message for: the alias when the sender used it.
std::string envelope_recipient(const GeneratedMail& m) {
  for (const auto* list : {&m.to, &m.cc})
    for (const MailAddress& a : *list)
      if (lower(a.email) == "vertrieb@example.com") return "vertrieb@example.com";
  return "anna.vogel@example.com";
}

void transport_headers(std::string& out, const GeneratedMail& m, Rng& rng) {
  const std::string sender_domain = domain_part(m.from.email);
  const bool internal = sender_domain == "example.com" ||
                        (sender_domain.size() > 12 &&
                         sender_domain.compare(sender_domain.size() - 12, 12, ".example.com") == 0);
  append_header(out, "Return-Path", "<" + m.return_path + ">");
  append_header(out, "Delivered-To", "anna.vogel@example.com");
  const std::string delivered =
      format_date(m.delivered, Zone::berlin, DateStyle::numeric_comment).text;
  out += "Received: from mx01.example.com\n\tby mail.example.com with LMTP\n\tid " +
         rng.chars(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") +
         "\n\t(envelope-from" + (m.return_path.size() > 50 ? "\n\t " : " ") + "<" + m.return_path +
         ">)\n\tfor <" + envelope_recipient(m) + ">; " + delivered + "\n";
  if (m.client == MailClient::postfix) return;
  std::string host;
  switch (m.client) {
    case MailClient::outlook_online:
      host =
          "EUR0" + std::to_string(rng.between(1, 5)) + "-DB5-obe.outbound.protection.outlook.com";
      break;
    case MailClient::gmail:
      host = "mail-ed1-f" + std::to_string(rng.between(40, 70)) + ".google.com";
      break;
    case MailClient::gmx_webmail:
      host = sender_domain == "web.de" ? "mout.web.de" : "mout.gmx.net";
      break;
    case MailClient::tonline_webmail:
      host = "mailout" + two_digits(static_cast<int>(rng.between(1, 12))) + ".t-online.de";
      break;
    case MailClient::newsletter_tool:
      host = "mta" + std::to_string(rng.between(1, 40)) + ".mailer." + sender_domain;
      break;
    default:
      host = internal ? "srv-mail01.example.com" : "mail." + sender_domain;
      break;
  }
  const std::string sent =
      format_date(m.delivered - rng.between(1, 3), Zone::berlin, DateStyle::numeric_comment).text;
  const std::string address = ip(rng);
  out += "Received: from " + host + "\n\t(" + host + " [" + address +
         "])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n\t(No client "
         "certificate requested)\n\tby mx01.example.com (Postfix) with ESMTPS id " +
         rng.hex(10, true) + "\n\tfor <" + envelope_recipient(m) + ">; " + sent + "\n";
  const bool signs = m.client == MailClient::gmail || m.client == MailClient::outlook_online ||
                     m.client == MailClient::newsletter_tool ||
                     m.client == MailClient::gmx_webmail || (rng.chance(300) && !internal);
  if (signs) {
    std::string sig =
        "v=1; a=rsa-sha256; c=relaxed/relaxed;\n\td=" + sender_domain +
        "; s=selector1; t=" + std::to_string(m.date) +
        ";\n\th=from:to:subject:date:message-id:mime-version:content-type;\n\tbh=" +
        rng.chars(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") +
        "=;\n\tb=";
    const std::string b =
        rng.chars(342, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    for (std::size_t i = 0; i < b.size(); i += 70) {
      if (i > 0) sig += "\n\t ";
      sig += b.substr(i, 70);
    }
    sig += "==";
    append_header(out, "DKIM-Signature", sig);
  }
}

void client_headers(std::string& out, const GeneratedMail& m, Rng& rng) {
  switch (m.client) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      append_header(out, "Accept-Language", "de-DE, en-US");
      append_header(out, "Content-Language", "de-DE");
      append_header(out, "X-MS-Has-Attach", "");
      append_header(out, "X-MS-TNEF-Correlator", "");
      break;
    case MailClient::thunderbird:
      append_header(out, "User-Agent", "Mozilla Thunderbird");
      append_header(out, "Content-Language", rng.chance(500) ? "de-DE" : "en-US");
      break;
    case MailClient::apple_mail:
      append_header(out, "X-Mailer", "Apple Mail (2.3774.600.62)");
      break;
    case MailClient::iphone_mail:
      append_header(out, "X-Mailer", "iPhone Mail (21G93)");
      break;
    case MailClient::roundcube:
      append_header(out, "User-Agent", "Roundcube Webmail/1.6.6");
      break;
    case MailClient::lotus_notes:
      append_header(out, "X-Mailer", "Lotus Notes Release 9.0.1FP10 SHF383 November 11, 2019");
      break;
    case MailClient::broken_truncating:
      append_header(out, "X-Mailer", "PHPMailer 5.2.9 (https://github.com/PHPMailer/PHPMailer/)");
      break;
    case MailClient::broken_bare:
      append_header(out, "X-Mailer", "The Bat! (v3.99.3) Professional");
      break;
    case MailClient::gmx_webmail:
      append_header(out, "Importance", "normal");
      break;
    case MailClient::newsletter_tool:
      append_header(out, "X-Mailer", "CleverReach Mailer");
      break;
    case MailClient::scanner:
      append_header(out, "X-Mailer", "KONICA MINOLTA bizhub C458");
      break;
    default:
      break;
  }
}

void automation_headers(std::string& out, const GeneratedMail& m) {
  if (!m.auto_submitted.empty()) append_header(out, "Auto-Submitted", m.auto_submitted);
  if (!m.x_autoreply.empty()) append_header(out, "X-Autoreply", m.x_autoreply);
  if (!m.x_auto_response_suppress.empty())
    append_header(out, "X-Auto-Response-Suppress", m.x_auto_response_suppress);
  if (!m.x_ms_exchange_inbox_rules_loop.empty())
    append_header(out, "X-MS-Exchange-Inbox-Rules-Loop", m.x_ms_exchange_inbox_rules_loop);
  if (!m.precedence.empty()) append_header(out, "Precedence", m.precedence);
  if (!m.list_id.empty()) append_header(out, "List-Id", m.list_id);
  if (!m.list_unsubscribe.empty()) {
    append_folded(out, "List-Unsubscribe", split_tokens(m.list_unsubscribe));
    if (m.list_unsubscribe.find("https://") != std::string::npos)
      append_header(out, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
}

std::string html_of(std::string_view text) {
  std::string out =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
      "</head>\n<body>\n<div>";
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
        out += "<br>\n";
        break;
      default:
        out += c;
    }
  }
  out += "</div>\n</body>\n</html>";
  return out;
}

void body(std::string& out, const GeneratedMail& m) {
  const std::string_view text = m.body.empty() ? std::string_view("-") : std::string_view(m.body);
  switch (m.body_kind) {
    case BodyKind::plain:
      append_quoted_printable(out, text);
      out += '\n';
      return;
    case BodyKind::alternative:
      out += "This is a multi-part message in MIME format.\n\n--" + m.boundary + "\n";
      out +=
          "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
          "quoted-printable\n\n";
      append_quoted_printable(out, text);
      out += "\n\n--" + m.boundary + "\n";
      out +=
          "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n";
      append_quoted_printable(out, html_of(text));
      out += "\n\n--" + m.boundary + "--\n";
      return;
    case BodyKind::report: {
      out += "This is a MIME-encapsulated message.\n\n--" + m.boundary + "\n";
      out += "Content-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n";
      out += text;
      out += "\n\n--" + m.boundary + "\n";
      out += "Content-Description: Delivery report\nContent-Type: message/delivery-status\n\n";
      out += "Reporting-MTA: dns; mx01.example.com\nArrival-Date: " + m.date_header +
             "\n\nFinal-Recipient: rfc822; " + m.failed_recipient +
             "\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n";
      out += "\n--" + m.boundary + "\n";
      out +=
          "Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n";
      out += "From: anna.vogel@example.com\nTo: " + m.failed_recipient + "\n";
      if (!m.in_reply_to.empty()) out += "Message-ID: <" + m.in_reply_to + ">\n";
      out += "\n--" + m.boundary + "--\n";
      return;
    }
  }
}

}  // namespace

std::string render_rfc5322(const GeneratedMail& m) {
  Rng rng(hash_text(m.file_name) ^ hash_text(m.message_id));
  std::string out;
  out.reserve(2048 + m.body.size() * 2);
  if (m.folder == "INBOX") transport_headers(out, m, rng);

  const std::string message_id = m.message_id.empty() ? "" : "<" + m.message_id + ">";
  std::vector<std::string> refs;
  for (const auto& r : m.references) refs.push_back("<" + r + ">");
  const bool apple = m.client == MailClient::apple_mail || m.client == MailClient::iphone_mail;

  auto h_from = [&] { address_list(out, "From", {m.from}); };
  auto h_to = [&] { address_list(out, "To", m.to); };
  auto h_cc = [&] {
    address_list(out,
                 apple ? "Cc"
                 : (m.client == MailClient::outlook || m.client == MailClient::outlook_online)
                     ? "CC"
                     : "Cc",
                 m.cc);
  };
  auto h_subject = [&] {
    if (!m.subject.empty())
      append_folded(out, "Subject", unstructured_tokens(m.subject, m.subject_words));
  };
  auto h_thread = [&] {
    if (!m.thread_topic.empty())
      append_folded(out, "Thread-Topic", unstructured_tokens(m.thread_topic, m.subject_words));
    if (!m.thread_index.empty()) append_header(out, "Thread-Index", m.thread_index);
  };
  auto h_date = [&] { append_header(out, "Date", m.date_header); };
  auto h_id = [&] {
    if (!message_id.empty()) append_header(out, apple ? "Message-Id" : "Message-ID", message_id);
  };
  auto h_refs = [&] {
    if (!refs.empty()) append_folded(out, "References", refs);
  };
  auto h_irt = [&] {
    if (!m.in_reply_to.empty()) append_header(out, "In-Reply-To", "<" + m.in_reply_to + ">");
  };
  auto h_mime = [&] { append_header(out, apple ? "Mime-Version" : "MIME-Version", "1.0"); };
  auto h_type = [&] {
    append_folded(out, "Content-Type", split_tokens(m.content_type));
    if (m.body_kind == BodyKind::plain)
      append_header(out, "Content-Transfer-Encoding", "quoted-printable");
  };

  switch (m.client) {
    case MailClient::outlook:
    case MailClient::outlook_online:
    case MailClient::exchange_system:
      h_from();
      h_to();
      h_cc();
      h_subject();
      h_thread();
      h_date();
      h_id();
      h_refs();
      h_irt();
      client_headers(out, m, rng);
      automation_headers(out, m);
      h_type();
      h_mime();
      break;
    case MailClient::thunderbird:
    case MailClient::roundcube:
      h_id();
      h_date();
      h_mime();
      client_headers(out, m, rng);
      h_subject();
      h_to();
      h_cc();
      h_refs();
      h_irt();
      h_from();
      automation_headers(out, m);
      h_type();
      break;
    case MailClient::apple_mail:
    case MailClient::iphone_mail:
      h_type();
      h_mime();
      h_subject();
      h_from();
      h_irt();
      h_date();
      h_cc();
      h_id();
      h_refs();
      h_to();
      automation_headers(out, m);
      client_headers(out, m, rng);
      break;
    case MailClient::gmail:
      h_mime();
      h_refs();
      h_irt();
      h_from();
      h_date();
      h_id();
      h_subject();
      h_to();
      h_cc();
      automation_headers(out, m);
      h_type();
      break;
    default:
      h_from();
      h_to();
      h_cc();
      h_subject();
      h_date();
      h_id();
      h_irt();
      h_refs();
      client_headers(out, m, rng);
      automation_headers(out, m);
      h_mime();
      h_type();
      break;
  }
  out += '\n';
  body(out, m);
  return out;
}

}  // namespace nachfass::gen
