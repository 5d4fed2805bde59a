// Offline tests of the WebDAV XML layer: multistatus parsing (bodies as Radicale 3.1.8, Xandikos
// 0.2.8 and RFC 4791 write them), href resolution and request bodies.
#include <gtest/gtest.h>

#include <string>

#include "caldav/dav/caldav_calendar.hpp"
#include "caldav/dav/multistatus.hpp"
#include "caldav/dav/url.hpp"

namespace nachfass::caldav {
namespace {

constexpr std::string_view base = "http://127.0.0.1:5232/anna/cal/";

Multistatus parse_ok(std::string_view body, std::string_view url = base) {
  auto parsed = parse_multistatus(body, url, "127.0.0.1:5232", "test");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().to_string());
  return parsed ? *parsed : Multistatus{};
}

TEST(DavXml, RadicaleDefaultNamespaceWithPropstat404) {
  const auto ms = parse_ok(
      R"(<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><response><href>/anna/</href><propstat><prop><resourcetype><principal /><collection /></resourcetype><current-user-privilege-set><privilege><read /></privilege><privilege><all /></privilege></current-user-privilege-set></prop><status>HTTP/1.1 200 OK</status></propstat><propstat><prop><displayname /><C:supported-calendar-component-set /><C:schedule-calendar-transp /><CS:getctag /></prop><status>HTTP/1.1 404 Not Found</status></propstat></response></multistatus>)");
  ASSERT_EQ(ms.responses.size(), 1u);
  const auto& r = ms.responses[0];
  EXPECT_EQ(r.href, "http://127.0.0.1:5232/anna/");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.is_collection);
  EXPECT_TRUE(r.is_principal);
  EXPECT_FALSE(r.is_calendar);
  ASSERT_TRUE(r.privileges);
  EXPECT_EQ(*r.privileges, (std::vector<std::string>{"read", "all"}));
  // The 404 propstat leaves these unset rather than empty.
  EXPECT_FALSE(r.display_name);
  EXPECT_FALSE(r.components);
  EXPECT_FALSE(r.transparent);
  EXPECT_FALSE(r.ctag);
}

TEST(DavXml, XandikosNs0PrefixesStatusBeforeProp) {
  const auto ms = parse_ok(
      R"(<ns0:multistatus xmlns:ns0="DAV:" xmlns:ns1="http://calendarserver.org/ns/" xmlns:ns2="urn:ietf:params:xml:ns:caldav"><ns0:response><ns0:href>/user/calendars/calendar/</ns0:href><ns0:propstat><ns0:status>HTTP/1.1 200 OK</ns0:status><ns0:prop><ns0:resourcetype><ns0:collection /><ns2:calendar /></ns0:resourcetype><ns0:displayname>calendar</ns0:displayname><ns2:supported-calendar-component-set><ns2:comp name="VEVENT" /><ns2:comp name="VJOURNAL" /></ns2:supported-calendar-component-set><ns0:current-user-privilege-set><ns0:privilege><ns0:all /></ns0:privilege></ns0:current-user-privilege-set><ns2:schedule-calendar-transp><ns2:opaque /></ns2:schedule-calendar-transp><ns1:getctag>ae44</ns1:getctag></ns0:prop></ns0:propstat></ns0:response></ns0:multistatus>)",
      "http://127.0.0.1:8080/user/calendars/");
  ASSERT_EQ(ms.responses.size(), 1u);
  const auto& r = ms.responses[0];
  EXPECT_EQ(r.href, "http://127.0.0.1:8080/user/calendars/calendar/");
  EXPECT_TRUE(r.is_calendar);
  EXPECT_EQ(r.display_name, "calendar");
  ASSERT_TRUE(r.components);
  EXPECT_EQ(*r.components, (std::vector<std::string>{"VEVENT", "VJOURNAL"}));
  EXPECT_EQ(r.transparent, false);
  EXPECT_EQ(r.ctag, "ae44");
}

TEST(DavXml, UnusualPrefixesAndRedeclaredNamespaces) {
  // The same prefix bound to different namespaces at different levels; only the URI counts.
  const auto ms = parse_ok(
      R"(<x:multistatus xmlns:x="DAV:"><x:response><x:href>a.ics</x:href><x:propstat><x:prop><dd:getetag xmlns:dd="DAV:">"e1"</dd:getetag><x:calendar-data xmlns:x="urn:ietf:params:xml:ns:caldav">BEGIN:VCALENDAR</x:calendar-data><x:calendar-data>DAV:calendar-data is not CalDAV's</x:calendar-data></x:prop><x:status>HTTP/1.1 200 OK</x:status></x:propstat></x:response></x:multistatus>)");
  ASSERT_EQ(ms.responses.size(), 1u);
  EXPECT_EQ(ms.responses[0].href, "http://127.0.0.1:5232/anna/cal/a.ics");
  EXPECT_EQ(ms.responses[0].etag, "\"e1\"");
  EXPECT_EQ(ms.responses[0].calendar_data, "BEGIN:VCALENDAR");
}

TEST(DavXml, ElementsOutsideDavNamespaceAreNotDav) {
  const auto ms = parse_ok(
      R"(<D:multistatus xmlns:D="DAV:" xmlns:E="urn:example"><D:response><D:href>/x.ics</D:href><D:propstat><D:prop><E:getetag>"wrong"</E:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>)");
  ASSERT_EQ(ms.responses.size(), 1u);
  EXPECT_FALSE(ms.responses[0].etag);
}

TEST(DavXml, Rfc4791MultigetWithMissingHref) {
  // RFC 4791 section 7.9.1, abridged: one found, one 404 at response level.
  const auto ms = parse_ok(R"(<?xml version="1.0" encoding="utf-8" ?>
   <D:multistatus xmlns:D="DAV:"
                  xmlns:C="urn:ietf:params:xml:ns:caldav">
     <D:response>
       <D:href>http://cal.example.com/bernard/work/abcd1.ics</D:href>
       <D:propstat>
         <D:prop>
           <D:getetag>"fffff-abcd1"</D:getetag>
           <C:calendar-data>BEGIN:VCALENDAR
VERSION:2.0
END:VCALENDAR
</C:calendar-data>
         </D:prop>
         <D:status>HTTP/1.1 200 OK</D:status>
       </D:propstat>
     </D:response>
     <D:response>
       <D:href>http://cal.example.com/bernard/work/mtg1.ics</D:href>
       <D:status>HTTP/1.1 404 Not Found</D:status>
     </D:response>
   </D:multistatus>)",
                           "http://cal.example.com/bernard/work/");
  ASSERT_EQ(ms.responses.size(), 2u);
  EXPECT_EQ(ms.responses[0].etag, "\"fffff-abcd1\"");
  EXPECT_EQ(ms.responses[0].calendar_data, "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n");
  EXPECT_EQ(ms.responses[1].status, 404);
  EXPECT_EQ(ms.responses[1].href, "http://cal.example.com/bernard/work/mtg1.ics");
  EXPECT_FALSE(ms.responses[1].calendar_data);
}

TEST(DavXml, CdataCalendarDataAndEntities) {
  const auto ms = parse_ok(
      R"(<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/a&amp;b.ics</d:href><d:propstat><d:prop><c:calendar-data><![CDATA[SUMMARY:a<b&c]]></c:calendar-data><d:displayname> M&#252;ller </d:displayname></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)");
  ASSERT_EQ(ms.responses.size(), 1u);
  EXPECT_EQ(ms.responses[0].calendar_data, "SUMMARY:a<b&c");
  EXPECT_EQ(ms.responses[0].display_name, "Müller");
  EXPECT_EQ(ms.responses[0].href, "http://127.0.0.1:5232/a&b.ics");
}

TEST(DavXml, PrincipalAndHomeHrefsResolved) {
  const auto ms = parse_ok(
      R"(<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/</href><propstat><prop><current-user-principal><href>../anna/</href></current-user-principal><C:calendar-home-set><href>
        http://127.0.0.1:5232/anna/home/ </href><href>/second/</href></C:calendar-home-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>)",
      "http://127.0.0.1:5232/x/y");
  ASSERT_EQ(ms.responses.size(), 1u);
  EXPECT_EQ(ms.responses[0].current_user_principal, "http://127.0.0.1:5232/anna/");
  EXPECT_EQ(ms.responses[0].calendar_home_set,
            (std::vector<std::string>{"http://127.0.0.1:5232/anna/home/",
                                      "http://127.0.0.1:5232/second/"}));
}

TEST(DavXml, TransparentCalendar) {
  const auto ms = parse_ok(
      R"(<D:multistatus xmlns:D="DAV:"><D:response><D:href>/c/</D:href><D:propstat><D:prop><C:schedule-calendar-transp xmlns:C="urn:ietf:params:xml:ns:caldav"><C:transparent/></C:schedule-calendar-transp></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>)");
  ASSERT_EQ(ms.responses.size(), 1u);
  EXPECT_EQ(ms.responses[0].transparent, true);
}

TEST(DavXml, MalformedBodiesAreErrorsNamingHostAndStep) {
  for (std::string_view body :
       {std::string_view(""), std::string_view("<multistatus xmlns=\"DAV:\"><response>"),
        std::string_view("<html><body>Login</body></html>"),
        std::string_view("<multistatus><response/></multistatus>"),  // no DAV: namespace
        std::string_view("not xml at all"), std::string_view("<a></b>")}) {
    auto parsed = parse_multistatus(body, base, "dav.example.com", "list events");
    ASSERT_FALSE(parsed) << body;
    EXPECT_EQ(parsed.error().id, "caldav.bad_xml");
    EXPECT_EQ(parsed.error().scope, ErrorScope::transient);
    EXPECT_NE(parsed.error().message.find("dav.example.com"), std::string::npos);
    EXPECT_NE(parsed.error().message.find("list events"), std::string::npos);
    EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
  }
}

TEST(DavXml, ErrorConditions) {
  // Radicale 3.1.8: 409 with a DAV:error body.
  EXPECT_EQ(error_conditions(R"(<?xml version='1.0' encoding='utf-8'?>
<error xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict /></error>)"),
            (std::vector<std::string>{"no-uid-conflict"}));
  // Xandikos 0.2.8: 207 with a response-level 412 and the precondition.
  const std::string_view xandikos =
      R"(<ns0:multistatus xmlns:ns0="DAV:" xmlns:ns1="urn:ietf:params:xml:ns:caldav"><ns0:response><ns0:href>http%3A//127.0.0.1%3A50863/user/calendars/c/dup.ics</ns0:href><ns0:status>HTTP/1.1 412 Precondition Failed</ns0:status><ns0:error><ns1:no-uid-conflict /></ns0:error><ns0:responsedescription>UID already in use.</ns0:responsedescription></ns0:response></ns0:multistatus>)";
  EXPECT_EQ(error_conditions(xandikos), (std::vector<std::string>{"no-uid-conflict"}));
  const auto ms = parse_ok(xandikos);
  ASSERT_EQ(ms.responses.size(), 1u);
  EXPECT_EQ(ms.responses[0].status, 412);
  EXPECT_TRUE(error_conditions("Conflict").empty());
  EXPECT_TRUE(error_conditions("").empty());
}

TEST(DavXml, StatusLines) {
  EXPECT_EQ(parse_status_line("HTTP/1.1 200 OK"), 200);
  EXPECT_EQ(parse_status_line("HTTP/1.0 404 Not Found"), 404);
  EXPECT_EQ(parse_status_line("HTTP/1.1 207"), 207);
  EXPECT_EQ(parse_status_line("HTTP/1.1 2000 OK"), 0);
  EXPECT_EQ(parse_status_line("200 OK"), 0);
  EXPECT_EQ(parse_status_line("HTTP/1.1 x00 OK"), 0);
}

TEST(DavUrl, PercentEncodingIsCanonical) {
  // Xandikos and Radicale escape differently; the canonical forms agree.
  EXPECT_EQ(canonical_url("http://H:80/a%20b/c%3aD.ics"), "http://h/a%20b/c:D.ics");
  EXPECT_EQ(canonical_url("http://h/a b/%7euser/%2F"), "http://h/a%20b/~user/%2F");
  EXPECT_EQ(canonical_url("https://h:443/%c3%bc"), "https://h/%C3%BC");
  EXPECT_EQ(canonical_url("https://h:8443/ü"), "https://h:8443/%C3%BC");
  EXPECT_EQ(percent_decode("a%20b%zz%4"), "a b%zz%4");
  EXPECT_FALSE(canonical_url("ftp://h/x"));
  EXPECT_FALSE(canonical_url("http://user:pw@h/x"));
  EXPECT_FALSE(canonical_url("/relative"));
}

TEST(DavUrl, Resolution) {
  EXPECT_EQ(resolve_url("http://h/a/b/", "c.ics"), "http://h/a/b/c.ics");
  EXPECT_EQ(resolve_url("http://h/a/b", "c.ics"), "http://h/a/c.ics");
  EXPECT_EQ(resolve_url("http://h/a/b/", "../c/"), "http://h/a/c/");
  EXPECT_EQ(resolve_url("http://h/a/b/", "/x/./y/../z"), "http://h/x/z");
  EXPECT_EQ(resolve_url("http://h:1/a/", "https://other/q"), "https://other/q");
  EXPECT_EQ(resolve_url("https://h/a/", "//other/q"), "https://other/q");
  EXPECT_EQ(resolve_url("http://h/a/", ""), "http://h/a/");
  EXPECT_EQ(resolve_url("http://h/a/", "/../../x"), "http://h/x");
  // Found by fuzz_dav_xml: an escaped dot is a dot segment as well (RFC 3986 6.2.2).
  EXPECT_EQ(resolve_url("http://h:8080/a/b/", "%2e"), "http://h:8080/a/b/");
  EXPECT_EQ(resolve_url("http://h/a/b/", "%2E%2e/c"), "http://h/a/c");
  EXPECT_EQ(canonical_url("http://h/a/%2e/b"), "http://h/a/b");
  // Found by fuzz_dav_xml: a network-path reference whose host is not a host name.
  EXPECT_FALSE(resolve_url("http://h:8080/a/b/", "//\xff\xff%"));
  EXPECT_FALSE(canonical_url("http://h%41/"));
  EXPECT_EQ(canonical_url("http://[::1]:8080/x"), "http://[::1]:8080/x");
  EXPECT_FALSE(canonical_url("http://ns:xm:80:80"));
  EXPECT_FALSE(canonical_url("http://h:/x"));
  EXPECT_FALSE(canonical_url("http://h:8a/x"));
  EXPECT_FALSE(canonical_url("http://[::1/x"));
  EXPECT_TRUE(same_origin("http://h:80/a", "http://H/b"));
  EXPECT_FALSE(same_origin("http://h/a", "https://h/a"));
  EXPECT_FALSE(same_origin("http://h:1/a", "http://h:2/a"));
  EXPECT_EQ(encode_segment("nachfass-u-1/2 ü.ics"), "nachfass-u-1%2F2%20%C3%BC.ics");
}

TEST(DavBodies, RequestBodiesParseAndEscape) {
  const std::string mk = mkcalendar_body("Nachfass <&> \"x\"");
  EXPECT_NE(mk.find("Nachfass &lt;&amp;&gt; \"x\""), std::string::npos) << mk;
  EXPECT_NE(mk.find("<c:comp name=\"VEVENT\""), std::string::npos) << mk;
  const std::string query =
      calendar_query_body(true, TimeRange{"20260101T000000Z", "20260102T000000Z"}, false);
  EXPECT_NE(query.find("<c:time-range start=\"20260101T000000Z\" end=\"20260102T000000Z\""),
            std::string::npos)
      << query;
  EXPECT_NE(query.find("<c:calendar-data"), std::string::npos);
  EXPECT_NE(calendar_query_body(false, std::nullopt, true).find("<c:prop-filter name=\"RRULE\""),
            std::string::npos);
  const std::string multiget = calendar_multiget_body({"/a/b%20c.ics", "/a/&.ics"});
  EXPECT_NE(multiget.find("<d:href>/a/&amp;.ics</d:href>"), std::string::npos) << multiget;
}

TEST(DavStatus, ErrorsByStatus) {
  HttpResponse response;
  response.url = "http://dav.example.com:8443/anna/cal/x.ics";
  auto error_for = [&](long status, RequestKind kind) {
    response.status = status;
    return status_error(response, kind, "update event");
  };
  EXPECT_EQ(error_for(401, RequestKind::update).id, "caldav.auth");
  EXPECT_EQ(error_for(401, RequestKind::update).scope, ErrorScope::account);
  EXPECT_NE(error_for(401, RequestKind::update).message.find("dav.example.com:8443"),
            std::string::npos);
  EXPECT_EQ(error_for(403, RequestKind::update).scope, ErrorScope::account);
  EXPECT_EQ(error_for(404, RequestKind::collection_read).scope, ErrorScope::collection);
  EXPECT_EQ(error_for(410, RequestKind::collection_read).id, "caldav.calendar_gone");
  EXPECT_EQ(error_for(404, RequestKind::update).scope, ErrorScope::precondition_failed);
  EXPECT_EQ(error_for(412, RequestKind::create).scope, ErrorScope::precondition_failed);
  EXPECT_EQ(error_for(500, RequestKind::read).scope, ErrorScope::transient);
  EXPECT_EQ(error_for(503, RequestKind::read).scope, ErrorScope::transient);
  EXPECT_EQ(error_for(429, RequestKind::read).scope, ErrorScope::throttled);
  response.headers["retry-after"] = "120";
  auto throttled = error_for(503, RequestKind::read);
  EXPECT_EQ(throttled.scope, ErrorScope::throttled);
  EXPECT_NE(throttled.message.find("120 s"), std::string::npos) << throttled.message;
  EXPECT_EQ(error_for(415, RequestKind::create).scope, ErrorScope::item);
  EXPECT_EQ(error_for(400, RequestKind::collection_read).scope, ErrorScope::collection);
}

}  // namespace
}  // namespace nachfass::caldav
