// libFuzzer target: the vCard parser (untrusted address-book exports). Besides not crashing,
// what it hands on must be usable: valid UTF-8, lower-cased valid addresses, no domains (vCard
// entries claim addresses only), origins and warnings naming the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "files/import.hpp"
#include "files/text.hpp"
#include "files/vcard.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  using namespace nachfass::files;

  const auto import = parse_vcards(raw, "f.vcf");
  for (const auto& warning : import.warnings) check(warning.starts_with("f.vcf:"));
  for (const auto& entry : import.entries) {
    check(entry.origin.starts_with("f.vcf:"));
    check(entry.domains.empty());
    check(is_utf8(entry.name) && is_utf8(entry.tier));
    for (const auto& contact : entry.contacts) {
      check(contact.email.empty() || normalize_email(contact.email) == contact.email);
      check(is_utf8(contact.name) && is_utf8(contact.first_name) &&
            is_utf8(contact.last_name) && is_utf8(contact.title) && is_utf8(contact.phone));
    }
  }
  // The content sniffing of customer files: either parser, never a crash.
  (void)parse_customers_file(raw, "g.txt");
  return 0;
}
