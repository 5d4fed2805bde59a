// Building IMAP commands (RFC 3501 section 6, 9): quoting arguments as atom, quoted string or
// literal, and splitting a command where a synchronising literal makes the client wait for the
// server's "+" (RFC 3501 7.5). Non-synchronising literals {n+} (LITERAL+, RFC 7888) or only up
// to 4096 bytes (LITERAL-) are used when the caller says the server has them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imap/parser/sequence_set.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

struct ArgumentOptions {
  // Literals up to this size are sent non-synchronising ({n+}). 0: none (plain IMAP4rev1);
  // SIZE_MAX: LITERAL+; 4096: LITERAL-.
  std::size_t non_sync_literal_max = 0;
  // UTF8=ACCEPT is enabled (RFC 6855): 8-bit UTF-8 may go in quoted strings and mailbox names
  // are sent as UTF-8 rather than modified UTF-7.
  bool utf8_accept = false;
};

// One argument ready for the wire.
struct EncodedArgument {
  enum class Form : std::uint8_t { atom, quoted, literal };
  Form form = Form::atom;
  // atom: the atom; quoted: the quoted string with escapes, quotes included; literal: the
  // announcement "{n}" or "{n+}" (without CRLF).
  std::string text;
  std::string literal;         // literal: the n bytes that follow the announcement's CRLF
  bool synchronising = false;  // literal: wait for "+" after the announcement's CRLF
};

// astring (RFC 3501 9): an atom when every byte is a safe atom char (letters, digits and
// !#$&'+,-./:;<=>?@^_`|~), otherwise a quoted string when it is printable ASCII (or UTF-8 with
// utf8_accept) with '"' and '\' escaped, otherwise a literal. "" and "NIL" (any case) are quoted.
// A NUL byte cannot be sent in IMAP4rev1 at all: imap.bad_command_argument.
Result<EncodedArgument> encode_astring(std::string_view value, const ArgumentOptions& options = {});
// string (RFC 3501 9): like encode_astring but never an atom (SEARCH HEADER arguments,
// LOGIN passwords are better quoted than guessed).
Result<EncodedArgument> encode_string(std::string_view value, const ArgumentOptions& options = {});

// A command ready to send. Send parts[0]; before each further part wait for a continuation
// response ("+ ..."); a tagged NO/BAD instead means the server refused the command. Every part
// but the last ends with a synchronising literal announcement and its CRLF; the last part ends
// with the command's CRLF.
struct Command {
  std::string tag;
  std::vector<std::string> parts;
  bool needs_continuation() const { return parts.size() > 1; }
  std::string wire() const;  // all parts concatenated, as the server will have read it
};

// "A1", "A2", ... unique per connection.
class TagGenerator {
 public:
  explicit TagGenerator(std::string prefix = "A") : prefix_(std::move(prefix)) {}
  std::string next() { return prefix_ + std::to_string(++counter_); }

 private:
  std::string prefix_;
  std::uint64_t counter_ = 0;
};

// CommandBuilder(tag, "UID FETCH", options).sequence_set(uids).begin_list().atom("UID")
//     .atom("FLAGS").end_list().build()  ->  "A7 UID FETCH 1:5,7 (UID FLAGS)\r\n"
// Arguments are separated by one SP except just inside parentheses. Errors (a NUL in a value,
// CR/LF in a verbatim token) are kept and returned by build(); the builder methods never fail.
class CommandBuilder {
 public:
  CommandBuilder(std::string_view tag, std::string_view command, ArgumentOptions options = {});

  // Verbatim token the caller vouches for: "UID", "BODY.PEEK[HEADER.FIELDS", "CHANGEDSINCE",
  // "\\Seen". Must not contain CR, LF or NUL.
  CommandBuilder& atom(std::string_view token);
  CommandBuilder& number(std::uint64_t value);
  CommandBuilder& astring(std::string_view value);
  CommandBuilder& string(std::string_view value);
  // A mailbox name given in UTF-8: "INBOX" in any case is sent as INBOX; others are encoded
  // in modified UTF-7 (or sent as UTF-8 with utf8_accept), then as an astring.
  CommandBuilder& mailbox(std::string_view utf8_name);
  // An already encoded name as LIST returned it (ListEntry::raw_name).
  CommandBuilder& raw_mailbox(std::string_view wire_name) { return astring(wire_name); }
  CommandBuilder& sequence_set(const SequenceSet& set);
  // A literal even when the bytes would fit a quoted string (APPEND's message).
  CommandBuilder& literal(std::string_view bytes);
  CommandBuilder& begin_list();
  CommandBuilder& end_list();

  Result<Command> build() const;

 private:
  void separate();
  void append(const EncodedArgument& argument);
  void fail(std::string message);

  ArgumentOptions options_;
  std::string tag_;
  std::vector<std::string> parts_;
  bool after_open_ = false;
  std::optional<Error> error_;
};

}  // namespace nachfass::imap
