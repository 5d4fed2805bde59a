// Kept apart from store.cpp so that only users of load_messages() need the corpus at link time.
#include "core/corpus.hpp"
#include "store/store.hpp"

namespace nachfass {

Result<std::size_t> Store::load_messages(Corpus& corpus) {
  auto count = message_count();
  if (!count) return count.error();
  corpus.reserve(corpus.size() + *count);
  return for_each_message([&corpus](const Message& message) { corpus.add(message); });
}

}  // namespace nachfass
