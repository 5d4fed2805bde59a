// `nachfass letter KEY [--kind K] [--lang de|en] [--what T] [--changed T] [--gesture T]
//  [--thread MSGID] [--print] [--json]`: the first draft of a reply for a finding, put into the
// mailbox's Drafts folder (never sent), or only printed with --print. See engine/letters.hpp.
//
// Registration is one call in main.cpp. The command runs from its CLI11 callback, after the
// arguments are parsed and before main()'s dispatch: everything it opens is closed when
// run_letter() returns, and the process then ends with its exit code (0 done, 1 the job failed,
// 2 usage or configuration, including a broken user template), so main.cpp needs no further
// line for it.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace nachfass::cli {

// The global options as main.cpp holds them.
struct LetterGlobals {
  std::string config_file;
  std::string state_file;
  std::string now_text;
};

struct LetterOptions {
  std::string key;
  std::string kind;
  std::string language;
  std::string what_happened;
  std::string what_changed;
  std::string gesture;
  std::string thread;
  bool print = false;
  bool json = false;
};

// Runs the command; returns the exit code. Never throws.
int run_letter(const LetterGlobals& globals, const LetterOptions& options);

// Adds the `letter` subcommand to `app`. `globals` is called after parsing to read the global
// options.
void add_letter_command(CLI::App& app, std::function<LetterGlobals()> globals);

}  // namespace nachfass::cli
