// The generator's own guarantees: determinism, honest counts, well-formed RFC 5322 bytes,
// to_message() agreeing with those bytes, and a ground truth that is unambiguous (every reply
// linkable, positives really waiting, nothing between "fresh" and "overdue").
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "core/identities.hpp"
#include "gen/generator.hpp"

namespace nachfass::gen {
namespace {

constexpr std::int64_t day = 86400;

struct Collect final : MailSink {
  std::vector<GeneratedMail> mails;
  void mail(const GeneratedMail& m) override { mails.push_back(m); }
};

struct Corpus {
  GroundTruth truth;
  std::vector<GeneratedMail> mails;
};

Corpus make(std::uint64_t seed, std::size_t messages, std::size_t companies = 200) {
  GeneratorOptions o;
  o.seed = seed;
  o.messages = messages;
  o.companies = companies;
  Collect sink;
  Corpus c;
  c.truth = generate(o, sink);
  c.mails = std::move(sink.mails);
  return c;
}

const Corpus& big() {
  static const Corpus corpus = make(11, 4000);
  return corpus;
}

Identities identities() {
  const UserIdentity& u = user_identity();
  return Identities(u.addresses, u.own_domains);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// --- an independent reader for what render_rfc5322 writes --------------------------------------

struct Header {
  std::string name;
  std::string value;  // unfolded: line breaks removed, whitespace kept
};

struct Parsed {
  std::vector<Header> headers;
  std::string body;
  std::vector<std::string> raw_header_lines;

  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& h : headers)
      if (lower(h.name) == lower(name)) out.push_back(h.value);
    return out;
  }
  std::optional<std::string> one(std::string_view name) const {
    auto v = all(name);
    if (v.empty()) return std::nullopt;
    return v.front();
  }
};

Parsed parse(const std::string& bytes) {
  Parsed p;
  const std::size_t end = bytes.find("\n\n");
  const std::string head = bytes.substr(0, end);
  p.body = end == std::string::npos ? "" : bytes.substr(end + 2);
  std::size_t start = 0;
  while (start < head.size()) {
    std::size_t nl = head.find('\n', start);
    if (nl == std::string::npos) nl = head.size();
    const std::string line = head.substr(start, nl - start);
    p.raw_header_lines.push_back(line);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!p.headers.empty()) p.headers.back().value += line;
    } else {
      const std::size_t colon = line.find(':');
      Header h;
      h.name = line.substr(0, colon);
      h.value = colon == std::string::npos ? "" : line.substr(colon + 1);
      p.headers.push_back(std::move(h));
    }
    start = nl + 1;
  }
  for (auto& h : p.headers) h.value = trim(h.value);
  return p;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string to_utf8(const std::string& bytes, std::string charset) {
  charset = lower(charset);
  if (charset == "utf-8") return bytes;
  static constexpr char16_t cp1252[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  for (unsigned char c : bytes) {
    char32_t cp = c;
    if (charset == "windows-1252" && c >= 0x80 && c < 0xA0) cp = cp1252[c - 0x80];
    append_utf8(out, cp);
  }
  return out;
}

std::string unbase64(std::string_view in) {
  static const std::string table =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const auto pos = table.find(c);
    if (pos == std::string::npos) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// Decodes one encoded word; nullopt if `w` is not one.
std::optional<std::string> decode_word(std::string_view w) {
  if (w.size() < 8 || w.substr(0, 2) != "=?" || w.substr(w.size() - 2) != "?=") return std::nullopt;
  const std::size_t q1 = w.find('?', 2);
  if (q1 == std::string_view::npos || q1 + 2 >= w.size() || w[q1 + 2] != '?') return std::nullopt;
  const std::string charset(w.substr(2, q1 - 2));
  const char scheme = static_cast<char>(w[q1 + 1] & ~0x20);
  const std::string_view text = w.substr(q1 + 3, w.size() - q1 - 5);
  std::string bytes;
  if (scheme == 'B') {
    bytes = unbase64(text);
  } else {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '_') {
        bytes += ' ';
      } else if (text[i] == '=' && i + 2 < text.size()) {
        bytes += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        bytes += text[i];
      }
    }
  }
  return to_utf8(bytes, charset);
}

// RFC 2047 for unstructured text and phrases: whitespace between adjacent encoded words vanishes.
std::string decode_text(std::string_view value) {
  std::string out;
  std::string pending_space;
  bool last_was_word = false;
  std::size_t i = 0;
  while (i < value.size()) {
    if (value[i] == ' ' || value[i] == '\t') {
      pending_space += value[i++];
      continue;
    }
    std::size_t end = value.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view token = value.substr(i, end - i);
    const auto decoded = decode_word(token);
    if (decoded) {
      if (!last_was_word) out += pending_space;
      out += *decoded;
    } else {
      out += pending_space;
      out += token;
    }
    pending_space.clear();
    last_was_word = decoded.has_value();
    i = end;
  }
  return out;
}

struct ParsedAddress {
  std::string email;
  std::string name;
};

std::vector<ParsedAddress> parse_addresses(std::string_view value) {
  std::vector<ParsedAddress> out;
  std::string phrase, email;
  bool in_angle = false, in_quote = false, had_angle = false;
  std::string quoted_name;
  bool quoted = false;
  auto flush = [&]() {
    const std::string p = trim(phrase);
    if (p.empty() && email.empty()) return;
    ParsedAddress a;
    if (had_angle) {
      a.email = lower(trim(email));
      a.name = quoted ? quoted_name : decode_text(p);
    } else {
      a.email = lower(p);
    }
    out.push_back(std::move(a));
    phrase.clear();
    email.clear();
    quoted_name.clear();
    in_angle = had_angle = quoted = false;
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (in_quote) {
      if (c == '\\' && i + 1 < value.size()) {
        quoted_name += value[++i];
      } else if (c == '"') {
        in_quote = false;
      } else {
        quoted_name += c;
      }
      continue;
    }
    if (in_angle) {
      if (c == '>')
        in_angle = false;
      else
        email += c;
      continue;
    }
    if (c == '"') {
      in_quote = quoted = true;
    } else if (c == '<') {
      in_angle = had_angle = true;
    } else if (c == ',') {
      flush();
    } else {
      phrase += c;
    }
  }
  flush();
  return out;
}

std::vector<std::string> msg_ids(std::string_view value) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = value.find('<', i)) != std::string_view::npos) {
    const std::size_t j = value.find('>', i);
    out.emplace_back(value.substr(i + 1, j - i - 1));
    i = j;
  }
  return out;
}

struct ParsedDate {
  std::int64_t utc = 0;
  int offset = 0;
};

std::optional<ParsedDate> parse_date(std::string value) {
  // [Day, ] D Mon YYYY HH:MM[:SS] zone [(comment)]
  const auto paren = value.find('(');
  if (paren != std::string::npos) value = value.substr(0, paren);
  const auto comma = value.find(',');
  if (comma != std::string::npos) value = value.substr(comma + 1);
  std::istringstream in(value);
  int d = 0, y = 0;
  std::string mon, time, zone;
  if (!(in >> d >> mon >> y >> time >> zone)) return std::nullopt;
  static const std::string months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const auto mpos = months.find(mon);
  if (mpos == std::string::npos) return std::nullopt;
  const int m = static_cast<int>(mpos / 3 + 1);
  int hh = 0, mm = 0, ss = 0;
  if (std::sscanf(time.c_str(), "%d:%d:%d", &hh, &mm, &ss) < 2) return std::nullopt;
  int offset = 0;
  if (zone[0] == '+' || zone[0] == '-') {
    const int v = std::stoi(zone.substr(1));
    offset = (v / 100 * 60 + v % 100) * (zone[0] == '-' ? -1 : 1);
  } else {
    static const std::map<std::string, int> names = {
        {"UT", 0},     {"GMT", 0},    {"EST", -300}, {"EDT", -240}, {"CST", -360},
        {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}};
    const auto it = names.find(zone);
    if (it == names.end()) return std::nullopt;
    offset = it->second;
  }
  // days from civil
  const int yy = y - (m <= 2);
  const int era = yy / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return ParsedDate{days * day + hh * 3600 + mm * 60 + ss - offset * 60, offset};
}

// Reply/forward prefixes and [tags] stripped, as threading.hpp describes base_subject().
std::string base_subject(std::string_view subject) {
  std::string s = trim(subject);
  static const std::vector<std::string> prefixes = {"re", "aw", "wg", "fwd",
                                                    "fw", "sv", "vs", "antw"};
  bool changed = true;
  while (changed) {
    changed = false;
    if (!s.empty() && s[0] == '[') {
      const auto close = s.find(']');
      if (close != std::string::npos) {
        s = trim(s.substr(close + 1));
        changed = true;
        continue;
      }
    }
    for (const auto& p : prefixes) {
      if (s.size() > p.size() && lower(s.substr(0, p.size())) == p && s[p.size()] == ':') {
        s = trim(s.substr(p.size() + 1));
        changed = true;
        break;
      }
    }
  }
  return s;
}

// dot-atom "@" dot-atom (RFC 5322 3.4.1), which is all the generator should ever write.
bool valid_addr_spec(std::string_view a) {
  const auto at = a.find('@');
  if (at == std::string_view::npos || a.find('@', at + 1) != std::string_view::npos) return false;
  auto dot_atom = [](std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos)
      return false;
    static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~.";
    for (char c : s)
      if (!std::isalnum(static_cast<unsigned char>(c)) &&
          specials.find(c) == std::string_view::npos)
        return false;
    return true;
  };
  return dot_atom(a.substr(0, at)) && dot_atom(a.substr(at + 1));
}

// --- tests --------------------------------------------------------------------------------------

std::string fingerprint(const Corpus& c) {
  std::string all;
  for (const auto& m : c.mails) {
    all += m.folder + "/" + m.file_name + "\n";
    all += render_rfc5322(m);
  }
  std::ostringstream json;
  write_truth_json(c.truth, json);
  return all + json.str();
}

TEST(Generator, SameSeedSameBytesDifferentSeedDifferentBytes) {
  const std::string a = fingerprint(make(7, 400));
  const std::string b = fingerprint(make(7, 400));
  const std::string c = fingerprint(make(8, 400));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Generator, EmitsExactlyTheRequestedNumberOfMessages) {
  for (std::size_t n : {1u, 2u, 3u, 7u, 31u, 300u}) {
    const Corpus c = make(5, n, 20);
    EXPECT_EQ(c.mails.size(), n);
    EXPECT_EQ(c.truth.counts.messages, n);
  }
}

TEST(Generator, CountsInTruthMatchWhatTheSinkReceived) {
  const Corpus& c = big();
  TruthCounts seen;
  std::set<std::string> ids;
  std::set<std::uint32_t> threads;
  for (const auto& m : c.mails) {
    ++seen.messages;
    (m.folder == "Sent" ? seen.sent : seen.inbox) += 1;
    if (m.actor == Actor::automated) ++seen.automated;
    if (m.message_id.empty()) ++seen.missing_message_id;
    if (!m.message_id.empty() && !ids.insert(m.message_id).second) {
      ++seen.duplicates;
      EXPECT_TRUE(m.duplicate) << m.message_id;
    }
    threads.insert(m.thread_serial);
  }
  const TruthCounts& t = c.truth.counts;
  EXPECT_EQ(seen.messages, t.messages);
  EXPECT_EQ(seen.inbox, t.inbox);
  EXPECT_EQ(seen.sent, t.sent);
  EXPECT_EQ(seen.automated, t.automated);
  EXPECT_EQ(seen.duplicates, t.duplicates);
  EXPECT_EQ(seen.missing_message_id, t.missing_message_id);
  EXPECT_EQ(threads.size(), t.threads);
  EXPECT_EQ(c.truth.threads.size(), t.threads);
  EXPECT_EQ(c.truth.unanswered.size(), t.unanswered);
  // The corpus exercises what it claims to.
  EXPECT_GT(t.duplicates, 0u);
  EXPECT_GT(t.missing_message_id, 0u);
  EXPECT_GT(t.unanswered, 0u);
  EXPECT_GT(t.fresh, 0u);
  EXPECT_GT(t.subject_only_replies, 0u);
  EXPECT_GT(t.thread_index_only_replies, 0u);
  std::set<std::string> files;
  for (const auto& m : c.mails) EXPECT_TRUE(files.insert(source_id(m)).second) << m.file_name;
}

TEST(Generator, RenderedMessagesAreWellFormed) {
  std::size_t long_lines = 0, header_lines = 0;
  for (const auto& m : big().mails) {
    const std::string bytes = render_rfc5322(m);
    ASSERT_EQ(bytes.find('\r'), std::string::npos);
    ASSERT_EQ(bytes.find('\0'), std::string::npos);
    const Parsed p = parse(bytes);
    ASSERT_FALSE(p.raw_header_lines.empty());
    for (std::size_t i = 0; i < p.raw_header_lines.size(); ++i) {
      const std::string& line = p.raw_header_lines[i];
      ++header_lines;
      EXPECT_LE(line.size(), 998u) << line;
      if (line.size() > 78) {
        // Only a single unbreakable token (a long msg-id) may overrun the soft limit.
        ++long_lines;
        std::string_view rest = line;
        if (line[0] != ' ' && line[0] != '\t') rest.remove_prefix(line.find(':') + 1);
        rest.remove_prefix(rest.find_first_not_of(" \t"));
        EXPECT_EQ(rest.find_first_of(" \t"), std::string_view::npos) << line;
      }
      for (unsigned char c : line) ASSERT_LT(c, 0x80) << line;
      ASSERT_FALSE(line.empty());
      if (line[0] == ' ' || line[0] == '\t') {
        EXPECT_GT(i, 0u);
        EXPECT_NE(trim(line), "") << "whitespace-only continuation";
      } else {
        const auto colon = line.find(':');
        ASSERT_NE(colon, std::string::npos) << line;
        ASSERT_GT(colon, 0u);
        for (std::size_t k = 0; k < colon; ++k) ASSERT_TRUE(line[k] > 32 && line[k] < 127) << line;
      }
    }
    EXPECT_EQ(p.all("From").size(), 1u);
    EXPECT_EQ(p.all("Date").size(), 1u);
    EXPECT_LE(p.all("Message-ID").size(), 1u);
    EXPECT_LE(p.all("Subject").size(), 1u);
    EXPECT_EQ(p.all("MIME-Version").size(), 1u);
    std::size_t start = 0;
    while (start < p.body.size()) {
      std::size_t nl = p.body.find('\n', start);
      if (nl == std::string::npos) nl = p.body.size();
      EXPECT_LE(nl - start, 998u);
      start = nl + 1;
    }
    for (unsigned char c : p.body) ASSERT_LT(c, 0x80);
  }
  // Folding keeps nearly every header line within 78 columns.
  // (Msg-id-only References lines of the scenario replies are the usual overrun.)
  EXPECT_LT(long_lines * 100, header_lines * 4);
}

TEST(Generator, ToMessageAgreesWithTheRenderedBytes) {
  for (const auto& gm : big().mails) {
    const Message m = to_message(gm);
    const Parsed p = parse(render_rfc5322(gm));
    SCOPED_TRACE(m.source_id);
    const auto id = p.one("Message-ID");
    EXPECT_EQ(id ? msg_ids(*id).at(0) : "", m.message_id);
    const auto irt = p.one("In-Reply-To");
    EXPECT_EQ(irt ? msg_ids(*irt).at(0) : "", m.in_reply_to);
    const auto refs = p.one("References");
    EXPECT_EQ(refs ? msg_ids(*refs) : std::vector<std::string>{}, m.references);
    EXPECT_EQ(p.one("Thread-Index").value_or(""), m.thread_index);
    EXPECT_EQ(decode_text(p.one("Thread-Topic").value_or("")), m.thread_topic);
    EXPECT_EQ(decode_text(p.one("Subject").value_or("")), m.subject);
    const auto date = parse_date(*p.one("Date"));
    ASSERT_TRUE(date) << *p.one("Date");
    EXPECT_EQ(date->utc, m.date);
    EXPECT_EQ(date->offset, m.utc_offset_minutes);
    const auto from = parse_addresses(*p.one("From"));
    ASSERT_EQ(from.size(), 1u);
    EXPECT_EQ(from[0].email, m.from.email);
    EXPECT_EQ(from[0].name, m.from.name);
    for (const auto& [header, list] : {std::pair{"To", &m.to}, std::pair{"Cc", &m.cc}}) {
      const auto parsed = parse_addresses(p.one(header).value_or(""));
      ASSERT_EQ(parsed.size(), list->size()) << header;
      for (std::size_t i = 0; i < parsed.size(); ++i) {
        EXPECT_EQ(parsed[i].email, (*list)[i].email);
        EXPECT_EQ(parsed[i].name, (*list)[i].name);
      }
    }
    EXPECT_TRUE(valid_addr_spec(m.from.email)) << m.from.email;
    for (const auto* list : {&m.to, &m.cc})
      for (const Address& a : *list) EXPECT_TRUE(valid_addr_spec(a.email)) << a.email;
    EXPECT_EQ(m.folder_role, gm.folder == "Sent" ? FolderRole::sent : FolderRole::inbox);
    EXPECT_EQ(m.from.email, lower(m.from.email));
  }
}

struct ThreadView {
  const ThreadTruth* truth;
  std::vector<Message> messages;  // by date
  std::vector<const GeneratedMail*> generated;
};

std::vector<ThreadView> threads_of(const Corpus& c) {
  std::unordered_map<std::string, const GeneratedMail*> by_source;
  for (const auto& m : c.mails) by_source[source_id(m)] = &m;
  std::vector<ThreadView> out;
  for (const auto& t : c.truth.threads) {
    ThreadView v{&t, {}, {}};
    for (const auto& s : t.source_ids) {
      const GeneratedMail* g = by_source.at(s);
      v.generated.push_back(g);
      v.messages.push_back(to_message(*g));
    }
    out.push_back(std::move(v));
  }
  return out;
}

TEST(Generator, ThreadListCoversEveryMessageOnceInDateOrder) {
  const Corpus& c = big();
  std::set<std::string> seen;
  for (const auto& v : threads_of(c)) {
    ASSERT_FALSE(v.messages.empty());
    EXPECT_EQ(v.truth->root, v.messages.front().message_id);
    for (std::size_t i = 0; i < v.messages.size(); ++i) {
      EXPECT_TRUE(seen.insert(v.messages[i].source_id).second);
      EXPECT_EQ(v.truth->message_ids[i], v.messages[i].message_id);
      if (i > 0) {
        EXPECT_LE(v.messages[i - 1].date, v.messages[i].date);
      }
    }
  }
  EXPECT_EQ(seen.size(), c.mails.size());
}

TEST(Generator, PositivesAreTheLatestHumanCustomerMailOfTheirThread) {
  const Corpus& c = big();
  const Identities ids = identities();
  const UnixSeconds now = c.truth.options.now;
  std::map<std::string, const ThreadView*> by_root;
  const auto views = threads_of(c);
  for (const auto& v : views)
    if (v.truth->kind == ThreadKind::customer && !v.truth->root.empty())
      by_root[v.truth->root] = &v;
  auto check = [&](const AwaitingReply& a, bool overdue) {
    SCOPED_TRACE(a.awaiting);
    ASSERT_FALSE(a.thread_root.empty());
    ASSERT_FALSE(a.awaiting.empty());
    const ThreadView& v = *by_root.at(a.thread_root);
    const Message* latest = nullptr;
    for (const Message& m : v.messages)
      if (m.automation == Automation::none) latest = &m;
    ASSERT_NE(latest, nullptr);
    EXPECT_EQ(latest->message_id, a.awaiting);
    if (!overdue) {
      // Whether the wait counts from the first or the last unanswered customer mail, a fresh
      // thread is fresh: the human message before the awaiting one is ours.
      const Message* before = nullptr;
      for (const Message& m : v.messages)
        if (m.automation == Automation::none && &m != latest && m.date <= latest->date &&
            m.message_id != latest->message_id)
          before = &m;
      if (before != nullptr) {
        EXPECT_TRUE(ids.is_own(before->from.email)) << before->source_id;
      }
    }
    EXPECT_FALSE(ids.is_own(latest->from.email));
    EXPECT_EQ(latest->from.email, a.contact);
    EXPECT_EQ(latest->date, a.since);
    EXPECT_EQ(latest->folder_role, FolderRole::inbox);
    if (overdue) {
      EXPECT_LE(a.since, now - 10 * day);
    } else {
      EXPECT_GT(a.since, now - 20 * 3600);
    }
    EXPECT_LT(a.since, now);
  };
  for (const auto& a : c.truth.unanswered) check(a, true);
  for (const auto& a : c.truth.fresh) check(a, false);
}

TEST(Generator, EveryCustomerLastThreadIsListedAndNoneIsInTheAmbiguousBand) {
  const Corpus& c = big();
  const Identities ids = identities();
  std::set<std::string> listed;
  for (const auto& a : c.truth.unanswered) listed.insert(a.thread_root);
  for (const auto& a : c.truth.fresh) listed.insert(a.thread_root);
  std::size_t customer_last = 0;
  for (const auto& v : threads_of(c)) {
    const GeneratedMail* latest = nullptr;
    for (const GeneratedMail* g : v.generated)
      if (g->actor != Actor::automated) latest = g;
    if (latest == nullptr) continue;
    const bool waiting = latest->actor == Actor::customer;
    EXPECT_EQ(waiting, listed.count(v.truth->root) == 1) << v.truth->root;
    if (waiting) {
      ++customer_last;
      EXPECT_FALSE(ids.is_own(lower(latest->from.email)));
    }
    for (const GeneratedMail* g : v.generated) EXPECT_LT(g->date, c.truth.options.now);
  }
  EXPECT_EQ(customer_last, c.truth.unanswered.size() + c.truth.fresh.size());
  // About 3-5 % of customer threads are overdue.
  EXPECT_GT(c.truth.unanswered.size() * 100, c.truth.counts.customer_threads * 2);
  EXPECT_LT(c.truth.unanswered.size() * 100, c.truth.counts.customer_threads * 7);
}

TEST(Generator, IntendedAutomationIsWhatClassifyAutomationSees) {
  std::size_t automated = 0, subject_only = 0;
  for (const auto& g : big().mails) {
    const Message m = to_message(g);
    SCOPED_TRACE(m.subject);
    if (g.actor == Actor::automated) {
      ++automated;
      // Out-of-office notices recognisable by their subject alone, often behind our gateway's
      // "[EXTERN]" tag.
      if (m.automation == Automation::out_of_office_subject) ++subject_only;
      EXPECT_NE(m.automation, Automation::none) << to_string(g.client);
    } else {
      EXPECT_EQ(m.automation, Automation::none) << to_string(g.client);
    }
  }
  EXPECT_GT(automated, 0u);
  EXPECT_GT(subject_only, 0u);
}

// What threading can rely on: a reply names an earlier member (References/In-Reply-To), or
// extends an earlier member's Thread-Index, or carries the thread's base subject between the same
// external addresses within 14 days of the thread's previous message.
TEST(Generator, EveryReplyCanBeLinkedToItsThread) {
  const Corpus& c = big();
  const Identities ids = identities();
  auto externals = [&](const Message& m) {
    std::set<std::string> out;
    auto add = [&](const Address& a) {
      if (!ids.is_own(a.email)) out.insert(a.email);
    };
    add(m.from);
    for (const auto& a : m.to) add(a);
    for (const auto& a : m.cc) add(a);
    return out;
  };
  for (const auto& v : threads_of(c)) {
    for (std::size_t i = 1; i < v.messages.size(); ++i) {
      const Message& m = v.messages[i];
      SCOPED_TRACE(m.source_id);
      bool linked = false;
      for (std::size_t k = 0; k < i && !linked; ++k) {
        const Message& e = v.messages[k];
        if (e.message_id.empty()) continue;
        if (m.in_reply_to == e.message_id) linked = true;
        for (const auto& r : m.references)
          if (r == e.message_id) linked = true;
        if (m.message_id == e.message_id) linked = true;  // a duplicate copy
      }
      const std::string index = unbase64(m.thread_index);
      for (std::size_t k = 0; k < i && !linked && index.size() > 22; ++k) {
        const std::string earlier = unbase64(v.messages[k].thread_index);
        if (earlier.size() >= 22 && earlier.compare(0, 22, index, 0, 22) == 0) linked = true;
      }
      if (!linked) {
        const Message& prev = v.messages[i - 1];
        EXPECT_EQ(lower(base_subject(m.subject)), lower(base_subject(prev.subject)));
        EXPECT_EQ(externals(m), externals(prev));
        EXPECT_FALSE(externals(m).empty());
        EXPECT_LE(m.date - prev.date, 14 * day);
        EXPECT_EQ(m.automation, Automation::none);
        EXPECT_EQ(prev.automation, Automation::none);
      }
    }
  }
}

// Subject grouping stays unambiguous: a message without References/In-Reply-To never shares its
// base subject and external addresses with another thread's message within 21 days.
TEST(Generator, SubjectGroupingIsUnambiguous) {
  const Corpus& c = big();
  const Identities ids = identities();
  struct Entry {
    std::size_t thread;
    UnixSeconds date;
    bool unreferenced;
  };
  std::map<std::pair<std::string, std::string>, std::vector<Entry>> by_key;
  const auto views = threads_of(c);
  for (std::size_t t = 0; t < views.size(); ++t) {
    for (const Message& m : views[t].messages) {
      std::set<std::string> ext;
      for (const Address* a : {&m.from}) ext.insert(a->email);
      for (const auto& a : m.to) ext.insert(a.email);
      for (const auto& a : m.cc) ext.insert(a.email);
      std::string key;
      for (const auto& e : ext)
        if (!ids.is_own(e)) key += e + ",";
      const bool unreferenced = m.in_reply_to.empty() && m.references.empty();
      by_key[{lower(base_subject(m.subject)), key}].push_back({t, m.date, unreferenced});
    }
  }
  for (const auto& [key, entries] : by_key) {
    for (const Entry& a : entries) {
      if (!a.unreferenced) continue;
      for (const Entry& b : entries) {
        if (b.thread != a.thread) {
          EXPECT_GT(std::llabs(a.date - b.date), 21 * day)
              << "'" << key.first << "' between " << key.second;
        }
      }
    }
  }
}

// The other detectors' truth: every thread that ends with our word has a chosen text and a clear
// label; engagement notices and out-of-office replies carry their dates in the body's new text,
// which to_message() hands on as Message::body.
TEST(Generator, ScenarioTruthIsClearAndItsTextsReachTheMessage) {
  const Corpus& c = big();
  const TruthCounts& t = c.truth.counts;
  EXPECT_EQ(t.stalled_unlabeled, 0u);
  EXPECT_EQ(t.stalled_unsure, 0u);
  EXPECT_GT(t.stalled, 0u);
  EXPECT_GT(t.not_stalled, 0u);
  EXPECT_EQ(t.lapsing + t.lapsing_not_due + t.lapsing_unsure, c.truth.engagements.size());
  std::set<std::string> starts;
  for (const auto& e : c.truth.engagements) starts.insert(e.start_message_id);
  std::size_t notices = 0, ooo = 0;
  for (const GeneratedMail& g : c.mails) {
    const Message m = to_message(g);
    EXPECT_LE(m.body.size(), max_body_bytes);
    if (starts.count(g.message_id) && g.actor == Actor::automated) {
      ++notices;
      EXPECT_TRUE(m.body.find("läuft am") != std::string::npos ||
                  m.body.find("ends on") != std::string::npos ||
                  m.body.find("Laufzeit bis") != std::string::npos ||
                  m.body.find("valid until") != std::string::npos ||
                  m.body.find("Schnupperseminar") != std::string::npos ||
                  m.body.find("taster seminar") != std::string::npos)
          << m.body;
    }
    if (g.folder == "Sent" && g.actor == Actor::automated) {
      ++ooo;
      EXPECT_NE(m.automation, Automation::none);
      EXPECT_TRUE(m.body.find("nicht im Büro") != std::string::npos ||
                  m.body.find("out of the office") != std::string::npos)
          << m.body;
    }
  }
  EXPECT_GT(notices, 0u);
  EXPECT_GT(ooo, 0u);
}

TEST(Generator, IsoTimesRoundTrip) {
  EXPECT_EQ(format_iso_utc(default_now), "2026-11-23T09:30:00Z");
  EXPECT_EQ(parse_iso_utc("2026-11-23T09:30:00Z"), default_now);
  EXPECT_EQ(parse_iso_utc("2026-11-23T10:30:00+01:00"), default_now);
  EXPECT_FALSE(parse_iso_utc("23.11.2026"));
}

TEST(Generator, MaildirWriterWritesMaildirPlusPlus) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("nachfass-gen-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  GeneratorOptions o;
  o.seed = 3;
  o.messages = 120;
  const GroundTruth truth = write_corpus(dir, o);
  for (const char* sub : {"cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp", ".Drafts/cur",
                          ".Drafts/new", ".Drafts/tmp"})
    EXPECT_TRUE(std::filesystem::is_directory(dir / "maildir" / sub)) << sub;
  EXPECT_TRUE(std::filesystem::exists(dir / "maildir" / ".Sent" / "maildirfolder"));
  std::size_t inbox = 0, sent = 0;
  for (const char* sub : {"cur", "new"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir / "maildir" / sub)) {
      (void)e;
      ++inbox;
    }
    for (const auto& e : std::filesystem::directory_iterator(dir / "maildir" / ".Sent" / sub)) {
      (void)e;
      ++sent;
    }
  }
  EXPECT_EQ(inbox, truth.counts.inbox);
  EXPECT_EQ(sent, truth.counts.sent);
  EXPECT_TRUE(std::filesystem::exists(dir / "truth.json"));
  std::ifstream toml(dir / "nachfass.toml");
  std::stringstream text;
  text << toml.rdbuf();
  EXPECT_NE(text.str().find("addresses = [\"anna.vogel@example.com\", \"vertrieb@example.com\"]"),
            std::string::npos);
  // Same bytes and mtime as generated.
  Collect sink;
  generate(o, sink);
  const GeneratedMail& first = sink.mails.front();
  const auto path = dir / "maildir" / (first.folder == "Sent" ? ".Sent" : "") /
                    (first.in_new ? "new" : "cur") / first.file_name;
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  EXPECT_EQ(bytes.str(), render_rfc5322(first));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, first.delivered);
  std::filesystem::remove_all(dir);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The committed sample is what the generator writes today. When this fails after a deliberate
// change to the generator, regenerate it with the command in tests/data/sample/README.md.
TEST(Generator, CommittedSampleIsCurrent) {
  const std::filesystem::path sample = std::filesystem::path(NACHFASS_TEST_DATA) / "sample";
  ASSERT_TRUE(std::filesystem::exists(sample / "truth.json"));
  GeneratorOptions o;
  o.seed = 1;
  o.messages = 300;
  Collect sink;
  const GroundTruth truth = generate(o, sink);
  std::ostringstream json;
  write_truth_json(truth, json);
  EXPECT_EQ(read_file(sample / "truth.json"), json.str()) << "regenerate tests/data/sample";
  EXPECT_EQ(read_file(sample / "nachfass.toml"), config_toml());
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(sample / "maildir"))
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.' &&
        (entry.path().parent_path().filename() == "cur" ||
         entry.path().parent_path().filename() == "new"))
      ++files;
  EXPECT_EQ(files, sink.mails.size());
  for (const GeneratedMail& m : sink.mails) {
    const auto path = sample / "maildir" / (m.folder == "Sent" ? ".Sent" : "") /
                      (m.in_new ? "new" : "cur") / m.file_name;
    ASSERT_EQ(read_file(path), render_rfc5322(m)) << path << ": regenerate tests/data/sample";
  }
}

}  // namespace
}  // namespace nachfass::gen
