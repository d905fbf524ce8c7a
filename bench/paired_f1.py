#!/usr/bin/python3
"""How sure a macro-F1 difference is: a paired bootstrap over the test posts.

  paired_f1.py TEST.tsv A.labels B.labels [RESAMPLES [SEED]]
      -> {"macro_f1_a": ..., "macro_f1_b": ..., "diff": a - b,
          "ci95": [lo, hi], "p_a_lower": ..., "resamples": ..., "seed": ...}

A.labels and B.labels hold one predicted label a line, in the order of
TEST.tsv's rows (its label column is the truth).  Each resample draws the
test posts with replacement and scores both programs on the same draw, so
the interval is of the difference itself: a test set of 16,000 posts
cannot tell apart two models whose interval straddles zero.  Macro-F1 is
sklearn.metrics.f1_score(average="macro")'s: the mean F1 over the labels
present in the truth or the predictions of that draw, 0 for a label never
predicted correctly.  Defaults: 2,000 resamples, seed 1.
"""
import csv
import json
import sys

import numpy as np


def macro_f1(truth, pred, k, draw=None):
    """Macro-F1 of integer-coded labels 0..k-1, optionally over a draw of
    row indexes; counts by bincount, so a resample costs a few passes."""
    if draw is not None:
        truth, pred = truth[draw], pred[draw]
    hit = np.bincount(truth[truth == pred], minlength=k)
    true_n = np.bincount(truth, minlength=k)
    pred_n = np.bincount(pred, minlength=k)
    present = (true_n + pred_n) > 0
    f1 = 2.0 * hit[present] / (true_n[present] + pred_n[present])
    return float(f1.mean())


def read_labels(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def main():
    if not 4 <= len(sys.argv) <= 6:
        sys.exit(__doc__)
    resamples = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    csv.field_size_limit(1 << 30)
    with open(sys.argv[1], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    li = rows[0].index("label")
    truth = [r[li] for r in rows[1:]]
    a, b = read_labels(sys.argv[2]), read_labels(sys.argv[3])
    for name, p in ((sys.argv[2], a), (sys.argv[3], b)):
        if len(p) != len(truth):
            sys.exit("paired_f1.py: %s has %d labels for %d test rows" % (name, len(p), len(truth)))
    names = sorted(set(truth) | set(a) | set(b))
    code = {s: i for i, s in enumerate(names)}
    t = np.array([code[s] for s in truth])
    pa = np.array([code[s] for s in a])
    pb = np.array([code[s] for s in b])
    k = len(names)
    fa, fb = macro_f1(t, pa, k), macro_f1(t, pb, k)
    rng = np.random.default_rng(seed)
    diffs = np.empty(resamples)
    for r in range(resamples):
        draw = rng.integers(0, len(t), len(t))
        diffs[r] = macro_f1(t, pa, k, draw) - macro_f1(t, pb, k, draw)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    print(json.dumps({"macro_f1_a": round(fa, 4), "macro_f1_b": round(fb, 4),
                      "diff": round(fa - fb, 4), "ci95": [round(float(lo), 4), round(float(hi), 4)],
                      "p_a_lower": round(float(np.mean(diffs < 0)), 4),
                      "resamples": resamples, "seed": seed, "n": len(t)}))


if __name__ == "__main__":
    main()
