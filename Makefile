# Two commands for a fresh machine: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= ../shared/corpus

.PHONY: demo test lint install system-deps screenshots bench notebook notebooks clean

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
	$(BIN)/aidgraph site -o build/site $(if $(wildcard $(CORPUS)),--corpus $(CORPUS))

lint: $(STAMP)
	$(BIN)/ruff check --extend-select UP,B .

# The browser tests drive Debian's chromium (never `playwright install`, which downloads);
# the README test runs README's curl command; the server tests start Debian's Virtuoso
# (virtuoso-t, on free loopback ports in a scratch directory), skipped only where it cannot install.
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq chromium curl >/dev/null; }
	@command -v virtuoso-t >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; } || \
	  echo "virtuoso-opensource could not be installed: the Virtuoso tests will be skipped"

test: lint system-deps
	$(BIN)/python -m pytest

screenshots: $(STAMP) system-deps
	$(BIN)/python tests/make_screenshots.py

bench: $(STAMP)
	$(BIN)/python bench/query_speed.py
	$(BIN)/python bench/run.py --write bench/RESULTS.md

notebook: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[notebook]'
	$(BIN)/jupyter lab notebooks/

# Re-run the notebooks and keep their outputs (they are committed with them).
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/01-tour.ipynb notebooks/02-add-an-article.ipynb

clean:
	rm -rf build $(VENV)
