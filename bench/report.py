#!/usr/bin/python3
"""The benchmark's bookkeeping (bench/run.sh).

  report.py machine                 JSON about this machine and checkout, on stdout
  report.py scaling RES OUT.json    RES/scale_*.json -> OUT.json (kept in the repo)
  report.py write RES RESULTS.md    fills bench/RESULTS.md.in from RES/*.json

RES is build/bench/results/.  Sections whose results are missing say so.
"""
import datetime, glob, json, math, os, platform, re, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MB = 1e6
GOAL_LINEAR = 1.1   # "near-linear": a log-log slope of at most this


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def machine():
    model = ""
    for line in sh("lscpu").splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    dirty = [l for l in sh("git", "status", "--porcelain", "--untracked-files=no").splitlines() if l]
    try:
        import sklearn, numpy
        skv, npv = sklearn.__version__, numpy.__version__
    except ImportError:
        skv = npv = ""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": int(sh("nproc") or 0), "cpu": model, "mem_gib": round(mem_kb / 1048576, 1),
        "kernel": platform.release(),
        "commit": sh("git", "rev-parse", "--short", "HEAD"), "modified_files": len(dirty),
        "cc": sh("cc", "--version").splitlines()[0] if sh("cc", "--version") else "",
        "hyperfine": sh("hyperfine", "--version"),
        "fasttext": "fastText " + sh("dpkg-query", "-W", "-f", "${Version}", "fasttext"),
        "python": "Python " + platform.python_version(), "sklearn": skv, "numpy": npv,
        "perf": sh("perf", "--version"),
    }


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def notes(res, part):
    out = {}
    try:
        with open(os.path.join(res, "notes-%s.tsv" % part)) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("\t")
                out[k] = v
    except OSError:
        pass
    return out


def mtime(path):
    try:
        return datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc) \
            .strftime("%Y-%m-%d %H:%M UTC")
    except OSError:
        return "?"


def slope(xs, ys):
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / den if den else float("nan")


def scaling_runs(res, program):
    """The runs of one program (incite: scale_N.json, sklearn:
    scale_sklearn_N.json), smallest first."""
    runs = []
    for p in glob.glob(os.path.join(res, "scale_*.json")):
        m = re.search(r"scale_%s(\d+)\.json$" % ("sklearn_" if program == "sklearn" else ""), p)
        d = load(p) if m else None
        if not d:
            continue
        r = {"posts": int(m.group(1)), "wall_s": d.get("wall_s"), "user_s": d.get("user_s"),
             "sys_s": d.get("sys_s"), "max_rss_kb": d.get("max_rss_kb"),
             "tree_pss_kb": d.get("tree_pss_kb"), "exit_status": d.get("exit_status"),
             "command": " ".join(d.get("command", []))}
        stem = p[:-len(".json")]
        it = load(stem + ".iter.json") if program == "sklearn" else None
        if it:
            r["solver_iterations"] = it["n_iter"]
            r["solver_max_iter"] = it["max_iter"]
        if program == "incite" and os.path.exists(stem + ".stderr"):
            # incite-train -v: "final fit: R solver runs, at most M iterations (T in all)"
            with open(stem + ".stderr", errors="replace") as f:
                m2 = re.search(r"final fit: \d+ solver runs, at most (\d+) iterations", f.read())
            if m2:
                r["solver_iterations"] = int(m2.group(1))
        runs.append(r)
    runs.sort(key=lambda r: r["posts"])
    return runs


def growth(runs):
    """Log-log slopes of time and memory over the successful runs."""
    ok = [r for r in runs if r["exit_status"] == 0]
    if len(ok) < 2:
        return {}
    xs = [r["posts"] for r in ok]
    return {"slope_time": round(slope(xs, [r["wall_s"] for r in ok]), 3),
            "slope_max_rss": round(slope(xs, [r["max_rss_kb"] for r in ok]), 3),
            "slope_tree_pss": round(slope(xs, [r["tree_pss_kb"] for r in ok]), 3),
            "steps": [{"from": a["posts"], "to": b["posts"],
                       "slope_time": round(slope([a["posts"], b["posts"]], [a["wall_s"], b["wall_s"]]), 3),
                       "slope_max_rss": round(slope([a["posts"], b["posts"]],
                                                    [a["max_rss_kb"], b["max_rss_kb"]]), 3)}
                      for a, b in zip(ok, ok[1:])]}


def scaling(res, out):
    runs = scaling_runs(res, "incite")
    # the machine and checkout when the runs began, not now
    doc = {"measured": load(os.path.join(res, "machine.json"), None) or machine(), "runs": runs,
           "load": notes(res, "scaling")}
    doc.update(growth(runs))
    sk = scaling_runs(res, "sklearn")
    if sk:
        doc["sklearn_runs"] = sk
        doc["sklearn"] = growth(sk)
        # incite over the sizes scikit-learn ran, for a like-for-like slope
        sizes = {r["posts"] for r in sk}
        doc["incite_same_sizes"] = growth([r for r in runs if r["posts"] in sizes])
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


# ---- formatting -----------------------------------------------------------

def fnum(x, nd=0):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return "{:,.{}f}".format(x, nd)


def fsec(x):
    if x is None:
        return "–"
    return "%.3f" % x if x < 10 else "%.2f" % x if x < 100 else "%.1f" % x


def fmb_kb(kb):
    return "–" if kb is None else "%.1f" % (kb * 1024 / MB) if kb * 1024 < 100 * MB else fnum(kb * 1024 / MB)


def table(head, rows, align=None):
    """A Markdown table; align: one l or r a column (default: the first left, the rest right)."""
    align = align or "l" + "r" * (len(head) - 1)
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if a == "l" else "---:" for a in align) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def met(ok):
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def rss_runs(res, name):
    vals = []
    try:
        with open(os.path.join(res, "rss_%s.txt" % name)) as f:
            for line in f:
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", line)
                if m:
                    vals.append(int(m.group(1)))
    except OSError:
        pass
    return vals


def hyperfine_results(*paths):
    out = {}
    for p in paths:
        d = load(p)
        if d:
            for r in d["results"]:
                out[r["command"]] = r
    return out


def numbered(res, pattern):
    """The results pattern % 1, pattern % 2, ... in res, loaded, up to the
    first that is missing."""
    out = []
    while True:
        d = load(os.path.join(res, pattern % (len(out) + 1)))
        if not d:
            return out
        out.append(d)


def train_runs(res, program):
    """train_PROGRAM_N.json, the training runs taken in turn with the other
    program's, merged: mean wall and CPU time (and the fastest wall time,
    wall_min_s), the largest memory figures, the worst exit status; runs
    lists each run's own.  None if there is none."""
    runs = numbered(res, "train_" + program + "_%d.json")
    if not runs:
        return None
    out = dict(runs[-1])
    for k in ("wall_s", "user_s", "sys_s"):
        out[k] = statistics.mean(r.get(k) or 0 for r in runs)
    out["wall_min_s"] = min(r["wall_s"] for r in runs)
    for k in ("max_rss_kb", "tree_pss_kb", "tree_rss_kb"):
        out[k] = max(r.get(k) or 0 for r in runs)
    out["exit_status"] = max((r.get("exit_status") or 0 for r in runs), key=abs)
    out["runs"] = runs
    return out


def score_rounds(res):
    """The scoring rounds (score_round_N.json, one hyperfine run of each
    command): each command's results merged as one hyperfine result would
    be, and the rounds themselves, {command: seconds} each, in order."""
    rounds = [{r["command"]: r for r in d["results"]} for d in numbered(res, "score_round_%d.json")]
    merged = {}
    for name in sorted({k for rd in rounds for k in rd}):
        rs = [rd[name] for rd in rounds if name in rd]
        times = [t for r in rs for t in r["times"]]
        merged[name] = {"times": times, "mean": statistics.mean(times), "min": min(times),
                        "stddev": statistics.stdev(times) if len(times) > 1 else None,
                        "user": statistics.mean(r["user"] for r in rs),
                        "system": statistics.mean(r["system"] for r in rs)}
    return merged, [{k: r["mean"] for k, r in rd.items()} for rd in rounds]


def paired(rounds, fast, slow):
    """Per-round ratios slow/fast (how many times as many posts per second
    fast scored), over the rounds in which both ran."""
    return [rd[slow] / rd[fast] for rd in rounds if fast in rd and slow in rd]


# ---- sections ---------------------------------------------------------------

RATIOS = (("incite 1 thread vs fastText", "incite-1t", "fasttext"),
          ("incite 1 thread vs scikit-learn", "incite-1t", "sklearn"),
          ("incite pooled model vs fastText", "incite-pooled", "fasttext"),
          ("incite pooled model vs scikit-learn", "incite-pooled", "sklearn"),
          ("incite 2 threads vs 1 thread", "incite-2t", "incite-1t"))


def round_ratios(sc, rounds):
    if not rounds:
        return ""
    rows = []
    for what, fast, slow in RATIOS:
        xs = paired(rounds, fast, slow)
        if xs:
            rows.append([what, len(xs), "%.2f×" % statistics.median(xs),
                         "%.2f× – %.2f×" % (min(xs), max(xs))])
    return ("The runs went round by round (%s rounds after %s warm-up, scikit-learn in the first %s): "
            "each round ran every command once, in an order rotated from round to round, so that "
            "a slow spell of the machine fell on all of them. Each round's own ratio of posts per "
            "second:\n\n" % (sc.get("rounds", "?"), sc.get("warmup_rounds", "?"), sc.get("sklearn_rounds", "?"))
            + table(["ratio", "rounds", "median", "lowest – highest"], rows, align="lrrr"))

LABELS = {"incite-1t": "incite-score `--threads 1`", "incite-2t": "incite-score `--threads 2`",
          "incite-pooled": "incite-score `--threads 1`, pooled 10-label model",
          "fasttext": "fastText `predict`", "sklearn": "scikit-learn (sklearn_score.py)",
          "incite-empty": "incite-score, empty input", "fasttext-1line": "fastText `predict`, one line",
          "sklearn-empty": "scikit-learn, empty input"}


def write(res, out):
    R = {}       # what the goals table needs
    mach = load(os.path.join(res, "machine.json"), {})
    run = notes(res, "run")
    inp = notes(res, "inputs")
    fill = {}

    # header
    secs = int(run.get("seconds", "0") or 0)
    fill["HEADER"] = table(["", ""], align="ll", rows=[
        ["date", mach.get("date", "?")],
        ["machine", "%s cores (`nproc`), %s (`lscpu` model name), %s GiB RAM, Linux %s" %
         (mach.get("nproc", "?"), mach.get("cpu", "?"), mach.get("mem_gib", "?"), mach.get("kernel", "?"))],
        ["checkout", "%s%s" % (mach.get("commit", "?"),
                               " with %d modified tracked files" % mach["modified_files"]
                               if mach.get("modified_files") else "")],
        ["tools", ", ".join(x for x in (mach.get("cc"), mach.get("hyperfine"), mach.get("fasttext"),
                                        mach.get("python"), "scikit-learn " + mach.get("sklearn", "?"),
                                        "numpy " + mach.get("numpy", "?"), mach.get("perf")) if x)],
        ["this run", "parts: %s; %d min %d s in all (inputs and reference models cached in `%s`)" %
         (run.get("parts", "?"), secs // 60, secs % 60, inp.get("dir", "?"))],
        ["each part measured", "; ".join(
            "%s %s" % (part, notes(res, part).get("measured", "(not recorded)"))
            for part in ("train", "score", "load", "featurize", "profile", "scaling")
            if os.path.exists(os.path.join(res, "notes-%s.tsv" % part)))],
    ])

    # scoring
    sc = notes(res, "score")
    hf, rounds = score_rounds(res)
    R["rounds"] = rounds
    if hf:
        posts = int(sc.get("posts", 0))
        nbytes = int(sc.get("bytes", 0))
        rows = []
        for name in ("incite-1t", "incite-2t", "incite-pooled", "fasttext", "sklearn"):
            r = hf.get(name)
            if not r:
                continue
            rss = rss_runs(res, name)
            R[name] = {"mean": r["mean"], "min": r["min"], "rss_kb": max(rss) if rss else None,
                       "cpu": r["user"] + r["system"]}
            rows.append([LABELS[name], len(r["times"]), fsec(r["mean"]), fsec(r["min"]),
                         "%.1f%%" % (100 * r["stddev"] / r["mean"]) if r.get("stddev") else "–",
                         fsec(r["user"] + r["system"]),
                         fnum(posts / r["mean"]), fnum(posts / r["min"]),
                         fnum(nbytes / MB / r["mean"], 2), fnum(nbytes / MB / r["min"], 2),
                         fmb_kb(max(rss)) if rss else "–"])
        kind = sc.get("model_kind")
        model = ("`models/default.model`" if kind == "default" else
                 "`%s` (given by BENCH_MODEL)" % sc.get("model") if kind == "given" else
                 "**a stand-in** (`models/default.model` is missing): `%s`, trained by incite-train "
                 "`--flag hate` with default options on the pooled training data (see Training)" % sc.get("model"))
        fill["SCORING"] = "\n".join([
            "Input: %s posts, %.1f MB (`%s/posts.txt`). incite model: %s, %.1f MB. fastText model %.0f MB; "
            "scikit-learn pickle %.1f MB." % (fnum(posts), nbytes / MB, inp.get("dir", "?"), model,
                                              int(sc.get("model_bytes", 0)) / MB,
                                              int(sc.get("model_bytes_fasttext", 0)) / MB,
                                              int(sc.get("model_bytes_sklearn", 0)) / MB), "",
            "fastText's and scikit-learn's models are fitted on the pooled training data (10 labels, "
            "see Training); incite's pooled model (%.1f MB) is incite-train's with default options on "
            "the same data, one-vs-rest over the same 10 labels: the like-for-like row. The shipped "
            "model has 3 labels, and incite's cost per feature grows with the number of decision "
            "functions." % (int(sc.get("model_bytes_pooled", 0) or 0) / MB), "",
            table(["program", "runs", "mean s", "min s", "σ/mean", "CPU s (mean)", "posts/s (mean)",
                   "posts/s (min)", "MB/s (mean)", "MB/s (min)", "peak RSS MB"], rows), "",
            "CPU s is hyperfine's mean user + system time: near the wall time, a program had about one "
            "core; twice it, two.", "", round_ratios(sc, rounds)])
    else:
        fill["SCORING"] = "_Not measured (part `score` did not run)._"

    # load
    ld = notes(res, "load")
    lj = hyperfine_results(os.path.join(res, "load.json"))
    if lj:
        rows = []
        for name in ("incite-empty", "fasttext-1line", "sklearn-empty"):
            r = lj.get(name)
            if not r:
                continue
            R[name] = r
            size = {"incite-empty": ld.get("model_bytes"), "fasttext-1line": ld.get("model_bytes_fasttext"),
                    "sklearn-empty": ld.get("model_bytes_sklearn")}[name]
            rows.append([LABELS[name], len(r["times"]), fnum(1000 * r["mean"], 1), fnum(1000 * r["min"], 1),
                         fnum(1000 * r["stddev"], 1) if r.get("stddev") else "–",
                         fnum(int(size) / MB, 1) if size else "–"])
        fill["LOAD"] = table(["program", "runs", "mean ms", "min ms", "σ ms", "model file MB"], rows)
        if "incite-empty" in lj and "fasttext-1line" in lj:
            fill["LOAD"] += "\n\nincite starts %.1f× as fast as fastText (by mean), %.1f× (by min)." % (
                lj["fasttext-1line"]["mean"] / lj["incite-empty"]["mean"],
                lj["fasttext-1line"]["min"] / lj["incite-empty"]["min"])
    else:
        fill["LOAD"] = "_Not measured (part `load` did not run)._"

    # featurize
    fz = []
    try:
        with open(os.path.join(res, "featurize.jsonl")) as f:
            fz = [json.loads(l) for l in f if l.strip()]
    except OSError:
        pass
    if fz:
        rows = []
        best = {}
        for fold in (True, False):
            xs = [d for d in fz if d["fold"] == fold]
            if not xs:
                continue
            b = min(d["best_s"] for d in xs)
            m = statistics.mean(d["mean_s"] for d in xs)
            best[fold] = (b, m)
            d0 = xs[0]
            rows.append(["the model's (evasion folding on)" if fold else "`fold = 0` (evasion folding off)",
                         len(xs) * d0["repeats"], fnum(d0["bytes"] / MB / b, 1), fnum(d0["bytes"] / MB / m, 1),
                         fnum(d0["posts"] / b), fnum(d0["posts"] / m), fnum(d0["features_per_post"], 1)])
        R["featurize"] = {fold: (fz[0]["bytes"] / MB / b, fz[0]["bytes"] / MB / m)
                          for fold, (b, m) in best.items()}
        txt = "%s posts, %.1f MB; model `%s`.\n\n" % (fnum(fz[0]["posts"]), fz[0]["bytes"] / MB,
                                                       fz[0].get("model") or "none (every idf 1)")
        txt += table(["configuration", "passes", "MB/s (best)", "MB/s (mean)", "posts/s (best)",
                      "posts/s (mean)", "features/post"], rows)
        if True in best and False in best:
            txt += ("\n\nEvasion folding costs %.0f%% of the core's time (by best pass; %.0f%% by mean)." %
                    (100 * (best[True][0] - best[False][0]) / best[True][0],
                     100 * (best[True][1] - best[False][1]) / best[True][1]))
        fill["FEATURIZE"] = txt
    else:
        fill["FEATURIZE"] = "_Not measured (part `featurize` did not run)._"

    # training
    tn = notes(res, "train")
    ti, ts = train_runs(res, "incite"), train_runs(res, "sklearn")
    ei, es = load(os.path.join(res, "eval_incite.json")), load(os.path.join(res, "eval_sklearn.json"))
    if ti and ts:
        pf = load(os.path.join(res, "paired_f1.json"))
        # the labels fed to the bootstrap must be the ones evaluated
        pf_mismatch = pf and ei and es and (abs(pf["macro_f1_a"] - round(ei["macro_f1"], 4)) > 1e-4 or
                                            abs(pf["macro_f1_b"] - es["macro_f1"]) > 1e-4)
        R["train"] = (ti, ts, ei, es, None if pf_mismatch else pf)
        t1 = load(os.path.join(res, "train_incite_cv0.json"))
        e1 = load(os.path.join(res, "eval_incite_cv0.json"))
        R["train_cv0"] = (t1, e1) if t1 else None
        rows = []
        for name, d, e, size in (("incite-train (mean of %d runs)" % len(ti["runs"]), ti, ei,
                                  tn.get("model_bytes_incite")),
                                 ("incite-train `--cv 0` (one fit)", t1, e1, tn.get("model_bytes_incite_cv0")),
                                 ("scikit-learn fit (mean of %d runs)" % len(ts["runs"]), ts, es,
                                  tn.get("model_bytes_sklearn"))):
            if not d:
                continue
            rows.append([name, fsec(d.get("wall_s")), fsec((d.get("user_s") or 0) + (d.get("sys_s") or 0)),
                         fmb_kb(d.get("max_rss_kb")), fmb_kb(d.get("tree_pss_kb")),
                         fnum(int(size) / MB, 1) if size else "–",
                         "%.4f" % e["macro_f1"] if e else "–", "%.4f" % e["accuracy"] if e else "–"])
        fill["TRAIN"] = "%s training posts, %s test posts, %s labels.\n\n" % (
            fnum(int(inp.get("train_rows", 0))), fnum(int(inp.get("test_rows", 0))),
            len(ei.get("per_class", {})) if ei else "?") + table(
            ["program", "wall s", "CPU s (user+sys)", "peak RSS MB (largest process)", "peak tree PSS MB",
             "model MB", "macro-F1 (pooled tests)", "accuracy"], rows)
        pairs = list(zip(ti["runs"], ts["runs"]))
        fill["TRAIN"] += ("\n\nThe two programs trained in turn, %d times each (incite-train first); "
                          "each turn's wall time, incite-train vs scikit-learn: %s." % (
                              len(pairs), "; ".join("%s s vs %s s (%.2f×)" % (
                                  fsec(a["wall_s"]), fsec(b["wall_s"]), a["wall_s"] / b["wall_s"])
                                  for a, b in pairs)))
        if pf_mismatch:
            fill["TRAIN"] += ("\n\n**The paired bootstrap's labels give macro-F1 %.4f and %.4f, not the "
                              "evaluations' figures: its interval is not shown.**" % (
                                  pf["macro_f1_a"], pf["macro_f1_b"]))
        elif pf:
            fill["TRAIN"] += (
                "\n\nThe macro-F1 difference (incite − scikit-learn) is %+.4f; its 95%% interval, "
                "by a paired bootstrap of the test posts (`bench/paired_f1.py`, %s resamples, seed %d), "
                "is %+.4f to %+.4f, and incite scored lower in %.0f%% of the resamples. %s" % (
                    pf["diff"], fnum(pf["resamples"]), pf["seed"], pf["ci95"][0], pf["ci95"][1],
                    100 * pf["p_a_lower"],
                    "An interval that straddles zero means this test set cannot tell the two apart."
                    if pf["ci95"][0] < 0 < pf["ci95"][1] else
                    "The interval excludes zero: the difference is larger than this test set's noise."))
        if ti.get("exit_status") or ts.get("exit_status"):
            fill["TRAIN"] += "\n\n**A training run failed** (exit status %s / %s)." % (
                ti.get("exit_status"), ts.get("exit_status"))
    else:
        fill["TRAIN"] = "_Not measured (part `train` did not run)._"

    # scaling (kept in the repository)
    sj = load(os.path.join(HERE, "train_scaling.json"))
    if sj and sj.get("runs"):
        R["scaling"] = sj
        m = sj.get("measured", {})
        rows = [[fnum(r["posts"]), fsec(r["wall_s"]), fsec((r["user_s"] or 0) + (r["sys_s"] or 0)),
                 fnum(1000 * r["wall_s"] / r["posts"], 2) if r["wall_s"] else "–",
                 fmb_kb(r["max_rss_kb"]), fmb_kb(r["tree_pss_kb"]),
                 fnum(r["solver_iterations"]) if "solver_iterations" in r else "–",
                 "ok" if r["exit_status"] == 0 else "exit %s" % r["exit_status"]] for r in sj["runs"]]
        txt = "Measured %s on commit %s (%s cores, %s GiB).\n\n" % (
            m.get("date", "?"), m.get("commit", "?"), m.get("nproc", "?"), m.get("mem_gib", "?"))
        txt += table(["posts", "wall s", "CPU s", "ms per post", "peak RSS MB (largest process)",
                      "peak tree PSS MB", "solver iterations (final fit)", ""], rows)
        txt += ("\n\n\"Solver iterations\" is the most any run of the final fit took "
                "(`incite-train -v`; LIBLINEAR stops a run at 1,000)%s." % (
                    "; \"–\" where the run predates that report"
                    if any("solver_iterations" not in r for r in sj["runs"]) else ""))

        def steps(g):
            return "; ".join("%s→%s: %.2f, %.2f" % (fnum(s["from"]), fnum(s["to"]), s["slope_time"],
                                                    s["slope_max_rss"]) for s in g.get("steps", []))
        if "slope_time" in sj:
            txt += ("\n\nGrowth exponents (log-log slope over all sizes): wall time **%.2f**, peak RSS "
                    "**%.2f**, tree PSS **%.2f**." % (sj["slope_time"], sj["slope_max_rss"], sj["slope_tree_pss"]))
            txt += " Step by step (time, RSS): " + steps(sj) + "."
        sk = sj.get("sklearn_runs")
        if sk:
            txt += ("\n\nscikit-learn's fit (`sklearn_score.py fit`: one fit, no cross-validation, one "
                    "process) on the same files; \"LinearSVC iterations\" is its `n_iter_`, the most "
                    "any label's solver took (LIBLINEAR's dual coordinate descent, as incite's):\n\n")
            txt += table(["posts", "wall s", "CPU s", "ms per post", "peak RSS MB", "LinearSVC iterations", ""],
                         [[fnum(r["posts"]), fsec(r["wall_s"]), fsec((r["user_s"] or 0) + (r["sys_s"] or 0)),
                           fnum(1000 * r["wall_s"] / r["posts"], 2) if r["wall_s"] else "–",
                           fmb_kb(r["max_rss_kb"]),
                           "%d of %d" % (r["solver_iterations"], r["solver_max_iter"])
                           if "solver_iterations" in r else "–",
                           "ok" if r["exit_status"] == 0 else "exit %s" % r["exit_status"]] for r in sk])
            g, gi = sj.get("sklearn", {}), sj.get("incite_same_sizes", {})
            if "slope_time" in g and "slope_time" in gi:
                txt += ("\n\nOver the same sizes (%s to %s posts), the time's growth exponent is %.2f for "
                        "incite-train and %.2f for scikit-learn; step by step (time, RSS), scikit-learn: %s." % (
                            fnum(sk[0]["posts"]), fnum(sk[-1]["posts"]), gi["slope_time"], g["slope_time"],
                            steps(g)))
        fill["SCALING"] = txt
    else:
        fill["SCALING"] = "_Never measured: run `make bench-train-scaling` (or `BENCH_SCALE=1 make bench`)._"

    # profile
    pn = notes(res, "profile")
    fill["PROFILE"] = profile(res, pn)

    # goals
    fill["GOALS"] = goals(R)

    # noise
    fill["NOISE"] = noise(res, hf, lj, R)

    # commands
    cmds = []
    def add(title, lines):
        lines = [l for l in lines if l]
        if lines:
            cmds.append("%s:\n\n```sh\n%s\n```" % (title, "\n".join(lines)))
    add("Inputs and reference models (once per datasets checksum, then cached)",
        [inp.get("cmd_prepare"), inp.get("cmd_fasttext"), inp.get("cmd_sklearn"),
         inp.get("cmd_standin") + "   # only when models/default.model is missing" if inp.get("cmd_standin") else ""])
    add("Scoring (%s)" % sc.get("hyperfine", "?") if sc else "Scoring",
        [sc.get("cmd_incite-1t"), sc.get("cmd_incite-2t"), sc.get("cmd_fasttext"), sc.get("cmd_sklearn")])
    add("Load (%s)" % ld.get("hyperfine", "?") if ld else "Load",
        [ld.get("cmd_incite-empty"), ld.get("cmd_fasttext-1line"), ld.get("cmd_sklearn-empty")])
    fn = notes(res, "featurize")
    add("Featurization (alternating, twice)", [fn.get("command_fold"), fn.get("command_nofold")])
    add("Training (%s)" % tn.get("wrapper", "") if tn else "Training",
        [tn.get("cmd_incite"), tn.get("cmd_sklearn"), tn.get("cmd_eval_incite"), tn.get("cmd_eval_sklearn"),
         tn.get("cmd_labels_incite"), tn.get("cmd_paired")])
    if sj and sj.get("runs"):
        add("Training growth (each under bench/treemem.py; inputs by `bench/prepare.py replicate TRAIN N OUT`)",
            [r["command"] for r in sj["runs"] + sj.get("sklearn_runs", [])])
    add("Profile", [pn.get("command"), pn.get("report")])
    fill["COMMANDS"] = "\n\n".join(cmds) if cmds else "_Nothing ran._"

    fill["NOTES"] = notes_section(sc, R)

    with open(os.path.join(HERE, "RESULTS.md.in")) as f:
        text = f.read()
    for k, v in fill.items():
        text = text.replace("@%s@" % k, v)
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)


def goals(R):
    rows = []
    def speed(what, fast, slow, goal):
        a, b = R.get(fast), R.get(slow)
        if not a or not b:
            rows.append([what, "–", "–", "≥ %g×" % goal, "not measured"])
            return
        m, n = b["mean"] / a["mean"], b["min"] / a["min"]
        rows.append([what, "%.2f×" % m, "%.2f×" % n, "≥ %g×" % goal, met(m >= goal and n >= goal)])
    speed("incite 1 thread vs fastText (posts/s)", "incite-1t", "fasttext", 3)
    speed("incite 1 thread vs scikit-learn (posts/s)", "incite-1t", "sklearn", 30)
    speed("… the same with incite's pooled 10-label model vs fastText", "incite-pooled", "fasttext", 3)
    speed("… the same with incite's pooled 10-label model vs scikit-learn", "incite-pooled", "sklearn", 30)
    speed("incite 2 threads vs 1 thread (posts/s)", "incite-2t", "incite-1t", 1.8)
    for name, what in (("incite-1t", "incite peak RSS, 1 thread"), ("incite-2t", "incite peak RSS, 2 threads")):
        r = R.get(name)
        if r and r["rss_kb"]:
            mb = r["rss_kb"] * 1024 / MB
            rows.append([what, "%s MB" % fmb_kb(r["rss_kb"]), "", "≤ 64 MB", met(mb <= 64)])
    r = R.get("incite-empty")
    if r:
        rows.append(["incite model load (whole process, empty input)", "%.1f ms" % (1000 * r["mean"]),
                     "%.1f ms" % (1000 * r["min"]), "< 20 ms", met(r["mean"] < 0.02 and r["min"] < 0.02)])
    for fold, what in ((True, "core alone, 1 thread, MB/s (issue 2), folding on"),
                       (False, "… folding off")):
        fb = R.get("featurize", {}).get(fold)
        if fb:
            rows.append([what, "%.1f MB/s" % fb[1], "%.1f MB/s (best)" % fb[0], "≥ 30 MB/s",
                         met(fb[0] >= 30 and fb[1] >= 30)])
    if "train" in R:
        ti, ts, ei, es, pf = R["train"]
        m, n = ti["wall_s"] / ts["wall_s"], ti["wall_min_s"] / ts["wall_min_s"]
        rows.append(["incite-train vs scikit-learn fit: wall time (mean of each one's runs; by min: "
                     "fastest)", "%s s vs %s s (%.2f×)" % (fsec(ti["wall_s"]), fsec(ts["wall_s"]), m),
                     "%.2f×" % n, "≤ 1×", met(m <= 1 and n <= 1)])
        if R.get("train_cv0"):
            t1, e1 = R["train_cv0"]
            rows.append(["… the same, one fit each (`--cv 0`: no folds, no calibration)",
                         "%s s vs %s s" % (fsec(t1["wall_s"]), fsec(ts["wall_s"])),
                         "%.2f×" % (t1["wall_s"] / ts["wall_s"]), "(like for like)",
                         met(t1["wall_s"] <= ts["wall_s"])])
        rows.append(["… peak RSS (largest process)", "%s MB vs %s MB" % (fmb_kb(ti["max_rss_kb"]), fmb_kb(ts["max_rss_kb"])),
                     "%.2f×" % (ti["max_rss_kb"] / ts["max_rss_kb"]), "≤ 1×", met(ti["max_rss_kb"] <= ts["max_rss_kb"])])
        rows.append(["… peak tree PSS (workers included)", "%s MB vs %s MB" % (fmb_kb(ti["tree_pss_kb"]), fmb_kb(ts["tree_pss_kb"])),
                     "%.2f×" % (ti["tree_pss_kb"] / ts["tree_pss_kb"]), "≤ 1×", met(ti["tree_pss_kb"] <= ts["tree_pss_kb"])])
        if ei and es:
            diff = "%+.4f" % (ei["macro_f1"] - es["macro_f1"])
            if pf:
                diff += " (95%% CI %+.4f … %+.4f)" % tuple(pf["ci95"])
            status = met(ei["macro_f1"] >= es["macro_f1"])
            if pf and ei["macro_f1"] < es["macro_f1"] and pf["ci95"][1] > 0:
                status += " (within noise)"
            rows.append(["… macro-F1 on the pooled tests", "%.4f vs %.4f" % (ei["macro_f1"], es["macro_f1"]),
                         diff, "no lower", status])
    sj = R.get("scaling")
    if sj and "slope_time" in sj:
        rows.append(["incite-train growth 10k → 1M, time (log-log slope)", "%.2f" % sj["slope_time"], "",
                     "near-linear (≤ %.1f)" % GOAL_LINEAR, met(sj["slope_time"] <= GOAL_LINEAR)])
        rows.append(["… peak RSS (log-log slope)", "%.2f" % sj["slope_max_rss"], "",
                     "near-linear (≤ %.1f)" % GOAL_LINEAR, met(sj["slope_max_rss"] <= GOAL_LINEAR)])
        g, gi = sj.get("sklearn", {}), sj.get("incite_same_sizes", {})
        if "slope_time" in g and "slope_time" in gi:
            sk = sj["sklearn_runs"]
            rows.append(["… time, incite vs scikit-learn over %s → %s (slopes)" % (
                fnum(sk[0]["posts"]), fnum(sk[-1]["posts"])), "%.2f vs %.2f" % (gi["slope_time"], g["slope_time"]),
                "", "(context)", "–"])
    return table(["goal", "by mean / measured", "by min / ratio", "target", ""], rows, align="lrrll")


def profile(res, pn):
    if pn.get("error"):
        return "_perf failed: %s_" % pn["error"]
    path = os.path.join(res, "perf.txt")
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return "_Not measured (part `profile` did not run)._"
    samples = re.search(r"# Samples: (\S+) of event '([^']+)'", text)
    rows, by_dso = [], {}
    for line in text.splitlines():
        # "  49.47%  incite-score  [.] incite_score_post   -   -" (IPC columns: "-" here)
        m = re.match(r"^\s+([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.+?)(?:\s+-\s+-)?\s*$", line)
        if m:
            pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
            by_dso[dso] = by_dso.get(dso, 0) + pct
            rows.append((pct, dso, kind, sym))
    files = symbol_files(os.path.join(ROOT, "build", "bench", "bin", "incite-score"))
    top = [["%.2f%%" % p, "`%s`" % d, "`%s`" % s, files.get(s, "kernel" if k == "k" else "")]
           for p, d, k, s in rows[:20]]
    txt = "%s samples of `%s`, model `%s`.\n\n" % (samples.group(1) if samples else "?",
                                                   samples.group(2) if samples else "?", pn.get("model", "?"))
    txt += table(["self", "DSO", "function", "source"], top, align="rlll")
    by_file = {}
    for p, d, k, sym in rows:
        f = files.get(sym)
        if f:
            by_file[f] = by_file.get(f, 0) + p
    txt += "\n\nBy source file (incite's own code): " + ", ".join(
        "`%s` %.1f%%" % (f, p) for f, p in sorted(by_file.items(), key=lambda x: -x[1])[:8]) + "."
    txt += " By DSO: " + ", ".join("`%s` %.1f%%" % (d, p) for d, p in
                                      sorted(by_dso.items(), key=lambda x: -x[1])[:6]) + "."
    return txt


def symbol_files(binary):
    out = {}
    for line in sh("nm", "-l", "--defined-only", binary).splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[1] in "tT":
            src = parts[3].rsplit(":", 1)[0]
            if "/classifier/" in src:
                src = "classifier/" + src.split("/classifier/", 1)[1]
            out[parts[2]] = src
    return out


def noise(res, hf, lj, R):
    lines = []
    mach = load(os.path.join(res, "machine.json"), {})
    lines.append("The machine (%s cores) is shared: other people's builds and tests ran during the "
                 "benchmark. Load average (1, 5, 15 min) before → after each part:" % mach.get("nproc", "?"))
    lines.append("")
    rows = []
    for part in ("train", "score", "load", "featurize", "profile"):
        n = notes(res, part)
        if "load_before" in n:
            rows.append([part, n.get("load_before", "?"), n.get("load_after", "?")])
    sj = load(os.path.join(HERE, "train_scaling.json"))
    if sj and sj.get("load"):
        rows.append(["scaling (%s)" % sj.get("measured", {}).get("date", "?"),
                     sj["load"].get("load_before", "?"), sj["load"].get("load_after", "?")])
    lines.append(table(["part", "before", "after"], rows, align="lll"))
    lines.append("")
    spread = []
    for name, r in list(hf.items()) + list(lj.items()):
        if r.get("stddev") is not None:
            spread.append("%s σ/mean %.1f%%, mean/min %.2f" % (name, 100 * r["stddev"] / r["mean"], r["mean"] / r["min"]))
    if spread:
        lines.append("Spread of the hyperfine runs: " + "; ".join(spread) + ".")
        lines.append("")
    lines.append("Hence the ratios are given both by mean and by min (the fastest run is the one least "
                 "disturbed), and the programs compared took turns: scoring round by round, training "
                 "run by run. The `--cv 0` training row is one run, and the growth runs were "
                 "measured in another invocation (date above).")
    return "\n".join(lines)


def notes_section(sc, R):
    n = []
    if sc.get("model_kind") == "standin":
        k = len(R["train"][2].get("per_class", {})) if R.get("train") and R["train"][2] else 0
        shape = "%d labels" % k if k else "its labels"
        n.append("- **Stand-in model.** `models/default.model` was missing, so incite-score used a model "
                 "trained on the pooled training data with incite-train's default options (%s). "
                 "The shipped model (`tools/make_model.sh`: three labels) is smaller, so these "
                 "scoring, RSS and load figures are not the shipped model's." % shape)
    t1, t2 = R.get("incite-1t"), R.get("incite-2t")
    if t1 and t2:
        busy, more = t2["cpu"] / t2["mean"], t2["cpu"] / t1["cpu"]
        txt = ("- **Two threads.** incite-score `--threads 2` kept %.2f cores busy on average "
               "(CPU time / wall time; one thread: %.2f) and used %.2f× the CPU time of one thread. "
               % (busy, t1["cpu"] / t1["mean"], more))
        if more <= 1:
            txt += ("Two threads did the same work in less CPU time than one: the one-thread runs "
                    "were slowed by something outside the pipeline (see σ/mean and the load averages "
                    "under Noise), so this run's ratio is flattered by noise, as other runs' are "
                    "depressed by it.")
        elif busy < 1.9:
            txt += ("Well under 2 busy cores means the second core was taken by other work (see the "
                    "load averages under Noise) or the pipeline waited on a serial part; a shared "
                    "2-core machine cannot tell the two apart.")
        else:
            txt += ("Both cores were busy, so what the ratio misses is the extra CPU time: the same "
                    "posts took more CPU with both cores running than with one, whether from the "
                    "pipeline or from what the two cores share (cache, memory, the host's other "
                    "guests); this run alone cannot tell.")
        n.append(txt + " Read the 2-thread ratio as this machine's, not the pipeline's ceiling.")
    n.append("- **scikit-learn scoring.** `../shared/bench/sklearn_score.py MODEL.pkl < posts` stops on a "
             "model with more than two labels (it formats each post's decision value with `%.6f`, and "
             "LinearSVC gives a row of values, one per label). `bench/sklearn_stream.py` imports that script and runs "
             "its own `score()` unchanged, with the model's decision function narrowed to the `hate` "
             "column: same chunks, same pickle, same output format; the fit is `sklearn_score.py fit` as is.")
    n.append("- **Peak memory of incite-train** is given twice: `/usr/bin/time -v` reports the largest "
             "single process, while incite-train runs its cross-validation folds in forked worker "
             "processes; the tree PSS adds those up (shared pages counted once).")
    n.append("- **fastText**: the Debian package's `fasttext` (0.9.2), default 2,000,000 buckets × "
             "100 dimensions, hence its model size, RSS and load time.")
    return "\n".join(n)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["machine"] and len(a) == 1:
        json.dump(machine(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif a[:1] == ["scaling"] and len(a) == 3:
        scaling(a[1], a[2])
    elif a[:1] == ["write"] and len(a) == 3:
        write(a[1], a[2])
    else:
        sys.exit(__doc__)
