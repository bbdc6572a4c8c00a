#!/usr/bin/env python3
"""Check a SARIF 2.1.0 log from `wirefeed validate --format sarif` against
the parts of the OASIS SARIF 2.1.0 schema it uses (the project's tests do
not download Microsoft's validator; see docs/validate.md). Exits 1 with the
first problem on stderr."""
import json
import sys
import urllib.parse


def fail(msg):
    sys.stderr.write("sarif_check: %s\n" % msg)
    sys.exit(1)


def main(path):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    if log.get("version") != "2.1.0":
        fail("version is not 2.1.0")
    if not str(log.get("$schema", "")).endswith("sarif-2.1.0.json"):
        fail("$schema is not the SARIF 2.1.0 schema")
    runs = log.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        fail("expected exactly one run")
    driver = runs[0]["tool"]["driver"]
    for key in ("name", "version", "informationUri"):
        if not isinstance(driver.get(key), str) or not driver[key]:
            fail("tool.driver.%s missing" % key)
    if not urllib.parse.urlparse(driver["informationUri"]).scheme:
        fail("informationUri is not absolute")
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        fail("rule ids are not unique")
    for r in rules:
        if not r.get("shortDescription", {}).get("text"):
            fail("rule %s has no shortDescription" % r["id"])
        if not r.get("help", {}).get("text"):
            fail("rule %s has no help text" % r["id"])
        if r.get("defaultConfiguration", {}).get("level") not in ("error", "warning"):
            fail("rule %s has no default level" % r["id"])
    levels = set()
    for res in runs[0].get("results", []):
        rid = res.get("ruleId")
        if rid not in ids:
            fail("result rule %r is not in the rules" % rid)
        if ids[res.get("ruleIndex", -1)] != rid:
            fail("ruleIndex does not point at %s" % rid)
        if res.get("level") not in ("error", "warning"):
            fail("result level %r" % res.get("level"))
        levels.add(res["level"])
        if not res.get("message", {}).get("text"):
            fail("result without message text")
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        if uri.startswith("/") or any(c in uri for c in " \\\n\t"):
            fail("artifact uri %r is not a URI reference" % uri)
        region = loc["region"]
        if region.get("startLine", 0) < 1 or region.get("startColumn", 0) < 1:
            fail("region without 1-based line and column")
    if len(sys.argv) > 2:
        want = set(sys.argv[2].split(","))
        if not want <= levels:
            fail("levels %s, expected %s" % (sorted(levels), sorted(want)))
    print("ok: %d rules, %d results" % (len(rules), len(runs[0].get("results", []))))


main(sys.argv[1])
