// Opening the store: file creation and modes, connection settings, migrations, and every kind of
// file that is not (or not yet, or no longer) a state file this build may write to.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nachfass {
namespace {

using store_test::error_id;
using store_test::numbered;
using store_test::ok;
using store_test::RawDb;
using store_test::read_bytes;
using store_test::TempDir;
using store_test::write_bytes;

mode_t mode_of(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return 07777;
  return status.st_mode & 07777;
}

// Sets the process umask for the scope of a test.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;
  ~ScopedUmask() { ::umask(previous_); }

 private:
  mode_t previous_;
};

Message message(const std::string& source_id) {
  Message m;
  m.source_id = source_id;
  m.folder = "INBOX";
  m.subject = "subject of " + source_id;
  return m;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(byte(generator));
  return bytes;
}

void expect_names_file(const Error& error, const std::filesystem::path& file) {
  EXPECT_NE(error.message.find(file.string()), std::string::npos) << error.to_string();
}

// ---- Creation

TEST(StoreOpen, CreatesPrivateDirectoriesAndFileWhateverTheUmask) {
  TempDir dir;
  const auto file = dir / "config" / "nachfass" / "accounts" / "state.db";
  ScopedUmask permissive(0);
  auto store = Store::open(file);
  ASSERT_TRUE(ok(store));
  ASSERT_TRUE(ok(store->upsert_messages(std::vector<Message>{message("a")})));

  EXPECT_EQ(mode_of(dir / "config"), 0700u);
  EXPECT_EQ(mode_of(dir / "config" / "nachfass"), 0700u);
  EXPECT_EQ(mode_of(dir / "config" / "nachfass" / "accounts"), 0700u);
  EXPECT_EQ(mode_of(file), 0600u);
  // WAL side files exist while the store is open and inherit the database's mode.
  const auto wal = std::filesystem::path(file.string() + "-wal");
  const auto shm = std::filesystem::path(file.string() + "-shm");
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_EQ(mode_of(wal), 0600u);
  EXPECT_EQ(mode_of(shm), 0600u);
  EXPECT_EQ(mode_of(dir.path()), 0700u);  // mkdtemp's own mode, untouched
}

TEST(StoreOpen, NewFileAndDirectoriesAreUsableUnderARestrictiveUmask) {
  TempDir dir;
  ScopedUmask restrictive(0277);  // would leave r-- for the file and r-x for directories
  const auto file = dir / "sub" / "state.db";
  auto store = Store::open(file);
  ASSERT_TRUE(ok(store));
  EXPECT_EQ(mode_of(dir / "sub"), 0700u);
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_TRUE(ok(store->set_cursor("k", "v")));
}

TEST(StoreOpen, LeavesExistingDirectoryModesAlone) {
  TempDir dir;
  std::filesystem::create_directory(dir / "shared");
  std::filesystem::permissions(dir / "shared", std::filesystem::perms(0755));
  ASSERT_TRUE(ok(Store::open(dir / "shared" / "state.db")));
  EXPECT_EQ(mode_of(dir / "shared"), 0755u);
}

TEST(StoreOpen, FreshFileHasApplicationIdEveryMigrationAndWal) {
  TempDir dir;
  const auto file = dir / "state.db";
  {
    auto store = Store::open(file);
    ASSERT_TRUE(ok(store));
    auto info = store->info();
    ASSERT_TRUE(ok(info));
    EXPECT_EQ(info->schema_version, static_cast<int>(builtin_migrations().size()));
    EXPECT_EQ(info->journal_mode, "wal");
    EXPECT_EQ(info->synchronous, 1);  // NORMAL
    EXPECT_TRUE(info->foreign_keys);
    EXPECT_EQ(info->busy_timeout_ms, 5000);
    EXPECT_EQ(store->file(), file.string());
  }
  RawDb raw(file);
  EXPECT_EQ(raw.integer("PRAGMA application_id"), store_application_id);
  EXPECT_EQ(raw.integer("PRAGMA user_version"),
            static_cast<std::int64_t>(builtin_migrations().size()));
  EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                        "('messages', 'sync_cursors', 'findings', 'dismissals', 'snoozes')"),
            5);
}

TEST(StoreOpen, MemoryStoreHasTheSameSchema) {
  auto store = Store::open_memory();
  ASSERT_TRUE(ok(store));
  auto info = store->info();
  ASSERT_TRUE(ok(info));
  EXPECT_EQ(info->schema_version, static_cast<int>(builtin_migrations().size()));
  EXPECT_EQ(info->journal_mode, "memory");
  EXPECT_EQ(store->file(), ":memory:");
  ASSERT_TRUE(ok(store->upsert_messages(std::vector<Message>{message("a")})));
  auto count = store->message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 1u);
}

TEST(StoreOpen, StoreIsMovable) {
  auto opened = Store::open_memory();
  ASSERT_TRUE(ok(opened));
  Store first = std::move(*opened);
  ASSERT_TRUE(ok(first.set_cursor("k", "v")));
  Store second = std::move(first);
  auto value = second.get_cursor("k");
  ASSERT_TRUE(ok(value));
  EXPECT_EQ(value->value_or("missing"), "v");
  auto other = Store::open_memory();
  ASSERT_TRUE(ok(other));
  second = std::move(*other);
  value = second.get_cursor("k");
  ASSERT_TRUE(ok(value));
  EXPECT_FALSE(value->has_value());
}

TEST(StoreOpen, EmptyExistingFileIsInitialized) {
  TempDir dir;
  const auto file = dir / "state.db";
  write_bytes(file, "");
  std::filesystem::permissions(file, std::filesystem::perms(0640));
  auto store = Store::open(file);
  ASSERT_TRUE(ok(store));
  auto info = store->info();
  ASSERT_TRUE(ok(info));
  EXPECT_EQ(info->schema_version, static_cast<int>(builtin_migrations().size()));
  EXPECT_EQ(mode_of(file), 0640u);  // an existing file keeps its mode
}

TEST(StoreOpen, DirectoryInsteadOfFileIsAnIoError) {
  TempDir dir;
  std::filesystem::create_directory(dir / "state.db");
  const auto result = Store::open(dir / "state.db");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.io");
  expect_names_file(result.error(), dir / "state.db");
}

TEST(StoreOpen, ParentThatIsAFileIsAnIoError) {
  TempDir dir;
  write_bytes(dir / "not-a-dir", "x");
  const auto result = Store::open(dir / "not-a-dir" / "sub" / "state.db");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.io");
  EXPECT_EQ(read_bytes(dir / "not-a-dir"), "x");
}

// ---- Files that are not ours

TEST(StoreOpen, RandomBytesAreCorruptAndLeftUnchanged) {
  for (const std::size_t size : {1u, 15u, 99u, 100u, 4096u, 65536u + 17u}) {
    SCOPED_TRACE(size);
    TempDir dir;
    const auto file = dir / "state.db";
    const auto bytes = random_bytes(size, static_cast<unsigned>(size));
    write_bytes(file, bytes);
    const auto result = Store::open(file);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().id, "store.corrupt");
    EXPECT_EQ(result.error().scope, ErrorScope::fatal);
    expect_names_file(result.error(), file);
    EXPECT_NE(result.error().message.find("mail is untouched"), std::string::npos);
    EXPECT_NE(result.error().message.find("rescan"), std::string::npos);
    EXPECT_EQ(read_bytes(file), bytes);
    EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
    EXPECT_FALSE(std::filesystem::exists(file.string() + "-journal"));
  }
}

TEST(StoreOpen, TruncatedStateFileIsCorruptAndLeftUnchanged) {
  // A file cut short after the SQLite header (a failed copy): SQLite must not start afresh.
  for (const std::size_t size : {16u, 50u, 100u, 1000u}) {
    SCOPED_TRACE(size);
    TempDir dir;
    const auto file = dir / "state.db";
    const auto bytes =
        (std::string("SQLite format 3\0", 16) + random_bytes(size, 3)).substr(0, size);
    write_bytes(file, bytes);
    EXPECT_EQ(error_id(Store::open(file)), "store.corrupt");
    EXPECT_EQ(read_bytes(file), bytes);
  }
}

TEST(StoreOpen, TextFileIsCorruptAndLeftUnchanged) {
  TempDir dir;
  const auto file = dir / "config.toml";
  const std::string text = "[account]\nname = \"work\"\nimap = \"imap.example.com\"\n";
  write_bytes(file, text);
  EXPECT_EQ(error_id(Store::open(file)), "store.corrupt");
  EXPECT_EQ(read_bytes(file), text);
}

TEST(StoreOpen, DamagedStateFileIsCorruptAndLeftUnchanged) {
  TempDir dir;
  const auto file = dir / "state.db";
  {
    auto store = Store::open(file);
    ASSERT_TRUE(ok(store));
    std::vector<Message> messages;
    for (int i = 0; i < 2000; ++i) messages.push_back(message(numbered("m", i)));
    ASSERT_TRUE(ok(store->upsert_messages(messages)));
  }  // closing the last connection checkpoints the WAL into the file
  auto bytes = read_bytes(file);
  ASSERT_GT(bytes.size(), 16u * 4096u);
  const auto garbage = random_bytes(8 * 4096, 7);
  bytes.replace(4 * 4096, garbage.size(), garbage);
  write_bytes(file, bytes);

  const auto result = Store::open(file);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.corrupt");
  expect_names_file(result.error(), file);
  EXPECT_EQ(read_bytes(file), bytes);
}

TEST(StoreOpen, ForeignSqliteDatabaseIsRefusedAndLeftUnchanged) {
  TempDir dir;
  const auto file = dir / "places.sqlite";
  {
    RawDb raw(file);
    raw.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)");
    raw.exec("INSERT INTO moz_places (url) VALUES ('https://example.com')");
  }
  const auto bytes = read_bytes(file);
  const auto result = Store::open(file);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.foreign");
  expect_names_file(result.error(), file);
  EXPECT_EQ(read_bytes(file), bytes);
}

TEST(StoreOpen, SqliteDatabaseWithAnotherApplicationIdIsForeignEvenIfEmpty) {
  TempDir dir;
  const auto file = dir / "other.db";
  {
    RawDb raw(file);
    raw.exec("PRAGMA application_id = 1234");
  }
  const auto bytes = read_bytes(file);
  EXPECT_EQ(error_id(Store::open(file)), "store.foreign");
  EXPECT_EQ(read_bytes(file), bytes);
}

// ---- Migrations

TEST(StoreMigrations, BuiltinListIsNumberedFromOne) {
  const auto migrations = builtin_migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1));
    EXPECT_FALSE(migrations[i].sql.empty());
    EXPECT_FALSE(migrations[i].summary.empty());
  }
}

TEST(StoreMigrations, OldDatabaseIsUpgradedAndKeepsItsData) {
  ASSERT_GE(builtin_migrations().size(), 2u);
  TempDir dir;
  const auto file = dir / "state.db";
  {
    StoreOptions version_1;
    version_1.migrations = builtin_migrations().first(1);
    auto store = Store::open(file, version_1);
    ASSERT_TRUE(ok(store));
    ASSERT_TRUE(ok(store->upsert_messages(std::vector<Message>{message("a"), message("b")})));
    ASSERT_TRUE(ok(store->set_cursor("imap:INBOX", "uidnext=3")));
  }
  {
    RawDb raw(file);
    ASSERT_EQ(raw.integer("PRAGMA user_version"), 1);
    ASSERT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'findings'"), 0);
  }
  auto store = Store::open(file);
  ASSERT_TRUE(ok(store));
  auto info = store->info();
  ASSERT_TRUE(ok(info));
  EXPECT_EQ(info->schema_version, static_cast<int>(builtin_migrations().size()));
  auto count = store->message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 2u);
  auto cursor = store->get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(cursor));
  EXPECT_EQ(cursor->value_or("missing"), "uidnext=3");
  EXPECT_TRUE(ok(store->dismiss("u-1", "m@x", 1)));  // tables of the later migration work
}

// How any later table arrives: one more entry in the list.
std::vector<Migration> builtin_plus(const Migration& extra) {
  std::vector<Migration> migrations(builtin_migrations().begin(), builtin_migrations().end());
  migrations.push_back(extra);
  return migrations;
}

TEST(StoreMigrations, AppendingAMigrationAddsItsTableAndKeepsData) {
  TempDir dir;
  const auto file = dir / "state.db";
  {
    auto store = Store::open(file);
    ASSERT_TRUE(ok(store));
    ASSERT_TRUE(ok(store->upsert_messages(std::vector<Message>{message("a")})));
  }
  const int next = static_cast<int>(builtin_migrations().size()) + 1;
  const auto extended =
      builtin_plus({next, "customer directory",
                    "CREATE TABLE customers (domain TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL) "
                    "WITHOUT ROWID"});
  StoreOptions options;
  options.migrations = extended;
  {
    auto store = Store::open(file, options);
    ASSERT_TRUE(ok(store));
    auto info = store->info();
    ASSERT_TRUE(ok(info));
    EXPECT_EQ(info->schema_version, next);
    auto count = store->message_count();
    ASSERT_TRUE(ok(count));
    EXPECT_EQ(*count, 1u);
  }
  RawDb raw(file);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'customers'"), 1);
  EXPECT_EQ(raw.integer("PRAGMA user_version"), next);
}

TEST(StoreMigrations, NewerSchemaIsRefusedWithBothVersionsAndLeftUnchanged) {
  TempDir dir;
  const auto file = dir / "state.db";
  const int known = static_cast<int>(builtin_migrations().size());
  const auto newer = builtin_plus({known + 1, "from the future", "CREATE TABLE future (x)"});
  StoreOptions options;
  options.migrations = newer;
  ASSERT_TRUE(ok(Store::open(file, options)));
  const auto bytes = read_bytes(file);

  const auto result = Store::open(file);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.newer_schema");
  EXPECT_EQ(result.error().scope, ErrorScope::fatal);
  expect_names_file(result.error(), file);
  EXPECT_NE(result.error().message.find("version " + std::to_string(known + 1)), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("up to " + std::to_string(known)), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("upgrade nachfass"), std::string::npos);
  EXPECT_NE(result.error().message.find("--state"), std::string::npos);
  EXPECT_EQ(read_bytes(file), bytes);
}

TEST(StoreMigrations, FailingMigrationLeavesTheEarlierVersion) {
  TempDir dir;
  const auto file = dir / "state.db";
  const int known = static_cast<int>(builtin_migrations().size());
  {
    auto store = Store::open(file);
    ASSERT_TRUE(ok(store));
    ASSERT_TRUE(ok(store->set_cursor("k", "v")));
  }
  // Its first statement succeeds, its second fails: the first must not survive either.
  const auto broken =
      builtin_plus({known + 1, "broken", "CREATE TABLE half_done (x); CREATE TABLE messages (x)"});
  StoreOptions options;
  options.migrations = broken;
  const auto result = Store::open(file, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.internal");
  EXPECT_NE(result.error().message.find("migration " + std::to_string(known + 1)),
            std::string::npos)
      << result.error().message;
  {
    RawDb raw(file);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), known);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"), 0);
  }
  auto store = Store::open(file);
  ASSERT_TRUE(ok(store));
  auto cursor = store->get_cursor("k");
  ASSERT_TRUE(ok(cursor));
  EXPECT_EQ(cursor->value_or("missing"), "v");
}

TEST(StoreMigrations, MisnumberedListIsRejectedBeforeTouchingTheFile) {
  TempDir dir;
  const auto file = dir / "state.db";
  const std::vector<Migration> gap{{1, "one", "CREATE TABLE one (x)"},
                                   {3, "three", "CREATE TABLE three (x)"}};
  StoreOptions options;
  options.migrations = gap;
  EXPECT_EQ(error_id(Store::open(file, options)), "store.internal");
  EXPECT_FALSE(std::filesystem::exists(file));
}

}  // namespace
}  // namespace nachfass
