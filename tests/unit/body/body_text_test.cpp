// mime::extract_body_text(): MIME structure, transfer encodings, charsets, HTML, quoted history,
// signature, limits; real messages from tests/data; any bytes and every prefix are safe.
#include "mime/body_text.hpp"

#include <glib.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../mime/mbox.hpp"

namespace nachfass::mime {
namespace {

using body_detail::html_to_text;
using body_detail::new_text;
using body_detail::utf8_prefix;

bool valid_utf8(const std::string& text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr) != FALSE;
}

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---- Structure

TEST(BodyText, PlainTextWithoutContentType) {
  EXPECT_EQ(extract_body_text("Subject: x\n\nHallo Frau Vogel,\n\nbitte ein Angebot.\n"),
            "Hallo Frau Vogel,\nbitte ein Angebot.");
}

TEST(BodyText, HeaderAndBodyGivenApartWithCrlf) {
  const std::string header = crlf("Content-Type: text/plain; charset=utf-8\n\n");
  const std::string body = crlf("Zeile eins\nZeile zwei\n");
  EXPECT_EQ(extract_body_text(header, body), "Zeile eins\nZeile zwei");
}

constexpr std::string_view nested = R"(From: a@b.de
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is a multi-part message in MIME format.
--outer
Content-Type: multipart/alternative;
 boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Gr=C3=BC=C3=9F Gott,
anbei die Unterlagen f=C3=BCr Q3.=20
--inner
Content-Type: text/html; charset=utf-8

<p>HTML version</p>
--inner--

--outer
Content-Type: application/pdf; name="angebot.pdf"
Content-Disposition: attachment; filename="angebot.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
)";

TEST(BodyText, NestedMultipartTakesTheFirstTextPlainPart) {
  EXPECT_EQ(extract_body_text(nested), "Grüß Gott,\nanbei die Unterlagen für Q3.");
  EXPECT_EQ(extract_body_text(crlf(nested)), "Grüß Gott,\nanbei die Unterlagen für Q3.");
}

TEST(BodyText, HtmlPartWhenThereIsNoPlainText) {
  const std::string raw = R"(Content-Type: multipart/related; boundary=rel

--rel
Content-Type: multipart/alternative; boundary=alt

--alt
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<html><head><style>p {color: red}</style><title>Ignored</title></head><body>
<p>Sehr geehrte Frau M=FCller,</p><div>vielen Dank &amp; Gr&uuml;&szlig;e<br>Anna</div>
<script>alert("x")</script></body></html>
--alt--
--rel
Content-Type: image/png
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--rel--
)";
  EXPECT_EQ(extract_body_text(raw), "Sehr geehrte Frau Müller,\nvielen Dank & Grüße\nAnna");
}

TEST(BodyText, TextAttachmentIsNotTheBody) {
  const std::string raw = R"(Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/html

<b>Der eigentliche Text</b>
--b
Content-Type: text/plain; name=log.txt
Content-Disposition: attachment; filename=log.txt

log line
--b--
)";
  EXPECT_EQ(extract_body_text(raw), "Der eigentliche Text");
}

TEST(BodyText, ForwardedMessageIsNotTheSendersText) {
  const std::string raw = R"(Content-Type: multipart/mixed; boundary=b

--b
Content-Type: message/rfc822

Subject: inner

Inner text
--b
Content-Type: text/plain

Outer text
--b--
)";
  EXPECT_EQ(extract_body_text(raw), "Outer text");
}

TEST(BodyText, MissingBoundaryParameterIsGuessedFromTheBody) {
  const std::string raw = R"(Content-Type: multipart/alternative

--abc123
Content-Type: text/plain

Text ohne Boundary-Parameter
--abc123--
)";
  EXPECT_EQ(extract_body_text(raw), "Text ohne Boundary-Parameter");
}

TEST(BodyText, NoTextPartGivesEmpty) {
  EXPECT_EQ(extract_body_text("Content-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n"
                              "/9j/4AAQSkZJRg==\n"),
            "");
  EXPECT_EQ(extract_body_text("Content-Type: multipart/mixed; boundary=x\n\nno parts at all\n"),
            "");
  EXPECT_EQ(extract_body_text("Subject: only a header\n"), "");
}

// ---- Transfer encodings and charsets

TEST(BodyText, Base64Utf8) {
  // "Liebe Grüße aus München" in UTF-8, base64, wrapped.
  const std::string raw =
      "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
      "TGllYmUgR3LDvMOfZSBh\ndXMgTcO8bmNoZW4=\n";
  EXPECT_EQ(extract_body_text(raw), "Liebe Grüße aus München");
}

TEST(BodyText, QuotedPrintableLatin1) {
  const std::string raw =
      "Content-Type: text/plain; charset=\"ISO-8859-1\"\n"
      "Content-Transfer-Encoding: Quoted-Printable\n\n"
      "Sch=F6ne Gr=FC=DFe,=\n"
      " J=F6rg\n";
  EXPECT_EQ(extract_body_text(raw), "Schöne Grüße, Jörg");
}

TEST(BodyText, TruncatedBase64PrefixDecodesAsFarAsItGoes) {
  // "Angebot für Müller" cut inside a quantum and inside the UTF-8 of "ü".
  const std::string full = "QW5nZWJvdCBmw7xyIE3DvGxsZXI=";
  const std::string header =
      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n";
  EXPECT_EQ(extract_body_text(header, full), "Angebot für Müller");
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    const std::string text = extract_body_text(header, full.substr(0, cut));
    EXPECT_TRUE(valid_utf8(text)) << cut;
    EXPECT_EQ(std::string("Angebot für Müller").rfind(text, 0), 0u) << cut << ": " << text;
  }
  // 22 characters decode to "Angebot für M" plus half of "ü": the half goes, nothing else.
  EXPECT_EQ(extract_body_text(header, full.substr(0, 22)), "Angebot für M");
}

TEST(BodyText, BrokenCharsetLabel) {
  // An unknown charset: UTF-8 bytes stay UTF-8, other bytes are read as Windows-1252.
  EXPECT_EQ(extract_body_text("Content-Type: text/plain; charset=x-no-such-charset\n\n"
                              "Gr\xC3\xBC\xC3\x9F"
                              "e\n"),
            "Grüße");
  EXPECT_EQ(extract_body_text("Content-Type: text/plain; charset=x-no-such-charset\n\n"
                              "Gr\xFC\xDF"
                              "e \x80 5\n"),
            "Grüße € 5");
  // Labelled UTF-8 but Windows-1252 bytes (Outlook).
  EXPECT_EQ(extract_body_text("Content-Type: text/plain; charset=utf-8\n\n"
                              "\x93Zitat\x94 f\xFCr Sie\n"),
            "“Zitat” für Sie");
  // Labelled Latin-1 but UTF-8 bytes.
  EXPECT_EQ(extract_body_text("Content-Type: text/plain; charset=iso-8859-1\n\n"
                              "f\xC3\xBCr Sie\n"),
            "für Sie");
}

TEST(BodyText, OtherCharsetsGoThroughIconv) {
  // ISO-8859-15 has the euro sign at 0xA4 (Latin-1: the currency sign).
  EXPECT_EQ(extract_body_text("Content-Type: text/plain; charset=iso-8859-15\n\n"
                              "Preis: 5 \xA4\n"),
            "Preis: 5 €");
  // KOI8-R "привет".
  EXPECT_EQ(
      extract_body_text("Content-Type: text/plain; charset=koi8-r\n\n\xD0\xD2\xC9\xD7\xC5\xD4\n"),
      "привет");
}

TEST(BodyText, FormatFlowedLinesAreJoined) {
  const std::string raw =
      "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
      "Ein langer Satz, der \nweiterläuft.\nNeue Zeile.\n";
  EXPECT_EQ(extract_body_text(raw), "Ein langer Satz, der weiterläuft.\nNeue Zeile.");
}

// ---- HTML

TEST(BodyText, HtmlToText) {
  EXPECT_EQ(html_to_text("a<br>b<p>c</p>d"), "a\nb\nc\nd");
  EXPECT_EQ(html_to_text("&auml;&#228;&#xE4;&#XE4; &lt;tag&gt; &amp;amp; &quot;x&quot; &euro;"),
            "ääää <tag> &amp; \"x\" €");
  EXPECT_EQ(html_to_text("1&nbsp;2 &unknown; & 3 &#0; &#x110000;"),
            "1 2 &unknown; & 3 \xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_EQ(html_to_text("<script type=\"x\">var a = '<p>';</script>ok<STYLE>p{}</STYLE>!"), "ok!");
  EXPECT_EQ(html_to_text("<!-- comment <p> -->x<a href=\"a>b\">link</a>"), "xlink");
  EXPECT_EQ(html_to_text("3 < 4 and 5 > 4"), "3 < 4 and 5 > 4");
  EXPECT_EQ(html_to_text("new<blockquote>old <blockquote>older</blockquote> old</blockquote>end"),
            "new\n\n\n\nend");
  EXPECT_EQ(html_to_text("line\none\ttwo"), "line one two");
}

// ---- Quoted history and signature

TEST(BodyText, QuotedLinesAreCut) {
  EXPECT_EQ(new_text("Ja, passt.\n> Passt Dienstag?\n>> Termin?\nDanke"), "Ja, passt.\nDanke");
}

TEST(BodyText, GermanReplyHeaderCutsTheRest) {
  EXPECT_EQ(new_text("Danke, wir nehmen das Angebot an.\n\nAm 12.03.2026 um 10:14 schrieb Petra "
                     "Keller:\nHier das Angebot.\n"),
            "Danke, wir nehmen das Angebot an.");
  // Wrapped over two lines (Thunderbird, Apple Mail).
  EXPECT_EQ(new_text("Gerne.\nAm 12.03.2026 um 10:14 schrieb Petra Keller\n<petra@keller.de>:\n"
                     "alt\n"),
            "Gerne.");
  EXPECT_EQ(new_text("Gerne.\nPetra Keller <petra@keller.de> schrieb am 12.03.26 um 10:14:\nalt"),
            "Gerne.");
}

TEST(BodyText, AttributionAboveABottomPostedReplyKeepsTheAnswers) {
  EXPECT_EQ(new_text("Am 10.07.20 um 12:47 schrieb Mahmood Naderan:\n> Frage eins?\n\nAntwort "
                     "eins.\n\n> Frage zwei?\nAntwort zwei.\n"),
            "Antwort eins.\nAntwort zwei.");
  EXPECT_EQ(new_text("On 02 Jul 2020, at 14:08, Yves <y@u.de> wrote:\n> q\nanswer"), "answer");
  // Above new text it is history, also when nothing is quoted with "> ".
  EXPECT_EQ(new_text("Danke!\nAm 10.07.20 um 12:47 schrieb M:\nalter Text"), "Danke!");
}

TEST(BodyText, EnglishReplyHeaderCutsTheRest) {
  EXPECT_EQ(new_text("Sounds good.\n\nOn Tue, Mar 12, 2026 at 10:14 AM Petra Keller "
                     "<petra@keller.de> wrote:\nold text"),
            "Sounds good.");
  EXPECT_EQ(new_text("Sounds good.\nOn Tue, Mar 12, 2026 at 10:14 AM Petra Keller "
                     "<petra@keller.de>\nwrote:\nold text"),
            "Sounds good.");
}

TEST(BodyText, OriginalMessageSeparatorsCutTheRest) {
  EXPECT_EQ(new_text("OK\n-----Original Message-----\nFrom: x\n"), "OK");
  EXPECT_EQ(new_text("OK\n-----Ursprüngliche Nachricht-----\nVon: x\n"), "OK");
  EXPECT_EQ(new_text("OK\n----- Original Message -----\nold"), "OK");
}

TEST(BodyText, OutlookHeaderBlockCutsTheRest) {
  EXPECT_EQ(new_text("Passt so.\n\n________________________________\nVon: Petra Keller "
                     "<p@k.de>\nGesendet: Donnerstag, 12. März 2026 10:14\nAn: Anna\nBetreff: "
                     "Angebot\n\nalter Text"),
            "Passt so.");
  EXPECT_EQ(new_text("Fine.\n*From:* Petra Keller\n*Sent:* Thursday\n*To:* Anna\nold"), "Fine.");
  EXPECT_EQ(new_text("Fine.\nFrom: Petra Keller Sent: Thursday To: Anna Subject: x\nold"), "Fine.");
  // "From:" in the new text without a Sent line below is text.
  EXPECT_EQ(new_text("From: the warehouse, two pallets.\nRegards"),
            "From: the warehouse, two pallets.\nRegards");
}

TEST(BodyText, SignatureIsCut) {
  EXPECT_EQ(new_text("Bis morgen.\n-- \nAnna Vogel\nVertrieb"), "Bis morgen.");
  EXPECT_EQ(new_text("Bis morgen.\r\n--\r\nAnna Vogel"), "Bis morgen.");
  EXPECT_EQ(new_text("Preis -- inkl. Versand\nok"), "Preis -- inkl. Versand\nok");
}

TEST(BodyText, WhitespaceIsCollapsed) {
  EXPECT_EQ(new_text("  a \t  b  \r\n\n\n\n  c\xC2\xA0\xC2\xA0 d \n\n"), "a b\nc d");
  EXPECT_EQ(new_text("\xEF\xBB\xBFStart"), "Start");
  EXPECT_EQ(new_text("ctl\x01\x02x"), "ctl x");
}

// ---- Limits

TEST(BodyText, AtMostMaxBytesCutAtACharacterBoundary) {
  std::string long_text;
  for (int i = 0; i < 3000; ++i) long_text += "ä";
  const std::string raw = "Content-Type: text/plain; charset=utf-8\n\nx" + long_text + "\n";
  const std::string text = extract_body_text(raw);
  EXPECT_LE(text.size(), max_body_bytes);
  EXPECT_GE(text.size(), max_body_bytes - 3);
  EXPECT_TRUE(valid_utf8(text));
  EXPECT_EQ(text.size() % 2, 1u);  // "x" and whole "ä"s
  EXPECT_EQ(extract_body_text(raw, 10), "xääää");
  EXPECT_EQ(utf8_prefix("aä", 2), "a");
  EXPECT_EQ(utf8_prefix("a€", 3), "a");
  EXPECT_EQ(utf8_prefix("a€", 4), "a€");
}

// ---- Real messages

TEST(BodyText, PonymailArchive) {
  const auto messages = test::split_mbox(std::filesystem::path(NACHFASS_TEST_DATA) / "ponymail" /
                                         "httpd-users-2020-07.mbox");
  ASSERT_GT(messages.size(), 100u);
  EXPECT_EQ(extract_body_text(messages[0]),
            "Hello,\nThanks, actually turned out to be a firewall issue.\nThanks a lot.\nDave.");
  std::size_t with_text = 0;
  for (const std::string& raw : messages) {
    const std::string text = extract_body_text(raw);
    EXPECT_TRUE(valid_utf8(text));
    EXPECT_LE(text.size(), max_body_bytes);
    EXPECT_EQ(text.find("\n\n"), std::string::npos);
    EXPECT_EQ(text.find("\n>"), std::string::npos);
    EXPECT_FALSE(text.starts_with(">"));
    if (!text.empty()) ++with_text;
  }
  // Every message of a mailing-list archive has text (a few are a quote only).
  EXPECT_GE(with_text, messages.size() * 95 / 100);
}

TEST(BodyText, PonymailArchiveQuotedPrintableAndHtml) {
  const auto messages = test::split_mbox(std::filesystem::path(NACHFASS_TEST_DATA) / "ponymail" /
                                         "maven-dev-2017-11-listsao.mbox");
  ASSERT_GT(messages.size(), 300u);
  std::size_t with_text = 0;
  for (const std::string& raw : messages) {
    const std::string text = extract_body_text(raw);
    EXPECT_TRUE(valid_utf8(text));
    EXPECT_LE(text.size(), max_body_bytes);
    // Decoded: no =XX escapes of quoted-printable left.
    EXPECT_EQ(text.find("=20"), std::string::npos);
    EXPECT_EQ(text.find("=3D"), std::string::npos);
    if (!text.empty()) ++with_text;
  }
  EXPECT_GE(with_text, messages.size() * 95 / 100);
}

TEST(BodyText, GeneratedSampleMaildir) {
  const auto dir = std::filesystem::path(NACHFASS_TEST_DATA) / "sample" / "maildir" / "cur";
  std::size_t files = 0, with_text = 0;
  // Isar Metallbau's request (The Bat!, quoted-printable UTF-8): "ü" and a soft line break
  // inside "Anli=\neferung" must come out decoded and joined.
  bool found_isar_metallbau = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string raw = read_file(entry.path());
    const std::string text = extract_body_text(raw);
    ++files;
    EXPECT_TRUE(valid_utf8(text));
    EXPECT_EQ(text.find("=C3"), std::string::npos) << entry.path();
    if (!text.empty()) ++with_text;
    if (text.starts_with("Sehr geehrte Frau Vogel,\nwie besprochen hier unsere Anfrage. Bitte "
                         "berücksichtigen Sie die Anlieferung bis 14.6.2026."))
      found_isar_metallbau = true;
  }
  ASSERT_GT(files, 100u);
  EXPECT_TRUE(found_isar_metallbau);
  EXPECT_GE(with_text, files * 9 / 10);
}

// ---- Untrusted input

TEST(BodyText, EveryPrefixOfANestedMessageIsSafe) {
  const std::string raw = crlf(nested);
  for (std::size_t cut = 0; cut <= raw.size(); ++cut) {
    const std::string text = extract_body_text(std::string_view(raw).substr(0, cut));
    ASSERT_TRUE(valid_utf8(text)) << cut;
  }
}

TEST(BodyText, RandomBytesAreSafe) {
  std::mt19937_64 random(42);
  const std::string prefixes[] = {
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; "
      "charset=koi8-r\nContent-Transfer-Encoding: base64\n\n",
      "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n",
      "Content-Type: text/plain; charset=iso-2022-jp\n\n", ""};
  for (int round = 0; round < 2000; ++round) {
    std::string raw = prefixes[round % 4];
    const std::size_t length = random() % 600;
    for (std::size_t i = 0; i < length; ++i) {
      // Mostly structure characters, so that the walk has something to chew on.
      static constexpr std::string_view alphabet = "<>&#;-=\n\r >b:/\"xX0aA";
      raw += (random() % 3 == 0) ? static_cast<char>(random() & 0xFF)
                                 : alphabet[random() % alphabet.size()];
    }
    const std::string text = extract_body_text(raw);
    ASSERT_TRUE(valid_utf8(text)) << round;
    ASSERT_LE(text.size(), max_body_bytes);
  }
}

TEST(BodyText, DeepNestingIsBounded) {
  std::string raw = "Content-Type: multipart/mixed; boundary=b0\n\n";
  for (int i = 0; i < 5000; ++i)
    raw += "--b" + std::to_string(i) + "\nContent-Type: multipart/mixed; boundary=b" +
           std::to_string(i + 1) + "\n\n";
  raw += "--b5000\nContent-Type: text/plain\n\ndeep\n";
  EXPECT_EQ(extract_body_text(raw), "");
}

// Not a benchmark (the debug build is slow): a guard against accidental quadratic work.
TEST(BodyText, TypicalMessagesAreCheap) {
  const auto messages = test::split_mbox(std::filesystem::path(NACHFASS_TEST_DATA) / "ponymail" /
                                         "httpd-users-2020-07.mbox");
  const auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  constexpr int rounds = 20;
  for (int round = 0; round < rounds; ++round)
    for (const std::string& raw : messages) bytes += extract_body_text(raw).size();
  const double micros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      double(rounds * messages.size());
  std::printf("extract_body_text: %.2f us per message (%zu bytes out)\n", micros, bytes);
  EXPECT_LT(micros, 500.0);
}

}  // namespace
}  // namespace nachfass::mime
