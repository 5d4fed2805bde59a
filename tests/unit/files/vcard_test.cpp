#include "files/vcard.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace nachfass::files {
namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(NACHFASS_TEST_DATA) + "/files/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(VCard, Thunderbird40) {
  const auto import = parse_vcards(read("thunderbird.vcf"), "thunderbird.vcf");
  EXPECT_TRUE(import.warnings.empty());
  ASSERT_EQ(import.entries.size(), 2u);
  const CustomerEntry& keller = import.entries[0];
  EXPECT_EQ(keller.origin, "thunderbird.vcf:1");
  EXPECT_EQ(keller.name, "M\xC3\xBCller GmbH");
  EXPECT_TRUE(keller.domains.empty());  // addresses claim themselves
  EXPECT_EQ(keller.tier, "key");
  ASSERT_EQ(keller.contacts.size(), 2u);
  EXPECT_EQ(keller.contacts[0].email, "s.keller@mueller.de");
  EXPECT_EQ(keller.contacts[1].email, "sabine.keller@gmail.com");
  for (const Contact& c : keller.contacts) {
    EXPECT_EQ(c.name, "Sabine Keller");
    EXPECT_EQ(c.first_name, "Sabine");
    EXPECT_EQ(c.last_name, "Keller");
    EXPECT_EQ(c.title, "Dr.");
    EXPECT_EQ(c.salutation, Salutation::frau);  // GENDER:F
    EXPECT_EQ(c.phone, "+49 89 1234-0");        // the work number, not the first
  }
  const CustomerEntry& max = import.entries[1];
  EXPECT_EQ(max.origin, "thunderbird.vcf:17");
  EXPECT_TRUE(max.name.empty());
  EXPECT_TRUE(max.tier.empty());
  ASSERT_EQ(max.contacts.size(), 1u);
  EXPECT_EQ(max.contacts[0].email, "max.mustermann@web.de");
  EXPECT_EQ(max.contacts[0].salutation, Salutation::unknown);
}

TEST(VCard, Outlook21WithQuotedPrintableAndWindows1252) {
  const auto import = parse_vcards(read("outlook_21.vcf"), "outlook.vcf");
  EXPECT_TRUE(import.warnings.empty()) << import.warnings.front();
  ASSERT_EQ(import.entries.size(), 2u);
  const CustomerEntry& weiss = import.entries[0];
  EXPECT_EQ(weiss.name, "Schmidt & S\xC3\xB6hne Bau");
  ASSERT_EQ(weiss.contacts.size(), 1u);
  const Contact& c = weiss.contacts[0];
  EXPECT_EQ(c.email, "j.weiss@schmidt-bau.de");
  EXPECT_EQ(c.name, "J\xC3\xBCrgen Wei\xC3\x9F");
  EXPECT_EQ(c.first_name, "J\xC3\xBCrgen");
  EXPECT_EQ(c.last_name, "Wei\xC3\x9F");
  EXPECT_EQ(c.salutation, Salutation::herr);
  EXPECT_TRUE(c.title.empty());
  EXPECT_EQ(c.phone, "+49 711 9876-0");
  const CustomerEntry& mueller = import.entries[1];
  EXPECT_EQ(mueller.origin, "outlook.vcf:19");
  EXPECT_EQ(mueller.name, "Universit\xC3\xA4t Beispielstadt");
  ASSERT_EQ(mueller.contacts.size(), 1u);
  EXPECT_EQ(mueller.contacts[0].name, "Prof. Dr. Petra M\xC3\xBCller");
  EXPECT_EQ(mueller.contacts[0].title, "Prof. Dr.");
  EXPECT_EQ(mueller.contacts[0].salutation, Salutation::frau);
}

TEST(VCard, Apple30WithGroupsAndFolding) {
  const auto import = parse_vcards(read("apple_30.vcf"), "apple.vcf");
  EXPECT_TRUE(import.warnings.empty());
  ASSERT_EQ(import.entries.size(), 2u);
  const CustomerEntry& doe = import.entries[0];
  EXPECT_EQ(doe.name, "Acme Corp");
  ASSERT_EQ(doe.contacts.size(), 2u);
  EXPECT_EQ(doe.contacts[0].email, "jane.doe@acme.com");
  EXPECT_EQ(doe.contacts[1].email, "jane@doe-family.example");
  EXPECT_EQ(doe.contacts[0].salutation, Salutation::frau);  // "Ms." prefix
  EXPECT_TRUE(doe.contacts[0].title.empty());
  EXPECT_EQ(doe.contacts[0].phone, "+1 (555) 010-0100");
  const CustomerEntry& globex = import.entries[1];
  EXPECT_EQ(globex.name, "Globex Corporation");
  EXPECT_EQ(globex.contacts.at(0).email, "info@globex.example");
}

TEST(VCard, BrokenCardsAreReportedAndSkipped) {
  const auto import = parse_vcards(read("broken.vcf"), "kontakte.vcf");
  ASSERT_EQ(import.entries.size(), 2u);
  EXPECT_EQ(import.entries[0].contacts.at(0).email, "gut@example.org");
  ASSERT_EQ(import.entries[1].contacts.size(), 1u);
  EXPECT_EQ(import.entries[1].contacts[0].email, "richtig@example.org");
  EXPECT_EQ(import.entries[1].contacts[0].name, "Falsche Adresse");
  const std::vector<std::string> expected = {
      "kontakte.vcf:6: card without END:VCARD \xE2\x80\x94 skipped",
      "kontakte.vcf:13: malformed line (expected NAME:value) in the card from line 10 "
      "\xE2\x80\x94 skipped",
      "kontakte.vcf:16: card has no name, organisation or e-mail address \xE2\x80\x94 skipped",
      "kontakte.vcf:23: invalid e-mail address \"keine adresse\" \xE2\x80\x94 skipped",
      "kontakte.vcf:26: card without END:VCARD \xE2\x80\x94 skipped",
  };
  EXPECT_EQ(import.warnings, expected);
}

TEST(VCard, EscapesAndStructuredValues) {
  const auto import = parse_vcards(
      "BEGIN:VCARD\nVERSION:4.0\nFN:Keller\\, Sabine\nN:Keller;Sabine;;Herr Dr.\\; Ing.;\n"
      "ORG:Firma\\; mit Semikolon;Abteilung\nEMAIL;TYPE=\"work,pref\":MAILTO:S@X.DE\n"
      "TEL;VALUE=uri;TYPE=\"voice,work\":tel:+49-89-1\nGENDER:M;he/him\nEND:VCARD\n",
      "e.vcf");
  ASSERT_EQ(import.entries.size(), 1u);
  const CustomerEntry& e = import.entries[0];
  EXPECT_EQ(e.name, "Firma; mit Semikolon");
  const Contact& c = e.contacts.at(0);
  EXPECT_EQ(c.name, "Keller, Sabine");
  EXPECT_EQ(c.email, "s@x.de");
  EXPECT_EQ(c.phone, "+49-89-1");
  EXPECT_EQ(c.salutation, Salutation::herr);
  EXPECT_EQ(c.title, "Dr.; Ing.");
}

TEST(VCard, CardWithoutAddressKeepsItsContact) {
  const auto import =
      parse_vcards("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nur Telefon\r\nTEL:0800 1\r\nEND:VCARD\r\n",
                   "t.vcf");
  ASSERT_EQ(import.entries.size(), 1u);
  ASSERT_EQ(import.entries[0].contacts.size(), 1u);
  EXPECT_EQ(import.entries[0].contacts[0].email, "");
  EXPECT_EQ(import.entries[0].contacts[0].phone, "0800 1");
}

TEST(VCard, MixedEncodingsAreDecodedPerValue) {
  // One card in UTF-8, one in Windows-1252: each value keeps its own encoding.
  const auto import = parse_vcards(
      "BEGIN:VCARD\nFN:J\xC3\xBCrgen\nEND:VCARD\nBEGIN:VCARD\nFN:M\xFCller\nEND:VCARD\n", "m.vcf");
  ASSERT_EQ(import.entries.size(), 2u);
  EXPECT_EQ(import.entries[0].contacts.at(0).name, "J\xC3\xBCrgen");
  EXPECT_EQ(import.entries[1].contacts.at(0).name, "M\xC3\xBCller");
}

TEST(VCard, Utf16File) {
  const std::string utf8 = "BEGIN:VCARD\r\nFN:M\xC3\xBCller\r\nEMAIL:m@m.de\r\nEND:VCARD\r\n";
  std::string utf16 = "\xFF\xFE";
  for (unsigned char c : std::string("BEGIN:VCARD\r\nFN:M\xFCller\r\nEMAIL:m@m.de\r\nEND:VCARD\r\n")) {
    utf16.push_back(static_cast<char>(c));
    utf16.push_back('\0');
  }
  EXPECT_TRUE(looks_like_vcard(utf16));
  const auto import = parse_vcards(utf16, "u.vcf");
  ASSERT_EQ(import.entries.size(), 1u);
  EXPECT_EQ(import.entries[0].contacts.at(0).name, "M\xC3\xBCller");
  EXPECT_EQ(parse_vcards(utf8, "u.vcf").entries.at(0).contacts.at(0).name, "M\xC3\xBCller");
}

TEST(VCard, EveryPrefixParsesWithoutCrashing) {
  const std::string text = read("outlook_21.vcf") + read("apple_30.vcf") + read("broken.vcf");
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const auto import = parse_vcards(std::string_view(text).substr(0, n), "p.vcf");
    for (const auto& w : import.warnings) EXPECT_TRUE(w.starts_with("p.vcf:")) << w;
  }
}

}  // namespace
}  // namespace nachfass::files
