#include "mime/header_parser.hpp"

#include "core/ascii.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "core/classify.hpp"

namespace nachfass::mime {

namespace {

// Messages dated this long after their delivery are taken to have a wrong clock.
constexpr UnixSeconds max_future_skew = UnixSeconds{24} * 3600;
// Before this (1990-01-01) a Date header is junk (epoch 0 from broken clients).
constexpr UnixSeconds earliest_plausible_date = 631152000;

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object) g_object_unref(object);
  }
};
template <class T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* options) const { g_mime_parser_options_free(options); }
};

GMimeParserOptions* parser_options() {
  // GMime must be initialised once per process; its options object is then read-only.
  static std::once_flag once;
  static GMimeParserOptions* options = nullptr;
  std::call_once(once, [] {
    g_mime_init();
    options = g_mime_parser_options_new();
    // Real mail: undeclared 8-bit headers are most often UTF-8, else Windows-1252 (Outlook),
    // which is a superset of ISO-8859-1 for printable text.
    static const char* fallback[] = {"UTF-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(options, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  });
  return options;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  return text;
}

// Message-IDs are compared as opaque strings; strip what clients wrap around them.
std::string clean_id(std::string_view id) {
  std::string_view v = trim(id);
  if (!v.empty() && v.front() == '<') v.remove_prefix(1);
  if (!v.empty() && v.back() == '>') v.remove_suffix(1);
  v = trim(v);
  // An id with whitespace or control characters inside is not usable as a key.
  if (std::any_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; }))
    return {};
  return std::string(v);
}

std::string header(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_header(object, name);
  return value ? std::string(trim(value)) : std::string();
}

// GMime hands out malloc'ed strings; NULL becomes "".
std::string take_gstring(char* text) {
  std::string out = text ? text : "";
  g_free(text);
  return out;
}

std::vector<std::string> parse_id_list(const std::string& value) {
  std::vector<std::string> ids;
  if (value.empty()) return ids;
  GMimeReferences* refs = g_mime_references_parse(parser_options(), value.c_str());
  if (!refs) return ids;
  const int count = g_mime_references_length(refs);
  ids.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const char* raw_id = g_mime_references_get_message_id(refs, i);
    std::string id = clean_id(raw_id ? raw_id : "");
    if (!id.empty()) ids.push_back(std::move(id));
  }
  g_mime_references_free(refs);
  return ids;
}

std::string decode_text(const std::string& raw) {
  if (raw.empty()) return {};
  return take_gstring(g_mime_utils_header_decode_text(parser_options(), raw.c_str()));
}

// One parsed mailbox; an entry without '@' ("undisclosed-recipients") is a name, not an address.
void add_address(std::string_view addr, std::string_view name, std::vector<Address>& out) {
  Address a{ascii::lower(trim(addr)), std::string(trim(name))};
  if (a.email.find('@') == std::string::npos && !a.email.empty()) {
    if (a.name.empty()) a.name = a.email;
    a.email.clear();
  }
  if (!a.email.empty() || !a.name.empty()) out.push_back(std::move(a));
}

// Flattens groups; keeps entries without a usable address only when they carry a name.
void append_addresses(InternetAddressList* list, std::vector<Address>& out) {
  if (!list) return;
  const int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      append_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out);
      continue;
    }
    if (!INTERNET_ADDRESS_IS_MAILBOX(address)) continue;
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
    const char* name = internet_address_get_name(address);
    add_address(addr ? addr : "", name ? name : "", out);
  }
}

// Replaces anything that is not valid UTF-8 with U+FFFD, so downstream JSON and SQLite never see
// broken text (GMime's fallback charsets make this rare, but a lying charset label can still
// produce junk).
std::string valid_utf8(std::string text) {
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) return text;
  gchar* fixed = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string out = fixed;
  g_free(fixed);
  return out;
}

// GMime 3.2 joins adjacent encoded words of one charset before decoding them (so that a
// character split across two words survives), and with base64 that join breaks: a word that
// ends in '=' padding swallows every word after it ("=?UTF-8?B?UmU6IA==?= =?UTF-8?B?4oCT?="
// decodes to "Re: "). Gmail and Outlook write such splits. Rewriting each base64 word as the
// same bytes in Q encoding is lossless and leaves GMime's joining intact.
void rewrite_base64_words(std::string& block) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t start = block.find("=?"); start != std::string::npos;
       start = block.find("=?", start + 2)) {
    const std::size_t q1 = block.find('?', start + 2);
    if (q1 == std::string::npos || q1 + 2 >= block.size() || block[q1 + 2] != '?') continue;
    const char encoding = block[q1 + 1];
    if (encoding != 'B' && encoding != 'b') continue;
    const std::size_t end = block.find("?=", q1 + 3);
    if (end == std::string::npos) break;
    const std::string_view charset(block.data() + start + 2, q1 - start - 2);
    const std::string payload = block.substr(q1 + 3, end - q1 - 3);
    // An encoded word never spans lines or holds spaces; anything else is not one.
    if (charset.empty() || payload.find_first_of(" \t\r\n") != std::string::npos) continue;
    gsize length = 0;
    guchar* bytes = g_base64_decode(payload.c_str(), &length);
    out.append(block, copied, start - copied);
    out += "=?";
    out += charset;
    out += "?Q?";
    static constexpr char hex[] = "0123456789ABCDEF";
    for (gsize i = 0; i < length; ++i) {
      const unsigned char c = bytes[i];
      if (g_ascii_isalnum(c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/') {
        out += static_cast<char>(c);
      } else {
        out += '=';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    out += "?=";
    g_free(bytes);
    copied = end + 2;
    start = end;
  }
  if (copied == 0) return;
  out.append(block, copied, std::string::npos);
  block = std::move(out);
}

// Folding whitespace that survives decoding ("Anna\n Vogel") and control characters become one
// space each; runs of spaces collapse.
std::string unfold(std::string text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    const bool blank =
        c == ' ' || c == '\t' || c == '\r' || c == '\n' || (static_cast<unsigned char>(c) < 0x20);
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// What both paths take from the header block, in GMime's terms, before the normalisation that
// turns it into a Message (assemble()).
struct Extracted {
  std::string message_id;         // g_mime_message_get_message_id(), "" for none
  std::string message_id_header;  // the Message-ID header's value, trimmed
  std::vector<std::string> in_reply_to, references;
  std::string subject;  // decoded, not yet unfolded
  std::vector<Address> from, to, cc;
  std::optional<std::pair<UnixSeconds, std::int16_t>> date;  // UTC seconds, offset in minutes
  std::string date_header;
  std::string thread_index, thread_topic;  // header values; thread_topic is decoded once more
  std::string auto_submitted, x_autoreply, x_autorespond, suppress, rules_loop, precedence, list_id,
      list_unsubscribe, content_type;
};

std::optional<std::pair<UnixSeconds, std::int16_t>> date_parts(GDateTime* date) {
  if (!date) return std::nullopt;
  return std::pair{
      UnixSeconds{g_date_time_to_unix(date)},
      static_cast<std::int16_t>(g_date_time_get_utc_offset(date) / G_TIME_SPAN_MINUTE)};
}

Message assemble(Extracted&& e, const ParseContext& context,
                 const std::function<void(std::string)>& warn) {
  Message m;
  m.source_id = context.source_id;
  m.folder = context.folder;
  m.folder_role = context.folder_role;
  m.message_id = clean_id(e.message_id);
  if (m.message_id.empty() && !e.message_id_header.empty())
    warn("unusable Message-ID header ignored");
  if (!e.in_reply_to.empty()) m.in_reply_to = std::move(e.in_reply_to.front());
  m.references = std::move(e.references);
  m.subject = unfold(valid_utf8(std::move(e.subject)));
  if (!e.from.empty()) m.from = std::move(e.from.front());
  m.to = std::move(e.to);
  m.cc = std::move(e.cc);
  for (auto* list : {&m.to, &m.cc})
    for (Address& a : *list) a.name = unfold(valid_utf8(std::move(a.name)));
  m.from.name = unfold(valid_utf8(std::move(m.from.name)));

  const bool have_delivery = context.delivery_time > earliest_plausible_date;
  if (e.date) {
    m.date = e.date->first;
    m.utc_offset_minutes = e.date->second;
    if (m.date < earliest_plausible_date ||
        (have_delivery && m.date > context.delivery_time + max_future_skew)) {
      warn("implausible Date header \"" + e.date_header + "\"; using the delivery time");
      m.date = context.delivery_time;
      m.utc_offset_minutes = 0;
      m.date_from_header = false;
    }
  } else {
    if (!e.date_header.empty())
      warn("unparseable Date header \"" + e.date_header + "\"; using the delivery time");
    m.date = context.delivery_time;
    m.date_from_header = false;
  }

  m.thread_index = std::move(e.thread_index);
  m.thread_topic = unfold(valid_utf8(decode_text(e.thread_topic)));
  AutomationHeaders automation{e.auto_submitted, e.x_autoreply,      e.x_autorespond,
                               e.suppress,       e.rules_loop,       e.precedence,
                               e.list_id,        e.list_unsubscribe, e.content_type};
  m.automation = classify_automation(automation, m.from.email, m.subject);
  return m;
}

// The reference path: GMime builds the whole message object.
Result<Extracted> extract_with_gmime(std::string& block, std::size_t length,
                                     const ParseContext& context) {
  // GMime wants a complete message; give it the header and an empty body.
  if (length == std::string_view::npos) block += block.ends_with('\n') ? "\n" : "\n\n";
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(block.data(), block.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), parser_options()));
  if (!message)
    return make_error(ErrorScope::item, "mime.unparseable",
                      context.source_id + ": not an RFC 5322 message header");
  GMimeObject* object = GMIME_OBJECT(message.get());

  Extracted e;
  const char* message_id = g_mime_message_get_message_id(message.get());
  e.message_id = message_id ? message_id : "";
  e.message_id_header = header(object, "Message-ID");
  e.in_reply_to = parse_id_list(header(object, "In-Reply-To"));
  e.references = parse_id_list(header(object, "References"));
  const char* subject = g_mime_message_get_subject(message.get());
  e.subject = subject ? subject : "";
  append_addresses(g_mime_message_get_from(message.get()), e.from);
  if (e.from.empty()) append_addresses(g_mime_message_get_sender(message.get()), e.from);
  append_addresses(g_mime_message_get_addresses(message.get(), GMIME_ADDRESS_TYPE_TO), e.to);
  append_addresses(g_mime_message_get_addresses(message.get(), GMIME_ADDRESS_TYPE_CC), e.cc);
  e.date = date_parts(g_mime_message_get_date(message.get()));  // owned by the message
  e.date_header = header(object, "Date");
  e.thread_index = header(object, "Thread-Index");
  e.thread_topic = header(object, "Thread-Topic");
  e.auto_submitted = header(object, "Auto-Submitted");
  e.x_autoreply = header(object, "X-Autoreply");
  e.x_autorespond = header(object, "X-Autorespond");
  e.suppress = header(object, "X-Auto-Response-Suppress");
  e.rules_loop = header(object, "X-MS-Exchange-Inbox-Rules-Loop");
  e.precedence = header(object, "Precedence");
  e.list_id = header(object, "List-Id");
  e.list_unsubscribe = header(object, "List-Unsubscribe");
  // GMime 3 moves Content-* headers to the message's MIME part.
  e.content_type = header(object, "Content-Type");
  if (GMimeObject* part = g_mime_message_get_mime_part(message.get());
      e.content_type.empty() && part) {
    char* mime_type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
    if (mime_type) e.content_type = mime_type;
    g_free(mime_type);
  }
  return e;
}

// ---- The fast path: the same answers as GMime's message parser for the common shapes of
// header, at a fraction of the cost (no GObject per message, header and address). Anything
// unusual goes to GMime: the whole block when its structure is, one field when its value is.

enum Field : std::size_t {
  field_from,
  field_sender,
  field_to,
  field_cc,
  field_subject,
  field_date,
  field_message_id,
  field_in_reply_to,
  field_references,
  field_thread_index,
  field_thread_topic,
  field_auto_submitted,
  field_x_autoreply,
  field_x_autorespond,
  field_suppress,
  field_rules_loop,
  field_precedence,
  field_list_id,
  field_list_unsubscribe,
  field_content_type,
  field_count
};

constexpr std::array<std::string_view, field_count> field_names = {"From",
                                                                   "Sender",
                                                                   "To",
                                                                   "Cc",
                                                                   "Subject",
                                                                   "Date",
                                                                   "Message-ID",
                                                                   "In-Reply-To",
                                                                   "References",
                                                                   "Thread-Index",
                                                                   "Thread-Topic",
                                                                   "Auto-Submitted",
                                                                   "X-Autoreply",
                                                                   "X-Autorespond",
                                                                   "X-Auto-Response-Suppress",
                                                                   "X-MS-Exchange-Inbox-Rules-Loop",
                                                                   "Precedence",
                                                                   "List-Id",
                                                                   "List-Unsubscribe",
                                                                   "Content-Type"};

// Raw values (after the colon, folds included, without the final line break) of the fields read.
struct RawFields {
  std::array<std::optional<std::string_view>, field_count> value;
};

char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::optional<Field> field_of(std::string_view name) {
  for (std::size_t i = 0; i < field_count; ++i) {
    const std::string_view candidate = field_names[i];
    if (candidate.size() == name.size() &&
        std::equal(name.begin(), name.end(), candidate.begin(),
                   [](char a, char b) { return lower_ascii(a) == lower_ascii(b); }))
      return static_cast<Field>(i);
  }
  return std::nullopt;
}

// Splits the header block when every line is "Name: value" (a name of printable ASCII right
// before the colon) or a folded continuation, CR appears only before LF, and none of the fields
// read occurs twice (GMime joins repeated address fields and keeps the last Subject). nullopt
// otherwise: GMime's parser decides what such a block means.
std::optional<RawFields> split_fields(std::string_view block) {
  RawFields fields;
  bool in_field = false;
  std::optional<Field> current;
  std::size_t value_start = 0;
  std::size_t pos = 0;
  while (pos < block.size()) {
    const std::size_t eol = block.find('\n', pos);
    const std::size_t line_end = eol == std::string_view::npos ? block.size() : eol;
    std::string_view line = block.substr(pos, line_end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.find('\r') != std::string_view::npos) return std::nullopt;
    const std::size_t content_end = pos + line.size();
    if (line.front() == ' ' || line.front() == '\t') {
      if (!in_field || trim(line).empty()) return std::nullopt;
      if (current) fields.value[*current] = block.substr(value_start, content_end - value_start);
    } else {
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return std::nullopt;
      const std::string_view name = line.substr(0, colon);
      if (std::any_of(name.begin(), name.end(), [](char c) { return c < '!' || c > '~'; }))
        return std::nullopt;
      in_field = true;
      current = field_of(name);
      if (current) {
        if (fields.value[*current]) return std::nullopt;
        value_start = pos + colon + 1;
        fields.value[*current] = block.substr(value_start, content_end - value_start);
      }
    }
    pos = line_end + 1;
  }
  return fields;
}

bool is_lwsp(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Printable ASCII, folding whitespace and no encoded word: GMime's decoding leaves such a value
// as it is.
bool is_plain(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x7f || (u < 0x20 && !is_lwsp(c))) return false;
  }
  return value.find("=?") == std::string_view::npos;
}

// g_mime_header_get_value(): the raw value unfolded (outer whitespace and line breaks removed),
// then RFC 2047-decoded.
std::string field_value(std::string_view raw) {
  if (!is_plain(raw)) {
    const std::string unfolded = take_gstring(g_mime_utils_header_unfold(std::string(raw).c_str()));
    return take_gstring(g_mime_utils_header_decode_text(parser_options(), unfolded.c_str()));
  }
  while (!raw.empty() && is_lwsp(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_lwsp(raw.back())) raw.remove_suffix(1);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw)
    if (c != '\r' && c != '\n') out += c;
  return out;
}

bool is_atext(char c) {
  return g_ascii_isalnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// "a.b.c" of atext runs: no empty run, no leading, trailing or doubled dot.
bool is_dot_atom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = 0;
  for (char c : text) {
    if (c == '.' ? previous == '.' : !is_atext(c)) return false;
    previous = c;
  }
  return true;
}

// A host name of letters, digits and hyphens; no IDN (GMime converts "xn--" labels).
bool is_plain_domain(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = 0;
  for (char c : text) {
    if (c == '.' ? previous == '.' : !(g_ascii_isalnum(c) || c == '-')) return false;
    previous = c;
  }
  constexpr std::string_view punycode = "xn--";
  return std::search(text.begin(), text.end(), punycode.begin(), punycode.end(),
                     [](char a, char b) { return lower_ascii(a) == b; }) == text.end();
}

bool is_simple_addr_spec(std::string_view text) {
  const std::size_t at = text.find('@');
  return at != std::string_view::npos && is_dot_atom(text.substr(0, at)) &&
         is_plain_domain(text.substr(at + 1));
}

// "<local@host>": what GMime's msg-id decoder returns as "local@host".
std::optional<std::string_view> simple_msg_id(std::string_view token) {
  if (token.size() < 3 || token.front() != '<' || token.back() != '>') return std::nullopt;
  const std::string_view inner = token.substr(1, token.size() - 2);
  if (!is_simple_addr_spec(inner)) return std::nullopt;
  return inner;
}

// Message-ID: g_mime_utils_decode_message_id() of the value.
std::string message_id_of(const std::string& value) {
  if (auto id = simple_msg_id(trim(value))) return std::string(*id);
  return take_gstring(g_mime_utils_decode_message_id(value.c_str()));
}

// In-Reply-To, References: parse_id_list() of the trimmed value.
std::vector<std::string> id_list_of(const std::string& value) {
  std::vector<std::string> ids;
  std::string_view rest = value;
  while (true) {
    while (!rest.empty() && is_lwsp(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) return ids;
    std::size_t end = 0;
    while (end < rest.size() && !is_lwsp(rest[end])) ++end;
    const auto id = simple_msg_id(rest.substr(0, end));
    if (!id) return parse_id_list(value);
    ids.emplace_back(*id);
    rest.remove_prefix(end);
  }
}

// The display name as GMime's address parser makes it: unquoted, RFC 2047-decoded as a phrase,
// stripped.
std::string display_name(std::string_view text) {
  if (text.find("=?") == std::string_view::npos) return std::string(trim(text));
  return std::string(trim(take_gstring(
      g_mime_utils_header_decode_phrase(parser_options(), std::string(text).c_str()))));
}

// Address lists of the common shapes: `addr`, `Name <addr>`, `"Name" <addr>`, comma-separated,
// names of atoms and encoded words, plain addresses. false for anything else (groups, comments,
// routes, escapes, 8-bit text, empty entries); GMime parses that list then.
bool parse_simple_addresses(std::string_view raw, std::vector<Address>& out) {
  const std::size_t first = out.size();
  auto skip_lwsp = [&](std::size_t i) {
    while (i < raw.size() && is_lwsp(raw[i])) ++i;
    return i;
  };
  auto give_up = [&] {
    out.resize(first);
    return false;
  };
  std::size_t i = skip_lwsp(0);
  if (i == raw.size()) return true;
  for (;;) {
    std::string name;
    std::string_view addr;
    if (i < raw.size() && raw[i] == '"') {
      const std::size_t close = raw.find('"', i + 1);
      if (close == std::string_view::npos) return give_up();
      const std::string_view quoted = raw.substr(i + 1, close - i - 1);
      for (char c : quoted) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\\' || u >= 0x7f || (u < 0x20 && !is_lwsp(c))) return give_up();
      }
      name = display_name(quoted);
      i = skip_lwsp(close + 1);
      if (i == raw.size() || raw[i] != '<') return give_up();
    } else {
      std::size_t end = i;
      while (end < raw.size() && raw[end] != '<' && raw[end] != ',') ++end;
      const std::string_view segment = trim(raw.substr(i, end - i));
      if (end < raw.size() && raw[end] == '<') {
        for (char c : segment)
          if (!is_atext(c) && !is_lwsp(c)) return give_up();
        name = display_name(segment);
        i = end;
      } else {
        if (!is_simple_addr_spec(segment)) return give_up();
        addr = segment;
        i = end;
      }
    }
    if (addr.empty()) {
      // raw[i] == '<'
      const std::size_t close = raw.find('>', i + 1);
      if (close == std::string_view::npos) return give_up();
      addr = raw.substr(i + 1, close - i - 1);
      if (!is_simple_addr_spec(addr)) return give_up();
      i = skip_lwsp(close + 1);
    }
    add_address(addr, name, out);
    if (i == raw.size()) return true;
    if (raw[i] != ',') return give_up();
    i = skip_lwsp(i + 1);
    if (i == raw.size() || raw[i] == ',') return give_up();
  }
}


// nullopt: the block's structure is unusual, GMime's message parser decides.
std::optional<Extracted> extract_fast(std::string_view block) {
  // Control characters, and undeclared 8-bit text that is not UTF-8 (GMime's message parser
  // converts it with its fallback charsets before it parses addresses; its parts alone would
  // not): GMime's message parser decides. Real mail has neither often.
  for (const char c : block) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\r' && c != '\n') || byte == 0x7f) return std::nullopt;
  }
  if (!g_utf8_validate(block.data(), static_cast<gssize>(block.size()), nullptr))
    return std::nullopt;
  auto fields = split_fields(block);
  if (!fields) return std::nullopt;
  auto value = [&](Field f) -> std::string {
    return fields->value[f] ? field_value(*fields->value[f]) : std::string();
  };
  Extracted e;
  // Only a delivery report's type matters downstream (classify_automation); GMime decides about
  // any Content-Type that could be one.
  if (const auto& type = fields->value[field_content_type]) {
    const std::string lowered = ascii::lower(*type);
    if (lowered.find("report") != std::string::npos) return std::nullopt;
    e.content_type = std::string(trim(value(field_content_type)));
  }
  if (fields->value[field_message_id]) {
    const std::string id = value(field_message_id);
    e.message_id = message_id_of(id);
    e.message_id_header = std::string(trim(id));
  }
  e.in_reply_to = id_list_of(std::string(trim(value(field_in_reply_to))));
  e.references = id_list_of(std::string(trim(value(field_references))));
  e.subject = value(field_subject);
  // Address lists the fast parser does not take (groups, comments, routes, broken encoded
  // words ...): GMime's message parser decides about the whole block, so that such a list is read
  // exactly as the reference reads it (its list parser alone differs in corner cases).
  if (fields->value[field_from] && !parse_simple_addresses(*fields->value[field_from], e.from))
    return std::nullopt;
  if (e.from.empty() && fields->value[field_sender] &&
      !parse_simple_addresses(*fields->value[field_sender], e.from))
    return std::nullopt;
  if (fields->value[field_to] && !parse_simple_addresses(*fields->value[field_to], e.to))
    return std::nullopt;
  if (fields->value[field_cc] && !parse_simple_addresses(*fields->value[field_cc], e.cc))
    return std::nullopt;
  if (fields->value[field_date]) {
    const std::string date = value(field_date);
    GDateTime* parsed = g_mime_utils_header_decode_date(date.c_str());
    e.date = date_parts(parsed);
    if (parsed) g_date_time_unref(parsed);
    e.date_header = std::string(trim(date));
  }
  auto trimmed = [&](Field f) { return std::string(trim(value(f))); };
  e.thread_index = trimmed(field_thread_index);
  e.thread_topic = trimmed(field_thread_topic);
  e.auto_submitted = trimmed(field_auto_submitted);
  e.x_autoreply = trimmed(field_x_autoreply);
  e.x_autorespond = trimmed(field_x_autorespond);
  e.suppress = trimmed(field_suppress);
  e.rules_loop = trimmed(field_rules_loop);
  e.precedence = trimmed(field_precedence);
  e.list_id = trimmed(field_list_id);
  e.list_unsubscribe = trimmed(field_list_unsubscribe);
  return e;
}

// The block as both paths see it; nullopt-free errors for an empty block.
Result<std::string> prepare_block(std::string_view raw, const ParseContext& context,
                                  std::size_t& length) {
  length = header_block_length(raw);
  std::string block(raw.substr(0, length == std::string_view::npos ? raw.size() : length));
  // Embedded NULs would end GMime's C strings early; they have no business in a header.
  std::replace(block.begin(), block.end(), '\0', ' ');
  rewrite_base64_words(block);
  if (trim(block).empty())
    return make_error(ErrorScope::item, "mime.empty", context.source_id + ": no mail header found");
  return block;
}

enum class Path { automatic, fast_only, gmime_only };

std::optional<Result<Message>> parse(std::string_view raw, const ParseContext& context,
                                     std::vector<std::string>* warnings, Path path) {
  const std::function<void(std::string)> warn = [&](std::string text) {
    if (warnings) warnings->push_back(context.source_id + ": " + std::move(text));
  };
  std::size_t length = 0;
  auto block = prepare_block(raw, context, length);
  if (!block) {
    if (path == Path::fast_only) return std::nullopt;
    return Result<Message>(block.error());
  }
  parser_options();  // GMime initialised, also for the fast path's helpers
  if (path != Path::gmime_only)
    if (auto fast = extract_fast(*block))
      return Result<Message>(assemble(std::move(*fast), context, warn));
  if (path == Path::fast_only) return std::nullopt;
  auto extracted = extract_with_gmime(*block, length, context);
  if (!extracted) return Result<Message>(extracted.error());
  return Result<Message>(assemble(std::move(*extracted), context, warn));
}

}  // namespace

std::size_t header_block_length(std::string_view raw) {
  // A header block ends at the first empty line (LF or CRLF line endings, or a mix).
  if (raw.starts_with("\n")) return 1;
  if (raw.starts_with("\r\n")) return 2;
  for (std::size_t i = raw.find('\n'); i != std::string_view::npos; i = raw.find('\n', i + 1)) {
    if (i + 1 < raw.size() && raw[i + 1] == '\n') return i + 2;
    if (i + 2 < raw.size() && raw[i + 1] == '\r' && raw[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

Result<Message> parse_message_headers(std::string_view raw, const ParseContext& context,
                                      std::vector<std::string>* warnings) {
  return *parse(raw, context, warnings, Path::automatic);
}

Result<Message> parse_message_headers_with_gmime(std::string_view raw, const ParseContext& context,
                                                 std::vector<std::string>* warnings) {
  return *parse(raw, context, warnings, Path::gmime_only);
}

std::optional<Result<Message>> parse_message_headers_fast(std::string_view raw,
                                                          const ParseContext& context,
                                                          std::vector<std::string>* warnings) {
  return parse(raw, context, warnings, Path::fast_only);
}

}  // namespace nachfass::mime
