#!/usr/bin/python3
"""Reads the reminders render_samples wrote with python3-icalendar, a parser independent of
libical, and checks what other clients will see. Usage: check_with_python_icalendar.py TOOL."""
import datetime
import os
import subprocess
import sys
import tempfile

import icalendar

UTC = datetime.timezone.utc
DESCRIPTION = "Wartet seit 3 Werktagen.\nKontakt: Jörg Weiß <j.weiss@example.de>"
# name: (key, summary, start as UTC, TZID or None for UTC, alarm expected, completed)
EXPECTED = {
    "de_berlin_summer": ("u-000000000001", "Nachfassen: Müller GmbH – Angebot Q3",
                         datetime.datetime(2026, 7, 14, 7, 0, tzinfo=UTC), "Europe/Berlin",
                         True, False),
    "en_utc": ("u-000000000002", "Follow up: Smith Ltd – Quote Q3",
               datetime.datetime(2026, 1, 14, 8, 0, tzinfo=UTC), None, True, False),
    "de_berlin_winter_completed": ("u-000000000003", "Nachfassen: Bäckerei Groß – Lieferung",
                                   datetime.datetime(2026, 1, 14, 8, 0, tzinfo=UTC),
                                   "Europe/Berlin", False, True),
    "en_berlin_no_alarm": ("u-000000000004", "Follow up: Acme – Renewal",
                           datetime.datetime(2026, 10, 26, 9, 0, tzinfo=UTC), "Europe/Berlin",
                           False, False),
    "de_umlauts_long": ("u-000000000005",
                        "Nachfassen: Öl- & Gasförderung Süd – Übermaß, Änderungen; „Angebot“",
                        datetime.datetime(2026, 3, 30, 6, 30, tzinfo=UTC), "Europe/Berlin",
                        True, False),
}
LOCAL_WALL_CLOCK = {  # the local time written, for the zones with DST
    "de_berlin_summer": datetime.datetime(2026, 7, 14, 9, 0),
    "de_berlin_winter_completed": datetime.datetime(2026, 1, 14, 9, 0),
    "en_berlin_no_alarm": datetime.datetime(2026, 10, 26, 10, 0),
    "de_umlauts_long": datetime.datetime(2026, 3, 30, 8, 30),
}


def check(name, raw, failures):
    def expect(condition, what):
        if not condition:
            failures.append(f"{name}: {what}")

    key, summary, start, tzid, alarm, completed = EXPECTED[name]
    expect(b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CRLF line endings")
    expect(all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines folded at 75 octets")
    calendar = icalendar.Calendar.from_ical(raw)
    expect(str(calendar["VERSION"]) == "2.0", "VERSION 2.0")
    expect(str(calendar["PRODID"]) == "-//Nachfass//Nachfass//EN", "PRODID")
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    zones = [c for c in calendar.walk() if c.name == "VTIMEZONE"]
    expect(len(events) == 1, f"one VEVENT, got {len(events)}")
    if not events:
        return
    event = events[0]
    expect(str(event["UID"]) == key + "@nachfass.reminder", f"UID {event.get('UID')}")
    expect(str(event["X-NACHFASS-KEY"]) == key, f"X-NACHFASS-KEY {event.get('X-NACHFASS-KEY')}")
    expect(str(event["SUMMARY"]) == summary, f"SUMMARY {event.get('SUMMARY')!r}")
    description = str(event.get("DESCRIPTION", ""))
    if name == "de_umlauts_long":
        expect(description == "Grüße aus Köln, äöüß ÄÖÜ – " * 30, "long DESCRIPTION unfolded")
    else:
        expect(description == DESCRIPTION, f"DESCRIPTION {description!r}")
    expect(str(event["URL"]) == "mid:4711@example.de", "URL")
    dtstart = event.decoded("DTSTART")
    dtend = event.decoded("DTEND")
    expect(dtstart.tzinfo is not None, "DTSTART is not floating")
    expect(dtstart.astimezone(UTC) == start, f"DTSTART {dtstart} is {start}")
    expect(dtend.astimezone(UTC) == start + datetime.timedelta(minutes=30), f"DTEND {dtend}")
    if tzid:
        expect(event["DTSTART"].params.get("TZID") == tzid, "DTSTART has TZID=" + tzid)
        expect(dtstart.replace(tzinfo=None) == LOCAL_WALL_CLOCK[name], f"local time {dtstart}")
        expect([str(z["TZID"]) for z in zones] == [tzid], "one VTIMEZONE with TZID " + tzid)
    else:
        expect("TZID" not in event["DTSTART"].params, "UTC DTSTART without TZID")
        expect(event["DTSTART"].to_ical().endswith(b"Z"), "UTC DTSTART ends in Z")
        expect(not zones, "no VTIMEZONE for UTC")
    alarms = [c for c in event.walk() if c.name == "VALARM"]
    expect(len(alarms) == (1 if alarm else 0), f"VALARM count {len(alarms)}")
    for valarm in alarms:
        expect(str(valarm["ACTION"]) == "DISPLAY", "ACTION:DISPLAY")
        expect(valarm.decoded("TRIGGER") == datetime.timedelta(minutes=-30), "TRIGGER -PT30M")
    categories = event.get("CATEGORIES")
    categories = categories if isinstance(categories, list) else [categories]
    names = [str(c) for item in categories for c in getattr(item, "cats", [item])]
    expect(names == ["Nachfass", "Unbeantwortet"], f"CATEGORIES {names}")
    expect(str(event["X-NACHFASS-STATE"]) == ("completed" if completed else "open"), "STATE")
    expect(str(event["TRANSP"]) == ("TRANSPARENT" if completed else "OPAQUE"), "TRANSP")
    expect(str(event["STATUS"]) == "CONFIRMED", "STATUS")


def main():
    tool = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([tool, directory], check=True)
        written = sorted(f[:-4] for f in os.listdir(directory) if f.endswith(".ics"))
        if written != sorted(EXPECTED):
            failures.append(f"files {written}, expected {sorted(EXPECTED)}")
        for name in written:
            if name in EXPECTED:
                with open(os.path.join(directory, name + ".ics"), "rb") as f:
                    check(name, f.read(), failures)
    for failure in failures:
        print("FAIL", failure)
    print(f"{len(EXPECTED)} reminders checked with icalendar {icalendar.__version__}:",
          "ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
