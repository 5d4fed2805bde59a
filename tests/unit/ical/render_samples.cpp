// Writes reminders rendered by nachfass_ical to DIR/<case>.ics for check_with_python_icalendar.py,
// which reads them with an independent parser (python3-icalendar). The cases here and the
// expectations there are kept in step by name.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "caldav/ical/ical.hpp"
#include "ical_test_util.hpp"

namespace {

using nachfass::ReminderEvent;
using nachfass::ical::test::utc;

struct Sample {
  std::string name;
  ReminderEvent event;
};

ReminderEvent reminder(std::string key, std::string summary, nachfass::UnixSeconds start,
                       std::string zone) {
  ReminderEvent event;
  event.key = std::move(key);
  event.uid = nachfass::reminder_uid(event.key);
  event.start = start;
  event.end = start + 30 * 60;
  event.time_zone = std::move(zone);
  event.summary = std::move(summary);
  event.description = "Wartet seit 3 Werktagen.\nKontakt: Jörg Weiß <j.weiss@example.de>";
  event.url = "mid:4711@example.de";
  event.categories = {"Nachfass", "Unbeantwortet"};
  event.alarm_minutes_before = 30;
  return event;
}

std::vector<Sample> samples() {
  std::vector<Sample> result;
  result.push_back(
      {"de_berlin_summer", reminder("u-000000000001", "Nachfassen: Müller GmbH – Angebot Q3",
                                    utc(2026, 7, 14, 7, 0), "Europe/Berlin")});
  result.push_back({"en_utc", reminder("u-000000000002", "Follow up: Smith Ltd – Quote Q3",
                                       utc(2026, 1, 14, 8, 0), "")});
  Sample completed{"de_berlin_winter_completed",
                   reminder("u-000000000003", "Nachfassen: Bäckerei Groß – Lieferung",
                            utc(2026, 1, 14, 8, 0), "Europe/Berlin")};
  completed.event.completed = true;
  result.push_back(completed);
  Sample no_alarm{"en_berlin_no_alarm", reminder("u-000000000004", "Follow up: Acme – Renewal",
                                                 utc(2026, 10, 26, 9, 0), "Europe/Berlin")};
  no_alarm.event.alarm_minutes_before = -1;
  result.push_back(no_alarm);
  Sample long_text{"de_umlauts_long", reminder("u-000000000005",
                                               "Nachfassen: Öl- & Gasförderung Süd – Übermaß, "
                                               "Änderungen; „Angebot“",
                                               utc(2026, 3, 30, 6, 30), "Europe/Berlin")};
  long_text.event.description.clear();
  for (int i = 0; i < 30; ++i) long_text.event.description += "Grüße aus Köln, äöüß ÄÖÜ – ";
  result.push_back(long_text);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  for (const Sample& sample : samples()) {
    const auto text = nachfass::ical::render_reminder(sample.event, utc(2026, 1, 1, 12, 0));
    if (!text) {
      std::fprintf(stderr, "%s: %s\n", sample.name.c_str(), text.error().to_string().c_str());
      return 1;
    }
    std::ofstream out(std::string(argv[1]) + "/" + sample.name + ".ics", std::ios::binary);
    out << *text;
    if (!out) {
      std::fprintf(stderr, "%s: cannot write\n", sample.name.c_str());
      return 1;
    }
  }
  return 0;
}
