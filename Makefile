# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# What the site needs (enough for `make run`); the test and lint tools go on top of it.
SITE_STAMP := $(VENV)/.installed-site
STAMP := $(VENV)/.installed
# pip lists each package as it goes. No .pyc files are compiled beforehand (a third of
# pip's time): Python compiles the modules the site imports when it first imports them.
PIP_INSTALL := $(BIN)/pip install --disable-pip-version-check --no-compile

.PHONY: run test install lint format clean

$(SITE_STAMP): requirements.txt
	@echo "==> Python packages for the site (requirements.txt) into $(VENV)/"
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $(SITE_STAMP)

$(STAMP): $(SITE_STAMP) requirements-dev.txt
	@echo "==> Test and lint tools (requirements-dev.txt)"
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The site on SQLite with demo data, a Celery worker and beat on kombu's filesystem
# transport (no Redis needed; it makes its folders under var/celery/ itself). Two-factor
# sign-in is off for the demo logins only. PORT reaches the settings too, so links in
# emails (SITE_URL's default) point at the port the site runs on. The request log and the
# sign-in log show warnings and errors only (a 404, a 500, a lock-out), so the demo logins
# printed when the site is ready stay on the screen.
DEMO_ENV = REQUIRE_2FA=false PORT=$(PORT) SERVER_LOG_LEVEL=WARNING AXES_LOG_LEVEL=WARNING
SITE = $(DEMO_ENV) $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)
WORKER = $(DEMO_ENV) $(BIN)/celery -A esafety worker --beat --pool=solo --loglevel=warning \
	--schedule=var/celerybeat-schedule
# Succeeds once the site answers on PORT.
SITE_ANSWERS = $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', $(PORT)), 2)"

# The system checks run once, when the site starts. The demo data is seeded while the site
# starts (two processes: both cores at work); the logins are printed when both are done.
run: $(SITE_STAMP)
	@mkdir -p var
	@echo "==> Database: migrations for db.sqlite3 (each listed; a minute on a fresh checkout)"
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput --skip-checks
	@echo "==> Demo data (var/seed.log) and the site start together"
	@trap 'kill $$waiter `cat var/celery.pid 2>/dev/null` 2>/dev/null; rm -f var/celery.pid' EXIT INT TERM; \
	( $(DEMO_ENV) $(BIN)/python manage.py seed_demo --skip-checks > var/seed.log 2> var/seed-warnings.log \
		|| { cat var/seed.log var/seed-warnings.log; echo "Seeding the demo data failed (above)."; exit 1; }; \
	  $(WORKER) > var/celery.log 2>&1 & echo $$! > var/celery.pid; \
	  until $(SITE_ANSWERS) 2>/dev/null; do sleep 0.5; done; \
	  echo "" \
	  && echo "==> The site is ready: http://127.0.0.1:$(PORT)/" \
	  && sed -n '/^Demo data ready/,$$p' var/seed.log \
	  && echo "Background jobs: a Celery worker and beat (log in var/celery.log). Ctrl-C stops all." \
	  && echo "" ) & waiter=$$!; \
	$(SITE)

# The whole suite. Uses PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set,
# else SQLite and eager tasks. One test process per core (pytest-xdist; each has its own
# test database); tests that share one costly result (the demo walk) or one set of Redis
# keys are grouped onto one process (`xdist_group`). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=esafety.settings_test
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles
