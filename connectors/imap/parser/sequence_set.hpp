// IMAP sequence sets (RFC 3501 9: sequence-set, RFC 4315 uid-set, RFC 7162 known-uids): a set of
// 32-bit message numbers or UIDs kept as sorted, merged, disjoint ranges, so "1:4294967295" costs
// one range. Nothing here ever expands a range into its members.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "ports/result.hpp"

namespace nachfass::imap {

class SequenceSet {
 public:
  struct Range {
    std::uint32_t first = 0;
    std::uint32_t last = 0;  // inclusive, >= first
    bool operator==(const Range&) const = default;
  };

  SequenceSet() = default;

  // Parses "1:5,7,9:*". `*` (the largest number in use, RFC 3501 6.4.8) stands for `star`; by
  // default 4294967295, i.e. "everything from here on". "4:2" is the same as "2:4". Zero, empty
  // elements, numbers above 2^32-1, or any other character -> imap.bad_sequence_set.
  static Result<SequenceSet> parse(std::string_view text, std::uint32_t star = UINT32_MAX);
  // The ranges of `text` in the order the server wrote them, not merged. COPYUID (RFC 4315 3)
  // pairs source and destination UIDs by position, which a normalised set would lose.
  static Result<std::vector<Range>> parse_ranges(std::string_view text,
                                                 std::uint32_t star = UINT32_MAX);
  // From any numbers in any order, duplicates allowed.
  static SequenceSet from(std::vector<std::uint32_t> numbers);

  void insert(std::uint32_t number) { insert(number, number); }
  void insert(std::uint32_t first, std::uint32_t last);  // swaps if first > last

  bool empty() const { return ranges_.empty(); }
  // Number of members (up to 2^32, hence 64 bits).
  std::uint64_t count() const;
  bool contains(std::uint32_t number) const;  // O(log ranges)
  std::uint32_t min() const { return ranges_.empty() ? 0 : ranges_.front().first; }
  std::uint32_t max() const { return ranges_.empty() ? 0 : ranges_.back().last; }
  const std::vector<Range>& ranges() const { return ranges_; }

  // "1:5,7,9"; "" when empty. Never writes '*'.
  std::string to_string() const;
  // The same set as several strings of at most `max_chars` each (a single range is never split,
  // so a string can exceed it only when one range alone does), for servers that limit command
  // lines (Dovecot: 64 KiB, many others 8 KiB).
  std::vector<std::string> to_strings(std::size_t max_chars) const;

  // Forward iteration over the members, one number at a time, in ascending order.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::uint32_t*;
    using reference = std::uint32_t;

    const_iterator() = default;
    std::uint32_t operator*() const { return value_; }
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator copy = *this;
      ++*this;
      return copy;
    }
    bool operator==(const const_iterator& other) const {
      return range_ == other.range_ && value_ == other.value_;
    }

   private:
    friend class SequenceSet;
    const_iterator(const std::vector<Range>* ranges, std::size_t range)
        : ranges_(ranges),
          range_(range),
          value_(range < ranges->size() ? (*ranges)[range].first : 0) {}
    const std::vector<Range>* ranges_ = nullptr;
    std::size_t range_ = 0;
    std::uint32_t value_ = 0;
  };
  const_iterator begin() const { return const_iterator(&ranges_, 0); }
  const_iterator end() const { return const_iterator(&ranges_, ranges_.size()); }

  bool operator==(const SequenceSet&) const = default;

 private:
  std::vector<Range> ranges_;
};

}  // namespace nachfass::imap
