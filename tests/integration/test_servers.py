#!/usr/bin/env python3
"""Self-tests of tests/servers/nachfass-servers against the servers of the CTest fixture
`servers` (stdlib only).

Each TestCase is its own CTest test (tests/integration/CMakeLists.txt):
    python3 test_servers.py -v ImapTlsTest
Environment: NACHFASS_SERVERS_DIR (the fixture's state dir) and NACHFASS_SERVERS_SCRIPT.
"""
from __future__ import annotations

import base64
import contextlib
import email
import email.header
import email.utils
import http.client
import imaplib
import json
import os
import re
import shlex
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = os.environ.get("NACHFASS_SERVERS_SCRIPT",
                        str(Path(__file__).resolve().parents[1] / "servers" / "nachfass-servers"))
TIMEOUT_S = 5
REQUIRED_KEYS = (
    "NACHFASS_IMAP_HOST", "NACHFASS_IMAP_PORT", "NACHFASS_IMAPS_PORT", "NACHFASS_IMAP_USER",
    "NACHFASS_IMAP_PASSWORD", "NACHFASS_TEST_CA", "NACHFASS_DAV_URL", "NACHFASS_DAV_USER",
    "NACHFASS_DAV_PASSWORD", "NACHFASS_XANDIKOS_URL", "NACHFASS_DOVECOT_PID",
    "NACHFASS_DOVECOT_LOG", "NACHFASS_RADICALE_PID", "NACHFASS_RADICALE_LOG",
    "NACHFASS_XANDIKOS_PID", "NACHFASS_XANDIKOS_LOG",
)


def servers_dir() -> Path:
    value = os.environ.get("NACHFASS_SERVERS_DIR")
    if not value:
        raise RuntimeError("NACHFASS_SERVERS_DIR is not set; run through ctest (fixture "
                           "`servers`) or point it at a dir made by `nachfass-servers start`")
    return Path(value)


def read_env_file(path: Path) -> dict[str, str]:
    """Parses DIR/env the way a shell would source it (values may be shell-quoted)."""
    env = {}
    for line in path.read_text().splitlines():
        if line.strip():
            (word,) = shlex.split(line)
            key, _, value = word.partition("=")
            env[key] = value
    return env


ENV: dict[str, str] = {}


def setUpModule() -> None:  # noqa: N802 (unittest's name)
    ENV.update(read_env_file(servers_dir() / "env"))


def harness(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"nachfass-servers {' '.join(args)} failed "
                             f"({done.returncode}): {done.stderr.strip()}")
    return done


def harness_ca_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ENV["NACHFASS_TEST_CA"])
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    return context


def imap_plain() -> imaplib.IMAP4:
    return imaplib.IMAP4(ENV["NACHFASS_IMAP_HOST"], int(ENV["NACHFASS_IMAP_PORT"]),
                         timeout=TIMEOUT_S)


def imap_login(imap: imaplib.IMAP4) -> imaplib.IMAP4:
    imap.login(ENV["NACHFASS_IMAP_USER"], ENV["NACHFASS_IMAP_PASSWORD"])
    return imap


def command(imap: imaplib.IMAP4, name: str, *args: str) -> list[bytes]:
    """Runs one command; returns its untagged responses of the same name."""
    imap.untagged_responses.pop(name, None)  # e.g. LOGIN's [CAPABILITY ...] response code
    typ, data = imap._simple_command(name, *args)  # imaplib has no LIST ... RETURN (...)
    if typ != "OK":
        raise AssertionError(f"{name} {' '.join(args)} -> {typ} {data}")
    _, untagged = imap._untagged_response(typ, data, name)
    return [d for d in untagged if d is not None]


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # exited; this sandbox's PID 1 may be slow to reap


class EnvTest(unittest.TestCase):
    def test_env_file_has_every_key_a_client_needs(self):
        for key in REQUIRED_KEYS:
            with self.subTest(key=key):
                self.assertTrue(ENV.get(key), f"{key} missing or empty in env")
        self.assertEqual(ENV["NACHFASS_IMAP_HOST"], "127.0.0.1")
        self.assertTrue(Path(ENV["NACHFASS_TEST_CA"]).read_text().startswith(
            "-----BEGIN CERTIFICATE-----"))
        for server in ("DOVECOT", "RADICALE", "XANDIKOS"):
            self.assertTrue(Path(ENV[f"NACHFASS_{server}_LOG"]).is_file())
            self.assertFalse(process_gone(int(ENV[f"NACHFASS_{server}_PID"])), server)

    def test_servers_json_agrees_with_env(self):
        state = json.loads((servers_dir() / "servers.json").read_text())
        self.assertEqual(state["env"], ENV)
        self.assertEqual(set(state["servers"]), {"dovecot", "radicale", "xandikos"})
        self.assertEqual(state["servers"]["dovecot"]["imap_port"],
                         int(ENV["NACHFASS_IMAP_PORT"]))

    def test_run_passes_env_to_the_command(self):
        done = harness("run", "--dir", str(servers_dir()), "--", sys.executable, "-c",
                       "import os; print(os.environ['NACHFASS_IMAPS_PORT'])")
        self.assertEqual(done.stdout.strip(), ENV["NACHFASS_IMAPS_PORT"])


class ImapTlsTest(unittest.TestCase):
    def test_starttls_verifies_against_harness_ca(self):
        imap = imap_plain()
        try:
            self.assertIn("STARTTLS", imap.capabilities)
            imap.starttls(ssl_context=harness_ca_context())  # server_hostname="127.0.0.1"
            alt_names = imap.sock.getpeercert()["subjectAltName"]
            self.assertIn(("IP Address", "127.0.0.1"), alt_names)
            self.assertIn(("DNS", "localhost"), alt_names)
            imap_login(imap)
        finally:
            imap.logout()

    def test_implicit_tls_verifies_against_harness_ca(self):
        imap = imaplib.IMAP4_SSL(ENV["NACHFASS_IMAP_HOST"], int(ENV["NACHFASS_IMAPS_PORT"]),
                                 ssl_context=harness_ca_context(), timeout=TIMEOUT_S)
        try:
            self.assertIn(imap.sock.version(), ("TLSv1.2", "TLSv1.3"))
            imap_login(imap)
        finally:
            imap.logout()

    def test_localhost_name_verifies_too(self):
        with socket.create_connection(("127.0.0.1", int(ENV["NACHFASS_IMAPS_PORT"])),
                                      timeout=TIMEOUT_S) as raw, \
                harness_ca_context().wrap_socket(raw, server_hostname="localhost") as tls:
            self.assertTrue(tls.recv(64).startswith(b"* OK"))

    def test_system_trust_rejects_the_test_ca(self):
        # Proves that the verifications above are real: without the harness CA they fail.
        with self.assertRaises(ssl.SSLCertVerificationError):
            imaplib.IMAP4_SSL(ENV["NACHFASS_IMAP_HOST"], int(ENV["NACHFASS_IMAPS_PORT"]),
                              ssl_context=ssl.create_default_context(), timeout=TIMEOUT_S)
        imap = imap_plain()
        try:
            with self.assertRaises(ssl.SSLCertVerificationError):
                imap.starttls(ssl_context=ssl.create_default_context())
        finally:
            with contextlib.suppress(OSError):  # the failed handshake closed the socket
                imap.shutdown()

    def test_other_host_name_is_rejected(self):
        with socket.create_connection(("127.0.0.1", int(ENV["NACHFASS_IMAPS_PORT"])),
                                      timeout=TIMEOUT_S) as raw:
            with self.assertRaises(ssl.SSLCertVerificationError) as caught:
                harness_ca_context().wrap_socket(raw, server_hostname="imap.example.org")
            self.assertIn("mismatch", str(caught.exception))

    def test_plaintext_login_on_loopback_and_wrong_password(self):
        imap = imap_login(imap_plain())
        imap.logout()
        imap = imap_plain()
        try:
            with self.assertRaises(imaplib.IMAP4.error):
                imap.login(ENV["NACHFASS_IMAP_USER"], ENV["NACHFASS_IMAP_PASSWORD"] + "x")
        finally:
            imap.logout()
        # Dovecot's auth penalty would hold the next login from 127.0.0.1 back for 2 s or more;
        # the harness turns it off so that one failing test does not slow down the others.
        began = time.monotonic()
        imap_login(imap_plain()).logout()
        self.assertLess(time.monotonic() - began, 1.0)


class ImapCapabilityTest(unittest.TestCase):
    def test_condstore_and_qresync_after_login(self):
        imap = imap_login(imap_plain())
        try:
            (caps,) = command(imap, "CAPABILITY")
            caps = caps.decode().upper().split()
            self.assertIn("CONDSTORE", caps)
            self.assertIn("QRESYNC", caps)
            self.assertIn("SPECIAL-USE", caps)
        finally:
            imap.logout()
        self.assertEqual(ENV["NACHFASS_IMAP_CONDSTORE"], "1")


LIST_LINE = re.compile(rb'^\((?P<attrs>[^)]*)\) (?:"(?P<sep>.)"|NIL) "?(?P<name>.*?)"?$')


def list_mailboxes(imap: imaplib.IMAP4) -> dict[str, set[str]]:
    """{mailbox name: attributes} from LIST "" "*" RETURN (SPECIAL-USE SUBSCRIBED)."""
    mailboxes = {}
    for line in command(imap, "LIST", '""', '"*"', "RETURN", "(SPECIAL-USE SUBSCRIBED)"):
        match = LIST_LINE.match(line)
        assert match, line
        mailboxes[match["name"].decode()] = set(match["attrs"].decode().split())
    return mailboxes


class ImapSpecialUseTest(unittest.TestCase):
    def test_sent_and_drafts_are_special_use_and_subscribed(self):
        imap = imap_login(imap_plain())
        try:
            mailboxes = list_mailboxes(imap)
        finally:
            imap.logout()
        self.assertIn("INBOX", mailboxes)
        self.assertEqual({"\\Sent", "\\Subscribed"}, mailboxes.get("Sent", set()) & {
            "\\Sent", "\\Subscribed"}, mailboxes)
        self.assertEqual({"\\Drafts", "\\Subscribed"}, mailboxes.get("Drafts", set()) & {
            "\\Drafts", "\\Subscribed"}, mailboxes)
        specials = [name for name, attrs in mailboxes.items() if "\\Sent" in attrs]
        self.assertEqual(specials, ["Sent"])


UMLAUT_SUBJECT = "Grüße aus Köln"
UMLAUT_FOLDER_ON_DISK = ".Projekte.K&APY-ln"  # Maildir++ + IMAP modified UTF-7 of "Köln"


def write_message(folder: Path, sub: str, stamp: int, info: str, message_id: str,
                  subject: str) -> None:
    """One Maildir file named `stamp.Mn.host[:2,info]` with mtime `stamp` (= INTERNALDATE)."""
    for d in ("cur", "new", "tmp"):
        (folder / d).mkdir(parents=True, exist_ok=True)
    encoded = email.header.Header(subject, "utf-8").encode() if not subject.isascii() \
        else subject
    body = (f"From: Anna <anna@example.org>\r\nTo: Bert <bert@example.org>\r\n"
            f"Subject: {encoded}\r\nMessage-ID: {message_id}\r\n"
            f"Date: {email.utils.formatdate(stamp)}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nHallo {message_id}\r\n")
    name = f"{stamp}.M{stamp % 100000}P4711.nachfass-test" + (f":2,{info}" if sub == "cur"
                                                               else "")
    path = folder / sub / name
    path.write_bytes(body.encode())
    os.utime(path, (stamp, stamp))


def make_maildir(root: Path) -> dict[str, list[tuple[str, str | None]]]:
    """5 INBOX, 3 Sent, 1 Drafts, 1 in Projekte.Köln; returns {folder: [(message-id, a flag
    IMAP must show, None for unseen)]} in file-name order."""
    expected: dict[str, list[tuple[str, str | None]]] = {}
    inbox = [("cur", "", None), ("cur", "S", "\\Seen"), ("cur", "RS", "\\Answered"),
             ("cur", "FS", "\\Flagged"), ("new", "", "\\Recent")]
    # File names are written newest first so that the order on disk is not the UID order;
    # Dovecot assigns UIDs in file-name (time stamp) order.
    for i, (sub, info, flag) in reversed(list(enumerate(inbox))):
        message_id = f"<inbox-{i}@nachfass.test>"
        write_message(root, sub, 1_700_000_000 + i * 60, info, message_id,
                      UMLAUT_SUBJECT if i == 2 else f"Inbox {i}")
        expected.setdefault("INBOX", []).insert(0, (message_id, flag))
    for i in range(3):
        message_id = f"<sent-{i}@nachfass.test>"
        write_message(root / ".Sent", "cur", 1_700_100_000 + i * 60, "S", message_id,
                      f"Re: Inbox {i}")
        expected.setdefault("Sent", []).append((message_id, "\\Seen"))
    write_message(root / ".Drafts", "cur", 1_700_200_000, "DS", "<draft-0@nachfass.test>",
                  "Entwurf")
    expected["Drafts"] = [("<draft-0@nachfass.test>", "\\Draft")]
    write_message(root / UMLAUT_FOLDER_ON_DISK, "cur", 1_700_300_000, "S",
                  "<projekt-0@nachfass.test>", "Projekt")
    expected["Projekte.K&APY-ln"] = [("<projekt-0@nachfass.test>", "\\Seen")]
    return expected


def examine(imap: imaplib.IMAP4, mailbox: str) -> tuple[int, int]:
    """(EXISTS, UIDVALIDITY) of a mailbox opened read-only."""
    typ, data = imap.select(f'"{mailbox}"', readonly=True)
    if typ != "OK":
        raise AssertionError(f"EXAMINE {mailbox} -> {typ} {data}")
    return int(data[0]), int(imap.untagged_responses["UIDVALIDITY"][-1])


def fetch_headers(imap: imaplib.IMAP4) -> list[dict]:
    typ, data = imap.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS "
                                         "(MESSAGE-ID SUBJECT)])")
    assert typ == "OK", data
    messages = []
    for item in data:
        if isinstance(item, tuple):
            meta, header = item
            parsed = email.message_from_bytes(header)
            messages.append({
                "uid": int(re.search(rb"UID (\d+)", meta)[1]),
                "flags": re.search(rb"FLAGS \(([^)]*)\)", meta)[1].decode().split(),
                "internaldate": imaplib.Internaldate2tuple(meta),
                "message_id": parsed["Message-ID"],
                "subject": str(email.header.make_header(
                    email.header.decode_header(parsed["Subject"]))),
            })
    return messages


class MaildirLoadTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="nachfass-maildir-")
        self.addCleanup(tmp.cleanup)
        self.src = Path(tmp.name) / "first"
        self.expected = make_maildir(self.src)

    def test_loaded_folders_counts_flags_headers_and_dates(self):
        harness("load-maildir", "--dir", str(servers_dir()), "--maildir", str(self.src),
                "--clear")
        imap = imap_login(imap_plain())
        try:
            mailboxes = list_mailboxes(imap)
            self.assertIn("Projekte.K&APY-ln", mailboxes)  # subscribed, mUTF-7 on the wire
            self.assertIn("\\Subscribed", mailboxes["Projekte.K&APY-ln"])
            self.assertIn("\\Sent", mailboxes["Sent"])
            for mailbox, want in self.expected.items():
                with self.subTest(mailbox=mailbox):
                    exists, _ = examine(imap, mailbox)
                    self.assertEqual(exists, len(want))
                    got = fetch_headers(imap)
                    self.assertEqual([m["message_id"] for m in got], [w[0] for w in want])
                    self.assertEqual([m["uid"] for m in got], list(range(1, len(want) + 1)))
                    for message, (_, flag) in zip(got, want):
                        if flag is None:
                            self.assertNotIn("\\Seen", message["flags"], message)
                        else:
                            self.assertIn(flag, message["flags"], message)
            examine(imap, "INBOX")
            inbox = fetch_headers(imap)
            self.assertEqual(inbox[2]["subject"], UMLAUT_SUBJECT)
            # Maildir takes INTERNALDATE from the file's mtime: the load must keep it.
            self.assertEqual(time.mktime(inbox[0]["internaldate"]), 1_700_000_000)
        finally:
            imap.logout()

    def test_clear_copy_and_doveadm_passthrough(self):
        state_dir = str(servers_dir())
        harness("load-maildir", "--dir", state_dir, "--maildir", str(self.src), "--clear")
        imap = imap_login(imap_plain())
        try:
            _, first_uidvalidity = examine(imap, "INBOX")
        finally:
            imap.logout()

        # The same files again without --clear: refused with one line naming server and step.
        again = harness("load-maildir", "--dir", state_dir, "--maildir", str(self.src),
                        check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertTrue(again.stderr.startswith("nachfass-servers: dovecot: load-maildir: "),
                        again.stderr)
        self.assertIn("--clear", again.stderr.splitlines()[0])

        second = self.src.parent / "second"
        write_message(second, "cur", 1_710_000_000, "S", "<second-0@nachfass.test>", "Zwei")
        write_message(second, "new", 1_710_000_060, "", "<second-1@nachfass.test>", "Drei")
        harness("load-maildir", "--dir", state_dir, "--maildir", str(second), "--clear",
                "--copy")
        imap = imap_login(imap_plain())
        try:
            exists, uidvalidity = examine(imap, "INBOX")
            self.assertEqual(exists, 2)
            self.assertNotEqual(uidvalidity, first_uidvalidity)  # a new mailbox to a client
            inbox = fetch_headers(imap)
            self.assertEqual([m["message_id"] for m in inbox],
                             ["<second-0@nachfass.test>", "<second-1@nachfass.test>"])
            self.assertEqual(time.mktime(inbox[0]["internaldate"]), 1_710_000_000)  # copy2
            self.assertEqual(examine(imap, "Sent")[0], 0)
            self.assertNotIn("Projekte.K&APY-ln", list_mailboxes(imap))
        finally:
            imap.logout()

        status = harness("doveadm", "--dir", state_dir, "--", "mailbox", "status", "-u",
                         ENV["NACHFASS_IMAP_USER"], "messages", "INBOX")
        self.assertIn("messages=2", status.stdout.split(), status.stdout)

    def test_not_a_maildir_is_one_clear_error(self):
        done = harness("load-maildir", "--dir", str(servers_dir()), "--maildir",
                       str(self.src / "nowhere"), check=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
        self.assertIn("dovecot: load-maildir: ", done.stderr)
        self.assertIn("is not a Maildir", done.stderr)


def dav_request(base_url: str, path: str, auth: tuple[str, str] | None,
                depth: str = "0") -> tuple[int, bytes]:
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT_S)
    headers = {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}
    if auth is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(
            f"{auth[0]}:{auth[1]}".encode()).decode()
    body = (b'<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop>'
            b"<resourcetype/><current-user-principal/></prop></propfind>")
    try:
        conn.request("PROPFIND", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class RadicaleTest(unittest.TestCase):
    def credentials(self) -> tuple[str, str]:
        return ENV["NACHFASS_DAV_USER"], ENV["NACHFASS_DAV_PASSWORD"]

    def test_authenticated_propfind_on_root_and_principal(self):
        status, body = dav_request(ENV["NACHFASS_DAV_URL"], "/", self.credentials())
        self.assertEqual(status, 207, body)
        self.assertIn(f"/{ENV['NACHFASS_DAV_USER']}/".encode(), body)  # current-user-principal
        status, body = dav_request(ENV["NACHFASS_DAV_URL"], f"/{ENV['NACHFASS_DAV_USER']}/",
                                   self.credentials())
        self.assertEqual(status, 207, body)
        self.assertIn(b"multistatus", body)

    def test_unauthenticated_and_wrong_password_get_401(self):
        self.assertEqual(dav_request(ENV["NACHFASS_DAV_URL"], "/", None)[0], 401)
        user, password = self.credentials()
        self.assertEqual(dav_request(ENV["NACHFASS_DAV_URL"], "/", (user, password + "x"))[0],
                         401)


class XandikosTest(unittest.TestCase):
    def test_default_calendar_answers_propfind(self):
        path = "/user/calendars/calendar"
        status, body = dav_request(ENV["NACHFASS_XANDIKOS_URL"], path, None)
        self.assertEqual(status, 207, body)
        resourcetype = ElementTree.fromstring(body).find(".//{DAV:}resourcetype")
        self.assertIsNotNone(resourcetype, body)
        self.assertIsNotNone(resourcetype.find("{urn:ietf:params:xml:ns:caldav}calendar"), body)
        self.assertTrue(ENV["NACHFASS_XANDIKOS_CALENDAR_URL"].endswith(path + "/"))


if __name__ == "__main__":
    unittest.main()
