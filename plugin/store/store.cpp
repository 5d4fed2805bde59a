#include "store/store.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ranges>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "store/sqlite.hpp"

namespace nachfass {

using store_detail::corrupt_error;
using store_detail::StatementHandle;
using store_detail::StatementUse;

namespace {

constexpr const char* memory_file = ":memory:";

// ---- On-disk codes of the enums. Part of the file format: never renumber; a new code needs a
// new migration (see migrations.cpp).

std::int64_t folder_role_code(FolderRole role) {
  switch (role) {
    case FolderRole::inbox:
      return 0;
    case FolderRole::sent:
      return 1;
    case FolderRole::drafts:
      return 2;
    case FolderRole::other:
      return 3;
  }
  return 3;
}

std::optional<FolderRole> folder_role_from_code(std::int64_t code) {
  switch (code) {
    case 0:
      return FolderRole::inbox;
    case 1:
      return FolderRole::sent;
    case 2:
      return FolderRole::drafts;
    case 3:
      return FolderRole::other;
    default:
      return std::nullopt;
  }
}

std::int64_t automation_code(Automation automation) {
  switch (automation) {
    case Automation::none:
      return 0;
    case Automation::auto_submitted:
      return 1;
    case Automation::autoreply_header:
      return 2;
    case Automation::precedence_bulk:
      return 3;
    case Automation::mailing_list:
      return 4;
    case Automation::noreply_sender:
      return 5;
    case Automation::out_of_office_subject:
      return 6;
    case Automation::delivery_report:
      return 7;
  }
  return 0;
}

std::optional<Automation> automation_from_code(std::int64_t code) {
  switch (code) {
    case 0:
      return Automation::none;
    case 1:
      return Automation::auto_submitted;
    case 2:
      return Automation::autoreply_header;
    case 3:
      return Automation::precedence_bulk;
    case 4:
      return Automation::mailing_list;
    case 5:
      return Automation::noreply_sender;
    case 6:
      return Automation::out_of_office_subject;
    case 7:
      return Automation::delivery_report;
    default:
      return std::nullopt;
  }
}

std::int64_t finding_kind_code(FindingKind kind) {
  switch (kind) {
    case FindingKind::unanswered:
      return 0;
    case FindingKind::stalled:
      return 1;
    case FindingKind::lapsing:
      return 2;
    case FindingKind::quiet:
      return 3;
    case FindingKind::absence:
      return 4;
  }
  return 0;
}

std::optional<FindingKind> finding_kind_from_code(std::int64_t code) {
  switch (code) {
    case 0:
      return FindingKind::unanswered;
    case 1:
      return FindingKind::stalled;
    case 2:
      return FindingKind::lapsing;
    case 3:
      return FindingKind::quiet;
    case 4:
      return FindingKind::absence;
    default:
      return std::nullopt;
  }
}

std::int64_t reminder_state_code(ReminderState state) {
  switch (state) {
    case ReminderState::creating:
      return 0;
    case ReminderState::active:
      return 1;
    case ReminderState::removing:
      return 2;
    case ReminderState::completed:
      return 3;
    case ReminderState::deleted_by_user:
      return 4;
  }
  return 0;
}

std::optional<ReminderState> reminder_state_from_code(std::int64_t code) {
  switch (code) {
    case 0:
      return ReminderState::creating;
    case 1:
      return ReminderState::active;
    case 2:
      return ReminderState::removing;
    case 3:
      return ReminderState::completed;
    case 4:
      return ReminderState::deleted_by_user;
    default:
      return std::nullopt;
  }
}

// ---- Lists as BLOBs: a sequence of (LEB128 length, bytes). No separator can collide with the
// content, and empty strings and empty lists survive.

void append_string(std::string& out, std::string_view text) {
  std::size_t length = text.size();
  while (length >= 0x80) {
    out.push_back(static_cast<char>((length & 0x7f) | 0x80));
    length >>= 7;
  }
  out.push_back(static_cast<char>(length));
  out.append(text);
}

// Reads one string from the front of `in`; false when `in` is malformed.
bool read_string(std::string_view& in, std::string_view& text) {
  std::size_t length = 0;
  for (int shift = 0;; shift += 7) {
    if (in.empty() || shift > 56) return false;
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    length |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (length > in.size()) return false;
  text = in.substr(0, length);
  in.remove_prefix(length);
  return true;
}

void encode_strings(std::string& out, const std::vector<std::string>& strings) {
  out.clear();
  for (const auto& text : strings) append_string(out, text);
}

void encode_addresses(std::string& out, const std::vector<Address>& addresses) {
  out.clear();
  for (const auto& address : addresses) {
    append_string(out, address.email);
    append_string(out, address.name);
  }
}

// Decodes into `out`, reusing its elements' capacity (loading runs once per stored message).
bool decode_strings(std::string_view in, std::vector<std::string>& out) {
  std::size_t count = 0;
  std::string_view text;
  while (!in.empty()) {
    if (!read_string(in, text)) return false;
    if (count < out.size()) {
      out[count].assign(text);
    } else {
      out.emplace_back(text);
    }
    ++count;
  }
  out.resize(count);
  return true;
}

bool decode_addresses(std::string_view in, std::vector<Address>& out) {
  std::size_t count = 0;
  std::string_view email;
  std::string_view name;
  while (!in.empty()) {
    if (!read_string(in, email) || !read_string(in, name)) return false;
    if (count == out.size()) out.emplace_back();
    out[count].email.assign(email);
    out[count].name.assign(name);
    ++count;
  }
  out.resize(count);
  return true;
}

Error io_error(const std::string& file, std::string_view what, int error_number) {
  return make_error(ErrorScope::account, "store.io",
                    "cannot " + std::string(what) + " " + file + " (" +
                        std::strerror(error_number) +
                        ") — check the path given with --state and its permissions");
}

// Creates the missing directories above `file` with mode 0700, outermost first. Existing
// directories are left as they are.
Result<void> create_parent_directories(const std::filesystem::path& file) {
  std::vector<std::filesystem::path> missing;
  for (auto dir = file.parent_path(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    struct stat status {};
    if (::stat(dir.c_str(), &status) == 0) {
      if (!S_ISDIR(status.st_mode)) return io_error(dir.string(), "use the directory", ENOTDIR);
      break;
    }
    if (errno != ENOENT) return io_error(dir.string(), "look at the directory", errno);
    missing.push_back(dir);
  }
  for (const auto& dir : std::views::reverse(missing)) {
    if (::mkdir(dir.c_str(), 0700) != 0) {
      if (errno == EEXIST) continue;  // created meanwhile by someone else: theirs, left alone
      return io_error(dir.string(), "create the directory", errno);
    }
    // The umask may have taken bits the owner needs.
    if (::chmod(dir.c_str(), 0700) != 0) return io_error(dir.string(), "set the mode of", errno);
  }
  return {};
}

// Creates `file` with mode 0600 unless something already exists there. SQLite gives its -wal and
// -shm files the mode of the database file, so they are private too.
Result<void> create_private_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    // The umask can only take bits away; make sure the owner can read and write.
    const int chmod_result = ::fchmod(fd, 0600);
    const int chmod_errno = errno;
    ::close(fd);
    if (chmod_result != 0) return io_error(file.string(), "set the mode of", chmod_errno);
    return {};
  }
  if (errno != EEXIST) return io_error(file.string(), "create", errno);
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return io_error(file.string(), "look at", errno);
  if (S_ISDIR(status.st_mode)) return io_error(file.string(), "open", EISDIR);
  return {};
}

// SQLite takes some short files (a single byte, say) for an empty database and would write a new
// one over them; a file that has content must start with the SQLite header. An empty file is
// left to SQLite: it may be a WAL database whose first checkpoint never happened.
Result<void> check_sqlite_header(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(file.string(), "open", errno);
  constexpr std::string_view magic("SQLite format 3\0", 16);
  std::array<char, 16> header{};
  std::size_t got = 0;
  while (got < header.size()) {
    const auto n = ::read(fd, header.data() + got, header.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int read_errno = errno;
      ::close(fd);
      return io_error(file.string(), "read", read_errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got == 0 || std::string_view(header.data(), got) == magic) return {};
  return corrupt_error(file.string(), "it does not start with the SQLite header");
}

Result<void> validate_migrations(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i + 1)) {
      return make_error(ErrorScope::fatal, "store.internal",
                        "migration list is not numbered 1..N (entry " + std::to_string(i + 1) +
                            " has version " + std::to_string(migrations[i].version) +
                            ") — this is a bug in nachfass; please report it");
    }
  }
  return {};
}

}  // namespace

// ---- Connection state, statement cache and transactions

struct Store::Impl {
  // Declared before the statements so that it is closed after they are finalized.
  store_detail::Connection db;
  std::string file;
  int depth = 0;  // open transaction levels: 0 none, 1 BEGIN, 2+ savepoints
  std::unordered_map<const char*, StatementHandle> statements;  // keyed by the SQL literal
  std::string refs_buffer;
  std::string to_buffer;
  std::string cc_buffer;

  Error error(int code, std::string_view doing) const {
    return store_detail::sqlite_error(code, db.get(), file, doing);
  }

  // A prepared statement for `sql` (a string literal), cached for the connection's lifetime. If
  // the cached one is in use further up the stack, this use gets its own.
  Result<StatementUse> statement(const char* sql, std::string_view doing) {
    auto& cached = statements[sql];
    if (cached && sqlite3_stmt_busy(cached.get()) == 0) return StatementUse(cached.get(), {});
    sqlite3_stmt* raw = nullptr;
    const int code =
        sqlite3_prepare_v3(db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementHandle prepared(raw);
    if (code != SQLITE_OK) return error(code, doing);
    if (cached) return StatementUse(raw, std::move(prepared));
    cached = std::move(prepared);
    return StatementUse(cached.get(), {});
  }

  Result<void> exec(const char* sql, std::string_view doing) {
    const int code = sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) return error(code, doing);
    return {};
  }

  // Runs a statement that must return one row; gives its first column as an integer.
  Result<std::int64_t> query_integer(const char* sql, std::string_view doing) {
    auto use = statement(sql, doing);
    if (!use) return use.error();
    const int code = use->step();
    if (code != SQLITE_ROW) return error(code == SQLITE_DONE ? SQLITE_INTERNAL : code, doing);
    return use->integer(0);
  }

  // Runs a statement that returns no rows.
  Result<void> run(StatementUse& use, std::string_view doing) {
    const int code = use.step();
    if (code != SQLITE_DONE && code != SQLITE_ROW) return error(code, doing);
    return {};
  }

  bool in_sqlite_transaction() const { return sqlite3_get_autocommit(db.get()) == 0; }

  static std::string savepoint_sql(const char* verb, int level) {
    return std::string(verb) + " nachfass_" + std::to_string(level);
  }

  Result<void> begin() {
    // The outermost level takes the write lock now (IMMEDIATE), so that store.busy comes here
    // rather than when a read inside the transaction would have to be upgraded to a write.
    const auto code = depth == 0
                          ? sqlite3_exec(db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr)
                          : sqlite3_exec(db.get(), savepoint_sql("SAVEPOINT", depth).c_str(),
                                         nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) return error(code, "start a transaction");
    ++depth;
    return {};
  }

  Result<void> commit() {
    if (!in_sqlite_transaction()) {
      // SQLite rolls the whole transaction back by itself after some errors (SQLITE_FULL,
      // SQLITE_IOERR, SQLITE_NOMEM). The work is gone; committing would claim otherwise.
      --depth;
      return make_error(ErrorScope::account, "store.io",
                        "a transaction on " + file +
                            " was rolled back after an earlier error; nothing of it was saved — "
                            "check free disk space and run nachfass again");
    }
    const auto code = depth == 1
                          ? sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr)
                          : sqlite3_exec(db.get(), savepoint_sql("RELEASE", depth - 1).c_str(),
                                         nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) {
      auto failure = error(code, "commit");
      rollback();
      return failure;
    }
    --depth;
    return {};
  }

  void rollback() noexcept {
    if (in_sqlite_transaction()) {
      if (depth == 1) {
        sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      } else {
        // ROLLBACK TO leaves the savepoint on the stack; RELEASE removes it.
        sqlite3_exec(db.get(), savepoint_sql("ROLLBACK TO", depth - 1).c_str(), nullptr, nullptr,
                     nullptr);
        sqlite3_exec(db.get(), savepoint_sql("RELEASE", depth - 1).c_str(), nullptr, nullptr,
                     nullptr);
      }
    }
    --depth;
  }

  // Runs `work` (returning Result<T>) in a transaction or, when one is open, a savepoint.
  template <class T, class Work>
  Result<T> write(Work&& work) {
    if (auto begun = begin(); !begun) return begun.error();
    struct RollbackUnlessCommitted {
      Impl& impl;
      bool committed = false;
      ~RollbackUnlessCommitted() {
        if (!committed) impl.rollback();
      }
    } guard{*this};
    Result<T> result = std::forward<Work>(work)();
    if (!result) return result;
    guard.committed = true;
    if (auto committed = commit(); !committed) return committed.error();
    return result;
  }

  Result<void> migrate(std::span<const Migration> migrations, std::int64_t current_version);
  Result<void> configure(const StoreOptions& options, bool is_file);
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::string& Store::file() const {
  return impl_->file;
}

// ---- Opening

Result<void> Store::Impl::configure(const StoreOptions& options, bool is_file) {
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);

  // Only reads until the file is known to be ours and of a version we know.
  auto application_id = query_integer("PRAGMA application_id", "read the file header");
  if (!application_id) return application_id.error();
  auto version = query_integer("PRAGMA user_version", "read the schema version");
  if (!version) return version.error();
  auto objects = query_integer("SELECT count(*) FROM sqlite_master", "read the schema");
  if (!objects) return objects.error();

  const bool fresh = *application_id == 0 && *version == 0 && *objects == 0;
  if (!fresh && *application_id != store_application_id) {
    return make_error(ErrorScope::fatal, "store.foreign",
                      file + " is a SQLite database of another application (application_id " +
                          std::to_string(*application_id) +
                          "), not a Nachfass state file; it was not changed — point --state at "
                          "a Nachfass state file or a new path");
  }
  const auto known = static_cast<std::int64_t>(options.migrations.size());
  if (*version > known) {
    return make_error(ErrorScope::fatal, "store.newer_schema",
                      "the state file " + file + " has schema version " + std::to_string(*version) +
                          ", but this nachfass knows versions up to " + std::to_string(known) +
                          " — upgrade nachfass, or point --state at another file");
  }
  if (!fresh && options.quick_check) {
    auto check = statement("PRAGMA quick_check(1)", "check the file");
    if (!check) return check.error();
    const int code = check->step();
    if (code != SQLITE_ROW) return error(code, "check the file");
    if (check->text(0) != "ok") return corrupt_error(file, check->text(0));
  }

  if (is_file) {
    auto mode = statement("PRAGMA journal_mode = WAL", "switch to WAL mode");
    if (!mode) return mode.error();
    if (auto ran = run(*mode, "switch to WAL mode"); !ran) return ran.error();
  }
  if (auto set =
          exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", "configure the connection");
      !set) {
    return set.error();
  }
  return migrate(options.migrations, *version);
}

Result<void> Store::Impl::migrate(std::span<const Migration> migrations,
                                  std::int64_t current_version) {
  for (const auto& migration : migrations) {
    // Opening an up-to-date file takes no write lock.
    if (migration.version <= current_version) continue;
    const std::string doing = "apply schema migration " + std::to_string(migration.version) + " (" +
                              std::string(migration.summary) + ")";
    auto applied = write<void>([&]() -> Result<void> {
      // Re-read under the write lock: another process may have migrated meanwhile.
      auto version = query_integer("PRAGMA user_version", doing);
      if (!version) return version.error();
      if (*version >= migration.version) return {};
      if (migration.version == 1) {
        if (auto id = exec(
                ("PRAGMA application_id = " + std::to_string(store_application_id)).c_str(), doing);
            !id) {
          return id.error();
        }
      }
      const std::string sql = std::string(migration.sql) +
                              ";\nPRAGMA user_version = " + std::to_string(migration.version);
      return exec(sql.c_str(), doing);
    });
    if (!applied) return applied.error();
  }
  return {};
}

Result<Store> Store::open(const std::filesystem::path& path, const StoreOptions& options) {
  if (auto valid = validate_migrations(options.migrations); !valid) return valid.error();
  if (auto dirs = create_parent_directories(path); !dirs) return dirs.error();
  if (auto created = create_private_file(path); !created) return created.error();
  if (auto header = check_sqlite_header(path); !header) return header.error();

  auto impl = std::make_unique<Impl>();
  impl->file = path.string();
  sqlite3* raw = nullptr;
  // No SQLITE_OPEN_CREATE: the file exists (created above with the right mode).
  const int code = sqlite3_open_v2(impl->file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  impl->db.reset(raw);
  if (code != SQLITE_OK) return impl->error(code, "open");
  if (auto configured = impl->configure(options, true); !configured) return configured.error();
  return Store(std::move(impl));
}

Result<Store> Store::open_memory(const StoreOptions& options) {
  if (auto valid = validate_migrations(options.migrations); !valid) return valid.error();
  auto impl = std::make_unique<Impl>();
  impl->file = memory_file;
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(
      memory_file, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY, nullptr);
  impl->db.reset(raw);
  if (code != SQLITE_OK) return impl->error(code, "open");
  if (auto configured = impl->configure(options, false); !configured) return configured.error();
  return Store(std::move(impl));
}

Result<StoreInfo> Store::info() {
  StoreInfo info;
  auto version = impl_->query_integer("PRAGMA user_version", "read the settings");
  if (!version) return version.error();
  info.schema_version = static_cast<int>(*version);
  auto mode = impl_->statement("PRAGMA journal_mode", "read the settings");
  if (!mode) return mode.error();
  if (const int code = mode->step(); code != SQLITE_ROW) {
    return impl_->error(code, "read the settings");
  }
  info.journal_mode = mode->text(0);
  auto synchronous = impl_->query_integer("PRAGMA synchronous", "read the settings");
  if (!synchronous) return synchronous.error();
  info.synchronous = static_cast<int>(*synchronous);
  auto foreign_keys = impl_->query_integer("PRAGMA foreign_keys", "read the settings");
  if (!foreign_keys) return foreign_keys.error();
  info.foreign_keys = *foreign_keys != 0;
  auto busy_timeout = impl_->query_integer("PRAGMA busy_timeout", "read the settings");
  if (!busy_timeout) return busy_timeout.error();
  info.busy_timeout_ms = static_cast<int>(*busy_timeout);
  info.sqlite_version = sqlite3_libversion();
  return info;
}

Result<void> Store::transaction(const std::function<Result<void>(Store&)>& body) {
  return impl_->write<void>([&] { return body(*this); });
}

// ---- Messages

namespace {

constexpr const char* upsert_message_sql = R"sql(
INSERT INTO messages (source_id, folder, folder_role, message_id, in_reply_to, refs, subject,
                      from_email, from_name, to_list, cc_list, date, utc_offset_minutes,
                      date_from_header, thread_index, thread_topic, automation)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
ON CONFLICT (source_id) DO UPDATE SET
  folder = excluded.folder, folder_role = excluded.folder_role,
  message_id = excluded.message_id, in_reply_to = excluded.in_reply_to, refs = excluded.refs,
  subject = excluded.subject, from_email = excluded.from_email, from_name = excluded.from_name,
  to_list = excluded.to_list, cc_list = excluded.cc_list, date = excluded.date,
  utc_offset_minutes = excluded.utc_offset_minutes, date_from_header = excluded.date_from_header,
  thread_index = excluded.thread_index, thread_topic = excluded.thread_topic,
  automation = excluded.automation
RETURNING id
)sql";

constexpr const char* upsert_body_sql = R"sql(
INSERT INTO message_bodies (message, body) VALUES (?1, ?2)
ON CONFLICT (message) DO UPDATE SET body = excluded.body
)sql";

// The migration that adds message_bodies. A store opened with fewer migrations (StoreOptions,
// tests playing an older build) keeps no bodies.
constexpr std::int64_t bodies_schema_version = 4;

// Ordered by the messages_by_date index, so SQLite streams rows without sorting them.
constexpr const char* select_messages_sql = R"sql(
SELECT source_id, folder, folder_role, message_id, in_reply_to, refs, subject, from_email,
       from_name, to_list, cc_list, date, utc_offset_minutes, date_from_header, thread_index,
       thread_topic, automation
FROM messages ORDER BY date, source_id
)sql";

}  // namespace

Result<void> Store::upsert_messages(std::span<const Message> messages) {
  constexpr std::string_view doing = "save messages";
  return impl_->write<void>([&]() -> Result<void> {
    auto use = impl_->statement(upsert_message_sql, doing);
    if (!use) return use.error();
    auto version = impl_->query_integer("PRAGMA user_version", doing);
    if (!version) return version.error();
    std::optional<StatementUse> body;
    if (*version >= bodies_schema_version) {
      auto prepared = impl_->statement(upsert_body_sql, doing);
      if (!prepared) return prepared.error();
      body.emplace(std::move(*prepared));
    }
    for (const auto& message : messages) {
      encode_strings(impl_->refs_buffer, message.references);
      encode_addresses(impl_->to_buffer, message.to);
      encode_addresses(impl_->cc_buffer, message.cc);
      use->bind(1, message.source_id);
      use->bind(2, message.folder);
      use->bind(3, folder_role_code(message.folder_role));
      use->bind(4, message.message_id);
      use->bind(5, message.in_reply_to);
      use->bind_blob(6, impl_->refs_buffer);
      use->bind(7, message.subject);
      use->bind(8, message.from.email);
      use->bind(9, message.from.name);
      use->bind_blob(10, impl_->to_buffer);
      use->bind_blob(11, impl_->cc_buffer);
      use->bind(12, message.date);
      use->bind(13, std::int64_t{message.utc_offset_minutes});
      use->bind(14, std::int64_t{message.date_from_header ? 1 : 0});
      use->bind(15, message.thread_index);
      use->bind(16, message.thread_topic);
      use->bind(17, automation_code(message.automation));
      // RETURNING id: the row's id whether it was inserted or updated.
      const int code = use->step();
      if (code != SQLITE_ROW)
        return impl_->error(code == SQLITE_DONE ? SQLITE_INTERNAL : code, doing);
      const std::int64_t id = use->integer(0);
      use->reset();
      if (!body) continue;
      body->bind(1, id);
      body->bind(2, message.body);
      if (auto ran = impl_->run(*body, doing); !ran) return ran.error();
      body->reset();
    }
    return {};
  });
}

Result<std::size_t> Store::remove_messages(std::span<const std::string> source_ids) {
  constexpr std::string_view doing = "remove messages";
  return impl_->write<std::size_t>([&]() -> Result<std::size_t> {
    auto use = impl_->statement("DELETE FROM messages WHERE source_id = ?1", doing);
    if (!use) return use.error();
    std::size_t removed = 0;
    for (const auto& source_id : source_ids) {
      use->bind(1, source_id);
      if (auto ran = impl_->run(*use, doing); !ran) return ran.error();
      removed += static_cast<std::size_t>(sqlite3_changes(impl_->db.get()));
      use->reset();
    }
    return removed;
  });
}

Result<std::string> Store::message_body(std::string_view source_id) {
  constexpr std::string_view doing = "read a message body";
  auto use = impl_->statement(
      "SELECT b.body FROM messages m JOIN message_bodies b ON b.message = m.id "
      "WHERE m.source_id = ?1",
      doing);
  if (!use) return use.error();
  use->bind(1, source_id);
  const int code = use->step();
  if (code == SQLITE_DONE) return std::string();
  if (code != SQLITE_ROW) return impl_->error(code, doing);
  std::string body(use->text(0));
  use->reset();
  return body;
}

Result<std::vector<std::string>> Store::message_source_ids_without_body(std::string_view folder) {
  return source_ids_where(
      "SELECT m.source_id FROM messages m WHERE m.folder = ?1 AND NOT EXISTS "
      "(SELECT 1 FROM message_bodies b WHERE b.message = m.id) ORDER BY m.source_id",
      folder);
}

Result<std::vector<std::string>> Store::message_source_ids(std::string_view folder) {
  return source_ids_where("SELECT source_id FROM messages WHERE folder = ?1 ORDER BY source_id",
                          folder);
}

// The first column of every row of `sql` (one parameter: the folder).
Result<std::vector<std::string>> Store::source_ids_where(const char* sql, std::string_view folder) {
  constexpr std::string_view doing = "list messages";
  auto use = impl_->statement(sql, doing);
  if (!use) return use.error();
  use->bind(1, folder);
  std::vector<std::string> source_ids;
  for (;;) {
    const int code = use->step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return impl_->error(code, doing);
    source_ids.emplace_back(use->text(0));
  }
  return source_ids;
}

Result<std::size_t> Store::message_count() {
  auto count = impl_->query_integer("SELECT count(*) FROM messages", "count messages");
  if (!count) return count.error();
  return static_cast<std::size_t>(*count);
}

Result<std::size_t> Store::for_each_message(const std::function<void(const Message&)>& visit) {
  constexpr std::string_view doing = "load messages";
  auto use = impl_->statement(select_messages_sql, doing);
  if (!use) return use.error();
  Message message;
  std::size_t visited = 0;
  for (;;) {
    const int code = use->step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return impl_->error(code, doing);
    message.source_id.assign(use->text(0));
    message.folder.assign(use->text(1));
    const auto folder_role = folder_role_from_code(use->integer(2));
    message.message_id.assign(use->text(3));
    message.in_reply_to.assign(use->text(4));
    const bool refs_ok = decode_strings(use->blob(5), message.references);
    message.subject.assign(use->text(6));
    message.from.email.assign(use->text(7));
    message.from.name.assign(use->text(8));
    const bool to_ok = decode_addresses(use->blob(9), message.to);
    const bool cc_ok = decode_addresses(use->blob(10), message.cc);
    message.date = use->integer(11);
    message.utc_offset_minutes = static_cast<std::int16_t>(use->integer(12));
    message.date_from_header = use->integer(13) != 0;
    message.thread_index.assign(use->text(14));
    message.thread_topic.assign(use->text(15));
    const auto automation = automation_from_code(use->integer(16));
    if (!folder_role || !automation || !refs_ok || !to_ok || !cc_ok) {
      return corrupt_error(impl_->file,
                           "stored message " + message.source_id + " cannot be decoded");
    }
    message.folder_role = *folder_role;
    message.automation = *automation;
    visit(message);
    ++visited;
  }
  return visited;
}

// ---- Sync cursors

Result<std::optional<std::string>> Store::get_cursor(std::string_view key) {
  constexpr std::string_view doing = "read a sync cursor";
  auto use = impl_->statement("SELECT value FROM sync_cursors WHERE key = ?1", doing);
  if (!use) return use.error();
  use->bind(1, key);
  const int code = use->step();
  if (code == SQLITE_DONE) return std::optional<std::string>();
  if (code != SQLITE_ROW) return impl_->error(code, doing);
  return std::optional<std::string>(use->blob(0));
}

Result<void> Store::set_cursor(std::string_view key, std::string_view value) {
  constexpr std::string_view doing = "save a sync cursor";
  auto use = impl_->statement(
      "INSERT INTO sync_cursors (key, value) VALUES (?1, ?2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      doing);
  if (!use) return use.error();
  use->bind(1, key);
  use->bind_blob(2, value);
  return impl_->run(*use, doing);
}

Result<void> Store::clear_cursor(std::string_view key) {
  constexpr std::string_view doing = "clear a sync cursor";
  auto use = impl_->statement("DELETE FROM sync_cursors WHERE key = ?1", doing);
  if (!use) return use.error();
  use->bind(1, key);
  return impl_->run(*use, doing);
}

// ---- Findings

namespace {

// The parts of a finding that only some kinds have (score parts, digest items), as one JSON
// text: {"score_parts": [[name, points, max, detail], ...], "items": [[root, subject, contact,
// customer, arrived, answered], ...]}. "" when there are none.
std::string finding_details_json(const Finding& finding) {
  if (finding.score_parts.empty() && finding.items.empty()) return {};
  nlohmann::json details = nlohmann::json::object();
  nlohmann::json parts = nlohmann::json::array();
  for (const ScorePart& p : finding.score_parts)
    parts.push_back({p.name, p.points, p.max_points, p.detail});
  nlohmann::json items = nlohmann::json::array();
  for (const DigestItem& i : finding.items)
    items.push_back({i.thread_root, i.subject, i.contact, i.customer, i.arrived, i.answered});
  details["score_parts"] = std::move(parts);
  details["items"] = std::move(items);
  return details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool read_finding_details(std::string_view text, Finding& finding) {
  if (text.empty()) return true;
  const nlohmann::json details = nlohmann::json::parse(text, nullptr, false);
  if (details.is_discarded() || !details.is_object()) return false;
  try {
    for (const auto& p : details.value("score_parts", nlohmann::json::array()))
      finding.score_parts.push_back(ScorePart{p.at(0).get<std::string>(), p.at(1).get<int>(),
                                              p.at(2).get<int>(), p.at(3).get<std::string>()});
    for (const auto& i : details.value("items", nlohmann::json::array()))
      finding.items.push_back(DigestItem{i.at(0).get<std::string>(), i.at(1).get<std::string>(),
                                         i.at(2).get<std::string>(), i.at(3).get<std::string>(),
                                         i.at(4).get<UnixSeconds>(), i.at(5).get<UnixSeconds>()});
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return true;
}

}  // namespace

Result<void> Store::record_findings(std::span<const Finding> current,
                                    std::span<const FindingKind> detected_kinds, UnixSeconds now) {
  constexpr std::string_view doing = "save findings";
  return impl_->write<void>([&]() -> Result<void> {
    auto upsert = impl_->statement(R"sql(
INSERT INTO findings (key, kind, customer, contact, contact_name, subject, thread_root, awaiting,
                      since, due, waiting_business_days, severity, reason, first_seen, last_seen,
                      resolved_at, domain, engagement, ends, details)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, NULL, ?15, ?16, ?17, ?18)
ON CONFLICT (key) DO UPDATE SET
  kind = excluded.kind, customer = excluded.customer, contact = excluded.contact,
  contact_name = excluded.contact_name, subject = excluded.subject,
  thread_root = excluded.thread_root, awaiting = excluded.awaiting, since = excluded.since,
  due = excluded.due, waiting_business_days = excluded.waiting_business_days,
  severity = excluded.severity, reason = excluded.reason, last_seen = excluded.last_seen,
  resolved_at = NULL, domain = excluded.domain, engagement = excluded.engagement,
  ends = excluded.ends, details = excluded.details
)sql",
                                   doing);
    if (!upsert) return upsert.error();
    std::unordered_set<std::string_view> current_keys;
    current_keys.reserve(current.size());
    for (const auto& finding : current) {
      current_keys.insert(finding.key);
      upsert->bind(1, finding.key);
      upsert->bind(2, finding_kind_code(finding.kind));
      upsert->bind(3, finding.customer);
      upsert->bind(4, finding.contact);
      upsert->bind(5, finding.contact_name);
      upsert->bind(6, finding.subject);
      upsert->bind(7, finding.thread_root);
      upsert->bind(8, finding.awaiting);
      upsert->bind(9, finding.since);
      upsert->bind(10, finding.due);
      upsert->bind(11, std::int64_t{finding.waiting_business_days});
      upsert->bind(12, std::int64_t{finding.severity});
      upsert->bind(13, finding.reason);
      upsert->bind(14, now);
      upsert->bind(15, finding.domain);
      upsert->bind(16, finding.engagement);
      upsert->bind(17, finding.ends);
      const std::string details = finding_details_json(finding);  // bound without a copy
      upsert->bind(18, details);
      if (auto ran = impl_->run(*upsert, doing); !ran) return ran.error();
      upsert->reset();
    }

    // Keys are compared here rather than by timestamps, so two runs with the same `now` (a
    // manual clock, a clock that went back) still resolve correctly.
    std::vector<std::string> gone;
    auto open =
        impl_->statement("SELECT key FROM findings WHERE resolved_at IS NULL AND kind = ?1", doing);
    if (!open) return open.error();
    std::unordered_set<std::int64_t> seen_kinds;
    for (const auto kind : detected_kinds) {
      const auto code = finding_kind_code(kind);
      if (!seen_kinds.insert(code).second) continue;
      open->bind(1, code);
      for (;;) {
        const int step = open->step();
        if (step == SQLITE_DONE) break;
        if (step != SQLITE_ROW) return impl_->error(step, doing);
        if (!current_keys.contains(open->text(0))) gone.emplace_back(open->text(0));
      }
      open->reset();
    }
    auto resolve = impl_->statement("UPDATE findings SET resolved_at = ?2 WHERE key = ?1", doing);
    if (!resolve) return resolve.error();
    for (const auto& key : gone) {
      resolve->bind(1, key);
      resolve->bind(2, now);
      if (auto ran = impl_->run(*resolve, doing); !ran) return ran.error();
      resolve->reset();
    }
    return {};
  });
}

Result<std::vector<StoredFinding>> Store::stored_findings() {
  constexpr std::string_view doing = "load findings";
  auto use = impl_->statement(R"sql(
SELECT key, kind, customer, contact, contact_name, subject, thread_root, awaiting, since, due,
       waiting_business_days, severity, reason, first_seen, last_seen, resolved_at, domain,
       engagement, ends, details
FROM findings ORDER BY key
)sql",
                              doing);
  if (!use) return use.error();
  std::vector<StoredFinding> findings;
  for (;;) {
    const int code = use->step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return impl_->error(code, doing);
    StoredFinding stored;
    Finding& finding = stored.finding;
    finding.key = use->text(0);
    const auto kind = finding_kind_from_code(use->integer(1));
    if (!kind) {
      return corrupt_error(impl_->file, "stored finding " + finding.key + " has an unknown kind");
    }
    finding.kind = *kind;
    finding.customer = use->text(2);
    finding.contact = use->text(3);
    finding.contact_name = use->text(4);
    finding.subject = use->text(5);
    finding.thread_root = use->text(6);
    finding.awaiting = use->text(7);
    finding.since = use->integer(8);
    finding.due = use->integer(9);
    finding.waiting_business_days = static_cast<int>(use->integer(10));
    finding.severity = static_cast<int>(use->integer(11));
    finding.reason = use->text(12);
    stored.first_seen = use->integer(13);
    stored.last_seen = use->integer(14);
    if (!use->is_null(15)) stored.resolved_at = use->integer(15);
    finding.domain = use->text(16);
    finding.engagement = use->text(17);
    finding.ends = use->text(18);
    if (!read_finding_details(use->text(19), finding)) {
      return corrupt_error(impl_->file,
                           "stored finding " + finding.key + " has unreadable details");
    }
    findings.push_back(std::move(stored));
  }
  return findings;
}

Result<std::size_t> Store::forget_resolved_findings(UnixSeconds resolved_before) {
  constexpr std::string_view doing = "forget resolved findings";
  auto use = impl_->statement(
      "DELETE FROM findings WHERE resolved_at IS NOT NULL AND resolved_at < ?1", doing);
  if (!use) return use.error();
  use->bind(1, resolved_before);
  if (auto ran = impl_->run(*use, doing); !ran) return ran.error();
  return static_cast<std::size_t>(sqlite3_changes(impl_->db.get()));
}

// ---- Dismissals

Result<void> Store::dismiss(std::string_view key, std::string_view awaiting, UnixSeconds at) {
  constexpr std::string_view doing = "save a dismissal";
  auto use = impl_->statement(
      "INSERT INTO dismissals (key, awaiting, dismissed_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (key) DO UPDATE SET awaiting = excluded.awaiting, "
      "dismissed_at = excluded.dismissed_at",
      doing);
  if (!use) return use.error();
  use->bind(1, key);
  use->bind(2, awaiting);
  use->bind(3, at);
  return impl_->run(*use, doing);
}

Result<bool> Store::dismissed(std::string_view key, std::string_view awaiting) {
  constexpr std::string_view doing = "read a dismissal";
  auto use = impl_->statement("SELECT 1 FROM dismissals WHERE key = ?1 AND awaiting = ?2", doing);
  if (!use) return use.error();
  use->bind(1, key);
  use->bind(2, awaiting);
  const int code = use->step();
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return impl_->error(code, doing);
}

Result<std::map<std::string, Dismissal, std::less<>>> Store::dismissals() {
  constexpr std::string_view doing = "load dismissals";
  auto use = impl_->statement("SELECT key, awaiting, dismissed_at FROM dismissals", doing);
  if (!use) return use.error();
  std::map<std::string, Dismissal, std::less<>> dismissals;
  for (;;) {
    const int code = use->step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return impl_->error(code, doing);
    Dismissal dismissal{std::string(use->text(0)), std::string(use->text(1)), use->integer(2)};
    auto key = dismissal.key;
    dismissals.emplace(std::move(key), std::move(dismissal));
  }
  return dismissals;
}

Result<void> Store::undismiss(std::string_view key) {
  constexpr std::string_view doing = "remove a dismissal";
  auto use = impl_->statement("DELETE FROM dismissals WHERE key = ?1", doing);
  if (!use) return use.error();
  use->bind(1, key);
  return impl_->run(*use, doing);
}

// ---- Snoozes

Result<void> Store::snooze(std::string_view key, UnixSeconds until, UnixSeconds at) {
  constexpr std::string_view doing = "save a snooze";
  auto use = impl_->statement(
      "INSERT INTO snoozes (key, snoozed_until, snoozed_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (key) DO UPDATE SET snoozed_until = excluded.snoozed_until, "
      "snoozed_at = excluded.snoozed_at",
      doing);
  if (!use) return use.error();
  use->bind(1, key);
  use->bind(2, until);
  use->bind(3, at);
  return impl_->run(*use, doing);
}

Result<std::map<std::string, Snooze, std::less<>>> Store::snoozes() {
  constexpr std::string_view doing = "load snoozes";
  auto use = impl_->statement("SELECT key, snoozed_until, snoozed_at FROM snoozes", doing);
  if (!use) return use.error();
  std::map<std::string, Snooze, std::less<>> snoozes;
  for (;;) {
    const int code = use->step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return impl_->error(code, doing);
    Snooze snooze{std::string(use->text(0)), use->integer(1), use->integer(2)};
    auto key = snooze.key;
    snoozes.emplace(std::move(key), std::move(snooze));
  }
  return snoozes;
}

Result<void> Store::unsnooze(std::string_view key) {
  constexpr std::string_view doing = "remove a snooze";
  auto use = impl_->statement("DELETE FROM snoozes WHERE key = ?1", doing);
  if (!use) return use.error();
  use->bind(1, key);
  return impl_->run(*use, doing);
}

// ---- Reminders

Result<void> Store::save_reminder(const OwnedReminder& reminder) {
  constexpr std::string_view doing = "save a reminder";
  auto use = impl_->statement(
      "INSERT INTO reminders (calendar, key, href, uid, etag, state, start, end, fingerprint, "
      "awaiting, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT (calendar, key) DO UPDATE SET href = excluded.href, uid = excluded.uid, "
      "etag = excluded.etag, state = excluded.state, start = excluded.start, end = excluded.end, "
      "fingerprint = excluded.fingerprint, awaiting = excluded.awaiting, "
      "updated_at = excluded.updated_at",
      doing);
  if (!use) return use.error();
  use->bind(1, reminder.calendar);
  use->bind(2, reminder.key);
  use->bind(3, reminder.href);
  use->bind(4, reminder.uid);
  use->bind(5, reminder.etag);
  use->bind(6, reminder_state_code(reminder.state));
  use->bind(7, reminder.start);
  use->bind(8, reminder.end);
  use->bind(9, reminder.fingerprint);
  use->bind(10, reminder.awaiting);
  use->bind(11, reminder.updated_at);
  return impl_->run(*use, doing);
}

Result<std::vector<OwnedReminder>> Store::reminders(std::string_view calendar) {
  constexpr std::string_view doing = "load reminders";
  auto use = impl_->statement(
      "SELECT calendar, key, href, uid, etag, state, start, end, fingerprint, awaiting, "
      "updated_at FROM reminders WHERE ?1 = '' OR calendar = ?1 ORDER BY calendar, key",
      doing);
  if (!use) return use.error();
  use->bind(1, calendar);
  std::vector<OwnedReminder> rows;
  for (;;) {
    const int code = use->step();
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return impl_->error(code, doing);
    OwnedReminder row;
    row.calendar.assign(use->text(0));
    row.key.assign(use->text(1));
    row.href.assign(use->text(2));
    row.uid.assign(use->text(3));
    row.etag.assign(use->text(4));
    const auto state = reminder_state_from_code(use->integer(5));
    if (!state) {
      return corrupt_error(impl_->file, "stored reminder " + row.key + " has an unknown state");
    }
    row.state = *state;
    row.start = use->integer(6);
    row.end = use->integer(7);
    row.fingerprint.assign(use->text(8));
    row.awaiting.assign(use->text(9));
    row.updated_at = use->integer(10);
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<void> Store::forget_reminder(std::string_view calendar, std::string_view key) {
  constexpr std::string_view doing = "forget a reminder";
  auto use = impl_->statement("DELETE FROM reminders WHERE calendar = ?1 AND key = ?2", doing);
  if (!use) return use.error();
  use->bind(1, calendar);
  use->bind(2, key);
  return impl_->run(*use, doing);
}

}  // namespace nachfass
