#include "files/csv.hpp"

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

const CustomerEntry* named(const CustomerImport& import, std::string_view name) {
  for (const auto& e : import.entries)
    if (e.name == name) return &e;
  return nullptr;
}

TEST(SplitCsv, DetectsTheDelimiterFromTheHeader) {
  EXPECT_EQ(detect_delimiter("a,b,c"), ',');
  EXPECT_EQ(detect_delimiter("Firma;Domain;E-Mail"), ';');
  EXPECT_EQ(detect_delimiter("a\tb\tc"), '\t');
  EXPECT_EQ(detect_delimiter("\"Firma, Name\";Domain"), ';');
  EXPECT_EQ(detect_delimiter("single"), ',');
}

TEST(SplitCsv, QuotedFieldsWithDelimitersQuotesAndLineBreaks) {
  const auto table = split_csv(
      "a;b;c\r\n\"x;1\";\"say \"\"hi\"\"\";\"line1\r\nline2\"\r\n\r\nlast;\"\";z", "t.csv");
  EXPECT_EQ(table.delimiter, ';');
  EXPECT_TRUE(table.warnings.empty());
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[1].line, 2u);
  EXPECT_EQ(table.rows[1].fields, (std::vector<std::string>{"x;1", "say \"hi\"", "line1\nline2"}));
  EXPECT_EQ(table.rows[2].line, 5u);
  EXPECT_EQ(table.rows[2].fields, (std::vector<std::string>{"last", "", "z"}));
}

TEST(SplitCsv, QuoteInsideAnUnquotedFieldIsACharacter) {
  const auto table = split_csv("a,b\n12\" Monitor,x\n", "t.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1].fields[0], "12\" Monitor");
}

TEST(SplitCsv, UnclosedQuoteSkipsOnlyItsRow) {
  const auto table = split_csv("a,b\n\"open,x\nc,d\ne,f\n", "t.csv");
  ASSERT_EQ(table.warnings.size(), 1u);
  EXPECT_EQ(table.warnings[0], "t.csv:2: quoted field not closed \xE2\x80\x94 skipped");
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[1].fields, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(table.rows[1].line, 3u);
  EXPECT_EQ(table.rows[2].line, 4u);
}

TEST(SplitCsv, EscapedQuotesDoNotCloseAField) {
  // Line 2 opens a field whose only later quotes are an escaped pair: never closed.
  const auto open = split_csv("a\n\"x\n\"\"y\nz\n", "t.csv");
  ASSERT_EQ(open.warnings.size(), 1u);
  EXPECT_EQ(open.warnings[0], "t.csv:2: quoted field not closed \xE2\x80\x94 skipped");
  ASSERT_EQ(open.rows.size(), 3u);
  EXPECT_EQ(open.rows[1].fields[0], "y");  // an empty quoted field, then y
  EXPECT_EQ(open.rows[2].fields[0], "z");
  // Three quotes: an escaped one and the closing one.
  const auto closed = split_csv("a\n\"x\ny\"\"\"\nz\n", "t.csv");
  EXPECT_TRUE(closed.warnings.empty());
  ASSERT_EQ(closed.rows.size(), 3u);
  EXPECT_EQ(closed.rows[1].fields[0], "x\ny\"");
  EXPECT_EQ(closed.rows[2].line, 4u);
}

TEST(SplitCsv, OldMacLineEnds) {
  const auto table = split_csv("a,b\rc,d\r", "t.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1].line, 2u);
}

TEST(CustomersCsv, GermanExcelFileInWindows1252) {
  const auto import = parse_customers_csv(read("kunden_excel_de.csv"), "kunden.csv");
  ASSERT_EQ(import.entries.size(), 4u);
  const CustomerEntry* mueller = named(import, "M\xC3\xBCller GmbH");
  ASSERT_NE(mueller, nullptr);
  EXPECT_EQ(mueller->origin, "kunden.csv:2");
  EXPECT_EQ(mueller->domains, std::vector<std::string>{"mueller.de"});
  EXPECT_EQ(mueller->tier, "key");
  ASSERT_TRUE(mueller->ignore.has_value());
  EXPECT_FALSE(*mueller->ignore);
  ASSERT_EQ(mueller->contacts.size(), 2u);
  const Contact& keller = mueller->contacts[0];
  EXPECT_EQ(keller.email, "s.keller@mueller.de");
  EXPECT_EQ(keller.first_name, "Sabine");
  EXPECT_EQ(keller.last_name, "Keller");
  EXPECT_EQ(keller.name, "Sabine Keller");
  EXPECT_EQ(keller.title, "Dr.");
  EXPECT_EQ(keller.salutation, Salutation::frau);
  EXPECT_EQ(keller.phone, "+49 89 1234-0");
  EXPECT_EQ(mueller->contacts[1].salutation, Salutation::herr);
  EXPECT_EQ(mueller->contacts[1].name, "Thomas Braun");

  const CustomerEntry* schmidt = named(import, "Schmidt & S\xC3\xB6hne Bau; Niederlassung S\xC3\xBC" "d");
  ASSERT_NE(schmidt, nullptr);
  EXPECT_EQ(schmidt->domains, (std::vector<std::string>{"schmidt-bau.de", "schmidt-soehne.de"}));
  EXPECT_EQ(schmidt->contacts.at(0).last_name, "Wei\xC3\x9F");

  const CustomerEntry* spedition = named(import, "Spedition Gro\xC3\x9F KG");
  ASSERT_NE(spedition, nullptr);
  EXPECT_TRUE(spedition->ignore.value_or(false));
  EXPECT_TRUE(spedition->contacts.empty());

  const CustomerEntry* baeckerei = named(import, "B\xC3\xA4" "ckerei \xC3\x96zt\xC3\xBCrk");
  ASSERT_NE(baeckerei, nullptr);
  EXPECT_TRUE(baeckerei->domains.empty());
  EXPECT_EQ(baeckerei->contacts.at(0).email, "ayse.oeztuerk@gmx.de");

  ASSERT_EQ(import.warnings.size(), 1u);
  EXPECT_EQ(import.warnings[0],
            "kunden.csv:8: invalid domain \"kaputt..de\" \xE2\x80\x94 skipped");
}

TEST(CustomersCsv, EnglishFileWithBomCommasAndAMultiLineCell) {
  const auto import = parse_customers_csv(read("customers_en.csv"), "customers.csv");
  ASSERT_EQ(import.entries.size(), 2u);
  const CustomerEntry& acme = import.entries[0];
  EXPECT_EQ(acme.name, "Acme Corp");
  EXPECT_EQ(acme.origin, "customers.csv:2");
  EXPECT_EQ(acme.domains, (std::vector<std::string>{"acme.com", "acme.de"}));
  ASSERT_EQ(acme.contacts.size(), 2u);
  EXPECT_EQ(acme.contacts[0].salutation, Salutation::frau);
  EXPECT_EQ(acme.contacts[1].email, "john.smith@acme.de");
  EXPECT_EQ(acme.contacts[1].salutation, Salutation::herr);
  const CustomerEntry& globex = import.entries[1];
  EXPECT_EQ(globex.origin, "customers.csv:5");  // the quoted line break counts
  EXPECT_EQ(globex.contacts.at(0).salutation, Salutation::unknown);  // Mx
  ASSERT_EQ(import.warnings.size(), 1u);
  EXPECT_EQ(import.warnings[0],
            "customers.csv:6: invalid e-mail address \"not-an-address\" \xE2\x80\x94 skipped");
}

TEST(CustomersCsv, ColumnAliasesAreCaseInsensitive) {
  for (const std::string header :
       {"COMPANY,E-MAIL,first name,LAST_NAME", "Unternehmen,Mail,Vorname,Name",
        "firma,e_mail,VORNAME,nachname", "Organisation,E-Mail-Adresse,Vorname,Nachname"}) {
    const auto import =
        parse_customers_csv(header + "\nKeller AG,s.keller@keller.de,Sabine,Keller\n", "k.csv");
    ASSERT_EQ(import.entries.size(), 1u) << header;
    EXPECT_EQ(import.entries[0].name, "Keller AG") << header;
    ASSERT_EQ(import.entries[0].contacts.size(), 1u) << header;
    EXPECT_EQ(import.entries[0].contacts[0].email, "s.keller@keller.de") << header;
    EXPECT_EQ(import.entries[0].contacts[0].first_name, "Sabine") << header;
    EXPECT_EQ(import.entries[0].contacts[0].last_name, "Keller") << header;
    EXPECT_TRUE(import.warnings.empty()) << header;
  }
}

TEST(CustomersCsv, TabSeparated) {
  const auto import =
      parse_customers_csv("Firma\tDomains\tStufe\nA GmbH\ta.de;b.de , c.de\tKey\n", "t.tsv");
  ASSERT_EQ(import.entries.size(), 1u);
  EXPECT_EQ(import.entries[0].domains, (std::vector<std::string>{"a.de", "b.de", "c.de"}));
  EXPECT_EQ(import.entries[0].tier, "key");
}

TEST(CustomersCsv, DomainsAreNormalized) {
  const auto import = parse_customers_csv(
      "domain\n@Mueller.DE\nhttps://www.schmidt.de/kontakt\nmueller\n", "d.csv");
  ASSERT_EQ(import.entries.size(), 2u);
  EXPECT_EQ(import.entries[0].domains, std::vector<std::string>{"mueller.de"});
  EXPECT_EQ(import.entries[1].domains, std::vector<std::string>{"schmidt.de"});
  ASSERT_EQ(import.warnings.size(), 1u);
  EXPECT_EQ(import.warnings[0], "d.csv:4: invalid domain \"mueller\" \xE2\x80\x94 skipped");
}

TEST(CustomersCsv, RowsOfOneCompanyMergeByNameOrDomain) {
  const auto import = parse_customers_csv(
      "company;domain;email;tier\n"
      "Keller AG;keller.de;a@keller.de;\n"
      "keller ag;;b@keller.de;key\n"
      ";keller.de;c@keller.de;\n"
      "Keller AG;;a@keller.de;\n"
      ";;solo@gmail.com;\n"
      ";;solo2@gmail.com;\n",
      "m.csv");
  ASSERT_EQ(import.entries.size(), 3u);
  EXPECT_EQ(import.entries[0].name, "Keller AG");
  EXPECT_EQ(import.entries[0].tier, "key");
  EXPECT_EQ(import.entries[0].contacts.size(), 3u);
  EXPECT_EQ(import.entries[1].contacts.at(0).email, "solo@gmail.com");
  EXPECT_EQ(import.entries[1].origin, "m.csv:6");
  EXPECT_EQ(import.entries[2].contacts.at(0).email, "solo2@gmail.com");
}

TEST(CustomersCsv, MalformedRowsAreReportedAndSkipped) {
  const auto import = parse_customers_csv(
      "Firma;Domain;E-Mail;Ignorieren\n"
      "Gut GmbH;gut.de;;\n"
      "Zu viel;x.de;;;Extra\n"
      ";;;ja\n"
      "Vielleicht AG;v.de;;vielleicht\n"
      "Auch gut;auch.de;;\n"
      ";;;\n"
      "\"offen;o.de;;\n"
      "Letzte;letzte.de;;1\n",
      "kunden.csv");
  ASSERT_EQ(import.entries.size(), 3u);
  EXPECT_EQ(import.entries[0].name, "Gut GmbH");
  EXPECT_EQ(import.entries[1].name, "Auch gut");
  EXPECT_EQ(import.entries[2].name, "Letzte");  // after the unclosed quote of line 8
  // Splitting reports first, then the rows in order.
  const std::vector<std::string> expected = {
      "kunden.csv:8: quoted field not closed \xE2\x80\x94 skipped",
      "kunden.csv:3: 5 fields, but the header has 4 \xE2\x80\x94 skipped",
      "kunden.csv:4: no company, domain or e-mail address \xE2\x80\x94 skipped",
      "kunden.csv:5: ignore: expected ja/nein, yes/no, true/false or 1/0, got \"vielleicht\" "
      "\xE2\x80\x94 skipped",
  };
  EXPECT_EQ(import.warnings, expected);
}

TEST(CustomersCsv, UnclosedQuoteResumesOnTheNextLine) {
  const auto import = parse_customers_csv(
      "Firma;Domain\n\"Kaputt;k.de\nHeil AG;heil.de\n", "kunden.csv");
  ASSERT_EQ(import.entries.size(), 1u);
  EXPECT_EQ(import.entries[0].name, "Heil AG");
  EXPECT_EQ(import.entries[0].origin, "kunden.csv:3");
}

TEST(CustomersCsv, HeaderWithoutKnownColumns) {
  const auto import = parse_customers_csv("foo;bar\n1;2\n", "x.csv");
  EXPECT_TRUE(import.entries.empty());
  ASSERT_EQ(import.warnings.size(), 1u);
  EXPECT_EQ(import.warnings[0],
            "x.csv:1: no column company/firma, domain or email/e-mail in the header row "
            "\xE2\x80\x94 file skipped");
}

TEST(CustomersCsv, EmptyInputs) {
  EXPECT_TRUE(parse_customers_csv("", "e.csv").entries.empty());
  EXPECT_TRUE(parse_customers_csv("", "e.csv").warnings.empty());
  EXPECT_TRUE(parse_customers_csv("\xEF\xBB\xBF", "e.csv").entries.empty());
  EXPECT_TRUE(parse_customers_csv("\r\n\r\n", "e.csv").entries.empty());
  const auto header_only = parse_customers_csv("Firma;Domain\r\n", "e.csv");
  EXPECT_TRUE(header_only.entries.empty());
  EXPECT_TRUE(header_only.warnings.empty());
}

TEST(CustomersCsv, SalutationsAndYesNo) {
  const auto import = parse_customers_csv(
      "email,anrede,ignore\n"
      "a@x.de,Frau,ja\nb@x.de,Herr,nein\nc@x.de,Mrs.,yes\nd@x.de,Mr,no\ne@x.de,Ms,true\n"
      "f@x.de,Mx,false\ng@x.de,,1\nh@x.de,Divers,0\n",
      "s.csv");
  ASSERT_EQ(import.entries.size(), 8u);
  const Salutation expected[] = {Salutation::frau,    Salutation::herr, Salutation::frau,
                                 Salutation::herr,    Salutation::frau, Salutation::unknown,
                                 Salutation::unknown, Salutation::unknown};
  const bool ignored[] = {true, false, true, false, true, false, true, false};
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(import.entries[i].contacts.at(0).salutation, expected[i]) << i;
    EXPECT_EQ(import.entries[i].ignore, ignored[i]) << i;
  }
}

TEST(CustomersCsv, EveryPrefixOfAFileParsesWithoutCrashing) {
  const std::string text = read("customers_en.csv") + read("kunden_excel_de.csv");
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const auto import = parse_customers_csv(std::string_view(text).substr(0, n), "p.csv");
    for (const auto& w : import.warnings) EXPECT_TRUE(w.starts_with("p.csv:")) << w;
  }
}

}  // namespace
}  // namespace nachfass::files
