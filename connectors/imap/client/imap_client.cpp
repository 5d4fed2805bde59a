#include "imap/client/imap_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "imap/parser/errors.hpp"
#include "imap/parser/mailbox_name.hpp"

namespace nachfass::imap {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct Client::Transport {
  explicit Transport(asio::any_io_executor executor)
      : context(asio::ssl::context::tls_client),
        stream(executor, context),
        timer(executor),
        resolver(executor) {}
  asio::ssl::context context;
  asio::ssl::stream<tcp::socket> stream;
  asio::steady_timer timer;
  tcp::resolver resolver;
  bool tls = false;
};

namespace {

// The system's trusted CAs. OpenSSL's default paths parse the whole bundle file (about 300
// certificates, 15-20 ms) on every connection, a third of a no-change resync. Where the
// certificate directory has hash links (Debian's update-ca-certificates writes them next to the
// bundle) the directory alone is used: OpenSSL then reads only the issuers a handshake asks for.
// The bundle file is still loaded when the directory has no links, or when it is not the one in
// that directory (SSL_CERT_FILE naming another file).
bool has_hash_links(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == 10 && name.ends_with(".0") &&
        std::all_of(name.begin(), name.begin() + 8,
                    [](unsigned char c) { return std::isxdigit(c); }))
      return true;
  }
  return false;
}

void load_system_trust(SSL_CTX* context) {
  const char* dir_env = std::getenv(X509_get_default_cert_dir_env());
  const char* file_env = std::getenv(X509_get_default_cert_file_env());
  const std::string dir = dir_env && *dir_env ? dir_env : X509_get_default_cert_dir();
  const std::string file = file_env && *file_env ? file_env : X509_get_default_cert_file();
  std::error_code ec;
  const auto canonical_dir = std::filesystem::canonical(dir, ec);
  const bool dir_usable = !ec && has_hash_links(canonical_dir.string());
  const auto canonical_file = std::filesystem::canonical(file, ec);
  const bool file_in_dir = dir_usable && !ec && canonical_file.parent_path() == canonical_dir;
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  if (dir_usable)
    if (X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir()))
      X509_LOOKUP_add_dir(lookup, canonical_dir.c_str(), X509_FILETYPE_PEM);
  if (!file_in_dir) {
    if (dir_usable)
      SSL_CTX_load_verify_locations(context, file.c_str(), nullptr);
    else
      SSL_CTX_set_default_verify_paths(context);
  }
  ERR_clear_error();  // a missing bundle is no error: ca_file or the directory may do
}

constexpr std::string_view b64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// The command's name for messages: "UID FETCH", "SELECT".
std::string verb_of(const Command& command) {
  const std::string& line = command.parts.empty() ? std::string() : command.parts.front();
  const auto first = line.find(' ');
  if (first == std::string::npos) return "command";
  auto end = line.find_first_of(" \r", first + 1);
  std::string verb = line.substr(first + 1, end - first - 1);
  if (upper(verb) == "UID" && end != std::string::npos && line[end] == ' ') {
    const auto next = line.find_first_of(" \r", end + 1);
    verb = line.substr(first + 1, next - first - 1);
  }
  return upper(verb);
}

bool sensitive_verb(std::string_view verb) {
  return verb == "LOGIN" || verb == "AUTHENTICATE";
}

// One line, printable: server texts end up in our one-line errors.
std::string printable(std::string_view text, std::size_t max = 200) {
  std::string out;
  for (char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (text.size() > max) out += "...";
  return out;
}

Completion completion_of(Response&& response) {
  return Completion{response.status, std::move(response.code), std::move(response.text)};
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                            std::uint8_t(bytes[i + 2]);
    out += b64_alphabet[(n >> 18) & 63];
    out += b64_alphabet[(n >> 12) & 63];
    out += b64_alphabet[(n >> 6) & 63];
    out += b64_alphabet[n & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += b64_alphabet[(n >> 18) & 63];
    out += b64_alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? b64_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string sasl_plain_response(std::string_view username, std::string_view password) {
  std::string raw;
  raw += '\0';
  raw += username;
  raw += '\0';
  raw += password;
  return base64_encode(raw);
}

std::string sasl_xoauth2_response(std::string_view username, std::string_view token) {
  std::string raw = "user=";
  raw += username;
  raw += "\x01";
  raw += "auth=Bearer ";
  raw += token;
  raw += "\x01\x01";
  return base64_encode(raw);
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      parser_(options_.limits),
      timed_out_(std::make_shared<bool>(false)) {
  if (options_.port == 0) options_.port = options_.security == Security::tls ? 993 : 143;
}

Client::~Client() {
  close();
}

std::string Client::server_name() const {
  return options_.host + ":" + std::to_string(options_.port);
}

bool Client::is_enabled(std::string_view extension) const {
  for (const auto& name : enabled_)
    if (upper(name) == upper(extension)) return true;
  return false;
}

ArgumentOptions Client::argument_options() const {
  ArgumentOptions options;
  if (capabilities_.has("LITERAL+"))
    options.non_sync_literal_max = SIZE_MAX;
  else if (capabilities_.has("LITERAL-"))
    options.non_sync_literal_max = 4096;
  options.utf8_accept = is_enabled("UTF8=ACCEPT");
  return options;
}

void Client::close() {
  if (!transport_) return;
  error_code ignored;
  transport_->timer.cancel();
  transport_->resolver.cancel();
  transport_->stream.lowest_layer().close(ignored);
  closed_ = true;
  in_flight_ = 0;
}

Error Client::fail(Error error) {
  close();
  return error;
}

void Client::arm(std::chrono::milliseconds timeout) {
  *timed_out_ = false;
  transport_->timer.expires_after(timeout);
  // The handler may run after this Client is gone (operation_aborted): it touches nothing then.
  transport_->timer.async_wait([flag = timed_out_, transport = transport_.get()](error_code ec) {
    if (ec) return;
    *flag = true;
    error_code ignored;
    transport->resolver.cancel();
    transport->stream.lowest_layer().cancel(ignored);
  });
}

void Client::disarm() {
  transport_->timer.cancel();
}

void Client::trace_sent(std::string_view line, bool sensitive) {
  if (!options_.trace) return;
  if (sensitive) {
    const auto first = line.find(' ');
    const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    options_.trace("C: " + std::string(line.substr(0, second)) + " <redacted>");
    return;
  }
  std::string_view shown = line;
  while (!shown.empty() && (shown.back() == '\n' || shown.back() == '\r')) shown.remove_suffix(1);
  options_.trace("C: " + printable(shown, 300));
}

Error Client::connection_error(std::string_view step, const error_code& ec) const {
  if (*timed_out_)
    return make_error(ErrorScope::transient, "imap.timeout",
                      "no answer from " + server_name() + " during " + std::string(step) +
                          " within the time limit — the server or the network is slow or "
                          "down; try again later");
  if (ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::ssl::error::stream_truncated)
    return make_error(ErrorScope::transient, "imap.connect",
                      "connection to " + server_name() + " closed by the server during " +
                          std::string(step) +
                          (bye_text_ ? " (BYE: " + printable(*bye_text_) + ")" : std::string()) +
                          " — try again later");
  return make_error(ErrorScope::transient, "imap.connect",
                    "connection to " + server_name() + " failed during " + std::string(step) +
                        " (" + ec.message() + ") — check host, port and network");
}

asio::awaitable<Result<void>> Client::connect() {
  if (options_.security == Security::none && !is_loopback_host(options_.host))
    co_return make_error(ErrorScope::account, "imap.config",
                         "refusing to send the password unencrypted to " + server_name() +
                             " — set security = \"tls\" or \"starttls\" (\"none\" is for "
                             "loopback hosts only)");
  close();
  transport_ = std::make_unique<Transport>(executor_);
  parser_.reset();
  bye_text_.reset();
  read_error_.reset();
  capabilities_ = {};
  enabled_.clear();
  closed_ = false;
  Transport& t = *transport_;

  if (options_.security != Security::none) {
    error_code ec;
    load_system_trust(t.context.native_handle());
    if (!options_.ca_file.empty()) {
      t.context.load_verify_file(options_.ca_file, ec);
      if (ec)
        co_return fail(make_error(ErrorScope::account, "imap.tls",
                                  "cannot read the CA file " + options_.ca_file + " (" +
                                      ec.message() + ") — set ca_file to a readable PEM file"));
    }
    if (!options_.insecure_skip_verify_for_host.empty() &&
        options_.insecure_skip_verify_for_host == options_.host) {
      t.stream.set_verify_mode(asio::ssl::verify_none);
      if (options_.warning)
        options_.warning("[imap.insecure_tls] certificate verification is OFF for " +
                         server_name() +
                         " (insecure_skip_verify_for_host) — anyone on the network path can read "
                         "the password and mail");
    } else {
      t.stream.set_verify_mode(asio::ssl::verify_peer);
      X509_VERIFY_PARAM* param = SSL_get0_param(t.stream.native_handle());
      error_code address_ec;
      asio::ip::make_address(options_.host, address_ec);
      if (!address_ec) {
        X509_VERIFY_PARAM_set1_ip_asc(param, options_.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, options_.host.c_str(), 0);
        SSL_set_tlsext_host_name(t.stream.native_handle(), options_.host.c_str());
      }
    }
  }

  error_code ec;
  arm(options_.connect_timeout);
  auto endpoints = co_await t.resolver.async_resolve(options_.host, std::to_string(options_.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    disarm();
    if (*timed_out_) co_return fail(connection_error("name resolution", ec));
    co_return fail(make_error(ErrorScope::transient, "imap.connect",
                              "cannot resolve host name " + options_.host + " (" + ec.message() +
                                  ") — check `host` in the [mail] section and the network"));
  }
  co_await asio::async_connect(t.stream.lowest_layer(), endpoints,
                               asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec) co_return fail(connection_error("connect", ec));
  error_code ignored;
  t.stream.lowest_layer().set_option(tcp::no_delay(true), ignored);

  auto handshake = [&]() -> asio::awaitable<Result<void>> {
    error_code hec;
    arm(options_.connect_timeout);
    co_await t.stream.async_handshake(asio::ssl::stream_base::client,
                                      asio::redirect_error(asio::use_awaitable, hec));
    disarm();
    if (!hec) {
      t.tls = true;
      co_return Result<void>{};
    }
    if (*timed_out_) co_return fail(connection_error("TLS handshake", hec));
    const long verify = SSL_get_verify_result(t.stream.native_handle());
    if (verify != X509_V_OK)
      co_return fail(make_error(
          ErrorScope::account, "imap.tls",
          "the certificate of " + server_name() + " does not verify (" +
              X509_verify_cert_error_string(verify) +
              ") during the TLS handshake — if the server uses a private CA set ca_file to its "
              "CA certificate (PEM); only for a self-signed server you trust set "
              "insecure_skip_verify_for_host = \"" +
              options_.host + "\""));
    co_return fail(make_error(ErrorScope::account, "imap.tls",
                              "TLS handshake with " + server_name() + " failed (" + hec.message() +
                                  ") — check that `port` and `security` match the server "
                                  "(993 = tls, 143 = starttls)"));
  };

  if (options_.security == Security::tls) {
    if (auto r = co_await handshake(); !r) co_return r.error();
  }

  // The greeting counts as one round trip.
  ++round_trips_;
  auto greeting = co_await read_next("greeting");
  if (!greeting) co_return greeting.error();
  if (!greeting->is_untagged() ||
      (greeting->status != Status::ok && greeting->status != Status::preauth))
    co_return fail(make_error(ErrorScope::transient, "imap.protocol",
                              server_name() + " sent no IMAP greeting (\"" +
                                  printable(greeting->text) +
                                  "\") — check that host and port point to an IMAP server"));
  bool have_caps = false;
  if (greeting->code && greeting->code->name == "CAPABILITY") {
    if (auto caps = parse_capabilities(*greeting)) {
      capabilities_ = std::move(*caps);
      have_caps = true;
    }
  }
  if (!have_caps) {
    if (auto r = co_await refresh_capabilities(); !r) co_return r.error();
  }

  if (options_.security == Security::starttls) {
    if (!capabilities_.has("STARTTLS"))
      co_return fail(make_error(ErrorScope::account, "imap.tls",
                                server_name() +
                                    " does not offer STARTTLS — use security = \"tls\" with port "
                                    "993, or ask the provider"));
    Command command{tags_.next(), {}};
    command.parts.push_back(command.tag + " STARTTLS\r\n");
    auto done = co_await execute(command, {});
    if (!done) co_return done.error();
    if (done->status != Status::ok)
      co_return fail(make_error(ErrorScope::account, "imap.tls",
                                server_name() + " refused STARTTLS (\"" + printable(done->text) +
                                    "\") — use security = \"tls\" with port 993"));
    // Anything buffered before the handshake was sent in plain text: drop it (RFC 3501 6.2.1).
    parser_.reset();
    if (auto r = co_await handshake(); !r) co_return r.error();
    capabilities_ = {};
    if (auto r = co_await refresh_capabilities(); !r) co_return r.error();
  }
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Client::refresh_capabilities() {
  Command command{tags_.next(), {}};
  command.parts.push_back(command.tag + " CAPABILITY\r\n");
  std::optional<Capabilities> found;
  auto done = co_await execute(command, [&](Response&& response) -> Result<void> {
    if (response.is_data("CAPABILITY"))
      if (auto caps = parse_capabilities(response)) found = std::move(*caps);
    return {};
  });
  if (!done) co_return done.error();
  if (done->status != Status::ok || !found)
    co_return fail(make_error(ErrorScope::transient, "imap.protocol",
                              server_name() + " gave no CAPABILITY list — not an IMAP4rev1 "
                                              "server? check host and port"));
  capabilities_ = std::move(*found);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Client::write_raw(std::string_view bytes, std::string_view what) {
  if (closed_ || !transport_)
    co_return make_error(
        ErrorScope::transient, "imap.connect",
        "not connected to " + server_name() + " (" + std::string(what) + ") — reconnect");
  error_code ec;
  arm(options_.command_timeout);
  if (transport_->tls)
    co_await asio::async_write(transport_->stream, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  else
    co_await asio::async_write(transport_->stream.next_layer(),
                               asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec) co_return fail(connection_error(what, ec));
  co_return Result<void>{};
}

asio::awaitable<Result<Response>> Client::read_next(std::string_view step) {
  for (;;) {
    auto next = parser_.next();
    if (!next) {
      const Error& e = next.error();
      co_return fail(make_error(ErrorScope::transient, "imap.protocol",
                                server_name() + " sent a response the client cannot use during " +
                                    std::string(step) + " (" + e.id + ": " + printable(e.message) +
                                    ") — try again; if it persists, report it with --trace"));
    }
    if (*next) {
      Response response = std::move(**next);
      if (options_.trace) {
        std::string head = response.is_tagged()         ? response.tag
                           : response.is_continuation() ? "+"
                                                        : "*";
        head += ' ';
        head += response.is_status()
                    ? std::string(to_string(response.status)) + " " + printable(response.text, 120)
                    : response.keyword;
        options_.trace("S: " + head);
      }
      if (response.is_untagged() && response.status == Status::bye) {
        bye_text_ = response.text;
        co_return fail(make_error(ErrorScope::transient, "imap.protocol",
                                  server_name() + " ended the session during " + std::string(step) +
                                      " (BYE: " + printable(response.text) +
                                      ") — try again later"));
      }
      if (response.is_tagged() && in_flight_ > 0) --in_flight_;
      if (response.is_data("ENABLED"))
        if (auto names = parse_enabled(response))
          for (auto& n : *names)
            if (!is_enabled(n)) enabled_.push_back(std::move(n));
      co_return response;
    }
    if (read_error_) {
      const error_code saved = *read_error_;
      read_error_.reset();
      co_return fail(connection_error(step, saved));
    }
    if (closed_ || !transport_)
      co_return make_error(ErrorScope::transient, "imap.connect",
                           "not connected to " + server_name() + " — reconnect");
    read_buffer_.resize(64 * 1024);
    error_code ec;
    std::size_t n = 0;
    arm(options_.command_timeout);
    if (transport_->tls)
      n = co_await transport_->stream.async_read_some(
          asio::buffer(read_buffer_), asio::redirect_error(asio::use_awaitable, ec));
    else
      n = co_await transport_->stream.next_layer().async_read_some(
          asio::buffer(read_buffer_), asio::redirect_error(asio::use_awaitable, ec));
    disarm();
    if (n > 0) {
      bytes_received_ += n;
      parser_.feed(std::string_view(read_buffer_.data(), n));
    }
    if (ec) {
      // Complete responses that arrived before the error are delivered first.
      if (n > 0) {
        read_error_ = ec;
        continue;
      }
      co_return fail(connection_error(step, ec));
    }
  }
}

asio::awaitable<Result<void>> Client::send(const Command& command) {
  if (command.parts.size() != 1)
    co_return make_error(ErrorScope::item, "imap.protocol",
                         "internal: a command with synchronising literals cannot be pipelined");
  const std::string verb = verb_of(command);
  if (in_flight_ == 0) ++round_trips_;
  trace_sent(command.parts.front(), sensitive_verb(verb));
  auto written = co_await write_raw(command.parts.front(), verb);
  if (!written) co_return written.error();
  ++in_flight_;
  co_return Result<void>{};
}

asio::awaitable<Result<Response>> Client::read_response() {
  co_return co_await read_next("reading responses");
}

asio::awaitable<Result<Completion>> Client::execute(const Command& command,
                                                    const UntaggedHandler& on_untagged) {
  const std::string verb = verb_of(command);
  const bool sensitive = sensitive_verb(verb);
  if (in_flight_ == 0) ++round_trips_;
  trace_sent(command.parts.front(), sensitive);
  if (auto w = co_await write_raw(command.parts.front(), verb); !w) co_return w.error();
  ++in_flight_;
  std::size_t next_part = 1;
  for (;;) {
    auto response = co_await read_next(verb);
    if (!response) co_return response.error();
    if (response->is_continuation()) {
      if (next_part >= command.parts.size()) {
        // XOAUTH2 failure details come as a continuation; answer with an empty line.
        if (auto w = co_await write_raw("\r\n", verb); !w) co_return w.error();
        continue;
      }
      ++round_trips_;
      if (sensitive) {
        if (options_.trace) options_.trace("C: <redacted>");
      } else {
        trace_sent(command.parts[next_part], false);
      }
      if (auto w = co_await write_raw(command.parts[next_part], verb); !w) co_return w.error();
      ++next_part;
      continue;
    }
    if (response->is_tagged()) {
      if (response->tag != command.tag) continue;  // a pipelined command's leftover
      co_return completion_of(std::move(*response));
    }
    if (on_untagged) {
      if (auto handled = on_untagged(std::move(*response)); !handled)
        co_return fail(handled.error());
    }
  }
}

asio::awaitable<Result<void>> Client::authenticate_sasl(const Credentials& credentials,
                                                        std::string_view mechanism,
                                                        std::string initial_response) {
  Command command{tags_.next(), {}};
  if (capabilities_.has("SASL-IR")) {
    command.parts.push_back(command.tag + " AUTHENTICATE " + std::string(mechanism) + " " +
                            initial_response + "\r\n");
  } else {
    command.parts.push_back(command.tag + " AUTHENTICATE " + std::string(mechanism) + "\r\n");
    command.parts.push_back(initial_response + "\r\n");
  }
  // The secret is wiped from the command as soon as it is sent.
  auto done = co_await execute(command, {});
  for (auto& part : command.parts) std::fill(part.begin(), part.end(), '\0');
  std::fill(initial_response.begin(), initial_response.end(), '\0');
  if (!done) co_return done.error();
  if (done->status != Status::ok)
    co_return make_error(ErrorScope::account, "imap.auth",
                         "login as " + credentials.username + " rejected by " + server_name() +
                             " (AUTHENTICATE " + std::string(mechanism) + ": " +
                             printable(done->text) +
                             ") — check the user name and the password (or token) configured "
                             "for this account");
  if (done->code && done->code->name == "CAPABILITY") {
    Response fake;
    fake.kind = ResponseKind::tagged;
    fake.status = Status::ok;
    fake.code = done->code;
    if (auto caps = parse_capabilities(fake)) {
      capabilities_ = std::move(*caps);
      co_return Result<void>{};
    }
  }
  co_return co_await refresh_capabilities();
}

asio::awaitable<Result<void>> Client::authenticate(const Credentials& credentials) {
  AuthMechanism mechanism = credentials.mechanism;
  const auto mechanisms = capabilities_.auth_mechanisms();
  auto offers = [&](std::string_view name) {
    for (const auto& m : mechanisms)
      if (m == name) return true;
    return false;
  };
  if (mechanism == AuthMechanism::automatic)
    mechanism = offers("PLAIN") ? AuthMechanism::plain : AuthMechanism::login;
  if (mechanism == AuthMechanism::xoauth2) {
    if (!offers("XOAUTH2"))
      co_return make_error(ErrorScope::account, "imap.auth",
                           server_name() +
                               " does not offer AUTH=XOAUTH2 — use a password "
                               "(app password) for this server");
    co_return co_await authenticate_sasl(
        credentials, "XOAUTH2", sasl_xoauth2_response(credentials.username, credentials.secret));
  }
  if (capabilities_.has("LOGINDISABLED"))
    co_return make_error(ErrorScope::account, "imap.auth",
                         server_name() +
                             " refuses to log in on this connection "
                             "(LOGINDISABLED) — use security = \"tls\" or "
                             "\"starttls\"");
  if (mechanism == AuthMechanism::plain)
    co_return co_await authenticate_sasl(
        credentials, "PLAIN", sasl_plain_response(credentials.username, credentials.secret));

  auto built = CommandBuilder(tags_.next(), "LOGIN", argument_options())
                   .astring(credentials.username)
                   .string(credentials.secret)
                   .build();
  if (!built)
    co_return make_error(ErrorScope::account, "imap.auth",
                         "the user name or password cannot be sent to " + server_name() +
                             " (it contains a NUL byte) — check the configured credentials");
  Command command = std::move(*built);
  auto done = co_await execute(command, {});
  for (auto& part : command.parts) std::fill(part.begin(), part.end(), '\0');
  if (!done) co_return done.error();
  if (done->status != Status::ok)
    co_return make_error(ErrorScope::account, "imap.auth",
                         "login as " + credentials.username + " rejected by " + server_name() +
                             " (LOGIN: " + printable(done->text) +
                             ") — check the user name and the password configured for this "
                             "account");
  if (done->code && done->code->name == "CAPABILITY") {
    Response tagged;
    tagged.kind = ResponseKind::tagged;
    tagged.status = Status::ok;
    tagged.code = done->code;
    if (auto caps = parse_capabilities(tagged)) {
      capabilities_ = std::move(*caps);
      co_return Result<void>{};
    }
  }
  co_return co_await refresh_capabilities();
}

asio::awaitable<Result<std::vector<std::string>>> Client::enable(
    std::vector<std::string> extensions) {
  std::vector<std::string> wanted;
  if (capabilities_.has("ENABLE"))
    for (auto& e : extensions)
      if (capabilities_.has(e)) wanted.push_back(std::move(e));
  if (wanted.empty()) co_return std::vector<std::string>{};
  Command command{tags_.next(), {}};
  std::string line = command.tag + " ENABLE";
  for (const auto& e : wanted) line += " " + e;
  command.parts.push_back(line + "\r\n");
  std::vector<std::string> result;
  auto done = co_await execute(command, [&](Response&& response) -> Result<void> {
    if (response.is_data("ENABLED"))
      if (auto names = parse_enabled(response))
        for (auto& n : *names) result.push_back(std::move(n));
    return {};
  });
  if (!done) co_return done.error();
  co_return result;  // read_next() has recorded them in enabled_
}

asio::awaitable<Result<std::vector<ListEntry>>> Client::list_all() {
  Command command{tags_.next(), {}};
  std::string line = command.tag + " LIST \"\" \"*\"";
  if (capabilities_.has("LIST-EXTENDED") && capabilities_.has("SPECIAL-USE"))
    line += " RETURN (SPECIAL-USE)";
  command.parts.push_back(line + "\r\n");
  std::vector<ListEntry> entries;
  auto done = co_await execute(command, [&](Response&& response) -> Result<void> {
    if (response.is_data("LIST"))
      if (auto entry = parse_list(response)) entries.push_back(std::move(*entry));
    return {};
  });
  if (!done) co_return done.error();
  if (done->status != Status::ok)
    co_return make_error(
        ErrorScope::transient, "imap.protocol",
        server_name() + " refused LIST (" + printable(done->text) + ") — try again later");
  co_return entries;
}

asio::awaitable<Result<SelectedMailbox>> Client::examine(std::string_view folder_utf8,
                                                         std::string_view parameters) {
  auto built =
      CommandBuilder(tags_.next(), "EXAMINE", argument_options()).mailbox(folder_utf8).build();
  if (!built)
    co_return make_error(ErrorScope::collection, "imap.no",
                         "folder \"" + std::string(folder_utf8) + "\" cannot be named on " +
                             server_name() + " (" + built.error().message + ")");
  Command command = std::move(*built);
  if (!parameters.empty()) {
    std::string& last = command.parts.back();
    last.resize(last.size() - 2);  // CRLF
    last += " (" + std::string(parameters) + ")\r\n";
  }
  SelectedMailbox selected;
  Error decode_error;
  bool decode_failed = false;
  auto done = co_await execute(command, [&](Response&& response) -> Result<void> {
    auto applied = selected.summary.apply(response);
    if (!applied) {
      decode_failed = true;
      decode_error = applied.error();
      return {};
    }
    if (!*applied && !response.is_status()) selected.other.push_back(std::move(response));
    return {};
  });
  if (!done) co_return done.error();
  if (done->code) {
    Response tagged;
    tagged.kind = ResponseKind::tagged;
    tagged.status = done->status;
    tagged.code = done->code;
    (void)selected.summary.apply(tagged);
  }
  if (done->status != Status::ok)
    co_return make_error(ErrorScope::collection, "imap.no",
                         "folder \"" + std::string(folder_utf8) + "\" cannot be opened on " +
                             server_name() + " (" + printable(done->text) +
                             ") — check the folder name in the configuration");
  if (decode_failed || !selected.summary.uidvalidity || !selected.summary.exists)
    co_return fail(make_error(ErrorScope::transient, "imap.protocol",
                              server_name() + " sent an unusable answer to EXAMINE \"" +
                                  std::string(folder_utf8) + "\"" +
                                  (decode_failed ? " (" + printable(decode_error.message) + ")"
                                                 : std::string(" (no UIDVALIDITY or EXISTS)")) +
                                  " — try again later"));
  co_return selected;
}

asio::awaitable<void> Client::logout() {
  if (closed_ || !transport_) co_return;
  const auto saved = options_.command_timeout;
  options_.command_timeout = std::chrono::milliseconds(2000);
  Command command{tags_.next(), {}};
  command.parts.push_back(command.tag + " LOGOUT\r\n");
  trace_sent(command.parts.front(), false);
  if (co_await write_raw(command.parts.front(), "LOGOUT")) {
    ++in_flight_;
    for (;;) {
      auto r = co_await read_next("LOGOUT");
      if (!r || (r->is_tagged() && r->tag == command.tag)) break;
    }
  }
  options_.command_timeout = saved;
  close();
}

}  // namespace nachfass::imap
