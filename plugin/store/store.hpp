// The state store: one SQLite file per configured account holding what Nachfass remembers between
// runs — the messages it has read, the sync cursors of each folder, the findings it reported, and
// the user's dismissals and snoozes. The mail itself is never stored here as a whole (headers
// only), and the state can always be rebuilt by a full rescan.
//
// Contract for every method below:
// - No exceptions leave the store; each method returns Result<...> whose error id starts with
//   "store." (except when a caller's transaction body throws: see transaction()).
//   Errors any method can report, besides those it lists:
//     store.io      (scope account)   the file cannot be read or written: disk full, I/O error,
//                                     read-only file system, permissions
//     store.busy    (scope transient) another process holds the write lock longer than the busy
//                                     timeout (StoreOptions::busy_timeout_ms); retry later
//     store.corrupt (scope fatal)     SQLite reports the file damaged (SQLITE_CORRUPT/NOTADB) or a
//                                     stored value cannot be decoded; the message says that the
//                                     mail is untouched and the state can be moved aside and
//                                     rebuilt by a rescan
//     store.internal (scope fatal)    a bug in nachfass (SQL error, misuse); report it
// - A method that writes runs in its own transaction: it commits everything or nothing. Inside
//   transaction() it becomes a savepoint of the caller's transaction instead.
// - Strings are stored and returned byte for byte (any UTF-8, any separator character, empty
//   strings); nothing is trimmed or normalized.
// - Single-threaded: a Store (and everything it returns) is used from one thread at a time. Two
//   processes may open the same file; SQLite serializes their writes (WAL mode, busy timeout).
// - Callbacks (transaction bodies, for_each_message visitors) run synchronously before the method
//   returns; the store keeps no reference to them afterwards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "core/model.hpp"
#include "core/reminder.hpp"
#include "ports/result.hpp"

namespace nachfass {

class Corpus;

// `PRAGMA application_id` of every Nachfass state file ("Nach"). A SQLite file with another id
// belongs to some other program and is never touched.
inline constexpr std::int32_t store_application_id = 0x4E616368;

// One step of the schema. Migration N turns a database at `PRAGMA user_version` N-1 into one at
// N. It runs in its own transaction together with the user_version update, so a crash leaves the
// database at N-1 or N, never in between. Migrations are append-only: a released migration is
// never edited; a change is a new migration at the end of the list.
struct Migration {
  int version = 0;           // 1, 2, 3, ... — the list must be exactly 1..N in order
  std::string_view summary;  // what it adds, for error messages
  std::string_view sql;      // one or more SQL statements (no BEGIN/COMMIT of their own)
};

// The migrations of this build, in order. Their count is the schema version this build writes.
// Adding a table (the reminder map, say) means appending one Migration here.
std::span<const Migration> builtin_migrations();

struct StoreOptions {
  // The schema to bring the database to. Tests pass a prefix of builtin_migrations() to create
  // an old database, or builtin_migrations() plus extra entries to play a newer build.
  std::span<const Migration> migrations = builtin_migrations();
  // How long a statement waits for another process's lock before failing with store.busy.
  int busy_timeout_ms = 5000;
  // Run `PRAGMA quick_check` on open: a linear scan, some tens of milliseconds for 100k
  // messages. Off only for benchmarks.
  bool quick_check = true;
};

struct StoredFinding {
  Finding finding;             // as last recorded
  UnixSeconds first_seen = 0;  // when the key was first recorded; kept when it resolves and reopens
  UnixSeconds last_seen = 0;   // the last record_findings() that listed it
  std::optional<UnixSeconds> resolved_at;  // set while resolved; nullopt while open
};

// A dismissal hides one finding as it was. For unanswered mail and quiet customers that is the
// key *and* `awaiting` (the customer's message, or the last contact): when the customer writes
// again, the finding that follows is a new one and shows. A stalled thread, an engagement and an
// absence digest stay dismissed for good (their key already names the one thing they are about;
// "a dismissed thread stays dismissed").
struct Dismissal {
  std::string key;
  std::string awaiting;  // the finding's `awaiting` at the time of dismissal
  UnixSeconds dismissed_at = 0;

  bool covers(const Finding& finding) const {
    if (finding.key != key) return false;
    switch (finding.kind) {
      case FindingKind::unanswered:
      case FindingKind::quiet:
        return finding.awaiting == awaiting;
      case FindingKind::stalled:
      case FindingKind::lapsing:
      case FindingKind::absence:
        return true;
    }
    return false;
  }
};

// A snooze hides a finding until a point in time; the caller compares `until` with its clock.
struct Snooze {
  std::string key;
  UnixSeconds until = 0;
  UnixSeconds snoozed_at = 0;
};

// What the connection runs with, for diagnostics (`nachfass doctor`) and tests.
struct StoreInfo {
  int schema_version = 0;    // PRAGMA user_version
  std::string journal_mode;  // "wal" for files, "memory" for open_memory()
  int synchronous = 0;       // 1 = NORMAL
  bool foreign_keys = false;
  int busy_timeout_ms = 0;
  std::string sqlite_version;
};

class Store {
 public:
  // Opens the state file at `path`, creating it if it does not exist.
  // - Missing parent directories are created with mode 0700; a new file gets mode 0600 (the state
  //   holds customers' addresses). Existing directories and files keep their modes.
  // - A new or empty (0-byte) file gets application_id and every migration; an existing Nachfass
  //   file gets the migrations it lacks, each in its own transaction.
  // - Connection settings: WAL journal, synchronous=NORMAL, foreign keys on, busy timeout.
  // - An existing file is never recreated, truncated or written to before it has been recognized
  //   as a Nachfass state file of a version this build knows.
  // Errors: store.io (a parent or the file cannot be created or opened, `path` is a directory),
  //   store.corrupt (not a SQLite file, cut short, or quick_check fails), store.foreign (a SQLite
  //   database without Nachfass's application_id), store.newer_schema (written by a newer
  //   nachfass; scope fatal), store.busy (another process is migrating it), store.internal (the
  //   migration list is not 1..N, or a migration's SQL fails).
  static Result<Store> open(const std::filesystem::path& path, const StoreOptions& options = {});
  // A private in-memory database with the same schema, gone when the Store is destroyed.
  static Result<Store> open_memory(const StoreOptions& options = {});

  // Movable, not copyable. A moved-from Store may only be destroyed or assigned to.
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // The file as given to open(), or ":memory:".
  const std::string& file() const;
  Result<StoreInfo> info();

  // ---- Transactions

  // Runs `body` in one transaction: when it returns success the work of every store call inside
  // it commits together (messages and the cursor that covers them, say), else all of it is
  // rolled back and body's error is returned unchanged. A crash before the commit loses the whole
  // transaction and nothing else. (synchronous=NORMAL: a power cut, unlike a process crash, may
  // also lose the last few commits — whole, never half — which the next sync fetches again.)
  // Nesting is safe: a transaction() inside a body (and every writing method) is a savepoint; its
  // failure rolls back only its own work, and the enclosing body decides whether to go on.
  // If body throws, the transaction is rolled back and the exception propagates (it is a bug).
  // The outermost transaction takes the write lock up front (BEGIN IMMEDIATE): store.busy
  // comes from here, not from the middle of the body.
  Result<void> transaction(const std::function<Result<void>(Store&)>& body);

  // ---- Messages (keyed by Message::source_id)

  // Inserts the messages, replacing every field of a stored message with the same source_id.
  // Idempotent. All or nothing. If `messages` repeats a source_id, the last one wins.
  Result<void> upsert_messages(std::span<const Message> messages);
  // Removes the messages with these source ids; ids not stored are ignored. Returns how many rows
  // were removed. Idempotent. All or nothing.
  Result<std::size_t> remove_messages(std::span<const std::string> source_ids);
  // The source ids stored for `folder` (exact, case-sensitive match), sorted bytewise. For
  // incremental sync: what we already have.
  Result<std::vector<std::string>> message_source_ids(std::string_view folder);
  Result<std::size_t> message_count();
  // Calls `visit` once per stored message, ordered by date, then source_id (bytewise). The
  // Message is reused between calls: it is valid only during the call; copy what you keep.
  // `visit` must not call into this Store. Returns the number of messages visited.
  // Errors: store.corrupt when a stored list or enum value cannot be decoded.
  Result<std::size_t> for_each_message(const std::function<void(const Message&)>& visit);
  // Adds every stored message to `corpus` (Corpus::add), in for_each_message() order. `corpus` is
  // only appended to; on error it holds the messages before the failing row. Returns the count.
  Result<std::size_t> load_messages(Corpus& corpus);

  // ---- Message bodies (Message::body), kept apart from the rows load_messages() reads.
  // upsert_messages() stores each message's body with it (an empty body too: "read, no text"),
  // remove_messages() removes it.

  // The stored body text of the message `source_id`; "" when the message is not stored or was
  // stored before bodies were kept.
  Result<std::string> message_body(std::string_view source_id);
  // The source ids stored for `folder` that have no body row (stored by a build before bodies
  // were kept), sorted bytewise. A Maildir import reads these again.
  Result<std::vector<std::string>> message_source_ids_without_body(std::string_view folder);

  // ---- Sync cursors: opaque values per key, e.g. "imap:INBOX" -> "uidvalidity=..;uidnext=.."

  // The value stored under `key`, or nullopt. Values are bytes; any content round-trips.
  Result<std::optional<std::string>> get_cursor(std::string_view key);
  // Stores `value` under `key`, replacing what was there. Idempotent.
  Result<void> set_cursor(std::string_view key, std::string_view value);
  // Forgets `key` (the next sync of that folder starts from scratch). Idempotent.
  Result<void> clear_cursor(std::string_view key);

  // ---- Findings (keyed by Finding::key)

  // Records the result of one detection run over the kinds in `detected_kinds`:
  // - every finding in `current` is stored with all its fields and last_seen = now; a new key gets
  //   first_seen = now; a resolved key is reopened (resolved_at cleared, first_seen kept);
  // - every open finding whose kind is in `detected_kinds` and whose key is not in `current` is
  //   resolved (resolved_at = now). Findings of other kinds are left alone, so a run that only
  //   detected `unanswered` does not resolve `stalled` findings.
  // A finding in `current` whose kind is not in `detected_kinds` is stored all the same.
  // Duplicate keys in `current`: the last one wins. Repeating the same call is idempotent except
  // for last_seen. All or nothing.
  Result<void> record_findings(std::span<const Finding> current,
                               std::span<const FindingKind> detected_kinds, UnixSeconds now);
  // Every stored finding, open and resolved, sorted by key (bytewise).
  Result<std::vector<StoredFinding>> stored_findings();
  // Deletes findings resolved before `resolved_before`. Dismissals and snoozes are kept. Returns
  // how many were deleted. Idempotent.
  Result<std::size_t> forget_resolved_findings(UnixSeconds resolved_before);

  // ---- Dismissals (one per key; a later dismissal of the same key replaces the earlier one)

  // Dismisses finding `key` while it awaits a reply to `awaiting` (Finding::awaiting). Idempotent.
  Result<void> dismiss(std::string_view key, std::string_view awaiting, UnixSeconds at);
  // Whether `key` is dismissed for exactly this `awaiting` message.
  Result<bool> dismissed(std::string_view key, std::string_view awaiting);
  // Every dismissal, by key; look up with a string_view (transparent comparator).
  Result<std::map<std::string, Dismissal, std::less<>>> dismissals();
  // Removes the dismissal of `key`, if any. Idempotent.
  Result<void> undismiss(std::string_view key);

  // ---- Snoozes (one per key; a later snooze of the same key replaces the earlier one)

  // Hides `key` until `until`. The store keeps expired snoozes; the caller decides. Idempotent.
  Result<void> snooze(std::string_view key, UnixSeconds until, UnixSeconds at);
  Result<std::map<std::string, Snooze, std::less<>>> snoozes();
  // Removes the snooze of `key`, if any. Idempotent.
  Result<void> unsnooze(std::string_view key);

  // ---- Reminders Nachfass owns (keyed by calendar and finding key; hrefs are unique)
  //
  // The ownership record of every calendar event Nachfass writes. It is saved before the write
  // it describes (state creating / removing), so a crash between the two leaves a row that the
  // next run resolves against what the calendar shows.

  // Inserts or replaces the row for (reminder.calendar, reminder.key). store.internal when
  // another key of the store already uses reminder.href. Idempotent.
  Result<void> save_reminder(const OwnedReminder& reminder);
  // The rows of `calendar` (exact match), sorted by key; every calendar's when `calendar` is
  // empty (sorted by calendar, then key).
  // Errors: store.corrupt when a stored state cannot be decoded.
  Result<std::vector<OwnedReminder>> reminders(std::string_view calendar);
  // Removes the row for (calendar, key), if any. Idempotent.
  Result<void> forget_reminder(std::string_view calendar, std::string_view key);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  Result<std::vector<std::string>> source_ids_where(const char* sql, std::string_view folder);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nachfass
