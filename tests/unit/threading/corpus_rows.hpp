// Test rows for threading: one row is one message, named by a label that expectations use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/corpus.hpp"
#include "core/identities.hpp"
#include "core/threading.hpp"

namespace nachfass::thread_rows {

inline constexpr UnixSeconds t0 = 1'700'000'000;  // 2023-11-14
inline constexpr UnixSeconds minutes(std::int64_t n) {
  return n * 60;
}
inline constexpr UnixSeconds hours(std::int64_t n) {
  return n * 3600;
}
inline constexpr UnixSeconds days(std::int64_t n) {
  return n * 86400;
}

inline constexpr const char* customer = "kunde@customer.example";
inline constexpr const char* other_customer = "einkauf@other.example";
inline constexpr const char* me = "me@nachfass.example";
inline constexpr const char* colleague = "kollege@nachfass.example";

struct Row {
  std::string label = {};  // names the message in expectations; unique per table
  std::string id = {};     // Message-ID without brackets; empty: none
  std::vector<std::string> refs = {};
  std::string irt = {};
  std::string subject = "Hallo";
  std::string from = customer;
  std::vector<std::string> to = {me};
  std::vector<std::string> cc = {};
  UnixSeconds at = 0;  // seconds after t0
  std::string thread_index = {};
  std::string topic = {};
};

// The user and the organisation of the default tables.
Identities default_identities();

Message to_message(const Row& row);
Corpus make_corpus(const std::vector<Row>& rows);

// "A B | C": threads as sets of labels, each sorted, threads sorted; `expected` strings in the
// same notation are normalised the same way before comparing.
std::string grouping(const Threads& threads, const std::vector<Row>& rows);
std::string normalise_grouping(const std::string& expected);

// Every message in exactly one thread, thread_of consistent, members by (date, index), threads by
// their first member. Empty string when all hold, else what failed.
std::string check_invariants(const Corpus& corpus, const Threads& threads);

// A base64 Thread-Index: 22-byte header (0x01, 5 bytes of FILETIME, 16-byte GUID) derived from
// `conversation`, plus `replies` 5-byte child blocks.
std::string thread_index(std::uint32_t conversation, int replies);
std::vector<std::uint8_t> thread_index_bytes(std::uint32_t conversation, int replies);
std::string base64(const std::vector<std::uint8_t>& bytes);

}  // namespace nachfass::thread_rows
