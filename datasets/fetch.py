#!/usr/bin/env python3
"""Downloads the public corpora incite was developed on and writes them in
the layout and format `make model`, `make model-eval` and `make bench` read
(SHARED=DIR): see datasets/README.md.

    python3 datasets/fetch.py DIR [SET...]

SET is tweeteval, davidson, gab_hate_corpus or hasoc2019_hindi (default:
all four).  Each source is fetched from GitHub at a fixed commit, converted
(labels named, every run of TAB, LF or CR in a text made one space) and
checked against the SHA-256 of the copy the project measured on: a file that
differs is reported and the exit status is 1, so a figure is never quoted on
data that only looks the same.  Python's standard library only.
"""
import csv
import hashlib
import io
import os
import re
import sys
import urllib.request
import zipfile

GITHUB = "https://raw.githubusercontent.com/%s/%s/%s"
TWEETEVAL = ("cardiffnlp/tweeteval", "4fbd22cd78421f05b1ecdb4fc5725bc7a7bd8f66")
DAVIDSON = ("t-davidson/hate-speech-and-offensive-language", "cb50f7e9eb855a99abc51423bf40df0e26d6fe30")
GAB = ("liuchaoqun/hate-speech-datasets", "98f3ee8104cf87bb91ed3e64c31a3097b9f8de84")
HASOC = ("salarmohtaj/HASOC_2021", "1b3ee5e0f2703a2c25a2c32096ee5452828979c4")

# SHA-256 of each file as the project has it (../shared/datasets).
EXPECTED = {
    "tweeteval/hate/train.tsv": "bd39d737a6d99c303a374702254afc31063f68c266b485465ff562bab804a4ae",
    "tweeteval/hate/dev.tsv": "24abdd6e5e427de242e3c8bb5e5a33c59a1f65c551d72034a92a89232e653426",
    "tweeteval/hate/test.tsv": "133bd2c810e961495d0f341fee01304b86ebd4a4faabb882e80bb50fce407e18",
    "tweeteval/offensive/train.tsv": "7e3dbf7f8584acf23dac5c1ba78e0a089272489fb309db0c1eb17567306c7ed0",
    "tweeteval/offensive/dev.tsv": "668e1b227320fcbdc6e128759c571de9fc82306f26c93de082aa9b51f0619f40",
    "tweeteval/offensive/test.tsv": "d191618eb85a12a423c32428dd87bf46d63662062c4b3fdee42c45e6538ca716",
    "tweeteval/stance/train.tsv": "d0cbc27e946bb1c36f6db1953fc84086025645d94332aa6a7c004f1f261ae573",
    "tweeteval/stance/dev.tsv": "1c22579a517a20bcb828ce8bbbb88bb5a95ac66a632a4a017c68a1a166ab48bb",
    "tweeteval/stance/test.tsv": "df6d88926936975ea37157a1a463d2c3b7c25b2a244789cf03e1f896478ca907",
    "davidson/all.tsv": "820f2c37eb543e48b8f0aec4a349d36c832bccda9e137365ee72c34292d0b66e",
    "davidson/train.tsv": "bae7a536cc65da03dcc8250e051be69e58fb287754af32b129122bef7673a476",
    "davidson/test.tsv": "b733ff8f8db55974e1d29ab836ecd2cb09cf59d516fff733451c182b200aabf9",
    "gab_hate_corpus/train.tsv": "3c39f78315e789ef2233f904622ba0475f97a39970ac70a06fb2c1dc4bafb5a9",
    "gab_hate_corpus/test.tsv": "89cdba83860734295fce7d7ff0fdce7ab98ec4f518e484eb00727bf2ad57fc27",
    "hasoc2019_hindi/train.tsv": "c23f0a113968d7bd2f433143a656103a94dff9d142f66b418317293527116774",
    "hasoc2019_hindi/test.tsv": "1c9f6732f4eac06a1c96af507b82bc57e7b1ad0012331212e9a76cb3948af049",
}

SPACES = re.compile(r"[\t\n\r]+")


def fetch(repo, path):
    url = GITHUB % (repo[0], repo[1], path)
    print("fetch: %s" % url, file=sys.stderr)
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


def lines(data):
    """A text file's lines, without their LF; a last line without one counts."""
    text = data.decode("utf-8")
    out = text.split("\n")
    if out and out[-1] == "":
        out.pop()
    return out


def clean(text):
    return SPACES.sub(" ", text)


def write(dest, name, header, rows):
    path = os.path.join(dest, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    print("wrote: %s (%d rows)" % (path, len(rows)), file=sys.stderr)


def tweeteval(dest):
    splits = (("train", "train"), ("val", "dev"), ("test", "test"))
    for task, names in (("hate", ["not-hate", "hate"]), ("offensive", ["not-offensive", "offensive"])):
        for src, dst in splits:
            texts = lines(fetch(TWEETEVAL, "datasets/%s/%s_text.txt" % (task, src)))
            labels = lines(fetch(TWEETEVAL, "datasets/%s/%s_labels.txt" % (task, src)))
            if len(texts) != len(labels):
                raise ValueError("tweeteval %s %s: %d texts, %d labels" % (task, src, len(texts), len(labels)))
            write(dest, "tweeteval/%s/%s.tsv" % (task, dst), ["label", "text"],
                  [[names[int(l)], clean(t)] for t, l in zip(texts, labels)])
    stance = ["none", "against", "favor"]
    for src, dst in splits:
        rows = []
        for target in ("abortion", "atheism", "climate", "feminist", "hillary"):
            texts = lines(fetch(TWEETEVAL, "datasets/stance/%s/%s_text.txt" % (target, src)))
            labels = lines(fetch(TWEETEVAL, "datasets/stance/%s/%s_labels.txt" % (target, src)))
            if len(texts) != len(labels):
                raise ValueError("tweeteval stance %s %s: %d texts, %d labels" % (target, src, len(texts), len(labels)))
            rows += [[stance[int(l)], target, clean(t)] for t, l in zip(texts, labels)]
        write(dest, "tweeteval/stance/%s.tsv" % dst, ["label", "target", "text"], rows)


def davidson(dest):
    data = fetch(DAVIDSON, "data/labeled_data.csv").decode("utf-8")
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    reader = csv.reader(io.StringIO(data, newline=""))
    header = next(reader)
    cls, tweet = header.index("class"), header.index("tweet")
    rows = [[names[r[cls]], clean(r[tweet])] for r in reader if r]
    write(dest, "davidson/all.tsv", ["label", "text"], rows)
    # the project's fixed 80/20 split (davidson's README): row i is a test
    # row when sha1("incite-split:i") mod 5 is 0
    test = [int(hashlib.sha1(b"incite-split:%d" % i).hexdigest(), 16) % 5 == 0 for i in range(len(rows))]
    write(dest, "davidson/train.tsv", ["label", "text"], [r for r, t in zip(rows, test) if not t])
    write(dest, "davidson/test.tsv", ["label", "text"], [r for r, t in zip(rows, test) if t])


def gab_hate_corpus(dest):
    for split in ("train", "test"):
        data = fetch(GAB, "GabHateCorpus/Data/ghc_%s.tsv" % split).decode("utf-8")
        reader = csv.reader(io.StringIO(data, newline=""), delimiter="\t")
        header = next(reader)
        col = {k: header.index(k) for k in ("text", "hd", "cv", "vo")}
        rows = []
        for r in reader:
            if not r:
                continue
            # one label per post, by priority: violence > hate > offensive
            label = ("violence" if r[col["cv"]] == "1" else "hate" if r[col["hd"]] == "1"
                     else "offensive" if r[col["vo"]] == "1" else "none")
            rows.append([label, clean(r[col["text"]])])
        write(dest, "gab_hate_corpus/%s.tsv" % split, ["label", "text"], rows)


def hasoc2019_hindi(dest):
    z = zipfile.ZipFile(io.BytesIO(fetch(HASOC, "Data/2019/Hindi/hindi_dataset.zip")))
    names = {"HATE": "hate", "OFFN": "offensive", "PRFN": "profane", "NONE": "none"}
    for member, split in (("hindi_dataset/hindi_dataset.tsv", "train"),
                          ("hindi_dataset/hasoc2019_hi_test_gold_2919.tsv", "test")):
        rows = []
        src = [l[:-1] if l.endswith("\r") else l for l in lines(z.read(member))]
        header = src[0].split("\t")
        text, task2 = header.index("text"), header.index("task_2")
        for line in src[1:]:
            f = line.split("\t")   # unquoted: a quote is part of the text
            rows.append([names[f[task2]], clean(f[text])])
        write(dest, "hasoc2019_hindi/%s.tsv" % split, ["label", "text"], rows)


SETS = {"tweeteval": tweeteval, "davidson": davidson, "gab_hate_corpus": gab_hate_corpus,
        "hasoc2019_hindi": hasoc2019_hindi}


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help") or any(s not in SETS for s in argv[2:]):
        print("usage: python3 datasets/fetch.py DIR [%s...]" % "|".join(SETS), file=sys.stderr)
        return 2
    dest, sets = argv[1], argv[2:] or list(SETS)
    for s in sets:
        try:
            SETS[s](dest)
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile) as e:
            print("fetch: %s: %s" % (s, e), file=sys.stderr)
            return 1
    bad = 0
    for name, want in sorted(EXPECTED.items()):
        if name.split("/")[0] not in sets:
            continue
        with open(os.path.join(dest, name), "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != want:
            bad += 1
            print("fetch: %s differs from the copy incite was measured on (sha256 %s, want %s)"
                  % (name, got, want), file=sys.stderr)
    if bad:
        print("fetch: %d files differ: figures on them are not comparable with the model card's" % bad,
              file=sys.stderr)
        return 1
    print("fetch: every file matches the copy incite was measured on; use SHARED=%s" % dest, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
