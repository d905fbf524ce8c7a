# make install, and a program built against what it installed: the shared
# library (found by its soname, exporting the API only) and the static one.
. tests/cli/lib.sh
INST="$TMP/inst"
# a make of its own: not the sanitized build of `make test SANITIZE=1`
env -u MAKEFLAGS -u MAKELEVEL -u BUILD -u SANITIZE make -s --no-print-directory install PREFIX="$INST" >"$TMP/log" 2>&1
expect_status "make install" 0 $?
expect "the shared library under its soname, and the link to it" "libincite.so.2" \
    "$(readlink "$INST/lib/libincite.so")"
cc -o "$TMP/embed-shared" tests/cli/embed.c -I"$INST/include" -L"$INST/lib" \
    -Wl,-rpath,"$INST/lib" -lincite 2>"$TMP/err"
expect_status "a program links with -lincite" 0 $?
out=$("$TMP/embed-shared" "$INST/share/incite/default.model" 2>&1)
expect_status "...and runs, finding libincite.so.2" 0 $?
expect_match "...and scores with the installed model, its own normalize() aside" "^attack 0\.[0-9]+$" "$out"
cc -o "$TMP/embed-static" tests/cli/embed.c -I"$INST/include" "$INST/lib/libincite.a" \
    $(pkg-config --libs libutf8proc 2>/dev/null || echo -lutf8proc) -llinear -lsvm -lm -lpthread \
    2>"$TMP/err"
static_rc=$?
expect "the static library links as the README says, its own normalize() aside" "0" "$static_rc"
expect_match "...and scores" "^attack 0\.[0-9]+$" "$("$TMP/embed-static" "$INST/share/incite/default.model" 2>&1)"
exports=$(nm -D --defined-only "$INST/lib/libincite.so.2") && [ -n "$exports" ]
expect_status "nm lists the shared library's exports" 0 $?
expect "only the API is exported" "" "$(printf '%s\n' "$exports" | awk '$3 !~ /^incite_/ { print $3 }')"
finish
