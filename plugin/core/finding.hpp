// What detection reports: one finding per thing a salesperson should act on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace nachfass {

enum class FindingKind : std::uint8_t { unanswered, stalled, lapsing, quiet, absence };
std::string_view to_string(FindingKind kind);

enum class Language : std::uint8_t { de, en };

struct Finding {
  // Stable across runs as long as the thing it is about is the same: for an unanswered thread it
  // is derived from the thread's root Message-ID, so new messages in the thread keep the key.
  std::string key;
  FindingKind kind = FindingKind::unanswered;
  std::string customer;      // company name when known, else the contact's domain
  std::string contact;       // e-mail address of the person we owe something
  std::string contact_name;  // display name, may be empty
  std::string subject;       // the thread's subject as last seen, prefixes stripped
  std::string thread_root;   // Message-ID, no angle brackets
  std::string awaiting;      // Message-ID of the message waiting for a reply, no angle brackets
  UnixSeconds since = 0;     // when the wait began
  UnixSeconds due = 0;       // when the SLA ran out
  int waiting_business_days = 0;
  int severity = 0;    // 0-100, higher is more urgent
  std::string reason;  // one plain sentence in the configured language
};

}  // namespace nachfass
