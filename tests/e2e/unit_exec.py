#!/usr/bin/python3
"""Run a systemd service unit's ExecStart the way systemd would, where no
systemd is running (containers, CI): Environment= and EnvironmentFile=,
systemd's $VAR / ${VAR} expansion, StateDirectory=, UMask=, User=/Group=
and NoNewPrivileges= (through setpriv(1) when run as root). Then check that
wirefeed serve came up with the unit's paths, answers HTTP, wrote its
static files where the unit says, wrote nothing outside ReadWritePaths=,
rebuilds on ExecReload=, and stops with exit 0 on KillSignal=.

usage: unit_exec.py UNIT [--prefix DIR] [--binary PATH] [--newswire-from DIR]
                    [--set KEY=VALUE]...
  --prefix DIR         prepend DIR to the unit's absolute /var and /etc paths
                       (a test that may not touch the real ones)
  --binary PATH        run PATH instead of the unit's executable (a build tree)
  --newswire-from DIR  copy this newswire into the unit's --root first
  --set KEY=VALUE      as if /etc/default had it (e.g. WIREFEED_LISTEN=127.0.0.1:0)
  --user-fallback NAME run as NAME when the unit's User= does not exist here
                       (a build tree's test: the package creates the user)
Exit 0 when all checks pass, 1 otherwise (reasons on stdout).
"""
import argparse
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request


def parse_unit(path):
    sections, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                cur = sections.setdefault(line[1:-1], {})
                continue
            key, _, value = line.partition("=")
            cur.setdefault(key.strip(), []).append(value.strip())
    return sections


def read_env_file(path, env):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;" or "=" not in line:
                continue
            k, _, v = line.partition("=")
            env[k.strip()] = " ".join(shlex.split(v)) if v.strip() else ""


def expand(words, env):
    """systemd.service(5) "Command lines": ${VAR} is one word, a word that
    is exactly $VAR splits at whitespace (and vanishes when empty)."""
    out = []
    for w in words:
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            out.extend(env.get(m.group(1), "").split())
            continue
        out.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                          lambda m: env.get(m.group(1), ""), w))
    return out


def snapshot(root):
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            files[p] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("unit")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--binary")
    ap.add_argument("--newswire-from")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--user-fallback")
    args = ap.parse_args()
    prefix = args.prefix.rstrip("/")

    def host(path):
        return prefix + path if prefix and path.startswith(("/var/", "/etc/")) else path

    problems = []
    unit = parse_unit(args.unit)
    svc = unit["Service"]
    for key in ("ExecStart", "ExecReload", "User", "ReadWritePaths"):
        if key not in svc:
            print("unit has no %s=" % key)
            return 1
    for key, want in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict")):
        if svc.get(key, [""])[-1] != want:
            problems.append("%s= is not %s" % (key, want))

    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    for e in svc.get("Environment", []):
        for item in shlex.split(e):
            k, _, v = item.partition("=")
            env[k] = v
    for f in svc.get("EnvironmentFile", []):
        optional = f.startswith("-")
        f = host(f.lstrip("-"))
        if os.path.exists(f):
            read_env_file(f, env)
        elif not optional:
            problems.append("EnvironmentFile %s is missing" % f)
    for s in args.set:
        k, _, v = s.partition("=")
        env[k] = v

    user = svc["User"][-1]
    as_root = os.geteuid() == 0
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        pw = None
    if as_root and pw is None and args.user_fallback:
        print("User=%s does not exist here: running as %s" % (user, args.user_fallback))
        user = args.user_fallback
        pw = pwd.getpwnam(user)
    if as_root and pw is None:
        print("User=%s does not exist" % user)
        return 1
    if prefix:
        os.makedirs(prefix, exist_ok=True)
        os.chmod(prefix, 0o755)  # the user must reach the paths below it

    # StateDirectory=: created under /var/lib, owned by the unit's user
    mode = int(svc.get("StateDirectoryMode", ["0755"])[-1], 8)
    for names in svc.get("StateDirectory", []):
        for name in names.split():
            d = host("/var/lib/" + name)
            os.makedirs(d, exist_ok=True)
            os.chmod(d, mode)
            if as_root:
                os.chown(d, pw.pw_uid, pw.pw_gid)

    words = expand(shlex.split(svc["ExecStart"][-1]), env)
    if os.path.basename(words[0]) != "wirefeed" or words[1] != "serve":
        print("ExecStart does not run wirefeed serve: %r" % words)
        return 1
    opt = {}
    for i, w in enumerate(words[:-1]):
        if w.startswith("--"):
            opt[w] = words[i + 1]
    root, out = opt.get("--root"), opt.get("--out")
    if not root or not out:
        print("ExecStart lacks --root or --out: %r" % words)
        return 1
    rw = [p for v in svc["ReadWritePaths"] for p in v.split()]
    for p in (root, out):
        if not any(p == r or p.startswith(r.rstrip("/") + "/") for r in rw):
            problems.append("%s is not in ReadWritePaths=%s" % (p, " ".join(rw)))
    exe = words[0]
    words = [host(w) if w.startswith("/") else w for w in words]
    if args.binary and prefix:
        # installed at the unit's path below the prefix, where its user can
        # run it (a build tree may sit in a home only its owner can enter)
        os.makedirs(os.path.dirname(prefix + exe), exist_ok=True)
        shutil.copy(args.binary, prefix + exe)
        words[0] = prefix + exe
    elif args.binary:
        words[0] = args.binary
    root, out = host(root), host(out)

    if args.newswire_from:
        # records and config only: not the index or store a build in the
        # source tree (tools/demo) leaves there
        shutil.copytree(args.newswire_from, root, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(
                            ".wirefeed-index", ".wirefeed-store", ".lock"))
        if as_root:
            for d, _, names in os.walk(root):
                for p in [d] + [os.path.join(d, n) for n in names]:
                    os.chown(p, pw.pw_uid, pw.pw_gid)
    for cond in unit.get("Unit", {}).get("ConditionPathExists", []):
        if not os.path.exists(host(cond)):
            problems.append("ConditionPathExists=%s does not hold" % cond)

    cmd = list(words)
    if as_root:
        # what User=, Group= and NoNewPrivileges= do
        cmd = ["setpriv", "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid),
               "--init-groups", "--no-new-privs", "--"] + cmd
    umask = int(svc.get("UMask", ["0022"])[-1], 8)
    watch = prefix or None
    before = snapshot(watch) if watch else {}
    log = tempfile.NamedTemporaryFile(prefix="unit-exec-", suffix=".log", delete=False)
    print("running:", " ".join(shlex.quote(w) for w in cmd))
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd="/",
                            preexec_fn=lambda: os.umask(umask))

    def log_text():
        with open(log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for(pattern, seconds):
        end = time.time() + seconds
        while time.time() < end:
            m = re.search(pattern, log_text())
            if m:
                return m
            if proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    try:
        m = wait_for(r"serving \d+ files on (http://\S+?)/ ", 20)
        if not m:
            print("did not start; log:\n" + log_text())
            return 1
        base = m.group(1)
        with urllib.request.urlopen(base + "/atom.xml", timeout=10) as r:
            body = r.read()
            if r.status != 200:
                problems.append("GET /atom.xml: %d" % r.status)
        served = os.path.join(out, "atom.xml")
        if not os.path.exists(served):
            problems.append("no %s" % served)
        elif open(served, "rb").read() != body:
            problems.append("%s differs from what was served" % served)
        elif as_root and os.stat(served).st_uid != pw.pw_uid:
            problems.append("%s is not owned by %s" % (served, user))
        elif os.stat(served).st_mode & 0o044 != 0o044:
            problems.append("%s is not readable by the web server" % served)

        reload_words = expand(shlex.split(svc["ExecReload"][-1]),
                              dict(env, MAINPID=str(proc.pid)))
        if subprocess.call(reload_words) != 0:
            problems.append("ExecReload failed: %r" % reload_words)
        elif not wait_for(r"SIGHUP: rebuilding[\s\S]*rebuilt \(", 20):
            problems.append("ExecReload did not rebuild; log:\n" + log_text())
    finally:
        kill = svc.get("KillSignal", ["SIGTERM"])[-1]
        if proc.poll() is None:
            proc.send_signal(getattr(signal, kill))
        timeout = float(svc.get("TimeoutStopSec", ["90"])[-1].rstrip("s"))
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = "killed after TimeoutStopSec"
        if rc != 0:
            problems.append("exit status after %s: %s; log:\n%s" % (kill, rc, log_text()))
        os.unlink(log.name)

    if watch:
        allowed = [host(p) for p in rw]
        for p, st in snapshot(watch).items():
            if before.get(p) != st and not any(p.startswith(a.rstrip("/") + "/") for a in allowed):
                problems.append("wrote %s, outside ReadWritePaths" % p)
    for p in problems:
        print(p)
    if not problems:
        print("ok: %s ran %s serve --root %s --out %s as %s" % (
            os.path.basename(args.unit), words[0], root, out,
            user if as_root else pwd.getpwuid(os.geteuid()).pw_name + " (not root: User= not applied)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
