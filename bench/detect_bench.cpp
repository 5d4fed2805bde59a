// Thread + detect over generated mailboxes of 100k and 1M messages (Google Benchmark).
// BM_ThreadDirectoryDetectAll is the whole engine (issue 5, item 8): threading, the customer
// directory and every detector (detect_all) with the default rules over 1M messages, ~200k
// threads and 5k customers; bench/run-detect prints it next to BM_ThreadAndDetect as a ratio.
//
// The input is built once per size from the generator's to_message() (no parsing: parsing is the
// connectors' cost, measured elsewhere). Each benchmark reports messages/second and the process's
// peak resident memory so far. BM_Floor is the baseline for the ratio: one pass that touches
// every field threading must read (Message-ID, references, recipients, date) and nothing else.
// bench/run-detect runs each size in its own process so that peak memory is per size.
#include <benchmark/benchmark.h>
#include <date/tz.h>
#include <sys/resource.h>

#include <map>
#include <memory>

#include "core/corpus.hpp"
#include "core/detect.hpp"
#include "core/detect_unanswered.hpp"
#include "core/directory.hpp"
#include "core/rules.hpp"
#include "core/threading.hpp"
#include "gen/generator.hpp"

namespace nachfass {
namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The body texts the detectors may read. Without full bodies (options.bodies = false) only the
// texts that matter carry one: engagement notices, our last word in a thread, out-of-office
// replies; the rest are empty, as for a connector that read headers only.
class BodyTexts final : public MessageTexts {
 public:
  void add(std::string_view text) {
    offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
    bytes_.append(text);
  }
  std::string_view body(MessageIndex index) const override {
    if (index >= offsets_.size()) return {};
    const std::size_t end = index + 1 < offsets_.size() ? offsets_[index + 1] : bytes_.size();
    return std::string_view(bytes_).substr(offsets_[index], end - offsets_[index]);
  }
  std::size_t memory_bytes() const { return bytes_.capacity() + offsets_.capacity() * 4; }

 private:
  std::string bytes_;
  std::vector<std::uint32_t> offsets_;
};

struct Input {
  Corpus corpus;
  BodyTexts texts;
  UnixSeconds now = 0;
};

const Input& input(std::size_t messages) {
  static std::map<std::size_t, std::unique_ptr<Input>> cache;
  auto& slot = cache[messages];
  if (!slot) {
    slot = std::make_unique<Input>();
    gen::GeneratorOptions options;
    options.seed = 42;
    options.messages = messages;
    // ~5k customers per million messages, as a large sales team's shared mailbox has.
    options.companies = std::max<std::size_t>(200, messages / 200);
    options.bodies = false;
    options.thread_list_max_messages = 0;
    slot->corpus.reserve(messages);
    gen::FunctionSink sink([&](const gen::GeneratedMail& mail) {
      const Message m = gen::to_message(mail);
      slot->texts.add(m.body);
      slot->corpus.add(m);
    });
    slot->now = gen::generate(options, sink).options.now;
  }
  return *slot;
}

const Identities& identities() {
  static const Identities ids(gen::user_identity().addresses, gen::user_identity().own_domains);
  return ids;
}

const BusinessCalendar& calendar() {
  static const BusinessCalendar c(
      date::locate_zone("Europe/Berlin"), BusinessHours{}, *HolidayRegion::parse("DE-BY"),
      {std::chrono::year{2026} / 12 / 24, std::chrono::year{2026} / 12 / 31});
  return c;
}

void BM_ThreadAndDetect(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  std::size_t threads = 0, findings = 0;
  for (auto _ : state) {
    const Threads t = thread_messages(in.corpus, identities());
    const auto f = detect_unanswered(in.corpus, t, identities(), calendar(),
                                     UnansweredRule{2 * 9 * 3600}, in.now, Language::de);
    threads = t.threads.size();
    findings = f.size();
    benchmark::DoNotOptimize(f.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.counters["threads"] = static_cast<double>(threads);
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["corpus_mb"] = static_cast<double>(in.corpus.memory_bytes()) / (1024.0 * 1024.0);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

void BM_ThreadDirectoryDetectAll(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  const Rules rules = default_rules();
  DirectoryInput directory_input;
  directory_input.tiers = default_tiers(9 * 3600);
  std::size_t threads = 0, customers = 0, findings = 0;
  for (auto _ : state) {
    const Threads t = thread_messages(in.corpus, identities());
    const Directory directory = build_directory(in.corpus, identities(), directory_input);
    const DetectionInput detection{in.corpus,  t,     identities(), directory,
                                   calendar(), rules, in.texts,     UnansweredRule{2 * 9 * 3600},
                                   {},         {},    in.now,       Language::de};
    const auto f = detect_all(detection);
    threads = t.threads.size();
    customers = directory.customers().size();
    findings = f.size();
    benchmark::DoNotOptimize(f.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.counters["threads"] = static_cast<double>(threads);
  state.counters["customers"] = static_cast<double>(customers);
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["texts_mb"] = static_cast<double>(in.texts.memory_bytes()) / (1024.0 * 1024.0);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

void BM_Thread(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    const Threads t = thread_messages(in.corpus, identities());
    benchmark::DoNotOptimize(t.threads.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

void BM_Floor(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  const Corpus& corpus = in.corpus;
  for (auto _ : state) {
    // One read of every field threading needs, and a write per Message-ID into an array indexed
    // by its atom: the memory traffic any threading over this corpus has to pay.
    std::vector<std::uint32_t> seen(corpus.size() * 4, 0);
    std::uint64_t sum = 0;
    for (MessageIndex i = 0; i < corpus.size(); ++i) {
      const MessageRecord& r = corpus[i];
      seen[r.message_id % seen.size()] = i;
      sum += static_cast<std::uint64_t>(r.date) + r.in_reply_to + r.from + r.subject;
      for (Atom a : corpus.references(i)) sum += seen[a % seen.size()];
      for (Atom a : corpus.to(i)) sum += a;
      for (Atom a : corpus.cc(i)) sum += a;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(BM_Floor)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Thread)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThreadAndDetect)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThreadDirectoryDetectAll)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nachfass

BENCHMARK_MAIN();
