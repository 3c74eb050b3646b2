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
HOST_PORTS ?= all
CLOCK ?=

.PHONY: run test lint typecheck format bench schema clean image-check mutate fuzz

$(RUN_STAMP): pyproject.toml
	@echo "make: creating $(VENV) and installing the sandbox's dependencies (once; 15 to 40 s, most of it downloading)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	@echo "make: installing the test and lint tools into $(VENV) (once; about 30 s)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# make run PORT=9001 SCENARIO=scenarios/hitl-reject.yaml   (SCENARIO: a file or a folder;
# CLOCK=manual, real or scale:N overrides the scenario's clock)
# Each vendor's real host also gets a port of its own, after PORT (8081-8084; `mockserver hosts`);
# HOST_PORTS="api.thehive.ai=9000" chooses others, HOST_PORTS= none.
run: $(RUN_STAMP)
	$(BIN)/mockserver serve --host 127.0.0.1 --port $(PORT)$(if $(SCENARIO), --scenario $(SCENARIO))$(if $(CLOCK), --clock $(CLOCK))$(if $(HOST_PORTS), --host-port $(HOST_PORTS))

lint: $(STAMP)
	$(BIN)/ruff check mockserver tests bench tools
	$(BIN)/ruff format --check mockserver tests bench tools
	$(BIN)/hadolint Dockerfile

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q -n 2

format: $(STAMP)
	$(BIN)/ruff format mockserver tests bench tools
	$(BIN)/ruff check --fix mockserver tests bench tools

schema: $(STAMP)
	$(BIN)/mockserver schema > scenarios/scenario.schema.json

# Every benchmark row of docs/benchmarks.md, printed as Markdown (about 45 minutes; wrk and,
# for instruction counts, valgrind; for the peers, java and npm). `make bench
# BENCH_ARGS=--quick` in a few minutes; BENCH_ARGS="--only throughput" and the other sections:
# bench/run.py's docstring lists them.
BENCH_ARGS ?=

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The real image where no Docker engine runs (CI calls this after `make test`): container-check
# builds the Dockerfile with podman, runs the image's command as its container would, waits for
# its HEALTHCHECK, runs the probe (one call per vendor and /_mockserver/health on port 8080),
# and checks a graceful SIGTERM. Needs root; the first run makes a base image (minutes).
CONTAINER_CHECK ?= ../shared/tools/container-check

image-check:
	PROBE='sh tools/image-probe.sh' bash $(CONTAINER_CHECK) .

# Longer fuzzing than `make test` (minutes; not in CI): FUZZ_SCALE times the random cases per
# operation, a new random draw each run (FUZZ_SEED=N repeats one), each case followed by every
# read endpoint, failures shrunk to a minimal case; a summary of the findings at the end.
FUZZ_SCALE ?= 10
fuzz: $(STAMP)
	MOCKSERVER_FUZZ_SCALE=$(FUZZ_SCALE) $(if $(FUZZ_SEED),MOCKSERVER_FUZZ_SEED=$(FUZZ_SEED)) \
		$(BIN)/pytest -q -n 2 --timeout=1800 tests/fuzz

# Mutation testing of the core and one vendor (slow: about an hour on 2 cores; not in CI).
# `make mutate GROUPS="clock journal"` runs some groups; tools/mutate.py --list names them.
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,mutation]'
	$(BIN)/python tools/mutate.py $(GROUPS)

clean:
	rm -rf $(VENV) build *.egg-info
