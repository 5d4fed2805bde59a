// Reading import files from disk: the thin layer over the pure parsers in csv.hpp and vcard.hpp.
#pragma once

#include <filesystem>

#include "files/csv.hpp"
#include "ports/result.hpp"

namespace nachfass::files {

// Files larger than this are refused (an address book or a customer list is far smaller).
inline constexpr std::uintmax_t max_import_bytes = 64u << 20;

// A customers file, CSV or vCard by content (a file starting with BEGIN:VCARD is vCard). Entry
// origins and warnings name the file by its file name ("kunden.csv:14").
// Errors (scope item: skip this file, go on): files.unreadable (missing, no permission, a
// directory), files.too_large.
Result<CustomerImport> read_customers_file(const std::filesystem::path& file);

// The same for parsed text already in memory (the content decides CSV or vCard).
CustomerImport parse_customers_file(std::string_view bytes, std::string_view origin);

// An engagements CSV. Errors as read_customers_file().
Result<EngagementImport> read_engagements_file(const std::filesystem::path& file);

}  // namespace nachfass::files
