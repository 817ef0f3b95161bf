# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The PostgreSQL store tests' server: STORYLENS_TEST_PG if set, else the one scripts/test-setup.sh started
# (scripts/postgres.sh); empty when none, and those tests skip saying so.
PG_ENV := STORYLENS_TEST_PG="$${STORYLENS_TEST_PG-$$(bash scripts/postgres.sh url 2>/dev/null)}"

.PHONY: install demo test test-slow test-all lint bench schema clean pg-start pg-stop

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
	$(PG_ENV) $(VENV)/bin/pytest -q

test-slow: install
	bash scripts/test-setup.sh
	$(PG_ENV) $(VENV)/bin/pytest -q -m slow

test-all: install
	bash scripts/test-setup.sh
	$(PG_ENV) $(VENV)/bin/pytest -q -m ''

lint: install
	$(VENV)/bin/ruff check storylens tests bench

# All benchmarks (needs ../shared/corpora; tens of minutes on 2 cores). Figures go to docs/benchmarks.md.
bench: install
	$(PY) bench/extraction.py
	$(PY) bench/extraction_text.py
	$(PY) bench/linequality.py
	$(PY) bench/sources.py
	$(PY) bench/reuse.py
	$(PY) bench/reuse_mrpc.py
	$(PY) bench/reuse_scale.py
	$(PY) bench/stories.py
	$(PY) bench/quotes.py eval
	$(PY) bench/claimdiff.py
	$(PY) bench/dates.py
	$(PY) bench/estimate_dates.py
	$(PY) bench/timeline.py
	$(PY) bench/web.py 100
	$(PY) bench/comments.py
	$(PY) bench/end_to_end.py --real --synthetic 10000
	$(PY) bench/engines.py --real

schema: install
	$(VENV)/bin/storylens schema --out docs/report.schema.json

# A local PostgreSQL server for --db postgresql://... (prints the URL); data in .pg/
pg-start:
	bash scripts/postgres.sh start

pg-stop:
	bash scripts/postgres.sh stop

clean:
	rm -rf demo-out .pytest_cache
