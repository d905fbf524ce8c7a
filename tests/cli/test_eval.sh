# incite-eval: the report on held-out data, JSON, cross-validation.
. tests/cli/lib.sh
DATA=tests/data/tiny.tsv
OPTS="--cv 3 --hash-bits 16 --min-df 1"
train $OPTS --flag attack -o "$TMP/m.model" $DATA 2>/dev/null

out=$(eval_ -m "$TMP/m.model" $DATA)
expect_status "evaluates" 0 $?
expect_match "accuracy" "accuracy +[01]\.[0-9]{4}" "$out"
expect_match "macro F1" "macro F1 +[01]\.[0-9]{4}" "$out"
expect_match "per-label table" "attack +[01]\.[0-9]{4} +[01]\.[0-9]{4} +[01]\.[0-9]{4} +12 " "$out"
expect_match "confusion matrix" "confusion \(rows: true label" "$out"
json=$(eval_ --json -m "$TMP/m.model" $DATA)
for key in accuracy macro_f1 weighted_f1 per_class confusion brier ece calibration; do
    expect_match "json has $key" "\"$key\":" "$json"
done
expect "json calibration bins hold every row" 36 \
    "$(printf '%s' "$json" | sed 's/.*"calibration":\[\([^]]*\)\].*/\1/' | grep -o '"support":[0-9]*' |
       awk -F: '{ n += $2 } END { print n }')"
expect_match "json per-class fields" '"attack":\{"precision":[0-9.]+,"recall":[0-9.]+,"f1":[0-9.]+,"support":12,"roc_auc":[0-9.]+,"pr_auc":[0-9.]+\}' "$json"
out=$(eval_ --cv 3 --hash-bits 16 --min-df 1 $DATA)
expect_status "cross-validates without a model" 0 $?
expect_match "cv report" "macro F1 +[01]\.[0-9]{4}" "$out"
out=$(eval_ --errors 2 -m "$TMP/m.model" $DATA)
expect_match "--errors section" "most confident mistakes" "$out"
# in the JSON (it went to stderr), with what --cv measured and how many
# rows --skip-bad left out (both on stderr only)
{ cat $DATA; sed -n 2p $DATA | sed 's/^attack/none/'; } > "$TMP/wrong.tsv"
json=$(eval_ --json --errors 2 -m "$TMP/m.model" "$TMP/wrong.tsv" 2>/dev/null)
expect_match "--json --errors: a member errors" '"errors":\[\{"line":[0-9]+,"label":"[a-z]+","predicted":"[a-z]+","probability":[0-9.]+,"text":"[^"]*"\}' "$json"
expect_match "--cv --json: the folds and C" '^\{"rows":[0-9]+,"cv":\{"folds":3,"C":0.4,"grid":false\},' \
    "$(eval_ --json --cv 3 --hash-bits 16 --min-df 1 $DATA 2>/dev/null)"
expect_match "--cv: the table says so" "^cv            3 folds, C 0.2 \(the grid's choice" \
    "$(eval_ --cv 3 --hash-bits 16 --min-df 1 --grid-C 0.2,0.2 $DATA 2>/dev/null)"
{ cat $DATA; printf 'attack\ttoo\tmany\n'; } > "$TMP/bad.tsv"
expect_match "--skip-bad --json: the count" '^\{"rows":[0-9]+,"skipped":1,' \
    "$(eval_ --json --skip-bad -m "$TMP/m.model" "$TMP/bad.tsv" 2>/dev/null)"

# A test label the model lacks: never predicted, so a warning (it was
# silent), and no AUC (it read 0.5, and the label's prevalence)
{ head -1 $DATA; tail -n +2 $DATA | sed 's/^attack\t/Attack\t/'; } > "$TMP/case.tsv"
json=$(eval_ --json -m "$TMP/m.model" "$TMP/case.tsv" 2>"$TMP/err")
expect_match "a test label the model lacks: a warning naming the model's look-alike" \
    "warning: .*case.tsv: label 'Attack' \(12 rows\) is not one of the model's \(the model has 'attack'\)" \
    "$(cat "$TMP/err")"
expect_match "...and no AUC for it" '"Attack":\{[^}]*"roc_auc":null,"pr_auc":null\}' "$json"
# --map-label FROM:TO leaves FROM no probability: no AUC either
expect_match "--map-label: the label mapped away has no AUC" '"offensive":\{[^}]*"roc_auc":null,"pr_auc":null\}' \
    "$(eval_ --json -m "$TMP/m.model" --map-label offensive:none $DATA)"
# Labels alike but for case or white space: two labels, and a warning
{ cat $DATA; printf 'attack \tthey must all be driven out\n'; } > "$TMP/space.tsv"
eval_ --cv 3 --hash-bits 16 --min-df 1 "$TMP/space.tsv" >/dev/null 2>"$TMP/err"
expect_match "labels that differ only in white space: a warning" \
    "warning: .*space.tsv: labels 'attack' and 'attack ' differ only in case or in white space" \
    "$(cat "$TMP/err")"

# --map-label: one step per label, and with --cv too (it was ignored there)
eval_ -m "$TMP/m.model" --map-label none:none $DATA >/dev/null 2>"$TMP/err"
expect_status "--map-label onto itself" 2 $?
expect_match "--map-label onto itself: why" "maps a label onto itself" "$(cat "$TMP/err")"
eval_ -m "$TMP/m.model" --map-label attack:none,none:attack $DATA >/dev/null 2>"$TMP/err"
expect_status "--map-label swapping two labels" 2 $?
plain=$(eval_ --cv 3 --hash-bits 16 --min-df 1 --json $DATA)
mapped=$(eval_ --cv 3 --hash-bits 16 --min-df 1 --json --map-label attack:none $DATA)
expect_match "--map-label with --cv: attack is never predicted" '"attack":\{"precision":0,"recall":0,' "$mapped"
[ "$plain" != "$mapped" ]
expect_status "--map-label with --cv changes the figures" 0 $?

# stance labels: the TweetEval metric appears
printf 'label\ttext\nfavor\tyes good\nfavor\tyes great\nagainst\tno bad\nagainst\tno awful\nnone\tweather\nnone\tlunch\n' > "$TMP/st.tsv"
train --cv 2 --hash-bits 12 --min-df 1 -o "$TMP/st.model" "$TMP/st.tsv" 2>/dev/null
expect_match "stance F1" "stance F1 +[01]\.[0-9]{4}" "$(eval_ -m "$TMP/st.model" "$TMP/st.tsv")"
tr a-z A-Z < "$TMP/st.tsv" | sed '1s/.*/label\ttext/' > "$TMP/st-upper.tsv"
train --cv 2 --hash-bits 12 --min-df 1 -o "$TMP/st-upper.model" "$TMP/st-upper.tsv" 2>/dev/null
expect_match "stance F1 with SemEval's FAVOR and AGAINST" "stance F1 +[01]\.[0-9]{4}" \
    "$(eval_ -m "$TMP/st-upper.model" "$TMP/st-upper.tsv")"

# stance targets: every row needs one, the model records them, and a
# target it never saw is named (each of these was silent)
printf 'label\ttarget\ttext\nfavor\tguns\tyes good\nfavor\tguns\tyes great\nagainst\tguns\tno bad\nagainst\ttax\tno awful\nnone\ttax\tweather\nnone\ttax\tlunch\n' > "$TMP/tg.tsv"
train --cv 0 --hash-bits 12 --min-df 1 -o "$TMP/tg.model" "$TMP/tg.tsv" 2>/dev/null
expect_match "the model lists its targets" "targets	guns, tax" "$(eval_ --info -m "$TMP/tg.model")"
sed '3s/\tguns\t/\t\t/' "$TMP/tg.tsv" > "$TMP/tg-empty.tsv"
train --cv 0 --hash-bits 12 --min-df 1 -o "$TMP/x.model" "$TMP/tg-empty.tsv" 2>"$TMP/err"
expect_status "training: a row without a target" 1 $?
expect_match "training: a row without a target: why" "1 rows have no stance target \(the first at line 3\)" "$(cat "$TMP/err")"
eval_ -m "$TMP/tg.model" "$TMP/tg-empty.tsv" >/dev/null 2>"$TMP/err"
expect_status "evaluation: a row without a target" 1 $?
train --cv 0 --target-col topic -o "$TMP/x.model" "$TMP/tg.tsv" 2>"$TMP/err"
expect_status "--target-col naming no column" 1 $?
expect_match "--target-col naming no column: why" "the header has no 'topic' column" "$(cat "$TMP/err")"
train --cv 0 --target guns -o "$TMP/x.model" "$TMP/tg.tsv" 2>"$TMP/err"
expect_status "--target is not --target-col abbreviated" 2 $?
sed '2s/\tguns\t/\tGUNS\t/; 3s/\tguns\t/\tguns \t/' "$TMP/tg.tsv" > "$TMP/tg-odd.tsv"
eval_ -m "$TMP/tg.model" "$TMP/tg-odd.tsv" >/dev/null 2>"$TMP/err"
expect_match "evaluation: an unknown target is named" "tg-odd.tsv:3: stance target 'guns ' is not one the model was trained with \(guns, tax\)" "$(cat "$TMP/err")"
expect "evaluation: a target in another ASCII case is known" "1" "$(grep -c "not one the model" "$TMP/err")"
printf 'no way\n' | score -q -m "$TMP/tg.model" --target abortion >/dev/null 2>"$TMP/err"
expect_match "scoring: an unknown target is named" "stdin:1: stance target 'abortion' is not one" "$(cat "$TMP/err")"
# past some 15,000 targets none is listed (the loader takes metadata of up
# to 1 MiB, and 62,000 targets once made a model nothing could load)
awk 'BEGIN { print "label\ttarget\ttext"; for (i = 0; i < 16000; i++)
             printf "%s\tt%d\tpost %d\n", i % 2 ? "favor" : "against", i, i }' > "$TMP/many.tsv"
train --cv 0 --hash-bits 12 -o "$TMP/many.model" "$TMP/many.tsv" 2>/dev/null
expect_match "16,000 targets: not listed" "targets	16000 targets, too many to list" \
    "$(eval_ --info -m "$TMP/many.model")"
out=$(eval_ -m "$TMP/st.model" --perturb leet "$TMP/st.tsv")
expect_match "--perturb: the clean row has its stance F1" "^none {12}[01]\.[0-9]{4} {4}[01]\.[0-9]{4} {10}[01]\.[0-9]{4}$" "$out"

# robustness views
out=$(eval_ -m "$TMP/m.model" --by-script $DATA)
expect_match "--by-script rows" "devanagari +6 +[01]\.[0-9]{4}" "$out"
out=$(eval_ -m "$TMP/m.model" --perturb zerowidth,leet --seed 3 $DATA)
expect_match "--perturb rows" "leet +[01]\.[0-9]{4} +[01]\.[0-9]{4} +-?[01]\.[0-9]{4}" "$out"
expect "--perturb is deterministic" "$out" "$(eval_ -m "$TMP/m.model" --perturb zerowidth,leet --seed 3 $DATA)"
json=$(eval_ --json -m "$TMP/m.model" --by-script --perturb all $DATA)
expect_match "json perturb section" '"perturb":\{"zerowidth":\{"accuracy":[0-9.]+,"macro_f1":[0-9.]+,"macro_f1_drop":-?[0-9.]+\}' "$json"
expect_match "json is one object" '^\{.*\}\}$' "$json"
out=$(eval_ -m "$TMP/m.model" --perturb nonsense $DATA 2>/dev/null)
expect_status "unknown perturbation" 2 $?
expect "...refused before any evaluation is printed" "" "$out"
eval_ -m "$TMP/m.model" --cv 3 $DATA >/dev/null 2>&1
expect_status "-m and --cv together: a usage error, not --cv ignored" 2 $?
out=$(eval_ -m "$TMP/m.model" -c 2 $DATA 2>"$TMP/err")
expect_status "-m with a training option: a usage error, not the option ignored" 2 $?
expect_match "...naming it" "--C is a training option" "$(cat "$TMP/err")"
expect "--errors lists the clean texts' mistakes, --perturb or not" \
    "$(eval_ --errors 3 -m "$TMP/m.model" $DATA | sed -n '/most confident/,$p')" \
    "$(eval_ --errors 3 -m "$TMP/m.model" --perturb all --perturb-rate 1 $DATA | sed -n '/most confident/,$p')"

# the grid's choice and its optimism are said; fewer folds than asked too
eval_ --cv 3 --hash-bits 12 --min-df 1 --grid-C 0.1,1 $DATA 2>"$TMP/err" >/dev/null
expect_match "grid: the chosen C, and a warning" "the grid chose C [0-9.]+ by these folds' macro-F1, so their figures are optimistic" "$(cat "$TMP/err")"
printf 'label\ttext\na\tone\na\ttwo\na\tthree\nb\tfour\nb\tfive\n' > "$TMP/two.tsv"
eval_ --cv 5 --min-df 1 "$TMP/two.tsv" 2>"$TMP/err" >/dev/null
expect_match "fewer folds than --cv said" "--cv 5: the rarest label has only 2 different posts, so 2 folds were used" "$(cat "$TMP/err")"

# weights: whole numbers, in every figure; a named weight column must exist
printf 'label\ttext\tweight\nattack\tkill them\t2\nnone\thello\t1\n' > "$TMP/w.tsv"
expect_match "weights count in the support" "attack +[01]\.[0-9]{4} +[01]\.[0-9]{4} +[01]\.[0-9]{4} +2 " \
    "$(eval_ -m "$TMP/m.model" "$TMP/w.tsv")"
printf 'label\ttext\tweight\nattack\tkill them\t0.5\n' > "$TMP/w2.tsv"
eval_ -m "$TMP/m.model" "$TMP/w2.tsv" >/dev/null 2>"$TMP/err"
expect_status "a fractional weight is refused" 1 $?
expect_match "...with file and line" "w2.tsv:2: weight is not a whole number" "$(cat "$TMP/err")"
# spaces around a weight, on either side, and 2.0 as other tools write it;
# hexadecimal and exponents are not whole numbers written out
printf 'label\ttext\tweight\nattack\tkill them\t2 \nnone\thello\t 1.0\n' > "$TMP/w3.tsv"
expect_match "a weight with a space after it, and 1.0" "attack +[01]\.[0-9]{4} +[01]\.[0-9]{4} +[01]\.[0-9]{4} +2 " \
    "$(eval_ -m "$TMP/m.model" "$TMP/w3.tsv" 2>&1)"
printf 'label\ttext\tweight\nattack\tkill them\t0x2\n' > "$TMP/w4.tsv"
eval_ -m "$TMP/m.model" "$TMP/w4.tsv" >/dev/null 2>&1
expect_status "a weight in hexadecimal is refused" 1 $?
eval_ -m "$TMP/m.model" --weight-col nosuch "$TMP/w.tsv" >/dev/null 2>"$TMP/err"
expect_status "a named weight column that is missing" 1 $?

eval_ -m "$TMP/missing.model" $DATA 2>"$TMP/err" >/dev/null
expect_status "missing model" 1 $?
eval_ $DATA 2>/dev/null
expect_status "neither -m nor --cv" 2 $?
finish
