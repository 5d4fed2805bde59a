#include "encode.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace nachfass::gen {

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

// Next code point of UTF-8 text at `pos` (advanced); text is assumed valid.
char32_t next_code_point(std::string_view text, std::size_t& pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) {
    ++pos;
    return c;
  }
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
  char32_t cp = c & (0x3F >> extra);
  ++pos;
  while (extra-- > 0 && pos < text.size()) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[pos]) & 0x3F);
    ++pos;
  }
  return cp;
}

// Windows-1252 bytes 0x80-0x9F.
constexpr std::array<char16_t, 32> cp1252_high = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::optional<unsigned char> to_single_byte(char32_t cp, WordCharset charset) {
  if (cp < 0x80) return static_cast<unsigned char>(cp);
  if (cp >= 0xA0 && cp <= 0xFF) return static_cast<unsigned char>(cp);
  if (charset == WordCharset::cp1252)
    for (std::size_t i = 0; i < cp1252_high.size(); ++i)
      if (cp1252_high[i] != 0 && cp1252_high[i] == cp) return static_cast<unsigned char>(0x80 + i);
  return std::nullopt;
}

bool single_byte_charset(WordCharset c) {
  return c == WordCharset::latin1 || c == WordCharset::latin1_upper || c == WordCharset::cp1252;
}

std::string_view charset_label(WordCharset c) {
  switch (c) {
    case WordCharset::utf8:
      return "UTF-8";
    case WordCharset::utf8_lower:
      return "utf-8";
    case WordCharset::latin1:
      return "iso-8859-1";
    case WordCharset::latin1_upper:
      return "ISO-8859-1";
    case WordCharset::cp1252:
      return "Windows-1252";
  }
  return "UTF-8";
}

// The charset actually usable for `text`: single-byte charsets fall back to UTF-8.
WordCharset usable_charset(std::string_view text, WordCharset wanted) {
  if (!single_byte_charset(wanted)) return wanted;
  std::size_t pos = 0;
  while (pos < text.size())
    if (!to_single_byte(next_code_point(text, pos), wanted)) return WordCharset::utf8;
  return wanted;
}

// The bytes of `text` in `charset` (which can hold it).
std::string transcode(std::string_view text, WordCharset charset) {
  if (!single_byte_charset(charset)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size())
    out += static_cast<char>(*to_single_byte(next_code_point(text, pos), charset));
  return out;
}

bool q_literal(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '*' || c == '+' || c == '-' || c == '/';
}

std::size_t q_length(std::string_view bytes) {
  std::size_t n = 0;
  for (unsigned char c : bytes) n += (q_literal(c) || c == ' ') ? 1 : 3;
  return n;
}

void append_q(std::string& out, std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (q_literal(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '_';
    } else {
      out += '=';
      out += hex_digits[c >> 4];
      out += hex_digits[c & 15];
    }
  }
}

// Encoded words for `text`, each at most 75 characters, split between characters.
void encoded_words(std::string_view text, const WordStyle& style, std::vector<std::string>& out) {
  const WordCharset charset = usable_charset(text, style.charset);
  const std::string_view label = charset_label(charset);
  const std::size_t overhead = 2 + label.size() + 3 + 2;  // =?label?Q?...?=
  // RFC 2047 allows 75 characters per word and 76 per line; 60 leaves room for the header name.
  const std::size_t budget = 60 - overhead;
  // Split into character-sized pieces in the target charset.
  std::vector<std::string> pieces;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    next_code_point(text, pos);
    pieces.push_back(transcode(text.substr(start, pos - start), charset));
  }
  std::size_t i = 0;
  while (i < pieces.size()) {
    std::string chunk;
    std::size_t used = 0;
    while (i < pieces.size()) {
      std::size_t cost = 0;
      if (style.scheme == 'B') {
        const std::size_t raw = chunk.size() + pieces[i].size();
        cost = (raw + 2) / 3 * 4;
        if (cost > budget && !chunk.empty()) break;
        used = cost;
      } else {
        cost = q_length(pieces[i]);
        if (used + cost > budget && !chunk.empty()) break;
        used += cost;
      }
      chunk += pieces[i];
      ++i;
    }
    std::string word = "=?";
    word += label;
    word += '?';
    word += style.scheme;
    word += '?';
    if (style.scheme == 'B')
      word += base64(chunk);
    else
      append_q(word, chunk);
    word += "?=";
    out.push_back(std::move(word));
  }
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) {
      words.push_back(text.substr(start));
      break;
    }
    words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool is_atext(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_atom_phrase(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ') {
      if (text[i + 1] == ' ') return false;
      continue;
    }
    if (!is_atext(c)) return false;
  }
  return true;
}

// Runs of words: words needing encoding are grouped with the spaces between them, because the
// space between two adjacent encoded words disappears when they are decoded.
void mixed_tokens(std::string_view text, const WordStyle& style, std::vector<std::string>& out) {
  const auto words = split_spaces(text);
  std::size_t i = 0;
  while (i < words.size()) {
    if (is_ascii(words[i])) {
      out.emplace_back(words[i]);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < words.size() && !is_ascii(words[j + 1])) ++j;
    const std::size_t begin = static_cast<std::size_t>(words[i].data() - text.data());
    const std::size_t end =
        static_cast<std::size_t>(words[j].data() - text.data()) + words[j].size();
    encoded_words(text.substr(begin, end - begin), style, out);
    i = j + 1;
  }
}

}  // namespace

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

std::string base64(std::string_view bytes) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::vector<std::string> unstructured_tokens(std::string_view text, const WordStyle& style) {
  std::vector<std::string> out;
  if (is_ascii(text)) {
    for (std::string_view w : split_spaces(text)) out.emplace_back(w);
  } else if (style.whole) {
    encoded_words(text, style, out);
  } else {
    mixed_tokens(text, style, out);
  }
  return out;
}

void address_tokens(const MailAddress& address, std::vector<std::string>& tokens) {
  NameStyle style = address.style;
  if (address.name.empty() && style != NameStyle::address_only) style = NameStyle::angle_only;
  if (!is_ascii(address.name)) style = NameStyle::encoded;
  const std::string angle = "<" + address.email + ">";
  switch (style) {
    case NameStyle::address_only:
      tokens.push_back(address.email);
      return;
    case NameStyle::angle_only:
      tokens.push_back(angle);
      return;
    case NameStyle::bare:
      if (is_atom_phrase(address.name)) {
        for (std::string_view w : split_spaces(address.name)) tokens.emplace_back(w);
        tokens.push_back(angle);
        return;
      }
      [[fallthrough]];
    case NameStyle::quoted: {
      // The whole quoted string is one token: it is never folded inside.
      std::string q = "\"";
      for (char c : address.name) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
      }
      q += '"';
      tokens.push_back(std::move(q));
      tokens.push_back(angle);
      return;
    }
    case NameStyle::encoded: {
      if (is_ascii(address.name)) {
        // An encoded ASCII name is legal but pointless; clients quote instead.
        MailAddress quoted = address;
        quoted.style = NameStyle::quoted;
        address_tokens(quoted, tokens);
        return;
      }
      WordStyle words = address.words;
      // In a phrase the plain words must be atoms; otherwise encode the whole name.
      if (!words.whole) {
        for (std::string_view w : split_spaces(address.name))
          if (is_ascii(w) && !is_atom_phrase(w)) words.whole = true;
      }
      if (words.whole)
        encoded_words(address.name, words, tokens);
      else
        mixed_tokens(address.name, words, tokens);
      tokens.push_back(angle);
      return;
    }
  }
}

void append_folded(std::string& out, std::string_view name,
                   const std::vector<std::string>& tokens) {
  constexpr std::size_t soft_limit = 76;
  std::size_t line_start = out.size();
  out += name;
  out += ':';
  bool first = true;
  for (const std::string& token : tokens) {
    const std::size_t line_length = out.size() - line_start;
    if (!first && line_length + 1 + token.size() > soft_limit) {
      out += '\n';
      line_start = out.size();
    }
    out += ' ';
    out += token;
    first = false;
  }
  out += '\n';
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ':';
  if (!value.empty()) {
    out += ' ';
    out += value;
  }
  out += '\n';
}

void append_quoted_printable(std::string& out, std::string_view text) {
  constexpr std::size_t max_line = 76;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool at_end = i + 1 == line.size();
      char piece[3];
      std::size_t piece_len = 1;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end)) {
        piece[0] = static_cast<char>(c);
      } else {
        piece[0] = '=';
        piece[1] = hex_digits[c >> 4];
        piece[2] = hex_digits[c & 15];
        piece_len = 3;
      }
      // Keep room for the soft break '=' unless this is the line's last piece.
      const std::size_t limit = at_end ? max_line : max_line - 1;
      if (column + piece_len > limit) {
        out += "=\n";
        column = 0;
      }
      out.append(piece, piece_len);
      column += piece_len;
    }
    if (last) break;
    out += '\n';
    start = end + 1;
  }
}

}  // namespace nachfass::gen
