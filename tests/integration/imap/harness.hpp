// Helpers for the IMAP integration tests: the harness's env, running nachfass-servers, writing
// generated corpora, reading a Maildir the way the Maildir source does, comparing Message sets.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/model.hpp"
#include "gen/generator.hpp"
#include "maildir/maildir_reader.hpp"

namespace nachfass::test {

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

struct Harness {
  std::filesystem::path dir;
  std::map<std::string, std::string> env;
  std::filesystem::path ca_file;

  static Harness load(const std::filesystem::path& dir) {
    Harness h;
    h.dir = dir;
    std::ifstream in(dir / "servers.json");
    auto json = nlohmann::json::parse(in);
    for (auto& [key, value] : json.at("env").items()) h.env[key] = value.get<std::string>();
    h.ca_file = h.env.at("NACHFASS_TEST_CA");  // the path of the CA's PEM file
    return h;
  }

  // Runs `nachfass-servers <command> --dir DIR <args>`; returns the exit status.
  int run(const std::string& command, const std::string& args = {}) const {
    const std::string line = std::string(NACHFASS_PYTHON3) + " -B " + NACHFASS_SERVERS_SCRIPT +
                             " " + command + " --dir " + shell_quote(dir.string()) + " " + args +
                             " >/dev/null 2>&1";
    return std::system(line.c_str());
  }
  int doveadm(const std::string& args) const { return run("doveadm", "-- " + args); }

  ImapConfig config(ImapSecurity security = ImapSecurity::starttls) const {
    ImapConfig c;
    c.host = env.at("NACHFASS_IMAP_HOST");
    c.security = security;
    c.port = std::stoi(
        env.at(security == ImapSecurity::tls ? "NACHFASS_IMAPS_PORT" : "NACHFASS_IMAP_PORT"));
    c.username = env.at("NACHFASS_IMAP_USER");
    return c;
  }
  std::string password() const { return env.at("NACHFASS_IMAP_PASSWORD"); }
  std::filesystem::path maildir() const { return env.at("NACHFASS_MAILDIR"); }
};

inline std::filesystem::path servers_dir() {
  const char* dir = std::getenv("NACHFASS_SERVERS_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::path();
}

// A fresh temporary directory, removed by the destructor.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) {
    path = std::filesystem::temp_directory_path() /
           ("nachfass-imap-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Writes a generated corpus (maildir/ under `out`).
inline gen::GroundTruth write_corpus(const std::filesystem::path& out, std::size_t messages,
                                     std::uint64_t seed) {
  gen::GeneratorOptions options;
  options.messages = messages;
  options.seed = seed;
  options.bodies = false;
  return gen::write_corpus(out, options);
}

// One line per Message with every field but source_id, sorted: two sources agree when these
// are equal.
inline std::string describe(const Message& m) {
  std::ostringstream out;
  auto addr = [&](const Address& a) { out << a.email << "|" << a.name << ";"; };
  out << m.folder << " role=" << int(m.folder_role) << " id=" << m.message_id
      << " irt=" << m.in_reply_to << " refs=";
  for (const auto& r : m.references) out << r << ",";
  out << " subj=" << m.subject << " from=";
  addr(m.from);
  out << " to=";
  for (const auto& a : m.to) addr(a);
  out << " cc=";
  for (const auto& a : m.cc) addr(a);
  out << " date=" << m.date << " off=" << m.utc_offset_minutes << " dh=" << m.date_from_header
      << " ti=" << m.thread_index << " tt=" << m.thread_topic << " auto=" << int(m.automation);
  return out.str();
}

inline std::vector<std::string> describe_all(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(describe(m));
  std::sort(out.begin(), out.end());
  return out;
}

// What the Maildir source reads from INBOX and Sent of `root`.
inline std::vector<Message> read_maildir(const std::filesystem::path& root) {
  std::vector<Message> out;
  auto folders = maildir::discover_folders(root);
  EXPECT_TRUE(folders) << (folders ? "" : folders.error().to_string());
  if (!folders) return out;
  for (const auto& folder : *folders) {
    if (folder.name != "INBOX" && folder.name != "Sent") continue;
    maildir::ScanCallbacks callbacks;
    callbacks.message = [&](Message&& m) { out.push_back(std::move(m)); };
    auto scan = maildir::scan_folder(folder, {}, callbacks);
    EXPECT_TRUE(scan);
  }
  return out;
}

}  // namespace nachfass::test
