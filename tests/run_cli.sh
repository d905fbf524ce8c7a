#!/bin/sh
# Runs every tests/cli/test_*.sh from the top of the tree.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
for t in tests/cli/test_*.sh; do
    name=$(basename "$t" .sh)
    if out=$(sh "$t" 2>&1); then
        echo "PASS  cli/${name#test_}"
    else
        echo "FAIL  cli/${name#test_}"
        printf '%s\n' "$out" | grep -v '^ok ' | sed 's/^/      /'
        fail=1
    fi
done
exit $fail
