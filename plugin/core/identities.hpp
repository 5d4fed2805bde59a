// Who "we" are: the user's own addresses and the organisation's domains. Decides the direction
// of every message (inbound from a customer, outbound from the user or a colleague).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nachfass {

class Identities {
 public:
  Identities() = default;
  // Addresses and domains are compared case-insensitively. A domain also covers its subdomains
  // ("example.com" covers "sales.example.com").
  Identities(const std::vector<std::string>& user_addresses,
             const std::vector<std::string>& own_domains);

  bool is_user(std::string_view email) const;       // one of the user's own addresses
  bool is_colleague(std::string_view email) const;  // own domain, not the user
  bool is_own(std::string_view email) const;        // user or colleague

  const std::vector<std::string>& user_addresses() const { return user_addresses_; }
  const std::vector<std::string>& own_domains() const { return own_domains_; }

 private:
  std::vector<std::string> user_addresses_;  // lower-cased
  std::vector<std::string> own_domains_;     // lower-cased, no leading '@' or '.'
};

// The part after the last '@'; empty when there is none.
std::string_view domain_of(std::string_view email);

// Public mail providers (gmail.com, gmx.de, web.de, t-online.de, ...): people on them are
// customers each on their own, not one company.
bool is_freemail_domain(std::string_view domain);

}  // namespace nachfass
