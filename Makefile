# Two entry points for a fresh machine: `make run` and `make test`. Both create the virtual
# environment and install the package with its dependencies first.
# `make run` installs only what the sandbox needs; the test and lint tools come with the first
# target that uses them (a stamp of their own).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
PORT ?= 8080
SCENARIO ?=

.PHONY: run test lint typecheck format bench schema clean

$(RUN_STAMP): pyproject.toml
	@echo "make: creating $(VENV) and installing the sandbox's dependencies (once; about 10 s)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	@echo "make: installing the test and lint tools into $(VENV) (once; about 30 s)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# make run PORT=9001 SCENARIO=scenarios/hitl-reject.yaml   (SCENARIO: a file or a folder)
run: $(RUN_STAMP)
	$(BIN)/mockserver serve --host 127.0.0.1 --port $(PORT) $(if $(SCENARIO),--scenario $(SCENARIO))

lint: $(STAMP)
	$(BIN)/ruff check mockserver tests bench
	$(BIN)/ruff format --check mockserver tests bench
	$(BIN)/hadolint Dockerfile

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q -n 2

format: $(STAMP)
	$(BIN)/ruff format mockserver tests bench
	$(BIN)/ruff check --fix mockserver tests bench

schema: $(STAMP)
	$(BIN)/mockserver schema > scenarios/scenario.schema.json

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
