# Vietnamese news search. `make serve` and `make test` do all the set-up on a fresh machine.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SOURCES ?= seeds
INDEX   ?= var/index
PORT    ?= 8000
HOST    ?= 127.0.0.1
CHROMIUM := /usr/bin/chromium
# The index is stale when a news file or the analysis that shapes it is newer than the published generation.
ANALYSIS := $(wildcard indexer/analysis.py indexer/schema.py indexer/segment.py indexer/syllable.py \
              indexer/countries.py indexer/mentions.py indexer/rawpage.py indexer/dates.py indexer/build.py indexer/inversion.py \
              indexer/decoded.py)
SOURCE_FILES := $(shell find $(SOURCES) -type f 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install bytecode index serve test browser bench eval clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: SOURCES=$(SOURCES) INDEX=$(INDEX) PORT=$(PORT)"

install: $(VENV)/.installed ## create the virtual environment in .venv and install the project

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Our modules' bytecode, written even where PYTHONDONTWRITEBYTECODE is set: every process (a server's start, a
# build's workers) would otherwise compile them again, about 50 ms. Only what changed is compiled.
bytecode: install
	@$(BIN)/python -m compileall -q indexer webui bench

index: install bytecode ## rebuild the index from SOURCES into INDEX
	$(BIN)/python -m indexer build --index $(INDEX) $(SOURCES)

$(INDEX)/current: $(SOURCE_FILES) $(ANALYSIS) | install
	$(BIN)/python -m indexer build --index $(INDEX) $(SOURCES)

serve: install bytecode $(INDEX)/current ## build the index if missing or stale, then serve the page on HOST:PORT
	INDEX_DIR=$(INDEX) $(BIN)/python -m webui --host $(HOST) --port $(PORT)

browser: ## install Debian's chromium for the browser tests (when missing)
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; }
	@test -x $(CHROMIUM) || { echo "chromium is missing: apt-get install chromium"; exit 1; }

test: install browser ## run the whole test suite, browser tests included
	$(BIN)/python -m pytest

bench: install bytecode ## benchmarks: ours, plain Whoosh and tantivy on ../shared/corpus (QUICK=1: 2,000 articles, minutes)
	$(BIN)/python -m bench $(if $(QUICK),--quick --name scratch-quick,$(if $(SIZES),--sizes $(SIZES),))
	$(BIN)/python -m bench.report $(if $(QUICK),bench/results/scratch-quick.json --out bench/work/report-quick,)

eval: install ## relevance evaluation on ../shared/corpus (builds eval/work/ once), results in eval/results/
	$(BIN)/python -m eval

clean: ## remove the virtual environment, the index and caches
	rm -rf $(VENV) var .pytest_cache test-artifacts *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
