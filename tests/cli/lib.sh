# Sourced by every tests/cli/test_*.sh: how to run the programs (under
# valgrind with VALGRIND=1) and how to state what they must do.
BIN=${BUILD:-build}/bin
TMP=${TMPDIR:-/tmp}/incite-cli.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
VG=""
# Only definite leaks: incite-score leaves at once on a closed pipe, without
# joining its threads, whose stacks valgrind would report as "possibly lost".
if [ "${VALGRIND:-}" = 1 ]; then
    VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
fi
score() { $VG "$BIN/incite-score" "$@"; }
train() { $VG "$BIN/incite-train" "$@"; }
eval_() { $VG "$BIN/incite-eval" "$@"; }

failures=0
# expect NAME WANT GOT: exact text comparison
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok    $1"
    else
        echo "FAIL  $1"
        printf '      want: %s\n      got:  %s\n' "$2" "$3" | head -40
        failures=$((failures + 1))
    fi
}
# expect_status NAME WANT GOT
expect_status() { expect "$1 (exit status)" "$2" "$3"; }
# expect_match NAME REGEX TEXT
expect_match() {
    if printf '%s' "$3" | grep -Eq -- "$2"; then
        echo "ok    $1"
    else
        echo "FAIL  $1"
        printf '      want match: %s\n      got: %s\n' "$2" "$3" | head -40
        failures=$((failures + 1))
    fi
}
finish() { exit "$((failures > 0))"; }
