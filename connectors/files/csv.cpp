#include "files/csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>

#include "core/ascii.hpp"
#include "files/text.hpp"

namespace nachfass::files {

namespace {

using ascii::trim;

std::string file_skipped(std::string_view origin, std::size_t line, std::string_view reason) {
  return std::string(origin) + ":" + std::to_string(line) + ": " + std::string(reason) +
         " \xE2\x80\x94 file skipped";
}

// Header names compared without case, spaces, '-', '_' and '.'.
std::string column_key(std::string_view name) {
  std::string out;
  for (const char c : trim(name)) {
    if (c == ' ' || c == '-' || c == '_' || c == '.') continue;
    out.push_back(ascii::to_lower(c));
  }
  // "Domäne" / "DOMÄNE": fold the German capitals the ASCII folding leaves alone.
  for (auto [upper, lower] : std::array<std::pair<std::string_view, std::string_view>, 3>{
           {{"\xC3\x84", "\xC3\xA4"}, {"\xC3\x96", "\xC3\xB6"}, {"\xC3\x9C", "\xC3\xBC"}}})
    for (auto at = out.find(upper); at != std::string::npos; at = out.find(upper, at))
      out.replace(at, upper.size(), lower);
  return out;
}

// The column of the first header cell whose key is one of `aliases`, or -1.
int find_column(const std::vector<std::string>& header_keys,
                std::initializer_list<std::string_view> aliases) {
  for (std::size_t i = 0; i < header_keys.size(); ++i)
    for (std::string_view alias : aliases)
      if (header_keys[i] == alias) return static_cast<int>(i);
  return -1;
}

struct Row {
  const CsvRow& row;
  std::string_view cell(int column) const {
    if (column < 0 || static_cast<std::size_t>(column) >= row.fields.size()) return {};
    return trim(row.fields[static_cast<std::size_t>(column)]);
  }
};

bool row_is_empty(const CsvRow& row) {
  return std::all_of(row.fields.begin(), row.fields.end(),
                     [](const std::string& f) { return trim(f).empty(); });
}

// Extra fields beyond the header's must be empty.
std::optional<std::string> check_width(const CsvRow& row, std::size_t header_size) {
  for (std::size_t i = header_size; i < row.fields.size(); ++i)
    if (!trim(row.fields[i]).empty())
      return std::to_string(row.fields.size()) + " fields, but the header has " +
             std::to_string(header_size);
  return std::nullopt;
}

// "@Mueller.de", "www.mueller.de", "https://www.mueller.de/kontakt" -> "mueller.de".
std::string normalize_domain(std::string_view text) {
  std::string d = ascii::lower(trim(text));
  for (std::string_view scheme : {"https://", "http://"})
    if (d.starts_with(scheme)) d.erase(0, scheme.size());
  if (auto slash = d.find('/'); slash != std::string::npos) d.erase(slash);
  while (!d.empty() && d.front() == '@') d.erase(0, 1);
  while (!d.empty() && d.back() == '.') d.pop_back();
  if (d.starts_with("www.") && d.find('.', 4) != std::string::npos) d.erase(0, 4);
  return d;
}

std::optional<bool> parse_yes_no(std::string_view text) {
  const std::string v = ascii::lower(trim(text));
  for (std::string_view yes : {"yes", "ja", "true", "wahr", "1", "x", "y", "j"})
    if (v == yes) return true;
  for (std::string_view no : {"no", "nein", "false", "falsch", "0", "n"})
    if (v == no) return false;
  return std::nullopt;
}

Salutation parse_salutation(std::string_view text) {
  std::string v = ascii::lower(trim(text));
  while (!v.empty() && v.back() == '.') v.pop_back();
  for (std::string_view frau : {"frau", "fr", "ms", "mrs", "miss", "madame", "mme"})
    if (v == frau) return Salutation::frau;
  for (std::string_view herr : {"herr", "hr", "herrn", "mr", "monsieur"})
    if (v == herr) return Salutation::herr;
  return Salutation::unknown;
}

std::string join_name(std::string_view first, std::string_view last) {
  std::string name(first);
  if (!name.empty() && !last.empty()) name += ' ';
  name += last;
  return name;
}

// Contacts of one entry by address, so that many rows of one company merge in linear time.
using ContactIndex = std::map<std::pair<std::size_t, std::string>, std::size_t>;

void merge_contact(std::size_t entry_index, std::vector<Contact>& contacts, Contact contact,
                   ContactIndex& index) {
  if (!contact.email.empty()) {
    auto [it, inserted] = index.try_emplace({entry_index, contact.email}, contacts.size());
    if (!inserted) {
      Contact& existing = contacts[it->second];
      if (!contact.name.empty()) existing.name = contact.name;
      if (!contact.first_name.empty()) existing.first_name = contact.first_name;
      if (!contact.last_name.empty()) existing.last_name = contact.last_name;
      if (!contact.title.empty()) existing.title = contact.title;
      if (contact.salutation != Salutation::unknown) existing.salutation = contact.salutation;
      if (!contact.phone.empty()) existing.phone = contact.phone;
      return;
    }
  }
  contacts.push_back(std::move(contact));
}

std::string kind_of(std::string_view text) {
  const std::string v = ascii::lower(trim(text));
  static constexpr std::pair<std::string_view, std::string_view> german[] = {
      {"testzugang", "trial"}, {"test", "trial"},
      {"testphase", "trial"},  {"testlizenz", "trial"},
      {"probe", "trial"},      {"vertrag", "contract"},
      {"leasing", "contract"}, {"wartungsvertrag", "contract"},
      {"abo", "subscription"}, {"abonnement", "subscription"},
      {"seminar", "seminar"},  {"schulung", "seminar"},
      {"webinar", "seminar"}};
  for (auto [word, rule] : german)
    if (v == word) return std::string(rule);
  return v;
}

// Digits only, 1..max_digits of them.
std::optional<int> number(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

char detect_delimiter(std::string_view header_line) {
  std::size_t comma = 0, semicolon = 0, tab = 0;
  bool in_quotes = false;
  for (const char c : header_line) {
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == ',') ++comma;
    if (c == ';') ++semicolon;
    if (c == '\t') ++tab;
  }
  if (tab > comma && tab > semicolon) return '\t';
  if (semicolon > comma) return ';';
  return ',';
}

CsvTable split_csv(std::string_view text, std::string_view origin) {
  CsvTable table;
  const std::size_t n = text.size();
  auto is_break = [](char c) { return c == '\n' || c == '\r'; };
  // Past one line break at `i` (CRLF counts as one).
  auto after_break = [&](std::size_t i) {
    return (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? i + 2 : i + 1;
  };

  // The delimiter comes from the first line with content (the header).
  {
    std::size_t i = 0;
    while (i < n) {
      std::size_t end = i;
      while (end < n && !is_break(text[end])) ++end;
      if (!trim(text.substr(i, end - i)).empty()) {
        table.delimiter = detect_delimiter(text.substr(i, end - i));
        break;
      }
      i = end < n ? after_break(end) : n;
    }
  }
  const char delimiter = table.delimiter;

  std::size_t pos = 0;
  std::size_t line = 1;
  while (pos < n) {
    if (is_break(text[pos])) {
      pos = after_break(pos);
      ++line;
      continue;
    }
    const std::size_t start_line = line;
    std::size_t first_break = n;  // where the record's first physical line ends
    CsvRow row;
    row.line = start_line;
    std::string field;
    bool in_quotes = false;
    bool field_start = true;
    bool record_done = false;
    std::size_t i = pos;
    while (i < n && !record_done) {
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
          } else {
            in_quotes = false;
            ++i;
          }
        } else if (is_break(c)) {
          if (first_break == n) first_break = i;
          field.push_back('\n');  // line breaks inside a cell become LF
          i = after_break(i);
          ++line;
        } else {
          field.push_back(c);
          ++i;
        }
        continue;
      }
      if (c == delimiter) {
        row.fields.push_back(std::move(field));
        field.clear();
        field_start = true;
        ++i;
      } else if (is_break(c)) {
        i = after_break(i);
        ++line;
        record_done = true;
      } else if (c == '"' && field_start) {
        in_quotes = true;
        field_start = false;
        ++i;
      } else {
        field.push_back(c);
        field_start = false;
        ++i;
      }
    }
    if (in_quotes) {
      // Only one field per text can stay open to its end (any later odd run of quotes would
      // close it), so this rescanning stays linear.
      table.warnings.push_back(skipped(origin, start_line, "quoted field not closed"));
      // Resume after the row's first line: the rest of the file still imports.
      pos = first_break < n ? after_break(first_break) : n;
      line = start_line + 1;
      continue;
    }
    row.fields.push_back(std::move(field));
    table.rows.push_back(std::move(row));
    pos = i;
  }
  return table;
}

std::optional<std::int32_t> parse_day(std::string_view text) {
  text = trim(text);
  if (auto cut = text.find_first_of(" T"); cut != std::string_view::npos)
    text = text.substr(0, cut);
  std::optional<int> year, month, day;
  if (const auto dash = text.find('-'); dash != std::string_view::npos) {
    const auto dash2 = text.find('-', dash + 1);
    if (dash2 == std::string_view::npos || dash != 4) return std::nullopt;
    year = number(text.substr(0, dash), 4);
    month = number(text.substr(dash + 1, dash2 - dash - 1), 2);
    day = number(text.substr(dash2 + 1), 2);
  } else if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    const auto dot2 = text.find('.', dot + 1);
    if (dot2 == std::string_view::npos) return std::nullopt;
    day = number(text.substr(0, dot), 2);
    month = number(text.substr(dot + 1, dot2 - dot - 1), 2);
    const std::string_view year_text = text.substr(dot2 + 1);
    if (year_text.size() != 2 && year_text.size() != 4) return std::nullopt;
    year = number(year_text, 4);
    if (year && year_text.size() == 2) *year += 2000;
  } else {
    return std::nullopt;
  }
  if (!year || !month || !day || *year < 1900 || *year > 2200) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  return static_cast<std::int32_t>(std::chrono::sys_days{date}.time_since_epoch().count());
}

CustomerImport parse_customers_csv(std::string_view bytes, std::string_view origin) {
  CustomerImport result;
  const std::string text = to_utf8(bytes);
  CsvTable table = split_csv(text, origin);
  result.warnings = std::move(table.warnings);
  if (table.rows.empty()) return result;

  const CsvRow& header = table.rows.front();
  std::vector<std::string> keys;
  for (const auto& name : header.fields) keys.push_back(column_key(name));
  const int company = find_column(keys, {"company", "firma", "unternehmen", "organisation",
                                         "organization", "companyname", "firmenname", "kunde"});
  const int domain = find_column(keys, {"domain", "domains", "domäne", "domänen", "maildomain"});
  const int email = find_column(keys, {"email", "mail", "emailadresse", "emailaddress"});
  const int first_name = find_column(keys, {"firstname", "vorname", "givenname"});
  const int last_name =
      find_column(keys, {"lastname", "nachname", "name", "surname", "familyname", "familienname"});
  const int salutation = find_column(keys, {"salutation", "anrede"});
  const int title = find_column(keys, {"title", "titel"});
  const int phone = find_column(keys, {"phone", "telefon", "tel", "telephone", "telefonnummer",
                                       "phonenumber", "telefongeschäftlich", "businessphone"});
  const int tier = find_column(keys, {"tier", "stufe"});
  const int ignore = find_column(keys, {"ignore", "ignorieren"});
  if (company < 0 && domain < 0 && email < 0) {
    result.warnings.push_back(file_skipped(
        origin, header.line, "no column company/firma, domain or email/e-mail in the header row"));
    return result;
  }

  std::map<std::string, std::size_t> by_company;
  std::map<std::string, std::size_t> by_domain;
  ContactIndex contact_index;
  for (std::size_t r = 1; r < table.rows.size(); ++r) {
    const CsvRow& csv_row = table.rows[r];
    if (row_is_empty(csv_row)) continue;
    if (auto problem = check_width(csv_row, header.fields.size())) {
      result.warnings.push_back(skipped(origin, csv_row.line, *problem));
      continue;
    }
    const Row row{csv_row};
    auto warn = [&](const std::string& reason) {
      result.warnings.push_back(skipped(origin, csv_row.line, reason));
    };

    std::vector<std::string> domains;
    bool bad = false;
    {
      std::string_view cell = row.cell(domain);
      std::size_t i = 0;
      while (i < cell.size() && !bad) {
        const auto end = cell.find_first_of(" ,;\t\n", i);
        const std::string_view item =
            cell.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        i = end == std::string_view::npos ? cell.size() : end + 1;
        if (trim(item).empty()) continue;
        std::string d = normalize_domain(item);
        if (!is_domain(d)) {
          warn("invalid domain " + quote_for_message(item));
          bad = true;
        } else if (std::find(domains.begin(), domains.end(), d) == domains.end()) {
          domains.push_back(std::move(d));
        }
      }
    }
    if (bad) continue;
    std::string address;
    if (const auto cell = row.cell(email); !cell.empty()) {
      address = normalize_email(cell);
      if (address.empty()) {
        warn("invalid e-mail address " + quote_for_message(cell));
        continue;
      }
    }
    std::optional<bool> ignored;
    if (const auto cell = row.cell(ignore); !cell.empty()) {
      ignored = parse_yes_no(cell);
      if (!ignored) {
        warn("ignore: expected ja/nein, yes/no, true/false or 1/0, got " + quote_for_message(cell));
        continue;
      }
    }
    const std::string company_name(row.cell(company));
    if (company_name.empty() && domains.empty() && address.empty()) {
      warn("no company, domain or e-mail address");
      continue;
    }

    Contact contact;
    contact.email = address;
    contact.first_name = std::string(row.cell(first_name));
    contact.last_name = std::string(row.cell(last_name));
    contact.name = join_name(contact.first_name, contact.last_name);
    contact.title = std::string(row.cell(title));
    contact.salutation = parse_salutation(row.cell(salutation));
    contact.phone = std::string(row.cell(phone));
    const bool has_contact = !contact.email.empty() || !contact.name.empty() ||
                             !contact.phone.empty() || !contact.title.empty();

    // The entry of an earlier row of the same company.
    std::optional<std::size_t> target;
    const std::string company_key = ascii::lower(company_name);
    if (!company_key.empty())
      if (auto it = by_company.find(company_key); it != by_company.end()) target = it->second;
    for (const auto& d : domains) {
      if (target) break;
      if (auto it = by_domain.find(d); it != by_domain.end()) target = it->second;
    }
    if (!target) {
      CustomerEntry entry;
      entry.origin = std::string(origin) + ":" + std::to_string(csv_row.line);
      result.entries.push_back(std::move(entry));
      target = result.entries.size() - 1;
    }
    CustomerEntry& entry = result.entries[*target];
    if (!company_name.empty()) entry.name = company_name;
    // A domain belongs to the first entry naming it.
    for (auto& d : domains)
      if (by_domain.try_emplace(d, *target).second) entry.domains.push_back(std::move(d));
    if (const auto t = row.cell(tier); !t.empty()) entry.tier = ascii::lower(t);
    if (ignored) entry.ignore = ignored;
    if (has_contact) merge_contact(*target, entry.contacts, std::move(contact), contact_index);
    if (!company_key.empty()) by_company.try_emplace(company_key, *target);
  }
  return result;
}

EngagementImport parse_engagements_csv(std::string_view bytes, std::string_view origin) {
  EngagementImport result;
  const std::string text = to_utf8(bytes);
  CsvTable table = split_csv(text, origin);
  result.warnings = std::move(table.warnings);
  if (table.rows.empty()) return result;

  const CsvRow& header = table.rows.front();
  std::vector<std::string> keys;
  for (const auto& name : header.fields) keys.push_back(column_key(name));
  const int customer = find_column(keys, {"customer", "kunde", "kundin", "company", "firma"});
  const int kind = find_column(keys, {"kind", "art", "rule", "typ", "type", "regel"});
  const int start =
      find_column(keys, {"start", "beginn", "startdatum", "startdate", "begin", "von", "from"});
  const int end = find_column(keys, {"end", "ende", "enddatum", "enddate", "bis", "until"});
  std::vector<std::string_view> missing;
  if (customer < 0) missing.push_back("customer/kunde");
  if (kind < 0) missing.push_back("kind/art");
  if (start < 0) missing.push_back("start/beginn");
  if (!missing.empty()) {
    std::string reason = "no column ";
    for (std::size_t i = 0; i < missing.size(); ++i) {
      if (i > 0) reason += i + 1 == missing.size() ? " and " : ", ";
      reason += missing[i];
    }
    result.warnings.push_back(file_skipped(origin, header.line, reason + " in the header row"));
    return result;
  }

  constexpr std::string_view date_hint = "expected a date such as 2026-03-26 or 26.03.2026, got ";
  for (std::size_t r = 1; r < table.rows.size(); ++r) {
    const CsvRow& csv_row = table.rows[r];
    if (row_is_empty(csv_row)) continue;
    auto warn = [&](const std::string& reason) {
      result.warnings.push_back(skipped(origin, csv_row.line, reason));
    };
    if (auto problem = check_width(csv_row, header.fields.size())) {
      warn(*problem);
      continue;
    }
    const Row row{csv_row};
    EngagementRecord record;
    record.customer = std::string(row.cell(customer));
    if (record.customer.find('@') != std::string::npos || is_domain(ascii::lower(record.customer)))
      record.customer = ascii::lower(record.customer);
    if (record.customer.empty()) {
      warn("no customer");
      continue;
    }
    record.rule = kind_of(row.cell(kind));
    if (record.rule.empty()) {
      warn("no kind (trial, contract, seminar, ...)");
      continue;
    }
    const auto start_cell = row.cell(start);
    const auto start_day = parse_day(start_cell);
    if (!start_day) {
      warn(std::string("start: ") + std::string(date_hint) + quote_for_message(start_cell));
      continue;
    }
    record.start_day = *start_day;
    if (const auto end_cell = row.cell(end); !end_cell.empty()) {
      const auto end_day = parse_day(end_cell);
      if (!end_day) {
        warn(std::string("end: ") + std::string(date_hint) + quote_for_message(end_cell));
        continue;
      }
      if (*end_day < *start_day) {
        warn("end " + quote_for_message(end_cell) + " is before start " +
             quote_for_message(start_cell));
        continue;
      }
      record.end_day = *end_day;
    }
    record.origin = std::string(origin) + ":" + std::to_string(csv_row.line);
    result.records.push_back(std::move(record));
  }
  return result;
}

}  // namespace nachfass::files
