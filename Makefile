# Two commands for a fresh machine: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= ../shared/corpus
RUFF_RULES := E4,E7,E9,F,I,UP,B

.PHONY: demo test lint install browser screenshots bench clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aidgraph build $(if $(wildcard $(CORPUS)),--corpus $(CORPUS))
	$(BIN)/aidgraph viz -o build/aidgraph.html
	$(BIN)/aidgraph flows --html build/flows.html > /dev/null
	$(BIN)/aidgraph timeline --html build/timeline.html

lint: $(STAMP)
	$(BIN)/ruff check --line-length 120 --select $(RUFF_RULES) .

# The browser tests drive Debian's chromium (never `playwright install`, which downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: lint browser
	$(BIN)/python -m pytest

screenshots: $(STAMP) browser
	$(BIN)/python tests/make_screenshots.py

clean:
	rm -rf build $(VENV)
