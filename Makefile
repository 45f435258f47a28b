# 蓟州终身学习网 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install setup lint messages clean

# The virtual environment is rebuilt whenever the lock file changes.
$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

# Node packages for the browser tests (axe-core), reinstalled whenever package-lock.json changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The xAPI learning record store the tests start (ralph-malph), in its own virtualenv: its pins clash with ours.
LRS_VENV ?= .venv-lrs
$(LRS_VENV)/.installed: requirements-lrs.txt
	test -x $(LRS_VENV)/bin/python || $(PYTHON) -m venv $(LRS_VENV)
	$(LRS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LRS_VENV)/bin/python -m pip install --quiet --no-deps -r requirements-lrs.txt
	touch $@

install: $(BIN)/.installed node_modules/.installed $(LRS_VENV)/.installed

setup: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

# A developer's machine: debug pages, static files from runserver, the development SECRET_KEY (the settings
# default to production behaviour when DJANGO_DEBUG is unset). Also applies to `setup`, which `run` needs.
run setup messages: export DJANGO_DEBUG = 1
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Regenerate translation catalogues after changing interface strings (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages -l en -l zh_Hans --ignore=.venv --ignore=.venv-lrs --ignore=var --ignore=node_modules --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.venv-lrs

clean:
	rm -rf $(VENV) $(LRS_VENV) var/static
