// Unanswered customer threads.
//
// A thread is a finding when its latest non-automated message is inbound from a customer (an
// external address) and no outbound message (from the user or a colleague of an own domain)
// follows it, and the SLA has run out in business time. Automated mail never opens a finding and
// never counts as an answer. Pure: same inputs, same findings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/business_calendar.hpp"
#include "core/corpus.hpp"
#include "core/finding.hpp"
#include "core/identities.hpp"
#include "core/threading.hpp"

namespace nachfass {

struct UnansweredRule {
  std::int64_t sla_business_seconds = std::int64_t{2} * 9 * 3600;
};

std::vector<Finding> detect_unanswered(const Corpus& corpus, const Threads& threads,
                                       const Identities& identities,
                                       const BusinessCalendar& calendar, const UnansweredRule& rule,
                                       UnixSeconds now, Language language);

// "u-" + 12 hex digits of a 64-bit FNV-1a hash of the thread root (or of the first message's
// source id when the thread has no Message-ID at all).
std::string finding_key(std::string_view prefix, std::string_view stable_text);

}  // namespace nachfass
