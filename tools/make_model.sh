#!/bin/sh
# Rebuilds models/default.model bit for bit (make model).
#
# Training data, all with licences that allow it:
#   ../shared/datasets/davidson/train.tsv          MIT (Davidson et al. 2017)
#   ../shared/datasets/tweeteval/hate/train.tsv    TweetEval: "released without any restrictions"
#   ../shared/datasets/tweeteval/offensive/train.tsv   (same)
#   datasets/multilingual/train.tsv                CC0, written by this project
# mapped onto one label set: attack (hate, dehumanization, calls for
# violence), offensive (insults, profanity), none.  See models/MODEL_CARD.md.
set -eu
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/datasets}
OUT=${1:-models/default.model}
BIN=${BIN:-build/bin}
if [ ! -d "$SHARED" ]; then
    echo "make model: $SHARED is not here; the default model is trained on it" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tools/pool_data.sh train "$SHARED" > "$tmp/train.tsv"
# A fixed date keeps the model byte-identical from run to run: the date of
# the commit that last changed the recipe.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct -- tools/make_model.sh tools/pool_data.sh 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH
"$BIN/incite-train" -v --flag attack --seed 1 $(cat models/default.options) -o "$OUT" "$tmp/train.tsv"
