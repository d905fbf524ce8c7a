# incite-train: strict input, clear errors, reproducible models.
. tests/cli/lib.sh
DATA=tests/data/tiny.tsv
OPTS="--cv 3 --hash-bits 16 --min-df 1"

train $OPTS --flag attack -o "$TMP/a.model" $DATA 2>"$TMP/err"
expect_status "trains" 0 $?
expect "quiet without -v or a terminal" "" "$(cat "$TMP/err")"
train $OPTS --flag attack -o "$TMP/b.model" $DATA 2>/dev/null
cmp -s "$TMP/a.model" "$TMP/b.model"
expect_status "same data, options and seed: byte-identical model" 0 $?
train $OPTS --flag attack --threads 2 -o "$TMP/c.model" $DATA 2>/dev/null
cmp -s "$TMP/a.model" "$TMP/c.model"
expect_status "and the same with 2 threads" 0 $?
# the featurizer's version: the newest by default, an older one on request
# (the shipped model is format 2)
train $OPTS --feature-format 2 -o "$TMP/f2.model" $DATA 2>/dev/null
expect_match "--feature-format 2 is recorded" "features	format 2," "$(eval_ --info -m "$TMP/f2.model")"
expect_match "the default is the newest" "features	format 3," "$(eval_ --info -m "$TMP/a.model")"
train $OPTS --grid-C 0.3,0.5 -o "$TMP/grid.model" $DATA 2>/dev/null
expect_match "--info: a grid's values (it gave their count)" "grid_C=0.3,0.5 grid_gamma=$" \
    "$(eval_ --info -m "$TMP/grid.model" | grep '^options')"
# LIBSVM, its default linear kernel collapsed to weights (it once crashed
# in cross-validation, and with --cv 0 predicted one label)
train $OPTS --solver libsvm -j 1 -o "$TMP/svm.model" $DATA 2>/dev/null
expect_status "--solver libsvm trains" 0 $?
expect "...and tells the labels apart on its own data" 3 \
    "$(score -q -m "$TMP/svm.model" $DATA | cut -f4 | tail -n +2 | sort -u | wc -l | tr -d ' ')"
# 24 labels: 276 one-vs-one pairs, more than the 256 decisions the LIBSVM
# collapse once kept on its stack
awk 'BEGIN { print "label\ttext"; for (l = 0; l < 24; l++) for (r = 0; r < 3; r++)
             printf "l%d\tword%d common%d post %d\n", l, l, (l + r) % 5, r }' > "$TMP/many.tsv"
train --cv 2 --hash-bits 12 --min-df 1 --solver libsvm -j 1 -o "$TMP/many.model" "$TMP/many.tsv" 2>/dev/null
expect_status "--solver libsvm with 24 labels (276 pairs)" 0 $?
train $OPTS --flag attack --multiclass ovr -o "$TMP/r1.model" $DATA 2>/dev/null
train $OPTS --flag attack --multiclass ovr --threads 3 -o "$TMP/r3.model" $DATA 2>/dev/null
cmp -s "$TMP/r1.model" "$TMP/r3.model"
expect_status "one-vs-rest: 3 threads, the model of 1" 0 $?
train $OPTS --flag attack --seed 2 -o "$TMP/d.model" $DATA 2>/dev/null
cmp -s "$TMP/a.model" "$TMP/d.model"
expect_status "another seed: another model" 1 $?
cat $DATA | train $OPTS --flag attack -o "$TMP/e.model" - 2>/dev/null
cmp -s "$TMP/a.model" "$TMP/e.model"
expect_status "- reads stdin" 0 $?
train $OPTS -v -o "$TMP/v.model" $DATA 2>"$TMP/err"
expect_match "-v summary" "cross-validated macro-F1 [0-9.]+ \(3 folds" "$(cat "$TMP/err")"
expect_match "-v: the solver's iterations" "final fit: [0-9]+ solver runs, at most [0-9]+ iterations" \
    "$(cat "$TMP/err")"
# A post and its copies share a fold: with every row of the multilingual
# set twice, cross-validated macro-F1 once read 0.95 against 0.74 (the
# folds tested on copies of what they trained on); now 0.75.
ML=datasets/multilingual/train.tsv
awk 'NR == 1 { print; next } { print; print }' $ML > "$TMP/twice.tsv"
once=$(train -v --hash-bits 16 -o "$TMP/once.model" $ML 2>&1 | sed -n 's/.*cross-validated macro-F1 \([0-9.]*\).*/\1/p')
train -v --hash-bits 16 -o "$TMP/twice.model" "$TMP/twice.tsv" 2>"$TMP/err"
twice=$(sed -n 's/.*cross-validated macro-F1 \([0-9.]*\).*/\1/p' "$TMP/err")
expect "rows repeated: cross-validation no better than 0.05 above the same rows once ($twice vs $once)" 1 \
    "$(awk -v a="$once" -v b="$twice" 'BEGIN { print (a != "" && b != "" && b - a < 0.05) }')"
expect_match "and says how many rows repeat an earlier one" \
    "^incite-train: 640 rows repeat an earlier row's post" "$(cat "$TMP/err")"
train --cv 0 --hash-bits 16 -o "$TMP/twice0.model" "$TMP/twice.tsv" 2>"$TMP/err"
expect_match "...with --cv 0 too (no folds to keep them in)" \
    "^incite-train: 640 rows repeat an earlier row's post \(or differ only in what the features ignore\)$" \
    "$(cat "$TMP/err")"
{ cat $DATA; sed -n 2p $DATA | awk -F '\t' -v OFS='\t' '{ $1 = ($1 == "none" ? "attack" : "none"); print }'; } \
    > "$TMP/conflict.tsv"
train $OPTS -o "$TMP/conflict.model" "$TMP/conflict.tsv" 2>"$TMP/err"
expect_match "a repeated post with two labels: a warning naming both lines" \
    "warning: 1 repeated posts carry more than one label \(the first: line $(wc -l < "$TMP/conflict.tsv" | tr -d ' '), '[a-z]+', repeats line 2, '[a-z]+'\)" \
    "$(cat "$TMP/err")"
# A label whose posts all repeat another label's: dealt under the label
# with fewer posts, its posts spread over folds whatever the seed (seeds 2
# and 4 once put both in one fold, and training failed)
{ cat $DATA; sed -n 2,3p $DATA | sed 's/^attack/rare/'; } > "$TMP/copies.tsv"
ok=0
for seed in 1 2 3 4; do
    train $OPTS --seed $seed -o "$TMP/copies.model" "$TMP/copies.tsv" 2>/dev/null && ok=$((ok + 1))
done
expect "a label made only of copies of another's posts trains with any seed" 4 $ok
# ...and whatever the number of copies, or a label with fewer rows whose
# posts repeat it: rarity is counted in posts (by rows, 'rare' below was
# dealt with attack's posts, and 'dup' with rare's, and each failed on
# about a third of the seeds)
{ cat $DATA; for i in 1 2 3 4 5 6 7; do sed -n 2,3p $DATA | sed 's/^attack/rare/'; done; } > "$TMP/many.tsv"
{ cat $DATA; for i in 1 2 3 4 5; do printf 'dup\tfirst post of dup\ndup\tsecond post of dup\n'; done
  printf 'rare\tfirst post of dup\nrare\tsecond post of dup\nrare\tthe own post of rare\n'; } > "$TMP/dup.tsv"
ok=0
for seed in 1 2 3 4 5 6 7 8; do
    train $OPTS --seed $seed -o "$TMP/copies.model" "$TMP/many.tsv" 2>/dev/null && ok=$((ok + 1))
    train $OPTS --seed $seed -o "$TMP/copies.model" "$TMP/dup.tsv" 2>/dev/null && ok=$((ok + 1))
done
expect "labels that repeat each other's posts train with any seed" 16 $ok
# a label's copies count as one post: 3 rows of 2 posts allow 2 folds
{ cat $DATA; printf 'rare\tfirst rare post\nrare\tfirst rare post\nrare\tsecond rare post\n'; } > "$TMP/twoposts.tsv"
train $OPTS -o "$TMP/twoposts.model" "$TMP/twoposts.tsv" 2>"$TMP/err"
expect_match "folds: no more than the rarest label's different posts" \
    "--cv 3: the rarest label has only 2 different posts, so 2 folds were used" "$(cat "$TMP/err")"
{ cat $DATA; printf 'rare\tone post\nrare\tONE   post\n'; } > "$TMP/onepost.tsv"
train $OPTS -o "$TMP/onepost.model" "$TMP/onepost.tsv" 2>"$TMP/err"
expect_status "a label whose rows are one post: an error" 1 $?
expect_match "...that says so" "label 'rare': its 2 rows are one post" "$(cat "$TMP/err")"

# --cv 0: nothing calibrated, which incite-train says, and --precision has
# no curve to read (it said the model "never reached" the precision)
train --cv 0 --hash-bits 16 --min-df 1 --flag attack -o "$TMP/cv0.model" $DATA 2>"$TMP/err"
expect_match "--cv 0: says the probabilities are uncalibrated" \
    "warning: --cv 0: no folds, so the probabilities \(and flag_prob\) are a plain sigmoid" "$(cat "$TMP/err")"
printf 'x\n' | score -m "$TMP/cv0.model" --precision 0.5 >/dev/null 2>"$TMP/err"
expect_status "--precision on a model without folds" 1 $?
expect_match "...says it has no curve" "the model has no cross-validated precision curve" \
    "$(cat "$TMP/err")"

# A tolerance the solver cannot meet: the model is still written, with a
# warning that it did not converge, as scikit-learn's ConvergenceWarning.
train $OPTS --eps 1e-12 -c 100000 -o "$TMP/cap.model" $DATA 2>"$TMP/err"
expect_status "a fit stopped by the iteration cap still trains" 0 $?
expect_match "and says it did not converge" \
    "warning: final fit: [0-9]+ of [0-9]+ solver runs stopped at the iteration cap" "$(cat "$TMP/err")"
eval_ --cv 3 --hash-bits 16 --min-df 1 --eps 1e-12 -c 100000 $DATA 2>"$TMP/err" >/dev/null
expect_match "incite-eval --cv says so too" "warning: cross-validation: [0-9]+ of [0-9]+ solver runs" \
    "$(cat "$TMP/err")"

# strict rows: the first bad row stops training, named by file and line
{ head -5 $DATA; printf 'attack\ttoo\tmany columns\n'; tail -n +6 $DATA; } > "$TMP/bad.tsv"
train $OPTS -o "$TMP/x.model" "$TMP/bad.tsv" 2>"$TMP/err"
expect_status "bad row stops training" 1 $?
expect_match "bad row named" "bad.tsv:6: 3 columns where the header has 2" "$(cat "$TMP/err")"
[ -e "$TMP/x.model" ]
expect_status "no model written" 1 $?
train $OPTS --skip-bad -o "$TMP/x.model" "$TMP/bad.tsv" 2>"$TMP/err"
expect_status "--skip-bad goes on" 0 $?
expect_match "--skip-bad reports the row" "bad.tsv:6: skipped: 3 columns" "$(cat "$TMP/err")"
expect_match "--skip-bad reports the count" "skipped 1 bad rows" "$(cat "$TMP/err")"
eval_ --skip-bad -m "$TMP/x.model" "$TMP/bad.tsv" 2>"$TMP/err" >/dev/null
expect_match "incite-eval --skip-bad reports the count too" "skipped 1 bad rows" "$(cat "$TMP/err")"

# --class-weights' form is a usage error before the data is read; a label
# the data lacks can only be found in the data
for cw in attack attack:-1 attack:2, attack:2,attack:3 :2 attack:2x; do
    train $OPTS --class-weights "$cw" -o "$TMP/x.model" $DATA 2>"$TMP/err"
    expect_status "--class-weights $cw" 2 $?
done
train $OPTS --class-weights zzz:2 -o "$TMP/x.model" $DATA 2>"$TMP/err"
expect_status "--class-weights naming no label of the data" 1 $?
expect_match "--class-weights naming no label: why" "no label 'zzz' in the data" "$(cat "$TMP/err")"

# options the solver would not read are refused, not ignored
train $OPTS --kernel rbf -o "$TMP/x.model" $DATA 2>"$TMP/err"
expect_status "--kernel without --solver libsvm" 2 $?
expect_match "--kernel without --solver libsvm: why" "--kernel rbf needs --solver libsvm" "$(cat "$TMP/err")"
train $OPTS --gamma 2 -o "$TMP/x.model" $DATA 2>"$TMP/err"
expect_status "--gamma without a kernel" 2 $?

printf 'label\ttext\n' > "$TMP/empty.tsv"
train $OPTS -o "$TMP/x.model" "$TMP/empty.tsv" 2>"$TMP/err"
expect_status "no rows" 1 $?
expect_match "no rows: why" "no training rows" "$(cat "$TMP/err")"
printf 'label\ttext\na\tone\na\ttwo\na\tthree\n' > "$TMP/one.tsv"
train $OPTS -o "$TMP/x.model" "$TMP/one.tsv" 2>"$TMP/err"
expect_status "one class" 1 $?
expect_match "one class: why" "only one label \('a'\)" "$(cat "$TMP/err")"
printf 'label\ttext\na\tone\na\ttwo\nb\tthree\n' > "$TMP/once.tsv"
train $OPTS -o "$TMP/x.model" "$TMP/once.tsv" 2>"$TMP/err"
expect_status "a label seen once" 1 $?
expect_match "a label seen once: why" "label 'b' has only 1 row" "$(cat "$TMP/err")"
train $OPTS --flag nosuch -o "$TMP/x.model" $DATA 2>"$TMP/err"
expect_status "unknown flag label" 1 $?
train $OPTS $DATA 2>/dev/null
expect_status "no -o" 2 $?
train $OPTS -c -1 -o "$TMP/x.model" $DATA 2>/dev/null
expect_status "C out of range" 2 $?
train $OPTS --word-ngrams 3-1 -o "$TMP/x.model" $DATA 2>/dev/null
expect_status "bad n-gram range" 2 $?
train $OPTS -o "$TMP/no/such/dir/x.model" $DATA 2>"$TMP/err"
expect_status "unwritable output" 1 $?
expect_match "unwritable output: why" "cannot write in .*no/such/dir: No such file or directory" "$(cat "$TMP/err")"
train --help | grep -q -- "--multiclass NAME"
expect_status "--help lists the options" 0 $?

# stance: a target column crosses features with the target
{ printf 'label\ttarget\ttext\n'; tail -n +2 $DATA | sed 's/^\([a-z]*\)\t/\1\tt1\t/'; } > "$TMP/stance.tsv"
train $OPTS -o "$TMP/s.model" "$TMP/stance.tsv" 2>/dev/null
expect_status "trains with targets" 0 $?
finish
