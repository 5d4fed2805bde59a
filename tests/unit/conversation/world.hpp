// A small mailbox for the conversation detectors (quiet, stalled, absence): messages with bodies,
// the user's calendar items, a directory built from the mail and a config entry per company, and
// the business calendar of a Bavarian office (Europe/Berlin, 08:00-17:00, DE-BY holidays).
#pragma once

#include <date/tz.h>

#include <map>
#include <string>
#include <vector>

#include "core/detect.hpp"

namespace nachfass::test {

inline constexpr UnixSeconds hour = 3600;
inline constexpr UnixSeconds day = 24 * hour;

// A local wall-clock time in Berlin as an instant.
inline UnixSeconds berlin(int y, unsigned m, unsigned d, int hh = 9, int mm = 0) {
  const auto local = date::local_days{date::year{y} / date::month{m} / date::day{d}} +
                     std::chrono::hours{hh} + std::chrono::minutes{mm};
  return date::locate_zone("Europe/Berlin")
      ->to_sys(local, date::choose::earliest)
      .time_since_epoch()
      .count();
}

inline const BusinessCalendar& berlin_calendar() {
  static const BusinessCalendar calendar(date::locate_zone("Europe/Berlin"), BusinessHours{},
                                         *HolidayRegion::parse("DE-BY"), {});
  return calendar;
}

// Bodies by message index; counts every read, so tests can check who reads texts.
class MapTexts final : public MessageTexts {
 public:
  std::map<MessageIndex, std::string> bodies;
  mutable std::vector<MessageIndex> reads;
  std::string_view body(MessageIndex index) const override {
    reads.push_back(index);
    auto it = bodies.find(index);
    return it == bodies.end() ? std::string_view{} : std::string_view(it->second);
  }
};

struct Mail {
  Mail(std::string id_, std::string from_, std::vector<std::string> to_, UnixSeconds date_,
       std::string subject_, std::string body_ = {}, std::string reply_to_ = {},
       Automation automation_ = Automation::none)
      : id(std::move(id_)),
        from(std::move(from_)),
        to(std::move(to_)),
        date(date_),
        subject(std::move(subject_)),
        body(std::move(body_)),
        reply_to(std::move(reply_to_)),
        automation(automation_) {}

  std::string id;               // Message-ID
  std::string from;             // address
  std::vector<std::string> to;  // addresses
  UnixSeconds date = 0;
  std::string subject;
  std::string body;
  std::string reply_to;  // In-Reply-To and References (the parent's id)
  Automation automation = Automation::none;
  std::vector<std::string> cc;
  std::string from_name;
};

class World {
 public:
  Identities identities{{"anna@example.com"}, {"example.com"}};
  Corpus corpus;
  MapTexts texts;
  std::vector<CalendarItem> calendar_items;
  DirectoryInput directory_input;
  Rules rules;
  UnansweredRule unanswered{2 * 9 * hour};

  World() {
    directory_input.tiers = default_tiers(9 * hour);
    rules.stalled = default_stalled_settings();
    rules.absence = default_absence_settings();
  }

  void company(const std::string& name, const std::string& domain, const std::string& tier = {},
               bool ignore = false) {
    CustomerEntry entry;
    entry.name = name;
    entry.domains = {domain};
    entry.tier = tier;
    if (ignore) entry.ignore = true;
    entry.origin = "test";
    directory_input.configured.push_back(std::move(entry));
  }

  MessageIndex add(const Mail& mail) {
    Message m;
    m.source_id = "box/" + std::to_string(corpus.size());
    m.message_id = mail.id;
    m.in_reply_to = mail.reply_to;
    if (!mail.reply_to.empty()) m.references = {mail.reply_to};
    m.subject = mail.subject;
    m.from = {mail.from, mail.from_name};
    for (const std::string& t : mail.to) m.to.push_back({t, ""});
    for (const std::string& c : mail.cc) m.cc.push_back({c, ""});
    m.date = mail.date;
    m.automation = mail.automation;
    m.folder_role = identities.is_own(mail.from) ? FolderRole::sent : FolderRole::inbox;
    const MessageIndex index = corpus.add(m);
    if (!mail.body.empty()) texts.bodies[index] = mail.body;
    return index;
  }

  // A customer's mail to the user.
  MessageIndex in(const std::string& id, const std::string& from, UnixSeconds date,
                  const std::string& subject, const std::string& reply_to = {},
                  const std::string& body = {}) {
    return add({id, from, {"anna@example.com"}, date, subject, body, reply_to});
  }
  // The user's mail to a customer.
  MessageIndex out(const std::string& id, const std::string& to, UnixSeconds date,
                   const std::string& subject, const std::string& reply_to = {},
                   const std::string& body = {}) {
    return add({id, "anna@example.com", {to}, date, subject, body, reply_to});
  }

  using Detector = std::vector<Finding> (*)(const DetectionInput&);
  std::vector<Finding> run(Detector detector, UnixSeconds now, Language language = Language::de) {
    threads_ = thread_messages(corpus, identities);
    directory_ = build_directory(corpus, identities, directory_input);
    texts.reads.clear();
    const DetectionInput input{corpus,          threads_, identities,
                               directory_,      berlin_calendar(),
                               rules,           texts,    unanswered,
                               {},              calendar_items,
                               now,             language};
    return detector(input);
  }

  const Directory& directory() const { return directory_; }

 private:
  Threads threads_;
  Directory directory_;
};

}  // namespace nachfass::test
