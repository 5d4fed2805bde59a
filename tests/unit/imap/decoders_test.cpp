// Typed decoders: FETCH, CAPABILITY, ENABLED, LIST/LSUB, STATUS, SELECT, SEARCH/ESEARCH,
// VANISHED, APPENDUID/COPYUID. Every input is parsed through the split matrix first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imap/parser/errors.hpp"
#include "imap/parser/fetch.hpp"
#include "imap/parser/responses.hpp"
#include "imap_test_support.hpp"

namespace nachfass::imap {
namespace {

using Kind = Address::Kind;

const std::string kHeaderFields =
    "References: <a1@mail.example> <b2@mail.example>\r\n"
    "In-Reply-To: <b2@mail.example>\r\n"
    "List-ID: <sales.example.com>\r\n\r\n";

const std::string kDovecotFetch =
    "* 1 FETCH (UID 4 MODSEQ (7) FLAGS (\\Seen $Forwarded) INTERNALDATE "
    "\"23-Nov-2026 09:30:00 +0100\" RFC822.SIZE 4286 ENVELOPE (\"Mon, 23 Nov 2026 09:30:00 "
    "+0100\" " +
    literal("Re: Angebot \"Q3\" f\xC3\xBCr Anna") +
    " ((\"Anna M\xC3\xBCller\" NIL \"anna\" \"kunde.example\")) NIL "
    "((\"Keller, \\\"Sabine\\\" \\\\ S.\" NIL \"s.keller\" \"kunde.example\")) "
    "((NIL NIL \"vertrieb\" \"firma.example\")) NIL NIL \"<b2@mail.example>\" "
    "\"<c3@kunde.example>\") BODY[HEADER.FIELDS (REFERENCES IN-REPLY-TO LIST-ID)] " +
    literal(kHeaderFields) + " EMAILID (M6d99ac3275bb4e) X-GM-THRID 1278455344230334865)\r\n";

Result<FetchItem> fetch_of(const std::string& input) {
  return parse_fetch(parse_one(input));
}

TEST(ImapFetch, Rfc3501SampleFetchFull) {
  auto item = fetch_of(kRfc3501Fetch);
  ASSERT_TRUE(item) << item.error().to_string();
  EXPECT_EQ(item->seq, 12u);
  EXPECT_FALSE(item->uid);
  EXPECT_EQ(item->flags, (std::vector<std::string>{"\\Seen"}));
  ASSERT_TRUE(item->internaldate);
  EXPECT_EQ(item->internaldate->utc_seconds, 837596665);  // 1996-07-17T09:44:25Z
  EXPECT_EQ(item->internaldate->utc_offset_minutes, -420);
  EXPECT_EQ(item->rfc822_size, 4286u);
  ASSERT_TRUE(item->envelope);
  const Envelope& env = *item->envelope;
  EXPECT_EQ(env.date, "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)");
  EXPECT_EQ(env.subject, "IMAP4rev1 WG mtg summary and minutes");
  const Address gray{Kind::mailbox, "Terry Gray", "", "gray", "cac.washington.edu"};
  EXPECT_EQ(env.from, std::vector<Address>{gray});
  EXPECT_EQ(env.sender, std::vector<Address>{gray});
  EXPECT_EQ(env.reply_to, std::vector<Address>{gray});
  EXPECT_EQ(env.to, (std::vector<Address>{{Kind::mailbox, "", "", "imap", "cac.washington.edu"}}));
  EXPECT_EQ(env.cc,
            (std::vector<Address>{{Kind::mailbox, "", "", "minutes", "CNRI.Reston.VA.US"},
                                  {Kind::mailbox, "John Klensin", "", "KLENSIN", "MIT.EDU"}}));
  EXPECT_TRUE(env.bcc.empty());
  EXPECT_FALSE(env.in_reply_to);
  EXPECT_EQ(env.message_id, "<B27397-0100000@cac.washington.edu>");
  ASSERT_EQ(item->other.size(), 1u);
  EXPECT_EQ(item->other[0].first, "BODY");
  EXPECT_TRUE(item->other[0].second.is_list());
  EXPECT_TRUE(item->body_sections.empty());
}

TEST(ImapFetch, DovecotFetchWithLiteralSubjectEscapesAndHeaderFields) {
  const Response response = parse_one(kDovecotFetch);
  auto item = parse_fetch(response);
  ASSERT_TRUE(item) << item.error().to_string();
  EXPECT_EQ(item->seq, 1u);
  EXPECT_EQ(item->uid, 4u);
  EXPECT_EQ(item->modseq, 7u);
  EXPECT_EQ(item->flags, (std::vector<std::string>{"\\Seen", "$Forwarded"}));
  EXPECT_EQ(item->internaldate, (InternalDate{1795422600, 60}));
  ASSERT_TRUE(item->envelope);
  EXPECT_EQ(item->envelope->subject, "Re: Angebot \"Q3\" f\xC3\xBCr Anna");
  EXPECT_EQ(item->envelope->from[0].name,
            "Anna M\xC3\xBC"
            "ller");
  EXPECT_TRUE(item->envelope->sender.empty());
  EXPECT_EQ(item->envelope->reply_to[0].name, "Keller, \"Sabine\" \\ S.");
  EXPECT_EQ(item->envelope->in_reply_to, "<b2@mail.example>");
  ASSERT_EQ(item->body_sections.size(), 1u);
  EXPECT_EQ(item->body_sections.begin()->first, "HEADER.FIELDS (REFERENCES IN-REPLY-TO LIST-ID)");
  const std::string* headers = item->body_section("header.fields (References In-Reply-To List-ID)");
  ASSERT_NE(headers, nullptr);
  EXPECT_EQ(*headers, kHeaderFields);
  EXPECT_EQ(item->body_section("HEADER.FIELDS (REFERENCES)"), nullptr);
  ASSERT_EQ(item->other.size(), 2u);
  EXPECT_EQ(item->other[0].first, "EMAILID");
  EXPECT_EQ(item->other[1].first, "X-GM-THRID");
  EXPECT_EQ(item->other[1].second.number(), 1278455344230334865u);

  // The rvalue overload gives the same record and takes the strings out of the response.
  Response copy = response;
  auto moved = parse_fetch(std::move(copy));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->body_sections, item->body_sections);
  EXPECT_EQ(moved->envelope, item->envelope);
  EXPECT_EQ(moved->flags, item->flags);
}

TEST(ImapFetch, EnvelopeGroupsAndNils) {
  auto item = fetch_of(
      "* 3 FETCH (ENVELOPE (NIL NIL NIL NIL NIL "
      "((NIL NIL \"Vertrieb\" NIL)(\"Anna\" NIL \"anna\" \"x.de\")(NIL NIL \"bob\" \"y.de\")"
      "(NIL NIL NIL NIL)) "
      "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL))\r\n");
  ASSERT_TRUE(item) << item.error().to_string();
  const Envelope& env = *item->envelope;
  EXPECT_FALSE(env.date);
  EXPECT_FALSE(env.subject);
  EXPECT_FALSE(env.message_id);
  EXPECT_TRUE(env.from.empty());
  EXPECT_EQ(env.to, (std::vector<Address>{{Kind::group_start, "", "", "Vertrieb", ""},
                                          {Kind::mailbox, "Anna", "", "anna", "x.de"},
                                          {Kind::mailbox, "", "", "bob", "y.de"},
                                          {Kind::group_end, "", "", "", ""}}));
  EXPECT_EQ(env.cc, (std::vector<Address>{{Kind::group_start, "", "", "undisclosed-recipients", ""},
                                          {Kind::group_end, "", "", "", ""}}));
}

TEST(ImapFetch, SectionsPartialsRfc822AndBinary) {
  auto item = fetch_of(
      "* 5 FETCH (BODY[]<0> {3}\r\nabc BODY[1.2.MIME] NIL BINARY[1] ~{2}\r\nxy "
      "BINARY.SIZE[1] 2 RFC822.HEADER {4}\r\nA: b RFC822.TEXT \"t\" "
      "BODY[HEADER.FIELDS (\"References\"   Subject)] {0}\r\n)\r\n");
  ASSERT_TRUE(item) << item.error().to_string();
  EXPECT_EQ(item->body_sections,
            (std::map<std::string, std::string>{{"<0>", "abc"},
                                                {"1.2.MIME", ""},
                                                {"HEADER", "A: b"},
                                                {"TEXT", "t"},
                                                {"HEADER.FIELDS (REFERENCES SUBJECT)", ""}}));
  EXPECT_EQ(item->binary_sections, (std::map<std::string, std::string>{{"1", "xy"}}));
  ASSERT_EQ(item->other.size(), 1u);
  EXPECT_EQ(item->other[0].first, "BINARY.SIZE[1]");
}

TEST(ImapFetch, InternalDates) {
  struct Row {
    const char* text;
    std::int64_t utc;
    int offset;
  };
  for (const Row& row : std::vector<Row>{
           {"17-Jul-1996 02:44:25 -0700", 837596665, -420},
           {" 7-Jul-1996 02:44:25 +0000", 836707465, 0},
           {"7-Jul-1996 02:44:25 +0000", 836707465, 0},
           {"07-jul-1996 02:44:25 +0000", 836707465, 0},
           {"29-Feb-2024 23:59:59 +1400", 1709200799, 840},
           {"31-Dec-1969 23:00:00 -0100", 0, -60},
       }) {
    auto date = parse_internal_date(row.text);
    ASSERT_TRUE(date) << row.text;
    EXPECT_EQ(date->utc_seconds, row.utc) << row.text;
    EXPECT_EQ(date->utc_offset_minutes, row.offset) << row.text;
  }
  for (const char* bad :
       {"", "30-Feb-2024 00:00:00 +0000", "29-Feb-2023 00:00:00 +0000",
        "17-Jux-1996 02:44:25 -0700", "17-Jul-96 02:44:25 -0700", "17-Jul-1996 24:00:00 +0000",
        "17-Jul-1996 02:44:25", "17-Jul-1996 02:44:25 -07:00", "17-Jul-1996 02:44:25 -0700 ",
        "0-Jul-1996 02:44:25 -0700", "17-Jul-1996 02:61:25 -0700", "17-Jul-1996T02:44:25 -0700"}) {
    auto date = parse_internal_date(bad);
    ASSERT_FALSE(date) << bad;
    EXPECT_EQ(date.error().id, errors::bad_date);
  }
}

TEST(ImapFetch, SectionNormalisation) {
  struct Row {
    const char* in;
    const char* out;
  };
  for (const Row& row : std::vector<Row>{
           {"", ""},
           {"header", "HEADER"},
           {"1.2.mime", "1.2.MIME"},
           {"header.fields (References In-Reply-To)", "HEADER.FIELDS (REFERENCES IN-REPLY-TO)"},
           {"HEADER.FIELDS  ( \"References\"\t\"In-Reply-To\" )",
            "HEADER.FIELDS (REFERENCES IN-REPLY-TO)"},
           {"HEADER.FIELDS.NOT (\"X Odd\")", "HEADER.FIELDS.NOT (\"X ODD\")"},
       }) {
    EXPECT_EQ(normalise_section(row.in), row.out) << row.in;
  }
}

TEST(ImapFetch, MalformedFetchResponses) {
  struct Row {
    const char* input;
    std::string_view id;
  };
  for (const Row& row : std::vector<Row>{
           {"* 1 FETCH (UID 0)\r\n", errors::bad_fetch},
           {"* 1 FETCH (UID 4294967296)\r\n", errors::bad_fetch},
           {"* 1 FETCH (UID -5)\r\n", errors::bad_fetch},
           {"* 1 FETCH (UID 99999999999999999999999)\r\n", errors::bad_fetch},
           {"* 1 FETCH (UID \"4\")\r\n", errors::bad_fetch},
           {"* 1 FETCH (FLAGS \\Seen)\r\n", errors::bad_fetch},
           {"* 1 FETCH (FLAGS (\"Seen\"))\r\n", errors::bad_fetch},
           {"* 1 FETCH (MODSEQ 7)\r\n", errors::bad_fetch},
           {"* 1 FETCH (MODSEQ (-1))\r\n", errors::bad_fetch},
           {"* 1 FETCH (MODSEQ (9223372036854775808))\r\n", errors::bad_fetch},
           {"* 1 FETCH (ENVELOPE (NIL))\r\n", errors::bad_fetch},
           {"* 1 FETCH (ENVELOPE (NIL NIL (NIL) NIL NIL NIL NIL NIL NIL NIL))\r\n",
            errors::bad_fetch},
           {"* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))\r\n",
            errors::bad_fetch},
           {"* 1 FETCH (ENVELOPE (() NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", errors::bad_fetch},
           {"* 1 FETCH (INTERNALDATE \"yesterday\")\r\n", errors::bad_fetch},
           {"* 1 FETCH (RFC822.SIZE big)\r\n", errors::bad_fetch},
           {"* 1 FETCH (UID)\r\n", errors::bad_fetch},
           {"* 1 FETCH UID 4\r\n", errors::bad_fetch},
           {"* 1 FETCH (BODY[] (a))\r\n", errors::bad_fetch},
           {"* 1 FETCH ((UID) 4)\r\n", errors::bad_fetch},
           {"* 1 EXISTS\r\n", errors::wrong_response},
           {"* FETCH (UID 4)\r\n", errors::wrong_response},
           {"* OK [UIDNEXT 4] x\r\n", errors::wrong_response},
           {"A1 OK FETCH completed\r\n", errors::wrong_response},
       }) {
    auto item = fetch_of(row.input);
    ASSERT_FALSE(item) << row.input;
    EXPECT_EQ(item.error().id, row.id) << row.input << item.error().to_string();
    EXPECT_EQ(item.error().scope, ErrorScope::item);
  }
}

TEST(ImapCapabilities, FromGreetingCodeAndFromData) {
  auto greeting = parse_capabilities(
      parse_one("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT LITERAL+ "
                "AUTH=PLAIN auth=xoauth2] Dovecot (Debian) ready.\r\n"));
  ASSERT_TRUE(greeting) << greeting.error().to_string();
  EXPECT_EQ(greeting->names,
            (std::vector<std::string>{"IMAP4REV1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE",
                                      "IDLE", "SORT", "LITERAL+", "AUTH=PLAIN", "AUTH=XOAUTH2"}));
  EXPECT_TRUE(greeting->has("literal+"));
  EXPECT_TRUE(greeting->has("IMAP4rev1"));
  EXPECT_FALSE(greeting->has("CONDSTORE"));
  EXPECT_EQ(greeting->auth_mechanisms(), (std::vector<std::string>{"PLAIN", "XOAUTH2"}));

  auto data = parse_capabilities(parse_one("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI\r\n"));
  ASSERT_TRUE(data);
  EXPECT_EQ(data->names, (std::vector<std::string>{"IMAP4REV1", "STARTTLS", "AUTH=GSSAPI"}));

  auto wrong = parse_capabilities(parse_one("* OK hello\r\n"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().id, errors::wrong_response);
  auto bad = parse_capabilities(parse_one("* CAPABILITY IMAP4rev1 (X)\r\n"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().id, errors::bad_capability);
  auto unparsed = parse_capabilities(parse_one("* OK [CAPABILITY IMAP4rev1 (X] hi\r\n"));
  ASSERT_FALSE(unparsed);
  EXPECT_EQ(unparsed.error().id, errors::bad_capability);
}

TEST(ImapEnabled, Names) {
  auto enabled = parse_enabled(parse_one("* ENABLED CONDSTORE qresync\r\n"));
  ASSERT_TRUE(enabled);
  EXPECT_EQ(*enabled, (std::vector<std::string>{"CONDSTORE", "QRESYNC"}));
  auto empty = parse_enabled(parse_one("* ENABLED\r\n"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(parse_enabled(parse_one("* CAPABILITY X\r\n")).error().id, errors::wrong_response);
}

TEST(ImapList, Rows) {
  struct Row {
    std::string input;
    std::vector<std::string> attributes;
    std::optional<char> delimiter;
    std::string raw_name;
    std::string name;
    SpecialUse use;
    bool selectable;
    bool lsub;
  };
  for (const Row& row : std::vector<Row>{
           {"* LIST (\\HasNoChildren \\Sent) \"/\" \"Gesendete Elemente\"\r\n",
            {"\\HasNoChildren", "\\Sent"},
            '/',
            "Gesendete Elemente",
            "Gesendete Elemente",
            SpecialUse::sent,
            true,
            false},
           {"* LIST (\\HasNoChildren \\Drafts) \".\" \"Entw&APw-rfe\"\r\n",
            {"\\HasNoChildren", "\\Drafts"},
            '.',
            "Entw&APw-rfe",
            "Entw\xC3\xBCrfe",
            SpecialUse::drafts,
            true,
            false},
           {"* LIST () \"/\" ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n",
            {},
            '/',
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-",
            "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
            SpecialUse::none,
            true,
            false},
           {"* LIST (\\Noselect \\HasChildren) \"/\" ~/Mail/foo\r\n",
            {"\\Noselect", "\\HasChildren"},
            '/',
            "~/Mail/foo",
            "~/Mail/foo",
            SpecialUse::none,
            false,
            false},
           {"* LIST (\\NonExistent) \"/\" gone\r\n",
            {"\\NonExistent"},
            '/',
            "gone",
            "gone",
            SpecialUse::none,
            false,
            false},
           {"* LIST (\\Trash \\HasNoChildren) \".\" \"INBOX.Papierkorb\"\r\n",
            {"\\Trash", "\\HasNoChildren"},
            '.',
            "INBOX.Papierkorb",
            "INBOX.Papierkorb",
            SpecialUse::trash,
            true,
            false},
           {"* LIST (\\junk) \"/\" Spam\r\n",
            {"\\junk"},
            '/',
            "Spam",
            "Spam",
            SpecialUse::junk,
            true,
            false},
           {"* LIST () NIL inbox\r\n",
            {},
            std::nullopt,
            "inbox",
            "INBOX",
            SpecialUse::none,
            true,
            false},
           {"* LIST () \"\\\\\" {11}\r\nfoo\\bar baz\r\n",
            {},
            '\\',
            "foo\\bar baz",
            "foo\\bar baz",
            SpecialUse::none,
            true,
            false},
           {"* LIST () \"/\" \"Entw\xC3\xBCrfe\"\r\n",
            {},
            '/',
            "Entw\xC3\xBCrfe",
            "Entw\xC3\xBCrfe",
            SpecialUse::none,
            true,
            false},
           {"* LIST () \"/\" \"half&Jjo\"\r\n",
            {},
            '/',
            "half&Jjo",
            "half&Jjo",
            SpecialUse::none,
            true,
            false},
           {"* LIST () \"/\" foo[bar]\r\n",
            {},
            '/',
            "foo[bar]",
            "foo[bar]",
            SpecialUse::none,
            true,
            false},
           {"* LIST () \"/\" BODY[x]\r\n",
            {},
            '/',
            "BODY[x]",
            "BODY[x]",
            SpecialUse::none,
            true,
            false},
           {"* LIST () \"/\" 2024\r\n", {}, '/', "2024", "2024", SpecialUse::none, true, false},
           {"* LSUB () \".\" #news.comp.mail.misc\r\n",
            {},
            '.',
            "#news.comp.mail.misc",
            "#news.comp.mail.misc",
            SpecialUse::none,
            true,
            true},
       }) {
    auto entry = parse_list(parse_one(row.input));
    ASSERT_TRUE(entry) << row.input << entry.error().to_string();
    EXPECT_EQ(entry->attributes, row.attributes) << row.input;
    EXPECT_EQ(entry->delimiter, row.delimiter) << row.input;
    EXPECT_EQ(entry->raw_name, row.raw_name) << row.input;
    EXPECT_EQ(entry->name, row.name) << row.input;
    EXPECT_EQ(entry->special_use(), row.use) << row.input;
    EXPECT_EQ(entry->selectable(), row.selectable) << row.input;
    EXPECT_EQ(entry->lsub, row.lsub) << row.input;
  }

  auto extended = parse_list(
      parse_one("* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"));
  ASSERT_TRUE(extended);
  ASSERT_EQ(extended->extended.size(), 1u);
  EXPECT_EQ(describe(extended->extended[0]), "(\"CHILDINFO\" (\"SUBSCRIBED\"))");

  for (const char* bad : {"* LIST () \"//\" x\r\n", "* LIST x \"/\" y\r\n", "* LIST ()\r\n",
                          "* LIST (\"a\") \"/\" y\r\n", "* LIST () \"/\" (y)\r\n"}) {
    auto entry = parse_list(parse_one(bad));
    ASSERT_FALSE(entry) << bad;
    EXPECT_EQ(entry.error().id, errors::bad_list) << bad;
  }
  EXPECT_EQ(parse_list(parse_one("* STATUS x (MESSAGES 1)\r\n")).error().id,
            errors::wrong_response);
}

TEST(ImapStatus, Rows) {
  auto status = parse_status(parse_one(
      "* STATUS \"Entw&APw-rfe\" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 3857529045 UNSEEN 0 "
      "RECENT 1 HIGHESTMODSEQ 7011231777 SIZE 123456789012 X-UNKNOWN 5)\r\n"));
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ(status->raw_name, "Entw&APw-rfe");
  EXPECT_EQ(status->name, "Entw\xC3\xBCrfe");
  EXPECT_EQ(status->messages, 231u);
  EXPECT_EQ(status->uidnext, 44292u);
  EXPECT_EQ(status->uidvalidity, 3857529045u);
  EXPECT_EQ(status->unseen, 0u);
  EXPECT_EQ(status->recent, 1u);
  EXPECT_EQ(status->highestmodseq, 7011231777u);
  EXPECT_EQ(status->size, 123456789012u);

  for (const char* bad : {"* STATUS x (MESSAGES)\r\n", "* STATUS x (MESSAGES -1)\r\n",
                          "* STATUS x (MESSAGES 4294967296)\r\n", "* STATUS x MESSAGES 1\r\n",
                          "* STATUS (MESSAGES 1)\r\n", "* STATUS x ((MESSAGES) 1)\r\n"}) {
    auto result = parse_status(parse_one(bad));
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().id, errors::bad_status) << bad;
  }
}

TEST(ImapSelect, SummaryOfRfc3501AndDovecotQresyncSelect) {
  std::vector<Response> responses;
  expect_same_at_every_split(
      "* 172 EXISTS\r\n* 1 RECENT\r\n* OK [UNSEEN 12] Message 12 is first unseen\r\n"
      "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 4392] Predicted next UID\r\n"
      "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
      "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
      "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
      "* VANISHED (EARLIER) 41,43:116\r\n* 49 FETCH (UID 117 FLAGS (\\Seen) MODSEQ "
      "(90060115194045001))\r\n"
      "* OK [CLOSED] Previous mailbox closed\r\n"
      "A142 OK [READ-WRITE] SELECT completed\r\n",
      {}, &responses);
  ASSERT_EQ(responses.size(), 12u);
  SelectSummary summary;
  std::vector<bool> used;
  for (const Response& response : responses) {
    auto applied = summary.apply(response);
    ASSERT_TRUE(applied) << applied.error().to_string();
    used.push_back(*applied);
  }
  EXPECT_EQ(used, (std::vector<bool>{true, true, true, true, true, true, true, true, false, false,
                                     false, true}));
  EXPECT_EQ(summary.exists, 172u);
  EXPECT_EQ(summary.recent, 1u);
  EXPECT_EQ(summary.unseen, 12u);
  EXPECT_EQ(summary.uidvalidity, 3857529045u);
  EXPECT_EQ(summary.uidnext, 4392u);
  EXPECT_EQ(summary.highestmodseq, 715194045007u);
  EXPECT_FALSE(summary.nomodseq);
  EXPECT_EQ(summary.flags, (std::vector<std::string>{"\\Answered", "\\Flagged", "\\Deleted",
                                                     "\\Seen", "\\Draft"}));
  EXPECT_EQ(summary.permanent_flags, (std::vector<std::string>{"\\Deleted", "\\Seen", "\\*"}));
  EXPECT_EQ(summary.read_only, false);

  SelectSummary examine;
  ASSERT_TRUE(examine.apply(parse_one("* OK [NOMODSEQ] No modseqs\r\n")));
  ASSERT_TRUE(examine.apply(parse_one("A1 OK [READ-ONLY] EXAMINE completed\r\n")));
  EXPECT_TRUE(examine.nomodseq);
  EXPECT_EQ(examine.read_only, true);

  for (const char* bad : {"* OK [UIDVALIDITY x] bad\r\n", "* OK [UIDVALIDITY 0] bad\r\n",
                          "* OK [UIDNEXT 4294967296] bad\r\n", "* OK [HIGHESTMODSEQ] bad\r\n",
                          "* OK [PERMANENTFLAGS \\Seen] bad\r\n"}) {
    SelectSummary s;
    auto result = s.apply(parse_one(bad));
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().id, errors::bad_response_code) << bad;
  }
  SelectSummary s;
  EXPECT_EQ(s.apply(parse_one("* FLAGS \\Seen\r\n")).error().id, errors::bad_status);
}

TEST(ImapSearch, SearchAndEsearchRows) {
  auto plain = parse_search(parse_one("* SEARCH 2 84 882 3 4\r\n"));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->esearch);
  EXPECT_EQ(plain->all.to_string(), "2:4,84,882");
  EXPECT_FALSE(plain->modseq);

  auto empty = parse_search(parse_one("* SEARCH\r\n"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->all.empty());

  auto condstore =
      parse_search(parse_one("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n"));
  ASSERT_TRUE(condstore);
  EXPECT_EQ(condstore->all.to_string(), "2,5:7,11:12,18:20,23");
  EXPECT_EQ(condstore->modseq, 917162500u);

  auto esearch =
      parse_search(parse_one("* ESEARCH (TAG \"A282\") UID ALL 1:3,5 MODSEQ 917162500\r\n"));
  ASSERT_TRUE(esearch) << esearch.error().to_string();
  EXPECT_TRUE(esearch->esearch);
  EXPECT_EQ(esearch->tag, "A282");
  EXPECT_TRUE(esearch->uid);
  EXPECT_EQ(esearch->all.to_string(), "1:3,5");
  EXPECT_EQ(esearch->modseq, 917162500u);
  EXPECT_FALSE(esearch->count);

  auto counts = parse_search(parse_one("* ESEARCH (TAG \"A283\") MIN 2 MAX 47 COUNT 3 ALL 2\r\n"));
  ASSERT_TRUE(counts);
  EXPECT_FALSE(counts->uid);
  EXPECT_EQ(counts->min, 2u);
  EXPECT_EQ(counts->max, 47u);
  EXPECT_EQ(counts->count, 3u);
  EXPECT_EQ(counts->all.to_string(), "2");

  auto nothing = parse_search(parse_one("* ESEARCH (TAG \"A284\") UID COUNT 0\r\n"));
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->count, 0u);
  auto bare = parse_search(parse_one("* ESEARCH\r\n"));
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->tag);

  auto extension = parse_search(parse_one("* ESEARCH UID PARTIAL (1:10 1:3) COUNT 3\r\n"));
  ASSERT_TRUE(extension);
  EXPECT_EQ(extension->count, 3u);

  for (const char* bad :
       {"* SEARCH 2 x\r\n", "* SEARCH 0\r\n", "* SEARCH 4294967296\r\n", "* SEARCH (MODSEQ x)\r\n",
        "* ESEARCH (TAG) ALL 1\r\n", "* ESEARCH ALL\r\n", "* ESEARCH ALL 1:*\r\n",
        "* ESEARCH ALL 0:3\r\n", "* ESEARCH MIN 0\r\n", "* ESEARCH COUNT x\r\n",
        "* ESEARCH MODSEQ (1)\r\n", "* ESEARCH \"ALL\" 1\r\n"}) {
    auto result = parse_search(parse_one(bad));
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().id, errors::bad_search) << bad;
  }
  EXPECT_EQ(parse_search(parse_one("* 3 EXISTS\r\n")).error().id, errors::wrong_response);
}

TEST(ImapVanished, EarlierAndPlain) {
  auto earlier =
      parse_vanished(parse_one("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"));
  ASSERT_TRUE(earlier) << earlier.error().to_string();
  EXPECT_TRUE(earlier->earlier);
  EXPECT_EQ(earlier->uids.count(), 495u);
  EXPECT_EQ(earlier->uids.to_string(), "41,43:116,118,120:211,214:540");
  EXPECT_TRUE(earlier->uids.contains(300));
  EXPECT_FALSE(earlier->uids.contains(117));

  auto plain = parse_vanished(parse_one("* VANISHED 405,407,410:425\r\n"));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->earlier);
  EXPECT_EQ(plain->uids.count(), 18u);
  auto single = parse_vanished(parse_one("* VANISHED 7\r\n"));
  ASSERT_TRUE(single);
  EXPECT_EQ(single->uids.to_string(), "7");

  for (const char* bad :
       {"* VANISHED (LATER) 1\r\n", "* VANISHED 1:*\r\n", "* VANISHED\r\n", "* VANISHED 0\r\n",
        "* VANISHED (EARLIER)\r\n", "* VANISHED 1 2\r\n", "* VANISHED \"1\"\r\n"}) {
    auto result = parse_vanished(parse_one(bad));
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().id, errors::bad_vanished) << bad;
  }
}

TEST(ImapUidplus, AppendUidAndCopyUid) {
  auto append = parse_appenduid(parse_one("A1 OK [APPENDUID 38505 3955] APPEND completed\r\n"));
  ASSERT_TRUE(append) << append.error().to_string();
  EXPECT_EQ(append->uidvalidity, 38505u);
  EXPECT_EQ(append->uids.to_string(), "3955");
  auto multi = parse_appenduid(parse_one("A1 OK [APPENDUID 38505 3955:3957] APPEND completed\r\n"));
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->uids.count(), 3u);

  auto copy = parse_copyuid(parse_one("A2 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"));
  ASSERT_TRUE(copy) << copy.error().to_string();
  EXPECT_EQ(copy->uidvalidity, 38505u);
  EXPECT_EQ(copy->destination_for(304), 3956u);
  EXPECT_EQ(copy->destination_for(319), 3957u);
  EXPECT_EQ(copy->destination_for(320), 3958u);
  EXPECT_FALSE(copy->destination_for(305));
  // Server order is kept: the pairing is by position, not by value.
  auto unordered = parse_copyuid(parse_one("* OK [COPYUID 7 20,10 1:2] Moved\r\n"));
  ASSERT_TRUE(unordered);
  EXPECT_EQ(unordered->destination_for(20), 1u);
  EXPECT_EQ(unordered->destination_for(10), 2u);

  for (const char* bad : {"A1 OK [APPENDUID 38505] x\r\n", "A1 OK [APPENDUID 0 1] x\r\n",
                          "A1 OK [APPENDUID 1 1:*] x\r\n", "A1 OK [APPENDUID x 1] x\r\n"}) {
    auto result = parse_appenduid(parse_one(bad));
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().id, errors::bad_response_code) << bad;
  }
  for (const char* bad : {"A1 OK [COPYUID 1 1:3 5:6] x\r\n", "A1 OK [COPYUID 1 1] x\r\n",
                          "A1 OK [COPYUID 1 1 *] x\r\n"}) {
    auto result = parse_copyuid(parse_one(bad));
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().id, errors::bad_response_code) << bad;
  }
  EXPECT_EQ(parse_appenduid(parse_one("A1 OK done\r\n")).error().id, errors::wrong_response);
  EXPECT_EQ(parse_copyuid(parse_one("A1 OK [APPENDUID 1 2] done\r\n")).error().id,
            errors::wrong_response);
}

}  // namespace
}  // namespace nachfass::imap
