// One-click letters: a stored finding -> its thread in the stored mail -> the customer directory
// -> the rendered letter -> a MIME draft -> the draft sink. The hosts (CLI, add-ins) call this;
// the rendering itself is in plugin/letters.
//
// Which message the draft answers
// - unanswered, stalled, lapsing, quiet: the finding's thread. The draft replies to the awaited
//   message (Finding::awaiting) when the store holds it, else to the latest message of the
//   thread from the contact, else to the thread's latest message. A finding without a thread in
//   the stored mail (a quiet customer's old thread pruned, say) gets a new message instead.
// - absence digests list several threads (Finding::items): one draft per call, for the item
//   named by LetterRequest::thread (its thread root Message-ID), by default the first item still
//   unanswered (else the first item). Call again with another --thread for the next one.
// To: the finding's contact (for a digest, the item's contact), with the directory's name for
// that address when it has one. From: the user's address the customer wrote to, else the first
// [user] address, with [user] name.
//
// Nothing is sent, ever: the result is either printed (prepare_letter) or stored as a draft
// (save_letter). Everything is rendered and composed before the sink is called, so a template or
// data problem never leaves half a draft behind.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "letters/compose.hpp"
#include "letters/letters.hpp"
#include "ports/drafts.hpp"
#include "ports/result.hpp"
#include "store/store.hpp"

namespace nachfass::engine {

struct LetterRequest {
  std::string key;                   // the finding's key (see `nachfass findings`)
  std::string kind;                  // empty: letters::default_kind(finding)
  std::optional<Language> language;  // empty: [user] language
  letters::ApologySlots slots;       // apology: what happened, what changed, a gesture
  std::string thread;                // absence digests: the item's thread root; empty: see above
};

struct PreparedLetter {
  Finding finding;  // as stored; for a digest the item answered is in `answered_item`
  std::optional<DigestItem> answered_item;
  letters::RenderedLetter letter;
  letters::DraftHeaders headers;
  std::string mime;  // the complete RFC 5322 message (LF line ends)
};

// The user's template directory: [letters] templates_dir, else $XDG_CONFIG_HOME/nachfass/templates,
// else ~/.config/nachfass/templates (used when it exists).
std::filesystem::path templates_dir(const Config& config);

// Renders and composes the letter for `request.key` as of `now`. Reads the store, writes nothing.
// `warning` receives problems with the [customers] files (they are skipped).
// Errors: findings.unknown_key (no stored finding has the key), letters.no_thread_item (--thread
// names no item of the digest), letters.no_recipient (the finding names no customer address),
// letters.no_sender ([user] addresses is empty), letters.unknown_kind, letters.template,
// letters.template_unreadable, store.*.
Result<PreparedLetter> prepare_letter(Store& store, const Config& config,
                                      const DetectionSettings& settings,
                                      const LetterRequest& request, UnixSeconds now,
                                      const WarningFn& warning);

// Stores the prepared letter as a draft through `sink`; the sink's errors unchanged.
Result<DraftLocation> save_letter(DraftSink& sink, const PreparedLetter& prepared);

// The sink for the configured mail account: IMAP Drafts for [mail] provider = "imap".
// Errors: letters.no_draft_sink for other providers (nothing to put a draft into; --print works).
Result<std::unique_ptr<DraftSink>> configured_draft_sink(const Config& config);

}  // namespace nachfass::engine
