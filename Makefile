# Policy library: `make site` builds the site from sources/, `make test` runs the tests.
# Both work on a fresh machine: the first run creates .venv with the pinned dependencies.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 1
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

.PHONY: all venv docs site serve test clean

all: site

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

## docs: convert sources/ into docs/ (the generated Markdown is committed)
docs: venv
	$(BIN)/python -m converter build -j $(JOBS)

## site: docs/ -> site/ with MkDocs (strict); dates come from the sources, not the clock
site: docs
	SOURCE_DATE_EPOCH=$$($(BIN)/python -m converter epoch) $(BIN)/mkdocs build --strict --quiet
	@echo "site/ built: $$(ls docs/policies/*.md | grep -vc /index.md) document pages"

serve: docs
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: venv
	$(BIN)/python -m pytest -q

clean:
	rm -rf site .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
