#!/bin/sh
# Runs the cmocka stage tests: run_unit.sh DIR NAME...
set -u
dir=$1; shift
fail=0
for t in "$@"; do
    if "$dir/test_$t" >"$dir/test_$t.log" 2>&1; then
        echo "PASS  unit/$t"
    else
        echo "FAIL  unit/$t"; sed 's/^/      /' "$dir/test_$t.log"; fail=1
    fi
done
exit $fail
