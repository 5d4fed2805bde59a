#!/usr/bin/env python3
"""`nachfass scan` against the real Dovecot over STARTTLS gives exactly the findings a Maildir
scan of the same messages gives; a second sync fetches nothing; a wrong password and an
untrusted certificate fail with one line each.

Environment: NACHFASS_BIN, NACHFASS_SOURCE_DIR, NACHFASS_SERVERS_DIR (the CTest fixture's dir),
NACHFASS_SERVERS_SCRIPT.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from servers_env import server_env

BIN = os.environ["NACHFASS_BIN"]
SOURCE = os.environ["NACHFASS_SOURCE_DIR"]
SERVERS = os.environ["NACHFASS_SERVERS_DIR"]
SCRIPT = os.environ["NACHFASS_SERVERS_SCRIPT"]
SAMPLE = os.path.join(SOURCE, "tests", "data", "sample")


class ImapCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = server_env(SERVERS)
        subprocess.run([sys.executable, SCRIPT, "load-maildir", "--dir", SERVERS, "--maildir",
                        os.path.join(SAMPLE, "maildir"), "--clear", "--copy"], check=True,
                       capture_output=True)
        with open(os.path.join(SAMPLE, "truth.json"), encoding="utf-8") as f:
            cls.now = json.load(f)["now"]

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nachfass-imap-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def config(self, security="starttls", ca=True, port=None):
        with open(os.path.join(SAMPLE, "nachfass.toml"), encoding="utf-8") as f:
            base = f.read()
        lines = [base, "", "[mail]", 'provider = "imap"',
                 f'host = "{self.env["NACHFASS_IMAP_HOST"]}"',
                 f'port = {port or self.env["NACHFASS_IMAP_PORT"]}',
                 f'security = "{security}"',
                 f'username = "{self.env["NACHFASS_IMAP_USER"]}"',
                 'password_env = "NACHFASS_TEST_IMAP_PASSWORD"',
                 'folders = ["INBOX"]']
        if ca:
            lines.append(f'ca_file = "{self.env["NACHFASS_TEST_CA"]}"')
        path = os.path.join(self.dir, "imap.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def run_cli(self, config, *args, password=None, state="state.db"):
        env = dict(os.environ, HOME=self.dir,
                   NACHFASS_TEST_IMAP_PASSWORD=password or self.env["NACHFASS_IMAP_PASSWORD"])
        return subprocess.run([BIN, "--config", config, "--state", os.path.join(self.dir, state),
                               "--now", self.now, *args], capture_output=True, text=True, env=env,
                              timeout=300)

    def test_same_findings_as_maildir_and_incremental(self):
        config = self.config()
        r = self.run_cli(config, "scan", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        over_imap = json.loads(r.stdout)
        r = self.run_cli(config, "scan", "--json", "--maildir", os.path.join(SAMPLE, "maildir"),
                         state="maildir.db")
        self.assertEqual(r.returncode, 0, r.stderr)
        from_maildir = json.loads(r.stdout)
        self.assertTrue(from_maildir)
        self.assertEqual(over_imap, from_maildir)
        # Nothing changed on the server: the next sync adds and removes nothing.
        r = self.run_cli(config, "sync", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = json.loads(r.stdout)
        self.assertEqual((summary["added"], summary["removed"]), (0, 0))
        self.assertEqual(summary["messages"], 300)

    def test_watch_reevaluates_on_new_mail_and_stops_on_sigint(self):
        import imaplib
        import signal
        import ssl
        import time
        config = self.config()
        env = dict(os.environ, HOME=self.dir,
                   NACHFASS_TEST_IMAP_PASSWORD=self.env["NACHFASS_IMAP_PASSWORD"])
        proc = subprocess.Popen([BIN, "--config", config, "--state", os.path.join(self.dir, "w.db"),
                                 "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env)
        try:
            first = proc.stdout.readline()
            self.assertRegex(first, r"\d+ offene Befunde \(300 neu gelesen\)")
            # A new customer mail arrives through another connection.
            context = ssl.create_default_context(cafile=self.env["NACHFASS_TEST_CA"])
            imap = imaplib.IMAP4(self.env["NACHFASS_IMAP_HOST"], int(self.env["NACHFASS_IMAP_PORT"]))
            imap.starttls(ssl_context=context)
            imap.login(self.env["NACHFASS_IMAP_USER"], self.env["NACHFASS_IMAP_PASSWORD"])
            mail = (b"From: Kunde <k@kunde-neu.de>\r\nTo: anna.vogel@example.com\r\n"
                    b"Subject: Watch-Test\r\nMessage-ID: <watch-test@kunde-neu.de>\r\n"
                    b"Date: Mon, 02 Nov 2026 09:00:00 +0100\r\n\r\nHallo\r\n")
            imap.append("INBOX", None, None, mail)
            imap.logout()
            # The watch re-evaluates once when it is up (what came in meanwhile), then on every
            # change; the new mail shows up in one of the next lines.
            started = time.monotonic()
            lines = []
            while time.monotonic() - started < 20:
                line = proc.stdout.readline()
                lines.append(line)
                if "(1 neu gelesen)" in line or not line:
                    break
            self.assertIn("(1 neu gelesen)", lines[-1], lines)
            self.assertLess(time.monotonic() - started, 20)
            proc.send_signal(signal.SIGINT)
            self.assertEqual(proc.wait(timeout=10), 0, proc.stderr.read())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            # Leave the mailbox as the other tests expect it.
            subprocess.run([sys.executable, SCRIPT, "load-maildir", "--dir", SERVERS, "--maildir",
                            os.path.join(SAMPLE, "maildir"), "--clear", "--copy"], check=True,
                           capture_output=True)

    def test_wrong_password(self):
        r = self.run_cli(self.config(), "sync", password="not-the-password")
        self.assertEqual(r.returncode, 1)
        self.assertIn("[imap.auth]", r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertNotIn("not-the-password", r.stderr)

    def test_untrusted_certificate(self):
        r = self.run_cli(self.config(ca=False), "sync")
        self.assertEqual(r.returncode, 1)
        self.assertIn("[imap.tls]", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
