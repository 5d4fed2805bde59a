// [customers], [letters] and the rules beyond [rules.unanswered]: typed values, defaults, and
// one clear error naming the key for each kind of bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace nachfass {
namespace {

constexpr std::int64_t kDay = 9 * 3600;

Result<Config> parse(std::string_view text) { return parse_config(text, "test.toml"); }

std::vector<std::string> sources(const std::vector<Pattern>& patterns) {
  std::vector<std::string> out;
  for (const Pattern& p : patterns) out.push_back(p.source());
  return out;
}

const Tier* tier(const Config& config, std::string_view name) {
  for (const Tier& t : config.customers.tiers)
    if (t.name == name) return &t;
  return nullptr;
}

const EngagementRule* rule(const Config& config, std::string_view name) {
  for (const EngagementRule& r : config.rules.engagements)
    if (r.name == name) return &r;
  return nullptr;
}

TEST(ConfigRules, DefaultsWithoutAFile) {
  const Config config = default_config();
  const Rules defaults = default_rules();
  ASSERT_EQ(config.rules.engagements.size(), defaults.engagements.size());
  EXPECT_EQ(sources(config.rules.stalled.expects_answer), sources(defaults.stalled.expects_answer));
  EXPECT_EQ(config.stall_after.seconds, 5 * kDay);
  const Tier* standard = tier(config, "standard");
  ASSERT_NE(standard, nullptr);
  EXPECT_EQ(standard->sla_business_seconds, 2 * kDay);
  EXPECT_EQ(standard->stall_business_seconds, 5 * kDay);
  const Tier* key = tier(config, "key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->sla_business_seconds, 1 * kDay);
}

TEST(ConfigRules, TemplateParsesBackToTheDefaults) {
  auto config = parse(example_config());
  ASSERT_TRUE(config) << config.error().to_string();
  const Rules defaults = default_rules();
  ASSERT_EQ(config->rules.engagements.size(), defaults.engagements.size());
  for (std::size_t i = 0; i < defaults.engagements.size(); ++i) {
    const EngagementRule& want = defaults.engagements[i];
    const EngagementRule* got = rule(*config, want.name);
    ASSERT_NE(got, nullptr) << want.name;
    EXPECT_EQ(got->engagement, want.engagement);
    EXPECT_EQ(sources(got->start.subject), sources(want.start.subject)) << want.name;
    EXPECT_EQ(sources(got->start.body), sources(want.start.body)) << want.name;
    EXPECT_EQ(sources(got->event_title), sources(want.event_title)) << want.name;
    EXPECT_EQ(sources(got->extend.body), sources(want.extend.body)) << want.name;
    EXPECT_EQ(sources(got->convert.subject), sources(want.convert.subject)) << want.name;
    EXPECT_EQ(sources(got->cancel.body), sources(want.cancel.body)) << want.name;
    EXPECT_EQ(got->length_days, want.length_days);
    EXPECT_EQ(got->before_end_days, want.before_end_days);
    EXPECT_EQ(got->after_start_days, want.after_start_days);
    EXPECT_EQ(got->contact_window_days, want.contact_window_days);
  }
  EXPECT_EQ(sources(config->rules.stalled.expects_answer), sources(defaults.stalled.expects_answer));
  EXPECT_EQ(sources(config->rules.stalled.closing), sources(defaults.stalled.closing));
  EXPECT_EQ(sources(config->rules.absence.event_title), sources(defaults.absence.event_title));
  EXPECT_EQ(config->rules.quiet.gap_factor, defaults.quiet.gap_factor);
  EXPECT_EQ(config->letters.signature, "Your Name\nSales\nExample GmbH");
}

TEST(ConfigRules, ChangingOneKeyOfADefaultRuleKeepsTheRest) {
  auto config = parse("[rules.lapsing.trial]\nbefore_end_days = 10\n");
  ASSERT_TRUE(config) << config.error().to_string();
  const EngagementRule* trial = rule(*config, "trial");
  const auto defaults = default_engagement_rules();
  const auto want = std::find_if(defaults.begin(), defaults.end(),
                                 [](const EngagementRule& r) { return r.name == "trial"; });
  if (want == defaults.end()) GTEST_SKIP() << "no default trial rule in this build";
  ASSERT_NE(trial, nullptr);
  EXPECT_EQ(trial->before_end_days, 10);
  EXPECT_EQ(sources(trial->start.subject), sources(want->start.subject));
}

TEST(ConfigRules, NewLapsingRuleAndSwitchingOneOff) {
  auto config = parse(R"toml(
[rules.lapsing.leasing]
engagement = "lease"
start_subject = ["Leasingvertrag Nr\\. \\d+"]
before_end_days = 90
length_days = 1095
[rules.lapsing.seminar]
enabled = false
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  const EngagementRule* leasing = rule(*config, "leasing");
  ASSERT_NE(leasing, nullptr);
  EXPECT_EQ(leasing->engagement, "lease");
  EXPECT_EQ(leasing->before_end_days, 90);
  EXPECT_EQ(leasing->length_days, 1095);
  ASSERT_EQ(leasing->start.subject.size(), 1u);
  EXPECT_TRUE(leasing->start.subject[0].search("Ihr LEASINGVERTRAG Nr. 4711"));
  EXPECT_EQ(rule(*config, "seminar"), nullptr);
}

TEST(ConfigRules, StalledQuietAbsenceValues) {
  auto config = parse(R"toml(
[rules.stalled]
after = "3 business days"
expects_answer = ["Angebot"]
[rules.quiet]
min_exchanges = 12
gap_factor = 2
[rules.absence]
event_titles = ["Betriebsferien"]
min_business_days = 3
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->stall_after.seconds, 3 * kDay);
  EXPECT_EQ(tier(*config, "standard")->stall_business_seconds, 3 * kDay);
  EXPECT_EQ(sources(config->rules.stalled.expects_answer), std::vector<std::string>{"Angebot"});
  EXPECT_EQ(config->rules.quiet.min_exchanges, 12);
  EXPECT_DOUBLE_EQ(config->rules.quiet.gap_factor, 2.0);
  EXPECT_EQ(sources(config->rules.absence.event_title),
            std::vector<std::string>{"Betriebsferien"});
  EXPECT_EQ(config->rules.absence.min_business_days, 3);
}

TEST(ConfigRules, CustomersSection) {
  auto config = parse(R"toml(
[customers]
files = ["kunden.csv"]
engagement_files = ["vertraege.csv"]
ignore = ["Lieferant.de", "@spedition.de", "privat@gmx.de"]
[customers.tiers.key]
sla = "4 business hours"
[customers.tiers.gold]
stall_after = "2 business days"
[[customers.entries]]
name = "Keller Maschinenbau GmbH"
domains = ["keller-maschinenbau.de"]
tier = "gold"
contacts = [{ email = "Petra.Keller@keller-maschinenbau.de", salutation = "Frau", title = "Dr.", first_name = "Petra", last_name = "Keller" }]
[[customers.entries]]
contacts = [{ email = "jan@gmail.com", salutation = "Herr" }]
ignore = true
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  const CustomersConfig& c = config->customers;
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0], "kunden.csv");
  EXPECT_EQ(c.ignore, (std::vector<std::string>{"lieferant.de", "spedition.de", "privat@gmx.de"}));
  EXPECT_EQ(tier(*config, "key")->sla_business_seconds, 4 * 3600);
  EXPECT_EQ(tier(*config, "key")->stall_business_seconds, 3 * kDay);  // default kept
  const Tier* gold = tier(*config, "gold");
  ASSERT_NE(gold, nullptr);
  EXPECT_EQ(gold->sla_business_seconds, 2 * kDay);  // from standard
  EXPECT_EQ(gold->stall_business_seconds, 2 * kDay);
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].name, "Keller Maschinenbau GmbH");
  EXPECT_EQ(c.entries[0].tier, "gold");
  ASSERT_EQ(c.entries[0].contacts.size(), 1u);
  EXPECT_EQ(c.entries[0].contacts[0].email, "petra.keller@keller-maschinenbau.de");
  EXPECT_EQ(c.entries[0].contacts[0].salutation, Salutation::frau);
  EXPECT_EQ(c.entries[0].contacts[0].title, "Dr.");
  EXPECT_NE(c.entries[0].origin.find("test.toml:"), std::string::npos) << c.entries[0].origin;
  EXPECT_EQ(c.entries[1].ignore, true);
}

struct BadCase {
  const char* toml;
  std::vector<const char*> parts;  // each must appear in the one-line message
};

TEST(ConfigRules, BadInputNamesTheKey) {
  const BadCase cases[] = {
      {"[rules.stalled]\nexpects_answer = [\"(unclosed\"]\n",
       {"test.toml:2:", "rules.stalled.expects_answer", "invalid pattern"}},
      {"[rules.lapsing.trial]\nextend_body = [\"[a-\"]\n",
       {"test.toml:2:", "rules.lapsing.trial.extend_body"}},
      {"[rules.lapsing.lease]\nstart_body = [\"Leasing\"]\nbefore_end_days = 30\n",
       {"rules.lapsing.lease", "start_subject or start_from"}},
      {"[rules.lapsing.lease]\nstart_subject = [\"Leasing\"]\n",
       {"rules.lapsing.lease", "before_end_days"}},
      {"[rules.lapsing.trial]\nbefore_end_days = -3\n", {"rules.lapsing.trial.before_end_days"}},
      {"[rules.quiet]\ngap_factor = \"viel\"\n", {"rules.quiet.gap_factor"}},
      {"[rules.stalled]\nafter = \"2 weeks\"\n", {"rules.stalled.after"}},
      {"[rules.stalld]\nafter = \"2 days\"\n", {"rules.stalld", "did you mean [rules.stalled]?"}},
      {"[customers]\nignore = [\"not a domain\"]\n", {"customers.ignore"}},
      {"[[customers.entries]]\nname = \"X\"\ntier = \"platin\"\n",
       {"customers.entries", "domains or contacts"}},
      {"[[customers.entries]]\ndomains = [\"x.de\"]\ntier = \"platin\"\n",
       {"tier \"platin\"", "[customers.tiers.platin]"}},
      {"[[customers.entries]]\ncontacts = [{ email = \"a@b.de\", salutation = \"Dame\" }]\n",
       {"customers.entries.contacts.salutation"}},
      {"[customers.tiers.key]\nsla = \"soon\"\n", {"customers.tiers.key.sla"}},
      {"[customers]\nfiels = []\n", {"customers.fiels", "did you mean"}},
      {"[letters]\nsignatur = \"x\"\n", {"letters.signatur"}},
  };
  for (const BadCase& c : cases) {
    auto config = parse(c.toml);
    ASSERT_FALSE(config) << c.toml;
    const std::string message = config.error().message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const char* part : c.parts) EXPECT_NE(message.find(part), std::string::npos)
        << "missing \"" << part << "\" in: " << message;
  }
}

}  // namespace
}  // namespace nachfass
