#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/threading.hpp"
#include "corpus_rows.hpp"

namespace nachfass {
namespace {

using namespace thread_rows;

struct Case {
  std::string name;
  std::vector<Row> rows;
  std::string expected;  // grouping, "A B | C"
  // label -> Message-ID expected as the root of that label's thread ("" for none)
  std::vector<std::pair<std::string, std::string>> roots = {};
  bool no_identities = false;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

const std::string outlook_topic = "Angebot";

// clang-format off
std::vector<Case> jwz_cases() {
  return {
    {"simple_chain",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .irt = "a@x", .from = me, .to = {customer}, .at = hours(1)},
      {.label = "C", .id = "c@x", .refs = {"a@x", "b@x"}, .irt = "b@x", .at = hours(2)}},
     "A B C", {{"C", "a@x"}}},
    {"in_reply_to_only",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .irt = "a@x", .at = hours(1)}},
     "A B", {{"B", "a@x"}}},
    {"references_only",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .at = hours(1)}},
     "A B", {{"B", "a@x"}}},
    {"missing_parent_ghost_ties_siblings",
     {{.label = "B", .id = "b@x", .refs = {"x@x"}},
      {.label = "C", .id = "c@x", .refs = {"x@x"}, .at = hours(1)},
      {.label = "D", .id = "d@x", .at = hours(2)}},
     "B C | D", {{"B", "x@x"}, {"C", "x@x"}, {"D", "d@x"}}},
    {"ghost_grandparent_ties_cousins",
     {{.label = "B", .id = "b@x", .refs = {"root@x", "p1@x"}},
      {.label = "C", .id = "c@x", .refs = {"root@x", "p2@x"}, .at = hours(1)}},
     "B C", {{"C", "root@x"}}},
    // Loops lose the link of the latest message, as JWZ reading in date order would refuse it.
    {"reference_loop",
     {{.label = "A", .id = "a@x", .refs = {"b@x"}},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .at = hours(1)},
      {.label = "Z", .id = "z@x", .at = hours(2)}},
     "A B | Z", {{"A", "b@x"}, {"B", "b@x"}}},
    {"in_reply_to_loop",
     {{.label = "A", .id = "a@x", .irt = "b@x"},
      {.label = "B", .id = "b@x", .irt = "a@x", .at = days(1)}},
     "A B", {{"A", "b@x"}}},
    {"three_message_loop",
     {{.label = "A", .id = "a@x", .refs = {"c@x"}},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .at = hours(1)},
      {.label = "C", .id = "c@x", .refs = {"b@x"}, .at = hours(2)}},
     "A B C", {{"B", "c@x"}}},
    {"loop_through_ghosts",
     {{.label = "A", .id = "a@x", .refs = {"g1@x", "g2@x"}},
      {.label = "B", .id = "b@x", .refs = {"g2@x", "g1@x"}, .at = hours(1)}},
     "A B", {{"A", "g1@x"}, {"B", "g1@x"}}},
    {"self_reference",
     {{.label = "A", .id = "a@x", .refs = {"a@x"}, .irt = "a@x"},
      {.label = "B", .id = "b@x", .at = hours(1)}},
     "A | B", {{"A", "a@x"}, {"B", "b@x"}}},
    {"duplicate_message_id",
     {{.label = "A1", .id = "a@x"},
      {.label = "A2", .id = "a@x", .at = hours(1)},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .at = hours(2)},
      {.label = "Z", .id = "z@x", .at = hours(3)}},
     "A1 A2 B | Z", {{"A2", "a@x"}, {"B", "a@x"}}},
    {"duplicate_message_id_in_two_folders",
     {{.label = "Sent", .id = "d@x", .from = me, .to = {customer}},
      {.label = "Inbox", .id = "d@x", .from = me, .to = {customer}}},
     "Inbox Sent", {{"Sent", "d@x"}}},
    {"duplicate_reply_with_other_parent",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .at = hours(1)},
      {.label = "D1", .id = "d@x", .refs = {"a@x"}, .at = hours(2)},
      {.label = "D2", .id = "d@x", .refs = {"b@x"}, .at = hours(3)}},
     "A B D1 D2"},
    {"no_message_id_reply",
     {{.label = "A", .id = "a@x"},
      {.label = "N", .irt = "a@x", .at = hours(1)}},
     "A N", {{"N", "a@x"}}},
    {"no_message_id_alone",
     {{.label = "N1"},
      {.label = "N2", .at = hours(1)}},
     "N1 | N2", {{"N1", ""}, {"N2", ""}}},
    {"references_in_wrong_order",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .at = hours(1)},
      {.label = "C", .id = "c@x", .refs = {"a@x", "b@x"}, .at = hours(2)},
      {.label = "D", .id = "d@x", .refs = {"c@x", "a@x", "b@x"}, .irt = "c@x", .at = hours(3)}},
     "A B C D", {{"D", "a@x"}}},
    // In-Reply-To in References but not last: References decides the parent; same thread.
    {"in_reply_to_in_references_not_last",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .at = hours(1)},
      {.label = "X", .id = "x@x", .refs = {"a@x", "b@x"}, .irt = "a@x", .at = hours(2)}},
     "A B X", {{"X", "a@x"}}},
    // In-Reply-To missing from References (References built from the grandparent).
    {"in_reply_to_not_in_references",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .irt = "a@x", .at = hours(1)},
      {.label = "C", .id = "c@x", .refs = {"a@x"}, .irt = "b@x", .at = hours(2)}},
     "A B C", {{"C", "a@x"}}},
    {"in_reply_to_not_in_references_links_two_threads",
     {{.label = "A", .id = "a@x"},
      {.label = "Z", .id = "z@x", .at = hours(1)},
      {.label = "M", .id = "m@x", .refs = {"a@x"}, .irt = "z@x", .at = hours(2)}},
     "A M Z", {{"M", "a@x"}, {"Z", "a@x"}}},
    // In-Reply-To names a ghost that is the first reference: the last reference is the parent.
    {"last_reference_is_the_parent",
     {{.label = "FOO", .id = "foo@x"},
      {.label = "BAR", .id = "bar@x", .at = hours(1)},
      {.label = "M", .id = "m@x", .refs = {"baz@x", "foo@x"}, .irt = "baz@x", .at = hours(2)}},
     "FOO M | BAR", {{"M", "foo@x"}}},
    // A typo in References must not put a ghost above a real root.
    {"typo_in_references_keeps_real_root",
     {{.label = "R", .id = "root@x"},
      {.label = "C", .id = "c@x", .refs = {"ro0t@x"}, .irt = "root@x", .at = hours(1)}},
     "C R", {{"C", "root@x"}}},
    // A message dated before the root that lists root and child in References.
    {"earlier_dated_message_lists_the_root",
     {{.label = "F", .id = "f@x", .refs = {"r@x", "c@x", "n@x"}, .irt = "n@x", .at = 0},
      {.label = "R", .id = "r@x", .at = days(1)},
      {.label = "C", .id = "c@x", .refs = {"r@x"}, .irt = "r@x", .at = days(2)},
      {.label = "G", .id = "g@x", .refs = {"r@x", "c@x"}, .irt = "c@x", .at = days(3)}},
     "C F G R", {{"F", "r@x"}, {"G", "r@x"}}},
    {"unrelated_messages",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .at = hours(1)}},
     "A | B"},
    {"empty_ids_in_references_ignored",
     {{.label = "A", .id = "a@x"},
      {.label = "B", .id = "b@x", .refs = {"", "a@x", ""}, .at = hours(1)},
      {.label = "C", .id = "c@x", .refs = {""}, .at = hours(2)}},
     "A B | C"},
  };
}

std::vector<Case> thread_index_cases() {
  return {
    {"outlook_replies_with_thread_index_only",
     {{.label = "C1", .id = "c1@x", .subject = "Angebot", .at = 0,
       .thread_index = thread_index(1, 0), .topic = outlook_topic},
      {.label = "U1", .id = "u1@x", .subject = "AW: Angebot", .from = me, .to = {customer},
       .at = hours(1), .thread_index = thread_index(1, 1), .topic = outlook_topic},
      {.label = "C2", .id = "c2@x", .subject = "AW: AW: Angebot", .at = hours(2),
       .thread_index = thread_index(1, 2), .topic = outlook_topic},
      {.label = "O", .id = "o@x", .subject = "Anfrage Lieferung", .from = other_customer,
       .at = minutes(30), .thread_index = thread_index(2, 0), .topic = "Anfrage Lieferung"},
      {.label = "P", .id = "p@x", .subject = "AW: Anfrage Lieferung", .from = me,
       .to = {other_customer}, .at = hours(3), .thread_index = thread_index(2, 1),
       .topic = "Anfrage Lieferung"}},
     "C1 C2 U1 | O P", {{"U1", "c1@x"}, {"P", "o@x"}}},
    {"different_header_not_merged",
     {{.label = "Q1", .id = "q1@x", .subject = "Angebot", .thread_index = thread_index(3, 0)},
      {.label = "Q2", .id = "q2@x", .subject = "Angebot", .at = days(1),
       .thread_index = thread_index(4, 1)}},
     "Q1 | Q2"},
    {"bad_thread_index_takes_no_part",
     {{.label = "B0", .id = "b0@x", .subject = "Angebot", .thread_index = thread_index(5, 0)},
      {.label = "B1", .id = "b1@x", .subject = "Angebot", .at = hours(1),
       .thread_index = "not base64!"},
      {.label = "B2", .id = "b2@x", .subject = "Angebot", .at = hours(2),  // 21 bytes
       .thread_index = base64([] { auto b = thread_index_bytes(5, 0); b.pop_back(); return b; }())},
      {.label = "B3", .id = "b3@x", .subject = "Angebot", .at = hours(3),  // 22 + 2 bytes
       .thread_index = base64([] { auto b = thread_index_bytes(5, 0); b.push_back(1); b.push_back(2); return b; }())}},
     "B0 | B1 | B2 | B3"},
    {"thread_index_merges_reference_threads",
     {{.label = "A", .id = "a@x", .subject = "Angebot", .thread_index = thread_index(6, 0)},
      {.label = "B", .id = "b@x", .refs = {"a@x"}, .subject = "AW: Angebot", .from = me,
       .to = {customer}, .at = hours(1)},
      {.label = "C", .id = "c@x", .subject = "AW: Angebot", .at = hours(2),
       .thread_index = thread_index(6, 1)},
      {.label = "D", .id = "d@x", .refs = {"c@x"}, .subject = "AW: AW: Angebot", .from = me,
       .to = {customer}, .at = hours(3)}},
     "A B C D", {{"D", "a@x"}}},
    {"forward_to_colleague_not_joined",
     {{.label = "C1", .id = "c1@x", .subject = "Angebot", .thread_index = thread_index(7, 0),
       .topic = outlook_topic},
      {.label = "F", .id = "f@x", .subject = "WG: Angebot", .from = me, .to = {colleague},
       .at = hours(1), .thread_index = thread_index(7, 1), .topic = outlook_topic}},
     "C1 | F"},
    {"forward_to_other_customer_not_joined",
     {{.label = "C1", .id = "c1@x", .subject = "Angebot", .thread_index = thread_index(7, 0)},
      {.label = "F", .id = "f@x", .subject = "FW: Angebot", .from = me, .to = {other_customer},
       .at = hours(1), .thread_index = thread_index(7, 1)}},
     "C1 | F"},
    {"forward_with_customer_in_cc_joined",
     {{.label = "C1", .id = "c1@x", .subject = "Angebot", .thread_index = thread_index(8, 0)},
      {.label = "F", .id = "f@x", .subject = "WG: Angebot", .from = me, .to = {other_customer},
       .cc = {customer}, .at = hours(1), .thread_index = thread_index(8, 1)}},
     "C1 F"},
    {"reply_to_a_forward_is_a_reply",
     {{.label = "C1", .id = "c1@x", .subject = "Angebot", .thread_index = thread_index(9, 0)},
      {.label = "K", .id = "k@x", .subject = "WG: Angebot", .from = me, .to = {colleague},
       .at = hours(1), .thread_index = thread_index(9, 1)},
      {.label = "R", .id = "r@x", .subject = "AW: WG: Angebot", .from = other_customer,
       .at = hours(2), .thread_index = thread_index(9, 2)}},
     "C1 R | K"},
    {"thread_topic_mismatch_not_merged",
     {{.label = "T1", .id = "t1@x", .subject = "Angebot", .thread_index = thread_index(10, 0),
       .topic = "Angebot"},
      {.label = "T2", .id = "t2@x", .subject = "Rechnung", .at = hours(1),
       .thread_index = thread_index(10, 1), .topic = "Rechnung"}},
     "T1 | T2"},
    {"thread_topic_compared_without_case_and_spacing",
     {{.label = "T1", .id = "t1@x", .subject = "Angebot  Q3", .thread_index = thread_index(11, 0),
       .topic = "Angebot  Q3"},
      {.label = "T2", .id = "t2@x", .subject = "AW: ANGEBOT Q3", .from = me, .to = {customer},
       .at = hours(1), .thread_index = thread_index(11, 1), .topic = " ANGEBOT Q3"}},
     "T1 T2"},
    {"thread_topic_missing_on_one_member",
     {{.label = "T1", .id = "t1@x", .subject = "Angebot", .thread_index = thread_index(12, 0),
       .topic = "Angebot"},
      {.label = "T2", .id = "t2@x", .subject = "Angebot", .at = hours(1),
       .thread_index = thread_index(12, 1)}},
     "T1 T2"},
  };
}

std::vector<Case> subject_cases() {
  const Row offer{.label = "U", .id = "u@x", .subject = "Angebot 4711", .from = me,
                  .to = {customer}, .at = 0};
  const auto reply = [](UnixSeconds at) {
    return Row{.label = "C", .id = "c@x", .subject = "AW: Angebot 4711", .at = at};
  };
  return {
    {"subject_joins_same_customer_within_window", {offer, reply(days(2))}, "C U", {{"C", "u@x"}}},
    {"subject_not_from_other_customer",
     {offer, {.label = "C", .id = "c@x", .subject = "AW: Angebot 4711", .from = other_customer,
              .at = days(2)}},
     "C | U"},
    {"subject_not_after_window", {offer, reply(days(21) + 1)}, "C | U"},
    {"subject_window_boundary_inclusive", {offer, reply(days(21))}, "C U"},
    // X, another start of the same customer, is within the window of U; C is not.
    {"subject_window_per_start",
     {offer, {.label = "X", .id = "x@x", .subject = "AW: Rechnung 17", .at = days(10)},
      reply(days(25))},
     "C | U | X"},
    {"subject_needs_reply_prefix",
     {{.label = "A1", .id = "a1@x", .subject = "Angebot"},
      {.label = "A2", .id = "a2@x", .subject = "Angebot", .at = days(1)}},
     "A1 | A2"},
    {"subject_not_when_references_point_elsewhere",
     {offer, {.label = "C", .id = "c@x", .refs = {"elsewhere@x"}, .subject = "AW: Angebot 4711",
              .at = days(2)}},
     "C | U"},
    {"subject_not_when_in_reply_to_points_elsewhere",
     {offer, {.label = "C", .id = "c@x", .irt = "elsewhere@x", .subject = "AW: Angebot 4711",
              .at = days(2)}},
     "C | U"},
    {"subject_joins_most_recent_thread",
     {{.label = "U1", .id = "u1@x", .subject = "Angebot 4711", .from = me, .to = {customer}},
      {.label = "U2", .id = "u2@x", .subject = "Angebot 4711", .from = me, .to = {customer},
       .at = days(5)},
      {.label = "C", .id = "c@x", .subject = "AW: Angebot 4711", .at = days(6)}},
     "C U2 | U1"},
    // C2 makes the other customer's address interesting to step 3 at all.
    {"subject_skips_recent_thread_of_other_customer",
     {{.label = "U1", .id = "u1@x", .subject = "Angebot 4711", .from = me, .to = {customer}},
      {.label = "U2", .id = "u2@x", .subject = "Angebot 4711", .from = me, .to = {other_customer},
       .at = days(5)},
      {.label = "C", .id = "c@x", .subject = "AW: Angebot 4711", .at = days(6)},
      {.label = "C2", .id = "c2@x", .subject = "AW: Rechnung 17", .from = other_customer,
       .at = days(7)}},
     "C U1 | U2 | C2"},
    {"subject_most_recent_across_participants",
     {{.label = "U1", .id = "u1@x", .subject = "Angebot 4711", .from = me, .to = {customer}},
      {.label = "U2", .id = "u2@x", .subject = "Angebot 4711", .from = me, .to = {other_customer},
       .at = days(5)},
      {.label = "C", .id = "c@x", .subject = "AW: Angebot 4711", .cc = {other_customer},
       .at = days(6)}},
     "C U2 | U1"},
    {"subject_other_customer_same_subject_not_joined",
     {offer,
      {.label = "C", .id = "c@x", .subject = "AW: Angebot 4711", .from = other_customer,
       .at = days(2)},
      {.label = "C2", .id = "c2@x", .subject = "AW: Rechnung 17", .at = days(3)}},
     "C | C2 | U"},
    {"subject_not_through_own_addresses_only",
     {{.label = "K", .id = "k@x", .subject = "Angebot 4711", .from = me, .to = {colleague}},
      reply(days(1))},
     "C | K"},
    {"subject_everyone_external_without_identities",
     {{.label = "K", .id = "k@x", .subject = "Angebot 4711", .from = me, .to = {colleague}},
      reply(days(1))},
     "C K", {}, true},
    {"subject_only_prefix_never_joins",
     {{.label = "U", .id = "u@x", .subject = "Re:", .from = me, .to = {customer}},
      {.label = "C", .id = "c@x", .subject = "Re:", .at = hours(1)}},
     "C | U"},
    {"subject_case_and_whitespace_insensitive",
     {{.label = "U", .id = "u@x", .subject = "Angebot  4711 ", .from = me, .to = {customer}},
      {.label = "C", .id = "c@x", .subject = "aw:   ANGEBOT 4711", .at = days(1)}},
     "C U"},
    {"subject_stacked_prefixes_and_tags",
     {offer, {.label = "C", .id = "c@x", .subject = "[EXT] AW: WG: Angebot 4711", .at = days(1)}},
     "C U"},
    {"subject_window_counts_from_latest_message",
     {offer,
      {.label = "R", .id = "r@x", .refs = {"u@x"}, .subject = "AW: Angebot 4711", .at = days(10)},
      reply(days(25))},
     "C R U"},
    {"subject_starts_chain",
     {offer, {.label = "C1", .id = "c1@x", .subject = "AW: Angebot 4711", .at = days(15)},
      {.label = "C2", .id = "c2@x", .subject = "AW: Angebot 4711", .at = days(30)}},
     "C1 C2 U"},
    {"subject_outlook_replies_without_their_start",
     {offer,
      {.label = "C1", .id = "c1@x", .subject = "AW: Angebot 4711", .at = days(1),
       .thread_index = thread_index(13, 1)},
      {.label = "C2", .id = "c2@x", .subject = "AW: AW: Angebot 4711", .at = days(2),
       .thread_index = thread_index(13, 2)}},
     "C1 C2 U"},
    {"subject_never_joins_a_later_thread",
     {{.label = "C", .id = "c@x", .subject = "AW: Angebot 4711"},
      {.label = "U", .id = "u@x", .subject = "Angebot 4711", .from = me, .to = {customer},
       .at = days(1)}},
     "C | U"},
    {"subject_customer_forward_joins",
     {offer, {.label = "C", .id = "c@x", .subject = "WG: Angebot 4711", .at = days(1)}},
     "C U"},
    {"subject_participant_in_cc",
     {{.label = "U", .id = "u@x", .subject = "Angebot 4711", .from = me, .to = {other_customer},
       .cc = {customer}},
      reply(days(1))},
     "C U"},
    {"subject_other_base_subject_not_joined",
     {offer, {.label = "C", .id = "c@x", .subject = "AW: Angebot 4712", .at = days(1)}},
     "C | U"},
  };
}

// Header sets transcribed by hand from the Apache Pony Mail test corpus (Apache-2.0),
// /work/shared/corpora/mail/ponymail-corpus/. Dates are offsets from the first message.
std::vector<Case> real_mail_cases() {
  const std::string list = "users@httpd.apache.org";
  const std::string joel = "jm-hotmail@hotmail.com";
  const std::string j1 = "BL0PR02MB54250574D02EAF175F7981769F7A0@BL0PR02MB5425.namprd02.prod.outlook.com";
  const std::string j2 = "BL0PR02MB5425480946D762EE237729309F7A0@BL0PR02MB5425.namprd02.prod.outlook.com";
  const std::string htaccess = "[users@httpd] client removal of .htaccess file";
  const std::string a1 = "028401d65cf2$72c1e8c0$5845ba40$@mail.ru";
  const std::string gzip = "[users@httpd] Apache mod_autoindex and mod_deflate (gzip). Can't get pages compressed";
  const std::string g1 = "BAY103-F28070ECF509B48E8F10ECEC2910@phx.gbl";
  const std::string fake_urls = "1F4D60B00DE5FB42AD4BB2BC06DC309203001A60@mail.shoremortgage.com";
  return {
    // httpd-users-200606-part.mbox: Hotmail (2006) replies carry In-Reply-To and no References;
    // two replies to a message the archive does not hold.
    {"ponymail_hotmail_in_reply_to_only",
     {{.label = "G1", .id = g1,
       .subject = "[users@httpd] bug? LogFormat \"%{tid}P\" gives wrong tid on Windows Server 2003",
       .from = "gaodebin@hotmail.com", .to = {list}, .at = 0},
      {.label = "J1", .id = "BAY117-F8A51AB1A746DB7C5C868BB4910@phx.gbl",
       .subject = "[users@httpd] configure for mod_jk gets error for APR_INCLUDE",
       .from = "vsevm@hotmail.com", .to = {list}, .at = 689},
      {.label = "G2", .id = "BAY103-F36A0C2427095C72D377474C2940@phx.gbl", .irt = g1,
       .subject = "RE: [users@httpd] bug? LogFormat \"%{tid}P\" gives wrong tid on Windows Server 200",
       .from = "gaodebin@hotmail.com", .to = {list}, .at = 238603},
      {.label = "M1", .id = "BAY103-F115CA57A21C2C56030731CE2950@phx.gbl",
       .irt = "20060605232058.60743.qmail@web60723.mail.yahoo.com",
       .subject = "Re: [users@httpd] registered domain name question",
       .from = "cmoher3@hotmail.com", .to = {list}, .at = 276863},
      {.label = "M2", .id = "BAY103-F802BFA93952CB192373C4E2950@phx.gbl", .irt = fake_urls,
       .subject = "RE: [users@httpd] Can I have \"fake\" URLs with mod_rewrite???",
       .from = "cmoher3@hotmail.com", .to = {list}, .at = 277012},
      {.label = "M3", .id = "BAY103-F40D7A4EF5AC184C9769209E2950@phx.gbl", .irt = fake_urls,
       .subject = "RE: [users@httpd] Can I have \"fake\" URLs with mod_rewrite???",
       .from = "cmoher3@hotmail.com", .to = {list}, .at = 277038}},
     "G1 G2 | J1 | M1 | M2 M3", {{"G2", g1}, {"M3", fake_urls}}},
    // httpd-users-2020-07.mbox: Outlook.com with Thread-Index; the last reply carries neither
    // References nor the conversation's Thread-Index header, only its subject.
    {"ponymail_outlook_thread_index_and_subject",
     {{.label = "J1", .id = j1, .subject = "Re: " + htaccess, .from = joel, .to = {list}, .at = 0,
       .thread_index = "AQHWXb/AQFlafAf6aUyEMWHswzuyEg==", .topic = htaccess},
      {.label = "J2", .id = j2, .refs = {j1}, .irt = j1, .subject = "Re: " + htaccess,
       .from = joel, .to = {list}, .at = 957,
       .thread_index = "AQHWXb/AQFlafAf6aUyEMWHswzuyEqkOxyO6", .topic = htaccess},
      {.label = "J3",
       .id = "BL0PR02MB5425EB9AB2319DB6AF247C059F7A0@BL0PR02MB5425.namprd02.prod.outlook.com",
       .refs = {j1, j2, "202007191353.50051.Antony.Stone@apache.open.source.it"},
       .irt = "202007191353.50051.Antony.Stone@apache.open.source.it",
       .subject = "Re: " + htaccess, .from = joel, .to = {list}, .at = 2999,
       .thread_index = "AQHWXb/AQFlafAf6aUyEMWHswzuyEqkOxyO6gAAD5ICAAAYLrw==", .topic = htaccess},
      {.label = "J4",
       .id = "BL0PR02MB5425B75C826D4C3068F91F339F7A0@BL0PR02MB5425.namprd02.prod.outlook.com",
       .refs = {j1, j2, "99222F87-22C1-4A2E-A596-EA4C30E2C5F2@kreme.com"},
       .irt = "99222F87-22C1-4A2E-A596-EA4C30E2C5F2@kreme.com",
       .subject = "Re: " + htaccess, .from = joel, .to = {list}, .at = 4499,
       .thread_index = "AQHWXb/AQFlafAf6aUyEMWHswzuyEqkOxyO6gAASHgCAAABtQw==", .topic = htaccess},
      {.label = "J5",
       .id = "BL0PR02MB5425B7EF463F65CF4B3687DC9F7A0@BL0PR02MB5425.namprd02.prod.outlook.com",
       .subject = "Re: " + htaccess, .from = joel, .to = {list}, .at = 28828,
       .thread_index = "AQHWXgG4NZDGOvSx7UGjB0nhyHVi4A==", .topic = htaccess},
      {.label = "A1", .id = a1, .subject = gzip, .from = "eika@mail.ru.INVALID", .to = {list},
       .at = -88403, .thread_index = "AdZc8jjzmTw2WscZRKeHXCFI2JGYaw=="},
      {.label = "A2", .id = "038801d66131$16a656a0$43f303e0$@mail.ru", .refs = {a1}, .irt = a1,
       .subject = "RE: " + gzip, .from = "eika@mail.ru.INVALID", .to = {list}, .at = 378306,
       .thread_index = "AQIbAKYvXF50rt1049Ja/RlJs1a1kaiMYLhQ"}},
     "J1 J2 J3 J4 J5 | A1 A2", {{"J5", j1}, {"A2", a1}}},
  };
}
// clang-format on

std::vector<Case> all_cases() {
  std::vector<Case> all;
  for (auto&& group : {jwz_cases(), thread_index_cases(), subject_cases(), real_mail_cases()})
    all.insert(all.end(), group.begin(), group.end());
  return all;
}

Threads thread(const Case& c, const Corpus& corpus) {
  const Identities identities = c.no_identities ? Identities{} : default_identities();
  return thread_messages(corpus, identities);
}

std::string root_of(const Threads& threads, const Corpus& corpus, const std::vector<Row>& rows,
                    const std::string& label) {
  const auto row =
      std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.label == label; });
  if (row == rows.end()) return "<no row " + label + ">";
  const auto m = static_cast<MessageIndex>(row - rows.begin());
  return std::string(corpus.text(threads.threads[threads.thread_of[m]].root_message_id));
}

class Threading : public ::testing::TestWithParam<Case> {};

TEST_P(Threading, Groups) {
  const Case& c = GetParam();
  const Corpus corpus = make_corpus(c.rows);
  const Threads threads = thread(c, corpus);
  EXPECT_EQ(check_invariants(corpus, threads), "");
  EXPECT_EQ(grouping(threads, c.rows), normalise_grouping(c.expected));
  for (const auto& [label, root] : c.roots)
    EXPECT_EQ(root_of(threads, corpus, c.rows, label), root) << "root of " << label;
}

// The same rows in other orders: the same grouping and (dates being distinct here) the same
// roots.
TEST_P(Threading, GroupingDoesNotDependOnInputOrder) {
  const Case& c = GetParam();
  std::mt19937 random(4711);
  std::vector<Row> rows = c.rows;
  const std::string expected = normalise_grouping(c.expected);
  for (int round = 0; round < 12; ++round) {
    std::shuffle(rows.begin(), rows.end(), random);
    const Corpus corpus = make_corpus(rows);
    const Threads threads = thread(c, corpus);
    ASSERT_EQ(check_invariants(corpus, threads), "");
    ASSERT_EQ(grouping(threads, rows), expected) << "round " << round;
    for (const auto& [label, root] : c.roots)
      ASSERT_EQ(root_of(threads, corpus, rows, label), root) << "root of " << label;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Threading, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------

TEST(ThreadingStats, CountsWhatItWorkedAround) {
  const std::vector<Row> rows = {
      {.label = "A1", .id = "a@x"},
      {.label = "A2", .id = "a@x", .at = 1},
      {.label = "L1", .id = "l1@x", .refs = {"l2@x"}, .at = 2},
      {.label = "L2", .id = "l2@x", .refs = {"l1@x"}, .at = 3},
      {.label = "G", .id = "g@x", .refs = {"ghost1@x", "ghost2@x"}, .at = 4},
      {.label = "T1", .id = "t1@x", .at = 5, .thread_index = "%%%"},
      {.label = "T2", .id = "t2@x", .at = 6, .thread_index = thread_index(1, 0)},
      {.label = "T3", .id = "t3@x", .at = 7, .thread_index = thread_index(1, 1)},
      {.label = "S1", .id = "s1@x", .subject = "Angebot", .from = me, .to = {customer}, .at = 8},
      {.label = "S2", .id = "s2@x", .subject = "AW: Angebot", .at = 9},
  };
  const Corpus corpus = make_corpus(rows);
  const Threads threads = thread_messages(corpus, default_identities());
  EXPECT_EQ(threads.stats.duplicate_message_ids, 1u);
  EXPECT_EQ(threads.stats.ghosts, 2u);
  EXPECT_EQ(threads.stats.refused_links, 1u);
  EXPECT_EQ(threads.stats.bad_thread_index, 1u);
  EXPECT_EQ(threads.stats.thread_index_merges, 1u);
  EXPECT_EQ(threads.stats.subject_merges, 1u);
  EXPECT_EQ(grouping(threads, rows), normalise_grouping("A1 A2 | L1 L2 | G | T1 | T2 T3 | S1 S2"));
}

TEST(ThreadMessages, EmptyCorpus) {
  const Corpus corpus;
  const Threads threads = thread_messages(corpus, default_identities());
  EXPECT_TRUE(threads.threads.empty());
  EXPECT_TRUE(threads.members.empty());
  EXPECT_TRUE(threads.thread_of.empty());
}

TEST(ThreadMessages, IdenticalCorporaGiveIdenticalOutput) {
  const std::vector<Case> cases = all_cases();
  std::vector<Row> rows;
  // All tables in one corpus, each case in its own id space and 100 days apart.
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string prefix = "case" + std::to_string(i) + ".";
    for (Row row : cases[i].rows) {
      row.label = prefix + row.label;
      if (!row.id.empty()) row.id = prefix + row.id;
      if (!row.irt.empty()) row.irt = prefix + row.irt;
      for (auto& ref : row.refs)
        if (!ref.empty()) ref = prefix + ref;
      row.at += days(100) * static_cast<UnixSeconds>(i);
      rows.push_back(row);
    }
  }
  const Corpus first = make_corpus(rows);
  const Corpus second = make_corpus(rows);
  const Threads a = thread_messages(first, default_identities());
  const Threads b = thread_messages(second, default_identities());
  EXPECT_EQ(check_invariants(first, a), "");
  EXPECT_EQ(a.thread_of, b.thread_of);
  EXPECT_EQ(a.members, b.members);
  ASSERT_EQ(a.threads.size(), b.threads.size());
  for (std::size_t t = 0; t < a.threads.size(); ++t) {
    EXPECT_EQ(a.threads[t].members_begin, b.threads[t].members_begin);
    EXPECT_EQ(a.threads[t].members_count, b.threads[t].members_count);
    EXPECT_EQ(first.text(a.threads[t].root_message_id), second.text(b.threads[t].root_message_id));
  }
}

// A generated mailbox mixing every kind of evidence; its grouping must survive any input order.
std::vector<Row> generated_mailbox(std::uint32_t conversations, std::mt19937& random) {
  std::vector<Row> rows;
  std::uniform_int_distribution<int> length(1, 6);
  std::uniform_int_distribution<int> style(0, 5);
  std::uniform_int_distribution<int> customer_of(0, 40);
  std::uniform_int_distribution<int> gap(60, 3 * 86400);
  UnixSeconds clock = 0;
  for (std::uint32_t c = 0; c < conversations; ++c) {
    const std::string customer_address = "k" + std::to_string(customer_of(random)) + "@c.example";
    const std::string subject = "Vorgang " + std::to_string(c % 50);  // subjects repeat
    const int kind = style(random);
    const int messages = length(random);
    std::vector<std::string> chain;
    for (int i = 0; i < messages; ++i) {
      Row row;
      row.label = "m" + std::to_string(rows.size());
      row.id = "c" + std::to_string(c) + "." + std::to_string(i) + "@gen";
      const bool inbound = i % 2 == 0;
      row.from = inbound ? customer_address : me;
      row.to = {inbound ? std::string(me) : customer_address};
      row.subject = i == 0 ? subject : "AW: " + subject;
      clock += gap(random) / (c % 7 + 1) + 1;  // threads interleave, dates stay distinct
      row.at = clock;
      if (i == 0 && kind == 5)  // loop: the first message references the last one
        row.refs = {"c" + std::to_string(c) + "." + std::to_string(messages - 1) + "@gen"};
      if (i > 0) {
        switch (kind) {
          case 0:  // full References
            row.refs = chain;
            row.irt = chain.back();
            break;
          case 1:  // In-Reply-To only
            row.irt = chain.back();
            break;
          case 2:  // Outlook: Thread-Index only
          case 3:  // nothing but the subject
            break;
          case 4:  // replies without Message-ID
            row.irt = chain.back();
            row.id.clear();
            break;
          default:  // a reference to itself, and a duplicate id
            row.refs = {row.id, chain.back()};
            if (i == 2) row.id = chain.back();
            break;
        }
      }
      if (kind == 2) row.thread_index = thread_index(c, i);
      if (!row.id.empty()) chain.push_back(row.id);
      rows.push_back(row);
    }
  }
  return rows;
}

TEST(ThreadMessages, GeneratedMailboxGroupingIsPermutationInvariant) {
  std::mt19937 random(20240611);
  std::vector<Row> rows = generated_mailbox(400, random);
  const Corpus corpus = make_corpus(rows);
  const Threads threads = thread_messages(corpus, default_identities());
  ASSERT_EQ(check_invariants(corpus, threads), "");
  const std::string expected = grouping(threads, rows);
  std::map<std::string, std::string> roots;
  for (std::size_t m = 0; m < rows.size(); ++m)
    roots[rows[m].label] =
        std::string(corpus.text(threads.threads[threads.thread_of[m]].root_message_id));
  EXPECT_GT(threads.stats.thread_index_merges, 0u);
  EXPECT_GT(threads.stats.subject_merges, 0u);
  EXPECT_GT(threads.stats.duplicate_message_ids, 0u);

  for (int round = 0; round < 5; ++round) {
    std::shuffle(rows.begin(), rows.end(), random);
    const Corpus shuffled = make_corpus(rows);
    const Threads again = thread_messages(shuffled, default_identities());
    ASSERT_EQ(check_invariants(shuffled, again), "");
    ASSERT_EQ(grouping(again, rows), expected) << "round " << round;
    for (std::size_t m = 0; m < rows.size(); ++m)
      ASSERT_EQ(shuffled.text(again.threads[again.thread_of[m]].root_message_id),
                roots[rows[m].label])
          << rows[m].label;
  }
}

TEST(ThreadMessages, DeepChainWithLongReferences) {
  // 1000 replies, each listing every ancestor (the corpus keeps the first and the newest 255).
  std::vector<Row> rows;
  std::vector<std::string> chain;
  for (int i = 0; i < 1000; ++i) {
    Row row{.label = "m" + std::to_string(i), .id = "d" + std::to_string(i) + "@x", .at = i};
    row.refs = chain;
    if (!chain.empty()) row.irt = chain.back();
    chain.push_back(row.id);
    rows.push_back(std::move(row));
  }
  const Corpus corpus = make_corpus(rows);
  const Threads threads = thread_messages(corpus, default_identities());
  ASSERT_EQ(threads.threads.size(), 1u);
  EXPECT_EQ(corpus.text(threads.threads[0].root_message_id), "d0@x");
  EXPECT_EQ(threads.stats.refused_links, 0u);
  EXPECT_EQ(check_invariants(corpus, threads), "");
}

TEST(ThreadMessages, VeryLongReferencesOfOneMessage) {
  std::vector<Row> rows = {{.label = "A", .id = "r0@x"},
                           {.label = "P", .id = "r299@x", .at = hours(1)},
                           {.label = "M", .id = "m@x", .at = hours(2)}};
  for (int i = 0; i < 300; ++i) rows[2].refs.push_back("r" + std::to_string(i) + "@x");
  const Corpus corpus = make_corpus(rows);
  const Threads threads = thread_messages(corpus, default_identities());
  EXPECT_EQ(grouping(threads, rows), "A M P");
  EXPECT_EQ(corpus.text(threads.threads[0].root_message_id), "r0@x");
}

}  // namespace
}  // namespace nachfass
