// The IMAP client: one connection to one server, spoken over Boost.Asio with C++20 coroutines.
// Protocol only: it connects (implicit TLS, STARTTLS or plain on loopback), authenticates, sends
// commands and hands every response to the caller. What to fetch and when is the sync's business
// (../sync).
//
// Contract
// - One Client is one connection. It is used from one coroutine at a time on the executor given
//   to the constructor (one io_context per process, see STYLE). It is not thread-safe.
// - Every operation that waits for the network has a deadline (ClientOptions::*_timeout); when
//   it passes, the connection is closed and the operation returns `imap.timeout` (transient).
// - Every error is a nachfass::Error whose message is one line naming the server (host:port),
//   the step, and what to do. Ids and scopes:
//     imap.connect   transient  name resolution or TCP connect failed, or the connection dropped
//     imap.tls       account    TLS handshake failed, certificate or host name does not verify
//     imap.timeout   transient  a deadline passed
//     imap.protocol  transient  the server said BYE, sent something unparseable where a reply
//                               was needed, or refused a command the client relies on
//     imap.auth      account    the server rejected the credentials or offers no usable mechanism
//     imap.config    account    the options cannot work (plain text to a non-loopback host)
//     imap.no        collection a command was refused with NO (e.g. SELECT of a missing folder);
//                               the response text is in the message
//   After imap.connect/imap.tls/imap.timeout/imap.protocol the connection is closed; the caller
//   makes a new Client to retry. After imap.no and imap.auth it stays usable.
// - Secrets (passwords, OAuth tokens) never appear in errors, warnings or the trace: the trace
//   shows authentication commands as "<tag> LOGIN <redacted>".
// - Round trips: round_trips() counts the times the client had to wait for the server with no
//   other command of its own in flight (the greeting, each command or pipelined group of
//   commands, each continuation). Tests and benchmarks assert it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/parser/command.hpp"
#include "imap/parser/response.hpp"
#include "imap/parser/response_parser.hpp"
#include "imap/parser/responses.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

enum class Security : std::uint8_t {
  tls,       // implicit TLS from the first byte (port 993)
  starttls,  // plain greeting, then STARTTLS before anything else (port 143); refused if absent
  none,      // no encryption at all: accepted for loopback hosts only (127.0.0.0/8, ::1, localhost)
};

struct ClientOptions {
  std::string host;
  std::uint16_t port = 0;  // 0: 993 for tls, 143 otherwise
  Security security = Security::tls;

  // Certificates are verified against the system trust store and the host name, always, unless
  // one of these says otherwise. `ca_file`: PEM file of additional trusted CAs (a company CA, the
  // test harness's CA). `insecure_skip_verify_for_host`: when it equals `host`, the certificate
  // is not verified at all (self-signed servers); a warning says so on every connection.
  std::string ca_file;
  std::string insecure_skip_verify_for_host;

  std::chrono::milliseconds connect_timeout{15'000};  // resolve + TCP + TLS + greeting
  std::chrono::milliseconds command_timeout{60'000};  // between two reads while awaiting a reply
  Limits limits;

  // Called with one line per warning (insecure TLS). May be empty.
  std::function<void(std::string_view)> warning;
  // Protocol trace, one line per command sent ("C: ...") or response line head received
  // ("S: ..."; literals shown by size only). Secrets redacted. May be empty.
  std::function<void(std::string_view)> trace;
};

enum class AuthMechanism : std::uint8_t {
  automatic,  // PLAIN when offered, else LOGIN (the command); XOAUTH2 never guessed
  plain,      // AUTHENTICATE PLAIN (RFC 4616), with SASL-IR when offered
  login,      // the LOGIN command
  xoauth2,    // AUTHENTICATE XOAUTH2 (Google, Microsoft 365): `secret` is the access token
};

struct Credentials {
  std::string username;
  std::string secret;  // password or OAuth access token
  AuthMechanism mechanism = AuthMechanism::automatic;
};

// The outcome of a command: its tagged completion.
struct Completion {
  Status status = Status::none;  // ok, no or bad
  std::optional<ResponseCode> code;
  std::string text;
};

// Receives every untagged response that arrives while a command runs. Returning an error stops
// the command (the connection is closed, the error returned).
using UntaggedHandler = std::function<Result<void>(Response&&)>;

struct SelectedMailbox {
  SelectSummary summary;
  std::vector<Response> other;  // untagged responses SELECT brought that are not in the summary
                                // (VANISHED (EARLIER), FETCH with QRESYNC)
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Resolves, connects, negotiates TLS, reads the greeting and learns the capabilities
  // (from the greeting's code, else by CAPABILITY). Errors: imap.config, imap.connect, imap.tls,
  // imap.timeout, imap.protocol (no IMAP4rev1 greeting, BYE, STARTTLS not offered).
  boost::asio::awaitable<Result<void>> connect();

  // Logs in and refreshes the capabilities. Errors: imap.auth and the connection errors.
  boost::asio::awaitable<Result<void>> authenticate(const Credentials& credentials);

  // ENABLE (RFC 5161) of those `extensions` the server announces; returns what was enabled.
  // Without the ENABLE capability: nothing is sent, the result is empty.
  boost::asio::awaitable<Result<std::vector<std::string>>> enable(
      std::vector<std::string> extensions);

  // LIST "" "*", with RETURN (SPECIAL-USE) when the server has LIST-EXTENDED and SPECIAL-USE.
  boost::asio::awaitable<Result<std::vector<ListEntry>>> list_all();

  // SELECT (read-write not needed: EXAMINE). `parameters` is appended verbatim in parentheses
  // when not empty, e.g. "CONDSTORE" or "QRESYNC (67890007 20050715194045000 41:100)".
  // Errors: imap.no (collection) when the folder cannot be selected.
  boost::asio::awaitable<Result<SelectedMailbox>> examine(std::string_view folder_utf8,
                                                          std::string_view parameters = {});

  // Sends `command` (waiting for continuations between its parts) and reads responses until its
  // tagged completion; untagged ones go to `on_untagged` (or are dropped when it is empty).
  // A NO/BAD completion is returned as a Completion, not as an error.
  boost::asio::awaitable<Result<Completion>> execute(const Command& command,
                                                     const UntaggedHandler& on_untagged);

  // Pipelining: send() writes a command without waiting for its completion (only commands
  // without synchronising literals); read_response() returns the next response of any kind.
  // The caller matches tagged completions by tag.
  boost::asio::awaitable<Result<void>> send(const Command& command);
  boost::asio::awaitable<Result<Response>> read_response();

  // LOGOUT, waiting at most a short time for the server's answer, then closes. Never fails.
  boost::asio::awaitable<void> logout();
  // Closes the connection at once (idempotent).
  void close();

  const Capabilities& capabilities() const { return capabilities_; }
  const std::vector<std::string>& enabled() const { return enabled_; }
  bool is_enabled(std::string_view extension) const;
  TagGenerator& tags() { return tags_; }
  ArgumentOptions argument_options() const;
  const ClientOptions& options() const { return options_; }
  // "imap.example.com:993", as errors name the server.
  std::string server_name() const;

  std::uint64_t round_trips() const { return round_trips_; }
  std::uint64_t bytes_received() const { return bytes_received_; }
  std::size_t commands_in_flight() const { return in_flight_; }

 private:
  struct Transport;

  boost::asio::awaitable<Result<void>> write_raw(std::string_view bytes, std::string_view what);
  boost::asio::awaitable<Result<Response>> read_next(std::string_view step);
  boost::asio::awaitable<Result<void>> refresh_capabilities();
  boost::asio::awaitable<Result<void>> authenticate_sasl(const Credentials& credentials,
                                                         std::string_view mechanism,
                                                         std::string initial_response);
  Error connection_error(std::string_view step, const boost::system::error_code& ec) const;
  Error fail(Error error);  // closes, returns error
  void arm(std::chrono::milliseconds timeout);
  void disarm();
  void trace_sent(std::string_view line, bool sensitive);

  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  std::unique_ptr<Transport> transport_;
  ResponseParser parser_;
  Capabilities capabilities_;
  std::vector<std::string> enabled_;
  TagGenerator tags_;
  std::string read_buffer_;
  std::optional<std::string> bye_text_;
  std::optional<boost::system::error_code> read_error_;
  std::shared_ptr<bool> timed_out_;
  std::uint64_t round_trips_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::size_t in_flight_ = 0;
  bool closed_ = true;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

// Decodes a username/password into the SASL PLAIN initial response (base64), and XOAUTH2's.
std::string sasl_plain_response(std::string_view username, std::string_view password);
std::string sasl_xoauth2_response(std::string_view username, std::string_view token);
std::string base64_encode(std::string_view bytes);

}  // namespace nachfass::imap
