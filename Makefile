# The two commands a new user types after `git clone`. Each installs what is missing first,
# so they work on a fresh Debian machine (as root, or with sudo available).
SWIFT ?= swift
# openssh-server (and the ssh-keygen it pulls in) only for the SSH tests, which run their own sshd;
# chromium only for the dashboard's browser tests. gpgv (and ssh-keygen) check signed commits
# (--verify-commits); gnupg signs them in the tests.
APT_PACKAGES := libgit2-dev libsqlite3-dev pkg-config openssh-server chromium gpgv gnupg
# The API's property tests against docs/openapi.yaml (make test only).
SCHEMATHESIS_VERSION := 4.32.5
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-deps bench-deps build deps release benchmark-http benchmark-validate benchmark-schedule benchmark-git benchmark-reconcile benchmark-executor benchmark-daemon

## Install the system packages Baton builds against, only when absent.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema

## What only the tests and benchmarks need: schemathesis (PyPI) and wrk (Debian).
test-deps: deps
	@python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install -q "schemathesis==$(SCHEMATHESIS_VERSION)"

bench-deps: deps
	@dpkg -s wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }

build: deps
	$(SWIFT) build

## Baton's main job on the embedded default: the daemon on this repository's own manifests/
## (the source is the clone itself, on its current branch), state in .baton/. It reconciles
## every 60 s (commit a change and watch it being applied), runs the demo pipelines on their
## schedules (the heartbeat fires within a minute), and stops cleanly on Ctrl-C. The API and
## the dashboard listen on RUN_HTTP (loopback); the first run makes an operate token for them,
## kept in .baton/dashboard-token (its hash in .baton/http-tokens).
RUN_HTTP ?= 127.0.0.1:8470
run: build
	@mkdir -p .baton && chmod 700 .baton
	@if [ ! -s .baton/http-tokens ] || [ ! -s .baton/dashboard-token ]; then \
	  umask 077; token=$$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n'); \
	  printf '%s\n' "$$token" > .baton/dashboard-token; \
	  printf '%s operate %s\n' "$$(id -un)" "$$(printf %s "$$token" | sha256sum | cut -d' ' -f1)" > .baton/http-tokens; \
	fi
	@echo "Starting baton serve on this repository (state in .baton/)."
	@echo "Dashboard: http://$(RUN_HTTP)/ui  (sign in with the token in .baton/dashboard-token:"
	@echo "  $$(cat .baton/dashboard-token) )"
	@echo "In another terminal:"
	@echo "  .build/debug/baton status     # what is live, the daemon, next fire times"
	@echo "  .build/debug/baton runs       # the newest runs"
	@echo "  .build/debug/baton logs RUN   # a run's logs, line by line"
	@echo "Ctrl-C stops it (running tasks get 30 s to finish)."
	$(SWIFT) run --skip-build baton serve --http $(RUN_HTTP) --http-tokens .baton/http-tokens

## Every test: unit, CLI (against the built binary) and schema checks.
## Three groups, one after another: Swift Testing runs a group's tests on one shared pool of
## threads (one per core), and tests that block a thread (the CLI tests wait on the `baton`
## processes they start; Git fixtures wait on `git`) would starve the executor's tests, whose
## processes, timeouts and HTTP calls resume on that pool.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --skip 'CLITests|BatonEngineTests'
	$(SWIFT) test --skip-build --parallel --filter BatonEngineTests
	$(SWIFT) test --skip-build --parallel --filter CLITests
	scripts/schemathesis.sh

release: deps
	$(SWIFT) build -c release --product baton

## Benchmarks (release builds); see Benchmarks/README.md.
benchmark-validate: deps
	Benchmarks/validate-benchmark.sh

benchmark-schedule: deps
	Benchmarks/schedule-benchmark.sh

benchmark-git: deps
	Benchmarks/git-benchmark.sh

benchmark-reconcile: deps
	Benchmarks/reconcile-benchmark.sh

benchmark-executor: deps
	Benchmarks/executor-benchmark.sh

benchmark-daemon: deps
	Benchmarks/daemon-benchmark.sh

benchmark-http: bench-deps
	Benchmarks/http-benchmark.sh
