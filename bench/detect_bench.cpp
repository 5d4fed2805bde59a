// Thread + detect over generated mailboxes of 100k and 1M messages (Google Benchmark).
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
#include "core/detect_unanswered.hpp"
#include "core/threading.hpp"
#include "gen/generator.hpp"

namespace nachfass {
namespace {

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

struct Input {
  Corpus corpus;
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
    gen::FunctionSink sink(
        [&](const gen::GeneratedMail& mail) { slot->corpus.add(gen::to_message(mail)); });
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

}  // namespace
}  // namespace nachfass

BENCHMARK_MAIN();
