#!/usr/bin/env python3
"""Self-tests of tests/servers/nachfass-servers that start their own servers, apart from the
CTest fixture `servers`: --imap-no-condstore, and stop's guarantees (stdlib only).

    python3 test_servers_standalone.py -v NoCondstoreTest
Environment: NACHFASS_SERVERS_SCRIPT; NACHFASS_TEST_WORK_DIR, under which each test keeps its
state dir (and so its logs) after the run; a temporary directory when unset.
"""
from __future__ import annotations

import imaplib
import os
import shlex
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

SCRIPT = os.environ.get("NACHFASS_SERVERS_SCRIPT",
                        str(Path(__file__).resolve().parents[1] / "servers" / "nachfass-servers"))


def harness(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"nachfass-servers {' '.join(args)} failed "
                             f"({done.returncode}): {done.stderr.strip()}")
    return done


def work_dir(test, name: str) -> Path:
    """A state dir for `name`; `test` is a TestCase or, in setUpClass, its class."""
    base = os.environ.get("NACHFASS_TEST_WORK_DIR")
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
        return Path(base) / name
    tmp = tempfile.TemporaryDirectory(prefix=f"nachfass-{name}-")
    if isinstance(test, type):  # called from setUpClass
        test.addClassCleanup(tmp.cleanup)
    else:
        test.addCleanup(tmp.cleanup)
    return Path(tmp.name) / name


def read_env(state_dir: Path) -> dict[str, str]:
    env = {}
    for line in (state_dir / "env").read_text().splitlines():
        (word,) = shlex.split(line)
        key, _, value = word.partition("=")
        env[key] = value
    return env


def proc_stat(pid: int) -> tuple[str, int] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return fields[0], int(fields[3])


def running_in_session(sid: int) -> list[int]:
    """Live (non-zombie) processes of session `sid`: a server and everything it forked."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit()
            and (stat := proc_stat(int(p))) is not None and stat[1] == sid and stat[0] != "Z"]


class NoCondstoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = work_dir(cls, "no-condstore")
        # Stop even when start or a test fails: registered before start, stop is idempotent.
        cls.addClassCleanup(harness, "stop", "--dir", str(cls.dir), check=False)
        harness("start", "--dir", str(cls.dir), "--only", "dovecot", "--imap-no-condstore")
        cls.env = read_env(cls.dir)

    def login(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.env["NACHFASS_IMAP_HOST"], int(self.env["NACHFASS_IMAP_PORT"]),
                             timeout=5)
        imap.login(self.env["NACHFASS_IMAP_USER"], self.env["NACHFASS_IMAP_PASSWORD"])
        return imap

    def test_condstore_and_qresync_not_offered_after_login(self):
        imap = self.login()
        try:
            imap.untagged_responses.pop("CAPABILITY", None)
            typ, data = imap.capability()
            self.assertEqual(typ, "OK")
            caps = data[-1].decode().upper().split()
        finally:
            imap.logout()
        self.assertNotIn("CONDSTORE", caps)
        self.assertNotIn("QRESYNC", caps)
        # Still the rest of Dovecot's list, not a truncated one.
        for cap in ("IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "SPECIAL-USE", "ENABLE", "ESEARCH"):
            self.assertIn(cap, caps)

    def test_not_offered_before_login_either(self):
        imap = imaplib.IMAP4(self.env["NACHFASS_IMAP_HOST"], int(self.env["NACHFASS_IMAP_PORT"]),
                             timeout=5)
        try:
            self.assertNotIn("CONDSTORE", imap.capabilities)
            self.assertNotIn("QRESYNC", imap.capabilities)
            self.assertIn("STARTTLS", imap.capabilities)
        finally:
            imap.logout()

    def test_env_says_so_and_has_only_dovecot(self):
        self.assertEqual(self.env["NACHFASS_IMAP_CONDSTORE"], "0")
        self.assertIn("NACHFASS_TEST_CA", self.env)
        self.assertNotIn("NACHFASS_DAV_URL", self.env)
        self.assertNotIn("NACHFASS_XANDIKOS_URL", self.env)


class StartStopTest(unittest.TestCase):
    def test_stop_ends_every_process_keeps_logs_and_is_idempotent(self):
        state_dir = work_dir(self, "start-stop")
        try:
            harness("start", "--dir", str(state_dir))
            env = read_env(state_dir)
            pids = {name: int(env[f"NACHFASS_{name}_PID"])
                    for name in ("DOVECOT", "RADICALE", "XANDIKOS")}
            for name, pid in pids.items():
                self.assertTrue(running_in_session(pid), name)
            # Dovecot's master forks its helpers (log, config, auth, ...) into its session.
            self.assertGreater(len(running_in_session(pids["DOVECOT"])), 1)

            # A second start in the same dir replaces the first set, leaving none behind.
            harness("start", "--dir", str(state_dir), "--only", "dovecot")
            for name, pid in pids.items():
                self.assertEqual(running_in_session(pid), [], f"old {name} still running")
            pids = {"DOVECOT": int(read_env(state_dir)["NACHFASS_DOVECOT_PID"])}
        finally:
            began = time.monotonic()
            harness("stop", "--dir", str(state_dir))
            stop_seconds = time.monotonic() - began
        for name, pid in pids.items():
            self.assertEqual(running_in_session(pid), [], f"{name} still running after stop")
        self.assertLess(stop_seconds, 3)  # SIGTERM worked: no wait for the 5 s SIGKILL
        for server in ("dovecot",):
            log = state_dir / "logs" / f"{server}.log"  # kept for inspection
            self.assertIn("starting up", log.read_text())
        again = harness("stop", "--dir", str(state_dir))
        self.assertIn("already stopped", again.stderr)

    def test_start_refuses_to_wipe_a_foreign_directory(self):
        foreign = work_dir(self, "foreign")
        foreign.mkdir(parents=True, exist_ok=True)
        (foreign / "precious.txt").write_text("not the harness's\n")
        done = harness("start", "--dir", str(foreign), "--only", "dovecot", check=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
        self.assertIn("refusing to wipe", done.stderr)
        self.assertTrue((foreign / "precious.txt").exists())


if __name__ == "__main__":
    unittest.main()
