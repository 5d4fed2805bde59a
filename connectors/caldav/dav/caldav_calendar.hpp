// CalDAV (RFC 4791) implementation of CalendarPort, over libcurl (http.hpp) and pugixml
// (multistatus.hpp); iCalendar text is built and read by connectors/caldav/ical.
//
// Contract, in addition to ports/calendar.hpp
// - Ids and hrefs are canonical absolute URLs (url.hpp); a calendar id ends with '/'.
// - discover(): when the configured URL is itself a calendar collection, that calendar is used.
//   Otherwise RFC 6764/4791 discovery: for a bare server root, PROPFIND /.well-known/caldav
//   (redirects followed on the same host) and, failing that, the URL itself, for
//   DAV:current-user-principal; PROPFIND the principal for CALDAV:calendar-home-set; PROPFIND
//   Depth 1 on the home for its calendars (cached in the object for busy()). The calendar whose
//   displayname equals CaldavAccount::calendar_name is used; when there is none and
//   `create_if_missing`, it is created with MKCALENDAR (displayname, VEVENT) under the home.
//   Errors: caldav.no_calendar (collection) when missing and not to be created;
//   caldav.read_only (account) when it exists but the user may not write it; caldav.no_events
//   (account) when it does not take VEVENTs; caldav.discovery (account) when the server offers
//   no principal or home; plus the HTTP errors below. Idempotent; the result is cached.
// - list_versions(): one REPORT calendar-query (VEVENT, getetag), Depth 1. Radicale 3.1 and
//   Xandikos 0.2 both answer it without calendar data; it lists only calendar objects, never
//   the collection itself (a Depth 1 PROPFIND would).
// - fetch(): one REPORT calendar-multiget. An object that does not parse (ical::read_event) is
//   left out and reported through the warning function.
// - busy(): per event calendar of the home (not the excluded one, not one marked transparent by
//   CALDAV:schedule-calendar-transp, not one without VEVENT): a calendar-query with the time
//   range plus one for every object with an RRULE, whatever its first instance. The second is
//   needed because Xandikos 0.2.8 matches a time range against the first instance only and so
//   misses later instances of recurring events. A calendar that fails with 403/404 is skipped
//   with a warning; an object that does not parse likewise.
// - items(): the same two queries per event calendar (calendars marked transparent included:
//   an absence calendar is usually kept out of free/busy), each object read by
//   ical::calendar_items in CaldavAccount::time_zone; skips as for busy(), warnings prefixed
//   "calendar events:".
// - create(): PUT If-None-Match: *. update(): PUT If-Match: <etag>, body merged by
//   ical::merge_reminder (render_reminder when `current.raw` is empty); an empty etag is
//   caldav.no_etag (precondition_failed: re-read first). remove(): DELETE If-Match; 404/410 is
//   success. The returned etag is the ETag response header exactly as sent, "" when absent.
// - HTTP errors (one line, host and step named, never a credential):
//     401 caldav.auth (account), 403 caldav.forbidden (account),
//     404/410 on a collection caldav.calendar_gone (collection),
//     412 caldav.precondition (precondition_failed), 404 on update caldav.event_gone
//     (precondition_failed), 429 and 503 with Retry-After caldav.throttled (throttled),
//     other 5xx caldav.server_error (transient), other statuses caldav.unexpected_status
//     (item for writes, collection otherwise); transport errors from http.hpp.
// - Not thread-safe; one object per account, used from one thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caldav/dav/http.hpp"
#include "caldav/dav/multistatus.hpp"
#include "ports/calendar.hpp"

namespace nachfass::caldav {

struct CaldavAccount {
  std::string url;           // server root or a calendar collection URL (http or https)
  std::string username;      // Basic auth when password is set
  std::string password;      // never logged, never in error messages
  std::string bearer_token;  // Authorization: Bearer (instead of a password)
  std::string calendar_name = "Nachfass";     // display name to find, or to create
  std::string time_zone = "Europe/Berlin";    // zone for floating and all-day events
  std::filesystem::path ca_file;              // extra CA (PEM), trusted besides the system's
  std::string insecure_skip_verify_for_host;  // no TLS verification for this one host (warns)
  long timeout_ms = 30000;                    // per request
};

using CaldavWarningFn = std::function<void(std::string_view)>;

// A calendar collection in the user's calendar home.
struct CalendarInfo {
  std::string url;           // canonical, trailing '/'
  std::string display_name;  // empty when the server has none
  bool takes_events = true;  // supported-calendar-component-set includes VEVENT (or is absent)
  bool writable = true;      // current-user-privilege-set allows writing (or is absent)
  bool transparent = false;  // schedule-calendar-transp is transparent
};

class CaldavCalendar final : public CalendarPort {
 public:
  // Checks the account (URL scheme, credentials not both password and token, CA file) and sets
  // up the HTTP session; sends no request. `warn` may be empty. Errors: caldav.bad_url,
  // caldav.config, caldav.tls (scope account).
  static Result<std::unique_ptr<CaldavCalendar>> open(CaldavAccount account, CaldavWarningFn warn);

  Result<std::string> discover(bool create_if_missing) override;
  Result<std::vector<EventVersion>> list_versions(std::string_view calendar_id) override;
  Result<std::vector<CalendarEvent>> fetch(std::string_view calendar_id,
                                           std::span<const std::string> hrefs) override;
  Result<std::vector<BusyInterval>> busy(UnixSeconds from, UnixSeconds to,
                                         std::string_view exclude_calendar_id) override;
  Result<std::vector<CalendarItem>> items(UnixSeconds from, UnixSeconds to,
                                          std::string_view exclude_calendar_id) override;
  std::string resource_href(std::string_view calendar_id,
                            std::string_view resource_name) const override;
  Result<WriteResult> create(std::string_view href, const ReminderEvent& event) override;
  Result<WriteResult> update(const CalendarEvent& current, const ReminderEvent& desired) override;
  Result<void> remove(const CalendarEvent& current) override;
  std::size_t request_count() const override;

  // The calendars of the user's calendar home (discovered on first use, then cached).
  Result<std::vector<CalendarInfo>> calendars();

 private:
  CaldavCalendar(CaldavAccount account, CaldavWarningFn warn, std::unique_ptr<HttpSession> http);

  Result<HttpResponse> send(std::string method, const std::string& url, std::string_view step,
                            std::vector<std::string> headers = {}, std::string body = {},
                            bool follow_redirects = false);
  Result<Multistatus> propfind(const std::string& url, int depth, bool discovery_props,
                               std::string_view step, bool follow_redirects = false);
  Result<Multistatus> report(const std::string& url, const std::string& body,
                             std::string_view step);
  Result<void> find_home();
  // The calendar data of every object in `calendar` with an instance in [from, to): the
  // time-range query plus the one for every recurring object (see busy()). nullopt when the
  // calendar was skipped (403, 404, an unexpected status; warned with `what`).
  Result<std::optional<std::map<std::string, std::string>>> objects_in_range(
      const CalendarInfo& calendar, UnixSeconds from, UnixSeconds to, std::string_view what);
  std::string canonical_calendar_id(std::string_view calendar_id) const;
  Result<std::string> make_calendar();
  Result<WriteResult> put(std::string_view href, const std::string& body, std::string condition,
                          std::string_view step);
  void warn(std::string_view message) const;

  CaldavAccount account_;
  CaldavWarningFn warn_;
  std::unique_ptr<HttpSession> http_;
  std::string root_url_;  // canonical account URL
  std::optional<std::string> principal_url_;
  std::optional<std::string> home_url_;
  std::optional<std::vector<CalendarInfo>> calendars_;
  std::optional<std::string> calendar_id_;  // discover()'s result
};

}  // namespace nachfass::caldav
