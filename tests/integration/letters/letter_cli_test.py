#!/usr/bin/env python3
"""`nachfass letter` end to end against the real Dovecot: the bundled sample mailbox is loaded
and scanned over IMAP, then a letter for an unanswered finding is printed (--print), created as a
draft (read back by python3's `email` package), and every bad input fails with one line, the
documented exit code and no draft: an unknown key, an unknown kind or language, a broken user
template (FILE:LINE), a Drafts folder that does not exist.

Environment: NACHFASS_BIN, NACHFASS_SOURCE_DIR, NACHFASS_SERVERS_DIR, NACHFASS_SERVERS_SCRIPT.
"""
import email
import email.policy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ["NACHFASS_BIN"]
SOURCE = os.environ["NACHFASS_SOURCE_DIR"]
SERVERS = os.environ["NACHFASS_SERVERS_DIR"]
SCRIPT = os.environ["NACHFASS_SERVERS_SCRIPT"]
SAMPLE = os.path.join(SOURCE, "tests", "data", "sample")
READ_DRAFT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "read_draft.py")


def server_env():
    with open(os.path.join(SERVERS, "servers.json"), encoding="utf-8") as f:
        return dict(json.load(f)["env"])


class LetterCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = server_env()
        subprocess.run([sys.executable, SCRIPT, "load-maildir", "--dir", SERVERS, "--maildir",
                        os.path.join(SAMPLE, "maildir"), "--clear", "--copy"], check=True,
                       capture_output=True)
        with open(os.path.join(SAMPLE, "truth.json"), encoding="utf-8") as f:
            cls.now = json.load(f)["now"]

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nachfass-letter-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def config(self, extra=()):
        with open(os.path.join(SAMPLE, "nachfass.toml"), encoding="utf-8") as f:
            base = f.read()
        lines = [base, "", "[mail]", 'provider = "imap"',
                 f'host = "{self.env["NACHFASS_IMAP_HOST"]}"',
                 f'port = {self.env["NACHFASS_IMAP_PORT"]}',
                 'security = "starttls"',
                 f'username = "{self.env["NACHFASS_IMAP_USER"]}"',
                 'password_env = "NACHFASS_TEST_IMAP_PASSWORD"',
                 'folders = ["INBOX"]',
                 f'ca_file = "{self.env["NACHFASS_TEST_CA"]}"', *extra]
        path = os.path.join(self.dir, "nachfass.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def run_cli(self, config, *args):
        env = dict(os.environ, HOME=self.dir, XDG_CONFIG_HOME=os.path.join(self.dir, "xdg"),
                   NACHFASS_TEST_IMAP_PASSWORD=self.env["NACHFASS_IMAP_PASSWORD"])
        return subprocess.run([BIN, "--config", config, "--state",
                               os.path.join(self.dir, "state.db"), "--now", self.now, *args],
                              capture_output=True, text=True, env=env, timeout=300)

    def drafts(self):
        env = dict(os.environ, **self.env)
        r = subprocess.run([sys.executable, "-B", READ_DRAFT, "count", "Drafts"], env=env,
                           capture_output=True, text=True, check=True)
        return json.loads(r.stdout)["count"]

    def fetch(self, uid):
        env = dict(os.environ, **self.env)
        r = subprocess.run([sys.executable, "-B", READ_DRAFT, "fetch", "Drafts", uid], env=env,
                           capture_output=True, text=True, check=True)
        return json.loads(r.stdout)

    def unanswered_key(self, config):
        r = self.run_cli(config, "scan", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        findings = [f for f in json.loads(r.stdout) if f["kind"] == "unanswered"]
        self.assertTrue(findings)
        return findings[0]

    def assert_one_line_error(self, r, code, error_id):
        self.assertEqual(r.returncode, code, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith(f"nachfass: [{error_id}] "), r.stderr)
        return lines[0]

    def test_print_and_draft(self):
        config = self.config()
        finding = self.unanswered_key(config)
        before = self.drafts()
        r = self.run_cli(config, "letter", finding["key"], "--print")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("\nSubject: AW: ", r.stdout)
        self.assertIn("Mit freundlichen Grüßen\n\nAnna Vogel\n", r.stdout)
        self.assertEqual(self.drafts(), before)  # --print creates nothing

        r = self.run_cli(config, "letter", finding["key"], "--lang", "en", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        result = json.loads(r.stdout)
        self.assertEqual(result["kind"], "late-reply")
        self.assertEqual(result["draft"]["folder"], "Drafts")
        self.assertEqual(self.drafts(), before + 1)
        parsed = self.fetch(result["draft"]["uid"])
        subprocess.run([sys.executable, SCRIPT, "doveadm", "--dir", SERVERS, "--", "expunge", "-u",
                        self.env["NACHFASS_IMAP_USER"], "mailbox", "Drafts", "uid",
                        result["draft"]["uid"]], check=True, capture_output=True)
        self.assertIn("\\Draft", parsed["flags"])
        self.assertTrue(parsed["headers"]["Subject"].startswith("Re: "))
        self.assertEqual(parsed["headers"]["In-Reply-To"], "<" + result["in_reply_to"] + ">")
        self.assertTrue(parsed["headers"]["References"].endswith("<" + result["in_reply_to"] + ">"))
        self.assertEqual(parsed["to"]["address"], finding["contact"])
        self.assertEqual([p["content_type"] for p in parsed["parts"]], ["text/plain", "text/html"])
        self.assertTrue(parsed["parts"][0]["content"].endswith("Kind regards\n\nAnna Vogel\n"))

        r = self.run_cli(config, "letter", finding["key"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("Entwurf angelegt in Drafts, UID "), r.stdout)
        uid = r.stdout.split("UID ")[1].split(":")[0]
        subprocess.run([sys.executable, SCRIPT, "doveadm", "--dir", SERVERS, "--", "expunge", "-u",
                        self.env["NACHFASS_IMAP_USER"], "mailbox", "Drafts", "uid", uid],
                       check=True, capture_output=True)

    def test_bad_input_fails_with_one_line_and_creates_nothing(self):
        config = self.config()
        finding = self.unanswered_key(config)
        before = self.drafts()
        self.assert_one_line_error(self.run_cli(config, "letter", "u-000000000000"), 1,
                                   "findings.unknown_key")
        self.assert_one_line_error(self.run_cli(config, "letter", finding["key"], "--kind",
                                                "poem"), 2, "letters.unknown_kind")
        self.assert_one_line_error(self.run_cli(config, "letter", finding["key"], "--lang",
                                                "fr"), 2, "usage.bad_language")

        templates = os.path.join(self.dir, "templates", "de")
        os.makedirs(templates)
        with open(os.path.join(templates, "late-reply.txt.mustache"), "w") as f:
            f.write("{{greeting}}\n\n{{#subject}}zu {{subject}}\n")
        broken = self.config([f'[letters]', f'templates_dir = "{os.path.dirname(templates)}"'])
        line = self.assert_one_line_error(self.run_cli(broken, "letter", finding["key"]), 2,
                                          "letters.template")
        self.assertIn("late-reply.txt.mustache:3: section \"subject\" is never closed", line)

        missing = self.config(['drafts_folder = "Gibt-es-nicht"'])
        self.assert_one_line_error(self.run_cli(missing, "letter", finding["key"]), 1, "imap.no")
        self.assertEqual(self.drafts(), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
