// libFuzzer target: the customers and engagements CSV parsers (untrusted files from users'
// spreadsheets). Besides not crashing, everything handed on must be usable: valid UTF-8, origins
// and warnings naming the file, lower-cased domains and addresses, real dates.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "files/csv.hpp"
#include "files/text.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool lower_case(std::string_view text) {
  for (const char c : text)
    if (c >= 'A' && c <= 'Z') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  using namespace nachfass::files;

  const auto customers = parse_customers_csv(raw, "f.csv");
  for (const auto& warning : customers.warnings) check(warning.starts_with("f.csv:"));
  for (const auto& entry : customers.entries) {
    check(entry.origin.starts_with("f.csv:"));
    check(is_utf8(entry.name) && is_utf8(entry.tier) && lower_case(entry.tier));
    check(!entry.name.empty() || !entry.domains.empty() || !entry.contacts.empty());
    for (const auto& domain : entry.domains) check(is_domain(domain));
    for (const auto& contact : entry.contacts) {
      check(contact.email.empty() || normalize_email(contact.email) == contact.email);
      check(is_utf8(contact.name) && is_utf8(contact.phone) && is_utf8(contact.title));
    }
  }

  const auto engagements = parse_engagements_csv(raw, "e.csv");
  for (const auto& warning : engagements.warnings) check(warning.starts_with("e.csv:"));
  for (const auto& record : engagements.records) {
    check(record.origin.starts_with("e.csv:"));
    check(!record.customer.empty() && !record.rule.empty());
    check(is_utf8(record.customer) && is_utf8(record.rule) && lower_case(record.rule));
    check(record.end_day == 0 || record.end_day >= record.start_day);
  }

  // The splitter alone, with the delimiter it detects: rows never go backwards in lines.
  const std::string text = to_utf8(raw);
  check(is_utf8(text));
  const auto table = split_csv(text, "s.csv");
  std::size_t line = 0;
  for (const auto& row : table.rows) {
    check(row.line > line);
    line = row.line;
  }
  (void)parse_day(raw.substr(0, 40));
  return 0;
}
