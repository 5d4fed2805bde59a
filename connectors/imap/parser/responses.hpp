// Typed decoders for the non-FETCH responses an IMAP sync client uses. Each takes a Response
// from ResponseParser and returns imap.wrong_response when it is not the kind the decoder
// handles, or the decoder's imap.bad_* id when it is that kind but malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/parser/response.hpp"
#include "imap/parser/sequence_set.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

// "* CAPABILITY ..." or any status response with a [CAPABILITY ...] code (greeting, LOGIN OK).
struct Capabilities {
  std::vector<std::string> names;         // upper-cased, in server order: "IMAP4REV1", "AUTH=PLAIN"
  bool has(std::string_view name) const;  // case-insensitive
  std::vector<std::string> auth_mechanisms() const;  // "PLAIN" for AUTH=PLAIN
  bool operator==(const Capabilities&) const = default;
};
Result<Capabilities> parse_capabilities(const Response& response);

// "* ENABLED CONDSTORE QRESYNC" (RFC 5161) -> upper-cased names.
Result<std::vector<std::string>> parse_enabled(const Response& response);

// RFC 6154 special-use attributes.
enum class SpecialUse : std::uint8_t { none, all, archive, drafts, flagged, junk, sent, trash };

// "* LIST (\HasNoChildren \Sent) "/" "Gesendete Elemente"" and LSUB (RFC 3501 7.2.2, RFC 5258,
// RFC 6154).
struct ListEntry {
  bool lsub = false;
  std::vector<std::string> attributes;  // as sent: "\HasNoChildren", "\Sent", "\Noselect"
  std::optional<char> delimiter;        // nullopt: flat namespace (NIL)
  std::string raw_name;                 // as on the wire (modified UTF-7); use it in commands
  // UTF-8. Decoded from modified UTF-7; names with 8-bit bytes (UTF8=ACCEPT servers, or broken
  // ones) and names that are not valid modified UTF-7 are taken as they are. "INBOX" in any case
  // becomes "INBOX" (RFC 3501 5.1).
  std::string name;
  std::vector<Value> extended;  // LIST-EXTENDED data after the name ("CHILDINFO" ...)

  bool has_attribute(std::string_view attribute) const;  // case-insensitive, with the backslash
  bool selectable() const;                               // neither \Noselect nor \NonExistent
  SpecialUse special_use() const;
};
Result<ListEntry> parse_list(const Response& response);

// "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)" (RFC 3501 7.2.4, RFC 7162 HIGHESTMODSEQ).
struct MailboxStatus {
  std::string raw_name;
  std::string name;  // decoded as in ListEntry::name
  std::optional<std::uint32_t> messages, recent, uidnext, uidvalidity, unseen;
  std::optional<std::uint64_t> highestmodseq, size;
};
Result<MailboxStatus> parse_status(const Response& response);

// What SELECT / EXAMINE report before their tagged OK (RFC 3501 6.3.1, RFC 7162 3.1.2.1):
// feed every untagged response and the tagged completion to apply().
struct SelectSummary {
  std::optional<std::uint32_t> exists, recent, uidvalidity, uidnext, unseen;
  std::optional<std::uint64_t> highestmodseq;
  bool nomodseq = false;  // [NOMODSEQ]: the mailbox does not support mod-sequences
  std::optional<std::vector<std::string>> flags;            // * FLAGS (...)
  std::optional<std::vector<std::string>> permanent_flags;  // [PERMANENTFLAGS (...)], "\*" kept
  std::optional<bool> read_only;                            // [READ-ONLY] / [READ-WRITE]

  // True when `response` carried something recorded here; false when it is unrelated (FETCH,
  // VANISHED, [CLOSED], ...); an error when it is one of these responses but malformed.
  Result<bool> apply(const Response& response);
};

// "* SEARCH 2 84 882 (MODSEQ 917162500)" (RFC 3501, RFC 7162 3.1.5) and
// "* ESEARCH (TAG "A282") UID ALL 1:3,5 MODSEQ 917162500" (RFC 4731, RFC 7162).
struct SearchResult {
  bool esearch = false;
  std::optional<std::string> tag;                // ESEARCH correlator
  bool uid = false;                              // ESEARCH: the numbers are UIDs
  SequenceSet all;                               // SEARCH numbers, ESEARCH ALL
  std::optional<std::uint32_t> min, max, count;  // ESEARCH only
  std::optional<std::uint64_t> modseq;
};
Result<SearchResult> parse_search(const Response& response);

// "* VANISHED (EARLIER) 41,43:116" (RFC 7162 3.2.10).
struct Vanished {
  bool earlier = false;
  SequenceSet uids;
};
Result<Vanished> parse_vanished(const Response& response);

// [APPENDUID 38505 3955] (RFC 4315 3) from the tagged OK of APPEND. The set has several members
// after MULTIAPPEND.
struct AppendUid {
  std::uint32_t uidvalidity = 0;
  SequenceSet uids;
};
Result<AppendUid> parse_appenduid(const Response& response);

// [COPYUID 38505 304,319:320 3956:3958] (RFC 4315 3) from the tagged OK of COPY / MOVE, or an
// untagged OK before the expunges of MOVE (RFC 6851).
struct CopyUid {
  std::uint32_t uidvalidity = 0;
  std::vector<SequenceSet::Range> source, destination;  // in server order, pairwise by position
  std::optional<std::uint32_t> destination_for(std::uint32_t source_uid) const;
};
Result<CopyUid> parse_copyuid(const Response& response);

}  // namespace nachfass::imap
