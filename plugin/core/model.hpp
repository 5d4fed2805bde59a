// The normalized mail model. Every connector (Maildir, IMAP, Graph) produces one `Message` per
// mail it reads; nothing downstream knows which protocol it came from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nachfass {

// Seconds since the Unix epoch, UTC.
using UnixSeconds = std::int64_t;

enum class FolderRole : std::uint8_t { inbox, sent, drafts, other };

std::string_view to_string(FolderRole role);

// Why a message is treated as machine-sent. Automated mail never opens a finding, and never
// counts as an answer. The order is the order of the checks in classify_automation().
enum class Automation : std::uint8_t {
  none,              // written by a person
  auto_submitted,    // Auto-Submitted: anything but "no" (RFC 3834)
  autoreply_header,  // X-Autoreply / X-Autorespond / X-Auto-Response-Suppress: OOF style markers
  precedence_bulk,   // Precedence: bulk | list | junk | auto_reply
  mailing_list,      // List-Id or List-Unsubscribe present
  noreply_sender,    // no-reply@, noreply@, donotreply@, mailer-daemon@ ...
  out_of_office_subject,  // "Abwesenheitsnotiz", "Out of Office", "Automatic reply" ...
  delivery_report,        // Content-Type multipart/report, bounces
};

std::string_view to_string(Automation automation);

struct Address {
  std::string email;  // addr-spec, lower-cased; may be empty when the header was unusable
  std::string name;   // display name, RFC 2047 decoded to UTF-8; may be empty
};

struct Message {
  // Stable within its source across runs: Maildir "INBOX/<unique part of the file name>",
  // IMAP "<folder>;UIDVALIDITY=<v>;UID=<u>", Graph the immutable message id.
  std::string source_id;
  std::string folder;  // the folder's name in its source, e.g. "INBOX", "Sent"
  FolderRole folder_role = FolderRole::other;

  std::string message_id;               // without angle brackets; empty when missing or unusable
  std::string in_reply_to;              // first msg-id of In-Reply-To, without angle brackets
  std::vector<std::string> references;  // References, oldest first, without angle brackets
  std::string subject;                  // decoded to UTF-8, unfolded
  Address from;
  std::vector<Address> to;
  std::vector<Address> cc;

  UnixSeconds date = 0;                 // UTC
  std::int16_t utc_offset_minutes = 0;  // the sender's offset from the Date header
  // False when the Date header was missing, unparseable or implausible and `date` was taken from
  // the delivery time instead (Maildir file name or mtime, IMAP INTERNALDATE).
  bool date_from_header = true;

  std::string thread_index;  // Outlook/Exchange Thread-Index header, raw base64; empty if none
  std::string thread_topic;  // Thread-Topic header, decoded

  Automation automation = Automation::none;

  // The body's new text for the detectors that read it (engagement notices, our last offer, the
  // user's out-of-office text): the first text/plain part (or text/html turned into text),
  // decoded to UTF-8, whitespace runs collapsed, quoted replies and the signature cut, at most
  // max_body_bytes (cut at a character boundary). Empty when the message has no text part or the
  // connector did not read it. Not kept in the Corpus (see MessageTexts in core/detect.hpp).
  std::string body;
};

inline constexpr std::size_t max_body_bytes = 2048;

}  // namespace nachfass
