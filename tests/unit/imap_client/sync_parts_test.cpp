// The sync's pure building blocks: cursors, source ids, folder choice, password sources.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "imap/sync/imap_sync.hpp"

namespace nachfass::imap {
namespace {

TEST(ImapCursor, RoundTripsAndRejectsJunk) {
  ImapCursor c;
  c.uidvalidity = 1700000000;
  c.uidnext = 4242;
  c.synced_through = 4241;
  c.exists = 4000;
  c.highestmodseq = 123456789012345ull;
  c.complete = true;
  auto parsed = ImapCursor::parse(c.serialise());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, c);
  EXPECT_FALSE(ImapCursor::parse(""));
  EXPECT_FALSE(ImapCursor::parse("v2 uidvalidity=1"));
  EXPECT_FALSE(
      ImapCursor::parse("v1 uidvalidity=1 uidnext=x synced=0 exists=0 modseq=0 complete=1"));
  EXPECT_FALSE(ImapCursor::parse(
      "v1 uidvalidity=99999999999 uidnext=1 synced=0 exists=0 modseq=0 complete=1"));
  EXPECT_FALSE(
      ImapCursor::parse("v1 uidvalidity=0 uidnext=1 synced=0 exists=0 modseq=0 complete=1"));
}

TEST(ImapSourceId, StableForm) {
  EXPECT_EQ(imap_source_id("Gesendete Elemente", 17, 4), "Gesendete Elemente;UIDVALIDITY=17;UID=4");
  ImapConfig config;
  config.username = "anna";
  config.host = "imap.example.com";
  EXPECT_EQ(cursor_key(config, "INBOX"), "imap:anna@imap.example.com:INBOX");
}

ListEntry entry(std::string name, std::vector<std::string> attributes = {}) {
  ListEntry e;
  e.name = e.raw_name = std::move(name);
  e.delimiter = '.';
  e.attributes = std::move(attributes);
  return e;
}

TEST(ImapFolders, SpecialUseThenNamesThenConfig) {
  ImapConfig config;
  std::vector<ListEntry> entries = {entry("INBOX"), entry("Sent"), entry("Postausgang", {"\\Sent"}),
                                    entry("Entwürfe")};
  auto choice = choose_folders(entries, config);
  EXPECT_EQ(choice.sent, "Postausgang");
  EXPECT_EQ(choice.drafts, "Entwürfe");

  entries = {entry("INBOX"), entry("INBOX.Gesendete Objekte"), entry("Drafts", {"\\Noselect"})};
  choice = choose_folders(entries, config);
  EXPECT_EQ(choice.sent, "INBOX.Gesendete Objekte");
  EXPECT_EQ(choice.drafts, "");

  for (const char* name : {"Sent Items", "Gesendet", "Gesendete Elemente", "sent messages"}) {
    choice = choose_folders({entry(name)}, config);
    EXPECT_EQ(choice.sent, name);
  }
  config.sent_folder = "Mein Ausgang";
  config.drafts_folder = "Vorlagen";
  choice = choose_folders(entries, config);
  EXPECT_EQ(choice.sent, "Mein Ausgang");
  EXPECT_EQ(choice.drafts, "Vorlagen");
}

TEST(ImapPassword, Sources) {
  ImapConfig config;
  config.username = "anna";
  config.host = "imap.example.com";
  auto none = resolve_password(config);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().id, "imap.password");

  config.password_env = "NACHFASS_TEST_IMAP_PW_UNSET_VAR";
  ::unsetenv(config.password_env.c_str());
  ASSERT_FALSE(resolve_password(config));
  ::setenv(config.password_env.c_str(), "pw from env", 1);
  EXPECT_EQ(*resolve_password(config), "pw from env");
  ::unsetenv(config.password_env.c_str());

  config.password_env.clear();
  const auto file =
      std::filesystem::temp_directory_path() / ("nachfass-pw-" + std::to_string(::getpid()));
  std::ofstream(file) << "geheim\n";
  ::chmod(file.c_str(), 0644);
  config.password_file = file;
  auto open = resolve_password(config);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().id, "imap.password");
  EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
  EXPECT_NE(open.error().message.find("0644"), std::string::npos);
  EXPECT_EQ(open.error().message.find("geheim"), std::string::npos);
  ::chmod(file.c_str(), 0600);
  EXPECT_EQ(*resolve_password(config), "geheim");
  std::filesystem::remove(file);

  config.password_file.clear();
  config.keyring = "";
  auto keyring = resolve_password(config);
  ASSERT_FALSE(keyring);
  EXPECT_EQ(keyring.error().id, "imap.keyring_unavailable");
}

}  // namespace
}  // namespace nachfass::imap
