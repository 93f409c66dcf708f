#!/usr/bin/python3
"""No secret in a log line, an error, a feed, argv or the environment.

Every secret ccwatch holds is read from a file: the Bugzilla API key, the
feed's bearer token, and the channels' passwords, webhook URLs and HMAC
keys.  This runs the real programs with each secret set to a recognisable
value, through success and failure paths, and looks for the value (and
its printable halves) everywhere they write.  Bounded waits, loopback only.
"""
import os
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, Fake, check, wait_until, write_file,  # noqa: E402
                     write_secret)

SECRETS = {
    "api-key": "ccwK3y-7f1e9d2b4a6c8e0f",
    "feed-token": "ccwT0ken-93b1c5d7e9f1a3b5",
    "smtp-password": "ccwPassw0rd-4c6e8a0b2d4f",
    "hmac-secret": "ccwHm4c-Secret-1a2b3c4d5e6f",
    # A Slack incoming-webhook URL is itself a credential.
    "slack-url": "http://127.0.0.1:1/services/T0CCW/B0CCW/ccwSl4ckT0kenXyZ123",
}


def leaks(text):
    """The names of the secrets whose value, or half of it, is in text."""
    found = []
    for name, value in SECRETS.items():
        half = len(value) // 2
        if value in text or value[:half] in text or value[half:] in text:
            found.append(name)
    return found


def run(args):
    """Run a command, returning (exit status, stdout + stderr)."""
    p = ccwtest.run(args)
    return p.returncode, p.stdout + p.stderr


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-secrets.")
    for name, value in SECRETS.items():
        write_secret(os.path.join(work, name), value)
    fake = Fake(args=["-k", SECRETS["api-key"], "-u", "bot@ccwatch.example"])
    url = fake.url
    conf = os.path.join(work, "ccwatch.conf")
    port = 20000 + os.getpid() % 20000

    def write_conf(key_file):
        # Every channel points at a closed port, so every send fails and
        # its error is logged: the failure paths are what could leak.
        with open(conf, "w") as f:
            f.write("[bugzilla]\nurl = %s\napi_key_file = %s\nretries = 1\n"
                    "[store]\npath = %s/ccwatch.db\n[daemon]\npoll_interval = 3600\n"
                    "[feed]\nlisten = 127.0.0.1:%d\ntoken_file = %s\n"
                    % (url, key_file, work, port, os.path.join(work, "feed-token")))
            f.write("[route \"all\"]\nchannels = mail, slack, hook\n"
                    "[channel \"mail\"]\ntype = smtp\nurl = smtp://127.0.0.1:1\n"
                    "from = ccwatch@ccwatch.example\nto = team@ca.example\n"
                    "require_starttls = no\nusername = ccwatch\npassword_file = %s\n"
                    "[channel \"slack\"]\ntype = slack\nwebhook_url_file = %s\n"
                    "[channel \"hook\"]\ntype = webhook\nurl = http://127.0.0.1:1/hook\n"
                    "secret_file = %s\n"
                    % tuple(os.path.join(work, n) for n in
                            ("smtp-password", "slack-url", "hmac-secret")))

    try:
        write_conf(os.path.join(work, "api-key"))
        rc, out = run([CCWATCH, "-v", "-v", "-c", conf, "sync"])
        check(rc == 0, "sync with the API key works (%d)" % rc)
        check(not leaks(out), "no secret in sync's verbose output")

        # A wrong key: the server refuses, the error names no key.
        wrong = os.path.join(work, "wrong-key")
        write_secret(wrong, SECRETS["api-key"][::-1])
        SECRETS["wrong-key"] = SECRETS["api-key"][::-1]
        write_conf(wrong)
        rc, out = run([CCWATCH, "-v", "-c", conf, "sync", "--full"])
        check(rc != 0 and not leaks(out), "no secret in the error of a refused key")
        del SECRETS["wrong-key"]
        write_conf(os.path.join(work, "api-key"))

        # A secret file others may read is refused, naming the file.
        loose = os.path.join(work, "loose-key")
        write_file(loose, SECRETS["api-key"] + "\n", 0o644)
        write_conf(loose)
        rc, out = run([CCWATCH, "-c", conf, "sync"])
        check(rc != 0 and loose in out and "readable" in out and not leaks(out),
              "a world-readable key file is refused by name: %s" % out.strip()[:120])
        write_conf(os.path.join(work, "api-key"))

        # Each channel's send fails: its error names no secret.
        for ch in ("mail", "slack", "hook"):
            rc, out = run([CCWATCH, "-v", "-c", conf, "test-notify", ch])
            check(rc != 0 and not leaks(out),
                  "no secret in test-notify %s's failure: %s" % (ch, out.strip()[-100:]))
        rc, out = run([CCWATCH, "-v", "-c", conf, "alerts", "--run"])
        check(not leaks(out), "no secret in a delivery run that fails on every channel")
        rc, out = run([CCWATCH, "-c", conf, "alerts", "--json"])
        check(rc == 0 and not leaks(out), "no secret in the ledger and outbox listing")
        check('"attempts": 1' in out or '"attempts":1' in out,
              "the delivery run did try the channels")

        for fmt in ("json", "ics", "prom", "html"):
            rc, out = run([CCWATCH, "-c", conf, "feed", "--format", fmt])
            check(rc == 0 and not leaks(out), "no secret in the %s feed" % fmt)

        # The daemon: not in argv, not in the environment, not in its log.
        log = open(os.path.join(work, "ccwatchd.log"), "w+")
        d = subprocess.Popen([CCWATCHD, "-d", "-v", "-v", "-c", conf], stdout=log, stderr=log)
        # The end of the first cycle, its failing deliveries included.
        check(wait_until(lambda: "next cycle in" in open(log.name).read(), 30),
              "the daemon finished its first cycle")
        cmdline = open("/proc/%d/cmdline" % d.pid, "rb").read().decode(errors="replace")
        environ = open("/proc/%d/environ" % d.pid, "rb").read().decode(errors="replace")
        check(not leaks(cmdline) and not leaks(environ),
              "no secret in the daemon's argv or environment (what ps shows)")
        import urllib.request
        req = urllib.request.Request("http://127.0.0.1:%d/feed.json" % port,
                                     headers={"Authorization": "Bearer " + SECRETS["feed-token"]})
        try:
            body = urllib.request.urlopen(req, timeout=10).read().decode()
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            body = "error: %s" % e
        check(body.startswith("{") and not leaks(body), "no secret in the served feed")
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=15)
        log.seek(0)
        text = log.read()
        check("sync" in text and not leaks(text), "no secret in the daemon's log")
    finally:
        fake.stop()
    return ccwtest.summary()


if __name__ == "__main__":
    sys.exit(main())
