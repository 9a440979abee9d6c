# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links printed by the data commands (resume link, demo logins) point at the served address.
export DJANGO_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test system-run system-test install messages setup data lint migrations-check pytest serve bench bench-report bench-load fuzz security reset-local-db clean

run: setup ## set everything up and serve the app on http://127.0.0.1:8000 (with the task workers)
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) task_worker --queue-name default >/dev/null 2>&1 & \
	  $(MANAGE) task_worker --backend reports --queue-name default >/dev/null 2>&1 & \
	  $(MANAGE) runserver $(HOST):$(PORT) --noreload

setup: system-run install data

# System packages (fonts for every script a PDF renders, WeasyPrint's libraries; Chromium and
# poppler for the tests): installed when missing, or named if we cannot (scripts/system-packages).
system-run:
	@scripts/system-packages run

system-test:
	@scripts/system-packages test

install: $(VENV)/.installed node_modules/.installed messages

# Compiled translations (.mo) are built from the committed .po files, never committed: gettext's
# msgfmt comes from scripts/system-packages. Rebuilt when a .po file changes.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(MANAGE) compilemessages -v0 --locale $*

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

data: install ## migrate and load the framework, programmes and demo data
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_framework
	$(MANAGE) load_programmes
	$(MANAGE) load_demo
	$(MANAGE) load_demo_cohort

test: system-test install lint migrations-check pytest ## the whole suite (set DATABASE_URL for PostgreSQL)

lint: ## ruff, and mypy with django-stubs (strict on the pure domain modules; pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy

migrations-check:
	$(MANAGE) makemigrations --check --dry-run -v0

# The suite on several processes (pytest-xdist), a test file per process: a file's module-scoped
# stacks (servers, workers) start once. PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= auto
pytest:
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

serve: install ## production-like stack: gunicorn + task worker (uses DATABASE_URL / REDIS_URL)
	scripts/serve

bench: bench-report bench-load ## the benchmarks of bench/ (see docs/performance.md)

bench-report: install
	$(BIN)/python bench/report.py

bench-load: install ## needs PostgreSQL and Redis on this machine
	$(BIN)/python bench/load.py

fuzz: install ## thousands of random inputs to every form and API operation: zero 500s
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/pytest tests/reports/test_api_fuzz.py tests/readiness/test_assessment_views.py \
	  tests/advisors/test_advisors_workspace.py -k "never_fail or fuzz" -q

security: install
	scripts/security-checks

reset-local-db:
	rm -f db.sqlite3
	$(MAKE) data

clean:
	rm -rf $(VENV) node_modules staticfiles test-artifacts
