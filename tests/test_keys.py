#!/usr/bin/python3
"""The API key: read safely, and checked with the server before use.

1. An api_key_file that is a FIFO (nobody writing), a Unix socket, a
   device or a symbolic link is refused at once by `ccwatch config-check`
   and `ccwatchd -n`, each naming the file; neither hangs.
2. ccwatchd asks /rest/whoami at start: a key the fake rejects (code 306)
   and a key the server ignores (`fakebz -U -w`: upstream Bugzilla 5.2,
   which reads no X-BUGZILLA-API-KEY header, with a /rest/whoami added)
   stop it with the reason; a good key starts it, and the login it learns is [people] self.
3. On reload (SIGHUP) a rejected key is refused and the old configuration
   stays.
4. A server without /rest/whoami (`fakebz -W`; upstream Bugzilla 5.2,
   `fakebz -U`, has none): ccwatchd asks /rest/valid_login whether the key
   is [people] self's.  A key the header carries starts it; one the server
   takes only as api_key= (-U) is refused as ignored; a wrong key or one that is
   not self's is refused; without [people] self it is refused and says
   to set it.

Bounded waits; everything listens on 127.0.0.1.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.error

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import (CCWATCH, CCWATCHD, Fake, check, run, section, wait_until,  # noqa: E402
                     write_conf, write_secret)

KEY = "ccwKeyCheck-0123456789abcdef"
LOGIN = "bot@ccwatch.example"


def conf_with(work, url, key_file, name="ccwatch.conf", self_login=None):
    """A daemon configuration with the key file (and [people] self)."""
    people = section("people", self=self_login) if self_login else ""
    return write_conf(os.path.join(work, name), people,
                      section("bugzilla", url=url, retries=0, timeout=5,
                              api_key_file=key_file),
                      section("store", path=os.path.join(work, "ccwatch.db")),
                      section("daemon", poll_interval=3600, poll_jitter=0),
                      section('ca "Example CA"', domains="example-ca.test"))


def special_files(work):
    """name -> path of a FIFO, a socket, a device and a link to a good key."""
    fifo = os.path.join(work, "fifo-key")
    os.mkfifo(fifo, 0o600)
    sock_path = os.path.join(work, "sock-key")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(sock_path)
    good = os.path.join(work, "good-key")
    write_secret(good, KEY)
    link = os.path.join(work, "link-key")
    os.symlink(good, link)
    return {"fifo": fifo, "socket": sock_path, "device": "/dev/zero", "link": link}, sock


def phase_files(work, url):
    files, sock = special_files(work)
    try:
        for kind, path in files.items():
            conf = conf_with(work, url, path, "special.conf")
            for argv in ([CCWATCH, "-c", conf, "config-check"], [CCWATCHD, "-n", "-c", conf]):
                try:
                    r = run(argv, timeout=10)
                    done, out = True, r.stdout + r.stderr
                except subprocess.TimeoutExpired:
                    done, out = False, "hung"
                check(done and r.returncode != 0 and path in out and
                      ("not a regular file" in out or "symbolic link" in out),
                      "%s: an api_key_file that is a %s is refused at once: %s"
                      % (os.path.basename(argv[0]), kind, out.strip()[:200]))
    finally:
        sock.close()


def start(conf, work, name):
    """ccwatchd -d on conf; returns (process, log path)."""
    path = os.path.join(work, name + ".log")
    log = open(path, "w")
    p = subprocess.Popen([CCWATCHD, "-d", "-c", conf], stdout=log, stderr=log)
    log.close()
    return p, path


def read(path):
    with open(path) as f:
        return f.read()


def refused_at_start(work, url, key, what, want, self_login=None):
    key_file = os.path.join(work, "key-" + what)
    write_secret(key_file, key)
    p, log = start(conf_with(work, url, key_file, self_login=self_login), work, what)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    text = read(log)
    check(rc == 1 and want in text and KEY not in text and KEY[6:] not in text,
          "ccwatchd refuses %s: exit %s, %s" % (what, rc, text.strip()[-300:]))


def phase_no_whoami(work):
    """A server without /rest/whoami: the key is checked with /rest/valid_login."""
    old = Fake(args=["-W", "-k", KEY, "-u", LOGIN])
    old_upstream = Fake(args=["-U", "-k", KEY, "-u", LOGIN])
    try:
        try:
            old.get("/rest/whoami")
            no_whoami = False
        except urllib.error.HTTPError as e:
            no_whoami = e.code == 404 and json.load(e).get("code") == 32614
        check(no_whoami and
              old.get("/rest/valid_login?login=%s&api_key=%s" % (LOGIN, KEY)) == {"result": True} and
              old.get("/rest/valid_login?login=%s" % LOGIN) == {"result": False},
              "fakebz -W has no whoami and answers valid_login")
        key_file = os.path.join(work, "key-old")
        write_secret(key_file, KEY)
        p, log = start(conf_with(work, old.url, key_file, "old.conf", LOGIN), work, "old")
        try:
            ok = wait_until(lambda: "ready:" in read(log) or p.poll() is not None, 30)
            text = read(log)
            check(ok and p.poll() is None and "the API key is %s's" % LOGIN in text,
                  "no whoami: a key valid_login accepts in the header starts ccwatchd: %s"
                  % text.strip()[-200:])
        finally:
            p.send_signal(signal.SIGTERM)
            check(p.wait(timeout=20) == 0, "and it stops with exit 0")
        refused_at_start(work, old_upstream.url, KEY, "a key upstream 5.2 takes only as api_key=",
                         "the server ignores the API key", LOGIN)
        refused_at_start(work, old.url, "wrong-" + KEY[6:], "a wrong key without whoami",
                         "the server rejects the API key", LOGIN)
        refused_at_start(work, old.url, KEY, "a key that is not self's",
                         "does not accept the API key as someone@else.example",
                         "someone@else.example")
        refused_at_start(work, old.url, KEY, "a key without [people] self",
                         "set [people] self")
    finally:
        old.stop()
        old_upstream.stop()


def main():
    work = tempfile.mkdtemp(prefix="ccwatch-keys.")
    bmo = Fake(args=["-k", KEY, "-u", LOGIN])
    upstream = Fake(args=["-U", "-w", "-k", KEY, "-u", LOGIN])
    try:
        phase_files(work, bmo.url)
        refused_at_start(work, bmo.url, "wrong-" + KEY[6:], "a rejected key",
                         "the server rejects the API key")
        refused_at_start(work, upstream.url, KEY, "an ignored key",
                         "the server ignores the API key")
        phase_no_whoami(work)

        key_file = os.path.join(work, "key")
        write_secret(key_file, KEY)
        conf = conf_with(work, bmo.url, key_file)
        p, log = start(conf, work, "good")
        try:
            ok = wait_until(lambda: "ready:" in read(log), 30)
            text = read(log)
            check(ok and p.poll() is None, "ccwatchd starts with a good key")
            check("the API key is %s's" % LOGIN in text, "and learns its login: %s"
                  % text.strip()[-200:])
            # A reload with a key the server rejects keeps the old one.
            write_secret(key_file, "wrong-" + KEY[6:])
            p.send_signal(signal.SIGHUP)
            ok = wait_until(lambda: "keeping the old configuration" in read(log), 30)
            text = read(log)
            check(ok and "rejects the API key" in text and p.poll() is None,
                  "a reload with a rejected key is refused: %s" % text.strip()[-300:])
        finally:
            p.send_signal(signal.SIGTERM)
            check(p.wait(timeout=20) == 0, "ccwatchd stops with exit 0")
        check(KEY not in read(log), "the key is in no log line")
    finally:
        bmo.stop()
        upstream.stop()
    return ccwtest.summary(work)


if __name__ == "__main__":
    sys.exit(main())
