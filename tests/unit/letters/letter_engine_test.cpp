// The letter engine over an in-memory store: the stored finding, its thread, the directory and
// the draft sink; threading headers, the recipient, the digest item, and nothing half-created.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/letters.hpp"
#include "letter_test_support.hpp"

namespace nachfass::engine {
namespace {

using letter_test::day;
using letter_test::message;
using letter_test::t0;

const Address customer{"p.keller@mueller.de", "Keller, Petra"};
const Address anna{"anna.vogel@example.com", "Anna Vogel"};
const Address sales{"vertrieb@example.com", "Vertrieb"};

class LetterEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::open_memory();
    ASSERT_TRUE(store);
    store_.emplace(std::move(*store));
    config_ = default_config();
    config_.user.name = "Anna Vogel";
    config_.user.addresses = {"anna.vogel@example.com", "vertrieb@example.com"};
    config_.letters.signature = "Anna Vogel\nVertrieb";
    config_.letters.templates_dir = std::filesystem::path(NACHFASS_SOURCE_DIR) / "no-such-dir";
    auto settings = detection_settings(config_);
    ASSERT_TRUE(settings) << settings.error().to_string();
    settings_.emplace(std::move(*settings));

    const std::vector<Message> messages = {
        message("m1@mueller.de", "INBOX", customer, sales, "Angebot Q3", t0),
        message("r1@example.com", "Sent", anna, customer, "AW: Angebot Q3", t0 + day,
                {"m1@mueller.de"}),
        message("m2@mueller.de", "INBOX", customer, sales, "AW: AW: Angebot Q3", t0 + 2 * day,
                {"m1@mueller.de", "r1@example.com"}),
        message("x1@other.de", "INBOX", {"info@other.de", "Other"}, anna, "Frage", t0 + day),
    };
    ASSERT_TRUE(store_->upsert_messages(messages));
    Finding f;
    f.key = "u-1";
    f.kind = FindingKind::unanswered;
    f.customer = "mueller.de";
    f.contact = customer.email;
    f.contact_name = customer.name;
    f.subject = "Angebot Q3";
    f.thread_root = "m1@mueller.de";
    f.awaiting = "m2@mueller.de";
    f.waiting_business_days = 4;
    Finding digest;
    digest.key = "a-1";
    digest.kind = FindingKind::absence;
    digest.items = {{"m1@mueller.de", "Angebot Q3", customer.email, "mueller.de", t0, t0 + day},
                    {"x1@other.de", "Frage", "info@other.de", "other.de", t0 + day, 0}};
    Finding nobody;
    nobody.key = "q-1";
    nobody.kind = FindingKind::quiet;
    const std::vector<Finding> findings = {f, digest, nobody};
    const FindingKind kinds[] = {FindingKind::unanswered};
    ASSERT_TRUE(store_->record_findings(findings, kinds, t0 + 5 * day));
  }

  Result<PreparedLetter> prepare(LetterRequest request) {
    return prepare_letter(*store_, config_, *settings_, request, t0 + 6 * day, {});
  }

  std::optional<Store> store_;
  Config config_;
  std::optional<DetectionSettings> settings_;
};

TEST_F(LetterEngine, RepliesToTheAwaitedMessageInItsThread) {
  auto p = prepare({"u-1", "", std::nullopt, {}, ""});
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->letter.kind, "late-reply");
  EXPECT_EQ(p->letter.subject, "AW: Angebot Q3");
  EXPECT_EQ(p->headers.in_reply_to, "m2@mueller.de");
  EXPECT_EQ(p->headers.references,
            (std::vector<std::string>{"m1@mueller.de", "r1@example.com", "m2@mueller.de"}));
  EXPECT_EQ(p->headers.to.email, customer.email);
  // The customer wrote to the sales address: the answer comes from there.
  EXPECT_EQ(p->headers.from.email, "vertrieb@example.com");
  EXPECT_TRUE(p->letter.text.starts_with("Guten Tag Petra Keller,\n\nbitte entschuldigen Sie, dass "
                                         "Sie schon seit 4 Werktagen"))
      << p->letter.text;
  EXPECT_NE(p->mime.find("In-Reply-To: <m2@mueller.de>"), std::string::npos);
}

TEST_F(LetterEngine, KindAndLanguageCanBeChosen) {
  auto p = prepare({"u-1", "apology", Language::en, {"The parcel went astray.", "", ""}, ""});
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->letter.subject, "Re: Angebot Q3");
  EXPECT_NE(p->letter.text.find("What happened: The parcel went astray."), std::string::npos);
  EXPECT_NE(p->letter.text.find("[What exactly have we changed?]"), std::string::npos);
  auto unknown = prepare({"u-1", "poem", std::nullopt, {}, ""});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().id, "letters.unknown_kind");
  EXPECT_NE(unknown.error().message.find("win-back"), std::string::npos);
}

TEST_F(LetterEngine, UnknownKeyAndMissingAddressAreErrors) {
  auto unknown = prepare({"u-404", "", std::nullopt, {}, ""});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().id, "findings.unknown_key");
  auto nobody = prepare({"q-1", "", std::nullopt, {}, ""});
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().id, "letters.no_recipient");
}

TEST_F(LetterEngine, DigestAnswersTheFirstUnansweredItemOrTheOneNamed) {
  auto first = prepare({"a-1", "", std::nullopt, {}, ""});
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->letter.kind, "welcome-back");
  ASSERT_TRUE(first->answered_item);
  EXPECT_EQ(first->answered_item->thread_root, "x1@other.de");
  EXPECT_EQ(first->headers.to.email, "info@other.de");
  EXPECT_EQ(first->headers.in_reply_to, "x1@other.de");
  EXPECT_EQ(first->letter.subject, "AW: Frage");
  EXPECT_EQ(first->headers.from.email, "anna.vogel@example.com");

  auto named = prepare({"a-1", "", std::nullopt, {}, "m1@mueller.de"});
  ASSERT_TRUE(named) << named.error().to_string();
  EXPECT_EQ(named->headers.to.email, customer.email);
  EXPECT_EQ(named->headers.in_reply_to, "m2@mueller.de");  // the customer's latest message

  auto missing = prepare({"a-1", "", std::nullopt, {}, "nope@x"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().id, "letters.no_thread_item");
}

TEST_F(LetterEngine, BrokenUserTemplateStopsBeforeAnythingIsCreated) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nachfass-letter-engine-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "de");
  {
    std::ofstream(dir / "de" / "late-reply.txt.mustache") << "{{greeting}}\n{{#subject}}\n";
  }
  config_.letters.templates_dir = dir;
  auto p = prepare({"u-1", "", std::nullopt, {}, ""});
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().id, "letters.template");
  EXPECT_NE(p.error().message.find("late-reply.txt.mustache:2: section \"subject\" is never closed"),
            std::string::npos)
      << p.error().message;
}

struct RecordingSink : DraftSink {
  std::vector<std::string> drafts;
  std::vector<std::string> parents;
  std::optional<Error> fail;
  Result<DraftLocation> create(std::string_view rfc5322, const DraftContext& context) override {
    if (fail) return *fail;
    drafts.emplace_back(rfc5322);
    parents.push_back(context.in_reply_to);
    return DraftLocation{"Drafts", std::to_string(drafts.size()), "7"};
  }
};

TEST_F(LetterEngine, SaveLetterHandsTheMessageToTheSink) {
  auto p = prepare({"u-1", "", std::nullopt, {}, ""});
  ASSERT_TRUE(p);
  RecordingSink sink;
  auto saved = save_letter(sink, *p);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->folder, "Drafts");
  ASSERT_EQ(sink.drafts.size(), 1u);
  EXPECT_EQ(sink.drafts[0], p->mime);
  EXPECT_EQ(sink.parents[0], "m2@mueller.de");
  sink.fail = make_error(ErrorScope::collection, "imap.no_drafts_folder", "no Drafts folder");
  auto failed = save_letter(sink, *p);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().id, "imap.no_drafts_folder");
  EXPECT_EQ(sink.drafts.size(), 1u);
}

TEST_F(LetterEngine, OnlyImapAccountsHaveADraftSink) {
  config_.mail.provider = MailProvider::maildir;
  auto none = configured_draft_sink(config_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().id, "letters.no_draft_sink");
  config_.mail.provider = MailProvider::imap;
  config_.mail.imap.host = "imap.example.com";
  EXPECT_TRUE(configured_draft_sink(config_));
}

}  // namespace
}  // namespace nachfass::engine
