# mk/bench.mk - the performance benchmark of bench/, included by the
# top-level Makefile.
#
#   make bench                 install the tools (hyperfine, fastText,
#                              scikit-learn, GNU time, perf), build, then
#                              bench/run.sh: scoring, load, featurization,
#                              training and a profile, side by side with
#                              fastText and scikit-learn; writes
#                              bench/RESULTS.md.  Needs ../shared/datasets.
#   make bench-train-scaling   incite-train on 10k ... 1M posts (slow: about
#                              an hour); its numbers go to
#                              bench/train_scaling.json and RESULTS.md
#
# bench/run.sh's header lists the environment variables (BENCH_PARTS,
# BENCH_RUNS, BENCH_SCALE=1, ...).

BENCH_PACKAGES := hyperfine fasttext python3-sklearn time linux-perf

.PHONY: bench bench-train-scaling bench-deps

bench-deps:
	@tools/deps.sh $(BENCH_PACKAGES)

bench: bench-deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh

bench-train-scaling: bench-deps
	@$(MAKE) --no-print-directory all
	@BENCH_PARTS=scaling bench/run.sh
