// DraftSink: where a letter becomes a draft the user reviews and sends. Nachfass never sends mail;
// a sink only stores a draft in the user's mailbox.
//
// Contract
// - create() stores one draft and returns where it is. It is not idempotent: two calls make two
//   drafts (each letter has its own Message-ID, so the user sees and deletes a duplicate).
// - `rfc5322` is a complete message (LF or CRLF line ends) as letters::compose_draft() builds it;
//   the sink may convert line ends. It is only read during the call.
// - `context.in_reply_to` names the message the draft answers (Message-ID, no angle brackets;
//   empty for a new thread). An IMAP sink ignores it (the headers carry it); a Graph sink uses
//   it to find the message and make the draft with createReply, so that Outlook threads it.
// - All or nothing: on error no draft exists (IMAP APPEND is atomic; a Graph sink deletes what
//   it created before reporting an error).
// - Synchronous: completes before it returns.
// Errors: the connector's connection, TLS, auth and password errors (scope transient/account);
//   imap.no_drafts_folder / graph.no_drafts_folder (collection): no Drafts folder found;
//   imap.no (collection): the server refused to store the draft (folder missing, not writable,
//   quota).
#pragma once

#include <string>
#include <string_view>

#include "ports/result.hpp"

namespace nachfass {

struct DraftLocation {
  std::string folder;  // "Drafts", "Entwürfe"; Graph: the folder's display name
  std::string id;      // IMAP: the UID (empty when the server has no UIDPLUS); Graph: message id
  std::string uidvalidity;  // IMAP only, else empty
};

struct DraftContext {
  std::string in_reply_to;  // Message-ID of the answered message, no angle brackets; may be empty
};

class DraftSink {
 public:
  virtual ~DraftSink() = default;
  virtual Result<DraftLocation> create(std::string_view rfc5322, const DraftContext& context) = 0;
};

}  // namespace nachfass
