#!/usr/bin/python3
"""Fetch a served feed with Debian's newsboat, as a reader would, and
compare what it stored with the newswire's records.

usage: newsboat_check.py NEWSWIRE_ROOT FEED_URL [SECTION]
Exit 0 if newsboat stored every published record of the feed once (guid =
record id, title, pubDate = published); 1 otherwise (reasons on stdout);
77 if newsboat is missing.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feedparser_check import expected  # noqa: E402  (records -> expectations)


def main():
    root, url = sys.argv[1], sys.argv[2]
    section = sys.argv[3] if len(sys.argv) > 3 else None
    if not shutil.which("newsboat"):
        print("newsboat is not installed")
        return 77
    want = expected(root, section)
    with tempfile.TemporaryDirectory() as home:
        urls = os.path.join(home, "urls")
        config = os.path.join(home, "config")
        cache = os.path.join(home, "cache.db")
        with open(urls, "w") as f:
            f.write(url + "\n")
        open(config, "w").close()
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home)
        run = subprocess.run(["newsboat", "-u", urls, "-C", config, "-c", cache,
                              "-x", "reload"], env=env, capture_output=True,
                             timeout=60, stdin=subprocess.DEVNULL)
        if run.returncode != 0:
            print("newsboat failed: %s" % run.stderr.decode(errors="replace"))
            return 1
        db = sqlite3.connect(cache)
        rows = db.execute("SELECT guid, title, pubDate FROM rss_item").fetchall()
        db.close()
    problems = []
    seen = {}
    for guid, title, pub in rows:
        seen[guid] = seen.get(guid, 0) + 1
        w = want.get(guid)
        if w is None:
            problems.append("unexpected item %s" % guid)
            continue
        if title != w["title"]:
            problems.append("%s: title %r, want %r" % (guid, title, w["title"]))
        if int(pub) != w["published"]:
            problems.append("%s: pubDate %s, want %d" % (guid, pub, w["published"]))
    for guid, n in seen.items():
        if n > 1:
            problems.append("%s stored %d times" % (guid, n))
    for missing in sorted(set(want) - set(seen)):
        problems.append("missing item %s" % missing)
    for p in problems:
        print(p)
    print("%s: newsboat stored %d items, %d problems" % (url, len(rows), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
