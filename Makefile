# Persona — build, test, run, bench, deps, install, fuzz.
#
#   make          build ./persona (installs missing system packages first)
#   make run      open the workbench on the sample workspace
#   make test     unit + end-to-end tests, then the same under ASan+UBSan
#   make bench    load benchmark against sqlite3 .import
#   make fuzz     libFuzzer targets for the CSV reader, the tokenizer and the value cleaners
#   make install  PREFIX=/usr/local: the binary and persona.1, nothing else

PREFIX  ?= /usr/local
B       ?= build
BIN     ?= persona
CC      ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
SANCC   ?= clang
ifeq ($(origin CXX),default)
CXX := g++
endif
SANCXX  ?= clang++
VERSION := 0.1.0

# Debian packages the build, the tests and `make run` need.
DEPS_PKGS := build-essential pkg-config clang libncurses-dev libreadline-dev \
	libsqlite3-dev libgsl-dev libutf8proc-dev libssl-dev zlib1g-dev \
	libcmocka-dev gnuplot-nox tmux sqlite3 python3 bc time python3-sklearn python3-scipy csvkit \
	libphonenumber-dev libidn2-dev iso-codes python3-phonenumbers python3-pycountry python3-pandas python3-idna \
	python3-statsmodels python3-mpmath

PKGS := sqlite3 zlib libutf8proc gsl libcrypto libidn2

# Recursive (=) so pkg-config runs after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libphonenumber ships no .pc file; it is C++, so the programs are linked by the C++
# driver (src/phonenumber.cc is the one C++ source).
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lphonenumber
UI_LIBS    = $(shell pkg-config --libs ncursesw readline 2>/dev/null || echo -lncursesw -lreadline)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
BASEFLAGS = -std=c17 -ffp-contract=off -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(B)/gen \
	-DPERSONA_VERSION='"$(VERSION)"' $(WARN) $(PKG_CFLAGS)
OPTFLAGS ?= -O2 -g
CXXFLAGS_BASE = -std=c++17 -ffp-contract=off -Isrc -Wall -Wextra -Werror
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

SRC_C    := $(sort $(wildcard src/*.c) $(wildcard src/*.cc))
UI_C     := $(sort $(wildcard ui/*.c))
CORE_C   := $(filter-out src/main.c,$(SRC_C))
QUERIES  := $(sort $(wildcard queries/*.sql))
UNIT_C   := $(sort $(wildcard tests/unit/test_*.c))
GEN_C    := $(B)/gen/queries.c $(B)/gen/country_table.c

# $(call objs,DIR,SOURCES): object paths for SOURCES built into DIR.
objs = $(patsubst %.cc,$(1)/%.o,$(patsubst %.c,$(1)/%.o,$(2)))

OBJ      := $(call objs,$(B)/obj,$(SRC_C) $(UI_C) $(GEN_C))
CORE_OBJ := $(call objs,$(B)/obj,$(CORE_C) $(GEN_C))
SAN_OBJ  := $(call objs,$(B)/asan,$(SRC_C) $(UI_C) $(GEN_C))
SAN_CORE := $(call objs,$(B)/asan,$(CORE_C) $(GEN_C))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_C))
SAN_UNIT := $(patsubst tests/unit/%.c,$(B)/asan/tests/%,$(UNIT_C))

.PHONY: all deps run test unit bench fuzz install clean samples docs
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory $(BIN)

deps:
	@missing=""; for p in $(DEPS_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  echo "make deps: installing$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

$(BIN): $(OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) -o $@ $(OBJ) $(PKG_LIBS) $(UI_LIBS) -lpthread -lm

# queries/*.sql become C strings: const char query_<name>[] in $(B)/gen/queries.c.
$(B)/gen/queries.c: $(QUERIES) Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* generated from the queries folder by the Makefile; do not edit */'; \
	   for f in $(QUERIES); do \
	     n=$$(basename $$f .sql | tr -c 'a-zA-Z0-9_\n' _); \
	     echo "const char query_$$n[] ="; \
	     sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/  "/' -e 's/$$/\\n"/' $$f; \
	     echo '  ;'; \
	   done; } > $@.tmp && mv $@.tmp $@

# The country table is generated from Debian's iso-codes (names and their gettext
# translations) by a small program built first; see src/gen/countries.c.
ISO_3166_JSON ?= /usr/share/iso-codes/json/iso_3166-1.json
ISO_LOCALES   ?= /usr/share/locale
$(B)/gen/make-countries: src/gen/countries.c src/countryfold.c src/country.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASEFLAGS) -O2 -o $@ src/gen/countries.c src/countryfold.c \
	  $(shell pkg-config --libs sqlite3 libutf8proc)
$(B)/gen/country_table.c: $(B)/gen/make-countries $(ISO_3166_JSON)
	$(Q)$(B)/gen/make-countries $(ISO_3166_JSON) $(ISO_LOCALES) > $@.tmp && mv $@.tmp $@

# V=1 shows the full compiler lines.
Q := $(if $(V),,@)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASEFLAGS) $(OPTFLAGS) -MMD -MP -c $< -o $@

$(B)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(OPTFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX-SAN $<")
	$(Q)$(SANCXX) $(CXXFLAGS_BASE) $(SANFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC-SAN  $<")
	$(Q)$(SANCC) $(BASEFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/persona: $(SAN_OBJ)
	@$(if $(Q),echo "  LD-SAN  $@")
	$(Q)$(SANCXX) $(SANFLAGS) -o $@ $(SAN_OBJ) $(PKG_LIBS) $(UI_LIBS) -lpthread -lm

$(B)/tests/%: tests/unit/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(BASEFLAGS) $(OPTFLAGS) -c -o $@.o $<
	$(Q)$(CXX) -o $@ $@.o $(CORE_OBJ) $(PKG_LIBS) -lcmocka -lpthread -lm

$(B)/asan/tests/%: tests/unit/%.c $(SAN_CORE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST-SAN $@")
	$(Q)$(SANCC) $(BASEFLAGS) $(SANFLAGS) -c -o $@.o $<
	$(Q)$(SANCXX) $(SANFLAGS) -o $@ $@.o $(SAN_CORE) $(PKG_LIBS) -lcmocka -lpthread -lm

samples/customers.csv samples/customers_truth.csv samples/orders.csv samples/events.csv samples/experiment.csv samples/rates.csv: samples/generate.c
	@mkdir -p build
	$(CC) $(BASEFLAGS) -O2 -o $(B)/generate samples/generate.c -lm
	cd samples && ../$(B)/generate

samples: samples/customers.csv

$(B)/sample.db: $(BIN) samples/demo.persona samples/customers.csv
	rm -f $@ $@-wal $@-shm
	cd samples && ../$(BIN) -d ../$@ -f demo.persona > /dev/null

run: all
	@$(MAKE) --no-print-directory $(B)/sample.db
	./$(BIN) -d $(B)/sample.db

unit: $(UNIT_BIN)

test: all
	@$(MAKE) --no-print-directory $(UNIT_BIN) $(B)/asan/persona $(SAN_UNIT)
	@B=$(B) BIN=$(BIN) tests/run.sh

bench: all
	@bench/run.sh
	@bench/cluster.sh
	@bench/dedupe.sh
	@bench/export.sh
	@bench/clean.sh

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CORE    := $(call objs,$(B)/fuzzobj,$(CORE_C) $(GEN_C))
$(B)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(SANCC) $(BASEFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
$(B)/fuzzobj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(SANCXX) $(CXXFLAGS_BASE) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_CORE)
	@mkdir -p $(dir $@)
	$(SANCC) $(BASEFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c -o $@.o $<
	$(SANCXX) -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $@.o $(FUZZ_CORE) $(PKG_LIBS) -lpthread -lm
# the core objects are not intermediate: keep them between fuzz builds
.SECONDARY: $(FUZZ_CORE)
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@echo "built: $(FUZZ_TARGETS)"
	@echo "run each, e.g.: mkdir -p tests/fuzz/corpus-csv && $(B)/fuzz/fuzz_csv -max_total_time=600 tests/fuzz/corpus-csv tests/fuzz/seeds-csv"

# The README's command reference is generated from the command table: `make docs`
# rewrites the part between the markers; a test fails when it is out of date.
docs: $(BIN)
	@./$(BIN) -d :memory: --format markdown -c help > $(B)/reference.md
	@awk -v ref=$(B)/reference.md '/<!-- commands:end -->/ {skip=0} !skip {print} \
	  /<!-- commands:begin -->/ {while ((getline line < ref) > 0) print line; skip=1}' README.md > $(B)/README.md
	@mv $(B)/README.md README.md && echo "README.md: command reference updated"

$(B)/persona.1: $(BIN)
	./$(BIN) --man > $@

install: all
	@$(MAKE) --no-print-directory $(B)/persona.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/persona
	install -m 644 $(B)/persona.1 $(DESTDIR)$(PREFIX)/share/man/man1/persona.1

clean:
	rm -rf build persona

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(FUZZ_CORE:.o=.d)
