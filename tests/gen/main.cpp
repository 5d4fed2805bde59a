// nachfass-gen: writes a synthetic sales mailbox (Maildir++) with its ground truth.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "gen/generator.hpp"

int main(int argc, char** argv) {
  using namespace nachfass::gen;
  CLI::App app{"nachfass-gen: a synthetic sales mailbox with ground truth"};
  std::string out;
  std::string now_text = format_iso_utc(default_now);
  GeneratorOptions options;
  bool no_bodies = false;
  bool gitkeep = false;
  app.add_option("--out", out, "output directory (gets maildir/, truth.json, nachfass.toml)")
      ->required();
  app.add_option("--messages", options.messages, "number of messages")->required();
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--companies", options.companies, "customer organisations")->capture_default_str();
  app.add_option("--now", now_text, "the moment the mailbox is looked at (UTC, ISO 8601)")
      ->capture_default_str();
  app.add_option("--thread-list-max", options.thread_list_max_messages,
                 "list every thread in truth.json up to this many messages")
      ->capture_default_str();
  app.add_flag("--no-bodies", no_bodies, "one-line bodies (faster, smaller)");
  app.add_flag("--gitkeep", gitkeep,
               "put a .gitkeep into empty Maildir directories (for committing a sample; Maildir "
               "readers skip dot files)");
  CLI11_PARSE(app, argc, argv);

  const auto now = parse_iso_utc(now_text);
  if (!now) {
    std::cerr << "[gen.args] --now must look like 2026-11-23T09:30:00Z, got '" << now_text << "'\n";
    return 2;
  }
  if (options.messages == 0 || options.companies == 0) {
    std::cerr << "[gen.args] --messages and --companies must be at least 1\n";
    return 2;
  }
  options.now = *now;
  options.bodies = !no_bodies;

  const auto start = std::chrono::steady_clock::now();
  GroundTruth truth;
  try {
    truth = write_corpus(out, options);
    if (gitkeep) {
      for (const auto& entry :
           std::filesystem::recursive_directory_iterator(std::filesystem::path(out) / "maildir")) {
        if (entry.is_directory() && std::filesystem::is_empty(entry.path()))
          std::ofstream(entry.path() / ".gitkeep");
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "[gen.write] " << e.what() << " - check that " << out << " is writable\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const TruthCounts& c = truth.counts;
  std::printf(
      "%zu messages (inbox %zu, sent %zu) in %zu threads; %zu unanswered, %zu fresh, %zu "
      "automated, %zu duplicates; %.2f s (%.0f messages/s)\n",
      c.messages, c.inbox, c.sent, c.threads, c.unanswered, c.fresh, c.automated, c.duplicates,
      seconds, seconds > 0 ? static_cast<double>(c.messages) / seconds : 0.0);
  std::printf(
      "stalled %zu (not %zu), lapsing %zu (not due %zu, unsure %zu), quiet %zu (active %zu, "
      "unsure %zu), absences %zu (findings %zu, unsure %zu)\n",
      c.stalled, c.not_stalled, c.lapsing, c.lapsing_not_due, c.lapsing_unsure, c.quiet,
      c.quiet_active, c.quiet_unsure, c.absences, c.absence_findings, c.absence_unsure);
  return 0;
}
