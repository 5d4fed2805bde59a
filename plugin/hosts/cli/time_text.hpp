// Instants as people type them on a command line, and as JSON and tables show them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace date {
class time_zone;
}

namespace nachfass::cli {

// ISO 8601: "2026-11-23T09:30:00Z", "...+01:00", "...+0100", or without an offset
// ("2026-11-23T09:30", "2026-11-23 09:30:00", "2026-11-23" = 00:00) in `zone`.
std::optional<UnixSeconds> parse_instant(std::string_view text, const date::time_zone* zone);

// "2026-11-23T08:30:00Z"
std::string iso_utc(UnixSeconds instant);

// "23.11.2026 09:30" (de) or "2026-11-23 09:30" (en) in `zone`.
std::string local_text(UnixSeconds instant, const date::time_zone* zone, bool german);

}  // namespace nachfass::cli
