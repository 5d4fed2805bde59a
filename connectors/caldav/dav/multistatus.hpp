// WebDAV multistatus bodies (RFC 4918 section 13, RFC 4791, RFC 5397) -> plain structs, with
// pugixml. Pure: no I/O; the HTTP layer hands over the body and the URL it was sent to.
//
// Contract of parse_multistatus()
// - Input is untrusted server data: any byte string is handled without crash, exceptions or
//   unbounded work (pugixml parses without recursion and expands no external entities).
// - Namespaces are resolved properly: elements are matched by namespace URI and local name,
//   whatever prefixes (or default namespace) the server chose ("D:", "ns0:", none ...).
// - Every DAV:href is resolved against `request_url` and returned in canonical form
//   (url.hpp): absolute URL, percent-escapes normalised. Hrefs that do not resolve to an
//   http(s) URL are dropped with their response.
// - A property counts only from a propstat whose status is 2xx; 404 propstats (property not
//   defined there) leave the field unset. A response-level <status> (RFC 4918 13.2: e.g. 404 for
//   a multiget href that does not exist) is reported in DavResource::status.
// - Errors: caldav.bad_xml (scope transient) when the body is not well-formed XML or its root is
//   not DAV:multistatus; the message names `host` and `step` and says what to check.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/result.hpp"

namespace nachfass::caldav {

inline constexpr std::string_view dav_ns = "DAV:";
inline constexpr std::string_view caldav_ns = "urn:ietf:params:xml:ns:caldav";
inline constexpr std::string_view calendarserver_ns = "http://calendarserver.org/ns/";

struct DavResource {
  std::string href;  // canonical absolute URL
  int status = 0;    // response-level status code, 0 when the response carries propstats

  // Properties, from 2xx propstats only.
  std::optional<std::string> etag;           // DAV:getetag, exactly as sent (quotes kept)
  std::optional<std::string> display_name;   // DAV:displayname, surrounding blanks trimmed
  std::optional<std::string> calendar_data;  // CALDAV:calendar-data text
  std::optional<std::string> ctag;           // CS:getctag
  bool has_resourcetype = false;
  bool is_collection = false;  // DAV:resourcetype contains DAV:collection
  bool is_calendar = false;    // ... CALDAV:calendar
  bool is_principal = false;   // ... DAV:principal
  // CALDAV:supported-calendar-component-set: component names ("VEVENT", ...); nullopt when the
  // property was not returned (RFC 4791 5.2.3: then any component is allowed).
  std::optional<std::vector<std::string>> components;
  // DAV:current-user-privilege-set (RFC 3744 5.4): local names of the privileges ("read",
  // "write", "all" ...); nullopt when not returned.
  std::optional<std::vector<std::string>> privileges;
  // CALDAV:schedule-calendar-transp (RFC 6638 9.1): true for <transparent/>.
  std::optional<bool> transparent;
  std::optional<std::string> current_user_principal;  // resolved href
  std::vector<std::string> calendar_home_set;         // resolved hrefs
  // Local names of the preconditions in a response-level DAV:error (RFC 4918 16), e.g.
  // "no-uid-conflict": Xandikos reports a refused PUT as a 207 carrying these.
  std::vector<std::string> error_conditions;
};

struct Multistatus {
  std::vector<DavResource> responses;
};

Result<Multistatus> parse_multistatus(std::string_view body, std::string_view request_url,
                                      std::string_view host, std::string_view step);

// The preconditions (local names) a failed request's body names: the children of a DAV:error
// root (RFC 4918 16, as Radicale sends with 409), or of the responses' DAV:error elements in a
// multistatus. Empty when there are none or the body is not XML.
std::vector<std::string> error_conditions(std::string_view body);

// "HTTP/1.1 404 Not Found" -> 404; 0 when the line is not a status line.
int parse_status_line(std::string_view line);

// Request bodies (UTF-8 XML, values escaped by pugixml).
std::string propfind_body(bool discovery_props);  // true: discovery set, false: getetag only
std::string mkcalendar_body(std::string_view display_name);
// calendar-query for VEVENTs asking getetag (and calendar-data when `with_data`); with a
// time-range when `range` is given (UTC "YYYYMMDDTHHMMSSZ" pair), with a prop-filter on RRULE
// when `recurring_only`.
struct TimeRange {
  std::string start;
  std::string end;
};
std::string calendar_query_body(bool with_data, const std::optional<TimeRange>& range,
                                bool recurring_only);
std::string calendar_multiget_body(const std::vector<std::string>& href_paths);

}  // namespace nachfass::caldav
