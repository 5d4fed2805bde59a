// libFuzzer target: the body text extractor (untrusted bytes from every mail source). Whatever the
// input, the text is valid UTF-8 of at most max_body_bytes, and a smaller limit gives a prefix of
// at most that many bytes.
#include <glib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mime/body_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::string text = nachfass::mime::extract_body_text(raw);
  if (text.size() > nachfass::max_body_bytes) __builtin_trap();
  if (!g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) __builtin_trap();
  const std::string small = nachfass::mime::extract_body_text(raw, 37);
  if (small.size() > 37) __builtin_trap();
  if (!g_utf8_validate(small.data(), static_cast<gssize>(small.size()), nullptr)) __builtin_trap();
  // The HTML and quote steps alone, on bytes that are UTF-8.
  if (g_utf8_validate(raw.data(), static_cast<gssize>(raw.size()), nullptr)) {
    const std::string html = nachfass::mime::body_detail::html_to_text(raw);
    if (!g_utf8_validate(html.data(), static_cast<gssize>(html.size()), nullptr)) __builtin_trap();
    (void)nachfass::mime::body_detail::new_text(html);
  }
  return 0;
}
