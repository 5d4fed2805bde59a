// Is a message written by a machine? Automated mail (auto-replies, out-of-office notices,
// newsletters, notifications, bounces) never opens a finding and never counts as an answer.
#pragma once

#include <string_view>

#include "core/model.hpp"

namespace nachfass {

// Raw (unfolded, undecoded except where noted) values of the headers that matter; empty when the
// header is absent.
struct AutomationHeaders {
  std::string_view auto_submitted;            // RFC 3834
  std::string_view x_autoreply;               // X-Autoreply
  std::string_view x_autorespond;             // X-Autorespond
  std::string_view x_auto_response_suppress;  // Exchange: X-Auto-Response-Suppress
  std::string_view x_ms_exchange_auto_reply;  // Exchange: X-MS-Exchange-Inbox-Rules-Loop etc.
  std::string_view precedence;
  std::string_view list_id;
  std::string_view list_unsubscribe;
  std::string_view content_type;  // "multipart/report; report-type=..." for bounces
};

// `from_email` lower-cased addr-spec, `subject` decoded UTF-8.
Automation classify_automation(const AutomationHeaders& headers, std::string_view from_email,
                               std::string_view subject);

// Subject-only out-of-office check, German and English ("Abwesenheitsnotiz", "Automatische
// Antwort", "Out of Office", "Automatic reply", "Auto-Reply", "Abwesend", "Im Urlaub" ...).
bool is_out_of_office_subject(std::string_view subject);

// no-reply@, noreply@, donotreply@, do-not-reply@, mailer-daemon@, postmaster@, bounce...@ ...
bool is_noreply_address(std::string_view email);

}  // namespace nachfass
