#!/bin/sh
# bench/run.sh - incite's performance benchmark (`make bench`, mk/bench.mk).
#
# Builds its input from ../shared/datasets, measures incite against fastText
# and scikit-learn side by side in one run, and writes bench/RESULTS.md from
# the measured JSON (build/bench/results/).  Parts, in the order they run:
#
#   train      incite-train vs sklearn_score.py fit on the pooled ~70k train
#              posts: wall time, peak memory, macro-F1 on the pooled tests
#   score      whole-process scoring of 200,000 posts: incite-score with 1
#              and 2 threads, fastText predict, the scikit-learn pipeline,
#              round by round (hyperfine; peak RSS by /usr/bin/time -v
#              around each run)
#   load       start-up + model load: incite-score on an empty input,
#              fastText on one line, scikit-learn on an empty input
#   featurize  the core alone (build/bench/featurize) on 20 MB of tweets,
#              evasion folding on (default) and off
#   profile    perf record (cpu-clock) of incite-score on the 200k posts
#   scaling    incite-train on 10k ... 1M replicated rows, and scikit-learn's
#              fit on those up to BENCH_SCALE_SKLEARN_MAX posts (slow: only
#              with BENCH_SCALE=1 or `make bench-train-scaling`; its numbers
#              are kept in bench/train_scaling.json and reported from there)
#
# Environment: BENCH_PARTS (default "train score load featurize profile"),
# BENCH_SCALE=1 (add "scaling"), BENCH_RUNS (5) / BENCH_WARMUP (1): scoring
# rounds kept / warm-up rounds, BENCH_SLOW_RUNS (3): the rounds that include
# scikit-learn, BENCH_LOAD_RUNS (10), BENCH_TRAIN_RUNS (2: incite-train and
# scikit-learn's fit in turn), BENCH_SCALE_SIZES ("10000 100000 300000 1000000"),
# BENCH_SCALE_SKLEARN_MAX (300000: its fit of 1M posts would need some 15 GB),
# SHARED (../shared/datasets), BENCH_MODEL (score with this model instead of
# models/default.model or, when that is missing, a stand-in trained here).
#
# Expensive artifacts (inputs, fastText and scikit-learn models, a stand-in
# incite model) are cached in build/bench/cache/KEY/, KEY being the
# checksum of the datasets read (bench/prepare.py key).
set -eu
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared/datasets}
SHARED_BENCH=$(dirname "$SHARED")/bench
PY=/usr/bin/python3
OUT=build/bench
RES=$OUT/results
BIN=$OUT/bin
PARTS=${BENCH_PARTS:-train score load featurize profile}
[ "${BENCH_SCALE:-0}" = 1 ] && PARTS="$PARTS scaling"
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
LOAD_RUNS=${BENCH_LOAD_RUNS:-10}
TRAIN_RUNS=${BENCH_TRAIN_RUNS:-2}
SCALE_SIZES=${BENCH_SCALE_SIZES:-10000 100000 300000 1000000}
SCALE_SKLEARN_MAX=${BENCH_SCALE_SKLEARN_MAX:-300000}
FLAG=hate          # the label incite's models flag (a label of the pooled data)

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# note PART KEY VALUE: a string into $RES/notes-PART.txt (read by report.py)
note() { printf '%s\t%s\n' "$2" "$3" >> "$RES/notes-$1.tsv"; }

# ---- what it needs ------------------------------------------------------

if [ ! -d "$SHARED" ] || [ ! -f "$SHARED_BENCH/sklearn_score.py" ]; then
    die "$SHARED (and $SHARED_BENCH/sklearn_score.py) not here: the benchmark builds its input from the development sets in ../shared; nothing measured"
fi
for t in hyperfine fasttext /usr/bin/time; do
    command -v "$t" > /dev/null || die "$t is missing: run \`make bench\`, which installs it"
done
$PY -c 'import sklearn' 2> /dev/null || die "$PY has no scikit-learn: run \`make bench\`, which installs python3-sklearn"
for p in incite-score incite-train incite-eval; do
    [ -x "build/bin/$p" ] || die "build/bin/$p is missing: run \`make\` first"
done
[ -f build/libincite.a ] || die "build/libincite.a is missing: run \`make\` first"
export BENCH_SHARED_BENCH="$SHARED_BENCH"

T_START=$(date +%s)
mkdir -p "$OUT" "$BIN" "$RES"
rm -f "$RES/notes-run.tsv" "$RES/notes-inputs.tsv"
# The parts run now replace their old results; results of other parts stay.
for p in $PARTS; do
    case $p in
    train) rm -f "$RES"/train_*.json "$RES"/eval_*.json "$RES"/notes-train.tsv ;;
    score) rm -f "$RES"/score_*.json "$RES"/rss_*.txt "$RES"/notes-score.tsv ;;
    load) rm -f "$RES"/load.json "$RES"/notes-load.tsv ;;
    featurize) rm -f "$RES"/featurize.jsonl "$RES"/notes-featurize.tsv ;;
    profile) rm -f "$RES"/profile.json "$RES"/perf.txt "$RES"/notes-profile.tsv ;;
    scaling) rm -f "$RES"/scale_*.json "$RES"/scale_*.stderr "$RES"/notes-scaling.tsv ;;
    *) die "unknown part $p (train score load featurize profile scaling)" ;;
    esac
done

# The programs are copied once, so that a rebuild of build/ by someone else
# during the run cannot swap a binary between two measurements.
for p in incite-score incite-train incite-eval; do
    cp "build/bin/$p" "$BIN/$p.tmp" && mv "$BIN/$p.tmp" "$BIN/$p"
done
${CC:-cc} -O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -o "$OUT/featurize" \
    bench/featurize.c build/libincite.a -lutf8proc -llinear -lsvm -lm -lpthread
$PY bench/report.py machine > "$RES/machine.json"
# Each part's own date and checkout: a run of some parts keeps the others'
# results, and the report must not credit them to this run.
for p in $PARTS; do
    note "$p" measured "$(date -u '+%Y-%m-%d %H:%M UTC') at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
done

# ---- inputs (cached by the datasets' checksum) ------------------------

KEY=$($PY bench/prepare.py key "$SHARED")
C=$OUT/cache/$KEY
if [ -f "$C/.done" ]; then
    say "inputs: cached in $C"
else
    say "inputs: building from $SHARED into $C"
    rm -rf "$OUT/cache"
    $PY bench/prepare.py inputs "$SHARED" "$C"
    : > "$C/empty.txt"
    touch "$C/.done"
fi
POSTS=$C/posts.txt
note inputs key "$KEY"
note inputs dir "$C"
note inputs cmd_prepare "$PY bench/prepare.py inputs $SHARED $C"
note inputs cmd_fasttext "fasttext supervised -input $C/fasttext.txt -output $C/fasttext -wordNgrams 2 -epoch 25 -lr 0.5 -thread 2 -verbose 0"
note inputs cmd_sklearn "$PY $SHARED_BENCH/sklearn_score.py fit $C/train.tsv $C/sklearn-VERSION.pkl"
note inputs cmd_standin "$BIN/incite-train --flag $FLAG -o $C/standin-SHA.model $C/train.tsv"
note inputs train_rows "$(($(wc -l < "$C/train.tsv") - 1))"
note inputs test_rows "$(($(wc -l < "$C/test.tsv") - 1))"
SKVER=$($PY -c 'import sklearn; print(sklearn.__version__)')
SKPKL=$C/sklearn-$SKVER.pkl
FTBIN=$C/fasttext.bin
STANDIN=$C/standin-$(sha256sum "$BIN/incite-train" | cut -c1-12).model
# an earlier build's stand-in is never read again
for old in "$C"/standin-*.model; do
    [ "$old" = "$STANDIN" ] || rm -f "$old"
done

# fastText, trained as ../shared/bench/baselines.py does (lower-cased text,
# __label__ prefixes, wordNgrams 2, default buckets, 25 epochs, lr 0.5).
if [ ! -f "$FTBIN" ] && { has_part score || has_part load; }; then
    say "fastText: training its model on $C/fasttext.txt (cached for the next runs)"
    fasttext supervised -input "$C/fasttext.txt" -output "$C/fasttext.tmp" -wordNgrams 2 \
        -epoch 25 -lr 0.5 -thread 2 -verbose 0
    rm -f "$C/fasttext.tmp.vec"
    mv "$C/fasttext.tmp.bin" "$FTBIN"
fi

# ---- training: incite-train vs scikit-learn's fit ------------------------

if has_part train; then
    note train cmd_incite "$BIN/incite-train --flag $FLAG -o $OUT/train-incite.model $C/train.tsv"
    note train cmd_incite_cv0 "$BIN/incite-train --flag $FLAG --cv 0 -o $OUT/train-incite-cv0.model $C/train.tsv"
    note train cmd_sklearn "$PY $SHARED_BENCH/sklearn_score.py fit $C/train.tsv $OUT/train-sklearn.pkl"
    note train cmd_eval_incite "$BIN/incite-eval --json -m $OUT/train-incite.model $C/test.tsv"
    note train cmd_eval_sklearn "$PY bench/sklearn_f1.py $OUT/train-sklearn.pkl $C/test.tsv $OUT/labels-sklearn.txt"
    note train cmd_labels_incite "$BIN/incite-score -q -m $OUT/train-incite.model --input-format tsv $C/test.tsv (its label column) > $OUT/labels-incite.txt"
    note train cmd_paired "$PY bench/paired_f1.py $C/test.tsv $OUT/labels-incite.txt $OUT/labels-sklearn.txt"
    note train wrapper "bench/treemem.py OUT.json COMMAND (runs /usr/bin/time -v COMMAND, samples the process tree's PSS every 0.2 s)"
    say "train: incite-train on $(($(wc -l < "$C/train.tsv") - 1)) pooled posts (load $(loadavg))"
    note train load_before "$(loadavg)"
    note train runs "$TRAIN_RUNS"
    # incite-train and scikit-learn's fit take turns, TRAIN_RUNS times, so
    # that a slow spell of the machine does not fall on one of them only.
    r=1
    while [ "$r" -le "$TRAIN_RUNS" ]; do
        say "train: run $r of $TRAIN_RUNS: incite-train (load $(loadavg))"
        $PY bench/treemem.py "$RES/train_incite_$r.json" \
            "$BIN/incite-train" --flag "$FLAG" -o "$OUT/train-incite.model" "$C/train.tsv"
        say "train: run $r of $TRAIN_RUNS: scikit-learn fit (load $(loadavg))"
        $PY bench/treemem.py "$RES/train_sklearn_$r.json" \
            $PY "$SHARED_BENCH/sklearn_score.py" fit "$C/train.tsv" "$OUT/train-sklearn.pkl"
        r=$((r + 1))
    done
    # One fit and nothing else, as scikit-learn's fit is: the like-for-like
    # row.  The default above also fits five folds for calibration and
    # honest metrics, which the scikit-learn pipeline does not do at all.
    say "train: incite-train --cv 0, one fit (load $(loadavg))"
    $PY bench/treemem.py "$RES/train_incite_cv0.json" \
        "$BIN/incite-train" --flag "$FLAG" --cv 0 -o "$OUT/train-incite-cv0.model" "$C/train.tsv"
    note train load_after "$(loadavg)"
    say "train: macro-F1 on the pooled test splits"
    "$BIN/incite-eval" --json -m "$OUT/train-incite.model" "$C/test.tsv" > "$RES/eval_incite.json"
    "$BIN/incite-eval" --json -m "$OUT/train-incite-cv0.model" "$C/test.tsv" > "$RES/eval_incite_cv0.json"
    $PY bench/sklearn_f1.py "$OUT/train-sklearn.pkl" "$C/test.tsv" "$OUT/labels-sklearn.txt" \
        > "$RES/eval_sklearn.json"
    # The two programs' labels for the same test posts, for the interval
    # of their macro-F1 difference: one test set is one draw.
    "$BIN/incite-score" -q -m "$OUT/train-incite.model" --input-format tsv "$C/test.tsv" |
        awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "label") col = i; next } { print $col }' \
        > "$OUT/labels-incite.txt"
    $PY bench/paired_f1.py "$C/test.tsv" "$OUT/labels-incite.txt" "$OUT/labels-sklearn.txt" \
        > "$RES/paired_f1.json"
    note train model_bytes_incite "$(wc -c < "$OUT/train-incite.model")"
    note train model_bytes_incite_cv0 "$(wc -c < "$OUT/train-incite-cv0.model")"
    note train model_bytes_sklearn "$(wc -c < "$OUT/train-sklearn.pkl")"
    # The same recipes give the scoring part its models.
    [ -f "$SKPKL" ] || cp "$OUT/train-sklearn.pkl" "$SKPKL"
    [ -f "$STANDIN" ] || cp "$OUT/train-incite.model" "$STANDIN"
    rm -f "$OUT/train-incite.model" "$OUT/train-incite-cv0.model" "$OUT/train-sklearn.pkl" "$OUT/labels-incite.txt" \
        "$OUT/labels-sklearn.txt"
fi

# ---- the models the scoring parts use -----------------------------------

if has_part score || has_part load || has_part profile || has_part featurize; then
    if [ -n "${BENCH_MODEL:-}" ]; then
        [ -f "$BENCH_MODEL" ] || die "BENCH_MODEL=$BENCH_MODEL: no such file"
        MODEL=$BENCH_MODEL
        MODEL_KIND=given
    elif [ -f models/default.model ]; then
        MODEL=models/default.model
        MODEL_KIND=default
    else
        MODEL=$STANDIN
        MODEL_KIND=standin
        if [ -f "$STANDIN" ]; then
            say "models/default.model is missing: scoring with a stand-in (cached)," \
                "incite-train --flag $FLAG on the pooled training data: $STANDIN"
        else
            say "models/default.model is missing: training a stand-in," \
                "incite-train --flag $FLAG -o $STANDIN on the pooled training data"
            "$BIN/incite-train" --flag "$FLAG" -o "$STANDIN.tmp" "$C/train.tsv"
            mv "$STANDIN.tmp" "$STANDIN"
        fi
    fi
    # The pooled model (same 10 labels as fastText's and scikit-learn's) is
    # scored too: a model's label count changes incite's cost per feature.
    if has_part score && [ ! -f "$STANDIN" ]; then
        say "training incite's pooled model (cached for the next runs): $STANDIN"
        "$BIN/incite-train" --flag "$FLAG" -o "$STANDIN.tmp" "$C/train.tsv"
        mv "$STANDIN.tmp" "$STANDIN"
    fi
    if [ ! -f "$SKPKL" ] && { has_part score || has_part load; }; then
        say "scikit-learn: fitting its model on $C/train.tsv (cached for the next runs)"
        $PY "$SHARED_BENCH/sklearn_score.py" fit "$C/train.tsv" "$SKPKL.tmp"
        mv "$SKPKL.tmp" "$SKPKL"
    fi
    for p in score load profile; do
        if has_part $p; then
            note $p model "$MODEL"
            note $p model_kind "$MODEL_KIND"
            note $p model_bytes "$(wc -c < "$MODEL")"
        fi
    done
fi

# ---- scoring, whole process ---------------------------------------------

if has_part score; then
    # Each program must give one answer per post: checked on 1,000 posts.
    head -1000 "$POSTS" > "$OUT/head1000.txt"
    n=$("$BIN/incite-score" -q -m "$MODEL" --threads 1 --input-format plain "$OUT/head1000.txt" | wc -l)
    [ "$n" = 1000 ] || die "incite-score gave $n rows for 1000 posts"
    n=$(fasttext predict "$FTBIN" "$OUT/head1000.txt" | wc -l)
    [ "$n" = 1000 ] || die "fasttext predict gave $n rows for 1000 posts"
    n=$($PY bench/sklearn_stream.py "$SKPKL" "$FLAG" < "$OUT/head1000.txt" | wc -l)
    [ "$n" = 1000 ] || die "sklearn_score.py gave $n rows for 1000 posts"

    note score posts "$(wc -l < "$POSTS")"
    note score bytes "$(wc -c < "$POSTS")"
    note score load_before "$(loadavg)"
    rss() { echo "/usr/bin/time -v -a -o $RES/rss_$1.txt"; }
    c1="$BIN/incite-score -q -m $MODEL --threads 1 --input-format plain $POSTS > /dev/null"
    c2="$BIN/incite-score -q -m $MODEL --threads 2 --input-format plain $POSTS > /dev/null"
    cp="$BIN/incite-score -q -m $STANDIN --threads 1 --input-format plain $POSTS > /dev/null"
    cf="fasttext predict $FTBIN $POSTS > /dev/null"
    cs="$PY bench/sklearn_stream.py $SKPKL $FLAG < $POSTS > /dev/null"
    note score cmd_incite-1t "$c1"
    note score cmd_incite-2t "$c2"
    note score cmd_incite-pooled "$cp"
    note score model_bytes_pooled "$(wc -c < "$STANDIN")"
    note score cmd_fasttext "$cf"
    note score cmd_sklearn "$cs"
    note score hyperfine "hyperfine --runs 1, once per round, the commands' order rotated each round (each command prefixed with /usr/bin/time -v -a -o FILE)"
    note score rounds "$RUNS"
    note score warmup_rounds "$WARMUP"
    note score sklearn_rounds "$SLOW_RUNS"
    # Round by round, every command once, rather than each command's runs
    # back to back: a slow spell of this shared machine then falls on all
    # of them, not on one, and each round gives a ratio of its own.  The
    # warm-up rounds (file cache) are not kept; scikit-learn, a minute a
    # run, is in the first SLOW_RUNS rounds only.
    say "score: incite-score 1 and 2 threads, with the pooled model, fastText: $WARMUP + $RUNS rounds;" \
        "scikit-learn in $SLOW_RUNS of them (load $(loadavg))"
    r=1
    while [ "$r" -le $((WARMUP + RUNS)) ]; do
        kept=$((r - WARMUP))
        names="incite-1t incite-2t incite-pooled fasttext"
        [ "$kept" -ge 1 ] && [ "$kept" -le "$SLOW_RUNS" ] && names="$names sklearn"
        set --
        for name in $names; do
            case $name in
            incite-1t) cmd=$c1 ;; incite-2t) cmd=$c2 ;; incite-pooled) cmd=$cp ;;
            fasttext) cmd=$cf ;; sklearn) cmd=$cs ;;
            esac
            set -- "$@" -n "$name" "$(rss "$name") $cmd"
        done
        # rotate by the round: each command in turn goes first
        k=0
        while [ "$k" -lt $(((r - 1) % ($# / 3))) ]; do
            set -- "$@" "$1" "$2" "$3"
            shift 3
            k=$((k + 1))
        done
        if [ "$kept" -ge 1 ]; then
            json=$RES/score_round_$kept.json
        else
            json=$OUT/score_warmup.json
        fi
        say "score: round $r of $((WARMUP + RUNS))$([ "$kept" -ge 1 ] || echo ' (warm-up)') (load $(loadavg))"
        hyperfine --style basic --runs 1 --export-json "$json" "$@" > /dev/null
        r=$((r + 1))
    done
    note score load_after "$(loadavg)"
    note score model_bytes_fasttext "$(wc -c < "$FTBIN")"
    note score model_bytes_sklearn "$(wc -c < "$SKPKL")"
fi

# ---- start-up and model load ----------------------------------------------

if has_part load; then
    say "load: $((LOAD_RUNS + 2)) runs each (load $(loadavg))"
    note load load_before "$(loadavg)"
    l1="$BIN/incite-score -q -m $MODEL --threads 1 --input-format plain $C/empty.txt"
    l2="fasttext predict $FTBIN $C/one.txt"
    l3="$PY bench/sklearn_stream.py $SKPKL $FLAG"
    note load cmd_incite-empty "$l1"
    note load cmd_fasttext-1line "$l2"
    note load cmd_sklearn-empty "$l3 < /dev/null"
    note load hyperfine "hyperfine -N --warmup 2 --runs $LOAD_RUNS"
    hyperfine -N --warmup 2 --runs "$LOAD_RUNS" --export-json "$RES/load.json" \
        -n incite-empty "$l1" -n fasttext-1line "$l2" -n sklearn-empty "$l3"
    note load load_after "$(loadavg)"
    note load model_bytes_fasttext "$(wc -c < "$FTBIN")"
    note load model_bytes_sklearn "$(wc -c < "$SKPKL")"
fi

# ---- the core alone ---------------------------------------------------------

if has_part featurize; then
    say "featurize: $C/tweets20mb.txt, folding on and off, alternating (load $(loadavg))"
    note featurize load_before "$(loadavg)"
    # the model's configuration and idf: the vector scoring computes
    for round in 1 2; do
        "$OUT/featurize" --json --model "$MODEL" "$C/tweets20mb.txt" 3 >> "$RES/featurize.jsonl"
        "$OUT/featurize" --json --model "$MODEL" --no-fold "$C/tweets20mb.txt" 3 \
            >> "$RES/featurize.jsonl"
    done
    note featurize load_after "$(loadavg)"
    note featurize command_fold "$OUT/featurize --json --model $MODEL $C/tweets20mb.txt 3"
    note featurize command_nofold "$OUT/featurize --json --model $MODEL --no-fold $C/tweets20mb.txt 3"
fi

# ---- profile -------------------------------------------------------------

if has_part profile; then
    say "profile: perf record of incite-score --threads 1 (load $(loadavg))"
    note profile load_before "$(loadavg)"
    cmd="$BIN/incite-score -q -m $MODEL --threads 1 --input-format plain $POSTS"
    note profile command "perf record -e cpu-clock -F 999 -o $OUT/perf.data $cmd > /dev/null"
    if command -v perf > /dev/null &&
       perf record -q -e cpu-clock -F 999 -o "$OUT/perf.data" $cmd > /dev/null 2> "$OUT/perf.err" &&
       perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,symbol \
           > "$RES/perf.txt" 2>> "$OUT/perf.err"; then
        note profile report "perf report -i $OUT/perf.data --stdio --no-children --sort dso,symbol"
    else
        say "profile: perf failed (see $OUT/perf.err); the profile section will say so"
        note profile error "$(head -3 "$OUT/perf.err" | tr '\t\n' '  ')"
    fi
    note profile load_after "$(loadavg)"
fi

# ---- training time and memory from 10k to 1M posts ------------------------

if has_part scaling; then
    note scaling load_before "$(loadavg)"
    for n in $SCALE_SIZES; do
        [ -f "$C/train-$n.tsv" ] || $PY bench/prepare.py replicate "$C/train.tsv" "$n" "$C/train-$n.tsv"
        say "scaling: incite-train on $n posts (load $(loadavg))"
        # -v: the solvers' iteration counts, kept beside the timings
        $PY bench/treemem.py "$RES/scale_$n.json" \
            "$BIN/incite-train" -v --flag "$FLAG" -o "$OUT/scale.model" "$C/train-$n.tsv" \
            2> "$RES/scale_$n.stderr"
        rm -f "$OUT/scale.model"
        [ "$n" -le "$SCALE_SKLEARN_MAX" ] || continue
        # The same file through the pipeline users would otherwise fit, and
        # its solver's iterations: how hard the problem itself got.
        say "scaling: scikit-learn fit on $n posts (load $(loadavg))"
        $PY bench/treemem.py "$RES/scale_sklearn_$n.json" \
            $PY "$SHARED_BENCH/sklearn_score.py" fit "$C/train-$n.tsv" "$OUT/scale-sklearn.pkl"
        $PY -c 'import json, pickle, sys
svc = pickle.load(open(sys.argv[1], "rb")).steps[-1][1]
print(json.dumps({"n_iter": int(svc.n_iter_), "max_iter": svc.max_iter, "tol": svc.tol}))' \
            "$OUT/scale-sklearn.pkl" > "$RES/scale_sklearn_$n.iter.json"
        rm -f "$OUT/scale-sklearn.pkl"
    done
    note scaling load_after "$(loadavg)"
    $PY bench/report.py scaling "$RES" bench/train_scaling.json
fi

T_END=$(date +%s)
note run seconds "$((T_END - T_START))"
note run parts "$PARTS"
$PY bench/report.py write "$RES" bench/RESULTS.md
say "done in $(((T_END - T_START) / 60)) min $(((T_END - T_START) % 60)) s: bench/RESULTS.md"
