#include <array>

#include "store/store.hpp"

namespace nachfass {
namespace {

// Released migrations are never edited: a schema change is a new entry at the end.
//
// Encodings shared by the tables (see store.cpp):
// - lists (references, recipients) are BLOBs of length-prefixed strings (LEB128 length, bytes),
//   so no separator character can collide with content; recipients alternate email, name;
// - enums are small integers with fixed codes (store.cpp's *_code functions), not the C++
//   enumerators' values; adding a code needs a new migration so that older builds refuse the file.
constexpr std::array<Migration, 5> migrations{{
    {1, "messages and sync cursors", R"sql(
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL UNIQUE,
  folder TEXT NOT NULL,
  folder_role INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  in_reply_to TEXT NOT NULL,
  refs BLOB NOT NULL,
  subject TEXT NOT NULL,
  from_email TEXT NOT NULL,
  from_name TEXT NOT NULL,
  to_list BLOB NOT NULL,
  cc_list BLOB NOT NULL,
  date INTEGER NOT NULL,
  utc_offset_minutes INTEGER NOT NULL,
  date_from_header INTEGER NOT NULL,
  thread_index TEXT NOT NULL,
  thread_topic TEXT NOT NULL,
  automation INTEGER NOT NULL
);
CREATE INDEX messages_by_date ON messages (date, source_id);
CREATE INDEX messages_by_folder ON messages (folder, source_id);

CREATE TABLE sync_cursors (
  key TEXT PRIMARY KEY NOT NULL,
  value BLOB NOT NULL
) WITHOUT ROWID;
)sql"},
    {2, "findings, dismissals and snoozes", R"sql(
CREATE TABLE findings (
  key TEXT PRIMARY KEY NOT NULL,
  kind INTEGER NOT NULL,
  customer TEXT NOT NULL,
  contact TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  thread_root TEXT NOT NULL,
  awaiting TEXT NOT NULL,
  since INTEGER NOT NULL,
  due INTEGER NOT NULL,
  waiting_business_days INTEGER NOT NULL,
  severity INTEGER NOT NULL,
  reason TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  resolved_at INTEGER
) WITHOUT ROWID;
CREATE INDEX findings_open_by_kind ON findings (kind) WHERE resolved_at IS NULL;

CREATE TABLE dismissals (
  key TEXT PRIMARY KEY NOT NULL,
  awaiting TEXT NOT NULL,
  dismissed_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE snoozes (
  key TEXT PRIMARY KEY NOT NULL,
  snoozed_until INTEGER NOT NULL,
  snoozed_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    {3, "the reminders Nachfass owns in the calendar", R"sql(
CREATE TABLE reminders (
  calendar TEXT NOT NULL,
  key TEXT NOT NULL,
  href TEXT NOT NULL,
  uid TEXT NOT NULL,
  etag TEXT NOT NULL,
  state INTEGER NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  awaiting TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (calendar, key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX reminders_by_href ON reminders (href);
)sql"},
    {4, "message body texts", R"sql(
CREATE TABLE message_bodies (
  message INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  body TEXT NOT NULL
);
-- Mail read before this version has no body: the next IMAP sync of each folder is a full one,
-- which stores the bodies (Maildir re-reads the messages without a body row by itself). IMAP
-- cursor keys are "imap:<user>@<host>:<folder>" (imap_sync.cpp, cursor_key()).
DELETE FROM sync_cursors WHERE key LIKE 'imap:%@%:%';
)sql"},
    {5, "what findings beyond unanswered mail carry", R"sql(
ALTER TABLE findings ADD COLUMN domain TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN engagement TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN ends TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN details TEXT NOT NULL DEFAULT '';
)sql"},
}};

}  // namespace

std::span<const Migration> builtin_migrations() {
  return migrations;
}

}  // namespace nachfass
