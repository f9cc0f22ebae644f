# Policy library: `make site` builds the site from sources/, `make test` runs the tests.
# Both work on a fresh machine: the first run creates .venv with the pinned dependencies.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 1
# Reference date of statuses (现行有效/已失效…): the date recorded in status-as-of, so the
# committed docs/ are what `make docs` writes on any day; the deploy passes today (AS_OF=…).
AS_OF  ?= $(shell cat status-as-of 2>/dev/null)
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

.PHONY: all venv docs site serve test lint clean browser-deps office-deps axe bench-scale bench-search bench-formats add check bench bench-large fuzz eval status-today

all: site

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,dask]"
	touch $(STAMP)

venv: $(STAMP)

## docs: convert sources/ into docs/ (the generated Markdown is committed)
docs: venv
	$(BIN)/python -m converter build -j $(JOBS) $(if $(AS_OF),--as-of $(AS_OF))

## status-today: move the recorded reference date to today (China Standard Time) and rebuild docs/
status-today: venv
	TZ=Asia/Shanghai date +%F > status-as-of
	$(MAKE) docs AS_OF=$$(cat status-as-of)

## add: one page into sources/ and docs/ rebuilt: `make add URL=…` fetches it, `make add FILE=…`
## copies a page saved by hand (give URL=… too to record its address); prints what was extracted
add: venv
	$(BIN)/python -m converter add $(if $(URL),--url '$(URL)') $(if $(FILE),--file '$(FILE)') -j $(JOBS)

## check: validate sources/, sidecars and docs/ before a pull request (one line per problem)
check: venv
	$(BIN)/python -m converter check -j $(JOBS)

## site: docs/ -> site/ with MkDocs (strict; in shards of SHARD_SIZE documents, default 5000, JOBS at
## once, unchanged shards kept from .cache/site-shards) and the search indexes; dates come from the
## sources, not the clock.
## Holds the locks of docs/ (read) and site/ (written): a second `make site` or `make docs`
## meanwhile stops with "another build is running" instead of racing this one.
site: office-deps docs
	$(BIN)/python -m converter.runtime.lock docs site -- sh -c '\
	  SOURCE_DATE_EPOCH=$$($(BIN)/python -m converter epoch) $(BIN)/python -m converter.publish site -j $(JOBS)'
	@echo "site/ built: $$(ls docs/policies/*.md | grep -vc /index.md) document pages"

## serve: the built site (with its Pagefind search, which `mkdocs serve` would not have)
serve: site
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000

## browser-deps: Debian's Chromium for the browser tests (tests/browser skip if it is missing),
## and a CJK font so screenshots of the pages show Chinese rather than empty boxes
browser-deps:
	@(command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .) || ( \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver fonts-wqy-microhei ) \
	  || echo "browser-deps: could not install chromium; the browser tests will be skipped"

## axe: axe-core (npm, pinned in package.json / package-lock.json), which the accessibility
## browser tests inject into Chromium; npm comes from Debian when the machine has none
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || ( SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q npm ) \
	  || echo "axe: could not install npm; the accessibility tests will be skipped"
	-npm ci --no-audit --no-fund --loglevel=error && touch $@

axe: $(AXE)

## office-deps: LibreOffice (Writer, no GUI) for .doc/.wps and tesseract with its Simplified Chinese
## model for scans; without them those sources are reported with what to install and the rest builds
office-deps:
	@(command -v soffice >/dev/null && command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx chi_sim) || ( \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends \
	    libreoffice-writer-nogui tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-microhei ) \
	  || echo "office-deps: could not install LibreOffice/tesseract; .doc/.wps files and scans will be reported, not converted"

## bench-formats: per-format reading speed and OCR character accuracy on one generated policy text
bench-formats: venv office-deps
	$(BIN)/python bench/formats.py

## lint: ruff (style, imports) and mypy (types) over the code; run by `make test` and so by CI
lint: venv
	$(BIN)/ruff check converter scraper tests bench
	$(BIN)/mypy

test: venv browser-deps lint axe office-deps
	$(BIN)/python -m pytest -q

## bench-scale: the whole build at 1,000 and 10,000 documents (LARGE=1 adds 100,000): conversion
## (-j 1, -j 2, Dask), shards, MkDocs and search-index times, peak memory, add-one time, and an
## estimate for 1,000,000 documents on a Dask cluster (bench/scale.py)
bench-scale: $(VENV)/.bench-installed
	$(BIN)/python bench/scale.py $(if $(LARGE),--large)

## bench-search: the search box against a substring scan, in headless Chromium (recall@10, false
## matches, Traditional, nonsense, time and bytes per query, index size/time/memory), substring index
## vs Pagefind: the samples+corpus site and 10,000 generated pages; LARGE=1 adds 100,000
bench-search: venv browser-deps
	$(BIN)/python bench/search_bench.py --n 10000 $(if $(LARGE),--n 100000) --json bench/out/search/results.json

## bench: synthetic corpora of 100 and 1,000 documents: stage speeds, build time, memory, sizes
## (bench/README.md); bench-large adds 10,000 and the add-one-source check on 5,000
$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,bench]"
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py

bench-large: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py --large

## eval: accuracy on the reference corpus and the template zoo (fields, body recall, ordered coverage
## with every lacking run and the record entry that explains it, leakage; trafilatura beside ours)
CORPUS ?= ../shared/corpus
$(VENV)/.compare-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,compare]"
	touch $@

ZOO ?= .cache/zoo
eval: venv $(VENV)/.compare-installed
	@if [ -f "$(CORPUS)/truth.json" ]; then \
	  echo "== reference corpus $(CORPUS)"; \
	  $(BIN)/python -m converter eval --truth "$(CORPUS)/truth.json" --raw "$(CORPUS)/raw"; \
	  echo "== template zoo (tests/zoo: every idiom x every corpus page, in $(ZOO))"; \
	  $(BIN)/python -m tests.zoo --corpus "$(CORPUS)" --out "$(ZOO)" && \
	  $(BIN)/python -m converter eval --truth "$(ZOO)/truth.json" --raw "$(ZOO)/raw"; \
	else echo "eval: no reference corpus at $(CORPUS) (set CORPUS=…); nothing to measure"; fi

## fuzz: the never-crash property tests (tests/test_fuzz.py) at the large budget:
## 5 properties (pages of text, HTML, truncated and mutated samples, sidecars) x FUZZ_EXAMPLES
## (default 2500) = 12,500 cases, new random inputs each run
fuzz: venv
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider --hypothesis-show-statistics tests/test_fuzz.py

clean:
	rm -rf site .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
