// The header parser's fast path against GMime's message parser (the reference): on every corpus
// in tests/data, a generated mailbox and hand-made edge cases, a block the fast path takes must
// give the same Message and the same warnings as GMime. A divergence fails here, not in a scan.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gen/generator.hpp"
#include "mbox.hpp"
#include "mime/header_parser.hpp"

namespace nachfass::mime {
namespace {

std::string describe(const Address& a) {
  return "{" + a.email + "|" + a.name + "}";
}

std::string describe(const Message& m) {
  std::ostringstream out;
  out << "id=" << m.message_id << "\nirt=" << m.in_reply_to << "\nrefs=";
  for (const auto& r : m.references) out << r << " ";
  out << "\nsubject=" << m.subject << "\nfrom=" << describe(m.from) << "\nto=";
  for (const auto& a : m.to) out << describe(a);
  out << "\ncc=";
  for (const auto& a : m.cc) out << describe(a);
  out << "\ndate=" << m.date << " offset=" << m.utc_offset_minutes
      << " from_header=" << m.date_from_header << "\nthread_index=" << m.thread_index
      << "\nthread_topic=" << m.thread_topic << "\nautomation=" << static_cast<int>(m.automation)
      << "\nsource=" << m.source_id << " folder=" << m.folder
      << " role=" << static_cast<int>(m.folder_role);
  return out.str();
}

// Counts how many blocks the fast path took; every one of them must match GMime.
struct Differential {
  std::size_t taken = 0, total = 0;

  void check(const std::string& raw, const std::string& where) {
    ++total;
    const ParseContext context{where, "INBOX", FolderRole::inbox, 1'700'000'000};
    std::vector<std::string> fast_warnings, reference_warnings;
    auto fast = parse_message_headers_fast(raw, context, &fast_warnings);
    auto reference = parse_message_headers_with_gmime(raw, context, &reference_warnings);
    if (!fast) return;
    ++taken;
    ASSERT_EQ(fast->has_value(), reference.has_value()) << where << "\n" << raw;
    if (!reference.has_value()) return;
    EXPECT_EQ(describe(**fast), describe(*reference)) << where << "\n" << raw;
    EXPECT_EQ(fast_warnings, reference_warnings) << where << "\n" << raw;
  }
};

using test::split_mbox;

TEST(HeaderPaths, PonymailArchivesGiveTheSameMessages) {
  Differential d;
  for (const auto& entry : std::filesystem::directory_iterator(NACHFASS_TEST_DATA "/ponymail")) {
    if (entry.path().extension() != ".mbox") continue;
    const auto messages = split_mbox(entry.path());
    for (std::size_t i = 0; i < messages.size(); ++i)
      d.check(messages[i], entry.path().filename().string() + "/" + std::to_string(i));
  }
  EXPECT_GT(d.total, 400u);
  // Mailing-list mail is the hard case (comments, odd ids, repeated fields); still, most of it
  // must take the fast path or this test compares little.
  EXPECT_GT(d.taken * 2, d.total) << d.taken << " of " << d.total;
}

TEST(HeaderPaths, SampleMaildirGivesTheSameMessages) {
  Differential d;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(NACHFASS_TEST_DATA "/sample/maildir")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    d.check(content.str(), entry.path().string());
  }
  EXPECT_GT(d.total, 100u);
  EXPECT_GT(d.taken * 10, d.total * 9) << d.taken << " of " << d.total;
}

// Every client style, charset and broken shape the generator writes, CRLF as IMAP sends it too.
TEST(HeaderPaths, GeneratedMailboxGivesTheSameMessages) {
  Differential d;
  gen::GeneratorOptions options;
  options.seed = 7;
  options.messages = 6000;
  options.bodies = false;
  gen::FunctionSink sink([&](const gen::GeneratedMail& mail) {
    const std::string raw = gen::render_rfc5322(mail);
    if (d.total % 2 == 0) {
      d.check(raw, gen::source_id(mail));
    } else {
      std::string crlf;
      for (char c : raw) {
        if (c == '\n') crlf += '\r';
        crlf += c;
      }
      d.check(crlf, gen::source_id(mail));
    }
  });
  gen::generate(options, sink);
  EXPECT_EQ(d.total, 6000u);
  EXPECT_GT(d.taken * 100, d.total * 95) << d.taken << " of " << d.total;
}

// Shapes at the edge of what the fast path takes; either path may parse them, the answer is one.
TEST(HeaderPaths, EdgeCasesGiveTheSameMessages) {
  const char* cases[] = {
      "From: a@b.de\n\n",
      "From: <a@b.de>\nTo: <c@d.de>, e@f.de\n\n",
      "From: Anna Vogel <a@b.de>\nSubject: x\n\n",
      "From: \"Vogel, Anna\" <a@b.de>\n\n",
      "From: \"\" <a@b.de>\n\n",
      "From: \"Anna \\\"AV\\\" Vogel\" <a@b.de>\n\n",
      "From: =?UTF-8?Q?J=C3=BCrgen_Wei=C3=9F?= <j@x.de>\n\n",
      "From: \"=?UTF-8?Q?J=C3=BCrgen?=\" <j@x.de>\n\n",
      "From: =?UTF-8?Q?J=C3=BCrgen?= =?UTF-8?Q?_Wei=C3=9F?= <j@x.de>\n\n",
      "From: =?UTF-8?Q?J=C3=BCrgen?= Weiss <j@x.de>\n\n",
      "From: =?UTF-8?B?SsO8cmdlbiA=?= =?UTF-8?B?V2Vpw58=?= <j@x.de>\n\n",
      "From: Anna\n Vogel <a@b.de>\n\n",
      "From: Anna Vogel <a@b.de> (Sales)\n\n",
      "From: a@b.de (Anna Vogel)\n\n",
      "From: John Q. Public <jqp@x.com>\n\n",
      "From: <A.B@Example.COM>\n\n",
      "From: a..b@c.de\n\n",
      "From: .a@c.de\n\n",
      "From: a@xn--mller-kva.de\n\n",
      "From: a@[127.0.0.1]\n\n",
      "From: \"a b\"@c.de\n\n",
      "From: a@b.de,\n\n",
      "From: a@b.de,,c@d.de\n\n",
      "From: , a@b.de\n\n",
      "From:\n\n",
      "From:   \nSender: s@x.de\n\n",
      "Sender: s@x.de\n\n",
      "From: Team: x@y.de, z@y.de;\n\n",
      "To: undisclosed-recipients:;\n\n",
      "To: undisclosed-recipients\n\n",
      "To: a@b.de\nTo: c@d.de\n\n",
      "Subject: a\nSubject: b\n\n",
      "Subject: \n\n",
      "Subject:\tTabs\tinside \n\n",
      "Subject: Gr\xfc\xdf"
      "e\n\n",
      "Subject: Gr\xc3\xbc\xc3\x9f"
      "e\n\n",
      "Subject: =?utf-8?q?a?= =?utf-8?q?b?=\n\n",
      "Subject: =?\n\n",
      "Subject: x =?unknown?q?y?= z\n\n",
      "Subject: a\x01"
      "b\n\n",
      "Subject: one\n two\n\tthree\n\n",
      "Subject: one\r\n two\r\n\r\n",
      "Subject : spaced\n\n",
      " Subject: leading\n\n",
      "Subject: x\nno colon here\n\n",
      "Subject: x\n \nFrom: a@b.de\n\n",
      "Subject: x\rFrom: a@b.de\n\n",
      "Message-ID: <a@b.de>\n\n",
      "Message-ID: a@b.de\n\n",
      "Message-ID: <a@b.de> (comment)\n\n",
      "Message-ID: <  a@b.de >\n\n",
      "Message-ID: <a b@c.de>\n\n",
      "Message-ID: <\"q\"@c.de>\n\n",
      "Message-ID: <a@b_c.de>\n\n",
      "Message-ID: <a@[1.2.3.4]>\n\n",
      "Message-ID: <>\n\n",
      "Message-ID:\n\n",
      "Message-ID: <a@b.de><c@d.de>\n\n",
      "In-Reply-To: <p2@host> (Peter's message of Mon)\n\n",
      "In-Reply-To: <a@b.de> <c@d.de>\n\n",
      "References: <r1@host>\n <p1@host>\t<p2@host>\n\n",
      "References: <r1@host><p1@host>\n\n",
      "References: r1@host\n\n",
      "References: <r1@host> junk <p1@host>\n\n",
      "Date: Mon, 23 Nov 2026 09:30:00 +0100\n\n",
      "Date: 3 Nov 2026 09:12:00 EST\n\n",
      "Date: yesterday-ish\n\n",
      "Date:\n\n",
      "Date: Tue, 01 Jan 2030 10:00:00 +0000\n\n",
      "Date: Thu, 01 Jan 1970 00:00:00 +0000\n\n",
      "Date: Mon, 23 Nov 2026\n 09:30:00 +0100\n\n",
      "Thread-Index: AdnXyz==\nThread-Topic: =?utf-8?q?Angebot_Q3?=\n\n",
      "Thread-Topic: =?utf-8?q?=3D=3Futf-8=3Fq=3Fx=3F=3D?=\n\n",
      "Auto-Submitted: auto-replied\n\n",
      "Precedence: bulk\nList-Id: <x.y>\n\n",
      "Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n",
      "Content-Type: text/plain; charset=utf-8\n\n",
      "Content-Type: multipart/mixed; boundary=x\nFrom: MAILER-DAEMON@x.de\n\n",
      "From: a@b.de",
      "From: a@b.de\n",
      "From: a@b.de\r\nSubject: crlf\r\n\r\nbody",
      "From a@b.de Mon Jan  1 10:00:00 2024\nFrom: a@b.de\n\n",
      "X-Other: 1\nX-Other: 2\nFrom: a@b.de\n\n",
      ":\n\n",
      "\n\n",
      // Found by fuzz_headers: an unfinished encoded word, a comment cut by 8-bit garbage.
      "From:r=?UTF-8?Q==m>\nTo: Te <c@d> (x\300\nDate: 4 Nov 2026 09:12:00 ESTlied\n\n",
      "To: Te <c@d> (x\300\n\n",
      "From:r=?UTF-8?Q==m>\n\n",
      "From:\x01\x1b?Q?J=C3=BCrgen?= <j@x.de>\nTo: Team: a@b.de, \"K, S\" <s@k.de>;\n\n",
      "Subject: =?utf-8?q?_AW=1Aapan?=\nFrom: a@b.de\n\n",
      "From: =?UT@-8?Q?J=C3=R3L832> (x-1?b?Azuto-Submitted: auto-replied\n\n",
  };
  Differential d;
  for (const char* raw : cases) d.check(raw, raw);
  EXPECT_GT(d.taken, 50u);
  // Found by fuzz_headers: one long line without a header name GMime would accept.
  d.check(std::string(4000, 'x') + ".dijrb-8x.UTF-8n-F:U\n", "long field name");
  d.check(std::string(4000, 'x') + "-F:U\n\n", "long field name, end of block");
}

}  // namespace
}  // namespace nachfass::mime
