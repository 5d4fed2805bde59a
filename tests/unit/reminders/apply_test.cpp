// Plan -> place -> apply against the in-memory calendar and store: idempotency, and a crash after
// every single step of applying a plan followed by a fresh run (the model of the SIGKILL test).
#include <gtest/gtest.h>

#include <date/tz.h>

#include <map>
#include <string>
#include <vector>

#include "core/reconcile.hpp"
#include "reminder_test_support.hpp"

namespace nachfass {
namespace {

using test::at;
using test::FakeWorld;
using test::finding;

enum class Expect { open, done, none };

class ReminderApply : public ::testing::Test {
 protected:
  ReminderSettings settings;
  BusinessCalendar calendar{date::locate_zone("Europe/Berlin"),
                            BusinessHours{},
                            HolidayRegion::parse("DE-BY").value_or(HolidayRegion{}),
                            {}};
  std::vector<BusyInterval> busy{{at("2026-11-16 12:00 +01:00"), at("2026-11-16 13:00 +01:00")}};

  // One whole run: observe, plan, place, apply. Returns the plan as applied.
  ReminderPlan run(FakeWorld& world, const std::vector<Finding>& findings, UnixSeconds now,
                   int max_steps = 1 << 30) {
    ReminderPlan plan = plan_reminders(findings, world.observe(), settings, now);
    const std::vector<std::string> warnings = place_reminders(plan, busy, calendar, settings, now);
    EXPECT_TRUE(warnings.empty());
    world.apply(plan, now, max_steps);
    return plan;
  }

  // The calendar holds exactly what `expected` says, once per key, each event owned by exactly
  // one row that knows its content, and a further run has nothing to do.
  void expect_converged(FakeWorld& world, const std::vector<Finding>& findings,
                        const std::map<std::string, Expect>& expected, UnixSeconds now) {
    std::map<std::string, int> events_per_key;
    for (const auto& [href, stored] : world.calendar) ++events_per_key[stored.event.key];
    for (const auto& [key, expect] : expected) {
      const int count = events_per_key.contains(key) ? events_per_key.at(key) : 0;
      EXPECT_EQ(count, expect == Expect::none ? 0 : 1) << key;
    }
    EXPECT_EQ(world.calendar.size(),
              static_cast<std::size_t>(std::count_if(expected.begin(), expected.end(), [](auto& e) {
                return e.second != Expect::none;
              })));
    for (const auto& [href, stored] : world.calendar) {
      const std::string& key = stored.event.key;
      ASSERT_TRUE(world.store.contains(key)) << "orphan event " << href;
      const OwnedReminder& row = world.store.at(key);
      EXPECT_EQ(row.href, href);
      EXPECT_EQ(row.fingerprint, reminder_fingerprint(stored.event)) << key;
      EXPECT_EQ(stored.event.completed, expected.at(key) == Expect::done) << key;
      EXPECT_EQ(row.state,
                stored.event.completed ? ReminderState::completed : ReminderState::active);
      EXPECT_GT(stored.event.end, stored.event.start) << key;
    }
    for (const Finding& f : findings) {
      if (expected.at(f.key) != Expect::open) continue;
      const OwnedReminder& row = world.store.at(f.key);
      EXPECT_EQ(world.calendar.at(row.href).event.description,
                reminder_text(f, settings, false).description);
    }
    const ReminderPlan again = plan_reminders(findings, world.observe(), settings, now);
    EXPECT_TRUE(again.actions.empty())
        << again.actions.size() << " actions, first "
        << (again.actions.empty() ? std::string_view() : again.actions[0].why);
  }

  // Monday 16 November 2026. Run 1 places A 08:00, B 08:30, C 09:00, F 09:30, D 10:00.
  const UnixSeconds monday_early = at("2026-11-16 07:00 +01:00");
  const UnixSeconds monday_later = at("2026-11-16 09:10 +01:00");
  std::vector<Finding> first_findings() const {
    return {finding("u-a", 90), finding("u-b", 80), finding("u-c", 70), finding("u-d", 10),
            finding("u-f", 60)};
  }
  // By 09:10: B has a new customer message, C was answered (its reminder was due), D was
  // dismissed (its reminder still ahead), E is new; the user moved A to 11:00 and deleted F.
  std::vector<Finding> second_findings() const {
    Finding b = finding("u-b", 80, 0, "u-b-2@mail.example");
    b.reason = "Kontakt u-b hat nachgelegt";
    return {finding("u-a", 90), b, finding("u-e", 50), finding("u-f", 60)};
  }
  void user_edits(FakeWorld& world) const {
    const OwnedReminder& a = world.store.at("u-a");
    world.edit_by_user(a.href, at("2026-11-16 11:00 +01:00"), at("2026-11-16 11:30 +01:00"));
    world.calendar.erase(world.store.at("u-f").href);
  }
  const std::map<std::string, Expect> second_expected{{"u-a", Expect::open}, {"u-b", Expect::open},
                                                      {"u-c", Expect::done}, {"u-d", Expect::none},
                                                      {"u-e", Expect::open}, {"u-f", Expect::none}};
};

TEST_F(ReminderApply, FirstRunPlacesMostUrgentFirst) {
  FakeWorld world;
  run(world, first_findings(), monday_early);
  EXPECT_EQ(world.calendar_writes, 5);
  const auto start_of = [&](const char* key) {
    return world.calendar.at(world.store.at(key).href).event.start;
  };
  EXPECT_EQ(start_of("u-a"), at("2026-11-16 08:00 +01:00"));
  EXPECT_EQ(start_of("u-b"), at("2026-11-16 08:30 +01:00"));
  EXPECT_EQ(start_of("u-c"), at("2026-11-16 09:00 +01:00"));
  EXPECT_EQ(start_of("u-f"), at("2026-11-16 09:30 +01:00"));
  EXPECT_EQ(start_of("u-d"), at("2026-11-16 10:00 +01:00"));
}

TEST_F(ReminderApply, SecondRunInARowWritesNothing) {
  FakeWorld world;
  run(world, first_findings(), monday_early);
  const int writes = world.calendar_writes;
  const int store_writes = world.store_writes;
  const ReminderPlan second = run(world, first_findings(), monday_early + 60);
  EXPECT_TRUE(second.actions.empty());
  EXPECT_EQ(second.unchanged, 5U);
  EXPECT_EQ(world.calendar_writes, writes);
  EXPECT_EQ(world.store_writes, store_writes);
}

TEST_F(ReminderApply, ChangesConvergeInOneRunAndThenRest) {
  FakeWorld world;
  run(world, first_findings(), monday_early);
  user_edits(world);
  const ReminderPlan plan = run(world, second_findings(), monday_later);
  std::map<std::string, std::vector<ReminderActionKind>> kinds;
  for (const ReminderAction& a : plan.actions) kinds[a.key].push_back(a.kind);
  using K = ReminderActionKind;
  EXPECT_EQ(kinds["u-a"], std::vector<K>{K::record});
  EXPECT_EQ(kinds["u-b"], std::vector<K>{K::update});
  EXPECT_EQ(kinds["u-c"], std::vector<K>{K::complete});
  EXPECT_EQ(kinds["u-d"], std::vector<K>{K::remove});
  EXPECT_EQ(kinds["u-e"], std::vector<K>{K::create});
  EXPECT_EQ(kinds["u-f"], std::vector<K>{K::record});
  expect_converged(world, second_findings(), second_expected, monday_later);
  // The user's time for A stands; E went to the first free slot after 09:10.
  EXPECT_EQ(world.calendar.at(world.store.at("u-a").href).event.start,
            at("2026-11-16 11:00 +01:00"));
  EXPECT_EQ(world.calendar.at(world.store.at("u-e").href).event.start,
            at("2026-11-16 09:15 +01:00"));
  EXPECT_EQ(world.store.at("u-f").state, ReminderState::deleted_by_user);
}

TEST_F(ReminderApply, WithoutEtagsFromTheServerTheNextRunOnlyRecords) {
  FakeWorld world;
  world.return_etags = false;
  run(world, first_findings(), monday_early);
  const int writes = world.calendar_writes;
  const ReminderPlan second = run(world, first_findings(), monday_early + 60);
  EXPECT_EQ(world.calendar_writes, writes);
  for (const ReminderAction& a : second.actions) EXPECT_EQ(a.kind, ReminderActionKind::record);
  const ReminderPlan third = run(world, first_findings(), monday_early + 120);
  EXPECT_TRUE(third.actions.empty());
}

// A crash after each step of the first run (from an empty calendar), then a fresh run.
TEST_F(ReminderApply, CrashAnywhereInTheFirstRunIsRepaired) {
  FakeWorld reference;
  const ReminderPlan plan = plan_reminders(first_findings(), {}, settings, monday_early);
  ReminderPlan placed = plan;
  place_reminders(placed, busy, calendar, settings, monday_early);
  const int total = reference.apply(placed, monday_early);
  ASSERT_GT(total, 10);
  std::map<std::string, Expect> all_open;
  for (const Finding& f : first_findings()) all_open[f.key] = Expect::open;
  for (int crash_after = 0; crash_after <= total; ++crash_after) {
    SCOPED_TRACE("crash after step " + std::to_string(crash_after));
    FakeWorld world;
    run(world, first_findings(), monday_early, crash_after);
    run(world, first_findings(), monday_early + 60);
    expect_converged(world, first_findings(), all_open, monday_early + 60);
  }
}

// A crash after each step of the second run (every kind of action), then a fresh run.
TEST_F(ReminderApply, CrashAnywhereInTheSecondRunIsRepaired) {
  FakeWorld probe;
  run(probe, first_findings(), monday_early);
  user_edits(probe);
  ReminderPlan plan = plan_reminders(second_findings(), probe.observe(), settings, monday_later);
  place_reminders(plan, busy, calendar, settings, monday_later);
  const int total = probe.apply(plan, monday_later);
  ASSERT_GT(total, 8);
  for (int crash_after = 0; crash_after <= total; ++crash_after) {
    SCOPED_TRACE("crash after step " + std::to_string(crash_after));
    FakeWorld world;
    run(world, first_findings(), monday_early);
    user_edits(world);
    run(world, second_findings(), monday_later, crash_after);
    run(world, second_findings(), monday_later + 60);
    expect_converged(world, second_findings(), second_expected, monday_later + 60);
  }
}

// Two crashes in a row, at every pair of steps: the repair run itself is killed too.
TEST_F(ReminderApply, CrashDuringTheRepairIsRepairedToo) {
  FakeWorld probe;
  run(probe, first_findings(), monday_early);
  user_edits(probe);
  ReminderPlan plan = plan_reminders(second_findings(), probe.observe(), settings, monday_later);
  place_reminders(plan, busy, calendar, settings, monday_later);
  const int total = probe.apply(plan, monday_later);
  for (int first = 1; first <= total; first += 2) {
    for (int second = 1; second <= total; second += 3) {
      SCOPED_TRACE("crashes after steps " + std::to_string(first) + " and " +
                   std::to_string(second));
      FakeWorld world;
      run(world, first_findings(), monday_early);
      user_edits(world);
      run(world, second_findings(), monday_later, first);
      run(world, second_findings(), monday_later + 30, second);
      run(world, second_findings(), monday_later + 60);
      expect_converged(world, second_findings(), second_expected, monday_later + 60);
    }
  }
}

}  // namespace
}  // namespace nachfass
