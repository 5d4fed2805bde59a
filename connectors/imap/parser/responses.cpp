#include "imap/parser/responses.hpp"
#include "core/ascii.hpp"

#include <algorithm>

#include "imap/parser/errors.hpp"
#include "imap/parser/mailbox_name.hpp"

namespace nachfass::imap {

namespace {

Error wrong(std::string_view expected) {
  return make_error(ErrorScope::item, std::string(errors::wrong_response),
                    "expected " + std::string(expected) + " response");
}

Error bad(std::string_view id, std::string_view what) {
  return make_error(ErrorScope::item, std::string(id),
                    "malformed IMAP response: " + std::string(what));
}

std::optional<std::uint32_t> number32(const Value& value, bool nonzero) {
  if (!value.is_number() || value.number() > UINT32_MAX || (nonzero && value.number() == 0))
    return std::nullopt;
  return static_cast<std::uint32_t>(value.number());
}

std::optional<std::uint64_t> modseq(const Value& value) {
  if (!value.is_number() || value.number() > static_cast<std::uint64_t>(INT64_MAX))
    return std::nullopt;
  return value.number();
}

// A flag list: atoms such as \Seen, $Forwarded, \*.
std::optional<std::vector<std::string>> flag_list(const Value& value) {
  if (!value.is_list()) return std::nullopt;
  std::vector<std::string> flags;
  for (const Value& flag : value.items()) {
    if (!flag.is_astring() || flag.is_string()) return std::nullopt;
    flags.emplace_back(flag.text());
  }
  return flags;
}

// The text of a sequence-set value: "5" comes as a number, "1:3,5" as an atom.
std::optional<std::string_view> set_text(const Value& value) {
  if (!value.is_number() && !(value.is_atom() && !value.has_section())) return std::nullopt;
  return value.text();
}

// astring as a mailbox name, including the odd atom that looks like a section (BODY[x]).
std::string mailbox_text(const Value& value) {
  if (value.is_atom() && value.has_section()) return to_wire(value);
  return std::string(value.text());
}

std::string decoded_name(const std::string& raw) {
  if (ascii::iequals(raw, "INBOX")) return "INBOX";
  if (std::any_of(raw.begin(), raw.end(), [](char c) { return (c & 0x80) != 0; })) return raw;
  auto decoded = decode_mailbox_name(raw);
  return decoded ? std::move(*decoded) : raw;
}

std::vector<std::string> atoms_upper(const std::vector<Value>& values, bool& ok) {
  std::vector<std::string> names;
  names.reserve(values.size());
  ok = true;
  for (const Value& value : values) {
    if (!value.is_astring() || value.is_string()) {
      ok = false;
      return names;
    }
    names.push_back(ascii::upper(value.text()));
  }
  return names;
}

}  // namespace

bool Capabilities::has(std::string_view name) const {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return ascii::iequals(n, name); });
}

std::vector<std::string> Capabilities::auth_mechanisms() const {
  std::vector<std::string> out;
  for (const std::string& n : names)
    if (n.size() > 5 && n.compare(0, 5, "AUTH=") == 0) out.push_back(n.substr(5));
  return out;
}

Result<Capabilities> parse_capabilities(const Response& response) {
  const std::vector<Value>* values = nullptr;
  if (response.is_data("CAPABILITY"))
    values = &response.data;
  else if (response.is_status() && response.code && response.code->name == "CAPABILITY")
    values = &response.code->args;
  else
    return wrong("a CAPABILITY");
  if (values->empty() && response.code && !response.code->text.empty())
    return bad(errors::bad_capability, "[CAPABILITY] arguments are not atoms");
  bool ok = true;
  Capabilities caps;
  caps.names = atoms_upper(*values, ok);
  if (!ok) return bad(errors::bad_capability, "a capability is not an atom");
  return caps;
}

Result<std::vector<std::string>> parse_enabled(const Response& response) {
  if (!response.is_data("ENABLED")) return wrong("an ENABLED");
  bool ok = true;
  auto names = atoms_upper(response.data, ok);
  if (!ok) return bad(errors::bad_capability, "an enabled extension is not an atom");
  return names;
}

bool ListEntry::has_attribute(std::string_view attribute) const {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const std::string& a) { return ascii::iequals(a, attribute); });
}

bool ListEntry::selectable() const {
  return !has_attribute("\\Noselect") && !has_attribute("\\NonExistent");
}

SpecialUse ListEntry::special_use() const {
  static constexpr std::pair<std::string_view, SpecialUse> kUses[] = {
      {"\\Sent", SpecialUse::sent},       {"\\Drafts", SpecialUse::drafts},
      {"\\Trash", SpecialUse::trash},     {"\\Junk", SpecialUse::junk},
      {"\\Archive", SpecialUse::archive}, {"\\All", SpecialUse::all},
      {"\\Flagged", SpecialUse::flagged},
  };
  for (const auto& [attribute, use] : kUses)
    if (has_attribute(attribute)) return use;
  return SpecialUse::none;
}

Result<ListEntry> parse_list(const Response& response) {
  ListEntry entry;
  if (response.is_data("LSUB"))
    entry.lsub = true;
  else if (!response.is_data("LIST"))
    return wrong("a LIST or LSUB");
  const auto& d = response.data;
  if (d.size() < 3) return bad(errors::bad_list, "LIST needs attributes, delimiter and name");
  auto attributes = flag_list(d[0]);
  if (!attributes) return bad(errors::bad_list, "LIST attributes are not a list of atoms");
  entry.attributes = std::move(*attributes);
  if (d[1].is_string() && d[1].text().size() == 1)
    entry.delimiter = d[1].text()[0];
  else if (!d[1].is_nil())
    return bad(errors::bad_list, "LIST delimiter is neither one character nor NIL");
  if (!d[2].is_astring() && !(d[2].is_atom() && d[2].has_section()))
    return bad(errors::bad_list, "LIST mailbox name is not a string");
  entry.raw_name = mailbox_text(d[2]);
  entry.name = decoded_name(entry.raw_name);
  entry.extended.assign(d.begin() + 3, d.end());
  return entry;
}

Result<MailboxStatus> parse_status(const Response& response) {
  if (!response.is_data("STATUS")) return wrong("a STATUS");
  const auto& d = response.data;
  if (d.size() != 2 || !(d[0].is_astring() || (d[0].is_atom() && d[0].has_section())) ||
      !d[1].is_list() || d[1].items().size() % 2 != 0)
    return bad(errors::bad_status, "STATUS needs a mailbox name and a list of pairs");
  MailboxStatus status;
  status.raw_name = mailbox_text(d[0]);
  status.name = decoded_name(status.raw_name);
  const auto& items = d[1].items();
  for (std::size_t i = 0; i < items.size(); i += 2) {
    const Value& name = items[i];
    const Value& value = items[i + 1];
    if (!name.is_atom()) return bad(errors::bad_status, "STATUS item name is not an atom");
    const std::string_view n = name.text();
    std::optional<std::uint32_t>* target32 = nullptr;
    if (ascii::iequals(n, "MESSAGES")) target32 = &status.messages;
    if (ascii::iequals(n, "RECENT")) target32 = &status.recent;
    if (ascii::iequals(n, "UIDNEXT")) target32 = &status.uidnext;
    if (ascii::iequals(n, "UIDVALIDITY")) target32 = &status.uidvalidity;
    if (ascii::iequals(n, "UNSEEN")) target32 = &status.unseen;
    if (target32 != nullptr) {
      *target32 = number32(value, false);
      if (!*target32) return bad(errors::bad_status, "STATUS " + std::string(n) + " out of range");
      continue;
    }
    std::optional<std::uint64_t>* target64 = nullptr;
    if (ascii::iequals(n, "HIGHESTMODSEQ")) target64 = &status.highestmodseq;
    if (ascii::iequals(n, "SIZE")) target64 = &status.size;
    if (target64 != nullptr) {
      *target64 = modseq(value);
      if (!*target64) return bad(errors::bad_status, "STATUS " + std::string(n) + " out of range");
    }
  }
  return status;
}

Result<bool> SelectSummary::apply(const Response& response) {
  if (response.is_untagged() && response.number && !response.is_status()) {
    if (response.keyword == "EXISTS") {
      exists = *response.number;
      return true;
    }
    if (response.keyword == "RECENT") {
      recent = *response.number;
      return true;
    }
    return false;
  }
  if (response.is_data("FLAGS")) {
    auto list = response.data.size() == 1 ? flag_list(response.data[0]) : std::nullopt;
    if (!list) return bad(errors::bad_status, "FLAGS is not a list of flags");
    flags = std::move(*list);
    return true;
  }
  if (!response.is_status() || !response.code) return false;
  if (response.status != Status::ok) return false;
  const ResponseCode& code = *response.code;
  auto code32 = [&](std::optional<std::uint32_t>& target, bool nonzero) -> Result<bool> {
    if (code.args.size() != 1 || !number32(code.args[0], nonzero))
      return bad(errors::bad_response_code, "[" + code.name + "] needs a 32-bit number");
    target = number32(code.args[0], nonzero);
    return true;
  };
  if (code.name == "UIDVALIDITY") return code32(uidvalidity, true);
  if (code.name == "UIDNEXT") return code32(uidnext, true);
  if (code.name == "UNSEEN") return code32(unseen, true);
  if (code.name == "HIGHESTMODSEQ") {
    if (code.args.size() != 1 || !modseq(code.args[0]))
      return bad(errors::bad_response_code, "[HIGHESTMODSEQ] needs a number");
    highestmodseq = modseq(code.args[0]);
    return true;
  }
  if (code.name == "NOMODSEQ") {
    nomodseq = true;
    return true;
  }
  if (code.name == "PERMANENTFLAGS") {
    auto list = code.args.size() == 1 ? flag_list(code.args[0]) : std::nullopt;
    if (!list) return bad(errors::bad_response_code, "[PERMANENTFLAGS] needs a list of flags");
    permanent_flags = std::move(*list);
    return true;
  }
  if (code.name == "READ-ONLY" || code.name == "READ-WRITE") {
    read_only = code.name == "READ-ONLY";
    return true;
  }
  return false;
}

Result<SearchResult> parse_search(const Response& response) {
  SearchResult result;
  if (response.is_data("SEARCH")) {
    std::vector<std::uint32_t> numbers;
    numbers.reserve(response.data.size());
    for (std::size_t i = 0; i < response.data.size(); ++i) {
      const Value& value = response.data[i];
      // RFC 7162 3.1.5: "* SEARCH 2 5 6 (MODSEQ 917162500)" - the list comes last.
      if (value.is_list() && i + 1 == response.data.size()) {
        if (value.items().size() != 2 || !value.items()[0].is_atom("MODSEQ") ||
            !modseq(value.items()[1]))
          return bad(errors::bad_search, "SEARCH ends in a list that is not (MODSEQ n)");
        result.modseq = modseq(value.items()[1]);
        continue;
      }
      auto number = number32(value, true);
      if (!number) return bad(errors::bad_search, "SEARCH result is not a number");
      numbers.push_back(*number);
    }
    result.all = SequenceSet::from(std::move(numbers));
    return result;
  }
  if (!response.is_data("ESEARCH")) return wrong("a SEARCH or ESEARCH");
  result.esearch = true;
  const auto& d = response.data;
  std::size_t i = 0;
  if (i < d.size() && d[i].is_list()) {
    const auto& correlator = d[i].items();
    if (correlator.size() != 2 || !correlator[0].is_atom("TAG") || !correlator[1].is_astring())
      return bad(errors::bad_search, "ESEARCH correlator is not (TAG \"tag\")");
    result.tag = std::string(correlator[1].text());
    ++i;
  }
  if (i < d.size() && d[i].is_atom("UID")) {
    result.uid = true;
    ++i;
  }
  for (; i < d.size(); i += 2) {
    if (!d[i].is_atom() || i + 1 >= d.size())
      return bad(errors::bad_search, "ESEARCH return data is not name-value pairs");
    const Value& name = d[i];
    const Value& value = d[i + 1];
    if (name.is_atom("MIN") || name.is_atom("MAX")) {
      auto number = number32(value, true);
      if (!number) return bad(errors::bad_search, "ESEARCH MIN/MAX is not a number");
      (name.is_atom("MIN") ? result.min : result.max) = *number;
    } else if (name.is_atom("COUNT")) {
      result.count = number32(value, false);
      if (!result.count) return bad(errors::bad_search, "ESEARCH COUNT is not a number");
    } else if (name.is_atom("ALL")) {
      auto text = set_text(value);
      auto set = text ? SequenceSet::parse(*text) : Result<SequenceSet>(SequenceSet());
      if (!text || !set || text->find('*') != std::string_view::npos)
        return bad(errors::bad_search, "ESEARCH ALL is not a sequence set");
      result.all = std::move(*set);
    } else if (name.is_atom("MODSEQ")) {
      result.modseq = modseq(value);
      if (!result.modseq) return bad(errors::bad_search, "ESEARCH MODSEQ is not a number");
    }
    // Other search-return-data (RFC 4466 search-ret-data-ext) is one value: skipped.
  }
  return result;
}

Result<Vanished> parse_vanished(const Response& response) {
  if (!response.is_data("VANISHED")) return wrong("a VANISHED");
  const auto& d = response.data;
  Vanished vanished;
  std::size_t i = 0;
  if (!d.empty() && d[0].is_list()) {
    if (d[0].items().size() != 1 || !d[0].items()[0].is_atom("EARLIER"))
      return bad(errors::bad_vanished, "VANISHED modifier is not (EARLIER)");
    vanished.earlier = true;
    i = 1;
  }
  if (d.size() != i + 1) return bad(errors::bad_vanished, "VANISHED needs one UID set");
  auto text = set_text(d[i]);
  if (!text || text->find('*') != std::string_view::npos)
    return bad(errors::bad_vanished, "VANISHED UIDs are not a UID set");
  auto set = SequenceSet::parse(*text);
  if (!set) return bad(errors::bad_vanished, set.error().message);
  vanished.uids = std::move(*set);
  return vanished;
}

Result<AppendUid> parse_appenduid(const Response& response) {
  if (!response.is_status() || !response.code || response.code->name != "APPENDUID")
    return wrong("an [APPENDUID] status");
  const auto& args = response.code->args;
  const auto validity = args.size() == 2 ? number32(args[0], true) : std::nullopt;
  const auto text = args.size() == 2 ? set_text(args[1]) : std::nullopt;
  if (!validity || !text || text->find('*') != std::string_view::npos)
    return bad(errors::bad_response_code, "[APPENDUID] needs a UIDVALIDITY and a UID set");
  auto set = SequenceSet::parse(*text);
  if (!set) return bad(errors::bad_response_code, set.error().message);
  return AppendUid{*validity, std::move(*set)};
}

Result<CopyUid> parse_copyuid(const Response& response) {
  if (!response.is_status() || !response.code || response.code->name != "COPYUID")
    return wrong("a [COPYUID] status");
  const auto& args = response.code->args;
  const auto validity = args.size() == 3 ? number32(args[0], true) : std::nullopt;
  const auto source_text = args.size() == 3 ? set_text(args[1]) : std::nullopt;
  const auto dest_text = args.size() == 3 ? set_text(args[2]) : std::nullopt;
  if (!validity || !source_text || !dest_text || source_text->find('*') != std::string_view::npos ||
      dest_text->find('*') != std::string_view::npos)
    return bad(errors::bad_response_code, "[COPYUID] needs a UIDVALIDITY and two UID sets");
  auto source = SequenceSet::parse_ranges(*source_text);
  auto dest = SequenceSet::parse_ranges(*dest_text);
  if (!source || !dest) return bad(errors::bad_response_code, "[COPYUID] has a bad UID set");
  auto count = [](const std::vector<SequenceSet::Range>& ranges) {
    std::uint64_t total = 0;
    for (const auto& r : ranges) total += static_cast<std::uint64_t>(r.last) - r.first + 1;
    return total;
  };
  if (count(*source) != count(*dest))
    return bad(errors::bad_response_code, "[COPYUID] source and destination differ in size");
  return CopyUid{*validity, std::move(*source), std::move(*dest)};
}

std::optional<std::uint32_t> CopyUid::destination_for(std::uint32_t source_uid) const {
  std::uint64_t index = 0;
  bool found = false;
  for (const auto& r : source) {
    if (source_uid >= r.first && source_uid <= r.last) {
      index += source_uid - r.first;
      found = true;
      break;
    }
    index += static_cast<std::uint64_t>(r.last) - r.first + 1;
  }
  if (!found) return std::nullopt;
  for (const auto& r : destination) {
    const std::uint64_t size = static_cast<std::uint64_t>(r.last) - r.first + 1;
    if (index < size) return static_cast<std::uint32_t>(r.first + index);
    index -= size;
  }
  return std::nullopt;
}

}  // namespace nachfass::imap
