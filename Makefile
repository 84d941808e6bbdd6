# Two commands do all the set-up on a machine with Python 3.11 and make:
#   make run   - virtual environment, install, refresh the warehouse from the bundled sample
#   make test  - the same plus the dev extras, then ruff and the whole test suite
# Both install the versions locked in requirements/ (run.txt, dev.txt: every package pinned with its hashes);
# `make lock` writes them again from pyproject.toml's ranges, keeping every pin that still fits
# (`make lock UPGRADE=1`: the newest versions the ranges allow).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-fast test-faults lint lock ui sample bench clean

run: $(VENV)/.installed
	$(BIN)/vardpuls refresh

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --dist loadfile

# The unit tier only (no warehouse is built): what a change of a macro, a reader or a formatter broke, in seconds.
test-fast: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m unit -q -n auto

# The crash test at every one of its kill points (make test tries a seeded sample of them and prints the seed).
test-faults: $(VENV)/.installed-dev
	VARDPULS_KILL_POINTS=all $(BIN)/python -m pytest -q tests/test_faults.py

# Fix what ruff can fix and format the code.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The lock files, from pyproject.toml (uv's resolver, in a virtual environment of its own).
UV_VERSION := 0.13.9
LOCK_FLAGS := --generate-hashes --universal --python-version 3.11 --no-strip-extras --quiet \
              --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock:
	@test -x .venv-lock/bin/uv || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	.venv-lock/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements/run.txt
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements/dev.txt

ui: $(VENV)/.installed
	$(BIN)/vardpuls ui

# Rewrite the synthetic sample landing area (deterministic: the committed files come out byte for byte).
sample: $(VENV)/.installed
	$(BIN)/vardpuls generate --scale sample --out data/sample

# The benchmark (BENCHMARKS.md): region and national scale from generated data under /tmp/vardpuls-bench,
# niced, then the comparison with the recorded figures (exit 1 on a regression of more than 20 %).
# National scale: 4.2 GB of data and, today, about half an hour and 17 GB of memory; run one at a time.
bench: $(VENV)/.installed
	nice -n 10 $(BIN)/python bench/run.py --scale region --scale national
	$(BIN)/python bench/compare.py bench/results/region-latest.json bench/results/national-latest.json

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "vardpuls needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements/run.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml requirements/dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .venv-lock warehouse .pytest_cache
