#include "core/directory.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/ascii.hpp"

namespace nachfass {

std::vector<Tier> default_tiers(std::int64_t business_day_seconds) {
  return {Tier{"standard", 2 * business_day_seconds, 5 * business_day_seconds},
          Tier{"key", 1 * business_day_seconds, 3 * business_day_seconds}};
}

namespace {

constexpr std::int64_t fallback_business_day_seconds = 9 * 3600;

std::string normalize_address(std::string_view text) {
  return ascii::lower(ascii::trim(text));
}

std::string normalize_domain(std::string_view text) {
  text = ascii::trim(text);
  while (!text.empty() && (text.front() == '@' || text.front() == '.')) text.remove_prefix(1);
  while (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return ascii::lower(text);
}

// "a.b.c.de" -> "b.c.de" -> "c.de" -> "de" -> "".
std::string_view parent_domain(std::string_view domain) {
  const auto dot = domain.find('.');
  return dot == std::string_view::npos ? std::string_view{} : domain.substr(dot + 1);
}

template <class Map>
CustomerIndex lookup(const Map& map, std::string_view key) {
  auto it = map.find(std::string(key));
  return it == map.end() ? no_customer : it->second;
}

// The most specific claim on `domain` or one of its parents.
CustomerIndex lookup_domain(const std::unordered_map<std::string, CustomerIndex>& claims,
                            std::string_view domain) {
  for (; !domain.empty(); domain = parent_domain(domain))
    if (auto c = lookup(claims, domain); c != no_customer) return c;
  return no_customer;
}

CustomerIndex lookup_sorted(const std::vector<std::pair<std::string, CustomerIndex>>& sorted,
                            std::string_view key) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key,
                             [](const auto& entry, std::string_view k) { return entry.first < k; });
  return it != sorted.end() && it->first == key ? it->second : no_customer;
}

// Non-empty fields of `from` overwrite those of `into`.
void merge_contact(Contact& into, const Contact& from) {
  if (!from.name.empty()) into.name = from.name;
  if (!from.first_name.empty()) into.first_name = from.first_name;
  if (!from.last_name.empty()) into.last_name = from.last_name;
  if (!from.title.empty()) into.title = from.title;
  if (from.salutation != Salutation::unknown) into.salutation = from.salutation;
  if (!from.phone.empty()) into.phone = from.phone;
}

// One external address seen in personal mail.
struct MailAddress {
  std::string email;       // lower-cased
  bool qualifies = false;  // sent us personal mail, or we sent it mail (personal or automated)
  std::vector<std::pair<Atom, std::uint32_t>> names;  // display name -> times seen
};

// Automated mail that is not an automatic answer: RFC 3834 answers carry In-Reply-To or
// References; out-of-office notices and delivery reports are answers whatever their headers.
bool starts_something(const MessageRecord& record) {
  return record.automation != Automation::out_of_office_subject &&
         record.automation != Automation::delivery_report && record.in_reply_to == empty_atom &&
         record.refs_count == 0;
}

enum class EntrySource : std::uint8_t { imported, configured, ignore_list };

class Builder {
 public:
  Builder(const Corpus& corpus, const Identities& identities)
      : corpus_(corpus), identities_(identities) {}

  void scan_mail();
  void apply_entries(const std::vector<CustomerEntry>& entries, EntrySource source);
  void apply_ignore_list(const std::vector<std::string>& ignore);
  void group_mail();
  void index();
  void count_mail();

 private:
  static constexpr std::int32_t unknown_slot = -3;
  static constexpr std::int32_t own_address = -2;
  static constexpr std::int32_t no_address = -1;

  // Index into mail_ for an external address atom, else own_address or no_address (empty, no '@').
  std::int32_t slot(Atom atom);
  // A message of ours: from the user or a colleague, or in Sent without a usable From.
  bool ours(const MessageRecord& record);
  void note_name(std::int32_t slot, Atom name);
  CustomerIndex create(std::string id);
  CustomerIndex resolve(const CustomerEntry& entry, const std::string& id) const;
  void claim_domain(const std::string& domain, CustomerIndex customer);
  void claim_address(const std::string& email, CustomerIndex customer);
  Contact& contact_of(Customer& customer, const std::string& email);
  std::string entry_id(const CustomerEntry& entry) const;
  CustomerIndex resolve_address(std::string_view email) const;

  const Corpus& corpus_;
  const Identities& identities_;

 public:
  // The results, moved into the Directory.
  struct Parts {
    std::vector<Customer> customers;
    std::vector<std::pair<std::string, CustomerIndex>> by_address;
    std::vector<std::pair<std::string, CustomerIndex>> by_domain;
    std::vector<CustomerIndex> by_atom;
  } parts_;

 private:
  std::vector<std::int32_t> slot_by_atom_;
  std::vector<MailAddress> mail_;
  std::unordered_map<std::string, std::int32_t> slot_by_email_;

  std::unordered_map<std::string, CustomerIndex> by_id_;
  std::unordered_map<std::string, CustomerIndex> address_claims_;
  std::unordered_map<std::string, CustomerIndex> domain_claims_;  // by entries
  std::unordered_map<std::string, CustomerIndex> mail_domains_;   // groups from mail
};

std::int32_t Builder::slot(Atom atom) {
  if (atom == empty_atom) return no_address;
  if (atom >= slot_by_atom_.size())
    slot_by_atom_.resize(atom + std::size_t{1} + atom / 4, unknown_slot);
  std::int32_t& cached = slot_by_atom_[atom];
  if (cached != unknown_slot) return cached;
  const std::string email = normalize_address(corpus_.text(atom));
  if (email.find('@') == std::string::npos) return cached = no_address;
  if (identities_.is_own(email)) return cached = own_address;
  auto [it, inserted] = slot_by_email_.try_emplace(email, static_cast<std::int32_t>(mail_.size()));
  if (inserted) mail_.push_back(MailAddress{email, false, {}});
  cached = it->second;
  return cached;
}

bool Builder::ours(const MessageRecord& record) {
  const std::int32_t sender = slot(record.from);
  return sender == own_address || (sender == no_address && record.folder_role == FolderRole::sent);
}

void Builder::note_name(std::int32_t slot, Atom name) {
  if (slot < 0 || name == empty_atom) return;
  auto& names = mail_[static_cast<std::size_t>(slot)].names;
  for (auto& [atom, count] : names)
    if (atom == name) {
      ++count;
      return;
    }
  const std::string_view text = ascii::trim(corpus_.text(name));
  // A "name" that is an address says nothing.
  if (text.empty() || text.find('@') != std::string_view::npos) return;
  names.emplace_back(name, 1);
}

void Builder::scan_mail() {
  const auto records = corpus_.records();
  for (MessageIndex i = 0; i < records.size(); ++i) {
    const MessageRecord& record = records[i];
    const bool from_us = ours(record);
    // Automated mail from us that starts something (a trial system's notice, an order
    // confirmation) makes its recipients customers; an automatic answer of ours (out-of-office,
    // bounce, anything replying to a message) and automated mail from outside (a supplier's
    // newsletter) make nobody one.
    if (record.automation != Automation::none && !(from_us && starts_something(record))) continue;
    const std::int32_t sender = slot(record.from);
    if (sender >= 0) {
      mail_[static_cast<std::size_t>(sender)].qualifies = true;
      note_name(sender, record.from_name);
    }
    const auto to = corpus_.to(i);
    const auto cc = corpus_.cc(i);
    const std::size_t total = to.size() + cc.size();
    for (std::size_t r = 0; r < total; ++r) {
      const Atom address = r < to.size() ? to[r] : cc[r - to.size()];
      const std::int32_t recipient = slot(address);
      if (recipient < 0) continue;
      if (from_us) mail_[static_cast<std::size_t>(recipient)].qualifies = true;
      note_name(recipient, corpus_.recipient_name(i, r));
    }
  }
}

CustomerIndex Builder::create(std::string id) {
  const auto index = static_cast<CustomerIndex>(parts_.customers.size());
  Customer customer;
  customer.id = id;
  parts_.customers.push_back(std::move(customer));
  by_id_.emplace(std::move(id), index);
  return index;
}

void Builder::claim_domain(const std::string& domain, CustomerIndex customer) {
  auto [it, inserted] = domain_claims_.try_emplace(domain, customer);
  if (!inserted && it->second != customer) {
    // The later entry wins the domain; the earlier one no longer lists it.
    auto& domains = parts_.customers[it->second].domains;
    domains.erase(std::remove(domains.begin(), domains.end(), domain), domains.end());
    it->second = customer;
  }
  auto& domains = parts_.customers[customer].domains;
  if (std::find(domains.begin(), domains.end(), domain) == domains.end()) domains.push_back(domain);
}

void Builder::claim_address(const std::string& email, CustomerIndex customer) {
  auto [it, inserted] = address_claims_.try_emplace(email, customer);
  if (!inserted && it->second != customer) {
    auto& contacts = parts_.customers[it->second].contacts;
    contacts.erase(std::remove_if(contacts.begin(), contacts.end(),
                                  [&](const Contact& c) { return c.email == email; }),
                   contacts.end());
    it->second = customer;
  }
}

Contact& Builder::contact_of(Customer& customer, const std::string& email) {
  for (auto& contact : customer.contacts)
    if (contact.email == email) return contact;
  Contact contact;
  contact.email = email;
  customer.contacts.push_back(std::move(contact));
  return customer.contacts.back();
}

// The first domain; else the first address (on a company domain: its domain, so that the
// company's other addresses in the mail join it); else the company name; else the origin.
std::string Builder::entry_id(const CustomerEntry& entry) const {
  for (const auto& domain : entry.domains)
    if (auto d = normalize_domain(domain); !d.empty()) return d;
  for (const auto& contact : entry.contacts) {
    const std::string email = normalize_address(contact.email);
    const std::string_view domain = domain_of(email);
    if (domain.empty() || identities_.is_own(email)) continue;
    return is_freemail_domain(domain) ? email : std::string(domain);
  }
  if (auto name = ascii::trim(entry.name); !name.empty()) return std::string(name);
  return entry.origin;
}

// An earlier customer the entry refines: one claiming one of its domains or (for an entry without
// domains) one of its addresses, else one with the same id.
CustomerIndex Builder::resolve(const CustomerEntry& entry, const std::string& id) const {
  bool has_domain = false;
  for (const auto& domain : entry.domains) {
    const std::string d = normalize_domain(domain);
    if (d.empty()) continue;
    has_domain = true;
    if (auto c = lookup(domain_claims_, d); c != no_customer) return c;
  }
  if (!has_domain)
    for (const auto& contact : entry.contacts)
      if (auto c = lookup(address_claims_, normalize_address(contact.email)); c != no_customer)
        return c;
  return lookup(by_id_, id);
}

void Builder::apply_entries(const std::vector<CustomerEntry>& entries, EntrySource source) {
  for (const CustomerEntry& entry : entries) {
    const std::string id = entry_id(entry);
    CustomerIndex index = resolve(entry, id);
    if (index == no_customer) index = create(id);
    {
      Customer& customer = parts_.customers[index];
      if (auto name = ascii::trim(entry.name); !name.empty()) customer.name = std::string(name);
      if (auto tier = ascii::trim(entry.tier); !tier.empty()) customer.tier = std::string(tier);
      if (entry.ignore) customer.ignored = *entry.ignore;
      (source == EntrySource::imported ? customer.from_import : customer.from_config) = true;
    }
    for (const auto& domain : entry.domains)
      if (auto d = normalize_domain(domain); !d.empty()) claim_domain(d, index);
    for (const Contact& given : entry.contacts) {
      Contact contact = given;
      contact.email = normalize_address(given.email);
      if (!contact.email.empty() && identities_.is_own(contact.email)) continue;  // a colleague
      // Only a customer that already claims the address can list it (claims and contacts move
      // together): the linear search is for repeated addresses only.
      const bool listed = !contact.email.empty() && lookup(address_claims_, contact.email) == index;
      if (!contact.email.empty()) claim_address(contact.email, index);
      Customer& customer = parts_.customers[index];
      if (!listed) {
        customer.contacts.push_back(std::move(contact));
        continue;
      }
      merge_contact(contact_of(customer, contact.email), contact);
    }
    Customer& customer = parts_.customers[index];
    customer.freemail = customer.domains.empty() && is_freemail_domain(domain_of(customer.id));
  }
}

// Addresses: an ignored customer of their own (so that ignoring "info@firma.de" does not ignore
// the whole company); domains: the customer claiming the domain, or a new one.
void Builder::apply_ignore_list(const std::vector<std::string>& ignore) {
  for (const std::string& item : ignore) {
    CustomerEntry entry;
    entry.ignore = true;
    entry.origin = "ignore";
    if (item.find('@') != std::string::npos) {
      const std::string email = normalize_address(item);
      if (identities_.is_own(email)) continue;
      CustomerIndex index = lookup(by_id_, email);
      if (index == no_customer) index = create(email);
      Customer& customer = parts_.customers[index];
      customer.ignored = true;
      customer.from_config = true;
      customer.freemail = is_freemail_domain(domain_of(email));
      contact_of(customer, email);
      claim_address(email, index);
      continue;
    }
    const std::string domain = normalize_domain(item);
    if (domain.empty()) continue;
    entry.domains.push_back(domain);
    apply_entries({entry}, EntrySource::ignore_list);
  }
}

// Every qualifying mail address joins: the entry claiming it, else the entry claiming its domain
// or a parent domain, else its own freemail customer or its domain's group.
void Builder::group_mail() {
  for (MailAddress& address : mail_) {
    if (!address.qualifies) continue;
    CustomerIndex index = lookup(address_claims_, address.email);
    const bool listed = index != no_customer;  // an entry lists the address as a contact
    const std::string_view domain = domain_of(address.email);
    if (index == no_customer) index = lookup_domain(domain_claims_, domain);
    if (index == no_customer) {
      const bool freemail = is_freemail_domain(domain);
      const std::string id = freemail ? address.email : std::string(domain);
      index = lookup(by_id_, id);
      if (index == no_customer) index = create(id);
      Customer& customer = parts_.customers[index];
      customer.freemail = freemail;
      if (!freemail) {
        mail_domains_.try_emplace(std::string(domain), index);
        if (std::find(customer.domains.begin(), customer.domains.end(), domain) ==
            customer.domains.end())
          customer.domains.emplace_back(domain);
      }
    }
    address_claims_.try_emplace(address.email, index);
    Customer& customer = parts_.customers[index];
    customer.from_mail = true;
    if (!listed) {
      Contact fresh;
      fresh.email = address.email;
      customer.contacts.push_back(std::move(fresh));
    }
    Contact& contact = listed ? contact_of(customer, address.email) : customer.contacts.back();
    if (contact.name.empty() && !address.names.empty()) {
      // The most frequent name; on a tie the first seen.
      const auto best =
          std::max_element(address.names.begin(), address.names.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      contact.name = std::string(ascii::trim(corpus_.text(best->first)));
    }
  }
}

CustomerIndex Builder::resolve_address(std::string_view email) const {
  if (auto c = lookup(address_claims_, email); c != no_customer) return c;
  const std::string_view domain = domain_of(email);
  if (auto c = lookup_domain(domain_claims_, domain); c != no_customer) return c;
  return lookup_domain(mail_domains_, domain);
}

void Builder::index() {
  for (Customer& customer : parts_.customers) {
    if (!customer.domains.empty() && !customer.freemail) customer.id = customer.domains.front();
    if (customer.tier.empty()) customer.tier = "standard";
  }
  parts_.by_address.assign(address_claims_.begin(), address_claims_.end());
  std::sort(parts_.by_address.begin(), parts_.by_address.end());
  parts_.by_domain.assign(domain_claims_.begin(), domain_claims_.end());
  for (const auto& [domain, customer] : mail_domains_)
    if (!domain_claims_.contains(domain)) parts_.by_domain.emplace_back(domain, customer);
  std::sort(parts_.by_domain.begin(), parts_.by_domain.end());

  // Addresses that appear only on automated mail from outside (an out-of-office reply from a
  // customer's colleague) create no customer, but find(Atom) must still resolve them through the
  // claims, as find(text) does.
  const auto records = corpus_.records();
  for (MessageIndex i = 0; i < records.size(); ++i) {
    if (records[i].automation == Automation::none) continue;
    slot(records[i].from);
    for (auto list : {corpus_.to(i), corpus_.cc(i)})
      for (const Atom address : list) slot(address);
  }
  parts_.by_atom.assign(slot_by_atom_.size(), no_customer);
  std::vector<CustomerIndex> by_slot(mail_.size());
  for (std::size_t s = 0; s < mail_.size(); ++s) by_slot[s] = resolve_address(mail_[s].email);
  for (std::size_t atom = 0; atom < slot_by_atom_.size(); ++atom)
    if (const auto s = slot_by_atom_[atom]; s >= 0)
      parts_.by_atom[atom] = by_slot[static_cast<std::size_t>(s)];
}

void Builder::count_mail() {
  const auto& by_atom = parts_.by_atom;
  auto customer_of = [&](Atom atom) { return atom < by_atom.size() ? by_atom[atom] : no_customer; };
  auto& customers = parts_.customers;
  auto touch = [&](CustomerIndex c, UnixSeconds date) {
    Customer& customer = customers[c];
    if (customer.first_contact == 0 || date < customer.first_contact) customer.first_contact = date;
    if (customer.last_contact == 0 || date > customer.last_contact) customer.last_contact = date;
  };
  std::vector<CustomerIndex> seen;
  const auto records = corpus_.records();
  for (MessageIndex i = 0; i < records.size(); ++i) {
    const MessageRecord& record = records[i];
    if (record.automation != Automation::none) continue;
    if (const CustomerIndex sender = customer_of(record.from); sender != no_customer) {
      ++customers[sender].inbound;
      touch(sender, record.date);
      continue;
    }
    if (!ours(record)) continue;
    seen.clear();
    for (auto list : {corpus_.to(i), corpus_.cc(i)})
      for (const Atom address : list) {
        const CustomerIndex c = customer_of(address);
        if (c == no_customer || std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
        seen.push_back(c);
        ++customers[c].outbound;
        touch(c, record.date);
      }
  }
}

}  // namespace

CustomerIndex Directory::find(std::string_view email) const {
  const std::string address = normalize_address(email);
  if (address.empty() || identities_.is_own(address)) return no_customer;
  if (auto c = lookup_sorted(by_address_, address); c != no_customer) return c;
  for (std::string_view domain = domain_of(address); !domain.empty();
       domain = parent_domain(domain))
    if (auto c = lookup_sorted(by_domain_, domain); c != no_customer) return c;
  return no_customer;
}

CustomerIndex Directory::find(Atom address) const {
  return address < customer_by_atom_.size() ? customer_by_atom_[address] : no_customer;
}

const Tier& Directory::tier_of(const Customer& customer) const {
  for (const Tier& tier : tiers_)
    if (tier.name == customer.tier) return tier;
  return tiers_[standard_tier_];
}

const Contact* Directory::contact(std::string_view email) const {
  const std::string address = normalize_address(email);
  const CustomerIndex c = find(address);
  if (c == no_customer) return nullptr;
  for (const Contact& contact : customers_[c].contacts)
    if (contact.email == address) return &contact;
  return nullptr;
}

Directory build_directory(const Corpus& corpus, const Identities& identities,
                          const DirectoryInput& input) {
  Directory directory;
  directory.identities_ = identities;

  // Tiers: a later definition of a name replaces an earlier one; "standard" always exists.
  for (const Tier& tier : input.tiers) {
    if (tier.name.empty()) continue;
    auto it = std::find_if(directory.tiers_.begin(), directory.tiers_.end(),
                           [&](const Tier& t) { return t.name == tier.name; });
    if (it != directory.tiers_.end())
      *it = tier;
    else
      directory.tiers_.push_back(tier);
  }
  auto standard = std::find_if(directory.tiers_.begin(), directory.tiers_.end(),
                               [](const Tier& t) { return t.name == "standard"; });
  if (standard == directory.tiers_.end()) {
    directory.tiers_.insert(directory.tiers_.begin(),
                            default_tiers(fallback_business_day_seconds).front());
    standard = directory.tiers_.begin();
  }
  directory.standard_tier_ = static_cast<std::size_t>(standard - directory.tiers_.begin());

  Builder builder(corpus, identities);
  builder.scan_mail();
  builder.apply_entries(input.imported, EntrySource::imported);
  builder.apply_entries(input.configured, EntrySource::configured);
  builder.apply_ignore_list(input.ignore);
  builder.group_mail();
  builder.index();
  builder.count_mail();
  directory.customers_ = std::move(builder.parts_.customers);
  directory.by_address_ = std::move(builder.parts_.by_address);
  directory.by_domain_ = std::move(builder.parts_.by_domain);
  directory.customer_by_atom_ = std::move(builder.parts_.by_atom);
  return directory;
}

}  // namespace nachfass
