// The customer directory: who the customers are, which addresses and domains belong to them, how
// important they are (tier, with its own response times) and whom to ignore (suppliers,
// colleagues, private mail).
//
// Built from three inputs, later ones refining earlier ones:
//   1. the mail history: every external address that exchanged personal (non-automated) mail with
//      us becomes a contact; addresses are grouped by domain into one company, except on freemail
//      domains (gmail.com, gmx.de, ...), where each address is a customer of its own;
//      so does every external recipient (To, Cc) of automated mail from one of our own addresses
//      that starts something rather than answers (no In-Reply-To, no References, not an
//      out-of-office notice or delivery report): the prospect who only ever got our trial
//      system's "Ihr Testzugang ist aktiv" from testzugang@ is the customer nobody called back.
//      Our automatic answers (the user's out-of-office reply reaches every sender) and automated
//      mail from outside (newsletters, notices) make nobody a customer. Message counts and
//      contact dates count personal mail only, so a customer known only from our automated mail
//      has none;
//   2. imported entries (CSV and vCard files, see connectors/files);
//   3. entries and the ignore list from the config ([customers]).
// An entry that names a domain claims every address of that domain (and of its subdomains); an
// entry that names only addresses claims those addresses, also on freemail domains. When two
// entries claim the same domain or address, the later source wins (config over import over mail),
// and within a source the later entry.
//
// Pure: same inputs, same directory. Lookups are by lower-cased address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/corpus.hpp"
#include "core/identities.hpp"
#include "core/model.hpp"

namespace nachfass {

// A service tier with its own response times. The tier named "standard" always exists (the
// default for customers without one); the config may redefine it and add more ("key", ...).
struct Tier {
  std::string name;
  std::int64_t sla_business_seconds = 0;    // unanswered: the customer waits at most this long
  std::int64_t stall_business_seconds = 0;  // stalled: we wait at most this long for the customer
};

enum class Salutation : std::uint8_t { unknown, frau, herr };  // Ms / Mr in English letters

struct Contact {
  std::string email;  // lower-cased addr-spec
  std::string name;   // display name ("Petra Keller"); may be empty
  std::string first_name;
  std::string last_name;
  std::string title;  // academic title as written before the name ("Dr."), may be empty
  Salutation salutation = Salutation::unknown;
  std::string phone;
};

// One directory entry as a source gives it (an imported row, a config table). Empty fields mean
// "not given": they do not overwrite what an earlier source said.
struct CustomerEntry {
  std::string name;                  // company name; may be empty
  std::vector<std::string> domains;  // lower-cased, no '@'
  std::vector<Contact> contacts;
  std::string tier;  // a tier name; empty = keep (default "standard")
  std::optional<bool> ignore;
  std::string origin;  // "kunden.csv:14", "config:[[customers.entries]] 2" (for messages)
};

struct DirectoryInput {
  std::vector<Tier> tiers;  // must contain "standard"; see default_tiers()
  std::vector<CustomerEntry> imported;
  std::vector<CustomerEntry> configured;
  // Addresses ("a@b.de") and domains ("b.de", covering subdomains) never treated as customers.
  std::vector<std::string> ignore;
};

// standard: SLA 2 business days, stall after 5 business days; key: 1 and 3 business days (for a
// 9-hour business day; the seconds are computed from `business_day_seconds`).
std::vector<Tier> default_tiers(std::int64_t business_day_seconds);

struct Customer {
  // Stable identity: the first domain for a company, the address for a freemail individual.
  std::string id;
  std::string name;  // company name; empty when no source named it (show `id` then)
  std::vector<std::string> domains;
  std::vector<Contact> contacts;  // the mail history's contacts merged with imported ones
  std::string tier = "standard";
  bool ignored = false;
  bool freemail = false;     // an individual on a freemail domain
  bool from_mail = false;    // seen in the mail history
  bool from_import = false;  // named by an imported file
  bool from_config = false;  // named by the config

  // From the mail history, personal (non-automated) messages only, up to the corpus's end (a
  // customer known only from our automated mail has zero counts and no contact dates).
  UnixSeconds first_contact = 0;  // 0 = never
  UnixSeconds last_contact = 0;
  std::uint32_t inbound = 0;   // messages from the customer to us
  std::uint32_t outbound = 0;  // messages from us to the customer
};

using CustomerIndex = std::uint32_t;
inline constexpr CustomerIndex no_customer = ~CustomerIndex{0};

class Directory {
 public:
  const std::vector<Customer>& customers() const { return customers_; }
  const std::vector<Tier>& tiers() const { return tiers_; }

  // The customer an address belongs to: an entry claiming the address, else one claiming its
  // domain or a parent domain, else the mail history's group. no_customer for own addresses,
  // addresses never seen and not claimed, and empty input. Ignored customers are returned (check
  // Customer::ignored).
  CustomerIndex find(std::string_view email) const;
  // By corpus atom (an address interned in the corpus the directory was built from); faster.
  CustomerIndex find(Atom address) const;
  const Customer& operator[](CustomerIndex index) const { return customers_[index]; }
  // The tier of a customer (the "standard" tier when the name is unknown).
  const Tier& tier_of(const Customer& customer) const;
  // The contact record for an address, or nullptr.
  const Contact* contact(std::string_view email) const;

 private:
  friend Directory build_directory(const Corpus&, const Identities&, const DirectoryInput&);
  struct Index;
  std::vector<Customer> customers_;
  std::vector<Tier> tiers_;
  std::vector<std::pair<std::string, CustomerIndex>> by_address_;  // sorted by address
  std::vector<std::pair<std::string, CustomerIndex>> by_domain_;   // sorted by domain
  std::vector<std::pair<Atom, CustomerIndex>> by_atom_;            // sorted by atom
  // Dense by corpus atom (find(Atom) is on the detectors' hot path): no_customer for atoms that
  // are not external addresses of the corpus.
  std::vector<CustomerIndex> customer_by_atom_;
  Identities identities_;  // own addresses are never customers, whatever an entry claims
  std::size_t standard_tier_ = 0;
};

// Builds the directory. Counts and contact dates come from `corpus` (messages dated after the
// newest message are counted too: the corpus has no clock). Never fails: entries that claim
// nothing (no domain, no address) are kept as customers without mail.
Directory build_directory(const Corpus& corpus, const Identities& identities,
                          const DirectoryInput& input);

}  // namespace nachfass
