#!/bin/sh
# Runs the cmocka stage tests: run_unit.sh DIR NAME...
# Each under timeout(1) (UNIT_TIMEOUT seconds, default 900): a test that
# deadlocks (test_model's host threads, should the solver lock regress)
# fails with a message instead of holding up the suite.
set -u
dir=$1; shift
limit=${UNIT_TIMEOUT:-900}
fail=0
for t in "$@"; do
    timeout "$limit" "$dir/test_$t" >"$dir/test_$t.log" 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then
        echo "PASS  unit/$t"
    else
        echo "FAIL  unit/$t$([ "$rc" = 124 ] && echo " (timed out after $limit s)")"
        sed 's/^/      /' "$dir/test_$t.log"; fail=1
    fi
done
exit $fail
