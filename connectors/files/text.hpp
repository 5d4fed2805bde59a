// Text decoding for imported files. Spreadsheet and address-book exports come as UTF-8 with or
// without a byte order mark, as UTF-16 (Excel's "Unicode text"), or in Windows-1252 (German Excel's
// "CSV (Trennzeichen-getrennt)", Outlook's vCard 2.1); everything downstream wants UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace nachfass::files {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool is_utf8(std::string_view text);

// Windows-1252 bytes to UTF-8 (its five undefined bytes become U+FFFD).
std::string cp1252_to_utf8(std::string_view bytes);

// Any supported encoding to UTF-8: a UTF-8 BOM is dropped; a UTF-16 BOM (LE or BE) decodes
// UTF-16 (unpaired surrogates become U+FFFD); otherwise valid UTF-8 is kept as it is and anything
// else is read as Windows-1252. Never fails.
std::string to_utf8(std::string_view bytes);

// "FILE:LINE: reason — skipped", the form of every import warning.
std::string skipped(std::string_view origin, std::size_t line, std::string_view reason);

// A cell or property value for a warning: in double quotes, at most 60 bytes (cut at a character
// boundary, "..." added), control characters shown as '?'.
std::string quote_for_message(std::string_view value);

// A plausible mail domain (lower-case letters, digits, '-', '.', UTF-8 for IDNs; at least one dot).
bool is_domain(std::string_view domain);

// "Petra Keller <P.Keller@Mueller.de>", "mailto:p.keller@mueller.de", " P.Keller@Mueller.DE "
// -> "p.keller@mueller.de"; empty when the text is not one address.
std::string normalize_email(std::string_view text);

// Appends the UTF-8 form of `code_point` (U+FFFD for invalid ones).
void append_utf8(std::string& out, char32_t code_point);

}  // namespace nachfass::files
