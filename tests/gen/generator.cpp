#include "gen/generator.hpp"

#include <algorithm>
#include <array>
#include <cassert>
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
    case MailClient::outlook: return "outlook";
    case MailClient::outlook_online: return "outlook-online";
    case MailClient::thunderbird: return "thunderbird";
    case MailClient::apple_mail: return "apple-mail";
    case MailClient::iphone_mail: return "iphone-mail";
    case MailClient::gmail: return "gmail";
    case MailClient::gmx_webmail: return "gmx-webmail";
    case MailClient::tonline_webmail: return "t-online-webmail";
    case MailClient::roundcube: return "roundcube";
    case MailClient::lotus_notes: return "lotus-notes";
    case MailClient::broken_truncating: return "broken-truncating";
    case MailClient::broken_bare: return "broken-bare";
    case MailClient::newsletter_tool: return "newsletter-tool";
    case MailClient::notification_system: return "notification-system";
    case MailClient::postfix: return "postfix";
    case MailClient::exchange_system: return "exchange-system";
    case MailClient::scanner: return "scanner";
  }
  return "unknown";
}

std::string_view to_string(Actor actor) {
  switch (actor) {
    case Actor::customer: return "customer";
    case Actor::user: return "user";
    case Actor::colleague: return "colleague";
    case Actor::automated: return "automated";
    case Actor::device: return "device";
  }
  return "unknown";
}

std::string_view to_string(ThreadKind kind) {
  switch (kind) {
    case ThreadKind::customer: return "customer";
    case ThreadKind::internal: return "internal";
    case ThreadKind::newsletter: return "newsletter";
    case ThreadKind::notification: return "notification";
    case ThreadKind::bounce: return "bounce";
    case ThreadKind::scan: return "scan";
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
        case Lang::de: return "AW:";
        case Lang::da:
        case Lang::sv:
        case Lang::nb: return "SV:";
        case Lang::nl: return "Antw:";
        default: return "RE:";
      }
    case MailClient::gmx_webmail: return "Aw:";
    case MailClient::tonline_webmail: return "AW:";
    case MailClient::lotus_notes: return ui == Lang::de ? "Antw:" : "Re:";
    case MailClient::broken_truncating: return "RE:";
    default: return "Re:";
  }
}

std::string_view forward_prefix(MailClient c, Lang ui) {
  switch (c) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      return ui == Lang::de ? "WG:" : (ui == Lang::da || ui == Lang::nb) ? "VS:" : "FW:";
    case MailClient::thunderbird:
    case MailClient::gmx_webmail:
    case MailClient::lotus_notes: return ui == Lang::de ? "WG:" : "Fwd:";
    default: return "Fwd:";
  }
}

DateStyle date_style_for(MailClient c, Zone zone, Rng& rng) {
  switch (c) {
    case MailClient::outlook: return DateStyle::numeric;
    case MailClient::outlook_online: return DateStyle::utc_plus;
    case MailClient::tonline_webmail: return DateStyle::numeric_padded;
    case MailClient::lotus_notes: return DateStyle::numeric_comment;
    case MailClient::broken_truncating:
      if (zone == Zone::new_york || zone == Zone::los_angeles) return DateStyle::us_name;
      return rng.chance(500) ? DateStyle::gmt_name : DateStyle::numeric_comment;
    case MailClient::broken_bare: return rng.chance(500) ? DateStyle::no_weekday : DateStyle::numeric;
    case MailClient::newsletter_tool:
      return rng.chance(500) ? DateStyle::utc_minus : DateStyle::utc_plus;
    case MailClient::notification_system:
      return rng.chance(500) ? DateStyle::gmt_name : DateStyle::numeric_padded;
    case MailClient::postfix: return DateStyle::postfix;
    case MailClient::scanner: return DateStyle::no_weekday;
    default: return rng.chance(60) ? DateStyle::numeric_comment : DateStyle::numeric;
  }
}

struct OrgInfo {
  std::string domain;  // sender's domain
  std::string exchange_host;
  std::string exchange_region;
};

std::string make_message_id(MailClient c, const OrgInfo& org, UnixSeconds date, Rng& rng) {
  switch (c) {
    case MailClient::outlook:
      return rng.hex(32) + "@srv-ex0" + std::to_string(rng.between(1, 3)) + "." + org.domain;
    case MailClient::outlook_online: {
      const std::string host = org.exchange_host.empty() ? "FR2P281MB1234" : org.exchange_host;
      const std::string region = org.exchange_region.empty() ? "eurprd03" : org.exchange_region;
      return host + rng.hex(29, true) + "@" + host + "." + region + ".prod.outlook.com";
    }
    case MailClient::thunderbird: return uuid(rng, false) + "@" + org.domain;
    case MailClient::apple_mail:
    case MailClient::iphone_mail: return uuid(rng, true) + "@" + org.domain;
    case MailClient::gmail:
      return "CA" +
             rng.chars(46, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-") +
             "@mail.gmail.com";
    case MailClient::gmx_webmail:
      return "trinity-" + uuid(rng, false) + "-" + std::to_string(date) +
             std::to_string(rng.between(100, 999)) + "@3c-app-" +
             (org.domain == "web.de" ? "webde" : "gmx") + "-bap" + two_digits(static_cast<int>(rng.between(1, 80)));
    case MailClient::tonline_webmail:
      return std::to_string(date) + std::to_string(rng.between(100, 999)) + "." +
             rng.digits(6) + "." + rng.digits(9) + "@webmail.t-online.de";
    case MailClient::roundcube: return rng.hex(32) + "@" + org.domain;
    case MailClient::lotus_notes:
      return "OF" + rng.hex(8, true) + "." + rng.hex(8, true) + "-ON" + rng.hex(8, true) + "." +
             rng.hex(8, true) + "@" + org.domain;
    case MailClient::broken_truncating:
    case MailClient::broken_bare: {
      const LocalTime lt = local_time(date, 0);
      return std::to_string(lt.year) + two_digits(lt.month) + two_digits(lt.day) +
             two_digits(lt.hour) + two_digits(lt.minute) + two_digits(lt.second) + "." +
             rng.digits(5) + "@" + (rng.chance(500) ? "localhost" : org.domain);
    }
    case MailClient::newsletter_tool:
      if (rng.chance(500))
        return "0102019" + rng.hex(9) + "-" + uuid(rng, false) + "-000000@eu-west-1.amazonses.com";
      return std::to_string(date) + "." + rng.hex(16) + "@mailer." + org.domain;
    case MailClient::notification_system:
      if (rng.chance(500))
        return rng.digits(9) + "." + rng.digits(5) + "." + std::to_string(date) + "123.JavaMail.app@" +
               "portal0" + std::to_string(rng.between(1, 4));
      return uuid(rng, false) + "@" + org.domain;
    case MailClient::postfix: {
      const LocalTime lt = local_time(date, 0);
      return std::to_string(lt.year) + two_digits(lt.month) + two_digits(lt.day) +
             two_digits(lt.hour) + two_digits(lt.minute) + two_digits(lt.second) + "." +
             rng.hex(10, true) + "@mx01.example.com";
    }
    case MailClient::exchange_system: return uuid(rng, false) + "@" + org.domain;
    case MailClient::scanner: return {};
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
  for (int i = 0; i < 16; ++i) bytes[static_cast<std::size_t>(6 + i)] = static_cast<char>(rng.below(256));
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
    case MailClient::outlook_online: return rng.chance(450);
    case MailClient::apple_mail: return rng.chance(300);
    case MailClient::gmail: return rng.chance(700);
    case MailClient::gmx_webmail:
    case MailClient::tonline_webmail: return rng.chance(400);
    case MailClient::thunderbird: return rng.chance(100);
    default: return false;
  }
}

std::string make_boundary(MailClient c, Rng& rng) {
  switch (c) {
    case MailClient::outlook:
    case MailClient::outlook_online: return "_000_" + rng.hex(40, true) + "_";
    case MailClient::apple_mail:
    case MailClient::iphone_mail: return "Apple-Mail=_" + uuid(rng, true);
    case MailClient::gmail: return "000000000000" + rng.hex(16);
    case MailClient::thunderbird: return "------------" + rng.chars(24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    default: return "----=_Part_" + rng.digits(6) + "_" + rng.digits(9) + "." + rng.digits(13);
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
  bool after_ooo = false;             // the previous message of ours drew an out-of-office
  bool ooo_after_unanswered = false;  // an OOO from another contact after the last customer mail
};

struct Built {
  GeneratedMail mail;
  Party from;
  std::vector<Party> to, cc;
  std::string written_subject;  // as the sender's client wrote it
  std::string index_bytes;      // raw Thread-Index
  std::string own_text;         // the body without the quote
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
        case 0: customer_thread(budget); break;
        case 1: internal_thread(budget); break;
        case 2: newsletter(); break;
        case 3: notification(); break;
        case 4:
          if (budget >= 2)
            bounce();
          else
            notification();
          break;
        default: scan(); break;
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
      case Party::Kind::anna: return world_.anna;
      case Party::Kind::alias: return world_.alias;
      case Party::Kind::colleague: return world_.colleagues[static_cast<std::size_t>(p.index)];
      default: return company->contacts[static_cast<std::size_t>(p.index)];
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
    if (a.name.empty()) a.style = rng_.chance(700) ? NameStyle::angle_only : NameStyle::address_only;
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
      case 0: gap = rng_.between(hour, 4 * hour); break;
      case 1: gap = rng_.between(4 * hour, day); break;
      case 2: gap = rng_.between(day, 3 * day); break;
      case 3: gap = rng_.between(3 * day, 5 * day); break;
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

  bool subject_free(std::string_view party, std::string_view base, UnixSeconds first,
                    UnixSeconds last) const {
    const auto it = subject_spans_.find(fnv1a(party, fold_subject(base)));
    if (it == subject_spans_.end()) return true;
    constexpr UnixSeconds margin = 22 * day;
    for (const auto& [a, b] : it->second)
      if (first <= b + margin && a <= last + margin) return false;
    return true;
  }

  void claim_subject(std::string_view party, std::string_view base, UnixSeconds first,
                     UnixSeconds last) {
    subject_spans_[fnv1a(party, fold_subject(base))].emplace_back(first, last);
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
      if (rng_.chance(500)) d.date = two_digits(later.day) + "." + two_digits(later.month) + "." + std::to_string(later.year);
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
        case 0: return (to->female ? "Sehr geehrte Frau " : "Sehr geehrter Herr ") + to->last + ",";
        case 1: return "Guten Tag " + title + to->last + ",";
        default: return "Hallo " + title + to->last + ",";
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

  std::string signature(const Person& p, const Company* company, MailClient client) {
    std::string s = "\n" + p.first + (rng_.chance(500) ? " " + p.last : "");
    if (client == MailClient::iphone_mail && p.email != world_.anna.email) {
      s += rng_.chance(500) ? "\n\nVon meinem iPhone gesendet" : "\n\nSent from my iPhone";
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
    s += "\n\n" + p.name + "\n" + p.title + "\n" + company->name + "\n" + company->city +
         "\nTel. " + company->phone_prefix + rng_.digits(3) + " " + rng_.digits(6);
    return s;
  }

  void append_quote(std::string& body, const Built& parent, MailClient writer, Lang ui,
                    Zone zone) {
    const GeneratedMail& pm = parent.mail;
    const int offset = utc_offset_minutes(zone, pm.date);
    const LocalTime lt = local_time(pm.date, offset);
    const std::string who = pm.from.name.empty() ? lower(pm.from.email) : pm.from.name;
    const std::string dotted = two_digits(lt.day) + "." + two_digits(lt.month) + "." +
                               std::to_string(lt.year);
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
                std::to_string(lt.year) + " " + std::to_string(h12) + ":" +
                two_digits(lt.minute) + (lt.hour < 12 ? " AM" : " PM") + "\n";
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
        body += "Am " + dotted + " um " + hm + " schrieb " + who + " <" + lower(pm.from.email) +
                ">:\n";
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
    const FormattedDate fd = format_date(m.date, sender.zone, date_style_for(client, sender.zone, rng_));
    m.date_header = fd.text;
    m.utc_offset_minutes = fd.offset_minutes;
    m.delivered = inbound ? m.date + rng_.between(2, 150) : m.date + rng_.between(0, 2);
    if (inbound) m.return_path = lower(sender.email);
  }

  void set_body_kind(GeneratedMail& m, bool html) {
    if (html) {
      m.body_kind = BodyKind::alternative;
      m.boundary = make_boundary(m.client, rng_);
      m.content_type = "multipart/alternative; boundary=\"" + m.boundary + "\"";
    } else {
      m.body_kind = BodyKind::plain;
      m.content_type = "text/plain; charset=utf-8";
      if (m.client == MailClient::thunderbird) m.content_type = "text/plain; charset=UTF-8; format=flowed";
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
        if (built[idx].replied) flags = "RS";
        else if (rng_.chance(20)) flags = "FS";
        m.in_new = m.actor != Actor::user && m.date > opt_.now - 16 * hour && !built[idx].replied &&
                   rng_.chance(700);
      }
      ++file_seq_;
      m.file_name = std::to_string(m.delivered) + ".M" + std::to_string(rng_.below(1000000)) + "P" +
                    std::to_string(rng_.between(1000, 65000)) + "Q" + std::to_string(file_seq_) +
                    ".mail";
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
      case MailClient::lotus_notes: m.in_reply_to = p.message_id; break;
      case MailClient::broken_truncating:
        if (!p.message_id.empty()) m.references = {p.message_id};
        break;
      case MailClient::broken_bare: break;
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

  void customer_thread(std::size_t budget);
  void build_customer_mail(std::vector<Built>& built, const std::vector<Step>& steps,
                           std::size_t i, const Company& co, const std::string& base,
                           bool forward_start, const Details& details, const Topic& topic);
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
  std::unordered_map<std::uint64_t, std::vector<std::pair<UnixSeconds, UnixSeconds>>>
      subject_spans_;
  std::vector<Built> built_;
};

void Generator::customer_thread(std::size_t budget) {
  const std::size_t company_index = rng_.weighted(world_.company_weights);
  const Company& co = world_.companies[company_index];
  const bool german = co.lang == Lang::de;
  const int contacts = static_cast<int>(co.contacts.size());
  const int primary = contacts > 1 && rng_.chance(300) ? static_cast<int>(rng_.below(static_cast<std::uint64_t>(contacts))) : 0;
  int second = -1;
  if (contacts > 1 && rng_.chance(250)) {
    second = static_cast<int>(rng_.below(static_cast<std::uint64_t>(contacts - 1)));
    if (second >= primary) ++second;
  }
  const int colleague =
      rng_.chance(150) ? static_cast<int>(rng_.below(world_.colleagues.size())) : -1;
  const bool to_alias = rng_.chance(180);

  Fate fate = Fate::answered;
  const std::uint64_t fate_roll = rng_.below(1000);
  if (fate_roll < 40)
    fate = Fate::overdue;
  else if (fate_roll < 52)
    fate = Fate::fresh;

  static constexpr std::uint32_t length_weights[] = {220, 250, 180, 110, 70, 50,
                                                     40,  30,  20,  15,  10, 5};
  std::size_t n = std::min<std::size_t>(1 + rng_.weighted(length_weights), budget);
  bool customer_starts = rng_.chance(650);
  if (n == 1) customer_starts = fate != Fate::answered;

  std::vector<Side> sides(n);
  sides[0] = customer_starts ? Side::customer : Side::us;
  for (std::size_t i = 1; i < n; ++i)
    sides[i] = rng_.chance(120) ? sides[i - 1]
                                : (sides[i - 1] == Side::customer ? Side::us : Side::customer);
  if (fate == Fate::answered && sides[n - 1] == Side::customer) sides[n - 1] = Side::us;
  if (fate != Fate::answered && sides[n - 1] == Side::us) sides[n - 1] = Side::customer;

  // Human steps, then out-of-office replies between them.
  std::vector<Step> steps;
  std::size_t total = n;
  int last_human = -1;
  for (std::size_t i = 0; i < n; ++i) {
    Step s;
    s.side = sides[i];
    s.parent = last_human;
    if (s.side == Side::customer) {
      s.from = {Party::Kind::contact,
                second >= 0 && rng_.chance(250) ? second : primary};
    } else if (colleague >= 0 && i > 0 && sides[i - 1] == Side::customer && rng_.chance(400)) {
      s.from = {Party::Kind::colleague, colleague};
    } else {
      const bool alias = to_alias ? rng_.chance(600) : rng_.chance(30);
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
        if (mid) steps[steps.size() - 1].after_ooo = true;  // marks the OOO; next step reads it
      }
    }
  }
  // An out-of-office from another contact, answering our mail, after the customer's last word.
  if (fate != Fate::answered && n >= 2 && sides[n - 2] == Side::us && contacts >= 2 &&
      total < budget && rng_.chance(300)) {
    int anna_step = -1;
    for (int k = static_cast<int>(steps.size()) - 2; k >= 0; --k)
      if (steps[static_cast<std::size_t>(k)].side == Side::us) {
        anna_step = k;
        break;
      }
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
  const Person& first_sender =
      steps[0].side == Side::customer ? co.contacts[static_cast<std::size_t>(steps[0].from.index)]
                                      : world_.anna;
  steps[0].date = start_time(first_sender.zone);
  std::size_t final_customer = 0;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].side == Side::customer) final_customer = i;
  const bool quick_final = steps.back().ooo_after_unanswered;
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
          case 0: t = prev.date + rng_.between(20 * minute, 6 * hour); break;
          case 1: t = snap(prev.date + rng_.between(6 * hour, 3 * day), zone, 800); break;
          default: t = snap(prev.date + rng_.between(3 * day, 6 * day), zone, 800); break;
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

  // Anchor the thread in time according to its fate.
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
    const UnixSeconds need = std::max(weeks_needed(steps[final_customer].date - (now - 10 * day - hour)),
                                      weeks_needed(latest() - (now - 10 * minute)));
    shift_all(-need);
  } else {
    const UnixSeconds target = now - rng_.between(30 * minute, 20 * hour - 10 * minute);
    if (final_customer == 0) {
      steps[0].date = target;
    } else {
      const int prev_index = steps[final_customer].parent;
      const UnixSeconds gap = steps[final_customer].date - steps[static_cast<std::size_t>(prev_index)].date;
      const UnixSeconds want_prev = target - gap;
      const UnixSeconds have_prev = steps[static_cast<std::size_t>(prev_index)].date;
      UnixSeconds delta = want_prev - have_prev;
      if (!quick_final) {
        // Whole days keep the earlier messages at their time of day.
        delta = delta >= 0 ? delta / day * day : -((-delta + day - 1) / day * day);
      }
      for (std::size_t i = 0; i < final_customer; ++i) steps[i].date += delta;
      steps[final_customer].date = target;
    }
    for (std::size_t i = final_customer + 1; i < steps.size(); ++i)
      steps[i].date = steps[final_customer].date + rng_.between(2 * minute, 25 * minute);
  }
  const UnixSeconds first_date = steps.front().date;
  const UnixSeconds last_date = latest();

  // Subject: unique among this customer's threads within three weeks.
  const std::string party = co.domain;
  const auto topic_list = customer_topics();
  const Topic* topic = nullptr;
  Details details;
  std::string base;
  for (int attempt = 0; attempt < 8; ++attempt) {
    topic = &topic_list[rng_.below(topic_list.size())];
    details = details_for(co, first_date, german);
    base = fill(german ? topic->subject_de : topic->subject_en, details);
    if (subject_free(party, base, first_date, last_date)) break;
    base.clear();
  }
  while (base.empty() || !subject_free(party, base, first_date, last_date)) {
    if (base.empty()) base = fill(german ? topic->subject_de : topic->subject_en, details);
    base += " " + rng_.digits(6);
  }
  claim_subject(party, base, first_date, last_date);
  details.thing = fill(german ? topic->thing_de : topic->thing_en, details);

  const bool forward_start = steps[0].side == Side::customer && rng_.chance(50);
  built_.assign(steps.size(), Built{});
  for (std::size_t i = 0; i < steps.size(); ++i)
    build_customer_mail(built_, steps, i, co, base, forward_start, details, *topic);

  // Duplicates: Anna's Bcc to herself, a customer mail delivered twice.
  const std::size_t human_count = built_.size();
  std::size_t count = 0;
  for (const Built& b : built_) count += b.skip ? 0 : 1;
  for (std::size_t i = 0; i < human_count && count < budget; ++i) {
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

  // Truth.
  if (fate != Fate::answered) {
    const Built& root = built_[0];
    const Built& awaiting = built_[final_customer];
    AwaitingReply a;
    a.thread_root = root.mail.message_id;
    a.awaiting = awaiting.mail.message_id;
    a.contact = lower(awaiting.mail.from.email);
    a.contact_name = awaiting.mail.from.name;
    a.customer = co.freemail ? "" : co.name;
    a.customer_domain = co.domain;
    a.subject = base;
    a.since = awaiting.mail.date;
    assert(!a.thread_root.empty() && !a.awaiting.empty());
    (fate == Fate::overdue ? truth_.unanswered : truth_.fresh).push_back(std::move(a));
  }
  emit(ThreadKind::customer, built_);
}

void Generator::build_customer_mail(std::vector<Built>& built, const std::vector<Step>& steps,
                                    std::size_t i, const Company& co, const std::string& base,
                                    bool forward_start, const Details& details,
                                    const Topic& topic) {
  const Step& step = steps[i];
  Built& b = built[i];
  GeneratedMail& m = b.mail;
  const bool german = co.lang == Lang::de;
  m.date = step.date;
  const Built* parent = step.parent >= 0 ? &built[static_cast<std::size_t>(step.parent)] : nullptr;

  // Who writes, to whom.
  if (step.side == Side::ooo) {
    // The auto-responder of someone who received the parent (ours).
    const Built& p = *parent;
    Party responder{Party::Kind::other, -1};
    if (step.ooo_after_unanswered) {
      const Party last_writer = built[i - 1].from;
      for (const auto& list : {p.to, p.cc})
        for (const Party& r : list)
          if (r.kind == Party::Kind::contact && !(r == last_writer) &&
              responder.kind == Party::Kind::other)
            responder = r;
    } else {
      for (const Party& r : p.to)
        if (r.kind == Party::Kind::contact && responder.kind == Party::Kind::other) responder = r;
    }
    if (responder.kind == Party::Kind::other) {
      b.skip = true;
      return;
    }
    b.from = responder;
    b.to = {p.from};
    b.human = false;
  } else {
    b.from = step.from;
    if (parent == nullptr) {
      if (step.side == Side::customer) {
        b.to = {to_alias_party(co, steps)};
        b.to = {Party{Party::Kind::anna, 0}};
      }
    }
  }
  (void)base;
  (void)forward_start;
  (void)details;
  (void)topic;
}

}  // namespace

GroundTruth generate(const GeneratorOptions& options, MailSink& sink) {
  Generator g(options, sink);
  return g.run();
}

}  // namespace nachfass::gen
