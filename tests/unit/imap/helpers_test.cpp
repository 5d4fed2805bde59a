// SequenceSet, modified UTF-7 mailbox names, argument quoting and CommandBuilder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imap/parser/command.hpp"
#include "imap/parser/errors.hpp"
#include "imap/parser/mailbox_name.hpp"
#include "imap/parser/sequence_set.hpp"

namespace nachfass::imap {
namespace {

TEST(ImapSequenceSet, ParseAndFormatRows) {
  struct Row {
    const char* in;
    const char* out;
    std::uint64_t count;
  };
  for (const Row& row : std::vector<Row>{
           {"1", "1", 1},
           {"1:5,7,9:12", "1:5,7,9:12", 10},
           {"7,1:5,6", "1:7", 7},
           {"5:1", "1:5", 5},
           {"3,3,3", "3", 1},
           {"1:4294967295", "1:4294967295", 4294967295u},
           {"4294967295", "4294967295", 1},
           {"9:*", "9:4294967295", 4294967287u},
           {"*", "4294967295", 1},
           {"10:20,15:30,31", "10:31", 22},
       }) {
    auto set = SequenceSet::parse(row.in);
    ASSERT_TRUE(set) << row.in << set.error().to_string();
    EXPECT_EQ(set->to_string(), row.out) << row.in;
    EXPECT_EQ(set->count(), row.count) << row.in;
    auto again = SequenceSet::parse(set->to_string());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *set) << row.in;
  }
  for (const char* bad : {"", "0", "1:0", ",", "1,", ",1", "1::2", "a", "1:a", "-1", "+1",
                          "4294967296", "1 2", "1:2:3", "99999999999"}) {
    auto set = SequenceSet::parse(bad);
    ASSERT_FALSE(set) << bad;
    EXPECT_EQ(set.error().id, errors::bad_sequence_set) << bad;
  }
}

TEST(ImapSequenceSet, StarStandsForTheGivenMaximum) {
  auto set = SequenceSet::parse("1:5,7,9:*", 12);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->to_string(), "1:5,7,9:12");
  auto beyond = SequenceSet::parse("20:*", 12);  // "20:*" with 12 messages means 12:20
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->to_string(), "12:20");
}

TEST(ImapSequenceSet, HugeRangesAreNeverExpanded) {
  auto set = SequenceSet::parse("1:4294967295");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->ranges().size(), 1u);
  EXPECT_TRUE(set->contains(1));
  EXPECT_TRUE(set->contains(4294967295u));
  EXPECT_FALSE(set->contains(0));
  EXPECT_EQ(set->min(), 1u);
  EXPECT_EQ(set->max(), 4294967295u);
  // Iteration walks numbers lazily: take the first few and stop.
  std::vector<std::uint32_t> first;
  for (std::uint32_t uid : *set) {
    first.push_back(uid);
    if (first.size() == 3) break;
  }
  EXPECT_EQ(first, (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST(ImapSequenceSet, InsertFromAndIterate) {
  SequenceSet set;
  for (std::uint32_t uid : {5u, 1u, 2u, 3u, 9u, 4u, 11u, 10u}) set.insert(uid);
  EXPECT_EQ(set.to_string(), "1:5,9:11");
  set.insert(7, 6);
  EXPECT_EQ(set.to_string(), "1:7,9:11");
  set.insert(8);
  EXPECT_EQ(set.to_string(), "1:11");
  set.insert(4294967295u);
  set.insert(4294967294u);
  EXPECT_EQ(set.to_string(), "1:11,4294967294:4294967295");

  const SequenceSet from = SequenceSet::from({30, 10, 11, 12, 30, 31, 1});
  EXPECT_EQ(from.to_string(), "1,10:12,30:31");
  std::vector<std::uint32_t> all(from.begin(), from.end());
  EXPECT_EQ(all, (std::vector<std::uint32_t>{1, 10, 11, 12, 30, 31}));
  EXPECT_EQ(SequenceSet().to_string(), "");
  EXPECT_EQ(SequenceSet().begin(), SequenceSet().end());

  // Ascending inserts of 100k UIDs with gaps stay cheap and compact.
  SequenceSet many;
  for (std::uint32_t uid = 1; uid <= 200'000; ++uid)
    if (uid % 1000 != 0) many.insert(uid);
  EXPECT_EQ(many.ranges().size(), 200u);  // 1:999,1001:1999,...,199001:199999
  EXPECT_EQ(many.count(), 199'800u);
}

TEST(ImapSequenceSet, SplitForLongCommandLines) {
  SequenceSet set;
  for (std::uint32_t uid = 1; uid <= 100; uid += 2) set.insert(uid);
  const auto parts = set.to_strings(20);
  std::string joined;
  for (const std::string& part : parts) {
    EXPECT_LE(part.size(), 20u) << part;
    auto parsed = SequenceSet::parse(part);
    ASSERT_TRUE(parsed) << part;
    if (!joined.empty()) joined += ',';
    joined += part;
  }
  EXPECT_EQ(joined, set.to_string());
  EXPECT_GT(parts.size(), 1u);
}

TEST(ImapSequenceSet, RangesInServerOrder) {
  auto ranges = SequenceSet::parse_ranges("304,319:320,3:1");
  ASSERT_TRUE(ranges);
  EXPECT_EQ(*ranges, (std::vector<SequenceSet::Range>{{304, 304}, {319, 320}, {1, 3}}));
}

TEST(ImapMailboxName, ModifiedUtf7Table) {
  struct Row {
    const char* wire;
    const char* utf8;
  };
  for (const Row& row : std::vector<Row>{
           {"INBOX", "INBOX"},
           {"", ""},
           {"Entw&APw-rfe", "Entw\xC3\xBCrfe"},
           {"&-", "&"},
           {"Tom &- Jerry", "Tom & Jerry"},
           {"~peter/mail/&U,BTFw-/&ZeVnLIqe-",
            "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"},
           {"Gesendete Objekte", "Gesendete Objekte"},
           {"&AMQA1gDc-", "\xC3\x84\xC3\x96\xC3\x9C"},  // ÄÖÜ
           {"&2D3eAA-", "\xF0\x9F\x98\x80"},            // U+1F600, a surrogate pair
           {"a&AAk-b", "a\tb"},                         // control characters are encoded
           {"&AOk-t&AOk-", "\xC3\xA9t\xC3\xA9"},
       }) {
    auto decoded = decode_mailbox_name(row.wire);
    ASSERT_TRUE(decoded) << row.wire << decoded.error().to_string();
    EXPECT_EQ(*decoded, row.utf8) << row.wire;
    auto encoded = encode_mailbox_name(row.utf8);
    ASSERT_TRUE(encoded) << row.wire;
    EXPECT_EQ(*encoded, row.wire) << row.wire;
  }
  // Accepted although an encoder must not produce it: ASCII inside a base64 run.
  EXPECT_EQ(decode_mailbox_name("&AGEAYg-").value(), "ab");

  for (const char* bad : {"&", "&U,BTFw", "&U,BTF-", "&U,BTFx-", "&!-", "a\xC3\xBC", "a\tb",
                          "&2D0-", "&3gA-", "&AAA-", "&A-", "caf\x7f"}) {
    auto decoded = decode_mailbox_name(bad);
    ASSERT_FALSE(decoded) << bad;
    EXPECT_EQ(decoded.error().id, errors::bad_mailbox_name) << bad;
  }
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF8\x88\x80\x80\x80", "a\xFF"}) {
    auto encoded = encode_mailbox_name(bad);
    ASSERT_FALSE(encoded) << bad;
    EXPECT_EQ(encoded.error().id, errors::bad_mailbox_name);
  }
  EXPECT_FALSE(encode_mailbox_name(std::string_view("a\0b", 3)));
}

TEST(ImapArguments, AstringQuotingTable) {
  using Form = EncodedArgument::Form;
  struct Row {
    std::string value;
    ArgumentOptions options;
    Form form;
    std::string text;
    bool synchronising;
  };
  const ArgumentOptions plain{};
  const ArgumentOptions literal_plus{SIZE_MAX, false};
  const ArgumentOptions literal_minus{4096, false};
  const ArgumentOptions utf8{0, true};
  for (const Row& row : std::vector<Row>{
           {"INBOX", plain, Form::atom, "INBOX", false},
           {"Entw&APw-rfe", plain, Form::atom, "Entw&APw-rfe", false},
           {"a.b/c-d_e~f", plain, Form::atom, "a.b/c-d_e~f", false},
           {"", plain, Form::quoted, "\"\"", false},
           {"NIL", plain, Form::quoted, "\"NIL\"", false},
           {"nil", plain, Form::quoted, "\"nil\"", false},
           {"Gesendete Elemente", plain, Form::quoted, "\"Gesendete Elemente\"", false},
           {"say \"hi\"", plain, Form::quoted, "\"say \\\"hi\\\"\"", false},
           {"C:\\temp", plain, Form::quoted, "\"C:\\\\temp\"", false},
           {"a(b)", plain, Form::quoted, "\"a(b)\"", false},
           {"50%", plain, Form::quoted, "\"50%\"", false},
           {"x*", plain, Form::quoted, "\"x*\"", false},
           {"[x]", plain, Form::quoted, "\"[x]\"", false},
           {"{5}", plain, Form::quoted, "\"{5}\"", false},
           {"Gr\xC3\xBC\xC3\x9F"
            "e",
            plain, Form::literal, "{7}", true},
           {"Gr\xC3\xBC\xC3\x9F"
            "e",
            utf8, Form::quoted,
            "\"Gr\xC3\xBC\xC3\x9F"
            "e\"",
            false},
           {"bad \xFF utf8", utf8, Form::literal, "{10}", true},
           {"two\r\nlines", plain, Form::literal, "{10}", true},
           {"tab\there", plain, Form::literal, "{8}", true},
           {"two\r\nlines", literal_plus, Form::literal, "{10+}", false},
           {"two\r\nlines", literal_minus, Form::literal, "{10+}", false},
           {std::string(5000, '\n'), literal_minus, Form::literal, "{5000}", true},
       }) {
    auto encoded = encode_astring(row.value, row.options);
    ASSERT_TRUE(encoded) << row.value;
    EXPECT_EQ(encoded->form, row.form) << row.value;
    EXPECT_EQ(encoded->text, row.text) << row.value;
    EXPECT_EQ(encoded->synchronising, row.synchronising) << row.value;
    if (row.form == Form::literal) {
      EXPECT_EQ(encoded->literal, row.value);
    }
  }
  auto nul = encode_astring(std::string_view("a\0b", 3));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().id, errors::bad_command_argument);
  auto string = encode_string("INBOX");
  ASSERT_TRUE(string);
  EXPECT_EQ(string->text, "\"INBOX\"");
}

TEST(ImapCommandBuilder, CommandsAndContinuations) {
  auto fetch = CommandBuilder("A7", "UID FETCH")
                   .sequence_set(SequenceSet::from({1, 2, 3, 4, 5, 7}))
                   .begin_list()
                   .atom("UID")
                   .atom("FLAGS")
                   .atom("BODY.PEEK[HEADER.FIELDS")
                   .begin_list()
                   .atom("REFERENCES")
                   .atom("IN-REPLY-TO")
                   .end_list()
                   .atom("]")
                   .end_list()
                   .begin_list()
                   .atom("CHANGEDSINCE")
                   .number(12345)
                   .atom("VANISHED")
                   .end_list()
                   .build();
  ASSERT_TRUE(fetch) << fetch.error().to_string();
  EXPECT_EQ(fetch->wire(),
            "A7 UID FETCH 1:5,7 (UID FLAGS BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO) ]) "
            "(CHANGEDSINCE 12345 VANISHED)\r\n");
  EXPECT_FALSE(fetch->needs_continuation());

  auto select = CommandBuilder("A3", "SELECT")
                    .mailbox("Entw\xC3\xBCrfe")
                    .begin_list()
                    .atom("QRESYNC")
                    .begin_list()
                    .number(3857529045)
                    .number(20010715194032001)
                    .end_list()
                    .end_list()
                    .build();
  ASSERT_TRUE(select);
  EXPECT_EQ(select->wire(), "A3 SELECT Entw&APw-rfe (QRESYNC (3857529045 20010715194032001))\r\n");

  auto inbox = CommandBuilder("A4", "EXAMINE").mailbox("inbox").build();
  ASSERT_TRUE(inbox);
  EXPECT_EQ(inbox->wire(), "A4 EXAMINE INBOX\r\n");
  auto utf8 = CommandBuilder("A5", "SELECT", {0, true}).mailbox("Entw\xC3\xBCrfe").build();
  ASSERT_TRUE(utf8);
  EXPECT_EQ(utf8->wire(), "A5 SELECT \"Entw\xC3\xBCrfe\"\r\n");
  auto spaced = CommandBuilder("A6", "LIST").string("").mailbox("Gesendete Elemente").build();
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->wire(), "A6 LIST \"\" \"Gesendete Elemente\"\r\n");

  // A synchronising literal splits the command: the client waits for "+" before each part.
  const std::string message = "From: a@b.de\r\nSubject: x\r\n\r\nHallo\r\n";
  auto append = CommandBuilder("A8", "APPEND")
                    .mailbox("Drafts")
                    .begin_list()
                    .atom("\\Draft")
                    .end_list()
                    .literal(message)
                    .build();
  ASSERT_TRUE(append);
  ASSERT_EQ(append->parts.size(), 2u);
  EXPECT_TRUE(append->needs_continuation());
  EXPECT_EQ(message.size(), 35u);
  EXPECT_EQ(append->parts[0], "A8 APPEND Drafts (\\Draft) {35}\r\n");
  EXPECT_EQ(append->parts[1], message + "\r\n");

  auto login = CommandBuilder("A1", "LOGIN").astring("anna").astring("p\xC3\xA4ss\"word").build();
  ASSERT_TRUE(login);
  EXPECT_EQ(login->parts,
            (std::vector<std::string>{"A1 LOGIN anna {10}\r\n", "p\xC3\xA4ss\"word\r\n"}));

  auto plus =
      CommandBuilder("A9", "APPEND", {SIZE_MAX, false}).mailbox("Drafts").literal(message).build();
  ASSERT_TRUE(plus);
  EXPECT_EQ(plus->parts,
            (std::vector<std::string>{"A9 APPEND Drafts {35+}\r\n" + message + "\r\n"}));

  for (auto bad : {CommandBuilder("A1", "SELECT").atom("x\r\nA2 DELETE INBOX").build(),
                   CommandBuilder("A1", "SELECT").astring(std::string_view("a\0b", 3)).build(),
                   CommandBuilder("A1", "APPEND").literal(std::string_view("a\0b", 3)).build(),
                   CommandBuilder("A1", "SELECT").mailbox("bad \xFF").build(),
                   CommandBuilder("A1", "FETCH").sequence_set(SequenceSet()).build(),
                   CommandBuilder("", "NOOP").build(), CommandBuilder("A+1", "NOOP").build(),
                   CommandBuilder("A1", "NOOP\r\n").build()}) {
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().id, errors::bad_command_argument);
  }

  TagGenerator tags("N");
  EXPECT_EQ(tags.next(), "N1");
  EXPECT_EQ(tags.next(), "N2");
}

}  // namespace
}  // namespace nachfass::imap
