// Precision and recall of every detector on generated mailboxes of 24k messages, in-process:
// generator -> to_message() (with the body's new text) -> corpus, threads, directory with the
// default tiers, default_rules() -> detect_all() at the generator's `now`. Scored against the
// generator's ground truth, per finding kind; two seeds, so nothing is tuned to one sample.
// Cases the truth marks `unsure` (near a threshold by the chance of random traffic) are left out:
// a finding for one is neither right nor wrong. Every miss and every false positive is printed
// with the truth's reason and the finding's reason, so a failure says what went wrong.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/corpus.hpp"
#include "core/detect.hpp"
#include "core/directory.hpp"
#include "core/rules.hpp"
#include "core/threading.hpp"
#include "gen/generator.hpp"

namespace nachfass {
namespace {

constexpr std::size_t corpus_messages = 24'000;
constexpr double required = 0.98;

class BodyTexts final : public MessageTexts {
 public:
  std::vector<std::string> bodies;
  std::string_view body(MessageIndex index) const override {
    return index < bodies.size() ? std::string_view(bodies[index]) : std::string_view{};
  }
};

struct Generated {
  gen::GroundTruth truth;
  Corpus corpus;
  BodyTexts texts;
};

Generated generate(std::uint64_t seed) {
  Generated g;
  gen::GeneratorOptions options;
  options.seed = seed;
  options.messages = corpus_messages;
  options.thread_list_max_messages = 0;
  g.corpus.reserve(options.messages);
  gen::FunctionSink sink([&](const gen::GeneratedMail& mail) {
    Message m = gen::to_message(mail);
    g.texts.bodies.push_back(m.body);
    g.corpus.add(m);
  });
  g.truth = gen::generate(options, sink);
  return g;
}

std::string iso_day_berlin(UnixSeconds t) {
  const auto* zone = date::locate_zone("Europe/Berlin");
  const auto local = zone->to_local(std::chrono::sys_seconds{std::chrono::seconds{t}});
  const date::year_month_day ymd{date::floor<date::days>(local)};
  std::ostringstream out;
  out << ymd;
  return out.str();
}

// One kind's score: truth keys of positives, negatives (for the reason of a false positive) and
// unsure cases; findings by the same key.
struct Scorer {
  std::string kind;
  std::map<std::string, std::string> positives;  // key -> what the truth says
  std::map<std::string, std::string> negatives;
  std::set<std::string> unsure;
  std::map<std::string, const Finding*> reported;
  std::size_t skipped_unsure = 0;
  std::vector<std::string> problems;

  void report(const std::string& key, const Finding& f) {
    if (unsure.count(key)) {
      ++skipped_unsure;
      return;
    }
    if (!reported.emplace(key, &f).second)
      problems.push_back("duplicate finding " + key + ": " + f.reason);
  }

  void score(double& precision, double& recall) {
    std::size_t correct = 0;
    for (const auto& [key, f] : reported) {
      if (positives.count(key)) {
        ++correct;
        continue;
      }
      const auto n = negatives.find(key);
      problems.push_back("false positive " + key + " (truth: " +
                         (n == negatives.end() ? std::string("not in the truth") : n->second) +
                         "): " + f->reason);
    }
    for (const auto& [key, why] : positives)
      if (!reported.count(key)) problems.push_back("missed " + key + " (" + why + ")");
    precision = reported.empty() ? (positives.empty() ? 1.0 : 0.0)
                                 : static_cast<double>(correct) / static_cast<double>(reported.size());
    recall = positives.empty() ? 1.0
                               : static_cast<double>(correct) / static_cast<double>(positives.size());
    std::cout << kind << ": " << positives.size() << " expected, " << reported.size()
              << " reported, " << correct << " correct, " << unsure.size() << " unsure cases ("
              << skipped_unsure << " reported, not scored); precision " << precision
              << ", recall " << recall << "\n";
    std::size_t shown = 0;
    for (const auto& p : problems)
      if (shown++ < 40) std::cout << "  " << p << "\n";
    if (problems.size() > 40) std::cout << "  ... " << problems.size() - 40 << " more\n";
  }
};

class DetectQuality : public ::testing::TestWithParam<std::uint64_t> {};

TEST(DetectQualityTerms, DefaultRulesHaveTheTermsTheTruthAssumes) {
  const Rules rules = default_rules();
  for (const gen::EngagementTerms& t : gen::engagement_terms()) {
    SCOPED_TRACE(std::string(t.rule));
    const EngagementRule* rule = nullptr;
    for (const EngagementRule& r : rules.engagements)
      if (r.name == t.rule) rule = &r;
    ASSERT_NE(rule, nullptr) << "default_rules() has no rule named " << t.rule;
    if (t.before_end_days > 0) {
      EXPECT_EQ(rule->before_end_days.value_or(-1), t.before_end_days);
    } else {
      EXPECT_EQ(rule->after_start_days.value_or(-1), t.after_start_days);
    }
    EXPECT_EQ(rule->contact_window_days, t.contact_window_days);
    EXPECT_EQ(rule->expire_after_days, t.expire_after_days);
  }
}

TEST_P(DetectQuality, EveryDetectorScoresOnAGeneratedMailbox) {
  const Generated g = generate(GetParam());
  const gen::GroundTruth& truth = g.truth;
  ASSERT_GE(truth.counts.messages, 20'000u);
  EXPECT_EQ(truth.counts.stalled_unlabeled, 0u);
  EXPECT_EQ(truth.counts.stalled_unsure, 0u);

  const Identities identities(gen::user_identity().addresses, gen::user_identity().own_domains);
  const Threads threads = thread_messages(g.corpus, identities);
  DirectoryInput directory_input;
  directory_input.tiers = default_tiers(9 * 3600);
  const Directory directory = build_directory(g.corpus, identities, directory_input);
  const Rules rules = default_rules();
  const BusinessCalendar calendar(
      date::locate_zone("Europe/Berlin"), BusinessHours{}, *HolidayRegion::parse("DE-BY"),
      {std::chrono::year{2026} / 12 / 24, std::chrono::year{2026} / 12 / 31});
  const DetectionInput input{g.corpus, threads, identities, directory, calendar, rules,
                             g.texts, UnansweredRule{2 * 9 * 3600}, {}, {},
                             truth.options.now, Language::de};
  const std::vector<Finding> findings = detect_all(input);

  std::map<FindingKind, Scorer> scorers;
  for (FindingKind k : {FindingKind::unanswered, FindingKind::stalled, FindingKind::lapsing,
                        FindingKind::quiet, FindingKind::absence})
    scorers[k].kind = std::string(to_string(k));

  Scorer& unanswered = scorers[FindingKind::unanswered];
  for (const auto& a : truth.unanswered)
    unanswered.positives[a.awaiting] = "overdue since " + gen::format_iso_utc(a.since);
  for (const auto& a : truth.fresh)
    unanswered.negatives[a.awaiting] = "fresh since " + gen::format_iso_utc(a.since);

  Scorer& stalled = scorers[FindingKind::stalled];
  for (const auto& s : truth.stalled) {
    const std::string why = s.text_class + " text of " + gen::format_iso_utc(s.since) + " to " +
                            s.customer_domain + ", our message " + s.awaiting;
    if (s.label == gen::Label::positive) stalled.positives[s.thread_root] = why;
    if (s.label == gen::Label::negative) stalled.negatives[s.thread_root] = why;
    if (s.label == gen::Label::unsure) stalled.unsure.insert(s.thread_root);
  }

  // Engagements: keyed by rule, domain and start Message-ID; a finding names the start mail as
  // its thread root or awaited message, else it is matched by its end date.
  Scorer& lapsing = scorers[FindingKind::lapsing];
  std::multimap<std::pair<std::string, std::string>, const gen::EngagementTruth*> engagements;
  for (const auto& e : truth.engagements) {
    const std::string key = e.rule + " " + e.customer_domain + " " + e.start_message_id;
    const std::string why = e.state + ", follow-up " + e.follow_up + ", ends " + e.ends +
                            (e.event_day.empty() ? "" : ", seminar " + e.event_day);
    if (e.label == gen::Label::positive) lapsing.positives[key] = why;
    if (e.label == gen::Label::negative) lapsing.negatives[key] = why;
    if (e.label == gen::Label::unsure) lapsing.unsure.insert(key);
    engagements.emplace(std::pair{e.rule, e.customer_domain}, &e);
  }

  Scorer& quiet = scorers[FindingKind::quiet];
  std::set<std::string> quiet_keys;
  for (const auto& q : truth.quiet) {
    std::ostringstream why;
    why << "silent " << q.silence_days << " d, threshold " << q.threshold_days << " d (median "
        << q.median_gap << ", p90 " << q.p90_gap << "), " << q.contact_days << " contact days, "
        << q.exchanges << " messages";
    if (q.label == gen::Label::positive) quiet.positives[q.customer] = why.str();
    if (q.label == gen::Label::negative) quiet.negatives[q.customer] = why.str();
    if (q.label == gen::Label::unsure) quiet.unsure.insert(q.customer);
    quiet_keys.insert(q.customer);
  }

  Scorer& absence = scorers[FindingKind::absence];
  std::map<std::string, const gen::AbsenceTruth*> absences;
  for (const auto& a : truth.absences) {
    const std::string why = a.first_day + " to " + a.last_day + ", back " + a.return_day;
    if (a.label == gen::Label::positive) absence.positives[a.first_day] = why;
    if (a.label == gen::Label::negative) absence.negatives[a.first_day] = why;
    if (a.label == gen::Label::unsure) absence.unsure.insert(a.first_day);
    absences[a.first_day] = &a;
  }

  std::vector<std::string> field_problems;
  for (const Finding& f : findings) {
    switch (f.kind) {
      case FindingKind::unanswered:
        unanswered.report(f.awaiting, f);
        break;
      case FindingKind::stalled:
        stalled.report(f.thread_root, f);
        break;
      case FindingKind::lapsing: {
        const auto [lo, hi] = engagements.equal_range({f.engagement, f.domain});
        const gen::EngagementTruth* match = nullptr;
        for (auto it = lo; it != hi && match == nullptr; ++it)
          if (it->second->start_message_id == f.thread_root ||
              it->second->start_message_id == f.awaiting)
            match = it->second;
        for (auto it = lo; it != hi && match == nullptr; ++it)
          if (!f.ends.empty() && it->second->ends == f.ends) match = it->second;
        if (match == nullptr && std::distance(lo, hi) == 1) match = lo->second;
        if (match == nullptr) {
          lapsing.report("unmatched " + f.engagement + " " + f.domain + " ends " + f.ends, f);
          break;
        }
        if (!match->ends.empty() && f.ends != match->ends)
          field_problems.push_back("lapsing " + f.key + " ends " + f.ends + ", truth " +
                                   match->ends);
        lapsing.report(match->rule + " " + match->customer_domain + " " + match->start_message_id,
                       f);
        break;
      }
      case FindingKind::quiet:
        quiet.report(quiet_keys.count(f.contact) ? f.contact : f.domain, f);
        break;
      case FindingKind::absence: {
        const std::string first = iso_day_berlin(f.since);
        absence.report(first, f);
        const auto it = absences.find(first);
        if (it == absences.end()) break;
        std::set<std::string> expected, listed;
        for (const auto& item : it->second->items)
          if (item.in_digest) expected.insert(item.thread_root);
        for (const auto& item : f.items) listed.insert(item.thread_root);
        for (const auto& root : expected)
          if (!listed.count(root)) field_problems.push_back("absence " + first + " lacks " + root);
        for (const auto& root : listed)
          if (!expected.count(root))
            field_problems.push_back("absence " + first + " lists " + root + " (not in truth)");
        break;
      }
    }
  }

  std::cout << "seed " << GetParam() << ", " << truth.counts.messages << " messages, "
            << findings.size() << " findings\n";
  for (auto& [kind, scorer] : scorers) {
    SCOPED_TRACE(scorer.kind);
    double precision = 0, recall = 0;
    scorer.score(precision, recall);
    EXPECT_GE(precision, required) << scorer.kind;
    EXPECT_GE(recall, required) << scorer.kind;
  }
  for (const auto& p : field_problems) ADD_FAILURE() << p;
  // Enough positives to measure anything.
  EXPECT_GT(unanswered.positives.size(), 100u);
  EXPECT_GT(stalled.positives.size(), 100u);
  EXPECT_GT(lapsing.positives.size(), 20u);
  EXPECT_GT(quiet.positives.size(), 10u);
  EXPECT_GE(absence.positives.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, DetectQuality, ::testing::Values(7u, 20261123u));

}  // namespace
}  // namespace nachfass
