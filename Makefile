# The two commands (README.md):  `make run`  starts the platform,  `make test`  runs every test.
# Everything else they need (virtualenv, locked Python deps, node_modules, the frontend build,
# Chromium and CJK fonts for the browser tests) is installed by the targets below, only when missing
# or out of date.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.11 is what the lock was compiled for; prefer an explicit python3.11 when there is one.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
NPM ?= npm
# Playwright drives Debian's Chromium here (tests/e2e); no browser download.
CHROMIUM ?= /usr/bin/chromium

# make test PYTEST_ARGS="-k siming -x"      extra arguments for pytest
# make run SKIP_FRONTEND=1                   start with whatever frontend/dist holds (no npm at all)
# make bench BENCH_ARGS="..."                extra arguments for bench/run.py
PYTEST_ARGS ?=
BENCH_ARGS ?=
SKIP_FRONTEND ?=

# What the frontend build depends on: when none of these changed, the build is skipped.
FRONTEND_INPUTS := src public index.html package.json package-lock.json vite.config.* tsconfig*.json .env*

.PHONY: help run test fuzz bench stop frontend frontend-test schema venv system-deps lint clean distclean

help:
	@echo "make run      set everything up, start the platform (web, worker, beat) and print the URLs and demo logins"
	@echo "make test     set everything up and run every check: ruff, import contracts, migrations, pytest, vitest"
	@echo "make fuzz     schemathesis over every operation of both API schemas, long (FUZZ_EXAMPLES=...)"
	@echo "make bench    run the benchmarks (bench/run.py; BENCH_ARGS=...)"
	@echo "make stop     stop a running 'make run' and the embedded PostgreSQL (var/pgdata)"
	@echo "make frontend build frontend/dist (only when its sources changed)"
	@echo "make schema   regenerate api/openapi/*.yaml and the frontend's types from them"
	@echo "make clean    remove build outputs and caches (keeps .venv, node_modules and var/)"

## ---- the two commands ---------------------------------------------------------------------

run: venv $(if $(SKIP_FRONTEND),,frontend)
	@$(PY) platform/run.py

test: venv system-deps $(if $(SKIP_FRONTEND),,frontend)
	@echo "==> ruff"
	$(VENV)/bin/ruff check .
	@echo "==> import contracts"
	$(VENV)/bin/lint-imports
	@echo "==> migrations are up to date"
	$(PY) manage.py makemigrations --check --dry-run
	@echo "==> pytest"
	OA_FAST_PASSWORD_HASHER=1 $(VENV)/bin/pytest $(PYTEST_ARGS)
	@echo "==> vitest"
	cd frontend && $(NPM) run test -- --passWithNoTests

## ---- the rest -------------------------------------------------------------------------------

# `make test` runs tests/api/test_fuzz.py with a few examples an operation; this runs it long:
# schemathesis' boundary/invalid-value cases plus FUZZ_EXAMPLES random examples an operation.
FUZZ_EXAMPLES ?= 40
fuzz: venv
	OA_FAST_PASSWORD_HASHER=1 OA_FUZZ_COVERAGE=1 OA_FUZZ_RANDOM=1 OA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	  $(VENV)/bin/pytest tests/api/test_fuzz.py $(PYTEST_ARGS)

bench: venv
	$(PY) bench/run.py $(BENCH_ARGS)

# Stops a `make run` started from another terminal (var/run.pid), then the embedded PostgreSQL.
stop:
	@if [ -x $(PY) ]; then $(PY) platform/run.py stop; else echo "no $(VENV): nothing to stop"; fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

schema: venv
	$(PY) manage.py spectacular --urlconf config.urls_public --file api/openapi/console.yaml --validate --fail-on-warn
	$(PY) manage.py spectacular --urlconf config.urls_tenant --file api/openapi/unit.yaml --validate --fail-on-warn
	cd frontend && $(NPM) run gen:types

# The virtualenv, (re)installed from requirements.lock whenever the lock's hash differs from the
# stamp left by the last install.
venv:
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  echo "==> creating $(VENV) with $(PYTHON) ($$($(PYTHON) -V 2>&1))"; \
	  $(PYTHON) -m venv $(VENV); \
	fi; \
	want=$$(sha256sum requirements.lock | cut -d' ' -f1); \
	have=$$(cat $(VENV)/.requirements.sha256 2>/dev/null || true); \
	if [ "$$want" != "$$have" ]; then \
	  echo "==> installing requirements.lock into $(VENV)"; \
	  if [ ! -x $(VENV)/bin/uv ]; then \
	    $(VENV)/bin/pip install --disable-pip-version-check --quiet "uv==$(UV_VERSION)"; \
	  fi; \
	  $(VENV)/bin/uv pip install --python $(PY) -r requirements.lock; \
	  echo "$$want" > $(VENV)/.requirements.sha256; \
	fi

# Debian's Chromium (Playwright drives /usr/bin/chromium; no browser download) and CJK fonts
# for screenshots and the GB/T 9704 PDFs (Noto for 宋/黑, AR PL KaitiM GB as the free 楷体).
# Installed only when missing.
system-deps:
	@set -e; \
	if [ -x $(CHROMIUM) ] && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' \
	  && fc-list 2>/dev/null | grep -qi 'gkai'; then exit 0; fi; \
	echo "==> installing chromium and CJK fonts (apt-get)"; \
	SUDO=; if [ "$$(id -u)" != 0 ]; then \
	  if command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "error: chromium/fonts-noto-cjk missing and not root: install them with apt-get" >&2; exit 1; fi; \
	fi; \
	$$SUDO apt-get update -q; \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk fonts-arphic-gkai00mp

# npm ci when package-lock.json changed since the last install; vite build when any input
# changed since the last build (hash stamps in node_modules/ and dist/).
frontend:
	@set -eo pipefail; \
	command -v $(NPM) >/dev/null || { echo "error: npm not found: install Node.js 20 (see README.md)" >&2; exit 1; }; \
	cd frontend; \
	lock=$$(sha256sum package-lock.json | cut -d' ' -f1); \
	if [ "$$(cat node_modules/.oa-lock.sha256 2>/dev/null)" != "$$lock" ]; then \
	  echo "==> npm ci (frontend)"; \
	  $(NPM) ci --no-audit --no-fund; \
	  echo "$$lock" > node_modules/.oa-lock.sha256; \
	fi; \
	inputs=; for f in $(FRONTEND_INPUTS); do [ -e "$$f" ] && inputs="$$inputs $$f"; done; \
	src=$$(find $$inputs -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); \
	if [ -f dist/index.html ] && [ "$$(cat dist/.oa-build.sha256 2>/dev/null)" = "$$src" ]; then \
	  echo "==> frontend/dist is up to date"; \
	else \
	  echo "==> building the frontend (npm run build)"; \
	  if ! $(NPM) run build; then \
	    echo "" >&2; \
	    echo "error: the frontend build failed (output above). 'make run SKIP_FRONTEND=1' starts the" >&2; \
	    echo "       platform with the last good build in frontend/dist, if any." >&2; \
	    exit 1; \
	  fi; \
	  echo "$$src" > dist/.oa-build.sha256; \
	fi

frontend-test: frontend
	cd frontend && $(NPM) run test -- --passWithNoTests

clean:
	rm -rf frontend/dist test-output .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./frontend/node_modules -prune -o -name __pycache__ -type d -print0 \
		| xargs -0 rm -rf

# Also the installed dependencies. var/ (the embedded database, uploads) is data: `make stop`
# then remove it by hand to start from scratch.
distclean: clean
	rm -rf $(VENV) frontend/node_modules
