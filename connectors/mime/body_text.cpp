#include "mime/body_text.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "mime/header_parser.hpp"

namespace nachfass::mime {

namespace {

// A part's decoded bytes beyond this are not read: the new text of a message is at its top, and
// a Maildir read stops at 64 KiB anyway.
constexpr std::size_t max_part_input = 64 * 1024;
// Deeper nesting than this is an attack or a machine's output, not a message a person wrote.
constexpr int max_depth = 12;

char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_ascii(x) == lower_ascii(y);
         });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::size_t ifind(std::string_view text, std::string_view needle, std::size_t from = 0) {
  if (needle.empty()) return from <= text.size() ? from : std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= text.size(); ++i)
    if (lower_ascii(text[i]) == lower_ascii(needle[0]) &&
        iequals(text.substr(i, needle.size()), needle))
      return i;
  return std::string_view::npos;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// ---- Headers: only the Content-* fields matter here.

struct PartHeader {
  std::string type = "text";      // lower-case
  std::string subtype = "plain";  // lower-case
  std::string charset;            // lower-case, "" when not given
  std::string boundary;           // as given
  std::string encoding;           // Content-Transfer-Encoding, lower-case
  bool attachment = false;        // Content-Disposition: attachment
  bool flowed = false;            // format=flowed (RFC 3676)
  bool delsp = false;             // delsp=yes
  bool has_type = false;
};

// Calls `field(name, unfolded value)` for each field of the header block.
template <class Field>
void for_each_field(std::string_view block, Field&& field) {
  std::string value;
  std::string_view name;
  bool in_field = false;
  auto finish = [&] {
    if (in_field) field(name, std::string_view(value));
    in_field = false;
  };
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) eol = block.size();
    std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (in_field) {
        value += ' ';
        value.append(trim(line));
      }
      continue;
    }
    finish();
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    name = trim(line.substr(0, colon));
    const std::string_view rest = trim(line.substr(colon + 1));
    // Only the three fields read below are worth copying.
    if (!istarts_with(name, "content-")) continue;
    value.assign(rest);
    in_field = true;
  }
  finish();
}

// `type/subtype; name=value; name="quoted"` -> the handler gets each parameter, name
// lower-cased, value unquoted.
template <class Param>
std::string_view parse_parameters(std::string_view value, Param&& param) {
  const std::size_t semicolon = value.find(';');
  const std::string_view head = trim(value.substr(0, semicolon));
  std::size_t i = semicolon == std::string_view::npos ? value.size() : semicolon + 1;
  while (i < value.size()) {
    while (i < value.size() && (is_blank(value[i]) || value[i] == ';')) ++i;
    const std::size_t name_start = i;
    while (i < value.size() && value[i] != '=' && value[i] != ';') ++i;
    const std::string name = lower(trim(value.substr(name_start, i - name_start)));
    if (i >= value.size() || value[i] == ';') continue;
    ++i;  // '='
    while (i < value.size() && is_blank(value[i])) ++i;
    std::string parameter;
    if (i < value.size() && value[i] == '"') {
      ++i;
      while (i < value.size() && value[i] != '"') {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        parameter += value[i++];
      }
      if (i < value.size()) ++i;  // closing quote
    } else {
      const std::size_t start = i;
      while (i < value.size() && value[i] != ';') ++i;
      parameter.assign(trim(value.substr(start, i - start)));
    }
    param(name, parameter);
  }
  return head;
}

PartHeader read_header(std::string_view block) {
  PartHeader h;
  for_each_field(block, [&](std::string_view name, std::string_view value) {
    if (iequals(name, "content-type")) {
      h.charset.clear();
      h.boundary.clear();
      const std::string_view mime_type =
          parse_parameters(value, [&](const std::string& param, std::string& v) {
            if (param == "charset")
              h.charset = lower(trim(v));
            else if (param == "boundary")
              h.boundary = std::move(v);
            else if (param == "format")
              h.flowed = iequals(trim(v), "flowed");
            else if (param == "delsp")
              h.delsp = iequals(trim(v), "yes");
          });
      const std::size_t slash = mime_type.find('/');
      if (slash == std::string_view::npos) return;  // unusable: keep the default
      h.type = lower(trim(mime_type.substr(0, slash)));
      h.subtype = lower(trim(mime_type.substr(slash + 1)));
      h.has_type = true;
    } else if (iequals(name, "content-transfer-encoding")) {
      h.encoding = lower(trim(value));
    } else if (iequals(name, "content-disposition")) {
      h.attachment = istarts_with(trim(value), "attachment");
    }
  });
  return h;
}

// ---- The MIME tree, walked over the raw bytes.

struct Leaf {
  PartHeader header;
  std::string_view body;
};

struct Found {
  std::optional<Leaf> plain, html;
};

// A boundary line "--boundary" (possibly "--boundary--", possibly with trailing blanks) at a
// line start, from `from` on. Returns the position of its "--", npos when there is none.
std::size_t find_delimiter(std::string_view body, std::string_view delimiter, std::size_t from) {
  for (std::size_t at = body.find(delimiter, from); at != std::string_view::npos;
       at = body.find(delimiter, at + 1)) {
    if (at == 0 || body[at - 1] == '\n') return at;
  }
  return std::string_view::npos;
}

// Without a boundary parameter, the first line that looks like one ("--" and a token) is taken.
std::string guess_boundary(std::string_view body) {
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) eol = body.size();
    const std::string_view line = trim(body.substr(pos, eol - pos));
    if (line.size() > 2 && line.starts_with("--") && line[2] != '-' &&
        line.find(' ') == std::string_view::npos)
      return std::string(line.substr(2));
    pos = eol + 1;
  }
  return {};
}

void walk(const PartHeader& header, std::string_view body, int depth, Found& found);

void walk_multipart(const PartHeader& header, std::string_view body, int depth, Found& found) {
  std::string boundary = header.boundary.empty() ? guess_boundary(body) : header.boundary;
  if (boundary.empty()) return;
  const std::string delimiter = "--" + boundary;
  std::size_t at = find_delimiter(body, delimiter, 0);
  while (at != std::string_view::npos && !found.plain) {
    std::size_t after = at + delimiter.size();
    if (body.substr(after, 2) == "--") return;  // the closing delimiter
    const std::size_t eol = body.find('\n', after);
    if (eol == std::string_view::npos) return;  // cut inside the delimiter line
    const std::size_t start = eol + 1;
    const std::size_t next = find_delimiter(body, delimiter, start);
    std::string_view part =
        body.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
    // The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
    if (next != std::string_view::npos) {
      if (part.ends_with('\n')) part.remove_suffix(1);
      if (part.ends_with('\r')) part.remove_suffix(1);
    }
    std::string_view part_header, part_body;
    if (part.starts_with("\n") || part.starts_with("\r\n")) {
      part_body = part.substr(part.front() == '\n' ? 1 : 2);
    } else {
      const std::size_t length = header_block_length(part);
      if (length == std::string_view::npos) {
        part_header = part;  // cut inside the part's header: no body
      } else {
        part_header = part.substr(0, length);
        part_body = part.substr(length);
      }
    }
    PartHeader inner = read_header(part_header);
    if (!inner.has_type && header.subtype == "digest") {
      inner.type = "message";
      inner.subtype = "rfc822";
    }
    walk(inner, part_body, depth + 1, found);
    at = next;
  }
}

void walk(const PartHeader& header, std::string_view body, int depth, Found& found) {
  if (depth > max_depth || found.plain) return;
  if (header.type == "multipart") {
    walk_multipart(header, body, depth, found);
    return;
  }
  // A forwarded message (message/rfc822) is not the sender's new text.
  if (header.type != "text" || header.attachment) return;
  if (header.subtype == "plain") {
    found.plain = Leaf{header, body};
  } else if (header.subtype == "html" && !found.html) {
    found.html = Leaf{header, body};
  }
}

// ---- Decoding.

std::string transfer_decode(std::string_view encoding, std::string_view body) {
  body = body.substr(0, std::min(body.size(), max_part_input));
  GMimeContentEncoding kind = GMIME_CONTENT_ENCODING_DEFAULT;
  if (encoding == "base64")
    kind = GMIME_CONTENT_ENCODING_BASE64;
  else if (encoding == "quoted-printable")
    kind = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  if (kind == GMIME_CONTENT_ENCODING_DEFAULT) return std::string(body);
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, kind);
  std::string out;
  out.resize(g_mime_encoding_outlen(&state, body.size()) + 16);
  // Base64 cut in the middle of a quantum (a partial fetch): the decoder keeps the incomplete
  // quantum in its state, and no flush is done for it, so it is dropped.
  const std::size_t length =
      kind == GMIME_CONTENT_ENCODING_BASE64
          ? g_mime_encoding_step(&state, body.data(), body.size(), out.data())
          : g_mime_encoding_flush(&state, body.data(), body.size(), out.data());
  out.resize(std::min(length, out.size()));
  return out;
}

bool valid_utf8(std::string_view text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr) != FALSE;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Windows-1252, the superset of ISO-8859-1 that Outlook writes; its five unassigned bytes
// become U+FFFD.
std::string from_windows_1252(std::string_view text) {
  static constexpr std::array<std::uint16_t, 32> c1 = {
      0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80)
      out += c;
    else if (byte < 0xA0)
      append_utf8(out, c1[byte - 0x80]);
    else
      append_utf8(out, byte);
  }
  return out;
}

void init_gmime() {
  // GMime is initialised by the header parser's once-only set-up; going through it keeps one
  // g_mime_init() per process however the two entry points are reached from several threads.
  static std::once_flag once;
  std::call_once(once, [] { (void)parse_message_headers_fast("X-Init: 1\n\n", ParseContext{}); });
}

// Through iconv (with GMime's charset aliases); nullopt when iconv does not know the charset.
// An invalid sequence becomes U+FFFD; an incomplete one at the end (a cut body) is dropped.
std::optional<std::string> convert_with_iconv(const std::string& charset, std::string_view text) {
  init_gmime();
  iconv_t cd = g_mime_iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out;
  out.resize(text.size() * 2 + 16);
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  std::size_t written = 0;
  while (in_left > 0) {
    char* out_ptr = out.data() + written;
    std::size_t out_left = out.size() - written;
    const std::size_t result = iconv(cd, &in, &in_left, &out_ptr, &out_left);
    written = static_cast<std::size_t>(out_ptr - out.data());
    if (result != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
    } else if (errno == EILSEQ) {
      out.resize(written);
      out += "\xEF\xBF\xBD";
      written = out.size();
      out.resize(written + in_left * 2 + 16);
      ++in;
      --in_left;
    } else {
      break;  // EINVAL: incomplete at the end
    }
  }
  // Flush a stateful encoding's shift sequence (ISO-2022-JP).
  for (;;) {
    char* out_ptr = out.data() + written;
    std::size_t out_left = out.size() - written;
    const std::size_t result = iconv(cd, nullptr, nullptr, &out_ptr, &out_left);
    written = static_cast<std::size_t>(out_ptr - out.data());
    if (result != static_cast<std::size_t>(-1) || errno != E2BIG) break;
    out.resize(out.size() * 2 + 16);
  }
  g_mime_iconv_close(cd);
  out.resize(written);
  return out;
}

// A body cut short (partial fetch, 64 KiB read) can end inside a UTF-8 character: drop that
// incomplete tail instead of taking the whole text for another charset.
void drop_cut_utf8_tail(std::string& text) {
  const char* end = nullptr;
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), &end) != FALSE) return;
  const auto at = static_cast<std::size_t>(end - text.data());
  const std::size_t left = text.size() - at;
  const auto lead = static_cast<unsigned char>(text[at]);
  const std::size_t needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (needed == 0 || left >= needed) return;
  for (std::size_t i = at + 1; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return;
  text.resize(at);
}

std::string to_utf8(const std::string& charset, std::string text) {
  const bool utf8_label = charset.empty() || charset == "utf-8" || charset == "utf8" ||
                          charset == "us-ascii" || charset == "ascii";
  const bool western = charset == "iso-8859-1" || charset == "latin1" ||
                       charset == "windows-1252" || charset == "cp1252" ||
                       charset == "iso_8859-1" || charset == "l1";
  const bool ascii_only = std::all_of(text.begin(), text.end(),
                                      [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii_only && (utf8_label || western)) return text;
  if (utf8_label || western) {
    // Not valid UTF-8 under a UTF-8 label: Windows-1252 (Outlook's undeclared 8-bit text). A
    // Western label on text that is valid UTF-8 with 8-bit characters is a lying label.
    std::string trimmed = text;
    drop_cut_utf8_tail(trimmed);
    if (valid_utf8(trimmed) && (utf8_label || trimmed.size() == text.size())) return trimmed;
    return from_windows_1252(text);
  }
  if (auto converted = convert_with_iconv(charset, text)) {
    if (valid_utf8(*converted)) return std::move(*converted);
    gchar* fixed = g_utf8_make_valid(converted->data(), static_cast<gssize>(converted->size()));
    std::string out = fixed;
    g_free(fixed);
    return out;
  }
  // A charset nobody knows.
  drop_cut_utf8_tail(text);
  if (valid_utf8(text)) return text;
  return from_windows_1252(text);
}

// RFC 3676: a line ending in a space continues on the next line (except the signature
// separator); with DelSp=yes that space goes too.
std::string unflow(std::string_view text, bool delsp) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    const bool last = eol == std::string_view::npos;
    if (last) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos = eol + 1;
    const bool soft = !last && line.ends_with(' ') && line != "-- " && !line.starts_with('>');
    if (soft && delsp) line.remove_suffix(1);
    out.append(line);
    if (!soft && !last) out += '\n';
  }
  return out;
}

// ---- HTML.

struct Entity {
  std::string_view name;
  std::uint32_t code;
};

constexpr std::array<Entity, 47> entities = {{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},     {"apos", '\''},
    {"nbsp", ' '},     {"auml", 0xE4},    {"ouml", 0xF6},     {"uuml", 0xFC},    {"Auml", 0xC4},
    {"Ouml", 0xD6},    {"Uuml", 0xDC},    {"szlig", 0xDF},    {"euro", 0x20AC},  {"copy", 0xA9},
    {"reg", 0xAE},     {"trade", 0x2122}, {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014},
    {"laquo", 0xAB},   {"raquo", 0xBB},   {"bdquo", 0x201E},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
    {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"sbquo", 0x201A},  {"eacute", 0xE9},  {"egrave", 0xE8},
    {"agrave", 0xE0},  {"aacute", 0xE1},  {"ccedil", 0xE7},   {"ecirc", 0xEA},   {"oacute", 0xF3},
    {"iacute", 0xED},  {"uacute", 0xFA},  {"ntilde", 0xF1},   {"Eacute", 0xC9},  {"deg", 0xB0},
    {"sect", 0xA7},    {"middot", 0xB7},  {"bull", 0x2022},   {"times", 0xD7},   {"shy", 0},
    {"zwnj", 0},       {"thinsp", ' '},
}};

// Decodes the entity at html[i] == '&'; appends it (or the '&' alone) and returns the index after.
std::size_t decode_entity(std::string_view html, std::size_t i, std::string& out) {
  const std::size_t semicolon = html.find(';', i + 1);
  if (semicolon == std::string_view::npos || semicolon - i > 12) {
    out += '&';
    return i + 1;
  }
  const std::string_view name = html.substr(i + 1, semicolon - i - 1);
  if (name.size() >= 2 && name[0] == '#') {
    std::uint32_t code = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    bool ok = !digits.empty();
    for (char c : digits) {
      int digit = -1;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      if (digit < 0) {
        ok = false;
        break;
      }
      code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
      if (code > 0x10FFFF) code = 0x110000;  // stays out of range, no overflow
    }
    if (!ok) {
      out += '&';
      return i + 1;
    }
    if (code == 0xA0) code = ' ';
    append_utf8(out, code);
    return semicolon + 1;
  }
  for (const Entity& e : entities) {
    if (e.name == name) {
      if (e.code != 0) append_utf8(out, e.code);
      return semicolon + 1;
    }
  }
  out += '&';
  return i + 1;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_line_break_tag(std::string_view name) {
  static constexpr std::array<std::string_view, 17> tags = {
      "br", "p",  "div", "li", "tr", "h1",    "h2",  "h3",    "h4",
      "h5", "h6", "hr",  "ul", "ol", "table", "pre", "center"};
  return std::find(tags.begin(), tags.end(), name) != tags.end();
}

}  // namespace

namespace body_detail {

std::string html_to_text(std::string_view html) {
  std::string out;
  out.reserve(html.size() / 2);
  int quote_depth = 0;  // inside <blockquote>: quoted history
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        const std::size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      std::size_t j = i + 1;
      const bool closing = j < html.size() && html[j] == '/';
      if (closing) ++j;
      const bool declaration = j < html.size() && (html[j] == '!' || html[j] == '?');
      const std::size_t name_start = j;
      while (j < html.size() && is_name_char(html[j])) ++j;
      if (j == name_start && !declaration) {
        if (quote_depth == 0) out += '<';
        ++i;
        continue;
      }
      const std::string name = lower(html.substr(name_start, j - name_start));
      // The end of the tag, skipping quoted attribute values.
      char quote = 0;
      while (j < html.size() && (quote != 0 || html[j] != '>')) {
        if (quote != 0 && html[j] == quote)
          quote = 0;
        else if (quote == 0 && (html[j] == '"' || html[j] == '\''))
          quote = html[j];
        ++j;
      }
      i = j < html.size() ? j + 1 : html.size();
      if (!closing && (name == "script" || name == "style" || name == "head" || name == "title")) {
        const std::size_t end = ifind(html, "</" + name, i);
        if (end == std::string_view::npos) return out;
        const std::size_t close = html.find('>', end);
        i = close == std::string_view::npos ? html.size() : close + 1;
        continue;
      }
      if (name == "blockquote") {
        quote_depth += closing ? (quote_depth > 0 ? -1 : 0) : 1;
        out += '\n';
        continue;
      }
      if (quote_depth == 0 && is_line_break_tag(name))
        out += '\n';
      else if (quote_depth == 0 && (name == "td" || name == "th") && !closing)
        out += ' ';
      continue;
    }
    if (quote_depth > 0) {
      ++i;
      continue;
    }
    if (c == '&') {
      i = decode_entity(html, i, out);
    } else {
      out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
      ++i;
    }
  }
  return out;
}

}  // namespace body_detail

namespace {

// One line with its blanks collapsed: tabs, CR, other control characters and U+00A0 become
// spaces, runs of spaces one, no space at either end. A byte order mark goes.
void collapse_line(std::string_view line, std::string& out) {
  out.clear();
  bool space = false;
  std::size_t i = 0;
  const auto special = [](unsigned char byte) {
    return byte <= ' ' || byte == 0x7F || byte == 0xC2 || byte == 0xEF;
  };
  const auto append = [&](std::size_t from, std::size_t to) {
    if (space && !out.empty()) out += ' ';
    space = false;
    out.append(line.data() + from, to - from);
  };
  while (i < line.size()) {
    std::size_t run = i;
    while (run < line.size() && !special(static_cast<unsigned char>(line[run]))) ++run;
    if (run > i) {
      append(i, run);
      i = run;
      continue;
    }
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte <= ' ' || byte == 0x7F) {
      space = true;
      ++i;
    } else if (byte == 0xC2 && i + 1 < line.size() &&
               static_cast<unsigned char>(line[i + 1]) == 0xA0) {
      space = true;
      i += 2;
    } else if (byte == 0xEF && line.substr(i, 3) == "\xEF\xBB\xBF") {
      i += 3;
    } else {
      append(i, i + 1);
      ++i;
    }
  }
}

std::string collapse_line(std::string_view line) {
  std::string out;
  collapse_line(line, out);
  return out;
}

std::string_view strip_emphasis(std::string_view line) {
  while (!line.empty() && (line.front() == '*' || line.front() == '_')) line.remove_prefix(1);
  return line;
}

bool starts_with_any(std::string_view line, std::initializer_list<std::string_view> prefixes) {
  line = strip_emphasis(line);
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return istarts_with(line, p); });
}

// "-----Original Message-----", "----- Original Message -----", "-----Ursprüngliche
// Nachricht-----".
bool is_original_message_line(std::string_view line) {
  if (!line.starts_with("---")) return false;
  std::string_view inner = line;
  while (!inner.empty() && (inner.front() == '-' || inner.front() == ' ')) inner.remove_prefix(1);
  while (!inner.empty() && (inner.back() == '-' || inner.back() == ' ')) inner.remove_suffix(1);
  return iequals(inner, "original message") || iequals(inner, "ursprüngliche nachricht") ||
         iequals(inner, "originalnachricht") || iequals(inner, "ursprungliche nachricht");
}

// The next `count` non-empty lines after `pos`, collapsed.
std::vector<std::string> following_lines(std::string_view text, std::size_t pos, int count) {
  std::vector<std::string> lines;
  while (pos < text.size() && static_cast<int>(lines.size()) < count) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string line = collapse_line(text.substr(pos, eol - pos));
    if (!line.empty()) lines.push_back(std::move(line));
    pos = eol + 1;
  }
  return lines;
}

enum class ReplyHeader {
  none,
  attribution,  // "Am ... schrieb ...:", "On ... wrote:": the quote follows in "> " lines
  history,      // "-----Original Message-----", Outlook's From/Sent block: the old mail follows
};

// Is `line` (the text after it from `next`) a reply header?
ReplyHeader reply_header(const std::string& line, std::string_view text, std::size_t next) {
  if (is_original_message_line(line)) return ReplyHeader::history;
  const auto attribution = [](bool yes) {
    return yes ? ReplyHeader::attribution : ReplyHeader::none;
  };
  const bool ends_colon = line.ends_with(':');
  // "Petra Keller <p@x.de> schrieb am 12.03.2026 um 10:14:", "... wrote:".
  if (ends_colon && (line.ends_with(" wrote:") || line.ends_with(" schrieb:") ||
                     ifind(line, " schrieb am ") != std::string::npos ||
                     ifind(line, " a écrit") != std::string::npos))
    return ReplyHeader::attribution;
  const bool german = istarts_with(line, "Am ") && ifind(line, " schrieb") != std::string::npos;
  const bool english = istarts_with(line, "On ") && ifind(line, " wrote") != std::string::npos;
  if (german || english) {
    if (ends_colon) return ReplyHeader::attribution;
    // Wrapped: "Am 12.03.2026 um 10:14 schrieb Petra Keller" / "<petra@keller.de>:".
    const auto after = following_lines(text, next, 1);
    return attribution(!after.empty() && after.front().ends_with(':') && after.front().size() < 80);
  }
  // Wrapped the other way: "On Tue, Mar 12, 2026 at 10:14 AM Petra Keller <p@x.de>" / "wrote:".
  if (istarts_with(line, "On ") || istarts_with(line, "Am ")) {
    const auto after = following_lines(text, next, 1);
    if (!after.empty() && (iequals(after.front(), "wrote:") || iequals(after.front(), "schrieb:")))
      return ReplyHeader::attribution;
  }
  // Outlook: "From: ..." then "Sent: ..." (also "Von:"/"Gesendet:", and Date/Datum as
  // Thunderbird writes them), within the next lines or on the same line.
  if (starts_with_any(line, {"From:", "Von:", "De:"})) {
    static constexpr std::array<std::string_view, 6> sent = {
        "Sent:", "Gesendet:", "Date:", "Datum:", "Envoyé:", "Enviado:"};
    for (std::string_view s : sent) {
      // " Sent:" on the same line (HTML without line breaks).
      const std::size_t at = ifind(line, s, 1);
      if (at != std::string::npos && (line[at - 1] == ' ' || line[at - 1] == '*'))
        return ReplyHeader::history;
    }
    for (const std::string& after : following_lines(text, next, 4))
      for (std::string_view s : sent)
        if (istarts_with(strip_emphasis(after), s)) return ReplyHeader::history;
  }
  return ReplyHeader::none;
}

bool is_separator_line(std::string_view line) {
  return line.size() >= 5 && std::all_of(line.begin(), line.end(), [](char c) {
           return c == '_' || c == '-' || c == '=' || c == ' ';
         });
}

std::string new_text_limited(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::vector<std::size_t> line_starts;  // in `out`, to drop trailing separator lines
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size() && out.size() <= max_bytes) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view raw = text.substr(pos, eol - pos);
    const std::size_t next = eol + 1;
    pos = next;
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    // RFC 3676 4.3: "-- " alone on a line starts the signature; clients that strip trailing
    // blanks leave "--".
    if (raw == "-- " || raw == "--") break;
    const std::size_t first = raw.find_first_not_of(" \t");
    if (first == std::string_view::npos || raw[first] == '>') continue;
    collapse_line(raw, line);
    if (line.empty() || line.front() == '>') continue;
    if (const ReplyHeader header = reply_header(line, text, next); header != ReplyHeader::none) {
      // An attribution above everything else is a bottom-posted or interleaved reply: the quote
      // goes line by line and the answers below it stay. Below new text it starts the history.
      if (header == ReplyHeader::attribution && out.empty()) continue;
      break;
    }
    if (!out.empty()) out += '\n';
    line_starts.push_back(out.size());
    out += line;
  }
  // "________________________________" above Outlook's "From:" block, a "-----" rule.
  while (!line_starts.empty() &&
         is_separator_line(std::string_view(out).substr(line_starts.back()))) {
    out.resize(line_starts.back() == 0 ? 0 : line_starts.back() - 1);
    line_starts.pop_back();
  }
  return out;
}

}  // namespace

namespace body_detail {

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back up over continuation bytes to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string new_text(std::string_view text) {
  return new_text_limited(text, std::string_view::npos - 1);
}

}  // namespace body_detail

std::string extract_body_text(std::string_view header_block, std::string_view body,
                              std::size_t max_bytes) {
  try {
    const PartHeader top = read_header(header_block);
    Found found;
    walk(top, body, 0, found);
    const Leaf* leaf = found.plain ? &*found.plain : found.html ? &*found.html : nullptr;
    if (leaf == nullptr) return {};
    std::string text =
        to_utf8(leaf->header.charset, transfer_decode(leaf->header.encoding, leaf->body));
    if (leaf->header.subtype == "html")
      text = body_detail::html_to_text(text);
    else if (leaf->header.flowed)
      text = unflow(text, leaf->header.delsp);
    std::string result = new_text_limited(text, max_bytes);
    result.resize(body_detail::utf8_prefix(result, max_bytes).size());
    return result;
  } catch (...) {
    // Only std::bad_alloc can come here; a message's text is never worth a failed sync.
    return {};
  }
}

std::string extract_body_text(std::string_view raw_message, std::size_t max_bytes) {
  const std::size_t length = header_block_length(raw_message);
  if (length == std::string_view::npos) return extract_body_text(raw_message, {}, max_bytes);
  return extract_body_text(raw_message.substr(0, length), raw_message.substr(length), max_bytes);
}

}  // namespace nachfass::mime
