#!/usr/bin/env python3
"""`nachfass run` end to end against the harness's real Radicale (and Xandikos): findings become
reminders in free working-hour slots; a second run writes nothing; an answered thread removes its
reminder; events Nachfass did not create are never touched; SIGKILL at several points of the
reconciliation followed by a rerun gives exactly the desired set; a deleted calendar is repaired.

What is on the server is read back by an independent client (urllib + xml.etree) and parsed with
python3-icalendar.

Environment: NACHFASS_BIN, NACHFASS_GEN, NACHFASS_SOURCE_DIR, NACHFASS_SERVERS_DIR.
"""
import base64
import datetime
import http.client
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zoneinfo

import icalendar

from servers_env import server_env

BIN = os.environ["NACHFASS_BIN"]
GEN = os.environ["NACHFASS_GEN"]
SOURCE = os.environ["NACHFASS_SOURCE_DIR"]
SERVERS = os.environ["NACHFASS_SERVERS_DIR"]
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Room for every finding of the test mailbox (all five kinds) within the placement horizon.
MAX_PER_DAY = 16
NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav"}


class Dav:
    """A small independent CalDAV client for checking what the server holds."""

    def __init__(self, user=None, password=None):
        self.auth = None
        if user:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self.auth = f"Basic {token}"

    def request(self, method, url, body=None, headers=None):
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        h = dict(headers or {})
        if self.auth:
            h["Authorization"] = self.auth
        conn.request(method, parts.path, body=body.encode() if isinstance(body, str) else body,
                     headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, dict(r.getheaders()), data

    def events(self, calendar_url):
        """href -> (etag, icalendar.Calendar, raw text) of every event in the calendar."""
        body = ('<?xml version="1.0" encoding="utf-8"?>'
                '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
                '<d:prop><d:getetag/><c:calendar-data/></d:prop>'
                '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/>'
                '</c:comp-filter></c:filter></c:calendar-query>')
        status, _, data = self.request("REPORT", calendar_url, body,
                                       {"Depth": "1", "Content-Type": "application/xml"})
        if status == 404:
            return {}
        assert status == 207, (status, data[:300])
        out = {}
        for response in ET.fromstring(data).findall("d:response", NS):
            href = response.findtext("d:href", namespaces=NS)
            etag = response.findtext(".//d:getetag", namespaces=NS)
            text = response.findtext(".//c:calendar-data", namespaces=NS)
            if text:
                out[href] = (etag, icalendar.Calendar.from_ical(text), text)
        return out

    def mkcalendar(self, url, name):
        body = ('<?xml version="1.0" encoding="utf-8"?>'
                '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set>'
                f'<d:prop><d:displayname>{name}</d:displayname></d:prop></d:set></c:mkcalendar>')
        status, _, data = self.request("MKCALENDAR", url, body,
                                       {"Content-Type": "application/xml"})
        assert status in (201, 405), (status, data[:300])  # 405: exists already

    def put(self, url, text):
        status, headers, data = self.request("PUT", url, text,
                                             {"Content-Type": "text/calendar; charset=utf-8"})
        assert status in (201, 204), (status, data[:300])
        return headers.get("ETag") or headers.get("Etag")

    def delete(self, url):
        return self.request("DELETE", url)[0]

    def remove_collections(self, home_url, name_prefixes):
        """Deletes the collections under home_url whose display name starts with a prefix."""
        body = ('<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>'
                '<d:displayname/></d:prop></d:propfind>')
        status, _, data = self.request("PROPFIND", home_url, body,
                                       {"Depth": "1", "Content-Type": "application/xml"})
        if status != 207:
            return
        parts = urllib.parse.urlsplit(home_url)
        for response in ET.fromstring(data).findall("d:response", NS):
            href = response.findtext("d:href", namespaces=NS) or ""
            name = response.findtext(".//d:displayname", namespaces=NS) or ""
            if href.rstrip("/") != parts.path.rstrip("/") and name.startswith(name_prefixes):
                self.delete(f"{parts.scheme}://{parts.netloc}{href}")


def reminders_on_server(dav, calendar_url):
    """key -> list of (href, VEVENT) of the events carrying X-NACHFASS-KEY."""
    out = {}
    for href, (_, cal, _) in dav.events(calendar_url).items():
        for event in cal.walk("VEVENT"):
            key = event.get("X-NACHFASS-KEY")
            if key:
                out.setdefault(str(key), []).append((href, event))
    return out


def as_berlin(value):
    value = value.dt
    if value.tzinfo is None:
        raise AssertionError(f"floating time {value}")
    return value.astimezone(BERLIN)


class KillingProxy(http.server.ThreadingHTTPServer):
    """Forwards HTTP to the calendar server; SIGKILLs `pid` at the n-th PUT/DELETE, either
    before forwarding it (the server never sees it) or after the server answered (the client
    never learns it succeeded)."""

    daemon_threads = True

    def __init__(self, upstream):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.pid = None
        self.kill_at = None
        self.after = False
        self.writes = 0
        self.requests = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ProxyHandler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        proxy = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        with proxy.lock:
            proxy.requests += 1
            kill = False
            if self.command in ("PUT", "DELETE"):
                proxy.writes += 1
                kill = proxy.kill_at is not None and proxy.writes == proxy.kill_at
        if kill and not proxy.after:
            os.kill(proxy.pid, signal.SIGKILL)
            self.close_connection = True
            return
        conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        if kill:
            os.kill(proxy.pid, signal.SIGKILL)
            self.close_connection = True
            return
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCALENDAR = do_OPTIONS = \
        handle_any


class RunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = server_env(SERVERS)
        cls.work = tempfile.mkdtemp(prefix="nachfass-run-")
        cls.mailbox = os.path.join(cls.work, "gen")
        subprocess.run([GEN, "--out", cls.mailbox, "--messages", "3000", "--seed", "5",
                        "--no-bodies"], check=True, capture_output=True)
        with open(os.path.join(cls.mailbox, "truth.json"), encoding="utf-8") as f:
            truth = json.load(f)
        cls.now = truth["now"]
        cls.expected_keys = None  # filled by the first findings listing
        cls.radicale = Dav(cls.env["NACHFASS_DAV_USER"], cls.env["NACHFASS_DAV_PASSWORD"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="case-", dir=self.work)
        self.calendar_name = "Nachfass " + self.id().rsplit(".", 1)[-1]
        # Every test starts from a home without the calendars earlier tests made: their
        # reminders would be the user's busy time here (a mailbox gives ~140 findings).
        home = self.env["NACHFASS_DAV_URL"] + self.env["NACHFASS_DAV_USER"] + "/"
        self.radicale.remove_collections(home, ("Nachfass", "Arbeit"))

    def maildir_copy(self):
        target = os.path.join(self.dir, "maildir")
        shutil.copytree(os.path.join(self.mailbox, "maildir"), target)
        return target

    def config(self, url=None, password_env="NACHFASS_TEST_DAV_PASSWORD", username=None,
               extra=""):
        with open(os.path.join(self.mailbox, "nachfass.toml"), encoding="utf-8") as f:
            base = f.read()
        url = url or self.env["NACHFASS_DAV_URL"]
        lines = [base, "", "[calendar]", 'provider = "caldav"', f'url = "{url}"',
                 f'calendar = "{self.calendar_name}"', "reminder_minutes = 30",
                 f"max_per_day = {MAX_PER_DAY}"]
        if username is None:
            username = self.env["NACHFASS_DAV_USER"]
        if username:
            lines += [f'username = "{username}"', f'password_env = "{password_env}"']
        path = os.path.join(self.dir, "nachfass.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n" + extra)
        return path

    def command(self, config, *args, maildir=None, now=None):
        source = [] if args and args[0] == "reminders" else ["--maildir", maildir or self.maildir]
        return [BIN, "--config", config, "--state", os.path.join(self.dir, "state.db"),
                "--now", now or self.now, *args, *source]

    def run_cli(self, config, *args, password=None, maildir=None, now=None):
        env = dict(os.environ, HOME=self.dir,
                   NACHFASS_TEST_DAV_PASSWORD=password or self.env["NACHFASS_DAV_PASSWORD"])
        return subprocess.run(self.command(config, *args, maildir=maildir, now=now),
                              capture_output=True, text=True, env=env, timeout=300)

    def run_json(self, config, *args, **kwargs):
        r = self.run_cli(config, "run", "--json", *args, **kwargs)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def open_keys(self, config):
        r = subprocess.run([BIN, "--config", config, "--state",
                            os.path.join(self.dir, "keys.db"), "--now", self.now, "scan",
                            "--json", "--maildir", self.maildir], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return {f["key"] for f in json.loads(r.stdout)}

    def assert_placement(self, reminders, busy=()):
        slots = []
        per_day = {}
        for key, items in reminders.items():
            (href, event), = items
            start, end = as_berlin(event["DTSTART"]), as_berlin(event["DTEND"])
            self.assertEqual(end - start, datetime.timedelta(minutes=30), key)
            self.assertLess(start.weekday(), 5, f"{key} on a weekend: {start}")
            self.assertGreaterEqual(start.time(), datetime.time(8, 0), key)
            self.assertLessEqual(end.time(), datetime.time(17, 0), key)
            self.assertIn(str(event.get("UID")), (f"{key}@nachfass.reminder",))
            self.assertTrue(str(event.get("SUMMARY")).startswith("Nachfassen: "), event)
            if key[0] in "us":  # about one message: the link opens it (Thunderbird)
                self.assertIn("mid:", str(event.get("DESCRIPTION")) + str(event.get("URL", "")))
            self.assertTrue(any(c.name == "VALARM" for c in event.subcomponents), key)
            per_day[start.date()] = per_day.get(start.date(), 0) + 1
            slots.append((start, end))
            for b_start, b_end in busy:
                self.assertFalse(start < b_end and b_start < end,
                                 f"{key} at {start} overlaps a busy event {b_start}-{b_end}")
        slots.sort()
        for (s1, e1), (s2, e2) in zip(slots, slots[1:]):
            self.assertLessEqual(e1, s2, "two reminders overlap")
        self.assertLessEqual(max(per_day.values()), MAX_PER_DAY, per_day)

    # ---- the tests

    def test_run_places_reminders_and_a_second_run_writes_nothing(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        config = self.config()
        expected = self.open_keys(config)
        self.assertGreater(len(expected), 10)

        dry = self.run_json(config, "--dry-run")
        self.assertEqual(dry["reminders"]["created"], len(expected))
        self.assertEqual({a["key"] for a in dry["actions"]}, expected)

        first = self.run_json(config)
        self.assertEqual(first["reminders"]["created"], len(expected))
        calendar = first["calendar"]
        self.assertTrue(calendar.endswith("/"), calendar)
        on_server = reminders_on_server(self.radicale, calendar)
        self.assertEqual(set(on_server), expected)
        self.assert_placement(on_server)

        second = self.run_json(config)
        r = second["reminders"]
        self.assertEqual((r["created"], r["updated"], r["removed"], r["completed"]), (0, 0, 0, 0))
        self.assertLessEqual(r["requests"], 2)
        self.assertEqual(r["unchanged"], len(expected))

        listing = self.run_cli(config, "reminders", "--json")
        self.assertEqual(listing.returncode, 0, listing.stderr)
        rows = json.loads(listing.stdout)
        self.assertEqual({row["key"] for row in rows}, expected)
        self.assertTrue(all(row["state"] == "active" for row in rows))

    def test_answered_thread_removes_its_reminder(self):
        self.maildir = self.maildir_copy()
        config = self.config()
        first = self.run_json(config)
        calendar = first["calendar"]
        findings = {f["key"]: f for f in json.loads(self.run_cli(config, "scan", "--json").stdout)}
        # The reminder furthest ahead: still to come, so answering the thread removes it (one
        # already due would be kept and marked done instead).
        rows = json.loads(self.run_cli(config, "reminders", "--json").stdout)
        target = findings[max(rows, key=lambda row: row["start"])["key"]]
        # Anna answers the awaited mail.
        reply = (f"From: Anna Vogel <anna.vogel@example.com>\r\nTo: <{target['contact']}>\r\n"
                 f"Subject: Re: {target['subject']}\r\n"
                 f"Message-ID: <answer-{uuid.uuid4().hex}@example.com>\r\n"
                 f"In-Reply-To: <{target['awaiting']}>\r\nReferences: <{target['awaiting']}>\r\n"
                 "Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n\r\nErledigt.\r\n")
        sent = os.path.join(self.maildir, ".Sent", "cur")
        os.makedirs(sent, exist_ok=True)
        with open(os.path.join(sent, f"1795000000.answer.host:2,S"), "w") as f:
            f.write(reply)
        second = self.run_json(config)
        self.assertEqual(second["reminders"]["removed"], 1, second)
        on_server = reminders_on_server(self.radicale, calendar)
        self.assertNotIn(target["key"], on_server)
        self.assertEqual(len(on_server), first["reminders"]["created"] - 1)

    def test_foreign_events_are_never_touched_and_busy_time_is_respected(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        config = self.config()
        expected = sorted(self.open_keys(config))
        home = self.env["NACHFASS_DAV_URL"] + self.env["NACHFASS_DAV_USER"] + "/"
        # The user's own calendar: busy every working morning.
        other = home + f"arbeit-{uuid.uuid4().hex[:8]}/"
        self.radicale.mkcalendar(other, "Arbeit")
        busy_event = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
                      f"UID:{uuid.uuid4()}\r\nDTSTAMP:20261101T000000Z\r\n"
                      "DTSTART;TZID=Europe/Berlin:20261102T080000\r\n"
                      "DTEND;TZID=Europe/Berlin:20261102T120000\r\n"
                      "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\n"
                      "SUMMARY:Kundentermine\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        self.radicale.put(other + "mornings.ics", busy_event)
        # The first run creates the Nachfass calendar; then someone puts look-alikes into it.
        first = self.run_json(config)
        calendar = first["calendar"]
        lookalike = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\n"
                     f"UID:{uuid.uuid4()}\r\nDTSTAMP:20261101T000000Z\r\n"
                     "DTSTART:20261124T150000Z\r\nDTEND:20261124T153000Z\r\n"
                     f"X-NACHFASS-KEY:{expected[0]}\r\nSUMMARY:Nachfassen: not ours\r\n"
                     "END:VEVENT\r\nEND:VCALENDAR\r\n")
        self.radicale.put(calendar + "lookalike.ics", lookalike)
        stray = (lookalike.replace(expected[0], "u-000000000000").replace("not ours", "stray")
                 .replace(lookalike.split("UID:")[1].split("\r\n")[0], str(uuid.uuid4())))
        self.radicale.put(calendar + "stray.ics", stray)
        before = {h: v for h, v in self.radicale.events(calendar).items()
                  if h.endswith(("lookalike.ics", "stray.ics"))}
        self.assertEqual(len(before), 2)
        # Everything resolves (the thread answered, a later day): Nachfass cleans up its own only.
        empty = os.path.join(self.dir, "empty")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(empty, sub))
        self.run_json(config)
        self.run_json(config, maildir=empty)
        after = self.radicale.events(calendar)
        for href, (etag, _, text) in before.items():
            self.assertIn(href, after)
            self.assertEqual(after[href][0], etag)
            self.assertEqual(after[href][2], text)
        # The busy mornings were respected in the first placement.
        mornings = []
        day = datetime.date(2026, 11, 23)
        for i in range(90):
            d = day + datetime.timedelta(days=i)
            if d.weekday() < 5:
                mornings.append((datetime.datetime.combine(d, datetime.time(8), BERLIN),
                                 datetime.datetime.combine(d, datetime.time(12), BERLIN)))
        # Re-run from scratch in a fresh state to look at a placement with the busy calendar.
        self.calendar_name += " 2"
        config2 = self.config()
        fresh = self.run_json(config2)
        placed = reminders_on_server(self.radicale, fresh["calendar"])
        self.assertEqual(set(placed), set(expected))
        self.assert_placement(placed, busy=mornings)

    def test_sigkill_during_reconciliation_then_rerun_gives_exactly_the_desired_set(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        expected = None
        for kill_at, after in ((1, False), (1, True), (5, False), (9, True), (14, False)):
            with self.subTest(kill_at=kill_at, after=after):
                self.dir = tempfile.mkdtemp(prefix="kill-", dir=self.work)
                self.calendar_name = f"Nachfass kill {kill_at} {after}"
                self.radicale.remove_collections(
                    self.env["NACHFASS_DAV_URL"] + self.env["NACHFASS_DAV_USER"] + "/",
                    ("Nachfass",))
                proxy = KillingProxy(self.env["NACHFASS_DAV_URL"])
                thread = threading.Thread(target=proxy.serve_forever, daemon=True)
                thread.start()
                try:
                    config = self.config(url=proxy.url)
                    if expected is None:
                        expected = self.open_keys(config)
                    env = dict(os.environ, HOME=self.dir,
                               NACHFASS_TEST_DAV_PASSWORD=self.env["NACHFASS_DAV_PASSWORD"])
                    proc = subprocess.Popen(self.command(config, "run", "--json"), env=env,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    proxy.pid = proc.pid
                    proxy.kill_at = kill_at + 0  # PUT/DELETE count at which to kill
                    proxy.after = after
                    proc.communicate(timeout=300)
                    self.assertEqual(proc.returncode, -signal.SIGKILL)
                    proxy.kill_at = None
                    again = self.run_json(config)
                    calendar = again["calendar"]
                    on_server = reminders_on_server(self.radicale, calendar.replace(
                        proxy.url, self.env["NACHFASS_DAV_URL"]))
                    self.assertEqual(set(on_server), expected)
                    duplicates = {k: len(v) for k, v in on_server.items() if len(v) != 1}
                    self.assertEqual(duplicates, {})
                    third = self.run_json(config)
                    r = third["reminders"]
                    self.assertEqual((r["created"], r["updated"], r["removed"]), (0, 0, 0))
                finally:
                    proxy.shutdown()
                    proxy.server_close()

    def test_a_reminder_moved_by_hand_keeps_its_new_time(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        config = self.config()
        first = self.run_json(config)
        calendar = first["calendar"]
        events = self.radicale.events(calendar)
        href, (etag, cal, text) = sorted(events.items())[0]
        event = next(iter(cal.walk("VEVENT")))
        key = str(event["X-NACHFASS-KEY"])
        # Another client (the user in Thunderbird) moves it to Friday 16:00 and adds a note.
        moved = icalendar.Calendar.from_ical(text)
        for component in moved.walk("VEVENT"):
            component["DTSTART"] = icalendar.vDDDTypes(
                datetime.datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN))
            component["DTEND"] = icalendar.vDDDTypes(
                datetime.datetime(2026, 11, 27, 16, 30, tzinfo=BERLIN))
            component["X-MOZ-NOTE"] = "anrufen"
        status, _, data = self.radicale.request(
            "PUT", urllib.parse.urljoin(calendar, href), moved.to_ical(),
            {"Content-Type": "text/calendar; charset=utf-8", "If-Match": etag})
        self.assertIn(status, (201, 204), data[:300])
        second = self.run_json(config)
        r = second["reminders"]
        self.assertEqual((r["created"], r["updated"], r["removed"], r["completed"]), (0, 0, 0, 0))
        after = reminders_on_server(self.radicale, calendar)[key][0][1]
        self.assertEqual(as_berlin(after["DTSTART"]),
                         datetime.datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN))
        self.assertEqual(str(after.get("X-MOZ-NOTE")), "anrufen")
        rows = {row["key"]: row for row in
                json.loads(self.run_cli(config, "reminders", "--json").stdout)}
        self.assertEqual(rows[key]["start"], "2026-11-27T15:00:00Z")
        third = self.run_json(config)
        self.assertEqual(third["reminders"]["requests"], 1)

    def test_deleted_calendar_is_recreated_with_every_reminder(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        config = self.config()
        first = self.run_json(config)
        calendar = first["calendar"]
        self.assertIn(self.radicale.delete(calendar), (200, 204))
        second = self.run_json(config)
        self.assertEqual(second["reminders"]["created"], first["reminders"]["created"])
        self.assertEqual(len(reminders_on_server(self.radicale, second["calendar"])),
                         first["reminders"]["created"])

    def test_wrong_password_is_one_line_and_exit_1(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        config = self.config()
        r = self.run_cli(config, "run", password="wrong-password-123")
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("[caldav.", lines[0])
        self.assertNotIn("wrong-password-123", r.stderr)
        self.assertNotIn(self.env["NACHFASS_DAV_PASSWORD"], r.stderr)

    def test_xandikos_without_authentication(self):
        self.maildir = os.path.join(self.mailbox, "maildir")
        config = self.config(url=self.env["NACHFASS_XANDIKOS_URL"], username="")
        calendars = self.env["NACHFASS_XANDIKOS_CALENDAR_URL"].rstrip("/").rsplit("/", 1)[0] + "/"
        Dav().remove_collections(calendars, ("Nachfass",))
        expected = self.open_keys(config)
        first = self.run_json(config)
        self.assertEqual(first["reminders"]["created"], len(expected))
        on_server = reminders_on_server(Dav(), first["calendar"])
        self.assertEqual(set(on_server), expected)
        self.assert_placement(on_server)
        second = self.run_json(config)
        r = second["reminders"]
        self.assertEqual((r["created"], r["updated"], r["removed"]), (0, 0, 0))
        self.assertLessEqual(r["requests"], 2)


if __name__ == "__main__":
    unittest.main()
