// Customers from vCard files (RFC 6350 vCard 4.0, RFC 2426 vCard 3.0 and vCard 2.1), as
// Thunderbird, Outlook, Apple Contacts and Google export them.
//
// Accepted:
// - UTF-8 (BOM or not) and UTF-16 with BOM; 8-bit values that are not valid UTF-8 are read as
//   Windows-1252 value by value (Outlook's CHARSET=Windows-1252, files merged from several
//   exports); ENCODING=QUOTED-PRINTABLE with its soft line breaks ('=' at a line's end);
//   BASE64/B-encoded properties (photos, keys) are passed over;
// - line folding (CRLF or LF followed by a space or tab), property groups ("item1.EMAIL"),
//   parameters with or without a name (2.1: "TEL;WORK;VOICE:"), quoted parameter values;
// - the escapes \\ \, \; \n \N.
// Used properties: FN, N (family;given;additional;prefixes;suffixes: prefixes such as "Dr." or
// "Prof. Dr." become the title, "Frau"/"Herr"/"Mrs."/"Mr."/"Ms." the salutation), EMAIL (each
// one a contact), ORG (its first component is the company), TEL (the first work number, else the
// first), GENDER (4.0: F/M), X-WAB-GENDER (Outlook: 1 female, 2 male), X-NACHFASS-TIER (the
// tier). CATEGORIES are not used: a category is no tier.
//
// Each card is one CustomerEntry with `origin` "FILE:LINE" (the BEGIN:VCARD line), its contacts
// (one per address, all with the card's name) and no domains: the addresses claim themselves.
//
// Bad input: a card without END:VCARD, with a malformed line or with neither a name, an
// organisation nor an address is reported as "FILE:LINE: <reason> — skipped" and left out; an
// invalid EMAIL is reported on its line and left out of an otherwise good card. Never throws
// (except std::bad_alloc).
#pragma once

#include <string_view>

#include "files/csv.hpp"

namespace nachfass::files {

CustomerImport parse_vcards(std::string_view bytes, std::string_view origin);

// True when the text (after a BOM and white space) starts with "BEGIN:VCARD".
bool looks_like_vcard(std::string_view bytes);

}  // namespace nachfass::files
