// Letters: every built-in template for every language and finding kind renders strictly (no
// unknown name, no leftover tag, no "Dear ,"), greetings, reply prefixes, HTML escaping of hostile
// names, template errors with file and line, user templates, and the MIME draft.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "letters/compose.hpp"
#include "letters/letters.hpp"

namespace nachfass::letters {
namespace {

constexpr UnixSeconds now = 1795000000;  // 2026-11-18

Finding finding_of(FindingKind kind, bool rich) {
  Finding f;
  f.key = "k-1";
  f.kind = kind;
  f.contact = "p.keller@mueller.de";
  if (!rich) return f;
  f.customer = "Müller GmbH";
  f.contact_name = "Petra Keller";
  f.subject = "Angebot Q3";
  f.thread_root = "root@mueller.de";
  f.awaiting = "m2@mueller.de";
  f.waiting_business_days = 6;
  f.domain = "mueller.de";
  if (kind == FindingKind::lapsing) {
    f.engagement = "trial";
    f.ends = "2026-12-31";
  }
  return f;
}

LetterInput input_of(FindingKind kind, bool rich, Language language) {
  LetterInput in;
  in.finding = finding_of(kind, rich);
  in.language = language;
  in.now = now;
  if (!rich) return in;
  Customer c;
  c.id = "mueller.de";
  c.name = "Müller GmbH";
  c.first_contact = now - 3 * 366 * 24 * 3600;
  in.customer = c;
  Contact contact;
  contact.email = "p.keller@mueller.de";
  contact.name = "Petra Keller";
  contact.first_name = "Petra";
  contact.last_name = "Keller";
  contact.salutation = Salutation::frau;
  in.contact = contact;
  in.thread_subject = "AW: Angebot Q3";
  in.in_thread = true;
  in.user_name = "Anna Vogel";
  in.signature = "Anna Vogel\nVertrieb\nExample GmbH";
  in.slots = {"Die Lieferung ging an die alte Adresse.", "Wir prüfen Adressen jetzt doppelt.",
              "Die Versandkosten schreiben wir Ihnen gut."};
  return in;
}

// What a reader would see as a broken letter.
void expect_clean(const std::string& text, const std::string& where) {
  for (const char* bad : {"{{", "}}", ", ,", " ,", " .", "Dear ,", "Tag ,", "„“", "\"\"", "()",
                          "  "})
    EXPECT_EQ(text.find(bad), std::string::npos) << where << ": contains \"" << bad << "\"\n"
                                                 << text;
}

TEST(Letters, EveryTemplateRendersStrictlyForEveryKindLanguageAndFinding) {
  const auto templates = TemplateSet::builtin();
  int rendered = 0;
  for (const Language language : {Language::de, Language::en}) {
    EXPECT_EQ(templates.kinds(language).size(), builtin_kinds().size());
    for (const auto kind : builtin_kinds()) {
      for (const FindingKind finding_kind :
           {FindingKind::unanswered, FindingKind::stalled, FindingKind::lapsing, FindingKind::quiet,
            FindingKind::absence}) {
        for (const bool rich : {true, false}) {
          const std::string where = std::string(language_code(language)) + "/" +
                                    std::string(kind) + " finding " +
                                    std::string(to_string(finding_kind)) + (rich ? " rich" : " bare");
          std::vector<std::string> missing;
          auto letter = render_letter(templates, kind, language,
                                      letter_variables(input_of(finding_kind, rich, language)),
                                      &missing);
          ASSERT_TRUE(letter) << where << ": " << letter.error().to_string();
          EXPECT_TRUE(missing.empty()) << where << ": unresolved " << missing.front();
          EXPECT_FALSE(letter->subject.empty()) << where;
          EXPECT_EQ(letter->subject.find('\n'), std::string::npos) << where;
          expect_clean(letter->subject, where + " subject");
          expect_clean(letter->text, where + " text");
          expect_clean(letter->html, where + " html");
          EXPECT_NE(letter->html.find("<html lang=\"" + std::string(language_code(language))),
                    std::string::npos);
          ++rendered;
        }
      }
    }
  }
  EXPECT_EQ(rendered, 2 * 6 * 5 * 2);
}

TEST(Letters, BuiltinTemplatesPassTheTemplateCheck) {
  const auto templates = TemplateSet::builtin();
  for (const Language language : {Language::de, Language::en})
    for (const auto kind : builtin_kinds())
      for (const Part part : {Part::subject, Part::html, Part::text}) {
        const auto* source = templates.find(language, kind, part);
        ASSERT_NE(source, nullptr) << kind;
        auto checked = check_template(source->text, part, source->origin);
        EXPECT_TRUE(checked) << checked.error().to_string();
      }
}

TEST(Letters, RichGermanLateReplyReadsAsWritten) {
  auto letter = render_letter(TemplateSet::builtin(), "late-reply", Language::de,
                              letter_variables(input_of(FindingKind::unanswered, true,
                                                        Language::de)));
  ASSERT_TRUE(letter);
  EXPECT_EQ(letter->subject, "AW: Angebot Q3");
  EXPECT_TRUE(letter->text.starts_with("Sehr geehrte Frau Keller,\n\nbitte entschuldigen Sie, dass "
                                       "Sie schon seit 6 Werktagen auf meine Antwort zu „Angebot "
                                       "Q3“ warten."))
      << letter->text;
  EXPECT_TRUE(letter->text.ends_with("Mit freundlichen Grüßen\n\nAnna Vogel\nVertrieb\nExample "
                                     "GmbH\n"))
      << letter->text;
}

TEST(Letters, BareLettersDegradeGracefully) {
  auto de = render_letter(TemplateSet::builtin(), "late-reply", Language::de,
                          letter_variables(input_of(FindingKind::unanswered, false, Language::de)));
  ASSERT_TRUE(de);
  EXPECT_TRUE(de->text.starts_with("Guten Tag,\n\nbitte entschuldigen Sie, dass Sie so lange auf "
                                   "meine Antwort warten."))
      << de->text;
  EXPECT_EQ(de->subject, "Ihre Anfrage");
  EXPECT_TRUE(de->text.ends_with("Mit freundlichen Grüßen\n")) << de->text;
  auto en = render_letter(TemplateSet::builtin(), "win-back", Language::en,
                          letter_variables(input_of(FindingKind::quiet, false, Language::en)));
  ASSERT_TRUE(en);
  EXPECT_TRUE(en->text.starts_with("Hello,\n\nWe have not heard")) << en->text;
  EXPECT_NE(en->text.find("why you decided to go elsewhere, and what we should do better?"),
            std::string::npos);
}

TEST(Letters, ApologySlotsOrMarkedPassages) {
  auto empty = input_of(FindingKind::unanswered, true, Language::de);
  empty.slots = {};
  auto letter = render_letter(TemplateSet::builtin(), "apology", Language::de,
                              letter_variables(empty));
  ASSERT_TRUE(letter);
  EXPECT_NE(letter->text.find("Was passiert ist: [Was ist schiefgelaufen?"), std::string::npos);
  EXPECT_NE(letter->text.find("[Was haben wir konkret geändert?]"), std::string::npos);
  EXPECT_EQ(letter->text.find("Ausgleich"), std::string::npos);  // the gesture is optional
  EXPECT_NE(letter->html.find("background-color:#fff3b0\">[Was ist schiefgelaufen?"),
            std::string::npos);

  auto filled = render_letter(TemplateSet::builtin(), "apology", Language::en,
                              letter_variables(input_of(FindingKind::unanswered, true,
                                                        Language::en)));
  ASSERT_TRUE(filled);
  EXPECT_NE(filled->text.find("What happened: Die Lieferung ging an die alte Adresse."),
            std::string::npos);
  EXPECT_NE(filled->text.find("To make up for the trouble: Die Versandkosten"), std::string::npos);
  EXPECT_EQ(filled->text.find('['), std::string::npos) << filled->text;
  EXPECT_NE(filled->text.find("You have worked with us for more than three years"),
            std::string::npos)
      << filled->text;
}

TEST(Letters, LapsingTrialNamesTheEndDate) {
  auto in = input_of(FindingKind::lapsing, true, Language::de);
  auto de = render_letter(TemplateSet::builtin(), default_kind(in.finding), Language::de,
                          letter_variables(in));
  ASSERT_TRUE(de);
  EXPECT_EQ(de->kind, "follow-up");
  EXPECT_NE(de->text.find("Ihre Testphase endet am 31.12.2026."), std::string::npos) << de->text;
  in.language = Language::en;
  in.finding.engagement = "contract";
  auto en = render_letter(TemplateSet::builtin(), default_kind(in.finding), Language::en,
                          letter_variables(in));
  ASSERT_TRUE(en);
  EXPECT_EQ(en->kind, "renewal");
  EXPECT_NE(en->text.find("your contract runs until 31 December 2026."), std::string::npos)
      << en->text;
}

TEST(Letters, AnEndAlreadyPastIsNotWrittenAsComing) {
  auto in = input_of(FindingKind::lapsing, true, Language::de);
  in.finding.ends = "2026-10-31";  // before the input's `now` (November 2026)
  ASSERT_GT(in.now, 1793404800);   // 2026-10-31T00:00:00Z
  auto de = render_letter(TemplateSet::builtin(), "follow-up", Language::de, letter_variables(in));
  ASSERT_TRUE(de);
  EXPECT_NE(de->text.find("Ihre Testphase ist am 31.10.2026 ausgelaufen."), std::string::npos)
      << de->text;
  EXPECT_EQ(de->text.find("endet am"), std::string::npos) << de->text;
  in.language = Language::en;
  in.finding.engagement = "contract";
  auto en = render_letter(TemplateSet::builtin(), "renewal", Language::en, letter_variables(in));
  ASSERT_TRUE(en);
  EXPECT_NE(en->text.find("your contract ended on 31 October 2026"), std::string::npos)
      << en->text;
  EXPECT_EQ(en->text.find("runs until"), std::string::npos) << en->text;
  EXPECT_NE(en->html.find("ended on 31 October 2026"), std::string::npos) << en->html;
}

TEST(Letters, Greetings) {
  struct Row {
    Salutation salutation;
    std::string title, first, last, name, display;
    std::string de, en;
  };
  const std::vector<Row> rows = {
      {Salutation::frau, "", "Petra", "Keller", "", "", "Sehr geehrte Frau Keller,",
       "Dear Ms Keller,"},
      {Salutation::herr, "Dr.", "Jan", "Keller", "", "", "Sehr geehrter Herr Dr. Keller,",
       "Dear Dr. Keller,"},
      {Salutation::herr, "", "", "", "Jan Keller", "", "Sehr geehrter Herr Keller,",
       "Dear Mr Keller,"},
      {Salutation::unknown, "", "Petra", "Keller", "", "", "Guten Tag Petra Keller,",
       "Dear Petra Keller,"},
      {Salutation::unknown, "", "", "", "", "Keller, Petra", "Guten Tag Petra Keller,",
       "Dear Petra Keller,"},
      {Salutation::frau, "", "", "", "", "", "Guten Tag,", "Hello,"},
      {Salutation::unknown, "", "", "", "", "p.keller@mueller.de", "Guten Tag,", "Hello,"},
      {Salutation::unknown, "", "", "", "", "\"Petra\r\nKeller\"", "Guten Tag Petra Keller,",
       "Dear Petra Keller,"},
  };
  for (const auto& row : rows) {
    Contact c;
    c.salutation = row.salutation;
    c.title = row.title;
    c.first_name = row.first;
    c.last_name = row.last;
    c.name = row.name;
    EXPECT_EQ(greeting(c, row.display, Language::de), row.de) << row.name << row.display;
    EXPECT_EQ(greeting(c, row.display, Language::en), row.en) << row.name << row.display;
  }
  EXPECT_EQ(greeting(std::nullopt, "", Language::de), "Guten Tag,");
}

TEST(Letters, ReplyPrefixIsNeverDoubled) {
  EXPECT_EQ(reply_subject("Angebot Q3", Language::de), "AW: Angebot Q3");
  EXPECT_EQ(reply_subject("AW: AW: Angebot Q3", Language::de), "AW: Angebot Q3");
  EXPECT_EQ(reply_subject("Re: WG: Angebot Q3", Language::de), "AW: Angebot Q3");
  EXPECT_EQ(reply_subject("AW: Angebot Q3", Language::en), "Re: Angebot Q3");
  EXPECT_EQ(reply_subject("RE: Re: quote", Language::en), "Re: quote");
}

TEST(Letters, HostileNamesAreEscapedInHtmlOnly) {
  auto in = input_of(FindingKind::unanswered, true, Language::en);
  in.contact->salutation = Salutation::unknown;
  in.contact->first_name = "<script>alert(1)</script>";
  in.contact->last_name = "O'Brien \"Bob\" & Co";
  in.thread_subject = "<img src=x onerror=alert(2)>";
  in.signature = "Anna <b>Vogel</b>";
  auto letter = render_letter(TemplateSet::builtin(), "late-reply", Language::en,
                              letter_variables(in));
  ASSERT_TRUE(letter);
  EXPECT_EQ(letter->html.find("<script>"), std::string::npos);
  EXPECT_EQ(letter->html.find("<img"), std::string::npos);
  EXPECT_EQ(letter->html.find("<b>"), std::string::npos);
  EXPECT_NE(letter->html.find("&lt;script&gt;alert(1)&lt;/script&gt; O&apos;Brien "
                              "&quot;Bob&quot; &amp; Co,"),
            std::string::npos)
      << letter->html;
  EXPECT_NE(letter->html.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  // Plain text and subject are not HTML: the name stays as written.
  EXPECT_NE(letter->text.find("Dear <script>alert(1)</script> O'Brien \"Bob\" & Co,"),
            std::string::npos);
  EXPECT_EQ(letter->subject, "Re: <img src=x onerror=alert(2)>");
}

TEST(Letters, TemplateErrorsNameFileAndLine) {
  auto set = TemplateSet::builtin();
  struct Row {
    std::string text;
    Part part;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"{{greeting}}\n\n{{#subject}}zu {{subject}}\n", Part::text,
       "my.txt:3: section \"subject\" is never closed"},
      {"{{greeting}}\n{{contact_nme}}\n", Part::text, "my.txt:2: unknown variable \"contact_nme\""},
      {"{{greeting}}\nDear {{contact_name}},\n", Part::text,
       "my.txt:2: \"contact_name\" may be empty"},
      {"<p>\n{{#contact_name}}{{{contact_name}}}{{/contact_name}}</p>", Part::html,
       "my.txt:2: unescaped {{{contact_name}}} in an HTML template"},
      {"a\nb\n{{/subject}}", Part::text, "my.txt:3: {{/subject}} closes a section"},
      {"a\n{{#subject}}{{/company}}", Part::text, "my.txt:2: {{/company}} closes \"subject\""},
      {"a\n\n\n{{greeting", Part::text, "my.txt:4: tag \"{{\" is never closed"},
      {"{{> footer}}", Part::text, "my.txt:1: partials"},
  };
  for (const auto& row : rows) {
    auto added = set.add(Language::de, "late-reply", row.part, row.text, "my.txt");
    ASSERT_FALSE(added) << row.text;
    EXPECT_EQ(added.error().id, "letters.template");
    EXPECT_TRUE(added.error().message.starts_with(row.expected))
        << added.error().message << "\nexpected: " << row.expected;
  }
  // The failed additions left the built-in template in place.
  auto letter = render_letter(set, "late-reply", Language::de,
                              letter_variables(input_of(FindingKind::unanswered, true,
                                                        Language::de)));
  ASSERT_TRUE(letter);
  EXPECT_NE(letter->text.find("bitte entschuldigen Sie"), std::string::npos);
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("nachfass-letters-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path / "de");
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

TEST(Letters, UserTemplatesOverrideAndAdd) {
  TempDir dir;
  dir.write("de/late-reply.txt.mustache", "{{greeting}}\n\nEigener Text.\n");
  dir.write("de/price-increase.subject.mustache", "Neue Preise");
  dir.write("de/price-increase.html.mustache", "<p>{{greeting}}</p>");
  dir.write("de/price-increase.txt.mustache", "{{greeting}}\n");
  dir.write("de/notes.txt", "not a template {{");
  auto set = TemplateSet::load(dir.path);
  ASSERT_TRUE(set) << set.error().to_string();
  EXPECT_TRUE(set->has(Language::de, "price-increase"));
  EXPECT_FALSE(set->has(Language::en, "price-increase"));
  const auto vars = letter_variables(input_of(FindingKind::unanswered, true, Language::de));
  auto letter = render_letter(*set, "late-reply", Language::de, vars);
  ASSERT_TRUE(letter);
  EXPECT_EQ(letter->text, "Sehr geehrte Frau Keller,\n\nEigener Text.\n");
  EXPECT_EQ(letter->subject, "AW: Angebot Q3");  // the built-in subject still applies
  auto added = render_letter(*set, "price-increase", Language::de, vars);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->subject, "Neue Preise");
  auto unknown = render_letter(*set, "price-increase", Language::en, vars);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().id, "letters.unknown_kind");
  EXPECT_NE(unknown.error().message.find("late-reply"), std::string::npos);

  dir.write("de/apology.html.mustache", "<p>{{greeting}}</p>\n<p>{{#gesture}}{{gesture}}</p>\n");
  auto broken = TemplateSet::load(dir.path);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().id, "letters.template");
  EXPECT_EQ(broken.error().message,
            (dir.path / "de/apology.html.mustache").string() +
                ":2: section \"gesture\" is never closed — add {{/gesture}}");
  // No directory: the built-ins.
  auto missing = TemplateSet::load(dir.path / "none");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->kinds(Language::de).size(), builtin_kinds().size());
}

TEST(Letters, DefaultKinds) {
  Finding f;
  f.kind = FindingKind::unanswered;
  EXPECT_EQ(default_kind(f), "late-reply");
  f.kind = FindingKind::stalled;
  EXPECT_EQ(default_kind(f), "follow-up");
  f.kind = FindingKind::lapsing;
  f.engagement = "trial";
  EXPECT_EQ(default_kind(f), "follow-up");
  f.engagement = "seminar";
  EXPECT_EQ(default_kind(f), "follow-up");
  f.engagement = "Contract";
  EXPECT_EQ(default_kind(f), "renewal");
  f.kind = FindingKind::quiet;
  EXPECT_EQ(default_kind(f), "win-back");
  f.kind = FindingKind::absence;
  EXPECT_EQ(default_kind(f), "welcome-back");
}

// ---- MIME

std::string header_block(const std::string& mime) { return mime.substr(0, mime.find("\n\n")); }

TEST(Compose, MultipartAlternativeWithThreadingHeaders) {
  auto letter = render_letter(TemplateSet::builtin(), "late-reply", Language::de,
                              letter_variables(input_of(FindingKind::unanswered, true,
                                                        Language::de)));
  ASSERT_TRUE(letter);
  DraftHeaders h;
  h.from = {"anna.vogel@example.com", "Anna Vögel"};
  h.to = {"p.keller@mueller.de", "Petra Keller"};
  h.in_reply_to = "m2@mueller.de";
  h.references = {"root@mueller.de", "m2@mueller.de"};
  h.date = now;
  h.utc_offset_minutes = 60;
  h.message_id = "draft-1@example.com";
  auto mime = compose_draft(*letter, h);
  ASSERT_TRUE(mime) << mime.error().to_string();
  const std::string headers = header_block(*mime);
  EXPECT_NE(headers.find("In-Reply-To: <m2@mueller.de>"), std::string::npos) << headers;
  EXPECT_NE(headers.find("References: <root@mueller.de> <m2@mueller.de>"), std::string::npos);
  EXPECT_NE(headers.find("Message-Id: <draft-1@example.com>"), std::string::npos) << headers;
  EXPECT_NE(headers.find("To: Petra Keller <p.keller@mueller.de>"), std::string::npos);
  EXPECT_NE(headers.find("+0100"), std::string::npos) << headers;
  EXPECT_NE(headers.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(headers.find("From: Anna =?UTF-8?"), std::string::npos) << headers;  // RFC 2047
  EXPECT_NE(headers.find("MIME-Version: 1.0"), std::string::npos) << headers;
  EXPECT_NE(mime->find("Content-Type: text/plain; charset=utf-8"), std::string::npos) << *mime;
  EXPECT_NE(mime->find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(mime->find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
  EXPECT_LT(mime->find("text/plain"), mime->find("text/html"));
  // 7-bit clean: every umlaut is encoded.
  for (const char c : *mime) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << *mime;
}

TEST(Compose, SubjectIsEncodedAndNamesCannotInjectHeaders) {
  RenderedLetter letter{"late-reply", Language::de, "AW: Rückfrage zur Lieferung\r\nBcc: x@evil",
                        "<p>Hallo</p>", "Hallo\n"};
  DraftHeaders h;
  h.from = {"anna.vogel@example.com", "Anna\r\nBcc: spy@evil.example"};
  h.to = {"p.keller@mueller.de", "\"Keller\" <x@evil.example>\nCc: y@evil.example"};
  h.date = now;
  auto mime = compose_draft(letter, h);
  ASSERT_TRUE(mime);
  const std::string headers = header_block(*mime);
  EXPECT_EQ(headers.find("\nBcc:"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("\nCc:"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Subject: AW: =?UTF-8?B?"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("In-Reply-To"), std::string::npos);  // a new thread
  EXPECT_TRUE(std::regex_search(headers, std::regex("Message-Id: <nachfass\\.[0-9a-f]{24}@example\\.com>")))
      << headers;
}

TEST(Compose, MissingAddressesAreErrors) {
  RenderedLetter letter{"late-reply", Language::de, "x", "<p>x</p>", "x"};
  DraftHeaders h;
  h.from = {"anna.vogel@example.com", ""};
  auto no_to = compose_draft(letter, h);
  ASSERT_FALSE(no_to);
  EXPECT_EQ(no_to.error().id, "letters.no_recipient");
  h.to = {"p.keller@mueller.de", ""};
  h.from = {};
  auto no_from = compose_draft(letter, h);
  ASSERT_FALSE(no_from);
  EXPECT_EQ(no_from.error().id, "letters.no_sender");
}

}  // namespace
}  // namespace nachfass::letters
