# Two commands do all the set-up on a machine with Python 3.11 and make:
#   make run   - virtual environment, install, refresh the warehouse from the bundled sample
#   make test  - the same plus the dev extras, then the whole test suite
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test ui sample bench clean

run: $(VENV)/.installed
	$(BIN)/vardpuls refresh

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n auto --dist loadfile

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

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) warehouse .pytest_cache
