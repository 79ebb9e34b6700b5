# Two commands matter: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV := .uv/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: demo test preflight env assets migrate seed run lint format messages clean

## demo: environment, assets, SQLite database, the demo city, then the portal on http://127.0.0.1:8000
demo: preflight env assets migrate seed run

## test: the whole suite (against PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: preflight env assets
	$(PY) -m pytest $(PYTEST_ARGS)

preflight:
	@$(PYTHON) scripts/preflight.py

# uv lives in its own small environment so that syncing .venv never touches it.
$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check "uv>=0.9,<1"

env: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	$(PYTHON) scripts/vendor_assets.py

migrate:
	$(MANAGE) migrate --noinput

seed:
	$(MANAGE) seed_demo

run:
	@echo "Portal: http://127.0.0.1:8000  (Ctrl-C stops it)"
	$(MANAGE) runserver 127.0.0.1:8000

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

## messages: refresh the zh_Hans catalogue from the code, then compile it (needs GNU gettext)
messages:
	$(MANAGE) makemessages -l zh_Hans --no-location --no-obsolete -i node_modules -i .venv -i .uv -i static/vendor
	$(MANAGE) compilemessages -l zh_Hans

clean:
	rm -rf .venv .uv node_modules static/vendor var
