// One HTTP/1.1 connection's worth of libcurl for the CalDAV client: a single easy handle reused
// for every request (keep-alive), TLS verification on, explicit same-origin redirects.
//
// Contract
// - perform() sends one request (plus redirect hops, see below) and returns the final response
//   whatever its status; only transport failures are errors: caldav.timeout, caldav.connect,
//   caldav.network (scope transient) and caldav.tls (scope account: an untrusted certificate
//   does not fix itself). Messages name the host and the step, never a credential.
// - Redirects (301/302/303/307/308) are followed only when the request asks for it (PROPFIND,
//   REPORT, GET: requests without side effects), at most `max_redirects` times, and only to the
//   same scheme, host and port, re-sending the same method and body. A redirect elsewhere is the
//   error caldav.redirect (scope account: the configured URL is wrong), so credentials never
//   travel to another host.
// - `Expect:` is always sent empty: Radicale never answers 100-continue and libcurl would wait a
//   second per large body.
// - Basic credentials are sent pre-emptively; a bearer token goes in Authorization: Bearer.
// - Not thread-safe: one caller at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ports/result.hpp"

namespace nachfass::caldav {

struct HttpOptions {
  std::string username;
  std::string password;
  std::string bearer_token;
  std::filesystem::path ca_file;  // PEM, trusted in addition to the system's CAs
  std::string insecure_skip_verify_for_host;
  long timeout_ms = 30000;
  int max_redirects = 5;
  std::string user_agent;
};

struct HttpRequest {
  std::string method;
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  bool follow_redirects = false;
  std::string_view step;  // for error messages: "discovery", "list events" ...
};

struct HttpResponse {
  long status = 0;
  std::string url;                             // after redirects
  std::map<std::string, std::string> headers;  // lower-case names; the last value wins
  std::string body;

  std::string header(std::string_view name) const;  // "" when absent; `name` lower case
};

class HttpSession {
 public:
  // Errors: caldav.tls (account) when ca_file cannot be read.
  static Result<std::unique_ptr<HttpSession>> create(HttpOptions options);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  Result<HttpResponse> perform(const HttpRequest& request);

  // Requests put on the wire so far, redirect hops included.
  std::size_t request_count() const { return request_count_; }

 private:
  explicit HttpSession(HttpOptions options);
  Result<HttpResponse> perform_once(const HttpRequest& request, std::string_view url);

  HttpOptions options_;
  void* curl_ = nullptr;  // CURL*, kept out of this header
  std::string ca_blob_;   // system CAs + ca_file, when ca_file is set
  std::size_t request_count_ = 0;
};

// The HTTP status of a failed CalDAV request as a port error (see caldav_calendar.hpp):
// `kind` says what the request was for, `step` names it in the message.
enum class RequestKind { read, collection_read, create, update, remove };
Error status_error(const HttpResponse& response, RequestKind kind, std::string_view step);

// "host[:port]" of `url` for messages (the whole string when it does not parse).
std::string host_for_messages(std::string_view url);

}  // namespace nachfass::caldav
