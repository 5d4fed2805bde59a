// Stable error ids of the IMAP parser and its decoders. Tests and the IMAP client compare
// `Error::id` against these; the scope of each is fixed and documented here.
#pragma once

#include <string_view>

namespace nachfass::imap::errors {

// --- ResponseParser::next() -------------------------------------------------------------------
// One response was malformed (unbalanced parentheses, a NUL or CR byte outside a literal, a bare
// LF, a bad token, a literal marker that does not match its bytes, a message number that does not
// fit 32 bits). Scope item: the response was skipped; the framing is intact and the parser goes on
// with the next response. A client that cannot tell what the skipped response was (e.g. the
// tagged completion of a command) should treat it as transient and reconnect.
inline constexpr std::string_view syntax = "imap.syntax";
// A literal announced more bytes than Limits::max_literal_bytes. Scope item: reported as soon as
// the announcement is seen; the parser then skips the announced bytes without buffering them and
// drops the rest of that response, and goes on with the next one.
inline constexpr std::string_view literal_too_large = "imap.literal_too_large";
// The literals of one response together exceed Limits::max_response_bytes. Scope item; handled
// like literal_too_large.
inline constexpr std::string_view response_too_large = "imap.response_too_large";
// The non-literal text of one response exceeds Limits::max_line_bytes (typically a SEARCH or
// FLAGS response for a huge folder). Scope collection: reported at once, the rest of that
// response is discarded unbuffered, the parser goes on with the next response.
inline constexpr std::string_view line_too_long = "imap.line_too_long";
// Parentheses nested deeper than Limits::max_depth. Scope item; the response is skipped.
inline constexpr std::string_view too_deep = "imap.too_deep";
// The parser lost the framing of the stream (a literal length that does not fit 64 bits) and is
// unusable until reset(). Scope transient: drop the connection and reconnect.
inline constexpr std::string_view desynchronised = "imap.desynchronised";

// --- typed decoders (all scope item: the response is not what the decoder expects) -------------
// The response is of another kind than the decoder handles (parse_fetch on a LIST response).
inline constexpr std::string_view wrong_response = "imap.wrong_response";
inline constexpr std::string_view bad_fetch = "imap.bad_fetch";
inline constexpr std::string_view bad_list = "imap.bad_list";
inline constexpr std::string_view bad_status = "imap.bad_status";
inline constexpr std::string_view bad_search = "imap.bad_search";
inline constexpr std::string_view bad_vanished = "imap.bad_vanished";
inline constexpr std::string_view bad_response_code = "imap.bad_response_code";
inline constexpr std::string_view bad_capability = "imap.bad_capability";
inline constexpr std::string_view bad_date = "imap.bad_date";

// --- helpers --------------------------------------------------------------------------------
inline constexpr std::string_view bad_sequence_set = "imap.bad_sequence_set";
// A mailbox name that is not valid modified UTF-7 (RFC 3501 5.1.3), or not valid UTF-8 to encode.
inline constexpr std::string_view bad_mailbox_name = "imap.bad_mailbox_name";
// A command argument that cannot be sent (a NUL byte; CR/LF in a verbatim token). A caller bug
// or unusable data: scope item.
inline constexpr std::string_view bad_command_argument = "imap.bad_command_argument";

}  // namespace nachfass::imap::errors
