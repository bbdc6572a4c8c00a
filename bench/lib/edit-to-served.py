#!/usr/bin/env python3
"""From an edit made with `wirefeed update` returning to a client fetching
the new bytes over HTTP from a running `wirefeed serve`, in milliseconds,
one line per edit. One process runs the edits and polls (keep-alive, 1 ms
apart), so neither interpreter start-up nor a fork sits inside the time.

usage: edit-to-served.py BIN ROOT PORT PATH ID [ID ...]
EDIT_GAP_S: seconds between edits (default 0.3)
"""
import http.client
import os
import subprocess
import sys
import time

binary, root, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port)
for k, story in enumerate(sys.argv[5:]):
    title = "Served headline %d %d %d" % (k, os.getpid(), time.time_ns())
    subprocess.run([binary, "update", story, "--title", title, "--root", root],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    want = title.encode()
    while True:
        conn.request("GET", path)
        if want in conn.getresponse().read():
            break
        if time.monotonic() - t0 > 30:
            print(-1)
            sys.exit(1)
        time.sleep(0.001)
    print(round((time.monotonic() - t0) * 1000, 1), flush=True)
    # edits a newsroom apart, not a burst
    time.sleep(float(os.environ.get("EDIT_GAP_S", "0.3")))
