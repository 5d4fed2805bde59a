// DraftSink for an IMAP account: the draft is APPENDed with \Draft to the Drafts folder
// (ImapConfig::drafts_folder, else SPECIAL-USE \Drafts, else a folder named Drafts/Entwürfe; see
// imap::append_draft). One connection per create(); APPEND is atomic, so an error leaves no draft.
// DraftLocation: the folder, the UID (empty when the server lacks UIDPLUS) and UIDVALIDITY.
// Errors: those of imap::append_draft. imap.no when the server refuses the APPEND (the folder
// does not exist or is not writable, quota) is reported with what to do.
#pragma once

#include "config/config.hpp"
#include "imap/sync/imap_sync.hpp"
#include "ports/drafts.hpp"

namespace nachfass::imap {

class ImapDraftSink final : public DraftSink {
 public:
  explicit ImapDraftSink(ImapConfig config, ImapImportOptions options = {});
  Result<DraftLocation> create(std::string_view rfc5322, const DraftContext& context) override;

 private:
  ImapConfig config_;
  ImapImportOptions options_;
};

}  // namespace nachfass::imap
