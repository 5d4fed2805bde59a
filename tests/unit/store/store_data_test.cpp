// The store's data: messages, sync cursors, transactions, findings, dismissals, snoozes. Every
// test runs against a real SQLite file in a temporary directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nachfass {
namespace {

using store_test::error_id;
using store_test::expect_same_message;
using store_test::hostile_message;
using store_test::hostile_strings;
using store_test::numbered;
using store_test::ok;
using store_test::RawDb;
using store_test::TempDir;

class StoreData : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(file_);
    ASSERT_TRUE(ok(opened));
    store_.emplace(std::move(*opened));
  }

  Store& store() { return *store_; }

  void reopen() {
    store_.reset();
    auto opened = Store::open(file_);
    ASSERT_TRUE(ok(opened));
    store_.emplace(std::move(*opened));
  }

  std::vector<Message> all_messages() {
    std::vector<Message> messages;
    auto visited = store().for_each_message([&](const Message& m) { messages.push_back(m); });
    EXPECT_TRUE(ok(visited));
    if (visited) {
      EXPECT_EQ(*visited, messages.size());
    }
    return messages;
  }

  std::optional<Message> stored(const std::string& source_id) {
    for (auto& message : all_messages()) {
      if (message.source_id == source_id) return message;
    }
    return std::nullopt;
  }

  // Makes every write of a message with this source id fail inside SQLite, from a second
  // connection, so that a failure can be placed in the middle of a batch.
  void poison(const std::string& source_id) {
    RawDb raw(file_);
    raw.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.source_id = '" + source_id +
             "' BEGIN SELECT RAISE(ABORT, 'poisoned'); END");
  }

  static Message simple(const std::string& source_id, UnixSeconds date,
                        const std::string& folder = "INBOX") {
    Message message;
    message.source_id = source_id;
    message.folder = folder;
    message.message_id = source_id + "@example.com";
    message.date = date;
    return message;
  }

  TempDir dir_;
  std::filesystem::path file_ = dir_ / "state.db";
  std::optional<Store> store_;
};

// ---- Messages

TEST_F(StoreData, HostileMessageRoundTripsLosslessly) {
  const std::vector<Message> messages{hostile_message("INBOX/1", 1'700'000'000)};
  ASSERT_TRUE(ok(store().upsert_messages(messages)));
  reopen();
  const auto loaded = all_messages();
  ASSERT_EQ(loaded.size(), 1u);
  expect_same_message(messages[0], loaded[0]);
}

TEST_F(StoreData, EmptyFieldsAndEmptyListsRoundTrip) {
  Message empty;  // every string empty, every list empty, defaults elsewhere
  Message empty_strings_in_lists;
  empty_strings_in_lists.source_id = "x";
  empty_strings_in_lists.references = {"", "", ""};
  empty_strings_in_lists.to = {{"", ""}, {"", "name only"}};
  empty_strings_in_lists.cc = {{"mail@only.example", ""}};
  const std::vector<Message> messages{empty, empty_strings_in_lists};
  ASSERT_TRUE(ok(store().upsert_messages(messages)));
  const auto loaded = all_messages();
  ASSERT_EQ(loaded.size(), 2u);
  expect_same_message(empty, loaded[0]);  // source_id "" sorts first at equal date
  expect_same_message(empty_strings_in_lists, loaded[1]);
}

TEST_F(StoreData, EveryEnumValueAndExtremeNumbersRoundTrip) {
  constexpr std::array roles{FolderRole::inbox, FolderRole::sent, FolderRole::drafts,
                             FolderRole::other};
  constexpr std::array automations{Automation::none,
                                   Automation::auto_submitted,
                                   Automation::autoreply_header,
                                   Automation::precedence_bulk,
                                   Automation::mailing_list,
                                   Automation::noreply_sender,
                                   Automation::out_of_office_subject,
                                   Automation::delivery_report};
  std::vector<Message> messages;
  for (std::size_t i = 0; i < automations.size(); ++i) {
    auto message = simple(numbered("m", static_cast<std::int64_t>(i)), static_cast<UnixSeconds>(i));
    message.folder_role = roles[i % roles.size()];
    message.automation = automations[i];
    message.date_from_header = i % 2 == 0;
    message.utc_offset_minutes = static_cast<std::int16_t>(i * 60 - 300);
    messages.push_back(message);
  }
  auto early = simple("early", std::numeric_limits<UnixSeconds>::min());
  early.utc_offset_minutes = std::numeric_limits<std::int16_t>::min();
  auto late = simple("late", std::numeric_limits<UnixSeconds>::max());
  late.utc_offset_minutes = std::numeric_limits<std::int16_t>::max();
  messages.push_back(early);
  messages.push_back(late);

  ASSERT_TRUE(ok(store().upsert_messages(messages)));
  for (const auto& expected : messages) {
    const auto actual = stored(expected.source_id);
    ASSERT_TRUE(actual.has_value()) << expected.source_id;
    expect_same_message(expected, *actual);
  }
}

TEST_F(StoreData, VeryLongListsAndStringsRoundTrip) {
  auto message = simple("long", 1);
  for (int i = 0; i < 20'000; ++i) {
    message.references.push_back("ref-" + std::to_string(i) + "-" + std::string(40, 'r') +
                                 "@mail.example.com");
  }
  for (int i = 0; i < 2'000; ++i) {
    message.to.push_back({"to" + std::to_string(i) + "@example.com", "Name, " + std::to_string(i)});
  }
  message.subject = std::string(1 << 20, 's');  // lengths beyond one and two LEB128 bytes
  message.references.push_back(std::string(200'000, 'x'));
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{message})));
  const auto actual = stored("long");
  ASSERT_TRUE(actual.has_value());
  expect_same_message(message, *actual);
}

TEST_F(StoreData, UpsertIsIdempotentAndReplacesEveryField) {
  std::vector<Message> batch{hostile_message("a", 10), hostile_message("b", 20)};
  ASSERT_TRUE(ok(store().upsert_messages(batch)));
  ASSERT_TRUE(ok(store().upsert_messages(batch)));
  auto count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 2u);

  // Shorter lists and changed fields replace the old ones entirely.
  auto changed = simple("a", 30, "Archive");
  changed.references = {"only-one"};
  changed.to = {{"one@example.com", "One"}};
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{changed})));
  count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 2u);
  const auto actual = stored("a");
  ASSERT_TRUE(actual.has_value());
  expect_same_message(changed, *actual);
}

TEST_F(StoreData, RepeatedSourceIdInOneBatchKeepsTheLast) {
  auto first = simple("same", 1);
  auto second = simple("same", 2);
  second.subject = "second";
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{first, second})));
  const auto loaded = all_messages();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].subject, "second");
}

TEST_F(StoreData, UpsertOfABatchIsAllOrNothing) {
  poison("poisoned");
  const auto result = store().upsert_messages(
      std::vector<Message>{simple("good-1", 1), simple("poisoned", 2), simple("good-2", 3)});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.internal");
  auto count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 0u);
}

TEST_F(StoreData, RemoveMessagesCountsWhatItRemovedAndIgnoresUnknownIds) {
  ASSERT_TRUE(ok(store().upsert_messages(
      std::vector<Message>{simple("a", 1), simple("b", 2), simple("c", 3)})));
  const std::vector<std::string> ids{"a", "unknown", "c"};
  auto removed = store().remove_messages(ids);
  ASSERT_TRUE(ok(removed));
  EXPECT_EQ(*removed, 2u);
  removed = store().remove_messages(ids);
  ASSERT_TRUE(ok(removed));
  EXPECT_EQ(*removed, 0u);
  const auto loaded = all_messages();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].source_id, "b");
}

TEST_F(StoreData, SourceIdsPerFolderAreExactAndSorted) {
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{
      simple("INBOX/z", 1, "INBOX"), simple("INBOX/a", 2, "INBOX"), simple("inbox/m", 3, "inbox"),
      simple("Sent/1", 4, "Sent"), simple("INBOX/B", 5, "INBOX")})));
  auto ids = store().message_source_ids("INBOX");
  ASSERT_TRUE(ok(ids));
  EXPECT_EQ(*ids, (std::vector<std::string>{"INBOX/B", "INBOX/a", "INBOX/z"}));
  ids = store().message_source_ids("Nowhere");
  ASSERT_TRUE(ok(ids));
  EXPECT_TRUE(ids->empty());
}

TEST_F(StoreData, MessagesComeOutByDateThenSourceId) {
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{
      simple("b", 200), simple("z", 100), simple("a", 200), simple("B", 200), simple("m", -5)})));
  std::vector<std::string> order;
  for (const auto& message : all_messages()) order.push_back(message.source_id);
  EXPECT_EQ(order, (std::vector<std::string>{"m", "z", "B", "a", "b"}));
}

TEST_F(StoreData, UndecodableStoredListIsReportedAsCorrupt) {
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{hostile_message("a", 1)})));
  {
    RawDb raw(file_);
    raw.exec("UPDATE messages SET refs = x'05616263'");  // says 5 bytes, has 3
  }
  const auto visited = store().for_each_message([](const Message&) {});
  ASSERT_FALSE(visited);
  EXPECT_EQ(visited.error().id, "store.corrupt");
  EXPECT_NE(visited.error().message.find(file_.string()), std::string::npos);
}

TEST_F(StoreData, UnknownStoredEnumCodeIsReportedAsCorrupt) {
  ASSERT_TRUE(ok(store().upsert_messages(std::vector<Message>{simple("a", 1)})));
  {
    RawDb raw(file_);
    raw.exec("UPDATE messages SET automation = 99");
  }
  const auto visited = store().for_each_message([](const Message&) {});
  EXPECT_EQ(error_id(visited), "store.corrupt");
}

TEST_F(StoreData, HundredThousandMessagesStreamInOrder) {
  constexpr int count = 100'000;
  std::vector<Message> messages;
  messages.reserve(count);
  for (int i = 0; i < count; ++i) {
    Message message;
    message.source_id = "INBOX/" + std::to_string(i);
    message.folder = "INBOX";
    message.message_id = "m" + std::to_string(i) + "@example.com";
    message.in_reply_to = "m" + std::to_string(i / 2) + "@example.com";
    message.references = {"root" + std::to_string(i % 1000) + "@example.com", message.in_reply_to};
    message.subject = "Angebot Nr. " + std::to_string(i % 5000);
    message.from = {"kunde" + std::to_string(i % 700) + "@example.de", "Kunde"};
    message.to = {{"me@example.com", "Ich"}};
    message.date = 1'700'000'000 + (count - i) * 37 % 100'000;
    messages.push_back(std::move(message));
  }
  ASSERT_TRUE(ok(store().upsert_messages(messages)));

  std::size_t visited = 0;
  UnixSeconds last_date = std::numeric_limits<UnixSeconds>::min();
  bool ordered = true;
  auto result = store().for_each_message([&](const Message& m) {
    ordered = ordered && m.date >= last_date;
    last_date = m.date;
    ++visited;
  });
  ASSERT_TRUE(ok(result));
  EXPECT_EQ(visited, static_cast<std::size_t>(count));
  EXPECT_TRUE(ordered);
}

// ---- Sync cursors

TEST_F(StoreData, CursorsStoreAnyBytesAndDistinguishEmptyFromMissing) {
  auto value = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(value));
  EXPECT_FALSE(value->has_value());

  const std::string binary("uidvalidity=1;uidnext=42\0\xff\x01 modseq=9", 34);
  ASSERT_TRUE(ok(store().set_cursor("imap:INBOX", binary)));
  ASSERT_TRUE(ok(store().set_cursor("imap:Sent", "")));
  reopen();
  value = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(value));
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ(**value, binary);
  value = store().get_cursor("imap:Sent");
  ASSERT_TRUE(ok(value));
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ(**value, "");

  ASSERT_TRUE(ok(store().set_cursor("imap:INBOX", "uidnext=43")));
  value = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(value));
  EXPECT_EQ(value->value_or("missing"), "uidnext=43");

  ASSERT_TRUE(ok(store().clear_cursor("imap:INBOX")));
  ASSERT_TRUE(ok(store().clear_cursor("imap:INBOX")));
  value = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(value));
  EXPECT_FALSE(value->has_value());
  value = store().get_cursor("imap:Sent");
  ASSERT_TRUE(ok(value));
  EXPECT_TRUE(value->has_value());
}

// ---- Transactions

TEST_F(StoreData, MessagesAndCursorCommitTogether) {
  const auto result = store().transaction([](Store& s) -> Result<void> {
    if (auto saved = s.upsert_messages(std::vector<Message>{simple("a", 1), simple("b", 2)});
        !saved) {
      return saved.error();
    }
    return s.set_cursor("imap:INBOX", "uidnext=3");
  });
  ASSERT_TRUE(ok(result));
  reopen();
  auto count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 2u);
  auto cursor = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(cursor));
  EXPECT_EQ(cursor->value_or("missing"), "uidnext=3");
}

TEST_F(StoreData, FailingBodyRollsBackEverythingAndReturnsItsError) {
  ASSERT_TRUE(ok(store().set_cursor("imap:INBOX", "uidnext=1")));
  const auto result = store().transaction([](Store& s) -> Result<void> {
    EXPECT_TRUE(ok(s.upsert_messages(std::vector<Message>{simple("a", 1)})));
    EXPECT_TRUE(ok(s.set_cursor("imap:INBOX", "uidnext=2")));
    EXPECT_TRUE(ok(s.dismiss("u-1", "m@x", 5)));
    return make_error(ErrorScope::transient, "imap.timeout", "the server went away");
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "imap.timeout");
  EXPECT_EQ(result.error().scope, ErrorScope::transient);

  reopen();
  auto count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 0u);
  auto cursor = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(cursor));
  EXPECT_EQ(cursor->value_or("missing"), "uidnext=1");
  auto dismissals = store().dismissals();
  ASSERT_TRUE(ok(dismissals));
  EXPECT_TRUE(dismissals->empty());
}

TEST_F(StoreData, FailingNestedTransactionRollsBackOnlyItself) {
  const auto result = store().transaction([](Store& s) -> Result<void> {
    if (auto set = s.set_cursor("outer", "kept"); !set) return set.error();
    const auto inner = s.transaction([](Store& t) -> Result<void> {
      EXPECT_TRUE(ok(t.set_cursor("inner", "dropped")));
      return make_error(ErrorScope::item, "test.inner", "inner failure");
    });
    EXPECT_EQ(error_id(inner), "test.inner");
    // The outer body decides to go on.
    return s.upsert_messages(std::vector<Message>{simple("after", 1)});
  });
  ASSERT_TRUE(ok(result));
  reopen();
  auto outer = store().get_cursor("outer");
  ASSERT_TRUE(ok(outer));
  EXPECT_EQ(outer->value_or("missing"), "kept");
  auto inner = store().get_cursor("inner");
  ASSERT_TRUE(ok(inner));
  EXPECT_FALSE(inner->has_value());
  auto count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 1u);
}

TEST_F(StoreData, FailedWriteInsideTransactionRollsBackOnlyThatWrite) {
  poison("poisoned");
  const auto result = store().transaction([](Store& s) -> Result<void> {
    EXPECT_TRUE(ok(s.set_cursor("imap:INBOX", "uidnext=9")));
    const auto saved =
        s.upsert_messages(std::vector<Message>{simple("a", 1), simple("poisoned", 2)});
    EXPECT_FALSE(saved);
    return {};
  });
  ASSERT_TRUE(ok(result));
  auto count = store().message_count();
  ASSERT_TRUE(ok(count));
  EXPECT_EQ(*count, 0u);
  auto cursor = store().get_cursor("imap:INBOX");
  ASSERT_TRUE(ok(cursor));
  EXPECT_EQ(cursor->value_or("missing"), "uidnext=9");
}

TEST_F(StoreData, ThrowingBodyRollsBackAndLeavesTheStoreUsable) {
  EXPECT_THROW((void)store().transaction([](Store& s) -> Result<void> {
    EXPECT_TRUE(ok(s.transaction(
        [](Store& t) -> Result<void> { return t.set_cursor("k", "written before the throw"); })));
    throw std::runtime_error("bug in the caller");
  }),
               std::runtime_error);
  auto cursor = store().get_cursor("k");
  ASSERT_TRUE(ok(cursor));
  EXPECT_FALSE(cursor->has_value());
  // No transaction is left open: a new one commits and is visible to another connection.
  ASSERT_TRUE(ok(store().transaction([](Store& s) { return s.set_cursor("k", "v"); })));
  RawDb raw(file_);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM sync_cursors"), 1);
}

TEST_F(StoreData, WriteLockHeldElsewhereIsReportedAsBusy) {
  StoreOptions options;
  options.busy_timeout_ms = 50;
  store_.reset();
  auto opened = Store::open(file_, options);
  ASSERT_TRUE(ok(opened));
  RawDb other(file_);
  other.exec("BEGIN IMMEDIATE");
  const auto result = opened->upsert_messages(std::vector<Message>{simple("a", 1)});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().id, "store.busy");
  EXPECT_EQ(result.error().scope, ErrorScope::transient);
  other.exec("ROLLBACK");
  EXPECT_TRUE(ok(opened->upsert_messages(std::vector<Message>{simple("a", 1)})));
}

// ---- Findings

Finding finding(const std::string& key, FindingKind kind, const std::string& awaiting = "m1@x") {
  Finding f;
  f.key = key;
  f.kind = kind;
  f.customer = "Müller GmbH; \"Werk 2\"";
  f.contact = "hans@mueller.example";
  f.contact_name = "Müller, Hans";
  f.subject = "Angebot";
  f.thread_root = "root@x";
  f.awaiting = awaiting;
  f.since = 1000;
  f.due = 2000;
  f.waiting_business_days = 3;
  f.severity = 70;
  f.reason = "Seit 3 Werktagen unbeantwortet.";
  return f;
}

const StoredFinding* find_key(const std::vector<StoredFinding>& findings, std::string_view key) {
  for (const auto& f : findings) {
    if (f.finding.key == key) return &f;
  }
  return nullptr;
}

constexpr std::array<FindingKind, 2> unanswered_and_stalled{FindingKind::unanswered,
                                                            FindingKind::stalled};

TEST_F(StoreData, FindingsKeepFirstSeenResolveAndReopen) {
  const auto a = finding("u-0123456789ab", FindingKind::unanswered);
  const auto b = finding("s-0123456789ab", FindingKind::stalled);

  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{a, b}, unanswered_and_stalled, 100)));
  auto rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].finding.key, "s-0123456789ab");  // sorted by key
  const auto* row = find_key(*rows, a.key);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->first_seen, 100);
  EXPECT_EQ(row->last_seen, 100);
  EXPECT_FALSE(row->resolved_at.has_value());

  // b is no longer current: resolved. a is seen again: first_seen kept.
  auto a_later = a;
  a_later.subject = "AW: Angebot";
  a_later.severity = 90;
  ASSERT_TRUE(
      ok(store().record_findings(std::vector<Finding>{a_later}, unanswered_and_stalled, 200)));
  rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  row = find_key(*rows, a.key);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->first_seen, 100);
  EXPECT_EQ(row->last_seen, 200);
  EXPECT_EQ(row->finding.subject, "AW: Angebot");
  EXPECT_EQ(row->finding.severity, 90);
  EXPECT_FALSE(row->resolved_at.has_value());
  row = find_key(*rows, b.key);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->resolved_at, std::optional<UnixSeconds>(200));
  EXPECT_EQ(row->last_seen, 100);

  // b comes back: reopened, first_seen from its first appearance.
  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{a, b}, unanswered_and_stalled, 300)));
  rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  row = find_key(*rows, b.key);
  ASSERT_NE(row, nullptr);
  EXPECT_FALSE(row->resolved_at.has_value());
  EXPECT_EQ(row->first_seen, 100);
  EXPECT_EQ(row->last_seen, 300);
}

TEST_F(StoreData, FindingsOfKindsNotDetectedStayOpen) {
  const auto a = finding("u-1", FindingKind::unanswered);
  const auto b = finding("s-1", FindingKind::stalled);
  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{a, b}, unanswered_and_stalled, 100)));
  constexpr std::array only_unanswered{FindingKind::unanswered};
  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{}, only_unanswered, 200)));
  auto rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  const auto* row = find_key(*rows, "u-1");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->resolved_at, std::optional<UnixSeconds>(200));
  row = find_key(*rows, "s-1");
  ASSERT_NE(row, nullptr);
  EXPECT_FALSE(row->resolved_at.has_value());
}

TEST_F(StoreData, FindingsResolveByKeyEvenAtTheSameTime) {
  const auto a = finding("u-1", FindingKind::unanswered);
  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{a}, unanswered_and_stalled, 500)));
  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{}, unanswered_and_stalled, 500)));
  auto rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].resolved_at, std::optional<UnixSeconds>(500));
}

TEST_F(StoreData, FindingFieldsRoundTrip) {
  std::vector<Finding> findings;
  constexpr std::array kinds{FindingKind::unanswered, FindingKind::stalled, FindingKind::lapsing,
                             FindingKind::quiet, FindingKind::absence};
  const auto strings = hostile_strings();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    auto f = finding("k" + std::to_string(i), kinds[i]);
    f.customer = strings[i % strings.size()];
    f.contact_name = strings[(i + 5) % strings.size()];
    f.reason = strings[(i + 10) % strings.size()];
    f.subject = strings[(i + 15) % strings.size()];
    f.awaiting = strings[(i + 19) % strings.size()];
    f.since = -static_cast<UnixSeconds>(i);
    f.due = std::numeric_limits<UnixSeconds>::max() - static_cast<UnixSeconds>(i);
    f.waiting_business_days = static_cast<int>(i) * 11;
    f.severity = 100 - static_cast<int>(i);
    findings.push_back(f);
  }
  ASSERT_TRUE(ok(store().record_findings(findings, kinds, 42)));
  reopen();
  auto rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  ASSERT_EQ(rows->size(), findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& expected = findings[i];
    const auto& actual = (*rows)[i].finding;
    EXPECT_EQ(actual.key, expected.key);
    EXPECT_EQ(actual.kind, expected.kind);
    EXPECT_EQ(actual.customer, expected.customer);
    EXPECT_EQ(actual.contact, expected.contact);
    EXPECT_EQ(actual.contact_name, expected.contact_name);
    EXPECT_EQ(actual.subject, expected.subject);
    EXPECT_EQ(actual.thread_root, expected.thread_root);
    EXPECT_EQ(actual.awaiting, expected.awaiting);
    EXPECT_EQ(actual.since, expected.since);
    EXPECT_EQ(actual.due, expected.due);
    EXPECT_EQ(actual.waiting_business_days, expected.waiting_business_days);
    EXPECT_EQ(actual.severity, expected.severity);
    EXPECT_EQ(actual.reason, expected.reason);
  }
}

TEST_F(StoreData, ForgettingResolvedFindingsKeepsOpenOnes) {
  ASSERT_TRUE(
      ok(store().record_findings(std::vector<Finding>{finding("u-1", FindingKind::unanswered),
                                                      finding("u-2", FindingKind::unanswered),
                                                      finding("u-3", FindingKind::unanswered)},
                                 unanswered_and_stalled, 100)));
  ASSERT_TRUE(
      ok(store().record_findings(std::vector<Finding>{finding("u-2", FindingKind::unanswered),
                                                      finding("u-3", FindingKind::unanswered)},
                                 unanswered_and_stalled, 200)));  // u-1 resolved at 200
  ASSERT_TRUE(ok(store().record_findings(
      std::vector<Finding>{finding("u-3", FindingKind::unanswered)}, unanswered_and_stalled,
      300)));  // u-2 resolved at 300
  auto forgotten = store().forget_resolved_findings(300);
  ASSERT_TRUE(ok(forgotten));
  EXPECT_EQ(*forgotten, 1u);
  auto rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  EXPECT_EQ(find_key(*rows, "u-1"), nullptr);
  EXPECT_NE(find_key(*rows, "u-2"), nullptr);
  EXPECT_NE(find_key(*rows, "u-3"), nullptr);
}

TEST_F(StoreData, FindingFieldsOfEveryKindRoundTrip) {
  Finding lapsing = finding("l-1", FindingKind::lapsing);
  lapsing.domain = "mueller.example";
  lapsing.engagement = "trial";
  lapsing.ends = "2026-03-26";
  Finding quiet = finding("q-1", FindingKind::quiet, "last-contact:1000");
  quiet.score_parts = {{"silence", 38, 60, "seit 41 Tagen still, sonst alle 9 Tage"},
                       {"open_threads", 10, 20, "1 offene Anfrage"}};
  Finding absence = finding("a-1", FindingKind::absence);
  absence.items = {{"r1@x", "Angebot \"A\"; Teil 2", "hans@mueller.example", "Müller GmbH", 10, 0},
                   {"r2@x", "", "", "", 20, 30}};
  static constexpr std::array<FindingKind, 3> kinds{FindingKind::lapsing, FindingKind::quiet,
                                                    FindingKind::absence};
  ASSERT_TRUE(ok(store().record_findings(std::vector<Finding>{lapsing, quiet, absence}, kinds, 5)));
  reopen();
  auto rows = store().stored_findings();
  ASSERT_TRUE(ok(rows));
  const StoredFinding* l = find_key(*rows, "l-1");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->finding.domain, "mueller.example");
  EXPECT_EQ(l->finding.engagement, "trial");
  EXPECT_EQ(l->finding.ends, "2026-03-26");
  EXPECT_TRUE(l->finding.score_parts.empty());
  const StoredFinding* q = find_key(*rows, "q-1");
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->finding.score_parts.size(), 2u);
  EXPECT_EQ(q->finding.score_parts[0].name, "silence");
  EXPECT_EQ(q->finding.score_parts[0].points, 38);
  EXPECT_EQ(q->finding.score_parts[0].max_points, 60);
  EXPECT_EQ(q->finding.score_parts[1].detail, "1 offene Anfrage");
  const StoredFinding* a = find_key(*rows, "a-1");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->finding.items.size(), 2u);
  EXPECT_EQ(a->finding.items[0].subject, "Angebot \"A\"; Teil 2");
  EXPECT_EQ(a->finding.items[0].customer, "Müller GmbH");
  EXPECT_EQ(a->finding.items[0].answered, 0);
  EXPECT_EQ(a->finding.items[1].arrived, 20);
  EXPECT_EQ(a->finding.items[1].answered, 30);
}

// ---- Dismissals

TEST_F(StoreData, DismissalOfAStalledThreadOrEngagementStaysWhateverIsAwaited) {
  ASSERT_TRUE(ok(store().dismiss("s-1", "offer@x", 100)));
  ASSERT_TRUE(ok(store().dismiss("q-1", "last-contact:1000", 100)));
  auto all = store().dismissals();
  ASSERT_TRUE(ok(all));
  const Dismissal& stalled = all->find(std::string_view("s-1"))->second;
  EXPECT_TRUE(stalled.covers(finding("s-1", FindingKind::stalled, "offer@x")));
  EXPECT_TRUE(stalled.covers(finding("s-1", FindingKind::stalled, "follow-up@x")));
  EXPECT_FALSE(stalled.covers(finding("s-2", FindingKind::stalled, "offer@x")));
  EXPECT_TRUE(stalled.covers(finding("s-1", FindingKind::lapsing, "")));
  const Dismissal& quiet = all->find(std::string_view("q-1"))->second;
  EXPECT_TRUE(quiet.covers(finding("q-1", FindingKind::quiet, "last-contact:1000")));
  // In contact again, then a new silence: a new finding under the same key, shown again.
  EXPECT_FALSE(quiet.covers(finding("q-1", FindingKind::quiet, "last-contact:9000")));
}

TEST_F(StoreData, DismissalAppliesOnlyToTheAwaitedMessage) {
  ASSERT_TRUE(ok(store().dismiss("u-1", "first@x", 100)));
  auto is = store().dismissed("u-1", "first@x");
  ASSERT_TRUE(ok(is));
  EXPECT_TRUE(*is);

  // A new message in the thread is awaited: same key, other message — the finding is back.
  is = store().dismissed("u-1", "second@x");
  ASSERT_TRUE(ok(is));
  EXPECT_FALSE(*is);
  is = store().dismissed("u-2", "first@x");
  ASSERT_TRUE(ok(is));
  EXPECT_FALSE(*is);

  auto all = store().dismissals();
  ASSERT_TRUE(ok(all));
  ASSERT_EQ(all->size(), 1u);
  const auto it = all->find(std::string_view("u-1"));
  ASSERT_NE(it, all->end());
  EXPECT_EQ(it->second.awaiting, "first@x");
  EXPECT_EQ(it->second.dismissed_at, 100);
  EXPECT_TRUE(it->second.covers(finding("u-1", FindingKind::unanswered, "first@x")));
  EXPECT_FALSE(it->second.covers(finding("u-1", FindingKind::unanswered, "second@x")));

  // Dismissing again replaces the earlier dismissal.
  ASSERT_TRUE(ok(store().dismiss("u-1", "second@x", 200)));
  reopen();
  is = store().dismissed("u-1", "first@x");
  ASSERT_TRUE(ok(is));
  EXPECT_FALSE(*is);
  is = store().dismissed("u-1", "second@x");
  ASSERT_TRUE(ok(is));
  EXPECT_TRUE(*is);

  ASSERT_TRUE(ok(store().undismiss("u-1")));
  ASSERT_TRUE(ok(store().undismiss("u-1")));
  is = store().dismissed("u-1", "second@x");
  ASSERT_TRUE(ok(is));
  EXPECT_FALSE(*is);
}

// ---- Snoozes

TEST_F(StoreData, SnoozesAreKeptReplacedAndRemoved) {
  ASSERT_TRUE(ok(store().snooze("u-1", 5000, 100)));
  ASSERT_TRUE(ok(store().snooze("u-2", 50, 10)));  // already expired: kept, the caller decides
  ASSERT_TRUE(ok(store().snooze("u-1", 9000, 200)));
  reopen();
  auto all = store().snoozes();
  ASSERT_TRUE(ok(all));
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at("u-1").until, 9000);
  EXPECT_EQ(all->at("u-1").snoozed_at, 200);
  EXPECT_EQ(all->at("u-2").until, 50);
  ASSERT_TRUE(ok(store().unsnooze("u-1")));
  ASSERT_TRUE(ok(store().unsnooze("u-1")));
  all = store().snoozes();
  ASSERT_TRUE(ok(all));
  EXPECT_EQ(all->count("u-1"), 0u);
  EXPECT_EQ(all->count("u-2"), 1u);
}

}  // namespace
}  // namespace nachfass
