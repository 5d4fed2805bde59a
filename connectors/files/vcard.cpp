#include "files/vcard.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/ascii.hpp"
#include "files/text.hpp"

namespace nachfass::files {

namespace {

using ascii::iequals;
using ascii::trim;

struct LogicalLine {
  std::size_t line = 0;  // first physical line, 1-based
  std::string text;
};

struct Parameter {
  std::string name;   // upper-cased; empty for 2.1's bare values ("WORK", "QUOTED-PRINTABLE")
  std::string value;  // as written, quotes removed
};

struct Property {
  std::string name;  // upper-cased, group removed
  std::vector<Parameter> parameters;
  std::string value;  // raw
  std::size_t line = 0;
};

bool has_quoted_printable(std::string_view head) {
  const std::string upper = ascii::upper(head);
  return upper.find("QUOTED-PRINTABLE") != std::string::npos;
}

// Physical lines to logical lines: folding (RFC 6350 3.2) and 2.1's quoted-printable soft breaks.
std::vector<LogicalLine> unfold(std::string_view text) {
  std::vector<LogicalLine> lines;
  std::size_t pos = 0;
  std::size_t number = 0;
  bool soft_break = false;  // the previous line ended in a quoted-printable '='
  // Of the current logical line: how much was searched for the ':' ending its name and
  // parameters, and whether those say quoted-printable (known once the ':' is found).
  std::size_t searched = 0;
  std::optional<bool> quoted_printable;
  while (pos < text.size()) {
    auto end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view physical = text.substr(pos, end - pos);
    pos = end;
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    ++number;
    if (soft_break && !lines.empty() && !iequals(trim(physical), "END:VCARD") &&
        !iequals(trim(physical), "BEGIN:VCARD")) {
      lines.back().text += physical;
    } else if (!physical.empty() && (physical.front() == ' ' || physical.front() == '\t') &&
               !lines.empty()) {
      lines.back().text += physical.substr(1);
    } else {
      lines.push_back(LogicalLine{number, std::string(physical)});
      searched = 0;
      quoted_printable.reset();
    }
    soft_break = false;
    std::string& current = lines.back().text;
    if (!quoted_printable) {
      if (const auto colon = current.find(':', searched); colon != std::string::npos)
        quoted_printable = has_quoted_printable(std::string_view(current).substr(0, colon));
      searched = current.size();
    }
    if (quoted_printable.value_or(false) && !current.empty() && current.back() == '=') {
      current.pop_back();
      soft_break = true;
    }
  }
  return lines;
}

// "item1.EMAIL;TYPE=work;type=\"pref\":a@b.de"; nullopt without ':' or name.
std::optional<Property> parse_property(const LogicalLine& logical) {
  const std::string& text = logical.text;
  Property property;
  property.line = logical.line;
  std::size_t i = 0;
  while (i < text.size() && text[i] != ';' && text[i] != ':') ++i;
  if (i == text.size()) return std::nullopt;
  std::string_view name = trim(std::string_view(text).substr(0, i));
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
  if (name.empty()) return std::nullopt;
  property.name = ascii::upper(name);
  while (i < text.size() && text[i] == ';') {
    ++i;
    Parameter parameter;
    std::string token;
    bool in_quotes = false;
    bool named = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') {
        in_quotes = !in_quotes;
        continue;
      }
      if (!in_quotes && (c == ';' || c == ':')) break;
      if (!in_quotes && c == '=' && !named) {
        parameter.name = ascii::upper(trim(token));
        token.clear();
        named = true;
        continue;
      }
      token.push_back(c);
    }
    if (in_quotes || i == text.size()) return std::nullopt;
    parameter.value = std::string(trim(token));
    property.parameters.push_back(std::move(parameter));
  }
  if (i >= text.size() || text[i] != ':') return std::nullopt;
  property.value = text.substr(i + 1);
  return property;
}

// The values of parameter `name` (for TYPE also 2.1's bare values), split at ','.
bool has_parameter_value(const Property& property, std::string_view name, std::string_view value) {
  for (const auto& p : property.parameters) {
    if (!(p.name == name || (p.name.empty() && name == "TYPE"))) continue;
    std::string_view rest = p.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (iequals(trim(rest.substr(0, comma)), value)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::string parameter(const Property& property, std::string_view name) {
  for (const auto& p : property.parameters)
    if (p.name == name) return p.value;
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// The property's value as UTF-8 text (escapes still in place); nullopt for binary values.
std::optional<std::string> decoded_value(const Property& property) {
  const std::string encoding = ascii::upper(parameter(property, "ENCODING"));
  if (encoding == "B" || encoding == "BASE64" || has_parameter_value(property, "TYPE", "BASE64"))
    return std::nullopt;
  std::string value = property.value;
  if (encoding == "QUOTED-PRINTABLE" || has_parameter_value(property, "TYPE", "QUOTED-PRINTABLE"))
    value = decode_quoted_printable(value);
  // Valid UTF-8 with non-ASCII bytes is almost never anything else; the rest is what Outlook
  // writes with CHARSET=Windows-1252 (ISO-8859-1 is its subset for letters). Decided per value,
  // as files merged from several exports mix both.
  if (!is_utf8(value)) return cp1252_to_utf8(value);
  return value;
}

// Splits at unescaped `separator` and resolves the escapes of each part.
std::vector<std::string> components(std::string_view value, char separator) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      const char next = value[++i];
      parts.back().push_back(next == 'n' || next == 'N' ? '\n' : next);
    } else if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  for (auto& part : parts) part = std::string(trim(part));
  return parts;
}

std::string text_value(std::string_view value) {
  // Separator '\0' never occurs: one component, escapes resolved.
  return components(value, '\0').front();
}

// "Herr Dr." -> salutation herr, title "Dr.".
void apply_prefix(std::string_view prefix, Salutation& salutation, std::string& title) {
  std::string rest;
  std::size_t i = 0;
  while (i < prefix.size()) {
    while (i < prefix.size() && (prefix[i] == ' ' || prefix[i] == ',')) ++i;
    std::size_t end = prefix.find_first_of(" ,", i);
    if (end == std::string_view::npos) end = prefix.size();
    const std::string_view word = prefix.substr(i, end - i);
    i = end;
    if (word.empty()) continue;
    std::string bare = ascii::lower(word);
    while (!bare.empty() && bare.back() == '.') bare.pop_back();
    if (bare == "frau" || bare == "fr" || bare == "mrs" || bare == "ms" || bare == "miss") {
      salutation = Salutation::frau;
    } else if (bare == "herr" || bare == "hr" || bare == "mr") {
      salutation = Salutation::herr;
    } else {
      if (!rest.empty()) rest += ' ';
      rest += word;
    }
  }
  if (!rest.empty()) title = rest;
}

struct Card {
  std::size_t begin_line = 0;
  std::vector<Property> properties;
};

std::optional<CustomerEntry> build_entry(const Card& card, std::string_view origin,
                                         std::vector<std::string>& warnings) {
  CustomerEntry entry;
  entry.origin = std::string(origin) + ":" + std::to_string(card.begin_line);
  Contact person;
  std::vector<std::string> emails;
  std::unordered_set<std::string> seen_emails;
  std::string work_phone, any_phone;
  std::optional<Salutation> gender;
  bool has_name = false;
  for (const Property& property : card.properties) {
    const auto value = decoded_value(property);
    if (!value) continue;
    const std::string& name = property.name;
    if (name == "FN") {
      person.name = text_value(*value);
    } else if (name == "N") {
      const auto parts = components(*value, ';');
      person.last_name = parts.size() > 0 ? parts[0] : std::string{};
      person.first_name = parts.size() > 1 ? parts[1] : std::string{};
      if (parts.size() > 3) apply_prefix(parts[3], person.salutation, person.title);
    } else if (name == "EMAIL") {
      const std::string raw = text_value(*value);
      if (raw.empty()) continue;
      std::string email = normalize_email(raw);
      if (email.empty()) {
        warnings.push_back(
            skipped(origin, property.line, "invalid e-mail address " + quote_for_message(raw)));
        continue;
      }
      if (seen_emails.insert(email).second) emails.push_back(std::move(email));
    } else if (name == "ORG") {
      entry.name = components(*value, ';').front();
    } else if (name == "TEL") {
      std::string phone = text_value(*value);
      if (phone.starts_with("tel:")) phone.erase(0, 4);
      if (phone.empty()) continue;
      if (work_phone.empty() && has_parameter_value(property, "TYPE", "WORK")) work_phone = phone;
      if (any_phone.empty()) any_phone = phone;
    } else if (name == "GENDER") {
      const std::string sex = ascii::upper(components(*value, ';').front());
      if (sex == "F") gender = Salutation::frau;
      if (sex == "M") gender = Salutation::herr;
    } else if (name == "X-WAB-GENDER") {
      const std::string_view code = trim(*value);
      if (code == "1") gender = Salutation::frau;
      if (code == "2") gender = Salutation::herr;
    } else if (name == "X-NACHFASS-TIER") {
      entry.tier = ascii::lower(text_value(*value));
    }
  }
  person.phone = !work_phone.empty() ? work_phone : any_phone;
  if (person.salutation == Salutation::unknown && gender) person.salutation = *gender;
  if (person.name.empty()) {
    person.name = person.first_name;
    if (!person.name.empty() && !person.last_name.empty()) person.name += ' ';
    person.name += person.last_name;
  }
  has_name = !person.name.empty();
  if (!has_name && entry.name.empty() && emails.empty()) {
    warnings.push_back(
        skipped(origin, card.begin_line, "card has no name, organisation or e-mail address"));
    return std::nullopt;
  }
  if (emails.empty()) {
    if (has_name || !person.phone.empty()) entry.contacts.push_back(person);
  } else {
    for (auto& email : emails) {
      Contact contact = person;
      contact.email = std::move(email);
      entry.contacts.push_back(std::move(contact));
    }
  }
  return entry;
}

}  // namespace

bool looks_like_vcard(std::string_view bytes) {
  const std::string head = to_utf8(bytes.substr(0, 256));
  const std::string_view text = trim(head);
  return text.size() >= 11 && iequals(text.substr(0, 11), "BEGIN:VCARD");
}

CustomerImport parse_vcards(std::string_view bytes, std::string_view origin) {
  CustomerImport result;
  // UTF-16 is decoded as a whole; 8-bit text value by value (see decoded_value()).
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const std::string text = bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")
                               ? to_utf8(bytes)
                               : std::string(bytes);
  const std::vector<LogicalLine> lines = unfold(text);
  std::optional<Card> card;
  bool card_broken = false;
  bool after_binary = false;  // 2.1 base64 data may continue on lines without a fold
  for (const LogicalLine& logical : lines) {
    const std::string_view content = trim(logical.text);
    if (content.empty()) {
      after_binary = false;
      continue;
    }
    if (iequals(content, "BEGIN:VCARD")) {
      if (card && !card_broken)
        result.warnings.push_back(skipped(origin, card->begin_line, "card without END:VCARD"));
      card = Card{logical.line, {}};
      card_broken = false;
      after_binary = false;
      continue;
    }
    if (!card) continue;  // text between cards
    if (iequals(content, "END:VCARD")) {
      if (!card_broken)
        if (auto entry = build_entry(*card, origin, result.warnings))
          result.entries.push_back(std::move(*entry));
      card.reset();
      continue;
    }
    if (card_broken) continue;
    auto property = parse_property(logical);
    if (!property) {
      if (after_binary) continue;
      result.warnings.push_back(
          skipped(origin, logical.line,
                  "malformed line (expected NAME:value) in the card from line " +
                      std::to_string(card->begin_line)));
      card_broken = true;
      continue;
    }
    const std::string encoding = ascii::upper(parameter(*property, "ENCODING"));
    after_binary =
        encoding == "B" || encoding == "BASE64" || has_parameter_value(*property, "TYPE", "BASE64");
    card->properties.push_back(std::move(*property));
  }
  if (card && !card_broken)
    result.warnings.push_back(skipped(origin, card->begin_line, "card without END:VCARD"));
  return result;
}

}  // namespace nachfass::files
