// Test support for the IMAP parser: a typed one-line rendering of responses for table rows, and
// the split matrix (Beast's failMatrix): every input is parsed whole, split in two at every byte
// position, and byte by byte, and all of them must give the same responses and errors.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "imap/parser/response_parser.hpp"

namespace nachfass::imap {

// NIL, atom, #number, "string", L"literal", (list); strings with non-printable bytes as \xNN.
inline std::string describe(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::nil:
      return "NIL";
    case Value::Kind::atom: {
      std::string out(value.text());
      if (value.has_section()) out += "[" + std::string(value.section()) + "]";
      if (value.origin()) out += "<" + std::to_string(*value.origin()) + ">";
      return out;
    }
    case Value::Kind::number:
      return "#" + std::string(value.text());
    case Value::Kind::string: {
      std::string out = value.is_literal() ? "L\"" : "\"";
      for (char c : value.text()) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02X", u);
          out += hex;
        } else {
          out += c;  // printable ASCII and UTF-8 as they are
        }
      }
      return out + "\"";
    }
    case Value::Kind::list: {
      std::string out = "(";
      for (std::size_t i = 0; i < value.items().size(); ++i) {
        if (i > 0) out += ' ';
        out += describe(value.items()[i]);
      }
      return out + ")";
    }
  }
  return "?";
}

inline std::string describe(const Response& r) {
  std::string out;
  switch (r.kind) {
    case ResponseKind::continuation:
      return "+ \"" + r.text + "\"";
    case ResponseKind::tagged:
      out = "tagged " + r.tag;
      break;
    case ResponseKind::untagged:
      out = "*";
      break;
  }
  if (r.is_status()) {
    out += " " + std::string(to_string(r.status));
    if (r.code) {
      out += " [" + r.code->name;
      if (!r.code->args.empty()) {
        for (const Value& arg : r.code->args) out += " " + describe(arg);
      } else if (!r.code->text.empty()) {
        out += " ~" + r.code->text + "~";
      }
      out += "]";
    }
    return out + " \"" + r.text + "\"";
  }
  if (r.number) out += " " + std::to_string(*r.number);
  out += " " + r.keyword;
  for (const Value& value : r.data) out += " " + describe(value);
  return out;
}

inline void PrintTo(const Response& response, std::ostream* os) {
  *os << describe(response);
}

// A response (described) or "error <id>: <message>".
using Events = std::vector<std::string>;

inline void drain(ResponseParser& parser, Events& events, std::vector<Response>* responses) {
  while (true) {
    auto next = parser.next();
    if (!next) {
      events.push_back("error " + next.error().id + ": " + next.error().message);
      if (!parser.usable()) return;
      continue;
    }
    if (!*next) return;
    events.push_back(describe(**next));
    if (responses) responses->push_back(std::move(**next));
  }
}

inline Events parse_whole(std::string_view input, Limits limits = {},
                          std::vector<Response>* responses = nullptr) {
  ResponseParser parser(limits);
  Events events;
  parser.feed(input);
  drain(parser, events, responses);
  return events;
}

// Only the ids of the errors and the responses, for rows that name expected errors.
inline Events ids_only(const Events& events) {
  Events out;
  for (const std::string& e : events)
    out.push_back(e.rfind("error ", 0) == 0 ? e.substr(0, e.find(':')) : e);
  return out;
}

// The split matrix. Returns the events of the whole-input parse; adds a failure naming the split
// position for every split that differs.
inline Events expect_same_at_every_split(std::string_view input, Limits limits = {},
                                         std::vector<Response>* responses = nullptr) {
  const Events whole = parse_whole(input, limits, responses);
  for (std::size_t pos = 0; pos <= input.size(); ++pos) {
    ResponseParser parser(limits);
    Events events;
    parser.feed(input.substr(0, pos));
    drain(parser, events, nullptr);
    if (parser.usable()) {  // the client drops the connection once the parser is unusable
      parser.feed(input.substr(pos));
      drain(parser, events, nullptr);
    }
    EXPECT_EQ(events, whole) << "split at byte " << pos;
    if (events != whole) break;  // one position is enough to debug
  }
  ResponseParser parser(limits);
  Events bytewise;
  for (char c : input) {
    if (!parser.usable()) break;
    parser.feed(std::string_view(&c, 1));
    drain(parser, bytewise, nullptr);
  }
  EXPECT_EQ(bytewise, whole) << "fed byte by byte";
  return whole;
}

// "{n}\r\n" + bytes.
inline std::string literal(std::string_view bytes) {
  return "{" + std::to_string(bytes.size()) + "}\r\n" + std::string(bytes);
}

// Parses `input`, which must hold exactly one response, through the split matrix.
inline Response parse_one(std::string_view input) {
  std::vector<Response> responses;
  const Events events = expect_same_at_every_split(input, {}, &responses);
  EXPECT_EQ(responses.size(), 1u) << ::testing::PrintToString(events);
  return responses.empty() ? Response{} : responses.front();
}

// The FETCH response of RFC 3501 section 8 (sample session), with its CRLF.
inline const std::string kRfc3501Fetch =
    "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
    "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
    "\"IMAP4rev1 WG mtg summary and minutes\" "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
    "((NIL NIL \"imap\" \"cac.washington.edu\")) "
    "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") "
    "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
    "\"<B27397-0100000@cac.washington.edu>\") "
    "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n";

}  // namespace nachfass::imap
