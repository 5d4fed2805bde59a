// What people write about: sales topics with subject patterns and sentences, German and English.
// Slots in braces ({product}, {quote}, ...) are filled from Details.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace nachfass::gen {

struct Details {
  std::string product;
  std::string quote;     // AN-2026-04817
  std::string invoice;   // RE-2026-10482
  std::string order;     // 4500123456
  std::string delivery;  // LS-2611234
  std::string contract;  // WV-20931
  std::string date;      // 12.12.2026 / 12 December 2026
  std::string qty;
  std::string year;
  std::string customer;  // company (or person) name
  std::string city;
  std::string ticket;
  std::string week;       // calendar week number
  std::string month;      // "November"
  std::string colleague;  // first name of a colleague
  std::string thing;      // the topic's noun phrase, filled
};

std::string fill(std::string_view pattern, const Details& details);

struct Topic {
  std::string_view subject_de, subject_en;
  std::string_view thing_de, thing_en;    // noun phrase for follow-up sentences
  std::string_view ask_de, ask_en;        // the customer's opening
  std::string_view answer_de, answer_en;  // our first answer
  std::string_view offer_de, offer_en;    // our opening when we start the thread
};
std::span<const Topic> customer_topics();

struct InternalTopic {
  std::string_view subject;
  std::string_view text;
  std::string_view reply;
};
std::span<const InternalTopic> internal_topics();

std::span<const std::string_view> products_de();
std::span<const std::string_view> products_en();

// Sentence pools (patterns).
std::span<const std::string_view> customer_replies(bool german);
std::span<const std::string_view> customer_reminders(bool german);
std::span<const std::string_view> our_replies(bool german);
std::span<const std::string_view> our_follow_ups(bool german);
std::span<const std::string_view> newsletter_headlines(bool german);

// Our last word in a thread, chosen deliberately (the stalled detector reads it): texts that
// expect an answer (an offer, a question, a proposed date), and texts that close the matter.
std::span<const std::string_view> expects_answer_texts(bool german);
std::span<const std::string_view> closing_texts(bool german);
// A customer announcing a pause, and our answer to it.
std::span<const std::string_view> pause_requests(bool german);
std::span<const std::string_view> pause_replies(bool german);

}  // namespace nachfass::gen
