#include "hosts/cli/letter_command.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "engine/letters.hpp"
#include "hosts/cli/time_text.hpp"
#include "store/store.hpp"

namespace nachfass::cli {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

int report(const Error& error) {
  std::cerr << "nachfass: " << error.to_string() << "\n";
  // The user's own files are configuration: a broken template or an unknown kind is fixed there.
  const bool usage = error.id.rfind("config.", 0) == 0 || error.id.rfind("usage.", 0) == 0 ||
                     error.id == "letters.template" || error.id == "letters.unknown_kind" ||
                     error.id == "letters.no_draft_sink" || error.id == "letters.no_sender";
  return usage ? exit_usage : exit_failure;
}

const char* tr(Language language, const char* de, const char* en) {
  return language == Language::de ? de : en;
}

std::string mailbox_text(const Address& address) {
  return address.name.empty() ? address.email : address.name + " <" + address.email + ">";
}

nlohmann::ordered_json to_json(const engine::PreparedLetter& p, const DraftLocation* draft,
                               bool with_bodies) {
  nlohmann::ordered_json out = {
      {"key", p.finding.key},
      {"kind", p.letter.kind},
      {"language", std::string(letters::language_code(p.letter.language))},
      {"from", p.headers.from.email},
      {"to", p.headers.to.email},
      {"to_name", p.headers.to.name},
      {"subject", p.letter.subject},
      {"in_reply_to", p.headers.in_reply_to},
      {"references", p.headers.references},
  };
  if (p.answered_item) out["thread"] = p.answered_item->thread_root;
  if (draft)
    out["draft"] = {
        {"folder", draft->folder}, {"uid", draft->id}, {"uidvalidity", draft->uidvalidity}};
  if (with_bodies) {
    out["text"] = p.letter.text;
    out["html"] = p.letter.html;
    out["mime"] = p.mime;
  }
  return out;
}

int run(const LetterGlobals& globals, const LetterOptions& options) {
  std::optional<std::filesystem::path> explicit_config;
  if (!globals.config_file.empty()) explicit_config = globals.config_file;
  auto config = load_config_or_default(explicit_config);
  if (!config) return report(config.error());
  if (auto valid = validate_for_scan(*config); !valid) return report(valid.error());
  auto settings = engine::detection_settings(*config);
  if (!settings) return report(settings.error());

  engine::LetterRequest request;
  request.key = options.key;
  request.kind = options.kind;
  if (!options.language.empty()) {
    request.language = letters::parse_language(options.language);
    if (!request.language)
      return report(make_error(ErrorScope::account, "usage.bad_language",
                               "--lang \"" + options.language +
                                   "\" is not a language of the "
                                   "letters — use de or en"));
  }
  request.slots = {options.what_happened, options.what_changed, options.gesture};
  request.thread = options.thread;
  const Language language = request.language.value_or(settings->language);

  UnixSeconds now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  if (!globals.now_text.empty()) {
    auto parsed = parse_instant(globals.now_text, settings->calendar.zone());
    if (!parsed)
      return report(make_error(
          ErrorScope::account, "usage.bad_time",
          "--now \"" + globals.now_text +
              "\" is not an ISO 8601 time — write e.g. 2026-11-23T09:30:00Z or 2026-11-23"));
    now = *parsed;
  }
  // The sink is known before anything is rendered: without one, say so at once.
  std::unique_ptr<DraftSink> sink;
  if (!options.print) {
    auto configured = engine::configured_draft_sink(*config);
    if (!configured) return report(configured.error());
    sink = std::move(*configured);
  }

  const std::filesystem::path state =
      globals.state_file.empty() ? default_state_path() : std::filesystem::path(globals.state_file);
  auto store = Store::open(state);
  if (!store) return report(store.error());
  auto prepared = engine::prepare_letter(
      *store, *config, *settings, request, now,
      [](std::string_view text) { std::cerr << "nachfass: warning: " << text << "\n"; });
  if (!prepared) return report(prepared.error());

  if (options.print) {
    if (options.json) {
      std::cout << to_json(*prepared, nullptr, true)
                       .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << "\n";
      return exit_ok;
    }
    std::cout << "From: " << mailbox_text(prepared->headers.from) << "\n"
              << "To: " << mailbox_text(prepared->headers.to) << "\n"
              << "Subject: " << prepared->letter.subject << "\n";
    if (!prepared->headers.in_reply_to.empty())
      std::cout << "In-Reply-To: <" << prepared->headers.in_reply_to << ">\n";
    std::cout << "\n" << prepared->letter.text;
    return exit_ok;
  }

  auto draft = engine::save_letter(*sink, *prepared);
  if (!draft) return report(draft.error());
  if (options.json) {
    std::cout << to_json(*prepared, &*draft, false)
                     .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
    return exit_ok;
  }
  std::cout << tr(language, "Entwurf angelegt in ", "Draft created in ") << draft->folder;
  if (!draft->id.empty()) std::cout << ", UID " << draft->id;
  std::cout << ": " << (language == Language::de ? "„" : "\"") << prepared->letter.subject
            << (language == Language::de ? "“" : "\"") << tr(language, " an ", " to ")
            << mailbox_text(prepared->headers.to) << "\n";
  return exit_ok;
}

}  // namespace

int run_letter(const LetterGlobals& globals, const LetterOptions& options) {
  try {
    return run(globals, options);
  } catch (const std::exception& e) {
    std::cerr << "nachfass: [internal] " << e.what()
              << " — this is a bug in nachfass; please report it with the command you ran\n";
    return exit_failure;
  }
}

void add_letter_command(CLI::App& app, std::function<LetterGlobals()> globals) {
  auto options = std::make_shared<LetterOptions>();
  auto* letter = app.add_subcommand(
      "letter",
      "Write the first draft of a reply for a finding into the Drafts folder (never sent)");
  letter->add_option("KEY", options->key, "The finding's key (see `nachfass findings`)")
      ->required();
  letter->add_option("--kind", options->kind,
                     "late-reply, apology, follow-up, renewal, win-back, welcome-back, or a kind "
                     "of your own templates (default: follows the finding)");
  letter->add_option("--lang", options->language, "de or en (default: [user] language)");
  letter->add_option("--what", options->what_happened,
                     "apology: what went wrong (else the draft marks the passage to fill in)");
  letter->add_option("--changed", options->what_changed, "apology: what we changed since");
  letter->add_option("--gesture", options->gesture,
                     "apology: a goodwill gesture, e.g. \"Die Versandkosten schreiben wir Ihnen "
                     "gut.\"");
  letter->add_option("--thread", options->thread,
                     "absence digests: the thread (root Message-ID) to answer (default: the "
                     "first unanswered one)");
  letter->add_flag("--print", options->print, "Only print the letter; create no draft");
  letter->add_flag("--json", options->json, "Print the result as JSON");
  letter->callback([options, globals = std::move(globals)] {
    const int code = run_letter(globals(), *options);
    std::cout.flush();
    std::cerr.flush();
    std::exit(code);
  });
}

}  // namespace nachfass::cli
