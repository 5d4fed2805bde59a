// place_reminders: working hours, weekends, holidays, DST, busy time, max_per_day, urgency,
// horizon; and a naive minute-by-minute search as the reference on random cases.
#include <gtest/gtest.h>

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/reconcile.hpp"
#include "reminder_test_support.hpp"

namespace nachfass {
namespace {

using test::at;
using test::finding;

constexpr std::array<bool, 7> kAllWeek{true, true, true, true, true, true, true};

BusinessCalendar calendar_for(std::string_view region, const char* zone = "Europe/Berlin",
                              BusinessHours hours = BusinessHours{}) {
  return BusinessCalendar(date::locate_zone(zone), hours,
                          HolidayRegion::parse(region).value_or(HolidayRegion{}), {});
}

std::vector<Finding> findings(int count) {
  std::vector<Finding> list;
  for (int i = 0; i < count; ++i) {
    list.push_back(finding("u-" + std::to_string(1000 + i), 50));
  }
  return list;
}

class ReminderPlace : public ::testing::Test {
 protected:
  ReminderSettings settings;
  BusinessCalendar berlin_by = calendar_for("DE-BY");

  // Places reminders for `list` (all new) and returns their starts in urgency order.
  std::vector<UnixSeconds> place(const std::vector<Finding>& list, UnixSeconds now,
                                 const std::vector<BusyInterval>& busy = {},
                                 const BusinessCalendar* calendar = nullptr,
                                 std::vector<BusyInterval> kept = {},
                                 std::vector<std::string>* warnings = nullptr) {
    ReminderPlan plan = plan_reminders(list, {}, settings, now);
    plan.kept = std::move(kept);
    const std::vector<std::string> w =
        place_reminders(plan, busy, calendar != nullptr ? *calendar : berlin_by, settings, now);
    if (warnings != nullptr) *warnings = w;
    std::vector<const ReminderAction*> ordered;
    for (const ReminderAction& a : plan.actions) {
      EXPECT_TRUE(a.placed) << a.key;
      EXPECT_EQ(a.event.end - a.event.start, std::int64_t{settings.minutes} * 60);
      ordered.push_back(&a);
    }
    std::sort(ordered.begin(), ordered.end(), [](const ReminderAction* x, const ReminderAction* y) {
      return x->event.start < y->event.start;
    });
    std::vector<UnixSeconds> starts;
    for (const ReminderAction* a : ordered) starts.push_back(a->event.start);
    return starts;
  }
};

TEST_F(ReminderPlace, FirstSlotOfTheWorkingDayAlignedToTheStep) {
  EXPECT_EQ(place(findings(1), at("2026-11-16 06:00 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-16 08:00 +01:00")});
  EXPECT_EQ(place(findings(1), at("2026-11-16 08:07 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-16 08:15 +01:00")});
  EXPECT_EQ(place(findings(1), at("2026-11-16 08:15 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-16 08:15 +01:00")});
  settings.step_minutes = 20;
  EXPECT_EQ(place(findings(1), at("2026-11-16 08:01 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-16 08:20 +01:00")});
}

TEST_F(ReminderPlace, SlotsFitInsideTheDay) {
  EXPECT_EQ(place(findings(1), at("2026-11-16 16:20 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-16 16:30 +01:00")});
  EXPECT_EQ(place(findings(1), at("2026-11-16 16:45 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-17 08:00 +01:00")});
  EXPECT_EQ(place(findings(3), at("2026-11-16 16:00 +01:00")),
            (std::vector<UnixSeconds>{at("2026-11-16 16:00 +01:00"), at("2026-11-16 16:30 +01:00"),
                                      at("2026-11-17 08:00 +01:00")}));
}

TEST_F(ReminderPlace, WeekendsAreSkipped) {
  EXPECT_EQ(place(findings(1), at("2026-11-20 16:50 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-23 08:00 +01:00")});
  EXPECT_EQ(place(findings(1), at("2026-11-21 10:00 +01:00")),
            std::vector<UnixSeconds>{at("2026-11-23 08:00 +01:00")});
}

TEST_F(ReminderPlace, GermanHolidaysPerState) {
  // Heilige Drei Könige (6 January) is a holiday in Bavaria, not in Berlin.
  EXPECT_EQ(place(findings(1), at("2027-01-05 16:45 +01:00")),
            std::vector<UnixSeconds>{at("2027-01-07 08:00 +01:00")});
  const BusinessCalendar berlin_be = calendar_for("DE-BE");
  EXPECT_EQ(place(findings(1), at("2027-01-05 16:45 +01:00"), {}, &berlin_be),
            std::vector<UnixSeconds>{at("2027-01-06 08:00 +01:00")});
  // Christmas on Friday, then the weekend.
  EXPECT_EQ(place(findings(1), at("2026-12-24 16:45 +01:00")),
            std::vector<UnixSeconds>{at("2026-12-28 08:00 +01:00")});
  // Extra holidays of the company.
  const BusinessCalendar with_extra(date::locate_zone("Europe/Berlin"), BusinessHours{},
                                    HolidayRegion::parse("DE-BY").value_or(HolidayRegion{}),
                                    {std::chrono::year{2026} / 12 / 28});
  EXPECT_EQ(place(findings(1), at("2026-12-24 16:45 +01:00"), {}, &with_extra),
            std::vector<UnixSeconds>{at("2026-12-29 08:00 +01:00")});
}

TEST_F(ReminderPlace, DaylightSavingWeek) {
  // Summer time ends on Sunday 25 October 2026: Friday is +02:00, Monday +01:00.
  EXPECT_EQ(
      place(findings(2), at("2026-10-23 16:15 +02:00")),
      (std::vector<UnixSeconds>{at("2026-10-23 16:15 +02:00"), at("2026-10-26 08:00 +01:00")}));
  // Starts on Sunday 29 March 2026: Friday +01:00, Monday +02:00.
  EXPECT_EQ(place(findings(1), at("2026-03-27 16:45 +01:00")),
            std::vector<UnixSeconds>{at("2026-03-30 08:00 +02:00")});
}

TEST_F(ReminderPlace, AlignmentAcrossTheSwitchInLocalTime) {
  const BusinessCalendar always =
      calendar_for("none", "Europe/Berlin", BusinessHours{kAllWeek, 0, 1440});
  // 01:50 local, then 02:00 does not exist: the next aligned local time is 03:00 CEST.
  EXPECT_EQ(place(findings(1), at("2026-03-29 01:50 +01:00"), {}, &always),
            std::vector<UnixSeconds>{at("2026-03-29 03:00 +02:00")});
  // 02:50 CEST, then the clock goes back: 02:00 CET is the next aligned instant.
  EXPECT_EQ(place(findings(1), at("2026-10-25 02:50 +02:00"), {}, &always),
            std::vector<UnixSeconds>{at("2026-10-25 02:00 +01:00")});
  // India is +05:30: alignment follows local time, not UTC.
  const BusinessCalendar kolkata =
      calendar_for("none", "Asia/Kolkata", BusinessHours{kAllWeek, 0, 1440});
  EXPECT_EQ(place(findings(1), at("2026-11-16 10:01 +05:30"), {}, &kolkata),
            std::vector<UnixSeconds>{at("2026-11-16 10:15 +05:30")});
}

TEST_F(ReminderPlace, BusyIntervalsAndKeptRemindersAreAvoided) {
  const std::vector<BusyInterval> busy{
      {at("2026-11-16 09:40 +01:00"), at("2026-11-16 10:00 +01:00")},
      {at("2026-11-16 08:00 +01:00"), at("2026-11-16 09:10 +01:00")},
      {at("2026-11-16 09:00 +01:00"), at("2026-11-16 09:20 +01:00")},  // overlaps the first
      {at("2026-11-16 10:30 +01:00"), at("2026-11-16 10:30 +01:00")},  // empty: ignored
  };
  const std::vector<BusyInterval> kept{
      {at("2026-11-16 10:00 +01:00"), at("2026-11-16 10:30 +01:00")}};
  EXPECT_EQ(place(findings(3), at("2026-11-16 07:00 +01:00"), busy, nullptr, kept),
            (std::vector<UnixSeconds>{at("2026-11-16 10:30 +01:00"), at("2026-11-16 11:00 +01:00"),
                                      at("2026-11-16 11:30 +01:00")}));
}

TEST_F(ReminderPlace, BusyAllDaySkipsTheDay) {
  const std::vector<BusyInterval> busy{
      {at("2026-11-16 00:00 +01:00"), at("2026-11-17 00:00 +01:00")}};
  EXPECT_EQ(place(findings(1), at("2026-11-16 07:00 +01:00"), busy),
            std::vector<UnixSeconds>{at("2026-11-17 08:00 +01:00")});
}

TEST_F(ReminderPlace, AtMostMaxPerDayCountingKeptOnes) {
  settings.max_per_day = 3;
  EXPECT_EQ(place(findings(5), at("2026-11-16 07:00 +01:00")),
            (std::vector<UnixSeconds>{at("2026-11-16 08:00 +01:00"), at("2026-11-16 08:30 +01:00"),
                                      at("2026-11-16 09:00 +01:00"), at("2026-11-17 08:00 +01:00"),
                                      at("2026-11-17 08:30 +01:00")}));
  // One reminder that stays on Monday afternoon counts towards Monday.
  const std::vector<BusyInterval> kept{
      {at("2026-11-16 15:00 +01:00"), at("2026-11-16 15:30 +01:00")}};
  EXPECT_EQ(place(findings(5), at("2026-11-16 07:00 +01:00"), {}, nullptr, kept),
            (std::vector<UnixSeconds>{at("2026-11-16 08:00 +01:00"), at("2026-11-16 08:30 +01:00"),
                                      at("2026-11-17 08:00 +01:00"), at("2026-11-17 08:30 +01:00"),
                                      at("2026-11-17 09:00 +01:00")}));
}

TEST_F(ReminderPlace, MostUrgentFirstThenOldestThenKey) {
  std::vector<Finding> list{finding("u-low", 10, at("2026-10-01 09:00 +02:00")),
                            finding("u-high", 90, at("2026-11-10 09:00 +01:00")),
                            finding("u-mid-new", 50, at("2026-11-10 09:00 +01:00")),
                            finding("u-mid-old", 50, at("2026-11-02 09:00 +01:00")),
                            finding("u-mid-b", 50, at("2026-11-02 09:00 +01:00"))};
  ReminderPlan plan = plan_reminders(list, {}, settings, at("2026-11-16 07:00 +01:00"));
  EXPECT_TRUE(
      place_reminders(plan, {}, berlin_by, settings, at("2026-11-16 07:00 +01:00")).empty());
  std::map<std::string, UnixSeconds> start;
  for (const ReminderAction& a : plan.actions) start[a.key] = a.event.start;
  EXPECT_EQ(start["u-high"], at("2026-11-16 08:00 +01:00"));
  EXPECT_EQ(start["u-mid-b"], at("2026-11-16 08:30 +01:00"));
  EXPECT_EQ(start["u-mid-old"], at("2026-11-16 09:00 +01:00"));
  EXPECT_EQ(start["u-mid-new"], at("2026-11-16 09:30 +01:00"));
  EXPECT_EQ(start["u-low"], at("2026-11-16 10:00 +01:00"));
  // The plan keeps its key order.
  EXPECT_TRUE(std::is_sorted(
      plan.actions.begin(), plan.actions.end(),
      [](const ReminderAction& a, const ReminderAction& b) { return a.key < b.key; }));
}

TEST_F(ReminderPlace, HorizonExhaustedWarnsAndDropsTheRest) {
  settings.max_per_day = 2;
  settings.horizon_days = 1;
  std::vector<Finding> list = findings(5);
  list[4].severity = 99;
  ReminderPlan plan = plan_reminders(list, {}, settings, at("2026-11-16 07:00 +01:00"));
  const std::vector<std::string> warnings =
      place_reminders(plan, {}, berlin_by, settings, at("2026-11-16 07:00 +01:00"));
  ASSERT_EQ(warnings.size(), 3U);
  // u-1004 is the most urgent, u-1000 the first of the equally urgent rest.
  EXPECT_EQ(warnings[0], "no free slot within 1 days for u-1001");
  EXPECT_EQ(warnings[2], "no free slot within 1 days for u-1003");
  ASSERT_EQ(plan.actions.size(), 2U);
  EXPECT_EQ(plan.actions[0].key, "u-1000");
  EXPECT_EQ(plan.actions[1].key, "u-1004");
  EXPECT_EQ(plan.actions[1].event.start, at("2026-11-16 08:00 +01:00"));
  for (const ReminderAction& a : plan.actions) EXPECT_TRUE(a.placed);
}

TEST_F(ReminderPlace, NoWorkingTimeAtAll) {
  const BusinessCalendar never =
      calendar_for("none", "Europe/Berlin",
                   BusinessHours{{false, false, false, false, false, false, false}, 480, 1020});
  std::vector<std::string> warnings;
  ReminderPlan plan = plan_reminders(findings(2), {}, settings, at("2026-11-16 07:00 +01:00"));
  warnings = place_reminders(plan, {}, never, settings, at("2026-11-16 07:00 +01:00"));
  EXPECT_EQ(warnings.size(), 2U);
  EXPECT_TRUE(plan.actions.empty());
}

TEST_F(ReminderPlace, PlacedActionsAndOtherKindsAreLeftAlone) {
  ReminderPlan plan = plan_reminders(findings(1), {}, settings, at("2026-11-16 07:00 +01:00"));
  ReminderAction fixed = plan.actions[0];
  fixed.key = "u-fixed";
  fixed.placed = true;
  fixed.event.start = at("2026-11-20 10:00 +01:00");
  fixed.event.end = fixed.event.start + 1800;
  ReminderAction forget;
  forget.kind = ReminderActionKind::forget;
  forget.key = "u-gone";
  forget.placed = false;
  plan.actions.push_back(fixed);
  plan.actions.push_back(forget);
  EXPECT_TRUE(
      place_reminders(plan, {}, berlin_by, settings, at("2026-11-16 07:00 +01:00")).empty());
  EXPECT_EQ(plan.actions[1].event.start, fixed.event.start);
  EXPECT_EQ(plan.actions[2].event.start, 0);
  EXPECT_EQ(plan.actions[0].event.start, at("2026-11-16 08:00 +01:00"));
}

// --- against a naive search ----------------------------------------------------------------

struct Checker {
  const BusinessCalendar& calendar;
  const ReminderSettings& settings;
  UnixSeconds now;
  std::vector<BusyInterval> blocked;  // busy + kept + given so far
  std::map<std::int64_t, int> per_day;

  std::int64_t local_day(UnixSeconds t) const {
    const auto local = date::make_zoned(calendar.zone(), date::sys_seconds{std::chrono::seconds{t}})
                           .get_local_time()
                           .time_since_epoch()
                           .count();
    return local >= 0 ? local / 86400 : (local - 86399) / 86400;
  }
  bool feasible(UnixSeconds t) const {
    const std::int64_t length = std::int64_t{settings.minutes} * 60;
    const auto local = date::make_zoned(calendar.zone(), date::sys_seconds{std::chrono::seconds{t}})
                           .get_local_time()
                           .time_since_epoch()
                           .count();
    if (((local % 86400) + 86400) % 86400 % (std::int64_t{settings.step_minutes} * 60) != 0) {
      return false;
    }
    const auto working = calendar.working_interval_from(t, t + 1);
    if (!working || working->start > t || working->end < t + length) return false;
    for (const BusyInterval& b : blocked) {
      if (b.start < t + length && t < b.end) return false;
    }
    const auto day = per_day.find(local_day(t));
    return day == per_day.end() || day->second < settings.max_per_day;
  }
  // The earliest feasible start by trying every minute.
  std::optional<UnixSeconds> earliest(UnixSeconds limit) const {
    for (UnixSeconds t = (now + 59) / 60 * 60; t < limit; t += 60) {
      if (feasible(t)) return t;
    }
    return std::nullopt;
  }
};

TEST_F(ReminderPlace, MatchesANaiveSearchOnRandomCases) {
  std::mt19937 random(4711);
  for (int round = 0; round < 40; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    settings.max_per_day = 1 + static_cast<int>(random() % 6);
    settings.minutes = 15 + static_cast<int>(random() % 4) * 15;
    settings.step_minutes = std::vector<int>{5, 10, 15, 30}[random() % 4];
    settings.horizon_days = 3 + static_cast<int>(random() % 4);
    const UnixSeconds now =
        at("2026-10-22 07:00 +02:00") + static_cast<UnixSeconds>(random() % (4 * 86400));
    std::vector<BusyInterval> busy;
    for (int i = 0; i < 25; ++i) {
      const UnixSeconds start = now + static_cast<UnixSeconds>(random() % (5 * 86400));
      busy.push_back({start, start + 600 + static_cast<UnixSeconds>(random() % 7200)});
    }
    std::vector<Finding> list = findings(12);
    for (Finding& f : list) f.severity = static_cast<int>(random() % 100);
    ReminderPlan plan = plan_reminders(list, {}, settings, now);
    plan.kept.push_back({now + 86400, now + 86400 + 1800});
    const std::vector<BusyInterval> kept = plan.kept;
    place_reminders(plan, busy, berlin_by, settings, now);

    std::vector<const ReminderAction*> placed;
    for (const ReminderAction& a : plan.actions) placed.push_back(&a);
    std::sort(placed.begin(), placed.end(), [](const ReminderAction* a, const ReminderAction* b) {
      return a->urgency != b->urgency ? a->urgency > b->urgency : a->key < b->key;
    });
    Checker checker{berlin_by, settings, now, busy, {}};
    checker.blocked.insert(checker.blocked.end(), kept.begin(), kept.end());
    for (const BusyInterval& k : kept) ++checker.per_day[checker.local_day(k.start)];
    const UnixSeconds limit = now + std::int64_t{settings.horizon_days} * 86400;
    std::size_t expected_count = 0;
    for (const Finding& f : list) {
      (void)f;
      const std::optional<UnixSeconds> expected = checker.earliest(limit);
      if (!expected) break;
      ASSERT_LT(expected_count, placed.size());
      const ReminderAction& got = *placed[expected_count++];
      EXPECT_EQ(got.event.start, *expected) << got.key;
      checker.blocked.push_back({*expected, *expected + std::int64_t{settings.minutes} * 60});
      ++checker.per_day[checker.local_day(*expected)];
    }
    EXPECT_EQ(placed.size(), expected_count);
  }
}

TEST_F(ReminderPlace, ThousandsOfRemindersAndBusyIntervalsInOneSweep) {
  std::mt19937 random(42);
  const UnixSeconds now = at("2026-11-16 07:00 +01:00");
  std::vector<BusyInterval> busy;
  for (int i = 0; i < 5000; ++i) {
    const UnixSeconds start = now + static_cast<UnixSeconds>(random() % (200 * 86400));
    busy.push_back({start, start + 900 + static_cast<UnixSeconds>(random() % 5400)});
  }
  settings.max_per_day = 8;
  settings.horizon_days = 400;
  ReminderPlan plan = plan_reminders(findings(1000), {}, settings, now);
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> warnings = place_reminders(plan, busy, berlin_by, settings, now);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(warnings.empty());
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
  std::vector<BusyInterval> given;
  std::map<std::chrono::sys_days, int> per_day;
  for (const ReminderAction& a : plan.actions) {
    ASSERT_TRUE(a.placed);
    given.push_back({a.event.start, a.event.end});
    const auto working = berlin_by.working_interval_from(a.event.start, a.event.start + 1);
    ASSERT_TRUE(working);
    EXPECT_LE(working->start, a.event.start);
    EXPECT_GE(working->end, a.event.end);
    for (const BusyInterval& b : busy) {
      ASSERT_FALSE(b.start < a.event.end && a.event.start < b.end) << a.key;
    }
    EXPECT_LE(++per_day[std::chrono::sys_days{berlin_by.local_date(a.event.start)}], 8);
  }
  std::sort(given.begin(), given.end(),
            [](const BusyInterval& a, const BusyInterval& b) { return a.start < b.start; });
  for (std::size_t i = 1; i < given.size(); ++i) EXPECT_LE(given[i - 1].end, given[i].start);
}

}  // namespace
}  // namespace nachfass
