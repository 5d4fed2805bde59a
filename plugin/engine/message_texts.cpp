#include "engine/message_texts.hpp"

namespace nachfass::engine {

std::string_view StoreMessageTexts::body(MessageIndex index) const {
  if (index >= corpus_.size()) return {};
  auto [it, inserted] = cache_.try_emplace(index);
  if (inserted) {
    auto stored = store_.message_body(corpus_.text(corpus_[index].source_id));
    if (stored) it->second = std::move(*stored);
  }
  return it->second;
}

}  // namespace nachfass::engine
