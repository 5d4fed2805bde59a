#include "maildir/maildir_reader.hpp"

#include "core/ascii.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include <sys/stat.h>

#include "mime/body_text.hpp"
#include "mime/header_parser.hpp"

namespace nachfass::maildir {

namespace fs = std::filesystem;

namespace {

// Headers beyond this are junk or an attack; what was read so far is parsed.
constexpr std::size_t max_header_bytes = 1 << 20;
// The body's text is near its top; the rest of a file (attachments) is not read.
constexpr std::size_t max_body_bytes_read = 64 * 1024;

using ascii::lower;

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) && fs::is_directory(dir / "new", ec);
}

// The last component of a hierarchical folder name: "Archiv.Sent" -> "sent".
std::string leaf(std::string_view name) {
  const auto sep = name.find_last_of("./");
  return lower(sep == std::string_view::npos ? name : name.substr(sep + 1));
}

// Unique part of a Maildir file name: everything before the info separator (":2,FLAGS"; some
// systems that cannot have ':' in file names use '!' or ';').
std::string_view unique_part(std::string_view file_name) {
  const auto sep = file_name.find_first_of(":!;");
  return sep == std::string_view::npos ? file_name : file_name.substr(0, sep);
}

UnixSeconds delivery_time(std::string_view file_name, const fs::path& path) {
  // Maildir file names start with the delivery time in seconds ("1700000000.M12P34.host").
  UnixSeconds seconds = 0;
  std::size_t digits = 0;
  while (digits < file_name.size() && digits < 12 && file_name[digits] >= '0' &&
         file_name[digits] <= '9')
    seconds = seconds * 10 + (file_name[digits++] - '0');
  if (digits >= 9 && digits < file_name.size() && file_name[digits] == '.') return seconds;
  // GCC 12 lacks std::chrono::clock_cast; stat(2) gives the mtime directly.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mtime;
}

// Reads the header block (up to max_header_bytes) into `block` and at most max_body_bytes_read
// of the body after it into `body`.
bool read_message(const fs::path& path, std::string& block, std::string& body, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return false;
  }
  block.clear();
  body.clear();
  std::array<char, 16384> buffer;
  std::size_t header_length = std::string::npos;
  while (header_length == std::string::npos ? block.size() < max_header_bytes
                                            : block.size() < header_length + max_body_bytes_read) {
    in.read(buffer.data(), buffer.size());
    const auto got = in.gcount();
    if (got <= 0) break;
    const std::size_t before = block.size();
    block.append(buffer.data(), static_cast<std::size_t>(got));
    if (header_length != std::string::npos) continue;
    // Only the new bytes (plus the 3 before them) can complete the empty line.
    const std::size_t from = before >= 3 ? before - 3 : 0;
    const std::size_t length = mime::header_block_length(std::string_view(block).substr(from));
    if (length != std::string_view::npos) header_length = from + length;
  }
  if (in.bad()) {
    error = "read error";
    return false;
  }
  if (header_length != std::string::npos) {
    body.assign(block, header_length, max_body_bytes_read);
    block.resize(header_length);
  }
  return true;
}

}  // namespace

FolderRole role_for_name(std::string_view name) {
  const std::string n = leaf(name);
  if (lower(name) == "inbox") return FolderRole::inbox;
  static constexpr std::array<std::string_view, 9> sent = {
      "sent",     "sent items",         "sent messages",     "sent mail",
      "gesendet", "gesendete elemente", "gesendete objekte", "gesendete nachrichten",
      "skickat"};
  static constexpr std::array<std::string_view, 4> drafts = {"drafts", "entwürfe", "entw&apw-rfe",
                                                             "draft"};
  if (std::find(sent.begin(), sent.end(), n) != sent.end()) return FolderRole::sent;
  if (std::find(drafts.begin(), drafts.end(), n) != drafts.end()) return FolderRole::drafts;
  return FolderRole::other;
}

bool is_excluded_by_default(std::string_view name) {
  if (role_for_name(name) == FolderRole::drafts) return true;
  const std::string n = leaf(name);
  static constexpr std::array<std::string_view, 15> excluded = {"trash",
                                                                "deleted items",
                                                                "deleted messages",
                                                                "papierkorb",
                                                                "gelöschte elemente",
                                                                "gel&APY-schte elemente",
                                                                "junk",
                                                                "junk e-mail",
                                                                "junk-e-mail",
                                                                "spam",
                                                                "outbox",
                                                                "postausgang",
                                                                "templates",
                                                                "vorlagen",
                                                                "bulk mail"};
  return std::any_of(excluded.begin(), excluded.end(),
                     [&](std::string_view e) { return lower(e) == n; });
}

Result<std::vector<Folder>> discover_folders(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return make_error(ErrorScope::account, "maildir.not_found",
                      root.string() +
                          " is not a directory — give the Maildir folder (the one "
                          "that holds cur/, new/ and tmp/)");
  std::vector<Folder> folders;
  if (is_maildir(root)) folders.push_back({"INBOX", FolderRole::inbox, root});
  // Walk subdirectories; a directory that is itself a Maildir is a folder.
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec)
    return make_error(ErrorScope::account, "maildir.unreadable",
                      root.string() + ": " + ec.message() + " — check the folder's permissions");
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_directory(ec)) continue;
    const std::string base = it->path().filename().string();
    if (base == "cur" || base == "new" || base == "tmp") {
      it.disable_recursion_pending();
      continue;
    }
    if (!is_maildir(it->path())) continue;
    std::string name = fs::relative(it->path(), root, ec).generic_string();
    // Maildir++: ".Sent" and ".Kunden.Müller" are top-level directories with a leading dot.
    if (!name.empty() && name.front() == '.') name.erase(0, 1);
    if (lower(name) == "inbox") {
      if (folders.empty() || folders.front().name != "INBOX")
        folders.push_back({"INBOX", FolderRole::inbox, it->path()});
      continue;
    }
    folders.push_back({name, role_for_name(name), it->path()});
  }
  if (folders.empty())
    return make_error(ErrorScope::account, "maildir.not_maildir",
                      root.string() +
                          " holds no Maildir (no cur/ and new/ below it) — give the "
                          "Maildir folder itself");
  std::sort(folders.begin() + (folders.front().name == "INBOX" ? 1 : 0), folders.end(),
            [](const Folder& a, const Folder& b) { return a.name < b.name; });
  return folders;
}

Result<FolderScan> scan_folder(const Folder& folder,
                               const std::unordered_set<std::string>& known_ids,
                               const ScanCallbacks& callbacks) {
  struct Entry {
    fs::path path;
    std::string file_name;
  };
  std::vector<Entry> entries;
  for (const char* sub : {"cur", "new"}) {
    std::error_code ec;
    fs::directory_iterator it(folder.path / sub, ec);
    if (ec)
      return make_error(
          ErrorScope::collection, "maildir.unreadable",
          (folder.path / sub).string() + ": " + ec.message() + " — check the folder's permissions");
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      std::string file_name = it->path().filename().string();
      if (file_name.empty() || file_name.front() == '.') continue;  // editors' and tools' files
      if (!it->is_regular_file(ec)) continue;
      entries.push_back({it->path(), std::move(file_name)});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.file_name < b.file_name; });

  FolderScan scan;
  scan.present_ids.reserve(entries.size());
  std::unordered_set<std::string> seen;
  std::string block, body, error;
  std::size_t done = 0;
  for (const Entry& entry : entries) {
    ++done;
    if (callbacks.progress && (done % 512 == 0 || done == entries.size()))
      callbacks.progress(done, entries.size());
    std::string id = folder.name + "/" + std::string(unique_part(entry.file_name));
    // The same unique name in cur/ and new/ happens when a client crashed mid-rename: one message.
    if (!seen.insert(id).second) continue;
    scan.present_ids.push_back(id);
    if (known_ids.contains(id)) continue;
    if (!read_message(entry.path, block, body, error)) {
      ++scan.failed;
      if (callbacks.warning)
        callbacks.warning(entry.path.string() + ": cannot read (" + error + "), skipped");
      continue;
    }
    std::vector<std::string> warnings;
    auto message = mime::parse_message_headers(
        block, {id, folder.name, folder.role, delivery_time(entry.file_name, entry.path)},
        &warnings);
    for (const auto& w : warnings)
      if (callbacks.warning)
        callbacks.warning(entry.path.string() + ": " + w.substr(w.find(": ") + 2));
    if (!message) {
      ++scan.failed;
      if (callbacks.warning)
        callbacks.warning(entry.path.string() + ": " + message.error().message + ", skipped");
      continue;
    }
    message->body = mime::extract_body_text(block, body);
    ++scan.parsed;
    if (callbacks.message) callbacks.message(std::move(*message));
  }
  return scan;
}

}  // namespace nachfass::maildir
