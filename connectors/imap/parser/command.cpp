#include "imap/parser/command.hpp"
#include "core/ascii.hpp"

#include <algorithm>

#include "imap/parser/errors.hpp"
#include "imap/parser/mailbox_name.hpp"

namespace nachfass::imap {

namespace {

bool safe_atom_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::string_view("!#$&'+,-./:;<=>?@^_`|~").find(c) != std::string_view::npos;
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80)
      length = 1;
    else if (lead >= 0xC2 && lead <= 0xDF)
      length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
      length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
      length = 4;
    else
      return false;
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    // Overlong three/four-byte forms and surrogates.
    const auto second = length > 1 ? static_cast<unsigned char>(text[i + 1]) : 0;
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
        (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
      return false;
    i += length;
  }
  return true;
}

bool quotable(std::string_view value, bool utf8_accept) {
  bool eight_bit = false;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      eight_bit = true;
      continue;
    }
    if (u < 0x20 || u == 0x7f) return false;
  }
  return !eight_bit || (utf8_accept && valid_utf8(value));
}

Error unsendable(std::string_view why) {
  return make_error(ErrorScope::item, std::string(errors::bad_command_argument),
                    "cannot send this IMAP command argument (" + std::string(why) + ")");
}

EncodedArgument make_literal(std::string_view bytes, const ArgumentOptions& options) {
  EncodedArgument arg;
  arg.form = EncodedArgument::Form::literal;
  arg.synchronising = bytes.size() > options.non_sync_literal_max;
  arg.text = "{" + std::to_string(bytes.size()) + (arg.synchronising ? "}" : "+}");
  arg.literal.assign(bytes);
  return arg;
}

Result<EncodedArgument> encode(std::string_view value, const ArgumentOptions& options,
                               bool allow_atom) {
  if (value.find('\0') != std::string_view::npos) return unsendable("it contains a NUL byte");
  if (allow_atom && !value.empty() && !ascii::iequals(value, "NIL") &&
      std::all_of(value.begin(), value.end(), safe_atom_char))
    return EncodedArgument{EncodedArgument::Form::atom, std::string(value), {}, false};
  if (quotable(value, options.utf8_accept)) {
    EncodedArgument arg;
    arg.form = EncodedArgument::Form::quoted;
    arg.text.reserve(value.size() + 2);
    arg.text += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') arg.text += '\\';
      arg.text += c;
    }
    arg.text += '"';
    return arg;
  }
  return make_literal(value, options);
}

}  // namespace

Result<EncodedArgument> encode_astring(std::string_view value, const ArgumentOptions& options) {
  return encode(value, options, true);
}

Result<EncodedArgument> encode_string(std::string_view value, const ArgumentOptions& options) {
  return encode(value, options, false);
}

std::string Command::wire() const {
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

CommandBuilder::CommandBuilder(std::string_view tag, std::string_view command,
                               ArgumentOptions options)
    : options_(options), tag_(tag) {
  if (tag.empty() ||
      !std::all_of(tag.begin(), tag.end(), [](char c) { return safe_atom_char(c) && c != '+'; }))
    fail("the tag must be a non-empty atom without '+'");
  if (command.empty() ||
      command.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    fail("the command name is empty or contains CR, LF or NUL");
  parts_.push_back(std::string(tag) + " " + std::string(command));
}

void CommandBuilder::fail(std::string message) {
  if (!error_) error_ = unsendable(message);
}

void CommandBuilder::separate() {
  if (!after_open_) parts_.back() += ' ';
  after_open_ = false;
}

void CommandBuilder::append(const EncodedArgument& argument) {
  separate();
  parts_.back() += argument.text;
  if (argument.form != EncodedArgument::Form::literal) return;
  parts_.back() += "\r\n";
  if (argument.synchronising) parts_.emplace_back();
  parts_.back() += argument.literal;
}

CommandBuilder& CommandBuilder::atom(std::string_view token) {
  if (token.empty() || token.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    fail("a verbatim token is empty or contains CR, LF or NUL");
  separate();
  parts_.back() += token;
  return *this;
}

CommandBuilder& CommandBuilder::number(std::uint64_t value) {
  separate();
  parts_.back() += std::to_string(value);
  return *this;
}

CommandBuilder& CommandBuilder::astring(std::string_view value) {
  auto encoded = encode_astring(value, options_);
  if (!encoded)
    fail(encoded.error().message);
  else
    append(*encoded);
  return *this;
}

CommandBuilder& CommandBuilder::string(std::string_view value) {
  auto encoded = encode_string(value, options_);
  if (!encoded)
    fail(encoded.error().message);
  else
    append(*encoded);
  return *this;
}

CommandBuilder& CommandBuilder::mailbox(std::string_view utf8_name) {
  if (ascii::iequals(utf8_name, "INBOX")) return atom("INBOX");
  if (options_.utf8_accept) {
    if (!valid_utf8(utf8_name)) {
      fail("the mailbox name is not valid UTF-8");
      return *this;
    }
    return astring(utf8_name);
  }
  auto encoded = encode_mailbox_name(utf8_name);
  if (!encoded) {
    fail(encoded.error().message);
    return *this;
  }
  return astring(*encoded);
}

CommandBuilder& CommandBuilder::sequence_set(const SequenceSet& set) {
  if (set.empty()) {
    fail("an empty sequence set");
    return *this;
  }
  separate();
  parts_.back() += set.to_string();
  return *this;
}

CommandBuilder& CommandBuilder::literal(std::string_view bytes) {
  if (bytes.find('\0') != std::string_view::npos) {
    fail("a literal contains a NUL byte");
    return *this;
  }
  append(make_literal(bytes, options_));
  return *this;
}

CommandBuilder& CommandBuilder::begin_list() {
  separate();
  parts_.back() += '(';
  after_open_ = true;
  return *this;
}

CommandBuilder& CommandBuilder::end_list() {
  parts_.back() += ')';
  after_open_ = false;
  return *this;
}

Result<Command> CommandBuilder::build() const {
  if (error_) return *error_;
  Command command{tag_, parts_};
  command.parts.back() += "\r\n";
  return command;
}

}  // namespace nachfass::imap
