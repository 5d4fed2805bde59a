#include "mime/header_parser.hpp"

#include "core/ascii.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

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
std::string clean_id(const char* id) {
  if (!id) return {};
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

std::vector<std::string> parse_id_list(const std::string& value) {
  std::vector<std::string> ids;
  if (value.empty()) return ids;
  GMimeReferences* refs = g_mime_references_parse(parser_options(), value.c_str());
  if (!refs) return ids;
  const int count = g_mime_references_length(refs);
  ids.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::string id = clean_id(g_mime_references_get_message_id(refs, i));
    if (!id.empty()) ids.push_back(std::move(id));
  }
  g_mime_references_free(refs);
  return ids;
}

std::string decode_text(const std::string& raw) {
  if (raw.empty()) return {};
  char* decoded = g_mime_utils_header_decode_text(parser_options(), raw.c_str());
  std::string out = decoded ? decoded : "";
  g_free(decoded);
  return out;
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
    Address a{ascii::lower(trim(addr ? addr : "")), std::string(trim(name ? name : ""))};
    if (a.email.find('@') == std::string::npos && !a.email.empty()) {
      // "undisclosed-recipients" and friends: a name, not an address.
      if (a.name.empty()) a.name = a.email;
      a.email.clear();
    }
    if (!a.email.empty() || !a.name.empty()) out.push_back(std::move(a));
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
  auto warn = [&](std::string text) {
    if (warnings) warnings->push_back(context.source_id + ": " + std::move(text));
  };
  std::size_t length = header_block_length(raw);
  std::string block(raw.substr(0, length == std::string_view::npos ? raw.size() : length));
  // Embedded NULs would end GMime's C strings early; they have no business in a header.
  std::replace(block.begin(), block.end(), '\0', ' ');
  rewrite_base64_words(block);
  if (trim(block).empty())
    return make_error(ErrorScope::item, "mime.empty", context.source_id + ": no mail header found");
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

  Message m;
  m.source_id = context.source_id;
  m.folder = context.folder;
  m.folder_role = context.folder_role;
  m.message_id = clean_id(g_mime_message_get_message_id(message.get()));
  if (m.message_id.empty() && !header(object, "Message-ID").empty())
    warn("unusable Message-ID header ignored");
  std::vector<std::string> in_reply_to = parse_id_list(header(object, "In-Reply-To"));
  if (!in_reply_to.empty()) m.in_reply_to = std::move(in_reply_to.front());
  m.references = parse_id_list(header(object, "References"));

  const char* subject = g_mime_message_get_subject(message.get());
  m.subject = unfold(valid_utf8(subject ? std::string(subject) : std::string()));

  std::vector<Address> from;
  append_addresses(g_mime_message_get_from(message.get()), from);
  if (from.empty()) append_addresses(g_mime_message_get_sender(message.get()), from);
  if (!from.empty()) m.from = std::move(from.front());
  append_addresses(g_mime_message_get_addresses(message.get(), GMIME_ADDRESS_TYPE_TO), m.to);
  append_addresses(g_mime_message_get_addresses(message.get(), GMIME_ADDRESS_TYPE_CC), m.cc);
  for (auto* list : {&m.to, &m.cc})
    for (Address& a : *list) a.name = unfold(valid_utf8(std::move(a.name)));
  m.from.name = unfold(valid_utf8(std::move(m.from.name)));

  GDateTime* date = g_mime_message_get_date(message.get());  // owned by the message
  const bool have_delivery = context.delivery_time > earliest_plausible_date;
  if (date) {
    m.date = g_date_time_to_unix(date);
    m.utc_offset_minutes =
        static_cast<std::int16_t>(g_date_time_get_utc_offset(date) / G_TIME_SPAN_MINUTE);
    if (m.date < earliest_plausible_date ||
        (have_delivery && m.date > context.delivery_time + max_future_skew)) {
      warn("implausible Date header \"" + header(object, "Date") + "\"; using the delivery time");
      m.date = context.delivery_time;
      m.utc_offset_minutes = 0;
      m.date_from_header = false;
    }
  } else {
    if (!header(object, "Date").empty())
      warn("unparseable Date header \"" + header(object, "Date") + "\"; using the delivery time");
    m.date = context.delivery_time;
    m.date_from_header = false;
  }

  m.thread_index = header(object, "Thread-Index");
  m.thread_topic = unfold(valid_utf8(decode_text(header(object, "Thread-Topic"))));

  const std::string auto_submitted = header(object, "Auto-Submitted");
  const std::string x_autoreply = header(object, "X-Autoreply");
  const std::string x_autorespond = header(object, "X-Autorespond");
  const std::string suppress = header(object, "X-Auto-Response-Suppress");
  const std::string rules_loop = header(object, "X-MS-Exchange-Inbox-Rules-Loop");
  const std::string precedence = header(object, "Precedence");
  const std::string list_id = header(object, "List-Id");
  const std::string list_unsubscribe = header(object, "List-Unsubscribe");
  // GMime 3 moves Content-* headers to the message's MIME part.
  std::string content_type = header(object, "Content-Type");
  if (GMimeObject* part = g_mime_message_get_mime_part(message.get());
      content_type.empty() && part) {
    char* mime_type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
    if (mime_type) content_type = mime_type;
    g_free(mime_type);
  }
  AutomationHeaders automation{auto_submitted, x_autoreply,      x_autorespond,
                               suppress,       rules_loop,       precedence,
                               list_id,        list_unsubscribe, content_type};
  m.automation = classify_automation(automation, m.from.email, m.subject);
  return m;
}

}  // namespace nachfass::mime
