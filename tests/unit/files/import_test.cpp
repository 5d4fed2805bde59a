#include "files/import.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace nachfass::files {
namespace {

const std::filesystem::path data = std::filesystem::path(NACHFASS_TEST_DATA) / "files";

TEST(Import, ChoosesTheFormatByContent) {
  auto csv = read_customers_file(data / "kunden_excel_de.csv");
  ASSERT_TRUE(csv.has_value());
  EXPECT_EQ(csv->entries.size(), 4u);
  EXPECT_EQ(csv->entries[0].origin, "kunden_excel_de.csv:2");
  auto vcf = read_customers_file(data / "thunderbird.vcf");
  ASSERT_TRUE(vcf.has_value());
  EXPECT_EQ(vcf->entries.size(), 2u);
  EXPECT_EQ(vcf->entries[0].origin, "thunderbird.vcf:1");
  EXPECT_EQ(parse_customers_file("\xEF\xBB\xBF\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n", "a.vcf")
                .entries.size(),
            1u);
}

TEST(Import, Engagements) {
  auto import = read_engagements_file(data / "vertraege.csv");
  ASSERT_TRUE(import.has_value());
  EXPECT_EQ(import->records.size(), 5u);
  EXPECT_EQ(import->records[0].origin, "vertraege.csv:2");
}

TEST(Import, MissingFileAndDirectory) {
  auto missing = read_customers_file(data / "gibt-es-nicht.csv");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().id, "files.unreadable");
  EXPECT_EQ(missing.error().scope, ErrorScope::item);
  auto directory = read_engagements_file(data);
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().id, "files.unreadable");
}

}  // namespace
}  // namespace nachfass::files
