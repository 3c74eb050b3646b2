# Two entry points for a fresh machine: `make run` and `make test`. Both create the virtual
# environment and install the package with its dependencies first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck format bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mockserver serve --host 127.0.0.1 --port 8080

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
