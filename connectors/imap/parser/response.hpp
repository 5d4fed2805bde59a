// The generic shape of an IMAP server response (RFC 3501 section 7, 9): a tree of Values plus
// the response's kind, tag, status and response code. ResponseParser produces these; the typed
// decoders (fetch.hpp, responses.hpp) read them. Pure std C++.
//
// Everything here is a plain value type: copyable, movable, comparable with ==. Strings hold raw
// bytes as the server sent them (after undoing quoted-string escapes); nothing is decoded from
// RFC 2047 or modified UTF-7 at this layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nachfass::imap {

// One element of a response: an atom, a number, a string, NIL or a parenthesised list.
//
// Atoms that IMAP writes with a bracketed section - BODY[...], BINARY[...], BINARY.SIZE[...] in
// FETCH responses - are one atom whose text() is the name ("BODY"), whose section() is the
// verbatim text between the brackets ("HEADER.FIELDS (REFERENCES)", "" for BODY[]) and whose
// origin() is the <n> partial marker that may follow (BODY[]<0>).
//
// Numbers keep the digits as sent (text() == "007" for 007), so a value used as an astring - a
// mailbox named 2024 - reads back exactly. A run of digits too large for 64 bits is an atom.
class Value {
 public:
  enum class Kind : std::uint8_t { nil, atom, number, string, list };

  Value() = default;  // NIL

  static Value make_nil() { return Value(); }
  static Value make_atom(std::string text);
  // `digits` is the text as sent; empty means "format `number` in decimal".
  static Value make_number(std::uint64_t number, std::string digits = {});
  static Value make_string(std::string bytes, bool literal = false);
  static Value make_list(std::vector<Value> items);
  static Value make_section(std::string name, std::string_view section,
                            std::optional<std::uint64_t> origin = std::nullopt);

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::nil; }
  bool is_atom() const { return kind_ == Kind::atom; }
  bool is_number() const { return kind_ == Kind::number; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_list() const { return kind_ == Kind::list; }

  // Atom name (without any section), the digits of a number, the bytes of a string; "" for NIL
  // and lists.
  std::string_view text() const {
    return has_section_ ? std::string_view(text_).substr(0, name_size_) : std::string_view(text_);
  }
  // The number; 0 unless is_number().
  std::uint64_t number() const { return kind_ == Kind::number ? number_ : 0; }
  // A string that came as a literal {n} (or literal8 ~{n}) rather than quoted.
  bool is_literal() const { return literal_; }

  bool has_section() const { return has_section_; }
  std::string_view section() const;
  std::optional<std::uint64_t> origin() const {
    return has_origin_ ? std::optional<std::uint64_t>(number_) : std::nullopt;
  }

  // Items of a list; empty for everything else.
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }

  // IMAP astring (RFC 3501 9): an atom without section, a number or a string.
  bool is_astring() const {
    return (kind_ == Kind::atom && !has_section_) || kind_ == Kind::number || kind_ == Kind::string;
  }
  // Case-insensitive comparison of an atom's name, e.g. value.is_atom("UID").
  bool is_atom(std::string_view name) const;

  // Moves the bytes out (strings, atoms, numbers' digits; for a section atom the whole
  // "NAME[section]"); leaves this value's text empty and without section or origin.
  std::string release_text() {
    has_section_ = false;
    has_origin_ = false;
    name_size_ = 0;
    std::string out = std::move(text_);
    text_.clear();
    return out;
  }

  bool operator==(const Value& other) const = default;

 private:
  Kind kind_ = Kind::nil;
  bool literal_ = false;
  bool has_section_ = false;
  bool has_origin_ = false;
  std::uint32_t name_size_ = 0;  // with a section: the name's length in text_
  std::uint64_t number_ = 0;     // the number, or the origin of a section atom
  std::string text_;             // with a section: name + '[' + section + ']'
  std::vector<Value> items_;
};

enum class ResponseKind : std::uint8_t {
  tagged,        // "A1 OK ..." - completion of a command
  untagged,      // "* ..."
  continuation,  // "+ ..." - the server waits for more of the command (literal, IDLE, AUTH)
};

// The status of a status response (RFC 3501 7.1); none for data and continuation responses.
enum class Status : std::uint8_t { none, ok, no, bad, preauth, bye };
std::string_view to_string(Status status);

// "[CODE args]" at the start of a status response's text (RFC 3501 7.1, RFC 4315, RFC 7162).
struct ResponseCode {
  std::string name;         // upper-cased: "UIDVALIDITY", "APPENDUID", "CLOSED", "X-FOO"
  std::string text;         // what followed the name up to ']', verbatim; "" when nothing did
  std::vector<Value> args;  // `text` parsed as values when it parses: [UIDNEXT 5] -> {5};
                            // [PERMANENTFLAGS (\Seen \*)] -> {(\Seen \*)}; empty otherwise

  // The first argument when it is a number ([UIDVALIDITY 123], [HIGHESTMODSEQ 9]).
  std::optional<std::uint64_t> number() const;
  bool operator==(const ResponseCode&) const = default;
};

struct Response {
  ResponseKind kind = ResponseKind::untagged;
  std::string tag;  // tagged responses only, as sent ("A1", "a002")

  // Status responses: tagged OK/NO/BAD; untagged OK/NO/BAD/PREAUTH/BYE.
  Status status = Status::none;
  std::optional<ResponseCode> code;
  // Human-readable text of a status response; the text of a continuation ("idling", or base64
  // for AUTHENTICATE). Bytes as sent, without the CRLF.
  std::string text;

  // Untagged data: the message number of "* 23 EXISTS", "* 5 FETCH (...)", "* 3 EXPUNGE".
  std::optional<std::uint32_t> number;
  // Untagged data: the upper-cased keyword ("EXISTS", "FETCH", "LIST", "CAPABILITY", "ESEARCH",
  // "VANISHED"); "" for status and continuation responses.
  std::string keyword;
  // Untagged data: everything after the keyword, e.g. one list for FETCH, three values for LIST.
  std::vector<Value> data;

  bool is_status() const { return status != Status::none; }
  bool is_tagged() const { return kind == ResponseKind::tagged; }
  bool is_untagged() const { return kind == ResponseKind::untagged; }
  bool is_continuation() const { return kind == ResponseKind::continuation; }
  // Untagged data with this (upper-case) keyword.
  bool is_data(std::string_view upper_keyword) const {
    return kind == ResponseKind::untagged && status == Status::none && keyword == upper_keyword;
  }

  bool operator==(const Response&) const = default;
};

// Serialises back to IMAP syntax, CRLF-terminated: strings quoted when they can be, as literals
// otherwise (and always when they came as literals). Parsing the result gives an equal Response.
// For test servers, logs and the fuzz target; not for commands (see command.hpp).
std::string to_wire(const Response& response);
std::string to_wire(const Value& value);

}  // namespace nachfass::imap
