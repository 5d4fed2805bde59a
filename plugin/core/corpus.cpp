#include "core/corpus.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

namespace nachfass {

namespace {
constexpr std::size_t chunk_size = 1 << 20;
}  // namespace

struct StringPool::Impl {
  std::vector<std::unique_ptr<char[]>> chunks;
  std::size_t chunk_used = chunk_size;  // forces a chunk on first use
  std::size_t bytes = 0;
  std::vector<std::string_view> views;
  // Open addressing over atoms; slot value 0 means empty (atom 0, "", is never hashed).
  std::vector<Atom> slots;
  std::size_t interned = 0;

  std::string_view copy(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > chunk_size / 4) {  // large strings get a chunk of their own
      auto block = std::make_unique<char[]>(text.size());
      std::memcpy(block.get(), text.data(), text.size());
      std::string_view view{block.get(), text.size()};
      chunks.insert(chunks.end() - (chunks.empty() ? 0 : 1), std::move(block));
      bytes += text.size();
      return view;
    }
    if (chunk_used + text.size() > chunk_size) {
      chunks.push_back(std::make_unique<char[]>(chunk_size));
      chunk_used = 0;
      bytes += chunk_size;
    }
    char* dest = chunks.back().get() + chunk_used;
    std::memcpy(dest, text.data(), text.size());
    chunk_used += text.size();
    return {dest, text.size()};
  }

  Atom append(std::string_view text) {
    if (views.size() >= std::numeric_limits<Atom>::max())
      throw std::length_error("StringPool full");
    views.push_back(copy(text));
    return static_cast<Atom>(views.size() - 1);
  }

  static std::size_t hash(std::string_view text) { return std::hash<std::string_view>{}(text); }

  void grow() {
    std::vector<Atom> old = std::move(slots);
    slots.assign(old.empty() ? 1024 : old.size() * 2, empty_atom);
    const std::size_t mask = slots.size() - 1;
    for (Atom atom : old) {
      if (atom == empty_atom) continue;
      std::size_t i = hash(views[atom]) & mask;
      while (slots[i] != empty_atom) i = (i + 1) & mask;
      slots[i] = atom;
    }
  }

  // Returns the slot where `text` is or would go.
  std::size_t probe(std::string_view text) const {
    const std::size_t mask = slots.size() - 1;
    std::size_t i = hash(text) & mask;
    while (slots[i] != empty_atom && views[slots[i]] != text) i = (i + 1) & mask;
    return i;
  }
};

StringPool::StringPool() : impl_(std::make_unique<Impl>()) {
  impl_->views.emplace_back();
}
StringPool::StringPool(StringPool&&) noexcept = default;
StringPool& StringPool::operator=(StringPool&&) noexcept = default;
StringPool::~StringPool() = default;

Atom StringPool::intern(std::string_view text) {
  if (text.empty()) return empty_atom;
  Impl& p = *impl_;
  if ((p.interned + 1) * 2 > p.slots.size()) p.grow();
  const std::size_t slot = p.probe(text);
  if (p.slots[slot] != empty_atom) return p.slots[slot];
  const Atom atom = p.append(text);
  p.slots[slot] = atom;
  ++p.interned;
  return atom;
}

Atom StringPool::store(std::string_view text) {
  if (text.empty()) return empty_atom;
  return impl_->append(text);
}

Atom StringPool::find(std::string_view text) const {
  if (text.empty() || impl_->slots.empty()) return empty_atom;
  return impl_->slots[impl_->probe(text)];
}

std::string_view StringPool::view(Atom atom) const {
  return impl_->views[atom];
}
std::size_t StringPool::size() const {
  return impl_->views.size();
}

std::size_t StringPool::memory_bytes() const {
  return impl_->bytes + impl_->views.capacity() * sizeof(std::string_view) +
         impl_->slots.capacity() * sizeof(Atom);
}

namespace {
std::uint16_t clamp_count(std::size_t n) {
  return static_cast<std::uint16_t>(
      std::min<std::size_t>(n, std::numeric_limits<std::uint16_t>::max()));
}
}  // namespace

MessageIndex Corpus::add(const Message& m) {
  if (records_.size() >= std::numeric_limits<MessageIndex>::max())
    throw std::length_error("Corpus full");
  MessageRecord r;
  r.date = m.date;
  r.source_id = strings_.store(m.source_id);
  r.folder = strings_.intern(m.folder);
  r.message_id = strings_.intern(m.message_id);
  r.in_reply_to = strings_.intern(m.in_reply_to);
  r.subject = strings_.intern(m.subject);
  r.from = strings_.intern(m.from.email);
  r.from_name = strings_.intern(m.from.name);
  r.thread_index = strings_.intern(m.thread_index);
  r.thread_topic = strings_.intern(m.thread_topic);
  r.utc_offset_minutes = m.utc_offset_minutes;
  r.folder_role = m.folder_role;
  r.automation = m.automation;
  r.date_from_header = m.date_from_header;

  // A pathological References header may name thousands of ids; the last ones (nearest
  // ancestors) matter most to threading, so keep the first (the root) and the newest.
  constexpr std::size_t max_refs = 256;
  r.refs_begin = static_cast<std::uint32_t>(references_.size());
  const auto& refs = m.references;
  if (refs.size() <= max_refs) {
    for (const auto& ref : refs) references_.push_back(strings_.intern(ref));
  } else {
    references_.push_back(strings_.intern(refs.front()));
    for (std::size_t i = refs.size() - (max_refs - 1); i < refs.size(); ++i)
      references_.push_back(strings_.intern(refs[i]));
  }
  r.refs_count = clamp_count(references_.size() - r.refs_begin);

  r.recipients_begin = static_cast<std::uint32_t>(recipients_.size());
  const std::size_t to_count = std::min<std::size_t>(m.to.size(), 1000);
  const std::size_t cc_count = std::min<std::size_t>(m.cc.size(), 1000);
  for (std::size_t i = 0; i < to_count; ++i) {
    recipients_.push_back(strings_.intern(m.to[i].email));
    recipient_names_.push_back(strings_.intern(m.to[i].name));
  }
  for (std::size_t i = 0; i < cc_count; ++i) {
    recipients_.push_back(strings_.intern(m.cc[i].email));
    recipient_names_.push_back(strings_.intern(m.cc[i].name));
  }
  r.to_count = clamp_count(to_count);
  r.cc_count = clamp_count(cc_count);

  records_.push_back(r);
  return static_cast<MessageIndex>(records_.size() - 1);
}

void Corpus::reserve(std::size_t messages) {
  records_.reserve(messages);
  references_.reserve(messages * 3);
  recipients_.reserve(messages * 2);
  recipient_names_.reserve(messages * 2);
}

std::span<const Atom> Corpus::references(MessageIndex index) const {
  const auto& r = records_[index];
  return {references_.data() + r.refs_begin, r.refs_count};
}

std::span<const Atom> Corpus::to(MessageIndex index) const {
  const auto& r = records_[index];
  return {recipients_.data() + r.recipients_begin, r.to_count};
}

std::span<const Atom> Corpus::cc(MessageIndex index) const {
  const auto& r = records_[index];
  return {recipients_.data() + r.recipients_begin + r.to_count, r.cc_count};
}

Atom Corpus::recipient_name(MessageIndex index, std::size_t position) const {
  const auto& r = records_[index];
  if (position >= static_cast<std::size_t>(r.to_count) + r.cc_count) return empty_atom;
  return recipient_names_[r.recipients_begin + position];
}

Message Corpus::message(MessageIndex index) const {
  const auto& r = records_[index];
  Message m;
  m.source_id = std::string(text(r.source_id));
  m.folder = std::string(text(r.folder));
  m.folder_role = r.folder_role;
  m.message_id = std::string(text(r.message_id));
  m.in_reply_to = std::string(text(r.in_reply_to));
  for (Atom a : references(index)) m.references.emplace_back(text(a));
  m.subject = std::string(text(r.subject));
  m.from = {std::string(text(r.from)), std::string(text(r.from_name))};
  std::size_t position = 0;
  for (Atom a : to(index))
    m.to.push_back({std::string(text(a)), std::string(text(recipient_name(index, position++)))});
  for (Atom a : cc(index))
    m.cc.push_back({std::string(text(a)), std::string(text(recipient_name(index, position++)))});
  m.date = r.date;
  m.utc_offset_minutes = r.utc_offset_minutes;
  m.date_from_header = r.date_from_header;
  m.thread_index = std::string(text(r.thread_index));
  m.thread_topic = std::string(text(r.thread_topic));
  m.automation = r.automation;
  return m;
}

std::size_t Corpus::memory_bytes() const {
  return strings_.memory_bytes() + records_.capacity() * sizeof(MessageRecord) +
         references_.capacity() * sizeof(Atom) +
         (recipients_.capacity() + recipient_names_.capacity()) * sizeof(Atom);
}

}  // namespace nachfass
