// CaldavCalendar against scripted HTTP servers on loopback port 0, for what Radicale and
// Xandikos will not do on demand: malformed XML, 503 with Retry-After, a redirect to another
// host, a server that never answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "caldav/dav/caldav_calendar.hpp"

namespace nachfass::caldav {
namespace {

// Answers every request with the next canned response (the last one repeats), one connection
// at a time; records the requests' header blocks.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> responses, bool silent = false)
      : responses_(std::move(responses)), silent_(silent) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 8);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    std::size_t next = 0;
    while (!stop_) {
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      std::string request;
      char buffer[4096];
      // Headers, then Content-Length bytes of body.
      while (request.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::read(connection, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request.substr(0, request.find("\r\n\r\n")));
      }
      if (silent_) {
        // Hold the connection without answering until the client gives up.
        while (::read(connection, buffer, sizeof buffer) > 0) {
        }
      } else {
        const std::string& response = responses_[std::min(next++, responses_.size() - 1)];
        [[maybe_unused]] auto written = ::write(connection, response.data(), response.size());
      }
      ::close(connection);
    }
  }

  std::vector<std::string> responses_;
  bool silent_ = false;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

std::string http(std::string_view status, std::string_view headers, std::string_view body) {
  return "HTTP/1.1 " + std::string(status) +
         "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(headers) + "\r\n" + std::string(body);
}

CaldavAccount account(const std::string& url) {
  CaldavAccount a;
  a.url = url;
  a.username = "anna";
  a.password = "s3cret-pw";
  a.timeout_ms = 1500;
  return a;
}

TEST(CaldavScripted, MalformedXmlNamesHostAndStep) {
  ScriptedServer server({http("207 Multi-Status", "Content-Type: text/xml\r\n",
                              "<multistatus xmlns=\"DAV:\"><response><href>/x</href>")});
  auto port = CaldavCalendar::open(account(server.url() + "cal/"), {});
  ASSERT_TRUE(port);
  auto versions = (*port)->list_versions(server.url() + "cal/");
  ASSERT_FALSE(versions);
  EXPECT_EQ(versions.error().id, "caldav.bad_xml");
  EXPECT_NE(versions.error().message.find("127.0.0.1:"), std::string::npos);
  EXPECT_NE(versions.error().message.find("list events"), std::string::npos);
  EXPECT_EQ(versions.error().message.find("s3cret-pw"), std::string::npos);
}

TEST(CaldavScripted, ServiceUnavailableWithRetryAfterIsThrottled) {
  ScriptedServer server({http("503 Service Unavailable", "Retry-After: 42\r\n", "busy")});
  auto port = CaldavCalendar::open(account(server.url() + "cal/"), {});
  ASSERT_TRUE(port);
  auto versions = (*port)->list_versions(server.url() + "cal/");
  ASSERT_FALSE(versions);
  EXPECT_EQ(versions.error().id, "caldav.throttled");
  EXPECT_EQ(versions.error().scope, ErrorScope::throttled);
  EXPECT_NE(versions.error().message.find("42 s"), std::string::npos);
}

TEST(CaldavScripted, RedirectToAnotherHostIsRefusedWithoutSendingCredentials) {
  ScriptedServer other({http("207 Multi-Status", "", "<multistatus xmlns=\"DAV:\"/>")});
  // "localhost" is another host than "127.0.0.1" for the same-origin rule.
  std::string elsewhere = other.url();
  elsewhere.replace(elsewhere.find("127.0.0.1"), 9, "localhost");
  ScriptedServer server({http("301 Moved Permanently", "Location: " + elsewhere + "\r\n", "")});
  auto port = CaldavCalendar::open(account(server.url()), {});
  ASSERT_TRUE(port);
  auto id = (*port)->discover(false);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().id, "caldav.redirect");
  EXPECT_EQ(id.error().scope, ErrorScope::account);
  EXPECT_TRUE(other.requests().empty());
  // The configured server itself got Basic credentials and an empty Expect.
  ASSERT_FALSE(server.requests().empty());
  EXPECT_NE(server.requests()[0].find("Authorization: Basic"), std::string::npos);
  EXPECT_EQ(server.requests()[0].find("Expect:"), std::string::npos);
  EXPECT_NE(server.requests()[0].find("User-Agent: Nachfass/"), std::string::npos);
}

TEST(CaldavScripted, RedirectLoopIsBounded) {
  ScriptedServer server({http("302 Found", "Location: /loop/\r\n", "")});
  auto port = CaldavCalendar::open(account(server.url() + "a/"), {});
  ASSERT_TRUE(port);
  auto id = (*port)->discover(false);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().id, "caldav.redirect");
  EXPECT_LE((*port)->request_count(), 7u);
}

TEST(CaldavScripted, SilentServerTimesOut) {
  ScriptedServer server({}, true);
  auto port = CaldavCalendar::open(account(server.url() + "cal/"), {});
  ASSERT_TRUE(port);
  auto versions = (*port)->list_versions(server.url() + "cal/");
  ASSERT_FALSE(versions);
  EXPECT_EQ(versions.error().id, "caldav.timeout");
  EXPECT_EQ(versions.error().scope, ErrorScope::transient);
}

TEST(CaldavScripted, ForeignHrefIsNeverContacted) {
  ScriptedServer server({http("204 No Content", "", "")});
  auto port = CaldavCalendar::open(account(server.url() + "cal/"), {});
  ASSERT_TRUE(port);
  CalendarEvent event;
  event.href = "http://192.0.2.1/cal/x.ics";
  event.etag = "\"1\"";
  auto removed = (*port)->remove(event);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().id, "caldav.foreign_href");
  EXPECT_EQ((*port)->request_count(), 0u);
}

TEST(CaldavScripted, BadConfiguration) {
  auto bad = CaldavCalendar::open(account("https://anna:pw@dav.example.com/"), {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().id, "caldav.bad_url");
  EXPECT_EQ(bad.error().message.find("pw@"), std::string::npos);
  auto both = account("https://dav.example.com/");
  both.bearer_token = "token";
  EXPECT_FALSE(CaldavCalendar::open(both, {}));
  auto missing_ca = account("https://dav.example.com/");
  missing_ca.ca_file = "/nonexistent/ca.pem";
  auto ca = CaldavCalendar::open(missing_ca, {});
  ASSERT_FALSE(ca);
  EXPECT_EQ(ca.error().id, "caldav.tls");
  std::vector<std::string> warnings;
  auto insecure = account("https://dav.example.com/");
  insecure.insecure_skip_verify_for_host = "dav.example.com";
  ASSERT_TRUE(
      CaldavCalendar::open(insecure, [&](std::string_view w) { warnings.emplace_back(w); }));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("dav.example.com"), std::string::npos);
}

}  // namespace
}  // namespace nachfass::caldav
