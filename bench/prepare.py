#!/usr/bin/python3
"""Builds the benchmark's inputs from ../shared/datasets (bench/run.sh).

  prepare.py key SHARED            print the checksum that names the inputs
  prepare.py inputs SHARED DIR     write into DIR:
      posts.txt      200,000 tweets, one a line: the text column of
                     tweeteval hate/offensive/stance train, davidson all,
                     hasoc2019_hindi train, cycled in that order
      tweets20mb.txt the same cycle cut at the last whole line under 20 MB
      one.txt        its first line
      train.tsv      label<TAB>text: the development sets' train splits
                     pooled, each with its own labels (stance: label and text)
      test.tsv       the same for their test splits
      fasttext.txt   train.tsv as fastText reads it: __label__L lowercased text
  prepare.py replicate TRAIN.tsv N OUT   OUT = N rows of TRAIN.tsv, shuffled
                     once (seed 1) and cycled, with its header
Empty texts are skipped.  Nothing here is random but the one seeded shuffle,
so the same datasets always give byte-identical files.
"""
import hashlib, os, random, sys

POSTS = ["tweeteval/hate/train.tsv", "tweeteval/offensive/train.tsv",
         "tweeteval/stance/train.tsv", "davidson/all.tsv", "hasoc2019_hindi/train.tsv"]
SETS = ["tweeteval/hate", "tweeteval/offensive", "tweeteval/stance", "davidson",
        "gab_hate_corpus", "hasoc2019_hindi"]
TRAIN = [s + "/train.tsv" for s in SETS]
TEST = [s + "/test.tsv" for s in SETS]
N_POSTS = 200000
FEAT_BYTES = 20 * 1000 * 1000
# Bump when this script would write different files from the same data.
VERSION = b"prepare-1"


def rows(shared, rel):
    """(label, text) of each row with a non-empty text; text is the last column."""
    with open(os.path.join(shared, rel), "rb") as f:
        head = f.readline().rstrip(b"\r\n").split(b"\t")
        li = head.index(b"label")
        for line in f:
            cols = line.rstrip(b"\r\n").split(b"\t")
            text = cols[-1]
            if text.strip():
                yield cols[li], text


def key(shared):
    h = hashlib.sha256(VERSION)
    for rel in sorted(set(POSTS + TRAIN + TEST)):
        h.update(rel.encode())
        with open(os.path.join(shared, rel), "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()[:16]


def inputs(shared, out):
    os.makedirs(out, exist_ok=True)
    texts = [t for rel in POSTS for _, t in rows(shared, rel)]
    with open(os.path.join(out, "posts.txt"), "wb") as f:
        for i in range(N_POSTS):
            f.write(texts[i % len(texts)] + b"\n")
    with open(os.path.join(out, "one.txt"), "wb") as f:
        f.write(texts[0] + b"\n")
    size = i = 0
    with open(os.path.join(out, "tweets20mb.txt"), "wb") as f:
        while size + len(texts[i % len(texts)]) + 1 <= FEAT_BYTES:
            f.write(texts[i % len(texts)] + b"\n")
            size += len(texts[i % len(texts)]) + 1
            i += 1
    for name, rels in (("train.tsv", TRAIN), ("test.tsv", TEST)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"label\ttext\n")
            for rel in rels:
                for label, text in rows(shared, rel):
                    f.write(label + b"\t" + text + b"\n")
    with open(os.path.join(out, "fasttext.txt"), "wb") as f:
        for rel in TRAIN:
            for label, text in rows(shared, rel):
                f.write(b"__label__" + label + b" " +
                        text.decode("utf-8", "replace").lower().encode() + b"\n")


def replicate(train, n, out):
    with open(train, "rb") as f:
        head = f.readline()
        body = f.readlines()
    random.Random(1).shuffle(body)
    with open(out + ".tmp", "wb") as f:
        f.write(head)
        for i in range(n):
            f.write(body[i % len(body)])
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "key" and len(sys.argv) == 3:
        print(key(sys.argv[2]))
    elif cmd == "inputs" and len(sys.argv) == 4:
        inputs(sys.argv[2], sys.argv[3])
    elif cmd == "replicate" and len(sys.argv) == 5:
        replicate(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
