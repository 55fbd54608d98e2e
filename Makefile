# The two commands a newcomer needs: `make run` (serve the program) and `make test` (the suite).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
# make run serves with DEBUG off and a local secret key made once (git-ignored), on PORT, with
# the task worker that sends e-mail to speakers (printed on the console without an SMTP server).
PORT ?= 8000
# The address the task worker links to in e-mail and renders pages for after a release.
NIIC_SITE_URL ?= http://127.0.0.1:$(PORT)
RUN_ENV = DJANGO_SECRET_KEY="$$(cat .secret_key)" DJANGO_DEBUG=0 NIIC_SITE_URL="$(NIIC_SITE_URL)"

.PHONY: run test lint format bench loadtest clean

run: $(VENV)/.run-deps .secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py createcachetable
	$(RUN_ENV) $(BIN)/python manage.py setup_roles
	$(RUN_ENV) $(BIN)/python manage.py load_niic --sample-schedule
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving the NIIC program on http://127.0.0.1:$(PORT) — press Ctrl-C to stop."
	@echo "E-mail to speakers is sent by a task worker (db_worker) that stops with the server."
	$(RUN_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(RUN_ENV) PORT=$(PORT) $(BIN)/gunicorn --config niic/gunicorn.py niic.wsgi

# The suite runs on every core (pytest-xdist). Tests are handed out one by one in the order
# pytest-django gives them, so that on every worker the tests that flush the database
# (transactional ones) still come after all the others, whose pinned query counts assume the
# caches a flush empties. PYTEST_WORKERS=0 runs it in this process, as a debugger needs.
PYTEST_WORKERS ?= auto
test: $(VENV)/.dev-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# make bench times every public page and export for apps, and counts its queries and KB, on
# generated editions of 200, 1,000 and 5,000 sessions, in a throwaway .bench.sqlite3 made afresh
# each run, or in the database DATABASE_URL names (make bench DATABASE_URL=postgres://…).
# A quick run: make bench BENCH_ARGS="--sizes 50 --repeat 3".
bench: $(VENV)/.dev-deps
	@[ -n "$$DATABASE_URL" ] || rm -f .bench.sqlite3*
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/.bench.sqlite3}" $(BIN)/python manage.py bench $(BENCH_ARGS)

# make loadtest serves a generated edition of 1,000 sessions on gunicorn with PostgreSQL and
# Redis, loads it with wrk on loopback while edits are published, and reports. It installs
# nothing: it needs wrk (Debian: apt-get install wrk), a PostgreSQL server (the database is
# created if missing) and Redis. LOADTEST_ARGS="--seconds 60" for a longer run.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/niic_loadtest
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/12
loadtest: $(VENV)/.dev-deps
	@command -v wrk >/dev/null || { echo "make loadtest needs wrk (Debian: apt-get install wrk), PostgreSQL ($(LOADTEST_DATABASE_URL)) and Redis ($(LOADTEST_REDIS_URL))." >&2; exit 1; }
	DATABASE_URL=$(LOADTEST_DATABASE_URL) REDIS_URL=$(LOADTEST_REDIS_URL) $(BIN)/python manage.py loadtest $(LOADTEST_ARGS)

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# A Python >= 3.12: pyenv's choice for .python-version first, then the usual names on PATH.
$(BIN)/python:
	@python=""; \
	for candidate in "$$(pyenv which python 2>/dev/null)" python3.14 python3.13 python3.12 python3; do \
	  [ -n "$$candidate" ] && command -v "$$candidate" >/dev/null 2>&1 || continue; \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    python="$$candidate"; break; \
	  fi; \
	done; \
	if [ -z "$$python" ]; then \
	  echo "The NIIC program needs Python 3.12 or newer, and none was found" \
	       "(tried pyenv, python3.14, python3.13, python3.12, python3). Install one, then run make again." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$("$$python" --version) ($$(command -v "$$python"))"; \
	"$$python" -m venv $(VENV)

$(VENV)/.run-deps: $(BIN)/python pyproject.toml constraints.txt
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) --group run
	@touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps
	$(PIP_INSTALL) --group dev
	@touch $@

.secret_key: | $(BIN)/python
	@umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@echo "Made a local secret key in .secret_key (git-ignored; used by make run only)."
