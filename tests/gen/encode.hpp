// Header and body encodings for rendering: RFC 2047 encoded words, folding (RFC 5322 2.2.3),
// quoted-printable bodies (RFC 2045 6.7), base64.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gen/generator.hpp"

namespace nachfass::gen {

bool is_ascii(std::string_view text);

std::string base64(std::string_view bytes);

// Tokens of an unstructured header value (Subject, Thread-Topic): joined with single spaces they
// are the header value; non-ASCII text becomes encoded words. `text` must not contain runs of
// spaces.
std::vector<std::string> unstructured_tokens(std::string_view text, const WordStyle& style);

// Appends the tokens of one address ("Name <addr>", encoded words, quoted strings) to `tokens`.
void address_tokens(const MailAddress& address, std::vector<std::string>& tokens);

// "Name: tok tok\n tok\n" folded at spaces so that lines stay within 78 columns where the tokens
// allow (a single token longer than that gets a line of its own).
void append_folded(std::string& out, std::string_view name, const std::vector<std::string>& tokens);
void append_header(std::string& out, std::string_view name, std::string_view value);

// Quoted-printable, LF line ends kept as hard line breaks, soft breaks at 76 columns.
void append_quoted_printable(std::string& out, std::string_view text);

}  // namespace nachfass::gen
