#include "core/threading.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <utility>

namespace nachfass {

namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
// Parent walks longer than this count as loops; only adversarial References get there.
constexpr std::uint32_t max_walk = 1u << 14;
// Step 3 looks at this many candidate threads per apparent start at most.
constexpr std::uint32_t max_subject_candidates = 64;

// ---------------------------------------------------------------------------------------------
// Subjects

enum class PrefixKind : std::uint8_t { none, reply, forward };

struct PrefixWord {
  std::string_view word;  // folded: ASCII lower case, Latin-1 lower case
  PrefixKind kind;
};

constexpr PrefixWord prefix_words[] = {
    {"re", PrefixKind::reply},         {"aw", PrefixKind::reply},
    {"antw", PrefixKind::reply},       {"antwort", PrefixKind::reply},
    {"sv", PrefixKind::reply},         {"odp", PrefixKind::reply},
    {"rif", PrefixKind::reply},        {"r", PrefixKind::reply},
    {"res", PrefixKind::reply},        {"ref", PrefixKind::reply},
    {"r\xc3\xa9" "f", PrefixKind::reply}, {"ynt", PrefixKind::reply},
    {"\xe5\x9b\x9e\xe5\xa4\x8d", PrefixKind::reply},    // 回复
    {"\xe7\xad\x94\xe5\xa4\x8d", PrefixKind::reply},    // 答复
    {"\xe5\x9b\x9e\xe8\xa6\x86", PrefixKind::reply},    // 回覆
    {"fwd", PrefixKind::forward},      {"fw", PrefixKind::forward},
    {"wg", PrefixKind::forward},       {"tr", PrefixKind::forward},
    {"enc", PrefixKind::forward},      {"rv", PrefixKind::forward},
    {"vs", PrefixKind::forward},       {"vb", PrefixKind::forward},
    {"vl", PrefixKind::forward},       {"doorst", PrefixKind::forward},
    {"pd", PrefixKind::forward},
    {"\xe8\xbd\xac\xe5\x8f\x91", PrefixKind::forward},  // 转发
    {"\xe8\xbd\x89\xe5\xaf\x84", PrefixKind::forward},  // 轉寄
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
  for (const PrefixWord& p : prefix_words)
    if (p.word == key) return p.kind;
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
    const std::size_t blank = space_at(text, i);
    if (blank != 0) {
      pending_space = started;
      i += blank - 1;
      continue;
    }
    if (pending_space) sink(' ');
    pending_space = false;
    started = true;
    auto c = static_cast<unsigned char>(text[i]);
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

std::uint64_t fnv1a_step(std::uint64_t hash, unsigned char byte) {
  return (hash ^ byte) * 0x100000001b3ull;
}
constexpr std::uint64_t fnv1a_basis = 0xcbf29ce484222325ull;

std::uint64_t folded_hash(std::string_view text) {
  std::uint64_t hash = fnv1a_basis;
  for_each_normalized<true>(text, [&](char c) { hash = fnv1a_step(hash, static_cast<unsigned char>(c)); });
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

bool folded_equals_raw(std::string_view a, std::string_view b) {
  std::string folded;
  for_each_normalized<true>(b, [&](char c) { folded.push_back(c); });
  return folded_equals(a, folded);
}

// ---------------------------------------------------------------------------------------------
// Thread-Index

using ConversationHeader = std::array<unsigned char, 22>;

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The 22-byte header block of a base64 Thread-Index whose decoded length is 22 + 5n.
bool decode_conversation_header(std::string_view base64, ConversationHeader& header) {
  std::uint32_t bits = 0;
  int bit_count = 0;
  std::size_t bytes = 0;
  std::size_t sextets = 0;
  bool padding = false;
  for (const char ch : base64) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int value = base64_value(c);
    if (value < 0 || padding) return false;
    ++sextets;
    bits = ((bits << 6) | static_cast<std::uint32_t>(value)) & 0xffffu;
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      if (bytes < header.size()) header[bytes] = static_cast<unsigned char>(bits >> bit_count);
      ++bytes;
    }
  }
  return sextets % 4 != 1 && bytes >= header.size() && (bytes - header.size()) % 5 == 0;
}

std::uint64_t hash_bytes(const ConversationHeader& header) {
  std::uint64_t hash = fnv1a_basis;
  for (const unsigned char b : header) hash = fnv1a_step(hash, b);
  return hash;
}

// Open addressing: header -> dense conversation number.
class ConversationTable {
 public:
  std::uint32_t intern(const ConversationHeader& header) {
    if ((headers_.size() + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash_bytes(header) & mask;
    while (slots_[i] != none) {
      if (headers_[slots_[i]] == header) return slots_[i];
      i = (i + 1) & mask;
    }
    slots_[i] = static_cast<std::uint32_t>(headers_.size());
    headers_.push_back(header);
    return slots_[i];
  }
  std::size_t size() const { return headers_.size(); }

 private:
  void grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, none);
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t id = 0; id < headers_.size(); ++id) {
      std::size_t i = hash_bytes(headers_[id]) & mask;
      while (slots_[i] != none) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }

  std::vector<ConversationHeader> headers_;
  std::vector<std::uint32_t> slots_;
};

// Open addressing: folded base subject -> dense key.
class SubjectKeys {
 public:
  std::uint32_t intern(std::string_view rest) {
    const std::uint64_t hash = folded_hash(rest);
    if (const std::uint32_t found = find(rest, hash); found != none) return found;
    if ((keys_.size() + 1) * 2 > slots_.size()) grow();
    std::string folded;
    for_each_normalized<true>(rest, [&](char c) { folded.push_back(c); });
    const auto id = static_cast<std::uint32_t>(keys_.size());
    keys_.push_back(std::move(folded));
    hashes_.push_back(hash);
    place(id);
    return id;
  }
  std::uint32_t find(std::string_view rest) const {
    return keys_.empty() ? none : find(rest, folded_hash(rest));
  }
  std::size_t size() const { return keys_.size(); }

 private:
  std::uint32_t find(std::string_view rest, std::uint64_t hash) const {
    if (slots_.empty()) return none;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask; slots_[i] != none; i = (i + 1) & mask) {
      const std::uint32_t id = slots_[i];
      if (hashes_[id] == hash && folded_equals(rest, keys_[id])) return id;
    }
    return none;
  }
  void place(std::uint32_t id) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hashes_[id] & mask;
    while (slots_[i] != none) i = (i + 1) & mask;
    slots_[i] = id;
  }
  void grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, none);
    for (std::uint32_t id = 0; id < keys_.size(); ++id) place(id);
  }

  std::vector<std::string> keys_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> slots_;
};

// ---------------------------------------------------------------------------------------------

class UnionFind {
 public:
  explicit UnionFind(std::size_t size) : up_(size) {
    std::iota(up_.begin(), up_.end(), std::uint32_t{0});
  }
  std::uint32_t add() {
    const auto id = static_cast<std::uint32_t>(up_.size());
    up_.push_back(id);
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
    return true;
  }

 private:
  std::vector<std::uint32_t> up_;
};

// Containers 0..n-1 are the messages; ghosts (ids only referenced) follow.
class Threader {
 public:
  Threader(const Corpus& corpus, const Identities& identities, const ThreadingOptions& options)
      : corpus_(corpus),
        identities_(identities),
        options_(options),
        n_(static_cast<std::uint32_t>(corpus.size())),
        uf_(corpus.size()) {}

  Threads run() {
    sort_by_date();
    link_references();
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
    UnixSeconds lo = record(0).date;
    UnixSeconds hi = lo;
    for (const MessageRecord& r : corpus_.records()) {
      lo = std::min(lo, r.date);
      hi = std::max(hi, r.date);
    }
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span <= std::numeric_limits<std::uint32_t>::max()) {
      std::vector<std::uint64_t> keys(n_);
      for (std::uint32_t m = 0; m < n_; ++m)
        keys[m] = ((static_cast<std::uint64_t>(record(m).date) - static_cast<std::uint64_t>(lo))
                   << 32) |
                  m;
      std::sort(keys.begin(), keys.end());
      for (std::uint32_t r = 0; r < n_; ++r) order_[r] = static_cast<std::uint32_t>(keys[r]);
    } else {
      std::iota(order_.begin(), order_.end(), std::uint32_t{0});
      std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::pair(record(a).date, a) < std::pair(record(b).date, b);
      });
    }
    for (std::uint32_t r = 0; r < n_; ++r) rank_[order_[r]] = r;
  }

  // ---- step 1

  void link_references() {
    Atom id_limit = 0;
    for (std::uint32_t m = 0; m < n_; ++m) {
      const MessageRecord& r = record(m);
      id_limit = std::max({id_limit, r.message_id, r.in_reply_to});
      for (const Atom ref : corpus_.references(m)) id_limit = std::max(id_limit, ref);
    }
    node_of_.assign(static_cast<std::size_t>(id_limit) + 1, none);
    tree_parent_.assign(n_, none);

    // The earliest message holding a Message-ID is its container; later duplicates join it.
    for (const std::uint32_t m : order_) {
      const Atom id = record(m).message_id;
      if (id == empty_atom) continue;
      std::uint32_t& slot = node_of_[id];
      if (slot == none) {
        slot = m;
      } else {
        ++stats_.duplicate_message_ids;
        uf_.unite(slot, m);
      }
    }
    for (const std::uint32_t m : order_) link_message(m);
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
      if (parent != none) presume_parent(parent, c);
      parent = c;
      parent_id = ref;
    }
    const Atom irt = r.in_reply_to;
    if (irt != empty_atom && irt != own && irt != parent_id &&
        (parent == none || std::find(refs.begin(), refs.end(), irt) == refs.end())) {
      const std::uint32_t c = container(irt);
      if (parent != none) presume_parent(parent, c);
      parent = c;
    }
    if (parent == none) return;
    if (would_loop(parent, m))
      ++stats_.refused_links;
    else
      tree_parent_[m] = parent;
    uf_.unite(parent, m);
  }

  std::uint32_t container(Atom id) {
    std::uint32_t& slot = node_of_[id];
    if (slot == none) {
      slot = uf_.add();
      tree_parent_.push_back(none);
      ghost_id_.push_back(id);
      ++stats_.ghosts;
    }
    return slot;
  }

  // A message's parent comes from its own headers only; a ghost takes the parent that the
  // References of the first message naming it presume (JWZ), unless that would close a loop.
  // The two stay in one conversation either way.
  void presume_parent(std::uint32_t parent, std::uint32_t child) {
    if (parent == child) return;
    if (child >= n_ && tree_parent_[child] == none) {
      if (would_loop(parent, child))
        ++stats_.refused_links;
      else
        tree_parent_[child] = parent;
    }
    uf_.unite(parent, child);
  }

  // Would `child` become its own ancestor under `parent`? Tree links only exist inside a
  // union-find set, so different sets answer without a walk.
  bool would_loop(std::uint32_t parent, std::uint32_t child) {
    if (parent == child) return true;
    if (uf_.find(parent) != uf_.find(child)) return false;
    std::uint32_t steps = 0;
    for (std::uint32_t x = parent; x != none; x = tree_parent_[x]) {
      if (x == child || ++steps > max_walk) return true;
    }
    return false;
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
      shared = shared || (is_external(a) && std::binary_search(sorted_participants.begin(),
                                                               sorted_participants.end(), a));
    });
    return shared;
  }

  // ---- step 2

  bool same_topic(Atom a, Atom b) const {
    return a == empty_atom || b == empty_atom || a == b ||
           folded_equals_raw(corpus_.text(a), corpus_.text(b));
  }

  void merge_by_thread_index() {
    std::vector<std::uint32_t> conversation_of(n_, none);
    ConversationTable table;
    ConversationHeader header{};
    for (const std::uint32_t m : order_) {
      const Atom index = record(m).thread_index;
      if (index == empty_atom) continue;
      if (!decode_conversation_header(corpus_.text(index), header)) {
        ++stats_.bad_thread_index;
        continue;
      }
      conversation_of[m] = table.intern(header);
    }
    if (table.size() == 0) return;

    // Members per conversation, in (date, index) order.
    std::vector<std::uint32_t> begin(table.size() + 1, 0);
    for (std::uint32_t m = 0; m < n_; ++m)
      if (conversation_of[m] != none) ++begin[conversation_of[m] + 1];
    std::partial_sum(begin.begin(), begin.end(), begin.begin());
    std::vector<std::uint32_t> members(begin.back());
    {
      std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
      for (const std::uint32_t m : order_)
        if (conversation_of[m] != none) members[fill[conversation_of[m]]++] = m;
    }
    conversation_of = {};

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
      std::uint32_t anchor = none;
      forwards.clear();
      participants.clear();
      for (const std::uint32_t m : group) {
        if (!same_topic(record(m).thread_topic, topic)) continue;
        if (strip_prefixes(corpus_.text(record(m).subject)).outermost == PrefixKind::forward) {
          forwards.push_back(m);
          continue;
        }
        add_external_participants(m, participants);
        if (anchor == none)
          anchor = m;
        else
          join_by_thread_index(anchor, m);
      }
      if (anchor == none || forwards.empty()) continue;
      sort_unique(participants);
      for (const std::uint32_t m : forwards)
        if (shares_external(m, participants)) join_by_thread_index(anchor, m);
    }
  }

  void join_by_thread_index(std::uint32_t a, std::uint32_t b) {
    if (uf_.unite(a, b)) ++stats_.thread_index_merges;
  }

  // ---- step 3

  void merge_by_subject() {
    // Threads as they stand after steps 1 and 2, numbered by their earliest message.
    std::vector<std::uint32_t> set_of_root(uf_size(), none);
    std::vector<std::uint32_t> set_of(n_);
    std::vector<std::uint32_t> first_of_set;
    for (const std::uint32_t m : order_) {
      std::uint32_t& set = set_of_root[uf_.find(m)];
      if (set == none) {
        set = static_cast<std::uint32_t>(first_of_set.size());
        first_of_set.push_back(m);
      }
      set_of[m] = set;
    }
    set_of_root = {};
    const auto set_count = static_cast<std::uint32_t>(first_of_set.size());

    // Apparent starts with a reply prefix, in the order of their first message.
    struct Start {
      std::uint32_t set;
      std::uint32_t key;
    };
    std::vector<Start> starts;
    SubjectKeys keys;
    for (std::uint32_t set = 0; set < set_count; ++set) {
      const MessageRecord& first = record(first_of_set[set]);
      if (first.refs_count != 0 || first.in_reply_to != empty_atom) continue;
      const StrippedSubject subject = strip_prefixes(corpus_.text(first.subject));
      if (subject.outermost == PrefixKind::none) continue;
      bool empty = true;
      for_each_normalized<false>(subject.rest, [&](char) { empty = false; });
      if (empty) continue;
      starts.push_back({set, keys.intern(subject.rest)});
    }
    if (starts.empty()) return;

    // Members per set.
    std::vector<std::uint32_t> set_begin(set_count + 1, 0);
    for (std::uint32_t m = 0; m < n_; ++m) ++set_begin[set_of[m] + 1];
    std::partial_sum(set_begin.begin(), set_begin.end(), set_begin.begin());
    std::vector<std::uint32_t> set_members(n_);
    {
      std::vector<std::uint32_t> fill(set_begin.begin(), set_begin.end() - 1);
      for (const std::uint32_t m : order_) set_members[fill[set_of[m]]++] = m;
    }
    const auto members_of = [&](std::uint32_t set) {
      return std::span<const std::uint32_t>{set_members.data() + set_begin[set],
                                            set_begin[set + 1] - set_begin[set]};
    };

    // Only sets that share an external address with some start can be joined; only their
    // subjects are looked at.
    std::vector<std::uint64_t> wanted_address;
    const auto mark = [&](Atom a) {
      if (a / 64 >= wanted_address.size()) wanted_address.resize(a / 64 + 1, 0);
      wanted_address[a / 64] |= std::uint64_t{1} << (a % 64);
    };
    const auto wanted = [&](Atom a) {
      return a / 64 < wanted_address.size() && ((wanted_address[a / 64] >> (a % 64)) & 1u);
    };
    for (const Start& start : starts)
      for (const std::uint32_t m : members_of(start.set))
        for_each_address(m, [&](Atom a) {
          if (is_external(a)) mark(a);
        });

    // Messages with a wanted subject in a wanted set, per subject key in (date, index) order.
    std::vector<std::uint32_t> event_key(n_, none);
    std::vector<std::uint32_t> key_begin(keys.size() + 1, 0);
    for (std::uint32_t set = 0; set < set_count; ++set) {
      bool touches = false;
      for (const std::uint32_t m : members_of(set))
        for_each_address(m, [&](Atom a) { touches = touches || wanted(a); });
      if (!touches) continue;
      Atom last_subject = empty_atom;
      std::uint32_t last_key = none;
      for (const std::uint32_t m : members_of(set)) {
        const Atom subject = record(m).subject;
        if (subject != last_subject) {
          last_subject = subject;
          last_key = keys.find(strip_prefixes(corpus_.text(subject)).rest);
        }
        event_key[m] = last_key;
        if (last_key != none) ++key_begin[last_key + 1];
      }
    }
    std::partial_sum(key_begin.begin(), key_begin.end(), key_begin.begin());
    std::vector<std::uint32_t> events(key_begin.back());
    {
      std::vector<std::uint32_t> fill(key_begin.begin(), key_begin.end() - 1);
      for (const std::uint32_t m : order_)
        if (event_key[m] != none) events[fill[event_key[m]]++] = m;
    }
    event_key = {};

    std::vector<Atom> participants;
    for (const Start& start : starts) {
      const std::uint32_t first = first_of_set[start.set];
      participants.clear();
      for (const std::uint32_t m : members_of(start.set)) add_external_participants(m, participants);
      if (participants.empty()) continue;
      sort_unique(participants);

      const auto* key_first = events.data() + key_begin[start.key];
      const auto* key_last = events.data() + key_begin[start.key + 1];
      const auto* it = std::partition_point(
          key_first, key_last, [&](std::uint32_t m) { return rank_[m] < rank_[first]; });
      std::uint32_t candidates = 0;
      std::uint32_t last_set = none;
      while (it != key_first) {
        const std::uint32_t m = *--it;
        if (record(first).date - record(m).date > options_.subject_window_seconds) break;
        const std::uint32_t set = set_of[m];
        if (set == start.set || set == last_set) continue;
        last_set = set;
        if (++candidates > max_subject_candidates) break;
        bool shared = false;
        for (const std::uint32_t other : members_of(set))
          shared = shared || shares_external(other, participants);
        if (!shared) continue;
        if (uf_.unite(first, m)) ++stats_.subject_merges;
        break;
      }
    }
  }

  std::size_t uf_size() const { return tree_parent_.size(); }

  // ---- output

  Threads collect() {
    Threads out;
    out.stats = stats_;
    out.thread_of.resize(n_);
    std::vector<std::uint32_t> thread_of_root(uf_size(), none);
    std::vector<std::uint32_t> sizes;
    for (const std::uint32_t m : order_) {
      std::uint32_t& id = thread_of_root[uf_.find(m)];
      if (id == none) {
        id = static_cast<std::uint32_t>(sizes.size());
        sizes.push_back(0);
      }
      out.thread_of[m] = id;
      ++sizes[id];
    }
    thread_of_root = {};

    out.threads.resize(sizes.size());
    std::uint32_t begin = 0;
    for (std::size_t t = 0; t < sizes.size(); ++t) {
      out.threads[t].members_begin = begin;
      begin += sizes[t];
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
    for (std::uint32_t steps = 0; tree_parent_[x] != none && steps < max_walk; ++steps)
      x = tree_parent_[x];
    return x < n_ ? record(x).message_id : ghost_id_[x - n_];
  }

  const Corpus& corpus_;
  const Identities& identities_;
  const ThreadingOptions& options_;
  const std::uint32_t n_;

  std::vector<std::uint32_t> order_;  // message indexes by (date, index)
  std::vector<std::uint32_t> rank_;   // position of each message in order_
  std::vector<std::uint32_t> node_of_;      // Message-ID atom -> container
  std::vector<std::uint32_t> tree_parent_;  // container -> JWZ parent container
  std::vector<Atom> ghost_id_;              // container - n -> its Message-ID
  UnionFind uf_;                            // containers -> conversation
  std::vector<std::uint8_t> external_;             // address atom -> 0 unknown, 1 own, 2 external
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
