# The one task runner. `make help` lists the targets and variables; CI runs `make test`.

VENV ?= .venv## virtual environment to create or reuse (may be shared between checkouts)
PYTHON_BASE ?= python3## the Python that creates the environment
GENERATOR ?= mkdocs## site generator: mkdocs (MkDocs 1.6) or properdocs (its drop-in continuation)
HOST ?= 127.0.0.1## address `make serve` listens on
PORT ?= 8000## port `make serve` listens on
SITE ?= site## where `make build` puts the finished site

PY := $(VENV)/bin/python
# The environment holds the pinned dependencies only; this checkout's own code comes first on
# the path, so one environment shared by several checkouts (VENV=...) never imports another
# checkout's `briefing` package. The stamp names the pins it was installed from.
PINS_HASH := $(shell cat requirements.txt constraints.txt | sha256sum | cut -c1-16)
STAMP := $(VENV)/.briefing-pins-$(PINS_HASH)
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
export GENERATOR
SERVED_PATH = $(shell $(PY) -m briefing.project mount_path 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install serve build pdf edition test test-fast lint format bench bench-scale bench-pdf bench-web clean

help: ## List the targets and the variables they honour
	@if [ -t 1 ]; then bold='\033[1m'; cyan='\033[36m'; plain='\033[0m'; else bold=; cyan=; plain=; fi; \
	printf "$${bold}Targets$${plain}\n"; \
	grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -v c="$$cyan" -v p="$$plain" 'BEGIN {FS = ":.*## "}; {printf "  %s%-12s%s %s\n", c, $$1, p, $$2}'; \
	printf "\n$${bold}Variables$${plain} (make TARGET NAME=value)\n"; \
	grep -hE '^[A-Z_]+ \?= .*## ' $(MAKEFILE_LIST) | sed -E 's/^([A-Z_]+) \?= ([^#]*)## (.*)$$/\1\t\2\t\3/' | awk -F'\t' -v c="$$cyan" -v p="$$plain" '{printf "  %s%-12s%s %s (default: %s)\n", c, $$1, p, $$3, $$2}'

$(PY):
	$(PYTHON_BASE) -m venv $(VENV)

# Reinstall only when the pins change.
$(STAMP): requirements.txt constraints.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@rm -f $(VENV)/.briefing-pins-* $(VENV)/.briefing-installed
	@touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install the pinned dependencies

serve: $(STAMP) ## Build and serve the site with live reload (URL printed at start)
	@echo "Serving on http://$(HOST):$(PORT)$(SERVED_PATH)"
	$(PY) -m $(GENERATOR) serve --strict --dev-addr $(HOST):$(PORT) --livereload

build: $(STAMP) ## Build the site and the PDF into site/ (replaced only if the build succeeds)
	$(PY) -m briefing.publish --site $(SITE) --generator $(GENERATOR)

pdf: build ## Write the PDF of the whole briefing (site/downloads/briefing.pdf)

edition: build ## Freeze the published edition into editions/: make edition VERSION=1.1.0 (snapshot and PDF)
	@test -n "$(VERSION)" || (echo "usage: make edition VERSION=x.y.z (the data file's meta.version)"; exit 2)
	$(PY) -m briefing.editions freeze --version $(VERSION) --pdf $(SITE)/downloads/briefing.pdf

test: $(STAMP) lint ## Run lint, then all tests: unit, build, bad input, browser, hosting and PDF
	$(PY) -m pytest

JOBS ?= 2## pytest workers for `make test-fast` (pytest-xdist); 1 runs the tests in one process

test-fast: $(STAMP) ## Run the quick tier: no browser, no real-site build, no PDF (tests marked slow or browser are left out)
	BRIEFING_FUZZ_EXAMPLES=100 $(PY) -m pytest -m "not browser and not slow" $(if $(filter-out 1,$(JOBS)),-n $(JOBS))

lint: $(STAMP) ## Check the code: ruff (lint and format) and mypy (strict on briefing/)
	$(PY) -m ruff check briefing hooks macros.py tests scripts tools
	$(PY) -m ruff format --check briefing hooks macros.py tests scripts tools
	$(PY) -m mypy

format: $(STAMP) ## Apply ruff's fixes and formatter
	$(PY) -m ruff check --fix briefing hooks macros.py tests scripts tools
	$(PY) -m ruff format briefing hooks macros.py tests scripts tools

bench: $(STAMP) ## Benchmark build times against plain mkdocs-material and naive mkdocs-macros (NS="10 100 500" M=20)
	$(PY) -m tools.bench $(if $(NS),--pages $(NS)) $(if $(M),--refs $(M))

bench-scale: $(STAMP) ## Hostile sizes: 1 figure x 5,000 references, 2,000 figures, 300 quotes in 2 MB, with PDFs
	$(PY) -m tools.bench_scale --pdf

bench-pdf: $(STAMP) ## PDF time, size and peak memory: the real briefing and a synthetic one (CHAPTERS=100)
	$(PY) -m tools.bench_pdf $(if $(CHAPTERS),--chapters $(CHAPTERS))

bench-web: build ## Lighthouse (mobile) on Home and a topic page, served by nginx with the site's headers
	$(PY) -m tools.bench_web --site $(SITE)

clean: ## Remove the built site and caches
	rm -rf $(SITE) .pytest_cache .cache
