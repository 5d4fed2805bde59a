#include "caldav/dav/url.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace nachfass::caldav {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char hex_digits[] = "0123456789ABCDEF";

bool literal_in_path(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':  // sub-delims
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
    case '/':
      return true;
    default:
      return false;
  }
}

void append_escaped(std::string& out, unsigned char c) {
  out += '%';
  out += hex_digits[c >> 4];
  out += hex_digits[c & 0xF];
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  const bool absolute = !path.empty() && path.front() == '/';
  if (absolute) pos = 1;
  bool trailing_slash = false;
  while (pos <= path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::string_view segment =
        path.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    const bool last = next == std::string_view::npos;
    if (segment == ".") {
      trailing_slash = last;
    } else if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = last;
    } else {
      segments.push_back(segment);
      trailing_slash = false;
    }
    if (last) break;
    pos = next + 1;
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (trailing_slash && !out.empty() && out.back() != '/') out += '/';
  return out;
}

std::string normalise_authority(std::string_view scheme, std::string_view authority) {
  std::string out;
  out.reserve(authority.size());
  for (char c : authority) out += lower(c);
  const std::string_view default_port = scheme == "https" ? ":443" : ":80";
  if (out.size() > default_port.size() && out.ends_with(default_port))
    out.resize(out.size() - default_port.size());
  return out;
}

std::string host_of(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return std::string(
        authority.substr(1, close == std::string_view::npos ? authority.size() - 1 : close - 1));
  }
  return std::string(authority.substr(0, authority.rfind(':')));
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string canonical_path(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 8);
  const auto query = path.find('?');
  const std::string_view only_path = path.substr(0, query);
  for (std::size_t i = 0; i < only_path.size(); ++i) {
    auto c = static_cast<unsigned char>(only_path[i]);
    if (c == '%' && i + 2 < only_path.size() && hex_value(only_path[i + 1]) >= 0 &&
        hex_value(only_path[i + 2]) >= 0) {
      c = static_cast<unsigned char>(hex_value(only_path[i + 1]) * 16 +
                                     hex_value(only_path[i + 2]));
      i += 2;
      // An escaped '/' stays escaped: decoding it would split the segment.
      if (c == '/' || !literal_in_path(c))
        append_escaped(out, c);
      else
        out += static_cast<char>(c);
    } else if (literal_in_path(c)) {
      out += static_cast<char>(c);
    } else {
      append_escaped(out, c);
    }
  }
  if (query != std::string_view::npos) out += path.substr(query);
  return out;
}

std::string encode_segment(std::string_view segment) {
  std::string out;
  for (char ch : segment) {
    const auto c = static_cast<unsigned char>(ch);
    if (c != '/' && literal_in_path(c))
      out += ch;
    else
      append_escaped(out, c);
  }
  return out;
}

std::optional<Url> parse_url(std::string_view text) {
  const auto colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Url url;
  for (char c : text.substr(0, colon)) url.scheme += lower(c);
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(colon + 3);
  const auto fragment = rest.find('#');
  rest = rest.substr(0, fragment);
  const auto path_start = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  // Host names are ASCII (an international name arrives punycoded), IPv6 literals bracketed:
  // anything else in the authority is not a URL this client follows.
  for (char c : authority) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '[' ||
                    c == ']';
    if (!ok) return std::nullopt;
  }
  // host[:port] or [v6]:port, the port all digits: "h:1:2" is no authority.
  {
    std::string_view port_part = authority;
    if (authority.front() == '[') {
      const auto close = authority.find(']');
      if (close == std::string_view::npos) return std::nullopt;
      port_part = authority.substr(close + 1);
      if (!port_part.empty() && port_part.front() != ':') return std::nullopt;
    } else if (authority.find_first_of("[]") != std::string_view::npos) {
      return std::nullopt;
    }
    const auto colon = port_part.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view port = port_part.substr(colon + 1);
      if (port.empty() || port.size() > 5 ||
          port.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    }
  }
  url.authority = normalise_authority(url.scheme, authority);
  url.host = host_of(url.authority);
  if (url.host.empty()) return std::nullopt;
  url.path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (url.path.front() == '?') url.path.insert(0, "/");
  return url;
}

std::optional<std::string> canonical_url(std::string_view text) {
  auto url = parse_url(text);
  if (!url) return std::nullopt;
  // RFC 3986 6.2.2: decode what needs no escaping first, then remove dot segments, so that an
  // escaped "." ("%2e") is a dot segment too and the result is canonical in one pass.
  const auto query = url->path.find('?');
  std::string path =
      remove_dot_segments(canonical_path(std::string_view(url->path).substr(0, query)));
  if (query != std::string::npos) path += url->path.substr(query);
  return url->origin() + path;
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference) {
  const auto base_url = parse_url(base);
  if (!base_url) return std::nullopt;
  // Surrounding blanks come from pretty-printed XML.
  while (!reference.empty() && std::isspace(static_cast<unsigned char>(reference.front())))
    reference.remove_prefix(1);
  while (!reference.empty() && std::isspace(static_cast<unsigned char>(reference.back())))
    reference.remove_suffix(1);
  if (reference.find("://") != std::string_view::npos) {
    const auto scheme_end = reference.find("://");
    const auto first_special = reference.find_first_of("/?#");
    if (first_special > scheme_end) return canonical_url(reference);
  }
  if (reference.starts_with("//"))
    return canonical_url(base_url->scheme + ":" + std::string(reference));
  std::string_view base_path = base_url->path;
  base_path = base_path.substr(0, base_path.find('?'));
  std::string path;
  if (reference.empty()) {
    path = base_url->path;
  } else if (reference.front() == '/') {
    path = std::string(reference);
  } else if (reference.front() == '?') {
    path = std::string(base_path) + std::string(reference);
  } else {
    path = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(reference);
  }
  const auto fragment = path.find('#');
  if (fragment != std::string::npos) path.resize(fragment);
  return canonical_url(base_url->origin() + path);
}

bool same_origin(std::string_view a, std::string_view b) {
  const auto ua = parse_url(a);
  const auto ub = parse_url(b);
  return ua && ub && ua->scheme == ub->scheme && ua->authority == ub->authority;
}

}  // namespace nachfass::caldav
