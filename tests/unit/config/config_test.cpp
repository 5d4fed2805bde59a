#include "config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace nachfass {
namespace {

namespace fs = std::filesystem;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr std::int64_t kHour = 3600;

Result<Config> parse(std::string_view text) {
  return parse_config(text, "test.toml");
}

// Sets (or unsets, with nullopt) an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A fresh directory under the system temp directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("nachfass-config-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

  fs::path write(const std::string& name, std::string_view text) const {
    const fs::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    return file;
  }

 private:
  fs::path path_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The issue's snippet

constexpr std::string_view kIssueSnippet = R"toml(
[user]
name = "Anna Vogel"
addresses = ["anna.vogel@example.com", "vertrieb@example.com"]
own_domains = ["example.com"]       # colleagues' replies count as answers
language = "de"                     # de | en
time_zone = "Europe/Berlin"
[business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-17:00"
holidays = "DE-BY"                  # German state code, "DE" for federal only, or "none"
extra_holidays = ["2026-12-24", "2026-12-31"]
[rules.unanswered]
sla = "2 business days"
[mail]
provider = "maildir"
path = "/srv/mail/anna"
)toml";

TEST(ParseConfig, IssueSnippetGivesTypedValues) {
  auto config = parse(kIssueSnippet);
  ASSERT_TRUE(config) << config.error().to_string();

  EXPECT_EQ(config->user.name, "Anna Vogel");
  EXPECT_EQ(config->user.addresses,
            (std::vector<std::string>{"anna.vogel@example.com", "vertrieb@example.com"}));
  EXPECT_EQ(config->user.own_domains, std::vector<std::string>{"example.com"});
  EXPECT_EQ(config->user.language, Language::de);
  EXPECT_EQ(config->user.time_zone, "Europe/Berlin");

  const std::array<bool, 7> monday_to_friday{false, true, true, true, true, true, false};
  EXPECT_EQ(config->business.hours.working_days, monday_to_friday);
  EXPECT_EQ(config->business.hours.start_minute, 8 * 60);
  EXPECT_EQ(config->business.hours.end_minute, 17 * 60);
  EXPECT_EQ(config->business.holidays.code(), "DE-BY");
  EXPECT_EQ(config->business.extra_holidays,
            (std::vector<year_month_day>{year{2026} / 12 / 24, year{2026} / 12 / 31}));

  EXPECT_EQ(config->unanswered.sla.text, "2 business days");
  EXPECT_EQ(config->unanswered.sla.seconds, 2 * 9 * kHour);

  EXPECT_EQ(config->mail.provider, MailProvider::maildir);
  EXPECT_EQ(config->mail.maildir.path, fs::path("/srv/mail/anna"));
  EXPECT_TRUE(config->reserved.empty());
  EXPECT_EQ(config->source, fs::path("test.toml"));
}

TEST(ParseConfig, EmptyDocumentGivesTheDefaults) {
  auto config = parse("");
  ASSERT_TRUE(config) << config.error().to_string();
  const Config defaults = default_config();
  EXPECT_EQ(config->user.language, defaults.user.language);
  EXPECT_EQ(config->user.time_zone, defaults.user.time_zone);
  EXPECT_EQ(config->business.hours.working_days, defaults.business.hours.working_days);
  EXPECT_EQ(config->business.holidays.code(), defaults.business.holidays.code());
  EXPECT_EQ(config->unanswered.sla.seconds, defaults.unanswered.sla.seconds);
  EXPECT_EQ(config->mail.provider, MailProvider::none);
}

TEST(ParseConfig, AddressesAndDomainsAreLowerCasedAndDeduplicated) {
  auto config = parse(R"toml(
[user]
addresses = ["Anna.Vogel@Example.COM", "anna.vogel@example.com", " vertrieb@example.com "]
own_domains = ["@Example.com", "sales.example.com", "example.com"]
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->user.addresses,
            (std::vector<std::string>{"anna.vogel@example.com", "vertrieb@example.com"}));
  EXPECT_EQ(config->user.own_domains,
            (std::vector<std::string>{"example.com", "sales.example.com"}));
}

TEST(ParseConfig, GermanDayNamesAndCaseAreAccepted) {
  auto config = parse("[business]\ndays = [\"Mo\", \"di\", \"MI\", \"do\", \"fr\", \"sa\"]\n");
  ASSERT_TRUE(config) << config.error().to_string();
  const std::array<bool, 7> monday_to_saturday{false, true, true, true, true, true, true};
  EXPECT_EQ(config->business.hours.working_days, monday_to_saturday);
}

TEST(ParseConfig, HoursMayEndAtMidnightAndUseLooseSpelling) {
  auto late = parse("[business]\nhours = \"14:00-24:00\"\n");
  ASSERT_TRUE(late) << late.error().to_string();
  EXPECT_EQ(late->business.hours.start_minute, 14 * 60);
  EXPECT_EQ(late->business.hours.end_minute, 24 * 60);

  auto loose = parse("[business]\nhours = \"7:30 \xE2\x80\x93 16:15\"\n");  // en dash
  ASSERT_TRUE(loose) << loose.error().to_string();
  EXPECT_EQ(loose->business.hours.start_minute, 7 * 60 + 30);
  EXPECT_EQ(loose->business.hours.end_minute, 16 * 60 + 15);
}

TEST(ParseConfig, SlaIsMeasuredInTheConfiguredWorkingDay) {
  auto config = parse(R"toml(
[business]
hours = "09:00-13:00"
[rules.unanswered]
sla = "2 business days"
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->unanswered.sla.seconds, 2 * 4 * kHour);
}

TEST(ParseConfig, ExtraHolidaysAcceptTomlDatesAndAreSorted) {
  auto config =
      parse("[business]\nextra_holidays = [2026-12-31, \"2026-12-24\", \"2026-12-31\"]\n");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->business.extra_holidays,
            (std::vector<year_month_day>{year{2026} / 12 / 24, year{2026} / 12 / 31}));
}

TEST(ParseConfig, HolidaysNoneAndFederal) {
  auto none = parse("[business]\nholidays = \"none\"\n");
  ASSERT_TRUE(none) << none.error().to_string();
  EXPECT_EQ(none->business.holidays.code(), "none");
  auto federal = parse("[business]\nholidays = \"DE\"\n");
  ASSERT_TRUE(federal) << federal.error().to_string();
  EXPECT_EQ(federal->business.holidays.code(), "DE");
}

TEST(ParseConfig, ServerSectionIsAcceptedAndKeptRaw) {
  auto config = parse(R"toml(
[server]
port = 8765
[rules.unanswered]
sla = "1 business day"
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  ASSERT_EQ(config->reserved.size(), 1u);
  EXPECT_EQ(config->reserved[0].name, "server");
  EXPECT_EQ(config->reserved[0].line, 2);
  EXPECT_NE(config->reserved[0].toml.find("8765"), std::string::npos);
  EXPECT_EQ(config->unanswered.sla.seconds, 9 * kHour);
  EXPECT_EQ(config->find_reserved("customers"), nullptr);

  // The raw text is a TOML document of its own that reads back to the same section.
  auto again = parse(config->reserved[0].toml);
  ASSERT_TRUE(again) << again.error().to_string();
  ASSERT_EQ(again->reserved.size(), 1u);
  EXPECT_EQ(again->reserved[0].toml, config->reserved[0].toml);
}

TEST(ParseConfig, CalendarSectionOfTheIssueGivesTypedValues) {
  auto config = parse(R"toml(
[calendar]
provider = "caldav"                 # caldav | graph | none
url = "https://dav.example.com/"    # server root or a calendar collection URL
username = "anna.vogel"
password_env = "NACHFASS_DAV_PASSWORD"    # or password_file / keyring, as for mail
calendar = "Nachfass"               # display name; created (MKCALENDAR) if missing
reminder_minutes = 30               # event length
max_per_day = 8
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  const CalendarConfig& calendar = config->calendar;
  EXPECT_EQ(calendar.provider, CalendarProvider::caldav);
  EXPECT_EQ(calendar.url, "https://dav.example.com/");
  EXPECT_EQ(calendar.username, "anna.vogel");
  EXPECT_EQ(calendar.password_env, "NACHFASS_DAV_PASSWORD");
  EXPECT_EQ(calendar.calendar, "Nachfass");
  EXPECT_TRUE(calendar.create_calendar);
  EXPECT_EQ(calendar.reminder_minutes, 30);
  EXPECT_EQ(calendar.max_per_day, 8);
  EXPECT_EQ(calendar.alarm_minutes_before, 0);
}

TEST(ParseConfig, CalendarDefaultsToNoneAndTheExampleParses) {
  auto empty = parse("");
  ASSERT_TRUE(empty) << empty.error().to_string();
  EXPECT_EQ(empty->calendar.provider, CalendarProvider::none);
  auto example = parse(example_config());
  ASSERT_TRUE(example) << example.error().to_string();
  EXPECT_EQ(example->calendar.provider, CalendarProvider::none);
}

TEST(ParseConfig, CalendarMistakesAreNamedWithLineAndKey) {
  struct Case {
    std::string text;
    std::string id;
    std::string fragment;
  };
  const std::vector<Case> cases{
      {"[calendar]\nurl = \"https://x/\"\n", "config.missing", "has no provider"},
      {"[mail]\nprovider = \"imap\"\nconnections = 0\n", "config.bad_value", "mail.connections"},
      {"[calendar]\nprovider = \"caldav\"\n", "config.missing", "needs the server"},
      {"[calendar]\nprovider = \"ical\"\n", "config.bad_value", "calendar.provider"},
      {"[calendar]\nprovider = \"caldav\"\nurl = \"dav.example.com\"\n", "config.bad_value",
       "calendar.url"},
      {"[calendar]\nprovider = \"caldav\"\nurl = \"https://x/\"\nmax_per_day = 0\n",
       "config.bad_value", ":4: calendar.max_per_day"},
      {"[calendar]\nprovider = \"caldav\"\nurl = \"https://x/\"\nreminder_minutes = \"30\"\n",
       "config.bad_value", "calendar.reminder_minutes"},
      {"[calendar]\nprovider = \"caldav\"\nurl = \"https://x/\"\npassword = \"s3cret\"\n",
       "config.unknown_key", "the password is not written here"},
      {"[calendar]\nprovider = \"caldav\"\nurl = \"https://x/\"\nmax_per_dya = 3\n",
       "config.unknown_key", "did you mean calendar.max_per_day?"},
      {"[calendar]\nprovider = \"caldav\"\nurl = \"https://x/\"\npassword_env = \"A\"\n"
       "keyring = true\n",
       "config.bad_value", "use only one of"},
  };
  for (const auto& c : cases) {
    auto config = parse(c.text);
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().id, c.id) << c.text;
    EXPECT_NE(config.error().message.find(c.fragment), std::string::npos)
        << c.text << " -> " << config.error().message;
    EXPECT_EQ(config.error().message.find("s3cret"), std::string::npos);
  }
}

TEST(ParseConfig, ImapKeysAreAcceptedAndTyped) {
  auto config = parse(R"toml(
[mail]
provider = "imap"
host = "imap.example.com"
port = 143
security = "starttls"
username = "anna"
password_env = "ANNA_PW"
folders = ["INBOX", "Kunden"]
sent_folder = "Gesendet"
drafts_folder = "Entwürfe"
connections = 3
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  const MailConfig& mail = config->mail;
  EXPECT_EQ(mail.imap.connections, 3);
  EXPECT_EQ(mail.provider, MailProvider::imap);
  EXPECT_EQ(mail.imap.host, "imap.example.com");
  EXPECT_EQ(mail.imap.port, 143);
  EXPECT_EQ(mail.imap.security, ImapSecurity::starttls);
  EXPECT_EQ(mail.imap.username, "anna");
  EXPECT_EQ(mail.imap.password_env, "ANNA_PW");
  EXPECT_FALSE(mail.imap.keyring.has_value());
  EXPECT_EQ(mail.imap.folders, (std::vector<std::string>{"INBOX", "Kunden"}));
  EXPECT_EQ(mail.imap.sent_folder, "Gesendet");
  EXPECT_EQ(mail.imap.drafts_folder, "Entwürfe");
}

TEST(ParseConfig, KeyringMayBeTrueOrAnEntryName) {
  auto flag = parse("[mail]\nprovider = \"imap\"\nkeyring = true\n");
  ASSERT_TRUE(flag) << flag.error().to_string();
  EXPECT_EQ(flag->mail.imap.keyring, std::optional<std::string>(""));
  auto entry = parse("[mail]\nprovider = \"imap\"\nkeyring = \"work-imap\"\n");
  ASSERT_TRUE(entry) << entry.error().to_string();
  EXPECT_EQ(entry->mail.imap.keyring, std::optional<std::string>("work-imap"));
}

TEST(ParseConfig, GraphProviderKeepsItsKeysRaw) {
  auto config = parse(R"toml(
[mail]
provider = "graph"
tenant = "contoso"
client_id = "abc"
)toml");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->mail.provider, MailProvider::graph);
  EXPECT_NE(config->mail.graph_raw.find("tenant = 'contoso'"), std::string::npos)
      << config->mail.graph_raw;
  EXPECT_NE(config->mail.graph_raw.find("client_id"), std::string::npos);
  EXPECT_EQ(config->mail.graph_raw.find("provider"), std::string::npos);

  // The same keys under another provider are typos.
  auto imap = parse("[mail]\nprovider = \"imap\"\ntenant = \"contoso\"\n");
  ASSERT_FALSE(imap);
  EXPECT_EQ(imap.error().id, "config.unknown_key");
}

TEST(ParseConfig, MaildirHomeIsExpanded) {
  ScopedEnv home("HOME", "/home/anna");
  auto config = parse("[mail]\nprovider = \"maildir\"\npath = \"~/Mail/work\"\n");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->mail.maildir.path, fs::path("/home/anna/Mail/work"));
}

TEST(ParseConfig, FirstProblemInFileOrderIsReported) {
  // [business] sorts before [user], but the user's problem comes first in the file.
  auto config = parse(R"toml(
[user]
language = "fr"
[business]
hours = "late"
)toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().id, "config.bad_value");
  EXPECT_NE(config.error().message.find("user.language"), std::string::npos)
      << config.error().message;
}

TEST(ParseConfig, PasswordIsNeverEchoed) {
  auto config = parse("[mail]\nprovider = \"imap\"\npassword = \"hunter2\"\n");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().id, "config.unknown_key");
  EXPECT_NE(config.error().message.find("mail.password"), std::string::npos);
  EXPECT_NE(config.error().message.find("password_env"), std::string::npos);
  EXPECT_EQ(config.error().message.find("hunter2"), std::string::npos) << config.error().message;
}

// ---------------------------------------------------------------------------------------------
// Bad input, one row each: the error id, and what the message must name.

struct BadInput {
  const char* name;
  const char* toml;
  const char* id;
  std::vector<std::string> mentions;  // substrings of the message
};

void PrintTo(const BadInput& row, std::ostream* out) {
  *out << row.name;
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, IsReportedWithIdKeyAndLine) {
  const BadInput& row = GetParam();
  auto config = parse(row.toml);
  ASSERT_FALSE(config) << "accepted:\n" << row.toml;
  const Error& error = config.error();
  EXPECT_EQ(error.id, row.id) << error.to_string();
  EXPECT_EQ(error.scope, ErrorScope::fatal);
  EXPECT_EQ(error.message.find('\n'), std::string::npos) << "not one line: " << error.message;
  for (const std::string& mention : row.mentions) {
    EXPECT_NE(error.message.find(mention), std::string::npos)
        << "'" << mention << "' missing from: " << error.message;
  }
}

const BadInput kBadInputs[] = {
    {"unknown_key_with_suggestion",
     "[user]\nname = \"Anna\"\nadresses = [\"a@example.com\"]\n",
     "config.unknown_key",
     {"test.toml:3:", "user.adresses", "did you mean user.addresses?"}},
    {"unknown_key_transposed",
     "[user]\nlangauge = \"de\"\n",
     "config.unknown_key",
     {"test.toml:2:", "user.langauge", "did you mean user.language?"}},
    {"unknown_key_without_suggestion",
     "[business]\ncolour = \"blue\"\n",
     "config.unknown_key",
     {"test.toml:2:", "business.colour", "known keys in [business]: days, hours"}},
    {"key_in_the_wrong_section",
     "[user]\nhours = \"08:00-17:00\"\n",
     "config.unknown_key",
     {"test.toml:2:", "user.hours", "did you mean business.hours?"}},
    {"key_outside_any_section",
     "language = \"de\"\n",
     "config.unknown_key",
     {"test.toml:1:", "language", "did you mean user.language?"}},
    {"unknown_section",
     "\n[bussiness]\nhours = \"08:00-17:00\"\n",
     "config.unknown_key",
     {"test.toml:2:", "[bussiness]", "did you mean [business]?"}},
    {"misspelt_rule",
     "[rules.unanswerd]\nsla = \"2 days\"\n",
     "config.unknown_key",
     {"test.toml:1:", "rules.unanswerd", "did you mean [rules.unanswered]?"}},
    {"rule_setting_outside_rule",
     "[rules]\nsla = \"2 days\"\n",
     "config.unknown_key",
     {"test.toml:2:", "rules.sla", "rules.unanswered.sla"}},
    {"unknown_key_in_unanswered",
     "[rules.unanswered]\nslaa = \"2 days\"\n",
     "config.unknown_key",
     {"test.toml:2:", "rules.unanswered.slaa", "did you mean rules.unanswered.sla?"}},
    {"unknown_mail_key",
     "[mail]\nprovider = \"maildir\"\npath = \"/m\"\nfolder = [\"INBOX\"]\n",
     "config.unknown_key",
     {"test.toml:4:", "mail.folder", "did you mean mail.folders?"}},
    {"string_instead_of_array",
     "[user]\naddresses = \"anna@example.com\"\n",
     "config.bad_value",
     {"test.toml:2:", "user.addresses", "expected an array", "the string \"anna@example.com\""}},
    {"section_is_not_a_table",
     "user = \"Anna\"\n",
     "config.bad_value",
     {"test.toml:1:", "user", "a table [user]"}},
    {"array_element_not_a_string",
     "[user]\naddresses = [\"a@example.com\",\n  42]\n",
     "config.bad_value",
     {"test.toml:3:", "user.addresses", "the integer 42"}},
    {"address_without_at",
     "[user]\naddresses = [\"anna.example.com\"]\n",
     "config.bad_value",
     {"test.toml:2:", "user.addresses", "\"anna.example.com\""}},
    {"address_with_space",
     "[user]\naddresses = [\"anna vogel@example.com\"]\n",
     "config.bad_value",
     {"test.toml:2:", "user.addresses"}},
    {"bad_domain",
     "[user]\nown_domains = [\"example\"]\n",
     "config.bad_value",
     {"test.toml:2:", "user.own_domains", "\"example\""}},
    {"empty_name", "[user]\nname = \"  \"\n", "config.bad_value", {"test.toml:2:", "user.name"}},
    {"bad_language",
     "[user]\nlanguage = \"fr\"\n",
     "config.bad_value",
     {"test.toml:2:", "user.language", "\"de\" or \"en\"", "got \"fr\""}},
    {"bad_time_zone",
     "[user]\ntime_zone = \"Europe/Berln\"\n",
     "config.bad_value",
     {"test.toml:2:", "user.time_zone", "\"Europe/Berln\"", "did you mean \"Europe/Berlin\"?"}},
    {"made_up_time_zone",
     "[user]\ntime_zone = \"Mars/Olympus\"\n",
     "config.bad_value",
     {"test.toml:2:", "user.time_zone", "\"Mars/Olympus\""}},
    {"hours_reversed",
     "[business]\nhours = \"17:00-08:00\"\n",
     "config.bad_value",
     {"test.toml:2:", "business.hours", "\"17:00-08:00\"", "HH:MM-HH:MM"}},
    {"hours_without_minutes",
     "[business]\nhours = \"8-17\"\n",
     "config.bad_value",
     {"test.toml:2:", "business.hours", "\"8-17\""}},
    {"hours_out_of_range",
     "[business]\nhours = \"25:00-26:00\"\n",
     "config.bad_value",
     {"test.toml:2:", "business.hours", "\"25:00-26:00\""}},
    {"hours_start_at_24",
     "[business]\nhours = \"24:00-24:00\"\n",
     "config.bad_value",
     {"test.toml:2:", "business.hours"}},
    {"bad_day_name",
     "[business]\ndays = [\"mon\", \"mox\"]\n",
     "config.bad_value",
     {"test.toml:2:", "business.days", "\"mox\""}},
    {"empty_days",
     "[business]\ndays = []\n",
     "config.bad_value",
     {"test.toml:2:", "business.days", "at least one working day"}},
    {"duplicate_day",
     "[business]\ndays = [\"mon\", \"mo\"]\n",
     "config.bad_value",
     {"test.toml:2:", "business.days", "already listed", "\"mo\""}},
    {"bad_holiday_code",
     "[business]\nholidays = \"DE-ZZ\"\n",
     "config.bad_value",
     {"test.toml:2:", "business.holidays", "\"DE-ZZ\"", "DE-XX"}},
    {"impossible_date",
     "[business]\nextra_holidays = [\"2026-02-30\"]\n",
     "config.bad_value",
     {"test.toml:2:", "business.extra_holidays", "\"2026-02-30\"", "YYYY-MM-DD"}},
    {"german_date_format",
     "[business]\nextra_holidays = [\"24.12.2026\"]\n",
     "config.bad_value",
     {"test.toml:2:", "business.extra_holidays", "\"24.12.2026\""}},
    {"bad_sla",
     "[rules.unanswered]\nsla = \"two days\"\n",
     "config.bad_value",
     {"test.toml:2:", "rules.unanswered.sla", "\"two days\""}},
    {"sla_as_number",
     "[rules.unanswered]\nsla = 2\n",
     "config.bad_value",
     {"test.toml:2:", "rules.unanswered.sla", "the integer 2"}},
    {"bad_provider",
     "[mail]\nprovider = \"pop3\"\n",
     "config.bad_value",
     {"test.toml:2:", "mail.provider", "\"pop3\""}},
    {"provider_missing",
     "[mail]\npath = \"/m\"\n",
     "config.missing",
     {"test.toml:1:", "provider", "[mail]"}},
    {"maildir_without_path",
     "[mail]\nprovider = \"maildir\"\n",
     "config.missing",
     {"test.toml:1:", "path", "[mail]"}},
    {"port_as_string",
     "[mail]\nprovider = \"imap\"\nport = \"993\"\n",
     "config.bad_value",
     {"test.toml:3:", "mail.port", "the string \"993\""}},
    {"port_out_of_range",
     "[mail]\nprovider = \"imap\"\nport = 70000\n",
     "config.bad_value",
     {"test.toml:3:", "mail.port", "70000"}},
    {"bad_security",
     "[mail]\nprovider = \"imap\"\nsecurity = \"ssl\"\n",
     "config.bad_value",
     {"test.toml:3:", "mail.security", "\"ssl\""}},
    {"two_password_sources",
     "[mail]\nprovider = \"imap\"\npassword_env = \"PW\"\npassword_file = \"/pw\"\n",
     "config.bad_value",
     {"test.toml:4:", "mail.password_file", "password_env, password_file and keyring"}},
    {"syntax_error",
     "[user]\nname = \"Anna Vogel\nlanguage = \"de\"\n",
     "config.parse",
     {"test.toml:2:", "TOML syntax error"}},
    {"syntax_error_bare_time_range",
     "[business]\n\nhours = 08:00-17:00\n",
     "config.parse",
     {"test.toml:3:", "TOML syntax error"}},
    {"duplicate_key",
     "[user]\nname = \"a\"\nname = \"b\"\n",
     "config.parse",
     {"test.toml:3:", "name"}},
};

INSTANTIATE_TEST_SUITE_P(Config, BadInputTest, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------------------------
// The example template

TEST(ExampleConfig, Parses) {
  auto config = parse_config(example_config(), "example");
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_TRUE(validate_for_scan(*config));
}

TEST(ExampleConfig, CarriesTheDefaults) {
  auto config = parse_config(example_config(), "example");
  ASSERT_TRUE(config) << config.error().to_string();
  const Config defaults = default_config();
  EXPECT_EQ(config->user.language, defaults.user.language);
  EXPECT_EQ(config->user.time_zone, defaults.user.time_zone);
  EXPECT_EQ(config->business.hours.working_days, defaults.business.hours.working_days);
  EXPECT_EQ(config->business.hours.start_minute, defaults.business.hours.start_minute);
  EXPECT_EQ(config->business.hours.end_minute, defaults.business.hours.end_minute);
  EXPECT_EQ(config->business.holidays.code(), defaults.business.holidays.code());
  EXPECT_EQ(config->business.extra_holidays, defaults.business.extra_holidays);
  EXPECT_EQ(config->unanswered.sla.text, defaults.unanswered.sla.text);
  EXPECT_EQ(config->unanswered.sla.seconds, defaults.unanswered.sla.seconds);
  EXPECT_EQ(config->mail.provider, MailProvider::maildir);
  EXPECT_FALSE(config->mail.maildir.path.empty());
}

TEST(ExampleConfig, EveryKeyHasACommentAbove) {
  // The sections a new user edits first; the rule tables after [letters] are documented per
  // table (their pattern lists span lines).
  const auto lines = lines_of(example_config());
  int keys = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line == "[letters]") break;
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    ASSERT_NE(line.find(" = "), std::string::npos) << line;
    ++keys;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(lines[i - 1].rfind("# ", 0), 0u) << "no comment above: " << line;
  }
  EXPECT_EQ(keys, 13);  // user 5, business 4, rules.unanswered 1, mail 2, calendar 1
}

TEST(ExampleConfig, CommentedImapBlockParsesWhenEnabled) {
  std::string imap;
  bool has_commented_host = false;
  for (const std::string& line : lines_of(example_config())) {
    if (line.rfind("# host = ", 0) == 0) has_commented_host = true;
    if (line == "provider = \"maildir\"") {
      imap += "provider = \"imap\"\n";
    } else if (line.rfind("path = ", 0) == 0 || line.rfind("# password_file = ", 0) == 0 ||
               line.rfind("# keyring = ", 0) == 0) {
      continue;  // one password source only
    } else if (line.rfind("# ", 0) == 0 && line.find(" = ") != std::string::npos &&
               line.find('#', 2) != std::string::npos) {
      imap += line.substr(2) + "\n";  // "# key = value  # comment"
    } else {
      imap += line + "\n";
    }
  }
  ASSERT_TRUE(has_commented_host);
  auto config = parse_config(imap, "example-imap");
  ASSERT_TRUE(config) << config.error().to_string() << "\n" << imap;
  EXPECT_EQ(config->mail.provider, MailProvider::imap);
  EXPECT_EQ(config->mail.imap.host, "imap.example.com");
  EXPECT_EQ(config->mail.imap.port, 993);
  EXPECT_EQ(config->mail.imap.security, ImapSecurity::tls);
  EXPECT_FALSE(config->mail.imap.password_env.empty());
  EXPECT_EQ(config->mail.imap.folders, std::vector<std::string>{"INBOX"});
  EXPECT_FALSE(config->mail.imap.sent_folder.empty());
  EXPECT_FALSE(config->mail.imap.drafts_folder.empty());
}

// ---------------------------------------------------------------------------------------------
// Defaults and the scan precondition

TEST(DefaultConfig, HasTheDocumentedValues) {
  const Config config = default_config();
  EXPECT_TRUE(config.user.addresses.empty());
  EXPECT_EQ(config.user.language, Language::de);
  EXPECT_EQ(config.user.time_zone, "Europe/Berlin");
  const std::array<bool, 7> monday_to_friday{false, true, true, true, true, true, false};
  EXPECT_EQ(config.business.hours.working_days, monday_to_friday);
  EXPECT_EQ(config.business.hours.start_minute, 8 * 60);
  EXPECT_EQ(config.business.hours.end_minute, 17 * 60);
  EXPECT_EQ(config.business.holidays.code(), "DE");
  EXPECT_EQ(config.unanswered.sla.text, "2 business days");
  EXPECT_EQ(config.unanswered.sla.seconds, 2 * 9 * kHour);
  EXPECT_EQ(config.mail.provider, MailProvider::none);
  EXPECT_TRUE(config.source.empty());
}

TEST(ValidateForScan, MissingAddressesNameTheFileToEdit) {
  auto parsed = parse_config("[user]\nname = \"Anna\"\n", "/etc/anna.toml");
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  auto result = validate_for_scan(*parsed);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "config.missing");
  EXPECT_NE(result.error().message.find("[user] addresses = ["), std::string::npos);
  EXPECT_NE(result.error().message.find("/etc/anna.toml"), std::string::npos)
      << result.error().message;
}

TEST(ValidateForScan, DefaultConfigPointsAtTheDefaultPath) {
  ScopedEnv xdg("XDG_CONFIG_HOME", "/xdg/config");
  auto result = validate_for_scan(default_config());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "config.missing");
  EXPECT_NE(result.error().message.find("/xdg/config/nachfass/config.toml"), std::string::npos)
      << result.error().message;
}

TEST(ValidateForScan, PassesWithAddresses) {
  auto parsed = parse("[user]\naddresses = [\"anna@example.com\"]\n");
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_TRUE(validate_for_scan(*parsed));
}

// ---------------------------------------------------------------------------------------------
// Files and paths

TEST(LoadConfig, MissingFileIsNotFound) {
  TempDir dir;
  const fs::path file = dir.path() / "nope.toml";
  auto config = load_config(file);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().id, "config.not_found");
  EXPECT_NE(config.error().message.find(file.string()), std::string::npos);
}

TEST(LoadConfig, DirectoryIsUnreadable) {
  TempDir dir;
  auto config = load_config(dir.path());
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().id, "config.unreadable");
}

TEST(LoadConfig, ReadsTheFileAndResolvesRelativePaths) {
  TempDir dir;
  const fs::path file = dir.write(
      "config.toml",
      "[user]\naddresses = [\"anna@example.com\"]\n[mail]\nprovider = \"maildir\"\npath = "
      "\"Mail/work\"\npassword_file = \"/abs/pw\"\n");
  auto config = load_config(file);
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->source, file);
  EXPECT_EQ(config->mail.maildir.path, dir.path() / "Mail/work");
  EXPECT_EQ(config->mail.imap.password_file, fs::path("/abs/pw"));
}

TEST(LoadConfig, ErrorsNameTheFile) {
  TempDir dir;
  const fs::path file = dir.write("config.toml", "[user]\n\nlanguage = \"fr\"\n");
  auto config = load_config(file);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().id, "config.bad_value");
  EXPECT_NE(config.error().message.find(file.string() + ":3:"), std::string::npos)
      << config.error().message;
}

TEST(LoadConfigOrDefault, MissingDefaultFileGivesDefaults) {
  TempDir dir;
  ScopedEnv xdg("XDG_CONFIG_HOME", dir.path().string());
  auto config = load_config_or_default(std::nullopt);
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_TRUE(config->source.empty());
  EXPECT_EQ(config->business.holidays.code(), "DE");
}

TEST(LoadConfigOrDefault, ExistingDefaultFileIsLoaded) {
  TempDir dir;
  ScopedEnv xdg("XDG_CONFIG_HOME", dir.path().string());
  fs::create_directories(dir.path() / "nachfass");
  dir.write("nachfass/config.toml", "[user]\nlanguage = \"en\"\n");
  auto config = load_config_or_default(std::nullopt);
  ASSERT_TRUE(config) << config.error().to_string();
  EXPECT_EQ(config->user.language, Language::en);
  EXPECT_EQ(config->source, dir.path() / "nachfass" / "config.toml");
}

TEST(LoadConfigOrDefault, ExplicitMissingFileIsAnError) {
  TempDir dir;
  auto config = load_config_or_default(dir.path() / "missing.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().id, "config.not_found");
}

TEST(DefaultPaths, FollowXdgVariables) {
  ScopedEnv config_home("XDG_CONFIG_HOME", "/x/config");
  ScopedEnv data_home("XDG_DATA_HOME", "/x/data");
  EXPECT_EQ(default_config_path(), fs::path("/x/config/nachfass/config.toml"));
  EXPECT_EQ(default_state_path(), fs::path("/x/data/nachfass/state.db"));
}

TEST(DefaultPaths, FallBackToHome) {
  ScopedEnv home("HOME", "/home/anna");
  ScopedEnv config_home("XDG_CONFIG_HOME", std::nullopt);
  ScopedEnv data_home("XDG_DATA_HOME", "relative/ignored");  // the XDG spec says: ignore
  EXPECT_EQ(default_config_path(), fs::path("/home/anna/.config/nachfass/config.toml"));
  EXPECT_EQ(default_state_path(), fs::path("/home/anna/.local/share/nachfass/state.db"));
}

}  // namespace
}  // namespace nachfass
