# incite-score --dump: the core shows its work.
. tests/cli/lib.sh

expect "hindi tokens" "क्या आपके पास हिन्दी" \
    "$(printf 'क्या आपके पास हिन्दी\n' | score --dump tokens)"
expect "zero width and case fold" "kill kill kill" \
    "$(printf 'ki\342\200\213ll KILL Kill\n' | score --dump tokens)"
expect "placeholders" "<url> <user> <email>" \
    "$(printf 'https://x.co/a @someone me@x.org\n' | score --dump tokens)"
expect "one line out per line in, empty lines too" "3" \
    "$(printf 'a\n\nb\n' | score --dump tokens | wc -l | tr -d ' ')"
expect "last line without newline" "kill them" \
    "$(printf 'kill them' | score --dump tokens)"
expect "CRLF" "kill them" "$(printf 'kill them\r\n' | score --dump tokens)"
expect "normalized view" "kill é" "$(printf 'KILL E\314\201\n' | score --dump normalized)"

got=$(printf 'kill them\n' | score --dump features)
expect_match "features header" '^id	ngram	weight' "$got"
expect_match "word bigram feature" '1	kill them	-?0\.[0-9]+' "$got"
expect_match "char n-gram feature" '1	\[_kil\]	-?0\.[0-9]+' "$got"

printf 'kill\n' > "$TMP/a.txt"
printf 'them\n' > "$TMP/b.txt"
expect "files in order" "kill
them" "$(score --dump tokens "$TMP/a.txt" "$TMP/b.txt")"

score --dump tokens "$TMP/missing.txt" >/dev/null 2>"$TMP/err"
expect_status "missing file" 1 $?
expect_match "missing file named" "missing.txt" "$(cat "$TMP/err")"
score --dump nonsense </dev/null >/dev/null 2>&1
expect_status "bad --dump value" 2 $?
score --no-such-option </dev/null >/dev/null 2>&1
expect_status "unknown option" 2 $?
finish
