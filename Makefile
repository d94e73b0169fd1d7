# Two commands for a fresh machine: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= ../shared/corpus
RUFF_RULES := E4,E7,E9,F,I,UP,B

.PHONY: demo test lint install clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aidgraph build $(if $(wildcard $(CORPUS)),--corpus $(CORPUS))

lint: $(STAMP)
	$(BIN)/ruff check --line-length 120 --select $(RUFF_RULES) .

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf build $(VENV)
