// Wire tests: the IMAP client against a scripted server on port 0, for what a real server will
// not do on demand (BYE mid-FETCH, a literal split across segments, garbage, an oversized
// literal, a stall). Script lines: "C: WORD" the client's next line has the command WORD (the
// tag is remembered), "S: text" the server sends text + CRLF with "$" replaced by that tag,
// "R: text" sends text without CRLF and pauses (a TCP segment of its own), "W: ms" pauses,
// "X" closes the connection.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <thread>

#include "imap/client/imap_client.hpp"
#include "imap/parser/fetch.hpp"
#include "scripted_server.hpp"

namespace nachfass::imap {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

using test::ScriptedServer;

const std::vector<std::string> login = {
    "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready",
    "C: AUTHENTICATE",
    "S: $ OK [CAPABILITY IMAP4rev1 ESEARCH] logged in",
};

std::vector<std::string> with_login(std::vector<std::string> rest) {
  std::vector<std::string> script = login;
  script.insert(script.end(), rest.begin(), rest.end());
  return script;
}

struct Outcome {
  Result<std::vector<FetchItem>> items = std::vector<FetchItem>{};
  std::uint64_t round_trips = 0;
  std::vector<std::string> trace;
};

Outcome fetch_through(std::uint16_t port, ClientOptions options = {}) {
  asio::io_context io;
  Outcome outcome;
  options.host = "127.0.0.1";
  options.port = port;
  options.security = Security::none;
  if (options.command_timeout == std::chrono::milliseconds(60'000))
    options.command_timeout = std::chrono::milliseconds(2000);
  options.trace = [&](std::string_view line) { outcome.trace.emplace_back(line); };
  Client client(io.get_executor(), options);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        if (auto r = co_await client.connect(); !r) {
          outcome.items = r.error();
          co_return;
        }
        // Named: GCC 12 destroys a braced temporary in a co_await expression twice.
        const Credentials credentials{"anna", "s3cret-PW", AuthMechanism::automatic};
        if (auto r = co_await client.authenticate(credentials); !r) {
          outcome.items = r.error();
          co_return;
        }
        Command command{client.tags().next(), {}};
        command.parts.push_back(command.tag +
                                " UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
        std::vector<FetchItem> items;
        auto done = co_await client.execute(command, [&](Response&& response) -> Result<void> {
          auto item = parse_fetch(std::move(response));
          if (item) items.push_back(std::move(*item));
          return {};
        });
        if (!done) {
          outcome.items = done.error();
          co_return;
        }
        outcome.items = std::move(items);
        outcome.round_trips = client.round_trips();
      },
      asio::detached);
  io.run();
  return outcome;
}

TEST(ImapWire, LiteralSplitAcrossSegmentsIsReassembled) {
  ScriptedServer server(with_login({
      "C: UID FETCH",
      "R: * 1 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubj",
      "R: ect: Hallo\r",
      "R: \n\r\n",
      "S: )",
      "S: $ OK done",
  }));
  auto outcome = fetch_through(server.port());
  ASSERT_TRUE(outcome.items) << outcome.items.error().to_string();
  ASSERT_EQ(outcome.items->size(), 1u);
  EXPECT_EQ(*outcome.items->front().uid, 7u);
  EXPECT_EQ(*outcome.items->front().body_section("HEADER.FIELDS (SUBJECT)"),
            "Subject: Hallo\r\n\r\n");
  EXPECT_TRUE(server.problems().empty());
  EXPECT_EQ(outcome.round_trips, 3u);  // greeting, AUTHENTICATE, UID FETCH
}

TEST(ImapWire, ByeMidFetchIsAProtocolErrorNamingServerAndStep) {
  ScriptedServer server(with_login({
      "C: UID FETCH",
      "S: * 1 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT)] {4}\r\nab\r\n)",
      "S: * BYE shutting down for maintenance",
      "X",
  }));
  auto outcome = fetch_through(server.port());
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.protocol");
  EXPECT_EQ(outcome.items.error().scope, ErrorScope::transient);
  EXPECT_NE(outcome.items.error().message.find("127.0.0.1:"), std::string::npos);
  EXPECT_NE(outcome.items.error().message.find("UID FETCH"), std::string::npos);
  EXPECT_NE(outcome.items.error().message.find("shutting down"), std::string::npos);
}

TEST(ImapWire, ConnectionDroppedMidLiteralIsAConnectError) {
  ScriptedServer server(with_login({
      "C: UID FETCH",
      "R: * 1 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT)] {400}\r\nSubject: x",
      "X",
  }));
  auto outcome = fetch_through(server.port());
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.connect");
  EXPECT_EQ(outcome.items.error().scope, ErrorScope::transient);
}

TEST(ImapWire, GarbageIsAProtocolError) {
  ScriptedServer server(with_login({
      "C: UID FETCH",
      "S: * 1 FETCH (UID 7 ((((",
      "S: $ OK done",
  }));
  auto outcome = fetch_through(server.port());
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.protocol");
}

TEST(ImapWire, GarbageInsteadOfAGreetingSaysCheckHostAndPort) {
  ScriptedServer server({"S: HTTP/1.1 400 Bad Request", "X"});
  auto outcome = fetch_through(server.port());
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.protocol");
  EXPECT_NE(outcome.items.error().message.find("greeting"), std::string::npos);
}

TEST(ImapWire, LiteralLargerThanTheBoundIsRefusedWithoutBufferingIt) {
  ScriptedServer server(with_login({
      "C: UID FETCH",
      "S: * 1 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT)] {1000000}",
      "W: 200",
  }));
  ClientOptions options;
  options.limits.max_literal_bytes = 4096;
  auto outcome = fetch_through(server.port(), options);
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.protocol");
  EXPECT_NE(outcome.items.error().message.find("literal_too_large"), std::string::npos);
}

TEST(ImapWire, StallFiresTheTimeout) {
  ScriptedServer server(with_login({
      "C: UID FETCH",
      "S: * 1 FETCH (UID 7)",
      "W: 1500",
  }));
  ClientOptions options;
  options.command_timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto outcome = fetch_through(server.port(), options);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.timeout");
  EXPECT_EQ(outcome.items.error().scope, ErrorScope::transient);
  EXPECT_NE(outcome.items.error().message.find("UID FETCH"), std::string::npos);
  EXPECT_LT(took, std::chrono::milliseconds(1400));
}

TEST(ImapWire, RejectedLoginIsAnAuthErrorWithoutTheSecret) {
  ScriptedServer server({
      "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready",
      "C: AUTHENTICATE",
      "S: +",
      "C: ",  // the base64 response line
      "S: $ NO [AUTHENTICATIONFAILED] Authentication failed.",
  });
  auto outcome = fetch_through(server.port());
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.auth");
  EXPECT_EQ(outcome.items.error().scope, ErrorScope::account);
  const std::string b64 = sasl_plain_response("anna", "s3cret-PW");
  EXPECT_EQ(outcome.items.error().message.find("s3cret-PW"), std::string::npos);
  for (const auto& line : outcome.trace) {
    EXPECT_EQ(line.find("s3cret-PW"), std::string::npos) << line;
    EXPECT_EQ(line.find(b64), std::string::npos) << line;
  }
  ASSERT_EQ(server.received().size(), 2u);
  EXPECT_EQ(server.received()[1], b64);  // sent without SASL-IR after the continuation
}

TEST(ImapWire, LoginCommandWhenPlainIsNotOffered) {
  ScriptedServer server({
      "S: * OK [CAPABILITY IMAP4rev1] ready",
      "C: LOGIN",
      "S: $ OK [CAPABILITY IMAP4rev1] in",
      "C: UID FETCH",
      "S: $ OK nothing",
  });
  auto outcome = fetch_through(server.port());
  ASSERT_TRUE(outcome.items) << outcome.items.error().to_string();
  bool redacted = false;
  for (const auto& line : outcome.trace)
    if (line.find("LOGIN <redacted>") != std::string::npos) redacted = true;
  EXPECT_TRUE(redacted);
}

TEST(ImapWire, StartTlsRequiredButNotOffered) {
  ScriptedServer server({"S: * OK [CAPABILITY IMAP4rev1] ready"});
  asio::io_context io;
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  options.security = Security::starttls;
  Client client(io.get_executor(), options);
  std::optional<Result<void>> result;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result = co_await client.connect(); }, asio::detached);
  io.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error().id, "imap.tls");
  EXPECT_NE(result->error().message.find("STARTTLS"), std::string::npos);
}

TEST(ImapWire, PlainTextToARemoteHostIsRefused) {
  asio::io_context io;
  ClientOptions options;
  options.host = "imap.example.com";
  options.security = Security::none;
  Client client(io.get_executor(), options);
  std::optional<Result<void>> result;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result = co_await client.connect(); }, asio::detached);
  io.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error().id, "imap.config");
  EXPECT_EQ(result->error().scope, ErrorScope::account);
}

TEST(ImapWire, ConnectionRefusedIsAConnectError) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  auto outcome = fetch_through(port);
  ASSERT_FALSE(outcome.items);
  EXPECT_EQ(outcome.items.error().id, "imap.connect");
}

TEST(ImapSasl, Encodings) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(sasl_plain_response("tim", "tanstaaftanstaaf"), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  EXPECT_EQ(sasl_xoauth2_response("someuser@example.com",
                                  "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"),
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQm"
            "hkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.3.4.5"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("imap.example.com"));
}

}  // namespace
}  // namespace nachfass::imap
