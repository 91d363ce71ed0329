# The two commands: `make run` (the portal on its embedded default) and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

# What the tests run against; override on the command line or in the environment.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)

ASSETS := build/static
GOVUK := node_modules/govuk-frontend/dist/govuk


.PHONY: run test lint format assets worker beat chromium check-services compose-check clean demo-code bench wrk screenshots

# `make run PORT=8300` serves on another port; links in the emails it prints follow.
PORT ?= 8000
RUN_ENV := DEBUG=true PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}

run: $(VENV)/.runtime assets
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo
	@echo "The portal is at http://127.0.0.1:$(PORT) (stop it with Ctrl+C)."
	@echo "Emails are printed here, in this terminal. The periodic jobs (announcing scheduled"
	@echo "threat-level changes, reminders, the 07:00 digest) run inside the server."
	@echo
	$(RUN_ENV) $(BIN)/python manage.py run_embedded 127.0.0.1:$(PORT)

test: $(VENV)/.dev assets chromium nginx check-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(BIN)/bandit -q -r portal accounts threat_levels bulletins alerts calls cascades demo -lll
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (Playwright's own download cannot be used here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

.PHONY: nginx tls-cert

# The proxy tests run Debian's nginx with the compose stack's config (deploy/nginx/).
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's nginx for the proxy tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else \
	    echo "The proxy tests need Debian's nginx: sudo apt-get install nginx" >&2; exit 1; \
	  fi; \
	fi

# A self-signed certificate for trying the compose stack on https://localhost; never for real use.
tls-cert:
	@if [ -f deploy/certs/fullchain.pem ]; then echo "deploy/certs/ already holds a certificate"; else \
	  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
	    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	    -keyout deploy/certs/privkey.pem -out deploy/certs/fullchain.pem; \
	fi

check-services: $(VENV)/.dev
	@$(TEST_ENV) $(BIN)/python scripts/check_services.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

compose-check: $(VENV)/.dev
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# Celery against Redis (REDIS_URL, default the local one).
worker: $(VENV)/.runtime
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A portal worker --loglevel=INFO --concurrency=4

beat: $(VENV)/.runtime
	mkdir -p var
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A portal beat --loglevel=INFO --schedule var/celerybeat-schedule

# --- Setting up ----------------------------------------------------------

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: $(ASSETS)/css/portal.css $(ASSETS)/js/portal.mjs $(ASSETS)/js/import.mjs

$(ASSETS)/css/portal.css: node_modules/.installed $(wildcard assets/scss/*.scss)
	mkdir -p $(ASSETS)/css $(ASSETS)/govuk/images $(ASSETS)/images
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps assets/scss/portal.scss $@
	cp $(GOVUK)/assets/images/* $(ASSETS)/govuk/images/
	cp assets/images/* $(ASSETS)/images/

$(ASSETS)/js/portal.mjs: node_modules/.installed assets/js/portal.mjs
	mkdir -p $(ASSETS)/js
	cp $(GOVUK)/govuk-frontend.min.js $(ASSETS)/js/
	cp assets/js/portal.mjs $@

$(ASSETS)/js/import.mjs: assets/js/import.mjs
	mkdir -p $(ASSETS)/js
	cp assets/js/import.mjs $@

clean:
	rm -rf build staticfiles node_modules $(VENV)

# The current sign-in code of each demo person (the embedded default only).
# README's screenshots, from the demo data on a scratch database (docs/screenshots/).
screenshots: $(VENV)/.dev assets chromium
	$(BIN)/python scripts/screenshots.py

demo-code: $(VENV)/.runtime
	@DEBUG=true $(BIN)/python manage.py demo_code

# Benchmarks print figures; they assert nothing (see docs/performance.md).
# The alert fan-out first, then the load on the pages (gunicorn + wrk; Debian's wrk is
# installed when missing and running as root).
bench: $(VENV)/.dev assets check-services wrk
	$(BIN)/python bench/alerts.py
	$(BIN)/python bench/cascades.py
	$(BIN)/python bench/load.py

wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's wrk for the load benchmark"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "The load benchmark needs Debian's wrk: sudo apt-get install wrk" >&2; exit 1; \
	  fi; \
	fi
