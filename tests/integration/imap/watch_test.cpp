// imap::watch() against the harness's real Dovecot (fixture `servers`, the test account's lock):
// an APPEND and an expunge by others are reported within seconds, over IDLE and over the NOOP
// fallback; IDLE is re-issued and keeps reporting; stop returns within a second; a proxy that
// drops every connection makes watch reconnect and go on; a wrong password ends it.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

#include "harness.hpp"
#include "imap/sync/watch.hpp"

namespace nachfass::test {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using imap::WatchEvent;
using imap::WatchOptions;

// A TCP proxy on 127.0.0.1:0 to `upstream_port` that can drop every connection it carries.
class DroppingProxy {
 public:
  explicit DroppingProxy(std::uint16_t upstream_port)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), upstream_port_(upstream_port) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~DroppingProxy() {
    asio::post(io_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      close_all();
    });
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void drop_all() {
    asio::post(io_, [this] { close_all(); });
  }
  int accepted() const { return accepted_; }

 private:
  struct Pair {
    tcp::socket client;
    tcp::socket server;
    std::array<char, 16384> up{};
    std::array<char, 16384> down{};
    explicit Pair(asio::io_context& io) : client(io), server(io) {}
  };

  void close_all() {
    boost::system::error_code ec;
    for (auto& pair : pairs_) {
      pair->client.close(ec);
      pair->server.close(ec);
    }
  }

  void accept() {
    auto pair = std::make_shared<Pair>(io_);
    acceptor_.async_accept(pair->client, [this, pair](boost::system::error_code ec) {
      if (ec) return;
      ++accepted_;
      pair->server.connect({asio::ip::make_address("127.0.0.1"), upstream_port_}, ec);
      if (!ec) {
        pairs_.push_back(pair);
        pump(pair, pair->client, pair->server, pair->up);
        pump(pair, pair->server, pair->client, pair->down);
      }
      accept();
    });
  }

  void pump(std::shared_ptr<Pair> pair, tcp::socket& from, tcp::socket& to,
            std::array<char, 16384>& buffer) {
    from.async_read_some(asio::buffer(buffer), [this, pair, &from, &to, &buffer](
                                                   boost::system::error_code ec, std::size_t n) {
      if (ec) {
        boost::system::error_code ignored;
        to.close(ignored);
        from.close(ignored);
        return;
      }
      asio::async_write(
          to, asio::buffer(buffer.data(), n),
          [this, pair, &from, &to, &buffer](boost::system::error_code ec2, std::size_t) {
            if (!ec2) pump(pair, from, to, buffer);
          });
    });
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t upstream_port_;
  std::list<std::shared_ptr<Pair>> pairs_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// watch() on a thread; events and the protocol trace recorded.
class Watching {
 public:
  Watching(const ImapConfig& config, const imap::ImapImportOptions& options_in,
           const WatchOptions& watch_options) {
    imap::ImapImportOptions options = options_in;
    options.trace = [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      trace_.emplace_back(line);
    };
    thread_ = std::jthread([this, config, options, watch_options](std::stop_token stop) {
      auto r = imap::watch(
          config, options, watch_options,
          [this](const WatchEvent& event) {
            std::lock_guard lock(mutex_);
            events_.push_back(event);
          },
          stop);
      std::lock_guard lock(mutex_);
      result_ = std::move(r);
    });
  }

  // Waits until `predicate` holds (checked under the lock) or `limit` passes.
  template <class P>
  bool wait(P predicate, std::chrono::milliseconds limit = 5s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(mutex_);
        if (predicate()) return true;
        if (result_) return false;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  // The number of IDLE continuations ("S: +") and NOOP completions seen so far.
  std::size_t count_trace(std::string_view needle) const {
    std::size_t n = 0;
    for (const auto& line : trace_)
      if (line.find(needle) != std::string::npos) ++n;
    return n;
  }
  bool changed(const std::string& folder, std::size_t after = 0) const {
    for (std::size_t i = after; i < events_.size(); ++i)
      for (const auto& f : events_[i].folders)
        if (f == folder) return true;
    return false;
  }
  std::chrono::milliseconds stop() {
    const auto start = std::chrono::steady_clock::now();
    thread_.request_stop();
    thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }
  void join() { thread_.join(); }

  std::vector<WatchEvent> events_;
  std::vector<std::string> trace_;
  std::optional<Result<void>> result_;
  mutable std::mutex mutex_;

 private:
  std::jthread thread_;
};

class ImapWatch : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = servers_dir();
    if (dir.empty() || !std::filesystem::exists(dir / "servers.json"))
      GTEST_SKIP() << "NACHFASS_SERVERS_DIR not set or servers not started";
    harness_ = Harness::load(dir);
    tmp_.emplace("watch");
    write_corpus(tmp_->path, 20, 5);
    ASSERT_EQ(harness_.run("load-maildir",
                           "--clear --maildir " + shell_quote((tmp_->path / "maildir").string())),
              0);
  }

  imap::ImapImportOptions options() const {
    imap::ImapImportOptions o;
    o.secret = harness_.password();
    o.ca_file = harness_.ca_file.string();
    o.connect_timeout = 3s;
    o.command_timeout = 3s;
    return o;
  }
  static WatchOptions quick() {
    WatchOptions o;
    o.idle_refresh = 1s;
    o.poll_interval = 300ms;
    o.debounce = 200ms;
    o.backoff_initial = 100ms;
    o.backoff_max = 1s;
    return o;
  }

  // APPENDs a small message to INBOX over a connection of its own.
  void append_to_inbox(const std::string& subject) {
    const std::string message =
        "From: Kunde <kunde@example.org>\r\nTo: anna@example.com\r\n"
        "Subject: " +
        subject + "\r\nMessage-ID: <" + subject +
        "@example.org>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\n"
        "Hallo\r\n";
    asio::io_context io;
    auto client_options = imap::client_options(harness_.config(), options(), {});
    imap::Client client(io.get_executor(), client_options);
    std::optional<std::string> failure;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          if (auto r = co_await client.connect(); !r) {
            failure = r.error().to_string();
            co_return;
          }
          const imap::Credentials credentials{harness_.config().username, harness_.password(),
                                              imap::AuthMechanism::automatic};
          if (auto r = co_await client.authenticate(credentials); !r) {
            failure = r.error().to_string();
            co_return;
          }
          auto command =
              imap::CommandBuilder(client.tags().next(), "APPEND", client.argument_options())
                  .mailbox("INBOX")
                  .literal(message)
                  .build();
          if (!command) {
            failure = command.error().to_string();
            co_return;
          }
          auto done = co_await client.execute(*command, {});
          if (!done || done->status != imap::Status::ok) failure = "APPEND failed";
          co_await client.logout();
        },
        asio::detached);
    io.run();
    ASSERT_FALSE(failure) << *failure;
  }

  Harness harness_;
  std::optional<TempDir> tmp_;
};

TEST_F(ImapWatch, AppendAndExpungeByOthersAreReportedOverIdle) {
  Watching watching(harness_.config(), options(), quick());
  // Both default folders (INBOX and the discovered Sent) reach IDLE.
  ASSERT_TRUE(watching.wait([&] { return watching.count_trace("S: + ") >= 2; }));
  append_to_inbox("watch-append");
  ASSERT_TRUE(watching.wait([&] { return watching.changed("INBOX"); }));
  EXPECT_FALSE(watching.changed("Sent"));

  const std::size_t seen = watching.events_.size();
  ASSERT_EQ(harness_.doveadm("expunge -u anna mailbox INBOX uid 1"), 0);
  ASSERT_TRUE(watching.wait([&] { return watching.changed("INBOX", seen); }));
  EXPECT_LT(watching.stop(), 1000ms);
  ASSERT_TRUE(watching.result_);
  EXPECT_TRUE(*watching.result_) << watching.result_->error().to_string();
}

TEST_F(ImapWatch, IdleIsReissuedAndKeepsReporting) {
  auto o = quick();
  o.folders = {"INBOX"};
  o.idle_refresh = 400ms;
  Watching watching(harness_.config(), options(), o);
  // Three IDLEs: two re-issues after DONE.
  ASSERT_TRUE(watching.wait([&] { return watching.count_trace("S: + ") >= 3; }));
  {
    std::lock_guard lock(watching.mutex_);
    EXPECT_GE(watching.count_trace("C: DONE"), 2u);
  }
  append_to_inbox("after-reissue");
  ASSERT_TRUE(watching.wait([&] { return watching.changed("INBOX"); }));
  EXPECT_LT(watching.stop(), 1000ms);
}

TEST_F(ImapWatch, WithoutIdleNoopPollingReports) {
  auto o = quick();
  o.folders = {"INBOX"};
  o.use_idle = false;
  Watching watching(harness_.config(), options(), o);
  ASSERT_TRUE(watching.wait([&] { return watching.count_trace("OK NOOP") >= 1; }));
  append_to_inbox("polled");
  ASSERT_TRUE(watching.wait([&] { return watching.changed("INBOX"); }));
  {
    std::lock_guard lock(watching.mutex_);
    EXPECT_EQ(watching.count_trace(" IDLE"), 0u);
  }
  EXPECT_LT(watching.stop(), 1000ms);
}

TEST_F(ImapWatch, ReconnectsAfterTheConnectionDrops) {
  DroppingProxy proxy(static_cast<std::uint16_t>(harness_.config().port));
  ImapConfig config = harness_.config();
  config.port = proxy.port();
  auto o = quick();
  o.folders = {"INBOX"};
  std::vector<std::string> warnings;
  std::mutex warnings_mutex;
  o.warning = [&](std::string_view line) {
    std::lock_guard lock(warnings_mutex);
    warnings.emplace_back(line);
  };
  o.idle_refresh = 10s;
  Watching watching(config, options(), o);
  ASSERT_TRUE(watching.wait([&] { return watching.count_trace("S: + ") >= 1; }));
  proxy.drop_all();
  // Reconnected: a second IDLE, and an event saying changes may have been missed.
  ASSERT_TRUE(watching.wait([&] { return watching.count_trace("S: + ") >= 2; }));
  ASSERT_TRUE(watching.wait(
      [&] { return !watching.events_.empty() && watching.events_.back().reconnected; }));
  EXPECT_EQ(proxy.accepted(), 2);
  {
    std::lock_guard lock(warnings_mutex);
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings.front().find("reconnecting in"), std::string::npos) << warnings.front();
  }
  const std::size_t seen = watching.events_.size();
  append_to_inbox("after-drop");
  ASSERT_TRUE(watching.wait([&] { return watching.changed("INBOX", seen); }));
  EXPECT_LT(watching.stop(), 1000ms);
  ASSERT_TRUE(watching.result_);
  EXPECT_TRUE(*watching.result_);
}

TEST_F(ImapWatch, WrongPasswordEndsWatchWithTheAuthError) {
  auto o = options();
  o.secret = "not-the-password";
  Watching watching(harness_.config(), o, quick());
  watching.join();
  ASSERT_TRUE(watching.result_);
  ASSERT_FALSE(*watching.result_);
  EXPECT_EQ(watching.result_->error().id, "imap.auth");
}

}  // namespace
}  // namespace nachfass::test
