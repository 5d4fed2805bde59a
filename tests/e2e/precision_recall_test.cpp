// Detection quality on generated mailboxes, through the whole offline path: generator -> Maildir
// files -> header parser -> store -> threading -> detection. Scored against the generator's
// ground truth; two seeds, so nothing is tuned to one sample.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "config/config.hpp"
#include "core/corpus.hpp"
#include "core/threading.hpp"
#include "engine/engine.hpp"
#include "gen/generator.hpp"
#include "store/store.hpp"

namespace nachfass {
namespace {

namespace fs = std::filesystem;

struct Generated {
  fs::path dir;
  gen::GroundTruth truth;
};

Generated generate(std::uint64_t seed, std::size_t messages) {
  Generated g;
  g.dir = fs::temp_directory_path() /
          ("nachfass-pr-" + std::to_string(seed) + "-" + std::to_string(::getpid()));
  fs::remove_all(g.dir);
  gen::GeneratorOptions options;
  options.seed = seed;
  options.messages = messages;
  gen::MaildirWriter writer(g.dir / "maildir");
  g.truth = gen::generate(options, writer);
  return g;
}

struct Score {
  double precision = 0, recall = 0;
  std::size_t expected = 0, reported = 0, correct = 0;
};

class PrecisionRecall : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(PrecisionRecall, UnansweredThreadsOnAGeneratedMailbox) {
  const Generated g = generate(GetParam(), 20'000);
  auto config = parse_config(gen::config_toml(), "generated nachfass.toml");
  ASSERT_TRUE(config) << config.error().to_string();
  auto settings = engine::detection_settings(*config);
  ASSERT_TRUE(settings);
  auto store = Store::open_memory();
  ASSERT_TRUE(store);
  std::size_t warnings = 0;
  auto imported =
      engine::import_maildir(g.dir / "maildir", *store, {}, [&](std::string_view) { ++warnings; });
  ASSERT_TRUE(imported) << imported.error().to_string();
  EXPECT_EQ(imported->messages_present, g.truth.counts.messages);
  EXPECT_EQ(imported->failed, 0u);
  auto evaluation = engine::evaluate(*store, *settings, g.truth.options.now, false);
  ASSERT_TRUE(evaluation);

  std::unordered_map<std::string, std::string> expected;  // awaiting -> thread root
  for (const auto& t : g.truth.unanswered) expected[t.awaiting] = t.thread_root;
  Score s;
  s.expected = expected.size();
  // The other detectors' findings are scored by tests/unit/quality.
  for (const Finding& f : evaluation->findings) {
    if (f.kind != FindingKind::unanswered) continue;
    ++s.reported;
    auto it = expected.find(f.awaiting);
    if (it == expected.end()) {
      ADD_FAILURE() << "false positive: " << f.reason << " (awaiting " << f.awaiting << ")";
      continue;
    }
    ++s.correct;
    EXPECT_EQ(f.thread_root, it->second) << f.awaiting;
  }
  s.precision = s.reported ? double(s.correct) / double(s.reported) : 1.0;
  s.recall = s.expected ? double(s.correct) / double(s.expected) : 1.0;
  std::cout << "seed " << GetParam() << ": " << s.expected << " expected, " << s.reported
            << " reported, precision " << s.precision << ", recall " << s.recall << "\n";
  ASSERT_GT(s.expected, 100u) << "the corpus must hold enough positives to measure anything";
  EXPECT_GE(s.precision, 0.99);
  EXPECT_GE(s.recall, 0.99);
  fs::remove_all(g.dir);
}

INSTANTIATE_TEST_SUITE_P(Seeds, PrecisionRecall, ::testing::Values(7u, 20261123u));

// Threading against the generator's thread list: pairs of messages in the same true thread
// should share a nachfass thread (recall), and pairs nachfass puts together should be together
// in truth (precision).
TEST(ThreadingQuality, PairwiseAgainstGroundTruth) {
  const Generated g = generate(99, 5'000);
  ASSERT_TRUE(g.truth.has_threads);
  auto store = Store::open_memory();
  ASSERT_TRUE(store);
  ASSERT_TRUE(engine::import_maildir(g.dir / "maildir", *store, {}, {}));
  Corpus corpus;
  ASSERT_TRUE(store->load_messages(corpus));
  const Threads threads = thread_messages(
      corpus, Identities(gen::user_identity().addresses, gen::user_identity().own_domains));
  std::unordered_map<std::string, ThreadId> thread_of_source;
  for (MessageIndex i = 0; i < corpus.size(); ++i)
    thread_of_source[std::string(corpus.text(corpus[i].source_id))] = threads.thread_of[i];

  std::unordered_map<std::string, std::size_t> truth_of_source;
  for (std::size_t t = 0; t < g.truth.threads.size(); ++t)
    for (const auto& id : g.truth.threads[t].source_ids) truth_of_source[id] = t;

  std::size_t true_pairs = 0, found_true_pairs = 0;
  for (const auto& t : g.truth.threads) {
    const auto& ids = t.source_ids;
    for (std::size_t a = 0; a < ids.size(); ++a)
      for (std::size_t b = a + 1; b < ids.size(); ++b) {
        ++true_pairs;
        if (thread_of_source.at(ids[a]) == thread_of_source.at(ids[b])) ++found_true_pairs;
      }
  }
  std::size_t predicted_pairs = 0, correct_pairs = 0;
  for (ThreadId id = 0; id < threads.threads.size(); ++id) {
    const auto members = threads.messages(id);
    for (std::size_t a = 0; a < members.size(); ++a)
      for (std::size_t b = a + 1; b < members.size(); ++b) {
        ++predicted_pairs;
        const auto ta = truth_of_source.at(std::string(corpus.text(corpus[members[a]].source_id)));
        const auto tb = truth_of_source.at(std::string(corpus.text(corpus[members[b]].source_id)));
        if (ta == tb) ++correct_pairs;
      }
  }
  const double recall = double(found_true_pairs) / double(true_pairs);
  const double precision = double(correct_pairs) / double(predicted_pairs);
  std::cout << "threading pairs: precision " << precision << ", recall " << recall << " ("
            << g.truth.threads.size() << " true threads, " << threads.threads.size() << " found)\n";
  EXPECT_GE(precision, 0.99);
  EXPECT_GE(recall, 0.99);
  fs::remove_all(g.dir);
}

}  // namespace
}  // namespace nachfass
