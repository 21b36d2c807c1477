# Everything installs itself: pinned npm packages (npm ci) and a .venv with pinned Python packages.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: serve test bench build dist deps clean

serve: build
	$(PY) -m unbg.dev.serve --port $(PORT)

test: build
	$(PY) -m pytest

bench: build
	$(PY) -m unbg.dev.bench

build: deps
	$(PY) -m unbg.build

dist: build
	$(PY) -m unbg.build.dist

deps: node_modules/.installed $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

clean:
	rm -rf assets/vendor assets/models assets/source dist node_modules $(VENV) .cache
