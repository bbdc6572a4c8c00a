#!/usr/bin/python3
"""Reconstruct a feed from its RFC 5005 archives, as an archive consumer
does, and compare the result with the newswire's records.

usage: archive_walk.py NEWSWIRE_ROOT OUT_DIR BASE_URL FEED [SECTION]

FEED is the subscription document relative to OUT_DIR (atom.xml, rss.xml,
sections/x/atom.xml ...). Links are absolute URLs under BASE_URL, read back
from the files under OUT_DIR. Written from RFC 5005 section 4 and RFC 6721:

  * start at the subscription document, follow rel="prev-archive" until a
    document has none; each archive must carry <fh:archive/> and a
    rel="current" link to the subscription document; no document twice;
  * entries are read with python3-feedparser (id, title, updated), RFC 6721
    tombstones (at:deleted-entry ref/when) with ElementTree;
  * per id the copy with the latest time wins (entry: updated; tombstone:
    when), ties going to the copy nearer the subscription document.

Then every record of the feed must come out exactly once: a published one as
an entry with its current title and updated, a withdrawn one as a
tombstone; nothing else may come out, and no document may hold an id twice.
Exit 0 if so; 1 with reasons on stdout; 77 if feedparser is missing.
"""
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
FH = "{http://purl.org/syndication/history/1.0}"
AT = "{http://purl.org/atompub/tombstones/1.0}"
WF = "{https://wirefeed.dev/ns/record/1.0}"


def epoch(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def records(root, section):
    want = {}
    for path in glob.glob(root + "/articles/*.xml"):
        e = ET.parse(path).getroot()
        terms = [c.get("term") for c in e.findall(ATOM + "category")]
        if section and section not in terms:
            continue
        status = e.find(WF + "status")
        withdrawn = status is not None and status.text.strip() == "withdrawn"
        want[e.find(ATOM + "id").text] = {
            "title": e.find(ATOM + "title").text,
            "updated": epoch(e.find(ATOM + "updated").text),
            "withdrawn": withdrawn,
        }
    return want


def head(tree):
    """(links by rel, has fh:archive, tombstones) of an Atom or RSS doc."""
    top = tree.getroot()
    if top.tag == "rss":
        top = top.find("channel")
    links = {}
    for link in top.findall(ATOM + "link"):
        links.setdefault(link.get("rel", "alternate"), []).append(link.get("href"))
    tombs = [(t.get("ref"), epoch(t.get("when"))) for t in top.findall(AT + "deleted-entry")]
    return links, top.find(FH + "archive") is not None, tombs


def main():
    root, out, base, feed = sys.argv[1:5]
    section = sys.argv[5] if len(sys.argv) > 5 else None
    problems = []

    def path_of(url):
        if not url.startswith(base):
            problems.append("link outside the feed set: %s" % url)
            return None
        return out + "/" + url[len(base):]

    sub_url = base + feed
    url, seen, docs = sub_url, set(), []
    while url:
        if url in seen:
            problems.append("prev-archive cycle at %s" % url)
            break
        seen.add(url)
        path = path_of(url)
        if path is None:
            break
        try:
            data = open(path, "rb").read()
        except OSError as err:
            problems.append("cannot read %s: %s" % (url, err))
            break
        links, is_archive, tombs = head(ET.ElementTree(ET.fromstring(data)))
        parsed = feedparser.parse(data)
        if parsed.bozo:
            problems.append("%s: bozo %r" % (url, parsed.get("bozo_exception")))
        if docs and not is_archive:
            problems.append("%s: archive without fh:archive" % url)
        if not docs and is_archive:
            problems.append("%s: subscription document marked fh:archive" % url)
        if docs and links.get("current") != [sub_url]:
            problems.append("%s: rel=current %r, want %s" % (url, links.get("current"), sub_url))
        ids = [e.id for e in parsed.entries] + [r for r, _ in tombs]
        if len(ids) != len(set(ids)):
            problems.append("%s holds an id twice" % url)
        docs.append((url, parsed.entries, tombs))
        prev = links.get("prev-archive", [])
        if len(prev) > 1:
            problems.append("%s: two prev-archive links" % url)
        url = prev[0] if prev else None

    kept = {}
    for n, (url, entries, tombs) in enumerate(docs):
        copies = [(e.id, ("entry", e.title, int(datetime.datetime(*e.updated_parsed[:6], tzinfo=datetime.timezone.utc).timestamp())))
                  for e in entries]
        copies += [(ref, ("withdrawn", None, when)) for ref, when in tombs]
        for id_, (kind, title, t) in copies:
            old = kept.get(id_)
            if old is None or t > old[2]:
                kept[id_] = (kind, title, t)

    want = records(root, section)
    for id_, w in sorted(want.items()):
        got = kept.get(id_)
        if got is None:
            problems.append("%s: missing from the walk" % id_)
        elif w["withdrawn"]:
            if got[0] != "withdrawn":
                problems.append("%s: withdrawn, but the walk shows it as %r" % (id_, got))
        elif got[0] != "entry" or got[1] != w["title"] or got[2] != w["updated"]:
            problems.append("%s: walk gives %r, want title %r updated %d"
                            % (id_, got, w["title"], w["updated"]))
    for id_ in sorted(set(kept) - set(want)):
        problems.append("%s: not a record of this feed" % id_)
    for p in problems:
        print(p)
    print("%s: %d documents, %d stories, %d problems" % (feed, len(docs), len(kept), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
