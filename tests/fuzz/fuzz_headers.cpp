// libFuzzer target: the mail header decoder (untrusted bytes from every mail source).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mime/header_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  auto message = nachfass::mime::parse_message_headers(
      raw, {"fuzz/1", "INBOX", nachfass::FolderRole::inbox, 1'700'000'000}, &warnings);
  if (message) {
    // Everything the parser hands on must be usable downstream: no brackets or blanks in ids.
    for (const auto& id : message->references)
      if (id.empty() || id.find(' ') != std::string::npos) __builtin_trap();
  }
  (void)nachfass::mime::header_block_length(raw);
  return 0;
}
