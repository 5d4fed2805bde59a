#include "gen/generator.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <map>
#include <unordered_map>
#include <utility>

#include "encode.hpp"
#include "random.hpp"
#include "texts.hpp"
#include "timeutil.hpp"
#include "world.hpp"

namespace nachfass::gen {

std::string_view to_string(MailClient client) {
  switch (client) {
    case MailClient::outlook:
      return "outlook";
    case MailClient::outlook_online:
      return "outlook-online";
    case MailClient::thunderbird:
      return "thunderbird";
    case MailClient::apple_mail:
      return "apple-mail";
    case MailClient::iphone_mail:
      return "iphone-mail";
    case MailClient::gmail:
      return "gmail";
    case MailClient::gmx_webmail:
      return "gmx-webmail";
    case MailClient::tonline_webmail:
      return "t-online-webmail";
    case MailClient::roundcube:
      return "roundcube";
    case MailClient::lotus_notes:
      return "lotus-notes";
    case MailClient::broken_truncating:
      return "broken-truncating";
    case MailClient::broken_bare:
      return "broken-bare";
    case MailClient::newsletter_tool:
      return "newsletter-tool";
    case MailClient::notification_system:
      return "notification-system";
    case MailClient::postfix:
      return "postfix";
    case MailClient::exchange_system:
      return "exchange-system";
    case MailClient::scanner:
      return "scanner";
  }
  return "unknown";
}

std::string_view to_string(Actor actor) {
  switch (actor) {
    case Actor::customer:
      return "customer";
    case Actor::user:
      return "user";
    case Actor::colleague:
      return "colleague";
    case Actor::automated:
      return "automated";
    case Actor::device:
      return "device";
  }
  return "unknown";
}

std::string_view to_string(ThreadKind kind) {
  switch (kind) {
    case ThreadKind::customer:
      return "customer";
    case ThreadKind::internal:
      return "internal";
    case ThreadKind::newsletter:
      return "newsletter";
    case ThreadKind::notification:
      return "notification";
    case ThreadKind::bounce:
      return "bounce";
    case ThreadKind::scan:
      return "scan";
  }
  return "unknown";
}

const UserIdentity& user_identity() {
  static const UserIdentity identity{
      "Anna Vogel", {"anna.vogel@example.com", "vertrieb@example.com"}, {"example.com"}};
  return identity;
}

std::string config_toml() {
  return R"(# Written by nachfass-gen for a synthetic mailbox (see truth.json next to it).
[user]
name = "Anna Vogel"
addresses = ["anna.vogel@example.com", "vertrieb@example.com"]
own_domains = ["example.com"]
language = "de"
time_zone = "Europe/Berlin"

[business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-17:00"
holidays = "DE-BY"
extra_holidays = ["2026-12-24", "2026-12-31"]

[rules.unanswered]
sla = "2 business days"
)";
}

std::string source_id(const GeneratedMail& mail) {
  const std::size_t colon = mail.file_name.find(':');
  std::string out = mail.folder;
  out += '/';
  out.append(mail.file_name, 0, colon == std::string::npos ? mail.file_name.size() : colon);
  return out;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a + 32);
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b + 32);
    if (a != b) return false;
  }
  return true;
}

bool is_own_address(std::string_view email) {
  const std::string l = lower(email);
  const auto at = l.rfind('@');
  const std::string_view domain = std::string_view(l).substr(at + 1);
  return domain == "example.com" ||
         (domain.size() > 12 && domain.substr(domain.size() - 12) == ".example.com");
}

// Case folding for subject comparison: ASCII and Latin-1 capitals (UTF-8 C3 80-9E).
std::string fold_subject(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto n = static_cast<unsigned char>(out[i + 1]);
      if (n >= 0x80 && n <= 0x9E && n != 0x97) out[i + 1] = static_cast<char>(n + 0x20);
      ++i;
    }
  }
  return out;
}

std::uint64_t fnv1a(std::string_view a, std::string_view b) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : a) h = (h ^ c) * 0x100000001b3ULL;
  h = (h ^ 0xff) * 0x100000001b3ULL;
  for (unsigned char c : b) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string uuid(Rng& rng, bool upper) {
  std::string h = rng.hex(32, upper);
  h[12] = '4';
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::string domain_of(std::string_view email) {
  const auto at = email.rfind('@');
  return lower(at == std::string_view::npos ? std::string_view() : email.substr(at + 1));
}

// ---------------------------------------------------------------------------------------------
// Per-client conventions

bool is_outlook(MailClient c) {
  return c == MailClient::outlook || c == MailClient::outlook_online;
}

std::string_view reply_prefix(MailClient c, Lang ui) {
  switch (c) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      switch (ui) {
        case Lang::de:
          return "AW:";
        case Lang::da:
        case Lang::sv:
        case Lang::nb:
          return "SV:";
        case Lang::nl:
          return "Antw:";
        default:
          return "RE:";
      }
    case MailClient::gmx_webmail:
      return "Aw:";
    case MailClient::tonline_webmail:
      return "AW:";
    case MailClient::lotus_notes:
      return ui == Lang::de ? "Antw:" : "Re:";
    case MailClient::broken_truncating:
      return "RE:";
    default:
      return "Re:";
  }
}

// The subject of a reply to `seen`. Clients add their prefix unless the subject already starts
// with one they recognise: Outlook knows its own and "RE:", a German Thunderbird turns "AW:" into
// "Re:"; everyone else only knows their own. Tags such as "[EXTERN]" in front defeat all of them.
std::string reply_subject(std::string_view seen, MailClient c, Lang ui) {
  const std::string_view prefix = reply_prefix(c, ui);
  if (istarts_with(seen, prefix)) return std::string(seen);
  if (is_outlook(c) && istarts_with(seen, "RE:")) return std::string(seen);
  if (c == MailClient::thunderbird && ui == Lang::de && istarts_with(seen, "AW:"))
    return "Re:" + std::string(seen.substr(3));
  return std::string(prefix) + " " + std::string(seen);
}

std::string_view forward_prefix(MailClient c, Lang ui) {
  switch (c) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      return ui == Lang::de ? "WG:" : (ui == Lang::da || ui == Lang::nb) ? "VS:" : "FW:";
    case MailClient::thunderbird:
    case MailClient::gmx_webmail:
    case MailClient::lotus_notes:
      return ui == Lang::de ? "WG:" : "Fwd:";
    default:
      return "Fwd:";
  }
}

DateStyle date_style_for(MailClient c, Zone zone, Rng& rng) {
  switch (c) {
    case MailClient::outlook:
      return DateStyle::numeric;
    case MailClient::outlook_online:
      return DateStyle::utc_plus;
    case MailClient::tonline_webmail:
      return DateStyle::numeric_padded;
    case MailClient::lotus_notes:
      return DateStyle::numeric_comment;
    case MailClient::broken_truncating:
      if (zone == Zone::new_york || zone == Zone::los_angeles) return DateStyle::us_name;
      return rng.chance(500) ? DateStyle::gmt_name : DateStyle::numeric_comment;
    case MailClient::broken_bare:
      return rng.chance(500) ? DateStyle::no_weekday : DateStyle::numeric;
    case MailClient::newsletter_tool:
      return rng.chance(500) ? DateStyle::utc_minus : DateStyle::utc_plus;
    case MailClient::notification_system:
      return rng.chance(500) ? DateStyle::gmt_name : DateStyle::numeric_padded;
    case MailClient::postfix:
      return DateStyle::postfix;
    case MailClient::scanner:
      return DateStyle::no_weekday;
    default:
      return rng.chance(60) ? DateStyle::numeric_comment : DateStyle::numeric;
  }
}

struct OrgInfo {
  std::string domain;  // sender's domain
  std::string exchange_host;
  std::string exchange_region;
};

std::string make_message_id(MailClient c, const OrgInfo& org, UnixSeconds date, Rng& rng) {
  switch (c) {
    case MailClient::outlook: {
      std::string id = rng.hex(32);
      id += "@srv-ex0" + std::to_string(rng.between(1, 3)) + "." + org.domain;
      return id;
    }
    case MailClient::outlook_online: {
      const std::string host = org.exchange_host.empty() ? "FR2P281MB1234" : org.exchange_host;
      const std::string region = org.exchange_region.empty() ? "eurprd03" : org.exchange_region;
      return host + rng.hex(29, true) + "@" + host + "." + region + ".prod.outlook.com";
    }
    case MailClient::thunderbird:
      return uuid(rng, false) + "@" + org.domain;
    case MailClient::apple_mail:
    case MailClient::iphone_mail:
      return uuid(rng, true) + "@" + org.domain;
    case MailClient::gmail:
      return "CA" +
             rng.chars(46, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-") +
             "@mail.gmail.com";
    case MailClient::gmx_webmail: {
      std::string id = "trinity-" + uuid(rng, false);
      id += "-" + std::to_string(date) + std::to_string(rng.between(100, 999));
      id += std::string("@3c-app-") + (org.domain == "web.de" ? "webde" : "gmx") + "-bap";
      id += two_digits(static_cast<int>(rng.between(1, 80)));
      return id;
    }
    case MailClient::tonline_webmail: {
      std::string id = std::to_string(date) + std::to_string(rng.between(100, 999));
      id += "." + rng.digits(6);
      id += "." + rng.digits(9);
      return id + "@webmail.t-online.de";
    }
    case MailClient::roundcube:
      return rng.hex(32) + "@" + org.domain;
    case MailClient::lotus_notes: {
      std::string id = "OF" + rng.hex(8, true);
      id += "." + rng.hex(8, true);
      id += "-ON" + rng.hex(8, true);
      id += "." + rng.hex(8, true);
      return id + "@" + org.domain;
    }
    case MailClient::broken_truncating:
    case MailClient::broken_bare: {
      const LocalTime lt = local_time(date, 0);
      std::string id = std::to_string(lt.year) + two_digits(lt.month) + two_digits(lt.day) +
                       two_digits(lt.hour) + two_digits(lt.minute) + two_digits(lt.second) + "." +
                       rng.digits(5);
      return id + "@" + (rng.chance(500) ? "localhost" : org.domain);
    }
    case MailClient::newsletter_tool:
      if (rng.chance(500)) {
        std::string id = "0102019" + rng.hex(9);
        id += "-" + uuid(rng, false);
        return id + "-000000@eu-west-1.amazonses.com";
      }
      return std::to_string(date) + "." + rng.hex(16) + "@mailer." + org.domain;
    case MailClient::notification_system:
      if (rng.chance(500)) {
        std::string id = rng.digits(9);
        id += "." + rng.digits(5);
        id += "." + std::to_string(date) + "123.JavaMail.app@portal0";
        return id + std::to_string(rng.between(1, 4));
      }
      return uuid(rng, false) + "@" + org.domain;
    case MailClient::postfix: {
      const LocalTime lt = local_time(date, 0);
      return std::to_string(lt.year) + two_digits(lt.month) + two_digits(lt.day) +
             two_digits(lt.hour) + two_digits(lt.minute) + two_digits(lt.second) + "." +
             rng.hex(10, true) + "@mx01.example.com";
    }
    case MailClient::exchange_system:
      return uuid(rng, false) + "@" + org.domain;
    case MailClient::scanner:
      return {};
  }
  return uuid(rng, false) + "@" + org.domain;
}

std::string new_thread_index(UnixSeconds date, Rng& rng) {
  // [MS-OXOMSG] PidTagConversationIndex: reserved byte, 5 bytes of FILETIME, 16-byte GUID.
  const std::uint64_t filetime = (static_cast<std::uint64_t>(date) + 11644473600ULL) * 10000000ULL;
  std::string bytes(22, '\0');
  bytes[0] = 0x01;
  for (int i = 0; i < 5; ++i)
    bytes[static_cast<std::size_t>(1 + i)] = static_cast<char>((filetime >> (48 - 8 * i)) & 0xFF);
  for (int i = 0; i < 16; ++i)
    bytes[static_cast<std::size_t>(6 + i)] = static_cast<char>(rng.below(256));
  return bytes;
}

std::string child_thread_index(const std::string& parent, Rng& rng) {
  // Each response appends a 5-byte block (time delta, random, sequence).
  std::string bytes = parent;
  for (int i = 0; i < 5; ++i) bytes += static_cast<char>(rng.below(256) & (i == 0 ? 0x7F : 0xFF));
  return bytes;
}

bool wants_html(MailClient c, Rng& rng) {
  switch (c) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      return rng.chance(450);
    case MailClient::apple_mail:
      return rng.chance(300);
    case MailClient::gmail:
      return rng.chance(700);
    case MailClient::gmx_webmail:
    case MailClient::tonline_webmail:
      return rng.chance(400);
    case MailClient::thunderbird:
      return rng.chance(100);
    default:
      return false;
  }
}

std::string make_boundary(MailClient c, Rng& rng) {
  switch (c) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      return "_000_" + rng.hex(40, true) + "_";
    case MailClient::apple_mail:
    case MailClient::iphone_mail:
      return "Apple-Mail=_" + uuid(rng, true);
    case MailClient::gmail:
      return "000000000000" + rng.hex(16);
    case MailClient::thunderbird:
      return "------------" +
             rng.chars(24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    default: {
      std::string b = "----=_Part_" + rng.digits(6);
      b += "_" + rng.digits(9);
      b += "." + rng.digits(13);
      return b;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Threads under construction

enum class Side : std::uint8_t { customer, us, ooo };
enum class Fate : std::uint8_t { answered, overdue, fresh };

struct Party {
  enum class Kind : std::uint8_t { anna, alias, colleague, contact, other } kind = Kind::anna;
  int index = 0;
  bool operator==(const Party& o) const { return kind == o.kind && index == o.index; }
  bool ours() const { return kind == Kind::anna || kind == Kind::alias || kind == Kind::colleague; }
  bool user() const { return kind == Kind::anna || kind == Kind::alias; }
};

struct Step {
  Side side = Side::customer;
  Party from;
  int parent = -1;  // index of the step replied to
  UnixSeconds date = 0;
  bool ooo_after_unanswered = false;  // an OOO from another contact after the last customer mail
};

struct Built {
  GeneratedMail mail;
  Party from;
  std::vector<Party> to, cc;
  std::string written_subject;         // as the sender's client wrote it
  std::string index_bytes;             // raw Thread-Index
  std::string own_text;                // the body without the quote
  std::vector<std::string> externals;  // sorted, lower-case external addresses
  bool human = true;
  bool skip = false;
  bool replied = false;  // Anna answered it (the R flag)
};

// ---------------------------------------------------------------------------------------------

class Generator {
 public:
  Generator(const GeneratorOptions& options, MailSink& sink)
      : opt_(options),
        sink_(sink),
        world_(build_world(options.seed, std::max<std::size_t>(1, options.companies))),
        rng_(mix64(options.seed ^ 0x7468726561647321ULL)),
        window_start_(options.now - 365 * day),
        gateway_since_(options.now - 200 * day) {
    truth_.options = options;
    truth_.has_threads = options.messages <= options.thread_list_max_messages;
  }

  GroundTruth run() {
    static constexpr std::uint32_t kind_weights[] = {560, 120, 150, 130, 12, 15};
    while (truth_.counts.messages < opt_.messages) {
      const std::size_t budget = opt_.messages - truth_.counts.messages;
      switch (rng_.weighted(kind_weights)) {
        case 0:
          customer_thread(budget);
          break;
        case 1:
          internal_thread(budget);
          break;
        case 2:
          newsletter();
          break;
        case 3:
          notification();
          break;
        case 4:
          if (budget >= 2)
            bounce();
          else
            notification();
          break;
        default:
          scan();
          break;
      }
    }
    auto by_since = [](const AwaitingReply& a, const AwaitingReply& b) {
      return std::tie(a.since, a.awaiting) < std::tie(b.since, b.awaiting);
    };
    std::sort(truth_.unanswered.begin(), truth_.unanswered.end(), by_since);
    std::sort(truth_.fresh.begin(), truth_.fresh.end(), by_since);
    truth_.counts.unanswered = truth_.unanswered.size();
    truth_.counts.fresh = truth_.fresh.size();
    return std::move(truth_);
  }

 private:
  // --- people and parties ---------------------------------------------------------------------

  const Person& person(const Party& p, const Company* company) const {
    switch (p.kind) {
      case Party::Kind::anna:
        return world_.anna;
      case Party::Kind::alias:
        return world_.alias;
      case Party::Kind::colleague:
        return world_.colleagues[static_cast<std::size_t>(p.index)];
      default:
        return company->contacts[static_cast<std::size_t>(p.index)];
    }
  }

  // How a writer's client renders someone else's address.
  MailAddress recipient_address(const Person& who, MailClient writer, const Person& writer_person) {
    MailAddress a;
    a.email = who.email;
    a.name = who.name;
    if (&who == &world_.alias) a.name = rng_.chance(500) ? "Example Vertrieb" : "";
    if (writer == MailClient::broken_bare || writer == MailClient::broken_truncating ||
        writer == MailClient::tonline_webmail) {
      if (rng_.chance(400)) a.name.clear();
    } else if (rng_.chance(60)) {
      a.name.clear();
    }
    if (is_outlook(writer)) {
      a.style = NameStyle::quoted;
      if (!a.name.empty() && rng_.chance(40)) a.name = "'" + a.name + "'";  // Outlook's quirk
    } else {
      a.style = rng_.chance(200) ? NameStyle::quoted : NameStyle::bare;
    }
    if (a.name.empty())
      a.style = rng_.chance(700) ? NameStyle::angle_only : NameStyle::address_only;
    a.words = writer_person.words;
    return a;
  }

  MailAddress sender_address(const Person& who) const {
    MailAddress a;
    a.email = who.written;
    a.name = who.display;
    a.style = who.own_name_style;
    if (a.style == NameStyle::address_only || a.style == NameStyle::angle_only) a.name.clear();
    a.words = who.words;
    return a;
  }

  static std::vector<std::string> externals_of(const GeneratedMail& m) {
    std::vector<std::string> out;
    auto add = [&](const MailAddress& a) {
      if (!is_own_address(a.email)) out.push_back(lower(a.email));
    };
    add(m.from);
    for (const auto& a : m.to) add(a);
    for (const auto& a : m.cc) add(a);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // --- time -----------------------------------------------------------------------------------

  UnixSeconds snap(UnixSeconds t, Zone zone, std::uint32_t per_mille) {
    if (!rng_.chance(per_mille)) return t;
    return next_working_time(t, zone, static_cast<int>(rng_.between(0, 200)));
  }

  UnixSeconds start_time(Zone zone) {
    const UnixSeconds t = window_start_ + static_cast<UnixSeconds>(rng_.below(363 * day));
    return snap(t, zone, 900);
  }

  // Our answer to a customer: mostly within hours, some after days, a few late.
  UnixSeconds answer_time(UnixSeconds base) {
    const std::uint32_t weights[] = {450, 250, 170, 80, 50};
    UnixSeconds gap = 0;
    bool late = false;
    switch (rng_.weighted(weights)) {
      case 0:
        gap = rng_.between(hour, 4 * hour);
        break;
      case 1:
        gap = rng_.between(4 * hour, day);
        break;
      case 2:
        gap = rng_.between(day, 3 * day);
        break;
      case 3:
        gap = rng_.between(3 * day, 5 * day);
        break;
      default:
        gap = rng_.between(5 * day, 12 * day);
        late = true;
        break;
    }
    const UnixSeconds t = base + gap;
    const UnixSeconds snapped = snap(t, Zone::berlin, 850);
    if (!late && snapped - base > 5 * day) return t;
    return snapped;
  }

  // --- subjects -------------------------------------------------------------------------------

  // Threads per (party, folded base subject), by first date: a lookup touches only the spans
  // that can lie within the margin, so recurring subjects stay cheap in million-message runs.
  struct SubjectSpans {
    std::multimap<UnixSeconds, UnixSeconds> by_first;  // first -> last
    UnixSeconds longest = 0;
  };

  bool subject_free(std::string_view party, std::string_view base, UnixSeconds first,
                    UnixSeconds last) const {
    const auto it = subject_spans_.find(fnv1a(party, fold_subject(base)));
    if (it == subject_spans_.end()) return true;
    constexpr UnixSeconds margin = 22 * day;
    const SubjectSpans& spans = it->second;
    for (auto s = spans.by_first.lower_bound(first - margin - spans.longest);
         s != spans.by_first.end() && s->first <= last + margin; ++s)
      if (s->second + margin >= first) return false;
    return true;
  }

  void claim_subject(std::string_view party, std::string_view base, UnixSeconds first,
                     UnixSeconds last) {
    SubjectSpans& spans = subject_spans_[fnv1a(party, fold_subject(base))];
    spans.by_first.emplace(first, last);
    spans.longest = std::max(spans.longest, last - first);
  }

  Details details_for(const Company& company, UnixSeconds start, bool german) {
    Details d;
    const auto products = german ? products_de() : products_en();
    d.product = std::string(products[rng_.below(products.size())]);
    const LocalTime lt = local_time(start, 60);
    const std::string year = std::to_string(lt.year);
    d.quote = "AN-" + year + "-" + rng_.digits(5);
    d.invoice = (german ? "RE-" : "INV-") + year + "-" + rng_.digits(5);
    d.order = "4500" + rng_.digits(6);
    d.delivery = "LS-" + rng_.digits(7);
    d.contract = "WV-" + rng_.digits(5);
    const LocalTime later = local_time(start + rng_.between(7, 45) * day, 60);
    if (german) {
      d.date = std::to_string(later.day) + "." + std::to_string(later.month) + "." +
               std::to_string(later.year);
      if (rng_.chance(500))
        d.date = two_digits(later.day) + "." + two_digits(later.month) + "." +
                 std::to_string(later.year);
    } else {
      d.date = std::to_string(later.day) + " " + std::string(month_long_en(later.month)) + " " +
               std::to_string(later.year);
    }
    d.qty = std::to_string(rng_.between(2, 60) * 10);
    d.year = std::to_string(lt.year + 1);
    d.customer = company.freemail ? company.contacts[0].name : company.name;
    d.city = company.city;
    d.ticket = rng_.digits(6);
    d.week = std::to_string(rng_.between(1, 52));
    d.month = std::string(german ? month_long_de(later.month) : month_long_en(later.month));
    d.colleague = world_.colleagues[rng_.below(world_.colleagues.size())].first;
    return d;
  }

  // --- bodies ---------------------------------------------------------------------------------

  std::string greeting(const Person* to, bool german, bool informal) {
    if (to == nullptr) {
      if (german) return rng_.chance(500) ? "Sehr geehrte Damen und Herren," : "Hallo zusammen,";
      return rng_.chance(500) ? "Dear Sir or Madam," : "Hello,";
    }
    if (informal) {
      if (german) return (rng_.chance(700) ? "Hallo " : "Hi ") + to->first + ",";
      return (rng_.chance(600) ? "Hi " : "Hello ") + to->first + ",";
    }
    if (german) {
      const std::uint32_t w[] = {50, 30, 20};
      const std::string title = to->female ? "Frau " : "Herr ";
      switch (rng_.weighted(w)) {
        case 0:
          return (to->female ? "Sehr geehrte Frau " : "Sehr geehrter Herr ") + to->last + ",";
        case 1:
          return "Guten Tag " + title + to->last + ",";
        default:
          return "Hallo " + title + to->last + ",";
      }
    }
    return (to->female ? "Dear Ms " : "Dear Mr ") + to->last + ",";
  }

  std::string closing(bool german, bool informal, Lang ui) {
    if (ui == Lang::da && rng_.chance(300)) return "Med venlig hilsen";
    if (german) {
      static constexpr std::string_view formal[] = {"Mit freundlichen Grüßen", "Freundliche Grüße",
                                                    "Viele Grüße", "Beste Grüße"};
      static constexpr std::string_view casual[] = {"Viele Grüße", "LG", "Gruß", "Beste Grüße"};
      return std::string(informal ? rng_.pick(casual) : rng_.pick(formal));
    }
    static constexpr std::string_view en[] = {"Best regards", "Kind regards", "Many thanks",
                                              "Best"};
    return std::string(rng_.pick(en));
  }

  std::string signature(const Person& p, const Company* company, MailClient client, bool german) {
    std::string s = "\n" + p.first + (rng_.chance(500) ? " " + p.last : "");
    if (client == MailClient::iphone_mail) {
      s += german ? "\n\nVon meinem iPhone gesendet" : "\n\nSent from my iPhone";
      return s;
    }
    if (&p == &world_.anna || &p == &world_.alias) {
      s += "\n\n-- \nAnna Vogel\nKey Account Management\nExample GmbH | Musterstraße 12 | 80331 "
           "München\nTel. +49 89 1234567-12 | anna.vogel@example.com";
      return s;
    }
    if (company == nullptr) {  // colleague
      s += "\n\n-- \n" + p.name + "\n" + p.title + "\nExample GmbH\nTel. +49 89 1234567-" +
           std::to_string(20 + (p.email.size() % 60));
      return s;
    }
    if (company->freemail) return s;
    const std::uint64_t h = fnv1a(p.email, company->domain);  // the same number every time
    s += "\n\n" + p.name + "\n" + p.title + "\n" + company->name + "\n" + company->city +
         "\nTel. " + company->phone_prefix + std::to_string(100 + h % 900) + " " +
         std::to_string(100000 + (h >> 16) % 900000);
    return s;
  }

  void append_quote(std::string& body, const Built& parent, MailClient writer, Lang ui, Zone zone) {
    const GeneratedMail& pm = parent.mail;
    const int offset = utc_offset_minutes(zone, pm.date);
    const LocalTime lt = local_time(pm.date, offset);
    const std::string who = pm.from.name.empty() ? lower(pm.from.email) : pm.from.name;
    const std::string dotted =
        two_digits(lt.day) + "." + two_digits(lt.month) + "." + std::to_string(lt.year);
    const std::string hm = two_digits(lt.hour) + ":" + two_digits(lt.minute);
    std::string to_names;
    for (const auto& a : pm.to) {
      if (!to_names.empty()) to_names += "; ";
      to_names += a.name.empty() ? a.email : a.name;
    }
    body += "\n\n";
    if (is_outlook(writer) || writer == MailClient::lotus_notes) {
      if (ui == Lang::de) {
        body += "Von: " + who + " <" + lower(pm.from.email) + ">\n";
        body += "Gesendet: " + std::string(weekday_long_de(lt.weekday)) + ", " +
                std::to_string(lt.day) + ". " + std::string(month_long_de(lt.month)) + " " +
                std::to_string(lt.year) + " " + hm + "\n";
        body += "An: " + to_names + "\nBetreff: " + parent.written_subject + "\n\n";
      } else if (ui == Lang::da || ui == Lang::nb) {
        body += "Fra: " + who + " <" + lower(pm.from.email) + ">\n";
        body += "Sendt: " + dotted + " " + hm + "\nTil: " + to_names +
                "\nEmne: " + parent.written_subject + "\n\n";
      } else {
        const int h12 = lt.hour % 12 == 0 ? 12 : lt.hour % 12;
        body += "From: " + who + " <" + lower(pm.from.email) + ">\n";
        body += "Sent: " + std::string(weekday_long_en(lt.weekday)) + ", " +
                std::string(month_long_en(lt.month)) + " " + std::to_string(lt.day) + ", " +
                std::to_string(lt.year) + " " + std::to_string(h12) + ":" + two_digits(lt.minute) +
                (lt.hour < 12 ? " AM" : " PM") + "\n";
        body += "To: " + to_names + "\nSubject: " + parent.written_subject + "\n\n";
      }
      body += parent.own_text;
      return;
    }
    if (writer == MailClient::broken_bare) {
      body += "----- Original Message -----\n" + parent.own_text;
      return;
    }
    if (ui == Lang::de) {
      if (writer == MailClient::gmail)
        body += "Am " + std::string(weekday_long_de(lt.weekday)).substr(0, 2) + "., " +
                std::to_string(lt.day) + ". " + std::string(month_long_de(lt.month)).substr(0, 3) +
                ". " + std::to_string(lt.year) + " um " + hm + " Uhr schrieb " + who + " <" +
                lower(pm.from.email) + ">:\n";
      else if (writer == MailClient::thunderbird)
        body += "Am " + dotted + " um " + hm + " schrieb " + who + ":\n";
      else
        body +=
            "Am " + dotted + " um " + hm + " schrieb " + who + " <" + lower(pm.from.email) + ">:\n";
    } else {
      body += "On " + dotted + " " + hm + ", " + who + " wrote:\n";
    }
    std::size_t start = 0;
    const std::string& text = parent.own_text;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      body += end == start ? ">" : "> ";
      body.append(text, start, end - start);
      body += '\n';
      start = end + 1;
    }
    body.pop_back();
  }

  // --- emission -------------------------------------------------------------------------------

  void finish_mail(GeneratedMail& m, const Person& sender, MailClient client, bool inbound) {
    m.client = client;
    const DateStyle style = date_style_for(client, sender.zone, rng_);
    if (style == DateStyle::no_weekday) m.date -= m.date % minute;  // the header has no seconds
    const FormattedDate fd = format_date(m.date, sender.zone, style);
    m.date_header = fd.text;
    m.utc_offset_minutes = fd.offset_minutes;
    m.delivered = inbound ? m.date + rng_.between(2, 150) : m.date + rng_.between(0, 2);
    if (inbound) m.return_path = lower(sender.email);
  }

  // Our mail gateway marks mail from outside in the subject (since gateway_since_).
  void tag_external(GeneratedMail& m) const {
    if (!is_own_address(m.from.email) && m.date >= gateway_since_ &&
        m.subject.find("[EXTERN]") == std::string::npos)
      m.subject = "[EXTERN] " + m.subject;
  }

  void set_body_kind(GeneratedMail& m, bool html) {
    if (html) {
      m.body_kind = BodyKind::alternative;
      m.boundary = make_boundary(m.client, rng_);
      m.content_type = "multipart/alternative; boundary=\"" + m.boundary + "\"";
    } else {
      m.body_kind = BodyKind::plain;
      m.content_type = "text/plain; charset=utf-8";
      if (m.client == MailClient::thunderbird) m.content_type = "text/plain; charset=UTF-8";
    }
  }

  void emit(ThreadKind kind, std::vector<Built>& built) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < built.size(); ++i)
      if (!built[i].skip) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return built[a].mail.date < built[b].mail.date;
    });
    ++thread_serial_;
    ++truth_.counts.threads;
    if (kind == ThreadKind::customer) ++truth_.counts.customer_threads;
    if (kind == ThreadKind::internal) ++truth_.counts.internal_threads;
    ThreadTruth tt;
    tt.kind = kind;
    if (!order.empty()) tt.root = built[order.front()].mail.message_id;
    for (std::size_t idx : order) {
      GeneratedMail& m = built[idx].mail;
      m.thread_serial = thread_serial_;
      std::string flags = "S";
      if (m.folder == "INBOX") {
        if (built[idx].replied)
          flags = "RS";
        else if (rng_.chance(20))
          flags = "FS";
        m.in_new = m.actor != Actor::user && m.date > opt_.now - 16 * hour && !built[idx].replied &&
                   rng_.chance(700);
      }
      ++file_seq_;
      m.file_name = std::to_string(m.delivered) + ".M" + std::to_string(rng_.below(1000000));
      m.file_name += "P" + std::to_string(rng_.between(1000, 65000));
      m.file_name += "Q" + std::to_string(file_seq_) + ".mail";
      if (!m.in_new) m.file_name += ":2," + flags;
      sink_.mail(m);
      TruthCounts& c = truth_.counts;
      ++c.messages;
      (m.folder == "Sent" ? c.sent : c.inbox) += 1;
      if (m.duplicate) ++c.duplicates;
      if (m.actor == Actor::automated) ++c.automated;
      if (m.message_id.empty()) ++c.missing_message_id;
      if (truth_.has_threads) {
        tt.source_ids.push_back(source_id(m));
        tt.message_ids.push_back(m.message_id);
      }
    }
    if (truth_.has_threads) truth_.threads.push_back(std::move(tt));
  }

  void add_duplicate(std::vector<Built>& built, std::size_t index, std::string folder,
                     UnixSeconds delay) {
    Built copy = built[index];
    copy.mail.folder = std::move(folder);
    copy.mail.duplicate = true;
    copy.mail.delivered += delay;
    copy.replied = false;
    if (copy.mail.return_path.empty()) copy.mail.return_path = lower(copy.mail.from.email);
    built.push_back(std::move(copy));
  }

  // --- linking ---------------------------------------------------------------------------------

  // References/In-Reply-To/Thread-Index for a reply, the way `client` writes them.
  void link_reply(Built& b, const Built& parent, MailClient client, bool ooo) {
    GeneratedMail& m = b.mail;
    const GeneratedMail& p = parent.mail;
    auto full_refs = [&]() {
      std::vector<std::string> refs = p.references;
      if (refs.empty() && !p.in_reply_to.empty()) refs.push_back(p.in_reply_to);
      if (!p.message_id.empty()) refs.push_back(p.message_id);
      if (refs.size() > 12) {  // Thunderbird keeps the first and the most recent ones
        std::vector<std::string> trimmed{refs.front()};
        trimmed.insert(trimmed.end(), refs.end() - 10, refs.end());
        refs = std::move(trimmed);
      }
      return refs;
    };
    switch (client) {
      case MailClient::outlook:
      case MailClient::outlook_online:
        if (!parent.index_bytes.empty()) {
          b.index_bytes = child_thread_index(parent.index_bytes, rng_);
          if (rng_.chance(ooo ? 300 : 650)) break;  // Thread-Index only
        } else {
          b.index_bytes = new_thread_index(m.date, rng_);
        }
        m.in_reply_to = p.message_id;
        m.references = full_refs();
        break;
      case MailClient::gmx_webmail:
      case MailClient::tonline_webmail:
      case MailClient::lotus_notes:
        m.in_reply_to = p.message_id;
        break;
      case MailClient::broken_truncating:
        if (!p.message_id.empty()) m.references = {p.message_id};
        break;
      case MailClient::broken_bare:
        break;
      default:
        m.in_reply_to = p.message_id;
        m.references = full_refs();
        break;
    }
  }

  // Makes sure a reply can be tied to its thread without ambiguity; returns how.
  enum class Link { refs, thread_index, subject };
  Link ensure_linked(std::vector<Built>& built, std::size_t i) {
    Built& b = built[i];
    GeneratedMail& m = b.mail;
    auto known = [&](const std::string& id) {
      if (id.empty()) return false;
      for (std::size_t k = 0; k < i; ++k)
        if (!built[k].skip && built[k].mail.message_id == id) return true;
      return false;
    };
    if (known(m.in_reply_to)) return Link::refs;
    for (const auto& r : m.references)
      if (known(r)) return Link::refs;
    if (b.index_bytes.size() > 22) {
      for (std::size_t k = 0; k < i; ++k)
        if (!built[k].skip && built[k].index_bytes.size() >= 22 &&
            built[k].index_bytes.compare(0, 22, b.index_bytes, 0, 22) == 0)
          return Link::thread_index;
    }
    // Subject only: same external addresses as the thread's latest message, a person's, within
    // 14 days.
    std::size_t prev = i;
    while (prev > 0 && built[prev - 1].skip) --prev;
    if (prev > 0 && !b.externals.empty()) {
      const Built& p = built[prev - 1];
      if (p.human && b.human && p.externals == b.externals && m.date - p.mail.date <= 14 * day &&
          m.date > p.mail.date)
        return Link::subject;
    }
    // Fall back to what a well-behaved client would have written.
    m.in_reply_to.clear();
    m.references.clear();
    for (std::size_t k = 0; k < i; ++k)
      if (!built[k].skip && !built[k].mail.message_id.empty() &&
          std::find(m.references.begin(), m.references.end(), built[k].mail.message_id) ==
              m.references.end())
        m.references.push_back(built[k].mail.message_id);
    if (!m.references.empty()) m.in_reply_to = m.references.back();
    return Link::refs;
  }

  // --- customer threads ----------------------------------------------------------------------

  struct CustomerThread {
    const Company* co = nullptr;
    bool german = true;
    int primary = 0;
    int second = -1;
    int colleague = -1;
    bool to_alias = false;
    std::string base;
    bool forward_start = false;
    Details details;
    const Topic* topic = nullptr;
    std::size_t final_customer = 0;
  };
  void customer_thread(std::size_t budget);
  void build_customer_mail(std::vector<Built>& built, const std::vector<Step>& steps, std::size_t i,
                           const CustomerThread& ct);
  void out_of_office(Built& b, const Person& responder, bool german, std::string_view seen_subject);
  void internal_thread(std::size_t budget);
  void newsletter();
  void notification();
  void bounce();
  void scan();

  const GeneratorOptions& opt_;
  MailSink& sink_;
  World world_;
  Rng rng_;
  UnixSeconds window_start_;
  UnixSeconds gateway_since_;  // our gateway tags external mail with "[EXTERN]" from here on
  GroundTruth truth_;
  std::uint64_t file_seq_ = 0;
  std::uint32_t thread_serial_ = 0;
  std::unordered_map<std::uint64_t, SubjectSpans> subject_spans_;
  std::vector<Built> built_;
};

void Generator::customer_thread(std::size_t budget) {
  CustomerThread ct;
  const Company& co = world_.companies[rng_.cumulative(world_.company_weights)];
  ct.co = &co;
  ct.german = co.lang == Lang::de;
  const int contacts = static_cast<int>(co.contacts.size());
  ct.primary = contacts > 1 && rng_.chance(300)
                   ? static_cast<int>(rng_.below(static_cast<std::uint64_t>(contacts)))
                   : 0;
  if (contacts > 1 && rng_.chance(250)) {
    ct.second = static_cast<int>(rng_.below(static_cast<std::uint64_t>(contacts - 1)));
    if (ct.second >= ct.primary) ++ct.second;
  }
  ct.colleague = rng_.chance(150) ? static_cast<int>(rng_.below(world_.colleagues.size())) : -1;
  ct.to_alias = rng_.chance(180);

  Fate fate = Fate::answered;
  const std::uint64_t fate_roll = rng_.below(1000);
  if (fate_roll < 40)
    fate = Fate::overdue;
  else if (fate_roll < 52)
    fate = Fate::fresh;

  static constexpr std::uint32_t length_weights[] = {220, 250, 180, 110, 70, 50,
                                                     40,  30,  20,  15,  10, 5};
  const std::size_t n = std::min<std::size_t>(1 + rng_.weighted(length_weights), budget);
  bool customer_starts = rng_.chance(650);
  if (n == 1) customer_starts = fate != Fate::answered;

  std::vector<Side> sides(n);
  sides[0] = customer_starts ? Side::customer : Side::us;
  for (std::size_t i = 1; i < n; ++i)
    sides[i] = rng_.chance(120) ? sides[i - 1]
                                : (sides[i - 1] == Side::customer ? Side::us : Side::customer);
  if (fate == Fate::answered && sides[n - 1] == Side::customer) sides[n - 1] = Side::us;
  if (fate != Fate::answered && sides[n - 1] == Side::us) sides[n - 1] = Side::customer;
  // A fresh customer mail must not follow an older unanswered one of theirs: a detector may
  // count the wait from the first unanswered mail, and then the thread would be overdue.
  if (fate == Fate::fresh && n >= 2) sides[n - 2] = Side::us;

  // Human steps, with out-of-office replies to Anna's mail between them.
  std::vector<Step> steps;
  std::size_t total = n;
  int last_human = -1;
  for (std::size_t i = 0; i < n; ++i) {
    Step s;
    s.side = sides[i];
    s.parent = last_human;
    if (s.side == Side::customer) {
      s.from = {Party::Kind::contact, ct.second >= 0 && rng_.chance(250) ? ct.second : ct.primary};
    } else if (ct.colleague >= 0 && i > 0 && sides[i - 1] == Side::customer && rng_.chance(400)) {
      s.from = {Party::Kind::colleague, ct.colleague};
    } else {
      const bool alias = ct.to_alias ? rng_.chance(600) : rng_.chance(30);
      s.from = {alias ? Party::Kind::alias : Party::Kind::anna, 0};
    }
    steps.push_back(s);
    last_human = static_cast<int>(steps.size() - 1);
    const bool by_anna = s.side == Side::us && s.from.user();
    const bool last = i + 1 == n;
    if (by_anna && total < budget) {
      const bool mid = !last && sides[i + 1] == Side::customer && rng_.chance(30);
      const bool end = last && rng_.chance(90);
      if (mid || end) {
        Step o;
        o.side = Side::ooo;
        o.parent = last_human;
        steps.push_back(o);
        ++total;
      }
    }
  }
  // An out-of-office from another contact, answering our mail, after the customer's last word.
  if (fate != Fate::answered && n >= 2 && sides[n - 2] == Side::us && contacts >= 2 &&
      total < budget && rng_.chance(300)) {
    const int anna_step = steps.back().parent;
    if (anna_step >= 0 && steps[static_cast<std::size_t>(anna_step)].from.user()) {
      Step o;
      o.side = Side::ooo;
      o.parent = anna_step;
      o.ooo_after_unanswered = true;
      steps.push_back(o);
      ++total;
    }
  }

  // Dates.
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].side == Side::customer) ct.final_customer = i;
  const std::size_t final_customer = ct.final_customer;
  const bool quick_final = steps.back().ooo_after_unanswered;
  steps[0].date = start_time(steps[0].side == Side::customer
                                 ? co.contacts[static_cast<std::size_t>(steps[0].from.index)].zone
                                 : Zone::berlin);
  for (std::size_t i = 1; i < steps.size(); ++i) {
    Step& s = steps[i];
    if (s.side == Side::ooo) {
      if (s.ooo_after_unanswered)
        s.date = steps[i - 1].date + rng_.between(2 * minute, 25 * minute);
      else
        s.date = steps[static_cast<std::size_t>(s.parent)].date + rng_.between(40, 240);
      continue;
    }
    const Step& prev = steps[static_cast<std::size_t>(s.parent)];
    const bool prev_drew_ooo = steps[i - 1].side == Side::ooo;
    const Zone zone = s.side == Side::customer
                          ? co.contacts[static_cast<std::size_t>(s.from.index)].zone
                          : Zone::berlin;
    UnixSeconds t = 0;
    if (s.side == Side::us && prev.side == Side::customer) {
      t = answer_time(prev.date);
    } else if (s.side == Side::customer && prev.side == Side::us) {
      if (prev_drew_ooo) {
        t = snap(prev.date + rng_.between(5 * day, 12 * day), zone, 800);
      } else if (quick_final && i == final_customer) {
        t = prev.date + rng_.between(3 * minute, 20 * minute);
      } else {
        const std::uint32_t w[] = {50, 35, 15};
        switch (rng_.weighted(w)) {
          case 0:
            t = prev.date + rng_.between(20 * minute, 6 * hour);
            break;
          case 1:
            t = snap(prev.date + rng_.between(6 * hour, 3 * day), zone, 800);
            break;
          default:
            t = snap(prev.date + rng_.between(3 * day, 6 * day), zone, 800);
            break;
        }
      }
    } else if (s.side == Side::customer) {
      t = snap(prev.date + rng_.between(2 * day, 9 * day), zone, 800);
    } else {
      t = rng_.chance(500) ? snap(prev.date + rng_.between(day, 7 * day), zone, 900)
                           : prev.date + rng_.between(10 * minute, 3 * hour);
    }
    s.date = std::max(t, steps[i - 1].date + 60);
  }

  // Anchor the thread in time according to its fate. Shifts are whole weeks (or days), so that
  // working-hours mail stays in working hours.
  const UnixSeconds now = opt_.now;
  auto latest = [&]() {
    UnixSeconds t = 0;
    for (const Step& s : steps) t = std::max(t, s.date);
    return t;
  };
  auto shift_all = [&](UnixSeconds delta) {
    for (Step& s : steps) s.date += delta;
  };
  auto weeks_needed = [](UnixSeconds excess) {
    return excess <= 0 ? UnixSeconds{0} : (excess + week - 1) / week * week;
  };
  if (fate == Fate::answered) {
    shift_all(-weeks_needed(latest() - (now - 10 * minute)));
  } else if (fate == Fate::overdue) {
    const UnixSeconds need =
        std::max(weeks_needed(steps[final_customer].date - (now - 10 * day - hour)),
                 weeks_needed(latest() - (now - 10 * minute)));
    shift_all(-need);
  } else {
    const UnixSeconds target = now - rng_.between(30 * minute, 20 * hour - 10 * minute);
    if (final_customer > 0) {
      const auto prev_index = static_cast<std::size_t>(steps[final_customer].parent);
      const UnixSeconds gap = steps[final_customer].date - steps[prev_index].date;
      UnixSeconds delta = (target - gap) - steps[prev_index].date;
      if (!quick_final) delta = delta >= 0 ? delta / day * day : -((-delta + day - 1) / day * day);
      for (std::size_t i = 0; i < final_customer; ++i) steps[i].date += delta;
    }
    steps[final_customer].date = target;
    for (std::size_t i = final_customer + 1; i < steps.size(); ++i)
      steps[i].date = target + rng_.between(2 * minute, 25 * minute);
  }
  const UnixSeconds first_date = steps.front().date;
  const UnixSeconds last_date = latest();

  // Subject: unique among this customer's threads within three weeks.
  const auto topic_list = customer_topics();
  for (int attempt = 0; attempt < 8 && ct.base.empty(); ++attempt) {
    ct.topic = &topic_list[rng_.below(topic_list.size())];
    ct.details = details_for(co, first_date, ct.german);
    std::string candidate =
        fill(ct.german ? ct.topic->subject_de : ct.topic->subject_en, ct.details);
    if (subject_free(co.domain, candidate, first_date, last_date)) ct.base = std::move(candidate);
  }
  if (ct.base.empty()) {
    const std::string plain =
        fill(ct.german ? ct.topic->subject_de : ct.topic->subject_en, ct.details);
    do ct.base = plain + " " + rng_.digits(6);
    while (!subject_free(co.domain, ct.base, first_date, last_date));
  }
  claim_subject(co.domain, ct.base, first_date, last_date);
  ct.details.thing = fill(ct.german ? ct.topic->thing_de : ct.topic->thing_en, ct.details);
  ct.forward_start = steps[0].side == Side::customer && rng_.chance(50);

  built_.assign(steps.size(), Built{});
  for (std::size_t i = 0; i < steps.size(); ++i) build_customer_mail(built_, steps, i, ct);

  // Duplicates: Anna's Bcc to herself, a customer mail delivered twice.
  const std::size_t originals = built_.size();
  std::size_t count = 0;
  for (const Built& b : built_) count += b.skip ? 0 : 1;
  for (std::size_t i = 0; i < originals && count < budget; ++i) {
    const Built& b = built_[i];
    if (b.skip || b.mail.message_id.empty()) continue;
    if (b.mail.actor == Actor::user && rng_.chance(30)) {
      add_duplicate(built_, i, "INBOX", rng_.between(1, 20));
      ++count;
    } else if (b.mail.actor == Actor::customer && rng_.chance(10)) {
      add_duplicate(built_, i, "INBOX", rng_.between(60, 3 * hour));
      ++count;
    }
  }

  if (fate != Fate::answered) {
    const Built& awaiting = built_[final_customer];
    AwaitingReply a;
    a.thread_root = built_[0].mail.message_id;
    a.awaiting = awaiting.mail.message_id;
    a.contact = lower(awaiting.mail.from.email);
    a.contact_name = awaiting.mail.from.name;
    a.customer = co.freemail ? "" : co.name;
    a.customer_domain = co.domain;
    a.subject = ct.base;
    a.since = awaiting.mail.date;
    assert(!a.thread_root.empty() && !a.awaiting.empty());
    (fate == Fate::overdue ? truth_.unanswered : truth_.fresh).push_back(std::move(a));
  }
  emit(ThreadKind::customer, built_);
}

void Generator::build_customer_mail(std::vector<Built>& built, const std::vector<Step>& steps,
                                    std::size_t i, const CustomerThread& ct) {
  const Step& step = steps[i];
  Built& b = built[i];
  GeneratedMail& m = b.mail;
  const Company& co = *ct.co;
  m.date = step.date;
  Built* parent = step.parent >= 0 ? &built[static_cast<std::size_t>(step.parent)] : nullptr;
  const Party anna{Party::Kind::anna, 0};
  const Party alias{Party::Kind::alias, 0};

  // Who writes to whom.
  if (step.side == Side::ooo) {
    // The auto-responder of a contact who received the parent (ours).
    Party responder{Party::Kind::other, -1};
    auto consider = [&](const std::vector<Party>& list, const Party& exclude) {
      for (const Party& r : list)
        if (r.kind == Party::Kind::contact && !(r == exclude) &&
            responder.kind == Party::Kind::other)
          responder = r;
    };
    if (step.ooo_after_unanswered) {
      const Party last_writer = built[i - 1].from;
      consider(parent->to, last_writer);
      consider(parent->cc, last_writer);
    } else {
      consider(parent->to, Party{Party::Kind::other, -1});
    }
    if (responder.kind == Party::Kind::other || built[i - 1].skip) {
      b.skip = true;
      return;
    }
    b.from = responder;
    b.to = {parent->from};
    b.human = false;
  } else {
    b.from = step.from;
    if (parent == nullptr) {
      const Party primary{Party::Kind::contact, ct.primary};
      if (step.side == Side::customer) {
        b.to = {ct.to_alias ? alias : anna};
        if (ct.second >= 0) {
          const Party other{Party::Kind::contact,
                            b.from.index == ct.second ? ct.primary : ct.second};
          b.cc.push_back(other);
        }
      } else {
        b.to = {primary};
        if (ct.second >= 0) b.cc.push_back({Party::Kind::contact, ct.second});
      }
      if (ct.colleague >= 0) b.cc.push_back({Party::Kind::colleague, ct.colleague});
    } else if (parent->from == b.from || (parent->from.user() && b.from.user())) {
      b.to = parent->to;  // a follow-up to one's own message
      b.cc = parent->cc;
    } else {
      b.to = {parent->from};
      const Person& writer = person(b.from, &co);
      if (rng_.chance(800) || writer.client == MailClient::broken_bare) {
        for (const auto* list : {&parent->to, &parent->cc})
          for (const Party& r : *list) {
            if (r == b.from || r == parent->from) continue;
            if (b.from.user() && r.user()) continue;
            if (std::find(b.cc.begin(), b.cc.end(), r) == b.cc.end()) b.cc.push_back(r);
          }
      }
    }
    auto has = [&](const Party& p) {
      return std::find(b.to.begin(), b.to.end(), p) != b.to.end() ||
             std::find(b.cc.begin(), b.cc.end(), p) != b.cc.end();
    };
    if (b.from.kind == Party::Kind::contact && !has(anna) && !has(alias)) b.cc.push_back(anna);
    if (b.from.kind == Party::Kind::colleague && !has(anna)) b.cc.push_back(anna);
  }

  const Person& sp = person(b.from, &co);
  const bool ours = b.from.ours();
  MailClient client = sp.client;
  if (b.from.user()) {
    client = is_working_time(m.date, Zone::berlin)
                 ? (rng_.chance(920) ? MailClient::thunderbird : MailClient::roundcube)
                 : (rng_.chance(700) ? MailClient::iphone_mail : MailClient::thunderbird);
  }
  const Lang ui = ours ? Lang::de : sp.ui;
  m.client = client;

  // Subject as the writer's client produces it, then as our gateway stores it.
  std::string seen;
  if (parent != nullptr) {
    if (!ours && parent->from.ours()) {
      seen = parent->written_subject;
      if (!co.inbound_tag.empty() && seen.find(co.inbound_tag) == std::string::npos)
        seen = co.inbound_tag + " " + seen;
    } else if (ours && !parent->from.ours()) {
      seen = parent->mail.subject;
    } else {
      seen = parent->written_subject;
    }
  }
  if (step.side == Side::ooo) {
    out_of_office(b, sp, co.lang == Lang::de, seen);
  } else if (parent == nullptr) {
    b.written_subject =
        ct.forward_start ? std::string(forward_prefix(client, ui)) + " " + ct.base : ct.base;
  } else {
    b.written_subject = reply_subject(seen, client, ui);
  }
  m.subject = b.written_subject;
  tag_external(m);
  m.subject_words = sp.words;

  // Addresses.
  m.from = sender_address(sp);
  if (b.from.kind == Party::Kind::alias && rng_.chance(500)) m.from.name = "Anna Vogel";
  for (const Party& p : b.to) m.to.push_back(recipient_address(person(p, &co), client, sp));
  for (const Party& p : b.cc) m.cc.push_back(recipient_address(person(p, &co), client, sp));
  b.externals = externals_of(m);

  // Identity and linking.
  OrgInfo org;
  org.domain = domain_of(sp.email);
  if (!ours) {
    org.exchange_host = co.exchange_host;
    org.exchange_region = co.exchange_region;
  }
  const bool drop_id = sp.missing_id_habit && i != 0 && i != ct.final_customer &&
                       step.side == Side::customer && rng_.chance(400);
  if (!drop_id) m.message_id = make_message_id(client, org, m.date, rng_);
  if (parent == nullptr) {
    if (is_outlook(client)) b.index_bytes = new_thread_index(m.date, rng_);
  } else {
    link_reply(b, *parent, client, step.side == Side::ooo);
    switch (ensure_linked(built, i)) {
      case Link::subject:
        ++truth_.counts.subject_only_replies;
        break;
      case Link::thread_index:
        ++truth_.counts.thread_index_only_replies;
        break;
      case Link::refs:
        break;
    }
  }
  if (!b.index_bytes.empty()) {
    m.thread_index = base64(b.index_bytes);
    m.thread_topic = ct.base;
  }

  // Body.
  if (step.side != Side::ooo) {
    const bool german = ct.german;
    const Party& addressee = b.to.front();
    const Person* to_person =
        addressee.kind == Party::Kind::alias ? nullptr : &person(addressee, &co);
    const bool informal = ours ? (to_person != nullptr && to_person->informal)
                               : (to_person == nullptr || sp.informal);
    std::string_view pattern;
    if (step.side == Side::customer) {
      if (parent == nullptr)
        pattern = german ? ct.topic->ask_de : ct.topic->ask_en;
      else if (parent->from.kind == Party::Kind::contact)
        pattern = rng_.pick(customer_reminders(german));
      else
        pattern = rng_.pick(customer_replies(german));
    } else if (parent == nullptr) {
      pattern = german ? ct.topic->offer_de : ct.topic->offer_en;
    } else if (parent->from.ours()) {
      pattern = rng_.pick(our_follow_ups(german));
    } else {
      bool answered_before = false;
      for (std::size_t k = 0; k < i; ++k)
        if (built[k].from.ours() && !built[k].skip) answered_before = true;
      pattern = answered_before ? rng_.pick(our_replies(german))
                                : (german ? ct.topic->answer_de : ct.topic->answer_en);
    }
    if (opt_.bodies) {
      std::string sentence = fill(pattern, ct.details);
      if (!german && !sentence.empty() && sentence[0] >= 'a' && sentence[0] <= 'z')
        sentence[0] = static_cast<char>(sentence[0] - 32);
      if (ct.forward_start && parent == nullptr)
        sentence = (german ? "zur Info, bitte beachten:\n\n" : "FYI, see below:\n\n") + sentence;
      b.own_text = greeting(to_person, german, informal) + "\n\n" + sentence + "\n\n";
      b.own_text += closing(german, informal, ui);
      b.own_text +=
          signature(sp, b.from.kind == Party::Kind::contact ? &co : nullptr, client, german);
      m.body = b.own_text;
      if (parent != nullptr) append_quote(m.body, *parent, client, ui, sp.zone);
    }
    set_body_kind(m, wants_html(client, rng_));
  }

  if (b.from.user()) {
    m.folder = "Sent";
    m.actor = Actor::user;
    if (parent != nullptr && parent->from.kind == Party::Kind::contact) parent->replied = true;
  } else {
    m.folder = "INBOX";
    m.actor = step.side == Side::ooo                  ? Actor::automated
              : b.from.kind == Party::Kind::colleague ? Actor::colleague
                                                      : Actor::customer;
  }
  finish_mail(m, sp, client, m.folder == "INBOX");
}

void Generator::out_of_office(Built& b, const Person& responder, bool german,
                              std::string_view seen) {
  GeneratedMail& m = b.mail;
  std::string prefix;
  const MailClient c = responder.client;
  if (is_outlook(c)) {
    switch (responder.ui) {
      case Lang::de:
        prefix = "Automatische Antwort:";
        break;
      case Lang::da:
      case Lang::nb:
        prefix = "Autosvar:";
        break;
      case Lang::sv:
        prefix = "Automatiskt svar:";
        break;
      case Lang::nl:
        prefix = "Automatisch antwoord:";
        break;
      case Lang::fr:
        prefix = "Réponse automatique :";
        break;
      default:
        prefix = "Automatic reply:";
        break;
    }
    m.auto_submitted = "auto-generated";
    m.x_auto_response_suppress = "All";
    // Some gateways strip the markers; then only the subject tells.
    if ((responder.ui == Lang::de || responder.ui == Lang::en) && rng_.chance(200)) {
      m.auto_submitted.clear();
      m.x_auto_response_suppress.clear();
    }
  } else if (c == MailClient::lotus_notes) {
    prefix = german ? "Abwesenheitsnotiz:" : "Out of Office:";
    if (rng_.chance(500)) m.auto_submitted = "auto-generated";
  } else if (c == MailClient::gmail) {
    prefix = "Re:";  // Gmail's vacation responder: only the header tells
    m.auto_submitted = "auto-replied";
  } else if (c == MailClient::gmx_webmail) {
    prefix = "Abwesenheitsnotiz:";
    m.auto_submitted = "auto-replied";
  } else if (c == MailClient::broken_bare || c == MailClient::broken_truncating) {
    prefix = "Out of Office:";
  } else {
    const std::uint32_t w[] = {50, 30, 20};
    switch (rng_.weighted(w)) {
      case 0:  // Sieve vacation (RFC 5230)
        prefix = "Auto:";
        m.auto_submitted = "auto-replied (vacation)";
        break;
      case 1:  // the classic vacation(1) program
        prefix = "Re:";
        m.x_autoreply = "yes";
        m.precedence = rng_.chance(500) ? "junk" : "";
        break;
      default:
        prefix = german ? "Abwesenheitsnotiz:" : "Out of Office:";
        break;
    }
  }
  b.written_subject = prefix + " " + std::string(seen);
  if (opt_.bodies) {
    const LocalTime back = local_time(m.date + rng_.between(3, 14) * day, 60);
    const std::string until =
        two_digits(back.day) + "." + two_digits(back.month) + "." + std::to_string(back.year);
    b.own_text =
        german ? "Vielen Dank für Ihre Nachricht.\n\nIch bin bis einschließlich " + until +
                     " nicht im Büro und habe nur eingeschränkt Zugriff auf meine E-Mails. In "
                     "dringenden Fällen wenden Sie sich bitte an unsere Zentrale.\n\n" +
                     responder.name
               : "Thank you for your email.\n\nI am out of the office until " + until +
                     " with limited access to email. For urgent matters please contact our "
                     "office.\n\n" +
                     responder.name;
    m.body = b.own_text;
  }
  set_body_kind(m, false);
}

void Generator::internal_thread(std::size_t budget) {
  const int colleague = static_cast<int>(rng_.below(world_.colleagues.size()));
  int other = -1;
  if (rng_.chance(250)) {
    other = static_cast<int>(rng_.below(world_.colleagues.size() - 1));
    if (other >= colleague) ++other;
  }
  static constexpr std::uint32_t length_weights[] = {40, 30, 15, 10, 5};
  const std::size_t n = std::min<std::size_t>(1 + rng_.weighted(length_weights), budget);
  const Party anna{Party::Kind::anna, 0};
  const Party them{Party::Kind::colleague, colleague};
  std::vector<Party> writers(n);
  writers[0] = rng_.chance(550) ? them : anna;
  for (std::size_t i = 1; i < n; ++i)
    writers[i] = rng_.chance(100) ? writers[i - 1] : (writers[i - 1] == anna ? them : anna);

  std::vector<UnixSeconds> dates(n);
  dates[0] = start_time(Zone::berlin);
  for (std::size_t i = 1; i < n; ++i)
    dates[i] = snap(dates[i - 1] + rng_.between(10 * minute, 2 * day), Zone::berlin, 850);
  const UnixSeconds excess = dates.back() - (opt_.now - 10 * minute);
  if (excess > 0)
    for (UnixSeconds& d : dates) d -= (excess + week - 1) / week * week;

  const auto topics = internal_topics();
  const InternalTopic* topic = nullptr;
  Details details;
  std::string base;
  const Company& about = world_.companies[rng_.cumulative(world_.company_weights)];
  for (int attempt = 0; attempt < 3 && base.empty(); ++attempt) {
    topic = &topics[rng_.below(topics.size())];
    details = details_for(about, dates.front(), true);
    std::string candidate = fill(topic->subject, details);
    if (subject_free("example.com", candidate, dates.front(), dates.back()))
      base = std::move(candidate);
  }
  if (base.empty()) {
    const std::string plain = fill(topic->subject, details);
    do base = plain + " (" + rng_.digits(4) + ")";
    while (!subject_free("example.com", base, dates.front(), dates.back()));
  }
  claim_subject("example.com", base, dates.front(), dates.back());

  built_.assign(n, Built{});
  bool ooo_added = false;
  for (std::size_t i = 0; i < n; ++i) {
    Built& b = built_[i];
    GeneratedMail& m = b.mail;
    b.from = writers[i];
    m.date = dates[i];
    const Person& sp = person(b.from, nullptr);
    const Party& addressee = b.from == anna ? them : anna;
    b.to = {addressee};
    if (other >= 0) b.cc = {Party{Party::Kind::colleague, other}};
    MailClient client = sp.client;
    if (b.from == anna)
      client =
          is_working_time(m.date, Zone::berlin) ? MailClient::thunderbird : MailClient::iphone_mail;
    m.client = client;
    const Built* parent = i > 0 ? &built_[i - 1] : nullptr;
    if (parent == nullptr) {
      b.written_subject = base;
    } else {
      b.written_subject = reply_subject(parent->written_subject, client, Lang::de);
    }
    m.subject = b.written_subject;
    m.subject_words = sp.words;
    m.from = sender_address(sp);
    for (const Party& p : b.to) m.to.push_back(recipient_address(person(p, nullptr), client, sp));
    for (const Party& p : b.cc) m.cc.push_back(recipient_address(person(p, nullptr), client, sp));
    b.externals = externals_of(m);
    OrgInfo org{"example.com", "", ""};
    m.message_id = make_message_id(client, org, m.date, rng_);
    if (parent == nullptr) {
      if (is_outlook(client)) b.index_bytes = new_thread_index(m.date, rng_);
    } else {
      link_reply(b, *parent, client, false);
      ensure_linked(built_, i);
    }
    if (!b.index_bytes.empty()) {
      m.thread_index = base64(b.index_bytes);
      m.thread_topic = base;
    }
    if (opt_.bodies) {
      const Person& to_person = person(addressee, nullptr);
      b.own_text = "Hallo " + to_person.first + ",\n\n" +
                   fill(parent == nullptr ? topic->text : topic->reply, details) + "\n\n" +
                   (rng_.chance(500) ? "Danke dir!\n" : "Gruß\n") + sp.first;
      m.body = b.own_text;
      if (parent != nullptr) append_quote(m.body, *parent, client, Lang::de, Zone::berlin);
    }
    set_body_kind(m, wants_html(client, rng_));
    m.folder = b.from == anna ? "Sent" : "INBOX";
    m.actor = b.from == anna ? Actor::user : Actor::colleague;
    finish_mail(m, sp, client, m.folder == "INBOX");
    // The colleague is away: Exchange answers Anna's mail.
    if (b.from == anna && i + 1 == n && n < budget && !ooo_added &&
        is_outlook(world_.colleagues[static_cast<std::size_t>(colleague)].client) &&
        rng_.chance(80)) {
      ooo_added = true;
      Built o;
      o.from = them;
      o.to = {anna};
      o.human = false;
      GeneratedMail& om = o.mail;
      om.date = m.date + rng_.between(30, 200);
      const Person& cp = world_.colleagues[static_cast<std::size_t>(colleague)];
      om.client = cp.client;
      om.from = sender_address(cp);
      om.to = {recipient_address(world_.anna, cp.client, cp)};
      om.subject = "Automatische Antwort: " + b.written_subject;
      o.written_subject = om.subject;
      om.subject_words = cp.words;
      om.auto_submitted = "auto-generated";
      om.x_auto_response_suppress = "All";
      om.message_id = make_message_id(cp.client, org, om.date, rng_);
      om.in_reply_to = m.message_id;
      om.references = m.references;
      om.references.push_back(m.message_id);
      o.index_bytes = new_thread_index(om.date, rng_);
      om.thread_index = base64(o.index_bytes);
      om.thread_topic = base;
      if (opt_.bodies)
        om.body = "Ich bin bis " + std::to_string(rng_.between(2, 28)) +
                  ". nicht im Büro. In dringenden Fällen wenden Sie sich bitte an Anna Vogel.";
      set_body_kind(om, false);
      om.folder = "INBOX";
      om.actor = Actor::automated;
      finish_mail(om, cp, cp.client, true);
      built_.push_back(std::move(o));
    }
  }
  emit(ThreadKind::internal, built_);
}

void Generator::newsletter() {
  // From a customer's own domain (often a subdomain), or a trade publication.
  std::string display, email, list_host, title;
  bool german = true;
  const Company* from_customer = nullptr;
  if (rng_.chance(400)) {
    for (int attempt = 0; attempt < 6 && from_customer == nullptr; ++attempt) {
      const Company& c = world_.companies[rng_.cumulative(world_.company_weights)];
      if (c.newsletter) from_customer = &c;
    }
  }
  if (from_customer != nullptr) {
    german = from_customer->lang == Lang::de;
    display = from_customer->name;
    static constexpr std::string_view locals[] = {"news", "marketing", "info", "newsletter"};
    const std::string_view local = rng_.pick(locals);
    const bool sub = rng_.chance(500);
    list_host = (sub ? "mailing." : "") + from_customer->domain;
    email = std::string(local) + "@" + list_host;
    title = german ? "Newsletter" : "Newsletter";
  } else {
    const NewsletterSender& s = rng_.pick(world_.newsletters);
    display = s.display;
    email = s.email;
    list_host = s.list_host;
    title = s.title;
    german = s.german;
  }
  Built b;
  GeneratedMail& m = b.mail;
  b.human = false;
  m.date = opt_.now - rng_.between(hour, 364 * day);
  m.date = snap(m.date, Zone::berlin, 700);
  if (m.date >= opt_.now) m.date = opt_.now - hour;
  const LocalTime lt = local_time(m.date, 60);
  const auto headlines = newsletter_headlines(german);
  std::string subject =
      title + " " + std::string(german ? month_long_de(lt.month) : month_long_en(lt.month)) + " " +
      std::to_string(lt.year) + ": " + std::string(headlines[rng_.below(headlines.size())]);
  const std::string party = domain_of(email);
  for (int attempt = 0; attempt < 3 && !subject_free(party, subject, m.date, m.date); ++attempt) {
    subject = title + " " + std::to_string(rng_.between(2, 99)) + "/" + std::to_string(lt.year);
    subject += ": " + std::string(headlines[rng_.below(headlines.size())]);
  }
  while (!subject_free(party, subject, m.date, m.date)) {
    subject = title + (german ? " Sonderausgabe " : " Special ") + rng_.digits(5);
    subject += ": " + std::string(headlines[rng_.below(headlines.size())]);
  }
  claim_subject(party, subject, m.date, m.date);
  m.subject = subject;
  m.subject_words = {WordCharset::utf8, rng_.chance(500) ? 'B' : 'Q', true};
  m.client = MailClient::newsletter_tool;
  m.from = {email, display, NameStyle::quoted, m.subject_words};
  tag_external(m);
  const bool to_alias = rng_.chance(300);
  m.to = {{to_alias ? "vertrieb@example.com" : "anna.vogel@example.com",
           "",
           NameStyle::angle_only,
           {}}};
  OrgInfo org{list_host, "", ""};
  m.message_id = make_message_id(m.client, org, m.date, rng_);
  const std::uint32_t w[] = {55, 20, 25};
  const std::string token = rng_.hex(24);
  switch (rng_.weighted(w)) {
    case 0:
      m.list_unsubscribe = "<https://" + list_host + "/unsubscribe?u=" + token +
                           ">, <mailto:unsubscribe-" + token.substr(0, 12) + "@" + list_host + ">";
      if (rng_.chance(600)) m.list_id = "<" + rng_.digits(6) + ".list-id." + list_host + ">";
      break;
    case 1:
      m.precedence = "bulk";
      break;
    default:
      m.list_unsubscribe = "<mailto:unsubscribe@" + list_host + "?subject=unsubscribe>";
      m.list_id = "Newsletter <newsletter." + list_host + ">";
      m.precedence = "bulk";
      break;
  }
  if (opt_.bodies) {
    m.body = (german ? "Liebe Leserinnen und Leser,\n\nin dieser Ausgabe: "
                     : "Dear reader,\n\nIn this issue: ") +
             subject + "\n\n" + (german ? "Abmelden: https://" : "Unsubscribe: https://") +
             list_host + "/unsubscribe?u=" + token;
  }
  set_body_kind(m, rng_.chance(850));
  m.folder = "INBOX";
  m.actor = Actor::automated;
  Person sender;
  sender.email = email;
  sender.zone = Zone::berlin;
  finish_mail(m, sender, m.client, true);
  m.return_path = "bounce-" + token.substr(0, 16) + "@" + list_host;
  built_.assign(1, std::move(b));
  emit(ThreadKind::newsletter, built_);
}

void Generator::notification() {
  // Shops, carriers, portals; sometimes a customer's own supplier portal.
  Notifier n;
  const Company* portal_of = nullptr;
  if (rng_.chance(200)) {
    const Company& c = world_.companies[rng_.cumulative(world_.company_weights)];
    if (c.portal) portal_of = &c;
  }
  if (portal_of != nullptr) {
    n.display =
        (portal_of->lang == Lang::de ? "Lieferantenportal " : "Supplier Portal ") + portal_of->name;
    n.email = "no-reply@portal." + portal_of->domain;
    n.family = 7;
    n.auto_generated_header = rng_.chance(500);
  } else {
    n = rng_.pick(world_.notifiers);
  }
  Built b;
  GeneratedMail& m = b.mail;
  b.human = false;
  m.date = opt_.now - rng_.between(10 * minute, 364 * day);
  const std::string party = domain_of(n.email);
  std::string subject;
  for (int attempt = 0; attempt < 20; ++attempt) {
    switch (n.family) {
      case 0:
        subject = rng_.chance(500) ? "Ihre Bestellung " + rng_.digits(8) + " wurde versandt"
                                   : "Bestellbestätigung Nr. " + rng_.digits(8);
        break;
      case 1:
        subject = "Ihre Sendung 00340434" + rng_.digits(12) + " kommt heute";
        break;
      case 2:
        subject = "Erinnerung: Aufgabe „Angebot nachfassen“ ist fällig (#" + rng_.digits(5) + ")";
        break;
      case 3:
        subject = "Ihre Rechnung " + rng_.digits(10) + " ist online verfügbar";
        break;
      case 4:
        subject = "Reisekostenabrechnung RK-" + rng_.digits(6) + " wurde genehmigt";
        break;
      case 5:
        subject = "Terminerinnerung: Kundentermin am " + std::to_string(rng_.between(1, 28));
        subject += "." + std::to_string(rng_.between(1, 12));
        subject += ". (" + rng_.digits(4) + ")";
        break;
      case 6:
        subject = "Ihr Passwort läuft in " + std::to_string(rng_.between(2, 14));
        subject += " Tagen ab (Ticket " + rng_.digits(6) + ")";
        break;
      default:
        subject = "Neue Bestellung im Lieferantenportal: " + rng_.digits(10);
        break;
    }
    if (subject_free(party, subject, m.date, m.date)) break;
  }
  while (!subject_free(party, subject, m.date, m.date)) subject += " " + rng_.digits(6);
  claim_subject(party, subject, m.date, m.date);
  m.subject = subject;
  m.subject_words = {rng_.chance(500) ? WordCharset::utf8 : WordCharset::cp1252,
                     rng_.chance(500) ? 'B' : 'Q', rng_.chance(700)};
  m.client = MailClient::notification_system;
  m.from = {n.email, n.display, rng_.chance(500) ? NameStyle::quoted : NameStyle::bare,
            m.subject_words};
  tag_external(m);
  m.to = {{"anna.vogel@example.com", rng_.chance(500) ? "Anna Vogel" : "", NameStyle::bare, {}}};
  if (n.auto_generated_header) m.auto_submitted = "auto-generated";
  OrgInfo org{party, "", ""};
  if (!rng_.chance(60)) m.message_id = make_message_id(m.client, org, m.date, rng_);
  if (opt_.bodies)
    m.body = "Guten Tag,\n\n" + subject +
             ".\n\nDiese E-Mail wurde automatisch erstellt. Bitte antworten Sie nicht auf diese "
             "Nachricht.";
  set_body_kind(m, rng_.chance(500));
  m.folder = "INBOX";
  m.actor = Actor::automated;
  Person sender;
  sender.email = n.email;
  sender.zone = Zone::berlin;
  finish_mail(m, sender, m.client, true);
  built_.assign(1, std::move(b));
  emit(ThreadKind::notification, built_);
}

void Generator::bounce() {
  // Anna writes to a mistyped address; the mail comes back.
  const Company* co = nullptr;
  for (int attempt = 0; attempt < 10 && co == nullptr; ++attempt) {
    const Company& c = world_.companies[rng_.cumulative(world_.company_weights)];
    if (!c.freemail) co = &c;
  }
  if (co == nullptr) co = &world_.companies.front();
  const Person& contact = co->contacts.front();
  std::string typo = contact.email;
  const auto at = typo.find('@');
  // A doubled letter ("muelller"); never a doubled dot, which would not be an address at all.
  std::vector<std::size_t> letters;
  for (std::size_t k = 0; k < at; ++k)
    if (typo[k] >= 'a' && typo[k] <= 'z') letters.push_back(k);
  const std::size_t pos = letters.empty() ? 0 : letters[rng_.below(letters.size())];
  typo.insert(pos, 1, typo[pos]);
  const bool german = co->lang == Lang::de;

  Built sent;
  GeneratedMail& s = sent.mail;
  sent.from = {Party::Kind::anna, 0};
  s.date = start_time(Zone::berlin);
  if (s.date > opt_.now - hour) s.date -= week;
  const Topic& topic = customer_topics()[rng_.below(customer_topics().size())];
  Details details = details_for(*co, s.date, german);
  std::string base = fill(german ? topic.subject_de : topic.subject_en, details);
  while (!subject_free(co->domain, base, s.date, s.date + hour)) base += " " + rng_.digits(5);
  claim_subject(co->domain, base, s.date, s.date + hour);
  s.subject = base;
  sent.written_subject = base;
  s.client = MailClient::thunderbird;
  s.subject_words = world_.anna.words;
  s.from = sender_address(world_.anna);
  s.to = {{typo, contact.name, NameStyle::bare, world_.anna.words}};
  OrgInfo ours{"example.com", "", ""};
  s.message_id = make_message_id(s.client, ours, s.date, rng_);
  if (opt_.bodies) {
    details.thing = fill(german ? topic.thing_de : topic.thing_en, details);
    sent.own_text = greeting(&contact, german, contact.informal) + "\n\n" +
                    fill(german ? topic.offer_de : topic.offer_en, details) + "\n\n";
    sent.own_text += closing(german, false, Lang::de);
    sent.own_text += signature(world_.anna, nullptr, s.client, german);
    s.body = sent.own_text;
  }
  set_body_kind(s, false);
  s.folder = "Sent";
  s.actor = Actor::user;
  finish_mail(s, world_.anna, s.client, false);

  Built bounce;
  GeneratedMail& m = bounce.mail;
  bounce.human = false;
  m.date = s.date + rng_.between(3, 90);
  m.auto_submitted = "auto-replied";
  std::string report;
  const bool postfix =
      rng_.chance(600) &&
      subject_free("example.com", "Undelivered Mail Returned to Sender", m.date, m.date);
  if (postfix) {
    m.client = MailClient::postfix;
    m.subject = "Undelivered Mail Returned to Sender";
    claim_subject("example.com", m.subject, m.date, m.date);
    m.from = {"MAILER-DAEMON@mx01.example.com", "Mail Delivery System", NameStyle::bare, {}};
    OrgInfo relay{"mx01.example.com", "", ""};
    m.message_id = make_message_id(m.client, relay, m.date, rng_);
  } else {
    m.client = MailClient::exchange_system;
    m.subject = (german ? "Unzustellbar: " : "Undeliverable: ") + base;
    m.from = {"postmaster@" + co->domain, "Microsoft Outlook", NameStyle::bare, {}};
    tag_external(m);
    OrgInfo theirs{co->domain, "", ""};
    m.message_id = make_message_id(m.client, theirs, m.date, rng_);
    m.in_reply_to = s.message_id;
    m.references = {s.message_id};
  }
  m.subject_words = {WordCharset::utf8, 'Q', true};
  m.to = {{"anna.vogel@example.com", "", NameStyle::angle_only, {}}};
  m.body_kind = BodyKind::report;
  m.failed_recipient = typo;
  m.boundary = make_boundary(MailClient::postfix, rng_);
  m.content_type = "multipart/report; report-type=delivery-status; boundary=\"" + m.boundary + "\"";
  if (opt_.bodies)
    m.body =
        "This is the mail system at host mx01.example.com.\n\nI'm sorry to have to inform you "
        "that your message could not\nbe delivered to one or more recipients.\n\n<" +
        typo + ">: host mx." + co->domain + " said: 550 5.1.1 <" + typo +
        ">: Recipient address rejected: User unknown";
  m.folder = "INBOX";
  m.actor = Actor::automated;
  Person sender;
  sender.email = m.from.email;
  sender.zone = Zone::berlin;
  finish_mail(m, sender, m.client, true);
  m.return_path.clear();  // bounces have the null sender: Return-Path: <>

  if (postfix) {
    built_.assign(1, std::move(sent));
    emit(ThreadKind::customer, built_);
    built_.assign(1, std::move(bounce));
    emit(ThreadKind::bounce, built_);
  } else {
    built_.clear();
    built_.push_back(std::move(sent));
    built_.push_back(std::move(bounce));
    emit(ThreadKind::bounce, built_);
  }
}

void Generator::scan() {
  // The copier mails scans to Anna: no Message-ID, no automation markers, internal.
  Built b;
  GeneratedMail& m = b.mail;
  m.date = start_time(Zone::berlin);
  if (m.date > opt_.now - hour) m.date -= week;
  const LocalTime lt = local_time(m.date, utc_offset_minutes(Zone::berlin, m.date));
  m.subject = "Gescanntes Dokument Scan_" + std::to_string(lt.year) + two_digits(lt.month) +
              two_digits(lt.day) + "_" + two_digits(lt.hour) + two_digits(lt.minute) +
              two_digits(lt.second) + ".pdf";
  claim_subject("example.com", m.subject, m.date, m.date);
  m.client = MailClient::scanner;
  m.from = {"scanner@example.com", "Scanner 2. OG", NameStyle::quoted, {}};
  m.to = {{"anna.vogel@example.com", "", NameStyle::address_only, {}}};
  if (opt_.bodies) m.body = "Gescannt mit bizhub C458. Anlage: 1 Seite(n).";
  set_body_kind(m, false);
  m.folder = "INBOX";
  m.actor = Actor::device;
  Person sender;
  sender.email = "scanner@example.com";
  sender.zone = Zone::berlin;
  finish_mail(m, sender, m.client, true);
  built_.assign(1, std::move(b));
  emit(ThreadKind::scan, built_);
}

}  // namespace

GroundTruth generate(const GeneratorOptions& options, MailSink& sink) {
  Generator generator(options, sink);
  return generator.run();
}

}  // namespace nachfass::gen
