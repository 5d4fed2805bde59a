// Customers and engagements from CSV files, as spreadsheets export them (Excel, LibreOffice,
// Google Sheets, Outlook's contact export).
//
// Format accepted (RFC 4180 plus what German Excel writes):
// - UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252 (see to_utf8()).
// - The first non-empty line is the header. Its delimiter decides the file's: ',' ';' or tab,
//   whichever occurs most often outside quotes (German Excel writes ';').
// - Fields may be quoted with '"': then they may contain the delimiter, line breaks and doubled
//   quotes (""). A quote inside an unquoted field is kept as a character.
// - Line ends LF, CRLF or CR. Empty lines are skipped. A row with fewer fields than the header is
//   padded with empty fields; extra fields are allowed when empty.
// - Column names are matched case-insensitively, ignoring spaces, '-' and '_'; unknown columns
//   are ignored.
//
// Bad input never fails the whole file: a malformed row is reported as
// "FILE:LINE: <reason> — skipped" (LINE = the line where the row starts) and the rest imports.
// No function here throws (except std::bad_alloc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/directory.hpp"
#include "core/rules.hpp"

namespace nachfass::files {

// One CSV record: its fields and the line it starts on (1-based).
struct CsvRow {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

struct CsvTable {
  char delimiter = ',';
  std::vector<CsvRow> rows;  // the header first; empty lines left out
  std::vector<std::string> warnings;
};

// Splits UTF-8 `text` into records. `origin` (the file name) prefixes warnings. A quoted field
// left open at the end of the text drops its row with a warning, and parsing resumes on the line
// after the row's first line.
CsvTable split_csv(std::string_view text, std::string_view origin);

// The delimiter of a header line: ',' ';' or '\t' (',' when there is none).
char detect_delimiter(std::string_view header_line);

struct CustomerImport {
  std::vector<CustomerEntry> entries;
  std::vector<std::string> warnings;
};

// Customers CSV. Columns (German and English names; at least one of company, domain, email):
//   company | firma | unternehmen | organisation     CustomerEntry::name
//   domain | domains | domäne      one or more domains separated by space, ',' or ';'
//                                  ("@mueller.de", "www.mueller.de", "https://mueller.de/" too)
//   email | e-mail | mail | e-mail-adresse           the contact's address
//   first_name | vorname, last_name | nachname | name, salutation | anrede (Frau/Herr, Ms/Mrs/Mr;
//   anything else, e.g. Mx: unknown), title | titel ("Dr."), phone | telefon
//   tier | stufe                   a tier name, lower-cased ("key")
//   ignore | ignorieren            yes/no, ja/nein, true/false, 1/0, x (yes); empty = not given
// Rows naming the same company (case-insensitive) or sharing a domain are merged into one entry
// (contacts appended; for name, tier and ignore the later row's non-empty value wins); a row with
// only an address is an entry of its own. `origin` of an entry is "FILE:LINE" of its first row.
// `bytes` is the file's content in any encoding to_utf8() accepts.
CustomerImport parse_customers_csv(std::string_view bytes, std::string_view origin);

struct EngagementImport {
  std::vector<EngagementRecord> records;
  std::vector<std::string> warnings;
};

// Engagements CSV. Columns:
//   customer | kunde               a domain, an address or a company name (required)
//   kind | art | rule | typ        a rule name (trial, contract, seminar, ...) or the German
//                                  Testzugang / Test / Vertrag / Leasing / Abo / Abonnement (->
//                                  trial, contract, contract, subscription, subscription); any
//                                  other value is kept lower-cased (required)
//   start | beginn | startdatum    2026-03-26 or 26.03.2026 (required)
//   end | ende | enddatum          the same; empty = from the rule's length; not before start
// `origin` of a record is "FILE:LINE".
EngagementImport parse_engagements_csv(std::string_view bytes, std::string_view origin);

// A calendar date as days since 1970-01-01: "2026-03-26", "26.03.2026", "26.3.2026", "26.03.26"
// (20xx); a time after the date (" 00:00", "T00:00:00") is ignored. nullopt when malformed or
// not a real date.
std::optional<std::int32_t> parse_day(std::string_view text);

}  // namespace nachfass::files
