# gridmap: two commands do all the set-up (Debian 12, as root, Go installed).
#   make run   PostGIS (installed and started if DATABASE_URL is unset), migrate, import geodata/,
#              make the demo accounts (printed with their password), serve with a simulated city
#              (GRIDMAP_SIMULATE=120 reports an hour; 0 turns it off)
#   make test  the same set-up for a test server, then every test with the race detector
#   make fuzz  every fuzz target for FUZZTIME (default 1m), one after another; no database
SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 1m

.PHONY: run test bench geodata build fuzz

build:
	$(GO) build -o bin/gridmap ./cmd/gridmap

run: build
	@set -euo pipefail; \
	url="$${DATABASE_URL:-$$(.ci/postgis-up gridmap)}"; \
	export GRIDMAP_SIMULATE="$${GRIDMAP_SIMULATE:-120}"; \
	export DATABASE_URL="$$url"; \
	./bin/gridmap migrate && ./bin/gridmap import geodata && ./bin/gridmap user demo && \
	exec ./bin/gridmap serve

test:
	@set -euo pipefail; \
	.ci/test-tools-up; \
	admin="$${DATABASE_URL:-$$(.ci/postgis-up postgres)}"; \
	export GRIDMAP_TEST_DATABASE_URL="$$admin"; \
	$(GO) vet ./... && $(GO) test -race -count=1 -timeout 20m ./...

geodata:
	$(GO) run ./cmd/geodatagen -out geodata

# bench reproduces the README's speed figures (go benchmarks and HTTP load runs).
bench:
	.ci/bench

# fuzz runs each fuzz target for FUZZTIME, one at a time, and prints a line per target
# (.ci/fuzz; FUZZ=regexp picks targets, FUZZPARALLEL=1 on a busy machine).
fuzz:
	@FUZZTIME="$(FUZZTIME)" .ci/fuzz
