// RFC 5322 header block -> nachfass::Message, with GMime doing the parsing and decoding
// (RFC 2047 encoded words in any charset iconv knows, address lists, dates, msg-id lists).
//
// Untrusted input: any byte sequence yields a Message or an item-scope Error, never a crash,
// never unbounded memory (the caller bounds the header block it passes in).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "ports/result.hpp"

namespace nachfass::mime {

struct ParseContext {
  std::string source_id;
  std::string folder;
  FolderRole folder_role = FolderRole::other;
  // When the message reached the mailbox (Maildir file name or mtime, IMAP INTERNALDATE).
  // Used when the Date header is missing, unparseable or implausible. 0 = unknown.
  UnixSeconds delivery_time = 0;
};

// Parses the header block of `raw` (everything up to the first empty line; a body after it is
// ignored). Problems that do not make the message unusable (an unparseable Date, a malformed
// address) are appended to `warnings` as one line each and the field is left empty or taken from
// the context. Errors: `mime.empty` (no header at all).
Result<Message> parse_message_headers(std::string_view raw, const ParseContext& context,
                                      std::vector<std::string>* warnings = nullptr);

// Length of the header block of `raw` including the empty line that ends it, or npos when `raw`
// holds no complete header block yet.
std::size_t header_block_length(std::string_view raw);

}  // namespace nachfass::mime
