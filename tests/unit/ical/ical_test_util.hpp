// Helpers shared by the iCalendar tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace nachfass::ical::test {

constexpr UnixSeconds utc(int year, int month, int day, int hour = 0, int minute = 0,
                          int second = 0) {
  const std::chrono::sys_days date{std::chrono::year{year} / month / day};
  return date.time_since_epoch().count() * 86400LL + hour * 3600 + minute * 60 + second;
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

inline std::size_t count_of(std::string_view text, std::string_view part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string_view::npos;
       at = text.find(part, at + part.size()))
    ++count;
  return count;
}

// RFC 5545 3.1: a CRLF followed by one space or tab is removed.
inline std::string unfold(std::string_view text) {
  std::string result;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 2 < text.size() && text[i + 1] == '\n' &&
        (text[i + 2] == ' ' || text[i + 2] == '\t')) {
      i += 2;
      continue;
    }
    result += text[i];
  }
  return result;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace nachfass::ical::test
