// A message for the letter tests (unit and integration): a mail in INBOX or Sent that replies to
// `references` (In-Reply-To is the last of them).
#pragma once

#include <string>
#include <vector>

#include "core/model.hpp"

namespace nachfass::letter_test {

inline constexpr UnixSeconds day = 24 * 3600;
inline constexpr UnixSeconds t0 = 1794700000;  // 2026-11-14

inline Message message(std::string id, std::string folder, Address from, Address to,
                       std::string subject, UnixSeconds date,
                       std::vector<std::string> references = {}) {
  Message m;
  m.source_id = folder + "/" + id;
  m.folder = folder;
  m.folder_role = folder == "Sent" ? FolderRole::sent : FolderRole::inbox;
  m.message_id = std::move(id);
  m.references = std::move(references);
  if (!m.references.empty()) m.in_reply_to = m.references.back();
  m.from = std::move(from);
  m.to = {std::move(to)};
  m.subject = std::move(subject);
  m.date = date;
  return m;
}

}  // namespace nachfass::letter_test
