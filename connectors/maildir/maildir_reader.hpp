// Local Maildir reader: the offline mail source (and, later, Thunderbird's local folders when the
// profile uses Maildir storage). Reads the header and the start of the body (its text, see
// mime/body_text.hpp); never writes, moves or renames a file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/model.hpp"
#include "ports/result.hpp"

namespace nachfass::maildir {

struct Folder {
  std::string name;  // "INBOX", "Sent", "Kunden.Müller" (Maildir++ separator '.' kept)
  FolderRole role = FolderRole::other;
  std::filesystem::path path;  // the directory holding cur/ and new/
};

// The role a folder name stands for, in English and German and as the big clients name them
// ("Sent", "Sent Items", "Sent Messages", "Gesendet", "Gesendete Elemente", "Gesendete Objekte",
// "Drafts", "Entwürfe", ...). Case-insensitive; Dovecot's modified UTF-7 names are understood.
FolderRole role_for_name(std::string_view name);

// True for folders whose mail is not part of any conversation we owe an answer in: Trash, Junk,
// Spam, Outbox, Templates, and Drafts (unsent).
bool is_excluded_by_default(std::string_view name);

// The folders below `root`: `root` itself is INBOX when it holds cur/ and new/; subfolders in
// Maildir++ layout (".Sent", ".Kunden.Müller") and in plain nested layout ("Sent/cur").
// Errors: maildir.not_found (root missing or not a directory), maildir.not_maildir (no folder at
// all below root), maildir.unreadable.
Result<std::vector<Folder>> discover_folders(const std::filesystem::path& root);

struct FolderScan {
  std::vector<std::string> present_ids;  // every message source id found in the folder
  std::size_t parsed = 0;                // new messages handed to the sink
  std::size_t failed = 0;                // files that could not be read or parsed (see warnings)
};

struct ScanCallbacks {
  std::function<void(Message&&)> message;         // each new message, in file-name order
  std::function<void(std::string_view)> warning;  // one line per problem, names the file
  std::function<void(std::size_t done, std::size_t total)> progress;  // may be empty
};

// Reads the headers and the body text (Message::body, from at most the first 64 KiB of the body)
// of every message file in `folder` (cur/ and new/; tmp/ holds deliveries in
// progress and is skipped) whose source id is not in `known_ids`. Source ids are
// "<folder name>/<unique part of the file name>", stable when the file's flags change.
// A file that cannot be read or parsed is reported through `warning` and skipped; the rest is
// read. Errors: maildir.unreadable when the folder itself cannot be listed.
Result<FolderScan> scan_folder(const Folder& folder,
                               const std::unordered_set<std::string>& known_ids,
                               const ScanCallbacks& callbacks);

}  // namespace nachfass::maildir
