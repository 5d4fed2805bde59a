// `nachfass watch`: keeps one connection per watched folder open and says when a folder changed,
// so that the caller runs the sync and the detection again. Nothing is fetched or stored here.
//
// Contract of watch()
// - Folders. WatchOptions::folders when not empty; otherwise what import_imap() reads: INBOX,
//   the Sent folder (config.sent_folder, else choose_folders() over a LIST) and config.folders.
// - One connection per folder: connect, log in, EXAMINE (read-only), then
//   IDLE (RFC 2177) when the server announces it, re-issued (DONE, then IDLE again) every
//   `idle_refresh` because servers drop an IDLE after 30 minutes (RFC 2177 says 29 at most);
//   without IDLE (or with use_idle = false): NOOP every `poll_interval`.
// - Changes. Untagged EXISTS, EXPUNGE, FETCH and VANISHED on a watched connection mark the folder
//   changed. The first change opens a window of `debounce`; at its end `on_change` is called
//   once with every folder changed in the window. After a reconnection the folder is reported
//   with `reconnected` set: changes may have happened while it was away.
//   on_change runs on the thread that called watch(); while it runs no connection is read
//   (IDLE responses wait in the socket), so it may run a sync of its own.
// - Errors. Transient ones (imap.connect, imap.timeout, imap.protocol) close that folder's
//   connection; it is opened again after a back-off of `backoff_initial` doubling up to
//   `backoff_max`, each delay with +-25 % jitter, reset once a connection reaches IDLE/polling.
//   `warning` gets one line per reconnection. A folder that cannot be selected (imap.no,
//   collection) is warned about and no longer watched; when no folder is left, that error is
//   returned. Account errors (imap.auth, imap.tls, imap.config, imap.password,
//   imap.keyring_*) stop every connection and are returned.
// - Deadlines. Every wait has one: connect_timeout / command_timeout of ImapImportOptions for
//   commands, `idle_refresh` for an IDLE, the back-off and poll timers.
// - Cancellation. `stop` (std::stop_token, may be requested from any thread) ends watch()
//   within a second: connections are closed without LOGOUT, a pending debounce window is
//   dropped, and watch() returns success.
// - Runs its own io_context on the calling thread until stopped or an account error.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "imap/sync/imap_sync.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

struct WatchOptions {
  std::vector<std::string> folders;  // empty: INBOX, Sent and config.folders (see above)
  std::chrono::milliseconds idle_refresh{std::chrono::minutes(25)};
  std::chrono::milliseconds poll_interval{std::chrono::minutes(2)};  // NOOP fallback
  std::chrono::milliseconds debounce{2'000};
  std::chrono::milliseconds backoff_initial{1'000};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  bool use_idle = true;  // false: behave as if the server lacked IDLE (tests)
  // Report each folder once (as `reconnected`) when its first connection is watching: what
  // arrived between the caller's initial sync and the start of the watch is caught that way.
  bool report_when_watching = false;
  ImapWarningFn warning;  // reconnections, unwatchable folders; may be empty
};

struct WatchEvent {
  std::vector<std::string> folders;  // changed folders, sorted, each once
  bool reconnected = false;          // at least one of them was reconnected (changes unknown)
};
using WatchChangeFn = std::function<void(const WatchEvent&)>;

// Watches until `stop` is requested (returns success) or an account error (returned).
// The secret comes from options.secret, else resolve_password(config).
Result<void> watch(const ImapConfig& config, const ImapImportOptions& options,
                   const WatchOptions& watch_options, const WatchChangeFn& on_change,
                   const std::stop_token& stop);

// ---- Building blocks, exposed for tests

// The back-off before reconnection attempt `attempt` (0-based) without jitter:
// initial * 2^attempt, at most `max`.
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, unsigned attempt);

}  // namespace nachfass::imap
