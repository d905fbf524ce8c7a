# incite-score: one row out per row in, in order; errors reported, not lost.
. tests/cli/lib.sh
DATA=tests/data/tiny.tsv
train --cv 3 --hash-bits 16 --min-df 1 --flag attack -o "$TMP/m.model" $DATA 2>/dev/null
M="-m $TMP/m.model"

# plain text: no header, ids are line numbers
printf 'kill them all\nthe weather is lovely\n\nyou idiot\n' > "$TMP/plain.txt"
out=$(score $M "$TMP/plain.txt" 2>"$TMP/err")
expect_status "plain text" 0 $?
expect "one row per line" 4 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
expect "ids are line numbers" "1 2 3 4" "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_match "a scored row" "^1		ok	attack	0\.[0-9]+	true	" "$out"
expect_match "summary" "4 rows read, 4 scored \(0 truncated\), [0-9]+ flagged, 0 errors" "$(cat "$TMP/err")"

# TSV with a header: header out, columns constant
printf 'id\thandle\ttext\np1\t@a\tkill them all\np2\t@b\tlovely weather\n' > "$TMP/in.tsv"
out=$(score $M "$TMP/in.tsv" 2>/dev/null)
expect "header" "id	handle	status	label	flag_prob	flagged	margin	prob_attack	prob_none	prob_offensive	reason" \
    "$(printf '%s\n' "$out" | head -1)"
expect "constant column count" "11" "$(printf '%s\n' "$out" | awk -F'\t' '{print NF}' | sort -u | tr '\n' ' ' | sed 's/ $//')"
expect_match "id and handle carried" "^p2	@b	ok	" "$out"

# JSON Lines in and out
printf '{"id":"j1","handle":"@x","text":"kill them"}\n{"text":"hi"}\n' > "$TMP/in.jsonl"
out=$(score $M -f jsonl "$TMP/in.jsonl" 2>/dev/null)
expect_match "jsonl row" '^\{"id":"j1","handle":"@x","status":"ok","label":"[a-z]+","flag_prob":[0-9.]+,"flagged":(true|false),"margin":-?[0-9.]+,"prob":\{"attack":' "$out"
expect_match "jsonl id from line" '"id":"2","handle":null' "$out"

# every kind of bad row: one output row each, in order, reported with its line
{
    printf 'id\thandle\ttext\n'
    printf 'a\t@a\tgood post\n'
    printf 'b\t@b\n'
    printf 'c\t@c\tnul\000byte\n'
    printf 'd\t@d\tinvalid \377 utf8\n'
    printf 'e\t@e\tanother good post\n'
} > "$TMP/bad.tsv"
out=$(score $M --strict-utf8 "$TMP/bad.tsv" 2>"$TMP/err")
expect_status "some rows had errors" 3 $?
expect "rows in order" "a b c d e" "$(printf '%s\n' "$out" | tail -n +2 | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
expect "statuses" "ok error error error ok" "$(printf '%s\n' "$out" | tail -n +2 | cut -f3 | tr '\n' ' ' | sed 's/ $//')"
expect_match "column count error named" "bad.tsv:3: 2 columns where the header has 3" "$(cat "$TMP/err")"
expect_match "NUL error named" "bad.tsv:4: NUL byte" "$(cat "$TMP/err")"
expect_match "UTF-8 error named" "bad.tsv:5: invalid UTF-8" "$(cat "$TMP/err")"
expect_match "summary counts errors" "5 rows read, 2 scored \(0 truncated\), [0-9]+ flagged, 3 errors" "$(cat "$TMP/err")"
printf '{"text":"ok"}\n{"text": broken\n{"id":1}\n' | score $M -f jsonl >"$TMP/out" 2>"$TMP/err"
expect_status "bad JSON rows" 3 $?
expect "bad JSON: one row each" 3 "$(wc -l < "$TMP/out" | tr -d ' ')"
expect_match "bad JSON reported" "stdin:2: " "$(cat "$TMP/err")"

# truncation: scored on its first --max-bytes, marked, not dropped
printf 'kill them all %0400d\n' 0 | score $M --max-bytes 64 > "$TMP/out" 2>/dev/null
expect_status "truncated row scores" 0 $?
expect_match "marked truncated" "	truncated	" "$(cat "$TMP/out")"

# threads: byte-identical output
for i in $(seq 1 300); do printf 'post %d kill them all or maybe the weather is nice %d\n' $i $i; done > "$TMP/many.txt"
score $M --threads 1 --explain 2 "$TMP/many.txt" > "$TMP/t1" 2>/dev/null
score $M --threads 2 --explain 2 "$TMP/many.txt" > "$TMP/t2" 2>/dev/null
cmp -s "$TMP/t1" "$TMP/t2"
expect_status "--threads 2 output identical to --threads 1" 0 $?
expect "all rows" 300 "$(wc -l < "$TMP/t2" | tr -d ' ')"
# many batches of 256 rows, two files, more workers than cores: whichever
# worker finishes the next batch writes it, and the order must not change
awk 'BEGIN { for (i = 1; i <= 2500; i++) {
    s = ""; for (k = 0; k < i % 7; k++) s = s "k"; printf "post %d go %sill them\n", i, s } }' \
    > "$TMP/many2.txt"
score $M --threads 1 "$TMP/many2.txt" "$TMP/many.txt" > "$TMP/t1" 2>/dev/null
for j in 2 3 8; do
    score $M --threads $j "$TMP/many2.txt" "$TMP/many.txt" > "$TMP/tj" 2>/dev/null
    cmp -s "$TMP/t1" "$TMP/tj"
    expect_status "--threads $j: 2,800 rows in order, as with 1" 0 $?
done

# a pipeline that waits for each answer before it sends the next line (a
# watchdog ends a scorer that never answers, so the read cannot hang)
mkfifo "$TMP/to" "$TMP/from"
$VG "$BIN/incite-score" $M --threads 2 --unbuffered < "$TMP/to" > "$TMP/from" 2>/dev/null &
scorer=$!
exec 3>"$TMP/to" 4<"$TMP/from"
(sleep 60; kill $scorer) > /dev/null 2>&1 3>&- 4<&- &
watchdog=$!
for post in "kill them all" "nice weather today"; do
    printf '%s\n' "$post" >&3
    answer=""
    IFS= read -r answer <&4
    expect_match "answer to '$post' before the next line is sent" "^[0-9]+	" "$answer"
    [ -n "$answer" ] || break   # the scorer is gone: writing on would kill this shell
done
exec 3>&- 4<&-
wait $scorer
expect_status "streaming scorer ends at end of input" 0 $?
kill $watchdog 2>/dev/null

# thresholds
out=$(printf 'kill them all\n' | score $M --threshold 1 2>/dev/null)
expect_match "--threshold 1 flags nothing" "	false	" "$out"
printf 'x\n' | score $M --precision 0.5 >/dev/null 2>"$TMP/err"
expect_status "--precision picks a threshold" 0 $?
expect_match "--precision says which" "threshold [0-9.]+ \(cross-validated recall" "$(cat "$TMP/err")"
printf 'x\n' | score $M --threshold 0.5 --precision 0.5 >/dev/null 2>&1
expect_status "--threshold with --precision" 2 $?

# explanations add up: bias + top + rest = margin
printf '{"text":"kill them all you vermin"}\n' | score $M -f jsonl --explain 3 > "$TMP/ex" 2>/dev/null
sum=$(sed 's/.*"explain":{"margin":\([-0-9.e]*\),"bias":\([-0-9.e]*\),"rest":\([-0-9.e]*\),"top":\[\(.*\)\]}}/\1|\2|\3|\4/' "$TMP/ex" |
    awk -F'|' '{m=$1; s=$2+$3; n=split($4, a, /"weight":/); for (i = 2; i <= n; i++) s += a[i] + 0; d = m - s; print (d < 1e-5 && d > -1e-5) ? "adds up" : "off by " d}')
expect "explanation adds up" "adds up" "$sum"

# by handle
out=$(score $M --by-handle datasets/sample_posts.tsv 2>/dev/null)
expect "by-handle header" "handle	posts	flagged	share_flagged	max	mean	top3_mean	top_posts" "$(printf '%s\n' "$out" | head -1)"
expect "one row per handle" 11 "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')"
expect "--top" 3 "$(score $M --by-handle --top 3 datasets/sample_posts.tsv 2>/dev/null | tail -n +2 | wc -l | tr -d ' ')"
printf 'kill\n' | score $M --by-handle >/dev/null 2>"$TMP/err"
expect_status "--by-handle on plain text, which has no handles: the run cannot proceed" 1 $?
expect "...and says so once" 1 "$(wc -l < "$TMP/err" | tr -d ' ')"

# failures of the run itself, and usage errors
printf 'x\n' | score -m "$TMP/nope.model" >/dev/null 2>"$TMP/err"
expect_status "missing model" 1 $?
head -c 100 "$TMP/m.model" > "$TMP/cut.model"
printf 'x\n' | score -m "$TMP/cut.model" >/dev/null 2>"$TMP/err"
expect_status "truncated model" 1 $?
expect_match "truncated model: message" "cut.model: corrupt model file" "$(cat "$TMP/err")"
printf 'x\n' | score $M --format xml >/dev/null 2>&1
expect_status "bad --format" 2 $?
# options a mode would not read are refused, not ignored
for a in "--top 3" "--rank-by max" "--max-handles 5"; do
    printf 'x\n' | score $M $a >/dev/null 2>&1
    expect_status "$a without --by-handle" 2 $?
done
for a in "--format jsonl" "--explain 2"; do
    printf 'x\n' | score $M --dump tokens $a >/dev/null 2>&1
    expect_status "$a with --dump" 2 $?
done

# a closed pipe ends the run quietly and at once
yes 'kill them all' | head -200000 | score $M 2>"$TMP/err" | head -1 >/dev/null
expect "closed pipe: nothing on stderr" "" "$(cat "$TMP/err")"
# options are spelled in full, --help and --version too; short ones cluster
score --vers >/dev/null 2>"$TMP/err"
expect_status "--vers is not --version" 2 $?
expect_match "--vers: the option meant" "options are not abbreviated: --version\?" "$(cat "$TMP/err")"
printf 'hello\n' | score -qm models/default.model >/dev/null
expect_status "-qm MODEL: -m takes the next argument" 0 $?

finish
