// ResponseParser: transcripts from RFC 3501 and Dovecot-style sessions, malformed input and the
// limits. Every row goes through the split matrix (imap_test_support.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imap/parser/errors.hpp"
#include "imap/parser/response_parser.hpp"
#include "imap_test_support.hpp"

namespace nachfass::imap {
namespace {

struct TranscriptRow {
  const char* name;
  std::string input;
  Events expected;
};

const std::string kHeaderFields =
    "References: <a1@mail.example> <b2@mail.example>\r\n"
    "In-Reply-To: <b2@mail.example>\r\n"
    "List-ID: <sales.example.com>\r\n"
    "\r\n";

std::vector<TranscriptRow> transcript_rows() {
  return {
      {"rfc3501_sample_select",
       "* OK IMAP4rev1 Service Ready\r\n"
       "a001 OK LOGIN completed\r\n"
       "* 18 EXISTS\r\n"
       "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
       "* 2 RECENT\r\n"
       "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n"
       "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
       "a002 OK [READ-WRITE] SELECT completed\r\n",
       {"* OK \"IMAP4rev1 Service Ready\"", "tagged a001 OK \"LOGIN completed\"", "* 18 EXISTS",
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", "* 2 RECENT",
        "* OK [UNSEEN #17] \"Message 17 is the first unseen message\"",
        "* OK [UIDVALIDITY #3857529045] \"UIDs valid\"",
        "tagged a002 OK [READ-WRITE] \"SELECT completed\""}},
      {"rfc3501_sample_fetch_full",
       kRfc3501Fetch + "a003 OK FETCH completed\r\n",
       {"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
        "RFC822.SIZE #4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
        "\"IMAP4rev1 WG mtg summary and minutes\" "
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        "((NIL NIL \"imap\" \"cac.washington.edu\")) "
        "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") "
        "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
        "\"<B27397-0100000@cac.washington.edu>\") "
        "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" #3028 #92))",
        "tagged a003 OK \"FETCH completed\""}},
      {"rfc3501_sample_body_header_literal",
       "* 12 FETCH (BODY[HEADER] " + literal("Subject: IMAP4rev1 WG mtg\r\n\r\n") +
           ")\r\n* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n"
           "* BYE IMAP4rev1 server terminating connection\r\n"
           "a006 OK LOGOUT completed\r\n",
       {"* 12 FETCH (BODY[HEADER] L\"Subject: IMAP4rev1 WG mtg\\x0D\\x0A\\x0D\\x0A\")",
        "* 12 FETCH (FLAGS (\\Seen \\Deleted))",
        "* BYE \"IMAP4rev1 server terminating connection\"",
        "tagged a006 OK \"LOGOUT completed\""}},
      {"dovecot_greeting_login_enable",
       "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
       "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
       "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS "
       "BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE "
       "AUTH=PLAIN] Dovecot (Debian) ready.\r\n"
       "A1 OK [CAPABILITY IMAP4rev1 IDLE CONDSTORE QRESYNC LITERAL+] Logged in\r\n"
       "* ENABLED CONDSTORE QRESYNC\r\n"
       "A2 OK Enabled\r\n",
       {"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
        "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
        "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS "
        "BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE "
        "AUTH=PLAIN] \"Dovecot (Debian) ready.\"",
        "tagged A1 OK [CAPABILITY IMAP4rev1 IDLE CONDSTORE QRESYNC LITERAL+] \"Logged in\"",
        "* ENABLED CONDSTORE QRESYNC", "tagged A2 OK \"Enabled\""}},
      {"dovecot_select_qresync",
       "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent)\r\n"
       "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded "
       "$MDNSent \\*)] Flags permitted.\r\n"
       "* 3 EXISTS\r\n* 0 RECENT\r\n"
       "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
       "* OK [UIDNEXT 545] Predicted next UID\r\n"
       "* OK [HIGHESTMODSEQ 917162500] Highest\r\n"
       "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"
       "* 1 FETCH (UID 541 FLAGS (\\Seen) MODSEQ (917162488))\r\n"
       "A3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n",
       {"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent)",
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded "
        "$MDNSent \\*)] \"Flags permitted.\"",
        "* 3 EXISTS", "* 0 RECENT", "* OK [UIDVALIDITY #1700000000] \"UIDs valid\"",
        "* OK [UIDNEXT #545] \"Predicted next UID\"", "* OK [HIGHESTMODSEQ #917162500] \"Highest\"",
        "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540",
        "* 1 FETCH (UID #541 FLAGS (\\Seen) MODSEQ (#917162488))",
        "tagged A3 OK [READ-WRITE] \"Select completed (0.001 + 0.000 secs).\""}},
      {"dovecot_fetch_envelope_and_header_fields",
       "* 1 FETCH (UID 4 MODSEQ (7) FLAGS (\\Seen $Forwarded) INTERNALDATE "
       "\"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Mon, 23 Nov 2026 09:30:00 "
       "+0100\" " +
           literal("Re: Angebot \"Q3\" f\xC3\xBCr Anna") +
           " ((\"Anna M\xC3\xBCller\" NIL \"anna\" \"kunde.example\")) NIL NIL ((NIL NIL "
           "\"vertrieb\" \"firma.example\")) NIL NIL "
           "\"<b2@mail.example>\" \"<c3@kunde.example>\") BODY[HEADER.FIELDS (REFERENCES "
           "IN-REPLY-TO LIST-ID)] " +
           literal(kHeaderFields) + ")\r\n",
       {"* 1 FETCH (UID #4 MODSEQ (#7) FLAGS (\\Seen $Forwarded) INTERNALDATE "
        "\"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE #4286 ENVELOPE (\"Mon, 23 Nov 2026 09:30:00 "
        "+0100\" L\"Re: Angebot \\x22Q3\\x22 f\xC3\xBCr Anna\" ((\"Anna M\xC3\xBCller\" NIL "
        "\"anna\" \"kunde.example\")) NIL NIL ((NIL NIL \"vertrieb\" \"firma.example\")) NIL NIL "
        "\"<b2@mail.example>\" \"<c3@kunde.example>\") BODY[HEADER.FIELDS (REFERENCES "
        "IN-REPLY-TO LIST-ID)] L\"References: <a1@mail.example> <b2@mail.example>\\x0D\\x0A"
        "In-Reply-To: <b2@mail.example>\\x0D\\x0AList-ID: <sales.example.com>\\x0D\\x0A"
        "\\x0D\\x0A\")"}},
      {"quoted_escapes_and_utf8",
       "* 2 FETCH (ENVELOPE (NIL \"say \\\"hi\\\" \\\\ Gr\xC3\xBC\xC3\x9F"
       "e\" NIL NIL NIL NIL "
       "NIL NIL NIL NIL))\r\n",
       {"* 2 FETCH (ENVELOPE (NIL \"say \\x22hi\\x22 \\x5C Gr\xC3\xBC\xC3\x9F"
        "e\" NIL NIL NIL "
        "NIL NIL NIL NIL NIL))"}},
      {"unknown_escape_kept_as_sent",
       "* 3 FETCH (X \"C:\\temp\")\r\n",
       {"* 3 FETCH (X \"C:\\x5Ctemp\")"}},
      {"continuations",
       "+ idling\r\n+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTGnGMj\r\n+\r\n+ {5}\r\n",
       {"+ \"idling\"", "+ \"YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTGnGMj\"", "+ \"\"",
        "+ \"{5}\""}},
      {"uidplus_codes",
       "A1 OK [APPENDUID 38505 3955] APPEND completed\r\n"
       "A2 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"
       "A3 NO [TRYCREATE] Mailbox doesn't exist: Archiv\r\n",
       {"tagged A1 OK [APPENDUID #38505 #3955] \"APPEND completed\"",
        "tagged A2 OK [COPYUID #38505 304,319:320 3956:3958] \"Done\"",
        "tagged A3 NO [TRYCREATE] \"Mailbox doesn't exist: Archiv\""}},
      {"status_codes_and_text",
       "* BYE Autologout; idle for too long\r\n"
       "* OK [ALERT] System shutdown in 10 minutes\r\n"
       "* OK [CLOSED]\r\n"
       "* OK [NOMODSEQ] Sorry, modsequences have not been enabled on this mailbox\r\n"
       "A4 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
       "A5 NO [UNAVAILABLE] Temporary authentication failure.\r\n"
       "A6 OK [READ-ONLY] Examine completed\r\n"
       "A7 OK\r\n"
       "* NO Disk is 98% full, please delete unnecessary data\r\n"
       "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"
       "* OK [X-DOVECOT-THING a (b c)] unknown codes are kept\r\n"
       "* OK [REFERRAL imap://user;AUTH=*@SERVER2/] Try there\r\n"
       "* OK [BADCHARSET (UTF-8 \"half] broken\r\n"
       "* OK [not a code\r\n"
       "A8 BAD [PARSE]Missing space\r\n",
       {"* BYE \"Autologout; idle for too long\"", "* OK [ALERT] \"System shutdown in 10 minutes\"",
        "* OK [CLOSED] \"\"",
        "* OK [NOMODSEQ] \"Sorry, modsequences have not been enabled on this mailbox\"",
        "tagged A4 NO [AUTHENTICATIONFAILED] \"Authentication failed.\"",
        "tagged A5 NO [UNAVAILABLE] \"Temporary authentication failure.\"",
        "tagged A6 OK [READ-ONLY] \"Examine completed\"", "tagged A7 OK \"\"",
        "* NO \"Disk is 98% full, please delete unnecessary data\"",
        "* PREAUTH \"IMAP4rev1 server logged in as Smith\"",
        "* OK [X-DOVECOT-THING a (b c)] \"unknown codes are kept\"",
        "* OK [REFERRAL imap://user;AUTH=*@SERVER2/] \"Try there\"",
        "* OK [BADCHARSET ~(UTF-8 \"half~] \"broken\"", "* OK \"[not a code\"",
        "tagged A8 BAD [PARSE] \"Missing space\""}},
      {"status_text_ending_in_braces_is_no_literal",
       "A1 NO quota exceeded {5}\r\n* OK see {0}\r\n* 1 EXISTS\r\n",
       {"tagged A1 NO \"quota exceeded {5}\"", "* OK \"see {0}\"", "* 1 EXISTS"}},
      {"search_esearch_vanished",
       "* SEARCH 2 84 882\r\n* SEARCH\r\n* SEARCH 2 5 6 (MODSEQ 917162500)\r\n"
       "* ESEARCH (TAG \"A282\") UID ALL 1:3,5 MODSEQ 917162500\r\n"
       "* ESEARCH (TAG \"A283\") UID MIN 2 MAX 47 COUNT 3\r\n* VANISHED 405,407,410:425\r\n"
       "* VANISHED 7\r\n",
       {"* SEARCH #2 #84 #882", "* SEARCH", "* SEARCH #2 #5 #6 (MODSEQ #917162500)",
        "* ESEARCH (TAG \"A282\") UID ALL 1:3,5 MODSEQ #917162500",
        "* ESEARCH (TAG \"A283\") UID MIN #2 MAX #47 COUNT #3", "* VANISHED 405,407,410:425",
        "* VANISHED #7"}},
      {"list_lsub_status_namespace",
       "* LIST (\\HasNoChildren \\Sent) \"/\" \"Gesendete Elemente\"\r\n"
       "* LIST (\\HasNoChildren \\Drafts) \".\" \"Entw&APw-rfe\"\r\n"
       "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"
       "* LIST () NIL inbox\r\n"
       "* LIST () \"\\\\\" {11}\r\nfoo\\bar baz\r\n"
       "* LIST () \"/\" foo[bar]\r\n"
       "* LIST () \"/\" 2024\r\n"
       "* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"
       "* LSUB () \".\" #news.comp.mail.misc\r\n"
       "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)\r\n"
       "* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))\r\n",
       {"* LIST (\\HasNoChildren \\Sent) \"/\" \"Gesendete Elemente\"",
        "* LIST (\\HasNoChildren \\Drafts) \".\" \"Entw&APw-rfe\"",
        "* LIST (\\Noselect) \"/\" ~/Mail/foo", "* LIST () NIL inbox",
        "* LIST () \"\\x5C\" L\"foo\\x5Cbar baz\"", "* LIST () \"/\" foo[bar]",
        "* LIST () \"/\" #2024",
        "* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
        "* LSUB () \".\" #news.comp.mail.misc",
        "* STATUS blurdybloop (MESSAGES #231 UIDNEXT #44292 HIGHESTMODSEQ #7011231777)",
        "* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))"}},
      {"sections_partials_binary",
       "* 5 FETCH (BODY[]<0> {3}\r\nabc BODY[1.2.MIME] NIL BINARY[1] ~{4}\r\n" +
           std::string("x\0yz", 4) +
           " BINARY.SIZE[1] 4 BODY[HEADER.FIELDS (\"References\" Subject)] {0}\r\n)\r\n"
           "* 6 FETCH (BODY[TEXT] {2}\r\n\r\n BODY[HEADER] \"\")\r\n",
       {"* 5 FETCH (BODY[]<0> L\"abc\" BODY[1.2.MIME] NIL BINARY[1] L\"x\\x00yz\" BINARY.SIZE[1] "
        "#4 BODY[HEADER.FIELDS (\"References\" Subject)] L\"\")",
        "* 6 FETCH (BODY[TEXT] L\"\\x0D\\x0A\" BODY[HEADER] \"\")"}},
      {"lowercase_and_gmail_extensions",
       "* 3 exists\r\na1 ok done\r\n* 4 fetch (uid 9 X-GM-LABELS (\"\\\\Inbox\" \"\\\\Sent\") "
       "X-GM-THRID 1278455344230334865)\r\n",
       {"* 3 EXISTS", "tagged a1 OK \"done\"",
        "* 4 FETCH (uid #9 X-GM-LABELS (\"\\x5CInbox\" \"\\x5CSent\") X-GM-THRID "
        "#1278455344230334865)"}},
      {"numbers_at_the_edges",
       "* 4294967295 EXISTS\r\n* 0 EXISTS\r\n* 1 FETCH (UID 99999999999999999999999 X 007 "
       "Y 18446744073709551615 Z 18446744073709551616)\r\n",
       {"* 4294967295 EXISTS", "* 0 EXISTS",
        "* 1 FETCH (UID 99999999999999999999999 X #007 Y #18446744073709551615 Z "
        "18446744073709551616)"}},
      {"bodystructure_adjacent_lists",
       "* 7 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"8BIT\" "
       "12 1)(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 30 2) \"ALTERNATIVE\"))\r\n",
       {"* 7 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"8BIT\" "
        "#12 #1) (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" #30 #2) \"ALTERNATIVE\"))"}},
  };
}

TEST(ImapResponseParser, TranscriptsParseTheSameAtEverySplit) {
  for (const TranscriptRow& row : transcript_rows()) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(expect_same_at_every_split(row.input), row.expected);
  }
}

TEST(ImapResponseParser, WireFormRoundTrips) {
  for (const TranscriptRow& row : transcript_rows()) {
    SCOPED_TRACE(row.name);
    std::vector<Response> responses;
    parse_whole(row.input, {}, &responses);
    ASSERT_EQ(responses.size(), row.expected.size());
    for (const Response& response : responses) {
      std::vector<Response> again;
      const Events events = parse_whole(to_wire(response), {}, &again);
      ASSERT_EQ(again.size(), 1u) << to_wire(response) << ::testing::PrintToString(events);
      EXPECT_EQ(again.front(), response) << to_wire(response);
    }
  }
}

struct MalformedRow {
  const char* name;
  std::string input;
  Limits limits;
  Events expected;  // error ids ("error imap.syntax") and described responses
};

Limits small_limits() {
  Limits limits;
  limits.max_literal_bytes = 16;
  limits.max_line_bytes = 64;
  limits.max_response_bytes = 24;
  limits.max_depth = 8;
  return limits;
}

std::vector<MalformedRow> malformed_rows() {
  const std::string next = "* 2 EXISTS\r\n";
  const Limits small = small_limits();
  return {
      {"unbalanced_close",
       "* 1 FETCH (UID 4))\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"unbalanced_open", "* 1 FETCH (UID 4\r\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"unbalanced_open_after_literal",
       "* 1 FETCH (BODY[] {3}\r\nabc\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"literal_length_garbage",
       "* 1 FETCH (BODY[] {12a}\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"literal_length_negative",
       "* 1 FETCH (BODY[] {-3}\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"literal_marker_mid_line",
       "* 1 FETCH (BODY[] {3} abc)\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"literal_length_beyond_64_bits",
       "* 1 FETCH (BODY[] {18446744073709551616}\r\n" + next,
       {},
       {"error imap.desynchronised"}},
      {"literal_length_25_digits",
       "* 1 FETCH (BODY[] {1234567890123456789012345}\r\n" + next,
       {},
       {"error imap.desynchronised"}},
      {"negative_message_number",
       "* -1 EXISTS\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"message_number_beyond_32_bits",
       "* 4294967296 EXISTS\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"message_number_without_keyword", "* 5\r\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"bare_lf", "* OK fine\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"bare_cr_in_text", "* OK a\rb\r\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"missing_crlf_at_the_end", next + "* 3 EXISTS", {}, {"* 2 EXISTS"}},
      {"nul_in_text",
       std::string("* OK a\0b\r\n", 10) + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"nul_in_atom",
       std::string("* 1 FETCH (UID\0 4)\r\n", 20) + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"nul_in_quoted",
       std::string("* 1 FETCH (X \"a\0b\")\r\n", 21) + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"nul_in_tag",
       std::string("A\0 OK done\r\n", 12) + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"nul_in_literal_is_data",
       std::string("* 1 FETCH (BODY[] {3}\r\na\0b)\r\n", 29),
       {},
       {"* 1 FETCH (BODY[] L\"a\\x00b\")"}},
      {"empty_line", "\r\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"lonely_star",
       "*\r\n* \r\n" + next,
       {},
       {"error imap.syntax", "error imap.syntax", "* 2 EXISTS"}},
      {"tag_with_plus", "A+1 OK done\r\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"tag_with_8bit", "A\xC3\xBC OK done\r\n" + next, {}, {"error imap.syntax", "* 2 EXISTS"}},
      {"tagged_without_status",
       "A1 MAYBE done\r\nA2 PREAUTH x\r\n" + next,
       {},
       {"error imap.syntax", "error imap.syntax", "* 2 EXISTS"}},
      {"unterminated_quoted",
       "* LIST () \"/\" \"abc\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"unterminated_section",
       "* 1 FETCH (BODY[HEADER {3}\r\nabc)\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"bad_origin",
       "* 1 FETCH (BODY[]<x> NIL)\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"junk_after_section",
       "* 1 FETCH (BODY[]x NIL)\r\n" + next,
       {},
       {"error imap.syntax", "* 2 EXISTS"}},
      {"literal_shorter_than_announced_eats_the_next_line",
       "* 1 FETCH (BODY[] {5}\r\nab)\r\n" + next + "* 3 EXISTS\r\n",
       {},
       {"error imap.syntax", "* 3 EXISTS"}},
      {"depth_bomb",
       "* X " + std::string(1000, '(') + "\r\n" + next,
       {},
       {"error imap.too_deep", "* 2 EXISTS"}},
      {"depth_bomb_balanced",
       "* X " + std::string(65, '(') + std::string(65, ')') + "\r\n" + next,
       {},
       {"error imap.too_deep", "* 2 EXISTS"}},
      {"depth_at_the_limit",
       "* X " + std::string(8, '(') + std::string(8, ')') + "\r\n" + next,
       small,
       {"* X (((((((())))))))", "* 2 EXISTS"}},
      {"depth_over_the_limit",
       "* X " + std::string(9, '(') + std::string(9, ')') + "\r\n" + next,
       small,
       {"error imap.too_deep", "* 2 EXISTS"}},
      {"literal_over_the_limit",
       "* 1 FETCH (BODY[] {17}\r\n" + std::string(17, 'x') + ")\r\n" + next,
       small,
       {"error imap.literal_too_large", "* 2 EXISTS"}},
      {"literal_at_the_limit",
       "* 1 FETCH (BODY[] {16}\r\n" + std::string(16, 'x') + ")\r\n" + next,
       small,
       {"* 1 FETCH (BODY[] L\"xxxxxxxxxxxxxxxx\")", "* 2 EXISTS"}},
      {"literals_over_the_response_limit",
       "* 1 FETCH (A {12}\r\nabcdefghijkl B {13}\r\nabcdefghijklm)\r\n" + next,
       small,
       {"error imap.response_too_large", "* 2 EXISTS"}},
      {"line_over_the_limit",
       "* SEARCH" + std::string(60, ' ') + "1 2 3\r\n" + next,
       small,
       {"error imap.line_too_long", "* 2 EXISTS"}},
      {"status_line_over_the_limit_ending_in_braces",
       "* OK " + std::string(100, 'x') + " {5}\r\n" + next,
       small,
       {"error imap.line_too_long", "* 2 EXISTS"}},
      {"line_over_the_limit_with_literals_in_the_dropped_part",
       "* 1 FETCH (BODY[] {5}\r\nhello" + std::string(80, ' ') + " {3}\r\nabc)\r\n" + next,
       small,
       {"error imap.line_too_long", "* 2 EXISTS"}},
      {"oversized_literal_then_more_literals_in_the_same_response",
       "* 1 FETCH (BODY[] {20}\r\n" + std::string(20, 'y') + " X {3}\r\n)\r\n)\r\n" + next,
       small,
       {"error imap.literal_too_large", "* 2 EXISTS"}},
  };
}

TEST(ImapResponseParser, MalformedInputYieldsErrorsAndResynchronises) {
  for (const MalformedRow& row : malformed_rows()) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(ids_only(expect_same_at_every_split(row.input, row.limits)), row.expected);
  }
}

TEST(ImapResponseParser, ErrorsCarryScopeAndNameSizeAndLimit) {
  ResponseParser parser(small_limits());
  parser.feed("* 1 FETCH (BODY[] {1000}\r\n");
  auto next = parser.next();
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().id, errors::literal_too_large);
  EXPECT_EQ(next.error().scope, ErrorScope::item);
  EXPECT_NE(next.error().message.find("1000"), std::string::npos) << next.error().message;
  EXPECT_NE(next.error().message.find("16"), std::string::npos) << next.error().message;

  parser.reset();
  parser.feed("* SEARCH" + std::string(100, ' ') + "\r\n");
  next = parser.next();
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().id, errors::line_too_long);
  EXPECT_EQ(next.error().scope, ErrorScope::collection);

  parser.reset();
  parser.feed("* 1 FETCH (UID 4))\r\n");
  next = parser.next();
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().scope, ErrorScope::item);
  EXPECT_NE(next.error().message.find("unbalanced ')'"), std::string::npos) << next.error().message;
}

TEST(ImapResponseParser, GigabyteLiteralIsRefusedBeforeItArrivesAndSkippedUnbuffered) {
  ResponseParser parser;  // default limits: 16 MiB literals
  parser.feed("* 7 FETCH (UID 7 BODY[] {1073741824}\r\n");
  auto next = parser.next();
  ASSERT_FALSE(next) << "the error comes with the announcement, not after 1 GB";
  EXPECT_EQ(next.error().id, errors::literal_too_large);
  EXPECT_NE(next.error().message.find("1073741824"), std::string::npos);

  const std::string chunk(64 * 1024, 'x');
  std::size_t most_buffered = 0;
  for (std::size_t fed = 0; fed < (std::size_t{1} << 30); fed += chunk.size()) {
    parser.feed(chunk);
    most_buffered = std::max(most_buffered, parser.buffered_bytes());
    if (fed % (std::size_t{1} << 26) == 0) {
      auto nothing = parser.next();
      ASSERT_TRUE(nothing);
      EXPECT_FALSE(*nothing);
    }
  }
  EXPECT_EQ(most_buffered, 0u);
  parser.feed(" FLAGS (\\Seen))\r\n* 8 EXISTS\r\n");
  next = parser.next();
  ASSERT_TRUE(next) << next.error().to_string();
  ASSERT_TRUE(*next);
  EXPECT_EQ(describe(**next), "* 8 EXISTS");
  EXPECT_TRUE(parser.usable());
}

TEST(ImapResponseParser, BufferedBytesStayWithinTheLineLimit) {
  Limits limits;
  limits.max_line_bytes = 4096;
  ResponseParser parser(limits);
  // A server that never ends its line: 10 MB of atoms.
  const std::string chunk = "* SEARCH " + std::string(1000, '1');
  std::size_t most_buffered = 0;
  bool reported = false;
  for (int i = 0; i < 10'000; ++i) {
    parser.feed(chunk);
    most_buffered = std::max(most_buffered, parser.buffered_bytes());
    auto next = parser.next();
    if (!next) {
      EXPECT_EQ(next.error().id, errors::line_too_long);
      EXPECT_FALSE(reported) << "reported once";
      reported = true;
    }
  }
  EXPECT_TRUE(reported);
  EXPECT_LE(most_buffered, limits.max_line_bytes);
}

TEST(ImapResponseParser, DeepNestingWithDefaultLimitsFailsWithoutRecursion) {
  const std::string bomb = "* 1 FETCH " + std::string(500'000, '(') + "\r\n* 2 EXISTS\r\n";
  EXPECT_EQ(ids_only(parse_whole(bomb)), (Events{"error imap.too_deep", "* 2 EXISTS"}));
}

TEST(ImapResponseParser, DesynchronisedParserStaysUnusableUntilReset) {
  ResponseParser parser;
  parser.feed("* 1 EXISTS\r\n* 1 FETCH (BODY[] {99999999999999999999}\r\n* 2 EXISTS\r\n");
  auto first = parser.next();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(describe(**first), "* 1 EXISTS");
  for (int i = 0; i < 3; ++i) {
    auto next = parser.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().id, errors::desynchronised);
    EXPECT_EQ(next.error().scope, ErrorScope::transient);
  }
  EXPECT_FALSE(parser.usable());
  parser.feed("* 3 EXISTS\r\n");
  EXPECT_FALSE(parser.next());
  parser.reset();
  EXPECT_TRUE(parser.usable());
  parser.feed("* 3 EXISTS\r\n");
  auto after = parser.next();
  ASSERT_TRUE(after && *after);
  EXPECT_EQ(describe(**after), "* 3 EXISTS");
}

TEST(ImapResponseParser, ManyResponsesInOneFeedAndInOddChunks) {
  std::string stream;
  for (int i = 1; i <= 2000; ++i)
    stream += "* " + std::to_string(i) + " FETCH (UID " + std::to_string(i + 100) +
              " BODY[HEADER.FIELDS (MESSAGE-ID)] " +
              literal("Message-ID: <" + std::to_string(i) + "@x>\r\n\r\n") + ")\r\n";
  stream += "A9 OK Fetch completed.\r\n";
  for (std::size_t chunk : {stream.size(), std::size_t{1000}, std::size_t{7}}) {
    SCOPED_TRACE(chunk);
    ResponseParser parser;
    Events events;
    for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
      parser.feed(std::string_view(stream).substr(pos, chunk));
      drain(parser, events, nullptr);
      EXPECT_LE(parser.buffered_bytes(), chunk + 100);
    }
    ASSERT_EQ(events.size(), 2001u);
    EXPECT_EQ(events[1999],
              "* 2000 FETCH (UID #2100 BODY[HEADER.FIELDS (MESSAGE-ID)] "
              "L\"Message-ID: <2000@x>\\x0D\\x0A\\x0D\\x0A\")");
    EXPECT_EQ(events.back(), "tagged A9 OK \"Fetch completed.\"");
    EXPECT_EQ(parser.buffered_bytes(), 0u);
  }
}

TEST(ImapResponseParser, IncompleteInputIsNotAnError) {
  ResponseParser parser;
  for (std::string_view part : {"* 1 FETCH (BODY[] {10}\r\n", "01234", "56789", ")", "\r"}) {
    parser.feed(part);
    auto next = parser.next();
    ASSERT_TRUE(next) << next.error().to_string();
    EXPECT_FALSE(*next) << part;
  }
  parser.feed("\n");
  auto next = parser.next();
  ASSERT_TRUE(next && *next);
  EXPECT_EQ(describe(**next), "* 1 FETCH (BODY[] L\"0123456789\")");
}

}  // namespace
}  // namespace nachfass::imap
