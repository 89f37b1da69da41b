# One target per workflow; CI calls the same ones (.ci/run -> make test).
SHELL := /bin/bash
PYTHON_313 := $(shell pyenv prefix 3.13 2>/dev/null)/bin/python3.13
export UV_PYTHON ?= $(if $(wildcard $(PYTHON_313)),$(PYTHON_313),python3.13)
export UV_PYTHON_DOWNLOADS ?= never
export UV_COMPILE_BYTECODE ?= 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: install system-deps demo test lint format manifest dagster dashboard clean

install:  ## the locked environment in .venv
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

demo: install  ## database, demo data, pipeline, dashboard, Dagster UI and demo login; Ctrl-C stops all
	.venv/bin/co2calc demo

system-deps:  ## Debian packages the tests drive: Chromium (browser tests) and redis-server (cache tests)
	@command -v chromium >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server >/dev/null; }

test: install system-deps  ## the whole suite: unit, integration (real PostgreSQL, Redis), end-to-end (Chromium)
	.venv/bin/pytest

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/sqlfluff lint dbt/models

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

manifest: install  ## dbt/target/manifest.json, which the Dagster definitions read (dbt parse needs no database)
	.venv/bin/dbt parse --quiet --project-dir dbt --profiles-dir dbt

dagster: install  ## the Dagster UI on the configured warehouse (CO2CALC_DATABASE_URL)
	.venv/bin/co2calc dagster

dashboard: install  ## the dashboard and demo login on the configured warehouse
	.venv/bin/co2calc dashboard

clean:
	rm -rf .co2calc dbt/target dbt/logs
