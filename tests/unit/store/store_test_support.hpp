// Helpers shared by the store tests: a temporary directory, Result assertions, raw SQLite access
// for tampering with files behind the store's back, and messages full of hostile strings.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/model.hpp"
#include "ports/result.hpp"

namespace nachfass::store_test {

// prefix + number. (GCC 12 at -O3 warns falsely about "literal" + std::to_string(): bug 105329.)
inline std::string numbered(std::string_view prefix, std::int64_t number) {
  std::string text(prefix);
  text += std::to_string(number);
  return text;
}

template <class T>
::testing::AssertionResult ok(const Result<T>& result) {
  if (result) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.error().to_string();
}

template <class T>
std::string error_id(const Result<T>& result) {
  return result ? std::string("(no error)") : result.error().id;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "nachfass-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A plain SQLite connection, independent of the store.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      throw std::runtime_error("sqlite3_open failed: " + path.string());
    }
    sqlite3_busy_timeout(db_, 2000);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "?";
      sqlite3_free(message);
      throw std::runtime_error("sqlite3_exec(" + sql + "): " + text);
    }
  }
  std::int64_t integer(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error("prepare failed: " + sql + ": " + sqlite3_errmsg(db_));
    }
    const int code = sqlite3_step(statement);
    const std::int64_t value = code == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    sqlite3_finalize(statement);
    if (code != SQLITE_ROW) throw std::runtime_error("no row: " + sql);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Strings a careless encoding would break: every separator one might pick, quotes, SQL, escapes,
// multi-byte UTF-8, invalid UTF-8 and an embedded NUL.
inline std::vector<std::string> hostile_strings() {
  return {
      "",
      " ",
      ",",
      ";",
      "\"",
      "'",
      "''; DROP TABLE messages; --",
      "a,b;c|d\te\nf\r\ng",
      "\x1f\x1e\x1d\x1c",
      "\\",
      "\\0\\n",
      "<angle@brackets>",
      "=?utf-8?q?encoded?=",
      "Jürgen Müßig-Öztürk",
      "Ελληνικά και 日本語 и кириллица",
      "\xe2\x80\x8f\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\xe2\x80\x8e",  // RLM, Hebrew, LRM
      "e\xcc\x81\xcc\x88",                                         // combining marks
      "\xf0\x9f\x93\xa7\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",          // emoji with modifier
      "\xff\xfe\x80\xc0\xaf",                                      // not UTF-8 at all
      std::string("before\0after", 12),
      std::string(300, '\x7f'),
  };
}

inline Message hostile_message(const std::string& source_id, UnixSeconds date) {
  const auto strings = hostile_strings();
  Message message;
  message.source_id = source_id;
  message.folder = "INBOX/Kunden, \"A-M\"; 2024";
  message.folder_role = FolderRole::inbox;
  message.message_id = "id-" + source_id + "@example.com";
  message.in_reply_to = "parent;with,separators\x1f@example.com";
  message.references = strings;
  message.subject = "AW: Angebot \"Premium\" — 10 % Rabatt; Frist: 31.12.";
  message.from = {"kunde@example.de", "Müller, Hans \"Hansi\""};
  for (std::size_t i = 0; i < strings.size(); ++i) {
    message.to.push_back({"to" + std::to_string(i) + "@example.com", strings[i]});
    message.cc.push_back({strings[i], "cc " + std::to_string(i)});
  }
  message.date = date;
  message.utc_offset_minutes = -570;
  message.date_from_header = false;
  message.thread_index = "AQHZ+/==";
  message.thread_topic = "Angebot \"Premium\"";
  message.automation = Automation::mailing_list;
  return message;
}

inline void expect_same_message(const Message& expected, const Message& actual) {
  EXPECT_EQ(expected.source_id, actual.source_id);
  EXPECT_EQ(expected.folder, actual.folder);
  EXPECT_EQ(expected.folder_role, actual.folder_role);
  EXPECT_EQ(expected.message_id, actual.message_id);
  EXPECT_EQ(expected.in_reply_to, actual.in_reply_to);
  EXPECT_EQ(expected.references, actual.references);
  EXPECT_EQ(expected.subject, actual.subject);
  EXPECT_EQ(expected.from.email, actual.from.email);
  EXPECT_EQ(expected.from.name, actual.from.name);
  ASSERT_EQ(expected.to.size(), actual.to.size());
  for (std::size_t i = 0; i < expected.to.size(); ++i) {
    EXPECT_EQ(expected.to[i].email, actual.to[i].email) << "to " << i;
    EXPECT_EQ(expected.to[i].name, actual.to[i].name) << "to " << i;
  }
  ASSERT_EQ(expected.cc.size(), actual.cc.size());
  for (std::size_t i = 0; i < expected.cc.size(); ++i) {
    EXPECT_EQ(expected.cc[i].email, actual.cc[i].email) << "cc " << i;
    EXPECT_EQ(expected.cc[i].name, actual.cc[i].name) << "cc " << i;
  }
  EXPECT_EQ(expected.date, actual.date);
  EXPECT_EQ(expected.utc_offset_minutes, actual.utc_offset_minutes);
  EXPECT_EQ(expected.date_from_header, actual.date_from_header);
  EXPECT_EQ(expected.thread_index, actual.thread_index);
  EXPECT_EQ(expected.thread_topic, actual.thread_topic);
  EXPECT_EQ(expected.automation, actual.automation);
}

}  // namespace nachfass::store_test
