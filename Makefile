# make run: a demo-ready blog on the embedded SQLite database. make test: the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit lint install clean browser

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "install Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/liveblog serve --demo

# The desk's core (static/desk-core.js) under Node's own test runner: no npm package.
.PHONY: jstest
jstest:
	node --test tests/js/

# The gates: types (mypy --strict, configured in pyproject.toml) and lint (ruff check); never a formatter.
lint: $(STAMP)
	$(BIN)/ruff check liveblog tests scripts
	$(BIN)/mypy

# The suite runs twice: on SQLite, then on PostgreSQL at 127.0.0.1:5432 (those skip when it is not reachable);
# the browser tests (marked by conftest) drive the same server code on either store: they run in the first pass.
test: lint $(STAMP) browser jstest
	$(BIN)/python -m pytest -q --durations=25
	$(BIN)/python -m pytest -q --durations=25 --store=postgres -m "not browser"

# The fast tier: the tests marked unit (no server, process or browser), in seconds. It has no Hypothesis
# test, and Hypothesis's plugin imports all of Hypothesis at the end of every run: it stays out.
test-unit: $(STAMP)
	$(BIN)/python -m pytest -q -m unit -p no:hypothesispytest

clean:
	rm -rf $(VENV) *.egg-info

# The catalogs (README, "Adding a language"): every string the templates, the scripts and the desk's Python
# messages use, extracted into liveblog/locale/messages.pot and merged into each language's messages.po
# (new strings arrive empty: tests/test_i18n_catalogs.py names each one until it is translated).
.PHONY: catalogs
catalogs: $(STAMP)
	$(BIN)/python scripts/catalogs.py
