// Letters into the real Dovecot of the test harness (fixture `servers`): the engine renders a
// reply for a stored finding, the IMAP draft sink APPENDs it to Drafts, and python3's `email`
// package reads it back: threading headers, both MIME parts, umlauts, the \Draft flag. A Drafts
// folder that does not exist fails with one clear error and leaves no draft anywhere.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "../../unit/letters/letter_test_support.hpp"
#include "engine/letters.hpp"
#include "harness.hpp"
#include "imap/drafts/imap_drafts.hpp"

namespace nachfass::test {
namespace {

using letter_test::day;
using letter_test::message;
using letter_test::t0;

class LetterDrafts : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = servers_dir();
    if (dir.empty() || !std::filesystem::exists(dir / "servers.json"))
      GTEST_SKIP() << "NACHFASS_SERVERS_DIR not set or servers not started";
    harness_ = Harness::load(dir);
    for (const auto& [key, value] : harness_.env) ::setenv(key.c_str(), value.c_str(), 1);

    auto store = Store::open_memory();
    ASSERT_TRUE(store);
    store_.emplace(std::move(*store));
    config_ = default_config();
    config_.user.name = "Anna Vogel";
    config_.user.addresses = {"anna.vogel@example.com"};
    config_.user.language = Language::de;
    config_.letters.signature = "Anna Vogel\nVertrieb · Example GmbH";
    config_.letters.templates_dir = harness_.dir / "no-templates-here";
    config_.mail.provider = MailProvider::imap;
    config_.mail.imap = harness_.config();
    auto settings = engine::detection_settings(config_);
    ASSERT_TRUE(settings) << settings.error().to_string();
    settings_.emplace(std::move(*settings));

    const Address customer{"j.mueller@kunde.example", "Jürgen Müller"};
    const Address anna{"anna.vogel@example.com", "Anna Vogel"};
    const std::vector<Message> messages = {
        message("q1@kunde.example", "INBOX", customer, anna, "Rückfrage zur Lieferung", t0),
        message("a1@example.com", "Sent", anna, customer, "AW: Rückfrage zur Lieferung",
                t0 + day, {"q1@kunde.example"}),
        message("q2@kunde.example", "INBOX", customer, anna, "AW: AW: Rückfrage zur Lieferung",
                t0 + 2 * day, {"q1@kunde.example", "a1@example.com"}),
    };
    ASSERT_TRUE(store_->upsert_messages(messages));
    Finding f;
    f.key = "u-drafts";
    f.kind = FindingKind::unanswered;
    f.customer = "kunde.example";
    f.contact = customer.email;
    f.contact_name = customer.name;
    f.subject = "Rückfrage zur Lieferung";
    f.thread_root = "q1@kunde.example";
    f.awaiting = "q2@kunde.example";
    f.waiting_business_days = 3;
    const std::vector<Finding> findings = {f};
    const FindingKind kinds[] = {FindingKind::unanswered};
    ASSERT_TRUE(store_->record_findings(findings, kinds, t0 + 5 * day));
  }

  imap::ImapImportOptions options() const {
    imap::ImapImportOptions o;
    o.secret = harness_.password();
    o.ca_file = harness_.ca_file.string();
    return o;
  }

  // Runs read_draft.py; its JSON output.
  nlohmann::json read_back(const std::string& args) const {
    const std::string command = std::string(NACHFASS_PYTHON3) + " -B " + NACHFASS_READ_DRAFT +
                                " " + args;
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return {};
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << command << "\n" << out;
    return nlohmann::json::parse(out, nullptr, false);
  }

  Harness harness_;
  std::optional<Store> store_;
  Config config_;
  std::optional<engine::DetectionSettings> settings_;
};

TEST_F(LetterDrafts, DraftIsAppendedAndReadsBackWithThreadingAndBothParts) {
  engine::LetterRequest request;
  request.key = "u-drafts";
  auto prepared =
      engine::prepare_letter(*store_, config_, *settings_, request, t0 + 6 * day, {});
  ASSERT_TRUE(prepared) << prepared.error().to_string();
  imap::ImapDraftSink sink(config_.mail.imap, options());
  auto draft = engine::save_letter(sink, *prepared);
  ASSERT_TRUE(draft) << draft.error().to_string();
  EXPECT_EQ(draft->folder, "Drafts");
  ASSERT_FALSE(draft->id.empty());

  const auto parsed = read_back("fetch Drafts " + draft->id);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(harness_.doveadm("expunge -u " + harness_.env.at("NACHFASS_IMAP_USER") +
                             " mailbox Drafts uid " + draft->id),
            0);
  EXPECT_TRUE(parsed["defects"].empty()) << parsed["defects"].dump();
  const auto flags = parsed["flags"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(flags.begin(), flags.end(), "\\Draft"), flags.end());
  const auto& h = parsed["headers"];
  EXPECT_EQ(h["Subject"], "AW: Rückfrage zur Lieferung");
  EXPECT_EQ(h["In-Reply-To"], "<q2@kunde.example>");
  EXPECT_EQ(h["References"], "<q1@kunde.example> <a1@example.com> <q2@kunde.example>");
  EXPECT_EQ(h["MIME-Version"], "1.0");
  EXPECT_FALSE(h.contains("Bcc"));
  EXPECT_EQ(parsed["to"]["name"], "Jürgen Müller");
  EXPECT_EQ(parsed["to"]["address"], "j.mueller@kunde.example");
  EXPECT_EQ(parsed["from"]["name"], "Anna Vogel");
  EXPECT_EQ(parsed["from"]["address"], "anna.vogel@example.com");
  EXPECT_EQ(parsed["content_type"], "multipart/alternative");
  ASSERT_EQ(parsed["parts"].size(), 2u);
  const auto& plain = parsed["parts"][0];
  const auto& html = parsed["parts"][1];
  EXPECT_EQ(plain["content_type"], "text/plain");
  EXPECT_EQ(html["content_type"], "text/html");
  EXPECT_EQ(plain["charset"], "utf-8");
  EXPECT_EQ(html["charset"], "utf-8");
  const std::string text = plain["content"];
  EXPECT_EQ(text, prepared->letter.text);
  EXPECT_TRUE(text.starts_with("Guten Tag Jürgen Müller,\n\nbitte entschuldigen Sie, dass Sie "
                               "schon seit 3 Werktagen auf meine Antwort zu „Rückfrage zur "
                               "Lieferung“ warten."))
      << text;
  EXPECT_NE(text.find("Mit freundlichen Grüßen\n\nAnna Vogel\nVertrieb · Example GmbH\n"),
            std::string::npos);
  const std::string body = html["content"];
  EXPECT_NE(body.find("<p>Guten Tag Jürgen Müller,</p>"), std::string::npos) << body;
}

TEST_F(LetterDrafts, MissingDraftsFolderFailsAndCreatesNothing) {
  const auto before = read_back("count Drafts")["count"].get<int>();
  engine::LetterRequest request;
  request.key = "u-drafts";
  auto prepared =
      engine::prepare_letter(*store_, config_, *settings_, request, t0 + 6 * day, {});
  ASSERT_TRUE(prepared) << prepared.error().to_string();
  auto config = config_.mail.imap;
  config.drafts_folder = "Entwürfe-gibt-es-nicht";
  imap::ImapDraftSink sink(config, options());
  auto draft = engine::save_letter(sink, *prepared);
  ASSERT_FALSE(draft);
  EXPECT_EQ(draft.error().id, "imap.no");
  EXPECT_NE(draft.error().message.find("drafts_folder"), std::string::npos)
      << draft.error().message;
  EXPECT_EQ(read_back("count Drafts")["count"].get<int>(), before);
}

}  // namespace
}  // namespace nachfass::test
