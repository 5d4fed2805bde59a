#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/threading.hpp"

namespace nachfass {
namespace {

struct SubjectRow {
  std::string_view subject;
  std::string_view base;
  bool reply_prefix;
};

// clang-format off
const SubjectRow subject_rows[] = {
    // English, German, Nordic, Dutch, Romance, Polish, Chinese
    {"Re: Angebot", "Angebot", true},
    {"RE: Angebot", "Angebot", true},
    {"re: Angebot", "Angebot", true},
    {"AW: Angebot", "Angebot", true},
    {"Aw: Angebot", "Angebot", true},
    {"WG: Angebot", "Angebot", true},
    {"Wg: Angebot", "Angebot", true},
    {"Fwd: Angebot", "Angebot", true},
    {"FWD: Angebot", "Angebot", true},
    {"Fw: Angebot", "Angebot", true},
    {"FW: Angebot", "Angebot", true},
    {"SV: Tilbud", "Tilbud", true},
    {"Sv: Tilbud", "Tilbud", true},
    {"VS: Tilbud", "Tilbud", true},
    {"VB: Offert", "Offert", true},
    {"VL: Tarjous", "Tarjous", true},
    {"Antw: Offerte", "Offerte", true},
    {"Antwort: Angebot", "Angebot", true},
    {"Doorst: Offerte", "Offerte", true},
    {"Odp: Oferta", "Oferta", true},
    {"PD: Oferta", "Oferta", true},
    {"Rif: Offerta", "Offerta", true},
    {"R: Offerta", "Offerta", true},
    {"RES: Proposta", "Proposta", true},
    {"Enc: Proposta", "Proposta", true},
    {"RV: Oferta", "Oferta", true},
    {"TR: Devis", "Devis", true},
    {"Ref: Devis", "Devis", true},
    {"R\xc3\xa9" "f: Devis", "Devis", true},               // Réf:
    {"R\xc3\x89" "F: Devis", "Devis", true},               // RÉF:
    {"\xe5\x9b\x9e\xe5\xa4\x8d: \xe6\x8a\xa5\xe4\xbb\xb7",  // 回复: 报价
     "\xe6\x8a\xa5\xe4\xbb\xb7", true},
    {"\xe8\xbd\xac\xe5\x8f\x91\xef\xbc\x9a\xe6\x8a\xa5\xe4\xbb\xb7",  // 转发：报价 (full-width colon)
     "\xe6\x8a\xa5\xe4\xbb\xb7", true},
    // Stacked, mixed, counters, spacing
    {"AW: WG: Re: Angebot", "Angebot", true},
    {"Re: Re: Re: Angebot", "Angebot", true},
    {"Re[2]: Angebot", "Angebot", true},
    {"RE[12]: Angebot", "Angebot", true},
    {"Re(3): Angebot", "Angebot", true},
    {"RE : Angebot", "Angebot", true},
    {"Re:Angebot", "Angebot", true},
    {"AW:AW:Angebot", "Angebot", true},
    {"Re\xef\xbc\x9a" "Angebot", "Angebot", true},            // full-width colon
    {"  \tRe:   Angebot  ", "Angebot", true},
    // Tags
    {"[ext] Angebot", "Angebot", false},
    {"[EXTERN] AW: Angebot", "Angebot", true},
    {"[External] Re: Angebot", "Angebot", true},
    {"[SPAM?] Angebot", "Angebot", false},
    {"[Ticket#123] AW: Angebot", "Angebot", true},
    {"[ext] AW: WG: Re: Angebot", "Angebot", true},
    {"AW: [ext] WG: [Ticket#9] Angebot", "Angebot", true},
    {"AW: WG: [ext] Re: Angebot Q3", "Angebot Q3", true},
    {"[users@httpd] RE: Can apache reverse proxy", "Can apache reverse proxy", true},
    // Only prefixes
    {"Re:", "", true},
    {"AW: WG:", "", true},
    {"[ext]", "", false},
    {"", "", false},
    {"   ", "", false},
    // Words that only look like prefixes stay
    {"Reisekosten Mai", "Reisekosten Mai", false},
    {"Reklamation: Lieferung 17", "Reklamation: Lieferung 17", false},
    {"Angebot Fwd Re: 4711", "Angebot Fwd Re: 4711", false},
    {"Re Angebot", "Re Angebot", false},
    {"Fwd", "Fwd", false},
    {"Re", "Re", false},
    {"AWB: Zollpapiere", "AWB: Zollpapiere", false},
    {"Re[x]: Angebot", "Re[x]: Angebot", false},
    {"Re[2] Angebot", "Re[2] Angebot", false},
    {"[unterminated AW: Angebot", "[unterminated AW: Angebot", false},
    // Whitespace collapsed, case and UTF-8 of the rest kept
    {"AW:  Angebot   f\xc3\xbcr\t\tM\xc3\xbcller  ", "Angebot f\xc3\xbcr M\xc3\xbcller", true},
    {"Re: \xc3\x84nderung  der  Lieferadresse", "\xc3\x84nderung der Lieferadresse", true},
    {"Re:\xc2\xa0" "Angebot", "Angebot", true},  // NO-BREAK SPACE after the colon
    {"SV: Bl\xc3\xa5" "b\xc3\xa6rgr\xc3\xb8" "d", "Bl\xc3\xa5" "b\xc3\xa6rgr\xc3\xb8" "d", true},
};
// clang-format on

class BaseSubject : public ::testing::TestWithParam<SubjectRow> {};

TEST_P(BaseSubject, StripsPrefixesAndTags) {
  const SubjectRow& row = GetParam();
  EXPECT_EQ(base_subject(row.subject), row.base) << "subject: \"" << row.subject << '"';
  EXPECT_EQ(has_reply_prefix(row.subject), row.reply_prefix) << "subject: \"" << row.subject << '"';
}

INSTANTIATE_TEST_SUITE_P(Table, BaseSubject, ::testing::ValuesIn(subject_rows));

TEST(BaseSubject, IsIdempotent) {
  for (const SubjectRow& row : subject_rows) {
    const std::string once = base_subject(row.subject);
    if (once.empty() || has_reply_prefix(once)) continue;
    EXPECT_EQ(base_subject(once), once) << row.subject;
  }
}

TEST(BaseSubject, LongSubjectsAndBinaryGarbageAreSafe) {
  std::string long_subject(100000, 'x');
  EXPECT_EQ(base_subject("Re: " + long_subject), long_subject);
  std::string prefixes;
  for (int i = 0; i < 10000; ++i) prefixes += "AW: ";
  EXPECT_EQ(base_subject(prefixes + "Angebot"), "Angebot");
  const std::string garbage("\xff\xfe\x00\xc3", 4);
  EXPECT_EQ(base_subject(garbage), garbage);
  EXPECT_EQ(base_subject("Re: \xc3"), "\xc3");  // truncated UTF-8 at the end
}

}  // namespace
}  // namespace nachfass
