# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## set up, generate the demo center on SQLite, serve it
	$(BIN)/kefu demo

test: $(STAMP)  ## the whole suite, on SQLite and PostgreSQL, one worker a core
	$(BIN)/python -m pytest -n auto --dist worksteal

bench: $(STAMP)  ## benchmarks/ → benchmarks/results/*.json and a table
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var
