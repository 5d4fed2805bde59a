// What detection reports: one finding per thing a salesperson should act on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace nachfass {

enum class FindingKind : std::uint8_t { unanswered, stalled, lapsing, quiet, absence };
std::string_view to_string(FindingKind kind);

enum class Language : std::uint8_t { de, en };

// One named contribution to a finding's severity, shown to the user ("silence 41 d vs usual 9 d":
// 38 of 50 points). For `quiet` findings the parts add up to the severity.
struct ScorePart {
  std::string name;  // stable identifier: "silence", "reply_speed", "open_threads"
  int points = 0;    // what this part contributed
  int max_points = 0;
  std::string detail;  // plain language, configured language
};

// A thread listed in an `absence` digest.
struct DigestItem {
  std::string thread_root;  // Message-ID, no angle brackets
  std::string subject;
  std::string contact;
  std::string customer;
  UnixSeconds arrived = 0;
  UnixSeconds answered = 0;  // 0 while unanswered
};

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

  // The customer's mail domain (for a freemail customer the domain of the address); every kind.
  std::string domain;
  // lapsing: the engagement kind ("trial", "contract", "seminar", ... as the rule names it) and
  // the day it ends (ISO 8601 "YYYY-MM-DD", in the user's time zone); empty for other kinds.
  std::string engagement;
  std::string ends;
  // quiet: how the severity is made up. Empty for other kinds.
  std::vector<ScorePart> score_parts;
  // absence: the threads of the digest (unanswered ones first, then late ones). Empty otherwise.
  std::vector<DigestItem> items;
};

}  // namespace nachfass
