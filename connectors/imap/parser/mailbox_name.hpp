// Mailbox names on the wire: modified UTF-7 (RFC 3501 5.1.3), the encoding IMAP4rev1 servers
// use for non-ASCII names unless UTF8=ACCEPT (RFC 6855) is enabled.
//   "Entw&APw-rfe" <-> "Entwürfe",  "&-" <-> "&",  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" <->
//   "~peter/mail/台北/日本語".
#pragma once

#include <string>
#include <string_view>

#include "ports/result.hpp"

namespace nachfass::imap {

// Modified UTF-7 -> UTF-8. Rejects (imap.bad_mailbox_name) bytes outside printable US-ASCII, an
// unterminated or malformed "&...-" run, non-zero padding bits, and unpaired UTF-16 surrogates.
// Base64 runs that encode printable ASCII (which an encoder must not produce) are accepted.
Result<std::string> decode_mailbox_name(std::string_view modified_utf7);

// UTF-8 -> modified UTF-7. Invalid UTF-8 (overlong forms, surrogates, truncated sequences) ->
// imap.bad_mailbox_name.
Result<std::string> encode_mailbox_name(std::string_view utf8);

}  // namespace nachfass::imap
