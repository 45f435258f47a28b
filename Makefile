# 蓟州终身学习网 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install setup lint messages clean opensearch-node

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

# The real OpenSearch node the search tests start (Java 17 + Maven; artifacts from Maven Central, offline when the
# local Maven repository already has them). docs/decisions/0012-search-engine-node.md.
SEARCH_NODE := tools/opensearch-node
$(SEARCH_NODE)/target/.built: $(SEARCH_NODE)/pom.xml $(wildcard $(SEARCH_NODE)/src/main/java/jizhou/searchnode/*.java) $(wildcard $(SEARCH_NODE)/src/main/resources/*)
	cd $(SEARCH_NODE) && { mvn -q -B -o package -DskipTests 2>/dev/null || mvn -q -B package -DskipTests; }
	touch $@

opensearch-node: $(SEARCH_NODE)/target/.built

setup: install
	mkdir -p var
	$(BIN)/python manage.py setup_site  # migrate, then home page and course catalogue (jizhou/site_setup.py)
	$(BIN)/python manage.py load_demo

# A developer's machine: debug pages, static files from runserver, the development SECRET_KEY (the settings
# default to production behaviour when DJANGO_DEBUG is unset). Also applies to `setup`, which `run` needs.
run setup messages: export DJANGO_DEBUG = 1
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install opensearch-node
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
