#include "corpus_rows.hpp"

#include <algorithm>
#include <limits>
#include <sstream>
#include <utility>

namespace nachfass::thread_rows {

Identities default_identities() {
  return Identities({me}, {"nachfass.example"});
}

Message to_message(const Row& row) {
  Message m;
  m.source_id = "INBOX/" + row.label;
  m.folder = "INBOX";
  m.folder_role = FolderRole::inbox;
  m.message_id = row.id;
  m.in_reply_to = row.irt;
  m.references = row.refs;
  m.subject = row.subject;
  m.from.email = row.from;
  for (const auto& a : row.to) m.to.push_back({a, {}});
  for (const auto& a : row.cc) m.cc.push_back({a, {}});
  m.date = t0 + row.at;
  m.thread_index = row.thread_index;
  m.thread_topic = row.topic;
  return m;
}

Corpus make_corpus(const std::vector<Row>& rows) {
  Corpus corpus;
  for (const Row& row : rows) corpus.add(to_message(row));
  return corpus;
}

namespace {

std::string join_groups(std::vector<std::vector<std::string>> groups) {
  for (auto& g : groups) std::sort(g.begin(), g.end());
  std::sort(groups.begin(), groups.end());
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) out += " | ";
    for (std::size_t i = 0; i < g.size(); ++i) out += (i ? " " : "") + g[i];
  }
  return out;
}

}  // namespace

std::string grouping(const Threads& threads, const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> groups;
  for (ThreadId t = 0; t < threads.threads.size(); ++t) {
    groups.emplace_back();
    for (const MessageIndex m : threads.messages(t)) groups.back().push_back(rows.at(m).label);
  }
  return join_groups(std::move(groups));
}

std::string normalise_grouping(const std::string& expected) {
  std::vector<std::vector<std::string>> groups(1);
  std::istringstream in(expected);
  std::string word;
  while (in >> word) {
    if (word == "|")
      groups.emplace_back();
    else
      groups.back().push_back(word);
  }
  return join_groups(std::move(groups));
}

std::string check_invariants(const Corpus& corpus, const Threads& threads) {
  std::ostringstream problems;
  if (threads.thread_of.size() != corpus.size()) problems << "thread_of has the wrong size; ";
  if (threads.members.size() != corpus.size()) problems << "members has the wrong size; ";
  std::vector<int> seen(corpus.size(), 0);
  std::uint32_t expected_begin = 0;
  std::pair<UnixSeconds, MessageIndex> previous_first{std::numeric_limits<UnixSeconds>::min(), 0};
  for (ThreadId t = 0; t < threads.threads.size(); ++t) {
    const auto members = threads.messages(t);
    if (members.empty()) problems << "thread " << t << " is empty; ";
    if (threads.threads[t].members_begin != expected_begin) problems << "gap before " << t << "; ";
    expected_begin += threads.threads[t].members_count;
    for (std::size_t i = 0; i < members.size(); ++i) {
      const MessageIndex m = members[i];
      if (m >= corpus.size()) {
        problems << "bad index; ";
        continue;
      }
      ++seen[m];
      if (threads.thread_of[m] != t) problems << "thread_of[" << m << "] != " << t << "; ";
      if (i > 0) {
        const MessageIndex p = members[i - 1];
        if (std::pair(corpus[p].date, p) >= std::pair(corpus[m].date, m))
          problems << "thread " << t << " not sorted; ";
      }
    }
    if (!members.empty()) {
      const std::pair first{corpus[members[0]].date, members[0]};
      if (t > 0 && first <= previous_first) problems << "threads not sorted at " << t << "; ";
      previous_first = first;
    }
  }
  for (std::size_t m = 0; m < seen.size(); ++m)
    if (seen[m] != 1) problems << "message " << m << " in " << seen[m] << " threads; ";
  return problems.str();
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(v >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = bytes[i] << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string thread_index(std::uint32_t conversation, int replies) {
  return base64(thread_index_bytes(conversation, replies));
}

std::vector<std::uint8_t> thread_index_bytes(std::uint32_t conversation, int replies) {
  std::vector<std::uint8_t> bytes;
  bytes.push_back(0x01);
  // Upper bytes of a FILETIME around 2023, then a GUID; both vary with the conversation.
  const std::uint64_t filetime = 0x01da1700'00000000ull + (std::uint64_t{conversation} << 24);
  for (int shift = 56; shift >= 24; shift -= 8) bytes.push_back((filetime >> shift) & 0xff);
  std::uint32_t x = conversation * 2654435761u + 12345u;
  for (int i = 0; i < 16; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    bytes.push_back(x & 0xff);
  }
  for (int r = 0; r < replies; ++r) {
    // A time delta (31 bits) and random/sequence nibbles, as ScCreateConversationIndex does.
    const std::uint32_t delta = 0x00a00000u + static_cast<std::uint32_t>(r) * 0x1234u;
    bytes.push_back((delta >> 24) & 0x7f);
    bytes.push_back((delta >> 16) & 0xff);
    bytes.push_back((delta >> 8) & 0xff);
    bytes.push_back(delta & 0xff);
    bytes.push_back(static_cast<std::uint8_t>(0x10 * (r % 16) + r % 16));
  }
  return bytes;
}

}  // namespace nachfass::thread_rows
