// libFuzzer target: the mail header decoder (untrusted bytes from every mail source). Also a
// differential check: when the fast path takes a block, GMime's message parser (the reference)
// must give the same Message and warnings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mime/header_parser.hpp"

namespace {

bool same(const nachfass::Address& a, const nachfass::Address& b) {
  return a.email == b.email && a.name == b.name;
}

bool same(const std::vector<nachfass::Address>& a, const std::vector<nachfass::Address>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

bool same(const nachfass::Message& a, const nachfass::Message& b) {
  return a.source_id == b.source_id && a.message_id == b.message_id &&
         a.in_reply_to == b.in_reply_to && a.references == b.references && a.subject == b.subject &&
         same(a.from, b.from) && same(a.to, b.to) && same(a.cc, b.cc) && a.date == b.date &&
         a.utc_offset_minutes == b.utc_offset_minutes && a.date_from_header == b.date_from_header &&
         a.thread_index == b.thread_index && a.thread_topic == b.thread_topic &&
         a.automation == b.automation;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const nachfass::mime::ParseContext context{"fuzz/1", "INBOX", nachfass::FolderRole::inbox,
                                             1'700'000'000};
  std::vector<std::string> warnings;
  auto message = nachfass::mime::parse_message_headers(raw, context, &warnings);
  if (message) {
    // Everything the parser hands on must be usable downstream: no brackets or blanks in ids.
    for (const auto& id : message->references)
      if (id.empty() || id.find(' ') != std::string::npos) __builtin_trap();
  }
  std::vector<std::string> fast_warnings, reference_warnings;
  if (auto fast = nachfass::mime::parse_message_headers_fast(raw, context, &fast_warnings)) {
    auto reference =
        nachfass::mime::parse_message_headers_with_gmime(raw, context, &reference_warnings);
    if (fast->has_value() != reference.has_value()) __builtin_trap();
    if (reference && (!same(**fast, *reference) || fast_warnings != reference_warnings))
      __builtin_trap();
  }
  (void)nachfass::mime::header_block_length(raw);
  return 0;
}
