// A rendered letter as an RFC 5322 message, built with GMime: multipart/alternative with a
// text/plain and a text/html part, UTF-8, each part in quoted-printable or base64 as GMime finds
// best for 7-bit transport, RFC 2047 encoded subject and display names, Message-ID, Date, From,
// To, and In-Reply-To / References when it answers a thread. No Bcc, no Cc, nothing is sent.
#pragma once

#include <string>
#include <vector>

#include "core/model.hpp"
#include "letters/letters.hpp"
#include "ports/result.hpp"

namespace nachfass::letters {

struct DraftHeaders {
  Address from;  // the user: [user] name and first address
  Address to;    // the customer contact
  // The message answered (no angle brackets) and the References chain to send: the parent's
  // References (or its In-Reply-To) followed by the parent's Message-ID. Empty for a new thread.
  std::string in_reply_to;
  std::vector<std::string> references;
  UnixSeconds date = 0;
  int utc_offset_minutes = 0;
  // The Message-ID to use (no angle brackets); empty: a random one at the From domain.
  std::string message_id;
};

// Errors: letters.no_recipient (no To address), letters.no_sender (no From address).
// Line ends are LF; header values lose CR and LF (no header injection through a name).
Result<std::string> compose_draft(const RenderedLetter& letter, const DraftHeaders& headers);

// "<random>.nachfass@example.com" without angle brackets, for `from_address`'s domain.
std::string new_message_id(std::string_view from_address);

}  // namespace nachfass::letters
