# make run: serve with demo data; make test: the whole suite (lint included); make bench: benchmarks.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test lint bench install dev clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)
dev: $(STAMP_DEV)

# make run: the worker runs beside the web server and stops with it; the adapters talk to the simulator
# mounted on the same server unless WECHAT_API_BASE / WEIBO_API_BASE / GOVMEDIA_SIMULATOR say otherwise.
run: export GOVMEDIA_SIMULATOR ?= 1
run: export WECHAT_API_BASE ?= http://127.0.0.1:$(PORT)/simulator/wechat
run: export WEIBO_API_BASE ?= http://127.0.0.1:$(PORT)/simulator/weibo
run: export GOVMEDIA_TAMPER_INTERVAL ?= 60
run: $(STAMP_RUN)
	$(BIN)/govmedia migrate --noinput
	$(BIN)/govmedia demo
	$(BIN)/govmedia worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/govmedia runserver 127.0.0.1:$(PORT)

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/mypy bench/*.py
	$(BIN)/govmedia makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

bench: $(STAMP_DEV)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/test-*
