#!/bin/sh
# The bad-input catalogue: runs every tests/catalogue/cases/*.case (or the
# cases named on the command line) against the built programs and says
# which behaved as the case states.  POSIX sh and coreutils only.
#
#   BUILD=build SHIM=build/catalogue/enospc.so tests/catalogue/run.sh [CASE...]
#
# A case is a sh fragment, sourced in a subshell, that sets:
#   desc        what it checks, one line
#   gen()       optional: writes the input to "$IN" (made at test time, so
#               that nothing large or binary is committed)
#   cmd         the command line, run by sh -c from the top of the tree
#   status      the exit status it must end with (default 0)
#   stdout      optional: the exact output (as $(...) sees it: trailing
#               newlines dropped); likewise stderr
#   stdout_re   optional: extended regexes, one a line, each matching some
#               line of the output; likewise stderr_re
#   stdout_lines  optional: how many lines the output has
#   timeout     seconds before the command counts as hung (default 60)
#   max_rss_mb  optional: peak memory of the command run through $TIME,
#               checked when /usr/bin/time exists
#   check()     optional: further assertions; prints why and returns
#               non-zero on failure
#   skip        optional: a reason not to run here (e.g. running as root)
#   bug         optional: the known bug that makes it fail today, shown
#               with the failure (the case still fails until it is fixed)
# and may use: $SCORE $TRAIN $EVAL (the programs), $MODEL (a good tiny
# model, labels attack/none/offensive, flag attack), $DATA (its training
# set), $T (the case's own empty directory), $IN (= $T/in), $TIME (a
# prefix measuring the peak memory of what follows, or empty), $SHIM (the
# ENOSPC shim), $CASES (the cases' directory), $TAB (a tab, for regexes).
set -u
cd "$(dirname "$0")/../.." || exit 1
LC_ALL=C
export LC_ALL
BUILD=${BUILD:-build}
SCORE=$BUILD/bin/incite-score
TRAIN=$BUILD/bin/incite-train
EVAL=$BUILD/bin/incite-eval
SHIM=${SHIM:-$BUILD/catalogue/enospc.so}
CASES=tests/catalogue/cases
TAB=$(printf '\t')
DATA=tests/data/tiny.tsv
case $SHIM in /*) ;; *) SHIM=$(pwd)/$SHIM ;; esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/incite-catalogue.XXXXXX") || exit 1
trap 'chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
MODEL=$WORK/good.model
export SCORE TRAIN EVAL SHIM CASES DATA MODEL TAB

for p in "$SCORE" "$TRAIN" "$EVAL"; do
    [ -x "$p" ] || { echo "catalogue: $p is not built (make)" >&2; exit 1; }
done
[ -f "$SHIM" ] || { echo "catalogue: $SHIM is not built (make catalogue)" >&2; exit 1; }
if ! "$TRAIN" --cv 3 --hash-bits 12 --min-df 1 --flag attack -j 1 -o "$MODEL" "$DATA" 2>"$WORK/train.err"; then
    echo "catalogue: cannot train the reference model:" >&2
    cat "$WORK/train.err" >&2
    exit 1
fi
have_time=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$WORK/probe" true 2>/dev/null; then
    have_time=1
fi

# say_lines FILE: a file's first lines, indented, for a report
say_lines() { head -c 2000 "$1" | head -12 | sed 's/^/          /'; }

# run_case FILE: prints "ok", "skip" or "FAIL" and the reasons; returns 0, 2
# (skipped) or 1
run_case() {
    name=$(basename "$1" .case)
    T=$WORK/$name
    mkdir -p "$T"
    IN=$T/in
    TIME=
    [ -n "$have_time" ] && TIME="/usr/bin/time -f %M -o $T/rss"
    export T IN TIME
    (
        desc='' cmd='' status=0 timeout=60 max_rss_mb='' stdout_lines='' skip='' bug=''
        unset stdout stderr stdout_re stderr_re
        unset -f gen check 2>/dev/null
        . "./$1"
        if [ -n "$skip" ]; then
            echo "skip  $name: $skip"
            exit 2
        fi
        why=$T/why
        : > "$why"
        if command -v gen >/dev/null 2>&1 && ! gen; then
            echo "cannot generate the input" >> "$why"
        fi
        start=$(date +%s)
        timeout -k 5 "$timeout" sh -c "$cmd" > "$T/stdout" 2> "$T/stderr" < /dev/null
        got=$?
        secs=$(( $(date +%s) - start ))
        if [ "$got" = 124 ] && [ "$status" != 124 ]; then
            echo "still running after $timeout s (hung)" >> "$why"
        elif [ "$got" != "$status" ]; then
            echo "exit status $got, want $status" >> "$why"
        fi
        if [ "${stdout+set}" ] && [ "$(cat "$T/stdout")" != "$stdout" ]; then
            echo "stdout differs; want:" >> "$why"
            printf '%s\n' "$stdout" | head -12 | sed 's/^/          /' >> "$why"
            echo "      got:" >> "$why"
            say_lines "$T/stdout" >> "$why"
        fi
        if [ "${stderr+set}" ] && [ "$(cat "$T/stderr")" != "$stderr" ]; then
            echo "stderr differs; want:" >> "$why"
            printf '%s\n' "$stderr" | head -12 | sed 's/^/          /' >> "$why"
            echo "      got:" >> "$why"
            say_lines "$T/stderr" >> "$why"
        fi
        for stream in stdout stderr; do
            eval "res=\${${stream}_re-}"
            [ -n "$res" ] || continue
            printf '%s\n' "$res" > "$T/$stream.re"
            while IFS= read -r re; do
                [ -n "$re" ] || continue
                if ! grep -aEq -- "$re" "$T/$stream"; then
                    echo "$stream has no line matching: $re; got:" >> "$why"
                    say_lines "$T/$stream" >> "$why"
                fi
            done < "$T/$stream.re"
        done
        if [ -n "$stdout_lines" ]; then
            n=$(wc -l < "$T/stdout" | tr -d ' ')
            [ "$n" = "$stdout_lines" ] || echo "$n lines of output, want $stdout_lines" >> "$why"
        fi
        if [ -n "$max_rss_mb" ] && [ -n "$TIME" ]; then
            if [ -s "$T/rss" ]; then
                kb=$(tail -1 "$T/rss")
                [ "$((kb / 1024))" -lt "$max_rss_mb" ] ||
                    echo "peak memory $((kb / 1024)) MB, limit $max_rss_mb MB" >> "$why"
            else
                echo "no memory measurement (is \$TIME in cmd?)" >> "$why"
            fi
        fi
        if command -v check >/dev/null 2>&1; then
            check >> "$why" 2>&1 || echo "(check failed)" >> "$why"
        fi
        if [ -s "$why" ]; then
            echo "FAIL  $name: $desc${bug:+  [known bug: $bug]}"
            sed 's/^/      /' "$why"
            exit 1
        fi
        echo "ok    $name (${secs}s)"
    )
}

total=0
failed=0
skipped=0
if [ $# -gt 0 ]; then
    list=$(for c in "$@"; do case $c in */*) echo "$c" ;; *) echo "$CASES/${c%.case}.case" ;; esac; done)
else
    list=$(ls "$CASES"/*.case)
fi
for c in $list; do
    total=$((total + 1))
    run_case "$c"
    case $? in 0) ;; 2) skipped=$((skipped + 1)) ;; *) failed=$((failed + 1)) ;; esac
    # a case's files may be large (100 MB): gone once it is judged
    chmod -R u+rwx "$WORK/$(basename "$c" .case)" 2>/dev/null
    rm -rf "${WORK:?}/$(basename "$c" .case)"
done
echo "catalogue: $total cases, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
