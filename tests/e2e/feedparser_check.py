#!/usr/bin/python3
"""Read a built feed with Debian's python3-feedparser, the way a reader's
client would, and compare it with the newswire's records.

usage: feedparser_check.py NEWSWIRE_ROOT FEED_FILE [SECTION]
Exit 0 if feedparser reads it cleanly (bozo == 0) and every published
record of the feed is there once with the right id, title, published and
updated, newest updated first (ties by id); 1 otherwise (reasons on
stdout); 77 if feedparser is missing.
"""
import calendar
import datetime
import glob
import sys
import xml.etree.ElementTree as ET

try:
    import feedparser
except ImportError:
    print("python3-feedparser is not installed")
    sys.exit(77)

ATOM = "{http://www.w3.org/2005/Atom}"
WF = "{https://wirefeed.dev/ns/record/1.0}"


def epoch(rfc3339):
    return int(datetime.datetime.fromisoformat(rfc3339).timestamp())


def expected(root, section):
    want = {}
    for path in glob.glob(root + "/articles/*.xml"):
        e = ET.parse(path).getroot()
        status = e.find(WF + "status")
        if status is not None and status.text.strip() == "withdrawn":
            continue
        terms = [c.get("term") for c in e.findall(ATOM + "category")]
        if section and section not in terms:
            continue
        want[e.find(ATOM + "id").text] = {
            "title": e.find(ATOM + "title").text,
            "published": epoch(e.find(ATOM + "published").text),
            "updated": epoch(e.find(ATOM + "updated").text),
        }
    return want


def main():
    root, feed_file = sys.argv[1], sys.argv[2]
    section = sys.argv[3] if len(sys.argv) > 3 else None
    want = expected(root, section)
    d = feedparser.parse(feed_file)
    problems = []
    if d.bozo:
        problems.append("bozo=1: %r" % d.get("bozo_exception"))
    seen = set()
    for e in d.entries:
        if e.id in seen:
            problems.append("%s appears twice" % e.id)
        seen.add(e.id)
        w = want.get(e.id)
        if w is None:
            problems.append("unexpected entry %s" % e.id)
            continue
        if e.title != w["title"]:
            problems.append("%s: title %r, want %r" % (e.id, e.title, w["title"]))
        pub = calendar.timegm(e.published_parsed)
        if pub != w["published"]:
            problems.append("%s: published %d, want %d" % (e.id, pub, w["published"]))
        # the raw update field: updated (Atom) or atom:updated (RSS)
        raw = e.get("updated_parsed")
        if raw is None or calendar.timegm(raw) != w["updated"]:
            problems.append("%s: updated %r, want %d" % (e.id, raw, w["updated"]))
    # order: newest updated first, ties broken by id
    got_order = [e.id for e in d.entries if e.id in want]
    want_order = sorted(got_order, key=lambda i: (-want[i]["updated"], i))
    if got_order != want_order:
        problems.append("entries out of order: %s" % got_order)
    for missing in sorted(set(want) - seen):
        problems.append("missing entry %s" % missing)
    newest = max((w["updated"] for w in want.values()), default=None)
    feed_updated = d.feed.get("updated_parsed")
    if newest is not None and (feed_updated is None or
                               calendar.timegm(feed_updated) != newest):
        problems.append("feed updated %r, want %d" % (feed_updated, newest))
    for p in problems:
        print(p)
    print("%s: %d entries, %d problems" % (feed_file, len(d.entries), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
