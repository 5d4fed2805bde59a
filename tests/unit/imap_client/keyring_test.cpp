// keyring_lookup(): without a session bus it answers imap.keyring_unavailable at once; against a
// private dbus-daemon with gnome-keyring-daemon (skipped when they are not installed) a password
// stored by secret-tool comes back, and a missing one is imap.keyring_missing.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "imap/sync/keyring.hpp"

namespace nachfass::imap {
namespace {

using namespace std::chrono_literals;

ImapConfig account() {
  ImapConfig config;
  config.host = "imap.example.com";
  config.username = "anna";
  config.keyring = "";
  return config;
}

template <class F>
std::chrono::milliseconds timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

TEST(Keyring, WithoutSessionBusIsUnavailableAtOnce) {
  ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
  ::unsetenv("XDG_RUNTIME_DIR");
  Result<std::string> r = std::string();
  EXPECT_LT(timed([&] { r = keyring_lookup("", account()); }), 1000ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id, "imap.keyring_unavailable");
  EXPECT_EQ(r.error().scope, ErrorScope::account);
  EXPECT_NE(r.error().message.find("password_env"), std::string::npos);
}

TEST(Keyring, DeadSessionBusIsUnavailableQuickly) {
  ::setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/nachfass-bus", 1);
  Result<std::string> r = std::string();
  EXPECT_LT(timed([&] { r = keyring_lookup("work", account(), 1500ms); }), 2000ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id, "imap.keyring_unavailable");
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(Keyring, StoreCommandNamesTheAttributes) {
  EXPECT_EQ(keyring_store_command("", account()),
            "secret-tool store --label=Nachfass service nachfass server imap.example.com user "
            "anna");
  EXPECT_EQ(keyring_store_command("work", account()),
            "secret-tool store --label=Nachfass service nachfass entry work");
}

// A private session bus with gnome-keyring-daemon's Secret Service, unlocked, in a temp HOME.
class PrivateKeyring : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"dbus-daemon", "gnome-keyring-daemon", "secret-tool"})
      if (std::system(("command -v " + std::string(tool) + " >/dev/null 2>&1").c_str()) != 0)
        GTEST_SKIP() << tool << " not installed (apt-get install gnome-keyring libsecret-tools)";
    dir_ =
        std::filesystem::temp_directory_path() / ("nachfass-keyring-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "run");
    std::filesystem::permissions(dir_ / "run", std::filesystem::perms::owner_all);
    const std::string d = dir_.string();
    // The bus on a socket of our own; the keyring daemon unlocked with a throwaway password.
    const std::string start =
        "cd '" + d + "' && export HOME='" + d + "' XDG_RUNTIME_DIR='" + d +
        "/run' && dbus-daemon --session --fork --print-pid=1 --address=unix:path='" + d +
        "/run/bus' > dbus.pid && export DBUS_SESSION_BUS_ADDRESS=unix:path='" + d +
        "/run/bus' && (printf throwaway | gnome-keyring-daemon --foreground --unlock "
        "--components=secrets >/dev/null 2>&1 & echo $! > keyring.pid) && sleep 0.5";
    if (std::system(start.c_str()) != 0) GTEST_SKIP() << "could not start dbus-daemon";
    started_ = true;
    ::setenv("HOME", d.c_str(), 1);
    ::setenv("XDG_RUNTIME_DIR", (d + "/run").c_str(), 1);
    ::setenv("DBUS_SESSION_BUS_ADDRESS", ("unix:path=" + d + "/run/bus").c_str(), 1);
  }
  void TearDown() override {
    if (!started_) return;
    for (const char* file : {"keyring.pid", "dbus.pid"}) {
      std::ifstream in(dir_ / file);
      long pid = 0;
      if (in >> pid && pid > 1) ::kill(static_cast<pid_t>(pid), SIGTERM);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  int secret_tool_store(const std::string& args, const std::string& password) {
    return std::system(("printf '%s' '" + password + "' | timeout 5 secret-tool store " + args +
                        " >/dev/null 2>&1")
                           .c_str());
  }

  std::filesystem::path dir_;
  bool started_ = false;
};

TEST_F(PrivateKeyring, PasswordStoredWithSecretToolComesBack) {
  const ImapConfig config = account();
  // Exactly the command the imap.keyring_missing message tells the user to run.
  const std::string command = keyring_store_command("", config);
  ASSERT_EQ(secret_tool_store(command.substr(std::string("secret-tool store ").size()),
                              "hunter2 with spaces"),
            0);
  auto r = keyring_lookup("", config);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, "hunter2 with spaces");

  ASSERT_EQ(secret_tool_store("--label=Nachfass service nachfass entry work", "other-pw"), 0);
  auto named = keyring_lookup("work", config);
  ASSERT_TRUE(named) << named.error().to_string();
  EXPECT_EQ(*named, "other-pw");
}

TEST_F(PrivateKeyring, MissingEntrySaysHowToStoreIt) {
  ImapConfig config = account();
  config.username = "nobody";
  auto r = keyring_lookup("", config);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().id, "imap.keyring_missing") << r.error().to_string();
  EXPECT_NE(r.error().message.find(
                "secret-tool store --label=Nachfass service nachfass server imap.example.com "
                "user nobody"),
            std::string::npos);
}

}  // namespace
}  // namespace nachfass::imap
