#include "caldav/dav/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>

#include "caldav/dav/url.hpp"

namespace nachfass::caldav {
namespace {

CURL* handle(void* curl) {
  return static_cast<CURL*>(curl);
}

void global_init() {
  // curl_global_init is not thread-safe in libcurl 7.88; once per process, before any handle.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

std::size_t write_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& headers = *static_cast<std::map<std::string, std::string>*>(user);
  const std::string_view line(data, size * count);
  // A new status line (an interim 1xx response) starts a new header block.
  if (line.starts_with("HTTP/")) {
    headers.clear();
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  headers[name] = trim(line.substr(colon + 1));
  return size * count;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string read_file(const std::filesystem::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string path_of(std::string_view url) {
  const auto parsed = parse_url(url);
  return parsed ? parsed->path : std::string(url);
}

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Retry-After: delta-seconds or an HTTP-date (RFC 9110 10.2.3); -1 when absent or unreadable.
long long retry_after_seconds(const std::string& value) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))
    return value.size() > 9 ? 999999999LL : std::stoll(value);
  const std::time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  return std::max<long long>(0, static_cast<long long>(when) - now_seconds());
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  const auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string host_for_messages(std::string_view url) {
  const auto parsed = parse_url(url);
  return parsed ? parsed->authority : std::string(url);
}

HttpSession::HttpSession(HttpOptions options) : options_(std::move(options)) {
  global_init();
  curl_ = curl_easy_init();
}

HttpSession::~HttpSession() {
  if (curl_ != nullptr) curl_easy_cleanup(handle(curl_));
}

Result<std::unique_ptr<HttpSession>> HttpSession::create(HttpOptions options) {
  std::unique_ptr<HttpSession> session(new HttpSession(std::move(options)));
  if (session->curl_ == nullptr)
    return make_error(ErrorScope::fatal, "caldav.curl", "libcurl could not start (out of memory?)");
  if (!session->options_.ca_file.empty()) {
    // CURLOPT_CAINFO would replace the system's CAs; the extra CA is added to them instead.
    bool ok = false;
    std::string extra = read_file(session->options_.ca_file, ok);
    if (!ok || extra.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
      return make_error(ErrorScope::account, "caldav.tls",
                        "cannot read a PEM certificate from " + session->options_.ca_file.string() +
                            ": check [calendar] ca_file");
    char* system_bundle = nullptr;
    std::string system;
    if (curl_easy_getinfo(handle(session->curl_), CURLINFO_CAINFO, &system_bundle) == CURLE_OK &&
        system_bundle != nullptr) {
      bool system_ok = false;
      system = read_file(system_bundle, system_ok);
    }
    session->ca_blob_ = system + "\n" + extra;
  }
  return session;
}

Result<HttpResponse> HttpSession::perform(const HttpRequest& request) {
  std::string url = request.url;
  for (int hop = 0;; ++hop) {
    auto response = perform_once(request, url);
    if (!response || !request.follow_redirects || !is_redirect(response->status)) return response;
    const std::string location = response->header("location");
    const auto target = location.empty() ? std::nullopt : resolve_url(url, location);
    const std::string host = host_for_messages(url);
    if (!target)
      return make_error(ErrorScope::transient, "caldav.redirect",
                        host + " answered " + std::to_string(response->status) +
                            " without a usable " + "Location (" + std::string(request.step) +
                            "): retry later, or set [calendar] url to the calendar's URL");
    if (!same_origin(url, *target))
      return make_error(ErrorScope::account, "caldav.redirect",
                        host + " redirects " + std::string(request.step) + " to another host (" +
                            host_for_messages(*target) +
                            "): set [calendar] url to that server if it is yours");
    if (hop + 1 > options_.max_redirects)
      return make_error(ErrorScope::account, "caldav.redirect",
                        host + " redirected " + std::string(request.step) + " more than " +
                            std::to_string(options_.max_redirects) +
                            " times: set [calendar] url to the calendar's URL");
    url = *target;
  }
}

Result<HttpResponse> HttpSession::perform_once(const HttpRequest& request, std::string_view url) {
  CURL* curl = handle(curl_);
  // Resets options only: the live connection, DNS and TLS session caches stay (keep-alive).
  curl_easy_reset(curl);
  HttpResponse response;
  response.url = std::string(url);
  const std::string url_string(url);
  curl_easy_setopt(curl, CURLOPT_URL, url_string.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(options_.timeout_ms, 15000L));
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_blob_.empty()) {
    curl_blob blob{ca_blob_.data(), ca_blob_.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  }
  const auto parsed = parse_url(url);
  if (parsed && !options_.insecure_skip_verify_for_host.empty() &&
      parsed->host == options_.insecure_skip_verify_for_host) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.bearer_token.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, options_.bearer_token.c_str());
  } else if (!options_.password.empty() || !options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }

  curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  for (const auto& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }

  ++request_count_;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  const std::string host = parsed ? parsed->authority : url_string;
  const std::string step(request.step);
  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    switch (code) {
      case CURLE_OPERATION_TIMEDOUT:
        return make_error(ErrorScope::transient, "caldav.timeout",
                          host + " did not answer within " + std::to_string(options_.timeout_ms) +
                              " ms (" + step + "): retry later");
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
      case CURLE_COULDNT_CONNECT:
        return make_error(ErrorScope::transient, "caldav.connect",
                          "cannot connect to " + host + " (" + step + "): " + detail +
                              "; check [calendar] url and that the server is running");
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        return make_error(ErrorScope::account, "caldav.tls",
                          "TLS with " + host + " failed (" + step + "): " + detail +
                              "; trust its CA with [calendar] ca_file");
      default:
        return make_error(
            ErrorScope::transient, "caldav.network",
            "request to " + host + " failed (" + step + "): " + detail + "; retry later");
    }
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Error status_error(const HttpResponse& response, RequestKind kind, std::string_view step) {
  const std::string host = host_for_messages(response.url);
  const std::string where = " (" + std::string(step) + ")";
  const long status = response.status;
  const std::string code = "HTTP " + std::to_string(status);
  switch (status) {
    case 401:
      return make_error(ErrorScope::account, "caldav.auth",
                        "wrong user name or password for " + host + where +
                            ": check [calendar] username/password_env");
    case 403:
      return make_error(ErrorScope::account, "caldav.forbidden",
                        host + " forbids " + std::string(step) + " on " + path_of(response.url) +
                            " (403): the calendar is read-only or not this user's; check "
                            "[calendar] url and calendar");
    case 404:
    case 410:
      if (kind == RequestKind::update)
        return make_error(ErrorScope::precondition_failed, "caldav.event_gone",
                          "the event " + path_of(response.url) + " is gone from " + host + where +
                              ": re-read the calendar");
      return make_error(ErrorScope::collection, "caldav.calendar_gone",
                        "the calendar " + path_of(response.url) + " no longer exists on " + host +
                            where + ": it is looked up again (or created) on the next run");
    case 412:
      return make_error(ErrorScope::precondition_failed, "caldav.precondition",
                        kind == RequestKind::create
                            ? "an event already exists at " + path_of(response.url) + " on " +
                                  host + where + ": re-read the calendar"
                            : "the event " + path_of(response.url) + " changed on " + host +
                                  " since it was read" + where + ": re-read it and retry");
    default:
      break;
  }
  const long long wait = retry_after_seconds(response.header("retry-after"));
  if (status == 429 || (status == 503 && wait >= 0))
    return make_error(ErrorScope::throttled, "caldav.throttled",
                      host + " is throttling requests (" + code + ")" + where + ": retry after " +
                          (wait >= 0 ? std::to_string(wait) + " s" : "a while"));
  if (status >= 500)
    return make_error(ErrorScope::transient, "caldav.server_error",
                      host + " failed with " + code + where + ": retry later");
  if (kind == RequestKind::create && status == 409)
    return make_error(ErrorScope::collection, "caldav.calendar_gone",
                      "the calendar of " + path_of(response.url) + " no longer exists on " + host +
                          where + ": it is looked up again on the next run");
  const bool write =
      kind == RequestKind::create || kind == RequestKind::update || kind == RequestKind::remove;
  return make_error(write ? ErrorScope::item : ErrorScope::collection, "caldav.unexpected_status",
                    host + " answered " + code + " to " + std::string(step) + " of " +
                        path_of(response.url) +
                        ": check [calendar] url; it is retried on the "
                        "next run");
}

}  // namespace nachfass::caldav
