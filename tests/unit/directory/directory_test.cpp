#include "core/directory.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace nachfass {
namespace {

constexpr UnixSeconds day = 86400;
constexpr UnixSeconds t0 = 1'790'000'000;

class DirectoryTest : public ::testing::Test {
 protected:
  Identities identities{{"anna@example.com"}, {"example.com"}};
  Corpus corpus;
  DirectoryInput input{default_tiers(9 * 3600), {}, {}, {}};
  int next_ = 0;

  MessageIndex add(Address from, std::vector<Address> to, UnixSeconds date,
                   Automation automation = Automation::none, std::vector<Address> cc = {},
                   FolderRole role = FolderRole::inbox) {
    Message m;
    m.source_id = "INBOX/" + std::to_string(++next_);
    m.folder = role == FolderRole::sent ? "Sent" : "INBOX";
    m.folder_role = role;
    m.message_id = std::to_string(next_) + "@test";
    m.subject = "Angebot";
    m.from = std::move(from);
    m.to = std::move(to);
    m.cc = std::move(cc);
    m.date = date;
    m.automation = automation;
    return corpus.add(m);
  }
  // A customer writes to Anna, Anna answers.
  void exchange(const std::string& email, const std::string& name, UnixSeconds date) {
    add({email, name}, {{"anna@example.com", "Anna Vogel"}}, date);
    add({"anna@example.com", "Anna Vogel"}, {{email, name}}, date + 3600);
  }
  Directory build() { return build_directory(corpus, identities, input); }
  static const Customer* by_id(const Directory& d, std::string_view id) {
    for (const auto& c : d.customers())
      if (c.id == id) return &c;
    return nullptr;
  }
};

TEST_F(DirectoryTest, GroupsCompanyAddressesByDomain) {
  exchange("s.keller@mueller.de", "Sabine Keller", t0);
  exchange("T.Braun@Mueller.de", "Thomas Braun", t0 + day);
  exchange("info@schmidt-bau.de", "", t0 + 2 * day);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 2u);
  const CustomerIndex mueller = d.find("s.keller@mueller.de");
  ASSERT_NE(mueller, no_customer);
  EXPECT_EQ(d.find("t.braun@mueller.de"), mueller);
  EXPECT_EQ(d.find("T.BRAUN@MUELLER.DE"), mueller);
  EXPECT_EQ(d[mueller].id, "mueller.de");
  EXPECT_EQ(d[mueller].domains, std::vector<std::string>{"mueller.de"});
  EXPECT_EQ(d[mueller].contacts.size(), 2u);
  EXPECT_TRUE(d[mueller].from_mail);
  EXPECT_FALSE(d[mueller].from_import);
  EXPECT_FALSE(d[mueller].freemail);
  EXPECT_EQ(d[mueller].tier, "standard");
  EXPECT_NE(d.find("info@schmidt-bau.de"), mueller);
  EXPECT_EQ(d.find("nobody@unknown.de"), no_customer);
  EXPECT_EQ(d.find(""), no_customer);
}

TEST_F(DirectoryTest, FindByAtomAgreesWithFindByString) {
  exchange("s.keller@mueller.de", "Sabine Keller", t0);
  exchange("max@gmail.com", "Max", t0);
  add({"x@other.de", ""}, {{"y@third.de", ""}}, t0);
  const Directory d = build();
  for (std::string_view address : {"s.keller@mueller.de", "max@gmail.com", "anna@example.com",
                                   "x@other.de", "y@third.de"}) {
    const Atom atom = corpus.find(address);
    ASSERT_NE(atom, empty_atom) << address;
    EXPECT_EQ(d.find(atom), d.find(address)) << address;
  }
  EXPECT_EQ(d.find(corpus.find("anna@example.com")), no_customer);
  EXPECT_EQ(d.find(empty_atom), no_customer);
  EXPECT_EQ(d.find(Atom{4'000'000'000u}), no_customer);
}

TEST_F(DirectoryTest, FreemailAddressesAreCustomersOfTheirOwn) {
  exchange("max.mustermann@gmail.com", "Max Mustermann", t0);
  exchange("erika@gmail.com", "Erika", t0);
  exchange("hans@web.de", "Hans", t0);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 3u);
  const CustomerIndex max = d.find("max.mustermann@gmail.com");
  ASSERT_NE(max, no_customer);
  EXPECT_NE(d.find("erika@gmail.com"), max);
  EXPECT_EQ(d[max].id, "max.mustermann@gmail.com");
  EXPECT_TRUE(d[max].freemail);
  EXPECT_TRUE(d[max].domains.empty());
  EXPECT_EQ(d.find("someone.else@gmail.com"), no_customer);
}

TEST_F(DirectoryTest, ColleaguesAndTheUserAreNeverCustomers) {
  add({"kollege@example.com", "Kollege"}, {{"anna@example.com", ""}}, t0);
  add({"kollege@vertrieb.example.com", ""}, {{"anna@example.com", ""}}, t0);
  add({"anna@example.com", ""}, {{"kollege@example.com", ""}}, t0);
  CustomerEntry claim;
  claim.domains = {"example.com"};
  claim.contacts = {Contact{"kollege@example.com", "Kollege", "", "", "", Salutation::unknown, ""}};
  input.configured.push_back(claim);
  const Directory d = build();
  EXPECT_EQ(d.find("kollege@example.com"), no_customer);
  EXPECT_EQ(d.find("kollege@vertrieb.example.com"), no_customer);
  EXPECT_EQ(d.find("anna@example.com"), no_customer);
  EXPECT_EQ(d.find(corpus.find("kollege@example.com")), no_customer);
  for (const auto& c : d.customers()) {
    EXPECT_FALSE(c.from_mail) << c.id;
    for (const auto& contact : c.contacts) EXPECT_NE(contact.email, "kollege@example.com");
  }
}

TEST_F(DirectoryTest, AutomatedMailCreatesNoCustomer) {
  add({"newsletter@shop.de", "Shop"}, {{"anna@example.com", ""}}, t0, Automation::mailing_list);
  add({"no-reply@portal.de", ""}, {{"anna@example.com", ""}}, t0, Automation::noreply_sender);
  add({"anna@example.com", ""}, {{"ooo@abwesend.de", ""}}, t0, Automation::out_of_office_subject);
  const Directory d = build();
  EXPECT_TRUE(d.customers().empty());
  EXPECT_EQ(d.find("newsletter@shop.de"), no_customer);
  EXPECT_EQ(d.find("ooo@abwesend.de"), no_customer);
}

TEST_F(DirectoryTest, OurAutomatedNoticeMakesItsRecipientACustomer) {
  // The trial system's notice to a prospect who never wrote to us (the issue's "trial user
  // nobody called back"): sent from an own-domain system address, in Anna's Inbox as a copy.
  add({"testzugang@example.com", "Example Testzugang"}, {{"p.neu@neukunde.de", "Petra Neu"}}, t0,
      Automation::auto_submitted);
  add({"noreply@example.com", ""}, {{"info@zweitkunde.de", ""}}, t0, Automation::noreply_sender,
      {{"einkauf@zweitkunde.de", ""}});
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 2u);
  const CustomerIndex c = d.find("p.neu@neukunde.de");
  ASSERT_NE(c, no_customer);
  EXPECT_EQ(d.find(corpus.find("p.neu@neukunde.de")), c);
  EXPECT_EQ(d[c].id, "neukunde.de");
  EXPECT_TRUE(d[c].from_mail);
  ASSERT_NE(d.contact("p.neu@neukunde.de"), nullptr);
  EXPECT_EQ(d.contact("p.neu@neukunde.de")->name, "Petra Neu");
  // Automated mail is not a contact: no counts, no dates.
  EXPECT_EQ(d[c].inbound, 0u);
  EXPECT_EQ(d[c].outbound, 0u);
  EXPECT_EQ(d[c].first_contact, 0);
  EXPECT_EQ(d[c].last_contact, 0);
  // Cc recipients join too; the system addresses are ours, never customers.
  const CustomerIndex second = d.find(corpus.find("einkauf@zweitkunde.de"));
  ASSERT_NE(second, no_customer);
  EXPECT_EQ(d.find("info@zweitkunde.de"), second);
  EXPECT_EQ(d.find("testzugang@example.com"), no_customer);
  EXPECT_EQ(d.find(corpus.find("noreply@example.com")), no_customer);
}

TEST_F(DirectoryTest, OurAutomaticAnswersMakeNobodyACustomer) {
  // Anna's out-of-office reply reaches whoever wrote, a newsletter's sender included.
  Message reply;
  reply.source_id = "Sent/1";
  reply.folder = "Sent";
  reply.folder_role = FolderRole::sent;
  reply.message_id = "ooo-1@test";
  reply.in_reply_to = "letter-7@shop.de";
  reply.subject = "Re: Ihre Vorteile im November";
  reply.from = {"anna@example.com", "Anna Vogel"};
  reply.to = {{"news@shop.de", "Shop"}};
  reply.date = t0;
  reply.automation = Automation::auto_submitted;  // Auto-Submitted: auto-replied
  corpus.add(reply);
  Message answered = reply;
  answered.source_id = "Sent/2";
  answered.message_id = "ooo-2@test";
  answered.in_reply_to.clear();
  answered.references = {"letter-8@versand.de"};
  answered.to = {{"info@versand.de", ""}};
  corpus.add(answered);
  // A bounce our server sends from an own address.
  add({"mailer-daemon@example.com", ""}, {{"x@irgendwo.de", ""}}, t0, Automation::delivery_report);
  const Directory d = build();
  EXPECT_TRUE(d.customers().empty());
  EXPECT_EQ(d.find("news@shop.de"), no_customer);
  EXPECT_EQ(d.find("info@versand.de"), no_customer);
  EXPECT_EQ(d.find("x@irgendwo.de"), no_customer);
}

TEST_F(DirectoryTest, AutomatedNoticeJoinsTheCompanyOfPersonalMail) {
  exchange("s.keller@mueller.de", "Sabine Keller", t0);
  add({"testzugang@example.com", ""}, {{"t.braun@mueller.de", "Thomas Braun"}}, t0 + day,
      Automation::auto_submitted);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 1u);
  const CustomerIndex c = d.find("s.keller@mueller.de");
  ASSERT_NE(c, no_customer);
  EXPECT_EQ(d.find(corpus.find("t.braun@mueller.de")), c);
  EXPECT_EQ(d[c].contacts.size(), 2u);
  EXPECT_EQ(d[c].inbound, 1u);
  EXPECT_EQ(d[c].outbound, 1u);
  EXPECT_EQ(d[c].last_contact, t0 + 3600);
}

TEST_F(DirectoryTest, RecipientsOfMailNotFromUsCreateNoCustomer) {
  // A customer writes to Anna with a third party in Cc: the third party is not our customer.
  add({"s.keller@mueller.de", ""}, {{"anna@example.com", ""}}, t0, Automation::none,
      {{"berater@kanzlei.de", "Berater"}});
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 1u);
  EXPECT_EQ(d.find("berater@kanzlei.de"), no_customer);
  EXPECT_EQ(d.find(corpus.find("berater@kanzlei.de")), no_customer);
}

TEST_F(DirectoryTest, CountsAndFirstAndLastContact) {
  add({"s.keller@mueller.de", ""}, {{"anna@example.com", ""}}, t0 + 5 * day);
  add({"t.braun@mueller.de", ""}, {{"anna@example.com", ""}}, t0 + 1 * day);
  // One outbound message to two people of the same company counts once.
  add({"anna@example.com", ""}, {{"s.keller@mueller.de", ""}}, t0 + 9 * day, Automation::none,
      {{"t.braun@mueller.de", ""}});
  // A colleague's message counts as ours.
  add({"kollege@example.com", ""}, {{"t.braun@mueller.de", ""}}, t0 + 7 * day);
  // Sent folder without a From: ours.
  add({"", ""}, {{"t.braun@mueller.de", ""}}, t0 + 8 * day, Automation::none, {}, FolderRole::sent);
  // Automated mail is not counted.
  add({"s.keller@mueller.de", ""}, {{"anna@example.com", ""}}, t0 + 20 * day,
      Automation::out_of_office_subject);
  const Directory d = build();
  const CustomerIndex c = d.find("s.keller@mueller.de");
  ASSERT_NE(c, no_customer);
  EXPECT_EQ(d[c].inbound, 2u);
  EXPECT_EQ(d[c].outbound, 3u);
  EXPECT_EQ(d[c].first_contact, t0 + 1 * day);
  EXPECT_EQ(d[c].last_contact, t0 + 9 * day);
}

TEST_F(DirectoryTest, ContactNameIsTheMostFrequentNonEmptyName) {
  add({"s.keller@mueller.de", "Keller, Sabine"}, {{"anna@example.com", ""}}, t0);
  add({"s.keller@mueller.de", "Sabine Keller"}, {{"anna@example.com", ""}}, t0 + 1);
  add({"anna@example.com", ""}, {{"s.keller@mueller.de", "Sabine Keller"}}, t0 + 2);
  add({"anna@example.com", ""}, {{"s.keller@mueller.de", ""}}, t0 + 3);
  add({"anna@example.com", ""}, {{"s.keller@mueller.de", "s.keller@mueller.de"}}, t0 + 4);
  add({"anna@example.com", ""}, {{"s.keller@mueller.de", "s.keller@mueller.de"}}, t0 + 5);
  add({"anna@example.com", ""}, {{"s.keller@mueller.de", "s.keller@mueller.de"}}, t0 + 6);
  const Directory d = build();
  const Contact* contact = d.contact("S.Keller@mueller.de");
  ASSERT_NE(contact, nullptr);
  EXPECT_EQ(contact->email, "s.keller@mueller.de");
  EXPECT_EQ(contact->name, "Sabine Keller");
  EXPECT_EQ(d.contact("unknown@mueller.de"), nullptr);
  EXPECT_EQ(d.contact("anna@example.com"), nullptr);
}

TEST_F(DirectoryTest, SubdomainsJoinTheEntryClaimingTheDomain) {
  exchange("a@vertrieb.mueller.de", "", t0);
  exchange("b@mueller.de", "", t0);
  exchange("c@x.y.mueller.de", "", t0);
  exchange("d@filiale.other.de", "", t0);
  exchange("e@other.de", "", t0);
  CustomerEntry entry;
  entry.name = "Müller GmbH";
  entry.domains = {"Mueller.DE"};
  input.imported.push_back(entry);
  const Directory d = build();
  const CustomerIndex mueller = d.find("b@mueller.de");
  ASSERT_NE(mueller, no_customer);
  EXPECT_EQ(d.find("a@vertrieb.mueller.de"), mueller);
  EXPECT_EQ(d.find("c@x.y.mueller.de"), mueller);
  EXPECT_EQ(d.find("never.seen@sub.mueller.de"), mueller);
  EXPECT_EQ(d[mueller].name, "Müller GmbH");
  EXPECT_EQ(d[mueller].id, "mueller.de");
  EXPECT_TRUE(d[mueller].from_import);
  EXPECT_TRUE(d[mueller].from_mail);
  EXPECT_EQ(d[mueller].contacts.size(), 3u);
  EXPECT_EQ(d[mueller].inbound, 3u);
  // Without an entry, a subdomain is a company of its own.
  EXPECT_NE(d.find("d@filiale.other.de"), no_customer);
  EXPECT_NE(d.find("d@filiale.other.de"), d.find("e@other.de"));
  EXPECT_EQ(d.customers().size(), 3u);
}

TEST_F(DirectoryTest, ImportsAndConfigOverrideNamesTiersAndContacts) {
  exchange("s.keller@mueller.de", "Sabine K.", t0);
  CustomerEntry imported;
  imported.name = "Mueller";
  imported.domains = {"mueller.de"};
  imported.tier = "key";
  Contact keller;
  keller.email = "S.Keller@mueller.de";
  keller.name = "Sabine Keller";
  keller.first_name = "Sabine";
  keller.last_name = "Keller";
  keller.title = "Dr.";
  keller.salutation = Salutation::frau;
  imported.contacts = {keller};
  imported.origin = "kunden.csv:2";
  input.imported.push_back(imported);
  CustomerEntry configured;
  configured.name = "Müller GmbH";
  configured.domains = {"mueller.de"};
  Contact phone_only;
  phone_only.email = "s.keller@mueller.de";
  phone_only.phone = "+49 89 123";
  configured.contacts = {phone_only};
  input.configured.push_back(configured);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 1u);
  const Customer& c = d[0];
  EXPECT_EQ(c.name, "Müller GmbH");
  EXPECT_EQ(c.tier, "key");  // the config left the tier empty: the import's stays
  EXPECT_EQ(d.tier_of(c).name, "key");
  EXPECT_EQ(d.tier_of(c).sla_business_seconds, 9 * 3600);
  EXPECT_TRUE(c.from_import);
  EXPECT_TRUE(c.from_config);
  EXPECT_TRUE(c.from_mail);
  ASSERT_EQ(c.contacts.size(), 1u);
  EXPECT_EQ(c.contacts[0].name, "Sabine Keller");
  EXPECT_EQ(c.contacts[0].title, "Dr.");
  EXPECT_EQ(c.contacts[0].salutation, Salutation::frau);
  EXPECT_EQ(c.contacts[0].phone, "+49 89 123");
}

TEST_F(DirectoryTest, UnknownTierFallsBackToStandard) {
  CustomerEntry entry;
  entry.domains = {"x.de"};
  entry.tier = "platinum";
  input.configured.push_back(entry);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 1u);
  EXPECT_EQ(d[0].tier, "platinum");
  EXPECT_EQ(d.tier_of(d[0]).name, "standard");
}

TEST_F(DirectoryTest, TiersWithoutStandardGetTheDefaultOne) {
  input.tiers = {Tier{"key", 100, 200}};
  exchange("a@x.de", "", t0);
  const Directory d = build();
  ASSERT_EQ(d.tiers().size(), 2u);
  EXPECT_EQ(d.tier_of(d[0]).name, "standard");
  EXPECT_EQ(d.tier_of(d[0]).sla_business_seconds, default_tiers(9 * 3600)[0].sla_business_seconds);
}

TEST_F(DirectoryTest, ConfiguredStandardTierIsUsed) {
  input.tiers = {Tier{"standard", 111, 222}, Tier{"key", 10, 20}};
  exchange("a@x.de", "", t0);
  const Directory d = build();
  EXPECT_EQ(d.tier_of(d[0]).sla_business_seconds, 111);
}

TEST_F(DirectoryTest, AddressClaimsOnFreemail) {
  exchange("ceo.mueller@gmail.com", "Hans Müller", t0);
  exchange("s.keller@mueller.de", "", t0);
  CustomerEntry entry;
  entry.name = "Müller GmbH";
  entry.domains = {"mueller.de"};
  entry.contacts = {Contact{"ceo.mueller@gmail.com", "", "Hans", "Müller", "", Salutation::herr,
                            ""}};
  input.imported.push_back(entry);
  CustomerEntry private_person;
  private_person.name = "Erika Muster";
  private_person.contacts = {Contact{"erika@gmx.de", "", "", "", "", Salutation::unknown, ""}};
  input.imported.push_back(private_person);
  exchange("erika@gmx.de", "Erika M.", t0 + day);
  const Directory d = build();
  const CustomerIndex mueller = d.find("s.keller@mueller.de");
  ASSERT_NE(mueller, no_customer);
  EXPECT_EQ(d.find("ceo.mueller@gmail.com"), mueller);
  EXPECT_EQ(d.find(corpus.find("ceo.mueller@gmail.com")), mueller);
  EXPECT_EQ(d[mueller].inbound, 2u);
  EXPECT_EQ(d.find("other@gmail.com"), no_customer);
  const CustomerIndex erika = d.find("erika@gmx.de");
  ASSERT_NE(erika, no_customer);
  EXPECT_EQ(d[erika].id, "erika@gmx.de");
  EXPECT_EQ(d[erika].name, "Erika Muster");
  EXPECT_TRUE(d[erika].freemail);
  EXPECT_TRUE(d[erika].from_mail);
  EXPECT_EQ(d.contact("erika@gmx.de")->name, "Erika M.");
  EXPECT_EQ(d.customers().size(), 2u);
}

TEST_F(DirectoryTest, AddressOnlyEntryOnCompanyDomainJoinsTheCompanyFromMail) {
  // A vCard names only the address; the company's other addresses in the mail join it.
  exchange("t.braun@mueller.de", "", t0);
  CustomerEntry card;
  card.name = "Müller GmbH";
  card.contacts = {Contact{"s.keller@mueller.de", "Sabine Keller", "", "", "", {}, ""}};
  input.imported.push_back(card);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 1u);
  EXPECT_EQ(d.find("t.braun@mueller.de"), d.find("s.keller@mueller.de"));
  EXPECT_EQ(d[0].name, "Müller GmbH");
  EXPECT_EQ(d[0].id, "mueller.de");
}

TEST_F(DirectoryTest, LaterEntryWinsAClaimedDomain) {
  CustomerEntry first;
  first.name = "Alt";
  first.domains = {"alt.de", "shared.de"};
  CustomerEntry second;
  second.name = "Neu";
  second.domains = {"neu.de", "shared.de"};
  input.imported = {first};
  input.configured = {second};
  exchange("x@shared.de", "", t0);
  const Directory d = build();
  const CustomerIndex shared = d.find("x@shared.de");
  ASSERT_NE(shared, no_customer);
  // The second entry refines the first (they claim the same domain).
  EXPECT_EQ(d[shared].name, "Neu");
  EXPECT_EQ(d.find("y@alt.de"), shared);
  EXPECT_EQ(d.find("y@neu.de"), shared);
}

TEST_F(DirectoryTest, EntriesWithoutClaimsAreKept) {
  CustomerEntry entry;
  entry.name = "Nur ein Name";
  entry.origin = "kunden.csv:9";
  input.imported.push_back(entry);
  const Directory d = build();
  ASSERT_EQ(d.customers().size(), 1u);
  EXPECT_EQ(d[0].name, "Nur ein Name");
  EXPECT_FALSE(d[0].from_mail);
  EXPECT_EQ(d[0].inbound, 0u);
  EXPECT_EQ(d[0].first_contact, 0);
}

TEST_F(DirectoryTest, IgnoreListCoversDomainsSubdomainsAndAddresses) {
  exchange("rechnung@lieferant.de", "", t0);
  exchange("x@lager.lieferant.de", "", t0);
  exchange("info@mueller.de", "", t0);
  exchange("s.keller@mueller.de", "", t0);
  exchange("privat@gmx.de", "", t0);
  input.ignore = {"Lieferant.de", "info@mueller.de", "privat@gmx.de"};
  const Directory d = build();
  const CustomerIndex supplier = d.find("rechnung@lieferant.de");
  ASSERT_NE(supplier, no_customer);
  EXPECT_TRUE(d[supplier].ignored);
  EXPECT_EQ(d.find("x@lager.lieferant.de"), supplier);
  const CustomerIndex info = d.find("info@mueller.de");
  ASSERT_NE(info, no_customer);
  EXPECT_TRUE(d[info].ignored);
  const CustomerIndex keller = d.find("s.keller@mueller.de");
  ASSERT_NE(keller, no_customer);
  EXPECT_NE(keller, info);
  EXPECT_FALSE(d[keller].ignored);
  ASSERT_NE(d.find("privat@gmx.de"), no_customer);
  EXPECT_TRUE(d[d.find("privat@gmx.de")].ignored);
  EXPECT_EQ(d.find(corpus.find("privat@gmx.de")), d.find("privat@gmx.de"));
}

TEST_F(DirectoryTest, EntryWithIgnoreMarksTheCustomerIgnored) {
  exchange("a@spedition.de", "", t0);
  CustomerEntry entry;
  entry.domains = {"spedition.de"};
  entry.ignore = true;
  input.imported.push_back(entry);
  CustomerEntry unignore;
  unignore.domains = {"spedition.de"};
  unignore.ignore = false;
  Directory d = build();
  EXPECT_TRUE(d[d.find("a@spedition.de")].ignored);
  input.configured.push_back(unignore);
  d = build();
  EXPECT_FALSE(d[d.find("a@spedition.de")].ignored);
}

TEST_F(DirectoryTest, SameInputSameDirectory) {
  for (int i = 0; i < 50; ++i)
    exchange("p" + std::to_string(i) + "@firma" + std::to_string(i % 7) + ".de", "", t0 + i);
  const Directory a = build();
  const Directory b = build();
  ASSERT_EQ(a.customers().size(), 7u);
  ASSERT_EQ(a.customers().size(), b.customers().size());
  for (std::size_t i = 0; i < a.customers().size(); ++i) {
    EXPECT_EQ(a.customers()[i].id, b.customers()[i].id);
    EXPECT_EQ(a.customers()[i].inbound, 50u / 7 + (i < 50 % 7 ? 1u : 0u));
  }
}

TEST_F(DirectoryTest, BuildsAMillionMessagesQuickly) {
  // 5k customers, 20k addresses, 1M messages.
  constexpr int messages = 1'000'000;
  corpus.reserve(messages);
  std::vector<std::string> addresses;
  for (int i = 0; i < 20000; ++i)
    addresses.push_back("kontakt" + std::to_string(i) + "@kunde" + std::to_string(i % 5000) +
                        (i % 10 == 0 ? ".gmx.de" : ".de"));
  Message m;
  m.folder = "INBOX";
  for (int i = 0; i < messages; ++i) {
    m.source_id = std::to_string(i);
    m.message_id = m.source_id + "@x";
    const std::string& customer = addresses[static_cast<std::size_t>(i * 7919) % addresses.size()];
    const bool inbound = i % 2 == 0;
    m.from = inbound ? Address{customer, "Kontakt"} : Address{"anna@example.com", "Anna"};
    m.to = {inbound ? Address{"anna@example.com", "Anna"} : Address{customer, "Kontakt"}};
    m.date = t0 + i;
    corpus.add(m);
  }
  const auto start = std::chrono::steady_clock::now();
  const Directory d = build();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(d.customers().size(), 5000u);
  std::uint64_t total = 0;
  for (const auto& c : d.customers()) total += c.inbound + c.outbound;
  EXPECT_EQ(total, static_cast<std::uint64_t>(messages));
  // Generous for a debug build; the release target is well under 0.3 s.
  EXPECT_LT(seconds, 3.0);
  std::printf("build_directory: %.3f s for %d messages\n", seconds, messages);
}

}  // namespace
}  // namespace nachfass
