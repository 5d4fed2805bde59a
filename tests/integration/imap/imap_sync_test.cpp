// The IMAP sync against the real Dovecot of the test harness (fixture `servers`). Every test
// owns the test account's mailbox while it runs (RESOURCE_LOCK nachfass_test_mailbox) and loads
// its own corpus with load-maildir --clear.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <map>
#include <thread>

#include "harness.hpp"
#include "imap/sync/imap_sync.hpp"
#include "store/store.hpp"

namespace nachfass::test {
namespace {

using imap::ImapImportOptions;
using imap::ImapImportReport;

std::vector<Message> stored(Store& store) {
  std::vector<Message> out;
  auto visited = store.for_each_message([&](const Message& m) { out.push_back(m); });
  EXPECT_TRUE(visited);
  return out;
}

class ImapSync : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = servers_dir();
    if (dir.empty() || !std::filesystem::exists(dir / "servers.json"))
      GTEST_SKIP() << "NACHFASS_SERVERS_DIR not set or servers not started";
    harness_ = Harness::load(dir);
    auto store = Store::open_memory();
    ASSERT_TRUE(store);
    store_.emplace(std::move(*store));
  }

  void load(const std::filesystem::path& maildir, bool clear) {
    ASSERT_EQ(harness_.run("load-maildir", "--maildir " + shell_quote(maildir.string()) +
                                               (clear ? " --clear" : "")),
              0);
  }

  ImapImportOptions options() const {
    ImapImportOptions o;
    o.secret = harness_.password();
    o.ca_file = harness_.ca_file.string();
    o.batch_messages = 100;
    return o;
  }

  Result<ImapImportReport> sync(const ImapImportOptions& o,
                                ImapSecurity security = ImapSecurity::starttls) {
    return imap::import_imap(harness_.config(security), *store_, {}, {}, o);
  }

  // The store holds exactly what the Maildir source reads from the account's own Maildir.
  void expect_store_matches_server() {
    const auto expected = describe_all(read_maildir(harness_.maildir()));
    const auto actual = describe_all(stored(*store_));
    ASSERT_EQ(actual.size(), expected.size());
    EXPECT_TRUE(actual == expected);
  }

  Harness harness_;
  std::optional<Store> store_;
};

TEST_F(ImapSync, FullSyncYieldsTheMaildirReadersMessages) {
  TempDir tmp("full");
  auto truth = write_corpus(tmp.path, 400, 7);
  load(tmp.path / "maildir", true);
  auto report = sync(options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->added, truth.counts.messages);
  EXPECT_EQ(report->messages_present, truth.counts.messages);
  EXPECT_EQ(report->failed, 0u);
  ASSERT_EQ(report->per_folder.size(), 2u);
  EXPECT_EQ(report->per_folder[0].folder, "INBOX");
  EXPECT_EQ(report->per_folder[0].added, truth.counts.inbox);
  EXPECT_EQ(report->per_folder[1].folder, "Sent");
  EXPECT_EQ(report->per_folder[1].role, FolderRole::sent);
  EXPECT_EQ(report->per_folder[1].added, truth.counts.sent);

  // The same Messages as the Maildir reader makes from the generator's files.
  const auto from_files = describe_all(read_maildir(tmp.path / "maildir"));
  const auto from_imap = describe_all(stored(*store_));
  ASSERT_EQ(from_imap.size(), from_files.size());
  for (std::size_t i = 0; i < from_files.size(); ++i) ASSERT_EQ(from_imap[i], from_files[i]);

  // source ids follow "<folder>;UIDVALIDITY=<v>;UID=<u>".
  auto ids = store_->message_source_ids("INBOX");
  ASSERT_TRUE(ids);
  ASSERT_FALSE(ids->empty());
  EXPECT_EQ(ids->front().rfind("INBOX;UIDVALIDITY=", 0), 0u);
}

TEST_F(ImapSync, NothingNewCostsConstantRoundTripsWhateverTheSize) {
  std::vector<std::uint64_t> round_trips;
  for (std::size_t size : {50u, 600u}) {
    TempDir tmp("rt" + std::to_string(size));
    write_corpus(tmp.path, size, 11);
    load(tmp.path / "maildir", true);
    auto store = Store::open_memory();
    ASSERT_TRUE(store);
    store_.emplace(std::move(*store));
    auto first = sync(options());
    ASSERT_TRUE(first) << first.error().to_string();
    auto again = sync(options());
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(again->added, 0u);
    EXPECT_EQ(again->removed, 0u);
    EXPECT_EQ(again->per_folder[0].mode, "qresync");
    // STATUS showed every folder as the cursor left it: none was opened.
    for (const auto& folder : again->per_folder) EXPECT_TRUE(folder.unchanged) << folder.folder;
    round_trips.push_back(again->round_trips);
  }
  EXPECT_EQ(round_trips[0], round_trips[1]);
  EXPECT_GE(round_trips[0], 5u);
  // greeting, STARTTLS, CAPABILITY, LOGIN, then ENABLE + LIST RETURN (STATUS) pipelined (was 8:
  // ENABLE, LIST and one EXAMINE per folder each a round trip)
  EXPECT_LE(round_trips[0], 9u);
}

void incremental_scenario(
    ImapSync& test, const Harness& harness, ImapImportOptions o, const std::string& expected_mode,
    const std::function<Result<ImapImportReport>(const ImapImportOptions&)>& sync,
    const std::function<void()>& expect_match) {
  TempDir tmp("incr");
  write_corpus(tmp.path / "a", 300, 21);
  ASSERT_EQ(harness.run("load-maildir",
                        "--clear --maildir " + shell_quote((tmp.path / "a" / "maildir").string())),
            0);
  auto first = sync(o);
  ASSERT_TRUE(first) << first.error().to_string();
  expect_match();

  // New mail, flag changes, expunges.
  write_corpus(tmp.path / "b", 120, 22);
  ASSERT_EQ(harness.run("load-maildir",
                        "--maildir " + shell_quote((tmp.path / "b" / "maildir").string())),
            0);
  ASSERT_EQ(harness.doveadm("flags add -u anna \\\\Flagged mailbox INBOX uid 1:20"), 0);
  ASSERT_EQ(harness.doveadm("expunge -u anna mailbox INBOX uid 5:30"), 0);
  ASSERT_EQ(harness.doveadm("expunge -u anna mailbox Sent uid 2,4,6"), 0);
  auto second = sync(o);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(second->per_folder[0].mode, expected_mode);
  EXPECT_EQ(second->added, 120u);
  EXPECT_EQ(second->removed, 29u);
  expect_match();

  // Only flags.
  ASSERT_EQ(harness.doveadm("flags add -u anna \\\\Seen mailbox INBOX uid 1:*"), 0);
  auto third = sync(o);
  ASSERT_TRUE(third) << third.error().to_string();
  EXPECT_EQ(third->added, 0u);
  EXPECT_EQ(third->removed, 0u);
  expect_match();
  (void)test;
}

TEST_F(ImapSync, IncrementalWithQresync) {
  incremental_scenario(
      *this, harness_, options(), "qresync", [&](const auto& o) { return sync(o); },
      [&] { expect_store_matches_server(); });
}

TEST_F(ImapSync, IncrementalWithCondstoreOnly) {
  auto o = options();
  o.use_qresync = false;
  incremental_scenario(
      *this, harness_, o, "condstore", [&](const auto& o2) { return sync(o2); },
      [&] { expect_store_matches_server(); });
}

TEST_F(ImapSync, IncrementalWithoutCondstore) {
  auto o = options();
  o.use_qresync = false;
  o.use_condstore = false;
  incremental_scenario(
      *this, harness_, o, "plain", [&](const auto& o2) { return sync(o2); },
      [&] { expect_store_matches_server(); });
}

TEST_F(ImapSync, UidvalidityChangeDiscardsAndResyncs) {
  TempDir tmp("uidvalidity");
  write_corpus(tmp.path / "a", 200, 31);
  write_corpus(tmp.path / "b", 150, 32);
  load(tmp.path / "a" / "maildir", true);
  ASSERT_TRUE(sync(options()));
  load(tmp.path / "b" / "maildir", true);
  auto report = sync(options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->per_folder[0].uidvalidity_reset);
  EXPECT_EQ(report->added, 150u);
  EXPECT_EQ(report->removed, 200u);
  expect_store_matches_server();
}

// A TCP proxy on port 0 that forwards one connection to `upstream` and cuts both sides once it
// has passed `limit` bytes from the server.
class CuttingProxy {
 public:
  CuttingProxy(std::uint16_t upstream, std::size_t limit)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        upstream_(upstream),
        limit_(limit) {
    thread_ = std::thread([this] { serve(); });
  }
  ~CuttingProxy() {
    io_.stop();
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::size_t forwarded() const { return forwarded_; }

 private:
  void serve() {
    using boost::asio::ip::tcp;
    boost::system::error_code ec;
    tcp::socket client(io_);
    acceptor_.accept(client, ec);
    if (ec) return;
    tcp::socket server(io_);
    server.connect({boost::asio::ip::make_address("127.0.0.1"), upstream_}, ec);
    if (ec) return;
    std::thread up([&] {
      char buf[16384];
      boost::system::error_code e;
      for (;;) {
        auto n = client.read_some(boost::asio::buffer(buf), e);
        if (e || boost::asio::write(server, boost::asio::buffer(buf, n), e) != n || e) break;
      }
      server.shutdown(tcp::socket::shutdown_both, e);
    });
    char buf[16384];
    for (;;) {
      auto n = server.read_some(boost::asio::buffer(buf), ec);
      if (ec) break;
      const std::size_t allowed = std::min(n, limit_ - forwarded_);
      boost::asio::write(client, boost::asio::buffer(buf, allowed), ec);
      forwarded_ += allowed;
      if (ec || forwarded_ >= limit_) break;
    }
    client.shutdown(tcp::socket::shutdown_both, ec);
    client.close(ec);
    server.shutdown(tcp::socket::shutdown_both, ec);
    up.join();
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t upstream_;
  std::size_t limit_;
  std::atomic<std::size_t> forwarded_{0};
  std::thread thread_;
};

TEST_F(ImapSync, ConnectionCutMidFetchThenResumeLosesAndDuplicatesNothing) {
  TempDir tmp("cut");
  auto truth = write_corpus(tmp.path, 600, 41);
  load(tmp.path / "maildir", true);
  auto o = options();
  o.batch_messages = 50;
  o.pipeline_depth = 2;
  {
    // Cut inside INBOX after its first chunks. Dovecot runs the pipelined FETCHes at once when
    // they read message bodies (BODY[TEXT]), so the next chunk's responses arrive before the
    // first one's tagged OK; 150 kB (enough before bodies were fetched) can end before any OK.
    CuttingProxy proxy(
        static_cast<std::uint16_t>(std::stoi(harness_.env.at("NACHFASS_IMAPS_PORT"))), 300'000);
    auto config = harness_.config(ImapSecurity::tls);
    config.port = proxy.port();
    auto cut = imap::import_imap(config, *store_, {}, {}, o);
    ASSERT_FALSE(cut);
    EXPECT_TRUE(cut.error().id == "imap.connect" || cut.error().id == "imap.protocol")
        << cut.error().to_string();
    EXPECT_EQ(cut.error().scope, ErrorScope::transient);
  }
  auto partial = store_->message_count();
  ASSERT_TRUE(partial);
  EXPECT_GT(*partial, 0u);
  EXPECT_LT(*partial, truth.counts.messages);

  auto resumed = sync(o, ImapSecurity::tls);
  ASSERT_TRUE(resumed) << resumed.error().to_string();
  EXPECT_EQ(resumed->per_folder[0].mode, "resume");
  EXPECT_EQ(*store_->message_count(), truth.counts.messages);
  expect_store_matches_server();
}

TEST_F(ImapSync, ImplicitTlsWithTheHarnessCaVerifies) {
  TempDir tmp("tls");
  write_corpus(tmp.path, 20, 51);
  load(tmp.path / "maildir", true);
  auto report = sync(options(), ImapSecurity::tls);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->added, 20u);
}

TEST_F(ImapSync, UntrustedCertificateIsRefusedWithOneLineSayingHowToFixIt) {
  auto o = options();
  o.ca_file.clear();  // system trust only
  for (auto security : {ImapSecurity::tls, ImapSecurity::starttls}) {
    auto report = sync(o, security);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().id, "imap.tls");
    EXPECT_EQ(report.error().scope, ErrorScope::account);
    EXPECT_NE(report.error().message.find("does not verify"), std::string::npos);
    EXPECT_NE(report.error().message.find("ca_file"), std::string::npos);
    EXPECT_NE(report.error().message.find("127.0.0.1:"), std::string::npos);
    EXPECT_EQ(report.error().message.find('\n'), std::string::npos);
  }
}

TEST_F(ImapSync, InsecureSkipVerifyForTheNamedHostWarns) {
  auto o = options();
  o.ca_file.clear();
  o.insecure_skip_verify_for_host = "127.0.0.1";
  std::vector<std::string> warnings;
  auto report = imap::import_imap(
      harness_.config(ImapSecurity::tls), *store_, {},
      [&](std::string_view w) { warnings.emplace_back(w); }, o);
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("imap.insecure_tls"), std::string::npos);
}

TEST_F(ImapSync, WrongPasswordIsAnAuthErrorThatNeverShowsThePassword) {
  auto o = options();
  o.secret = "wrong-Secret-4711";
  std::vector<std::string> trace;
  o.trace = [&](std::string_view line) { trace.emplace_back(line); };
  auto report = sync(o);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().id, "imap.auth");
  EXPECT_EQ(report.error().scope, ErrorScope::account);
  EXPECT_EQ(report.error().message.find("wrong-Secret-4711"), std::string::npos);
  EXPECT_NE(report.error().message.find("127.0.0.1"), std::string::npos);
  for (const auto& line : trace) EXPECT_EQ(line.find("wrong-Secret-4711"), std::string::npos);
  for (const auto& line : trace) EXPECT_EQ(line.find("d3JvbmctU2VjcmV0LTQ3MTE"), std::string::npos);
  EXPECT_FALSE(trace.empty());
}

TEST_F(ImapSync, LoginCommandAndPlainBothWork) {
  for (auto mechanism : {imap::AuthMechanism::login, imap::AuthMechanism::plain}) {
    auto o = options();
    o.mechanism = mechanism;
    auto report = sync(o);
    ASSERT_TRUE(report) << report.error().to_string();
  }
}

TEST_F(ImapSync, UnknownHostIsAConnectError) {
  auto config = harness_.config();
  config.host = "no-such-host.invalid";
  auto report = imap::import_imap(config, *store_, {}, {}, options());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().id, "imap.connect");
  EXPECT_EQ(report.error().scope, ErrorScope::transient);
  EXPECT_NE(report.error().message.find("no-such-host.invalid"), std::string::npos);
}

TEST_F(ImapSync, MissingExtraFolderIsSkippedWithAWarning) {
  auto config = harness_.config();
  config.folders = {"Does-Not-Exist"};
  std::vector<std::string> warnings;
  auto report = imap::import_imap(
      config, *store_, {}, [&](std::string_view w) { warnings.emplace_back(w); }, options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->folders, 2u);
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings.back().find("[imap.no]"), std::string::npos);
}

TEST_F(ImapSync, DraftIsAppendedWithItsUid) {
  const std::string draft =
      "From: Anna Vogel <anna.vogel@example.com>\nTo: kunde@example.org\nSubject: Nachfass "
      "draft\nMessage-ID: <draft-1@example.com>\n\nHallo\n";
  auto appended = imap::append_draft(harness_.config(), draft, options());
  ASSERT_TRUE(appended) << appended.error().to_string();
  EXPECT_EQ(appended->folder, "Drafts");
  ASSERT_TRUE(appended->uid);
  EXPECT_GT(*appended->uid, 0u);
  ASSERT_EQ(
      harness_.doveadm("expunge -u anna mailbox Drafts uid " + std::to_string(*appended->uid)), 0);
}

// ---- Bodies (BODY.PEEK[TEXT]<0.16384>, a partial fetch, next to the header fields)

std::map<std::string, std::string> bodies_by_message_id(const std::vector<Message>& messages) {
  std::map<std::string, std::string> out;
  for (const auto& m : messages) out[m.message_id] = m.body;
  return out;
}

std::map<std::string, std::string> stored_bodies(Store& store) {
  std::map<std::string, std::string> out;
  for (const auto& m : stored(store)) {
    auto body = store.message_body(m.source_id);
    EXPECT_TRUE(body) << (body ? "" : body.error().to_string());
    out[m.message_id] = body ? *body : "<error>";
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = std::uint32_t(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) group |= std::uint32_t(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(group >> 18) & 63];
    out += alphabet[(group >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(group >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? alphabet[group & 63] : '=';
  }
  return out;
}

void write_message(const std::filesystem::path& maildir, const std::string& name,
                   const std::string& bytes) {
  std::ofstream(maildir / "cur" / name, std::ios::binary) << bytes;
}

TEST_F(ImapSync, BodiesAreTheMaildirReadersBodies) {
  TempDir tmp("bodies");
  gen::GeneratorOptions generated;
  generated.messages = 150;
  generated.seed = 61;
  generated.bodies = true;
  gen::write_corpus(tmp.path, generated);
  const auto maildir = tmp.path / "maildir";
  // Base64 text of 40 KiB: the server sends 16 KiB of it ("BODY[TEXT]<0> {16384}"), cut inside a
  // line; the text is the same as from the whole file.
  std::string long_text;
  for (int i = 0; long_text.size() < 30 * 1024; ++i)
    long_text += "Zeile " + std::to_string(i) + ": Lieferung für München bestätigt.\n";
  const std::string encoded = base64(long_text);
  std::string wrapped;
  for (std::size_t at = 0; at < encoded.size(); at += 76) wrapped += encoded.substr(at, 76) + "\n";
  write_message(maildir, "1790000000.M1P1.body-long:2,S",
                "From: Kunde <kunde@mueller.de>\nTo: anna.vogel@example.com\nSubject: Lang\n"
                "Date: Mon, 16 Nov 2026 09:00:00 +0100\nMessage-ID: <body-long@mueller.de>\n"
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: base64\n\n" +
                    wrapped);
  write_message(maildir, "1790000001.M2P1.body-html:2,S",
                "From: Kunde <kunde@mueller.de>\nTo: anna.vogel@example.com\nSubject: HTML\n"
                "Date: Mon, 16 Nov 2026 10:00:00 +0100\nMessage-ID: <body-html@mueller.de>\n"
                "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n"
                "--b1\nContent-Type: text/html; charset=iso-8859-1\n"
                "Content-Transfer-Encoding: quoted-printable\n\n<p>Gr=FC=DFe &amp; Dank</p>\n"
                "--b1--\n");
  load(maildir, true);
  auto report = sync(options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->failed, 0u);

  const auto expected = bodies_by_message_id(read_maildir(maildir));
  const auto actual = stored_bodies(*store_);
  ASSERT_EQ(actual.size(), expected.size());
  std::size_t with_text = 0;
  for (const auto& [id, body] : expected) {
    auto found = actual.find(id);
    ASSERT_NE(found, actual.end()) << id;
    EXPECT_EQ(found->second, body) << id;
    if (!body.empty()) ++with_text;
  }
  EXPECT_GE(with_text, expected.size() * 9 / 10);
  EXPECT_EQ(actual.at("body-html@mueller.de"), "Grüße & Dank");
  const std::string& long_body = actual.at("body-long@mueller.de");
  EXPECT_EQ(long_body.rfind("Zeile 0: Lieferung für München bestätigt.\nZeile 1:", 0), 0u);
  EXPECT_GT(long_body.size(), max_body_bytes - 64);
  EXPECT_LE(long_body.size(), max_body_bytes);
}

TEST_F(ImapSync, AStoreFromBeforeBodiesGetsThemOnTheNextSync) {
  TempDir tmp("upgrade");
  auto truth = write_corpus(tmp.path, 120, 62);
  load(tmp.path / "maildir", true);
  const auto file = tmp.path / "state.db";
  {
    StoreOptions version_3;
    version_3.migrations = builtin_migrations().first(3);
    auto old = Store::open(file, version_3);
    ASSERT_TRUE(old) << old.error().to_string();
    auto first = imap::import_imap(harness_.config(), *old, {}, {}, options());
    ASSERT_TRUE(first) << first.error().to_string();
    EXPECT_EQ(first->added, truth.counts.messages);
  }
  auto upgraded = Store::open(file);
  ASSERT_TRUE(upgraded) << upgraded.error().to_string();
  store_.emplace(std::move(*upgraded));
  auto missing = store_->message_source_ids_without_body("INBOX");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->size(), truth.counts.inbox);

  auto report = sync(options());
  ASSERT_TRUE(report) << report.error().to_string();
  for (const auto& folder : report->per_folder) {
    EXPECT_EQ(folder.mode, "full") << folder.folder;
    EXPECT_EQ(folder.removed, 0u) << folder.folder;
  }
  EXPECT_EQ(*store_->message_count(), truth.counts.messages);  // updated, not duplicated
  for (const char* folder : {"INBOX", "Sent"}) {
    missing = store_->message_source_ids_without_body(folder);
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->empty()) << folder;
  }
  EXPECT_TRUE(stored_bodies(*store_) == bodies_by_message_id(read_maildir(tmp.path / "maildir")));
  expect_store_matches_server();

  // Then back to incremental: nothing changed, no folder is opened.
  auto again = sync(options());
  ASSERT_TRUE(again) << again.error().to_string();
  for (const auto& folder : again->per_folder) EXPECT_TRUE(folder.unchanged) << folder.folder;
}

TEST_F(ImapSync, AFullSyncDropsWhatAnOlderUidvalidityLeft) {
  TempDir tmp("stale");
  write_corpus(tmp.path, 40, 63);
  load(tmp.path / "maildir", true);
  // A message of an earlier UIDVALIDITY, with no cursor left to tell (as after migration 4).
  Message stale;
  stale.source_id = imap::imap_source_id("INBOX", 1, 1);
  stale.folder = "INBOX";
  stale.message_id = "stale@example.com";
  ASSERT_TRUE(store_->upsert_messages(std::vector<Message>{stale}));
  auto report = sync(options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->per_folder[0].removed, 1u);
  expect_store_matches_server();
}

}  // namespace
}  // namespace nachfass::test
