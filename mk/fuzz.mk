# mk/fuzz.mk - the libFuzzer harnesses of tests/fuzz/, included by the
# top-level Makefile (after its variables: BUILD, CC, ALL_CFLAGS, LIBS,
# LIB_SRCS).
#
#   make fuzz [FUZZ_SECONDS=60]  run each harness for FUZZ_SECONDS under
#                                libFuzzer (clang 14: FUZZ_PACKAGES); new
#                                crashes go to tests/fuzz/crashes/HARNESS/
#   make fuzz-replay             replay tests/fuzz/crashes/ and corpus/ (and
#                                the trained model seeds) through the same
#                                harnesses built with $(CC) and ASan/UBSan,
#                                without libFuzzer; part of `make test`
#   make fuzz-seeds              train the tiny model files the model harness
#                                starts from
#
# Harnesses: featurize (normalize -> tokenize -> features -> vector), model
# (the model loader, then scoring with what it accepts), reader (the record
# readers and the training-data reader).  Each is built twice from the
# library's sources: with clang and -fsanitize=fuzzer into $(BUILD)/fuzz/,
# and with $(CC) plus tests/fuzz/replay.c's main() into $(BUILD)/fuzz-replay/.

FUZZ_PACKAGES  := clang-14 libclang-rt-14-dev
FUZZ_CC        ?= clang-14
FUZZ_SECONDS   ?= 60
FUZZ_HARNESSES := featurize model reader

FUZZ_BUILD   = $(BUILD)/fuzz
REPLAY_BUILD = $(BUILD)/fuzz-replay
SEED_BUILD   = $(BUILD)/fuzz-seeds

# clang: the project's flags without -Werror (clang warns about other
# things than gcc; gcc's build is the one held to -Werror).  UBSan's checks
# are built recoverable only so that known bugs can be suppressed below;
# halt_on_error keeps every other report fatal.
FUZZ_CFLAGS   = $(filter-out -Werror,$(ALL_CFLAGS)) -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined -fsanitize-recover=undefined
# Known bugs, each with its reproducer in tests/fuzz/crashes/, that would
# otherwise end or clutter every run until they are fixed: one
# "check:function" (UBSan, e.g. signed-integer-overflow:html_entity) or
# "leak:function" (LeakSanitizer) a word.  Delete an entry when its bug is
# fixed; `make fuzz-replay` never suppresses anything.
FUZZ_UBSAN_SUPPRESS =
FUZZ_LSAN_SUPPRESS  =
FUZZ_ENV = UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(FUZZ_BUILD)/ubsan.supp \
           LSAN_OPTIONS=suppressions=$(FUZZ_BUILD)/lsan.supp
# gcc: every report fatal; float-cast-overflow, which gcc leaves out of
# "undefined", as clang's harness has it.
REPLAY_SAN    = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
                -fno-sanitize-recover=all

FUZZ_LIB_OBJS   = $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
REPLAY_LIB_OBJS = $(LIB_SRCS:%.c=$(REPLAY_BUILD)/%.o)
FUZZ_BINS       = $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/bin/fuzz_%)
REPLAY_BINS     = $(FUZZ_HARNESSES:%=$(REPLAY_BUILD)/bin/replay_%)

# libFuzzer options per harness: longest input, dictionary.
FUZZ_OPTS_featurize = -max_len=8192 -dict=tests/fuzz/corpus/featurize.dict
FUZZ_OPTS_model     = -max_len=131072 -dict=tests/fuzz/corpus/model.dict
FUZZ_OPTS_reader    = -max_len=8192 -dict=tests/fuzz/corpus/reader.dict
# Inputs besides tests/fuzz/corpus/HARNESS and crashes/HARNESS.
FUZZ_SEEDS_featurize =
FUZZ_SEEDS_model     = $(SEED_BUILD)/model
FUZZ_SEEDS_reader    =

.PHONY: fuzz fuzz-build fuzz-replay fuzz-seeds fuzz-deps

fuzz-deps:
	@tools/deps.sh $(FUZZ_PACKAGES)

# ---- the libFuzzer build (clang) ------------------------------------

$(FUZZ_BUILD)/%.o: %.c | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/bin/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BINS)

# Each harness runs FUZZ_SECONDS in libFuzzer's fork mode, which goes on
# after a crash, an out-of-memory or a timeout (each saved to crashes/), so
# that one known bug does not end the search.  The working corpus grows in
# $(BUILD)/fuzz/corpus/; the committed one stays small.
fuzz: $(FUZZ_BINS) fuzz-seeds
	@printf '%s\n' $(FUZZ_UBSAN_SUPPRESS) > $(FUZZ_BUILD)/ubsan.supp
	@printf '%s\n' $(FUZZ_LSAN_SUPPRESS) > $(FUZZ_BUILD)/lsan.supp
	@new=0; for h in $(FUZZ_HARNESSES); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$h tests/fuzz/crashes/$$h; \
	    ls tests/fuzz/crashes/$$h > $(FUZZ_BUILD)/$$h.before; \
	    case $$h in \
	        featurize) opts='$(FUZZ_OPTS_featurize)'; seeds='$(FUZZ_SEEDS_featurize)';; \
	        model) opts='$(FUZZ_OPTS_model)'; seeds='$(FUZZ_SEEDS_model)';; \
	        reader) opts='$(FUZZ_OPTS_reader)'; seeds='$(FUZZ_SEEDS_reader)';; \
	    esac; \
	    echo "fuzz_$$h: $(FUZZ_SECONDS) s (log: $(FUZZ_BUILD)/$$h.log)"; \
	    $(FUZZ_ENV) $(FUZZ_BUILD)/bin/fuzz_$$h -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
	        -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 \
	        -artifact_prefix=tests/fuzz/crashes/$$h/ $$opts \
	        $(FUZZ_BUILD)/corpus/$$h tests/fuzz/corpus/$$h $$seeds > $(FUZZ_BUILD)/$$h.log 2>&1; \
	    execs=$$(sed -n 's/^#\([0-9]*\):.*/\1/p' $(FUZZ_BUILD)/$$h.log | tail -1); \
	    ls tests/fuzz/crashes/$$h > $(FUZZ_BUILD)/$$h.after; \
	    found=$$(comm -13 $(FUZZ_BUILD)/$$h.before $(FUZZ_BUILD)/$$h.after); \
	    echo "fuzz_$$h: $${execs:-0} executions, corpus $$(ls $(FUZZ_BUILD)/corpus/$$h | wc -l) inputs, $$(printf '%s' "$$found" | grep -c .) new crashes"; \
	    for f in $$found; do echo "    tests/fuzz/crashes/$$h/$$f"; new=1; done; \
	done; exit $$new

# ---- the replay build ($(CC), sanitizers, no libFuzzer) ----------------

$(REPLAY_BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(REPLAY_SAN) -c -o $@ $<

$(REPLAY_BUILD)/bin/replay_%: $(REPLAY_BUILD)/tests/fuzz/fuzz_%.o $(REPLAY_BUILD)/tests/fuzz/replay.o \
                              $(REPLAY_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -fsanitize=address,undefined -o $@ $^ $(LIBS)

fuzz-replay: $(REPLAY_BINS) fuzz-seeds
	@fail=0; for h in $(FUZZ_HARNESSES); do \
	    case $$h in model) seeds='$(FUZZ_SEEDS_model)';; *) seeds='';; esac; \
	    UBSAN_OPTIONS=print_stacktrace=1 $(REPLAY_BUILD)/bin/replay_$$h \
	        tests/fuzz/crashes/$$h tests/fuzz/corpus/$$h $$seeds || fail=1; \
	done; exit $$fail

# ---- model seeds: tiny models of every kind, trained at build time -----

SEED_TRAIN = --cv 3 --hash-bits 12 --min-df 1 -j 1
seed_opts_ovr    = --multiclass ovr --flag attack
seed_opts_ovo    = --multiclass ovo --flag attack
seed_opts_cs     = --multiclass cs
seed_opts_rbf    = --solver libsvm --kernel rbf --flag attack
seed_opts_poly   = --solver libsvm --kernel poly --degree 2
seed_opts_binary = --loss logistic --flag attack
seed_opts_target = --flag attack
seed_opts_words  = --hash-bits 8 --word-ngrams 1-3 --char-ngrams 0 --unsigned-hash --fold none \
                   --class-weight none
seed_data_binary = $(SEED_BUILD)/binary.tsv
seed_data_target = $(SEED_BUILD)/target.tsv
FUZZ_MODEL_SEEDS = $(addprefix $(SEED_BUILD)/model/,ovr.model ovo.model cs.model rbf.model \
                     poly.model binary.model target.model words.model)

fuzz-seeds: $(FUZZ_MODEL_SEEDS)

# attack against none only: a two-label (binary) model
$(SEED_BUILD)/binary.tsv: tests/data/tiny.tsv
	@mkdir -p $(@D)
	awk -F'\t' 'NR == 1 || $$1 != "offensive"' $< > $@

# a stance target column, so that the model crosses features with it
$(SEED_BUILD)/target.tsv: tests/data/tiny.tsv
	@mkdir -p $(@D)
	awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { print $$1, "target", $$2; next } \
	    { print $$1, (NR % 2 ? "migrants" : "police"), $$2 }' $< > $@

$(SEED_BUILD)/model/%.model: $(BUILD)/bin/incite-train tests/data/tiny.tsv \
                             $(SEED_BUILD)/binary.tsv $(SEED_BUILD)/target.tsv
	@mkdir -p $(@D)
	$(BUILD)/bin/incite-train $(SEED_TRAIN) $(seed_opts_$*) -o $@ \
	    $(if $(seed_data_$*),$(seed_data_$*),tests/data/tiny.tsv) 2>$(SEED_BUILD)/$*.log || { cat $(SEED_BUILD)/$*.log; exit 1; }
	@rm -f $(SEED_BUILD)/$*.log

-include $(FUZZ_LIB_OBJS:.o=.d) $(REPLAY_LIB_OBJS:.o=.d) \
         $(wildcard $(FUZZ_BUILD)/tests/fuzz/*.d $(REPLAY_BUILD)/tests/fuzz/*.d)
