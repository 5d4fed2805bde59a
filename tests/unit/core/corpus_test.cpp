#include "core/corpus.hpp"

#include <gtest/gtest.h>

namespace nachfass {
namespace {

TEST(StringPool, InternDeduplicatesStoreDoesNot) {
  StringPool pool;
  EXPECT_EQ(pool.intern(""), empty_atom);
  const Atom a = pool.intern("a@b.de");
  EXPECT_NE(a, empty_atom);
  EXPECT_EQ(pool.intern("a@b.de"), a);
  EXPECT_NE(pool.intern("A@b.de"), a);
  EXPECT_EQ(pool.find("a@b.de"), a);
  EXPECT_EQ(pool.find("missing"), empty_atom);
  const Atom s1 = pool.store("unique");
  const Atom s2 = pool.store("unique");
  EXPECT_NE(s1, s2);
  EXPECT_EQ(pool.view(s1), "unique");
}

TEST(StringPool, ViewsStayValidAcrossGrowth) {
  StringPool pool;
  std::vector<std::pair<Atom, std::string>> kept;
  for (int i = 0; i < 200000; ++i) {
    std::string text = "id-" + std::to_string(i) + "@host.example";
    kept.emplace_back(pool.intern(text), text);
  }
  const std::string big(600000, 'x');  // larger than a quarter chunk: its own block
  const Atom big_atom = pool.intern(big);
  for (int i = 0; i < 200000; i += 997) EXPECT_EQ(pool.view(kept[i].first), kept[i].second);
  EXPECT_EQ(pool.view(big_atom), big);
  EXPECT_EQ(pool.intern(kept[12345].second), kept[12345].first);
}

TEST(Corpus, RoundTripsEveryField) {
  Message m;
  m.source_id = "INBOX/1700000000.M1P2.host";
  m.folder = "INBOX";
  m.folder_role = FolderRole::inbox;
  m.message_id = "x@y";
  m.in_reply_to = "p@y";
  m.references = {"r@y", "p@y"};
  m.subject = "AW: Angebot für Müller";
  m.from = {"s.keller@mueller.de", "Sabine Keller"};
  m.to = {{"anna@example.com", "Anna Vogel"}, {"vertrieb@example.com", ""}};
  m.cc = {{"juergen@example.com", "Jürgen Weiß"}};
  m.date = 1'795'422'600;
  m.utc_offset_minutes = -300;
  m.date_from_header = false;
  m.thread_index = "AdnXyz==";
  m.thread_topic = "Angebot";
  m.automation = Automation::out_of_office_subject;

  Corpus corpus;
  const MessageIndex i = corpus.add(m);
  const Message back = corpus.message(i);
  EXPECT_EQ(back.source_id, m.source_id);
  EXPECT_EQ(back.folder_role, m.folder_role);
  EXPECT_EQ(back.references, m.references);
  EXPECT_EQ(back.subject, m.subject);
  EXPECT_EQ(back.from.name, m.from.name);
  ASSERT_EQ(back.to.size(), 2u);
  EXPECT_EQ(back.to[0].name, "Anna Vogel");
  EXPECT_EQ(back.to[1].email, "vertrieb@example.com");
  ASSERT_EQ(back.cc.size(), 1u);
  EXPECT_EQ(back.cc[0].name, "Jürgen Weiß");
  EXPECT_EQ(back.utc_offset_minutes, -300);
  EXPECT_FALSE(back.date_from_header);
  EXPECT_EQ(back.automation, Automation::out_of_office_subject);
  EXPECT_EQ(corpus.find("p@y"), corpus[i].in_reply_to);
}

TEST(Corpus, HugeReferenceListKeepsRootAndNearestAncestors) {
  Message m;
  for (int i = 0; i < 1000; ++i) m.references.push_back("r" + std::to_string(i) + "@x");
  Corpus corpus;
  const MessageIndex i = corpus.add(m);
  const auto refs = corpus.references(i);
  ASSERT_EQ(refs.size(), 256u);
  EXPECT_EQ(corpus.text(refs.front()), "r0@x");
  EXPECT_EQ(corpus.text(refs.back()), "r999@x");
  EXPECT_EQ(corpus.text(refs[1]), "r745@x");
}

}  // namespace
}  // namespace nachfass
