# Two commands do all set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint browser

CHROMIUM := /usr/bin/chromium

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser journeys (Playwright never downloads a browser here).
browser:
	@(test -x $(CHROMIUM) && dpkg -s fonts-noto-cjk >/dev/null 2>&1) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

# The task worker (bulk exports) runs in the background beside the development server and is
# stopped with it: Ctrl+C, or runserver exiting for any other reason.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install browser
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

# Bulk Excel export timed against a plain XlsxWriter loop, on the database in DATABASE_URL
# (fill it first, e.g. with the synthetic generator).
.PHONY: bench-export
bench-export: install
	$(PY) bench/bench_export.py

# CPU per login of PBKDF2 against Argon2 on this machine (no database); see README.
.PHONY: bench-hashers
bench-hashers: install
	$(PY) bench/hashers.py

# Benchmarks and load test on PostgreSQL (DATABASE_URL, else perfgoals_bench on 127.0.0.1, created
# and filled with a synthetic 20,000-form year on first use); not part of `make test`. See README.
.PHONY: bench load
bench: install
	$(PY) bench/run.py

load: install
	$(PY) load/run.py

# History mode: the same screens on one synthetic year and on five (perfgoals_bench5, 100,000 forms,
# generated once), with the growth ratio; and the deadline: 200 people ramping in over 60 s on the
# five-year database. See README, Benchmarks and load.
.PHONY: bench-history load-deadline
bench-history: install
	$(PY) bench/run.py --history

load-deadline: install
	$(PY) load/run.py --scenario deadline
