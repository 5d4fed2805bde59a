// Errors that reach the user. Graded by blast radius (see ../shared STYLE): the scope tells the
// caller what to do with it; the id is stable and tests assert it; the message is one line that
// says what went wrong and what to do.
#pragma once

#include <string>

namespace nachfass {

enum class ErrorScope {
  item,                 // skip this message / event / row, go on
  collection,           // skip this folder / calendar for this round
  account,              // stop this account and tell the user (bad credentials, bad config)
  transient,            // back off and retry
  throttled,            // wait (Retry-After) and retry
  cursor_expired,       // resync that collection from scratch
  precondition_failed,  // re-read and retry once
  fatal,                // the run cannot go on (corrupt state, unusable config)
};

struct Error {
  ErrorScope scope = ErrorScope::fatal;
  std::string id;       // e.g. "store.newer_schema", "config.bad_value", "imap.auth"
  std::string message;  // one line: what happened and what to do

  // "[id] message", the form every host prints.
  std::string to_string() const { return "[" + id + "] " + message; }
};

}  // namespace nachfass
