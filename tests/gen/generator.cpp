#include "gen/generator.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

#include "core/classify.hpp"
#include "core/holidays.hpp"
#include "core/rules.hpp"
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
// What our last word in a thread says (see StalledTruth).
enum class StallClass : std::uint8_t { none, expects, pause, closing };
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
  StallClass stall = StallClass::none;
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
    plan_scenarios();
    while (truth_.counts.messages < opt_.messages) {
      const std::size_t budget = opt_.messages - truth_.counts.messages;
      // Engagements are spread over the run and done well before the budget ends.
      const std::size_t pending = engagements_planned_ - engagements_done_;
      if (pending > 0 && budget >= 12 && rng_.below(budget) < pending * 12) {
        engagement();
        continue;
      }
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
    label_quiet();
    label_engagements();
    label_absences();
    std::sort(truth_.stalled.begin(), truth_.stalled.end(),
              [](const StalledTruth& a, const StalledTruth& b) {
                return std::tie(a.since, a.awaiting) < std::tie(b.since, b.awaiting);
              });
    for (const StalledTruth& t : truth_.stalled) {
      if (t.label == Label::positive) ++truth_.counts.stalled;
      if (t.label == Label::negative) ++truth_.counts.not_stalled;
      if (t.label == Label::unsure) ++truth_.counts.stalled_unsure;
    }
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
    for (std::size_t idx : order)
      if (built[idx].mail.new_text.empty()) built[idx].mail.new_text = built[idx].own_text;
    record_thread(built, order);
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

  // --- scenarios of the other detectors (issue 5) ---------------------------------------------

  enum class Role : std::uint8_t { normal, engagement, quiet };
  enum class Outcome : std::uint8_t { due, contacted, converted, cancelled, not_yet, expired };
  struct AbsencePlan {
    std::int32_t first_day = 0, last_day = 0, return_day = 0;
    UnixSeconds begin = 0, end = 0;  // first day 00:00 to the return day 18:00
  };
  struct ContactEvent {
    UnixSeconds date = 0;
    bool outbound = false;
    bool duplicate = false;
  };
  struct EngagementFacts {
    std::size_t truth = 0;
    std::size_t company = 0;
    std::int32_t start_day = 0, follow_up_day = 0, window_start_day = 0, expire_day = 0;
    bool converted = false, cancelled = false;
  };

  static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
  }
  static std::int32_t berlin_day(UnixSeconds t) {
    return static_cast<std::int32_t>(
        floor_div(t + std::int64_t{utc_offset_minutes(Zone::berlin, t)} * 60, day));
  }
  static UnixSeconds berlin_time(std::int32_t d, int h, int min) {
    const UnixSeconds local = std::int64_t{d} * day + h * hour + min * minute;
    return local - std::int64_t{utc_offset_minutes(Zone::berlin, local - 2 * hour)} * 60;
  }
  static int weekday_of(std::int32_t d) { return ((d + 4) % 7 + 7) % 7; }  // 0 = Sunday
  static LocalTime civil(std::int32_t d) { return local_time(std::int64_t{d} * day, 0); }
  static std::string iso_day(std::int32_t d) {
    const LocalTime lt = civil(d);
    return std::to_string(lt.year) + "-" + two_digits(lt.month) + "-" + two_digits(lt.day);
  }
  static std::string date_de(std::int32_t d) {
    const LocalTime lt = civil(d);
    return two_digits(lt.day) + "." + two_digits(lt.month) + "." + std::to_string(lt.year);
  }
  static std::string date_en(std::int32_t d) {
    const LocalTime lt = civil(d);
    return std::string(month_long_en(lt.month)) + " " + std::to_string(lt.day) + ", " +
           std::to_string(lt.year);
  }
  bool working_day(std::int32_t d) const {
    const int wd = weekday_of(d);
    if (wd == 0 || wd == 6) return false;
    const LocalTime lt = civil(d);
    if (lt.month == 12 && (lt.day == 24 || lt.day == 31)) return false;
    return !holidays_.is_holiday(std::chrono::year{lt.year} /
                                 std::chrono::month{static_cast<unsigned>(lt.month)} /
                                 std::chrono::day{static_cast<unsigned>(lt.day)});
  }

  const Company& pick_company() { return world_.companies[rng_.cumulative(random_weights_)]; }
  std::size_t index_of(const Company& co) const {
    return static_cast<std::size_t>(&co - world_.companies.data());
  }
  // A company for a scenario thread of ordinary traffic: neither quiet nor an engagement's.
  const Company& pick_ordinary_company() {
    for (int attempt = 0; attempt < 40; ++attempt) {
      const Company& c = pick_company();
      if (role_[index_of(c)] == Role::normal) return c;
    }
    for (const Company& c : world_.companies)
      if (role_[index_of(c)] == Role::normal) return c;
    return world_.companies.front();
  }

  static constexpr std::size_t no_company = ~std::size_t{0};
  std::size_t company_of(std::string_view email) const {
    const std::string e = lower(email);
    if (const auto it = company_of_address_.find(e); it != company_of_address_.end())
      return it->second;
    if (const auto it = company_of_domain_.find(domain_of(e)); it != company_of_domain_.end())
      return it->second;
    return no_company;
  }
  std::string customer_key(std::size_t company) const {
    const Company& c = world_.companies[company];
    return c.freemail ? c.contacts.front().email : c.domain;
  }

  bool in_absence(UnixSeconds t) const {
    for (const AbsencePlan& a : absences_)
      if (t >= a.begin - day && t <= a.end + day) return true;
    return false;
  }

  // Our last word in a thread, by its age at `now`: a text that expects an answer only where the
  // stalled truth is clear (younger than 2 days, 12-80 days, older than 100 days).
  StallClass class_for_age(UnixSeconds age) {
    const bool clear = age < 2 * day || (age >= 12 * day && age <= 80 * day) || age > 100 * day;
    if (!clear) return StallClass::closing;
    return rng_.chance(550) ? StallClass::expects : StallClass::closing;
  }
  std::string final_sentence(StallClass c, bool german, const Details& d) {
    const auto pool = c == StallClass::expects ? expects_answer_texts(german)
                      : c == StallClass::pause ? pause_replies(german)
                                               : closing_texts(german);
    return fill(pool[rng_.below(pool.size())], d);
  }
  std::string sign_off(bool german) {
    static constexpr std::string_view de[] = {"Mit freundlichen Grüßen", "Viele Grüße",
                                              "Beste Grüße"};
    static constexpr std::string_view en[] = {"Best regards", "Kind regards"};
    return std::string(german ? rng_.pick(de) : rng_.pick(en));
  }
  static std::string capitalized(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
    return s;
  }

  void plan_scenarios();
  void plan_absences();
  // `keep_open`: the thread stays unanswered (the recent absence's digest is then still shown).
  void absence_arrival(const AbsencePlan& absence, std::size_t truth_index, UnixSeconds t,
                       bool keep_open);
  void engagement();
  std::size_t scenario_mail(std::vector<Built>& built, const Company& co, Party from,
                            std::vector<Party> to, std::vector<Party> cc, UnixSeconds date,
                            const std::string& base, int parent, const std::string& sentence,
                            StallClass stall, bool german);
  std::size_t system_mail(std::vector<Built>& built, const Company& co, std::string_view email,
                          std::string_view name, UnixSeconds date, const std::string& subject,
                          const std::string& text);
  void record_thread(const std::vector<Built>& built, const std::vector<std::size_t>& order);
  void label_quiet();
  void label_engagements();
  void label_absences();

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
    std::size_t final_step = ~std::size_t{0};  // our last word, when the thread ends with it
    StallClass final_class = StallClass::none;
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

  HolidayRegion holidays_ = *HolidayRegion::parse("DE-BY");
  std::vector<Role> role_;
  std::vector<UnixSeconds> stop_;  // quiet companies: no personal mail after this
  std::vector<std::uint64_t> random_weights_;
  std::vector<AbsencePlan> absences_;
  std::vector<std::vector<ContactEvent>> contacts_;  // per company
  std::unordered_map<std::string, std::size_t> company_of_address_;
  std::unordered_map<std::string, std::size_t> company_of_domain_;
  std::vector<std::size_t> engagement_companies_;
  std::size_t engagements_planned_ = 0, engagements_done_ = 0;
  std::vector<EngagementFacts> engagement_facts_;
};

void Generator::customer_thread(std::size_t budget) {
  CustomerThread ct;
  const Company& co = pick_company();
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
  const std::size_t company_index = index_of(co);
  const bool quiet = role_[company_index] == Role::quiet;
  if (quiet && fate == Fate::fresh) fate = Fate::answered;  // a quiet customer has stopped

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
  // Keep clear of Anna's absences (their threads are made on purpose) and, for a quiet customer,
  // of the time after its last contact. Whole weeks, as above; a fresh thread keeps its fresh
  // customer mail where it is.
  for (int guard = 0; guard < 200; ++guard) {
    const bool late = quiet && latest() > stop_[company_index];
    bool overlap = false;
    for (const Step& s : steps) overlap = overlap || in_absence(s.date);
    if (!late && !overlap) break;
    if (fate == Fate::fresh) {
      for (std::size_t i = 0; i < final_customer; ++i) steps[i].date -= week;
    } else {
      shift_all(-week);
    }
  }
  // Our last word, when the thread ends with it: a text chosen for a clear stalled truth.
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].side != Side::ooo) ct.final_step = i;
  if (steps[ct.final_step].side == Side::us)
    ct.final_class = class_for_age(now - steps[ct.final_step].date);
  else
    ct.final_step = ~std::size_t{0};
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
    const bool final_word = i == ct.final_step;
    if (final_word) b.stall = ct.final_class;
    if (!opt_.bodies && final_word) {
      // Even without bodies our last word carries its text: the stalled detector reads it.
      b.own_text = capitalized(final_sentence(ct.final_class, german, ct.details));
      m.body = b.own_text;
    }
    if (opt_.bodies) {
      std::string sentence =
          final_word ? final_sentence(ct.final_class, german, ct.details) : fill(pattern, ct.details);
      if (!german && !sentence.empty() && sentence[0] >= 'a' && sentence[0] <= 'z')
        sentence[0] = static_cast<char>(sentence[0] - 32);
      if (ct.forward_start && parent == nullptr)
        sentence = (german ? "zur Info, bitte beachten:\n\n" : "FYI, see below:\n\n") + sentence;
      b.own_text = greeting(to_person, german, informal) + "\n\n" + sentence + "\n\n";
      b.own_text += final_word ? sign_off(german) : closing(german, informal, ui);
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
  const Company& about = pick_company();
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
    const Company& c = pick_company();
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
  if (role_[index_of(*co)] == Role::quiet)
    while (s.date > stop_[index_of(*co)]) s.date -= week;
  sent.stall = class_for_age(opt_.now - s.date);
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
  details.thing = fill(german ? topic.thing_de : topic.thing_en, details);
  if (opt_.bodies) {
    const std::string sentence = final_sentence(sent.stall, german, details);
    sent.own_text = greeting(&contact, german, contact.informal) + "\n\n" +
                    (german ? sentence : capitalized(sentence)) + "\n\n";
    sent.own_text += sign_off(german);
    sent.own_text += signature(world_.anna, nullptr, s.client, german);
  } else {
    sent.own_text = capitalized(final_sentence(sent.stall, german, details));
  }
  s.body = sent.own_text;
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

// ---------------------------------------------------------------------------------------------
// Scenarios of the other detectors

void Generator::plan_scenarios() {
  const std::size_t n = world_.companies.size();
  role_.assign(n, Role::normal);
  stop_.assign(n, 0);
  contacts_.assign(n, {});
  for (std::size_t i = 0; i < n; ++i) {
    const Company& c = world_.companies[i];
    if (c.freemail)
      for (const Person& p : c.contacts) company_of_address_.emplace(lower(p.email), i);
    else
      company_of_domain_.emplace(c.domain, i);
  }
  // Engagements (trials, contracts, seminars) run with companies of their own from the quiet end
  // of the list: their contact windows are then decided by the scenario, not by chance traffic.
  const std::size_t wanted = opt_.messages / 120;
  const std::size_t companies_wanted = std::min(n / 3, (wanted + 1) / 2);
  for (std::size_t i = n; i-- > 0 && engagement_companies_.size() < companies_wanted;) {
    if (world_.companies[i].freemail) continue;
    role_[i] = Role::engagement;
    engagement_companies_.push_back(i);
  }
  engagements_planned_ = std::min(wanted, engagement_companies_.size() * 3);
  // Quiet customers: every fifth ordinary company of the busier two thirds stops writing.
  for (std::size_t i = 6; i < n * 2 / 3; ++i) {
    if (role_[i] != Role::normal || world_.companies[i].freemail || i % 5 != 3) continue;
    role_[i] = Role::quiet;
    stop_[i] = opt_.now - rng_.between(70, 170) * day;
  }
  random_weights_.assign(n, 0);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (role_[i] != Role::engagement) total += world_.companies[i].weight;
    random_weights_[i] = total;
  }
  if (total == 0) {  // a world too small to set companies aside
    random_weights_ = world_.company_weights;
    std::fill(role_.begin(), role_.end(), Role::normal);
    engagement_companies_.clear();
    engagements_planned_ = 0;
  }
  plan_absences();
}

void Generator::plan_absences() {
  const std::size_t count = opt_.messages >= 2000 ? 1 + rng_.below(3) : opt_.messages >= 600 ? 1 : 0;
  const std::int32_t today = berlin_day(opt_.now);
  for (std::size_t k = 0; k < count; ++k) {
    for (int attempt = 0; attempt < 30; ++attempt) {
      const int weeks = 1 + static_cast<int>(rng_.below(3));
      // The first absence is recent enough that its digest is still shown (its first thread is
      // kept open, see below); the others lie anywhere in the year.
      std::int32_t last = today - static_cast<std::int32_t>(k == 0 ? rng_.between(22, 45)
                                                                   : rng_.between(60, 320));
      last -= weekday_of(last);  // the Sunday on or before
      const std::int32_t first = last - 7 * weeks + 1;
      if (rng_.chance(400)) last -= 2;  // back on Monday after a Friday
      std::int32_t ret = last + 1;
      while (!working_day(ret)) ++ret;
      bool clash = first < today - 340;
      for (const AbsencePlan& a : absences_)
        clash = clash || (first <= a.return_day + 21 && ret + 21 >= a.first_day);
      if (clash) continue;
      AbsencePlan a;
      a.first_day = first;
      a.last_day = last;
      a.return_day = ret;
      a.begin = berlin_time(first, 0, 0);
      a.end = berlin_time(ret, 18, 0);
      absences_.push_back(a);
      break;
    }
  }
  std::sort(absences_.begin(), absences_.end(),
            [](const AbsencePlan& a, const AbsencePlan& b) { return a.first_day < b.first_day; });
  for (const AbsencePlan& a : absences_) {
    AbsenceTruth t;
    t.first_day = iso_day(a.first_day);
    t.last_day = iso_day(a.last_day);
    t.return_day = iso_day(a.return_day);
    truth_.absences.push_back(std::move(t));
  }
  // Customer mail arrives every 6 to 60 hours while Anna is away; each gets her out-of-office
  // reply, so the replies lie closer together than AbsenceSettings::merge_gap_days.
  // The most recent absence (the one planned first) keeps its first thread open, so that its
  // digest is still shown today (AbsenceSettings: shown while a thread is open).
  for (std::size_t k = 0; k < absences_.size(); ++k) {
    const AbsencePlan a = absences_[k];
    const bool recent = k + 1 == absences_.size();
    UnixSeconds t = berlin_time(a.first_day, 7, static_cast<int>(rng_.between(30, 90)));
    const UnixSeconds until = berlin_time(a.last_day, 20, 0);
    bool first = true;
    while (t < until && truth_.counts.messages + 8 < opt_.messages) {
      absence_arrival(a, k, t, recent && first);
      first = false;
      t += rng_.between(6 * hour, 60 * hour);
    }
  }
}

std::size_t Generator::scenario_mail(std::vector<Built>& built, const Company& co, Party from,
                                     std::vector<Party> to, std::vector<Party> cc,
                                     UnixSeconds date, const std::string& base, int parent,
                                     const std::string& sentence, StallClass stall, bool german) {
  built.emplace_back();
  const std::size_t i = built.size() - 1;
  Built& b = built[i];
  GeneratedMail& m = b.mail;
  b.from = from;
  b.to = std::move(to);
  b.cc = std::move(cc);
  b.stall = stall;
  m.date = date;
  const Person& sp = person(from, &co);
  const bool ours = from.ours();
  MailClient client = sp.client;
  if (from.user())
    client = is_working_time(date, Zone::berlin) ? MailClient::thunderbird : MailClient::iphone_mail;
  if (client == MailClient::broken_bare) client = MailClient::tonline_webmail;
  const Lang ui = ours ? Lang::de : sp.ui;
  m.client = client;
  const Built* p = parent >= 0 ? &built[static_cast<std::size_t>(parent)] : nullptr;
  if (p != nullptr) {
    const std::string seen = ours && !p->from.ours() ? p->mail.subject : p->written_subject;
    b.written_subject = reply_subject(seen, client, ui);
  } else {
    b.written_subject = base;
  }
  m.subject = b.written_subject;
  tag_external(m);
  m.subject_words = sp.words;
  m.from = sender_address(sp);
  for (const Party& q : b.to) m.to.push_back(recipient_address(person(q, &co), client, sp));
  for (const Party& q : b.cc) m.cc.push_back(recipient_address(person(q, &co), client, sp));
  b.externals = externals_of(m);
  OrgInfo org;
  org.domain = domain_of(sp.email);
  if (!ours) {
    org.exchange_host = co.exchange_host;
    org.exchange_region = co.exchange_region;
  }
  m.message_id = make_message_id(client, org, date, rng_);
  if (p == nullptr) {
    if (is_outlook(client)) b.index_bytes = new_thread_index(date, rng_);
  } else {
    link_reply(b, *p, client, false);
    ensure_linked(built, i);
  }
  if (!b.index_bytes.empty()) {
    m.thread_index = base64(b.index_bytes);
    m.thread_topic = base;
  }
  const Person& addressee = person(b.to.front(), &co);
  const bool informal = ours ? addressee.informal : sp.informal;
  const std::string text = german ? sentence : capitalized(sentence);
  b.own_text = greeting(&addressee, german, informal) + "\n\n" + text + "\n\n" + sign_off(german) +
               signature(sp, from.kind == Party::Kind::contact ? &co : nullptr, client, german);
  m.body = b.own_text;
  if (p != nullptr) append_quote(m.body, *p, client, ui, sp.zone);
  set_body_kind(m, wants_html(client, rng_));
  if (from.user()) {
    m.folder = "Sent";
    m.actor = Actor::user;
    if (parent >= 0 && built[static_cast<std::size_t>(parent)].from.kind == Party::Kind::contact)
      built[static_cast<std::size_t>(parent)].replied = true;
  } else {
    m.folder = "INBOX";
    m.actor = from.kind == Party::Kind::colleague ? Actor::colleague : Actor::customer;
  }
  finish_mail(m, sp, client, m.folder == "INBOX");
  return i;
}

std::size_t Generator::system_mail(std::vector<Built>& built, const Company& co,
                                   std::string_view email, std::string_view name,
                                   UnixSeconds date, const std::string& subject,
                                   const std::string& text) {
  built.emplace_back();
  Built& b = built.back();
  GeneratedMail& m = b.mail;
  b.human = false;
  m.date = date;
  m.client = MailClient::notification_system;
  m.subject = subject;
  b.written_subject = subject;
  m.subject_words = {WordCharset::utf8, 'Q', true};
  m.from = {std::string(email), std::string(name), NameStyle::bare, {}};
  const Person& contact = co.contacts.front();
  m.to = {{contact.email, contact.name, NameStyle::bare, {WordCharset::utf8, 'Q', true}}};
  m.auto_submitted = "auto-generated";
  m.message_id = make_message_id(m.client, OrgInfo{"example.com", "", ""}, date, rng_);
  b.own_text = text;
  m.body = text;
  set_body_kind(m, false);
  m.folder = "INBOX";  // Anna gets a blind copy
  m.actor = Actor::automated;
  Person sender;
  sender.email = std::string(email);
  sender.zone = Zone::berlin;
  finish_mail(m, sender, m.client, true);
  return built.size() - 1;
}

void Generator::absence_arrival(const AbsencePlan& absence, std::size_t truth_index,
                                UnixSeconds t, bool keep_open) {
  const Company& co = pick_ordinary_company();
  const bool german = co.lang == Lang::de;
  const Party customer{Party::Kind::contact, 0};
  const Party anna{Party::Kind::anna, 0};
  const Topic& topic = customer_topics()[rng_.below(customer_topics().size())];
  Details d = details_for(co, t, german);
  std::string base = fill(german ? topic.subject_de : topic.subject_en, d);
  while (!subject_free(co.domain, base, t - 30 * day, t + 30 * day)) base += " " + rng_.digits(4);
  claim_subject(co.domain, base, t - 30 * day, t + 30 * day);
  d.thing = fill(german ? topic.thing_de : topic.thing_en, d);

  built_.clear();
  const std::size_t ask =
      scenario_mail(built_, co, customer, {anna}, {}, t, base, -1,
                    fill(german ? topic.ask_de : topic.ask_en, d), StallClass::none, german);
  const std::string root = built_[ask].mail.message_id;
  const UnixSeconds arrived = built_[ask].mail.date;

  // Anna's out-of-office reply, from her Sent folder.
  {
    const GeneratedMail customer_mail = built_[ask].mail;
    built_.emplace_back();
    Built& o = built_.back();
    GeneratedMail& m = o.mail;
    o.human = false;
    o.from = anna;
    o.to = {customer};
    m.date = arrived + rng_.between(20, 240);
    m.client = MailClient::roundcube;
    m.subject = (german ? "Abwesenheitsnotiz: " : "Out of Office: ") + customer_mail.subject;
    o.written_subject = m.subject;
    m.subject_words = world_.anna.words;
    m.from = sender_address(world_.anna);
    m.to = {{lower(customer_mail.from.email), customer_mail.from.name, NameStyle::bare,
             world_.anna.words}};
    if (m.to.front().name.empty()) m.to.front().style = NameStyle::angle_only;
    m.auto_submitted = "auto-replied";
    m.message_id = make_message_id(m.client, OrgInfo{"example.com", "", ""}, m.date, rng_);
    m.in_reply_to = customer_mail.message_id;
    m.references = {customer_mail.message_id};
    o.own_text =
        german ? "Vielen Dank für Ihre Nachricht.\n\nIch bin bis einschließlich " +
                     date_de(absence.last_day) +
                     " nicht im Büro und habe keinen Zugriff auf meine E-Mails. In dringenden "
                     "Fällen wenden Sie sich bitte an vertrieb@example.com.\n\nAnna Vogel"
               : "Thank you for your message.\n\nI am out of the office until " +
                     date_en(absence.last_day) +
                     " with no access to email. For urgent matters please contact "
                     "vertrieb@example.com.\n\nAnna Vogel";
    m.body = o.own_text;
    set_body_kind(m, false);
    m.folder = "Sent";
    m.actor = Actor::automated;
    finish_mail(m, world_.anna, m.client, false);
  }

  AbsenceItemTruth item;
  item.thread_root = root;
  item.arrived = arrived;
  const UnixSeconds now = opt_.now;
  const UnixSeconds return_morning =
      berlin_time(absence.return_day, 8, static_cast<int>(rng_.between(0, 50)));
  enum { colleague, late, unanswered, on_return } outcome = unanswered;
  if (keep_open) {
    outcome = unanswered;
  } else if (return_morning - arrived < 18 * hour && rng_.chance(600)) {
    outcome = on_return;
  } else {
    const std::uint32_t w[] = {35, 35, 30};
    outcome = static_cast<decltype(outcome)>(rng_.weighted(w));
  }
  UnixSeconds answer = 0;
  if (outcome == colleague) answer = arrived + rng_.between(2 * hour, 18 * hour);
  if (outcome == on_return) answer = return_morning + rng_.between(0, 40 * minute);
  if (outcome == late) {
    answer = std::max(arrived + 10 * day + rng_.between(hour, 2 * day),
                      return_morning + rng_.between(0, 3 * day));
    answer = next_working_time(answer, Zone::berlin, static_cast<int>(rng_.between(0, 300)));
  }
  if (answer != 0 && answer > now - 2 * hour) outcome = unanswered;
  if (outcome == unanswered) {
    AwaitingReply a;
    a.thread_root = root;
    a.awaiting = root;
    a.contact = lower(built_[ask].mail.from.email);
    a.contact_name = built_[ask].mail.from.name;
    a.customer = co.freemail ? "" : co.name;
    a.customer_domain = co.domain;
    a.subject = base;
    a.since = arrived;
    truth_.unanswered.push_back(std::move(a));
  } else {
    const StallClass cls = class_for_age(now - answer);
    std::string text = final_sentence(cls, german, d);
    if (outcome == colleague) {
      const int who = static_cast<int>(rng_.below(world_.colleagues.size()));
      text = (german ? "Frau Vogel ist derzeit nicht im Haus, ich übernehme gern: "
                     : "Anna is out of the office, so I am taking care of this: ") +
             text;
      scenario_mail(built_, co, {Party::Kind::colleague, who}, {customer}, {anna}, answer, base,
                    static_cast<int>(ask), text, cls, german);
    } else {
      if (outcome == late)
        text = (german ? "entschuldigen Sie bitte die späte Antwort, ich war im Urlaub. "
                       : "sorry for the late reply, I was on holiday. ") +
               text;
      scenario_mail(built_, co, anna, {customer}, {}, answer, base, static_cast<int>(ask), text,
                    cls, german);
    }
    item.answered = built_.back().mail.date;
  }
  item.in_digest = item.answered == 0 || item.answered - item.arrived >= 10 * day;
  truth_.absences[truth_index].items.push_back(std::move(item));
  emit(ThreadKind::customer, built_);
}

void Generator::engagement() {
  const std::size_t ci = engagement_companies_[engagements_done_ % engagement_companies_.size()];
  ++engagements_done_;
  const Company& co = world_.companies[ci];
  const bool german = co.lang == Lang::de;
  const Party customer{Party::Kind::contact, 0};
  const Party anna{Party::Kind::anna, 0};
  const Person& contact = co.contacts.front();
  const UnixSeconds now = opt_.now;
  const std::int32_t today = berlin_day(now);
  const auto terms = engagement_terms();

  // trial, contract, seminar: each company has at most one engagement of each rule, so that no
  // two engagements of one rule and customer overlap (a detector may take a second start mail
  // within the first engagement as its renewal).
  const std::size_t rule = (ci + (engagements_done_ - 1) / engagement_companies_.size()) % 3;
  const EngagementTerms& term = terms[rule];
  const std::uint32_t outcome_weights[] = {34, 22, rule == 0 ? 10u : 0u, rule == 2 ? 0u : 10u,
                                           12, 12};
  const auto outcome = static_cast<Outcome>(rng_.weighted(outcome_weights));
  Details d = details_for(co, now - 30 * day, german);
  d.thing = german ? "das Angebot" : "the offer";
  auto at = [&](std::int32_t dd) {
    return berlin_time(dd, static_cast<int>(rng_.between(8, 15)),
                       static_cast<int>(rng_.between(0, 59)));
  };
  auto rel_for = [&](int due_lo, int due_hi, int not_yet_lo, int expired_lo, int expired_hi) {
    switch (outcome) {
      case Outcome::not_yet:
        return -static_cast<int>(rng_.between(4, std::max(4, not_yet_lo)));
      case Outcome::expired:
        return static_cast<int>(rng_.between(expired_lo, expired_hi));
      default:
        return static_cast<int>(rng_.between(due_lo, due_hi));
    }
  };

  std::int32_t start_day = 0, end_day = 0, original_end = 0, event_day = 0, follow_up = 0;
  int length = 0, extension = 0;
  if (rule == 0) {
    length = rng_.chance(700) ? 30 : 14;
    extension = outcome != Outcome::not_yet && rng_.chance(250) ? (rng_.chance(500) ? 14 : 30) : 0;
    const int rel = rel_for(4, 30, length - 8 + extension, 41, 200);
    follow_up = today - rel;
    end_day = follow_up + term.before_end_days;
    original_end = end_day - extension;
    start_day = original_end - length;
  } else if (rule == 1) {
    const int rel = rel_for(4, 86, 120, 94, 180);
    follow_up = today - rel;
    end_day = follow_up + term.before_end_days;
    // Contracts end at a month's end when that keeps the case where it is.
    const LocalTime e = civil(end_day);
    const std::int32_t month_end = static_cast<std::int32_t>(
        days_from_civil(e.month == 12 ? e.year + 1 : e.year,
                        static_cast<unsigned>(e.month == 12 ? 1 : e.month + 1), 1) -
        1);
    const int rel_snapped = today - (month_end - term.before_end_days);
    const bool same = (rel >= 4 && rel <= 86) ? (rel_snapped >= 4 && rel_snapped <= 86)
                      : rel < 0               ? rel_snapped <= -4
                                              : rel_snapped >= 94;
    if (same) end_day = month_end;
    follow_up = end_day - term.before_end_days;
    const std::int32_t lo = std::max<std::int32_t>(150, end_day - (today - 2));
    const std::int32_t hi = std::max<std::int32_t>(lo, std::min<std::int32_t>(1095, end_day - (today - 350)));
    start_day = end_day - static_cast<std::int32_t>(rng_.between(lo, hi));
  } else {
    if (outcome == Outcome::not_yet) {
      event_day = today + static_cast<std::int32_t>(rng_.between(1, 5));
      start_day = event_day - static_cast<std::int32_t>(
                                  rng_.between(std::max<std::int32_t>(5, event_day - today + 1), 10));
    } else {
      const int rel = rel_for(4, 17, 4, 40, 200);
      event_day = today - rel - term.after_start_days;
      start_day = event_day - static_cast<std::int32_t>(rng_.between(5, 10));
    }
    follow_up = event_day + term.after_start_days;
  }
  if (start_day >= today || start_day < today - 360) return;

  const UnixSeconds started = at(start_day);
  static constexpr std::string_view start_subjects[3][2] = {
      {"Your trial has started", "Ihr Testzugang ist aktiv"},
      {"Contract confirmation: leasing contract", "Vertragsbestätigung Leasingvertrag"},
      {"Registration confirmed: taster seminar on", "Anmeldebestätigung: Schnupperseminar am"}};
  std::string subject(start_subjects[rule][german ? 1 : 0]);
  if (rule == 1) subject += " " + d.contract;
  if (rule == 2) subject += " " + (german ? date_de(event_day) : date_en(event_day));
  if (!subject_free(co.domain, subject, started - 30 * day, started + 30 * day)) return;
  claim_subject(co.domain, subject, started - 30 * day, started + 30 * day);

  EngagementFacts facts;
  facts.company = ci;
  facts.start_day = start_day;
  facts.follow_up_day = follow_up;
  facts.window_start_day = follow_up - term.contact_window_days;
  facts.expire_day = std::max(follow_up, end_day) + term.expire_after_days;
  facts.converted = outcome == Outcome::converted;
  facts.cancelled = outcome == Outcome::cancelled;
  EngagementTruth truth;
  truth.rule = std::string(term.rule);
  truth.customer_domain = co.domain;
  truth.follow_up = iso_day(follow_up);
  if (rule != 2) truth.ends = iso_day(end_day);
  if (rule == 2) truth.event_day = iso_day(event_day);

  // The start.
  const std::string hello = german ? "Guten Tag " + contact.name + ",\n\n" : "Hello " + contact.name + ",\n\n";
  built_.clear();
  if (rule == 0) {
    const bool noreply = rng_.chance(300);
    const std::string text =
        german ? hello + "Ihr " + std::to_string(length) + "-tägiger Testzugang für " + d.product +
                     " ist ab sofort aktiv. Der Testzugang läuft am " + date_de(original_end) +
                     " ab.\n\nIhre Zugangsdaten erhalten Sie in einer separaten E-Mail. Bei "
                     "Fragen hilft Ihnen Anna Vogel gern weiter.\n\nIhr Example-Team"
               : hello + "Your " + std::to_string(length) + "-day trial of " + d.product +
                     " has started. Your trial ends on " + date_en(original_end) +
                     ".\n\nYou will receive your login details in a separate email. Anna Vogel "
                     "is happy to help with any questions.\n\nYour Example team";
    system_mail(built_, co, noreply ? "noreply@example.com" : "testzugang@example.com",
                noreply ? "Example Software" : "Example Testzugang", started, subject, text);
  } else if (rule == 1 && rng_.chance(500) && !in_absence(started)) {
    const std::string sentence =
        german ? "anbei erhalten Sie die Bestätigung Ihres Leasingvertrags " + d.contract +
                     " für " + d.product + ". Laufzeit bis " + date_de(end_day) +
                     ". Vielen Dank für Ihr Vertrauen, damit ist alles erledigt."
               : "please find attached the confirmation of your leasing contract " + d.contract +
                     " for " + d.product + ", valid until " + date_en(end_day) +
                     ". Thank you for your trust, all settled.";
    scenario_mail(built_, co, anna, {customer}, {}, started, subject, -1, sentence,
                  StallClass::closing, german);
  } else if (rule == 1) {
    const std::string text =
        german ? hello + "hiermit bestätigen wir Ihren Leasingvertrag " + d.contract + " für " +
                     d.product + ". Laufzeit bis " + date_de(end_day) +
                     ".\n\nDen unterschriebenen Vertrag finden Sie im Anhang.\n\nIhr "
                     "Example-Vertragsservice"
               : hello + "we hereby confirm your leasing contract " + d.contract + " for " +
                     d.product + ", valid until " + date_en(end_day) +
                     ".\n\nPlease find the signed contract attached.\n\nYour Example contract "
                     "service";
    system_mail(built_, co, "vertrag@example.com", "Example Vertragsservice", started, subject,
                text);
  } else {
    const std::string text =
        german ? hello + "vielen Dank für Ihre Anmeldung zum Schnupperseminar „" + d.product +
                     " kennenlernen“ am " + date_de(event_day) +
                     ", 9 bis 12 Uhr, in unserem Schulungszentrum in München. Wir freuen uns "
                     "auf Sie.\n\nIhr Example-Seminarteam"
               : hello + "thank you for registering for our taster seminar \"Getting to know " +
                     d.product + "\" on " + date_en(event_day) +
                     ", 9 am to 12 noon, at our training centre in Munich. We look forward to "
                     "seeing you.\n\nYour Example seminar team";
    system_mail(built_, co, "seminare@example.com", "Example Seminare", started, subject, text);
  }
  truth.start_message_id = built_.back().mail.message_id;
  truth.started = built_.back().mail.date;
  emit(rule == 1 && built_.back().human ? ThreadKind::customer : ThreadKind::notification,
       built_);

  auto personal_thread = [&](const std::string& base, UnixSeconds t, Party from,
                             const std::string& sentence, StallClass cls) {
    built_.clear();
    // Anna's absences hold only the threads made for them.
    if (in_absence(t) || in_absence(t + 2 * day)) return false;
    if (!subject_free(co.domain, base, t - 30 * day, t + 30 * day)) return false;
    claim_subject(co.domain, base, t - 30 * day, t + 30 * day);
    scenario_mail(built_, co, from, {from.ours() ? customer : anna}, {}, t, base, -1, sentence,
                  cls, german);
    return true;
  };

  // An extension, sometimes after the customer asked for more time.
  if (extension > 0) {
    const std::int32_t ext_day = std::min<std::int32_t>(
        today - 1, start_day + 3 + static_cast<std::int32_t>(rng_.below(
                                       static_cast<std::uint64_t>(std::max(1, length - 7)))));
    UnixSeconds t = at(ext_day);
    const UnixSeconds reply_at = t + rng_.between(hour, 4 * hour);
    const UnixSeconds age = now - reply_at;
    if (rng_.chance(600) &&
        (age < 2 * day || (age >= 12 * day && age <= 80 * day) || age > 100 * day)) {
      const std::string base = german ? "Verlängerung Testzugang " + d.product
                                      : "Trial extension " + d.product;
      if (personal_thread(base, t, customer, std::string(rng_.pick(pause_requests(german))), StallClass::none)) {
        scenario_mail(built_, co, anna, {customer}, {}, reply_at, base, 0,
                      std::string(rng_.pick(pause_replies(german))), StallClass::pause, german);
        t = built_.back().mail.date;
        emit(ThreadKind::customer, built_);
      }
    }
    built_.clear();
    const std::string text =
        german ? hello + "Ihr Testzugang für " + d.product + " wurde bis zum " +
                     date_de(end_day) + " verlängert.\n\nIhr Example-Team"
               : hello + "Your trial of " + d.product + " has been extended until " +
                     date_en(end_day) + ".\n\nYour Example team";
    system_mail(built_, co, "testzugang@example.com", "Example Testzugang",
                t + rng_.between(5 * minute, 30 * minute),
                german ? "Ihr Testzugang wurde verlängert" : "Your trial has been extended", text);
    emit(ThreadKind::notification, built_);
  }

  const std::int32_t last_inside = std::min<std::int32_t>(
      today - 1, (rule == 2 ? follow_up : end_day) - 3);
  const std::int32_t first_inside = start_day + 3;
  if (outcome == Outcome::converted && first_inside <= last_inside) {
    built_.clear();
    const std::int32_t day_of = first_inside + static_cast<std::int32_t>(rng_.below(
                                                   static_cast<std::uint64_t>(last_inside - first_inside + 1)));
    const std::string text =
        german ? hello + "vielen Dank für Ihre Bestellung. Hiermit bestätigen wir Ihren Auftrag " +
                     d.order + ": " + d.product + ", Jahreslizenz.\n\nIhr Example-Auftragsservice"
               : hello + "thank you for your order. We hereby confirm your order " + d.order +
                     ": " + d.product + ", annual licence.\n\nYour Example order service";
    system_mail(built_, co, "auftrag@example.com", "Example Auftragsservice", at(day_of),
                (german ? "Auftragsbestätigung " : "Order confirmation ") + d.order, text);
    emit(ThreadKind::notification, built_);
  } else if (outcome == Outcome::converted) {
    facts.converted = false;
  }
  if (outcome == Outcome::cancelled && first_inside <= last_inside) {
    const std::int32_t day_of = first_inside + static_cast<std::int32_t>(rng_.below(
                                                   static_cast<std::uint64_t>(last_inside - first_inside + 1)));
    const UnixSeconds t = at(day_of);
    const std::string base = rule == 0 ? (german ? "Kündigung Testzugang " + d.product
                                                 : "Please cancel our trial of " + d.product)
                                       : (german ? "Kündigung Leasingvertrag " + d.contract
                                                 : "Cancellation of leasing contract " + d.contract);
    const std::string ask =
        rule == 0 ? (german ? "hiermit kündigen wir unseren Testzugang für " + d.product +
                                  ". Bitte deaktivieren Sie den Zugang."
                            : "please cancel our trial of " + d.product +
                                  "; we have decided against it.")
                  : (german ? "hiermit kündigen wir den Leasingvertrag " + d.contract +
                                  " zum Ende der Laufzeit."
                            : "we hereby cancel leasing contract " + d.contract +
                                  " at the end of its term.");
    if (personal_thread(base, t, customer, ask, StallClass::none)) {
      scenario_mail(built_, co, anna, {customer}, {}, t + rng_.between(hour, 5 * hour), base, 0,
                    german ? "vielen Dank für Ihre Nachricht, die Kündigung ist vorgemerkt – "
                             "damit ist alles erledigt."
                           : "thank you, the cancellation is noted – all settled.",
                    StallClass::closing, german);
      emit(ThreadKind::customer, built_);
    } else {
      facts.cancelled = false;
    }
  } else if (outcome == Outcome::cancelled) {
    facts.cancelled = false;
  }
  if (outcome == Outcome::contacted) {
    const std::int32_t from_day =
        rule == 2 ? event_day + 3 : follow_up - term.contact_window_days + 3;
    if (from_day <= today - 1) {
      const std::int32_t day_of = from_day + static_cast<std::int32_t>(rng_.below(
                                                 static_cast<std::uint64_t>(today - from_day)));
      UnixSeconds t = at(day_of);
      if (t > now - hour) t = now - 3 * hour;
      static constexpr std::string_view subjects[3][2] = {
          {"Your trial of ", "Ihr Testzugang für "},
          {"Follow-up offer for leasing contract ", "Anschlussangebot Leasingvertrag "},
          {"Your visit to our taster seminar", "Ihr Besuch im Schnupperseminar"}};
      const std::string base = std::string(subjects[rule][german ? 1 : 0]) +
                               (rule == 0 ? d.product : rule == 1 ? d.contract : "");
      const std::string sentence =
          rule == 0 ? (german ? "wie gefällt Ihnen " + d.product +
                                    " bisher? Haben Sie noch Fragen zum Testzugang? Gerne "
                                    "stelle ich Ihnen auch unsere Lizenzmodelle vor."
                              : "how are you getting on with " + d.product +
                                    "? Do you have any questions about the trial? I would be "
                                    "happy to walk you through our licence options.")
          : rule == 1 ? (german ? "Ihr Leasingvertrag " + d.contract + " läuft am " +
                                      date_de(end_day) +
                                      " aus. Darf ich Ihnen ein Angebot für einen "
                                      "Anschlussvertrag schicken?"
                                : "your leasing contract " + d.contract + " ends on " +
                                      date_en(end_day) +
                                      ". May I send you an offer for a follow-up contract?")
                      : (german ? "vielen Dank für Ihre Teilnahme an unserem Schnupperseminar. "
                                  "Wie hat es Ihnen gefallen? Darf ich Ihnen ein Angebot "
                                  "schicken?"
                                : "thank you for attending our taster seminar. How did you "
                                  "like it? May I send you an offer?");
      const UnixSeconds age = now - t;
      const bool clear = age < 2 * day || (age >= 12 * day && age <= 80 * day) || age > 100 * day;
      if (personal_thread(base, t, anna, sentence, StallClass::expects)) {
        if (!clear || rng_.chance(500)) {
          const UnixSeconds answer = t + rng_.between(2 * hour, 20 * hour);
          const UnixSeconds thanks = answer + rng_.between(hour, 6 * hour);
          if (thanks < now - 10 * minute) {
            scenario_mail(built_, co, customer, {anna}, {}, answer, base, 0,
                          german ? "danke der Nachfrage, wir haben uns entschieden und melden "
                                   "uns in den nächsten Tagen."
                                 : "thanks for asking, we have made up our minds and will be in "
                                   "touch in the next few days.",
                          StallClass::none, german);
            scenario_mail(built_, co, anna, {customer}, {}, thanks, base, 1,
                          final_sentence(StallClass::closing, german, d), StallClass::closing,
                          german);
          }
        }
        emit(ThreadKind::customer, built_);
      }
    }
  }
  truth_.engagements.push_back(std::move(truth));
  facts.truth = truth_.engagements.size() - 1;
  engagement_facts_.push_back(facts);
}

void Generator::record_thread(const std::vector<Built>& built,
                              const std::vector<std::size_t>& order) {
  if (order.empty()) return;
  const Built* last = nullptr;
  for (std::size_t idx : order) {
    const Built& b = built[idx];
    const GeneratedMail& m = b.mail;
    AutomationHeaders headers;
    headers.auto_submitted = m.auto_submitted;
    headers.x_autoreply = m.x_autoreply;
    headers.x_auto_response_suppress = m.x_auto_response_suppress;
    headers.x_ms_exchange_auto_reply = m.x_ms_exchange_inbox_rules_loop;
    headers.precedence = m.precedence;
    headers.list_id = m.list_id;
    headers.list_unsubscribe = m.list_unsubscribe;
    headers.content_type = m.content_type;
    if (classify_automation(headers, lower(m.from.email), m.subject) != Automation::none) continue;
    if (!m.duplicate) last = &b;
    // Contact log: personal mail either way, per customer.
    if (is_own_address(m.from.email)) {
      std::vector<std::size_t> seen;
      for (const auto* list : {&m.to, &m.cc})
        for (const MailAddress& a : *list) {
          if (is_own_address(a.email)) continue;
          const std::size_t c = company_of(a.email);
          if (c == no_company || std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
          seen.push_back(c);
          contacts_[c].push_back({m.date, true, m.duplicate});
        }
    } else if (const std::size_t c = company_of(m.from.email); c != no_company) {
      contacts_[c].push_back({m.date, false, m.duplicate});
    }
  }
  if (last == nullptr || !is_own_address(last->mail.from.email)) return;
  std::string domain;
  for (const auto* list : {&last->mail.to, &last->mail.cc})
    for (const MailAddress& a : *list)
      if (domain.empty() && !is_own_address(a.email) && company_of(a.email) != no_company)
        domain = domain_of(lower(a.email));
  if (domain.empty()) return;
  if (last->stall == StallClass::none) {
    ++truth_.counts.stalled_unlabeled;
    return;
  }
  StalledTruth t;
  t.thread_root = built[order.front()].mail.message_id;
  t.awaiting = last->mail.message_id;
  t.customer_domain = domain;
  t.text_class = last->stall == StallClass::expects ? "expects"
                 : last->stall == StallClass::pause ? "pause"
                                                    : "closing";
  t.since = last->mail.date;
  const UnixSeconds age = opt_.now - t.since;
  const bool asks = last->stall != StallClass::closing;
  if (asks && age >= 12 * day && age <= 80 * day)
    t.label = Label::positive;
  else if (!asks || age < 2 * day || age > 100 * day)
    t.label = Label::negative;
  else
    t.label = Label::unsure;
  truth_.stalled.push_back(std::move(t));
}

void Generator::label_quiet() {
  const std::int32_t today = berlin_day(opt_.now);
  for (std::size_t c = 0; c < contacts_.size(); ++c) {
    const auto& events = contacts_[c];
    if (events.empty()) continue;
    std::vector<std::int32_t> days;
    int distinct = 0, all = 0;
    UnixSeconds first = events.front().date, last = events.front().date;
    for (const ContactEvent& e : events) {
      if (e.date > opt_.now) continue;
      days.push_back(berlin_day(e.date));
      ++all;
      if (!e.duplicate) ++distinct;
      first = std::min(first, e.date);
      last = std::max(last, e.date);
    }
    if (days.empty()) continue;
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    std::vector<int> gaps;
    for (std::size_t i = 1; i < days.size(); ++i) gaps.push_back(days[i] - days[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    QuietTruth q;
    q.customer = customer_key(c);
    q.freemail = world_.companies[c].freemail;
    q.contact_days = static_cast<int>(days.size());
    q.exchanges = distinct;
    q.first_contact = first;
    q.last_contact = last;
    q.silence_days = today - days.back();
    if (!gaps.empty()) {
      const std::size_t n = gaps.size();
      q.median_gap = n % 2 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0;
      q.p90_gap = gaps[std::min(n - 1, static_cast<std::size_t>(std::ceil(0.9 * n)) - 1)];
    }
    q.threshold_days = std::max({1.5 * q.p90_gap, 3.0 * q.median_gap, 21.0});
    const int history = today - days.front();
    const bool eligible = history >= 183 + 7 && distinct >= 10 && gaps.size() >= 2;
    const bool not_eligible = history < 183 - 7 || all < 8 || gaps.empty();
    const double silence = q.silence_days;
    if (not_eligible || silence <= 0.5 * q.threshold_days || silence > 380)
      q.label = Label::negative;
    else if (eligible && silence >= 2 * q.threshold_days && silence <= 300)
      q.label = Label::positive;
    else
      q.label = Label::unsure;
    (q.label == Label::positive   ? truth_.counts.quiet
     : q.label == Label::negative ? truth_.counts.quiet_active
                                  : truth_.counts.quiet_unsure) += 1;
    truth_.quiet.push_back(std::move(q));
  }
  std::sort(truth_.quiet.begin(), truth_.quiet.end(),
            [](const QuietTruth& a, const QuietTruth& b) { return a.customer < b.customer; });
}

void Generator::label_engagements() {
  const std::int32_t today = berlin_day(opt_.now);
  for (const EngagementFacts& f : engagement_facts_) {
    EngagementTruth& t = truth_.engagements[f.truth];
    bool clear_contact = false, near_contact = false;
    for (const ContactEvent& e : contacts_[f.company]) {
      if (!e.outbound || e.date > opt_.now) continue;
      const std::int32_t dd = berlin_day(e.date);
      if (dd < f.start_day) continue;
      if (dd >= f.window_start_day + 3) clear_contact = true;
      if (dd > f.window_start_day - 3 && dd < f.window_start_day + 3) near_contact = true;
    }
    if (f.converted) {
      t.state = "converted";
    } else if (f.cancelled) {
      t.state = "cancelled";
    } else if (clear_contact) {
      t.state = "contacted";
    } else if (today <= f.follow_up_day - 3) {
      t.state = "not_yet";
    } else if (today >= f.expire_day + 3) {
      t.state = "expired";
    } else if (near_contact || today < f.follow_up_day + 3 || today > f.expire_day - 3) {
      t.state = "unsure";
    } else {
      t.state = "due";
    }
    t.label = t.state == "due" ? Label::positive : t.state == "unsure" ? Label::unsure : Label::negative;
    (t.label == Label::positive   ? truth_.counts.lapsing
     : t.label == Label::negative ? truth_.counts.lapsing_not_due
                                  : truth_.counts.lapsing_unsure) += 1;
  }
}

void Generator::label_absences() {
  const std::int32_t today = berlin_day(opt_.now);
  const nachfass::AbsenceSettings settings{};
  for (std::size_t k = 0; k < absences_.size(); ++k) {
    AbsenceTruth& t = truth_.absences[k];
    bool listed = false, open = false;
    for (const AbsenceItemTruth& i : t.items) {
      listed = listed || i.in_digest;
      open = open || i.answered == 0;
    }
    const int since_return = today - absences_[k].return_day;
    const bool shown = since_return >= 3 && (since_return <= settings.show_days - 3 ||
                                             (open && since_return <= settings.max_days - 3));
    const bool hidden = since_return <= -3 || since_return >= settings.max_days + 3 ||
                        (!open && since_return >= settings.show_days + 3);
    t.label = shown && listed ? Label::positive
              : hidden || !listed ? Label::negative
                                  : Label::unsure;
    ++truth_.counts.absences;
    if (t.label == Label::positive) ++truth_.counts.absence_findings;
    if (t.label == Label::unsure) ++truth_.counts.absence_unsure;
  }
}

}  // namespace

std::span<const EngagementTerms> engagement_terms() {
  // trial: 7 days before the end; contract: 60 days before, contact within 30 days before that;
  // seminar: 3 days after the seminar, contact after the seminar counts.
  static constexpr EngagementTerms terms[] = {
      {"trial", 7, 0, 7, 30}, {"contract", 60, 0, 30, 30}, {"seminar", 0, 3, 3, 30}};
  return terms;
}

std::string_view to_string(Label label) {
  switch (label) {
    case Label::positive:
      return "positive";
    case Label::negative:
      return "negative";
    case Label::unsure:
      return "unsure";
  }
  return "unsure";
}

GroundTruth generate(const GeneratorOptions& options, MailSink& sink) {
  Generator generator(options, sink);
  return generator.run();
}

}  // namespace nachfass::gen
