#include "caldav/dav/caldav_calendar.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <random>
#include <tuple>

#include "caldav/dav/url.hpp"
#include "caldav/ical/ical.hpp"

#ifndef NACHFASS_VERSION
#define NACHFASS_VERSION "0"
#endif

namespace nachfass::caldav {
namespace {

constexpr std::string_view xml_content_type = "Content-Type: application/xml; charset=utf-8";
constexpr std::string_view ics_content_type = "Content-Type: text/calendar; charset=utf-8";

std::string with_trailing_slash(std::string url) {
  const auto query = url.find('?');
  if (query == std::string::npos && (url.empty() || url.back() != '/')) url += '/';
  return url;
}

std::string path_of(std::string_view url) {
  const auto parsed = parse_url(url);
  return parsed ? parsed->path : std::string(url);
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1";
}

std::string utc_stamp(UnixSeconds t) {
  const auto seconds = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

UnixSeconds now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_success(long status) {
  return status >= 200 && status <= 299;
}

bool names(const std::vector<std::string>& conditions, std::string_view condition) {
  return std::find(conditions.begin(), conditions.end(), condition) != conditions.end();
}

// The error a PUT or DELETE response means, nullopt when it succeeded. Xandikos 0.2.8 answers a
// refused PUT with 207 and a response-level status (412) plus a DAV:error precondition;
// Radicale 3.1.8 with 409 and a DAV:error body (RFC 4791 5.3.2.1: no-uid-conflict).
std::optional<Error> write_refusal(const HttpResponse& response, RequestKind kind,
                                   std::string_view step) {
  HttpResponse effective = response;
  if (response.status == 207) {
    auto parsed =
        parse_multistatus(response.body, response.url, host_for_messages(response.url), step);
    if (!parsed) return parsed.error();
    for (const auto& r : parsed->responses)
      if (r.status != 0) effective.status = r.status;
    if (effective.status == 207) effective.status = 200;
  }
  if (is_success(effective.status)) return std::nullopt;
  const auto conditions = error_conditions(response.body);
  const std::string host = host_for_messages(response.url);
  if (names(conditions, "no-uid-conflict"))
    return make_error(ErrorScope::precondition_failed, "caldav.uid_conflict",
                      "an event with the same UID already exists elsewhere in the calendar on " +
                          host + " (" + std::string(step) + " " + path_of(response.url) +
                          "): re-read the calendar");
  if (names(conditions, "valid-calendar-data") ||
      names(conditions, "valid-calendar-object-resource") ||
      names(conditions, "supported-calendar-data") ||
      names(conditions, "supported-calendar-component"))
    return make_error(ErrorScope::item, "caldav.rejected",
                      host + " rejected the iCalendar data of " + path_of(response.url) + " (" +
                          std::string(step) + ", " + conditions.front() +
                          "): the event is skipped; report this with the server's log");
  return status_error(effective, kind, step);
}

// "Nachfass Erinnerungen" -> "nachfass-erinnerungen": the collection's path segment.
std::string slug(std::string_view name) {
  std::string out;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80)
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "nachfass" : out;
}

std::string random_suffix() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string out;
  for (int i = 0; i < 6; ++i) out += "0123456789abcdef"[digit(device)];
  return out;
}

CalendarInfo info_of(const DavResource& resource) {
  CalendarInfo info;
  info.url = with_trailing_slash(resource.href);
  info.display_name = resource.display_name.value_or("");
  if (resource.components)
    info.takes_events = std::find(resource.components->begin(), resource.components->end(),
                                  "VEVENT") != resource.components->end();
  if (resource.privileges) {
    static constexpr std::string_view writing[] = {"all", "write", "write-content", "bind"};
    info.writable = std::any_of(
        resource.privileges->begin(), resource.privileges->end(), [](const std::string& p) {
          return std::find(std::begin(writing), std::end(writing), p) != std::end(writing);
        });
  }
  info.transparent = resource.transparent.value_or(false);
  return info;
}

}  // namespace

CaldavCalendar::CaldavCalendar(CaldavAccount account, CaldavWarningFn warn,
                               std::unique_ptr<HttpSession> http)
    : account_(std::move(account)), warn_(std::move(warn)), http_(std::move(http)) {}

Result<std::unique_ptr<CaldavCalendar>> CaldavCalendar::open(CaldavAccount account,
                                                             CaldavWarningFn warn) {
  const auto url = parse_url(account.url);
  const auto canonical = canonical_url(account.url);
  if (!url || !canonical)
    return make_error(ErrorScope::account, "caldav.bad_url",
                      "[calendar] url must be an http(s) URL without a user name, e.g. "
                      "https://dav.example.com/ (the user name goes in [calendar] username)");
  if (!account.password.empty() && !account.bearer_token.empty())
    return make_error(
        ErrorScope::account, "caldav.config",
        "both a password and a bearer token are set for " + url->authority + ": keep only one");
  if (account.time_zone.empty()) account.time_zone = "UTC";
  HttpOptions options;
  options.username = account.username;
  options.password = account.password;
  options.bearer_token = account.bearer_token;
  options.ca_file = account.ca_file;
  options.insecure_skip_verify_for_host = account.insecure_skip_verify_for_host;
  options.timeout_ms = account.timeout_ms > 0 ? account.timeout_ms : 30000;
  options.user_agent = std::string("Nachfass/") + NACHFASS_VERSION;
  auto http = HttpSession::create(std::move(options));
  if (!http) return http.error();

  std::unique_ptr<CaldavCalendar> calendar(
      new CaldavCalendar(std::move(account), std::move(warn), std::move(*http)));
  calendar->root_url_ = *canonical;
  const auto& a = calendar->account_;
  if (!a.insecure_skip_verify_for_host.empty())
    calendar->warn("TLS certificate checks are OFF for " + a.insecure_skip_verify_for_host +
                   " ([calendar] insecure_skip_verify_for_host): use this for a test server only");
  if (url->scheme == "http" && !is_loopback(url->host) &&
      (!a.password.empty() || !a.bearer_token.empty()))
    calendar->warn("[calendar] url " + url->authority +
                   " is plain http: the password travels unencrypted; use https");
  return calendar;
}

void CaldavCalendar::warn(std::string_view message) const {
  if (warn_) warn_(message);
}

std::size_t CaldavCalendar::request_count() const {
  return http_->request_count();
}

Result<HttpResponse> CaldavCalendar::send(std::string method, const std::string& url,
                                          std::string_view step, std::vector<std::string> headers,
                                          std::string body, bool follow_redirects) {
  // Credentials go to the configured server only, whatever a response's href says.
  if (!same_origin(url, root_url_))
    return make_error(ErrorScope::item, "caldav.foreign_href",
                      "refusing to send " + std::string(step) + " to " + host_for_messages(url) +
                          ", which is not the configured server " + host_for_messages(root_url_) +
                          ": check [calendar] url");
  HttpRequest request;
  request.method = std::move(method);
  request.url = url;
  request.headers = std::move(headers);
  request.body = std::move(body);
  request.follow_redirects = follow_redirects;
  request.step = step;
  return http_->perform(request);
}

Result<Multistatus> CaldavCalendar::propfind(const std::string& url, int depth,
                                             bool discovery_props, std::string_view step,
                                             bool follow_redirects) {
  auto response = send("PROPFIND", url, step,
                       {std::string(xml_content_type), "Depth: " + std::to_string(depth)},
                       propfind_body(discovery_props), follow_redirects);
  if (!response) return response.error();
  if (response->status != 207) return status_error(*response, RequestKind::collection_read, step);
  return parse_multistatus(response->body, response->url, host_for_messages(response->url), step);
}

Result<Multistatus> CaldavCalendar::report(const std::string& url, const std::string& body,
                                           std::string_view step) {
  auto response =
      send("REPORT", url, step, {std::string(xml_content_type), "Depth: 1"}, body, true);
  if (!response) return response.error();
  if (response->status != 207) return status_error(*response, RequestKind::collection_read, step);
  return parse_multistatus(response->body, response->url, host_for_messages(response->url), step);
}

Result<void> CaldavCalendar::find_home() {
  if (home_url_) return {};
  const std::string host = host_for_messages(root_url_);
  if (!principal_url_) {
    std::optional<DavResource> self;
    // RFC 6764 section 5: a bare server root is the place for the well-known URI.
    if (path_of(root_url_) == "/") {
      const std::string well_known = root_url_ + ".well-known/caldav";
      auto response = send("PROPFIND", well_known, "discovery (.well-known/caldav)",
                           {std::string(xml_content_type), "Depth: 0"}, propfind_body(true), true);
      if (!response) return response.error();
      if (response->status == 401) return status_error(*response, RequestKind::read, "discovery");
      if (response->status == 207) {
        auto parsed = parse_multistatus(response->body, response->url,
                                        host_for_messages(response->url), "discovery");
        if (!parsed) return parsed.error();
        for (auto& r : parsed->responses)
          if (r.current_user_principal) principal_url_ = r.current_user_principal;
      }
    }
    if (!principal_url_) {
      auto parsed = propfind(root_url_, 0, true, "discovery", true);
      if (!parsed) return parsed.error();
      for (auto& r : parsed->responses) {
        if (r.current_user_principal) principal_url_ = r.current_user_principal;
        if (!r.calendar_home_set.empty() && !home_url_)
          home_url_ = with_trailing_slash(r.calendar_home_set.front());
      }
      if (home_url_) return {};
    }
  }
  if (!principal_url_) {
    // No RFC 5397 principal: the configured URL may be the calendar home itself.
    warn(host + " reports no current-user-principal; using " + path_of(root_url_) +
         " as the calendar home");
    home_url_ = with_trailing_slash(root_url_);
    return {};
  }
  auto parsed = propfind(*principal_url_, 0, true, "discovery (principal)", true);
  if (!parsed) return parsed.error();
  for (auto& r : parsed->responses)
    if (!r.calendar_home_set.empty()) {
      home_url_ = with_trailing_slash(r.calendar_home_set.front());
      return {};
    }
  return make_error(ErrorScope::account, "caldav.discovery",
                    host + " names no calendar-home-set for principal " + path_of(*principal_url_) +
                        ": set [calendar] url to the calendar's URL directly");
}

Result<std::vector<CalendarInfo>> CaldavCalendar::calendars() {
  if (calendars_) return *calendars_;
  if (auto home = find_home(); !home) return home.error();
  auto parsed = propfind(*home_url_, 1, true, "list calendars");
  if (!parsed) return parsed.error();
  std::vector<CalendarInfo> out;
  const auto home = canonical_url(*home_url_).value_or(*home_url_);
  for (const auto& r : parsed->responses) {
    if (!r.is_calendar || r.status != 0) continue;
    if (with_trailing_slash(r.href) == home) continue;
    out.push_back(info_of(r));
  }
  std::sort(out.begin(), out.end(),
            [](const CalendarInfo& a, const CalendarInfo& b) { return a.url < b.url; });
  calendars_ = out;
  return out;
}

Result<std::string> CaldavCalendar::make_calendar() {
  const std::string host = host_for_messages(root_url_);
  const std::string base = slug(account_.calendar_name);
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string name = attempt == 0 ? base : base + "-" + random_suffix();
    const std::string url = *home_url_ + encode_segment(name) + "/";
    auto response = send("MKCALENDAR", url, "create calendar", {std::string(xml_content_type)},
                         mkcalendar_body(account_.calendar_name));
    if (!response) return response.error();
    if (response->status == 201) {
      CalendarInfo info;
      info.url = canonical_url(url).value_or(url);
      info.display_name = account_.calendar_name;
      if (calendars_) calendars_->push_back(info);
      return info.url;
    }
    // Something (not named like ours) is already at that path: Radicale answers 409, Xandikos
    // a 207 carrying 403, others 405 (RFC 4791 5.3.1.1).
    if (response->status == 409 || response->status == 405 || response->status == 207) continue;
    return status_error(*response, RequestKind::collection_read, "create calendar");
  }
  return make_error(ErrorScope::account, "caldav.mkcalendar",
                    host + " refused to create the calendar \"" + account_.calendar_name +
                        "\" under " + path_of(*home_url_) +
                        ": create it by hand or set [calendar] url to an existing calendar");
}

Result<std::string> CaldavCalendar::discover(bool create_if_missing) {
  if (calendar_id_) return *calendar_id_;
  const std::string host = host_for_messages(root_url_);
  auto check = [&](const CalendarInfo& info) -> Result<std::string> {
    if (!info.takes_events)
      return make_error(ErrorScope::account, "caldav.no_events",
                        "the calendar " + path_of(info.url) + " on " + host +
                            " does not take events (VEVENT): choose another in [calendar]");
    if (!info.writable)
      return make_error(ErrorScope::account, "caldav.read_only",
                        "the calendar " + path_of(info.url) + " on " + host +
                            " is read-only for this user: choose a writable one in [calendar]");
    calendar_id_ = info.url;
    return info.url;
  };

  // The configured URL may be a calendar collection itself.
  if (path_of(root_url_) != "/") {
    auto self = propfind(root_url_, 0, true, "discovery", true);
    if (!self) return self.error();
    for (const auto& r : self->responses) {
      if (r.current_user_principal && !principal_url_) principal_url_ = r.current_user_principal;
      if (r.status == 0 && r.is_calendar) return check(info_of(r));
    }
  }
  auto all = calendars();
  if (!all) return all.error();
  std::vector<CalendarInfo> named;
  for (const auto& info : *all)
    if (info.display_name == account_.calendar_name) named.push_back(info);
  if (named.empty() && !create_if_missing)
    return make_error(ErrorScope::collection, "caldav.no_calendar",
                      "no calendar named \"" + account_.calendar_name + "\" in " +
                          path_of(*home_url_) + " on " + host +
                          ": create it, or set [calendar] calendar to an existing one");
  if (named.empty()) {
    auto created = make_calendar();
    if (!created) return created.error();
    calendar_id_ = *created;
    return *created;
  }
  // Several calendars of that name: prefer one that can take the reminders.
  std::stable_partition(named.begin(), named.end(), [](const CalendarInfo& info) {
    return info.takes_events && info.writable;
  });
  if (named.size() > 1)
    warn("several calendars are named \"" + account_.calendar_name + "\" on " + host + "; using " +
         path_of(named.front().url));
  return check(named.front());
}

Result<std::vector<EventVersion>> CaldavCalendar::list_versions(std::string_view calendar_id) {
  const std::string collection = with_trailing_slash(std::string(calendar_id));
  auto parsed = report(collection, calendar_query_body(false, std::nullopt, false), "list events");
  if (!parsed) return parsed.error();
  const std::string self = canonical_url(collection).value_or(collection);
  std::vector<EventVersion> out;
  for (auto& r : parsed->responses) {
    if (r.status != 0 && !is_success(r.status)) continue;
    if (with_trailing_slash(r.href) == self) continue;
    out.push_back({std::move(r.href), r.etag.value_or("")});
  }
  return out;
}

Result<std::vector<CalendarEvent>> CaldavCalendar::fetch(std::string_view calendar_id,
                                                         std::span<const std::string> hrefs) {
  std::vector<CalendarEvent> out;
  if (hrefs.empty()) return out;
  const std::string collection = with_trailing_slash(std::string(calendar_id));
  std::vector<std::string> paths;
  paths.reserve(hrefs.size());
  for (const auto& href : hrefs) {
    const auto url = resolve_url(collection, href);
    if (!url || !same_origin(*url, collection)) {
      warn("not fetching " + href + ": it is not on " + host_for_messages(collection));
      continue;
    }
    paths.push_back(path_of(*url));
  }
  if (paths.empty()) return out;
  auto parsed = report(collection, calendar_multiget_body(paths), "fetch events");
  if (!parsed) return parsed.error();
  for (auto& r : parsed->responses) {
    if (!r.calendar_data) continue;
    auto event = ical::read_event(*r.calendar_data, account_.time_zone);
    if (!event) {
      warn("skipping " + path_of(r.href) + " on " + host_for_messages(r.href) + ": " +
           event.error().to_string());
      continue;
    }
    event->href = std::move(r.href);
    event->etag = r.etag.value_or("");
    out.push_back(std::move(*event));
  }
  return out;
}

std::string CaldavCalendar::canonical_calendar_id(std::string_view calendar_id) const {
  if (calendar_id.empty()) return {};
  return canonical_url(with_trailing_slash(std::string(calendar_id)))
      .value_or(std::string(calendar_id));
}

Result<std::optional<std::map<std::string, std::string>>> CaldavCalendar::objects_in_range(
    const CalendarInfo& calendar, UnixSeconds from, UnixSeconds to, std::string_view what) {
  std::map<std::string, std::string> objects;  // href -> calendar data
  const TimeRange range{utc_stamp(from), utc_stamp(to)};
  const std::string step = "read " + std::string(what);
  for (const bool recurring : {false, true}) {
    auto parsed =
        report(calendar.url,
               calendar_query_body(true, recurring ? std::nullopt : std::optional<TimeRange>(range),
                                   recurring),
               step);
    if (!parsed) {
      const auto& error = parsed.error();
      if (error.id == "caldav.forbidden" || error.id == "caldav.calendar_gone" ||
          error.id == "caldav.unexpected_status") {
        warn(std::string(what) + ": skipping " + path_of(calendar.url) + ": " + error.to_string());
        return std::optional<std::map<std::string, std::string>>();
      }
      return error;
    }
    for (auto& r : parsed->responses)
      if (r.calendar_data) objects[r.href] = std::move(*r.calendar_data);
  }
  return std::optional<std::map<std::string, std::string>>(std::move(objects));
}

Result<std::vector<BusyInterval>> CaldavCalendar::busy(UnixSeconds from, UnixSeconds to,
                                                       std::string_view exclude_calendar_id) {
  std::vector<BusyInterval> out;
  if (to <= from) return out;
  auto all = calendars();
  if (!all) return all.error();
  const std::string excluded = canonical_calendar_id(exclude_calendar_id);
  for (const auto& calendar : *all) {
    if (calendar.url == excluded || !calendar.takes_events || calendar.transparent) continue;
    auto objects = objects_in_range(calendar, from, to, "busy times");
    if (!objects) return objects.error();
    if (!*objects) continue;
    for (const auto& [href, data] : **objects) {
      auto intervals = ical::busy_intervals(data, from, to, account_.time_zone);
      if (!intervals) {
        warn("busy times: skipping " + path_of(href) + ": " + intervals.error().to_string());
        continue;
      }
      out.insert(out.end(), intervals->begin(), intervals->end());
    }
  }
  return out;
}

Result<std::vector<CalendarItem>> CaldavCalendar::items(UnixSeconds from, UnixSeconds to,
                                                        std::string_view exclude_calendar_id) {
  std::vector<CalendarItem> out;
  if (to <= from) return out;
  auto all = calendars();
  if (!all) return all.error();
  const std::string excluded = canonical_calendar_id(exclude_calendar_id);
  for (const auto& calendar : *all) {
    if (calendar.url == excluded || !calendar.takes_events) continue;
    auto objects = objects_in_range(calendar, from, to, "calendar events");
    if (!objects) return objects.error();
    if (!*objects) continue;
    for (const auto& [href, data] : **objects) {
      auto items = ical::calendar_items(data, from, to, account_.time_zone);
      if (!items) {
        warn("calendar events: skipping " + path_of(href) + ": " + items.error().to_string());
        continue;
      }
      out.insert(out.end(), std::make_move_iterator(items->begin()),
                 std::make_move_iterator(items->end()));
    }
  }
  // The same event in two calendars (a shared or subscribed copy) counts once.
  std::sort(out.begin(), out.end(), [](const CalendarItem& a, const CalendarItem& b) {
    return std::tie(a.start, a.uid) < std::tie(b.start, b.uid);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const CalendarItem& a, const CalendarItem& b) {
                          return a.start == b.start && a.uid == b.uid;
                        }),
            out.end());
  return out;
}

std::string CaldavCalendar::resource_href(std::string_view calendar_id,
                                          std::string_view resource_name) const {
  return with_trailing_slash(std::string(calendar_id)) + encode_segment(resource_name);
}

Result<WriteResult> CaldavCalendar::put(std::string_view href, const std::string& body,
                                        std::string condition, std::string_view step) {
  const std::string url = canonical_url(href).value_or(std::string(href));
  auto response =
      send("PUT", url, step, {std::string(ics_content_type), std::move(condition)}, body);
  if (!response) return response.error();
  const RequestKind kind = step == "create event" ? RequestKind::create : RequestKind::update;
  if (auto refused = write_refusal(*response, kind, step)) return *refused;
  return WriteResult{url, response->header("etag")};
}

Result<WriteResult> CaldavCalendar::create(std::string_view href, const ReminderEvent& event) {
  auto body = ical::render_reminder(event, now_seconds());
  if (!body) return body.error();
  return put(href, *body, "If-None-Match: *", "create event");
}

Result<WriteResult> CaldavCalendar::update(const CalendarEvent& current,
                                           const ReminderEvent& desired) {
  if (current.etag.empty())
    return make_error(ErrorScope::precondition_failed, "caldav.no_etag",
                      "no version (ETag) is known for " + path_of(current.href) + " on " +
                          host_for_messages(current.href) + ": re-read it before updating");
  auto body = current.raw.empty() ? ical::render_reminder(desired, now_seconds())
                                  : ical::merge_reminder(current.raw, desired, now_seconds());
  if (!body) return body.error();
  return put(current.href, *body, "If-Match: " + current.etag, "update event");
}

Result<void> CaldavCalendar::remove(const CalendarEvent& current) {
  if (current.etag.empty())
    return make_error(ErrorScope::precondition_failed, "caldav.no_etag",
                      "no version (ETag) is known for " + path_of(current.href) + " on " +
                          host_for_messages(current.href) + ": re-read it before deleting");
  const std::string url = canonical_url(current.href).value_or(current.href);
  auto response = send("DELETE", url, "delete event", {"If-Match: " + current.etag});
  if (!response) return response.error();
  if (response->status == 404 || response->status == 410) return {};
  if (auto refused = write_refusal(*response, RequestKind::remove, "delete event")) return *refused;
  return {};
}

}  // namespace nachfass::caldav
