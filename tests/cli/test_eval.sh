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
for key in accuracy macro_f1 weighted_f1 per_class confusion brier ece; do
    expect_match "json has $key" "\"$key\":" "$json"
done
expect_match "json per-class fields" '"attack":\{"precision":[0-9.]+,"recall":[0-9.]+,"f1":[0-9.]+,"support":12,"roc_auc":[0-9.]+,"pr_auc":[0-9.]+\}' "$json"
out=$(eval_ --cv 3 --hash-bits 16 --min-df 1 $DATA)
expect_status "cross-validates without a model" 0 $?
expect_match "cv report" "macro F1 +[01]\.[0-9]{4}" "$out"
out=$(eval_ --errors 2 -m "$TMP/m.model" $DATA)
expect_match "--errors section" "most confident mistakes" "$out"

# stance labels: the TweetEval metric appears
printf 'label\ttext\nfavor\tyes good\nfavor\tyes great\nagainst\tno bad\nagainst\tno awful\nnone\tweather\nnone\tlunch\n' > "$TMP/st.tsv"
train --cv 2 --hash-bits 12 --min-df 1 -o "$TMP/st.model" "$TMP/st.tsv" 2>/dev/null
expect_match "stance F1" "stance F1 +[01]\.[0-9]{4}" "$(eval_ -m "$TMP/st.model" "$TMP/st.tsv")"

# robustness views
out=$(eval_ -m "$TMP/m.model" --by-script $DATA)
expect_match "--by-script rows" "devanagari +6 +[01]\.[0-9]{4}" "$out"
out=$(eval_ -m "$TMP/m.model" --perturb zerowidth,leet --seed 3 $DATA)
expect_match "--perturb rows" "leet +[01]\.[0-9]{4} +[01]\.[0-9]{4} +-?[01]\.[0-9]{4}" "$out"
expect "--perturb is deterministic" "$out" "$(eval_ -m "$TMP/m.model" --perturb zerowidth,leet --seed 3 $DATA)"
json=$(eval_ --json -m "$TMP/m.model" --by-script --perturb all $DATA)
expect_match "json perturb section" '"perturb":\{"zerowidth":\{"accuracy":[0-9.]+,"macro_f1":[0-9.]+,"macro_f1_drop":-?[0-9.]+\}' "$json"
expect_match "json is one object" '^\{.*\}\}$' "$json"
eval_ -m "$TMP/m.model" --perturb nonsense $DATA >/dev/null 2>&1
expect_status "unknown perturbation" 2 $?

eval_ -m "$TMP/missing.model" $DATA 2>"$TMP/err" >/dev/null
expect_status "missing model" 1 $?
eval_ $DATA 2>/dev/null
expect_status "neither -m nor --cv" 2 $?
finish
