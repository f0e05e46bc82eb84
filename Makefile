# credwatch — the README's two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
# Debian packages the build needs: PCRE2 and zlib (and SQLite for --state), found through pkg-config.
DEPS := libpcre2-dev zlib1g-dev libsqlite3-dev pkg-config
BIN := .build/release/credwatch
DEMO_ARGS := scan Samples/logs --accounts Samples/accounts.csv --org Samples/org.toml

.PHONY: deps build release demo test lint format fuzz bench samples clean

## Install the system libraries when missing (as root, or through sudo).
deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

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

## Unit and end-to-end tests, then the format lint.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

format:
	$(SWIFT) format -i -r Sources Tests Package.swift

## Regenerate the committed synthetic samples (deterministic).
samples:
	python3 Samples/generate.py

## Throughput and memory against the anchors (release build; see Benchmarks/README.md).
bench: release
	bash Benchmarks/run.sh

clean:
	rm -rf .build
