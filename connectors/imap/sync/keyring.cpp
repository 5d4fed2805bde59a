#include "imap/sync/keyring.hpp"

#include <libsecret/secret.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace nachfass::imap {

namespace {

// secret-tool stores its items under org.freedesktop.Secret.Generic: the schema name is not
// compared, only the attributes.
const SecretSchema* password_schema() {
  static const SecretSchema schema = {
      "org.nachfass.Password",
      SECRET_SCHEMA_DONT_MATCH_NAME,
      {
          {"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {"server", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {"user", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {"entry", SECRET_SCHEMA_ATTRIBUTE_STRING},
          {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING},
      },
      0,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
  };
  return &schema;
}

bool session_bus_configured() {
  const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
  if (address != nullptr && *address != '\0') return true;
  // GDBus falls back to $XDG_RUNTIME_DIR/bus when the variable is not set.
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime == nullptr || *runtime == '\0') return false;
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(runtime) / "bus", ec);
}

Error unavailable(std::string_view why) {
  return make_error(ErrorScope::account, "imap.keyring_unavailable",
                    "no desktop keyring reachable (" + std::string(why) +
                        ") — use password_env or password_file instead of keyring in [mail]");
}

struct Lookup {
  bool done = false;
  gchar* password = nullptr;
  GError* error = nullptr;
};

}  // namespace

std::string keyring_store_command(std::string_view entry, const ImapConfig& config) {
  if (!entry.empty())
    return "secret-tool store --label=Nachfass service nachfass entry " + std::string(entry);
  return "secret-tool store --label=Nachfass service nachfass server " + config.host + " user " +
         config.username;
}

Result<std::string> keyring_lookup(std::string_view entry, const ImapConfig& config,
                                   std::chrono::milliseconds timeout) {
  // Without a session bus GDBus would try X11 autolaunch (dbus-launch): never go there.
  if (!session_bus_configured()) return unavailable("no D-Bus session bus");

  GHashTable* attributes = g_hash_table_new(g_str_hash, g_str_equal);
  const std::string entry_text(entry);
  g_hash_table_insert(attributes, const_cast<char*>("service"), const_cast<char*>("nachfass"));
  if (!entry_text.empty()) {
    g_hash_table_insert(attributes, const_cast<char*>("entry"),
                        const_cast<char*>(entry_text.c_str()));
  } else {
    g_hash_table_insert(attributes, const_cast<char*>("server"),
                        const_cast<char*>(config.host.c_str()));
    g_hash_table_insert(attributes, const_cast<char*>("user"),
                        const_cast<char*>(config.username.c_str()));
  }

  GMainContext* context = g_main_context_new();
  g_main_context_push_thread_default(context);
  GCancellable* cancellable = g_cancellable_new();
  Lookup lookup;
  bool timed_out = false;
  struct TimeoutData {
    GCancellable* cancellable;
    bool* timed_out;
  } timeout_data{cancellable, &timed_out};

  secret_password_lookupv(
      password_schema(), attributes, cancellable,
      [](GObject*, GAsyncResult* result, gpointer data) {
        auto* state = static_cast<Lookup*>(data);
        state->password = secret_password_lookup_finish(result, &state->error);
        state->done = true;
      },
      &lookup);
  GSource* timer = g_timeout_source_new(static_cast<guint>(timeout.count()));
  g_source_set_callback(
      timer,
      [](gpointer data) -> gboolean {
        auto* t = static_cast<TimeoutData*>(data);
        *t->timed_out = true;
        g_cancellable_cancel(t->cancellable);
        return G_SOURCE_REMOVE;
      },
      &timeout_data, nullptr);
  g_source_attach(timer, context);
  while (!lookup.done) g_main_context_iteration(context, TRUE);
  g_source_destroy(timer);
  g_source_unref(timer);
  // Let libsecret finish what it queued on this context before the context goes.
  while (g_main_context_iteration(context, FALSE)) {
  }
  // The cached service proxy belongs to this context's lookup; the next lookup (maybe on
  // another bus after a session restart) starts afresh.
  secret_service_disconnect();
  g_main_context_pop_thread_default(context);
  g_main_context_unref(context);
  g_object_unref(cancellable);
  g_hash_table_unref(attributes);

  if (lookup.error != nullptr) {
    std::string why = timed_out ? "the Secret Service did not answer within " +
                                      std::to_string(timeout.count()) + " ms (locked?)"
                                : std::string(lookup.error->message);
    for (char& c : why)
      if (c == '\n' || c == '\r') c = ' ';
    g_error_free(lookup.error);
    if (lookup.password != nullptr) secret_password_free(lookup.password);
    return unavailable(why);
  }
  if (lookup.password == nullptr)
    return make_error(ErrorScope::account, "imap.keyring_missing",
                      "the desktop keyring has no password for " +
                          (entry_text.empty() ? config.username + "@" + config.host
                                              : "entry \"" + entry_text + "\"") +
                          " — store it with: " + keyring_store_command(entry_text, config));
  std::string password(lookup.password);
  secret_password_free(lookup.password);  // wipes it
  return password;
}

}  // namespace nachfass::imap
