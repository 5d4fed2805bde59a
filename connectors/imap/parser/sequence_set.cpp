#include "imap/parser/sequence_set.hpp"

#include <algorithm>
#include <charconv>

#include "imap/parser/errors.hpp"

namespace nachfass::imap {

namespace {

Error bad_set(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 60));
  if (text.size() > 60) shown += "...";
  return make_error(ErrorScope::item, std::string(errors::bad_sequence_set),
                    "bad IMAP sequence set \"" + shown + "\" (" + std::string(why) + ")");
}

// nz-number or '*'.
Result<std::uint32_t> parse_member(std::string_view text, std::string_view whole,
                                   std::uint32_t star) {
  if (text == "*") return star;
  if (text.empty() || text.size() > 10) return bad_set(whole, "expected a number");
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size())
    return bad_set(whole, "expected a number");
  if (value == 0 || value > UINT32_MAX) return bad_set(whole, "number out of range");
  return static_cast<std::uint32_t>(value);
}

void normalise(std::vector<SequenceSet::Range>& ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t out = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (out > 0 && static_cast<std::uint64_t>(ranges[out - 1].last) + 1 >= ranges[i].first) {
      ranges[out - 1].last = std::max(ranges[out - 1].last, ranges[i].last);
    } else {
      ranges[out++] = ranges[i];
    }
  }
  ranges.resize(out);
}

void append_range(std::string& out, const SequenceSet::Range& range) {
  out += std::to_string(range.first);
  if (range.last != range.first) {
    out += ':';
    out += std::to_string(range.last);
  }
}

}  // namespace

Result<std::vector<SequenceSet::Range>> SequenceSet::parse_ranges(std::string_view text,
                                                                  std::uint32_t star) {
  std::vector<Range> ranges;
  if (text.empty()) return bad_set(text, "empty");
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view element =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    const std::size_t colon = element.find(':');
    auto first = parse_member(element.substr(0, colon), text, star);
    if (!first) return first.error();
    std::uint32_t last = *first;
    if (colon != std::string_view::npos) {
      auto second = parse_member(element.substr(colon + 1), text, star);
      if (!second) return second.error();
      last = *second;
    }
    ranges.push_back(Range{std::min(*first, last), std::max(*first, last)});
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return ranges;
}

Result<SequenceSet> SequenceSet::parse(std::string_view text, std::uint32_t star) {
  auto ranges = parse_ranges(text, star);
  if (!ranges) return ranges.error();
  SequenceSet set;
  set.ranges_ = std::move(*ranges);
  normalise(set.ranges_);
  return set;
}

SequenceSet SequenceSet::from(std::vector<std::uint32_t> numbers) {
  std::sort(numbers.begin(), numbers.end());
  SequenceSet set;
  for (std::uint32_t number : numbers) {
    if (!set.ranges_.empty() && static_cast<std::uint64_t>(set.ranges_.back().last) + 1 >= number)
      set.ranges_.back().last = std::max(set.ranges_.back().last, number);
    else
      set.ranges_.push_back(Range{number, number});
  }
  return set;
}

void SequenceSet::insert(std::uint32_t first, std::uint32_t last) {
  if (first > last) std::swap(first, last);
  // Common case when collecting UIDs in ascending order: extend the last range.
  if (ranges_.empty() || first > static_cast<std::uint64_t>(ranges_.back().last) + 1) {
    ranges_.push_back(Range{first, last});
    return;
  }
  if (first >= ranges_.back().first) {
    ranges_.back().last = std::max(ranges_.back().last, last);
    return;
  }
  auto it = std::lower_bound(
      ranges_.begin(), ranges_.end(), first,
      [](const Range& r, std::uint32_t v) { return static_cast<std::uint64_t>(r.last) + 1 < v; });
  ranges_.insert(it, Range{first, last});
  normalise(ranges_);
}

std::uint64_t SequenceSet::count() const {
  std::uint64_t total = 0;
  for (const Range& range : ranges_)
    total += static_cast<std::uint64_t>(range.last) - range.first + 1;
  return total;
}

bool SequenceSet::contains(std::uint32_t number) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), number,
                             [](std::uint32_t v, const Range& r) { return v < r.first; });
  if (it == ranges_.begin()) return false;
  --it;
  return number <= it->last;
}

std::string SequenceSet::to_string() const {
  std::string out;
  for (const Range& range : ranges_) {
    if (!out.empty()) out += ',';
    append_range(out, range);
  }
  return out;
}

std::vector<std::string> SequenceSet::to_strings(std::size_t max_chars) const {
  std::vector<std::string> out;
  std::string current;
  for (const Range& range : ranges_) {
    std::string piece;
    append_range(piece, range);
    if (!current.empty() && current.size() + 1 + piece.size() > max_chars) {
      out.push_back(std::move(current));
      current.clear();
    }
    if (!current.empty()) current += ',';
    current += piece;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

SequenceSet::const_iterator& SequenceSet::const_iterator::operator++() {
  if (value_ < (*ranges_)[range_].last) {
    ++value_;
  } else {
    ++range_;
    value_ = range_ < ranges_->size() ? (*ranges_)[range_].first : 0;
  }
  return *this;
}

}  // namespace nachfass::imap
