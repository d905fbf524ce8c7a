#!/usr/bin/python3
"""Macro-F1 of a sklearn_score.py model on a labelled TSV (label and text columns).

  sklearn_f1.py MODEL.pkl TEST.tsv [LABELS]
      ->  {"macro_f1": ..., "accuracy": ..., "n": ...}

LABELS, if given, receives the predicted labels, one a line in the rows'
order (for bench/paired_f1.py).

Labels are averaged over those of the test set and the predictions, as
sklearn.metrics.f1_score(average="macro") does.
"""
import csv, json, pickle, sys

from sklearn.metrics import accuracy_score, f1_score


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    pipe = pickle.load(open(sys.argv[1], "rb"))
    csv.field_size_limit(1 << 30)
    with open(sys.argv[2], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    li, ti = rows[0].index("label"), rows[0].index("text")
    y = [r[li] for r in rows[1:]]
    p = pipe.predict([r[ti] for r in rows[1:]])
    if len(sys.argv) == 4:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            f.writelines(label + "\n" for label in p)
    print(json.dumps({"macro_f1": round(float(f1_score(y, p, average="macro")), 4),
                      "accuracy": round(float(accuracy_score(y, p)), 4), "n": len(y)}))


if __name__ == "__main__":
    main()
