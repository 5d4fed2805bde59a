// libFuzzer target: the WebDAV multistatus parser and href resolution (untrusted bytes from
// every CalDAV server).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caldav/dav/multistatus.hpp"
#include "caldav/dav/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = nachfass::caldav::parse_multistatus(body, "https://dav.example.com:8443/anna/cal/",
                                                    "dav.example.com:8443", "fuzz");
  if (parsed) {
    // Every href handed on is canonical: an absolute http(s) URL that canonicalises to itself.
    for (const auto& response : parsed->responses) {
      const auto again = nachfass::caldav::canonical_url(response.href);
      if (!again || *again != response.href) __builtin_trap();
    }
  } else if (parsed.error().id != "caldav.bad_xml") {
    __builtin_trap();
  }
  // The same bytes as an href: resolution never yields a non-canonical URL.
  if (size < 4096) {
    const auto resolved = nachfass::caldav::resolve_url("http://h:8080/a/b/", body);
    if (resolved) {
      const auto again = nachfass::caldav::canonical_url(*resolved);
      if (!again || *again != *resolved) __builtin_trap();
    }
  }
  return 0;
}
