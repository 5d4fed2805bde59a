// plan_reminders: one test per transition of a finding key (store row x calendar x finding).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/reconcile.hpp"
#include "reminder_test_support.hpp"

namespace nachfass {
namespace {

using test::at;
using test::finding;
using Kind = ReminderActionKind;

class ReminderPlanning : public ::testing::Test {
 protected:
  ReminderSettings settings;
  const UnixSeconds now = at("2026-11-16 10:00 +01:00");
  const UnixSeconds past = at("2026-11-16 08:00 +01:00");
  const UnixSeconds future = at("2026-11-17 09:00 +01:00");
  static constexpr std::int64_t kSlot = 30 * 60;

  std::string fingerprint_of(const Finding& f, bool completed = false) const {
    return reminder_fingerprint(reminder_text(f, settings, completed));
  }

  // A row as the engine would have left it after writing `f`'s reminder at `start`.
  OwnedReminder row(const Finding& f, ReminderState state, UnixSeconds start) const {
    OwnedReminder r;
    r.calendar = "cal";
    r.key = f.key;
    r.href = "cal/" + f.key + ".ics";
    r.uid = reminder_uid(f.key);
    r.etag = state == ReminderState::creating ? "" : "\"1\"";
    r.state = state;
    r.start = start;
    r.end = start + kSlot;
    r.fingerprint = fingerprint_of(f, state == ReminderState::completed);
    r.awaiting = f.awaiting;
    r.updated_at = past;
    return r;
  }

  static CalendarEvent event_for(const OwnedReminder& r, std::string etag) {
    CalendarEvent e;
    e.href = r.href;
    e.etag = std::move(etag);
    e.uid = r.uid;
    e.nachfass_key = r.key;
    e.start = r.start;
    e.end = r.end;
    e.summary = "Nachfassen: Kunde " + r.key + " – Angebot " + r.key;
    e.raw = "BEGIN:VCALENDAR";
    return e;
  }

  static ObservedReminder seen(OwnedReminder r, bool present,
                               std::optional<CalendarEvent> fetched = std::nullopt) {
    ObservedReminder o;
    o.owned = std::move(r);
    o.present = present;
    o.fetched = std::move(fetched);
    return o;
  }

  ReminderPlan plan(const std::vector<Finding>& findings,
                    const std::vector<ObservedReminder>& observed) const {
    return plan_reminders(findings, observed, settings, now);
  }
};

TEST_F(ReminderPlanning, NoRowCreatesUnplaced) {
  const Finding f = finding("u-a", 70, at("2026-11-02 09:00 +01:00"));
  const ReminderPlan p = plan({f}, {});
  ASSERT_EQ(p.actions.size(), 1U);
  const ReminderAction& a = p.actions[0];
  EXPECT_EQ(a.kind, Kind::create);
  EXPECT_EQ(a.key, "u-a");
  EXPECT_EQ(a.href, "");
  EXPECT_FALSE(a.placed);
  EXPECT_EQ(a.urgency, 70);
  EXPECT_EQ(a.since, f.since);
  EXPECT_EQ(a.awaiting, f.awaiting);
  EXPECT_EQ(a.event, reminder_text(f, settings, false));
  EXPECT_EQ(a.why, "new finding");
  EXPECT_EQ(p.unchanged, 0U);
  EXPECT_TRUE(p.kept.empty());
}

TEST_F(ReminderPlanning, CreatingPresentIsAdopted) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::creating, future);
  const ReminderPlan p = plan({f}, {seen(r, true, event_for(r, "\"7\""))});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].owned.state, ReminderState::active);
  EXPECT_EQ(p.actions[0].owned.etag, "\"7\"");
  EXPECT_EQ(p.actions[0].owned.fingerprint, r.fingerprint);
  EXPECT_EQ(p.kept, (std::vector<BusyInterval>{{future, future + kSlot}}));
}

TEST_F(ReminderPlanning, CreatingPresentWithOldContentIsAdoptedAndUpdated) {
  const Finding before = finding("u-a");
  Finding after = before;
  after.subject = "anders";
  const OwnedReminder r = row(before, ReminderState::creating, future);
  const ReminderPlan p = plan({after}, {seen(r, true, event_for(r, "\"7\""))});
  ASSERT_EQ(p.actions.size(), 2U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].owned.state, ReminderState::active);
  const ReminderAction& update = p.actions[1];
  EXPECT_EQ(update.kind, Kind::update);
  EXPECT_TRUE(update.placed);
  EXPECT_EQ(update.event.start, future);
  EXPECT_EQ(update.event.description, reminder_text(after, settings, false).description);
  ASSERT_TRUE(update.current);
  EXPECT_EQ(update.current->etag, "\"7\"");
  EXPECT_EQ(update.owned, p.actions[0].owned);
}

TEST_F(ReminderPlanning, CreatingAbsentIsCreatedAgainAtTheSameHref) {
  const Finding f = finding("u-a");
  const OwnedReminder ahead = row(f, ReminderState::creating, future);
  ReminderPlan p = plan({f}, {seen(ahead, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::create);
  EXPECT_EQ(p.actions[0].href, ahead.href);
  EXPECT_TRUE(p.actions[0].placed);
  EXPECT_EQ(p.actions[0].event.start, future);
  EXPECT_EQ(p.actions[0].event.end, future + kSlot);
  EXPECT_EQ(p.kept, (std::vector<BusyInterval>{{future, future + kSlot}}));

  const OwnedReminder behind = row(f, ReminderState::creating, past);
  p = plan({f}, {seen(behind, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::create);
  EXPECT_EQ(p.actions[0].href, behind.href);
  EXPECT_FALSE(p.actions[0].placed);
  EXPECT_TRUE(p.kept.empty());
}

TEST_F(ReminderPlanning, ActiveUnchangedNeedsNothing) {
  const Finding f = finding("u-a");
  const ReminderPlan p = plan({f}, {seen(row(f, ReminderState::active, future), true)});
  EXPECT_TRUE(p.actions.empty());
  EXPECT_EQ(p.unchanged, 1U);
  EXPECT_EQ(p.kept, (std::vector<BusyInterval>{{future, future + kSlot}}));
}

TEST_F(ReminderPlanning, MovedByTheUserKeepsTheirTime) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::active, future);
  CalendarEvent moved = event_for(r, "\"2\"");
  moved.start = future + 3600;
  moved.end = future + 3600 + 45 * 60;
  const ReminderPlan p = plan({f}, {seen(r, true, moved)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].why, "moved by the user");
  EXPECT_EQ(p.actions[0].owned.start, moved.start);
  EXPECT_EQ(p.actions[0].owned.end, moved.end);
  EXPECT_EQ(p.actions[0].owned.etag, "\"2\"");
  EXPECT_EQ(p.actions[0].owned.state, ReminderState::active);
  EXPECT_EQ(p.kept, (std::vector<BusyInterval>{{moved.start, moved.end}}));
}

TEST_F(ReminderPlanning, MovedAndChangedUpdatesAtTheUsersTime) {
  const Finding before = finding("u-a");
  Finding after = before;
  after.subject = "Neues Angebot";
  const OwnedReminder r = row(before, ReminderState::active, future);
  CalendarEvent moved = event_for(r, "\"2\"");
  moved.start = future + 3600;
  moved.end = future + 3600 + kSlot;
  const ReminderPlan p = plan({after}, {seen(r, true, moved)});
  ASSERT_EQ(p.actions.size(), 1U);
  const ReminderAction& a = p.actions[0];
  EXPECT_EQ(a.kind, Kind::update);
  EXPECT_TRUE(a.placed);
  EXPECT_EQ(a.event.start, moved.start);
  EXPECT_EQ(a.event.end, moved.end);
  EXPECT_EQ(a.event.summary, "Nachfassen: Kunde u-a – Neues Angebot");
  ASSERT_TRUE(a.current);
  EXPECT_EQ(a.current->etag, "\"2\"");
  EXPECT_EQ(a.owned, r);
  EXPECT_EQ(a.why, "moved by the user; reason changed");
}

TEST_F(ReminderPlanning, ChangedContentUpdatesInPlace) {
  const Finding before = finding("u-a");
  Finding after = before;
  after.awaiting = "u-a-2@mail.example";
  const OwnedReminder r = row(before, ReminderState::active, future);
  const ReminderPlan p = plan({after}, {seen(r, true)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::update);
  EXPECT_EQ(p.actions[0].event.start, future);
  EXPECT_FALSE(p.actions[0].current);
  EXPECT_EQ(p.actions[0].awaiting, "u-a-2@mail.example");
  EXPECT_EQ(p.actions[0].why, "new message from the customer");
}

TEST_F(ReminderPlanning, OtherClientsEditIsLeftAlone) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::active, future);
  CalendarEvent edited = event_for(r, "\"9\"");
  edited.summary = "Nachfassen: umbenannt vom Benutzer";
  const ReminderPlan p = plan({f}, {seen(r, true, edited)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].owned.etag, "\"9\"");
  EXPECT_EQ(p.actions[0].owned.start, r.start);
  EXPECT_EQ(p.actions[0].owned.fingerprint, r.fingerprint);
}

TEST_F(ReminderPlanning, DeletedByTheUserIsNotRecreated) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::active, future);
  ReminderPlan p = plan({f}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].owned.state, ReminderState::deleted_by_user);
  EXPECT_EQ(p.actions[0].owned.awaiting, f.awaiting);
  EXPECT_TRUE(p.kept.empty());

  p = plan({f}, {seen(p.actions[0].owned, false)});
  EXPECT_TRUE(p.actions.empty());
  EXPECT_EQ(p.unchanged, 1U);
}

TEST_F(ReminderPlanning, DeletedByTheUserComesBackForANewCustomerMessage) {
  const Finding f = finding("u-a");
  OwnedReminder r = row(f, ReminderState::deleted_by_user, future);
  Finding again = f;
  again.awaiting = "u-a-2@mail.example";
  ReminderPlan p = plan({again}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::create);
  EXPECT_EQ(p.actions[0].href, r.href);
  EXPECT_FALSE(p.actions[0].placed);
  EXPECT_EQ(p.actions[0].awaiting, again.awaiting);

  // Deleted in this very round while the customer wrote again: no detour over deleted_by_user.
  r.state = ReminderState::active;
  p = plan({again}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::create);
  EXPECT_EQ(p.actions[0].href, r.href);
}

TEST_F(ReminderPlanning, DeletedByTheUserAndFindingGoneIsForgotten) {
  const Finding f = finding("u-a");
  const ReminderPlan p = plan({}, {seen(row(f, ReminderState::deleted_by_user, future), false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);
  EXPECT_EQ(p.actions[0].key, "u-a");
}

TEST_F(ReminderPlanning, RestoredByTheUserIsAdoptedAgain) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::deleted_by_user, future);
  const ReminderPlan p = plan({f}, {seen(r, true, event_for(r, "\"4\""))});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].owned.state, ReminderState::active);
}

TEST_F(ReminderPlanning, CompletedAndFindingBackReopens) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::completed, past);
  ReminderPlan p = plan({f}, {seen(r, true)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::update);
  EXPECT_FALSE(p.actions[0].placed);
  EXPECT_FALSE(p.actions[0].event.completed);
  EXPECT_EQ(p.actions[0].href, r.href);
  EXPECT_TRUE(p.kept.empty());

  p = plan({f}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::create);
  EXPECT_EQ(p.actions[0].href, r.href);
  EXPECT_FALSE(p.actions[0].placed);
}

TEST_F(ReminderPlanning, CompletedStaysAsDoneRecord) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::completed, past);
  ReminderPlan p = plan({}, {seen(r, true)});
  EXPECT_TRUE(p.actions.empty());
  EXPECT_EQ(p.unchanged, 1U);
  EXPECT_TRUE(p.kept.empty());
  // The user deleted the done record: nothing left to keep track of.
  p = plan({}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);
}

TEST_F(ReminderPlanning, RemovingIsFinished) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::removing, future);
  ReminderPlan p = plan({}, {seen(r, true)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::remove);
  EXPECT_EQ(p.actions[0].href, r.href);
  EXPECT_TRUE(p.kept.empty());
  p = plan({}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);
}

TEST_F(ReminderPlanning, RemovingWhileTheFindingCameBackKeepsOrRestoresIt) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::removing, future);
  ReminderPlan p = plan({f}, {seen(r, true)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::record);
  EXPECT_EQ(p.actions[0].owned.state, ReminderState::active);
  p = plan({f}, {seen(r, false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::create);
  EXPECT_EQ(p.actions[0].href, r.href);
  EXPECT_TRUE(p.actions[0].placed);
}

TEST_F(ReminderPlanning, GoneBeforeDueIsRemoved) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::active, future);
  const ReminderPlan p = plan({}, {seen(r, true)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::remove);
  EXPECT_EQ(p.actions[0].owned, r);
  EXPECT_TRUE(p.kept.empty());
}

TEST_F(ReminderPlanning, GoneAfterDueIsCompletedAtItsTime) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::active, past);
  ObservedReminder o = seen(r, true);
  o.last_known = f;
  ReminderPlan p = plan({}, {o});
  ASSERT_EQ(p.actions.size(), 1U);
  ReminderAction a = p.actions[0];
  EXPECT_EQ(a.kind, Kind::complete);
  EXPECT_TRUE(a.event.completed);
  EXPECT_EQ(a.event.summary, "Erledigt: Kunde u-a – Angebot u-a");
  EXPECT_EQ(a.event.start, past);
  EXPECT_EQ(a.event.end, past + kSlot);
  EXPECT_TRUE(p.kept.empty());

  // Without the last known finding the text comes from the fetched summary.
  o.last_known.reset();
  o.owned.etag = "\"1\"";
  o.fetched = event_for(r, "\"3\"");
  p = plan({}, {o});
  ASSERT_EQ(p.actions.size(), 1U);
  a = p.actions[0];
  EXPECT_EQ(a.kind, Kind::complete);
  EXPECT_EQ(a.event.summary, "Erledigt: Kunde u-a – Angebot u-a");
  EXPECT_EQ(a.event.uid, r.uid);
  EXPECT_TRUE(a.event.completed);
  ASSERT_TRUE(a.current);
  EXPECT_EQ(a.current->etag, "\"3\"");

  // And without either, from the key.
  o.fetched.reset();
  settings.language = Language::en;
  p = plan({}, {o});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].event.summary, "Done: u-a");
}

TEST_F(ReminderPlanning, GoneUsesTheUsersTimeToDecide) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::active, future);
  CalendarEvent moved = event_for(r, "\"2\"");
  moved.start = past;
  moved.end = past + kSlot;
  const ReminderPlan p = plan({}, {seen(r, true, moved)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::complete);
  EXPECT_EQ(p.actions[0].event.start, past);
}

TEST_F(ReminderPlanning, GoneCreatingRows) {
  const Finding f = finding("u-a");
  ReminderPlan p = plan({}, {seen(row(f, ReminderState::creating, future), false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);

  OwnedReminder r = row(f, ReminderState::creating, future);
  p = plan({}, {seen(r, true, event_for(r, "\"1\""))});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::remove);
  ASSERT_TRUE(p.actions[0].current);

  r = row(f, ReminderState::creating, past);
  p = plan({}, {seen(r, true, event_for(r, "\"1\""))});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::complete);
}

TEST_F(ReminderPlanning, GoneAndDeletedByTheUserIsForgotten) {
  const Finding f = finding("u-a");
  const ReminderPlan p = plan({}, {seen(row(f, ReminderState::active, future), false)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);
}

TEST_F(ReminderPlanning, SomeoneElsesEventAtOurHrefIsNeverTouched) {
  const Finding f = finding("u-a");
  const OwnedReminder r = row(f, ReminderState::creating, future);
  CalendarEvent foreign = event_for(r, "\"1\"");
  foreign.uid = "meeting-42@example.com";
  ReminderPlan p = plan({f}, {seen(r, true, foreign)});
  ASSERT_EQ(p.actions.size(), 2U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);
  EXPECT_EQ(p.actions[1].kind, Kind::create);
  EXPECT_EQ(p.actions[1].href, "");
  p = plan({}, {seen(r, true, foreign)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(p.actions[0].kind, Kind::forget);
}

TEST_F(ReminderPlanning, ActionsInKeyOrderDuplicatesAndEmptyKeysSkipped) {
  Finding empty = finding("u-x");
  empty.key.clear();
  const Finding b = finding("u-b", 10);
  Finding b_again = finding("u-b", 99);
  const Finding a = finding("u-a");
  const Finding c = finding("u-c");
  const ReminderPlan p = plan({c, empty, b, b_again, a},
                              {seen(row(finding("u-bb"), ReminderState::active, future), true)});
  ASSERT_EQ(p.actions.size(), 4U);
  EXPECT_EQ(p.actions[0].key, "u-a");
  EXPECT_EQ(p.actions[1].key, "u-b");
  EXPECT_EQ(p.actions[1].urgency, 10);
  EXPECT_EQ(p.actions[2].key, "u-bb");
  EXPECT_EQ(p.actions[2].kind, Kind::remove);
  EXPECT_EQ(p.actions[3].key, "u-c");
}

TEST_F(ReminderPlanning, ActionKindNames) {
  EXPECT_EQ(to_string(Kind::create), "create");
  EXPECT_EQ(to_string(Kind::update), "update");
  EXPECT_EQ(to_string(Kind::remove), "remove");
  EXPECT_EQ(to_string(Kind::complete), "complete");
  EXPECT_EQ(to_string(Kind::record), "record");
  EXPECT_EQ(to_string(Kind::forget), "forget");
}

// --- the rows around a write ---------------------------------------------------------------

TEST_F(ReminderPlanning, UpdateRowBeforeWriteKeepsTheOldFingerprint) {
  const Finding before = finding("u-a");
  Finding after = before;
  after.subject = "neu";
  const OwnedReminder r = row(before, ReminderState::active, future);
  const ReminderPlan p = plan({after}, {seen(r, true)});
  ASSERT_EQ(p.actions.size(), 1U);
  const OwnedReminder intent = row_before_write(p.actions[0], "cal", r.href, now);
  EXPECT_EQ(intent.fingerprint, r.fingerprint);
  EXPECT_EQ(intent.state, ReminderState::active);
  const OwnedReminder done = row_after_write(p.actions[0], "cal", r.href, "\"2\"", now);
  EXPECT_EQ(done.fingerprint, fingerprint_of(after));
  EXPECT_EQ(done.etag, "\"2\"");
  EXPECT_EQ(done.state, ReminderState::active);
  EXPECT_EQ(done.updated_at, now);
}

TEST_F(ReminderPlanning, CreateAndRemoveRowsAroundTheWrite) {
  const Finding f = finding("u-a");
  ReminderPlan p = plan({f}, {});
  p.actions[0].event.start = future;
  p.actions[0].event.end = future + kSlot;
  const OwnedReminder intent = row_before_write(p.actions[0], "cal", "cal/x.ics", now);
  EXPECT_EQ(intent.state, ReminderState::creating);
  EXPECT_EQ(intent.calendar, "cal");
  EXPECT_EQ(intent.key, "u-a");
  EXPECT_EQ(intent.href, "cal/x.ics");
  EXPECT_EQ(intent.uid, reminder_uid("u-a"));
  EXPECT_EQ(intent.etag, "");
  EXPECT_EQ(intent.start, future);
  EXPECT_EQ(intent.fingerprint, fingerprint_of(f));
  EXPECT_EQ(intent.awaiting, f.awaiting);

  p = plan({}, {seen(row(f, ReminderState::active, future), true)});
  EXPECT_EQ(row_before_write(p.actions[0], "cal", p.actions[0].href, now).state,
            ReminderState::removing);
}

TEST_F(ReminderPlanning, CompleteRowBeforeWriteStaysActive) {
  const Finding f = finding("u-a");
  const ReminderPlan p = plan({}, {seen(row(f, ReminderState::active, past), true)});
  ASSERT_EQ(p.actions.size(), 1U);
  EXPECT_EQ(row_before_write(p.actions[0], "cal", p.actions[0].href, now).state,
            ReminderState::active);
  EXPECT_EQ(row_after_write(p.actions[0], "cal", p.actions[0].href, "\"5\"", now).state,
            ReminderState::completed);
}

}  // namespace
}  // namespace nachfass
