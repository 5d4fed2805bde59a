#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gen/generator.hpp"

namespace nachfass::gen {

namespace {

// JSON string literal; the input is UTF-8 and is passed through, control characters escaped.
void quoted(std::ostream& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(text.size() + 2);
  s += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        s += "\\\"";
        break;
      case '\\':
        s += "\\\\";
        break;
      case '\n':
        s += "\\n";
        break;
      case '\r':
        s += "\\r";
        break;
      case '\t':
        s += "\\t";
        break;
      default:
        if (c < 0x20) {
          s += "\\u00";
          s += hex[c >> 4];
          s += hex[c & 15];
        } else {
          s += static_cast<char>(c);
        }
    }
  }
  s += '"';
  out << s;
}

void awaiting_list(std::ostream& out, const std::vector<AwaitingReply>& list) {
  out << "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const AwaitingReply& a = list[i];
    out << (i == 0 ? "\n    " : ",\n    ") << "{\"thread_root\": ";
    quoted(out, a.thread_root);
    out << ", \"awaiting\": ";
    quoted(out, a.awaiting);
    out << ", \"contact\": ";
    quoted(out, a.contact);
    out << ", \"contact_name\": ";
    quoted(out, a.contact_name);
    out << ", \"customer\": ";
    quoted(out, a.customer);
    out << ", \"customer_domain\": ";
    quoted(out, a.customer_domain);
    out << ", \"subject\": ";
    quoted(out, a.subject);
    out << ", \"since\": ";
    quoted(out, format_iso_utc(a.since));
    out << "}";
  }
  out << (list.empty() ? "]" : "\n  ]");
}

void field(std::ostream& out, std::string_view name, std::string_view value, bool first = false) {
  out << (first ? "" : ", ") << "\"" << name << "\": ";
  quoted(out, value);
}

template <typename T, typename F>
void list(std::ostream& out, std::string_view name, const std::vector<T>& items, F&& write) {
  out << ",\n  \"" << name << "\": [";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out << (i == 0 ? "\n    {" : ",\n    {");
    write(items[i]);
    out << "}";
  }
  out << (items.empty() ? "]" : "\n  ]");
}

}  // namespace

void write_truth_json(const GroundTruth& truth, std::ostream& out) {
  const GeneratorOptions& o = truth.options;
  const TruthCounts& c = truth.counts;
  out << "{\n  \"generator\": {\"name\": \"nachfass-gen\", \"version\": 1, \"seed\": " << o.seed
      << ", \"messages\": " << o.messages << ", \"companies\": " << o.companies << ", \"now\": ";
  quoted(out, format_iso_utc(o.now));
  out << ", \"bodies\": " << (o.bodies ? "true" : "false") << "},\n";
  out << "  \"now\": ";
  quoted(out, format_iso_utc(o.now));
  out << ",\n  \"user\": {\"name\": ";
  const UserIdentity& user = user_identity();
  quoted(out, user.name);
  out << ", \"addresses\": [";
  for (std::size_t i = 0; i < user.addresses.size(); ++i) {
    if (i > 0) out << ", ";
    quoted(out, user.addresses[i]);
  }
  out << "], \"own_domains\": [";
  for (std::size_t i = 0; i < user.own_domains.size(); ++i) {
    if (i > 0) out << ", ";
    quoted(out, user.own_domains[i]);
  }
  out << "]},\n";
  out << "  \"rules\": {\"overdue_min_age_days\": 10, \"fresh_max_age_hours\": 20},\n";
  out << "  \"counts\": {\"messages\": " << c.messages << ", \"inbox\": " << c.inbox
      << ", \"sent\": " << c.sent << ", \"threads\": " << c.threads
      << ", \"duplicates\": " << c.duplicates << ", \"automated\": " << c.automated
      << ", \"customer_threads\": " << c.customer_threads
      << ", \"internal_threads\": " << c.internal_threads << ", \"unanswered\": " << c.unanswered
      << ", \"fresh\": " << c.fresh << ", \"missing_message_id\": " << c.missing_message_id
      << ", \"subject_only_replies\": " << c.subject_only_replies
      << ", \"thread_index_only_replies\": " << c.thread_index_only_replies
      << ", \"stalled\": " << c.stalled << ", \"not_stalled\": " << c.not_stalled
      << ", \"lapsing\": " << c.lapsing << ", \"lapsing_not_due\": " << c.lapsing_not_due
      << ", \"lapsing_unsure\": " << c.lapsing_unsure << ", \"quiet\": " << c.quiet
      << ", \"quiet_active\": " << c.quiet_active << ", \"quiet_unsure\": " << c.quiet_unsure
      << ", \"absences\": " << c.absences << ", \"absence_findings\": " << c.absence_findings
      << ", \"absence_unsure\": " << c.absence_unsure << "},\n";
  out << "  \"unanswered\": ";
  awaiting_list(out, truth.unanswered);
  out << ",\n  \"fresh\": ";
  awaiting_list(out, truth.fresh);
  list(out, "stalled", truth.stalled, [&](const StalledTruth& t) {
    field(out, "thread_root", t.thread_root, true);
    field(out, "awaiting", t.awaiting);
    field(out, "customer_domain", t.customer_domain);
    field(out, "text", t.text_class);
    field(out, "since", format_iso_utc(t.since));
    field(out, "label", to_string(t.label));
  });
  list(out, "engagements", truth.engagements, [&](const EngagementTruth& t) {
    field(out, "rule", t.rule, true);
    field(out, "customer_domain", t.customer_domain);
    field(out, "start_message_id", t.start_message_id);
    field(out, "started", format_iso_utc(t.started));
    field(out, "ends", t.ends);
    field(out, "event_day", t.event_day);
    field(out, "follow_up", t.follow_up);
    field(out, "state", t.state);
    field(out, "label", to_string(t.label));
  });
  list(out, "quiet", truth.quiet, [&](const QuietTruth& t) {
    field(out, "customer", t.customer, true);
    out << ", \"contact_days\": " << t.contact_days << ", \"exchanges\": " << t.exchanges
        << ", \"median_gap\": " << t.median_gap << ", \"p90_gap\": " << t.p90_gap
        << ", \"threshold_days\": " << t.threshold_days
        << ", \"silence_days\": " << t.silence_days;
    field(out, "last_contact", format_iso_utc(t.last_contact));
    field(out, "label", to_string(t.label));
  });
  list(out, "absences", truth.absences, [&](const AbsenceTruth& t) {
    field(out, "first_day", t.first_day, true);
    field(out, "last_day", t.last_day);
    field(out, "return_day", t.return_day);
    field(out, "label", to_string(t.label));
    out << ", \"items\": [";
    for (std::size_t i = 0; i < t.items.size(); ++i) {
      const AbsenceItemTruth& item = t.items[i];
      out << (i == 0 ? "{" : ", {");
      field(out, "thread_root", item.thread_root, true);
      field(out, "arrived", format_iso_utc(item.arrived));
      field(out, "answered", item.answered ? format_iso_utc(item.answered) : "");
      out << ", \"in_digest\": " << (item.in_digest ? "true" : "false") << "}";
    }
    out << "]";
  });
  if (truth.has_threads) {
    out << ",\n  \"threads\": [";
    for (std::size_t i = 0; i < truth.threads.size(); ++i) {
      const ThreadTruth& t = truth.threads[i];
      out << (i == 0 ? "\n    " : ",\n    ") << "{\"kind\": ";
      quoted(out, to_string(t.kind));
      out << ", \"root\": ";
      quoted(out, t.root);
      out << ", \"source_ids\": [";
      for (std::size_t k = 0; k < t.source_ids.size(); ++k) {
        if (k > 0) out << ", ";
        quoted(out, t.source_ids[k]);
      }
      out << "], \"message_ids\": [";
      for (std::size_t k = 0; k < t.message_ids.size(); ++k) {
        if (k > 0) out << ", ";
        quoted(out, t.message_ids[k]);
      }
      out << "]}";
    }
    out << (truth.threads.empty() ? "]" : "\n  ]");
  }
  out << "\n}\n";
}

}  // namespace nachfass::gen
