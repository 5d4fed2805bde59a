#include "imap/drafts/imap_drafts.hpp"

#include <utility>

namespace nachfass::imap {

ImapDraftSink::ImapDraftSink(ImapConfig config, ImapImportOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

Result<DraftLocation> ImapDraftSink::create(std::string_view rfc5322, const DraftContext&) {
  auto appended = append_draft(config_, rfc5322, options_);
  if (!appended) {
    Error error = appended.error();
    if (error.id == "imap.no" && !config_.drafts_folder.empty())
      error.message += " — drafts_folder = \"" + config_.drafts_folder +
                       "\" in [mail] must name an existing folder you may write to";
    return error;
  }
  DraftLocation location;
  location.folder = appended->folder;
  if (appended->uid) location.id = std::to_string(*appended->uid);
  if (appended->uidvalidity) location.uidvalidity = std::to_string(*appended->uidvalidity);
  return location;
}

}  // namespace nachfass::imap
