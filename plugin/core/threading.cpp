#include "core/threading.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <numeric>
#include <tuple>
#include <utility>

namespace nachfass {

namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

// ---------------------------------------------------------------------------------------------
// Subjects

enum class PrefixKind : std::uint8_t { none, reply, forward };

// Folded (ASCII and Latin-1 lower case) prefix words.
constexpr std::string_view reply_words[] = {
    "re",           "aw", "antw", "antwort", "sv",       "odp",
    "rif",          "r",  "res",  "ref",     "r\u00e9f", "ynt",
    "\u56de\u590d",  // 回复
    "\u7b54\u590d",  // 答复
    "\u56de\u8986",  // 回覆
};
constexpr std::string_view forward_words[] = {
    "fwd",          "fw", "wg", "tr", "enc", "rv", "vs", "vb", "vl", "doorst", "pd",
    "\u8f6c\u53d1",  // 转发
    "\u8f49\u5bc4",  // 轉寄
};
constexpr std::size_t max_prefix_bytes = 7;  // "antwort"

constexpr std::string_view fullwidth_colon = "\xef\xbc\x9a";  // ：

// Bytes of whitespace at `i`: ASCII blanks and NO-BREAK SPACE (U+00A0); 0 when none.
std::size_t space_at(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
  if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xa0) return 2;
  return 0;
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    const std::size_t n = space_at(s, i);
    if (n == 0) break;
    i += n;
  }
  return i;
}

// The second byte of a two-byte UTF-8 sequence starting with 0xC3, folded to lower case
// (À..Þ -> à..þ, except × U+00D7).
unsigned char fold_latin1_tail(unsigned char tail) {
  return tail >= 0x80 && tail <= 0x9e && tail != 0x97 ? static_cast<unsigned char>(tail + 0x20)
                                                      : tail;
}

PrefixKind match_prefix_word(std::string_view word) {
  if (word.empty() || word.size() > max_prefix_bytes) return PrefixKind::none;
  std::array<char, max_prefix_bytes> folded{};
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    if (i > 0 && static_cast<unsigned char>(word[i - 1]) == 0xc3) c = fold_latin1_tail(c);
    folded[i] = static_cast<char>(c);
  }
  const std::string_view key{folded.data(), word.size()};
  for (const std::string_view w : reply_words)
    if (w == key) return PrefixKind::reply;
  for (const std::string_view w : forward_words)
    if (w == key) return PrefixKind::forward;
  return PrefixKind::none;
}

struct StrippedSubject {
  std::string_view rest;                    // after prefixes and tags, leading blanks skipped
  PrefixKind outermost = PrefixKind::none;  // kind of the first reply/forward prefix
};

// After a prefix word at `i`: an optional counter ("[2]", "(2)"), optional blanks, and a colon.
// Returns the position after the colon, or npos when this is not a prefix.
std::size_t after_prefix_colon(std::string_view s, std::size_t i) {
  if (i < s.size() && (s[i] == '[' || s[i] == '(')) {
    const char close = s[i] == '[' ? ']' : ')';
    std::size_t j = i + 1;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i + 1 || j >= s.size() || s[j] != close) return std::string_view::npos;
    i = j + 1;
  }
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size() && s[i] == ':') return i + 1;
  if (s.substr(i, fullwidth_colon.size()) == fullwidth_colon) return i + fullwidth_colon.size();
  return std::string_view::npos;
}

StrippedSubject strip_prefixes(std::string_view s) {
  StrippedSubject out;
  std::size_t i = skip_spaces(s, 0);
  while (i < s.size()) {
    if (s[i] == '[') {
      const std::size_t close = s.find(']', i + 1);
      if (close == std::string_view::npos) break;
      i = skip_spaces(s, close + 1);
      continue;
    }
    // A word: ASCII letters or non-ASCII bytes, up to a colon (ASCII or full-width).
    std::size_t end = i;
    while (end < s.size() && end - i <= max_prefix_bytes) {
      const auto c = static_cast<unsigned char>(s[end]);
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!letter && c < 0x80) break;
      if (s.substr(end, fullwidth_colon.size()) == fullwidth_colon) break;
      if (space_at(s, end) != 0) break;
      ++end;
    }
    const PrefixKind kind = match_prefix_word(s.substr(i, end - i));
    if (kind == PrefixKind::none) break;
    const std::size_t next = after_prefix_colon(s, end);
    if (next == std::string_view::npos) break;
    if (out.outermost == PrefixKind::none) out.outermost = kind;
    i = skip_spaces(s, next);
  }
  out.rest = s.substr(std::min(i, s.size()));
  return out;
}

// Calls sink(byte) for `text` with whitespace runs collapsed to one ' ' and trimmed; with
// `fold`, ASCII and Latin-1 letters are lower-cased.
template <bool fold, typename Sink>
void for_each_normalized(std::string_view text, Sink&& sink) {
  bool started = false;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c <= ' ' || c == 0xc2) {
      const std::size_t blank = space_at(text, i);
      if (blank != 0) {
        pending_space = started;
        i += blank - 1;
        continue;
      }
    }
    if (pending_space) sink(' ');
    pending_space = false;
    started = true;
    if constexpr (fold) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<unsigned char>(c + 32);
      } else if (c == 0xc3 && i + 1 < text.size()) {
        sink(static_cast<char>(c));
        sink(static_cast<char>(fold_latin1_tail(static_cast<unsigned char>(text[++i]))));
        continue;
      }
    }
    sink(static_cast<char>(c));
  }
}

// A 64-bit hash of the folded form, eight bytes at a time.
std::uint64_t folded_hash(std::string_view text) {
  constexpr std::uint64_t multiplier = 0x9e3779b97f4a7c15ull;
  std::uint64_t hash = 0x243f6a8885a308d3ull;
  std::uint64_t word = 0;
  std::size_t count = 0;
  const auto mix = [&](std::uint64_t value) {
    hash = (hash ^ value) * multiplier;
    hash ^= hash >> 29;
  };
  for_each_normalized<true>(text, [&](char c) {
    word = (word << 8) | static_cast<unsigned char>(c);
    if (++count % 8 == 0) {
      mix(word);
      word = 0;
    }
  });
  mix(word);
  mix(count);
  return hash;
}

// Compares the folded form of `text` with an already folded string.
bool folded_equals(std::string_view text, std::string_view folded) {
  std::size_t at = 0;
  bool equal = true;
  for_each_normalized<true>(text, [&](char c) {
    equal = equal && at < folded.size() && folded[at] == c;
    ++at;
  });
  return equal && at == folded.size();
}

// ---------------------------------------------------------------------------------------------
// Thread-Index

using ConversationHeader = std::array<unsigned char, 22>;

// Base64 alphabet values; blank: skipped, pad: '=', bad: anything else.
constexpr std::uint8_t base64_blank = 64;
constexpr std::uint8_t base64_pad = 65;
constexpr std::uint8_t base64_bad = 255;

constexpr std::array<std::uint8_t, 256> make_base64_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) v = base64_bad;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  for (const char c : {' ', '\t', '\r', '\n'}) table[static_cast<unsigned char>(c)] = base64_blank;
  table['='] = base64_pad;
  return table;
}
constexpr std::array<std::uint8_t, 256> base64_table = make_base64_table();

// The 22-byte header block of a base64 Thread-Index whose decoded length is 22 + 5n.
bool decode_conversation_header(std::string_view base64, ConversationHeader& header) {
  std::uint32_t bits = 0;
  int bit_count = 0;
  std::size_t bytes = 0;
  std::size_t sextets = 0;
  bool padding = false;
  for (const char ch : base64) {
    const std::uint8_t value = base64_table[static_cast<unsigned char>(ch)];
    if (value < 64) {
      if (padding) return false;
      ++sextets;
      bits = ((bits << 6) | value) & 0xffffu;
      bit_count += 6;
      if (bit_count >= 8) {
        bit_count -= 8;
        if (bytes < header.size()) header[bytes] = static_cast<unsigned char>(bits >> bit_count);
        ++bytes;
      }
    } else if (value == base64_pad) {
      padding = true;
    } else if (value == base64_bad) {
      return false;
    }
  }
  return sextets % 4 != 1 && bytes >= header.size() && (bytes - header.size()) % 5 == 0;
}

std::uint64_t hash_bytes(const ConversationHeader& header) {
  std::uint64_t words[3] = {0, 0, 0};
  std::memcpy(words, header.data(), header.size());
  std::uint64_t hash = 0x243f6a8885a308d3ull;
  for (const std::uint64_t w : words) {
    hash = (hash ^ w) * 0x9e3779b97f4a7c15ull;
    hash ^= hash >> 29;
  }
  return hash;
}

// Open addressing: header -> dense conversation number.
class ConversationTable {
 public:
  explicit ConversationTable(std::size_t expected)
      : slots_(std::bit_ceil(std::max<std::size_t>(1024, expected * 2)), none) {}

  std::uint32_t intern(const ConversationHeader& header) {
    if ((headers_.size() + 1) * 2 > slots_.size()) grow();
    const std::uint64_t hash = hash_bytes(header);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (; slots_[i] != none; i = (i + 1) & mask) {
      const std::uint32_t id = slots_[i];
      if (hashes_[id] == hash && headers_[id] == header) return id;
    }
    slots_[i] = static_cast<std::uint32_t>(headers_.size());
    headers_.push_back(header);
    hashes_.push_back(hash);
    return slots_[i];
  }
  std::size_t size() const { return headers_.size(); }

 private:
  void grow() {
    slots_.assign(slots_.size() * 2, none);
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t id = 0; id < headers_.size(); ++id) {
      std::size_t i = hashes_[id] & mask;
      while (slots_[i] != none) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }

  std::vector<ConversationHeader> headers_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> slots_;
};

// Open addressing: folded base subject -> dense key. Lookups go by the 64-bit hash alone; the
// caller confirms a match with matches() before acting on it.
class SubjectKeys {
 public:
  std::uint32_t intern(std::string_view rest) {
    const std::uint64_t hash = folded_hash(rest);
    if ((keys_.size() + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (; slots_[i] != none; i = (i + 1) & mask) {
      const std::uint32_t id = slots_[i];
      if (hashes_[id] == hash && folded_equals(rest, keys_[id])) return id;
    }
    std::string folded;
    for_each_normalized<true>(rest, [&](char c) { folded.push_back(c); });
    const auto id = static_cast<std::uint32_t>(keys_.size());
    keys_.push_back(std::move(folded));
    hashes_.push_back(hash);
    slots_[i] = id;
    return id;
  }
  // The first key with this hash, or none.
  std::uint32_t find(std::uint64_t hash) const {
    if (slots_.empty()) return none;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask; slots_[i] != none; i = (i + 1) & mask)
      if (hashes_[slots_[i]] == hash) return slots_[i];
    return none;
  }
  bool matches(std::uint32_t id, std::string_view rest) const {
    return folded_equals(rest, keys_[id]);
  }

 private:
  void grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, none);
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t id = 0; id < keys_.size(); ++id) {
      std::size_t i = hashes_[id] & mask;
      while (slots_[i] != none) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }

  std::vector<std::string> keys_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> slots_;
};

// Open addressing: atom -> 32-bit value, for the few atoms step 3 looks up.
class AtomTable {
 public:
  explicit AtomTable(std::size_t expected)
      : slots_(std::bit_ceil(std::max<std::size_t>(16, expected * 2))),
        shift_(64 - std::countr_zero(slots_.size())) {}

  // The value of `atom`, inserted as `fresh` when absent. Valid until the next call.
  std::uint32_t& at(Atom atom, std::uint32_t fresh) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    Slot& slot = slots_[index_of(atom)];
    if (slot.atom == empty_atom) {
      slot = {atom, fresh};
      ++used_;
    }
    return slot.value;
  }
  const std::uint32_t* find(Atom atom) const {
    const Slot& slot = slots_[index_of(atom)];
    return slot.atom == empty_atom ? nullptr : &slot.value;
  }

 private:
  struct Slot {
    Atom atom = empty_atom;
    std::uint32_t value = 0;
  };
  // Fibonacci hashing: the top bits of the product, so that neighbouring atoms spread.
  std::size_t index_of(Atom atom) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i =
        static_cast<std::size_t>((std::uint64_t{atom} * 0x9e3779b97f4a7c15ull) >> shift_);
    while (slots_[i].atom != empty_atom && slots_[i].atom != atom) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    --shift_;
    for (const Slot& slot : old)
      if (slot.atom != empty_atom) slots_[index_of(slot.atom)] = slot;
  }

  std::vector<Slot> slots_;
  int shift_;
  std::size_t used_ = 0;
};

// Union-find over containers that also keeps, per set, the least key of its members (the rank
// of its earliest message).
class UnionFind {
 public:
  UnionFind() = default;
  explicit UnionFind(std::vector<std::uint32_t> keys) : up_(keys.size()), least_(std::move(keys)) {
    std::iota(up_.begin(), up_.end(), std::uint32_t{0});
  }
  std::uint32_t add(std::uint32_t key) {
    const auto id = static_cast<std::uint32_t>(up_.size());
    up_.push_back(id);
    least_.push_back(key);
    return id;
  }
  std::uint32_t find(std::uint32_t x) {
    while (up_[x] != x) {
      up_[x] = up_[up_[x]];
      x = up_[x];
    }
    return x;
  }
  // The smaller id stays the root, so the result does not depend on the argument order.
  bool unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (b < a) std::swap(a, b);
    up_[b] = a;
    least_[a] = std::min(least_[a], least_[b]);
    return true;
  }
  std::uint32_t least(std::uint32_t x) { return least_[find(x)]; }
  std::size_t size() const { return up_.size(); }

 private:
  std::vector<std::uint32_t> up_;
  std::vector<std::uint32_t> least_;
};

// LSD radix sort of 64-bit keys, 11 bits per pass; passes whose digit is the same for every key
// are skipped.
void radix_sort(std::vector<std::uint64_t>& keys, int key_bits) {
  constexpr int digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  std::vector<std::uint64_t> buffer(keys.size());
  std::vector<std::uint32_t> count(buckets);
  for (int shift = 0; shift < key_bits; shift += digit_bits) {
    std::fill(count.begin(), count.end(), 0);
    for (const std::uint64_t k : keys) ++count[(k >> shift) & (buckets - 1)];
    if (std::find(count.begin(), count.end(), keys.size()) != count.end()) continue;
    std::uint32_t sum = 0;
    for (std::uint32_t& c : count) sum += std::exchange(c, sum);
    for (const std::uint64_t k : keys) buffer[count[(k >> shift) & (buckets - 1)]++] = k;
    keys.swap(buffer);
  }
}

// Containers 0..n-1 are the messages; ghosts (ids only referenced) follow.
//
// The passes over all messages run in corpus order, which is storage order: a pass in date order
// would touch the records at random. Whatever must not depend on the input order compares ranks
// in the (date, index) order instead.
class Threader {
 public:
  Threader(const Corpus& corpus, const Identities& identities, const ThreadingOptions& options)
      : corpus_(corpus),
        identities_(identities),
        options_(options),
        n_(static_cast<std::uint32_t>(corpus.size())) {}

  Threads run() {
    sort_by_date();
    link_references();
    cut_cycles();
    merge_by_thread_index();
    merge_by_subject();
    return collect();
  }

 private:
  const MessageRecord& record(std::uint32_t m) const { return corpus_[m]; }

  void sort_by_date() {
    order_.resize(n_);
    rank_.resize(n_);
    if (n_ == 0) return;
    // One sweep over the records gathers what the later steps need from all of them.
    std::vector<UnixSeconds> dates(n_);
    UnixSeconds lo = record(0).date;
    UnixSeconds hi = lo;
    for (std::uint32_t m = 0; m < n_; ++m) {
      const MessageRecord& r = record(m);
      dates[m] = r.date;
      lo = std::min(lo, r.date);
      hi = std::max(hi, r.date);
      id_limit_ = std::max({id_limit_, r.message_id, r.in_reply_to});
      for (const Atom ref : corpus_.references(m)) id_limit_ = std::max(id_limit_, ref);
      if (r.thread_index != empty_atom) indexed_.push_back(m);
      if (r.refs_count == 0 && r.in_reply_to == empty_atom && r.subject != empty_atom)
        unreferenced_.push_back(m);
    }
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const int index_bits = std::max(1, static_cast<int>(std::bit_width(n_ - 1)));
    const int key_bits = index_bits + static_cast<int>(std::bit_width(span));
    if (key_bits <= 64) {
      std::vector<std::uint64_t> keys(n_);
      for (std::uint32_t m = 0; m < n_; ++m)
        keys[m] = ((static_cast<std::uint64_t>(dates[m]) - static_cast<std::uint64_t>(lo))
                   << index_bits) |
                  m;
      dates = {};
      radix_sort(keys, key_bits);
      const std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1;
      for (std::uint32_t r = 0; r < n_; ++r)
        order_[r] = static_cast<std::uint32_t>(keys[r] & index_mask);
    } else {
      std::iota(order_.begin(), order_.end(), std::uint32_t{0});
      std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::pair(dates[a], a) < std::pair(dates[b], b);
      });
    }
    for (std::uint32_t r = 0; r < n_; ++r) rank_[order_[r]] = r;
    uf_ = UnionFind(rank_);
  }

  // ---- step 1

  void link_references() {
    node_of_.assign(static_cast<std::size_t>(id_limit_) + 1, none);
    tree_parent_.assign(n_, none);

    // The earliest message holding a Message-ID is its container; duplicates join it.
    for (std::uint32_t m = 0; m < n_; ++m) {
      const Atom id = record(m).message_id;
      if (id == empty_atom) continue;
      std::uint32_t& slot = node_of_[id];
      if (slot == none) {
        slot = m;
        continue;
      }
      ++stats_.duplicate_message_ids;
      uf_.unite(slot, m);
      if (rank_[m] < rank_[slot]) slot = m;
    }
    for (std::uint32_t m = 0; m < n_; ++m) link_message(m);
    node_of_ = {};
  }

  void link_message(std::uint32_t m) {
    const MessageRecord& r = record(m);
    const Atom own = r.message_id;
    const std::span<const Atom> refs = corpus_.references(m);
    std::uint32_t parent = none;
    Atom parent_id = empty_atom;
    for (const Atom ref : refs) {
      if (ref == empty_atom || ref == own || ref == parent_id) continue;
      const std::uint32_t c = container(ref);
      if (parent != none) presume_parent(parent, c, rank_[m]);
      parent = c;
      parent_id = ref;
    }
    const Atom irt = r.in_reply_to;
    if (irt != empty_atom && irt != own && irt != parent_id &&
        (parent == none || std::find(refs.begin(), refs.end(), irt) == refs.end())) {
      const std::uint32_t c = container(irt);
      if (parent != none) presume_parent(parent, c, rank_[m]);
      parent = c;
    }
    if (parent == none) return;
    tree_parent_[m] = parent;
    uf_.unite(parent, m);
  }

  std::uint32_t container(Atom id) {
    std::uint32_t& slot = node_of_[id];
    if (slot == none) {
      slot = uf_.add(none);
      tree_parent_.push_back(none);
      ghost_id_.push_back(id);
      ghost_writer_.push_back(none);
      ++stats_.ghosts;
    }
    return slot;
  }

  // A message's parent comes from its own headers only; a ghost takes the parent that the
  // References of the earliest message naming it presume (JWZ). The two stay in one
  // conversation either way.
  void presume_parent(std::uint32_t parent, std::uint32_t child, std::uint32_t writer) {
    if (parent == child) return;
    if (child >= n_) {
      std::uint32_t& ghost_writer = ghost_writer_[child - n_];
      if (tree_parent_[child] == none || writer < ghost_writer) {
        tree_parent_[child] = parent;
        ghost_writer = writer;
      }
    }
    uf_.unite(parent, child);
  }

  // The rank of the message whose headers made this container's parent link.
  std::uint32_t link_writer(std::uint32_t x) const {
    return x < n_ ? rank_[x] : ghost_writer_[x - n_];
  }

  // Parent links form a functional graph; each cycle (A refs B, B refs A) loses the link that the
  // latest message wrote, as JWZ would when reading in date order.
  void cut_cycles() {
    std::vector<std::uint8_t> state(tree_parent_.size(), 0);  // 0 new, 1 on path, 2 done
    std::vector<std::uint32_t> path;
    for (std::uint32_t x = 0; x < tree_parent_.size(); ++x) {
      if (state[x] != 0 || tree_parent_[x] == none) continue;
      std::uint32_t y = x;
      while (y != none && state[y] == 0) {
        state[y] = 1;
        path.push_back(y);
        y = tree_parent_[y];
      }
      if (y != none && state[y] == 1) {
        const auto start = std::find(path.begin(), path.end(), y);
        const auto cut = std::max_element(start, path.end(), [&](std::uint32_t a, std::uint32_t b) {
          return link_writer(a) < link_writer(b);
        });
        tree_parent_[*cut] = none;
        ++stats_.refused_links;
      }
      for (const std::uint32_t p : path) state[p] = 2;
      path.clear();
    }
  }

  // Calls f(message, text of its `field`) for each message. Texts are fetched a batch at a time,
  // so that their cache misses overlap instead of coming one after the other.
  template <typename F>
  void for_each_text(const std::vector<std::uint32_t>& messages, Atom MessageRecord::*field,
                     F&& f) const {
    constexpr std::size_t batch = 32;
    std::array<std::string_view, batch> texts;
    for (std::size_t i = 0; i < messages.size(); i += batch) {
      const std::size_t count = std::min(batch, messages.size() - i);
      for (std::size_t j = 0; j < count; ++j) {
        texts[j] = corpus_.text(record(messages[i + j]).*field);
        __builtin_prefetch(texts[j].data());
      }
      for (std::size_t j = 0; j < count; ++j) f(messages[i + j], texts[j]);
    }
  }

  // ---- participants

  bool is_external(Atom address) {
    if (address == empty_atom) return false;
    if (address >= external_.size()) external_.resize(static_cast<std::size_t>(address) + 1, 0);
    std::uint8_t& cached = external_[address];
    if (cached == 0) cached = identities_.is_own(corpus_.text(address)) ? 1 : 2;
    return cached == 2;
  }

  template <typename F>
  void for_each_address(std::uint32_t m, F&& f) const {
    f(record(m).from);
    for (const Atom a : corpus_.to(m)) f(a);
    for (const Atom a : corpus_.cc(m)) f(a);
  }

  void add_external_participants(std::uint32_t m, std::vector<Atom>& out) {
    for_each_address(m, [&](Atom a) {
      if (is_external(a)) out.push_back(a);
    });
  }

  static void sort_unique(std::vector<Atom>& atoms) {
    std::sort(atoms.begin(), atoms.end());
    atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  }

  bool shares_external(std::uint32_t m, const std::vector<Atom>& sorted_participants) {
    bool shared = false;
    for_each_address(m, [&](Atom a) {
      shared = shared ||
               (std::binary_search(sorted_participants.begin(), sorted_participants.end(), a) &&
                is_external(a));
    });
    return shared;
  }

  // ---- step 2

  bool same_topic(Atom a, Atom b) {
    if (a == empty_atom || b == empty_atom || a == b) return true;
    scratch_.clear();
    for_each_normalized<true>(corpus_.text(b), [&](char c) { scratch_.push_back(c); });
    return folded_equals(corpus_.text(a), scratch_);
  }

  bool is_forward(std::uint32_t m) const {
    return strip_prefixes(corpus_.text(record(m).subject)).outermost == PrefixKind::forward;
  }

  void merge_by_thread_index() {
    if (indexed_.empty()) return;
    std::vector<std::uint32_t> conversation_of(n_, none);
    ConversationTable table(indexed_.size());
    ConversationHeader header{};
    for_each_text(indexed_, &MessageRecord::thread_index,
                  [&](std::uint32_t m, std::string_view text) {
                    if (decode_conversation_header(text, header))
                      conversation_of[m] = table.intern(header);
                    else
                      ++stats_.bad_thread_index;
                  });
    indexed_ = {};
    if (table.size() == 0) return;

    // Members per conversation, in (date, index) order.
    std::vector<std::uint32_t> begin(table.size() + 1, 0);
    for (const std::uint32_t c : conversation_of)
      if (c != none) ++begin[c + 1];
    std::partial_sum(begin.begin(), begin.end(), begin.begin());
    std::vector<std::uint32_t> members(begin.back());
    {
      std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
      for (const std::uint32_t m : order_)
        if (conversation_of[m] != none) members[fill[conversation_of[m]]++] = m;
    }
    conversation_of = {};

    std::vector<std::uint32_t> anchors;
    std::vector<std::uint32_t> forwards;
    std::vector<Atom> participants;
    for (std::size_t g = 0; g + 1 < begin.size(); ++g) {
      if (begin[g + 1] - begin[g] < 2) continue;
      const std::span<const std::uint32_t> group{members.data() + begin[g],
                                                 begin[g + 1] - begin[g]};
      Atom topic = empty_atom;
      for (const std::uint32_t m : group) {
        if (record(m).thread_topic != empty_atom) {
          topic = record(m).thread_topic;
          break;
        }
      }
      anchors.clear();
      forwards.clear();
      for (const std::uint32_t m : group) {
        if (!same_topic(record(m).thread_topic, topic)) continue;
        (is_forward(m) ? forwards : anchors).push_back(m);
      }
      if (anchors.empty()) continue;
      for (const std::uint32_t m : anchors) join_by_thread_index(anchors.front(), m);
      if (forwards.empty()) continue;
      participants.clear();
      for (const std::uint32_t m : anchors) add_external_participants(m, participants);
      sort_unique(participants);
      for (const std::uint32_t m : forwards)
        if (shares_external(m, participants)) join_by_thread_index(anchors.front(), m);
    }
  }

  void join_by_thread_index(std::uint32_t a, std::uint32_t b) {
    if (uf_.unite(a, b)) ++stats_.thread_index_merges;
  }

  // ---- step 3

  void merge_by_subject() {
    struct Start {
      std::uint32_t rank;
      std::uint32_t message;
      std::uint32_t key;
    };
    std::vector<std::uint32_t> candidates;
    for (const std::uint32_t m : unreferenced_)
      if (uf_.least(m) == rank_[m]) candidates.push_back(m);  // the earliest of its thread
    unreferenced_ = {};
    std::vector<Start> starts;
    SubjectKeys keys;
    for_each_text(candidates, &MessageRecord::subject, [&](std::uint32_t m, std::string_view text) {
      const StrippedSubject subject = strip_prefixes(text);
      if (subject.outermost == PrefixKind::none) return;
      bool empty = true;
      for_each_normalized<false>(subject.rest, [&](char) { empty = false; });
      if (!empty) starts.push_back({rank_[m], m, keys.intern(subject.rest)});
    });
    candidates = {};
    if (starts.empty()) return;
    std::sort(starts.begin(), starts.end(),
              [](const Start& a, const Start& b) { return a.rank < b.rank; });

    // An earlier message can only be joined through an external address it shares with a start
    // at most a window later, so only such messages have their subject looked at: per address,
    // the dates of the starts it takes part in.
    struct Presence {
      Atom address;
      UnixSeconds date;
    };
    std::vector<Presence> presence;
    for (const Start& start : starts) {
      const UnixSeconds date = record(start.message).date;
      for_each_address(start.message, [&](Atom a) {
        if (is_external(a)) presence.push_back({a, date});
      });
    }
    std::sort(presence.begin(), presence.end(), [](const Presence& a, const Presence& b) {
      return std::pair(a.address, a.date) < std::pair(b.address, b.date);
    });
    std::vector<std::uint32_t> range_begin;  // per address ordinal, into presence; one extra
    AtomTable ordinal_of(presence.size());
    std::vector<std::uint64_t> present;  // bit per address atom
    for (std::uint32_t i = 0; i < presence.size(); ++i) {
      if (i > 0 && presence[i].address == presence[i - 1].address) continue;
      const Atom a = presence[i].address;
      ordinal_of.at(a, static_cast<std::uint32_t>(range_begin.size()));
      range_begin.push_back(i);
      if (a / 64 >= present.size()) present.resize(a / 64 + 1, 0);
      present[a / 64] |= std::uint64_t{1} << (a % 64);
    }
    range_begin.push_back(static_cast<std::uint32_t>(presence.size()));
    const auto shortly_before_a_start = [&](Atom a, UnixSeconds date) {
      if (a / 64 >= present.size() || ((present[a / 64] >> (a % 64)) & 1u) == 0) return false;
      const std::uint32_t* ordinal = ordinal_of.find(a);
      if (ordinal == nullptr) return false;
      const auto first = presence.begin() + range_begin[*ordinal];
      const auto last = presence.begin() + range_begin[*ordinal + 1];
      const auto it = std::lower_bound(first, last, date,
                                       [](const Presence& p, UnixSeconds d) { return p.date < d; });
      return it != last && it->date - date <= options_.subject_window_seconds;
    };

    // One event per earlier message with a start's base subject and per external address it
    // shares with a start, so that a start finds its candidates by (subject, address) directly.
    struct Event {
      std::uint32_t key;
      Atom address;
      std::uint32_t rank;
      std::uint32_t message;
      auto order() const { return std::tuple(key, address, rank); }
    };
    std::vector<std::uint32_t> relevant;
    for (std::uint32_t m = 0; m < n_; ++m) {
      const UnixSeconds date = record(m).date;
      bool near = false;
      for_each_address(m, [&](Atom a) { near = near || shortly_before_a_start(a, date); });
      if (near) relevant.push_back(m);
    }
    std::vector<Event> events;
    for_each_text(relevant, &MessageRecord::subject, [&](std::uint32_t m, std::string_view text) {
      const std::uint32_t key = keys.find(folded_hash(strip_prefixes(text).rest));
      if (key == none) return;
      const UnixSeconds date = record(m).date;
      for_each_address(m, [&](Atom a) {
        if (shortly_before_a_start(a, date)) events.push_back({key, a, rank_[m], m});
      });
    });
    relevant = {};
    presence = {};
    std::sort(events.begin(), events.end(),
              [](const Event& a, const Event& b) { return a.order() < b.order(); });

    std::vector<Atom> participants;
    for (const Start& start : starts) {
      participants.clear();
      add_external_participants(start.message, participants);
      sort_unique(participants);
      const UnixSeconds start_date = record(start.message).date;
      const std::uint32_t start_root = uf_.find(start.message);
      const Event* best = nullptr;
      for (const Atom address : participants) {
        const auto bound = std::tuple(start.key, address, start.rank);
        auto it = std::lower_bound(events.begin(), events.end(), bound,
                                   [](const Event& e, const auto& b) { return e.order() < b; });
        while (it != events.begin()) {
          const Event& e = *--it;
          if (e.key != start.key || e.address != address) break;
          if (start_date - record(e.message).date > options_.subject_window_seconds) break;
          if (uf_.find(e.message) == start_root) continue;
          if (!keys.matches(start.key,
                            strip_prefixes(corpus_.text(record(e.message).subject)).rest))
            continue;  // a hash collision
          if (best == nullptr || e.rank > best->rank) best = &e;
          break;
        }
      }
      if (best != nullptr && uf_.unite(start.message, best->message)) ++stats_.subject_merges;
    }
  }

  std::size_t uf_size() const { return tree_parent_.size(); }

  // ---- output

  Threads collect() {
    rank_ = {};
    external_ = {};
    Threads out;
    out.stats = stats_;
    out.thread_of.resize(n_);
    {
      std::vector<std::uint32_t> thread_of_root(uf_size(), none);
      for (const std::uint32_t m : order_) {
        std::uint32_t& id = thread_of_root[uf_.find(m)];
        if (id == none) {
          id = static_cast<std::uint32_t>(out.threads.size());
          out.threads.emplace_back();
        }
        out.thread_of[m] = id;
        ++out.threads[id].members_count;
      }
    }
    uf_ = UnionFind();
    std::uint32_t begin = 0;
    for (Thread& t : out.threads) {
      t.members_begin = begin;
      begin += std::exchange(t.members_count, 0);
    }
    out.members.resize(n_);
    for (const std::uint32_t m : order_) {
      Thread& t = out.threads[out.thread_of[m]];
      out.members[t.members_begin + t.members_count++] = m;
    }
    for (std::size_t t = 0; t < out.threads.size(); ++t) {
      for (const MessageIndex m : out.messages(static_cast<ThreadId>(t))) {
        const Atom root = root_id(m);
        if (root != empty_atom) {
          out.threads[t].root_message_id = root;
          break;
        }
      }
    }
    return out;
  }

  Atom root_id(std::uint32_t m) const {
    std::uint32_t x = m;
    while (tree_parent_[x] != none) x = tree_parent_[x];
    return x < n_ ? record(x).message_id : ghost_id_[x - n_];
  }

  const Corpus& corpus_;
  const Identities& identities_;
  const ThreadingOptions& options_;
  const std::uint32_t n_;

  std::vector<std::uint32_t> order_;         // message indexes by (date, index)
  std::vector<std::uint32_t> rank_;          // position of each message in order_
  Atom id_limit_ = empty_atom;               // the largest Message-ID atom any message names
  std::vector<std::uint32_t> indexed_;       // messages with a Thread-Index
  std::vector<std::uint32_t> unreferenced_;  // messages with a subject and no parent header
  std::vector<std::uint32_t> node_of_;       // Message-ID atom -> container
  std::vector<std::uint32_t> tree_parent_;   // container -> JWZ parent container
  std::vector<Atom> ghost_id_;               // container - n -> its Message-ID
  std::vector<std::uint32_t> ghost_writer_;  // container - n -> rank of who set its parent
  UnionFind uf_;                             // containers -> conversation, earliest rank
  std::vector<std::uint8_t> external_;       // address atom -> 0 unknown, 1 own, 2 external
  std::string scratch_;
  ThreadingStats stats_;
};

}  // namespace

Threads thread_messages(const Corpus& corpus, const Identities& identities,
                        const ThreadingOptions& options) {
  return Threader(corpus, identities, options).run();
}

std::string base_subject(std::string_view subject) {
  std::string out;
  for_each_normalized<false>(strip_prefixes(subject).rest, [&](char c) { out.push_back(c); });
  return out;
}

bool has_reply_prefix(std::string_view subject) {
  return strip_prefixes(subject).outermost != PrefixKind::none;
}

}  // namespace nachfass
