// The shipped stalled and absence patterns: all compile, follow the category convention, and
// read realistic customer texts as a correct reader would.
#include <gtest/gtest.h>

#include "core/rules.hpp"

namespace nachfass {
namespace {

TEST(ConversationDefaults, EveryPatternCompiles) {
  // default_*_settings() drop a pattern that fails to compile; the counts catch that.
  const StalledSettings stalled = default_stalled_settings();
  EXPECT_EQ(stalled.expects_answer.size(), 14u);
  EXPECT_EQ(stalled.customer_pause.size(), 8u);
  EXPECT_EQ(stalled.closing.size(), 5u);
  EXPECT_EQ(default_absence_settings().event_title.size(), 7u);
  EXPECT_TRUE(stalled.enabled);
  EXPECT_TRUE(default_absence_settings().enabled);
}

TEST(ConversationDefaults, ExpectsAnswerPatternsNameTheirCategory) {
  for (const Pattern& p : default_stalled_settings().expects_answer) {
    const std::string& s = p.source();
    EXPECT_TRUE(s.starts_with("(?<offer>") || s.starts_with("(?<date>") ||
                s.starts_with("(?<question>") || s.starts_with("(?<ask>"))
        << s;
  }
}

struct PauseRow {
  const char* text;
  bool pause;
};

class CustomerPause : public ::testing::TestWithParam<PauseRow> {};

TEST_P(CustomerPause, Reads) {
  EXPECT_EQ(any_match(default_stalled_settings().customer_pause, GetParam().text),
            GetParam().pause)
      << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    GermanAndEnglish, CustomerPause,
    ::testing::Values(
        PauseRow{"Vielen Dank, wir überlegen es uns und melden uns nächste Woche.", true},
        PauseRow{"Wir müssen das intern besprechen.", true},
        PauseRow{"Wir würden gern noch etwas länger testen.", true},
        PauseRow{"Wir kommen nach den Feiertagen wieder auf Sie zu.", true},
        PauseRow{"Können Sie den Testzeitraum verlängern?", true},
        PauseRow{"We would like to test a little longer.", true},
        PauseRow{"We need a few more days to think it over.", true},
        PauseRow{"We will discuss it internally and get back to you.", true},
        PauseRow{"Vielen Dank, die Lieferung ist angekommen.", false},
        PauseRow{"Bitte schicken Sie uns die Rechnung.", false},
        PauseRow{"Thanks, we received the goods.", false}));

struct TextRow {
  const char* text;
  bool matches;
};

class ClosingPatterns : public ::testing::TestWithParam<TextRow> {};

TEST_P(ClosingPatterns, Reads) {
  EXPECT_EQ(any_match(default_stalled_settings().closing, GetParam().text), GetParam().matches)
      << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    GermanAndEnglish, ClosingPatterns,
    ::testing::Values(TextRow{"Vielen Dank, damit ist alles erledigt.", true},
                      TextRow{"Das hat sich erledigt, danke!", true},
                      TextRow{"Eine Rückmeldung ist nicht nötig.", true},
                      TextRow{"Keine Antwort erforderlich.", true},
                      TextRow{"Thanks, all settled.", true},
                      TextRow{"No need to reply to this mail.", true},
                      TextRow{"Schönes Wochenende!", false},
                      TextRow{"Wir haben noch keine Antwort von Ihnen erhalten.", false},
                      TextRow{"Ist das schon erledigt?", false},
                      TextRow{"Is the order confirmed on your side?", false}));

}  // namespace
}  // namespace nachfass
