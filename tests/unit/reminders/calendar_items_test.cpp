// engine::calendar_items: which window it asks the port for, which calendar it leaves out, and
// what it does without a calendar or with a broken one. The CalDAV side runs against the real
// servers in tests/integration/caldav.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "engine/calendar_items.hpp"
#include "ports/calendar.hpp"

namespace nachfass::engine {
namespace {

// 2026-06-15 10:00 UTC.
constexpr UnixSeconds now = 1781517600;
constexpr UnixSeconds day = 86'400;

// Answers discover() and items() from fields; every other call is a test failure.
class RecordingPort final : public CalendarPort {
 public:
  Result<std::string> discover(bool create_if_missing) override {
    discover_creates = create_if_missing;
    return discovered;
  }
  Result<std::vector<EventVersion>> list_versions(std::string_view) override {
    ADD_FAILURE() << "list_versions";
    return std::vector<EventVersion>();
  }
  Result<std::vector<CalendarEvent>> fetch(std::string_view,
                                           std::span<const std::string>) override {
    ADD_FAILURE() << "fetch";
    return std::vector<CalendarEvent>();
  }
  Result<std::vector<BusyInterval>> busy(UnixSeconds, UnixSeconds, std::string_view) override {
    ADD_FAILURE() << "busy";
    return std::vector<BusyInterval>();
  }
  Result<std::vector<CalendarItem>> items(UnixSeconds from, UnixSeconds to,
                                          std::string_view exclude_calendar_id) override {
    asked_from = from;
    asked_to = to;
    excluded = std::string(exclude_calendar_id);
    return answer;
  }
  std::string resource_href(std::string_view, std::string_view) const override { return {}; }
  Result<WriteResult> create(std::string_view, const ReminderEvent&) override {
    ADD_FAILURE() << "create";
    return WriteResult{};
  }
  Result<WriteResult> update(const CalendarEvent&, const ReminderEvent&) override {
    ADD_FAILURE() << "update";
    return WriteResult{};
  }
  Result<void> remove(const CalendarEvent&) override {
    ADD_FAILURE() << "remove";
    return {};
  }
  std::size_t request_count() const override { return 0; }

  Result<std::string> discovered = std::string("https://dav.example.com/cal/anna/nachfass/");
  Result<std::vector<CalendarItem>> answer = std::vector<CalendarItem>();
  std::optional<bool> discover_creates;
  std::optional<UnixSeconds> asked_from;
  std::optional<UnixSeconds> asked_to;
  std::optional<std::string> excluded;
};

CalendarItem item(std::string uid, UnixSeconds start) {
  CalendarItem result;
  result.uid = std::move(uid);
  result.title = "Urlaub";
  result.start = start;
  result.end = start + day;
  result.all_day = true;
  return result;
}

TEST(CalendarItemsEngine, AsksForTheWindowAroundNowWithoutTheReminderCalendar) {
  RecordingPort port;
  port.answer = std::vector<CalendarItem>{item("b", now - 3 * day), item("c", now + day),
                                          item("a", now - 3 * day)};
  auto items = calendar_items(port, now);
  ASSERT_TRUE(items) << items.error().to_string();
  EXPECT_EQ(port.discover_creates, std::optional<bool>(false)) << "never creates the calendar";
  EXPECT_EQ(port.asked_from, std::optional<UnixSeconds>(now - 120 * day));
  EXPECT_EQ(port.asked_to, std::optional<UnixSeconds>(now + 60 * day));
  EXPECT_EQ(port.excluded,
            std::optional<std::string>("https://dav.example.com/cal/anna/nachfass/"));
  std::vector<std::string> uids;
  for (const auto& i : *items) uids.push_back(i.uid);
  EXPECT_EQ(uids, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CalendarItemsEngine, MissingOrUnusableReminderCalendarExcludesNothing) {
  for (const char* id : {"caldav.no_calendar", "caldav.read_only", "caldav.no_events"}) {
    RecordingPort port;
    port.discovered = make_error(ErrorScope::collection, id, "no such calendar");
    port.answer = std::vector<CalendarItem>{item("x", now)};
    auto items = calendar_items(port, now);
    ASSERT_TRUE(items) << id << ": " << items.error().to_string();
    EXPECT_EQ(port.excluded, std::optional<std::string>("")) << id;
    EXPECT_EQ(items->size(), 1U) << id;
  }
}

TEST(CalendarItemsEngine, DiscoveryAndReadErrorsAreReturned) {
  RecordingPort refused;
  refused.discovered = make_error(ErrorScope::account, "caldav.auth", "login rejected");
  auto first = calendar_items(refused, now);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().id, "caldav.auth");
  EXPECT_FALSE(refused.asked_from) << "no read after a failed discovery";

  RecordingPort failing;
  failing.answer = make_error(ErrorScope::transient, "caldav.server_error", "HTTP 500");
  auto second = calendar_items(failing, now);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().id, "caldav.server_error");
  EXPECT_EQ(second.error().scope, ErrorScope::transient);
}

TEST(CalendarItemsEngine, NoCalendarConfiguredIsAnEmptyList) {
  Config config;
  config.calendar.provider = CalendarProvider::none;
  std::vector<std::string> warnings;
  auto items = calendar_items(config, now, [&](std::string_view w) { warnings.emplace_back(w); });
  ASSERT_TRUE(items) << items.error().to_string();
  EXPECT_TRUE(items->empty());
  EXPECT_TRUE(warnings.empty());
  auto port = open_calendar(config, {});
  ASSERT_TRUE(port);
  EXPECT_EQ(port->get(), nullptr);
}

TEST(CalendarItemsEngine, GraphIsNotInThisBuild) {
  Config config;
  config.calendar.provider = CalendarProvider::graph;
  auto items = calendar_items(config, now, {});
  ASSERT_FALSE(items);
  EXPECT_EQ(items.error().id, "usage.no_calendar");
}

TEST(CalendarItemsEngine, MissingSecretIsACalendarPasswordError) {
  Config config;
  config.calendar.provider = CalendarProvider::caldav;
  config.calendar.url = "http://127.0.0.1:1/";
  config.calendar.username = "anna";
  auto items = calendar_items(config, now, {});
  ASSERT_FALSE(items);
  EXPECT_EQ(items.error().id, "calendar.password");
  EXPECT_EQ(items.error().scope, ErrorScope::account);

  config.calendar.username.clear();
  config.calendar.bearer_token_env = "NACHFASS_TEST_UNSET_TOKEN_VARIABLE";
  ::unsetenv("NACHFASS_TEST_UNSET_TOKEN_VARIABLE");
  auto token = calendar_items(config, now, {});
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().id, "calendar.password");
}

TEST(CalendarItemsEngine, UnreachableServerIsTransient) {
  Config config;
  config.calendar.provider = CalendarProvider::caldav;
  config.calendar.url = "http://127.0.0.1:1/";
  auto items = calendar_items(config, now, {});
  ASSERT_FALSE(items);
  EXPECT_EQ(items.error().id, "caldav.connect");
  EXPECT_EQ(items.error().scope, ErrorScope::transient);
}

}  // namespace
}  // namespace nachfass::engine
