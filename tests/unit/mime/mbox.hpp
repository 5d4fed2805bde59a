// Splits an mbox archive (tests/data/ponymail) into its messages, for the header parser tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace nachfass::mime::test {

// Each message without its "From " separator line; line ends become "\n".
inline std::vector<std::string> split_mbox(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> messages;
  std::string line, current;
  bool started = false;
  while (std::getline(in, line)) {
    if (line.rfind("From ", 0) == 0) {
      if (started) messages.push_back(std::move(current));
      current.clear();
      started = true;
      continue;
    }
    current += line;
    current += '\n';
  }
  if (started) messages.push_back(std::move(current));
  return messages;
}

}  // namespace nachfass::mime::test
