PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typing unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ohp-gateway demo

lint: $(STAMP)
	$(BIN)/ruff check ohp_gateway tests benchmarks examples
	$(BIN)/ruff format --check ohp_gateway tests benchmarks examples

typing: $(STAMP)
	$(BIN)/mypy ohp_gateway

unit: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typing unit

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
