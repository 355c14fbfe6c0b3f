# The two commands: `make run` (the portal, quick start) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON312 := $(shell (command -v pyenv >/dev/null && ls -d $$(pyenv root)/versions/3.1[2-9]*/bin/python3 2>/dev/null | head -n1) || command -v python3.12 || command -v python3.13)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
# `make run PORT=8001` serves on another port; links in e-mails follow it (SITE_URL).
PORT ?= 8000
export UV_PYTHON ?= $(PYTHON312)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help run test bench bench-invitations bench-pdf lint env services messages

help:
	@echo "make run    – serve the portal at http://127.0.0.1:8000/ (SQLite, demo data;"
	@echo "              PORT=8001 for another port)"
	@echo "make test   – run the whole test suite (PostgreSQL, Redis, Chromium)"
	@echo "make bench  – benchmark the public pages against a bare ping view, and the"
	@echo "              sending of 10,000 invitations against a plain smtplib loop, and the"
	@echo "              agreement PDF (1,000 signatories) and its download (bench/pdf.py)"
	@echo "make lint   – ruff check and format check"

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

env: $(UV)
	@test -n "$(UV_PYTHON)" || { echo "Python 3.12+ not found (pyenv or python3.12)"; exit 1; }
	@$(UV) sync --frozen --quiet

messages: env
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	@$(PY) manage.py compilemessages --ignore=.venv -v0

run: env messages
	@DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py migrate --noinput -v0
	@DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py load_demo
	@echo
	@echo "  The portal: http://127.0.0.1:$(PORT)/   (English: http://127.0.0.1:$(PORT)/en/)"
	@echo "  Demo logins (local use only), password for all: demo-portal-2026"
	@echo "    official@example.org        – an official (TOTP secret JBSWY3DPEHPK3PXP)"
	@echo "    admin@example.org           – an administrator, /sv/admin/ (the same TOTP secret)"
	@echo "    rep@example.org             – a representative of a demo association"
	@echo "  E-mail is printed here; tasks run in-process."
	@echo
	@PORT=$(PORT) DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py runserver 127.0.0.1:$(PORT)

services:
	@bash scripts/ensure-services.sh

test: env services messages
	@$(PY) manage.py collectstatic --noinput -v0 --settings=config.settings.test
	@$(PY) -m pytest --create-db $(PYTEST_ARGS)

bench: env services messages
	@$(PY) bench/run.py
	@$(PY) bench/invitations.py
	@$(PY) bench/pdf.py

bench-invitations: env services messages
	@$(PY) bench/invitations.py

bench-pdf: env services messages
	@$(PY) bench/pdf.py

lint: env
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
