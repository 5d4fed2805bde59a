#include "core/identities.hpp"

#include "core/ascii.hpp"

#include <algorithm>

namespace nachfass {

namespace {

using ascii::iequals;
using ascii::lower;

}  // namespace

std::string_view domain_of(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return {};
  return email.substr(at + 1);
}

bool is_freemail_domain(std::string_view domain) {
  static constexpr std::string_view freemail[] = {
      "gmail.com",  "googlemail.com", "gmx.de",         "gmx.net",         "gmx.at",
      "gmx.ch",     "web.de",         "t-online.de",    "freenet.de",      "arcor.de",
      "posteo.de",  "mailbox.org",    "outlook.com",    "outlook.de",      "hotmail.com",
      "hotmail.de", "live.com",       "live.de",        "msn.com",         "yahoo.com",
      "yahoo.de",   "ymail.com",      "icloud.com",     "me.com",          "mac.com",
      "aol.com",    "aol.de",         "protonmail.com", "proton.me",       "1und1.de",
      "online.de",  "email.de",       "kabelmail.de",   "vodafonemail.de", "bluewin.ch"};
  for (std::string_view f : freemail)
    if (iequals(domain, f)) return true;
  return false;
}

Identities::Identities(const std::vector<std::string>& user_addresses,
                       const std::vector<std::string>& own_domains) {
  for (const auto& a : user_addresses) user_addresses_.push_back(lower(a));
  for (const auto& d : own_domains) {
    std::string_view v = d;
    while (!v.empty() && (v.front() == '@' || v.front() == '.')) v.remove_prefix(1);
    if (!v.empty()) own_domains_.push_back(lower(v));
  }
}

bool Identities::is_user(std::string_view email) const {
  return std::any_of(user_addresses_.begin(), user_addresses_.end(),
                     [&](const std::string& a) { return iequals(a, email); });
}

bool Identities::is_own(std::string_view email) const {
  if (is_user(email)) return true;
  const std::string_view domain = domain_of(email);
  if (domain.empty()) return false;
  return std::any_of(own_domains_.begin(), own_domains_.end(), [&](const std::string& own) {
    if (iequals(domain, own)) return true;
    // Subdomain: "sales.example.com" is covered by "example.com".
    return domain.size() > own.size() && domain[domain.size() - own.size() - 1] == '.' &&
           iequals(domain.substr(domain.size() - own.size()), own);
  });
}

bool Identities::is_colleague(std::string_view email) const {
  return !is_user(email) && is_own(email);
}

}  // namespace nachfass
