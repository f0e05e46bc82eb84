# credwatch — the README's two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
# Debian packages the build needs: PCRE2 and zlib (and SQLite for --state), found through pkg-config;
# ISA-L inflates gzip more than twice as fast as zlib (optional: the build uses it when installed);
# OpenSSL for `--syslog tls://`; libarchive reads 7z, RAR, bzip2, xz, lzma and zstd.
DEPS := libpcre2-dev zlib1g-dev libsqlite3-dev libisal-dev libssl-dev libarchive-dev pkg-config
BIN := .build/release/credwatch
DEMO_ARGS := scan Samples/logs --accounts Samples/accounts.csv --org Samples/org.toml
# Seconds each fuzz target runs in `make fuzz` and in the smoke run of `make test`.
FUZZ_SECONDS ?= 30
FUZZ_SMOKE_SECONDS ?= 10

.PHONY: deps test-deps build release demo test test-asan test-spark test-install lint format fuzz fuzz-smoke bench profile \
	samples clean man completions install uninstall

# What the end-to-end tests start, as a user would run it: a real syslog receiver (with its
# TLS driver) for `--syslog`, the openssl tool that makes its test certificate, a headless
# browser that opens the `--format html` report; jq, which the cron script runs, groff and man,
# which render and find the installed man page; and the zip and 7-Zip tools that make the
# encrypted archives the tests read (7-Zip also opens encrypted 7z).
TEST_DEPS := rsyslog rsyslog-openssl openssl chromium jq groff-base man-db zip 7zip

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
	@echo "== $(BIN) $(DEMO_ARGS) --format table --reset-list .build/demo-reset.csv --html .build/demo-report.html"
	@$(BIN) $(DEMO_ARGS) --format table --reset-list .build/demo-reset.csv --html .build/demo-report.html; \
	status=$$?; echo "== exit status $$status (1 = findings reported)"; \
	echo "== accounts to force-reset (.build/demo-reset.csv):"; cat .build/demo-reset.csv 2>/dev/null; \
	echo "== the page for people: .build/demo-report.html (open it in a browser)"; \
	[ $$status -le 1 ]

## Unit and end-to-end tests, then the format lint; then the tests again under AddressSanitizer
## and a short run of every fuzz target (the Fuzz package is linted too).
test: deps test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) test-spark
	$(SWIFT) format lint --strict -r Sources Tests Package.swift
	$(SWIFT) format lint --strict -r Fuzz/Sources Fuzz/Package.swift
	$(MAKE) test-install
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
	ASAN_OPTIONS=detect_leaks=0:suppressions=$(CURDIR)/Tests/asan.supp $(SWIFT) test --sanitize=address --scratch-path .build-asan

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

## Instructions per line, per account and per finding, by function (callgrind; see Benchmarks/README.md).
profile: release
	bash Benchmarks/profile.sh

clean:
	rm -rf .build .build-asan .build-fuzz

# --- Install -------------------------------------------------------------------------------
# `make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage]`, `make uninstall` (same variables).
# The binary finds its packs at <bin>/../share/credwatch/patterns (PatternPacks.shippedDirectory).
# The state, report, ticket and log folders of scheduled runs (outside PREFIX) are created 0700,
# for CREDWATCH_USER when that user exists and make runs as root; uninstall removes them only
# when empty: it never deletes a state, a report or a configuration.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/credwatch
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
CREDWATCH_USER ?= credwatch
# `debug` installs the debug build (what test-install uses: it is built already).
INSTALL_CONFIGURATION ?= release
INSTALL_BIN := .build/$(INSTALL_CONFIGURATION)/credwatch
GENERATED := .build/install-$(INSTALL_CONFIGURATION)
INSTALLED_DOCS := README.md cron-credwatch.sh credwatch.service credwatch.timer reset-accounts.ps1
RUN_FOLDERS := $(SYSCONFDIR)/credwatch $(LOCALSTATEDIR)/lib/credwatch $(LOCALSTATEDIR)/lib/credwatch/reports \
	$(LOCALSTATEDIR)/log/credwatch $(LOCALSTATEDIR)/spool/credwatch $(LOCALSTATEDIR)/spool/credwatch/tickets

$(INSTALL_BIN): deps
	$(SWIFT) build -c $(INSTALL_CONFIGURATION) --product credwatch

## credwatch(1), generated from the command-line definition by swift-argument-parser's
## generate-manual plugin (one page: every subcommand and option).
man: $(INSTALL_BIN)
	$(SWIFT) package plugin generate-manual --configuration $(INSTALL_CONFIGURATION) \
		--authors "the credwatch maintainers" --section 1
	mkdir -p $(GENERATED)
	cp .build/plugins/GenerateManual/outputs/CredWatchCLI/credwatch.1 $(GENERATED)/credwatch.1

## Shell completions, from the same definition.
completions: $(INSTALL_BIN)
	mkdir -p $(GENERATED)
	$(INSTALL_BIN) --generate-completion-script bash >$(GENERATED)/credwatch.bash
	$(INSTALL_BIN) --generate-completion-script zsh >$(GENERATED)/_credwatch
	$(INSTALL_BIN) --generate-completion-script fish >$(GENERATED)/credwatch.fish

install: $(INSTALL_BIN) man completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/credwatch/patterns $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/zsh/site-functions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d $(DESTDIR)$(DOCDIR)
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/credwatch
	install -m 644 Patterns/*.toml $(DESTDIR)$(DATADIR)/credwatch/patterns/
	install -m 644 $(GENERATED)/credwatch.1 $(DESTDIR)$(MANDIR)/man1/credwatch.1
	install -m 644 $(GENERATED)/credwatch.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/credwatch
	install -m 644 $(GENERATED)/_credwatch $(DESTDIR)$(DATADIR)/zsh/site-functions/_credwatch
	install -m 644 $(GENERATED)/credwatch.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/credwatch.fish
	install -m 644 README.md Samples/reset-accounts.ps1 $(DESTDIR)$(DOCDIR)/
	sed 's|^CREDWATCH_BINDIR=.*|CREDWATCH_BINDIR=$(BINDIR)|' Samples/cron-credwatch.sh >$(DESTDIR)$(DOCDIR)/cron-credwatch.sh
	chmod 755 $(DESTDIR)$(DOCDIR)/cron-credwatch.sh
	for unit in credwatch.service credwatch.timer; do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' Samples/$$unit >$(DESTDIR)$(DOCDIR)/$$unit; \
		chmod 644 $(DESTDIR)$(DOCDIR)/$$unit; \
	done
	@owner=""; if [ "$$(id -u)" = 0 ] && id -u $(CREDWATCH_USER) >/dev/null 2>&1; then owner="-o $(CREDWATCH_USER)"; fi; \
	for folder in $(RUN_FOLDERS); do install -d -m 700 $$owner $(DESTDIR)$$folder; done; \
	echo "installed $(DESTDIR)$(BINDIR)/credwatch; run folders (0700$${owner:+, owner $(CREDWATCH_USER)}): $(RUN_FOLDERS)"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/credwatch $(DESTDIR)$(MANDIR)/man1/credwatch.1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/credwatch \
		$(DESTDIR)$(DATADIR)/zsh/site-functions/_credwatch \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/credwatch.fish
	rm -f $(patsubst Patterns/%,$(DESTDIR)$(DATADIR)/credwatch/patterns/%,$(wildcard Patterns/*.toml))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(INSTALLED_DOCS))
	-rmdir $(DESTDIR)$(DATADIR)/credwatch/patterns $(DESTDIR)$(DATADIR)/credwatch $(DESTDIR)$(DOCDIR) 2>/dev/null
	@# Only when empty: a state, reports, tickets, logs or a configuration stay.
	-@for folder in $(LOCALSTATEDIR)/lib/credwatch/reports $(LOCALSTATEDIR)/lib/credwatch \
		$(LOCALSTATEDIR)/spool/credwatch/tickets $(LOCALSTATEDIR)/spool/credwatch $(LOCALSTATEDIR)/log/credwatch \
		$(SYSCONFDIR)/credwatch; do rmdir $(DESTDIR)$$folder 2>/dev/null || true; done

## Installs into a temporary DESTDIR (debug build) and checks the result, then uninstalls.
test-install: test-deps
	bash Tests/install-test.sh
