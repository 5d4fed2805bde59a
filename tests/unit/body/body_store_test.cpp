// Bodies through the store (migration 4, upsert/remove, message_body), the Maildir reader and
// StoreMessageTexts, with a real Store in a temporary directory.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../store/store_test_support.hpp"
#include "core/corpus.hpp"
#include "engine/message_texts.hpp"
#include "maildir/maildir_reader.hpp"
#include "store/store.hpp"

namespace nachfass {
namespace {

using store_test::TempDir;

Message message(std::string source_id, std::string body, std::string folder = "INBOX") {
  Message m;
  m.source_id = std::move(source_id);
  m.folder = std::move(folder);
  m.message_id = m.source_id + "@example.com";
  m.subject = "Angebot";
  m.from = {"kunde@mueller.de", "Sabine Keller"};
  m.date = 1'790'000'000;
  m.body = std::move(body);
  return m;
}

std::string body_of(Store& store, std::string_view source_id) {
  auto body = store.message_body(source_id);
  EXPECT_TRUE(body.has_value()) << (body ? "" : body.error().to_string());
  return body ? *body : std::string("<error>");
}

std::int64_t count_rows(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  std::int64_t value = -1;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
      value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

TEST(BodyStore, UpsertStoresUpdatesAndRemovalRemovesTheBody) {
  TempDir dir;
  const auto file = dir / "state.db";
  {
    auto store = Store::open(file);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    ASSERT_TRUE(store->upsert_messages(std::vector<Message>{
        message("INBOX/1", "Bitte um Angebot für 80 Stück."), message("INBOX/2", "")}));
    EXPECT_EQ(body_of(*store, "INBOX/1"), "Bitte um Angebot für 80 Stück.");
    EXPECT_EQ(body_of(*store, "INBOX/2"), "");
    EXPECT_EQ(body_of(*store, "INBOX/unknown"), "");

    ASSERT_TRUE(store->upsert_messages(std::vector<Message>{message("INBOX/1", "Neuer Text")}));
    EXPECT_EQ(body_of(*store, "INBOX/1"), "Neuer Text");
    // An empty body is a row too: "read, no text", not "not read yet".
    auto without = store->message_source_ids_without_body("INBOX");
    ASSERT_TRUE(without.has_value());
    EXPECT_TRUE(without->empty());

    auto removed = store->remove_messages(std::vector<std::string>{"INBOX/1"});
    ASSERT_TRUE(removed.has_value());
    EXPECT_EQ(*removed, 1u);
    EXPECT_EQ(body_of(*store, "INBOX/1"), "");
  }
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM message_bodies"), 1);
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM messages"), 1);
}

TEST(BodyStore, MigrationFourKeepsOldMessagesAndClearsImapCursors) {
  TempDir dir;
  const auto file = dir / "state.db";
  {
    StoreOptions version_3;
    version_3.migrations = builtin_migrations().first(3);
    auto store = Store::open(file, version_3);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    ASSERT_TRUE(store->upsert_messages(std::vector<Message>{
        message("INBOX/old", "not kept by this schema"), message("Sent/old", "", "Sent")}));
    ASSERT_TRUE(store->set_cursor("imap:anna@imap.example.com:INBOX", "v1 uidvalidity=1 ..."));
    ASSERT_TRUE(store->set_cursor("caldav:calendar", "etag"));
  }
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM sqlite_master WHERE name = 'message_bodies'"),
            0);
  auto store = Store::open(file);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  auto info = store->info();
  ASSERT_TRUE(info.has_value());
  EXPECT_GE(info->schema_version, 4);
  EXPECT_TRUE(info->foreign_keys);  // the cascade from messages to message_bodies needs them
  auto count = store->message_count();
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 2u);
  // IMAP: the next sync is a full one (which stores the bodies); other cursors stay.
  auto imap = store->get_cursor("imap:anna@imap.example.com:INBOX");
  ASSERT_TRUE(imap.has_value());
  EXPECT_FALSE(imap->has_value());
  auto other = store->get_cursor("caldav:calendar");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->value_or(""), "etag");
  // Maildir: the messages without a body row are the ones to read again.
  auto without = store->message_source_ids_without_body("INBOX");
  ASSERT_TRUE(without.has_value());
  EXPECT_EQ(*without, std::vector<std::string>{"INBOX/old"});
  EXPECT_EQ(body_of(*store, "INBOX/old"), "");
  ASSERT_TRUE(store->upsert_messages(std::vector<Message>{message("INBOX/old", "jetzt da")}));
  EXPECT_EQ(body_of(*store, "INBOX/old"), "jetzt da");
  without = store->message_source_ids_without_body("INBOX");
  ASSERT_TRUE(without.has_value());
  EXPECT_TRUE(without->empty());
}

TEST(BodyStore, BodiesRollBackWithTheirTransaction) {
  auto store = Store::open_memory();
  ASSERT_TRUE(store.has_value());
  auto failed = store->transaction([](Store& s) -> Result<void> {
    if (auto r = s.upsert_messages(std::vector<Message>{message("INBOX/1", "weg")}); !r)
      return r.error();
    return make_error(ErrorScope::item, "test.abort", "abort");
  });
  EXPECT_FALSE(failed.has_value());
  EXPECT_EQ(body_of(*store, "INBOX/1"), "");
  auto count = store->message_count();
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 0u);
}

TEST(BodyStore, StoreMessageTextsLooksUpAndCaches) {
  TempDir dir;
  auto store = Store::open(dir / "state.db");
  ASSERT_TRUE(store.has_value());
  std::vector<Message> messages{message("INBOX/a", "Wir kündigen zum 31.12."),
                                message("INBOX/b", "")};
  messages[1].date += 60;
  ASSERT_TRUE(store->upsert_messages(messages));
  Corpus corpus;
  ASSERT_TRUE(store->load_messages(corpus).has_value());
  ASSERT_EQ(corpus.size(), 2u);
  engine::StoreMessageTexts texts(*store, corpus);
  const MessageTexts& as_port = texts;
  EXPECT_EQ(as_port.body(0), "Wir kündigen zum 31.12.");
  EXPECT_EQ(as_port.body(1), "");
  EXPECT_EQ(as_port.body(7), "");  // outside the corpus
  const std::string_view first = texts.body(0);
  // Cached: a later change in the store does not move what a detection run already read, and the
  // view stays valid while more bodies are looked up.
  ASSERT_TRUE(store->upsert_messages(std::vector<Message>{message("INBOX/a", "geändert")}));
  EXPECT_EQ(texts.body(0), "Wir kündigen zum 31.12.");
  EXPECT_EQ(texts.body(1), "");
  EXPECT_EQ(first, "Wir kündigen zum 31.12.");
  // A fresh object reads the new text.
  EXPECT_EQ(engine::StoreMessageTexts(*store, corpus).body(0), "geändert");
}

TEST(BodyStore, StoreMessageTextsGivesEmptyOnStoreErrors) {
  // A store at schema 3 has no message_bodies table: every lookup fails inside the store.
  StoreOptions version_3;
  version_3.migrations = builtin_migrations().first(3);
  auto store = Store::open_memory(version_3);
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE(store->upsert_messages(std::vector<Message>{message("INBOX/a", "text")}));
  EXPECT_FALSE(store->message_body("INBOX/a").has_value());
  Corpus corpus;
  ASSERT_TRUE(store->load_messages(corpus).has_value());
  engine::StoreMessageTexts texts(*store, corpus);
  EXPECT_EQ(texts.body(0), "");
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(BodyMaildir, ReaderFillsTheBody) {
  TempDir dir;
  const auto root = dir / "Maildir";
  std::filesystem::create_directories(root / "new");
  std::filesystem::create_directories(root / "tmp");
  write_file(root / "cur" / "1790000000.M1P1.host:2,S",
             "From: Sabine Keller <s.keller@mueller.de>\nSubject: Angebot\n"
             "Message-ID: <a1@mueller.de>\nContent-Type: text/plain; charset=iso-8859-1\n"
             "Content-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe aus M=FCnchen\n\n"
             "Am 12.03.2026 um 10:14 schrieb Anna Vogel:\n> alt\n");
  // A big attachment first and the text part after 64 KiB: the text is not reached.
  std::string big =
      "From: x@y.de\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
      "Content-Type: application/octet-stream\n\n" +
      std::string(70 * 1024, 'A') + "\n--b\nContent-Type: text/plain\n\nspät\n--b--\n";
  write_file(root / "cur" / "1790000001.M2P1.host:2,S", big);
  write_file(root / "cur" / "1790000002.M3P1.host:2,S",
             "From: x@y.de\nContent-Type: text/html\n\n<p>Nur&nbsp;HTML</p>\n");

  auto folders = maildir::discover_folders(root);
  ASSERT_TRUE(folders.has_value());
  ASSERT_EQ(folders->size(), 1u);
  std::vector<Message> read;
  maildir::ScanCallbacks callbacks;
  callbacks.message = [&](Message&& m) { read.push_back(std::move(m)); };
  auto scan = maildir::scan_folder(folders->front(), {}, callbacks);
  ASSERT_TRUE(scan.has_value());
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].body, "Grüße aus München");
  EXPECT_EQ(read[0].subject, "Angebot");
  EXPECT_EQ(read[1].body, "");
  EXPECT_EQ(read[2].body, "Nur HTML");

  // Stored and read back through the port.
  auto store = Store::open_memory();
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE(store->upsert_messages(read));
  EXPECT_EQ(body_of(*store, read[0].source_id), "Grüße aus München");
}

}  // namespace
}  // namespace nachfass
