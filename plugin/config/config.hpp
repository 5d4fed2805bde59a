// The user's configuration: one TOML file, loaded and validated once at start-up into a typed
// `Config`. Nothing downstream sees TOML.
//
// Contract
// - Every key the program knows is checked for its type and its value; the first problem in file
//   order is reported as one `Error` (scope `fatal`) whose message names the file, the line and the
//   dotted key, and says what to write instead. Stable ids:
//     config.not_found    an explicitly given file does not exist
//     config.unreadable   the file exists but cannot be read (permissions, a directory)
//     config.parse        TOML syntax error: "FILE:LINE:COLUMN: TOML syntax error: ..."
//     config.unknown_key  a key or section the program does not know: "did you mean ...?"
//     config.bad_value    wrong type or value: "FILE:LINE: KEY: expected ..., got ..."
//     config.missing      a key a command needs is absent (validate_for_scan, [mail] provider)
// - Unknown keys are errors everywhere, so a typo never silently falls back to a default, EXCEPT in
//   the sections reserved for later issues, which are accepted unchecked and kept as raw TOML in
//   `Config::reserved` (see ReservedSection):
//     [server].
//   With `[mail] provider = "graph"`, keys of [mail] that neither maildir nor imap uses are kept
//   the same way in `MailConfig::graph_raw` (and [calendar]'s in `CalendarConfig::graph_raw`).
// - Missing keys and missing sections take the values of default_config().
// - Nothing here throws on bad input; loading is pure apart from reading the file and the tz
//   database.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/business_calendar.hpp"
#include "core/directory.hpp"
#include "core/finding.hpp"
#include "core/holidays.hpp"
#include "core/rules.hpp"
#include "ports/result.hpp"

namespace nachfass {

// [user]
struct UserConfig {
  std::string name;                      // may be empty
  std::vector<std::string> addresses;    // lower-cased addr-specs, no duplicates; may be empty
                                         // (see validate_for_scan)
  std::vector<std::string> own_domains;  // lower-cased, no leading '@'; colleagues' domains
  Language language = Language::de;
  std::string time_zone = "Europe/Berlin";  // an IANA name date::locate_zone() accepts
};

// [business]
struct BusinessConfig {
  BusinessHours hours;  // days = [...] and hours = "HH:MM-HH:MM"
  HolidayRegion holidays;
  std::vector<std::chrono::year_month_day> extra_holidays;  // sorted, no duplicates

  std::int64_t day_seconds() const {
    return std::int64_t{hours.end_minute - hours.start_minute} * 60;
  }
};

// A duration in business time as the user wrote it, and its value in working seconds for the
// configured working day (see parse_business_duration).
struct BusinessDuration {
  std::string text;
  std::int64_t seconds = 0;  // > 0
};

// [rules.unanswered]
struct UnansweredConfig {
  BusinessDuration sla;
};

// [customers]: the directory's files, entries, ignore list and tiers.
//   files = ["kunden.csv", "kontakte.vcf"]      customers (CSV or vCard, by content)
//   engagement_files = ["vertraege.csv"]        trials, contracts, seminars as CSV rows
//   ignore = ["lieferant.de", "privat@gmx.de"]  never customers
//   [customers.tiers.key] sla = "1 business day", stall_after = "3 business days"
//   [[customers.entries]] name, domains, tier, ignore, contacts = [{ email, name, first_name,
//                         last_name, salutation = "Frau" | "Herr", title, phone }]
struct CustomersConfig {
  std::vector<std::filesystem::path> files;  // "~/" expanded, relative to the config's directory
  std::vector<std::filesystem::path> engagement_files;
  std::vector<std::string> ignore;     // lower-cased addresses and domains
  std::vector<CustomerEntry> entries;  // origin "FILE:LINE"
  // Every tier: "standard" (its SLA is [rules.unanswered] sla, its stall time [rules.stalled]
  // after), "key" (1 and 3 business days unless configured) and the configured ones.
  std::vector<Tier> tiers;
};

// [mail]
enum class MailProvider : std::uint8_t {
  none,  // no [mail] section: the command line has to name the source
  maildir,
  imap,
  graph,
};
std::string_view to_string(MailProvider provider);

enum class ImapSecurity : std::uint8_t { tls, starttls, none };
std::string_view to_string(ImapSecurity security);

struct MaildirConfig {
  // "~/" is expanded. Relative paths are relative to the directory of the config file when the
  // config came from load_config(), else left as written.
  std::filesystem::path path;
};

// The IMAP keys are type-checked now; which of them are required, and what they mean in detail,
// is the IMAP connector's business.
struct ImapConfig {
  std::string host;
  int port = 0;  // 1-65535; 0 = not given (the connector picks 993 for tls, 143 otherwise)
  ImapSecurity security = ImapSecurity::tls;
  std::string username;
  // At most one of the three password sources is set (checked here).
  std::string password_env;             // name of an environment variable
  std::filesystem::path password_file;  // "~/" expanded, relative as for MaildirConfig::path
  std::optional<std::string> keyring;   // `keyring = true` -> "", `keyring = "entry"` -> "entry"
  std::vector<std::string> folders;     // empty = the connector's default (INBOX)
  std::string sent_folder;              // empty = discover (SPECIAL-USE \Sent)
  std::string drafts_folder;            // empty = discover (SPECIAL-USE \Drafts)
  std::filesystem::path ca_file;        // an extra CA to trust (PEM); "~/" expanded
  // Turns certificate verification off for exactly this host, with a warning on every
  // connection. Meant for a test server with a self-signed certificate, never for production.
  std::string insecure_skip_verify_for_host;
  int connections = 0;  // parallel connections for a full sync, 1-8; 0 = the connector's default
};

struct MailConfig {
  MailProvider provider = MailProvider::none;
  MaildirConfig maildir;  // meaningful when provider == maildir (path required then)
  ImapConfig imap;        // filled from the keys present, whatever the provider
  // provider == graph: the [mail] keys that neither maildir nor imap knows, as a TOML document
  // ("[mail]\nkey = value\n..."); empty otherwise.
  std::string graph_raw;
};

// [calendar]: where follow-up reminders go.
enum class CalendarProvider : std::uint8_t { none, caldav, graph };
std::string_view to_string(CalendarProvider provider);

struct CalendarConfig {
  CalendarProvider provider = CalendarProvider::none;
  std::string url;  // CalDAV server root or calendar collection URL (http:// or https://)
  std::string username;
  // At most one password source (checked here), as for [mail].
  std::string password_env;
  std::filesystem::path password_file;
  std::optional<std::string> keyring;
  std::string bearer_token_env;       // OAuth bearer token from this variable instead of a password
  std::string calendar = "Nachfass";  // display name; created when missing and create_calendar
  bool create_calendar = true;
  int reminder_minutes = 30;                  // event length, 5..480
  int max_per_day = 8;                        // 1..100
  int alarm_minutes_before = 0;               // 0..1440 or -1 for no alarm
  std::filesystem::path ca_file;              // an extra CA to trust (PEM)
  std::string insecure_skip_verify_for_host;  // as for [mail]: a test server only
  // provider == graph: the [calendar] keys CalDAV does not use, as raw TOML (see graph_raw).
  std::string graph_raw;
};

// [letters]: the drafts Nachfass writes.
struct LettersConfig {
  // The closing block under every letter, plain text with line breaks ("Anna Vogel\nVertrieb\n
  // Example GmbH\nTel. ..."). Empty: the letter closes with [user] name alone.
  std::string signature;
  // Where the user's own templates live (overriding or adding to the built-in ones); "~/"
  // expanded, relative to the config file's directory. Empty: $XDG_CONFIG_HOME/nachfass/templates
  // (else ~/.config/nachfass/templates), used when it exists.
  std::filesystem::path templates_dir;
};

// A section reserved for a later issue, accepted without checks.
struct ReservedSection {
  std::string name;  // dotted: "calendar", "rules.stalled"
  std::string toml;  // a standalone TOML document holding only this section, e.g.
                     // "[rules.stalled]\nafter = '10 business days'\n"
  int line = 0;      // where the section starts in the file
};

struct Config {
  UserConfig user;
  BusinessConfig business;
  UnansweredConfig unanswered;
  MailConfig mail;
  CalendarConfig calendar;
  LettersConfig letters;
  CustomersConfig customers;
  // [rules.lapsing.<name>], [rules.stalled], [rules.quiet], [rules.absence]: default_rules() with
  // what the file changes. A rule table of the defaults' names changes only the keys it gives; a
  // new name adds a rule. Patterns are compiled here: a bad one is a config.bad_value naming its
  // key.
  Rules rules;
  BusinessDuration stall_after;           // [rules.stalled] after: the "standard" tier's stall time
  std::vector<ReservedSection> reserved;  // in name order
  // The file it was loaded from; for parse_config() the source name; empty for default_config().
  std::filesystem::path source;

  const ReservedSection* find_reserved(std::string_view name) const;
};

// What applies when there is no config file: no addresses, language de, Europe/Berlin, Mon-Fri
// 08:00-17:00, German federal holidays, SLA "2 business days", no [mail] section.
Config default_config();

// Parses and validates a TOML document; `source_name` is used in messages and as Config::source.
Result<Config> parse_config(std::string_view toml_text, std::string_view source_name);

// Reads and parses `file`. config.not_found when it does not exist, config.unreadable when it
// cannot be read; relative paths in it are resolved against its directory.
Result<Config> load_config(const std::filesystem::path& file);

// The command-line rule: an explicitly given file must exist; without one, default_config_path()
// is loaded when it exists and default_config() is used when it does not.
Result<Config> load_config_or_default(const std::optional<std::filesystem::path>& explicit_file);

// What a scan needs beyond a valid file: the user's own addresses, without which the direction of
// a message cannot be told. config.missing, naming the file to edit, when they are absent.
Result<void> validate_for_scan(const Config& config);

// The commented template `nachfass config example` prints. parse_config() accepts it; its values
// are those of default_config() plus example addresses and a Maildir path.
std::string example_config();

// $XDG_CONFIG_HOME/nachfass/config.toml, else ~/.config/nachfass/config.toml.
std::filesystem::path default_config_path();
// $XDG_DATA_HOME/nachfass/state.db, else ~/.local/share/nachfass/state.db.
std::filesystem::path default_state_path();

}  // namespace nachfass
