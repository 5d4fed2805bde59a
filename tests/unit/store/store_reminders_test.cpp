// The reminder ownership rows (migration 3): round trip of every field and state, per-calendar
// listing, replacement, forgetting, unique hrefs, an undecodable state, and survival of a reopen.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nachfass {
namespace {

using store_test::error_id;
using store_test::hostile_strings;
using store_test::ok;
using store_test::RawDb;
using store_test::TempDir;

OwnedReminder row(std::string calendar, std::string key, ReminderState state) {
  OwnedReminder r;
  r.calendar = std::move(calendar);
  r.key = key;
  r.href = r.calendar + "nachfass-" + key + ".ics";
  r.uid = reminder_uid(key);
  r.etag = "\"etag-" + key + "\"";
  r.state = state;
  r.start = 1'790'000'000;
  r.end = 1'790'001'800;
  r.fingerprint = "0123456789abcdef";
  r.awaiting = key + "@mail.example";
  r.updated_at = 1'789'000'000;
  return r;
}

class StoreReminders : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() {
    store_.reset();
    auto opened = Store::open(dir_ / "state.db");
    ASSERT_TRUE(ok(opened));
    store_.emplace(std::move(*opened));
  }
  Store& store() { return *store_; }

  TempDir dir_;
  std::optional<Store> store_;
};

TEST_F(StoreReminders, EveryFieldAndStateRoundTripsAcrossReopen) {
  const std::vector<ReminderState> states{ReminderState::creating, ReminderState::active,
                                          ReminderState::removing, ReminderState::completed,
                                          ReminderState::deleted_by_user};
  std::vector<OwnedReminder> written;
  for (std::size_t i = 0; i < states.size(); ++i) {
    written.push_back(row("https://dav.example/cal/", "u-" + std::to_string(i), states[i]));
    ASSERT_TRUE(ok(store().save_reminder(written.back())));
  }
  open();
  auto read = store().reminders("https://dav.example/cal/");
  ASSERT_TRUE(ok(read));
  EXPECT_EQ(*read, written);
}

TEST_F(StoreReminders, ListsOneCalendarOrAllAndReplacesByKey) {
  ASSERT_TRUE(ok(store().save_reminder(row("https://b/", "u-2", ReminderState::active))));
  ASSERT_TRUE(ok(store().save_reminder(row("https://a/", "u-1", ReminderState::creating))));
  ASSERT_TRUE(ok(store().save_reminder(row("https://a/", "u-0", ReminderState::active))));
  auto updated = row("https://a/", "u-1", ReminderState::active);
  updated.etag = "\"new\"";
  updated.start += 3600;
  ASSERT_TRUE(ok(store().save_reminder(updated)));

  auto a = store().reminders("https://a/");
  ASSERT_TRUE(ok(a));
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].key, "u-0");
  EXPECT_EQ((*a)[1], updated);

  auto all = store().reminders("");
  ASSERT_TRUE(ok(all));
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].calendar, "https://b/");
}

TEST_F(StoreReminders, ForgetIsIdempotentAndScopedToTheCalendar) {
  ASSERT_TRUE(ok(store().save_reminder(row("https://a/", "u-1", ReminderState::active))));
  ASSERT_TRUE(ok(store().save_reminder(row("https://b/", "u-1", ReminderState::active))));
  ASSERT_TRUE(ok(store().forget_reminder("https://a/", "u-1")));
  ASSERT_TRUE(ok(store().forget_reminder("https://a/", "u-1")));
  auto a = store().reminders("https://a/");
  auto b = store().reminders("https://b/");
  ASSERT_TRUE(ok(a));
  ASSERT_TRUE(ok(b));
  EXPECT_TRUE(a->empty());
  EXPECT_EQ(b->size(), 1u);
}

TEST_F(StoreReminders, AnHrefBelongsToOneKeyOnly) {
  ASSERT_TRUE(ok(store().save_reminder(row("https://a/", "u-1", ReminderState::active))));
  auto clash = row("https://a/", "u-2", ReminderState::creating);
  clash.href = "https://a/nachfass-u-1.ics";
  const auto saved = store().save_reminder(clash);
  EXPECT_FALSE(saved);
  EXPECT_EQ(error_id(saved), "store.internal");
  auto a = store().reminders("https://a/");
  ASSERT_TRUE(ok(a));
  EXPECT_EQ(a->size(), 1u);
}

TEST_F(StoreReminders, HostileStringsRoundTrip) {
  for (const auto& text : hostile_strings()) {
    auto r = row("https://a/", "k", ReminderState::active);
    r.etag = text;
    r.awaiting = text;
    r.fingerprint = text;
    ASSERT_TRUE(ok(store().save_reminder(r)));
    auto read = store().reminders("https://a/");
    ASSERT_TRUE(ok(read));
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ(read->front(), r);
  }
}

TEST_F(StoreReminders, AnUnknownStateIsReportedAsCorrupt) {
  ASSERT_TRUE(ok(store().save_reminder(row("https://a/", "u-1", ReminderState::active))));
  store_.reset();
  {
    RawDb raw(dir_ / "state.db");
    raw.exec("UPDATE reminders SET state = 42");
  }
  open();
  const auto read = store().reminders("");
  EXPECT_FALSE(read);
  EXPECT_EQ(error_id(read), "store.corrupt");
}

}  // namespace
}  // namespace nachfass
