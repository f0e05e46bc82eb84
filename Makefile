# credwatch — the README's two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
# Debian packages the build needs: PCRE2 and zlib (and SQLite for --state), found through pkg-config;
# ISA-L inflates gzip more than twice as fast as zlib (optional: the build uses it when installed);
# OpenSSL for `--syslog tls://`.
DEPS := libpcre2-dev zlib1g-dev libsqlite3-dev libisal-dev libssl-dev pkg-config
BIN := .build/release/credwatch
DEMO_ARGS := scan Samples/logs --accounts Samples/accounts.csv --org Samples/org.toml
# Seconds each fuzz target runs in `make fuzz` and in the smoke run of `make test`.
FUZZ_SECONDS ?= 30
FUZZ_SMOKE_SECONDS ?= 10

.PHONY: deps test-deps build release demo test test-asan test-spark lint format fuzz fuzz-smoke bench samples clean

# What the end-to-end tests start, as a user would run it: a real syslog receiver (with its
# TLS driver) for `--syslog`, and the openssl tool that makes its test certificate.
TEST_DEPS := rsyslog rsyslog-openssl openssl

# Installs the Debian packages $(1) that are missing (as root, or through sudo).
define install-missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

## Install the system libraries when missing (as root, or through sudo).
deps:
	$(call install-missing,$(DEPS))

## Install what the end-to-end tests run against when missing.
test-deps:
	$(call install-missing,$(TEST_DEPS))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Build, then scan the bundled synthetic samples and show the report. Findings are the
## expected outcome here (exit status 1), so only 2 (fatal) and 3 (incomplete) fail the demo.
demo: release
	@echo "== $(BIN) $(DEMO_ARGS) --format table --reset-list .build/demo-reset.csv"
	@$(BIN) $(DEMO_ARGS) --format table --reset-list .build/demo-reset.csv; \
	status=$$?; echo "== exit status $$status (1 = findings reported)"; \
	echo "== accounts to force-reset (.build/demo-reset.csv):"; cat .build/demo-reset.csv 2>/dev/null; \
	[ $$status -le 1 ]

## Unit and end-to-end tests, then the format lint; then the tests again under AddressSanitizer
## and a short run of every fuzz target (the Fuzz package is linted too).
test: deps test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) test-spark
	$(SWIFT) format lint --strict -r Sources Tests Package.swift
	$(SWIFT) format lint --strict -r Fuzz/Sources Fuzz/Package.swift
	$(MAKE) test-asan
	$(MAKE) fuzz-smoke

## The Spark driver in local mode against one process, byte for byte (installs OpenJDK 17 with apt
## and PySpark into .venv-spark when missing; see Scale/spark/test-spark.sh).
test-spark: deps
	$(SWIFT) build
	bash Scale/spark/test-spark.sh

## The test suite under AddressSanitizer (UndefinedBehaviorSanitizer is not available for Swift on
## Linux: swiftc rejects -sanitize=undefined; Swift itself traps on overflow and bad indexes).
## Leak detection is off here: XCTest's runner and lazily built Swift globals trip it; the fuzz
## targets look for leaks instead.
test-asan: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

format:
	$(SWIFT) format -i -r Sources Tests Package.swift

## libFuzzer (with AddressSanitizer) on every parser of untrusted input, FUZZ_SECONDS each; new
## inputs grow Fuzz/corpus, crashes land in Fuzz/artifacts (see Fuzz/README.md).
fuzz: deps
	SWIFT="$(SWIFT)" Fuzz/fuzz.sh build
	SWIFT="$(SWIFT)" Fuzz/fuzz.sh run $(FUZZ_SECONDS)

## Every fuzz target for FUZZ_SMOKE_SECONDS (part of `make test`).
fuzz-smoke: deps
	SWIFT="$(SWIFT)" Fuzz/fuzz.sh build
	SWIFT="$(SWIFT)" Fuzz/fuzz.sh run $(FUZZ_SMOKE_SECONDS)

## Regenerate the committed synthetic samples (deterministic).
samples:
	python3 Samples/generate.py

## Throughput and memory against the anchors (release build; see Benchmarks/README.md).
bench: release
	bash Benchmarks/run.sh

clean:
	rm -rf .build .build-asan .build-fuzz
