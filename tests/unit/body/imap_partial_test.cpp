// The sync's FETCH answer with the header fields and the body's first bytes (BODY[TEXT]<0>, a
// partial fetch): the streaming parser takes the partial literal however the bytes arrive, and
// the fetch decoder files it under "TEXT<0>", the key the sync reads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imap/parser/fetch.hpp"
#include "imap/parser/response_parser.hpp"
#include "mime/body_text.hpp"

namespace nachfass::imap {
namespace {

std::string literal(std::string_view bytes) {
  return "{" + std::to_string(bytes.size()) + "}\r\n" + std::string(bytes);
}

// Feeds `wire` in the given pieces; returns every response.
std::vector<Response> parse_pieces(const std::vector<std::string_view>& pieces) {
  ResponseParser parser;
  std::vector<Response> out;
  for (std::string_view piece : pieces) {
    parser.feed(piece);
    for (;;) {
      auto next = parser.next();
      EXPECT_TRUE(next) << next.error().to_string();
      if (!next || !*next) break;
      out.push_back(std::move(**next));
    }
  }
  return out;
}

const std::string header =
    "From: Kunde <kunde@mueller.de>\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
// A body cut by the server at the partial length: it ends inside a line, holds what looks like
// IMAP syntax, and 8-bit bytes.
const std::string body_prefix =
    "Gr=FC=DFe, die Lieferung kommt.\r\n* 7 FETCH (UID 9)\r\n{12}\r\n)\r\n\xFF\xFE ende ohne";

const std::string wire =
    "* 3 FETCH (UID 42 FLAGS (\\Seen) INTERNALDATE \"16-Nov-2026 09:00:00 +0100\" "
    "BODY[HEADER.FIELDS (FROM CONTENT-TYPE CONTENT-TRANSFER-ENCODING)] " +
    literal(header) + " BODY[TEXT]<0> " + literal(body_prefix) + ")\r\nA1 OK done\r\n";

void expect_item(const std::vector<Response>& responses) {
  ASSERT_EQ(responses.size(), 2u);
  auto item = parse_fetch(responses[0]);
  ASSERT_TRUE(item) << item.error().to_string();
  EXPECT_EQ(item->uid, 42u);
  ASSERT_EQ(item->body_sections.count("TEXT<0>"), 1u);
  EXPECT_EQ(item->body_sections.at("TEXT<0>"), body_prefix);
  const std::string* fields =
      item->body_section("HEADER.FIELDS (FROM CONTENT-TYPE CONTENT-TRANSFER-ENCODING)");
  ASSERT_NE(fields, nullptr);
  EXPECT_EQ(mime::extract_body_text(*fields, item->body_sections.at("TEXT<0>")),
            "Grüße, die Lieferung kommt.\n* 7 FETCH (UID 9)\n{12}\n)\nÿþ ende ohne");
}

TEST(ImapPartialBody, WholeResponse) {
  expect_item(parse_pieces({wire}));
}

TEST(ImapPartialBody, SplitAtEveryByte) {
  for (std::size_t at = 1; at < wire.size(); ++at) {
    SCOPED_TRACE(at);
    expect_item(
        parse_pieces({std::string_view(wire).substr(0, at), std::string_view(wire).substr(at)}));
  }
}

TEST(ImapPartialBody, ByteByByte) {
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < wire.size(); ++i)
    bytes.push_back(std::string_view(wire).substr(i, 1));
  expect_item(parse_pieces(bytes));
}

TEST(ImapPartialBody, EmptyAndNilBodies) {
  auto responses =
      parse_pieces({"* 1 FETCH (UID 5 BODY[TEXT]<0> {0}\r\n)\r\n"
                    "* 2 FETCH (UID 6 BODY[TEXT]<0> NIL)\r\n"});
  ASSERT_EQ(responses.size(), 2u);
  for (const auto& response : responses) {
    auto item = parse_fetch(response);
    ASSERT_TRUE(item) << item.error().to_string();
    ASSERT_EQ(item->body_sections.count("TEXT<0>"), 1u);
    EXPECT_EQ(item->body_sections.at("TEXT<0>"), "");
  }
}

}  // namespace
}  // namespace nachfass::imap
