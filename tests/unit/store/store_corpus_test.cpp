// Loading the stored messages into a Corpus (a separate executable: it needs the corpus
// implementation at link time, the other store tests do not).
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "core/corpus.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nachfass {
namespace {

using store_test::expect_same_message;
using store_test::hostile_message;
using store_test::ok;
using store_test::TempDir;

TEST(StoreCorpus, LoadsEveryMessageByDateThenSourceId) {
  TempDir dir;
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(ok(store));
  const std::vector<Message> messages{hostile_message("INBOX/b", 200),
                                      hostile_message("INBOX/a", 200),
                                      hostile_message("Sent/z", 100)};
  ASSERT_TRUE(ok(store->upsert_messages(messages)));

  Corpus corpus;
  auto loaded = store->load_messages(corpus);
  ASSERT_TRUE(ok(loaded));
  EXPECT_EQ(*loaded, 3u);
  ASSERT_EQ(corpus.size(), 3u);
  expect_same_message(messages[2], corpus.message(0));
  expect_same_message(messages[1], corpus.message(1));
  expect_same_message(messages[0], corpus.message(2));
}

TEST(StoreCorpus, LoadingAppendsToWhatTheCorpusHolds) {
  auto store = Store::open_memory();
  ASSERT_TRUE(ok(store));
  ASSERT_TRUE(ok(store->upsert_messages(std::vector<Message>{hostile_message("a", 1)})));
  Corpus corpus;
  corpus.add(hostile_message("already-there", 5));
  auto loaded = store->load_messages(corpus);
  ASSERT_TRUE(ok(loaded));
  EXPECT_EQ(*loaded, 1u);
  ASSERT_EQ(corpus.size(), 2u);
  EXPECT_EQ(corpus.message(1).source_id, "a");
}

TEST(StoreCorpus, HundredThousandMessagesLoadInOrder) {
  TempDir dir;
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(ok(store));
  constexpr int count = 100'000;
  std::vector<Message> messages;
  messages.reserve(count);
  for (int i = 0; i < count; ++i) {
    Message message;
    message.source_id = "INBOX/" + std::to_string(i);
    message.folder = i % 3 == 0 ? "Sent" : "INBOX";
    message.message_id = "m" + std::to_string(i) + "@example.com";
    message.in_reply_to = "m" + std::to_string(i / 2) + "@example.com";
    message.references = {"root" + std::to_string(i % 1000) + "@example.com", message.in_reply_to};
    message.subject = "Angebot Nr. " + std::to_string(i % 5000);
    message.from = {"kunde" + std::to_string(i % 700) + "@example.de", "Kunde"};
    message.to = {{"me@example.com", "Ich"}, {"chef@example.com", "Chefin"}};
    message.date = 1'700'000'000 + (count - i) * 37 % 100'000;
    messages.push_back(std::move(message));
  }
  ASSERT_TRUE(ok(store->upsert_messages(messages)));

  Corpus corpus;
  auto loaded = store->load_messages(corpus);
  ASSERT_TRUE(ok(loaded));
  EXPECT_EQ(*loaded, static_cast<std::size_t>(count));
  ASSERT_EQ(corpus.size(), static_cast<std::size_t>(count));
  for (std::size_t i = 1; i < corpus.size(); ++i) {
    ASSERT_LE(corpus[static_cast<MessageIndex>(i - 1)].date,
              corpus[static_cast<MessageIndex>(i)].date);
  }
}

}  // namespace
}  // namespace nachfass
