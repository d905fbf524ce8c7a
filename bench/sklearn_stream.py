#!/usr/bin/python3
"""Runs ../shared/bench/sklearn_score.py's scoring loop on a multi-class model.

  sklearn_stream.py MODEL.pkl [LABEL] < posts.txt

sklearn_score.py writes one decision value per post ("%.6f\\n" % s), which
works for a two-label model only: with more labels LinearSVC's
decision_function gives a row of values per post and the script stops with
"only size-1 arrays can be converted to Python scalars".  The benchmark's
pooled training data has ten labels, so this runs that same function
(imported, not copied: same chunks of 10,000 lines, same pickle load, same
output format) on a model whose decision_function gives the column of
LABEL (default: hate), the label incite-score's flag_prob is about.  The
extra work is one column pick per chunk.
"""
import importlib.util, os, pickle, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("BENCH_SHARED_BENCH", os.path.join(HERE, "..", "..", "shared", "bench"))


class OneColumn:
    def __init__(self, pipe, label):
        self.pipe = pipe
        labels = list(pipe.classes_)
        self.col = labels.index(label) if len(labels) > 2 else None

    def decision_function(self, texts):
        d = self.pipe.decision_function(texts)
        return d if self.col is None else d[:, self.col]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    label = sys.argv[2] if len(sys.argv) == 3 else "hate"
    spec = importlib.util.spec_from_file_location("sklearn_score",
                                                  os.path.join(SHARED, "sklearn_score.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    class Loader:  # stands in for the module's `pickle`: load() wraps the model
        @staticmethod
        def load(f):
            return OneColumn(pickle.load(f), label)

    mod.pickle = Loader
    mod.score(sys.argv[1])


if __name__ == "__main__":
    main()
