#include "imap/parser/mailbox_name.hpp"

#include <cstdint>
#include <vector>

#include "imap/parser/errors.hpp"

namespace nachfass::imap {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

Error bad_name(std::string_view name, std::string_view why) {
  std::string shown;
  for (char c : name.substr(0, 60)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  return make_error(ErrorScope::item, std::string(errors::bad_mailbox_name),
                    "bad mailbox name \"" + shown + "\" (" + std::string(why) + ")");
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void flush_run(std::string& out, std::vector<std::uint16_t>& units) {
  if (units.empty()) return;
  out += '&';
  std::uint32_t bits = 0;
  int nbits = 0;
  for (std::uint16_t unit : units) {
    bits = (bits << 16) | unit;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out += kAlphabet[(bits >> nbits) & 0x3F];
    }
    bits &= (1u << nbits) - 1;
  }
  if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3F];
  out += '-';
  units.clear();
}

}  // namespace

Result<std::string> decode_mailbox_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  std::size_t i = 0;
  while (i < name.size()) {
    const char c = name[i];
    if (c < 0x20 || c > 0x7e) return bad_name(name, "byte outside printable US-ASCII");
    ++i;
    if (c != '&') {
      out += c;
      continue;
    }
    if (i < name.size() && name[i] == '-') {
      out += '&';
      ++i;
      continue;
    }
    std::uint32_t bits = 0;
    int nbits = 0;
    std::uint32_t high_surrogate = 0;
    bool any = false;
    while (i < name.size() && name[i] != '-') {
      const int value = base64_value(name[i]);
      if (value < 0) return bad_name(name, "bad character in a &...- run");
      bits = (bits << 6) | static_cast<std::uint32_t>(value);
      nbits += 6;
      ++i;
      if (nbits < 16) continue;
      nbits -= 16;
      const std::uint32_t unit = (bits >> nbits) & 0xFFFF;
      bits &= (1u << nbits) - 1;
      any = true;
      if (high_surrogate != 0) {
        if (unit < 0xDC00 || unit > 0xDFFF) return bad_name(name, "unpaired surrogate");
        append_utf8(out, 0x10000 + ((high_surrogate - 0xD800) << 10) + (unit - 0xDC00));
        high_surrogate = 0;
      } else if (unit >= 0xD800 && unit <= 0xDBFF) {
        high_surrogate = unit;
      } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        return bad_name(name, "unpaired surrogate");
      } else if (unit == 0) {
        return bad_name(name, "NUL character");
      } else {
        append_utf8(out, unit);
      }
    }
    if (i >= name.size()) return bad_name(name, "unterminated &...- run");
    ++i;  // '-'
    if (!any || nbits >= 6 || bits != 0) return bad_name(name, "bad base64 length or padding");
    if (high_surrogate != 0) return bad_name(name, "unpaired surrogate");
  }
  return out;
}

Result<std::string> encode_mailbox_name(std::string_view utf8) {
  std::string out;
  std::vector<std::uint16_t> units;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::uint32_t cp = 0;
    std::size_t length = 0;
    if (lead < 0x80) {
      cp = lead;
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      cp = lead & 0x1F;
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      cp = lead & 0x0F;
      length = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      cp = lead & 0x07;
      length = 4;
    } else {
      return bad_name(utf8, "invalid UTF-8");
    }
    if (i + length > utf8.size()) return bad_name(utf8, "truncated UTF-8");
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      if ((next & 0xC0) != 0x80) return bad_name(utf8, "invalid UTF-8");
      cp = (cp << 6) | (next & 0x3F);
    }
    if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return bad_name(utf8, "invalid UTF-8");
    if (cp == 0) return bad_name(utf8, "NUL character");
    i += length;
    if (cp >= 0x20 && cp <= 0x7E) {
      flush_run(out, units);
      if (cp == '&')
        out += "&-";
      else
        out += static_cast<char>(cp);
    } else if (cp >= 0x10000) {
      units.push_back(static_cast<std::uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(cp));
    }
  }
  flush_run(out, units);
  return out;
}

}  // namespace nachfass::imap
