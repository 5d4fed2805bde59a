// A compact, append-only store of many messages for threading and detection.
//
// A million `Message` objects with their own strings would need most of a gigabyte; the corpus
// interns every repeated string (Message-IDs, addresses, names, subjects) once and keeps each
// message as a fixed-size record of string ids, so threading and detection run over flat arrays.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace nachfass {

// An id for a string in a StringPool. 0 is always the empty string.
using Atom = std::uint32_t;
inline constexpr Atom empty_atom = 0;

// Append-only UTF-8 string storage. intern() deduplicates; store() does not (for strings known to
// be unique, such as source ids, where a hash entry would only cost memory). Views stay valid for
// the pool's lifetime.
class StringPool {
 public:
  StringPool();
  StringPool(StringPool&&) noexcept;
  StringPool& operator=(StringPool&&) noexcept;
  ~StringPool();

  Atom intern(std::string_view text);
  Atom store(std::string_view text);
  // The atom of `text` if it was interned before, else empty_atom (and `text` is not added).
  Atom find(std::string_view text) const;
  std::string_view view(Atom atom) const;
  std::size_t size() const;
  std::size_t memory_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Index of a message in its corpus.
using MessageIndex = std::uint32_t;

struct MessageRecord {
  UnixSeconds date = 0;
  Atom source_id = empty_atom;
  Atom folder = empty_atom;
  Atom message_id = empty_atom;
  Atom in_reply_to = empty_atom;
  Atom subject = empty_atom;
  Atom from = empty_atom;  // lower-cased address
  Atom from_name = empty_atom;
  Atom thread_index = empty_atom;
  Atom thread_topic = empty_atom;
  std::uint32_t refs_begin = 0;        // into Corpus::references()
  std::uint32_t recipients_begin = 0;  // into Corpus::recipients(): To first, then Cc
  std::uint16_t refs_count = 0;
  std::uint16_t to_count = 0;
  std::uint16_t cc_count = 0;
  std::int16_t utc_offset_minutes = 0;
  FolderRole folder_role = FolderRole::other;
  Automation automation = Automation::none;
  bool date_from_header = true;
};

class Corpus {
 public:
  MessageIndex add(const Message& message);
  void reserve(std::size_t messages);

  std::size_t size() const { return records_.size(); }
  const MessageRecord& operator[](MessageIndex index) const { return records_[index]; }
  std::span<const MessageRecord> records() const { return records_; }

  std::string_view text(Atom atom) const { return strings_.view(atom); }
  // The atom of an already interned string (an address, a Message-ID), or empty_atom.
  Atom find(std::string_view text) const { return strings_.find(text); }
  std::span<const Atom> references(MessageIndex index) const;
  std::span<const Atom> to(MessageIndex index) const;
  std::span<const Atom> cc(MessageIndex index) const;
  // Display name of a recipient as it appeared on that message (empty_atom if none).
  Atom recipient_name(MessageIndex index, std::size_t position_in_to_then_cc) const;

  // Rebuilds the full record (for output and tests; not for hot paths).
  Message message(MessageIndex index) const;

  std::size_t memory_bytes() const;

 private:
  StringPool strings_;
  std::vector<MessageRecord> records_;
  std::vector<Atom> references_;
  std::vector<Atom> recipients_;       // addresses
  std::vector<Atom> recipient_names_;  // parallel to recipients_
};

}  // namespace nachfass
