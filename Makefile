# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint system-deps venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[demo,dev]'
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	@sh device/install-system-deps.sh

demo: system-deps $(STAMP)
	$(BIN)/interpreter demo

lint: $(STAMP)
	$(BIN)/ruff check interpreter tests
	$(BIN)/ruff format --check interpreter tests

test: system-deps lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache demo-output
