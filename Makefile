# The README's words are the targets: run, test, demo, lint, format, serve.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: run test demo lint format serve setup migrate clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

# The task worker (manage.py db_worker: image renditions and other slow work) runs beside the
# web server and is stopped when the server stops, however it stops (Ctrl+C, an error, kill).
# --no-reload: the autoreloader's child would outlive a kill of its parent; restart `make run`
# after changing a task's code.
WITH_WORKER = $(PY) manage.py db_worker --queue-name='*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM;

# Absolute links (and the admin address printed by the demo) follow the chosen port unless
# SITE_URL is given.
run: migrate
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(PY) manage.py demo --if-empty
	@export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(WITH_WORKER) \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: migrate
	$(PY) manage.py demo --reset

# The production server: DEBUG=false, gunicorn (gunicorn.conf.py), whitenoise for static files.
# A real deployment gives SECRET_KEY, ALLOWED_HOSTS and SITE_URL in the environment (see
# docs/deploy.md). Locally, a key is generated once into var/secret_key (for this machine
# only: never commit or reuse it) and, unless SITE_URL is https, the HTTPS-only settings are
# relaxed so the site works over plain http://127.0.0.1:$(PORT). Uploads are served by Django
# then too (SERVE_MEDIA); in production nginx or object storage serves them. The task worker
# runs beside gunicorn (WITH_WORKER); in production it is its own service (docs/deploy.md).
serve: setup
	@mkdir -p var && test -s var/secret_key || \
		(umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key)
	@set -e; \
	export DEBUG=false PORT=$(PORT); \
	export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}"; \
	export ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	case "$$SITE_URL" in https://*) ;; *) \
		export SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
			SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-false}" \
			CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-false}" \
			SECURE_HSTS_SECONDS="$${SECURE_HSTS_SECONDS:-0}" \
			SERVE_MEDIA="$${SERVE_MEDIA:-true}";; \
	esac; \
	$(PY) manage.py collectstatic --noinput -v0; \
	$(PY) manage.py migrate --noinput; \
	$(WITH_WORKER) \
	$(VENV)/bin/gunicorn -c gunicorn.conf.py newsroom.wsgi

# Two pytest-xdist workers by default (each test's cache keys, ports and database are its own);
# PYTEST_WORKERS=0 runs in one process, which a debugger or `-x` on one test may prefer.
PYTEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/db.sqlite3* var/media var/static
