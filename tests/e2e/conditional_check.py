#!/usr/bin/python3
"""A feed reader's poll, as python3-feedparser does it: fetch URL (200, read
cleanly, the entry ID has TITLE), then fetch again with the ETag and
Last-Modified it was given and expect 304.

usage: conditional_check.py URL ID TITLE
Exit 0 if so, 1 otherwise (reasons on stdout), 77 if feedparser is missing.
"""
import sys

try:
    import feedparser
except ImportError:
    print("python3-feedparser is not installed")
    sys.exit(77)


def main():
    url, entry_id, title = sys.argv[1:4]
    problems = []
    d = feedparser.parse(url)
    if d.get("status") != 200:
        problems.append("first fetch: status %r" % d.get("status"))
    if d.bozo:
        problems.append("bozo=1: %r" % d.get("bozo_exception"))
    titles = {e.id: e.title for e in d.entries}
    if titles.get(entry_id) != title:
        problems.append("%s: title %r, want %r" % (entry_id, titles.get(entry_id), title))
    if not d.get("etag"):
        problems.append("no ETag")
    again = feedparser.parse(url, etag=d.get("etag"), modified=d.get("modified"))
    if again.get("status") != 304:
        problems.append("second fetch with ETag %r: status %r, want 304" % (d.get("etag"), again.get("status")))
    if again.entries:
        problems.append("304 came with %d entries" % len(again.entries))
    for p in problems:
        print(p)
    if not problems:
        print("200 (%d entries, etag %s), then 304" % (len(d.entries), d.etag))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
