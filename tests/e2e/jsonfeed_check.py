#!/usr/bin/python3
"""Check every feed.json under OUT_DIR against the JSON Feed 1.1 rules and
against the atom.xml beside it.

usage: jsonfeed_check.py OUT_DIR

Per https://jsonfeed.org/version/1.1: strict UTF-8 and JSON (no raw control
characters), version, title and items required, URLs and dates as strings
(RFC 3339 with a zone), authors as objects with name/url/avatar, items with
a string id, content_html or content_text, attachments with url and
mime_type, tags as strings, extension keys starting with '_' holding
objects with "about". Update rules: ids unique, date_modified not before
date_published. Mirror: the same ids in the same order as the Atom
document's entries, date_published = published, date_modified = updated,
title = title (same strings), and _wirefeed.withdrawn = the Atom
tombstones. Exit 0 if all hold; 1 with reasons.
"""
import datetime
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
ITEM_STRINGS = ("url", "external_url", "title", "content_html", "content_text",
                "summary", "image", "banner_image", "date_published", "date_modified", "language")
FEED_STRINGS = ("home_page_url", "feed_url", "description", "user_comment", "next_url",
                "icon", "favicon", "language")


def check_authors(where, authors, problems):
    if not isinstance(authors, list):
        problems.append("%s: authors is not an array" % where)
        return
    for a in authors:
        if not isinstance(a, dict) or not any(k in a for k in ("name", "url", "avatar")):
            problems.append("%s: author without name, url or avatar" % where)


def check_extensions(where, obj, problems):
    for k, v in obj.items():
        if k.startswith("_") and (not isinstance(v, dict) or "about" not in v):
            problems.append("%s: extension %s is not an object with about" % (where, k))


def check(path, problems):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8", errors="strict")
        doc = json.loads(text)  # strict: raw control characters refused
    except (UnicodeDecodeError, ValueError) as err:
        problems.append("%s: not UTF-8 JSON: %s" % (path, err))
        return
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("%s: version %r" % (path, doc.get("version")))
    if not isinstance(doc.get("title"), str):
        problems.append("%s: no title" % path)
    for k in FEED_STRINGS:
        if k in doc and not isinstance(doc[k], str):
            problems.append("%s: %s is not a string" % (path, k))
    if "author" in doc:
        problems.append("%s: JSON Feed 1.0 author; 1.1 has authors" % path)
    if "authors" in doc:
        check_authors(path, doc["authors"], problems)
    check_extensions(path, doc, problems)
    items = doc.get("items")
    if not isinstance(items, list):
        problems.append("%s: items is not an array" % path)
        return
    ids = []
    for it in items:
        where = "%s item %s" % (path, it.get("id"))
        if not isinstance(it.get("id"), str) or not it["id"]:
            problems.append("%s: id is not a non-empty string" % where)
        ids.append(it.get("id"))
        if "content_html" not in it and "content_text" not in it:
            problems.append("%s: neither content_html nor content_text" % where)
        for k in ITEM_STRINGS:
            if k in it and not isinstance(it[k], str):
                problems.append("%s: %s is not a string" % (where, k))
        for k in ("date_published", "date_modified"):
            if k in it and not RFC3339.match(it[k]):
                problems.append("%s: %s %r is not RFC 3339" % (where, k, it[k]))
        if "date_published" in it and "date_modified" in it:
            p = datetime.datetime.fromisoformat(it["date_published"].replace("Z", "+00:00"))
            m = datetime.datetime.fromisoformat(it["date_modified"].replace("Z", "+00:00"))
            if m < p:
                problems.append("%s: date_modified before date_published" % where)
        if "authors" in it:
            check_authors(where, it["authors"], problems)
        if "tags" in it and not all(isinstance(t, str) for t in it["tags"]):
            problems.append("%s: tags must be strings" % where)
        for att in it.get("attachments", []):
            if not isinstance(att.get("url"), str) or not isinstance(att.get("mime_type"), str):
                problems.append("%s: attachment without url or mime_type" % where)
        check_extensions(where, it, problems)
    if len(ids) != len(set(ids)):
        problems.append("%s: duplicate item ids" % path)

    atom_path = os.path.join(os.path.dirname(path), "atom.xml")
    feed = ET.parse(atom_path).getroot()
    entries = feed.findall(ATOM + "entry")
    want = [(e.find(ATOM + "id").text, e.find(ATOM + "title").text,
             e.find(ATOM + "published").text, e.find(ATOM + "updated").text) for e in entries]
    got = [(it.get("id"), it.get("title"), it.get("date_published"), it.get("date_modified")) for it in items]
    if got != want:
        problems.append("%s: items differ from %s:\n  json %r\n  atom %r" % (path, atom_path, got, want))
    tombs = sorted((t.get("ref"), t.get("when")) for t in feed.findall(AT + "deleted-entry"))
    withdrawn = sorted((w["id"], w["date_withdrawn"])
                       for w in doc.get("_wirefeed", {}).get("withdrawn", []))
    if tombs != withdrawn:
        problems.append("%s: withdrawn %r, Atom tombstones %r" % (path, withdrawn, tombs))


def main():
    problems = []
    files = sorted(glob.glob(sys.argv[1] + "/**/feed.json", recursive=True))
    for path in files:
        check(path, problems)
    for p in problems:
        print(p)
    print("%d JSON feeds, %d problems" % (len(files), len(problems)))
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
