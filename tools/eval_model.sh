#!/bin/sh
# The default model's figures for its model card: each development test
# split, mapped to attack/offensive/none as tools/pool_data.sh maps them,
# through incite-eval.  Prints a Markdown table.
#   eval_model.sh [MODEL]
set -eu
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/datasets}
MODEL=${1:-models/default.model}
BIN=${BIN:-build/bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '| test split | labels | posts | macro-F1 | attack P / R / F1 | offensive F1 | none F1 | attack ROC-AUC |\n'
printf '|---|---|---:|---:|---|---:|---:|---:|\n'
for set in tweeteval_hate tweeteval_offensive davidson gab_hate_corpus hasoc2019_hindi multilingual; do
    if [ "$set" != multilingual ] && [ ! -d "$SHARED" ]; then continue; fi
    tools/pool_data.sh test "$set" "$SHARED" > "$tmp/$set.tsv"
    # each set in its own granularity: TweetEval hate is attack or not,
    # TweetEval offensive is offensive (attacks included) or not
    case $set in
    tweeteval_hate) map="--map-label offensive:none"; labels="attack / none" ;;
    tweeteval_offensive) map="--map-label attack:offensive"; labels="offensive / none" ;;
    *) map=""; labels="attack / offensive / none" ;;
    esac
    "$BIN/incite-eval" --json $map -m "$MODEL" "$tmp/$set.tsv" > "$tmp/$set.json"
    # pull figures out of the one-line JSON with sed: no other tool needed
    j=$(cat "$tmp/$set.json")
    num() { printf '%s' "$j" | sed -n "s/.*$1\":\([-0-9.e]*\).*/\1/p"; }
    cls() { printf '%s' "$j" | sed -n "s/.*\"$1\":{\"precision\":\([0-9.]*\),\"recall\":\([0-9.]*\),\"f1\":\([0-9.]*\),\"support\":\([0-9]*\),\"roc_auc\":\([0-9.]*\|null\).*/\\$2/p"; }
    # a label the split does not have (support 0), or an AUC the model
    # cannot give (null), is a dash, as in the model card
    fig() { if [ "$(cls "$1" 4)" = 0 ] || [ "$(cls "$1" "$2")" = null ]; then printf '–'
            else printf '%.3f' "$(cls "$1" "$2")"; fi; }
    printf '| %s | %s | %s | %.3f | %s / %s / %s | %s | %s | %s |\n' "$set" "$labels" "$(num '{"rows')" \
        "$(num macro_f1)" "$(fig attack 1)" "$(fig attack 2)" "$(fig attack 3)" "$(fig offensive 3)" \
        "$(fig none 3)" "$(fig attack 5)"
done
