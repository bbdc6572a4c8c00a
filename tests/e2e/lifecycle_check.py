#!/usr/bin/python3
"""A story's lifecycle as real clients see it (docs/lifecycle.md).

usage: lifecycle_check.py WIREFEED WORKDIR
Builds a small newswire with `wirefeed build --at` (a test clock) and, at
each step, reads the feeds over HTTP on 127.0.0.1 (a port the OS picks)
with Debian's newsboat (one cache kept across steps, as a reader's) and
python3-feedparser:
  1. story A is live: newsboat stores its title and text;
  2. A is withdrawn: feedparser reports the RFC 6721 tombstone (ref, when)
     in every Atom feed that showed it; newsboat, which had A, now holds the
     notice (title and text replaced), not the original text;
  3. after tombstone_days, A is in no feed (newsboat keeps what it had);
  4. story B expires: the same as a withdrawal, at its expiry.
Exit 0 if every check holds, 1 otherwise (reasons on stdout), 77 if
newsboat or feedparser is missing.
"""
import functools
import http.server
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading

try:
    import feedparser
except ImportError:  # pragma: no cover
    feedparser = None

ID_A = None
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)
    return ok


def run(*args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit("FAIL %s: %s%s" % (" ".join(args), p.stdout, p.stderr))
    return p.stdout


def newsboat_items(home, url):
    """Reload @url with newsboat (cache in @home); {guid: (title, content)}."""
    urls = os.path.join(home, "urls")
    with open(urls, "w") as f:
        f.write(url + "\n")
    config = os.path.join(home, "config")
    open(config, "a").close()
    cache = os.path.join(home, "cache.db")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home)
    p = subprocess.run(["newsboat", "-u", urls, "-C", config, "-c", cache,
                        "-x", "reload"], env=env, capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise SystemExit("FAIL newsboat: %s" % p.stderr.decode(errors="replace"))
    db = sqlite3.connect(cache)
    rows = db.execute("SELECT guid, title, content FROM rss_item").fetchall()
    db.close()
    return {g: (t, c) for g, t, c in rows}


def main():
    wirefeed, work = sys.argv[1], sys.argv[2]
    if not shutil.which("newsboat") or feedparser is None:
        print("newsboat or python3-feedparser is not installed")
        return 77
    root = os.path.join(work, "wire")
    out = os.path.join(work, "public")
    os.makedirs(os.path.join(root, "articles"))
    with open(os.path.join(root, "wirefeed.conf"), "w") as f:
        f.write("title = Lifecycle Wire\n"
                "base_url = http://127.0.0.1/\n"
                "feed_id = urn:uuid:0b7e8f1e-3c55-4e43-9a43-52b3e1a0d6b1\n"
                "tombstone_days = 30\n"
                "tombstone_by = Lifecycle Wire Desk\n"
                "section = city | City\n"
                "section = arts | Arts\n")
    w = functools.partial(run, wirefeed)
    # times in the past: --at may not be in the future
    a = w("new", "--root", root, "--title", "Council approves pay rise",
          "--section", "city", "--summary", "The council voted 7-2.",
          "--at", "2026-01-10T09:00:00Z").strip()
    b = w("new", "--root", root, "--title", "Gallery opens licensed show",
          "--section", "arts", "--summary", "Photographs on loan.",
          "--at", "2026-01-10T10:00:00Z",
          "--expires", "2026-01-20T00:00:00Z").strip()
    c = w("new", "--root", root, "--title", "Harbor ferry schedule",
          "--section", "city", "--summary", "Winter timetable.",
          "--at", "2026-01-10T11:00:00Z").strip()

    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=out)
    http.server.SimpleHTTPRequestHandler.log_message = lambda *x: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d/" % server.server_address[1]
    home = os.path.join(work, "newsboat")
    os.makedirs(home)

    def build(at):
        w("build", "--root", root, "--out", out, "--quiet", "--at", at)
        w("validate", "--strict", *[os.path.join(d, f)
                                    for d, _, fs in os.walk(out) for f in fs
                                    if f.endswith((".xml", ".json"))])

    def parse(path):
        d = feedparser.parse(os.path.join(out, path))
        check(not d.bozo, "%s: feedparser bozo %s" % (path, d.get("bozo_exception")))
        return d

    # 1. live
    build("2026-01-10T12:00:00Z")
    items = newsboat_items(home, base + "atom.xml")
    check(items.get(a, ("",))[0] == "Council approves pay rise",
          "step 1: newsboat lacks story A: %r" % (items.get(a),))
    # 2. withdrawn
    w("withdraw", a, "--root", root, "--reason", "Legal: the vote was misreported.",
      "--at", "2026-01-11T08:00:00Z")
    build("2026-01-11T09:00:00Z")
    for path in ("atom.xml", "sections/city/atom.xml"):
        d = parse(path)
        tomb = d.feed.get("at_deleted-entry", {})
        check(tomb.get("ref") == a and tomb.get("when") == "2026-01-11T08:00:00Z",
              "step 2: %s: feedparser tombstone %r" % (path, tomb))
        mine = [e for e in d.entries if e.id == a]
        check(len(mine) == 1 and mine[0].title == "Story withdrawn" and
              "misreported" in mine[0].summary and
              mine[0].updated == "2026-01-11T08:00:00Z" and
              mine[0].link == "http://127.0.0.1/",  # no link: the site's
              "step 2: %s: the notice entry %r" % (path, mine))
    # at:by, as a person construct in each format's Atom names
    for path, name in (("atom.xml", "<name>"), ("rss.xml", "<atom:name>")):
        with open(os.path.join(out, path)) as f:
            text = f.read()
        by = r"<at:by>\s*%sLifecycle Wire Desk</%s\s*</at:by>" % (name, name[1:])
        check(re.search(by, text) is not None, "step 2: %s: no at:by" % path)
    d = parse("sections/arts/atom.xml")
    check("at_deleted-entry" not in d.feed,
          "step 2: the arts feed, which never showed A, has its tombstone")
    rss = parse("rss.xml")
    mine = [e for e in rss.entries if e.id == a]
    check(len(mine) == 1 and mine[0].title == "Story withdrawn",
          "step 2: rss notice %r" % mine)
    items = newsboat_items(home, base + "atom.xml")
    title, content = items.get(a, ("", ""))
    check(title == "Story withdrawn" and "7-2" not in (content or "") and
          "misreported" in (content or ""),
          "step 2: newsboat shows %r %r" % (title, content))
    check(items.get(c, ("",))[0] == "Harbor ferry schedule",
          "step 2: newsboat lost story C")
    # 4. expiry (before step 3's window ends): B leaves at its expiry
    build("2026-01-19T23:59:59Z")
    check(any(e.id == b and e.title == "Gallery opens licensed show"
              for e in parse("atom.xml").entries), "step 4: B gone before it expired")
    build("2026-01-20T00:00:00Z")
    d = parse("sections/arts/atom.xml")
    tomb = d.feed.get("at_deleted-entry", {})
    check(tomb.get("ref") == b and tomb.get("when") == "2026-01-20T00:00:00Z",
          "step 4: expiry tombstone %r" % tomb)
    mine = [e for e in d.entries if e.id == b]
    check(len(mine) == 1 and mine[0].title == "Story expired",
          "step 4: expiry notice %r" % mine)
    # 3. after the window (30 days after the withdrawal): A is in no feed
    build("2026-02-10T08:00:00Z")
    for path in ("atom.xml", "rss.xml", "feed.json", "sections/city/atom.xml",
                 "sections/city/rss.xml"):
        with open(os.path.join(out, path)) as f:
            check(a not in f.read(), "step 3: %s still names A" % path)
    check(any(e.id == c for e in parse("atom.xml").entries), "step 3: C is gone")
    server.shutdown()
    for p in problems:
        print(p)
    print("lifecycle: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
