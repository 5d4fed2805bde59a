// IMAP account -> store: the policy half of the IMAP connector (the client in ../client speaks
// the protocol). Reads INBOX, the Sent folder and configured extra folders (headers and the start
// of each body) into the store; keeps per-folder cursors so that a rerun fetches only what changed.
//
// Contract of import_imap()
// - Messages. One Message per message on the server, built by feeding the fetched header fields
//   (BODY.PEEK[HEADER.FIELDS (...)], see fetched_header_fields()) to mime::parse_message_headers
//   with INTERNALDATE as delivery time, so an IMAP account yields the same Messages a Maildir
//   scan of the same files does, except for:
//     source_id  "<folder>;UIDVALIDITY=<uidvalidity>;UID=<uid>" (imap_source_id()), stable for
//                as long as the folder keeps its UIDVALIDITY.
//   ENVELOPE is used only when the server returns no header literal. Of the body only the first
//   16 KiB are fetched (BODY.PEEK[TEXT]<0.16384>), for Message::body (mime::extract_body_text);
//   attachments beyond that are never transferred. A Maildir scan reads up to 64 KiB, so the
//   body text of a message with more than 16 KiB before its text part can differ.
// - Cursors. Per folder under cursor_key() ("imap:<user>@<host>:<folder>"), value
//   ImapCursor::serialise(). A batch of messages and the cursor that covers it commit in one
//   store transaction: an interrupted import loses and duplicates nothing and the next run
//   resumes where the last commit left off.
// - Incremental sync. QRESYNC (EXAMINE ... (QRESYNC (uidvalidity modseq)), VANISHED (EARLIER))
//   when the server enables it; CONDSTORE alone: UID FETCH ... (CHANGEDSINCE) for flag changes;
//   new mail by UIDNEXT; expunges by VANISHED, or, when the EXISTS count does not add up, by a
//   UID SEARCH ALL difference. With nothing new the sync costs a constant number of round trips
//   (ImapImportReport::round_trips): connect (greeting, STARTTLS, CAPABILITY), login, and one
//   pipelined round of ENABLE, LIST (RETURN STATUS with LIST-STATUS) and STATUS (MESSAGES UIDNEXT
//   UIDVALIDITY [HIGHESTMODSEQ]) per folder (a second STATUS round for a Sent folder found by LIST
//   without LIST-STATUS); a folder whose STATUS equals its complete cursor is not opened at all
//   (ImapFolderReport::unchanged).
// - UIDVALIDITY change: the folder's stored messages and cursor are discarded (one transaction)
//   and the folder is synced from scratch; reported as ImapFolderReport::uidvalidity_reset.
// - Errors. A folder that cannot be selected (imap.no, scope collection) is reported through
//   `warning` and skipped this round; the other folders go on. Connection, TLS, timeout, protocol
//   (transient) and auth/config/password (account) errors stop the import and are returned;
//   what was committed before stays. store.* errors are returned unchanged.
// - Runs its own io_context on the calling thread until done (synchronous facade for the CLI).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/model.hpp"
#include "imap/client/imap_client.hpp"
#include "ports/result.hpp"
#include "store/store.hpp"

namespace nachfass::imap {

struct ImapProgress {
  std::string_view folder;
  std::size_t done = 0;   // messages fetched in this folder so far
  std::size_t total = 0;  // messages to fetch in this folder
};
using ImapProgressFn = std::function<void(const ImapProgress&)>;
using ImapWarningFn = std::function<void(std::string_view)>;

// Measured with bench/imap/run-imap-bench (100k messages in INBOX+Sent, two cores): see README.
inline constexpr std::size_t default_connections = 2;

// What the config file does not (yet) hold, and knobs for tests and benchmarks.
struct ImapImportOptions {
  std::string ca_file;                        // see ClientOptions
  std::string insecure_skip_verify_for_host;  // see ClientOptions; warns on every connection
  // Overrides the config's password_env / password_file / keyring (tests; an OAuth token).
  std::optional<std::string> secret;
  AuthMechanism mechanism = AuthMechanism::automatic;
  std::chrono::milliseconds connect_timeout{15'000};
  std::chrono::milliseconds command_timeout{60'000};
  std::size_t batch_messages = 1000;  // messages per UID FETCH and per store transaction
  std::size_t pipeline_depth = 4;     // UID FETCH commands in flight
  // Threads that parse fetched header blocks (GMime) while the next responses are read; the
  // store is written from the calling thread only.
  std::size_t parse_threads = 1;
  // Connections a full sync may use: when two or more folders need a full (or resumed) sync, up
  // to this many folders are fetched at once, each over its own connection (opened after the
  // first connection's LIST/STATUS round, so a sync with little to do stays on one connection
  // and its constant round trips). Every connection's batches commit from the calling thread,
  // each with its folder's cursor, as with one connection. 1: one connection, folder by folder.
  std::size_t connections = default_connections;
  bool use_qresync = true;    // false: behave as if the server lacked QRESYNC
  bool use_condstore = true;  // false: behave as if the server lacked CONDSTORE
  bool use_status = true;     // false: EXAMINE every folder instead of skipping those STATUS shows
                              // unchanged
  std::function<void(std::string_view)> trace;  // protocol trace, secrets redacted
};

struct ImapFolderReport {
  std::string folder;
  FolderRole role = FolderRole::other;
  std::string mode;  // "full", "resume", "qresync", "condstore", "plain"
  bool uidvalidity_reset = false;
  std::size_t present = 0;  // messages on the server (EXISTS after the sync)
  std::size_t added = 0;    // messages fetched and stored
  std::size_t removed = 0;  // stored messages gone from the server
  std::size_t flag_changes = 0;
  std::size_t failed = 0;  // messages whose headers could not be parsed (warned about)
  bool unchanged = false;  // STATUS equalled the cursor: the folder was not even opened
};

struct ImapImportReport {
  std::size_t folders = 0;
  std::size_t messages_present = 0;
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t failed = 0;
  std::uint64_t round_trips = 0;  // see Client::round_trips()
  std::uint64_t bytes_received = 0;
  std::vector<ImapFolderReport> per_folder;
};

// Syncs the account. See the contract above.
Result<ImapImportReport> import_imap(const ImapConfig& config, Store& store,
                                     const ImapProgressFn& progress, const ImapWarningFn& warning,
                                     const ImapImportOptions& options = {});

// APPENDs `rfc5322_message` (CRLF or LF line ends; LF is converted) to the Drafts folder
// (config.drafts_folder, else SPECIAL-USE \Drafts, else "Drafts"/"Entwürfe"...) with the \Draft
// flag. `uid` is set when the server has UIDPLUS (APPENDUID). Errors: as import_imap, plus
// imap.no (collection) when the server refuses the APPEND and imap.no_drafts_folder.
struct AppendedDraft {
  std::string folder;
  std::optional<std::uint32_t> uidvalidity;
  std::optional<std::uint32_t> uid;
};
Result<AppendedDraft> append_draft(const ImapConfig& config, std::string_view rfc5322_message,
                                   const ImapImportOptions& options = {});

// The password (or token) from the config: password_env (the variable must be set and not
// empty), password_file (first line; the file must not be readable or writable by group or
// others: chmod 600), or the desktop keyring (libsecret; see keyring.hpp).
// Errors (scope account): imap.password, imap.keyring_unavailable, imap.keyring_missing.
// Never logs the secret.
Result<std::string> resolve_password(const ImapConfig& config);

// The secret to log in with: options.secret when set (tests, an OAuth token), else
// resolve_password(config). Same errors as resolve_password.
Result<std::string> secret_for(const ImapConfig& config, const ImapImportOptions& options);

// ClientOptions for the config (port default, security, loopback rule is the client's).
ClientOptions client_options(const ImapConfig& config, const ImapImportOptions& options,
                             const ImapWarningFn& warning);

// ---- Building blocks, exposed for tests

// "INBOX;UIDVALIDITY=1700000000;UID=42"
std::string imap_source_id(std::string_view folder, std::uint32_t uidvalidity, std::uint32_t uid);
// "imap:anna@imap.example.com:INBOX"
std::string cursor_key(const ImapConfig& config, std::string_view folder);

struct ImapCursor {
  std::uint32_t uidvalidity = 0;
  // complete: the next UID not yet seen (everything below is in the store).
  // !complete (first sync interrupted): the UIDs up to `synced_through` are in the store.
  std::uint32_t uidnext = 0;
  std::uint32_t synced_through = 0;
  std::uint32_t exists = 0;         // messages on the server after the last sync
  std::uint64_t highestmodseq = 0;  // 0: unknown (no CONDSTORE)
  bool complete = false;
  // "v1 uidvalidity=.. uidnext=.. synced=.. exists=.. modseq=.. complete=0|1"
  std::string serialise() const;
  static std::optional<ImapCursor> parse(std::string_view text);
  bool operator==(const ImapCursor&) const = default;
};

// The header fields fetched, as in "BODY.PEEK[HEADER.FIELDS (<these>)]".
std::string_view fetched_header_fields();

struct FolderChoice {
  std::string sent;    // empty: none found
  std::string drafts;  // empty: none found
};
// Sent and Drafts from a LIST: the configured names win, then SPECIAL-USE (RFC 6154), then the
// first selectable folder whose name (or last hierarchy level) is one of the common names:
// Sent, Sent Items, Sent Messages, Gesendet, Gesendete Elemente, Gesendete Objekte; Drafts,
// Entwürfe (case-insensitive).
FolderChoice choose_folders(const std::vector<ListEntry>& entries, const ImapConfig& config);

}  // namespace nachfass::imap
