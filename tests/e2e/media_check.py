#!/usr/bin/python3
"""Check the story images of a built feed as python3-feedparser reads Media
RSS: every record with a wf:image has one media_content (url, type, medium,
fileSize) and a media_credit equal to the record's credit, and the Media RSS
caption does not replace the entry's own summary or content.

usage: media_check.py NEWSWIRE_ROOT FEED_FILE
Exit 0 if so (and at least one image was checked), 1 otherwise (reasons on
stdout), 77 if feedparser is missing.
"""
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


def records_with_images(root):
    want = {}
    for path in glob.glob(root + "/articles/*.xml"):
        e = ET.parse(path).getroot()
        status = e.find(WF + "status")
        if status is not None and status.text.strip() == "withdrawn":
            continue
        img = e.find(WF + "image")
        if img is None:
            continue
        summary = e.find(ATOM + "summary")
        want[e.find(ATOM + "id").text] = {
            "url": img.get("href"),
            "type": img.get("type"),
            "length": img.get("length"),
            "caption": (img.findtext(WF + "caption") or None),
            "credit": (img.findtext(WF + "credit") or None),
            "summary": summary.text if summary is not None else None,
        }
    return want


def main():
    root, feed_file = sys.argv[1], sys.argv[2]
    want = records_with_images(root)
    d = feedparser.parse(feed_file)
    problems = []
    if d.bozo:
        problems.append("bozo=1: %r" % d.get("bozo_exception"))
    checked = 0
    for e in d.entries:
        w = want.get(e.id)
        if w is None:
            if "media_content" in e:
                problems.append("%s: media_content without an image" % e.id)
            continue
        checked += 1
        mc = e.get("media_content", [])
        if len(mc) != 1:
            problems.append("%s: %d media_content, want 1" % (e.id, len(mc)))
            continue
        m = mc[0]
        for key, got, exp in (("url", m.get("url"), w["url"]),
                              ("type", m.get("type"), w["type"]),
                              ("medium", m.get("medium"), "image"),
                              ("filesize", m.get("filesize"), w["length"])):
            if got != exp:
                problems.append("%s: media_content %s %r, want %r" % (e.id, key, got, exp))
        credits = [c.get("content") for c in e.get("media_credit", [])]
        exp_credits = [w["credit"]] if w["credit"] else []
        if credits != exp_credits:
            problems.append("%s: media_credit %r, want %r" % (e.id, credits, exp_credits))
        # the caption must not take the place of the story's summary/body
        if w["summary"] and e.get("summary") != w["summary"]:
            problems.append("%s: summary became %r" % (e.id, e.get("summary")))
        if w["caption"] and e.get("summary") == w["caption"]:
            problems.append("%s: the caption became the summary" % e.id)
        content = e.get("content", [])
        if not content or content[0].value == w["caption"]:
            problems.append("%s: content[0] is not the story body" % e.id)
    if checked == 0:
        problems.append("no entry with an image in %s" % feed_file)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
