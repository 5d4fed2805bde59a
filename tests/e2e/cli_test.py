#!/usr/bin/env python3
"""End-to-end tests of the `nachfass` command line: real process, real files, exit codes, the
one-line errors, JSON shape, dismiss/snooze, and the findings on the bundled sample mailbox
measured against the generator's ground truth.

Environment: NACHFASS_BIN (the executable), NACHFASS_SOURCE_DIR (repository root).
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ["NACHFASS_BIN"]
SOURCE = os.environ["NACHFASS_SOURCE_DIR"]
SAMPLE = os.path.join(SOURCE, "tests", "data", "sample")


def load_truth():
    with open(os.path.join(SAMPLE, "truth.json"), encoding="utf-8") as f:
        return json.load(f)


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nachfass-cli-")
        self.state = os.path.join(self.dir, "state.db")
        self.config = os.path.join(SAMPLE, "nachfass.toml")
        self.now = load_truth()["now"]

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_cli(self, *args, config=None, now=True, env=None):
        cmd = [BIN, "--config", config or self.config, "--state", self.state]
        if now:
            cmd += ["--now", self.now]
        cmd += list(args)
        full_env = dict(os.environ, HOME=self.dir, XDG_CONFIG_HOME=self.dir, XDG_DATA_HOME=self.dir)
        full_env.update(env or {})
        return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=120)

    def scan_sample(self):
        r = self.run_cli("scan", "--maildir", os.path.join(SAMPLE, "maildir"), "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_version_and_help(self):
        r = subprocess.run([BIN, "--version"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^nachfass \d+\.\d+\.\d+")
        r = subprocess.run([BIN, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("scan", r.stdout)

    def test_usage_error_exit_2(self):
        r = subprocess.run([BIN, "frobnicate"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("nachfass:", r.stderr)
        r = subprocess.run([BIN], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)

    def test_sample_findings_match_ground_truth(self):
        findings = self.scan_sample()
        truth = load_truth()
        of_kind = lambda kind: [f for f in findings if f["kind"] == kind]
        expected = {t["awaiting"] for t in truth["unanswered"]}
        got = {f["awaiting"] for f in of_kind("unanswered")}
        self.assertEqual(got, expected)
        roots = {t["awaiting"]: t["thread_root"] for t in truth["unanswered"]}
        for f in of_kind("unanswered"):
            self.assertEqual(f["thread_root"], roots[f["awaiting"]])

        def labelled(section, key):
            positive = {key(t) for t in truth[section] if t["label"] == "positive"}
            unsure = {key(t) for t in truth[section] if t["label"] == "unsure"}
            return positive, unsure

        # Every other detector against its truth; "unsure" cases may go either way.
        positive, unsure = labelled("stalled", lambda t: t["thread_root"])
        got = {f["thread_root"] for f in of_kind("stalled")}
        self.assertEqual(got - unsure, positive)
        positive, unsure = labelled("engagements", lambda t: (t["rule"], t["customer_domain"]))
        got = {(f["engagement"], f["domain"]) for f in of_kind("lapsing")}
        self.assertEqual(got - unsure, positive)
        for f in of_kind("lapsing"):
            self.assertRegex(f["ends"], r"^(\d{4}-\d\d-\d\d)?$")
        positive, unsure = labelled("quiet", lambda t: t["customer"])
        got = {f["domain"] if "@" not in f["contact"] or f["domain"] else f["contact"]
               for f in of_kind("quiet")}
        self.assertEqual(got - unsure, positive)
        for f in of_kind("quiet"):
            parts = f["score_parts"]
            self.assertEqual(sum(p["points"] for p in parts), f["severity"])
            self.assertEqual({p["name"] for p in parts}, {"silence", "reply_speed", "open_threads"})
        positive, unsure = labelled("absences", lambda t: t["first_day"])
        self.assertEqual(len(of_kind("absence")),
                         len(positive) + len([f for f in of_kind("absence")
                                              if f["since"][:10] in unsure]))

    def test_json_shape(self):
        findings = self.scan_sample()
        self.assertIsInstance(findings, list)
        self.assertTrue(findings, "the sample has unanswered threads")
        for f in findings:
            for field in ("key", "kind", "customer", "contact", "subject", "thread_root",
                          "awaiting", "since", "due", "reason"):
                self.assertIn(field, f)
                self.assertIsInstance(f[field], str)
            self.assertIn(f["kind"], ("unanswered", "stalled", "lapsing", "quiet", "absence"))
            self.assertRegex(f["since"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertRegex(f["key"], r"^[usplqa]-[0-9a-f]{12}$")
            self.assertEqual(f["key"][0], {"unanswered": "u", "stalled": "s", "lapsing": "l",
                                           "quiet": "q", "absence": "a"}[f["kind"]])
            self.assertNotIn("<", f["awaiting"])
            self.assertIsInstance(f["severity"], int)
            self.assertTrue(0 <= f["severity"] <= 100)
            for field in ("domain", "engagement", "ends"):
                self.assertIsInstance(f[field], str)
            self.assertIsInstance(f["score_parts"], list)
            self.assertIsInstance(f["items"], list)
            if f["kind"] == "unanswered":
                self.assertLessEqual(f["since"], f["due"])
                self.assertIn("Werktag", f["reason"])  # the sample's config says language = "de"

    def test_rescan_is_incremental_and_stable(self):
        first = self.scan_sample()
        r = self.run_cli("scan", "--maildir", os.path.join(SAMPLE, "maildir"), "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"\(0 (neu|new)")
        self.assertEqual(json.loads(r.stdout), first)
        r = self.run_cli("findings", "--json")
        self.assertEqual(json.loads(r.stdout), first)

    def test_dismiss_and_snooze(self):
        findings = self.scan_sample()
        self.assertGreaterEqual(len(findings), 2)
        # b is unanswered: it stays a finding however long the customer waits (a stalled one ends
        # after [rules.stalled] max_age_days), so it must be back once its snooze has run out.
        b = next(f["key"] for f in findings if f["kind"] == "unanswered")
        a = next(f["key"] for f in findings if f["key"] != b)
        r = self.run_cli("dismiss", a)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_cli("snooze", b, "--until", "2099-01-01")
        self.assertEqual(r.returncode, 0, r.stderr)
        keys = {f["key"] for f in json.loads(self.run_cli("findings", "--json").stdout)}
        self.assertNotIn(a, keys)
        self.assertNotIn(b, keys)
        self.assertEqual(len(keys), len(findings) - 2)
        every = json.loads(self.run_cli("findings", "--json", "--all").stdout)
        states = {f["key"]: f["state"] for f in every}
        self.assertEqual(states[a], "dismissed")
        self.assertEqual(states[b], "snoozed")
        # The snooze runs out: evaluated after it, the finding is back.
        r = subprocess.run([BIN, "--config", self.config, "--state", self.state, "--now",
                            "2099-01-02T00:00:00Z", "findings", "--json"], capture_output=True, text=True)
        self.assertIn(b, {f["key"] for f in json.loads(r.stdout)})

    def test_customers_listing(self):
        self.scan_sample()
        r = self.run_cli("customers", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        customers = json.loads(r.stdout)
        self.assertTrue(customers)
        for c in customers:
            for field in ("id", "name", "tier", "first_contact", "last_contact"):
                self.assertIn(field, c)
            self.assertIsInstance(c["inbound"], int)
            self.assertIsInstance(c["outbound"], int)
            self.assertFalse(c["ignored"])
            self.assertFalse(c["id"].endswith("example.com"), "own domain is never a customer")
        last = [c["last_contact"] for c in customers if c["last_contact"]]
        self.assertEqual(last, sorted(last, reverse=True))
        r = self.run_cli("customers")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Kunde", r.stdout)

    def test_customer_files_and_bad_rows(self):
        self.scan_sample()
        customers = json.loads(self.run_cli("customers", "--json").stdout)
        company = next(c for c in customers if not c["freemail"] and c["domains"])
        domain = company["domains"][0]
        csv_path = os.path.join(self.dir, "kunden.csv")
        with open(csv_path, "w", encoding="utf-8") as f:
            f.write("Firma;Domain;E-Mail;Anrede;Nachname;Stufe;Ignorieren\n")
            f.write(f"Großkunde AG;{domain};;;;key;\n")
            f.write('"kaputt;;\n')
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        config = os.path.join(self.dir, "with-customers.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(text + f'\n[customers]\nfiles = ["{csv_path}"]\nignore = ["nobody.example"]\n')
        r = self.run_cli("customers", "--json", config=config)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kunden.csv:", r.stderr)  # the broken row, with file and line
        named = [c for c in json.loads(r.stdout) if c["id"] == company["id"]]
        self.assertEqual(len(named), 1)
        self.assertEqual(named[0]["name"], "Großkunde AG")
        self.assertEqual(named[0]["tier"], "key")
        self.assertIn("import", named[0]["sources"])

    def test_unknown_key(self):
        self.scan_sample()
        r = self.run_cli("dismiss", "u-000000000000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("[findings.unknown_key]", r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1)

    def test_snooze_in_the_past(self):
        findings = self.scan_sample()
        r = self.run_cli("snooze", findings[0]["key"], "--until", "2001-01-01")
        self.assertEqual(r.returncode, 2)
        self.assertIn("[usage.bad_time]", r.stderr)

    def test_bad_now(self):
        cmd = [BIN, "--config", self.config, "--state", self.state, "--now", "Montag", "findings"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("[usage.bad_time]", r.stderr)

    def test_missing_maildir(self):
        r = self.run_cli("scan", "--maildir", os.path.join(self.dir, "nope"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("[maildir.not_found]", r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1)

    def test_broken_config(self):
        bad = os.path.join(self.dir, "bad.toml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('[user]\naddresses = ["a@example.com"]\ntime_zone = "Mars/Olympus"\n')
        r = self.run_cli("findings", config=bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("[config.bad_value]", r.stderr)
        self.assertIn("time_zone", r.stderr)
        self.assertIn("bad.toml", r.stderr)
        with open(bad, "w", encoding="utf-8") as f:
            f.write('[user\naddresses = 1\n')
        r = self.run_cli("findings", config=bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("[config.parse]", r.stderr)

    def test_config_without_addresses(self):
        empty = os.path.join(self.dir, "empty.toml")
        open(empty, "w").close()
        r = self.run_cli("scan", "--maildir", os.path.join(SAMPLE, "maildir"), config=empty)
        self.assertEqual(r.returncode, 2)
        self.assertIn("[config.missing]", r.stderr)

    def test_config_example_is_valid(self):
        r = subprocess.run([BIN, "config", "example"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        path = os.path.join(self.dir, "example.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(r.stdout)
        r = self.run_cli("findings", "--json", config=path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), [])

    def test_corrupt_state_is_reported_and_kept(self):
        with open(self.state, "wb") as f:
            f.write(b"this is not a database" * 100)
        before = open(self.state, "rb").read()
        r = self.run_cli("findings")
        self.assertEqual(r.returncode, 1)
        self.assertIn("[store.corrupt]", r.stderr)
        self.assertEqual(open(self.state, "rb").read(), before)

    def test_unreadable_files_are_skipped_with_a_warning(self):
        maildir = os.path.join(self.dir, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(maildir, sub))
        with open(os.path.join(maildir, "cur", "1700000000.1.host:2,S"), "wb") as f:
            f.write(b"From: k@kunde.de\nTo: anna.vogel@example.com\nMessage-ID: <ok@x>\nSubject: Hallo\n"
                    b"Date: Mon, 02 Nov 2026 09:00:00 +0100\n\nText\n")
        with open(os.path.join(maildir, "cur", "1700000001.2.host:2,S"), "wb") as f:
            f.write(b"\x00\xff\xfe garbage without any header structure")
        with open(os.path.join(maildir, "new", "1700000002.3.host"), "wb") as f:
            f.write(b"")
        r = self.run_cli("scan", "--maildir", maildir, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning", r.stderr)
        self.assertIn("1700000002.3.host", r.stderr)
        self.assertEqual(len(json.loads(r.stdout)), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
