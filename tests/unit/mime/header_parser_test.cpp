#include "mime/header_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "mbox.hpp"

namespace nachfass::mime {
namespace {

Message parse_ok(std::string_view raw, UnixSeconds delivery = 1'800'000'000,
                 std::vector<std::string>* warnings = nullptr) {
  ParseContext context{"test/1", "INBOX", FolderRole::inbox, delivery};
  auto result = parse_message_headers(raw, context, warnings);
  EXPECT_TRUE(result.has_value()) << (result.has_error() ? result.error().to_string() : "");
  return result.has_value() ? *result : Message{};
}

TEST(HeaderParser, DecodesEncodedWordsInEveryCommonCharset) {
  const Message m = parse_ok(
      "From: =?UTF-8?Q?J=C3=BCrgen_Wei=C3=9F?= <Juergen.Weiss@Mueller-GmbH.de>\n"
      "To: =?ISO-8859-1?Q?S=F8ren_M=F8ller?= <soren@example.dk>, \"Keller, Sabine\" "
      "<s.keller@x.de>\n"
      "Cc: =?windows-1252?Q?Fran=E7ois_=80uro?= <f@x.fr>\n"
      "Subject: =?UTF-8?B?QW5nZWJvdCBmw7xyIE3DvGxsZXIgR21iSA==?=\n"
      "Message-ID: <abc@mail.example>\n"
      "Date: Mon, 23 Nov 2026 09:30:00 +0100\n\nbody\n");
  EXPECT_EQ(m.from.name, "Jürgen Weiß");
  EXPECT_EQ(m.from.email, "juergen.weiss@mueller-gmbh.de");
  ASSERT_EQ(m.to.size(), 2u);
  EXPECT_EQ(m.to[0].name, "Søren Møller");
  EXPECT_EQ(m.to[1].name, "Keller, Sabine");
  ASSERT_EQ(m.cc.size(), 1u);
  EXPECT_EQ(m.cc[0].name, "François €uro");
  EXPECT_EQ(m.subject, "Angebot für Müller GmbH");
  EXPECT_EQ(m.message_id, "abc@mail.example");
  EXPECT_EQ(m.date, 1'795'422'600);  // 2026-11-23T08:30:00Z
  EXPECT_EQ(m.utc_offset_minutes, 60);
  EXPECT_TRUE(m.date_from_header);
  EXPECT_EQ(m.automation, Automation::none);
}

TEST(HeaderParser, FoldedEncodedSubjectAndCrlf) {
  const Message m = parse_ok(
      "Subject: AW: =?utf-8?q?Lieferverz=C3=B6gerung_bei_Auftrag?=\r\n"
      " =?utf-8?q?_4711_=E2=80=93_bitte_R=C3=BCckmeldung?=\r\n"
      "From: a@b.de\r\n\r\n");
  EXPECT_EQ(m.subject, "AW: Lieferverzögerung bei Auftrag 4711 – bitte Rückmeldung");
}

// GMime 3.2 alone loses everything after a padded base64 word ("Re: Demo of Control Cabinet
// SK-90 "); Gmail and Outlook split long subjects like this.
TEST(HeaderParser, AdjacentBase64WordsWithPadding) {
  const Message m = parse_ok(
      "Subject: =?UTF-8?B?UmU6IERlbW8gb2YgQ29udHJvbCBDYWJpbmV0IFNLLTkwIA==?=\n"
      " =?UTF-8?B?4oCTIG5leHQgc3RlcHM=?=\n"
      "From: =?utf-8?b?SsO8cmdlbiA=?= =?utf-8?b?V2Vpw58=?= <j@x.de>\n\n");
  EXPECT_EQ(m.subject, "Re: Demo of Control Cabinet SK-90 – next steps");
  EXPECT_EQ(m.from.name, "Jürgen Weiß");
}

// A character split across two encoded words (broken encoders) still decodes.
TEST(HeaderParser, CharacterSplitAcrossEncodedWords) {
  EXPECT_EQ(parse_ok("Subject: =?UTF-8?B?UmU6IERlbW8g4oA=?= =?UTF-8?B?kyBuZXh0?=\n\n").subject,
            "Re: Demo – next");
}

TEST(HeaderParser, FoldedDisplayNamesAndSubjectsAreUnfolded) {
  const Message m = parse_ok(
      "From: \"Anna\n Vogel\" <a@b.de>\nTo: Hans\n Meier <h@m.de>\nSubject: Angebot\n\t f\xc3\xbcr "
      " Q3\n\n");
  EXPECT_EQ(m.from.name, "Anna Vogel");
  ASSERT_EQ(m.to.size(), 1u);
  EXPECT_EQ(m.to[0].name, "Hans Meier");
  EXPECT_EQ(m.subject, "Angebot für Q3");
}

TEST(HeaderParser, UndeclaredEightBitHeadersFallBackToWindows1252) {
  const Message m = parse_ok(
      "From: \"M\xfcller\" <m@x.de>\nSubject: Gr\xfc\xdf"
      "e\n\n");
  EXPECT_EQ(m.from.name, "Müller");
  EXPECT_EQ(m.subject, "Grüße");
}

TEST(HeaderParser, ThreadingHeaders) {
  const Message m = parse_ok(
      "Message-ID:   <  x1@host >\n"
      "In-Reply-To: <p2@host> (Peter's message of Mon)\n"
      "References: <r1@host>\n <p1@host>\t<p2@host>\n"
      "Thread-Index: AdnXyz==\n"
      "Thread-Topic: =?utf-8?q?Angebot_Q3?=\n\n");
  EXPECT_EQ(m.message_id, "x1@host");
  EXPECT_EQ(m.in_reply_to, "p2@host");
  EXPECT_EQ(m.references, (std::vector<std::string>{"r1@host", "p1@host", "p2@host"}));
  EXPECT_EQ(m.thread_index, "AdnXyz==");
  EXPECT_EQ(m.thread_topic, "Angebot Q3");
}

TEST(HeaderParser, MissingAndBrokenDatesUseDeliveryTime) {
  std::vector<std::string> warnings;
  Message m = parse_ok("From: a@b.de\nSubject: x\n\n", 1'700'000'000, &warnings);
  EXPECT_EQ(m.date, 1'700'000'000);
  EXPECT_FALSE(m.date_from_header);
  EXPECT_TRUE(warnings.empty());

  m = parse_ok("From: a@b.de\nDate: yesterday-ish\n\n", 1'700'000'000, &warnings);
  EXPECT_EQ(m.date, 1'700'000'000);
  EXPECT_FALSE(m.date_from_header);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("test/1"), std::string::npos);
  EXPECT_NE(warnings[0].find("yesterday-ish"), std::string::npos);

  // Dated a year after it was delivered: the sender's clock was wrong.
  m = parse_ok("From: a@b.de\nDate: Tue, 01 Jan 2030 10:00:00 +0000\n\n", 1'700'000'000, &warnings);
  EXPECT_EQ(m.date, 1'700'000'000);
  EXPECT_FALSE(m.date_from_header);
  EXPECT_EQ(warnings.size(), 2u);
}

TEST(HeaderParser, ObsoleteZoneNames) {
  const Message m = parse_ok("From: a@b.de\nDate: 3 Nov 2026 09:12:00 EST\n\n");
  EXPECT_EQ(m.date, 1'793'715'120);  // 14:12 UTC
  EXPECT_EQ(m.utc_offset_minutes, -300);
}

TEST(HeaderParser, GroupsAndUndisclosedRecipients) {
  const Message m =
      parse_ok("From: a@b.de\nTo: undisclosed-recipients:;\nCc: Team: x@y.de, \"Z\" <z@y.de>;\n\n");
  EXPECT_TRUE(m.to.empty());
  ASSERT_EQ(m.cc.size(), 2u);
  EXPECT_EQ(m.cc[1].email, "z@y.de");
}

struct AutomationRow {
  const char* headers;
  Automation expected;
};

class HeaderAutomation : public ::testing::TestWithParam<AutomationRow> {};

TEST_P(HeaderAutomation, Classifies) {
  const std::string raw = std::string(GetParam().headers) + "\n\n";
  EXPECT_EQ(parse_ok(raw).automation, GetParam().expected) << GetParam().headers;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, HeaderAutomation,
    ::testing::Values(
        AutomationRow{"From: k@kunde.de\nSubject: Angebot", Automation::none},
        AutomationRow{"From: k@kunde.de\nAuto-Submitted: auto-replied (vacation)\nSubject: Re: x",
                      Automation::auto_submitted},
        AutomationRow{"From: k@kunde.de\nAuto-Submitted: no\nSubject: x", Automation::none},
        AutomationRow{"From: k@kunde.de\nX-Autoreply: yes\nSubject: x",
                      Automation::autoreply_header},
        AutomationRow{"From: k@kunde.de\nX-Auto-Response-Suppress: All\nSubject: x",
                      Automation::autoreply_header},
        AutomationRow{"From: k@kunde.de\nX-Auto-Response-Suppress: DR, RN\nSubject: x",
                      Automation::none},
        AutomationRow{"From: news@kunde.de\nPrecedence: bulk\nSubject: x",
                      Automation::precedence_bulk},
        AutomationRow{"From: news@kunde.de\nList-Unsubscribe: <mailto:u@kunde.de>\nSubject: x",
                      Automation::mailing_list},
        AutomationRow{"From: \"Shop\" <No-Reply@shop.de>\nSubject: Ihre Bestellung",
                      Automation::noreply_sender},
        AutomationRow{"From: MAILER-DAEMON@mx.de\nContent-Type: multipart/report; "
                      "report-type=delivery-status; boundary=x\nSubject: Undelivered",
                      Automation::noreply_sender},
        AutomationRow{"From: mx@mx.de\nContent-Type: multipart/report; "
                      "report-type=delivery-status; boundary=x\nSubject: Undelivered",
                      Automation::delivery_report},
        AutomationRow{"From: k@kunde.de\nSubject: =?utf-8?q?Abwesenheitsnotiz=3A_Angebot?=",
                      Automation::out_of_office_subject},
        AutomationRow{"From: k@kunde.de\nSubject: Automatic reply: Angebot",
                      Automation::out_of_office_subject},
        AutomationRow{"From: k@kunde.de\nSubject: Abwesenheit im Dezember - Lieferung",
                      Automation::none}));

TEST(HeaderParser, EmptyInputIsAnItemError) {
  auto result = parse_message_headers("", ParseContext{"x", "INBOX", FolderRole::inbox, 0});
  ASSERT_TRUE(result.has_error());
  EXPECT_EQ(result.error().id, "mime.empty");
  EXPECT_EQ(result.error().scope, ErrorScope::item);
}

TEST(HeaderParser, GarbageNeverCrashesAndYieldsValidUtf8) {
  std::string garbage = "Subject: \xff\xfe\xc3(\nFrom: <<<@@@>>>\nTo: ,,,;;;\"\nDate: \x01\x02\n";
  garbage.push_back('\0');
  garbage += "References: <<a> <b\n\n";
  auto result = parse_message_headers(garbage, ParseContext{"x", "INBOX", FolderRole::inbox, 5});
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->subject.empty());
  EXPECT_EQ(result->date, 5);
}

TEST(HeaderParser, HeaderBlockLength) {
  EXPECT_EQ(header_block_length("A: b\n\nbody"), 6u);
  EXPECT_EQ(header_block_length("A: b\r\n\r\nbody"), 8u);
  EXPECT_EQ(header_block_length("A: b\n"), std::string_view::npos);
  EXPECT_EQ(header_block_length("\nbody"), 1u);
}

// Real archives: every message parses, and the counts the corpus documents come out.
using test::split_mbox;

TEST(HeaderParser, RealMavenArchive) {
  const auto messages = split_mbox(NACHFASS_TEST_DATA "/ponymail/maven-dev-2017-11-listsao.mbox");
  ASSERT_EQ(messages.size(), 320u);
  int without_date = 0, with_id = 0, encoded_names = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto result = parse_message_headers(
        messages[i], ParseContext{"maven/" + std::to_string(i), "INBOX", FolderRole::inbox, 0});
    ASSERT_TRUE(result.has_value()) << i;
    const Message& m = *result;
    if (!m.date_from_header) ++without_date;
    if (!m.message_id.empty()) ++with_id;
    EXPECT_NE(m.from.email.find('@'), std::string::npos) << i;
    EXPECT_EQ(m.from.name.find("=?"), std::string::npos) << "undecoded name in message " << i;
    if (messages[i].find("\nFrom: =?") != std::string::npos ||
        messages[i].rfind("From: =?", 0) == 0)
      ++encoded_names;
    // List mail: Precedence: list or List-Id, whichever is checked first.
    EXPECT_NE(m.automation, Automation::none) << i;
  }
  EXPECT_EQ(without_date, 36);
  EXPECT_EQ(with_id, 319);  // message 52 of the archive really has no Message-ID
  EXPECT_EQ(encoded_names, 48);
}

TEST(HeaderParser, RealHttpdArchiveTimeZones) {
  const auto messages = split_mbox(NACHFASS_TEST_DATA "/ponymail/httpd-users-2020-07.mbox");
  ASSERT_EQ(messages.size(), 108u);
  std::set<int> offsets;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto result =
        parse_message_headers(messages[i], ParseContext{"httpd", "INBOX", FolderRole::inbox, 0});
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(result->date_from_header) << i;
    // July 2020.
    EXPECT_GE(result->date, 1'593'475'200) << i;
    EXPECT_LT(result->date, 1'596'326'400) << i;
    offsets.insert(result->utc_offset_minutes);
  }
  EXPECT_GE(offsets.size(), 8u);
}

}  // namespace
}  // namespace nachfass::mime
