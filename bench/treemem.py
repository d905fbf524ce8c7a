#!/usr/bin/python3
"""Runs a command and measures its wall time and memory, worker processes included.

  treemem.py OUT.json COMMAND [ARG...]

COMMAND runs under `/usr/bin/time -v` (its report goes to OUT.json.time);
meanwhile the resident memory of the whole process tree (COMMAND and every
descendant) is summed every 0.2 s as RSS (cheap: /proc/PID/statm), and as
PSS (proportional set size, which counts a page shared by N processes 1/N
in each, so the pages that forked workers share with their parent are not
counted twice) at each new high of the summed RSS, at most once a second,
and every 10 s (a copy-on-write page written by a worker adds to PSS, not RSS):
reading /proc/PID/smaps_rollup walks the page tables (some 50 ms for 2 GB)
and would otherwise take a good part of a core.
OUT.json gets:
  wall_s           elapsed time (time -v)
  max_rss_kb       time -v's "Maximum resident set size": the largest
                   single process, not the sum of concurrent ones
  tree_pss_kb      peak of the tree's summed PSS (sampled at RSS highs)
  tree_rss_kb      peak of the tree's summed RSS (sampled; counts shared
                   pages once per process)
  pss_samples      how often PSS was read
  user_s, sys_s, exit_status
The exit status is COMMAND's.
"""
import json, os, re, subprocess, sys, time


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(root):
    kids, out, todo = children_map(), [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kb(pid):
    try:
        with open("/proc/%d/statm" % pid) as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def parse_time(path):
    out = {}
    with open(path) as f:
        text = f.read()
    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r": (.*)$", text, re.M)
        return m.group(1).strip() if m else None
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    if wall:
        secs = 0.0
        for part in wall.split(":"):
            secs = secs * 60 + float(part)
        out["wall_s"] = round(secs, 3)
    for key, name, conv in (("max_rss_kb", "Maximum resident set size (kbytes)", int),
                            ("user_s", "User time (seconds)", float),
                            ("sys_s", "System time (seconds)", float),
                            ("exit_status", "Exit status", int)):
        v = field(name)
        if v is not None:
            out[key] = conv(v)
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, cmd = sys.argv[1], sys.argv[2:]
    tfile = out + ".time"
    t0 = time.monotonic()
    proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", tfile] + cmd)
    peak_rss = peak_pss = nsamples = 0
    last_rss, last_t = 0, -1.0
    while proc.poll() is None:
        pids = tree(proc.pid)
        rss = sum(rss_kb(p) for p in pids)
        peak_rss = max(peak_rss, rss)
        now = time.monotonic()
        if (rss > last_rss * 1.02 and now - last_t >= 1.0) or now - last_t >= 10.0:
            peak_pss = max(peak_pss, sum(pss_kb(p) for p in pids))
            last_rss, last_t = rss, now
            nsamples += 1
        try:
            proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
    res = {"command": cmd, "tree_pss_kb": peak_pss, "tree_rss_kb": peak_rss, "pss_samples": nsamples,
           "outer_wall_s": round(time.monotonic() - t0, 3)}
    res.update(parse_time(tfile))
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
