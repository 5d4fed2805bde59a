// RFC 5322 header block -> nachfass::Message, with GMime doing the decoding (RFC 2047 encoded
// words in any charset iconv knows, address lists, dates, msg-id lists).
//
// Two paths, one answer. GMime's message parser builds a GObject per message, header and address,
// which made it half of an IMAP sync's CPU. So the header block is split and unfolded here, and
// the common shapes (plain ASCII values, `Name <addr>` lists, `<id@host>` ids) are read here too;
// GMime's string functions decode what needs decoding (encoded words, 8-bit text, dates, unusual
// ids and address lists), and a block of unusual structure (a line that is no header, a field read
// here that occurs twice, a Content-Type that may be a delivery report) goes through GMime's
// message parser as before. The result is the same Message either way:
// parse_message_headers_with_gmime() is the reference a unit test and the fuzzer compare with.
//
// Untrusted input: any byte sequence yields a Message or an item-scope Error, never a crash,
// never unbounded memory (the caller bounds the header block it passes in).
#pragma once

#include <optional>
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

// parse_message_headers() with every block through GMime's message parser (slower; the
// reference for tests).
Result<Message> parse_message_headers_with_gmime(std::string_view raw, const ParseContext& context,
                                                 std::vector<std::string>* warnings = nullptr);

// parse_message_headers() when the fast path takes the block, nullopt when it leaves it to GMime
// (or the block is empty). For differential tests.
std::optional<Result<Message>> parse_message_headers_fast(
    std::string_view raw, const ParseContext& context,
    std::vector<std::string>* warnings = nullptr);

// Length of the header block of `raw` including the empty line that ends it, or npos when `raw`
// holds no complete header block yet.
std::size_t header_block_length(std::string_view raw);

}  // namespace nachfass::mime
