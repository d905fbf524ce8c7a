#!/bin/sh
# Writes the default model's pooled data, mapped to attack/offensive/none,
# as label<TAB>source<TAB>text on stdout.
#   pool_data.sh train SHARED   the training pool (licensed sets + ours)
#   pool_data.sh test NAME SHARED   one test split, mapped the same way:
#       davidson, tweeteval_hate, tweeteval_offensive, gab_hate_corpus,
#       hasoc2019_hindi, multilingual
set -eu
cd "$(dirname "$0")/.."
map() {   # map SOURCE FILE: label<TAB>text rows -> attack/offensive/none
    awk -F'\t' -v src="$1" 'NR > 1 {
        l = $1
        if (l == "hate" || l == "violence" || l == "attack") l = "attack"
        else if (l == "offensive" || l == "profane") l = "offensive"
        else l = "none"
        print l "\t" src "\t" $NF
    }' "$2"
}
printf 'label\tsource\ttext\n'
case "$1" in
train)
    S=$2
    map davidson "$S/davidson/train.tsv"
    map tweeteval_hate "$S/tweeteval/hate/train.tsv"
    map tweeteval_offensive "$S/tweeteval/offensive/train.tsv"
    map multilingual datasets/multilingual/train.tsv
    if [ -f datasets/multilingual/extra.tsv ]; then
        map multilingual datasets/multilingual/extra.tsv
    fi
    ;;
test)
    S=$3
    case "$2" in
    davidson) map "$2" "$S/davidson/test.tsv" ;;
    tweeteval_hate) map "$2" "$S/tweeteval/hate/test.tsv" ;;
    tweeteval_offensive) map "$2" "$S/tweeteval/offensive/test.tsv" ;;
    gab_hate_corpus) map "$2" "$S/gab_hate_corpus/test.tsv" ;;
    hasoc2019_hindi) map "$2" "$S/hasoc2019_hindi/test.tsv" ;;
    multilingual) map "$2" datasets/multilingual/test.tsv ;;
    *) echo "pool_data.sh: unknown test set $2" >&2; exit 2 ;;
    esac
    ;;
*) echo "usage: pool_data.sh train SHARED | test NAME SHARED" >&2; exit 2 ;;
esac
