#include "imap/parser/response.hpp"
#include "core/ascii.hpp"

#include <algorithm>
#include <charconv>

namespace nachfass::imap {

namespace {

// Quoted-string content the parser reads back unchanged: no CR, LF or NUL.
bool quotable(std::string_view bytes) {
  return std::none_of(bytes.begin(), bytes.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

void append_string(std::string& out, std::string_view bytes, bool literal) {
  if (literal || !quotable(bytes)) {
    out += '{';
    out += std::to_string(bytes.size());
    out += "}\r\n";
    out.append(bytes);
    return;
  }
  out += '"';
  for (char c : bytes) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_value(std::string& out, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::nil:
      out += "NIL";
      return;
    case Value::Kind::atom:
      out.append(value.text());
      if (value.has_section()) {
        out += '[';
        out.append(value.section());
        out += ']';
        if (auto origin = value.origin()) {
          out += '<';
          out += std::to_string(*origin);
          out += '>';
        }
      }
      return;
    case Value::Kind::number:
      out.append(value.text());
      return;
    case Value::Kind::string:
      append_string(out, value.text(), value.is_literal());
      return;
    case Value::Kind::list: {
      out += '(';
      bool first = true;
      for (const Value& item : value.items()) {
        if (!first) out += ' ';
        first = false;
        append_value(out, item);
      }
      out += ')';
      return;
    }
  }
}

}  // namespace

Value Value::make_atom(std::string text) {
  Value value;
  value.kind_ = Kind::atom;
  value.text_ = std::move(text);
  return value;
}

Value Value::make_number(std::uint64_t number, std::string digits) {
  Value value;
  value.kind_ = Kind::number;
  value.number_ = number;
  value.text_ = digits.empty() ? std::to_string(number) : std::move(digits);
  return value;
}

Value Value::make_string(std::string bytes, bool literal) {
  Value value;
  value.kind_ = Kind::string;
  value.literal_ = literal;
  value.text_ = std::move(bytes);
  return value;
}

Value Value::make_list(std::vector<Value> items) {
  Value value;
  value.kind_ = Kind::list;
  value.items_ = std::move(items);
  return value;
}

Value Value::make_section(std::string name, std::string_view section,
                          std::optional<std::uint64_t> origin) {
  Value value;
  value.kind_ = Kind::atom;
  value.has_section_ = true;
  value.name_size_ = static_cast<std::uint32_t>(name.size());
  value.text_ = std::move(name);
  value.text_.reserve(value.text_.size() + section.size() + 2);
  value.text_ += '[';
  value.text_.append(section);
  value.text_ += ']';
  if (origin) {
    value.has_origin_ = true;
    value.number_ = *origin;
  }
  return value;
}

std::string_view Value::section() const {
  if (!has_section_) return {};
  std::string_view all(text_);
  return all.substr(name_size_ + 1, all.size() - name_size_ - 2);
}

bool Value::is_atom(std::string_view name) const {
  const std::string_view own = text();
  if (kind_ != Kind::atom || own.size() != name.size()) return false;
  for (std::size_t i = 0; i < own.size(); ++i)
    if (ascii::to_upper(own[i]) != ascii::to_upper(name[i])) return false;
  return true;
}

std::optional<std::uint64_t> ResponseCode::number() const {
  if (args.empty() || !args.front().is_number()) return std::nullopt;
  return args.front().number();
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::none:
      return "";
    case Status::ok:
      return "OK";
    case Status::no:
      return "NO";
    case Status::bad:
      return "BAD";
    case Status::preauth:
      return "PREAUTH";
    case Status::bye:
      return "BYE";
  }
  return "";
}

std::string to_wire(const Value& value) {
  std::string out;
  append_value(out, value);
  return out;
}

std::string to_wire(const Response& response) {
  std::string out;
  switch (response.kind) {
    case ResponseKind::continuation:
      out += "+ ";
      out += response.text;
      out += "\r\n";
      return out;
    case ResponseKind::tagged:
      out += response.tag;
      break;
    case ResponseKind::untagged:
      out += '*';
      break;
  }
  if (response.is_status()) {
    out += ' ';
    out += to_string(response.status);
    if (response.code) {
      out += " [";
      out += response.code->name;
      if (!response.code->text.empty()) {
        out += ' ';
        out += response.code->text;
      }
      out += ']';
    }
    if (!response.text.empty()) {
      out += ' ';
      out += response.text;
    }
    out += "\r\n";
    return out;
  }
  if (response.number) {
    out += ' ';
    out += std::to_string(*response.number);
  }
  out += ' ';
  out += response.keyword;
  for (const Value& value : response.data) {
    out += ' ';
    append_value(out, value);
  }
  out += "\r\n";
  return out;
}

}  // namespace nachfass::imap
