# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-slow test-all lint bench schema clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/storylens analyze examples/harbour-ferry/articles --db demo-out/storylens.db \
	  --json demo-out/report.json --md demo-out/report.md --html demo-out/report.html

test: install
	bash scripts/test-setup.sh
	$(VENV)/bin/pytest -q

test-slow: install
	bash scripts/test-setup.sh
	$(VENV)/bin/pytest -q -m slow

test-all: install
	bash scripts/test-setup.sh
	$(VENV)/bin/pytest -q -m ''

lint: install
	$(VENV)/bin/ruff check storylens tests bench

bench: install
	$(PY) bench/extraction.py

schema: install
	$(VENV)/bin/storylens schema --out docs/report.schema.json

clean:
	rm -rf demo-out .pytest_cache
