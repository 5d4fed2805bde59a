// FETCH responses (RFC 3501 7.4.2, RFC 7162 3.1.4 MODSEQ, RFC 3516 BINARY) as a typed record.
// Strings are raw bytes: RFC 2047 words in subjects and names are decoded elsewhere (mime/).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imap/parser/response.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

// One element of an ENVELOPE address list (RFC 3501 7.4.2). RFC 2822 group syntax appears as a
// group_start element (mailbox = the group's name, host NIL) before the group's members and a
// group_end element (mailbox and host NIL) after them.
struct Address {
  enum class Kind : std::uint8_t { mailbox, group_start, group_end };
  Kind kind = Kind::mailbox;
  std::string name;     // display name ("" when NIL)
  std::string adl;      // source route, obsolete; "" when NIL
  std::string mailbox;  // local part, or the group name for group_start
  std::string host;     // domain
  bool operator==(const Address&) const = default;
};

struct Envelope {
  std::optional<std::string> date;  // Date header, raw (nullopt when NIL)
  std::optional<std::string> subject;
  std::vector<Address> from, sender, reply_to, to, cc, bcc;  // empty when NIL
  std::optional<std::string> in_reply_to;  // raw header value, may hold several ids
  std::optional<std::string> message_id;
  bool operator==(const Envelope&) const = default;
};

// INTERNALDATE (RFC 3501 9: date-time "17-Jul-1996 02:44:25 -0700").
struct InternalDate {
  std::int64_t utc_seconds = 0;  // seconds since 1970-01-01T00:00:00Z
  int utc_offset_minutes = 0;    // -0700 -> -420
  bool operator==(const InternalDate&) const = default;
};
// imap.bad_date when `text` is not a date-time (day may be " 7", "7" or "07").
Result<InternalDate> parse_internal_date(std::string_view text);

struct FetchItem {
  std::uint32_t seq = 0;  // message sequence number
  std::optional<std::uint32_t> uid;
  std::optional<std::vector<std::string>> flags;  // as sent: "\Seen", "$Forwarded"
  std::optional<InternalDate> internaldate;
  std::optional<std::uint64_t> rfc822_size;
  std::optional<std::uint64_t> modseq;  // MODSEQ (12345)
  std::optional<Envelope> envelope;
  // BODY[<section>]<origin> by normalise_section(section), with "<origin>" appended for partial
  // fetches ("HEADER.FIELDS (REFERENCES IN-REPLY-TO)", "HEADER", "1.2.MIME", "" for BODY[],
  // "<0>" for BODY[]<0>). RFC822 / RFC822.HEADER / RFC822.TEXT are stored as "", "HEADER",
  // "TEXT". A NIL body is stored as "".
  std::map<std::string, std::string> body_sections;
  std::map<std::string, std::string> binary_sections;  // BINARY[section], same keys
  // Everything else (BODYSTRUCTURE, BODY, BINARY.SIZE[...], EMAILID, THREADID, X-GM-*): the item
  // name upper-cased with its section as sent, and its value.
  std::vector<std::pair<std::string, Value>> other;

  // The body section the client asked for, looked up with the same normalisation:
  // body_section("header.fields (References In-Reply-To)"). nullptr when absent.
  const std::string* body_section(std::string_view section) const;
};

// Upper-cases, unquotes header-field names that need no quoting, and reduces runs of white
// space to one SP, so that what a client sends and what a server echoes compare equal:
//   "header.fields (\"References\"  In-Reply-To)" -> "HEADER.FIELDS (REFERENCES IN-REPLY-TO)".
std::string normalise_section(std::string_view section);

// "* 5 FETCH (...)" -> FetchItem. imap.wrong_response when the response is no FETCH;
// imap.bad_fetch for an attribute that is malformed (UID 0 or > 2^32-1, FLAGS that are not a
// list, an ENVELOPE without 10 fields, ...). The rvalue overload moves the strings (header
// literals) out of the response instead of copying them.
Result<FetchItem> parse_fetch(const Response& response);
Result<FetchItem> parse_fetch(Response&& response);

}  // namespace nachfass::imap
