// MessageTexts over the store: the detectors' access to Message::body, which the Corpus does not
// keep (2 KB per message would double its memory). A body is read from the store the first time
// a detector asks for it and kept for the object's lifetime; most messages are never asked for.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "core/corpus.hpp"
#include "core/detect.hpp"
#include "store/store.hpp"

namespace nachfass::engine {

class StoreMessageTexts final : public MessageTexts {
 public:
  // `store` and `corpus` must outlive this object; `corpus` is the one the indices refer to
  // (loaded from `store`). Single-threaded, as the Store.
  StoreMessageTexts(Store& store, const Corpus& corpus) : store_(store), corpus_(corpus) {}

  // The stored body of message `index` (by its source_id); "" for an index outside the corpus,
  // a message without a stored body, and any store error (a detector then sees no text, as for
  // a message without a text part). The view stays valid for the object's lifetime.
  std::string_view body(MessageIndex index) const override;

 private:
  Store& store_;
  const Corpus& corpus_;
  // Node-based: views into the strings stay valid when the map grows.
  mutable std::unordered_map<MessageIndex, std::string> cache_;
};

}  // namespace nachfass::engine
