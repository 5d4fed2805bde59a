// The simulated world: Anna, her colleagues, customer companies with their contacts and mail
// systems, and the machines that send mail (newsletters, notification portals).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gen/generator.hpp"
#include "random.hpp"
#include "timeutil.hpp"

namespace nachfass::gen {

// Language of the text a person writes, and the UI language of their client (reply prefixes).
enum class Lang : std::uint8_t { de, en, da, sv, nb, nl, fr, tr };

struct Person {
  std::string first;
  std::string last;
  std::string name;     // "Hans Müller"
  std::string display;  // the name their own client puts into From ("Müller, Hans" in some orgs)
  std::string email;    // canonical, lower-case
  std::string written;  // the address as their client writes it (case may differ)
  bool female = false;
  bool informal = false;  // Anna and they are on first-name terms
  MailClient client = MailClient::thunderbird;
  Lang ui = Lang::de;
  Zone zone = Zone::berlin;
  NameStyle own_name_style = NameStyle::bare;  // how their client writes their own From
  WordStyle words;                             // their client's encoded-word habit
  std::string title;                           // job title for the signature
  bool missing_id_habit = false;               // a broken client that sometimes omits Message-ID
};

struct Company {
  std::string name;    // empty for a freemail individual
  std::string domain;  // mail domain of the contacts
  bool freemail = false;
  Lang lang = Lang::de;  // language of the correspondence
  Zone zone = Zone::berlin;
  std::string city;
  std::string phone_prefix;
  std::vector<Person> contacts;
  std::string inbound_tag;  // their gateway's subject tag for mail from outside, e.g. "[ext]"
  bool exchange_online = false;
  std::string exchange_host;    // e.g. "DB7PR03MB4747" (Outlook Message-IDs)
  std::string exchange_region;  // e.g. "eurprd03"
  bool newsletter = false;      // sends a newsletter from its own domain
  bool portal = false;          // runs a supplier portal with no-reply notifications
  std::uint32_t weight = 1;     // how much mail the company causes
};

struct Notifier {
  std::string display;
  std::string email;
  int family = 0;  // which subject family
  bool auto_generated_header = false;
};

struct NewsletterSender {
  std::string display;
  std::string email;
  std::string list_host;
  std::string title;  // "Vertrieb aktuell"
  bool german = true;
};

struct World {
  Person anna;
  Person alias;  // vertrieb@example.com, display "Example Vertrieb"
  std::vector<Person> colleagues;
  std::vector<Company> companies;
  std::vector<std::uint64_t> company_weights;  // running totals, for Rng::cumulative
  std::vector<Notifier> notifiers;
  std::vector<NewsletterSender> newsletters;  // third-party newsletters
};

World build_world(std::uint64_t seed, std::size_t companies);

// ASCII slug for addresses and domains: "Jürgen Weiß" -> "juergen weiss" (spaces kept).
std::string ascii_fold(std::string_view utf8);

}  // namespace nachfass::gen
