# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The site on SQLite with demo data, a Celery worker and beat on kombu's filesystem
# transport (no Redis needed; it makes its folders under var/celery/ itself). Two-factor
# sign-in is off for the demo logins only. PORT reaches the settings too, so links in
# emails (SITE_URL's default) point at the port the site runs on.
DEMO_ENV = REQUIRE_2FA=false PORT=$(PORT)

run: $(STAMP)
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/celery -A esafety worker --beat --pool=solo --loglevel=warning \
		--schedule=var/celerybeat-schedule > var/celery.log 2>&1 & echo $$! > var/celery.pid
	@echo ""
	@echo "Background jobs: Celery worker and beat (log in var/celery.log)."
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with a demo login above."
	@echo ""
	trap 'kill `cat var/celery.pid` 2>/dev/null; rm -f var/celery.pid' EXIT INT TERM; \
		$(DEMO_ENV) $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

# The whole suite. Uses PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set,
# else SQLite and eager tasks.
test: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=esafety.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles
