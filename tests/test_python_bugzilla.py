#!/usr/bin/python3
"""Drive the fake Bugzilla with Debian's python-bugzilla REST client.

Usage: test_python_bugzilla.py [URL], where URL is the fake's base URL;
without it the test starts tests/fakebz on the small corpus itself.
A real client library reading the fake the way it reads BMO is the check
that the fake's shapes are ones clients actually parse.
"""
import os
import sys

import bugzilla

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccwtest  # noqa: E402
from ccwtest import Fake  # noqa: E402


def check(name, cond):
    """Count one assertion named name (ccwtest.check with the name first)."""
    ccwtest.check(cond, name)


def main():
    if len(sys.argv) > 1:
        return run(sys.argv[1])
    fake = Fake(args=["-p", "0"])
    try:
        return run(fake.url)
    finally:
        fake.stop()


def run(url):
    """The assertions against the fake at url; returns the exit status."""
    bz = bugzilla.Bugzilla(url + "/rest/", force_rest=True)
    check("is_rest", bz.is_rest)

    query = bz.build_query(product="CA Program",
                           component="CA Certificate Compliance")
    bugs = bz.query(query)
    ids = sorted(b.id for b in bugs)
    check("search ids", ids == [1800001, 1800002])
    by_id = {b.id: b for b in bugs}
    check("summary", by_id[1800001].summary ==
          "Example CA: OV certificates issued with incorrect "
          "jurisdictionLocality")
    check("status", by_id[1800002].status == "RESOLVED")
    check("resolution", by_id[1800002].resolution == "FIXED")
    check("whiteboard", by_id[1800001].whiteboard ==
          "[ca-compliance] [ov-misissuance] Next update 2024-06-01")

    query = bz.build_query(product=["CA Program", "NSS"],
                           component="CA Certificate Compliance",
                           status=["NEW", "ASSIGNED"])
    ids = sorted(b.id for b in bz.query(query))
    check("search repeated params", ids == [1800001, 1800003])

    ret = bz.get_comments([1800001])
    comments = ret["bugs"]["1800001"]["comments"]
    check("comment count", len(comments) == 3)
    check("comment order", [c["count"] for c in comments] == [0, 1, 2])
    check("comment text", comments[2]["text"] ==
          "Please provide the next update.")

    bug = bz.getbug(1800003)
    check("getbug summary", bug.summary.startswith("Zürich Trust"))
    texts = [c["text"] for c in bug.getcomments()]
    check("private comment hidden", texts ==
          ["Unicode test: Zürich, 東京.", "Public follow-up."])
    flags = bug.flags
    check("needinfo without requestee",
          len(flags) == 1 and "requestee" not in flags[0])

    hist = bug.get_history_raw()
    check("history", hist["bugs"][0]["history"][0]["changes"][0]["added"] ==
          "needinfo?")

    # Search omits a missing id; Bug.get answers BMO's 404/101 error.
    check("missing id omitted", bz.query(bz.build_query(bug_id=[999])) == [])
    try:
        bz._backend._get("/bug/999")
        check("missing bug raises", False)
    except Exception as e:  # requests raises on the HTTP 404 first
        check("missing bug raises", "404" in str(e))

    return ccwtest.summary()


if __name__ == "__main__":
    sys.exit(main())
