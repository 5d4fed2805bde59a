#include "files/text.hpp"

#include <gtest/gtest.h>

namespace nachfass::files {
namespace {

TEST(Text, ValidUtf8IsKept) {
  EXPECT_TRUE(is_utf8("M\xC3\xBCller"));
  EXPECT_EQ(to_utf8("M\xC3\xBCller"), "M\xC3\xBCller");
  EXPECT_EQ(to_utf8("\xEF\xBB\xBFM\xC3\xBCller"), "M\xC3\xBCller");
}

TEST(Text, InvalidUtf8IsReadAsWindows1252) {
  EXPECT_FALSE(is_utf8("M\xFCller"));
  EXPECT_EQ(to_utf8("M\xFCller Stra\xDF" "e \x80 \x84Zitat\x93"),
            "M\xC3\xBCller Stra\xC3\x9F" "e \xE2\x82\xAC \xE2\x80\x9EZitat\xE2\x80\x9C");
  // Undefined bytes become U+FFFD.
  EXPECT_EQ(cp1252_to_utf8("\x81"), "\xEF\xBF\xBD");
}

TEST(Text, RejectsOverlongSurrogatesAndTruncatedSequences) {
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_utf8("\xE2\x82"));          // cut
  EXPECT_TRUE(is_utf8("\xF0\x9F\x98\x80"));
}

TEST(Text, Utf16WithBomIsDecoded) {
  const std::string le("\xFF\xFE" "M\0\xFC\0l\0l\0e\0r\0", 14);
  EXPECT_EQ(to_utf8(le), "M\xC3\xBCller");
  const std::string be("\xFE\xFF\0M\0\xFC\xD8\x3D\xDE\x00", 10);
  EXPECT_EQ(to_utf8(be), "M\xC3\xBC\xF0\x9F\x98\x80");
  const std::string lone_surrogate("\xFF\xFE\x00\xD8" "a\0", 6);
  EXPECT_EQ(to_utf8(lone_surrogate), "\xEF\xBF\xBD" "a");
}

TEST(Text, NormalizesAddresses) {
  EXPECT_EQ(normalize_email(" P.Keller@Mueller.DE "), "p.keller@mueller.de");
  EXPECT_EQ(normalize_email("Petra Keller <p.keller@mueller.de>"), "p.keller@mueller.de");
  EXPECT_EQ(normalize_email("mailto:p.keller@mueller.de"), "p.keller@mueller.de");
  EXPECT_EQ(normalize_email("p.keller"), "");
  EXPECT_EQ(normalize_email("@mueller.de"), "");
  EXPECT_EQ(normalize_email("a b@mueller.de"), "");
  EXPECT_EQ(normalize_email("a@b@mueller.de"), "");
  EXPECT_EQ(normalize_email("a@localhost"), "");
  EXPECT_EQ(normalize_email("a@b.de, c@d.de"), "");
}

TEST(Text, QuoteForMessageCutsLongValuesAtACharacterBoundary) {
  EXPECT_EQ(quote_for_message("abc"), "\"abc\"");
  EXPECT_EQ(quote_for_message("a\tb"), "\"a?b\"");
  const std::string long_value = std::string(59, 'x') + "\xC3\xBC" + "yyy";
  EXPECT_EQ(quote_for_message(long_value), "\"" + std::string(59, 'x') + "...\"");
  EXPECT_EQ(quote_for_message("M\xFCller"), "\"M\xC3\xBCller\"");
  EXPECT_EQ(skipped("a.csv", 3, "why"), "a.csv:3: why \xE2\x80\x94 skipped");
}

}  // namespace
}  // namespace nachfass::files
