# incite - build, test, benchmark.  See README.md.
#
#   make            library (static + shared) and programs, in build/
#   make deps       install the Debian packages it needs (as root)
#   make test       build and run the whole suite
#   make test SANITIZE=1   ... under AddressSanitizer + UBSan
#   make test VALGRIND=1   ... program tests under valgrind
#   make fuzz [FUZZ_SECONDS=N]  libFuzzer harnesses (mk/fuzz.mk)
#   make model      rebuild models/default.model bit for bit (needs ../shared)
#   make model-eval the default model's figures for its model card
#   make bench      performance against fastText and scikit-learn (mk/bench.mk)

PREFIX   ?= /usr/local
# The shared library's ABI version: bump it whenever a struct the caller
# allocates (incite_cv_result, incite_metrics, ...) changes size or layout,
# or a function's signature changes.  1: incite_cv_result and
# incite_metrics grew (repeated posts, ECE's bins).  2: incite_cv_result
# grew (supported).
SONAME   := libincite.so.2
CC       ?= cc
OBJCOPY  ?= objcopy
CFLAGS   ?= -O2 -g
BUILD    ?= build

DEBIAN_PACKAGES := build-essential pkg-config libutf8proc-dev libsvm-dev liblinear-dev \
                   libcmocka-dev unicode-data bzip2

WARN := -Wall -Wextra -Wconversion -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wformat=2 -pedantic -Werror

ifeq ($(SANITIZE),1)
  BUILD    := build/sanitize
  CFLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDFLAGS  += -fsanitize=address,undefined
endif

# Recursive (=) so that pkg-config runs after `deps` installed it.
UTF8PROC_LIBS = $(shell pkg-config --libs libutf8proc 2>/dev/null || echo -lutf8proc)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
LIBS          = $(UTF8PROC_LIBS) -llinear -lsvm -lm -lpthread

# -fno-lto last: the static library's symbols are made local by objcopy
# (below), which cannot see into link-time-optimization objects.
# -ffp-contract=off: no multiply-add is fused into one rounding, so scores
# and models are the same to the bit whichever compiler and target built
# them (GCC's -std=c11 implies it; Clang fuses by default where FMA exists).
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -fPIC -ffp-contract=off \
             -Iinclude -Iclassifier -MMD -MP $(CFLAGS) -fno-lto

LIB_SRCS := $(addprefix classifier/, error.c buffer.c config.c normalize.c tokenize.c \
              features.c vector.c pipeline.c linereader.c json.c reader.c \
              dataset.c model.c model_io.c calibrate.c decide.c metrics.c train.c score.c \
              confusables.c perturb.c script.c translit.c fold.c)
CLI_SRCS := classifier/cli.c classifier/cli_data.c classifier/cli_train.c classifier/strbuf.c classifier/batch.c classifier/handles.c
PROGRAMS := incite-score incite-train incite-eval

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
BINS     := $(PROGRAMS:%=$(BUILD)/bin/%)

UNIT_TESTS := normalize tokenize fold features vector linereader reader model strbuf perturb
UNIT_BINS  := $(UNIT_TESTS:%=$(BUILD)/tests/test_%)

.PHONY: all deps lib test clean install model model-eval
.SECONDARY:
.DEFAULT_GOAL := all

all: deps $(BUILD)/libincite.a $(BUILD)/libincite.so $(BINS)

deps:
	@tools/deps.sh $(DEBIAN_PACKAGES)

lib: $(BUILD)/libincite.a $(BUILD)/libincite.so

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The static library is one object whose only global symbols are the API's
# (incite_*), as the shared library's version script leaves them: a host
# with its own normalize() or decide() must link, not clash.  The stage
# tests, which call the stages themselves, link the objects.
$(BUILD)/libincite.a: $(LIB_OBJS)
	@rm -f $@ $(BUILD)/libincite-api.o
	$(LD) -r -o $(BUILD)/libincite-all.o $^
	$(OBJCOPY) -w --keep-global-symbol='incite_*' $(BUILD)/libincite-all.o $(BUILD)/libincite-api.o
	ar rcs $@ $(BUILD)/libincite-api.o

$(BUILD)/libincite.so: $(LIB_OBJS) classifier/libincite.map Makefile
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=classifier/libincite.map \
	    $(LDFLAGS) -o $@ $(LIB_OBJS) $(LIBS)

$(BUILD)/bin/incite-%: $(BUILD)/classifier/cmd_%.o $(CLI_OBJS) $(BUILD)/libincite.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)

# the programs' own code
$(BUILD)/tests/test_strbuf: $(BUILD)/tests/unit/test_strbuf.o $(CLI_OBJS) $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)

# The stage tests, the program tests, the bad-input catalogue and every
# input that ever found a bug.
test: all $(UNIT_BINS)
	@tests/run_unit.sh $(BUILD)/tests $(UNIT_TESTS)
	@BUILD=$(BUILD) VALGRIND=$(VALGRIND) tests/run_cli.sh
	@$(MAKE) --no-print-directory catalogue fuzz-replay

model: all
	tools/make_model.sh models/default.model

model-eval: all
	tools/eval_model.sh models/default.model

clean:
	rm -rf build

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	           $(DESTDIR)$(PREFIX)/share/incite
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(BUILD)/libincite.a $(DESTDIR)$(PREFIX)/lib
	install -m 644 $(BUILD)/libincite.so $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libincite.so
	install -m 644 include/incite.h $(DESTDIR)$(PREFIX)/include
	install -m 644 models/default.model models/MODEL_CARD.md $(DESTDIR)$(PREFIX)/share/incite

include mk/fuzz.mk mk/catalogue.mk mk/bench.mk

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(BUILD)/classifier/cmd_*.d $(BUILD)/tests/unit/*.d
