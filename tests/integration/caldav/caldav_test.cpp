// CaldavCalendar against the harness's real Radicale (htpasswd) and Xandikos (no auth). Every
// test works in a calendar of its own (a fresh display name), so tests do not depend on each
// other or on their order. "Another client" is plain libcurl in this file.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caldav/dav/caldav_calendar.hpp"
#include "caldav/dav/url.hpp"
#include "config/config.hpp"
#include "core/reminder.hpp"
#include "engine/calendar_items.hpp"

namespace nachfass::caldav {
namespace {

struct Server {
  std::string name;
  std::string root;  // server root URL
  std::string username;
  std::string password;
};

std::map<std::string, std::string> harness_env() {
  std::map<std::string, std::string> env;
  const char* dir = std::getenv("NACHFASS_SERVERS_DIR");
  if (dir == nullptr) return env;
  std::ifstream in(std::filesystem::path(dir) / "servers.json");
  if (!in) return env;
  const auto json = nlohmann::json::parse(in);
  for (const auto& [key, value] : json.at("env").items()) env[key] = value.get<std::string>();
  return env;
}

std::string unique_name(std::string_view what) {
  static std::atomic<int> counter{0};
  return "NF " + std::string(what) + " " + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + std::to_string(std::time(nullptr));
}

// A plain HTTP client: what another CalDAV client would send.
struct Raw {
  long status = 0;
  std::string etag;
  std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t collect_etag(char* data, std::size_t size, std::size_t count, void* out) {
  std::string line(data, size * count);
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower.starts_with("etag:")) {
    std::string value = line.substr(5);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    *static_cast<std::string*>(out) = value;
  }
  return size * count;
}

Raw raw_request(const Server& server, const std::string& method, const std::string& url,
                const std::string& body = {}, std::vector<std::string> headers = {}) {
  Raw out;
  CURL* curl = curl_easy_init();
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (!server.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, server.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, server.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &collect_etag);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.etag);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return out;
}

std::string ics(std::string_view uid, std::string_view extra,
                std::string_view start = "20300107T100000Z",
                std::string_view end = "20300107T110000Z") {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//Client//EN\r\nBEGIN:VEVENT\r\nUID:" +
         std::string(uid) + "\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:" + std::string(start) +
         "\r\nDTEND:" + std::string(end) + "\r\nSUMMARY:Someone else's event\r\n" +
         std::string(extra) + "END:VEVENT\r\nEND:VCALENDAR\r\n";
}

// 2030-01-07 09:00 UTC is a Monday.
constexpr UnixSeconds monday_2030 = 1894006800;

ReminderEvent reminder(const std::string& key, UnixSeconds start) {
  ReminderEvent event;
  event.key = key;
  event.uid = reminder_uid(key);
  event.start = start;
  event.end = start + 30 * 60;
  event.time_zone = "Europe/Berlin";
  event.summary = "Nachfassen: Müller GmbH – Angebot Q3";
  event.description = "Sabine Keller wartet seit 3 Werktagen auf Antwort.\nmid:abc@mueller.de";
  event.url = "mid:abc@mueller.de";
  event.categories = {"Nachfass", "Unbeantwortet"};
  event.alarm_minutes_before = 15;
  return event;
}

class CaldavTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto env = harness_env();
    if (env.empty()) GTEST_SKIP() << "NACHFASS_SERVERS_DIR not set: run through ctest";
    server_.name = GetParam();
    if (server_.name == "radicale") {
      server_.root = env.at("NACHFASS_DAV_URL");
      server_.username = env.at("NACHFASS_DAV_USER");
      server_.password = env.at("NACHFASS_DAV_PASSWORD");
    } else {
      server_.root = env.at("NACHFASS_XANDIKOS_URL");
      xandikos_calendar_ = env.at("NACHFASS_XANDIKOS_CALENDAR_URL");
    }
  }

  CaldavAccount account(std::string calendar_name, std::string url = {}) const {
    CaldavAccount a;
    a.url = url.empty() ? server_.root : url;
    a.username = server_.username;
    a.password = server_.password;
    a.calendar_name = std::move(calendar_name);
    a.timeout_ms = 20000;
    return a;
  }

  std::unique_ptr<CaldavCalendar> open(const CaldavAccount& a) {
    auto calendar =
        CaldavCalendar::open(a, [this](std::string_view w) { warnings_.emplace_back(w); });
    EXPECT_TRUE(calendar) << (calendar ? "" : calendar.error().to_string());
    return calendar ? std::move(*calendar) : nullptr;
  }

  // A fresh calendar of its own: the port, and the calendar's id.
  std::pair<std::unique_ptr<CaldavCalendar>, std::string> fresh(std::string_view what) {
    auto port = open(account(unique_name(what)));
    if (!port) return {};
    auto id = port->discover(true);
    EXPECT_TRUE(id) << (id ? "" : id.error().to_string());
    if (id) created_.push_back(*id);
    return {std::move(port), id ? *id : std::string()};
  }

  // The calendars a test made go again, so that a rerun against the same servers starts clean.
  void TearDown() override {
    for (const auto& url : created_) raw_request(server_, "DELETE", url);
  }

  Server server_;
  std::string xandikos_calendar_;
  std::vector<std::string> warnings_;
  std::vector<std::string> created_;
};

#define ASSERT_OK(result) ASSERT_TRUE(result) << (result).error().to_string()

TEST_P(CaldavTest, DiscoversFromRootCreatesWhenAskedAndReuses) {
  const std::string name = unique_name("discover");
  auto port = open(account(name));
  ASSERT_TRUE(port);
  auto missing = port->discover(false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().id, "caldav.no_calendar");
  EXPECT_EQ(missing.error().scope, ErrorScope::collection);

  auto created = port->discover(true);
  ASSERT_OK(created);
  created_.push_back(*created);
  EXPECT_TRUE(created->ends_with("/"));
  EXPECT_EQ(canonical_url(*created), *created);
  EXPECT_TRUE(same_origin(*created, server_.root));

  // A second client finds the same calendar by name and creates nothing.
  auto again = open(account(name));
  ASSERT_TRUE(again);
  auto found = again->discover(true);
  ASSERT_OK(found);
  EXPECT_EQ(*found, *created);
  auto calendars = again->calendars();
  ASSERT_OK(calendars);
  EXPECT_EQ(std::count_if(calendars->begin(), calendars->end(),
                          [&](const CalendarInfo& c) { return c.display_name == name; }),
            1);
  // Cached: no further requests.
  const auto before = again->request_count();
  ASSERT_OK(again->discover(false));
  EXPECT_EQ(again->request_count(), before);
}

TEST_P(CaldavTest, CalendarCollectionUrlIsUsedDirectly) {
  auto [port, id] = fresh("direct");
  ASSERT_TRUE(port);
  auto direct = open(account("some other name", id));
  ASSERT_TRUE(direct);
  auto found = direct->discover(false);
  ASSERT_OK(found);
  EXPECT_EQ(*found, id);
  if (!xandikos_calendar_.empty()) {
    auto preset = open(account("unused", xandikos_calendar_));
    auto preset_id = preset->discover(false);
    ASSERT_OK(preset_id);
    EXPECT_EQ(*preset_id, canonical_url(xandikos_calendar_));
  }
}

TEST_P(CaldavTest, CreateListFetchUpdateRemoveWithEtags) {
  auto [port, id] = fresh("crud");
  ASSERT_TRUE(port);
  const auto event = reminder("u-0123456789ab", monday_2030);
  const std::string href = port->resource_href(id, "nachfass-u-0123456789ab.ics");
  EXPECT_EQ(href, id + "nachfass-u-0123456789ab.ics");
  auto written = port->create(href, event);
  ASSERT_OK(written);
  EXPECT_EQ(written->href, href);
  EXPECT_FALSE(written->etag.empty());

  auto before = port->request_count();
  auto versions = port->list_versions(id);
  ASSERT_OK(versions);
  EXPECT_EQ(port->request_count() - before, 1u);
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].href, href);
  EXPECT_EQ((*versions)[0].etag, written->etag);

  const std::vector<std::string> hrefs{href, id + "does-not-exist.ics"};
  before = port->request_count();
  auto fetched = port->fetch(id, hrefs);
  ASSERT_OK(fetched);
  EXPECT_EQ(port->request_count() - before, 1u);
  ASSERT_EQ(fetched->size(), 1u);
  const CalendarEvent& current = (*fetched)[0];
  EXPECT_EQ(current.href, href);
  EXPECT_EQ(current.etag, written->etag);
  EXPECT_EQ(current.uid, event.uid);
  EXPECT_EQ(current.nachfass_key, event.key);
  EXPECT_EQ(current.start, event.start);
  EXPECT_EQ(current.end, event.end);
  EXPECT_EQ(current.summary, event.summary);
  EXPECT_FALSE(current.raw.empty());

  auto desired = event;
  desired.summary = "Nachfassen: Müller GmbH – Angebot Q4";
  desired.start += 3600;
  desired.end += 3600;
  auto updated = port->update(current, desired);
  ASSERT_OK(updated);
  EXPECT_FALSE(updated->etag.empty());
  EXPECT_NE(updated->etag, current.etag);

  auto refetched = port->fetch(id, hrefs);
  ASSERT_OK(refetched);
  ASSERT_EQ(refetched->size(), 1u);
  EXPECT_EQ((*refetched)[0].summary, desired.summary);
  EXPECT_EQ((*refetched)[0].start, desired.start);
  EXPECT_EQ((*refetched)[0].etag, updated->etag);

  // Delete with the old version loses; with the current one it wins; gone is still success.
  auto stale_remove = port->remove(current);
  ASSERT_FALSE(stale_remove);
  EXPECT_EQ(stale_remove.error().scope, ErrorScope::precondition_failed);
  ASSERT_OK(port->remove((*refetched)[0]));
  ASSERT_OK(port->remove((*refetched)[0]));
  auto empty = port->list_versions(id);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_P(CaldavTest, CreateTwiceIsPreconditionFailed) {
  auto [port, id] = fresh("twice");
  ASSERT_TRUE(port);
  const auto event = reminder("u-aaaaaaaaaaaa", monday_2030);
  const std::string href = port->resource_href(id, "nachfass-u-aaaaaaaaaaaa.ics");
  ASSERT_OK(port->create(href, event));
  auto second = port->create(href, event);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().scope, ErrorScope::precondition_failed);
  EXPECT_EQ(second.error().id, "caldav.precondition");
}

TEST_P(CaldavTest, SameUidAtAnotherHrefIsPreconditionFailed) {
  // What a crash between PUT and the store's commit can leave: the reminder exists under another
  // resource name. Radicale answers 409, Xandikos 207 with 412; both name no-uid-conflict.
  auto [port, id] = fresh("uid");
  ASSERT_TRUE(port);
  const auto event = reminder("u-ffffffffffff", monday_2030);
  ASSERT_OK(port->create(port->resource_href(id, "nachfass-u-ffffffffffff-a.ics"), event));
  auto second = port->create(port->resource_href(id, "nachfass-u-ffffffffffff-b.ics"), event);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().id, "caldav.uid_conflict") << second.error().to_string();
  EXPECT_EQ(second.error().scope, ErrorScope::precondition_failed);
  auto versions = port->list_versions(id);
  ASSERT_OK(versions);
  EXPECT_EQ(versions->size(), 1u);
}

TEST_P(CaldavTest, UpdateWithStaleEtagLosesAndKeepsTheOtherClientsChange) {
  auto [port, id] = fresh("stale");
  ASSERT_TRUE(port);
  const auto event = reminder("u-bbbbbbbbbbbb", monday_2030);
  const std::string href = port->resource_href(id, "nachfass-u-bbbbbbbbbbbb.ics");
  ASSERT_OK(port->create(href, event));
  const std::vector<std::string> hrefs{href};
  auto fetched = port->fetch(id, hrefs);
  ASSERT_OK(fetched);
  ASSERT_EQ(fetched->size(), 1u);
  const CalendarEvent seen = (*fetched)[0];

  // Another client edits the event (a note of its own) behind our back.
  std::string other = seen.raw;
  const auto pos = other.find("END:VEVENT");
  ASSERT_NE(pos, std::string::npos);
  other.insert(pos, "X-OTHER-CLIENT:kept\r\n");
  auto put = raw_request(server_, "PUT", href, other,
                         {"Content-Type: text/calendar; charset=utf-8", "If-Match: " + seen.etag});
  ASSERT_TRUE(put.status == 204 || put.status == 201 || put.status == 200) << put.status;

  auto desired = event;
  desired.summary = "Nachfassen: changed";
  auto lost = port->update(seen, desired);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().scope, ErrorScope::precondition_failed);
  EXPECT_EQ(lost.error().id, "caldav.precondition");

  // Re-read and retry: the other client's property survives the merge.
  auto reread = port->fetch(id, hrefs);
  ASSERT_OK(reread);
  ASSERT_EQ(reread->size(), 1u);
  EXPECT_NE((*reread)[0].raw.find("X-OTHER-CLIENT"), std::string::npos);
  ASSERT_OK(port->update((*reread)[0], desired));
  auto final_get = raw_request(server_, "GET", href);
  EXPECT_EQ(final_get.status, 200);
  EXPECT_NE(final_get.body.find("X-OTHER-CLIENT:kept"), std::string::npos);
  EXPECT_NE(final_get.body.find("Nachfassen: changed"), std::string::npos);
}

TEST_P(CaldavTest, ForeignEventIsListedButNeverTouched) {
  auto [port, id] = fresh("foreign");
  ASSERT_TRUE(port);
  const std::string foreign_href = id + "someone-else.ics";
  auto put = raw_request(server_, "PUT", foreign_href, ics("foreign@example.com", ""),
                         {"Content-Type: text/calendar; charset=utf-8", "If-None-Match: *"});
  ASSERT_EQ(put.status, 201);
  const auto before = raw_request(server_, "GET", foreign_href);

  const auto event = reminder("u-cccccccccccc", monday_2030);
  const std::string href = port->resource_href(id, "nachfass-u-cccccccccccc.ics");
  ASSERT_OK(port->create(href, event));
  auto versions = port->list_versions(id);
  ASSERT_OK(versions);
  ASSERT_EQ(versions->size(), 2u);
  std::vector<std::string> hrefs;
  for (const auto& v : *versions) hrefs.push_back(v.href);
  auto fetched = port->fetch(id, hrefs);
  ASSERT_OK(fetched);
  ASSERT_EQ(fetched->size(), 2u);
  for (const auto& e : *fetched) {
    if (e.href == foreign_href) {
      EXPECT_TRUE(e.nachfass_key.empty());
      EXPECT_EQ(e.uid, "foreign@example.com");
    } else {
      EXPECT_EQ(e.nachfass_key, event.key);
      auto desired = event;
      desired.summary = "Nachfassen: moved";
      ASSERT_OK(port->update(e, desired));
    }
  }
  ASSERT_OK(port->busy(monday_2030 - 86400, monday_2030 + 86400, id));
  const auto after = raw_request(server_, "GET", foreign_href);
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, before.body);
  EXPECT_EQ(after.etag, before.etag);
}

TEST_P(CaldavTest, BusyExpandsForeignRecurringEventsInOtherCalendars) {
  auto [port, id] = fresh("busy-reminders");
  ASSERT_TRUE(port);
  // A reminder in our own calendar: excluded from busy times.
  const UnixSeconds week2 = monday_2030 + 7 * 86400 + 5 * 3600;  // Monday 2030-01-14 14:00 UTC
  ASSERT_OK(port->create(port->resource_href(id, "own.ics"), reminder("u-dddddddddddd", week2)));

  // Another calendar of the user's, made by another client.
  const std::string other_calendar = id.substr(0, id.rfind('/', id.size() - 2) + 1) + "nf-busy-" +
                                     std::to_string(::getpid()) + "-" +
                                     std::to_string(std::time(nullptr)) + "/";
  const std::string mkcalendar =
      "<?xml version=\"1.0\"?><c:mkcalendar xmlns:d=\"DAV:\" "
      "xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:set><d:prop><d:displayname>Work "
      "</d:displayname></d:prop></d:set></c:mkcalendar>";
  auto made = raw_request(server_, "MKCALENDAR", other_calendar, mkcalendar,
                          {"Content-Type: application/xml; charset=utf-8"});
  ASSERT_EQ(made.status, 201) << made.body;
  created_.push_back(other_calendar);
  // Weekly on Mondays 10:00-11:00 UTC since 2029-01-01 (first instance far before the range),
  // one transparent and one cancelled event in the range.
  const std::vector<std::pair<std::string, std::string>> objects{
      {"weekly.ics", ics("weekly@example.com", "RRULE:FREQ=WEEKLY;BYDAY=MO\r\n", "20290101T100000Z",
                         "20290101T110000Z")},
      {"free.ics",
       ics("free@example.com", "TRANSP:TRANSPARENT\r\n", "20300115T080000Z", "20300115T090000Z")},
      {"cancelled.ics", ics("cancelled@example.com", "STATUS:CANCELLED\r\n", "20300116T080000Z",
                            "20300116T090000Z")},
      {"single.ics", ics("single@example.com", "", "20300117T120000Z", "20300117T130000Z")}};
  for (const auto& [name, body] : objects) {
    auto put = raw_request(server_, "PUT", other_calendar + name, body,
                           {"Content-Type: text/calendar; charset=utf-8"});
    ASSERT_EQ(put.status, 201) << name;
  }

  // The port cached its calendar list before "Work" existed: a fresh one sees it.
  auto reader = open(account("unused"));
  const UnixSeconds from = monday_2030 + 7 * 86400 - 9 * 3600;  // 2030-01-14 00:00 UTC
  const UnixSeconds to = from + 7 * 86400;
  auto busy = reader->busy(from, to, id);
  ASSERT_OK(busy);
  auto has = [&](UnixSeconds start, UnixSeconds end) {
    return std::find(busy->begin(), busy->end(), BusyInterval{start, end}) != busy->end();
  };
  EXPECT_TRUE(has(from + 10 * 3600, from + 11 * 3600)) << "the weekly instance on 2030-01-14";
  EXPECT_TRUE(has(from + 3 * 86400 + 12 * 3600, from + 3 * 86400 + 13 * 3600)) << "single";
  EXPECT_FALSE(has(from + 86400 + 8 * 3600, from + 86400 + 9 * 3600)) << "transparent";
  EXPECT_FALSE(has(from + 2 * 86400 + 8 * 3600, from + 2 * 86400 + 9 * 3600)) << "cancelled";
  EXPECT_FALSE(has(week2, week2 + 1800)) << "our own calendar is excluded";
  EXPECT_FALSE(has(from - 7 * 86400 + 10 * 3600, from - 7 * 86400 + 11 * 3600)) << "out of range";
  // Not excluded: then our reminder counts.
  auto all = reader->busy(from, to, "");
  ASSERT_OK(all);
  EXPECT_NE(std::find(all->begin(), all->end(), BusyInterval{week2, week2 + 1800}), all->end());
}

// A calendar object as another client writes it.
std::string vcalendar(std::string_view body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//Client//EN\r\n" + std::string(body) +
         "END:VCALENDAR\r\n";
}

const std::string berlin_vtimezone =
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

// The user's events as the detectors need them, in a calendar of their own ("Privat"): two
// weeks of holidays, a seminar with attendees, a weekly all-day event since a year before, a
// cancelled event, a one-day absence without DTEND. Local times are Europe/Berlin (CET, UTC+1).
const std::vector<std::pair<std::string, std::string>> user_events{
    {"urlaub.ics",
     vcalendar("BEGIN:VEVENT\r\nUID:urlaub-2030@example.com\r\nDTSTAMP:20300101T000000Z\r\n"
               "SUMMARY:Urlaub\r\nDTSTART;VALUE=DATE:20300114\r\nDTEND;VALUE=DATE:20300126\r\n"
               "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n")},
    {"seminar.ics",
     vcalendar(berlin_vtimezone +
               "BEGIN:VEVENT\r\nUID:seminar-2030@example.com\r\nDTSTAMP:20300101T000000Z\r\n"
               "SUMMARY:Schnupperseminar\\, CRM im Vertrieb\r\n"
               "DTSTART;TZID=Europe/Berlin:20300110T090000\r\n"
               "DTEND;TZID=Europe/Berlin:20300110T123000\r\n"
               "ORGANIZER;CN=Anna Vogel:mailto:anna.vogel@example.com\r\n"
               "ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:anna.vogel@example.com\r\n"
               "ATTENDEE;PARTSTAT=ACCEPTED;CN=Sabine Keller:mailto:S.Keller@Mueller.de\r\n"
               "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=\"Braun, Jonas\":mailto:j.braun@schmidt-bau.d\r\n"
               " e\r\n"
               "ATTENDEE;PARTSTAT=DECLINED:mailto:absage@weber.de\r\n"
               "END:VEVENT\r\n")},
    {"homeoffice.ics",
     vcalendar("BEGIN:VEVENT\r\nUID:homeoffice@example.com\r\nDTSTAMP:20290101T000000Z\r\n"
               "SUMMARY:Homeoffice\r\nDTSTART;VALUE=DATE:20290105\r\nDTEND;VALUE=DATE:20290106\r\n"
               "RRULE:FREQ=WEEKLY;BYDAY=FR\r\nEND:VEVENT\r\n")},
    {"abgesagt.ics",
     vcalendar("BEGIN:VEVENT\r\nUID:abgesagt@example.com\r\nDTSTAMP:20300101T000000Z\r\n"
               "SUMMARY:Seminar (abgesagt)\r\nSTATUS:CANCELLED\r\n"
               "DTSTART;VALUE=DATE:20300129\r\nDTEND;VALUE=DATE:20300130\r\nEND:VEVENT\r\n")},
    {"abwesend.ics",
     vcalendar("BEGIN:VEVENT\r\nUID:abwesend@example.com\r\nDTSTAMP:20300101T000000Z\r\n"
               "SUMMARY:Abwesend\r\nDTSTART;VALUE=DATE:20300131\r\nEND:VEVENT\r\n")}};

// 2030-01-01 00:00 UTC.
constexpr UnixSeconds january_2030 = 1893456000;

TEST_P(CaldavTest, ItemsReadsTheUsersEventsFromOtherCalendars) {
  auto [port, id] = fresh("items-reminders");
  ASSERT_TRUE(port);
  // A reminder in our own calendar: never an item.
  const UnixSeconds reminder_at = january_2030 + 9 * 86400 + 9 * 3600;
  ASSERT_OK(
      port->create(port->resource_href(id, "own.ics"), reminder("u-ffffffffffff", reminder_at)));

  const std::string other_calendar = id.substr(0, id.rfind('/', id.size() - 2) + 1) + "nf-items-" +
                                     std::to_string(::getpid()) + "-" +
                                     std::to_string(std::time(nullptr)) + "/";
  const std::string mkcalendar =
      "<?xml version=\"1.0\"?><c:mkcalendar xmlns:d=\"DAV:\" "
      "xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:set><d:prop><d:displayname>Privat"
      "</d:displayname></d:prop></d:set></c:mkcalendar>";
  auto made = raw_request(server_, "MKCALENDAR", other_calendar, mkcalendar,
                          {"Content-Type: application/xml; charset=utf-8"});
  ASSERT_EQ(made.status, 201) << made.body;
  created_.push_back(other_calendar);
  for (const auto& [name, body] : user_events) {
    auto put = raw_request(server_, "PUT", other_calendar + name, body,
                           {"Content-Type: text/calendar; charset=utf-8"});
    ASSERT_EQ(put.status, 201) << name << ": " << put.body;
  }

  auto reader = open(account("unused"));
  ASSERT_TRUE(reader);
  const UnixSeconds from = january_2030;
  const UnixSeconds to = january_2030 + 31 * 86400;  // February 1st
  auto items = reader->items(from, to, id);
  ASSERT_OK(items);
  std::map<std::string, CalendarItem> by_uid;
  for (const auto& item : *items) {
    EXPECT_TRUE(by_uid.emplace(item.uid, item).second) << "twice: " << item.uid;
  }
  // Berlin midnight is 23:00 UTC the day before (CET).
  auto midnight = [](int day_of_january) {
    return january_2030 + (day_of_january - 1) * 86400 - 3600;
  };

  ASSERT_TRUE(by_uid.contains("urlaub-2030@example.com"));
  const CalendarItem& urlaub = by_uid["urlaub-2030@example.com"];
  EXPECT_EQ(urlaub.title, "Urlaub");
  EXPECT_TRUE(urlaub.all_day);
  EXPECT_EQ(urlaub.start, midnight(14));
  EXPECT_EQ(urlaub.end, midnight(26));

  ASSERT_TRUE(by_uid.contains("seminar-2030@example.com"));
  const CalendarItem& seminar = by_uid["seminar-2030@example.com"];
  EXPECT_EQ(seminar.title, "Schnupperseminar, CRM im Vertrieb");
  EXPECT_FALSE(seminar.all_day);
  EXPECT_EQ(seminar.start, january_2030 + 9 * 86400 + 8 * 3600);
  EXPECT_EQ(seminar.end, january_2030 + 9 * 86400 + 11 * 3600 + 1800);
  EXPECT_EQ(seminar.attendees,
            (std::vector<std::string>{"s.keller@mueller.de", "j.braun@schmidt-bau.de"}));

  // Fridays in January 2030: the 4th, 11th, 18th and 25th; the rule began a year before the
  // range (Xandikos matches a time range against the first instance only).
  for (const int day : {4, 11, 18, 25}) {
    const std::string uid =
        "homeoffice@example.com/203001" + std::string(day < 10 ? "0" : "") + std::to_string(day);
    ASSERT_TRUE(by_uid.contains(uid)) << uid;
    EXPECT_TRUE(by_uid[uid].all_day);
    EXPECT_EQ(by_uid[uid].start, midnight(day));
    EXPECT_EQ(by_uid[uid].end, midnight(day + 1));
  }
  EXPECT_FALSE(by_uid.contains("homeoffice@example.com/20291228")) << "before the range";

  EXPECT_FALSE(by_uid.contains("abgesagt@example.com")) << "cancelled";
  ASSERT_TRUE(by_uid.contains("abwesend@example.com"));
  EXPECT_EQ(by_uid["abwesend@example.com"].start, midnight(31));
  EXPECT_EQ(by_uid["abwesend@example.com"].end, midnight(32));

  for (const auto& item : *items) EXPECT_NE(item.start, reminder_at) << "our own reminder";
  // Not excluded: the reminder is an item like any other.
  auto all = reader->items(from, to, "");
  ASSERT_OK(all);
  EXPECT_TRUE(std::any_of(all->begin(), all->end(),
                          [&](const CalendarItem& item) { return item.start == reminder_at; }));
}

TEST_P(CaldavTest, EngineCalendarItemsExcludesTheConfiguredReminderCalendar) {
  const std::string name = unique_name("items-engine");
  auto port = open(account(name));
  ASSERT_TRUE(port);
  auto id = port->discover(true);
  ASSERT_OK(id);
  created_.push_back(*id);
  const UnixSeconds reminder_at = january_2030 + 9 * 86400 + 9 * 3600;
  ASSERT_OK(
      port->create(port->resource_href(*id, "own.ics"), reminder("u-111111111111", reminder_at)));
  const std::string other_calendar = id->substr(0, id->rfind('/', id->size() - 2) + 1) +
                                     "nf-items-engine-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(std::time(nullptr)) + "/";
  auto made = raw_request(server_, "MKCALENDAR", other_calendar);
  ASSERT_EQ(made.status, 201) << made.body;
  created_.push_back(other_calendar);
  auto put = raw_request(server_, "PUT", other_calendar + "urlaub.ics", user_events[0].second,
                         {"Content-Type: text/calendar; charset=utf-8"});
  ASSERT_EQ(put.status, 201) << put.body;

  Config config;
  config.user.time_zone = "Europe/Berlin";
  config.calendar.provider = CalendarProvider::caldav;
  config.calendar.url = server_.root;
  config.calendar.username = server_.username;
  config.calendar.calendar = name;
  if (!server_.password.empty()) {
    ::setenv("NACHFASS_TEST_ITEMS_DAV_PASSWORD", server_.password.c_str(), 1);
    config.calendar.password_env = "NACHFASS_TEST_ITEMS_DAV_PASSWORD";
  }
  std::vector<std::string> warnings;
  // Ten days into the holidays: the window reaches 120 days back, 60 ahead.
  const UnixSeconds now = january_2030 + 23 * 86400;
  auto items =
      engine::calendar_items(config, now, [&](std::string_view w) { warnings.emplace_back(w); });
  ASSERT_OK(items);
  EXPECT_TRUE(std::is_sorted(
      items->begin(), items->end(),
      [](const CalendarItem& a, const CalendarItem& b) { return a.start < b.start; }));
  EXPECT_TRUE(std::any_of(items->begin(), items->end(), [](const CalendarItem& item) {
    return item.uid == "urlaub-2030@example.com" && item.all_day && item.title == "Urlaub";
  }));
  for (const auto& item : *items) EXPECT_NE(item.start, reminder_at) << "the reminder calendar";

  // A reminder calendar that does not exist yet excludes nothing and is not created.
  config.calendar.calendar = unique_name("items-missing");
  auto without = engine::calendar_items(config, now, {});
  ASSERT_OK(without);
  EXPECT_TRUE(std::any_of(without->begin(), without->end(),
                          [&](const CalendarItem& item) { return item.start == reminder_at; }));
  auto still_missing = open(account(config.calendar.calendar))->discover(false);
  ASSERT_FALSE(still_missing);
  EXPECT_EQ(still_missing.error().id, "caldav.no_calendar");
}

TEST_P(CaldavTest, CalendarDeletedBehindOurBackIsCollectionError) {
  auto [port, id] = fresh("gone");
  ASSERT_TRUE(port);
  auto deleted = raw_request(server_, "DELETE", id);
  ASSERT_TRUE(deleted.status == 204 || deleted.status == 200) << deleted.status;
  auto versions = port->list_versions(id);
  ASSERT_FALSE(versions);
  EXPECT_EQ(versions.error().id, "caldav.calendar_gone");
  EXPECT_EQ(versions.error().scope, ErrorScope::collection);
  auto created = port->create(port->resource_href(id, "x.ics"), reminder("u-eeeeeeeeeeee", 0));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().scope, ErrorScope::collection) << created.error().to_string();
}

TEST_P(CaldavTest, WrongPasswordIsAccountError) {
  if (server_.password.empty()) GTEST_SKIP() << server_.name << " has no authentication";
  auto a = account(unique_name("auth"));
  a.password = "wrong-secret-xyz";
  auto port = open(a);
  ASSERT_TRUE(port);
  auto id = port->discover(true);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().id, "caldav.auth");
  EXPECT_EQ(id.error().scope, ErrorScope::account);
  EXPECT_NE(id.error().message.find("127.0.0.1"), std::string::npos) << id.error().message;
  EXPECT_EQ(id.error().message.find("wrong-secret-xyz"), std::string::npos);
  for (const auto& w : warnings_) EXPECT_EQ(w.find("wrong-secret-xyz"), std::string::npos);
}

TEST_P(CaldavTest, ConnectionRefusedIsTransient) {
  auto a = account("x", "http://127.0.0.1:1/");
  auto port = open(a);
  ASSERT_TRUE(port);
  auto id = port->discover(false);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().id, "caldav.connect");
  EXPECT_EQ(id.error().scope, ErrorScope::transient);
  EXPECT_NE(id.error().message.find("127.0.0.1:1"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Servers, CaldavTest, ::testing::Values("radicale", "xandikos"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace nachfass::caldav
