// URL helpers for WebDAV hrefs (RFC 3986, RFC 4918 section 8.3). Pure: no I/O, no allocation
// beyond the returned strings, any input accepted.
//
// Hrefs are compared in one canonical form: an absolute URL whose path has every percent-escape
// decoded and re-encoded the same way (upper-case hex; unreserved characters, sub-delims, ':'
// '@' and '/' literal; "%2F" kept escaped so that a segment never splits). Servers differ in
// what they escape (Xandikos escapes ':' in some hrefs, clients escape spaces), so two hrefs
// naming the same resource compare equal only after canonical_url().
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nachfass::caldav {

struct Url {
  std::string scheme;     // lower case: "http" or "https" (others parse but are not used)
  std::string authority;  // "host[:port]" as written, lower-cased host
  std::string host;       // without port or brackets' contents changed
  std::string path;       // starts with '/', may carry "?query" at the end
  // "scheme://authority"
  std::string origin() const { return scheme + "://" + authority; }
  std::string str() const { return origin() + path; }
};

// Splits an absolute http(s) URL; nullopt for anything else (no scheme, userinfo, empty host).
// The fragment is dropped; an empty path becomes "/".
std::optional<Url> parse_url(std::string_view text);

// `reference` resolved against the absolute URL `base` (RFC 3986 section 5.2: absolute URLs,
// absolute paths, relative paths with dot segments), in canonical form; nullopt when the result
// is not an http(s) URL.
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// The canonical form of an absolute URL (see above); nullopt when it does not parse.
std::optional<std::string> canonical_url(std::string_view url);

// `path` with its percent-escapes normalised (see above).
std::string canonical_path(std::string_view path);

// One path segment percent-encoded ('/' included), for building a resource name into an href.
std::string encode_segment(std::string_view segment);

// Percent-decoding; malformed escapes are kept as they are.
std::string percent_decode(std::string_view text);

// True when both parse and have the same scheme, host and port.
bool same_origin(std::string_view a, std::string_view b);

}  // namespace nachfass::caldav
