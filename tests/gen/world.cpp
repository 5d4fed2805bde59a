#include "world.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

namespace nachfass::gen {

namespace {

using Names = std::span<const std::string_view>;

struct NamePool {
  Names female;
  Names male;
  Names last;
};

constexpr std::string_view de_female[] = {
    "Sabine", "Petra",  "Claudia", "Katrin",    "Julia",   "Anja",     "Bärbel", "Jutta",
    "Monika", "Sandra", "Nicole",  "Lena",      "Hannah",  "Brigitte", "Ute",    "Kerstin",
    "Sophie", "Marie",  "Jana",    "Franziska", "Susanne", "Heike",    "Birgit", "Doris"};
constexpr std::string_view de_male[] = {
    "Hans",     "Jürgen", "Klaus",  "Stefan",   "Thomas", "Michael", "Andreas",    "Markus",
    "Matthias", "Jörg",   "Björn",  "Sören",    "Uwe",    "Frank",   "Tobias",     "Lukas",
    "Jonas",    "Günter", "Dieter", "Wolfgang", "Ralf",   "Florian", "Maximilian", "René"};
constexpr std::string_view de_last[] = {
    "Müller",    "Schmidt",  "Schneider", "Fischer", "Weber",   "Meyer",      "Wagner",
    "Becker",    "Schulz",   "Hoffmann",  "Schäfer", "Koch",    "Bauer",      "Richter",
    "Klein",     "Wolf",     "Schröder",  "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger",    "Hofmann",  "Hartmann",  "Lange",   "Schmitt", "Werner",     "Krause",
    "Meier",     "Lehmann",  "Köhler",    "Groß",    "Weiß",    "Jäger",      "Böhm",
    "Strauß",    "Fuß",      "Maier",     "Huber",   "Kühn",    "Vogt",       "Brandt",
    "Haas",      "Schuster", "Pfeiffer",  "Seidel",  "Engel",   "Hölzl",      "Kißling",
    "von Bülow", "Öztürk"};
constexpr std::string_view tr_female[] = {"Ayşe",  "Özlem", "Elif",  "Gülşen", "Zeynep",
                                          "Emine", "Büşra", "Derya", "Selin"};
constexpr std::string_view tr_male[] = {"Mehmet", "Emre", "Hakan", "Murat",  "Çağlar",
                                        "Yusuf",  "Oğuz", "Burak", "Serkan", "İsmail"};
constexpr std::string_view tr_last[] = {"Yılmaz", "Kaya",   "Demir", "Şahin", "Çelik", "Öztürk",
                                        "Aydın",  "Arslan", "Doğan", "Koç",   "Güneş", "Kılıç"};
constexpr std::string_view nordic_female[] = {"Mette", "Ingrid", "Astrid", "Sigrid", "Åsa",
                                              "Karin", "Freja",  "Linnéa", "Solveig"};
constexpr std::string_view nordic_male[] = {"Søren",  "Lars",   "Bjørn", "Nils",  "Jens",
                                            "Mikkel", "Anders", "Håkan", "Øyvind"};
constexpr std::string_view nordic_last[] = {
    "Jensen",     "Nielsen",   "Hansen", "Pedersen", "Andersen", "Larsen", "Sørensen",
    "Østergaard", "Lindqvist", "Åberg",  "Berg",     "Mørch",    "Ødegård"};
constexpr std::string_view en_female[] = {"Sarah",  "Emily",     "Laura",  "Rebecca", "Jessica",
                                          "Hannah", "Charlotte", "Olivia", "Megan"};
constexpr std::string_view en_male[] = {"John",   "Michael", "James",   "David", "Chris",
                                        "Daniel", "Robert",  "William", "Andrew"};
constexpr std::string_view en_last[] = {"Smith",    "Johnson", "Brown",   "Taylor",
                                        "Wilson",   "Evans",   "O'Brien", "Walker",
                                        "Thompson", "Clarke",  "Hughes",  "McAllister"};
constexpr std::string_view fr_female[] = {"Hélène", "Céline", "Amélie",
                                          "Chloé",  "Élodie", "Margaux"};
constexpr std::string_view fr_male[] = {"François", "René", "Jérôme", "Stéphane", "Luc", "Benoît"};
constexpr std::string_view fr_last[] = {"Dubois",   "Lefèvre",  "Moreau", "Girard",
                                        "Lemaître", "Fontaine", "Garçon"};
constexpr std::string_view in_female[] = {"Priya", "Ananya", "Deepika", "Kavya"};
constexpr std::string_view in_male[] = {"Rahul", "Vikram", "Arjun", "Sanjay"};
constexpr std::string_view in_last[] = {"Sharma", "Verma", "Iyer", "Nair", "Reddy", "Gupta"};
constexpr std::string_view nl_female[] = {"Sanne", "Femke", "Anouk", "Lieke"};
constexpr std::string_view nl_male[] = {"Pieter", "Jan", "Bram", "Joost"};
constexpr std::string_view nl_last[] = {"de Vries", "Bakker", "van Dijk",
                                        "Visser",   "Jansen", "de Jong"};

const NamePool german{de_female, de_male, de_last};
const NamePool turkish{tr_female, tr_male, tr_last};
const NamePool nordic{nordic_female, nordic_male, nordic_last};
const NamePool english{en_female, en_male, en_last};
const NamePool french{fr_female, fr_male, fr_last};
const NamePool indian{in_female, in_male, in_last};
const NamePool dutch{nl_female, nl_male, nl_last};

constexpr std::string_view de_industries[] = {
    "Maschinenbau", "Logistik",          "Elektrotechnik", "Metallbau",      "Haustechnik",
    "Holzbau",      "Kunststofftechnik", "Medizintechnik", "Verpackungen",   "Anlagenbau",
    "Feinmechanik", "Fördertechnik",     "Systemhaus",     "Gebäudeservice", "Lebensmittel"};
constexpr std::string_view de_trades[] = {"Bäckerei",  "Autohaus", "Spedition", "Schreinerei",
                                          "Druckerei", "Brauerei", "Gärtnerei", "Elektro",
                                          "Sanitär",   "Zimmerei"};
constexpr std::string_view de_regions[] = {
    "Nordlicht", "Südwind",     "Alpen",   "Rheintal",    "Elbtal",    "Isar",   "Donau",
    "Spree",     "Weser",       "Main",    "Bodensee",    "Harz",      "Taunus", "Allgäu",
    "Ostsee",    "Schwarzwald", "Franken", "Münsterland", "Sauerland", "Eifel"};
constexpr std::string_view de_suffixes[] = {"werk", "tec", "tronic", "plan", "bau", "data"};
constexpr std::string_view de_cities[] = {
    "München",    "Nürnberg",          "Augsburg", "Regensburg", "Würzburg", "Stuttgart",
    "Köln",       "Düsseldorf",        "Hamburg",  "Bremen",     "Hannover", "Leipzig",
    "Dresden",    "Frankfurt am Main", "Mannheim", "Freiburg",   "Ulm",      "Passau",
    "Ingolstadt", "Erlangen",          "Münster",  "Kiel",       "Lübeck",   "Rosenheim"};
constexpr std::string_view at_cities[] = {"Wien", "Graz", "Linz", "Salzburg", "Innsbruck"};
constexpr std::string_view ch_cities[] = {"Zürich", "Basel", "Bern", "St. Gallen", "Luzern"};
constexpr std::string_view dk_words[] = {"Nordlys",     "Havblik", "Fjordtek", "Skovgaard",
                                         "Søndergaard", "Østhavn", "Bølge",    "Kyst"};
constexpr std::string_view dk_cities[] = {"København", "Aarhus", "Odense", "Aalborg"};
constexpr std::string_view se_words[] = {"Fjällvind", "Skärgård", "Norrsken",
                                         "Åkerström", "Lindgren", "Solvik"};
constexpr std::string_view se_cities[] = {"Stockholm", "Göteborg", "Malmö", "Uppsala"};
constexpr std::string_view no_words[] = {"Fjordkraft", "Nordkyst", "Bjørkvik", "Havøy",
                                         "Tindeteknikk"};
constexpr std::string_view no_cities[] = {"Oslo", "Bergen", "Trondheim", "Stavanger"};
constexpr std::string_view uk_words[] = {"Thames",   "Pennine",  "Northgate", "Riverside",
                                         "Kingsway", "Highland", "Redbrick",  "Harbourside"};
constexpr std::string_view uk_cities[] = {"London",  "Manchester", "Leeds",
                                          "Bristol", "Birmingham", "Glasgow"};
constexpr std::string_view us_words[] = {"Summit",  "Lakeside", "Bluewater", "Ironbridge",
                                         "Granite", "Prairie",  "Evergreen", "Keystone"};
constexpr std::string_view us_east_cities[] = {"New York", "Boston", "Atlanta", "Philadelphia"};
constexpr std::string_view us_west_cities[] = {"Seattle", "San Jose", "Portland"};
constexpr std::string_view in_words[] = {"Sunrise", "Lotus", "Ganga", "Everest", "Vistara"};
constexpr std::string_view in_cities[] = {"Bengaluru", "Pune", "Chennai", "Hyderabad"};
constexpr std::string_view tr_words[] = {"Anadolu", "Boğaziçi", "Ege",
                                         "Marmara", "Kuzey",    "Yıldız"};
constexpr std::string_view tr_cities[] = {"İstanbul", "İzmir", "Bursa", "Ankara"};
constexpr std::string_view fr_cities[] = {"Lyon", "Paris", "Strasbourg", "Lille"};
constexpr std::string_view nl_words[] = {"Polder", "Zeeland", "Noordzee", "Tulp", "Dijkstra"};
constexpr std::string_view nl_cities[] = {"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"};

constexpr std::string_view de_titles[] = {"Einkauf",
                                          "Leitung Einkauf",
                                          "Technischer Einkauf",
                                          "Geschäftsführung",
                                          "Projektleitung",
                                          "Disposition",
                                          "Buchhaltung",
                                          "IT-Leitung",
                                          "Assistenz der Geschäftsführung",
                                          "Vertrieb Innendienst"};
constexpr std::string_view en_titles[] = {
    "Procurement",      "Purchasing Manager", "Head of Operations", "Project Manager",
    "Accounts Payable", "IT Manager",         "Office Manager"};

constexpr std::string_view freemail_domains[] = {"gmx.de",      "web.de",      "gmail.com",
                                                 "t-online.de", "outlook.com", "gmx.net"};

constexpr std::string_view customer_tags[] = {"[ext]", "[EXT]", "[EXTERNAL]", "[Extern]"};

enum class Country : std::uint8_t { de, at, ch, dk, se, no, uk, us, in, tr, fr, nl, freemail };
constexpr std::array<std::uint32_t, 13> country_weights = {55, 6, 5, 4, 3, 2, 6, 5, 2, 3, 2, 2, 10};

// Slug for a domain label: "Bäckerei Schäfer" -> "baeckerei-schaefer".
std::string domain_slug(std::string_view text) {
  const std::string folded = ascii_fold(text);
  std::string out;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (c == ' ' || c == '-') {
      if (!out.empty() && out.back() != '-') out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Local part fragment: "von Bülow" -> "vonbuelow", "O'Brien" -> "obrien".
std::string local_slug(std::string_view text) {
  const std::string folded = ascii_fold(text);
  std::string out;
  for (char c : folded)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  return out;
}

WordStyle words_for(MailClient client, Rng& rng) {
  switch (client) {
    case MailClient::outlook:
    case MailClient::outlook_online: {
      const std::uint32_t weights[] = {50, 30, 20};
      switch (rng.weighted(weights)) {
        case 0:
          return {WordCharset::utf8_lower, 'B', true};
        case 1:
          return {WordCharset::latin1, 'Q', true};
        default:
          return {WordCharset::cp1252, 'Q', true};
      }
    }
    case MailClient::thunderbird:
      return {WordCharset::utf8, 'Q', true};
    case MailClient::apple_mail:
    case MailClient::iphone_mail:
      return {WordCharset::utf8_lower, 'Q', false};
    case MailClient::gmail:
      return {WordCharset::utf8, 'B', true};
    case MailClient::gmx_webmail:
      return {WordCharset::utf8, 'Q', false};
    case MailClient::tonline_webmail:
      return {WordCharset::latin1_upper, 'Q', true};
    case MailClient::roundcube:
      return {WordCharset::utf8, 'Q', true};
    case MailClient::lotus_notes:
      return {WordCharset::latin1_upper, 'Q', false};
    case MailClient::broken_truncating:
    case MailClient::broken_bare:
      return {WordCharset::utf8, 'B', true};
    default:
      return {WordCharset::utf8, 'Q', true};
  }
}

NameStyle own_style_for(MailClient client, Rng& rng) {
  switch (client) {
    case MailClient::outlook:
    case MailClient::outlook_online:
      return rng.chance(700) ? NameStyle::quoted : NameStyle::bare;
    case MailClient::broken_bare:
    case MailClient::broken_truncating:
      return rng.chance(300) ? NameStyle::address_only : NameStyle::bare;
    case MailClient::lotus_notes:
      return NameStyle::quoted;
    default:
      return rng.chance(150) ? NameStyle::quoted : NameStyle::bare;
  }
}

const NamePool& pool_for(Country country, Rng& rng) {
  switch (country) {
    case Country::de:
    case Country::at:
    case Country::ch:
    case Country::freemail: {
      const std::uint32_t weights[] = {78, 12, 4, 3, 3};
      switch (rng.weighted(weights)) {
        case 0:
          return german;
        case 1:
          return turkish;
        case 2:
          return nordic;
        case 3:
          return english;
        default:
          return french;
      }
    }
    case Country::dk:
    case Country::se:
    case Country::no:
      return nordic;
    case Country::uk:
    case Country::us:
      return rng.chance(150) ? indian : english;
    case Country::in:
      return indian;
    case Country::tr:
      return turkish;
    case Country::fr:
      return french;
    case Country::nl:
      return dutch;
  }
  return german;
}

Lang ui_for(Country country) {
  switch (country) {
    case Country::dk:
    case Country::no:
      return Lang::da;
    case Country::se:
      return Lang::sv;
    case Country::nl:
      return Lang::nl;
    case Country::fr:
      return Lang::fr;
    case Country::uk:
    case Country::us:
    case Country::in:
    case Country::tr:
      return Lang::en;
    default:
      return Lang::de;
  }
}

Zone zone_for(Country country) {
  switch (country) {
    case Country::uk:
      return Zone::london;
    case Country::us:
      return Zone::new_york;
    case Country::in:
      return Zone::kolkata;
    case Country::tr:
      return Zone::istanbul;
    default:
      return Zone::berlin;
  }
}

std::string_view tld_for(Country country) {
  switch (country) {
    case Country::at:
      return ".at";
    case Country::ch:
      return ".ch";
    case Country::dk:
      return ".dk";
    case Country::se:
      return ".se";
    case Country::no:
      return ".no";
    case Country::uk:
      return ".co.uk";
    case Country::us:
      return ".com";
    case Country::in:
      return ".in";
    case Country::tr:
      return ".com.tr";
    case Country::fr:
      return ".fr";
    case Country::nl:
      return ".nl";
    default:
      return ".de";
  }
}

std::string phone_for(Country country) {
  switch (country) {
    case Country::at:
      return "+43 ";
    case Country::ch:
      return "+41 ";
    case Country::dk:
      return "+45 ";
    case Country::se:
      return "+46 ";
    case Country::no:
      return "+47 ";
    case Country::uk:
      return "+44 ";
    case Country::us:
      return "+1 ";
    case Country::in:
      return "+91 ";
    case Country::tr:
      return "+90 ";
    case Country::fr:
      return "+33 ";
    case Country::nl:
      return "+31 ";
    default:
      return "+49 ";
  }
}

struct CompanyName {
  std::string name;
  std::string slug;  // domain label without TLD
  std::string city;
};

CompanyName german_company(Rng& rng, Names cities, std::string_view legal_default) {
  CompanyName out;
  out.city = std::string(rng.pick(cities));
  const std::string last{rng.pick(de_last)};
  const std::uint32_t weights[] = {22, 10, 20, 14, 14, 12, 4};
  switch (rng.weighted(weights)) {
    case 0:
      out.name = last + " " + std::string(legal_default);
      out.slug = domain_slug(last) + (rng.chance(500) ? "-gmbh" : "");
      break;
    case 1: {
      std::string other{rng.pick(de_last)};
      if (other == last) other = "Partner";
      out.name = last + " & " + other + " GmbH & Co. KG";
      out.slug = domain_slug(last) + "-" + domain_slug(other);
      break;
    }
    case 2: {
      const std::string_view industry = rng.pick(de_industries);
      out.name = last + " " + std::string(industry) + " " + std::string(legal_default);
      out.slug = domain_slug(last) + "-" + domain_slug(industry);
      break;
    }
    case 3: {
      const std::string_view trade = rng.pick(de_trades);
      out.name = std::string(trade) + " " + last + (rng.chance(500) ? " KG" : " GmbH");
      out.slug = domain_slug(trade) + "-" + domain_slug(last);
      break;
    }
    case 4: {
      const std::string_view region = rng.pick(de_regions);
      const std::string_view industry = rng.pick(de_industries);
      out.name = std::string(region) + " " + std::string(industry) + " AG";
      out.slug = domain_slug(region) + "-" + domain_slug(industry);
      break;
    }
    case 5: {
      const std::string_view region = rng.pick(de_regions);
      const std::string_view suffix = rng.pick(de_suffixes);
      out.name = std::string(region) + std::string(suffix) + " GmbH";
      out.slug = domain_slug(region) + std::string(suffix);
      break;
    }
    default:
      out.name = "Stadtwerke " + out.city;
      out.slug = "stadtwerke-" + domain_slug(out.city);
      break;
  }
  return out;
}

CompanyName foreign_company(Country country, Rng& rng) {
  CompanyName out;
  switch (country) {
    case Country::dk: {
      out.city = std::string(rng.pick(dk_cities));
      if (rng.chance(500)) {
        const std::string last{rng.pick(nordic_last)};
        out.name = last + " & Co ApS";
        out.slug = domain_slug(last) + "-co";
      } else {
        const std::string word{rng.pick(dk_words)};
        out.name = word + " A/S";
        out.slug = domain_slug(word);
      }
      break;
    }
    case Country::se: {
      out.city = std::string(rng.pick(se_cities));
      const std::string word{rng.pick(se_words)};
      out.name = word + (rng.chance(500) ? " AB" : " Teknik AB");
      out.slug = domain_slug(word);
      break;
    }
    case Country::no: {
      out.city = std::string(rng.pick(no_cities));
      const std::string word{rng.pick(no_words)};
      out.name = word + " AS";
      out.slug = domain_slug(word);
      break;
    }
    case Country::uk: {
      out.city = std::string(rng.pick(uk_cities));
      if (rng.chance(400)) {
        const std::string last{rng.pick(en_last)};
        out.name = last + " & Sons Ltd";
        out.slug = domain_slug(last) + "andsons";
      } else {
        const std::string word{rng.pick(uk_words)};
        const bool solutions = rng.chance(500);
        out.name = word + (solutions ? " Solutions Ltd" : " Engineering Ltd");
        out.slug = domain_slug(word) + (solutions ? "-solutions" : "-engineering");
      }
      break;
    }
    case Country::us: {
      if (rng.chance(150)) {
        out.name = "Acme Corp";
        out.slug = "acme-corp";
      } else {
        const std::string word{rng.pick(us_words)};
        const std::uint32_t weights[] = {40, 30, 30};
        switch (rng.weighted(weights)) {
          case 0:
            out.name = word + " Inc.";
            out.slug = domain_slug(word) + "inc";
            break;
          case 1:
            out.name = word + " Technologies Corp";
            out.slug = domain_slug(word) + "tech";
            break;
          default:
            out.name = word + " Industries LLC";
            out.slug = domain_slug(word) + "-industries";
            break;
        }
      }
      break;
    }
    case Country::in: {
      out.city = std::string(rng.pick(in_cities));
      const std::string word{rng.pick(in_words)};
      out.name = word + " Technologies Pvt. Ltd.";
      out.slug = domain_slug(word) + "tech";
      break;
    }
    case Country::tr: {
      out.city = std::string(rng.pick(tr_cities));
      const std::string word{rng.pick(tr_words)};
      out.name = word + " Makina San. ve Tic. Ltd. Şti.";
      out.slug = domain_slug(word) + "makina";
      break;
    }
    case Country::fr: {
      out.city = std::string(rng.pick(fr_cities));
      const std::string last{rng.pick(fr_last)};
      out.name = last + (rng.chance(500) ? " SARL" : " Industrie SAS");
      out.slug = domain_slug(last) + "-industrie";
      break;
    }
    case Country::nl: {
      out.city = std::string(rng.pick(nl_cities));
      const std::string word{rng.pick(nl_words)};
      out.name = word + " Techniek B.V.";
      out.slug = domain_slug(word) + "techniek";
      break;
    }
    default:
      break;
  }
  return out;
}

MailClient client_for_company(bool exchange, bool online, Rng& rng) {
  if (exchange) {
    const std::uint32_t weights[] = {84, 9, 3, 4};
    switch (rng.weighted(weights)) {
      case 0:
        return online ? MailClient::outlook_online : MailClient::outlook;
      case 1:
        return MailClient::iphone_mail;
      case 2:
        return MailClient::broken_truncating;
      default:
        return MailClient::broken_bare;
    }
  }
  const std::uint32_t weights[] = {30, 22, 8, 18, 8, 7, 4, 3};
  switch (rng.weighted(weights)) {
    case 0:
      return MailClient::thunderbird;
    case 1:
      return MailClient::apple_mail;
    case 2:
      return MailClient::iphone_mail;
    case 3:
      return MailClient::gmail;  // Google Workspace
    case 4:
      return MailClient::roundcube;
    case 5:
      return MailClient::lotus_notes;
    case 6:
      return MailClient::broken_truncating;
    default:
      return MailClient::broken_bare;
  }
}

MailClient client_for_freemail(std::string_view domain, Rng& rng) {
  if (rng.chance(120)) return MailClient::iphone_mail;
  if (rng.chance(40)) return MailClient::broken_bare;
  if (domain == "gmx.de" || domain == "web.de" || domain == "gmx.net")
    return rng.chance(800) ? MailClient::gmx_webmail : MailClient::thunderbird;
  if (domain == "gmail.com") return MailClient::gmail;
  if (domain == "t-online.de")
    return rng.chance(700) ? MailClient::tonline_webmail : MailClient::thunderbird;
  return MailClient::outlook_online;
}

std::string exchange_host(Rng& rng) {
  static constexpr std::string_view prefixes[] = {
      "DB7PR03MB", "AM0PR07MB", "FR2P281MB", "BE1P281MB", "VI1PR04MB", "PAXPR08MB", "DU2PR04MB"};
  std::string host(rng.pick(prefixes));
  return host + rng.digits(4);
}

Person make_person(const NamePool& pool, Rng& rng) {
  Person p;
  p.female = rng.chance(500);
  p.first = std::string(rng.pick(p.female ? pool.female : pool.male));
  p.last = std::string(rng.pick(pool.last));
  p.name = p.first + " " + p.last;
  p.display = p.name;
  return p;
}

}  // namespace

std::string ascii_fold(std::string_view utf8) {
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"Ä", "ae"}, {"Ö", "oe"}, {"Ü", "ue"}, {"ß", "ss"},
      {"ø", "oe"}, {"Ø", "oe"}, {"å", "aa"}, {"Å", "aa"}, {"æ", "ae"}, {"Æ", "ae"}, {"é", "e"},
      {"É", "e"},  {"è", "e"},  {"ê", "e"},  {"ë", "e"},  {"á", "a"},  {"à", "a"},  {"â", "a"},
      {"ç", "c"},  {"Ç", "c"},  {"ş", "s"},  {"Ş", "s"},  {"ğ", "g"},  {"ı", "i"},  {"İ", "i"},
      {"ó", "o"},  {"ô", "o"},  {"ï", "i"},  {"î", "i"},  {"ñ", "n"},  {"û", "u"}};
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      ++i;
      continue;
    }
    bool matched = false;
    for (const auto& [from, to] : table) {
      if (utf8.substr(i, from.size()) == from) {
        out += to;
        i += from.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      ++i;
      while (i < utf8.size() && (static_cast<unsigned char>(utf8[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

World build_world(std::uint64_t seed, std::size_t company_count) {
  Rng rng(mix64(seed ^ 0x776f726c64ULL));  // "world"
  World w;

  w.anna.first = "Anna";
  w.anna.last = "Vogel";
  w.anna.name = "Anna Vogel";
  w.anna.display = "Anna Vogel";
  w.anna.email = "anna.vogel@example.com";
  w.anna.written = "anna.vogel@example.com";
  w.anna.female = true;
  w.anna.client = MailClient::thunderbird;
  w.anna.title = "Key Account Management";
  w.alias = w.anna;
  w.alias.name = "Example Vertrieb";
  w.alias.display = "Example Vertrieb";
  w.alias.email = "vertrieb@example.com";
  w.alias.written = "vertrieb@example.com";

  struct ColleagueSpec {
    std::string_view first, last, email;
    MailClient client;
    bool female;
    std::string_view title;
  };
  static constexpr ColleagueSpec colleague_specs[] = {
      {"Jürgen", "Weiß", "juergen.weiss@example.com", MailClient::outlook, false,
       "Vertriebsleitung"},
      {"Özlem", "Şahin", "oezlem.sahin@example.com", MailClient::thunderbird, true,
       "Vertrieb Innendienst"},
      {"Thomas", "Becker", "thomas.becker@example.com", MailClient::outlook, false,
       "Technischer Vertrieb"},
      {"Katrin", "Lange", "k.lange@service.example.com", MailClient::outlook, true,
       "Kundenservice"},
      {"Mehmet", "Yılmaz", "mehmet.yilmaz@example.com", MailClient::thunderbird, false,
       "Auftragsabwicklung"},
      {"Chloé", "Lefèvre", "chloe.lefevre@example.com", MailClient::apple_mail, true, "Marketing"},
      {"Björn", "Schäfer", "bjoern.schaefer@example.com", MailClient::outlook, false,
       "Buchhaltung"},
  };
  for (const auto& spec : colleague_specs) {
    Person p;
    p.first = spec.first;
    p.last = spec.last;
    p.name = std::string(spec.first) + " " + std::string(spec.last);
    p.display = spec.client == MailClient::outlook ? p.last + ", " + p.first : p.name;
    p.email = spec.email;
    p.written = spec.email;
    if (spec.client == MailClient::outlook) {
      // Exchange writes the address as the directory has it.
      p.written = std::string(spec.email);
      p.written[0] = static_cast<char>(p.written[0] - 32);
      const auto dot = p.written.find('.');
      if (dot != std::string::npos && p.written[dot + 1] >= 'a' && p.written[dot + 1] <= 'z')
        p.written[dot + 1] = static_cast<char>(p.written[dot + 1] - 32);
    }
    p.female = spec.female;
    p.informal = true;
    p.client = spec.client;
    p.ui = Lang::de;
    p.zone = Zone::berlin;
    p.own_name_style = NameStyle::bare;
    p.words = words_for(spec.client, rng);
    p.title = spec.title;
    w.colleagues.push_back(std::move(p));
  }

  std::set<std::string> domains = {"example.com"};
  std::set<std::string> freemail_addresses;
  for (std::size_t i = 0; i < company_count; ++i) {
    Company c;
    const auto country = static_cast<Country>(rng.weighted(country_weights));
    if (country == Country::freemail) {
      c.freemail = true;
      c.domain = std::string(rng.pick(freemail_domains));
      c.lang = Lang::de;
      c.zone = Zone::berlin;
      c.city = std::string(rng.pick(de_cities));
      c.phone_prefix = "+49 ";
      Person p = make_person(pool_for(country, rng), rng);
      const std::string first = local_slug(p.first), last = local_slug(p.last);
      std::string local;
      switch (rng.below(5)) {
        case 0:
          local = first + "." + last;
          break;
        case 1:
          local = first.substr(0, 1) + last + std::to_string(rng.between(60, 99));
          break;
        case 2:
          local = last + "." + first;
          break;
        case 3:
          local = first + "." + last + std::to_string(rng.between(1965, 2001));
          break;
        default:
          local = first + "_" + last;
          break;
      }
      while (!freemail_addresses.insert(local + "@" + c.domain).second)
        local += std::to_string(rng.below(10));
      p.email = local + "@" + c.domain;
      p.written = p.email;
      p.client = client_for_freemail(c.domain, rng);
      p.ui = Lang::de;
      p.zone = Zone::berlin;
      p.informal = rng.chance(200);
      p.own_name_style = own_style_for(p.client, rng);
      p.words = words_for(p.client, rng);
      p.missing_id_habit = p.client == MailClient::broken_bare && rng.chance(500);
      c.contacts.push_back(std::move(p));
      c.weight = 4;
      w.companies.push_back(std::move(c));
      continue;
    }
    CompanyName cn;
    std::string domain;
    const std::string tld(tld_for(country));
    c.zone = zone_for(country);
    for (int attempt = 0; attempt < 6; ++attempt) {
      switch (country) {
        case Country::de:
          cn = german_company(rng, de_cities, "GmbH");
          break;
        case Country::at:
          cn = german_company(rng, at_cities, "GmbH");
          break;
        case Country::ch:
          cn = german_company(rng, ch_cities, "AG");
          break;
        default:
          cn = foreign_company(country, rng);
          break;
      }
      if (cn.city.empty()) {
        c.zone = rng.chance(700) ? Zone::new_york : Zone::los_angeles;
        cn.city = std::string(c.zone == Zone::new_york ? rng.pick(us_east_cities)
                                                       : rng.pick(us_west_cities));
      }
      domain = cn.slug + tld;
      if (!domains.count(domain)) break;
    }
    // Namesakes exist ("Müller GmbH" in Augsburg and in Kiel); their domains name the city.
    if (domains.count(domain)) domain = cn.slug + "-" + domain_slug(cn.city) + tld;
    for (int n = 2; domains.count(domain); ++n)
      domain = cn.slug + "-" + domain_slug(cn.city) + std::to_string(n) + tld;
    domains.insert(domain);
    c.name = cn.name;
    c.city = cn.city;
    c.domain = domain;
    c.lang = (country == Country::de || country == Country::at || country == Country::ch)
                 ? Lang::de
                 : Lang::en;
    c.phone_prefix = phone_for(country);
    const bool exchange = rng.chance(600);
    c.exchange_online = exchange && rng.chance(650);
    c.exchange_host = exchange_host(rng);
    c.exchange_region = "eurprd0" + std::to_string(rng.between(1, 9));
    if (rng.chance(120)) c.inbound_tag = std::string(rng.pick(customer_tags));
    c.newsletter = rng.chance(150);
    c.portal = rng.chance(50);

    const std::uint32_t size_weights[] = {40, 30, 20, 10};
    const std::size_t contacts = 1 + rng.weighted(size_weights);
    std::set<std::string> locals;
    const int pattern = static_cast<int>(rng.below(5));
    for (std::size_t k = 0; k < contacts; ++k) {
      Person p = make_person(pool_for(country, rng), rng);
      const std::string first = local_slug(p.first), last = local_slug(p.last);
      std::string local;
      switch (pattern) {
        case 0:
          local = first + "." + last;
          break;
        case 1:
          local = first.substr(0, 1) + "." + last;
          break;
        case 2:
          local = last;
          break;
        case 3:
          local = first.substr(0, 1) + last;
          break;
        default:
          local = first + "." + last;
          break;
      }
      for (int n = 2; !locals.insert(local).second; ++n) local = local + std::to_string(n);
      p.email = local + "@" + c.domain;
      p.written = p.email;
      p.client = client_for_company(exchange, c.exchange_online, rng);
      if (p.client == MailClient::outlook || p.client == MailClient::outlook_online) {
        // Exchange writes addresses as the directory spells them: "Hans.Mueller@...".
        if (rng.chance(600)) {
          std::string written;
          bool upper_next = true;
          for (char ch : local) {
            written += (upper_next && ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
            upper_next = ch == '.';
          }
          p.written = written + "@" + c.domain;
        }
      }
      if ((p.client == MailClient::outlook || p.client == MailClient::outlook_online) &&
          rng.chance(250))
        p.display = p.last + ", " + p.first;
      p.ui = ui_for(country);
      if (p.ui == Lang::de && c.lang == Lang::en) p.ui = Lang::en;
      p.zone = c.zone;
      p.informal = rng.chance(c.lang == Lang::en ? 700 : 250);
      p.own_name_style = own_style_for(p.client, rng);
      p.words = words_for(p.client, rng);
      p.title = std::string(c.lang == Lang::de ? rng.pick(de_titles) : rng.pick(en_titles));
      p.missing_id_habit = p.client == MailClient::broken_bare && rng.chance(500);
      c.contacts.push_back(std::move(p));
    }
    w.companies.push_back(std::move(c));
  }

  // Activity follows a long tail: a few key accounts write a lot.
  w.company_weights.reserve(w.companies.size());
  for (std::size_t i = 0; i < w.companies.size(); ++i) {
    Company& c = w.companies[i];
    const auto base = static_cast<std::uint32_t>(120 / (1 + i / 6) + 2);
    c.weight = c.freemail ? std::max<std::uint32_t>(1, base / 4) : base;
    w.company_weights.push_back((w.company_weights.empty() ? 0 : w.company_weights.back()) +
                                c.weight);
  }

  w.notifiers = {
      {"Büroversand24", "noreply@bueroversand24.de", 0, false},
      {"Paketexpress Sendungsverfolgung", "no-reply@paketexpress.de", 1, true},
      {"CRM Cloud", "notifications-noreply@crmcloud.io", 2, false},
      {"Rechnungsportal TelcoNord", "donotreply@rechnung.telco-nord.de", 3, true},
      {"Reisekosten-Tool", "do-not-reply@spesen-online.de", 4, false},
      {"Termin-Online", "no-reply@termin-online.de", 5, true},
      {"IT-Service Example GmbH", "noreply@example.com", 6, true},
  };
  w.newsletters = {
      {"Vertrieb aktuell", "newsletter@vertrieb-aktuell.de", "vertrieb-aktuell.de",
       "Vertrieb aktuell", true},
      {"Logistik Heute", "news@newsletter.logistik-heute.info", "newsletter.logistik-heute.info",
       "Logistik Heute Newsletter", true},
      {"Wirtschaftskammer Süd", "newsletter@wk-sued.de", "wk-sued.de", "Kammer-Info", true},
      {"SaaS Weekly", "hello@saasweekly.io", "saasweekly.io", "SaaS Weekly", false},
      {"Fachmesse Nürnberg", "news@fachmesse-nuernberg.de", "fachmesse-nuernberg.de", "Messe-News",
       true},
  };
  // Bigger worlds read more trade press.
  std::set<std::string> newsletter_domains;
  for (const auto& n : w.newsletters) newsletter_domains.insert(n.list_host);
  for (std::size_t i = 0; i < company_count / 50; ++i) {
    const std::string_view industry = rng.pick(de_industries);
    const std::string_view region = rng.pick(de_regions);
    NewsletterSender n;
    n.german = true;
    switch (rng.below(3)) {
      case 0:
        n.title = "Fachmagazin " + std::string(industry);
        break;
      case 1:
        n.title = std::string(region) + " Wirtschaft aktuell";
        break;
      default:
        n.title = std::string(industry) + "-Report " + std::string(region);
        break;
    }
    n.display = n.title;
    std::string host = domain_slug(n.title) + ".de";
    for (int k = 2; newsletter_domains.count(host); ++k)
      host = domain_slug(n.title) + std::to_string(k) + ".de";
    newsletter_domains.insert(host);
    n.list_host = "news." + host;
    n.email = "newsletter@news." + host;
    w.newsletters.push_back(std::move(n));
  }
  return w;
}

}  // namespace nachfass::gen
