// Wire tests of imap::watch() against a scripted server on port 0: the IDLE re-issue timer
// (DONE, then IDLE again), the NOOP fallback, an auth failure, cancellation. Script lines as in
// wire_test.cpp: "C: WORD" the client's next line has WORD ("C: " a line without tag, as DONE),
// "S: text" sent with "$" replaced by the last tag, "X" closes.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "imap/sync/watch.hpp"
#include "scripted_server.hpp"

namespace nachfass::imap {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

using test::ScriptedServer;

const std::vector<std::string> examined = {
    "C: EXAMINE",
    "S: * 2 EXISTS",
    "S: * OK [UIDVALIDITY 7] ok",
    "S: * OK [UIDNEXT 3] ok",
    "S: $ OK [READ-ONLY] done",
};

std::vector<std::string> script(std::string_view capabilities, std::vector<std::string> rest) {
  std::vector<std::string> out = {
      "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR " + std::string(capabilities) + "] hi",
      "C: AUTHENTICATE",
      "S: $ OK [CAPABILITY IMAP4rev1 " + std::string(capabilities) + "] logged in",
  };
  out.insert(out.end(), examined.begin(), examined.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// Runs watch() on a thread until stopped; records the events.
struct Watching {
  std::mutex mutex;
  std::vector<WatchEvent> events;
  std::optional<Result<void>> result;
  std::jthread thread;

  Watching(std::uint16_t port, WatchOptions watch_options, std::string secret = "s3cret") {
    ImapConfig config;
    config.host = "127.0.0.1";
    config.port = port;
    config.security = ImapSecurity::none;
    config.username = "anna";
    ImapImportOptions options;
    options.secret = std::move(secret);
    options.command_timeout = 2s;
    options.connect_timeout = 2s;
    if (std::getenv("NACHFASS_TEST_TRACE"))
      options.trace = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", int(line.size()), line.data());
      };
    if (watch_options.folders.empty()) watch_options.folders = {"INBOX"};
    thread = std::jthread([this, config, options, watch_options](std::stop_token stop) {
      auto r = watch(
          config, options, watch_options,
          [this](const WatchEvent& event) {
            std::lock_guard lock(mutex);
            events.push_back(event);
          },
          stop);
      std::lock_guard lock(mutex);
      result = std::move(r);
    });
  }

  bool wait_for_events(std::size_t n, std::chrono::milliseconds limit = 5s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mutex);
        if (events.size() >= n || result) return events.size() >= n;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  // Requests stop and returns how long watch() took to return.
  std::chrono::milliseconds stop() {
    const auto start = std::chrono::steady_clock::now();
    thread.request_stop();
    thread.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }
};

WatchOptions quick() {
  WatchOptions o;
  o.idle_refresh = 300ms;
  o.poll_interval = 200ms;
  o.debounce = 50ms;
  o.backoff_initial = 50ms;
  return o;
}

TEST(WatchWire, IdleIsReissuedAfterDoneAndChangesAreReported) {
  ScriptedServer server(script("IDLE", {
                                           "C: IDLE",
                                           "S: + idling",
                                           "C: ",
                                           "S: $ OK Idle completed",
                                           "C: IDLE",
                                           "S: + idling",
                                           "S: * 3 EXISTS",
                                       }));
  Watching watching(server.port(), quick());
  ASSERT_TRUE(watching.wait_for_events(1));
  EXPECT_LT(watching.stop(), 1000ms);
  ASSERT_TRUE(watching.result);
  EXPECT_TRUE(*watching.result) << watching.result->error().to_string();
  EXPECT_TRUE(server.problems().empty()) << server.problems().front();
  const auto received = server.received();
  ASSERT_EQ(received.size(), 5u);
  EXPECT_EQ(received[3], "DONE");
  EXPECT_NE(received[4].find(" IDLE"), std::string::npos);
  ASSERT_EQ(watching.events.size(), 1u);
  EXPECT_EQ(watching.events[0].folders, std::vector<std::string>{"INBOX"});
  EXPECT_FALSE(watching.events[0].reconnected);
}

TEST(WatchWire, ChangesWithinTheDebounceWindowAreOneEvent) {
  ScriptedServer server(script("IDLE", {
                                           "C: IDLE",
                                           "S: + idling",
                                           "S: * 3 EXISTS",
                                           "S: * 1 EXPUNGE",
                                           "S: * 1 FETCH (FLAGS (\\Seen))",
                                       }));
  auto o = quick();
  o.debounce = 300ms;
  o.idle_refresh = 10s;
  Watching watching(server.port(), o);
  ASSERT_TRUE(watching.wait_for_events(1));
  std::this_thread::sleep_for(400ms);
  watching.stop();
  EXPECT_EQ(watching.events.size(), 1u);
  EXPECT_TRUE(server.problems().empty());
}

TEST(WatchWire, WithoutIdleItPollsWithNoop) {
  ScriptedServer server(script("", {
                                       "C: NOOP",
                                       "S: $ OK nothing new",
                                       "C: NOOP",
                                       "S: * 1 EXPUNGE",
                                       "S: $ OK done",
                                   }));
  Watching watching(server.port(), quick());
  ASSERT_TRUE(watching.wait_for_events(1));
  EXPECT_LT(watching.stop(), 1000ms);
  EXPECT_TRUE(server.problems().empty()) << server.problems().front();
  EXPECT_EQ(watching.events.at(0).folders, std::vector<std::string>{"INBOX"});
}

TEST(WatchWire, RejectedLoginEndsWatchWithTheAuthError) {
  ScriptedServer server({
      "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] hi",
      "C: AUTHENTICATE",
      "S: $ NO [AUTHENTICATIONFAILED] Authentication failed.",
  });
  Watching watching(server.port(), quick(), "wrong");
  watching.thread.join();
  ASSERT_TRUE(watching.result);
  ASSERT_FALSE(*watching.result);
  EXPECT_EQ(watching.result->error().id, "imap.auth");
  EXPECT_EQ(watching.result->error().message.find("wrong"), std::string::npos);
}

TEST(WatchWire, StopDuringAStalledLoginReturnsWithinASecond) {
  // The server greets and never answers the login.
  ScriptedServer server({
      "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] hi",
      "C: AUTHENTICATE",
  });
  Watching watching(server.port(), quick());
  std::this_thread::sleep_for(200ms);
  EXPECT_LT(watching.stop(), 1000ms);
  ASSERT_TRUE(watching.result);
  EXPECT_TRUE(*watching.result);
}

TEST(WatchWire, StopDuringTheBackoffReturnsWithinASecond) {
  // The server closes at once; the next attempt waits a long back-off.
  ScriptedServer server({"X"});
  auto o = quick();
  o.backoff_initial = 30s;
  std::vector<std::string> warnings;
  std::mutex warnings_mutex;
  o.warning = [&](std::string_view line) {
    std::lock_guard lock(warnings_mutex);
    warnings.emplace_back(line);
  };
  Watching watching(server.port(), o);
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    std::lock_guard lock(warnings_mutex);
    if (!warnings.empty()) break;
  }
  EXPECT_LT(watching.stop(), 1000ms);
  ASSERT_TRUE(watching.result);
  EXPECT_TRUE(*watching.result);
  std::lock_guard lock(warnings_mutex);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("reconnecting in"), std::string::npos) << warnings[0];
}

TEST(WatchWire, BackoffDoublesUpToTheMaximum) {
  EXPECT_EQ(backoff_delay(1s, 5min, 0), 1s);
  EXPECT_EQ(backoff_delay(1s, 5min, 1), 2s);
  EXPECT_EQ(backoff_delay(1s, 5min, 8), 256s);
  EXPECT_EQ(backoff_delay(1s, 5min, 9), 5min);
  EXPECT_EQ(backoff_delay(1s, 5min, 1000), 5min);
}

}  // namespace
}  // namespace nachfass::imap
