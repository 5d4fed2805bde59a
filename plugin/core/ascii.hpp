// ASCII-only text helpers for protocol tokens, header names and addresses. Locale-independent
// on purpose: mail and IMAP compare these case-insensitively in ASCII only.
#pragma once

#include <string>
#include <string_view>

namespace nachfass::ascii {

constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
constexpr char to_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

inline std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_upper(c);
  return out;
}

// Upper-case German umlauts Ä Ö Ü (UTF-8) to ä ö ü, in place. Both forms are two bytes, so
// offsets into the folded text are offsets into the original.
inline void fold_umlauts(std::string& text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) != 0xC3) continue;
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next == 0x84 || next == 0x96 || next == 0x9C) text[i + 1] = static_cast<char>(next + 0x20);
    ++i;
  }
}

// ASCII to lower case and Ä Ö Ü to ä ö ü, byte length unchanged: how the detectors compare
// German and English words in mail text (the same folding Pattern applies).
inline std::string fold_german(std::string_view text) {
  std::string out = lower(text);
  fold_umlauts(out);
  return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

// Strips spaces, tabs, CR and LF at both ends.
constexpr std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                           text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

}  // namespace nachfass::ascii
