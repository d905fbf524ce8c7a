# mk/catalogue.mk - the bad-input catalogue of tests/catalogue/, included by
# the top-level Makefile (after its variables: BUILD, CC, ALL_CFLAGS).
#
#   make catalogue   run every case of tests/catalogue/cases/ against the
#                    programs in $(BUILD)/bin/ (part of `make test`);
#                    make catalogue CATALOGUE_CASES="name ..." runs only those
#
# The cases inject a full disk with tests/shims/enospc.c, an LD_PRELOAD
# shim built here without the sanitizers (it is loaded into the programs,
# which carry their own).

CATALOGUE_SHIM = $(BUILD)/catalogue/enospc.so

.PHONY: catalogue

$(CATALOGUE_SHIM): tests/shims/enospc.c | deps
	@mkdir -p $(@D)
	$(CC) $(filter-out -fsanitize=% -fno-sanitize-recover=% -MMD -MP,$(ALL_CFLAGS)) -shared \
	    -o $@ $< -ldl

catalogue: $(BUILD)/bin/incite-score $(BUILD)/bin/incite-train $(BUILD)/bin/incite-eval \
           $(CATALOGUE_SHIM)
	@BUILD=$(BUILD) SHIM=$(CATALOGUE_SHIM) sh tests/catalogue/run.sh $(CATALOGUE_CASES)
