#include "letters/compose.hpp"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>
#include <random>

namespace nachfass::letters {

namespace {

struct GObjectUnref {
  void operator()(gpointer object) const {
    if (object) g_object_unref(object);
  }
};
template <class T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct DateTimeUnref {
  void operator()(GDateTime* date) const {
    if (date) g_date_time_unref(date);
  }
};
struct TimeZoneUnref {
  void operator()(GTimeZone* zone) const {
    if (zone) g_time_zone_unref(zone);
  }
};

void init_gmime() {
  // g_mime_init() counts its calls; the header parser calls it too.
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// Header values lose CR, LF and other controls: a name cannot add a header.
std::string header_value(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A Message-ID as it goes between angle brackets: printable ASCII without brackets or spaces.
std::string clean_id(std::string_view id) {
  std::string out;
  for (const char c : id)
    if (c > ' ' && c < 0x7f && c != '<' && c != '>') out += c;
  return out;
}

GMimeObject* text_part(const char* subtype, const std::string& content) {
  GMimePart* part = GMIME_PART(g_mime_text_part_new_with_subtype(subtype));
  GMimeObject* object = GMIME_OBJECT(part);
  g_mime_object_set_content_type_parameter(object, "charset", "utf-8");
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(content.data(), content.size()));
  GPtr<GMimeDataWrapper> wrapper(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, wrapper.get());
  // Quoted-printable for mostly-ASCII text with umlauts, base64 for anything denser.
  g_mime_part_set_content_encoding(
      part, g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT));
  return object;
}

// GMime would pick the smallest charset (ISO-8859-1 for "Vögel"); letters are UTF-8 throughout.
void add_mailbox(GMimeMessage* message, GMimeAddressType type, const std::string& name,
                 const std::string& address) {
  GPtr<InternetAddress> mailbox(
      internet_address_mailbox_new(name.empty() ? nullptr : name.c_str(), address.c_str()));
  internet_address_set_charset(mailbox.get(), "utf-8");
  internet_address_list_add(g_mime_message_get_addresses(message, type), mailbox.get());
}

}  // namespace

std::string new_message_id(std::string_view from_address) {
  std::string domain;
  if (const auto at = from_address.rfind('@'); at != std::string_view::npos)
    domain = clean_id(from_address.substr(at + 1));
  if (domain.empty()) domain = "nachfass.invalid";
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  {
    std::lock_guard lock(mutex);
    a = random();
    b = random();
  }
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%016llx%08llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b & 0xffffffffULL));
  return std::string("nachfass.") + buffer + "@" + domain;
}

Result<std::string> compose_draft(const RenderedLetter& letter, const DraftHeaders& headers) {
  const std::string to = clean_id(headers.to.email);
  if (to.empty() || to.find('@') == std::string::npos)
    return make_error(ErrorScope::item, "letters.no_recipient",
                      "the letter has no customer address to go to — the finding's contact has "
                      "no e-mail address");
  const std::string from = clean_id(headers.from.email);
  if (from.empty() || from.find('@') == std::string::npos)
    return make_error(ErrorScope::account, "letters.no_sender",
                      "no sender address for the letter — set addresses = [\"you@example.com\"] "
                      "in [user] of the config");
  init_gmime();

  GPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  GMimeObject* object = GMIME_OBJECT(message.get());
  const std::string from_name = header_value(headers.from.name);
  const std::string to_name = header_value(headers.to.name);
  add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM, from_name, from);
  add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, to_name, to);
  const std::string subject = header_value(letter.subject);
  g_mime_message_set_subject(message.get(), subject.c_str(), "utf-8");

  std::unique_ptr<GTimeZone, TimeZoneUnref> zone(
      g_time_zone_new_offset(static_cast<gint32>(headers.utc_offset_minutes) * 60));
  std::unique_ptr<GDateTime, DateTimeUnref> utc(g_date_time_new_from_unix_utc(headers.date));
  std::unique_ptr<GDateTime, DateTimeUnref> local(
      utc && zone ? g_date_time_to_timezone(utc.get(), zone.get()) : nullptr);
  if (local || utc) g_mime_message_set_date(message.get(), local ? local.get() : utc.get());

  std::string message_id = clean_id(headers.message_id);
  if (message_id.empty()) message_id = new_message_id(from);
  g_mime_message_set_message_id(message.get(), message_id.c_str());

  const std::string parent = clean_id(headers.in_reply_to);
  if (!parent.empty()) {
    const std::string in_reply_to = "<" + parent + ">";
    g_mime_object_set_header(object, "In-Reply-To", in_reply_to.c_str(), nullptr);
    std::string references;
    for (const auto& reference : headers.references) {
      const std::string id = clean_id(reference);
      if (id.empty()) continue;
      if (!references.empty()) references += ' ';
      references += "<" + id + ">";
    }
    if (references.empty()) references = in_reply_to;
    g_mime_object_set_header(object, "References", references.c_str(), nullptr);
  }

  GPtr<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
  GPtr<GMimeObject> plain(text_part("plain", letter.text));
  GPtr<GMimeObject> html(text_part("html", letter.html));
  // RFC 2046 5.1.4: the preferred alternative last.
  g_mime_multipart_add(alternative.get(), plain.get());
  g_mime_multipart_add(alternative.get(), html.get());
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative.get()));

  char* raw = g_mime_object_to_string(object, nullptr);
  if (!raw)
    return make_error(ErrorScope::fatal, "letters.compose",
                      "the MIME library could not write the draft — this is a bug in nachfass");
  std::string out(raw);
  g_free(raw);
  return out;
}

}  // namespace nachfass::letters
