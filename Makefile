# The one task runner. `make help` lists the targets; CI runs `make test`.
# Every target honours VENV=/path/to/existing/venv.

VENV ?= .venv
PYTHON_BASE ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.briefing-installed
HOST ?= 127.0.0.1
PORT ?= 8000
SITE ?= site

.DEFAULT_GOAL := help
.PHONY: help install serve build pdf test test-fast bench bench-web lint clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(PY):
	$(PYTHON_BASE) -m venv $(VENV)

# Reinstall only when the pins change.
$(STAMP): requirements.txt constraints.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . || $(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install the pinned dependencies

serve: $(STAMP) ## Build and serve the site on http://127.0.0.1:8000, rebuilding on edits
	$(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST):$(PORT) --livereload

build: $(STAMP) ## Build the site and the PDF into site/ (replaced only if the build succeeds)
	$(PY) -m briefing.publish --site $(SITE)

pdf: build ## Write the PDF of the whole briefing (site/downloads/briefing.pdf)

test: $(STAMP) ## Run all tests: unit, build, bad input, browser and PDF
	$(PY) -m pytest

test-fast: $(STAMP) ## Run the tests that need no browser
	$(PY) -m pytest -m "not browser"

bench: $(STAMP) ## Benchmark build times against plain mkdocs-material (NS="10 100 500" M=20)
	$(PY) -m tools.bench $(if $(NS),--pages $(NS)) $(if $(M),--refs $(M))

bench-web: build ## Lighthouse (mobile) on Home and a topic page, served by nginx with the site's headers
	$(PY) -m tools.bench_web --site $(SITE)

lint: $(STAMP) ## Check the code with ruff, if installed
	$(PY) -m ruff check briefing hooks macros.py tests tools || echo "ruff not installed: pip install ruff"

clean: ## Remove the built site and caches
	rm -rf $(SITE) .pytest_cache
