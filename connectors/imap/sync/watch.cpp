#include "imap/sync/watch.hpp"

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <variant>

namespace nachfass::imap {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

bool is_change(const Response& response) {
  return response.is_data("EXISTS") || response.is_data("EXPUNGE") || response.is_data("FETCH") ||
         response.is_data("VANISHED");
}

std::string seconds_text(std::chrono::milliseconds delay) {
  const auto tenths = delay.count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

Error timeout_error(const Client& client, std::string_view step) {
  return make_error(ErrorScope::transient, "imap.timeout",
                    client.server_name() + " did not answer in time during " + std::string(step) +
                        " — check the network; nachfass reconnects by itself");
}

// Awaits `operation`; when `timeout` passes first the connection is closed (which ends the
// operation) and imap.timeout returned.
template <class T>
asio::awaitable<Result<T>> with_deadline(Client& client, asio::awaitable<Result<T>> operation,
                                         std::chrono::milliseconds timeout, std::string_view step) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(timeout);
  auto expiry = timer.async_wait(asio::use_awaitable);
  auto first = co_await (std::move(operation) || std::move(expiry));
  if (first.index() == 0) co_return std::get<0>(std::move(first));
  client.close();
  co_return timeout_error(client, step);
}

class Watcher {
 public:
  Watcher(asio::any_io_executor executor, const ImapConfig& config,
          const ImapImportOptions& options, const WatchOptions& watch_options,
          const WatchChangeFn& on_change, std::string secret)
      : executor_(std::move(executor)),
        config_(config),
        options_(options),
        watch_options_(watch_options),
        on_change_(on_change),
        secret_(std::move(secret)),
        debounce_timer_(executor_),
        random_(std::random_device{}()) {
    client_options_ = client_options(config_, options_, watch_options_.warning);
    // The client's own read deadline must not end an IDLE; with_deadline() and the refresh
    // timer keep the real deadlines.
    client_options_.command_timeout = options_.command_timeout + idle_refresh();
  }

  // RFC 2177: re-issue at least every 29 minutes.
  std::chrono::milliseconds idle_refresh() const {
    return std::min<std::chrono::milliseconds>(watch_options_.idle_refresh,
                                               std::chrono::minutes(29));
  }

  // Discovers the folders, then watches each on a connection of its own.
  asio::awaitable<void> run() {
    std::vector<std::string> folders = watch_options_.folders;
    if (folders.empty()) {
      unsigned attempt = 0;
      for (;;) {
        auto found = co_await discover();
        if (stopped_) co_return;
        if (found) {
          folders = std::move(*found);
          break;
        }
        if (found.error().scope != ErrorScope::transient) {
          fail(found.error());
          co_return;
        }
        if (!co_await back_off(found.error(), "folder discovery", attempt++)) co_return;
      }
    }
    live_folders_ = folders.size();
    for (const auto& folder : folders) {
      auto signal = std::make_shared<asio::cancellation_signal>();
      signals_.push_back(signal);
      asio::co_spawn(
          executor_, watch_folder(folder),
          asio::bind_cancellation_slot(
              signal->slot(), [this](const std::exception_ptr& e) { on_coroutine_end(e); }));
    }
  }

  void on_coroutine_end(const std::exception_ptr& error) {
    if (!error || stopped_) return;
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    fail(make_error(ErrorScope::fatal, "imap.internal",
                    "internal error in nachfass watch (" + what + ") — please report it"));
  }

  // Ends everything soon: every connection and timer is cancelled.
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    debounce_timer_.cancel();
    for (auto& signal : signals_) signal->emit(asio::cancellation_type::terminal);
  }

  void add_signal(std::shared_ptr<asio::cancellation_signal> signal) {
    signals_.push_back(std::move(signal));
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  void fail(Error error) {
    if (!error_) error_ = std::move(error);
    stop();
  }

  void warn(const std::string& line) const {
    if (watch_options_.warning) watch_options_.warning(line);
  }

  asio::awaitable<Result<void>> open(Client& client) {
    if (auto r = co_await client.connect(); !r) co_return r.error();
    const Credentials credentials{config_.username, secret_, options_.mechanism};
    auto login = client.authenticate(credentials);
    co_return co_await with_deadline(client, std::move(login), options_.command_timeout, "login");
  }

  asio::awaitable<Result<std::vector<std::string>>> discover() {
    std::vector<std::string> folders{"INBOX"};
    std::string sent = config_.sent_folder;
    if (sent.empty()) {
      Client client(executor_, client_options_);
      if (auto r = co_await open(client); !r) co_return r.error();
      auto listing = client.list_all();
      auto entries =
          co_await with_deadline(client, std::move(listing), options_.command_timeout, "LIST");
      if (!entries) co_return entries.error();
      sent = choose_folders(*entries, config_).sent;
      co_await client.logout();
    }
    if (!sent.empty()) folders.push_back(sent);
    for (const auto& name : config_.folders)
      if (std::find(folders.begin(), folders.end(), name) == folders.end()) folders.push_back(name);
    co_return folders;
  }

  // Waits the back-off for `attempt`; false when stopped meanwhile.
  asio::awaitable<bool> back_off(const Error& error, std::string_view what, unsigned attempt) {
    const auto base =
        backoff_delay(watch_options_.backoff_initial, watch_options_.backoff_max, attempt);
    std::uniform_real_distribution<double> jitter(0.75, 1.25);
    const auto delay = std::chrono::milliseconds(
        static_cast<std::chrono::milliseconds::rep>(double(base.count()) * jitter(random_)));
    warn(error.to_string() + " (" + std::string(what) + ") — reconnecting in " +
         seconds_text(delay));
    asio::steady_timer timer(executor_);
    timer.expires_after(delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !stopped_;
  }

  void mark_changed(const std::string& folder, bool reconnected) {
    if (stopped_) return;
    pending_.insert(folder);
    pending_reconnected_ = pending_reconnected_ || reconnected;
    if (window_open_) return;
    window_open_ = true;
    debounce_timer_.expires_after(watch_options_.debounce);
    debounce_timer_.async_wait([this](boost::system::error_code ec) {
      window_open_ = false;
      if (ec || stopped_) return;
      WatchEvent event;
      event.folders.assign(pending_.begin(), pending_.end());
      event.reconnected = pending_reconnected_;
      pending_.clear();
      pending_reconnected_ = false;
      if (on_change_) on_change_(event);
    });
  }

  Result<void> note(const std::string& folder, const Response& response) {
    if (is_change(response)) mark_changed(folder, false);
    return {};
  }

  asio::awaitable<void> watch_folder(std::string folder) {
    unsigned attempt = 0;
    bool watched_before = false;
    for (;;) {
      if (stopped_) co_return;
      Client client(executor_, client_options_);
      bool watching = false;
      auto session = co_await watch_session(client, folder, watched_before, watching);
      client.close();
      if (stopped_) co_return;
      const Error error = session ? make_error(ErrorScope::transient, "imap.protocol",
                                               "the connection for " + folder + " ended")
                                  : session.error();
      if (error.scope == ErrorScope::collection) {
        warn(error.to_string() + " — not watching \"" + folder + "\"");
        if (--live_folders_ == 0) fail(error);
        co_return;
      }
      if (error.scope != ErrorScope::transient) {
        fail(error);
        co_return;
      }
      if (watching) {
        attempt = 0;
        watched_before = true;
      }
      if (!co_await back_off(error, "folder " + folder, attempt++)) co_return;
    }
  }

  // One connection's life: returns its error (never success).
  asio::awaitable<Result<void>> watch_session(Client& client, const std::string& folder,
                                              bool reconnected, bool& watching) {
    if (auto r = co_await open(client); !r) co_return r.error();
    auto selecting = client.examine(folder);
    auto selected =
        co_await with_deadline(client, std::move(selecting), options_.command_timeout, "EXAMINE");
    if (!selected) co_return selected.error();
    for (const auto& response : selected->other) (void)note(folder, response);
    watching = true;
    // Mail that arrived between the caller's last sync and this EXAMINE raises no EXISTS: the
    // caller that asked for it gets an event once every folder is watched.
    if (reconnected || watch_options_.report_when_watching) mark_changed(folder, true);

    bool idle = watch_options_.use_idle && client.capabilities().has("IDLE");
    while (idle) {
      auto round = co_await idle_once(client, folder);
      if (!round) co_return round.error();
      idle = *round;
    }
    for (;;) {
      asio::steady_timer timer(executor_);
      timer.expires_after(watch_options_.poll_interval);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped_) co_return make_error(ErrorScope::transient, "imap.stopped", "stopped");
      Command noop{client.tags().next(), {}};
      noop.parts.push_back(noop.tag + " NOOP\r\n");
      // Named: the awaitable keeps a reference to the handler.
      const UntaggedHandler on_untagged = [this, &folder](Response&& response) {
        return note(folder, response);
      };
      auto running = client.execute(noop, on_untagged);
      auto done =
          co_await with_deadline(client, std::move(running), options_.command_timeout, "NOOP");
      if (!done) co_return done.error();
      if (done->status != Status::ok)
        co_return make_error(
            ErrorScope::transient, "imap.protocol",
            client.server_name() + " refused NOOP (" + done->text + ") — nachfass reconnects");
    }
  }

  // One IDLE (RFC 2177) from the command to its completion after DONE. Returns false when the
  // server refused IDLE (the caller polls instead).
  asio::awaitable<Result<bool>> idle_once(Client& client, const std::string& folder) {
    Command idle{client.tags().next(), {}};
    idle.parts.push_back(idle.tag + " IDLE\r\n");
    auto sending = client.send(idle);
    if (auto r =
            co_await with_deadline(client, std::move(sending), options_.command_timeout, "IDLE");
        !r)
      co_return r.error();
    for (;;) {
      auto reading = client.read_response();
      auto response =
          co_await with_deadline(client, std::move(reading), options_.command_timeout, "IDLE");
      if (!response) co_return response.error();
      if (response->is_continuation()) break;
      if (response->is_tagged() && response->tag == idle.tag) {
        warn("[imap.no_idle] " + client.server_name() + " refused IDLE (" + response->text +
             ") — polling \"" + folder + "\" with NOOP instead");
        co_return false;
      }
      (void)note(folder, *response);
    }
    const auto refresh_at = std::chrono::steady_clock::now() + idle_refresh();
    auto reading = read_until_completion(client, folder, idle.tag);
    auto refreshing = refresh(client, refresh_at);
    auto first = co_await (std::move(reading) || std::move(refreshing));
    if (first.index() == 1) co_return std::get<1>(std::move(first)).error();
    auto completion = std::get<0>(std::move(first));
    if (!completion) co_return completion.error();
    if (completion->status != Status::ok)
      co_return make_error(ErrorScope::transient, "imap.protocol",
                           client.server_name() + " ended IDLE with " +
                               std::string(to_string(completion->status)) + " (" +
                               completion->text + ") — nachfass reconnects");
    co_return true;
  }

  asio::awaitable<Result<Completion>> read_until_completion(Client& client,
                                                            const std::string& folder,
                                                            const std::string& tag) {
    for (;;) {
      auto response = co_await client.read_response();
      if (!response) co_return response.error();
      if (response->is_tagged()) {
        if (response->tag != tag) continue;
        co_return Completion{response->status, response->code, response->text};
      }
      (void)note(folder, *response);
    }
  }

  // At `refresh_at` ends the IDLE with DONE (while read_until_completion keeps reading), then
  // gives the server command_timeout to complete it. Returns only an error: the reading side
  // wins when all goes well.
  asio::awaitable<Result<void>> refresh(Client& client,
                                        std::chrono::steady_clock::time_point refresh_at) {
    asio::steady_timer timer(executor_);
    timer.expires_at(refresh_at);
    co_await timer.async_wait(asio::use_awaitable);
    // DONE goes out while read_until_completion() has a read pending (one read and one write
    // at a time is fine for a socket and an SSL stream). The write re-arms and then disarms the
    // client's deadline timer, so from here the read has no client deadline: the wait below
    // is its deadline.
    const Command done{"", {"DONE\r\n"}};
    if (auto r = co_await client.send(done); !r) co_return r.error();
    timer.expires_after(options_.command_timeout);
    co_await timer.async_wait(asio::use_awaitable);
    client.close();
    co_return timeout_error(client, "DONE");
  }

  asio::any_io_executor executor_;
  const ImapConfig& config_;
  const ImapImportOptions& options_;
  const WatchOptions& watch_options_;
  const WatchChangeFn& on_change_;
  std::string secret_;
  ClientOptions client_options_;
  asio::steady_timer debounce_timer_;
  std::minstd_rand random_;
  std::vector<std::shared_ptr<asio::cancellation_signal>> signals_;
  std::set<std::string> pending_;
  bool pending_reconnected_ = false;
  bool window_open_ = false;
  bool stopped_ = false;
  std::size_t live_folders_ = 0;
  std::optional<Error> error_;
};

}  // namespace

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, unsigned attempt) {
  auto delay = initial;
  for (unsigned i = 0; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

Result<void> watch(const ImapConfig& config, const ImapImportOptions& options,
                   const WatchOptions& watch_options, const WatchChangeFn& on_change,
                   const std::stop_token& stop) {
  auto resolved_secret = secret_for(config, options);
  if (!resolved_secret) return resolved_secret.error();
  std::string secret = std::move(*resolved_secret);
  asio::io_context io;
  Watcher watcher(io.get_executor(), config, options, watch_options, on_change, std::move(secret));
  auto signal = std::make_shared<asio::cancellation_signal>();
  watcher.add_signal(signal);
  asio::co_spawn(io, watcher.run(),
                 asio::bind_cancellation_slot(signal->slot(), [&](const std::exception_ptr& e) {
                   watcher.on_coroutine_end(e);
                 }));
  std::stop_callback on_stop(stop, [&] { asio::post(io, [&] { watcher.stop(); }); });
  try {
    io.run();
  } catch (const std::exception& e) {
    return make_error(
        ErrorScope::fatal, "imap.internal",
        std::string("internal error in nachfass watch (") + e.what() + ") — please report it");
  }
  if (watcher.error()) return *watcher.error();
  return {};
}

}  // namespace nachfass::imap
