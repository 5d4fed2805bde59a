#include "files/text.hpp"

#include <algorithm>
#include <cstdint>

#include "core/ascii.hpp"

namespace nachfass::files {

namespace {

constexpr char32_t replacement = 0xFFFD;

// Windows-1252 0x80-0x9F; 0 marks the undefined bytes.
constexpr char16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string utf16_to_utf8(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](std::size_t i) -> char16_t {
    const auto a = static_cast<unsigned char>(bytes[i]);
    const auto b = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char16_t>(little_endian ? (b << 8 | a) : (a << 8 | b));
  };
  const std::size_t units = bytes.size() / 2;
  for (std::size_t u = 0; u < units; ++u) {
    const char16_t first = unit(2 * u);
    if (first >= 0xD800 && first <= 0xDBFF && u + 1 < units) {
      const char16_t second = unit(2 * (u + 1));
      if (second >= 0xDC00 && second <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((char32_t{first} - 0xD800) << 10) + (second - 0xDC00));
        ++u;
        continue;
      }
    }
    append_utf8(out, first);
  }
  if (bytes.size() % 2 != 0) append_utf8(out, replacement);
  return out;
}

bool domain_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || u >= 0x80;
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = replacement;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2, cp = c & 0x1F, minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, cp = c & 0x0F, minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, cp = c & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (n - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string cp1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else if (c < 0xA0) {
      const char16_t mapped = cp1252_high[c - 0x80];
      append_utf8(out, mapped == 0 ? replacement : mapped);
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

std::string to_utf8(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF"))
    bytes.remove_prefix(3);
  else if (bytes.starts_with("\xFF\xFE"))
    return utf16_to_utf8(bytes.substr(2), true);
  else if (bytes.starts_with("\xFE\xFF"))
    return utf16_to_utf8(bytes.substr(2), false);
  if (is_utf8(bytes)) return std::string(bytes);
  return cp1252_to_utf8(bytes);
}

std::string skipped(std::string_view origin, std::size_t line, std::string_view reason) {
  std::string out(origin);
  out += ':';
  out += std::to_string(line);
  out += ": ";
  out += reason;
  out += " \xE2\x80\x94 skipped";
  return out;
}

std::string quote_for_message(std::string_view raw) {
  const std::string text = is_utf8(raw) ? std::string(raw) : cp1252_to_utf8(raw);
  const std::string_view value = text;
  std::size_t cut = std::min<std::size_t>(value.size(), 60);
  while (cut > 0 && cut < value.size() && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
    --cut;
  std::string out = "\"";
  for (const char c : value.substr(0, cut))
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
  if (cut < value.size()) out += "...";
  out += '"';
  return out;
}

bool is_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.find('.') == std::string_view::npos) return false;
  if (d.front() == '.' || d.back() == '.' || d.front() == '-' ||
      d.find("..") != std::string_view::npos)
    return false;
  return std::all_of(d.begin(), d.end(), domain_char);
}

std::string normalize_email(std::string_view text) {
  text = ascii::trim(text);
  if (auto open = text.rfind('<'); open != std::string_view::npos) {
    auto close = text.find('>', open);
    if (close == std::string_view::npos) return {};
    text = ascii::trim(text.substr(open + 1, close - open - 1));
  }
  std::string email = ascii::lower(text);
  while (email.starts_with("mailto:")) email.erase(0, 7);
  const auto at = email.rfind('@');
  if (at == std::string::npos || at == 0) return {};
  for (const char c : email)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == ',' || c == ';' ||
        c == '"' || c == '(' || c == ')')
      return {};
  if (email.find('@') != at) return {};
  if (!is_domain(std::string_view(email).substr(at + 1))) return {};
  return email;
}

}  // namespace nachfass::files
