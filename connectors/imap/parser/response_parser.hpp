// Incremental IMAP4rev1 response parser (RFC 3501 section 7 and 9, with the response forms of
// UIDPLUS, CONDSTORE/QRESYNC, ESEARCH, LIST-EXTENDED, BINARY). The IMAP client feeds it whatever
// the socket delivered - a byte, a line, 64 KiB of many responses - and takes complete responses
// out. No I/O, no threads, no exceptions on bad data.
//
//   ResponseParser parser;
//   parser.feed(bytes_from_socket);
//   while (true) {
//     auto next = parser.next();
//     if (!next) { ...handle next.error()...; continue or drop the connection }
//     if (!*next) break;          // need more bytes
//     handle(std::move(**next));
//   }
//
// Framing. A response ends at a CRLF that is not inside a literal. A line ending in "{n}",
// "{n+}" or "~{n}" announces a literal of n bytes; those bytes may arrive split across any number
// of feeds and go straight into the string that the Value will own (they are copied once). As in
// most clients, a trailing "{n}" is taken as a literal announcement on every line except the
// first line of a status or continuation response ("A1 NO quota {5}", "+ idling {0}"), whose
// text is free-form by definition.
//
// Errors (ids in errors.hpp) are returned by next() in stream order, after the responses that
// preceded the bad one:
//  - imap.syntax, imap.too_deep: that one response is skipped; parsing goes on after it.
//  - imap.literal_too_large, imap.response_too_large, imap.line_too_long: reported as soon as
//    the limit is crossed (before the rest of the response has arrived); the remainder of that
//    response, literals included, is then skipped as it arrives without being buffered, and
//    parsing goes on with the next response.
//  - imap.desynchronised: the stream can no longer be framed (a literal length of more than 20
//    digits or beyond 2^64-1). Every later next() returns this error again and feed() ignores
//    its input until reset().
// The IMAP client drops the connection on any error it cannot attribute to one message.
//
// Strict where a mistake would shift the framing or hide corruption: a bare LF, a CR or NUL
// outside a literal, unbalanced parentheses are imap.syntax. Lenient where servers are known to
// stray and the meaning is clear: 8-bit bytes in quoted strings and atoms (UTF-8 from Dovecot,
// Exchange), lower-case keywords, a missing SP after "]" of a response code, adjacent lists
// without SP (as BODYSTRUCTURE has them), a backslash before any other character than '"' or
// '\' in a quoted string (kept as it came), NUL bytes inside literals (broken messages; returned
// as data), "[" and "]" inside atoms (mailbox names like foo[bar]).
//
// Memory: at most one incomplete response is buffered, bounded by max_line_bytes plus
// max_response_bytes of literals, plus the complete responses that next() has not yet returned
// (bounded by what the caller fed). A parsed Response takes roughly 70 bytes per value on top of
// its text, so a line of max_line_bytes costs at most about 40 times that while it is held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/parser/response.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

struct Limits {
  // Largest literal accepted. The sync client fetches header fields only; full messages for the
  // letters feature stay well below this.
  std::size_t max_literal_bytes = 16u << 20;
  // Largest non-literal text of one response (all its lines together, without the literals'
  // bytes). A plain "* SEARCH" over 100k messages is ~700 KB; prefer ESEARCH for larger folders.
  std::size_t max_line_bytes = 1u << 20;
  // Largest sum of literal bytes in one response.
  std::size_t max_response_bytes = 64u << 20;
  // Deepest nesting of parentheses (BODYSTRUCTURE of nested multiparts is the deepest in
  // practice; ENVELOPE needs 3).
  std::size_t max_depth = 64;
};

class ResponseParser {
 public:
  // Limits below a sane floor are raised to it: max_line_bytes >= 64, max_depth >= 1.
  explicit ResponseParser(Limits limits = {});

  // Appends bytes received from the server. The view is only read during the call. Framing and
  // limit checks happen here; parsing into Values happens in next().
  void feed(std::string_view bytes);

  // The next complete response; nullopt when more bytes are needed; an Error for a response that
  // could not be parsed or broke a limit (see above). Never throws on any input.
  Result<std::optional<Response>> next();

  // Forgets everything buffered and any error state (after a reconnect).
  void reset();

  // False after imap.desynchronised until reset().
  bool usable() const { return !desynchronised_; }

  // Bytes currently held for responses not yet returned (text and literals); stays within the
  // limits for the incomplete response, whatever was announced.
  std::size_t buffered_bytes() const { return lines_.size() - parse_pos_ + literal_bytes_held_; }

  const Limits& limits() const { return limits_; }

 private:
  struct Frame {
    std::size_t end = 0;            // one past the final CRLF in lines_
    std::size_t literal_count = 0;  // literals of this response at the front of literals_
    std::optional<Error> error;     // set: this frame is an error, not a response
  };

  void on_line_end();
  // Reports `error` for the incomplete response and discards the rest of it as it arrives.
  void fail_current(Error error, std::uint64_t skip_literal_bytes, std::string_view upcoming = {});
  void compact();
  Result<Response> parse_frame(std::string_view text, std::size_t literal_count);

  Limits limits_;

  // Non-literal text of the responses framed but not yet returned, then of the incomplete one.
  std::string lines_;
  std::size_t parse_pos_ = 0;    // start of the first frame not yet returned
  std::size_t frame_start_ = 0;  // start of the incomplete frame
  std::deque<Frame> frames_;     // complete frames (and errors) in stream order
  std::deque<std::string> literals_;
  std::size_t literal_bytes_held_ = 0;

  // State of the incomplete frame.
  bool first_line_ = true;
  bool status_frame_ = false;
  std::size_t frame_literals_ = 0;
  std::size_t frame_literal_bytes_ = 0;
  std::uint64_t literal_remaining_ = 0;
  bool in_literal_ = false;
  // After a limit error: the rest of the frame is dropped; tail_ keeps the last bytes of the
  // current line so the framing can still see "{n}" at its end.
  bool discarding_ = false;
  std::string tail_;
  bool desynchronised_ = false;

  // Scratch space reused across responses so that building lists does not reallocate.
  std::vector<Value> scratch_;
  std::vector<std::size_t> open_lists_;
};

}  // namespace nachfass::imap
