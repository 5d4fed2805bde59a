// The new text of a message body, for the detectors that read bodies (Message::body): the first
// text/plain part (else the first text/html part turned into text), transfer-decoded
// (quoted-printable, base64) with GMime's incremental decoders, converted to UTF-8, quoted history
// and the signature cut, whitespace runs collapsed, at most max_body_bytes.
//
// No GMime message object is built: the MIME structure is walked here over the raw bytes (a
// multipart is split at its boundary lines, nested multiparts are walked depth first), so a
// typical small message costs a few microseconds.
//
// Untrusted input: any bytes give a string (possibly empty), never an exception or a crash; the
// result is always valid UTF-8 of at most max_body_bytes. The body may be a prefix of the real
// body (an IMAP partial fetch, a Maildir read cut at 64 KiB): a part cut short is decoded as far as
// it goes, a base64 quantum cut in half is dropped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace nachfass::mime {

// `header_block` is the message's header block (only Content-Type and
// Content-Transfer-Encoding are read; other fields are ignored, so IMAP's HEADER.FIELDS subset
// does); `body` is the body after the empty line, whole or a prefix of it. The result is at most
// `max_bytes` (cut at a UTF-8 character boundary).
std::string extract_body_text(std::string_view header_block, std::string_view body,
                              std::size_t max_bytes = max_body_bytes);

// extract_body_text() of a whole raw message (header block, empty line, body).
std::string extract_body_text(std::string_view raw_message, std::size_t max_bytes = max_body_bytes);

// The steps of extract_body_text(), for tests.
namespace body_detail {
// HTML -> text: <script>/<style> dropped, tags removed, <br>, <p>, <div>, <li>, <tr> and headings
// as line breaks, named entities of the common kind and numeric ones (&#228; &#xE4;) decoded.
// `html` must be UTF-8.
std::string html_to_text(std::string_view html);
// Cuts quoted lines ("> ..."), everything from a reply header ("Am ... schrieb ...:", "On ...
// wrote:", "-----Original Message-----", an Outlook "From:/Sent:" block) and a signature after
// "-- "; collapses blank runs (single "\n" between lines, no empty lines, single spaces); trims.
std::string new_text(std::string_view text);
// The longest prefix of `text` of at most `max_bytes` that ends on a UTF-8 character boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);
}  // namespace body_detail

}  // namespace nachfass::mime
