// A Dovecot that announces neither CONDSTORE nor QRESYNC (`start --imap-no-condstore`), started
// by this test in a state dir of its own: the sync falls back to UIDNEXT and UID SEARCH.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "imap/sync/imap_sync.hpp"
#include "store/store.hpp"

namespace nachfass::test {
namespace {

TEST(ImapSyncNoCondstore, SyncsNewFlaggedAndExpungedMail) {
  const char* work = std::getenv("NACHFASS_TEST_WORK_DIR");
  ASSERT_NE(work, nullptr);
  Harness harness;
  harness.dir = work;
  std::filesystem::create_directories(harness.dir.parent_path());
  ASSERT_EQ(harness.run("start", "--only dovecot --imap-no-condstore"), 0);
  struct Stop {
    Harness& h;
    ~Stop() { h.run("stop"); }
  } stop{harness};
  harness = Harness::load(work);
  ASSERT_EQ(harness.env.at("NACHFASS_IMAP_CONDSTORE"), "0");

  TempDir tmp("nocondstore");
  write_corpus(tmp.path / "a", 250, 61);
  write_corpus(tmp.path / "b", 80, 62);
  ASSERT_EQ(harness.run("load-maildir",
                        "--clear --maildir " + shell_quote((tmp.path / "a" / "maildir").string())),
            0);
  auto store = Store::open_memory();
  ASSERT_TRUE(store);
  imap::ImapImportOptions options;
  options.secret = harness.password();
  options.ca_file = harness.ca_file.string();
  options.batch_messages = 64;
  auto expect_match = [&] {
    std::vector<Message> stored;
    ASSERT_TRUE(store->for_each_message([&](const Message& m) { stored.push_back(m); }));
    EXPECT_TRUE(describe_all(stored) == describe_all(read_maildir(harness.maildir())));
  };

  auto first = imap::import_imap(harness.config(), *store, {}, {}, options);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->added, 250u);
  expect_match();

  auto idle = imap::import_imap(harness.config(), *store, {}, {}, options);
  ASSERT_TRUE(idle) << idle.error().to_string();
  EXPECT_EQ(idle->per_folder[0].mode, "plain");
  EXPECT_EQ(idle->added + idle->removed, 0u);

  ASSERT_EQ(harness.run("load-maildir",
                        "--maildir " + shell_quote((tmp.path / "b" / "maildir").string())),
            0);
  ASSERT_EQ(harness.doveadm("flags add -u anna \\\\Flagged mailbox INBOX uid 1:10"), 0);
  ASSERT_EQ(harness.doveadm("expunge -u anna mailbox INBOX uid 3:12"), 0);
  auto second = imap::import_imap(harness.config(), *store, {}, {}, options);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(second->per_folder[0].mode, "plain");
  EXPECT_EQ(second->added, 80u);
  EXPECT_EQ(second->removed, 10u);
  expect_match();
}

}  // namespace
}  // namespace nachfass::test
