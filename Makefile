# The two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= demo12345

.PHONY: run test stack-test fuzz client bench venv deps dev-deps migrate seed lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(PY)

# Installs are stamped so a second `make run` starts at once.
$(VENV)/.deps: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

migrate: deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty --password $(DEMO_PASSWORD)

run: seed
	@echo ""
	@echo "  Cinema booking platform on http://$(HOST):$(PORT)/"
	@echo "  Admin:    http://$(HOST):$(PORT)/admin/"
	@echo "  API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo "  Logins (password $(DEMO_PASSWORD)): admin@cinema.local, manager@cinema.local,"
	@echo "          moderator@cinema.local, customer@cinema.local"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: dev-deps
	$(VENV)/bin/ruff check .

test: dev-deps
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

# Real gunicorn + PostgreSQL + Redis behind nginx, Celery worker and beat, an SMTP
# server, on loopback (needs the services and root for apt).
stack-test: dev-deps
	bash deploy/stack_test.sh

# schemathesis over the whole OpenAPI schema against gunicorn on PostgreSQL with the
# demo data, as a customer, a manager and a moderator: fails on any server error and on
# any answer the schema does not declare (status, content type, body). A few minutes.
fuzz: dev-deps
	bash deploy/schemathesis.sh

# A Python client generated from the OpenAPI schema, in build/cinema_client (PYTHONPATH=build).
client: dev-deps
	rm -rf build/cinema_client && mkdir -p build
	$(PY) manage.py spectacular --file build/schema.yaml
	cd build && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" "$(CURDIR)/$(VENV)/bin/openapi-python-client" generate \
		--path schema.yaml --output-path cinema_client --meta none --config "$(CURDIR)/cinema/api/client-config.yaml"

# Load test on this machine: gunicorn + PostgreSQL + Redis, driven by wrk (loopback, bounded).
bench: deps
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache build
