// The IMAP password from the desktop keyring: the Secret Service (GNOME Keyring, KWallet,
// KeePassXC) through libsecret.
//
// Contract of keyring_lookup()
// - The entry. `entry` empty (config `keyring = true`): the item with the attributes
//   service=nachfass, server=<config.host>, user=<config.username>. `entry` given
//   (`keyring = "name"`): service=nachfass, entry=<name>. Items stored by secret-tool match
//   (their xdg:schema attribute is not compared).
// - Deadline. Answers within `timeout`: without a session bus (neither DBUS_SESSION_BUS_ADDRESS
//   nor $XDG_RUNTIME_DIR/bus) at once, without touching D-Bus; a Secret Service that does not
//   answer in time (or shows an unlock prompt nobody answers) counts as unavailable.
// - Errors, scope account, one line each:
//     imap.keyring_unavailable  no session bus, no Secret Service on it, locked, or no answer
//                               in time: use password_env or password_file instead
//     imap.keyring_missing      the service answered, no such item: says the secret-tool
//                               command that stores it
// - The password is never logged nor put into an error. Synchronous; runs a private GLib main
//   context on the calling thread, touches no global default context.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "ports/result.hpp"

namespace nachfass::imap {

Result<std::string> keyring_lookup(std::string_view entry, const ImapConfig& config,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The shell command that stores the entry keyring_lookup() looks for (password read from the
// terminal): "secret-tool store --label=Nachfass service nachfass server HOST user USER".
std::string keyring_store_command(std::string_view entry, const ImapConfig& config);

}  // namespace nachfass::imap
