# Two commands matter: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV := .uv/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: demo test test-s3 preflight env assets migrate seed run lint format messages clean

## demo: environment, assets, SQLite database, the demo city, then the portal on http://127.0.0.1:8000
demo: preflight env assets migrate seed run

## test: the whole suite (against PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: preflight env assets
	$(PY) -m pytest $(PYTEST_ARGS)

## test-s3: the tests of stored files again, on the S3 store the S3_* variables name (.ci/run starts one)
S3_TESTS := tests/approvals/test_attachments.py tests/projects/test_project_records.py \
	tests/projects/test_archive_ownership.py tests/projects/test_periodic_tasks.py \
	tests/projects/test_import_batches.py tests/projects/test_import_pages.py \
	tests/projects/test_import_projects.py tests/projects/test_import_compounds.py \
	tests/projects/test_quota_import.py tests/funding/test_imports.py \
	tests/residents/test_surveys_import.py tests/residents/test_households_import.py \
	tests/reports/notices tests/reports/public tests/reports/test_monthly_files.py \
	tests/reports/test_monthly_services.py tests/reports/test_monthly_command.py \
	tests/reports/test_monthly_on_s3.py
test-s3: preflight env assets
	MEDIA_STORAGE_UNDER_TEST=s3 $(PY) -m pytest $(PYTEST_ARGS) $(S3_TESTS)

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
