#include "imap/parser/fetch.hpp"
#include "core/ascii.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <type_traits>

#include "imap/parser/errors.hpp"

namespace nachfass::imap {

namespace {

Error bad_fetch(std::uint32_t seq, std::string_view what) {
  return make_error(ErrorScope::item, std::string(errors::bad_fetch),
                    "malformed FETCH response for message " + std::to_string(seq) + " (" +
                        std::string(what) + "); the message was skipped");
}

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// String-ish value -> bytes; moves them out when the value is not const.
template <class V>
std::string take_text(V& value) {
  if constexpr (std::is_const_v<V>)
    return std::string(value.text());
  else
    return value.release_text();
}

// nstring: NIL -> nullopt. Atoms and numbers are accepted as well (servers that do not quote).
template <class V>
bool nstring(V& value, std::optional<std::string>& out) {
  if (value.is_nil()) {
    out.reset();
    return true;
  }
  if (!value.is_astring()) return false;
  out = take_text(value);
  return true;
}

template <class V>
bool address_list(V& value, std::vector<Address>& out) {
  if (value.is_nil()) return true;
  if (!value.is_list()) return false;
  out.reserve(value.items().size());
  for (auto& item : value.items()) {
    if (!item.is_list() || item.items().size() != 4) return false;
    auto& fields = item.items();
    std::optional<std::string> name, adl, mailbox, host;
    if (!nstring(fields[0], name) || !nstring(fields[1], adl) || !nstring(fields[2], mailbox) ||
        !nstring(fields[3], host))
      return false;
    Address address;
    if (!host) address.kind = mailbox ? Address::Kind::group_start : Address::Kind::group_end;
    address.name = name.value_or("");
    address.adl = adl.value_or("");
    address.mailbox = mailbox.value_or("");
    address.host = host.value_or("");
    out.push_back(std::move(address));
  }
  return true;
}

template <class V>
Result<Envelope> envelope(V& value, std::uint32_t seq) {
  if (!value.is_list() || value.items().size() != 10)
    return bad_fetch(seq, "ENVELOPE is not a list of 10 fields");
  auto& f = value.items();
  Envelope env;
  if (!nstring(f[0], env.date) || !nstring(f[1], env.subject) || !nstring(f[8], env.in_reply_to) ||
      !nstring(f[9], env.message_id))
    return bad_fetch(seq, "ENVELOPE field is not a string or NIL");
  if (!address_list(f[2], env.from) || !address_list(f[3], env.sender) ||
      !address_list(f[4], env.reply_to) || !address_list(f[5], env.to) ||
      !address_list(f[6], env.cc) || !address_list(f[7], env.bcc))
    return bad_fetch(seq, "ENVELOPE address list is malformed");
  return env;
}

std::optional<std::uint32_t> nz_number32(const Value& value) {
  if (!value.is_number() || value.number() == 0 || value.number() > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(value.number());
}

std::string section_key(const Value& name) {
  std::string key = normalise_section(name.section());
  if (auto origin = name.origin()) {
    key += '<';
    key += std::to_string(*origin);
    key += '>';
  }
  return key;
}

template <class R>
Result<FetchItem> decode_fetch(R& response) {
  if (!response.is_data("FETCH") || !response.number)
    return make_error(ErrorScope::item, std::string(errors::wrong_response),
                      "expected a FETCH response");
  const std::uint32_t seq = *response.number;
  if (response.data.size() != 1 || !response.data[0].is_list())
    return bad_fetch(seq, "no attribute list");
  auto& items = response.data[0].items();
  if (items.size() % 2 != 0) return bad_fetch(seq, "attribute without a value");
  FetchItem item;
  item.seq = seq;
  for (std::size_t i = 0; i < items.size(); i += 2) {
    auto& name = items[i];
    auto& value = items[i + 1];
    if (!name.is_atom()) return bad_fetch(seq, "attribute name is not an atom");
    const std::string_view n = name.text();
    if (name.has_section()) {
      std::map<std::string, std::string>* target = nullptr;
      if (ascii::iequals(n, "BODY")) target = &item.body_sections;
      if (ascii::iequals(n, "BINARY")) target = &item.binary_sections;
      if (target != nullptr) {
        if (!value.is_nil() && !value.is_string())
          return bad_fetch(seq, std::string(n) + "[] is not a string");
        (*target)[section_key(name)] = value.is_nil() ? std::string() : take_text(value);
        continue;
      }
    } else if (ascii::iequals(n, "UID")) {
      const auto uid = nz_number32(value);
      if (!uid) return bad_fetch(seq, "UID is not a number from 1 to 4294967295");
      item.uid = *uid;
      continue;
    } else if (ascii::iequals(n, "FLAGS")) {
      if (!value.is_list()) return bad_fetch(seq, "FLAGS is not a list");
      std::vector<std::string> flags;
      flags.reserve(value.items().size());
      for (auto& flag : value.items()) {
        if (!flag.is_astring() || flag.is_string()) return bad_fetch(seq, "flag is not an atom");
        flags.emplace_back(flag.text());
      }
      item.flags = std::move(flags);
      continue;
    } else if (ascii::iequals(n, "INTERNALDATE")) {
      if (!value.is_string()) return bad_fetch(seq, "INTERNALDATE is not a string");
      auto date = parse_internal_date(value.text());
      if (!date) return bad_fetch(seq, date.error().message);
      item.internaldate = *date;
      continue;
    } else if (ascii::iequals(n, "RFC822.SIZE")) {
      if (!value.is_number()) return bad_fetch(seq, "RFC822.SIZE is not a number");
      item.rfc822_size = value.number();
      continue;
    } else if (ascii::iequals(n, "MODSEQ")) {
      // mod-sequence-value is 1*DIGIT up to 2^63-1 (RFC 7162 7).
      if (!value.is_list() || value.items().size() != 1 || !value.items()[0].is_number() ||
          value.items()[0].number() > static_cast<std::uint64_t>(INT64_MAX))
        return bad_fetch(seq, "MODSEQ is not (number)");
      item.modseq = value.items()[0].number();
      continue;
    } else if (ascii::iequals(n, "ENVELOPE")) {
      auto env = envelope(value, seq);
      if (!env) return env.error();
      item.envelope = std::move(*env);
      continue;
    } else if (ascii::iequals(n, "RFC822") || ascii::iequals(n, "RFC822.HEADER") ||
               ascii::iequals(n, "RFC822.TEXT")) {
      if (!value.is_nil() && !value.is_string())
        return bad_fetch(seq, std::string(n) + " is not a string");
      const std::string key = n.size() == 6 ? "" : ascii::upper(n.substr(7));
      item.body_sections[key] = value.is_nil() ? std::string() : take_text(value);
      continue;
    }
    std::string key = ascii::upper(n);
    if (name.has_section()) {
      key += '[';
      key += name.section();
      key += ']';
    }
    if constexpr (std::is_const_v<R>)
      item.other.emplace_back(std::move(key), value);
    else
      item.other.emplace_back(std::move(key), std::move(value));
  }
  return item;
}

bool atom_safe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
}

}  // namespace

Result<InternalDate> parse_internal_date(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorScope::item, std::string(errors::bad_date),
                      "bad INTERNALDATE \"" + std::string(text.substr(0, 40)) + "\"");
  };
  std::size_t pos = 0;
  if (!text.empty() && text[0] == ' ') pos = 1;
  int day = 0;
  std::size_t day_digits = (pos + 1 < text.size() && text[pos + 1] == '-') ? 1 : 2;
  if (!digits(text, pos, day_digits, day)) return bad();
  pos += day_digits;
  if (pos + 4 > text.size() || text[pos] != '-') return bad();
  static constexpr std::array<std::string_view, 12> kMonths = {
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  unsigned month = 0;
  const std::string_view month_text = text.substr(pos + 1, 3);
  for (unsigned m = 0; m < 12; ++m)
    if (ascii::iequals(month_text, kMonths[m])) month = m + 1;
  if (month == 0) return bad();
  pos += 4;
  int year = 0, hour = 0, minute = 0, second = 0, zone_h = 0, zone_m = 0;
  // "-1996 02:44:25 -0700"
  if (text.size() != pos + 20 || text[pos] != '-' || !digits(text, pos + 1, 4, year) ||
      text[pos + 5] != ' ' || !digits(text, pos + 6, 2, hour) || text[pos + 8] != ':' ||
      !digits(text, pos + 9, 2, minute) || text[pos + 11] != ':' ||
      !digits(text, pos + 12, 2, second) || text[pos + 14] != ' ' ||
      (text[pos + 15] != '+' && text[pos + 15] != '-') || !digits(text, pos + 16, 2, zone_h) ||
      !digits(text, pos + 18, 2, zone_m))
    return bad();
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap) || hour > 23 ||
      minute > 59 || second > 60 || zone_m > 59)
    return bad();
  const int offset = (zone_h * 60 + zone_m) * (text[pos + 15] == '-' ? -1 : 1);
  InternalDate date;
  date.utc_offset_minutes = offset;
  const std::chrono::sys_days civil{std::chrono::year{year} / month / day};
  date.utc_seconds = std::int64_t{civil.time_since_epoch().count()} * 86400 + hour * 3600 +
                     minute * 60 + second - offset * 60;
  return date;
}

std::string normalise_section(std::string_view section) {
  std::string out;
  out.reserve(section.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < section.size(); ++i) {
    const char c = section[i];
    if (c == ' ' || c == '\t') {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty() && out.back() != '(' && c != ')') out += ' ';
    pending_space = false;
    if (c != '"') {
      out += ascii::to_upper(c);
      continue;
    }
    std::string content;
    std::size_t j = i + 1;
    for (; j < section.size() && section[j] != '"'; ++j) {
      if (section[j] == '\\' && j + 1 < section.size()) ++j;
      content += ascii::to_upper(section[j]);
    }
    i = j;  // at the closing quote (or the end)
    bool plain = !content.empty();
    for (char k : content) plain = plain && atom_safe(k);
    if (plain) {
      out += content;
    } else {
      out += '"';
      for (char k : content) {
        if (k == '"' || k == '\\') out += '\\';
        out += k;
      }
      out += '"';
    }
  }
  return out;
}

const std::string* FetchItem::body_section(std::string_view section) const {
  auto it = body_sections.find(normalise_section(section));
  return it == body_sections.end() ? nullptr : &it->second;
}

Result<FetchItem> parse_fetch(const Response& response) {
  return decode_fetch(response);
}
Result<FetchItem> parse_fetch(Response&& response) {
  return decode_fetch(response);
}

}  // namespace nachfass::imap
